/*
 * bench_geo.c: `homeward bench geo`, the geo engine against what a user
 * would otherwise pick: a brute-force scan of plain arrays, SQLite's R*Tree
 * and PostGIS.
 *
 * One run generates a population, imports it with this very program (a
 * child process, as a user would run it), loads the engine from that
 * database, and reads the same points from the same database for the
 * baselines. The query mix is drawn from a fixed seed, so every run asks the
 * same questions: circles of four sizes around cities drawn by population,
 * thirty countries from Singapore to the United States, and irregular
 * polygons given as CAP alerts so that the parser is part of the path.
 *
 * Every engine answers every query, and its set of persons must equal
 * Homeward's before any time is printed: a fast wrong answer is no answer.
 * A mismatch is printed with the points in dispute and fails the run.
 *
 * PostGIS runs in a scratch cluster that this file starts on a loopback
 * port, as the postgres user when run as root (PostgreSQL refuses root), and
 * stops and removes at the end, failure or interruption included. If
 * PostGIS is not there and cannot be installed, the run goes on without it
 * and says so.
 */
#include "core/homeward.h"
#include "bench/bench.h"
#include "core/time.h"
#include "core/cli.h"
#include "store/db.h"
#include "geo/geo.h"
#include "geo/geoarea.h"
#include "geo/geopoly.h"
#include "geo/refgeo.h"
#include "store/store.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#define CMD "bench geo"
#define MIX_SEED UINT64_C(0x6e0b3e7c)   /* any fixed value: the same mix */
#define KM_PER_DEG (GEO_EARTH_RADIUS_KM * 3.14159265358979323846 / 180.0)
#define RAD (3.14159265358979323846 / 180.0)
/* Candidate boxes are widened by this much (a decimetre), so that rounding
 * in their computation can never drop a point the exact test keeps. */
#define BOX_MARGIN_DEG 1e-6
#define MAX_PIECES 3                   /* a shape and its copies 360 away */

/* --- the query mix ------------------------------------------------------- */

enum shape_type { SHAPE_CIRCLE, SHAPE_COUNTRY, SHAPE_CAP };

struct kind {
	const char *name;
	enum shape_type type;
	double km;              /* circles: the radius */
};

enum { NKINDS = 6 };
static const struct kind kinds[NKINDS] = {
	{ "circle-10", SHAPE_CIRCLE, 10 },
	{ "circle-50", SHAPE_CIRCLE, 50 },
	{ "circle-200", SHAPE_CIRCLE, 200 },
	{ "circle-500", SHAPE_CIRCLE, 500 },
	{ "country", SHAPE_COUNTRY, 0 },
	{ "cap", SHAPE_CAP, 0 },
};

/* From small to huge; several with far-flung parts or across 180. */
static const char bench_countries[][3] = {
	"SG", "LU", "BE", "NL", "CH", "IL", "AE", "PT", "AT", "CZ",
	"GR", "NZ", "GB", "IT", "JP", "DE", "FR", "ES", "TH", "ZA",
	"EG", "NG", "MX", "ID", "IN", "AU", "BR", "CN", "CA", "US",
};

enum engine { E_HOMEWARD, E_BRUTE, E_RTREE, E_POSTGIS, NENGINES };
static const char *const engine_key[NENGINES] = {
	"homeward", "bruteforce", "rtree", "postgis",
};
static const char *const engine_title[NENGINES] = {
	"Homeward", "brute force", "R*Tree", "PostGIS",
};

/* A lat/lon rectangle with longitudes within [-180, 180]. */
struct box {
	double lat0, lat1, lon0, lon1;
};

struct query {
	size_t kind;
	char label[128];
	struct geoarea area;        /* Homeward's question */
	struct geopoly *country;    /* a country's shape, as the engine makes it */
	struct box *boxes;          /* R*Tree: candidates are in these */
	size_t nboxes, boxes_alloc;
	struct box outer[2];        /* brute force: a cheap reject first */
	size_t nouter;
	struct strbuf wkt[MAX_PIECES]; /* PostGIS: the polygon and its copies */
	size_t nwkt;
	size_t persons;             /* the size of the answer */
	double secs[NENGINES];
};

struct mix {
	struct query *q;
	size_t n, alloc;
};

/* --- small helpers ------------------------------------------------------- */

static int check_interrupt(void)
{
	return bench_check_interrupt(CMD);
}

/* splitmix64: small, fast and good enough to draw a query mix. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) * 0x1p-53;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* How a child program runs. */
struct child {
	int out_fd;          /* stdout and stderr go here, or are inherited (-1) */
	const char *cwd;     /* or NULL */
	bool drop;           /* run as uid/gid instead of root */
	uid_t uid;
	gid_t gid;
	int death_signal;    /* sent to it if we die first, or 0 */
};

/* Start argv (no shell); its pid, or -1 if it could not be started. */
static pid_t spawn_child(char *const argv[], const struct child *c)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	if (c && c->out_fd >= 0) {
		dup2(c->out_fd, STDOUT_FILENO);
		dup2(c->out_fd, STDERR_FILENO);
	}
	if (c && c->cwd && chdir(c->cwd))
		_exit(126);
	if (c && c->drop &&
	    (setgroups(1, &c->gid) || setgid(c->gid) || setuid(c->uid)))
		_exit(126);
	if (c && c->death_signal) {
		/* After setuid(), which clears it; and out of the terminal's
		 * process group, whose ^C is ours to handle. */
		if (prctl(PR_SET_PDEATHSIG, c->death_signal) ||
		    getppid() == 1)
			_exit(126);
		setpgid(0, 0);
	}
	/* For apt-get, which must not ask; the rest ignore it. */
	setenv("DEBIAN_FRONTEND", "noninteractive", 1);
	execvp(argv[0], argv);
	_exit(127);
}

/* Wait for a child; its exit status, or -1 if it did not exit normally. */
static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Run argv (no shell); return its exit status, or -1 if it could not run. */
static int run_child(char *const argv[], const struct child *c)
{
	pid_t pid = spawn_child(argv, c);

	return pid < 0 ? -1 : wait_child(pid);
}

