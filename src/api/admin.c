/*
 * api_admin.c: running the service over HTTP: missions and their
 * jurisdictions, user accounts, and the audit log.
 *
 * Who may do what is decided in two places only: the route table at the
 * bottom (which roles reach a route at all) and scope.c (which accounts a
 * mission head may see and which roles it may give). The writes
 * themselves, with their validation and audit entries, live in mission.c
 * and user.c and run inside the request's transaction, so the command
 * line and the API share one set of rules.
 */
#include "core/homeward.h"

#include <string.h>

#include "http/api.h"
#include "store/record.h"
#include "auth/audit.h"
#include "store/db.h"
#include "registry/mission.h"
#include "auth/scope.h"
#include "store/store.h"
#include "auth/user.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX 1000

/* Reply with a page of `items`; next is the id to continue from, or 0. */
static int reply_page(struct api_req *r, json_t *items, const char *next_key,
		      int64_t next)
{
	json_t *o = json_object();

	json_object_set_new(o, "items", items);
	json_object_set_new(o, next_key, next ? json_integer(next) : json_null());
	return api_reply_json(r, 200, o);
}

/* ---- Missions ---- */

#define MISSION_COLS "id, code, name, kind, country, city, lat, lon, created_at"

/* The mission of the current row of a MISSION_COLS statement, without its
 * countries. */
static const struct rec_field mission_fields[] = {
	{ "id", REC_INT }, { "code", REC_TEXT }, { "name", REC_TEXT },
	{ "kind", REC_TEXT }, { "seat", REC_TEXT }, { "city", REC_TEXT },
	{ "lat", REC_REAL }, { "lon", REC_REAL }, { "created_at", REC_TEXT },
	{ NULL, 0 },
};

static json_t *mission_row(struct store_stmt *s)
{
	return record_json(s, mission_fields);
}

/* Add "countries": the jurisdiction of mission `m`, in code order. */
static int add_countries(struct api_req *r, json_t *m)
{
	json_t *list = json_array();
	struct store_stmt *s;
	int rc;

	json_object_set_new(m, "countries", list);
	if (store_prepare(r->db->st, "SELECT country FROM mission_country "
			  "WHERE mission_id = ? ORDER BY country", &s))
		goto dberr;
	store_bind_int64(s, 1, json_integer_value(json_object_get(m, "id")));
	while ((rc = store_step(s)) == STORE_ROW)
		json_array_append_new(list, json_string(store_col_text(s, 0, NULL)));
	store_reset(s);
	if (rc == STORE_DONE)
		return HW_OK;
dberr:
	strbuf_addf(&r->err, "cannot read a jurisdiction: %s", store_errmsg(r->db->st));
	return HW_EDB;
}

static void fill_mission(struct store_stmt *s, void *out)
{
	*(json_t **)out = mission_row(s);
}

