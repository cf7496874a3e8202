/* Unit tests for record.c: rows as JSON by field type (NULLs included),
 * bind lists of every type, the one-row helpers (exec, one integer,
 * exists, read a row), a query with an optional predicate, parameters
 * built up in pieces, and errors that name what failed. */
#include "core/homeward.h"
#include "store/record.h"
#include "store/store.h"
#include "scratch.h"

#include <setjmp.h>
#include <cmocka.h>

static char dir[256];
static struct store *st;

static int setup(void **state)
{
	char path[320];
	struct strbuf err = STRBUF_INIT;
	(void)state;
	if (scratch_make(dir, sizeof(dir), "record"))
		return -1;
	snprintf(path, sizeof(path), "%s/t.db", dir);
	if (store_open(path, STORE_CREATE | STORE_MIGRATE, &st, &err))
		return -1;
	strbuf_release(&err);
	return store_exec(st, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, "
			  "n INTEGER, x REAL, flag INTEGER, tags TEXT, ms INTEGER, "
			  "secret TEXT)") ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	scratch_remove(dir);
	return 0;
}

static const struct rec_field fields[] = {
	{ "id", REC_INT }, { "name", REC_TEXT }, { "n", REC_INT }, { "x", REC_REAL },
	{ "flag", REC_BOOL }, { "tags", REC_LIST }, { "ms", REC_TIME_MS },
	{ "secret", REC_SKIP }, { NULL, 0 },
};

static void test_rows_as_json(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct store_stmt *s;
	json_t *arr = json_array();
	char *text;
	(void)state;

	assert_int_equal(store_exec_args(st, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
					 "add a row", &err, "isidssis", (int64_t)1, "Ana",
					 (int64_t)7, 2.5, "1", "a;b", (int64_t)1700000000123,
					 "hidden"), HW_OK);
	/* Every NULL, and 0 for an id given as 'I'. */
	assert_int_equal(store_exec_args(st, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
					 "add a row", &err, "isIdnnnn", (int64_t)2, NULL,
					 (int64_t)0, 0.0), HW_OK);
	assert_int_equal(store_prepare_args(st, &s, "SELECT * FROM t ORDER BY id",
					    "read", &err, ""), HW_OK);
	assert_int_equal(record_rows(st, s, fields, arr, "read", &err), HW_OK);
	text = json_dumps(arr, JSON_COMPACT);
	assert_string_equal(text, "[{\"id\":1,\"name\":\"Ana\",\"n\":7,\"x\":2.5,"
			    "\"flag\":true,\"tags\":[\"a\",\"b\"],"
			    "\"ms\":\"2023-11-14T22:13:20.123Z\"},"
			    "{\"id\":2,\"name\":null,\"n\":null,\"x\":0.0,\"flag\":false,"
			    "\"tags\":[],\"ms\":null}]");
	free(text);
	json_decref(arr);
	strbuf_release(&err);
}

static void fill_name(struct store_stmt *s, void *out)
{
	snprintf(out, 16, "%s", store_col_text(s, 0, NULL));
}

static void test_one_row(void **state)
{
	struct strbuf err = STRBUF_INIT;
	char name[16] = "";
	int64_t v = -1;
	(void)state;

	assert_int_equal(store_one_int64(st, &v, "SELECT count(*) FROM t WHERE n = ?",
					 "count", &err, "i", (int64_t)7), STORE_ROW);
	assert_int_equal(v, 1);
	v = -1;
	assert_int_equal(store_one_int64(st, &v, "SELECT n FROM t WHERE id = ?", "read",
					 &err, "i", (int64_t)99), STORE_DONE);
	assert_int_equal(v, -1);
	assert_int_equal(store_exists_args(st, "SELECT 1 FROM t WHERE name = ?", "find",
					   NULL, "s", "Ana"), HW_OK);
	assert_int_equal(store_exists_args(st, "SELECT 1 FROM t WHERE name = ?", "find",
					   NULL, "s", "Bo"), HW_ENOTFOUND);
	assert_int_equal(store_read_row(st, fill_name, name, "SELECT name FROM t "
					"WHERE id = ?", "read", &err, "i", (int64_t)1), HW_OK);
	assert_string_equal(name, "Ana");
	assert_int_equal(store_read_row(st, fill_name, name, "SELECT name FROM t "
					"WHERE id = ?", "read", &err, "i", (int64_t)5),
			 HW_ENOTFOUND);

	/* A failure says what could not be done, and why. */
	assert_int_equal(store_exec_args(st, "INSERT INTO nowhere VALUES (?)",
					 "record the thing", &err, "i", (int64_t)1), HW_EDB);
	assert_non_null(strstr(err.buf, "cannot record the thing: "));
	assert_non_null(strstr(err.buf, "nowhere"));
	strbuf_reset(&err);
	assert_int_equal(store_exec_args(st, "INSERT INTO t (id) VALUES (?)", "add",
					 &err, "i", (int64_t)1), HW_ECONFLICT);
	assert_non_null(strstr(err.buf, "cannot add: "));
	strbuf_release(&err);
}

static void test_where_and_params(void **state)
{
	struct store_params p = { 0 };
	struct store_stmt *s;
	int64_t v = 0;
	(void)state;

	/* With the predicate its `?` comes last; without, nothing is added. */
	assert_int_equal(store_prepare_where(st, &s, "SELECT count(*) FROM t WHERE "
					     "id > ?%s", "t.n = ?", 7, "count", NULL,
					     "i", (int64_t)0), HW_OK);
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int64(s, 0), 1);
	store_reset(s);
	assert_int_equal(store_prepare_where(st, &s, "SELECT count(*) FROM t WHERE "
					     "id > ?%s", NULL, 0, "count", NULL,
					     "i", (int64_t)0), HW_OK);
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int64(s, 0), 2);
	store_reset(s);

	store_params_text(&p, "Ana and more", 3);
	store_params_int(&p, 1);
	assert_int_equal(store_prepare(st, "SELECT count(*) FROM t WHERE name = ? AND "
				       "id = ?", &s), HW_OK);
	store_params_bind(&p, s);
	assert_int_equal(store_step(s), STORE_ROW);
	v = store_col_int64(s, 0);
	store_reset(s);
	assert_int_equal(v, 1);
	store_params_release(&p);
	assert_int_equal(p.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_as_json),
		cmocka_unit_test(test_one_row),
		cmocka_unit_test(test_where_and_params),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
