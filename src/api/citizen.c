/*
 * api_citizen.c: citizens serving themselves: signing up (registration
 * is voluntary and consented), seeing what the registry holds on them,
 * taking a copy of all of it, and erasing it when they withdraw consent.
 *
 * A citizen's account points at its person (app_user.person_id); the
 * household is the persons of the same party. What a citizen may see is
 * scope.h's rule; this module only ever starts from the signed-in
 * principal's own person, so no id in a request can point it elsewhere.
 *
 * Erasure removes the personal data itself, not the history that it
 * happened: the audit log keeps its entries (they name records by id and
 * accounts by login, a pseudonym the citizen chose, and never hold names,
 * documents, contacts or locations) and gains one saying how many persons
 * were erased, so its chain stays intact.
 */
#include "core/homeward.h"

#include <string.h>

#include <sodium.h>

#include "http/api.h"
#include "auth/audit.h"
#include "store/record.h"
#include "core/time.h"
#include "api/registry.h"
#include "store/db.h"
#include "geo/geo.h"
#include "registry/presence.h"
#include "registry/registrant.h"
#include "http/server.h"
#include "auth/session.h"
#include "store/store.h"
#include "auth/user.h"

/*
 * Sign-ups per client address go through the server's sign-in throttle
 * (session.h), under keys of their own so that signing up never costs an
 * address its sign-ins: "signup:ADDRESS" as the address key and
 * "signup:LOGIN" as the login key. Each account created, and each try at
 * a login that is taken (which would otherwise let an address probe for
 * logins without limit), counts as one "failure". So one address creates
 * at most the throttle's per-address limit of accounts (50 in 15 minutes:
 * generous on purpose, since in a crisis many citizens sign up from
 * behind one hotel's or one carrier's address), and one login is tried
 * at most the per-login limit of times. Bad input costs nothing: it
 * writes nothing.
 */
#define SIGNUP_KEY "signup:"

/* How many persons a household may hold in one export or erasure. */
#define HOUSEHOLD_MAX 1000

/*
 * Tell the geo engine a person's nationality (its filters use it), or,
 * with NULL, forget the person's attributes once it is erased.
 */
static void geo_person_set(struct api_req *r, int64_t id, const char *nationality)
{
	struct geo_person gp = { .person = (uint32_t)id };

	if (id <= 0 || id > UINT32_MAX)
		return;
	if (nationality)
		snprintf(gp.nationality, sizeof(gp.nationality), "%s", nationality);
	geo_set_person(r->srv->geo, &gp);
}

/* ---- Signing up ---- */

/* The person's fields of the sign-up body, checked by the importer's rule
 * for the same column (registrant.h). */
static const struct {
	const char *field;
	enum reg_col col;
} person_fields[] = {
	{ "family_name", RC_FAMILY_NAME },
	{ "given_name", RC_GIVEN_NAME },
	{ "native_name", RC_NATIVE_NAME },
	{ "sex", RC_SEX },
	{ "date_of_birth", RC_DATE_OF_BIRTH },
	{ "nationality", RC_NATIONALITY },
	{ "language", RC_LANGUAGE },
	{ "email", RC_EMAIL },
	{ "phone", RC_PHONE },
};
#define NFIELDS ARRAY_SIZE(person_fields)

/* The normalised values, in person_fields order ("" when not given). */
struct signup {
	struct strbuf v[NFIELDS];
	struct strbuf consent;
};

static const char *sv(const struct signup *s, enum reg_col c)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (person_fields[i].col == c)
			return s->v[i].buf;
	assert(!"a column the sign-up does not take");
	return "";
}

