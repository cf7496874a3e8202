/*
 * object.c: the registry's objects and records (object.h).
 */
#include "core/homeward.h"
#include "registry/object.h"

#include <sodium.h>

#include "auth/role.h"
#include "auth/scope.h"
#include "core/time.h"
#include "registry/registrant.h"
#include "store/record.h"
#include "store/store.h"

/* A refusal: `rc` with its message (replacing any) and its field. */
static int ctx_fail(struct object_ctx *c, int rc, const char *field,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int ctx_fail(struct object_ctx *c, int rc, const char *field,
		    const char *fmt, ...)
{
	va_list ap;

	strbuf_reset(c->err);
	va_start(ap, fmt);
	strbuf_vaddf(c->err, fmt, ap);
	va_end(ap);
	snprintf(c->field, sizeof(c->field), "%s", field ? field : "");
	return rc;
}

static int person_check(struct object_ctx *c, struct object_record *rec);
static int contact_check(struct object_ctx *c, struct object_record *rec);
static int contact_prefer(struct object_ctx *c, const struct object_record *rec);

static const char *const contact_kinds[] = { "phone", "email", "messaging", NULL };
static const char *const party_kinds[] = { "household", "group", NULL };
static const char *const organisation_kinds[] = {
	"company", "school", "ngo", "government", "other", NULL,
};


static const struct object_field person_fields[PF_COUNT + 1] = {
	[PF_EXTERNAL_ID] = { "external_id", CK_COLUMN, RC_EXTERNAL_ID, 0, NULL, NULL, FR_GENERATED },
	[PF_FAMILY_NAME] = { "family_name", CK_COLUMN, RC_FAMILY_NAME, 0, NULL, NULL, 0 },
	[PF_GIVEN_NAME] = { "given_name", CK_COLUMN, RC_GIVEN_NAME, 0, NULL, NULL, 0 },
	[PF_NATIVE_NAME] = { "native_name", CK_COLUMN, RC_NATIVE_NAME, 0, NULL, NULL, 0 },
	[PF_SEX] = { "sex", CK_COLUMN, RC_SEX, 0, NULL, NULL, 0 },
	[PF_DATE_OF_BIRTH] = { "date_of_birth", CK_COLUMN, RC_DATE_OF_BIRTH, 0, NULL, NULL, 0 },
	[PF_NATIONALITY] = { "nationality", CK_COLUMN, RC_NATIONALITY, 0, NULL, NULL, FR_REQUIRED },
	[PF_LANGUAGE] = { "language", CK_COLUMN, RC_LANGUAGE, 0, NULL, NULL, 0 },
	[PF_NEEDS] = { "needs", CK_NEEDS, 0, 0, NULL, NULL, 0 },
	[PF_PARTY_ID] = { "party_id", CK_ID, 0, 0, NULL, NULL, 0 },
	/* Consent is the citizen's own act, recorded by its own route. */
	[PF_CONSENT_VERSION] = { "consent_version", CK_TEXT, 0, 0, NULL, NULL, FR_OUTPUT },
	[PF_CONSENT_AT] = { "consent_at", CK_TEXT, 0, 0, NULL, NULL, FR_OUTPUT },
	[PF_COUNT] = { NULL, 0, 0, 0, NULL, NULL, 0 },
};


static const struct object_field contact_fields[] = {
	[CF_KIND] = { "kind", CK_CHOICE, 0, 0, contact_kinds, NULL, FR_REQUIRED },
	/* Checked again by kind once the kind is known (contact_check). */
	[CF_VALUE] = { "value", CK_TEXT, 0, 254, NULL, NULL, FR_REQUIRED },
	[CF_VERIFIED] = { "verified", CK_BOOL, 0, 0, NULL, "0", 0 },
	[CF_PREFERRED] = { "preferred", CK_BOOL, 0, 0, NULL, "0", 0 },
	{ NULL, 0, 0, 0, NULL, NULL, 0 },
};

static const struct object_field emergency_fields[] = {
	{ "name", CK_TEXT, 0, 200, NULL, NULL, FR_REQUIRED },
	{ "relation", CK_TEXT, 0, 100, NULL, NULL, 0 },
	{ "phone", CK_COLUMN, RC_PHONE, 0, NULL, NULL, 0 },
	{ "email", CK_COLUMN, RC_EMAIL, 0, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, NULL, NULL, 0 },
};

static const struct object_field party_fields[] = {
	{ "external_id", CK_COLUMN, RC_PARTY_ID, 0, NULL, NULL, FR_GENERATED },
	{ "kind", CK_CHOICE, 0, 0, party_kinds, "household", FR_REQUIRED },
	{ NULL, 0, 0, 0, NULL, NULL, 0 },
};

static const struct object_field organisation_fields[] = {
	{ "name", CK_COLUMN, RC_ORGANISATION, 0, NULL, NULL, FR_REQUIRED },
	{ "kind", CK_CHOICE, 0, 0, organisation_kinds, "company", FR_REQUIRED },
	{ "country", CK_COLUMN, RC_COUNTRY, 0, NULL, NULL, 0 },
	{ "contact_name", CK_TEXT, 0, 200, NULL, NULL, 0 },
	{ "contact_phone", CK_COLUMN, RC_PHONE, 0, NULL, NULL, 0 },
	{ "contact_email", CK_COLUMN, RC_EMAIL, 0, NULL, NULL, 0 },
	{ NULL, 0, 0, 0, NULL, NULL, 0 },
};

const struct object person_object = {
	"person", "person", person_fields, NULL, "external_id", true, true,
	person_check, NULL,
};
const struct object contact_object = {
	"contact", "contact", contact_fields, "person_id", NULL, false, false,
	contact_check, contact_prefer,
};
const struct object emergency_object = {
	"emergency_contact", "emergency-contact", emergency_fields, "person_id",
	NULL, true, false, NULL, NULL,
};
const struct object party_object = {
	"party", "party", party_fields, NULL, "external_id", true, false,
	NULL, NULL,
};
const struct object organisation_object = {
	"organisation", "organisation", organisation_fields, NULL, "name", true, true,
	NULL, NULL,
};

/* ---- Records: one row's values on their way in ---- */


static bool is_int_check(enum check c)
{
	return c == CK_BOOL || c == CK_ID;
}

static void value_set(struct object_value *v, const char *s)
{
	free(v->s);
	v->s = s ? xstrdup(s) : NULL;
	v->null = s == NULL;
}

void object_init(struct object_record *rec, const struct object *o)
{
	memset(rec, 0, sizeof(*rec));
	rec->o = o;
	while (o->fields[rec->n].name)
		rec->n++;
	assert(rec->n <= MAX_FIELDS);
	for (size_t i = 0; i < rec->n; i++)
		rec->v[i].null = true;
}

void object_release(struct object_record *rec)
{
	for (size_t i = 0; i < rec->n; i++)
		free(rec->v[i].s);
	memset(rec->v, 0, sizeof(rec->v));
}

/* A new row: the defaults of its fields. */
void object_new(struct object_record *rec, const struct object *o)
{
	object_init(rec, o);
	rec->is_new = true;
	for (size_t i = 0; i < rec->n; i++) {
		const struct object_field *f = &o->fields[i];
		if (!f->def)
			continue;
		if (is_int_check(f->check)) {
			rec->v[i].null = false;
			rec->v[i].i = strtoll(f->def, NULL, 10);
		} else {
			value_set(&rec->v[i], f->def);
		}
	}
}

/* "api-" and 16 random hex digits: an external id nobody else makes. */
static char *new_external_id(void)
{
	unsigned char raw[8];
	char hex[2 * sizeof(raw) + 1];
	struct strbuf sb = STRBUF_INIT;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	strbuf_addf(&sb, "api-%s", hex);
	return strbuf_detach(&sb, NULL);
}

static int field_fail(struct object_ctx *c, const char *field, const char *why)
{
	return ctx_fail(c, HW_EINPUT, field, "field '%s': %s", field, why);
}

/* needs: the array joined with ';', then the importer's rule. */
static int take_needs(struct object_ctx *c, const struct object_field *f,
		      json_t *arr, struct strbuf *out)
{
	struct strbuf joined = STRBUF_INIT, err = STRBUF_INIT;
	size_t i;
	json_t *e;
	int rc = HW_OK;

	json_array_foreach(arr, i, e) {
		const char *s = json_string_value(e);
		if (strchr(s, ';')) {
			strbuf_addf(&err, "'%s' is not one need (give each as its own "
				    "string)", s);
			rc = field_fail(c, f->name, err.buf);
			goto out;
		}
		if (i)
			strbuf_addch(&joined, ';');
		strbuf_addstr(&joined, s);
	}
	if (reg_check_value(RC_NEEDS, joined.buf, joined.len, out, &err))
		rc = field_fail(c, f->name, err.buf);
out:
	strbuf_release(&joined);
	strbuf_release(&err);
	return rc;
}

/*
 * Check the body's value `j` of field `f` (the route has checked its JSON
 * type) into `v`. Null, or a text that is empty once trimmed, clears.
 */
static int take_value(struct object_ctx *c, const struct object_record *rec,
		      const struct object_field *f, json_t *j, struct object_value *v)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *s = json_is_string(j) ? json_string_value(j) : NULL;
	size_t len = json_is_string(j) ? json_string_length(j) : 0;
	int rc = HW_OK;

	if (json_is_null(j))
		goto cleared;
	switch (f->check) {
	case CK_BOOL:
		v->null = false;
		v->i = json_is_true(j);
		goto out;
	case CK_ID:
		if (json_integer_value(j) <= 0) {
			rc = field_fail(c, f->name, "must be a positive id");
			goto out;
		}
		v->null = false;
		v->i = json_integer_value(j);
		goto out;
	case CK_NEEDS:
		rc = take_needs(c, f, j, &out);
		break;
	case CK_CHOICE:
		for (const char *const *ch = f->choices; *ch; ch++)
			if (strcmp(*ch, s) == 0)
				strbuf_addstr(&out, s);
		if (!out.len) {
			strbuf_addstr(&err, "must be one of");
			for (const char *const *ch = f->choices; *ch; ch++)
				strbuf_addf(&err, "%s %s", ch == f->choices ? "" : ",", *ch);
			rc = field_fail(c, f->name, err.buf);
		}
		break;
	case CK_COLUMN:
		if (reg_check_value(f->col, s, len, &out, &err))
			rc = field_fail(c, f->name, err.buf);
		break;
	case CK_TEXT:
		if (reg_check_text(s, len, f->max_len, &out, &err))
			rc = field_fail(c, f->name, err.buf);
		break;
	}
	if (rc)
		goto out;
	if (out.len) {
		value_set(v, out.buf);
		goto out;
	}
cleared:
	if ((f->flags & FR_REQUIRED) || ((f->flags & FR_GENERATED) && !rec->is_new)) {
		strbuf_addf(&err, "field '%s' is required and cannot be empty", f->name);
		rc = ctx_fail(c, HW_EINPUT, f->name, "%s", err.buf);
		goto out;
	}
	value_set(v, NULL);
out:
	strbuf_release(&out);
	strbuf_release(&err);
	return rc;
}

