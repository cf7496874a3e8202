/*
 * strmap.h: a hash map from byte strings to 64-bit values, for the millions
 * of keys an import tracks (external ids, party ids, organisation names).
 *
 * Keys are copied into an arena owned by the map; values are usually
 * indexes into an array the caller keeps. Open addressing, no deletion.
 * Not thread-safe.
 */
#ifndef HW_STRMAP_H
#define HW_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_entry {
	uint64_t hash;
	const char *key;   /* NUL-terminated copy, owned by the map */
	size_t len;
	uint64_t value;
};

struct strmap {
	struct strmap_entry *slots;
	size_t alloc;      /* a power of two, or 0 */
	size_t used;
	char **blocks;     /* key arena */
	size_t nblocks, blocks_alloc;
	size_t block_used, block_size;
};

void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);

/*
 * The entry for `key`, created with value 0 if it was missing (then
 * *created is true). The pointer is valid until the next insertion.
 */
struct strmap_entry *strmap_get_or_add(struct strmap *m, const char *key,
				       size_t len, bool *created);
/* The entry for `key`, or NULL. */
struct strmap_entry *strmap_find(const struct strmap *m, const char *key,
				 size_t len);

/* A fast 64-bit hash of bytes (not for secrets). */
uint64_t hw_hash64(const void *p, size_t len);

#endif
