/*
 * store.c: the backend-independent half of the store: choosing a backend,
 * dispatching calls to it, and applying the embedded migrations.
 */
#include "core/homeward.h"
#include "core/builtin.h"
#include "store/store_int.h"

static const struct store_backend *const backends[] = {
	&store_sqlite_backend,
};

static const struct store_backend *backend_for(const char *path)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(backends); i++)
		if (backends[i]->accepts(path))
			return backends[i];
	return backends[0];
}

/* Migrations are named migrations/<backend>/NNNN-what.sql. */
static int migration_number(const char *name)
{
	const char *base = strrchr(name, '/');
	int n = 0;

	base = base ? base + 1 : name;
	while (*base >= '0' && *base <= '9')
		n = n * 10 + (*base++ - '0');
	return n;
}

struct migrate_walk {
	struct store *st;
	int from;     /* version of the database before */
	int latest;   /* highest number seen */
	bool apply;
	struct strbuf *err;
};

static int migration_step(const struct builtin_file *f, void *arg)
{
	struct migrate_walk *w = arg;
	struct store_stmt *s;
	int n = migration_number(f->name), rc;

	if (n <= 0) {
		strbuf_addf(w->err, "embedded migration '%s' has no number", f->name);
		return HW_EINTERNAL;
	}
	if (n > w->latest)
		w->latest = n;
	if (!w->apply || n <= w->from)
		return 0;
	rc = store_begin(w->st);
	if (rc)
		goto fail;
	rc = store_exec(w->st, f->data);
	if (rc)
		goto fail_rollback;
	rc = store_prepare(w->st, "INSERT INTO schema_version(version, name, applied_at) "
			   "VALUES (?, ?, CURRENT_TIMESTAMP)", &s);
	if (rc)
		goto fail_rollback;
	store_bind_int64(s, 1, n);
	store_bind_str(s, 2, f->name);
	rc = store_run(s);
	if (rc)
		goto fail_rollback;
	rc = store_commit(w->st);
	if (rc)
		goto fail;
	return 0;
fail_rollback:
	/* The message first: the rollback replaces it. */
	strbuf_addf(w->err, "cannot apply migration '%s': %s", f->name,
		    store_errmsg(w->st));
	store_rollback(w->st);
	return rc ? rc : HW_EDB;
fail:
	strbuf_addf(w->err, "cannot apply migration '%s': %s", f->name,
		    store_errmsg(w->st));
	return rc ? rc : HW_EDB;
}

static int walk_migrations(struct store *st, bool apply, int from,
			   int *latest, struct strbuf *err)
{
	struct migrate_walk w = { st, from, 0, apply, err };
	struct strbuf prefix = STRBUF_INIT;
	int rc;

	strbuf_addf(&prefix, "migrations/%s/", st->be->name);
	rc = builtin_each(prefix.buf, migration_step, &w);
	strbuf_release(&prefix);
	*latest = w.latest;
	return rc;
}

int store_schema_version(struct store *st)
{
	struct store_stmt *s;
	int v = 0;

	/* A database that has never been initialised has no such table. */
	if (store_prepare(st, "SELECT max(version) FROM schema_version", &s))
		return 0;
	if (store_step(s) == STORE_ROW && !store_col_null(s, 0))
		v = (int)store_col_int64(s, 0);
	store_reset(s);
	return v;
}

int store_schema_latest(const struct store *st)
{
	struct strbuf err = STRBUF_INIT;
	int latest = 0;

	walk_migrations((struct store *)st, false, 0, &latest, &err);
	strbuf_release(&err);
	return latest;
}

int store_open(const char *path, unsigned flags, struct store **out,
	       struct strbuf *err)
{
	const struct store_backend *be = backend_for(path);
	struct store *st = NULL;
	int rc, version, latest;

	*out = NULL;
	rc = be->open(path, flags, &st, err);
	if (rc)
		return rc;
	version = store_schema_version(st);
	latest = store_schema_latest(st);
	if (version > latest) {
		strbuf_addf(err, "database '%s' has schema version %d, newer than "
			    "this homeward (%d): upgrade homeward", path, version,
			    latest);
		rc = HW_ESCHEMA;
		goto fail;
	}
	if (version < latest) {
		if (!(flags & STORE_MIGRATE)) {
			if (version == 0)
				strbuf_addf(err, "database '%s' is not initialised: "
					    "run 'homeward init --db %s'", path, path);
			else
				strbuf_addf(err, "database '%s' has schema version %d, "
					    "this homeward needs %d: run 'homeward init "
					    "--db %s' to migrate it", path, version,
					    latest, path);
			rc = HW_EINPUT;
			goto fail;
		}
		rc = store_exec(st, "CREATE TABLE IF NOT EXISTS schema_version ("
				"version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
				"applied_at TEXT NOT NULL)");
		if (rc) {
			strbuf_addf(err, "cannot create schema_version in '%s': %s",
				    path, store_errmsg(st));
			goto fail;
		}
		rc = walk_migrations(st, true, version, &latest, err);
		if (rc)
			goto fail;
	}
	*out = st;
	return HW_OK;
fail:
	store_close(st);
	return rc;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	strbuf_release(&st->bulk_indexes);
	st->be->close(st);
}

