/*
 * geo.c: the geo engine (see geo.h for the design in brief).
 *
 * Coordinates are kept in micro-degrees (int32), which is exactly what the
 * registry stores (six decimals), so the engine, the database and every
 * baseline see the same points. The Morton key of a point is computed from
 * its coordinates whenever it is needed rather than stored: 8 bytes a point
 * saved, for a few nanoseconds in the rare binary searches below the
 * directory level.
 *
 * A query walks the quadtree of the lon/lat plane from the whole world
 * down: a cell outside the area (or with no points) is skipped, a cell
 * wholly inside is taken in bulk, a cell on the boundary is split again
 * until it holds a handful of points, which are then tested one by one.
 * Shapes found wholly outside a cell are dropped for its children, so deep
 * cells test only the shapes that matter there.
 */
#include "core/homeward.h"
#include "geo/geo.h"
#include "geo/geoarea.h"
#include "geo/geopoly.h"
#include "geo/refgeo.h"
#include "core/needs.h"
#include "core/time.h"
#include "store/store.h"

#include <math.h>
#include <pthread.h>
#include <time.h>

#define DEG_E6 1000000.0
#define MAX_LEVEL 26          /* cells of ~0.5 m: deeper than any data */
#define LEAF_POINTS 24        /* a boundary cell this small is tested point by point */
#define PAD_DEG 2e-6          /* cell rectangles are padded by this much */
#define SIDE_MAX_MIN 65536    /* the side buffer is merged beyond this... */
#define SIDE_MAX_SHARE 32     /* ...or beyond 1/32 of the sorted entries */
#define PARALLEL_MIN 262144   /* queries over this many entries use 2 threads */

/* Columnar entries: 17 bytes each. person 0 marks a removed entry. */
struct cols {
	int32_t *lat, *lon;
	uint32_t *person;
	int16_t *arr, *dep;
	uint8_t *country;       /* refgeo country index + 1, 0 if unknown */
	size_t n, alloc;
};

/*
 * Who works for which organisation: few presences name one, so instead of
 * four bytes in every entry, a sorted list of (organisation, person) pairs
 * with the number of the person's presences that name it.
 */
struct member {
	uint32_t org, person, refs;
};

struct geo {
	pthread_rwlock_t lock;
	struct cols main;       /* sorted by Morton key */
	struct cols side;       /* unsorted, recent additions */
	size_t dead;            /* removed entries still in main */
	uint32_t *dir;          /* dir[c]: first entry of level-dir_level cell c */
	int dir_level;
	/* Per person, indexed by person id. */
	uint8_t *nationality;   /* refgeo country index + 1 */
	uint16_t *needs;
	size_t npersons;        /* highest person id + 1 */
	bool multi;             /* some person has several entries */
	uint8_t *seen;          /* bit per person: has an entry */
	struct member *members;
	size_t nmembers, members_alloc;
	/* Country shapes as polygons, made on first use. */
	pthread_mutex_t poly_lock;
	struct geopoly **country_poly; /* by refgeo country index */
};

/* --- small helpers ----------------------------------------------------- */

static int32_t to_e6(double deg)
{
	return (int32_t)llround(deg * DEG_E6);
}

static uint8_t country_index(const char *code)
{
	size_t i, n = refgeo_country_count();

	if (!code || !code[0])
		return 0;
	/* Countries are sorted by code: binary search. */
	for (i = 0; n; ) {
		size_t half = n / 2;
		const struct refgeo_country *c = refgeo_country_at(i + half);
		int cmp = strcmp(c->code, code);
		if (!cmp)
			return (uint8_t)(i + half + 1 > 255 ? 0 : i + half + 1);
		if (cmp < 0) {
			i += half + 1;
			n -= half + 1;
		} else {
			n = half;
		}
	}
	return 0;
}

static int16_t clamp_day(int32_t day, int16_t open)
{
	if (day == DATE_NONE)
		return open;
	if (day <= INT16_MIN + 1)
		return GEO_OPEN_START;
	if (day >= INT16_MAX - 1)
		return GEO_OPEN_END;
	return (int16_t)day;
}

/* Spread the low 32 bits of x to the even bits of a 64-bit word. */
static uint64_t spread(uint32_t v)
{
	uint64_t x = v;

	x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
	x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
	x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
	x = (x | (x << 2)) & 0x3333333333333333ULL;
	x = (x | (x << 1)) & 0x5555555555555555ULL;
	return x;
}

/* Grid coordinates in [0, 2^32) of micro-degree coordinates. */
static uint32_t grid_x(int32_t lon)
{
	return (uint32_t)(((uint64_t)((int64_t)lon + 180000000) << 32) / 360000001ULL);
}

static uint32_t grid_y(int32_t lat)
{
	return (uint32_t)(((uint64_t)((int64_t)lat + 90000000) << 32) / 180000001ULL);
}

static uint64_t key_of(int32_t lat, int32_t lon)
{
	return spread(grid_x(lon)) | spread(grid_y(lat)) << 1;
}

static uint64_t key_at(const struct cols *c, size_t i)
{
	return key_of(c->lat[i], c->lon[i]);
}

