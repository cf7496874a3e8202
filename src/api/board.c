/*
 * api_board.c: the accountability board of an incident, for staff and
 * auditors: who is how (counts per status, per place, over time), the
 * roster itself (paged, and as CSV), the officers' call lists of those
 * still unaccounted for, and a live stream of status changes
 * (Server-Sent Events).
 *
 * Officers and mission heads see only incidents that concern their
 * mission, and in them only the persons of their jurisdiction: every query
 * over persons carries scope.h's predicate. hq and auditors see all.
 *
 * The CSV export and the event stream are produced while they are sent
 * (api_reply_stream), a page of rows at a time by person id or event id,
 * so that neither holds a whole roster in memory nor a statement open
 * between two calls (the worker's connection serves other requests in
 * between). The CSV is therefore not one snapshot: a status that changes
 * during the export shows in the row as it is when that row is read.
 */
#include "core/homeward.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/api.h"
#include "store/record.h"
#include "core/time.h"
#include "crisis/checkin.h"
#include "core/cli.h"
#include "core/csv.h"
#include "store/db.h"
#include "crisis/roster.h"
#include "auth/scope.h"
#include "http/server.h"
#include "store/store.h"

/* Rows per page of the streams, and how long a quiet stream waits before
 * a keep-alive comment (proxies close idle connections). */
#define STREAM_PAGE 500
#define STREAM_PAGE_SQL "500"  /* the same, for SQL text */
#define KEEPALIVE_S 15.0

/* ---- Common ---- */

static bool sees_all(const struct api_req *r)
{
	return r->who.role == ROLE_HQ || r->who.role == ROLE_AUDITOR;
}

/* The incident of the path, if the principal may see it (404 if not). */
static int board_incident(struct api_req *r, int64_t *id)
{
	int rc;

	if ((rc = api_param_id(r, 0, id)))
		return rc;
	rc = roster_incident_visible(r->db->st, *id, sees_all(r), r->who.mission_id);
	if (rc == HW_ENOTFOUND)
		return api_fail(r, 404, "not_found", NULL, "no incident %lld", (long long)*id);
	if (rc)
		strbuf_addf(&r->err, "cannot read incident %lld: %s", (long long)*id,
			    store_errmsg(r->db->st));
	return rc;
}

/* The principal's person predicate, or NULL when it sees everyone. */
static const char *scope_sql(struct api_req *r, int64_t *arg)
{
	struct scope sc;

	scope_persons(&r->who, &sc);
	*arg = sc.arg;
	return sc.all ? NULL : sc.sql;
}

/* The ?status= filter: NULL for none, else the status's static name. */
static int status_filter(struct api_req *r, const char **out)
{
	const char *s = api_query(r, "status");
	int code;

	*out = NULL;
	if (!s)
		return HW_OK;
	if ((code = roster_status_parse(s)) < 0)
		return api_fail(r, 400, "invalid", "status", "status: '%.32s' is not a roster "
				"status (unknown, notified, safe, needs-help, wants-evacuation, "
				"evacuated, missing, injured, deceased)", s);
	*out = roster_status_name(code);
	return HW_OK;
}

static json_t *counts_json(const int64_t counts[ROSTER_NSTATUS])
{
	json_t *o = json_object();

	for (int i = 0; i < ROSTER_NSTATUS; i++)
		json_object_set_new(o, roster_status_name(i), json_integer(counts[i]));
	return o;
}

/* The SQL of a ?status= filter (one `?` for the status), or "". An
 * answered status names the condition of the roster_answered index, so
 * that SQLite may use it (it leaves 'unknown' out). */
static const char *status_sql(const char *status)
{
	if (!status)
		return "";
	if (!strcmp(status, "unknown"))
		return "AND r.status = ?";
	return "AND r.status = ? AND r.status <> 'unknown'";
}

/*
 * A roster entry as the board shows it: the person, their first phone and
 * e-mail, and their place: the presence they have today, else their
 * latest. The statement has two `?` in ENTRY_FROM for today's date.
 */
