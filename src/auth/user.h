/*
 * user.h: the people who sign in: officers, mission heads, the HQ crisis
 * centre, auditors, and citizens managing their own records.
 *
 * Passwords are stored as argon2id hashes (libsodium's crypto_pwhash_str,
 * interactive limits): never in clear, never reversible.
 */
#ifndef HW_USER_H
#define HW_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct store;
struct strbuf;

/* The roles, in the order of the table in user.c. */
extern const char *const user_roles[];
extern const size_t user_roles_count;

struct user_new {
	const char *login;     /* 3 to 64 of a-z, 0-9, '.', '_', '-', '@' */
	const char *role;      /* one of user_roles */
	const char *mission;   /* mission code: required for officer and
				  mission-head, refused for the others */
	const char *password;  /* at least 10 characters */
	const char *actor;     /* who adds it, for the audit log */
	const char *address;   /* the client's address for the audit log, or NULL */
	int64_t person_id;     /* citizens: the person the account is for, or 0;
				  refused for the other roles */
};

/*
 * Validate and add a user, with its audit entry, in one transaction.
 * HW_EINPUT with a message naming the field (bad login, role, password,
 * unknown or missing mission, login taken); HW_EDB otherwise.
 * Messages start with the field's name and ": " ("login: 'x' is taken").
 */
int user_add(struct store *st, const struct user_new *u, int64_t *id,
	     struct strbuf *err);

/*
 * The same inside the caller's transaction (the API's, which writes more
 * in it), with the same checks and audit entry. A taken login, or a person
 * that has an account already, gives HW_ECONFLICT rather than HW_EINPUT,
 * so that the API can answer 409; an unknown person_id gives HW_EINPUT.
 * The password is hashed here (tens of milliseconds, by design).
 */
int user_insert(struct store *st, const struct user_new *u, int64_t *id,
		struct strbuf *err);

/* What user_update() changes; NULL / -1 leave a field as it is. */
struct user_change {
	const char *password;  /* a new password (10 to 1024 characters) */
	const char *role;      /* a new role; never to or from citizen */
	const char *mission;   /* a mission code; "" for none */
	int disabled;          /* 1 disable, 0 enable, -1 unchanged */
	int64_t keep_session;  /* a session that survives a password change
				  (the caller's own), or 0 */
	const char *actor;     /* who, for the audit log */
	const char *address;   /* the client's address, or NULL */
};

/*
 * Change user `id` inside the caller's transaction. The role and mission
 * that result must agree (officers and mission heads have a mission, the
 * others none). A new password or disabling ends the user's sessions
 * (all but c->keep_session), so a stolen token dies with the old password.
 * Audited as "user-update" on "user:ID", naming what changed but never a
 * password. HW_ENOTFOUND if there is no such user; HW_EINPUT with a
 * message starting with the field's name; HW_EDB.
 */
int user_update(struct store *st, int64_t id, const struct user_change *c,
		struct strbuf *err);

/*
 * Disable user `id` (purge false: the row stays, so its login is never
 * given to someone else and the audit log keeps one meaning for it) or
 * delete it (purge true), ending its sessions either way, inside the
 * caller's transaction. Audited as "user-disable" / "user-delete" on
 * "user:ID". HW_ENOTFOUND; HW_EDB.
 */
int user_remove(struct store *st, int64_t id, bool purge, const char *actor,
		const char *address, struct strbuf *err);

/* End every session of user `id` but `keep` (0: all of them). HW_EDB. */
int user_end_sessions(struct store *st, int64_t id, int64_t keep);

/*
 * Check a password: HW_OK if `login` exists, is enabled and `password` is
 * its password; HW_ENOTFOUND otherwise (the caller must not tell which).
 * Takes tens of milliseconds by design (argon2id).
 */
int user_check_password(struct store *st, const char *login,
			const char *password, int64_t *id);

/* A user as the API shows it: never its password hash. */
struct user_info {
	int64_t id;
	char login[65];
	char role[16];
	char mission[24];      /* the mission's code, "" for none */
	int64_t person_id;     /* citizens: their person, else 0 */
	bool disabled;
	char created_at[24], updated_at[24];
};

/* User `id` into *u: HW_OK, HW_ENOTFOUND, or HW_EDB. */
int user_get(struct store *st, int64_t id, struct user_info *u);

/*
 * Users with an id above `after`, in id order, at most `limit` of them,
 * of role `role` and mission code `mission` when those are not NULL, and
 * matching `scope_sql`: an SQL predicate on `app_user` with one `?`, bound
 * to scope_arg (scope_users() makes one). *out is the caller's to free().
 * HW_EDB with the message in the connection.
 */
int user_list(struct store *st, const char *scope_sql, int64_t scope_arg,
	      const char *role, const char *mission, int64_t after,
	      int64_t limit, struct user_info **out, size_t *n);

/* *u as a new JSON object ({"id":..,"login":..,"role":..,"mission":..,
 * "person_id":..,"disabled":..,"created_at":..,"updated_at":..}). */
json_t *user_info_json(const struct user_info *u);

/* The `homeward user` command (add, list). */
int cmd_user(int argc, char **argv);
/* `homeward test-login --login L --password-stdin`: exit 0 if it matches. */
int cmd_test_login(int argc, char **argv);

#endif
