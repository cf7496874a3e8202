/*
 * Unit tests for geoarea.c: tables of good and bad GeoJSON and CAP
 * documents with the exact messages users see, containment through
 * geopoly (latitude/longitude order, holes, the antimeridian), the XML
 * entity attacks, the position limit, and --circle and country arguments.
 */
#include "core/homeward.h"
#include "geo/geoarea.h"
#include "geo/geopoly.h"

#include <math.h>
#include <setjmp.h>
#include <cmocka.h>

/* Labels of the polygons, joined by '|'. */
static void labels(const struct geoarea *a, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < a->npolygons; i++) {
		if (i)
			strbuf_addch(out, '|');
		strbuf_addstr(out, a->polygons[i].label);
	}
}

/* Is (lat, lon) in any polygon of the area? */
static bool in_polygons(const struct geoarea *a, double lat, double lon)
{
	size_t i;

	for (i = 0; i < a->npolygons; i++)
		if (geopoly_contains(a->polygons[i].poly, lat, lon))
			return true;
	return false;
}

struct doc_case {
	const char *name;
	const char *text;
	const char *msg;       /* NULL: it parses */
	size_t npolygons, ncircles;
	const char *labels;    /* when it parses */
};

typedef int parse_fn(struct geoarea *, const char *, size_t, struct strbuf *);

static void run_cases(const struct doc_case *cases, size_t n, parse_fn *parse)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct doc_case *c = &cases[i];
		struct geoarea a;
		struct strbuf err = STRBUF_INIT, lb = STRBUF_INIT;
		int rc;

		geoarea_init(&a);
		/* Something already there, which a failure must not touch. */
		assert_int_equal(geoarea_add_circle(&a, 1, 2, 3, &err), 0);
		rc = parse(&a, c->text, strlen(c->text), &err);
		labels(&a, &lb);
		if (c->msg) {
			if (rc != HW_EINPUT || strcmp(err.buf, c->msg))
				fail_msg("%s: expected error\n  %s\ngot %d\n  %s",
					 c->name, c->msg, rc, err.buf);
			assert_int_equal(a.npolygons, 0);
			assert_int_equal(a.ncircles, 1);
		} else {
			if (rc)
				fail_msg("%s: %s", c->name, err.buf);
			assert_string_equal(err.buf, "");
			if (a.npolygons != c->npolygons ||
			    a.ncircles != c->ncircles + 1)
				fail_msg("%s: %zu polygons, %zu circles", c->name,
					 a.npolygons, a.ncircles - 1);
			if (c->labels && strcmp(lb.buf, c->labels))
				fail_msg("%s: labels %s, expected %s", c->name,
					 lb.buf, c->labels);
		}
		geoarea_release(&a);
		strbuf_release(&err);
		strbuf_release(&lb);
	}
}

#define SQ(x0, y0, x1, y1) \
	"[[" #x0 "," #y0 "],[" #x1 "," #y0 "],[" #x1 "," #y1 "],[" #x0 "," \
	#y1 "],[" #x0 "," #y0 "]]"
#define POLY "{\"type\":\"Polygon\",\"coordinates\":[" SQ(2, 48, 3, 49) "]}"
#define FEAT(g) "{\"type\":\"Feature\",\"properties\":{},\"geometry\":" g "}"
#define FC(f) "{\"type\":\"FeatureCollection\",\"features\":[" f "]}"