/* Run argv and collect its standard output, trailing white space removed. */
static int run_capture(char *const argv[], struct strbuf *out)
{
	char buf[4096];
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		dup2(fds[1], STDOUT_FILENO);
		if (devnull >= 0)
			dup2(devnull, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0 ||
	       (n < 0 && errno == EINTR))
		if (n > 0)
			strbuf_add(out, buf, (size_t)n);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	strbuf_rtrim(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A set of persons, each once: a list and a bit per person. */
struct idset {
	uint32_t *ids;
	size_t n, alloc;
	uint8_t *seen;
	uint32_t max;
};

static void idset_init(struct idset *s, uint32_t max_person)
{
	memset(s, 0, sizeof(*s));
	s->max = max_person;
	s->seen = xcalloc((size_t)max_person / 8 + 1, 1);
}

static inline void idset_take(struct idset *s, uint32_t p)
{
	uint8_t bit = (uint8_t)(1u << (p & 7));

	/* Every engine answers from the points read from the database. */
	assert(p <= s->max);
	if (s->seen[p / 8] & bit)
		return;
	s->seen[p / 8] |= bit;
	ALLOC_GROW(s->ids, s->n + 1, s->alloc);
	s->ids[s->n++] = p;
}

static void idset_clear(struct idset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		s->seen[s->ids[i] / 8] = 0;
	s->n = 0;
}

static void idset_release(struct idset *s)
{
	free(s->ids);
	free(s->seen);
	memset(s, 0, sizeof(*s));
}

/* --- the points, as stored ----------------------------------------------- */

struct points {
	size_t n, alloc;
	double *lat, *lon;
	uint32_t *person;
	uint32_t max_person;
	uint32_t *at;        /* by person: index + 1 of one of its points */
};

static void points_release(struct points *p)
{
	free(p->lat);
	free(p->lon);
	free(p->person);
	free(p->at);
	memset(p, 0, sizeof(*p));
}

/* Every presence with a point, exactly as the database holds it. */
static int points_load(struct points *p, struct store *st, struct strbuf *err)
{
	struct store_stmt *s;
	size_t alloc_lon = 0, alloc_person = 0, i;
	int rc;

	if (store_prepare(st, "SELECT person_id, lat, lon FROM presence "
			  "WHERE lat IS NOT NULL ORDER BY id", &s)) {
		strbuf_addf(err, "cannot read the points: %s", store_errmsg(st));
		return HW_EDB;
	}
	while ((rc = store_step(s)) == STORE_ROW) {
		int64_t id = store_col_int64(s, 0);

		if (id <= 0 || id > UINT32_MAX)
			continue;
		ALLOC_GROW(p->lat, p->n + 1, p->alloc);
		ALLOC_GROW(p->lon, p->n + 1, alloc_lon);
		ALLOC_GROW(p->person, p->n + 1, alloc_person);
		p->person[p->n] = (uint32_t)id;
		p->lat[p->n] = store_col_double(s, 1);
		p->lon[p->n] = store_col_double(s, 2);
		if ((uint32_t)id > p->max_person)
			p->max_person = (uint32_t)id;
		p->n++;
	}
	store_reset(s);
	if (rc < 0) {
		strbuf_addf(err, "cannot read the points: %s", store_errmsg(st));
		return HW_EDB;
	}
	p->at = xcalloc((size_t)p->max_person + 1, sizeof(*p->at));
	for (i = 0; i < p->n; i++)
		p->at[p->person[i]] = (uint32_t)i + 1;
	return HW_OK;
}

/* --- shapes for the baselines -------------------------------------------- */

/* Add the box [lat0, lat1] x [lon0, lon1], lon1 - lon0 < 360 allowed to
 * pass +-180, as one or two boxes within [-180, 180]. */
static void add_box(struct box **boxes, size_t *n, size_t *alloc,
		    double lat0, double lat1, double lon0, double lon1)
{
	lat0 = fmax(lat0 - BOX_MARGIN_DEG, -90);
	lat1 = fmin(lat1 + BOX_MARGIN_DEG, 90);
	lon0 -= BOX_MARGIN_DEG;
	lon1 += BOX_MARGIN_DEG;
	ALLOC_GROW(*boxes, *n + 2, *alloc);
	if (lon1 - lon0 >= 360) {
		(*boxes)[(*n)++] = (struct box){ lat0, lat1, -180, 180 };
		return;
	}
	while (lon0 < -180) {
		lon0 += 360;
		lon1 += 360;
	}
	while (lon0 >= 180) {
		lon0 -= 360;
		lon1 -= 360;
	}
	if (lon1 <= 180) {
		(*boxes)[(*n)++] = (struct box){ lat0, lat1, lon0, lon1 };
		return;
	}
	(*boxes)[(*n)++] = (struct box){ lat0, lat1, lon0, 180 };
	(*boxes)[(*n)++] = (struct box){ lat0, lat1, -180, lon1 - 360 };
}

static void set_outer(struct query *q, double lat0, double lat1, double lon0,
		      double lon1)
{
	struct box *b = NULL;
	size_t n = 0, alloc = 0;

	add_box(&b, &n, &alloc, lat0, lat1, lon0, lon1);
	memcpy(q->outer, b, n * sizeof(*b));
	q->nouter = n;
	free(b);
}

/* The box of a circle: the latitudes of the cap and, unless it holds a pole,
 * the widest longitude span on a sphere (asin(sin r / cos lat)). */
static void circle_box(double lat, double lon, double km, double *lat0,
		       double *lat1, double *lon0, double *lon1)
{
	double ang = km / GEO_EARTH_RADIUS_KM, d = ang / RAD;

	*lat0 = lat - d;
	*lat1 = lat + d;
	if (*lat0 <= -90 || *lat1 >= 90 || sin(ang) >= cos(lat * RAD)) {
		*lon0 = -180;
		*lon1 = 180 + 360;  /* the whole circle of longitudes */
		return;
	}
	d = asin(sin(ang) / cos(lat * RAD)) / RAD;
	*lon0 = lon - d;
	*lon1 = lon + d;
}

/* Is (lat, lon) in the query's area? The exact tests the engine defines:
 * great-circle distance for circles, polygons with edges straight in
 * lon/lat and their boundary inside. */
static bool area_has(const struct query *q, double lat, double lon)
{
	return geo_area_has(&q->area, lat, lon) ||
	       (q->country && geopoly_contains(q->country, lat, lon));
}

/* Even-odd test against one ring, to tell holes from outer rings. */
static bool ring_has(const struct geopoly_ring *r, double x, double y)
{
	bool in = false;
	size_t i;

	for (i = 0; i + 1 < r->n; i++) {
		double x0 = r->lonlat[2 * i], y0 = r->lonlat[2 * i + 1];
		double x1 = r->lonlat[2 * i + 2], y1 = r->lonlat[2 * i + 3];

		if ((y0 > y) != (y1 > y) &&
		    x < x0 + (y - y0) * (x1 - x0) / (y1 - y0))
			in = !in;
	}
	return in;
}

/* Is (x, y) on one of the ring's edges? */
static bool ring_touches(const struct geopoly_ring *r, double x, double y)
{
	size_t i;

	for (i = 0; i + 1 < r->n; i++) {
		double x0 = r->lonlat[2 * i], y0 = r->lonlat[2 * i + 1];
		double x1 = r->lonlat[2 * i + 2], y1 = r->lonlat[2 * i + 3];

		if ((x1 - x0) * (y - y0) == (y1 - y0) * (x - x0) &&
		    x >= fmin(x0, x1) && x <= fmax(x0, x1) &&
		    y >= fmin(y0, y1) && y <= fmax(y0, y1))
			return true;
	}
	return false;
}

/* Is ring `in` inside ring `out`? Rings of a shape do not cross, but they
 * may touch (an exclave meets the mainland at a vertex), so the answer
 * comes from the first vertex of `in` that does not lie on `out`. */
static bool ring_within(const struct geopoly_ring *in,
			const struct geopoly_ring *out)
{
	size_t k;

	for (k = 0; k + 1 < in->n; k++) {
		double x = in->lonlat[2 * k], y = in->lonlat[2 * k + 1];
		if (!ring_touches(out, x, y))
			return ring_has(out, x, y);
	}
	return false;
}

static bool box_within(const struct box *a, const struct box *b)
{
	return a->lat0 >= b->lat0 && a->lat1 <= b->lat1 && a->lon0 >= b->lon0 &&
	       a->lon1 <= b->lon1;
}

static void ring_bbox(const struct geopoly_ring *r, struct box *b)
{
	size_t i;

	b->lat0 = b->lon0 = HUGE_VAL;
	b->lat1 = b->lon1 = -HUGE_VAL;
	for (i = 0; i < r->n; i++) {
		b->lon0 = fmin(b->lon0, r->lonlat[2 * i]);
		b->lon1 = fmax(b->lon1, r->lonlat[2 * i]);
		b->lat0 = fmin(b->lat0, r->lonlat[2 * i + 1]);
		b->lat1 = fmax(b->lat1, r->lonlat[2 * i + 1]);
	}
}

static void wkt_ring(struct strbuf *sb, const struct geopoly_ring *r,
		     double shift)
{
	size_t i;

	strbuf_addch(sb, '(');
	for (i = 0; i < r->n; i++)
		strbuf_addf(sb, "%s%.17g %.17g", i ? "," : "",
			    r->lonlat[2 * i] + shift, r->lonlat[2 * i + 1]);
	strbuf_addch(sb, ')');
}

/*
 * Describe rings joined by even-odd (as geopoly and refgeo take them) the
 * way PostGIS wants them: a MULTIPOLYGON of outer rings with their holes,
 * once as given and once more 360 degrees away for each side of the
 * antimeridian the shape passes; and the R*Tree's boxes.
 */
static void describe_rings(struct query *q, const struct geopoly_ring *r,
			   size_t n)
{
	struct box *bb = xcalloc(n, sizeof(*bb));
	size_t *depth = xcalloc(n, sizeof(*depth));
	double minlon = HUGE_VAL, maxlon = -HUGE_VAL, shifts[MAX_PIECES];
	size_t i, j, k, nshift = 0;

	for (i = 0; i < n; i++) {
		ring_bbox(&r[i], &bb[i]);
		minlon = fmin(minlon, bb[i].lon0);
		maxlon = fmax(maxlon, bb[i].lon1);
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (j != i && box_within(&bb[i], &bb[j]) &&
			    ring_within(&r[i], &r[j]))
				depth[i]++;
	shifts[nshift++] = 0;
	if (maxlon > 180)
		shifts[nshift++] = -360;
	if (minlon < -180)
		shifts[nshift++] = 360;
	for (k = 0; k < nshift; k++) {
		struct strbuf *sb = &q->wkt[q->nwkt++];
		bool first = true;

		strbuf_addstr(sb, "MULTIPOLYGON(");
		for (i = 0; i < n; i++) {
			if (depth[i] % 2)
				continue;
			strbuf_addstr(sb, first ? "(" : ",(");
			first = false;
			wkt_ring(sb, &r[i], shifts[k]);
			/* Its holes: the rings one level deeper inside it. */
			for (j = 0; j < n; j++)
				if (depth[j] == depth[i] + 1 &&
				    box_within(&bb[j], &bb[i]) &&
				    ring_within(&r[j], &r[i])) {
					strbuf_addch(sb, ',');
					wkt_ring(sb, &r[j], shifts[k]);
				}
			strbuf_addch(sb, ')');
		}
		strbuf_addch(sb, ')');
	}
	/* Every point inside lies inside some ring: the boxes of the rings
	 * not boxed in by another's hold them all. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++)
			if (j != i && box_within(&bb[i], &bb[j]) &&
			    (!box_within(&bb[j], &bb[i]) || j < i))
				break;
		if (j == n)
			add_box(&q->boxes, &q->nboxes, &q->boxes_alloc,
				bb[i].lat0, bb[i].lat1, bb[i].lon0,
				bb[i].lon1);
	}
	free(bb);
	free(depth);
}

/* --- building the mix ---------------------------------------------------- */

struct cities {
	const struct refgeo_city **city;
	double *cum;          /* running total of population */
	size_t n;
};

static void cities_release(struct cities *c)
{
	free(c->city);
	free(c->cum);
	memset(c, 0, sizeof(*c));
}

/* Every city of every country, to draw from by population. */
static void cities_init(struct cities *c)
{
	size_t i, k, alloc = 0, alloc_cum = 0;
	double total = 0;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < refgeo_country_count(); i++) {
		const struct refgeo_city *list;
		size_t n = refgeo_cities(refgeo_country_at(i)->code, &list);

		for (k = 0; k < n; k++) {
			ALLOC_GROW(c->city, c->n + 1, alloc);
			ALLOC_GROW(c->cum, c->n + 1, alloc_cum);
			total += list[k].population;
			c->city[c->n] = &list[k];
			c->cum[c->n++] = total;
		}
	}
}

static const struct refgeo_city *cities_draw(const struct cities *c,
					     uint64_t *rng)
{
	double u = rng_unit(rng) * c->cum[c->n - 1];
	size_t lo = 0, hi = c->n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return c->city[lo];
}

static struct query *mix_add(struct mix *m, size_t kind)
{
	struct query *q;
	size_t i;

	ALLOC_GROW(m->q, m->n + 1, m->alloc);
	q = &m->q[m->n++];
	memset(q, 0, sizeof(*q));
	q->kind = kind;
	geoarea_init(&q->area);
	for (i = 0; i < MAX_PIECES; i++)
		strbuf_init(&q->wkt[i], 0);
	return q;
}

static void mix_release(struct mix *m)
{
	size_t i, k;

	for (i = 0; i < m->n; i++) {
		struct query *q = &m->q[i];
		geoarea_release(&q->area);
		geopoly_free(q->country);
		free(q->boxes);
		for (k = 0; k < MAX_PIECES; k++)
			strbuf_release(&q->wkt[k]);
	}
	free(m->q);
	memset(m, 0, sizeof(*m));
}

static int add_circle(struct query *q, const struct refgeo_city *c, double km,
		      struct strbuf *err)
{
	double lat0, lat1, lon0, lon1;

	snprintf(q->label, sizeof(q->label), "%s around %s (%s), %.6f,%.6f",
		 kinds[q->kind].name, c->name, c->country, c->lat, c->lon);
	if (geoarea_add_circle(&q->area, c->lat, c->lon, km, err))
		return HW_EINTERNAL;
	circle_box(c->lat, c->lon, km, &lat0, &lat1, &lon0, &lon1);
	add_box(&q->boxes, &q->nboxes, &q->boxes_alloc, lat0, lat1, lon0,
		lon1);
	set_outer(q, lat0, lat1, lon0, lon1);
	return HW_OK;
}

static int add_country(struct query *q, const char *code, struct strbuf *err)
{
	const struct refgeo_country *c = refgeo_country(code);
	struct geopoly_ring *rings = NULL;
	size_t n = refgeo_shape_rings(code, NULL, 0);
	int rc;

	snprintf(q->label, sizeof(q->label), "country %s (%s)", code,
		 c ? c->name : "?");
	if (!c || !n) {
		strbuf_addf(err, "country '%s' has no shape", code);
		return HW_EINTERNAL;
	}
	if (geoarea_add_country(&q->area, code, err))
		return HW_EINTERNAL;
	rings = xcalloc(n, sizeof(*rings));
	refgeo_shape_rings(code, rings, n);
	/* The same polygon the engine makes of a country. */
	rc = geopoly_build(rings, n, &q->country, err);
	if (!rc) {
		describe_rings(q, rings, n);
		set_outer(q, c->min_lat, c->max_lat, c->min_lon, c->max_lon);
	}
	free(rings);
	return rc ? HW_EINTERNAL : HW_OK;
}

/*
 * An irregular polygon around a city, 20 to 400 km across, with 8 to 24
 * vertices at increasing angles (so it never crosses itself), to six
 * decimals and within [-180, 180] as a CAP sender writes them.
 */
static size_t cap_ring(uint64_t *rng, const struct refgeo_city *c,
		       double *lonlat, double *across)
{
	size_t nv = 8 + (size_t)(rng_next(rng) % 17), k;
	double r = (20 + 380 * rng_unit(rng)) / 2, phase = 2 * M_PI * rng_unit(rng);
	double coslat = fmax(cos(c->lat * RAD), 0.01);

	*across = 2 * r;
	for (k = 0; k < nv; k++) {
		double th = phase + 2 * M_PI * (k + 0.7 * (rng_unit(rng) - 0.5)) / nv;
		double rk = r * (0.5 + 0.5 * rng_unit(rng));
		double lat = c->lat + rk * cos(th) / KM_PER_DEG;
		double lon = c->lon + rk * sin(th) / (KM_PER_DEG * coslat);
		int64_t mlon = llround(lon * 1e6);

		if (mlon > 180000000)
			mlon -= 360000000;
		if (mlon < -180000000)
			mlon += 360000000;
		lat = fmax(fmin(lat, 89.9), -89.9);
		lonlat[2 * k] = (double)mlon / 1e6;
		lonlat[2 * k + 1] = (double)llround(lat * 1e6) / 1e6;
	}
	lonlat[2 * nv] = lonlat[0];
	lonlat[2 * nv + 1] = lonlat[1];
	return nv + 1;
}

static int add_cap(struct query *q, uint64_t *rng, const struct refgeo_city *c,
		   size_t serial, struct strbuf *err)
{
	double lonlat[2 * 25], across, lat0, lon0, lat1, lon1;
	struct strbuf xml = STRBUF_INIT;
	struct geopoly_ring ring;
	size_t k;
	int rc = HW_OK;

	ring.lonlat = lonlat;
	ring.n = cap_ring(rng, c, lonlat, &across);
	snprintf(q->label, sizeof(q->label),
		 "cap polygon of %zu vertices, %.0f km across, around %s (%s)",
		 ring.n - 1, across, c->name, c->country);
	strbuf_addf(&xml,
		    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n"
		    "<identifier>homeward-bench-geo-%zu</identifier>\n"
		    "<sender>bench@homeward.invalid</sender>\n"
		    "<sent>2024-01-01T00:00:00+00:00</sent>\n"
		    "<status>Exercise</status><msgType>Alert</msgType>"
		    "<scope>Public</scope>\n"
		    "<info><category>Geo</category><event>Benchmark</event>"
		    "<urgency>Immediate</urgency><severity>Severe</severity>"
		    "<certainty>Observed</certainty>\n"
		    "<area><areaDesc>area %zu</areaDesc><polygon>",
		    serial, serial);
	for (k = 0; k < ring.n; k++)
		strbuf_addf(&xml, "%s%.6f,%.6f", k ? " " : "",
			    lonlat[2 * k + 1], lonlat[2 * k]);
	strbuf_addstr(&xml, "</polygon></area></info>\n</alert>\n");
	geoarea_unwrap(lonlat, ring.n);
	if (geoarea_parse_cap(&q->area, xml.buf, xml.len, err) ||
	    q->area.npolygons != 1) {
		if (!err->len)
			strbuf_addstr(err, "the CAP parser made no polygon");
		rc = HW_EINTERNAL;
		goto out;
	}
	describe_rings(q, &ring, 1);
	geopoly_bbox(q->area.polygons[0].poly, &lat0, &lon0, &lat1, &lon1);
	set_outer(q, lat0, lat1, lon0, lon1);
out:
	if (rc) {
		strbuf_addstr(err, "\nthe alert was:\n");
		strbuf_addbuf(err, &xml);
	}
	strbuf_release(&xml);
	return rc;
}

/* The whole mix, the same for the same `per_kind`. */
static int build_mix(struct mix *m, size_t per_kind, struct strbuf *err)
{
	struct cities cities;
	size_t k, i;
	int rc = HW_OK;

	cities_init(&cities);
	if (!cities.n) {
		strbuf_addstr(err, "the reference data has no cities");
		return HW_EINTERNAL;
	}
	for (k = 0; k < NKINDS && !rc; k++) {
		uint64_t rng = MIX_SEED + k;
		size_t n = per_kind;

		if (kinds[k].type == SHAPE_COUNTRY &&
		    n > ARRAY_SIZE(bench_countries))
			n = ARRAY_SIZE(bench_countries);
		for (i = 0; i < n && !rc; i++) {
			struct query *q = mix_add(m, k);

			switch (kinds[k].type) {
			case SHAPE_CIRCLE:
				rc = add_circle(q, cities_draw(&cities, &rng),
						kinds[k].km, err);
				break;
			case SHAPE_COUNTRY:
				/* Fewer than all: spread over the sizes. */
				rc = add_country(q, bench_countries[
					i * ARRAY_SIZE(bench_countries) / n], err);
				break;
			case SHAPE_CAP:
				rc = add_cap(q, &rng, cities_draw(&cities, &rng),
					     i + 1, err);
				break;
			}
		}
	}
	cities_release(&cities);
	return rc;
}

/* --- brute force --------------------------------------------------------- */

static bool in_boxes(const struct box *b, size_t n, double lat, double lon)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lat >= b[i].lat0 && lat <= b[i].lat1 && lon >= b[i].lon0 &&
		    lon <= b[i].lon1)
			return true;
	return false;
}

/* A share of the scan: points [lo, hi), hits listed (not yet unique). */
struct brute_part {
	const struct points *p;
	const struct query *q;
	size_t lo, hi;
	uint32_t *hits;
	size_t n, alloc;
};

static void *brute_scan(void *arg)
{
	struct brute_part *b = arg;
	const double *lat = b->p->lat, *lon = b->p->lon;
	size_t i;

	for (i = b->lo; i < b->hi; i++)
		if (in_boxes(b->q->outer, b->q->nouter, lat[i], lon[i]) &&
		    area_has(b->q, lat[i], lon[i])) {
			ALLOC_GROW(b->hits, b->n + 1, b->alloc);
			b->hits[b->n++] = b->p->person[i];
		}
	return NULL;
}

/*
 * One pass over every point, a box test and then the exact test, on two
 * threads as the engine uses both cores for large queries: this is the
 * memory-bandwidth baseline.
 */
static void brute_query(const struct points *p, const struct query *q,
			struct idset *out)
{
	struct brute_part part[2] = {
		{ p, q, 0, p->n / 2, NULL, 0, 0 },
		{ p, q, p->n / 2, p->n, NULL, 0, 0 },
	};
	pthread_t t;
	size_t i, k;

	if (pthread_create(&t, NULL, brute_scan, &part[1])) {
		brute_scan(&part[1]);
		brute_scan(&part[0]);
	} else {
		brute_scan(&part[0]);
		pthread_join(t, NULL);
	}
	for (k = 0; k < 2; k++) {
		for (i = 0; i < part[k].n; i++)
			idset_take(out, part[k].hits[i]);
		free(part[k].hits);
	}
}

/* --- SQLite R*Tree ------------------------------------------------------- */

struct rtree {
	sqlite3 *db;
	sqlite3_stmt *find;
	double build_s;
};

static int rtree_fail(struct rtree *rt, const char *what, struct strbuf *err)
{
	strbuf_addf(err, "R*Tree: cannot %s: %s", what,
		    rt->db ? sqlite3_errmsg(rt->db) : "out of memory");
	return HW_EDB;
}

/*
 * A bare R*Tree of every point, with the person and the exact coordinates
 * as auxiliary columns (the R*Tree's own boxes are 32-bit floats), in a
 * scratch database with a page cache that holds all of it.
 */
static int rtree_build(struct rtree *rt, const char *path,
		       const struct points *p, struct strbuf *err)
{
	sqlite3_stmt *ins = NULL;
	struct strbuf sql = STRBUF_INIT;
	double t0 = time_mono();
	size_t i;
	int rc = HW_OK;

	if (sqlite3_open(path, &rt->db) != SQLITE_OK)
		return rtree_fail(rt, "open its database", err);
	strbuf_addf(&sql, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
		    "PRAGMA cache_size=-%zu;"
		    "CREATE VIRTUAL TABLE pts USING rtree(id, minlat, maxlat, "
		    "minlon, maxlon, +person INTEGER, +lat REAL, +lon REAL);"
		    "BEGIN;", (size_t)256 * 1024 + p->n / 8);
	if (sqlite3_exec(rt->db, sql.buf, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(rt->db, "INSERT INTO pts VALUES "
			       "(?1, ?2, ?2, ?3, ?3, ?4, ?2, ?3)", -1, &ins,
			       NULL) != SQLITE_OK) {
		rc = rtree_fail(rt, "create its table", err);
		goto out;
	}
	for (i = 0; i < p->n; i++) {
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_double(ins, 2, p->lat[i]);
		sqlite3_bind_double(ins, 3, p->lon[i]);
		sqlite3_bind_int64(ins, 4, p->person[i]);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = rtree_fail(rt, "insert", err);
			goto out;
		}
		sqlite3_reset(ins);
	}
	if (sqlite3_exec(rt->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(rt->db, "SELECT person, lat, lon FROM pts "
			       "WHERE minlat <= ?2 AND maxlat >= ?1 AND "
			       "minlon <= ?4 AND maxlon >= ?3", -1, &rt->find,
			       NULL) != SQLITE_OK) {
		rc = rtree_fail(rt, "commit", err);
		goto out;
	}
	rt->build_s = time_mono() - t0;
out:
	sqlite3_finalize(ins);
	strbuf_release(&sql);
	return rc;
}

static void rtree_release(struct rtree *rt)
{
	sqlite3_finalize(rt->find);
	sqlite3_close(rt->db);
	memset(rt, 0, sizeof(*rt));
}

/* Candidates by box from the index, then the exact test on each. */
static int rtree_query(struct rtree *rt, const struct query *q,
		       struct idset *out, struct strbuf *err)
{
	size_t i;
	int rc;

	for (i = 0; i < q->nboxes; i++) {
		const struct box *b = &q->boxes[i];

		sqlite3_bind_double(rt->find, 1, b->lat0);
		sqlite3_bind_double(rt->find, 2, b->lat1);
		sqlite3_bind_double(rt->find, 3, b->lon0);
		sqlite3_bind_double(rt->find, 4, b->lon1);
		while ((rc = sqlite3_step(rt->find)) == SQLITE_ROW) {
			double lat = sqlite3_column_double(rt->find, 1);
			double lon = sqlite3_column_double(rt->find, 2);

			if (area_has(q, lat, lon))
				idset_take(out, (uint32_t)sqlite3_column_int64(
							rt->find, 0));
		}
		sqlite3_reset(rt->find);
		if (rc != SQLITE_DONE)
			return rtree_fail(rt, "query", err);
	}
	return HW_OK;
}

/* --- PostGIS ------------------------------------------------------------- */

struct pg {
	bool available;
	char *bindir;
	char *root;             /* scratch directory: data, socket, logs */
	pid_t server;           /* the postmaster, our child, or 0 */
	int port;
	bool drop;              /* run the server as postgres (we are root) */
	uid_t uid;
	gid_t gid;
	PGconn *conn;
	double metres_per_km;   /* the same angle on PostGIS's sphere */
	double sphere_m;        /* PostGIS's radius for use_spheroid = false */
	double load_s;
};

static bool file_exists(const char *dir, const char *name)
{
	struct strbuf p = STRBUF_INIT;
	bool ok;

	strbuf_addf(&p, "%s/%s", dir, name);
	ok = access(p.buf, F_OK) == 0;
	strbuf_release(&p);
	return ok;
}

static bool postgis_installed(const char *sharedir)
{
	struct strbuf p = STRBUF_INIT;
	bool ok;

	strbuf_addf(&p, "%s/extension", sharedir);
	ok = file_exists(p.buf, "postgis.control");
	strbuf_release(&p);
	return ok;
}

/* apt-get install `pkg`, as root only; false with the reason in `why`. */
static bool pg_install(const char *pkg, const char *sharedir, bool quiet,
		       struct strbuf *why)
{
	char *apt[] = { (char *)"apt-get", (char *)"install", (char *)"-y",
			(char *)"-q", (char *)pkg, NULL };
	struct child c = { .out_fd = -1 };
	int st;

	if (geteuid() != 0) {
		strbuf_addf(why, "PostGIS is not installed, and only root can "
			    "install it (apt-get install %s)", pkg);
		return false;
	}
	if (!quiet)
		fprintf(stderr, "installing %s...\n", pkg);
	c.out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	st = run_child(apt, &c);
	if (c.out_fd >= 0)
		close(c.out_fd);
	if (st != 0) {
		strbuf_addf(why, "'apt-get install -y -q %s' failed (exit status "
			    "%d)", pkg, st);
		return false;
	}
	if (!postgis_installed(sharedir)) {
		strbuf_addf(why, "%s is installed but its extension is not in "
			    "'%s/extension'", pkg, sharedir);
		return false;
	}
	return true;
}

/*
 * Find the server's programs (pg_config, from libpq's development files,
 * knows where) and PostGIS; install PostGIS if it is missing and we are
 * root. False, with the reason in `why`, if PostGIS cannot be had.
 */
static bool pg_find(struct pg *pg, bool quiet, struct strbuf *why)
{
	char *bin_argv[] = { (char *)"pg_config", (char *)"--bindir", NULL };
	char *share_argv[] = { (char *)"pg_config", (char *)"--sharedir", NULL };
	char *ver_argv[] = { (char *)"pg_config", (char *)"--version", NULL };
	struct strbuf bindir = STRBUF_INIT, share = STRBUF_INIT;
	struct strbuf ver = STRBUF_INIT, pkg = STRBUF_INIT;
	bool ok = false;
	int major = 0;

	if (run_capture(bin_argv, &bindir) || run_capture(share_argv, &share) ||
	    run_capture(ver_argv, &ver) ||
	    sscanf(ver.buf, "PostgreSQL %d", &major) != 1) {
		strbuf_addstr(why, "pg_config (Debian package libpq-dev) is "
			      "missing");
		goto out;
	}
	strbuf_addf(&pkg, "postgresql-%d-postgis-3", major);
	if (!postgis_installed(share.buf) &&
	    !pg_install(pkg.buf, share.buf, quiet, why))
		goto out;
	if (!file_exists(bindir.buf, "initdb") ||
	    !file_exists(bindir.buf, "postgres")) {
		strbuf_addf(why, "the PostgreSQL server programs are not in '%s'",
			    bindir.buf);
		goto out;
	}
	pg->bindir = strbuf_detach(&bindir, NULL);
	ok = true;
out:
	strbuf_release(&bindir);
	strbuf_release(&share);
	strbuf_release(&ver);
	strbuf_release(&pkg);
	return ok;
}

/* Run one of the server's programs as the server's user, output to `log`. */
static int pg_run(struct pg *pg, char *const argv[], const char *log)
{
	struct child c = { -1, pg->root, pg->drop, pg->uid, pg->gid, 0 };
	int st;

	c.out_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	st = run_child(argv, &c);
	if (c.out_fd >= 0)
		close(c.out_fd);
	return st;
}

/* The last lines of a log, for a message. */
static void add_log_tail(struct strbuf *err, const char *path)
{
	char buf[1024];
	ssize_t n;
	off_t end;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	end = lseek(fd, 0, SEEK_END);
	lseek(fd, end > (off_t)sizeof(buf) - 1 ? end - (off_t)sizeof(buf) + 1 : 0,
	      SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		strbuf_addf(err, "\n--- %s ---\n", path);
		strbuf_add(err, buf, (size_t)n);
	}
}

static int pg_exec(struct pg *pg, const char *sql, struct strbuf *err)
{
	PGresult *res = PQexec(pg->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	int rc = HW_OK;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		strbuf_addf(err, "PostGIS: '%.60s': %s", sql,
			    PQerrorMessage(pg->conn));
		strbuf_rtrim(err);
		rc = HW_EDB;
	}
	PQclear(res);
	return rc;
}

/* The path of one of the server's programs. */
static void pg_program(const struct pg *pg, const char *name,
		       struct strbuf *path)
{
	strbuf_reset(path);
	strbuf_addf(path, "%s/%s", pg->bindir, name);
}

/* A scratch directory owned by the server's user: the postgres user when
 * we are root (PostgreSQL refuses to run as root), else ourselves. */
static int pg_make_root(struct pg *pg, struct strbuf *err)
{
	char tmpl[] = "/tmp/homeward-pg-XXXXXX";

	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("postgres");
		if (!pw) {
			strbuf_addstr(err, "PostGIS: there is no user 'postgres' "
				      "to run the server as");
			return HW_EIO;
		}
		pg->drop = true;
		pg->uid = pw->pw_uid;
		pg->gid = pw->pw_gid;
	}
	if (!mkdtemp(tmpl)) {
		strbuf_addf(err, "PostGIS: cannot make a scratch directory: %s",
			    strerror(errno));
		return HW_EIO;
	}
	pg->root = xstrdup(tmpl);
	if (pg->drop && chown(pg->root, pg->uid, pg->gid)) {
		strbuf_addf(err, "PostGIS: cannot give '%s' to postgres: %s",
			    pg->root, strerror(errno));
		return HW_EIO;
	}
	return HW_OK;
}

static int pg_initdb(struct pg *pg, struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT, data = STRBUF_INIT, log = STRBUF_INIT;
	char *argv[] = { NULL, (char *)"-D", NULL, (char *)"-A", (char *)"trust",
			 (char *)"-U", (char *)"postgres", (char *)"-E",
			 (char *)"UTF8", (char *)"--no-locale", NULL };
	int rc = HW_OK;

	pg_program(pg, "initdb", &path);
	strbuf_addf(&data, "%s/data", pg->root);
	strbuf_addf(&log, "%s/tools.log", pg->root);
	argv[0] = path.buf;
	argv[2] = data.buf;
	if (pg_run(pg, argv, log.buf) != 0) {
		strbuf_addstr(err, "PostGIS: initdb failed");
		add_log_tail(err, log.buf);
		rc = HW_EIO;
	}
	strbuf_release(&path);
	strbuf_release(&data);
	strbuf_release(&log);
	return rc;
}

/*
 * Wait until the server answers on its port: HW_OK; HW_EIO if it exited
 * (the port was taken, say) or did not answer within two minutes.
 */
static int pg_wait_ready(struct pg *pg, const char *conninfo)
{
	struct timespec nap = { 0, 50 * 1000 * 1000 };
	double until = time_mono() + 120;
	int status;

	while (time_mono() < until) {
		if (waitpid(pg->server, &status, WNOHANG) == pg->server) {
			pg->server = 0;
			return HW_EIO;
		}
		if (PQping(conninfo) == PQPING_OK)
			return HW_OK;
		nanosleep(&nap, NULL);
	}
	return HW_EIO;
}

/* Settings for a machine given to the benchmark: no JIT (it costs more
 * than it saves on queries of milliseconds), no autovacuum running behind
 * the timings, and no durability for a cluster thrown away. */
static const char *const pg_settings[] = {
	"listen_addresses=127.0.0.1", "jit=off", "autovacuum=off",
	"fsync=off", "synchronous_commit=off", "full_page_writes=off",
	"max_wal_size=8GB", "maintenance_work_mem=1GB", "work_mem=64MB",
};

/*
 * Start the server as our own child, so that it dies with us whatever
 * happens (a parent-death signal), on a free loopback port, its socket in
 * the scratch directory, with shared buffers that hold the data.
 */
static int pg_launch(struct pg *pg, size_t points, struct strbuf *err)
{
	struct strbuf path = STRBUF_INIT, data = STRBUF_INIT, slog = STRBUF_INIT;
	struct strbuf port = STRBUF_INIT, buffers = STRBUF_INIT;
	struct strbuf conninfo = STRBUF_INIT;
	struct child c = { -1, pg->root, pg->drop, pg->uid, pg->gid, SIGQUIT };
	char *argv[10 + 2 * ARRAY_SIZE(pg_settings)];
	size_t buffers_mb = points / 2500, i;   /* about 400 bytes a point */
	int rc = HW_EIO, tries, k = 0;

	if (buffers_mb < 128)
		buffers_mb = 128;
	if (buffers_mb > 6144)
		buffers_mb = 6144;
	pg_program(pg, "postgres", &path);
	strbuf_addf(&data, "%s/data", pg->root);
	strbuf_addf(&slog, "%s/server.log", pg->root);
	strbuf_addf(&buffers, "shared_buffers=%zuMB", buffers_mb);
	argv[k++] = path.buf;
	argv[k++] = (char *)"-D";
	argv[k++] = data.buf;
	argv[k++] = (char *)"-k";
	argv[k++] = pg->root;
	argv[k++] = (char *)"-c";
	argv[k++] = buffers.buf;
	for (i = 0; i < ARRAY_SIZE(pg_settings); i++) {
		argv[k++] = (char *)"-c";
		argv[k++] = (char *)pg_settings[i];
	}
	argv[k++] = (char *)"-p";
	argv[k + 1] = NULL;
	c.out_fd = open(slog.buf, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			0644);
	/* A port found free may be taken before the server binds it. */
	for (tries = 0; tries < 3 && rc; tries++) {
		pg->port = (int)bench_free_port();
		if (pg->port <= 0)
			continue;
		strbuf_reset(&port);
		strbuf_addf(&port, "%d", pg->port);
		argv[k] = port.buf;
		strbuf_reset(&conninfo);
		strbuf_addf(&conninfo, "host=127.0.0.1 port=%d user=postgres "
			    "dbname=postgres connect_timeout=10", pg->port);
		pg->server = spawn_child(argv, &c);
		if (pg->server < 0) {
			pg->server = 0;
			break;
		}
		rc = pg_wait_ready(pg, conninfo.buf);
	}
	if (c.out_fd >= 0)
		close(c.out_fd);
	if (rc) {
		strbuf_addstr(err, "PostGIS: the server did not start");
		add_log_tail(err, slog.buf);
	}
	strbuf_release(&path);
	strbuf_release(&data);
	strbuf_release(&slog);
	strbuf_release(&port);
	strbuf_release(&buffers);
	strbuf_release(&conninfo);
	return rc;
}

static int pg_connect(struct pg *pg, struct strbuf *err)
{
	struct strbuf conninfo = STRBUF_INIT;

	strbuf_addf(&conninfo, "host=127.0.0.1 port=%d user=postgres "
		    "dbname=postgres connect_timeout=30", pg->port);
	pg->conn = PQconnectdb(conninfo.buf);
	strbuf_release(&conninfo);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		strbuf_addf(err, "PostGIS: cannot connect to 127.0.0.1:%d: %s",
			    pg->port, PQerrorMessage(pg->conn));
		strbuf_rtrim(err);
		return HW_EDB;
	}
	return pg_exec(pg, "SET client_min_messages = warning; "
		       "CREATE EXTENSION postgis", err);
}

