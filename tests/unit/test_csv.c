/*
 * test_csv.c: unit tests of the CSV reader and field writer (csv.h).
 *
 * Most cases are rows of a table: input bytes and the records (or errors)
 * expected from them, written as one line of text per record. Every case is
 * run with many buffer sizes, down to one byte, because the reader's hard
 * part is a record that straddles two reads.
 */
#include "core/homeward.h"
#include "core/csv.h"

#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

/* A memory-backed file holding `data`, positioned at its start. */
static int fd_with(const char *data, size_t len)
{
	int fd = memfd_create("test_csv", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* Append a field with line ends and the separator made visible. */
static void add_visible(struct strbuf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		case '|': strbuf_addstr(out, "\\|"); break;
		case '\0': strbuf_addstr(out, "\\0"); break;
		default: strbuf_addch(out, s[i]);
		}
	}
}

/*
 * Read everything from `data` and describe it: "LINE:f1|f2|...\n" per
 * record, "!MESSAGE\n" per malformed one. Also checks that the records' raw
 * bytes and offsets tile the input they came from.
 */
static void dump(const char *data, size_t len, size_t block, size_t max,
		 struct strbuf *out)
{
	struct strbuf err = STRBUF_INIT;
	struct csv_record rec;
	struct csv_reader *r;
	int fd = fd_with(data, len);
	size_t i;
	int rc;

	r = csv_reader_new(fd, "test.csv");
	if (block)
		csv_reader_set_limits(r, block, max);
	for (;;) {
		strbuf_reset(&err);
		rc = csv_read(r, &rec, &err);
		if (rc == HW_ENOTFOUND)
			break;
		assert_true(rec.offset + rec.rawlen <= len);
		if (rec.rawlen <= max)
			assert_memory_equal(rec.raw, data + rec.offset,
					    rec.rawlen);
		if (rc == HW_EINPUT) {
			assert_int_equal(rec.nfields, 0);
			strbuf_addf(out, "!%s\n", err.buf);
			continue;
		}
		assert_int_equal(rc, HW_OK);
		strbuf_addf(out, "%" PRIu64 ":", rec.line);
		for (i = 0; i < rec.nfields; i++) {
			if (i)
				strbuf_addch(out, '|');
			assert_int_equal(rec.fields[i].s[rec.fields[i].len], 0);
			add_visible(out, rec.fields[i].s, rec.fields[i].len);
		}
		strbuf_addch(out, '\n');
	}
	assert_int_equal(csv_reader_offset(r), len);
	/* The end stays the end. */
	assert_int_equal(csv_read(r, &rec, &err), HW_ENOTFOUND);
	csv_reader_free(r);
	close(fd);
	strbuf_release(&err);
}

struct read_case {
	const char *in;
	const char *want;
};

#define QN "a quoted field is never closed"
#define QIN "a quote inside an unquoted field (put the field in quotes " \
	    "and double the quote: \"a \"\"b\"\"\")"
#define AFTER "characters after the closing quote of a quoted field"
#define SPANS "a quoted field opened here is only closed on a later line, " \
	"and is followed by other characters there (is a quote missing its pair?)"

