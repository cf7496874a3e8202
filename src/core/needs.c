/*
 * needs.c: the vocabulary of needs (needs.h).
 */
#include "core/homeward.h"
#include "core/needs.h"

const char *const needs_names[] = {
	"wheelchair", "reduced-mobility", "medical", "medication", "pregnant",
	"infant", "child", "elderly", "visual", "hearing", "cognitive",
	"dialysis", "oxygen", "unaccompanied-minor",
};
const size_t needs_count = ARRAY_SIZE(needs_names);

uint32_t needs_bits(const char *canonical)
{
	const char *p = canonical ? canonical : "";
	uint32_t bits = 0;

	while (*p) {
		size_t n = strcspn(p, ";");
		for (size_t i = 0; i < needs_count; i++)
			if (strlen(needs_names[i]) == n && !memcmp(needs_names[i], p, n))
				bits |= (uint32_t)1 << i;
		p += n;
		if (*p == ';')
			p++;
	}
	return bits;
}
