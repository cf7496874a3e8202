/*
 * csv.h: RFC 4180 reading and writing, fast enough for tens of millions of
 * rows.
 *
 * The reader takes a file descriptor, reads it in large blocks and hands out
 * one record at a time. Fields may be quoted ("a ""b"", c"), may contain
 * commas and line breaks inside quotes; CRLF and LF line ends are both
 * accepted; a UTF-8 byte-order mark at the start is skipped, and so are
 * blank lines (no bytes, or only a carriage return, between line ends). A
 * record's fields point into the reader's buffer and stay valid until the
 * next csv_read() call. Not thread-safe: one reader per thread.
 */
#ifndef HW_CSV_H
#define HW_CSV_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;

struct csv_field {
	const char *s;   /* the unquoted bytes, NUL-terminated */
	size_t len;
};

struct csv_record {
	struct csv_field *fields;
	size_t nfields;
	uint64_t line;   /* physical line (1-based) where the record starts */
	uint64_t offset; /* byte offset of the record's start in the input */
	const char *raw; /* the record as it appears in the input, for rejects */
	size_t rawlen;   /* its length including the line end */
};

struct csv_reader; /* opaque */

/* A reader over `fd` (not closed by the reader); `name` is used in messages.
 * Never NULL (allocation failure aborts). */
struct csv_reader *csv_reader_new(int fd, const char *name);
/* Free the reader and its buffers. NULL-safe. */
void csv_reader_free(struct csv_reader *r);

/*
 * Change the first buffer size (default 1 MiB) and the longest record the
 * reader accepts (default 64 MiB; `max_record` >= `block`). Longer records
 * are malformed, so a stray quote cannot make the reader hold a whole file.
 * Only before the first csv_read(); tests use it to cross block boundaries.
 */
void csv_reader_set_limits(struct csv_reader *r, size_t block,
			   size_t max_record);

/*
 * Read the next record into `rec`. Returns HW_OK, HW_ENOTFOUND at the end of
 * the input, HW_EINPUT for a malformed record (unterminated quote, a quote
 * inside an unquoted field, characters after a closing quote) with
 * "LINE:COLUMN: reason" in `err` (LINE is the physical line of the problem,
 * COLUMN the 1-based field number); the reader then skips to the next line
 * (for a quote never closed, the line after the opening quote), so more
 * problems can be reported. After HW_EINPUT, rec->raw, rawlen, line and
 * offset describe the skipped bytes and rec->nfields is 0; for a line longer
 * than the limit, raw holds only its first part and the rest is skipped.
 * HW_EIO if reading fails (message in `err`).
 */
int csv_read(struct csv_reader *r, struct csv_record *rec, struct strbuf *err);

/* Bytes consumed so far, for progress reports. */
uint64_t csv_reader_offset(const struct csv_reader *r);

/* Append `s` as one CSV field, quoted only when it has to be. */
void csv_add_field(struct strbuf *out, const char *s, size_t len);

#endif
