/*
 * api_presence.c: a person's presences (where they are, were or will be)
 * over HTTP: list, add, change (ending a trip by setting its departure)
 * and delete.
 *
 * Who may touch a presence is decided by its person (scope.h): staff and
 * citizens write, within what they may see; auditors read. A presence is
 * checked as the registrant CSV import checks one (registrant.c): a known
 * country, a point inside it within the same tolerance, a departure not
 * before the arrival, a known purpose, an existing organisation.
 *
 * The geo engine must answer the next query as the database stands, and
 * must never hold a location the database does not: so each write reads
 * the presence's engine entry before and after its change inside the
 * transaction, commits, and only then updates the engine (presence.h).
 * Writes through this module are serialised from the start of their
 * transaction to the end of the engine update, so that two changes to the
 * same presence reach the engine in the order they reached the database.
 * A presence written inside an open incident's area puts its person on
 * that incident's roster in the same transaction (incident.h).
 */
#include "core/homeward.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "http/api.h"
#include "store/record.h"
#include "core/time.h"
#include "store/db.h"
#include "geo/geo.h"
#include "crisis/incident.h"
#include "registry/presence.h"
#include "geo/refgeo.h"
#include "registry/registrant.h"
#include "auth/scope.h"
#include "http/server.h"
#include "store/store.h"

/* As registrant.c allows for imported rows: Natural Earth 1:50m drops
 * small islands and rounds coasts. */
#define POINT_TOLERANCE_KM 30.0

/* One presence row, as read or about to be written. */
struct presence_row {
	int64_t id, person_id, seq;
	char country[3];
	struct strbuf city;       /* "" for none */
	bool has_point;
	double lat, lon;
	char arrival[11];         /* YYYY-MM-DD or "" */
	char departure[11];
	char purpose[16];         /* one of reg_purposes, or "" */
	int64_t organisation_id;  /* 0 for none */
	char created_at[21], updated_at[21];
};

static void row_init(struct presence_row *p)
{
	memset(p, 0, sizeof(*p));
	strbuf_init(&p->city, 0);
}

static void row_release(struct presence_row *p)
{
	strbuf_release(&p->city);
}

#define ROW_COLUMNS "id, person_id, seq, country, city, lat, lon, arrival, " \
	"departure, purpose, organisation_id, created_at, updated_at"

static void copy_col(struct store_stmt *s, int i, char *dst, size_t size)
{
	const char *t = store_col_text(s, i, NULL);

	snprintf(dst, size, "%s", t ? t : "");
}

static void row_from_stmt(struct store_stmt *s, struct presence_row *p)
{
	const char *city = store_col_text(s, 4, NULL);

	p->id = store_col_int64(s, 0);
	p->person_id = store_col_int64(s, 1);
	p->seq = store_col_int64(s, 2);
	copy_col(s, 3, p->country, sizeof(p->country));
	strbuf_reset(&p->city);
	if (city)
		strbuf_addstr(&p->city, city);
	p->has_point = !store_col_null(s, 5) && !store_col_null(s, 6);
	p->lat = p->has_point ? store_col_double(s, 5) : 0;
	p->lon = p->has_point ? store_col_double(s, 6) : 0;
	copy_col(s, 7, p->arrival, sizeof(p->arrival));
	copy_col(s, 8, p->departure, sizeof(p->departure));
	copy_col(s, 9, p->purpose, sizeof(p->purpose));
	p->organisation_id = store_col_null(s, 10) ? 0 : store_col_int64(s, 10);
	copy_col(s, 11, p->created_at, sizeof(p->created_at));
	copy_col(s, 12, p->updated_at, sizeof(p->updated_at));
}

/* Read presence `id`: HW_OK, HW_ENOTFOUND (after a 404), or HW_EDB. */
static void fill_row(struct store_stmt *s, void *p)
{
	row_from_stmt(s, p);
}

static int row_load(struct api_req *r, int64_t id, struct presence_row *p)
{
	int rc = store_read_row(r->db->st, fill_row, p, "SELECT " ROW_COLUMNS
				" FROM presence WHERE id = ?", "read the presence",
				&r->err, "i", id);

	if (rc == HW_ENOTFOUND)
		return api_fail(r, 404, "not_found", NULL, "no presence %lld",
				(long long)id);
	return rc;
}