/* qsort() that accepts an empty (possibly NULL) array. */
static void sort_any(void *base, size_t n, size_t size,
		     int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* --- columns ----------------------------------------------------------- */

/* Every column resized to `a` entries. */
static void cols_resize(struct cols *c, size_t a)
{
	c->lat = xrealloc(c->lat, a * sizeof(*c->lat));
	c->lon = xrealloc(c->lon, a * sizeof(*c->lon));
	c->person = xrealloc(c->person, a * sizeof(*c->person));
	c->arr = xrealloc(c->arr, a * sizeof(*c->arr));
	c->dep = xrealloc(c->dep, a * sizeof(*c->dep));
	c->country = xrealloc(c->country, a * sizeof(*c->country));
	c->alloc = a;
}

static void cols_reserve(struct cols *c, size_t n)
{
	size_t a = c->alloc;

	if (n <= a)
		return;
	a = a ? a : 1024;
	while (a < n)
		a *= 2;
	cols_resize(c, a);
}

/* Make room for exactly n entries (no more), for the sorted arrays. */
static void cols_reserve_exact(struct cols *c, size_t n)
{
	cols_resize(c, n ? n : 1);
}

static void cols_release(struct cols *c)
{
	free(c->lat);
	free(c->lon);
	free(c->person);
	free(c->arr);
	free(c->dep);
	free(c->country);
	memset(c, 0, sizeof(*c));
}

static size_t cols_bytes(const struct cols *c)
{
	return c->alloc * (2 * sizeof(int32_t) + sizeof(uint32_t) +
			   2 * sizeof(int16_t) + sizeof(uint8_t));
}

static void cols_push(struct cols *c, const struct geo_presence *p)
{
	size_t i = c->n;

	cols_reserve(c, i + 1);
	c->lat[i] = to_e6(p->lat);
	c->lon[i] = to_e6(p->lon);
	c->person[i] = p->person;
	c->arr[i] = p->arrival;
	c->dep[i] = p->departure;
	c->country[i] = country_index(p->country);
	c->n = i + 1;
}

static void cols_copy(struct cols *dst, size_t j, const struct cols *src,
		      size_t i)
{
	dst->lat[j] = src->lat[i];
	dst->lon[j] = src->lon[i];
	dst->person[j] = src->person[i];
	dst->arr[j] = src->arr[i];
	dst->dep[j] = src->dep[i];
	dst->country[j] = src->country[i];
}

/* --- engine lifecycle -------------------------------------------------- */

struct geo *geo_new(void)
{
	struct geo *g = xcalloc(1, sizeof(*g));

	pthread_rwlock_init(&g->lock, NULL);
	pthread_mutex_init(&g->poly_lock, NULL);
	g->country_poly = xcalloc(256, sizeof(*g->country_poly));
	return g;
}

void geo_free(struct geo *g)
{
	size_t i;

	if (!g)
		return;
	cols_release(&g->main);
	cols_release(&g->side);
	free(g->dir);
	free(g->nationality);
	free(g->needs);
	free(g->seen);
	free(g->members);
	for (i = 0; i < 256; i++)
		geopoly_free(g->country_poly[i]);
	free(g->country_poly);
	pthread_mutex_destroy(&g->poly_lock);
	pthread_rwlock_destroy(&g->lock);
	free(g);
}

/* Grow the person arrays to `a` entries (a multiple of 8). */
static void persons_grow(struct geo *g, size_t a)
{
	size_t n = g->npersons;

	if (a <= n)
		return;
	g->nationality = xrealloc(g->nationality, a);
	g->needs = xrealloc(g->needs, a * sizeof(*g->needs));
	g->seen = xrealloc(g->seen, a / 8);
	memset(g->nationality + n, 0, a - n);
	memset(g->needs + n, 0, (a - n) * sizeof(*g->needs));
	memset(g->seen + n / 8, 0, (a - n) / 8);
	g->npersons = a;
}

static void persons_reserve(struct geo *g, uint32_t person)
{
	size_t a = g->npersons ? g->npersons : 1024;

	if (person < g->npersons)
		return;
	while (a <= person)
		a *= 2;
	persons_grow(g, a);
}

static void count_entry(struct geo *g, uint32_t person)
{
	uint8_t bit = (uint8_t)(1u << (person & 7));

	persons_reserve(g, person);
	/* Removals do not clear the bit: "multi" may stay on needlessly,
	 * which only costs a deduplication. */
	if (g->seen[person / 8] & bit)
		g->multi = true;
	g->seen[person / 8] |= bit;
}

/* The first member pair at or after (org, person). */
static size_t member_at(const struct geo *g, uint32_t org, uint32_t person)
{
	size_t lo = 0, hi = g->nmembers;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct member *m = &g->members[mid];
		if (m->org < org || (m->org == org && m->person < person))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void member_add(struct geo *g, uint32_t org, uint32_t person)
{
	size_t i;

	if (!org)
		return;
	i = member_at(g, org, person);
	if (i < g->nmembers && g->members[i].org == org &&
	    g->members[i].person == person) {
		g->members[i].refs++;
		return;
	}
	ALLOC_GROW(g->members, g->nmembers + 1, g->members_alloc);
	memmove(g->members + i + 1, g->members + i,
		(g->nmembers - i) * sizeof(*g->members));
	g->members[i] = (struct member){ org, person, 1 };
	g->nmembers++;
}

static void member_drop(struct geo *g, uint32_t org, uint32_t person)
{
	size_t i;

	if (!org)
		return;
	i = member_at(g, org, person);
	if (i >= g->nmembers || g->members[i].org != org ||
	    g->members[i].person != person)
		return;
	if (--g->members[i].refs)
		return;
	memmove(g->members + i, g->members + i + 1,
		(g->nmembers - i - 1) * sizeof(*g->members));
	g->nmembers--;
}

static int by_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->org != y->org)
		return x->org < y->org ? -1 : 1;
	return x->person < y->person ? -1 : x->person > y->person;
}

/* Bulk loads collect pairs unsorted; this sorts them and merges repeats. */
static void members_normalise(struct geo *g)
{
	size_t i, k = 0;

	sort_any(g->members, g->nmembers, sizeof(*g->members), by_member);
	for (i = 0; i < g->nmembers; i++) {
		if (k && g->members[k - 1].org == g->members[i].org &&
		    g->members[k - 1].person == g->members[i].person)
			g->members[k - 1].refs += g->members[i].refs;
		else
			g->members[k++] = g->members[i];
	}
	g->nmembers = k;
	/* Give back what the load over-allocated. */
	g->members_alloc = k ? k : 1;
	g->members = xrealloc(g->members, g->members_alloc * sizeof(*g->members));
}

static void member_push(struct geo *g, uint32_t org, uint32_t person)
{
	if (!org)
		return;
	ALLOC_GROW(g->members, g->nmembers + 1, g->members_alloc);
	g->members[g->nmembers++] = (struct member){ org, person, 1 };
}

void geo_add_presences(struct geo *g, const struct geo_presence *p, size_t n)
{
	size_t i;

	pthread_rwlock_wrlock(&g->lock);
	cols_reserve(&g->side, g->side.n + n);
	for (i = 0; i < n; i++) {
		cols_push(&g->side, &p[i]);
		count_entry(g, p[i].person);
		member_push(g, p[i].organisation, p[i].person);
	}
	members_normalise(g);
	pthread_rwlock_unlock(&g->lock);
}

void geo_set_persons(struct geo *g, const struct geo_person *p, size_t n)
{
	size_t i;

	pthread_rwlock_wrlock(&g->lock);
	for (i = 0; i < n; i++) {
		persons_reserve(g, p[i].person);
		g->nationality[p[i].person] = country_index(p[i].nationality);
		g->needs[p[i].person] = (uint16_t)p[i].needs;
	}
	pthread_rwlock_unlock(&g->lock);
}

void geo_set_person(struct geo *g, const struct geo_person *p)
{
	geo_set_persons(g, p, 1);
}

/* Sort (key, index) pairs by key: least significant digit radix sort,
 * 16 bits at a time, skipping digits on which every key agrees. */
static void radix_sort(uint64_t *key, uint32_t *idx, size_t n)
{
	uint64_t *ka = key, *kb = xmalloc((n ? n : 1) * sizeof(*kb)), *tk;
	uint32_t *ia = idx, *ib = xmalloc((n ? n : 1) * sizeof(*ib)), *ti;
	size_t *count = xmalloc(65536 * sizeof(*count));
	int shift;

	for (shift = 0; shift < 64 && n; shift += 16) {
		size_t i, sum = 0;

		memset(count, 0, 65536 * sizeof(*count));
		for (i = 0; i < n; i++)
			count[(ka[i] >> shift) & 0xFFFF]++;
		if (count[(ka[0] >> shift) & 0xFFFF] == n)
			continue;
		for (i = 0; i < 65536; i++) {
			size_t c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++) {
			size_t d = count[(ka[i] >> shift) & 0xFFFF]++;
			kb[d] = ka[i];
			ib[d] = ia[i];
		}
		tk = ka; ka = kb; kb = tk;
		ti = ia; ia = ib; ib = ti;
	}
	if (ka != key) {
		/* An odd number of passes left the result in the scratch. */
		memcpy(key, ka, n * sizeof(*key));
		memcpy(idx, ia, n * sizeof(*idx));
		free(ka);
		free(ia);
	} else {
		free(kb);
		free(ib);
	}
	free(count);
}

static int choose_dir_level(size_t n)
{
	int level = 6;

	/* About eight entries per directory cell at most: under a byte of
	 * directory per entry. */
	while (level < 13 && ((size_t)1 << (2 * (level + 1))) * 8 <= n)
		level++;
	return level;
}

