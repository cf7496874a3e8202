/*
 * api_query.c: the geo engine over HTTP. Who is inside this area (a
 * circle, countries, a mission's jurisdiction, or a GeoJSON geometry in
 * the body), now or on a date, with the same filters as `homeward query`:
 * as a count, a list of person ids, or a GeoJSON export; and aggregates
 * per country and per grid cell.
 *
 * Every answer comes from the shared engine (r->srv->geo), which the
 * presence routes keep in step with the database. Officers and mission
 * heads are cut to their mission's jurisdiction (scope_jurisdiction) by
 * the engine's country filter, whatever area they ask for: a query over
 * another mission's area returns only what their own jurisdiction holds.
 * hq and auditors see everyone. The GeoJSON export shows where people are
 * and is audited as a sensitive read ("query-export"), as the CLI's is.
 */
#include "core/homeward.h"

#include <math.h>
#include <string.h>

#include "http/api.h"
#include "store/record.h"
#include "store/db.h"
#include "geo/geo.h"
#include "geo/geoarea.h"
#include "geo/refgeo.h"
#include "registry/mission.h"
#include "registry/registrant.h"
#include "http/route.h"
#include "auth/scope.h"
#include "http/server.h"
#include "store/store.h"

#define LIMIT_DEFAULT 10000
#define LIMIT_MAX 1000000

enum query_format { FORMAT_COUNT, FORMAT_IDS, FORMAT_GEOJSON };

static const char *const format_names[] = {
	[FORMAT_COUNT] = "count", [FORMAT_IDS] = "ids", [FORMAT_GEOJSON] = "geojson",
};

/* What a request asks: the area, the filter (jurisdiction included), and
 * how to answer. */
struct query_spec {
	struct geoarea area;
	bool has_area;
	const char *area_field;   /* where the area came from, for errors */
	struct geo_filter f;
	enum query_format format;
	int64_t limit;
};

/* ---- The area ---- */

typedef int (*area_adder)(struct api_req *r, struct geoarea *a, const char *v);

static int add_circle(struct api_req *r, struct geoarea *a, const char *v)
{
	static const char cli_prefix[] = "'--circle ";
	struct strbuf msg = STRBUF_INIT;
	int rc = geoarea_parse_circle_arg(a, v, &msg);

	/* The parser's messages quote the command line's option; here the
	 * parameter is named as the request gave it. */
	if (rc && !strncmp(msg.buf, cli_prefix, sizeof(cli_prefix) - 1))
		strbuf_addf(&r->err, "'circle=%s", msg.buf + sizeof(cli_prefix) - 1);
	else if (rc)
		strbuf_addbuf(&r->err, &msg);
	strbuf_release(&msg);
	return rc;
}

/* "CC" or "CC,CC,...". */
static int add_countries(struct api_req *r, struct geoarea *a, const char *v)
{
	size_t n = 0;
	int rc = geoarea_add_countries(a, v, strlen(v), &n, &r->err);

	if (!rc && !n) {
		strbuf_addstr(&r->err, "country: give ISO 3166-1 alpha-2 codes, "
			      "such as NP or NP,BT");
		rc = HW_EINPUT;
	}
	return rc;
}

/* The countries of a mission's jurisdiction. */
static int add_mission(struct api_req *r, struct geoarea *a, const char *code)
{
	return mission_add_area(r->db->st, code, a, &r->err);
}

/* The ways to give an area as query parameters; exactly one is used. */
static const struct {
	const char *name;
	area_adder add;
} area_params[] = {
	{ "circle", add_circle },
	{ "country", add_countries },
	{ "mission", add_mission },
};

/* Fail with 400 on `field`, with the message already in r->err. */
static int fail_400(struct api_req *r, const char *field)
{
	char *msg = xstrdup(r->err.buf);
	int rc = api_fail(r, 400, "invalid", field, "%s", msg);

	free(msg);
	return rc;
}

