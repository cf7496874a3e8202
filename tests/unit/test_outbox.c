/* Unit tests for outbox.c and channel.c's pure parts: channel lists,
 * settings from the settings table (defaults, the environment and
 * flags), e-mail header
 * encoding, and the outbox's rows on a scratch database: enqueueing
 * (counts, idempotency, exercises), marking notified after a send,
 * receipts, and the escalation ladder. */
#include "core/homeward.h"
#include "crisis/outbox.h"
#include "core/time.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sodium.h>
#include <unistd.h>

#include "crisis/channel.h"
#include "core/cli.h"
#include "core/settings.h"
#include "store/db.h"
#include "store/store.h"
#include "scratch.h"

static char dir[256];
static char dbpath[320];
static struct db db;

static void exec(const char *sql)
{
	assert_int_equal(store_exec(db.st, sql), HW_OK);
}

static int setup(void **state)
{
	struct strbuf err = STRBUF_INIT;
	bool created;

	(void)state;
	if (scratch_make(dir, sizeof(dir), "outbox"))
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/t.db", dir);
	if (db_init(&db, dbpath, NULL, &created, &err)) {
		fprintf(stderr, "%s\n", err.buf);
		return -1;
	}
	strbuf_release(&err);
	/* An incident over three persons: 1 with e-mail and phone (fr),
	 * 2 with a phone only, 3 with nothing; 4 is not on the roster.
	 * Person 1 has an emergency contact. Incident 2 is an exercise. */
	return store_exec(db.st,
		"INSERT INTO person (id, external_id, family_name, given_name, nationality, "
		"  language, created_at, updated_at) VALUES "
		"  (1, 'A', 'Dupont', 'Jean', 'FR', 'fr', 'x', 'x'),"
		"  (2, 'B', 'Smith', 'Ann', 'GB', NULL, 'x', 'x'),"
		"  (3, 'C', 'Nobody', 'No', 'GB', 'en', 'x', 'x'),"
		"  (4, 'D', 'Far', 'Away', 'GB', 'en', 'x', 'x');"
		"INSERT INTO contact (person_id, kind, value, preferred) VALUES "
		"  (1, 'email', 'old@example.org', 0), (1, 'email', 'jean@example.org', 1),"
		"  (1, 'phone', '+33600000001', 1), (2, 'phone', '+447700900002', 1),"
		"  (4, 'email', 'far@example.org', 1);"
		"INSERT INTO emergency_contact (person_id, name, email, created_at) VALUES "
		"  (1, 'Marie', 'marie@example.org', 'x');"
		"INSERT INTO incident (id, title, area_kind, area_text, created_by, created_at, "
		"  updated_at, exercise) VALUES (1, 'Flood', 'countries', 'FR', 't', 'x', 'x', 0),"
		"  (2, 'Drill', 'countries', 'FR', 't', 'x', 'x', 1);"
		"INSERT INTO roster (incident_id, person_id, updated_at) VALUES "
		"  (1, 1, 'x'), (1, 2, 'x'), (1, 3, 'x'), (2, 1, 'x'), (2, 2, 'x');") ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	db_release(&db);
	scratch_remove(dir);
	return 0;
}

static void test_channels(void **state)
{
	struct strbuf err = STRBUF_INIT;
	unsigned mask;
	(void)state;
	assert_int_equal(outbox_channels_parse("email,sms", &mask, &err), HW_OK);
	assert_int_equal(mask, OUTBOX_CH(OUTBOX_EMAIL) | OUTBOX_CH(OUTBOX_SMS));
	assert_int_equal(outbox_channels_parse("webhook", &mask, &err), HW_OK);
	assert_int_equal(mask, OUTBOX_CH(OUTBOX_WEBHOOK));
	assert_int_equal(outbox_channels_parse("email,fax", &mask, &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "'fax'"));
	strbuf_reset(&err);
	assert_int_equal(outbox_channels_parse("email,", &mask, &err), HW_OK);
	assert_int_equal(outbox_channels_parse(",", &mask, &err), HW_EINPUT);
	assert_int_equal(outbox_channels_parse("", &mask, &err), HW_EINPUT);
	assert_string_equal(outbox_channel_name(OUTBOX_SMS), "sms");
	assert_int_equal(outbox_channel_from_name("webhook"), OUTBOX_WEBHOOK);
	assert_int_equal(outbox_channel_from_name("pigeon"), -1);
	strbuf_release(&err);
}

