/*
 * incident_cli.c: `homeward incident`: declare, list, show, change and
 * close incidents from the command line, and poll an Atom or RSS feed of
 * CAP messages (fetched with libcurl) to apply the new ones.
 *
 * Every write runs in one transaction with its audit entry. The geo
 * engine is loaded inside that transaction, after the write lock is
 * taken, so that the roster is computed from the database exactly as it
 * stands when the incident is written: a presence written meanwhile by a
 * server either is in the engine, or waits for the lock and then finds
 * the open incident (incident_on_presence).
 */
#include "core/homeward.h"
#include "crisis/incident.h"

#include <fcntl.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "auth/audit.h"
#include "interop/cap.h"
#include "core/cli.h"
#include "store/db.h"
#include "geo/geo.h"
#include "crisis/roster.h"
#include "store/store.h"

/* The largest file or download taken (a feed): as an area file. */
#define INCIDENT_MAX_INPUT AREA_MAX_INPUT

static void outcome_report(const struct incident_outcome *o)
{
	fprintf(stderr, "incident %" PRId64 ": %s; roster %" PRId64 " in the "
		"area (%" PRId64 " joined, %" PRId64 " back, %" PRId64 " left); "
		"geo query %.3f s, roster writes %.3f s\n", o->id, o->action,
		o->in_area, o->joined, o->rejoined, o->left, o->query_s,
		o->roster_s);
}

/* A failure of the domain functions as the CLI reports it: bad input and
 * conflicts (a message applied twice, a closed incident) exit 2. */
static int report(const char *cmd, int rc, const struct strbuf *err)
{
	cli_error(cmd, "%s", err->buf);
	return rc == HW_ECONFLICT || rc == HW_ENOTFOUND ? HW_EINPUT : rc;
}

/* Begin the write, then load the engine under its lock. */
static int begin_with_engine(const char *cmd, struct db *db, struct geo **g)
{
	struct strbuf err = STRBUF_INIT;
	int rc;

	*g = NULL;
	/* A roster can be a million rows: a big page cache, and no per-row
	 * foreign-key lookups (the persons come from the database itself). */
	if (store_tune_bulk(db->st)) {
		cli_error(cmd, "cannot prepare the write: %s", store_errmsg(db->st));
		return HW_EDB;
	}
	if (store_begin(db->st)) {
		cli_error(cmd, "cannot begin: %s", store_errmsg(db->st));
		return HW_EDB;
	}
	*g = geo_new();
	rc = geo_load(*g, db->st, NULL, NULL, &err);
	if (rc)
		cli_error(cmd, "%s", err.buf);
	strbuf_release(&err);
	return rc;
}

static int finish(const char *cmd, struct db *db, const char *action,
		  int64_t id, const char *detail)
{
	struct strbuf err = STRBUF_INIT;
	char object[40];
	int rc;

	snprintf(object, sizeof(object), "incident:%" PRId64, id);
	rc = audit_append(db->st, audit_cli_actor(), action, object, detail,
			  NULL, &err);
	if (!rc && store_commit(db->st)) {
		strbuf_addf(&err, "cannot commit: %s", store_errmsg(db->st));
		rc = HW_EDB;
	}
	if (rc)
		cli_error(cmd, "%s", err.buf);
	strbuf_release(&err);
	return rc;
}

/*
 * Declare an incident from `spec` (id 0) or change incident `id`, in one
 * transaction with its audit entry, the geo engine loaded for the roster.
 * *o says what it did.
 */
/*
 * Declare (id 0) or change incident `id` from the area options `ao` and
 * the rest of `spec`, in one transaction with its audit entry.
 */
static int apply_spec(const char *cmd, const char *dbflag, int64_t id,
		      const struct area_opts *ao, struct incident_spec *spec,
		      struct incident_outcome *o)
{
	struct strbuf err = STRBUF_INIT, detail = STRBUF_INIT, text = STRBUF_INIT;
	struct geo *g = NULL;
	struct db db = { 0 };
	int rc;

