/*
 * outbox_dispatch.c: the dispatchers that empty the outbox (outbox.h),
 * run by `homeward dispatch` and by `serve`.
 *
 * One thread per configured channel, each with its own database
 * connection and its channel (channel.h), loops: claim a batch of due
 * rows (one transaction: state 'sending', attempts + 1, a lease in
 * claimed_by / claimed_until), hand them to the channel as its
 * connections and the rate limit (a token bucket) allow, and as sends
 * finish, record each outcome and release its claim (one transaction per
 * round of finished sends): 'sent' with the provider's id, 'failed' with
 * the time of its next attempt (exponential backoff with jitter), or
 * 'dead'. A claim that is never released (the process died) expires, and
 * the row becomes due again. One more thread runs the escalation ladder
 * every few seconds.
 *
 * Why a message is not sent twice: a row is claimed by one dispatcher at
 * a time (the claim is an UPDATE inside a write transaction, so two
 * dispatchers, even in two processes, never claim the same row), and its
 * release records the send in the same transaction. Only the messages in
 * flight when a dispatcher dies, and those finished but not yet recorded
 * (the round in progress), can go out again when their lease expires, and
 * they go with the same idempotency key.
 */
#include "core/homeward.h"
#include "crisis/outbox.h"
#include "core/time.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "crisis/channel.h"
#include "core/cli.h"
#include "store/db.h"
#include "store/store.h"

/* A claimed message: what the channel sees, and what the dispatcher
 * keeps besides. */
struct job {
	struct channel_msg m;   /* first: a channel_msg * is a job * */
	int64_t kin;
	int64_t attempts;
};

struct worker {
	struct outbox_runner *r;
	int kind;                  /* an enum outbox_channel, or -1: escalation */
	pthread_t thread;
	bool started;
	struct channel *channel;   /* set while running, under r->lock */
	atomic_llong sent, retried, dead;
};

struct outbox_runner {
	struct outbox_settings set;
	char *db_path, *key_path;
	bool once;
	atomic_bool stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct worker workers[OUTBOX_NCHANNELS + 1];
	size_t nworkers;
	char claimer[96];          /* host:pid, the claimed_by of this process */
};

static bool stopping(struct outbox_runner *r)
{
	return atomic_load(&r->stop);
}

/* Sleep up to `ms`, or until the runner stops. */
static void nap(struct outbox_runner *r, int64_t ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	time_deadline_ms(&ts, ms);
	pthread_mutex_lock(&r->lock);
	if (!stopping(r))
		pthread_cond_timedwait(&r->cond, &r->lock, &ts);
	pthread_mutex_unlock(&r->lock);
}

/* ---- Rate limit ---- */

/* A token bucket: `rate` tokens a second, up to one second's worth (at
 * least one) saved up. rate 0: no limit. */
struct bucket {
	double rate, tokens, cap;
	double last;
};

static void bucket_init(struct bucket *b, double rate)
{
	b->rate = rate;
	b->cap = rate > 1 ? rate : 1;
	b->tokens = b->cap;
	b->last = time_mono();
}

static bool bucket_take(struct bucket *b)
{
	double now;

	if (b->rate <= 0)
		return true;
	now = time_mono();
	b->tokens += (now - b->last) * b->rate;
	if (b->tokens > b->cap)
		b->tokens = b->cap;
	b->last = now;
	if (b->tokens < 1)
		return false;
	b->tokens -= 1;
	return true;
}

/* Milliseconds until the next token. */
static int bucket_wait_ms(const struct bucket *b)
{
	double ms;

	if (b->rate <= 0 || b->tokens >= 1)
		return 0;
	ms = (1 - b->tokens) / b->rate * 1000;
	return ms < 1 ? 1 : ms > 1000 ? 1000 : (int)ms;
}

/* ---- Claims and outcomes ---- */

