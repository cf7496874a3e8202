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
};

/*
 * Validate and add a user, with its audit entry, in one transaction.
 * HW_EINPUT with a message naming the field (bad login, role, password,
 * unknown or missing mission, login taken); HW_EDB otherwise.
 */
int user_add(struct store *st, const struct user_new *u, int64_t *id,
	     struct strbuf *err);

/*
 * Check a password: HW_OK if `login` exists, is enabled and `password` is
 * its password; HW_ENOTFOUND otherwise (the caller must not tell which).
 * Takes tens of milliseconds by design (argon2id).
 */
int user_check_password(struct store *st, const char *login,
			const char *password, int64_t *id);

/* The `homeward user` command (add, list). */
int cmd_user(int argc, char **argv);
/* `homeward test-login --login L --password-stdin`: exit 0 if it matches. */
int cmd_test_login(int argc, char **argv);

#endif