/* Made-up ids where a new row has none, then the requirements. */
int object_complete(struct object_ctx *c, struct object_record *rec)
{
	const struct object_field *fields = rec->o->fields;

	for (size_t i = 0; i < rec->n; i++) {
		if ((fields[i].flags & FR_GENERATED) && rec->v[i].null) {
			char *id = new_external_id();
			value_set(&rec->v[i], id);
			free(id);
		}
		if ((fields[i].flags & FR_REQUIRED) && rec->v[i].null)
			return ctx_fail(c, HW_EINPUT, fields[i].name,
					"field '%s' is required", fields[i].name);
	}
	return HW_OK;
}

/* Take every field the body has, complete the record, and hold it to
 * the object's own rules. */
int object_take(struct object_ctx *c, struct object_record *rec)
{
	const struct object_field *fields = rec->o->fields;
	int rc;

	for (size_t i = 0; i < rec->n; i++) {
		json_t *j = c->body ? json_object_get(c->body, fields[i].name) : NULL;
		if (!j || (fields[i].flags & FR_OUTPUT))
			continue;
		if ((rc = take_value(c, rec, &fields[i], j, &rec->v[i])))
			return rc;
		rec->taken[i] = true;
	}
	if ((rc = object_complete(c, rec)))
		return rc;
	return rec->o->check ? rec->o->check(c, rec) : HW_OK;
}

