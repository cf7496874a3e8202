/*
 * route.h: matching a request's method and path against the route table,
 * and checking a JSON request body against a route's fields. Pure
 * functions with no server state, so they can be fuzzed and unit-tested
 * on their own.
 */
#ifndef HW_ROUTE_H
#define HW_ROUTE_H

#include <stddef.h>

#include <jansson.h>

#include "http/api.h"

struct strbuf;

/*
 * Find the route for `method` and `path` (already percent-decoded, without
 * the query string). On HW_OK, *out is the route, *index its position in
 * the table, and params[0..] the values of its {name} segments, pointing
 * into *param_buf, which the caller frees. HW_ENOTFOUND when no pattern
 * matches the path; HW_EINPUT when one does but not for this method (405).
 * A path longer than 1024 bytes, with an empty segment, or with more than
 * API_MAX_PARAMS parameters matches nothing.
 */
int route_match(const struct route *routes, size_t n, const char *method,
		const char *path, const struct route **out, size_t *index,
		const char *params[API_MAX_PARAMS], char **param_buf);

/*
 * Check a parsed body against `fields` (NULL-name terminated): it must be
 * an object; every member must be one of the fields (unknown ones are
 * refused), of the field's type (null stands for "absent" and is allowed
 * for optional fields); strings valid lengths, dates real dates; required
 * fields present and not null. HW_OK, or HW_EINPUT with a message in
 * `err` and the field's name in `field` (at most fieldlen bytes).
 */
int route_check_body(const json_t *body, const struct api_field *fields,
		     struct strbuf *err, char *field, size_t fieldlen);

/* Is `name` one of `fields`? (query parameters) */
const struct api_field *route_field(const struct api_field *fields,
				    const char *name);

/* The type's name in messages and OpenAPI ("string", "integer"...). */
const char *route_type_name(enum api_type t);

#endif
