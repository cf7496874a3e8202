/*
 * http.c: one request's life in the server, from libmicrohttpd's callback
 * to the response: read the body (within the size limit), match the
 * route, find who is asking, check the role, the CSRF token, the query
 * parameters and the body against the route table, run the handler inside
 * its transaction, and send the response with the security headers every
 * response carries. Also the helpers of api.h that handlers call.
 *
 * Everything a request owns hangs off its struct api_req and is freed in
 * one place, req_free(), when libmicrohttpd says the request is complete.
 */
#include "core/homeward.h"
#include "http/http.h"
#include "store/record.h"
#include "core/time.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <microhttpd.h>
#include <sodium.h>

#include "http/api.h"
#include "auth/audit.h"
#include "core/cli.h"
#include "store/db.h"
#include "http/metrics.h"
#include "http/route.h"
#include "auth/session.h"
#include "store/store.h"

#define SESSION_COOKIE "hw_session"

/* What one request carries between libmicrohttpd's calls. */
struct http_call {
	struct api_req req;
	struct http_host *host;
	struct strbuf body;
	double start;
	size_t route_index;
	size_t received;               /* body bytes seen, kept or not */
	bool too_large;
	bool responded;
};

/* ---- Input helpers ---- */

const char *api_query(struct api_req *r, const char *name)
{
	if (!r->conn)
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *api_header(struct api_req *r, const char *name)
{
	if (!r->conn)
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static bool parse_int64(const char *s, int64_t *out)
{
	int64_t v = 0;
	bool neg = false;

	if (*s == '-') {
		neg = true;
		s++;
	}
	if (!*s || strlen(s) > 18)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = neg ? -v : v;
	return true;
}

int api_param_id(struct api_req *r, int i, int64_t *id)
{
	const char *s = i >= 0 && i < API_MAX_PARAMS ? r->params[i] : NULL;

	if (!s || !parse_int64(s, id) || *id <= 0)
		return api_fail(r, 404, "not_found", NULL, "no such %s",
				r->route && r->route->tag ? r->route->tag : "object");
	return HW_OK;
}

int api_query_int(struct api_req *r, const char *name, int64_t min,
		  int64_t max, int64_t def, int64_t *out)
{
	const char *s = api_query(r, name);

	if (!s) {
		*out = def;
		return HW_OK;
	}
	if (!parse_int64(s, out) || *out < min || *out > max)
		return api_fail(r, 400, "invalid", name,
				"query parameter '%s' must be an integer from %lld to %lld",
				name, (long long)min, (long long)max);
	return HW_OK;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool api_form_value(struct api_req *r, const char *name, struct strbuf *out)
{
	const char *p = r->raw_body, *end = p ? p + r->raw_len : NULL;
	size_t nlen = strlen(name);

	strbuf_reset(out);
	while (p && p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		if (eq && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0) {
			for (const char *q = eq + 1; q < stop; q++) {
				if (*q == '+') {
					strbuf_addch(out, ' ');
				} else if (*q == '%' && stop - q >= 3 &&
					   hexval(q[1]) >= 0 && hexval(q[2]) >= 0) {
					strbuf_addch(out, hexval(q[1]) * 16 + hexval(q[2]));
					q += 2;
				} else {
					strbuf_addch(out, *q);
				}
			}
			return true;
		}
		p = amp ? amp + 1 : end;
	}
	return false;
}

const char *api_body_str(struct api_req *r, const char *name)
{
	json_t *v = r->body ? json_object_get(r->body, name) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

bool api_body_has(struct api_req *r, const char *name)
{
	return r->body && json_object_get(r->body, name) != NULL;
}

/* ---- Output helpers ---- */

int api_reply_json(struct api_req *r, int status, json_t *json)
{
	char *text = json_dumps(json, JSON_COMPACT | JSON_ENSURE_ASCII |
				 JSON_REAL_PRECISION(15));

	json_decref(json);
	strbuf_reset(&r->out);
	if (text) {
		strbuf_addstr(&r->out, text);
		free(text);
	}
	strbuf_addch(&r->out, '\n');
	r->status = status;
	r->content_type = "application/json";
	return HW_OK;
}

int api_reply_text(struct api_req *r, int status, const char *content_type,
		   const char *text, size_t len)
{
	strbuf_reset(&r->out);
	strbuf_add(&r->out, text, len);
	r->status = status;
	r->content_type = content_type;
	return HW_OK;
}

int api_reply_empty(struct api_req *r)
{
	strbuf_reset(&r->out);
	r->status = 204;
	r->content_type = NULL;
	return HW_OK;
}

void api_suspend(struct api_req *r, api_handler done, void *state,
		 void (*state_free)(void *state))
{
	r->suspended = true;
	r->resume_fn = done;
	r->suspend_state = state;
	r->suspend_state_free = state_free;
	MHD_suspend_connection(r->conn);
}

void api_resume(struct api_req *r)
{
	MHD_resume_connection(r->conn);
}

int api_reply_stream(struct api_req *r, int status, const char *content_type,
		     long (*fn)(void *cls, char *buf, size_t max), void *cls,
		     void (*free_fn)(void *cls))
{
	strbuf_reset(&r->out);
	r->status = status;
	r->content_type = content_type;
	r->stream_fn = fn;
	r->stream_cls = cls;
	r->stream_free = free_fn;
	return HW_OK;
}

void api_conn_suspend(struct MHD_Connection *conn)
{
	MHD_suspend_connection(conn);
}

void api_conn_resume(struct MHD_Connection *conn)
{
	MHD_resume_connection(conn);
}

static void tx_rollback(struct api_req *r)
{
	if (r->in_tx) {
		store_rollback(r->db->st);
		r->in_tx = false;
	}
}

int api_fail(struct api_req *r, int status, const char *code,
	     const char *field, const char *fmt, ...)
{
	va_list ap;

	tx_rollback(r);
	strbuf_reset(&r->err);
	va_start(ap, fmt);
	strbuf_vaddf(&r->err, fmt, ap);
	va_end(ap);
	r->status = status;
	r->err_code = code;
	snprintf(r->err_field, sizeof(r->err_field), "%s", field ? field : "");
	r->failed = true;
	if (status == 404)
		return HW_ENOTFOUND;
	if (status == 409)
		return HW_ECONFLICT;
	if (status >= 500)
		return HW_EINTERNAL;
	return HW_EINPUT;
}

/* The responses of the error codes a client can be told about; every
 * other code is an operational failure (500, the message only logged). */
static const struct {
	int rc;
	int status;
	const char *code;
	const char *fallback;
} client_errors[] = {
	{ HW_EINPUT, 422, "invalid", "invalid request" },
	{ HW_EFORBIDDEN, 403, "forbidden", "not allowed" },
	{ HW_ENOTFOUND, 404, "not_found", "not found" },
	{ HW_ECONFLICT, 409, "conflict", "conflict" },
};

int api_fail_from(struct api_req *r, int rc, const struct strbuf *err)
{
	size_t i = 0;
	const char *msg;
	char field[64] = "";
	char *copy;
	size_t n;

	while (i < ARRAY_SIZE(client_errors) && client_errors[i].rc != rc)
		i++;
	if (i == ARRAY_SIZE(client_errors)) {
		if (err != &r->err)
			strbuf_addbuf(&r->err, err);
		return rc;
	}
	msg = err->len ? err->buf : client_errors[i].fallback;
	/* The field: named by whoever set it, else the message's "name: ". */
	n = strspn(msg, "abcdefghijklmnopqrstuvwxyz_");
	if (r->err_field[0])
		snprintf(field, sizeof(field), "%s", r->err_field);
	else if (n && n < sizeof(field) && msg[n] == ':' && msg[n + 1] == ' ') {
		memcpy(field, msg, n);
		field[n] = '\0';
	}
	/* api_fail() rewrites r->err, which `err` may be. */
	copy = xstrdup(msg);
	rc = api_fail(r, client_errors[i].status, client_errors[i].code,
		      field[0] ? field : NULL, "%s", copy);
	free(copy);
	return rc;
}

int api_tx_begin(struct api_req *r)
{
	int rc;

	if (r->in_tx)
		return HW_OK;
	rc = store_begin(r->db->st);
	if (rc) {
		strbuf_addf(&r->err, "cannot begin a transaction: %s",
			    store_errmsg(r->db->st));
		return rc;
	}
	r->in_tx = true;
	return HW_OK;
}

int api_tx_commit(struct api_req *r)
{
	int rc;

	if (!r->in_tx)
		return HW_OK;
	rc = store_commit(r->db->st);
	if (rc) {
		strbuf_addf(&r->err, "cannot commit: %s", store_errmsg(r->db->st));
		tx_rollback(r);
		return rc;
	}
	r->in_tx = false;
	return HW_OK;
}

int api_audit(struct api_req *r, const char *action, const char *object,
	      const char *detail)
{
	const char *addr = r->address[0] ? r->address : NULL;

	if (r->in_tx)
		return audit_append(r->db->st, r->who.actor, action, object,
				    detail, addr, &r->err);
	return audit_append_tx(r->db->st, r->who.actor, action, object, detail,
			       addr, &r->err);
}

/* ---- The request ---- */

static void set_error_body(struct api_req *r)
{
	json_t *e = json_object(), *o = json_object();

	json_object_set_new(e, "code", json_string(r->err_code ? r->err_code : "error"));
	json_object_set_new(e, "message", json_string(r->err.len ? r->err.buf : "error"));
	json_object_set_new(e, "field", r->err_field[0] ? json_string(r->err_field)
							: json_null());
	json_object_set_new(o, "error", e);
	api_reply_json(r, r->status, o);
}

/* A handler's bare error code, turned into a response. */
static void map_error(struct api_req *r, int rc)
{
	(void)api_fail_from(r, rc, &r->err);
	if (!r->failed) {
		fprintf(stderr, "homeward serve: %s %s failed (%s): %s\n", r->method,
			r->path, hw_strerror(rc), r->err.buf);
		api_fail(r, 500, "internal", NULL,
			 "the server failed; the error is in its log");
	}
}

static void client_address(struct api_req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	r->address[0] = '\0';
	if (!sa)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  r->address, sizeof(r->address));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
			  r->address, sizeof(r->address));
}

/* The session token of the request: a Bearer header, else the cookie. */
static const char *request_token(struct api_req *r, bool *via_cookie)
{
	const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);

	*via_cookie = false;
	if (h && strncasecmp(h, "Bearer ", 7) == 0) {
		h += 7;
		while (*h == ' ')
			h++;
		return h;
	}
	h = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	if (h)
		*via_cookie = true;
	return h;
}

static bool is_safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

/* Who is asking, whether they may, and the CSRF check. */
static int authenticate(struct api_req *r)
{
	char csrf[SESSION_TOKEN_LEN + 1];
	bool via_cookie;
	const char *token = request_token(r, &via_cookie);
	const struct route *rt = r->route;
	int rc;

	snprintf(r->who.actor, sizeof(r->who.actor), "anonymous");
	if (token) {
		rc = session_lookup(r->db, token, &r->who, csrf);
		if (rc == HW_OK) {
			r->who.via_cookie = via_cookie;
		} else if (rc != HW_ENOTFOUND) {
			return rc;
		} else {
			memset(&r->who, 0, sizeof(r->who));
			snprintf(r->who.actor, sizeof(r->who.actor), "anonymous");
			if (!(rt->roles & ROLE_PUBLIC))
				return api_fail(r, 401, "unauthorized", NULL,
						"the session has expired or is not valid; sign in again");
		}
	}
	if (rt->roles & ROLE_PUBLIC)
		return HW_OK;
	if (!r->who.user_id)
		return api_fail(r, 401, "unauthorized", NULL,
				"sign in first (POST /api/v1/session)");
	if (!(rt->roles & r->who.role))
		return api_fail(r, 403, "forbidden", NULL,
				"the role '%s' may not %s %s", role_name(r->who.role),
				rt->method, rt->pattern);
	if (r->who.via_cookie && !is_safe_method(r->method) &&
	    !(rt->flags & ROUTE_NO_CSRF)) {
		const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
							    "X-CSRF-Token");
		if (!h || strlen(h) != SESSION_TOKEN_LEN ||
		    sodium_memcmp(h, csrf, SESSION_TOKEN_LEN) != 0)
			return api_fail(r, 403, "csrf", NULL,
					"the X-CSRF-Token header is missing or wrong");
	}
	return HW_OK;
}