/* A coordinate as the API shows it: the stored micro-degrees, exactly. */
static json_t *coord_json(double v)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *j;

	reg_format_coord(&sb, v);
	j = json_real(strtod(sb.buf, NULL));
	strbuf_release(&sb);
	return j;
}

static json_t *row_json(const struct presence_row *p)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "person_id", json_integer(p->person_id));
	json_object_set_new(o, "seq", json_integer(p->seq));
	record_set_text(o, "country", p->country);
	record_set_text(o, "city", p->city.len ? p->city.buf : NULL);
	json_object_set_new(o, "lat", p->has_point ? coord_json(p->lat) : json_null());
	json_object_set_new(o, "lon", p->has_point ? coord_json(p->lon) : json_null());
	record_set_text(o, "arrival", p->arrival[0] ? p->arrival : NULL);
	record_set_text(o, "departure", p->departure[0] ? p->departure : NULL);
	record_set_text(o, "purpose", p->purpose[0] ? p->purpose : NULL);
	json_object_set_new(o, "organisation_id", p->organisation_id
			    ? json_integer(p->organisation_id) : json_null());
	record_set_text(o, "created_at", p->created_at);
	record_set_text(o, "updated_at", p->updated_at);
	return o;
}

/* ---- Input ---- */

/* The purpose as stored (one of reg_purposes, any case given), or NULL. */
static const char *purpose_canonical(const char *s)
{
	size_t i;

	for (i = 0; i < reg_purposes_count; i++)
		if (!strcasecmp(s, reg_purposes[i]))
			return reg_purposes[i];
	return NULL;
}

/*
 * Apply the body's fields to `p`: all of them for a new presence, those
 * present for a change (null clears an optional field). Only the shape of
 * each value is taken here; row_check() judges the result as a whole.
 * HW_EINPUT after a 422 naming the field.
 */
static int row_apply(struct api_req *r, struct presence_row *p)
{
	json_t *v;
	size_t i;

	if ((v = json_object_get(r->body, "country"))) {
		const char *c = json_string_value(v);
		if (!c)
			return api_fail(r, 422, "invalid", "country",
					"a presence must have a country");
		if (strlen(c) != 2 || !isalpha((unsigned char)c[0]) ||
		    !isalpha((unsigned char)c[1]))
			return api_fail(r, 422, "invalid", "country",
					"country '%s' is not a country code "
					"(ISO 3166-1 alpha-2, such as NP)", c);
		p->country[0] = (char)toupper((unsigned char)c[0]);
		p->country[1] = (char)toupper((unsigned char)c[1]);
		p->country[2] = '\0';
	}
	if ((v = json_object_get(r->body, "city"))) {
		strbuf_reset(&p->city);
		if (json_is_string(v))
			strbuf_addstr(&p->city, json_string_value(v));
		strbuf_rtrim(&p->city);
		for (i = 0; i < p->city.len; i++)
			if ((unsigned char)p->city.buf[i] < 0x20)
				return api_fail(r, 422, "invalid", "city",
						"city holds a control character");
	}
	{
		json_t *lat = json_object_get(r->body, "lat");
		json_t *lon = json_object_get(r->body, "lon");
		/* A change may give one half of the point: the other is the
		 * stored one, and row_check() insists on both or neither. */
		bool had = p->has_point;
		bool has_lat = lat ? json_is_number(lat) : had;
		bool has_lon = lon ? json_is_number(lon) : had;
		if (has_lat != has_lon) {
			const char *missing = has_lat ? "lon" : "lat";
			return api_fail(r, 422, "invalid", missing,
					"%s is missing (lat and lon go together)",
					missing);
		}
		p->has_point = has_lat;
		if (lat && has_lat)
			p->lat = json_number_value(lat);
		if (lon && has_lon)
			p->lon = json_number_value(lon);
	}
	if ((v = json_object_get(r->body, "arrival")))
		snprintf(p->arrival, sizeof(p->arrival), "%s",
			 json_is_string(v) ? json_string_value(v) : "");
	if ((v = json_object_get(r->body, "departure")))
		snprintf(p->departure, sizeof(p->departure), "%s",
			 json_is_string(v) ? json_string_value(v) : "");
	if ((v = json_object_get(r->body, "purpose"))) {
		const char *given = json_is_string(v) ? json_string_value(v) : "";
		const char *canon = *given ? purpose_canonical(given) : "";
		if (!canon) {
			struct strbuf list = STRBUF_INIT;
			for (i = 0; i < reg_purposes_count; i++)
				strbuf_addf(&list, "%s%s", i ? ", " : "", reg_purposes[i]);
			api_fail(r, 422, "invalid", "purpose",
				 "purpose '%s' is not one of %s", given, list.buf);
			strbuf_release(&list);
			return HW_EINPUT;
		}
		snprintf(p->purpose, sizeof(p->purpose), "%s", canon);
	}
	if ((v = json_object_get(r->body, "organisation_id")))
		p->organisation_id = json_is_integer(v) ? json_integer_value(v) : 0;
	return HW_OK;
}