static void job_free(struct job *j)
{
	if (!j)
		return;
	free(j->m.recipient);
	free(j->m.subject);
	free(j->m.body);
	free(j);
}

/* Claim up to `want` due messages of `kind` into q[*n ...]. */
static int claim(struct store *st, const struct outbox_settings *set, int kind,
		 const char *claimer, size_t want, struct job **q, size_t *n,
		 struct strbuf *err)
{
	struct store_stmt *s;
	int64_t now = time_now_ms();
	int rc;

	if ((rc = store_begin(st)))
		goto dberr;
	if ((rc = store_prepare(st, "UPDATE message SET state = 'sending', attempts = "
				"attempts + 1, claimed_by = ?1, claimed_until = ?2, "
				"next_attempt_at = ?2 WHERE id IN (SELECT id FROM message "
				"WHERE channel = ?3 AND state IN ('queued', 'sending', 'failed') "
				"AND next_attempt_at <= ?4 ORDER BY next_attempt_at LIMIT ?5) "
				"RETURNING id, incident_id, person_id, kin_id, recipient, "
				"subject, body, attempts", &s)))
		goto rollback;
	store_bind_str(s, 1, claimer);
	store_bind_int64(s, 2, now + set->lease_s * 1000);
	store_bind_str(s, 3, outbox_channel_name(kind));
	store_bind_int64(s, 4, now);
	store_bind_int64(s, 5, (int64_t)want);
	while ((rc = store_step(s)) == STORE_ROW) {
		struct job *j = xcalloc(1, sizeof(*j));
		const char *subject = store_col_text(s, 5, NULL);
		j->m.id = store_col_int64(s, 0);
		j->m.incident = store_col_int64(s, 1);
		j->m.person = store_col_int64(s, 2);
		j->kin = store_col_int64(s, 3);
		j->m.recipient = xstrdup(store_col_text(s, 4, NULL));
		j->m.subject = subject ? xstrdup(subject) : NULL;
		j->m.body = xstrdup(store_col_text(s, 6, NULL));
		j->attempts = store_col_int64(s, 7);
		q[(*n)++] = j;
	}
	store_reset(s);
	if (rc < 0)
		goto rollback;
	if ((rc = store_commit(st)))
		goto dberr;
	return HW_OK;
rollback:
	strbuf_addf(err, "cannot claim messages: %s", store_errmsg(st));
	store_rollback(st);
	/* The rows read are not claimed: forget them. */
	while (*n)
		job_free(q[--(*n)]);
	return rc < 0 ? rc : HW_EDB;
dberr:
	strbuf_addf(err, "cannot claim messages: %s", store_errmsg(st));
	return rc < 0 ? rc : HW_EDB;
}

/* The delay before attempt `attempts` + 1: the base doubled for each
 * attempt made, capped, then between half and all of it (jitter, so
 * that retries after a provider's outage do not all come back at once). */
static int64_t backoff_ms(const struct outbox_settings *set, int64_t attempts)
{
	int64_t d = set->backoff_ms;

	for (int64_t i = 1; i < attempts && d < set->backoff_max_ms; i++)
		d *= 2;
	if (d > set->backoff_max_ms)
		d = set->backoff_max_ms;
	return d / 2 + (int64_t)randombytes_uniform((uint32_t)(d / 2 + 1));
}

/* Record the outcome of one message and release its claim. */
static int record(struct store *st, const struct outbox_settings *set, int kind,
		  const char *claimer, struct job *j, struct worker *w,
		  struct strbuf *err)
{
	struct store_stmt *s;
	struct channel_msg *m = &j->m;
	int64_t now = time_now_ms();
	char nowtext[TIME_ISO_SIZE];
	bool matched = false;
	int rc;

