/*
 * Unit tests for refgeo.c: countries, shapes (including the antimeridian and
 * tolerance), calling codes, cities, airports, distances, and a cross-check
 * of the grid index against a naive even-odd ray cast over every ring.
 */
#include "core/homeward.h"
#include "geo/refgeo.h"
#include "core/builtin.h"

#include <math.h>
#include <setjmp.h>
#include <cmocka.h>

static int setup(void **state)
{
	struct strbuf err = STRBUF_INIT;
	int rc = refgeo_load(&err);
	(void)state;
	if (rc)
		fprintf(stderr, "refgeo_load: %s\n", err.buf);
	strbuf_release(&err);
	return rc;
}

static void assert_in(const char *code, double lat, double lon)
{
	const char *of = refgeo_country_of(lat, lon);
	if (refgeo_in_country(code, lat, lon, 0) != 1 || !of || strcmp(of, code))
		fail_msg("(%g, %g) should be in %s, country_of says %s", lat, lon,
			 code, of ? of : "nothing");
}

static void test_countries(void **state)
{
	const struct refgeo_country *fr = refgeo_country("FR"), *c;
	size_t i, n = refgeo_country_count();
	(void)state;

	assert_true(n >= 245);
	for (i = 1; i < n; i++)
		assert_true(strcmp(refgeo_country_at(i - 1)->code,
				   refgeo_country_at(i)->code) < 0);
	assert_null(refgeo_country_at(n));
	assert_non_null(fr);
	assert_string_equal(fr->code, "FR");
	assert_string_equal(fr->name, "France");
	assert_string_equal(fr->calling, "33");
	assert_string_equal(fr->languages, "fr");
	assert_true(fr->has_shape);
	assert_true(fr->min_lat < 48.85 && fr->max_lat > 48.85);
	assert_true(fr->min_lon < 2.35 && fr->max_lon > 2.35);
	c = refgeo_country("RU");
	assert_true(c->min_lon < 30 && c->max_lon > 180);
	c = refgeo_country("GI");
	assert_non_null(c);
	assert_false(c->has_shape);
}

static void test_unknown(void **state)
{
	const struct refgeo_city *cities = (const void *)1;
	const struct refgeo_airport *airports = (const void *)1;
	(void)state;

	assert_null(refgeo_country("ZZ"));
	assert_null(refgeo_country("fr"));
	assert_null(refgeo_country("FRA"));
	assert_null(refgeo_country(""));
	assert_int_equal(refgeo_in_country("ZZ", 48.85, 2.35, 0), HW_ENOTFOUND);
	assert_int_equal(refgeo_in_country("", 48.85, 2.35, 0), HW_ENOTFOUND);
	assert_int_equal(refgeo_cities("ZZ", &cities), 0);
	assert_null(cities);
	assert_int_equal(refgeo_airports("ZZ", &airports), 0);
	assert_null(airports);
	assert_int_equal(refgeo_in_country("FR", NAN, 2.35, 0), 0);
	assert_int_equal(refgeo_in_country("FR", 95, 2.35, 0), 0);
	assert_null(refgeo_country_of(NAN, 0));
}

static void test_europe(void **state)
{
	(void)state;
	assert_in("FR", 48.8566, 2.3522);              /* Paris */
	assert_in("FR", 45.7640, 4.8357);              /* Lyon */
	assert_int_equal(refgeo_in_country("DE", 45.7640, 4.8357, 0), 0);
	assert_in("DE", 52.52, 13.405);                /* Berlin */
	assert_in("XK", 42.66, 21.16);                 /* Pristina */
	assert_in("CY", 35.25, 33.5);                  /* north of the Green Line */
	assert_in("RU", 54.71, 20.51);                 /* Kaliningrad */
	/* Longitudes outside [-180, 180) are taken modulo 360. */
	assert_int_equal(refgeo_in_country("FR", 48.8566, 362.3522, 0), 1);
}

static void test_americas_and_sea(void **state)
{
	(void)state;
	assert_in("US", 40.7812, -73.9665);            /* Central Park */
	assert_in("US", 21.3069, -157.8583);           /* Honolulu */
	assert_in("US", 52.9, 173.2);                  /* Attu, west of 180 */
	assert_in("CA", 45.5017, -73.5673);            /* Montreal */
	assert_in("BR", -15.79, -47.88);               /* Brasília */
	assert_null(refgeo_country_of(35.0, -40.0));   /* mid-Atlantic */
	assert_int_equal(refgeo_in_country("US", 35.0, -40.0, 0), 0);
	assert_int_equal(refgeo_in_country("US", 35.0, -40.0, 100), 0);
}