#define ENTRY_COLS \
	"r.person_id, person.family_name, person.given_name, " \
	"(SELECT c.value FROM contact c WHERE c.person_id = r.person_id AND " \
	"c.kind = 'phone' ORDER BY c.preferred DESC, c.id LIMIT 1), " \
	"(SELECT c.value FROM contact c WHERE c.person_id = r.person_id AND " \
	"c.kind = 'email' ORDER BY c.preferred DESC, c.id LIMIT 1), " \
	"pr.country, pr.city, r.status, r.party_size, r.note, r.lat, r.lon, r.updated_at "
#define ENTRY_FROM \
	"FROM roster r JOIN person ON person.id = r.person_id " \
	"LEFT JOIN presence pr ON pr.id = (SELECT p2.id FROM presence p2 " \
	"WHERE p2.person_id = r.person_id ORDER BY ((p2.arrival IS NULL OR " \
	"p2.arrival <= ?) AND (p2.departure IS NULL OR p2.departure >= ?)) DESC, " \
	"p2.seq DESC LIMIT 1) "

/* A roster entry of ENTRY_COLUMNS as the board shows it. */
static const struct rec_field entry_fields[] = {
	{ "person_id", REC_INT }, { "family_name", REC_TEXT },
	{ "given_name", REC_TEXT }, { "phone", REC_TEXT }, { "email", REC_TEXT },
	{ "country", REC_TEXT }, { "city", REC_TEXT }, { "status", REC_TEXT },
	{ "party_size", REC_INT }, { "note", REC_TEXT }, { "lat", REC_REAL },
	{ "lon", REC_REAL }, { "updated_at", REC_TEXT }, { NULL, 0 },
};

static void today(char day[11])
{
	char now[21];

	time_iso_now(now);
	memcpy(day, now, 10);
	day[10] = '\0';
}

static json_t *entry_json(struct store_stmt *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(store_col_int64(s, 0)));
	record_add(o, s, 0, entry_fields);
	return o;
}

/* ---- GET /api/v1/incidents/{id}/board ---- */

/* Whether a JSON string or null holds `s` (NULL for null). */
static bool same_text(const json_t *v, const char *s)
{
	if (!s)
		return json_is_null(v);
	return json_is_string(v) && strcmp(json_string_value(v), s) == 0;
}

/* Counts per country and city (each entry at its place, as above). */
static int board_places(struct api_req *r, int64_t id, const char *scope,
			int64_t arg, json_t *out)
{
	struct store_stmt *s;
	json_t *cur = NULL;
	char day[11];
	int rc;

	today(day);
	if ((rc = store_prepare_where(r->db->st, &s, "SELECT pr.country, pr.city, "
				      "r.status, count(*) " ENTRY_FROM "WHERE r.incident_id = ? "
				      "AND r.in_area = 1%s GROUP BY pr.country, pr.city, "
				      "r.status ORDER BY pr.country, pr.city", scope, arg,
				      "count the roster by place", NULL, "ssi", day, day, id)))
		return rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *country = store_col_text(s, 0, NULL);
		const char *city = store_col_text(s, 1, NULL);
		json_t *counts;

		/* Rows come sorted by place: a new place starts an object. */
		if (!cur || !same_text(json_object_get(cur, "country"), country) ||
		    !same_text(json_object_get(cur, "city"), city)) {
			int64_t zero[ROSTER_NSTATUS] = { 0 };

			cur = json_object();
			record_set_text(cur, "country", country);
			record_set_text(cur, "city", city);
			json_object_set_new(cur, "total", json_integer(0));
			json_object_set_new(cur, "counts", counts_json(zero));
			json_array_append_new(out, cur);
		}
		counts = json_object_get(cur, "counts");
		json_object_set_new(counts, store_col_text(s, 2, NULL),
				    json_integer(store_col_int64(s, 3)));
		json_object_set_new(cur, "total", json_integer(
			json_integer_value(json_object_get(cur, "total")) + store_col_int64(s, 3)));
	}
	store_reset(s);
	return rc < 0 ? rc : HW_OK;
}

