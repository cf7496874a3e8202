/* Unit tests for strbuf.c: growth, formatting, detaching, JSON escaping. */
#include "homeward.h"

#include <setjmp.h>
#include <cmocka.h>

static void test_empty_is_terminated(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
	assert_string_equal(sb.buf, "");
}

static void test_add_and_grow(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	int i;
	(void)state;
	for (i = 0; i < 10000; i++)
		strbuf_addch(&sb, 'a' + i % 26);
	assert_int_equal(sb.len, 10000);
	assert_int_equal(strlen(sb.buf), 10000);
	assert_int_equal(sb.buf[25], 'z');
	strbuf_setlen(&sb, 3);
	assert_string_equal(sb.buf, "abc");
	strbuf_release(&sb);
}

static void test_addf(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char big[3000];
	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_addf(&sb, "%d-%s", 42, "ok");
	assert_string_equal(sb.buf, "42-ok");
	strbuf_addf(&sb, "%s", big);
	assert_int_equal(sb.len, 5 + sizeof(big) - 1);
	strbuf_release(&sb);
}

static void test_detach(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len;
	char *s;
	(void)state;
	s = strbuf_detach(&sb, &len);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	strbuf_addstr(&sb, "hello");
	s = strbuf_detach(&sb, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	assert_int_equal(sb.len, 0);
	free(s);
}

static void test_json(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	const char in[] = "a\"b\\c\n\x01<\xe7\x8e\x8b>";
	(void)state;
	strbuf_addjson(&sb, in, sizeof(in) - 1);
	assert_string_equal(sb.buf, "a\\\"b\\\\c\\n\\u0001<\xe7\x8e\x8b>");
	strbuf_release(&sb);
}

static void test_html(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	strbuf_addhtml(&sb, "<script>alert('x' & \"y\")</script> \xe5\xae\x89");
	assert_string_equal(sb.buf, "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)"
			    "&lt;/script&gt; \xe5\xae\x89");
	strbuf_release(&sb);
}

static void test_rtrim(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	strbuf_addstr(&sb, "x \t\r\n");
	strbuf_rtrim(&sb);
	assert_string_equal(sb.buf, "x");
	strbuf_release(&sb);
}

static void test_utf8_decode(void **state)
{
	static const struct {
		const char *s;
		size_t len;     /* expected length, 0 for invalid */
		uint32_t cp;
	} cases[] = {
		{ "A", 1, 0x41 }, { "\xc3\xa9", 2, 0xe9 }, { "\xe7\x8e\x8b", 3, 0x738b },
		{ "\xf0\x9f\x98\x80", 4, 0x1f600 }, { "\xc0\xaf", 0, 0 },   /* overlong */
		{ "\xe0\x80\xaf", 0, 0 }, { "\xed\xa0\x80", 0, 0 },          /* surrogate */
		{ "\xf4\x90\x80\x80", 0, 0 }, { "\xe7\x8e", 0, 0 },          /* > U+10FFFF, cut */
		{ "\x80", 0, 0 }, { "\xc3" "A", 0, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t cp = 0;
		size_t n = utf8_decode((const unsigned char *)cases[i].s,
				       strlen(cases[i].s), &cp);
		assert_int_equal(n, cases[i].len);
		if (n)
			assert_int_equal(cp, cases[i].cp);
		assert_int_equal(utf8_decode((const unsigned char *)cases[i].s,
					     strlen(cases[i].s), NULL), n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_terminated),
		cmocka_unit_test(test_add_and_grow),
		cmocka_unit_test(test_addf),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_rtrim),
		cmocka_unit_test(test_utf8_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
