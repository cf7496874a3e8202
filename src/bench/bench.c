/*
 * bench.c: benchmarks, one row per kind in `benches[]`.
 *
 * Each benchmark runs Homeward and its baseline on the same data in the same
 * run, in a scratch directory it removes afterwards, and reports both rates
 * and their ratio, so that the figure survives a noisy, shared machine.
 * (`bench crisis` is the exception: its figures stand against the goals
 * the crisis issue set, since no other program does what it measures.)
 *
 * This file also holds what the benchmarks that drive other programs
 * share (bench.h): children in process groups of their own, stopped on an
 * interruption; finding and installing tools; a tiny HTTP client; nginx
 * started from a generated configuration; wrk runs and their results.
 */
#include "core/homeward.h"
#include "bench/bench.h"
#include "core/time.h"
#include "core/cli.h"
#include "store/db.h"
#include "gen/gen.h"
#include "geo/refgeo.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void bench_remove_tree(const char *dir)
{
	if (dir && *dir)
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int bench_scratch_dir(const char *cmd, char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/homeward-bench-XXXXXX");
	if (mkdtemp(dir))
		return HW_OK;
	cli_error(cmd, "cannot make a scratch directory: %s", strerror(errno));
	return HW_EIO;
}

int bench_prepare_run(const char *cmd, char *dir, size_t size, bool *have_dir,
		      int64_t people, bool quiet, struct strbuf *dbp)
{
	struct strbuf err = STRBUF_INIT;
	int rc;

	if (refgeo_load(&err)) {
		cli_error(cmd, "%s", err.buf);
		strbuf_release(&err);
		return HW_EINTERNAL;
	}
	if ((rc = bench_scratch_dir(cmd, dir, size)))
		return rc;
	*have_dir = true;
	/* nginx's workers (nobody, when we are root) work below it. */
	if (chmod(dir, 0711)) {
		cli_error(cmd, "cannot prepare '%s': %s", dir, strerror(errno));
		return HW_EIO;
	}
	rc = bench_populate(dir, people, quiet, dbp, &err);
	if (rc && !bench_interrupted)
		cli_error(cmd, "%s", err.buf);
	strbuf_release(&err);
	return rc ? rc : bench_check_interrupt(cmd);
}

/* Run argv (no shell) with stdout to `out_fd` (or inherited if < 0);
 * return its exit status, or -1 if it could not be run. */
static int run_program(char *const argv[], int out_fd)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (out_fd >= 0)
			dup2(out_fd, STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	/* An interruption (^C reaches the child too) must not leave it
	 * unwaited for. */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The sqlite3 shell's answer to one query, as a number; -1 on failure. */
static int64_t sqlite3_count(const char *db, const char *sql)
{
	char tmpl[] = "/tmp/homeward-count-XXXXXX";
	char buf[64] = "";
	int fd = mkstemp(tmpl);
	int64_t n = -1;
	char *argv[] = { (char *)"sqlite3", (char *)db, (char *)sql, NULL };
	ssize_t got;

	if (fd < 0)
		return -1;
	unlink(tmpl);
	if (run_program(argv, fd) == 0 && lseek(fd, 0, SEEK_SET) == 0 &&
	    (got = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[got] = '\0';
		n = strtoll(buf, NULL, 10);
	}
	close(fd);
	return n;
}

int bench_generate(const char *path, int64_t people, struct strbuf *err)
{
	struct gen_params gp = { 0 };
	int fd, rc;

	gp.people = (uint64_t)people;
	gp.seed = 1;
	gp.nationality = "CN";
	gp.today = (int32_t)(time(NULL) / 86400);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		strbuf_addf(err, "cannot create '%s': %s", path, strerror(errno));
		return HW_EIO;
	}
	rc = gen_write(&gp, fd, err);
	if (close(fd) && !rc) {
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(errno));
		rc = HW_EIO;
	}
	return rc;
}

int bench_populate(const char *dir, int64_t people, bool quiet,
		   struct strbuf *dbp, struct strbuf *err)
{
	struct strbuf csv = STRBUF_INIT;
	struct db db = { 0 };
	char self[4096];
	bool created;
	ssize_t n;
	int rc, st, devnull;

	strbuf_addf(&csv, "%s/people.csv", dir);
	strbuf_reset(dbp);
	strbuf_addf(dbp, "%s/homeward.db", dir);
	if (!quiet)
		fprintf(stderr, "generating %" PRId64 " registrants...\n", people);
	rc = bench_generate(csv.buf, people, err);
	if (rc)
		goto out;
	rc = db_init(&db, dbp->buf, NULL, &created, err);
	db_release(&db);
	if (rc)
		goto out;
	if (!quiet)
		fprintf(stderr, "importing...\n");
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		strbuf_addf(err, "cannot find this program: %s", strerror(errno));
		rc = HW_EIO;
		goto out;
	}
	self[n] = '\0';
	{
		char *imp[] = { self, (char *)"import", (char *)"registrants",
				csv.buf, (char *)"--db", dbp->buf, NULL };

		/* Its messages stay on stderr, where a failure explains
		 * itself; only the summary on stdout is dropped. */
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		st = run_program(imp, devnull);
		if (devnull >= 0)
			close(devnull);
	}
	if (st != 0) {
		strbuf_addf(err, "importing the generated registrants failed "
			    "(exit status %d)", st);
		rc = HW_EIO;
		goto out;
	}
	unlink(csv.buf);
out:
	strbuf_release(&csv);
	return rc;
}

