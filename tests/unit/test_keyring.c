/* Unit tests for keyring.c: key files, sealing, tampering, keyed hashes. */
#include "core/homeward.h"
#include "store/keyring.h"
#include "scratch.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];
static char path[320], path2[320];

static int setup(void **state)
{
	(void)state;
	if (scratch_make(dir, sizeof(dir), "keyring"))
		return -1;
	snprintf(path, sizeof(path), "%s/a.key", dir);
	snprintf(path2, sizeof(path2), "%s/b.key", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	scratch_remove(dir);
	return 0;
}

static void test_create_load(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct keyring *k;
	struct stat sb;
	(void)state;
	assert_int_equal(keyring_load(path, &k, &err), HW_ENOTFOUND);
	assert_int_equal(keyring_create(path, &err), HW_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(keyring_create(path, &err), HW_ECONFLICT);
	assert_int_equal(keyring_load(path, &k, &err), HW_OK);
	keyring_free(k);
	chmod(path, 0644);
	strbuf_reset(&err);
	assert_int_equal(keyring_load(path, &k, &err), HW_ECRYPTO);
	assert_non_null(strstr(err.buf, "readable by others"));
	chmod(path, 0600);
	strbuf_release(&err);
}

static void test_seal_open(void **state)
{
	struct strbuf err = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT,
		      plain = STRBUF_INIT;
	struct keyring *k, *k2;
	int64_t h1, h2;
	(void)state;
	assert_int_equal(keyring_load(path, &k, &err), HW_OK);
	assert_int_equal(keyring_create(path2, &err), HW_OK);
	assert_int_equal(keyring_load(path2, &k2, &err), HW_OK);

	keyring_seal(k, "person.passport_no", "E12345678", 9, &a);
	keyring_seal(k, "person.passport_no", "E12345678", 9, &b);
	/* Fresh nonces: the same value seals differently each time. */
	assert_int_equal(a.len, b.len);
	assert_memory_not_equal(a.buf, b.buf, a.len);
	assert_null(memmem(a.buf, a.len, "E12345678", 9));
	assert_int_equal(keyring_open(k, "person.passport_no", a.buf, a.len, &plain), HW_OK);
	assert_string_equal(plain.buf, "E12345678");
	strbuf_reset(&plain);
	/* Another field, another key, or one flipped bit: refused. */
	assert_int_equal(keyring_open(k, "person.other", a.buf, a.len, &plain), HW_ECRYPTO);
	assert_int_equal(keyring_open(k2, "person.passport_no", a.buf, a.len, &plain), HW_ECRYPTO);
	a.buf[a.len - 1] ^= 1;
	assert_int_equal(keyring_open(k, "person.passport_no", a.buf, a.len, &plain), HW_ECRYPTO);
	assert_int_equal(keyring_open(k, "person.passport_no", a.buf, 5, &plain), HW_ECRYPTO);

	/* Keyed hashes: stable under one key, different under another and
	 * for another field. */
	h1 = keyring_hash(k, "person.passport_no", "E12345678", 9);
	h2 = keyring_hash(k, "person.passport_no", "E12345678", 9);
	assert_true(h1 == h2);
	h2 = keyring_hash(k2, "person.passport_no", "E12345678", 9);
	assert_true(h1 != h2);
	h2 = keyring_hash(k, "person.phone", "E12345678", 9);
	assert_true(h1 != h2);
	h2 = keyring_hash(k, "person.passport_no", "E12345679", 9);
	assert_true(h1 != h2);

	keyring_free(k);
	keyring_free(k2);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&plain);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_load),
		cmocka_unit_test(test_seal_open),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
