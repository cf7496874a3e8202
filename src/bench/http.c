/*
 * bench_http.c: `homeward bench http`, the HTTP server under load, measured
 * against nginx serving a file: the fastest answer a web server can give.
 *
 * One run builds a scratch registry (bench_populate), adds a mission and an
 * hq user, starts the server inside this process on a free loopback port
 * with no request log (server_start), signs in over HTTP as a client does,
 * and drives it with wrk: first single persons by random existing id, then
 * counts of who is within circles around real cities. Then nginx, started
 * here as a child with a generated configuration, serves a copy of a
 * person's answer as a static file to the same wrk settings. The figures
 * that matter are the ratios to nginx, which survive a noisy, shared
 * machine better than absolute rates.
 *
 * wrk's Lua scripts are written into the scratch directory; their done()
 * hook prints one line that this file parses. A run with an error status or
 * a socket error fails the bench, naming the run: a fast wrong answer is no
 * answer. The children run in process groups of their own and die with this
 * process; an interruption stops them and removes the scratch directory.
 * The machinery for children, nginx and wrk is bench.c's, shared with
 * `bench crisis`.
 */
#include "core/homeward.h"
#include "bench/bench.h"
#include "core/cli.h"
#include "store/db.h"
#include "registry/mission.h"
#include "geo/refgeo.h"
#include "http/server.h"
#include "store/store.h"
#include "auth/user.h"

#include <signal.h>

#include <jansson.h>
#include <sodium.h>

#define CMD "bench http"
#define BENCH_LOGIN "bench.hq"
#define NGINX_FILE "person.json"

/* --- the three runs ------------------------------------------------------ */

enum target { T_PERSON, T_QUERY, T_NGINX, NTARGETS };

struct target_info {
	const char *key;        /* in --json: KEY_rps, KEY_p50_ms... */
	const char *title;      /* in the table */
	const char *script;     /* the wrk script's file name */
};

static const struct target_info targets[NTARGETS] = {
	{ "person", "GET /api/v1/persons/{id}", "person.lua" },
	{ "query", "GET /api/v1/query?circle=..&format=count", "query.lua" },
	{ "nginx", "nginx, the same bytes as a static file", "nginx.lua" },
};

/* The circles of the query run: around the three largest cities of each
 * of these countries, places where the generated diaspora lives. */
static const char circle_countries[][3] = {
	"US", "CA", "AU", "JP", "KR", "SG", "MY", "TH", "ID", "PH",
	"GB", "FR", "DE", "IT", "ES", "NL", "RU", "AE", "ZA", "BR",
};
static const double circle_km[] = { 10, 50, 200 };

/* The programs this bench drives, and the Debian packages that hold them. */
enum tool { TOOL_WRK, TOOL_NGINX, NTOOLS };
static const struct {
	const char *program;
	const char *package;
} tool_info[NTOOLS] = {
	{ "wrk", "wrk" },
	{ "nginx", "nginx-light" },
};

struct opts {
	int64_t people, duration, connections, threads;
	bool json;
};

/* What a run holds, released in one place (run_release). */
struct run {
	const struct opts *o;
	char dir[64];
	bool have_dir;
	char *tool[NTOOLS];
	struct server srv;
	bool srv_started;
	char token[128];
	struct bench_nginx nginx;
	size_t person_bytes;
	struct bench_wrk_result res[NTARGETS];
};

/* Find wrk and nginx (root installs them). Runs before any thread exists. */
static int find_tools(struct run *r)
{
	int t, rc;

	for (t = 0; t < NTOOLS; t++)
		if ((rc = bench_find_tool(CMD, tool_info[t].program,
					  tool_info[t].package, r->o->json,
					  &r->tool[t])))
			return rc;
	return HW_OK;
}

/* --- the registry, its user and the server ------------------------------- */

/*
 * Add the mission and the hq user the run signs in as (with a random
 * password, since the server listens while the bench runs), and write the
 * persons' ids, one a line, to ids.txt for the person run's script.
 */