	if ((rc = db_open_cli(&db, cmd, dbflag, NULL, 0)))
		goto out;
	if ((rc = area_opts_spec(ao, !id, db.st, &spec->area, &text, &err))) {
		cli_error(cmd, "%s", err.buf);
		goto out;
	}
	if (!id && !spec->title && strcmp(spec->area.kind, "cap")) {
		cli_error(cmd, "give --title (only a CAP alert brings its own)");
		rc = HW_EINPUT;
		goto out;
	}
	if (id && !spec->area.kind && !spec->title && !spec->type) {
		cli_error(cmd, "nothing to change: give an area, --title or --type");
		rc = HW_EINPUT;
		goto out;
	}
	if ((rc = begin_with_engine(cmd, &db, &g)))
		goto out;
	rc = id ? incident_change(db.st, g, id, spec, audit_cli_actor(), o, &err)
		: incident_declare(db.st, g, spec, audit_cli_actor(), o, &err);
	if (rc) {
		rc = report(cmd, rc, &err);
		goto out;
	}
	incident_outcome_detail(o, id ? spec->area.kind : NULL, &detail);
	rc = finish(cmd, &db, o->action, o->id, detail.buf);
out:
	if (rc && db.st)
		store_rollback(db.st);
	geo_free(g);
	db_release(&db);
	strbuf_release(&err);
	strbuf_release(&detail);
	strbuf_release(&text);
	return rc;
}

/* The options of create and update; create adds --exercise. */
#define CHANGE_OPTIONS(dbflag, ao, spec, verbose) \
	OPT_DB(&(dbflag)), \
	AREA_OPTIONS(&(ao)), \
	{ "title", OPT_STRING, &(spec).title, "TEXT", \
	  "the incident's title (a CAP alert's headline by default)" }, \
	{ "type", OPT_STRING, &(spec).type, "TYPE", \
	  "earthquake, conflict, terrorism, kidnapping, epidemic, storm, " \
	  "unrest or other (by default from the CAP alert, else other)" }, \
	{ "verbose", OPT_FLAG, &(verbose), NULL, \
	  "report the roster's changes and timings on standard error" }

static int parse_id(const char *cmd, int npos, char **pos, int64_t *id)
{
	char *end;
	long long v;

	if (npos != 1) {
		cli_error(cmd, "give one incident id");
		return HW_EINPUT;
	}
	errno = 0;
	v = strtoll(pos[0], &end, 10);
	if (errno || *end || end == pos[0] || v < 1) {
		cli_error(cmd, "'%s' is not an incident id", pos[0]);
		return HW_EINPUT;
	}
	*id = v;
	return HW_OK;
}

/* incident create, and incident update ID: one set of options (create
 * alone takes --exercise), one write. */
static int create_or_update(int argc, char **argv, bool create)
{
	const char *cmd = create ? "incident create" : "incident update";
	const char *dbflag = NULL;
	struct area_opts ao = { 0 };
	struct incident_spec spec = { 0 };
	bool verbose = false;
	struct opt opts[] = {
		CHANGE_OPTIONS(dbflag, ao, spec, verbose),
		{ "exercise", OPT_FLAG, &spec.exercise, NULL, "an exercise: its messages are never sent" },
		OPT_END,
	};
	struct incident_outcome o;
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int64_t id = 0;
	int rc, npos = 0;

	if (!create)
		opts[ARRAY_SIZE(opts) - 2] = (struct opt)OPT_END;
	if ((rc = opt_parse(opts, argc, argv, pos, &npos)))
		goto out;
	if (create && npos) {
		cli_error(cmd, "unexpected argument '%s'", pos[0]);
		rc = HW_EINPUT;
		goto out;
	}
	if ((!create && (rc = parse_id(cmd, npos, pos, &id))) ||
	    (rc = apply_spec(cmd, dbflag, id, &ao, &spec, &o)))
		goto out;
	if (verbose || (create && strcmp(o.action, "incident-create")))
		outcome_report(&o);
	if (create)
		printf("%" PRId64 "\n", o.id);
	else
		printf("incident %" PRId64 ": %" PRId64 " in the area (%" PRId64
		       " joined, %" PRId64 " back, %" PRId64 " left)\n", o.id,
		       o.in_area, o.joined, o.rejoined, o.left);
out:
	free(pos);
	return rc;
}