static const struct doc_case geojson_cases[] = {
	{ "polygon", POLY, NULL, 1, 0, "Polygon" },
	{ "polygon with a hole",
	  "{\"type\":\"Polygon\",\"coordinates\":[" SQ(0, 0, 10, 10) ","
	  SQ(4, 4, 6, 6) "]}", NULL, 1, 0, "Polygon" },
	{ "multipolygon",
	  "{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQ(0, 0, 1, 1)
	  "],[" SQ(5, 5, 6, 6) "]]}", NULL, 1, 0, "MultiPolygon" },
	{ "feature", FEAT(POLY), NULL, 1, 0, "Feature" },
	{ "feature collection",
	  FC(FEAT(POLY) "," FEAT(POLY) "," FEAT(POLY)), NULL, 3, 0,
	  "features[0]|features[1]|features[2]" },
	{ "geometry collection",
	  "{\"type\":\"GeometryCollection\",\"geometries\":[" POLY ","
	  "{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQ(0, 0, 1, 1) "]]}]}",
	  NULL, 2, 0, "geometries[0]|geometries[1]" },
	{ "geometry collection in a feature",
	  FC(FEAT(POLY) "," FEAT("{\"type\":\"GeometryCollection\","
				 "\"geometries\":[" POLY "," POLY "]}")),
	  NULL, 3, 0, "features[0]|features[1].geometry.geometries[0]|"
	  "features[1].geometry.geometries[1]" },
	{ "altitude, integers, foreign members, bbox",
	  "{\"type\":\"Polygon\",\"bbox\":[2,48,3,49],\"title\":\"x\","
	  "\"coordinates\":[[[2,48,35.5],[3,48,0],[3,49,1e2],[2,49,-4],"
	  "[2,48,35.5]]]}", NULL, 1, 0, NULL },
	{ "crs CRS84",
	  "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
	  "\"properties\":{\"name\":\"urn:ogc:def:crs:OGC:1.3:CRS84\"}},"
	  "\"features\":[" FEAT(POLY) "]}", NULL, 1, 0, NULL },
	{ "crs EPSG:4326",
	  "{\"type\":\"Polygon\",\"crs\":{\"type\":\"name\",\"properties\":"
	  "{\"name\":\"EPSG:4326\"}},\"coordinates\":[" SQ(2, 48, 3, 49) "]}",
	  NULL, 1, 0, NULL },
	{ "uncut antimeridian",
	  "{\"type\":\"Polygon\",\"coordinates\":[" SQ(170, -20, 190, -10)
	  "]}", NULL, 1, 0, NULL },
	{ "byte-order mark and whitespace",
	  "\xef\xbb\xbf  \n" POLY "\n\n", NULL, 1, 0, NULL },

	{ "syntax", "{\"type\":\"Polygon\",\n \"coordinates\": [}",
	  "line 2, column 18: invalid JSON: unexpected token near '}'", 0, 0, NULL },
	{ "empty text", "",
	  "line 1, column 0: invalid JSON: '[' or '{' expected near end of "
	  "file", 0, 0, NULL },
	{ "duplicate key",
	  "{\"type\":\"Polygon\",\"type\":\"Point\",\"coordinates\":[]}",
	  "line 1, column 24: invalid JSON: duplicate object key near "
	  "'\"type\"'", 0, 0, NULL },
	{ "array at the top", "[" POLY "]",
	  "top level: expected a GeoJSON object, found an array", 0, 0, NULL },
	{ "no type", "{\"coordinates\":[]}",
	  "top level: the object has no 'type' member", 0, 0, NULL },
	{ "type not a string", "{\"type\":7}",
	  "top level: 'type' is a number, not a string", 0, 0, NULL },
	{ "unknown type", "{\"type\":\"Polygone\",\"coordinates\":[]}",
	  "top level: type 'Polygone' is not a GeoJSON type", 0, 0, NULL },
	{ "type with control characters", "{\"type\":\"a\\nb\\u0007c\"}",
	  "top level: type 'a b?c' is not a GeoJSON type", 0, 0, NULL },
	{ "point at the top", "{\"type\":\"Point\",\"coordinates\":[2,48]}",
	  "top level: a Point has no area; give a Polygon or MultiPolygon", 0, 0, NULL },
	{ "point in a collection",
	  FC(FEAT(POLY) "," FEAT(POLY) "," FEAT(POLY) ","
	     FEAT("{\"type\":\"Point\",\"coordinates\":[2,48]}")),
	  "features[3].geometry: a Point has no area; give a Polygon or "
	  "MultiPolygon", 0, 0, NULL },
	{ "line string",
	  FEAT("{\"type\":\"LineString\",\"coordinates\":[[2,48],[3,49]]}"),
	  "geometry: a LineString has no area; give a Polygon or "
	  "MultiPolygon", 0, 0, NULL },
	{ "null geometry", FC(FEAT(POLY) "," FEAT("null")),
	  "features[1].geometry: null: the Feature has no shape, so no area", 0, 0, NULL },
	{ "no geometry", FC("{\"type\":\"Feature\",\"properties\":null}"),
	  "features[0]: the Feature has no 'geometry' member", 0, 0, NULL },
	{ "geometry in features", FC(POLY),
	  "features[0]: type 'Polygon' is not a Feature (a FeatureCollection "
	  "holds Features)", 0, 0, NULL },
	{ "feature as geometry", FEAT(FEAT(POLY)),
	  "geometry: type 'Feature' is not a GeoJSON geometry", 0, 0, NULL },
	{ "features not an array",
	  "{\"type\":\"FeatureCollection\",\"features\":{}}",
	  "features: expected an array of Features, found an object", 0, 0, NULL },
	{ "no features", "{\"type\":\"FeatureCollection\"}",
	  "top level: the FeatureCollection has no 'features' member", 0, 0, NULL },
	{ "empty collection", FC(""), "no polygon in the GeoJSON", 0, 0, NULL },
	{ "empty geometry collection",
	  "{\"type\":\"GeometryCollection\",\"geometries\":[]}",
	  "no polygon in the GeoJSON", 0, 0, NULL },
	{ "no coordinates", "{\"type\":\"Polygon\"}",
	  "top level: the Polygon has no 'coordinates' member", 0, 0, NULL },
	{ "empty polygon", "{\"type\":\"Polygon\",\"coordinates\":[]}",
	  "coordinates: a polygon with no ring has no area", 0, 0, NULL },
	{ "empty multipolygon",
	  "{\"type\":\"MultiPolygon\",\"coordinates\":[]}",
	  "coordinates: a MultiPolygon with no polygon has no area", 0, 0, NULL },
	{ "multipolygon one level short",
	  "{\"type\":\"MultiPolygon\",\"coordinates\":[" SQ(0, 0, 1, 1) "]}",
	  "coordinates[0][0]: expected a ring (an array of positions), "
	  "found a position: the coordinates are nested one level short",
	  0, 0, NULL },
	{ "polygon one level too deep",
	  "{\"type\":\"Polygon\",\"coordinates\":[[" SQ(0, 0, 1, 1) "]]}",
	  "coordinates[0]: expected a ring (an array of positions), found an "
	  "array of rings: the coordinates are nested one level too deep",
	  0, 0, NULL },
	{ "short ring",
	  FC(FEAT(POLY) "," FEAT(POLY) ","
	     FEAT("{\"type\":\"Polygon\",\"coordinates\":"
		  "[[[0,0],[1,0],[0,0]]]}")),
	  "features[2].geometry.coordinates[0]: ring has 3 positions (at "
	  "least 4)", 0, 0, NULL },
	{ "open ring",
	  "{\"type\":\"Polygon\",\"coordinates\":[[[2,48],[3,48],[3,49],"
	  "[2,49],[2.1,48.000001]]]}",
	  "coordinates[0]: ring is not closed: the last position [2.1, "
	  "48.000001] differs from the first [2, 48]", 0, 0, NULL },
	{ "latitude beyond 90, looks swapped",
	  "{\"type\":\"Polygon\",\"coordinates\":[" SQ(48, 2, 49, 91.5) "]}",
	  "coordinates[0][2]: latitude 91.5 is out of range (-90 to 90); "
	  "GeoJSON positions are [longitude, latitude]", 0, 0, NULL },
	{ "latitude beyond 90",
	  "{\"type\":\"Polygon\",\"coordinates\":[" SQ(148, 2, 149, -95)
	  "]}",
	  "coordinates[0][2]: latitude -95 is out of range (-90 to 90)", 0, 0, NULL },
	{ "longitude beyond 540",
	  "{\"type\":\"Polygon\",\"coordinates\":[" SQ(500, 2, 600, 3) "]}",
	  "coordinates[0][1]: longitude 600 is out of range (-180 to 180, or "
	  "up to 540 for a shape crossing the antimeridian)", 0, 0, NULL },
	{ "huge number",
	  "{\"type\":\"Polygon\",\"coordinates\":[[[1e400,0]]]}",
	  "line 1, column 40: invalid JSON: real number overflow near "
	  "'1e400'", 0, 0, NULL },
	{ "string coordinate",
	  "{\"type\":\"Polygon\",\"coordinates\":[[[2,48],[3,\"48\"],[3,49],"
	  "[2,49],[2,48]]]}",
	  "coordinates[0][1][1]: expected a number, found a string", 0, 0, NULL },
	{ "altitude not a number",
	  "{\"type\":\"Polygon\",\"coordinates\":[[[2,48,null],[3,48],[3,49],"
	  "[2,49],[2,48]]]}",
	  "coordinates[0][0][2]: expected a number, found null", 0, 0, NULL },
	{ "one number",
	  "{\"type\":\"Polygon\",\"coordinates\":[[[2,48],[3],[3,49],"
	  "[2,49],[2,48]]]}",
	  "coordinates[0][1]: a position needs a longitude and a latitude, "
	  "found 1 number", 0, 0, NULL },
	{ "position not an array",
	  "{\"type\":\"Polygon\",\"coordinates\":[[{},[3,48],[3,49],"
	  "[2,49],[2,48]]]}",
	  "coordinates[0][0]: expected a position [longitude, latitude], "
	  "found an object", 0, 0, NULL },
	{ "rings not an array",
	  "{\"type\":\"Polygon\",\"coordinates\":\"POLYGON((2 48))\"}",
	  "coordinates: expected an array of rings, found a string", 0, 0, NULL },
	{ "web mercator crs",
	  "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
	  "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::3857\"}},"
	  "\"features\":[" FEAT(POLY) "]}",
	  "crs: the coordinate reference system 'urn:ogc:def:crs:EPSG::3857' "
	  "is not WGS 84 (RFC 7946 GeoJSON has no crs: positions are always "
	  "WGS 84 longitude, latitude)", 0, 0, NULL },
	{ "linked crs",
	  FC("{\"type\":\"Feature\",\"crs\":{\"type\":\"link\"},"
	     "\"geometry\":" POLY "}"),
	  "features[0].crs: the coordinate reference system is not WGS 84 "
	  "(RFC 7946 GeoJSON has no crs: positions are always WGS 84 "
	  "longitude, latitude)", 0, 0, NULL },
	{ "geometry collection without geometries",
	  "{\"type\":\"GeometryCollection\"}",
	  "top level: the GeometryCollection has no 'geometries' member", 0, 0, NULL },
	{ "bad geometry deep in a collection",
	  "{\"type\":\"GeometryCollection\",\"geometries\":[" POLY ","
	  "{\"type\":\"GeometryCollection\",\"geometries\":[" POLY ","
	  "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[0,1],[1,1],[0,0]],"
	  "[[0,0]]]}]}]}",
	  "geometries[1].geometries[1].coordinates[1]: ring has 1 position "
	  "(at least 4)", 0, 0, NULL },
};

