/*
 * strmap.c: the string-keyed hash map of strmap.h, with linear probing and
 * keys in an arena of large blocks (no malloc per key).
 */
#include "core/homeward.h"
#include "core/strmap.h"

uint64_t hw_hash64(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len;
	size_t i = 0;

	/* Eight bytes at a time, mixed with a multiply-xorshift. */
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	for (; i < len; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
	m->block_size = 1 << 20;
}

void strmap_release(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->nblocks; i++)
		free(m->blocks[i]);
	free(m->blocks);
	free(m->slots);
	strmap_init(m);
}

static const char *arena_copy(struct strmap *m, const char *key, size_t len)
{
	char *dst;

	if (!m->nblocks || m->block_used + len + 1 > m->block_size) {
		size_t size = len + 1 > m->block_size ? len + 1 : m->block_size;
		ALLOC_GROW(m->blocks, m->nblocks + 1, m->blocks_alloc);
		m->blocks[m->nblocks++] = xmalloc(size);
		m->block_used = 0;
		if (size > m->block_size) {
			/* An outsized key gets a block of its own; the next
			 * key starts a fresh one. */
			memcpy(m->blocks[m->nblocks - 1], key, len);
			m->blocks[m->nblocks - 1][len] = '\0';
			m->block_used = m->block_size;
			return m->blocks[m->nblocks - 1];
		}
	}
	dst = m->blocks[m->nblocks - 1] + m->block_used;
	memcpy(dst, key, len);
	dst[len] = '\0';
	m->block_used += len + 1;
	return dst;
}

static void rehash(struct strmap *m)
{
	struct strmap_entry *old = m->slots;
	size_t n = m->alloc, i;

	m->alloc = n ? n * 2 : 1024;
	m->slots = xcalloc(m->alloc, sizeof(*m->slots));
	for (i = 0; i < n; i++) {
		size_t mask = m->alloc - 1, j;
		if (!old[i].key)
			continue;
		for (j = old[i].hash & mask; m->slots[j].key; j = (j + 1) & mask)
			;
		m->slots[j] = old[i];
	}
	free(old);
}

struct strmap_entry *strmap_find(const struct strmap *m, const char *key,
				 size_t len)
{
	uint64_t h = hw_hash64(key, len);
	size_t mask, i;

	if (!m->alloc)
		return NULL;
	mask = m->alloc - 1;
	for (i = h & mask; m->slots[i].key; i = (i + 1) & mask) {
		struct strmap_entry *e = &m->slots[i];
		if (e->hash == h && e->len == len && !memcmp(e->key, key, len))
			return e;
	}
	return NULL;
}

struct strmap_entry *strmap_get_or_add(struct strmap *m, const char *key,
				       size_t len, bool *created)
{
	uint64_t h = hw_hash64(key, len);
	struct strmap_entry *e;
	size_t mask, i;

	if ((m->used + 1) * 4 > m->alloc * 3)
		rehash(m);
	mask = m->alloc - 1;
	for (i = h & mask; m->slots[i].key; i = (i + 1) & mask) {
		e = &m->slots[i];
		if (e->hash == h && e->len == len && !memcmp(e->key, key, len)) {
			*created = false;
			return e;
		}
	}
	e = &m->slots[i];
	e->hash = h;
	e->key = arena_copy(m, key, len);
	e->len = len;
	e->value = 0;
	m->used++;
	*created = true;
	return e;
}
