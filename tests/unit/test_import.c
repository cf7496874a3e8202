/* Unit tests for import.c (through import_registrants) and regfeed.c: the
 * checks across rows, all-or-nothing, --skip-invalid, updates, and rows
 * spread over many chunks of the reader thread. */
#include "core/homeward.h"
#include "store/db.h"
#include "registry/import.h"
#include "registry/registrant.h"
#include "store/store.h"
#include "scratch.h"

#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

static char dir[256];
static char dbpath[320], csvpath[320];
static struct db db;

static const char header[] =
	"external_id,family_name,given_name,native_name,sex,date_of_birth,"
	"nationality,passport_no,phone,email,language,country,city,lat,lon,"
	"arrival,departure,purpose,organisation,party_id,needs\n";

/* A valid row in Paris or Berlin for person `id`, in party `party`. */
static void row(struct strbuf *sb, const char *id, const char *family,
		const char *country, const char *arrival, const char *departure,
		const char *party)
{
	bool fr = !strcmp(country, "FR");
	strbuf_addf(sb, "%s,%s,Ana,,F,1990-01-02,PH,P%s123,+33612345678,"
		    "%s@example.com,tl,%s,%s,%s,%s,%s,%s,tourism,,%s,\n",
		    id, family, id, id, country, fr ? "Paris" : "Berlin",
		    fr ? "48.8566" : "52.52", fr ? "2.3522" : "13.405",
		    arrival, departure, party);
}

static int write_file(const struct strbuf *body)
{
	FILE *f = fopen(csvpath, "w");
	if (!f)
		return -1;
	fputs(header, f);
	fwrite(body->buf, 1, body->len, f);
	return fclose(f);
}

static int run(bool skip, struct import_result *res, struct strbuf *err)
{
	struct import_options o = { 0 };
	o.path = csvpath;
	o.skip_invalid = skip;
	o.max_report = 100;
	strbuf_reset(err);
	return import_registrants(&db, &o, res, err);
}

static int setup(void **state)
{
	struct strbuf err = STRBUF_INIT;
	bool created;
	(void)state;
	if (scratch_make(dir, sizeof(dir), "import"))
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/t.db", dir);
	snprintf(csvpath, sizeof(csvpath), "%s/in.csv", dir);
	if (db_init(&db, dbpath, NULL, &created, &err))
		return -1;
	strbuf_release(&err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_release(&db);
	scratch_remove(dir);
	return 0;
}

static void test_all_or_nothing(void **state)
{
	struct strbuf body = STRBUF_INIT, err = STRBUF_INIT;
	struct import_result res;
	(void)state;
	row(&body, "A1", "Cruz", "FR", "2026-01-01", "2026-02-01", "H1");
	row(&body, "A2", "Cruz", "FR", "2026-01-01", "2026-02-01", "H1");
	/* The same party in Germany at the same time: refused. */
	row(&body, "A3", "Cruz", "DE", "2026-01-15", "2026-03-01", "H1");
	assert_int_equal(write_file(&body), 0);
	assert_int_equal(run(false, &res, &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "1 of 3 rows has problems"));
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM person"), 0);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM party"), 0);

	/* With --skip-invalid the two good rows are written. */
	assert_int_equal(run(true, &res, &err), HW_OK);
	assert_int_equal(res.written, 2);
	assert_int_equal(res.rejected, 1);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM person"), 2);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM contact"), 4);
	strbuf_release(&body);
	strbuf_release(&err);
}

static void test_party_times(void **state)
{
	struct strbuf body = STRBUF_INIT, err = STRBUF_INIT;
	struct import_result res;
	(void)state;
	/* One after the other in two countries: a party may travel on. */
	row(&body, "B1", "Reyes", "FR", "2026-01-01", "2026-01-31", "H2");
	row(&body, "B2", "Reyes", "DE", "2026-02-01", "2026-02-20", "H2");
	assert_int_equal(write_file(&body), 0);
	assert_int_equal(run(false, &res, &err), HW_OK);
	/* An open-ended stay overlaps everything after it. */
	strbuf_reset(&body);
	row(&body, "B3", "Reyes", "FR", "2026-01-01", "", "H3");
	row(&body, "B4", "Reyes", "DE", "2030-01-01", "2030-01-02", "H3");
	assert_int_equal(write_file(&body), 0);
	assert_int_equal(run(false, &res, &err), HW_EINPUT);
	strbuf_release(&body);
	strbuf_release(&err);
}

static void test_person_rows(void **state)
{
	struct strbuf body = STRBUF_INIT, err = STRBUF_INIT;
	struct import_result res;
	(void)state;
	/* Two presences of one person: one person, two presences. */
	row(&body, "C1", "Santos", "FR", "2026-01-01", "2026-01-10", "");
	row(&body, "C1", "Santos", "DE", "2026-01-11", "2026-01-20", "");
	assert_int_equal(write_file(&body), 0);
	assert_int_equal(run(false, &res, &err), HW_OK);
	assert_int_equal(res.persons_new, 1);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM presence p JOIN person x ON x.id = p.person_id WHERE x.external_id = 'C1'"), 2);
	/* Disagreeing rows of one person are refused. */
	strbuf_reset(&body);
	row(&body, "C2", "Santos", "FR", "2026-01-01", "2026-01-10", "");
	row(&body, "C2", "Santo", "FR", "2026-02-01", "2026-02-10", "");
	assert_int_equal(write_file(&body), 0);
	assert_int_equal(run(false, &res, &err), HW_EINPUT);
	/* Re-importing C1 with one presence replaces both. */
	strbuf_reset(&body);
	row(&body, "C1", "Santos-Cruz", "DE", "2026-03-01", "2026-03-10", "");
	assert_int_equal(write_file(&body), 0);
	assert_int_equal(run(false, &res, &err), HW_OK);
	assert_int_equal(res.persons_updated, 1);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM presence p JOIN person x ON x.id = p.person_id WHERE x.external_id = 'C1'"), 1);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM person WHERE external_id = 'C1' AND family_name = 'Santos-Cruz'"), 1);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM contact c JOIN person x ON x.id = c.person_id WHERE x.external_id = 'C1'"), 2);
	strbuf_release(&body);
	strbuf_release(&err);
}

/* Thousands of rows, so the reader thread hands over many chunks, with
 * problems in late chunks that must all be found. */
static void test_many_chunks(void **state)
{
	struct strbuf body = STRBUF_INIT, err = STRBUF_INIT;
	struct import_result res;
	char id[32];
	int i;
	(void)state;
	for (i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "D%05d", i);
		if (i == 3333 || i == 4999)
			strbuf_addf(&body, "%s,X,Y,,F,,PH,,,,,FR,,91,2,,,,,,\n", id);
		else
			row(&body, id, "Lim", i % 2 ? "FR" : "DE", "2026-01-01",
			    "2026-02-01", "");
	}
	assert_int_equal(write_file(&body), 0);
	assert_int_equal(run(false, &res, &err), HW_EINPUT);
	assert_int_equal(res.rows, 5000);
	assert_int_equal(res.rejected, 2);
	assert_int_equal(run(true, &res, &err), HW_OK);
	assert_int_equal(res.written, 4998);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM person WHERE external_id LIKE 'D%'"), 4998);
	strbuf_release(&body);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_party_times),
		cmocka_unit_test(test_person_rows),
		cmocka_unit_test(test_many_chunks),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