/* The names of the fields the body changed, for the audit entry. */
void object_changed_names(const struct object_record *rec, struct strbuf *out)
{
	for (size_t i = 0; i < rec->n; i++)
		if (rec->taken[i])
			strbuf_addf(out, "%s%s", out->len ? ", " : "",
				    rec->o->fields[i].name);
}

/* ---- SQL built from the object tables ---- */

/* "id, f1, ..., fn[, owner][, created_at][, updated_at]" */
static void add_columns(struct strbuf *sql, const struct object *o)
{
	strbuf_addstr(sql, "id");
	for (const struct object_field *f = o->fields; f->name; f++)
		strbuf_addf(sql, ", %s", f->name);
	if (o->owner)
		strbuf_addf(sql, ", %s", o->owner);
	if (o->created_at)
		strbuf_addstr(sql, ", created_at");
	if (o->updated_at)
		strbuf_addstr(sql, ", updated_at");
}

void object_select_sql(struct strbuf *sql, const struct object *o)
{
	strbuf_addstr(sql, "SELECT ");
	add_columns(sql, o);
	strbuf_addf(sql, " FROM %s", o->table);
}

static int db_fail(struct object_ctx *c, const char *what)
{
	strbuf_addf(c->err, "cannot %s: %s", what, store_errmsg(c->st));
	return HW_EDB;
}

