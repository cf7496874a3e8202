/*
 * geoarea.h: an area of interest: the union of circles, polygons and
 * countries, as a crisis defines it (CAP: every shape of every <area> of
 * every <info> counts) and as the geo engine takes it.
 *
 * Parsers turn GeoJSON (RFC 7946: Polygon, MultiPolygon, Feature,
 * FeatureCollection, GeometryCollection of those; positions lon,lat) and
 * CAP 1.0/1.1/1.2 alerts (<polygon> "lat,lon lat,lon ..." and <circle>
 * "lat,lon radius_km") into the same structure. Every error names the place
 * (JSON path such as "features[2].geometry.coordinates[0][3]" or the CAP
 * element and its position) and the reason, and returns HW_EINPUT.
 *
 * Every function that adds to an area adds all or nothing: on error the
 * area is left as it was. Messages are valid UTF-8 without control
 * characters, whatever the input. An area belongs to one thread at a time;
 * different areas may be filled in different threads at once.
 */
#ifndef HW_GEOAREA_H
#define HW_GEOAREA_H

#include <stddef.h>

struct strbuf;
struct geopoly;

#define GEO_EARTH_RADIUS_KM 6371.0088
/* Half the Earth's circumference: the largest radius that means anything. */
#define GEO_MAX_RADIUS_KM (3.14159265358979323846 * GEO_EARTH_RADIUS_KM)
/* The most positions (points) one GeoJSON or CAP document may hold. */
#define GEOAREA_MAX_POSITIONS 1000000
/* A CAP circle of radius 0 (a point, seen in the wild) gets this radius. */
#define GEOAREA_CAP_POINT_RADIUS_KM 0.1

struct geo_circle {
	double lat, lon;     /* centre, degrees */
	double radius_km;    /* > 0 and <= GEO_MAX_RADIUS_KM (CAP's 0 becomes a
				small radius: see geoarea_parse_cap) */
};

struct geo_polygon {
	struct geopoly *poly;  /* owned; all rings of one (multi)polygon */
	char *label;           /* where it came from, for messages; owned */
};

struct geoarea {
	struct geo_circle *circles;
	size_t ncircles, circles_alloc;
	struct geo_polygon *polygons;
	size_t npolygons, polygons_alloc;
	char (*countries)[3];  /* ISO 3166-1 alpha-2 codes */
	size_t ncountries, countries_alloc;
};

/* Set up an empty area; geoarea_release() frees what it holds (NULL-safe)
 * and leaves it empty and reusable. */
void geoarea_init(struct geoarea *a);
void geoarea_release(struct geoarea *a);
/* A ring of `n` [lon, lat] pairs drawn across the antimeridian as on a
 * map (179 then -179): its longitudes carried on past +-180 (179, 181), as
 * geopoly wants; a ring that would not close again (one round a pole) is
 * left as it is. */
void geoarea_unwrap(double *lonlat, size_t n);

/* Hand the shapes of `src` over to `dst`, added to what it holds (a
 * country already there is kept once); `src` is left empty. */
void geoarea_move(struct geoarea *dst, struct geoarea *src);
/* True when the area has no shape at all. */
int geoarea_is_empty(const struct geoarea *a);

/*
 * Add one circle / country. HW_EINPUT with a message for a radius <= 0 or
 * beyond half the Earth's circumference, a latitude beyond +-90, a
 * longitude beyond +-180, a NaN or infinity, or an unknown country code.
 * A country code is two letters, either case (stored in upper case), that
 * refgeo_country() knows; adding a country twice keeps one.
 * HW_EINTERNAL if the reference data is damaged (see refgeo_load()).
 */
int geoarea_add_circle(struct geoarea *a, double lat, double lon, double km,
		       struct strbuf *err);
int geoarea_add_country(struct geoarea *a, const char *code,
			struct strbuf *err);
