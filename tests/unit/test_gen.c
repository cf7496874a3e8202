/*
 * test_gen.c: the synthetic population generator.
 *
 * Generated files are read back through the real CSV reader and
 * registrant_parse(), the same gate an import goes through, so these tests
 * prove that what gen writes imports without a reject and is already in
 * normalised form (re-writing a parsed row gives the same bytes).
 */
#include "core/homeward.h"
#include "core/csv.h"
#include "gen/gen.h"
#include "geo/refgeo.h"
#include "registry/registrant.h"
#include "scratch.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

/* 2025-06-15: a fixed day, so that the files do not change with the clock
 * and every date of birth is in the past. */
#define TODAY 20254

static int tmp_fd(void)
{
	FILE *f = tmpfile();
	int fd;

	assert_non_null(f);
	fd = dup(fileno(f));
	fclose(f);
	assert_true(fd >= 0);
	return fd;
}

/* Generate into a string. */
static char *gen_string(uint64_t people, uint64_t seed, const char *nat,
			int threads, size_t *len)
{
	struct gen_params p = { people, seed, nat, TODAY };
	struct gen_run run = { threads, NULL, NULL };
	struct strbuf err = STRBUF_INIT;
	int fd = tmp_fd(), rc;
	struct stat st;
	char *buf;
	ssize_t n;

	rc = gen_write_run(&p, fd, &run, &err);
	if (rc)
		fail_msg("gen_write: %s", err.buf);
	assert_int_equal(fstat(fd, &st), 0);
	buf = xmalloc((size_t)st.st_size + 1);
	n = pread(fd, buf, (size_t)st.st_size, 0);
	assert_int_equal(n, st.st_size);
	buf[n] = '\0';
	*len = (size_t)n;
	close(fd);
	strbuf_release(&err);
	return buf;
}

/* One parsed row, copied out of the registrant. */
struct row {
	char *v[RC_COUNT];
	int32_t dob, arrival, departure;
};

struct rows {
	struct row *r;
	size_t n, alloc;
};

static void rows_free(struct rows *rs)
{
	size_t i, c;

	for (i = 0; i < rs->n; i++)
		for (c = 0; c < RC_COUNT; c++)
			free(rs->r[i].v[c]);
	free(rs->r);
}

/*
 * Generate and read back every row through registrant_parse(), checking
 * that each one parses and comes out exactly as it went in.
 */
static void gen_rows(uint64_t people, uint64_t seed, const char *nat,
		     struct rows *rs)
{
	struct gen_params p = { people, seed, nat, TODAY };
	struct strbuf err = STRBUF_INIT, line = STRBUF_INIT, raw = STRBUF_INIT;
	struct csv_reader *rd;
	struct csv_record rec;
	struct reg_header h;
	struct registrant r;
	int fd = tmp_fd(), rc, bad;
	size_t c;

	memset(rs, 0, sizeof(*rs));
	rc = gen_write(&p, fd, &err);
	if (rc)
		fail_msg("gen_write: %s", err.buf);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	rd = csv_reader_new(fd, "gen.csv");
	assert_int_equal(csv_read(rd, &rec, &err), HW_OK);
	if (reg_header_parse(&h, &rec, &err))
		fail_msg("header: %s", err.buf);
	registrant_init(&r);
	while ((rc = csv_read(rd, &rec, &err)) == HW_OK) {
		struct row *row;

		if (registrant_parse(&r, &h, &rec, &bad, &err))
			fail_msg("line %" PRIu64 ", column %s: %s\n%.*s", rec.line,
				 bad >= 0 ? reg_columns[bad] : "-", err.buf,
				 (int)rec.rawlen, rec.raw);
		strbuf_reset(&line);
		registrant_write_csv(&line, &r);
		strbuf_reset(&raw);
		strbuf_add(&raw, rec.raw, rec.rawlen);
		if (strcmp(line.buf, raw.buf))
			fail_msg("not normalised:\n%s%s", raw.buf, line.buf);
		ALLOC_GROW(rs->r, rs->n + 1, rs->alloc);
		row = &rs->r[rs->n++];
		for (c = 0; c < RC_COUNT; c++)
			row->v[c] = xstrndup(r.v[c], r.len[c]);
		row->dob = r.date_of_birth;
		row->arrival = r.arrival;
		row->departure = r.departure;
	}
	assert_int_equal(rc, HW_ENOTFOUND);
	registrant_release(&r);
	csv_reader_free(rd);
	close(fd);
	strbuf_release(&err);
	strbuf_release(&line);
	strbuf_release(&raw);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Non-empty values of column `c` are all different. */
static void assert_unique(const struct rows *rs, enum reg_col c)
{
	char **v = xcalloc(rs->n + 1, sizeof(*v));
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++)
		if (*rs->r[i].v[c])
			v[n++] = rs->r[i].v[c];
	qsort(v, n, sizeof(*v), cmp_str);
	for (i = 1; i < n; i++)
		if (!strcmp(v[i - 1], v[i]))
			fail_msg("%s '%s' appears twice", reg_columns[c], v[i]);
	free(v);
}

