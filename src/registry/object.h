/*
 * object.h: the registry's objects (persons, contacts, emergency
 * contacts, parties, organisations) as data, and records: one row's
 * values on their way in from a JSON body or out to JSON.
 *
 * Each kind of object is described once, by a struct object: its table
 * and a table of its fields (struct object_field) saying how a value from
 * a body is checked. Columns a registrant CSV also has are checked by the
 * importer's own rule (reg_check_value), so a value means the same
 * whichever way it came in. Creating and changing follow the same steps
 * for every object: a record starts from the defaults (object_new) or the
 * stored row (object_load), takes the body's values through the rules
 * (object_take), passes the object's rules between fields and rows (a
 * person needs a name, a contact's value follows its kind, a party must
 * be one the principal may see), and is written (object_insert,
 * object_update) in the caller's transaction. The SQL of those steps is
 * built from the same tables, with bound parameters only.
 *
 * Everything takes an object_ctx: the store, the principal, the body and
 * where a refusal goes, so that the HTTP API, the CLI and the console's
 * later wings use one layer. Errors: HW_EINPUT (a field's value; 422),
 * HW_ECONFLICT (a unique field; 409), HW_ENOTFOUND (no such row; 404),
 * each with its message in c->err and the field in c->field; HW_EDB.
 * Not thread-safe per record; the tables are constant.
 */
#ifndef HW_OBJECT_H
#define HW_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct principal;
struct store;
struct store_stmt;
struct store_params;
struct strbuf;

/* Who writes, on which store, with which body; where refusals go. */
struct object_ctx {
	struct store *st;
	const struct principal *who;
	const json_t *body;      /* the request's fields (object_take) */
	struct strbuf *err;      /* the message of a refusal or failure */
	char field[64];          /* the field a refusal names, "" if none */
};

#define MAX_FIELDS 16

/* ---- Objects and their fields ---- */

/* How a value from a request body is checked and stored. */
enum check {
	CK_COLUMN,    /* the importer's rule for registrant column `col` */
	CK_TEXT,      /* free text: trimmed, UTF-8, at most max_len bytes */
	CK_CHOICE,    /* one of `choices` */
	CK_BOOL,      /* a JSON boolean, stored as 0 or 1 */
	CK_ID,        /* the id of a row elsewhere (the handler checks it) */
	CK_NEEDS,     /* an array of needs_names, stored as the importer does */
};

enum field_flags {
	FR_REQUIRED = 1,  /* never empty: required on create, never cleared */
	FR_GENERATED = 2, /* required, but made up when a new row has none */
	FR_OUTPUT = 4,    /* shown, but never taken from a body */
};

struct object_field {
	const char *name;             /* the JSON member and the column */
	enum check check;
	int col;                      /* CK_COLUMN: enum reg_col */
	size_t max_len;               /* CK_TEXT */
	const char *const *choices;   /* CK_CHOICE: NULL-terminated */
	const char *def;              /* a new row's value when the body has none */
	unsigned flags;
};

struct object_record;

struct object {
	const char *table;
	const char *noun;             /* in messages and audit entries */
	const struct object_field *fields; /* NULL-name terminated */
	const char *owner;            /* the column naming the owning person */
	const char *unique;           /* the field of a UNIQUE constraint */
	bool created_at, updated_at;  /* the row carries these stamps */
	/* The object's rules between fields and rows, once the body's
	 * values are taken; and what follows a write, in the same
	 * transaction. NULL when there are none. */
	int (*check)(struct object_ctx *c, struct object_record *rec);
	int (*written)(struct object_ctx *c, const struct object_record *rec);
};


/* The person's fields, by index, so that handlers can name them. */
enum {
	PF_EXTERNAL_ID, PF_FAMILY_NAME, PF_GIVEN_NAME, PF_NATIVE_NAME, PF_SEX,
	PF_DATE_OF_BIRTH, PF_NATIONALITY, PF_LANGUAGE, PF_NEEDS, PF_PARTY_ID,
	PF_CONSENT_VERSION, PF_CONSENT_AT, PF_COUNT
};
enum { CF_KIND, CF_VALUE, CF_VERIFIED, CF_PREFERRED };

struct object_value {
	bool null;
	int64_t i;        /* CK_BOOL, CK_ID */
	char *s;          /* the others; owned */
};

struct object_record {
	const struct object *o;
	size_t n;                     /* fields */
	struct object_value v[MAX_FIELDS];
	bool taken[MAX_FIELDS];       /* the body gave this field */
	bool is_new;
	int64_t id, owner;
};

extern const struct object person_object, contact_object, emergency_object,
	party_object, organisation_object;

/* A record of `o`: empty (object_init), or a new row with the defaults of
 * its fields (object_new). object_release() frees what it holds. */
void object_init(struct object_record *rec, const struct object *o);
void object_new(struct object_record *rec, const struct object *o);
void object_release(struct object_record *rec);

/* Made-up ids where a new row has none, then the requirements. */
int object_complete(struct object_ctx *c, struct object_record *rec);
/* Take every field c->body has, complete the record, and hold it to the
 * object's own rules. */
int object_take(struct object_ctx *c, struct object_record *rec);
/* The names of the fields the body changed, for the audit entry. */
void object_changed_names(const struct object_record *rec, struct strbuf *out);

/* "SELECT id, FIELDS..., [owner], [stamps] FROM table", and the current
 * row of such a statement as JSON. */
void object_select_sql(struct strbuf *sql, const struct object *o);
json_t *object_row_json(const struct object *o, struct store_stmt *s);

/* Row `id` into `rec` (initialised for its object), and its JSON into
 * *json when asked (NULL: not). object_read(): HW_ENOTFOUND without a
 * message; object_load(): with "no NOUN ID". */
int object_read(struct object_ctx *c, struct object_record *rec, int64_t id,
		json_t **json);
int object_load(struct object_ctx *c, struct object_record *rec, int64_t id,
		json_t **json);

/* Insert a new record (its owner in rec->owner; rec->id gets its id), or
 * write every field of a loaded one back to its row; then the object's
 * after-write rule. */
int object_insert(struct object_ctx *c, struct object_record *rec);
int object_update(struct object_ctx *c, const struct object_record *rec);

/*
 * The parties the principal may see, as a predicate on `party` appended
 * to `where`, its parameters added to `params`: a citizen its own
 * household; anyone else a party with a member they may see, or with no
 * member at all (which tells nothing about anyone).
 */
int object_party_scope(struct object_ctx *c, struct strbuf *where,
		       struct store_params *params);
/* Whether party `id` exists and the principal may see it. */
int object_party_visible(struct object_ctx *c, int64_t id, bool *visible);
/* The citizen's own person's party, 0 if none. */
int object_own_party(struct object_ctx *c, int64_t *party);

#endif
