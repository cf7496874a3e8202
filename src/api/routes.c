/*
 * api_routes.c: the modules whose routes make up the API, in the order
 * the route table (and the OpenAPI document) lists them. A new module
 * defines `api_NAME_routes[]` and adds one line to `modules[]`.
 */
#include "core/homeward.h"
#include "http/api.h"

#include <pthread.h>
#include <string.h>

extern const struct route api_core_routes[];
extern const struct route api_registry_routes[];
extern const struct route api_presence_routes[];
extern const struct route api_query_routes[];
extern const struct route api_admin_routes[];
extern const struct route api_citizen_routes[];
extern const struct route api_incident_routes[];
extern const struct route api_board_routes[];
extern const struct route api_checkin_routes[];
extern const struct route api_outbox_routes[];

static const struct route *const modules[] = {
	api_core_routes,
	api_registry_routes,
	api_presence_routes,
	api_query_routes,
	api_admin_routes,
	api_citizen_routes,
	api_incident_routes,
	api_board_routes,
	api_checkin_routes,
	api_outbox_routes,
};

static struct route *table;
static size_t table_n;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build(void)
{
	size_t n = 0, k = 0;

	for (size_t m = 0; m < sizeof(modules) / sizeof(modules[0]); m++)
		for (const struct route *r = modules[m]; r->method; r++)
			n++;
	table = xcalloc(n ? n : 1, sizeof(*table));
	for (size_t m = 0; m < sizeof(modules) / sizeof(modules[0]); m++)
		for (const struct route *r = modules[m]; r->method; r++)
			table[k++] = *r;
	table_n = n;
}

const struct route *api_route_table(size_t *n)
{
	pthread_once(&once, build);
	*n = table_n;
	return table;
}
