/*
 * Unit tests for route.c (matching, body checks) and for the route table
 * as a whole: every route well-formed, unique, and documented in the
 * OpenAPI document with its roles, parameters and body.
 */
#include "core/homeward.h"
#include "http/api.h"
#include "http/openapi.h"
#include "http/route.h"

#include <ctype.h>
#include <setjmp.h>
#include <cmocka.h>

static int h(struct api_req *r) { (void)r; return HW_OK; }

static const struct route table[] = {
	{ "GET", "/a/{id}", h, ROLE_HQ, NULL, NULL, 0, 200, "t", "one" },
	{ "DELETE", "/a/{id}", h, ROLE_HQ, NULL, NULL, 0, 204, "t", "two" },
	{ "GET", "/a/{id}/b/{bid}", h, ROLE_HQ, NULL, NULL, 0, 200, "t", "three" },
	{ "GET", "/a/list", h, ROLE_HQ, NULL, NULL, 0, 200, "t", "four" },
	{ "POST", "/", h, ROLE_PUBLIC, NULL, NULL, 0, 200, "t", "five" },
};

struct match_case {
	const char *method, *path;
	int rc;
	int index;
	const char *p0, *p1;
};

static const struct match_case cases[] = {
	{ "GET", "/a/12", HW_OK, 0, "12", NULL },
	{ "DELETE", "/a/x y", HW_OK, 1, "x y", NULL },
	{ "PATCH", "/a/12", HW_EINPUT, -1, NULL, NULL },       /* 405 */
	{ "GET", "/a/12/b/7", HW_OK, 2, "12", "7" },
	{ "GET", "/a/12/b/", HW_ENOTFOUND, -1, NULL, NULL },    /* empty segment */
	{ "GET", "/a//b/7", HW_ENOTFOUND, -1, NULL, NULL },
	{ "GET", "/a/12/", HW_ENOTFOUND, -1, NULL, NULL },      /* trailing slash */
	{ "GET", "/a", HW_ENOTFOUND, -1, NULL, NULL },
	{ "GET", "/a/list", HW_OK, 0, "list", NULL },           /* first row wins */
	{ "POST", "/", HW_OK, 4, NULL, NULL },
	{ "GET", "", HW_ENOTFOUND, -1, NULL, NULL },
	{ "GET", "a/12", HW_ENOTFOUND, -1, NULL, NULL },
	{ "GET", "/A/12", HW_ENOTFOUND, -1, NULL, NULL },       /* case matters */
};

static void test_match(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct match_case *c = &cases[i];
		const struct route *rt;
		const char *params[API_MAX_PARAMS];
		char *buf;
		size_t index;
		int rc = route_match(table, sizeof(table) / sizeof(table[0]),
				     c->method, c->path, &rt, &index, params, &buf);
		if (rc != c->rc)
			fail_msg("case %zu (%s %s): rc %d", i, c->method, c->path, rc);
		if (rc == HW_OK) {
			assert_int_equal((int)index, c->index);
			if (c->p0)
				assert_string_equal(params[0], c->p0);
			if (c->p1)
				assert_string_equal(params[1], c->p1);
			else
				assert_null(params[1]);
		} else {
			assert_null(buf);
		}
		free(buf);
	}
}

static const struct api_field fields[] = {
	{ "name", API_STRING, true, 5, NULL },
	{ "n", API_INT, false, 0, NULL },
	{ "x", API_NUMBER, false, 0, NULL },
	{ "on", API_DATE, false, 0, NULL },
	{ "tags", API_STRINGS, false, 3, NULL },
	{ "ok", API_BOOL, false, 0, NULL },
	{ NULL, 0, false, 0, NULL },
};

struct body_case {
	const char *json;
	int rc;
	const char *field;
	const char *message;   /* a part of it */
};