/*
 * The area from the query parameters and, for a POST, the GeoJSON body:
 * exactly one of them; none is allowed when `optional` (the whole world).
 */
static int parse_area(struct api_req *r, struct query_spec *q, bool optional)
{
	const char *given = NULL;
	size_t i;
	int rc;

	if (r->body) {
		char *text = json_dumps(r->body, JSON_COMPACT);
		given = "body";
		q->area_field = "body";
		rc = text ? geoarea_parse_geojson(&q->area, text, strlen(text), &r->err)
			  : HW_EINPUT;
		free(text);
		if (rc) {
			char *msg = xstrdup(r->err.len ? r->err.buf
					    : "the body is not a GeoJSON geometry");
			rc = api_fail(r, 422, "invalid", "body",
				      "the body is not a usable GeoJSON area: %s", msg);
			free(msg);
			return rc;
		}
		q->has_area = true;
	}
	for (i = 0; i < ARRAY_SIZE(area_params); i++) {
		const char *v = api_query(r, area_params[i].name);
		if (!v)
			continue;
		if (given)
			return api_fail(r, 400, "invalid", area_params[i].name,
					"give one area, not both '%s' and '%s'",
					given, area_params[i].name);
		given = area_params[i].name;
		q->area_field = given;
		rc = area_params[i].add(r, &q->area, v);
		if (rc == HW_EINPUT)
			return fail_400(r, given);
		if (rc)
			return rc;
		q->has_area = true;
	}
	if (!given && !optional)
		return api_fail(r, 400, "missing", "area",
				"no area: give circle=LAT,LON,KM, country=CC[,CC] or "
				"mission=CODE (or POST a GeoJSON geometry)");
	return HW_OK;
}

/* ---- The filter ---- */

static int parse_on(struct api_req *r, struct geo_filter *f)
{
	const char *on = api_query(r, "on");
	int32_t day;

	if (!on)
		return HW_OK;   /* today, as geo_filter_today() set it */
	if (!strcmp(on, "any")) {
		f->on = GEO_ANY_DAY;
		return HW_OK;
	}
	if (date_parse(on, strlen(on), &day))
		return api_fail(r, 400, "invalid", "on",
				"on: '%.40s' is not a date (YYYY-MM-DD) or 'any'", on);
	f->on = day;
	return HW_OK;
}

static int parse_nationality(struct api_req *r, struct geo_filter *f)
{
	const char *v = api_query(r, "nationality");
	char up[3];

	if (!v)
		return HW_OK;
	if (strlen(v) == 2) {
		up[0] = (char)(v[0] & ~0x20);
		up[1] = (char)(v[1] & ~0x20);
		up[2] = '\0';
		if (refgeo_country(up)) {
			memcpy(f->nationality, up, 3);
			return HW_OK;
		}
	}
	return api_fail(r, 400, "invalid", "nationality",
			"nationality: '%.40s' is not an ISO 3166-1 alpha-2 country code", v);
}

/* "medical,wheelchair": every need listed must be set. */
static int parse_needs(struct api_req *r, struct geo_filter *f)
{
	const char *v = api_query(r, "needs"), *tok;
	size_t len;
	int rc = HW_OK;

	if (!v)
		return HW_OK;
	while (!rc && str_next_item(&v, ", ", &tok, &len)) {
		size_t i;
		for (i = 0; i < needs_count && (strlen(needs_names[i]) != len ||
						memcmp(tok, needs_names[i], len)); i++)
			;
		/* The engine keeps 16 needs per person. */
		if (i < needs_count && i < 16) {
			f->needs |= 1u << i;
			continue;
		}
		strbuf_addf(&r->err, "needs: '%.*s' is not one of", (int)(len > 40 ? 40 : len), tok);
		for (i = 0; i < needs_count; i++)
			strbuf_addf(&r->err, "%s %s", i ? "," : "", needs_names[i]);
		rc = fail_400(r, "needs");
	}
	return rc;
}