/* Merge the side buffer and drop removed entries: the sorted arrays are
 * rebuilt from scratch (with the write lock held by the caller). */
static void rebuild(struct geo *g)
{
	size_t n = g->main.n + g->side.n, i, j, m = 0;
	uint64_t *key = xmalloc((n ? n : 1) * sizeof(*key));
	uint32_t *idx = xmalloc((n ? n : 1) * sizeof(*idx));
	struct cols out = { 0 };
	int level;

	for (i = 0; i < g->main.n; i++) {
		if (!g->main.person[i])
			continue;
		key[m] = key_at(&g->main, i);
		idx[m++] = (uint32_t)i;
	}
	for (i = 0; i < g->side.n; i++) {
		if (!g->side.person[i])
			continue;
		key[m] = key_at(&g->side, i);
		idx[m++] = (uint32_t)(g->main.n + i);
	}
	radix_sort(key, idx, m);
	cols_reserve_exact(&out, m);
	for (j = 0; j < m; j++) {
		if (idx[j] < g->main.n)
			cols_copy(&out, j, &g->main, idx[j]);
		else
			cols_copy(&out, j, &g->side, idx[j] - g->main.n);
	}
	out.n = m;
	cols_release(&g->main);
	/* The side buffer was the whole load in geo_load: give it back. */
	cols_release(&g->side);
	g->main = out;
	g->dead = 0;

	level = choose_dir_level(m);
	free(g->dir);
	g->dir_level = level;
	g->dir = xmalloc((((size_t)1 << (2 * level)) + 1) * sizeof(*g->dir));
	{
		size_t cells = (size_t)1 << (2 * level), c = 0;
		for (j = 0; j < m; j++) {
			size_t cell = (size_t)(key[j] >> (64 - 2 * level));
			while (c <= cell)
				g->dir[c++] = (uint32_t)j;
		}
		while (c <= cells)
			g->dir[c++] = (uint32_t)m;
	}
	free(key);
	free(idx);
}

void geo_build(struct geo *g)
{
	pthread_rwlock_wrlock(&g->lock);
	rebuild(g);
	pthread_rwlock_unlock(&g->lock);
}

size_t geo_points(const struct geo *g)
{
	return g->main.n - g->dead + g->side.n;
}

size_t geo_bytes(const struct geo *g)
{
	size_t b = cols_bytes(&g->main) + cols_bytes(&g->side);

	if (g->dir)
		b += (((size_t)1 << (2 * g->dir_level)) + 1) * sizeof(*g->dir);
	b += g->npersons * (sizeof(*g->nationality) + sizeof(*g->needs)) +
	     g->npersons / 8;
	b += g->members_alloc * sizeof(*g->members);
	return b;
}

/* --- loading from the store -------------------------------------------- */

static int32_t text_day(struct store_stmt *s, int col)
{
	size_t len;
	const char *t = store_col_text(s, col, &len);
	int32_t d;

	if (!t || date_parse(t, len, &d))
		return DATE_NONE;
	return d;
}

/* Column 0 as a person's id that fits the engine: HW_EINPUT otherwise. */
static int row_person(struct store_stmt *s, uint32_t *person)
{
	int64_t id = store_col_int64(s, 0);

	if (id <= 0 || id > UINT32_MAX)
		return HW_EINPUT;
	*person = (uint32_t)id;
	return HW_OK;
}

/* A two-letter code from a column's text, NUL-terminated; "" for none. */
static void code2(char out[3], const char *text)
{
	memset(out, 0, 3);
	if (text && strlen(text) == 2)
		memcpy(out, text, 2);
}

int geo_presence_from_row(struct store_stmt *s, struct geo_presence *p)
{
	if (row_person(s, &p->person))
		return HW_EINPUT;
	p->lat = store_col_double(s, 1);
	p->lon = store_col_double(s, 2);
	p->arrival = clamp_day(text_day(s, 3), GEO_OPEN_START);
	p->departure = clamp_day(text_day(s, 4), GEO_OPEN_END);
	code2(p->country, store_col_text(s, 5, NULL));
	p->organisation = store_col_null(s, 6) ? 0
		: (uint32_t)store_col_int64(s, 6);
	return HW_OK;
}

int geo_person_from_row(struct store_stmt *s, struct geo_person *p)
{
	if (row_person(s, &p->person))
		return HW_EINPUT;
	code2(p->nationality, store_col_text(s, 1, NULL));
	p->needs = needs_bits(store_col_text(s, 2, NULL));
	return HW_OK;
}

int geo_load(struct geo *g, struct store *st, double *load_s, double *build_s,
	     struct strbuf *err)
{
	struct store_stmt *s;
	double t0, t1, t2;
	int rc;

	t0 = time_mono();
	/* Person arrays sized once, exactly, rather than doubled as they
	 * grow: they are a good part of the bytes per entry. */
	if (store_prepare(st, "SELECT coalesce(max(id), 0) FROM person", &s))
		goto dberr;
	if (store_step(s) == STORE_ROW) {
		int64_t max = store_col_int64(s, 0);
		if (max > 0 && max < UINT32_MAX) {
			pthread_rwlock_wrlock(&g->lock);
			persons_grow(g, ((size_t)max + 8) & ~(size_t)7);
			pthread_rwlock_unlock(&g->lock);
		}
	}
	store_reset(s);
	if (store_prepare(st, "SELECT " GEO_PERSON_COLUMNS " FROM person", &s))
		goto dberr;
	pthread_rwlock_wrlock(&g->lock);
	while ((rc = store_step(s)) == STORE_ROW) {
		struct geo_person p;
		if (geo_person_from_row(s, &p))
			continue;
		persons_reserve(g, p.person);
		g->nationality[p.person] = country_index(p.nationality);
		g->needs[p.person] = (uint16_t)p.needs;
	}
	pthread_rwlock_unlock(&g->lock);
	store_reset(s);
	if (rc < 0)
		goto dberr;

	if (store_prepare(st, "SELECT " GEO_PRESENCE_COLUMNS " FROM presence "
			  "WHERE lat IS NOT NULL", &s))
		goto dberr;
	pthread_rwlock_wrlock(&g->lock);
	while ((rc = store_step(s)) == STORE_ROW) {
		struct geo_presence p;

		if (geo_presence_from_row(s, &p))
			continue;
		cols_push(&g->side, &p);
		count_entry(g, p.person);
		member_push(g, p.organisation, p.person);
	}
	store_reset(s);
	members_normalise(g);
	if (rc < 0) {
		pthread_rwlock_unlock(&g->lock);
		goto dberr;
	}
	t1 = time_mono();
	rebuild(g);
	pthread_rwlock_unlock(&g->lock);
	t2 = time_mono();
	if (load_s)
		*load_s = t1 - t0;
	if (build_s)
		*build_s = t2 - t1;
	return HW_OK;
dberr:
	strbuf_addf(err, "cannot load the geo index: %s", store_errmsg(st));
	return HW_EDB;
}

/* --- updates ----------------------------------------------------------- */

static bool same_entry(const struct cols *c, size_t i,
		       const struct geo_presence *p, int32_t lat, int32_t lon,
		       uint8_t country)
{
	return c->person[i] == p->person && c->lat[i] == lat &&
	       c->lon[i] == lon && c->arr[i] == p->arrival &&
	       c->dep[i] == p->departure && c->country[i] == country;
}

