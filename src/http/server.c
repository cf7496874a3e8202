/*
 * server.c: `homeward serve`. Starts libmicrohttpd (epoll, a pool of
 * worker threads), loads the geo engine from the database once, and gives
 * every worker thread its own database connection on first use. The
 * requests themselves are http.c's business.
 */
#include "core/homeward.h"
#include "http/server.h"
#include "core/time.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <microhttpd.h>

#include "http/api.h"
#include "crisis/checkin.h"
#include "core/cli.h"
#include "core/settings.h"
#include "store/db.h"
#include "geo/geo.h"
#include "http/http.h"
#include "http/metrics.h"
#include "crisis/outbox.h"
#include "geo/refgeo.h"
#include "auth/session.h"
#include "store/store.h"
#include "core/strbuf.h"

/* Sign-in throttle: failures allowed per login and per address, and the
 * window over which they count. */
#define THROTTLE_PER_LOGIN 5
#define THROTTLE_PER_ADDRESS 50
#define THROTTLE_WINDOW_S 900

static __thread struct server *tls_srv;
static __thread struct db *tls_db;

static struct db *host_thread_db(struct http_host *h)
{
	return server_thread_db(h->app);
}

struct db *server_thread_db(struct server *srv)
{
	struct strbuf err = STRBUF_INIT;
	struct db *db;

	if (tls_srv == srv && tls_db)
		return tls_db;
	db = xcalloc(1, sizeof(*db));
	if (db_open(db, srv->cfg.db_path, srv->cfg.key_path, DB_KEYS, &err)) {
		fprintf(stderr, "homeward serve: cannot open a connection: %s\n", err.buf);
		strbuf_release(&err);
		free(db);
		return NULL;
	}
	pthread_mutex_lock(&srv->dbs_lock);
	if (srv->ndbs == srv->adbs) {
		srv->adbs = srv->adbs ? srv->adbs * 2 : 8;
		srv->dbs = xrealloc(srv->dbs, srv->adbs * sizeof(*srv->dbs));
	}
	srv->dbs[srv->ndbs++] = db;
	pthread_mutex_unlock(&srv->dbs_lock);
	tls_srv = srv;
	tls_db = db;
	return db;
}

/* "HOST:PORT" (IPv4) or "[HOST]:PORT" (IPv6) into a socket address. */
static int parse_listen(const char *s, struct sockaddr_storage *ss,
			socklen_t *len, struct strbuf *err)
{
	char host[64];
	const char *colon, *port;
	long p;
	char *end;

	memset(ss, 0, sizeof(*ss));
	if (!s || !*s) {
		strbuf_addstr(err, "listen: give ADDRESS:PORT (127.0.0.1:8080)");
		return HW_EINPUT;
	}
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof(host))
			goto bad;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		port = close + 2;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof(host))
			goto bad;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		port = colon + 1;
	}
	errno = 0;
	p = strtol(port, &end, 10);
	if (!*port || *end || errno || p < 0 || p > 65535)
		goto bad;
	if (s[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)p);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			goto bad;
		*len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)p);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			goto bad;
		*len = sizeof(*a);
	}
	return HW_OK;
bad:
	strbuf_addf(err, "cannot listen on '%s': give ADDRESS:PORT, e.g. "
		    "127.0.0.1:8080 or [::1]:8080", s);
	return HW_EINPUT;
}

static int read_pem(const char *path, char **out, struct strbuf *err)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;

	if (!f) {
		strbuf_addf(err, "cannot read '%s': %s", path, strerror(errno));
		return HW_EIO;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	if (!strstr(sb.buf, "-----BEGIN ")) {
		strbuf_addf(err, "'%s' is not a PEM file", path);
		strbuf_release(&sb);
		return HW_EINPUT;
	}
	*out = strbuf_detach(&sb, NULL);
	return HW_OK;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("homeward serve: ", stderr);
	vfprintf(stderr, fmt, ap);
}

