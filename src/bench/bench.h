/*
 * bench.h: `homeward bench`, speed measured as a ratio against a baseline
 * run in the same run (never as absolute times in tests).
 */
#ifndef HW_BENCH_H
#define HW_BENCH_H

#include "core/cli.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct strbuf;

/* The `homeward bench KIND` command; KINDs are listed in bench.c. */
int cmd_bench(int argc, char **argv);

/*
 * Write the benchmarks' population to `path`: `people` registrants of
 * nationality CN, seed 1, around today. HW_EIO / HW_EINPUT with a message.
 */
int bench_generate(const char *path, int64_t people, struct strbuf *err);

/*
 * Make the benchmarks' database in the scratch directory `dir`: generate
 * `people` registrants (bench_generate), create DIR/homeward.db with its
 * key file, and import them with this very program as a child process, as
 * a user would. `dbp` gets the database's path. Progress goes to stderr
 * unless `quiet`. HW_EIO / HW_EINPUT with a message in `err`.
 */
int bench_populate(const char *dir, int64_t people, bool quiet,
		   struct strbuf *dbp, struct strbuf *err);

/* Remove a scratch directory and everything under it. NULL-safe. */
void bench_remove_tree(const char *dir);

/*
 * Make a scratch directory /tmp/homeward-bench-XXXXXX for a run, its path
 * into dir[size] (at least 32 bytes). Under /tmp, not $TMPDIR: the
 * children of a run work in it under other users (nginx's workers as
 * nobody, PostgreSQL as postgres), and a private $TMPDIR would shut them
 * out. HW_OK, or HW_EIO after "homeward CMD: cannot make a scratch
 * directory: REASON".
 */
int bench_scratch_dir(const char *cmd, char *dir, size_t size);

/*
 * What the benchmarks that drive the server share before they start: the
 * reference geography loaded, a scratch directory (bench_scratch_dir; its
 * path into dir[size], *have_dir set once it exists) that children running
 * as other users may enter, and the database of `people` registrants in
 * it (bench_populate; its path into `dbp`). Messages name `cmd`; an
 * interruption ends it (bench_check_interrupt). HW_OK or the failure.
 */
int bench_prepare_run(const char *cmd, char *dir, size_t size, bool *have_dir,
		      int64_t people, bool quiet, struct strbuf *dbp);

/* ---- What the benchmarks that drive children share ----
 *
 * The benchmarks that run other programs (wrk, nginx, an SMTP sink) start
 * them as children in process groups of their own that die with this
 * process, and stop them on an interruption, so that ^C leaves nothing
 * behind. `cmd` below is the benchmark's name for messages ("bench http"),
 * which go to stderr through cli_error(). None of these is thread-safe
 * except where said; the spawning ones may run while threads exist.
 */

/* Set by SIGINT, SIGTERM and SIGHUP while bench_signals_catch() holds. */
extern volatile sig_atomic_t bench_interrupted;

/* The dispositions bench_signals_catch() replaced. */
struct bench_signals {
	struct cli_signals sig;
	struct sigaction pipe;
};

/*
 * Catch SIGINT, SIGTERM and SIGHUP (setting bench_interrupted, without
 * SA_RESTART, so that waits break off) and ignore SIGPIPE, saving the old
 * dispositions in `saved` for bench_signals_restore().
 */
void bench_signals_catch(struct bench_signals *saved);
void bench_signals_restore(const struct bench_signals *saved);

/* HW_EIO with "interrupted" said if an interrupting signal came. */
int bench_check_interrupt(const char *cmd);

/* Block the interrupting signals in this thread (the old mask in `old`),
 * so that threads created meanwhile never take them: ^C must land on the
 * main thread and break its waits. Undo with bench_unblock_signals(). */
void bench_block_signals(sigset_t *old);
void bench_unblock_signals(const sigset_t *old);

/*
 * Start the program at `path` (no shell) in `cwd` (NULL: here) with
 * stdout and stderr to `out_fd` (or inherited if < 0), leading a process
 * group of its own and getting SIGTERM if this process dies first. Only
 * async-signal-safe calls run between fork and exec, so threads may
 * exist. Its pid, or -1.
 */
pid_t bench_spawn(const char *path, char *const argv[], const char *cwd,
		  int out_fd);
/* bench_spawn() running as `user` (NULL: as this process) when this
 * process is root, so that the parent-death signal survives: a program
 * that drops its privileges itself loses it. -1 for an unknown user. */
pid_t bench_spawn_as(const char *path, char *const argv[], const char *cwd,
		     int out_fd, const char *user);
/* Wait for a child, stopping its process group if interrupted meanwhile;
 * its exit status, or -1 if it did not exit normally. */
int bench_wait_child(pid_t pid);
/* Stop a child's process group and reap it; *pid becomes 0. NULL-safe on
 * *pid <= 0. */
void bench_stop_child(pid_t *pid);

/* A program's path ($PATH, then the sbin directories an ordinary user's
 * PATH may lack), owned by the caller; NULL if not found. */
