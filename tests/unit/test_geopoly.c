/*
 * Unit tests for geopoly.c: fixed cases (winding, holes, the antimeridian,
 * the poles, validation messages) and property tests on random polygons
 * against a naive even-odd ray cast written here, against the module's own
 * exact scan (geopoly_contains_scan), and of geopoly_classify() against
 * points sampled in each rectangle.
 */
#include "core/homeward.h"
#include "geo/geopoly.h"

#include <math.h>
#include <setjmp.h>
#include <cmocka.h>

#define MAX_RINGS 16

/* ---- Polygons as the test builds them ---------------------------------- */

struct tring {
	double *v; /* lon, lat pairs */
	size_t n, alloc;
};

struct tpoly {
	struct tring r[MAX_RINGS];
	size_t nr;
};

static void tp_release(struct tpoly *tp)
{
	size_t i;

	for (i = 0; i < tp->nr; i++)
		free(tp->r[i].v);
	tp->nr = 0;
}

static struct tring *tp_ring(struct tpoly *tp)
{
	struct tring *r;

	assert_true(tp->nr < MAX_RINGS);
	r = &tp->r[tp->nr++];
	memset(r, 0, sizeof(*r));
	return r;
}

static void tr_add(struct tring *r, double lon, double lat)
{
	ALLOC_GROW(r->v, 2 * r->n + 2, r->alloc);
	r->v[2 * r->n] = lon;
	r->v[2 * r->n + 1] = lat;
	r->n++;
}

static void tr_close(struct tring *r)
{
	tr_add(r, r->v[0], r->v[1]);
}

static struct geopoly *tp_build(const struct tpoly *tp)
{
	struct geopoly_ring rings[MAX_RINGS];
	struct strbuf err = STRBUF_INIT;
	struct geopoly *p = NULL;
	size_t i;
	int rc;

	for (i = 0; i < tp->nr; i++) {
		rings[i].lonlat = tp->r[i].v;
		rings[i].n = tp->r[i].n;
	}
	rc = geopoly_build(rings, tp->nr, &p, &err);
	if (rc)
		fail_msg("geopoly_build: %s", err.buf);
	strbuf_release(&err);
	assert_non_null(p);
	return p;
}

/* ---- Random numbers (splitmix64) ----------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static double rnd(void)
{
	return (double)(rnd64() >> 11) * 0x1p-53;
}

static double rnd_in(double a, double b)
{
	return a + (b - a) * rnd();
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* A random star-shaped ring around (cx, cy): n vertices at sorted angles,
 * radii between rmin and rmax, in either winding. */
static void add_star(struct tpoly *tp, double cx, double cy, double rmin,
		     double rmax, size_t n)
{
	struct tring *r = tp_ring(tp);
	double ang[256];
	bool cw = rnd64() & 1;
	size_t i;

	assert_true(n <= ARRAY_SIZE(ang));
	for (i = 0; i < n; i++)
		ang[i] = rnd_in(0, 2 * M_PI);
	qsort(ang, n, sizeof(*ang), cmp_double);
	for (i = 0; i < n; i++) {
		double a = cw ? -ang[i] : ang[i], rad = rnd_in(rmin, rmax);
		tr_add(r, cx + rad * cos(a), cy + rad * sin(a));
	}
	tr_close(r);
}

/* The same on a lattice of step `q`, so that midpoints and quarter points
 * of edges are exact doubles lying exactly on the edges. */
static void add_lattice_star(struct tpoly *tp, double cx, double cy,
			     double rmin, double rmax, size_t n, double q)
{
	struct tring *r;
	size_t i;

	add_star(tp, cx, cy, rmin, rmax, n);
	r = &tp->r[tp->nr - 1];
	for (i = 0; i < r->n; i++) {
		r->v[2 * i] = round(r->v[2 * i] / q) * q;
		r->v[2 * i + 1] = round(r->v[2 * i + 1] / q) * q;
	}
}

/* ---- The naive reference ------------------------------------------------ */

static double seg_dist(double px, double py, double ax, double ay, double bx,
		       double by)
{
	double dx = bx - ax, dy = by - ay, t = 0, ex, ey;
	double len2 = dx * dx + dy * dy;

	if (len2 > 0) {
		t = ((px - ax) * dx + (py - ay) * dy) / len2;
		t = t < 0 ? 0 : t > 1 ? 1 : t;
	}
	ex = ax + t * dx - px;
	ey = ay + t * dy - py;
	return sqrt(ex * ex + ey * ey);
}

/* Even-odd ray cast in one frame: 1 inside, 0 outside, -1 too near the
 * boundary (within tol) for a floating-point answer to be trusted. */
static int naive_frame(const struct tpoly *tp, double x, double y, double tol)
{
	int in = 0;
	size_t i, k;

	for (i = 0; i < tp->nr; i++) {
		const double *v = tp->r[i].v;
		for (k = 0; k + 1 < tp->r[i].n; k++) {
			double ax = v[2 * k], ay = v[2 * k + 1];
			double bx = v[2 * k + 2], by = v[2 * k + 3];
			if (seg_dist(x, y, ax, ay, bx, by) <= tol)
				return -1;
			if ((ay > y) != (by > y) &&
			    ax + (y - ay) * (bx - ax) / (by - ay) > x)
				in ^= 1;
		}
	}
	return in;
}

static bool has_vertex_at_lat(const struct tpoly *tp, double lat)
{
	size_t i, k;

	for (i = 0; i < tp->nr; i++)
		for (k = 0; k < tp->r[i].n; k++)
			if (tp->r[i].v[2 * k + 1] == lat)
				return true;
	return false;
}

