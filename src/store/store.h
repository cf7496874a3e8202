/*
 * store.h: the one interface to the database, whatever the backend.
 *
 * Modules talk SQL through prepare/bind/step, in the subset that SQLite and
 * PostgreSQL share: `?` placeholders, INSERT ... ON CONFLICT ... DO UPDATE,
 * RETURNING, CURRENT_TIMESTAMP, no backend functions. Each backend is one
 * file in src/store/ that fills a `struct store_backend` (store_int.h);
 * SQLite is the default; a PostgreSQL backend comes later
 * (docs/architecture.md, "The store").
 *
 * Schema: forward-only numbered migrations, embedded in the binary as
 * migrations/<backend>/NNNN-name.sql. store_open() checks the schema version:
 * an older database is refused unless STORE_MIGRATE is given (that is what
 * `homeward init` does); a newer one is always refused (HW_ESCHEMA).
 *
 * Prepared statements are cached per connection, keyed by their SQL text, so
 * hot paths prepare once. A connection and its statements belong to one
 * thread at a time.
 */
#ifndef HW_STORE_H
#define HW_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;
struct store;      /* a connection */
struct store_stmt; /* a prepared statement, owned by its connection */

enum store_flags {
	STORE_CREATE = 1,   /* create the database if it does not exist */
	STORE_MIGRATE = 2,  /* apply pending migrations */
	STORE_READONLY = 4,
};

/* store_step() results besides errors. */
enum { STORE_DONE = 0, STORE_ROW = 1 };

/*
 * Open the database at `path`. HW_ENOTFOUND if it does not exist and
 * STORE_CREATE is not given; HW_ESCHEMA if its schema is newer than this
 * binary's, HW_EINPUT if it is older and STORE_MIGRATE is not given; HW_EDB
 * for other failures. Messages go to `err`. The caller owns *out and closes
 * it with store_close().
 */
int store_open(const char *path, unsigned flags, struct store **out,
	       struct strbuf *err);
/* Close the connection and finalise its cached statements. NULL-safe. */
void store_close(struct store *st);

/* The backend's name ("sqlite") and the schema version of the database. */
const char *store_backend_name(const struct store *st);
int store_schema_version(struct store *st);
/* The highest migration this binary has for the connection's backend. */
int store_schema_latest(const struct store *st);

/*
 * A prepared statement for `sql`, from the cache if this connection has
 * prepared the same text before. The statement is reset and unbound. It is
 * owned by the connection: call store_reset() when done with it, never free
 * it. A caller may keep the pointer and use it again after store_reset()
 * for as long as the connection is open; hot loops do, to skip the lookup.
 * HW_EDB with the message in the connection (store_errmsg) on failure.
 */
int store_prepare(struct store *st, const char *sql, struct store_stmt **out);

/*
 * Bind parameter `i` (1-based). Text and blobs are borrowed, not copied:
 * they must stay unchanged until the statement has been stepped for the
 * last time or reset (bind, step and reset in one place, as every caller
 * does, and this holds by itself).
 */
int store_bind_text(struct store_stmt *s, int i, const char *v, size_t len);
int store_bind_str(struct store_stmt *s, int i, const char *v); /* NULL or "" binds NULL */
int store_bind_int64(struct store_stmt *s, int i, int64_t v);
int store_bind_double(struct store_stmt *s, int i, double v);
int store_bind_blob(struct store_stmt *s, int i, const void *v, size_t len);
int store_bind_null(struct store_stmt *s, int i);

/* Run to the next row: STORE_ROW, STORE_DONE, or HW_EDB / HW_ECONFLICT
 * (a uniqueness or foreign-key constraint failed). */
int store_step(struct store_stmt *s);
/* Step a statement that returns no rows, then reset it. */
int store_run(struct store_stmt *s);
/* Forget the bindings and make the statement ready to run again. */
void store_reset(struct store_stmt *s);

/* Column values of the current row (0-based). Text and blobs are borrowed
 * until the next step or reset; NULL text comes back as NULL. */
bool store_col_null(struct store_stmt *s, int i);
const char *store_col_text(struct store_stmt *s, int i, size_t *len);
int64_t store_col_int64(struct store_stmt *s, int i);
double store_col_double(struct store_stmt *s, int i);
const void *store_col_blob(struct store_stmt *s, int i, size_t *len);

/* Run one or more statements with no parameters and no results. */
int store_exec(struct store *st, const char *sql);