static void test_same_seed_same_bytes(void **state)
{
	size_t l1, l2, l3, l4;
	char *a, *b, *c, *d;

	(void)state;
	/* Several blocks, one thread and two: the same bytes. */
	a = gen_string(40000, 7, "CN", 1, &l1);
	b = gen_string(40000, 7, "CN", 2, &l2);
	c = gen_string(40000, 7, "CN", 3, &l3);
	assert_int_equal(l1, l2);
	assert_int_equal(l1, l3);
	assert_memory_equal(a, b, l1);
	assert_memory_equal(a, c, l1);
	/* Another seed, another population. */
	d = gen_string(40000, 8, "CN", 2, &l4);
	assert_false(l1 == l4 && !memcmp(a, d, l1));
	free(a);
	free(b);
	free(c);
	free(d);
}

static void test_row_count(void **state)
{
	static const uint64_t sizes[] = { 1, 2, 7, 16383, 16384, 16385, 33000 };
	size_t i, j, len, lines;
	char *s;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		s = gen_string(sizes[i], 3, "PH", 0, &len);
		for (j = 0, lines = 0; j < len; j++)
			lines += s[j] == '\n';
		assert_int_equal(lines, sizes[i] + 1);
		free(s);
	}
}

/* Every nationality's rows pass the importer's checks, and the
 * identifiers that must be unique are. */
static void test_rows_parse(void **state)
{
	static const char *const nats[] = { "CN", "IN", "PH", "US", "FR", "BR" };
	struct rows rs;
	size_t i, k;

	(void)state;
	for (k = 0; k < ARRAY_SIZE(nats); k++) {
		gen_rows(30000, 11, nats[k], &rs);
		assert_int_equal(rs.n, 30000);
		assert_unique(&rs, RC_EXTERNAL_ID);
		assert_unique(&rs, RC_PASSPORT_NO);
		assert_unique(&rs, RC_EMAIL);
		for (i = 0; i < rs.n; i++) {
			const struct row *r = &rs.r[i];
			assert_string_equal(r->v[RC_NATIONALITY], nats[k]);
			assert_string_not_equal(r->v[RC_COUNTRY], nats[k]);
			assert_true(r->dob != DATE_NONE && r->dob <= TODAY);
			assert_true(r->arrival != DATE_NONE);
			assert_true(r->departure == DATE_NONE ||
				    r->departure >= r->arrival);
			/* Everybody is there now or arriving. */
			assert_true(r->departure == DATE_NONE ||
				    r->departure > TODAY);
			assert_true(*r->v[RC_LAT] && *r->v[RC_PARTY_ID]);
		}
		rows_free(&rs);
	}
}

static int cmp_party(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(x->v[RC_PARTY_ID], y->v[RC_PARTY_ID]);

	return c ? c : strcmp(x->v[RC_EXTERNAL_ID], y->v[RC_EXTERNAL_ID]);
}

/* Members of a party are together: same place, same dates. Families have
 * parents old enough for their children. */
static void test_households(void **state)
{
	struct rows rs;
	size_t i, j, k, multi = 0, sizes[8] = { 0 };

	(void)state;
	gen_rows(30000, 5, "IN", &rs);
	qsort(rs.r, rs.n, sizeof(*rs.r), cmp_party);
	for (i = 0; i < rs.n; i = j) {
		const struct row *a = &rs.r[i];
		int32_t oldest = a->dob;

		for (j = i + 1; j < rs.n && !strcmp(rs.r[j].v[RC_PARTY_ID],
						    a->v[RC_PARTY_ID]); j++) {
			const struct row *b = &rs.r[j];
			assert_string_equal(a->v[RC_COUNTRY], b->v[RC_COUNTRY]);
			assert_string_equal(a->v[RC_CITY], b->v[RC_CITY]);
			assert_string_equal(a->v[RC_LAT], b->v[RC_LAT]);
			assert_string_equal(a->v[RC_LON], b->v[RC_LON]);
			assert_int_equal(a->arrival, b->arrival);
			assert_int_equal(a->departure, b->departure);
			if (b->dob < oldest)
				oldest = b->dob;
		}
		sizes[j - i < 8 ? j - i : 7]++;
		if (j - i > 1)
			multi++;
		/* The first member (the party's id is its row) heads it. */
		assert_true(strstr(a->v[RC_PARTY_ID], "-H") != NULL);
		assert_string_equal(strstr(a->v[RC_PARTY_ID], "-H") + 2,
				    strrchr(a->v[RC_EXTERNAL_ID], '-') + 1);
		/* Anyone under 14 travels with someone at least 18 years
		 * older (tour groups and families alike). */
		for (k = i; k < j; k++)
			if (TODAY - rs.r[k].dob < 14 * 365)
				assert_true(rs.r[k].dob - oldest >= 18 * 365);
	}
	/* Households of every common size exist, singles most of all. */
	assert_true(multi > 1000);
	assert_true(sizes[1] > sizes[2] && sizes[2] > 0 && sizes[3] > 0 &&
		    sizes[4] > 0 && sizes[5] > 0);
	rows_free(&rs);
}

