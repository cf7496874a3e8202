/*
 * fuzz_geopoly.c: libFuzzer target for the polygon engine (geopoly.h).
 *
 * The input is read as rings of small signed integer coordinates on a
 * lattice (step, origin and ring count come from the first bytes), so that
 * collinear edges, vertices on vertices, the antimeridian and the poles
 * come up all the time, and so that an exact oracle is cheap: even-odd
 * with boundary in 64-bit integers. On every input that builds, it checks
 * contains() against that oracle at every vertex, every edge midpoint and
 * points taken from the rest of the input; contains() against the scan at
 * the doubles next to them; and classify() on rectangles taken from the
 * input against the oracle at points sampled in each.
 */
#include "core/homeward.h"
#include "geo/geopoly.h"

#include <math.h>

#define MAX_RINGS 4
#define MAX_VERTS 24

struct input {
	const uint8_t *d;
	size_t n, i;
};

static int next_byte(struct input *in)
{
	return in->i < in->n ? in->d[in->i++] : 0;
}

static int next_s8(struct input *in)
{
	return (int)(int8_t)(uint8_t)next_byte(in);
}

/* The polygon in half-steps of the lattice (so midpoints are integers). */
struct lattice {
	int64_t x[MAX_RINGS][MAX_VERTS + 1], y[MAX_RINGS][MAX_VERTS + 1];
	size_t n[MAX_RINGS], nr;
	double half;   /* degrees per half-step: a power of two */
	int64_t lon360, lat90;  /* 360 and 90 degrees in half-steps */
};

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static int frame_oracle(const struct lattice *L, int64_t qx, int64_t qy)
{
	int in = 0;
	size_t r, k;

	for (r = 0; r < L->nr; r++)
		for (k = 0; k + 1 < L->n[r]; k++) {
			int64_t ax = L->x[r][k], ay = L->y[r][k];
			int64_t bx = L->x[r][k + 1], by = L->y[r][k + 1];
			int64_t o = (ax - qx) * (by - qy) - (ay - qy) * (bx - qx);

			if (o == 0 && qx >= min64(ax, bx) && qx <= max64(ax, bx) &&
			    qy >= min64(ay, by) && qy <= max64(ay, by))
				return 1;
			if ((ay > qy) != (by > qy) && (ay < by ? o > 0 : o < 0))
				in ^= 1;
		}
	return in;
}

/* What geopoly_contains() must say, exactly. */
static int oracle(const struct lattice *L, int64_t qx, int64_t qy)
{
	size_t r, k;

	if (qy > L->lat90 || qy < -L->lat90)
		return 0;
	if (qy == L->lat90 || qy == -L->lat90)
		for (r = 0; r < L->nr; r++)
			for (k = 0; k < L->n[r]; k++)
				if (L->y[r][k] == qy)
					return 1;
	return frame_oracle(L, qx, qy) || frame_oracle(L, qx - L->lon360, qy) ||
	       frame_oracle(L, qx + L->lon360, qy);
}

static void check_point(const struct geopoly *p, const struct lattice *L,
			int64_t qx, int64_t qy)
{
	double lon = (double)qx * L->half, lat = (double)qy * L->half;
	bool got = geopoly_contains(p, lat, lon);
	double nlon = nextafter(lon, qx & 1 ? 1000 : -1000);
	double nlat = nextafter(lat, qy & 1 ? 1000 : -1000);

	if (got != oracle(L, qx, qy)) {
		fprintf(stderr, "contains(%.17g, %.17g) = %d, oracle %d\n", lat,
			lon, got, !got);
		abort();
	}
	if (geopoly_contains(p, nlat, nlon) !=
	    geopoly_contains_scan(p, nlat, nlon)) {
		fprintf(stderr, "contains(%.17g, %.17g) differs from scan\n",
			nlat, nlon);
		abort();
	}
}

