/*
 * api_registry.c: the registry over HTTP: persons, their contacts and
 * emergency contacts, parties (households and groups) and organisations.
 *
 * The objects, their field tables and the records that carry a body's
 * values into rows are the registry's (registry/object.h): this file gives
 * them the request (CTX) and turns their refusals into answers (answer),
 * and writes each change in the request's transaction with its audit
 * entry.
 *
 * Who may see a person is scope.h's question, asked by every person route
 * and, through the owning person, by the contact routes: what a caller
 * may not see answers 404, exactly like what does not exist. Parties and
 * organisations are not personal data; a party lists only the members
 * the caller may see.
 *
 * Searching by name runs on the lower() indexes of migration 0003; see
 * name_filter() for how other cased scripts are covered.
 */
#include "core/homeward.h"
#include "api/registry.h"
#include "store/record.h"
#include "core/time.h"

#include <sodium.h>

#include "http/api.h"
#include "store/db.h"
#include "geo/geo.h"
#include "store/keyring.h"
#include "registry/person.h"
#include "registry/object.h"
#include "registry/presence.h"
#include "registry/registrant.h"
#include "auth/scope.h"
#include "http/server.h"
#include "store/store.h"

#define PASSPORT_FIELD "person.passport_no" /* the keyring's name, as import */

/* ---- The object layer (registry/object.h), for this request ---- */

/* Its context: the request's store, principal, body; errors in r->err. */
#define CTX(r) { (r)->db->st, &(r)->who, (r)->body, &(r)->err, "" }

/* The layer's result as the request's: a refusal answers 422, 409 or 404
 * naming its field; anything else goes on as it is. */
static int answer(struct api_req *r, const struct object_ctx *c, int rc)
{
	if (rc != HW_EINPUT && rc != HW_ECONFLICT && rc != HW_ENOTFOUND)
		return rc;
	snprintf(r->err_field, sizeof(r->err_field), "%s", c->field);
	return api_fail_from(r, rc, &r->err);
}

static int record_take(struct api_req *r, struct object_record *rec)
{
	struct object_ctx c = CTX(r);

	return answer(r, &c, object_take(&c, rec));
}

static int record_complete(struct api_req *r, struct object_record *rec)
{
	struct object_ctx c = CTX(r);

	return answer(r, &c, object_complete(&c, rec));
}

/* Row `id`: HW_ENOTFOUND, with no answer set, when there is none. */
static int record_read(struct api_req *r, struct object_record *rec, int64_t id,
		       json_t **json)
{
	struct object_ctx c = CTX(r);
	int rc = object_read(&c, rec, id, json);

	return rc == HW_ENOTFOUND ? rc : answer(r, &c, rc);
}

/* record_read(), answering 404 when there is no such row. */
static int record_load(struct api_req *r, struct object_record *rec, int64_t id,
		       json_t **json)
{
	struct object_ctx c = CTX(r);

	return answer(r, &c, object_load(&c, rec, id, json));
}

static int record_insert(struct api_req *r, struct object_record *rec)
{
	struct object_ctx c = CTX(r);

	return answer(r, &c, object_insert(&c, rec));
}

static int record_update(struct api_req *r, const struct object_record *rec)
{
	struct object_ctx c = CTX(r);

	return answer(r, &c, object_update(&c, rec));
}

static int party_scope(struct api_req *r, struct strbuf *where,
		       struct store_params *params)
{
	struct object_ctx c = CTX(r);

	return answer(r, &c, object_party_scope(&c, where, params));
}

static int db_fail(struct api_req *r, const char *what)
{
	strbuf_addf(&r->err, "cannot %s: %s", what, store_errmsg(r->db->st));
	return HW_EDB;
}

static int prepare(struct api_req *r, const char *sql, struct store_stmt **s)
{
	if (store_prepare(r->db->st, sql, s))
		return db_fail(r, "prepare a statement");
	return HW_OK;
}

static int not_found(struct api_req *r, const struct object *o, int64_t id)
{
	return api_fail(r, 404, "not_found", NULL, "no %s %lld", o->noun,
			(long long)id);
}

/* Run `sql` with one integer parameter and no result. */
static int run_id(struct api_req *r, const char *sql, int64_t id)
{
	struct store_stmt *s;
	int rc = prepare(r, sql, &s);

	if (rc)
		return rc;
	store_bind_int64(s, 1, id);
	return store_run(s) ? db_fail(r, "write") : HW_OK;
}

static int audit_object(struct api_req *r, const struct object *o,
			const char *verb, int64_t id, const char *detail)
{
	char action[64], object[64];

	snprintf(action, sizeof(action), "%s-%s", o->noun, verb);
	snprintf(object, sizeof(object), "%s:%lld", o->noun, (long long)id);
	return api_audit(r, action, object, detail);
}

/* ---- Lists ---- */

/*
 * One page of the rows of `o` that match `where` (SQL whose parameters are
 * `bs`), in id order after the `after` query parameter, at most `limit`:
 * {"items":[...],"next_after":ID or null}. One row more than the page is
 * read to know whether another page follows.
 */
static int list_page(struct api_req *r, const struct object *o,
		     const char *where, struct store_params *bs, json_t **out)
{
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *s;
	int64_t limit, after, last = 0;
	json_t *items;
	int64_t got = 0;
	int rc;

	*out = NULL;
	if ((rc = api_query_int(r, "limit", 1, 1000, 100, &limit)) ||
	    (rc = api_query_int(r, "after", 0, INT64_MAX, 0, &after)))
		return rc;
	object_select_sql(&sql, o);
	strbuf_addf(&sql, " WHERE (%s) AND %s.id > ? ORDER BY %s.id LIMIT ?",
		    where, o->table, o->table);
	rc = prepare(r, sql.buf, &s);
	strbuf_release(&sql);
	if (rc)
		return rc;
	store_params_bind(bs, s);
	store_bind_int64(s, (int)bs->n + 1, after);
	store_bind_int64(s, (int)bs->n + 2, limit + 1);
	items = json_array();
	while ((rc = store_step(s)) == STORE_ROW) {
		if (++got > limit)
			break;
		last = store_col_int64(s, 0);
		json_array_append_new(items, object_row_json(o, s));
	}
	store_reset(s);
	if (rc < 0) {
		json_decref(items);
		return db_fail(r, "list");
	}
	*out = json_pack("{s:o, s:o}", "items", items, "next_after",
			 got > limit ? json_integer(last) : json_null());
	return HW_OK;
}

