/* Unit tests for check-ins: SMS replies read in every supported language
 * (checkin_text.c), the page's string table complete, and roster.c's
 * status changes (validation, the event row, "notified" never replacing
 * an answer, counts). */
#include "core/homeward.h"
#include "crisis/checkin.h"
#include "crisis/roster.h"
#include "store/store.h"
#include "scratch.h"

#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

/* ---- Replies ---- */

static const struct {
	const char *text;
	const char *status;   /* NULL: not an answer */
	int party;
	const char *rest;
} replies[] = {
	{ "SAFE", "safe", -1, "" },
	{ "  safe. ", "safe", -1, "" },
	{ "Ok", "safe", -1, "" },
	{ "3 SAFE", "safe", 3, "" },
	{ "safe 4 all fine here", "safe", 4, "all fine here" },
	{ "I'm safe, at the hotel", "safe", -1, "at the hotel" },
	{ "安全", "safe", -1, "" },
	{ "我很安全", "safe", -1, "" },
	{ "安全3", "safe", 3, "" },
	{ "SÛR", "safe", -1, "" },
	{ "EN SÉCURITÉ", "safe", -1, "" },
	{ "en securite", "safe", -1, "" },
	{ "A SALVO", "safe", -1, "" },
	{ "Seguro", "safe", -1, "" },
	{ "آمن", "safe", -1, "" },
	{ "أنا بأمان", "safe", -1, "" },
	{ "٢ آمن", "safe", 2, "" },
	{ "HELP", "needs-help", -1, "" },
	{ "help! broken leg", "needs-help", -1, "broken leg" },
	{ "AIDE", "needs-help", -1, "" },
	{ "Ayuda", "needs-help", -1, "" },
	{ "帮助", "needs-help", -1, "" },
	{ "مساعدة", "needs-help", -1, "" },
	{ "LEAVE", "wants-evacuation", -1, "" },
	{ "2 leave", "wants-evacuation", 2, "" },
	{ "PARTIR", "wants-evacuation", -1, "" },
	{ "SALIR", "wants-evacuation", -1, "" },
	{ "离开", "wants-evacuation", -1, "" },
	{ "مغادرة", "wants-evacuation", -1, "" },
	{ "where is the embassy?", NULL, 0, NULL },
	{ "safety first", NULL, 0, NULL },   /* a word must end where the reply word does */
	{ "okay-ish", "safe", -1, "ish" },
	{ "", NULL, 0, NULL },
	{ "1234 safe", NULL, 0, NULL },      /* not a number of people */
};

static void test_replies(void **state)
{
	struct strbuf rest = STRBUF_INIT;
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(replies); i++) {
		const char *status = NULL;
		int party = 0;
		int rc = checkin_parse_reply(replies[i].text, &status, &party, &rest);

		if (!replies[i].status) {
			if (rc != HW_EINPUT)
				fail_msg("'%s' read as %s", replies[i].text, status);
			continue;
		}
		if (rc != HW_OK)
			fail_msg("'%s' not read", replies[i].text);
		assert_string_equal(status, replies[i].status);
		if (party != replies[i].party)
			fail_msg("'%s': party %d, expected %d", replies[i].text, party,
				 replies[i].party);
		assert_string_equal(rest.buf, replies[i].rest);
	}
	strbuf_release(&rest);
}

static void test_languages(void **state)
{
	static const char *const codes[] = { "en", "zh", "fr", "es", "ar" };
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		const struct checkin_lang *l = checkin_lang_find(codes[i]);

		assert_non_null(l);
		for (int t = 0; t < CT_NTEXTS; t++)
			if (!l->text[t] || !*l->text[t])
				fail_msg("language %s lacks text %d", codes[i], t);
		assert_int_equal(l->rtl, !strcmp(codes[i], "ar"));
	}
	assert_string_equal(checkin_lang_find("FR-ca")->code, "fr");
	assert_string_equal(checkin_lang_find("zh_Hans")->code, "zh");
	assert_null(checkin_lang_find("de"));
	assert_null(checkin_lang_find(NULL));
	assert_string_equal(checkin_lang_accept("de-DE,de;q=0.9,es;q=0.8")->code, "es");
	assert_null(checkin_lang_accept("de, nl"));
	assert_string_equal(checkin_lang_default()->code, "en");
	assert_string_equal(checkin_status_label(checkin_lang_find("en"), "needs-help"),
			    "I need help");
	assert_null(checkin_status_label(checkin_lang_find("en"), "missing"));
}

/* ---- Roster ---- */

static char dir[256];
static struct store *st;

