/*
 * settings.c: the table of settings.h and the process's values.
 *
 * The table is the one place a setting is declared; adding one is a row
 * here and an id in settings.h (docs/architecture.md). Values are checked
 * by type and bounds when set, from whatever source, and kept as parsed
 * numbers beside their text, so that readers on hot paths pay nothing.
 */
#include "core/homeward.h"
#include "core/settings.h"

#include <math.h>
#include <pthread.h>

#define OUTBOX_CMDS "serve notify dispatch"
#define DB_CMDS "init import export stats query incident mission user audit " \
		"serve notify dispatch"

static const struct setting table[SET_COUNT] = {
	[SET_DB] = { "db", SETTING_STRING, "./homeward.db", 0, 0, NULL,
		"HOMEWARD_DB", 0, DB_CMDS, "PATH",
		"The database file." },
	[SET_KEY] = { "key", SETTING_STRING, NULL, 0, 0, NULL, "HOMEWARD_KEY", 0,
		"init import export query serve", "FILE",
		"The key file that seals sensitive fields; unset: the database's "
		"path with '.key' added." },
	[SET_PROGRESS] = { "progress", SETTING_CHOICE, "auto", 0, 0, "auto|on|off",
		"HOMEWARD_PROGRESS", 0, "import gen bench", "WHEN",
		"Progress lines on standard error: auto shows them when it is a "
		"terminal and the ci setting is off." },
	[SET_CI] = { "ci", SETTING_STRING, NULL, 0, 0, NULL, "CI", 0,
		"import gen bench", "TEXT",
		"Set by continuous-integration systems (CI=true, CI=woodpecker...): "
		"any value but false or 0 turns progress lines off." },
	[SET_LISTEN] = { "listen", SETTING_STRING, "127.0.0.1:8080", 0, 0, NULL,
		"HOMEWARD_LISTEN", 0, "serve", "ADDR:PORT",
		"Where the server listens; port 0 picks a free one, printed at start." },
	[SET_TLS_CERT] = { "tls-cert", SETTING_STRING, NULL, 0, 0, NULL,
		"HOMEWARD_TLS_CERT", 0, "serve", "FILE",
		"Serve HTTPS with this PEM certificate (chain); needs tls-key." },
	[SET_TLS_KEY] = { "tls-key", SETTING_STRING, NULL, 0, 0, NULL,
		"HOMEWARD_TLS_KEY", 0, "serve", "FILE",
		"The PEM private key of tls-cert." },
	[SET_THREADS] = { "threads", SETTING_INT, "0", 0, 256, NULL,
		"HOMEWARD_THREADS", 0, "serve", "N",
		"Worker threads of the server; 0: one per core." },
	[SET_MAX_BODY] = { "max-body", SETTING_INT, "1048576", 1024, 1 << 30, NULL,
		"HOMEWARD_MAX_BODY", 0, "serve", "BYTES",
		"The largest request body the server reads." },
	[SET_SESSION_MINUTES] = { "session-minutes", SETTING_INT, "480", 1,
		60 * 24 * 30, NULL, "HOMEWARD_SESSION_MINUTES", 0, "serve", "M",
		"How long a sign-in lasts." },
	[SET_QUIET] = { "quiet", SETTING_BOOL, "false", 0, 0, NULL,
		"HOMEWARD_QUIET", 0, "serve", NULL,
		"No request log on standard error." },
	[SET_CHECKIN_SYNC] = { "checkin-sync", SETTING_CHOICE, "full", 0, 0,
		"full|normal", "HOMEWARD_CHECKIN_SYNC", 0, "serve", "MODE",
		"How durable an acknowledged check-in is: full survives a power loss "
		"(the log is synced at each group commit), normal a crash of the "
		"server only." },
	[SET_SMS_SECRET] = { "sms-secret", SETTING_STRING, NULL, 0, 0, NULL,
		"HOMEWARD_SMS_SECRET", SETTING_SECRET, "serve", "TEXT",
		"The secret the SMS gateway sends in X-Webhook-Secret with inbound "
		"replies; unset: inbound SMS is refused." },
	[SET_BASE_URL] = { "base-url", SETTING_STRING, "http://127.0.0.1:8080", 0, 0,
		NULL, "HOMEWARD_BASE_URL", 0, OUTBOX_CMDS, "URL",
		"The public address of the server, for the check-in links in "
		"messages (BASE-URL/c/TOKEN)." },
	[SET_SMTP_URL] = { "smtp-url", SETTING_STRING, NULL, 0, 0, NULL,
		"HOMEWARD_SMTP_URL", 0, OUTBOX_CMDS, "URL",
		"The mail server, smtp://HOST:PORT or smtps://HOST:PORT; unset: no "
		"e-mail channel." },
	[SET_SMTP_USER] = { "smtp-user", SETTING_STRING, NULL, 0, 0, NULL,
		"HOMEWARD_SMTP_USER", 0, OUTBOX_CMDS, "NAME",
		"The mail server's user name, if it asks for one." },
	[SET_SMTP_PASSWORD] = { "smtp-password", SETTING_STRING, NULL, 0, 0, NULL,
		"HOMEWARD_SMTP_PASSWORD", SETTING_SECRET, OUTBOX_CMDS, "TEXT",
		"The mail server's password." },
	[SET_MAIL_FROM] = { "mail-from", SETTING_STRING,
		"Homeward <homeward@localhost>", 0, 0, NULL, "HOMEWARD_MAIL_FROM", 0,
		OUTBOX_CMDS, "ADDRESS", "The sender of e-mails: \"Name <address>\" "
		"or an address." },
	[SET_SMS_URL] = { "sms-url", SETTING_STRING, NULL, 0, 0, NULL,
		"HOMEWARD_SMS_URL", 0, OUTBOX_CMDS, "URL",
		"The SMS gateway's endpoint for sending (POST); unset: no SMS channel." },
	[SET_SMS_TOKEN] = { "sms-token", SETTING_STRING, NULL, 0, 0, NULL,
		"HOMEWARD_SMS_TOKEN", SETTING_SECRET, OUTBOX_CMDS, "TEXT",
		"Sent to the SMS gateway as Authorization: Bearer TOKEN." },
	[SET_SMS_FORMAT] = { "sms-format", SETTING_CHOICE, "json", 0, 0, "json|form",
		"HOMEWARD_SMS_FORMAT", 0, OUTBOX_CMDS, "FORMAT",
		"How a message is posted to the SMS gateway." },
	[SET_RECEIPT_SECRET] = { "receipt-secret", SETTING_STRING, NULL, 0, 0, NULL,
		"HOMEWARD_RECEIPT_SECRET", SETTING_SECRET, OUTBOX_CMDS, "TEXT",
		"Delivery receipts must carry this secret; unset: receipts are refused." },
	[SET_WEBHOOK_URL] = { "webhook-url", SETTING_STRING, NULL, 0, 0, NULL,
		"HOMEWARD_WEBHOOK_URL", 0, OUTBOX_CMDS, "URL",
		"Where messages of the web-hook channel are posted; unset: no such "
		"channel." },
	[SET_WEBHOOK_TOKEN] = { "webhook-token", SETTING_STRING, NULL, 0, 0, NULL,
		"HOMEWARD_WEBHOOK_TOKEN", SETTING_SECRET, OUTBOX_CMDS, "TEXT",
		"Sent to the web hook as Authorization: Bearer TOKEN." },
	[SET_EMAIL_RATE] = { "email-rate", SETTING_NUMBER, "0", 0, 1000000, NULL,
		"HOMEWARD_EMAIL_RATE", 0, OUTBOX_CMDS, "PER_S",
		"The most e-mails sent per second; 0: no limit." },
	[SET_SMS_RATE] = { "sms-rate", SETTING_NUMBER, "0", 0, 1000000, NULL,
		"HOMEWARD_SMS_RATE", 0, OUTBOX_CMDS, "PER_S",
		"The most SMS sent per second; 0: no limit." },
	[SET_WEBHOOK_RATE] = { "webhook-rate", SETTING_NUMBER, "0", 0, 1000000, NULL,
		"HOMEWARD_WEBHOOK_RATE", 0, OUTBOX_CMDS, "PER_S",
		"The most web-hook posts per second; 0: no limit." },
	[SET_EMAIL_CONNECTIONS] = { "email-connections", SETTING_INT, "4", 1, 64,
		NULL, "HOMEWARD_EMAIL_CONNECTIONS", 0, OUTBOX_CMDS, "N",
		"E-mails in flight at once." },
	[SET_SMS_CONNECTIONS] = { "sms-connections", SETTING_INT, "16", 1, 256,
		NULL, "HOMEWARD_SMS_CONNECTIONS", 0, OUTBOX_CMDS, "N",
		"SMS in flight at once." },
	[SET_WEBHOOK_CONNECTIONS] = { "webhook-connections", SETTING_INT, "16", 1,
		256, NULL, "HOMEWARD_WEBHOOK_CONNECTIONS", 0, OUTBOX_CMDS, "N",
		"Web-hook posts in flight at once." },
	[SET_ATTEMPTS] = { "attempts", SETTING_INT, "6", 1, 100, NULL,
		"HOMEWARD_ATTEMPTS", 0, OUTBOX_CMDS, "N",
		"Attempts at one message before it is dead (resend it with "
		"'homeward outbox resend')." },
	[SET_BACKOFF_MS] = { "backoff-ms", SETTING_INT, "2000", 1, 3600000, NULL,
		"HOMEWARD_BACKOFF_MS", 0, OUTBOX_CMDS, "MS",
		"The delay before the first retry; it doubles at each retry." },
	[SET_BACKOFF_MAX_MS] = { "backoff-max-ms", SETTING_INT, "600000", 1,
		86400000, NULL, "HOMEWARD_BACKOFF_MAX_MS", 0, OUTBOX_CMDS, "MS",
		"The longest delay between retries." },
	[SET_LEASE] = { "lease", SETTING_INT, "120", 2, 86400, NULL,
		"HOMEWARD_LEASE", 0, OUTBOX_CMDS, "S",
		"How long a dispatcher's claim on a message lasts; a claim left by a "
		"stopped dispatcher is taken again after it." },
	[SET_SEND_TIMEOUT] = { "send-timeout", SETTING_INT, "30", 1, 600, NULL,
		"HOMEWARD_SEND_TIMEOUT", 0, OUTBOX_CMDS, "S",
		"The time limit of one send." },
	[SET_ESCALATE_AFTER] = { "escalate-after", SETTING_INT, "1800", 0,
		30 * 86400, NULL, "HOMEWARD_ESCALATE_AFTER", 0, OUTBOX_CMDS, "S",
		"A person who has not answered this long after being reached is "
		"messaged on the next channel; 0: never." },
	[SET_SMS_SEGMENTS] = { "sms-segments", SETTING_INT, "3", 1, 10, NULL,
		"HOMEWARD_SMS_SEGMENTS", 0, OUTBOX_CMDS, "N",
		"The most segments one SMS may take; longer texts are cut." },
	[SET_POLL_MS] = { "poll-ms", SETTING_INT, "500", 10, 60000, NULL,
		"HOMEWARD_POLL_MS", 0, OUTBOX_CMDS, "MS",
		"How often an idle dispatcher looks for work." },
};

