/*
 * geo.h: the geo engine. Who, of the registry, is inside this area, now or
 * on a date? Answered from memory in milliseconds over up to 100 million
 * presences; this is what the CLI's `query`, the server and crisis response
 * all call.
 *
 * Layout. Every presence with a point is one entry in columnar arrays
 * (latitude and longitude in micro-degrees, person, stay dates, country:
 * 17 bytes), ordered along a Morton (Z-order) curve over the
 * longitude/latitude plane, with a directory of where each cell of a fixed
 * level begins. Person attributes (nationality, needs) live in arrays
 * indexed by person id, and the few (organisation, person) pairs in a
 * sorted list of their own. A query covers its area with quadtree cells: cells
 * wholly inside are taken in bulk (only the filters are tested), cells on
 * the boundary point by point, cells outside are skipped.
 *
 * Updates go to a small unsorted side buffer that every query also scans,
 * and removals mark entries dead; the side buffer is merged into the sorted
 * arrays when it grows.
 *
 * Threads: queries may run concurrently with each other and with updates
 * (a read-write lock inside); a large query splits its work over two
 * threads.
 */
#ifndef HW_GEO_H
#define HW_GEO_H

#include "geo/geoarea.h"
#include "geo/geopoly.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct geoarea;
struct store;
struct store_stmt;
struct strbuf;

/* Stay dates are days since 1970-01-01; these stand for open ends. */
#define GEO_OPEN_START INT16_MIN
#define GEO_OPEN_END INT16_MAX
/* A filter date meaning "any day": every presence counts. */
#define GEO_ANY_DAY INT32_MIN

/* One presence, as the engine takes it in. */
struct geo_presence {
	uint32_t person;          /* person id, >= 1 */
	double lat, lon;          /* degrees; stored to the micro-degree */
	int16_t arrival;          /* days since 1970-01-01, or GEO_OPEN_START */
	int16_t departure;        /* or GEO_OPEN_END */
	char country[3];          /* ISO alpha-2 of the presence, or "" */
	uint32_t organisation;    /* organisation id, or 0 */
};

/* Person attributes the filters use. */
struct geo_person {
	uint32_t person;
	char nationality[3];
	uint32_t needs;           /* bit i set: needs_names[i] */
};

struct geo; /* opaque */

/* An empty engine. */
struct geo *geo_new(void);
void geo_free(struct geo *g);

/*
 * Load every presence with a point, and every person's attributes, from
 * the store, and build the index. *load_s and *build_s (may be NULL) get
 * the seconds spent reading and building. HW_EDB with a message on failure.
 */
int geo_load(struct geo *g, struct store *st, double *load_s, double *build_s,
	     struct strbuf *err);

/* Bulk-add presences / person attributes, then (re)build the index.
 * Used by geo_load, tests and benchmarks. */
void geo_add_presences(struct geo *g, const struct geo_presence *p, size_t n);
void geo_set_persons(struct geo *g, const struct geo_person *p, size_t n);
void geo_build(struct geo *g);

/*
 * One person's attributes, visible to the next query, without a rebuild:
 * for persons created or changed after the load. A person id beyond the
 * engine's arrays grows them.
 */
void geo_set_person(struct geo *g, const struct geo_person *p);

/*
 * Rows of the store as the engine takes them, exactly as geo_load() does
 * (dates clamped to the engine's range, open ends for empty dates, an
 * unknown country as ""), so that code keeping the engine in step with the
 * database makes the very entries the load made.
 *
 * geo_presence_from_row: the current row of a statement that selected
 * GEO_PRESENCE_COLUMNS from `presence` (a row with a point: lat IS NOT
 * NULL). geo_person_from_row: a row of GEO_PERSON_COLUMNS from `person`.
 * HW_EINPUT when the row cannot be an entry (a person id outside
 * 1..UINT32_MAX); the row is then skipped.
 */
#define GEO_PRESENCE_COLUMNS \
	"person_id, lat, lon, arrival, departure, country, organisation_id"
#define GEO_PERSON_COLUMNS "id, nationality, needs"
int geo_presence_from_row(struct store_stmt *s, struct geo_presence *p);
int geo_person_from_row(struct store_stmt *s, struct geo_person *p);

/*
 * Updates, visible to the next query. A presence is identified by all its
 * fields: geo_remove() removes one entry equal to `p` (HW_ENOTFOUND if
 * none); geo_move() is a remove and an add under one lock. geo_add()
 * refuses person 0 (HW_EINPUT), which marks removed entries; any other
 * person id is fine, the person arrays grow to hold it.
 */
int geo_add(struct geo *g, const struct geo_presence *p);
int geo_remove(struct geo *g, const struct geo_presence *p);
int geo_move(struct geo *g, const struct geo_presence *from,
	     const struct geo_presence *to);

struct geo_filter {
	int32_t on;               /* a day (arrival <= on <= departure), or GEO_ANY_DAY */
	char nationality[3];      /* "" for any */
	uint32_t organisation;    /* 0 for any; else persons with a presence
				     naming this organisation */
	uint32_t needs;           /* every bit set here must be set; 0 for any */
	/*
	 * A jurisdiction: when `in_countries` is set, only presences whose
	 * registered country is in the `countries` bitmap count (bit i for
	 * the engine's country index i, see geo_filter_set_countries; a
	 * presence with no known country never passes). Unset (as memset or
	 * a designated initialiser leave it): any country.
	 */
	bool in_countries;
	uint8_t countries[32];
};