/* First entry of main at or after `key` within [lo, hi). */
static size_t lower_bound(const struct cols *c, size_t lo, size_t hi,
			  uint64_t key)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_at(c, mid) < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void maybe_merge(struct geo *g)
{
	size_t limit = g->main.n / SIDE_MAX_SHARE;

	if (limit < SIDE_MAX_MIN)
		limit = SIDE_MAX_MIN;
	if (g->side.n > limit || g->dead > limit * 4)
		rebuild(g);
}

static int remove_locked(struct geo *g, const struct geo_presence *p)
{
	int32_t lat = to_e6(p->lat), lon = to_e6(p->lon);
	uint8_t country = country_index(p->country);
	uint64_t key = key_of(lat, lon);
	size_t i, cell, lo, hi;

	if (g->dir && g->main.n) {
		cell = (size_t)(key >> (64 - 2 * g->dir_level));
		lo = g->dir[cell];
		hi = g->dir[cell + 1];
		for (i = lower_bound(&g->main, lo, hi, key);
		     i < hi && key_at(&g->main, i) == key; i++) {
			if (same_entry(&g->main, i, p, lat, lon, country)) {
				g->main.person[i] = 0;
				g->dead++;
				member_drop(g, p->organisation, p->person);
				return HW_OK;
			}
		}
	}
	for (i = g->side.n; i-- > 0;) {
		if (same_entry(&g->side, i, p, lat, lon, country)) {
			size_t last = g->side.n - 1;
			if (i != last)
				cols_copy(&g->side, i, &g->side, last);
			g->side.n = last;
			member_drop(g, p->organisation, p->person);
			return HW_OK;
		}
	}
	return HW_ENOTFOUND;
}

int geo_add(struct geo *g, const struct geo_presence *p)
{
	if (!p->person)
		return HW_EINPUT;
	pthread_rwlock_wrlock(&g->lock);
	cols_push(&g->side, p);
	count_entry(g, p->person);
	member_add(g, p->organisation, p->person);
	maybe_merge(g);
	pthread_rwlock_unlock(&g->lock);
	return HW_OK;
}

int geo_remove(struct geo *g, const struct geo_presence *p)
{
	int rc;

	pthread_rwlock_wrlock(&g->lock);
	rc = remove_locked(g, p);
	if (!rc)
		maybe_merge(g);
	pthread_rwlock_unlock(&g->lock);
	return rc;
}

int geo_move(struct geo *g, const struct geo_presence *from,
	     const struct geo_presence *to)
{
	int rc;

	pthread_rwlock_wrlock(&g->lock);
	rc = remove_locked(g, from);
	if (!rc) {
		cols_push(&g->side, to);
		count_entry(g, to->person);
		member_add(g, to->organisation, to->person);
		maybe_merge(g);
	}
	pthread_rwlock_unlock(&g->lock);
	return rc;
}

/* --- distances ---------------------------------------------------------- */

#define RAD (3.14159265358979323846 / 180.0)

/* The haversine of the central angle, the quantity every test compares. */
static double hav_angle(double lat1, double lon1, double lat2, double lon2)
{
	double sl = sin((lat2 - lat1) * RAD / 2), so = sin((lon2 - lon1) * RAD / 2);

	return sl * sl + cos(lat1 * RAD) * cos(lat2 * RAD) * so * so;
}

static double hav_limit(double km)
{
	double s = sin(km / GEO_EARTH_RADIUS_KM / 2);

	return s * s;
}

double geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	double h = hav_angle(lat1, lon1, lat2, lon2);

	return 2 * GEO_EARTH_RADIUS_KM * asin(sqrt(h < 1 ? h : 1));
}

bool geo_within(double clat, double clon, double km, double lat, double lon)
{
	return hav_angle(clat, clon, lat, lon) <= hav_limit(km);
}

/* --- shapes of a query -------------------------------------------------- */

enum shape_kind { SHAPE_CIRCLE, SHAPE_POLY };

struct shape {
	enum shape_kind kind;
	/* circle */
	double clat, clon, km, limit, coslat;
	double lat0, lat1, lon0, lon1; /* bounding box; lon may pass +-180 */
	bool all_lon;
	/* polygon */
	const struct geopoly *poly;
};

/* The polygon of a country's shape, made once and kept. */
static int country_poly(struct geo *g, const char *code,
			const struct geopoly **out, struct strbuf *err)
{
	uint8_t ci = country_index(code);
	struct geopoly_ring *rings = NULL;
	size_t n;
	int rc = HW_OK;

	if (!ci) {
		strbuf_addf(err, "'%s' is not a country code", code);
		return HW_EINPUT;
	}
	pthread_mutex_lock(&g->poly_lock);
	if (!g->country_poly[ci]) {
		n = refgeo_shape_rings(code, NULL, 0);
		if (!n) {
			strbuf_addf(err, "country '%s' has no shape at the scale of "
				    "the reference map; query a circle around it "
				    "instead", code);
			rc = HW_EINPUT;
		} else {
			rings = xcalloc(n, sizeof(*rings));
			refgeo_shape_rings(code, rings, n);
			rc = geopoly_build(rings, n, &g->country_poly[ci], err);
			free(rings);
		}
	}
	*out = g->country_poly[ci];
	pthread_mutex_unlock(&g->poly_lock);
	return rc;
}

static void circle_shape(struct shape *sh, const struct geo_circle *c)
{
	double ang = c->radius_km / GEO_EARTH_RADIUS_KM, dlat = ang / RAD;

	memset(sh, 0, sizeof(*sh));
	sh->kind = SHAPE_CIRCLE;
	sh->clat = c->lat;
	sh->clon = c->lon;
	sh->km = c->radius_km;
	sh->limit = hav_limit(c->radius_km);
	sh->coslat = cos(c->lat * RAD);
	sh->lat0 = c->lat - dlat;
	sh->lat1 = c->lat + dlat;
	if (sh->lat0 <= -90 || sh->lat1 >= 90 ||
	    sin(ang) >= cos(c->lat * RAD)) {
		/* The cap holds a pole, or is wider than any meridian span. */
		sh->all_lon = true;
		if (sh->lat0 < -90)
			sh->lat0 = -90;
		if (sh->lat1 > 90)
			sh->lat1 = 90;
	} else {
		double dlon = asin(sin(ang) / cos(c->lat * RAD)) / RAD;
		sh->lon0 = c->lon - dlon;
		sh->lon1 = c->lon + dlon;
	}
}

static bool lon_overlap(double a0, double a1, double b0, double b1)
{
	int k;

	for (k = -1; k <= 1; k++)
		if (a0 + 360.0 * k <= b1 && b0 <= a1 + 360.0 * k)
			return true;
	return false;
}

