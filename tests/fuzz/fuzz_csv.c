/*
 * fuzz_csv.c: libFuzzer target for the CSV reader (csv.h).
 *
 * Beyond not crashing, it checks three properties on every input: the
 * reader gives the same records and errors whatever its buffer size (the
 * first input byte picks a small one, so records straddle reads); each
 * record's raw bytes are the input at its offset; and every good record,
 * written back with csv_add_field, reads back as the same fields.
 */
#include "core/homeward.h"
#include "core/csv.h"

#include <sys/mman.h>
#include <unistd.h>

/* One memory-backed file reused across runs: the reader wants a descriptor. */
static int fd_with(int *fd, const uint8_t *data, size_t len)
{
	if (*fd < 0)
		*fd = memfd_create("fuzz_csv", 0);
	if (*fd < 0 || ftruncate(*fd, 0) || lseek(*fd, 0, SEEK_SET) ||
	    (len && write(*fd, data, len) != (ssize_t)len) ||
	    lseek(*fd, 0, SEEK_SET)) {
		perror("fuzz_csv: memfd");
		abort();
	}
	return *fd;
}

/* Describe every record and error, in a form that compares as a string. */
static void describe(int fd, size_t block, size_t max, const uint8_t *data,
		     size_t len, struct strbuf *out, struct strbuf *good)
{
	struct strbuf err = STRBUF_INIT;
	struct csv_record rec;
	struct csv_reader *r = csv_reader_new(fd, "fuzz.csv");
	size_t i;
	int rc;

	if (block)
		csv_reader_set_limits(r, block, max);
	while ((rc = csv_read(r, &rec, &err)) != HW_ENOTFOUND) {
		if (rc == HW_EIO)
			abort();
		if (rec.offset + rec.rawlen > len ||
		    (rec.rawlen <= max && memcmp(rec.raw, data + rec.offset,
						 rec.rawlen)))
			abort();
		strbuf_addf(out, "%d %" PRIu64 " %" PRIu64 " %zu %zu [%s]",
			    rc, rec.line, rec.offset, rec.rawlen, rec.nfields,
			    err.buf);
		strbuf_reset(&err);
		for (i = 0; i < rec.nfields; i++) {
			if (rec.fields[i].s[rec.fields[i].len])
				abort();
			strbuf_addf(out, " %zu:", rec.fields[i].len);
			strbuf_add(out, rec.fields[i].s, rec.fields[i].len);
		}
		strbuf_addch(out, '\n');
		/* A lone empty field is written as a blank line, which the
		 * reader skips: it cannot come back. */
		if (good && rc == HW_OK &&
		    !(rec.nfields == 1 && rec.fields[0].len == 0)) {
			for (i = 0; i < rec.nfields; i++) {
				if (i)
					strbuf_addch(good, ',');
				csv_add_field(good, rec.fields[i].s,
					      rec.fields[i].len);
			}
			strbuf_addch(good, '\n');
		}
	}
	if (csv_reader_offset(r) != len)
		abort();
	csv_reader_free(r);
	strbuf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, good = STRBUF_INIT;
	struct strbuf again = STRBUF_INIT, back = STRBUF_INIT;
	size_t block;

	if (size < 1)
		return 0;
	block = (size_t)(data[0] % 32) + 1;
	data++;
	size--;

	fd_with(&fd, data, size);
	describe(fd, 0, SIZE_MAX, data, size, &a, &good);
	fd_with(&fd, data, size);
	describe(fd, block, (size_t)1 << 20, data, size, &b, NULL);
	if (strcmp(a.buf, b.buf) || a.len != b.len) {
		fprintf(stderr, "block %zu changes the records:\n%s\n---\n%s\n",
			block, a.buf, b.buf);
		abort();
	}

	/* Written back behind a header line (so that a first field that
	 * starts like a byte-order mark stays a field), good records must
	 * read as themselves, and write as the same bytes again. */
	strbuf_addstr(&again, "h\n");
	strbuf_add(&again, good.buf, good.len);
	fd_with(&fd, (const uint8_t *)again.buf, again.len);
	strbuf_reset(&b);
	describe(fd, block, (size_t)1 << 20, (const uint8_t *)again.buf,
		 again.len, &b, &back);
	if (back.len != again.len || memcmp(back.buf, again.buf, again.len)) {
		fprintf(stderr, "round trip differs:\n%s\n---\n%s\n",
			again.buf, back.buf);
		abort();
	}

	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&good);
	strbuf_release(&again);
	strbuf_release(&back);
	return 0;
}