static int parse_organisation(struct api_req *r, struct geo_filter *f)
{
	struct store_stmt *s;
	int64_t id;
	int rc;

	if (!api_query(r, "organisation"))
		return HW_OK;
	if ((rc = api_query_int(r, "organisation", 1, UINT32_MAX, 0, &id)))
		return rc;
	if (store_prepare(r->db->st, "SELECT 1 FROM organisation WHERE id = ?", &s))
		goto dberr;
	store_bind_int64(s, 1, id);
	rc = store_step(s);
	store_reset(s);
	if (rc < 0)
		goto dberr;
	if (rc == STORE_DONE)
		return api_fail(r, 400, "invalid", "organisation",
				"organisation %lld does not exist", (long long)id);
	f->organisation = (uint32_t)id;
	return HW_OK;
dberr:
	strbuf_addf(&r->err, "cannot read organisations: %s", store_errmsg(r->db->st));
	return HW_EDB;
}

static int parse_format(struct api_req *r, struct query_spec *q)
{
	const char *v = api_query(r, "format");
	size_t i;

	q->format = FORMAT_COUNT;
	if (!v)
		return HW_OK;
	for (i = 0; i < ARRAY_SIZE(format_names); i++)
		if (!strcmp(v, format_names[i])) {
			q->format = (enum query_format)i;
			return HW_OK;
		}
	return api_fail(r, 400, "invalid", "format",
			"format: '%.40s' is not count, ids or geojson", v);
}

/* Officers and mission heads: only presences in their jurisdiction. */
static int apply_scope(struct api_req *r, struct geo_filter *f)
{
	char (*codes)[3] = NULL;
	size_t n = 0;
	bool restricted = false;
	struct strbuf ignored = STRBUF_INIT;
	int rc = scope_jurisdiction(r->db->st, &r->who, &codes, &n, &restricted, &r->err);

	if (rc) {
		if (!r->err.len)
			strbuf_addstr(&r->err, "cannot read the jurisdiction");
		return rc;
	}
	/* A code refgeo does not know is left out: the filter fails closed. */
	if (restricted)
		(void)geo_filter_set_countries(f, (const char (*)[3])codes, n, &ignored);
	strbuf_release(&ignored);
	free(codes);
	return HW_OK;
}

/* Everything a query route takes, in one place. */
static int parse_spec(struct api_req *r, struct query_spec *q, bool area_optional)
{
	int rc;

	geo_filter_today(&q->f);
	q->limit = LIMIT_DEFAULT;
	if ((rc = parse_area(r, q, area_optional)) ||
	    (rc = parse_on(r, &q->f)) ||
	    (rc = parse_nationality(r, &q->f)) ||
	    (rc = parse_needs(r, &q->f)) ||
	    (rc = parse_organisation(r, &q->f)))
		return rc;
	if (route_field(r->route->query, "format") && (rc = parse_format(r, q)))
		return rc;
	if (route_field(r->route->query, "limit") &&
	    (rc = api_query_int(r, "limit", 1, LIMIT_MAX, LIMIT_DEFAULT, &q->limit)))
		return rc;
	return apply_scope(r, &q->f);
}

/* An engine error: bad input is the area's fault (a country with no
 * shape), anything else the server's. */
static int engine_failed(struct api_req *r, const struct query_spec *q, int rc)
{
	if (rc == HW_EINPUT)
		return fail_400(r, q->area_field ? q->area_field : "area");
	return rc;
}

static const struct geoarea *spec_area(const struct query_spec *q)
{
	return q->has_area ? &q->area : NULL;
}

/* ---- Answers ---- */

