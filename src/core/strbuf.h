/*
 * strbuf.h: the one growable string buffer of Homeward (after Git's strbuf).
 *
 * A strbuf is always NUL-terminated, even when empty, so sb.buf can be handed
 * to any C string function. The caller owns a strbuf it initialised and frees
 * it with strbuf_release(); strbuf_detach() hands the buffer over instead.
 * Growth is overflow-checked; allocation failure aborts (see homeward.h).
 * Not thread-safe: a strbuf belongs to one thread at a time.
 */
#ifndef HW_STRBUF_H
#define HW_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf {
	size_t alloc; /* bytes allocated for buf, 0 while buf is the shared "" */
	size_t len;   /* length of the string, not counting the NUL */
	char *buf;    /* the string, always NUL-terminated */
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

/* Set up an empty buffer with room for `hint` bytes (0: none yet). */
void strbuf_init(struct strbuf *sb, size_t hint);
/* Free what the buffer holds; it is left empty and reusable. NULL-safe. */
void strbuf_release(struct strbuf *sb);
/* Return the string, now owned by the caller (free()); the buffer is reset. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
/* Make room for `extra` more bytes beyond len. */
void strbuf_grow(struct strbuf *sb, size_t extra);
/* Set the length to `len` (<= current length plus room) and terminate. */
void strbuf_setlen(struct strbuf *sb, size_t len);
static inline void strbuf_reset(struct strbuf *sb) { strbuf_setlen(sb, 0); }

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
/* Append the contents of `other` (which may not be `sb` itself). */
void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Append `s` as the body of a double-quoted JSON string (without the quotes):
 * quote, backslash and control characters escaped; bytes >= 0x80 copied as
 * they are, so `s` must be valid UTF-8.
 */
void strbuf_addjson(struct strbuf *sb, const char *s, size_t len);


/*
 * Decode the UTF-8 sequence at `s` (with `avail` >= 1 bytes left): its
 * length in bytes, with the code point in *cp (cp may be NULL), or 0 if it
 * is malformed, truncated, overlong or a surrogate.
 */
size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);

/*
 * Append text from outside (a file, a request, a document) to a message:
 * at most about `max` bytes of it, then "..."; each run of whitespace
 * (space, tab, CR, LF) becomes one space, other control characters (C0,
 * DEL, C1) and bytes that are not UTF-8 become '?'. The message stays one
 * line of valid UTF-8 whatever the text holds. strbuf_add_quoted() puts
 * it in single quotes.
 */
void strbuf_add_clean(struct strbuf *sb, const char *s, size_t len, size_t max);
void strbuf_add_quoted(struct strbuf *sb, const char *s, size_t len, size_t max);

/* Remove trailing whitespace. */
void strbuf_rtrim(struct strbuf *sb);

/*
 * Append the whole file `path` (at most `max` bytes; 0: no limit). HW_OK;
 * HW_EINPUT when it cannot be opened or is larger ("cannot open 'PATH':
 * REASON", "'PATH' is larger than N MiB", or N bytes); HW_EIO when reading fails.
 * The message goes to `err` (which may be NULL).
 */
int strbuf_read_file(struct strbuf *sb, const char *path, size_t max,
		     struct strbuf *err);

/*
 * The next item of a list such as "NP,BT" or "medical, wheelchair": skips
 * any of the separator bytes `seps` at *cursor, then sets *item and *len
 * to the run up to the next separator and moves *cursor past it. false
 * when nothing is left. The text is not changed (strtok and strtok_r are
 * banned: they write into it).
 */
bool str_next_item(const char **cursor, const char *seps, const char **item,
		   size_t *len);

#endif
