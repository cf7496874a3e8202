/*
 * api.h: what every HTTP handler sees. The route table (api_routes.c) lists
 * each route once: method, path pattern, handler, the roles allowed, the
 * query parameters and the request body's fields. Dispatch, authorization,
 * input checking and the OpenAPI document (openapi.c) all come from that
 * table, so a handler starts with a signed-in principal of an allowed role,
 * a parsed, schema-checked body and known query parameters, and only does
 * its own work.
 *
 * Handlers run on the server's worker threads, several at once. Each
 * thread has its own database connection (req->db); the geo engine and
 * the server's settings are shared (req->srv) and thread-safe.
 *
 * A handler returns HW_OK after setting a response with api_reply_json()
 * (or api_reply_text()), or an error:
 *   - api_fail(): the status, error code, field and message of its choice;
 *   - a bare error code, with a message in req->err: HW_EINPUT -> 422,
 *     HW_ENOTFOUND -> 404, HW_ECONFLICT -> 409, anything else -> 500 (the
 *     message is logged, the client gets a generic one).
 * Every error reaches the client as
 *   {"error":{"code":"...","message":"...","field":"..."}}
 * A handler that writes does so in one transaction, and rolls it back on
 * any error, so nothing is partially written (see api_tx_begin).
 */
#ifndef HW_API_H
#define HW_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/role.h"
#include "core/strbuf.h"

struct db;
struct server;
struct MHD_Connection;

/* Types of query parameters and body fields, for checking and OpenAPI. */
enum api_type {
	API_STRING,
	API_INT,      /* a JSON integer; as a query parameter, a decimal one */
	API_NUMBER,
	API_BOOL,
	API_DATE,     /* a string "YYYY-MM-DD" */
	API_OBJECT,   /* any JSON object (a GeoJSON geometry...) */
	API_ARRAY,    /* a JSON array */
	API_STRINGS,  /* a JSON array of strings */
};

/* One query parameter or one body field. */
struct api_field {
	const char *name;
	enum api_type type;
	bool required;
	size_t max_len;           /* strings: the longest allowed, in bytes; 0: 200 */
	const char *description;
};

struct api_req;
typedef int (*api_handler)(struct api_req *r);

enum route_flags {
	ROUTE_NO_CSRF = 1,        /* an unsafe method that needs no CSRF token
				     (signing in, where there is no session yet) */
	ROUTE_RAW_BODY = 2,       /* the body is not a JSON object of fields:
				     any JSON value, checked by the handler */
	ROUTE_FORM = 4,           /* the body is an HTML form
				     (application/x-www-form-urlencoded, or
				     none): handed over raw in r->raw_body,
				     read with api_form_value() */
	ROUTE_OPEN_BODY = 8,      /* any content type, handed over raw (web
				     hooks of outside systems) */
};

struct route {
	const char *method;       /* "GET", "POST", "PATCH", "PUT", "DELETE" */
	const char *pattern;      /* "/api/v1/persons/{id}": {name} matches one
				     path segment */
	api_handler handler;
	unsigned roles;           /* ROLE_* bits allowed; ROLE_PUBLIC: anyone */
	const struct api_field *query; /* the query parameters, NULL-name terminated, or NULL */
	const struct api_field *body;  /* the body's fields, or NULL for no body */
	unsigned flags;
	int ok_status;            /* the status of success, for OpenAPI (200, 201, 204) */
	const char *tag;          /* OpenAPI tag: "persons" */
	const char *summary;      /* one line */
};

/*
 * The route table: every module's routes (api_routes.c lists the modules),
 * in one array built on first use. Thread-safe; the array lives as long as
 * the process. Each module defines `const struct route api_MODULE_routes[]`
 * ending with a row whose method is NULL.
 */
const struct route *api_route_table(size_t *n);

#define API_MAX_PARAMS 4

/* One request, from arrival to response; freed in one place (http.c). */
struct api_req {
	struct server *srv;
	struct db *db;                 /* this worker thread's connection */
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	const struct route *route;
	const char *params[API_MAX_PARAMS]; /* path {name} values, in order */
	char *param_buf;               /* owns the params' text */
	json_t *body;                  /* the parsed body, or NULL */
	const char *raw_body;          /* the body's bytes (NUL-terminated), or NULL */
	size_t raw_len;
	struct principal who;
	char address[64];              /* the client's address, for the audit log */
	bool tls;

	/* The response. */
	int status;
	struct strbuf out;
	const char *content_type;
	char *set_cookie;              /* a Set-Cookie header value, owned */
	char *extra_header_name, *extra_header_value; /* one more (Retry-After...), owned */

	/* An error, when the handler fails. */
	struct strbuf err;
	const char *err_code;          /* "invalid", "not_found"... */
	char err_field[64];
	bool failed;                   /* the error response is set */
	bool in_tx;                    /* api_tx_begin() was called */

	/* A response that waits for another thread (api_suspend), or that
	 * is produced while it is sent (api_reply_stream). */
	bool suspended;
	api_handler resume_fn;
	void *suspend_state;
	void (*suspend_state_free)(void *state);
	long (*stream_fn)(void *cls, char *buf, size_t max);
	void *stream_cls;
	void (*stream_free)(void *cls);
};

