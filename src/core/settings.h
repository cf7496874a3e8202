/*
 * settings.h: every setting of Homeward, in one typed table.
 *
 * A setting has a name ("smtp-url"), a type, a default, bounds, an
 * environment variable (HOMEWARD_SMTP_URL), help, and the commands that
 * read it. Its value comes from, in rising order of precedence: the
 * default, a settings file (`--config FILE`, lines of `name = value`), the
 * environment, and a command-line flag (`--smtp-url URL`, of a command
 * that reads it). Every path goes through this table, so a value is
 * checked the same way wherever it comes from, `homeward config` can show
 * each effective value with where it came from, and the help of each
 * command and docs/configuration.md list the same defaults. A module never
 * calls getenv(): it asks here.
 *
 * Values are process-wide. They are set on the main thread at start
 * (settings_init, then the command's file and flags) and only read
 * afterwards, from any thread, without a lock.
 */
#ifndef HW_SETTINGS_H
#define HW_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct strbuf;

enum setting_type {
	SETTING_STRING,
	SETTING_INT,     /* a whole number in [min, max] */
	SETTING_NUMBER,  /* a decimal number in [min, max] */
	SETTING_BOOL,    /* true/false, yes/no, on/off, 1/0; a bare flag is true */
	SETTING_CHOICE,  /* one of `choices`, "full|normal" */
};

/* Where a value came from, in rising order of precedence. */
enum setting_source {
	SOURCE_DEFAULT,
	SOURCE_FILE,
	SOURCE_ENV,
	SOURCE_FLAG,
};

enum setting_flags {
	SETTING_SECRET = 1,  /* never printed: `config` says only whether it is set */
};

/* The settings, by id: the rows of the table, in its order. */
enum setting_id {
	SET_DB, SET_KEY, SET_PROGRESS, SET_CI,
	/* serve */
	SET_LISTEN, SET_TLS_CERT, SET_TLS_KEY, SET_THREADS, SET_MAX_BODY,
	SET_SESSION_MINUTES, SET_QUIET, SET_CHECKIN_SYNC, SET_SMS_SECRET,
	/* the outbox: serve, notify, dispatch */
	SET_BASE_URL, SET_SMTP_URL, SET_SMTP_USER, SET_SMTP_PASSWORD,
	SET_MAIL_FROM, SET_SMS_URL, SET_SMS_TOKEN, SET_SMS_FORMAT,
	SET_RECEIPT_SECRET, SET_WEBHOOK_URL, SET_WEBHOOK_TOKEN,
	SET_EMAIL_RATE, SET_SMS_RATE, SET_WEBHOOK_RATE,
	SET_EMAIL_CONNECTIONS, SET_SMS_CONNECTIONS, SET_WEBHOOK_CONNECTIONS,
	SET_ATTEMPTS, SET_BACKOFF_MS, SET_BACKOFF_MAX_MS, SET_LEASE,
	SET_SEND_TIMEOUT, SET_ESCALATE_AFTER, SET_SMS_SEGMENTS, SET_POLL_MS,
	SET_COUNT
};

struct setting {
	const char *name;     /* "smtp-url": the flag --smtp-url, the file's key */
	enum setting_type type;
	const char *def;      /* the default as text; NULL: unset */
	int64_t min, max;     /* SETTING_INT and SETTING_NUMBER */
	const char *choices;  /* SETTING_CHOICE: "full|normal" */
	const char *env;      /* "HOMEWARD_SMTP_URL", or NULL */
	unsigned flags;       /* SETTING_* bits */
	const char *commands; /* the commands that read it: "serve notify" */
	const char *arg;      /* the flag's value in help: "URL" */
	const char *help;     /* one or two sentences */
};

/* The table: `SET_COUNT` rows, indexed by enum setting_id. Static. */
const struct setting *settings_table(void);

/* The setting named `name` (`len` bytes), or NULL. */
const struct setting *setting_find(const char *name, size_t len);

/* Does command `cmd` ("serve", or a subcommand's full name "mission add":
 * its first word counts) read setting `s`? `config` reads them all. */
bool setting_applies(const struct setting *s, const char *cmd);

/*
 * Set every value to its default, then take the environment's. HW_OK, or
 * HW_EINPUT with "HOMEWARD_THREADS: 'x' is not a whole number from 0 to
 * 256" in `err` for the first bad variable (its setting keeps its
 * default). Called once by main(); calling it again starts over.
 */
int settings_init(struct strbuf *err);

/* The first bad environment variable among the settings command `cmd`
 * reads (its message in `err`): HW_EINPUT; HW_OK if there is none. A
 * command is not stopped by a variable it does not read. */
int settings_env_check(const char *cmd, struct strbuf *err);

/*
 * Set `id` from text `v`, as coming from `source` (`where` names it in
 * `homeward config`: "--threads", "/etc/homeward.conf:3"). A value from a
 * source of lower precedence than the current one is checked but not
 * taken. HW_OK, or HW_EINPUT with "'v' is not ..." in `err` (the caller
 * says where), the value unchanged.
 */
int settings_set(enum setting_id id, const char *v, enum setting_source source,
		 const char *where, struct strbuf *err);

/*
 * Read a settings file: `name = value` lines; blank lines and lines that
 * start with '#' are skipped; a value may be put in double quotes to keep
 * spaces at its ends. All or nothing: on the first bad line, nothing is
 * taken and HW_EINPUT comes back with "cannot read settings 'PATH': line
 * N: reason" in `err` (an unknown name, a line without '=', a bad value,
 * a NUL byte); HW_EINPUT too when the file cannot be opened or is over
 * 1 MiB, HW_EIO when reading it fails.
 */
int settings_load_file(const char *path, struct strbuf *err);

/* The value of `id`: text (NULL when unset or empty), number, flag. The
 * getter must match the setting's type (a broken invariant otherwise). */
const char *setting_str(enum setting_id id);
int64_t setting_int(enum setting_id id);
double setting_num(enum setting_id id);
bool setting_bool(enum setting_id id);

/* Where the value of `id` came from, and the name of that place ("--db",
 * "HOMEWARD_DB", "FILE:LINE", "" for the default). */
enum setting_source setting_source(enum setting_id id, const char **where);

/* The value of `id` as `homeward config` shows it: the text, "(not set)",
 * or for a secret "(set, hidden)". Appended to `out`. */
void setting_show(enum setting_id id, struct strbuf *out);

/* The default as the help and docs show it: the text, "(none)". */
const char *setting_default_text(const struct setting *s);

/* The name of a source: "default", "file", "environment", "flag". */
const char *setting_source_name(enum setting_source source);

#endif