	time_iso_now(nowtext);
	if (m->outcome == CHANNEL_SENT) {
		/* A receipt may have marked it delivered already. */
		if ((rc = store_prepare(st, "UPDATE message SET state = CASE state WHEN "
					"'delivered' THEN 'delivered' ELSE 'sent' END, provider_id = "
					"coalesce(provider_id, ?1), sent_at = ?2, claimed_by = NULL, "
					"claimed_until = NULL, last_error = NULL WHERE id = ?3 AND "
					"claimed_by = ?4 AND state IN ('sending', 'delivered') "
					"RETURNING id", &s)))
			return rc;
		store_bind_str(s, 1, m->provider_id);
		store_bind_str(s, 2, nowtext);
		store_bind_int64(s, 3, m->id);
		store_bind_str(s, 4, claimer);
		rc = store_step(s);
		matched = rc == STORE_ROW;
		store_reset(s);
		if (rc < 0)
			return rc;
		atomic_fetch_add(&w->sent, 1);
		if (!matched) {
			fprintf(stderr, "homeward dispatch: %s: message %" PRId64 " was sent "
				"after its claim expired\n", outbox_channel_name(kind), m->id);
			return HW_OK;
		}
		if (!j->kin)
			return outbox_after_send(st, set, m->incident, m->person,
						 outbox_channel_name(kind), now, err);
		return HW_OK;
	}
	if (m->outcome == CHANNEL_RETRY && j->attempts < set->max_attempts) {
		int64_t delay = backoff_ms(set, j->attempts);
		if ((rc = store_prepare(st, "UPDATE message SET state = 'failed', "
					"next_attempt_at = ?1, last_error = ?2, claimed_by = NULL, "
					"claimed_until = NULL WHERE id = ?3 AND claimed_by = ?4 "
					"AND state = 'sending'", &s)))
			return rc;
		store_bind_int64(s, 1, now + delay);
		store_bind_str(s, 2, m->error);
		store_bind_int64(s, 3, m->id);
		store_bind_str(s, 4, claimer);
		atomic_fetch_add(&w->retried, 1);
		fprintf(stderr, "homeward dispatch: %s: message %" PRId64 ", attempt %"
			PRId64 " of %" PRId64 ": %s; next in %.1f s\n",
			outbox_channel_name(kind), m->id, j->attempts, set->max_attempts,
			m->error, delay / 1000.0);
		return store_run(s);
	}
	if ((rc = store_prepare(st, "UPDATE message SET state = 'dead', last_error = ?1, "
				"claimed_by = NULL, claimed_until = NULL WHERE id = ?2 AND "
				"claimed_by = ?3 AND state = 'sending'", &s)))
		return rc;
	store_bind_str(s, 1, m->error);
	store_bind_int64(s, 2, m->id);
	store_bind_str(s, 3, claimer);
	atomic_fetch_add(&w->dead, 1);
	fprintf(stderr, "homeward dispatch: %s: message %" PRId64 " is dead after %"
		PRId64 " attempts: %s\n", outbox_channel_name(kind), m->id, j->attempts,
		m->error);
	return store_run(s);
}

/* Record a round of finished messages in one transaction. On failure
 * they stay in `fin` to be recorded at the next round (their claims hold
 * meanwhile). */
static int record_all(struct store *st, struct worker *w, struct job **fin,
		      size_t *nfin, struct strbuf *err)
{
	struct outbox_runner *r = w->r;
	int rc;

	if (!*nfin)
		return HW_OK;
	if ((rc = store_begin(st)))
		goto fail;
	for (size_t i = 0; i < *nfin; i++)
		if ((rc = record(st, &r->set, w->kind, r->claimer, fin[i], w, err))) {
			store_rollback(st);
			goto fail;
		}
	if ((rc = store_commit(st)))
		goto fail;
	for (size_t i = 0; i < *nfin; i++)
		job_free(fin[i]);
	*nfin = 0;
	return HW_OK;
fail:
	strbuf_addf(err, "cannot record sends: %s", store_errmsg(st));
	return rc < 0 ? rc : HW_EDB;
}

/* Give back claims that were never sent: due again at once, the attempt
 * not counted. */
