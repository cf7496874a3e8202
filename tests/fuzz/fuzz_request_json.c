/*
 * fuzz_request_json.c: libFuzzer target for the decoding of JSON request
 * bodies: jansson's parser with the server's flags, then the check of the
 * body against a route's field table (route.h), for the route the first
 * byte picks among those that take a body.
 *
 * Beyond not crashing: a body that passes must be an object whose every
 * member is a field of the route, of the declared type or null, with
 * every required field present; a body that fails must come with a
 * message, and a field name when the message is about a member.
 */
#include "core/homeward.h"
#include "http/api.h"
#include "http/route.h"

#include <string.h>

static bool member_ok(const struct api_field *f, json_t *v)
{
	if (json_is_null(v))
		return !f->required;
	switch (f->type) {
	case API_STRING:
	case API_DATE:
		return json_is_string(v);
	case API_INT:
		return json_is_integer(v);
	case API_NUMBER:
		return json_is_number(v);
	case API_BOOL:
		return json_is_boolean(v);
	case API_OBJECT:
		return json_is_object(v);
	case API_ARRAY:
	case API_STRINGS:
		return json_is_array(v);
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct route *routes, *with_body[256];
	size_t n, nb = 0;
	const struct route *rt;
	json_t *body;
	json_error_t je;
	struct strbuf err = STRBUF_INIT;
	char field[64];
	int rc;

	if (size < 1)
		return 0;
	routes = api_route_table(&n);
	for (size_t i = 0; i < n && nb < 256; i++)
		if (routes[i].body)
			with_body[nb++] = &routes[i];
	if (!nb)
		return 0;
	rt = with_body[data[0] % nb];
	body = json_loadb((const char *)data + 1, size - 1,
			  JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!body)
		return 0;
	rc = route_check_body(body, rt->body, &err, field, sizeof(field));
	if (rc == HW_OK) {
		const char *key;
		json_t *v;
		if (!json_is_object(body) || err.len)
			abort();
		json_object_foreach(body, key, v) {
			const struct api_field *f = route_field(rt->body, key);
			if (!f || !member_ok(f, v))
				abort();
		}
		for (const struct api_field *f = rt->body; f->name; f++)
			if (f->required && (!json_object_get(body, f->name) ||
					    json_is_null(json_object_get(body, f->name))))
				abort();
	} else if (rc == HW_EINPUT) {
		if (!err.len || strlen(err.buf) != err.len)
			abort();
		if (json_is_object(body) && !field[0] && !json_object_get(body, ""))
			abort();
	} else {
		abort();
	}
	json_decref(body);
	strbuf_release(&err);
	return 0;
}