static void test_antimeridian(void **state)
{
	(void)state;
	assert_in("RU", 66.0, -172.5);                 /* Chukotka, east of 180 */
	assert_in("RU", 64.0, 176.0);                  /* Chukotka, west of 180 */
	assert_in("RU", 66.0, 179.9);
	assert_in("RU", 66.0, -179.9);
	assert_int_equal(refgeo_in_country("US", 66.0, -172.5, 0), 0);
	assert_in("FJ", -17.8, 178.0);                 /* Viti Levu */
	assert_in("FJ", -16.8, -179.95);               /* Vanua Levu, east tip */
	assert_in("FJ", -16.5, 179.5);                 /* Vanua Levu */
	assert_int_equal(refgeo_in_country("FJ", -17.0, -175.0, 0), 0);
	assert_in("KI", 1.87, -157.4);                 /* Kiritimati */
	assert_in("NZ", -43.9, -176.5);                /* Chatham Islands */
}

static void test_overseas(void **state)
{
	(void)state;
	/* Cayenne is in French Guiana, which is also part of France. */
	assert_in("GF", 4.92, -52.31);
	assert_int_equal(refgeo_in_country("FR", 4.92, -52.31, 0), 1);
	assert_int_equal(refgeo_in_country("GF", 48.8566, 2.3522, 0), 0);
	assert_in("RE", -21.1, 55.5);
	assert_in("SJ", 78.22, 15.65);                 /* Longyearbyen */
	assert_in("SO", 9.56, 44.06);                  /* Hargeisa */
}

static void test_de_jure(void **state)
{
	(void)state;
	/* Borders as ISO 3166-1 and the city and airport lists have them. */
	assert_in("UA", 44.6, 33.53);                  /* Sevastopol */
	assert_in("UA", 44.95, 34.1);                  /* Simferopol */
	assert_int_equal(refgeo_in_country("RU", 44.95, 34.1, 0), 0);
	assert_in("RU", 45.04, 38.98);                 /* Krasnodar */
	assert_in("EH", 27.15, -13.2);                 /* Laayoune */
	assert_in("EH", 23.7, -15.95);                 /* Dakhla */
	assert_in("MA", 34.02, -6.84);                 /* Rabat */
	assert_int_equal(refgeo_in_country("MA", 27.15, -13.2, 0), 0);
}

static void test_without_shape(void **state)
{
	(void)state;
	/* Gibraltar has no 1:50m polygon; its city stands in for one. */
	assert_int_equal(refgeo_in_country("GI", 36.14, -5.35, 0), 1);
	assert_int_equal(refgeo_in_country("GI", 48.8566, 2.3522, 0), 0);
	assert_int_equal(refgeo_in_country("GI", 36.14, -4.2, 0), 0);
	assert_int_equal(refgeo_in_country("GI", 36.14, -4.2, 60), 1);
}

/* Bisect along a latitude for the coast between an inland and a sea point. */
static double find_coast(const char *code, double lat, double in, double out)
{
	int i;

	assert_int_equal(refgeo_in_country(code, lat, in, 0), 1);
	assert_int_equal(refgeo_in_country(code, lat, out, 0), 0);
	for (i = 0; i < 50; i++) {
		double mid = (in + out) / 2;
		if (refgeo_in_country(code, lat, mid, 0) == 1)
			in = mid;
		else
			out = mid;
	}
	return in;
}

static void test_tolerance(void **state)
{
	double lat = 44.5, coast, lon;
	(void)state;

	/* 5 km off the straight Landes coast, out at sea. */
	coast = find_coast("FR", lat, 0.0, -3.0);
	assert_true(coast < -1.0 && coast > -1.5);
	lon = coast - 5.0 / refgeo_distance_km(lat, 0, lat, 1);
	assert_int_equal(refgeo_in_country("FR", lat, lon, 0), 0);
	assert_int_equal(refgeo_in_country("FR", lat, lon, 1), 0);
	assert_int_equal(refgeo_in_country("FR", lat, lon, 10), 1);
	assert_int_equal(refgeo_in_country("ES", lat, lon, 10), 0);
	assert_null(refgeo_country_of(lat, lon));

	/* The same east of 180, off Chukotka in the Bering Strait. */
	lat = 66.0;
	coast = find_coast("RU", lat, -172.5, -168.5);
	assert_true(coast < -169.0 && coast > -171.0);
	lon = coast + 3.0 / refgeo_distance_km(lat, 0, lat, 1);
	assert_int_equal(refgeo_in_country("RU", lat, lon, 0), 0);
	assert_int_equal(refgeo_in_country("RU", lat, lon, 5), 1);
	assert_int_equal(refgeo_in_country("RU", lat, lon + 360, 5), 1);
}

