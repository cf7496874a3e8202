/*
 * cli.c: the option parser, the database path rule and progress lines that
 * every command uses (see cli.h).
 */
#include "core/homeward.h"
#include "core/cli.h"
#include "core/time.h"
#include "core/settings.h"

#include <math.h>
#include <time.h>
#include <unistd.h>

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "homeward %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const struct opt *find_opt(const struct opt *opts, const char *name,
				  size_t len)
{
	for (; opts && opts->name; opts++)
		if (strlen(opts->name) == len && !strncmp(opts->name, name, len))
			return opts;
	return NULL;
}

static int set_value(const char *cmd, const struct opt *o, const char *arg)
{
	char *end;

	switch (o->kind) {
	case OPT_STRING:
		*(const char **)o->value = arg;
		return HW_OK;
	case OPT_INT: {
		long long v;
		errno = 0;
		v = strtoll(arg, &end, 10);
		if (!*arg || *end || errno) {
			cli_error(cmd, "option '--%s': '%s' is not a whole number",
				  o->name, arg);
			return HW_EINPUT;
		}
		*(int64_t *)o->value = v;
		return HW_OK;
	}
	case OPT_DOUBLE: {
		double v;
		errno = 0;
		v = strtod(arg, &end);
		if (!*arg || *end || errno || !isfinite(v)) {
			cli_error(cmd, "option '--%s': '%s' is not a number",
				  o->name, arg);
			return HW_EINPUT;
		}
		*(double *)o->value = v;
		return HW_OK;
	}
	case OPT_FLAG:
		*(bool *)o->value = true;
		return HW_OK;
	}
	return HW_EINTERNAL;
}

int opt_check_range(const char *cmd, const char *name, int64_t v, int64_t min,
		    int64_t max)
{
	if (v >= min && v <= max)
		return HW_OK;
	cli_error(cmd, "option '--%s': %" PRId64 " is out of range (%" PRId64
		  " to %" PRId64 ")", name, v, min, max);
	return HW_EINPUT;
}

/*
 * `--NAME` that is not one of the command's own options: --config FILE
 * (any command), or a setting the command reads (settings.h), which goes
 * into the settings table as a flag. `eq` is the "=VALUE" part or NULL;
 * without it the value is the next argument (*i moves past it), but for a
 * true/false setting, which a bare flag turns on. HW_ENOTFOUND if it is
 * neither; HW_EINPUT after printing the problem.
 */
static int setting_flag(const char *cmd, const char *name, size_t len,
			const char *eq, int argc, char **argv, int *i)
{
	bool is_config = len == 6 && !strncmp(name, "config", 6);
	const struct setting *s = is_config ? NULL : setting_find(name, len);
	struct strbuf err = STRBUF_INIT;
	const char *v;
	char where[72];
	int rc;

	if (!is_config && (!s || !setting_applies(s, cmd)))
		return HW_ENOTFOUND;
	if (eq)
		v = eq + 1;
	else if (s && s->type == SETTING_BOOL)
		v = "true";
	else if (*i + 1 < argc)
		v = argv[++*i];
	else {
		cli_error(cmd, "option '--%.*s' needs a value", (int)len, name);
		return HW_EINPUT;
	}
	if (is_config) {
		rc = settings_load_file(v, &err);
		if (rc)
			cli_error(cmd, "%s", err.buf);
		strbuf_release(&err);
		return rc;
	} else {
		snprintf(where, sizeof(where), "--%s", s->name);
		rc = settings_set((enum setting_id)(s - settings_table()), v, SOURCE_FLAG,
				  where, &err);
		if (rc)
			cli_error(cmd, "--%s: %s", s->name, err.buf);
	}
	strbuf_release(&err);
	return rc ? HW_EINPUT : HW_OK;
}

static void (*help_printer)(const char *cmd);

void cli_set_help(void (*print)(const char *cmd))
{
	help_printer = print;
}

void cli_print_wrapped(const char *text, int indent, int width)
{
	int col = indent;

	while (*text) {
		size_t w = strcspn(text, " ");

		if (col > indent && col + 1 + (int)w > width) {
			printf("\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			putchar(' ');
			col++;
		}
		printf("%.*s", (int)w, text);
		col += (int)w;
		text += w;
		text += strspn(text, " ");
	}
	putchar('\n');
}

/* "--name ARG" in a column of its own, then the help, wrapped. */
static void print_option(const char *name, const char *arg, const char *help)
{
	char flag[64];

	snprintf(flag, sizeof(flag), "--%s%s%s", name, arg ? " " : "", arg ? arg : "");
	printf("  %-24s ", flag);
	if (strlen(flag) > 24)
		printf("\n%27s", "");
	cli_print_wrapped(help ? help : "", 27, 79);
}

void cli_print_help(const char *cmd, const struct opt *opts)
{
	const struct setting *t = settings_table();
	bool any = false;

	if (help_printer)
		help_printer(cmd);
	for (const struct opt *o = opts; o && o->name; o++) {
		/* The settings a command also takes as its own option (--db,
		 * --key) are listed once, below. */
		const struct setting *st = setting_find(o->name, strlen(o->name));

		if (st && setting_applies(st, cmd))
			continue;
		if (!any)
			printf("\nOptions:\n");
		any = true;
		print_option(o->name, o->arg, o->help);
	}
	any = false;
	for (size_t i = 0; i < SET_COUNT; i++) {
		const struct setting *s = &t[i];

		if (!setting_applies(s, cmd) || !strncmp(cmd, "config", 6))
			continue;
		if (!any)
			printf("\nSettings (a flag, else the environment, else --config "
			       "FILE's 'NAME = VALUE'):\n");
		any = true;
		print_option(s->name, s->arg, s->help);
		printf("%27s$%s, default %s\n", "", s->env ? s->env : "-",
		       setting_default_text(s));
	}
}

static bool is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

int opt_parse(const struct opt *opts, int argc, char **argv,
	      char **pos, int *npos)
{
	const char *cmd = argv[0];
	int i, n = 0;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (is_help(argv[i])) {
			cli_print_help(cmd, opts);
			fflush(stdout);
			exit(0);
		}
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq;
		const struct opt *o;
		size_t len;

		if (!strcmp(a, "--")) {
			while (++i < argc)
				pos[n++] = argv[i];
			break;
		}
		if (strncmp(a, "--", 2) || !a[2]) {
			if (a[0] == '-' && a[1]) {
				cli_error(cmd, "unknown option '%s' (see 'homeward %s --help')",
					  a, cmd);
				return HW_EINPUT;
			}
			pos[n++] = argv[i];
			continue;
		}
		a += 2;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		o = find_opt(opts, a, len);
		if (!o) {
			int rc = setting_flag(cmd, a, len, eq, argc, argv, &i);

			if (rc == HW_ENOTFOUND) {
				cli_error(cmd, "unknown option '--%.*s' (see 'homeward %s --help')",
					  (int)len, a, cmd);
				return HW_EINPUT;
			}
			if (rc)
				return rc;
			continue;
		}
		if (o->kind == OPT_FLAG) {
			if (eq) {
				cli_error(cmd, "option '--%s' takes no value", o->name);
				return HW_EINPUT;
			}
			set_value(cmd, o, "");
			continue;
		}
		if (!eq && i + 1 >= argc) {
			cli_error(cmd, "option '--%s' needs a value", o->name);
			return HW_EINPUT;
		}
		if (set_value(cmd, o, eq ? eq + 1 : argv[++i]))
			return HW_EINPUT;
	}
	*npos = n;
	return HW_OK;
}