static enum geopoly_rel circle_classify(const struct shape *sh, double lat0,
					double lon0, double lat1, double lon1)
{
	double anti;

	if (sh->limit >= 1)
		return GEOPOLY_INSIDE;  /* half the circumference: everywhere */
	if (lat1 < sh->lat0 || lat0 > sh->lat1)
		return GEOPOLY_OUTSIDE;
	if (!sh->all_lon && !lon_overlap(sh->lon0, sh->lon1, lon0, lon1))
		return GEOPOLY_OUTSIDE;
	/* Over a rectangle whose longitudes stay within 180 degrees of the
	 * centre's, the distance is greatest at a corner. */
	if (lon1 - lon0 >= 180)
		return GEOPOLY_PARTLY;
	anti = sh->clon + 180;
	while (anti > 180)
		anti -= 360;
	if (anti >= lon0 && anti <= lon1)
		return GEOPOLY_PARTLY;
	if (hav_angle(sh->clat, sh->clon, lat0, lon0) <= sh->limit &&
	    hav_angle(sh->clat, sh->clon, lat0, lon1) <= sh->limit &&
	    hav_angle(sh->clat, sh->clon, lat1, lon0) <= sh->limit &&
	    hav_angle(sh->clat, sh->clon, lat1, lon1) <= sh->limit)
		return GEOPOLY_INSIDE;
	return GEOPOLY_PARTLY;
}

static bool shape_contains(const struct shape *sh, double lat, double lon)
{
	if (sh->kind == SHAPE_POLY)
		return geopoly_contains(sh->poly, lat, lon);
	if (lat < sh->lat0 || lat > sh->lat1)
		return false;
	return hav_angle(sh->clat, sh->clon, lat, lon) <= sh->limit;
}

static enum geopoly_rel shape_classify(const struct shape *sh, double lat0,
				       double lon0, double lat1, double lon1)
{
	if (sh->kind == SHAPE_POLY)
		return geopoly_classify(sh->poly, lat0, lon0, lat1, lon1);
	return circle_classify(sh, lat0, lon0, lat1, lon1);
}

static int area_shapes(struct geo *g, const struct geoarea *a,
		       struct shape **out, size_t *n, struct strbuf *err)
{
	size_t i, k = 0, total = a->ncircles + a->npolygons + a->ncountries;
	struct shape *sh = xcalloc(total ? total : 1, sizeof(*sh));
	int rc;

	for (i = 0; i < a->ncircles; i++)
		circle_shape(&sh[k++], &a->circles[i]);
	for (i = 0; i < a->npolygons; i++) {
		sh[k].kind = SHAPE_POLY;
		sh[k++].poly = a->polygons[i].poly;
	}
	for (i = 0; i < a->ncountries; i++) {
		sh[k].kind = SHAPE_POLY;
		rc = country_poly(g, a->countries[i], &sh[k++].poly, err);
		if (rc) {
			free(sh);
			return rc;
		}
	}
	*out = sh;
	*n = total;
	return HW_OK;
}

/* --- the walk ----------------------------------------------------------- */

/* A range of sorted entries to take: in bulk, or testing each point. */
struct span {
	uint32_t lo, hi;
	bool exact;
	uint16_t nactive;       /* shapes to test, for exact spans */
	uint32_t active;        /* offset of their indexes in walk.actives */
};

struct walk {
	const struct geo *g;
	const struct shape *shapes;
	size_t nshapes;
	struct span *spans;
	size_t nspans, spans_alloc;
	uint16_t *actives;      /* shape indexes of exact spans */
	size_t nactives, actives_alloc;
	uint16_t *stack;        /* active shapes per depth */
	uint64_t total;         /* entries in all spans */
};

static void add_span(struct walk *w, size_t lo, size_t hi, bool exact,
		     const uint16_t *act, size_t nact)
{
	struct span *s;

	ALLOC_GROW(w->spans, w->nspans + 1, w->spans_alloc);
	s = &w->spans[w->nspans++];
	s->lo = (uint32_t)lo;
	s->hi = (uint32_t)hi;
	s->exact = exact;
	s->nactive = 0;
	s->active = 0;
	if (exact) {
		ALLOC_GROW(w->actives, w->nactives + nact, w->actives_alloc);
		memcpy(w->actives + w->nactives, act, nact * sizeof(*act));
		s->active = (uint32_t)w->nactives;
		s->nactive = (uint16_t)nact;
		w->nactives += nact;
	}
	w->total += hi - lo;
}

/* The entries of cell (level, cx, cy) within its parent's [lo, hi). */
static void cell_range(const struct geo *g, int level, uint32_t cx,
		       uint32_t cy, size_t plo, size_t phi, size_t *lo,
		       size_t *hi)
{
	uint64_t code = spread(cx) | spread(cy) << 1;

	if (level <= g->dir_level) {
		int sh = 2 * (g->dir_level - level);
		*lo = g->dir[code << sh];
		*hi = g->dir[(code + 1) << sh];
		return;
	}
	*lo = lower_bound(&g->main, plo, phi, code << (64 - 2 * level));
	/* The last cell of a level ends where the keys end: its successor's
	 * first key would not fit in 64 bits. */
	if (code + 1 == (uint64_t)1 << (2 * level))
		*hi = phi;
	else
		*hi = lower_bound(&g->main, *lo, phi,
				  (code + 1) << (64 - 2 * level));
}

static void visit(struct walk *w, int level, uint32_t cx, uint32_t cy,
		  size_t lo, size_t hi, const uint16_t *act, size_t nact)
{
	double cw = 360.0 / (double)((uint64_t)1 << level);
	double ch = 180.0 / (double)((uint64_t)1 << level);
	double lon0 = -180 + cx * cw - PAD_DEG, lon1 = -180 + (cx + 1) * cw + PAD_DEG;
	double lat0 = -90 + cy * ch - PAD_DEG, lat1 = -90 + (cy + 1) * ch + PAD_DEG;
	uint16_t *next = w->stack + (size_t)(level + 1) * w->nshapes;
	size_t i, nnext = 0;
	int child;

	if (lo >= hi)
		return;
	if (lon0 < -180)
		lon0 = -180;
	if (lon1 > 180)
		lon1 = 180;
	if (lat0 < -90)
		lat0 = -90;
	if (lat1 > 90)
		lat1 = 90;
	for (i = 0; i < nact; i++) {
		enum geopoly_rel rel = shape_classify(&w->shapes[act[i]], lat0,
						      lon0, lat1, lon1);
		if (rel == GEOPOLY_INSIDE) {
			add_span(w, lo, hi, false, NULL, 0);
			return;
		}
		if (rel == GEOPOLY_PARTLY)
			next[nnext++] = act[i];
	}
	if (!nnext)
		return;
	if (level >= MAX_LEVEL || hi - lo <= LEAF_POINTS) {
		add_span(w, lo, hi, true, next, nnext);
		return;
	}
	for (child = 0; child < 4; child++) {
		uint32_t x = cx * 2 + (uint32_t)(child & 1);
		uint32_t y = cy * 2 + (uint32_t)(child >> 1);
		size_t clo, chi;
		cell_range(w->g, level + 1, x, y, lo, hi, &clo, &chi);
		visit(w, level + 1, x, y, clo, chi, next, nnext);
	}
}

/* --- collecting --------------------------------------------------------- */

struct collect {
	const struct geo *g;
	const struct geo_filter *f;
	uint8_t nat;            /* nationality index wanted, 0 for any */
	const uint8_t *cty;     /* countries wanted (bit per index), NULL for any */
	bool trivial;           /* no filter at all */
	uint32_t *out;
	size_t n, alloc;
	uint8_t *bitmap;        /* for deduplication, when persons repeat */
	uint8_t *in_org;        /* bit per person: member of the organisation */
	/* When set, every matching entry goes here instead of into out
	 * (aggregates and nearest-neighbour searches), and nothing is
	 * deduplicated: the hook sees entries, not persons. */
	void (*each)(struct collect *c, const struct cols *e, size_t i);
	void *arg;
};