/* Does organisation `id` exist? HW_OK, HW_ENOTFOUND, or HW_EDB. */
static int organisation_exists(struct api_req *r, int64_t id)
{
	struct store_stmt *s;
	int rc;

	if (store_prepare(r->db->st, "SELECT 1 FROM organisation WHERE id = ?", &s)) {
		strbuf_addf(&r->err, "cannot read organisations: %s",
			    store_errmsg(r->db->st));
		return HW_EDB;
	}
	store_bind_int64(s, 1, id);
	rc = store_step(s);
	store_reset(s);
	if (rc == STORE_ROW)
		return HW_OK;
	if (rc == STORE_DONE)
		return HW_ENOTFOUND;
	strbuf_addf(&r->err, "cannot read organisations: %s", store_errmsg(r->db->st));
	return HW_EDB;
}

/* The presence as it would be stored: every rule across its fields. */
static int row_check(struct api_req *r, struct presence_row *p)
{
	int rc;

	if (!refgeo_country(p->country))
		return api_fail(r, 422, "invalid", "country",
				"country '%s' is not a country code (ISO 3166-1 "
				"alpha-2, such as NP)", p->country);
	if (p->has_point) {
		if (!isfinite(p->lat) || fabs(p->lat) > 90)
			return api_fail(r, 422, "invalid", "lat",
					"lat %g is out of range (-90 to 90)", p->lat);
		if (!isfinite(p->lon) || fabs(p->lon) > 180)
			return api_fail(r, 422, "invalid", "lon",
					"lon %g is out of range (-180 to 180)", p->lon);
		/* Stored to the micro-degree, as imports store them, so the
		 * database and the engine hold the same point. */
		p->lat = (double)llround(p->lat * 1e6) / 1e6;
		p->lon = (double)llround(p->lon * 1e6) / 1e6;
		rc = refgeo_in_country(p->country, p->lat, p->lon, POINT_TOLERANCE_KM);
		if (rc < 0) {
			strbuf_addf(&r->err, "cannot check the point against '%s'",
				    p->country);
			return rc;
		}
		if (!rc) {
			const char *other = refgeo_country_of(p->lat, p->lon);
			return api_fail(r, 422, "invalid", "lat",
					"point (%.6f, %.6f) is not in '%s' (nearest "
					"border more than %.0f km away%s%s%s)", p->lat,
					p->lon, p->country, POINT_TOLERANCE_KM,
					other ? "; the point is in '" : "",
					other ? other : "", other ? "'" : "");
		}
	}
	if (p->arrival[0] && p->departure[0] && strcmp(p->departure, p->arrival) < 0)
		return api_fail(r, 422, "invalid", "departure",
				"departure %s is before the arrival %s",
				p->departure, p->arrival);
	if (p->organisation_id) {
		rc = organisation_exists(r, p->organisation_id);
		if (rc == HW_ENOTFOUND)
			return api_fail(r, 422, "invalid", "organisation_id",
					"organisation %lld does not exist",
					(long long)p->organisation_id);
		if (rc)
			return rc;
	}
	return HW_OK;
}

/* ---- The engine ---- */

/* The person's nationality and needs as the engine keeps them, read in
 * the transaction and handed to the engine after the commit, so that
 * filters on them find a person created after the server started. */
