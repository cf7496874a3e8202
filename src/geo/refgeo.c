/*
 * refgeo.c: the reference geography of refgeo.h, parsed once from the files
 * that tools/prepare-refdata.mjs writes and the build embeds (builtin.h).
 *
 * The hot path is refgeo_in_country(), which the importer calls for every
 * row of files with millions of rows, so the shapes are indexed rather than
 * scanned. A country's polygons are grouped into parts (polygons whose boxes
 * lie within a degree of each other: mainland France with Corsica, Hawaii on
 * its own), and each part gets a uniform grid over its box. A grid cell that
 * no edge touches is wholly inside or wholly outside, and is answered from
 * one lookup. A cell that edges touch keeps a reference point whose status
 * was computed when loading, and the list of those edges; a point in the cell
 * is inside when the reference point is, flipped once for every edge that the
 * segment between the two crosses. Both lie in the cell, so only the cell's
 * edges can cross that segment, and a query costs a handful of orientation
 * tests. Polygons are told apart from holes by even-odd, so the orientation
 * of rings does not matter.
 *
 * Natural Earth cuts rings at the antimeridian. The preparation step makes
 * longitudes continuous within each country (Chukotka lies at 180..191 in
 * Russia's frame, the western Aleutians at -188..-180 in that of the United
 * States), so a query tries the longitude as given and 360 degrees either
 * side of it against each part's box.
 *
 * refgeo_country_of() uses the same parts through a global one-degree grid
 * that lists the parts whose box meets each cell. Overseas regions with a
 * code of their own (GF, RE, SJ...) are also in their parent's shape; their
 * parts come first in that grid, so the more specific code wins.
 *
 * Everything is built under pthread_once() and never changes afterwards,
 * which is what makes the lookups thread-safe without locks.
 */
#include "core/homeward.h"
#include "geo/refgeo.h"
#include "geo/geopoly.h"
#include "core/builtin.h"

#include <math.h>
#include <pthread.h>

#define DEG_UNIT 1e-5            /* degrees per integer unit of shapes.txt */
#define EARTH_RADIUS_KM 6371.0088
#define KM_PER_DEG (EARTH_RADIUS_KM * 3.14159265358979323846 / 180.0)
#define GRID_MAX 128             /* cells per axis of a part's grid, at most */
#define GRID_CELL_DEG 0.25       /* wanted size of a cell, in degrees */
#define PART_MARGIN_DEG 1.0      /* polygons closer than this share a part */
#define NOSHAPE_RADIUS_KM 50.0   /* see refgeo_in_country() in refgeo.h */
#define WORLD_W 360
#define WORLD_H 180

/*
 * A reference point must not lie on an edge of its cell, or its status
 * (from a horizontal ray) and the orientation tests of a query could
 * disagree about which side of that edge it is on. One centimetre of
 * clearance is far beyond the rounding error of either computation.
 */
#define REF_CLEARANCE_DEG 1e-7

enum { CELL_OUT = 0, CELL_IN = 1, CELL_EDGES = 2 };

struct pt {
	double x, y; /* longitude (continuous within a country), latitude */
};
_Static_assert(sizeof(struct pt) == 2 * sizeof(double),
	       "refgeo_shape_rings hands out struct pt arrays as doubles");

/* points[start .. start + n] hold a ring; the last point repeats the first,
 * so edge e runs from points[e] to points[e + 1]. */
struct ring {
	uint32_t start, n;
};

struct bcell {
	double rx, ry;    /* reference point, inside the cell */
	uint32_t first;   /* the cell's edges are edges[first .. first + count) */
	uint32_t count;
	bool inside;      /* status of the reference point */
};

struct part {
	uint32_t country;
	double x0, y0, x1, y1;   /* box of the polygons, in the country's frame */
	double gx0, gy0;         /* grid origin, a little outside the box */
	double cw, ch;           /* cell width and height in degrees */
	double inv_cw, inv_ch;
	int nx, ny;
	uint32_t *cells;         /* nx * ny: CELL_OUT, CELL_IN or CELL_EDGES + i */
	struct bcell *bcells;
	uint32_t *edges;         /* edge ids (index of their first point) */
	uint32_t first_ring;     /* ring ids are part_rings[first_ring ..] */
	uint32_t nrings;
};

struct country {
	struct refgeo_country pub; /* what callers get a pointer to */
	int parent;                /* index of the country it is part of, or -1 */
	uint32_t first_part, nparts;
	uint32_t first_city, ncities;
	uint32_t first_airport, nairports;
	uint32_t first_outlier, noutliers;
	uint32_t first_poly, npolys; /* while loading only */
};

/* A known place of a country that its 1:50m shape leaves out. */
struct outlier {
	double lat, lon;
};

/* A polygon while loading: its rings, its box and its group. */
struct tpoly {
	uint32_t first_ring, nrings;
	double x0, y0, x1, y1;
	uint32_t group;
};

static struct {
	char *countries_text, *cities_text, *airports_text; /* split in place */
	size_t cities_alloc, airports_alloc;
	struct country *countries;
	size_t ncountries;
	int16_t by_code[26 * 26];    /* index + 1 of the country, 0 for none */

	struct pt *points;
	size_t npoints, points_alloc;
	struct ring *rings;
	size_t nrings, rings_alloc;
	uint32_t *part_rings;
	size_t npart_rings;
	struct part *parts;
	size_t nparts, parts_alloc;

	uint32_t *world_first;       /* WORLD_W * WORLD_H + 1 offsets */
	uint32_t *world_parts;

	struct refgeo_city *cities;
	size_t ncities;
	struct refgeo_airport *airports;
	size_t nairports;
	struct outlier *outliers;    /* grouped by country */
	size_t noutliers, outliers_alloc;

	bool calling[4][1000];       /* calling[len][code]: a country code */
} G;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_rc;
static char *load_msg;

/* --- parsing helpers --------------------------------------------------- */