static bool passes(const struct collect *c, const struct cols *e, size_t i)
{
	const struct geo_filter *f = c->f;
	uint32_t p = e->person[i];

	if (!p)
		return false;
	if (c->trivial)
		return true;
	if (f->on != GEO_ANY_DAY && (e->arr[i] > f->on || e->dep[i] < f->on))
		return false;
	if (c->nat && c->g->nationality[p] != c->nat)
		return false;
	if (c->cty && !(c->cty[e->country[i] >> 3] & (1u << (e->country[i] & 7))))
		return false;
	if (c->in_org && !(c->in_org[p / 8] & (1u << (p & 7))))
		return false;
	if (f->needs && (c->g->needs[p] & f->needs) != f->needs)
		return false;
	return true;
}

static void take(struct collect *c, uint32_t p)
{
	if (c->bitmap) {
		uint8_t bit = (uint8_t)(1u << (p & 7));
		if (c->bitmap[p / 8] & bit)
			return;
		c->bitmap[p / 8] |= bit;
	}
	if (c->n == c->alloc) {
		c->alloc = c->alloc ? c->alloc * 2 : 4096;
		c->out = xrealloc(c->out, c->alloc * sizeof(*c->out));
	}
	c->out[c->n++] = p;
}

/* Append n persons known to be distinct from those already taken. */
static void take_all(struct collect *c, const uint32_t *p, size_t n)
{
	if (c->n + n > c->alloc) {
		while (c->n + n > c->alloc)
			c->alloc = c->alloc ? c->alloc * 2 : 4096;
		c->out = xrealloc(c->out, c->alloc * sizeof(*c->out));
	}
	if (n)
		memcpy(c->out + c->n, p, n * sizeof(*p));
	c->n += n;
}

static bool exact_hit(const struct walk *w, const uint16_t *act, size_t nact,
		      const struct cols *e, size_t i)
{
	double lat = e->lat[i] / DEG_E6, lon = e->lon[i] / DEG_E6;
	size_t k;

	for (k = 0; k < nact; k++)
		if (shape_contains(&w->shapes[act[k]], lat, lon))
			return true;
	return false;
}

static void collect_span(const struct walk *w, struct collect *c,
			 const struct span *s)
{
	const struct cols *e = &w->g->main;
	size_t i;

	if (!s->exact && c->trivial && !w->g->dead && !c->bitmap && !c->each) {
		/* The common big case: a whole cell, nothing to filter. */
		take_all(c, e->person + s->lo, s->hi - s->lo);
		return;
	}
	for (i = s->lo; i < s->hi; i++) {
		if (!passes(c, e, i))
			continue;
		if (s->exact && !exact_hit(w, w->actives + s->active, s->nactive,
					   e, i))
			continue;
		if (c->each)
			c->each(c, e, i);
		else
			take(c, e->person[i]);
	}
}

struct half {
	const struct walk *w;
	struct collect c;
	size_t first, last;     /* spans [first, last) */
};

static void *collect_half(void *arg)
{
	struct half *h = arg;
	size_t i;

	for (i = h->first; i < h->last; i++)
		collect_span(h->w, &h->c, &h->w->spans[i]);
	return NULL;
}

void geo_filter_today(struct geo_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->on = (int32_t)(time(NULL) / 86400);
}

int geo_filter_set_countries(struct geo_filter *f, const char (*codes)[3],
			     size_t n, struct strbuf *err)
{
	size_t i;
	int rc = HW_OK;

	f->in_countries = true;
	memset(f->countries, 0, sizeof(f->countries));
	for (i = 0; i < n; i++) {
		uint8_t ci = country_index(codes[i]);
		/* Index 0 stands for "no known country": never let it in. */
		if (!ci) {
			if (!rc)
				strbuf_addf(err, "'%.2s' is not a country code",
					    codes[i]);
			rc = HW_EINPUT;
			continue;
		}
		f->countries[ci >> 3] |= (uint8_t)(1u << (ci & 7));
	}
	return rc;
}

void geo_result_release(struct geo_result *r)
{
	free(r->persons);
	memset(r, 0, sizeof(*r));
}

/*
 * Run a query: walk the sorted entries, scan the side buffer, and collect
 * into `c` (whose filter is set). With the read lock held.
 */
static int run(struct geo *g, const struct geoarea *area, struct collect *c,
	       struct strbuf *err)
{
	struct walk w = { 0 };
	struct shape *shapes = NULL;
	uint16_t *all = NULL;
	size_t nshapes = 0, i;
	int rc;

	if (area) {
		rc = area_shapes(g, area, &shapes, &nshapes, err);
		if (rc)
			return rc;
	} else {
		/* The whole world: a circle of half the circumference. */
		struct geo_circle world = { 0, 0, GEO_MAX_RADIUS_KM };
		shapes = xcalloc(1, sizeof(*shapes));
		circle_shape(&shapes[0], &world);
		nshapes = 1;
	}
	if (!nshapes)
		goto out;
	w.g = g;
	w.shapes = shapes;
	w.nshapes = nshapes;
	w.stack = xmalloc((size_t)(MAX_LEVEL + 2) * nshapes * sizeof(*w.stack));
	all = xmalloc(nshapes * sizeof(*all));
	for (i = 0; i < nshapes; i++)
		all[i] = (uint16_t)i;
	if (g->main.n)
		visit(&w, 0, 0, 0, 0, g->main.n, all, nshapes);

	if (w.total >= PARALLEL_MIN && !c->bitmap && !c->each && w.nspans > 1) {
		/* Two threads, each with about half of the entries. */
		struct half h[2];
		pthread_t t;
		uint64_t acc = 0;
		size_t cut = 0;

		while (cut < w.nspans && acc < w.total / 2)
			acc += w.spans[cut].hi - w.spans[cut].lo, cut++;
		for (i = 0; i < 2; i++) {
			h[i].w = &w;
			h[i].c = *c;
			h[i].c.out = NULL;
			h[i].c.n = h[i].c.alloc = 0;
		}
		h[0].first = 0;
		h[0].last = cut;
		h[1].first = cut;
		h[1].last = w.nspans;
		if (pthread_create(&t, NULL, collect_half, &h[1])) {
			collect_half(&h[1]);
			collect_half(&h[0]);
		} else {
			collect_half(&h[0]);
			pthread_join(t, NULL);
		}
		for (i = 0; i < 2; i++) {
			take_all(c, h[i].c.out, h[i].c.n);
			free(h[i].c.out);
		}
	} else {
		for (i = 0; i < w.nspans; i++)
			collect_span(&w, c, &w.spans[i]);
	}

	/* Recent additions: every one is tested. */
	for (i = 0; i < g->side.n; i++) {
		if (!passes(c, &g->side, i) ||
		    !exact_hit(&w, all, nshapes, &g->side, i))
			continue;
		if (c->each)
			c->each(c, &g->side, i);
		else
			take(c, g->side.person[i]);
	}
out:
	free(w.spans);
	free(w.actives);
	free(w.stack);
	free(all);
	free(shapes);
	return HW_OK;
}

