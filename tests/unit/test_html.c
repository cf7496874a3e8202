/* Unit tests for html.c: arguments are escaped for text and attributes,
 * the format's markup is not, numbers and precisions come out as printf
 * writes them. */
#include "core/homeward.h"
#include "http/html.h"

#include <setjmp.h>
#include <cmocka.h>

static void test_escape(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	(void)state;
	html_add_text(&sb, "<script>alert('x' & \"y\")</script> \xe5\xae\x89");
	assert_string_equal(sb.buf, "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)"
			    "&lt;/script&gt; \xe5\xae\x89");
	strbuf_reset(&sb);
	html_add_text(&sb, NULL);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
}

static void test_format(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	const char *evil = "\"><img src=x onerror=alert(1)>";
	(void)state;

	/* The markup stays, the argument cannot leave its attribute. */
	html_addf(&sb, "<a href=\"/c/%s\" title='%s'>%s</a>", evil, "it's", "a<b");
	assert_string_equal(sb.buf, "<a href=\"/c/&quot;&gt;&lt;img src=x "
			    "onerror=alert(1)&gt;\" title='it&#39;s'>a&lt;b</a>");
	strbuf_reset(&sb);
	html_addf(&sb, "%d|%u|%ld|%lld|%zu|%" PRId64 "|%03d|%-3d|%x|100%%|%c|%.3s|%.*s",
		  -5, 7u, -8L, -9LL, (size_t)10, (int64_t)-11, 4, 2, 255, '<',
		  "abcdef", 2, "&&&&");
	assert_string_equal(sb.buf, "-5|7|-8|-9|10|-11|004|2  |ff|100%|&lt;|abc|&amp;&amp;");
	strbuf_reset(&sb);
	html_addf(&sb, "%.3d|%*d|%-*d|%.*s", 7, 4, 5, 3, 6, 1, "<<");
	assert_string_equal(sb.buf, "007|   5|6  |&lt;");
	strbuf_reset(&sb);
	html_add_unescaped(&sb, "<b>");
	assert_string_equal(sb.buf, "<b>");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