int cli_dispatch(const char *cmd, const struct subcommand *subs, size_t n,
		 int argc, char **argv)
{
	size_t i;

	if (argc >= 2 && is_help(argv[1])) {
		cli_print_help(cmd, NULL);
		printf("\nSubcommands (each has --help):\n");
		for (i = 0; i < n; i++)
			printf("  %-10s %s\n", subs[i].name, subs[i].summary ? subs[i].summary : "");
		return HW_OK;
	}
	if (argc >= 2) {
		for (i = 0; i < n; i++)
			if (!strcmp(argv[1], subs[i].name)) {
				argv[1] = (char *)subs[i].fullname;
				return subs[i].fn(argc - 1, argv + 1);
			}
		cli_error(cmd, "unknown subcommand '%s'", argv[1]);
	} else {
		cli_error(cmd, "which subcommand?");
	}
	fprintf(stderr, "subcommands of '%s':\n", cmd);
	for (i = 0; i < n; i++)
		fprintf(stderr, "  %-8s %s\n", subs[i].name,
			subs[i].summary ? subs[i].summary : "");
	return HW_EINPUT;
}

int opt_parse_only(const struct opt *opts, int argc, char **argv)
{
	char **pos = xcalloc((size_t)argc, sizeof(*pos));
	int npos = 0, rc;

	rc = opt_parse(opts, argc, argv, pos, &npos);
	if (!rc && npos) {
		cli_error(argv[0], "unexpected argument '%s'", pos[0]);
		rc = HW_EINPUT;
	}
	free(pos);
	return rc;
}

const char *cli_db_path(const char *flag)
{
	/* A command's --db wins over the setting's file and environment
	 * values, as any flag does; it is not stored, because one process may
	 * open several databases (the benchmarks, the tests). */
	const char *v = flag && *flag ? flag : setting_str(SET_DB);

	return v ? v : "./homeward.db";
}

bool cli_progress_wanted(void)
{
	const char *when = setting_str(SET_PROGRESS);

	if (when && !strcmp(when, "on"))
		return true;
	if (when && !strcmp(when, "off"))
		return false;
	const char *ci = setting_str(SET_CI);

	if (ci && strcmp(ci, "false") && strcmp(ci, "0"))
		return false;
	return isatty(STDERR_FILENO);
}

void progress_start(struct progress *p, const char *label, uint64_t total)
{
	p->label = label;
	p->total = total;
	p->start = time_mono();
	p->last = 0;
	p->enabled = cli_progress_wanted();
}

static void progress_print(struct progress *p, uint64_t done, uint64_t rows,
			   double now)
{
	double rate = rows / fmax(now - p->start, 1e-9);

	if (p->total)
		fprintf(stderr, "\r%s %3d%% %" PRIu64 " rows, %.0f rows/s   ",
			p->label, (int)(100.0 * (double)done / (double)p->total),
			rows, rate);
	else
		fprintf(stderr, "\r%s %" PRIu64 " rows, %.0f rows/s   ",
			p->label, rows, rate);
	fflush(stderr);
}

void progress_update(struct progress *p, uint64_t done, uint64_t rows)
{
	double now;

	if (!p->enabled)
		return;
	now = time_mono();
	if (now - p->last < 0.2)
		return;
	p->last = now;
	progress_print(p, done, rows, now);
}

void progress_done(struct progress *p, uint64_t done, uint64_t rows)
{
	if (!p->enabled)
		return;
	progress_print(p, done, rows, time_mono());
	fputc('\n', stderr);
}

void cli_signals_catch(struct cli_signals *saved, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &saved->intr);
	sigaction(SIGTERM, &sa, &saved->term);
	sigaction(SIGHUP, &sa, &saved->hup);
}

void cli_signals_restore(const struct cli_signals *saved)
{
	sigaction(SIGINT, &saved->intr, NULL);
	sigaction(SIGTERM, &saved->term, NULL);
	sigaction(SIGHUP, &saved->hup, NULL);
}
