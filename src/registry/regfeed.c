/*
 * regfeed.c: the reader thread of an import (see regfeed.h).
 *
 * A ring of NCHUNK chunks, each CHUNK_ROWS rows whose buffers are reused
 * from one chunk to the next, so the steady state allocates nothing. The
 * reader fills chunk i % NCHUNK when the importer has given it back; the
 * importer takes chunks in the same order. One mutex and two condition
 * variables guard the ring's two counters.
 */
#include "core/homeward.h"
#include "core/csv.h"
#include "store/keyring.h"
#include "registry/regfeed.h"

#include <pthread.h>

#define NCHUNK 4
#define CHUNK_ROWS 512

struct regfeed {
	struct csv_reader *rd;
	const struct reg_header *h;
	struct keyring *keys;

	struct regfeed_chunk chunks[NCHUNK];
	uint64_t filled;     /* chunks the reader has completed */
	uint64_t taken;      /* chunks the importer has given back */
	bool eof;            /* the reader has reached the end (or failed) */
	int error;           /* HW_EIO / HW_EINTERNAL, or 0 */
	struct strbuf errmsg;
	bool stop;           /* the importer wants the reader to quit */

	pthread_mutex_t lock;
	pthread_cond_t can_fill, can_take;
	pthread_t thread;
	bool started;
};

static void read_row(struct regfeed *f, struct regfeed_row *row,
		     const struct csv_record *rec, int rc)
{
	row->line = rec->line;
	strbuf_reset(&row->raw);
	strbuf_add(&row->raw, rec->raw, rec->rawlen);
	strbuf_reset(&row->sealed_passport);
	row->csv_error = rc == HW_EINPUT;
	row->bad_col = -1;
	if (rc == HW_EINPUT) {
		row->status = HW_EINPUT;
		strbuf_reset(&row->external_id);
		return;
	}
	strbuf_reset(&row->msg);
	row->status = registrant_parse(&row->r, f->h, rec, &row->bad_col,
				       &row->msg);
	strbuf_reset(&row->external_id);
	if (row->status == HW_OK) {
		strbuf_add(&row->external_id, row->r.v[RC_EXTERNAL_ID],
			   row->r.len[RC_EXTERNAL_ID]);
	} else if ((size_t)f->h->map[RC_EXTERNAL_ID] < rec->nfields) {
		/* Keep the id of an invalid row, so that the importer can set
		 * aside the person's other rows with it. */
		const struct csv_field *fl = &rec->fields[f->h->map[RC_EXTERNAL_ID]];
		const char *s = fl->s, *e = fl->s + fl->len;
		while (s < e && *s == ' ')
			s++;
		while (e > s && e[-1] == ' ')
			e--;
		strbuf_add(&row->external_id, s, (size_t)(e - s));
	}
	if (row->status == HW_OK && row->r.len[RC_PASSPORT_NO]) {
		const char *pp = row->r.v[RC_PASSPORT_NO];
		size_t len = row->r.len[RC_PASSPORT_NO];
		keyring_seal(f->keys, "person.passport_no", pp, len,
			     &row->sealed_passport);
		row->passport_hash = keyring_hash(f->keys, "person.passport_no",
						  pp, len);
	}
}

static void *reader_main(void *arg)
{
	struct regfeed *f = arg;
	struct csv_record rec;
	uint64_t idx = 0;
	int rc = HW_OK;

	for (;;) {
		struct regfeed_chunk *c;
		struct regfeed_row *row = NULL;

		bool stop;

		pthread_mutex_lock(&f->lock);
		while (!f->stop && idx - f->taken >= NCHUNK)
			pthread_cond_wait(&f->can_fill, &f->lock);
		stop = f->stop;
		pthread_mutex_unlock(&f->lock);
		if (stop)
			break;
		c = &f->chunks[idx % NCHUNK];
		c->n = 0;
		while (c->n < CHUNK_ROWS) {
			row = &c->rows[c->n];
			strbuf_reset(&row->msg);
			rc = csv_read(f->rd, &rec, &row->msg);
			if (rc == HW_ENOTFOUND || rc == HW_EIO)
				break;
			read_row(f, row, &rec, rc);
			if (row->status != HW_OK && row->status != HW_EINPUT) {
				rc = row->status;
				break;
			}
			c->n++;
			rc = HW_OK;
		}
		c->offset = csv_reader_offset(f->rd);
		pthread_mutex_lock(&f->lock);
		if (rc != HW_OK) {
			f->eof = true;
			if (rc != HW_ENOTFOUND) {
				/* The failing row's message says what went wrong. */
				f->error = rc;
				strbuf_addstr(&f->errmsg, row->msg.buf);
			}
		}
		f->filled = ++idx;
		pthread_cond_signal(&f->can_take);
		pthread_mutex_unlock(&f->lock);
		if (rc != HW_OK)
			break;
	}
	return NULL;
}

