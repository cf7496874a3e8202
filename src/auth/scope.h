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

struct principal;
struct store;
struct strbuf;

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
 * HW_OK if `who` may see person `id`; otherwise HW_ENOTFOUND with "no
 * person ID" in `err`, exactly as for a person that does not exist (a 403
 * would tell that it exists). HW_EDB with a message on database failure.
 * Thread-safe for distinct stores.
 */
int scope_person_visible(struct store *st, const struct principal *who,
			 int64_t id, struct strbuf *err);

/*
 * The countries the principal's geo queries are limited to: for officers
 * and mission heads, their mission's jurisdiction, as alpha-2 codes in
 * (*codes)[0 .. *n), the caller's to free(), and *restricted = true (an
 * empty jurisdiction gives n = 0: nothing). For hq and auditors,
 * *restricted = false and no list. HW_EDB with a message on failure;
 * HW_EINTERNAL for nobody (role 0), whom no query should reach.
 */
int scope_jurisdiction(struct store *st, const struct principal *who,
		       char (**codes)[3], size_t *n, bool *restricted,
		       struct strbuf *err);

/*
 * Users, by the same idea: hq and auditors see every account, a mission
 * head the accounts of its own mission, everyone else none (officers and
 * citizens manage no accounts). A predicate on a row of `app_user` (named
 * or aliased `app_user`) with one `?`, to bind to `arg`.
 */
void scope_users(const struct principal *who, struct scope *s);

/*
 * HW_OK if `who` may see user `id`; otherwise HW_ENOTFOUND with "no user
 * ID" in `err`. HW_EDB with a message.
 */
int scope_user_visible(struct store *st, const struct principal *who,
		       int64_t id, struct strbuf *err);

/*
 * Whether the principal may give an account role `role` in mission
 * `mission` (a code, or NULL / "" for none), creating it or changing it:
 * hq any role; a mission head only officer or mission-head of its own
 * mission. HW_OK, or HW_EFORBIDDEN with the reason in `err`, starting with
 * the field concerned ("role: ...", "mission: ...") where there is one.
 * HW_EDB with a message.
 */
int scope_user_grant(struct store *st, const struct principal *who,
		     const char *role, const char *mission, struct strbuf *err);

#endif