static int setup(void **state)
{
	struct strbuf err = STRBUF_INIT;
	char path[320];
	(void)state;
	if (scratch_make(dir, sizeof(dir), "checkin"))
		return -1;
	snprintf(path, sizeof(path), "%s/t.db", dir);
	if (store_open(path, STORE_CREATE | STORE_MIGRATE, &st, &err))
		return -1;
	strbuf_release(&err);
	return store_exec(st,
		"INSERT INTO person (id, external_id, nationality, created_at, updated_at) "
		"VALUES (1, 'a', 'FR', 'x', 'x'), (2, 'b', 'FR', 'x', 'x'), (3, 'c', 'FR', 'x', 'x');"
		"INSERT INTO incident (id, title, area_kind, area_text, created_by, created_at, "
		"updated_at) VALUES (7, 'Storm', 'countries', 'FR', 't', 'x', 'x');"
		"INSERT INTO roster (incident_id, person_id, updated_at, in_area) VALUES "
		"(7, 1, 'x', 1), (7, 2, 'x', 1), (7, 3, 'x', 0);") ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	scratch_remove(dir);
	return 0;
}

static void test_set_status(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct roster_answer ans = ROSTER_ANSWER_INIT;
	int64_t counts[ROSTER_NSTATUS], total;
	int status;
	(void)state;

	assert_int_equal(store_begin(st), HW_OK);
	assert_int_equal(roster_set_status(st, 7, 1, "fine", "sms", "t", NULL, NULL, &err),
			 HW_EINPUT);
	assert_non_null(strstr(err.buf, "'fine'"));
	strbuf_reset(&err);
	assert_int_equal(roster_set_status(st, 7, 1, "safe", "pigeon", "t", NULL, NULL, &err),
			 HW_EINPUT);
	strbuf_reset(&err);
	assert_int_equal(roster_set_status(st, 7, 9, "safe", "sms", "t", NULL, NULL, &err),
			 HW_ENOTFOUND);
	strbuf_reset(&err);
	assert_int_equal(roster_set_status(st, 8, 1, "notified", "system", "t", NULL, NULL,
					   &err), HW_ENOTFOUND);
	strbuf_reset(&err);

	/* notified replaces unknown, but not an answer. */
	assert_int_equal(roster_set_status(st, 7, 1, "notified", "system", "outbox", NULL,
					   NULL, &err), HW_OK);
	ans.party_size = 3;
	ans.note = "at the hotel";
	ans.has_location = true;
	ans.lat = 48.85;
	ans.lon = 2.35;
	assert_int_equal(roster_set_status(st, 7, 1, "safe", "checkin", "checkin:abc", NULL,
					   &ans, &err), HW_OK);
	assert_int_equal(roster_set_status(st, 7, 1, "notified", "system", "outbox", NULL,
					   NULL, &err), HW_OK);
	assert_int_equal(roster_get_status(st, 7, 1, &status), HW_OK);
	assert_int_equal(status, ROSTER_SAFE);
	assert_int_equal(count_rows(st, "SELECT count(*) FROM roster_event WHERE person_id = 1"), 2);
	assert_int_equal(count_rows(st, "SELECT party_size FROM roster WHERE person_id = 1"), 3);
	/* An answer without details keeps the earlier ones. */
	assert_int_equal(roster_set_status(st, 7, 1, "needs-help", "sms", "sms", "x", NULL,
					   &err), HW_OK);
	assert_int_equal(count_rows(st, "SELECT party_size FROM roster WHERE person_id = 1"), 3);
	assert_int_equal(count_rows(st, "SELECT count(*) FROM roster WHERE person_id = 1 AND "
			       "note = 'at the hotel' AND lat = 48.85"), 1);
	assert_int_equal(roster_set_note(st, 7, 2, "who is this?"), HW_OK);
	assert_int_equal(roster_set_note(st, 7, 9, "x"), HW_ENOTFOUND);
	assert_int_equal(roster_set_status(st, 7, 3, "missing", "call", "user:o", NULL, NULL,
					   &err), HW_OK);
	assert_int_equal(store_commit(st), HW_OK);

	/* Person 3 is outside the area: not counted. */
	assert_int_equal(roster_count(st, 7, NULL, 0, counts, &total), HW_OK);
	assert_int_equal(total, 2);
	assert_int_equal(counts[ROSTER_NEEDS_HELP], 1);
	assert_int_equal(counts[ROSTER_UNKNOWN], 1);
	assert_int_equal(counts[ROSTER_MISSING], 0);
	assert_int_equal(roster_count(st, 7, "person.id = ?", 2, counts, &total), HW_OK);
	assert_int_equal(total, 1);
	assert_int_equal(counts[ROSTER_UNKNOWN], 1);
	assert_true(roster_status_unaccounted(ROSTER_NEEDS_HELP));
	assert_false(roster_status_unaccounted(ROSTER_SAFE));
	assert_int_equal(roster_incident_visible(st, 7, true, 0), HW_OK);
	assert_int_equal(roster_incident_visible(st, 7, false, 1), HW_ENOTFOUND);
	assert_int_equal(roster_incident_visible(st, 8, true, 0), HW_ENOTFOUND);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_languages),
		cmocka_unit_test_setup_teardown(test_set_status, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