int server_start(struct server *srv, const struct server_config *cfg,
		 struct strbuf *err)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct db db = { 0 };
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	const union MHD_DaemonInfo *info;
	int64_t purged;
	long cores;
	size_t nroutes;
	int rc;

	memset(srv, 0, sizeof(*srv));
	pthread_mutex_init(&srv->dbs_lock, NULL);
	srv->cfg = *cfg;
	/* What a caller leaves at 0 comes from the settings (their defaults,
	 * unless the process was configured otherwise). */
	if (!srv->cfg.listen)
		srv->cfg.listen = setting_str(SET_LISTEN);
	if (!srv->cfg.tls_cert && !srv->cfg.tls_key) {
		srv->cfg.tls_cert = setting_str(SET_TLS_CERT);
		srv->cfg.tls_key = setting_str(SET_TLS_KEY);
	}
	if (!srv->cfg.threads)
		srv->cfg.threads = (unsigned)setting_int(SET_THREADS);
	srv->cfg.quiet = srv->cfg.quiet || setting_bool(SET_QUIET);
	if (!srv->cfg.checkin_sync)
		srv->cfg.checkin_sync = setting_str(SET_CHECKIN_SYNC);
	if (!srv->cfg.sms_secret)
		srv->cfg.sms_secret = setting_str(SET_SMS_SECRET);
	if (!srv->cfg.max_body)
		srv->cfg.max_body = (size_t)setting_int(SET_MAX_BODY);
	if (!srv->cfg.session_minutes)
		srv->cfg.session_minutes = (unsigned)setting_int(SET_SESSION_MINUTES);
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (!srv->cfg.threads)
		srv->cfg.threads = cores > 0 ? (unsigned)cores : 2;
	if ((rc = parse_listen(srv->cfg.listen, &ss, &sslen, err)))
		goto fail;
	if (!!srv->cfg.tls_cert != !!srv->cfg.tls_key) {
		strbuf_addstr(err, "give both --tls-cert and --tls-key, or neither");
		rc = HW_EINPUT;
		goto fail;
	}
	if (srv->cfg.tls_cert) {
		if ((rc = read_pem(srv->cfg.tls_cert, &srv->tls_cert_pem, err)) ||
		    (rc = read_pem(srv->cfg.tls_key, &srv->tls_key_pem, err)))
			goto fail;
		flags |= MHD_USE_TLS;
	}
	if ((rc = refgeo_load(err)))
		goto fail;
	if ((rc = db_open(&db, srv->cfg.db_path, srv->cfg.key_path, DB_KEYS, err)))
		goto fail;
	session_purge(&db, &purged);
	srv->geo = geo_new();
	rc = geo_load(srv->geo, db.st, NULL, NULL, err);
	db_release(&db);
	if (rc)
		goto fail;
	api_route_table(&nroutes);
	srv->metrics = metrics_new(nroutes);
	srv->http = (struct http_host){
		.max_body = srv->cfg.max_body,
		.tls = srv->cfg.tls_cert != NULL,
		.quiet = srv->cfg.quiet,
		.metrics = srv->metrics,
		.thread_db = host_thread_db,
		.app = srv,
	};
	srv->throttle = throttle_new(THROTTLE_PER_LOGIN, THROTTLE_PER_ADDRESS,
				     THROTTLE_WINDOW_S);
	srv->started = time_mono();
	if ((rc = checkin_start(&srv->checkin, srv->cfg.db_path, srv->cfg.key_path,
				strcmp(srv->cfg.checkin_sync, "normal") ? STORE_SYNC_FULL
				: STORE_SYNC_NORMAL, err)))
		goto fail;
	if ((rc = outbox_start(&srv->outbox, srv->cfg.db_path, srv->cfg.key_path, err)))
		goto fail;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	{
		struct MHD_OptionItem opts[] = {
			{ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, NULL },
			{ MHD_OPTION_SOCK_ADDR, 0, &ss },
			{ MHD_OPTION_THREAD_POOL_SIZE,
			  srv->cfg.threads > 1 ? (intptr_t)srv->cfg.threads : 0, NULL },
			{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)http_completed, &srv->http },
			{ MHD_OPTION_CONNECTION_TIMEOUT, 60, NULL },
			/* Over TLS only: the certificate and key. */
			{ MHD_OPTION_HTTPS_MEM_CERT, 0, srv->tls_cert_pem },
			{ MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key_pem },
			{ MHD_OPTION_END, 0, NULL },
		};

		if (!srv->cfg.tls_cert)
			opts[5].option = MHD_OPTION_END;
		srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, http_access, &srv->http,
					       MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	}
	if (!srv->daemon) {
		strbuf_addf(err, "cannot listen on '%s' (in use, or the TLS "
			    "certificate and key do not load)", srv->cfg.listen);
		rc = HW_EIO;
		goto fail;
	}
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : 0;
	return HW_OK;
fail:
	server_stop(srv);
	return rc;
}

void server_stop(struct server *srv)
{
	if (!srv)
		return;
	/* Before the daemon: parked check-ins and streams must be answered
	 * while it still runs (it refuses to stop with parked connections). */
	checkin_stop(&srv->checkin);
	outbox_stop(srv->outbox);
	srv->outbox = NULL;
	if (srv->daemon)
		MHD_stop_daemon(srv->daemon);
	srv->daemon = NULL;
	for (size_t i = 0; i < srv->ndbs; i++) {
		db_release(srv->dbs[i]);
		free(srv->dbs[i]);
	}
	free(srv->dbs);
	srv->dbs = NULL;
	srv->ndbs = srv->adbs = 0;
	geo_free(srv->geo);
	srv->geo = NULL;
	metrics_free(srv->metrics);
	srv->metrics = NULL;
	throttle_free(srv->throttle);
	srv->throttle = NULL;
	free(srv->tls_cert_pem);
	free(srv->tls_key_pem);
	srv->tls_cert_pem = srv->tls_key_pem = NULL;
}

int cmd_serve(int argc, char **argv)
{
	const char *dbflag = NULL, *keyflag = NULL;
	const struct opt opts[] = {
		OPT_DB(&dbflag),
		OPT_KEY(&keyflag),
		OPT_END,
	};
	struct server_config cfg = { 0 };
	struct server srv;
	struct strbuf err = STRBUF_INIT;
	sigset_t set;
	int rc, sig;

	/* Everything else is a setting (settings.h): flags, file, environment. */
	if ((rc = opt_parse_only(opts, argc, argv)))
		return rc;
	cfg.db_path = cli_db_path(dbflag);
	cfg.key_path = keyflag;

	/* The worker threads inherit this mask, so the signals come here. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	rc = server_start(&srv, &cfg, &err);
	if (rc) {
		cli_error(argv[0], "%s", err.buf);
		strbuf_release(&err);
		return rc;
	}
	printf("homeward serve: listening on %s://%.*s:%u/ (%zu locations indexed, "
	       "%u threads)\n", srv.cfg.tls_cert ? "https" : "http",
	       (int)(strrchr(srv.cfg.listen, ':') - srv.cfg.listen), srv.cfg.listen,
	       srv.port, geo_points(srv.geo), srv.cfg.threads);
	fflush(stdout);
	sigwait(&set, &sig);
	printf("homeward serve: stopping (signal %d)\n", sig);
	fflush(stdout);
	server_stop(&srv);
	strbuf_release(&err);
	return HW_OK;
}