/* What geopoly_contains() should say: the point tried at lon and 360
 * degrees either side, and a pole inside when a vertex is at it. */
static int naive(const struct tpoly *tp, double lat, double lon, double tol)
{
	static const double shift[3] = { 0, -360, 360 };
	int k, unsure = 0;

	if (fabs(lat) > 90)
		return 0;
	if (fabs(lat) == 90 && has_vertex_at_lat(tp, lat))
		return 1;
	for (k = 0; k < 3; k++) {
		int r = naive_frame(tp, lon + shift[k], lat, tol);
		if (r == 1)
			return 1;
		if (r < 0)
			unsure = 1;
	}
	return unsure ? -1 : 0;
}

/* ---- Checks -------------------------------------------------------------- */

/* contains() against the exact scan always, and against the naive ray cast
 * unless the point is too near the boundary. */
static bool check_point(const struct geopoly *p, const struct tpoly *tp,
			double lat, double lon, double tol)
{
	bool got = geopoly_contains(p, lat, lon);
	int want = naive(tp, lat, lon, tol);

	if (got != geopoly_contains_scan(p, lat, lon))
		fail_msg("(%.17g, %.17g): contains %d but scan %d", lat, lon,
			 got, !got);
	if (want >= 0 && got != (want == 1))
		fail_msg("(%.17g, %.17g): contains %d but ray cast %d", lat, lon,
			 got, want);
	return got;
}

static void check_in(const struct geopoly *p, double lat, double lon)
{
	if (!geopoly_contains(p, lat, lon))
		fail_msg("(%.17g, %.17g) should be inside", lat, lon);
	if (!geopoly_contains_scan(p, lat, lon))
		fail_msg("(%.17g, %.17g) should be inside (scan)", lat, lon);
}

static void check_out(const struct geopoly *p, double lat, double lon)
{
	if (geopoly_contains(p, lat, lon))
		fail_msg("(%.17g, %.17g) should be outside", lat, lon);
	if (geopoly_contains_scan(p, lat, lon))
		fail_msg("(%.17g, %.17g) should be outside (scan)", lat, lon);
}

/* Every vertex, and the points of the lattice on each edge, are inside. */
static void check_vertices(const struct geopoly *p, const struct tpoly *tp,
			   bool lattice)
{
	size_t i, k;

	for (i = 0; i < tp->nr; i++) {
		const double *v = tp->r[i].v;
		for (k = 0; k + 1 < tp->r[i].n; k++) {
			double ax = v[2 * k], ay = v[2 * k + 1];
			double bx = v[2 * k + 2], by = v[2 * k + 3];
			check_in(p, ay, ax);
			if (lattice || ax == bx || ay == by) {
				check_in(p, (ay + by) / 2, (ax + bx) / 2);
				check_in(p, ay + (by - ay) / 4, ax + (bx - ax) / 4);
			}
			if (ax == bx && ay != by)
				check_in(p, rnd_in(fmin(ay, by), fmax(ay, by)), ax);
			if (ay == by && ax != bx)
				check_in(p, ay, rnd_in(fmin(ax, bx), fmax(ax, bx)));
		}
	}
}

static double wrap_lon(double lon)
{
	while (lon > 180)
		lon -= 360;
	while (lon < -180)
		lon += 360;
	return lon;
}

/* Random points around the polygon's box, returning how many were inside. */
static size_t check_random_points(const struct geopoly *p,
				  const struct tpoly *tp, size_t n, double tol)
{
	double lat0, lon0, lat1, lon1, mx, my;
	size_t i, inside = 0;

	geopoly_bbox(p, &lat0, &lon0, &lat1, &lon1);
	mx = (lon1 - lon0) * 0.2;
	my = (lat1 - lat0) * 0.2;
	for (i = 0; i < n; i++) {
		double lat = rnd_in(fmax(-90, lat0 - my), fmin(90, lat1 + my));
		double lon = wrap_lon(rnd_in(lon0 - mx, lon1 + mx));
		inside += check_point(p, tp, lat, lon, tol);
	}
	return inside;
}

/*
 * classify() on a rectangle against points sampled in it: a grid of
 * points including the corners and sides, and random ones. Returns the
 * answer.
 */
static enum geopoly_rel check_rect(const struct geopoly *p, double lat0,
				   double lon0, double lat1, double lon1)
{
	enum geopoly_rel rel = geopoly_classify(p, lat0, lon0, lat1, lon1);
	int i, j;

	if (rel == GEOPOLY_PARTLY)
		return rel;
	for (i = 0; i < 60; i++) {
		double lat, lon;
		bool in;

		if (i < 49) {
			lat = i / 7 == 6 ? lat1 : lat0 + (lat1 - lat0) * (i / 7) / 6;
			j = i % 7;
			lon = j == 6 ? lon1 : lon0 + (lon1 - lon0) * j / 6;
		} else {
			lat = rnd_in(lat0, lat1);
			lon = rnd_in(lon0, lon1);
		}
		in = geopoly_contains(p, lat, lon);
		if (in != (rel == GEOPOLY_INSIDE))
			fail_msg("rectangle (%.17g, %.17g)-(%.17g, %.17g) is %s "
				 "but (%.17g, %.17g) is %s",
				 lat0, lon0, lat1, lon1,
				 rel == GEOPOLY_INSIDE ? "inside" : "outside",
				 lat, lon, in ? "inside" : "outside");
	}
	return rel;
}

