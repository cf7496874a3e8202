/*
 * sqlite.c: the SQLite backend of the store (store_int.h).
 *
 * One connection per struct. Opened in WAL mode with foreign keys on, a busy
 * timeout and synchronous=NORMAL: in WAL mode a committed transaction is in
 * the log before COMMIT returns, so it survives the process being killed;
 * only a power loss can take back the last few commits. secure_delete=FAST
 * zeroes deleted rows in the pages a delete writes anyway, so an erased
 * person's data does not linger in free space (the WAL keeps it until the
 * next checkpoint). Prepared statements live in a small hash table keyed
 * by their SQL text.
 */
#include "core/homeward.h"
#include "store/store_int.h"

#include <pthread.h>
#include <sqlite3.h>
#include <sys/stat.h>

struct store_stmt {
	struct store *st;      /* first: store.c finds the backend through it */
	sqlite3_stmt *stmt;
	char *sql;
	uint64_t hash;
};

struct sqlite_store {
	struct store base;     /* first: a struct store * points here */
	sqlite3 *db;
	struct store_stmt **cache;
	size_t cache_alloc;    /* a power of two */
	size_t cache_used;
	bool bulk;             /* tuned for a bulk load: restore WAL at close */
};

#define CONN(st) ((struct sqlite_store *)(st))

static uint64_t sql_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static bool sqlite_accepts(const char *path)
{
	return strncmp(path, "postgres://", 11) &&
	       strncmp(path, "postgresql://", 13);
}

static int sqlite_exec(struct store *st, const char *sql)
{
	int rc = sqlite3_exec(CONN(st)->db, sql, NULL, NULL, NULL);

	if (rc == SQLITE_CONSTRAINT)
		return HW_ECONFLICT;
	return rc == SQLITE_OK ? HW_OK : HW_EDB;
}

static void sqlite_close(struct store *st)
{
	struct sqlite_store *c = CONN(st);
	size_t i;

	for (i = 0; i < c->cache_alloc; i++) {
		if (!c->cache[i])
			continue;
		sqlite3_finalize(c->cache[i]->stmt);
		free(c->cache[i]->sql);
		free(c->cache[i]);
	}
	free(c->cache);
	if (c->bulk)
		sqlite3_exec(c->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
	sqlite3_close(c->db);
	free(c);
}

static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static void configure_sqlite(void)
{
	/* Memory statistics take a global mutex on every allocation; Homeward
	 * does not read them. Must happen before SQLite initialises. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sqlite_open(const char *path, unsigned flags, struct store **out,
		       struct strbuf *err)
{
	struct sqlite_store *c;
	struct stat sb;
	int oflags, rc;

	*out = NULL;
	pthread_once(&config_once, configure_sqlite);
	if (!(flags & STORE_CREATE) && stat(path, &sb)) {
		strbuf_addf(err, "database '%s' does not exist: create it with "
			    "'homeward init --db %s'", path, path);
		return HW_ENOTFOUND;
	}
	c = xcalloc(1, sizeof(*c));
	c->base.be = &store_sqlite_backend;
	strbuf_init(&c->base.bulk_indexes, 0);
	c->cache_alloc = 64;
	c->cache = xcalloc(c->cache_alloc, sizeof(*c->cache));
	oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY
					  : SQLITE_OPEN_READWRITE;
	if (flags & STORE_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	oflags |= SQLITE_OPEN_NOMUTEX;
	rc = sqlite3_open_v2(path, &c->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		strbuf_addf(err, "cannot open database '%s': %s", path,
			    c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 0);
	sqlite3_busy_timeout(c->db, 10000);
	/* Reading the schema is the cheapest way to find out that the file
	 * is not a database at all. */
	rc = sqlite3_exec(c->db, (flags & STORE_READONLY)
			  ? "PRAGMA foreign_keys=ON; SELECT count(*) FROM sqlite_schema;"
			  : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			    "PRAGMA foreign_keys=ON; PRAGMA secure_delete=FAST;"
			    "SELECT count(*) FROM sqlite_schema;",
			  NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		strbuf_addf(err, "cannot use database '%s': %s", path,
			    sqlite3_errmsg(c->db));
		goto fail;
	}
	*out = &c->base;
	return HW_OK;
fail:
	sqlite_close(&c->base);
	return HW_EDB;
}

static void cache_insert(struct sqlite_store *c, struct store_stmt *s)
{
	size_t mask, i;

	if ((c->cache_used + 1) * 2 > c->cache_alloc) {
		struct store_stmt **old = c->cache;
		size_t n = c->cache_alloc, j;

		c->cache_alloc *= 2;
		c->cache = xcalloc(c->cache_alloc, sizeof(*c->cache));
		c->cache_used = 0;
		for (j = 0; j < n; j++)
			if (old[j])
				cache_insert(c, old[j]);
		free(old);
	}
	mask = c->cache_alloc - 1;
	for (i = s->hash & mask; c->cache[i]; i = (i + 1) & mask)
		;
	c->cache[i] = s;
	c->cache_used++;
}

static int sqlite_prepare(struct store *st, const char *sql,
			  struct store_stmt **out)
{
	struct sqlite_store *c = CONN(st);
	uint64_t h = sql_hash(sql);
	size_t mask = c->cache_alloc - 1, i;
	struct store_stmt *s;
	sqlite3_stmt *stmt;

	for (i = h & mask; c->cache[i]; i = (i + 1) & mask) {
		s = c->cache[i];
		if (s->hash == h && !strcmp(s->sql, sql)) {
			sqlite3_reset(s->stmt);
			sqlite3_clear_bindings(s->stmt);
			*out = s;
			return HW_OK;
		}
	}
	*out = NULL;
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt,
			       NULL) != SQLITE_OK)
		return HW_EDB;
	s = xcalloc(1, sizeof(*s));
	s->st = st;
	s->stmt = stmt;
	s->sql = xstrdup(sql);
	s->hash = h;
	cache_insert(c, s);
	*out = s;
	return HW_OK;
}

