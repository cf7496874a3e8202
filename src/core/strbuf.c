/*
 * strbuf.c: the growable string buffer (see strbuf.h), and the allocation
 * wrappers declared in homeward.h.
 */
#include "core/homeward.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

char strbuf_slopbuf[1];

static void oom(size_t n)
{
	fprintf(stderr, "homeward: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void hw_grow(void **p, size_t size, size_t need, size_t *alloc)
{
	size_t n;

	if (need <= *alloc)
		return;
	n = *alloc ? *alloc : 16;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			oom(SIZE_MAX);
		n *= 2;
	}
	if (n > SIZE_MAX / size)
		oom(SIZE_MAX);
	*p = xrealloc(*p, n * size);
	*alloc = n;
}

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = 0;
	sb->len = 0;
	sb->buf = strbuf_slopbuf;
	if (hint)
		strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
	if (!sb)
		return;
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *s;

	if (!sb->alloc)
		strbuf_grow(sb, 0);
	s = sb->buf;
	if (len)
		*len = sb->len;
	strbuf_init(sb, 0);
	return s;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	bool fresh = !sb->alloc;
	size_t need;

	if (sb->len > SIZE_MAX - extra - 1)
		oom(SIZE_MAX);
	need = sb->len + extra + 1;
	if (fresh)
		sb->buf = NULL;
	if (need > sb->alloc) {
		size_t n = sb->alloc ? sb->alloc : 64;
		while (n < need)
			n = n < SIZE_MAX / 2 ? n * 2 : need;
		sb->buf = xrealloc(sb->buf, n);
		sb->alloc = n;
	}
	if (fresh)
		sb->buf[0] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	assert(len <= (sb->alloc ? sb->alloc - 1 : 0));
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	strbuf_setlen(sb, sb->len + len);
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other)
{
	assert(sb != other);
	strbuf_add(sb, other->buf, other->len);
}

void strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	strbuf_grow(sb, 64);
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0) {
		fprintf(stderr, "homeward: bad format string '%s'\n", fmt);
		abort();
	}
	if ((size_t)n >= sb->alloc - sb->len) {
		strbuf_grow(sb, (size_t)n);
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	}
	strbuf_setlen(sb, sb->len + (size_t)n);
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_addjson(struct strbuf *sb, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	strbuf_grow(sb, len + 2);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': strbuf_add(sb, "\\\"", 2); break;
		case '\\': strbuf_add(sb, "\\\\", 2); break;
		case '\n': strbuf_add(sb, "\\n", 2); break;
		case '\r': strbuf_add(sb, "\\r", 2); break;
		case '\t': strbuf_add(sb, "\\t", 2); break;
		default:
			if (c < 0x20) {
				char esc[6] = { '\\', 'u', '0', '0',
						hex[c >> 4], hex[c & 15] };
				strbuf_add(sb, esc, 6);
			} else {
				strbuf_addch(sb, c);
			}
		}
	}
}

void strbuf_rtrim(struct strbuf *sb)
{
	while (sb->len > 0 && (sb->buf[sb->len - 1] == ' ' ||
			       sb->buf[sb->len - 1] == '\t' ||
			       sb->buf[sb->len - 1] == '\n' ||
			       sb->buf[sb->len - 1] == '\r'))
		sb->len--;
	if (sb->alloc)
		sb->buf[sb->len] = '\0';
}

size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n, k;
	uint32_t v, min;

	if (c < 0x80) {
		if (cp)
			*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2; v = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3; v = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[k] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	if (cp)
		*cp = v;
	return n;
}

static bool ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void strbuf_add_clean(struct strbuf *sb, const char *s, size_t len, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, out = 0, n;
	uint32_t cp;

	while (i < len) {
		if (out >= max) {
			strbuf_addstr(sb, "...");
			return;
		}
		if (ascii_space(u[i])) {
			strbuf_addch(sb, ' ');
			out++;
			while (i < len && ascii_space(u[i]))
				i++;
			continue;
		}
		n = utf8_decode(u + i, len - i, &cp);
		if (!n || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			strbuf_addch(sb, '?');
			i += n ? n : 1;
			out++;
			continue;
		}
		strbuf_add(sb, s + i, n);
		i += n;
		out += n;
	}
}

void strbuf_add_quoted(struct strbuf *sb, const char *s, size_t len, size_t max)
{
	strbuf_addch(sb, '\'');
	strbuf_add_clean(sb, s, len, max);
	strbuf_addch(sb, '\'');
}

int strbuf_read_file(struct strbuf *sb, const char *path, size_t max,
		     struct strbuf *err)
{
	char buf[65536];
	size_t start = sb->len;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (err)
			strbuf_addf(err, "cannot open '%s': %s", path, strerror(errno));
		return HW_EINPUT;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		strbuf_add(sb, buf, (size_t)n);
		if (max && sb->len - start > max) {
			if (err && !(max & ((1u << 20) - 1)))
				strbuf_addf(err, "'%s' is larger than %zu MiB", path,
					    max >> 20);
			else if (err)
				strbuf_addf(err, "'%s' is larger than %zu bytes", path,
					    max);
			close(fd);
			return HW_EINPUT;
		}
	}
	close(fd);
	if (n < 0) {
		if (err)
			strbuf_addf(err, "cannot read '%s': %s", path, strerror(errno));
		return HW_EIO;
	}
	return HW_OK;
}

bool str_next_item(const char **cursor, const char *seps, const char **item,
		   size_t *len)
{
	const char *p = *cursor + strspn(*cursor, seps);

	if (!*p) {
		*cursor = p;
		return false;
	}
	*item = p;
	*len = strcspn(p, seps);
	*cursor = p + *len;
	return true;
}