static int signup_check(struct api_req *r, struct signup *s)
{
	struct strbuf err = STRBUF_INIT;
	const char *v;
	int rc = HW_OK;

	for (size_t i = 0; i < NFIELDS && !rc; i++) {
		v = api_body_str(r, person_fields[i].field);
		if (v && (rc = reg_check_value(person_fields[i].col, v, strlen(v),
					       &s->v[i], &err)))
			rc = api_fail(r, 422, "invalid", person_fields[i].field,
				      "%s: %s", person_fields[i].field, err.buf);
	}
	if (!rc && !*sv(s, RC_NATIONALITY))
		rc = api_fail(r, 422, "invalid", "nationality",
			      "nationality: a value is required");
	if (!rc && !*sv(s, RC_FAMILY_NAME) && !*sv(s, RC_GIVEN_NAME))
		rc = api_fail(r, 422, "invalid", "family_name",
			      "family_name: family_name or given_name is required");
	v = api_body_str(r, "consent_version");
	strbuf_reset(&err);
	if (!rc && (!v || reg_check_text(v, strlen(v), 64, &s->consent, &err) ||
		    !s->consent.len))
		rc = api_fail(r, 422, "invalid", "consent_version",
			      "consent_version: %s", err.len ? err.buf :
			      "the version of the consent text the citizen "
			      "accepted is required");
	strbuf_release(&err);
	return rc;
}

static int insert_contact(struct api_req *r, int64_t person, const char *kind,
			  const char *value)
{
	struct store_stmt *s;

	if (!*value)
		return HW_OK;
	if (store_prepare(r->db->st, "INSERT INTO contact(person_id, kind, value, "
			  "verified, preferred) VALUES (?, ?, ?, 0, 1)", &s))
		return HW_EDB;
	store_bind_int64(s, 1, person);
	store_bind_str(s, 2, kind);
	store_bind_str(s, 3, value);
	return store_run(s) ? HW_EDB : HW_OK;
}

/* Insert the person of a sign-up with its contacts: *id. */
static int insert_person(struct api_req *r, const struct signup *su, int64_t *id)
{
	unsigned char raw[12];
	char hex[2 * sizeof(raw) + 1], ext[32], now[21];
	struct store_stmt *s;
	int rc;

	/* A random external id: the sign-up must not reveal how many there
	 * are, and ids from imports never start with "self-". */
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	snprintf(ext, sizeof(ext), "self-%s", hex);
	time_iso_now(now);
	if (store_prepare(r->db->st, "INSERT INTO person(external_id, family_name, "
			  "given_name, native_name, sex, date_of_birth, nationality, "
			  "language, consent_version, consent_at, created_at, updated_at) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", &s))
		goto dberr;
	store_bind_list(s, "ssssssssssss", ext, sv(su, RC_FAMILY_NAME),
			sv(su, RC_GIVEN_NAME), sv(su, RC_NATIVE_NAME), sv(su, RC_SEX),
			sv(su, RC_DATE_OF_BIRTH), sv(su, RC_NATIONALITY),
			sv(su, RC_LANGUAGE), su->consent.buf, now, now, now);
	rc = store_step(s);
	if (rc == STORE_ROW)
		*id = store_col_int64(s, 0);
	store_reset(s);
	if (rc != STORE_ROW ||
	    insert_contact(r, *id, "phone", sv(su, RC_PHONE)) ||
	    insert_contact(r, *id, "email", sv(su, RC_EMAIL)))
		goto dberr;
	return HW_OK;
dberr:
	strbuf_addf(&r->err, "cannot register the person: %s", store_errmsg(r->db->st));
	return HW_EDB;
}

static int signup_throttled(struct api_req *r, const char *login_key,
			    const char *addr_key)
{
	unsigned wait = throttle_check(r->srv->throttle, login_key, addr_key);
	char secs[16];

	if (!wait)
		return HW_OK;
	snprintf(secs, sizeof(secs), "%u", wait);
	r->extra_header_name = xstrdup("Retry-After");
	r->extra_header_value = xstrdup(secs);
	return api_fail(r, 429, "rate_limited", NULL,
			"too many sign-ups from this address; try again in %u seconds",
			wait);
}