/* --- interruptions and children (bench.h) -------------------------------- */

volatile sig_atomic_t bench_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	bench_interrupted = 1;
}

void bench_signals_catch(struct bench_signals *saved)
{
	struct sigaction sa;

	bench_interrupted = 0;
	cli_signals_catch(&saved->sig, on_signal);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, &saved->pipe);
}

void bench_signals_restore(const struct bench_signals *saved)
{
	cli_signals_restore(&saved->sig);
	sigaction(SIGPIPE, &saved->pipe, NULL);
}

int bench_check_interrupt(const char *cmd)
{
	if (!bench_interrupted)
		return HW_OK;
	cli_error(cmd, "interrupted");
	return HW_EIO;
}

void bench_block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

void bench_unblock_signals(const sigset_t *old)
{
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

pid_t bench_spawn(const char *path, char *const argv[], const char *cwd,
		  int out_fd)
{
	return bench_spawn_as(path, argv, cwd, out_fd, NULL);
}

pid_t bench_spawn_as(const char *path, char *const argv[], const char *cwd,
		     int out_fd, const char *user)
{
	struct passwd *pw = NULL;
	uid_t uid = 0;
	gid_t gid = 0;
	sigset_t none;
	pid_t parent = getpid();
	pid_t pid;

	/* Looked up before the fork: getpwnam is not async-signal-safe. */
	if (user && geteuid() == 0) {
		if (!(pw = getpwnam(user))) {
			errno = ENOENT;
			return -1;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	pid = fork();
	if (pid != 0)
		return pid;
	if (out_fd >= 0) {
		dup2(out_fd, STDOUT_FILENO);
		dup2(out_fd, STDERR_FILENO);
	}
	if (cwd && chdir(cwd))
		_exit(126);
	setpgid(0, 0);
	/* The parent-death signal is cleared by a change of credentials, so
	 * it is asked for after it. */
	if (pw && (setgroups(0, NULL) || setgid(gid) || setuid(uid)))
		_exit(126);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
		_exit(126);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	execv(path, argv);
	_exit(127);
}

int bench_wait_child(pid_t pid)
{
	int status;
	bool stopped = false;

	for (;;) {
		if (bench_interrupted && !stopped) {
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

void bench_stop_child(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(-*pid, SIGTERM);
	kill(*pid, SIGTERM);
	bench_wait_child(*pid);
	*pid = 0;
}

/* --- finding and installing tools ---------------------------------------- */

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

char *bench_find_program(const char *name)
{
	char *p = find_in(getenv("PATH"), name);

	return p ? p : find_in("/usr/local/sbin:/usr/sbin:/sbin", name);
}

static int apt_get(const char *what, const char *package)
{
	char *argv[] = { (char *)"apt-get", (char *)what, (char *)"-y",
			 (char *)"-q", (char *)package, NULL };
	char *apt = bench_find_program("apt-get");
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int st = -1;
	pid_t pid;

	if (package == NULL)
		argv[4] = NULL;
	if (apt) {
		pid = bench_spawn(apt, argv, NULL, devnull);
		st = pid < 0 ? -1 : bench_wait_child(pid);
	}
	if (devnull >= 0)
		close(devnull);
	free(apt);
	return st;
}

int bench_find_tool(const char *cmd, const char *program, const char *package,
		    bool quiet, char **path)
{
	*path = bench_find_program(program);
	if (*path)
		return HW_OK;
	if (geteuid() != 0) {
		cli_error(cmd, "%s is needed and missing: install the Debian "
			  "package %s (as root: 'make deps', or apt-get install "
			  "%s)", program, package, package);
		return HW_EIO;
	}
	if (!quiet)
		fprintf(stderr, "installing %s...\n", package);
	/* apt-get must not ask; no thread exists yet to mind. */
	setenv("DEBIAN_FRONTEND", "noninteractive", 1);
	if (apt_get("install", package) != 0 &&
	    (apt_get("update", NULL) != 0 || apt_get("install", package) != 0)) {
		cli_error(cmd, "%s is missing and 'apt-get install -y %s' failed",
			  program, package);
		return HW_EIO;
	}
	*path = bench_find_program(program);
	if (!*path) {
		cli_error(cmd, "%s is installed but '%s' is not found", package,
			  program);
		return HW_EIO;
	}
	return bench_check_interrupt(cmd);
}

/* --- files in a scratch directory ---------------------------------------- */

int bench_write_file(const char *cmd, const char *dir, const char *name,
		     const struct strbuf *content, mode_t mode)
{
	struct strbuf p = STRBUF_INIT;
	int fd, rc = HW_OK;

	strbuf_addf(&p, "%s/%s", dir, name);
	fd = open(p.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, content->buf, content->len) !=
	    (ssize_t)content->len) {
		cli_error(cmd, "cannot write '%s': %s", p.buf, strerror(errno));
		rc = HW_EIO;
	}
	if (fd >= 0 && close(fd) && !rc) {
		cli_error(cmd, "cannot write '%s': %s", p.buf, strerror(errno));
		rc = HW_EIO;
	}
	/* open() applies the umask; nginx's workers need the mode given. */
	if (!rc)
		chmod(p.buf, mode);
	strbuf_release(&p);
	return rc;
}

int bench_make_dir(const char *cmd, const char *dir, const char *name,
		   mode_t mode)
{
	struct strbuf p = STRBUF_INIT;
	int rc = HW_OK;

	strbuf_addf(&p, "%s/%s", dir, name);
	if (mkdir(p.buf, mode) || chmod(p.buf, mode)) {
		cli_error(cmd, "cannot make '%s': %s", p.buf, strerror(errno));
		rc = HW_EIO;
	}
	strbuf_release(&p);
	return rc;
}

/* --- a small HTTP client ------------------------------------------------- */

int bench_connect_local(unsigned port)
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

unsigned bench_free_port(void)
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

int bench_wait_listening(const char *cmd, const char *what, unsigned port,
			 pid_t *pid, const char *log)
{
	int tries, fd, st;

	for (tries = 0; tries < 200; tries++) {
		if ((fd = bench_connect_local(port)) >= 0) {
			close(fd);
			return HW_OK;
		}
		if (waitpid(*pid, &st, WNOHANG) == *pid) {
			*pid = 0;
			break;
		}
		if (bench_check_interrupt(cmd))
			return HW_EIO;
		usleep(50000);
	}
	cli_error(cmd, "%s did not start on port %u; see its log: %s", what,
		  port, log);
	return HW_EIO;
}

int bench_http_call(unsigned port, const char *method, const char *path,
		    const char *token, const char *content_type,
		    const char *body, int *status, struct strbuf *resp,
		    struct strbuf *err)
{
	struct strbuf req = STRBUF_INIT, in = STRBUF_INIT;
	char buf[8192];
	const char *sep;
	size_t off = 0;
	ssize_t n;
	int fd = bench_connect_local(port), rc = HW_EIO;

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
		strbuf_addf(&req, "Content-Type: %s\r\nContent-Length: %zu\r\n",
			    content_type ? content_type : "application/json",
			    strlen(body));
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

/* --- nginx --------------------------------------------------------------- */

int bench_nginx_start(const char *cmd, struct bench_nginx *n)
{
	static const char *const temps[] = { "body", "proxy", "fastcgi",
					     "uwsgi", "scgi" };
	struct strbuf conf = STRBUF_INIT, p = STRBUF_INIT, log = STRBUF_INIT;
	struct strbuf prefix = STRBUF_INIT, outp = STRBUF_INIT;
	size_t i;
	int rc, fd;

	n->pid = 0;
	n->port = bench_free_port();
	if (!n->port) {
		cli_error(cmd, "cannot find a free port for nginx");
		rc = HW_EIO;
		goto out;
	}
	if ((rc = bench_make_dir(cmd, n->dir, "tmp", 0755)))
		goto out;
	strbuf_addf(&conf, "# Generated by homeward %s.\n"
		    "daemon off;\nmaster_process on;\n", cmd);
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
		    n->workers, n->connections + 256);
	for (i = 0; i < ARRAY_SIZE(temps); i++)
		strbuf_addf(&conf, "  %s_temp_path tmp/%s;\n",
			    strcmp(temps[i], "body") ? temps[i] : "client_body",
			    temps[i]);
	strbuf_addf(&conf,
		    "  server {\n"
		    "    listen 127.0.0.1:%u;\n"
		    "%s"
		    "  }\n"
		    "}\n", n->port, n->locations);
	if ((rc = bench_write_file(cmd, n->dir, "nginx.conf", &conf, 0644)))
		goto out;

	strbuf_addf(&prefix, "%s/", n->dir);
	strbuf_addf(&p, "%s/nginx.conf", n->dir);
	strbuf_addf(&log, "%s/nginx-error.log", n->dir);
	strbuf_addf(&outp, "%s/nginx.out", n->dir);
	{
		char *argv[] = { (char *)n->program, (char *)"-p", prefix.buf,
				 (char *)"-c", p.buf, (char *)"-e", log.buf, NULL };

		fd = open(outp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0600);
		n->pid = bench_spawn(n->program, argv, n->dir, fd);
		if (fd >= 0)
			close(fd);
	}
	if (n->pid < 0) {
		n->pid = 0;
		cli_error(cmd, "cannot start nginx: %s", strerror(errno));
		rc = HW_EIO;
		goto out;
	}
	rc = bench_wait_listening(cmd, "nginx", n->port, &n->pid, log.buf);
out:
	strbuf_release(&conf);
	strbuf_release(&p);
	strbuf_release(&log);
	strbuf_release(&prefix);
	strbuf_release(&outp);
	return rc;
}

/* --- wrk ----------------------------------------------------------------- */

#define WRK_TIMEOUT "10s"      /* an answer slower than this is an error */

int bench_check_wrk_range(const char *cmd, int64_t duration, int64_t connections,
			  int64_t threads)
{
	int rc;

	if ((rc = opt_check_range(cmd, "duration", duration, 1, 3600)) ||
	    (rc = opt_check_range(cmd, "connections", connections, 1, 10000)) ||
	    (rc = opt_check_range(cmd, "threads", threads, 1, 256)))
		return rc;
	if (connections >= threads)
		return HW_OK;
	cli_error(cmd, "option '--connections': %" PRId64 " is fewer than "
		  "--threads %" PRId64 " (wrk needs one per thread at least)",
		  connections, threads);
	return HW_EINPUT;
}

void bench_wrk_lua_common(struct strbuf *s, const char *cmd)
{
	strbuf_addf(s, "-- Generated by homeward %s.\n", cmd);
	strbuf_addstr(s,
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
}

/* The done() line in wrk's output; false if there is none. */
static bool parse_wrk(const char *out, struct bench_wrk_result *w)
{
	const char *line = strstr(out, "HWBENCH ");

	return line && sscanf(line, "HWBENCH %" SCNd64 " %" SCNd64 " %" SCNd64
			      " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64
			      " %lf %lf", &w->requests, &w->duration_us,
			      &w->status_errors, &w->connect, &w->read,
			      &w->write, &w->timeout, &w->p50_us,
			      &w->p99_us) == 9;
}

int bench_wrk_run(const char *cmd, const struct bench_wrk *run,
		  struct bench_wrk_result *w)
{
	struct strbuf outp = STRBUF_INIT, out = STRBUF_INIT;
	char threads[24], conns[24], dur[24];
	int fd, st, rc = HW_EIO;
	pid_t pid;

	memset(w, 0, sizeof(*w));
	snprintf(threads, sizeof(threads), "%" PRId64, run->threads);
	snprintf(conns, sizeof(conns), "%" PRId64, run->connections);
	snprintf(dur, sizeof(dur), "%" PRId64 "s", run->duration);
	strbuf_addf(&outp, "%s/wrk-%s.out", run->dir, run->key);
	if (!run->quiet)
		fprintf(stderr, "wrk: %s for %" PRId64 " s...\n", run->title,
			run->duration);
	fd = open(outp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		cli_error(cmd, "cannot write '%s': %s", outp.buf, strerror(errno));
		goto out;
	}
	{
		char *argv[] = { (char *)run->program, (char *)"-t", threads,
				 (char *)"-c", conns, (char *)"-d", dur,
				 (char *)"--timeout", (char *)WRK_TIMEOUT,
				 (char *)"-s", (char *)run->script,
				 (char *)run->url, NULL };
		pid = bench_spawn(run->program, argv, run->dir, fd);
		close(fd);
		st = pid < 0 ? -1 : bench_wait_child(pid);
	}
	if ((rc = bench_check_interrupt(cmd)))
		goto out;
	rc = HW_EIO;
	strbuf_read_file(&out, outp.buf, 0, NULL);
	if (st != 0 || !parse_wrk(out.buf, w)) {
		cli_error(cmd, "the %s run: wrk failed (exit status %d): %.500s",
			  run->key, st, out.buf);
		goto out;
	}
	if (w->status_errors || w->connect || w->read || w->write ||
	    w->timeout || !w->requests) {
		cli_error(cmd, "the %s run (%s) had errors: %" PRId64 " of %"
			  PRId64 " answers not 2xx or 3xx; socket errors: "
			  "%" PRId64 " connect, %" PRId64 " read, %" PRId64
			  " write, %" PRId64 " timeouts (over " WRK_TIMEOUT ")",
			  run->key, run->title, w->status_errors, w->requests,
			  w->connect, w->read, w->write, w->timeout);
		goto out;
	}
	rc = HW_OK;
out:
	strbuf_release(&outp);
	strbuf_release(&out);
	return rc;
}

double bench_wrk_rps(const struct bench_wrk_result *w)
{
	return w->duration_us > 0 ?
		(double)w->requests * 1e6 / (double)w->duration_us : 0;
}

static int bench_import(int argc, char **argv)
{
	int64_t people = 1000000;
	bool json = false;
	struct opt opts[] = {
		{ "people", OPT_INT, &people, "N", "registrants to generate (default 1000000)" },
		{ "json", OPT_FLAG, &json, NULL, "machine-readable output" },
		OPT_END,
	};
	char dir[64];
	struct strbuf csv = STRBUF_INIT, dbp = STRBUF_INIT, raw = STRBUF_INIT;
	struct strbuf err = STRBUF_INIT, cmd = STRBUF_INIT;
	struct db db = { 0 };
	bool created, have_dir = false;
	double t0, t_hw, t_sq, hw_rate, sq_rate;
	int64_t sq_rows, hw_rows;
	int rc, st;

	rc = opt_parse_only(opts, argc, argv);
	if (!rc)
		rc = opt_check_range("bench import", "people", people, 1, 200000000);
	if (rc)
		goto out;
	rc = HW_EINPUT;
	{
		char *probe[] = { (char *)"sqlite3", (char *)"-version", NULL };
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		st = run_program(probe, devnull);
		if (devnull >= 0)
			close(devnull);
		if (st != 0) {
			cli_error("bench import", "the sqlite3 shell is needed as the "
				  "baseline: install the Debian package sqlite3 "
				  "('make deps' does)");
			rc = HW_EIO;
			goto out;
		}
	}
	if ((rc = bench_scratch_dir("bench import", dir, sizeof(dir))))
		goto out;
	rc = HW_EIO;
	have_dir = true;
	strbuf_addf(&csv, "%s/people.csv", dir);
	strbuf_addf(&dbp, "%s/homeward.db", dir);
	strbuf_addf(&raw, "%s/sqlite3.db", dir);

	if (!json)
		fprintf(stderr, "generating %" PRId64 " registrants...\n", people);
	rc = bench_generate(csv.buf, people, &err);
	if (rc) {
		cli_error("bench import", "cannot generate: %s", err.buf);
		goto out;
	}

	rc = db_init(&db, dbp.buf, NULL, &created, &err);
	db_release(&db);
	if (rc) {
		cli_error("bench import", "%s", err.buf);
		goto out;
	}
	if (!json)
		fprintf(stderr, "importing with homeward...\n");
	/*
	 * Both engines run as the commands a user would type, each a process
	 * of its own timed from start to exit, and start with the file
	 * written out and nothing dirty in the page cache, so that neither
	 * pays for the other's writes.
	 */
	{
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		char *imp[] = { self, (char *)"import", (char *)"registrants",
				csv.buf, (char *)"--db", dbp.buf, NULL };
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (n <= 0) {
			cli_error("bench import", "cannot find this program: %s",
				  strerror(errno));
			rc = HW_EIO;
			goto out;
		}
		self[n] = '\0';
		sync();
		t0 = time_mono();
		st = run_program(imp, devnull);
		t_hw = time_mono() - t0;
		if (devnull >= 0)
			close(devnull);
	}
	hw_rows = sqlite3_count(dbp.buf, "SELECT count(*) FROM presence");
	if (st != 0 || hw_rows != people) {
		cli_error("bench import", "homeward imported %" PRId64 " rows of %"
			  PRId64 " (exit status %d)", hw_rows, people, st);
		rc = HW_EINTERNAL;
		goto out;
	}

	if (!json)
		fprintf(stderr, "loading with the sqlite3 shell's .import...\n");
	{
		static const char *const cols[] = { "external_id", "family_name",
			"given_name", "native_name", "sex", "date_of_birth",
			"nationality", "passport_no", "phone", "email", "language",
			"country", "city", "lat", "lon", "arrival", "departure",
			"purpose", "organisation", "party_id", "needs" };
		size_t i;
		char *create[4] = { (char *)"sqlite3", raw.buf, NULL, NULL };

		strbuf_addstr(&cmd, "CREATE TABLE registrant(");
		for (i = 0; i < ARRAY_SIZE(cols); i++)
			strbuf_addf(&cmd, "%s%s TEXT", i ? ", " : "", cols[i]);
		strbuf_addstr(&cmd, ");");
		create[2] = cmd.buf;
		if (run_program(create, -1) != 0) {
			cli_error("bench import", "sqlite3 could not create its table");
			rc = HW_EIO;
			goto out;
		}
		strbuf_reset(&cmd);
		strbuf_addf(&cmd, ".import --csv --skip 1 %s registrant", csv.buf);
		sync();
		create[2] = cmd.buf;
		t0 = time_mono();
		st = run_program(create, -1);
		t_sq = time_mono() - t0;
		sq_rows = sqlite3_count(raw.buf, "SELECT count(*) FROM registrant");
		if (st != 0 || sq_rows != people) {
			cli_error("bench import", "the sqlite3 shell loaded %" PRId64
				  " rows of %" PRId64, sq_rows, people);
			rc = HW_EIO;
			goto out;
		}
	}

	hw_rate = (double)people / t_hw;
	sq_rate = (double)people / t_sq;
	if (json) {
		printf("{\"rows\":%" PRId64 ",\"homeward_rows_per_s\":%.0f,"
		       "\"sqlite3_rows_per_s\":%.0f,\"ratio\":%.3f,"
		       "\"homeward_s\":%.3f,\"sqlite3_s\":%.3f}\n",
		       people, hw_rate, sq_rate, hw_rate / sq_rate, t_hw, t_sq);
	} else {
		printf("rows                  %12" PRId64 "\n", people);
		printf("homeward import       %12.0f rows/s  (%.2f s, validating, "
		       "normalising, sealing, indexing)\n", hw_rate, t_hw);
		printf("sqlite3 shell .import %12.0f rows/s  (%.2f s, one bare table)\n",
		       sq_rate, t_sq);
		printf("ratio                 %12.3f  (homeward / sqlite3)\n",
		       hw_rate / sq_rate);
	}
	rc = HW_OK;
out:
	if (have_dir)
		bench_remove_tree(dir);
	strbuf_release(&csv);
	strbuf_release(&dbp);
	strbuf_release(&raw);
	strbuf_release(&err);
	strbuf_release(&cmd);
	return rc;
}

static const struct subcommand benches[] = {
	{ "import", "bench import", bench_import,
	  "registrant CSV import against the sqlite3 shell's .import" },
	{ "geo", "bench geo", bench_geo,
	  "who is inside an area: against brute force, SQLite R*Tree and PostGIS" },
	{ "http", "bench http", bench_http,
	  "the HTTP server under wrk: persons and area counts against nginx" },
	{ "crisis", "bench crisis", bench_crisis,
	  "crisis response: roster, outbox, webhook and SMTP dispatch, check-ins" },
};

int cmd_bench(int argc, char **argv)
{
	return cli_dispatch("bench", benches, ARRAY_SIZE(benches), argc, argv);
}
