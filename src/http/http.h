/*
 * http.h: libmicrohttpd's callbacks, which turn its calls into requests
 * for the route table (see api.h for what handlers see). Their `cls` is
 * a struct http_host: what the request layer needs of the server that
 * runs it, so that it does not depend on the server (server.h), which is
 * built on it.
 */
#ifndef HW_HTTP_H
#define HW_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

struct db;
struct metrics;
struct server;

struct http_host {
	size_t max_body;           /* bytes a request body may have */
	bool tls;                  /* served over TLS (cookies get Secure) */
	bool quiet;                /* no request log on stderr */
	struct metrics *metrics;   /* requests are counted here */
	/* The calling worker thread's database connection, or NULL (logged)
	 * when it cannot be opened. Thread-safe. */
	struct db *(*thread_db)(struct http_host *h);
	struct server *app;        /* handed to handlers as r->srv, untouched */
};

enum MHD_Result http_access(void *cls, struct MHD_Connection *conn,
			    const char *url, const char *method,
			    const char *version, const char *upload_data,
			    size_t *upload_data_size, void **req_cls);

void http_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
		    enum MHD_RequestTerminationCode toe);

#endif