struct rel_counts {
	size_t in, out, partly;
};

static void count_rel(struct rel_counts *c, enum geopoly_rel r)
{
	if (r == GEOPOLY_INSIDE)
		c->in++;
	else if (r == GEOPOLY_OUTSIDE)
		c->out++;
	else
		c->partly++;
}

/* Random rectangles of sizes from a fraction of the polygon to bigger. */
static void check_random_rects(const struct geopoly *p, size_t n,
			       struct rel_counts *c)
{
	double lat0, lon0, lat1, lon1;
	size_t i;

	geopoly_bbox(p, &lat0, &lon0, &lat1, &lon1);
	for (i = 0; i < n; i++) {
		double w = (lon1 - lon0) * pow(10, rnd_in(-3, 0.2));
		double h = (lat1 - lat0) * pow(10, rnd_in(-3, 0.2));
		double x = wrap_lon(rnd_in(lon0 - w, lon1));
		double y = rnd_in(fmax(-90, lat0 - h), lat1);
		double x1 = fmin(180, x + w), y1 = fmin(90, y + h);
		count_rel(c, check_rect(p, y, x, y1, x1));
	}
}

/* ---- Fixed cases ------------------------------------------------------------ */

static void test_square_both_windings(void **state)
{
	static const double ccw[] = { 0, 0, 10, 0, 10, 10, 0, 10, 0, 0 };
	static const double cw[] = { 0, 0, 0, 10, 10, 10, 10, 0, 0, 0 };
	const double *rings[2] = { ccw, cw };
	int w;
	(void)state;

	for (w = 0; w < 2; w++) {
		struct geopoly_ring r = { rings[w], 5 };
		struct strbuf err = STRBUF_INIT;
		struct geopoly *p = NULL;
		double a, b, c, d;

		assert_int_equal(geopoly_build(&r, 1, &p, &err), 0);
		check_in(p, 5, 5);
		check_in(p, 0, 0);
		check_in(p, 10, 10);
		check_in(p, 0, 10);
		check_in(p, 5, 0);
		check_in(p, 10, 5);
		check_in(p, 5, 10);
		check_in(p, 0, 5);
		check_in(p, 1e-300, 1e-300);
		check_out(p, 5, 10.000001);
		check_out(p, 5, nextafter(10, 11));
		check_out(p, -1e-100, 5);
		/* Nearer to 0 than 1e-144: taken as 0, on the edge. */
		check_in(p, nextafter(0, -1), 5);
		check_out(p, -5, 5);
		check_out(p, 5, -170);
		check_out(p, NAN, 5);
		check_out(p, 5, INFINITY);
		geopoly_bbox(p, &a, &b, &c, &d);
		assert_true(a == 0 && b == 0 && c == 10 && d == 10);

		assert_int_equal(geopoly_classify(p, 1, 1, 9, 9), GEOPOLY_INSIDE);
		assert_int_equal(geopoly_classify(p, 0, 0, 10, 10), GEOPOLY_PARTLY);
		assert_int_equal(geopoly_classify(p, -1, -1, 11, 11),
				 GEOPOLY_PARTLY);
		assert_int_equal(geopoly_classify(p, 2, 10, 3, 12), GEOPOLY_PARTLY);
		assert_int_equal(geopoly_classify(p, 2, nextafter(10, 11), 3, 12),
				 GEOPOLY_OUTSIDE);
		assert_int_equal(geopoly_classify(p, 20, 20, 30, 30),
				 GEOPOLY_OUTSIDE);
		assert_int_equal(geopoly_classify(p, 3, 3, 3, 3), GEOPOLY_INSIDE);
		/* Degenerate rectangles along an edge's line. */
		assert_int_equal(geopoly_classify(p, 0, -5, 0, 5), GEOPOLY_PARTLY);
		assert_int_equal(geopoly_classify(p, -5, 10, 5, 10),
				 GEOPOLY_PARTLY);
		assert_int_not_equal(geopoly_classify(p, 0, 2, 0, 5),
				     GEOPOLY_OUTSIDE);
		assert_int_equal(geopoly_classify(p, 3, 3, 2, 4), GEOPOLY_PARTLY);
		assert_int_equal(geopoly_classify(p, NAN, 3, 4, 4),
				 GEOPOLY_PARTLY);
		geopoly_free(p);
		strbuf_release(&err);
	}
}

static void test_hole(void **state)
{
	struct tpoly tp = { 0 };
	struct tring *r;
	struct geopoly *p;
	(void)state;

	r = tp_ring(&tp);
	tr_add(r, 0, 0), tr_add(r, 10, 0), tr_add(r, 10, 10), tr_add(r, 0, 10);
	tr_close(r);
	r = tp_ring(&tp);
	tr_add(r, 3, 3), tr_add(r, 7, 3), tr_add(r, 7, 7), tr_add(r, 3, 7);
	tr_close(r);
	p = tp_build(&tp);
	check_out(p, 5, 5);
	check_out(p, 6.9, 3.1);
	check_in(p, 2, 2);
	check_in(p, 8, 5);
	check_in(p, 5, 3);  /* on the hole's edge */
	check_in(p, 7, 7);  /* a corner of the hole */
	assert_int_equal(geopoly_classify(p, 4, 4, 6, 6), GEOPOLY_OUTSIDE);
	assert_int_equal(geopoly_classify(p, 1, 1, 2, 9), GEOPOLY_INSIDE);
	assert_int_equal(geopoly_classify(p, 1, 1, 4, 4), GEOPOLY_PARTLY);
	assert_int_equal(geopoly_classify(p, 1, 1, 3, 3), GEOPOLY_PARTLY);
	geopoly_free(p);
	tp_release(&tp);
}

