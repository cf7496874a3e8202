/*
 * geopoly.c: the polygon engine of the geo engine (geopoly.h). Areas of
 * interest given as GeoJSON or CAP polygons, and country shapes, become a
 * geopoly; the geo engine then asks it about millions of points and about
 * the cells of its own grid, so both questions must be cheap and exact.
 *
 * The polygon is kept as a flat array of edges, and a uniform grid over its
 * box lists, for each cell, the edges that come near the cell (the cell
 * grown by MARGIN on every side, more than any rounding in the arithmetic
 * that places points and edges in cells). A cell that no edge comes near is
 * wholly inside or wholly outside and answers from one lookup. A cell that
 * edges come near keeps a reference point R whose status was computed when
 * building: a point Q of the cell is inside when R is, flipped once for each
 * edge that the segment RQ crosses, and only the cell's edges can come near
 * that segment. Rings are joined by even-odd, so winding does not matter.
 *
 * Every decision that depends on the sign of an orientation is exact: a
 * floating-point filter with Shewchuk's error bound answers almost always,
 * and an exact sum of the products otherwise. Vertices lying exactly on the
 * line through R and Q are taken as lying on its positive side, a
 * consistent perturbation that keeps the parity of crossings right. The
 * status of the reference points comes from a horizontal line per grid
 * row, placed where no vertex lies, so that no edge runs along it to leave
 * no room for a reference point, and sorted crossings with it; those too
 * near a reference point to trust in floating point are decided exactly.
 *
 * Triangles and quadrilaterals (CAP boxes) are scanned edge by edge, which
 * is as quick as the grid for them. So is a polygon whose grid cannot be
 * set up exactly (a row or a cell so crowded with vertices that no free
 * reference point can be found, which takes an adversarial input): slow,
 * but still exact.
 */
#include "core/homeward.h"
#include "geo/geopoly.h"

#include <math.h>

/* Longitudes beyond this cannot be reached by a query shifted by 360. */
#define MAX_LON 540.0
/* Coordinates nearer to 0 are taken as 0, so exact products never
 * underflow (see orient_exact). */
#define TINY 0x1p-480
/* How far, in degrees, the grid reaches around a cell; far more than the
 * rounding error of placing a coordinate of magnitude <= 540 in a cell. */
#define MARGIN 1e-9
/* A bound on the error of a computed crossing of an edge with a row line. */
#define XTOL 1e-9
#define GRID_MAX 512
/* A triangle or a quadrilateral is as quick to scan as to look up. */
#define SCAN_MAX_EDGES 4

/* cells[]: CELL_OUT, CELL_IN or CELL_EDGES + index into bcells[]. */
#define CELL_OUT 0u
#define CELL_IN 1u
#define CELL_EDGES 2u

/* An entry of a cell's edge list: the edge index and on which side of the
 * edge's line the cell's reference point lies. */
#define ENT_POS 0x80000000u
#define ENT_NEG 0x40000000u
#define ENT_EDGE 0x3fffffffu
#define MAX_EDGES ((size_t)ENT_EDGE)

struct edge {
	double ax, ay, bx, by;
};

struct bcell {
	double rx, ry;   /* reference point, in the cell, on no edge */
	uint32_t first;  /* its edges are entries[first .. first + count) */
	uint32_t count;
	bool inside;     /* status of the reference point */
};

struct geopoly {
	struct edge *edges;
	size_t nedges;
	double x0, y0, x1, y1;  /* box of the edges (lon, lat) */
	bool north, south;      /* a vertex lies at latitude 90 / -90 */
	bool scan;              /* no grid: scan every edge */

	double gx0, gy0;        /* grid origin, a little outside the box */
	double cw, ch, inv_cw, inv_ch;
	int nx, ny;
	uint32_t *cells;        /* nx * ny */
	struct bcell *bcells;
	uint32_t *entries;
};

/* ---- Exact orientation ------------------------------------------------ */

static double flush(double v)
{
	return fabs(v) < TINY ? 0 : v;
}

/* a + b = *s + *e exactly (Knuth). */
static void two_sum(double a, double b, double *s, double *e)
{
	double x = a + b;
	double bv = x - a;
	double av = x - bv;
	double br = b - bv;
	double ar = a - av;

	*s = x;
	*e = ar + br;
}

