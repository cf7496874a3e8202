/* Unit tests for cli.c: the option parser and the database path rule. */
#include "core/homeward.h"
#include "core/cli.h"
#include "core/settings.h"

#include <setjmp.h>
#include <cmocka.h>

/* argv strings are writable in a real main(); literals are not. */
#define A(s) ((char *)(s))

struct parsed {
	const char *s;
	int64_t n;
	double d;
	bool f;
	char *pos[16];
	int npos;
};

static int parse(struct parsed *p, int argc, char **argv)
{
	struct opt opts[] = {
		{ "name", OPT_STRING, &p->s, "NAME", "a name" },
		{ "count", OPT_INT, &p->n, "N", "a count" },
		{ "ratio", OPT_DOUBLE, &p->d, "R", "a ratio" },
		{ "flag", OPT_FLAG, &p->f, NULL, "a flag" },
		OPT_END,
	};
	memset(p, 0, sizeof(*p));
	return opt_parse(opts, argc, argv, p->pos, &p->npos);
}

static void test_forms(void **state)
{
	char *argv[] = { A("cmd"), A("a"), A("--name"), A("x"), A("--count=42"), A("b"), A("--flag"),
			 A("--ratio"), A("2.5"), A("--"), A("--name"), NULL };
	struct parsed p;
	(void)state;
	assert_int_equal(parse(&p, 11, argv), HW_OK);
	assert_string_equal(p.s, "x");
	assert_int_equal(p.n, 42);
	assert_true(p.d == 2.5);
	assert_true(p.f);
	assert_int_equal(p.npos, 3);
	assert_string_equal(p.pos[0], "a");
	assert_string_equal(p.pos[1], "b");
	assert_string_equal(p.pos[2], "--name");
}

static void test_errors(void **state)
{
	char *unknown[] = { A("cmd"), A("--nope"), NULL };
	char *missing[] = { A("cmd"), A("--name"), NULL };
	char *notint[] = { A("cmd"), A("--count"), A("12x"), NULL };
	char *overflow[] = { A("cmd"), A("--count"), A("99999999999999999999"), NULL };
	char *nan[] = { A("cmd"), A("--ratio"), A("nan"), NULL };
	char *flagval[] = { A("cmd"), A("--flag=yes"), NULL };
	char *dash[] = { A("cmd"), A("-x"), NULL };
	struct parsed p;
	(void)state;
	assert_int_equal(parse(&p, 2, unknown), HW_EINPUT);
	assert_int_equal(parse(&p, 2, missing), HW_EINPUT);
	assert_int_equal(parse(&p, 3, notint), HW_EINPUT);
	assert_int_equal(parse(&p, 3, overflow), HW_EINPUT);
	assert_int_equal(parse(&p, 3, nan), HW_EINPUT);
	assert_int_equal(parse(&p, 2, flagval), HW_EINPUT);
	assert_int_equal(parse(&p, 2, dash), HW_EINPUT);
}

/* The environment is read once, at start (settings_init, as main() does). */
static void test_db_path(void **state)
{
	struct strbuf err = STRBUF_INIT;
	(void)state;
	unsetenv("HOMEWARD_DB");
	assert_int_equal(settings_init(&err), HW_OK);
	assert_string_equal(cli_db_path(NULL), "./homeward.db");
	assert_string_equal(cli_db_path(""), "./homeward.db");
	setenv("HOMEWARD_DB", "env.db", 1);
	assert_int_equal(settings_init(&err), HW_OK);
	assert_string_equal(cli_db_path(NULL), "env.db");
	assert_string_equal(cli_db_path("flag.db"), "flag.db");
	unsetenv("HOMEWARD_DB");
	assert_int_equal(settings_init(&err), HW_OK);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_db_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
