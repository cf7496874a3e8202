/*
 * api_checkin.c: how answers come in. Three ways, one result (a roster
 * status change with its roster_event row, roster.h):
 *
 *   - the check-in page, GET/POST /c/TOKEN: a small page in the person's
 *     language that works without JavaScript (the token is the
 *     capability: no sign-in). Its answers go through the group-commit
 *     committer (checkin.c): the request is parked until its batch has
 *     committed, and only then answered 200;
 *   - SMS replies, POST /api/v1/hooks/sms/inbound, from the SMS gateway,
 *     authenticated by a shared secret (HOMEWARD_SMS_SECRET in the
 *     server's environment, sent as the X-Webhook-Secret header);
 *   - officers recording phone calls, POST /api/v1/incidents/ID/checkins.
 *
 * Plus the page's static files, GET /assets/NAME, from web/checkin/ (embedded).
 *
 * HTML is written only through the escaping writer of http/html.h: the
 * markup is the format, every text from outside an escaped argument.
 */
#include "core/homeward.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http/api.h"
#include "http/html.h"
#include "core/time.h"
#include "core/builtin.h"
#include "crisis/checkin.h"
#include "store/db.h"
#include "http/server.h"
#include "crisis/roster.h"
#include "auth/scope.h"
#include "store/store.h"

#define NOTE_MAX_CHARS 1000
#define SMS_SECRET_HEADER "X-Webhook-Secret"

/* ---- Writing pages ---- */

static void page_head(struct strbuf *sb, const struct checkin_lang *l,
		      const char *title)
{
	html_addf(sb, "<!doctype html>\n<html lang=\"%s\" dir=\"%s\">\n"
		  "<head><meta charset=\"utf-8\">"
		  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		  "<meta name=\"robots\" content=\"noindex\"><title>%s%s%s</title>"
		  "<link rel=\"stylesheet\" href=\"/assets/checkin.css\">"
		  "</head>\n<body><main>\n", l->code, l->rtl ? "rtl" : "ltr",
		  l->text[CT_HEADING], title ? " – " : "", title ? title : "");
}

static void page_foot(struct strbuf *sb, bool script)
{
	html_addf(sb, "</main>\n");
	if (script)
		html_addf(sb, "<script src=\"/assets/checkin.js\"></script>\n");
	html_addf(sb, "</body></html>\n");
}

/* A paragraph of escaped text, with a class or none. */
static void para(struct strbuf *sb, const char *cls, const char *text)
{
	if (cls)
		html_addf(sb, "<p class=\"%s\">%s</p>\n", cls, text);
	else
		html_addf(sb, "<p>%s</p>\n", text);
}

static int reply_page(struct api_req *r, int status, struct strbuf *page)
{
	return api_reply_text(r, status, "text/html; charset=utf-8", page->buf, page->len);
}

/* A page with one message: unknown link, closed incident, failure. */
static int message_page(struct api_req *r, int status,
			const struct checkin_lang *l, enum checkin_text msg)
{
	struct strbuf page = STRBUF_INIT;

	page_head(&page, l, NULL);
	html_addf(&page, "<h1>%s</h1>\n", l->text[CT_HEADING]);
	para(&page, "error", l->text[msg]);
	page_foot(&page, false);
	reply_page(r, status, &page);
	strbuf_release(&page);
	return HW_OK;
}

/* ---- The check-in link's target ---- */

/* What a token leads to. */
struct target {
	int64_t incident, person;
	struct strbuf title;
	bool open, exercise, on_roster;
	char person_lang[16];
	char status[24];             /* the roster status, "" if off the roster */
};

static void target_release(struct target *t)
{
	strbuf_release(&t->title);
}