/* The filter that takes everything present today (UTC). */
void geo_filter_today(struct geo_filter *f);

/*
 * Limit `f` to presences in the countries codes[0 .. n) (alpha-2, upper
 * case): n = 0 lets nothing through. HW_EINPUT with a message for a code
 * refgeo does not know; the filter then holds the known codes only, so
 * a caller that goes on regardless still gets no more than it asked for.
 */
int geo_filter_set_countries(struct geo_filter *f, const char (*codes)[3],
			     size_t n, struct strbuf *err);

/* A set of persons, each once, in no particular order. */
struct geo_result {
	uint32_t *persons;
	size_t n, alloc;
};
void geo_result_release(struct geo_result *r);

/*
 * The persons with a presence inside `area` (the union of its shapes) that
 * passes `f`. Each person once, even if several presences match.
 * HW_EINPUT with a message for an area the engine cannot use (a country
 * with no shape). Appends to `out`.
 */
int geo_query(struct geo *g, const struct geoarea *area,
	      const struct geo_filter *f, struct geo_result *out,
	      struct strbuf *err);
/* The number of such persons, without listing them. */
int geo_count(struct geo *g, const struct geoarea *area,
	      const struct geo_filter *f, uint64_t *count, struct strbuf *err);

/*
 * The matching presences themselves: every entry inside `area` (NULL: the
 * whole world) passing `f`, sorted by person, then latitude, longitude,
 * arrival and departure, for exports that show where each person is. The
 * entries' `organisation` is 0: the engine keeps organisations per person,
 * not per entry. *out is the caller's to free().
 */
int geo_query_presences(struct geo *g, const struct geoarea *area,
			const struct geo_filter *f, struct geo_presence **out,
			size_t *n, struct strbuf *err);

/*
 * Aggregates, without listing anyone. `area` may be NULL for the whole
 * world. A person counts once per country (or cell) even with several
 * presences there.
 *
 * geo_count_by_country: counts[i] for refgeo_country_at(i), and
 * counts[refgeo_country_count()] for presences with no known country; the
 * caller provides refgeo_country_count() + 1 slots. The country is the
 * presence's, as registered.
 */
int geo_count_by_country(struct geo *g, const struct geoarea *area,
			 const struct geo_filter *f, uint64_t *counts,
			 struct strbuf *err);

struct geo_cell_count {
	double lat, lon;          /* south-west corner of the cell */
	uint64_t count;           /* persons in it */
};

/* Persons per cell of a `cell_deg` x `cell_deg` grid aligned on (-90,
 * -180), non-empty cells only, sorted south to north, west to east. *out
 * is the caller's to free(). HW_EINPUT for a cell outside 0.01 to 90. */
int geo_count_by_cell(struct geo *g, const struct geoarea *area,
		      const struct geo_filter *f, double cell_deg,
		      struct geo_cell_count **out, size_t *n,
		      struct strbuf *err);

struct geo_near {
	uint32_t person;
	double km;                /* to the person's nearest presence */
	double lat, lon;          /* that presence */
};

/*
 * The `k` persons nearest to (lat, lon) passing `f`, nearest first (ties
 * by person id), into out[0 .. *n); fewer if the registry holds fewer.
 * It searches growing circles, so near answers are quick.
 */
int geo_nearest(struct geo *g, double lat, double lon, size_t k,
		const struct geo_filter *f, struct geo_near *out, size_t *n,
		struct strbuf *err);

struct geo_place {
	double lat, lon;          /* an assembly point, an airport, a port */
};

struct geo_assignment {
	uint32_t person;
	uint32_t place;           /* index into the places given */
	double km;                /* great-circle distance to it */
};

/*
 * For each person inside `area` (NULL: anywhere) passing `f`, the nearest
 * of `places` to its presence there (the first of several, in a fixed
 * order): the first step of an evacuation plan. *out, one entry per person
 * sorted by person id, is the caller's to free(). HW_EINPUT for an empty
 * or invalid list of places.
 */
int geo_assign_places(struct geo *g, const struct geoarea *area,
		      const struct geo_filter *f, const struct geo_place *places,
		      size_t nplaces, struct geo_assignment **out, size_t *n,
		      struct strbuf *err);

/* Entries in the index, and bytes it holds (all arrays, directory and side
 * buffer included). */
size_t geo_points(const struct geo *g);
size_t geo_bytes(const struct geo *g);

/* Great-circle distance in km on the sphere of GEO_EARTH_RADIUS_KM, the
 * definition every engine and test uses (haversine). */
double geo_distance_km(double lat1, double lon1, double lat2, double lon2);
/* Is (lat, lon) within `km` of (clat, clon)? Exactly the engine's test. */
bool geo_within(double clat, double clon, double km, double lat, double lon);
/* Is (lat, lon) inside one of the circles or polygons of `a`, by the
 * engine's exact tests? (Its countries are a matter of declared codes,
 * not shapes: the caller tests them its own way.) Inline: the brute-force
 * scans of the tests and benchmarks call it for every point. */
static inline bool geo_area_has(const struct geoarea *a, double lat, double lon)
{
	for (size_t i = 0; i < a->ncircles; i++)
		if (geo_within(a->circles[i].lat, a->circles[i].lon,
			       a->circles[i].radius_km, lat, lon))
			return true;
	for (size_t i = 0; i < a->npolygons; i++)
		if (geopoly_contains(a->polygons[i].poly, lat, lon))
			return true;
	return false;
}

#endif
