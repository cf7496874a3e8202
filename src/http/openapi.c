/*
 * openapi.c: the route table as an OpenAPI 3.1 document: paths with their
 * path and query parameters, request bodies (closed objects: unknown
 * fields are refused, as the server does), the roles allowed (in
 * x-roles and the security requirement), and the error responses every
 * route can give.
 */
#include "core/homeward.h"
#include "http/openapi.h"

#include <ctype.h>
#include <string.h>

#include "http/api.h"
#include "http/route.h"
#include "core/strbuf.h"

static json_t *field_schema(const struct api_field *f)
{
	json_t *s = json_object();

	switch (f->type) {
	case API_STRING:
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "maxLength",
				    json_integer((json_int_t)(f->max_len ? f->max_len : 200)));
		break;
	case API_DATE:
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "format", json_string("date"));
		break;
	case API_INT:
		json_object_set_new(s, "type", json_string("integer"));
		break;
	case API_NUMBER:
		json_object_set_new(s, "type", json_string("number"));
		break;
	case API_BOOL:
		json_object_set_new(s, "type", json_string("boolean"));
		break;
	case API_OBJECT:
		json_object_set_new(s, "type", json_string("object"));
		break;
	case API_ARRAY:
		json_object_set_new(s, "type", json_string("array"));
		break;
	case API_STRINGS:
		json_object_set_new(s, "type", json_string("array"));
		json_object_set_new(s, "items", json_pack("{s:s}", "type", "string"));
		break;
	}
	if (f->description)
		json_object_set_new(s, "description", json_string(f->description));
	return s;
}

static json_t *error_response(const char *what)
{
	return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", what,
			 "content", "application/json", "schema", "$ref",
			 "#/components/schemas/Error");
}

static void add_errors(json_t *responses, const struct route *r)
{
	json_object_set_new(responses, "400", error_response(
		"Malformed JSON, an unknown query parameter or a bad value in one"));
	if (!(r->roles & ROLE_PUBLIC)) {
		json_object_set_new(responses, "401", error_response("Not signed in"));
		json_object_set_new(responses, "403", error_response(
			"The role may not use this route (or a missing CSRF token)"));
	}
	if (strchr(r->pattern, '{'))
		json_object_set_new(responses, "404", error_response(
			"No such object, or not one the principal may see"));
	if (r->body || (r->flags & ROUTE_RAW_BODY)) {
		json_object_set_new(responses, "409", error_response(
			"Conflicts with an existing object"));
		json_object_set_new(responses, "413", error_response("The body is too large"));
		json_object_set_new(responses, "415", error_response(
			"The body is not application/json"));
		json_object_set_new(responses, "422", error_response(
			"A field is unknown, missing, of the wrong type or invalid"));
	}
	if (strcmp(r->pattern, "/api/v1/session") == 0 && strcmp(r->method, "POST") == 0)
		json_object_set_new(responses, "429", error_response(
			"Too many failed sign-ins; see Retry-After"));
	json_object_set_new(responses, "500", error_response("The server failed"));
}