static int damaged(struct strbuf *err, const char *file, size_t line,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int damaged(struct strbuf *err, const char *file, size_t line,
		   const char *fmt, ...)
{
	va_list ap;

	strbuf_addf(err, "cannot load reference data '%s': line %zu: ", file,
		    line);
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
	return HW_EINTERNAL;
}

/*
 * Decimal numbers are parsed by hand rather than with strtod(), whose idea
 * of the decimal point follows the locale. The result is the correctly
 * rounded quotient of two exact integers, as strtod() would give.
 */
static bool parse_decimal(const char *s, double *out)
{
	static const double powers[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
					1e8, 1e9 };
	bool neg = false;
	int64_t m = 0;
	int digits = 0, frac = -1;

	if (*s == '-') {
		neg = true;
		s++;
	}
	for (; *s; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || digits >= 15)
			return false;
		m = m * 10 + (*s - '0');
		digits++;
		if (frac >= 0)
			frac++;
	}
	if (!digits || frac == 0 || frac > 9)
		return false;
	*out = (double)(neg ? -m : m) / powers[frac < 0 ? 0 : frac];
	return true;
}

static bool parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* Split `line` at tabs into exactly `n` fields. */
static bool split_tabs(char *line, char **fields, size_t n)
{
	size_t i = 0;

	fields[i++] = line;
	for (; *line; line++) {
		if (*line != '\t')
			continue;
		if (i == n)
			return false;
		*line = '\0';
		fields[i++] = line + 1;
	}
	return i == n;
}

/*
 * Walk the lines of a text copied to the heap, cutting each at its newline.
 * Comment lines (#) and empty lines are skipped. Returns NULL at the end.
 */
static char *next_line(char **pos, size_t *lineno)
{
	for (;;) {
		char *s = *pos, *nl;

		if (!*s)
			return NULL;
		nl = strchr(s, '\n');
		if (nl) {
			*nl = '\0';
			*pos = nl + 1;
		} else {
			*pos = s + strlen(s);
		}
		(*lineno)++;
		if (*s && *s != '#')
			return s;
	}
}

static const struct builtin_file *need_file(const char *name,
					    struct strbuf *err)
{
	const struct builtin_file *f = builtin_find(name);

	if (!f)
		strbuf_addf(err, "cannot load reference data '%s': not embedded "
			    "in this binary", name);
	return f;
}

static bool valid_code(const char *s)
{
	return s && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
	       !s[2];
}

static struct country *find_country(const char *code)
{
	int idx;

	if (!valid_code(code))
		return NULL;
	idx = G.by_code[(code[0] - 'A') * 26 + (code[1] - 'A')];
	return idx ? &G.countries[idx - 1] : NULL;
}

/* --- countries and calling codes --------------------------------------- */

static void add_calling_codes(const char *list)
{
	const char *s = list;

	/* Codes of one to three digits are country codes as they stand. */
	while (*s) {
		size_t n = strcspn(s, ",");
		if (n >= 1 && n <= 3)
			G.calling[n][atoi(s)] = true;
		s += n + (s[n] == ',');
	}
}

/*
 * Longer entries are a country code followed by an area code ("1242" for
 * the Bahamas, "4779" for Svalbard). Country codes form a prefix code, so
 * the country code is the prefix that is already known, or else the first
 * three digits ("5997" for Bonaire: 599).
 */
static void add_long_calling_codes(const char *list)
{
	const char *s = list;

	while (*s) {
		size_t n = strcspn(s, ","), k;
		if (n > 3) {
			int v = 0;
			bool known = false;
			for (k = 1; k <= 3 && !known; k++) {
				v = v * 10 + (s[k - 1] - '0');
				known = G.calling[k][v];
			}
			if (!known)
				G.calling[3][v] = true;
		}
		s += n + (s[n] == ',');
	}
}

static bool valid_list(const char *s, bool digits)
{
	for (; *s; s++) {
		if (*s == ',')
			continue;
		if (digits ? (*s < '0' || *s > '9') : (*s < 'a' || *s > 'z'))
			return false;
	}
	return true;
}

static int load_countries(struct strbuf *err)
{
	static const char name[] = "refdata/countries.tsv";
	const struct builtin_file *f = need_file(name, err);
	char *pos, *line, *fl[5];
	size_t lineno = 0, alloc = 0, i;

	if (!f)
		return HW_EINTERNAL;
	G.countries_text = pos = xstrndup(f->data, f->size);
	while ((line = next_line(&pos, &lineno))) {
		struct country *c;

		if (!split_tabs(line, fl, 5))
			return damaged(err, name, lineno, "expected 5 fields");
		if (!valid_code(fl[0]))
			return damaged(err, name, lineno,
				       "'%s' is not an alpha-2 code", fl[0]);
		if (G.ncountries &&
		    strcmp(G.countries[G.ncountries - 1].pub.code, fl[0]) >= 0)
			return damaged(err, name, lineno,
				       "'%s' is out of order", fl[0]);
		if (!*fl[1] || !valid_list(fl[3], true) ||
		    !valid_list(fl[4], false))
			return damaged(err, name, lineno,
				       "bad name, calling codes or languages");
		ALLOC_GROW(G.countries, G.ncountries + 1, alloc);
		c = &G.countries[G.ncountries++];
		memset(c, 0, sizeof(*c));
		memcpy(c->pub.code, fl[0], 3);
		c->pub.name = fl[1];
		c->pub.native = fl[2];
		c->pub.calling = fl[3];
		c->pub.languages = fl[4];
		c->parent = -1;
		G.by_code[(fl[0][0] - 'A') * 26 + (fl[0][1] - 'A')] =
			(int16_t)G.ncountries;
	}
	if (G.ncountries < 200)
		return damaged(err, name, lineno, "only %zu countries",
			       G.ncountries);
	for (i = 0; i < G.ncountries; i++)
		add_calling_codes(G.countries[i].pub.calling);
	for (i = 0; i < G.ncountries; i++)
		add_long_calling_codes(G.countries[i].pub.calling);
	return 0;
}

/* --- cities and airports ----------------------------------------------- */

static bool parse_latlon(const char *lat_s, const char *lon_s, double *lat,
			 double *lon)
{
	return parse_decimal(lat_s, lat) && parse_decimal(lon_s, lon) &&
	       fabs(*lat) <= 90 && fabs(*lon) <= 180;
}

/*
 * One row of a reference TSV file: its fields, its country, whether it is
 * the first row of that country, and its line for messages. It adds the
 * row to its table and checks the table's order within a country.
 */
typedef int (*tsv_row)(const char *name, char **fl, bool first,
		       size_t lineno, struct strbuf *err);