struct query_check {
	struct api_req *r;
	int rc;
};

static enum MHD_Result check_one_arg(void *cls, enum MHD_ValueKind kind,
				     const char *key, const char *value)
{
	struct query_check *qc = cls;
	const struct api_field *f;

	(void)kind;
	(void)value;
	f = route_field(qc->r->route->query, key);
	if (!f) {
		qc->rc = api_fail(qc->r, 400, "unknown_parameter", key,
				  "unknown query parameter '%.64s'", key);
		return MHD_NO;
	}
	if (value && strlen(value) > (f->max_len ? f->max_len : 200)) {
		qc->rc = api_fail(qc->r, 400, "invalid", key,
				  "query parameter '%s' is too long", key);
		return MHD_NO;
	}
	return MHD_YES;
}

static int check_query(struct api_req *r)
{
	struct query_check qc = { r, HW_OK };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_one_arg, &qc);
	if (qc.rc)
		return qc.rc;
	for (const struct api_field *f = r->route->query; f && f->name; f++)
		if (f->required && !api_query(r, f->name))
			return api_fail(r, 400, "missing", f->name,
					"query parameter '%s' is required", f->name);
	return HW_OK;
}

static int decode_body(struct http_call *c)
{
	struct api_req *r = &c->req;
	const struct route *rt = r->route;
	const char *ct;
	json_error_t je;
	int rc;

	if (c->body.len) {
		r->raw_body = c->body.buf;
		r->raw_len = c->body.len;
	}
	if (rt->flags & ROUTE_OPEN_BODY)
		return HW_OK;
	if (rt->flags & ROUTE_FORM) {
		ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_TYPE);
		if (c->body.len && (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0))
			return api_fail(r, 415, "unsupported_media_type", NULL,
					"the request body must be application/x-www-form-urlencoded");
		return HW_OK;
	}
	if (!rt->body && !(rt->flags & ROUTE_RAW_BODY)) {
		if (c->body.len)
			return api_fail(r, 400, "unexpected_body", NULL,
					"%s %s takes no request body", rt->method, rt->pattern);
		return HW_OK;
	}
	if (!c->body.len)
		return api_fail(r, 400, "missing_body", NULL,
				"%s %s needs a JSON request body", rt->method, rt->pattern);
	ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] && ct[16] != ';' && ct[16] != ' '))
		return api_fail(r, 415, "unsupported_media_type", NULL,
				"the request body must be application/json");
	r->body = json_loadb(c->body.buf, c->body.len,
			     JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!r->body)
		return api_fail(r, 400, "bad_json", NULL,
				"the body is not valid JSON: line %d, column %d: %s",
				je.line, je.column, je.text);
	if (rt->flags & ROUTE_RAW_BODY)
		return HW_OK;
	rc = route_check_body(r->body, rt->body, &r->err, r->err_field,
			      sizeof(r->err_field));
	if (rc) {
		char msg[512], field[64];
		snprintf(msg, sizeof(msg), "%s", r->err.buf);
		snprintf(field, sizeof(field), "%s", r->err_field);
		return api_fail(r, 422, strncmp(msg, "unknown field", 13) == 0
				? "unknown_field" : "invalid",
				field[0] ? field : NULL, "%s", msg);
	}
	return HW_OK;
}