/* Add b to the nonoverlapping expansion h[0..m), increasing magnitude and
 * without zeros (Shewchuk's GROW-EXPANSION with zero elimination). */
static int grow_expansion(double *h, int m, double b)
{
	double q = b, lo;
	int i, k = 0;

	for (i = 0; i < m; i++) {
		two_sum(q, h[i], &q, &lo);
		if (lo != 0)
			h[k++] = lo;
	}
	if (q != 0)
		h[k++] = q;
	return k;
}

/*
 * Sign of (a - c) x (b - c), exactly. Expanded into six products of input
 * coordinates, each split into two doubles with fma() and summed without
 * loss. fma() is exact here because no coordinate is smaller than TINY
 * unless it is 0, so the low part of a product never underflows.
 */
static int orient_exact(double ax, double ay, double bx, double by, double cx,
			double cy)
{
	const double f[6][3] = {
		{ ax, by, 1 },  { ax, cy, -1 }, { cx, by, -1 },
		{ ay, bx, -1 }, { ay, cx, 1 },  { cy, bx, 1 },
	};
	double h[12];
	int i, m = 0;

	for (i = 0; i < 6; i++) {
		double u = f[i][0] * f[i][2];
		double p = u * f[i][1];
		double e = fma(u, f[i][1], -p);
		m = grow_expansion(h, m, e);
		m = grow_expansion(h, m, p);
	}
	return m == 0 ? 0 : h[m - 1] > 0 ? 1 : -1;
}

/*
 * Orientation of c relative to the directed line a->b: 1 when c is to the
 * left (counter-clockwise), -1 to the right, 0 on the line. Exact.
 */
static inline int orient(double ax, double ay, double bx, double by,
			 double cx, double cy)
{
	/* Each product is its own statement, so that no compiler fuses it
	 * into an fma and the error bound stays valid. */
	double l = (ax - cx) * (by - cy);
	double r = (ay - cy) * (bx - cx);
	double det = l - r, sum, bound;

	if (l > 0) {
		if (r <= 0)
			return 1;
		sum = l + r;
	} else if (l < 0) {
		if (r >= 0)
			return -1;
		sum = -l - r;
	} else {
		return r > 0 ? -1 : r < 0 ? 1 : 0;
	}
	/* (3 + 16 eps) eps, eps = 2^-53: Shewchuk's ccwerrboundA. Below
	 * 2^-900 products may be subnormal and the bound no longer holds. */
	bound = (3.0 + 16.0 * 0x1p-53) * 0x1p-53 * sum;
	if (sum >= 0x1p-900 && (det >= bound || -det >= bound))
		return det > 0 ? 1 : -1;
	return orient_exact(ax, ay, bx, by, cx, cy);
}

static inline bool in_edge_box(const struct edge *g, double x, double y)
{
	return x >= fmin(g->ax, g->bx) && x <= fmax(g->ax, g->bx) &&
	       y >= fmin(g->ay, g->by) && y <= fmax(g->ay, g->by);
}

static bool on_edge(const struct edge *g, double x, double y)
{
	return in_edge_box(g, x, y) &&
	       orient(g->ax, g->ay, g->bx, g->by, x, y) == 0;
}

/* Does the edge meet the closed rectangle? Exact: the rectangle's axes and
 * the edge's normal are the only candidate separating axes. */
static bool edge_meets_rect(const struct edge *g, double x0, double y0,
			    double x1, double y1)
{
	int s;

	if ((g->ax < x0 && g->bx < x0) || (g->ax > x1 && g->bx > x1) ||
	    (g->ay < y0 && g->by < y0) || (g->ay > y1 && g->by > y1))
		return false;
	if ((g->ax >= x0 && g->ax <= x1 && g->ay >= y0 && g->ay <= y1) ||
	    (g->bx >= x0 && g->bx <= x1 && g->by >= y0 && g->by <= y1))
		return true;
	s = orient(g->ax, g->ay, g->bx, g->by, x0, y0);
	if (s == 0 || s != orient(g->ax, g->ay, g->bx, g->by, x1, y0) ||
	    s != orient(g->ax, g->ay, g->bx, g->by, x1, y1) ||
	    s != orient(g->ax, g->ay, g->bx, g->by, x0, y1))
		return true;
	return false;
}