/* Repeated points, collinear points, spikes and a ring that is one point. */
static void test_degenerate(void **state)
{
	struct tpoly tp = { 0 };
	struct tring *r;
	struct geopoly *p;
	(void)state;

	r = tp_ring(&tp);
	tr_add(r, 0, 0), tr_add(r, 0, 0), tr_add(r, 5, 0), tr_add(r, 10, 0);
	tr_add(r, 10, 10), tr_add(r, 10, 10), tr_add(r, 5, 10);
	tr_add(r, 5, 15), tr_add(r, 5, 10); /* a spike */
	tr_add(r, 0, 10);
	tr_close(r);
	r = tp_ring(&tp);
	tr_add(r, 20, 20), tr_add(r, 20, 20), tr_add(r, 20, 20);
	tr_close(r);
	p = tp_build(&tp);
	check_in(p, 5, 5);
	check_in(p, 12, 5);  /* on the spike */
	check_out(p, 12, 5.0001);
	check_in(p, 20, 20);
	check_out(p, 20, 20.0000001);
	check_in(p, 10, 2.5);
	check_random_points(p, &tp, 2000, 1e-9);
	assert_int_equal(geopoly_classify(p, 19, 19, 21, 21), GEOPOLY_PARTLY);
	assert_int_equal(geopoly_classify(p, 20.1, 19, 21, 21), GEOPOLY_OUTSIDE);
	geopoly_free(p);
	tp_release(&tp);
}

static void test_validation(void **state)
{
	static const double ok[] = { 0, 0, 1, 0, 1, 1, 0, 0 };
	static const double three[] = { 0, 0, 1, 0, 0, 0 };
	static const double open[] = { 10, 20, 11, 20, 11, 21, 10, 21 };
	static const double lat91[] = { 0, 0, 1, 0, 1, 1, 2, 2, 3, 3, 4, 91, 0, 0 };
	static const double lon600[] = { 0, 0, 600, 0, 1, 1, 0, 0 };
	static const double near[] = { 0.1, 0, 1, 0, 1, 1, 0.1 + 0.2, 0 };
	double nan_lon[] = { 0, 0, 1, 0, 1, 1, 0, 0 };
	double inf_lat[] = { 0, 0, 1, 0, 1, 1, 0, 0 };
	const struct {
		struct geopoly_ring r[3];
		size_t n;
		const char *msg;
	} cases[] = {
		{ { { ok, 4 }, { ok, 4 }, { three, 3 } }, 3,
		  "ring 2 has 3 positions (at least 4 are needed)" },
		{ { { ok, 4 }, { open, 4 } }, 2,
		  "ring 1 is not closed (first (10, 20) != last (10, 21))" },
		{ { { lat91, 7 } }, 1,
		  "ring 0 position 5: latitude 91 is beyond +-90" },
		{ { { nan_lon, 4 } }, 1,
		  "ring 0 position 1: longitude is not a number" },
		{ { { inf_lat, 4 } }, 1,
		  "ring 0 position 2: latitude is infinite" },
		{ { { lon600, 4 } }, 1,
		  "ring 0 position 1: longitude 600 is beyond +-540" },
		{ { { near, 4 } }, 1,
		  "ring 0 is not closed (first (0.1, 0) != last "
		  "(0.30000000000000004, 0))" },
		{ { { ok, 0 } }, 1,
		  "ring 0 has 0 positions (at least 4 are needed)" },
		{ { { ok, 4 } }, 0, "a polygon needs at least one ring" },
	};
	size_t i;
	(void)state;

	nan_lon[2] = NAN;
	inf_lat[5] = -INFINITY;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf err = STRBUF_INIT;
		struct geopoly *p = (struct geopoly *)&err;
		int rc = geopoly_build(cases[i].r, cases[i].n, &p, &err);

		assert_int_equal(rc, HW_EINPUT);
		assert_null(p);
		assert_string_equal(err.buf, cases[i].msg);
		strbuf_release(&err);
	}
}

/* ---- Property tests ---------------------------------------------------------- */

static void test_random_stars(void **state)
{
	static const double scales[] = { 1e-5, 1e-2, 1, 30 };
	struct rel_counts rc = { 0 };
	size_t t, in = 0, total = 0;
	(void)state;

	for (t = 0; t < 48; t++) {
		double s = scales[t % 4], ymax = fmin(55, 90 - 2.5 * s);
		double cx = rnd_in(-170, 170), cy = rnd_in(-ymax, ymax);
		double tol = fmax(s * 1e-9, 1e-12);
		struct tpoly tp = { 0 };
		struct geopoly *p;
		size_t k, nparts = 1 + rnd64() % 3;

		if (t == 4)
			cx = cy = 0;   /* tiny, around the origin */
		for (k = 0; k < nparts; k++) {
			double px = cx + rnd_in(-1.5, 1.5) * s * (k > 0);
			double py = cy + rnd_in(-1.5, 1.5) * s * (k > 0);
			add_star(&tp, px, py, 0.3 * s, s, 3 + rnd64() % 60);
			if (rnd64() % 2)   /* a hole */
				add_star(&tp, px, py, 0.05 * s, 0.25 * s,
					 3 + rnd64() % 20);
		}
		p = tp_build(&tp);
		check_vertices(p, &tp, false);
		in += check_random_points(p, &tp, 1000, tol);
		total += 1000;
		check_random_rects(p, 40, &rc);
		geopoly_free(p);
		tp_release(&tp);
	}
	/* The points and rectangles are not all on one side. */
	assert_true(in > total / 10 && in < total * 9 / 10);
	assert_true(rc.in > 20 && rc.out > 20 && rc.partly > 20);
}

