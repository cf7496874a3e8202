/*
 * config.c: `homeward config`, which prints every setting of the settings
 * table (settings.h) with its effective value and where that came from,
 * and `homeward config --reference`, the table as docs/configuration.md
 * lists it (a test keeps the two equal).
 */
#include "core/homeward.h"
#include "core/config.h"

#include "core/cli.h"
#include "core/settings.h"

static const char *type_name(const struct setting *s)
{
	switch (s->type) {
	case SETTING_STRING: return "text";
	case SETTING_INT: return "integer";
	case SETTING_NUMBER: return "number";
	case SETTING_BOOL: return "true/false";
	case SETTING_CHOICE: return "choice";
	}
	return "?";
}

/* The allowed values, as docs/configuration.md gives them. */
static void add_range(struct strbuf *out, const struct setting *s)
{
	switch (s->type) {
	case SETTING_INT:
	case SETTING_NUMBER:
		strbuf_addf(out, "%" PRId64 " to %" PRId64, s->min, s->max);
		break;
	case SETTING_CHOICE:
		for (const char *p = s->choices; *p; p++)
			strbuf_addstr(out, *p == '|' ? ", " : (char[]){ *p, 0 });
		break;
	case SETTING_BOOL:
		strbuf_addstr(out, "true, false");
		break;
	case SETTING_STRING:
		break;
	}
}

/* Markdown table cells must not hold a bare '|'. */
static void add_cell(struct strbuf *out, const char *text)
{
	for (; *text; text++)
		if (*text == '|')
			strbuf_addstr(out, "\\|");
		else
			strbuf_add(out, text, 1);
}

static void print_reference(void)
{
	const struct setting *t = settings_table();
	struct strbuf out = STRBUF_INIT;

	strbuf_addstr(&out, "| setting | type | default | values | environment | "
		      "commands | what it does |\n|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < SET_COUNT; i++) {
		const struct setting *s = &t[i];

		strbuf_addf(&out, "| `%s` | %s%s | ", s->name, type_name(s),
			    s->flags & SETTING_SECRET ? ", secret" : "");
		if (s->def && *s->def) {
			strbuf_addstr(&out, "`");
			add_cell(&out, s->def);
			strbuf_addstr(&out, "`");
		} else {
			strbuf_addstr(&out, "(none)");
		}
		strbuf_addstr(&out, " | ");
		add_range(&out, s);
		strbuf_addf(&out, " | %s%s%s | ", s->env ? "`" : "", s->env ? s->env : "",
			    s->env ? "`" : "");
		add_cell(&out, s->commands);
		strbuf_addstr(&out, " | ");
		add_cell(&out, s->help);
		strbuf_addstr(&out, " |\n");
	}
	fputs(out.buf, stdout);
	strbuf_release(&out);
}

int cmd_config(int argc, char **argv)
{
	const struct setting *t = settings_table();
	bool reference = false;
	const struct opt opts[] = {
		{ "reference", OPT_FLAG, &reference, NULL, "the table of settings, as docs/configuration.md has it" },
		OPT_END,
	};
	struct strbuf line = STRBUF_INIT;
	int rc;

	if ((rc = opt_parse_only(opts, argc, argv)))
		return rc;
	if (reference) {
		print_reference();
		return HW_OK;
	}
	printf("%-20s %-32s %s\n", "SETTING", "VALUE", "FROM");
	for (size_t i = 0; i < SET_COUNT; i++) {
		const char *where;
		enum setting_source src = setting_source(i, &where);

		strbuf_reset(&line);
		setting_show(i, &line);
		printf("%-20s %-32s %s%s%s\n", t[i].name, line.buf,
		       setting_source_name(src), *where ? " " : "", where);
	}
	strbuf_release(&line);
	return HW_OK;
}
