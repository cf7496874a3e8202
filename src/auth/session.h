/*
 * session.h: signing in and out, and who a request's token belongs to.
 *
 * A sign-in gives a random token (32 bytes from libsodium, base64url, 43
 * characters). The database keeps only its hash, so the token cannot be
 * read back from a copy of the database. Sessions expire a fixed time
 * after sign-in. A second random value, the CSRF token, is returned with
 * the session: a browser signed in by cookie must echo it in the
 * X-CSRF-Token header of every unsafe request.
 *
 * The throttle counts failed sign-ins per login and per client address in
 * memory and refuses further tries for a while once either passes its
 * limit; it is shared by the server's threads (a mutex inside).
 */
#ifndef HW_SESSION_H
#define HW_SESSION_H

#include <stdint.h>

struct db;
struct principal;
struct strbuf;

#define SESSION_TOKEN_LEN 43

/*
 * Start a session for user `user_id` that lasts `minutes`. token and csrf
 * get NUL-terminated values (SESSION_TOKEN_LEN + 1 bytes each). To be
 * called inside the caller's transaction. HW_EDB with a message on failure.
 */
int session_create(struct db *db, int64_t user_id, const char *address,
		   unsigned minutes, char *token, char *csrf, int64_t *id,
		   struct strbuf *err);

/*
 * The principal of `token`: HW_OK with `who` filled in (and `csrf` the
 * session's CSRF token, SESSION_TOKEN_LEN + 1 bytes); HW_ENOTFOUND for an
 * unknown, expired or malformed token or a disabled user; HW_EDB.
 */
int session_lookup(struct db *db, const char *token, struct principal *who,
		   char *csrf);

/* End session `id`. */
int session_delete(struct db *db, int64_t id);

/* Remove expired sessions; *removed gets how many. */
int session_purge(struct db *db, int64_t *removed);

struct throttle;

/* At most `per_login` failures per login and `per_address` per client
 * address within `window_s` seconds. */
struct throttle *throttle_new(unsigned per_login, unsigned per_address,
			      unsigned window_s);
void throttle_free(struct throttle *t);

/* 0 if a sign-in may be tried now, else the seconds to wait. */
unsigned throttle_check(struct throttle *t, const char *login,
			const char *address);
void throttle_failed(struct throttle *t, const char *login,
		     const char *address);
/* A success clears the login's failures (not the address's). */
void throttle_succeeded(struct throttle *t, const char *login);

#endif