static void test_settings(void **state)
{
	struct outbox_settings s, copy;
	struct strbuf err = STRBUF_INIT;
	(void)state;

	setenv("HOMEWARD_SMTP_URL", "smtp://127.0.0.1:2525", 1);
	setenv("HOMEWARD_SMS_RATE", "12.5", 1);
	setenv("HOMEWARD_ATTEMPTS", "not-a-number", 1);
	/* A bad environment value is refused by name; its setting keeps the
	 * default. */
	assert_int_equal(settings_init(&err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "HOMEWARD_ATTEMPTS: 'not-a-number' is not a whole number"));
	strbuf_reset(&err);
	outbox_settings_init(&s);
	unsetenv("HOMEWARD_SMTP_URL");
	unsetenv("HOMEWARD_SMS_RATE");
	unsetenv("HOMEWARD_ATTEMPTS");
	assert_string_equal(s.base_url, "http://127.0.0.1:8080");
	assert_string_equal(s.smtp_url, "smtp://127.0.0.1:2525");
	assert_true(s.rate[OUTBOX_SMS] == 12.5);
	assert_int_equal(s.max_attempts, 6);    /* the bad value kept the default */
	assert_int_equal(s.connections[OUTBOX_EMAIL], 4);
	assert_null(s.sms_url);
	assert_true(outbox_channel_configured(&s, OUTBOX_EMAIL));
	assert_false(outbox_channel_configured(&s, OUTBOX_SMS));
	assert_int_equal(outbox_settings_check(&s, &err), HW_OK);
	outbox_settings_release(&s);

	/* Flags: every setting of the outbox is one of dispatch's. */
	{
		char *argv[] = { (char *)"dispatch", (char *)"--attempts", (char *)"3",
				 (char *)"--sms-url=https://gw.example/send", NULL };
		char *bad[] = { (char *)"dispatch", (char *)"--lease", (char *)"1", NULL };
		const struct opt none[] = { OPT_END };

		assert_int_equal(opt_parse_only(none, 4, argv), HW_OK);
		outbox_settings_init(&s);
		assert_int_equal(s.max_attempts, 3);
		assert_string_equal(s.sms_url, "https://gw.example/send");
		assert_int_equal(opt_parse_only(none, 3, bad), HW_EINPUT);
		assert_int_equal(settings_set(SET_LEASE, "1", SOURCE_FLAG, "--lease", &err),
				 HW_EINPUT);
		assert_non_null(strstr(err.buf, "'1' is not a whole number from 2"));
	}

	outbox_settings_copy(&copy, &s);
	assert_string_equal(copy.sms_url, s.sms_url);
	assert_ptr_not_equal(copy.sms_url, s.sms_url);
	outbox_settings_release(&copy);

	/* Checks: schemes, the SMS format, the sender. */
	static const struct { const char *field, *value, *msg; } bad[] = {
		{ "smtp", "http://x", "smtp-url" },
		{ "sms", "smtp://x", "sms-url" },
		{ "format", "xml", "sms-format" },
		{ "from", "nobody", "mail-from" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct outbox_settings t;
		outbox_settings_copy(&t, &s);
		char **f = !strcmp(bad[i].field, "smtp") ? &t.smtp_url
			 : !strcmp(bad[i].field, "sms") ? &t.sms_url
			 : !strcmp(bad[i].field, "format") ? &t.sms_format : &t.mail_from;
		free(*f);
		*f = xstrdup(bad[i].value);
		strbuf_reset(&err);
		assert_int_equal(outbox_settings_check(&t, &err), HW_EINPUT);
		assert_non_null(strstr(err.buf, bad[i].msg));
		outbox_settings_release(&t);
	}
	outbox_settings_release(&s);
	/* The flags above are the process's: back to the defaults for the
	 * tests that follow. */
	strbuf_reset(&err);
	assert_int_equal(settings_init(&err), HW_OK);
	strbuf_release(&err);
}

static void test_header_encode(void **state)
{
	struct strbuf out = STRBUF_INIT, dec = STRBUF_INIT;
	const char *text = "请立即报平安：尼泊尔地震 — Earthquake in Nepal, "
			   "طمئنونا عليكم";
	(void)state;
	channel_header_encode("Plain ASCII subject", &out);
	assert_string_equal(out.buf, "Plain ASCII subject");
	strbuf_reset(&out);
	channel_header_encode(text, &out);
	/* Encoded words of at most 75 characters, one per folded line,
	 * each decoding to whole characters; together the text. */
	for (char *line = out.buf; line; ) {
		char *next = strstr(line, "\r\n ");
		size_t len = next ? (size_t)(next - line) : strlen(line);
		unsigned char bin[64];
		size_t binlen;
		assert_true(len <= 75);
		assert_memory_equal(line, "=?UTF-8?B?", 10);
		assert_memory_equal(line + len - 2, "?=", 2);
		assert_int_equal(sodium_base642bin(bin, sizeof(bin), line + 10, len - 12, NULL,
						   &binlen, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
		assert_true((bin[0] & 0xC0) != 0x80);
		strbuf_add(&dec, bin, binlen);
		line = next ? next + 3 : NULL;
	}
	assert_string_equal(dec.buf, text);
	strbuf_release(&out);
	strbuf_release(&dec);
}

static void test_enqueue(void **state)
{
	struct outbox_settings set;
	struct outbox_request req = { 1, "alert", OUTBOX_ALL_CHANNELS, NULL };
	struct outbox_counts c;
	struct strbuf err = STRBUF_INIT;
	(void)state;
	outbox_settings_init(&set);
	free(set.base_url);
	set.base_url = xstrdup("https://hw.example");
	assert_int_equal(store_begin(db.st), HW_OK);
	assert_int_equal(outbox_enqueue(db.st, &set, &req, &c, &err), HW_OK);
	assert_int_equal(store_commit(db.st), HW_OK);
	assert_int_equal(c.persons, 3);
	assert_int_equal(c.queued[OUTBOX_EMAIL], 1);
	assert_int_equal(c.queued[OUTBOX_SMS], 2);
	assert_int_equal(c.queued[OUTBOX_WEBHOOK], 3);
	assert_int_equal(c.no_address, 3);   /* 2: e-mail; 3: e-mail and SMS */
	assert_int_equal(c.existing, 0);
	assert_false(c.exercise);
	/* The preferred e-mail; the French template; the link. */
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM message WHERE channel = 'email' AND "
			       "recipient = 'jean@example.org' AND language = 'fr' AND "
			       "subject LIKE '%Flood' AND body LIKE '%Bonjour Jean Dupont,%'"), 1);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM message m JOIN checkin_token t ON "
			       "t.incident_id = m.incident_id AND t.person_id = m.person_id "
			       "WHERE m.body LIKE '%https://hw.example/c/' || t.token || '%'"), 6);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM message WHERE person_id = 4"), 0);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM message WHERE state = 'queued' AND "
			       "attempts = 0"), 6);

	/* Again: nothing new. */
	assert_int_equal(store_begin(db.st), HW_OK);
	assert_int_equal(outbox_enqueue(db.st, &set, &req, &c, &err), HW_OK);
	assert_int_equal(store_commit(db.st), HW_OK);
	assert_int_equal(c.existing, 6);
	assert_int_equal(c.queued[OUTBOX_EMAIL] + c.queued[OUTBOX_SMS] + c.queued[OUTBOX_WEBHOOK], 0);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM message"), 6);

	/* Refusals. */
	req.template = "nosuch";
	assert_int_equal(outbox_enqueue(db.st, &set, &req, &c, &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "template:"));
	req.template = "alert";
	req.incident = 99;
	strbuf_reset(&err);
	assert_int_equal(outbox_enqueue(db.st, &set, &req, &c, &err), HW_ENOTFOUND);

	/* An exercise: suppressed, and its persons notified. */
	req.incident = 2;
	assert_int_equal(store_begin(db.st), HW_OK);
	assert_int_equal(outbox_enqueue(db.st, &set, &req, &c, &err), HW_OK);
	assert_int_equal(store_commit(db.st), HW_OK);
	assert_true(c.exercise);
	assert_int_equal(c.suppressed, 5);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM message WHERE incident_id = 2 AND "
			       "state <> 'suppressed'"), 0);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM roster WHERE incident_id = 2 AND "
			       "status = 'notified'"), 2);
	outbox_settings_release(&set);
	strbuf_release(&err);
}