static json_t *operation(const struct route *r)
{
	json_t *op = json_object(), *params = json_array(), *roles = json_array();
	json_t *responses = json_object();
	struct strbuf id = STRBUF_INIT;
	const char *p;

	json_object_set_new(op, "summary", json_string(r->summary ? r->summary : ""));
	json_object_set_new(op, "tags", json_pack("[s]", r->tag ? r->tag : "other"));
	/* operationId: the method and the pattern's words, e.g.
	 * get_api_v1_persons_id. */
	for (p = r->method; *p; p++)
		strbuf_addch(&id, tolower((unsigned char)*p));
	for (p = r->pattern; *p; p++)
		if (isalnum((unsigned char)*p))
			strbuf_addch(&id, *p);
		else if (*p == '/' || *p == '-')
			strbuf_addch(&id, '_');
	json_object_set_new(op, "operationId", json_string(id.buf));
	strbuf_release(&id);

	for (p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		json_t *par = json_object();
		json_object_set_new(par, "name", json_stringn(p + 1, (size_t)(e - p - 1)));
		json_object_set_new(par, "in", json_string("path"));
		json_object_set_new(par, "required", json_true());
		json_object_set_new(par, "schema", json_pack("{s:s}", "type", "string"));
		json_array_append_new(params, par);
	}
	for (const struct api_field *f = r->query; f && f->name; f++) {
		json_t *par = json_object();
		json_object_set_new(par, "name", json_string(f->name));
		json_object_set_new(par, "in", json_string("query"));
		json_object_set_new(par, "required", json_boolean(f->required));
		json_object_set_new(par, "schema", field_schema(f));
		if (f->description)
			json_object_set_new(par, "description", json_string(f->description));
		json_array_append_new(params, par);
	}
	json_object_set_new(op, "parameters", params);

	if (r->body) {
		json_t *props = json_object(), *req = json_array();
		for (const struct api_field *f = r->body; f->name; f++) {
			json_object_set_new(props, f->name, field_schema(f));
			if (f->required)
				json_array_append_new(req, json_string(f->name));
		}
		json_object_set_new(op, "requestBody", json_pack(
			"{s:b, s:{s:{s:{s:s, s:o, s:o, s:b}}}}", "required", 1,
			"content", "application/json", "schema", "type", "object",
			"properties", props, "required", req,
			"additionalProperties", 0));
	} else if (r->flags & ROUTE_RAW_BODY) {
		json_object_set_new(op, "requestBody", json_pack(
			"{s:b, s:{s:{s:{}}}}", "required", 1, "content",
			"application/json", "schema"));
	}

	if (r->roles & ROLE_PUBLIC) {
		json_object_set_new(op, "security", json_array());
		json_array_append_new(roles, json_string("public"));
	} else {
		json_object_set_new(op, "security", json_pack("[{s:[]},{s:[]}]",
							      "bearerAuth", "cookieAuth"));
		for (unsigned b = 1; b < ROLE_PUBLIC; b <<= 1)
			if (r->roles & b)
				json_array_append_new(roles, json_string(role_name(b)));
	}
	json_object_set_new(op, "x-roles", roles);

	{
		char code[8];
		snprintf(code, sizeof(code), "%d", r->ok_status ? r->ok_status : 200);
		json_object_set_new(responses, code, json_pack("{s:s}", "description",
				   r->ok_status == 204 ? "Done, nothing to return" : "Success"));
	}
	add_errors(responses, r);
	json_object_set_new(op, "responses", responses);
	return op;
}

json_t *openapi_document(void)
{
	size_t n;
	const struct route *routes = api_route_table(&n);
	json_t *doc, *paths = json_object();

	for (size_t i = 0; i < n; i++) {
		json_t *item = json_object_get(paths, routes[i].pattern);
		char method[8];
		size_t k;

		if (!item) {
			item = json_object();
			json_object_set_new(paths, routes[i].pattern, item);
		}
		for (k = 0; routes[i].method[k] && k < sizeof(method) - 1; k++)
			method[k] = (char)tolower((unsigned char)routes[i].method[k]);
		method[k] = '\0';
		json_object_set_new(item, method, operation(&routes[i]));
	}
	doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}}, s:{s:{s:s, s:[s], s:{s:{s:s, s:[s,s,s], s:{s:{s:s}, s:{s:s}, s:{s:[s,s]}}}}}}}}",
			"openapi", "3.1.0",
			"info", "title", "Homeward API", "version", "1",
			"description", "The registry of citizens abroad, consular work and "
			"crisis response. Sign in with POST /api/v1/session; send the token "
			"as 'Authorization: Bearer TOKEN', or use the cookie and echo the "
			"CSRF token in X-CSRF-Token on unsafe methods.",
			"paths", paths,
			"components", "securitySchemes",
			"bearerAuth", "type", "http", "scheme", "bearer",
			"cookieAuth", "type", "apiKey", "in", "cookie", "name", "hw_session",
			"schemas", "Error", "type", "object", "required", "error",
			"properties", "error", "type", "object", "required", "code",
			"message", "field", "properties", "code", "type", "string",
			"message", "type", "string", "field", "type", "string", "null");
	return doc;
}

int cmd_test_routes(int argc, char **argv)
{
	size_t n;
	const struct route *routes = api_route_table(&n);

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < n; i++) {
		const char *sep = "";
		printf("%s %s ", routes[i].method, routes[i].pattern);
		if (routes[i].roles & ROLE_PUBLIC)
			fputs("public", stdout);
		for (unsigned b = 1; b < ROLE_PUBLIC; b <<= 1)
			if (routes[i].roles & b) {
				printf("%s%s", sep, role_name(b));
				sep = ",";
			}
		putchar('\n');
	}
	return HW_OK;
}