static int bind_rc(int rc)
{
	return rc == SQLITE_OK ? HW_OK : HW_EDB;
}

static int sqlite_bind_text(struct store_stmt *s, int i, const char *v,
			    size_t len)
{
	return bind_rc(sqlite3_bind_text64(s->stmt, i, v, len, SQLITE_STATIC,
					   SQLITE_UTF8));
}

static int sqlite_bind_int64(struct store_stmt *s, int i, int64_t v)
{
	return bind_rc(sqlite3_bind_int64(s->stmt, i, v));
}

static int sqlite_bind_double(struct store_stmt *s, int i, double v)
{
	return bind_rc(sqlite3_bind_double(s->stmt, i, v));
}

static int sqlite_bind_blob(struct store_stmt *s, int i, const void *v,
			    size_t len)
{
	return bind_rc(sqlite3_bind_blob64(s->stmt, i, v, len, SQLITE_STATIC));
}

static int sqlite_bind_null(struct store_stmt *s, int i)
{
	return bind_rc(sqlite3_bind_null(s->stmt, i));
}

static int sqlite_step(struct store_stmt *s)
{
	switch (sqlite3_step(s->stmt)) {
	case SQLITE_ROW: return STORE_ROW;
	case SQLITE_DONE: return STORE_DONE;
	case SQLITE_CONSTRAINT: return HW_ECONFLICT;
	default: return HW_EDB;
	}
}

static void sqlite_reset(struct store_stmt *s)
{
	sqlite3_reset(s->stmt);
	sqlite3_clear_bindings(s->stmt);
}

static bool sqlite_col_null(struct store_stmt *s, int i)
{
	return sqlite3_column_type(s->stmt, i) == SQLITE_NULL;
}

static const char *sqlite_col_text(struct store_stmt *s, int i, size_t *len)
{
	const char *v = (const char *)sqlite3_column_text(s->stmt, i);

	if (len)
		*len = v ? (size_t)sqlite3_column_bytes(s->stmt, i) : 0;
	return v;
}

static int64_t sqlite_col_int64(struct store_stmt *s, int i)
{
	return sqlite3_column_int64(s->stmt, i);
}

static double sqlite_col_double(struct store_stmt *s, int i)
{
	return sqlite3_column_double(s->stmt, i);
}

static const void *sqlite_col_blob(struct store_stmt *s, int i, size_t *len)
{
	const void *v = sqlite3_column_blob(s->stmt, i);

	if (len)
		*len = (size_t)sqlite3_column_bytes(s->stmt, i);
	return v;
}

