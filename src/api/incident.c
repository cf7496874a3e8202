/*
 * api_incident.c: incidents over HTTP: declare one (from a CAP alert, a
 * GeoJSON geometry, a circle or countries), list them, read one with its
 * roster counts, change its title or area, close it. The work is done by
 * incident.c, with the server's shared geo engine (r->srv->geo), which the
 * presence routes keep in step with the database.
 *
 * Who may do what:
 *   - reading: staff and auditors; officers and mission heads see only the
 *     incidents that concern their mission (incident_mission), and their
 *     counts hold only the persons of their jurisdiction (scope.h);
 *   - declaring: hq anywhere; officers and mission heads inside their
 *     jurisdiction: every country the area names is one of their
 *     mission's, and every person the area holds today is present in one
 *     of them (so they cannot put another mission's people on a roster).
 *     Their mission is then always among the missions concerned;
 *   - changing and closing: hq; officers and mission heads for incidents
 *     that concern their mission alone, with a new area under the same
 *     rule as declaring. An incident spanning several missions is hq's.
 *
 * A declaration or area change holds the presence writers' lock (presence.h)
 * from before its transaction to its commit, so that no presence is
 * committed but not yet in the engine while the roster is computed; one
 * written afterwards finds the incident open and joins the roster itself
 * (incident_on_presence).
 */
#include "core/homeward.h"

#include <string.h>

#include "http/api.h"
#include "store/record.h"
#include "store/db.h"
#include "geo/geo.h"
#include "geo/geoarea.h"
#include "crisis/incident.h"
#include "registry/presence.h"
#include "geo/refgeo.h"
#include "auth/scope.h"
#include "http/server.h"
#include "store/store.h"

static bool is_staff_restricted(const struct api_req *r)
{
	return r->who.role == ROLE_OFFICER || r->who.role == ROLE_MISSION_HEAD;
}

/* ---- Input ---- */

/* The area fields of a body, at most one of them, as an incident area.
 * `text` holds the GeoJSON or the countries' list. */
static const char *const area_fields[] = { "cap", "geojson", "circle", "countries" };

static int area_from_body(struct api_req *r, bool required,
			  struct area_spec *area, struct strbuf *text)
{
	const char *given = NULL;
	json_t *v;
	size_t i;

	memset(area, 0, sizeof(*area));
	for (i = 0; i < ARRAY_SIZE(area_fields); i++) {
		if (!api_body_has(r, area_fields[i]))
			continue;
		if (given)
			return api_fail(r, 422, "invalid", area_fields[i],
					"give one area, not both %s and %s", given,
					area_fields[i]);
		given = area_fields[i];
	}
	if (!given) {
		if (required)
			return api_fail(r, 422, "invalid", "area",
					"give an area: cap, geojson, circle or "
					"countries");
		return HW_OK;
	}
	area->kind = given;
	v = json_object_get(r->body, given);
	if (!strcmp(given, "geojson")) {
		char *s = json_dumps(v, JSON_COMPACT);

		strbuf_addstr(text, s ? s : "");
		free(s);
	} else if (!strcmp(given, "countries")) {
		json_t *e;

		json_array_foreach(v, i, e)
			strbuf_addf(text, "%s%s", i ? "," : "", json_string_value(e));
		if (!text->len)
			return api_fail(r, 422, "invalid", "countries",
					"give at least one country");
	} else {
		strbuf_addstr(text, json_string_value(v));
	}
	area->text = text->buf;
	area->len = text->len;
	return HW_OK;
}

/* ---- Access ---- */

/*
 * Whether incident `id` exists and the principal may see it: HW_OK, or the
 * request fails with 404. *alone tells whether it concerns the principal's
 * mission only (always true for hq and auditors).
 */
static int incident_visible(struct api_req *r, int64_t id, bool *alone)
{
	struct store_stmt *s;
	int64_t total = 0, ours = 0;
	int rc;

	*alone = true;
	if (store_prepare(r->db->st, "SELECT (SELECT count(*) FROM incident_mission "
			  "WHERE incident_id = incident.id), (SELECT count(*) FROM "
			  "incident_mission WHERE incident_id = incident.id AND "
			  "mission_id = ?) FROM incident WHERE id = ?", &s))
		goto dberr;
	store_bind_list(s, "ii", r->who.mission_id, id);
	rc = store_step(s);
	if (rc == STORE_ROW) {
		total = store_col_int64(s, 0);
		ours = store_col_int64(s, 1);
	}
	store_reset(s);
	if (rc < 0)
		goto dberr;
	if (rc == STORE_DONE || (is_staff_restricted(r) && !ours))
		return api_fail(r, 404, "not_found", NULL, "no incident %lld",
				(long long)id);
	if (is_staff_restricted(r))
		*alone = total == ours;
	return HW_OK;
dberr:
	strbuf_addf(&r->err, "cannot read the incident: %s", store_errmsg(r->db->st));
	return HW_EDB;
}