/* Route, check and run the request; r->status and r->out get the answer. */
static void process(struct http_call *c)
{
	struct api_req *r = &c->req;
	int rc;

	size_t nroutes;
	const struct route *routes = api_route_table(&nroutes);

	rc = route_match(routes, nroutes, r->method, r->path,
			 &r->route, &c->route_index, r->params, &r->param_buf);
	if (rc == HW_ENOTFOUND) {
		api_fail(r, 404, "not_found", NULL, "no such resource '%.200s'", r->path);
		return;
	}
	if (rc) {
		api_fail(r, 405, "method_not_allowed", NULL,
			 "%s is not allowed on '%.200s'", r->method, r->path);
		return;
	}
	r->db = c->host->thread_db(c->host);
	if (!r->db) {
		api_fail(r, 503, "unavailable", NULL, "the database cannot be opened");
		return;
	}
	if (c->too_large) {
		api_fail(r, 413, "too_large", NULL,
			 "the request body is larger than %zu bytes", c->host->max_body);
		return;
	}
	if ((rc = authenticate(r)) || (rc = check_query(r)) || (rc = decode_body(c)))
		goto out;
	rc = r->route->handler(r);
	if (rc == HW_OK && r->in_tx)
		rc = api_tx_commit(r);
out:
	if (rc && !r->failed)
		map_error(r, rc);
	tx_rollback(r);
}