static bool token_wellformed(const char *token)
{
	if (!token || strlen(token) != CHECKIN_TOKEN_LEN)
		return false;
	for (const char *p = token; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

/* Read the incident, person and roster entry of `token`: HW_OK,
 * HW_ENOTFOUND, or a database error with a message in r->err. */
static int target_find(struct api_req *r, const char *token, struct target *t)
{
	struct store_stmt *s;
	int rc;

	if (!token_wellformed(token))
		return HW_ENOTFOUND;
	if ((rc = store_prepare(r->db->st,
			"SELECT t.incident_id, t.person_id, i.title, i.status, i.exercise, "
			"p.language, r.status, r.in_area FROM checkin_token t "
			"JOIN incident i ON i.id = t.incident_id "
			"JOIN person p ON p.id = t.person_id "
			"LEFT JOIN roster r ON r.incident_id = t.incident_id "
			"AND r.person_id = t.person_id WHERE t.token = ?", &s))) {
		strbuf_addf(&r->err, "cannot read a check-in link: %s", store_errmsg(r->db->st));
		return rc;
	}
	store_bind_str(s, 1, token);
	rc = store_step(s);
	if (rc == STORE_ROW) {
		const char *v;

		t->incident = store_col_int64(s, 0);
		t->person = store_col_int64(s, 1);
		strbuf_addstr(&t->title, store_col_text(s, 2, NULL));
		t->open = strcmp(store_col_text(s, 3, NULL), "open") == 0;
		t->exercise = store_col_int64(s, 4) != 0;
		v = store_col_text(s, 5, NULL);
		snprintf(t->person_lang, sizeof(t->person_lang), "%s", v ? v : "");
		v = store_col_text(s, 6, NULL);
		snprintf(t->status, sizeof(t->status), "%s", v ? v : "");
		t->on_roster = v != NULL;
	}
	store_reset(s);
	if (rc < 0) {
		strbuf_addf(&r->err, "cannot read a check-in link: %s", store_errmsg(r->db->st));
		return rc;
	}
	return rc == STORE_ROW ? HW_OK : HW_ENOTFOUND;
}

/* The page's language: the one asked for (?lang= or the form's), else
 * the person's, else the browser's, else English. */
static const struct checkin_lang *choose_lang(struct api_req *r, const char *asked,
					      const char *person_lang)
{
	const struct checkin_lang *l;

	if ((l = checkin_lang_find(asked)) || (l = checkin_lang_find(person_lang)) ||
	    (l = checkin_lang_accept(api_header(r, "Accept-Language"))))
		return l;
	return checkin_lang_default();
}

static bool wants_json(struct api_req *r)
{
	const char *accept = api_header(r, "Accept");

	return accept && strstr(accept, "application/json") != NULL;
}

/* What the form said, kept to fill the form again after an error. */
struct form {
	struct strbuf status, party, note, lat, lon, lang;
};

static void form_init(struct form *f)
{
	strbuf_init(&f->status, 0);
	strbuf_init(&f->party, 0);
	strbuf_init(&f->note, 0);
	strbuf_init(&f->lat, 0);
	strbuf_init(&f->lon, 0);
	strbuf_init(&f->lang, 0);
}

static void form_release(struct form *f)
{
	strbuf_release(&f->status);
	strbuf_release(&f->party);
	strbuf_release(&f->note);
	strbuf_release(&f->lat);
	strbuf_release(&f->lon);
	strbuf_release(&f->lang);
}

/* The check-in form, filled with `f` if given, with an error if given. */
static void form_page(struct strbuf *page, const struct checkin_lang *l,
		      const char *token, const struct target *t,
		      const struct form *f, const char *error)
{
	static const struct {
		const char *status, *cls;
		enum checkin_text label;
	} buttons[] = {
		{ "safe", "safe", CT_SAFE },
		{ "needs-help", "help", CT_HELP },
		{ "wants-evacuation", "leave", CT_LEAVE },
	};
	const char *last = t->on_roster ? checkin_status_label(l, t->status) : NULL;

	page_head(page, l, t->title.buf);
	if (t->exercise)
		para(page, "exercise", l->text[CT_EXERCISE]);
	para(page, "kicker", l->text[CT_HEADING]);
	html_addf(page, "<h1>%s</h1>\n", t->title.buf);
	if (error)
		para(page, "error", error);
	para(page, NULL, l->text[CT_INTRO]);
	if (last)
		html_addf(page, "<p class=\"last\">%s <strong>%s</strong></p>\n",
			  l->text[CT_LAST_ANSWER], last);
	html_addf(page, "<form method=\"post\" action=\"/c/%s\">\n"
		  "<input type=\"hidden\" name=\"lang\" value=\"%s\">\n"
		  "<label for=\"party_size\">%s</label>\n"
		  "<input type=\"number\" id=\"party_size\" name=\"party_size\" "
		  "min=\"1\" max=\"999\" inputmode=\"numeric\" value=\"%s\">\n"
		  "<label for=\"note\">%s</label>\n"
		  "<textarea id=\"note\" name=\"note\" rows=\"3\" maxlength=\"1000\">%s"
		  "</textarea>\n<input type=\"hidden\" id=\"lat\" name=\"lat\" value=\"\">"
		  "<input type=\"hidden\" id=\"lon\" name=\"lon\" value=\"\">\n"
		  "<p class=\"location\" id=\"location\" hidden><label>"
		  "<input type=\"checkbox\" id=\"share-location\"> %s</label> "
		  "<span id=\"location-state\" hidden>%s</span></p>\n"
		  "<div class=\"choices\">\n", token, l->code, l->text[CT_PARTY],
		  f ? f->party.buf : "", l->text[CT_NOTE], f ? f->note.buf : "",
		  l->text[CT_LOCATION], l->text[CT_LOCATION_ADDED]);
	for (size_t i = 0; i < ARRAY_SIZE(buttons); i++)
		html_addf(page, "<button type=\"submit\" name=\"status\" value=\"%s\" "
			  "class=\"%s\">%s</button>\n", buttons[i].status, buttons[i].cls,
			  l->text[buttons[i].label]);
	html_addf(page, "</div>\n</form>\n");
	page_foot(page, true);
}

static void confirm_page(struct strbuf *page, const struct checkin_lang *l,
			 const char *token, const char *title, bool exercise,
			 const char *status)
{
	const char *label = checkin_status_label(l, status);

	page_head(page, l, title);
	if (exercise)
		para(page, "exercise", l->text[CT_EXERCISE]);
	para(page, "kicker", l->text[CT_HEADING]);
	html_addf(page, "<h1>%s</h1>\n<div class=\"done\"><p><strong>%s</strong> %s "
		  "<strong>%s</strong></p>\n", title, l->text[CT_THANKS],
		  l->text[CT_RECORDED], label ? label : status);
	if (!strcmp(status, "needs-help"))
		para(page, NULL, l->text[CT_HELP_NEXT]);
	else if (!strcmp(status, "wants-evacuation"))
		para(page, NULL, l->text[CT_LEAVE_NEXT]);
	para(page, NULL, l->text[CT_CHANGE]);
	html_addf(page, "<p><a href=\"/c/%s?lang=%s\">%s</a></p></div>\n", token,
		  l->code, l->text[CT_BACK]);
	page_foot(page, false);
}

/* The answer to a link that leads nowhere usable, as a page or JSON. */
static int link_problem(struct api_req *r, int rc, const struct target *t,
			const struct checkin_lang *l)
{
	bool json = wants_json(r);

	if (rc == HW_ENOTFOUND || (rc == HW_OK && !t->on_roster)) {
		if (json)
			return api_fail(r, 404, "not_found", NULL, "no such check-in link");
		return message_page(r, 404, l, CT_NOT_FOUND);
	}
	if (rc == HW_OK && !t->open) {
		if (json)
			return api_fail(r, 410, "closed", NULL,
					"the incident is closed: check-ins are no longer recorded");
		return message_page(r, 410, l, CT_CLOSED);
	}
	return rc;
}

static json_t *target_json(const struct target *t)
{
	return json_pack("{s:{s:I, s:s, s:b, s:b}, s:s?}", "incident",
			 "id", (json_int_t)t->incident, "title", t->title.buf,
			 "exercise", t->exercise, "open", t->open,
			 "status", t->on_roster ? t->status : NULL);
}

/* GET /c/{token} */
static int checkin_get_page(struct api_req *r)
{
	struct target t = { .title = STRBUF_INIT };
	struct strbuf page = STRBUF_INIT;
	const struct checkin_lang *l;
	int rc;

	rc = target_find(r, r->params[0], &t);
	l = choose_lang(r, api_query(r, "lang"), rc == HW_OK ? t.person_lang : NULL);
	if (rc || !t.on_roster || !t.open) {
		rc = link_problem(r, rc, &t, l);
		goto out;
	}
	if (wants_json(r)) {
		rc = api_reply_json(r, 200, target_json(&t));
		goto out;
	}
	form_page(&page, l, r->params[0], &t, NULL, NULL);
	rc = reply_page(r, 200, &page);
out:
	strbuf_release(&page);
	target_release(&t);
	return rc;
}

/* A check-in waiting for its batch: the request's state while parked. */
struct pending {
	struct checkin_item item;
	struct checkin *c;
	struct api_req *r;
	const struct checkin_lang *lang;
	struct strbuf title, note;
	char token[CHECKIN_TOKEN_LEN + 1];
	bool exercise;
};

static void pending_free(void *arg)
{
	struct pending *p = arg;

	checkin_put(p->c);
	strbuf_release(&p->title);
	strbuf_release(&p->note);
	free(p);
}

/* On the committer thread: the batch is written; wake the request. */
static void pending_done(struct checkin_item *it)
{
	struct pending *p = it->cls;

	api_resume(p->r);
}

/* Back on a worker thread after the commit: answer. */
static int checkin_committed(struct api_req *r)
{
	struct pending *p = r->suspend_state;
	struct strbuf page = STRBUF_INIT;
	bool json = wants_json(r);
	int rc = HW_OK;

	switch (p->item.rc) {
	case HW_OK:
		if (json) {
			rc = api_reply_json(r, 200, json_pack("{s:b, s:I, s:s}", "recorded", 1,
					    "incident", (json_int_t)p->item.incident,
					    "status", p->item.status));
			break;
		}
		confirm_page(&page, p->lang, p->token, p->title.buf, p->exercise,
			     p->item.status);
		rc = reply_page(r, 200, &page);
		break;
	case HW_ENOTFOUND:
		rc = json ? api_fail(r, 404, "not_found", NULL, "no such check-in link")
			  : message_page(r, 404, p->lang, CT_NOT_FOUND);
		break;
	default:
		rc = json ? api_fail(r, 503, "unavailable", NULL,
				     "the answer could not be recorded; try again")
			  : message_page(r, 503, p->lang, CT_ERROR);
		break;
	}
	strbuf_release(&page);
	return rc;
}

/* The length of `s` in characters (UTF-8). */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void trim(struct strbuf *sb)
{
	size_t i = 0;

	strbuf_rtrim(sb);
	while (i < sb->len && (sb->buf[i] == ' ' || sb->buf[i] == '\t' ||
			       sb->buf[i] == '\r' || sb->buf[i] == '\n'))
		i++;
	if (i) {
		memmove(sb->buf, sb->buf + i, sb->len - i);
		strbuf_setlen(sb, sb->len - i);
	}
}

static bool parse_coord(const char *s, double lim, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return *s && !*end && isfinite(*out) && fabs(*out) <= lim;
}

/* Check the form: HW_OK with `ans` filled, or the message of what is
 * wrong (a text id) in *bad. */
static int form_check(struct form *f, const char **status,
		      struct roster_answer *ans, enum checkin_text *bad)
{
	int code = roster_status_parse(f->status.buf);

	if (code != ROSTER_SAFE && code != ROSTER_NEEDS_HELP &&
	    code != ROSTER_WANTS_EVACUATION) {
		*bad = CT_BAD_STATUS;
		return HW_EINPUT;
	}
	*status = roster_status_name(code);
	trim(&f->party);
	if (f->party.len) {
		char *end;
		long n = strtol(f->party.buf, &end, 10);

		if (*end || n < 1 || n > 999 || f->party.len > 3) {
			*bad = CT_BAD_PARTY;
			return HW_EINPUT;
		}
		ans->party_size = (int)n;
	}
	trim(&f->note);
	if (utf8_chars(f->note.buf) > NOTE_MAX_CHARS) {
		*bad = CT_BAD_NOTE;
		return HW_EINPUT;
	}
	ans->note = f->note.len ? f->note.buf : NULL;
	trim(&f->lat);
	trim(&f->lon);
	if (f->lat.len || f->lon.len) {
		if (!parse_coord(f->lat.buf, 90, &ans->lat) ||
		    !parse_coord(f->lon.buf, 180, &ans->lon)) {
			*bad = CT_BAD_LOCATION;
			return HW_EINPUT;
		}
		ans->has_location = true;
	}
	return HW_OK;
}

/* POST /c/{token} */
static int checkin_post_page(struct api_req *r)
{
	struct target t = { .title = STRBUF_INIT };
	struct roster_answer ans = ROSTER_ANSWER_INIT;
	struct strbuf page = STRBUF_INIT;
	const struct checkin_lang *l;
	struct pending *p = NULL;
	enum checkin_text bad;
	const char *status;
	struct form f;
	int rc;

	form_init(&f);
	api_form_value(r, "status", &f.status);
	api_form_value(r, "party_size", &f.party);
	api_form_value(r, "note", &f.note);
	api_form_value(r, "lat", &f.lat);
	api_form_value(r, "lon", &f.lon);
	api_form_value(r, "lang", &f.lang);

	rc = target_find(r, r->params[0], &t);
	l = choose_lang(r, f.lang.buf, rc == HW_OK ? t.person_lang : NULL);
	if (rc || !t.on_roster || !t.open) {
		rc = link_problem(r, rc, &t, l);
		goto out;
	}
	if (form_check(&f, &status, &ans, &bad)) {
		if (wants_json(r)) {
			rc = api_fail(r, 422, "invalid", bad == CT_BAD_STATUS ? "status" :
				      bad == CT_BAD_PARTY ? "party_size" :
				      bad == CT_BAD_NOTE ? "note" : "lat",
				      "%s", checkin_lang_default()->text[bad]);
			goto out;
		}
		form_page(&page, l, r->params[0], &t, &f, l->text[bad]);
		rc = reply_page(r, 422, &page);
		goto out;
	}

	p = xcalloc(1, sizeof(*p));
	strbuf_init(&p->title, 0);
	strbuf_init(&p->note, 0);
	p->c = checkin_get(&r->srv->checkin);
	if (!p->c) {
		pending_free(p);
		rc = wants_json(r) ? api_fail(r, 503, "unavailable", NULL,
					      "the server is stopping; try again")
				   : message_page(r, 503, l, CT_ERROR);
		goto out;
	}
	p->r = r;
	p->lang = l;
	p->exercise = t.exercise;
	strbuf_addbuf(&p->title, &t.title);
	strbuf_addbuf(&p->note, &f.note);
	snprintf(p->token, sizeof(p->token), "%s", r->params[0]);
	p->item.incident = t.incident;
	p->item.person = t.person;
	p->item.status = status;
	p->item.source = "checkin";
	/* The token's first characters name the link in the history
	 * without making it usable by whoever reads the history. */
	snprintf(p->item.actor, sizeof(p->item.actor), "checkin:%.6s", p->token);
	snprintf(p->item.address, sizeof(p->item.address), "%s", r->address);
	p->item.answer = ans;
	p->item.answer.note = p->note.len ? p->note.buf : NULL;
	p->item.done = pending_done;
	p->item.cls = p;

	/* Park first, then queue: the committer's wake must follow the
	 * park. From here on the request owns `p` (freed with it). */
	api_suspend(r, checkin_committed, p, pending_free);
	if (checkin_submit(p->c, &p->item)) {
		p->item.rc = HW_EIO;
		api_resume(r);
	}
	rc = HW_OK;
out:
	form_release(&f);
	strbuf_release(&page);
	target_release(&t);
	return rc;
}

/* ---- Static files of the page ---- */

static const struct {
	const char *ext, *type;
} asset_types[] = {
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
};

/* GET /assets/{name} */
static int asset_get(struct api_req *r)
{
	const char *name = r->params[0];
	const struct builtin_file *f = NULL;
	struct strbuf path = STRBUF_INIT;
	size_t n = strlen(name);

	/* Names are flat: a slash cannot reach here (one path segment),
	 * and the table is only of what web/checkin/ holds. */
	strbuf_addf(&path, "web/checkin/%s", name);
	for (size_t i = 0; i < ARRAY_SIZE(asset_types) && !f; i++) {
		size_t e = strlen(asset_types[i].ext);

		if (n > e && !strcmp(name + n - e, asset_types[i].ext) &&
		    (f = builtin_find(path.buf)))
			api_reply_text(r, 200, asset_types[i].type, f->data, f->size);
	}
	strbuf_release(&path);
	if (!f)
		return api_fail(r, 404, "not_found", NULL, "no such file '%.64s'", name);
	return HW_OK;
}

/* ---- SMS replies ---- */

/* "+33 6 12-34" or "0033612..." as E.164 ("+33612..."); false if it is
 * not a phone number. */
static bool e164(const char *in, char out[17])
{
	size_t n = 0;
	const char *p = in;

	if (p[0] == '0' && p[1] == '0')
		p += 2;
	else if (*p == '+')
		p++;
	else
		return false;
	out[n++] = '+';
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n >= 16)
				return false;
			out[n++] = *p;
		} else if (!strchr(" -().", *p)) {
			return false;
		}
	}
	out[n] = '\0';
	return n >= 9 && out[1] != '0';
}