/* For changes: officers and mission heads only on incidents of their
 * mission alone. */
static int incident_writable(struct api_req *r, int64_t id)
{
	bool alone;
	int rc = incident_visible(r, id, &alone);

	if (rc)
		return rc;
	if (!alone)
		return api_fail(r, 403, "forbidden", NULL,
				"incident %lld concerns other missions too: hq "
				"changes it", (long long)id);
	return HW_OK;
}

/*
 * The rule of declaring for officers and mission heads: every country the
 * area names, and every person it holds today, in their jurisdiction.
 */
static int area_in_jurisdiction(struct api_req *r, const struct area_spec *area)
{
	char (*codes)[3] = NULL;
	struct strbuf outside = STRBUF_INIT;
	struct geo_filter f;
	struct geoarea a;
	uint64_t *counts = NULL, total = 0;
	size_t n = 0, i, k, nc = refgeo_country_count();
	bool restricted = false;
	int rc;

	if (!is_staff_restricted(r) || !area->kind)
		return HW_OK;
	geoarea_init(&a);
	if ((rc = area_spec_parse(area, NULL, &a, &r->err))) {
		rc = api_fail_from(r, rc, &r->err);
		goto out;
	}
	if ((rc = scope_jurisdiction(r->db->st, &r->who, &codes, &n, &restricted, &r->err)))
		goto out;
	for (i = 0; i < a.ncountries; i++) {
		for (k = 0; k < n && strcmp(codes[k], a.countries[i]); k++)
			;
		if (k == n) {
			rc = api_fail(r, 403, "forbidden", "countries",
				      "country '%s' is not in your mission's "
				      "jurisdiction: hq declares this incident",
				      a.countries[i]);
			goto out;
		}
	}
	counts = xcalloc(nc + 1, sizeof(*counts));
	geo_filter_today(&f);
	if ((rc = geo_count_by_country(r->srv->geo, &a, &f, counts, &r->err))) {
		rc = api_fail_from(r, rc, &r->err);
		goto out;
	}
	for (i = 0; i <= nc; i++) {
		const char *code = i < nc ? refgeo_country_at(i)->code : "";

		if (!counts[i])
			continue;
		for (k = 0; k < n && strcmp(codes[k], code); k++)
			;
		if (k < n)
			continue;
		total += counts[i];
		if (outside.len < 60)
			strbuf_addf(&outside, "%s%s: %" PRIu64, outside.len ? ", " : "",
				    *code ? code : "no country", counts[i]);
	}
	if (total)
		rc = api_fail(r, 403, "forbidden", area->kind,
			      "the area holds %" PRIu64 " person%s outside your "
			      "mission's jurisdiction (%s): hq declares this "
			      "incident", total, total == 1 ? "" : "s", outside.buf);
out:
	geoarea_release(&a);
	free(codes);
	free(counts);
	strbuf_release(&outside);
	return rc;
}

/* ---- Output ---- */

static int reply_incident(struct api_req *r, int status, int64_t id)
{
	struct scope sc;
	json_t *o;
	int rc;

	scope_persons(&r->who, &sc);
	rc = incident_json(r->db->st, id, sc.all ? NULL : sc.sql, sc.arg, &o, &r->err);
	if (rc)
		return api_fail_from(r, rc, &r->err);
	return api_reply_json(r, status, o);
}

/* ---- Handlers ---- */

/*
 * POST /api/v1/incidents (id 0) and PATCH /api/v1/incidents/{id}: the
 * body's area, title and type (and, on creation, exercise), written in one
 * transaction with its audit entry under the presence-writes lock, so the
 * roster and the geo engine agree. The incident is the answer.
 */