/* Transactions. store_begin() takes the write lock at once (SQLite's
 * BEGIN IMMEDIATE), so a transaction never fails halfway for a lock. */
int store_begin(struct store *st);
int store_commit(struct store *st);
int store_rollback(struct store *st);

/*
 * A transaction of a command's own, around work that returns an error
 * code: store_tx_open() begins it, store_tx_close() commits it when `rc`
 * is HW_OK and rolls it back otherwise (and when the commit fails), and
 * returns `rc` or HW_EDB. Failures of the transaction itself leave
 * "cannot WHAT: REASON" in `err`.
 */
int store_tx_open(struct store *st, const char *what, struct strbuf *err);
int store_tx_close(struct store *st, int rc, const char *what, struct strbuf *err);

/*
 * Tune the connection, before its transaction begins, for one large write:
 * a bigger cache, and whatever else the backend does best for bulk loads.
 * Foreign keys are not checked while tuned: the writer must build its
 * references itself. It lasts until close, which restores the normal mode.
 */
int store_tune_bulk(struct store *st);

/*
 * For a load that will grow `table` a lot: inside a transaction, drop the
 * table's secondary indexes (not its primary key, inline UNIQUE
 * constraints, or those named in the NULL-terminated `keep`, which the
 * load itself needs), remembering their definitions; store_bulk_restore()
 * recreates them all, which sorts once instead of inserting at random
 * places row after row, and checks any UNIQUE index anew (HW_ECONFLICT).
 * A rollback brings the indexes back by itself.
 */
int store_bulk_drop_indexes(struct store *st, const char *table,
			    const char *const *keep);
int store_bulk_restore(struct store *st);

/*
 * How durable a commit of this connection is. STORE_SYNC_NORMAL, the
 * default, survives a crash of the process (SQLite in WAL mode: the log is
 * written at commit, synced at checkpoints); STORE_SYNC_FULL also survives
 * a power loss (the log is synced at every commit). Writers that batch many
 * acknowledgements into one commit (the check-in committer) can afford
 * FULL. HW_EDB with the message in the connection.
 */
enum store_sync { STORE_SYNC_NORMAL, STORE_SYNC_FULL };
int store_set_sync(struct store *st, enum store_sync level);

/*
 * Checkpoints: copying what is committed from the write-ahead log into the
 * database proper. By default a commit that fills the log does it, inside
 * the commit. store_defer_checkpoints() stops this connection's commits
 * from ever doing so (a latency-critical writer), and store_checkpoint(),
 * called on another connection, copies what it can beside the writers
 * without waiting for them. Backends without such a log do nothing and
 * return HW_OK. HW_EDB with the message in the connection.
 */
int store_defer_checkpoints(struct store *st);
int store_checkpoint(struct store *st);

/* The last error message of the connection. Borrowed. */
const char *store_errmsg(const struct store *st);

/*
 * Batched inserts: rows collected and written many at a time with one
 * multi-row INSERT, which costs a fraction of one statement per row. Values
 * are copied into the batch as they are added, so they need not outlive the
 * call. The rows reach the table when the batch fills up or is flushed;
 * constraint errors surface then. A batch belongs to one connection and
 * thread.
 */
struct store_batch; /* opaque */

/* A batch for `table` with the given columns (at most 64). */
struct store_batch *store_batch_new(struct store *st, const char *table,
				    const char *const *cols, int ncols);
/* Flush nothing, free the batch. NULL-safe. */
void store_batch_free(struct store_batch *b);

/* Add the next value of the current row, in column order. */
void store_batch_text(struct store_batch *b, const char *v, size_t len);
void store_batch_str(struct store_batch *b, const char *v); /* NULL or "" is NULL */
void store_batch_int64(struct store_batch *b, int64_t v);
void store_batch_double(struct store_batch *b, double v);
void store_batch_blob(struct store_batch *b, const void *v, size_t len);
void store_batch_null(struct store_batch *b);

/* End the current row (it must have one value per column). Returns true
 * when the batch is full and should be flushed. */
bool store_batch_end_row(struct store_batch *b);
/* Write the rows collected so far. HW_EDB / HW_ECONFLICT on failure (the
 * rows are dropped; the caller rolls back). */
int store_batch_flush(struct store_batch *b);
/* Rows waiting to be written. */
size_t store_batch_pending(const struct store_batch *b);

#endif