const char *store_backend_name(const struct store *st)
{
	return st->be->name;
}

/*
 * A statement does not know its backend, but its connection does; backends
 * put a pointer to the connection first in their statement struct.
 */
struct stmt_head {
	struct store *st;
};

static const struct store_backend *be_of(struct store_stmt *s)
{
	return ((struct stmt_head *)s)->st->be;
}

int store_prepare(struct store *st, const char *sql, struct store_stmt **out)
{
	return st->be->prepare(st, sql, out);
}

int store_bind_text(struct store_stmt *s, int i, const char *v, size_t len)
{
	return be_of(s)->bind_text(s, i, v, len);
}

int store_bind_str(struct store_stmt *s, int i, const char *v)
{
	if (!v || !*v)
		return be_of(s)->bind_null(s, i);
	return be_of(s)->bind_text(s, i, v, strlen(v));
}

int store_bind_int64(struct store_stmt *s, int i, int64_t v)
{
	return be_of(s)->bind_int64(s, i, v);
}

int store_bind_double(struct store_stmt *s, int i, double v)
{
	return be_of(s)->bind_double(s, i, v);
}

int store_bind_blob(struct store_stmt *s, int i, const void *v, size_t len)
{
	return be_of(s)->bind_blob(s, i, v, len);
}

int store_bind_null(struct store_stmt *s, int i)
{
	return be_of(s)->bind_null(s, i);
}

int store_step(struct store_stmt *s)
{
	return be_of(s)->step(s);
}

int store_run(struct store_stmt *s)
{
	int rc = be_of(s)->step(s);

	be_of(s)->reset(s);
	return rc < 0 ? rc : HW_OK;
}

void store_reset(struct store_stmt *s)
{
	if (s)
		be_of(s)->reset(s);
}

bool store_col_null(struct store_stmt *s, int i)
{
	return be_of(s)->col_null(s, i);
}

const char *store_col_text(struct store_stmt *s, int i, size_t *len)
{
	return be_of(s)->col_text(s, i, len);
}

int64_t store_col_int64(struct store_stmt *s, int i)
{
	return be_of(s)->col_int64(s, i);
}

double store_col_double(struct store_stmt *s, int i)
{
	return be_of(s)->col_double(s, i);
}

const void *store_col_blob(struct store_stmt *s, int i, size_t *len)
{
	return be_of(s)->col_blob(s, i, len);
}

int store_exec(struct store *st, const char *sql)
{
	return st->be->exec(st, sql);
}

int store_begin(struct store *st)
{
	/* SQLite takes the write lock up front with IMMEDIATE, so that a
	 * transaction cannot fail halfway on a busy lock; a backend without
	 * that notion maps the statement to its own BEGIN. */
	return st->be->exec(st, "BEGIN IMMEDIATE");
}

int store_commit(struct store *st)
{
	return st->be->exec(st, "COMMIT");
}

int store_tx_open(struct store *st, const char *what, struct strbuf *err)
{
	if (!store_begin(st))
		return HW_OK;
	strbuf_addf(err, "cannot %s: %s", what, store_errmsg(st));
	return HW_EDB;
}

int store_tx_close(struct store *st, int rc, const char *what, struct strbuf *err)
{
	if (rc == HW_OK && store_commit(st)) {
		strbuf_addf(err, "cannot %s: %s", what, store_errmsg(st));
		rc = HW_EDB;
	}
	if (rc)
		store_rollback(st);
	return rc;
}

int store_rollback(struct store *st)
{
	/* A rollback brings back any dropped indexes by itself. */
	strbuf_reset(&st->bulk_indexes);
	return st->be->exec(st, "ROLLBACK");
}

int store_tune_bulk(struct store *st)
{
	return st->be->tune_bulk(st);
}

int store_set_sync(struct store *st, enum store_sync level)
{
	return st->be->set_sync(st, level);
}

int store_defer_checkpoints(struct store *st)
{
	return st->be->defer_checkpoints(st);
}

int store_checkpoint(struct store *st)
{
	return st->be->checkpoint(st);
}

int store_bulk_drop_indexes(struct store *st, const char *table,
			    const char *const *keep)
{
	return st->be->drop_indexes(st, table, keep, &st->bulk_indexes);
}

int store_bulk_restore(struct store *st)
{
	int rc;

	if (!st->bulk_indexes.len)
		return HW_OK;
	rc = st->be->exec(st, st->bulk_indexes.buf);
	strbuf_reset(&st->bulk_indexes);
	return rc;
}

const char *store_errmsg(const struct store *st)
{
	return st->be->errmsg(st);
}
