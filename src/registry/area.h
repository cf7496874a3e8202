/*
 * area.h: an area as a person gives it, and what it covers.
 *
 * Five ways to say where: a circle (LAT,LON,KM), a GeoJSON polygon, the
 * areas of a CAP alert, whole countries, or a mission's jurisdiction. The
 * command line takes them as one shared option set (AREA_OPTIONS: query,
 * incident create and update), the API as body fields or query
 * parameters; both come down to a `struct area_spec` (a kind and its text,
 * what an incident keeps to be re-read later), which area_spec_parse()
 * turns into a geoarea.
 */
#ifndef HW_AREA_H
#define HW_AREA_H

#include <stdbool.h>
#include <stddef.h>

struct geoarea;
struct store;
struct strbuf;

/* The largest area file taken: a CAP alert or GeoJSON with a detailed
 * polygon is at most a few MiB. */
#define AREA_MAX_INPUT (64u << 20)

struct area_spec {
	const char *kind;   /* "cap", "geojson", "circle", "countries",
			       "mission"; NULL: no area */
	const char *text;   /* the alert, the GeoJSON, "LAT,LON,KM",
			       "CC,CC", a mission's code; borrowed */
	size_t len;
};

/*
 * Add what `spec` covers to `a`. A CAP alert must be a valid, complete
 * message (interop/cap.h) with at least one shape; its one parse gives
 * both. A mission needs `st`. HW_OK, or HW_EINPUT with "KIND: reason" in
 * `err`; HW_EDB.
 */
int area_spec_parse(const struct area_spec *spec, struct store *st,
		    struct geoarea *a, struct strbuf *err);

/* The values of the shared area options, NULL when not given. */
struct area_opts {
	const char *circle, *polygon, *cap, *country, *mission;
};

/* The rows of an option table (core/cli.h) for `struct area_opts *o`. */
#define AREA_OPTIONS(o) \
	{ "circle", OPT_STRING, &(o)->circle, "LAT,LON,KM", \
	  "a circle: its centre and radius in km (great-circle distance; a " \
	  "point at the radius is inside)" }, \
	{ "polygon", OPT_STRING, &(o)->polygon, "FILE", \
	  "GeoJSON (RFC 7946, [lon, lat]): Polygon, MultiPolygon, Feature or " \
	  "FeatureCollection" }, \
	{ "cap", OPT_STRING, &(o)->cap, "FILE", \
	  "a CAP 1.0-1.2 alert: all its polygons and circles" }, \
	{ "country", OPT_STRING, &(o)->country, "CC[,CC...]", \
	  "whole countries, ISO 3166-1 alpha-2 codes: the persons whose " \
	  "presence is declared there" }, \
	{ "mission", OPT_STRING, &(o)->mission, "CODE", \
	  "the countries of a mission's jurisdiction" }

/* How many of the area options were given. */
int area_opts_given(const struct area_opts *o);

/*
 * All the options given, as one area: the union of what each covers
 * (query). Files are read here. HW_OK, or HW_EINPUT / HW_EIO / HW_EDB
 * with the reason in `err`.
 */
int area_opts_add(const struct area_opts *o, struct store *st,
		  struct geoarea *a, struct strbuf *err);

/*
 * The one area option given, as a spec an incident can keep: a file's
 * text read into `text`, a mission's jurisdiction turned into its
 * countries (it is the mission of today that is meant, not one that
 * changes later). None given is HW_OK with spec->kind NULL unless
 * `required`; more than one, or none when required, is HW_EINPUT with
 * "give one area: ..." in `err`.
 */
int area_opts_spec(const struct area_opts *o, bool required, struct store *st,
		   struct area_spec *spec, struct strbuf *text, struct strbuf *err);

#endif