static int prepare(struct object_ctx *c, const char *sql, struct store_stmt **s)
{
	if (store_prepare(c->st, sql, s))
		return db_fail(c, "prepare a statement");
	return HW_OK;
}

/* A field's value of the current row as JSON (store/record.h). */
static json_t *column_json(struct store_stmt *s, int col,
			   const struct object_field *f)
{
	return record_value(s, col, f->check == CK_BOOL ? REC_BOOL
			    : f->check == CK_ID ? REC_INT
			    : f->check == CK_NEEDS ? REC_LIST : REC_TEXT);
}

/* The current row of a object_select_sql() statement as JSON. */
json_t *object_row_json(const struct object *o, struct store_stmt *s)
{
	json_t *j = json_object();
	int col = 0;

	json_object_set_new(j, "id", json_integer(store_col_int64(s, col++)));
	for (const struct object_field *f = o->fields; f->name; f++)
		json_object_set_new(j, f->name, column_json(s, col++, f));
	if (o->owner)
		json_object_set_new(j, o->owner, json_integer(store_col_int64(s, col++)));
	if (o->created_at)
		record_set_text(j, "created_at", store_col_text(s, col++, NULL));
	if (o->updated_at)
		record_set_text(j, "updated_at", store_col_text(s, col++, NULL));
	return j;
}

static int not_found(struct object_ctx *c, const struct object *o, int64_t id)
{
	return ctx_fail(c, HW_ENOTFOUND, NULL, "no %s %lld", o->noun,
			(long long)id);
}

/*
 * Row `id` into `rec` (initialised for its object by the caller), and its
 * JSON into *json when asked. HW_ENOTFOUND, with no response set, when
 * there is no such row.
 */