/* A request parked by api_suspend() is awake again: its `done` answers. */
static void process_resumed(struct http_call *c)
{
	struct api_req *r = &c->req;
	int rc;

	r->suspended = false;
	rc = r->resume_fn(r);
	if (rc == HW_OK && r->in_tx)
		rc = api_tx_commit(r);
	if (rc && !r->failed)
		map_error(r, rc);
	tx_rollback(r);
}

/* What api_reply_stream() hands to libmicrohttpd. */
struct stream {
	long (*fn)(void *cls, char *buf, size_t max);
	void *cls;
	void (*free_fn)(void *cls);
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *sm = cls;
	long n = sm->fn(sm->cls, buf, max);

	(void)pos;
	return n == API_STREAM_END ? MHD_CONTENT_READER_END_OF_STREAM : (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct stream *sm = cls;

	if (sm->free_fn)
		sm->free_fn(sm->cls);
	free(sm);
}

static void add_security_headers(struct api_req *r, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; object-src 'none'; "
				"base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (r->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security",
					"max-age=31536000");
}

static enum MHD_Result respond(struct http_call *c)
{
	struct api_req *r = &c->req;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->failed)
		set_error_body(r);
	if (!r->status)
		map_error(r, HW_EINTERNAL), set_error_body(r);
	if (r->stream_fn && !r->failed) {
		struct stream *sm = xcalloc(1, sizeof(*sm));

		sm->fn = r->stream_fn;
		sm->cls = r->stream_cls;
		sm->free_fn = r->stream_free;
		r->stream_fn = NULL;
		r->stream_free = NULL;
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
							 stream_read, sm, stream_free);
		if (!resp) {
			stream_free(sm);
			return MHD_NO;
		}
	} else {
		resp = MHD_create_response_from_buffer(r->out.len, r->out.buf,
						       MHD_RESPMEM_MUST_COPY);
	}
	if (!resp)
		return MHD_NO;
	add_security_headers(r, resp);
	if (r->content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
	if (r->set_cookie)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
	if (r->extra_header_name)
		MHD_add_response_header(resp, r->extra_header_name, r->extra_header_value);
	if (r->status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"homeward\"");
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	c->responded = true;
	return ret;
}

