/* Unit and property tests for geo.c: every query checked against a
 * brute-force scan of the same presences, on random points and shapes —
 * boundaries, the antimeridian, the poles, tiny and continent-sized
 * shapes, holes, unions — and after updates. */
#include "core/homeward.h"
#include "geo/geo.h"
#include "geo/geoarea.h"
#include "geo/geopoly.h"
#include "geo/refgeo.h"

#include <math.h>
#include <setjmp.h>
#include <cmocka.h>

static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double uni(double a, double b)
{
	return a + (b - a) * (double)(next() >> 11) / 9007199254740992.0;
}

/* Round to the micro-degree, as the engine stores coordinates. */
static double e6(double v)
{
	return round(v * 1e6) / 1e6;
}

#define NPTS 20000

static struct geo_presence pts[NPTS * 2];
static size_t npts;

/* Clustered points (cities) and uniform ones, some at the poles and on
 * the antimeridian, and a second presence for some persons. */
static void make_points(void)
{
	static const double centres[][2] = {
		{ 48.85, 2.35 }, { -17.8, 178.0 }, { -17.8, -179.9 },
		{ 65.0, -170.0 }, { 89.9, 0 }, { -89.95, 120 }, { 35.68, 139.7 },
		{ 0, 180 }, { 0, -180 }, { 51.5, -0.12 },
	};
	size_t i;

	npts = 0;
	for (i = 0; i < NPTS; i++) {
		struct geo_presence *p = &pts[npts++];
		memset(p, 0, sizeof(*p));
		p->person = (uint32_t)i + 1;
		if (i % 3) {
			const double *c = centres[next() % ARRAY_SIZE(centres)];
			p->lat = e6(fmin(90, fmax(-90, c[0] + uni(-2, 2))));
			p->lon = e6(c[1] + uni(-3, 3));
			if (p->lon > 180)
				p->lon -= 360;
			if (p->lon < -180)
				p->lon += 360;
		} else {
			p->lat = e6(uni(-90, 90));
			p->lon = e6(uni(-180, 180));
		}
		if (i % 97 == 0)
			p->lat = i % 2 ? 90 : -90;
		if (i % 89 == 0)
			p->lon = i % 2 ? 180 : -180;
		p->arrival = (int16_t)(20000 + next() % 100);
		p->departure = i % 5 ? (int16_t)(p->arrival + next() % 60) : GEO_OPEN_END;
		if (i % 7 == 0)
			p->arrival = GEO_OPEN_START;
		memcpy(p->country, i % 2 ? "FR" : "JP", 2);
		p->organisation = i % 11 ? 0 : 7;
		if (i % 13 == 0) {
			/* The same person elsewhere, later. */
			struct geo_presence *q = &pts[npts++];
			*q = *p;
			q->lat = e6(uni(-60, 60));
			q->lon = e6(uni(-180, 180));
		}
	}
}

/* Country polygons for the brute force, built once each. */
static struct {
	char code[3];
	struct geopoly *poly;
} countries[16];

static const struct geopoly *country(const char *code)
{
	static struct geopoly_ring rings[8192];
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(countries) && countries[i].poly; i++)
		if (!strcmp(countries[i].code, code))
			return countries[i].poly;
	assert_true(i < ARRAY_SIZE(countries));
	n = refgeo_shape_rings(code, rings, ARRAY_SIZE(rings));
	assert_true(n > 0 && n <= ARRAY_SIZE(rings));
	assert_int_equal(geopoly_build(rings, n, &countries[i].poly, NULL), HW_OK);
	memcpy(countries[i].code, code, 3);
	return countries[i].poly;
}

static int free_countries(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < ARRAY_SIZE(countries); i++)
		geopoly_free(countries[i].poly);
	return 0;
}

static bool area_has(const struct geoarea *a, double lat, double lon)
{
	size_t i;

	for (i = 0; i < a->ncircles; i++)
		if (geo_within(a->circles[i].lat, a->circles[i].lon,
			       a->circles[i].radius_km, lat, lon))
			return true;
	for (i = 0; i < a->npolygons; i++)
		if (geopoly_contains(a->polygons[i].poly, lat, lon))
			return true;
	for (i = 0; i < a->ncountries; i++)
		if (geopoly_contains(country(a->countries[i]), lat, lon))
			return true;
	return false;
}

