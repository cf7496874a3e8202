/*
 * batch.c: multi-row INSERTs for bulk writes (store.h, "Batched inserts").
 *
 * Values are copied into an arena as they come, so callers can reuse their
 * buffers at once; at flush, one INSERT ... VALUES (...), (...) statement
 * with as many tuples as rows is prepared (from the connection's cache, so
 * a full batch's statement is prepared once) and bound from the arena.
 * Backend-independent: it only uses the store interface.
 */
#include "core/homeward.h"
#include "store/store.h"

#define BATCH_ROWS 64
#define BATCH_MAX_COLS 64

enum bv_kind { BV_NULL, BV_TEXT, BV_BLOB, BV_INT, BV_DOUBLE };

struct bvalue {
	enum bv_kind kind;
	union {
		int64_t i;
		double d;
		struct { size_t off, len; } s;
	} u;
};

struct store_batch {
	struct store *st;
	char *table;
	char *collist;           /* "a, b, c" */
	int ncols;
	size_t nrows;            /* complete rows */
	int ncur;                /* values in the current row */
	struct bvalue vals[BATCH_ROWS * BATCH_MAX_COLS];
	struct strbuf arena;
	struct strbuf sql;
	struct store_stmt *full;  /* the statement for a full batch, once made */
};

struct store_batch *store_batch_new(struct store *st, const char *table,
				    const char *const *cols, int ncols)
{
	struct store_batch *b;
	struct strbuf list = STRBUF_INIT;
	int i;

	assert(ncols > 0 && ncols <= BATCH_MAX_COLS);
	b = xcalloc(1, sizeof(*b));
	b->st = st;
	b->table = xstrdup(table);
	for (i = 0; i < ncols; i++)
		strbuf_addf(&list, "%s%s", i ? ", " : "", cols[i]);
	b->collist = strbuf_detach(&list, NULL);
	b->ncols = ncols;
	strbuf_init(&b->arena, 1 << 14);
	strbuf_init(&b->sql, 0);
	return b;
}

void store_batch_free(struct store_batch *b)
{
	if (!b)
		return;
	free(b->table);
	free(b->collist);
	strbuf_release(&b->arena);
	strbuf_release(&b->sql);
	free(b);
}

static struct bvalue *next_value(struct store_batch *b)
{
	assert(b->ncur < b->ncols && b->nrows < BATCH_ROWS);
	return &b->vals[b->nrows * (size_t)b->ncols + (size_t)b->ncur++];
}

static void add_bytes(struct store_batch *b, enum bv_kind kind, const void *v,
		      size_t len)
{
	struct bvalue *bv = next_value(b);

	bv->kind = kind;
	bv->u.s.off = b->arena.len;
	bv->u.s.len = len;
	strbuf_add(&b->arena, v, len);
}

void store_batch_text(struct store_batch *b, const char *v, size_t len)
{
	add_bytes(b, BV_TEXT, v, len);
}

void store_batch_str(struct store_batch *b, const char *v)
{
	if (!v || !*v)
		store_batch_null(b);
	else
		add_bytes(b, BV_TEXT, v, strlen(v));
}

void store_batch_blob(struct store_batch *b, const void *v, size_t len)
{
	add_bytes(b, BV_BLOB, v, len);
}

void store_batch_int64(struct store_batch *b, int64_t v)
{
	struct bvalue *bv = next_value(b);
	bv->kind = BV_INT;
	bv->u.i = v;
}

void store_batch_double(struct store_batch *b, double v)
{
	struct bvalue *bv = next_value(b);
	bv->kind = BV_DOUBLE;
	bv->u.d = v;
}

void store_batch_null(struct store_batch *b)
{
	next_value(b)->kind = BV_NULL;
}

bool store_batch_end_row(struct store_batch *b)
{
	assert(b->ncur == b->ncols);
	b->ncur = 0;
	b->nrows++;
	return b->nrows == BATCH_ROWS;
}

size_t store_batch_pending(const struct store_batch *b)
{
	return b->nrows;
}

int store_batch_flush(struct store_batch *b)
{
	struct store_stmt *s;
	size_t r, n = b->nrows * (size_t)b->ncols, i;
	int c, rc;

	if (!b->nrows)
		return HW_OK;
	if (b->nrows == BATCH_ROWS && b->full) {
		/* Full batches are the common case: skip building the SQL
		 * and looking it up in the statement cache. */
		s = b->full;
	} else {
		strbuf_reset(&b->sql);
		strbuf_addf(&b->sql, "INSERT INTO %s(%s) VALUES ", b->table,
			    b->collist);
		for (r = 0; r < b->nrows; r++) {
			strbuf_addstr(&b->sql, r ? ",(" : "(");
			for (c = 0; c < b->ncols; c++)
				strbuf_addstr(&b->sql, c ? ",?" : "?");
			strbuf_addch(&b->sql, ')');
		}
		rc = store_prepare(b->st, b->sql.buf, &s);
		if (rc)
			goto out;
		if (b->nrows == BATCH_ROWS)
			b->full = s;
	}
	for (i = 0; i < n; i++) {
		const struct bvalue *bv = &b->vals[i];
		int p = (int)i + 1;
		switch (bv->kind) {
		case BV_NULL: store_bind_null(s, p); break;
		case BV_INT: store_bind_int64(s, p, bv->u.i); break;
		case BV_DOUBLE: store_bind_double(s, p, bv->u.d); break;
		case BV_TEXT:
			store_bind_text(s, p, b->arena.buf + bv->u.s.off, bv->u.s.len);
			break;
		case BV_BLOB:
			store_bind_blob(s, p, b->arena.buf + bv->u.s.off, bv->u.s.len);
			break;
		}
	}
	rc = store_run(s);
out:
	b->nrows = 0;
	b->ncur = 0;
	strbuf_reset(&b->arena);
	return rc;
}
