/*
 * api_outbox.c: notification over HTTP: enqueue an incident's messages,
 * read them back with their states, and take the SMS gateway's delivery
 * receipts. The outbox itself is outbox.c; the server's dispatchers
 * (started by serve) send what is enqueued here within a poll interval.
 *
 * Who may do what: hq, and the officers and mission heads of a mission
 * the incident concerns (incident_mission), may notify its whole roster
 * and read its messages; auditors read too. Officers and mission heads
 * see only the messages to persons of their jurisdiction (scope.h), and
 * their counts hold only those. Receipts come from the gateway, with no
 * session: the shared secret (the receipt-secret setting) in the
 * X-Homeward-Secret header is what lets them in.
 */
#include "core/homeward.h"

#include <string.h>
#include <time.h>

#include <microhttpd.h>
#include <sodium.h>

#include "http/api.h"
#include "store/record.h"
#include "core/time.h"
#include "store/db.h"
#include "crisis/outbox.h"
#include "crisis/roster.h"
#include "auth/scope.h"
#include "http/server.h"
#include "store/store.h"

/* The incident of the path, if the principal may see it; else 404. */
static int incident_param(struct api_req *r, int64_t *id)
{
	bool all = r->who.role == ROLE_HQ || r->who.role == ROLE_AUDITOR;
	int rc;

	if ((rc = api_param_id(r, 0, id)))
		return rc;
	rc = roster_incident_visible(r->db->st, *id, all, r->who.mission_id);
	if (rc == HW_ENOTFOUND)
		return api_fail(r, 404, "not_found", NULL, "no incident %lld", (long long)*id);
	if (rc)
		strbuf_addf(&r->err, "cannot read the incident: %s", store_errmsg(r->db->st));
	return rc;
}

/* ---- POST /api/v1/incidents/{id}/notify ---- */

static int notify(struct api_req *r)
{
	const struct outbox_settings *set = outbox_server_settings(r->srv->outbox);
	const char *template = api_body_str(r, "template");
	json_t *channels = json_object_get(r->body, "channels");
	struct outbox_request req = { 0 };
	struct outbox_counts counts;
	char object[32], detail[160];
	int64_t id, total = 0;
	json_t *queued;
	size_t i;
	int rc;

	if ((rc = incident_param(r, &id)))
		return rc;
	if (!set)
		return api_fail(r, 503, "unavailable", NULL, "notification is not set up");
	req.incident = id;
	req.template = template ? template : "alert";
	req.instructions = api_body_str(r, "instructions");
	req.channels = OUTBOX_CH(OUTBOX_EMAIL) | OUTBOX_CH(OUTBOX_SMS) |
		       (set->webhook_url ? OUTBOX_CH(OUTBOX_WEBHOOK) : 0);
	if (json_is_array(channels)) {
		json_t *v;
		req.channels = 0;
		json_array_foreach(channels, i, v) {
			int c = outbox_channel_from_name(json_string_value(v));
			if (c < 0)
				return api_fail(r, 422, "invalid", "channels",
						"channels: '%.40s' is not a channel (email, sms, "
						"webhook)", json_string_value(v));
			req.channels |= OUTBOX_CH(c);
		}
		if (!req.channels)
			return api_fail(r, 422, "invalid", "channels",
					"channels: give at least one of email, sms, webhook");
	}
	if ((rc = api_tx_begin(r)))
		return rc;
	rc = outbox_enqueue(r->db->st, set, &req, &counts, &r->err);
	if (rc == HW_ENOTFOUND)
		return api_fail(r, 404, "not_found", NULL, "no incident %lld", (long long)id);
	if (rc)
		return api_fail_from(r, rc, &r->err);
	for (int c = 0; c < OUTBOX_NCHANNELS; c++)
		total += counts.queued[c];
	snprintf(object, sizeof(object), "incident:%lld", (long long)id);
	snprintf(detail, sizeof(detail), "template %s: %lld new messages%s", req.template,
		 (long long)total, counts.exercise ? " (exercise: suppressed)" : "");
	if ((rc = api_audit(r, "notify", object, detail)))
		return rc;
	queued = json_object();
	for (int c = 0; c < OUTBOX_NCHANNELS; c++)
		json_object_set_new(queued, outbox_channel_name(c),
				    json_integer(counts.queued[c]));
	return api_reply_json(r, 202, json_pack(
		"{s:I, s:s, s:b, s:I, s:o, s:I, s:I, s:I, s:I}",
		"incident", (json_int_t)id, "template", req.template,
		"exercise", counts.exercise, "persons", (json_int_t)counts.persons,
		"queued", queued, "total", (json_int_t)total,
		"existing", (json_int_t)counts.existing,
		"no_address", (json_int_t)counts.no_address,
		"suppressed", (json_int_t)counts.suppressed));
}