static void release(struct store *st, const char *claimer, struct job **q, size_t *n)
{
	struct store_stmt *s;

	if (!*n)
		return;
	if (!store_begin(st)) {
		for (size_t i = 0; i < *n; i++) {
			if (store_prepare(st, "UPDATE message SET state = CASE WHEN attempts "
					  "> 1 THEN 'failed' ELSE 'queued' END, attempts = "
					  "attempts - 1, next_attempt_at = ?, claimed_by = NULL, "
					  "claimed_until = NULL WHERE id = ? AND claimed_by = ? "
					  "AND state = 'sending'", &s))
				break;
			store_bind_int64(s, 1, time_now_ms());
			store_bind_int64(s, 2, q[i]->m.id);
			store_bind_str(s, 3, claimer);
			store_run(s);
		}
		if (store_commit(st))
			store_rollback(st);
	}
	while (*n)
		job_free(q[--(*n)]);
}

/* With --once: is anything of this channel left to send or retry? When
 * so, *wait_ms gets how long until the next is due. */
static int pending(struct store *st, int kind, bool *left, int64_t *wait_ms)
{
	struct store_stmt *s;
	int rc;

	if ((rc = store_prepare(st, "SELECT min(next_attempt_at) FROM message WHERE "
				"channel = ? AND state IN ('queued', 'sending', 'failed')", &s)))
		return rc;
	store_bind_str(s, 1, outbox_channel_name(kind));
	rc = store_step(s);
	*left = rc == STORE_ROW && !store_col_null(s, 0);
	*wait_ms = *left ? store_col_int64(s, 0) - time_now_ms() : 0;
	store_reset(s);
	return rc < 0 ? rc : HW_OK;
}

/* ---- The threads ---- */

#define CLAIM_MAX 512

