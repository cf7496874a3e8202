/*
 * role.h: roles and principals, the vocabulary of access shared by the
 * server (routes allow roles), sessions (which give a principal), scope
 * (what a principal may see) and the CLI.
 */
#ifndef HW_ROLE_H
#define HW_ROLE_H

#include <stdbool.h>
#include <stdint.h>

/* Roles, as bits so a route can allow several. */
enum role {
	ROLE_CITIZEN = 1 << 0,
	ROLE_OFFICER = 1 << 1,
	ROLE_MISSION_HEAD = 1 << 2,
	ROLE_HQ = 1 << 3,
	ROLE_AUDITOR = 1 << 4,
	/* Not a role: the route needs no session at all. */
	ROLE_PUBLIC = 1 << 7,
};
#define ROLES_STAFF (ROLE_OFFICER | ROLE_MISSION_HEAD | ROLE_HQ)
#define ROLES_READERS (ROLES_STAFF | ROLE_AUDITOR)
#define ROLES_ANY (ROLES_READERS | ROLE_CITIZEN)

/* The role named `name` ("officer"), or 0 (also for NULL). */
unsigned role_from_name(const char *name);
/* The name of one ROLE_* bit; "none" for anything else. Static. */
const char *role_name(unsigned role);

/* Who is asking: the signed-in user of a request, or a command's user. */
struct principal {
	int64_t user_id;          /* 0 when nobody is signed in */
	int64_t session_id;
	unsigned role;            /* one ROLE_* bit, 0 when nobody */
	int64_t mission_id;       /* officers and mission heads, else 0 */
	int64_t person_id;        /* citizens: their own person, else 0 */
	bool via_cookie;          /* signed in by cookie (CSRF applies) */
	char login[65];
	char actor[80];           /* "user:LOGIN", or "anonymous", for the audit log */
};

#endif