/* Edges on a lattice: their midpoints and quarter points are exactly on
 * them, and the doubles next to those are decided exactly. */
static void test_lattice(void **state)
{
	size_t t;
	(void)state;

	for (t = 0; t < 24; t++) {
		double q = t % 2 ? 0x1p-10 : 0.25;
		double s = t % 2 ? 0.01 : 20;
		struct tpoly tp = { 0 };
		struct geopoly *p;
		size_t i, k;

		add_lattice_star(&tp, 10, 10, 0.3 * s, s, 3 + rnd64() % 40, q);
		add_lattice_star(&tp, 10, 10, 0.05 * s, 0.25 * s, 3 + rnd64() % 9, q);
		p = tp_build(&tp);
		check_vertices(p, &tp, true);
		for (i = 0; i < tp.nr; i++)
			for (k = 0; k + 1 < tp.r[i].n; k++) {
				const double *v = tp.r[i].v + 2 * k;
				double mx = (v[0] + v[2]) / 2, my = (v[1] + v[3]) / 2;
				check_point(p, &tp, nextafter(my, 90), mx, 1e-9);
				check_point(p, &tp, nextafter(my, -90), mx, 1e-9);
				check_point(p, &tp, my, nextafter(mx, 180), 1e-9);
				check_point(p, &tp, my, nextafter(mx, -180), 1e-9);
			}
		/* Points on the lattice itself, many on edges' lines. */
		for (i = 0; i < 500; i++) {
			double lat = 10 + round(rnd_in(-s, s) / q) * q;
			double lon = 10 + round(rnd_in(-s, s) / q) * q;
			check_point(p, &tp, lat, lon, 1e-9);
		}
		geopoly_free(p);
		tp_release(&tp);
	}
}

/* Rectilinear "skylines": every edge is axis-aligned. */
static void test_rectilinear(void **state)
{
	struct rel_counts rc = { 0 };
	size_t t;
	(void)state;

	for (t = 0; t < 20; t++) {
		struct tpoly tp = { 0 };
		struct tring *r = tp_ring(&tp);
		struct geopoly *p;
		double x = rnd_in(-100, 100), y0 = rnd_in(-60, 60), xs = x;
		size_t k, n = 2 + rnd64() % 30;

		tr_add(r, x, y0);
		for (k = 0; k < n; k++) {
			double h = y0 + rnd_in(0.1, 5);
			tr_add(r, x, h);
			x += rnd64() % 4 ? rnd_in(0.1, 2) : 0.5;
			tr_add(r, x, h);
		}
		tr_add(r, x, y0);
		tr_close(r);
		p = tp_build(&tp);
		check_vertices(p, &tp, false);
		check_random_points(p, &tp, 1000, 1e-9);
		check_random_rects(p, 50, &rc);
		/* Along the base, which is an edge. */
		check_in(p, y0, rnd_in(xs, x));
		check_out(p, nextafter(y0, -90), rnd_in(xs, x));
		geopoly_free(p);
		tp_release(&tp);
	}
	assert_true(rc.in > 0 && rc.out > 0);
}

/* Clip a convex ring to lon <= 180 (west) or lon >= 180 (east, then
 * shifted by -360), as RFC 7946 cuts shapes at the antimeridian. */
static void clip_at_180(const struct tring *in, struct tring *out, bool east,
			double *ylo, double *yhi)
{
	size_t k;

	for (k = 0; k + 1 < in->n; k++) {
		double ax = in->v[2 * k], ay = in->v[2 * k + 1];
		double bx = in->v[2 * k + 2], by = in->v[2 * k + 3];
		bool ain = east ? ax >= 180 : ax <= 180;
		bool bin = east ? bx >= 180 : bx <= 180;

		if (ain)
			tr_add(out, ax - (east ? 360 : 0), ay);
		if (ain != bin && ax != 180 && bx != 180) {
			double y = ay + (180 - ax) * (by - ay) / (bx - ax);
			tr_add(out, east ? -180 : 180, y);
			*ylo = fmin(*ylo, y);
			*yhi = fmax(*yhi, y);
		}
	}
	tr_close(out);
}