static int by_id(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int answer_count(struct api_req *r, struct query_spec *q)
{
	uint64_t n = 0;
	int rc = geo_count(r->srv->geo, spec_area(q), &q->f, &n, &r->err);

	if (rc)
		return engine_failed(r, q, rc);
	return api_reply_json(r, 200, json_pack("{s:I}", "count", (json_int_t)n));
}

static int answer_ids(struct api_req *r, struct query_spec *q)
{
	struct geo_result res = { 0 };
	json_t *ids;
	size_t i, n;
	int rc = geo_query(r->srv->geo, spec_area(q), &q->f, &res, &r->err);

	if (rc) {
		geo_result_release(&res);
		return engine_failed(r, q, rc);
	}
	if (res.n)
		qsort(res.persons, res.n, sizeof(*res.persons), by_id);
	n = res.n < (size_t)q->limit ? res.n : (size_t)q->limit;
	ids = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(ids, json_integer(res.persons[i]));
	rc = api_reply_json(r, 200, json_pack("{s:I, s:o, s:b}", "count",
				(json_int_t)res.n, "ids", ids, "truncated", res.n > n));
	geo_result_release(&res);
	return rc;
}

/* The request as the audit log names it: method, path, its parameters. */
static void describe_request(struct api_req *r, struct strbuf *out)
{
	const struct api_field *f;
	int n = 0;

	strbuf_addf(out, "%s %s", r->method, r->path);
	for (f = r->route->query; f && f->name; f++) {
		const char *v = api_query(r, f->name);
		if (v)
			strbuf_addf(out, "%c%s=%.200s", n++ ? '&' : '?', f->name, v);
	}
	if (r->body)
		strbuf_addstr(out, " (GeoJSON area)");
}

/* A presence of the database and whether a feature took it already. */
struct stay {
	struct geo_presence gp;
	int64_t id;
	char *city;
	bool used;
};

static bool same_place(const struct geo_presence *a, const struct geo_presence *b)
{
	return a->person == b->person && llround(a->lat * 1e6) == llround(b->lat * 1e6) &&
	       llround(a->lon * 1e6) == llround(b->lon * 1e6) &&
	       a->arrival == b->arrival && a->departure == b->departure &&
	       !strcmp(a->country, b->country);
}

static void stays_release(struct stay *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].city);
}

/* The person's presences with a point, for the features' ids and cities. */
static int read_stays(struct api_req *r, uint32_t person, struct stay **v,
		      size_t *n, size_t *alloc)
{
	struct store_stmt *s;
	int rc;

	stays_release(*v, *n);
	*n = 0;
	if (store_prepare(r->db->st, "SELECT " GEO_PRESENCE_COLUMNS ", id, city "
			  "FROM presence WHERE person_id = ? AND lat IS NOT NULL "
			  "ORDER BY id", &s))
		goto dberr;
	store_bind_int64(s, 1, person);
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *city = store_col_text(s, 8, NULL);
		struct stay *st;
		ALLOC_GROW(*v, *n + 1, *alloc);
		st = &(*v)[*n];
		if (geo_presence_from_row(s, &st->gp))
			continue;
		st->id = store_col_int64(s, 7);
		st->city = city ? xstrdup(city) : NULL;
		st->used = false;
		(*n)++;
	}
	store_reset(s);
	if (rc < 0)
		goto dberr;
	return HW_OK;
dberr:
	strbuf_addf(&r->err, "cannot read presences: %s", store_errmsg(r->db->st));
	return HW_EDB;
}

static void add_json_str(struct strbuf *out, const char *key, const char *v)
{
	strbuf_addf(out, ",\"%s\":", key);
	if (!v) {
		strbuf_addstr(out, "null");
		return;
	}
	strbuf_addch(out, '"');
	strbuf_addjson(out, v, strlen(v));
	strbuf_addch(out, '"');
}

static void add_json_day(struct strbuf *out, const char *key, int16_t day)
{
	strbuf_addf(out, ",\"%s\":", key);
	if (day == GEO_OPEN_START || day == GEO_OPEN_END) {
		strbuf_addstr(out, "null");
		return;
	}
	strbuf_addch(out, '"');
	date_format(out, day);
	strbuf_addch(out, '"');
}