/* ---- GET /api/v1/incidents/{id}/messages ---- */

static const char *const states[] = {
	"queued", "sending", "sent", "delivered", "failed", "dead", "suppressed",
};

/* A message of MESSAGE_COLS as the API shows it; the idempotency key is
 * made from its columns 1 to 5 (message_json). */
static const struct rec_field message_fields[] = {
	{ "id", REC_INT }, { "incident_id", REC_INT }, { "person_id", REC_INT },
	{ "template", REC_TEXT }, { "channel", REC_TEXT },
	{ "emergency_contact_id", REC_INT }, { "language", REC_TEXT },
	{ "recipient", REC_TEXT }, { "subject", REC_TEXT }, { "body", REC_TEXT },
	{ "state", REC_TEXT }, { "attempts", REC_INT },
	{ "next_attempt_at", REC_TIME_MS }, { "provider_id", REC_TEXT },
	{ "last_error", REC_TEXT }, { "created_at", REC_TEXT },
	{ "sent_at", REC_TEXT }, { "delivered_at", REC_TEXT }, { NULL, 0 },
};

static json_t *message_json(struct store_stmt *s)
{
	json_t *o = record_json(s, message_fields);
	char key[128];
	int64_t kin = store_col_int64(s, 5);

	snprintf(key, sizeof(key), "%lld/%lld/%s/%s%s", (long long)store_col_int64(s, 1),
		 (long long)store_col_int64(s, 2), store_col_text(s, 3, NULL),
		 store_col_text(s, 4, NULL), kin ? "/kin" : "");
	if (kin)
		snprintf(key + strlen(key), sizeof(key) - strlen(key), "%lld", (long long)kin);
	record_set_text(o, "idempotency_key", key);
	return o;
}

#define MESSAGE_COLS \
	"m.id, m.incident_id, m.person_id, m.template, m.channel, m.kin_id, " \
	"m.language, m.recipient, m.subject, m.body, m.state, m.attempts, " \
	"CASE WHEN m.state IN ('queued', 'failed') THEN m.next_attempt_at END, " \
	"m.provider_id, m.last_error, m.created_at, m.sent_at, m.delivered_at"

/* Into `into`, the count of `table`'s rows of incident `id` per value of
 * `column`, over the persons scope `sc` lets the principal see. */
static int count_by(struct api_req *r, const struct scope *sc, const char *table,
		    const char *column, int64_t id, json_t *into)
{
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *s;
	int rc;

	strbuf_addf(&sql, "SELECT t.%s, count(*) FROM %s t ", column, table);
	if (!sc->all)
		strbuf_addf(&sql, "JOIN person ON person.id = t.person_id AND (%s) ",
			    sc->sql);
	strbuf_addf(&sql, "WHERE t.incident_id = ?2 GROUP BY t.%s", column);
	rc = store_prepare(r->db->st, sql.buf, &s);
	strbuf_release(&sql);
	if (rc)
		return rc;
	if (!sc->all)
		store_bind_int64(s, 1, sc->arg);
	store_bind_int64(s, 2, id);
	while ((rc = store_step(s)) == STORE_ROW)
		json_object_set_new(into, store_col_text(s, 0, NULL),
				    json_integer(store_col_int64(s, 1)));
	store_reset(s);
	return rc < 0 ? rc : HW_OK;
}

