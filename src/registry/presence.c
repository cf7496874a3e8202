/*
 * presence.c: keeping the geo engine in step with presence rows changed
 * through the API (presence.h). The engine identifies an entry by all its
 * fields, so a writer reads a presence's entry as it stands before the
 * change, and again after it, and hands both to the engine once the
 * transaction has committed. Entries are made by geo_presence_from_row(),
 * the very conversion geo_load() uses, so that an entry read here always
 * equals the one the load made from the same row.
 */
#include "core/homeward.h"
#include "registry/presence.h"

#include <pthread.h>

#include "geo/geo.h"
#include "store/store.h"

static pthread_mutex_t writes = PTHREAD_MUTEX_INITIALIZER;

void presence_writes_lock(void)
{
	pthread_mutex_lock(&writes);
}

void presence_writes_unlock(void)
{
	pthread_mutex_unlock(&writes);
}

int presence_geo_entries(struct store *st, int64_t person, int64_t presence_id,
			 struct geo_presence **out, size_t *n, struct strbuf *err)
{
	/* One presence by its id, or all of a person's: both use an index
	 * (the primary key, presence_person). */
	static const char one_sql[] = "SELECT " GEO_PRESENCE_COLUMNS
		" FROM presence WHERE id = ? AND lat IS NOT NULL";
	static const char all_sql[] = "SELECT " GEO_PRESENCE_COLUMNS
		" FROM presence WHERE person_id = ? AND lat IS NOT NULL ORDER BY id";
	struct geo_presence *v = NULL;
	struct store_stmt *s;
	size_t alloc = 0, k = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_prepare(st, presence_id ? one_sql : all_sql, &s))
		goto dberr;
	store_bind_int64(s, 1, presence_id ? presence_id : person);
	while ((rc = store_step(s)) == STORE_ROW) {
		ALLOC_GROW(v, k + 1, alloc);
		if (geo_presence_from_row(s, &v[k]) == HW_OK)
			k++;
	}
	store_reset(s);
	if (rc < 0) {
		free(v);
		goto dberr;
	}
	*out = v;
	*n = k;
	return HW_OK;
dberr:
	strbuf_addf(err, "cannot read presences: %s", store_errmsg(st));
	return HW_EDB;
}

void presence_geo_remove(struct geo *g, const struct geo_presence *p, size_t n)
{
	size_t i;

	/* HW_ENOTFOUND means the engine no longer holds it: nothing to do. */
	for (i = 0; i < n; i++)
		(void)geo_remove(g, &p[i]);
}

void presence_geo_add(struct geo *g, const struct geo_presence *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		(void)geo_add(g, &p[i]);
}
