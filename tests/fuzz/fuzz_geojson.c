/*
 * fuzz_geojson.c: libFuzzer target for the GeoJSON reader (geoarea.h).
 *
 * The first byte picks how the rest is used: as a whole document, or as
 * the coordinates of a Polygon or MultiPolygon (so that mutations spend
 * their time on rings and positions rather than on JSON syntax). Beyond not
 * crashing, every input must either add polygons and say nothing, or fail
 * with HW_EINPUT, one line of valid UTF-8, and the area as it was.
 */
#include "core/homeward.h"
#include "geo/geoarea.h"
#include "geo/geopoly.h"
#include "fuzz_check.h"

#include <math.h>

/* One line of valid UTF-8 (the reader promises it, whatever the input). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct geoarea a;
	struct strbuf err = STRBUF_INIT, doc = STRBUF_INIT;
	size_t i;
	int rc;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		strbuf_add(&doc, data + 1, size - 1);
		break;
	case 1:
		strbuf_addstr(&doc, "{\"type\":\"Polygon\",\"coordinates\":");
		strbuf_add(&doc, data + 1, size - 1);
		strbuf_addch(&doc, '}');
		break;
	default:
		strbuf_addstr(&doc, "{\"type\":\"FeatureCollection\",\"features\":"
			      "[{\"type\":\"Feature\",\"geometry\":{\"type\":"
			      "\"MultiPolygon\",\"coordinates\":");
		strbuf_add(&doc, data + 1, size - 1);
		strbuf_addstr(&doc, "}}]}");
		break;
	}

	geoarea_init(&a);
	if (geoarea_add_circle(&a, 1, 2, 3, &err))
		abort();
	rc = geoarea_parse_geojson(&a, doc.buf, doc.len, &err);
	if (rc == HW_OK) {
		if (err.len || !a.npolygons || a.ncircles != 1)
			abort();
		for (i = 0; i < a.npolygons; i++) {
			double lat0, lon0, lat1, lon1;

			if (!a.polygons[i].poly || !*a.polygons[i].label)
				abort();
			geopoly_bbox(a.polygons[i].poly, &lat0, &lon0, &lat1,
				     &lon1);
			if (!(lat0 <= lat1 && lon0 <= lon1 && lat0 >= -90 &&
			      lat1 <= 90 && lon0 >= -540 && lon1 <= 540))
				abort();
			(void)geopoly_contains(a.polygons[i].poly,
					       (lat0 + lat1) / 2,
					       fmod((lon0 + lon1) / 2, 180));
		}
	} else if (rc == HW_EINPUT) {
		fuzz_check_message(&err);
		if (a.npolygons || a.ncircles != 1)
			abort();
	} else {
		abort();
	}
	geoarea_release(&a);
	strbuf_release(&err);
	strbuf_release(&doc);
	return 0;
}
