/*
 * query.c: `homeward query` — load the geo index from the database, run
 * one area query (the union of the shapes given) and print the count, the
 * external ids, the registrant rows or a GeoJSON FeatureCollection.
 */
#include "core/homeward.h"
#include "auth/audit.h"
#include "core/cli.h"
#include "store/db.h"
#include "registry/export.h"
#include "geo/geo.h"
#include "geo/geoarea.h"
#include "geo/geopoly.h"
#include "geo/refgeo.h"
#include "registry/area.h"
#include "registry/query.h"
#include "registry/registrant.h"
#include "store/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int print_ids(struct store *st, struct geo_result *r, struct strbuf *err)
{
	struct store_stmt *s;
	size_t i;
	int rc;

	if (store_prepare(st, "SELECT external_id FROM person WHERE id = ?", &s))
		goto dberr;
	for (i = 0; i < r->n; i++) {
		store_bind_int64(s, 1, r->persons[i]);
		rc = store_step(s);
		if (rc == STORE_ROW)
			puts(store_col_text(s, 0, NULL));
		store_reset(s);
		if (rc < 0)
			goto dberr;
	}
	return fflush(stdout) ? HW_EIO : HW_OK;
dberr:
	strbuf_addf(err, "cannot read persons: %s", store_errmsg(st));
	return HW_EDB;
}

