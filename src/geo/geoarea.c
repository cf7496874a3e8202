/*
 * geoarea.c: areas of interest (geoarea.h): circles, polygons and countries,
 * and the two parsers that fill them from documents a crisis cell receives:
 * GeoJSON (jansson) and CAP alerts (libxml2).
 *
 * Both parsers check every position themselves, so that a message can name
 * the exact place in the document, and only then hand the rings to
 * geopoly_build(). Everything added by a call is taken back if the call
 * fails, so a half-read document never narrows or widens an area.
 *
 * The XML parser is set up defensively, as CAP arrives from outside: no
 * network, no DTD, no entity substitution, and any DOCTYPE stops the parse
 * at once (an alert has none; entity expansion bombs and external entities
 * need one). Numbers are read in the C locale whatever the process's is.
 */
#include "core/homeward.h"
#include "geo/geoarea.h"
#include "geo/geopoly.h"
#include "geo/refgeo.h"
#include "core/xmldoc.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

/* ---- Small helpers shared by the parsers ---- */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* strtod() with '.' as the decimal point, whatever the locale. */
static double c_strtod(const char *s)
{
	pthread_once(&c_locale_once, c_locale_init);
	if (c_locale)
		return strtod_l(s, NULL, c_locale);
	return strtod(s, NULL);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_space(const char *p)
{
	while (is_space(*p))
		p++;
	return p;
}

/*
 * Read a plain decimal number at *pp: an optional sign, digits with an
 * optional point, an optional exponent. No "nan", "inf" or hexadecimal,
 * which strtod() would take. On success *pp moves past it.
 */
static bool scan_number(const char **pp, double *out)
{
	const char *s = *pp, *start = s;
	char buf[128];
	size_t digits = 0, len;

	if (*s == '+' || *s == '-')
		s++;
	for (; is_digit(*s); s++)
		digits++;
	if (*s == '.')
		for (s++; is_digit(*s); s++)
			digits++;
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		const char *e = s + 1;
		if (*e == '+' || *e == '-')
			e++;
		if (is_digit(*e)) {
			while (is_digit(*e))
				e++;
			s = e;
		}
	}
	len = (size_t)(s - start);
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, start, len);
	buf[len] = '\0';
	*out = c_strtod(buf);
	if (!isfinite(*out))
		return false;
	*pp = s;
	return true;
}

/* A number for a message: the shortest form that reads back the same. */
struct numbuf {
	char s[40];
};

static const char *fmt_num(struct numbuf *nb, double v)
{
	int prec;

	/* Plain decimals where they are short, as users write them. */
	if (fabs(v) >= 1e-6 && fabs(v) < 1e15) {
		for (prec = 0; prec <= 17; prec++) {
			snprintf(nb->s, sizeof(nb->s), "%.*f", prec, v);
			if (c_strtod(nb->s) == v)
				return nb->s;
		}
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(nb->s, sizeof(nb->s), "%.*g", prec, v);
		if (c_strtod(nb->s) == v)
			break;
	}
	return nb->s;
}

/* ---- The area itself ---- */

void geoarea_init(struct geoarea *a)
{
	memset(a, 0, sizeof(*a));
}

/* How many of each an area holds: what a failed call goes back to. */
struct geoarea_mark {
	size_t ncircles, npolygons, ncountries;
};

static struct geoarea_mark geoarea_mark(const struct geoarea *a)
{
	struct geoarea_mark m = { a->ncircles, a->npolygons, a->ncountries };
	return m;
}

static void geoarea_rollback(struct geoarea *a, const struct geoarea_mark *m)
{
	while (a->npolygons > m->npolygons) {
		a->npolygons--;
		geopoly_free(a->polygons[a->npolygons].poly);
		free(a->polygons[a->npolygons].label);
	}
	a->ncircles = m->ncircles;
	a->ncountries = m->ncountries;
}

void geoarea_move(struct geoarea *dst, struct geoarea *src)
{
	if (geoarea_is_empty(dst)) {
		geoarea_release(dst);
		*dst = *src;
		geoarea_init(src);
		return;
	}
	ALLOC_GROW(dst->circles, dst->ncircles + src->ncircles, dst->circles_alloc);
	memcpy(dst->circles + dst->ncircles, src->circles,
	       src->ncircles * sizeof(*src->circles));
	dst->ncircles += src->ncircles;
	/* The polygons change hands: src no longer frees them. */
	ALLOC_GROW(dst->polygons, dst->npolygons + src->npolygons, dst->polygons_alloc);
	memcpy(dst->polygons + dst->npolygons, src->polygons,
	       src->npolygons * sizeof(*src->polygons));
	dst->npolygons += src->npolygons;
	src->npolygons = 0;
	for (size_t i = 0; i < src->ncountries; i++) {
		size_t k = 0;

		while (k < dst->ncountries && strcmp(dst->countries[k], src->countries[i]))
			k++;
		if (k < dst->ncountries)
			continue;
		ALLOC_GROW(dst->countries, dst->ncountries + 1, dst->countries_alloc);
		memcpy(dst->countries[dst->ncountries++], src->countries[i], 3);
	}
	geoarea_release(src);
}

void geoarea_release(struct geoarea *a)
{
	struct geoarea_mark none = { 0, 0, 0 };

	if (!a)
		return;
	geoarea_rollback(a, &none);
	free(a->circles);
	free(a->polygons);
	free(a->countries);
	geoarea_init(a);
}

int geoarea_is_empty(const struct geoarea *a)
{
	return !a->ncircles && !a->npolygons && !a->ncountries;
}