static void req_free(struct http_call *c)
{
	struct api_req *r;

	if (!c)
		return;
	r = &c->req;
	if (r->suspend_state_free)
		r->suspend_state_free(r->suspend_state);
	if (r->stream_free)
		r->stream_free(r->stream_cls);
	json_decref(r->body);
	free(r->param_buf);
	free(r->set_cookie);
	free(r->extra_header_name);
	free(r->extra_header_value);
	strbuf_release(&r->out);
	strbuf_release(&r->err);
	strbuf_release(&c->body);
	free(c);
}

enum MHD_Result http_access(void *cls, struct MHD_Connection *conn,
			    const char *url, const char *method,
			    const char *version, const char *upload_data,
			    size_t *upload_data_size, void **req_cls)
{
	struct http_host *host = cls;
	struct http_call *c = *req_cls;

	(void)version;
	if (!c) {
		const char *cl;
		c = xcalloc(1, sizeof(*c));
		c->start = time_mono();
		c->route_index = (size_t)-1;
		c->host = host;
		c->req.srv = host->app;
		c->req.conn = conn;
		c->req.method = method;
		c->req.path = url;
		c->req.tls = host->tls;
		strbuf_init(&c->req.out, 0);
		strbuf_init(&c->req.err, 0);
		strbuf_init(&c->body, 0);
		client_address(&c->req);
		*req_cls = c;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > host->max_body) {
			/* Refuse before reading a byte of it. */
			c->too_large = true;
			process(c);
			return respond(c);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		c->received += *upload_data_size;
		if (!c->too_large &&
		    c->body.len + *upload_data_size > host->max_body) {
			c->too_large = true;
			strbuf_release(&c->body);
		}
		if (!c->too_large)
			strbuf_add(&c->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		/* A body of unannounced length that runs past the limit is
		 * read to its end so that the client gets its 413, but only
		 * so far: beyond a few times the limit the connection is
		 * dropped (libmicrohttpd cannot answer in the middle of an
		 * upload). */
		if (c->too_large && c->received > 4 * host->max_body + (1 << 20))
			return MHD_NO;
		return MHD_YES;
	}
	if (c->responded)
		return MHD_YES;
	if (c->req.suspended) {
		process_resumed(c);
		return respond(c);
	}
	process(c);
	if (c->req.suspended)
		return MHD_YES;
	return respond(c);
}

void http_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct http_host *host = cls;
	struct http_call *c = *req_cls;

	(void)conn;
	(void)toe;
	if (!c)
		return;
	metrics_observe(host->metrics, c->route_index,
			c->req.status ? c->req.status : 500, time_mono() - c->start);
	if (!host->quiet)
		fprintf(stderr, "%s %s %s %d %.1fms\n", c->req.address,
			c->req.method, c->req.path, c->req.status,
			(time_mono() - c->start) * 1e3);
	req_free(c);
	*req_cls = NULL;
}