struct count {
	const char *key;
	size_t n;
};

static int cmp_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->key, y->key);
}

/* Sort the values of a column by how often they occur. */
static size_t tally(const struct rows *rs, enum reg_col c, struct count *out,
		    size_t max)
{
	size_t i, k, n = 0;

	for (i = 0; i < rs->n; i++) {
		for (k = 0; k < n; k++)
			if (!strcmp(out[k].key, rs->r[i].v[c]))
				break;
		if (k == n) {
			assert_true(n < max);
			out[n].key = rs->r[i].v[c];
			out[n++].n = 0;
		}
		out[k].n++;
	}
	qsort(out, n, sizeof(*out), cmp_count);
	return n;
}

static bool in_top(const struct count *cs, size_t n, size_t top,
		   const char *key)
{
	size_t i;

	for (i = 0; i < n && i < top; i++)
		if (!strcmp(cs[i].key, key))
			return true;
	return false;
}

/* Indians abroad are in the Gulf and the United States first. */
static void test_country_distribution(void **state)
{
	struct count cs[300];
	struct rows rs;
	size_t n;

	(void)state;
	gen_rows(40000, 9, "IN", &rs);
	n = tally(&rs, RC_COUNTRY, cs, ARRAY_SIZE(cs));
	assert_true(in_top(cs, n, 3, "AE"));
	assert_true(in_top(cs, n, 3, "SA"));
	assert_true(in_top(cs, n, 5, "US"));
	/* And there is a tail beyond the table. */
	assert_true(n > 60);
	rows_free(&rs);

	gen_rows(40000, 9, "PH", &rs);
	n = tally(&rs, RC_COUNTRY, cs, ARRAY_SIZE(cs));
	assert_true(in_top(cs, n, 3, "SA"));
	assert_true(in_top(cs, n, 3, "AE"));
	rows_free(&rs);
}

/* Decode one UTF-8 sequence; its length, or 0. */
static size_t utf8(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
		*cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
		return 2;
	}
	if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80) {
		*cp = (uint32_t)(s[0] & 0x0F) << 12 |
		      (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		return 3;
	}
	return 0;
}

/* Only characters in [lo, hi] (and spaces if allowed), at least two. */
static bool all_in(const char *s, uint32_t lo, uint32_t hi, bool spaces)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, k;
	uint32_t cp;

	while (*p) {
		k = utf8(p, &cp);
		if (!k)
			return false;
		if (!(cp >= lo && cp <= hi) && !(spaces && cp == ' '))
			return false;
		p += k;
		n++;
	}
	return n >= 2;
}

/* Chinese people have their name in Han characters, family name first,
 * and in pinyin; Indians in Devanagari, given name first; Filipinos and
 * Americans only in Latin script. */
