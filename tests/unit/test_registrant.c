/*
 * test_registrant.c: unit tests of registrant row validation and
 * normalisation (registrant.h).
 *
 * The core is a table: each case changes a few columns of one good row and
 * names either the column and reason expected to be reported, or the
 * normalised value expected in one column. The reference geography is the
 * real embedded one, so points are checked against real borders.
 */
#include "core/homeward.h"
#include "registry/registrant.h"
#include "core/csv.h"
#include "geo/refgeo.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/mman.h>
#include <unistd.h>

/* A memory-backed file holding `data`, positioned at its start. */
static int fd_with(const char *data, size_t len)
{
	int fd = memfd_create("test_registrant", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* A French national working in Berlin: every check passes. */
static const char *const base_row[RC_COUNT] = {
	[RC_EXTERNAL_ID] = "P-0001",
	[RC_FAMILY_NAME] = "Martin",
	[RC_GIVEN_NAME] = "Claire",
	[RC_NATIVE_NAME] = "",
	[RC_SEX] = "F",
	[RC_DATE_OF_BIRTH] = "1984-07-21",
	[RC_NATIONALITY] = "FR",
	[RC_PASSPORT_NO] = "12AB34567",
	[RC_PHONE] = "+33 6 12 34 56 78",
	[RC_EMAIL] = "claire.martin@example.fr",
	[RC_LANGUAGE] = "fr",
	[RC_COUNTRY] = "DE",
	[RC_CITY] = "Berlin",
	[RC_LAT] = "52.52",
	[RC_LON] = "13.405",
	[RC_ARRIVAL] = "2023-09-01",
	[RC_DEPARTURE] = "",
	[RC_PURPOSE] = "work",
	[RC_ORGANISATION] = "Acme GmbH",
	[RC_PARTY_ID] = "H-17",
	[RC_NEEDS] = "",
};

#define OK (-2) /* the row is expected to pass */

struct reg_case {
	const char *set[RC_COUNT]; /* columns changed from base_row */
	int bad;                   /* expected bad column, -1, or OK */
	int col;                   /* with OK: the column to look at */
	const char *want;          /* reason substring, or normalised value */
};

#define X201 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
	     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
	     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
	     "xxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define X65 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define E164 "is not an E.164 phone number (+ then 8 to 15 digits)"
#define NOT_UTF8 "has bytes that are not UTF-8 text at byte"

static const struct reg_case row_cases[] = {
	/* The base row itself, and values kept as they are. */
	{ .bad = OK, .col = RC_EXTERNAL_ID, .want = "P-0001" },
	{ .bad = OK, .col = RC_DEPARTURE, .want = "" },
	{ { [RC_EXTERNAL_ID] = "a.b_c:d-9" }, OK, RC_EXTERNAL_ID, "a.b_c:d-9" },
	{ { [RC_FAMILY_NAME] = "  Martin  " }, OK, RC_FAMILY_NAME, "Martin" },
	{ { [RC_FAMILY_NAME] = "" }, OK, RC_GIVEN_NAME, "Claire" },
	{ { [RC_GIVEN_NAME] = "" }, OK, RC_FAMILY_NAME, "Martin" },
	{ { [RC_CITY] = "O'Brien, \"the\" city" }, OK, RC_CITY,
	  "O'Brien, \"the\" city" },

	/* Required fields and the shape of the row. */
	{ { [RC_EXTERNAL_ID] = "" }, RC_EXTERNAL_ID, 0, "a value is required" },
	{ { [RC_EXTERNAL_ID] = "   " }, RC_EXTERNAL_ID, 0, "a value is required" },
	{ { [RC_EXTERNAL_ID] = "P 1" }, RC_EXTERNAL_ID, 0,
	  "'P 1' is not an identifier" },
	{ { [RC_EXTERNAL_ID] = "P/1" }, RC_EXTERNAL_ID, 0, "is not an identifier" },
	{ { [RC_EXTERNAL_ID] = X65 }, RC_EXTERNAL_ID, 0, "is not an identifier" },
	{ { [RC_FAMILY_NAME] = "", [RC_GIVEN_NAME] = " " }, RC_FAMILY_NAME, 0,
	  "family_name or given_name is required" },
	{ { [RC_NATIONALITY] = "" }, RC_NATIONALITY, 0, "a value is required" },
	{ { [RC_COUNTRY] = "" }, RC_COUNTRY, 0, "a value is required" },

	/* Text: UTF-8, no control characters, length limits. */
	{ { [RC_FAMILY_NAME] = "Mart\xC3\x28n" }, RC_FAMILY_NAME, 0,
	  NOT_UTF8 " 5" },
	{ { [RC_FAMILY_NAME] = "Mart\xE9n" }, RC_FAMILY_NAME, 0, NOT_UTF8 " 5" },
	{ { [RC_FAMILY_NAME] = "\xC0\xAF" }, RC_FAMILY_NAME, 0, NOT_UTF8 " 1" },
	{ { [RC_FAMILY_NAME] = "\xE0\x80\xAF" }, RC_FAMILY_NAME, 0, NOT_UTF8 },
	{ { [RC_FAMILY_NAME] = "\xF0\x80\x80\xAF" }, RC_FAMILY_NAME, 0, NOT_UTF8 },
	{ { [RC_FAMILY_NAME] = "\xED\xA0\x80" }, RC_FAMILY_NAME, 0, NOT_UTF8 },
	{ { [RC_FAMILY_NAME] = "\xED\xBF\xBF" }, RC_FAMILY_NAME, 0, NOT_UTF8 },
	{ { [RC_FAMILY_NAME] = "\xF4\x90\x80\x80" }, RC_FAMILY_NAME, 0, NOT_UTF8 },
	{ { [RC_FAMILY_NAME] = "\xF5\x80\x80\x80" }, RC_FAMILY_NAME, 0, NOT_UTF8 },
	{ { [RC_FAMILY_NAME] = "abc\xE2\x82" }, RC_FAMILY_NAME, 0, NOT_UTF8 " 4" },
	{ { [RC_FAMILY_NAME] = "\x80" }, RC_FAMILY_NAME, 0, NOT_UTF8 " 1" },
	{ { [RC_FAMILY_NAME] = "\xF4\x8F\xBF\xBF" }, OK, RC_FAMILY_NAME,
	  "\xF4\x8F\xBF\xBF" },
	{ { [RC_FAMILY_NAME] = "a\tb" }, RC_FAMILY_NAME, 0,
	  "contains a control character (U+0009) at byte 2" },
	{ { [RC_CITY] = "a\nb" }, RC_CITY, 0, "control character (U+000A)" },
	{ { [RC_CITY] = "a\x7F" }, RC_CITY, 0, "control character (U+007F)" },
	{ { [RC_CITY] = "a\xC2\x85" }, RC_CITY, 0, "control character (U+0085)" },
	{ { [RC_GIVEN_NAME] = X201 }, RC_GIVEN_NAME, 0,
	  "is too long (201 bytes; at most 200)" },
	{ { [RC_ORGANISATION] = X201 }, RC_ORGANISATION, 0, "is too long" },

	/* Names in several scripts. */
	{ { [RC_FAMILY_NAME] = "Wang", [RC_GIVEN_NAME] = "Xiaoming",
	    [RC_NATIVE_NAME] = " \xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E ",
	    [RC_NATIONALITY] = "CN", [RC_LANGUAGE] = "zh-cn",
	    [RC_COUNTRY] = "IN", [RC_CITY] = "New Delhi", [RC_LAT] = "28.6139",
	    [RC_LON] = "77.209" },
	  OK, RC_NATIVE_NAME, "\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E" },
	{ { [RC_FAMILY_NAME] = "\xE0\xA4\xB6\xE0\xA4\xB0\xE0\xA5\x8D\xE0\xA4"
			       "\xAE\xE0\xA4\xBE",
	    [RC_GIVEN_NAME] = "\xE0\xA4\xAA\xE0\xA5\x8D\xE0\xA4\xB0\xE0\xA4"
			      "\xBF\xE0\xA4\xAF\xE0\xA4\xBE",
	    [RC_NATIONALITY] = "in", [RC_LANGUAGE] = "HI", [RC_COUNTRY] = "jp",
	    [RC_CITY] = "\xE6\x9D\xB1\xE4\xBA\xAC", [RC_LAT] = "35.6895",
	    [RC_LON] = "139.6917", [RC_PHONE] = "+91 98765 43210" },
	  OK, RC_FAMILY_NAME,
	  "\xE0\xA4\xB6\xE0\xA4\xB0\xE0\xA5\x8D\xE0\xA4\xAE\xE0\xA4\xBE" },
	{ { [RC_FAMILY_NAME] = "", [RC_GIVEN_NAME] = "\xD9\x85\xD8\xAD\xD9\x85"
						     "\xD8\xAF",
	    [RC_NATIONALITY] = "EG", [RC_LANGUAGE] = "ar", [RC_COUNTRY] = "AE",
	    [RC_CITY] = "\xD8\xAF\xD8\xA8\xD9\x8A", [RC_LAT] = "25.2048",
	    [RC_LON] = "55.2708", [RC_PHONE] = "+971-50-123-4567" },
	  OK, RC_GIVEN_NAME, "\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF" },

	/* Sex. */
	{ { [RC_SEX] = "female" }, OK, RC_SEX, "F" },
	{ { [RC_SEX] = "Male" }, OK, RC_SEX, "M" },
	{ { [RC_SEX] = "x" }, OK, RC_SEX, "X" },
	{ { [RC_SEX] = "" }, OK, RC_SEX, "" },
	{ { [RC_SEX] = "Q" }, RC_SEX, 0, "'Q' is not a sex (F, M or X)" },
	{ { [RC_SEX] = "females" }, RC_SEX, 0, "is not a sex" },

	/* Dates. */
	{ { [RC_DATE_OF_BIRTH] = "2023-02-29" }, RC_DATE_OF_BIRTH, 0,
	  "'2023-02-29' is not a real date" },
	{ { [RC_DATE_OF_BIRTH] = "2023-02-30" }, RC_DATE_OF_BIRTH, 0,
	  "'2023-02-30' is not a real date" },
	{ { [RC_DATE_OF_BIRTH] = "2024-13-01" }, RC_DATE_OF_BIRTH, 0,
	  "'2024-13-01' is not a real date" },
	{ { [RC_DATE_OF_BIRTH] = "2023-04-31" }, RC_DATE_OF_BIRTH, 0,
	  "is not a real date" },
	{ { [RC_DATE_OF_BIRTH] = "1900-02-29" }, RC_DATE_OF_BIRTH, 0,
	  "is not a real date" },
	{ { [RC_DATE_OF_BIRTH] = "2000-02-29" }, OK, RC_DATE_OF_BIRTH,
	  "2000-02-29" },
	{ { [RC_DATE_OF_BIRTH] = "1900-01-01" }, OK, RC_DATE_OF_BIRTH,
	  "1900-01-01" },
	{ { [RC_DATE_OF_BIRTH] = "1899-12-31" }, RC_DATE_OF_BIRTH, 0,
	  "'1899-12-31' is before 1900" },
	{ { [RC_DATE_OF_BIRTH] = "2999-01-01" }, RC_DATE_OF_BIRTH, 0,
	  "'2999-01-01' is in the future" },
	{ { [RC_DATE_OF_BIRTH] = "21/07/1984" }, RC_DATE_OF_BIRTH, 0,
	  "'21/07/1984' is not a date (YYYY-MM-DD" },
	{ { [RC_DATE_OF_BIRTH] = "1984-7-21" }, RC_DATE_OF_BIRTH, 0,
	  "is not a date" },
	{ { [RC_DATE_OF_BIRTH] = "1984-07-21T00:00" }, RC_DATE_OF_BIRTH, 0,
	  "is not a date" },
	{ { [RC_ARRIVAL] = "1850-01-01" }, RC_ARRIVAL, 0,
	  "'1850-01-01' is before 1900" },
	{ { [RC_DEPARTURE] = "2201-01-01" }, RC_DEPARTURE, 0,
	  "'2201-01-01' is after 2200" },
	{ { [RC_DEPARTURE] = "2023-08-31" }, RC_DEPARTURE, 0,
	  "'2023-08-31' is before the arrival date 2023-09-01" },
	{ { [RC_DEPARTURE] = "2023-09-01" }, OK, RC_DEPARTURE, "2023-09-01" },
	{ { [RC_ARRIVAL] = "", [RC_DEPARTURE] = "2023-08-31" }, OK,
	  RC_DEPARTURE, "2023-08-31" },

	/* Country codes. */
	{ { [RC_NATIONALITY] = "ZZ" }, RC_NATIONALITY, 0,
	  "'ZZ' is not an ISO 3166-1 alpha-2 country code" },
	{ { [RC_NATIONALITY] = "France" }, RC_NATIONALITY, 0,
	  "'France' is not an ISO 3166-1 alpha-2 country code" },
	{ { [RC_NATIONALITY] = "fr" }, OK, RC_NATIONALITY, "FR" },
	{ { [RC_COUNTRY] = "d1" }, RC_COUNTRY, 0, "is not an ISO 3166-1" },
	{ { [RC_COUNTRY] = "de" }, OK, RC_COUNTRY, "DE" },

	/* Passport numbers. */
	{ { [RC_PASSPORT_NO] = "12ab 34567" }, OK, RC_PASSPORT_NO, "12AB34567" },
	{ { [RC_PASSPORT_NO] = "AB12" }, RC_PASSPORT_NO, 0,
	  "'AB12' is not a passport number (5 to 20" },
	{ { [RC_PASSPORT_NO] = "AB-12345" }, RC_PASSPORT_NO, 0,
	  "is not a passport number" },
	{ { [RC_PASSPORT_NO] = "123456789012345678901" }, RC_PASSPORT_NO, 0,
	  "is not a passport number" },

	/* Phones. */
	{ { [RC_PHONE] = "+33 6 12" }, RC_PHONE, 0, "'+33 6 12' " E164 },
	{ { [RC_PHONE] = "06 12 34 56 78" }, RC_PHONE, 0, E164 },
	{ { [RC_PHONE] = "+1234567890123456" }, RC_PHONE, 0, E164 },
	{ { [RC_PHONE] = "+33 6 12 34 56 78 ext 5" }, RC_PHONE, 0, E164 },
	{ { [RC_PHONE] = "++33612345678" }, RC_PHONE, 0, E164 },
	{ { [RC_PHONE] = "+0 1234 5678 9" }, RC_PHONE, 0,
	  "does not start with a known country calling code" },
	{ { [RC_PHONE] = "+44 (0)20 7946 0000" }, RC_PHONE, 0,
	  "trunk prefix '(0)'" },
	{ { [RC_PHONE] = "+1 (555) 010-9999" }, OK, RC_PHONE, "+15550109999" },
	{ { [RC_PHONE] = "+33.6.12.34.56.78" }, OK, RC_PHONE, "+33612345678" },
	{ { [RC_PHONE] = "+123456789012345" }, OK, RC_PHONE,
	  "+123456789012345" },

	/* Email. */
	{ { [RC_EMAIL] = "Claire.Martin@Example.FR" }, OK, RC_EMAIL,
	  "Claire.Martin@example.fr" },
	{ { [RC_EMAIL] = "claire@localhost" }, RC_EMAIL, 0,
	  "'claire@localhost' is not an email address" },
	{ { [RC_EMAIL] = "claire martin@example.fr" }, RC_EMAIL, 0,
	  "is not an email address" },
	{ { [RC_EMAIL] = "a@@example.fr" }, RC_EMAIL, 0, "is not an email" },
	{ { [RC_EMAIL] = "@example.fr" }, RC_EMAIL, 0, "is not an email" },
	{ { [RC_EMAIL] = "a@example..fr" }, RC_EMAIL, 0, "is not an email" },
	{ { [RC_EMAIL] = "a@-example.fr" }, RC_EMAIL, 0, "is not an email" },
	{ { [RC_EMAIL] = "a@example.fr." }, RC_EMAIL, 0, "is not an email" },
	{ { [RC_EMAIL] = "a@b.fr;c@d.fr" }, RC_EMAIL, 0, "is not an email" },
	{ { [RC_EMAIL] = "a+tag@xn--bcher-kva.example" }, OK, RC_EMAIL,
	  "a+tag@xn--bcher-kva.example" },

	/* Languages. */
	{ { [RC_LANGUAGE] = "FR" }, OK, RC_LANGUAGE, "fr" },
	{ { [RC_LANGUAGE] = "zh_cn" }, OK, RC_LANGUAGE, "zh-CN" },
	{ { [RC_LANGUAGE] = "es-419" }, OK, RC_LANGUAGE, "es-419" },
	{ { [RC_LANGUAGE] = "xx" }, RC_LANGUAGE, 0,
	  "'xx' is not an ISO 639-1 language code" },
	{ { [RC_LANGUAGE] = "french" }, RC_LANGUAGE, 0,
	  "is not a language code" },
	{ { [RC_LANGUAGE] = "zh-QQ" }, RC_LANGUAGE, 0,
	  "has a region that is not a country code" },

	/* Coordinates. */
	{ { [RC_LAT] = "NaN" }, RC_LAT, 0, "'NaN' is not a decimal number" },
	{ { [RC_LAT] = "nan" }, RC_LAT, 0, "is not a decimal number" },
	{ { [RC_LON] = "inf" }, RC_LON, 0, "is not a decimal number" },
	{ { [RC_LON] = "-Infinity" }, RC_LON, 0, "is not a decimal number" },
	{ { [RC_LAT] = "0x1p5" }, RC_LAT, 0, "is not a decimal number" },
	{ { [RC_LAT] = "5.252e1" }, RC_LAT, 0, "is not a decimal number" },
	{ { [RC_LAT] = "52,52" }, RC_LAT, 0, "use a point as decimal separator" },
	{ { [RC_LAT] = "." }, RC_LAT, 0, "is not a decimal number" },
	{ { [RC_LAT] = "-" }, RC_LAT, 0, "is not a decimal number" },
	{ { [RC_LAT] = "52.5.2" }, RC_LAT, 0, "is not a decimal number" },
	{ { [RC_LAT] = "91.5" }, RC_LAT, 0, "'91.5' is out of range (-90 to 90)" },
	{ { [RC_LAT] = "-90.000001" }, RC_LAT, 0, "is out of range (-90 to 90)" },
	{ { [RC_LAT] = "123456789012345678901234567890" }, RC_LAT, 0,
	  "is out of range (-90 to 90)" },
	{ { [RC_LON] = "180.5" }, RC_LON, 0, "'180.5' is out of range (-180 to 180)" },
	{ { [RC_LAT] = "" }, RC_LAT, 0, "lat is missing (lat and lon go together)" },
	{ { [RC_LON] = "" }, RC_LON, 0, "lon is missing" },
	{ { [RC_LAT] = "", [RC_LON] = "" }, OK, RC_LAT, "" },
	{ { [RC_LAT] = "52.5200004" }, OK, RC_LAT, "52.52" },
	{ { [RC_LAT] = "52.5200005" }, OK, RC_LAT, "52.520001" },
	{ { [RC_LAT] = "+52.520000" }, OK, RC_LAT, "52.52" },
	{ { [RC_LAT] = "052.52" }, OK, RC_LAT, "52.52" },
	{ { [RC_LON] = "13." }, OK, RC_LON, "13" },
	{ { [RC_LAT] = "-33.8688", [RC_LON] = "151.2093", [RC_COUNTRY] = "AU" },
	  OK, RC_LAT, "-33.8688" },
	{ { [RC_LAT] = "-0.1807", [RC_LON] = "-78.4678", [RC_COUNTRY] = "EC" },
	  OK, RC_LON, "-78.4678" },
	{ { [RC_LAT] = "48.85", [RC_LON] = "2.35" }, RC_LAT, 0,
	  "point (48.85, 2.35) is not in 'DE' (nearest border more than 30 km "
	  "away; the point is in 'FR')" },
	{ { [RC_LAT] = "0", [RC_LON] = "-30" }, RC_LAT, 0,
	  "point (0, -30) is not in 'DE'" },

	/* Purpose. */
	{ { [RC_PURPOSE] = "Work" }, OK, RC_PURPOSE, "work" },
	{ { [RC_PURPOSE] = "TOURISM" }, OK, RC_PURPOSE, "tourism" },
	{ { [RC_PURPOSE] = "holiday" }, RC_PURPOSE, 0,
	  "'holiday' is not a purpose (one of resident, work, study" },

	/* Party. */
	{ { [RC_PARTY_ID] = "H 17" }, RC_PARTY_ID, 0, "is not an identifier" },
	{ { [RC_PARTY_ID] = "" }, OK, RC_PARTY_ID, "" },

	/* Needs. */
	{ { [RC_NEEDS] = "Wheelchair; medical ;wheelchair;oxygen" }, OK,
	  RC_NEEDS, "wheelchair;medical;oxygen" },
	{ { [RC_NEEDS] = "unaccompanied-minor;infant;pregnant;reduced-mobility" },
	  OK, RC_NEEDS, "reduced-mobility;pregnant;infant;unaccompanied-minor" },
	{ { [RC_NEEDS] = " ; ;" }, OK, RC_NEEDS, "" },
	{ { [RC_NEEDS] = "medical;wheelchairs" }, RC_NEEDS, 0,
	  "'wheelchairs' is not a known need (known: wheelchair, " },
	{ { [RC_NEEDS] = "medical, oxygen" }, RC_NEEDS, 0,
	  "'medical, oxygen' is not a known need" },
};

/* The row `set` over base_row as a record whose header is `perm` order. */
struct row {
	struct csv_field f[RC_COUNT];
	struct csv_record rec;
};

static void make_row(struct row *row, const char *const set[RC_COUNT],
		     const struct reg_header *h)
{
	size_t c;

	memset(row, 0, sizeof(*row));
	for (c = 0; c < RC_COUNT; c++) {
		const char *v = set && set[c] ? set[c] : base_row[c];
		row->f[h->map[c]].s = v;
		row->f[h->map[c]].len = strlen(v);
		row->rec.rawlen += strlen(v) + 1;
	}
	row->rec.fields = row->f;
	row->rec.nfields = RC_COUNT;
	row->rec.line = 2;
}

static void identity_header(struct reg_header *h)
{
	size_t c;

	for (c = 0; c < RC_COUNT; c++)
		h->map[c] = (int)c;
	h->nfields = RC_COUNT;
}

/* A header in reverse order, to show rows follow the header's map. */
static void reverse_header(struct reg_header *h)
{
	size_t c;

	for (c = 0; c < RC_COUNT; c++)
		h->map[c] = (int)(RC_COUNT - 1 - c);
	h->nfields = RC_COUNT;
}

static void check_case(size_t i, const struct reg_case *tc,
		       const struct reg_header *h, struct registrant *r)
{
	struct strbuf err = STRBUF_INIT;
	struct row row;
	int bad = 99, rc;

	make_row(&row, tc->set, h);
	rc = registrant_parse(r, h, &row.rec, &bad, &err);
	if (tc->bad == OK) {
		if (rc != HW_OK) {
			print_error("case %zu: rejected on %s: %s\n", i,
				    bad >= 0 ? reg_columns[bad] : "row", err.buf);
			fail();
		}
		if (strcmp(r->v[tc->col], tc->want) ||
		    r->len[tc->col] != strlen(tc->want)) {
			print_error("case %zu: %s is '%s', want '%s'\n", i,
				    reg_columns[tc->col], r->v[tc->col],
				    tc->want);
			fail();
		}
	} else {
		if (rc != HW_EINPUT || bad != tc->bad ||
		    !strstr(err.buf, tc->want)) {
			print_error("case %zu: rc %d on %s: '%s'; want %s: '%s'\n",
				    i, rc, bad >= 0 && bad < RC_COUNT ?
				    reg_columns[bad] : "row", err.buf,
				    tc->bad >= 0 ? reg_columns[tc->bad] : "row",
				    tc->want);
			fail();
		}
		/* A rejected row leaves nothing half-filled behind. */
		assert_string_equal(r->v[RC_EXTERNAL_ID], "");
		assert_false(r->has_point);
	}
	strbuf_release(&err);
}

static void test_table(void **state)
{
	struct registrant r;
	struct reg_header h;
	size_t i;

	(void)state;
	registrant_init(&r);
	for (i = 0; i < ARRAY_SIZE(row_cases); i++) {
		identity_header(&h);
		check_case(i, &row_cases[i], &h, &r);
		reverse_header(&h);
		check_case(i, &row_cases[i], &h, &r);
	}
	registrant_release(&r);
}

/* Parsed forms agree with the text. */
static void test_parsed_values(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct registrant r;
	struct reg_header h;
	struct row row;
	int bad, rc;
	int32_t days;

	(void)state;
	registrant_init(&r);
	identity_header(&h);
	make_row(&row, NULL, &h);
	rc = registrant_parse(&r, &h, &row.rec, &bad, &err);
	assert_int_equal(rc, HW_OK);
	assert_true(r.has_point);
	assert_true(r.lat == 52.52 && r.lon == 13.405);
	assert_int_equal(date_parse("1984-07-21", 10, &days), HW_OK);
	assert_int_equal(r.date_of_birth, days);
	assert_int_equal(date_parse("2023-09-01", 10, &days), HW_OK);
	assert_int_equal(r.arrival, days);
	assert_int_equal(r.departure, DATE_NONE);
	assert_string_equal(r.v[RC_PHONE], "+33612345678");
	registrant_release(&r);
	registrant_release(NULL);
	strbuf_release(&err);
}

/* A row with the wrong number of fields is blamed on the row as a whole. */
static void test_field_count(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct registrant r;
	struct reg_header h;
	struct row row;
	int bad = 0;

	(void)state;
	registrant_init(&r);
	identity_header(&h);
	make_row(&row, NULL, &h);
	row.rec.nfields = 20;
	assert_int_equal(registrant_parse(&r, &h, &row.rec, &bad, &err),
			 HW_EINPUT);
	assert_int_equal(bad, -1);
	assert_string_equal(err.buf, "the row has 20 fields but the header has 21");
	strbuf_reset(&err);
	row.rec.nfields = 1;
	assert_int_equal(registrant_parse(&r, &h, &row.rec, &bad, &err),
			 HW_EINPUT);
	assert_string_equal(err.buf, "the row has 1 field but the header has 21");
	registrant_release(&r);
	strbuf_release(&err);
}

/* Read a header from text through the CSV reader. */
static int parse_header_text(const char *text, struct reg_header *h,
			     struct strbuf *err)
{
	struct csv_record rec;
	struct csv_reader *rd;
	int fd = fd_with(text, strlen(text)), rc;

	rd = csv_reader_new(fd, "h.csv");
	assert_int_equal(csv_read(rd, &rec, err), HW_OK);
	rc = reg_header_parse(h, &rec, err);
	csv_reader_free(rd);
	close(fd);
	return rc;
}

static void test_header(void **state)
{
	static const struct {
		const char *text;
		const char *want; /* NULL: accepted */
	} cases[] = {
		{ "external_id,family_name,given_name,native_name,sex,"
		  "date_of_birth,nationality,passport_no,phone,email,language,"
		  "country,city,lat,lon,arrival,departure,purpose,organisation,"
		  "party_id,needs\n", NULL },
		{ "\xEF\xBB\xBF" "needs,party_id,organisation,purpose,departure,"
		  "arrival,lon,lat,city,country,language,email,phone,"
		  "passport_no,nationality,date_of_birth,sex,native_name,"
		  "given_name, family_name ,external_id\r\n", NULL },
		{ "external_id,family_name,external_id\n",
		  "column 3: 'external_id' appears twice (also column 1)" },
		{ "external_id,gven_name\n",
		  "column 2: 'gven_name' is not a registrant column" },
		{ "external_id,Given_Name\n",
		  "column 2: 'Given_Name' is not a registrant column (names are "
		  "lower case: 'given_name')" },
		{ "external_id,,needs\n", "column 2: a column has no name" },
		{ "external_id,\"a\tb\"\n",
		  "column 2: 'a b' is not a registrant column" },
		{ "external_id,family_name\n", "column 'given_name' is missing" },
		{ "external_id,family_name,given_name,native_name,sex,"
		  "date_of_birth,nationality,passport_no,phone,email,language,"
		  "country,city,lat,lon,arrival,departure,purpose,organisation,"
		  "party_id\n", "column 'needs' is missing" },
	};
	struct strbuf err = STRBUF_INIT;
	struct reg_header h;
	size_t i, c;
	int rc;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_reset(&err);
		rc = parse_header_text(cases[i].text, &h, &err);
		if (!cases[i].want) {
			assert_int_equal(rc, HW_OK);
			assert_int_equal(h.nfields, RC_COUNT);
			for (c = 0; c < RC_COUNT; c++)
				assert_true(h.map[c] >= 0);
			continue;
		}
		assert_int_equal(rc, HW_EINPUT);
		assert_string_equal(err.buf, cases[i].want);
	}
	/* Reversed: needs is field 0, external_id field 20. */
	assert_int_equal(parse_header_text(cases[1].text, &h, &err), HW_OK);
	assert_int_equal(h.map[RC_NEEDS], 0);
	assert_int_equal(h.map[RC_EXTERNAL_ID], 20);
	assert_int_equal(h.map[RC_FAMILY_NAME], 19);
	strbuf_release(&err);
}

/* Whole files through the reader: good rows in any column order. */
static void test_file(void **state)
{
	static const char text[] =
		"\xEF\xBB\xBF" "given_name,family_name,external_id,native_name,"
		"sex,date_of_birth,nationality,passport_no,phone,email,language,"
		"country,city,lat,lon,arrival,departure,purpose,organisation,"
		"party_id,needs\r\n"
		"Claire,Martin,P-1,,f,1984-07-21,fr,,+33612345678,,fr,DE,Berlin,"
		"52.52,13.405,2023-09-01,,Work,\"Acme, GmbH\",H-1,oxygen;medical\r\n"
		"\"Ahmed\",\"Al-Sayed\",P-2,\"\xD8\xA3\xD8\xAD\xD9\x85\xD8\xAF\","
		"M,,EG,,,,ar,AE,Dubai,25.2048,55.2708,,,,,,\r\n"
		"X,Y,P-3,,,,FR,,,,,DE,,52.52,,,,,,,\n";
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct csv_record rec;
	struct csv_reader *rd;
	struct reg_header h;
	struct registrant r;
	int fd = fd_with(text, strlen(text)), bad;

	(void)state;
	rd = csv_reader_new(fd, "people.csv");
	registrant_init(&r);
	assert_int_equal(csv_read(rd, &rec, &err), HW_OK);
	assert_int_equal(reg_header_parse(&h, &rec, &err), HW_OK);

	assert_int_equal(csv_read(rd, &rec, &err), HW_OK);
	assert_int_equal(registrant_parse(&r, &h, &rec, &bad, &err), HW_OK);
	registrant_write_csv(&out, &r);
	assert_string_equal(out.buf, "P-1,Martin,Claire,,F,1984-07-21,FR,,"
			    "+33612345678,,fr,DE,Berlin,52.52,13.405,2023-09-01,"
			    ",work,\"Acme, GmbH\",H-1,medical;oxygen\n");

	assert_int_equal(csv_read(rd, &rec, &err), HW_OK);
	assert_int_equal(registrant_parse(&r, &h, &rec, &bad, &err), HW_OK);
	assert_string_equal(r.v[RC_NATIVE_NAME],
			    "\xD8\xA3\xD8\xAD\xD9\x85\xD8\xAF");
	assert_int_equal(r.date_of_birth, DATE_NONE);

	assert_int_equal(csv_read(rd, &rec, &err), HW_OK);
	assert_int_equal(rec.line, 4);
	assert_int_equal(registrant_parse(&r, &h, &rec, &bad, &err), HW_EINPUT);
	assert_int_equal(bad, RC_LON);
	assert_string_equal(err.buf, "lon is missing (lat and lon go together)");
	assert_int_equal(csv_read(rd, &rec, &err), HW_ENOTFOUND);

	strbuf_reset(&out);
	registrant_write_header(&out);
	assert_string_equal(out.buf, "external_id,family_name,given_name,"
			    "native_name,sex,date_of_birth,nationality,"
			    "passport_no,phone,email,language,country,city,lat,"
			    "lon,arrival,departure,purpose,organisation,party_id,"
			    "needs\n");
	registrant_release(&r);
	csv_reader_free(rd);
	close(fd);
	strbuf_release(&err);
	strbuf_release(&out);
}

/* Writing a parsed row and parsing it again changes nothing. */
static void test_write_round_trip(void **state)
{
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct registrant a, b;
	struct reg_header h;
	struct row row;
	size_t i, c;
	int bad;

	(void)state;
	registrant_init(&a);
	registrant_init(&b);
	identity_header(&h);
	for (i = 0; i < ARRAY_SIZE(row_cases); i++) {
		struct csv_record rec;
		struct csv_reader *rd;
		int fd;

		if (row_cases[i].bad != OK)
			continue;
		make_row(&row, row_cases[i].set, &h);
		assert_int_equal(registrant_parse(&a, &h, &row.rec, &bad, &err),
				 HW_OK);
		strbuf_reset(&out);
		registrant_write_csv(&out, &a);
		fd = fd_with(out.buf, out.len);
		rd = csv_reader_new(fd, "rt.csv");
		assert_int_equal(csv_read(rd, &rec, &err), HW_OK);
		assert_int_equal(registrant_parse(&b, &h, &rec, &bad, &err),
				 HW_OK);
		for (c = 0; c < RC_COUNT; c++)
			assert_string_equal(a.v[c], b.v[c]);
		assert_true(a.lat == b.lat && a.lon == b.lon);
		csv_reader_free(rd);
		close(fd);
	}
	registrant_release(&a);
	registrant_release(&b);
	strbuf_release(&err);
	strbuf_release(&out);
}

static void test_format_coord(void **state)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 48.8566, "48.8566" }, { -0.5, "-0.5" }, { 2, "2" }, { 0, "0" },
		{ -0.0, "0" }, { -0.0000001, "0" }, { 0.0000005, "0.000001" },
		{ -0.0000005, "-0.000001" }, { 1.23456749, "1.234567" },
		{ 179.9999996, "180" }, { -180, "-180" }, { 90, "90" },
		{ 12.3400001, "12.34" }, { -33.8688, "-33.8688" },
		{ 0.000001, "0.000001" }, { 100.1, "100.1" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf out = STRBUF_INIT;
		reg_format_coord(&out, cases[i].v);
		if (strcmp(out.buf, cases[i].want)) {
			print_error("%.10f gives '%s', want '%s'\n", cases[i].v,
				    out.buf, cases[i].want);
			fail();
		}
		strbuf_release(&out);
	}
}

