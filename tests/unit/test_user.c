/* Unit tests for user.c: validation, argon2id storage, password checks. */
#include "core/homeward.h"
#include "store/db.h"
#include "registry/mission.h"
#include "store/store.h"
#include "auth/user.h"
#include "scratch.h"

#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

static char dir[256];
static char dbpath[320];
static struct db db;

static int setup(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct mission_new m = { .code = "EMB-NP", .name = "Embassy in Kathmandu",
				  .countries = "NP" };
	int64_t id;
	bool created;
	(void)state;
	if (scratch_make(dir, sizeof(dir), "user"))
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/t.db", dir);
	if (db_init(&db, dbpath, NULL, &created, &err) ||
	    mission_add(db.st, &m, &id, &err))
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

static int add(const char *login, const char *role, const char *mission,
	       const char *password, struct strbuf *err)
{
	struct user_new u = { .login = login, .role = role, .mission = mission,
			      .password = password, .actor = "test" };
	int64_t id;

	strbuf_reset(err);
	return user_add(db.st, &u, &id, err);
}

static void test_validation(void **state)
{
	struct strbuf err = STRBUF_INIT;
	(void)state;
	assert_int_equal(add("ana", "officer", "EMB-NP", "long enough pw", &err), HW_OK);
	assert_int_equal(add("ana", "hq", NULL, "long enough pw", &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "taken"));
	assert_int_equal(add("A", "hq", NULL, "long enough pw", &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "login"));
	assert_int_equal(add("bob", "root", NULL, "long enough pw", &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "role"));
	assert_int_equal(add("bob", "officer", NULL, "long enough pw", &err), HW_EINPUT);
	assert_int_equal(add("bob", "officer", "EMB-XX", "long enough pw", &err), HW_EINPUT);
	assert_int_equal(add("bob", "auditor", "EMB-NP", "long enough pw", &err), HW_EINPUT);
	assert_int_equal(add("bob", "auditor", NULL, "short", &err), HW_EINPUT);
	assert_non_null(strstr(err.buf, "password"));
	strbuf_release(&err);
}

static void test_passwords(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct store_stmt *s;
	int64_t id = 0;
	(void)state;
	assert_int_equal(add("carla", "hq", NULL, "correct horse battery", &err), HW_OK);
	assert_int_equal(user_check_password(db.st, "carla", "correct horse battery", &id), HW_OK);
	assert_true(id > 0);
	assert_int_equal(user_check_password(db.st, "carla", "correct horse batterz", &id), HW_ENOTFOUND);
	assert_int_equal(user_check_password(db.st, "nobody", "correct horse battery", &id), HW_ENOTFOUND);
	assert_int_equal(store_prepare(db.st, "SELECT password_hash FROM app_user WHERE login = 'carla'", &s), HW_OK);
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(strncmp(store_col_text(s, 0, NULL), "$argon2id$", 10), 0);
	store_reset(s);
	/* A disabled user cannot sign in. */
	assert_int_equal(store_exec(db.st, "UPDATE app_user SET disabled = 1 WHERE login = 'carla'"), HW_OK);
	assert_int_equal(user_check_password(db.st, "carla", "correct horse battery", &id), HW_ENOTFOUND);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_passwords),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
