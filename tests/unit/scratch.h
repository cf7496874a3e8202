/*
 * scratch.h: what the unit tests that write files share. Header-only: a
 * test program includes it once.
 *
 * scratch_make() makes a private directory $TMPDIR/hw-test-NAME-XXXXXX
 * (/tmp when TMPDIR is unset or not an absolute path) into dir[size]: 0,
 * or -1 (a cmocka setup's failure). scratch_remove() removes it with all it
 * holds. count_rows() runs a query answering one number: the number, or
 * -1 if it failed.
 */
#ifndef HW_TEST_SCRATCH_H
#define HW_TEST_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>

#include "bench/bench.h"
#include "store/store.h"

static inline int scratch_make(char *dir, size_t size, const char *name)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || tmp[0] != '/')
		tmp = "/tmp";
	if ((size_t)snprintf(dir, size, "%s/hw-test-%s-XXXXXX", tmp, name) >= size)
		return -1;
	return mkdtemp(dir) ? 0 : -1;
}

static inline void scratch_remove(const char *dir)
{
	bench_remove_tree(dir);
}

static inline int64_t count_rows(struct store *st, const char *sql)
{
	struct store_stmt *s;
	int64_t n = -1;

	if (store_prepare(st, sql, &s))
		return -1;
	if (store_step(s) == STORE_ROW)
		n = store_col_int64(s, 0);
	store_reset(s);
	return n;
}

#endif
