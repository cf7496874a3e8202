/* Unit tests for the store and its SQLite backend: creation, migration,
 * the schema version check, the statement cache, constraints, transactions. */
#include "core/homeward.h"
#include "store/store.h"
#include "scratch.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <unistd.h>

static char dir[256];
static char path[320];

static int setup(void **state)
{
	(void)state;
	if (scratch_make(dir, sizeof(dir), "store"))
		return -1;
	snprintf(path, sizeof(path), "%s/t.db", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	scratch_remove(dir);
	return 0;
}

static void test_missing_and_uninitialised(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct store *st;
	(void)state;
	assert_int_equal(store_open(path, 0, &st, &err), HW_ENOTFOUND);
	assert_non_null(strstr(err.buf, "does not exist"));
	strbuf_reset(&err);
	/* Created but not migrated: refused, and says how to fix it. */
	assert_int_equal(store_open(path, STORE_CREATE, &st, &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "homeward init"));
	strbuf_release(&err);
}

static void test_migrate_and_reopen(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct store *st;
	struct store_stmt *s;
	int latest;
	(void)state;
	assert_int_equal(store_open(path, STORE_CREATE | STORE_MIGRATE, &st, &err), HW_OK);
	latest = store_schema_latest(st);
	assert_true(latest >= 1);
	assert_int_equal(store_schema_version(st), latest);
	assert_string_equal(store_backend_name(st), "sqlite");
	store_close(st);

	assert_int_equal(store_open(path, 0, &st, &err), HW_OK);
	/* A schema from the future is refused. */
	assert_int_equal(store_prepare(st, "INSERT INTO schema_version VALUES (?, 'x', 'now')", &s), HW_OK);
	store_bind_int64(s, 1, latest + 1);
	assert_int_equal(store_run(s), HW_OK);
	store_close(st);
	assert_int_equal(store_open(path, STORE_MIGRATE, &st, &err), HW_ESCHEMA);
	assert_non_null(strstr(err.buf, "newer"));
	/* Undo it behind the store's back, as an older binary could not. */
	{
		sqlite3 *db;
		char sql[96];
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		snprintf(sql, sizeof(sql), "DELETE FROM schema_version WHERE version = %d", latest + 1);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	strbuf_release(&err);
}

static void test_statements(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct store *st;
	struct store_stmt *s, *s2;
	const char *sql = "INSERT INTO party(external_id, created_at) VALUES (?, 'now') RETURNING id";
	size_t len;
	(void)state;
	assert_int_equal(store_open(path, 0, &st, &err), HW_OK);

	assert_int_equal(store_prepare(st, sql, &s), HW_OK);
	store_bind_str(s, 1, "P1");
	assert_int_equal(store_step(s), STORE_ROW);
	assert_true(store_col_int64(s, 0) > 0);
	store_reset(s);
	/* The same SQL text comes back from the cache, reset. */
	assert_int_equal(store_prepare(st, sql, &s2), HW_OK);
	assert_ptr_equal(s, s2);
	store_bind_str(s2, 1, "P1");
	assert_int_equal(store_step(s2), HW_ECONFLICT);
	store_reset(s2);

	/* A rolled back transaction leaves nothing. */
	assert_int_equal(store_begin(st), HW_OK);
	store_prepare(st, sql, &s);
	store_bind_str(s, 1, "P2");
	assert_int_equal(store_step(s), STORE_ROW);
	store_reset(s);
	assert_int_equal(store_rollback(st), HW_OK);
	assert_int_equal(store_prepare(st, "SELECT group_concat(external_id) FROM party", &s), HW_OK);
	assert_int_equal(store_step(s), STORE_ROW);
	assert_string_equal(store_col_text(s, 0, &len), "P1");
	assert_int_equal(len, 2);
	store_reset(s);

	/* Foreign keys are enforced. */
	assert_int_equal(store_exec(st, "INSERT INTO person(external_id, nationality, party_id, created_at, updated_at) VALUES ('x', 'CN', 999, 'now', 'now')"), HW_ECONFLICT);
	/* Bad SQL is an error, not a crash. */
	assert_int_equal(store_prepare(st, "SELEC nonsense", &s), HW_EDB);
	assert_non_null(strstr(store_errmsg(st), "syntax"));
	store_close(st);
	strbuf_release(&err);
}

/* Batched inserts: full batches, a partial one, values of every kind, and
 * a constraint failure that surfaces at flush. */
static void test_batch(void **state)
{
	static const char *const cols[] = { "id", "external_id", "created_at" };
	struct strbuf err = STRBUF_INIT;
	struct store *st;
	struct store_batch *b;
	struct store_stmt *s;
	char key[32], scratch[32];
	int i, flushes = 0;
	(void)state;
	assert_int_equal(store_open(path, 0, &st, &err), HW_OK);
	assert_int_equal(store_begin(st), HW_OK);
	b = store_batch_new(st, "party", cols, 3);
	for (i = 0; i < 150; i++) {
		snprintf(key, sizeof(key), "B%03d", i);
		/* The batch copies: reusing the buffer at once must be safe. */
		memcpy(scratch, key, sizeof(key));
		store_batch_int64(b, 1000 + i);
		store_batch_text(b, scratch, strlen(scratch));
		memset(scratch, 'x', sizeof(scratch));
		store_batch_str(b, i % 2 ? "now" : "then");
		if (store_batch_end_row(b)) {
			assert_int_equal(store_batch_flush(b), HW_OK);
			flushes++;
		}
	}
	assert_int_equal(flushes, 2);
	assert_int_equal(store_batch_pending(b), 150 - 128);
	assert_int_equal(store_batch_flush(b), HW_OK);
	assert_int_equal(store_batch_pending(b), 0);
	assert_int_equal(store_prepare(st, "SELECT count(*), min(external_id), max(external_id) FROM party WHERE id >= 1000", &s), HW_OK);
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int64(s, 0), 150);
	assert_string_equal(store_col_text(s, 1, NULL), "B000");
	assert_string_equal(store_col_text(s, 2, NULL), "B149");
	store_reset(s);
	/* A duplicate key fails the flush. */
	store_batch_int64(b, 5000);
	store_batch_str(b, "B007");
	store_batch_str(b, "now");
	store_batch_end_row(b);
	assert_int_equal(store_batch_flush(b), HW_ECONFLICT);
	store_batch_free(b);
	assert_int_equal(store_rollback(st), HW_OK);
	store_close(st);
	strbuf_release(&err);
}

/* Dropping and restoring secondary indexes around a bulk load. */
static void test_bulk_indexes(void **state)
{
	static const char *const keep[] = { "presence_person", NULL };
	struct strbuf err = STRBUF_INIT;
	struct store *st;
	struct store_stmt *s;
	const char *count = "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'presence' AND sql IS NOT NULL";
	int64_t before;
	(void)state;
	assert_int_equal(store_open(path, 0, &st, &err), HW_OK);
	assert_int_equal(store_prepare(st, count, &s), HW_OK);
	assert_int_equal(store_step(s), STORE_ROW);
	before = store_col_int64(s, 0);
	store_reset(s);
	assert_true(before >= 2);
	assert_int_equal(store_begin(st), HW_OK);
	assert_int_equal(store_bulk_drop_indexes(st, "presence", keep), HW_OK);
	assert_int_equal(store_prepare(st, count, &s), HW_OK);
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int64(s, 0), 1);
	store_reset(s);
	assert_int_equal(store_bulk_restore(st), HW_OK);
	assert_int_equal(store_commit(st), HW_OK);
	assert_int_equal(store_prepare(st, count, &s), HW_OK);
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int64(s, 0), before);
	store_reset(s);
	/* A rollback brings them back by itself. */
	assert_int_equal(store_begin(st), HW_OK);
	assert_int_equal(store_bulk_drop_indexes(st, "presence", NULL), HW_OK);
	assert_int_equal(store_rollback(st), HW_OK);
	assert_int_equal(store_prepare(st, count, &s), HW_OK);
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int64(s, 0), before);
	store_reset(s);
	store_close(st);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_and_uninitialised),
		cmocka_unit_test(test_migrate_and_reopen),
		cmocka_unit_test(test_statements),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_bulk_indexes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