/* ---- Input ---- */

/* The raw value of query parameter `name`, or NULL. Borrowed from the
 * connection, valid until the response is sent. */
const char *api_query(struct api_req *r, const char *name);

/* The value of request header `name` (any case), or NULL. Borrowed, like
 * api_query's. */
const char *api_header(struct api_req *r, const char *name);

/* Path parameter `i` (0-based) as a positive id: HW_OK, or HW_ENOTFOUND
 * (after api_fail with 404) when it is not a number in 1..2^63-1. */
int api_param_id(struct api_req *r, int i, int64_t *id);

/* Query parameter `name` as an integer in [min, max], `def` when absent.
 * HW_EINPUT after api_fail(400) when it is not one. */
int api_query_int(struct api_req *r, const char *name, int64_t min,
		  int64_t max, int64_t def, int64_t *out);

/* The value of field `name` of an HTML form body (ROUTE_FORM), decoded
 * (+ and %XX), into `out`. false if the form has no such field. */
bool api_form_value(struct api_req *r, const char *name, struct strbuf *out);

/* Body field accessors, for fields the schema has checked: the value, or
 * NULL / the default when absent or null. */
const char *api_body_str(struct api_req *r, const char *name);
bool api_body_has(struct api_req *r, const char *name);

/* ---- Output ---- */

/* Send `json` (the reference is stolen) with `status`. Returns HW_OK. */
int api_reply_json(struct api_req *r, int status, json_t *json);
/* Send `text` with `status` and `content_type` (borrowed, static). */
int api_reply_text(struct api_req *r, int status, const char *content_type,
		   const char *text, size_t len);
/* 204 No Content. */
int api_reply_empty(struct api_req *r);

/*
 * Fail the request with `status`, error `code` ("invalid", "not_found"),
 * the `field` concerned (NULL if none) and a message. Returns the HW_E*
 * code that matches the status (HW_EINPUT for 4xx but 404/409, which give
 * HW_ENOTFOUND / HW_ECONFLICT; HW_EINTERNAL for 5xx) so that handlers can
 * `return api_fail(...)`. Rolls back a transaction begun by api_tx_begin.
 */
int api_fail(struct api_req *r, int status, const char *code,
	     const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * Fail the request with the error `rc` of a domain function (user.c,
 * mission.c...) whose message in `err` starts with the field's name and
 * ": " ("login: 'x' is taken"): HW_EINPUT is 422 and HW_ECONFLICT 409,
 * both naming the field; HW_ENOTFOUND 404. Anything else is an
 * operational failure: the message is kept for the log (the client gets
 * a 500) and `rc` comes back unchanged.
 */
int api_fail_from(struct api_req *r, int rc, const struct strbuf *err);

/* ---- Responses that wait ---- */

/*
 * Park the request until another thread has done its part (the check-in
 * committer writes a batch): the connection is taken out of
 * libmicrohttpd's loop, so the worker thread serves other connections
 * meanwhile. The handler calls this, hands its work over, and returns
 * HW_OK without a response. The other thread calls api_resume() when
 * done; then `done(r)` runs on a worker thread and sets the response (or
 * fails) as a handler would. `state` (may be NULL) is the handler's, read
 * by `done` through r->suspend_state, and freed with `state_free` when the
 * request ends, whether `done` ran or not (the client may have gone).
 * Call only from a handler, at most once.
 */
void api_suspend(struct api_req *r, api_handler done, void *state,
		 void (*state_free)(void *state));
/* Wake a request parked by api_suspend(). Thread-safe; call once, and do
 * not touch the request afterwards (it may be answered and freed). */
void api_resume(struct api_req *r);

/*
 * Answer with a body produced while it is sent (Server-Sent Events):
 * `fn(cls, buf, max)` is called on a worker thread whenever the socket has
 * room and returns the number of bytes it put in buf (1..max),
 * API_STREAM_END to end the body, or 0 after it has parked the connection
 * with api_conn_suspend() (returning 0 without that would spin).
 * `free_fn(cls)` runs when the response is done with. Returns HW_OK.
 */
#define API_STREAM_END (-1L)
int api_reply_stream(struct api_req *r, int status, const char *content_type,
		     long (*fn)(void *cls, char *buf, size_t max), void *cls,
		     void (*free_fn)(void *cls));
/* Park and wake a connection whose stream has nothing to send yet. A
 * wake must follow its park (serialise them with a lock of your own);
 * api_conn_resume is thread-safe. */
void api_conn_suspend(struct MHD_Connection *conn);
void api_conn_resume(struct MHD_Connection *conn);

/* ---- Writes ---- */

/*
 * Begin the request's write transaction. The dispatcher rolls it back if
 * the handler returns an error, and commits it if the handler returns
 * HW_OK without having committed (api_tx_commit). HW_EDB on failure.
 */
int api_tx_begin(struct api_req *r);
int api_tx_commit(struct api_req *r);

/* Append an audit entry for this request (actor, address filled in),
 * inside the transaction if one is open, else in one of its own. */
int api_audit(struct api_req *r, const char *action, const char *object,
	      const char *detail);

/* ---- Helpers for handlers ---- */


#endif
