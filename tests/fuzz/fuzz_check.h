/*
 * fuzz_check.h: the checks the fuzz targets share, written apart from the
 * product's own code so that they can catch it out. Header-only.
 *
 * fuzz_utf8_ok: whether s[0 .. len) is valid UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF).
 * fuzz_check_message: abort() unless an error message is non-empty, one
 * line (no C0 control character, no DEL, no NUL inside) of valid UTF-8.
 */
#ifndef HW_FUZZ_CHECK_H
#define HW_FUZZ_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline bool fuzz_utf8_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n, k;
		uint32_t v;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 2, v = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 3, v = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 4, v = c & 0x07;
		else
			return false;
		if (len - i < n)
			return false;
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
			v = v << 6 | (p[i + k] & 0x3F);
		}
		if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) ||
		    v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			return false;
		i += n;
	}
	return true;
}

static inline void fuzz_check_message(const struct strbuf *msg)
{
	size_t i;

	if (!msg->len || strlen(msg->buf) != msg->len)
		abort();
	for (i = 0; i < msg->len; i++)
		if ((unsigned char)msg->buf[i] < 0x20 || msg->buf[i] == 0x7f)
			abort();
	if (!fuzz_utf8_ok(msg->buf, msg->len))
		abort();
}

#endif
