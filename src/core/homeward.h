/*
 * homeward.h: the header every Homeward source file includes first.
 *
 * It pulls in the standard headers used everywhere, the error convention
 * (err.h), the string buffer (strbuf.h) and the allocation wrappers below,
 * and last of all banned.h, so that unsafe string functions fail to compile.
 */
#ifndef HW_HOMEWARD_H
#define HW_HOMEWARD_H

#define _GNU_SOURCE 1

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strbuf.h"

#define HW_VERSION "0.1.0"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Allocation wrappers. Running out of memory is not an error Homeward can
 * recover from in a useful way (Git and Redis take the same view), so these
 * print a message and abort instead of returning NULL. Never return NULL.
 */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Grow the array `*p` of `*alloc` elements of `size` bytes to hold `need`. */
void hw_grow(void **p, size_t size, size_t need, size_t *alloc);
#define ALLOC_GROW(p, need, alloc) \
	hw_grow((void **)&(p), sizeof(*(p)), (need), &(alloc))

#include "core/banned.h"

#endif