int object_read(struct object_ctx *c, struct object_record *rec, int64_t id,
		       json_t **json)
{
	const struct object *o = rec->o;
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *s;
	int rc;

	rec->id = id;
	object_select_sql(&sql, o);
	strbuf_addstr(&sql, " WHERE id = ?");
	rc = prepare(c, sql.buf, &s);
	strbuf_release(&sql);
	if (rc)
		return rc;
	store_bind_int64(s, 1, id);
	rc = store_step(s);
	if (rc == STORE_ROW) {
		for (size_t i = 0; i < rec->n; i++) {
			struct object_value *v = &rec->v[i];
			int col = (int)i + 1;
			if (store_col_null(s, col))
				continue;
			v->null = false;
			if (is_int_check(o->fields[i].check))
				v->i = store_col_int64(s, col);
			else
				v->s = xstrdup(store_col_text(s, col, NULL));
		}
		if (o->owner)
			rec->owner = store_col_int64(s, (int)rec->n + 1);
		if (json)
			*json = object_row_json(o, s);
	}
	store_reset(s);
	if (rc == STORE_DONE)
		return HW_ENOTFOUND;
	return rc == STORE_ROW ? HW_OK : db_fail(c, "read");
}

/* object_read(), answering 404 when there is no such row. */
int object_load(struct object_ctx *c, struct object_record *rec, int64_t id,
		       json_t **json)
{
	int rc = object_read(c, rec, id, json);

	return rc == HW_ENOTFOUND ? not_found(c, rec->o, id) : rc;
}

static void bind_value(struct store_stmt *s, int i, const struct object_field *f,
		       const struct object_value *v)
{
	if (v->null)
		store_bind_null(s, i);
	else if (is_int_check(f->check))
		store_bind_int64(s, i, v->i);
	else
		store_bind_str(s, i, v->s);
}

/* A step that broke a UNIQUE constraint: 409 on the object's key. */
static int write_failed(struct object_ctx *c, const struct object *o, int rc)
{
	if (rc == HW_ECONFLICT && o->unique)
		return ctx_fail(c, HW_ECONFLICT, o->unique,
				"another %s has this %s", o->noun, o->unique);
	return db_fail(c, "write");
}

/* The names of the fields a body may set, comma-separated, each as
 * "NAME" or, with `assign`, "NAME = ?". Returns how many. */
static int add_field_names(struct strbuf *sql, const struct object_record *rec,
			   bool assign)
{
	int n = 0;

	for (size_t i = 0; i < rec->n; i++)
		if (!(rec->o->fields[i].flags & FR_OUTPUT))
			strbuf_addf(sql, "%s%s%s", n++ ? ", " : "",
				    rec->o->fields[i].name, assign ? " = ?" : "");
	return n;
}

/* Bind the values of those fields from parameter 1 on; returns the next. */
static int bind_fields(struct store_stmt *s, const struct object_record *rec)
{
	int n = 1;

	for (size_t i = 0; i < rec->n; i++)
		if (!(rec->o->fields[i].flags & FR_OUTPUT))
			bind_value(s, n++, &rec->o->fields[i], &rec->v[i]);
	return n;
}

/*
 * The SQL that writes `rec`: an INSERT of its fields, owner and stamps
 * RETURNING its id, or (`update`) an UPDATE of its fields and stamp by
 * id; prepared and bound, the stamps to `now` (the caller's: bound text
 * is borrowed until the statement is stepped). The caller steps it.
 */