/* Why a circle is not valid, appended to `why`; HW_OK if it is. */
static int circle_check(double lat, double lon, double km, struct strbuf *why)
{
	struct numbuf nb;

	if (isnan(lat) || isnan(lon) || isnan(km)) {
		strbuf_addstr(why, "a coordinate or the radius is not a number");
		return HW_EINPUT;
	}
	if (!(lat >= -90 && lat <= 90)) {
		strbuf_addf(why, "latitude %s is out of range (-90 to 90)",
			    fmt_num(&nb, lat));
		return HW_EINPUT;
	}
	if (!(lon >= -180 && lon <= 180)) {
		strbuf_addf(why, "longitude %s is out of range (-180 to 180)",
			    fmt_num(&nb, lon));
		return HW_EINPUT;
	}
	if (!(km > 0)) {
		strbuf_addf(why, "radius %s km is not more than 0",
			    fmt_num(&nb, km));
		return HW_EINPUT;
	}
	if (!(km <= GEO_MAX_RADIUS_KM)) {
		strbuf_addf(why, "radius %s km is more than half the Earth's "
			    "circumference (%.0f km)", fmt_num(&nb, km),
			    GEO_MAX_RADIUS_KM);
		return HW_EINPUT;
	}
	return HW_OK;
}

static void push_circle(struct geoarea *a, double lat, double lon, double km)
{
	ALLOC_GROW(a->circles, a->ncircles + 1, a->circles_alloc);
	a->circles[a->ncircles].lat = lat;
	a->circles[a->ncircles].lon = lon;
	a->circles[a->ncircles].radius_km = km;
	a->ncircles++;
}

int geoarea_add_circle(struct geoarea *a, double lat, double lon, double km,
		       struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	struct numbuf n1, n2, n3;
	int rc = circle_check(lat, lon, km, &why);

	if (rc)
		strbuf_addf(err, "circle '%s,%s,%s': %s", fmt_num(&n1, lat),
			    fmt_num(&n2, lon), fmt_num(&n3, km), why.buf);
	else
		push_circle(a, lat, lon, km);
	strbuf_release(&why);
	return rc;
}

int geoarea_add_country(struct geoarea *a, const char *code,
			struct strbuf *err)
{
	char up[3];
	size_t i;
	int rc;

	if (strlen(code) != 2 || !((code[0] | 0x20) >= 'a' &&
				   (code[0] | 0x20) <= 'z') ||
	    !((code[1] | 0x20) >= 'a' && (code[1] | 0x20) <= 'z')) {
		strbuf_addstr(err, "country ");
		strbuf_add_quoted(err, code, strlen(code), 40);
		strbuf_addstr(err, ": give an ISO 3166-1 alpha-2 code, such "
			      "as FR");
		return HW_EINPUT;
	}
	rc = refgeo_load(err);
	if (rc)
		return rc;
	up[0] = (char)(code[0] & ~0x20);
	up[1] = (char)(code[1] & ~0x20);
	up[2] = '\0';
	if (!refgeo_country(up)) {
		strbuf_addf(err, "country '%s': not a known ISO 3166-1 alpha-2 "
			    "code", up);
		return HW_EINPUT;
	}
	for (i = 0; i < a->ncountries; i++)
		if (!strcmp(a->countries[i], up))
			return HW_OK;
	ALLOC_GROW(a->countries, a->ncountries + 1, a->countries_alloc);
	memcpy(a->countries[a->ncountries], up, 3);
	a->ncountries++;
	return HW_OK;
}

int geoarea_add_countries(struct geoarea *a, const char *list, size_t len,
			  size_t *added, struct strbuf *err)
{
	char *copy = xstrndup(list, len);
	const char *cursor = copy, *item;
	char code[8];
	size_t n = 0, k;
	int rc = HW_OK;

	while (!rc && str_next_item(&cursor, ", ", &item, &k)) {
		/* A code is two letters; a longer item is refused whole. */
		if (k >= sizeof(code)) {
			strbuf_addstr(err, "country ");
			strbuf_add_quoted(err, item, k, 40);
			strbuf_addstr(err, ": give an ISO 3166-1 alpha-2 code, such as FR");
			rc = HW_EINPUT;
			break;
		}
		memcpy(code, item, k);
		code[k] = '\0';
		rc = geoarea_add_country(a, code, err);
		n++;
	}
	free(copy);
	if (added)
		*added = n;
	return rc;
}

/* Append the quoted option for a --circle message. */
static void circle_arg_fail(struct strbuf *err, const char *arg)
{
	strbuf_addstr(err, "'--circle ");
	strbuf_add_clean(err, arg, strlen(arg), 80);
	strbuf_addstr(err, "': ");
}

int geoarea_parse_circle_arg(struct geoarea *a, const char *arg,
			     struct strbuf *err)
{
	static const char *const what[] = { "latitude", "longitude",
					    "radius in km" };
	struct strbuf why = STRBUF_INIT;
	double v[3];
	const char *p = arg, *start, *end, *q;
	size_t i;
	int rc = HW_EINPUT;

