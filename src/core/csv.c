/*
 * csv.c: the RFC 4180 reader and field writer of csv.h.
 *
 * Imports run over files with tens of millions of rows, so the reader is
 * built for speed: it read(2)s large blocks into one buffer and finds each
 * line with memchr. A line without any quote (nearly every line of a real
 * file) is copied in one memcpy and split on commas; only lines with a quote
 * go through the byte-by-byte state machine. Fields are copied out of the
 * read buffer into a scratch buffer rather than unquoted in place, because
 * the importer needs each record's bytes exactly as they appeared, for the
 * rejects file. The buffer doubles when a record is longer than it, up to a
 * limit, so that a stray quote cannot make the reader swallow a whole file.
 *
 * Line numbers are not tracked byte by byte: a quote-free line advances the
 * count by one, and only records with quotes, and errors, count newlines.
 */
#include "core/homeward.h"
#include "core/csv.h"

#include <unistd.h>

#define CSV_BLOCK_DEFAULT ((size_t)1 << 20)
#define CSV_MAX_RECORD_DEFAULT ((size_t)64 << 20)

struct csv_reader {
	int fd;
	char *name;
	char *buf;            /* bytes [start, end) are read but not consumed */
	size_t cap;
	size_t start, end;
	char *scratch;        /* the unquoted fields, cap + 1 bytes */
	struct csv_field *fields;
	size_t fields_alloc;
	uint64_t line;        /* physical line number of buf[start] */
	uint64_t offset;      /* input offset of buf[start] */
	size_t block;         /* first buffer size */
	size_t max_record;    /* the buffer never grows beyond this */
	size_t quote;         /* index in buf of the next quote at or after
				 start, or end if none; valid if quote_known */
	bool quote_known;
	bool eof;             /* read(2) returned 0 */
	bool started;         /* the byte-order mark check is done */
	bool discarding;      /* skip input up to the next newline first */
};

/* Returned by more() when the record does not fit in max_record bytes. */
#define CSV_TOO_LONG 1

struct csv_reader *csv_reader_new(int fd, const char *name)
{
	struct csv_reader *r = xcalloc(1, sizeof(*r));

	r->fd = fd;
	r->name = xstrdup(name ? name : "input");
	r->line = 1;
	r->block = CSV_BLOCK_DEFAULT;
	r->max_record = CSV_MAX_RECORD_DEFAULT;
	return r;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->buf);
	free(r->scratch);
	free(r->fields);
	free(r);
}

void csv_reader_set_limits(struct csv_reader *r, size_t block,
			   size_t max_record)
{
	assert(!r->buf);
	assert(block >= 1 && max_record >= block);
	r->block = block;
	r->max_record = max_record;
}

uint64_t csv_reader_offset(const struct csv_reader *r)
{
	return r->offset;
}

/*
 * Read more input after r->end, keeping the unconsumed bytes: they move to
 * the front of the buffer, which doubles when they fill it. Returns HW_OK
 * (r->eof is set when the input has ended), HW_EIO, or CSV_TOO_LONG when
 * the unconsumed bytes already fill max_record.
 */
static int more(struct csv_reader *r, struct strbuf *err)
{
	size_t have = r->end - r->start;
	ssize_t n;

	r->quote_known = false;
	if (!r->buf) {
		r->cap = r->block;
		r->buf = xmalloc(r->cap);
		r->scratch = xmalloc(r->cap + 1);
	}
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, have);
		r->start = 0;
		r->end = have;
	}
	if (r->end == r->cap) {
		if (r->cap >= r->max_record)
			return CSV_TOO_LONG;
		r->cap = r->cap > r->max_record / 2 ? r->max_record : r->cap * 2;
		r->buf = xrealloc(r->buf, r->cap);
		r->scratch = xrealloc(r->scratch, r->cap + 1);
	}
	do {
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		strbuf_addf(err, "cannot read '%s': %s", r->name, strerror(errno));
		return HW_EIO;
	}
	if (n == 0)
		r->eof = true;
	r->end += (size_t)n;
	return HW_OK;
}

