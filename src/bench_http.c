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
 */
#include "homeward.h"
#include "bench.h"
#include "cli.h"
#include "db.h"
#include "mission.h"
#include "refgeo.h"
#include "server.h"
#include "store.h"
#include "user.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#define CMD "bench http"
#define BENCH_LOGIN "bench.hq"
#define WRK_TIMEOUT "10s"      /* an answer slower than this is an error */
#define NGINX_FILE "person.json"

/* --- the three runs ------------------------------------------------------ */

enum target { T_PERSON, T_QUERY, T_NGINX, NTARGETS };

struct wrk_result {
	int64_t requests, duration_us;
	int64_t status_errors, connect, read, write, timeout;
	double p50_us, p99_us;
};

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
	pid_t nginx_pid;
	unsigned nginx_port;
	size_t person_bytes;
	struct wrk_result res[NTARGETS];
};

/* --- signals and children ------------------------------------------------ */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int check_interrupt(void)
{
	if (!interrupted)
		return HW_OK;
	cli_error(CMD, "interrupted");
	return HW_EIO;
}

/*
 * Start the program at `path` (no shell) in `cwd` with stdout and stderr to
 * `out_fd` (or inherited if < 0). The child leads a process group of its
 * own, so that ^C reaches this process alone and the cleanup stops it, and
 * it gets SIGTERM if this process dies first. This process may have server
 * threads by now: the child calls only async-signal-safe functions before
 * exec. Its pid, or -1.
 */