static int signup(struct api_req *r)
{
	struct signup su;
	struct strbuf err = STRBUF_INIT, detail = STRBUF_INIT;
	struct strbuf lkey = STRBUF_INIT, akey = STRBUF_INIT;
	struct user_new u = {
		.login = api_body_str(r, "login"),
		.role = "citizen",
		.password = api_body_str(r, "password"),
		.address = r->address[0] ? r->address : NULL,
	};
	struct user_info info;
	char object[32];
	int64_t person = 0, uid;
	int rc;

	for (size_t i = 0; i < NFIELDS; i++)
		strbuf_init(&su.v[i], 0);
	strbuf_init(&su.consent, 0);
	strbuf_addf(&lkey, SIGNUP_KEY "%s", u.login);
	strbuf_addf(&akey, SIGNUP_KEY "%s", r->address);
	if ((rc = signup_throttled(r, lkey.buf, akey.buf)) ||
	    (rc = signup_check(r, &su)))
		goto out;
	/* The new account is the actor of its own creation. */
	snprintf(r->who.actor, sizeof(r->who.actor), "user:%s", u.login);
	u.actor = r->who.actor;
	if ((rc = api_tx_begin(r)) || (rc = insert_person(r, &su, &person)))
		goto out;
	u.person_id = person;
	rc = user_insert(r->db->st, &u, &uid, &err);
	if (rc == HW_ECONFLICT)
		throttle_failed(r->srv->throttle, lkey.buf, akey.buf);
	if (rc) {
		rc = api_fail_from(r, rc, &err);
		goto out;
	}
	/* No personal value in the log: the person is named by its id. */
	snprintf(object, sizeof(object), "person:%" PRId64, person);
	strbuf_addf(&detail, "self sign-up, consent %s", su.consent.buf);
	if ((rc = api_audit(r, "person-create", object, detail.buf)) ||
	    (rc = api_tx_commit(r)))
		goto out;
	throttle_failed(r->srv->throttle, lkey.buf, akey.buf);
	geo_person_set(r, person, sv(&su, RC_NATIONALITY));
	if ((rc = user_get(r->db->st, uid, &info))) {
		strbuf_addf(&r->err, "cannot read the new user back: %s",
			    store_errmsg(r->db->st));
		goto out;
	}
	rc = api_reply_json(r, 201, json_pack("{s:o, s:I}", "user",
				user_info_json(&info), "person_id", (json_int_t)person));
out:
	for (size_t i = 0; i < NFIELDS; i++)
		strbuf_release(&su.v[i]);
	strbuf_release(&su.consent);
	strbuf_release(&err);
	strbuf_release(&lkey);
	strbuf_release(&akey);
	strbuf_release(&detail);
	return rc;
}

/* ---- What the registry holds on me ---- */

/*
 * The persons of the principal's household, itself first: its own person
 * and the others of its party when the party is a household. A travel
 * group's other members are strangers to each other: a member's export
 * or erasure never reaches them. *ids is the caller's to free(). HW_EDB.
 */
static int household(struct api_req *r, int64_t **ids, size_t *n)
{
	struct store_stmt *s;
	size_t alloc = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (!r->who.person_id)
		return HW_OK;
	if (store_prepare(r->db->st, "SELECT o.id FROM person me "
			  "LEFT JOIN party pa ON pa.id = me.party_id JOIN person o "
			  "ON o.id = me.id OR (pa.kind = 'household' AND "
			  "o.party_id = me.party_id) WHERE me.id = ? "
			  "ORDER BY o.id <> me.id, o.id LIMIT ?", &s))
		goto dberr;
	store_bind_list(s, "ii", r->who.person_id, (int64_t)HOUSEHOLD_MAX);
	while ((rc = store_step(s)) == STORE_ROW) {
		ALLOC_GROW(*ids, *n + 1, alloc);
		(*ids)[(*n)++] = store_col_int64(s, 0);
	}
	store_reset(s);
	if (rc == STORE_DONE)
		return HW_OK;
	free(*ids);
	*ids = NULL;
	*n = 0;
dberr:
	strbuf_addf(&r->err, "cannot read the household: %s", store_errmsg(r->db->st));
	return HW_EDB;
}