static void check_rect(const struct geopoly *p, const struct lattice *L,
		       int64_t x0, int64_t y0, int64_t x1, int64_t y1)
{
	enum geopoly_rel rel;
	int i, j;

	rel = geopoly_classify(p, (double)y0 * L->half, (double)x0 * L->half,
			       (double)y1 * L->half, (double)x1 * L->half);
	if (rel == GEOPOLY_PARTLY)
		return;
	for (i = 0; i <= 4; i++)
		for (j = 0; j <= 4; j++) {
			int64_t qx = x0 + (x1 - x0) * i / 4;
			int64_t qy = y0 + (y1 - y0) * j / 4;
			if (oracle(L, qx, qy) != (rel == GEOPOLY_INSIDE)) {
				fprintf(stderr, "classify says %s, but (%.17g, "
					"%.17g) is not\n",
					rel == GEOPOLY_INSIDE ? "inside" : "outside",
					(double)qy * L->half, (double)qx * L->half);
				abort();
			}
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double steps[4] = { 1, 0x1p-6, 0x1p-20, 4 };
	struct input in = { data, size, 0 };
	struct geopoly_ring rings[MAX_RINGS];
	double v[MAX_RINGS][2 * (MAX_VERTS + 1)];
	struct strbuf err = STRBUF_INIT;
	struct geopoly *p = NULL;
	struct lattice L;
	int flags = next_byte(&in), k2, rc;
	double q = steps[flags & 3];
	int64_t ox, oy, lim;
	bool expect_ok = true;
	size_t r, k;

	memset(&L, 0, sizeof(L));
	L.half = q / 2;
	L.lon360 = (int64_t)(360 / L.half);
	L.lat90 = (int64_t)(90 / L.half);
	/* The origin in whole degrees: near the antimeridian or a pole
	 * often. */
	ox = (int64_t)next_s8(&in) * 2;
	oy = (int64_t)(next_s8(&in) % 91);
	if (flags & 4)
		ox = flags & 8 ? 180 : -180;
	if (flags & 16)
		oy = flags & 8 ? 90 : -90;
	ox = (int64_t)(ox / L.half);
	oy = (int64_t)(oy / L.half);
	lim = (int64_t)(540 / L.half);
	L.nr = 1 + (size_t)((flags >> 5) & 3);

	for (r = 0; r < L.nr; r++) {
		size_t n = 3 + (size_t)next_byte(&in) % (MAX_VERTS - 2);
		for (k = 0; k < n; k++) {
			L.x[r][k] = ox + 2 * (int64_t)next_s8(&in);
			L.y[r][k] = oy + 2 * (int64_t)next_s8(&in);
			/* Latitudes beyond the poles are snapped to them. */
			L.y[r][k] = max64(-L.lat90, min64(L.lat90, L.y[r][k]));
			if (L.x[r][k] > lim || L.x[r][k] < -lim)
				expect_ok = false;
		}
		L.x[r][n] = L.x[r][0];
		L.y[r][n] = L.y[r][0];
		L.n[r] = n + 1;
		for (k = 0; k <= n; k++) {
			v[r][2 * k] = (double)L.x[r][k] * L.half;
			v[r][2 * k + 1] = (double)L.y[r][k] * L.half;
		}
		rings[r].lonlat = v[r];
		rings[r].n = n + 1;
	}
	/* Sometimes the first ring without its closing position: refused
	 * unless its last vertex happens to close it. */
	if (flags & 0x80) {
		size_t n = --rings[0].n;
		expect_ok = expect_ok && n >= 4 && L.x[0][n - 1] == L.x[0][0] &&
			    L.y[0][n - 1] == L.y[0][0];
	}

	rc = geopoly_build(rings, L.nr, &p, &err);
	if (rc) {
		if (expect_ok || rc != HW_EINPUT || !err.len || p) {
			fprintf(stderr, "geopoly_build: %d %s\n", rc, err.buf);
			abort();
		}
		strbuf_release(&err);
		return 0;
	}
	if (!expect_ok) {
		fprintf(stderr, "geopoly_build accepted a bad ring\n");
		abort();
	}

	for (r = 0; r < L.nr; r++)
		for (k = 0; k + 1 < L.n[r]; k++) {
			check_point(p, &L, L.x[r][k], L.y[r][k]);
			check_point(p, &L, (L.x[r][k] + L.x[r][k + 1]) / 2,
				    (L.y[r][k] + L.y[r][k + 1]) / 2);
		}
	for (k2 = 0; k2 < 64 && in.i < in.n; k2++)
		check_point(p, &L, ox + next_s8(&in), oy + next_s8(&in));
	for (k2 = 0; k2 < 16 && in.i < in.n; k2++) {
		int64_t x0 = ox + next_s8(&in), y0 = oy + next_s8(&in);
		int64_t x1 = x0 + (next_byte(&in) & 63);
		int64_t y1 = y0 + (next_byte(&in) & 63);
		int64_t l180 = L.lon360 / 2;

		x0 = max64(-l180, min64(l180, x0));
		x1 = max64(-l180, min64(l180, x1));
		check_rect(p, &L, x0, y0, x1, y1);
	}
	geopoly_free(p);
	strbuf_release(&err);
	return 0;
}