/* A reference table whose rows are grouped by country. */
struct tsv_table {
	const char *name;       /* "refdata/cities.tsv" */
	const char *what;       /* "cities", in messages */
	int nfields, cfield;    /* fields a row; which is the country */
	char **text;            /* the file's text, split in place */
	size_t *total;          /* rows so far */
	size_t count_off, first_off; /* the country's count and first index */
	tsv_row row;
};

/*
 * Read a table line by line: `nfields` tab-separated fields, field
 * `cfield` a known country whose rows stand together (the country keeps
 * where its group starts and how many it has). HW_EINTERNAL if the data is
 * damaged.
 */
static int load_tsv(const struct tsv_table *t, struct strbuf *err)
{
	const struct builtin_file *f = need_file(t->name, err);
	char *pos, *line, *fl[8];
	size_t lineno = 0;
	struct country *cur = NULL;
	int rc;

	assert(t->nfields <= (int)ARRAY_SIZE(fl));
	if (!f)
		return HW_EINTERNAL;
	*t->text = pos = xstrndup(f->data, f->size);
	while ((line = next_line(&pos, &lineno))) {
		struct country *c;
		uint32_t *count, *first;

		if (!split_tabs(line, fl, t->nfields))
			return damaged(err, t->name, lineno, "expected %d fields", t->nfields);
		c = find_country(fl[t->cfield]);
		if (!c)
			return damaged(err, t->name, lineno, "unknown country '%s'",
				       fl[t->cfield]);
		count = (uint32_t *)((char *)c + t->count_off);
		first = (uint32_t *)((char *)c + t->first_off);
		if (c != cur && *count)
			return damaged(err, t->name, lineno, "%s of '%s' are not together",
				       t->what, fl[t->cfield]);
		if (c != cur)
			*first = (uint32_t)*t->total;
		if ((rc = t->row(t->name, fl, c != cur, lineno, err)))
			return rc;
		(*count)++;
		(*t->total)++;
		cur = c;
	}
	return 0;
}

/* cities.tsv: name, country, lat, lon, population; by population. */
static int city_row(const char *name, char **fl, bool first, size_t lineno,
		    struct strbuf *err)
{
	struct refgeo_city *city;

	ALLOC_GROW(G.cities, G.ncities + 1, G.cities_alloc);
	city = &G.cities[G.ncities];
	city->name = fl[0];
	memcpy(city->country, fl[1], 3);
	if (!*fl[0] || !parse_latlon(fl[2], fl[3], &city->lat, &city->lon) ||
	    !parse_u32(fl[4], &city->population))
		return damaged(err, name, lineno, "bad name, position or population");
	if (!first && city->population > city[-1].population)
		return damaged(err, name, lineno, "not sorted by population");
	return 0;
}

/* airports.tsv: IATA, name, country, lat, lon, large; large ones first. */
static int airport_row(const char *name, char **fl, bool first, size_t lineno,
		       struct strbuf *err)
{
	struct refgeo_airport *a;

	if (strlen(fl[0]) > 3 || !*fl[1] || (strcmp(fl[5], "0") && strcmp(fl[5], "1")))
		return damaged(err, name, lineno, "bad IATA code, name or size");
	ALLOC_GROW(G.airports, G.nairports + 1, G.airports_alloc);
	a = &G.airports[G.nairports];
	memcpy(a->iata, fl[0], strlen(fl[0]) + 1);
	a->name = fl[1];
	memcpy(a->country, fl[2], 3);
	a->large = fl[5][0] == '1';
	if (!parse_latlon(fl[3], fl[4], &a->lat, &a->lon))
		return damaged(err, name, lineno, "bad position");
	if (!first && a->large && !a[-1].large)
		return damaged(err, name, lineno, "large airport after a medium one");
	return 0;
}

/* The tables grouped by country, in the order they are loaded. */
static const struct tsv_table tsv_tables[] = {
	{ "refdata/cities.tsv", "cities", 5, 1, &G.cities_text, &G.ncities,
	  offsetof(struct country, ncities), offsetof(struct country, first_city),
	  city_row },
	{ "refdata/airports.tsv", "airports", 6, 2, &G.airports_text, &G.nairports,
	  offsetof(struct country, nairports), offsetof(struct country, first_airport),
	  airport_row },
};

/* --- shapes: parsing --------------------------------------------------- */

/* Read one integer token of a shapes.txt line; false at the end of it. */
static bool scan_int(const char **p, int64_t *v)
{
	const char *s = *p;
	bool neg = false;
	int64_t x = 0;
	int n = 0;

	while (*s == ' ')
		s++;
	if (*s == '-') {
		neg = true;
		s++;
	}
	while (*s >= '0' && *s <= '9' && n < 12) {
		x = x * 10 + (*s++ - '0');
		n++;
	}
	if (!n || (*s && *s != ' '))
		return false;
	*v = neg ? -x : x;
	*p = s;
	return true;
}

static int parse_ring(const char *s, struct tpoly *tp, const char *name,
		      size_t lineno, struct strbuf *err)
{
	int64_t n, x, y, dx, dy, i;
	uint32_t start = (uint32_t)G.npoints;

	if (!scan_int(&s, &n) || n < 3 || n > 10000000 || !scan_int(&s, &x) ||
	    !scan_int(&s, &y))
		return damaged(err, name, lineno, "bad ring header");
	ALLOC_GROW(G.points, G.npoints + (size_t)n + 1, G.points_alloc);
	for (i = 0; i < n; i++) {
		struct pt *p;

		if (i && (!scan_int(&s, &dx) || !scan_int(&s, &dy)))
			return damaged(err, name, lineno,
				       "ring has fewer than %" PRId64 " points",
				       n);
		if (i) {
			x += dx;
			y += dy;
		}
		if (x < -54000000 || x > 54000000 || y < -9000000 ||
		    y > 9000000)
			return damaged(err, name, lineno,
				       "point %" PRId64 " is out of range", i);
		p = &G.points[G.npoints++];
		p->x = (double)x * DEG_UNIT;
		p->y = (double)y * DEG_UNIT;
		if (p->x < tp->x0)
			tp->x0 = p->x;
		if (p->x > tp->x1)
			tp->x1 = p->x;
		if (p->y < tp->y0)
			tp->y0 = p->y;
		if (p->y > tp->y1)
			tp->y1 = p->y;
	}
	if (scan_int(&s, &dx))
		return damaged(err, name, lineno,
			       "ring has more than %" PRId64 " points", n);
	G.points[G.npoints++] = G.points[start];
	ALLOC_GROW(G.rings, G.nrings + 1, G.rings_alloc);
	G.rings[G.nrings].start = start;
	G.rings[G.nrings].n = (uint32_t)n;
	G.nrings++;
	return 0;
}