static void collect_init(struct collect *c, const struct geo *g,
			 const struct geo_filter *f)
{
	memset(c, 0, sizeof(*c));
	c->g = g;
	c->f = f;
	c->nat = f->nationality[0] ? country_index(f->nationality) : 0;
	c->cty = f->in_countries ? f->countries : NULL;
	c->trivial = f->on == GEO_ANY_DAY && !f->nationality[0] &&
		     !f->organisation && !f->needs && !f->in_countries;
	if (g->multi)
		c->bitmap = xcalloc(g->npersons / 8 + 1, 1);
	if (f->organisation) {
		size_t i = member_at(g, f->organisation, 0);
		c->in_org = xcalloc(g->npersons / 8 + 1, 1);
		for (; i < g->nmembers && g->members[i].org == f->organisation; i++)
			c->in_org[g->members[i].person / 8] |=
				(uint8_t)(1u << (g->members[i].person & 7));
	}
}

/*
 * Call `each` (with `arg`) for every entry inside `area` that `f` lets
 * through, each presence of a person on its own (no once-per-person
 * bitmap), under the read lock.
 */
static int walk(struct geo *g, const struct geoarea *area,
		const struct geo_filter *f,
		void (*each)(struct collect *, const struct cols *, size_t),
		void *arg, struct strbuf *err)
{
	struct collect c;
	int rc;

	pthread_rwlock_rdlock(&g->lock);
	collect_init(&c, g, f);
	free(c.bitmap);
	c.bitmap = NULL;
	c.each = each;
	c.arg = arg;
	rc = run(g, area, &c, err);
	pthread_rwlock_unlock(&g->lock);
	free(c.in_org);
	return rc;
}

int geo_query(struct geo *g, const struct geoarea *area,
	      const struct geo_filter *f, struct geo_result *out,
	      struct strbuf *err)
{
	struct collect c;
	int rc;

	if (f->nationality[0] && !country_index(f->nationality)) {
		strbuf_addf(err, "nationality '%s' is not a country code",
			    f->nationality);
		return HW_EINPUT;
	}
	pthread_rwlock_rdlock(&g->lock);
	collect_init(&c, g, f);
	/* Collect straight into the caller's result. */
	c.out = out->persons;
	c.n = out->n;
	c.alloc = out->alloc;
	rc = run(g, area, &c, err);
	pthread_rwlock_unlock(&g->lock);
	out->persons = c.out;
	out->n = c.n;
	out->alloc = c.alloc;
	free(c.bitmap);
	free(c.in_org);
	return rc;
}

int geo_count(struct geo *g, const struct geoarea *area,
	      const struct geo_filter *f, uint64_t *count, struct strbuf *err)
{
	struct geo_result r = { 0 };
	int rc = geo_query(g, area, f, &r, err);

	*count = rc ? 0 : r.n;
	geo_result_release(&r);
	return rc;
}

/* Matching entries as presences, for geo_query_presences. */
struct entries {
	struct geo_presence *v;
	size_t n, alloc;
};

static void each_entry(struct collect *c, const struct cols *e, size_t i)
{
	struct entries *a = c->arg;
	struct geo_presence *p;
	uint8_t ci = e->country[i];

	ALLOC_GROW(a->v, a->n + 1, a->alloc);
	p = &a->v[a->n++];
	memset(p, 0, sizeof(*p));
	p->person = e->person[i];
	p->lat = e->lat[i] / DEG_E6;
	p->lon = e->lon[i] / DEG_E6;
	p->arrival = e->arr[i];
	p->departure = e->dep[i];
	if (ci)
		memcpy(p->country, refgeo_country_at((size_t)ci - 1)->code, 2);
}

/* -1, 0 or 1 as x is below, equal to or above y. */
#define CMP(x, y) ((x) < (y) ? -1 : (x) > (y))

static int cmp_presence(const void *a, const void *b)
{
	const struct geo_presence *x = a, *y = b;
	int c;

	if ((c = CMP(x->person, y->person)) || (c = CMP(x->lat, y->lat)) ||
	    (c = CMP(x->lon, y->lon)) || (c = CMP(x->arrival, y->arrival)))
		return c;
	return CMP(x->departure, y->departure);
}

int geo_query_presences(struct geo *g, const struct geoarea *area,
			const struct geo_filter *f, struct geo_presence **out,
			size_t *n, struct strbuf *err)
{
	struct entries a = { 0 };
	int rc;

	*out = NULL;
	*n = 0;
	if (f->nationality[0] && !country_index(f->nationality)) {
		strbuf_addf(err, "nationality '%s' is not a country code",
			    f->nationality);
		return HW_EINPUT;
	}
	rc = walk(g, area, f, each_entry, &a, err);
	if (rc) {
		free(a.v);
		return rc;
	}
	sort_any(a.v, a.n, sizeof(*a.v), cmp_presence);
	*out = a.v;
	*n = a.n;
	return HW_OK;
}

/* --- aggregates -------------------------------------------------------- */

/*
 * Entries found by an aggregate, as (person, key) pairs: a person counts
 * once per key (country or cell) however many of its presences fall there.
 */
struct pairs {
	uint64_t *v;            /* person << 32 | key */
	size_t n, alloc;
	double cell_deg;        /* for cells */
	uint32_t ncols;         /* cells per row */
};

static void pair_push(struct pairs *p, uint32_t person, uint32_t key)
{
	ALLOC_GROW(p->v, p->n + 1, p->alloc);
	p->v[p->n++] = (uint64_t)person << 32 | key;
}

static void each_country(struct collect *c, const struct cols *e, size_t i)
{
	pair_push(c->arg, e->person[i], e->country[i]);
}