static int messages_list(struct api_req *r)
{
	const char *state = api_query(r, "state");
	const char *channel = api_query(r, "channel");
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *s = NULL;
	struct scope sc;
	json_t *items = NULL, *counts = NULL, *ladder = NULL;
	int64_t id, limit, after, last = 0, n = 0;
	bool known = !state;
	int rc;

	if ((rc = incident_param(r, &id)) ||
	    (rc = api_query_int(r, "limit", 1, 1000, 100, &limit)) ||
	    (rc = api_query_int(r, "after", 0, INT64_MAX, 0, &after)))
		return rc;
	for (size_t i = 0; state && i < ARRAY_SIZE(states); i++)
		known |= !strcmp(states[i], state);
	if (!known)
		return api_fail(r, 400, "invalid", "state", "state: '%.40s' is none of "
				"queued, sending, sent, delivered, failed, dead, suppressed",
				state);
	if (channel && outbox_channel_from_name(channel) < 0)
		return api_fail(r, 400, "invalid", "channel", "channel: '%.40s' is none "
				"of email, sms, webhook", channel);
	scope_persons(&r->who, &sc);

	/* With a state, the (incident, state) index gives the rows in id
	 * order; without, the walk is along the ids (an incident's messages
	 * are mostly written together), not a sort of all of them. */
	strbuf_addstr(&sql, "SELECT " MESSAGE_COLS " FROM message m ");
	if (!sc.all)
		strbuf_addf(&sql, "JOIN person ON person.id = m.person_id AND (%s) ", sc.sql);
	strbuf_addstr(&sql, state ? "WHERE m.incident_id = ?2 AND m.state = ?3 "
				  : "WHERE +m.incident_id = ?2 AND ?3 IS NULL ");
	strbuf_addstr(&sql, "AND (?4 IS NULL OR m.channel = ?4) AND m.id > ?5 "
		      "ORDER BY m.id LIMIT ?6");
	if ((rc = store_prepare(r->db->st, sql.buf, &s)))
		goto dberr;
	if (!sc.all)
		store_bind_int64(s, 1, sc.arg);
	store_bind_int64(s, 2, id);
	store_bind_str(s, 3, state);
	store_bind_str(s, 4, channel);
	store_bind_int64(s, 5, after);
	store_bind_int64(s, 6, limit + 1);
	items = json_array();
	while ((rc = store_step(s)) == STORE_ROW) {
		if (n++ == limit)
			break;
		last = store_col_int64(s, 0);
		json_array_append_new(items, message_json(s));
	}
	store_reset(s);
	if (rc < 0)
		goto dberr;

	/* Counts per state, and where the persons are on the escalation
	 * ladder, over everything the principal may see. */
	counts = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(states); i++)
		json_object_set_new(counts, states[i], json_integer(0));
	ladder = json_pack("{s:i, s:i, s:i, s:i}", "contacted", 0, "next-channel", 0,
			   "kin", 0, "call-list", 0);
	if ((rc = count_by(r, &sc, "message", "state", id, counts)) ||
	    (rc = count_by(r, &sc, "escalation", "stage", id, ladder)))
		goto dberr;
	strbuf_release(&sql);
	return api_reply_json(r, 200, json_pack("{s:o, s:o, s:o, s:o}", "items", items,
				"next_after", n > limit ? json_integer(last) : json_null(),
				"counts", counts, "escalation", ladder));
dberr:
	strbuf_release(&sql);
	json_decref(items);
	json_decref(counts);
	json_decref(ladder);
	strbuf_addf(&r->err, "cannot list the messages: %s", store_errmsg(r->db->st));
	return rc < 0 ? rc : HW_EDB;
}

/* ---- POST /api/v1/hooks/sms/receipt ---- */

/* Field `name` of the receipt: from a JSON object, or a form. */
static bool receipt_field(struct api_req *r, json_t *j, const char *name,
			  struct strbuf *out)
{
	strbuf_reset(out);
	if (j) {
		json_t *v = json_object_get(j, name);
		if (json_is_string(v))
			strbuf_addstr(out, json_string_value(v));
		else if (json_is_integer(v))
			strbuf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return out->len > 0;
	}
	return api_form_value(r, name, out) && out->len > 0;
}

