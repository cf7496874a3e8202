/*
 * fuzz_route.c: libFuzzer target for the request path matcher (route.h)
 * and the parsing of the query values handlers read (a circle argument).
 *
 * The first byte picks the method, the rest is the path. Beyond not
 * crashing: a match must name a route of that method whose pattern has as
 * many {params} as were captured, each a non-empty segment without '/',
 * and putting the captured values back into the pattern must give the
 * path again.
 */
#include "core/homeward.h"
#include "http/api.h"
#include "geo/geoarea.h"
#include "http/route.h"

#include <string.h>

static const char *const methods[] = { "GET", "POST", "PATCH", "PUT", "DELETE", "HEAD" };

static void check_match(const struct route *rt, const char *method,
			const char *path, const char *params[API_MAX_PARAMS])
{
	struct strbuf back = STRBUF_INIT;
	const char *p = rt->pattern;
	int k = 0;

	if (strcmp(rt->method, method) != 0)
		abort();
	while (*p) {
		if (*p == '{') {
			const char *e = strchr(p, '}');
			if (!e || k >= API_MAX_PARAMS || !params[k] || !*params[k] ||
			    strchr(params[k], '/'))
				abort();
			strbuf_addstr(&back, params[k++]);
			p = e + 1;
		} else {
			strbuf_addch(&back, *p++);
		}
	}
	for (int i = k; i < API_MAX_PARAMS; i++)
		if (params[i])
			abort();
	if (strcmp(back.buf, path) != 0)
		abort();
	strbuf_release(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct route *routes, *rt;
	const char *params[API_MAX_PARAMS];
	const char *method;
	char *path, *buf = NULL;
	size_t n, index;
	struct geoarea a;
	struct strbuf err = STRBUF_INIT;
	int rc;

	if (size < 1)
		return 0;
	method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
	path = xmalloc(size);
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	routes = api_route_table(&n);
	rc = route_match(routes, n, method, path, &rt, &index, params, &buf);
	if (rc == HW_OK) {
		if (index >= n || rt != &routes[index] || !buf)
			abort();
		check_match(rt, method, path, params);
	} else if (rc != HW_ENOTFOUND && rc != HW_EINPUT) {
		abort();
	} else if (buf) {
		abort();
	}
	free(buf);

	/* The same bytes as a circle=LAT,LON,KM query value. */
	geoarea_init(&a);
	rc = geoarea_parse_circle_arg(&a, path, &err);
	if (rc == HW_OK ? a.ncircles != 1 || err.len
			: rc != HW_EINPUT || a.ncircles != 0 || !err.len)
		abort();
	geoarea_release(&a);
	strbuf_release(&err);
	free(path);
	return 0;
}