static void test_calling_codes(void **state)
{
	(void)state;
	assert_int_equal(refgeo_calling_code_len("33612345678"), 2);
	assert_int_equal(refgeo_calling_code_len("12125550123"), 1);
	assert_int_equal(refgeo_calling_code_len("12425550123"), 1);
	assert_int_equal(refgeo_calling_code_len("8613800138000"), 2);
	assert_int_equal(refgeo_calling_code_len("85291234567"), 3);
	assert_int_equal(refgeo_calling_code_len("79161234567"), 1);
	assert_int_equal(refgeo_calling_code_len("447911123456"), 2);
	assert_int_equal(refgeo_calling_code_len("5997123456"), 3);
	assert_int_equal(refgeo_calling_code_len("999123456"), 0);
	assert_int_equal(refgeo_calling_code_len("85"), 0);
	assert_int_equal(refgeo_calling_code_len(""), 0);
	assert_int_equal(refgeo_calling_code_len("+33"), 0);
}

static void test_cities_airports(void **state)
{
	const struct refgeo_city *cities;
	const struct refgeo_airport *ap;
	size_t i, n;
	bool seen_medium = false;
	(void)state;

	n = refgeo_cities("CN", &cities);
	assert_true(n > 1000);
	assert_string_equal(cities[0].country, "CN");
	assert_true(cities[0].population > 10000000);
	for (i = 1; i < n; i++) {
		assert_true(cities[i].population <= cities[i - 1].population);
		assert_string_equal(cities[i].country, "CN");
	}
	n = refgeo_cities("FR", &cities);
	assert_string_equal(cities[0].name, "Paris");
	assert_int_equal(refgeo_in_country("FR", cities[0].lat, cities[0].lon, 0), 1);

	n = refgeo_airports("FR", &ap);
	assert_true(n > 10);
	for (i = 0; i < n; i++) {
		assert_string_equal(ap[i].country, "FR");
		assert_int_equal(strlen(ap[i].iata), 3);
		if (!ap[i].large)
			seen_medium = true;
		else
			assert_false(seen_medium);
	}
	assert_true(ap[0].large);
}

static void test_distance(void **state)
{
	(void)state;
	assert_true(fabs(refgeo_distance_km(0, 0, 0, 1) - 111.19508) < 1e-4);
	assert_true(fabs(refgeo_distance_km(0, 0, 0, 180) - 20015.1150) < 1e-3);
	assert_true(fabs(refgeo_distance_km(10, 179.5, 10, -179.5) -
			 refgeo_distance_km(10, 0, 10, 1)) < 1e-9);
	assert_true(refgeo_distance_km(48.8566, 2.3522, 48.8566, 2.3522) == 0);
}

/* --- the naive cross-check -------------------------------------------- */

struct nring {
	double *x, *y;
	size_t n;
};

struct nshape {
	struct nring *rings;
	size_t n, alloc;
	double x0, x1, y0, y1;
};

/* Parse one country's rings from shapes.txt, independently of refgeo.c. */
static void naive_load(const char *code, struct nshape *s)
{
	const struct builtin_file *f = builtin_find("refdata/shapes.txt");
	const char *p, *end;
	char head[16];
	bool mine = false;

	memset(s, 0, sizeof(*s));
	s->x0 = s->y0 = HUGE_VAL;
	s->x1 = s->y1 = -HUGE_VAL;
	assert_non_null(f);
	snprintf(head, sizeof(head), "C %s ", code);
	for (p = f->data, end = f->data + f->size; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (*p == 'C')
			mine = !strncmp(p, head, strlen(head));
		if (mine && *p == 'R') {
			char *q;
			long n = strtol(p + 2, &q, 10), i;
			long x = 0, y = 0;
			struct nring *r;
			ALLOC_GROW(s->rings, s->n + 1, s->alloc);
			r = &s->rings[s->n++];
			r->n = (size_t)n;
			r->x = xmalloc((size_t)n * sizeof(double));
			r->y = xmalloc((size_t)n * sizeof(double));
			for (i = 0; i < n; i++) {
				x += strtol(q, &q, 10);
				y += strtol(q, &q, 10);
				r->x[i] = (double)x * 1e-5;
				r->y[i] = (double)y * 1e-5;
				s->x0 = fmin(s->x0, r->x[i]);
				s->x1 = fmax(s->x1, r->x[i]);
				s->y0 = fmin(s->y0, r->y[i]);
				s->y1 = fmax(s->y1, r->y[i]);
			}
		}
		p = nl + 1;
	}
	assert_true(s->n > 0);
}

