/*
 * incident.c: declaring, changing, cancelling and closing incidents, and
 * keeping their rosters in step with their areas (incident.h).
 *
 * The roster is computed from the geo engine, not from SQL: the engine
 * answers "who is inside this area today" for a million people in tens of
 * milliseconds, and it is the very answer `homeward query` gives. The
 * persons come back as a set; sorted by id, they are merged with the
 * roster already stored (also read in person order), which splits them
 * into newcomers, persons back inside and persons who left, and only
 * those rows are written. Newcomers are written with batched multi-row
 * INSERTs (store.h), roster rows and their events alike, since a
 * country-wide incident puts a million rows on the roster at once.
 *
 * The area is stored as it was given (area_kind and area_text) and parsed
 * again whenever it is needed, so the stored text is the one truth about
 * the area. incident_on_presence() keeps the open incidents' areas parsed
 * in a small process-wide cache, since it runs on every presence written.
 */
#include "core/homeward.h"
#include "crisis/incident.h"
#include "store/record.h"
#include "core/time.h"

#include <pthread.h>
#include <strings.h>
#include <time.h>

#include "interop/cap.h"
#include "geo/geo.h"
#include "geo/geoarea.h"
#include "geo/geopoly.h"
#include "geo/refgeo.h"
#include "crisis/roster.h"
#include "registry/arrivals.h"
#include "store/store.h"

const char *const incident_types[] = {
	"other", "earthquake", "conflict", "terrorism", "kidnapping",
	"epidemic", "storm", "unrest", NULL,
};

/* ---- Small helpers ---- */

static int db_fail(struct store *st, struct strbuf *err, const char *what)
{
	strbuf_addf(err, "cannot %s: %s", what, store_errmsg(st));
	return HW_EDB;
}

static const char *type_canonical(const char *t)
{
	size_t i;

	for (i = 0; incident_types[i]; i++)
		if (!strcasecmp(incident_types[i], t))
			return incident_types[i];
	return NULL;
}

static int check_type(const char *type, const char **out, struct strbuf *err)
{
	size_t i;

	*out = type_canonical(type);
	if (*out)
		return HW_OK;
	strbuf_addstr(err, "type: '");
	for (i = 0; type[i] && i < 40; i++)
		strbuf_addch(err, (unsigned char)type[i] < 0x20 ||
			     (unsigned char)type[i] >= 0x7f ? '?' : type[i]);
	strbuf_addstr(err, "' is not one of ");
	for (i = 0; incident_types[i]; i++)
		strbuf_addf(err, "%s%s", i ? ", " : "", incident_types[i]);
	return HW_EINPUT;
}

static int check_title(const char *title, struct strbuf *err)
{
	size_t i, len = strlen(title);

	if (!len || len > 200) {
		strbuf_addf(err, "title: give 1 to 200 bytes, not %zu", len);
		return HW_EINPUT;
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)title[i] < 0x20) {
			strbuf_addstr(err, "title: holds a control character");
			return HW_EINPUT;
		}
	}
	return HW_OK;
}

/* ---- CAP: the title and type of an incident from what the alert says ---- */

/*
 * A title from an alert's headline or event: whitespace runs (line breaks
 * included) become one space, and a long one is cut at 200 bytes on a
 * character boundary, so an alert is never refused for its wording.
 */
static void title_from_cap(const char *text, struct strbuf *out)
{
	const char *p;

	for (p = text; *p; p++) {
		if ((unsigned char)*p <= 0x20) {
			if (out->len && out->buf[out->len - 1] != ' ')
				strbuf_addch(out, ' ');
			continue;
		}
		strbuf_addch(out, *p);
	}
	strbuf_rtrim(out);
	if (out->len > 200) {
		size_t n = 200;

		while (n && ((unsigned char)out->buf[n] & 0xc0) == 0x80)
			n--;
		strbuf_setlen(out, n);
		strbuf_rtrim(out);
	}
}

/*
 * Words of a CAP <event> that name an incident type, tried in order at
 * the start of each word of the event (case aside); `whole` asks for the
 * word to end there too ("war", not "warning").
 */
static const struct {
	const char *word;
	bool whole;
	const char *type;
} event_words[] = {
	{ "earthquake", false, "earthquake" },
	{ "seismic", false, "earthquake" },
	{ "aftershock", false, "earthquake" },
	{ "kidnap", false, "kidnapping" },
	{ "hijack", false, "kidnapping" },
	{ "hostage", false, "kidnapping" },
	{ "abduction", false, "kidnapping" },
	{ "terror", false, "terrorism" },
	{ "bomb", false, "terrorism" },
	{ "active shooter", false, "terrorism" },
	{ "epidemic", false, "epidemic" },
	{ "pandemic", false, "epidemic" },
	{ "outbreak", false, "epidemic" },
	{ "cholera", false, "epidemic" },
	{ "ebola", false, "epidemic" },
	{ "hurricane", false, "storm" },
	{ "typhoon", false, "storm" },
	{ "cyclone", false, "storm" },
	{ "tropical storm", false, "storm" },
	{ "tornado", false, "storm" },
	{ "storm", false, "storm" },
	{ "thunderstorm", false, "storm" },
	{ "flood", false, "storm" },
	{ "flash flood", false, "storm" },
	{ "blizzard", false, "storm" },
	{ "riot", false, "unrest" },
	{ "unrest", false, "unrest" },
	{ "civil disturbance", false, "unrest" },
	{ "civil disorder", false, "unrest" },
	{ "protest", false, "unrest" },
	{ "demonstration", false, "unrest" },
	{ "curfew", false, "unrest" },
	{ "armed conflict", false, "conflict" },
	{ "war", true, "conflict" },
	{ "military", false, "conflict" },
	{ "missile", false, "conflict" },
	{ "air raid", false, "conflict" },
	{ "shelling", false, "conflict" },
};

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool has_word(const char *text, const char *word, bool whole)
{
	size_t n = strlen(word);
	const char *p;

	for (p = text; *p; p++) {
		if (p != text && is_alpha(p[-1]))
			continue;
		if (!strncasecmp(p, word, n) && (!whole || !is_alpha(p[n])))
			return true;
	}
	return false;
}