static int read_person(struct api_req *r, int64_t person, struct geo_person *gp)
{
	struct store_stmt *s;
	int rc;

	memset(gp, 0, sizeof(*gp));
	if (store_prepare(r->db->st, "SELECT " GEO_PERSON_COLUMNS
			  " FROM person WHERE id = ?", &s))
		goto dberr;
	store_bind_int64(s, 1, person);
	rc = store_step(s);
	if (rc == STORE_ROW && geo_person_from_row(s, gp))
		gp->person = 0;
	store_reset(s);
	if (rc < 0)
		goto dberr;
	return HW_OK;
dberr:
	strbuf_addf(&r->err, "cannot read person: %s", store_errmsg(r->db->st));
	return HW_EDB;
}

static void engine_person(struct api_req *r, const struct geo_person *gp)
{
	if (gp->person)
		geo_set_person(r->srv->geo, gp);
}

/* After the commit: replace `from` by `to` in the engine. */
static void engine_update(struct api_req *r, const struct geo_presence *from,
			  size_t nfrom, const struct geo_presence *to, size_t nto)
{
	/* One entry for another under one lock: no query in between sees
	 * the person missing. */
	if (nfrom == 1 && nto == 1 && geo_move(r->srv->geo, from, to) == HW_OK)
		return;
	presence_geo_remove(r->srv->geo, from, nfrom);
	presence_geo_add(r->srv->geo, to, nto);
}

/* ---- Handlers ---- */

static int presence_list(struct api_req *r)
{
	struct presence_row p;
	struct store_stmt *s;
	json_t *items = NULL;
	int64_t person, limit, after, last = 0;
	int rc, n = 0;

	if ((rc = api_param_id(r, 0, &person)) ||
	    (rc = api_query_int(r, "limit", 1, 1000, 100, &limit)) ||
	    (rc = api_query_int(r, "after", 0, INT64_MAX, 0, &after)) ||
	    (rc = scope_person_visible(r->db->st, &r->who, person, &r->err)))
		return rc;
	if (store_prepare(r->db->st, "SELECT " ROW_COLUMNS " FROM presence "
			  "WHERE person_id = ? AND id > ? ORDER BY id LIMIT ?", &s)) {
		strbuf_addf(&r->err, "cannot list presences: %s", store_errmsg(r->db->st));
		return HW_EDB;
	}
	store_bind_int64(s, 1, person);
	store_bind_int64(s, 2, after);
	/* One more than asked: whether there is a next page. */
	store_bind_int64(s, 3, limit + 1);
	row_init(&p);
	items = json_array();
	while ((rc = store_step(s)) == STORE_ROW) {
		if (n++ == limit)
			continue;
		row_from_stmt(s, &p);
		last = p.id;
		json_array_append_new(items, row_json(&p));
	}
	store_reset(s);
	row_release(&p);
	if (rc < 0) {
		json_decref(items);
		strbuf_addf(&r->err, "cannot list presences: %s", store_errmsg(r->db->st));
		return HW_EDB;
	}
	return api_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items,
				"next_after", n > limit ? json_integer(last) : json_null()));
}

/* Bind the presence's own fields from parameter `i` on; the next index. */
static int bind_fields(struct store_stmt *s, int i, const struct presence_row *p)
{
	store_bind_str(s, i++, p->country);
	store_bind_str(s, i++, p->city.len ? p->city.buf : NULL);
	if (p->has_point) {
		store_bind_double(s, i++, p->lat);
		store_bind_double(s, i++, p->lon);
	} else {
		store_bind_null(s, i++);
		store_bind_null(s, i++);
	}
	store_bind_str(s, i++, p->arrival);
	store_bind_str(s, i++, p->departure);
	store_bind_str(s, i++, p->purpose);
	if (p->organisation_id)
		store_bind_int64(s, i++, p->organisation_id);
	else
		store_bind_null(s, i++);
	return i;
}

/* Write `p`, a new presence when p->id is 0 (it gets the person's next
 * seq, counting from 0 as imports do), with its timestamps. */
