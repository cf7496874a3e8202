/*
 * api_core.c: the routes every deployment needs before any data: health,
 * metrics, the OpenAPI document, and signing in and out.
 */
#include "core/homeward.h"

#include <string.h>

#include <sodium.h>

#include "http/api.h"
#include "store/record.h"
#include "core/time.h"
#include "core/cli.h"
#include "store/db.h"
#include "geo/geo.h"
#include "http/metrics.h"
#include "http/openapi.h"
#include "http/server.h"
#include "auth/session.h"
#include "store/store.h"
#include "auth/user.h"

#define SESSION_COOKIE "hw_session"

static int healthz(struct api_req *r)
{
	struct store_stmt *s;
	int rc = store_prepare(r->db->st, "SELECT 1", &s);

	if (rc == HW_OK) {
		rc = store_step(s) == STORE_ROW ? HW_OK : HW_EDB;
		store_reset(s);
	}
	if (rc)
		return api_fail(r, 503, "unavailable", NULL, "the database does not answer");
	return api_reply_json(r, 200, json_pack("{s:s, s:I, s:f}", "status", "ok",
				"locations", (json_int_t)geo_points(r->srv->geo),
				"uptime_s", time_mono() - r->srv->started));
}

static int count_rows(struct api_req *r, const char *sql, int64_t *n)
{
	struct store_stmt *s;
	int rc = store_prepare(r->db->st, sql, &s);

	if (rc)
		return rc;
	rc = store_step(s);
	*n = rc == STORE_ROW ? store_col_int64(s, 0) : 0;
	store_reset(s);
	return rc == STORE_ROW ? HW_OK : HW_EDB;
}

static int metrics(struct api_req *r)
{
	struct strbuf out = STRBUF_INIT;
	size_t n;
	const struct route *routes = api_route_table(&n);
	int64_t persons = 0, presences = 0;
	int rc;

	if ((rc = count_rows(r, "SELECT count(*) FROM person", &persons)) ||
	    (rc = count_rows(r, "SELECT count(*) FROM presence", &presences))) {
		strbuf_release(&out);
		strbuf_addf(&r->err, "cannot count: %s", store_errmsg(r->db->st));
		return rc;
	}
	metrics_render(r->srv->metrics, routes, n, &out);
	strbuf_addf(&out,
		    "# HELP homeward_registrants Persons in the registry.\n"
		    "# TYPE homeward_registrants gauge\n"
		    "homeward_registrants %lld\n"
		    "# HELP homeward_presences Presences (stays) in the registry.\n"
		    "# TYPE homeward_presences gauge\n"
		    "homeward_presences %lld\n"
		    "# HELP homeward_geo_index_points Locations in the geo index.\n"
		    "# TYPE homeward_geo_index_points gauge\n"
		    "homeward_geo_index_points %zu\n"
		    "# HELP homeward_geo_index_bytes Memory held by the geo index.\n"
		    "# TYPE homeward_geo_index_bytes gauge\n"
		    "homeward_geo_index_bytes %zu\n"
		    "# HELP homeward_uptime_seconds Seconds since the server started.\n"
		    "# TYPE homeward_uptime_seconds gauge\n"
		    "homeward_uptime_seconds %.0f\n",
		    (long long)persons, (long long)presences, geo_points(r->srv->geo),
		    geo_bytes(r->srv->geo), time_mono() - r->srv->started);
	api_reply_text(r, 200, "text/plain; version=0.0.4; charset=utf-8",
		       out.buf, out.len);
	strbuf_release(&out);
	return HW_OK;
}

static int openapi(struct api_req *r)
{
	return api_reply_json(r, 200, openapi_document());
}

/* The signed-in user as the API shows it. */
static const struct rec_field whoami_fields[] = {
	{ "id", REC_INT }, { "login", REC_TEXT }, { "role", REC_TEXT },
	{ "mission", REC_TEXT }, { "person_id", REC_INT }, { NULL, 0 },
};

static void fill_whoami(struct store_stmt *s, void *out)
{
	*(json_t **)out = record_json(s, whoami_fields);
}

static json_t *whoami(struct api_req *r, int64_t user_id)
{
	json_t *u = NULL;

	store_read_row(r->db->st, fill_whoami, &u, "SELECT u.id, u.login, u.role, "
		       "m.code, u.person_id FROM app_user u LEFT JOIN mission m ON "
		       "m.id = u.mission_id WHERE u.id = ?", "read the user", NULL,
		       "i", user_id);
	return u;
}

