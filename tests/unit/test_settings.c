/* Unit tests for settings.c: the table's own consistency, the order of
 * precedence (default < file < environment < flag), values checked by type
 * and bounds from every source, settings files refused whole with line and
 * reason, and secrets never shown. */
#include "core/homeward.h"
#include "core/settings.h"

#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

#include "scratch.h"

static char dir[256];

static int setup(void **state)
{
	struct strbuf err = STRBUF_INIT;
	(void)state;
	if (scratch_make(dir, sizeof(dir), "settings"))
		return -1;
	assert_int_equal(settings_init(&err), HW_OK);
	strbuf_release(&err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	scratch_remove(dir);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_table(void **state)
{
	const struct setting *t = settings_table();
	struct strbuf err = STRBUF_INIT;
	(void)state;

	for (size_t i = 0; i < SET_COUNT; i++) {
		/* Every row is filled in, its name is unique and found, its
		 * default passes its own checks. */
		assert_non_null(t[i].name);
		assert_non_null(t[i].help);
		assert_non_null(t[i].commands);
		assert_ptr_equal(setting_find(t[i].name, strlen(t[i].name)), &t[i]);
		if (t[i].def) {
			strbuf_reset(&err);
			assert_int_equal(settings_set(i, t[i].def, SOURCE_DEFAULT, "", &err), HW_OK);
		}
		if (t[i].type == SETTING_INT || t[i].type == SETTING_NUMBER)
			assert_true(t[i].min <= t[i].max);
		if (t[i].type == SETTING_CHOICE)
			assert_non_null(t[i].choices);
	}
	assert_null(setting_find("no-such", 7));
	assert_true(setting_applies(&t[SET_LISTEN], "serve"));
	assert_false(setting_applies(&t[SET_LISTEN], "import"));
	assert_true(setting_applies(&t[SET_LISTEN], "config"));
	assert_true(setting_applies(&t[SET_DB], "mission add"));
	strbuf_release(&err);
}

static void test_precedence(void **state)
{
	struct strbuf err = STRBUF_INIT;
	char path[320];
	const char *where;
	(void)state;

	snprintf(path, sizeof(path), "%s/a.conf", dir);
	write_file(path, "# a comment\n\nthreads = 8\nlisten = \" 0.0.0.0:9000 \"\n"
		   "checkin-sync=NORMAL\n");
	setenv("HOMEWARD_THREADS", "4", 1);
	assert_int_equal(settings_init(&err), HW_OK);
	unsetenv("HOMEWARD_THREADS");
	assert_int_equal(setting_int(SET_THREADS), 4);
	assert_int_equal(setting_source(SET_THREADS, &where), SOURCE_ENV);
	assert_string_equal(where, "HOMEWARD_THREADS");

	/* The file comes after the environment but does not win over it. */
	assert_int_equal(settings_load_file(path, &err), HW_OK);
	assert_int_equal(setting_int(SET_THREADS), 4);
	assert_string_equal(setting_str(SET_LISTEN), " 0.0.0.0:9000 ");
	assert_int_equal(setting_source(SET_LISTEN, &where), SOURCE_FILE);
	assert_non_null(strstr(where, "a.conf:4"));
	assert_string_equal(setting_str(SET_CHECKIN_SYNC), "normal");

	/* A flag wins over both, and a later file does not undo it. */
	assert_int_equal(settings_set(SET_THREADS, "2", SOURCE_FLAG, "--threads", &err), HW_OK);
	assert_int_equal(settings_load_file(path, &err), HW_OK);
	assert_int_equal(setting_int(SET_THREADS), 2);
	assert_int_equal(setting_source(SET_THREADS, &where), SOURCE_FLAG);
	assert_string_equal(where, "--threads");

	/* Untouched: the default. */
	assert_int_equal(setting_int(SET_SESSION_MINUTES), 480);
	assert_int_equal(setting_source(SET_SESSION_MINUTES, &where), SOURCE_DEFAULT);
	assert_int_equal(settings_init(&err), HW_OK);
	assert_int_equal(setting_int(SET_THREADS), 0);
	strbuf_release(&err);
}

/* A bad variable stops only the commands that read its setting; CI is
 * not ours to refuse. */
static void test_env_per_command(void **state)
{
	struct strbuf err = STRBUF_INIT;
	(void)state;

	setenv("HOMEWARD_THREADS", "lots", 1);
	setenv("CI", "woodpecker", 1);
	assert_int_equal(settings_init(&err), HW_EINPUT);
	unsetenv("HOMEWARD_THREADS");
	unsetenv("CI");
	strbuf_reset(&err);
	assert_int_equal(settings_env_check("import", &err), HW_OK);
	assert_int_equal(settings_env_check("mission add", &err), HW_OK);
	assert_int_equal(settings_env_check("serve", &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "HOMEWARD_THREADS: 'lots' is not a whole number"));
	assert_string_equal(setting_str(SET_CI), "woodpecker");
	assert_int_equal(settings_init(&err), HW_OK);
	strbuf_release(&err);
}

static void test_values(void **state)
{
	static const struct { enum setting_id id; const char *v; const char *why; } bad[] = {
		{ SET_THREADS, "257", "'257' is not a whole number from 0 to 256" },
		{ SET_THREADS, "4x", "not a whole number" },
		{ SET_THREADS, "", "not a whole number" },
		{ SET_EMAIL_RATE, "-1", "'-1' is not a number from 0" },
		{ SET_EMAIL_RATE, "nan", "not a number" },
		{ SET_QUIET, "maybe", "'maybe' is not true or false" },
		{ SET_CHECKIN_SYNC, "off", "'off' is not one of full,normal" },
	};
	struct strbuf err = STRBUF_INIT;
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		strbuf_reset(&err);
		assert_int_equal(settings_set(bad[i].id, bad[i].v, SOURCE_FLAG, "x", &err),
				 HW_EINPUT);
		assert_non_null(strstr(err.buf, bad[i].why));
	}
	/* A refused value leaves the old one. */
	assert_int_equal(setting_int(SET_THREADS), 0);
	assert_false(setting_bool(SET_QUIET));
	assert_int_equal(settings_set(SET_QUIET, "YES", SOURCE_FLAG, "x", &err), HW_OK);
	assert_true(setting_bool(SET_QUIET));
	assert_int_equal(settings_set(SET_EMAIL_RATE, "12.5", SOURCE_FLAG, "x", &err), HW_OK);
	assert_true(setting_num(SET_EMAIL_RATE) == 12.5);
	assert_int_equal(settings_init(&err), HW_OK);
	strbuf_release(&err);
}

static void test_bad_files(void **state)
{
	static const struct { const char *text, *why; } bad[] = {
		{ "threads = 8\nthread = 2\n", "line 2: 'thread' is not a setting" },
		{ "listen 127.0.0.1:80\n", "line 1: no '='" },
		{ "\n\n# x\nthreads = many\n", "line 4: threads: 'many' is not a whole number" },
		{ "quiet = sometimes\n", "line 1: quiet: 'sometimes' is not true or false" },
	};
	struct strbuf err = STRBUF_INIT;
	char path[320];
	(void)state;

	snprintf(path, sizeof(path), "%s/bad.conf", dir);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		write_file(path, bad[i].text);
		strbuf_reset(&err);
		assert_int_equal(settings_load_file(path, &err), HW_EINPUT);
		assert_non_null(strstr(err.buf, bad[i].why));
		assert_non_null(strstr(err.buf, "bad.conf"));
		/* All or nothing: the good line before the bad one is not taken. */
		assert_int_equal(setting_int(SET_THREADS), 0);
	}
	/* A NUL byte: not text, refused whole rather than read up to it. */
	{
		static const char nul[] = "threads = 8\nlisten = a\0b\nquiet = x\n";
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fwrite(nul, 1, sizeof(nul) - 1, f);
		fclose(f);
		strbuf_reset(&err);
		assert_int_equal(settings_load_file(path, &err), HW_EINPUT);
		assert_non_null(strstr(err.buf, "NUL byte"));
		assert_int_equal(setting_int(SET_THREADS), 0);
	}
	snprintf(path, sizeof(path), "%s/none.conf", dir);
	strbuf_reset(&err);
	assert_int_not_equal(settings_load_file(path, &err), HW_OK);
	assert_non_null(strstr(err.buf, "none.conf"));
	strbuf_release(&err);
}

static void test_secrets(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	(void)state;

	setting_show(SET_SMTP_PASSWORD, &out);
	assert_string_equal(out.buf, "(not set)");
	assert_int_equal(settings_set(SET_SMTP_PASSWORD, "hunter2-hunter2", SOURCE_FLAG,
				      "x", &err), HW_OK);
	strbuf_reset(&out);
	setting_show(SET_SMTP_PASSWORD, &out);
	assert_string_equal(out.buf, "(set, hidden)");
	assert_string_equal(setting_str(SET_SMTP_PASSWORD), "hunter2-hunter2");
	strbuf_reset(&out);
	setting_show(SET_LISTEN, &out);
	assert_string_equal(out.buf, "127.0.0.1:8080");
	assert_int_equal(settings_init(&err), HW_OK);
	strbuf_release(&out);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_env_per_command),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_secrets),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