char *bench_find_program(const char *name);
/*
 * The path of `program` (owned by the caller) in *path. Root installs the
 * Debian `package` holding it with apt-get when it is missing (progress
 * to stderr unless `quiet`); anyone else is told what to install. Sets
 * DEBIAN_FRONTEND in the environment: call before any thread exists.
 * HW_EIO with the reason said.
 */
int bench_find_tool(const char *cmd, const char *program, const char *package,
		    bool quiet, char **path);

/* Files in a scratch directory: DIR/NAME with `mode` (the umask aside).
 * HW_EIO with the reason said. */
int bench_write_file(const char *cmd, const char *dir, const char *name,
		     const struct strbuf *content, mode_t mode);
int bench_make_dir(const char *cmd, const char *dir, const char *name,
		   mode_t mode);

/* A TCP connection to 127.0.0.1:`port` with 30 s timeouts, or -1. */
int bench_connect_local(unsigned port);
/* A loopback port nobody listens on now (someone may take it before the
 * caller does; the caller's server then fails to start and says so), or 0. */
unsigned bench_free_port(void);
/*
 * Wait up to 10 s for something to listen on `port`, as child `*pid`
 * should: HW_OK; else HW_EIO after saying that `what` did not start (see
 * `log`), with *pid set to 0 if the child has exited.
 */
int bench_wait_listening(const char *cmd, const char *what, unsigned port,
			 pid_t *pid, const char *log);
/*
 * One request to 127.0.0.1:`port` on a connection of its own, in HTTP/1.0
 * so that the answer ends where the connection does. `token` (or NULL)
 * goes as a Bearer token, `body` (or NULL) with `content_type` (NULL:
 * JSON). *status and the body in `resp`; HW_EIO with a message in `err`
 * if no answer came. Thread-safe.
 */
int bench_http_call(unsigned port, const char *method, const char *path,
		    const char *token, const char *content_type,
		    const char *body, int *status, struct strbuf *resp,
		    struct strbuf *err);

/*
 * nginx as a child, not a daemon, with its configuration (nginx.conf),
 * logs and temporary files in the scratch directory `dir`, listening on
 * a free loopback port, with `locations` as the body of its one server
 * block (after `listen`). Its workers run as nobody when we are root
 * (nginx's rule), so what they read must be readable by others.
 */
struct bench_nginx {
	const char *program;        /* nginx's path */
	const char *dir;            /* the scratch directory */
	int64_t workers, connections;
	const char *locations;      /* e.g. "root www;\n location / { }\n" */
	unsigned port;              /* set by bench_nginx_start */
	pid_t pid;                  /* 0 when not running */
};
/* Start it and wait until it listens: HW_OK, or HW_EIO said. Stop it with
 * bench_stop_child(&n->pid). */
int bench_nginx_start(const char *cmd, struct bench_nginx *n);

/* ---- wrk ---- */

struct bench_wrk_result {
	int64_t requests, duration_us;
	int64_t status_errors, connect, read, write, timeout;
	double p50_us, p99_us;
};

/* One wrk run: its script (a file in `dir`, where wrk runs) and target. */
struct bench_wrk {
	const char *program, *dir;
	const char *key;            /* names the run: messages, wrk-KEY.out */
	const char *title;          /* what it measures, for messages */
	const char *script;
	const char *url;
	int64_t threads, connections, duration;
	bool quiet;                 /* no progress line on stderr */
};

/*
 * The start of every script: a random seed per wrk thread that is the
 * same from run to run, and a done() hook printing the one line that
 * bench_wrk_run() parses. The caller adds its request() function.
 */
void bench_wrk_lua_common(struct strbuf *s, const char *cmd);
/* The options of a wrk run: --duration 1 to 3600 s, --connections 1 to
 * 10,000, --threads 1 to 256 and no more threads than connections (wrk
 * needs one each). HW_OK, or HW_EINPUT with a message naming the option. */
int bench_check_wrk_range(const char *cmd, int64_t duration, int64_t connections,
			  int64_t threads);
/*
 * Run wrk; fails, naming the run, on any answer that is not 2xx or 3xx,
 * any socket error (an answer slower than 10 s counts as one) or no
 * request at all: a fast wrong answer is no answer. HW_EIO said.
 */
int bench_wrk_run(const char *cmd, const struct bench_wrk *run,
		  struct bench_wrk_result *w);
/* Requests per second of a run (0 for an empty one). */
double bench_wrk_rps(const struct bench_wrk_result *w);

/* `homeward bench geo` (bench_geo.c): the geo engine against brute force,
 * SQLite's R*Tree and PostGIS. */
int bench_geo(int argc, char **argv);

/* `homeward bench http` (bench_http.c): the HTTP server under wrk,
 * against nginx serving a file of the same size. */
int bench_http(int argc, char **argv);

/* `homeward bench crisis` (bench_crisis.c): crisis response end to end
 * over a generated population: roster, outbox, dispatch, check-ins. */
int bench_crisis(int argc, char **argv);

#endif
