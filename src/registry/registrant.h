/*
 * registrant.h: one row of the canonical registrant CSV, validated and
 * normalised.
 *
 * The canonical columns (docs/registrant-csv.md) are, in order:
 *   external_id, family_name, given_name, native_name, sex, date_of_birth,
 *   nationality, passport_no, phone, email, language, country, city, lat,
 *   lon, arrival, departure, purpose, organisation, party_id, needs
 * A file's header may list them in any order and must name each exactly once.
 * Parsing checks one row on its own (UTF-8, required fields, formats, ranges,
 * the point against the country); checks across rows (a person's fields
 * agreeing between its rows, a party staying in one country) belong to the
 * importer. Normalised values are what is stored and exported, so export
 * after import gives the same text back.
 */
#ifndef HW_REGISTRANT_H
#define HW_REGISTRANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/needs.h"
#include "core/strbuf.h"
#include "core/time.h"

struct csv_record;

enum reg_col {
	RC_EXTERNAL_ID, RC_FAMILY_NAME, RC_GIVEN_NAME, RC_NATIVE_NAME, RC_SEX,
	RC_DATE_OF_BIRTH, RC_NATIONALITY, RC_PASSPORT_NO, RC_PHONE, RC_EMAIL,
	RC_LANGUAGE, RC_COUNTRY, RC_CITY, RC_LAT, RC_LON, RC_ARRIVAL,
	RC_DEPARTURE, RC_PURPOSE, RC_ORGANISATION, RC_PARTY_ID, RC_NEEDS,
	RC_COUNT
};

/* Column names in canonical order, indexed by enum reg_col. */
extern const char *const reg_columns[RC_COUNT];

/* Columns that hold the person (the rest describe one presence). */
bool reg_col_is_person(enum reg_col c);

struct registrant {
	/* Every field as normalised text ("" when empty), NUL-terminated,
	 * pointing into `store`. */
	const char *v[RC_COUNT];
	size_t len[RC_COUNT];
	/* Parsed forms of some of them. */
	bool has_point;       /* lat and lon given (both or neither) */
	double lat, lon;
	int32_t date_of_birth; /* days since 1970-01-01, or DATE_NONE */
	int32_t arrival;
	int32_t departure;
	struct strbuf store;  /* owned: the normalised bytes */
};

/* Where in a header each canonical column is: map[c] = field index. */
struct reg_header {
	int map[RC_COUNT];
	size_t nfields;
};

/*
 * Read a header record. HW_EINPUT with "column N: reason" in `err` (N the
 * 1-based field number) for an unknown or duplicated column name, or
 * "column 'NAME' is missing" (names are compared exactly after trimming
 * spaces). Reports the first problem only.
 */
int reg_header_parse(struct reg_header *h, const struct csv_record *rec,
		     struct strbuf *err);

void registrant_init(struct registrant *r);
void registrant_release(struct registrant *r);

/*
 * Validate and normalise one data record. On HW_EINPUT, *bad_col is the
 * offending column (enum reg_col) or -1 for the row as a whole (wrong number
 * of fields), and `err` holds the reason without any location, e.g.
 * "'91.5' is out of range (-90 to 90)". Only the first problem is reported.
 * A point outside the row's country is reported on RC_LAT; a missing half
 * of a point on the missing column; family_name and given_name both empty
 * on RC_FAMILY_NAME. On error every v[] is "" and the dates DATE_NONE.
 * HW_EINTERNAL (message in `err`) if the reference geography is damaged.
 * Reuses r->store, so a parse allocates nothing once it has grown.
 * Thread-safe for distinct `r` (uses refgeo for countries, calling codes and
 * shapes).
 */
int registrant_parse(struct registrant *r, const struct reg_header *h,
		     const struct csv_record *rec, int *bad_col,
		     struct strbuf *err);

/* Append the row in canonical column order, with its line end ("\n"). */
void registrant_write_csv(struct strbuf *out, const struct registrant *r);
/* Append the canonical header line. */
void registrant_write_header(struct strbuf *out);

/* Format a coordinate the one canonical way: at most 6 decimals rounded
 * half away from zero, no trailing zeros, never "-0" ("48.8566", "-0.5",
 * "2"). Used by gen, import and export. `v` must be finite (assert). */
void reg_format_coord(struct strbuf *out, double v);
/* Append the normalised form of a passport number (upper case, no spaces)
 * to `out`: the form stored and hashed. HW_EINPUT if it is not 5 to 20
 * letters and digits. */
int reg_normalise_passport(const char *s, struct strbuf *out);

/*
 * Validate and normalise one value of column `c` on its own, by the very
 * rule registrant_parse() applies to that column of a row: spaces trimmed,
 * the column's length limit, UTF-8 text without control characters, then
 * the column's syntax (countries and passports upper-cased, phones to
 * E.164, e-mail domains lower-cased, needs as a ';'-separated list in
 * canonical order...). For the HTTP API, so that a value means the same
 * whichever way it came in. Appends the normalised value to `out`, nothing
 * for an empty one (whether a value is required is the caller's rule).
 * HW_EINPUT with the reason in `err`, worded as registrant_parse() words
 * it ("'XX' is not an ISO 3166-1 alpha-2 country code (e.g. FR)"). Rules
 * between columns (departure after arrival, a point in its country, a name
 * required) are the caller's. Thread-safe.
 */
int reg_check_value(enum reg_col c, const char *s, size_t len,
		    struct strbuf *out, struct strbuf *err);

/*
 * The same for free text no column describes (a relation, a messaging
 * handle): trimmed, at most `max` bytes, UTF-8 without control characters.
 */
int reg_check_text(const char *s, size_t len, size_t max, struct strbuf *out,
		   struct strbuf *err);

/* The list of known purposes. */
extern const char *const reg_purposes[];
extern const size_t reg_purposes_count;

#endif