/* A scratch cluster, running, connected, with PostGIS in its database. */
static int pg_start(struct pg *pg, size_t points, struct strbuf *err)
{
	int rc = pg_make_root(pg, err);

	if (!rc)
		rc = pg_initdb(pg, err);
	if (!rc)
		rc = pg_launch(pg, points, err);
	if (!rc)
		rc = pg_connect(pg, err);
	return rc;
}

/* Stop the server and wait for it: a fast shutdown, then an immediate one
 * if that takes more than a minute. */
static void pg_stop_server(struct pg *pg)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGKILL };
	struct timespec nap = { 0, 50 * 1000 * 1000 };
	size_t i;
	int status;

	for (i = 0; i < ARRAY_SIZE(sigs) && pg->server > 0; i++) {
		double until = time_mono() + 60;

		kill(pg->server, sigs[i]);
		while (time_mono() < until) {
			pid_t w = waitpid(pg->server, &status, WNOHANG);
			if (w == pg->server || (w < 0 && errno != EINTR)) {
				pg->server = 0;
				break;
			}
			nanosleep(&nap, NULL);
		}
	}
}

/* Disconnect, stop the server, remove its directory. Safe at any stage,
 * and idempotent. */
static void pg_stop(struct pg *pg)
{
	if (pg->conn)
		PQfinish(pg->conn);
	pg->conn = NULL;
	pg_stop_server(pg);
	bench_remove_tree(pg->root);
	free(pg->root);
	pg->root = NULL;
	free(pg->bindir);
	pg->bindir = NULL;
}