/* Status changes per bucket of `minutes`, from roster_event. */
static int board_timeline(struct api_req *r, int64_t id, const char *scope,
			  int64_t arg, int64_t minutes, json_t *out)
{
	struct store_stmt *s;
	json_t *cur = NULL;
	time_t cur_start = 0;
	int rc;

	/* Grouped by minute in SQL (substr is common to every backend),
	 * into buckets here. */
	if ((rc = store_prepare_where(r->db->st, &s, "SELECT substr(e.at, 1, 16), "
				      "e.status, count(*) FROM roster_event e JOIN person ON "
				      "person.id = e.person_id WHERE e.incident_id = ?%s GROUP BY "
				      "substr(e.at, 1, 16), e.status ORDER BY 1", scope, arg,
				      "count the roster's changes", NULL, "i", id)))
		return rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *minute = store_col_text(s, 0, NULL);
		const char *status = store_col_text(s, 1, NULL);
		struct tm tm = { 0 };
		time_t t, start;
		json_t *counts, *v;

		if (!minute || !strptime(minute, "%Y-%m-%dT%H:%M", &tm))
			continue;
		t = timegm(&tm);
		start = t - t % (time_t)(minutes * 60);
		if (!cur || start != cur_start) {
			char at[TIME_ISO_SIZE];

			time_iso(start, at);
			cur = json_object();
			json_object_set_new(cur, "at", json_string(at));
			json_object_set_new(cur, "changes", json_integer(0));
			json_object_set_new(cur, "counts", json_object());
			json_array_append_new(out, cur);
			cur_start = start;
		}
		counts = json_object_get(cur, "counts");
		v = json_object_get(counts, status);
		json_object_set_new(counts, status, json_integer(
			json_integer_value(v) + store_col_int64(s, 2)));
		json_object_set_new(cur, "changes", json_integer(
			json_integer_value(json_object_get(cur, "changes")) + store_col_int64(s, 2)));
	}
	store_reset(s);
	return rc < 0 ? rc : HW_OK;
}

static int board_get(struct api_req *r)
{
	int64_t id, arg, minutes, total, counts[ROSTER_NSTATUS], unaccounted = 0;
	const char *scope;
	json_t *out = NULL, *places = json_array(), *timeline = json_array();
	int rc;

	if ((rc = board_incident(r, &id)) ||
	    (rc = api_query_int(r, "bucket_minutes", 1, 1440, 60, &minutes)))
		goto out;
	scope = scope_sql(r, &arg);
	if ((rc = roster_count(r->db->st, id, scope, arg, counts, &total)) ||
	    (rc = board_places(r, id, scope, arg, places)) ||
	    (rc = board_timeline(r, id, scope, arg, minutes, timeline))) {
		strbuf_addf(&r->err, "cannot read the board of incident %lld: %s",
			    (long long)id, store_errmsg(r->db->st));
		goto out;
	}
	for (int i = 0; i < ROSTER_NSTATUS; i++)
		if (roster_status_unaccounted(i))
			unaccounted += counts[i];
	out = json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:I, s:o}",
			"incident_id", (json_int_t)id, "total", (json_int_t)total,
			"accounted", (json_int_t)(total - unaccounted),
			"unaccounted", (json_int_t)unaccounted, "counts", counts_json(counts),
			"places", places, "bucket_minutes", (json_int_t)minutes,
			"timeline", timeline);
	places = timeline = NULL;
	rc = api_reply_json(r, 200, out);
out:
	json_decref(places);
	json_decref(timeline);
	return rc;
}

/* ---- GET /api/v1/incidents/{id}/roster ---- */