	for (i = 0; i < 3; i++) {
		p = skip_space(p);
		start = p;
		while (*p && *p != ',')
			p++;
		end = p;
		while (end > start && is_space(end[-1]))
			end--;
		if ((i < 2 && *p != ',') || (i == 2 && *p)) {
			circle_arg_fail(err, arg);
			strbuf_addstr(err, "give LAT,LON,KM: latitude and "
				      "longitude in degrees, radius in km");
			goto out;
		}
		q = start;
		if (!scan_number(&q, &v[i]) || q != end) {
			circle_arg_fail(err, arg);
			strbuf_add_quoted(err, start, (size_t)(end - start), 40);
			strbuf_addf(err, " is not a %s", what[i]);
			goto out;
		}
		if (*p)
			p++;
	}
	rc = circle_check(v[0], v[1], v[2], &why);
	if (rc) {
		circle_arg_fail(err, arg);
		strbuf_addbuf(err, &why);
		goto out;
	}
	push_circle(a, v[0], v[1], v[2]);
out:
	strbuf_release(&why);
	return rc;
}

/* Build one polygon from its rings and add it, labelled. */
static int add_polygon(struct geoarea *a, const struct geopoly_ring *rings,
		       size_t nrings, const char *label, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	struct geopoly *p = NULL;
	int rc = geopoly_build(rings, nrings, &p, &why);

	if (rc) {
		strbuf_addf(err, "%s: %s", label, why.buf);
		goto out;
	}
	ALLOC_GROW(a->polygons, a->npolygons + 1, a->polygons_alloc);
	a->polygons[a->npolygons].poly = p;
	a->polygons[a->npolygons].label = xstrdup(label);
	a->npolygons++;
out:
	strbuf_release(&why);
	return rc;
}

/* ---- GeoJSON ---- */

/* GeometryCollections inside GeometryCollections (RFC 7946 discourages
 * any nesting): deeper than this is not a real document. */
#define GJ_MAX_NESTING 16

struct gj {
	struct geoarea *a;
	struct strbuf *err;
	struct strbuf path;   /* JSON path of the value at hand */
	size_t npositions;    /* in the whole document so far */
	size_t npolygons;     /* added so far */
	/* The rings of the (multi)polygon at hand. */
	double *lonlat;
	size_t nlonlat, lonlat_alloc;   /* doubles */
	size_t *ring_at, *ring_n;       /* first position and count */
	size_t nrings, ring_at_alloc, ring_n_alloc;
	struct geopoly_ring *rings;
	size_t rings_alloc;
};

__attribute__((format(printf, 2, 3)))
static int gj_fail(struct gj *g, const char *fmt, ...)
{
	va_list ap;

	strbuf_addstr(g->err, g->path.len ? g->path.buf : "top level");
	strbuf_addstr(g->err, ": ");
	va_start(ap, fmt);
	strbuf_vaddf(g->err, fmt, ap);
	va_end(ap);
	return HW_EINPUT;
}

static void gj_push_member(struct gj *g, const char *name)
{
	if (g->path.len)
		strbuf_addch(&g->path, '.');
	strbuf_addstr(&g->path, name);
}

static void gj_push_index(struct gj *g, size_t i)
{
	strbuf_addf(&g->path, "[%zu]", i);
}

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "a value";
}

/*
 * The names GeoJSON 2008 used for WGS 84 longitude, latitude. EPSG:4326 is
 * strictly latitude first, but GeoJSON 2008 always put x (longitude) first
 * whatever the crs said, and the range checks catch a swap beyond +-90.
 */
static const char *const wgs84_names[] = {
	"urn:ogc:def:crs:OGC:1.3:CRS84",
	"urn:ogc:def:crs:OGC::CRS84",
	"urn:ogc:def:crs:OGC:2:84",
	"http://www.opengis.net/def/crs/OGC/1.3/CRS84",
	"http://www.opengis.net/def/crs/OGC/0/CRS84",
	"CRS84",
	"OGC:CRS84",
	"EPSG:4326",
	"urn:ogc:def:crs:EPSG::4326",
	"urn:ogc:def:crs:EPSG:4326",
	"http://www.opengis.net/def/crs/EPSG/0/4326",
	"http://www.opengis.net/gml/srs/epsg.xml#4326",
};

/* A `crs` member, from GeoJSON 2008, is accepted only if it says WGS 84. */
static int gj_check_crs(struct gj *g, json_t *obj)
{
	json_t *crs = json_object_get(obj, "crs"), *props;
	const char *type, *name = NULL;
	size_t i, mark = g->path.len;
	struct strbuf q = STRBUF_INIT;
	int rc;

	if (!crs)
		return HW_OK;
	type = json_string_value(json_object_get(crs, "type"));
	props = json_object_get(crs, "properties");
	if (type && !strcmp(type, "name"))
		name = json_string_value(json_object_get(props, "name"));
	if (name)
		for (i = 0; i < ARRAY_SIZE(wgs84_names); i++)
			if (!strcasecmp(name, wgs84_names[i]))
				return HW_OK;
	if (type && !strcmp(type, "EPSG") &&
	    json_number_value(json_object_get(props, "code")) == 4326)
		return HW_OK;
	if (name)
		strbuf_add_quoted(&q, name, strlen(name), 80);
	gj_push_member(g, "crs");
	rc = gj_fail(g, "the coordinate reference system %s%sis not WGS 84 "
		     "(RFC 7946 GeoJSON has no crs: positions are always WGS 84 "
		     "longitude, latitude)", q.buf, name ? " " : "");
	strbuf_setlen(&g->path, mark);
	strbuf_release(&q);
	return rc;
}