/* One Point feature for entry `e` of a person named `family`, `given`. */
static void add_feature(struct strbuf *out, bool first,
			const struct geo_presence *e, const struct stay *st,
			const char *family, const char *given)
{
	strbuf_addstr(out, first ? "\n" : ",\n");
	strbuf_addstr(out, "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\","
		      "\"coordinates\":[");
	reg_format_coord(out, e->lon);
	strbuf_addch(out, ',');
	reg_format_coord(out, e->lat);
	strbuf_addf(out, "]},\"properties\":{\"person_id\":%u", e->person);
	if (st)
		strbuf_addf(out, ",\"presence_id\":%lld", (long long)st->id);
	add_json_str(out, "family_name", family);
	add_json_str(out, "given_name", given);
	add_json_str(out, "country", e->country[0] ? e->country : NULL);
	add_json_str(out, "city", st ? st->city : NULL);
	add_json_day(out, "arrival", e->arrival);
	add_json_day(out, "departure", e->departure);
	strbuf_addstr(out, "}}");
}

/*
 * The matching presences of the first `limit` persons (by id) as a
 * FeatureCollection, with the count of persons and whether it was cut.
 */
static int answer_geojson(struct api_req *r, struct query_spec *q)
{
	struct geo_presence *e = NULL;
	struct stay *stays = NULL;
	struct strbuf out = STRBUF_INIT, object = STRBUF_INIT, detail = STRBUF_INIT;
	struct store_stmt *names;
	char *family = NULL, *given = NULL;
	size_t n = 0, i, j, nstays = 0, astays = 0, persons = 0, features = 0;
	size_t total = 0;
	int rc = geo_query_presences(r->srv->geo, spec_area(q), &q->f, &e, &n,
				     &r->err);

	if (rc) {
		rc = engine_failed(r, q, rc);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (!i || e[i].person != e[i - 1].person)
			total++;
	strbuf_addstr(&out, "{\"type\":\"FeatureCollection\"");
	strbuf_addf(&out, ",\"count\":%zu,\"truncated\":%s,\"features\":[", total,
		    total > (size_t)q->limit ? "true" : "false");
	for (i = 0; i < n; i++) {
		const struct stay *st = NULL;
		if (!i || e[i].person != e[i - 1].person) {
			int step;
			if (persons == (size_t)q->limit)
				break;
			persons++;
			if ((rc = read_stays(r, e[i].person, &stays, &nstays, &astays)))
				goto out;
			if (store_prepare(r->db->st, "SELECT family_name, given_name "
					  "FROM person WHERE id = ?", &names)) {
				strbuf_addf(&r->err, "cannot read persons: %s",
					    store_errmsg(r->db->st));
				rc = HW_EDB;
				goto out;
			}
			store_bind_int64(names, 1, e[i].person);
			step = store_step(names);
			free(family);
			free(given);
			family = given = NULL;
			if (step == STORE_ROW) {
				const char *fa = store_col_text(names, 0, NULL);
				const char *gi = store_col_text(names, 1, NULL);
				family = fa ? xstrdup(fa) : NULL;
				given = gi ? xstrdup(gi) : NULL;
			}
			store_reset(names);
			if (step < 0) {
				strbuf_addf(&r->err, "cannot read persons: %s",
					    store_errmsg(r->db->st));
				rc = HW_EDB;
				goto out;
			}
		}
		for (j = 0; j < nstays; j++)
			if (!stays[j].used && same_place(&stays[j].gp, &e[i])) {
				stays[j].used = true;
				st = &stays[j];
				break;
			}
		add_feature(&out, features == 0, &e[i], st, family, given);
		features++;
	}
	strbuf_addstr(&out, "\n]}\n");

	/* A read of where people are: on the record before it leaves. */
	describe_request(r, &object);
	strbuf_addf(&detail, "%zu persons, %zu features", persons, features);
	if ((rc = api_audit(r, "query-export", object.buf, detail.buf)))
		goto out;
	rc = api_reply_text(r, 200, "application/geo+json", out.buf, out.len);
out:
	stays_release(stays, nstays);
	free(stays);
	free(family);
	free(given);
	free(e);
	strbuf_release(&out);
	strbuf_release(&object);
	strbuf_release(&detail);
	return rc;
}

/* ---- Handlers ---- */

static int query_run(struct api_req *r)
{
	struct query_spec q = { 0 };
	int rc;

	geoarea_init(&q.area);
	rc = parse_spec(r, &q, false);
	if (!rc) {
		switch (q.format) {
		case FORMAT_COUNT:
			rc = answer_count(r, &q);
			break;
		case FORMAT_IDS:
			rc = answer_ids(r, &q);
			break;
		case FORMAT_GEOJSON:
			rc = answer_geojson(r, &q);
			break;
		}
	}
	geoarea_release(&q.area);
	return rc;
}

struct by_count {
	const char *code;       /* NULL: no known country */
	uint64_t count;
};

static int cmp_by_count(const void *a, const void *b)
{
	const struct by_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (!x->code || !y->code)
		return !x->code - !y->code;
	return strcmp(x->code, y->code);
}

static int query_countries(struct api_req *r)
{
	struct query_spec q = { 0 };
	size_t nc = refgeo_country_count(), i, k = 0;
	uint64_t *counts = xcalloc(nc + 1, sizeof(*counts));
	struct by_count *v = xcalloc(nc + 1, sizeof(*v));
	json_t *items;
	int rc;

	geoarea_init(&q.area);
	if ((rc = parse_spec(r, &q, true)))
		goto out;
	rc = geo_count_by_country(r->srv->geo, spec_area(&q), &q.f, counts, &r->err);
	if (rc) {
		rc = engine_failed(r, &q, rc);
		goto out;
	}
	for (i = 0; i <= nc; i++)
		if (counts[i]) {
			v[k].code = i < nc ? refgeo_country_at(i)->code : NULL;
			v[k++].count = counts[i];
		}
	if (k > 1)
		qsort(v, k, sizeof(*v), cmp_by_count);
	items = json_array();
	for (i = 0; i < k; i++) {
		json_t *o = json_object();
		record_set_text(o, "country", v[i].code);
		json_object_set_new(o, "count", json_integer((json_int_t)v[i].count));
		json_array_append_new(items, o);
	}
	rc = api_reply_json(r, 200, json_pack("{s:o}", "items", items));
out:
	free(counts);
	free(v);
	geoarea_release(&q.area);
	return rc;
}

static int query_cells(struct api_req *r)
{
	struct query_spec q = { 0 };
	struct geo_cell_count *cells = NULL;
	const char *cell = api_query(r, "cell");
	double deg = 1;
	size_t n = 0, i;
	json_t *items;
	int rc;

	geoarea_init(&q.area);
	if (cell) {
		char *end;
		deg = strtod(cell, &end);
		if (end == cell || *end || !(deg >= 0.01 && deg <= 90)) {
			rc = api_fail(r, 400, "invalid", "cell",
				      "cell: '%.40s' is not a number of degrees from "
				      "0.01 to 90", cell);
			goto out;
		}
	}
	if ((rc = parse_spec(r, &q, true)))
		goto out;
	rc = geo_count_by_cell(r->srv->geo, spec_area(&q), &q.f, deg, &cells, &n,
			       &r->err);
	if (rc) {
		rc = engine_failed(r, &q, rc);
		goto out;
	}
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:f, s:f, s:I}", "lat",
				      cells[i].lat, "lon", cells[i].lon, "count",
				      (json_int_t)cells[i].count));
	rc = api_reply_json(r, 200, json_pack("{s:f, s:o}", "cell", deg,
				"items", items));
