/*
 * fuzz_cap.c: libFuzzer target for the CAP reader (geoarea.h).
 *
 * The first byte picks how the rest is used: as a whole document, or as the
 * text of a <polygon> or a <circle> in an alert (with '<' and '&' blanked,
 * so that mutations spend their time on coordinates rather than on XML).
 * Beyond not crashing, every input must either add shapes and say nothing,
 * or fail with HW_EINPUT, one line of valid UTF-8, and the area as it was.
 * A polygon's first point lies on its boundary, so it must be inside it
 * (geopoly counts the boundary in): that catches latitude and longitude
 * swapped anywhere between the text and geopoly.
 */
#include "core/homeward.h"
#include "geo/geoarea.h"
#include "geo/geopoly.h"
#include "fuzz_check.h"

/* The first "lat,lon" of a polygon's text, as the reader would take it. */
static bool first_point(const char *s, double *lat, double *lon)
{
	char *end;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	*lat = strtod(s, &end);
	if (end == s)
		return false;
	s = end;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s++ != ',')
		return false;
	*lon = strtod(s, &end);
	return end != s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head[] =
		"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><info>"
		"<area><areaDesc>fuzz</areaDesc>";
	struct geoarea a;
	struct strbuf err = STRBUF_INIT, doc = STRBUF_INIT, text = STRBUF_INIT;
	int mode, rc;
	size_t i;

	if (size < 1)
		return 0;
	mode = data[0] % 3;
	for (i = 1; i < size; i++)
		strbuf_addch(&text, mode && (data[i] == '<' || data[i] == '&' ||
					     !data[i]) ? ' ' : data[i]);
	if (mode == 0)
		strbuf_add(&doc, data + 1, size - 1);
	else
		strbuf_addf(&doc, "%s<%s>%s</%s></area></info></alert>", head,
			    mode == 1 ? "polygon" : "circle", text.buf,
			    mode == 1 ? "polygon" : "circle");

	geoarea_init(&a);
	if (geoarea_add_circle(&a, 1, 2, 3, &err))
		abort();
	rc = geoarea_parse_cap(&a, doc.buf, doc.len, &err);
	if (rc == HW_OK) {
		if (err.len || (!a.npolygons && a.ncircles < 2))
			abort();
		for (i = 1; i < a.ncircles; i++)
			if (!(a.circles[i].radius_km > 0))
				abort();
		if (mode == 1) {
			double lat, lon;

			if (a.npolygons != 1 || !first_point(text.buf, &lat, &lon))
				abort();
			if (!geopoly_contains(a.polygons[0].poly, lat, lon)) {
				fprintf(stderr, "(%g, %g) not in its own polygon\n",
					lat, lon);
				abort();
			}
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
	strbuf_release(&text);
	return 0;
}