/* A field of the hook's body, JSON or form, into `out`. */
static bool hook_field(struct api_req *r, json_t *json, const char *name,
		       struct strbuf *out)
{
	json_t *v;

	if (!json)
		return api_form_value(r, name, out);
	strbuf_reset(out);
	v = json_object_get(json, name);
	if (json_is_string(v)) {
		strbuf_addstr(out, json_string_value(v));
		return true;
	}
	if (json_is_integer(v)) {
		strbuf_addf(out, "%lld", (long long)json_integer_value(v));
		return true;
	}
	return false;
}

/* The roster entries of the open incidents holding a person with phone
 * `phone`: pairs (incident, person) into *out (caller frees). */
static int sms_entries(struct api_req *r, const char *phone, int64_t **out, size_t *n)
{
	struct store_stmt *s;
	size_t a = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(r->db->st,
			"SELECT DISTINCT r.incident_id, r.person_id FROM contact c "
			"JOIN roster r ON r.person_id = c.person_id "
			"JOIN incident i ON i.id = r.incident_id AND i.status = 'open' "
			"WHERE c.kind = 'phone' AND c.value = ? "
			"ORDER BY r.incident_id, r.person_id", &s)))
		goto dberr;
	store_bind_str(s, 1, phone);
	while ((rc = store_step(s)) == STORE_ROW) {
		if (*n == a) {
			a = a ? 2 * a : 8;
			*out = xrealloc(*out, a * 2 * sizeof(**out));
		}
		(*out)[2 * *n] = store_col_int64(s, 0);
		(*out)[2 * *n + 1] = store_col_int64(s, 1);
		(*n)++;
	}
	store_reset(s);
	if (rc == STORE_DONE)
		return HW_OK;