static int write_incident(struct api_req *r, int64_t id)
{
	struct incident_spec spec = { 0 };
	struct incident_outcome o;
	struct strbuf text = STRBUF_INIT, detail = STRBUF_INIT;
	char object[40];
	bool locked = false;
	int rc;

	if ((rc = area_from_body(r, !id, &spec.area, &text)))
		goto out;
	spec.title = api_body_str(r, "title");
	spec.type = api_body_str(r, "type");
	spec.exercise = !id && json_is_true(json_object_get(r->body, "exercise"));
	if (is_staff_restricted(r))
		spec.mission_id = r->who.mission_id;
	if (!id && !spec.title && strcmp(spec.area.kind, "cap")) {
		rc = api_fail(r, 422, "invalid", "title", "give a title (only a "
			      "CAP alert brings its own)");
		goto out;
	}
	if (id && !spec.title && !spec.type && !spec.area.kind) {
		rc = api_fail(r, 422, "invalid", NULL, "nothing to change: give a "
			      "title, a type or an area");
		goto out;
	}
	presence_writes_lock();
	locked = true;
	if ((rc = api_tx_begin(r)) || (id && (rc = incident_writable(r, id))) ||
	    (rc = area_in_jurisdiction(r, &spec.area)))
		goto out;
	rc = id ? incident_change(r->db->st, r->srv->geo, id, &spec, r->who.actor, &o,
				  &r->err)
		: incident_declare(r->db->st, r->srv->geo, &spec, r->who.actor, &o,
				   &r->err);
	if (rc) {
		rc = api_fail_from(r, rc, &r->err);
		goto out;
	}
	/* A CAP Update or Cancel changes an incident that exists: the rule
	 * of changes applies to it. */
	if (!id && strcmp(o.action, "incident-create") && is_staff_restricted(r) &&
	    (rc = incident_writable(r, o.id)))
		goto out;
	if (id)
		o.id = id;
	snprintf(object, sizeof(object), "incident:%" PRId64, o.id);
	incident_outcome_detail(&o, spec.area.kind, &detail);
	if (id && spec.title)
		strbuf_addstr(&detail, "; title");
	if (id && spec.type)
		strbuf_addf(&detail, "; type");
	if ((rc = api_audit(r, id ? "incident-update" : o.action, object, detail.buf)) ||
	    (rc = api_tx_commit(r)))
		goto out;
	presence_writes_unlock();
	locked = false;
	rc = reply_incident(r, id || strcmp(o.action, "incident-create") ? 200 : 201, o.id);
out:
	if (locked)
		presence_writes_unlock();
	strbuf_release(&text);
	strbuf_release(&detail);
	return rc;
}

static int incident_create(struct api_req *r)
{
	return write_incident(r, 0);
}

static int incident_list(struct api_req *r)
{
	static const char *const statuses[] = { "open", "closed", "cancelled" };
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *s;
	const char *status = api_query(r, "status");
	json_t *items;
	int64_t limit, after, last = 0;
	size_t i;
	int rc, n = 0, arg = 1;

	if ((rc = api_query_int(r, "limit", 1, 1000, 100, &limit)) ||
	    (rc = api_query_int(r, "after", 0, INT64_MAX, 0, &after)))
		return rc;
	if (status) {
		for (i = 0; i < ARRAY_SIZE(statuses) && strcmp(status, statuses[i]); i++)
			;
		if (i == ARRAY_SIZE(statuses))
			return api_fail(r, 400, "invalid", "status", "status '%s' is "
					"not one of open, closed, cancelled", status);
	}
	strbuf_addstr(&sql, "SELECT " INCIDENT_COLUMNS " FROM incident WHERE "
		      "incident.id > ?");
	if (status)
		strbuf_addstr(&sql, " AND incident.status = ?");
	if (is_staff_restricted(r))
		strbuf_addstr(&sql, " AND EXISTS (SELECT 1 FROM incident_mission im "
			      "WHERE im.incident_id = incident.id AND im.mission_id = ?)");
	strbuf_addstr(&sql, " ORDER BY incident.id LIMIT ?");
	rc = store_prepare(r->db->st, sql.buf, &s);
	strbuf_release(&sql);
	if (rc) {
		strbuf_addf(&r->err, "cannot list incidents: %s", store_errmsg(r->db->st));
		return HW_EDB;
	}
	store_bind_int64(s, arg++, after);
	if (status)
		store_bind_str(s, arg++, status);
	if (is_staff_restricted(r))
		store_bind_int64(s, arg++, r->who.mission_id);
	/* One more than asked: whether there is a next page. */
	store_bind_int64(s, arg, limit + 1);
	items = json_array();
	while ((rc = store_step(s)) == STORE_ROW) {
		if (n++ == limit)
			continue;
		last = store_col_int64(s, 0);
		json_array_append_new(items, incident_row_json(s));
	}
	store_reset(s);
	if (rc < 0) {
		json_decref(items);
		strbuf_addf(&r->err, "cannot list incidents: %s", store_errmsg(r->db->st));
		return HW_EDB;
	}
	return api_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items,
				"next_after", n > limit ? json_integer(last) : json_null()));
}

