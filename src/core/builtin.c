/*
 * builtin.c: lookup in the table of embedded files that tools/mkbuiltin
 * generates (see builtin.h).
 */
#include "core/homeward.h"
#include "core/builtin.h"

const struct builtin_file *builtin_find(const char *name)
{
	size_t lo = 0, hi = builtin_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, builtin_files[mid].name);
		if (!c)
			return &builtin_files[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int builtin_each(const char *prefix,
		 int (*fn)(const struct builtin_file *f, void *arg), void *arg)
{
	size_t i, n = strlen(prefix);
	int rc;

	for (i = 0; i < builtin_count; i++) {
		if (strncmp(builtin_files[i].name, prefix, n))
			continue;
		rc = fn(&builtin_files[i], arg);
		if (rc)
			return rc;
	}
	return 0;
}