dberr:
	strbuf_addf(&r->err, "cannot find the sender of an SMS: %s", store_errmsg(r->db->st));
	return rc < 0 ? rc : HW_EDB;
}

/* Whether the gateway delivered this message already. */
static int sms_seen(struct api_req *r, const char *gateway_id, bool *seen)
{
	struct store_stmt *s;
	int rc;

	*seen = false;
	if (!*gateway_id)
		return HW_OK;
	if ((rc = store_prepare(r->db->st, "SELECT 1 FROM sms_inbound WHERE gateway_id = ?", &s)))
		return rc;
	store_bind_str(s, 1, gateway_id);
	rc = store_step(s);
	store_reset(s);
	*seen = rc == STORE_ROW;
	return rc < 0 ? rc : HW_OK;
}

static int sms_keep(struct api_req *r, const char *gateway_id, const char *from,
		    const char *text, const char *status, size_t entries)
{
	struct store_stmt *s;
	char now[21];
	int rc;

	time_iso_now(now);
	if ((rc = store_prepare(r->db->st, "INSERT INTO sms_inbound (gateway_id, sender, "
				"text, status, entries, received_at) VALUES (?, ?, ?, ?, ?, ?)",
				&s)))
		goto dberr;
	store_bind_str(s, 1, gateway_id);
	store_bind_str(s, 2, from);
	store_bind_text(s, 3, text, strlen(text));
	store_bind_str(s, 4, status);
	store_bind_int64(s, 5, (int64_t)entries);
	store_bind_str(s, 6, now);
	if ((rc = store_run(s)) == HW_OK)
		return HW_OK;
dberr:
	strbuf_addf(&r->err, "cannot keep an SMS: %s", store_errmsg(r->db->st));
	return rc;
}