struct value {
	char *text;                /* normalised; NULL: unset */
	char *env_error;           /* why its environment variable was refused */
	int64_t i;
	double d;
	bool b;
	enum setting_source source;
	char where[160];
};

static struct value values[SET_COUNT];
static pthread_once_t defaults_once = PTHREAD_ONCE_INIT;

/* Every value at its default. */
static void load_defaults(void)
{
	for (size_t i = 0; i < SET_COUNT; i++) {
		free(values[i].text);
		free(values[i].env_error);
		memset(&values[i], 0, sizeof(values[i]));
		if (table[i].def)
			settings_set(i, table[i].def, SOURCE_DEFAULT, "", NULL);
		else if (table[i].type == SETTING_INT || table[i].type == SETTING_NUMBER)
			abort();  /* a number without a default: the table is wrong */
	}
}

/* A program that never called settings_init() (a unit test, a fuzz
 * target) still reads the defaults. */
static void ensure_defaults(void)
{
	pthread_once(&defaults_once, load_defaults);
}

const struct setting *settings_table(void)
{
	return table;
}

const struct setting *setting_find(const char *name, size_t len)
{
	for (size_t i = 0; i < SET_COUNT; i++)
		if (strlen(table[i].name) == len && !memcmp(table[i].name, name, len))
			return &table[i];
	return NULL;
}