static int session_get(struct api_req *r)
{
	json_t *u = whoami(r, r->who.user_id);

	if (!u)
		return HW_EDB;
	return api_reply_json(r, 200, json_pack("{s:o}", "user", u));
}

static int session_post(struct api_req *r)
{
	const char *login = api_body_str(r, "login");
	const char *password = api_body_str(r, "password");
	char token[SESSION_TOKEN_LEN + 1], csrf[SESSION_TOKEN_LEN + 1];
	char cookie[160];
	unsigned wait = throttle_check(r->srv->throttle, login, r->address);
	int64_t user_id, session_id;
	json_t *u;
	int rc;

	if (wait) {
		char secs[16];
		snprintf(secs, sizeof(secs), "%u", wait);
		r->extra_header_name = xstrdup("Retry-After");
		r->extra_header_value = xstrdup(secs);
		return api_fail(r, 429, "rate_limited", NULL,
				"too many failed sign-ins; try again in %u seconds", wait);
	}
	rc = user_check_password(r->db->st, login, password, &user_id);
	if (rc == HW_ENOTFOUND) {
		throttle_failed(r->srv->throttle, login, r->address);
		if ((rc = api_audit(r, "sign-in-failed", login, NULL)))
			return rc;
		return api_fail(r, 401, "unauthorized", NULL,
				"the login or the password is wrong");
	}
	if (rc)
		return rc;
	throttle_succeeded(r->srv->throttle, login);
	snprintf(r->who.actor, sizeof(r->who.actor), "user:%s", login);
	if ((rc = api_tx_begin(r)) ||
	    (rc = session_create(r->db, user_id, r->address,
				 r->srv->cfg.session_minutes, token, csrf,
				 &session_id, &r->err)) ||
	    (rc = api_audit(r, "sign-in", login, NULL)) ||
	    (rc = api_tx_commit(r)))
		return rc;
	u = whoami(r, user_id);
	if (!u)
		return HW_EDB;
	snprintf(cookie, sizeof(cookie),
		 SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%u%s",
		 token, r->srv->cfg.session_minutes * 60, r->tls ? "; Secure" : "");
	r->set_cookie = xstrdup(cookie);
	rc = api_reply_json(r, 201, json_pack("{s:s, s:s, s:i, s:o}", "token", token,
				"csrf", csrf, "expires_in",
				(int)r->srv->cfg.session_minutes * 60, "user", u));
	sodium_memzero(token, sizeof(token));
	return rc;
}

static int session_delete_route(struct api_req *r)
{
	int rc;

	if ((rc = api_tx_begin(r)))
		return rc;
	if ((rc = session_delete(r->db, r->who.session_id))) {
		strbuf_addf(&r->err, "cannot sign out: %s", store_errmsg(r->db->st));
		return rc;
	}
	if ((rc = api_audit(r, "sign-out", r->who.login, NULL)))
		return rc;
	r->set_cookie = xstrdup(SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	return api_reply_empty(r);
}

static const struct api_field session_body[] = {
	{ "login", API_STRING, true, 64, "The user's login" },
	{ "password", API_STRING, true, 1024, "The user's password" },
	{ NULL, 0, false, 0, NULL },
};

const struct route api_core_routes[] = {
	{ "GET", "/healthz", healthz, ROLE_PUBLIC, NULL, NULL, 0, 200, "operations",
	  "Whether the server and its database answer" },
	{ "GET", "/metrics", metrics, ROLE_PUBLIC, NULL, NULL, 0, 200, "operations",
	  "Prometheus metrics: requests by route and status, latency, registrants, index size" },
	{ "GET", "/api/openapi.json", openapi, ROLE_PUBLIC, NULL, NULL, 0, 200, "operations",
	  "This API's OpenAPI 3.1 document" },
	{ "POST", "/api/v1/session", session_post, ROLE_PUBLIC, NULL, session_body,
	  ROUTE_NO_CSRF, 201, "session",
	  "Sign in: returns a token (and sets the session cookie) and a CSRF token" },
	{ "GET", "/api/v1/session", session_get, ROLES_ANY, NULL, NULL, 0, 200, "session",
	  "Who is signed in" },
	{ "DELETE", "/api/v1/session", session_delete_route, ROLES_ANY, NULL, NULL, 0,
	  204, "session", "Sign out: ends the session" },
	{ NULL, NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL },
};