static const struct read_case read_cases[] = {
	{ "", "" },
	{ "a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n" },
	{ "a,b\n1,2", "1:a|b\n2:1|2\n" },
	{ "a,b\r\n1,2\r\n", "1:a|b\n2:1|2\n" },
	{ "a,b\r\n1,2\r", "1:a|b\n2:1|2\n" },
	{ ",,\n", "1:||\n" },
	{ "a,\n", "1:a|\n" },
	{ "a,", "1:a|\n" },
	{ " a , b \n", "1: a | b \n" },
	{ "a\n\n\r\nb\n\n", "1:a\n4:b\n" },
	{ "\xEF\xBB\xBFid,name\n1,x\n", "1:id|name\n2:1|x\n" },
	{ "\xEF\xBB\xBF", "" },
	{ "\xEF\xBB", "1:\xEF\xBB\n" },
	{ "x,\xEF\xBB\xBF\n", "1:x|\xEF\xBB\xBF\n" },
	{ "a\rb\n", "1:a\\rb\n" },
	/* Quoting. */
	{ "\"\"\n", "1:\n" },
	{ "\"a\"", "1:a\n" },
	{ "\"a\"\r", "1:a\n" },
	{ "\"a\",\"b\"\r\n", "1:a|b\n" },
	{ "\"a\"\"\"\n", "1:a\"\n" },
	{ "\"\"\"\"\n", "1:\"\n" },
	{ "x,\"a, \"\"b\"\"\nc\",y\nz\n", "1:x|a, \"b\"\\nc|y\n3:z\n" },
	{ "\"a\nb\nc\",d\ne\n", "1:a\\nb\\nc|d\n4:e\n" },
	{ "\"a\r\nb\"\n", "1:a\\r\\nb\n" },
	{ "\"a\",b\r\nc\n", "1:a|b\n2:c\n" },
	{ "\"\",\"\",\"\"", "1:||\n" },
	{ "\"a,b\",\"c\nd\",e,\"f\"\n", "1:a,b|c\\nd|e|f\n" },
	/* Malformed records, each followed by a good one. */
	{ "ab\"c,d\n1,2\n", "!1:1: " QIN "\n2:1|2\n" },
	{ "a,b\"\n1,2\n", "!1:2: " QIN "\n2:1|2\n" },
	{ "\"ab\"c,d\n1,2\n", "!1:1: " AFTER "\n2:1|2\n" },
	{ "\"a\",b\"c\nx\n", "!1:2: " QIN "\n2:x\n" },
	{ "\"ab\" ,d\n1,2\n", "!1:1: " AFTER "\n2:1|2\n" },
	{ "\"a\"\rb\n1\n", "!1:1: " AFTER "\n2:1\n" },
	{ "a,\"bc\nd,e\nf\n", "!1:2: " QN "\n2:d|e\n3:f\n" },
	{ "x\n\"abc", "1:x\n!2:1: " QN "\n" },
	{ "\"a\nb\"x\nnext\n", "!1:1: " SPANS "\n!2:1: " QIN "\n3:next\n" },
	{ "1,\"a\nb\nc\"\"\n2,x\n", "!1:2: " QN "\n2:b\n!3:1: " QIN "\n4:2|x\n" },
	{ "a\"\nb\n\"c\n", "!1:1: " QIN "\n2:b\n!3:1: " QN "\n" },
	/* Text in several scripts passes through unchanged. */
	{ "\xE5\x90\x8D\xE5\x89\x8D,\xE0\xA4\xA8\xE0\xA4\xBE\xE0\xA4\xAE,"
	  "\xD8\xA7\xD8\xB3\xD9\x85\n",
	  "1:\xE5\x90\x8D\xE5\x89\x8D|\xE0\xA4\xA8\xE0\xA4\xBE\xE0\xA4\xAE|"
	  "\xD8\xA7\xD8\xB3\xD9\x85\n" },
};

static void test_read_table(void **state)
{
	static const size_t blocks[] = { 0, 1, 2, 3, 5, 8, 13, 64 };
	size_t i, b;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(read_cases); i++) {
		const struct read_case *c = &read_cases[i];
		for (b = 0; b < ARRAY_SIZE(blocks); b++) {
			struct strbuf got = STRBUF_INIT;
			dump(c->in, strlen(c->in), blocks[b], 1 << 20, &got);
			if (strcmp(got.buf, c->want)) {
				print_error("case %zu (block %zu): input\n%s\n"
					    "want\n%s\ngot\n%s\n", i, blocks[b],
					    c->in, c->want, got.buf);
				fail();
			}
			strbuf_release(&got);
		}
	}
}

/* A NUL byte is data like any other: fields carry their length. */
static void test_read_nul(void **state)
{
	struct strbuf got = STRBUF_INIT;
	static const char in[] = "a\0b,c\n\"d\0\",e\n";

	(void)state;
	dump(in, sizeof(in) - 1, 0, SIZE_MAX, &got);
	assert_string_equal(got.buf, "1:a\\0b|c\n2:d\\0|e\n");
	strbuf_release(&got);
}

