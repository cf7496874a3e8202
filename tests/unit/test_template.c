/* Unit tests for template.c: every embedded template loads and renders in
 * every language, the language fallback, and SMS segment arithmetic and
 * fitting (cut the instructions first, never the link). */
#include "core/homeward.h"
#include "crisis/template.h"

#include <setjmp.h>
#include <cmocka.h>

static const char *const names[] = { "alert", "kin" };
static const char *const langs[] = { "en", "zh", "fr", "es", "ar" };
#define LINK "https://homeward.example/c/AbCdEfGhIjKlMnOpQrStUv"

static void test_all_load_and_render(void **state)
{
	struct template_vars v = { "Anna Smith", "Earthquake in Nepal", LINK, NULL };
	struct strbuf out = STRBUF_INIT;
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		assert_true(template_exists(names[i]));
		for (size_t k = 0; k < ARRAY_SIZE(langs); k++) {
			const struct template *t = template_find(names[i], langs[k]);
			assert_non_null(t);
			assert_string_equal(template_language(t), langs[k]);
			strbuf_reset(&out);
			template_subject(t, &v, &out);
			assert_non_null(strstr(out.buf, "Earthquake in Nepal"));
			assert_null(strchr(out.buf, '\n'));
			assert_null(strchr(out.buf, '{'));
			strbuf_reset(&out);
			template_email(t, &v, &out);
			assert_non_null(strstr(out.buf, LINK));
			assert_non_null(strstr(out.buf, "Anna Smith"));
			assert_null(strstr(out.buf, "{link}"));
			assert_null(strstr(out.buf, "{instructions}"));
			/* One newline at the end, not a blank line. */
			assert_true(out.len > 2 && out.buf[out.len - 1] == '\n' &&
				    out.buf[out.len - 2] != '\n');
			strbuf_reset(&out);
			assert_true(template_sms(t, &v, 3, &out));
			assert_non_null(strstr(out.buf, LINK));
			assert_null(strchr(out.buf, '\n'));
		}
	}
	assert_false(template_exists("nosuch"));
	assert_null(template_find("nosuch", "en"));
	strbuf_release(&out);
}