static void test_geojson_table(void **state)
{
	(void)state;
	run_cases(geojson_cases, ARRAY_SIZE(geojson_cases),
		  geoarea_parse_geojson);
}

static void parse_ok(parse_fn *parse, struct geoarea *a, const char *text)
{
	struct strbuf err = STRBUF_INIT;

	if (parse(a, text, strlen(text), &err))
		fail_msg("%s\n%s", err.buf, text);
	strbuf_release(&err);
}

static void test_geojson_contains(void **state)
{
	struct geoarea a;
	(void)state;

	geoarea_init(&a);
	parse_ok(geoarea_parse_geojson, &a,
		 "{\"type\":\"Polygon\",\"coordinates\":[" SQ(0, 0, 10, 10) ","
		 SQ(4, 4, 6, 6) "]}");
	assert_true(in_polygons(&a, 2, 8));      /* lat 2, lon 8 */
	assert_false(in_polygons(&a, 5, 5));     /* in the hole */
	assert_false(in_polygons(&a, 11, 5));
	geoarea_release(&a);
	assert_true(geoarea_is_empty(&a));

	/* Longitude first: a box over lon 2..3, lat 48..49 holds Paris. */
	geoarea_init(&a);
	parse_ok(geoarea_parse_geojson, &a, POLY);
	assert_true(in_polygons(&a, 48.8566, 2.3522));
	assert_false(in_polygons(&a, 2.3522, 48.8566));
	geoarea_release(&a);
}

/* Fiji's side of the world, given uncut (170..190) and cut at 180. */
static void test_geojson_antimeridian(void **state)
{
	static const char *const docs[] = {
		"{\"type\":\"Polygon\",\"coordinates\":["
		SQ(170, -20, 190, -10) "]}",
		"{\"type\":\"MultiPolygon\",\"coordinates\":[["
		SQ(170, -20, 180, -10) "],[" SQ(-180, -20, -170, -10) "]]}",
		FC(FEAT("{\"type\":\"Polygon\",\"coordinates\":["
			SQ(170, -20, 180, -10) "]}") ","
		   FEAT("{\"type\":\"Polygon\",\"coordinates\":["
			SQ(-180, -20, -170, -10) "]}")),
	};
	size_t i;
	(void)state;

	for (i = 0; i < ARRAY_SIZE(docs); i++) {
		struct geoarea a;

		geoarea_init(&a);
		parse_ok(geoarea_parse_geojson, &a, docs[i]);
		assert_true(in_polygons(&a, -15, 175));
		assert_true(in_polygons(&a, -15, 179.99));
		assert_true(in_polygons(&a, -15, 180));
		assert_true(in_polygons(&a, -15, -180));
		assert_true(in_polygons(&a, -15, -175));
		assert_false(in_polygons(&a, -15, 165));
		assert_false(in_polygons(&a, -15, -165));
		assert_false(in_polygons(&a, -15, 0));
		assert_false(in_polygons(&a, -25, 175));
		geoarea_release(&a);
	}
}