static int cmd_create(int argc, char **argv)
{
	return create_or_update(argc, argv, true);
}

static int cmd_update(int argc, char **argv)
{
	return create_or_update(argc, argv, false);
}

static int cmd_close(int argc, char **argv)
{
	static const char cmd[] = "incident close";
	const char *dbflag = NULL;
	struct opt opts[] = {
		OPT_DB(&dbflag),
		OPT_END,
	};
	struct strbuf err = STRBUF_INIT;
	struct db db = { 0 };
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	int64_t id = 0;
	int rc, npos = 0;

	if ((rc = opt_parse(opts, argc, argv, pos, &npos)) ||
	    (rc = parse_id(cmd, npos, pos, &id)) ||
	    (rc = db_open_cli(&db, cmd, dbflag, NULL, 0)))
		goto out;
	if (store_begin(db.st)) {
		cli_error(cmd, "cannot begin: %s", store_errmsg(db.st));
		rc = HW_EDB;
		goto out;
	}
	rc = incident_close(db.st, id, &err);
	if (rc) {
		rc = report(cmd, rc, &err);
		goto out;
	}
	if ((rc = finish(cmd, &db, "incident-close", id, NULL)))
		goto out;
	printf("incident %" PRId64 " closed\n", id);
out:
	if (rc && db.st)
		store_rollback(db.st);
	db_release(&db);
	strbuf_release(&err);
	free(pos);
	return rc;
}

static int print_json(json_t *j)
{
	int rc = json_dumpf(j, stdout, JSON_COMPACT | JSON_ENSURE_ASCII) ? HW_EIO
									 : HW_OK;

	putchar('\n');
	return rc;
}

/*
 * The options of the reads, list and show: --db and --json (`json_help`
 * says what it gives); the positional arguments into pos[0 .. *npos), at
 * most `maxpos`; then the database.
 */
static int open_read(const char *cmd, const char *json_help, int maxpos,
		     int argc, char **argv, char **pos, int *npos, bool *as_json,
		     struct db *db)
{
	const char *dbflag = NULL;
	const struct opt opts[] = {
		OPT_DB(&dbflag),
		{ "json", OPT_FLAG, as_json, NULL, json_help },
		OPT_END,
	};
	int rc = opt_parse(opts, argc, argv, pos, npos);

	if (!rc && *npos > maxpos) {
		cli_error(cmd, "unexpected argument '%s'", pos[maxpos]);
		rc = HW_EINPUT;
	}
	return rc ? rc : db_open_cli(db, cmd, dbflag, NULL, 0);
}

static int cmd_list(int argc, char **argv)
{
	static const char cmd[] = "incident list";
	bool as_json = false;
	struct store_stmt *s;
	struct db db = { 0 };
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	json_t *items = NULL;
	int rc, npos = 0;

	if ((rc = open_read(cmd, "the incidents as one JSON array", 0, argc, argv,
			    pos, &npos, &as_json, &db)))
		goto out;
	if (store_prepare(db.st, "SELECT " INCIDENT_COLUMNS ", (SELECT count(*) "
			  "FROM roster r WHERE r.incident_id = incident.id AND "
			  "r.in_area = 1) FROM incident ORDER BY incident.id", &s)) {
		cli_error(cmd, "%s", store_errmsg(db.st));
		rc = HW_EDB;
		goto out;
	}
	items = json_array();
	if (!as_json)
		printf("%-6s %-9s %-10s %-8s %9s  %-20s  %s\n", "id", "status",
		       "type", "exercise", "affected", "created", "title");
	while ((rc = store_step(s)) == STORE_ROW) {
		if (as_json) {
			json_t *o = incident_row_json(s);

			json_object_set_new(o, "affected",
					    json_integer(store_col_int64(s, 14)));
			json_array_append_new(items, o);
			continue;
		}
		printf("%-6" PRId64 " %-9s %-10s %-8s %9" PRId64 "  %-20s  %s\n",
		       store_col_int64(s, 0), store_col_text(s, 4, NULL),
		       store_col_text(s, 2, NULL),
		       store_col_int64(s, 5) ? "yes" : "no", store_col_int64(s, 14),
		       store_col_text(s, 11, NULL), store_col_text(s, 1, NULL));
	}
	store_reset(s);
	if (rc < 0) {
		cli_error(cmd, "%s", store_errmsg(db.st));
		rc = HW_EDB;
		goto out;
	}
	rc = as_json ? print_json(items) : HW_OK;
out:
	json_decref(items);
	db_release(&db);
	free(pos);
	return rc;
}