static void test_dates(void **state)
{
	struct strbuf out = STRBUF_INIT;
	int32_t days, d, first, last;

	(void)state;
	assert_int_equal(date_parse("1970-01-01", 10, &days), HW_OK);
	assert_int_equal(days, 0);
	assert_int_equal(date_parse("2000-03-01", 10, &days), HW_OK);
	assert_int_equal(days, 11017);
	assert_int_equal(date_parse("1969-12-31", 10, &days), HW_OK);
	assert_int_equal(days, -1);
	assert_int_equal(date_parse("1850-01-01", 10, &first), HW_OK);
	assert_int_equal(date_parse("2200-12-31", 10, &last), HW_OK);
	assert_int_equal(date_parse("1849-12-31", 10, &days), HW_EINPUT);
	assert_int_equal(date_parse("2201-01-01", 10, &days), HW_EINPUT);
	assert_int_equal(date_parse("2023-02-29", 10, &days), HW_EINPUT);
	assert_int_equal(date_parse("2024-02-29", 10, &days), HW_OK);
	assert_int_equal(date_parse("2024-02-2", 9, &days), HW_EINPUT);
	assert_int_equal(date_parse("2024-02-29x", 11, &days), HW_EINPUT);
	assert_int_equal(date_parse("2024-00-10", 10, &days), HW_EINPUT);
	assert_int_equal(date_parse("2024-01-00", 10, &days), HW_EINPUT);
	/* Every day of the range formats and parses back to itself. */
	for (d = first; d <= last; d++) {
		strbuf_reset(&out);
		date_format(&out, d);
		assert_int_equal(out.len, 10);
		assert_int_equal(date_parse(out.buf, out.len, &days), HW_OK);
		assert_int_equal(days, d);
	}
	strbuf_reset(&out);
	date_format(&out, DATE_NONE);
	assert_string_equal(out.buf, "");
	strbuf_release(&out);
}