static int parse_shapes(struct tpoly **polys_out, size_t *npolys_out,
			struct strbuf *err)
{
	static const char name[] = "refdata/shapes.txt";
	const struct builtin_file *f = need_file(name, err);
	struct tpoly *polys = NULL;
	size_t npolys = 0, alloc = 0, lineno = 0;
	struct country *c = NULL;
	int64_t want_polys = 0, want_rings = 0;
	const char *s, *end;
	int rc = 0;

	if (!f)
		return HW_EINTERNAL;
	for (s = f->data, end = f->data + f->size; s < end && !rc;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		char *line = xstrndup(s, nl ? (size_t)(nl - s) : (size_t)(end - s));
		const char *p = line + 2;
		int64_t n;

		s = nl ? nl + 1 : end;
		lineno++;
		if (!*line || *line == '#') {
			/* a comment */
		} else if (line[0] == 'C' && line[1] == ' ') {
			char code[3], parent[3];
			struct country *pc = NULL;
			int used = -1;

			if (want_polys || want_rings) {
				rc = damaged(err, name, lineno,
					     "previous country is incomplete");
				goto next;
			}
			if (sscanf(line, "C %2s %2s %" SCNd64 "%n", code, parent,
				   &n, &used) != 3 || line[used])
				used = -1;
			c = used < 0 ? NULL : find_country(code);
			if (c && strcmp(parent, "-"))
				pc = find_country(parent);
			if (!c || c->npolys || (strcmp(parent, "-") && !pc) ||
			    n < 1) {
				rc = damaged(err, name, lineno,
					     "bad country line");
				goto next;
			}
			c->parent = pc ? (int)(pc - G.countries) : -1;
			c->first_poly = (uint32_t)npolys;
			want_polys = n;
		} else if (line[0] == 'P' && line[1] == ' ') {
			if (!c || !want_polys || want_rings ||
			    !scan_int(&p, &n) || n < 1) {
				rc = damaged(err, name, lineno,
					     "unexpected or bad polygon line");
				goto next;
			}
			ALLOC_GROW(polys, npolys + 1, alloc);
			polys[npolys].first_ring = (uint32_t)G.nrings;
			polys[npolys].nrings = 0;
			polys[npolys].x0 = polys[npolys].y0 = HUGE_VAL;
			polys[npolys].x1 = polys[npolys].y1 = -HUGE_VAL;
			npolys++;
			c->npolys++;
			want_polys--;
			want_rings = n;
		} else if (line[0] == 'R' && line[1] == ' ') {
			if (!want_rings) {
				rc = damaged(err, name, lineno,
					     "unexpected ring line");
				goto next;
			}
			rc = parse_ring(p, &polys[npolys - 1], name, lineno,
					err);
			polys[npolys - 1].nrings++;
			want_rings--;
		} else {
			rc = damaged(err, name, lineno, "unknown line");
		}
next:
		free(line);
	}
	if (!rc && (want_polys || want_rings || !npolys))
		rc = damaged(err, name, lineno, "file is truncated");
	if (!rc && G.npoints > UINT32_MAX / 2)
		rc = damaged(err, name, lineno, "too many points");
	if (rc) {
		free(polys);
		return rc;
	}
	*polys_out = polys;
	*npolys_out = npolys;
	return 0;
}

/* --- shapes: indexing -------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int clamp_int(double v, int n)
{
	if (!(v >= 0))
		return 0;
	if (v >= n)
		return n - 1;
	return (int)v;
}

/*
 * The columns of row `j` that edge a-b may touch. The edge is clipped to the
 * row's band and the span widened by a hair, so that the list of a cell is a
 * superset of the edges that meet it: a spare edge costs a test, a missing
 * one a wrong answer.
 */
static bool edge_span(const struct part *pt, const struct pt *a,
		      const struct pt *b, int j, int *i0, int *i1)
{
	const double eps = 1e-9;
	double yb0 = pt->gy0 + j * pt->ch - eps, yb1 = yb0 + pt->ch + 2 * eps;
	double xa, xb;

	if (a->y == b->y) {
		xa = a->x;
		xb = b->x;
	} else {
		double t0 = (yb0 - a->y) / (b->y - a->y);
		double t1 = (yb1 - a->y) / (b->y - a->y);
		if (t0 > t1) {
			double t = t0;
			t0 = t1;
			t1 = t;
		}
		if (t1 < 0 || t0 > 1)
			return false;
		if (t0 < 0)
			t0 = 0;
		if (t1 > 1)
			t1 = 1;
		xa = a->x + t0 * (b->x - a->x);
		xb = a->x + t1 * (b->x - a->x);
	}
	if (xa > xb) {
		double t = xa;
		xa = xb;
		xb = t;
	}
	*i0 = clamp_int((xa - eps - pt->gx0) * pt->inv_cw, pt->nx);
	*i1 = clamp_int((xb + eps - pt->gx0) * pt->inv_cw, pt->nx);
	return true;
}

/* Call edge_span for each row edge a-b meets; count or fill cell lists. */
static void assign_edge(const struct part *pt, uint32_t e, uint32_t *count,
			uint32_t *fill)
{
	const struct pt *a = &G.points[e], *b = &G.points[e + 1];
	double ylo = a->y < b->y ? a->y : b->y, yhi = a->y < b->y ? b->y : a->y;
	int j, j0 = clamp_int((ylo - 1e-9 - pt->gy0) * pt->inv_ch, pt->ny);
	int j1 = clamp_int((yhi + 1e-9 - pt->gy0) * pt->inv_ch, pt->ny);

	for (j = j0; j <= j1; j++) {
		int i, i0, i1;
		if (!edge_span(pt, a, b, j, &i0, &i1))
			continue;
		for (i = i0; i <= i1; i++) {
			size_t c = (size_t)j * (size_t)pt->nx + (size_t)i;
			if (fill)
				pt->edges[fill[c]++] = e;
			else
				count[c]++;
		}
	}
}