static void test_names(void **state)
{
	struct rows rs;
	size_t i, wives = 0, own_name = 0;

	(void)state;
	gen_rows(20000, 2, "CN", &rs);
	for (i = 0; i < rs.n; i++) {
		const struct row *r = &rs.r[i];
		assert_true(all_in(r->v[RC_NATIVE_NAME], 0x4E00, 0x9FFF, false));
		assert_true(r->v[RC_FAMILY_NAME][0] >= 'A' &&
			    r->v[RC_FAMILY_NAME][0] <= 'Z');
		assert_true(all_in(r->v[RC_GIVEN_NAME], 'A', 'z', false));
		assert_string_equal(r->v[RC_LANGUAGE], "zh");
		assert_true(!strcmp(r->v[RC_SEX], "F") || !strcmp(r->v[RC_SEX], "M") ||
			    !strcmp(r->v[RC_SEX], "X"));
		assert_true(r->v[RC_PASSPORT_NO][0] == '\0' ||
			    (r->v[RC_PASSPORT_NO][0] == 'E' &&
			     strlen(r->v[RC_PASSPORT_NO]) == 9));
		/* A Chinese wife keeps her own family name. */
		if (i && !strcmp(r->v[RC_PARTY_ID], rs.r[i - 1].v[RC_PARTY_ID]) &&
		    !strcmp(r->v[RC_SEX], "F") &&
		    !strcmp(rs.r[i - 1].v[RC_SEX], "M") &&
		    r->dob - rs.r[i - 1].dob < 8 * 365 &&
		    rs.r[i - 1].dob - r->dob < 3 * 365 &&
		    !strcmp(r->v[RC_PURPOSE], "resident")) {
			wives++;
			own_name += !!strcmp(r->v[RC_FAMILY_NAME],
					     rs.r[i - 1].v[RC_FAMILY_NAME]);
		}
	}
	assert_true(wives > 100 && own_name > wives * 8 / 10);
	rows_free(&rs);

	gen_rows(20000, 2, "IN", &rs);
	for (i = 0; i < rs.n; i++) {
		const struct row *r = &rs.r[i];
		assert_true(all_in(r->v[RC_NATIVE_NAME], 0x0900, 0x097F, true));
		assert_true(!strcmp(r->v[RC_LANGUAGE], "hi") ||
			    !strcmp(r->v[RC_LANGUAGE], "en"));
	}
	rows_free(&rs);

	gen_rows(5000, 2, "PH", &rs);
	for (i = 0; i < rs.n; i++) {
		assert_string_equal(rs.r[i].v[RC_NATIVE_NAME], "");
		assert_true(!strcmp(rs.r[i].v[RC_LANGUAGE], "tl") ||
			    !strcmp(rs.r[i].v[RC_LANGUAGE], "en"));
	}
	rows_free(&rs);
}

static int cmp_org(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return strcmp(x->v[RC_ORGANISATION], y->v[RC_ORGANISATION]);
}

/* Workforces: one organisation's people are at one site, at work;
 * students study; tourists stay briefly. */
static void test_purposes(void **state)
{
	struct rows rs;
	struct count cs[8];
	size_t i, j, orgs = 0, big = 0, n;

	(void)state;
	gen_rows(60000, 4, "CN", &rs);
	for (i = 0; i < rs.n; i++) {
		const struct row *r = &rs.r[i];
		int age = (TODAY - r->dob) / 365;

		if (!strcmp(r->v[RC_PURPOSE], "work"))
			assert_true(age >= 18 && age <= 62);
		if (!strcmp(r->v[RC_PURPOSE], "study"))
			assert_true(age >= 17 && age <= 31);
		if (!strcmp(r->v[RC_PURPOSE], "tourism"))
			assert_true(r->departure - r->arrival <= 40);
		if (!strcmp(r->v[RC_PURPOSE], "resident") && age >= 18)
			assert_true(r->arrival <= TODAY);
	}
	n = tally(&rs, RC_PURPOSE, cs, ARRAY_SIZE(cs));
	assert_true(n >= 6);
	/* An organisation's workers share its country and city. */
	qsort(rs.r, rs.n, sizeof(*rs.r), cmp_org);
	for (i = 0; i < rs.n; i = j) {
		const struct row *a = &rs.r[i];

		for (j = i + 1; j < rs.n && !strcmp(rs.r[j].v[RC_ORGANISATION],
						    a->v[RC_ORGANISATION]); j++) {
			if (!*a->v[RC_ORGANISATION])
				continue;
			assert_string_equal(a->v[RC_COUNTRY], rs.r[j].v[RC_COUNTRY]);
			assert_string_equal(a->v[RC_CITY], rs.r[j].v[RC_CITY]);
		}
		if (!*a->v[RC_ORGANISATION])
			continue;
		orgs++;
		if (j - i >= 100)
			big++;
	}
	assert_true(orgs >= 5);
	assert_true(big >= 1);
	rows_free(&rs);
}

