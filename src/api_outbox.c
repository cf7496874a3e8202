/*
 * api_outbox.c: (being written)
 */
#include "homeward.h"
#include "api.h"

const struct route api_outbox_routes[] = {
	{ NULL, NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL },
};
