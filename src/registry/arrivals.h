/*
 * arrivals.h: the registry's announcement that persons arrived somewhere.
 *
 * When an import writes presences, wings above the registry may have to
 * act (an open incident's roster takes in whoever arrives inside its
 * area). The registry does not know them: a higher wing registers a
 * listener at start (crisis/incident.h, incident_listen_arrivals) and the
 * importer announces what it wrote, inside its own transaction, so that
 * the listeners' writes commit or roll back with the import.
 */
#ifndef HW_ARRIVALS_H
#define HW_ARRIVALS_H

#include <stdint.h>

struct store;
struct strbuf;

/*
 * A listener: the presences written in this transaction with updated_at =
 * `stamp` (an ISO time) arrived. `actor` and `reason` ("imported") are for
 * its records. It adds what it took in to *joined (roster entries, for the
 * import's summary). HW_OK, or an error code with a message in `err`,
 * which fails the import.
 */
typedef int (*arrivals_fn)(struct store *st, const char *stamp,
			   const char *actor, const char *reason,
			   int64_t *joined, struct strbuf *err);

/* Register `fn`. Call at start, before any thread runs; at most
 * ARRIVALS_MAX listeners (a broken invariant beyond: abort). */
#define ARRIVALS_MAX 4
void arrivals_listen(arrivals_fn fn);

/* Tell every listener, in the order they registered; stops at the first
 * error and returns it. HW_OK when nobody listens. */
int arrivals_announce(struct store *st, const char *stamp, const char *actor,
		      const char *reason, int64_t *joined, struct strbuf *err);

#endif