struct regfeed *regfeed_start(struct csv_reader *rd, const struct reg_header *h,
			      struct keyring *keys)
{
	struct regfeed *f = xcalloc(1, sizeof(*f));
	size_t i, j;

	f->rd = rd;
	f->h = h;
	f->keys = keys;
	strbuf_init(&f->errmsg, 0);
	for (i = 0; i < NCHUNK; i++) {
		f->chunks[i].rows = xcalloc(CHUNK_ROWS, sizeof(struct regfeed_row));
		for (j = 0; j < CHUNK_ROWS; j++) {
			struct regfeed_row *row = &f->chunks[i].rows[j];
			registrant_init(&row->r);
			strbuf_init(&row->msg, 0);
			strbuf_init(&row->raw, 0);
			strbuf_init(&row->external_id, 0);
			strbuf_init(&row->sealed_passport, 0);
		}
	}
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->can_fill, NULL);
	pthread_cond_init(&f->can_take, NULL);
	if (pthread_create(&f->thread, NULL, reader_main, f)) {
		/* Without a thread, fail the first regfeed_next() cleanly. */
		f->eof = true;
		f->error = HW_EINTERNAL;
		strbuf_addstr(&f->errmsg, "cannot start the reader thread");
		f->filled = 0;
	} else {
		f->started = true;
	}
	return f;
}

int regfeed_next(struct regfeed *f, struct regfeed_chunk **out,
		 struct strbuf *err)
{
	int rc = HW_OK;

	*out = NULL;
	pthread_mutex_lock(&f->lock);
	while (f->filled == f->taken && !f->eof)
		pthread_cond_wait(&f->can_take, &f->lock);
	if (f->filled > f->taken) {
		*out = &f->chunks[f->taken % NCHUNK];
	} else if (f->error) {
		rc = f->error;
		strbuf_addbuf(err, &f->errmsg);
	} else {
		rc = HW_ENOTFOUND;
	}
	pthread_mutex_unlock(&f->lock);
	return rc;
}

void regfeed_done(struct regfeed *f, struct regfeed_chunk *c)
{
	pthread_mutex_lock(&f->lock);
	assert(c == &f->chunks[f->taken % NCHUNK]);
	f->taken++;
	pthread_cond_signal(&f->can_fill);
	pthread_mutex_unlock(&f->lock);
}

void regfeed_free(struct regfeed *f)
{
	size_t i, j;

	if (!f)
		return;
	if (f->started) {
		pthread_mutex_lock(&f->lock);
		f->stop = true;
		pthread_cond_signal(&f->can_fill);
		pthread_mutex_unlock(&f->lock);
		pthread_join(f->thread, NULL);
	}
	for (i = 0; i < NCHUNK; i++) {
		for (j = 0; j < CHUNK_ROWS; j++) {
			struct regfeed_row *row = &f->chunks[i].rows[j];
			registrant_release(&row->r);
			strbuf_release(&row->msg);
			strbuf_release(&row->raw);
			strbuf_release(&row->external_id);
			strbuf_release(&row->sealed_passport);
		}
		free(f->chunks[i].rows);
	}
	pthread_cond_destroy(&f->can_fill);
	pthread_cond_destroy(&f->can_take);
	pthread_mutex_destroy(&f->lock);
	strbuf_release(&f->errmsg);
	free(f);
}