/* ---- Queries ------------------------------------------------------------ */

/*
 * Even-odd status of (x, y) in the polygon's frame by scanning every edge:
 * a ray to the east, half-open in latitude so that a vertex on the ray
 * counts once.
 */
static bool scan_contains(const struct geopoly *p, double x, double y)
{
	bool in = false;
	size_t e;

	for (e = 0; e < p->nedges; e++) {
		const struct edge *g = &p->edges[e];
		int o;

		if ((g->ay < y && g->by < y) || (g->ay > y && g->by > y) ||
		    (g->ax < x && g->bx < x))
			continue;
		o = orient(g->ax, g->ay, g->bx, g->by, x, y);
		if (o == 0 && x >= fmin(g->ax, g->bx))
			return true;
		/* East of (x, y) when the point is left of the edge
		 * taken upwards. */
		if ((g->ay > y) != (g->by > y) && (g->ay < g->by ? o > 0 : o < 0))
			in = !in;
	}
	return in;
}

static inline int cell_of(double v, double origin, double inv, int n)
{
	double f = (v - origin) * inv;

	if (!(f >= 0))
		return 0;
	if (f >= n)
		return n - 1;
	return (int)f;
}

/* Status of (x, y), a point of the cell's grown box, from the cell's
 * reference point and the edges that the segment between them crosses. */
static bool cell_contains(const struct geopoly *p, const struct bcell *bc,
			  double x, double y)
{
	const uint32_t *ent = p->entries + bc->first;
	double rx = bc->rx, ry = bc->ry;
	double sx0 = fmin(rx, x), sx1 = fmax(rx, x);
	double sy0 = fmin(ry, y), sy1 = fmax(ry, y);
	bool in = bc->inside;
	uint32_t k;

	for (k = 0; k < bc->count; k++) {
		uint32_t v = ent[k];
		const struct edge *g = &p->edges[v & ENT_EDGE];
		bool sa, sb;
		int o;

		if ((g->ax < sx0 && g->bx < sx0) || (g->ax > sx1 && g->bx > sx1) ||
		    (g->ay < sy0 && g->by < sy0) || (g->ay > sy1 && g->by > sy1))
			continue;
		o = orient(g->ax, g->ay, g->bx, g->by, x, y);
		if (o == 0) {
			/* On the edge's line: on the edge, or too far along
			 * the line for the edge to reach the segment. */
			if (in_edge_box(g, x, y))
				return true;
			continue;
		}
		sa = orient(rx, ry, x, y, g->ax, g->ay) >= 0;
		sb = orient(rx, ry, x, y, g->bx, g->by) >= 0;
		if (sa == sb)
			continue;
		if (o < 0 ? (v & ENT_POS) : (v & ENT_NEG))
			in = !in;
	}
	return in;
}

/* Status of (x, y), within the box, in the polygon's own frame. */
static bool frame_contains(const struct geopoly *p, double x, double y)
{
	uint32_t c;

	if (p->scan)
		return scan_contains(p, x, y);
	c = p->cells[(size_t)cell_of(y, p->gy0, p->inv_ch, p->ny) *
			     (size_t)p->nx +
		     (size_t)cell_of(x, p->gx0, p->inv_cw, p->nx)];
	if (c < CELL_EDGES)
		return c == CELL_IN;
	return cell_contains(p, &p->bcells[c - CELL_EDGES], x, y);
}

static const double shifts[3] = { 0, -360, 360 };

static bool contains_with(const struct geopoly *p, double lat, double lon,
			  bool (*fn)(const struct geopoly *, double, double))
{
	double y;
	int k;

	if (!p || !(lat >= -90 && lat <= 90) || !isfinite(lon))
		return false;
	if ((lat == 90 && p->north) || (lat == -90 && p->south))
		return true;
	y = flush(lat);
	lon = flush(lon);
	if (y < p->y0 || y > p->y1)
		return false;
	for (k = 0; k < 3; k++) {
		double x = flush(lon + shifts[k]);
		if (x >= p->x0 && x <= p->x1 && fn(p, x, y))
			return true;
	}
	return false;
}