static pid_t spawn(const char *path, char *const argv[], const char *cwd,
		   int out_fd)
{
	sigset_t none;
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	if (out_fd >= 0) {
		dup2(out_fd, STDOUT_FILENO);
		dup2(out_fd, STDERR_FILENO);
	}
	if (cwd && chdir(cwd))
		_exit(126);
	setpgid(0, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
		_exit(126);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	execv(path, argv);
	_exit(127);
}

/* Wait for a child, stopping its process group if we are interrupted
 * meanwhile; its exit status, or -1 if it did not exit normally. */
static int wait_child(pid_t pid)
{
	int status;
	bool stopped = false;

	for (;;) {
		if (interrupted && !stopped) {
			kill(-pid, SIGTERM);
			stopped = true;
		}
		if (waitpid(pid, &status, 0) == pid)
			break;
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Stop a child's process group and reap it. */
static void stop_child(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(-*pid, SIGTERM);
	kill(*pid, SIGTERM);
	wait_child(*pid);
	*pid = 0;
}

/* --- finding and installing wrk and nginx -------------------------------- */

static char *find_in(const char *dirs, const char *name)
{
	struct strbuf p = STRBUF_INIT;
	const char *d = dirs;

	while (d && *d) {
		const char *end = strchr(d, ':');
		size_t len = end ? (size_t)(end - d) : strlen(d);

		strbuf_reset(&p);
		strbuf_add(&p, len ? d : ".", len ? len : 1);
		strbuf_addf(&p, "/%s", name);
		if (access(p.buf, X_OK) == 0)
			return strbuf_detach(&p, NULL);
		d = end ? end + 1 : NULL;
	}
	strbuf_release(&p);
	return NULL;
}

/* The program's path: $PATH first, then the sbin directories that an
 * ordinary user's PATH often lacks (nginx lives in /usr/sbin). */
static char *find_program(const char *name)
{
	char *p = find_in(getenv("PATH"), name);

	return p ? p : find_in("/usr/local/sbin:/usr/sbin:/sbin", name);
}

static int apt_get(const char *what, const char *package)
{
	char *argv[] = { (char *)"apt-get", (char *)what, (char *)"-y",
			 (char *)"-q", (char *)package, NULL };
	char *apt = find_program("apt-get");
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int st = -1;
	pid_t pid;

	if (package == NULL)
		argv[4] = NULL;
	if (apt) {
		pid = spawn(apt, argv, NULL, devnull);
		st = pid < 0 ? -1 : wait_child(pid);
	}
	if (devnull >= 0)
		close(devnull);
	free(apt);
	return st;
}

/*
 * Find wrk and nginx. Root installs what is missing with apt-get (reading
 * the package lists first if the install alone fails); anyone else gets
 * told what to install. Runs before any thread exists.
 */
static int find_tools(struct run *r)
{
	int t;

	for (t = 0; t < NTOOLS; t++) {
		const char *prog = tool_info[t].program;
		const char *pkg = tool_info[t].package;

		r->tool[t] = find_program(prog);
		if (r->tool[t])
			continue;
		if (geteuid() != 0) {
			cli_error(CMD, "%s is needed and missing: install the "
				  "Debian package %s (as root: 'make deps', or "
				  "apt-get install %s)", prog, pkg, pkg);
			return HW_EIO;
		}
		if (!r->o->json)
			fprintf(stderr, "installing %s...\n", pkg);
		/* apt-get must not ask; no thread exists yet to mind. */
		setenv("DEBIAN_FRONTEND", "noninteractive", 1);
		if (apt_get("install", pkg) != 0 &&
		    (apt_get("update", NULL) != 0 ||
		     apt_get("install", pkg) != 0)) {
			cli_error(CMD, "%s is missing and 'apt-get install -y %s' "
				  "failed", prog, pkg);
			return HW_EIO;
		}
		r->tool[t] = find_program(prog);
		if (!r->tool[t]) {
			cli_error(CMD, "%s is installed but '%s' is not found",
				  pkg, prog);
			return HW_EIO;
		}
		if (check_interrupt())
			return HW_EIO;
	}
	return HW_OK;
}

/* --- a small HTTP client ------------------------------------------------- */

static int connect_local(unsigned port)
{
	struct sockaddr_in a = { 0 };
	struct timeval tv = { 30, 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * One request to 127.0.0.1:`port` on a connection of its own, in HTTP/1.0
 * so that the answer ends where the connection does. `token` (or NULL) goes
 * as a Bearer token, `body` (or NULL) as JSON. *status and the body in
 * `resp`; HW_EIO with a message in `err` if no answer came.
 */
static int http_call(unsigned port, const char *method, const char *path,
		     const char *token, const char *body, int *status,
		     struct strbuf *resp, struct strbuf *err)
{
	struct strbuf req = STRBUF_INIT, in = STRBUF_INIT;
	char buf[8192];
	const char *sep;
	size_t off = 0;
	ssize_t n;
	int fd = connect_local(port), rc = HW_EIO;

	strbuf_reset(resp);
	if (fd < 0) {
		strbuf_addf(err, "cannot connect to port %u: %s", port,
			    strerror(errno));
		goto out;
	}
	strbuf_addf(&req, "%s %s HTTP/1.0\r\nHost: 127.0.0.1:%u\r\n", method,
		    path, port);
	if (token)
		strbuf_addf(&req, "Authorization: Bearer %s\r\n", token);
	if (body)
		strbuf_addf(&req, "Content-Type: application/json\r\n"
			    "Content-Length: %zu\r\n", strlen(body));
	strbuf_addstr(&req, "\r\n");
	if (body)
		strbuf_addstr(&req, body);
	while (off < req.len) {
		n = send(fd, req.buf + off, req.len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			strbuf_addf(err, "cannot send %s %s: %s", method, path,
				    strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0 ||
	       (n < 0 && errno == EINTR))
		if (n > 0)
			strbuf_add(&in, buf, (size_t)n);
	if (n < 0 || sscanf(in.buf, "HTTP/1.%*d %d", status) != 1 ||
	    !(sep = strstr(in.buf, "\r\n\r\n"))) {
		strbuf_addf(err, "no answer to %s %s%s%s", method, path,
			    n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
		goto out;
	}
	strbuf_addstr(resp, sep + 4);
	rc = HW_OK;
out:
	if (fd >= 0)
		close(fd);
	strbuf_release(&req);
	strbuf_release(&in);
	return rc;
}

/* A port nobody listens on now. Someone may take it before nginx does;
 * nginx then fails to start and says so, which is rare enough. */
static unsigned free_port(void)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unsigned port = 0;

	if (fd < 0)
		return 0;
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* --- files in the scratch directory -------------------------------------- */

static int write_file(const struct run *r, const char *name,
		      const struct strbuf *content, mode_t mode)
{
	struct strbuf p = STRBUF_INIT;
	int fd, rc = HW_OK;

	strbuf_addf(&p, "%s/%s", r->dir, name);
	fd = open(p.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, content->buf, content->len) !=
	    (ssize_t)content->len) {
		cli_error(CMD, "cannot write '%s': %s", p.buf, strerror(errno));
		rc = HW_EIO;
	}
	if (fd >= 0 && close(fd) && !rc) {
		cli_error(CMD, "cannot write '%s': %s", p.buf, strerror(errno));
		rc = HW_EIO;
	}
	/* open() applies the umask; nginx's workers need the mode given. */
	if (!rc)
		chmod(p.buf, mode);
	strbuf_release(&p);
	return rc;
}

static int make_dir(const struct run *r, const char *name, mode_t mode)
{
	struct strbuf p = STRBUF_INIT;
	int rc = HW_OK;

	strbuf_addf(&p, "%s/%s", r->dir, name);
	if (mkdir(p.buf, mode) || chmod(p.buf, mode)) {
		cli_error(CMD, "cannot make '%s': %s", p.buf, strerror(errno));
		rc = HW_EIO;
	}
	strbuf_release(&p);
	return rc;
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
	rc = write_file(r, "ids.txt", &ids, 0600);
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
	sigset_t set, old;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	rc = server_start(&r->srv, &cfg, &err);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
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
	rc = http_call(r->srv.port, "POST", "/api/v1/session", NULL, body.buf,
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
		rc = http_call(r->srv.port, "GET", path.buf, r->token, NULL,
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
			rc = write_file(r, "www/" NGINX_FILE, &resp, 0644);
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
 * nginx as a child, not a daemon, with everything it writes in the scratch
 * directory. Its workers run as nobody when we are root (nginx's rule), so
 * the directory and the file are readable by others; that is why the
 * scratch directory is 0711 and the file 0644.
 */
static int start_nginx(struct run *r)
{
	static const char *const temps[] = { "body", "proxy", "fastcgi",
					     "uwsgi", "scgi" };
	struct strbuf conf = STRBUF_INIT, p = STRBUF_INIT, log = STRBUF_INIT;
	struct strbuf prefix = STRBUF_INIT, resp = STRBUF_INIT;
	struct strbuf err = STRBUF_INIT, outp = STRBUF_INIT;
	size_t i;
	int rc, tries, status = 0, fd;

	r->nginx_port = free_port();
	if (!r->nginx_port) {
		cli_error(CMD, "cannot find a free port for nginx");
		rc = HW_EIO;
		goto out;
	}
	if ((rc = make_dir(r, "tmp", 0755)))
		goto out;
	strbuf_addstr(&conf, "# Generated by homeward bench http.\n"
		      "daemon off;\nmaster_process on;\n");
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("nobody");
		struct group *gr = pw ? getgrgid(pw->pw_gid) : NULL;

		if (pw && gr)
			strbuf_addf(&conf, "user nobody %s;\n", gr->gr_name);
	}
	strbuf_addf(&conf,
		    "worker_processes %" PRId64 ";\n"
		    "pid nginx.pid;\n"
		    "error_log nginx-error.log warn;\n"
		    "events {\n  worker_connections %" PRId64 ";\n}\n"
		    "http {\n"
		    "  access_log off;\n"
		    "  default_type application/json;\n"
		    "  keepalive_requests 1000000000;\n",
		    r->o->threads, r->o->connections + 256);
	for (i = 0; i < ARRAY_SIZE(temps); i++)
		strbuf_addf(&conf, "  %s_temp_path tmp/%s;\n",
			    strcmp(temps[i], "body") ? temps[i] : "client_body",
			    temps[i]);
	strbuf_addf(&conf,
		    "  server {\n"
		    "    listen 127.0.0.1:%u;\n"
		    "    root www;\n"
		    "    location / { }\n"
		    "  }\n"
		    "}\n", r->nginx_port);
	if ((rc = write_file(r, "nginx.conf", &conf, 0644)))
		goto out;

	strbuf_addf(&prefix, "%s/", r->dir);
	strbuf_addf(&p, "%s/nginx.conf", r->dir);
	strbuf_addf(&log, "%s/nginx-error.log", r->dir);
	strbuf_addf(&outp, "%s/nginx.out", r->dir);
	{
		char *argv[] = { r->tool[TOOL_NGINX], (char *)"-p", prefix.buf,
				 (char *)"-c", p.buf, (char *)"-e", log.buf, NULL };

		fd = open(outp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0600);
		r->nginx_pid = spawn(r->tool[TOOL_NGINX], argv, r->dir, fd);
		if (fd >= 0)
			close(fd);
	}
	rc = HW_EIO;
	if (r->nginx_pid < 0) {
		r->nginx_pid = 0;
		cli_error(CMD, "cannot start nginx: %s", strerror(errno));
		goto out;
	}
	strbuf_reset(&p);
	strbuf_addf(&p, "/%s", NGINX_FILE);
	for (tries = 0; tries < 200; tries++) {
		int st;

		if ((fd = connect_local(r->nginx_port)) >= 0) {
			close(fd);
			break;
		}
		if (waitpid(r->nginx_pid, &st, WNOHANG) == r->nginx_pid) {
			r->nginx_pid = 0;
			break;
		}
		if (check_interrupt())
			goto out;
		usleep(50000);
	}
	if (!r->nginx_pid || tries == 200) {
		cli_error(CMD, "nginx did not start on port %u; see its log: %s",
			  r->nginx_port, log.buf);
		goto out;
	}
	rc = http_call(r->nginx_port, "GET", p.buf, NULL, NULL, &status, &resp,
		       &err);
	if (!rc && (status != 200 || resp.len != r->person_bytes)) {
		cli_error(CMD, "nginx gave %d and %zu bytes for GET %s, not 200 "
			  "and %zu", status, resp.len, p.buf, r->person_bytes);
		rc = HW_EIO;
	} else if (rc) {
		cli_error(CMD, "nginx: %s", err.buf);
	}
out:
	strbuf_release(&conf);
	strbuf_release(&p);
	strbuf_release(&log);
	strbuf_release(&prefix);
	strbuf_release(&outp);
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
	strbuf_addstr(s,
		"-- Generated by homeward bench http.\n"
		"local threads = 0\n"
		"function setup(thread)\n"
		"  threads = threads + 1\n"
		"  thread:set(\"seed\", threads)\n"
		"end\n"
		"function init(args)\n"
		"  math.randomseed(seed * 7919)\n"
		"end\n"
		"function done(summary, latency, requests)\n"
		"  local e = summary.errors\n"
		"  io.write(string.format(\"HWBENCH %d %d %d %d %d %d %d %.1f %.1f\\n\",\n"
		"    summary.requests, summary.duration, e.status, e.connect,\n"
		"    e.read, e.write, e.timeout, latency:percentile(50),\n"
		"    latency:percentile(99)))\n"
		"end\n");
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
	if ((rc = write_file(r, targets[T_PERSON].script, &s, 0600)))
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
	if ((rc = write_file(r, targets[T_QUERY].script, &s, 0600)))
		goto out;

	strbuf_reset(&s);
	lua_common(&s, r->token);
	rc = write_file(r, targets[T_NGINX].script, &s, 0600);
out:
	strbuf_release(&s);
	return rc;
}

/* The done() line in wrk's output; false if there is none. */
static bool parse_wrk(const char *out, struct wrk_result *w)
{
	const char *line = strstr(out, "HWBENCH ");

	return line && sscanf(line, "HWBENCH %" SCNd64 " %" SCNd64 " %" SCNd64
			      " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64
			      " %lf %lf", &w->requests, &w->duration_us,
			      &w->status_errors, &w->connect, &w->read,
			      &w->write, &w->timeout, &w->p50_us,
			      &w->p99_us) == 9;
}

static int read_file(const char *path, struct strbuf *out)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return HW_EIO;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(out, buf, (size_t)n);
	close(fd);
	return n < 0 ? HW_EIO : HW_OK;
}

/* One wrk run; fails, naming the run, on any error status or socket
 * error. */
static int run_wrk(struct run *r, enum target t)
{
	const struct target_info *ti = &targets[t];
	struct strbuf url = STRBUF_INIT, outp = STRBUF_INIT, out = STRBUF_INIT;
	char threads[24], conns[24], dur[24];
	struct wrk_result *w = &r->res[t];
	int fd, st, rc = HW_EIO;
	pid_t pid;

	if (t == T_NGINX)
		strbuf_addf(&url, "http://127.0.0.1:%u/%s", r->nginx_port,
			    NGINX_FILE);
	else
		strbuf_addf(&url, "http://127.0.0.1:%u/", r->srv.port);
	snprintf(threads, sizeof(threads), "%" PRId64, r->o->threads);
	snprintf(conns, sizeof(conns), "%" PRId64, r->o->connections);
	snprintf(dur, sizeof(dur), "%" PRId64 "s", r->o->duration);
	strbuf_addf(&outp, "%s/wrk-%s.out", r->dir, ti->key);
	if (!r->o->json)
		fprintf(stderr, "wrk: %s for %" PRId64 " s...\n", ti->title,
			r->o->duration);
	fd = open(outp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		cli_error(CMD, "cannot write '%s': %s", outp.buf, strerror(errno));
		goto out;
	}
	{
		char *argv[] = { r->tool[TOOL_WRK], (char *)"-t", threads,
				 (char *)"-c", conns, (char *)"-d", dur,
				 (char *)"--timeout", (char *)WRK_TIMEOUT,
				 (char *)"-s", (char *)ti->script, url.buf, NULL };
		pid = spawn(r->tool[TOOL_WRK], argv, r->dir, fd);
		close(fd);
		st = pid < 0 ? -1 : wait_child(pid);
	}
	if ((rc = check_interrupt()))
		goto out;
	rc = HW_EIO;
	read_file(outp.buf, &out);
	if (st != 0 || !parse_wrk(out.buf, w)) {
		cli_error(CMD, "the %s run: wrk failed (exit status %d): %.500s",
			  ti->key, st, out.buf);
		goto out;
	}
	if (w->status_errors || w->connect || w->read || w->write ||
	    w->timeout || !w->requests) {
		cli_error(CMD, "the %s run (%s) had errors: %" PRId64 " of %"
			  PRId64 " answers not 2xx or 3xx; socket errors: "
			  "%" PRId64 " connect, %" PRId64 " read, %" PRId64
			  " write, %" PRId64 " timeouts (over " WRK_TIMEOUT ")",
			  ti->key, ti->title, w->status_errors, w->requests,
			  w->connect, w->read, w->write, w->timeout);
		goto out;
	}
	rc = HW_OK;
out:
	strbuf_release(&url);
	strbuf_release(&outp);
	strbuf_release(&out);
	return rc;
}

/* --- the report ---------------------------------------------------------- */

static double rps(const struct wrk_result *w)
{
	return w->duration_us > 0 ?
		(double)w->requests * 1e6 / (double)w->duration_us : 0;
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
		const struct wrk_result *w = &r->res[t];
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
		const struct wrk_result *w = &r->res[t];

		printf("%-44s %12.0f %9.2f %9.2f\n", targets[t].title, rps(w),
		       w->p50_us / 1000, w->p99_us / 1000);
	}
	printf("\nperson / nginx %8.3f\nquery / nginx  %8.3f\n",
	       nginx > 0 ? rps(&r->res[T_PERSON]) / nginx : 0,
	       nginx > 0 ? rps(&r->res[T_QUERY]) / nginx : 0);
}

/* --- the command --------------------------------------------------------- */

/* Each option's range, checked in one place. */
static int check_opts(const struct opts *o)
{
	static const struct {
		const char *name;
		size_t off;
		int64_t lo, hi;
	} ranges[] = {
		{ "people", offsetof(struct opts, people), 1, 200000000 },
		{ "duration", offsetof(struct opts, duration), 1, 3600 },
		{ "connections", offsetof(struct opts, connections), 1, 10000 },
		{ "threads", offsetof(struct opts, threads), 1, 256 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		int64_t v = *(const int64_t *)((const char *)o + ranges[i].off);

		if (v < ranges[i].lo || v > ranges[i].hi) {
			cli_error(CMD, "option '--%s': %" PRId64 " is out of range "
				  "(%" PRId64 " to %" PRId64 ")", ranges[i].name, v,
				  ranges[i].lo, ranges[i].hi);
			return HW_EINPUT;
		}
	}
	if (o->connections < o->threads) {
		cli_error(CMD, "option '--connections': %" PRId64 " is fewer than "
			  "--threads %" PRId64 " (wrk needs one per thread at least)",
			  o->connections, o->threads);
		return HW_EINPUT;
	}
	return HW_OK;
}

static void run_release(struct run *r)
{
	int t;

	stop_child(&r->nginx_pid);
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
		{ "people", OPT_INT, &o.people },
		{ "duration", OPT_INT, &o.duration },
		{ "connections", OPT_INT, &o.connections },
		{ "threads", OPT_INT, &o.threads },
		{ "json", OPT_FLAG, &o.json },
		{ NULL, 0, NULL },
	};
	struct run r = { .o = &o };
	struct strbuf dbp = STRBUF_INIT, err = STRBUF_INIT;
	struct strbuf circle = STRBUF_INIT;
	struct sigaction sa, old_int, old_term, old_hup, old_pipe;
	char password[64] = "";
	int rc, t;

	if ((rc = opt_parse_only(opts, argc, argv)) || (rc = check_opts(&o)))
		return rc;
	/* Interruptions end the run through the cleanup below, so that no
	 * child and no scratch directory is left behind. No SA_RESTART: a
	 * wait must break off. */
	interrupted = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old_pipe);

	if ((rc = find_tools(&r)))
		goto out;
	rc = HW_EINTERNAL;
	if (refgeo_load(&err)) {
		cli_error(CMD, "%s", err.buf);
		goto out;
	}
	rc = HW_EIO;
	snprintf(r.dir, sizeof(r.dir), "/tmp/homeward-bench-XXXXXX");
	if (!mkdtemp(r.dir)) {
		cli_error(CMD, "cannot make a scratch directory: %s",
			  strerror(errno));
		goto out;
	}
	r.have_dir = true;
	/* nginx's workers (nobody, when we are root) must reach www/. */
	if (chmod(r.dir, 0711) || (rc = make_dir(&r, "www", 0755))) {
		cli_error(CMD, "cannot prepare '%s': %s", r.dir, strerror(errno));
		rc = HW_EIO;
		goto out;
	}
	rc = bench_populate(r.dir, o.people, o.json, &dbp, &err);
	if (rc && !interrupted)
		cli_error(CMD, "%s", err.buf);
	if (!rc)
		rc = check_interrupt();
	if (rc || (rc = prepare_db(&r, dbp.buf, password, sizeof(password))) ||
	    (rc = start_server(&r, dbp.buf)) ||
	    (rc = sign_in(&r, password)) ||
	    (rc = write_scripts(&r, &circle)) ||
	    (rc = probe_routes(&r, circle.buf)) ||
	    (rc = start_nginx(&r)))
		goto out;
	for (t = 0; t < NTARGETS; t++)
		if ((rc = check_interrupt()) || (rc = run_wrk(&r, (enum target)t)))
			goto out;
	if (o.json)
		print_json(&r);
	else
		print_table(&r);
	rc = HW_OK;
out:
	run_release(&r);
	sodium_memzero(password, sizeof(password));
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	strbuf_release(&dbp);
	strbuf_release(&err);
	strbuf_release(&circle);
	return rc;
}
