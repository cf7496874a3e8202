/*
 * needs.h: the vocabulary of needs, the special needs a person may have
 * (wheelchair, medical, pregnant...). Shared by the registry (validation of
 * the needs column), the geo engine (needs as bits, for filters) and the
 * wings that plan for them; its order is the bit order, so new needs go at
 * the end.
 */
#ifndef HW_NEEDS_H
#define HW_NEEDS_H

#include <stddef.h>
#include <stdint.h>

/* The known needs, in canonical order (bit i is needs_names[i]). */
extern const char *const needs_names[];
extern const size_t needs_count;

/* The needs of a canonical needs value ("medical;wheelchair") as a bit
 * set, bit i for needs_names[i]; unknown names are ignored; NULL or "" is
 * 0. Thread-safe. */
uint32_t needs_bits(const char *canonical);

#endif