bool geopoly_contains(const struct geopoly *p, double lat, double lon)
{
	return contains_with(p, lat, lon, frame_contains);
}

bool geopoly_contains_scan(const struct geopoly *p, double lat, double lon)
{
	return contains_with(p, lat, lon, scan_contains);
}

/* Does an edge meet the rectangle? Through the grid's cells when that
 * looks at fewer edges than a scan. */
static bool edges_meet_rect(const struct geopoly *p, double x0, double y0,
			    double x1, double y1)
{
	int i, j, i0, i1, j0, j1;
	size_t e;

	if (!p->scan) {
		i0 = cell_of(x0, p->gx0, p->inv_cw, p->nx);
		i1 = cell_of(x1, p->gx0, p->inv_cw, p->nx);
		j0 = cell_of(y0, p->gy0, p->inv_ch, p->ny);
		j1 = cell_of(y1, p->gy0, p->inv_ch, p->ny);
		if ((size_t)(i1 - i0 + 1) * (size_t)(j1 - j0 + 1) <= p->nedges) {
			for (j = j0; j <= j1; j++)
				for (i = i0; i <= i1; i++) {
					uint32_t c = p->cells[(size_t)j * (size_t)p->nx +
							      (size_t)i];
					const struct bcell *bc;
					uint32_t k;

					if (c < CELL_EDGES)
						continue;
					bc = &p->bcells[c - CELL_EDGES];
					for (k = 0; k < bc->count; k++) {
						uint32_t v = p->entries[bc->first + k];
						if (edge_meets_rect(&p->edges[v & ENT_EDGE],
								    x0, y0, x1, y1))
							return true;
					}
				}
			return false;
		}
	}
	for (e = 0; e < p->nedges; e++)
		if (edge_meets_rect(&p->edges[e], x0, y0, x1, y1))
			return true;
	return false;
}

/* The rectangle in the polygon's frame. */
static enum geopoly_rel frame_classify(const struct geopoly *p, double x0,
				       double y0, double x1, double y1)
{
	if (x1 < p->x0 || x0 > p->x1 || y1 < p->y0 || y0 > p->y1)
		return GEOPOLY_OUTSIDE;
	/* Holding the whole box, it holds every edge. */
	if (x0 <= p->x0 && x1 >= p->x1 && y0 <= p->y0 && y1 >= p->y1)
		return GEOPOLY_PARTLY;
	if (edges_meet_rect(p, x0, y0, x1, y1))
		return GEOPOLY_PARTLY;
	/* No edge meets the rectangle, so all of it is on one side of the
	 * boundary: outside if any of it is beyond the box, else the side of
	 * one of its corners. */
	if (x0 < p->x0 || x1 > p->x1 || y0 < p->y0 || y1 > p->y1)
		return GEOPOLY_OUTSIDE;
	return frame_contains(p, x0, y0) ? GEOPOLY_INSIDE : GEOPOLY_OUTSIDE;
}

/*
 * The rectangle is tried at its longitudes and 360 degrees either side,
 * computed as geopoly_contains() computes a point's, so that the answers
 * agree point for point. It is INSIDE when one of those copies is wholly
 * inside (a rectangle covered only by several copies together is PARTLY,
 * which is safe), OUTSIDE when every copy is.
 */
enum geopoly_rel geopoly_classify(const struct geopoly *p, double lat0,
				  double lon0, double lat1, double lon1)
{
	bool partly = false;
	double y0, y1;
	int k;

	if (!p || !isfinite(lat0) || !isfinite(lat1) || !isfinite(lon0) ||
	    !isfinite(lon1) || lat0 > lat1 || lon0 > lon1)
		return GEOPOLY_PARTLY;
	y0 = flush(lat0);
	y1 = flush(lat1);
	lon0 = flush(lon0);
	lon1 = flush(lon1);
	for (k = 0; k < 3; k++) {
		enum geopoly_rel r = frame_classify(p, flush(lon0 + shifts[k]),
						    y0, flush(lon1 + shifts[k]),
						    y1);
		if (r == GEOPOLY_INSIDE)
			return r;
		if (r == GEOPOLY_PARTLY)
			partly = true;
	}
	/* A pole that the polygon reaches is inside at every longitude. */
	if ((p->north && lat0 <= 90 && lat1 >= 90) ||
	    (p->south && lat0 <= -90 && lat1 >= -90))
		partly = true;
	return partly ? GEOPOLY_PARTLY : GEOPOLY_OUTSIDE;
}