/* POST /api/v1/hooks/sms/inbound */
static int sms_inbound(struct api_req *r)
{
	const char *secret = r->srv->cfg.sms_secret;
	const char *given = api_header(r, SMS_SECRET_HEADER);
	const char *ct = api_header(r, "Content-Type");
	struct strbuf from = STRBUF_INIT, text = STRBUF_INIT, gid = STRBUF_INIT;
	struct strbuf rest = STRBUF_INIT, detail = STRBUF_INIT;
	struct roster_answer ans = ROSTER_ANSWER_INIT;
	const char *status = NULL;
	json_t *json = NULL;
	int64_t *entries = NULL;
	size_t n = 0;
	char phone[17];
	bool seen;
	int rc;

	if (!secret || !*secret) {
		rc = api_fail(r, 503, "unavailable", NULL, "inbound SMS is not configured: "
			      "start the server with the setting sms-secret "
			      "(HOMEWARD_SMS_SECRET)");
		goto out;
	}
	if (!given || strlen(given) != strlen(secret) ||
	    sodium_memcmp(given, secret, strlen(secret)) != 0) {
		rc = api_fail(r, 401, "unauthorized", NULL, "the " SMS_SECRET_HEADER
			      " header is missing or wrong");
		goto out;
	}
	snprintf(r->who.actor, sizeof(r->who.actor), "sms-gateway");
	if (ct && strncasecmp(ct, "application/json", 16) == 0) {
		json_error_t je;

		json = r->raw_body ? json_loadb(r->raw_body, r->raw_len, 0, &je) : NULL;
		if (!json_is_object(json)) {
			rc = api_fail(r, 400, "bad_json", NULL,
				      "the body must be a JSON object with from, text and id");
			goto out;
		}
	} else if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
		rc = api_fail(r, 415, "unsupported_media_type", NULL, "the body must be "
			      "application/json or application/x-www-form-urlencoded");
		goto out;
	}
	if (!hook_field(r, json, "from", &from) || !e164(from.buf, phone)) {
		rc = api_fail(r, 422, "invalid", "from",
			      "from: give the sender's number in E.164 form (+CCNNN...)");
		goto out;
	}
	if (!hook_field(r, json, "text", &text) || text.len > 2000) {
		rc = api_fail(r, 422, "invalid", "text",
			      "text: give the message's text (at most 2000 bytes)");
		goto out;
	}
	if (hook_field(r, json, "id", &gid) && gid.len > 128) {
		rc = api_fail(r, 422, "invalid", "id", "id: at most 128 characters");
		goto out;
	}

	if ((rc = api_tx_begin(r)) || (rc = sms_seen(r, gid.buf, &seen)))
		goto out;
	if (seen) {
		rc = api_reply_json(r, 200, json_pack("{s:b}", "duplicate", 1));
		goto out;
	}
	if (checkin_parse_reply(text.buf, &status, &ans.party_size, &rest) == HW_OK)
		ans.note = rest.len ? rest.buf : NULL;
	else
		status = NULL;
	if ((rc = sms_entries(r, phone, &entries, &n)))
		goto out;
	strbuf_addf(&detail, "sms from %s", phone);
	for (size_t i = 0; i < n; i++) {
		int64_t inc = entries[2 * i], person = entries[2 * i + 1];
		char object[32], what[64];

		if (status)
			rc = roster_set_status(r->db->st, inc, person, status, "sms",
					       r->who.actor, detail.buf, &ans, &r->err);
		else
			rc = roster_set_note(r->db->st, inc, person, text.buf);
		if (rc)
			goto out;
		snprintf(object, sizeof(object), "person:%lld", (long long)person);
		snprintf(what, sizeof(what), "incident %lld: %s", (long long)inc,
			 status ? status : "note");
		if ((rc = api_audit(r, "roster-sms", object, what)))
			goto out;
	}
	if ((rc = sms_keep(r, gid.buf, phone, text.buf, status, n)))
		goto out;
	rc = api_reply_json(r, 200, json_pack("{s:b, s:s?, s:I}", "recognised", status != NULL,
					      "status", status, "entries", (json_int_t)n));