/* A query returning one number. */
static int pg_number(struct pg *pg, const char *sql, double *out,
		     struct strbuf *err)
{
	PGresult *res = PQexec(pg->conn, sql);
	int rc = HW_OK;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		strbuf_addf(err, "PostGIS: '%.60s': %s", sql,
			    PQerrorMessage(pg->conn));
		strbuf_rtrim(err);
		rc = HW_EDB;
	} else {
		*out = strtod(PQgetvalue(res, 0, 0), NULL);
	}
	PQclear(res);
	return rc;
}

/*
 * The points as geography (circles on the sphere) with a GiST index, and
 * the same points as geometry through an expression index (polygons with
 * edges straight in lon/lat are geometry questions), loaded with COPY.
 */
static int pg_load(struct pg *pg, const struct points *p, struct strbuf *err)
{
	struct strbuf buf = STRBUF_INIT;
	double t0 = time_mono(), one_degree;
	PGresult *res;
	size_t i;
	int rc;

	rc = pg_exec(pg, "CREATE TABLE pts (person int4 NOT NULL, "
		     "g geography(Point, 4326) NOT NULL)", err);
	if (rc)
		goto out;
	res = PQexec(pg->conn, "COPY pts (person, g) FROM STDIN");
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		PQclear(res);
		strbuf_addf(err, "PostGIS: COPY: %s", PQerrorMessage(pg->conn));
		rc = HW_EDB;
		goto out;
	}
	PQclear(res);
	for (i = 0; i < p->n; i++) {
		/* %.17g: the text reads back as the very same double. */
		strbuf_addf(&buf, "%" PRIu32 "\tSRID=4326;POINT(%.17g %.17g)\n",
			    p->person[i], p->lon[i], p->lat[i]);
		if (buf.len >= (1u << 20) || i + 1 == p->n) {
			if (PQputCopyData(pg->conn, buf.buf, (int)buf.len) != 1)
				break;
			strbuf_reset(&buf);
		}
	}
	if (PQputCopyEnd(pg->conn, NULL) != 1) {
		strbuf_addf(err, "PostGIS: COPY: %s", PQerrorMessage(pg->conn));
		rc = HW_EDB;
		goto out;
	}
	res = PQgetResult(pg->conn);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		strbuf_addf(err, "PostGIS: COPY: %s", PQerrorMessage(pg->conn));
		rc = HW_EDB;
	}
	PQclear(res);
	while ((res = PQgetResult(pg->conn)))
		PQclear(res);
	if (rc)
		goto out;
	rc = pg_exec(pg, "CREATE INDEX pts_g ON pts USING gist (g); "
		     "CREATE INDEX pts_gm ON pts USING gist ((g::geometry))", err);
	if (!rc)
		rc = pg_exec(pg, "VACUUM ANALYZE pts", err);
	if (rc)
		goto out;
	/* Warm, as the other engines are: pg_prewarm is in contrib and
	 * optional; a failure only means a colder start. */
	if (pg_exec(pg, "CREATE EXTENSION pg_prewarm; "
		    "SELECT pg_prewarm('pts'), pg_prewarm('pts_g'), "
		    "pg_prewarm('pts_gm')", err))
		strbuf_reset(err);
	pg->load_s = time_mono() - t0;
	/*
	 * PostGIS's sphere for use_spheroid = false is the mean radius of
	 * WGS 84, (2a + b) / 3 = 6371008.7714 m, not the 6371008.8 m of
	 * Homeward's definition: circles are passed to it as the same central
	 * angle, so that both ask the same question.
	 */
	rc = pg_number(pg, "SELECT ST_Distance('SRID=4326;POINT(0 0)'::geography, "
		       "'SRID=4326;POINT(0 1)'::geography, false)", &one_degree,
		       err);
	if (rc)
		goto out;
	pg->sphere_m = one_degree / RAD;
	pg->metres_per_km = pg->sphere_m / GEO_EARTH_RADIUS_KM;
