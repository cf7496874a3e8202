/*
 * geopoly.h: a polygon (with holes, or several: a multipolygon) prepared for
 * fast containment tests, in the plane of longitude and latitude.
 *
 * Edges are straight in lon/lat, as GeoJSON (RFC 7946) defines them. Rings
 * are joined by the even-odd rule, so winding order does not matter and
 * holes are simply rings inside rings. Longitudes may go beyond +-180 for a
 * shape that crosses the antimeridian without being cut (e.g. 170 to 190);
 * a point is tested at lon, lon - 360 and lon + 360, so both cut and uncut
 * shapes work. A point exactly on an edge or vertex counts as inside.
 * Latitude +-90 is one point, the pole, whatever the longitude: a point
 * there is inside when a vertex of the polygon is at that pole.
 *
 * The answers are exact for the doubles given (orientation tests fall back
 * to exact arithmetic when rounding could change their sign), except that a
 * coordinate nearer to 0 than 1e-144 degrees is taken as 0.
 *
 * After geopoly_build() a geopoly is read-only and safe to use from many
 * threads at once.
 */
#ifndef HW_GEOPOLY_H
#define HW_GEOPOLY_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf;

/* A ring: n positions, lon then lat in degrees; closed (first == last). */
struct geopoly_ring {
	const double *lonlat;  /* 2 * n doubles: lon0, lat0, lon1, lat1, ... */
	size_t n;
};

struct geopoly; /* opaque */

/*
 * Build the index over `nrings` rings (all the rings of all the polygons of
 * one multipolygon). The rings are copied. HW_EINPUT with a message in
 * `err` (e.g. "ring 1 is not closed (first (10, 20) != last (10, 21))")
 * for no ring at all, or a ring with fewer than 4 positions, not closed,
 * with a NaN or infinite coordinate, a latitude beyond +-90 or a longitude
 * beyond +-540 (no query can reach it); *out is then NULL. On success *out
 * is the caller's, to free with geopoly_free() (NULL-safe).
 */
int geopoly_build(const struct geopoly_ring *rings, size_t nrings,
		  struct geopoly **out, struct strbuf *err);
void geopoly_free(struct geopoly *p);

/* Is (lat, lon) inside (or on the boundary)? Tens of nanoseconds. False
 * for a NaN, an infinite longitude or a latitude beyond +-90. */
bool geopoly_contains(const struct geopoly *p, double lat, double lon);

/*
 * The same answer as geopoly_contains(), found by scanning every edge with
 * no index: slow (linear in the number of edges), for tests and
 * cross-checks. Thread-safe like geopoly_contains().
 */
bool geopoly_contains_scan(const struct geopoly *p, double lat, double lon);

/* How a lat/lon rectangle relates to the polygon. */
enum geopoly_rel {
	GEOPOLY_OUTSIDE,  /* no point of the rectangle is inside */
	GEOPOLY_INSIDE,   /* every point of the rectangle is inside */
	GEOPOLY_PARTLY,   /* anything else, or not known cheaply */
};

/*
 * Classify the closed rectangle [lat0, lat1] x [lon0, lon1] (lon0 <= lon1,
 * both within [-180, 180]). GEOPOLY_PARTLY is always a safe answer;
 * INSIDE and OUTSIDE must be exact. They are, point for point with
 * geopoly_contains(). A rectangle that an edge touches is PARTLY, even
 * when all of it is inside; so is one that is covered only by the polygon
 * and its copy 360 degrees away together. A rectangle with lat0 > lat1,
 * lon0 > lon1 or a NaN is PARTLY.
 */
enum geopoly_rel geopoly_classify(const struct geopoly *p, double lat0,
				  double lon0, double lat1, double lon1);

/* The bounding box, in the polygon's own longitudes (may exceed 180). */
void geopoly_bbox(const struct geopoly *p, double *lat0, double *lon0,
		  double *lat1, double *lon1);

#endif