static int roster_get(struct api_req *r)
{
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *s;
	const char *scope, *status;
	int64_t id, arg, limit, after, last = 0, n = 0;
	json_t *items;
	char day[11];
	int rc, i = 1;

	if ((rc = board_incident(r, &id)) || (rc = status_filter(r, &status)) ||
	    (rc = api_query_int(r, "limit", 1, 1000, 100, &limit)) ||
	    (rc = api_query_int(r, "after", 0, INT64_MAX, 0, &after)))
		return rc;
	scope = scope_sql(r, &arg);
	today(day);
	strbuf_addf(&sql, "SELECT " ENTRY_COLS ENTRY_FROM "WHERE r.incident_id = ? "
		    "AND r.in_area = 1 AND r.person_id > ? %s %s%s ORDER BY r.person_id LIMIT ?",
		    status_sql(status), scope ? "AND " : "", scope ? scope : "");
	rc = store_prepare(r->db->st, sql.buf, &s);
	strbuf_release(&sql);
	if (rc) {
		strbuf_addf(&r->err, "cannot list the roster: %s", store_errmsg(r->db->st));
		return rc;
	}
	store_bind_str(s, i++, day);
	store_bind_str(s, i++, day);
	store_bind_int64(s, i++, id);
	store_bind_int64(s, i++, after);
	if (status)
		store_bind_str(s, i++, status);
	if (scope)
		store_bind_int64(s, i++, arg);
	store_bind_int64(s, i++, limit);
	items = json_array();
	while ((rc = store_step(s)) == STORE_ROW) {
		json_array_append_new(items, entry_json(s));
		last = store_col_int64(s, 0);
		n++;
	}
	store_reset(s);
	if (rc < 0) {
		json_decref(items);
		strbuf_addf(&r->err, "cannot list the roster: %s", store_errmsg(r->db->st));
		return rc;
	}
	return api_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_after",
				n == limit ? json_integer(last) : json_null()));
}

/* ---- Streams: the CSV export and the events ---- */

struct stream {
	struct server *srv;
	struct checkin *c;             /* where an idle event stream parks */
	struct MHD_Connection *conn;
	int64_t incident;
	int64_t after;                 /* the last person (CSV) or event id sent */
	const char *scope;             /* scope.h's predicate, or NULL */
	int64_t scope_arg;
	const char *status;            /* CSV: the ?status= filter */
	bool once;                     /* events: the backlog, then end */
	bool header_sent, end;
	double deadline, last_write;
	struct strbuf out;
	size_t pos;
	/* Fill `out` with the next bytes: HW_OK (nothing if the stream is
	 * over), HW_ENOTFOUND for "nothing yet, wait", or an error. */
	int (*fill)(struct stream *st, struct store *db);
};

static void stream_free(void *cls)
{
	struct stream *st = cls;

	checkin_put(st->c);
	strbuf_release(&st->out);
	free(st);
}

/* A stream's connection, parked by the check-in committer until news. */
static void park_conn(void *conn)
{
	api_conn_suspend(conn);
}

static void wake_conn(void *conn)
{
	api_conn_resume(conn);
}

static long stream_read(void *cls, char *buf, size_t max)
{
	const struct checkin_waiter w = { park_conn, wake_conn, NULL };
	struct checkin_waiter mine = w;
	struct stream *st = cls;
	struct db *db;
	size_t n;
	int rc;

	if (st->pos == st->out.len) {
		strbuf_reset(&st->out);
		st->pos = 0;
		if (st->end || !(db = server_thread_db(st->srv)))
			return API_STREAM_END;
		rc = st->fill(st, db->st);
		mine.cls = st->conn;
		if (rc == HW_ENOTFOUND)
			return st->c && checkin_park_stream(st->c, &mine) ? 0 : API_STREAM_END;
		if (rc) {
			fprintf(stderr, "homeward serve: a stream of incident %lld failed: %s\n",
				(long long)st->incident, store_errmsg(db->st));
			return API_STREAM_END;
		}
		if (!st->out.len)
			return API_STREAM_END;
	}
	n = st->out.len - st->pos < max ? st->out.len - st->pos : max;
	memcpy(buf, st->out.buf + st->pos, n);
	st->pos += n;
	return (long)n;
}