/* The object's "type", after checking it is an object with a fit crs. */
static int gj_type(struct gj *g, json_t *v, const char **type)
{
	json_t *t;

	if (!json_is_object(v))
		return gj_fail(g, "expected a GeoJSON object, found %s",
			       json_kind(v));
	t = json_object_get(v, "type");
	if (!t)
		return gj_fail(g, "the object has no 'type' member");
	if (!json_is_string(t))
		return gj_fail(g, "'type' is %s, not a string", json_kind(t));
	*type = json_string_value(t);
	return gj_check_crs(g, v);
}

static int gj_bad_type(struct gj *g, const char *type, const char *expected)
{
	static const char *const no_area[] = { "Point", "MultiPoint",
					       "LineString",
					       "MultiLineString" };
	struct strbuf q = STRBUF_INIT;
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(no_area); i++)
		if (!strcmp(type, no_area[i]))
			return gj_fail(g, "a %s has no area; give a Polygon or "
				       "MultiPolygon", type);
	strbuf_add_quoted(&q, type, strlen(type), 40);
	rc = gj_fail(g, "type %s is not %s", q.buf, expected);
	strbuf_release(&q);
	return rc;
}

/* One position: [lon, lat, anything numeric ignored]. */
static int gj_position(struct gj *g, json_t *pos, double *lon, double *lat)
{
	struct numbuf n1;
	size_t i, n;

	if (!json_is_array(pos))
		return gj_fail(g, "expected a position [longitude, latitude], "
			       "found %s", json_kind(pos));
	n = json_array_size(pos);
	if (n && json_is_array(json_array_get(pos, 0)))
		return gj_fail(g, "expected a position [longitude, latitude], "
			       "found an array of arrays: the coordinates are "
			       "nested one level too deep");
	if (n < 2)
		return gj_fail(g, "a position needs a longitude and a latitude, "
			       "found %zu number%s", n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		json_t *v = json_array_get(pos, i);
		if (!json_is_number(v)) {
			size_t mark = g->path.len;
			int rc;

			gj_push_index(g, i);
			rc = gj_fail(g, "expected a number, found %s",
				     json_kind(v));
			strbuf_setlen(&g->path, mark);
			return rc;
		}
	}
	*lon = json_number_value(json_array_get(pos, 0));
	*lat = json_number_value(json_array_get(pos, 1));
	if (!isfinite(*lon) || !isfinite(*lat))
		return gj_fail(g, "a coordinate is not a finite number");
	if (*lat < -90 || *lat > 90)
		return gj_fail(g, "latitude %s is out of range (-90 to 90)%s",
			       fmt_num(&n1, *lat),
			       fabs(*lon) <= 90 ? "; GeoJSON positions are "
			       "[longitude, latitude]" : "");
	if (*lon < -540 || *lon > 540)
		return gj_fail(g, "longitude %s is out of range (-180 to 180, "
			       "or up to 540 for a shape crossing the "
			       "antimeridian)", fmt_num(&n1, *lon));
	return HW_OK;
}

static int gj_ring(struct gj *g, json_t *ring)
{
	struct numbuf n1, n2, n3, n4;
	size_t n, k, at, mark = g->path.len;
	double *first, *last;
	int rc;

	if (!json_is_array(ring))
		return gj_fail(g, "expected a ring (an array of positions), "
			       "found %s", json_kind(ring));
	n = json_array_size(ring);
	if (n && json_is_number(json_array_get(ring, 0)))
		return gj_fail(g, "expected a ring (an array of positions), "
			       "found a position: the coordinates are nested "
			       "one level short");
	if (n && json_array_size(json_array_get(ring, 0)) &&
	    json_is_array(json_array_get(json_array_get(ring, 0), 0)))
		return gj_fail(g, "expected a ring (an array of positions), "
			       "found an array of rings: the coordinates are "
			       "nested one level too deep");
	if (n < 4)
		return gj_fail(g, "ring has %zu position%s (at least 4)", n,
			       n == 1 ? "" : "s");
	if (n > GEOAREA_MAX_POSITIONS - g->npositions)
		return gj_fail(g, "too many positions: the GeoJSON has more than "
			       "%d in all (the limit)", GEOAREA_MAX_POSITIONS);
	g->npositions += n;
	at = g->nlonlat / 2;
	ALLOC_GROW(g->lonlat, g->nlonlat + 2 * n, g->lonlat_alloc);
	for (k = 0; k < n; k++) {
		double lon = 0, lat = 0;

		gj_push_index(g, k);
		rc = gj_position(g, json_array_get(ring, k), &lon, &lat);
		strbuf_setlen(&g->path, mark);
		if (rc)
			return rc;
		g->lonlat[g->nlonlat++] = lon;
		g->lonlat[g->nlonlat++] = lat;
	}
	first = g->lonlat + 2 * at;
	last = g->lonlat + 2 * (at + n - 1);
	if (first[0] != last[0] || first[1] != last[1])
		return gj_fail(g, "ring is not closed: the last position "
			       "[%s, %s] differs from the first [%s, %s]",
			       fmt_num(&n1, last[0]), fmt_num(&n2, last[1]),
			       fmt_num(&n3, first[0]), fmt_num(&n4, first[1]));
	ALLOC_GROW(g->ring_at, g->nrings + 1, g->ring_at_alloc);
	ALLOC_GROW(g->ring_n, g->nrings + 1, g->ring_n_alloc);
	g->ring_at[g->nrings] = at;
	g->ring_n[g->nrings] = n;
	g->nrings++;
	return HW_OK;
}