out:
	strbuf_release(&buf);
	return rc;
}

/* The persons, each once, as a PostGIS user would ask for them. */
static int pg_query(struct pg *pg, const struct query *q, struct idset *out,
		    struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	char num[3][32];
	const char *values[MAX_PIECES + 3];
	PGresult *res;
	int nvalues = 0, i, n, rc = HW_OK;

	strbuf_addstr(&sql, "SELECT DISTINCT person FROM pts WHERE ");
	if (q->area.ncircles) {
		const struct geo_circle *c = &q->area.circles[0];

		snprintf(num[0], sizeof(num[0]), "%.17g", c->lon);
		snprintf(num[1], sizeof(num[1]), "%.17g", c->lat);
		snprintf(num[2], sizeof(num[2]), "%.17g",
			 c->radius_km * pg->metres_per_km);
		for (i = 0; i < 3; i++)
			values[nvalues++] = num[i];
		strbuf_addstr(&sql, "ST_DWithin(g, ST_MakePoint($1, $2)::geography, "
			      "$3, false)");
	} else {
		for (i = 0; i < (int)q->nwkt; i++) {
			values[nvalues++] = q->wkt[i].buf;
			strbuf_addf(&sql, "%sST_Covers(ST_GeomFromText($%d, 4326), "
				    "g::geometry)", i ? " OR " : "", i + 1);
		}
	}
	res = PQexecParams(pg->conn, sql.buf, nvalues, NULL, values, NULL, NULL,
			   1);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		strbuf_addf(err, "PostGIS: %s: %s", q->label,
			    PQerrorMessage(pg->conn));
		strbuf_rtrim(err);
		rc = HW_EDB;
		goto out;
	}
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		uint32_t v;

		if (PQgetlength(res, i, 0) != 4) {
			strbuf_addstr(err, "PostGIS: unexpected result format");
			rc = HW_EDB;
			goto out;
		}
		memcpy(&v, PQgetvalue(res, i, 0), 4);
		idset_take(out, ntohl(v));
	}
