/*
 * checkin.c: the check-in committer of a server (checkin.h).
 *
 * Request threads queue check-ins (checkin_submit) and park their
 * connections; one thread takes everything queued, writes it in one
 * transaction, and only then hands each submitter its result, which
 * resumes its connection. With SQLite in WAL mode a commit is one append
 * to the log (and one fsync of it), so a batch of a thousand check-ins
 * costs about what one costs: the throughput comes from the batching, and
 * the durability rule (never acknowledge before commit) holds for every
 * check-in.
 *
 * A second thread checkpoints the WAL beside the committer, so that the
 * copying back into the database file and its fsync never happen inside a
 * batch's commit (see checkpointer()).
 *
 * The committer also keeps the Server-Sent Event streams of the board: a
 * stream with nothing to send parks its connection here, and the
 * committer wakes all parked streams after each batch and once a second
 * (which also covers status changes written elsewhere: SMS replies,
 * officers' calls, the outbox).
 *
 * Lifetime: the struct is reference-counted, because the server may still
 * call a stream's callbacks after checkin_stop() (the streams end then)
 * and must not find it freed. `refs_lock` guards the owner's slot and
 * every count.
 */
#include "core/homeward.h"
#include "crisis/checkin.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/audit.h"
#include "store/db.h"
#include "crisis/roster.h"
#include "store/store.h"
#include "core/strbuf.h"
#include "core/time.h"

/* How often the checkpointer looks for committed batches to copy from
 * the WAL into the database file. */
#define CHECKPOINT_EVERY_MS 250

/*
 * The pause after each batch while more check-ins wait, with the write
 * lock free: half as long as the batch took, within these bounds. Under a
 * flood of check-ins the committer would otherwise take the lock back a
 * few microseconds after each commit, and the other writers of the server
 * (the outbox's dispatchers, officers, SMS replies), which wait for it by
 * sleeping and retrying (SQLite's busy handler), would almost never find
 * it free: measured, the dispatcher sent 200 messages in 25 s under load
 * instead of 1,430 in 4 s. Leaving the lock free a third of the time lets
 * them in within a few retries; the check-ins arriving meanwhile join the
 * next, larger batch. (Free half the time, the dispatcher was a little
 * faster and the check-ins 15% slower.)
 */
#define BATCH_GAP_MIN_US 100
#define BATCH_GAP_MAX_US 1000

struct checkin {
	struct db db;                  /* the committer's own connection */
	struct db ckpt_db;             /* the checkpointer's */
	pthread_t thread, ckpt_thread;
	bool running, ckpt_running;

	pthread_mutex_t lock;          /* guards everything below */
	pthread_cond_t wake, ckpt_wake;
	bool stopping;
	struct checkin_item *head, *tail;
	struct checkin_waiter *parked;
	size_t nparked, aparked;
	uint64_t batches;              /* committed so far */

	unsigned refs;                 /* guarded by refs_lock */
};

static pthread_mutex_t refs_lock = PTHREAD_MUTEX_INITIALIZER;

struct checkin *checkin_get(struct checkin *const *slot)
{
	struct checkin *c;

	pthread_mutex_lock(&refs_lock);
	c = *slot;
	if (c)
		c->refs++;
	pthread_mutex_unlock(&refs_lock);
	return c;
}

static void checkin_free(struct checkin *c)
{
	db_release(&c->db);
	db_release(&c->ckpt_db);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->wake);
	pthread_cond_destroy(&c->ckpt_wake);
	free(c->parked);
	free(c);
}

void checkin_put(struct checkin *c)
{
	bool last;

	if (!c)
		return;
	pthread_mutex_lock(&refs_lock);
	last = --c->refs == 0;
	pthread_mutex_unlock(&refs_lock);
	if (last)
		checkin_free(c);
}

/* Wake the parked streams. Called with c->lock held. */
static void wake_parked(struct checkin *c)
{
	for (size_t i = 0; i < c->nparked; i++)
		c->parked[i].wake(c->parked[i].cls);
	c->nparked = 0;
}

void checkin_wake_streams(struct checkin *c)
{
	pthread_mutex_lock(&c->lock);
	wake_parked(c);
	pthread_mutex_unlock(&c->lock);
}

