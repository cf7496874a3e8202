/*
 * route.c: the route table's matcher and the request body checker. The
 * server calls these for every request before any handler runs, which is
 * why a handler can trust its path parameters' shape and its body's
 * fields.
 */
#include "core/homeward.h"
#include "http/route.h"

#include <string.h>

#include "registry/registrant.h"
#include "core/strbuf.h"

#define MAX_PATH 1024

/* Does `pattern` match `path`? Fills params with offsets into `copy`. */
static bool match_one(const char *pattern, char *copy, const char *path,
		      const char *params[API_MAX_PARAMS], int *nparams)
{
	const char *p = pattern, *s = path;
	int np = 0;

	if (strcmp(pattern, "/") == 0) {
		*nparams = 0;
		return strcmp(path, "/") == 0;
	}

	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return false;
		p++, s++;
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');
		size_t plen = pe ? (size_t)(pe - p) : strlen(p);
		size_t slen = se ? (size_t)(se - s) : strlen(s);
		if (slen == 0)
			return false;
		if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
			if (np == API_MAX_PARAMS)
				return false;
			params[np++] = copy + (s - path);
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return false;
		}
		p += plen, s += slen;
	}
	if (*p || *s)
		return false;
	*nparams = np;
	return true;
}

int route_match(const struct route *routes, size_t n, const char *method,
		const char *path, const struct route **out, size_t *index,
		const char *params[API_MAX_PARAMS], char **param_buf)
{
	size_t len = strlen(path);
	bool path_seen = false;

	*out = NULL;
	*param_buf = NULL;
	if (len == 0 || len > MAX_PATH || path[0] != '/')
		return HW_ENOTFOUND;
	for (size_t i = 0; i < n; i++) {
		const char *pp[API_MAX_PARAMS] = { 0 };
		int np = 0;
		char *copy = xmalloc(len + 1);

		memcpy(copy, path, len + 1);
		if (!match_one(routes[i].pattern, copy, path, pp, &np)) {
			free(copy);
			continue;
		}
		if (strcmp(routes[i].method, method) != 0) {
			path_seen = true;
			free(copy);
			continue;
		}
		/* Cut the copy into NUL-terminated segments. */
		for (int k = 0; k < np; k++) {
			char *slash = strchr((char *)pp[k], '/');
			if (slash)
				*slash = '\0';
			params[k] = pp[k];
		}
		for (int k = np; k < API_MAX_PARAMS; k++)
			params[k] = NULL;
		*out = &routes[i];
		*index = i;
		*param_buf = copy;
		return HW_OK;
	}
	return path_seen ? HW_EINPUT : HW_ENOTFOUND;
}

const char *route_type_name(enum api_type t)
{
	switch (t) {
	case API_STRING: return "string";
	case API_INT: return "integer";
	case API_NUMBER: return "number";
	case API_BOOL: return "boolean";
	case API_DATE: return "date";
	case API_OBJECT: return "object";
	case API_ARRAY: return "array";
	case API_STRINGS: return "array of strings";
	}
	return "value";
}

const struct api_field *route_field(const struct api_field *fields,
				    const char *name)
{
	for (const struct api_field *f = fields; f && f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static void set_field(char *field, size_t fieldlen, const char *name)
{
	size_t n = strlen(name);

	if (fieldlen == 0)
		return;
	if (n >= fieldlen)
		n = fieldlen - 1;
	memcpy(field, name, n);
	field[n] = '\0';
}

static bool string_ok(const json_t *v, const struct api_field *f,
		      struct strbuf *err)
{
	size_t max = f->max_len ? f->max_len : 200;
	size_t len = json_string_length(v);

	if (len > max) {
		strbuf_addf(err, "field '%s' is %zu bytes long; at most %zu are allowed",
			    f->name, len, max);
		return false;
	}
	return true;
}

static bool type_ok(const json_t *v, const struct api_field *f,
		    struct strbuf *err)
{
	switch (f->type) {
	case API_STRING:
		if (json_is_string(v))
			return string_ok(v, f, err);
		break;
	case API_DATE:
		if (json_is_string(v)) {
			int32_t days;
			if (date_parse(json_string_value(v),
					   json_string_length(v), &days) == HW_OK)
				return true;
			strbuf_addf(err, "field '%s' is not a date (YYYY-MM-DD)", f->name);
			return false;
		}
		break;
	case API_INT:
		if (json_is_integer(v))
			return true;
		break;
	case API_NUMBER:
		if (json_is_number(v))
			return true;
		break;
	case API_BOOL:
		if (json_is_boolean(v))
			return true;
		break;
	case API_OBJECT:
		if (json_is_object(v))
			return true;
		break;
	case API_ARRAY:
		if (json_is_array(v))
			return true;
		break;
	case API_STRINGS:
		if (json_is_array(v)) {
			size_t i;
			json_t *e;
			if (json_array_size(v) > 1000) {
				strbuf_addf(err, "field '%s' has more than 1000 entries", f->name);
				return false;
			}
			json_array_foreach(v, i, e) {
				if (!json_is_string(e) || !string_ok(e, f, err)) {
					if (!err->len)
						strbuf_addf(err, "field '%s' must hold only strings",
							    f->name);
					return false;
				}
			}
			return true;
		}
		break;
	}
	strbuf_addf(err, "field '%s' must be %s %s", f->name,
		    f->type == API_INT || f->type == API_ARRAY ||
		    f->type == API_STRINGS || f->type == API_OBJECT ? "an" : "a",
		    route_type_name(f->type));
	return false;
}

int route_check_body(const json_t *body, const struct api_field *fields,
		     struct strbuf *err, char *field, size_t fieldlen)
{
	const char *key;
	json_t *v;

	set_field(field, fieldlen, "");
	if (!json_is_object(body)) {
		strbuf_addstr(err, "the request body must be a JSON object");
		return HW_EINPUT;
	}
	json_object_foreach((json_t *)body, key, v) {
		const struct api_field *f = route_field(fields, key);
		if (!f) {
			strbuf_addstr(err, "unknown field '");
			strbuf_addjson(err, key, strlen(key) > 64 ? 64 : strlen(key));
			strbuf_addstr(err, "'");
			set_field(field, fieldlen, key);
			return HW_EINPUT;
		}
		if (json_is_null(v)) {
			if (!f->required)
				continue;
			strbuf_addf(err, "field '%s' is required", f->name);
			set_field(field, fieldlen, f->name);
			return HW_EINPUT;
		}
		if (!type_ok(v, f, err)) {
			set_field(field, fieldlen, f->name);
			return HW_EINPUT;
		}
	}
	for (const struct api_field *f = fields; f && f->name; f++) {
		if (!f->required)
			continue;
		v = json_object_get(body, f->name);
		if (!v || json_is_null(v)) {
			strbuf_addf(err, "field '%s' is required", f->name);
			set_field(field, fieldlen, f->name);
			return HW_EINPUT;
		}
	}
	return HW_OK;
}