/* The engine's country index of a code (refgeo's index + 1), 0 if none. */
static size_t country_bit(const char *code)
{
	size_t i;

	for (i = 0; code[0] && i < refgeo_country_count(); i++)
		if (!strcmp(refgeo_country_at(i)->code, code))
			return i + 1;
	return 0;
}

static bool passes(const struct geo_presence *p, const struct geo_filter *f)
{
	if (f->on != GEO_ANY_DAY && (p->arrival > f->on || p->departure < f->on))
		return false;
	if (f->organisation && p->organisation != f->organisation)
		return false;
	if (f->in_countries) {
		size_t b = country_bit(p->country);
		if (!b || !(f->countries[b / 8] & (1u << (b % 8))))
			return false;
	}
	return true;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The brute-force answer, deduplicated and sorted. */
static size_t brute(const struct geoarea *a, const struct geo_filter *f,
		    const bool *alive, uint32_t *out)
{
	size_t i, n = 0, k = 0;

	for (i = 0; i < npts; i++)
		if ((!alive || alive[i]) && passes(&pts[i], f) &&
		    area_has(a, pts[i].lat, pts[i].lon))
			out[n++] = pts[i].person;
	qsort(out, n, sizeof(*out), cmp_u32);
	for (i = 0; i < n; i++)
		if (!k || out[k - 1] != out[i])
			out[k++] = out[i];
	return k;
}

static void check(struct geo *g, const struct geoarea *a,
		  const struct geo_filter *f, const bool *alive, const char *what)
{
	static uint32_t want[NPTS * 2];
	struct geo_result r = { 0 };
	struct strbuf err = STRBUF_INIT;
	size_t n = brute(a, f, alive, want), i;

	assert_int_equal(geo_query(g, a, f, &r, &err), HW_OK);
	if (r.n)
		qsort(r.persons, r.n, sizeof(*r.persons), cmp_u32);
	if (r.n != n || (n && memcmp(r.persons, want, n * sizeof(*want)))) {
		print_error("%s: engine %zu persons, brute force %zu\n", what,
			    r.n, n);
		for (i = 0; i < n && i < r.n; i++)
			if (r.persons[i] != want[i]) {
				size_t k;
				print_error("first difference at %zu: %u vs %u\n",
					    i, r.persons[i], want[i]);
				for (k = 0; k < npts; k++)
					if (pts[k].person == r.persons[i] ||
					    pts[k].person == want[i])
						print_error("  person %u at (%.6f, %.6f)\n",
							    pts[k].person, pts[k].lat,
							    pts[k].lon);
				break;
			}
		fail();
	}
	geo_result_release(&r);
	strbuf_release(&err);
}

static struct geo *engine(void)
{
	struct geo *g = geo_new();
	geo_add_presences(g, pts, npts);
	geo_build(g);
	return g;
}

static void test_circles(void **state)
{
	static const double fixed[][3] = {
		{ 48.85, 2.35, 10 }, { 48.85, 2.35, 500 }, { -17.8, 179.9, 300 },
		{ 0, 180, 50 }, { 89.5, 10, 200 }, { -90, 0, 1000 },
		{ 65, -170, 2000 }, { 10, 20, 20015.1 }, { 35.68, 139.7, 0.5 },
	};
	struct geo_filter any = { .on = GEO_ANY_DAY };
	struct geo *g;
	struct geoarea a;
	size_t i;
	(void)state;

	make_points();
	g = engine();
	for (i = 0; i < ARRAY_SIZE(fixed) + 60; i++) {
		geoarea_init(&a);
		if (i < ARRAY_SIZE(fixed))
			assert_int_equal(geoarea_add_circle(&a, fixed[i][0], fixed[i][1],
							     fixed[i][2], NULL), HW_OK);
		else
			assert_int_equal(geoarea_add_circle(&a, uni(-90, 90),
				uni(-180, 180), exp(uni(log(0.1), log(15000))), NULL), HW_OK);
		{ char what[96]; snprintf(what, sizeof(what), "circle %zu (%g, %g, %g km)", i, a.circles[0].lat, a.circles[0].lon, a.circles[0].radius_km); check(g, &a, &any, NULL, what); }
		geoarea_release(&a);
	}
	/* A point exactly at the radius is inside: a circle through a point. */
	geoarea_init(&a);
	assert_int_equal(geoarea_add_circle(&a, 0, 0, geo_distance_km(0, 0,
			 pts[5].lat, pts[5].lon), NULL), HW_OK);
	check(g, &a, &any, NULL, "circle through a point");
	geoarea_release(&a);
	geo_free(g);
}

static void test_filters_and_union(void **state)
{
	struct geo_filter f = { .on = 20050 };
	struct geo *g;
	struct geoarea a;
	(void)state;

	make_points();
	g = engine();
	geoarea_init(&a);
	geoarea_add_circle(&a, 48.85, 2.35, 300, NULL);
	geoarea_add_circle(&a, 49.5, 3.0, 300, NULL);   /* overlapping */
	geoarea_add_circle(&a, -17.8, -179.9, 800, NULL);
	check(g, &a, &f, NULL, "union on a date");
	f.organisation = 7;
	check(g, &a, &f, NULL, "union, organisation");
	geoarea_release(&a);
	geo_free(g);
}

static void test_updates(void **state)
{
	static bool alive[NPTS * 2];
	struct geo_filter any = { .on = GEO_ANY_DAY };
	struct geo *g;
	struct geoarea a;
	size_t i;
	(void)state;

	make_points();
	g = engine();
	for (i = 0; i < npts; i++)
		alive[i] = true;
	/* Remove a third, move a third (as remove + add of a new entry). */
	for (i = 0; i < npts; i += 3) {
		assert_int_equal(geo_remove(g, &pts[i]), HW_OK);
		alive[i] = false;
	}
	assert_int_equal(geo_remove(g, &pts[0]), HW_ENOTFOUND);
	for (i = 1; i < npts; i += 3) {
		struct geo_presence to = pts[i];
		to.lat = e6(uni(40, 55));
		to.lon = e6(uni(-5, 10));
		assert_int_equal(geo_move(g, &pts[i], &to), HW_OK);
		pts[i] = to;
	}
	geoarea_init(&a);
	geoarea_add_circle(&a, 48.85, 2.35, 600, NULL);
	check(g, &a, &any, alive, "after updates");
	/* Merging the side buffer changes nothing visible. */
	geo_build(g);
	check(g, &a, &any, alive, "after updates and a merge");
	geoarea_release(&a);
	geo_free(g);
}

/* A star-shaped ring around (lat, lon) as GeoJSON coordinates text. */
static void star_ring(struct strbuf *sb, double lat, double lon, double r,
		      int n, bool reverse)
{
	int k;

	strbuf_addch(sb, '[');
	for (k = 0; k <= n; k++) {
		int j = reverse ? n - k : k;
		double a = 2 * 3.14159265358979 * (j % n) / n;
		double rr = r * (j % n % 2 ? 0.45 : 1.0);
		double la = e6(fmax(-90, fmin(90, lat + rr * sin(a))));
		double lo = e6(lon + rr * 1.5 * cos(a));
		strbuf_addf(sb, "%s[%.6f,%.6f]", k ? "," : "", lo, la);
	}
	strbuf_addch(sb, ']');
}

static void check_geojson(struct geo *g, const char *json, const char *what)
{
	struct geo_filter any = { .on = GEO_ANY_DAY };
	struct strbuf err = STRBUF_INIT;
	struct geoarea a;

	geoarea_init(&a);
	if (geoarea_parse_geojson(&a, json, strlen(json), &err)) {
		print_error("%s: %s\n%s\n", what, err.buf, json);
		fail();
	}
	check(g, &a, &any, NULL, what);
	geoarea_release(&a);
	strbuf_release(&err);
}

static void test_polygons(void **state)
{
	static const char *const fixed[] = {
		/* A box on the antimeridian, uncut, and the same cut in two. */
		"{\"type\":\"Polygon\",\"coordinates\":[[[170,-25],[190,-25],[190,-10],[170,-10],[170,-25]]]}",
		("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[170,-25],[180,-25],[180,-10],[170,-10],[170,-25]]],"
		 "[[[-180,-25],[-170,-25],[-170,-10],[-180,-10],[-180,-25]]]]}"),
		/* A cap around the north pole, and one touching the south pole. */
		"{\"type\":\"Polygon\",\"coordinates\":[[[-180,85],[180,85],[180,90],[-180,90],[-180,85]]]}",
		"{\"type\":\"Polygon\",\"coordinates\":[[[0,-90],[150,-90],[150,-80],[0,-80],[0,-90]]]}",
		/* A square with a hole, wound either way. */
		"{\"type\":\"Polygon\",\"coordinates\":[[[0,45],[6,45],[6,52],[0,52],[0,45]],[[2,48],[2,50],[4,50],[4,48],[2,48]]]}",
		"{\"type\":\"Polygon\",\"coordinates\":[[[0,45],[0,52],[6,52],[6,45],[0,45]],[[2,48],[4,48],[4,50],[2,50],[2,48]]]}",
		/* The whole world. */
		"{\"type\":\"Polygon\",\"coordinates\":[[[-180,-90],[180,-90],[180,90],[-180,90],[-180,-90]]]}",
	};
	struct strbuf sb = STRBUF_INIT;
	struct geo *g;
	size_t i;
	int k;
	(void)state;

	make_points();
	g = engine();
	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		check_geojson(g, fixed[i], fixed[i]);
	for (k = 0; k < 40; k++) {
		/* Random stars, tiny to continent-sized, some with a hole,
		 * some in a FeatureCollection of two overlapping ones. */
		double lat = uni(-80, 80), lon = uni(-180, 180);
		double r = exp(uni(log(0.001), log(30)));
		if (k % 4 == 0) {
			lat = 48.85 + uni(-1, 1);
			lon = 2.35 + uni(-1, 1);
		}
		strbuf_reset(&sb);
		strbuf_addstr(&sb, "{\"type\":\"FeatureCollection\",\"features\":["
			      "{\"type\":\"Feature\",\"properties\":{},\"geometry\":"
			      "{\"type\":\"Polygon\",\"coordinates\":[");
		star_ring(&sb, lat, lon, r, 6 + k % 20, k % 2);
		if (k % 3 == 0) {
			strbuf_addch(&sb, ',');
			star_ring(&sb, lat, lon, r / 3, 8, k % 2 == 0);
		}
		strbuf_addstr(&sb, "]}}");
		if (k % 5 == 0) {
			strbuf_addstr(&sb, ",{\"type\":\"Feature\",\"properties\":{},"
				      "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[");
			star_ring(&sb, lat + r / 2, lon, r, 9, false);
			strbuf_addstr(&sb, "]}}");
		}
		strbuf_addstr(&sb, "]}");
		check_geojson(g, sb.buf, "random star");
	}
	strbuf_release(&sb);
	geo_free(g);
}

static void test_countries(void **state)
{
	static const char *const codes[] = { "FR", "JP", "RU", "FJ", "US", "NZ", "GB" };
	struct geo_filter any = { .on = GEO_ANY_DAY };
	struct strbuf err = STRBUF_INIT;
	struct geo *g;
	struct geoarea a;
	size_t i;
	(void)state;

	make_points();
	g = engine();
	for (i = 0; i < ARRAY_SIZE(codes); i++) {
		geoarea_init(&a);
		assert_int_equal(geoarea_add_country(&a, codes[i], &err), HW_OK);
		check(g, &a, &any, NULL, codes[i]);
		geoarea_release(&a);
	}
	/* A union of countries and a circle. */
	geoarea_init(&a);
	geoarea_add_country(&a, "FR", &err);
	geoarea_add_country(&a, "BE", &err);
	geoarea_add_circle(&a, 50.0, 4.0, 300, &err);
	check(g, &a, &any, NULL, "FR + BE + circle");
	geoarea_release(&a);
	strbuf_release(&err);
	geo_free(g);
}

/* Aggregates and nearest neighbours against brute force. */
static void test_aggregates(void **state)
{
	struct geo_filter any = { .on = GEO_ANY_DAY };
	struct strbuf err = STRBUF_INIT;
	size_t nc = refgeo_country_count(), i, j, ncells, fr = 0, jp = 0;
	uint64_t *counts = xcalloc(nc + 1, sizeof(*counts)), want_fr = 0, want_jp = 0;
	uint64_t total = 0, want_total = 0;
	struct geo_cell_count *cells;
	struct geoarea a;
	struct geo *g;
	(void)state;

	make_points();
	g = engine();
	/* Worldwide by country: a person counts once per country. */
	assert_int_equal(geo_count_by_country(g, NULL, &any, counts, &err), HW_OK);
	for (i = 0; i < nc; i++) {
		if (!strcmp(refgeo_country_at(i)->code, "FR"))
			fr = i;
		if (!strcmp(refgeo_country_at(i)->code, "JP"))
			jp = i;
	}
	for (i = 0; i < NPTS; i++)
		*(i % 2 ? &want_fr : &want_jp) += 1;
	assert_int_equal(counts[fr], want_fr);
	assert_int_equal(counts[jp], want_jp);
	assert_int_equal(counts[nc], 0);

	/* Per 10-degree cell inside a circle: the sum is the query's count,
	 * and each cell's count matches a scan. */
	geoarea_init(&a);
	geoarea_add_circle(&a, 48.85, 2.35, 900, &err);
	assert_int_equal(geo_count_by_cell(g, &a, &any, 10, &cells, &ncells, &err), HW_OK);
	assert_true(ncells > 0);
	for (j = 0; j < ncells; j++) {
		uint64_t want = 0;
		static uint8_t seen[NPTS + 1];
		memset(seen, 0, sizeof(seen));
		for (i = 0; i < npts; i++) {
			double la = pts[i].lat, lo = pts[i].lon;
			if (!area_has(&a, la, lo) || seen[pts[i].person])
				continue;
			if (la >= cells[j].lat && (la < cells[j].lat + 10 || la == 90) &&
			    lo >= cells[j].lon && (lo < cells[j].lon + 10 || lo == 180)) {
				seen[pts[i].person] = 1;
				want++;
			}
		}
		assert_int_equal(cells[j].count, want);
		total += cells[j].count;
	}
	assert_int_equal(geo_count(g, &a, &any, &want_total, &err), HW_OK);
	assert_true(total >= want_total); /* a person may span two cells */
	free(cells);
	assert_int_equal(geo_count_by_cell(g, &a, &any, 0, &cells, &ncells, &err), HW_EINPUT);
	geoarea_release(&a);
	free(counts);
	strbuf_release(&err);
	geo_free(g);
}

static void test_nearest(void **state)
{
	static const double at[][2] = { { 48.85, 2.35 }, { 0, 179.99 }, { 90, 0 },
					{ -45, -100 } };
	struct geo_filter any = { .on = GEO_ANY_DAY };
	struct strbuf err = STRBUF_INIT;
	struct geo_near got[10];
	struct geo *g;
	size_t q, i, n;
	(void)state;

	make_points();
	g = engine();
	for (q = 0; q < ARRAY_SIZE(at); q++) {
		/* Brute force: each person's nearest presence, then the 10
		 * nearest persons. */
		double best[NPTS + 1];
		for (i = 0; i <= NPTS; i++)
			best[i] = HUGE_VAL;
		for (i = 0; i < npts; i++) {
			double d = geo_distance_km(at[q][0], at[q][1], pts[i].lat,
						   pts[i].lon);
			if (d < best[pts[i].person])
				best[pts[i].person] = d;
		}
		assert_int_equal(geo_nearest(g, at[q][0], at[q][1], 10, &any, got,
					     &n, &err), HW_OK);
		assert_int_equal(n, 10);
		for (i = 0; i < n; i++) {
			size_t p, closer = 0;
			assert_true(fabs(best[got[i].person] - got[i].km) < 1e-9);
			/* Exactly i persons are strictly closer. */
			for (p = 1; p <= NPTS; p++)
				if (best[p] < got[i].km)
					closer++;
			assert_true(closer <= i);
			if (i)
				assert_true(got[i].km >= got[i - 1].km);
		}
	}
	geo_free(g);
	strbuf_release(&err);
}

static void test_assign_places(void **state)
{
	static const struct geo_place places[] = {
		{ 48.85, 2.35 }, { 51.5, -0.12 }, { 35.68, 139.7 }, { -17.8, 179.5 },
	};
	struct geo_filter any = { .on = GEO_ANY_DAY };
	struct strbuf err = STRBUF_INIT;
	struct geo_assignment *as;
	struct geoarea a;
	struct geo *g;
	size_t n, i, k;
	(void)state;

	make_points();
	g = engine();
	geoarea_init(&a);
	geoarea_add_circle(&a, 50, 0, 800, &err);
	assert_int_equal(geo_assign_places(g, &a, &any, places, ARRAY_SIZE(places),
					   &as, &n, &err), HW_OK);
	assert_true(n > 100);
	for (i = 0; i < n; i++) {
		/* The place given is as near as any: check against every
		 * presence of the person inside the area. */
		for (k = 0; k < npts; k++) {
			size_t pl;
			if (pts[k].person != as[i].person ||
			    !area_has(&a, pts[k].lat, pts[k].lon))
				continue;
			for (pl = 0; pl < ARRAY_SIZE(places); pl++) {
				double d = geo_distance_km(pts[k].lat, pts[k].lon,
							   places[pl].lat, places[pl].lon);
				double mine = geo_distance_km(pts[k].lat, pts[k].lon,
							      places[as[i].place].lat,
							      places[as[i].place].lon);
				if (fabs(mine - as[i].km) < 1e-9)
					assert_true(mine <= d + 1e-9);
			}
		}
		if (i)
			assert_true(as[i].person > as[i - 1].person);
	}
	free(as);
	assert_int_equal(geo_assign_places(g, &a, &any, places, 0, &as, &n, &err), HW_EINPUT);
	geoarea_release(&a);
	strbuf_release(&err);
	geo_free(g);
}

/* The jurisdiction filter, in every query path. */
static void test_country_filter(void **state)
{
	static const char fr[][3] = { "FR" }, both[][3] = { "FR", "JP" },
			  bad[][3] = { "XX", "FR" };
	struct geo_filter any = { .on = GEO_ANY_DAY }, f = any, none = any,
			  on = { .on = 20050 };
	struct strbuf err = STRBUF_INIT;
	size_t nc = refgeo_country_count(), i, n, ncells;
	uint64_t *counts = xcalloc(nc + 1, sizeof(*counts)), total = 0, cnt;
	struct geo_cell_count *cells;
	struct geo_assignment *as;
	struct geo_near near[5];
	struct geo_place place = { 48.85, 2.35 };
	struct geoarea a;
	struct geo *g;
	(void)state;

	make_points();
	g = engine();
	geoarea_init(&a);
	geoarea_add_circle(&a, 48.85, 2.35, 600, NULL);
	geoarea_add_circle(&a, -17.8, -179.9, 800, NULL);
	assert_int_equal(geo_filter_set_countries(&f, fr, 1, &err), HW_OK);
	check(g, &a, &f, NULL, "circles, FR only");
	assert_int_equal(geo_filter_set_countries(&on, both, 2, &err), HW_OK);
	check(g, &a, &on, NULL, "circles on a date, FR and JP");
	assert_int_equal(geo_filter_set_countries(&none, NULL, 0, &err), HW_OK);
	assert_int_equal(geo_count(g, &a, &none, &cnt, &err), HW_OK);
	assert_int_equal(cnt, 0);
	assert_int_equal(geo_count(g, NULL, &none, &cnt, &err), HW_OK);
	assert_int_equal(cnt, 0);
	/* An unknown code is refused, and the filter fails closed. */
	{
		struct geo_filter b = any;
		assert_int_equal(geo_filter_set_countries(&b, bad, 2, &err), HW_EINPUT);
		assert_non_null(strstr(err.buf, "'XX'"));
		check(g, &a, &b, NULL, "FR after a bad code");
	}

	/* Aggregates see only FR. */
	assert_int_equal(geo_count_by_country(g, NULL, &f, counts, &err), HW_OK);
	for (i = 0; i <= nc; i++)
		if (i == nc || strcmp(refgeo_country_at(i)->code, "FR"))
			assert_int_equal(counts[i], 0);
		else
			assert_int_equal(counts[i], NPTS / 2);
	assert_int_equal(geo_count_by_cell(g, &a, &f, 5, &cells, &ncells, &err), HW_OK);
	for (i = 0; i < ncells; i++)
		total += cells[i].count;
	free(cells);
	assert_int_equal(geo_count(g, &a, &f, &cnt, &err), HW_OK);
	assert_true(cnt > 0 && total >= cnt);

	/* Nearest and assignments: FR persons only (odd i, even person). */
	assert_int_equal(geo_nearest(g, 35.68, 139.7, 5, &f, near, &n, &err), HW_OK);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++)
		assert_int_equal(near[i].person % 2, 0);
	assert_int_equal(geo_assign_places(g, &a, &f, &place, 1, &as, &n, &err), HW_OK);
	assert_int_equal(n, cnt);
	for (i = 0; i < n; i++)
		assert_int_equal(as[i].person % 2, 0);
	free(as);

	/* The matching presences themselves: each entry once, sorted. */
	{
		struct geo_presence *ps;
		size_t want = 0, k;
		assert_int_equal(geo_query_presences(g, &a, &f, &ps, &n, &err), HW_OK);
		for (k = 0; k < npts; k++)
			if (passes(&pts[k], &f) && area_has(&a, pts[k].lat, pts[k].lon))
				want++;
		assert_int_equal(n, want);
		for (k = 0; k < n; k++) {
			assert_string_equal(ps[k].country, "FR");
			if (k)
				assert_true(ps[k].person >= ps[k - 1].person);
		}
		free(ps);
	}
	geoarea_release(&a);
	free(counts);
	strbuf_release(&err);
	geo_free(g);
}

