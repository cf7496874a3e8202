/*
 * fuzz_registrant.c: libFuzzer target for registrant row validation
 * (registrant.h) behind the CSV reader.
 *
 * The input is read as the data rows of a file whose first line is the
 * canonical header. Every row the reader accepts goes through
 * registrant_parse(); a rejected row must name a column in range and give a
 * reason that is valid UTF-8 (the HTTP API puts reasons into JSON). An
 * accepted row must be written by registrant_write_csv() in a form that
 * parses back to exactly the same normalised fields: normalising twice
 * changes nothing, which is what makes export after import faithful.
 */
#include "core/homeward.h"
#include "core/csv.h"
#include "geo/refgeo.h"
#include "registry/registrant.h"
#include "fuzz_check.h"

#include <sys/mman.h>
#include <unistd.h>

static int fd_with(int *fd, const char *data, size_t len)
{
	if (*fd < 0)
		*fd = memfd_create("fuzz_registrant", 0);
	if (*fd < 0 || ftruncate(*fd, 0) || lseek(*fd, 0, SEEK_SET) ||
	    (len && write(*fd, data, len) != (ssize_t)len) ||
	    lseek(*fd, 0, SEEK_SET)) {
		perror("fuzz_registrant: memfd");
		abort();
	}
	return *fd;
}

/* A strict UTF-8 check, written apart from the one under test. */
static void check_good(const struct registrant *r)
{
	size_t c;

	for (c = 0; c < RC_COUNT; c++) {
		if (strlen(r->v[c]) != r->len[c] || !fuzz_utf8_ok(r->v[c], r->len[c]))
			abort();
	}
	if (r->has_point != (r->len[RC_LAT] > 0) ||
	    r->has_point != (r->len[RC_LON] > 0))
		abort();
	if (!r->len[RC_EXTERNAL_ID] || !r->len[RC_COUNTRY] ||
	    !r->len[RC_NATIONALITY] ||
	    (!r->len[RC_FAMILY_NAME] && !r->len[RC_GIVEN_NAME]))
		abort();
}

/* Write `a` out, read it back, and demand the very same registrant. */
static void round_trip(int *fd, const struct reg_header *h,
		       const struct registrant *a)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct csv_record rec;
	struct csv_reader *rd;
	struct registrant b;
	size_t c;
	int bad;

	registrant_write_csv(&out, a);
	registrant_init(&b);
	rd = csv_reader_new(fd_with(fd, out.buf, out.len), "again.csv");
	/* Small buffers keep the runs fast under the sanitizers. */
	csv_reader_set_limits(rd, 4096, 1 << 20);
	if (csv_read(rd, &rec, &err) ||
	    registrant_parse(&b, h, &rec, &bad, &err)) {
		fprintf(stderr, "written row does not parse: %s\n%s", err.buf,
			out.buf);
		abort();
	}
	for (c = 0; c < RC_COUNT; c++) {
		if (a->len[c] != b.len[c] || memcmp(a->v[c], b.v[c], a->len[c])) {
			fprintf(stderr, "%s: '%s' became '%s'\n", reg_columns[c],
				a->v[c], b.v[c]);
			abort();
		}
	}
	if (a->has_point != b.has_point || a->lat != b.lat || a->lon != b.lon ||
	    a->date_of_birth != b.date_of_birth || a->arrival != b.arrival ||
	    a->departure != b.departure)
		abort();
	if (csv_read(rd, &rec, &err) != HW_ENOTFOUND)
		abort();
	csv_reader_free(rd);
	registrant_release(&b);
	strbuf_release(&out);
	strbuf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int in_fd = -1, rt_fd = -1;
	struct strbuf file = STRBUF_INIT, err = STRBUF_INIT;
	struct csv_record rec;
	struct csv_reader *rd;
	struct reg_header h;
	struct registrant r;
	int rc, bad;

	if (refgeo_load(&err))
		abort();
	registrant_write_header(&file);
	strbuf_add(&file, data, size);
	rd = csv_reader_new(fd_with(&in_fd, file.buf, file.len), "fuzz.csv");
	csv_reader_set_limits(rd, 4096, 1 << 20);
	if (csv_read(rd, &rec, &err) || reg_header_parse(&h, &rec, &err))
		abort();
	registrant_init(&r);
	for (;;) {
		strbuf_reset(&err);
		rc = csv_read(rd, &rec, &err);
		if (rc == HW_ENOTFOUND)
			break;
		if (rc == HW_EIO)
			abort();
		if (rc == HW_EINPUT)
			continue;
		bad = -99;
		rc = registrant_parse(&r, &h, &rec, &bad, &err);
		if (rc == HW_EINPUT) {
			if (bad < -1 || bad >= RC_COUNT || !err.len ||
			    !fuzz_utf8_ok(err.buf, err.len) || r.len[RC_EXTERNAL_ID])
				abort();
			continue;
		}
		if (rc != HW_OK)
			abort();
		check_good(&r);
		round_trip(&rt_fd, &h, &r);
	}
	registrant_release(&r);
	csv_reader_free(rd);
	strbuf_release(&file);
	strbuf_release(&err);
	return 0;
}