out:
	json_decref(json);
	free(entries);
	strbuf_release(&from);
	strbuf_release(&text);
	strbuf_release(&gid);
	strbuf_release(&rest);
	strbuf_release(&detail);
	return rc;
}

/* ---- Officers' calls ---- */

static bool sees_all(const struct api_req *r)
{
	return r->who.role == ROLE_HQ || r->who.role == ROLE_AUDITOR;
}

/* POST /api/v1/incidents/{id}/checkins */
static int call_post(struct api_req *r)
{
	struct roster_answer ans = ROSTER_ANSWER_INIT;
	json_t *jp = json_object_get(r->body, "party_size");
	const char *status = api_body_str(r, "status");
	const char *note = api_body_str(r, "note");
	int64_t id, person = json_integer_value(json_object_get(r->body, "person_id"));
	char object[32], what[64];
	int rc;

	if ((rc = api_param_id(r, 0, &id)))
		return rc;
	rc = roster_incident_visible(r->db->st, id, sees_all(r), r->who.mission_id);
	if (rc == HW_ENOTFOUND)
		return api_fail(r, 404, "not_found", NULL, "no incident %lld", (long long)id);
	if (rc)
		return rc;
	if (roster_status_parse(status) < 0)
		return api_fail(r, 422, "invalid", "status", "status: '%.32s' is not one of "
				"unknown, notified, safe, needs-help, wants-evacuation, "
				"evacuated, missing, injured, deceased", status);
	if (json_is_integer(jp)) {
		if (json_integer_value(jp) < 1 || json_integer_value(jp) > 999)
			return api_fail(r, 422, "invalid", "party_size",
					"party_size: a number of people from 1 to 999");
		ans.party_size = (int)json_integer_value(jp);
	}
	ans.note = note && *note ? note : NULL;
	if ((rc = api_tx_begin(r)) || (rc = scope_person_visible(r->db->st, &r->who, person, &r->err)))
		return rc;
	rc = roster_set_status(r->db->st, id, person, status, "call", r->who.actor,
			       "phone call", &ans, &r->err);
	if (rc == HW_ENOTFOUND)
		return api_fail(r, 404, "not_found", "person_id", "person %lld is not on the "
				"roster of incident %lld", (long long)person, (long long)id);
	if (rc)
		return rc;
	snprintf(object, sizeof(object), "person:%lld", (long long)person);
	snprintf(what, sizeof(what), "incident %lld: %s", (long long)id, status);
	if ((rc = api_audit(r, "roster-call", object, what)))
		return rc;
	return api_reply_json(r, 201, json_pack("{s:I, s:I, s:s, s:s, s:s}", "incident_id",
				(json_int_t)id, "person_id", (json_int_t)person, "status", status,
				"source", "call", "actor", r->who.actor));
}