static uint64_t count_newlines(const char *p, size_t len)
{
	const char *end = p + len;
	uint64_t n = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

/* Hand `len` bytes at the front of the buffer over as consumed. */
static void consume(struct csv_reader *r, size_t len, uint64_t newlines)
{
	r->start += len;
	r->offset += len;
	r->line += newlines;
}

static inline void add_field(struct csv_reader *r, size_t nf, size_t len)
{
	if (nf >= r->fields_alloc)
		ALLOC_GROW(r->fields, nf + 1, r->fields_alloc);
	r->fields[nf].len = len;
}

/* Point each field into the scratch buffer, where they lie back to back. */
static void fill_record(struct csv_reader *r, struct csv_record *rec,
			size_t nf, size_t rawlen)
{
	const char *s = r->scratch;
	size_t k;

	for (k = 0; k < nf; k++) {
		r->fields[k].s = s;
		s += r->fields[k].len + 1;
	}
	rec->fields = r->fields;
	rec->nfields = nf;
	rec->line = r->line;
	rec->offset = r->offset;
	rec->raw = r->buf + r->start;
	rec->rawlen = rawlen;
}

/*
 * Report a malformed record and skip to the line after offset `anchor`
 * (relative to the record's start). The skipped bytes become the record's
 * raw bytes, with no fields. If no newline follows within max_record bytes,
 * the rest of that line is discarded by the next csv_read().
 */
static int fail(struct csv_reader *r, struct csv_record *rec, size_t anchor,
		size_t column, const char *reason, struct strbuf *err)
{
	uint64_t line = r->line + count_newlines(r->buf + r->start, anchor);
	size_t i = anchor, skip;
	const char *nl;
	int rc;

	strbuf_addf(err, "%" PRIu64 ":%zu: %s", line, column, reason);
	for (;;) {
		nl = memchr(r->buf + r->start + i, '\n', r->end - r->start - i);
		if (nl) {
			skip = (size_t)(nl - (r->buf + r->start)) + 1;
			break;
		}
		if (r->eof) {
			skip = r->end - r->start;
			break;
		}
		i = r->end - r->start;
		rc = more(r, err);
		if (rc == CSV_TOO_LONG) {
			skip = r->end - r->start;
			r->discarding = true;
			break;
		}
		if (rc < 0)
			return rc;
	}
	fill_record(r, rec, 0, skip);
	consume(r, skip, count_newlines(r->buf + r->start, skip));
	return HW_EINPUT;
}

/*
 * Parse a record containing a quote, byte by byte. Offsets are relative to
 * r->start because more() may move or reallocate the buffer.
 */
static int parse_quoted(struct csv_reader *r, struct csv_record *rec,
			struct strbuf *err)
{
	const char *b = r->buf + r->start;
	size_t n = r->end - r->start;
	size_t i = 0, o = 0, nf = 0, fo, q;
	const char *p;
	int rc;
	char c = 0;

/* Make byte i available unless the input ends first; refreshes b and n. */
#define NEED(i, toolong_anchor)                                              \
	while ((i) >= n && !r->eof) {                                        \
		rc = more(r, err);                                           \
		if (rc == CSV_TOO_LONG)                                      \
			return fail(r, rec, (toolong_anchor), nf + 1,        \
				    "the record is too long (a quoted field "   \
				    "never closed?)", err);                  \
		if (rc < 0)                                                  \
			return rc;                                           \
		b = r->buf + r->start;                                       \
		n = r->end - r->start;                                       \
	}

	for (;;) {
		fo = o;
		NEED(i, i);
		if (i < n && b[i] == '"') {
			q = i++;
			for (;;) {
				p = memchr(b + i, '"', n - i);
				if (!p) {
					if (r->eof)
						return fail(r, rec, q, nf + 1,
							    "a quoted field is never closed",
							    err);
					memcpy(r->scratch + o, b + i, n - i);
					o += n - i;
					i = n;
					NEED(i, q);
					continue;
				}
				memcpy(r->scratch + o, b + i, (size_t)(p - (b + i)));
				o += (size_t)(p - (b + i));
				i = (size_t)(p - b) + 1;
				NEED(i, q);
				if (i < n && b[i] == '"') {
					r->scratch[o++] = '"';
					i++;
					continue;
				}
				break;
			}
			if (i == n)
				goto last_field;
			c = b[i];
			if (c == ',') {
				i++;
				goto next_field;
			}
			if (c == '\n') {
				i++;
				goto last_field;
			}
			if (c == '\r') {
				NEED(i + 1, i);
				if (i + 1 == n) {
					i++;
					goto last_field;
				}
				if (b[i + 1] == '\n') {
					i += 2;
					goto last_field;
				}
			}
			/* A quoted field that ran over a line end and then
			 * misbehaves was most likely never meant to span
			 * lines: its opening quote lacks its pair. Say so at
			 * the opening quote and resume on the next line. */
			if (memchr(b + q, '\n', i - q))
				return fail(r, rec, q, nf + 1,
					    "a quoted field opened here is only "
					    "closed on a later line, and is followed "
					    "by other characters there (is a quote "
					    "missing its pair?)", err);
			return fail(r, rec, i, nf + 1,
				    "characters after the closing quote of a "
				    "quoted field", err);
		}
		for (;;) {
			while (i < n && (c = b[i]) != ',' && c != '\n' &&
			       c != '"') {
				r->scratch[o++] = c;
				i++;
			}
			if (i < n)
				break;
			if (r->eof)
				goto strip_cr;
			NEED(i, i);
		}
		if (c == '"')
			return fail(r, rec, i, nf + 1,
				    "a quote inside an unquoted field (put the "
				    "field in quotes and double the quote: "
				    "\"a \"\"b\"\"\")", err);
		if (c == ',') {
			i++;
			goto next_field;
		}
		i++;
strip_cr:
		/* A carriage return before a newline is part of the line end. */
		if (o > fo && r->scratch[o - 1] == '\r')
			o--;
		goto last_field;
next_field:
		add_field(r, nf++, o - fo);
		r->scratch[o++] = '\0';
		continue;
last_field:
		add_field(r, nf++, o - fo);
		r->scratch[o++] = '\0';
		break;
	}
#undef NEED
	fill_record(r, rec, nf, i);
	consume(r, i, count_newlines(b, i));
	return HW_OK;
}

/* Skip what is left of an over-long line. */
static int discard_line(struct csv_reader *r, struct strbuf *err)
{
	const char *nl;
	int rc;

	while (r->discarding) {
		nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl) {
			consume(r, (size_t)(nl - (r->buf + r->start)) + 1, 1);
			r->discarding = false;
			break;
		}
		consume(r, r->end - r->start, 0);
		if (r->eof) {
			r->discarding = false;
			break;
		}
		rc = more(r, err);
		if (rc < 0)
			return rc;
	}
	return HW_OK;
}