static int me_user(struct api_req *r, json_t **out)
{
	struct user_info u;
	int rc = user_get(r->db->st, r->who.user_id, &u);

	if (rc) {
		strbuf_addf(&r->err, "cannot read the user: %s", store_errmsg(r->db->st));
		return rc == HW_ENOTFOUND ? HW_EDB : rc;
	}
	*out = user_info_json(&u);
	return HW_OK;
}

static int me_get(struct api_req *r)
{
	json_t *o = json_object(), *u = NULL, *p = NULL, *members;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	if ((rc = me_user(r, &u)))
		goto out;
	json_object_set_new(o, "user", u);
	if (r->who.role != ROLE_CITIZEN || !r->who.person_id)
		goto reply;
	if ((rc = household(r, &ids, &n)))
		goto out;
	if ((rc = registry_person_json(r, r->who.person_id, false, &p)))
		goto out;
	json_object_set_new(o, "person", p);
	members = json_array();
	for (size_t i = 1; i < n; i++)
		json_array_append_new(members, json_integer(ids[i]));
	json_object_set_new(o, "household", members);
reply:
	rc = api_reply_json(r, 200, o);
	o = NULL;
out:
	json_decref(o);
	free(ids);
	return rc;
}

/*
 * The audit entries about the household and the account: those whose
 * object is one of the persons ("person:ID"), the user ("user:ID") or its
 * login (sign-ins, the account's creation), oldest first.
 */
static int audit_about(struct api_req *r, const int64_t *ids, size_t n,
		       json_t **out)
{
	struct strbuf sql = STRBUF_INIT;
	char (*objs)[32] = xcalloc(n + 1, sizeof(*objs));
	struct store_stmt *s;
	json_t *list = json_array();
	int rc;

	strbuf_addstr(&sql, "SELECT " AUDIT_ENTRY_COLUMNS " FROM audit WHERE object "
		      "IN (?, ?");
	for (size_t i = 0; i < n; i++)
		strbuf_addstr(&sql, ", ?");
	strbuf_addstr(&sql, ") ORDER BY id");
	rc = store_prepare(r->db->st, sql.buf, &s);
	if (rc)
		goto dberr;
	snprintf(objs[n], sizeof(objs[n]), "user:%" PRId64, r->who.user_id);
	store_bind_str(s, 1, objs[n]);
	store_bind_str(s, 2, r->who.login);
	for (size_t i = 0; i < n; i++) {
		snprintf(objs[i], sizeof(objs[i]), "person:%" PRId64, ids[i]);
		store_bind_str(s, (int)i + 3, objs[i]);
	}
	while ((rc = store_step(s)) == STORE_ROW)
		json_array_append_new(list, record_json(s, audit_entry_fields));
	store_reset(s);
	if (rc < 0)
		goto dberr;
	*out = list;
	list = NULL;
	rc = HW_OK;
	goto out;
dberr:
	strbuf_addf(&r->err, "cannot read the audit log: %s", store_errmsg(r->db->st));
	rc = HW_EDB;
out:
	json_decref(list);
	strbuf_release(&sql);
	free(objs);
	return rc;
}

