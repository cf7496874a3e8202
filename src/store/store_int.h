/*
 * store_int.h: what a storage backend provides (private to src/store/).
 *
 * The public functions of store.h dispatch through `st->be`; each backend
 * embeds `struct store` at the start of its own connection struct.
 */
#ifndef HW_STORE_INT_H
#define HW_STORE_INT_H

#include "store/store.h"

struct store_backend {
	const char *name;           /* also the migrations folder name */
	bool (*accepts)(const char *path); /* is `path` for this backend? */
	int (*open)(const char *path, unsigned flags, struct store **out,
		    struct strbuf *err);
	void (*close)(struct store *st);
	int (*prepare)(struct store *st, const char *sql,
		       struct store_stmt **out);
	int (*bind_text)(struct store_stmt *s, int i, const char *v, size_t len);
	int (*bind_int64)(struct store_stmt *s, int i, int64_t v);
	int (*bind_double)(struct store_stmt *s, int i, double v);
	int (*bind_blob)(struct store_stmt *s, int i, const void *v, size_t len);
	int (*bind_null)(struct store_stmt *s, int i);
	int (*step)(struct store_stmt *s);
	void (*reset)(struct store_stmt *s);
	bool (*col_null)(struct store_stmt *s, int i);
	const char *(*col_text)(struct store_stmt *s, int i, size_t *len);
	int64_t (*col_int64)(struct store_stmt *s, int i);
	double (*col_double)(struct store_stmt *s, int i);
	const void *(*col_blob)(struct store_stmt *s, int i, size_t *len);
	int (*exec)(struct store *st, const char *sql);
	int (*tune_bulk)(struct store *st);
	int (*set_sync)(struct store *st, enum store_sync level);
	int (*defer_checkpoints)(struct store *st);
	int (*checkpoint)(struct store *st);
	/* Append the statements that recreate the secondary indexes of
	 * `table`, but those in `keep`, to `create` (each ending in ';'),
	 * and drop them. */
	int (*drop_indexes)(struct store *st, const char *table,
			    const char *const *keep, struct strbuf *create);
	const char *(*errmsg)(const struct store *st);
};

struct store {
	const struct store_backend *be;
	struct strbuf bulk_indexes; /* CREATE INDEX statements to restore */
};

extern const struct store_backend store_sqlite_backend;

#endif
