/*
 * server.h: the HTTP server: what `homeward serve` starts. It owns the
 * shared state every request may use (the geo engine, settings, the
 * sign-in throttle, metrics) and runs libmicrohttpd with a pool of worker
 * threads, one database connection per worker.
 */
#ifndef HW_SERVER_H
#define HW_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "core/time.h"
#include "store/store.h"

struct geo;
struct db;
struct metrics;
struct throttle;
struct strbuf;
struct checkin;
struct outbox_server;

/* Every field left at 0 (NULL) takes its setting (settings.h): its
 * default, unless the process was configured otherwise. */
struct server_config {
	const char *db_path;
	const char *key_path;      /* NULL: next to the database */
	const char *listen;        /* "127.0.0.1:8080"; port 0 picks a free one */
	const char *tls_cert;      /* PEM files, both or neither */
	const char *tls_key;
	unsigned threads;          /* worker threads; 0: one per core */
	size_t max_body;           /* bytes; 0: 1 MiB */
	unsigned session_minutes;  /* a session's lifetime; 0: 480 */
	bool quiet;                /* no request log */
	const char *checkin_sync;  /* "full" or "normal": how durable a
				      check-in's commit is */
	const char *sms_secret;    /* inbound SMS must carry it */
};

struct server {
	struct server_config cfg;
	struct http_host http;     /* what the request layer reads (http.h) */
	struct geo *geo;           /* the registry's locations, shared */
	struct metrics *metrics;
	struct throttle *throttle;
	void *daemon;              /* struct MHD_Daemon */
	unsigned port;             /* the port actually bound */
	double started;            /* time_mono() at start */

	pthread_mutex_t dbs_lock;  /* guards the list of worker connections */
	struct db **dbs;
	size_t ndbs, adbs;
	char *tls_cert_pem, *tls_key_pem;
	struct checkin *checkin;   /* the check-in committer (checkin.h) */
	struct outbox_server *outbox; /* the dispatchers (outbox.h) */
};

/*
 * Open the database (checking it and its key), load the geo engine and
 * start listening. On failure returns the error code with a message in
 * `err` and leaves nothing running. The caller stops it with server_stop.
 */
int server_start(struct server *srv, const struct server_config *cfg,
		 struct strbuf *err);

/* Stop accepting, finish the requests in flight, free everything.
 * NULL-safe and idempotent on a zeroed or stopped server. */
void server_stop(struct server *srv);

/* The worker thread's own connection, opened on first use. NULL (with a
 * log line) if it cannot be opened. */
struct db *server_thread_db(struct server *srv);

/* The `homeward serve` command. */
int cmd_serve(int argc, char **argv);

#endif