static struct stream *stream_new(struct api_req *r, int64_t incident)
{
	struct stream *st = xcalloc(1, sizeof(*st));

	st->srv = r->srv;
	st->conn = r->conn;
	st->incident = incident;
	st->scope = scope_sql(r, &st->scope_arg);
	strbuf_init(&st->out, 0);
	return st;
}

/* A field of free text in CSV. A text that a spreadsheet would run as a
 * formula (=, +, -, @ first) gets a leading apostrophe: notes come from
 * the public check-in page. */
static void csv_text(struct strbuf *out, const char *s)
{
	struct strbuf tmp = STRBUF_INIT;

	if (s && strchr("=+-@\t\r", s[0]) && s[0]) {
		strbuf_addch(&tmp, '\'');
		strbuf_addstr(&tmp, s);
		csv_add_field(out, tmp.buf, tmp.len);
	} else if (s) {
		csv_add_field(out, s, strlen(s));
	}
	strbuf_release(&tmp);
}

static int csv_fill(struct stream *st, struct store *db)
{
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *s;
	char day[11];
	int rc, i = 1, n = 0;

	if (!st->header_sent) {
		for (size_t k = 0; entry_fields[k].name; k++)
			strbuf_addf(&st->out, "%s%s", k ? "," : "", entry_fields[k].name);
		strbuf_addstr(&st->out, "\r\n");
		st->header_sent = true;
	}
	today(day);
	strbuf_addf(&sql, "SELECT " ENTRY_COLS ENTRY_FROM "WHERE r.incident_id = ? "
		    "AND r.in_area = 1 AND r.person_id > ? %s %s%s ORDER BY r.person_id LIMIT %d",
		    status_sql(st->status), st->scope ? "AND " : "",
		    st->scope ? st->scope : "", STREAM_PAGE);
	rc = store_prepare(db, sql.buf, &s);
	strbuf_release(&sql);
	if (rc)
		return rc;
	store_bind_str(s, i++, day);
	store_bind_str(s, i++, day);
	store_bind_int64(s, i++, st->incident);
	store_bind_int64(s, i++, st->after);
	if (st->status)
		store_bind_str(s, i++, st->status);
	if (st->scope)
		store_bind_int64(s, i++, st->scope_arg);
	while ((rc = store_step(s)) == STORE_ROW) {
		for (int k = 0; entry_fields[k].name; k++) {
			if (k)
				strbuf_addch(&st->out, ',');
			if (store_col_null(s, k))
				continue;
			if (k == 1 || k == 2 || k == 6 || k == 9)
				csv_text(&st->out, store_col_text(s, k, NULL));
			else
				csv_add_field(&st->out, store_col_text(s, k, NULL),
					      strlen(store_col_text(s, k, NULL)));
		}
		strbuf_addstr(&st->out, "\r\n");
		st->after = store_col_int64(s, 0);
		n++;
	}
	store_reset(s);
	if (rc < 0)
		return rc;
	st->end = n < STREAM_PAGE;
	return HW_OK;
}

/* GET /api/v1/incidents/{id}/roster.csv */
static int roster_csv(struct api_req *r)
{
	struct stream *st;
	const char *status;
	char object[32];
	int64_t id;
	int rc;

	if ((rc = board_incident(r, &id)) || (rc = status_filter(r, &status)))
		return rc;
	snprintf(object, sizeof(object), "incident:%lld", (long long)id);
	if ((rc = api_audit(r, "roster-export", object, status ? status : "all")))
		return rc;
	st = stream_new(r, id);
	st->status = status;
	st->fill = csv_fill;
	return api_reply_stream(r, 200, "text/csv; charset=utf-8", stream_read, st,
				stream_free);
}