static int prepare_db(struct run *r, const char *dbp, char *password,
		      size_t password_size)
{
	const struct mission_new m = {
		.code = "EMB-JP", .name = "Embassy in Tokyo", .kind = "embassy",
		.countries = "JP", .city = "Tokyo",
	};
	struct user_new u = { .login = BENCH_LOGIN, .role = "hq" };
	struct strbuf err = STRBUF_INIT, ids = STRBUF_INIT;
	struct store_stmt *s = NULL;
	struct db db = { 0 };
	unsigned char raw[18];
	int64_t id, n = 0;
	int rc;

	if (sodium_init() < 0) {
		cli_error(CMD, "libsodium cannot start");
		return HW_EINTERNAL;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(password, password_size, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	u.password = password;
	rc = db_open(&db, dbp, NULL, 0, &err);
	if (!rc)
		rc = mission_add(db.st, &m, &id, &err);
	if (!rc)
		rc = user_add(db.st, &u, &id, &err);
	if (rc) {
		cli_error(CMD, "cannot prepare the database: %s", err.buf);
		goto out;
	}
	rc = store_prepare(db.st, "SELECT id FROM person ORDER BY id", &s);
	while (!rc && (rc = store_step(s)) == STORE_ROW) {
		strbuf_addf(&ids, "%" PRId64 "\n", store_col_int64(s, 0));
		n++;
	}
	if (s)
		store_reset(s);
	if (rc < 0) {
		cli_error(CMD, "cannot read the persons: %s", store_errmsg(db.st));
		rc = HW_EDB;
		goto out;
	}
	if (!n) {
		cli_error(CMD, "the generated registry has no persons");
		rc = HW_EINTERNAL;
		goto out;
	}
	rc = bench_write_file(CMD, r->dir, "ids.txt", &ids, 0600);
out:
	db_release(&db);
	sodium_memzero(raw, sizeof(raw));
	strbuf_release(&err);
	strbuf_release(&ids);
	return rc;
}

/*
 * Start the server in this process. Its worker threads are created with
 * the interrupting signals blocked, so that ^C always lands on this thread
 * and breaks its waits; SIGPIPE is ignored as `homeward serve` does.
 */
static int start_server(struct run *r, const char *dbp)
{
	struct server_config cfg = {
		.db_path = dbp,
		.listen = "127.0.0.1:0",
		.threads = (unsigned)r->o->threads,
		.quiet = true,
	};
	struct strbuf err = STRBUF_INIT;
	sigset_t old;
	int rc;

	bench_block_signals(&old);
	rc = server_start(&r->srv, &cfg, &err);
	bench_unblock_signals(&old);
	if (rc) {
		cli_error(CMD, "cannot start the server: %s", err.buf);
	} else {
		r->srv_started = true;
		if (!r->o->json)
			fprintf(stderr, "server listening on 127.0.0.1:%u "
				"(%u threads)\n", r->srv.port,
				r->srv.cfg.threads);
	}
	strbuf_release(&err);
	return rc;
}

/* POST /api/v1/session as the bench's hq user; the token in r->token. */
static int sign_in(struct run *r, const char *password)
{
	struct strbuf body = STRBUF_INIT, resp = STRBUF_INIT, err = STRBUF_INIT;
	json_t *j = NULL;
	const char *tok;
	int status = 0, rc;

	strbuf_addf(&body, "{\"login\":\"%s\",\"password\":\"%s\"}",
		    BENCH_LOGIN, password);
	rc = bench_http_call(r->srv.port, "POST", "/api/v1/session", NULL, NULL,
			     body.buf,
		       &status, &resp, &err);
	if (rc) {
		cli_error(CMD, "cannot sign in: %s", err.buf);
		goto out;
	}
	rc = HW_EINTERNAL;
	j = json_loads(resp.buf, 0, NULL);
	tok = json_string_value(json_object_get(j, "token"));
	/* The token goes into a Lua string: only base64url is let through. */
	if (status != 201 || !tok || strlen(tok) >= sizeof(r->token) ||
	    strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789-_") != strlen(tok)) {
		cli_error(CMD, "POST /api/v1/session gave %d without a token: %.300s",
			  status, resp.buf);
		goto out;
	}
	snprintf(r->token, sizeof(r->token), "%s", tok);
	rc = HW_OK;
out:
	json_decref(j);
	sodium_memzero(body.buf, body.len);
	strbuf_release(&body);
	strbuf_release(&resp);
	strbuf_release(&err);
	return rc;
}

/*
 * Ask once what each run will ask many times, so that a route that is
 * missing or refuses fails the bench with its answer instead of a table of
 * errors. The first person's answer becomes nginx's file.
 */
static int probe_routes(struct run *r, const char *circle)
{
	struct strbuf resp = STRBUF_INIT, err = STRBUF_INIT, path = STRBUF_INIT;
	char first[32] = "";
	FILE *f;
	int status = 0, rc = HW_EIO, i;

	strbuf_addf(&path, "%s/ids.txt", r->dir);
	f = fopen(path.buf, "r");
	if (!f || !fgets(first, sizeof(first), f)) {
		cli_error(CMD, "cannot read '%s'", path.buf);
		if (f)
			fclose(f);
		goto out;
	}
	fclose(f);
	first[strcspn(first, "\n")] = '\0';
	for (i = 0; i < 2; i++) {
		strbuf_reset(&path);
		if (i == 0)
			strbuf_addf(&path, "/api/v1/persons/%s", first);
		else
			strbuf_addf(&path, "/api/v1/query?circle=%s&format=count",
				    circle);
		rc = bench_http_call(r->srv.port, "GET", path.buf, r->token, NULL, NULL,
			       &status, &resp, &err);
		if (rc) {
			cli_error(CMD, "%s", err.buf);
			goto out;
		}
		if (status != 200) {
			cli_error(CMD, "GET %s gave %d, not 200: %.300s", path.buf,
				  status, resp.buf);
			rc = HW_EINTERNAL;
			goto out;
		}
		if (i == 0) {
			rc = bench_write_file(CMD, r->dir, "www/" NGINX_FILE, &resp, 0644);
			if (rc)
				goto out;
			r->person_bytes = resp.len;
		}
	}
out:
	strbuf_release(&resp);
	strbuf_release(&err);
	strbuf_release(&path);
	return rc;
}

/* --- nginx --------------------------------------------------------------- */

/*
 * nginx serving www/ (bench.h's bench_nginx_start). Its workers run as
 * nobody when we are root, so the directory and the file are readable by
 * others; that is why the scratch directory is 0711 and the file 0644.
 * It must give the person's answer, byte for byte in length.
 */
static int start_nginx(struct run *r)
{
	struct strbuf p = STRBUF_INIT, resp = STRBUF_INIT, err = STRBUF_INIT;
	int rc, status = 0;

	r->nginx.program = r->tool[TOOL_NGINX];
	r->nginx.dir = r->dir;
	r->nginx.workers = r->o->threads;
	r->nginx.connections = r->o->connections;
	r->nginx.locations = "    root www;\n    location / { }\n";
	if ((rc = bench_nginx_start(CMD, &r->nginx)))
		goto out;
	strbuf_addf(&p, "/%s", NGINX_FILE);
	rc = bench_http_call(r->nginx.port, "GET", p.buf, NULL, NULL, NULL,
			     &status, &resp, &err);
	if (!rc && (status != 200 || resp.len != r->person_bytes)) {
		cli_error(CMD, "nginx gave %d and %zu bytes for GET %s, not 200 "
			  "and %zu", status, resp.len, p.buf, r->person_bytes);
		rc = HW_EIO;
	} else if (rc) {
		cli_error(CMD, "nginx: %s", err.buf);
	}
out:
	strbuf_release(&p);
	strbuf_release(&resp);
	strbuf_release(&err);
	return rc;
}

/* --- wrk ----------------------------------------------------------------- */

/*
 * What every script has: the sign-in's token on every request (nginx gets
 * it too, so that every run sends the same bytes), a random seed per wrk
 * thread that is the same from run to run, and a done() hook printing one
 * line for parse_wrk: requests, duration, errors, p50 and p99 (us).
 */
static void lua_common(struct strbuf *s, const char *token)
{
	bench_wrk_lua_common(s, CMD);
	strbuf_addf(s, "wrk.headers[\"Authorization\"] = \"Bearer %s\"\n", token);
}

static int write_scripts(struct run *r, struct strbuf *first_circle)
{
	const struct refgeo_city *cities;
	struct strbuf s = STRBUF_INIT;
	size_t i, k, n, ncircles = 0;
	int rc;

	lua_common(&s, r->token);
	strbuf_addstr(&s,
		"local ids = {}\n"
		"for line in io.lines(\"ids.txt\") do ids[#ids + 1] = line end\n"
		"request = function()\n"
		"  return wrk.format(nil, \"/api/v1/persons/\" .. ids[math.random(#ids)])\n"
		"end\n");
	if ((rc = bench_write_file(CMD, r->dir, targets[T_PERSON].script, &s, 0600)))
		goto out;

	strbuf_reset(&s);
	lua_common(&s, r->token);
	strbuf_addstr(&s, "local circles = {\n");
	for (i = 0; i < ARRAY_SIZE(circle_countries); i++) {
		n = refgeo_cities(circle_countries[i], &cities);
		for (k = 0; k < n && k < 3; k++, ncircles++) {
			double km = circle_km[ncircles % ARRAY_SIZE(circle_km)];

			strbuf_addf(&s, "  \"%.4f,%.4f,%.0f\",\n", cities[k].lat,
				    cities[k].lon, km);
			if (!first_circle->len)
				strbuf_addf(first_circle, "%.4f,%.4f,%.0f",
					    cities[k].lat, cities[k].lon, km);
		}
	}
	strbuf_addstr(&s,
		"}\n"
		"request = function()\n"
		"  return wrk.format(nil, \"/api/v1/query?circle=\" ..\n"
		"    circles[math.random(#circles)] .. \"&format=count\")\n"
		"end\n");
	if (!ncircles) {
		cli_error(CMD, "the reference map has none of the cities");
		rc = HW_EINTERNAL;
		goto out;
	}
	if ((rc = bench_write_file(CMD, r->dir, targets[T_QUERY].script, &s, 0600)))
		goto out;

	strbuf_reset(&s);
	lua_common(&s, r->token);
	rc = bench_write_file(CMD, r->dir, targets[T_NGINX].script, &s, 0600);
out:
	strbuf_release(&s);
	return rc;
}

/* One wrk run; fails, naming the run, on any error status or socket
 * error. */
static int run_wrk(struct run *r, enum target t)
{
	struct strbuf url = STRBUF_INIT;
	struct bench_wrk run = {
		.program = r->tool[TOOL_WRK], .dir = r->dir,
		.key = targets[t].key, .title = targets[t].title,
		.script = targets[t].script, .threads = r->o->threads,
		.connections = r->o->connections, .duration = r->o->duration,
		.quiet = r->o->json,
	};
	int rc;

	if (t == T_NGINX)
		strbuf_addf(&url, "http://127.0.0.1:%u/%s", r->nginx.port,
			    NGINX_FILE);
	else
		strbuf_addf(&url, "http://127.0.0.1:%u/", r->srv.port);
	run.url = url.buf;
	rc = bench_wrk_run(CMD, &run, &r->res[t]);
	strbuf_release(&url);
	return rc;
}

/* --- the report ---------------------------------------------------------- */

static double rps(const struct bench_wrk_result *w)
{
	return bench_wrk_rps(w);
}

static void print_json(const struct run *r)
{
	struct strbuf s = STRBUF_INIT;
	double nginx = rps(&r->res[T_NGINX]);
	int t;

	strbuf_addf(&s, "{\"people\":%" PRId64 ",\"duration_s\":%" PRId64
		    ",\"connections\":%" PRId64 ",\"threads\":%" PRId64
		    ",\"response_bytes\":%zu", r->o->people, r->o->duration,
		    r->o->connections, r->o->threads, r->person_bytes);
	for (t = 0; t < NTARGETS; t++) {
		const struct bench_wrk_result *w = &r->res[t];
		const char *k = targets[t].key;

		strbuf_addf(&s, ",\"%s_rps\":%.1f,\"%s_p50_ms\":%.3f,"
			    "\"%s_p99_ms\":%.3f,\"%s_requests\":%" PRId64,
			    k, rps(w), k, w->p50_us / 1000, k, w->p99_us / 1000,
			    k, w->requests);
	}
	strbuf_addf(&s, ",\"person_vs_nginx\":%.4f,\"query_vs_nginx\":%.4f}",
		    nginx > 0 ? rps(&r->res[T_PERSON]) / nginx : 0,
		    nginx > 0 ? rps(&r->res[T_QUERY]) / nginx : 0);
	puts(s.buf);
	strbuf_release(&s);
}

static void print_table(const struct run *r)
{
	double nginx = rps(&r->res[T_NGINX]);
	int t;

	printf("%" PRId64 " registrants; wrk -t %" PRId64 " -c %" PRId64
	       " -d %" PRId64 "s; %" PRId64 " server threads, %" PRId64
	       " nginx workers; %zu-byte person answers\n\n", r->o->people,
	       r->o->threads, r->o->connections, r->o->duration,
	       r->o->threads, r->o->threads, r->person_bytes);
	printf("%-44s %12s %9s %9s\n", "", "requests/s", "p50 ms", "p99 ms");
	for (t = 0; t < NTARGETS; t++) {
		const struct bench_wrk_result *w = &r->res[t];

		printf("%-44s %12.0f %9.2f %9.2f\n", targets[t].title, rps(w),
		       w->p50_us / 1000, w->p99_us / 1000);
	}
	printf("\nperson / nginx %8.3f\nquery / nginx  %8.3f\n",
	       nginx > 0 ? rps(&r->res[T_PERSON]) / nginx : 0,
	       nginx > 0 ? rps(&r->res[T_QUERY]) / nginx : 0);
}

/* --- the command --------------------------------------------------------- */

static void run_release(struct run *r)
{
	int t;

	bench_stop_child(&r->nginx.pid);
	if (r->srv_started)
		server_stop(&r->srv);
	r->srv_started = false;
	if (r->have_dir)
		bench_remove_tree(r->dir);
	r->have_dir = false;
	for (t = 0; t < NTOOLS; t++)
		free(r->tool[t]);
	sodium_memzero(r->token, sizeof(r->token));
}

int bench_http(int argc, char **argv)
{
	struct opts o = { .people = 100000, .duration = 10, .connections = 64,
			  .threads = 2 };
	struct opt opts[] = {
		{ "people", OPT_INT, &o.people, "N", "registrants to generate (default 100000)" },
		{ "duration", OPT_INT, &o.duration, "S", "seconds of each wrk run (default 10)" },
		{ "connections", OPT_INT, &o.connections, "C", "wrk's open connections (default 64)" },
		{ "threads", OPT_INT, &o.threads, "T", "server threads, wrk threads and nginx workers (default 2)" },
		{ "json", OPT_FLAG, &o.json, NULL, "machine-readable output" },
		OPT_END,
	};
	struct run r = { .o = &o };
	struct strbuf dbp = STRBUF_INIT, err = STRBUF_INIT;
	struct strbuf circle = STRBUF_INIT;
	struct bench_signals saved;
	char password[64] = "";
	int rc, t;

	if ((rc = opt_parse_only(opts, argc, argv)) ||
	    (rc = opt_check_range(CMD, "people", o.people, 1, 200000000)) ||
	    (rc = bench_check_wrk_range(CMD, o.duration, o.connections, o.threads)))
		return rc;
	/* Interruptions end the run through the cleanup below, so that no
	 * child and no scratch directory is left behind. No SA_RESTART: a
	 * wait must break off. */
	bench_signals_catch(&saved);

	if ((rc = find_tools(&r)))
		goto out;
	/* nginx's workers (nobody, when we are root) serve www/. */
	if ((rc = bench_prepare_run(CMD, r.dir, sizeof(r.dir), &r.have_dir,
				    o.people, o.json, &dbp)) ||
	    (rc = bench_make_dir(CMD, r.dir, "www", 0755)) ||
	    (rc = prepare_db(&r, dbp.buf, password, sizeof(password))) ||
	    (rc = start_server(&r, dbp.buf)) ||
	    (rc = sign_in(&r, password)) ||
	    (rc = write_scripts(&r, &circle)) ||
	    (rc = probe_routes(&r, circle.buf)) ||
	    (rc = start_nginx(&r)))
		goto out;
	for (t = 0; t < NTARGETS; t++)
		if ((rc = bench_check_interrupt(CMD)) || (rc = run_wrk(&r, (enum target)t)))
			goto out;
	/* The figures: one JSON object for machines, a table for people. */
	(o.json ? print_json : print_table)(&r);
	rc = HW_OK;
out:
	run_release(&r);
	sodium_memzero(password, sizeof(password));
	bench_signals_restore(&saved);
	strbuf_release(&dbp);
	strbuf_release(&err);
	strbuf_release(&circle);
	return rc;
}
