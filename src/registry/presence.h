/*
 * presence.h: keeping the geo engine in step with presence rows written
 * through the API. A handler changes presence rows in its transaction,
 * and only after the commit tells the engine, so that the engine never
 * holds a location the database does not.
 */
#ifndef HW_PRESENCE_H
#define HW_PRESENCE_H

#include <stddef.h>
#include <stdint.h>

struct geo;
struct geo_presence;
struct store;
struct strbuf;

/*
 * The geo engine's entries for the presences with a point of person
 * `person` (all of them), or of the one presence `presence_id` when it is
 * not 0, exactly as geo_load() would have made them. *out is the caller's
 * to free(). HW_EDB with a message on failure.
 */
int presence_geo_entries(struct store *st, int64_t person, int64_t presence_id,
			 struct geo_presence **out, size_t *n, struct strbuf *err);

/*
 * Every writer of presence rows that then updates the engine holds this
 * lock from before its transaction begins until the engine is updated, so
 * that changes reach the engine in the order they reached the database
 * (two writers could otherwise commit in one order and update the engine
 * in the other, leaving a stale entry). Held only around short writes.
 */
void presence_writes_lock(void);
void presence_writes_unlock(void);

/* Remove `n` entries from the engine (entries already gone are skipped). */
void presence_geo_remove(struct geo *g, const struct geo_presence *p, size_t n);
/* Add `n` entries to the engine. */
void presence_geo_add(struct geo *g, const struct geo_presence *p, size_t n);

#endif