static int events_fill(struct stream *st, struct store *db)
{
	struct store_stmt *s;
	double now = time_mono();
	int rc, n = 0;

	if (!st->header_sent) {
		/* Browsers retry after this many milliseconds, with the
		 * Last-Event-ID of the last event they saw. */
		strbuf_addstr(&st->out, "retry: 3000\n\n");
		st->header_sent = true;
	}
	if ((rc = store_prepare_where(db, &s, "SELECT e.id, e.person_id, e.status, "
				      "e.source, e.actor, e.at, person.family_name, "
				      "person.given_name FROM roster_event e JOIN person ON "
				      "person.id = e.person_id WHERE e.incident_id = ? AND "
				      "e.id > ?%s ORDER BY e.id LIMIT " STREAM_PAGE_SQL,
				      st->scope, st->scope_arg, "read events", NULL, "ii",
				      st->incident, st->after)))
		return rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		json_t *ev = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s?, s:s?}",
				       "id", (json_int_t)store_col_int64(s, 0),
				       "incident_id", (json_int_t)st->incident,
				       "person_id", (json_int_t)store_col_int64(s, 1),
				       "status", store_col_text(s, 2, NULL),
				       "source", store_col_text(s, 3, NULL),
				       "actor", store_col_text(s, 4, NULL),
				       "at", store_col_text(s, 5, NULL),
				       "family_name", store_col_text(s, 6, NULL),
				       "given_name", store_col_text(s, 7, NULL));
		char *data = json_dumps(ev, JSON_COMPACT | JSON_ENSURE_ASCII);

		st->after = store_col_int64(s, 0);
		strbuf_addf(&st->out, "id: %lld\nevent: status\ndata: %s\n\n",
			    (long long)st->after, data ? data : "{}");
		free(data);
		json_decref(ev);
		n++;
	}
	store_reset(s);
	if (rc < 0)
		return rc;
	if (n || st->out.len) {
		st->last_write = now;
		return HW_OK;
	}
	if (st->once || now >= st->deadline) {
		st->end = true;
		return HW_OK;
	}
	if (now - st->last_write >= KEEPALIVE_S) {
		strbuf_addstr(&st->out, ": keep-alive\n\n");
		st->last_write = now;
		return HW_OK;
	}
	return HW_ENOTFOUND;
}

/* The id of the last event of incident `id`: where a new stream starts. */
static int last_event(struct api_req *r, int64_t id, int64_t *out)
{
	int rc;

	*out = 0;
	rc = store_one_int64(r->db->st, out, "SELECT max(id) FROM roster_event "
			     "WHERE incident_id = ?", "read events", NULL, "i", id);
	return rc < 0 ? rc : HW_OK;
}

/* GET /api/v1/incidents/{id}/events */
static int events_get(struct api_req *r)
{
	const char *resume = api_header(r, "Last-Event-ID");
	int64_t id, after, seconds, once;
	struct stream *st;
	int rc;

	if ((rc = board_incident(r, &id)) ||
	    (rc = api_query_int(r, "after", 0, INT64_MAX, -1, &after)) ||
	    (rc = api_query_int(r, "once", 0, 1, 0, &once)) ||
	    (rc = api_query_int(r, "max_seconds", 1, 86400, 3600, &seconds)))
		return rc;
	/* Where to start: after the event the browser saw last, or the one
	 * asked for, else from now on. */
	if (resume && *resume) {
		char *end;

		after = strtoll(resume, &end, 10);
		if (*end || after < 0)
			return api_fail(r, 400, "invalid", "Last-Event-ID",
					"the Last-Event-ID header must be an event id");
	} else if (after < 0 && (rc = last_event(r, id, &after))) {
		strbuf_addf(&r->err, "cannot read events: %s", store_errmsg(r->db->st));
		return rc;
	}
	st = stream_new(r, id);
	st->after = after;
	st->once = once;
	st->deadline = time_mono() + (double)seconds;
	st->last_write = time_mono();
	st->c = checkin_get(&r->srv->checkin);
	st->fill = events_fill;
	/* A reverse proxy (nginx) would otherwise hold events back to fill
	 * its buffer. */
	r->extra_header_name = xstrdup("X-Accel-Buffering");
	r->extra_header_value = xstrdup("no");
	return api_reply_stream(r, 200, "text/event-stream; charset=utf-8", stream_read, st,
				stream_free);
}