static int write_stmt(struct object_ctx *c, const struct object_record *rec,
		      bool update, char now[TIME_ISO_SIZE], struct store_stmt **s)
{
	const struct object *o = rec->o;
	struct strbuf sql = STRBUF_INIT;
	int n, rc;

	time_iso_now(now);
	strbuf_addf(&sql, update ? "UPDATE %s SET " : "INSERT INTO %s (", o->table);
	n = add_field_names(&sql, rec, update);
	if (update) {
		strbuf_addf(&sql, "%s WHERE id = ?", o->updated_at ? ", updated_at = ?" : "");
	} else {
		if (o->owner)
			strbuf_addf(&sql, ", %s", o->owner), n++;
		if (o->created_at)
			strbuf_addstr(&sql, ", created_at"), n++;
		if (o->updated_at)
			strbuf_addstr(&sql, ", updated_at"), n++;
		strbuf_addstr(&sql, ") VALUES (");
		for (int k = 0; k < n; k++)
			strbuf_addstr(&sql, k ? ", ?" : "?");
		strbuf_addstr(&sql, ") RETURNING id");
	}
	rc = prepare(c, sql.buf, s);
	strbuf_release(&sql);
	if (rc)
		return rc;
	n = bind_fields(*s, rec);
	if (!update && o->owner)
		store_bind_int64(*s, n++, rec->owner);
	if (!update && o->created_at)
		store_bind_str(*s, n++, now);
	if (o->updated_at)
		store_bind_str(*s, n++, now);
	if (update)
		store_bind_int64(*s, n, rec->id);
	return HW_OK;
}

/* Insert a new record (its owner in rec->owner); rec->id gets its id. */
int object_insert(struct object_ctx *c, struct object_record *rec)
{
	char now[TIME_ISO_SIZE];
	struct store_stmt *s;
	int rc = write_stmt(c, rec, false, now, &s);

	if (rc)
		return rc;
	rc = store_step(s);
	if (rc == STORE_ROW)
		rec->id = store_col_int64(s, 0);
	store_reset(s);
	if (rc != STORE_ROW)
		return write_failed(c, rec->o, rc);
	return rec->o->written ? rec->o->written(c, rec) : HW_OK;
}

/* Write every field of a loaded record back to its row. */
int object_update(struct object_ctx *c, const struct object_record *rec)
{
	char now[TIME_ISO_SIZE];
	struct store_stmt *s;
	int rc = write_stmt(c, rec, true, now, &s);

	if (rc)
		return rc;
	if ((rc = store_run(s)))
		return write_failed(c, rec->o, rc);
	return rec->o->written ? rec->o->written(c, rec) : HW_OK;
}

/* The integer of a one-row, one-column query with one integer parameter;
 * *found tells whether there was a row (and the value was not NULL). */
static int query_id(struct object_ctx *c, const char *sql, int64_t arg,
		    int64_t *out, bool *found)
{
	struct store_stmt *s;
	int rc = prepare(c, sql, &s);

	*out = 0;
	*found = false;
	if (rc)
		return rc;
	store_bind_int64(s, 1, arg);
	rc = store_step(s);
	if (rc == STORE_ROW && !store_col_null(s, 0)) {
		*out = store_col_int64(s, 0);
		*found = true;
	}
	store_reset(s);
	return rc < 0 ? db_fail(c, "read") : HW_OK;
}

/* The citizen's own person's party (0 if none). */
int object_own_party(struct object_ctx *c, int64_t *party)
{
	bool found;

	return query_id(c, "SELECT party_id FROM person WHERE id = ?",
			c->who->person_id, party, &found);
}

/*
 * The parties the caller may see, as a predicate on `party` whose
 * parameters go to `bs`: a citizen its own household; anyone else a
 * party with a member they may see, or with no member at all (which tells
 * nothing about anyone). For hq and auditors that is every party.
 */
int object_party_scope(struct object_ctx *c, struct strbuf *where,
		       struct store_params *bs)
{
	struct scope sc;
	int64_t own;
	int rc;

	if (c->who->role == ROLE_CITIZEN) {
		if ((rc = object_own_party(c, &own)))
			return rc;
		strbuf_addstr(where, "party.id = ?");
		store_params_int(bs, own);
		return HW_OK;
	}
	scope_persons(c->who, &sc);
	if (sc.all) {
		strbuf_addstr(where, "(? IS NOT NULL)");
		store_params_int(bs, 1);
		return HW_OK;
	}
	/* The parties of the visible persons as one set, built once per
	 * query: its cost follows what the caller may see, not the number
	 * of parties. */
	strbuf_addf(where, "(party.id IN (SELECT person.party_id FROM person WHERE "
		    "person.party_id IS NOT NULL AND %s) OR NOT EXISTS (SELECT 1 "
		    "FROM person WHERE person.party_id = party.id))", sc.sql);
	store_params_int(bs, sc.arg);
	return HW_OK;
}