void geopoly_bbox(const struct geopoly *p, double *lat0, double *lon0,
		  double *lat1, double *lon1)
{
	*lat0 = p->y0;
	*lon0 = p->x0;
	*lat1 = p->y1;
	*lon1 = p->x1;
}

/* ---- Building ----------------------------------------------------------- */

/* A number as short as it can be written and still read back the same. */
static void add_num(struct strbuf *sb, double v)
{
	char buf[40];
	int prec;

	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	snprintf(buf, sizeof(buf), "%.*g", prec, v);
	strbuf_addstr(sb, buf);
}

static int bad_coord(size_t r, size_t k, const char *what, double v,
		     const char *range, struct strbuf *err)
{
	strbuf_addf(err, "ring %zu position %zu: %s ", r, k, what);
	if (isnan(v)) {
		strbuf_addstr(err, "is not a number");
	} else if (isinf(v)) {
		strbuf_addstr(err, "is infinite");
	} else {
		add_num(err, v);
		strbuf_addf(err, " is beyond %s", range);
	}
	return HW_EINPUT;
}

static int check_ring(const struct geopoly_ring *rg, size_t r,
		      struct strbuf *err)
{
	const double *v = rg->lonlat;
	size_t k, n = rg->n;

	if (n < 4) {
		strbuf_addf(err, "ring %zu has %zu position%s (at least 4 are "
			    "needed)", r, n, n == 1 ? "" : "s");
		return HW_EINPUT;
	}
	assert(v);
	for (k = 0; k < n; k++) {
		double lon = v[2 * k], lat = v[2 * k + 1];
		if (!(fabs(lon) <= MAX_LON))
			return bad_coord(r, k, "longitude", lon, "+-540", err);
		if (!(fabs(lat) <= 90))
			return bad_coord(r, k, "latitude", lat, "+-90", err);
	}
	if (v[0] != v[2 * (n - 1)] || v[1] != v[2 * (n - 1) + 1]) {
		strbuf_addf(err, "ring %zu is not closed (first (", r);
		add_num(err, v[0]);
		strbuf_addstr(err, ", ");
		add_num(err, v[1]);
		strbuf_addstr(err, ") != last (");
		add_num(err, v[2 * (n - 1)]);
		strbuf_addstr(err, ", ");
		add_num(err, v[2 * (n - 1) + 1]);
		strbuf_addstr(err, "))");
		return HW_EINPUT;
	}
	return 0;
}

static double x_at(const struct edge *g, double y)
{
	double t = (y - g->ay) / (g->by - g->ay);
	return g->ax + t * (g->bx - g->ax);
}

/*
 * Put edge e in every cell that it comes within 2 * MARGIN of (rounding
 * included), row by row: count only when entries is NULL.
 */
static void place_edge(const struct geopoly *p, uint32_t e, uint32_t *count,
		       uint32_t *fill, uint32_t *entries)
{
	const struct edge *g = &p->edges[e];
	double ylo = fmin(g->ay, g->by), yhi = fmax(g->ay, g->by);
	double xmin = fmin(g->ax, g->bx), xmax = fmax(g->ax, g->bx);
	int i, j, i0, i1;
	int j0 = cell_of(ylo - 2 * MARGIN, p->gy0, p->inv_ch, p->ny);
	int j1 = cell_of(yhi + 2 * MARGIN, p->gy0, p->inv_ch, p->ny);

	for (j = j0; j <= j1; j++) {
		double blo = p->gy0 + j * p->ch - 2 * MARGIN;
		double bhi = p->gy0 + (j + 1) * p->ch + 2 * MARGIN;
		double ya = fmax(ylo, blo), yb = fmin(yhi, bhi), xa, xb;

		if (j == j0)
			ya = ylo;
		if (j == j1)
			yb = yhi;
		if (ya > yb)
			continue;
		if (g->ay == g->by) {
			xa = xmin;
			xb = xmax;
		} else {
			xa = x_at(g, ya);
			xb = x_at(g, yb);
			if (xa > xb) {
				double t = xa;
				xa = xb;
				xb = t;
			}
			xa = fmax(xa, xmin);
			xb = fmin(xb, xmax);
		}
		i0 = cell_of(xa - 2 * MARGIN, p->gx0, p->inv_cw, p->nx);
		i1 = cell_of(xb + 2 * MARGIN, p->gx0, p->inv_cw, p->nx);
		for (i = i0; i <= i1; i++) {
			size_t c = (size_t)j * (size_t)p->nx + (size_t)i;
			if (entries)
				entries[fill[c]++] = e;
			else
				count[c]++;
		}
	}
}

