/* Unit tests for strbuf.c: growth, formatting, detaching, JSON escaping. */
#include "core/homeward.h"

#include <setjmp.h>
#include <cmocka.h>

#include "scratch.h"

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

/* Text from outside made fit for a one-line message. */
static void test_add_clean(void **state)
{
	static const struct { const char *in; size_t max; const char *want; } cases[] = {
		{ "plain", 40, "plain" },
		{ "a\tb\r\n\n  c", 40, "a b c" },
		{ "bell\x07 del\x7f", 40, "bell? del?" },
		{ "c1 \xc2\x85 bad \xff\xfe", 40, "c1 ? bad ??" },
		{ "\xe2\x80\x9cquoted\xe2\x80\x9d", 40, "\xe2\x80\x9cquoted\xe2\x80\x9d" },
		{ "0123456789", 4, "0123..." },
	};
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_reset(&sb);
		strbuf_add_clean(&sb, cases[i].in, strlen(cases[i].in), cases[i].max);
		assert_string_equal(sb.buf, cases[i].want);
	}
	strbuf_reset(&sb);
	strbuf_add_quoted(&sb, "x\ny", 3, 40);
	assert_string_equal(sb.buf, "'x y'");
	strbuf_release(&sb);
}

static void test_read_file(void **state)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT, path = STRBUF_INIT;
	char dir[256];
	FILE *f;
	(void)state;
	assert_int_equal(scratch_make(dir, sizeof(dir), "strbuf"), 0);
	strbuf_addf(&path, "%s/f.txt", dir);
	f = fopen(path.buf, "w");
	assert_non_null(f);
	for (int i = 0; i < 70000; i++)
		fputc('a' + i % 26, f);
	fclose(f);
	strbuf_addstr(&sb, ">");
	assert_int_equal(strbuf_read_file(&sb, path.buf, 0, &err), HW_OK);
	assert_int_equal(sb.len, 70001);
	assert_memory_equal(sb.buf, ">abc", 4);
	assert_int_equal(err.len, 0);
	strbuf_reset(&sb);
	assert_int_equal(strbuf_read_file(&sb, path.buf, 1 << 16, &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "f.txt' is larger than 65536 bytes"));
	strbuf_reset(&err);
	assert_int_equal(strbuf_read_file(&sb, path.buf, 1 << 20, &err), HW_OK);
	strbuf_reset(&err);
	strbuf_addf(&path, ".missing");
	assert_int_equal(strbuf_read_file(&sb, path.buf, 0, &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "cannot open '"));
	assert_non_null(strstr(err.buf, "No such file"));
	assert_int_equal(strbuf_read_file(&sb, path.buf, 0, NULL), HW_EINPUT);
	scratch_remove(dir);
	strbuf_release(&sb);
	strbuf_release(&err);
	strbuf_release(&path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_terminated),
		cmocka_unit_test(test_add_and_grow),
		cmocka_unit_test(test_addf),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_rtrim),
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_add_clean),
		cmocka_unit_test(test_read_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