/* Mission `code` with its countries into *out: HW_OK, or 404, or HW_EDB. */
static int mission_json(struct api_req *r, const char *code, json_t **out)
{
	int rc;

	*out = NULL;
	rc = store_read_row(r->db->st, fill_mission, out, "SELECT " MISSION_COLS
			    " FROM mission WHERE code = ?", "read the mission", NULL,
			    "s", code);
	if (rc == HW_ENOTFOUND)
		return api_fail(r, 404, "not_found", NULL, "no mission '%.40s'", code);
	if (rc)
		goto dberr;
	if ((rc = add_countries(r, *out))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
dberr:
	strbuf_addf(&r->err, "cannot read mission: %s", store_errmsg(r->db->st));
	return HW_EDB;
}

static int missions_list(struct api_req *r)
{
	json_t *items = json_array(), *m;
	struct store_stmt *s;
	int64_t limit, after, last = 0;
	size_t n = 0;
	int rc;

	if ((rc = api_query_int(r, "limit", 1, PAGE_MAX, PAGE_DEFAULT, &limit)) ||
	    (rc = api_query_int(r, "after", 0, INT64_MAX, 0, &after)))
		goto out;
	if ((rc = store_prepare(r->db->st, "SELECT " MISSION_COLS " FROM mission "
				"WHERE id > ? ORDER BY id LIMIT ?", &s)))
		goto dberr;
	store_bind_int64(s, 1, after);
	store_bind_int64(s, 2, limit + 1);
	while ((rc = store_step(s)) == STORE_ROW && n < (size_t)limit) {
		json_array_append_new(items, mission_row(s));
		last = store_col_int64(s, 0);
		n++;
	}
	store_reset(s);
	if (rc < 0)
		goto dberr;
	/* A row beyond the page means there is a next one. */
	if (rc != STORE_ROW)
		last = 0;
	json_array_foreach(items, n, m)
		if ((rc = add_countries(r, m)))
			goto out;
	rc = reply_page(r, items, "next_after", last);
	items = NULL;
	goto out;
dberr:
	strbuf_addf(&r->err, "cannot list missions: %s", store_errmsg(r->db->st));
	rc = HW_EDB;
out:
	json_decref(items);
	return rc;
}

static int mission_get(struct api_req *r)
{
	json_t *m;
	int rc = mission_json(r, r->params[0], &m);

	return rc ? rc : api_reply_json(r, 200, m);
}

/*
 * The body's "countries" array as mission.c takes it: "NP,BT". Each entry
 * must be one code on its own, so that "NP,BT" inside one string is not
 * quietly taken as two.
 */
static int countries_arg(struct api_req *r, struct strbuf *out)
{
	json_t *list = json_object_get(r->body, "countries"), *v;
	size_t i;

	json_array_foreach(list, i, v) {
		const char *c = json_string_value(v);
		if (strlen(c) != 2 || strpbrk(c, ", "))
			return api_fail(r, 422, "invalid", "countries",
					"countries: '%.40s' is not an ISO 3166-1 "
					"alpha-2 country code", c);
		strbuf_addf(out, "%s%s", i ? "," : "", c);
	}
	return HW_OK;
}

/* POST /api/v1/missions (`create`) and PATCH /api/v1/missions/{code}: the
 * body's fields through mission.c's checks, the mission as the answer. */
static int write_mission(struct api_req *r, bool create)
{
	struct strbuf ccs = STRBUF_INIT, err = STRBUF_INIT;
	struct mission_new m = {
		.code = create ? api_body_str(r, "code") : r->params[0],
		.name = api_body_str(r, "name"),
		.kind = api_body_str(r, "kind"),
		/* On a change an explicit null clears the city; absent leaves it. */
		.city = create || !api_body_has(r, "city") ? api_body_str(r, "city")
			: api_body_str(r, "city") ? api_body_str(r, "city") : "",
		.actor = r->who.actor,
		.address = r->address[0] ? r->address : NULL,
	};
	json_t *out;
	int64_t id;
	int rc = HW_OK;

	if (create || json_is_array(json_object_get(r->body, "countries"))) {
		if ((rc = countries_arg(r, &ccs)))
			goto out;
		m.countries = ccs.buf;
	}
	if ((rc = api_tx_begin(r)))
		goto out;
	rc = create ? mission_insert(r->db->st, &m, &id, &err)
		    : mission_update(r->db->st, &m, &err);
	if (rc) {
		rc = api_fail_from(r, rc, &err);
		goto out;
	}
	if (!(rc = mission_json(r, m.code, &out)))
		rc = api_reply_json(r, create ? 201 : 200, out);
out:
	strbuf_release(&ccs);
	strbuf_release(&err);
	return rc;
}

static int mission_post(struct api_req *r)
{
	return write_mission(r, true);
}

static int mission_patch(struct api_req *r)
{
	return write_mission(r, false);
}

/* ---- Users ---- */

/* User `id` into *u, if the principal may see it; else 404. */
static int visible_user(struct api_req *r, int64_t id, struct user_info *u)
{
	int rc = scope_user_visible(r->db->st, &r->who, id, &r->err);

	if (rc)
		return rc;
	rc = user_get(r->db->st, id, u);
	if (rc == HW_ENOTFOUND)
		return api_fail(r, 404, "not_found", NULL, "no user %lld", (long long)id);
	if (rc)
		strbuf_addf(&r->err, "cannot read user %lld: %s", (long long)id,
			    store_errmsg(r->db->st));
	return rc;
}

static int users_list(struct api_req *r)
{
	struct user_info *users = NULL;
	struct scope sc;
	json_t *items;
	int64_t limit, after;
	size_t n = 0;
	int rc;

	if ((rc = api_query_int(r, "limit", 1, PAGE_MAX, PAGE_DEFAULT, &limit)) ||
	    (rc = api_query_int(r, "after", 0, INT64_MAX, 0, &after)))
		return rc;
	scope_users(&r->who, &sc);
	/* One more than the page, to know whether another follows. */
	rc = user_list(r->db->st, sc.sql, sc.arg, api_query(r, "role"),
		       api_query(r, "mission"), after, limit + 1, &users, &n);
	if (rc) {
		strbuf_addf(&r->err, "cannot list users: %s", store_errmsg(r->db->st));
		return rc;
	}
	items = json_array();
	for (size_t i = 0; i < n && i < (size_t)limit; i++)
		json_array_append_new(items, user_info_json(&users[i]));
	rc = reply_page(r, items, "next_after", n > (size_t)limit
			? users[limit - 1].id : 0);
	free(users);
	return rc;
}

static int user_get_route(struct api_req *r)
{
	struct user_info u;
	int64_t id;
	int rc;

	if ((rc = api_param_id(r, 0, &id)) || (rc = visible_user(r, id, &u)))
		return rc;
	return api_reply_json(r, 200, user_info_json(&u));
}

/* Reply with user `id` as it is now, with `status`. */
static int reply_user(struct api_req *r, int status, int64_t id)
{
	struct user_info u;
	int rc = user_get(r->db->st, id, &u);

	if (rc) {
		strbuf_addf(&r->err, "cannot read user %lld back: %s", (long long)id,
			    store_errmsg(r->db->st));
		return rc;
	}
	return api_reply_json(r, status, user_info_json(&u));
}

/* The code of the principal's own mission into code[24] ("" if none). */
static int own_mission(struct api_req *r, char code[24])
{
	struct store_stmt *s;
	int rc;

	code[0] = '\0';
	if (store_prepare(r->db->st, "SELECT code FROM mission WHERE id = ?", &s))
		goto dberr;
	store_bind_int64(s, 1, r->who.mission_id);
	rc = store_step(s);
	if (rc == STORE_ROW)
		snprintf(code, 24, "%s", store_col_text(s, 0, NULL));
	store_reset(s);
	if (rc >= 0)
		return HW_OK;
dberr:
	strbuf_addf(&r->err, "cannot read the mission: %s", store_errmsg(r->db->st));
	return HW_EDB;
}

static int user_post(struct api_req *r)
{
	struct strbuf err = STRBUF_INIT;
	json_t *pid = json_object_get(r->body, "person_id");
	struct user_new u = {
		.login = api_body_str(r, "login"),
		.role = api_body_str(r, "role"),
		.mission = api_body_str(r, "mission"),
		.password = api_body_str(r, "password"),
		.actor = r->who.actor,
		.address = r->address[0] ? r->address : NULL,
		.person_id = json_is_integer(pid) ? json_integer_value(pid) : 0,
	};
	char own[24];
	int64_t id;
	int rc;

	if (json_is_integer(pid) && u.person_id <= 0)
		return api_fail(r, 422, "invalid", "person_id",
				"person_id: %lld is not a person's id",
				(long long)u.person_id);
	/* A mission head adds to its own mission without having to say so. */
	if (!u.mission && r->who.role == ROLE_MISSION_HEAD) {
		if ((rc = own_mission(r, own)))
			return rc;
		u.mission = own;
	}
	if ((rc = scope_user_grant(r->db->st, &r->who, u.role, u.mission, &r->err)) || (rc = api_tx_begin(r)))
		goto out;
	if ((rc = user_insert(r->db->st, &u, &id, &err))) {
		rc = api_fail_from(r, rc, &err);
		goto out;
	}
	rc = reply_user(r, 201, id);
out:
	strbuf_release(&err);
	return rc;
}

/* Changing one's own role, mission or state would let an account lock
 * itself out, or raise itself: another account has to do it. */
static int not_self(struct api_req *r, int64_t id, const char *field)
{
	if (id != r->who.user_id)
		return HW_OK;
	return api_fail(r, 403, "forbidden", field,
			"%s: an account cannot change its own %s; another "
			"account with the right to do so must", field,
			strcmp(field, "disabled") == 0 ? "state" : field);
}

static int user_patch(struct api_req *r)
{
	struct strbuf err = STRBUF_INIT;
	json_t *dis = json_object_get(r->body, "disabled");
	struct user_change c = {
		.password = api_body_str(r, "password"),
		.role = api_body_str(r, "role"),
		.mission = api_body_has(r, "mission") ? (api_body_str(r, "mission")
			? api_body_str(r, "mission") : "") : NULL,
		.disabled = json_is_boolean(dis) ? json_is_true(dis) : -1,
		.actor = r->who.actor,
		.address = r->address[0] ? r->address : NULL,
	};
	struct user_info u;
	int64_t id;
	int rc;

	if ((rc = api_param_id(r, 0, &id)) || (rc = visible_user(r, id, &u)))
		goto out;
	if ((c.role && (rc = not_self(r, id, "role"))) ||
	    (c.mission && (rc = not_self(r, id, "mission"))) ||
	    (c.disabled >= 0 && (rc = not_self(r, id, "disabled"))))
		goto out;
	/* The account must stay one the principal may give. */
	if ((c.role || c.mission) &&
	    (rc = scope_user_grant(r->db->st, &r->who, c.role ? c.role : u.role,
				   c.mission ? c.mission : u.mission, &r->err)))
		goto out;
	if (id == r->who.user_id)
		c.keep_session = r->who.session_id;
	if ((rc = api_tx_begin(r)))
		goto out;
	if ((rc = user_update(r->db->st, id, &c, &err))) {
		rc = api_fail_from(r, rc, &err);
		goto out;
	}
	rc = reply_user(r, 200, id);
out:
	strbuf_release(&err);
	return rc;
}

static int user_delete(struct api_req *r)
{
	struct strbuf err = STRBUF_INIT;
	const char *mode = api_query(r, "mode");
	struct user_info u;
	int64_t id;
	int rc;

	if (mode && strcmp(mode, "disable") && strcmp(mode, "delete"))
		return api_fail(r, 400, "invalid", "mode",
				"query parameter 'mode' must be disable or delete");
	if ((rc = api_param_id(r, 0, &id)) || (rc = visible_user(r, id, &u)))
		goto out;
	if (id == r->who.user_id) {
		rc = api_fail(r, 403, "forbidden", NULL,
			      "an account cannot delete or disable itself");
		goto out;
	}
	if ((rc = api_tx_begin(r)))
		goto out;
	if ((rc = user_remove(r->db->st, id, mode && !strcmp(mode, "delete"),
			      r->who.actor, r->address[0] ? r->address : NULL,
			      &err))) {
		rc = api_fail_from(r, rc, &err);
		goto out;
	}
	rc = api_reply_empty(r);
out:
	strbuf_release(&err);
	return rc;
}

/* ---- The audit log ---- */

static int audit_list(struct api_req *r)
{
	json_t *items = json_array();
	struct store_stmt *s;
	const char *actor = api_query(r, "actor"), *action = api_query(r, "action"),
		*object = api_query(r, "object");
	int64_t limit, before, last = 0, n = 0;
	int rc;

	if ((rc = api_query_int(r, "limit", 1, PAGE_MAX, PAGE_DEFAULT, &limit)) ||
	    (rc = api_query_int(r, "before", 1, INT64_MAX, INT64_MAX, &before)))
		goto out;
	if (store_prepare(r->db->st, "SELECT " AUDIT_ENTRY_COLUMNS ", "
			  AUDIT_CHAIN_COLUMNS " FROM audit WHERE id < ? "
			  "AND (? IS NULL OR actor = ?) AND (? IS NULL OR action = ?) "
			  "AND (? IS NULL OR object = ?) ORDER BY id DESC LIMIT ?", &s))
		goto dberr;
	store_bind_list(s, "issssssi", before, actor, actor, action, action, object,
			object, limit + 1);
	while ((rc = store_step(s)) == STORE_ROW && n < limit) {
		json_t *e = record_json(s, audit_entry_fields);

		record_add(e, s, 7, audit_chain_fields);
		last = store_col_int64(s, 0);
		json_array_append_new(items, e);
		n++;
	}
	store_reset(s);
	if (rc < 0)
		goto dberr;
	rc = reply_page(r, items, "next_before", rc == STORE_ROW ? last : 0);
	items = NULL;
	goto out;
dberr:
	strbuf_addf(&r->err, "cannot read the audit log: %s", store_errmsg(r->db->st));
	rc = HW_EDB;
out:
	json_decref(items);
	return rc;
}

static int audit_verify_route(struct api_req *r)
{
	struct strbuf err = STRBUF_INIT;
	int64_t bad = 0, count = 0;
	json_t *o;
	int rc = audit_verify(r->db->st, &bad, &count, &err);

	if (rc && rc != HW_ECONFLICT) {
		strbuf_addbuf(&r->err, &err);
		strbuf_release(&err);
		return rc;
	}
	o = json_object();
	json_object_set_new(o, "intact", json_boolean(rc == HW_OK));
	json_object_set_new(o, "entries", json_integer(count));
	json_object_set_new(o, "bad_id", rc ? json_integer(bad) : json_null());
	if (rc)
		json_object_set_new(o, "message", json_string(err.buf));
	else
		json_object_set_new(o, "message", json_sprintf("audit log intact: "
				    "%lld entries", (long long)count));
	strbuf_release(&err);
	return api_reply_json(r, 200, o);
}

/* ---- The route table ---- */

static const struct api_field page_query[] = {
	{ "limit", API_INT, false, 0, "Items per page, 1 to 1000 (100)" },
	{ "after", API_INT, false, 0, "The next_after of the previous page" },
	{ NULL, 0, false, 0, NULL },
};

static const struct api_field mission_body[] = {
	{ "code", API_STRING, true, 16, "A-Z, 0-9 and '-', 2 to 16 characters (EMB-NP)" },
	{ "name", API_STRING, true, 200, "The mission's name" },
	{ "kind", API_STRING, false, 20,
	  "embassy (default), consulate, consulate-general, honorary or hq" },
	{ "countries", API_STRINGS, true, 2,
	  "Its jurisdiction: ISO 3166-1 alpha-2 codes; the first is its seat" },
	{ "city", API_STRING, false, 100, "The city it sits in" },
	{ NULL, 0, false, 0, NULL },
};

static const struct api_field mission_patch_body[] = {
	{ "name", API_STRING, false, 200, "A new name" },
	{ "kind", API_STRING, false, 20, "A new kind" },
	{ "countries", API_STRINGS, false, 2,
	  "A new jurisdiction, replacing the old one whole" },
	{ "city", API_STRING, false, 100, "A new city (null clears it)" },
	{ NULL, 0, false, 0, NULL },
};

static const struct api_field users_query[] = {
	{ "limit", API_INT, false, 0, "Items per page, 1 to 1000 (100)" },
	{ "after", API_INT, false, 0, "The next_after of the previous page" },
	{ "role", API_STRING, false, 20, "Only users of this role" },
	{ "mission", API_STRING, false, 16, "Only users of this mission (code)" },
	{ NULL, 0, false, 0, NULL },
};

static const struct api_field user_body[] = {
	{ "login", API_STRING, true, 64, "3 to 64 of a-z, 0-9, '.', '_', '-', '@'" },
	{ "password", API_STRING, true, 1024, "At least 10 characters" },
	{ "role", API_STRING, true, 20, "citizen, officer, mission-head, hq or auditor" },
	{ "mission", API_STRING, false, 16,
	  "The mission's code: required for officers and mission heads, refused otherwise" },
	{ "person_id", API_INT, false, 0, "Citizens: the person the account is for" },
	{ NULL, 0, false, 0, NULL },
};

static const struct api_field user_patch_body[] = {
	{ "password", API_STRING, false, 1024, "A new password: ends the user's sessions" },
	{ "disabled", API_BOOL, false, 0, "Disable (ends its sessions) or enable the account" },
	{ "role", API_STRING, false, 20, "A new role (never to or from citizen)" },
	{ "mission", API_STRING, false, 16, "A new mission (code); null for none" },
	{ NULL, 0, false, 0, NULL },
};

static const struct api_field user_delete_query[] = {
	{ "mode", API_STRING, false, 8,
	  "disable (default: the login stays taken and keeps one meaning in the "
	  "audit log) or delete" },
	{ NULL, 0, false, 0, NULL },
};

static const struct api_field audit_query[] = {
	{ "limit", API_INT, false, 0, "Entries per page, 1 to 1000 (100)" },
	{ "before", API_INT, false, 0, "The next_before of the previous page" },
	{ "actor", API_STRING, false, 100, "Only entries of this actor (user:LOGIN)" },
	{ "action", API_STRING, false, 64, "Only entries of this action (user-add)" },
	{ "object", API_STRING, false, 200, "Only entries on this object (person:42)" },
	{ NULL, 0, false, 0, NULL },
};

#define USER_MANAGERS (ROLE_HQ | ROLE_MISSION_HEAD)

const struct route api_admin_routes[] = {
	{ "GET", "/api/v1/missions", missions_list, ROLES_READERS, page_query, NULL, 0,
	  200, "missions", "The missions, with their jurisdictions" },
	{ "GET", "/api/v1/missions/{code}", mission_get, ROLES_READERS, NULL, NULL, 0,
	  200, "missions", "One mission, with its jurisdiction" },
	{ "POST", "/api/v1/missions", mission_post, ROLE_HQ, NULL, mission_body, 0,
	  201, "missions", "Add a mission and its jurisdiction (audited)" },
	{ "PATCH", "/api/v1/missions/{code}", mission_patch, ROLE_HQ, NULL,
	  mission_patch_body, 0, 200, "missions",
	  "Change a mission's name, kind, city or jurisdiction (audited)" },
	{ "GET", "/api/v1/users", users_list, USER_MANAGERS | ROLE_AUDITOR, users_query,
	  NULL, 0, 200, "users",
	  "The accounts: all of them for hq and auditors, a mission head's own mission's" },
	{ "POST", "/api/v1/users", user_post, USER_MANAGERS, NULL, user_body, 0, 201,
	  "users", "Add an account; a mission head adds officers and mission heads "
	  "of its own mission only (audited)" },
	{ "GET", "/api/v1/users/{id}", user_get_route, USER_MANAGERS | ROLE_AUDITOR,
	  NULL, NULL, 0, 200, "users", "One account (never its password)" },
	{ "PATCH", "/api/v1/users/{id}", user_patch, USER_MANAGERS, NULL,
	  user_patch_body, 0, 200, "users",
	  "Change an account's password, state, role or mission (audited)" },
	{ "DELETE", "/api/v1/users/{id}", user_delete, USER_MANAGERS, user_delete_query,
	  NULL, 0, 204, "users", "Disable or delete an account and end its sessions (audited)" },
	{ "GET", "/api/v1/audit", audit_list, ROLE_AUDITOR | ROLE_HQ, audit_query, NULL,
	  0, 200, "audit", "The audit log, newest first" },
	{ "GET", "/api/v1/audit/verify", audit_verify_route, ROLE_AUDITOR | ROLE_HQ,
	  NULL, NULL, 0, 200, "audit", "Check the audit log's hash chain" },
	{ NULL, NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL },
};