/* Bad parameters are refused with a message before anything is written. */
static void test_bad_params(void **state)
{
	struct gen_params p = { 0, 1, "CN", TODAY };
	struct strbuf err = STRBUF_INIT;
	int fd = tmp_fd();
	struct stat st;

	(void)state;
	assert_int_equal(gen_write(&p, fd, &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "people"));
	strbuf_reset(&err);
	p.people = GEN_MAX_PEOPLE + 1;
	assert_int_equal(gen_write(&p, fd, &err), HW_EINPUT);
	strbuf_reset(&err);
	p.people = 10;
	p.nationality = "cn";
	assert_int_equal(gen_write(&p, fd, &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "nationality"));
	strbuf_reset(&err);
	p.nationality = "QQ";
	assert_int_equal(gen_write(&p, fd, &err), HW_EINPUT);
	strbuf_reset(&err);
	p.nationality = "CN";
	p.today = -1000;
	assert_int_equal(gen_write(&p, fd, &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "today"));
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
	/* A descriptor that cannot be written is an I/O error. */
	p.today = TODAY;
	strbuf_reset(&err);
	assert_int_equal(gen_write(&p, -1, &err), HW_EIO);
	close(fd);
	strbuf_release(&err);
}

/* The command writes FILE through FILE.tmp, and leaves nothing behind when
 * its options are wrong. */
static void test_command(void **state)
{
	char dir[256];
	struct strbuf out = STRBUF_INIT, tmp = STRBUF_INIT;
	struct stat st;

	(void)state;
	assert_int_equal(scratch_make(dir, sizeof(dir), "gen"), 0);
	strbuf_addf(&out, "%s/p.csv", dir);
	strbuf_addf(&tmp, "%s/p.csv.tmp", dir);
	{
		char *argv[] = { (char *)"gen", (char *)"--people", (char *)"500",
				 (char *)"--seed", (char *)"3",
				 (char *)"--nationality", (char *)"us",
				 (char *)"--today", (char *)"2025-06-15",
				 (char *)"--out", out.buf, NULL };
		assert_int_equal(cmd_gen(11, argv), HW_OK);
		assert_int_equal(stat(out.buf, &st), 0);
		assert_true(st.st_size > 500 * 100);
		assert_int_not_equal(stat(tmp.buf, &st), 0);
	}
	unlink(out.buf);
	{
		char *argv[] = { (char *)"gen", (char *)"--people", (char *)"0",
				 (char *)"--out", out.buf, NULL };
		assert_int_equal(cmd_gen(5, argv), HW_EINPUT);
	}
	{
		char *argv[] = { (char *)"gen", (char *)"--people", (char *)"5",
				 NULL };
		assert_int_equal(cmd_gen(3, argv), HW_EINPUT);
	}
	{
		char *argv[] = { (char *)"gen", (char *)"--people", (char *)"5",
				 (char *)"--today", (char *)"2025-02-30",
				 (char *)"--out", out.buf, NULL };
		assert_int_equal(cmd_gen(7, argv), HW_EINPUT);
	}
	{
		char *argv[] = { (char *)"gen", (char *)"--people", (char *)"5",
				 (char *)"--nationality", (char *)"ZZ",
				 (char *)"--out", out.buf, NULL };
		assert_int_equal(cmd_gen(7, argv), HW_EINPUT);
	}
	{
		char *argv[] = { (char *)"gen", (char *)"--people", (char *)"5",
				 (char *)"--seed", (char *)"-4",
				 (char *)"--out", out.buf, NULL };
		assert_int_equal(cmd_gen(7, argv), HW_EINPUT);
	}
	assert_int_not_equal(stat(out.buf, &st), 0);
	assert_int_not_equal(stat(tmp.buf, &st), 0);
	/* A pipe is written as it is, not replaced by a renamed file. Holding
	 * it open for reading and writing keeps the writer from blocking; 50
	 * rows fit in the pipe's buffer. */
	assert_int_equal(mkfifo(out.buf, 0600), 0);
	{
		char *argv[] = { (char *)"gen", (char *)"--people", (char *)"50",
				 (char *)"--out", out.buf, NULL };
		char buf[256];
		int fd = open(out.buf, O_RDWR | O_NONBLOCK);

		assert_true(fd >= 0);
		assert_int_equal(cmd_gen(5, argv), HW_OK);
		assert_int_equal(stat(out.buf, &st), 0);
		assert_true(S_ISFIFO(st.st_mode));
		assert_true(read(fd, buf, sizeof(buf)) > 0);
		assert_memory_equal(buf, "external_id,", 12);
		close(fd);
	}
	unlink(out.buf);
	assert_int_not_equal(stat(tmp.buf, &st), 0);
	rmdir(dir);
	strbuf_release(&out);
	strbuf_release(&tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_bytes),
		cmocka_unit_test(test_row_count),
		cmocka_unit_test(test_rows_parse),
		cmocka_unit_test(test_households),
		cmocka_unit_test(test_country_distribution),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_purposes),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