/* ---- Persons: JSON ---- */

/* Every row of `o` owned by `person`, in id order. */
static int owned_rows(struct api_req *r, const struct object *o,
		      int64_t person, json_t **out)
{
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *s;
	int rc;

	object_select_sql(&sql, o);
	strbuf_addf(&sql, " WHERE %s = ? ORDER BY id", o->owner);
	rc = prepare(r, sql.buf, &s);
	strbuf_release(&sql);
	if (rc)
		return rc;
	store_bind_int64(s, 1, person);
	*out = json_array();
	while ((rc = store_step(s)) == STORE_ROW)
		json_array_append_new(*out, object_row_json(o, s));
	store_reset(s);
	return rc < 0 ? db_fail(r, "read") : HW_OK;
}

/* A presence as a person's page shows it; lat and lon are both there or
 * both null. */
static const struct rec_field presence_fields[] = {
	{ "id", REC_INT }, { "lat", REC_REAL }, { "lon", REC_REAL },
	{ "organisation_id", REC_INT }, { "country", REC_TEXT }, { "city", REC_TEXT },
	{ "arrival", REC_TEXT }, { "departure", REC_TEXT }, { "purpose", REC_TEXT },
	{ NULL, 0 },
};

/* The person's presences, in the order they were given. */
static int presences_json(struct api_req *r, int64_t person, json_t **out)
{
	struct store_stmt *s;
	int rc = prepare(r, "SELECT id, lat, lon, organisation_id, country, city, "
			 "arrival, departure, purpose FROM presence "
			 "WHERE person_id = ? ORDER BY seq, id", &s);

	if (rc)
		return rc;
	store_bind_int64(s, 1, person);
	*out = json_array();
	while ((rc = store_step(s)) == STORE_ROW) {
		json_t *p = record_json(s, presence_fields);

		if (store_col_null(s, 1) || store_col_null(s, 2)) {
			json_object_set_new(p, "lat", json_null());
			json_object_set_new(p, "lon", json_null());
		}
		json_array_append_new(*out, p);
	}
	store_reset(s);
	return rc < 0 ? db_fail(r, "read presences") : HW_OK;
}

/* The unsealed passport number of `person`, or JSON null. */
static int passport_json(struct api_req *r, int64_t person, json_t **out)
{
	struct strbuf plain = STRBUF_INIT;
	struct store_stmt *s;
	int rc = prepare(r, "SELECT passport_enc FROM person WHERE id = ?", &s);

	*out = NULL;
	if (rc)
		return rc;
	store_bind_int64(s, 1, person);
	rc = store_step(s);
	if (rc == STORE_ROW && !store_col_null(s, 0)) {
		size_t len;
		const void *sealed = store_col_blob(s, 0, &len);
		if (keyring_open(r->db->keys, PASSPORT_FIELD, sealed, len, &plain)) {
			strbuf_addf(&r->err, "cannot unseal the passport number of "
				    "person %lld: the key does not match or the row "
				    "was altered", (long long)person);
			store_reset(s);
			strbuf_release(&plain);
			return HW_ECRYPTO;
		}
		*out = json_stringn(plain.buf, plain.len);
	}
	store_reset(s);
	sodium_memzero(plain.buf, plain.len);
	strbuf_release(&plain);
	if (rc < 0)
		return db_fail(r, "read the passport number");
	if (!*out)
		*out = json_null();
	return HW_OK;
}

int registry_person_json(struct api_req *r, int64_t id, bool sensitive,
			 json_t **out)
{
	struct object_record rec;
	json_t *j = NULL, *part = NULL;
	int rc;

	*out = NULL;
	object_init(&rec, &person_object);
	rc = record_read(r, &rec, id, &j);
	object_release(&rec);
	if (rc == HW_ENOTFOUND) {
		/* No response is set here: the caller decides what to say. */
		strbuf_addf(&r->err, "no person %lld", (long long)id);
		return rc;
	}
	if (rc)
		return rc;
	if ((rc = owned_rows(r, &contact_object, id, &part)))
		goto out;
	json_object_set_new(j, "contacts", part);
	if ((rc = owned_rows(r, &emergency_object, id, &part)))
		goto out;
	json_object_set_new(j, "emergency_contacts", part);
	if ((rc = presences_json(r, id, &part)))
		goto out;
	json_object_set_new(j, "presences", part);
	if (sensitive) {
		if ((rc = passport_json(r, id, &part)))
			goto out;
		json_object_set_new(j, "passport_no", part);
	}
	*out = j;
	j = NULL;
out:
	json_decref(j);
	return rc;
}

/* ---- Persons: search ---- */

/*
 * Simple case mapping for the cased scripts names are written in: Latin
 * (with the accented letters of Latin-1, Extended-A, pinyin and
 * Vietnamese), Greek, Cyrillic, Armenian. A range either maps each capital
 * to capital + delta, or (pairs) alternates capital, small, capital...
 * from `lo`. Enough to find "Кузнецова" from "кузн", not a Unicode
 * implementation.
 */