/* Each country of a list "NP,BT" or "NP BT" (`len` bytes of `list`),
 * checked as geoarea_add_country() does; *added (may be NULL) counts the
 * codes given. An empty list adds nothing and is not an error. */
int geoarea_add_countries(struct geoarea *a, const char *list, size_t len,
			  size_t *added, struct strbuf *err);

/*
 * Parse "LAT,LON,KM" (the command line's --circle) and add it. Spaces are
 * allowed around the commas; numbers are plain decimals (an exponent is
 * allowed, "nan", "inf" and hexadecimal are not). Messages quote the
 * option: "'--circle 12,abc,5': 'abc' is not a longitude".
 */
int geoarea_parse_circle_arg(struct geoarea *a, const char *arg,
			     struct strbuf *err);

/*
 * Parse a GeoJSON text of `len` bytes and add its polygons: each Polygon or
 * MultiPolygon becomes one geo_polygon (all its rings in one geopoly, so
 * holes and parts follow the even-odd rule), labelled with its place:
 * "features[2]" for a Feature's geometry, "features[2].geometry.
 * geometries[0]" inside a GeometryCollection, the type name ("Polygon",
 * "Feature") for the document itself.
 *
 * Positions are [longitude, latitude, ...]: numbers only, the rest
 * (altitude) ignored; latitude within +-90, longitude within +-540 (beyond
 * 180 only makes sense for a shape crossing the antimeridian uncut, as
 * geopoly.h allows). Rings need at least 4 positions and must be closed.
 * A Feature whose geometry is null, an empty Polygon or MultiPolygon, a
 * Point or LineString, a `crs` member other than WGS 84 (OGC CRS84 or
 * EPSG:4326, as GeoJSON 2008 wrote them), duplicate keys, more than
 * GEOAREA_MAX_POSITIONS positions, and a document with no polygon at all
 * are errors (HW_EINPUT). JSON syntax errors give jansson's line and column.
 */
int geoarea_parse_geojson(struct geoarea *a, const char *text, size_t len,
			  struct strbuf *err);

/*
 * Parse a CAP alert (XML) and add the shapes of all its areas: the root must
 * be <alert> in the namespace of CAP 1.2, 1.1 or 1.0
 * (urn:oasis:names:tc:emergency:cap:1.x, or CAP 1.0's own
 * http://www.incident.com/cap/1.0), as default namespace or with a prefix.
 * Each <polygon> becomes one geo_polygon labelled "info[1]/area[0]/
 * polygon[2]" (indexes count the elements of that name, from 0); each
 * <circle> one geo_circle.
 *
 * Polygon points are "lat,lon" (latitude first, as CAP has it), separated
 * by whitespace, at least 4, the last equal to the first; circles are
 * "lat,lon radius_km". Extra whitespace is fine, also around the commas.
 * Where CAP differs from what is seen in the wild:
 *  - an empty <polygon/> or <circle/> is ignored;
 *  - a circle of radius 0 (a point) gets GEOAREA_CAP_POINT_RADIUS_KM;
 *  - the same shape repeated (several <info> blocks, one per language,
 *    each with the same <area>) is added once;
 *  - a polygon whose consecutive points jump by more than 180 degrees of
 *    longitude crosses the antimeridian: its longitudes are carried on past
 *    +-180 (179, -179 becomes 179, 181), which geopoly understands.
 * An alert with no usable polygon or circle is an error (geocodes such as
 * SAME, UGC or NUTS are not supported). A DOCTYPE is refused outright (CAP
 * has none; it is how XML entity attacks start), and the parser never
 * touches the network.
 */
int geoarea_parse_cap(struct geoarea *a, const char *xml, size_t len,
		      struct strbuf *err);
/* The same for an alert already parsed by libxml2 (`root`, its <alert>):
 * interop/cap.c reads a message once for its fields and its areas. */
struct _xmlNode;
int geoarea_read_cap(struct geoarea *a, const struct _xmlNode *root,
		     struct strbuf *err);

#endif