out:
	free(cells);
	geoarea_release(&q.area);
	return rc;
}

/* ---- The table ---- */

#define AREA_PARAMS \
	{ "circle", API_STRING, false, 100, \
	  "The area: a circle LAT,LON,KM (give one of circle, country, mission)" }, \
	{ "country", API_STRING, false, 1000, \
	  "The area: countries, ISO 3166-1 alpha-2, comma-separated" }, \
	{ "mission", API_STRING, false, 16, \
	  "The area: the countries of this mission's jurisdiction (its code)" }

#define FILTER_PARAMS \
	{ "on", API_STRING, false, 10, \
	  "Present on this day (YYYY-MM-DD, UTC), or 'any'; default today" }, \
	{ "nationality", API_STRING, false, 2, "Only persons of this nationality" }, \
	{ "needs", API_STRING, false, 400, \
	  "Only persons with all these needs (comma-separated: medical,wheelchair)" }, \
	{ "organisation", API_INT, false, 0, \
	  "Only persons with a presence naming this organisation (its id)" }

#define OUTPUT_PARAMS \
	{ "format", API_STRING, false, 10, \
	  "count (default): {count}; ids: sorted person ids; geojson: the " \
	  "matching presences as a FeatureCollection (an audited export)" }, \
	{ "limit", API_INT, false, 0, \
	  "ids and geojson: at most this many persons (default 10000, " \
	  "at most 1000000); 'truncated' tells when there were more" }

