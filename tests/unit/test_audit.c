/* Unit tests for audit.c: the chain verifies when intact and names the
 * first altered or removed entry; NULL and "" are different contents; an
 * entry rolls back with its transaction. */
#include "core/homeward.h"
#include "auth/audit.h"
#include "store/store.h"
#include "scratch.h"

#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

static char dir[256];
static char dbpath[320];
static struct store *st;
static int dbno;

static void append(const char *action, const char *object, const char *detail)
{
	struct strbuf err = STRBUF_INIT;
	assert_int_equal(store_begin(st), HW_OK);
	assert_int_equal(audit_append(st, "test:unit", action, object, detail,
				      "192.0.2.1", &err), HW_OK);
	assert_int_equal(store_commit(st), HW_OK);
	strbuf_release(&err);
}

/* Five entries, with NULL and empty fields among them. */
static void append_five(void)
{
	append("import", "a.csv", "3 rows");
	append("export", NULL, "3 rows");
	append("mission-add", "EMB-NP", "");
	append("export", "registrants", NULL);
	append("import", "b.csv", "1 rows");
}

/* Verify, expecting a break at `want_bad` with `want` in the message. */
static void expect_broken(int64_t want_bad, const char *want)
{
	struct strbuf err = STRBUF_INIT;
	int64_t bad = 0, n = 0;
	assert_int_equal(audit_verify(st, &bad, &n, &err), HW_ECONFLICT);
	assert_int_equal(bad, want_bad);
	if (!strstr(err.buf, want))
		fail_msg("'%s' lacks '%s'", err.buf, want);
	strbuf_release(&err);
}

static int setup(void **state)
{
	struct strbuf err = STRBUF_INIT;
	(void)state;
	snprintf(dbpath, sizeof(dbpath), "%s/t%d.db", dir, dbno++);
	if (store_open(dbpath, STORE_CREATE | STORE_MIGRATE, &st, &err))
		return -1;
	strbuf_release(&err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	st = NULL;
	return 0;
}

static void test_intact(void **state)
{
	struct strbuf err = STRBUF_INIT;
	int64_t bad = -1, n = -1;
	(void)state;
	assert_int_equal(audit_verify(st, &bad, &n, &err), HW_OK);
	assert_int_equal(n, 0);
	append_five();
	assert_int_equal(audit_verify(st, &bad, &n, &err), HW_OK);
	assert_int_equal(n, 5);
	assert_int_equal(bad, -1);
	assert_int_equal(count_rows(st, "SELECT count(*) FROM audit WHERE prev_hash = "
			       "'0000000000000000000000000000000000000000000000000000000000000000'"), 1);
	assert_int_equal(count_rows(st, "SELECT count(*) FROM audit a JOIN audit b "
			       "ON b.id = a.id + 1 AND b.prev_hash = a.hash"), 4);
	assert_int_equal(count_rows(st, "SELECT count(*) FROM audit WHERE length(hash) = 64 "
			       "AND at LIKE '____-__-__T__:__:__Z'"), 5);
	strbuf_release(&err);
}

static void test_altered(void **state)
{
	(void)state;
	append_five();
	assert_int_equal(store_exec(st, "UPDATE audit SET actor = 'mallory' "
				    "WHERE id = 3"), HW_OK);
	expect_broken(3, "entry 3: its contents do not match its hash (altered)");
}

static void test_altered_link(void **state)
{
	(void)state;
	append_five();
	/* prev_hash is part of what is hashed, so changing it is an alteration. */
	assert_int_equal(store_exec(st, "UPDATE audit SET prev_hash = "
				    "(SELECT hash FROM audit WHERE id = 1) WHERE id = 4"), HW_OK);
	expect_broken(4, "entry 4");
}

static void test_removed(void **state)
{
	(void)state;
	append_five();
	assert_int_equal(store_exec(st, "DELETE FROM audit WHERE id = 3"), HW_OK);
	expect_broken(4, "entry 4 follows entry 2: entry 3 was removed");
	assert_int_equal(store_exec(st, "DELETE FROM audit WHERE id = 4"), HW_OK);
	expect_broken(5, "entries 3 to 4 were removed");
	assert_int_equal(store_exec(st, "DELETE FROM audit WHERE id = 1"), HW_OK);
	expect_broken(2, "entry 1 before it was removed");
}

static void test_null_is_not_empty(void **state)
{
	(void)state;
	append_five();
	/* Entry 2 has a NULL object, entry 3 an empty detail: both kept. */
	assert_int_equal(count_rows(st, "SELECT count(*) FROM audit WHERE id = 2 AND "
			       "object IS NULL"), 1);
	assert_int_equal(count_rows(st, "SELECT count(*) FROM audit WHERE id = 3 AND "
			       "detail = ''"), 1);
	assert_int_equal(store_exec(st, "UPDATE audit SET object = '' WHERE id = 2"),
			 HW_OK);
	expect_broken(2, "altered");
	assert_int_equal(store_exec(st, "UPDATE audit SET object = NULL WHERE id = 2"),
			 HW_OK);
	assert_int_equal(store_exec(st, "UPDATE audit SET detail = NULL WHERE id = 3"),
			 HW_OK);
	expect_broken(3, "altered");
}

static void test_rollback(void **state)
{
	struct strbuf err = STRBUF_INIT;
	int64_t n = -1;
	(void)state;
	append("import", "a.csv", "1 rows");
	assert_int_equal(store_begin(st), HW_OK);
	assert_int_equal(audit_append(st, "test:unit", "import", "b.csv", NULL,
				      NULL, &err), HW_OK);
	assert_int_equal(store_rollback(st), HW_OK);
	assert_int_equal(count_rows(st, "SELECT count(*) FROM audit"), 1);
	/* The next entry takes the id the rolled-back one had. */
	append("import", "c.csv", "1 rows");
	assert_int_equal(audit_verify(st, NULL, &n, &err), HW_OK);
	assert_int_equal(n, 2);
	assert_int_equal(audit_append_tx(st, "test:unit", "export", NULL, NULL,
					 NULL, &err), HW_OK);
	assert_int_equal(audit_verify(st, NULL, &n, &err), HW_OK);
	assert_int_equal(n, 3);
	strbuf_release(&err);
}

static void test_cli_actor(void **state)
{
	(void)state;
	assert_true(!strncmp(audit_cli_actor(), "cli:", 4));
	assert_true(strlen(audit_cli_actor()) > 4);
}

static int group_setup(void **state)
{
	(void)state;
	return scratch_make(dir, sizeof(dir), "audit");
}

static int group_teardown(void **state)
{
	(void)state;
	scratch_remove(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_altered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_altered_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_is_not_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_actor, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