/* The incident type an alert suggests: its events' words first, then a
 * Health category; 'other' when nothing is obvious. */
static const char *type_from_cap(const struct cap_message *m)
{
	size_t i, k;

	for (i = 0; i < m->ninfos; i++)
		for (k = 0; k < ARRAY_SIZE(event_words); k++)
			if (has_word(m->infos[i].event, event_words[k].word,
				     event_words[k].whole))
				return event_words[k].type;
	for (i = 0; i < m->ninfos; i++)
		if (m->infos[i].category && !strcmp(m->infos[i].category, "Health"))
			return "epidemic";
	return "other";
}

/* ---- The roster ---- */

static int by_id(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Record a change of the roster of `incident` (`reason`: "declared", "area
 * changed", "CAP update", "arrived", "imported") in roster_change, and set
 * *change to its id. The counts are filled in by change_counts() once known.
 */
static int change_begin(struct store *st, int64_t incident, const char *actor,
			const char *now, const char *reason, int64_t *change,
			struct strbuf *err)
{
	int rc = store_one_int64(st, change, "INSERT INTO roster_change (incident_id, "
				 "at, actor, reason) VALUES (?, ?, ?, ?) RETURNING id",
				 "record the roster change", err, "isss", incident,
				 now, actor, reason);

	return rc == STORE_ROW ? HW_OK : rc < 0 ? rc : db_fail(st, err,
							       "record the roster change");
}

static int change_counts(struct store *st, int64_t change, size_t joined,
			 size_t rejoined, size_t left, struct strbuf *err)
{
	return store_exec_args(st, "UPDATE roster_change SET joined = ?, rejoined = ?, "
			       "left_area = ? WHERE id = ?", "record the roster change",
			       err, "iiii", (int64_t)joined, (int64_t)rejoined,
			       (int64_t)left, change);
}

/*
 * Put `persons[0 .. n)` on the roster, each with status unknown (the
 * column's default) and the roster change that brought them in: one row
 * a person, as a country-wide incident writes a million, in person order
 * so that each B-tree grows at one end. No roster_event: joining is not an
 * answer, and the change row says when, why and by whom.
 */
static int roster_join(struct store *st, int64_t incident, const uint32_t *persons,
		       size_t n, int64_t change, const char *now,
		       struct strbuf *err)
{
	static const char *const roster_cols[] = {
		"incident_id", "person_id", "updated_at", "change_id" };
	struct store_batch *b;
	size_t i;
	int rc = HW_OK;

	if (!n)
		return HW_OK;
	b = store_batch_new(st, "roster", roster_cols, ARRAY_SIZE(roster_cols));
	for (i = 0; i < n && !rc; i++) {
		store_batch_int64(b, incident);
		store_batch_int64(b, persons[i]);
		store_batch_text(b, now, 20);
		store_batch_int64(b, change);
		if (store_batch_end_row(b))
			rc = store_batch_flush(b);
	}
	if (!rc)
		rc = store_batch_flush(b);
	store_batch_free(b);
	if (rc)
		return db_fail(st, err, "write the roster");
	return HW_OK;
}

/* Set in_area of the roster entries of `persons[0 .. n)`; those coming
 * back inside the area name `change` as the one that brought them. */
static int roster_set_in_area(struct store *st, int64_t incident,
			      const uint32_t *persons, size_t n, int in_area,
			      int64_t change, const char *now, struct strbuf *err)
{
	struct store_stmt *s;
	size_t i;
	int rc = HW_OK;

	if (!n)
		return HW_OK;
	if (store_prepare(st, "UPDATE roster SET in_area = ?, updated_at = ?, "
			  "change_id = CASE WHEN ? THEN ? ELSE change_id END "
			  "WHERE incident_id = ? AND person_id = ?", &s))
		return db_fail(st, err, "update the roster");
	for (i = 0; i < n && !rc; i++) {
		store_bind_int64(s, 1, in_area);
		store_bind_str(s, 2, now);
		store_bind_int64(s, 3, in_area);
		store_bind_int64(s, 4, change);
		store_bind_int64(s, 5, incident);
		store_bind_int64(s, 6, persons[i]);
		rc = store_run(s);
	}
	if (rc)
		return db_fail(st, err, "update the roster");
	return HW_OK;
}

/* A list of person ids being built. */
struct idlist {
	uint32_t *v;
	size_t n, alloc;
};

static void idlist_push(struct idlist *l, uint32_t id)
{
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = id;
}

/*
 * Make the roster of `incident` follow `area`: everyone inside it today is
 * on the roster with in_area = 1, everyone else on it has in_area = 0.
 * `fresh` says the incident is new (no roster to read).
 */
static int roster_follow(struct store *st, struct geo *g, int64_t incident,
			 const struct geoarea *area, bool fresh,
			 const char *actor, const char *reason,
			 struct incident_outcome *out, struct strbuf *err)
{
	struct geo_result res = { 0 };
	struct idlist rejoin = { 0 }, leave = { 0 }, join = { 0 };
	struct geo_filter f;
	struct store_stmt *s;
	int64_t change;
	char now[21];
	size_t i = 0;
	double t0;
	int rc;

	time_iso_now(now);
	if ((rc = change_begin(st, incident, actor, now, reason, &change, err)))
		return rc;
	geo_filter_today(&f);
	t0 = time_mono();
	rc = geo_query(g, area, &f, &res, err);
	if (rc)
		goto out;
	if (res.n)
		qsort(res.persons, res.n, sizeof(*res.persons), by_id);
	out->query_s += time_mono() - t0;
	t0 = time_mono();
	out->in_area = (int64_t)res.n;
	if (fresh) {
		if (!(rc = roster_join(st, incident, res.persons, res.n, change,
				       now, err)))
			rc = change_counts(st, change, res.n, 0, 0, err);
		out->joined += (int64_t)res.n;
		goto out;
	}
	/* Both lists in person order: one merge. */
	if (store_prepare(st, "SELECT person_id, in_area FROM roster "
			  "WHERE incident_id = ? ORDER BY person_id", &s)) {
		rc = db_fail(st, err, "read the roster");
		goto out;
	}
	store_bind_int64(s, 1, incident);
	while ((rc = store_step(s)) == STORE_ROW) {
		int64_t p = store_col_int64(s, 0);
		bool was_in = store_col_int64(s, 1) != 0;

		while (i < res.n && res.persons[i] < p)
			idlist_push(&join, res.persons[i++]);
		if (i < res.n && res.persons[i] == p) {
			i++;
			if (!was_in)
				idlist_push(&rejoin, (uint32_t)p);
		} else if (was_in) {
			idlist_push(&leave, (uint32_t)p);
		}
	}
	store_reset(s);
	if (rc < 0) {
		rc = db_fail(st, err, "read the roster");
		goto out;
	}
	while (i < res.n)
		idlist_push(&join, res.persons[i++]);
	if ((rc = roster_join(st, incident, join.v, join.n, change, now, err)) ||
	    (rc = roster_set_in_area(st, incident, rejoin.v, rejoin.n, 1, change,
				     now, err)) ||
	    (rc = roster_set_in_area(st, incident, leave.v, leave.n, 0, change,
				     now, err)) ||
	    (rc = change_counts(st, change, join.n, rejoin.n, leave.n, err)))
		goto out;
	out->joined += (int64_t)join.n;
	out->rejoined += (int64_t)rejoin.n;
	out->left += (int64_t)leave.n;
out:
	out->roster_s += time_mono() - t0;
	geo_result_release(&res);
	free(join.v);
	free(rejoin.v);
	free(leave.v);
	return rc;
}

/* Add the missions covering `country` (alpha-2) to the incident's. */
static int mission_add_country(struct store *st, int64_t incident,
			       const char *country, struct strbuf *err)
{
	return store_exec_args(st, "INSERT INTO incident_mission (incident_id, "
			       "mission_id) SELECT ?, mission_id FROM mission_country "
			       "WHERE country = ? ON CONFLICT DO NOTHING",
			       "record the missions concerned", err, "is", incident,
			       country);
}

static int mission_add(struct store *st, int64_t incident, int64_t mission,
		       struct strbuf *err)
{
	return store_exec_args(st, "INSERT INTO incident_mission (incident_id, "
			       "mission_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
			       "record the missions concerned", err, "ii", incident,
			       mission);
}

/* The missions of the countries where persons inside the area are, and of
 * the countries the area names. */
static int missions_follow(struct store *st, struct geo *g, int64_t incident,
			   const struct geoarea *area, int64_t mission,
			   struct strbuf *err)
{
	size_t n = refgeo_country_count(), i;
	uint64_t *counts = xcalloc(n + 1, sizeof(*counts));
	struct geo_filter f;
	int rc;

	geo_filter_today(&f);
	rc = geo_count_by_country(g, area, &f, counts, err);
	for (i = 0; i < n && !rc; i++)
		if (counts[i])
			rc = mission_add_country(st, incident,
						 refgeo_country_at(i)->code, err);
	for (i = 0; i < area->ncountries && !rc; i++)
		rc = mission_add_country(st, incident, area->countries[i], err);
	if (!rc && mission)
		rc = mission_add(st, incident, mission, err);
	free(counts);
	return rc;
}

/* The roster persons inside the area of incident `id`. */
static int roster_in_area(struct store *st, int64_t id, int64_t *n,
			  struct strbuf *err)
{
	int rc;

	*n = 0;
	rc = store_one_int64(st, n, "SELECT count(*) FROM roster WHERE incident_id = ? "
			     "AND in_area = 1", "count the roster", err, "i", id);
	return rc < 0 ? rc : HW_OK;
}

/* ---- CAP messages applied ---- */

static int cap_record(struct store *st, int64_t incident,
		      const struct cap_message *m, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	char now[TIME_ISO_SIZE];
	int rc;

	time_iso_now(now);
	rc = store_exec_args(st, "INSERT INTO incident_cap (incident_id, sender, "
			     "identifier, sent, msg_type, cap_status, received_at) "
			     "VALUES (?, ?, ?, ?, ?, ?, ?)", "record the CAP message",
			     &why, "issssss", incident, m->sender, m->identifier,
			     m->sent, m->msg_type, m->status, now);
	if (rc == HW_ECONFLICT)
		strbuf_addstr(err, "cap: this message was applied already");
	else if (rc)
		strbuf_addbuf(err, &why);
	strbuf_release(&why);
	return rc;
}

/* The incident that a message (sender, identifier) was applied to: *id,
 * or 0 when none. */
static int cap_find(struct store *st, const char *sender, const char *identifier,
		    int64_t *id, struct strbuf *err)
{
	int rc;

	*id = 0;
	rc = store_one_int64(st, id, "SELECT incident_id FROM incident_cap WHERE "
			     "sender = ? AND identifier = ?", "read the CAP messages",
			     err, "ss", sender, identifier);
	return rc < 0 ? rc : HW_OK;
}

/* After stepping a read of incident `id`: HW_OK for its row,
 * HW_ENOTFOUND "no incident ID" for none, HW_EDB for a failure. */
static int found(struct store *st, int rc, int64_t id, struct strbuf *err)
{
	if (rc < 0)
		return db_fail(st, err, "read the incident");
	if (rc == STORE_DONE) {
		strbuf_addf(err, "no incident %lld", (long long)id);
		return HW_ENOTFOUND;
	}
	return HW_OK;
}

/* The status of incident `id` into status[16]: HW_ENOTFOUND if none. */
static int incident_status(struct store *st, int64_t id, char status[16],
			   struct strbuf *err)
{
	struct store_stmt *s;
	int rc;

	if (store_prepare(st, "SELECT status FROM incident WHERE id = ?", &s))
		return db_fail(st, err, "read the incident");
	store_bind_int64(s, 1, id);
	rc = store_step(s);
	if (rc == STORE_ROW)
		snprintf(status, 16, "%s", store_col_text(s, 0, NULL));
	store_reset(s);
	if ((rc = found(st, rc, id, err)))
		return rc;
	return HW_OK;
}

static int require_open(struct store *st, int64_t id, struct strbuf *err)
{
	char status[16];
	int rc = incident_status(st, id, status, err);

	if (rc)
		return rc;
	if (strcmp(status, "open")) {
		strbuf_addf(err, "incident %lld is %s", (long long)id, status);
		return HW_ECONFLICT;
	}
	return HW_OK;
}

/* Write the new area of incident `id` (NULL: unchanged), with its
 * severity when given. */
static int store_area(struct store *st, int64_t id, const struct area_spec *a,
		      const char *severity, struct strbuf *err)
{
	struct store_stmt *s;
	char now[21];

	time_iso_now(now);
	if (store_prepare(st, "UPDATE incident SET area_kind = coalesce(?, area_kind), "
			  "area_text = coalesce(?, area_text), "
			  "severity = coalesce(?, severity), updated_at = ? "
			  "WHERE id = ?", &s))
		return db_fail(st, err, "update the incident");
	store_bind_str(s, 1, a ? a->kind : NULL);
	if (a)
		store_bind_text(s, 2, a->text, a->len);
	else
		store_bind_null(s, 2);
	store_bind_str(s, 3, severity);
	store_bind_str(s, 4, now);
	store_bind_int64(s, 5, id);
	if (store_run(s))
		return db_fail(st, err, "update the incident");
	return HW_OK;
}

/* ---- Declaring ---- */

static int insert_incident(struct store *st, const char *title, const char *type,
			   const char *severity, bool exercise,
			   const struct area_spec *area,
			   const struct cap_message *m, const char *actor,
			   int64_t *id, struct strbuf *err)
{
	struct store_stmt *s;
	char now[21];
	int rc;

	time_iso_now(now);
	if (store_prepare(st, "INSERT INTO incident (title, type, severity, status, "
			  "exercise, area_kind, area_text, cap_sender, cap_identifier, "
			  "cap_sent, created_by, created_at, updated_at) "
			  "VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?) "
			  "RETURNING id", &s))
		return db_fail(st, err, "create the incident");
	store_bind_list(s, "sssistssssss", title, type, severity, (int64_t)exercise,
			area->kind, area->text, area->len, m ? m->sender : NULL,
			m ? m->identifier : NULL, m ? m->sent : NULL, actor, now, now);
	rc = store_step(s);
	if (rc == STORE_ROW)
		*id = store_col_int64(s, 0);
	store_reset(s);
	if (rc == HW_ECONFLICT) {
		strbuf_addstr(err, "cap: an incident was declared by this alert "
			      "already");
		return rc;
	}
	if (rc != STORE_ROW)
		return db_fail(st, err, "create the incident");
	return HW_OK;
}

/* A new incident from `spec` (and the CAP alert `m`, if any), with its
 * roster and missions. */
static int declare_new(struct store *st, struct geo *g,
		       const struct incident_spec *spec, const struct cap_message *m,
		       const struct geoarea *area, const char *actor,
		       struct incident_outcome *out, struct strbuf *err)
{
	const char *title = spec->title, *type = "other", *severity = NULL;
	struct strbuf cap_title = STRBUF_INIT;
	bool exercise = spec->exercise;
	int rc;

	if (m) {
		if (!title && m->ninfos) {
			title_from_cap(m->infos[0].headline ? m->infos[0].headline
							    : m->infos[0].event,
				       &cap_title);
			title = cap_title.buf;
		}
		type = type_from_cap(m);
		severity = cap_max_severity(m);
		exercise = exercise || !strcmp(m->status, "Exercise") ||
			   !strcmp(m->status, "Test");
	}
	if (spec->type && (rc = check_type(spec->type, &type, err)))
		goto out;
	if (!title) {
		strbuf_addstr(err, "title: give one (the alert has no <info> "
			      "with a headline or an event)");
		rc = HW_EINPUT;
		goto out;
	}
	if ((rc = check_title(title, err)) ||
	    (rc = insert_incident(st, title, type, severity, exercise, &spec->area,
				  m, actor, &out->id, err)) ||
	    (m && (rc = cap_record(st, out->id, m, err))) ||
	    (rc = roster_follow(st, g, out->id, area, true, actor,
				"declared", out, err)) ||
	    (rc = missions_follow(st, g, out->id, area, spec->mission_id, err)))
		goto out;
	out->action = "incident-create";
out:
	strbuf_release(&cap_title);
	return rc;
}

/* The incident a CAP Update or Cancel refers to, by its references. */
static int cap_target(struct store *st, const struct cap_message *m,
		      int64_t *id, struct strbuf *err)
{
	int64_t found;
	size_t i;
	int rc;

	*id = 0;
	if (!m->nrefs) {
		strbuf_addf(err, "cap: alert/references is missing: an %s must "
			    "name the message it %s", m->msg_type,
			    !strcmp(m->msg_type, "Update") ? "updates" : "cancels");
		return HW_EINPUT;
	}
	for (i = 0; i < m->nrefs; i++) {
		if ((rc = cap_find(st, m->refs[i].sender, m->refs[i].identifier,
				   &found, err)))
			return rc;
		if (found && *id && found != *id) {
			strbuf_addf(err, "cap: alert/references names messages of "
				    "two incidents, %lld and %lld", (long long)*id,
				    (long long)found);
			return HW_EINPUT;
		}
		if (found)
			*id = found;
	}
	if (!*id) {
		strbuf_addf(err, "cap: alert/references: no incident was declared "
			    "or updated by '%s,%s,%s'", m->refs[0].sender,
			    m->refs[0].identifier, m->refs[0].sent);
		if (m->nrefs > 1)
			strbuf_addf(err, " nor by the %zu other message%s it names",
				    m->nrefs - 1, m->nrefs > 2 ? "s" : "");
		return HW_EINPUT;
	}
	return HW_OK;
}

/* A CAP Update or Cancel, applied to the incident it refers to. */
static int apply_cap_change(struct store *st, struct geo *g,
			    const struct incident_spec *spec,
			    const struct cap_message *m, const char *actor,
			    struct incident_outcome *out, struct strbuf *err)
{
	char now[TIME_ISO_SIZE];
	int rc;

	if ((rc = cap_target(st, m, &out->id, err)))
		return rc;
	if ((rc = require_open(st, out->id, err)))
		return rc;
	if ((rc = cap_record(st, out->id, m, err)))
		return rc;
	if (!strcmp(m->msg_type, "Cancel")) {
		time_iso_now(now);
		if (store_exec_args(st, "UPDATE incident SET status = 'cancelled', "
				    "updated_at = ?, closed_at = ? WHERE id = ?",
				    "cancel the incident", err, "ssi", now, now, out->id))
			return HW_EDB;
		out->action = "incident-cancel";
		return roster_in_area(st, out->id, &out->in_area, err);
	}
	out->action = "incident-update";
	/* An Update without shapes changes the words, not the area. */
	if (geoarea_is_empty(&m->area)) {
		if ((rc = store_area(st, out->id, NULL, cap_max_severity(m), err)))
			return rc;
		return roster_in_area(st, out->id, &out->in_area, err);
	}
	if ((rc = store_area(st, out->id, &spec->area, cap_max_severity(m), err)) ||
	    (rc = roster_follow(st, g, out->id, &m->area, false, actor,
				"CAP update", out, err)) ||
	    (rc = missions_follow(st, g, out->id, &m->area, spec->mission_id, err)))
		return rc;
	return HW_OK;
}

/* Why a CAP message cannot declare or change an incident, or NULL. */
static const char *cap_not_actionable(const struct cap_message *m)
{
	static const struct {
		const char *status, *why;
	} statuses[] = {
		{ "Draft", "alert/status is Draft: a draft is not actionable" },
		{ "System", "alert/status is System: it serves the alerting "
			    "network itself, not the public" },
	};
	static const struct {
		const char *msg_type, *why;
	} types[] = {
		{ "Ack", "alert/msgType is Ack: an acknowledgement declares "
			 "nothing" },
		{ "Error", "alert/msgType is Error: it reports an error in "
			   "another message and declares nothing" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(statuses); i++)
		if (!strcmp(m->status, statuses[i].status))
			return statuses[i].why;
	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcmp(m->msg_type, types[i].msg_type))
			return types[i].why;
	return NULL;
}

static int declare_cap(struct store *st, struct geo *g,
		       const struct incident_spec *spec, const char *actor,
		       struct incident_outcome *out, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	struct cap_message m;
	const char *no;
	int64_t applied;
	int rc;

	cap_message_init(&m);
	rc = cap_parse(&m, spec->area.text, spec->area.len, &why);
	if (rc) {
		strbuf_addf(err, "cap: %s", why.buf);
		goto out;
	}
	if ((no = cap_not_actionable(&m))) {
		strbuf_addf(err, "cap: %s", no);
		rc = HW_EINPUT;
		goto out;
	}
	if ((rc = cap_find(st, m.sender, m.identifier, &applied, err)))
		goto out;
	if (applied) {
		strbuf_addf(err, "cap: message '%s' from '%s' was applied to "
			    "incident %lld already", m.identifier, m.sender,
			    (long long)applied);
		rc = HW_ECONFLICT;
		goto out;
	}
	if (!strcmp(m.msg_type, "Alert")) {
		if (geoarea_is_empty(&m.area)) {
			strbuf_addf(err, "cap: %s", m.no_area.buf);
			rc = HW_EINPUT;
			goto out;
		}
		rc = declare_new(st, g, spec, &m, &m.area, actor, out, err);
	} else {
		rc = apply_cap_change(st, g, spec, &m, actor, out, err);
	}
out:
	cap_message_release(&m);
	strbuf_release(&why);
	return rc;
}

int incident_declare(struct store *st, struct geo *g,
		     const struct incident_spec *spec, const char *actor,
		     struct incident_outcome *out, struct strbuf *err)
{
	struct geoarea a;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!spec->area.kind) {
		strbuf_addstr(err, "area: give one of cap, geojson, circle or "
			      "countries");
		return HW_EINPUT;
	}
	if (!strcmp(spec->area.kind, "cap"))
		return declare_cap(st, g, spec, actor, out, err);
	geoarea_init(&a);
	rc = area_spec_parse(&spec->area, NULL, &a, err);
	if (!rc)
		rc = declare_new(st, g, spec, NULL, &a, actor, out, err);
	geoarea_release(&a);
	return rc;
}

/* ---- Changing and closing ---- */

int incident_change(struct store *st, struct geo *g, int64_t id,
		    const struct incident_spec *spec, const char *actor,
		    struct incident_outcome *out, struct strbuf *err)
{
	struct geoarea a;
	struct store_stmt *s;
	const char *type = NULL;
	char now[21];
	int rc;

	memset(out, 0, sizeof(*out));
	out->id = id;
	out->action = "incident-update";
	geoarea_init(&a);
	if ((rc = require_open(st, id, err)) ||
	    (spec->title && (rc = check_title(spec->title, err))) ||
	    (spec->type && (rc = check_type(spec->type, &type, err))) ||
	    (spec->area.kind && (rc = area_spec_parse(&spec->area, NULL, &a, err))))
		goto out;
	time_iso_now(now);
	if (store_prepare(st, "UPDATE incident SET title = coalesce(?, title), "
			  "type = coalesce(?, type), updated_at = ? WHERE id = ?", &s)) {
		rc = db_fail(st, err, "update the incident");
		goto out;
	}
	store_bind_str(s, 1, spec->title);
	store_bind_str(s, 2, type);
	store_bind_str(s, 3, now);
	store_bind_int64(s, 4, id);
	if (store_run(s)) {
		rc = db_fail(st, err, "update the incident");
		goto out;
	}
	if (spec->area.kind &&
	    ((rc = store_area(st, id, &spec->area, NULL, err)) ||
	     (rc = roster_follow(st, g, id, &a, false, actor,
				 "area changed", out, err)) ||
	     (rc = missions_follow(st, g, id, &a, spec->mission_id, err))))
		goto out;
	if (!spec->area.kind && (rc = roster_in_area(st, id, &out->in_area, err)))
		goto out;
out:
	geoarea_release(&a);
	return rc;
}

int incident_close(struct store *st, int64_t id, struct strbuf *err)
{
	char now[TIME_ISO_SIZE];
	int rc;

	if ((rc = require_open(st, id, err)))
		return rc;
	time_iso_now(now);
	return store_exec_args(st, "UPDATE incident SET status = 'closed', "
			       "closed_at = ?, updated_at = ? WHERE id = ?",
			       "close the incident", err, "ssi", now, now, id);
}

/* ---- Joining the roster on arrival ---- */

/* An open incident's area, parsed, with the text it was parsed from. */
struct cached_area {
	int64_t id;
	char kind[16];
	char *text;
	size_t len;
	bool usable;               /* it parsed */
	bool seen;                 /* still open at the last look */
	struct geoarea area;
	struct geopoly **countries; /* the shape of each area.countries[i] */
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cached_area *cache;
static size_t ncache, cache_alloc;

static void cached_release(struct cached_area *c)
{
	size_t i;

	for (i = 0; c->countries && i < c->area.ncountries; i++)
		geopoly_free(c->countries[i]);
	free(c->countries);
	geoarea_release(&c->area);
	free(c->text);
	memset(c, 0, sizeof(*c));
}

void incident_cache_clear(void)
{
	size_t i;

	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < ncache; i++)
		cached_release(&cache[i]);
	free(cache);
	cache = NULL;
	ncache = cache_alloc = 0;
	pthread_mutex_unlock(&cache_lock);
}

/* Parse the area of `c` from its kind and text; on failure the incident
 * is left out of joins (its area was checked when it was stored, so this
 * only happens if the reference map changed under it). */
static void cached_parse(struct cached_area *c)
{
	struct area_spec ia = { c->kind, c->text, c->len };
	struct strbuf err = STRBUF_INIT;
	size_t i;

	c->usable = !area_spec_parse(&ia, NULL, &c->area, &err);
	if (c->usable && c->area.ncountries) {
		c->countries = xcalloc(c->area.ncountries, sizeof(*c->countries));
		for (i = 0; i < c->area.ncountries && c->usable; i++) {
			const char *code = c->area.countries[i];
			size_t n = refgeo_shape_rings(code, NULL, 0);
			struct geopoly_ring *rings;

			if (!n)
				continue;  /* no shape: nobody can be inside */
			rings = xcalloc(n, sizeof(*rings));
			refgeo_shape_rings(code, rings, n);
			c->usable = !geopoly_build(rings, n, &c->countries[i], &err);
			free(rings);
		}
	}
	strbuf_release(&err);
}

static bool cached_contains(const struct cached_area *c, double lat, double lon)
{
	const struct geoarea *a = &c->area;
	size_t i;

	if (!c->usable)
		return false;
	if (geo_area_has(a, lat, lon))
		return true;
	for (i = 0; i < a->ncountries; i++)
		if (c->countries[i] && geopoly_contains(c->countries[i], lat, lon))
			return true;
	return false;
}

/* Bring the cache in step with the open incidents. Called locked. */
static int cache_refresh(struct store *st, struct strbuf *err)
{
	struct store_stmt *s;
	size_t i, k;
	int rc;

	for (i = 0; i < ncache; i++)
		cache[i].seen = false;
	if (store_prepare(st, "SELECT id, area_kind, area_text FROM incident "
			  "WHERE status = 'open'", &s))
		return db_fail(st, err, "read the open incidents");
	while ((rc = store_step(s)) == STORE_ROW) {
		int64_t id = store_col_int64(s, 0);
		const char *kind = store_col_text(s, 1, NULL);
		size_t len = 0;
		const char *text = store_col_text(s, 2, &len);
		struct cached_area *c = NULL;

		if (!kind || !text)
			continue;
		for (i = 0; i < ncache && !c; i++)
			if (cache[i].id == id)
				c = &cache[i];
		if (c && (strcmp(c->kind, kind) || c->len != len ||
			  memcmp(c->text, text, len)))
			cached_release(c);
		else if (c) {
			c->seen = true;
			continue;
		}
		if (!c) {
			ALLOC_GROW(cache, ncache + 1, cache_alloc);
			c = &cache[ncache++];
			memset(c, 0, sizeof(*c));
		}
		c->id = id;
		snprintf(c->kind, sizeof(c->kind), "%s", kind);
		c->text = xstrndup(text, len);
		c->len = len;
		c->seen = true;
		geoarea_init(&c->area);
		cached_parse(c);
	}
	store_reset(s);
	if (rc < 0)
		return db_fail(st, err, "read the open incidents");
	/* Drop the incidents closed since. */
	for (i = k = 0; i < ncache; i++) {
		if (cache[i].seen)
			cache[k++] = cache[i];
		else
			cached_release(&cache[i]);
	}
	ncache = k;
	return HW_OK;
}

/* An entry found inside an open incident's area. */
struct arrival {
	int64_t incident;
	uint32_t person;
	char country[3];
};

static int by_arrival(const void *a, const void *b)
{
	const struct arrival *x = a, *y = b;

	if (x->incident != y->incident)
		return x->incident < y->incident ? -1 : 1;
	return x->person < y->person ? -1 : x->person > y->person;
}

/*
 * Join the persons of arrivals a[0 .. n) (one incident, in person order,
 * without repeats) to its roster: one roster change for all of them,
 * newcomers joined, persons who had left the area back inside, the
 * missions of their countries added. Persons already inside are skipped.
 */
static int join_arrivals(struct store *st, const struct arrival *a, size_t n,
			 const char *actor, const char *reason, int64_t *joined,
			 struct strbuf *err)
{
	struct idlist join = { 0 }, back = { 0 };
	struct store_stmt *s;
	int64_t incident = a[0].incident, change;
	char now[21], (*countries)[3] = NULL;
	size_t i, k, ncountries = 0, countries_alloc = 0;
	bool inside;
	int rc = HW_OK;

	if (store_prepare(st, "SELECT in_area FROM roster WHERE incident_id = ? "
			  "AND person_id = ?", &s))
		return db_fail(st, err, "read the roster");
	for (i = 0; i < n && !rc; i++) {
		store_bind_int64(s, 1, incident);
		store_bind_int64(s, 2, a[i].person);
		rc = store_step(s);
		inside = rc == STORE_ROW && store_col_int64(s, 0);
		store_reset(s);
		if (rc < 0) {
			rc = db_fail(st, err, "read the roster");
			break;
		}
		if (inside) {
			rc = HW_OK;
			continue;
		}
		idlist_push(rc == STORE_DONE ? &join : &back, a[i].person);
		rc = HW_OK;
		/* The countries of those who come in, each once. */
		for (k = 0; k < ncountries && strcmp(countries[k], a[i].country); k++)
			;
		if (k == ncountries && a[i].country[0]) {
			ALLOC_GROW(countries, ncountries + 1, countries_alloc);
			memcpy(countries[ncountries++], a[i].country, 3);
		}
	}
	if (rc || (!join.n && !back.n))
		goto out;
	time_iso_now(now);
	if ((rc = change_begin(st, incident, actor, now, reason, &change, err)) ||
	    (rc = roster_join(st, incident, join.v, join.n, change, now, err)) ||
	    (rc = roster_set_in_area(st, incident, back.v, back.n, 1, change, now,
				     err)) ||
	    (rc = change_counts(st, change, join.n, back.n, 0, err)))
		goto out;
	*joined += (int64_t)(join.n + back.n);
	/* The missions of their countries (the set only grows). */
	for (k = 0; k < ncountries && !rc; k++)
		rc = mission_add_country(st, incident, countries[k], err);
out:
	free(countries);
	free(join.v);
	free(back.v);
	return rc;
}

int incident_on_arrivals(struct store *st, const struct geo_presence *p,
			 size_t n, const char *actor, const char *reason,
			 int64_t *joined, struct strbuf *err)
{
	struct geo_filter today;
	struct arrival *hits = NULL;
	size_t nhits = 0, hits_alloc = 0, i, k;
	int rc = HW_OK;

	*joined = 0;
	geo_filter_today(&today);
	for (i = 0; i < n; i++)
		if (p[i].arrival <= today.on && today.on <= p[i].departure)
			break;
	if (i == n)
		return HW_OK;  /* nobody is there today */
	pthread_mutex_lock(&cache_lock);
	rc = cache_refresh(st, err);
	for (i = 0; i < n && !rc && ncache; i++) {
		if (!(p[i].arrival <= today.on && today.on <= p[i].departure))
			continue;
		for (k = 0; k < ncache; k++) {
			if (!cached_contains(&cache[k], p[i].lat, p[i].lon))
				continue;
			ALLOC_GROW(hits, nhits + 1, hits_alloc);
			hits[nhits].incident = cache[k].id;
			hits[nhits].person = p[i].person;
			memcpy(hits[nhits].country, p[i].country, sizeof(hits->country));
			nhits++;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	if (nhits)
		qsort(hits, nhits, sizeof(*hits), by_arrival);
	/* One person once per incident (one presence inside is enough). */
	for (i = k = 0; i < nhits; i++)
		if (!k || hits[i].incident != hits[k - 1].incident ||
		    hits[i].person != hits[k - 1].person)
			hits[k++] = hits[i];
	nhits = k;
	for (i = 0; i < nhits && !rc; i = k) {
		for (k = i; k < nhits && hits[k].incident == hits[i].incident; k++)
			;
		rc = join_arrivals(st, hits + i, k - i, actor, reason, joined, err);
	}
	free(hits);
	return rc;
}

int incident_on_presence(struct store *st, const struct geo_presence *p,
			 size_t n, const char *actor, struct strbuf *err)
{
	int64_t joined = 0;

	return incident_on_arrivals(st, p, n, actor, "arrived", &joined, err);
}

void incident_outcome_detail(const struct incident_outcome *o,
			     const char *area_kind, struct strbuf *sb)
{
	strbuf_addf(sb, "roster %" PRId64 " in area: %" PRId64 " joined, %"
		    PRId64 " back, %" PRId64 " left", o->in_area, o->joined,
		    o->rejoined, o->left);
	if (area_kind)
		strbuf_addf(sb, "; area %s", area_kind);
}

/* ---- Reading ---- */

/* An incident row (INCIDENT_COLUMNS) as the API shows it. */
static const struct rec_field incident_fields[] = {
	{ "id", REC_INT }, { "title", REC_TEXT }, { "type", REC_TEXT },
	{ "severity", REC_TEXT }, { "status", REC_TEXT }, { "exercise", REC_BOOL },
	{ "area_kind", REC_TEXT }, { NULL, 0 },
};
static const struct rec_field incident_cap_fields[] = {
	{ "sender", REC_TEXT }, { "identifier", REC_TEXT }, { "sent", REC_TEXT },
	{ NULL, 0 },
};
static const struct rec_field incident_stamps[] = {
	{ "created_by", REC_TEXT }, { "created_at", REC_TEXT },
	{ "updated_at", REC_TEXT }, { "closed_at", REC_TEXT }, { NULL, 0 },
};

json_t *incident_row_json(struct store_stmt *s)
{
	json_t *o = json_object(), *cap = json_null();
	int col = record_add(o, s, 0, incident_fields);

	if (!store_col_null(s, col + 1)) {
		cap = json_object();
		record_add(cap, s, col, incident_cap_fields);
	}
	json_object_set_new(o, "cap", cap);
	record_add(o, s, col + 3, incident_stamps);
	return o;
}

/* The area as stored: a GeoJSON area as its object, the rest as text. */
static json_t *area_json(const char *kind, const char *text, size_t len)
{
	json_t *j = NULL;

	if (!strcmp(kind, "geojson"))
		j = json_loadb(text, len, 0, NULL);
	return j ? j : json_stringn(text, len);
}

/* Add `key`: the rows of `sql` (one parameter, the incident) as `fields`. */
static int add_rows(struct store *st, int64_t id, json_t *o, const char *key,
		    const char *sql, const struct rec_field *fields,
		    const char *what, struct strbuf *err)
{
	struct store_stmt *s;
	json_t *a = json_array();
	int rc;

	json_object_set_new(o, key, a);
	if ((rc = store_prepare_args(st, &s, sql, what, err, "i", id)))
		return rc;
	return record_rows(st, s, fields, a, what, err);
}

static const struct rec_field mission_fields[] = {
	{ "id", REC_INT }, { "code", REC_TEXT }, { "name", REC_TEXT }, { NULL, 0 },
};
static const struct rec_field cap_message_fields[] = {
	{ "sender", REC_TEXT }, { "identifier", REC_TEXT }, { "sent", REC_TEXT },
	{ "msg_type", REC_TEXT }, { "status", REC_TEXT }, { "received_at", REC_TEXT },
	{ NULL, 0 },
};

static int add_missions(struct store *st, int64_t id, json_t *o, struct strbuf *err)
{
	return add_rows(st, id, o, "missions", "SELECT m.id, m.code, m.name FROM "
			"incident_mission im JOIN mission m ON m.id = im.mission_id "
			"WHERE im.incident_id = ? ORDER BY m.code", mission_fields,
			"read the missions concerned", err);
}

static int add_cap_messages(struct store *st, int64_t id, json_t *o,
			    struct strbuf *err)
{
	return add_rows(st, id, o, "cap_messages", "SELECT sender, identifier, sent, "
			"msg_type, cap_status, received_at FROM incident_cap "
			"WHERE incident_id = ? ORDER BY id", cap_message_fields,
			"read the CAP messages", err);
}

int incident_json(struct store *st, int64_t id, const char *scope_sql,
		  int64_t scope_arg, json_t **out, struct strbuf *err)
{
	int64_t counts[ROSTER_NSTATUS], total = 0;
	struct store_stmt *s;
	json_t *o = NULL, *by;
	int rc, i;

	*out = NULL;
	if (store_prepare(st, "SELECT " INCIDENT_COLUMNS ", incident.area_text "
			  "FROM incident WHERE incident.id = ?", &s))
		return db_fail(st, err, "read the incident");
	store_bind_int64(s, 1, id);
	rc = store_step(s);
	if (rc == STORE_ROW) {
		size_t len = 0;
		const char *text = store_col_text(s, 14, &len);
		const char *kind = store_col_text(s, 6, NULL);

		o = incident_row_json(s);
		json_object_set_new(o, "area", area_json(kind ? kind : "",
							  text ? text : "", len));
	}
	store_reset(s);
	if ((rc = found(st, rc, id, err)))
		return rc;
	if ((rc = add_missions(st, id, o, err)) ||
	    (rc = add_cap_messages(st, id, o, err)))
		goto fail;
	if (roster_count(st, id, scope_sql, scope_arg, counts, &total)) {
		rc = db_fail(st, err, "count the roster");
		goto fail;
	}
	by = json_object();
	for (i = 0; i < ROSTER_NSTATUS; i++)
		json_object_set_new(by, roster_status_name(i), json_integer(counts[i]));
	json_object_set_new(o, "affected", json_integer(total));
	json_object_set_new(o, "by_status", by);
	*out = o;
	return HW_OK;
fail:
	json_decref(o);
	return rc;
}

/*
 * The registry's arrivals listener (registry/arrivals.h): the presences an
 * import wrote at `stamp` join the rosters of the open incidents whose
 * areas hold them. They are read only when an incident is open.
 */
static int on_imported(struct store *st, const char *stamp, const char *actor,
		       const char *reason, int64_t *joined, struct strbuf *err)
{
	struct geo_presence *v = NULL;
	size_t n = 0, alloc = 0;
	struct store_stmt *s;
	int64_t open_incidents = 0;
	int rc;

	if (store_prepare(st, "SELECT count(*) FROM incident WHERE status = 'open'", &s))
		goto db_fail;
	if ((rc = store_step(s)) == STORE_ROW)
		open_incidents = store_col_int64(s, 0);
	store_reset(s);
	if (rc < 0)
		goto db_fail;
	if (!open_incidents)
		return HW_OK;
	if (store_prepare(st, "SELECT " GEO_PRESENCE_COLUMNS " FROM presence "
			  "WHERE updated_at = ? AND lat IS NOT NULL", &s))
		goto db_fail;
	store_bind_str(s, 1, stamp);
	while ((rc = store_step(s)) == STORE_ROW) {
		ALLOC_GROW(v, n + 1, alloc);
		if (geo_presence_from_row(s, &v[n]) == HW_OK)
			n++;
	}
	store_reset(s);
	if (rc < 0) {
		free(v);
		goto db_fail;
	}
	rc = incident_on_arrivals(st, v, n, actor, reason, joined, err);
	free(v);
	return rc;
db_fail:
	strbuf_addf(err, "cannot read the arrivals for open incidents: %s",
		    store_errmsg(st));
	return HW_EDB;
}

void incident_listen_arrivals(void)
{
	arrivals_listen(on_imported);
}