/* The rings of one polygon: an array of rings, the first the outline. */
static int gj_rings(struct gj *g, json_t *poly)
{
	size_t i, n, mark = g->path.len;
	int rc;

	if (!json_is_array(poly))
		return gj_fail(g, "expected an array of rings, found %s",
			       json_kind(poly));
	n = json_array_size(poly);
	if (!n)
		return gj_fail(g, "a polygon with no ring has no area");
	for (i = 0; i < n; i++) {
		gj_push_index(g, i);
		rc = gj_ring(g, json_array_get(poly, i));
		strbuf_setlen(&g->path, mark);
		if (rc)
			return rc;
	}
	return HW_OK;
}

/* A Polygon or MultiPolygon: all its rings become one geopoly. */
static int gj_polygon(struct gj *g, json_t *v, const char *type,
		      const char *label)
{
	json_t *coords = json_object_get(v, "coordinates");
	size_t i, n, mark = g->path.len;
	int rc;

	if (!coords)
		return gj_fail(g, "the %s has no 'coordinates' member", type);
	g->nlonlat = 0;
	g->nrings = 0;
	gj_push_member(g, "coordinates");
	if (!strcmp(type, "Polygon")) {
		rc = gj_rings(g, coords);
	} else if (!json_is_array(coords)) {
		rc = gj_fail(g, "expected an array of polygons, found %s",
			     json_kind(coords));
	} else if (!(n = json_array_size(coords))) {
		rc = gj_fail(g, "a MultiPolygon with no polygon has no area");
	} else {
		size_t at = g->path.len;

		for (i = 0, rc = HW_OK; i < n && !rc; i++) {
			gj_push_index(g, i);
			rc = gj_rings(g, json_array_get(coords, i));
			strbuf_setlen(&g->path, at);
		}
	}
	strbuf_setlen(&g->path, mark);
	if (rc)
		return rc;
	ALLOC_GROW(g->rings, g->nrings, g->rings_alloc);
	for (i = 0; i < g->nrings; i++) {
		g->rings[i].lonlat = g->lonlat + 2 * g->ring_at[i];
		g->rings[i].n = g->ring_n[i];
	}
	rc = add_polygon(g->a, g->rings, g->nrings, label, g->err);
	if (!rc)
		g->npolygons++;
	return rc;
}

static int gj_geometry(struct gj *g, json_t *v, const char *label,
		       int depth)
{
	json_t *geoms;
	const char *type;
	size_t i, n, mark = g->path.len;
	int rc;

	if ((rc = gj_type(g, v, &type)))
		return rc;
	if (!strcmp(type, "Polygon") || !strcmp(type, "MultiPolygon")) {
		/* A copy: the path grows (and moves) below. */
		char *own = xstrdup(label ? label :
				    g->path.len ? g->path.buf : type);

		rc = gj_polygon(g, v, type, own);
		free(own);
		return rc;
	}
	if (strcmp(type, "GeometryCollection"))
		return gj_bad_type(g, type, "a GeoJSON geometry");
	if (depth >= GJ_MAX_NESTING)
		return gj_fail(g, "GeometryCollections nested more than %d deep",
			       GJ_MAX_NESTING);
	geoms = json_object_get(v, "geometries");
	if (!geoms)
		return gj_fail(g, "the GeometryCollection has no 'geometries' "
			       "member");
	gj_push_member(g, "geometries");
	if (!json_is_array(geoms)) {
		rc = gj_fail(g, "expected an array of geometries, found %s",
			     json_kind(geoms));
		goto out;
	}
	n = json_array_size(geoms);
	for (i = 0; i < n && !rc; i++) {
		size_t at = g->path.len;

		gj_push_index(g, i);
		rc = gj_geometry(g, json_array_get(geoms, i), NULL, depth + 1);
		strbuf_setlen(&g->path, at);
	}
out:
	strbuf_setlen(&g->path, mark);
	return rc;
}

/* A Feature: its geometry is labelled with the Feature's place. */
static int gj_feature(struct gj *g, json_t *f, const char *type)
{
	json_t *geom = json_object_get(f, "geometry");
	size_t mark = g->path.len;
	char *label;
	int rc;

	if (strcmp(type, "Feature"))
		return gj_bad_type(g, type, "a Feature (a FeatureCollection "
				   "holds Features)");
	if (!geom)
		return gj_fail(g, "the Feature has no 'geometry' member");
	label = xstrdup(g->path.len ? g->path.buf : "Feature");
	gj_push_member(g, "geometry");
	if (json_is_null(geom))
		rc = gj_fail(g, "null: the Feature has no shape, so no area");
	else
		rc = gj_geometry(g, geom, label, 0);
	strbuf_setlen(&g->path, mark);
	free(label);
	return rc;
}

static int gj_collection(struct gj *g, json_t *fc)
{
	json_t *features = json_object_get(fc, "features");
	size_t i, n, mark = g->path.len, at;
	int rc = HW_OK;

	if (!features)
		return gj_fail(g, "the FeatureCollection has no 'features' "
			       "member");
	gj_push_member(g, "features");
	if (!json_is_array(features)) {
		rc = gj_fail(g, "expected an array of Features, found %s",
			     json_kind(features));
		goto out;
	}
	n = json_array_size(features);
	at = g->path.len;
	for (i = 0; i < n && !rc; i++) {
		json_t *f = json_array_get(features, i);
		const char *type;

		gj_push_index(g, i);
		rc = gj_type(g, f, &type);
		if (!rc)
			rc = gj_feature(g, f, type);
		strbuf_setlen(&g->path, at);
	}
out:
	strbuf_setlen(&g->path, mark);
	return rc;
}