static int receipt(struct api_req *r)
{
	const struct outbox_settings *set = outbox_server_settings(r->srv->outbox);
	const char *given = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
							"X-Homeward-Secret");
	struct strbuf pid = STRBUF_INIT, status = STRBUF_INIT, detail = STRBUF_INIT;
	json_t *j = NULL;
	int64_t message = 0;
	char object[32];
	int rc;

	if (!set || !set->receipt_secret)
		return api_fail(r, 401, "unauthorized", NULL, "receipts are not taken: "
				"the server has no receipt secret (HOMEWARD_RECEIPT_SECRET)");
	if (!given || strlen(given) != strlen(set->receipt_secret) ||
	    sodium_memcmp(given, set->receipt_secret, strlen(given)))
		return api_fail(r, 401, "unauthorized", NULL,
				"the X-Homeward-Secret header is missing or wrong");
	if (r->raw_body && r->raw_len && r->raw_body[0] == '{') {
		j = json_loadb(r->raw_body, r->raw_len, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(j)) {
			json_decref(j);
			return api_fail(r, 400, "bad_json", NULL, "the receipt is not a JSON object");
		}
	}
	if (!receipt_field(r, j, "id", &pid)) {
		rc = api_fail(r, 422, "invalid", "id", "id: the gateway's message id is missing");
		goto out;
	}
	if (!receipt_field(r, j, "status", &status)) {
		rc = api_fail(r, 422, "invalid", "status", "status: missing (delivered, failed...)");
		goto out;
	}
	receipt_field(r, j, "error", &detail);
	if (pid.len > 128 || status.len > 32 || detail.len > 500) {
		rc = api_fail(r, 422, "invalid", NULL, "a receipt field is too long");
		goto out;
	}
	if ((rc = api_tx_begin(r)))
		goto out;
	rc = outbox_receipt(r->db->st, pid.buf, status.buf, detail.buf, &message, &r->err);
	if (rc) {
		rc = api_fail_from(r, rc, &r->err);
		goto out;
	}
	snprintf(object, sizeof(object), "message:%lld", (long long)message);
	if ((rc = api_audit(r, "sms-receipt", object, status.buf)))
		goto out;
	rc = api_reply_json(r, 200, json_pack("{s:I, s:s}", "message_id",
					      (json_int_t)message, "status", status.buf));
out:
	json_decref(j);
	strbuf_release(&pid);
	strbuf_release(&status);
	strbuf_release(&detail);
	return rc;
}

/* ---- The routes ---- */

static const struct api_field notify_body[] = {
	{ "template", API_STRING, false, 32, "The template: alert (default) or kin" },
	{ "channels", API_STRINGS, false, 16, "Of email, sms, webhook (default email and "
	  "sms, and the webhook when the server has one)" },
	{ "instructions", API_STRING, false, 1000, "What people should do (default: "
	  "the template's, in each person's language)" },
	{ NULL, 0, false, 0, NULL },
};

static const struct api_field messages_query[] = {
	{ "limit", API_INT, false, 0, "Messages per page, 1 to 1000 (default 100)" },
	{ "after", API_INT, false, 0, "The last id of the previous page" },
	{ "state", API_STRING, false, 16, "Only messages in this state: queued, sending, "
	  "sent, delivered, failed, dead, suppressed" },
	{ "channel", API_STRING, false, 16, "Only this channel: email, sms, webhook" },
	{ NULL, 0, false, 0, NULL },
};

const struct route api_outbox_routes[] = {
	{ "POST", "/api/v1/incidents/{id}/notify", notify, ROLES_STAFF, NULL,
	  notify_body, 0, 202, "notification",
	  "Enqueue a message to every person on the incident's roster, on each "
	  "channel they have, in their language (once per person, template and "
	  "channel: asking again adds nothing)" },
	{ "GET", "/api/v1/incidents/{id}/messages", messages_list, ROLES_READERS,
	  messages_query, NULL, 0, 200, "notification",
	  "The incident's messages, with their counts per state and where "
	  "persons stand on the escalation ladder" },
	{ "POST", "/api/v1/hooks/sms/receipt", receipt, ROLE_PUBLIC, NULL, NULL,
	  ROUTE_OPEN_BODY | ROUTE_NO_CSRF, 200, "notification",
	  "A delivery receipt from the SMS gateway: {\"id\": its message id, "
	  "\"status\": delivered|failed|undelivered|rejected|expired, \"error\"}, "
	  "as JSON or a form, with the shared secret in X-Homeward-Secret" },
	{ NULL, NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL },
};
