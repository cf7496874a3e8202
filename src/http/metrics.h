/*
 * metrics.h: request counters and latency histograms for /metrics, in the
 * Prometheus text format. Counting is lock-free (atomic adds), so every
 * worker thread records its requests without waiting on the others.
 */
#ifndef HW_METRICS_H
#define HW_METRICS_H

#include <stddef.h>

struct route;
struct strbuf;
struct metrics;

/* Counters for `nroutes` routes, plus one slot for requests that matched
 * no route. */
struct metrics *metrics_new(size_t nroutes);
void metrics_free(struct metrics *m);

/* Record one request: its route's index (or (size_t)-1 for none), its
 * response status and how long it took. Thread-safe. */
void metrics_observe(struct metrics *m, size_t route, int status,
		     double seconds);

/* Append homeward_http_requests_total{route,method,status} and
 * homeward_http_request_duration_seconds (histogram per route). */
void metrics_render(struct metrics *m, const struct route *routes,
		    size_t nroutes, struct strbuf *out);

#endif