bool setting_applies(const struct setting *s, const char *cmd)
{
	size_t n = strcspn(cmd, " ");
	const char *p = s->commands;

	if (n == 6 && !memcmp(cmd, "config", 6))
		return true;
	while (*p) {
		size_t k = strcspn(p, " ");
		if (k == n && !memcmp(p, cmd, n))
			return true;
		p += k;
		p += strspn(p, " ");
	}
	return false;
}

static bool word_in(const char *w, const char *list)
{
	size_t n = strlen(w);

	while (*list) {
		size_t k = strcspn(list, "|");
		if (k == n && !strncasecmp(list, w, n))
			return true;
		list += k;
		if (*list == '|')
			list++;
	}
	return false;
}

/* Check `v` against `s` and fill `out` (its text is newly allocated). */
static int parse(const struct setting *s, const char *v, struct value *out,
		 struct strbuf *err)
{
	char *end;

	memset(out, 0, sizeof(*out));
	switch (s->type) {
	case SETTING_STRING:
		break;
	case SETTING_INT: {
		long long n;
		errno = 0;
		n = strtoll(v, &end, 10);
		if (!*v || *end || errno || n < s->min || n > s->max) {
			strbuf_addf(err, "'%s' is not a whole number from %" PRId64
				    " to %" PRId64, v, s->min, s->max);
			return HW_EINPUT;
		}
		out->i = n;
		break;
	}
	case SETTING_NUMBER: {
		double d;
		errno = 0;
		d = strtod(v, &end);
		if (!*v || *end || errno || !isfinite(d) || d < (double)s->min ||
		    d > (double)s->max) {
			strbuf_addf(err, "'%s' is not a number from %" PRId64 " to %"
				    PRId64, v, s->min, s->max);
			return HW_EINPUT;
		}
		out->d = d;
		break;
	}
	case SETTING_BOOL:
		if (word_in(v, "true|yes|on|1"))
			out->b = true;
		else if (!word_in(v, "false|no|off|0")) {
			strbuf_addf(err, "'%s' is not true or false", v);
			return HW_EINPUT;
		}
		out->text = xstrdup(out->b ? "true" : "false");
		return HW_OK;
	case SETTING_CHOICE: {
		if (!word_in(v, s->choices)) {
			struct strbuf list = STRBUF_INIT;

			strbuf_addstr(&list, s->choices);
			for (size_t i = 0; i < list.len; i++)
				if (list.buf[i] == '|')
					list.buf[i] = ',';
			strbuf_addf(err, "'%s' is not one of %s", v, list.buf);
			strbuf_release(&list);
			return HW_EINPUT;
		}
		out->text = xstrdup(v);
		for (char *p = out->text; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		return HW_OK;
	}
	}
	out->text = xstrdup(v);
	return HW_OK;
}

int settings_set(enum setting_id id, const char *v, enum setting_source source,
		 const char *where, struct strbuf *err)
{
	struct strbuf ignored = STRBUF_INIT;
	struct value nv;
	char *keep;
	int rc;

	assert(id >= 0 && id < SET_COUNT);
	if (source != SOURCE_DEFAULT)
		ensure_defaults();
	rc = parse(&table[id], v ? v : "", &nv, err ? err : &ignored);
	strbuf_release(&ignored);
	if (rc)
		return rc;
	if (source < values[id].source) {
		free(nv.text);
		return HW_OK;
	}
	/* A refused environment value stays refused under a file's value; a
	 * flag (or a good environment value) makes it moot. */
	keep = values[id].env_error;
	if (source >= SOURCE_ENV) {
		free(keep);
		keep = NULL;
	}
	free(values[id].text);
	values[id] = nv;
	values[id].env_error = keep;
	values[id].source = source;
	snprintf(values[id].where, sizeof(values[id].where), "%s", where ? where : "");
	return HW_OK;
}

int settings_init(struct strbuf *err)
{
	int rc = HW_OK;

	ensure_defaults();
	load_defaults();
	for (size_t i = 0; i < SET_COUNT; i++) {
		/* Settings read from the environment are never empty: an empty
		 * variable is as good as none (HOMEWARD_DB= means the default). */
		const char *v = table[i].env ? getenv(table[i].env) : NULL;
		struct strbuf why = STRBUF_INIT;

		if (!v || !*v)
			continue;
		if (settings_set(i, v, SOURCE_ENV, table[i].env, &why)) {
			struct strbuf msg = STRBUF_INIT;

			strbuf_addf(&msg, "%s: %s", table[i].env, why.buf);
			if (!rc)
				strbuf_addbuf(err, &msg);
			values[i].env_error = strbuf_detach(&msg, NULL);
			rc = HW_EINPUT;
		}
		strbuf_release(&why);
	}
	return rc;
}

int settings_env_check(const char *cmd, struct strbuf *err)
{
	ensure_defaults();
	for (size_t i = 0; i < SET_COUNT; i++)
		if (values[i].env_error && setting_applies(&table[i], cmd)) {
			strbuf_addstr(err, values[i].env_error);
			return HW_EINPUT;
		}
	return HW_OK;
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

int settings_load_file(const char *path, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT, why = STRBUF_INIT, val = STRBUF_INIT;
	struct { enum setting_id id; char *v; int line; } *got = NULL;
	size_t ngot = 0, alloc = 0;
	const char *p, *end;
	int line = 0, rc = HW_OK;

	if ((rc = strbuf_read_file(&text, path, 1 << 20, &why))) {
		strbuf_addf(err, "cannot read the settings file: %s", why.buf);
		goto out;
	}
	if (memchr(text.buf, '\0', text.len)) {
		strbuf_addf(err, "cannot read settings '%s': it holds a NUL byte "
			    "(a settings file is text)", path);
		rc = HW_EINPUT;
		goto out;
	}
	for (p = text.buf; *p && !rc; p = *end ? end + 1 : end) {
		const char *s = p, *eq, *ks, *ke, *vs, *ve;
		const struct setting *st;

		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		line++;
		ks = s;
		ke = end;
		trim(&ks, &ke);
		if (ks == ke || *ks == '#')
			continue;
		eq = memchr(ks, '=', (size_t)(ke - ks));
		if (!eq) {
			strbuf_addf(&why, "no '=' (lines are 'name = value')");
			rc = HW_EINPUT;
			break;
		}
		vs = eq + 1;
		ve = ke;
		ke = eq;
		trim(&ks, &ke);
		trim(&vs, &ve);
		if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
			vs++;
			ve--;
		}
		st = setting_find(ks, (size_t)(ke - ks));
		if (!st) {
			strbuf_addf(&why, "'%.*s' is not a setting (see 'homeward config')",
				    (int)(ke - ks > 64 ? 64 : ke - ks), ks);
			rc = HW_EINPUT;
			break;
		}
		strbuf_reset(&val);
		strbuf_add(&val, vs, (size_t)(ve - vs));
		{
			struct value probe;

			if (parse(st, val.buf, &probe, &why)) {
				struct strbuf r = STRBUF_INIT;

				strbuf_addbuf(&r, &why);
				strbuf_reset(&why);
				strbuf_addf(&why, "%s: %s", st->name, r.buf);
				strbuf_release(&r);
				rc = HW_EINPUT;
				break;
			}
			free(probe.text);
		}
		ALLOC_GROW(got, ngot + 1, alloc);
		got[ngot].id = (enum setting_id)(st - table);
		got[ngot].v = strbuf_detach(&val, NULL);
		got[ngot].line = line;
		ngot++;
	}
	if (rc) {
		strbuf_addf(err, "cannot read settings '%s': line %d: %s", path, line,
			    why.buf);
		goto out;
	}
	for (size_t i = 0; i < ngot; i++) {
		char where[160];

		snprintf(where, sizeof(where), "%s:%d", path, got[i].line);
		settings_set(got[i].id, got[i].v, SOURCE_FILE, where, err);
	}
out:
	for (size_t i = 0; i < ngot; i++)
		free(got[i].v);
	free(got);
	strbuf_release(&text);
	strbuf_release(&why);
	strbuf_release(&val);
	return rc;
}

const char *setting_str(enum setting_id id)
{
	ensure_defaults();
	assert(table[id].type == SETTING_STRING || table[id].type == SETTING_CHOICE);
	return values[id].text && *values[id].text ? values[id].text : NULL;
}

int64_t setting_int(enum setting_id id)
{
	ensure_defaults();
	assert(table[id].type == SETTING_INT);
	return values[id].i;
}

double setting_num(enum setting_id id)
{
	ensure_defaults();
	assert(table[id].type == SETTING_NUMBER);
	return values[id].d;
}

bool setting_bool(enum setting_id id)
{
	ensure_defaults();
	assert(table[id].type == SETTING_BOOL);
	return values[id].b;
}

enum setting_source setting_source(enum setting_id id, const char **where)
{
	ensure_defaults();
	if (where)
		*where = values[id].where;
	return values[id].source;
}

void setting_show(enum setting_id id, struct strbuf *out)
{
	const char *v;

	ensure_defaults();
	v = values[id].text;
	if (!v || !*v)
		strbuf_addstr(out, "(not set)");
	else if (table[id].flags & SETTING_SECRET)
		strbuf_addstr(out, "(set, hidden)");
	else
		strbuf_addstr(out, v);
}

const char *setting_default_text(const struct setting *s)
{
	return s->def && *s->def ? s->def : "(none)";
}

const char *setting_source_name(enum setting_source source)
{
	switch (source) {
	case SOURCE_DEFAULT: return "default";
	case SOURCE_FILE: return "file";
	case SOURCE_ENV: return "environment";
	case SOURCE_FLAG: return "flag";
	}
	return "?";
}