static const struct case_range {
	uint32_t lo, hi;
	int32_t delta;
	bool pairs;
} case_ranges[] = {
	{ 0x00C0, 0x00D6, 32, false }, { 0x00D8, 0x00DE, 32, false },
	{ 0x0100, 0x012F, 1, true }, { 0x0132, 0x0137, 1, true },
	{ 0x0139, 0x0148, 1, true }, { 0x014A, 0x0177, 1, true },
	{ 0x0178, 0x0178, -121, false }, { 0x0179, 0x017E, 1, true },
	{ 0x01CD, 0x01DC, 1, true }, { 0x01DE, 0x01EF, 1, true },
	{ 0x01F8, 0x021F, 1, true },
	{ 0x0386, 0x0386, 38, false }, { 0x0388, 0x038A, 37, false },
	{ 0x038C, 0x038C, 64, false }, { 0x038E, 0x038F, 63, false },
	{ 0x0391, 0x03A1, 32, false }, { 0x03A3, 0x03AB, 32, false },
	{ 0x0400, 0x040F, 80, false }, { 0x0410, 0x042F, 32, false },
	{ 0x0460, 0x0481, 1, true }, { 0x048A, 0x04BF, 1, true },
	{ 0x04C0, 0x04C0, 15, false }, { 0x04C1, 0x04CE, 1, true },
	{ 0x04D0, 0x052F, 1, true },
	{ 0x0531, 0x0556, 48, false },
	{ 0x1E00, 0x1E95, 1, true }, { 0x1EA0, 0x1EFF, 1, true },
	{ 0xFF21, 0xFF3A, 32, false },
};

static uint32_t case_map(uint32_t cp, bool upper)
{
	if (cp < 0x80) {
		if (upper && cp >= 'a' && cp <= 'z')
			return cp - 32;
		if (!upper && cp >= 'A' && cp <= 'Z')
			return cp + 32;
		return cp;
	}
	for (size_t i = 0; i < ARRAY_SIZE(case_ranges); i++) {
		const struct case_range *c = &case_ranges[i];
		if (c->pairs) {
			if (cp < c->lo || cp > c->hi)
				continue;
			if ((cp - c->lo) % 2 == 0)
				return upper ? cp : cp + 1;
			return upper ? cp - 1 : cp;
		}
		if (!upper && cp >= c->lo && cp <= c->hi)
			return (uint32_t)((int32_t)cp + c->delta);
		if (upper && (int32_t)cp >= (int32_t)c->lo + c->delta &&
		    (int32_t)cp <= (int32_t)c->hi + c->delta)
			return (uint32_t)((int32_t)cp - c->delta);
	}
	return cp;
}

/* Decode one character of valid UTF-8 (reg_check_text has checked it). */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xE0) {
		*cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
		return 2;
	}
	if (s[0] < 0xF0) {
		*cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 |
		      (s[2] & 0x3F);
		return 3;
	}
	*cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
	      (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
	return 4;
}