/* Parsing twice into one area adds; a failure takes back only its own. */
static void test_rollback(void **state)
{
	struct geoarea a;
	struct strbuf err = STRBUF_INIT;
	const char *bad = FC(FEAT(POLY) "," FEAT(POLY) "," FEAT("null"));
	(void)state;

	geoarea_init(&a);
	assert_true(geoarea_is_empty(&a));
	parse_ok(geoarea_parse_geojson, &a, POLY);
	assert_int_equal(geoarea_add_country(&a, "fr", &err), 0);
	assert_int_equal(geoarea_parse_geojson(&a, bad, strlen(bad), &err),
			 HW_EINPUT);
	assert_int_equal(a.npolygons, 1);
	assert_int_equal(a.ncountries, 1);
	assert_string_equal(a.polygons[0].label, "Polygon");
	assert_false(geoarea_is_empty(&a));
	geoarea_release(&a);
	assert_true(geoarea_is_empty(&a));
	geoarea_release(&a);    /* released twice: still fine */
	geoarea_release(NULL);
	strbuf_release(&err);
}

/* GeometryCollections nest, but not without end. */
static void test_nesting(void **state)
{
	struct geoarea a;
	struct strbuf doc = STRBUF_INIT, err = STRBUF_INIT, want = STRBUF_INIT;
	int depth, i;
	(void)state;

	for (depth = 16; depth <= 17; depth++) {
		strbuf_reset(&doc);
		strbuf_reset(&err);
		for (i = 0; i < depth; i++)
			strbuf_addstr(&doc, "{\"type\":\"GeometryCollection\","
				      "\"geometries\":[");
		strbuf_addstr(&doc, POLY);
		for (i = 0; i < depth; i++)
			strbuf_addstr(&doc, "]}");
		geoarea_init(&a);
		if (depth == 16) {
			parse_ok(geoarea_parse_geojson, &a, doc.buf);
			assert_int_equal(a.npolygons, 1);
		} else {
			assert_int_equal(geoarea_parse_geojson(&a, doc.buf,
							       doc.len, &err),
					 HW_EINPUT);
			for (i = 0; i < 16; i++)
				strbuf_addstr(&want, i ? ".geometries[0]" :
					      "geometries[0]");
			strbuf_addstr(&want, ": GeometryCollections nested more "
				      "than 16 deep");
			assert_string_equal(err.buf, want.buf);
		}
		geoarea_release(&a);
	}
	strbuf_release(&doc);
	strbuf_release(&err);
	strbuf_release(&want);
}

/* One ring of `n` positions, each [0,0] (the limit is counted first). */
static char *big_ring(size_t n, bool cap)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (cap)
		strbuf_addstr(&sb, "<alert xmlns='urn:oasis:names:tc:emergency:"
			      "cap:1.2'><info><area><polygon>");
	else
		strbuf_addstr(&sb, "{\"type\":\"Polygon\",\"coordinates\":[[");
	for (i = 0; i < n; i++)
		strbuf_addstr(&sb, cap ? "0,0 " : i ? ",[0,0]" : "[0,0]");
	strbuf_addstr(&sb, cap ? "</polygon></area></info></alert>" : "]]}");
	return strbuf_detach(&sb, NULL);
}

static void test_limit(void **state)
{
	struct geoarea a;
	struct strbuf err = STRBUF_INIT;
	char *text;
	(void)state;

	geoarea_init(&a);
	text = big_ring(GEOAREA_MAX_POSITIONS + 1, false);
	assert_int_equal(geoarea_parse_geojson(&a, text, strlen(text), &err),
			 HW_EINPUT);
	assert_string_equal(err.buf, "coordinates[0]: too many positions: the "
			    "GeoJSON has more than 1000000 in all (the limit)");
	free(text);
	strbuf_reset(&err);
	text = big_ring(GEOAREA_MAX_POSITIONS + 1, true);
	assert_int_equal(geoarea_parse_cap(&a, text, strlen(text), &err),
			 HW_EINPUT);
	assert_string_equal(err.buf, "info[0]/area[0]/polygon[0]: too many "
			    "points: the alert has more than 1000000 in all "
			    "(the limit)");
	free(text);
	assert_true(geoarea_is_empty(&a));
	strbuf_release(&err);
}

/* ---- CAP ---- */

#define NS12 "urn:oasis:names:tc:emergency:cap:1.2"
#define ALERT(body) "<alert xmlns=\"" NS12 "\">" body "</alert>"
#define AREA(shapes) "<info><area><areaDesc>x</areaDesc>" shapes "</area></info>"
#define PARIS "48.80,2.25 48.80,2.42 48.91,2.42 48.91,2.25 48.80,2.25"