static void test_antimeridian(void **state)
{
	struct rel_counts rc = { 0 };
	size_t t;
	(void)state;

	for (t = 0; t < 24; t++) {
		struct tpoly uncut = { 0 }, cut = { 0 };
		struct tring *r = tp_ring(&uncut);
		struct geopoly *pu, *pc;
		double cx = rnd_in(172, 188), cy = rnd_in(-60, 60);
		double rad = rnd_in(9, 20), ylo = INFINITY, yhi = -INFINITY;
		double rot = rnd_in(0, 2 * M_PI);
		size_t k, n = 3 + rnd64() % 30, i;

		/* Convex: a regular polygon, so that the clip is one ring. */
		for (k = 0; k < n; k++) {
			double a = rot + 2 * M_PI * (double)k / (double)n;
			tr_add(r, cx + rad * cos(a), cy + rad * sin(a));
		}
		tr_close(r);
		clip_at_180(r, tp_ring(&cut), false, &ylo, &yhi);
		clip_at_180(r, tp_ring(&cut), true, &ylo, &yhi);
		pu = tp_build(&uncut);
		pc = tp_build(&cut);

		for (i = 0; i < 2000; i++) {
			double lat = rnd_in(cy - rad - 1, cy + rad + 1);
			double lon = wrap_lon(rnd_in(cx - rad - 1, cx + rad + 1));
			bool a = check_point(pu, &uncut, lat, lon, 1e-9);
			bool b = check_point(pc, &cut, lat, lon, 1e-9);
			if (a != b && naive(&uncut, lat, lon, 1e-9) >= 0)
				fail_msg("(%.17g, %.17g): uncut %d, cut %d", lat, lon,
					 a, b);
		}
		/* On the meridian itself, from either side. */
		for (i = 0; i <= 10; i++) {
			double lat = ylo + (yhi - ylo) * (0.05 + 0.09 * (double)i);
			check_in(pu, lat, 180);
			check_in(pu, lat, -180);
			check_in(pc, lat, 180);
			check_in(pc, lat, -180);
		}
		check_out(pc, yhi + 0.5, 180);
		check_out(pc, ylo - 0.5, -180);
		check_vertices(pu, &uncut, false);
		check_vertices(pc, &cut, false);
		check_random_rects(pu, 50, &rc);
		check_random_rects(pc, 50, &rc);
		/* Rectangles against the meridian, on both sides. */
		for (i = 0; i < 20; i++) {
			double lat = rnd_in(cy - rad, cy + rad), h = rnd_in(0, 3);
			double w = rnd_in(0, 3);
			count_rel(&rc, check_rect(pu, lat, 180 - w, lat + h, 180));
			count_rel(&rc, check_rect(pc, lat, 180 - w, lat + h, 180));
			count_rel(&rc, check_rect(pu, lat, -180, lat + h, -180 + w));
			count_rel(&rc, check_rect(pc, lat, -180, lat + h, -180 + w));
		}
		geopoly_free(pu);
		geopoly_free(pc);
		tp_release(&uncut);
		tp_release(&cut);
	}
	assert_true(rc.in > 20 && rc.out > 20);
}

static void test_poles(void **state)
{
	struct rel_counts rc = { 0 };
	int pole;
	(void)state;

	for (pole = -1; pole <= 1; pole += 2) {
		struct tpoly tp = { 0 }, tri = { 0 };
		struct tring *r = tp_ring(&tp);
		struct geopoly *p, *pt;
		double lon;
		size_t i;

		/* A cap: a wiggly parallel, then along the pole itself. */
		tr_add(r, -180, 80 * pole);
		for (lon = -170; lon <= 170; lon += 10)
			tr_add(r, lon, rnd_in(70, 85) * pole);
		tr_add(r, 180, 80 * pole);
		tr_add(r, 180, 90 * pole);
		tr_add(r, -180, 90 * pole);
		tr_close(r);
		p = tp_build(&tp);
		for (i = 0; i < 200; i++)
			check_in(p, 90 * pole, rnd_in(-180, 180));
		check_in(p, 90 * pole, 180);
		check_in(p, 90 * pole, -180);
		check_in(p, 89.999 * pole, 0);
		check_in(p, 85.5 * pole, 180);
		check_in(p, 85.5 * pole, -180);
		check_out(p, 69.9 * pole, 0);
		check_vertices(p, &tp, false);
		check_random_points(p, &tp, 3000, 1e-9);
		check_random_rects(p, 200, &rc);
		if (pole > 0)
			assert_int_equal(geopoly_classify(p, 86, -170, 89, 170),
					 GEOPOLY_INSIDE);
		else
			assert_int_equal(geopoly_classify(p, -89, -170, -86, 170),
					 GEOPOLY_INSIDE);
		/* Touching the edge along the pole: safe, not exact. */
		assert_int_equal(geopoly_classify(p, pole > 0 ? 86 : -90, -170,
						  pole > 0 ? 90 : -86, 170),
				 GEOPOLY_PARTLY);

		/* A triangle with a vertex at the pole: the pole is inside
		 * at every longitude, its neighbours are not. */
		r = tp_ring(&tri);
		tr_add(r, 0, 60 * pole);
		tr_add(r, 20, 60 * pole);
		tr_add(r, 10, 90 * pole);
		tr_close(r);
		pt = tp_build(&tri);
		check_in(pt, 90 * pole, -100);
		check_in(pt, 90 * pole, 10);
		check_out(pt, 89.9 * pole, -100);
		check_random_points(pt, &tri, 1000, 1e-9);
		assert_int_equal(geopoly_classify(pt, pole > 0 ? 89 : -90, -120,
						  pole > 0 ? 90 : -89, -100),
				 GEOPOLY_PARTLY);
		assert_int_equal(geopoly_classify(pt, pole > 0 ? 89 : -89.5, -120,
						  pole > 0 ? 89.5 : -89, -100),
				 GEOPOLY_OUTSIDE);
		check_rect(pt, pole > 0 ? 89 : -90, -120, pole > 0 ? 90 : -89,
			   -100);
		geopoly_free(p);
		geopoly_free(pt);
		tp_release(&tp);
		tp_release(&tri);
	}
	assert_true(rc.in > 0 && rc.out > 0);
}