static void *channel_main(void *arg)
{
	struct worker *w = arg;
	struct outbox_runner *r = w->r;
	const struct outbox_settings *set = &r->set;
	const char *name = outbox_channel_name(w->kind);
	struct strbuf err = STRBUF_INIT;
	struct db db = { 0 };
	struct channel *ch = NULL;
	struct job **queue = NULL, **fin = NULL;
	struct channel_msg **done = NULL;
	size_t nq = 0, qhead = 0, nfin = 0, slots = (size_t)set->connections[w->kind];
	struct bucket bucket;
	double drain_until;

	if (db_open(&db, r->db_path, r->key_path, 0, &err) ||
	    channel_new(w->kind, set, &ch, &err)) {
		fprintf(stderr, "homeward dispatch: %s: %s\n", name, err.buf);
		goto out;
	}
	pthread_mutex_lock(&r->lock);
	w->channel = ch;
	pthread_mutex_unlock(&r->lock);
	queue = xcalloc(CLAIM_MAX, sizeof(*queue));
	fin = xcalloc(CLAIM_MAX + slots, sizeof(*fin));
	done = xcalloc(slots, sizeof(*done));
	bucket_init(&bucket, set->rate[w->kind]);

	while (!stopping(r)) {
		int timeout = (int)set->poll_ms;
		size_t n = 0;
		bool claimed = false;

		/* Claim when everything claimed has been handed out: about a
		 * second's worth at the rate limit, else a few rounds of
		 * connections, so that nothing waits long on its lease. */
		if (qhead == nq && !nfin && channel_idle(ch)) {
			size_t want = set->rate[w->kind] > 0
				      ? (size_t)(set->rate[w->kind] < 1 ? 1 : set->rate[w->kind])
				      : 8 * slots;
			qhead = nq = 0;
			if (want > CLAIM_MAX)
				want = CLAIM_MAX;
			strbuf_reset(&err);
			if (claim(db.st, set, w->kind, r->claimer, want, queue, &nq, &err))
				fprintf(stderr, "homeward dispatch: %s: %s\n", name, err.buf);
			claimed = nq > 0;
		}
		/* Nothing new goes out while sends are unrecorded (a failed
		 * commit, retried below): that bounds what a crash can make
		 * go twice to the channel's connections. */
		while (qhead < nq && !nfin && channel_idle(ch) && bucket_take(&bucket))
			channel_send(ch, &queue[qhead++]->m);
		if (nfin)
			timeout = 200;   /* the database refused: not in a spin */
		else if (channel_busy(ch))
			timeout = 50;
		else if (qhead < nq)
			timeout = bucket_wait_ms(&bucket);
		else if (claimed)
			timeout = 0;
		if (!channel_busy(ch) && qhead == nq && !claimed && r->once) {
			bool left = true;
			int64_t wait = timeout;
			if (pending(db.st, w->kind, &left, &wait) == HW_OK && !left &&
			    nfin == 0)
				break;
			if (wait < timeout)
				timeout = wait < 1 ? 1 : (int)wait;
		}
		if (channel_run(ch, timeout, done, slots, &n)) {
			fprintf(stderr, "homeward dispatch: %s: libcurl failed\n", name);
			break;
		}
		for (size_t i = 0; i < n; i++)
			fin[nfin++] = (struct job *)done[i];
		strbuf_reset(&err);
		if (nfin && record_all(db.st, w, fin, &nfin, &err))
			fprintf(stderr, "homeward dispatch: %s: %s\n", name, err.buf);
	}

	/* Stopping: what is in flight finishes (up to its time limit) and is
	 * recorded; what was claimed but not sent is given back. */
	drain_until = time_mono() + (double)set->timeout_s + 1;
	while (channel_busy(ch) && time_mono() < drain_until) {
		size_t n = 0;
		if (channel_run(ch, 100, done, slots, &n))
			break;
		for (size_t i = 0; i < n; i++)
			fin[nfin++] = (struct job *)done[i];
	}
	for (int tries = 0; nfin && tries < 5; tries++) {
		strbuf_reset(&err);
		if (record_all(db.st, w, fin, &nfin, &err))
			fprintf(stderr, "homeward dispatch: %s: %s\n", name, err.buf);
	}
	{
		size_t left = nq - qhead;
		memmove(queue, queue + qhead, left * sizeof(*queue));
		release(db.st, r->claimer, queue, &left);
	}
out:
	pthread_mutex_lock(&r->lock);
	w->channel = NULL;
	pthread_mutex_unlock(&r->lock);
	/* Messages still in flight after the drain are abandoned: their
	 * claims expire and they go again, with the same key. */
	channel_free(ch);
	for (size_t i = 0; i < nfin; i++)
		job_free(fin[i]);
	free(queue);
	free(fin);
	free(done);
	db_release(&db);
	strbuf_release(&err);
	return NULL;
}

static void escalate_once(struct outbox_runner *r, struct store *st)
{
	struct strbuf err = STRBUF_INIT;
	struct outbox_escalated done;

	if (outbox_escalate(st, &r->set, time_now_ms(), &done, &err))
		fprintf(stderr, "homeward dispatch: escalation: %s\n", err.buf);
	else if (done.messages || done.call_list)
		fprintf(stderr, "homeward dispatch: escalation: %" PRId64 " persons on "
			"other channels, %" PRId64 " through emergency contacts (%" PRId64
			" messages), %" PRId64 " on the call list\n", done.next_channel,
			done.kin, done.messages, done.call_list);
	strbuf_release(&err);
}

/* How often the ladder is looked at: often enough for its delay. */
static int64_t escalate_period_ms(const struct outbox_settings *set)
{
	int64_t ms = set->escalate_after_s * 1000 / 4;

	return ms < 1000 ? 1000 : ms > 10000 ? 10000 : ms;
}