/* ---- GET /api/v1/incidents/{id}/calls ---- */

/*
 * The call lists of one mission: the unaccounted persons of the roster
 * with a presence in the mission's jurisdiction, most urgent first
 * (needs-help, missing, notified, unknown), dealt out in turn to the
 * mission's officers (or, if it has none, its other staff), so that every
 * list holds its share of each urgency. Each list gives its count and its
 * first `limit` entries.
 */
static int mission_calls(struct api_req *r, int64_t id, int64_t mission,
			 const char *code, int64_t limit, json_t *out)
{
	struct store_stmt *s;
	json_t *officers = json_array(), *m;
	size_t nof;
	int64_t k = 0;
	char day[11];
	int rc;

	/* The callers, by login so that the dealing is stable. */
	if ((rc = store_prepare(r->db->st, "SELECT id, login, role FROM app_user "
				"WHERE mission_id = ? AND disabled = 0 AND role IN "
				"('officer', 'mission-head') ORDER BY role = 'officer' DESC, login",
				&s)))
		goto out;
	store_bind_int64(s, 1, mission);
	while ((rc = store_step(s)) == STORE_ROW) {
		/* Mission heads only when the mission has no officers. */
		if (json_array_size(officers) &&
		    strcmp(store_col_text(s, 2, NULL), "officer") != 0)
			break;
		json_array_append_new(officers, json_pack("{s:I, s:s, s:I, s:[]}",
				"user_id", (json_int_t)store_col_int64(s, 0),
				"login", store_col_text(s, 1, NULL), "count", (json_int_t)0,
				"items"));
	}
	store_reset(s);
	if (rc < 0)
		goto out;
	nof = json_array_size(officers);
	if (!nof)
		json_array_append_new(officers, json_pack("{s:n, s:n, s:I, s:[]}", "user_id",
				"login", "count", (json_int_t)0, "items"));
	nof = json_array_size(officers);

	today(day);
	if ((rc = store_prepare(r->db->st, "SELECT " ENTRY_COLS ENTRY_FROM
			"WHERE r.incident_id = ? AND r.in_area = 1 AND r.status IN "
			"('needs-help', 'missing', 'notified', 'unknown') AND EXISTS "
			"(SELECT 1 FROM presence jp JOIN mission_country jm ON "
			"jm.country = jp.country WHERE jp.person_id = r.person_id AND "
			"jm.mission_id = ?) ORDER BY CASE r.status WHEN 'needs-help' THEN 0 "
			"WHEN 'missing' THEN 1 WHEN 'notified' THEN 2 ELSE 3 END, "
			"r.person_id", &s)))
		goto out;
	store_bind_list(s, "ssii", day, day, id, mission);
	while ((rc = store_step(s)) == STORE_ROW) {
		json_t *o = json_array_get(officers, (size_t)(k++ % (int64_t)nof));
		json_int_t count = json_integer_value(json_object_get(o, "count"));

		if (count < limit)
			json_array_append_new(json_object_get(o, "items"), entry_json(s));
		json_object_set_new(o, "count", json_integer(count + 1));
	}
	store_reset(s);
	if (rc < 0)
		goto out;
	m = json_pack("{s:I, s:s, s:I, s:O}", "mission_id", (json_int_t)mission,
		      "mission", code, "unaccounted", (json_int_t)k, "lists", officers);
	json_array_append_new(out, m);
	rc = HW_OK;
out:
	json_decref(officers);
	return rc;
}

