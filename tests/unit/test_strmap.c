/* Unit tests for strmap.c: insertion, lookup, growth, long keys. */
#include "core/homeward.h"
#include "core/strmap.h"

#include <setjmp.h>
#include <cmocka.h>

static void test_many(void **state)
{
	struct strmap m;
	struct strmap_entry *e;
	char key[32];
	bool created;
	int i;
	(void)state;
	strmap_init(&m);
	assert_null(strmap_find(&m, "x", 1));
	for (i = 0; i < 100000; i++) {
		int n = snprintf(key, sizeof(key), "CN-%08d", i);
		e = strmap_get_or_add(&m, key, (size_t)n, &created);
		assert_true(created);
		e->value = (uint64_t)i;
	}
	for (i = 0; i < 100000; i += 7) {
		int n = snprintf(key, sizeof(key), "CN-%08d", i);
		e = strmap_find(&m, key, (size_t)n);
		assert_non_null(e);
		assert_int_equal(e->value, i);
		assert_string_equal(e->key, key);
		e = strmap_get_or_add(&m, key, (size_t)n, &created);
		assert_false(created);
	}
	assert_null(strmap_find(&m, "CN-", 3));
	strmap_release(&m);
}

static void test_long_key(void **state)
{
	struct strmap m;
	size_t n = 3 << 20;
	char *big = xmalloc(n);
	bool created;
	(void)state;
	memset(big, 'k', n);
	strmap_init(&m);
	strmap_get_or_add(&m, "a", 1, &created);
	strmap_get_or_add(&m, big, n, &created)->value = 9;
	strmap_get_or_add(&m, "b", 1, &created);
	assert_int_equal(strmap_find(&m, big, n)->value, 9);
	assert_non_null(strmap_find(&m, "a", 1));
	assert_non_null(strmap_find(&m, "b", 1));
	strmap_release(&m);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_long_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