static int incident_get(struct api_req *r)
{
	int64_t id;
	bool alone;
	int rc;

	if ((rc = api_param_id(r, 0, &id)) || (rc = incident_visible(r, id, &alone)))
		return rc;
	return reply_incident(r, 200, id);
}

static int incident_patch(struct api_req *r)
{
	int64_t id;
	int rc = api_param_id(r, 0, &id);

	return rc ? rc : write_incident(r, id);
}

static int incident_close_route(struct api_req *r)
{
	char object[40];
	int64_t id;
	int rc;

	if ((rc = api_param_id(r, 0, &id)) || (rc = api_tx_begin(r)) ||
	    (rc = incident_writable(r, id)))
		return rc;
	rc = incident_close(r->db->st, id, &r->err);
	if (rc)
		return api_fail_from(r, rc, &r->err);
	snprintf(object, sizeof(object), "incident:%" PRId64, id);
	if ((rc = api_audit(r, "incident-close", object, NULL)) ||
	    (rc = api_tx_commit(r)))
		return rc;
	return reply_incident(r, 200, id);
}

/* ---- The table ---- */

static const struct api_field list_query[] = {
	{ "limit", API_INT, false, 0, "Incidents per page, 1 to 1000 (default 100)" },
	{ "after", API_INT, false, 0, "The last id of the previous page" },
	{ "status", API_STRING, false, 16, "Only incidents in this status: open, "
	  "closed or cancelled" },
	{ NULL, 0, false, 0, NULL },
};

#define AREA_FIELDS \
	{ "cap", API_STRING, false, 4u << 20, \
	  "A CAP 1.0-1.2 message (XML, as a string): an Alert declares, an " \
	  "Update or Cancel changes the incident its references name" }, \
	{ "geojson", API_OBJECT, false, 0, \
	  "A GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection" }, \
	{ "circle", API_STRING, false, 100, "A circle: \"LAT,LON,KM\"" }, \
	{ "countries", API_STRINGS, false, 2, \
	  "ISO 3166-1 alpha-2 codes, by the reference map's shapes" }

static const struct api_field create_body[] = {
	{ "title", API_STRING, false, 200,
	  "The title (required unless a CAP alert brings its headline or event)" },
	{ "type", API_STRING, false, 20, "earthquake, conflict, terrorism, "
	  "kidnapping, epidemic, storm, unrest or other (default: from the CAP "
	  "alert, else other)" },
	{ "exercise", API_BOOL, false, 0, "An exercise: never messages real "
	  "contacts (CAP status Exercise or Test sets it too)" },
	AREA_FIELDS,
	{ NULL, 0, false, 0, NULL },
};

static const struct api_field patch_body[] = {
	{ "title", API_STRING, false, 200, "A new title" },
	{ "type", API_STRING, false, 20, "A new type" },
	AREA_FIELDS,
	{ NULL, 0, false, 0, NULL },
};

const struct route api_incident_routes[] = {
	{ "POST", "/api/v1/incidents", incident_create, ROLES_STAFF, NULL,
	  create_body, 0, 201, "incidents",
	  "Declare an incident over an area (exactly one of cap, geojson, circle, "
	  "countries); its roster is everyone present there today" },
	{ "GET", "/api/v1/incidents", incident_list, ROLES_READERS, list_query,
	  NULL, 0, 200, "incidents",
	  "The incidents (officers: those concerning their mission); paged" },
	{ "GET", "/api/v1/incidents/{id}", incident_get, ROLES_READERS, NULL, NULL,
	  0, 200, "incidents",
	  "An incident with the missions concerned, its CAP messages, the affected "
	  "count and the count per roster status (officers: their jurisdiction's)" },
	{ "PATCH", "/api/v1/incidents/{id}", incident_patch, ROLES_STAFF, NULL,
	  patch_body, 0, 200, "incidents",
	  "Change an incident's title, type or area (widen or narrow: the roster "
	  "follows, statuses kept)" },
	{ "POST", "/api/v1/incidents/{id}/close", incident_close_route, ROLES_STAFF,
	  NULL, NULL, 0, 200, "incidents", "Close an incident" },
	{ NULL, NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL },
};