/* Does party `id` exist, and may the caller see it? */
int object_party_visible(struct object_ctx *c, int64_t id, bool *visible)
{
	struct strbuf sql = STRBUF_INIT;
	struct store_params bs = { 0 };
	struct store_stmt *s;
	int rc;

	*visible = false;
	strbuf_addstr(&sql, "SELECT 1 FROM party WHERE party.id = ? AND ");
	store_params_int(&bs, id);
	if (!(rc = object_party_scope(c, &sql, &bs)) && !(rc = prepare(c, sql.buf, &s))) {
		store_params_bind(&bs, s);
		rc = store_step(s);
		*visible = rc == STORE_ROW;
		store_reset(s);
		rc = rc < 0 ? db_fail(c, "read the party") : HW_OK;
	}
	strbuf_release(&sql);
	store_params_release(&bs);
	return rc;
}

/*
 * The rules of a person's fields between them and with other rows: a
 * name, and a party the caller may see (for a citizen, its own).
 */
static int person_check(struct object_ctx *c, struct object_record *rec)
{
	const struct object_value *party = &rec->v[PF_PARTY_ID];
	bool visible;
	int rc;

	if (rec->v[PF_FAMILY_NAME].null && rec->v[PF_GIVEN_NAME].null)
		return ctx_fail(c, HW_EINPUT, "family_name",
				"family_name or given_name is required");
	if (!rec->taken[PF_PARTY_ID] || party->null)
		return HW_OK;
	if ((rc = object_party_visible(c, party->i, &visible)) || visible)
		return rc;
	if (c->who->role == ROLE_CITIZEN)
		return ctx_fail(c, HW_EINPUT, "party_id",
				"field 'party_id': a citizen can only place "
				"persons in its own household");
	return ctx_fail(c, HW_EINPUT, "party_id",
			"field 'party_id': no party %lld", (long long)party->i);
}

/* A contact's value follows its kind: phones and e-mail addresses by
 * the importer's rules, messaging handles as free text. */
static int contact_check(struct object_ctx *c, struct object_record *rec)
{
	static const int kind_col[] = { RC_PHONE, RC_EMAIL, -1 };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *kind = rec->v[CF_KIND].s, *value = rec->v[CF_VALUE].s;
	int rc = HW_OK;

	for (size_t k = 0; contact_kinds[k]; k++) {
		if (strcmp(kind, contact_kinds[k]) != 0 || kind_col[k] < 0)
			continue;
		if (reg_check_value(kind_col[k], value, strlen(value), &out, &err))
			rc = field_fail(c, "value", err.buf);
		else
			value_set(&rec->v[CF_VALUE], out.buf);
	}
	strbuf_release(&out);
	strbuf_release(&err);
	return rc;
}

/* At most one preferred contact of each kind: this one wins. */
static int contact_prefer(struct object_ctx *c, const struct object_record *rec)
{
	struct store_stmt *s;
	int rc;

	if (rec->v[CF_PREFERRED].null || !rec->v[CF_PREFERRED].i)
		return HW_OK;
	if ((rc = prepare(c, "UPDATE contact SET preferred = 0 WHERE person_id = ? "
			  "AND kind = ? AND id <> ? AND preferred <> 0", &s)))
		return rc;
	store_bind_int64(s, 1, rec->owner);
	store_bind_str(s, 2, rec->v[CF_KIND].s);
	store_bind_int64(s, 3, rec->id);
	return store_run(s) ? db_fail(c, "update the preferred contact") : HW_OK;
}