static int gj_root(struct gj *g, json_t *root)
{
	const char *type;
	int rc;

	if ((rc = gj_type(g, root, &type)))
		return rc;
	if (!strcmp(type, "FeatureCollection"))
		return gj_collection(g, root);
	if (!strcmp(type, "Feature"))
		return gj_feature(g, root, type);
	if (!strcmp(type, "Polygon") || !strcmp(type, "MultiPolygon") ||
	    !strcmp(type, "GeometryCollection"))
		return gj_geometry(g, root, NULL, 0);
	return gj_bad_type(g, type, "a GeoJSON type");
}

int geoarea_parse_geojson(struct geoarea *a, const char *text, size_t len,
			  struct strbuf *err)
{
	struct geoarea_mark mark = geoarea_mark(a);
	struct gj g;
	json_error_t jerr;
	json_t *root;
	int rc;

	memset(&g, 0, sizeof(g));
	g.a = a;
	g.err = err;
	strbuf_init(&g.path, 0);

	/* JSON has no byte-order mark, but Windows tools write one. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		text += 3;
		len -= 3;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES |
			  JSON_DECODE_INT_AS_REAL, &jerr);
	if (!root) {
		if (jerr.line > 0)
			strbuf_addf(err, "line %d, column %d: ", jerr.line,
				    jerr.column);
		strbuf_addstr(err, "invalid JSON: ");
		strbuf_add_clean(err, jerr.text, strnlen(jerr.text, sizeof(jerr.text)),
			  sizeof(jerr.text));
		rc = HW_EINPUT;
		goto out;
	}
	rc = gj_root(&g, root);
	if (!rc && !g.npolygons) {
		strbuf_addstr(err, "no polygon in the GeoJSON");
		rc = HW_EINPUT;
	}
out:
	if (rc)
		geoarea_rollback(a, &mark);
	json_decref(root);
	strbuf_release(&g.path);
	free(g.lonlat);
	free(g.ring_at);
	free(g.ring_n);
	free(g.rings);
	return rc;
}

/* ---- CAP ---- */

static const char *const cap_namespaces[] = {
	"urn:oasis:names:tc:emergency:cap:1.2",
	"urn:oasis:names:tc:emergency:cap:1.1",
	"urn:oasis:names:tc:emergency:cap:1.0",
	"http://www.incident.com/cap/1.0",  /* CAP 1.0 as published */
};

struct cap {
	struct geoarea *a;
	struct strbuf *err;
	const char *ns;          /* the alert's namespace */
	struct strbuf where;     /* "info[0]/area[1]/polygon[2]" */
	size_t npoints;          /* in the whole alert so far */
	size_t nareas;
	size_t nshapes;          /* usable shapes, repeats included */
	size_t ngeocodes;
	struct strbuf geocode;   /* the first geocode, for the message */
	size_t first_circle;     /* circles before this are not the alert's */
	double *lonlat;          /* the polygon at hand */
	size_t lonlat_alloc;
	/* Every polygon added, one after the other, to skip repeats. */
	double *kept;
	size_t nkept, kept_alloc;
	size_t *kept_n;
	size_t nkept_n, kept_n_alloc;
};

__attribute__((format(printf, 2, 3)))
static int cap_fail(struct cap *c, const char *fmt, ...)
{
	va_list ap;

	strbuf_addbuf(c->err, &c->where);
	strbuf_addstr(c->err, ": ");
	va_start(ap, fmt);
	strbuf_vaddf(c->err, fmt, ap);
	va_end(ap);
	return HW_EINPUT;
}

static bool cap_is(const struct cap *c, const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       !strcmp((const char *)n->ns->href, c->ns) &&
	       !strcmp((const char *)n->name, name);
}

/* Read "lat,lon" at *pp (spaces allowed around the comma). */
static bool scan_pair(const char **pp, double *lat, double *lon)
{
	const char *p = *pp;

	if (!scan_number(&p, lat))
		return false;
	p = skip_space(p);
	if (*p != ',')
		return false;
	p = skip_space(p + 1);
	if (!scan_number(&p, lon))
		return false;
	*pp = p;
	return true;
}

/* Check a CAP point; the message names it and says why. */
static int cap_check_point(struct cap *c, size_t i, const char *tok,
			   size_t len, double lat, double lon)
{
	struct strbuf q = STRBUF_INIT;
	struct numbuf nb;
	int rc = HW_OK;

	strbuf_add_quoted(&q, tok, len, 60);
	if (lat < -90 || lat > 90)
		rc = cap_fail(c, "point %zu %s: latitude %s is out of range "
			      "(-90 to 90)%s", i, q.buf, fmt_num(&nb, lat),
			      fabs(lon) <= 90 ? "; CAP gives latitude first" :
			      "");
	else if (lon < -180 || lon > 180)
		rc = cap_fail(c, "point %zu %s: longitude %s is out of range "
			      "(-180 to 180)", i, q.buf, fmt_num(&nb, lon));
	strbuf_release(&q);
	return rc;
}

/*
 * CAP draws a polygon across the antimeridian as it is on the map (179 then
 * -179). Carry the longitudes on past +-180 instead, as geopoly wants; a
 * ring that would not close again goes round a pole, and stays as it was.
 */
void geoarea_unwrap(double *lonlat, size_t n)
{
	double shift, prev;
	size_t k;
	int pass;

	/* The first pass only looks; the second writes. */
	for (pass = 0; pass < 2; pass++) {
		shift = 0;
		prev = lonlat[0];
		for (k = 1; k < n; k++) {
			double lon = lonlat[2 * k] + shift;

			if (lon - prev > 180) {
				shift -= 360;
				lon -= 360;
			} else if (lon - prev < -180) {
				shift += 360;
				lon += 360;
			}
			if (pass)
				lonlat[2 * k] = lon;
			prev = lon;
		}
		if (shift != 0)
			return;
	}
}

/* Has this alert already given this polygon (another <info>'s copy)? */
static bool cap_seen_polygon(const struct cap *c, const double *lonlat,
			     size_t n)
{
	size_t i, k, at = 0;

	for (i = 0; i < c->nkept_n; i++) {
		size_t m = c->kept_n[i];
		if (m == n) {
			for (k = 0; k < 2 * n; k++)
				if (c->kept[at + k] != lonlat[k])
					break;
			if (k == 2 * n)
				return true;
		}
		at += 2 * m;
	}
	return false;
}

static int cap_polygon(struct cap *c, const char *text)
{
	const char *p = skip_space(text), *tok, *first = NULL, *last = NULL;
	size_t n = 0, first_len = 0, last_len = 0;
	struct geopoly_ring ring;
	int rc;

	if (!*p)
		return HW_OK;  /* an empty <polygon/>: ignored */
	while (*p) {
		double lat, lon;

		tok = p;
		if (!scan_pair(&p, &lat, &lon) || (*p && !is_space(*p))) {
			struct strbuf q = STRBUF_INIT;
			const char *e = tok;

			while (*e && !is_space(*e))
				e++;
			strbuf_add_quoted(&q, tok, (size_t)(e - tok), 60);
			rc = cap_fail(c, "point %zu %s is not 'latitude,"
				      "longitude'", n + 1, q.buf);
			strbuf_release(&q);
			return rc;
		}
		if ((rc = cap_check_point(c, n + 1, tok, (size_t)(p - tok),
					  lat, lon)))
			return rc;
		if (c->npoints >= GEOAREA_MAX_POSITIONS)
			return cap_fail(c, "too many points: the alert has more "
					"than %d in all (the limit)",
					GEOAREA_MAX_POSITIONS);
		c->npoints++;
		ALLOC_GROW(c->lonlat, 2 * (n + 1), c->lonlat_alloc);
		c->lonlat[2 * n] = lon;
		c->lonlat[2 * n + 1] = lat;
		if (!n) {
			first = tok;
			first_len = (size_t)(p - tok);
		}
		last = tok;
		last_len = (size_t)(p - tok);
		n++;
		p = skip_space(p);
	}
	if (n < 4)
		return cap_fail(c, "%zu point%s (at least 4, the last equal to "
				"the first)", n, n == 1 ? "" : "s");
	if (c->lonlat[0] != c->lonlat[2 * n - 2] ||
	    c->lonlat[1] != c->lonlat[2 * n - 1]) {
		struct strbuf q1 = STRBUF_INIT, q2 = STRBUF_INIT;

		strbuf_add_quoted(&q1, last, last_len, 60);
		strbuf_add_quoted(&q2, first, first_len, 60);
		rc = cap_fail(c, "not closed: the last point %s differs from "
			      "the first %s", q1.buf, q2.buf);
		strbuf_release(&q1);
		strbuf_release(&q2);
		return rc;
	}
	geoarea_unwrap(c->lonlat, n);
	c->nshapes++;
	if (cap_seen_polygon(c, c->lonlat, n))
		return HW_OK;
	ring.lonlat = c->lonlat;
	ring.n = n;
	if ((rc = add_polygon(c->a, &ring, 1, c->where.buf, c->err)))
		return rc;
	ALLOC_GROW(c->kept, c->nkept + 2 * n, c->kept_alloc);
	memcpy(c->kept + c->nkept, c->lonlat, 2 * n * sizeof(double));
	c->nkept += 2 * n;
	ALLOC_GROW(c->kept_n, c->nkept_n + 1, c->kept_n_alloc);
	c->kept_n[c->nkept_n++] = n;
	return HW_OK;
}

static int cap_circle(struct cap *c, const char *text)
{
	const char *p = skip_space(text), *q;
	struct strbuf why = STRBUF_INIT, t = STRBUF_INIT;
	double lat, lon, km;
	size_t i, len = strlen(p);
	int rc = HW_OK;

	if (!*p)
		return HW_OK;  /* an empty <circle/>: ignored */
	while (is_space(p[len - 1]))
		len--;
	strbuf_add_quoted(&t, p, len, 60);
	if (!scan_pair(&p, &lat, &lon))
		goto bad;
	/* CAP separates the radius with a space; a comma is unambiguous. */
	q = skip_space(p);
	if (*q == ',')
		q = skip_space(q + 1);
	else if (q == p)
		goto bad;
	if (!scan_number(&q, &km) || *skip_space(q))
		goto bad;
	if (km == 0)
		km = GEOAREA_CAP_POINT_RADIUS_KM;
	if (circle_check(lat, lon, km, &why)) {
		rc = cap_fail(c, "%s: %s", t.buf, why.buf);
		goto out;
	}
	c->nshapes++;
	for (i = c->first_circle; i < c->a->ncircles; i++)
		if (c->a->circles[i].lat == lat &&
		    c->a->circles[i].lon == lon &&
		    c->a->circles[i].radius_km == km)
			goto out;
	push_circle(c->a, lat, lon, km);
	goto out;
bad:
	rc = cap_fail(c, "%s is not 'latitude,longitude radius_km'", t.buf);
out:
	strbuf_release(&why);
	strbuf_release(&t);
	return rc;
}

/* The text of a CAP child element `name` of `n`, or NULL; xmlFree() it. */
static xmlChar *cap_child_text(const struct cap *c, const xmlNode *n,
			       const char *name)
{
	const xmlNode *k;

	for (k = n->children; k; k = k->next)
		if (cap_is(c, k, name))
			return xmlNodeGetContent(k);
	return NULL;
}

static void cap_geocode(struct cap *c, const xmlNode *n)
{
	xmlChar *name, *value;

	if (c->ngeocodes++)
		return;
	name = cap_child_text(c, n, "valueName");
	value = cap_child_text(c, n, "value");
	if (name)
		strbuf_add_clean(&c->geocode, (const char *)name,
			  strlen((const char *)name), 20);
	else
		strbuf_addstr(&c->geocode, "geocode");
	strbuf_addch(&c->geocode, ' ');
	if (value)
		strbuf_add_quoted(&c->geocode, (const char *)value,
			   strlen((const char *)value), 40);
	xmlFree(name);
	xmlFree(value);
}

static int cap_area(struct cap *c, const xmlNode *area, size_t ii, size_t ai)
{
	const xmlNode *n;
	size_t npoly = 0, ncircle = 0;
	int rc = HW_OK;

	c->nareas++;
	for (n = area->children; n && !rc; n = n->next) {
		bool poly = cap_is(c, n, "polygon");
		xmlChar *text;

		if (cap_is(c, n, "geocode")) {
			cap_geocode(c, n);
			continue;
		}
		if (!poly && !cap_is(c, n, "circle"))
			continue;
		strbuf_reset(&c->where);
		strbuf_addf(&c->where, "info[%zu]/area[%zu]/%s[%zu]", ii, ai,
			    poly ? "polygon" : "circle",
			    poly ? npoly++ : ncircle++);
		text = xmlNodeGetContent(n);
		rc = poly ? cap_polygon(c, text ? (const char *)text : "")
			  : cap_circle(c, text ? (const char *)text : "");
		xmlFree(text);
	}
	return rc;
}

/* The root must be a CAP <alert>; set c->ns to its namespace. */
static int cap_root(struct cap *c, const xmlNode *root)
{
	size_t i;

	if (!root) {
		strbuf_addstr(c->err, "the document has no element");
		return HW_EINPUT;
	}
	if (strcmp((const char *)root->name, "alert")) {
		strbuf_addstr(c->err, "the document is ");
		strbuf_add_quoted(c->err, (const char *)root->name,
			   strlen((const char *)root->name), 40);
		strbuf_addstr(c->err, ", not a CAP <alert> (give one alert, "
			      "not a feed or an envelope)");
		return HW_EINPUT;
	}
	if (!root->ns || !root->ns->href) {
		strbuf_addf(c->err, "<alert> has no namespace; CAP 1.2's is %s",
			    cap_namespaces[0]);
		return HW_EINPUT;
	}
	for (i = 0; i < ARRAY_SIZE(cap_namespaces); i++) {
		if (!strcmp((const char *)root->ns->href, cap_namespaces[i])) {
			c->ns = cap_namespaces[i];
			return HW_OK;
		}
	}
	strbuf_addstr(c->err, "<alert> is in namespace ");
	strbuf_add_quoted(c->err, (const char *)root->ns->href,
		   strlen((const char *)root->ns->href), 80);
	strbuf_addstr(c->err, ", not CAP's (urn:oasis:names:tc:emergency:cap:"
		      "1.2, 1.1 or 1.0)");
	return HW_EINPUT;
}

int geoarea_parse_cap(struct geoarea *a, const char *xml, size_t len,
		      struct strbuf *err)
{
	xmlDoc *doc = xmldoc_read(xml, len, "the alert", err);
	int rc;