static void print_field(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		printf("%-12s %s\n", key, json_string_value(v));
	else if (json_is_integer(v))
		printf("%-12s %" JSON_INTEGER_FORMAT "\n", key, json_integer_value(v));
	else if (json_is_boolean(v))
		printf("%-12s %s\n", key, json_is_true(v) ? "yes" : "no");
}

static void print_incident(json_t *o)
{
	static const char *const keys[] = {
		"id", "title", "type", "severity", "status", "exercise",
		"area_kind", "created_by", "created_at", "updated_at",
		"closed_at", "affected" };
	json_t *v, *by = json_object_get(o, "by_status");
	size_t i;
	int k;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		print_field(o, keys[i]);
	printf("%-12s", "missions");
	json_array_foreach(json_object_get(o, "missions"), i, v)
		printf(" %s", json_string_value(json_object_get(v, "code")));
	printf("\n");
	for (k = 0; k < ROSTER_NSTATUS; k++)
		printf("  %-18s %" JSON_INTEGER_FORMAT "\n", roster_status_name(k),
		       json_integer_value(json_object_get(by, roster_status_name(k))));
}

static int cmd_show(int argc, char **argv)
{
	static const char cmd[] = "incident show";
	bool as_json = false;
	struct strbuf err = STRBUF_INIT;
	struct db db = { 0 };
	char **pos = xcalloc((size_t)argc + 1, sizeof(*pos));
	json_t *o = NULL;
	int64_t id = 0;
	int rc, npos = 0;

	if ((rc = open_read(cmd, "as JSON, with 'affected' and 'by_status' (the "
			    "count per roster status)", 1, argc, argv, pos, &npos,
			    &as_json, &db)) ||
	    (rc = parse_id(cmd, npos, pos, &id)))
		goto out;
	rc = incident_json(db.st, id, NULL, 0, &o, &err);
	if (rc) {
		rc = report(cmd, rc, &err);
		goto out;
	}
	if (as_json)
		rc = print_json(o);
	else
		print_incident(o);
out:
	json_decref(o);
	db_release(&db);
	strbuf_release(&err);
	free(pos);
	return rc;
}

/* ---- Feeds ---- */

struct fetch_buf {
	struct strbuf *out;
	bool too_big;
};

static size_t fetch_write(char *data, size_t size, size_t n, void *arg)
{
	struct fetch_buf *fb = arg;

	if (fb->out->len + size * n > INCIDENT_MAX_INPUT) {
		fb->too_big = true;
		return 0;
	}
	strbuf_add(fb->out, data, size * n);
	return size * n;
}

/* GET `url` (http or https only, redirects followed) into `out`. */
static int fetch(CURL *curl, const char *url, long timeout_s,
		 struct strbuf *out, struct strbuf *err)
{
	char curl_err[CURL_ERROR_SIZE] = "";
	struct fetch_buf fb = { out, false };
	CURLcode cc;
	long status = 0;

	strbuf_reset(out);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "homeward/" HW_VERSION);
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, fetch_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &fb);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
	cc = curl_easy_perform(curl);
	if (fb.too_big) {
		strbuf_addf(err, "cannot fetch '%s': larger than 64 MiB", url);
		return HW_EIO;
	}
	if (cc != CURLE_OK) {
		strbuf_addf(err, "cannot fetch '%s': %s", url,
			    curl_err[0] ? curl_err : curl_easy_strerror(cc));
		return HW_EIO;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		strbuf_addf(err, "cannot fetch '%s': HTTP status %ld", url, status);
		return HW_EIO;
	}
	return HW_OK;
}

