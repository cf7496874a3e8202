/*
 * test_api_registry.c: the registry API checks a single value by the very
 * rule the CSV importer applies to that column (reg_check_value), so that
 * a value means the same whichever way it came in. Each case here is run
 * both ways, as one field of an otherwise good registrant row through
 * registrant_parse() and on its own through reg_check_value(), and the two
 * must agree: both accept with the same normalised value, or both refuse
 * with the same reason.
 */
#include "core/homeward.h"
#include "registry/registrant.h"
#include "core/csv.h"

#include <setjmp.h>
#include <cmocka.h>

/* A row every check passes; a case changes one of its person columns. */
static const char *const base_row[RC_COUNT] = {
	[RC_EXTERNAL_ID] = "P-0001", [RC_FAMILY_NAME] = "Martin",
	[RC_GIVEN_NAME] = "Claire", [RC_NATIVE_NAME] = "", [RC_SEX] = "F",
	[RC_DATE_OF_BIRTH] = "1984-07-21", [RC_NATIONALITY] = "FR",
	[RC_PASSPORT_NO] = "12AB34567", [RC_PHONE] = "+33612345678",
	[RC_EMAIL] = "claire@example.fr", [RC_LANGUAGE] = "fr",
	[RC_COUNTRY] = "DE", [RC_CITY] = "Berlin", [RC_LAT] = "52.52",
	[RC_LON] = "13.405", [RC_ARRIVAL] = "2023-09-01", [RC_DEPARTURE] = "",
	[RC_PURPOSE] = "work", [RC_ORGANISATION] = "Acme GmbH",
	[RC_PARTY_ID] = "H-17", [RC_NEEDS] = "",
};

static const struct {
	enum reg_col col;
	const char *value;
} cases[] = {
	{ RC_EXTERNAL_ID, "a.b_c:d-9" }, { RC_EXTERNAL_ID, "has space" },
	{ RC_FAMILY_NAME, "  O'Brien \"the\" <b>  " },
	{ RC_FAMILY_NAME, "a\tb" }, { RC_FAMILY_NAME, "Mart\xC3\x28n" },
	{ RC_NATIVE_NAME, "\xE7\x8E\x8B\xE5\xB0\x8F\xE6\x98\x8E" },
	{ RC_NATIVE_NAME, "\xD0\x9A\xD1\x83\xD0\xB7\xD0\xBD\xD0\xB5\xD1\x86" },
	{ RC_SEX, "female" }, { RC_SEX, "x" }, { RC_SEX, "Q" },
	{ RC_DATE_OF_BIRTH, "2000-02-29" }, { RC_DATE_OF_BIRTH, "2023-02-29" },
	{ RC_DATE_OF_BIRTH, "1899-12-31" }, { RC_DATE_OF_BIRTH, "2999-01-01" },
	{ RC_DATE_OF_BIRTH, "21/07/1984" },
	{ RC_NATIONALITY, "fr" }, { RC_NATIONALITY, "ZZ" },
	{ RC_NATIONALITY, "France" },
	{ RC_PASSPORT_NO, "12ab 34567" }, { RC_PASSPORT_NO, "AB12" },
	{ RC_PHONE, "+33 6 12 34 56 78" }, { RC_PHONE, "+44 (0)20 7946 0000" },
	{ RC_PHONE, "0612345678" }, { RC_PHONE, "+999 1234 5678" },
	{ RC_EMAIL, "Claire.Martin@Example.FR" }, { RC_EMAIL, "claire@localhost" },
	{ RC_LANGUAGE, "zh_cn" }, { RC_LANGUAGE, "es-419" }, { RC_LANGUAGE, "xx" },
	{ RC_PARTY_ID, "H 17" },
	{ RC_NEEDS, "Medical; wheelchair;medical" }, { RC_NEEDS, "jetpack" },
};

/* The case's value through registrant_parse(): 0 and the normalised
 * value, or the error and its reason. */
static int by_row(enum reg_col col, const char *value, struct strbuf *out)
{
	struct csv_field f[RC_COUNT];
	struct csv_record rec = { 0 };
	struct reg_header h;
	struct registrant r;
	int bad_col, rc;

	for (size_t c = 0; c < RC_COUNT; c++) {
		h.map[c] = (int)c;
		f[c].s = c == col ? value : base_row[c];
		f[c].len = strlen(f[c].s);
		rec.rawlen += f[c].len + 1;
	}
	h.nfields = RC_COUNT;
	rec.fields = f;
	rec.nfields = RC_COUNT;
	rec.line = 2;
	registrant_init(&r);
	rc = registrant_parse(&r, &h, &rec, &bad_col, out);
	if (rc == HW_OK)
		strbuf_addstr(out, r.v[col]);
	else
		assert_int_equal(bad_col, col);
	registrant_release(&r);
	return rc;
}

static void test_same_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf row = STRBUF_INIT, one = STRBUF_INIT;
		int rc_row = by_row(cases[i].col, cases[i].value, &row);
		/* Either way, the normalised value or the reason lands in one buffer. */
		int rc_one = reg_check_value(cases[i].col, cases[i].value,
					     strlen(cases[i].value), &one, &one);

		if (rc_row != rc_one || strcmp(row.buf, one.buf) != 0)
			fail_msg("case %zu (%s '%s'): the row gives %d '%s', the "
				 "value alone %d '%s'", i, reg_columns[cases[i].col],
				 cases[i].value, rc_row, row.buf, rc_one, one.buf);
		strbuf_release(&row);
		strbuf_release(&one);
	}
}

static void test_empty_and_text(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	(void)state;
	/* An empty value is no value: whether one is needed is the caller's. */
	assert_int_equal(reg_check_value(RC_NATIONALITY, "  ", 2, &out, &err), HW_OK);
	assert_int_equal(out.len, 0);
	assert_int_equal(reg_check_text("  <script>'; --  ", 17, 20, &out, &err), HW_OK);
	assert_string_equal(out.buf, "<script>'; --");
	strbuf_reset(&out);
	assert_int_equal(reg_check_text("abcdef", 6, 5, &out, &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "is too long (6 bytes; at most 5)"));
	strbuf_reset(&err);
	assert_int_equal(reg_check_text("a\nb", 3, 5, &out, &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "control character"));
	strbuf_release(&out);
	strbuf_release(&err);
}

static void test_needs_bits(void **state)
{
	(void)state;
	assert_int_equal(needs_bits(NULL), 0);
	assert_int_equal(needs_bits(""), 0);
	assert_int_equal(needs_bits("wheelchair"), 1);
	assert_int_equal(needs_bits("wheelchair;medical"), 1 | 4);
	assert_int_equal(needs_bits("unaccompanied-minor"),
			 1u << (needs_count - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_rules),
		cmocka_unit_test(test_empty_and_text),
		cmocka_unit_test(test_needs_bits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