out:
	PQclear(res);
	strbuf_release(&sql);
	return rc;
}

/* --- running and checking ------------------------------------------------ */

static void print_point(const struct points *p, const struct query *q,
			uint32_t person)
{
	uint32_t at = person <= p->max_person ? p->at[person] : 0;
	double lat, lon;

	if (!at) {
		fprintf(stderr, "    person %" PRIu32 ": not among the points\n",
			person);
		return;
	}
	lat = p->lat[at - 1];
	lon = p->lon[at - 1];
	fprintf(stderr, "    person %" PRIu32 " at %.6f,%.6f", person, lat, lon);
	if (q->area.ncircles) {
		const struct geo_circle *c = &q->area.circles[0];
		fprintf(stderr, ", %.9f km from the centre (radius %g km, "
			"%+.3g m)", geo_distance_km(c->lat, c->lon, lat, lon),
			c->radius_km,
			(geo_distance_km(c->lat, c->lon, lat, lon) -
			 c->radius_km) * 1000);
	}
	fputc('\n', stderr);
}

/* Up to `max` persons of a[] that are not in b[] (both sorted). */
static void print_missing(const struct points *p, const struct query *q,
			  const uint32_t *a, size_t na, const uint32_t *b,
			  size_t nb, size_t max)
{
	size_t i = 0, j = 0, shown = 0;

	while (i < na && shown < max) {
		if (j < nb && b[j] < a[i]) {
			j++;
		} else if (j < nb && b[j] == a[i]) {
			i++;
			j++;
		} else {
			print_point(p, q, a[i++]);
			shown++;
		}
	}
}

/* Sort the engine's answer and compare it with Homeward's (sorted). */
static int verify(const struct points *p, const struct query *q,
		  enum engine e, const uint32_t *want, size_t nwant,
		  struct idset *got)
{
	if (got->n)
		qsort(got->ids, got->n, sizeof(*got->ids), cmp_u32);
	if (got->n == nwant &&
	    (!nwant || !memcmp(got->ids, want, nwant * sizeof(*want))))
		return HW_OK;
	cli_error(CMD, "%s and Homeward disagree on %s: %zu persons against "
		  "%zu", engine_title[e], q->label, got->n, nwant);
	fprintf(stderr, "  only in Homeward's answer:\n");
	print_missing(p, q, want, nwant, got->ids, got->n, 5);
	fprintf(stderr, "  only in %s's answer:\n", engine_title[e]);
	print_missing(p, q, got->ids, got->n, want, nwant, 5);
	return HW_EINTERNAL;
}