/* Points on the edge y = 0.4 x (inside above it) and one double off it. */
static void check_near_edge(const struct geopoly *p)
{
	size_t i;

	for (i = 0; i < 2000; i++) {
		/* t has at most 50 significant bits, so 5t and 2t are exact. */
		double t = ldexp((double)(rnd64() >> 14), -(int)(50 + rnd64() % 30));
		double x = (i & 1 ? 5 : -5) * t, y = (i & 1 ? 2 : -2) * t;
		double yn = nextafter(y, -90), xn = nextafter(x, 180);

		check_in(p, y, x);
		check_in(p, nextafter(y, 90), x);
		check_in(p, y, nextafter(x, -180));
		check_out(p, yn, x);
		check_out(p, y, xn);
		if (i >= 250)
			continue;
		assert_int_equal(geopoly_classify(p, yn, x, yn, x),
				 GEOPOLY_OUTSIDE);
		assert_int_equal(geopoly_classify(p, y, xn, y, xn),
				 GEOPOLY_OUTSIDE);
		assert_int_not_equal(geopoly_classify(p, yn, x, y, x),
				     GEOPOLY_OUTSIDE);
		assert_int_not_equal(geopoly_classify(p, y, x, y, xn),
				     GEOPOLY_OUTSIDE);
		assert_int_equal(geopoly_classify(p, nextafter(y, 90), x,
						  nextafter(y, 90), x),
				 GEOPOLY_INSIDE);
		check_rect(p, yn, x, y, xn);
	}
}

/*
 * Points on a long edge through the origin and one double away from it:
 * with products of 170 x 68 degrees rounded to 1e-12 and points near the
 * origin off the edge by far less, only exact arithmetic gets their side
 * right. (A slope of 1/2 would not do: its products round alike.)
 */
static void test_exact_near_edges(void **state)
{
	struct tpoly tp = { 0 };
	struct tring *r;
	struct geopoly *p;
	(void)state;

	r = tp_ring(&tp);
	tr_add(r, -170, -68);
	tr_add(r, 170, 68);
	tr_add(r, -170, 68);
	tr_close(r);
	/* Alone, the triangle is scanned. */
	p = tp_build(&tp);
	check_near_edge(p);
	geopoly_free(p);
	/* With a second ring it gets a grid. */
	r = tp_ring(&tp);
	tr_add(r, 100, -60), tr_add(r, 101, -60), tr_add(r, 101, -59);
	tr_close(r);
	p = tp_build(&tp);
	check_near_edge(p);
	geopoly_free(p);
	tp_release(&tp);
}

/* Even-odd with boundary on integer coordinates, exactly: the oracle for
 * test_small_lattices. Points are in half units. */
static int lattice_oracle(const long (*v)[2], size_t n, long qx, long qy)
{
	int in = 0;
	size_t k;

	for (k = 0; k + 1 < n; k++) {
		long ax = 2 * v[k][0], ay = 2 * v[k][1];
		long bx = 2 * v[k + 1][0], by = 2 * v[k + 1][1];
		long o = (ax - qx) * (by - qy) - (ay - qy) * (bx - qx);

		if (o == 0 && qx >= (ax < bx ? ax : bx) && qx <= (ax > bx ? ax : bx) &&
		    qy >= (ay < by ? ay : by) && qy <= (ay > by ? ay : by))
			return 1;
		if ((ay > qy) != (by > qy) && (ay < by ? o > 0 : o < 0))
			in ^= 1;
	}
	return in;
}

/*
 * Random rings on tiny integer lattices (scaled by 1 or 2^-20): collinear
 * edges, edges along each other, vertices on every line the grid could
 * pick. Every point of the half lattice, and its neighbouring doubles,
 * against an exact integer oracle and the scan; rectangles against
 * sampling.
 */
static void test_small_lattices(void **state)
{
	size_t t;
	(void)state;

	for (t = 0; t < 400; t++) {
		long v[24][2];
		double q = t % 2 ? 0x1p-20 : 1;
		double ox = (double)(long)(rnd64() % 200) - 100;
		double oy = (double)(long)(rnd64() % 100) - 50;
		long L = 2 + (long)(rnd64() % 9), a, b;
		size_t n = 4 + rnd64() % 20, k;
		struct tpoly tp = { 0 };
		struct tring *r = tp_ring(&tp);
		struct geopoly *p;

		for (k = 0; k + 1 < n; k++) {
			v[k][0] = (long)(rnd64() % (uint64_t)L);
			v[k][1] = (long)(rnd64() % (uint64_t)L);
		}
		v[n - 1][0] = v[0][0];
		v[n - 1][1] = v[0][1];
		for (k = 0; k < n; k++)
			tr_add(r, ox + (double)v[k][0] * q, oy + (double)v[k][1] * q);
		p = tp_build(&tp);
		for (a = -1; a <= 2 * L; a++)
			for (b = -1; b <= 2 * L; b++) {
				double lon = ox + (double)a * q / 2;
				double lat = oy + (double)b * q / 2;
				bool in = geopoly_contains(p, lat, lon);

				if (in != lattice_oracle((const long (*)[2])v, n, a, b))
					fail_msg("ring %zu: (%.17g, %.17g) is %d", t,
						 lat, lon, in);
				check_point(p, &tp, nextafter(lat, 90),
					    nextafter(lon, 180), 1e-9);
				check_point(p, &tp, nextafter(lat, -90), lon, 1e-9);
			}
		for (k = 0; k < 10; k++) {
			double lon0 = ox + (double)((long)(rnd64() % (uint64_t)(2 * L + 2)) - 1) * q / 2;
			double lat0 = oy + (double)((long)(rnd64() % (uint64_t)(2 * L + 2)) - 1) * q / 2;
			double lon1 = lon0 + (double)(rnd64() % 4) * q / 2;
			double lat1 = lat0 + (double)(rnd64() % 4) * q / 2;
			check_rect(p, lat0, lon0, lat1, lon1);
			check_rect(p, lat0, nextafter(lon0, 180), lat1, lon1);
		}
		geopoly_free(p);
		tp_release(&tp);
	}
}