int csv_read(struct csv_reader *r, struct csv_record *rec, struct strbuf *err)
{
	const char *b, *nl;
	size_t n, searched, linelen, len, nf;
	char *s, *end, *p, *comma;
	int rc;

	if (!r->started) {
		while (r->end - r->start < 3 && !r->eof)
			if ((rc = more(r, err)) < 0)
				return rc;
		r->started = true;
		if (r->end - r->start >= 3 &&
		    !memcmp(r->buf + r->start, "\xEF\xBB\xBF", 3))
			consume(r, 3, 0);
	}
	if ((rc = discard_line(r, err)) < 0)
		return rc;

	for (;;) {
		/* Find the end of the line, reading more as needed. */
		searched = 0;
		for (;;) {
			b = r->buf + r->start;
			n = r->end - r->start;
			nl = memchr(b + searched, '\n', n - searched);
			if (nl || r->eof)
				break;
			searched = n;
			rc = more(r, err);
			if (rc == CSV_TOO_LONG) {
				/* No newline in max_record bytes: a quoted
				 * field could not be that long either. */
				strbuf_addf(err, "%" PRIu64 ":1: the line is longer "
					    "than %zu bytes", r->line, r->max_record);
				fill_record(r, rec, 0, n);
				consume(r, n, 0);
				r->discarding = true;
				return HW_EINPUT;
			}
			if (rc < 0)
				return rc;
		}
		linelen = nl ? (size_t)(nl - b) : n;
		if (!nl && n == 0)
			return HW_ENOTFOUND;
		/* One search finds the next quote for many lines to come. */
		if (!r->quote_known || r->quote < r->start) {
			const char *q = memchr(b, '"', n);
			r->quote = q ? (size_t)(q - r->buf) : r->end;
			r->quote_known = true;
		}
		if (r->quote - r->start < linelen)
			return parse_quoted(r, rec, err);

		len = linelen;
		if (len > 0 && b[len - 1] == '\r')
			len--;
		if (len == 0) {
			/* Blank lines carry no record; skip them. */
			consume(r, linelen + (nl ? 1 : 0), nl ? 1 : 0);
			continue;
		}
		memcpy(r->scratch, b, len);
		r->scratch[len] = '\0';
		s = r->scratch;
		end = s + len;
		nf = 0;
		for (;;) {
			comma = memchr(s, ',', (size_t)(end - s));
			p = comma ? comma : end;
			add_field(r, nf++, (size_t)(p - s));
			if (!comma)
				break;
			*comma = '\0';
			s = comma + 1;
		}
		fill_record(r, rec, nf, linelen + (nl ? 1 : 0));
		consume(r, linelen + (nl ? 1 : 0), nl ? 1 : 0);
		return HW_OK;
	}
}

void csv_add_field(struct strbuf *out, const char *s, size_t len)
{
	const char *p, *q, *end = s + len;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];
		if (c == ',' || c == '"' || c == '\n' || c == '\r')
			break;
	}
	if (i == len) {
		strbuf_add(out, s, len);
		return;
	}
	strbuf_grow(out, len + 4);
	strbuf_addch(out, '"');
	for (p = s; p < end; p = q + 1) {
		q = memchr(p, '"', (size_t)(end - p));
		if (!q) {
			strbuf_add(out, p, (size_t)(end - p));
			break;
		}
		strbuf_add(out, p, (size_t)(q - p) + 1);
		strbuf_addch(out, '"');
	}
	strbuf_addch(out, '"');
}