	if (!doc)
		return HW_EINPUT;
	rc = geoarea_read_cap(a, xmlDocGetRootElement(doc), err);
	xmlFreeDoc(doc);
	return rc;
}

int geoarea_read_cap(struct geoarea *a, const xmlNode *root, struct strbuf *err)
{
	struct geoarea_mark mark = geoarea_mark(a);
	struct cap c;
	const xmlNode *info, *area;
	size_t ii = 0, ai;
	int rc = HW_EINPUT;

	memset(&c, 0, sizeof(c));
	c.a = a;
	c.err = err;
	c.first_circle = a->ncircles;
	strbuf_init(&c.where, 0);
	strbuf_init(&c.geocode, 0);

	if ((rc = cap_root(&c, root)))
		goto out;
	for (info = root->children; info && !rc; info = info->next) {
		if (!cap_is(&c, info, "info"))
			continue;
		ai = 0;
		for (area = info->children; area && !rc; area = area->next)
			if (cap_is(&c, area, "area"))
				rc = cap_area(&c, area, ii, ai++);
		ii++;
	}
	if (!rc && !c.nshapes) {
		strbuf_addstr(err, "the alert has no polygon or circle");
		if (c.ngeocodes)
			strbuf_addf(err, " (geocodes are not supported: it "
				    "gives %s%s)", c.geocode.buf,
				    c.ngeocodes > 1 ? " and more" : "");
		else if (!c.nareas)
			strbuf_addstr(err, " (it has no <area>)");
		rc = HW_EINPUT;
	}
out:
	if (rc)
		geoarea_rollback(a, &mark);
	strbuf_release(&c.where);
	strbuf_release(&c.geocode);
	free(c.lonlat);
	free(c.kept);
	free(c.kept_n);
	return rc;
}