static void test_sent_receipt_escalate(void **state)
{
	struct outbox_settings set;
	struct outbox_escalated e;
	struct strbuf err = STRBUF_INIT;
	int64_t id = 0, now = time_now_ms();
	(void)state;
	outbox_settings_init(&set);
	set.escalate_after_s = 60;

	/* Person 1's e-mail was sent: notified, and the ladder starts. */
	exec("UPDATE message SET state = 'sent', provider_id = 'gw-77' WHERE person_id = 1 "
	     "AND incident_id = 1 AND channel = 'email'");
	exec("UPDATE message SET state = 'sent', provider_id = 'gw-78' WHERE person_id = 1 "
	     "AND incident_id = 1 AND channel = 'sms'");
	assert_int_equal(store_begin(db.st), HW_OK);
	assert_int_equal(outbox_after_send(db.st, &set, 1, 1, "email", now, &err), HW_OK);
	assert_int_equal(outbox_after_send(db.st, &set, 1, 1, "sms", now, &err), HW_OK);
	assert_int_equal(store_commit(db.st), HW_OK);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM roster WHERE incident_id = 1 AND "
			       "person_id = 1 AND status = 'notified'"), 1);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM roster_event WHERE incident_id = 1 AND "
			       "person_id = 1 AND status = 'notified'"), 1);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM escalation WHERE incident_id = 1 AND "
			       "person_id = 1 AND stage = 'contacted'"), 1);

	/* Receipts. */
	assert_int_equal(store_begin(db.st), HW_OK);
	assert_int_equal(outbox_receipt(db.st, "gw-78", "delivered", NULL, &id, &err), HW_OK);
	assert_true(id > 0);
	assert_int_equal(outbox_receipt(db.st, "gw-nope", "delivered", NULL, &id, &err),
			 HW_ENOTFOUND);
	assert_int_equal(outbox_receipt(db.st, "gw-78", "lost", NULL, &id, &err), HW_EINPUT);
	assert_int_equal(store_commit(db.st), HW_OK);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM message WHERE provider_id = 'gw-78' "
			       "AND state = 'delivered' AND delivered_at IS NOT NULL"), 1);
	/* The e-mail's provider id is not an SMS: no receipt for it. */
	assert_int_equal(outbox_receipt(db.st, "gw-77", "delivered", NULL, &id, &err),
			 HW_ENOTFOUND);

	/* Not due yet: nothing. */
	assert_int_equal(outbox_escalate(db.st, &set, now + 1000, &e, &err), HW_OK);
	assert_int_equal(e.messages + e.call_list, 0);
	/* Due: every channel used already, so straight to the emergency
	 * contact; then the call list. */
	assert_int_equal(outbox_escalate(db.st, &set, now + 61000, &e, &err), HW_OK);
	assert_int_equal(e.kin, 1);
	assert_int_equal(e.messages, 1);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM message WHERE kin_id <> 0 AND "
			       "recipient = 'marie@example.org' AND template = 'kin' AND "
			       "body LIKE '%Jean Dupont%' AND state = 'queued'"), 1);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM escalation WHERE stage = 'kin'"), 1);
	assert_int_equal(outbox_escalate(db.st, &set, now + 122000, &e, &err), HW_OK);
	assert_int_equal(e.call_list, 1);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM escalation WHERE stage = 'call-list' "
			       "AND call_list_at IS NOT NULL"), 1);
	/* At the end of the ladder: nothing more, ever. */
	assert_int_equal(outbox_escalate(db.st, &set, now + 999000, &e, &err), HW_OK);
	assert_int_equal(e.messages + e.call_list, 0);

	/* A cancelled incident's unsent messages are suppressed. */
	exec("UPDATE incident SET status = 'cancelled' WHERE id = 1");
	assert_int_equal(outbox_escalate(db.st, &set, now, &e, &err), HW_OK);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM message WHERE incident_id = 1 AND "
			       "state IN ('queued', 'failed')"), 0);
	assert_int_equal(count_rows(db.st, "SELECT count(*) FROM message WHERE incident_id = 1 AND "
			       "state = 'suppressed'"), 5);
	outbox_settings_release(&set);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_channels),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_header_encode),
		cmocka_unit_test(test_enqueue),
		cmocka_unit_test(test_sent_receipt_escalate),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