#define CELL_PARAM \
	{ "cell", API_NUMBER, false, 10, "Cell size in degrees, 0.01 to 90 (default 1)" }

#define END_PARAMS { NULL, 0, false, 0, NULL }

static const struct api_field query_get_params[] = {
	AREA_PARAMS, FILTER_PARAMS, OUTPUT_PARAMS, END_PARAMS,
};
static const struct api_field query_post_params[] = {
	FILTER_PARAMS, OUTPUT_PARAMS, END_PARAMS,
};
static const struct api_field countries_get_params[] = {
	AREA_PARAMS, FILTER_PARAMS, END_PARAMS,
};
static const struct api_field countries_post_params[] = {
	FILTER_PARAMS, END_PARAMS,
};
static const struct api_field cells_get_params[] = {
	AREA_PARAMS, FILTER_PARAMS, CELL_PARAM, END_PARAMS,
};
static const struct api_field cells_post_params[] = {
	FILTER_PARAMS, CELL_PARAM, END_PARAMS,
};

const struct route api_query_routes[] = {
	{ "GET", "/api/v1/query", query_run, ROLES_READERS, query_get_params, NULL,
	  0, 200, "query",
	  "Who is inside an area (circle, countries or a mission's jurisdiction): "
	  "count, ids or GeoJSON; officers see their jurisdiction only" },
	{ "POST", "/api/v1/query", query_run, ROLES_READERS, query_post_params, NULL,
	  ROUTE_RAW_BODY, 200, "query",
	  "Who is inside the GeoJSON (Multi)Polygon, Feature or FeatureCollection "
	  "of the body: count, ids or GeoJSON" },
	{ "GET", "/api/v1/query/countries", query_countries, ROLES_READERS,
	  countries_get_params, NULL, 0, 200, "query",
	  "Persons per country (of their presence), inside an area or worldwide, "
	  "largest first" },
	{ "POST", "/api/v1/query/countries", query_countries, ROLES_READERS,
	  countries_post_params, NULL, ROUTE_RAW_BODY, 200, "query",
	  "Persons per country inside the GeoJSON area of the body" },
	{ "GET", "/api/v1/query/cells", query_cells, ROLES_READERS,
	  cells_get_params, NULL, 0, 200, "query",
	  "Persons per grid cell (south-west corners), inside an area or worldwide" },
	{ "POST", "/api/v1/query/cells", query_cells, ROLES_READERS,
	  cells_post_params, NULL, ROUTE_RAW_BODY, 200, "query",
	  "Persons per grid cell inside the GeoJSON area of the body" },
	{ NULL, NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL },
};