/* One message of a feed, fetched and read. */
struct feed_msg {
	char *url;
	struct strbuf text;
	char sent[CAP_TIME_LEN];
	size_t order;            /* its place in the feed */
};

/* Oldest first, so that an Update follows the Alert it updates; the
 * feed's order among messages sent at the same second. */
static int by_sent(const void *a, const void *b)
{
	const struct feed_msg *x = a, *y = b;
	int c = strcmp(x->sent, y->sent);

	return c ? c : x->order < y->order ? -1 : x->order > y->order;
}

/* Apply one message inside the poll's transaction, under a savepoint so
 * that a refused message leaves the others. Returns the outcome code. */
static int poll_apply(struct db *db, struct geo *g, const struct feed_msg *m,
		      int *worst)
{
	struct incident_spec spec = { 0 };
	struct incident_outcome o;
	struct strbuf err = STRBUF_INIT, detail = STRBUF_INIT;
	char object[40];
	int rc;

	spec.area.kind = "cap";
	spec.area.text = m->text.buf;
	spec.area.len = m->text.len;
	if (store_exec(db->st, "SAVEPOINT poll_message")) {
		fprintf(stderr, "homeward incident poll: %s\n", store_errmsg(db->st));
		*worst = HW_EDB;
		return HW_EDB;
	}
	rc = incident_declare(db->st, g, &spec, audit_cli_actor(), &o, &err);
	if (!rc) {
		incident_outcome_detail(&o, NULL, &detail);
		strbuf_addf(&detail, "; from feed %s", m->url);
		snprintf(object, sizeof(object), "incident:%" PRId64, o.id);
		rc = audit_append(db->st, audit_cli_actor(), o.action, object,
				  detail.buf, NULL, &err);
	}
	if (rc) {
		store_exec(db->st, "ROLLBACK TO poll_message");
		store_exec(db->st, "RELEASE poll_message");
	} else if (store_exec(db->st, "RELEASE poll_message")) {
		strbuf_addf(&err, "%s", store_errmsg(db->st));
		rc = HW_EDB;
	}
	if (!rc)
		printf("applied %s: %s -> incident %" PRId64 " (%s, %" PRId64
		       " in the area)\n", m->url, o.action, o.id, o.action,
		       o.in_area);
	else if (rc == HW_ECONFLICT)
		printf("skipped %s: %s\n", m->url, err.buf);
	else
		fprintf(stderr, "homeward incident poll: refused '%s': %s\n",
			m->url, err.buf);
	/* A message seen before is the normal case of polling. */
	if (rc && rc != HW_ECONFLICT && (*worst == HW_OK || *worst == HW_EINPUT))
		*worst = rc;
	strbuf_release(&err);
	strbuf_release(&detail);
	return rc;
}