struct crossing {
	double x;   /* approximate; exact comparisons use the edge */
	uint32_t e;
};

static int cmp_crossing(const void *a, const void *b)
{
	double x = ((const struct crossing *)a)->x;
	double y = ((const struct crossing *)b)->x;
	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* First index in xs[0..n) whose x is above v. */
static size_t first_above(const struct crossing *xs, size_t n, double v)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (xs[mid].x <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Even-odd status of (x, y) from the crossings of the row line y with the
 * edges (sorted by their approximate x). Crossings too near x to trust are
 * decided exactly. (x, y) lies on no edge and no vertex lies on the line.
 */
static bool row_status(const struct geopoly *p, const struct crossing *xs,
		       size_t n, double x, double y)
{
	size_t lo = first_above(xs, n, x - XTOL), hi = first_above(xs, n, x + XTOL);
	size_t k, odd = n - hi;

	for (k = lo; k < hi; k++) {
		const struct edge *g = &p->edges[xs[k].e];
		int o = orient(g->ax, g->ay, g->bx, g->by, x, y);
		if (g->ay < g->by ? o > 0 : o < 0)
			odd++;
	}
	return odd & 1;
}

static bool vertex_on_line(const struct geopoly *p, const uint32_t *row,
			   size_t nrow, double y)
{
	size_t k;

	for (k = 0; k < nrow; k++) {
		const struct edge *g = &p->edges[row[k]];
		if (g->ay == y || g->by == y)
			return true;
	}
	return false;
}

/*
 * A latitude in row j on which no vertex lies: the row's middle, or else
 * the middle of the widest gap between the vertices in the row. NAN when
 * even that fails.
 */
static double row_line(const struct geopoly *p, int j, const uint32_t *row,
		       size_t nrow, double *ys)
{
	double blo = p->gy0 + j * p->ch, bhi = p->gy0 + (j + 1) * p->ch;
	double y = flush(p->gy0 + (j + 0.5) * p->ch), best = -1, a, b;
	size_t k, n = 0;

	if (!vertex_on_line(p, row, nrow, y))
		return y;
	ys[n++] = blo;
	ys[n++] = bhi;
	for (k = 0; k < nrow; k++) {
		const struct edge *g = &p->edges[row[k]];
		if (g->ay > blo && g->ay < bhi)
			ys[n++] = g->ay;
		if (g->by > blo && g->by < bhi)
			ys[n++] = g->by;
	}
	qsort(ys, n, sizeof(*ys), cmp_double);
	y = NAN;
	for (k = 1; k < n; k++) {
		if (ys[k] - ys[k - 1] <= best)
			continue;
		a = ys[k - 1];
		b = ys[k];
		best = b - a;
		y = flush(a + (b - a) / 2);
		if (!(y > a && y < b))
			y = NAN;
	}
	if (isnan(y) || vertex_on_line(p, row, nrow, y))
		return NAN;
	return y;
}

/*
 * Pick the reference point of a boundary cell on the row line y: the
 * cell's middle, or else points stepped away from it; the cell's edges can
 * take at most one point each of the line, so count + 1 candidates are
 * enough. Record on which side of each edge it lies. -1 if all fail.
 */
static int pick_reference(struct geopoly *p, struct bcell *bc, double xc,
			  double y)
{
	uint32_t *ent = p->entries + bc->first;
	double step = p->cw / (2.0 * ((double)bc->count + 2));
	uint32_t k, t;

	for (t = 0; t <= 2 * bc->count + 2; t++) {
		double off = (double)((t + 1) / 2) * (t & 1 ? 1 : -1) * step;
		double x = flush(xc + off);

		for (k = 0; k < bc->count; k++)
			if (on_edge(&p->edges[ent[k] & ENT_EDGE], x, y))
				break;
		if (k < bc->count)
			continue;
		bc->rx = x;
		bc->ry = y;
		for (k = 0; k < bc->count; k++) {
			const struct edge *g = &p->edges[ent[k] & ENT_EDGE];
			int o = orient(g->ax, g->ay, g->bx, g->by, x, y);
			ent[k] = (ent[k] & ENT_EDGE) |
				 (o > 0 ? ENT_POS : o < 0 ? ENT_NEG : 0);
		}
		return 0;
	}
	return -1;
}

static void free_grid(struct geopoly *p)
{
	free(p->cells);
	free(p->bcells);
	free(p->entries);
	p->cells = NULL;
	p->bcells = NULL;
	p->entries = NULL;
}

/* Size the grid to the number of edges and the shape of the box: about 16
 * cells per edge (4 sqrt(edges) a side for a square box), up to 512 x 512.
 * Denser grids cost memory and build time and buy little more speed. */
static void size_grid(struct geopoly *p)
{
	double w = p->x1 - p->x0, h = p->y1 - p->y0;
	/* Padded by odd fractions so that cell middles do not fall on round
	 * coordinates, where vertices like to be. */
	double padx = w * 0.00137 + 1e-8, pady = h * 0.00113 + 1e-8;
	double gw = w + 2.13 * padx, gh = h + 2.11 * pady;
	double target = fmin(16.0 * (double)p->nedges, (double)GRID_MAX * GRID_MAX);
	double nx = fmax(1, fmin(GRID_MAX, round(sqrt(target * gw / gh))));
	double ny = fmax(1, fmin(GRID_MAX, round(target / nx)));

	p->nx = (int)nx;
	p->ny = (int)ny;
	p->gx0 = p->x0 - padx;
	p->gy0 = p->y0 - pady;
	p->cw = gw / p->nx;
	p->ch = gh / p->ny;
	p->inv_cw = 1 / p->cw;
	p->inv_ch = 1 / p->ch;
}

static int build_grid(struct geopoly *p)
{
	size_t ncells, c, total = 0, nb = 0;
	uint32_t *count = NULL, *fill = NULL, *stamp = NULL, *row = NULL;
	struct crossing *xs = NULL;
	double *ys = NULL;
	uint32_t e;
	int i, j, rc = 0;

	size_grid(p);
	ncells = (size_t)p->nx * (size_t)p->ny;
	count = xcalloc(ncells, sizeof(*count));
	for (e = 0; e < p->nedges; e++)
		place_edge(p, e, count, NULL, NULL);
	fill = xmalloc(ncells * sizeof(*fill));
	for (c = 0; c < ncells; c++) {
		if (total + count[c] > UINT32_MAX) {
			rc = -1;
			goto out;
		}
		fill[c] = (uint32_t)total;
		total += count[c];
		nb += count[c] != 0;
	}
	p->entries = xmalloc((total ? total : 1) * sizeof(*p->entries));
	p->cells = xmalloc(ncells * sizeof(*p->cells));
	p->bcells = xmalloc((nb ? nb : 1) * sizeof(*p->bcells));
	nb = 0;
	for (c = 0; c < ncells; c++) {
		if (!count[c]) {
			p->cells[c] = CELL_OUT;
			continue;
		}
		p->bcells[nb].first = fill[c];
		p->bcells[nb].count = count[c];
		p->cells[c] = (uint32_t)(CELL_EDGES + nb++);
	}
	for (e = 0; e < p->nedges; e++)
		place_edge(p, e, NULL, fill, p->entries);

	/* Row by row: the edges of the row, a line across it on which no
	 * vertex lies, and the status of points on that line. */
	stamp = xcalloc(p->nedges, sizeof(*stamp));
	row = xmalloc(p->nedges * sizeof(*row));
	xs = xmalloc(p->nedges * sizeof(*xs));
	ys = xmalloc((2 * p->nedges + 2) * sizeof(*ys));
	for (j = 0; j < p->ny && !rc; j++) {
		size_t nrow = 0, ncross = 0, k;
		double y;

		for (i = 0; i < p->nx; i++) {
			uint32_t cl = p->cells[(size_t)j * (size_t)p->nx + (size_t)i];
			const struct bcell *bc;

			if (cl < CELL_EDGES)
				continue;
			bc = &p->bcells[cl - CELL_EDGES];
			for (k = 0; k < bc->count; k++) {
				e = p->entries[bc->first + k];
				if (stamp[e] != (uint32_t)j + 1) {
					stamp[e] = (uint32_t)j + 1;
					row[nrow++] = e;
				}
			}
		}
		y = row_line(p, j, row, nrow, ys);
		if (isnan(y)) {
			rc = -1;
			break;
		}
		for (k = 0; k < nrow; k++) {
			const struct edge *g = &p->edges[row[k]];
			if ((g->ay < y) != (g->by < y)) {
				xs[ncross].x = x_at(g, y);
				xs[ncross++].e = row[k];
			}
		}
		qsort(xs, ncross, sizeof(*xs), cmp_crossing);
		for (i = 0; i < p->nx; i++) {
			uint32_t *cl = &p->cells[(size_t)j * (size_t)p->nx + (size_t)i];
			double xc = flush(p->gx0 + (i + 0.5) * p->cw);
			struct bcell *bc;

			if (*cl < CELL_EDGES) {
				*cl = row_status(p, xs, ncross, xc, y) ? CELL_IN :
									 CELL_OUT;
				continue;
			}
			bc = &p->bcells[*cl - CELL_EDGES];
			if (pick_reference(p, bc, xc, y)) {
				rc = -1;
				break;
			}
			bc->inside = row_status(p, xs, ncross, bc->rx, y);
		}
	}
out:
	free(count);
	free(fill);
	free(stamp);
	free(row);
	free(xs);
	free(ys);
	return rc;
}

int geopoly_build(const struct geopoly_ring *rings, size_t nrings,
		  struct geopoly **out, struct strbuf *err)
{
	struct geopoly *p;
	size_t r, k, total = 0;
	int rc;

	*out = NULL;
	if (!nrings) {
		strbuf_addstr(err, "a polygon needs at least one ring");
		return HW_EINPUT;
	}
	for (r = 0; r < nrings; r++) {
		rc = check_ring(&rings[r], r, err);
		if (rc)
			return rc;
		total += rings[r].n - 1;
		if (total > MAX_EDGES) {
			strbuf_addf(err, "the polygon has more than %zu edges",
				    MAX_EDGES);
			return HW_EINPUT;
		}
	}

	p = xcalloc(1, sizeof(*p));
	p->edges = xmalloc(total * sizeof(*p->edges));
	p->x0 = p->y0 = INFINITY;
	p->x1 = p->y1 = -INFINITY;
	for (r = 0; r < nrings; r++) {
		const double *v = rings[r].lonlat;
		for (k = 0; k + 1 < rings[r].n; k++) {
			struct edge *g = &p->edges[p->nedges++];
			g->ax = flush(v[2 * k]);
			g->ay = flush(v[2 * k + 1]);
			g->bx = flush(v[2 * k + 2]);
			g->by = flush(v[2 * k + 3]);
			p->x0 = fmin(p->x0, g->ax);
			p->x1 = fmax(p->x1, g->ax);
			p->y0 = fmin(p->y0, g->ay);
			p->y1 = fmax(p->y1, g->ay);
			p->north |= g->ay == 90;
			p->south |= g->ay == -90;
		}
	}
	if (p->nedges <= SCAN_MAX_EDGES || build_grid(p)) {
		free_grid(p);
		p->scan = true;
	}
	*out = p;
	return 0;
}

void geopoly_free(struct geopoly *p)
{
	if (!p)
		return;
	free_grid(p);
	free(p->edges);
	free(p);
}