/* A person and a presence added after the load, beyond its arrays. */
static void test_late_person(void **state)
{
	struct geo_presence p = { 0 };
	struct geo_person who = { 0 };
	struct geo_filter f = { .on = GEO_ANY_DAY };
	struct strbuf err = STRBUF_INIT;
	struct geo_result r = { 0 };
	struct geoarea a;
	struct geo *g;
	(void)state;

	make_points();
	g = engine();
	p.person = 3000000;
	p.lat = 27.7172;
	p.lon = 85.324;
	p.arrival = GEO_OPEN_START;
	p.departure = GEO_OPEN_END;
	memcpy(p.country, "NP", 2);
	assert_int_equal(geo_add(g, &p), HW_OK);
	who.person = p.person;
	memcpy(who.nationality, "IN", 2);
	who.needs = 4;
	geo_set_person(g, &who);
	geoarea_init(&a);
	geoarea_add_circle(&a, 27.7, 85.3, 20, NULL);
	memcpy(f.nationality, "IN", 2);
	f.needs = 4;
	assert_int_equal(geo_query(g, &a, &f, &r, &err), HW_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.persons[0], 3000000);
	geo_result_release(&r);
	f.needs = 8;
	assert_int_equal(geo_query(g, &a, &f, &r, &err), HW_OK);
	assert_int_equal(r.n, 0);
	geo_result_release(&r);
	assert_int_equal(geo_remove(g, &p), HW_OK);
	f.needs = 0;
	assert_int_equal(geo_query(g, &a, &f, &r, &err), HW_OK);
	assert_int_equal(r.n, 0);
	p.person = 0;
	assert_int_equal(geo_add(g, &p), HW_EINPUT);
	geo_result_release(&r);
	geoarea_release(&a);
	strbuf_release(&err);
	geo_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_circles),
		cmocka_unit_test(test_filters_and_union),
		cmocka_unit_test(test_updates),
		cmocka_unit_test(test_polygons),
		cmocka_unit_test(test_countries),
		cmocka_unit_test(test_aggregates),
		cmocka_unit_test(test_nearest),
		cmocka_unit_test(test_assign_places),
		cmocka_unit_test(test_country_filter),
		cmocka_unit_test(test_late_person),
	};
	return cmocka_run_group_tests(tests, NULL, free_countries);
}