/* Shaped after MeteoAlarm's feeds: two languages, the same area. */
static const char cap_meteo[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n"
	"  <identifier>2.49.0.0.250.0.FR.20240611.1200.75.001</identifier>\n"
	"  <sender>vigilance@meteo.fr</sender>\n"
	"  <sent>2024-06-11T12:00:00+02:00</sent>\n"
	"  <status>Actual</status>\n"
	"  <msgType>Alert</msgType>\n"
	"  <scope>Public</scope>\n"
	"  <info>\n"
	"    <language>fr-FR</language>\n"
	"    <category>Met</category>\n"
	"    <event>Orages</event>\n"
	"    <responseType>Shelter</responseType>\n"
	"    <urgency>Immediate</urgency>\n"
	"    <severity>Severe</severity>\n"
	"    <certainty>Likely</certainty>\n"
	"    <headline>Vigilance orange orages</headline>\n"
	"    <area>\n"
	"      <areaDesc>Paris</areaDesc>\n"
	"      <polygon>\n"
	"        48.80,2.25 48.80,2.42\n"
	"        48.91,2.42 48.91,2.25   48.80,2.25  \n"
	"      </polygon>\n"
	"      <geocode><valueName>NUTS3</valueName><value>FR101</value></geocode>\n"
	"    </area>\n"
	"  </info>\n"
	"  <info>\n"
	"    <language>en-GB</language>\n"
	"    <category>Met</category>\n"
	"    <event>Thunderstorms</event>\n"
	"    <urgency>Immediate</urgency>\n"
	"    <severity>Severe</severity>\n"
	"    <certainty>Likely</certainty>\n"
	"    <area>\n"
	"      <areaDesc>Paris</areaDesc>\n"
	"      <polygon>" PARIS "</polygon>\n"
	"      <geocode><valueName>NUTS3</valueName><value>FR101</value></geocode>\n"
	"    </area>\n"
	"  </info>\n"
	"</alert>\n";

/* Shaped after the NWS's 1.1 feed, with a prefix and a second area. */
static const char cap_prefixed[] =
	"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
	"<cap:alert xmlns:cap='urn:oasis:names:tc:emergency:cap:1.1'"
	" xmlns:ha='http://www.alerting.net/namespace/index_1.0'>\n"
	"<cap:identifier>NOAA-NWS-ALERTS-FL1255</cap:identifier>\n"
	"<cap:sender>w-nws.webmaster@noaa.gov</cap:sender>\n"
	"<cap:sent>2011-08-26T14:48:00-04:00</cap:sent>\n"
	"<cap:status>Actual</cap:status><cap:msgType>Alert</cap:msgType>\n"
	"<cap:scope>Public</cap:scope>\n"
	"<cap:info><cap:category>Met</cap:category>"
	"<cap:event>Hurricane Warning</cap:event>"
	"<cap:responseType>Evacuate</cap:responseType>\n"
	"<cap:area><cap:areaDesc>Coastal Dare</cap:areaDesc>\n"
	"<cap:polygon>35.2,-75.8 35.9,-75.8 35.9,-75.4 35.2,-75.4 35.2,-75.8"
	"</cap:polygon>\n"
	"<cap:geocode><cap:valueName>UGC</cap:valueName>"
	"<cap:value>NCZ047</cap:value></cap:geocode>\n"
	"</cap:area>\n"
	"<cap:area><cap:areaDesc>Ocracoke</cap:areaDesc>"
	"<cap:circle>35.11,-75.98 12</cap:circle>"
	"<ha:polygon>1,1 2,2 3,3</ha:polygon></cap:area>\n"
	"</cap:info></cap:alert>\n";

static const struct doc_case cap_cases[] = {
	{ "1.2, default namespace, two languages", cap_meteo, NULL, 1, 0,
	  "info[0]/area[0]/polygon[0]" },
	{ "1.1, cap: prefix", cap_prefixed, NULL, 1, 1,
	  "info[0]/area[0]/polygon[0]" },
	{ "1.0 as published",
	  "<alert xmlns='http://www.incident.com/cap/1.0'>"
	  AREA("<circle>48.85,2.35 5</circle>") "</alert>", NULL, 0, 1, "" },
	{ "1.0 under OASIS's name",
	  "<alert xmlns='urn:oasis:names:tc:emergency:cap:1.0'>"
	  AREA("<circle>48.85,2.35 5</circle>") "</alert>", NULL, 0, 1, "" },
	{ "every area of every info counts",
	  ALERT(AREA("<polygon>" PARIS "</polygon><circle>1,2 3</circle>")
		"<info><area><polygon>1,1 1,2 2,2 1,1</polygon></area>"
		"<area><polygon>5,5 5,6 6,6 5,5</polygon>"
		"<polygon>7,7 7,8 8,8 7,7</polygon></area></info>"),
	  NULL, 4, 1, "info[0]/area[0]/polygon[0]|info[1]/area[0]/polygon[0]|"
	  "info[1]/area[1]/polygon[0]|info[1]/area[1]/polygon[1]" },
	{ "repeated circle added once",
	  ALERT(AREA("<circle>1,2 3</circle>") AREA("<circle>1,2 3</circle>")),
	  NULL, 0, 1, "" },
	{ "empty polygon ignored",
	  ALERT(AREA("<polygon/><polygon>  \n </polygon>"
		     "<circle>48.85,2.35 5</circle>")), NULL, 0, 1, "" },
	{ "radius 0", ALERT(AREA("<circle>48.85,2.35 0</circle>")), NULL, 0,
	  1, "" },
	{ "spaces around the commas, tabs and CRLF",
	  ALERT(AREA("<polygon>\t48.80 , 2.25\r\n48.80,2.42 48.91,\t2.42 "
		     "48.91,2.25 48.8,2.250</polygon>"
		     "<circle> 48.85 ,2.35\n5 </circle>")), NULL, 1, 1, NULL },
	{ "radius after a comma",
	  ALERT(AREA("<circle>48.85,2.35,5</circle>")), NULL, 0, 1, "" },
	{ "CDATA and entities",
	  ALERT(AREA("<polygon><![CDATA[1,1 1,2]]> 2,2&#32;1,1</polygon>")),
	  NULL, 1, 0, NULL },
	{ "other namespaces ignored",
	  ALERT(AREA("<polygon xmlns='urn:x'>nonsense</polygon>"
		     "<circle>1,2 3</circle>")
		"<x:info xmlns:x='urn:x'><area/></x:info>"), NULL, 0, 1, "" },

	{ "geocodes only",
	  ALERT(AREA("<geocode><valueName>UGC</valueName><value>MDZ013"
		     "</value></geocode><geocode><valueName>SAME</valueName>"
		     "<value>024031</value></geocode>")),
	  "the alert has no polygon or circle (geocodes are not supported: it "
	  "gives UGC 'MDZ013' and more)", 0, 0, NULL },
	{ "only empty shapes", ALERT(AREA("<polygon/><circle> </circle>")),
	  "the alert has no polygon or circle", 0, 0, NULL },
	{ "no area",
	  ALERT("<identifier>x</identifier><info><event>x</event></info>"),
	  "the alert has no polygon or circle (it has no <area>)", 0, 0, NULL },
	{ "short polygon",
	  ALERT(AREA("<polygon>1,1 1,2 1,1</polygon>")),
	  "info[0]/area[0]/polygon[0]: 3 points (at least 4, the last equal "
	  "to the first)", 0, 0, NULL },
	{ "open polygon, named by place",
	  ALERT(AREA("<polygon>" PARIS "</polygon>")
		"<info><area><polygon>" PARIS "</polygon>"
		"<polygon>" PARIS "</polygon>"
		"<polygon>48.80,2.25 48.80,2.42 48.91,2.42 48.91,2.25 "
		"48.80,2.26</polygon></area></info>"),
	  "info[1]/area[0]/polygon[2]: not closed: the last point "
	  "'48.80,2.26' differs from the first '48.80,2.25'", 0, 0, NULL },
	{ "longitude first by mistake",
	  ALERT(AREA("<polygon>139.6,35.6 139.8,35.6 139.8,35.8 139.6,35.6"
		     "</polygon>")),
	  "info[0]/area[0]/polygon[0]: point 1 '139.6,35.6': latitude 139.6 "
	  "is out of range (-90 to 90); CAP gives latitude first", 0, 0, NULL },
	{ "longitude beyond 180",
	  ALERT(AREA("<polygon>1,170 1,181 2,181 1,170</polygon>")),
	  "info[0]/area[0]/polygon[0]: point 2 '1,181': longitude 181 is out "
	  "of range (-180 to 180)", 0, 0, NULL },
	{ "not a number",
	  ALERT(AREA("<polygon>1,1 1,2 2,x2 1,1</polygon>")),
	  "info[0]/area[0]/polygon[0]: point 3 '2,x2' is not "
	  "'latitude,longitude'", 0, 0, NULL },
	{ "space-separated pairs",
	  ALERT(AREA("<polygon>1 1 1 2 2 2 1 1</polygon>")),
	  "info[0]/area[0]/polygon[0]: point 1 '1' is not "
	  "'latitude,longitude'", 0, 0, NULL },
	{ "three numbers",
	  ALERT(AREA("<polygon>1,1,0 1,2,0 2,2,0 1,1,0</polygon>")),
	  "info[0]/area[0]/polygon[0]: point 1 '1,1,0' is not "
	  "'latitude,longitude'", 0, 0, NULL },
	{ "nan", ALERT(AREA("<circle>nan,1 5</circle>")),
	  "info[0]/area[0]/circle[0]: 'nan,1 5' is not 'latitude,longitude "
	  "radius_km'", 0, 0, NULL },
	{ "circle without radius",
	  ALERT(AREA("<circle>1,2 3</circle><circle>48.85,2.35</circle>")),
	  "info[0]/area[0]/circle[1]: '48.85,2.35' is not 'latitude,longitude "
	  "radius_km'", 0, 0, NULL },
	{ "negative radius", ALERT(AREA("<circle>48.85,2.35 -5</circle>")),
	  "info[0]/area[0]/circle[0]: '48.85,2.35 -5': radius -5 km is not "
	  "more than 0", 0, 0, NULL },
	{ "radius too large", ALERT(AREA("<circle>48.85,2.35 1e5</circle>")),
	  "info[0]/area[0]/circle[0]: '48.85,2.35 1e5': radius 100000 km is "
	  "more than half the Earth's circumference (20015 km)", 0, 0, NULL },
	{ "circle latitude", ALERT(AREA("<circle>-90.5,2.35 5</circle>")),
	  "info[0]/area[0]/circle[0]: '-90.5,2.35 5': latitude -90.5 is out of "
	  "range (-90 to 90)", 0, 0, NULL },
	{ "not an alert",
	  "<feed xmlns='http://www.w3.org/2005/Atom'><entry/></feed>",
	  "the document is 'feed', not a CAP <alert> (give one alert, not a "
	  "feed or an envelope)", 0, 0, NULL },
	{ "no namespace", "<alert>" AREA("<circle>1,2 3</circle>") "</alert>",
	  "<alert> has no namespace; CAP 1.2's is " NS12, 0, 0, NULL },
	{ "foreign namespace",
	  "<alert xmlns='urn:oasis:names:tc:emergency:cap:2.0'/>",
	  "<alert> is in namespace 'urn:oasis:names:tc:emergency:cap:2.0', "
	  "not CAP's (urn:oasis:names:tc:emergency:cap:1.2, 1.1 or 1.0)", 0, 0, NULL },
	{ "shapes in another version's namespace",
	  "<alert xmlns='" NS12 "' xmlns:o='urn:oasis:names:tc:emergency:"
	  "cap:1.1'><info><area><o:circle>1,2 3</o:circle></area></info>"
	  "</alert>", "the alert has no polygon or circle", 0, 0, NULL },
	{ "malformed", "<alert xmlns='" NS12 "'>\n<info>\n</alert>",
	  "line 3, column 9: invalid XML: Opening and ending tag mismatch: "
	  "info line 2 and alert", 0, 0, NULL },
	{ "undefined entity",
	  ALERT(AREA("<polygon>&xxe;</polygon>")),
	  "line 1, column 101: invalid XML: Entity 'xxe' not defined", 0, 0, NULL },
	{ "empty document", "", "the alert is empty", 0, 0, NULL },
	{ "external entity (XXE)",
	  "<?xml version='1.0'?>\n<!DOCTYPE alert [<!ENTITY xxe SYSTEM "
	  "'file:///etc/passwd'>]>\n"
	  ALERT(AREA("<polygon>&xxe;</polygon>")),
	  "the alert has a DOCTYPE, which CAP does not use: refused (entities "
	  "could read files or expand without bound)", 0, 0, NULL },
	{ "external DTD",
	  "<!DOCTYPE alert SYSTEM 'http://127.0.0.1:9/cap.dtd'>"
	  ALERT(AREA("<circle>1,2 3</circle>")),
	  "the alert has a DOCTYPE, which CAP does not use: refused (entities "
	  "could read files or expand without bound)", 0, 0, NULL },
	{ "billion laughs",
	  "<?xml version='1.0'?>\n<!DOCTYPE lolz [\n"
	  " <!ENTITY lol 'lol'>\n"
	  " <!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>\n"
	  " <!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>\n"
	  " <!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>\n"
	  " <!ENTITY lol4 '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;'>\n"
	  " <!ENTITY lol5 '&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;'>\n"
	  " <!ENTITY lol6 '&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;'>\n"
	  " <!ENTITY lol7 '&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;'>\n"
	  " <!ENTITY lol8 '&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;'>\n"
	  " <!ENTITY lol9 '&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;'>\n"
	  "]>\n" ALERT(AREA("<polygon>&lol9;</polygon>")),
	  "the alert has a DOCTYPE, which CAP does not use: refused (entities "
	  "could read files or expand without bound)", 0, 0, NULL },
};

static void test_cap_table(void **state)
{
	(void)state;
	run_cases(cap_cases, ARRAY_SIZE(cap_cases), geoarea_parse_cap);
}

/* CAP puts latitude first: a polygon around Paris must hold Paris. */
static void test_cap_contains(void **state)
{
	struct geoarea a;
	(void)state;

	geoarea_init(&a);
	parse_ok(geoarea_parse_cap, &a, cap_meteo);
	assert_int_equal(a.npolygons, 1);
	assert_true(geopoly_contains(a.polygons[0].poly, 48.8566, 2.3522));
	assert_false(geopoly_contains(a.polygons[0].poly, 2.3522, 48.8566));
	assert_false(geopoly_contains(a.polygons[0].poly, 45.76, 4.84));
	geoarea_release(&a);

	geoarea_init(&a);
	parse_ok(geoarea_parse_cap, &a, cap_prefixed);
	assert_true(in_polygons(&a, 35.5, -75.6));
	assert_int_equal(a.ncircles, 1);
	assert_true(a.circles[0].lat == 35.11 && a.circles[0].lon == -75.98 &&
		    a.circles[0].radius_km == 12);
	geoarea_release(&a);

	/* Radius 0 is a point: it gets a small radius. */
	geoarea_init(&a);
	parse_ok(geoarea_parse_cap, &a,
		 ALERT(AREA("<circle>48.85,2.35 0</circle>")));
	assert_true(a.circles[0].radius_km == GEOAREA_CAP_POINT_RADIUS_KM);
	geoarea_release(&a);
}

/* A CAP polygon drawn across the antimeridian, as on a map. */
static void test_cap_antimeridian(void **state)
{
	static const char *const docs[] = {
		ALERT(AREA("<polygon>-20,170 -20,-170 -10,-170 -10,170 -20,170"
			   "</polygon>")),
		ALERT(AREA("<polygon>-20,-170 -10,-170 -10,170 -20,170 -20,-170"
			   "</polygon>")),
	};
	size_t i;
	(void)state;

	for (i = 0; i < ARRAY_SIZE(docs); i++) {
		struct geoarea a;

		geoarea_init(&a);
		parse_ok(geoarea_parse_cap, &a, docs[i]);
		assert_true(in_polygons(&a, -15, 175));
		assert_true(in_polygons(&a, -15, 180));
		assert_true(in_polygons(&a, -15, -175));
		assert_false(in_polygons(&a, -15, 0));
		assert_false(in_polygons(&a, -15, 160));
		assert_false(in_polygons(&a, -15, -160));
		geoarea_release(&a);
	}
}

/* ---- Circles and countries from the command line ---- */

struct arg_case {
	const char *arg;
	const char *msg;   /* NULL: accepted */
	double lat, lon, km;
};

static const struct arg_case circle_args[] = {
	{ "48.85,2.35,5", NULL, 48.85, 2.35, 5 },
	{ " 48.85 , 2.35 ,\t5 ", NULL, 48.85, 2.35, 5 },
	{ "-33.9,151.2,0.5", NULL, -33.9, 151.2, 0.5 },
	{ "+1e1,-180,20015", NULL, 10, -180, 20015 },
	{ "12,abc,5", "'--circle 12,abc,5': 'abc' is not a longitude", 0, 0, 0 },
	{ "x,2,5", "'--circle x,2,5': 'x' is not a latitude", 0, 0, 0 },
	{ "1,2,5km", "'--circle 1,2,5km': '5km' is not a radius in km", 0, 0, 0 },
	{ "1,2,", "'--circle 1,2,': '' is not a radius in km", 0, 0, 0 },
	{ "nan,2,5", "'--circle nan,2,5': 'nan' is not a latitude", 0, 0, 0 },
	{ "1,0x2,5", "'--circle 1,0x2,5': '0x2' is not a longitude", 0, 0, 0 },
	{ "1,2 3,5", "'--circle 1,2 3,5': '2 3' is not a longitude", 0, 0, 0 },
	{ "12,3", "'--circle 12,3': give LAT,LON,KM: latitude and longitude "
		  "in degrees, radius in km", 0, 0, 0 },
	{ "1,2,3,4", "'--circle 1,2,3,4': give LAT,LON,KM: latitude and "
		     "longitude in degrees, radius in km", 0, 0, 0 },
	{ "", "'--circle ': give LAT,LON,KM: latitude and longitude in "
	      "degrees, radius in km", 0, 0, 0 },
	{ "95,3,5", "'--circle 95,3,5': latitude 95 is out of range (-90 to "
		    "90)", 0, 0, 0 },
	{ "5,-180.5,5", "'--circle 5,-180.5,5': longitude -180.5 is out of "
			"range (-180 to 180)", 0, 0, 0 },
	{ "1,2,0", "'--circle 1,2,0': radius 0 km is not more than 0", 0, 0, 0 },
	{ "1,2,-3", "'--circle 1,2,-3': radius -3 km is not more than 0", 0, 0, 0 },
	{ "1,2,30000", "'--circle 1,2,30000': radius 30000 km is more than "
		       "half the Earth's circumference (20015 km)", 0, 0, 0 },
};

static void test_circle_arg(void **state)
{
	size_t i;
	(void)state;

	for (i = 0; i < ARRAY_SIZE(circle_args); i++) {
		const struct arg_case *c = &circle_args[i];
		struct geoarea a;
		struct strbuf err = STRBUF_INIT;
		int rc;

		geoarea_init(&a);
		rc = geoarea_parse_circle_arg(&a, c->arg, &err);
		if (c->msg) {
			if (rc != HW_EINPUT || strcmp(err.buf, c->msg))
				fail_msg("'%s': expected\n  %s\ngot %d\n  %s",
					 c->arg, c->msg, rc, err.buf);
			assert_true(geoarea_is_empty(&a));
		} else {
			if (rc)
				fail_msg("'%s': %s", c->arg, err.buf);
			assert_int_equal(a.ncircles, 1);
			assert_true(a.circles[0].lat == c->lat);
			assert_true(a.circles[0].lon == c->lon);
			assert_true(a.circles[0].radius_km == c->km);
		}
		geoarea_release(&a);
		strbuf_release(&err);
	}
}

static void test_add_circle(void **state)
{
	struct geoarea a;
	struct strbuf err = STRBUF_INIT;
	(void)state;

	geoarea_init(&a);
	assert_int_equal(geoarea_add_circle(&a, 48.85, 2.35, 5, &err), 0);
	assert_int_equal(geoarea_add_circle(&a, NAN, 2.35, 5, &err),
			 HW_EINPUT);
	assert_string_equal(err.buf, "circle 'nan,2.35,5': a coordinate or "
			    "the radius is not a number");
	strbuf_reset(&err);
	assert_int_equal(geoarea_add_circle(&a, 1, 2, INFINITY, &err),
			 HW_EINPUT);
	assert_string_equal(err.buf, "circle '1,2,inf': radius inf km is more "
			    "than half the Earth's circumference (20015 km)");
	strbuf_reset(&err);
	assert_int_equal(geoarea_add_circle(&a, 1, 2, GEO_MAX_RADIUS_KM, &err),
			 0);
	assert_int_equal(a.ncircles, 2);
	geoarea_release(&a);
	strbuf_release(&err);
}

static void test_country(void **state)
{
	struct geoarea a;
	struct strbuf err = STRBUF_INIT;
	(void)state;

	geoarea_init(&a);
	assert_int_equal(geoarea_add_country(&a, "fr", &err), 0);
	assert_int_equal(geoarea_add_country(&a, "FR", &err), 0);
	assert_int_equal(geoarea_add_country(&a, "Jp", &err), 0);
	assert_string_equal(err.buf, "");
	assert_int_equal(a.ncountries, 2);
	assert_string_equal(a.countries[0], "FR");
	assert_string_equal(a.countries[1], "JP");
	assert_int_equal(geoarea_add_country(&a, "zz", &err), HW_EINPUT);
	assert_string_equal(err.buf, "country 'ZZ': not a known ISO 3166-1 "
			    "alpha-2 code");
	strbuf_reset(&err);
	assert_int_equal(geoarea_add_country(&a, "FRA", &err), HW_EINPUT);
	assert_string_equal(err.buf, "country 'FRA': give an ISO 3166-1 "
			    "alpha-2 code, such as FR");
	strbuf_reset(&err);
	assert_int_equal(geoarea_add_country(&a, "F1", &err), HW_EINPUT);
	strbuf_reset(&err);
	assert_int_equal(geoarea_add_country(&a, "\xc3\xa9", &err), HW_EINPUT);
	assert_string_equal(err.buf, "country '\xc3\xa9': give an ISO 3166-1 "
			    "alpha-2 code, such as FR");
	assert_int_equal(a.ncountries, 2);
	geoarea_release(&a);
	strbuf_release(&err);
}

/* Messages stay one line of valid UTF-8, whatever the document holds. */
static void test_messages_clean(void **state)
{
	static const char bad_utf8[] =
		"<alert xmlns='" NS12 "'><info><area><polygon>1,\xff\xfe\x01 2"
		"</polygon></area></info></alert>";
	static const char latin1[] =
		"<?xml version='1.0' encoding='ISO-8859-1'?>"
		"<alert xmlns='" NS12 "'><info><area><polygon>1,1 \xe9,2"
		"</polygon></area></info></alert>";
	struct geoarea a;
	struct strbuf err = STRBUF_INIT;
	(void)state;

	geoarea_init(&a);
	assert_int_equal(geoarea_parse_cap(&a, bad_utf8, strlen(bad_utf8),
					   &err), HW_EINPUT);
	assert_null(strchr(err.buf, '\xff'));
	assert_null(strchr(err.buf, '\x01'));
	strbuf_reset(&err);
	assert_int_equal(geoarea_parse_cap(&a, latin1, strlen(latin1), &err),
			 HW_EINPUT);
	assert_string_equal(err.buf, "info[0]/area[0]/polygon[0]: point 2 "
			    "'\xc3\xa9,2' is not 'latitude,longitude'");
	strbuf_reset(&err);
	assert_int_equal(geoarea_parse_geojson(&a, "{\"type\":\"\xff\"}", 12,
					       &err), HW_EINPUT);
	assert_null(strchr(err.buf, '\xff'));
	geoarea_release(&a);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geojson_table),
		cmocka_unit_test(test_geojson_contains),
		cmocka_unit_test(test_geojson_antimeridian),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_cap_table),
		cmocka_unit_test(test_cap_contains),
		cmocka_unit_test(test_cap_antimeridian),
		cmocka_unit_test(test_circle_arg),
		cmocka_unit_test(test_add_circle),
		cmocka_unit_test(test_country),
		cmocka_unit_test(test_messages_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