static int calls_get(struct api_req *r)
{
	struct store_stmt *s;
	int64_t id, limit, *ids = NULL;
	char **codes = NULL;
	size_t n = 0, a = 0;
	json_t *missions = json_array();
	int rc;

	if ((rc = board_incident(r, &id)) ||
	    (rc = api_query_int(r, "limit", 1, 1000, 100, &limit)))
		goto out;
	/* The missions concerned; an officer's own only. */
	if ((rc = store_prepare(r->db->st, "SELECT m.id, m.code FROM incident_mission im "
				"JOIN mission m ON m.id = im.mission_id WHERE im.incident_id = ? "
				"AND (? OR m.id = ?) ORDER BY m.code", &s)))
		goto dberr;
	store_bind_int64(s, 1, id);
	store_bind_int64(s, 2, sees_all(r));
	store_bind_int64(s, 3, r->who.mission_id);
	while ((rc = store_step(s)) == STORE_ROW) {
		if (n == a) {
			a = a ? 2 * a : 8;
			ids = xrealloc(ids, a * sizeof(*ids));
			codes = xrealloc(codes, a * sizeof(*codes));
		}
		ids[n] = store_col_int64(s, 0);
		codes[n++] = xstrdup(store_col_text(s, 1, NULL));
	}
	store_reset(s);
	if (rc < 0)
		goto dberr;
	for (size_t i = 0; i < n; i++)
		if ((rc = mission_calls(r, id, ids[i], codes[i], limit, missions)))
			goto dberr;
	rc = api_reply_json(r, 200, json_pack("{s:I, s:O}", "incident_id", (json_int_t)id,
					      "missions", missions));
	goto out;
dberr:
	strbuf_addf(&r->err, "cannot make the call lists of incident %lld: %s",
		    (long long)id, store_errmsg(r->db->st));
out:
	for (size_t i = 0; i < n; i++)
		free(codes[i]);
	free(codes);
	free(ids);
	json_decref(missions);
	return rc;
}

/* ---- The table ---- */

static const struct api_field board_query[] = {
	{ "bucket_minutes", API_INT, false, 0, "The timeline's step in minutes, 1 to 1440 "
	  "(default 60)" },
	{ NULL, 0, false, 0, NULL },
};

static const struct api_field roster_query[] = {
	{ "status", API_STRING, false, 32, "Only entries with this status" },
	{ "limit", API_INT, false, 0, "Items per page, 1 to 1000 (default 100)" },
	{ "after", API_INT, false, 0, "The next_after of the previous page" },
	{ NULL, 0, false, 0, NULL },
};

static const struct api_field csv_query[] = {
	{ "status", API_STRING, false, 32, "Only entries with this status" },
	{ NULL, 0, false, 0, NULL },
};

static const struct api_field calls_query[] = {
	{ "limit", API_INT, false, 0, "Entries given per list, 1 to 1000 (default 100); "
	  "count says how many the list holds" },
	{ NULL, 0, false, 0, NULL },
};

static const struct api_field events_query[] = {
	{ "after", API_INT, false, 0, "Start after this event id (default: from now on; "
	  "the Last-Event-ID header wins)" },
	{ "once", API_INT, false, 0, "1: send the events so far and end" },
	{ "max_seconds", API_INT, false, 0, "End the stream after this long, 1 to 86400 "
	  "(default 3600); browsers reconnect by themselves" },
	{ NULL, 0, false, 0, NULL },
};

const struct route api_board_routes[] = {
	{ "GET", "/api/v1/incidents/{id}/board", board_get, ROLES_READERS, board_query, NULL,
	  0, 200, "board", "Counts per status, per place and over time" },
	{ "GET", "/api/v1/incidents/{id}/roster", roster_get, ROLES_READERS, roster_query,
	  NULL, 0, 200, "board", "The roster's entries, paged" },
	{ "GET", "/api/v1/incidents/{id}/roster.csv", roster_csv, ROLES_READERS, csv_query,
	  NULL, 0, 200, "board", "The roster as CSV (audited)" },
	{ "GET", "/api/v1/incidents/{id}/calls", calls_get, ROLES_READERS, calls_query, NULL,
	  0, 200, "board", "The unaccounted, split into call lists per officer" },
	{ "GET", "/api/v1/incidents/{id}/events", events_get, ROLES_READERS, events_query,
	  NULL, 0, 200, "board", "Status changes as they happen (Server-Sent Events)" },
	{ NULL, NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL },
};
