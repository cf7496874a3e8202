/*
 * cli.h: the command table and the option parser shared by all commands.
 *
 * Every command is a row of `commands[]` in main.c: its name, the function
 * that runs it, a usage line, a one-line summary and a longer help text.
 * `homeward help`, `homeward help CMD` and `CMD --help` are generated from
 * that table. A command function gets argv with argv[0] = the command's name
 * and returns HW_OK or an error code from err.h; main() turns that into the
 * exit status (2 for bad input, 1 for other failures). Commands print their
 * own error messages, prefixed "homeward CMD: ", to stderr.
 */
#ifndef HW_CLI_H
#define HW_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;   /* "gen --people N [--seed S] --out FILE.csv" */
	const char *summary; /* one line for `homeward help` */
	const char *help;    /* paragraphs and an option list */
	bool hidden;         /* test-* commands, not listed by `help` */
};

enum opt_kind {
	OPT_STRING, /* const char *: the argument, borrowed from argv */
	OPT_INT,    /* int64_t: a decimal integer */
	OPT_DOUBLE, /* double */
	OPT_FLAG,   /* bool: set to true, takes no argument */
};

struct opt {
	const char *name;   /* without the dashes: "people" for --people */
	enum opt_kind kind;
	void *value;        /* where to store it, of the type above */
	const char *arg;    /* the value's name in help: "N"; NULL for a flag */
	const char *help;   /* one line for the command's --help */
};
#define OPT_END { NULL, 0, NULL, NULL, NULL }
/* The options most commands share: the database and its key file (the
 * settings db and key, which a command's own flag overrides). */
#define OPT_DB(v) { "db", OPT_STRING, (v), "PATH", "the database" }
#define OPT_KEY(v) { "key", OPT_STRING, (v), "FILE", "the key file" }

/*
 * Parse `--name VALUE`, `--name=VALUE` and flags from argv[1..]; everything
 * else (and all after "--") is positional and collected, in order, into
 * pos[0..*npos) (pos must have room for argc entries). Returns HW_OK, or
 * HW_EINPUT after printing "homeward CMD: ..." naming the bad option.
 * An option given twice keeps its last value.
 *
 * Besides the command's own options: `--config FILE` reads a settings
 * file, and `--NAME VALUE` sets any setting the command reads
 * (settings.h: its `commands`), checked by the settings table. `--help`
 * (or -h) prints the command's help (cli_set_help), then its options from
 * `opts` and its settings from the settings table, and exits with status
 * 0: help is generated from the tables that parse.
 */
int opt_parse(const struct opt *opts, int argc, char **argv,
	      char **pos, int *npos);

/* opt_parse() for a command that takes no positional arguments: one is
 * refused with a message naming it. */
int opt_parse_only(const struct opt *opts, int argc, char **argv);

/*
 * Resolve the database path: `flag` if given, else the setting `db`
 * (settings file or $HOMEWARD_DB), else "./homeward.db". Borrowed.
 */
const char *cli_db_path(const char *flag);

/*
 * Commands with subcommands (mission add, user list, bench geo...) list
 * them in a table of these and hand argv to cli_dispatch(), which runs the
 * one named by argv[1] with argv[0] set to its full name ("mission add"),
 * so that option errors and messages name it. Unknown or missing: the
 * list (with summaries) goes to stderr and HW_EINPUT comes back.
 */
struct subcommand {
	const char *name;       /* "add" */
	const char *fullname;   /* "mission add" */
	int (*fn)(int argc, char **argv);
	const char *summary;    /* one line, or NULL */
};
int cli_dispatch(const char *cmd, const struct subcommand *subs, size_t n,
		 int argc, char **argv);

/*
 * The printer of a command's usage line and prose (main.c's command
 * table), for `cmd` ("serve", "mission add"): set once at start. opt_parse()
 * and cli_dispatch() call it for --help.
 */
void cli_set_help(void (*print)(const char *cmd));

/* Print `cmd`'s help: the prose, the options of `opts` (may be NULL) and
 * the settings `cmd` reads. To standard output. */
void cli_print_help(const char *cmd, const struct opt *opts);

/* Print `text` wrapped to lines of `width` columns, each after `indent`
 * spaces but the first (its indent is already printed), and a newline. */
void cli_print_wrapped(const char *text, int indent, int width);

/* An integer option's value `v` against its range: HW_OK, or HW_EINPUT
 * after "homeward CMD: option '--NAME': V is out of range (MIN to MAX)". */
int opt_check_range(const char *cmd, const char *name, int64_t v, int64_t min,
		    int64_t max);

/* Print "homeward CMD: " and the message to stderr. */
void cli_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A long command's interruptions: SIGINT, SIGTERM and SIGHUP go to
 * `handler` (installed without SA_RESTART, so that waits break off), the
 * old dispositions saved in `saved` for cli_signals_restore().
 */
struct cli_signals {
	struct sigaction intr, term, hup;
};
void cli_signals_catch(struct cli_signals *saved, void (*handler)(int));
void cli_signals_restore(const struct cli_signals *saved);

/* Whether to draw progress lines: the setting `progress` (on, off, or
 * auto: when stderr is a terminal and the setting `ci` is unset, false
 * or 0). */
bool cli_progress_wanted(void);

/*
 * A progress line on stderr, rewritten in place at most a few times a
 * second: "LABEL 45% 450000/1000000 rows 123456/s". Drawn only when
 * cli_progress_wanted() says so. Call progress_done() to end the line.
 */
struct progress {
	const char *label;
	uint64_t total;      /* 0 when unknown */
	double start;
	double last;
	bool enabled;
};
void progress_start(struct progress *p, const char *label, uint64_t total);
void progress_update(struct progress *p, uint64_t done, uint64_t rows);
void progress_done(struct progress *p, uint64_t done, uint64_t rows);

#endif