static double seg_dist2(double px, double py, const struct pt *a,
			const struct pt *b)
{
	double dx = b->x - a->x, dy = b->y - a->y, t = 0, ex, ey;
	double len2 = dx * dx + dy * dy;

	if (len2 > 0) {
		t = ((px - a->x) * dx + (py - a->y) * dy) / len2;
		t = t < 0 ? 0 : t > 1 ? 1 : t;
	}
	ex = a->x + t * dx - px;
	ey = a->y + t * dy - py;
	return ex * ex + ey * ey;
}

static bool clear_of_edges(const struct part *pt, const struct bcell *bc,
			   double x, double y)
{
	uint32_t k;

	for (k = 0; k < bc->count; k++) {
		uint32_t e = pt->edges[bc->first + k];
		if (seg_dist2(x, y, &G.points[e], &G.points[e + 1]) <
		    REF_CLEARANCE_DEG * REF_CLEARANCE_DEG)
			return false;
	}
	return true;
}

/* Even-odd status of (x, row y) from the sorted crossings of that row. */
static bool row_status(const double *xs, size_t n, double x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (xs[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (n - lo) & 1;
}

static int build_part(struct part *pt, struct strbuf *err)
{
	uint32_t *count = NULL, *fill = NULL, r, k;
	double *xs = NULL;
	size_t ncells, c, nedges = 0, nxs_alloc = 0, nb = 0;
	int i, j, rc = 0;
	double w, h;

	/* The grid is padded by odd fractions of a degree so that cell
	 * centres do not fall on the 1e-5 degree lattice of the vertices. */
	pt->gx0 = pt->x0 - 0.000137;
	pt->gy0 = pt->y0 - 0.000113;
	w = pt->x1 + 0.000137 - pt->gx0;
	h = pt->y1 + 0.000113 - pt->gy0;
	pt->nx = (int)ceil(w / GRID_CELL_DEG);
	pt->ny = (int)ceil(h / GRID_CELL_DEG);
	pt->nx = pt->nx < 1 ? 1 : pt->nx > GRID_MAX ? GRID_MAX : pt->nx;
	pt->ny = pt->ny < 1 ? 1 : pt->ny > GRID_MAX ? GRID_MAX : pt->ny;
	pt->cw = w / pt->nx;
	pt->ch = h / pt->ny;
	pt->inv_cw = 1 / pt->cw;
	pt->inv_ch = 1 / pt->ch;
	ncells = (size_t)pt->nx * (size_t)pt->ny;

	count = xcalloc(ncells + 1, sizeof(*count));
	for (r = 0; r < pt->nrings; r++) {
		const struct ring *rg = &G.rings[G.part_rings[pt->first_ring + r]];
		for (k = 0; k < rg->n; k++)
			assign_edge(pt, rg->start + k, count, NULL);
	}
	fill = xmalloc((ncells + 1) * sizeof(*fill));
	for (c = 0; c < ncells; c++) {
		fill[c] = (uint32_t)nedges;
		nedges += count[c];
		if (count[c])
			nb++;
	}
	fill[ncells] = (uint32_t)nedges;
	pt->edges = xmalloc((nedges ? nedges : 1) * sizeof(*pt->edges));
	pt->cells = xmalloc(ncells * sizeof(*pt->cells));
	pt->bcells = xmalloc((nb ? nb : 1) * sizeof(*pt->bcells));
	nb = 0;
	for (c = 0; c < ncells; c++) {
		if (!count[c]) {
			pt->cells[c] = CELL_OUT;
			continue;
		}
		pt->bcells[nb].first = fill[c];
		pt->bcells[nb].count = count[c];
		pt->cells[c] = (uint32_t)(CELL_EDGES + nb++);
	}
	for (r = 0; r < pt->nrings; r++) {
		const struct ring *rg = &G.rings[G.part_rings[pt->first_ring + r]];
		for (k = 0; k < rg->n; k++)
			assign_edge(pt, rg->start + k, NULL, fill);
	}

	/* Status of each cell's centre, row by row, from the crossings of
	 * the row's centre line with every edge (half-open in y, so that a
	 * vertex on the line counts once). */
	for (j = 0; j < pt->ny && !rc; j++) {
		double yc = pt->gy0 + (j + 0.5) * pt->ch;
		size_t nxs = 0;

		for (r = 0; r < pt->nrings; r++) {
			const struct ring *rg =
				&G.rings[G.part_rings[pt->first_ring + r]];
			for (k = 0; k < rg->n; k++) {
				const struct pt *a = &G.points[rg->start + k];
				const struct pt *b = a + 1;
				if ((a->y > yc) == (b->y > yc))
					continue;
				ALLOC_GROW(xs, nxs + 1, nxs_alloc);
				xs[nxs++] = a->x + (yc - a->y) * (b->x - a->x) /
						   (b->y - a->y);
			}
		}
		if (nxs)
			qsort(xs, nxs, sizeof(*xs), cmp_double);
		for (i = 0; i < pt->nx; i++) {
			uint32_t *cell = &pt->cells[(size_t)j * (size_t)pt->nx +
						    (size_t)i];
			double xc = pt->gx0 + (i + 0.5) * pt->cw;
			struct bcell *bc;
			int tries;

			if (*cell < CELL_EDGES) {
				*cell = row_status(xs, nxs, xc) ? CELL_IN :
								  CELL_OUT;
				continue;
			}
			/* Move the reference point along the row, within
			 * the cell, until it is clear of every edge. */
			bc = &pt->bcells[*cell - CELL_EDGES];
			for (tries = 0; tries < 16; tries++) {
				double f = tries ? 0.45 * (tries & 1 ? 1 : -1) *
							   ((tries + 1) / 2) / 9.0 :
						   0;
				double x = xc + f * pt->cw;
				if (clear_of_edges(pt, bc, x, yc)) {
					bc->rx = x;
					bc->ry = yc;
					bc->inside = row_status(xs, nxs, x);
					break;
				}
			}
			if (tries == 16) {
				strbuf_addf(err, "cannot index reference data "
					    "'refdata/shapes.txt': country '%s' "
					    "has a cell crowded with edges",
					    G.countries[pt->country].pub.code);
				rc = HW_EINTERNAL;
				break;
			}
		}
	}
	free(xs);
	free(count);
	free(fill);
	return rc;
}

static uint32_t uf_find(struct tpoly *polys, uint32_t i)
{
	while (polys[i].group != i) {
		polys[i].group = polys[polys[i].group].group;
		i = polys[i].group;
	}
	return i;
}

static bool boxes_near(const struct tpoly *a, const struct tpoly *b)
{
	return a->x0 - PART_MARGIN_DEG <= b->x1 && b->x0 - PART_MARGIN_DEG <= a->x1 &&
	       a->y0 - PART_MARGIN_DEG <= b->y1 && b->y0 - PART_MARGIN_DEG <= a->y1;
}

/* Group the country's polygons into parts and index each part. */
static int build_country_parts(struct country *c, struct tpoly *polys,
			       size_t *part_rings_alloc, struct strbuf *err)
{
	struct tpoly *tp = polys + c->first_poly;
	uint32_t i, j, n = c->npolys;
	int rc = 0;

	c->first_part = (uint32_t)G.nparts;
	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		tp[i].group = i;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (boxes_near(&tp[i], &tp[j])) {
				uint32_t a = uf_find(tp, i), b = uf_find(tp, j);
				if (a != b)
					tp[a > b ? a : b].group = a < b ? a : b;
			}
	c->pub.has_shape = true;
	c->pub.min_lat = c->pub.min_lon = HUGE_VAL;
	c->pub.max_lat = c->pub.max_lon = -HUGE_VAL;
	for (i = 0; i < n && !rc; i++) {
		struct part *pt;

		if (uf_find(tp, i) != i)
			continue;
		ALLOC_GROW(G.parts, G.nparts + 1, G.parts_alloc);
		pt = &G.parts[G.nparts++];
		memset(pt, 0, sizeof(*pt));
		pt->country = (uint32_t)(c - G.countries);
		pt->x0 = pt->y0 = HUGE_VAL;
		pt->x1 = pt->y1 = -HUGE_VAL;
		pt->first_ring = (uint32_t)G.npart_rings;
		for (j = i; j < n; j++) {
			uint32_t r;
			if (uf_find(tp, j) != i)
				continue;
			for (r = 0; r < tp[j].nrings; r++) {
				ALLOC_GROW(G.part_rings, G.npart_rings + 1,
					   *part_rings_alloc);
				G.part_rings[G.npart_rings++] =
					tp[j].first_ring + r;
				pt->nrings++;
			}
			pt->x0 = fmin(pt->x0, tp[j].x0);
			pt->y0 = fmin(pt->y0, tp[j].y0);
			pt->x1 = fmax(pt->x1, tp[j].x1);
			pt->y1 = fmax(pt->y1, tp[j].y1);
		}
		c->pub.min_lon = fmin(c->pub.min_lon, pt->x0);
		c->pub.min_lat = fmin(c->pub.min_lat, pt->y0);
		c->pub.max_lon = fmax(c->pub.max_lon, pt->x1);
		c->pub.max_lat = fmax(c->pub.max_lat, pt->y1);
		c->nparts++;
		rc = build_part(pt, err);
	}
	return rc;
}

/* Visit the world cells that part `p`'s box meets, in each of its frames. */
static void world_cells(uint32_t p, uint32_t *count, uint32_t *fill,
			uint32_t *last)
{
	const struct part *pt = &G.parts[p];
	int k, row, col;
	int r0 = clamp_int(pt->y0 + 90, WORLD_H), r1 = clamp_int(pt->y1 + 90, WORLD_H);

	for (k = -1; k <= 1; k++) {
		double xa = pt->x0 + 360.0 * k, xb = pt->x1 + 360.0 * k;
		if (xb < -180 || xa > 180)
			continue;
		for (row = r0; row <= r1; row++)
			for (col = clamp_int(xa + 180, WORLD_W);
			     col <= clamp_int(xb + 180, WORLD_W); col++) {
				size_t c = (size_t)row * WORLD_W + (size_t)col;
				if (last[c] == p + 1)
					continue;
				last[c] = p + 1;
				if (fill)
					G.world_parts[fill[c]++] = p;
				else
					count[c]++;
			}
	}
}

static void build_world_grid(void)
{
	const size_t ncells = (size_t)WORLD_W * WORLD_H;
	uint32_t *count = xcalloc(ncells, sizeof(*count));
	uint32_t *last = xcalloc(ncells, sizeof(*last));
	uint32_t *fill = xmalloc(ncells * sizeof(*fill));
	size_t c, total = 0;
	uint32_t p;
	int pass, child;

	G.world_first = xmalloc((ncells + 1) * sizeof(*G.world_first));
	for (pass = 0; pass < 2; pass++) {
		if (pass) {
			for (c = 0; c < ncells; c++) {
				G.world_first[c] = fill[c] = (uint32_t)total;
				total += count[c];
			}
			G.world_first[ncells] = (uint32_t)total;
			G.world_parts = xmalloc((total ? total : 1) *
						sizeof(*G.world_parts));
			memset(last, 0, ncells * sizeof(*last));
		}
		/* Overseas regions before their parents: first match wins. */
		for (child = 1; child >= 0; child--)
			for (p = 0; p < G.nparts; p++)
				if ((G.countries[G.parts[p].country].parent >= 0) ==
				    child)
					world_cells(p, count, pass ? fill : NULL,
						    last);
	}
	free(count);
	free(last);
	free(fill);
}

static int load_shapes(struct strbuf *err)
{
	struct tpoly *polys = NULL;
	size_t npolys = 0, part_rings_alloc = 0, i;
	int rc;

	rc = parse_shapes(&polys, &npolys, err);
	for (i = 0; !rc && i < G.ncountries; i++)
		rc = build_country_parts(&G.countries[i], polys,
					 &part_rings_alloc, err);
	free(polys);
	if (!rc)
		build_world_grid();
	return rc;
}

/* --- loading ----------------------------------------------------------- */

static void release_all(void)
{
	size_t i;

	for (i = 0; i < G.nparts; i++) {
		free(G.parts[i].cells);
		free(G.parts[i].bcells);
		free(G.parts[i].edges);
	}
	free(G.parts);
	free(G.part_rings);
	free(G.rings);
	free(G.points);
	free(G.world_first);
	free(G.world_parts);
	free(G.cities);
	free(G.airports);
	free(G.outliers);
	free(G.countries);
	free(G.countries_text);
	free(G.cities_text);
	free(G.airports_text);
	memset(&G, 0, sizeof(G));
}

static void find_outliers(void);

static void load_all(void)
{
	struct strbuf err = STRBUF_INIT;
	int rc;

	rc = load_countries(&err);
	for (size_t i = 0; !rc && i < ARRAY_SIZE(tsv_tables); i++)
		rc = load_tsv(&tsv_tables[i], &err);
	if (!rc)
		rc = load_shapes(&err);
	if (!rc)
		find_outliers();
	if (rc) {
		release_all();
		load_msg = strbuf_detach(&err, NULL);
	}
	strbuf_release(&err);
	load_rc = rc;
}

int refgeo_load(struct strbuf *err)
{
	pthread_once(&load_once, load_all);
	if (load_rc && err)
		strbuf_addstr(err, load_msg);
	return load_rc;
}

/* --- queries ----------------------------------------------------------- */

const struct refgeo_country *refgeo_country(const char *code)
{
	struct country *c;

	if (refgeo_load(NULL))
		return NULL;
	c = find_country(code);
	return c ? &c->pub : NULL;
}

size_t refgeo_country_count(void)
{
	return refgeo_load(NULL) ? 0 : G.ncountries;
}

const struct refgeo_country *refgeo_country_at(size_t i)
{
	if (refgeo_load(NULL) || i >= G.ncountries)
		return NULL;
	return &G.countries[i].pub;
}

static double orient(double ax, double ay, double bx, double by, double cx,
		     double cy)
{
	return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/*
 * Is (x, y), in the part's frame, inside the part? A vertex exactly on the
 * line through the reference point and the query point counts as lying on
 * its positive side for both edges that share it, which is a consistent
 * perturbation: the crossing count keeps the right parity.
 */
static bool part_contains(const struct part *pt, double x, double y)
{
	double fx = (x - pt->gx0) * pt->inv_cw, fy = (y - pt->gy0) * pt->inv_ch;
	const struct bcell *bc;
	uint32_t cell, k;
	bool in;

	if (!(fx >= 0 && fy >= 0 && fx < pt->nx && fy < pt->ny))
		return false;
	cell = pt->cells[(size_t)fy * (size_t)pt->nx + (size_t)fx];
	if (cell < CELL_EDGES)
		return cell == CELL_IN;
	bc = &pt->bcells[cell - CELL_EDGES];
	in = bc->inside;
	for (k = 0; k < bc->count; k++) {
		const struct pt *a = &G.points[pt->edges[bc->first + k]];
		const struct pt *b = a + 1;
		bool sa = orient(bc->rx, bc->ry, x, y, a->x, a->y) >= 0;
		bool sb = orient(bc->rx, bc->ry, x, y, b->x, b->y) >= 0;
		double o1, o2;

		if (sa == sb)
			continue;
		o1 = orient(a->x, a->y, b->x, b->y, bc->rx, bc->ry);
		o2 = orient(a->x, a->y, b->x, b->y, x, y);
		if ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0))
			in = !in;
	}
	return in;
}

/* Is an edge of the part within `tol_km` of (x, y)? */
static bool part_near(const struct part *pt, double x, double y,
		      double tol_km, double km_x)
{
	double dx = tol_km / km_x, dy = tol_km / KM_PER_DEG;
	double fx0 = (x - dx - pt->gx0) * pt->inv_cw;
	double fx1 = (x + dx - pt->gx0) * pt->inv_cw;
	double fy0 = (y - dy - pt->gy0) * pt->inv_ch;
	double fy1 = (y + dy - pt->gy0) * pt->inv_ch;
	int i, j, i0, i1, j0, j1;

	if (fx1 < 0 || fy1 < 0 || fx0 >= pt->nx || fy0 >= pt->ny)
		return false;
	i0 = clamp_int(fx0, pt->nx);
	i1 = clamp_int(fx1, pt->nx);
	j0 = clamp_int(fy0, pt->ny);
	j1 = clamp_int(fy1, pt->ny);
	for (j = j0; j <= j1; j++)
		for (i = i0; i <= i1; i++) {
			uint32_t cell = pt->cells[(size_t)j * (size_t)pt->nx +
						  (size_t)i];
			const struct bcell *bc;
			uint32_t k;

			if (cell < CELL_EDGES)
				continue;
			bc = &pt->bcells[cell - CELL_EDGES];
			for (k = 0; k < bc->count; k++) {
				const struct pt *a =
					&G.points[pt->edges[bc->first + k]];
				/* Measure in km on a local flat projection
				 * around the point, fine at these ranges. */
				struct pt pa = { (a->x - x) * km_x,
						 (a->y - y) * KM_PER_DEG };
				struct pt pb = { (a[1].x - x) * km_x,
						 (a[1].y - y) * KM_PER_DEG };
				if (seg_dist2(0, 0, &pa, &pb) <= tol_km * tol_km)
					return true;
			}
		}
	return false;
}

static double norm_lon(double lon)
{
	if (lon >= -180 && lon < 180)
		return lon;
	lon = fmod(lon + 180, 360);
	if (lon < 0)
		lon += 360;
	return lon - 180;
}

static int near_known_place(const struct country *c, double lat, double lon,
			    double tol_km)
{
	double limit = NOSHAPE_RADIUS_KM + tol_km;
	uint32_t i;

	for (i = 0; i < c->ncities; i++) {
		const struct refgeo_city *p = &G.cities[c->first_city + i];
		if (refgeo_distance_km(lat, lon, p->lat, p->lon) <= limit)
			return 1;
	}
	for (i = 0; i < c->nairports; i++) {
		const struct refgeo_airport *p = &G.airports[c->first_airport + i];
		if (refgeo_distance_km(lat, lon, p->lat, p->lon) <= limit)
			return 1;
	}
	return 0;
}

/* Is (lat, lon), longitude normalised, inside part `pt`, also where the
 * part is drawn past +-180 (an island group across the antimeridian)? */
static bool part_has(const struct part *pt, double lat, double lon)
{
	if (lat < pt->y0 || lat > pt->y1)
		return false;
	for (int k = -1; k <= 1; k++) {
		double x = lon + 360.0 * k;
		if (x >= pt->x0 && x <= pt->x1 && part_contains(pt, x, lat))
			return true;
	}
	return false;
}

/* Is (lat, lon), longitude normalised, inside the country's shape? */
static bool shape_contains(const struct country *c, double lat, double lon)
{
	for (uint32_t i = 0; i < c->nparts; i++)
		if (part_has(&G.parts[c->first_part + i], lat, lon))
			return true;
	return false;
}

/* Is an edge of the country's shape within `tol` km of (lat, lon)? */
static bool shape_near(const struct country *c, double lat, double lon,
		       double tol)
{
	double km_x, dx, dy;
	uint32_t i;
	int k;

	km_x = KM_PER_DEG * cos(lat * (3.14159265358979323846 / 180.0));
	if (km_x < 1e-3)
		km_x = 1e-3;
	dx = tol / km_x;
	dy = tol / KM_PER_DEG;
	for (i = 0; i < c->nparts; i++) {
		const struct part *pt = &G.parts[c->first_part + i];
		if (lat < pt->y0 - dy || lat > pt->y1 + dy)
			continue;
		for (k = -1; k <= 1; k++) {
			double x = lon + 360.0 * k;
			if (x >= pt->x0 - dx && x <= pt->x1 + dx &&
			    part_near(pt, x, lat, tol, km_x))
				return true;
		}
	}
	return false;
}

/*
 * Within `tol` km of a known place of the country that its shape leaves
 * out? Those are exclaves and islands too small for 1:50m (Ceuta, Melilla,
 * most of the Maldives), which the cities and airports still name.
 */
static bool near_outlier(const struct country *c, double lat, double lon,
			 double tol)
{
	uint32_t i;

	for (i = 0; i < c->noutliers; i++) {
		const struct outlier *o = &G.outliers[c->first_outlier + i];
		if (refgeo_distance_km(lat, lon, o->lat, o->lon) <= tol)
			return true;
	}
	return false;
}

static void add_outlier(double lat, double lon)
{
	ALLOC_GROW(G.outliers, G.noutliers + 1, G.outliers_alloc);
	G.outliers[G.noutliers].lat = lat;
	G.outliers[G.noutliers].lon = lon;
	G.noutliers++;
}

/* After the shapes are indexed: each country's places outside its shape. */
static void find_outliers(void)
{
	size_t ci;
	uint32_t i;

	for (ci = 0; ci < G.ncountries; ci++) {
		struct country *c = &G.countries[ci];

		c->first_outlier = (uint32_t)G.noutliers;
		if (!c->pub.has_shape)
			continue;
		for (i = 0; i < c->ncities; i++) {
			const struct refgeo_city *p = &G.cities[c->first_city + i];
			if (!shape_contains(c, p->lat, norm_lon(p->lon)))
				add_outlier(p->lat, p->lon);
		}
		for (i = 0; i < c->nairports; i++) {
			const struct refgeo_airport *p =
				&G.airports[c->first_airport + i];
			if (!shape_contains(c, p->lat, norm_lon(p->lon)))
				add_outlier(p->lat, p->lon);
		}
		c->noutliers = (uint32_t)G.noutliers - c->first_outlier;
	}
}

int refgeo_in_country(const char *code, double lat, double lon,
		      double tolerance_km)
{
	const struct country *c;
	double tol = tolerance_km > 0 ? tolerance_km : 0;

	if (refgeo_load(NULL))
		return HW_EINTERNAL;
	c = find_country(code);
	if (!c)
		return HW_ENOTFOUND;
	if (!isfinite(lat) || !isfinite(lon) || lat < -90 || lat > 90 ||
	    !isfinite(tol))
		return 0;
	lon = norm_lon(lon);
	if (!c->pub.has_shape)
		return near_known_place(c, lat, lon, tol);
	if (shape_contains(c, lat, lon))
		return 1;
	if (!tol)
		return 0;
	return shape_near(c, lat, lon, tol) || near_outlier(c, lat, lon, tol);
}

size_t refgeo_shape_rings(const char *code, struct geopoly_ring *out,
			  size_t max)
{
	const struct country *c;
	size_t count = 0;
	uint32_t i, k;

	if (refgeo_load(NULL))
		return 0;
	c = find_country(code);
	if (!c || !c->pub.has_shape)
		return 0;
	for (i = 0; i < c->nparts; i++) {
		const struct part *pt = &G.parts[c->first_part + i];
		for (k = 0; k < pt->nrings; k++) {
			const struct ring *r = &G.rings[G.part_rings[pt->first_ring + k]];
			if (count < max) {
				/* struct pt is two doubles, lon then lat: the
				 * layout geopoly reads. */
				out[count].lonlat = (const double *)&G.points[r->start];
				out[count].n = (size_t)r->n + 1;
			}
			count++;
		}
	}
	return count;
}

const char *refgeo_country_of(double lat, double lon)
{
	size_t cell, i;

	if (refgeo_load(NULL) || !isfinite(lat) || !isfinite(lon) || lat < -90 ||
	    lat > 90)
		return NULL;
	lon = norm_lon(lon);
	cell = (size_t)clamp_int(lat + 90, WORLD_H) * WORLD_W +
	       (size_t)clamp_int(lon + 180, WORLD_W);
	for (i = G.world_first[cell]; i < G.world_first[cell + 1]; i++) {
		const struct part *pt = &G.parts[G.world_parts[i]];
		if (part_has(pt, lat, lon))
			return G.countries[pt->country].pub.code;
	}
	return NULL;
}

int refgeo_calling_code_len(const char *digits)
{
	int len, v = 0;

	if (!digits || refgeo_load(NULL))
		return 0;
	for (len = 1; len <= 3; len++) {
		char d = digits[len - 1];
		if (d < '0' || d > '9')
			return 0;
		v = v * 10 + (d - '0');
		if (G.calling[len][v])
			return len;
	}
	return 0;
}

size_t refgeo_cities(const char *code, const struct refgeo_city **out)
{
	const struct country *c;

	*out = NULL;
	if (refgeo_load(NULL) || !(c = find_country(code)) || !c->ncities)
		return 0;
	*out = &G.cities[c->first_city];
	return c->ncities;
}

size_t refgeo_airports(const char *code, const struct refgeo_airport **out)
{
	const struct country *c;

	*out = NULL;
	if (refgeo_load(NULL) || !(c = find_country(code)) || !c->nairports)
		return 0;
	*out = &G.airports[c->first_airport];
	return c->nairports;
}

double refgeo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = 3.14159265358979323846 / 180.0;
	double s1 = sin((lat2 - lat1) * rad / 2), s2 = sin((lon2 - lon1) * rad / 2);
	double a = s1 * s1 + cos(lat1 * rad) * cos(lat2 * rad) * s2 * s2;

	if (a > 1)
		a = 1;
	return 2 * EARTH_RADIUS_KM * asin(sqrt(a));
}