/* ---- The table ---- */

static const struct api_field page_query[] = {
	{ "lang", API_STRING, false, 16, "The page's language (en, zh, fr, es, ar); "
	  "default: the person's, then the browser's" },
	{ NULL, 0, false, 0, NULL },
};

static const struct api_field call_body[] = {
	{ "person_id", API_INT, true, 0, "The person called" },
	{ "status", API_STRING, true, 32, "Their roster status after the call" },
	{ "note", API_STRING, false, 1000, "What was said" },
	{ "party_size", API_INT, false, 0, "People with them, themselves included (1 to 999)" },
	{ NULL, 0, false, 0, NULL },
};

const struct route api_checkin_routes[] = {
	{ "GET", "/c/{token}", checkin_get_page, ROLE_PUBLIC, page_query, NULL, 0, 200,
	  "check-ins", "The check-in page of a link (HTML; JSON with Accept: application/json)" },
	{ "POST", "/c/{token}", checkin_post_page, ROLE_PUBLIC, NULL, NULL, ROUTE_FORM, 200,
	  "check-ins", "Answer a check-in (form: status, party_size, note, lat, lon, lang); "
	  "answered once durably recorded" },
	{ "GET", "/assets/{name}", asset_get, ROLE_PUBLIC, NULL, NULL, 0, 200, "check-ins",
	  "A static file of the check-in page (CSS, JavaScript)" },
	{ "POST", "/api/v1/hooks/sms/inbound", sms_inbound, ROLE_PUBLIC, NULL, NULL,
	  ROUTE_OPEN_BODY, 200, "check-ins", "An SMS reply from the gateway (from, text, id; "
	  "JSON or form; header " SMS_SECRET_HEADER ")" },
	{ "POST", "/api/v1/incidents/{id}/checkins", call_post, ROLES_STAFF, NULL, call_body,
	  0, 201, "check-ins", "Record the answer of a person reached by phone" },
	{ NULL, NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL },
};