static int row_store(struct api_req *r, struct presence_row *p)
{
	static const char insert_sql[] =
		"INSERT INTO presence (person_id, seq, country, city, lat, lon, "
		"arrival, departure, purpose, organisation_id, created_at, updated_at) "
		"VALUES (?, (SELECT coalesce(max(seq), -1) + 1 FROM presence "
		"WHERE person_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id, seq";
	static const char update_sql[] =
		"UPDATE presence SET country = ?, city = ?, lat = ?, lon = ?, "
		"arrival = ?, departure = ?, purpose = ?, organisation_id = ?, "
		"updated_at = ? WHERE id = ? RETURNING id, seq";
	struct store_stmt *s;
	char now[21];
	int rc, i = 1;

	time_iso_now(now);
	if (store_prepare(r->db->st, p->id ? update_sql : insert_sql, &s))
		goto dberr;
	if (!p->id) {
		store_bind_int64(s, i++, p->person_id);
		store_bind_int64(s, i++, p->person_id);
	}
	i = bind_fields(s, i, p);
	if (!p->id)
		store_bind_str(s, i++, now);
	store_bind_str(s, i++, now);
	if (p->id)
		store_bind_int64(s, i, p->id);
	rc = store_step(s);
	if (rc == STORE_ROW) {
		p->id = store_col_int64(s, 0);
		p->seq = store_col_int64(s, 1);
	}
	store_reset(s);
	if (rc != STORE_ROW)
		goto dberr;
	if (!p->created_at[0])
		memcpy(p->created_at, now, sizeof(now));
	memcpy(p->updated_at, now, sizeof(now));
	return HW_OK;
dberr:
	strbuf_addf(&r->err, "cannot write the presence: %s", store_errmsg(r->db->st));
	return HW_EDB;
}

/*
 * The start of a presence write: *p initialised, the presence-writes lock
 * taken (the caller releases it, whatever happens next), the path's id (a
 * person's, for a new presence; with `existing`, the presence's own, read
 * into *p), the transaction, and the check that the principal may see the
 * person.
 */
static int begin_write(struct api_req *r, struct presence_row *p, int64_t *id,
		       bool existing)
{
	int rc;

	row_init(p);
	presence_writes_lock();
	if ((rc = api_param_id(r, 0, id)) || (rc = api_tx_begin(r)) ||
	    (existing && (rc = row_load(r, *id, p))))
		return rc;
	return scope_person_visible(r->db->st, &r->who, existing ? p->person_id : *id,
				    &r->err);
}

static int presence_create(struct api_req *r)
{
	struct presence_row p;
	struct geo_presence *to = NULL;
	struct geo_person gp;
	char object[48], detail[64];
	size_t nto = 0;
	int64_t person;
	int rc;

	if ((rc = begin_write(r, &p, &person, false)))
		goto out;
	p.person_id = person;
	if ((rc = row_apply(r, &p)) || (rc = row_check(r, &p)) ||
	    (rc = row_store(r, &p)))
		goto out;
	snprintf(object, sizeof(object), "presence:%lld", (long long)p.id);
	snprintf(detail, sizeof(detail), "person:%lld, %s", (long long)person,
		 p.country);
	if ((rc = api_audit(r, "presence-create", object, detail)) ||
	    (rc = presence_geo_entries(r->db->st, person, p.id, &to, &nto, &r->err)) ||
	    (rc = incident_on_presence(r->db->st, to, nto, r->who.actor, &r->err)) ||
	    (rc = read_person(r, person, &gp)) ||
	    (rc = api_tx_commit(r)))
		goto out;
	engine_person(r, &gp);
	presence_geo_add(r->srv->geo, to, nto);
	rc = api_reply_json(r, 201, row_json(&p));
out:
	presence_writes_unlock();
	free(to);
	row_release(&p);
	return rc;
}

/* The names of the body's fields, for the audit detail (no values: a
 * location is personal data). */
static void changed_fields(struct api_req *r, struct strbuf *out)
{
	const char *key;
	json_t *v;

	strbuf_addstr(out, "changed:");
	json_object_foreach(r->body, key, v)
		strbuf_addf(out, " %s", key);
}