static const struct body_case bodies[] = {
	{ "{\"name\":\"abc\"}", HW_OK, "", NULL },
	{ "{\"name\":\"abcde\",\"n\":3,\"x\":1.5,\"on\":\"2024-02-29\",\"tags\":[\"a\"],\"ok\":true}", HW_OK, "", NULL },
	{ "{\"name\":\"abc\",\"n\":null}", HW_OK, "", NULL },
	{ "{\"name\":\"abc\",\"x\":2}", HW_OK, "", NULL },        /* integers are numbers */
	{ "{}", HW_EINPUT, "name", "is required" },
	{ "{\"name\":null}", HW_EINPUT, "name", "is required" },
	{ "{\"name\":\"abcdef\"}", HW_EINPUT, "name", "at most 5" },
	{ "{\"name\":\"a\",\"n\":1.5}", HW_EINPUT, "n", "must be an integer" },
	{ "{\"name\":\"a\",\"n\":\"1\"}", HW_EINPUT, "n", "must be an integer" },
	{ "{\"name\":\"a\",\"on\":\"2023-02-29\"}", HW_EINPUT, "on", "not a date" },
	{ "{\"name\":\"a\",\"tags\":[1]}", HW_EINPUT, "tags", "only strings" },
	{ "{\"name\":\"a\",\"tags\":[\"abcd\"]}", HW_EINPUT, "tags", "at most 3" },
	{ "{\"name\":\"a\",\"ok\":1}", HW_EINPUT, "ok", "must be a boolean" },
	{ "{\"name\":\"a\",\"other\":1}", HW_EINPUT, "other", "unknown field 'other'" },
	{ "[]", HW_EINPUT, "", "must be a JSON object" },
	{ "\"name\"", HW_EINPUT, "", "must be a JSON object" },
};

static void test_body(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		const struct body_case *c = &bodies[i];
		struct strbuf err = STRBUF_INIT;
		char field[64];
		json_t *j = json_loads(c->json, JSON_DECODE_ANY, NULL);
		int rc;

		assert_non_null(j);
		rc = route_check_body(j, fields, &err, field, sizeof(field));
		if (rc != c->rc)
			fail_msg("case %zu (%s): rc %d, message '%s'", i, c->json, rc, err.buf);
		assert_string_equal(field, c->field);
		if (c->message && !strstr(err.buf, c->message))
			fail_msg("case %zu: message '%s' lacks '%s'", i, err.buf, c->message);
		json_decref(j);
		strbuf_release(&err);
	}
}

/* Every route of the server: well-formed, unique, and documented. */
static void test_table_documented(void **state)
{
	size_t n;
	const struct route *routes = api_route_table(&n);
	json_t *doc = openapi_document();
	json_t *paths = json_object_get(doc, "paths");

	(void)state;
	assert_true(n > 0);
	assert_non_null(paths);
	for (size_t i = 0; i < n; i++) {
		const struct route *r = &routes[i];
		char method[8];
		size_t k;
		json_t *op;

		assert_non_null(r->handler);
		assert_true(r->pattern[0] == '/');
		assert_true(r->roles != 0);
		assert_non_null(r->summary);
		assert_true(strlen(r->summary) > 5);
		assert_non_null(r->tag);
		assert_true(r->ok_status == 200 || r->ok_status == 201 ||
			    r->ok_status == 202 || r->ok_status == 204);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(routes[j].method, r->method) &&
			    !strcmp(routes[j].pattern, r->pattern))
				fail_msg("route %s %s twice", r->method, r->pattern);
		for (k = 0; r->method[k] && k < sizeof(method) - 1; k++)
			method[k] = (char)tolower((unsigned char)r->method[k]);
		method[k] = '\0';
		op = json_object_get(json_object_get(paths, r->pattern), method);
		if (!op)
			fail_msg("route %s %s is not in the OpenAPI document", r->method, r->pattern);
		assert_string_equal(json_string_value(json_object_get(op, "summary")), r->summary);
		assert_true(json_array_size(json_object_get(op, "x-roles")) > 0);
		{
			char code[8];
			snprintf(code, sizeof(code), "%d", r->ok_status);
			assert_non_null(json_object_get(json_object_get(op, "responses"), code));
		}
		/* Every query parameter and body field appears. */
		for (const struct api_field *f = r->query; f && f->name; f++) {
			bool found = false;
			size_t pi;
			json_t *p;
			json_array_foreach(json_object_get(op, "parameters"), pi, p)
				if (!strcmp(json_string_value(json_object_get(p, "name")), f->name))
					found = true;
			if (!found)
				fail_msg("%s %s: query parameter %s undocumented", r->method, r->pattern, f->name);
		}
		if (r->body) {
			json_t *props = json_object_get(json_object_get(json_object_get(json_object_get(
				json_object_get(op, "requestBody"), "content"), "application/json"),
				"schema"), "properties");
			for (const struct api_field *f = r->body; f->name; f++)
				if (!json_object_get(props, f->name))
					fail_msg("%s %s: body field %s undocumented", r->method, r->pattern, f->name);
		}
		/* Path parameters: {name} of word characters. */
		for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
			const char *e = strchr(p, '}');
			assert_non_null(e);
			assert_true(e > p + 1);
		}
	}
	/* Nothing documented that the server does not route. */
	{
		const char *path;
		json_t *item;
		size_t count = 0;
		json_object_foreach(paths, path, item)
			count += json_object_size(item);
		assert_int_equal(count, n);
	}
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_table_documented),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