static void test_fallback(void **state)
{
	static const struct { const char *asked, *got; } cases[] = {
		{ NULL, "en" }, { "", "en" }, { "d", "en" }, { "de", "en" },
		{ "zh-CN", "zh" }, { "zh-TW", "zh" }, { "FR", "fr" }, { "es-419", "es" },
		{ "ar-EG", "ar" }, { "pt", "en" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_string_equal(template_language(template_find("alert", cases[i].asked)),
				    cases[i].got);
}

static void test_variables(void **state)
{
	const struct template *t = template_find("alert", "en");
	struct template_vars v = { NULL, "Floods", LINK, NULL };
	struct strbuf out = STRBUF_INIT;
	(void)state;
	/* No name: the template's word; no instructions: the template's. */
	template_email(t, &v, &out);
	assert_non_null(strstr(out.buf, "Dear traveller,"));
	assert_non_null(strstr(out.buf, "local authorities"));
	strbuf_reset(&out);
	v.instructions = "Go to the embassy.";
	template_email(t, &v, &out);
	assert_non_null(strstr(out.buf, "Go to the embassy."));
	assert_null(strstr(out.buf, "local authorities"));
	/* The SMS has shorter default instructions of its own. */
	strbuf_reset(&out);
	v.instructions = NULL;
	template_sms(t, &v, 3, &out);
	assert_non_null(strstr(out.buf, "Stay somewhere safe"));
	strbuf_release(&out);
}

static void test_measure(void **state)
{
	static const struct {
		const char *text;
		bool gsm7;
		size_t units;
		unsigned segments;
	} cases[] = {
		{ "", true, 0, 0 },
		{ "Hello", true, 5, 1 },
		{ "caf\xc3\xa9 \xc3\xa0 10\xe2\x82\xac {x}", true, 17, 1 },  /* é à basic; € { } two each */
		{ "`", false, 1, 1 },                                      /* no backtick in GSM */
		{ "\xc3\xaa", false, 1, 1 },                               /* ê is not GSM */
		{ "\xe5\xae\x89\xe5\x85\xa8", false, 2, 1 },               /* 安全 */
		{ "\xf0\x9f\x98\x80", false, 2, 1 },                       /* an emoji: a surrogate pair */
	};
	struct sms_size sz;
	char buf[1024];
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		sms_measure(cases[i].text, strlen(cases[i].text), &sz);
		assert_int_equal(sz.gsm7, cases[i].gsm7);
		assert_int_equal(sz.units, cases[i].units);
		assert_int_equal(sz.segments, cases[i].segments);
	}
	/* The segment boundaries: 160 / 153 for GSM-7, 70 / 67 for UCS-2. */
	static const struct { size_t n; unsigned segs; } gsm[] = {
		{ 160, 1 }, { 161, 2 }, { 306, 2 }, { 307, 3 }, { 459, 3 }, { 460, 4 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(gsm); i++) {
		memset(buf, 'a', gsm[i].n);
		sms_measure(buf, gsm[i].n, &sz);
		assert_int_equal(sz.segments, gsm[i].segs);
	}
	static const struct { size_t n; unsigned segs; } ucs[] = {
		{ 70, 1 }, { 71, 2 }, { 134, 2 }, { 135, 3 }, { 201, 3 }, { 202, 4 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ucs); i++) {
		size_t len = 0;
		for (size_t k = 0; k < ucs[i].n; k++)
			memcpy(buf + len, "\xe5\xae\x89", 3), len += 3;
		sms_measure(buf, len, &sz);
		assert_false(sz.gsm7);
		assert_int_equal(sz.units, ucs[i].n);
		assert_int_equal(sz.segments, ucs[i].segs);
	}
	assert_int_equal(sms_capacity(true, 1), 160);
	assert_int_equal(sms_capacity(true, 3), 459);
	assert_int_equal(sms_capacity(false, 1), 70);
	assert_int_equal(sms_capacity(false, 3), 201);
}

static void test_fit(void **state)
{
	struct strbuf longtext = STRBUF_INIT, out = STRBUF_INIT;
	struct template_vars v = { "Anna", "Earthquake", LINK, NULL };
	struct sms_size sz;
	(void)state;
	for (int i = 0; i < 40; i++)
		strbuf_addstr(&longtext, "Stay indoors and away from windows. ");
	v.instructions = longtext.buf;
	for (size_t k = 0; k < ARRAY_SIZE(langs); k++) {
		const struct template *t = template_find("alert", langs[k]);
		for (unsigned segs = 1; segs <= 3; segs++) {
			bool ucs2 = !strcmp(langs[k], "zh") || !strcmp(langs[k], "ar");
			strbuf_reset(&out);
			if (ucs2 && segs == 1) {
				/* 70 units cannot hold the text around a link:
				 * the shortest version, without instructions. */
				assert_false(template_sms(t, &v, segs, &out));
				assert_non_null(strstr(out.buf, "Earthquake"));
				assert_null(strstr(out.buf, "Stay"));
				continue;
			}
			assert_true(template_sms(t, &v, segs, &out));
			sms_measure(out.buf, out.len, &sz);
			assert_true(sz.segments <= segs);
			assert_non_null(strstr(out.buf, LINK));
			/* Cut with a mark, at a word, when anything of them is left. */
			if (strstr(out.buf, "Stay"))
				assert_non_null(strstr(out.buf, "..."));
		}
	}
	/* A title too long for one segment is cut after the instructions. */
	strbuf_reset(&longtext);
	for (int i = 0; i < 30; i++)
		strbuf_addstr(&longtext, "Very long title ");
	v.incident = longtext.buf;
	v.instructions = "Short.";
	strbuf_reset(&out);
	assert_true(template_sms(template_find("alert", "en"), &v, 1, &out));
	sms_measure(out.buf, out.len, &sz);
	assert_int_equal(sz.segments, 1);
	assert_non_null(strstr(out.buf, LINK));
	assert_null(strstr(out.buf, "Short"));
	assert_non_null(strstr(out.buf, "Very long title..."));
	/* A link longer than the message can hold: left whole, and false. */
	strbuf_reset(&longtext);
	strbuf_addstr(&longtext, "https://x.example/c/");
	for (int i = 0; i < 200; i++)
		strbuf_addch(&longtext, 'a');
	v.link = longtext.buf;
	strbuf_reset(&out);
	assert_false(template_sms(template_find("alert", "en"), &v, 1, &out));
	assert_non_null(strstr(out.buf, longtext.buf));
	strbuf_release(&longtext);
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_load_and_render),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_variables),
		cmocka_unit_test(test_measure),
		cmocka_unit_test(test_fit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