/* Every language the reference countries speak is a known ISO 639-1 code. */
static void test_languages_known(void **state)
{
	struct strbuf err = STRBUF_INIT;
	const char *set[RC_COUNT] = { 0 };
	struct registrant r;
	struct reg_header h;
	struct row row;
	size_t i;
	int bad;

	(void)state;
	registrant_init(&r);
	identity_header(&h);
	assert_int_equal(refgeo_load(&err), HW_OK);
	for (i = 0; i < refgeo_country_count(); i++) {
		const char *p = refgeo_country_at(i)->languages;
		while (p && *p) {
			char code[3] = { p[0], p[1], 0 };
			set[RC_LANGUAGE] = code;
			make_row(&row, set, &h);
			if (registrant_parse(&r, &h, &row.rec, &bad, &err)) {
				print_error("%s: '%s': %s\n",
					    refgeo_country_at(i)->code, code,
					    err.buf);
				fail();
			}
			p = strchr(p, ',');
			p = p ? p + 1 : NULL;
		}
	}
	registrant_release(&r);
	strbuf_release(&err);
}

static void test_tables(void **state)
{
	size_t c;

	(void)state;
	assert_int_equal(needs_count, 14);
	assert_string_equal(needs_names[0], "wheelchair");
	assert_string_equal(needs_names[13], "unaccompanied-minor");
	assert_int_equal(reg_purposes_count, 8);
	assert_string_equal(reg_columns[RC_NEEDS], "needs");
	assert_true(reg_col_is_person(RC_FAMILY_NAME));
	assert_true(reg_col_is_person(RC_NEEDS));
	assert_true(reg_col_is_person(RC_PARTY_ID));
	assert_false(reg_col_is_person(RC_COUNTRY));
	assert_false(reg_col_is_person(RC_DEPARTURE));
	for (c = 0; c < RC_COUNT; c++)
		assert_non_null(reg_columns[c]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_parsed_values),
		cmocka_unit_test(test_field_count),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_write_round_trip),
		cmocka_unit_test(test_format_coord),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_languages_known),
		cmocka_unit_test(test_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