/*
 * The grid geopoly.c lays over a box, computed the same way (white box:
 * keep in step with size_grid() there). Only used to aim vertices at the
 * grid's lines; a mismatch makes the test weaker, not wrong.
 */
struct tgrid {
	double gx0, gy0, cw, ch;
	int nx, ny;
};

static void grid_like_module(double x0, double y0, double x1, double y1,
			     size_t nedges, struct tgrid *g)
{
	double w = x1 - x0, h = y1 - y0;
	double padx = w * 0.00137 + 1e-8, pady = h * 0.00113 + 1e-8;
	double gw = w + 2.13 * padx, gh = h + 2.11 * pady;
	double target = fmin(16.0 * (double)nedges, 512.0 * 512.0);
	double nx = round(sqrt(target * gw / gh));

	nx = fmax(1, fmin(512, nx));
	g->nx = (int)nx;
	g->ny = (int)fmax(1, fmin(512, round(target / nx)));
	g->gx0 = x0 - padx;
	g->gy0 = y0 - pady;
	g->cw = gw / g->nx;
	g->ch = gh / g->ny;
}

/*
 * A comb whose teeth rise from a cell line, along cell middles, to row
 * middles, inside a frame: vertical edges through the points the grid
 * would pick as reference points, vertices on the lines it would cast
 * across rows, edges exactly on cell lines. Points on and next to every
 * grid line crossing, against the scan.
 */
static void test_grid_lines(void **state)
{
	const size_t m = 10, n = 4 + 4 * m + 2;
	struct tpoly tp = { 0 };
	struct tring *r;
	struct tgrid g;
	struct geopoly *p;
	size_t k;
	int i, j, d;
	(void)state;

	grid_like_module(0, 0, 8, 8, n, &g);
	r = tp_ring(&tp);
	tr_add(r, 0, 0), tr_add(r, 8, 0), tr_add(r, 8, 8), tr_add(r, 0, 8);
	tr_close(r);
	r = tp_ring(&tp);
	for (k = 0; k < m; k++) {
		double yb = g.gy0 + 2 * g.ch;
		double top = g.gy0 + ((double)(3 + k % 8) + 0.5) * g.ch;
		double left = g.gx0 + ((double)(1 + k) + 0.5) * g.cw;
		double right = g.gx0 + (double)(2 + k) * g.cw;
		tr_add(r, left, yb);
		tr_add(r, left, top);
		tr_add(r, right, top);
		tr_add(r, right, yb);
	}
	tr_add(r, r->v[2 * r->n - 2], g.gy0 + g.ch);
	tr_add(r, r->v[0], g.gy0 + g.ch);
	tr_close(r);
	assert_int_equal(tp.r[0].n - 1 + tp.r[1].n - 1, n);
	p = tp_build(&tp);
	check_vertices(p, &tp, false);
	for (i = 0; i <= 2 * g.nx; i++)
		for (j = 0; j <= 2 * g.ny; j++) {
			double x = g.gx0 + (double)i * 0.5 * g.cw;
			double y = g.gy0 + (double)j * 0.5 * g.ch;
			for (d = 0; d < 9; d++) {
				double xx = x, yy = y;
				int s;
				for (s = 0; s < d % 3; s++)
					xx = nextafter(xx, 1000);
				for (s = 0; s < d / 3; s++)
					yy = nextafter(yy, -1000);
				check_point(p, &tp, yy, xx, 1e-9);
				check_point(p, &tp, y, nextafter(x, -1000), 1e-9);
				check_point(p, &tp, nextafter(y, 1000), x, 1e-9);
			}
			if (i < 2 * g.nx && j < 2 * g.ny)
				check_rect(p, y, x, y + 0.5 * g.ch, x + 0.5 * g.cw);
		}
	check_random_points(p, &tp, 3000, 1e-9);
	geopoly_free(p);
	tp_release(&tp);
}

/* A polygon of 1000 edges: the grid against the scan. */
static void test_many_edges(void **state)
{
	struct tpoly tp = { 0 };
	struct rel_counts rc = { 0 };
	struct geopoly *p;
	(void)state;

	add_star(&tp, 10, 45, 8, 10, 250);
	add_star(&tp, 10, 45, 0.5, 2.5, 250);
	add_star(&tp, 40, 45, 8, 10, 250);
	add_star(&tp, 38, 44, 8, 10, 250);
	p = tp_build(&tp);
	check_random_points(p, &tp, 5000, 1e-9);
	check_vertices(p, &tp, false);
	check_random_rects(p, 500, &rc);
	assert_true(rc.in > 10 && rc.out > 10);
	geopoly_free(p);
	tp_release(&tp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_square_both_windings),
		cmocka_unit_test(test_hole),
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_random_stars),
		cmocka_unit_test(test_lattice),
		cmocka_unit_test(test_rectilinear),
		cmocka_unit_test(test_antimeridian),
		cmocka_unit_test(test_poles),
		cmocka_unit_test(test_exact_near_edges),
		cmocka_unit_test(test_small_lattices),
		cmocka_unit_test(test_grid_lines),
		cmocka_unit_test(test_many_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
