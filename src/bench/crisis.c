/*
 * bench_crisis.c: `homeward bench crisis`, the crisis response loop end to
 * end on a generated population, each step measured against the goal the
 * crisis issue set for this class of machine (2 cores):
 *
 *   roster_s       declaring an incident over about a million people:
 *                  the geo query, the roster rows and their events, the
 *                  audit entry and the commit (goal: under 1 s);
 *   enqueue_per_s  the outbox rows of one webhook message per roster
 *                  person, rendered, with their check-in tokens, in one
 *                  transaction as `homeward notify` writes them (goal:
 *                  200,000 a second);
 *   webhook_per_s  the dispatchers sending them to a local nginx that
 *                  answers every POST at once (goal: 10,000 a second);
 *   smtp_per_s     e-mails to Postfix's smtp-sink, a real and fast SMTP
 *                  server (goal: 2,000 a second);
 *   checkin_rps    check-in forms posted by wrk to /c/TOKEN, each
 *                  acknowledged only once its batch has committed (goal:
 *                  15,000 a second), with checkin_p99_ms.
 *
 * The area is chosen from the population: countries, by the geo engine's
 * count of persons present in each today, largest first, each taken if the
 * total stays within 5% above the target (--affected, a fifth of the
 * population by default: 1M of the default 5M), until it is within 5%
 * below. The roster's exact size is reported.
 *
 * Dispatch runs for at most --dispatch-seconds per channel (a million
 * webhooks at the goal's rate would take 100 s, a million e-mails 500 s):
 * the figure is the messages sent over the time taken, the number sent is
 * reported. The registry, the incident, the outbox and the dispatchers are
 * run inside this process through their modules' public functions, on
 * connections of their own, as the commands do; the check-ins go through
 * the real HTTP server (server_start) on a loopback port. wrk, nginx and
 * smtp-sink are children in process groups of their own (bench.c), and an
 * interruption stops them, the threads and removes the scratch directory.
 */
#include "core/homeward.h"
#include "bench/bench.h"
#include "core/time.h"
#include "auth/audit.h"
#include "core/cli.h"
#include "core/settings.h"
#include "store/db.h"
#include "geo/geo.h"
#include "geo/geoarea.h"
#include "crisis/incident.h"
#include "crisis/outbox.h"
#include "geo/refgeo.h"
#include "http/server.h"
#include "store/store.h"

#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>

#define CMD "bench crisis"
#define ACTOR "bench"
#define TOKENS_MAX 200000       /* the check-in links wrk picks from */
#define AREA_SLACK 0.05         /* the roster may miss its target by 5% */

/* The programs this bench drives, and the Debian packages that hold them. */
enum tool { TOOL_WRK, TOOL_NGINX, TOOL_SMTP_SINK, NTOOLS };
static const struct {
	const char *program;
	const char *package;
	bool installable;       /* root may apt-get it here */
} tool_info[NTOOLS] = {
	{ "wrk", "wrk", true },
	{ "nginx", "nginx-light", true },
	/* Installing Postfix runs its maintainer scripts, which may start
	 * and enable its daemon: scripts/install-deps.sh does it with care. */
	{ "smtp-sink", "postfix", false },
};

struct opts {
	int64_t people, affected, dispatch_s, duration, connections, threads;
	bool json;
};

/* What the run measured. */
struct figures {
	char countries[256];            /* "US,AU,RU" */
	int64_t expected;               /* the per-country counts' sum */
	int64_t incident, roster;
	double geo_load_s;
	double roster_s, query_s, writes_s;

	int64_t webhooks_queued, emails_queued;
	double enqueue_s, email_enqueue_s;

	int64_t webhooks_sent, webhook_retries, webhook_dead;
	double webhook_s;
	int64_t emails_sent, email_retries, email_dead, emails_received;
	double smtp_s;

	int64_t tokens;
	struct bench_wrk_result checkin;
	int64_t checkins_recorded;
};

/* What a run holds, released in one place (run_release). */
struct run {
	const struct opts *o;
	char dir[64];
	bool have_dir;
	char *tool[NTOOLS];
	struct strbuf db_path;
	struct outbox_settings set;     /* the dispatchers' */
	struct bench_nginx nginx;
	pid_t sink_pid;
	unsigned sink_port;
	struct server srv;
	bool srv_started;
	struct figures f;
};

static double per_s(int64_t n, double s)
{
	return s > 0 ? (double)n / s : 0;
}