static void naive_free(struct nshape *s)
{
	size_t i;
	for (i = 0; i < s->n; i++) {
		free(s->rings[i].x);
		free(s->rings[i].y);
	}
	free(s->rings);
}

/* Even-odd over all rings, trying the longitude in each 360-degree frame. */
static bool naive_inside(const struct nshape *s, double lat, double lon)
{
	int k;
	for (k = -1; k <= 1; k++) {
		double x = lon + 360.0 * k;
		bool in = false;
		size_t r, i, j;
		for (r = 0; r < s->n; r++) {
			const struct nring *g = &s->rings[r];
			for (i = 0, j = g->n - 1; i < g->n; j = i++)
				if ((g->y[i] > lat) != (g->y[j] > lat) &&
				    x < g->x[i] + (lat - g->y[i]) *
						      (g->x[j] - g->x[i]) /
						      (g->y[j] - g->y[i]))
					in = !in;
		}
		if (in)
			return true;
	}
	return false;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static double rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void test_against_naive(void **state)
{
	static const struct { const char *code; int n; } cases[] = {
		{ "FR", 400 }, { "US", 300 }, { "RU", 200 }, { "FJ", 400 },
		{ "CN", 200 }, { "CA", 150 }, { "NO", 300 }, { "ID", 200 },
		{ "GB", 300 }, { "KI", 300 }, { "NZ", 300 }, { "CL", 200 },
		{ "IT", 300 }, { "CH", 300 }, { "LS", 200 }, { "ZA", 200 },
		{ "GF", 200 }, { "AQ", 100 }, { "UA", 200 }, { "EH", 200 },
		{ "MA", 200 },
	};
	size_t c;
	int total = 0, inside = 0;
	(void)state;

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		struct nshape s;
		int i;

		naive_load(cases[c].code, &s);
		for (i = 0; i < cases[c].n; i++) {
			double lat, lon;
			int got;
			bool want;

			if (i % 2) {
				/* Near a random vertex: exercises the cells
				 * that edges cross. */
				const struct nring *g =
					&s.rings[(size_t)(rnd() * (double)s.n)];
				size_t v = (size_t)(rnd() * (double)g->n);
				lat = g->y[v] + (rnd() - 0.5) * 0.1;
				lon = g->x[v] + (rnd() - 0.5) * 0.1;
			} else {
				lat = s.y0 + rnd() * (s.y1 - s.y0);
				lon = s.x0 + rnd() * (s.x1 - s.x0);
			}
			if (lat > 90 || lat < -90)
				continue;
			if (lon >= 180)
				lon -= 360;
			else if (lon < -180)
				lon += 360;
			got = refgeo_in_country(cases[c].code, lat, lon, 0);
			want = naive_inside(&s, lat, lon);
			if (got != (want ? 1 : 0))
				fail_msg("%s (%.9f, %.9f): index says %d, naive %d",
					 cases[c].code, lat, lon, got, want);
			total++;
			inside += want;
		}
		naive_free(&s);
	}
	/* Both kinds of answer must have been exercised. */
	assert_true(total > 4000);
	assert_true(inside > total / 5 && inside < total * 4 / 5);
}

/* Places that 1:50m shapes leave out, but that the city list names: the
 * exclaves of Ceuta and Melilla, the islands of the Maldives. */
static void test_outlying_places(void **state)
{
	(void)state;
	assert_int_equal(refgeo_in_country("ES", 35.2923, -2.9381, 10), 1);
	assert_int_equal(refgeo_in_country("ES", 35.8894, -5.3213, 10), 1);
	assert_int_equal(refgeo_in_country("MV", 4.1755, 73.5093, 10), 1);
	/* Fes is in Morocco, far from either. */
	assert_int_equal(refgeo_in_country("ES", 34.0331, -5.0003, 30), 0);
	assert_int_equal(refgeo_in_country("MA", 34.0331, -5.0003, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outlying_places),
		cmocka_unit_test(test_countries),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_europe),
		cmocka_unit_test(test_americas_and_sea),
		cmocka_unit_test(test_antimeridian),
		cmocka_unit_test(test_overseas),
		cmocka_unit_test(test_de_jure),
		cmocka_unit_test(test_without_shape),
		cmocka_unit_test(test_tolerance),
		cmocka_unit_test(test_calling_codes),
		cmocka_unit_test(test_cities_airports),
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_against_naive),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