static int presence_patch(struct api_req *r)
{
	struct presence_row p;
	struct geo_presence *from = NULL, *to = NULL;
	struct geo_person gp;
	struct strbuf detail = STRBUF_INIT;
	char object[48];
	size_t nfrom = 0, nto = 0;
	int64_t id;
	int rc;

	if ((rc = begin_write(r, &p, &id, true)) || (rc = row_apply(r, &p)) ||
	    (rc = row_check(r, &p)))
		goto out;
	if ((rc = presence_geo_entries(r->db->st, p.person_id, id, &from, &nfrom,
				       &r->err)) ||
	    (rc = row_store(r, &p)))
		goto out;
	snprintf(object, sizeof(object), "presence:%lld", (long long)id);
	changed_fields(r, &detail);
	if ((rc = api_audit(r, "presence-update", object, detail.buf)) ||
	    (rc = presence_geo_entries(r->db->st, p.person_id, id, &to, &nto, &r->err)) ||
	    (rc = incident_on_presence(r->db->st, to, nto, r->who.actor, &r->err)) ||
	    (rc = read_person(r, p.person_id, &gp)) ||
	    (rc = api_tx_commit(r)))
		goto out;
	engine_person(r, &gp);
	engine_update(r, from, nfrom, to, nto);
	rc = api_reply_json(r, 200, row_json(&p));
out:
	presence_writes_unlock();
	free(from);
	free(to);
	strbuf_release(&detail);
	row_release(&p);
	return rc;
}

static int presence_delete(struct api_req *r)
{
	struct presence_row p;
	struct geo_presence *from = NULL;
	char object[48], detail[48];
	size_t nfrom = 0;
	int64_t id;
	int rc;

	if ((rc = begin_write(r, &p, &id, true)) ||
	    (rc = presence_geo_entries(r->db->st, p.person_id, id, &from, &nfrom,
				       &r->err)))
		goto out;
	if ((rc = store_exec_args(r->db->st, "DELETE FROM presence WHERE id = ?",
				  "delete the presence", &r->err, "i", id)))
		goto out;
	snprintf(object, sizeof(object), "presence:%lld", (long long)id);
	snprintf(detail, sizeof(detail), "person:%lld", (long long)p.person_id);
	if ((rc = api_audit(r, "presence-delete", object, detail)) ||
	    (rc = api_tx_commit(r)))
		goto out;
	presence_geo_remove(r->srv->geo, from, nfrom);
	rc = api_reply_empty(r);
out:
	presence_writes_unlock();
	free(from);
	row_release(&p);
	return rc;
}

/* ---- The table ---- */

static const struct api_field list_query[] = {
	{ "limit", API_INT, false, 0, "Presences per page, 1 to 1000 (default 100)" },
	{ "after", API_INT, false, 0, "The last id of the previous page" },
	{ NULL, 0, false, 0, NULL },
};

#define PRESENCE_FIELDS(country_required) \
	{ "country", API_STRING, country_required, 2, \
	  "ISO 3166-1 alpha-2 code of the country of the stay" }, \
	{ "city", API_STRING, false, 200, "City or place" }, \
	{ "lat", API_NUMBER, false, 0, \
	  "Latitude in degrees (with lon); the point must lie in the country" }, \
	{ "lon", API_NUMBER, false, 0, "Longitude in degrees (with lat)" }, \
	{ "arrival", API_DATE, false, 0, "First day (YYYY-MM-DD)" }, \
	{ "departure", API_DATE, false, 0, \
	  "Last day (YYYY-MM-DD), not before the arrival" }, \
	{ "purpose", API_STRING, false, 16, \
	  "resident, work, study, tourism, business, family, transit or other" }, \
	{ "organisation_id", API_INT, false, 0, \
	  "The organisation (employer, school...) of the stay" }, \
	{ NULL, 0, false, 0, NULL }

static const struct api_field create_body[] = { PRESENCE_FIELDS(true) };
static const struct api_field patch_body[] = { PRESENCE_FIELDS(false) };

#define PRESENCE_WRITERS (ROLES_STAFF | ROLE_CITIZEN)

const struct route api_presence_routes[] = {
	{ "GET", "/api/v1/persons/{id}/presences", presence_list, ROLES_ANY,
	  list_query, NULL, 0, 200, "presences",
	  "A person's presences (stays), in the order given; paged" },
	{ "POST", "/api/v1/persons/{id}/presences", presence_create,
	  PRESENCE_WRITERS, NULL, create_body, 0, 201, "presences",
	  "Add a presence to a person; geo queries see it at once" },
	{ "PATCH", "/api/v1/presences/{id}", presence_patch, PRESENCE_WRITERS,
	  NULL, patch_body, 0, 200, "presences",
	  "Change a presence (end a trip by setting its departure; null clears a field)" },
	{ "DELETE", "/api/v1/presences/{id}", presence_delete, PRESENCE_WRITERS,
	  NULL, NULL, 0, 204, "presences", "Delete a presence" },
	{ NULL, NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL },
};
