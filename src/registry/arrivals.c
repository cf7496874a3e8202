/*
 * arrivals.c: the listeners of arrivals.h. Registered once at start and
 * read afterwards from any thread, so no lock is needed.
 */
#include "core/homeward.h"
#include "registry/arrivals.h"

#include <assert.h>
#include <stdlib.h>

static arrivals_fn listeners[ARRIVALS_MAX];
static size_t nlisteners;

void arrivals_listen(arrivals_fn fn)
{
	for (size_t i = 0; i < nlisteners; i++)
		if (listeners[i] == fn)
			return;
	if (nlisteners == ARRIVALS_MAX)
		abort();
	listeners[nlisteners++] = fn;
}

int arrivals_announce(struct store *st, const char *stamp, const char *actor,
		      const char *reason, int64_t *joined, struct strbuf *err)
{
	int rc;

	for (size_t i = 0; i < nlisteners; i++)
		if ((rc = listeners[i](st, stamp, actor, reason, joined, err)))
			return rc;
	return HW_OK;
}