static void *escalate_main(void *arg)
{
	struct worker *w = arg;
	struct outbox_runner *r = w->r;
	struct strbuf err = STRBUF_INIT;
	struct db db = { 0 };

	if (db_open(&db, r->db_path, r->key_path, 0, &err)) {
		fprintf(stderr, "homeward dispatch: escalation: %s\n", err.buf);
		goto out;
	}
	while (!stopping(r)) {
		escalate_once(r, db.st);
		nap(r, escalate_period_ms(&r->set));
	}
out:
	db_release(&db);
	strbuf_release(&err);
	return NULL;
}

/* ---- The runner ---- */

int outbox_runner_start(const char *db_path, const char *key_path,
			const struct outbox_settings *set, bool once,
			struct outbox_runner **out, struct strbuf *err)
{
	struct outbox_runner *r;
	char host[64] = "localhost";
	int rc;

	*out = NULL;
	if ((rc = channel_global_init(err)))
		return rc;
	r = xcalloc(1, sizeof(*r));
	outbox_settings_copy(&r->set, set);
	r->db_path = xstrdup(db_path);
	r->key_path = key_path ? xstrdup(key_path) : NULL;
	r->once = once;
	atomic_init(&r->stop, false);
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	snprintf(r->claimer, sizeof(r->claimer), "%s:%ld", host, (long)getpid());
	*out = r;

	/* With --once, one pass of the ladder first, so that what it
	 * enqueues is sent in this run. */
	if (once) {
		struct db db = { 0 };
		if ((rc = db_open(&db, db_path, key_path, 0, err)))
			return rc;
		escalate_once(r, db.st);
		db_release(&db);
	}
	for (int k = 0; k < OUTBOX_NCHANNELS; k++) {
		struct worker *w;
		if (!outbox_channel_configured(set, k))
			continue;
		w = &r->workers[r->nworkers++];
		w->r = r;
		w->kind = k;
		if (pthread_create(&w->thread, NULL, channel_main, w)) {
			strbuf_addstr(err, "cannot start a dispatcher thread");
			return HW_EINTERNAL;
		}
		w->started = true;
	}
	if (!once) {
		struct worker *w = &r->workers[r->nworkers++];
		w->r = r;
		w->kind = -1;
		if (pthread_create(&w->thread, NULL, escalate_main, w)) {
			strbuf_addstr(err, "cannot start the escalation thread");
			return HW_EINTERNAL;
		}
		w->started = true;
	}
	return HW_OK;
}

void outbox_runner_wait(struct outbox_runner *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nworkers; i++)
		if (r->workers[i].started) {
			pthread_join(r->workers[i].thread, NULL);
			r->workers[i].started = false;
		}
}

void outbox_runner_stop(struct outbox_runner *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	atomic_store(&r->stop, true);
	pthread_cond_broadcast(&r->cond);
	for (size_t i = 0; i < r->nworkers; i++)
		if (r->workers[i].channel)
			channel_wakeup(r->workers[i].channel);
	pthread_mutex_unlock(&r->lock);
	outbox_runner_wait(r);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
	outbox_settings_release(&r->set);
	free(r->db_path);
	free(r->key_path);
	free(r);
}

void outbox_runner_totals(struct outbox_runner *r, int64_t *sent,
			  int64_t *retried, int64_t *dead)
{
	*sent = *retried = *dead = 0;
	for (size_t i = 0; r && i < r->nworkers; i++) {
		*sent += atomic_load(&r->workers[i].sent);
		*retried += atomic_load(&r->workers[i].retried);
		*dead += atomic_load(&r->workers[i].dead);
	}
}

/* ---- serve ---- */

struct outbox_server {
	struct outbox_settings set;
	struct outbox_runner *runner;
};

int outbox_start(struct outbox_server **out, const char *db_path,
		 const char *key_path, struct strbuf *err)
{
	struct outbox_server *o = xcalloc(1, sizeof(*o));
	bool any = false;
	int rc;

	outbox_settings_init(&o->set);
	*out = o;
	if ((rc = outbox_settings_check(&o->set, err)))
		return rc;
	for (int k = 0; k < OUTBOX_NCHANNELS; k++)
		any |= outbox_channel_configured(&o->set, k);
	/* Without a channel there is nothing to send: no threads. */
	if (!any)
		return HW_OK;
	return outbox_runner_start(db_path, key_path, &o->set, false, &o->runner, err);
}