static int cmd_poll(int argc, char **argv)
{
	static const char cmd[] = "incident poll";
	const char *dbflag = NULL, *feed = NULL;
	int64_t timeout = 30;
	struct opt opts[] = {
		OPT_DB(&dbflag),
		{ "feed", OPT_STRING, &feed, "URL", "the Atom or RSS feed of CAP alerts (http or https)" },
		{ "timeout", OPT_INT, &timeout, "S", "seconds per download (default 30)" },
		OPT_END,
	};
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	struct feed_msg *msgs = NULL;
	struct geo *g = NULL;
	struct db db = { 0 };
	char **urls = NULL;
	size_t nurls = 0, nmsgs = 0, i;
	CURL *curl = NULL;
	bool in_tx = false;
	int rc, worst = HW_OK;

	if ((rc = opt_parse_only(opts, argc, argv)))
		goto out;
	if (!feed) {
		cli_error(cmd, "give --feed URL");
		rc = HW_EINPUT;
		goto out;
	}
	if (strncasecmp(feed, "http://", 7) && strncasecmp(feed, "https://", 8)) {
		cli_error(cmd, "option '--feed': '%s' is not an http:// or "
			  "https:// URL", feed);
		rc = HW_EINPUT;
		goto out;
	}
	if (timeout < 1 || timeout > 3600) {
		cli_error(cmd, "option '--timeout': give 1 to 3600 seconds");
		rc = HW_EINPUT;
		goto out;
	}
	if ((rc = db_open_cli(&db, cmd, dbflag, NULL, 0)))
		goto out;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	if (!curl) {
		cli_error(cmd, "cannot set up libcurl");
		rc = HW_EINTERNAL;
		goto out;
	}
	if ((rc = fetch(curl, feed, (long)timeout, &text, &err))) {
		cli_error(cmd, "%s", err.buf);
		goto out;
	}
	if ((rc = cap_feed_links(text.buf, text.len, feed, &urls, &nurls, &err))) {
		cli_error(cmd, "feed '%s': %s", feed, err.buf);
		goto out;
	}
	/* Fetch and read every message before applying any, to put them in
	 * the order they were sent. */
	msgs = xcalloc(nurls + 1, sizeof(*msgs));
	for (i = 0; i < nurls; i++) {
		struct feed_msg *m = &msgs[nmsgs];
		struct cap_message cm;

		strbuf_init(&m->text, 0);
		strbuf_reset(&err);
		if (fetch(curl, urls[i], (long)timeout, &m->text, &err)) {
			fprintf(stderr, "homeward incident poll: %s\n", err.buf);
			strbuf_release(&m->text);
			worst = HW_EIO;
			continue;
		}
		cap_message_init(&cm);
		if (cap_parse(&cm, m->text.buf, m->text.len, &err)) {
			fprintf(stderr, "homeward incident poll: refused '%s': %s\n",
				urls[i], err.buf);
			strbuf_release(&m->text);
			if (worst == HW_OK)
				worst = HW_EINPUT;
			continue;
		}
		memcpy(m->sent, cm.sent, sizeof(m->sent));
		cap_message_release(&cm);
		m->url = urls[i];
		m->order = i;
		nmsgs++;
	}
	qsort(msgs, nmsgs, sizeof(*msgs), by_sent);
	if (nmsgs) {
		in_tx = true;
		if ((rc = begin_with_engine(cmd, &db, &g)))
			goto out;
		for (i = 0; i < nmsgs && worst != HW_EDB; i++)
			poll_apply(&db, g, &msgs[i], &worst);
		if (worst == HW_EDB) {
			rc = HW_EDB;
			goto out;
		}
		if (store_commit(db.st)) {
			cli_error(cmd, "cannot commit: %s", store_errmsg(db.st));
			rc = HW_EDB;
			goto out;
		}
		in_tx = false;
	}
	printf("feed %s: %zu message%s read\n", feed, nurls, nurls == 1 ? "" : "s");
	rc = worst;
out:
	if (in_tx)
		store_rollback(db.st);
	for (i = 0; i < nmsgs; i++)
		strbuf_release(&msgs[i].text);
	free(msgs);
	cap_feed_links_free(urls, nurls);
	if (curl)
		curl_easy_cleanup(curl);
	geo_free(g);
	db_release(&db);
	strbuf_release(&text);
	strbuf_release(&err);
	return rc;
}

static const struct subcommand subcommands[] = {
	{ "create", "incident create", cmd_create,
	  "declare an incident; print its id" },
	{ "list", "incident list", cmd_list, "list the incidents" },
	{ "show", "incident show", cmd_show,
	  "an incident with its roster counts" },
	{ "update", "incident update", cmd_update,
	  "change an incident's area (the roster follows), title or type" },
	{ "close", "incident close", cmd_close, "close an incident" },
	{ "poll", "incident poll", cmd_poll,
	  "apply the new CAP messages of an Atom or RSS feed" },
};

int cmd_incident(int argc, char **argv)
{
	return cli_dispatch("incident", subcommands, ARRAY_SIZE(subcommands),
			    argc, argv);
}