bool checkin_park_stream(struct checkin *c, const struct checkin_waiter *w)
{
	pthread_mutex_lock(&c->lock);
	if (c->stopping) {
		pthread_mutex_unlock(&c->lock);
		return false;
	}
	if (c->nparked == c->aparked) {
		c->aparked = c->aparked ? 2 * c->aparked : 16;
		c->parked = xrealloc(c->parked, c->aparked * sizeof(*c->parked));
	}
	/* Parked under the lock that wake_parked() takes, so that a wake
	 * never comes before its park. */
	w->park(w->cls);
	c->parked[c->nparked++] = *w;
	pthread_mutex_unlock(&c->lock);
	return true;
}

int checkin_submit(struct checkin *c, struct checkin_item *it)
{
	pthread_mutex_lock(&c->lock);
	if (c->stopping) {
		pthread_mutex_unlock(&c->lock);
		return HW_EIO;
	}
	it->next = NULL;
	if (c->tail)
		c->tail->next = it;
	else
		c->head = it;
	c->tail = it;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	return HW_OK;
}

/* Write one check-in inside the open transaction: the status change with
 * its roster_event row, and its audit entry. */
static int apply(struct checkin *c, struct checkin_item *it, struct strbuf *err)
{
	char object[32], detail[96];
	int rc;

	rc = roster_set_status(c->db.st, it->incident, it->person, it->status,
			       it->source, it->actor, NULL, &it->answer, err);
	if (rc)
		return rc;
	snprintf(object, sizeof(object), "person:%lld", (long long)it->person);
	snprintf(detail, sizeof(detail), "incident %lld: %s (%s)",
		 (long long)it->incident, it->status, it->source);
	return audit_append(c->db.st, it->actor, "roster-checkin", object, detail,
			    it->address[0] ? it->address : NULL, err);
}

/* Whether a failure belongs to the item alone (it wrote nothing), as
 * opposed to the database failing under the whole batch. */
static bool item_error(int rc)
{
	return rc == HW_EINPUT || rc == HW_ENOTFOUND;
}

/* Write `batch` in one transaction; on a database failure, write its
 * items one transaction each so that one bad item does not sink the
 * others. Sets every item's rc. */
static void commit_batch(struct checkin *c, struct checkin_item *batch)
{
	struct strbuf err = STRBUF_INIT;
	struct checkin_item *it;
	int rc;

	if ((rc = store_begin(c->db.st)))
		goto one_by_one;
	for (it = batch; it; it = it->next) {
		it->rc = apply(c, it, &err);
		if (it->rc && !item_error(it->rc)) {
			store_rollback(c->db.st);
			goto one_by_one;
		}
	}
	if (store_commit(c->db.st) == HW_OK)
		goto out;
	store_rollback(c->db.st);
one_by_one:
	fprintf(stderr, "homeward serve: a check-in batch failed (%s%s); "
		"writing its check-ins one by one\n", store_errmsg(c->db.st),
		err.len ? err.buf : "");
	for (it = batch; it; it = it->next) {
		strbuf_reset(&err);
		if ((it->rc = store_begin(c->db.st)))
			continue;
		it->rc = apply(c, it, &err);
		if (it->rc || (it->rc = store_commit(c->db.st)))
			store_rollback(c->db.st);
		if (it->rc && !item_error(it->rc))
			fprintf(stderr, "homeward serve: cannot record a check-in of "
				"person %lld: %s\n", (long long)it->person, err.buf);
	}
out:
	strbuf_release(&err);
}