static void each_cell(struct collect *c, const struct cols *e, size_t i)
{
	struct pairs *p = c->arg;
	uint32_t row = (uint32_t)floor((e->lat[i] / DEG_E6 + 90) / p->cell_deg);
	uint32_t col = (uint32_t)floor((e->lon[i] / DEG_E6 + 180) / p->cell_deg);

	/* The last row and column take the points on the north pole and
	 * on the 180th meridian. */
	if (col >= p->ncols)
		col = p->ncols - 1;
	pair_push(p, e->person[i], row * p->ncols + col);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Collect (person, key) pairs of the matching entries, deduplicated. */
static int collect_pairs(struct geo *g, const struct geoarea *area,
			 const struct geo_filter *f,
			 void (*each)(struct collect *, const struct cols *, size_t),
			 struct pairs *p, struct strbuf *err)
{
	size_t i, k = 0;
	int rc;

	rc = walk(g, area, f, each, p, err);
	if (rc)
		return rc;
	if (g->multi) {
		sort_any(p->v, p->n, sizeof(*p->v), cmp_u64);
		for (i = 0; i < p->n; i++)
			if (!k || p->v[k - 1] != p->v[i])
				p->v[k++] = p->v[i];
		p->n = k;
	}
	return HW_OK;
}

int geo_count_by_country(struct geo *g, const struct geoarea *area,
			 const struct geo_filter *f, uint64_t *counts,
			 struct strbuf *err)
{
	struct pairs p = { 0 };
	size_t i, n = refgeo_country_count();
	int rc;

	memset(counts, 0, (n + 1) * sizeof(*counts));
	rc = collect_pairs(g, area, f, each_country, &p, err);
	for (i = 0; !rc && i < p.n; i++) {
		uint32_t ci = (uint32_t)(p.v[i] & 0xFFFFFFFF);
		/* Index 0 is "unknown"; country i + 1 is refgeo's i. */
		counts[ci ? ci - 1 : n]++;
	}
	free(p.v);
	return rc;
}

static int cmp_u32_keys(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_cell(const void *a, const void *b)
{
	const struct geo_cell_count *x = a, *y = b;

	if (x->lat != y->lat)
		return x->lat < y->lat ? -1 : 1;
	return x->lon < y->lon ? -1 : x->lon > y->lon;
}

int geo_count_by_cell(struct geo *g, const struct geoarea *area,
		      const struct geo_filter *f, double cell_deg,
		      struct geo_cell_count **out, size_t *nout,
		      struct strbuf *err)
{
	struct pairs p = { 0 };
	struct geo_cell_count *cells = NULL;
	size_t i, n = 0, alloc = 0;
	uint32_t *keys;
	int rc;

	*out = NULL;
	*nout = 0;
	if (!(cell_deg >= 0.01 && cell_deg <= 90)) {
		strbuf_addf(err, "a cell of %g degrees is not between 0.01 and 90",
			    cell_deg);
		return HW_EINPUT;
	}
	p.cell_deg = cell_deg;
	p.ncols = (uint32_t)ceil(360 / cell_deg);
	rc = collect_pairs(g, area, f, each_cell, &p, err);
	if (rc)
		goto out;
	/* Count persons per cell: sort the cell keys. */
	keys = xmalloc((p.n ? p.n : 1) * sizeof(*keys));
	for (i = 0; i < p.n; i++)
		keys[i] = (uint32_t)(p.v[i] & 0xFFFFFFFF);
	sort_any(keys, p.n, sizeof(*keys), cmp_u32_keys);
	for (i = 0; i < p.n; i++) {
		if (!n || keys[i] != keys[i - 1]) {
			ALLOC_GROW(cells, n + 1, alloc);
			cells[n].lat = -90 + (keys[i] / p.ncols) * cell_deg;
			cells[n].lon = -180 + (keys[i] % p.ncols) * cell_deg;
			cells[n++].count = 0;
		}
		cells[n - 1].count++;
	}
	free(keys);
	sort_any(cells, n, sizeof(*cells), cmp_cell);
	*out = cells;
	*nout = n;
out:
	free(p.v);
	return rc;
}

/* --- nearest ------------------------------------------------------------ */

/* Entries found, with their distance to (lat, lon) when `measure`. */
struct near_acc {
	double lat, lon;
	bool measure;
	struct geo_near *v;
	size_t n, alloc;
};

static void each_near(struct collect *c, const struct cols *e, size_t i)
{
	struct near_acc *a = c->arg;
	struct geo_near *nr;

	ALLOC_GROW(a->v, a->n + 1, a->alloc);
	nr = &a->v[a->n++];
	nr->person = e->person[i];
	nr->lat = e->lat[i] / DEG_E6;
	nr->lon = e->lon[i] / DEG_E6;
	nr->km = a->measure ? geo_distance_km(a->lat, a->lon, nr->lat, nr->lon) : 0;
}

static int cmp_near(const void *a, const void *b)
{
	const struct geo_near *x = a, *y = b;

	if (x->km != y->km)
		return x->km < y->km ? -1 : 1;
	return x->person < y->person ? -1 : x->person > y->person;
}

int geo_nearest(struct geo *g, double lat, double lon, size_t k,
		const struct geo_filter *f, struct geo_near *out, size_t *nout,
		struct strbuf *err)
{
	struct near_acc a = { lat, lon, true, NULL, 0, 0 };
	double km = 5;
	size_t i, n = 0;
	int rc;

	*nout = 0;
	if (!isfinite(lat) || !isfinite(lon) || fabs(lat) > 90 || fabs(lon) > 180) {
		strbuf_addf(err, "(%g, %g) is not a position", lat, lon);
		return HW_EINPUT;
	}
	for (;;) {
		struct geoarea area = { 0 };

		geoarea_init(&area);
		rc = geoarea_add_circle(&area, lat, lon, km, err);
		if (rc)
			return rc;
		a.n = 0;
		rc = walk(g, &area, f, each_near, &a, err);
		geoarea_release(&area);
		if (rc)
			goto out;
		sort_any(a.v, a.n, sizeof(*a.v), cmp_near);
		/* Distinct persons, nearest presence first. */
		n = 0;
		for (i = 0; i < a.n && n < k; i++) {
			size_t j;
			for (j = 0; j < n && out[j].person != a.v[i].person; j++)
				;
			if (j == n)
				out[n++] = a.v[i];
		}
		if (n >= k || km >= GEO_MAX_RADIUS_KM)
			break;
		km = km * 4 < GEO_MAX_RADIUS_KM ? km * 4 : GEO_MAX_RADIUS_KM;
	}
	*nout = n;
out:
	free(a.v);
	return rc;
}

static int cmp_near_person(const void *a, const void *b)
{
	const struct geo_near *x = a, *y = b;
	int c;

	if ((c = CMP(x->person, y->person)) || (c = CMP(x->lat, y->lat)))
		return c;
	return CMP(x->lon, y->lon);
}

int geo_assign_places(struct geo *g, const struct geoarea *area,
		      const struct geo_filter *f, const struct geo_place *places,
		      size_t nplaces, struct geo_assignment **out, size_t *nout,
		      struct strbuf *err)
{
	struct near_acc a = { 0, 0, false, NULL, 0, 0 };
	struct geo_filter any = { .on = GEO_ANY_DAY };
	struct geo_presence *pp = NULL;
	struct geo_assignment *res = NULL;
	struct geo *pg = NULL;
	size_t i, n = 0;
	int rc;

	*out = NULL;
	*nout = 0;
	if (!nplaces) {
		strbuf_addstr(err, "no places to assign people to");
		return HW_EINPUT;
	}
	/* The places get an engine of their own: place i is "person" i + 1. */
	pp = xcalloc(nplaces, sizeof(*pp));
	for (i = 0; i < nplaces; i++) {
		if (!isfinite(places[i].lat) || !isfinite(places[i].lon) ||
		    fabs(places[i].lat) > 90 || fabs(places[i].lon) > 180) {
			strbuf_addf(err, "place %zu: (%g, %g) is not a position", i,
				    places[i].lat, places[i].lon);
			rc = HW_EINPUT;
			goto out;
		}
		pp[i].person = (uint32_t)i + 1;
		pp[i].lat = places[i].lat;
		pp[i].lon = places[i].lon;
		pp[i].arrival = GEO_OPEN_START;
		pp[i].departure = GEO_OPEN_END;
	}
	pg = geo_new();
	geo_add_presences(pg, pp, nplaces);
	geo_build(pg);

	rc = walk(g, area, f, each_near, &a, err);
	if (rc)
		goto out;
	/* One place per person: for the first of its matching presences in
	 * a fixed order, so the answer does not depend on the walk. */
	sort_any(a.v, a.n, sizeof(*a.v), cmp_near_person);
	res = xcalloc(a.n ? a.n : 1, sizeof(*res));
	for (i = 0; i < a.n; i++) {
		struct geo_near best;
		size_t got = 0;
		if (i && a.v[i].person == a.v[i - 1].person)
			continue;
		rc = geo_nearest(pg, a.v[i].lat, a.v[i].lon, 1, &any, &best, &got,
				 err);
		if (rc)
			goto out;
		res[n].person = a.v[i].person;
		res[n].place = best.person - 1;
		res[n].km = best.km;
		n++;
	}
	*out = res;
	*nout = n;
	res = NULL;
out:
	free(res);
	free(pp);
	free(a.v);
	geo_free(pg);
	return rc;
}
