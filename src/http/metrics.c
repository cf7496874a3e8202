/*
 * metrics.c: per-route request counts by status and latency histograms,
 * kept in fixed arrays of atomic counters. See metrics.h.
 */
#include "core/homeward.h"
#include "http/metrics.h"

#include <stdint.h>

#include "http/api.h"
#include "core/strbuf.h"

/* The statuses counted one by one; any other lands in "other". */
static const int statuses[] = { 200, 201, 204, 304, 400, 401, 403, 404, 405,
				409, 413, 415, 422, 429, 500, 503 };
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]) + 1)

/* Histogram upper bounds in seconds (le); +Inf is implicit. */
static const double bounds[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
				 0.05, 0.1, 0.25, 0.5, 1, 2.5 };
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))

struct route_metrics {
	uint64_t by_status[NSTATUS];
	uint64_t buckets[NBOUNDS + 1];
	uint64_t count;
	uint64_t sum_us;
};

struct metrics {
	size_t n;                     /* routes + 1 */
	struct route_metrics *r;
};

struct metrics *metrics_new(size_t nroutes)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	m->n = nroutes + 1;
	m->r = xcalloc(m->n, sizeof(*m->r));
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	free(m->r);
	free(m);
}

static size_t status_slot(int status)
{
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

void metrics_observe(struct metrics *m, size_t route, int status,
		     double seconds)
{
	struct route_metrics *r = &m->r[route < m->n - 1 ? route : m->n - 1];
	size_t b = 0;

	while (b < NBOUNDS && seconds > bounds[b])
		b++;
	__atomic_fetch_add(&r->by_status[status_slot(status)], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->buckets[b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->count, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->sum_us, (uint64_t)(seconds * 1e6), __ATOMIC_RELAXED);
}

static uint64_t load(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

void metrics_render(struct metrics *m, const struct route *routes,
		    size_t nroutes, struct strbuf *out)
{
	strbuf_addstr(out, "# HELP homeward_http_requests_total HTTP requests by route and status.\n"
		      "# TYPE homeward_http_requests_total counter\n");
	for (size_t i = 0; i < m->n; i++) {
		const char *method = i < nroutes ? routes[i].method : "any";
		const char *pattern = i < nroutes ? routes[i].pattern : "unmatched";
		for (size_t s = 0; s < NSTATUS; s++) {
			uint64_t v = load(&m->r[i].by_status[s]);
			if (!v)
				continue;
			if (s < NSTATUS - 1)
				strbuf_addf(out, "homeward_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n",
					    method, pattern, statuses[s], (unsigned long long)v);
			else
				strbuf_addf(out, "homeward_http_requests_total{method=\"%s\",route=\"%s\",status=\"other\"} %llu\n",
					    method, pattern, (unsigned long long)v);
		}
	}
	strbuf_addstr(out, "# HELP homeward_http_request_duration_seconds Time from request to response.\n"
		      "# TYPE homeward_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < m->n; i++) {
		const char *method = i < nroutes ? routes[i].method : "any";
		const char *pattern = i < nroutes ? routes[i].pattern : "unmatched";
		uint64_t count = load(&m->r[i].count), cum = 0;
		if (!count)
			continue;
		for (size_t b = 0; b <= NBOUNDS; b++) {
			cum += load(&m->r[i].buckets[b]);
			if (b < NBOUNDS)
				strbuf_addf(out, "homeward_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
					    method, pattern, bounds[b], (unsigned long long)cum);
			else
				strbuf_addf(out, "homeward_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n",
					    method, pattern, (unsigned long long)cum);
		}
		strbuf_addf(out, "homeward_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n",
			    method, pattern, (double)load(&m->r[i].sum_us) / 1e6);
		strbuf_addf(out, "homeward_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
			    method, pattern, (unsigned long long)count);
	}
}