static void *committer(void *arg)
{
	struct checkin *c = arg;
	struct checkin_item *batch, *it, *next;
	struct timespec until;
	double t0, t1;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!c->head && !c->stopping) {
			time_deadline_ms(&until, 1000);
			if (pthread_cond_timedwait(&c->wake, &c->lock, &until) == ETIMEDOUT)
				wake_parked(c);
		}
		if (!c->head)
			break;  /* stopping, and everything queued is written */
		batch = c->head;
		c->head = c->tail = NULL;
		pthread_mutex_unlock(&c->lock);

		t0 = time_mono();
		commit_batch(c, batch);
		t1 = time_mono();
		for (it = batch; it; it = next) {
			next = it->next;
			it->done(it);  /* `it` may be freed from here on */
		}

		pthread_mutex_lock(&c->lock);
		c->batches++;
		wake_parked(c);
		if (c->head && !c->stopping) {
			long us = (long)((t1 - t0) * 1e6 / 2);

			pthread_mutex_unlock(&c->lock);
			usleep((useconds_t)(us < BATCH_GAP_MIN_US ? BATCH_GAP_MIN_US :
					    us > BATCH_GAP_MAX_US ? BATCH_GAP_MAX_US : us));
			pthread_mutex_lock(&c->lock);
		}
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/*
 * The checkpointer: copies committed pages from the WAL into the database
 * file. SQLite does this inside whichever commit crosses its threshold,
 * fsync included, which would stall the committer (and every check-in
 * waiting on it) for the length of a checkpoint every thousand pages. A
 * PASSIVE checkpoint on a connection of its own runs beside the writer
 * instead, and the committer's connection never checkpoints.
 */
static void *checkpointer(void *arg)
{
	struct checkin *c = arg;
	struct timespec until;
	uint64_t seen = 0;

	pthread_mutex_lock(&c->lock);
	while (!c->stopping) {
		time_deadline_ms(&until, CHECKPOINT_EVERY_MS);
		pthread_cond_timedwait(&c->ckpt_wake, &c->lock, &until);
		if (c->batches == seen || c->stopping)
			continue;
		seen = c->batches;
		pthread_mutex_unlock(&c->lock);
		/* Busy (a reader holds old pages) is fine: the next round
		 * copies what this one could not. */
		store_checkpoint(c->ckpt_db.st);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* Stop the threads: the committer writes what is queued first. */
static void stop_threads(struct checkin *c)
{
	pthread_mutex_lock(&c->lock);
	c->stopping = true;
	pthread_cond_signal(&c->wake);
	pthread_cond_signal(&c->ckpt_wake);
	pthread_mutex_unlock(&c->lock);
	if (c->running)
		pthread_join(c->thread, NULL);
	if (c->ckpt_running)
		pthread_join(c->ckpt_thread, NULL);
	c->running = c->ckpt_running = false;
}

int checkin_start(struct checkin **slot, const char *db_path,
		  const char *key_path, enum store_sync sync, struct strbuf *err)
{
	struct checkin *c = xcalloc(1, sizeof(*c));
	int rc;

	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	pthread_cond_init(&c->ckpt_wake, NULL);
	c->refs = 1;
	if ((rc = db_open(&c->db, db_path, key_path, 0, err)) ||
	    (rc = db_open(&c->ckpt_db, db_path, key_path, 0, err)))
		goto fail;
	/* The checkpointer does the copying back, never a commit here. */
	if ((rc = store_set_sync(c->db.st, sync)) ||
	    (rc = store_defer_checkpoints(c->db.st))) {
		strbuf_addf(err, "cannot set up the check-in committer: %s",
			    store_errmsg(c->db.st));
		goto fail;
	}
	if (pthread_create(&c->ckpt_thread, NULL, checkpointer, c)) {
		strbuf_addstr(err, "cannot start the check-in checkpointer thread");
		rc = HW_EINTERNAL;
		goto fail;
	}
	c->ckpt_running = true;
	if (pthread_create(&c->thread, NULL, committer, c)) {
		strbuf_addstr(err, "cannot start the check-in committer thread");
		rc = HW_EINTERNAL;
		goto fail;
	}
	c->running = true;
	*slot = c;
	return HW_OK;
fail:
	stop_threads(c);
	checkin_free(c);
	return rc;
}

void checkin_stop(struct checkin **slot)
{
	struct checkin *c;

	if (!slot)
		return;
	pthread_mutex_lock(&refs_lock);
	c = *slot;
	*slot = NULL;
	pthread_mutex_unlock(&refs_lock);
	if (!c)
		return;
	stop_threads(c);
	checkin_wake_streams(c);
	checkin_put(c);
}
