/*
 * api_registry.h: the registry's JSON, shared by the routes that show a
 * person (persons, citizen self-service, exports).
 */
#ifndef HW_API_REGISTRY_H
#define HW_API_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct api_req;

/*
 * Person `id` as JSON, with its contacts, emergency contacts and
 * presences (and its party), as GET /api/v1/persons/{id} returns it. The
 * passport number is included, unsealed, only when `sensitive` is true;
 * the caller audits that read. Does not check scope: the caller has.
 * HW_OK with a new reference in *out; HW_ENOTFOUND; HW_EDB / HW_ECRYPTO
 * with a message in r->err.
 */
int registry_person_json(struct api_req *r, int64_t id, bool sensitive,
			 json_t **out);

#endif