static void progress(const struct run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void progress(const struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->o->json)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* --- tools and sinks ----------------------------------------------------- */

static int find_tools(struct run *r)
{
	int t, rc;

	for (t = 0; t < NTOOLS; t++) {
		if (tool_info[t].installable) {
			rc = bench_find_tool(CMD, tool_info[t].program,
					     tool_info[t].package, r->o->json,
					     &r->tool[t]);
			if (rc)
				return rc;
			continue;
		}
		r->tool[t] = bench_find_program(tool_info[t].program);
		if (!r->tool[t]) {
			cli_error(CMD, "%s is needed and missing: install the Debian "
				  "package %s with 'make deps' (as root), which "
				  "leaves its daemon stopped and disabled",
				  tool_info[t].program, tool_info[t].package);
			return HW_EIO;
		}
	}
	return HW_OK;
}

/* The webhook's receiver: nginx answering every POST with a provider id
 * of its own making, without reading anything from disk. */
static int start_webhook_sink(struct run *r)
{
	r->nginx.program = r->tool[TOOL_NGINX];
	r->nginx.dir = r->dir;
	r->nginx.workers = 1;
	r->nginx.connections = 1024;
	r->nginx.locations =
		"    location / {\n"
		"      return 200 '{\"id\":\"$request_id\"}';\n"
		"    }\n";
	return bench_nginx_start(CMD, &r->nginx);
}

/*
 * Postfix's smtp-sink: accepts every message and keeps nothing, printing
 * its running counts (-c) to smtp-sink.out. It refuses to run as root
 * unless told whom to become (-u), which would cost it the signal that
 * stops it with this process: it is started as nobody instead.
 */
static int start_smtp_sink(struct run *r)
{
	struct strbuf addr = STRBUF_INIT, outp = STRBUF_INIT;
	char *argv[6];
	int n = 0, fd, rc = HW_EIO;

	r->sink_port = bench_free_port();
	if (!r->sink_port) {
		cli_error(CMD, "cannot find a free port for smtp-sink");
		goto out;
	}
	strbuf_addf(&addr, "127.0.0.1:%u", r->sink_port);
	strbuf_addf(&outp, "%s/smtp-sink.out", r->dir);
	argv[n++] = r->tool[TOOL_SMTP_SINK];
	argv[n++] = (char *)"-c";
	argv[n++] = addr.buf;
	argv[n++] = (char *)"1024";       /* its listen backlog */
	argv[n] = NULL;
	fd = open(outp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	r->sink_pid = bench_spawn_as(r->tool[TOOL_SMTP_SINK], argv, r->dir, fd,
				     "nobody");
	if (fd >= 0)
		close(fd);
	if (r->sink_pid < 0) {
		r->sink_pid = 0;
		cli_error(CMD, "cannot start smtp-sink: %s", strerror(errno));
		goto out;
	}
	rc = bench_wait_listening(CMD, "smtp-sink", r->sink_port, &r->sink_pid,
				  outp.buf);
out:
	strbuf_release(&addr);
	strbuf_release(&outp);
	return rc;
}

/* Stop smtp-sink and read the last message count it printed; -1 when
 * there is none. */
static int64_t stop_smtp_sink(struct run *r)
{
	struct strbuf outp = STRBUF_INIT, out = STRBUF_INIT;
	const char *p, *last = NULL;
	int64_t n = -1;

	bench_stop_child(&r->sink_pid);
	strbuf_addf(&outp, "%s/smtp-sink.out", r->dir);
	if (!strbuf_read_file(&out, outp.buf, 0, NULL))
		for (p = out.buf; (p = strstr(p, "mesg=")); p++)
			last = p;
	if (last)
		n = strtoll(last + 5, NULL, 10);
	strbuf_release(&outp);
	strbuf_release(&out);
	return n;
}

/* --- the incident -------------------------------------------------------- */

struct country_count {
	uint64_t n;
	size_t i;
};

static int by_count_desc(const void *a, const void *b)
{
	const struct country_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The persons present today inside the shapes of `codes` (comma-separated),
 * as the incident's roster will count them; -1 on failure, said. */
static int64_t count_in(struct geo *g, const char *codes)
{
	struct geoarea a;
	struct strbuf err = STRBUF_INIT;
	struct geo_filter f;
	const char *p = codes;
	uint64_t n = 0;
	int rc = HW_OK;

	geoarea_init(&a);
	geo_filter_today(&f);
	for (; *p && !rc; p += p[2] == ',' ? 3 : 2) {
		char cc[3] = { p[0], p[1], '\0' };

		rc = geoarea_add_country(&a, cc, &err);
	}
	if (!rc)
		rc = geo_count(g, &a, &f, &n, &err);
	if (rc)
		cli_error(CMD, "cannot count the persons in %s: %s", codes, err.buf);
	geoarea_release(&a);
	strbuf_release(&err);
	return rc ? -1 : (int64_t)n;
}

/*
 * The countries of the incident (see the top of the file), comma-separated
 * into r->f.countries, and the persons present inside them today into
 * r->f.expected. Candidates come in the order of the per-country counts
 * (the country each presence is registered in, one pass over the engine);
 * each is then counted by its shape, as the roster will count it, since
 * points near a border or off the coast differ.
 */
static int choose_area(struct run *r, struct geo *g, int64_t target)
{
	size_t nc = refgeo_country_count(), i, k = 0;
	uint64_t *counts = xcalloc(nc + 1, sizeof(*counts));
	struct country_count *cc = xcalloc(nc, sizeof(*cc));
	struct strbuf list = STRBUF_INIT, err = STRBUF_INIT;
	double lo = (double)target * (1 - AREA_SLACK);
	double hi = (double)target * (1 + AREA_SLACK);
	struct geo_filter f;
	int64_t total = 0, n, best = -1;
	size_t best_i = 0;
	int rc;

	geo_filter_today(&f);
	if ((rc = geo_count_by_country(g, NULL, &f, counts, &err))) {
		cli_error(CMD, "cannot count persons per country: %s", err.buf);
		goto out;
	}
	for (i = 0; i < nc; i++)
		if (counts[i] && refgeo_country_at(i)->has_shape)
			cc[k++] = (struct country_count){ counts[i], i };
	qsort(cc, k, sizeof(*cc), by_count_desc);
	rc = HW_EINTERNAL;
	for (i = 0; i < k && (double)total < lo; i++) {
		const char *code = refgeo_country_at(cc[i].i)->code;

		if ((n = count_in(g, code)) < 0)
			goto out;
		/* The one nearest the target, should no sum come near. */
		if (best < 0 || llabs(n - target) < llabs(best - target)) {
			best = n;
			best_i = cc[i].i;
		}
		if ((double)(total + n) > hi || !n)
			continue;
		strbuf_addf(&list, "%s%s", list.len ? "," : "", code);
		total += n;
	}
	if (!total && best > 0)
		strbuf_addstr(&list, refgeo_country_at(best_i)->code);
	if (!list.len || list.len >= sizeof(r->f.countries)) {
		cli_error(CMD, "no set of countries holds about %" PRId64
			  " persons present today", target);
		goto out;
	}
	if ((r->f.expected = count_in(g, list.buf)) < 0)
		goto out;
	snprintf(r->f.countries, sizeof(r->f.countries), "%s", list.buf);
	rc = HW_OK;
out:
	free(counts);
	free(cc);
	strbuf_release(&list);
	strbuf_release(&err);
	return rc;
}

/*
 * Load the geo engine (as `serve` holds it), choose the area, and declare
 * the incident as `homeward incident create` does, timing the declaration
 * from BEGIN to COMMIT: the roster exists once it is committed.
 */
static int declare(struct run *r)
{
	struct strbuf err = STRBUF_INIT, title = STRBUF_INIT, detail = STRBUF_INIT;
	struct incident_spec spec = { 0 };
	struct incident_outcome o = { 0 };
	struct db db = { 0 };
	struct geo *g = geo_new();
	int64_t target = r->o->affected ? r->o->affected : r->o->people / 5;
	char object[32];
	double t0;
	int rc;

	if (target < 1)
		target = 1;
	progress(r, "loading the geo engine...");
	if ((rc = db_open(&db, r->db_path.buf, NULL, 0, &err)))
		goto fail;
	t0 = time_mono();
	if ((rc = geo_load(g, db.st, NULL, NULL, &err)))
		goto fail;
	r->f.geo_load_s = time_mono() - t0;
	if ((rc = choose_area(r, g, target)))
		goto out;
	strbuf_addf(&title, "bench crisis: %s", r->f.countries);
	spec.area.kind = "countries";
	spec.area.text = r->f.countries;
	spec.area.len = strlen(r->f.countries);
	spec.title = title.buf;
	spec.type = "other";
	progress(r, "declaring an incident over %s (%" PRId64 " persons present)...",
		 r->f.countries, r->f.expected);

	t0 = time_mono();
	/* As `homeward incident create` does. */
	if (store_tune_bulk(db.st) || store_begin(db.st)) {
		strbuf_addf(&err, "cannot begin: %s", store_errmsg(db.st));
		rc = HW_EDB;
		goto fail;
	}
	if ((rc = incident_declare(db.st, g, &spec, ACTOR, &o, &err)))
		goto fail;
	snprintf(object, sizeof(object), "incident:%" PRId64, o.id);
	strbuf_addf(&detail, "roster %" PRId64, o.in_area);
	if ((rc = audit_append(db.st, ACTOR, o.action, object, detail.buf, NULL,
			       &err)))
		goto fail;
	if (store_commit(db.st)) {
		strbuf_addf(&err, "cannot commit: %s", store_errmsg(db.st));
		rc = HW_EDB;
		goto fail;
	}
	r->f.roster_s = time_mono() - t0;
	r->f.incident = o.id;
	r->f.roster = o.in_area;
	r->f.query_s = o.query_s;
	r->f.writes_s = o.roster_s;
	if (!o.in_area) {
		cli_error(CMD, "the incident over %s has an empty roster",
			  r->f.countries);
		rc = HW_EINTERNAL;
	}
	goto out;
fail:
	cli_error(CMD, "cannot declare the incident: %s", err.buf);
out:
	if (rc && db.st)
		store_rollback(db.st);
	db_release(&db);
	geo_free(g);
	strbuf_release(&err);
	strbuf_release(&title);
	strbuf_release(&detail);
	return rc;
}

/* --- the outbox ---------------------------------------------------------- */

/*
 * The dispatchers' settings: the environment's (HOMEWARD_WEBHOOK_CONNECTIONS
 * and the like, as `serve` reads them), with the two sinks as the only
 * destinations and no escalation pass competing for the database.
 */
static void settings_prepare(struct run *r)
{
	struct strbuf url = STRBUF_INIT;
	struct outbox_settings *s = &r->set;

	outbox_settings_init(s);
	free(s->webhook_url);
	strbuf_addf(&url, "http://127.0.0.1:%u/hook", r->nginx.port);
	s->webhook_url = strbuf_detach(&url, NULL);
	free(s->smtp_url);
	strbuf_addf(&url, "smtp://127.0.0.1:%u", r->sink_port);
	s->smtp_url = strbuf_detach(&url, NULL);
	free(s->sms_url);
	s->sms_url = NULL;
	s->escalate_after_s = 0;
}

/*
 * Enqueue the alert for the incident's roster on one channel, as
 * `homeward notify` does (bulk-tuned connection, one transaction with its
 * audit entry), timed from BEGIN to COMMIT. *queued and *seconds.
 */
static int enqueue(struct run *r, int channel, int64_t *queued, double *seconds)
{
	struct outbox_request req = {
		.incident = r->f.incident, .template = "alert",
		.channels = OUTBOX_CH(channel),
	};
	struct outbox_counts counts;
	struct strbuf err = STRBUF_INIT, detail = STRBUF_INIT;
	struct db db = { 0 };
	char object[32];
	double t0;
	int rc;

	progress(r, "enqueueing the alert by %s for %" PRId64 " persons...",
		 outbox_channel_name(channel), r->f.roster);
	if ((rc = db_open(&db, r->db_path.buf, NULL, 0, &err)))
		goto fail;
	if ((rc = store_tune_bulk(db.st)))
		goto dberr;
	t0 = time_mono();
	if ((rc = store_begin(db.st)))
		goto dberr;
	if ((rc = outbox_enqueue(db.st, &r->set, &req, &counts, &err)))
		goto fail;
	snprintf(object, sizeof(object), "incident:%" PRId64, r->f.incident);
	strbuf_addf(&detail, "template alert: %" PRId64 " new messages",
		    counts.queued[channel]);
	if ((rc = audit_append(db.st, ACTOR, "notify", object, detail.buf, NULL,
			       &err)))
		goto fail;
	if ((rc = store_commit(db.st)))
		goto dberr;
	*seconds = time_mono() - t0;
	*queued = counts.queued[channel];
	if (!*queued) {
		cli_error(CMD, "no %s message was enqueued for a roster of %"
			  PRId64, outbox_channel_name(channel), r->f.roster);
		rc = HW_EINTERNAL;
	}
	goto out;
dberr:
	strbuf_addf(&err, "%s", store_errmsg(db.st));
	rc = rc < 0 ? rc : HW_EDB;
fail:
	cli_error(CMD, "cannot enqueue: %s", err.buf);
out:
	if (rc && db.st)
		store_rollback(db.st);
	db_release(&db);
	strbuf_release(&err);
	strbuf_release(&detail);
	return rc;
}

/*
 * Run the dispatcher of one channel until every message of it is sent
 * (or dead) or --dispatch-seconds have passed, whichever comes first. The
 * rate counts the messages sent up to that moment over the time since the
 * start: the dispatcher's startup is in it, the messages still in flight
 * when it is stopped are not.
 */
static int dispatch(struct run *r, int channel, int64_t queued, int64_t *sent,
		    int64_t *retries, int64_t *dead, double *seconds)
{
	struct outbox_settings set;
	struct outbox_runner *runner = NULL;
	struct strbuf err = STRBUF_INIT;
	sigset_t old;
	double t0, t;
	int rc;

	outbox_settings_copy(&set, &r->set);
	if (channel != OUTBOX_WEBHOOK) {
		free(set.webhook_url);
		set.webhook_url = NULL;
	}
	if (channel != OUTBOX_EMAIL) {
		free(set.smtp_url);
		set.smtp_url = NULL;
	}
	progress(r, "dispatching %s (%" PRId64 " queued, %" PRId64
		 " connections) for up to %" PRId64 " s...",
		 outbox_channel_name(channel), queued, set.connections[channel],
		 r->o->dispatch_s);
	bench_block_signals(&old);
	t0 = time_mono();
	rc = outbox_runner_start(r->db_path.buf, NULL, &set, true, &runner, &err);
	bench_unblock_signals(&old);
	if (rc) {
		cli_error(CMD, "cannot start the %s dispatcher: %s",
			  outbox_channel_name(channel), err.buf);
		goto out;
	}
	for (;;) {
		outbox_runner_totals(runner, sent, retries, dead);
		t = time_mono() - t0;
		if (*sent + *dead >= queued || t >= (double)r->o->dispatch_s ||
		    bench_interrupted)
			break;
		usleep(20000);
	}
	*seconds = t;
	if ((rc = bench_check_interrupt(CMD)))
		goto out;
	if (!*sent) {
		cli_error(CMD, "no %s message was sent in %.1f s (%" PRId64
			  " retries, %" PRId64 " dead)",
			  outbox_channel_name(channel), t, *retries, *dead);
		rc = HW_EIO;
	}
out:
	outbox_runner_stop(runner);
	outbox_settings_release(&set);
	strbuf_release(&err);
	return rc;
}

/* --- check-ins ----------------------------------------------------------- */

/*
 * The check-in links wrk picks from: every k-th of the incident's tokens
 * in person order, at most TOKENS_MAX, so that they spread over the whole
 * roster. Tokens are base64url: safe in a path and a Lua string.
 */
static int write_tokens(struct run *r)
{
	struct strbuf s = STRBUF_INIT, err = STRBUF_INIT;
	struct store_stmt *st = NULL;
	struct db db = { 0 };
	int64_t step, i = 0;
	int rc;

	step = r->f.roster / TOKENS_MAX + 1;
	if ((rc = db_open(&db, r->db_path.buf, NULL, DB_READONLY, &err)))
		goto fail;
	if ((rc = store_prepare(db.st, "SELECT token FROM checkin_token "
				"WHERE incident_id = ? ORDER BY person_id", &st)))
		goto dberr;
	store_bind_int64(st, 1, r->f.incident);
	while ((rc = store_step(st)) == STORE_ROW)
		if (i++ % step == 0) {
			strbuf_addf(&s, "%s\n", store_col_text(st, 0, NULL));
			r->f.tokens++;
		}
	store_reset(st);
	if (rc < 0)
		goto dberr;
	if (!r->f.tokens) {
		cli_error(CMD, "the incident has no check-in links");
		rc = HW_EINTERNAL;
		goto out;
	}
	rc = bench_write_file(CMD, r->dir, "tokens.txt", &s, 0600);
	goto out;
dberr:
	strbuf_addf(&err, "%s", store_errmsg(db.st));
	rc = rc < 0 ? rc : HW_EDB;
fail:
	cli_error(CMD, "cannot read the check-in links: %s", err.buf);
out:
	db_release(&db);
	strbuf_release(&s);
	strbuf_release(&err);
	return rc;
}

/* The form a person's browser posts from the check-in page: mostly safe,
 * some needing help or wanting to leave, with the people with them. */
static int write_checkin_script(struct run *r)
{
	struct strbuf s = STRBUF_INIT;
	int rc;

	bench_wrk_lua_common(&s, CMD);
	strbuf_addstr(&s,
		"local tokens = {}\n"
		"for line in io.lines(\"tokens.txt\") do tokens[#tokens + 1] = line end\n"
		"local answers = { \"safe\", \"safe\", \"safe\", \"needs-help\",\n"
		"  \"wants-evacuation\" }\n"
		"local headers = { [\"Content-Type\"] =\n"
		"  \"application/x-www-form-urlencoded\" }\n"
		"request = function()\n"
		"  local body = \"status=\" .. answers[math.random(#answers)] ..\n"
		"    \"&party_size=\" .. math.random(4)\n"
		"  return wrk.format(\"POST\", \"/c/\" .. tokens[math.random(#tokens)],\n"
		"    headers, body)\n"
		"end\n");
	rc = bench_write_file(CMD, r->dir, "checkin.lua", &s, 0600);
	strbuf_release(&s);
	return rc;
}

/* The server as `homeward serve` runs it, on a free loopback port, its
 * threads created with the interrupting signals blocked. */
static int start_server(struct run *r)
{
	struct server_config cfg = {
		.db_path = r->db_path.buf,
		.listen = "127.0.0.1:0",
		.quiet = true,
	};
	struct strbuf err = STRBUF_INIT;
	sigset_t old;
	int rc;

	progress(r, "starting the server...");
	bench_block_signals(&old);
	rc = server_start(&r->srv, &cfg, &err);
	bench_unblock_signals(&old);
	if (rc)
		cli_error(CMD, "cannot start the server: %s", err.buf);
	else
		r->srv_started = true;
	strbuf_release(&err);
	return rc;
}

/* Post one check-in before wrk does, so that a route that refuses fails
 * the bench with its answer rather than a count of errors. */
static int probe_checkin(struct run *r)
{
	struct strbuf path = STRBUF_INIT, tokp = STRBUF_INIT, toks = STRBUF_INIT;
	struct strbuf resp = STRBUF_INIT, err = STRBUF_INIT;
	int status = 0, rc;

	strbuf_addf(&tokp, "%s/tokens.txt", r->dir);
	if (strbuf_read_file(&toks, tokp.buf, 0, NULL)) {
		rc = HW_EIO;
		cli_error(CMD, "cannot read '%s'", tokp.buf);
		goto out;
	}
	strbuf_addf(&path, "/c/%.*s", (int)strcspn(toks.buf, "\n"), toks.buf);
	rc = bench_http_call(r->srv.port, "POST", path.buf, NULL,
			     "application/x-www-form-urlencoded", "status=safe",
			     &status, &resp, &err);
	if (rc) {
		cli_error(CMD, "%s", err.buf);
	} else if (status != 200) {
		cli_error(CMD, "POST /c/TOKEN gave %d, not 200: %.300s", status,
			  resp.buf);
		rc = HW_EINTERNAL;
	}
out:
	strbuf_release(&path);
	strbuf_release(&tokp);
	strbuf_release(&toks);
	strbuf_release(&resp);
	strbuf_release(&err);
	return rc;
}

static int run_checkins(struct run *r)
{
	struct strbuf url = STRBUF_INIT;
	struct bench_wrk run = {
		.program = r->tool[TOOL_WRK], .dir = r->dir, .key = "checkin",
		.title = "POST /c/{token} check-in forms",
		.script = "checkin.lua", .threads = r->o->threads,
		.connections = r->o->connections, .duration = r->o->duration,
		.quiet = r->o->json,
	};
	int rc;

	strbuf_addf(&url, "http://127.0.0.1:%u/", r->srv.port);
	run.url = url.buf;
	rc = bench_wrk_run(CMD, &run, &r->f.checkin);
	strbuf_release(&url);
	return rc;
}

/*
 * After the server has stopped: the check-ins recorded, which must be at
 * least those acknowledged (wrk's count, plus the probe); more is fine, a
 * request in flight when wrk stopped may have committed unseen.
 */
static int count_checkins(struct run *r)
{
	struct strbuf err = STRBUF_INIT;
	struct store_stmt *st = NULL;
	struct db db = { 0 };
	int rc;

	if ((rc = db_open(&db, r->db_path.buf, NULL, DB_READONLY, &err))) {
		cli_error(CMD, "%s", err.buf);
		goto out;
	}
	if ((rc = store_prepare(db.st, "SELECT count(*) FROM roster_event "
				"WHERE incident_id = ? AND source = 'checkin'",
				&st)))
		goto dberr;
	store_bind_int64(st, 1, r->f.incident);
	if ((rc = store_step(st)) != STORE_ROW) {
		store_reset(st);
		goto dberr;
	}
	r->f.checkins_recorded = store_col_int64(st, 0);
	store_reset(st);
	rc = HW_OK;
	if (r->f.checkins_recorded < r->f.checkin.requests + 1) {
		cli_error(CMD, "%" PRId64 " check-ins were acknowledged but only %"
			  PRId64 " recorded", r->f.checkin.requests + 1,
			  r->f.checkins_recorded);
		rc = HW_EINTERNAL;
	}
	goto out;
dberr:
	cli_error(CMD, "cannot count the check-ins: %s", store_errmsg(db.st));
	rc = rc < 0 ? rc : HW_EDB;
out:
	db_release(&db);
	strbuf_release(&err);
	return rc;
}

/* --- the report ---------------------------------------------------------- */

/* The goals, one row each; a figure meets its goal when it is above it,
 * or, for `below`, under it. */
struct goal {
	const char *key;        /* in --json */
	const char *title;
	const char *unit;
	double goal;
	bool below;
	double (*value)(const struct figures *f);
};

static double v_roster_s(const struct figures *f) { return f->roster_s; }
static double v_enqueue(const struct figures *f)
{
	return per_s(f->webhooks_queued, f->enqueue_s);
}
static double v_webhook(const struct figures *f)
{
	return per_s(f->webhooks_sent, f->webhook_s);
}
static double v_smtp(const struct figures *f)
{
	return per_s(f->emails_sent, f->smtp_s);
}
static double v_checkin(const struct figures *f)
{
	return bench_wrk_rps(&f->checkin);
}
static double v_checkin_p99(const struct figures *f)
{
	return f->checkin.p99_us / 1000;
}

static const struct goal goals[] = {
	{ "roster_s", "roster of the incident", "s", 1, true, v_roster_s },
	{ "enqueue_per_s", "enqueue, one webhook a person", "msg/s", 200000, false,
	  v_enqueue },
	{ "webhook_per_s", "webhook dispatch to nginx", "msg/s", 10000, false,
	  v_webhook },
	{ "smtp_per_s", "e-mail dispatch to smtp-sink", "msg/s", 2000, false,
	  v_smtp },
	{ "checkin_rps", "durable check-ins over HTTP", "req/s", 15000, false,
	  v_checkin },
	{ "checkin_p99_ms", "check-in latency, p99", "ms", 0, true,
	  v_checkin_p99 },
};

static bool goal_met(const struct goal *g, const struct figures *f)
{
	double v = g->value(f);

	return g->goal <= 0 || (g->below ? v < g->goal : v >= g->goal);
}

static void print_json(const struct run *r)
{
	const struct figures *f = &r->f;
	struct strbuf s = STRBUF_INIT;
	bool all = true;
	size_t i;

	strbuf_addf(&s, "{\"people\":%" PRId64 ",\"countries\":\"%s\","
		    "\"roster\":%" PRId64, r->o->people, f->countries, f->roster);
	for (i = 0; i < ARRAY_SIZE(goals); i++) {
		strbuf_addf(&s, ",\"%s\":%.*f", goals[i].key,
			    goals[i].value(f) < 100 ? 3 : 0, goals[i].value(f));
		all &= goal_met(&goals[i], f);
	}
	strbuf_addf(&s,
		    ",\"geo_load_s\":%.3f,\"roster_query_s\":%.3f,"
		    "\"roster_writes_s\":%.3f"
		    ",\"enqueued\":%" PRId64 ",\"enqueue_s\":%.3f"
		    ",\"email_enqueued\":%" PRId64 ",\"email_enqueue_per_s\":%.0f"
		    ",\"webhooks_sent\":%" PRId64 ",\"webhook_s\":%.3f"
		    ",\"webhook_retries\":%" PRId64 ",\"webhook_dead\":%" PRId64
		    ",\"webhook_connections\":%" PRId64
		    ",\"emails_sent\":%" PRId64 ",\"smtp_s\":%.3f"
		    ",\"emails_received\":%" PRId64
		    ",\"email_retries\":%" PRId64 ",\"email_dead\":%" PRId64
		    ",\"email_connections\":%" PRId64
		    ",\"dispatch_limit_s\":%" PRId64
		    ",\"checkins\":%" PRId64 ",\"checkins_recorded\":%" PRId64
		    ",\"checkin_p50_ms\":%.3f,\"checkin_tokens\":%" PRId64
		    ",\"duration_s\":%" PRId64 ",\"connections\":%" PRId64
		    ",\"threads\":%" PRId64 ",\"goals_met\":%s}",
		    f->geo_load_s, f->query_s, f->writes_s,
		    f->webhooks_queued, f->enqueue_s,
		    f->emails_queued, per_s(f->emails_queued, f->email_enqueue_s),
		    f->webhooks_sent, f->webhook_s, f->webhook_retries,
		    f->webhook_dead, r->set.connections[OUTBOX_WEBHOOK],
		    f->emails_sent, f->smtp_s, f->emails_received,
		    f->email_retries, f->email_dead,
		    r->set.connections[OUTBOX_EMAIL], r->o->dispatch_s,
		    f->checkin.requests, f->checkins_recorded,
		    f->checkin.p50_us / 1000, f->tokens,
		    r->o->duration, r->o->connections, r->o->threads,
		    all ? "true" : "false");
	puts(s.buf);
	strbuf_release(&s);
}

static void print_table(const struct run *r)
{
	const struct figures *f = &r->f;
	size_t i;

	printf("%" PRId64 " registrants; incident over %s: roster of %" PRId64
	       " persons\n\n", r->o->people, f->countries, f->roster);
	printf("%-32s %12s %-6s %12s\n", "", "figure", "", "goal");
	for (i = 0; i < ARRAY_SIZE(goals); i++) {
		const struct goal *g = &goals[i];
		double v = g->value(f);
		char goal[32] = "-";

		if (g->goal > 0)
			snprintf(goal, sizeof(goal), "%s %.0f", g->below ? "<" : ">=",
				 g->goal);
		printf("%-32s %12.*f %-6s %12s  %s\n", g->title, v < 100 ? 2 : 0, v,
		       g->unit, goal, g->goal <= 0 ? "" :
		       goal_met(g, f) ? "met" : "MISSED");
	}
	printf("\nroster: %.3f s in all: geo query %.3f s, roster rows and events "
	       "%.3f s, audit and commit %.3f s (geo engine loaded beforehand in "
	       "%.1f s)\n", f->roster_s, f->query_s, f->writes_s,
	       f->roster_s - f->query_s - f->writes_s, f->geo_load_s);
	printf("enqueue: %" PRId64 " webhook messages in %.2f s; %" PRId64
	       " e-mails in %.2f s (%.0f/s)\n", f->webhooks_queued, f->enqueue_s,
	       f->emails_queued, f->email_enqueue_s,
	       per_s(f->emails_queued, f->email_enqueue_s));
	printf("webhook: %" PRId64 " sent in %.1f s over %" PRId64
	       " connections (%" PRId64 " retries, %" PRId64 " dead)\n",
	       f->webhooks_sent, f->webhook_s, r->set.connections[OUTBOX_WEBHOOK],
	       f->webhook_retries, f->webhook_dead);
	printf("e-mail: %" PRId64 " sent in %.1f s over %" PRId64 " connections, "
	       "%" PRId64 " received by smtp-sink (%" PRId64 " retries, %" PRId64
	       " dead); dispatch stops after %" PRId64 " s\n", f->emails_sent,
	       f->smtp_s, r->set.connections[OUTBOX_EMAIL], f->emails_received,
	       f->email_retries, f->email_dead, r->o->dispatch_s);
	printf("check-ins: %" PRId64 " in %" PRId64 " s over %" PRId64
	       " connections, %" PRId64 " recorded; p50 %.2f ms, p99 %.2f ms\n",
	       f->checkin.requests, r->o->duration, r->o->connections,
	       f->checkins_recorded, f->checkin.p50_us / 1000,
	       f->checkin.p99_us / 1000);
}

/* --- the command --------------------------------------------------------- */

static int check_opts(const struct opts *o)
{
	int rc;

	if ((rc = opt_check_range(CMD, "people", o->people, 100, 200000000)) ||
	    (rc = opt_check_range(CMD, "affected", o->affected, 0, 200000000)) ||
	    (rc = opt_check_range(CMD, "dispatch-seconds", o->dispatch_s, 1, 3600)) ||
	    (rc = bench_check_wrk_range(CMD, o->duration, o->connections, o->threads)))
		return rc;
	if (o->affected > o->people) {
		cli_error(CMD, "option '--affected': %" PRId64 " is more than "
			  "--people %" PRId64, o->affected, o->people);
		return HW_EINPUT;
	}
	return HW_OK;
}

static void run_release(struct run *r)
{
	int t;

	if (r->srv_started)
		server_stop(&r->srv);
	r->srv_started = false;
	bench_stop_child(&r->nginx.pid);
	bench_stop_child(&r->sink_pid);
	if (r->have_dir)
		bench_remove_tree(r->dir);
	r->have_dir = false;
	for (t = 0; t < NTOOLS; t++)
		free(r->tool[t]);
	outbox_settings_release(&r->set);
	strbuf_release(&r->db_path);
}

/*
 * The URLs `serve` would send to, unset before any thread exists: the
 * server started for the check-ins must not run dispatchers of its own
 * (they would compete with the check-ins, and send for real). Set as
 * flags, so that no file or environment brings them back.
 */
static void unset_destinations(void)
{
	static const enum setting_id ids[] = { SET_SMTP_URL, SET_SMS_URL,
		SET_WEBHOOK_URL };

	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		settings_set(ids[i], "", SOURCE_FLAG, "bench crisis", NULL);
}

int bench_crisis(int argc, char **argv)
{
	struct opts o = { .people = 5000000, .dispatch_s = 30, .duration = 20,
			  .connections = 128, .threads = 2 };
	struct opt opts[] = {
		{ "people", OPT_INT, &o.people, "N", "registrants to generate (default 5000000)" },
		{ "affected", OPT_INT, &o.affected, "A", "the roster to aim at (default N/5)" },
		{ "dispatch-seconds", OPT_INT, &o.dispatch_s, "D", "the most seconds each channel's dispatch runs (default 30)" },
		{ "duration", OPT_INT, &o.duration, "S", "seconds of the check-in load (default 20)" },
		{ "connections", OPT_INT, &o.connections, "C", "wrk's open connections (default 128)" },
		{ "threads", OPT_INT, &o.threads, "T", "wrk threads (default 2)" },
		{ "json", OPT_FLAG, &o.json, NULL, "machine-readable output" },
		OPT_END,
	};
	struct run r = { .o = &o, .db_path = STRBUF_INIT };
	struct strbuf err = STRBUF_INIT;
	struct bench_signals saved;
	struct figures *f = &r.f;
	int rc;

	outbox_settings_init(&r.set);
	if ((rc = opt_parse_only(opts, argc, argv)) || (rc = check_opts(&o)))
		goto out_quiet;
	/* Interruptions end the run through the cleanup below, so that no
	 * child, thread or scratch directory is left behind. */
	bench_signals_catch(&saved);
	unset_destinations();
	if ((rc = find_tools(&r)))
		goto out;
	if ((rc = bench_prepare_run(CMD, r.dir, sizeof(r.dir), &r.have_dir,
				    o.people, o.json, &r.db_path)) ||
	    (rc = start_webhook_sink(&r)) || (rc = start_smtp_sink(&r)))
		goto out;
	outbox_settings_release(&r.set);
	settings_prepare(&r);

	if ((rc = declare(&r)) || (rc = bench_check_interrupt(CMD)) ||
	    (rc = enqueue(&r, OUTBOX_WEBHOOK, &f->webhooks_queued,
			  &f->enqueue_s)) ||
	    (rc = bench_check_interrupt(CMD)) ||
	    (rc = enqueue(&r, OUTBOX_EMAIL, &f->emails_queued,
			  &f->email_enqueue_s)) ||
	    (rc = bench_check_interrupt(CMD)) ||
	    (rc = dispatch(&r, OUTBOX_WEBHOOK, f->webhooks_queued,
			   &f->webhooks_sent, &f->webhook_retries,
			   &f->webhook_dead, &f->webhook_s)) ||
	    (rc = dispatch(&r, OUTBOX_EMAIL, f->emails_queued, &f->emails_sent,
			   &f->email_retries, &f->email_dead, &f->smtp_s)))
		goto out;
	f->emails_received = stop_smtp_sink(&r);
	bench_stop_child(&r.nginx.pid);

	if ((rc = write_tokens(&r)) || (rc = write_checkin_script(&r)) ||
	    (rc = start_server(&r)) || (rc = probe_checkin(&r)) ||
	    (rc = run_checkins(&r)))
		goto out;
	server_stop(&r.srv);
	r.srv_started = false;
	if ((rc = count_checkins(&r)))
		goto out;

	/* The figures: one JSON object for machines, a table for people. */
	(o.json ? print_json : print_table)(&r);
	rc = HW_OK;
out:
	run_release(&r);
	bench_signals_restore(&saved);
	strbuf_release(&err);
	return rc;
out_quiet:
	outbox_settings_release(&r.set);
	return rc;
}