void outbox_stop(struct outbox_server *o)
{
	if (!o)
		return;
	outbox_runner_stop(o->runner);
	outbox_settings_release(&o->set);
	free(o);
}

const struct outbox_settings *outbox_server_settings(const struct outbox_server *o)
{
	return o ? &o->set : NULL;
}

/* ---- homeward dispatch ---- */

int cmd_dispatch(int argc, char **argv)
{
	const char *dbflag = NULL;
	bool once = false;
	const struct opt opts[] = {
		OPT_DB(&dbflag),
		{ "once", OPT_FLAG, &once, NULL, "stop when nothing is left to send or retry (one escalation pass first)" },
		OPT_END,
	};
	struct outbox_settings set;
	struct outbox_runner *r = NULL;
	struct strbuf err = STRBUF_INIT;
	struct db db = { 0 };
	sigset_t sigs;
	int64_t sent, retried, dead;
	double t0;
	bool any = false;
	int rc;

	/* Every setting of the outbox is a flag here (settings.h). */
	if ((rc = opt_parse_only(opts, argc, argv)))
		return rc;
	outbox_settings_init(&set);
	if ((rc = outbox_settings_check(&set, &err)))
		goto out;
	for (int k = 0; k < OUTBOX_NCHANNELS; k++)
		any |= outbox_channel_configured(&set, k);
	if (!any) {
		strbuf_addstr(&err, "no channel has anywhere to send: give --smtp-url, "
			      "--sms-url or --webhook-url (or HOMEWARD_SMTP_URL...)");
		rc = HW_EINPUT;
		goto out;
	}
	/* The database must open (and be of this version) before threads
	 * start, so that a wrong path is one clear message. */
	if ((rc = db_open_cli(&db, argv[0], dbflag, NULL, 0)))
		goto out_quiet;
	db_release(&db);

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	t0 = time_mono();
	if ((rc = outbox_runner_start(cli_db_path(dbflag), NULL, &set, once, &r, &err))) {
		outbox_runner_stop(r);
		goto out;
	}
	if (!once) {
		int sig;
		fprintf(stderr, "homeward dispatch: running (%s%s%s); stop with SIGINT or SIGTERM\n",
			set.smtp_url ? "email " : "", set.sms_url ? "sms " : "",
			set.webhook_url ? "webhook" : "");
		sigwait(&sigs, &sig);
		fprintf(stderr, "homeward dispatch: stopping (signal %d)\n", sig);
	} else {
		/* Until the threads are done, or a signal says to stop. */
		struct timespec ts = { 0, 100 * 1000000 };
		bool all_done = false;
		while (!all_done) {
			if (sigtimedwait(&sigs, NULL, &ts) > 0)
				break;
			all_done = true;
			for (size_t i = 0; i < r->nworkers; i++)
				if (pthread_tryjoin_np(r->workers[i].thread, NULL) == 0)
					r->workers[i].started = false;
				else if (r->workers[i].started)
					all_done = false;
		}
	}
	outbox_runner_totals(r, &sent, &retried, &dead);
	outbox_runner_stop(r);
	t0 = time_mono() - t0;
	printf("dispatched %" PRId64 " messages in %.3f s (%.0f/s); %" PRId64
	       " retries, %" PRId64 " dead\n", sent, t0, sent / (t0 > 0 ? t0 : 1e-9),
	       retried, dead);
	rc = HW_OK;
	goto out_quiet;
out:
	if (rc)
		cli_error(argv[0], "%s", err.buf);
out_quiet:
	outbox_settings_release(&set);
	strbuf_release(&err);
	return rc;
}