struct engines {
	struct geo *geo;
	const struct points *points;
	struct rtree *rtree;
	struct pg *pg;          /* NULL when PostGIS is skipped */
};

/* One query on every engine, each checked against Homeward. */
static int run_query(struct engines *en, struct query *q,
		     struct geo_result *hw, uint32_t **want, size_t *want_alloc,
		     struct idset *got, struct strbuf *err)
{
	struct geo_filter f = { .on = GEO_ANY_DAY };
	double t0;
	int e, rc;

	hw->n = 0;
	t0 = time_mono();
	rc = geo_query(en->geo, &q->area, &f, hw, err);
	q->secs[E_HOMEWARD] = time_mono() - t0;
	if (rc)
		return rc;
	q->persons = hw->n;
	ALLOC_GROW(*want, hw->n + 1, *want_alloc);
	if (hw->n) {
		memcpy(*want, hw->persons, hw->n * sizeof(**want));
		qsort(*want, hw->n, sizeof(**want), cmp_u32);
	}

	for (e = E_BRUTE; e < NENGINES; e++) {
		if (e == E_POSTGIS && !en->pg)
			continue;
		idset_clear(got);
		t0 = time_mono();
		switch (e) {
		case E_BRUTE:
			brute_query(en->points, q, got);
			break;
		case E_RTREE:
			rc = rtree_query(en->rtree, q, got, err);
			break;
		case E_POSTGIS:
			rc = pg_query(en->pg, q, got, err);
			break;
		}
		q->secs[e] = time_mono() - t0;
		if (rc)
			return rc;
		rc = verify(en->points, q, (enum engine)e, *want, hw->n, got);
		if (rc)
			return rc;
	}
	return HW_OK;
}

static int run_mix(struct engines *en, struct mix *m, bool json,
		   struct strbuf *err)
{
	struct geo_result hw = { 0 };
	struct idset got;
	struct progress pr;
	uint32_t *want = NULL;
	size_t want_alloc = 0, i;
	int rc = HW_OK;

	idset_init(&got, en->points->max_person);
	/* The engine makes a country's polygon on first use and keeps it, as
	 * a server would have long since done: make them before timing. */
	for (i = 0; i < m->n && !rc; i++)
		if (m->q[i].area.ncountries) {
			struct geo_filter f = { .on = GEO_ANY_DAY };
			uint64_t count;
			rc = geo_count(en->geo, &m->q[i].area, &f, &count, err);
		}
	if (!json)
		progress_start(&pr, "queries", m->n);
	for (i = 0; i < m->n && !rc; i++) {
		rc = run_query(en, &m->q[i], &hw, &want, &want_alloc, &got, err);
		if (!rc)
			rc = check_interrupt();
		if (!json)
			progress_update(&pr, i + 1, i + 1);
	}
	if (!json)
		progress_done(&pr, i, i);
	geo_result_release(&hw);
	idset_release(&got);
	free(want);
	return rc;
}

/* --- the report ---------------------------------------------------------- */

struct summary {
	double median_ms[NKINDS][NENGINES];
	double persons[NKINDS];        /* median answer size */
	size_t count[NKINDS];
	double total[NENGINES];
};

static void summarise(const struct mix *m, struct summary *s)
{
	double *v = xcalloc(m->n + 1, sizeof(*v));
	size_t k, i, n;
	int e;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < m->n; i++)
		for (e = 0; e < NENGINES; e++)
			s->total[e] += m->q[i].secs[e];
	for (k = 0; k < NKINDS; k++) {
		for (e = 0; e < NENGINES; e++) {
			for (i = n = 0; i < m->n; i++)
				if (m->q[i].kind == k)
					v[n++] = m->q[i].secs[e] * 1e3;
			s->median_ms[k][e] = median(v, n);
			s->count[k] = n;
		}
		for (i = n = 0; i < m->n; i++)
			if (m->q[i].kind == k)
				v[n++] = (double)m->q[i].persons;
		s->persons[k] = median(v, n);
	}
	free(v);
}

struct run_info {
	size_t points;
	double load_s, build_s, bytes_per_point;
	double rtree_build_s;
	const struct pg *pg;   /* NULL when skipped */
	/* Everyone at once, against copying as many ids. */
	size_t all_persons;
	double all_ms, copy_ms;
	/* Updates: adds, moves and removes, merges included. */
	size_t updates;
	double updates_per_s;
};

/*
 * The whole registry as one answer (the whole world), best of five,
 * against the time to copy that many ids from one array to another: the
 * floor any engine that returns ids must pay.
 */
static void measure_all(struct geo *g, struct run_info *ri)
{
	struct geo_filter any = { .on = GEO_ANY_DAY };
	struct geo_result r = { 0 };
	uint32_t *copy;
	volatile uint32_t sink = 0;
	double best = HUGE_VAL, best_copy = HUGE_VAL, t;
	int k;

	for (k = 0; k < 5; k++) {
		r.n = 0;
		t = time_mono();
		geo_query(g, NULL, &any, &r, NULL);
		t = time_mono() - t;
		best = t < best ? t : best;
	}
	copy = xmalloc((r.n ? r.n : 1) * sizeof(*copy));
	for (k = 0; k < 5; k++) {
		t = time_mono();
		memcpy(copy, r.persons, r.n * sizeof(*copy));
		sink += r.n ? copy[r.n - 1 - (size_t)k % r.n] : 0;
		t = time_mono() - t;
		best_copy = t < best_copy ? t : best_copy;
	}
	(void)sink;
	ri->all_persons = r.n;
	ri->all_ms = best * 1e3;
	ri->copy_ms = best_copy * 1e3;
	free(copy);
	geo_result_release(&r);
}

/*
 * Update throughput: n new presences added, each moved, each removed,
 * with the side buffer merges they cause. Leaves the index as it was.
 */
static void measure_updates(struct geo *g, size_t n, struct run_info *ri)
{
	struct geo_presence *p = xcalloc(n ? n : 1, sizeof(*p));
	uint64_t rng = 20261127;
	size_t i;
	double t;

	for (i = 0; i < n; i++) {
		/* Presences of existing persons (new ids would grow the
		 * person arrays); the queries have all run by now. */
		p[i].person = (uint32_t)(i % (ri->points ? ri->points : 1)) + 1;
		p[i].lat = round((rng_unit(&rng) * 140 - 70) * 1e6) / 1e6;
		p[i].lon = round((rng_unit(&rng) * 360 - 180) * 1e6) / 1e6;
		p[i].arrival = GEO_OPEN_START;
		p[i].departure = GEO_OPEN_END;
	}
	t = time_mono();
	for (i = 0; i < n; i++)
		geo_add(g, &p[i]);
	for (i = 0; i < n; i++) {
		struct geo_presence to = p[i];
		to.lat = round((to.lat > 0 ? to.lat - 1 : to.lat + 1) * 1e6) / 1e6;
		if (!geo_move(g, &p[i], &to))
			p[i] = to;
	}
	for (i = 0; i < n; i++)
		geo_remove(g, &p[i]);
	t = time_mono() - t;
	ri->updates = 3 * n;
	ri->updates_per_s = t > 0 ? (double)(3 * n) / t : 0;
	free(p);
}

static void json_value(struct strbuf *sb, bool have, double v, const char *fmt)
{
	if (have)
		strbuf_addf(sb, fmt, v);
	else
		strbuf_addstr(sb, "null");
}