/* Records and lines longer than the limit are errors, not memory hogs. */
static void test_read_limits(void **state)
{
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
		{ "0123456789abc\nx,y\n",
		  "!1:1: the line is longer than 8 bytes\n2:x|y\n" },
		{ "0123456789abcdefghij0123456789\n1\n",
		  "!1:1: the line is longer than 8 bytes\n2:1\n" },
		{ "0123456\nx\n", "1:0123456\n2:x\n" },
		{ "01234567\nx\n",
		  "!1:1: the line is longer than 8 bytes\n2:x\n" },
		{ "\"aaaaaaaaaaaaaa\nb\n",
		  "!1:1: the line is longer than 8 bytes\n2:b\n" },
		{ "\"a\nb\nc\nd\ne\nf\ng\nh\ni\"\nz\n",
		  "!1:1: the record is too long (a quoted field never "
		  "closed?)\n2:b\n3:c\n4:d\n5:e\n6:f\n7:g\n8:h\n!9:1: " QIN
		  "\n10:z\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf got = STRBUF_INIT;
		dump(cases[i].in, strlen(cases[i].in), 4, 8, &got);
		if (strcmp(got.buf, cases[i].want)) {
			print_error("case %zu: want\n%s\ngot\n%s\n", i,
				    cases[i].want, got.buf);
			fail();
		}
		strbuf_release(&got);
	}
}

/* Raw bytes, offsets and line numbers of records, for the rejects file. */
static void test_read_raw(void **state)
{
	static const char in[] = "\xEF\xBB\xBFh1,h2\r\n\"a\nb\",c\n\nbad\"x\nlast";
	struct strbuf err = STRBUF_INIT;
	struct csv_record rec;
	struct csv_reader *r;
	int fd = fd_with(in, sizeof(in) - 1);

	(void)state;
	r = csv_reader_new(fd, "raw.csv");
	assert_int_equal(csv_read(r, &rec, &err), HW_OK);
	assert_int_equal(rec.line, 1);
	assert_int_equal(rec.offset, 3);
	assert_int_equal(rec.rawlen, 7);
	assert_memory_equal(rec.raw, "h1,h2\r\n", 7);
	assert_int_equal(csv_reader_offset(r), 10);

	assert_int_equal(csv_read(r, &rec, &err), HW_OK);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.offset, 10);
	assert_int_equal(rec.rawlen, 8);
	assert_memory_equal(rec.raw, "\"a\nb\",c\n", 8);
	assert_int_equal(rec.nfields, 2);
	assert_string_equal(rec.fields[0].s, "a\nb");
	assert_string_equal(rec.fields[1].s, "c");

	assert_int_equal(csv_read(r, &rec, &err), HW_EINPUT);
	assert_string_equal(err.buf, "5:1: " QIN);
	assert_int_equal(rec.line, 5);
	assert_int_equal(rec.nfields, 0);
	assert_int_equal(rec.rawlen, 6);
	assert_memory_equal(rec.raw, "bad\"x\n", 6);

	assert_int_equal(csv_read(r, &rec, &err), HW_OK);
	assert_int_equal(rec.line, 6);
	assert_int_equal(rec.rawlen, 4);
	assert_memory_equal(rec.raw, "last", 4);
	assert_int_equal(csv_read(r, &rec, &err), HW_ENOTFOUND);
	csv_reader_free(r);
	close(fd);
	strbuf_release(&err);
}

/* A read that fails is HW_EIO with the file's name in the message. */
static void test_read_error(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct csv_record rec;
	struct csv_reader *r;
	int fd = open(".", O_RDONLY | O_DIRECTORY);

	(void)state;
	assert_true(fd >= 0);
	r = csv_reader_new(fd, "folder.csv");
	assert_int_equal(csv_read(r, &rec, &err), HW_EIO);
	assert_non_null(strstr(err.buf, "cannot read 'folder.csv'"));
	csv_reader_free(r);
	csv_reader_free(NULL);
	close(fd);
	strbuf_release(&err);
}

