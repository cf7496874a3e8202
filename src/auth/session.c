/*
 * session.c: sessions in the database, found by the hash of their token,
 * and the in-memory sign-in throttle. See session.h.
 */
#include "core/homeward.h"
#include "auth/session.h"
#include "store/record.h"
#include "core/time.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/role.h"
#include "store/db.h"
#include "store/store.h"
#include "core/strbuf.h"

static void random_token(char *out)
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, SESSION_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

static void token_hash(const char *token, char hex[65])
{
	unsigned char md[32];

	crypto_generichash(md, sizeof(md), (const unsigned char *)token,
			   strlen(token), NULL, 0);
	sodium_bin2hex(hex, 65, md, sizeof(md));
}

int session_create(struct db *db, int64_t user_id, const char *address,
		   unsigned minutes, char *token, char *csrf, int64_t *id,
		   struct strbuf *err)
{
	char hash[65], now[TIME_ISO_SIZE], until[TIME_ISO_SIZE];
	time_t t = time(NULL);
	int rc;

	random_token(token);
	random_token(csrf);
	token_hash(token, hash);
	time_iso(t, now);
	time_iso(t + (time_t)minutes * 60, until);
	rc = store_one_int64(db->st, id, "INSERT INTO session (token_hash, user_id, "
			     "csrf, address, created_at, expires_at) VALUES (?, ?, ?, ?, "
			     "?, ?) RETURNING id", "start a session", err, "sissss",
			     hash, user_id, csrf, address, now, until);
	return rc == STORE_ROW ? HW_OK : rc < 0 ? rc : HW_EDB;
}

static bool token_shape_ok(const char *token)
{
	size_t n = strlen(token);

	if (n != SESSION_TOKEN_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = token[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

int session_lookup(struct db *db, const char *token, struct principal *who,
		   char *csrf)
{
	struct store_stmt *s;
	char hash[65], now[21];
	int rc;

	if (!token_shape_ok(token))
		return HW_ENOTFOUND;
	token_hash(token, hash);
	time_iso(time(NULL), now);
	rc = store_prepare(db->st,
			   "SELECT s.id, s.csrf, u.id, u.login, u.role, u.mission_id, "
			   "u.person_id FROM session s JOIN app_user u ON u.id = s.user_id "
			   "WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0", &s);
	if (rc)
		return rc;
	store_bind_list(s, "ss", hash, now);
	rc = store_step(s);
	if (rc == STORE_ROW) {
		const char *v;
		who->session_id = store_col_int64(s, 0);
		v = store_col_text(s, 1, NULL);
		snprintf(csrf, SESSION_TOKEN_LEN + 1, "%s", v ? v : "");
		who->user_id = store_col_int64(s, 2);
		v = store_col_text(s, 3, NULL);
		snprintf(who->login, sizeof(who->login), "%s", v ? v : "");
		who->role = role_from_name(store_col_text(s, 4, NULL));
		who->mission_id = store_col_null(s, 5) ? 0 : store_col_int64(s, 5);
		who->person_id = store_col_null(s, 6) ? 0 : store_col_int64(s, 6);
		snprintf(who->actor, sizeof(who->actor), "user:%s", who->login);
		rc = HW_OK;
	} else if (rc == STORE_DONE) {
		rc = HW_ENOTFOUND;
	}
	store_reset(s);
	return rc;
}

int session_delete(struct db *db, int64_t id)
{
	struct store_stmt *s;
	int rc = store_prepare(db->st, "DELETE FROM session WHERE id = ?", &s);

	if (rc)
		return rc;
	store_bind_int64(s, 1, id);
	return store_run(s);
}

int session_purge(struct db *db, int64_t *removed)
{
	struct store_stmt *s;
	char now[21];
	int rc;

	time_iso(time(NULL), now);
	rc = store_prepare(db->st, "DELETE FROM session WHERE expires_at <= ? "
			   "RETURNING id", &s);
	if (rc)
		return rc;
	store_bind_str(s, 1, now);
	*removed = 0;
	while ((rc = store_step(s)) == STORE_ROW)
		(*removed)++;
	store_reset(s);
	return rc < 0 ? rc : HW_OK;
}

/* ---- The throttle ---- */

/*
 * A small open-addressing table of recent failures keyed by "l:LOGIN" or
 * "a:ADDRESS". Entries older than the window are reused; when the table
 * is full, the oldest entry gives way, which errs on the side of letting a
 * sign-in through rather than growing without bound under attack.
 */
#define THROTTLE_SLOTS 4096

struct throttle_slot {
	char key[80];
	unsigned failures;
	time_t first;
};

struct throttle {
	pthread_mutex_t lock;
	unsigned per_login, per_address, window;
	struct throttle_slot slots[THROTTLE_SLOTS];
};

struct throttle *throttle_new(unsigned per_login, unsigned per_address,
			      unsigned window_s)
{
	struct throttle *t = xcalloc(1, sizeof(*t));

	pthread_mutex_init(&t->lock, NULL);
	t->per_login = per_login;
	t->per_address = per_address;
	t->window = window_s;
	return t;
}

void throttle_free(struct throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static struct throttle_slot *slot_for(struct throttle *t, const char *key,
				      bool create, time_t now)
{
	uint64_t h = 1469598103934665603ULL;
	struct throttle_slot *oldest = NULL;

	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (size_t i = 0; i < 16; i++) {
		struct throttle_slot *s = &t->slots[(h + i) % THROTTLE_SLOTS];
		if (strcmp(s->key, key) == 0) {
			if (now - s->first >= (time_t)t->window) {
				s->failures = 0;
				s->first = now;
			}
			return s;
		}
		if (!oldest || s->first < oldest->first)
			oldest = s;
	}
	if (!create)
		return NULL;
	snprintf(oldest->key, sizeof(oldest->key), "%s", key);
	oldest->failures = 0;
	oldest->first = now;
	return oldest;
}

static unsigned wait_for(struct throttle *t, const char *key, unsigned limit,
			 time_t now)
{
	struct throttle_slot *s = slot_for(t, key, false, now);

	if (!s || s->failures < limit)
		return 0;
	return (unsigned)(s->first + (time_t)t->window - now) + 1;
}

unsigned throttle_check(struct throttle *t, const char *login,
			const char *address)
{
	char key[80];
	time_t now = time(NULL);
	unsigned w1, w2;

	pthread_mutex_lock(&t->lock);
	snprintf(key, sizeof(key), "l:%s", login);
	w1 = wait_for(t, key, t->per_login, now);
	snprintf(key, sizeof(key), "a:%s", address);
	w2 = wait_for(t, key, t->per_address, now);
	pthread_mutex_unlock(&t->lock);
	return w1 > w2 ? w1 : w2;
}

void throttle_failed(struct throttle *t, const char *login,
		     const char *address)
{
	char key[80];
	time_t now = time(NULL);

	pthread_mutex_lock(&t->lock);
	snprintf(key, sizeof(key), "l:%s", login);
	slot_for(t, key, true, now)->failures++;
	snprintf(key, sizeof(key), "a:%s", address);
	slot_for(t, key, true, now)->failures++;
	pthread_mutex_unlock(&t->lock);
}

void throttle_succeeded(struct throttle *t, const char *login)
{
	char key[80];
	struct throttle_slot *s;

	pthread_mutex_lock(&t->lock);
	snprintf(key, sizeof(key), "l:%s", login);
	s = slot_for(t, key, false, time(NULL));
	if (s)
		s->failures = 0;
	pthread_mutex_unlock(&t->lock);
}