static int by_id(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Polygons of the area's countries, for the scan below. */
static int country_polys(const struct geoarea *a, struct geopoly ***out,
			 struct strbuf *err)
{
	struct geopoly **polys = xcalloc(a->ncountries + 1, sizeof(*polys));
	size_t i;
	int rc = HW_OK;

	for (i = 0; i < a->ncountries && !rc; i++) {
		size_t n = refgeo_shape_rings(a->countries[i], NULL, 0);
		struct geopoly_ring *rings = xcalloc(n + 1, sizeof(*rings));
		refgeo_shape_rings(a->countries[i], rings, n);
		if (!n) {
			strbuf_addf(err, "country '%s' has no shape",
				    a->countries[i]);
			rc = HW_EINPUT;
		} else {
			rc = geopoly_build(rings, n, &polys[i], err);
		}
		free(rings);
	}
	*out = polys;
	return rc;
}

/*
 * The brute-force answer, for tests: every presence read from the
 * database and tested against every shape, without the engine's index.
 */
static int brute_query(struct store *st, const struct geoarea *a,
		       const struct geo_filter *f, struct geo_result *out,
		       struct strbuf *err)
{
	struct geopoly **polys = NULL;
	struct store_stmt *s;
	uint8_t *seen = NULL;
	size_t seen_len = 0, i;
	int rc;

	rc = country_polys(a, &polys, err);
	if (rc)
		goto out;
	if (store_prepare(st, "SELECT pr.person_id, pr.lat, pr.lon, pr.arrival, "
			  "pr.departure, p.nationality, pr.organisation_id "
			  "FROM presence pr JOIN person p ON p.id = pr.person_id "
			  "WHERE pr.lat IS NOT NULL", &s)) {
		rc = HW_EDB;
		goto dberr;
	}
	while ((rc = store_step(s)) == STORE_ROW) {
		uint32_t person = (uint32_t)store_col_int64(s, 0);
		double lat = store_col_double(s, 1), lon = store_col_double(s, 2);
		const char *arr = store_col_text(s, 3, NULL);
		const char *dep = store_col_text(s, 4, NULL);
		bool in = false;
		int32_t d;

		if (f->on != GEO_ANY_DAY) {
			if (arr && !date_parse(arr, strlen(arr), &d) && d > f->on)
				continue;
			if (dep && !date_parse(dep, strlen(dep), &d) && d < f->on)
				continue;
		}
		if (f->nationality[0] &&
		    strcmp(store_col_text(s, 5, NULL), f->nationality))
			continue;
		if (f->organisation && (uint32_t)store_col_int64(s, 6) != f->organisation)
			continue;
		in = geo_area_has(a, lat, lon);
		for (i = 0; i < a->ncountries && !in; i++)
			in = geopoly_contains(polys[i], lat, lon);
		if (!in)
			continue;
		if (person / 8 >= seen_len) {
			size_t n = (person / 8 + 1) * 2;
			seen = xrealloc(seen, n);
			memset(seen + seen_len, 0, n - seen_len);
			seen_len = n;
		}
		if (seen[person / 8] & (1u << (person & 7)))
			continue;
		seen[person / 8] |= (uint8_t)(1u << (person & 7));
		ALLOC_GROW(out->persons, out->n + 1, out->alloc);
		out->persons[out->n++] = person;
	}
	store_reset(s);
	if (rc < 0)
		goto dberr;
	rc = HW_OK;
	goto out;
dberr:
	strbuf_addf(err, "cannot scan presences: %s", store_errmsg(st));
	rc = HW_EDB;
out:
	for (i = 0; polys && i < a->ncountries; i++)
		geopoly_free(polys[i]);
	free(polys);
	free(seen);
	return rc;
}

/*
 * The audit entry of a query that wrote out registrant rows, a read of
 * sensitive fields: the query's arguments are its object, so the log tells
 * which area was read.
 */
static int record_export(struct store *st, int argc, char **argv,
			 size_t persons, uint64_t rows, struct strbuf *err)
{
	struct strbuf object = STRBUF_INIT, detail = STRBUF_INIT;
	int i, rc;

	for (i = 1; i < argc; i++)
		strbuf_addf(&object, "%s%s", i > 1 ? " " : "", argv[i]);
	strbuf_addf(&detail, "%zu persons, %" PRIu64 " rows", persons, rows);
	rc = audit_append_tx(st, audit_cli_actor(), "query-export", object.buf,
			     detail.buf, NULL, err);
	strbuf_release(&object);
	strbuf_release(&detail);
	return rc;
}

static int run_query(int argc, char **argv, bool brute)
{
	const char *dbflag = NULL, *keyflag = NULL;
	struct area_opts ao = { 0 };
	const char *on = NULL, *nationality = NULL;
	bool any_day = false, count = false, ids = false, csv = false,
	     geojson = false;
	struct opt opts[] = {
		OPT_DB(&dbflag),
		OPT_KEY(&keyflag),
		AREA_OPTIONS(&ao),
		{ "on", OPT_STRING, &on, "DATE", "presences with arrival <= DATE <= departure" },
		{ "any-day", OPT_FLAG, &any_day, NULL, "every presence, whatever its dates" },
		{ "nationality", OPT_STRING, &nationality, "CC", "persons of this nationality only" },
		{ "count", OPT_FLAG, &count, NULL, "the number of persons (default)" },
		{ "ids", OPT_FLAG, &ids, NULL, "their external ids, one per line" },
		{ "csv", OPT_FLAG, &csv, NULL, "their registrant rows (needs the key file)" },
		{ "geojson", OPT_FLAG, &geojson, NULL, "a FeatureCollection of their points" },
		OPT_END,
	};
	struct strbuf err = STRBUF_INIT;
	struct geo_result res = { 0 };
	struct geo_filter f;
	struct geoarea area;
	struct geo *g = NULL;
	struct db db = { 0 };
	uint64_t rows = 0;
	int rc, outputs;

	geoarea_init(&area);
	geo_filter_today(&f);
	rc = opt_parse_only(opts, argc, argv);
	if (rc)
		goto out;
	rc = HW_EINPUT;
	outputs = count + ids + csv + geojson;
	if (outputs > 1) {
		cli_error(argv[0], "give one of --count, --ids, --csv, --geojson");
		goto out;
	}
	if (!outputs)
		count = true;
	if (on && any_day) {
		cli_error(argv[0], "give --on or --any-day, not both");
		goto out;
	}
	if (on) {
		int32_t day;
		if (date_parse(on, strlen(on), &day)) {
			cli_error(argv[0], "option '--on': '%s' is not a date "
				  "(YYYY-MM-DD)", on);
			goto out;
		}
		f.on = day;
	}
	if (any_day)
		f.on = GEO_ANY_DAY;
	if (nationality) {
		if (strlen(nationality) != 2) {
			cli_error(argv[0], "option '--nationality': '%s' is not a "
				  "country code", nationality);
			goto out;
		}
		f.nationality[0] = (char)(nationality[0] & ~0x20);
		f.nationality[1] = (char)(nationality[1] & ~0x20);
	}

	rc = db_open(&db, cli_db_path(dbflag), keyflag, csv || geojson ? DB_KEYS : 0,
		     &err);
	if (rc) {
		cli_error(argv[0], "%s", err.buf);
		goto out;
	}
	/* Any of the area options, several at once as their union. */
	if ((rc = area_opts_add(&ao, db.st, &area, &err)))
		goto area_error;
	if (geoarea_is_empty(&area)) {
		cli_error(argv[0], "no area: give --circle, --polygon, --cap, "
			  "--country or --mission");
		rc = HW_EINPUT;
		goto out;
	}

	if (brute) {
		rc = brute_query(db.st, &area, &f, &res, &err);
	} else {
		g = geo_new();
		rc = geo_load(g, db.st, NULL, NULL, &err);
		if (!rc)
			rc = geo_query(g, &area, &f, &res, &err);
	}
	if (rc) {
		cli_error(argv[0], "%s", err.buf);
		goto out;
	}
	/* The engine answers in its own order; people read sorted lists. */
	if (res.n)
		qsort(res.persons, res.n, sizeof(*res.persons), by_id);
	if (count) {
		printf("%zu\n", res.n);
	} else if (ids) {
		rc = print_ids(db.st, &res, &err);
	} else {
		rc = export_persons(&db, res.persons, res.n,
				    csv ? EXPORT_CSV : EXPORT_GEOJSON, stdout,
				    &rows, &err);
		if (!rc)
			rc = record_export(db.st, argc, argv, res.n, rows, &err);
	}
	if (rc)
		cli_error(argv[0], "%s", err.buf);
	goto out;
area_error:
	cli_error(argv[0], "%s", err.buf);
out:
	geo_result_release(&res);
	geo_free(g);
	db_release(&db);
	geoarea_release(&area);
	strbuf_release(&err);
	return rc;
}

int cmd_query(int argc, char **argv)
{
	return run_query(argc, argv, false);
}

int cmd_test_query_brute(int argc, char **argv)
{
	return run_query(argc, argv, true);
}