/* Many rows over a small buffer: every record straddles some boundary. */
static void test_read_many(void **state)
{
	struct strbuf in = STRBUF_INIT, err = STRBUF_INIT;
	struct csv_record rec;
	struct csv_reader *r;
	uint64_t n = 0, line = 1;
	int fd, rc;

	(void)state;
	for (n = 0; n < 20000; n++) {
		if (n % 7 == 3)
			strbuf_addf(&in, "%" PRIu64 ",\"multi\nline, %" PRIu64
				    "\",x\r\n", n, n);
		else
			strbuf_addf(&in, "%" PRIu64 ",plain %" PRIu64 ",y\n",
				    n, n * n);
	}
	fd = fd_with(in.buf, in.len);
	r = csv_reader_new(fd, "many.csv");
	csv_reader_set_limits(r, 100, 1 << 20);
	n = 0;
	while ((rc = csv_read(r, &rec, &err)) == HW_OK) {
		assert_int_equal(rec.nfields, 3);
		assert_int_equal(strtoull(rec.fields[0].s, NULL, 10), n);
		assert_int_equal(rec.line, line);
		line += n % 7 == 3 ? 2 : 1;
		n++;
	}
	assert_int_equal(rc, HW_ENOTFOUND);
	assert_int_equal(n, 20000);
	assert_int_equal(csv_reader_offset(r), in.len);
	csv_reader_free(r);
	close(fd);
	strbuf_release(&in);
	strbuf_release(&err);
}

static void test_add_field(void **state)
{
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
		{ "", "" },
		{ "abc", "abc" },
		{ " a b ", " a b " },
		{ "a,b", "\"a,b\"" },
		{ "a\"b", "\"a\"\"b\"" },
		{ "\"", "\"\"\"\"" },
		{ "a\nb", "\"a\nb\"" },
		{ "a\r", "\"a\r\"" },
		{ "\"x\",\"y\"", "\"\"\"x\"\",\"\"y\"\"\"" },
		{ "\xD8\xA7\xD8\xB3\xD9\x85", "\xD8\xA7\xD8\xB3\xD9\x85" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf out = STRBUF_INIT;
		strbuf_addstr(&out, "<");
		csv_add_field(&out, cases[i].in, strlen(cases[i].in));
		strbuf_addstr(&out, ">");
		assert_int_equal(out.len, strlen(cases[i].want) + 2);
		assert_memory_equal(out.buf + 1, cases[i].want, out.len - 2);
		strbuf_release(&out);
	}
}

/* Whatever csv_add_field writes, csv_read gives back byte for byte. */
static void test_round_trip(void **state)
{
	static const char alphabet[] = "ab ,\"\n\r;\xC3\xA9";
	struct strbuf in = STRBUF_INIT, err = STRBUF_INIT;
	struct strbuf want[200][4];
	struct csv_record rec;
	struct csv_reader *r;
	uint32_t seed = 12345;
	size_t row, f, k, n;
	int fd;

	(void)state;
	for (row = 0; row < 200; row++) {
		for (f = 0; f < 4; f++) {
			strbuf_init(&want[row][f], 0);
			seed = seed * 1103515245 + 12345;
			n = (seed >> 16) % 9;
			/* A lone empty field would be a blank line. */
			if (f == 0 && n == 0)
				n = 1;
			for (k = 0; k < n; k++) {
				seed = seed * 1103515245 + 12345;
				strbuf_addch(&want[row][f],
					     alphabet[(seed >> 16) %
						      (sizeof(alphabet) - 1)]);
			}
			if (f)
				strbuf_addch(&in, ',');
			csv_add_field(&in, want[row][f].buf, want[row][f].len);
		}
		strbuf_addstr(&in, row % 2 ? "\r\n" : "\n");
	}
	fd = fd_with(in.buf, in.len);
	r = csv_reader_new(fd, "rt.csv");
	csv_reader_set_limits(r, 16, 1 << 20);
	for (row = 0; row < 200; row++) {
		assert_int_equal(csv_read(r, &rec, &err), HW_OK);
		assert_int_equal(rec.nfields, 4);
		for (f = 0; f < 4; f++) {
			assert_int_equal(rec.fields[f].len, want[row][f].len);
			assert_memory_equal(rec.fields[f].s, want[row][f].buf,
					    want[row][f].len);
			strbuf_release(&want[row][f]);
		}
	}
	assert_int_equal(csv_read(r, &rec, &err), HW_ENOTFOUND);
	csv_reader_free(r);
	close(fd);
	strbuf_release(&in);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_table),
		cmocka_unit_test(test_read_nul),
		cmocka_unit_test(test_read_limits),
		cmocka_unit_test(test_read_raw),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_read_many),
		cmocka_unit_test(test_add_field),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