static void utf8_put(struct strbuf *out, uint32_t cp)
{
	if (cp < 0x80) {
		strbuf_addch(out, (int)cp);
	} else if (cp < 0x800) {
		strbuf_addch(out, (int)(0xC0 | cp >> 6));
		strbuf_addch(out, (int)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		strbuf_addch(out, (int)(0xE0 | cp >> 12));
		strbuf_addch(out, (int)(0x80 | (cp >> 6 & 0x3F)));
		strbuf_addch(out, (int)(0x80 | (cp & 0x3F)));
	} else {
		strbuf_addch(out, (int)(0xF0 | cp >> 18));
		strbuf_addch(out, (int)(0x80 | (cp >> 12 & 0x3F)));
		strbuf_addch(out, (int)(0x80 | (cp >> 6 & 0x3F)));
		strbuf_addch(out, (int)(0x80 | (cp & 0x3F)));
	}
}

enum name_case { NAME_LOWER, NAME_UPPER, NAME_TITLE };

/*
 * `name` in one case, as the lower() index holds names: ASCII letters
 * always small (lower() folds them), the others small, capital, or capital
 * for the first letter only (how names are written).
 */
static void name_variant(const char *name, enum name_case how,
			 struct strbuf *out)
{
	const unsigned char *p = (const unsigned char *)name;
	bool first = true;
	uint32_t cp;

	while (*p) {
		p += utf8_next(p, &cp);
		if (cp >= 0x80)
			cp = case_map(cp, how == NAME_UPPER || (how == NAME_TITLE && first));
		else
			cp = case_map(cp, false);
		utf8_put(out, cp);
		first = false;
	}
}

static const char *const name_columns[] = {
	"family_name", "given_name", "native_name",
};

/*
 * The predicate of a name search: the persons one of whose names starts
 * with `name`. Each name column has an index on lower(column), which folds
 * ASCII only; so the search asks for lower(column) in the range of each
 * case variant of the prefix [v, v with its last byte increased): one
 * range for ASCII and caseless scripts, up to three for others. The
 * ranges go into an IN (... UNION ALL ...) that SQLite answers from the
 * indexes, then visits the few persons in id order for the page.
 */
static int name_filter(struct api_req *r, const char *name, struct strbuf *where,
		       struct store_params *bs)
{
	struct strbuf clean = STRBUF_INIT, err = STRBUF_INIT;
	struct strbuf v[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
	size_t nv = 0;
	int rc = HW_OK;

	if (reg_check_text(name, strlen(name), 200, &clean, &err) || !clean.len) {
		rc = api_fail(r, 400, "invalid", "name", "query parameter 'name': %s",
			      err.len ? err.buf : "is empty");
		goto out;
	}
	for (int how = NAME_LOWER; how <= NAME_TITLE; how++) {
		bool seen = false;
		name_variant(clean.buf, how, &v[nv]);
		for (size_t k = 0; k < nv; k++)
			seen = seen || strcmp(v[k].buf, v[nv].buf) == 0;
		if (seen)
			strbuf_reset(&v[nv]);
		else
			nv++;
	}
	strbuf_addstr(where, "person.id IN (");
	for (size_t k = 0; k < nv; k++) {
		for (size_t c = 0; c < ARRAY_SIZE(name_columns); c++) {
			strbuf_addf(where, "%sSELECT id FROM person WHERE lower(%s) >= ? "
				    "AND lower(%s) < ?", k || c ? " UNION ALL " : "",
				    name_columns[c], name_columns[c]);
			store_params_text(bs, v[k].buf, v[k].len);
			/* UTF-8 never holds 0xFF: the increase cannot overflow. */
			store_params_text(bs, v[k].buf, v[k].len);
			((unsigned char *)bs->b[bs->n - 1].s)[v[k].len - 1]++;
		}
	}
	strbuf_addch(where, ')');
out:
	for (size_t k = 0; k < ARRAY_SIZE(v); k++)
		strbuf_release(&v[k]);
	strbuf_release(&clean);
	strbuf_release(&err);
	return rc;
}

static int phone_filter(struct api_req *r, const char *phone,
			struct strbuf *where, struct store_params *bs)
{
	struct strbuf norm = STRBUF_INIT, err = STRBUF_INIT;
	int rc = HW_OK;

	if (reg_check_value(RC_PHONE, phone, strlen(phone), &norm, &err) || !norm.len) {
		rc = api_fail(r, 400, "invalid", "phone", "query parameter 'phone': %s",
			      err.len ? err.buf : "is empty");
	} else {
		strbuf_addstr(where, "person.id IN (SELECT person_id FROM contact "
			      "WHERE kind = 'phone' AND value = ?)");
		store_params_text(bs, norm.buf, norm.len);
	}
	strbuf_release(&norm);
	strbuf_release(&err);
	return rc;
}

/*
 * Finding a person by passport number reads sealed data: the search is
 * audited whatever it finds, with the number of matches, never the
 * number searched for.
 */
static int passport_filter(struct api_req *r, const char *passport,
			   struct strbuf *where, struct store_params *bs)
{
	struct strbuf err = STRBUF_INIT;
	char detail[64];
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	rc = person_find_by_passport(r->db, passport, &ids, &n, &err);
	if (rc == HW_EINPUT) {
		/* The message quotes what was typed, and that is sensitive. */
		rc = api_fail(r, 400, "invalid", "passport", "query parameter "
			      "'passport' is not a passport number (5 to 20 "
			      "letters A-Z and digits)");
		goto out;
	}
	if (rc) {
		strbuf_addbuf(&r->err, &err);
		goto out;
	}
	snprintf(detail, sizeof(detail), "%zu found", n);
	if ((rc = api_audit(r, "person-search-passport", NULL, detail)))
		goto out;
	strbuf_addstr(where, n ? "person.id IN (" : "0 = 1");
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(where, i ? ", ?" : "?");
		store_params_int(bs, ids[i]);
	}
	if (n)
		strbuf_addch(where, ')');
out:
	free(ids);
	strbuf_release(&err);
	return rc;
}

/* The search parameters of GET /persons, each a predicate ANDed in. */
static const struct {
	const char *param;
	int (*filter)(struct api_req *r, const char *value, struct strbuf *where,
		      struct store_params *bs);
} person_filters[] = {
	{ "name", name_filter },
	{ "phone", phone_filter },
	{ "passport", passport_filter },
};

static int persons_list(struct api_req *r)
{
	struct strbuf where = STRBUF_INIT;
	struct store_params bs = { 0 };
	struct scope sc;
	json_t *page = NULL;
	int rc = HW_OK;

	scope_persons(&r->who, &sc);
	strbuf_addstr(&where, sc.sql);
	store_params_int(&bs, sc.arg);
	for (size_t i = 0; i < ARRAY_SIZE(person_filters) && !rc; i++) {
		const char *v = api_query(r, person_filters[i].param);
		if (!v)
			continue;
		strbuf_addstr(&where, " AND ");
		rc = person_filters[i].filter(r, v, &where, &bs);
	}
	if (!rc)
		rc = list_page(r, &person_object, where.buf, &bs, &page);
	strbuf_release(&where);
	store_params_release(&bs);
	return rc ? rc : api_reply_json(r, 200, page);
}

/* ---- Parties in view ---- */

/* ---- Persons: writes ---- */

/* Seal the body's passport_no, if it has one, into the person's row. */
static int person_passport(struct api_req *r, int64_t id, bool *changed)
{
	struct strbuf norm = STRBUF_INIT, sealed = STRBUF_INIT, err = STRBUF_INIT;
	json_t *j = r->body ? json_object_get(r->body, "passport_no") : NULL;
	struct store_stmt *s;
	int rc;

	*changed = j != NULL;
	if (!j)
		return HW_OK;
	if (!json_is_null(j) &&
	    reg_check_value(RC_PASSPORT_NO, json_string_value(j),
			    json_string_length(j), &norm, &err)) {
		/* Not the importer's message: it quotes the number. */
		rc = api_fail(r, 422, "invalid", "passport_no", "field 'passport_no' "
			      "is not a passport number (5 to 20 letters A-Z "
			      "and digits)");
		goto out;
	}
	if ((rc = prepare(r, "UPDATE person SET passport_enc = ?, passport_hash = ? "
			  "WHERE id = ?", &s)))
		goto out;
	if (norm.len) {
		keyring_seal(r->db->keys, PASSPORT_FIELD, norm.buf, norm.len, &sealed);
		store_bind_blob(s, 1, sealed.buf, sealed.len);
		store_bind_int64(s, 2, keyring_hash(r->db->keys, PASSPORT_FIELD,
						    norm.buf, norm.len));
	} else {
		store_bind_null(s, 1);
		store_bind_null(s, 2);
	}
	store_bind_int64(s, 3, id);
	rc = store_run(s) ? db_fail(r, "store the passport number") : HW_OK;
out:
	/* The message of a refused number quotes it. */
	sodium_memzero(norm.buf, norm.len);
	sodium_memzero(err.buf, err.len);
	strbuf_release(&norm);
	strbuf_release(&sealed);
	strbuf_release(&err);
	return rc;
}

/* Tell the geo engine the person's nationality and needs, which its
 * filters use; after the commit, like every change to the engine. */
static void person_to_geo(struct api_req *r, const struct object_record *rec)
{
	struct geo_person gp = { 0 };

	if (!r->srv || !r->srv->geo || rec->id <= 0 || rec->id > UINT32_MAX)
		return;
	gp.person = (uint32_t)rec->id;
	snprintf(gp.nationality, sizeof(gp.nationality), "%s",
		 rec->v[PF_NATIONALITY].s ? rec->v[PF_NATIONALITY].s : "");
	gp.needs = needs_bits(rec->v[PF_NEEDS].s);
	geo_set_persons(r->srv->geo, &gp, 1);
}

/* A citizen's household: its party, made (with the citizen in it) when
 * it has none yet. */
static int citizen_household(struct api_req *r, int64_t *party)
{
	struct object_ctx c = CTX(r);
	struct object_record p;
	int rc;

	if ((rc = answer(r, &c, object_own_party(&c, party))) || *party)
		return rc;
	object_new(&p, &party_object);
	rc = record_complete(r, &p);
	if (!rc)
		rc = record_insert(r, &p);
	if (!rc)
		rc = audit_object(r, &party_object, "create", p.id, "household");
	if (!rc) {
		struct store_stmt *s;
		char now[21];
		time_iso_now(now);
		if ((rc = prepare(r, "UPDATE person SET party_id = ?, updated_at = ? "
				  "WHERE id = ?", &s)) == HW_OK) {
			store_bind_int64(s, 1, p.id);
			store_bind_str(s, 2, now);
			store_bind_int64(s, 3, r->who.person_id);
			rc = store_run(s) ? db_fail(r, "join the household") : HW_OK;
		}
	}
	*party = p.id;
	object_release(&p);
	return rc;
}

static int person_reply(struct api_req *r, int status, int64_t id)
{
	json_t *j;
	int rc = registry_person_json(r, id, false, &j);

	return rc ? rc : api_reply_json(r, status, j);
}

static int persons_create(struct api_req *r)
{
	struct object_record rec;
	bool sealed;
	int rc;

	if (r->who.role == ROLE_CITIZEN && !r->who.person_id)
		return api_fail(r, 403, "forbidden", NULL, "this citizen account "
				"is not linked to a person of the registry");
	object_new(&rec, &person_object);
	if ((rc = api_tx_begin(r)) || (rc = record_take(r, &rec)))
		goto out;
	if (r->who.role == ROLE_CITIZEN) {
		if ((rc = citizen_household(r, &rec.v[PF_PARTY_ID].i)))
			goto out;
		rec.v[PF_PARTY_ID].null = false;
	}
	if ((rc = record_insert(r, &rec)) ||
	    (rc = person_passport(r, rec.id, &sealed)) ||
	    (rc = audit_object(r, &person_object, "create", rec.id, NULL)) ||
	    (rc = api_tx_commit(r)))
		goto out;
	person_to_geo(r, &rec);
	rc = person_reply(r, 201, rec.id);
out:
	object_release(&rec);
	return rc;
}

static int persons_get(struct api_req *r)
{
	const char *include = api_query(r, "include");
	bool sensitive = false;
	char object[40];
	json_t *j;
	int64_t id;
	int rc;

	if (include && strcmp(include, "passport") != 0)
		return api_fail(r, 400, "invalid", "include", "query parameter "
				"'include' can only be 'passport'");
	sensitive = include != NULL;
	if ((rc = api_param_id(r, 0, &id)) || (rc = scope_person_visible(r->db->st, &r->who, id, &r->err)))
		return rc;
	if ((rc = registry_person_json(r, id, sensitive, &j)))
		return rc;
	if (sensitive) {
		snprintf(object, sizeof(object), "person:%lld", (long long)id);
		if ((rc = api_audit(r, "person-read-sensitive", object, "passport_no"))) {
			json_decref(j);
			return rc;
		}
	}
	return api_reply_json(r, 200, j);
}

static int persons_patch(struct api_req *r)
{
	struct strbuf changed = STRBUF_INIT;
	struct object_record rec;
	bool sealed = false;
	int64_t id;
	int rc;

	object_init(&rec, &person_object);
	if ((rc = api_param_id(r, 0, &id)) || (rc = api_tx_begin(r)) ||
	    (rc = scope_person_visible(r->db->st, &r->who, id, &r->err)) ||
	    (rc = record_load(r, &rec, id, NULL)) ||
	    (rc = record_take(r, &rec)) ||
	    (rc = record_update(r, &rec)) ||
	    (rc = person_passport(r, id, &sealed)))
		goto out;
	object_changed_names(&rec, &changed);
	if (sealed)
		strbuf_addf(&changed, "%spassport_no", changed.len ? ", " : "");
	if ((rc = audit_object(r, &person_object, "update", id, changed.buf)) ||
	    (rc = api_tx_commit(r)))
		goto out;
	person_to_geo(r, &rec);
	rc = person_reply(r, 200, id);
out:
	strbuf_release(&changed);
	object_release(&rec);
	return rc;
}

/* Deleting a person takes its presences with it (ON DELETE CASCADE): the
 * geo engine forgets them once the deletion is committed. */
static int persons_delete(struct api_req *r)
{
	struct geo_presence *entries = NULL;
	size_t n = 0;
	int64_t id;
	int rc;

	if ((rc = api_param_id(r, 0, &id)))
		return rc;
	presence_writes_lock();
	if ((rc = api_tx_begin(r)) || (rc = scope_person_visible(r->db->st, &r->who, id, &r->err)))
		goto out;
	if ((rc = presence_geo_entries(r->db->st, id, 0, &entries, &n, &r->err)) ||
	    (rc = run_id(r, "DELETE FROM person WHERE id = ?", id)) ||
	    (rc = audit_object(r, &person_object, "delete", id, NULL)) ||
	    (rc = api_tx_commit(r)))
		goto out;
	presence_geo_remove(r->srv->geo, entries, n);
	rc = api_reply_empty(r);
out:
	presence_writes_unlock();
	free(entries);
	return rc;
}

/* ---- Contacts and emergency contacts ---- */

/* The object of a contact route: emergency contacts share the handlers. */
static const struct object *owned_object(struct api_req *r)
{
	return strstr(r->route->pattern, "emergency") ? &emergency_object
						       : &contact_object;
}

static int owned_list(struct api_req *r)
{
	const struct object *o = owned_object(r);
	struct store_params bs = { 0 };
	char where[64];
	json_t *page;
	int64_t person;
	int rc;

	if ((rc = api_param_id(r, 0, &person)) || (rc = scope_person_visible(r->db->st, &r->who, person, &r->err)))
		return rc;
	snprintf(where, sizeof(where), "%s = ?", o->owner);
	store_params_int(&bs, person);
	rc = list_page(r, o, where, &bs, &page);
	store_params_release(&bs);
	return rc ? rc : api_reply_json(r, 200, page);
}

static int owned_reply(struct api_req *r, int status, const struct object *o,
		       int64_t id)
{
	struct object_record rec;
	json_t *j = NULL;
	int rc;

	object_init(&rec, o);
	rc = record_load(r, &rec, id, &j);
	object_release(&rec);
	return rc ? rc : api_reply_json(r, status, j);
}

static int owned_create(struct api_req *r)
{
	const struct object *o = owned_object(r);
	char detail[40];
	struct object_record rec;
	int64_t person;
	int rc;

	object_new(&rec, o);
	if ((rc = api_param_id(r, 0, &person)) || (rc = api_tx_begin(r)) ||
	    (rc = scope_person_visible(r->db->st, &r->who, person, &r->err)))
		goto out;
	rec.owner = person;
	snprintf(detail, sizeof(detail), "person:%lld", (long long)person);
	if ((rc = record_take(r, &rec)) || (rc = record_insert(r, &rec)) ||
	    (rc = audit_object(r, o, "create", rec.id, detail)) ||
	    (rc = api_tx_commit(r)))
		goto out;
	rc = owned_reply(r, 201, o, rec.id);
out:
	object_release(&rec);
	return rc;
}

/* Load an owned object by the route's id, and check its person may be
 * seen: one that may not is as absent as one that does not exist. */
static int owned_load(struct api_req *r, struct object_record *rec, json_t **json)
{
	int64_t id;
	int rc;

	if ((rc = api_param_id(r, 0, &id)) || (rc = record_load(r, rec, id, json)))
		return rc;
	rc = scope_person_visible(r->db->st, &r->who, rec->owner, &r->err);
	if (rc == HW_ENOTFOUND)
		return not_found(r, rec->o, id);
	return rc;
}

static int owned_get(struct api_req *r)
{
	struct object_record rec;
	json_t *j = NULL;
	int rc;

	object_init(&rec, owned_object(r));
	rc = owned_load(r, &rec, &j);
	object_release(&rec);
	if (rc) {
		json_decref(j);
		return rc;
	}
	return api_reply_json(r, 200, j);
}

static int owned_patch(struct api_req *r)
{
	const struct object *o = owned_object(r);
	struct strbuf changed = STRBUF_INIT;
	struct object_record rec;
	int rc;

	object_init(&rec, o);
	if ((rc = api_tx_begin(r)) || (rc = owned_load(r, &rec, NULL)) ||
	    (rc = record_take(r, &rec)) ||
	    (rc = record_update(r, &rec)))
		goto out;
	object_changed_names(&rec, &changed);
	if ((rc = audit_object(r, o, "update", rec.id, changed.buf)) ||
	    (rc = api_tx_commit(r)))
		goto out;
	rc = owned_reply(r, 200, o, rec.id);
out:
	strbuf_release(&changed);
	object_release(&rec);
	return rc;
}

static int owned_delete(struct api_req *r)
{
	const struct object *o = owned_object(r);
	struct strbuf sql = STRBUF_INIT;
	struct object_record rec;
	int rc;

	object_init(&rec, o);
	strbuf_addf(&sql, "DELETE FROM %s WHERE id = ?", o->table);
	if ((rc = api_tx_begin(r)) || (rc = owned_load(r, &rec, NULL)) ||
	    (rc = run_id(r, sql.buf, rec.id)) ||
	    (rc = audit_object(r, o, "delete", rec.id, NULL)))
		goto out;
	rc = api_reply_empty(r);
out:
	strbuf_release(&sql);
	object_release(&rec);
	return rc;
}

/* ---- Parties ---- */

static int parties_list(struct api_req *r)
{
	struct strbuf where = STRBUF_INIT;
	struct store_params bs = { 0 };
	json_t *page = NULL;
	int rc = party_scope(r, &where, &bs);

	if (!rc)
		rc = list_page(r, &party_object, where.buf, &bs, &page);
	strbuf_release(&where);
	store_params_release(&bs);
	return rc ? rc : api_reply_json(r, 200, page);
}

/* Create an object of `o` that belongs to no person (a party, an
 * organisation) from the request's body. */
static int unowned_create(struct api_req *r, const struct object *o)
{
	struct object_record rec;
	int rc;

	object_new(&rec, o);
	if ((rc = api_tx_begin(r)) || (rc = record_take(r, &rec)) ||
	    (rc = record_insert(r, &rec)) ||
	    (rc = audit_object(r, o, "create", rec.id, NULL)) ||
	    (rc = api_tx_commit(r)))
		goto out;
	rc = owned_reply(r, 201, o, rec.id);
out:
	object_release(&rec);
	return rc;
}

static int parties_create(struct api_req *r)
{
	return unowned_create(r, &party_object);
}

/* A party with the members the caller may see. */
static int parties_get(struct api_req *r)
{
	struct strbuf sql = STRBUF_INIT;
	struct object_record rec;
	struct store_stmt *s;
	struct scope sc;
	json_t *j = NULL, *members;
	struct object_ctx c = CTX(r);
	bool visible;
	int64_t id;
	int rc;

	object_init(&rec, &party_object);
	if ((rc = api_param_id(r, 0, &id)) ||
	    (rc = answer(r, &c, object_party_visible(&c, id, &visible))))
		goto out;
	if (!visible) {
		rc = not_found(r, &party_object, id);
		goto out;
	}
	if ((rc = record_load(r, &rec, id, &j)))
		goto out;
	scope_persons(&r->who, &sc);
	object_select_sql(&sql, &person_object);
	strbuf_addf(&sql, " WHERE person.party_id = ? AND %s ORDER BY person.id", sc.sql);
	if ((rc = prepare(r, sql.buf, &s)))
		goto out;
	store_bind_int64(s, 1, id);
	store_bind_int64(s, 2, sc.arg);
	members = json_array();
	while ((rc = store_step(s)) == STORE_ROW)
		json_array_append_new(members, object_row_json(&person_object, s));
	store_reset(s);
	json_object_set_new(j, "members", members);
	if (rc < 0) {
		rc = db_fail(r, "read the members");
		goto out;
	}
	rc = api_reply_json(r, 200, j);
	j = NULL;
out:
	json_decref(j);
	strbuf_release(&sql);
	object_release(&rec);
	return rc;
}

/* ---- Organisations ---- */

static int organisations_list(struct api_req *r)
{
	struct store_params bs = { 0 };
	json_t *page;
	int rc = list_page(r, &organisation_object, "1 = 1", &bs, &page);

	return rc ? rc : api_reply_json(r, 200, page);
}

static int organisations_create(struct api_req *r)
{
	return unowned_create(r, &organisation_object);
}

static int organisations_get(struct api_req *r)
{
	int64_t id;
	int rc = api_param_id(r, 0, &id);

	return rc ? rc : owned_reply(r, 200, &organisation_object, id);
}

static int organisations_patch(struct api_req *r)
{
	struct strbuf changed = STRBUF_INIT;
	struct object_record rec;
	int64_t id;
	int rc;

	object_init(&rec, &organisation_object);
	if ((rc = api_param_id(r, 0, &id)) || (rc = api_tx_begin(r)) ||
	    (rc = record_load(r, &rec, id, NULL)) ||
	    (rc = record_take(r, &rec)) || (rc = record_update(r, &rec)))
		goto out;
	object_changed_names(&rec, &changed);
	if ((rc = audit_object(r, &organisation_object, "update", id, changed.buf)) ||
	    (rc = api_tx_commit(r)))
		goto out;
	rc = owned_reply(r, 200, &organisation_object, id);
out:
	strbuf_release(&changed);
	object_release(&rec);
	return rc;
}

/* An organisation that presences name stays: the stays would lose it. */
static int organisations_delete(struct api_req *r)
{
	struct object_record rec;
	int64_t id, n = 0;
	int rc;

	object_init(&rec, &organisation_object);
	if ((rc = api_param_id(r, 0, &id)) || (rc = api_tx_begin(r)) ||
	    (rc = record_load(r, &rec, id, NULL)))
		goto out;
	if ((rc = store_one_int64(r->db->st, &n, "SELECT count(*) FROM presence WHERE "
				  "organisation_id = ?", "read the presences", &r->err,
				  "i", id)) < 0)
		goto out;
	if (n) {
		rc = api_fail(r, 409, "conflict", NULL, "organisation %lld is named "
			      "by %lld presence%s; change those first", (long long)id,
			      (long long)n, n == 1 ? "" : "s");
		goto out;
	}
	if ((rc = run_id(r, "DELETE FROM organisation WHERE id = ?", id)) ||
	    (rc = audit_object(r, &organisation_object, "delete", id, NULL)))
		goto out;
	rc = api_reply_empty(r);
out:
	object_release(&rec);
	return rc;
}

/* ---- The route table ---- */

#define END_FIELDS { NULL, 0, false, 0, NULL }
#define PAGE_PARAMS \
	{ "limit", API_INT, false, 0, "Items per page, 1 to 1000 (default 100)" }, \
	{ "after", API_INT, false, 0, "The next_after of the previous page" }

static const struct api_field page_query[] = { PAGE_PARAMS, END_FIELDS };

static const struct api_field persons_query[] = {
	PAGE_PARAMS,
	{ "name", API_STRING, false, 200, "Persons whose family, given or native "
	  "name starts with this (case-insensitive in cased scripts)" },
	{ "phone", API_STRING, false, 100, "Persons with this phone number (E.164)" },
	{ "passport", API_STRING, false, 100, "Persons with this passport number "
	  "(the search is audited)" },
	END_FIELDS,
};

static const struct api_field person_get_query[] = {
	{ "include", API_STRING, false, 20, "'passport': add the passport number "
	  "(audited)" },
	END_FIELDS,
};

/* A create body (its requirements hold) and a patch body (every field
 * optional) from one list of fields, FIELDS(req). */
#define CREATE_AND_PATCH(name, FIELDS) \
	static const struct api_field name##_create_body[] = { FIELDS(true), END_FIELDS }; \
	static const struct api_field name##_patch_body[] = { FIELDS(false), END_FIELDS }

/* A person's body: `req` is whether the create-only requirements hold. */
#define PERSON_BODY(req) \
	{ "external_id", API_STRING, false, 100, "Your unique identifier (letters, " \
	  "digits, . _ : -); made up when absent" }, \
	{ "family_name", API_STRING, false, 200, "Family name (this or given_name)" }, \
	{ "given_name", API_STRING, false, 200, "Given name" }, \
	{ "native_name", API_STRING, false, 200, "Name in its native script" }, \
	{ "sex", API_STRING, false, 10, "F, M or X" }, \
	{ "date_of_birth", API_DATE, false, 0, "YYYY-MM-DD" }, \
	{ "nationality", API_STRING, req, 100, "ISO 3166-1 alpha-2" }, \
	{ "passport_no", API_STRING, false, 100, "Passport number; sealed at rest, " \
	  "shown only with include=passport" }, \
	{ "language", API_STRING, false, 10, "ISO 639-1, optionally with a region " \
	  "(zh-CN)" }, \
	{ "needs", API_STRINGS, false, 30, "Special needs (wheelchair, medical...)" }, \
	{ "party_id", API_INT, false, 0, "The household or group (a party's id)" }

CREATE_AND_PATCH(person, PERSON_BODY);

#define CONTACT_BODY(req) \
	{ "kind", API_STRING, req, 20, "phone, email or messaging" }, \
	{ "value", API_STRING, req, 254, "E.164 phone, e-mail address or handle" }, \
	{ "verified", API_BOOL, false, 0, "Confirmed with the person" }, \
	{ "preferred", API_BOOL, false, 0, "The one to use for its kind" }

CREATE_AND_PATCH(contact, CONTACT_BODY);

#define EMERGENCY_BODY(req) \
	{ "name", API_STRING, req, 200, "Who to call" }, \
	{ "relation", API_STRING, false, 100, "Mother, employer..." }, \
	{ "phone", API_STRING, false, 100, "E.164 phone number" }, \
	{ "email", API_STRING, false, 254, "E-mail address" }

CREATE_AND_PATCH(emergency, EMERGENCY_BODY);

static const struct api_field party_body[] = {
	{ "external_id", API_STRING, false, 100, "Your unique identifier; made up "
	  "when absent" },
	{ "kind", API_STRING, false, 20, "household (default) or group" },
	END_FIELDS,
};

#define ORGANISATION_BODY(req) \
	{ "name", API_STRING, req, 200, "Unique name" }, \
	{ "kind", API_STRING, false, 20, "company (default), school, ngo, " \
	  "government or other" }, \
	{ "country", API_STRING, false, 100, "ISO 3166-1 alpha-2" }, \
	{ "contact_name", API_STRING, false, 200, "Who to reach there" }, \
	{ "contact_phone", API_STRING, false, 100, "E.164 phone number" }, \
	{ "contact_email", API_STRING, false, 254, "E-mail address" }

CREATE_AND_PATCH(organisation, ORGANISATION_BODY);

#define ROLES_REGISTRY_WRITE (ROLES_STAFF | ROLE_CITIZEN)

const struct route api_registry_routes[] = {
	{ "GET", "/api/v1/persons", persons_list, ROLES_ANY, persons_query, NULL, 0,
	  200, "persons", "Persons in view, paged; search by name, phone or passport" },
	{ "POST", "/api/v1/persons", persons_create, ROLES_REGISTRY_WRITE, NULL,
	  person_create_body, 0, 201, "persons",
	  "Register a person (a citizen adds a member of its household)" },
	{ "GET", "/api/v1/persons/{id}", persons_get, ROLES_ANY, person_get_query,
	  NULL, 0, 200, "persons",
	  "A person with contacts, emergency contacts and presences" },
	{ "PATCH", "/api/v1/persons/{id}", persons_patch, ROLES_REGISTRY_WRITE, NULL,
	  person_patch_body, 0, 200, "persons",
	  "Change some of a person's fields (null clears one)" },
	{ "DELETE", "/api/v1/persons/{id}", persons_delete, ROLES_STAFF, NULL, NULL,
	  0, 204, "persons", "Remove a person with its contacts and presences" },

	{ "GET", "/api/v1/persons/{id}/contacts", owned_list, ROLES_ANY, page_query,
	  NULL, 0, 200, "contacts", "A person's contacts, paged" },
	{ "POST", "/api/v1/persons/{id}/contacts", owned_create, ROLES_REGISTRY_WRITE, NULL,
	  contact_create_body, 0, 201, "contacts", "Add a contact to a person" },
	{ "GET", "/api/v1/contacts/{id}", owned_get, ROLES_ANY, NULL, NULL, 0, 200,
	  "contacts", "One contact" },
	{ "PATCH", "/api/v1/contacts/{id}", owned_patch, ROLES_REGISTRY_WRITE, NULL,
	  contact_patch_body, 0, 200, "contacts", "Change a contact" },
	{ "DELETE", "/api/v1/contacts/{id}", owned_delete, ROLES_REGISTRY_WRITE, NULL, NULL,
	  0, 204, "contacts", "Remove a contact" },

	{ "GET", "/api/v1/persons/{id}/emergency-contacts", owned_list, ROLES_ANY,
	  page_query, NULL, 0, 200, "emergency-contacts",
	  "Whom to call about a person, paged" },
	{ "POST", "/api/v1/persons/{id}/emergency-contacts", owned_create,
	  ROLES_REGISTRY_WRITE, NULL, emergency_create_body, 0, 201, "emergency-contacts",
	  "Add an emergency contact to a person" },
	{ "GET", "/api/v1/emergency-contacts/{id}", owned_get, ROLES_ANY, NULL, NULL,
	  0, 200, "emergency-contacts", "One emergency contact" },
	{ "PATCH", "/api/v1/emergency-contacts/{id}", owned_patch, ROLES_REGISTRY_WRITE,
	  NULL, emergency_patch_body, 0, 200, "emergency-contacts",
	  "Change an emergency contact" },
	{ "DELETE", "/api/v1/emergency-contacts/{id}", owned_delete, ROLES_REGISTRY_WRITE,
	  NULL, NULL, 0, 204, "emergency-contacts", "Remove an emergency contact" },

	{ "GET", "/api/v1/parties", parties_list, ROLES_ANY, page_query, NULL, 0, 200,
	  "parties", "Households and groups, paged (a citizen: its own)" },
	{ "POST", "/api/v1/parties", parties_create, ROLES_STAFF, NULL, party_body, 0,
	  201, "parties", "Create a household or group; persons join with PATCH "
	  "/persons/{id} {\"party_id\"}" },
	{ "GET", "/api/v1/parties/{id}", parties_get, ROLES_ANY, NULL, NULL, 0, 200,
	  "parties", "A party with the members in view" },

	{ "GET", "/api/v1/organisations", organisations_list, ROLES_READERS,
	  page_query, NULL, 0, 200, "organisations", "Organisations, paged" },
	{ "POST", "/api/v1/organisations", organisations_create, ROLES_STAFF, NULL,
	  organisation_create_body, 0, 201, "organisations",
	  "Add an organisation (employer, school...); names are unique" },
	{ "GET", "/api/v1/organisations/{id}", organisations_get, ROLES_READERS, NULL,
	  NULL, 0, 200, "organisations", "One organisation" },
	{ "PATCH", "/api/v1/organisations/{id}", organisations_patch, ROLES_STAFF,
	  NULL, organisation_patch_body, 0, 200, "organisations",
	  "Change an organisation" },
	{ "DELETE", "/api/v1/organisations/{id}", organisations_delete, ROLES_STAFF,
	  NULL, NULL, 0, 204, "organisations",
	  "Remove an organisation no presence names" },
	{ NULL, NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL },
};
