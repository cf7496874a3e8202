/*
 * openapi.h: the OpenAPI 3.1 document of the HTTP API, generated from the
 * route table, so it cannot drift from what the server does.
 */
#ifndef HW_OPENAPI_H
#define HW_OPENAPI_H

#include <jansson.h>

/* A new reference to the whole document. */
json_t *openapi_document(void);

/* `homeward test-routes`: every route as "METHOD PATTERN ROLES", one a
 * line, for the black-box tests (the role x route matrix). */
int cmd_test_routes(int argc, char **argv);

#endif
