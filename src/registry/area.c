/*
 * area.c: areas as given (area.h). The geometry is the geo wing's
 * (geoarea.h); this file knows the ways of giving it, which need the CAP
 * reader (interop) and the missions (registry), and so sits above both.
 */
#include "core/homeward.h"
#include "registry/area.h"

#include "geo/geoarea.h"
#include "interop/cap.h"
#include "registry/mission.h"
#include "store/store.h"

/* A CAP alert: the message, whole and valid, and its shapes, from one
 * parse. */
static int parse_cap(const struct area_spec *spec, struct geoarea *a,
		     struct strbuf *why)
{
	struct cap_message m;
	int rc;

	cap_message_init(&m);
	rc = cap_parse(&m, spec->text, spec->len, why);
	if (!rc && geoarea_is_empty(&m.area)) {
		strbuf_addbuf(why, &m.no_area);
		rc = HW_EINPUT;
	}
	if (!rc)
		geoarea_move(a, &m.area);
	cap_message_release(&m);
	return rc;
}

int area_spec_parse(const struct area_spec *spec, struct store *st,
		    struct geoarea *a, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	char *text = NULL;
	size_t n = 0;
	int rc = HW_EINPUT;

	if (!spec->kind) {
		strbuf_addstr(err, "area: none given");
		return HW_EINPUT;
	}
	if (!strcmp(spec->kind, "cap")) {
		rc = parse_cap(spec, a, &why);
	} else if (!strcmp(spec->kind, "geojson")) {
		rc = geoarea_parse_geojson(a, spec->text, spec->len, &why);
	} else if (!strcmp(spec->kind, "circle")) {
		text = xstrndup(spec->text, spec->len);
		rc = geoarea_parse_circle_arg(a, text, &why);
	} else if (!strcmp(spec->kind, "countries")) {
		rc = geoarea_add_countries(a, spec->text, spec->len, &n, &why);
		if (!rc && !n) {
			strbuf_addstr(&why, "no country given");
			rc = HW_EINPUT;
		}
	} else if (!strcmp(spec->kind, "mission")) {
		text = xstrndup(spec->text, spec->len);
		if (st) {
			rc = mission_add_area(st, text, a, &why);
		} else {
			/* A stored area never is one: a mission's jurisdiction
			 * is kept as its countries (area_opts_spec). */
			strbuf_addstr(&why, "a mission's area needs the database");
			rc = HW_EINTERNAL;
		}
	} else {
		strbuf_addf(&why, "unknown kind of area");
	}
	/* Messages that already name what was wrong (mission 'X' ...) are
	 * not prefixed again. */
	if (rc && !strncmp(why.buf, spec->kind, strlen(spec->kind)))
		strbuf_addbuf(err, &why);
	else if (rc)
		strbuf_addf(err, "%s: %s", spec->kind, why.buf);
	free(text);
	strbuf_release(&why);
	return rc;
}

int area_opts_given(const struct area_opts *o)
{
	return !!o->circle + !!o->polygon + !!o->cap + !!o->country + !!o->mission;
}

/* Option `kind`'s value `v` as a spec: a file's text read into `text`. */
static int opt_spec(const char *kind, const char *v, struct area_spec *spec,
		    struct strbuf *text, struct strbuf *err)
{
	int rc;

	spec->kind = kind;
	if (!strcmp(kind, "cap") || !strcmp(kind, "geojson")) {
		strbuf_reset(text);
		if ((rc = strbuf_read_file(text, v, AREA_MAX_INPUT, err)))
			return rc;
		spec->text = text->buf;
		spec->len = text->len;
	} else {
		spec->text = v;
		spec->len = strlen(v);
	}
	return HW_OK;
}

/* The options in a fixed order, with the kind each gives. */
#define EACH_OPTION(o) { \
	{ "circle", (o)->circle }, { "geojson", (o)->polygon }, \
	{ "cap", (o)->cap }, { "countries", (o)->country }, \
	{ "mission", (o)->mission } }

int area_opts_add(const struct area_opts *o, struct store *st,
		  struct geoarea *a, struct strbuf *err)
{
	const struct { const char *kind, *v; } opts[] = EACH_OPTION(o);
	struct strbuf text = STRBUF_INIT;
	struct area_spec spec;
	int rc = HW_OK;

	for (size_t i = 0; i < ARRAY_SIZE(opts) && !rc; i++)
		if (opts[i].v && !(rc = opt_spec(opts[i].kind, opts[i].v, &spec,
						 &text, err)))
			rc = area_spec_parse(&spec, st, a, err);
	strbuf_release(&text);
	return rc;
}

/* A mission's jurisdiction as the countries it holds today: "NP,BT". */
static int mission_countries(struct store *st, const char *code,
			     struct strbuf *text, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	struct geoarea a;
	int rc;

	geoarea_init(&a);
	if (st)
		rc = mission_add_area(st, code, &a, &why);
	else {
		strbuf_addstr(&why, "mission: a mission's area needs the database");
		rc = HW_EINTERNAL;
	}
	if (rc)
		strbuf_addbuf(err, &why);
	strbuf_reset(text);
	for (size_t i = 0; !rc && i < a.ncountries; i++)
		strbuf_addf(text, "%s%s", i ? "," : "", a.countries[i]);
	geoarea_release(&a);
	strbuf_release(&why);
	return rc;
}

int area_opts_spec(const struct area_opts *o, bool required, struct store *st,
		   struct area_spec *spec, struct strbuf *text, struct strbuf *err)
{
	const struct { const char *kind, *v; } opts[] = EACH_OPTION(o);
	int given = area_opts_given(o);

	memset(spec, 0, sizeof(*spec));
	if (given > 1 || (required && !given)) {
		strbuf_addstr(err, "give one area: --cap FILE, --circle LAT,LON,KM, "
			      "--polygon FILE.geojson, --country CC[,CC...] or "
			      "--mission CODE");
		return HW_EINPUT;
	}
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		if (!opts[i].v)
			continue;
		if (strcmp(opts[i].kind, "mission"))
			return opt_spec(opts[i].kind, opts[i].v, spec, text, err);
		int rc = mission_countries(st, opts[i].v, text, err);

		if (rc)
			return rc;
		spec->kind = "countries";
		spec->text = text->buf;
		spec->len = text->len;
	}
	return HW_OK;
}
