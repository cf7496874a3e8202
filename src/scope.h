/*
 * scope.h: what a principal may see, decided in one place. Handlers never
 * test roles themselves beyond the route table; they ask here.
 *
 *   citizen       its own person and the members of its household (party)
 *   officer,      persons with a presence in a country of the mission's
 *   mission-head  jurisdiction (mission_country); every presence of such a
 *                 person is visible, since the officer must see where else
 *                 the person is
 *   hq, auditor   everyone
 *
 * The same rule reaches SQL (scope_persons: a predicate to AND into any
 * query over `person`) and the geo engine (scope_jurisdiction: the
 * countries an officer's queries are cut to).
 */
#ifndef HW_SCOPE_H
#define HW_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct api_req;
struct principal;

/*
 * A predicate on a row of `person` (the table must be named or aliased
 * `person` in the query) with exactly one `?` placeholder, to bind to
 * `arg`. It selects exactly the persons `who` may see.
 */
struct scope {
	const char *sql;
	int64_t arg;
	bool all;        /* the principal sees everyone (sql is always true):
			    a query may leave the predicate out */
};
void scope_persons(const struct principal *who, struct scope *s);

/*
 * HW_OK if the request's principal may see person `id`; otherwise the
 * request fails with 404 (not 403, which would tell that the person
 * exists) and HW_ENOTFOUND comes back. HW_EDB on database failure.
 */
int scope_person_visible(struct api_req *r, int64_t id);

/*
 * The countries the principal's geo queries are limited to: for officers
 * and mission heads, their mission's jurisdiction, as alpha-2 codes in
 * (*codes)[0 .. *n), the caller's to free(), and *restricted = true (an
 * empty jurisdiction gives n = 0: nothing). For hq and auditors,
 * *restricted = false and no list. HW_EDB on failure.
 */
int scope_jurisdiction(struct api_req *r, char (**codes)[3], size_t *n,
		       bool *restricted);

/*
 * Users, by the same idea: hq and auditors see every account, a mission
 * head the accounts of its own mission, everyone else none (officers and
 * citizens manage no accounts). A predicate on a row of `app_user` (named
 * or aliased `app_user`) with one `?`, to bind to `arg`.
 */
void scope_users(const struct principal *who, struct scope *s);

/*
 * HW_OK if the request's principal may see user `id`; otherwise the
 * request fails with 404 and HW_ENOTFOUND comes back. HW_EDB.
 */
int scope_user_visible(struct api_req *r, int64_t id);

/*
 * Whether the principal may give an account role `role` in mission
 * `mission` (a code, or NULL / "" for none), creating it or changing it:
 * hq any role; a mission head only officer or mission-head of its own
 * mission. HW_OK, or the request fails with 403 (field "role" or
 * "mission") and HW_EINPUT comes back. HW_EDB.
 */
int scope_user_grant(struct api_req *r, const char *role, const char *mission);

#endif