static int me_export(struct api_req *r)
{
	json_t *o = json_object(), *u = NULL, *persons = json_array(), *log = NULL, *p;
	struct strbuf detail = STRBUF_INIT;
	char now[21], object[32];
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	if ((rc = me_user(r, &u)))
		goto out;
	time_iso_now(now);
	json_object_set_new(o, "exported_at", json_string(now));
	json_object_set_new(o, "user", u);
	if ((rc = household(r, &ids, &n)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if ((rc = registry_person_json(r, ids[i], true, &p)))
			goto out;
		json_array_append_new(persons, p);
	}
	json_object_set_new(o, "persons", persons);
	persons = NULL;
	if ((rc = audit_about(r, ids, n, &log)))
		goto out;
	json_object_set_new(o, "audit", log);
	/* The export holds passport numbers: a read of sensitive fields,
	 * recorded before anything is sent. */
	snprintf(object, sizeof(object), "user:%" PRId64, r->who.user_id);
	strbuf_addf(&detail, "%zu person%s", n, n == 1 ? "" : "s");
	if ((rc = api_audit(r, "self-export", object, detail.buf)))
		goto out;
	rc = api_reply_json(r, 200, o);
	o = NULL;
out:
	json_decref(o);
	json_decref(persons);
	strbuf_release(&detail);
	free(ids);
	return rc;
}

/* ---- Erasure ---- */

/*
 * The persons an erasure removes: the citizen's own, and those of its
 * household that have no account of their own (a member with an account
 * decides for itself). *ids is the caller's to free(); *party gets the
 * household's party, 0 if none. HW_EDB.
 */
static int erasable(struct api_req *r, int64_t **ids, size_t *n, int64_t *party)
{
	int64_t *all = NULL;
	struct store_stmt *s;
	size_t m = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	*party = 0;
	if ((rc = household(r, &all, &m)))
		return rc;
	if (store_prepare(r->db->st, "SELECT party_id, EXISTS (SELECT 1 FROM app_user "
			  "WHERE person_id = person.id AND id <> ?) FROM person "
			  "WHERE id = ?", &s))
		goto dberr;
	*ids = xcalloc(m ? m : 1, sizeof(**ids));
	for (size_t i = 0; i < m; i++) {
		store_bind_int64(s, 1, r->who.user_id);
		store_bind_int64(s, 2, all[i]);
		rc = store_step(s);
		if (rc == STORE_ROW) {
			if (!store_col_null(s, 0))
				*party = store_col_int64(s, 0);
			if (!store_col_int64(s, 1))
				(*ids)[(*n)++] = all[i];
		}
		store_reset(s);
		if (rc < 0)
			goto dberr;
	}
	free(all);
	return HW_OK;
dberr:
	strbuf_addf(&r->err, "cannot read the household: %s", store_errmsg(r->db->st));
	free(all);
	free(*ids);
	*ids = NULL;
	*n = 0;
	return HW_EDB;
}

/* Run `sql` with one or two integer parameters; *changed (may be NULL)
 * gets whether it matched a row (it must return one row per match). */
static int run2(struct api_req *r, const char *sql, int64_t a, int64_t b,
		bool *changed)
{
	struct store_stmt *s;
	int rc;

	if (store_prepare(r->db->st, sql, &s))
		return HW_EDB;
	store_bind_int64(s, 1, a);
	if (b)
		store_bind_int64(s, 2, b);
	rc = store_step(s);
	if (changed)
		*changed = rc == STORE_ROW;
	store_reset(s);
	return rc < 0 ? rc : HW_OK;
}

static int me_delete(struct api_req *r)
{
	struct geo_presence *geo = NULL, *one;
	struct strbuf err = STRBUF_INIT, detail = STRBUF_INIT;
	int64_t *ids = NULL, party = 0;
	size_t n = 0, ngeo = 0, k;
	char object[32];
	bool party_gone = false;
	int rc;

	presence_writes_lock();
	if ((rc = api_tx_begin(r)) || (rc = erasable(r, &ids, &n, &party)))
		goto out;
	/* The engine's entries of every erased person, read as they stand,
	 * to remove once the deletion is committed. */
	for (size_t i = 0; i < n; i++) {
		if ((rc = presence_geo_entries(r->db->st, ids[i], 0, &one, &k, &err))) {
			strbuf_addbuf(&r->err, &err);
			goto out;
		}
		geo = xrealloc(geo, (ngeo + k + 1) * sizeof(*geo));
		if (k)
			memcpy(geo + ngeo, one, k * sizeof(*one));
		ngeo += k;
		free(one);
	}
	/* Contacts, emergency contacts and presences go with their person
	 * (ON DELETE CASCADE), sessions with their user. */
	for (size_t i = 0; i < n; i++)
		if ((rc = run2(r, "DELETE FROM person WHERE id = ? RETURNING id",
			       ids[i], 0, NULL)))
			goto dberr;
	if (party && (rc = run2(r, "DELETE FROM party WHERE id = ? AND NOT EXISTS "
				"(SELECT 1 FROM person WHERE party_id = ?) RETURNING id",
				party, party, &party_gone)))
		goto dberr;
	if ((rc = run2(r, "DELETE FROM session WHERE user_id = ? RETURNING id",
		       r->who.user_id, 0, NULL)) ||
	    (rc = run2(r, "DELETE FROM app_user WHERE id = ? RETURNING id",
		       r->who.user_id, 0, NULL)))
		goto dberr;
	/* That it happened and how much, never what: no name, document,
	 * contact or place. */
	snprintf(object, sizeof(object), "user:%" PRId64, r->who.user_id);
	strbuf_addf(&detail, "consent withdrawn: %zu person%s erased%s", n,
		    n == 1 ? "" : "s", party_gone ? ", household removed" : "");
	if ((rc = api_audit(r, "erase", object, detail.buf)) ||
	    (rc = api_tx_commit(r)))
		goto out;
	presence_geo_remove(r->srv->geo, geo, ngeo);
	for (size_t i = 0; i < n; i++)
		geo_person_set(r, ids[i], NULL);
	rc = api_reply_empty(r);
	goto out;
dberr:
	if (rc == HW_ECONFLICT) {
		rc = api_fail(r, 409, "conflict", NULL,
			      "the records cannot be erased yet: other records "
			      "still refer to them (%s)", store_errmsg(r->db->st));
		goto out;
	}
	strbuf_addf(&r->err, "cannot erase: %s", store_errmsg(r->db->st));
out:
	presence_writes_unlock();
	free(geo);
	free(ids);
	strbuf_release(&err);
	strbuf_release(&detail);
	return rc;
}

/* ---- The route table ---- */

static const struct api_field signup_body[] = {
	{ "login", API_STRING, true, 64, "3 to 64 of a-z, 0-9, '.', '_', '-', '@'" },
	{ "password", API_STRING, true, 1024, "At least 10 characters" },
	{ "family_name", API_STRING, false, 100, "Family name (this or given_name is required)" },
	{ "given_name", API_STRING, false, 100, "Given name(s)" },
	{ "native_name", API_STRING, false, 200, "The name in its own script" },
	{ "sex", API_STRING, false, 6, "F, M or X" },
	{ "date_of_birth", API_STRING, false, 10, "YYYY-MM-DD" },
	{ "nationality", API_STRING, true, 2, "ISO 3166-1 alpha-2 (FR)" },
	{ "language", API_STRING, false, 6, "ISO 639-1, optionally with a region (fr, zh-CN)" },
	{ "email", API_STRING, false, 254, "An e-mail address" },
	{ "phone", API_STRING, false, 32, "An E.164 phone number (+33 1 23 45 67 89)" },
	{ "consent_version", API_STRING, true, 64,
	  "The version of the consent text accepted: registration is voluntary" },
	{ NULL, 0, false, 0, NULL },
};

const struct route api_citizen_routes[] = {
	{ "POST", "/api/v1/signup", signup, ROLE_PUBLIC, NULL, signup_body, ROUTE_NO_CSRF,
	  201, "self-service",
	  "Sign up: a citizen's person, contacts and account, with consent "
	  "(at most 50 per client address in 15 minutes)" },
	{ "GET", "/api/v1/me", me_get, ROLES_ANY, NULL, NULL, 0, 200, "self-service",
	  "The signed-in user; for a citizen also its person and its household's ids" },
	{ "GET", "/api/v1/me/export", me_export, ROLE_CITIZEN, NULL, NULL, 0, 200,
	  "self-service",
	  "Everything held on the citizen and its household, with the audit "
	  "entries about them (audited)" },
	{ "DELETE", "/api/v1/me", me_delete, ROLE_CITIZEN, NULL, NULL, 0, 204,
	  "self-service",
	  "Withdraw consent: erase the citizen, the household members without an "
	  "account of their own, and the account" },
	{ NULL, NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL },
};