static int sqlite_tune_bulk(struct store *st)
{
	/*
	 * For one large transaction:
	 * - a rollback journal instead of the WAL, when no other connection
	 *   is open (SQLite refuses the switch otherwise, and the WAL stays):
	 *   new pages are then written once, not to the log and again to the
	 *   database at the checkpoint; synchronous=FULL keeps the commit as
	 *   durable as in WAL mode. Closing the connection returns to WAL.
	 * - no foreign key checks: a bulk writer builds its references from
	 *   ids it has just assigned itself (the importer does), and the
	 *   checks cost a lookup per reference per row.
	 * - a page cache of 64 MiB, and worker threads for the sorts of
	 *   CREATE INDEX. A larger cache holds every page the transaction
	 *   writes until the commit, in memory the kernel must first hand
	 *   out and zero; with this one, dirty pages go to the file as the
	 *   transaction grows and the memory is reused. Measured on 5M
	 *   registrants: notify over 1,030,302 persons 6.7 s with 2 GiB,
	 *   4.5 s with 64 MiB; incident create 5.8 s and 3.2 s; importing
	 *   1M rows the same (9.2 s and 9.9 s).
	 */
	CONN(st)->bulk = true;
	/* With other connections open (a running server), SQLite answers
	 * the switch with "database is locked" and keeps the WAL: that is
	 * the fallback, not an error. */
	sqlite3_exec(CONN(st)->db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	return sqlite_exec(st, "PRAGMA synchronous=FULL;"
			       "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536;"
			       "PRAGMA threads=2; PRAGMA temp_store=MEMORY;");
}

static int sqlite_set_sync(struct store *st, enum store_sync level)
{
	return sqlite_exec(st, level == STORE_SYNC_FULL ? "PRAGMA synchronous=FULL"
			   : "PRAGMA synchronous=NORMAL");
}

static int sqlite_defer_checkpoints(struct store *st)
{
	return sqlite_exec(st, "PRAGMA wal_autocheckpoint=0");
}

/* PASSIVE: copies the frames no reader still needs and never waits for a
 * writer or reader, so it can run beside the committer. */
static int sqlite_checkpoint(struct store *st)
{
	return sqlite_exec(st, "PRAGMA wal_checkpoint(PASSIVE)");
}

static bool in_list(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

static int sqlite_drop_indexes(struct store *st, const char *table,
			       const char *const *keep, struct strbuf *create)
{
	struct strbuf drop = STRBUF_INIT;
	struct store_stmt *s;
	int rc;

	/* Indexes that come from inline constraints have no SQL of their
	 * own and cannot be dropped; they stay. */
	rc = sqlite_prepare(st, "SELECT name, sql FROM sqlite_schema WHERE "
			    "type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
			    "ORDER BY name", &s);
	if (rc)
		return rc;
	sqlite_bind_text(s, 1, table, strlen(table));
	while ((rc = sqlite_step(s)) == STORE_ROW) {
		if (in_list(keep, sqlite_col_text(s, 0, NULL)))
			continue;
		strbuf_addf(&drop, "DROP INDEX \"%s\";",
			    sqlite_col_text(s, 0, NULL));
		strbuf_addf(create, "%s;\n", sqlite_col_text(s, 1, NULL));
	}
	sqlite_reset(s);
	if (rc == STORE_DONE)
		rc = drop.len ? sqlite_exec(st, drop.buf) : HW_OK;
	strbuf_release(&drop);
	return rc;
}

static const char *sqlite_errmsg(const struct store *st)
{
	return sqlite3_errmsg(CONN(st)->db);
}

const struct store_backend store_sqlite_backend = {
	.name = "sqlite",
	.accepts = sqlite_accepts,
	.open = sqlite_open,
	.close = sqlite_close,
	.prepare = sqlite_prepare,
	.bind_text = sqlite_bind_text,
	.bind_int64 = sqlite_bind_int64,
	.bind_double = sqlite_bind_double,
	.bind_blob = sqlite_bind_blob,
	.bind_null = sqlite_bind_null,
	.step = sqlite_step,
	.reset = sqlite_reset,
	.col_null = sqlite_col_null,
	.col_text = sqlite_col_text,
	.col_int64 = sqlite_col_int64,
	.col_double = sqlite_col_double,
	.col_blob = sqlite_col_blob,
	.exec = sqlite_exec,
	.tune_bulk = sqlite_tune_bulk,
	.set_sync = sqlite_set_sync,
	.defer_checkpoints = sqlite_defer_checkpoints,
	.checkpoint = sqlite_checkpoint,
	.drop_indexes = sqlite_drop_indexes,
	.errmsg = sqlite_errmsg,
};
