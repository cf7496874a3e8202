/*
 * openapi.h: the OpenAPI 3.1 document of the HTTP API, generated from the
 * route table, so it cannot drift from what the server does.
 */
#ifndef HW_OPENAPI_H
#define HW_OPENAPI_H

#include <jansson.h>

/* A new reference to the whole document. */
json_t *openapi_document(void);

#endif