static void print_json(const struct run_info *ri, const struct mix *m,
		       const struct summary *s)
{
	struct strbuf sb = STRBUF_INIT;
	bool pg = ri->pg != NULL;
	double hw = s->total[E_HOMEWARD] > 0 ? s->total[E_HOMEWARD] : 1e-9;
	size_t k;
	int e;

	strbuf_addf(&sb, "{\"points\":%zu,\"queries\":%zu,\"load_s\":%.3f,"
		    "\"build_s\":%.3f,\"bytes_per_point\":%.2f,"
		    "\"rtree_build_s\":%.3f,\"postgis_load_s\":",
		    ri->points, m->n, ri->load_s, ri->build_s,
		    ri->bytes_per_point, ri->rtree_build_s);
	json_value(&sb, pg, pg ? ri->pg->load_s : 0, "%.3f");
	strbuf_addf(&sb, ",\"speedup_vs_bruteforce\":%.1f,"
		    "\"speedup_vs_rtree\":%.1f,\"speedup_vs_postgis\":",
		    s->total[E_BRUTE] / hw, s->total[E_RTREE] / hw);
	json_value(&sb, pg, s->total[E_POSTGIS] / hw, "%.1f");
	strbuf_addstr(&sb, ",\"total_s\":{");
	for (e = 0; e < NENGINES; e++) {
		strbuf_addf(&sb, "%s\"%s\":", e ? "," : "", engine_key[e]);
		json_value(&sb, e != E_POSTGIS || pg, s->total[e], "%.4f");
	}
	strbuf_addstr(&sb, "},\"median_ms\":{");
	for (k = 0; k < NKINDS; k++) {
		strbuf_addf(&sb, "%s\"%s\":{\"queries\":%zu,\"persons\":%.0f",
			    k ? "," : "", kinds[k].name, s->count[k],
			    s->persons[k]);
		for (e = 0; e < NENGINES; e++) {
			strbuf_addf(&sb, ",\"%s\":", engine_key[e]);
			json_value(&sb, e != E_POSTGIS || pg, s->median_ms[k][e],
				   "%.4f");
		}
		strbuf_addch(&sb, '}');
	}
	strbuf_addf(&sb, "},\"all_persons\":%zu,\"all_ms\":%.3f,\"copy_ms\":%.3f,"
		    "\"updates\":%zu,\"updates_per_s\":%.0f",
		    ri->all_persons, ri->all_ms, ri->copy_ms, ri->updates,
		    ri->updates_per_s);
	strbuf_addstr(&sb, ",\"postgis_sphere_m\":");
	json_value(&sb, pg, pg ? ri->pg->sphere_m : 0, "%.4f");
	strbuf_addstr(&sb, "}\n");
	fputs(sb.buf, stdout);
	strbuf_release(&sb);
}

static void print_cell(double v, bool have)
{
	if (!have)
		printf(" %12s", "skipped");
	else
		printf(" %12.4f", v);
}

static void print_table(const struct run_info *ri, const struct mix *m,
			const struct summary *s)
{
	bool pg = ri->pg != NULL;
	double hw = s->total[E_HOMEWARD] > 0 ? s->total[E_HOMEWARD] : 1e-9;
	size_t k;
	int e;

	printf("points %zu; Homeward index %.1f bytes a point, loaded in "
	       "%.3f s, built in %.3f s\n", ri->points, ri->bytes_per_point,
	       ri->load_s, ri->build_s);
	printf("R*Tree built in %.2f s; ", ri->rtree_build_s);
	if (pg)
		printf("PostGIS loaded, indexed and warmed in %.2f s\n",
		       ri->pg->load_s);
	else
		printf("PostGIS skipped\n");
	printf("all %zu queries answered alike by every engine\n\n", m->n);
	printf("%-12s %7s %9s", "median ms", "queries", "persons");
	for (e = 0; e < NENGINES; e++)
		printf(" %12s", engine_title[e]);
	printf("\n");
	for (k = 0; k < NKINDS; k++) {
		printf("%-12s %7zu %9.0f", kinds[k].name, s->count[k],
		       s->persons[k]);
		for (e = 0; e < NENGINES; e++)
			print_cell(s->median_ms[k][e], e != E_POSTGIS || pg);
		printf("\n");
	}
	printf("%-12s %7zu %9s", "mix total s", m->n, "");
	for (e = 0; e < NENGINES; e++)
		print_cell(s->total[e], e != E_POSTGIS || pg);
	printf("\n%-30s", "speedup of Homeward");
	for (e = 0; e < NENGINES; e++) {
		if (e == E_HOMEWARD)
			printf(" %12s", "");
		else if (e == E_POSTGIS && !pg)
			printf(" %12s", "-");
		else
			printf(" %11.1fx", s->total[e] / hw);
	}
	printf("\n\neveryone at once: %zu persons in %.2f ms; copying as many ids "
	       "takes %.2f ms (%.1fx)\n", ri->all_persons, ri->all_ms, ri->copy_ms,
	       ri->copy_ms > 0 ? ri->all_ms / ri->copy_ms : 0);
	printf("updates: %zu adds, moves and removes at %.0f a second\n",
	       ri->updates, ri->updates_per_s);
}

/* --- the command --------------------------------------------------------- */

/* After a step of the run: its error, or an interruption (SIGINT), with
 * the message printed; HW_OK to go on. */
static int step_done(int rc, const struct strbuf *err)
{
	if (!rc)
		rc = check_interrupt();
	if (rc && err->len)
		cli_error(CMD, "%s", err->buf);
	return rc;
}

int bench_geo(int argc, char **argv)
{
	int64_t people = 1000000, per_kind = 40;
	bool json = false;
	struct opt opts[] = {
		{ "people", OPT_INT, &people, "N", "registrants to generate (default 1000000)" },
		{ "queries", OPT_INT, &per_kind, "Q", "queries of each kind (default 40; countries: at most 30, each once)" },
		{ "json", OPT_FLAG, &json, NULL, "machine-readable output" },
		OPT_END,
	};
	char dir[64];
	struct strbuf dbp = STRBUF_INIT, rtp = STRBUF_INIT, err = STRBUF_INIT;
	struct strbuf why = STRBUF_INIT;
	struct bench_signals saved;
	struct db db = { 0 };
	struct geo *geo = NULL;
	struct points points = { 0 };
	struct rtree rtree = { 0 };
	struct pg pg = { 0 };
	struct mix mix = { 0 };
	struct engines en = { 0 };
	struct run_info ri = { 0 };
	struct summary sum;
	bool have_dir = false;
	int rc;

	rc = opt_parse_only(opts, argc, argv);
	if (rc)
		return rc;
	if ((rc = opt_check_range(CMD, "people", people, 1, 200000000)) ||
	    (rc = opt_check_range(CMD, "queries", per_kind, 1, 100000)))
		return rc;
	/* Interruptions end the run through the cleanup below, so that no
	 * server and no scratch directory is left behind. */
	bench_signals_catch(&saved);

	rc = HW_EINTERNAL;
	if (refgeo_load(&err)) {
		cli_error(CMD, "%s", err.buf);
		goto out;
	}
	rc = build_mix(&mix, (size_t)per_kind, &err);
	if (rc) {
		cli_error(CMD, "cannot build the query mix: %s", err.buf);
		goto out;
	}
	if ((rc = bench_scratch_dir(CMD, dir, sizeof(dir))))
		goto out;
	have_dir = true;
	rc = bench_populate(dir, people, json, &dbp, &err);
	if (rc)
		cli_error(CMD, "%s", err.buf);
	if (!rc)
		rc = check_interrupt();
	if (rc)
		goto out;

	if (!json)
		fprintf(stderr, "loading the geo engine...\n");
	rc = db_open(&db, dbp.buf, NULL, DB_READONLY, &err);
	if (rc) {
		cli_error(CMD, "%s", err.buf);
		goto out;
	}
	geo = geo_new();
	rc = geo_load(geo, db.st, &ri.load_s, &ri.build_s, &err);
	if (!rc)
		rc = points_load(&points, db.st, &err);
	db_release(&db);
	if (rc) {
		cli_error(CMD, "%s", err.buf);
		goto out;
	}
	ri.points = geo_points(geo);
	ri.bytes_per_point = ri.points ?
		(double)geo_bytes(geo) / (double)ri.points : 0;
	if (ri.points != points.n) {
		cli_error(CMD, "the engine holds %zu points, the database %zu",
			  ri.points, points.n);
		rc = HW_EINTERNAL;
		goto out;
	}

	if (!json)
		fprintf(stderr, "building the R*Tree...\n");
	strbuf_addf(&rtp, "%s/rtree.db", dir);
	rc = rtree_build(&rtree, rtp.buf, &points, &err);
	if ((rc = step_done(rc, &err)))
		goto out;
	ri.rtree_build_s = rtree.build_s;

	if (pg_find(&pg, json, &why)) {
		if (!json)
			fprintf(stderr, "starting PostGIS and loading it...\n");
		rc = pg_start(&pg, points.n, &err);
		if (!rc)
			rc = pg_load(&pg, &points, &err);
		if ((rc = step_done(rc, &err)))
			goto out;
		en.pg = &pg;
		ri.pg = &pg;
	} else {
		fprintf(stderr, "homeward bench geo: notice: PostGIS skipped: %s\n",
			why.buf);
	}

	if (!json)
		fprintf(stderr, "running %zu queries on every engine...\n", mix.n);
	en.geo = geo;
	en.points = &points;
	en.rtree = &rtree;
	rc = run_mix(&en, &mix, json, &err);
	if (rc) {
		if (err.len)
			cli_error(CMD, "%s", err.buf);
		goto out;
	}
	if (!json)
		fprintf(stderr, "measuring a whole-registry answer and updates...\n");
	measure_all(geo, &ri);
	measure_updates(geo, ri.points < 1000000 ? ri.points : 1000000, &ri);
	summarise(&mix, &sum);
	if (json)
		print_json(&ri, &mix, &sum);
	else
		print_table(&ri, &mix, &sum);
	rc = HW_OK;
out:
	pg_stop(&pg);
	rtree_release(&rtree);
	points_release(&points);
	geo_free(geo);
	db_release(&db);
	mix_release(&mix);
	if (have_dir)
		bench_remove_tree(dir);
	bench_signals_restore(&saved);
	strbuf_release(&dbp);
	strbuf_release(&rtp);
	strbuf_release(&err);
	strbuf_release(&why);
	return rc;
}
