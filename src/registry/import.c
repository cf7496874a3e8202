/*
 * import.c: `homeward import registrants` (see import.h).
 *
 * The file is read once. Each row is parsed and validated (registrant.c),
 * then checked against the rows before it, then written, all inside one
 * transaction that is committed only if the import succeeds. Valid rows are
 * written even after a problem has been found in default mode, because the
 * transaction is rolled back at the end anyway and carrying on keeps the
 * code on one path; what matters is that every problem gets found.
 */
#include "core/homeward.h"
#include "auth/audit.h"
#include "core/time.h"
#include "core/cli.h"
#include "core/csv.h"
#include "store/db.h"
#include "geo/geo.h"
#include "registry/arrivals.h"
#include "registry/import.h"
#include "store/keyring.h"
#include "registry/regfeed.h"
#include "registry/registrant.h"
#include "store/store.h"
#include "core/strmap.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The person columns, whose values must agree across a person's rows. */
static const enum reg_col person_cols[] = {
	RC_FAMILY_NAME, RC_GIVEN_NAME, RC_NATIVE_NAME, RC_SEX, RC_DATE_OF_BIRTH,
	RC_NATIONALITY, RC_PASSPORT_NO, RC_PHONE, RC_EMAIL, RC_LANGUAGE,
	RC_PARTY_ID, RC_NEEDS,
};
#define NPERSON_COLS ARRAY_SIZE(person_cols)

/* What the import remembers about each person of the file. */
struct seen_person {
	int64_t id;
	uint64_t line;              /* its first row */
	uint32_t next_seq;          /* sequence number of its next presence */
	uint32_t col_hash[NPERSON_COLS];
};

/* One stay of a party member, kept to find a party in two places at once. */
struct stay {
	char country[3];
	int32_t arrival, departure; /* DATE_NONE for open ends */
	uint64_t line;
	uint32_t next;              /* next stay of the same party, or 0 */
};

struct seen_party {
	int64_t id;                 /* party.id in the database */
	uint32_t first_stay;        /* index into stays, 0 for none */
};

/* Ids of a table whose rows are found by an external key. */
struct id_source {
	const char *table;
	struct store_stmt *find;    /* SELECT id FROM table WHERE key = ? */
	int64_t last;               /* the highest id in use */
};

struct importer {
	const struct import_options *o;
	struct db *db;
	struct strbuf *err;
	struct import_result *res;
	char now[32];

	struct strmap persons;      /* external_id -> index into seen */
	struct seen_person *seen;
	size_t nseen, seen_alloc;
	struct strmap parties;      /* party_id -> index into pseen */
	struct seen_party *pseen;
	size_t npseen, pseen_alloc;
	struct stay *stays;         /* stays[0] is unused */
	size_t nstays, stays_alloc;
	struct strmap orgs;         /* organisation name -> organisation.id */

	/* Statements, prepared once: the loop runs millions of times. */
	struct store_stmt *upd_person, *del_presences, *del_contacts, *ins_org;
	/* New rows go out in multi-row INSERTs. New persons and parties get
	 * their ids here (the import holds the write lock), so that the rows
	 * that refer to them can be batched too without asking for each id. */
	struct id_source person_ids, party_ids;
	struct store_batch *b_party, *b_person, *b_contact, *b_presence;
	uint64_t file_size;

	/* With --skip-invalid the file is read twice: a first pass only
	 * checks, and finds the persons with any invalid row; the second
	 * writes, and sets aside every row of those persons, so that a
	 * person is imported whole or not at all. */
	bool writing;
	struct strmap bad_persons;  /* external_id -> line of its first problem */
	struct strmap cross;        /* "LINE" -> index into cross_found */
	struct cross_problem {
		int col;            /* enum reg_col */
		char *reason;
	} *cross_found;             /* problems between rows, from the checks */
	size_t ncross, cross_alloc;

	uint64_t problems;
	struct strbuf msg;          /* scratch for problem text */

	/* --skip-invalid */
	char *rejects_path, *reasons_path;
	FILE *rejects, *reasons;
	struct strbuf header_raw;
};

static uint32_t hash32(const char *s, size_t len)
{
	uint64_t h = hw_hash64(s, len);
	return (uint32_t)(h ^ (h >> 32));
}

static int open_rejects(struct importer *im)
{
	if (im->rejects)
		return HW_OK;
	im->rejects = fopen(im->rejects_path, "w");
	im->reasons = fopen(im->reasons_path, "w");
	if (!im->rejects || !im->reasons) {
		strbuf_addf(im->err, "cannot write '%s': %s",
			    im->rejects ? im->reasons_path : im->rejects_path,
			    strerror(errno));
		return HW_EIO;
	}
	fwrite(im->header_raw.buf, 1, im->header_raw.len, im->rejects);
	return HW_OK;
}

/*
 * Record a problem with the row at `line`. `col` is a column index of the
 * file (0-based) and `colname` its name; -1 for the row as a whole; -2 when
 * `reason` already starts with "LINE:COLUMN: " (the CSV reader's messages).
 * The raw row goes to the rejects file with --skip-invalid.
 */
static int problem(struct importer *im, uint64_t line, int col,
		   const char *colname, const char *reason,
		   const char *raw, size_t rawlen)
{
	const struct import_options *o = im->o;
	struct strbuf where = STRBUF_INIT;
	int rc = HW_OK;

	if (!im->writing)
		return HW_OK;
	im->problems++;
	if (col >= 0)
		strbuf_addf(&where, "%s:%" PRIu64 ":%d: column '%s': %s", o->path,
			    line, col + 1, colname, reason);
	else if (col == -1)
		strbuf_addf(&where, "%s:%" PRIu64 ": %s", o->path, line, reason);
	else
		strbuf_addf(&where, "%s:%s", o->path, reason);
	if (o->report && im->problems <= o->max_report)
		fprintf(o->report, "%s\n", where.buf);
	if (o->skip_invalid) {
		rc = open_rejects(im);
		if (!rc) {
			fwrite(raw, 1, rawlen, im->rejects);
			if (rawlen && raw[rawlen - 1] != '\n')
				fputc('\n', im->rejects);
			fprintf(im->reasons, "%s\n", where.buf);
		}
	}
	strbuf_release(&where);
	return rc;
}

/* Check a person's later row against its first; returns the first person
 * column that differs, or -1. */
static int person_mismatch(const struct seen_person *p,
			   const struct registrant *r)
{
	size_t i;

	for (i = 0; i < NPERSON_COLS; i++) {
		enum reg_col c = person_cols[i];
		if (p->col_hash[i] != hash32(r->v[c], r->len[c]))
			return (int)c;
	}
	return -1;
}

static bool overlaps(int32_t a1, int32_t d1, int32_t a2, int32_t d2)
{
	/* Open ends reach to the beginning or end of time. A day on which
	 * one stay ends and the next begins is a travel day, not an
	 * overlap: the comparisons are strict. */
	int64_t s1 = a1 == DATE_NONE ? INT64_MIN : a1;
	int64_t e1 = d1 == DATE_NONE ? INT64_MAX : d1;
	int64_t s2 = a2 == DATE_NONE ? INT64_MIN : a2;
	int64_t e2 = d2 == DATE_NONE ? INT64_MAX : d2;

	return s1 < e2 && s2 < e1;
}

static int db_fail(struct importer *im, const char *what)
{
	strbuf_addf(im->err, "cannot import '%s': %s: %s", im->o->path, what,
		    store_errmsg(im->db->st));
	return HW_EDB;
}

/* Get the database id of a party or organisation, creating the row. */
static int upsert_id(struct importer *im, struct store_stmt *s,
		     const char *key, int64_t *id)
{
	int rc;

	store_bind_str(s, 1, key);
	store_bind_str(s, 2, im->now);
	rc = store_step(s);
	if (rc == STORE_ROW)
		*id = store_col_int64(s, 0);
	store_reset(s);
	if (rc != STORE_ROW)
		return db_fail(im, key);
	return HW_OK;
}

/* The person's text columns after external_id, in PERSON_COLS order. */
static const enum reg_col person_text_cols[] = {
	RC_FAMILY_NAME, RC_GIVEN_NAME, RC_NATIVE_NAME, RC_SEX, RC_DATE_OF_BIRTH,
	RC_NATIONALITY, RC_LANGUAGE, RC_NEEDS,
};

static const char *const party_batch_cols[] = {
	"id", "external_id", "created_at",
};
static const char *const person_batch_cols[] = {
	"id", "external_id", "family_name", "given_name", "native_name", "sex",
	"date_of_birth", "nationality", "language", "needs", "passport_enc",
	"passport_hash", "party_id", "created_at", "updated_at",
};
static const char *const contact_batch_cols[] = {
	"person_id", "kind", "value", "preferred",
};
static const char *const presence_batch_cols[] = {
	"person_id", "seq", "country", "city", "lat", "lon", "arrival",
	"departure", "purpose", "organisation_id", "created_at", "updated_at",
};

/* Write what the batches hold, parents before children. */
static int flush_batches(struct importer *im)
{
	if (store_batch_flush(im->b_party))
		return db_fail(im, "insert parties");
	if (store_batch_flush(im->b_person))
		return db_fail(im, "insert persons");
	if (store_batch_flush(im->b_contact))
		return db_fail(im, "insert contacts");
	if (store_batch_flush(im->b_presence))
		return db_fail(im, "insert presences");
	return HW_OK;
}

static int end_row(struct importer *im, struct store_batch *b)
{
	return store_batch_end_row(b) ? flush_batches(im) : HW_OK;
}

/* Update a person already in the database: the file is now the truth
 * about it, its presences and its CSV contacts. */
static int update_person(struct importer *im, const struct regfeed_row *row,
			 int64_t party_id, int64_t id)
{
	const struct registrant *r = &row->r;
	struct store_stmt *s = im->upd_person;
	size_t i;
	int n = 2;

	store_bind_int64(s, 1, id);
	for (i = 0; i < ARRAY_SIZE(person_text_cols); i++)
		store_bind_str(s, n++, r->v[person_text_cols[i]]);
	if (row->sealed_passport.len) {
		store_bind_blob(s, n++, row->sealed_passport.buf,
				row->sealed_passport.len);
		store_bind_int64(s, n++, row->passport_hash);
	} else {
		n += 2;
	}
	if (party_id)
		store_bind_int64(s, n, party_id);
	n++;
	store_bind_str(s, n, im->now);
	if (store_run(s))
		return db_fail(im, "update person");
	store_bind_int64(im->del_presences, 1, id);
	if (store_run(im->del_presences))
		return db_fail(im, "delete presences");
	store_bind_int64(im->del_contacts, 1, id);
	if (store_run(im->del_contacts))
		return db_fail(im, "delete contacts");
	return HW_OK;
}

static int add_person(struct importer *im, const struct regfeed_row *row,
		      int64_t party_id, int64_t id)
{
	const struct registrant *r = &row->r;
	struct store_batch *b = im->b_person;
	size_t i;

	store_batch_int64(b, id);
	store_batch_text(b, r->v[RC_EXTERNAL_ID], r->len[RC_EXTERNAL_ID]);
	for (i = 0; i < ARRAY_SIZE(person_text_cols); i++)
		store_batch_str(b, r->v[person_text_cols[i]]);
	if (row->sealed_passport.len) {
		store_batch_blob(b, row->sealed_passport.buf,
				 row->sealed_passport.len);
		store_batch_int64(b, row->passport_hash);
	} else {
		store_batch_null(b);
		store_batch_null(b);
	}
	if (party_id)
		store_batch_int64(b, party_id);
	else
		store_batch_null(b);
	store_batch_str(b, im->now);
	store_batch_str(b, im->now);
	return end_row(im, b);
}

static int add_contact(struct importer *im, int64_t id, const char *kind,
		       const char *value, size_t len)
{
	if (!len)
		return HW_OK;
	store_batch_int64(im->b_contact, id);
	store_batch_str(im->b_contact, kind);
	store_batch_text(im->b_contact, value, len);
	store_batch_int64(im->b_contact, 1);
	return end_row(im, im->b_contact);
}

/*
 * The id of the row of `src` with this key: the existing one (*existed) or
 * a new one. An empty table needs no lookup.
 */
static int find_or_assign(struct importer *im, struct id_source *src,
			  const char *key, size_t len, int64_t *id,
			  bool *existed)
{
	int rc = STORE_DONE;

	*existed = false;
	if (src->last) {
		store_bind_text(src->find, 1, key, len);
		rc = store_step(src->find);
		if (rc == STORE_ROW) {
			*id = store_col_int64(src->find, 0);
			*existed = true;
		}
		store_reset(src->find);
		if (rc < 0)
			return db_fail(im, src->table);
	}
	if (!*existed)
		*id = src->last + 1;
	return HW_OK;
}

/* Write the person of the first row of an external_id; *id gets its id. */
static int write_person(struct importer *im, const struct regfeed_row *row,
			int64_t party_id, int64_t *id)
{
	const struct registrant *r = &row->r;
	bool existed;
	int rc;

	rc = find_or_assign(im, &im->person_ids, r->v[RC_EXTERNAL_ID],
			    r->len[RC_EXTERNAL_ID], id, &existed);
	if (rc)
		return rc;
	if (existed) {
		rc = update_person(im, row, party_id, *id);
		im->res->persons_updated++;
	} else {
		im->person_ids.last = *id;
		rc = add_person(im, row, party_id, *id);
		im->res->persons_new++;
	}
	if (!rc)
		rc = add_contact(im, *id, "phone", r->v[RC_PHONE], r->len[RC_PHONE]);
	if (!rc)
		rc = add_contact(im, *id, "email", r->v[RC_EMAIL], r->len[RC_EMAIL]);
	return rc;
}

static int write_presence(struct importer *im, const struct registrant *r,
			  int64_t person_id, uint32_t seq, int64_t org_id)
{
	struct store_batch *b = im->b_presence;

	store_batch_int64(b, person_id);
	store_batch_int64(b, seq);
	store_batch_str(b, r->v[RC_COUNTRY]);
	store_batch_str(b, r->v[RC_CITY]);
	if (r->has_point) {
		store_batch_double(b, r->lat);
		store_batch_double(b, r->lon);
	} else {
		store_batch_null(b);
		store_batch_null(b);
	}
	store_batch_str(b, r->v[RC_ARRIVAL]);
	store_batch_str(b, r->v[RC_DEPARTURE]);
	store_batch_str(b, r->v[RC_PURPOSE]);
	if (org_id)
		store_batch_int64(b, org_id);
	else
		store_batch_null(b);
	store_batch_str(b, im->now);
	store_batch_str(b, im->now);
	return end_row(im, b);
}

/*
 * The checks across rows, then (when writing) the writes. Returns HW_OK,
 * HW_EINPUT with the reason in im->msg and the column in *bad_col, or an
 * operational error.
 */
static int take_row(struct importer *im, const struct regfeed_row *row,
		    int *bad_col)
{
	const struct registrant *r = &row->r;
	struct strmap_entry *e;
	struct seen_person *p = NULL;
	struct seen_party *party = NULL;
	int64_t org_id = 0;
	bool created;
	int rc;

	/* A later row of a person already seen must agree with its first. */
	e = strmap_find(&im->persons, r->v[RC_EXTERNAL_ID], r->len[RC_EXTERNAL_ID]);
	if (e) {
		int c;
		p = &im->seen[e->value];
		c = person_mismatch(p, r);
		if (c >= 0) {
			strbuf_reset(&im->msg);
			strbuf_addf(&im->msg, "'%s' differs from line %" PRIu64
				    " of the same person '%s'", r->v[c], p->line,
				    r->v[RC_EXTERNAL_ID]);
			*bad_col = c;
			return HW_EINPUT;
		}
	}

	/* Members of a party travel together: two stays of one party in
	 * different countries must not overlap in time. */
	if (r->len[RC_PARTY_ID]) {
		uint32_t i;
		e = strmap_get_or_add(&im->parties, r->v[RC_PARTY_ID],
				      r->len[RC_PARTY_ID], &created);
		if (created) {
			ALLOC_GROW(im->pseen, im->npseen + 1, im->pseen_alloc);
			e->value = im->npseen;
			memset(&im->pseen[im->npseen++], 0, sizeof(*party));
		}
		party = &im->pseen[e->value];
		for (i = party->first_stay; i; i = im->stays[i].next) {
			const struct stay *s = &im->stays[i];
			if (!memcmp(s->country, r->v[RC_COUNTRY], 3))
				continue;
			if (!overlaps(s->arrival, s->departure, r->arrival,
				      r->departure))
				continue;
			strbuf_reset(&im->msg);
			strbuf_addf(&im->msg, "party '%s' is in '%s' at the same "
				    "time (line %" PRIu64 "); a party travels "
				    "together", r->v[RC_PARTY_ID], s->country,
				    s->line);
			*bad_col = RC_PARTY_ID;
			return HW_EINPUT;
		}
		ALLOC_GROW(im->stays, im->nstays + 1, im->stays_alloc);
		im->stays[im->nstays] = (struct stay){
			.arrival = r->arrival, .departure = r->departure,
			.line = row->line, .next = party->first_stay,
		};
		memcpy(im->stays[im->nstays].country, r->v[RC_COUNTRY], 3);
		party->first_stay = (uint32_t)im->nstays++;
		if (!party->id && im->writing) {
			bool existed;
			rc = find_or_assign(im, &im->party_ids, r->v[RC_PARTY_ID],
					    r->len[RC_PARTY_ID], &party->id,
					    &existed);
			if (!rc && !existed) {
				struct store_batch *b = im->b_party;
				im->party_ids.last = party->id;
				store_batch_int64(b, party->id);
				store_batch_text(b, r->v[RC_PARTY_ID],
						 r->len[RC_PARTY_ID]);
				store_batch_str(b, im->now);
				rc = end_row(im, b);
			}
			if (rc)
				return rc;
		}
	}

	if (r->len[RC_ORGANISATION] && im->writing) {
		e = strmap_get_or_add(&im->orgs, r->v[RC_ORGANISATION],
				      r->len[RC_ORGANISATION], &created);
		if (created) {
			int64_t id;
			rc = upsert_id(im, im->ins_org, r->v[RC_ORGANISATION],
				       &id);
			if (rc)
				return rc;
			e->value = (uint64_t)id;
		}
		org_id = (int64_t)e->value;
	}

	if (!p) {
		size_t i;
		e = strmap_get_or_add(&im->persons, r->v[RC_EXTERNAL_ID],
				      r->len[RC_EXTERNAL_ID], &created);
		ALLOC_GROW(im->seen, im->nseen + 1, im->seen_alloc);
		e->value = im->nseen;
		p = &im->seen[im->nseen++];
		memset(p, 0, sizeof(*p));
		p->line = row->line;
		for (i = 0; i < NPERSON_COLS; i++)
			p->col_hash[i] = hash32(r->v[person_cols[i]],
						r->len[person_cols[i]]);
		if (!im->writing)
			return HW_OK;
		rc = write_person(im, row, party ? party->id : 0, &p->id);
		if (rc)
			return rc;
	}
	if (!im->writing)
		return HW_OK;
	rc = write_presence(im, r, p->id, p->next_seq++, org_id);
	if (rc)
		return rc;
	im->res->written++;
	return HW_OK;
}

/* The statements of the import, by the importer field that holds each. */
static const struct {
	size_t offset;
	const char *sql;
} import_sql[] = {
	{ offsetof(struct importer, person_ids.find),
	  "SELECT id FROM person WHERE external_id = ?" },
	{ offsetof(struct importer, party_ids.find),
	  "SELECT id FROM party WHERE external_id = ?" },
	{ offsetof(struct importer, upd_person),
	  "UPDATE person SET family_name = ?2, given_name = ?3, native_name = ?4, "
	  "sex = ?5, date_of_birth = ?6, nationality = ?7, language = ?8, "
	  "needs = ?9, passport_enc = ?10, passport_hash = ?11, party_id = ?12, "
	  "updated_at = ?13 WHERE id = ?1" },
	{ offsetof(struct importer, del_presences),
	  "DELETE FROM presence WHERE person_id = ?" },
	{ offsetof(struct importer, del_contacts),
	  "DELETE FROM contact WHERE person_id = ? AND preferred = 1 "
	  "AND kind IN ('phone', 'email')" },
	/* Organisations are few: an upsert each. DO UPDATE rather than DO
	 * NOTHING, so that RETURNING gives the id of an existing row too. */
	{ offsetof(struct importer, ins_org),
	  "INSERT INTO organisation(name, created_at, updated_at) "
	  "VALUES (?, ?2, ?2) ON CONFLICT (name) DO UPDATE SET name = "
	  "excluded.name RETURNING id" },
};

static int prepare_statements(struct importer *im)
{
	struct store_stmt *s;
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(import_sql); i++) {
		struct store_stmt **p = (struct store_stmt **)
			((char *)im + import_sql[i].offset);
		if (store_prepare(im->db->st, import_sql[i].sql, p))
			return db_fail(im, "prepare");
	}
	im->person_ids.table = "person";
	im->party_ids.table = "party";
	if (store_prepare(im->db->st, "SELECT (SELECT coalesce(max(id), 0) FROM "
			  "person), (SELECT coalesce(max(id), 0) FROM party)", &s))
		return db_fail(im, "prepare");
	rc = store_step(s);
	if (rc == STORE_ROW) {
		im->person_ids.last = store_col_int64(s, 0);
		im->party_ids.last = store_col_int64(s, 1);
	}
	store_reset(s);
	if (rc != STORE_ROW)
		return db_fail(im, "count persons");
	/*
	 * A file that will at least double the registry is loaded with the
	 * secondary indexes dropped and rebuilt at the end: one sort instead
	 * of millions of inserts at random places. Rows average well over 100
	 * bytes, so size / 100 overestimates the rows a little, never much.
	 */
	if (im->file_size / 100 >= (uint64_t)im->person_ids.last) {
		/* The import itself deletes the presences and contacts of
		 * the persons it updates, by person. */
		static const char *const keep[] = { "presence_person",
						    "contact_person", NULL };
		static const char *const tables[] = { "person", "contact",
						      "presence" };
		for (i = 0; i < ARRAY_SIZE(tables); i++)
			if (store_bulk_drop_indexes(im->db->st, tables[i], keep))
				return db_fail(im, "prepare the bulk load");
	}
	im->b_party = store_batch_new(im->db->st, "party", party_batch_cols,
				      (int)ARRAY_SIZE(party_batch_cols));
	im->b_person = store_batch_new(im->db->st, "person", person_batch_cols,
				       (int)ARRAY_SIZE(person_batch_cols));
	im->b_contact = store_batch_new(im->db->st, "contact", contact_batch_cols,
					(int)ARRAY_SIZE(contact_batch_cols));
	im->b_presence = store_batch_new(im->db->st, "presence",
					 presence_batch_cols,
					 (int)ARRAY_SIZE(presence_batch_cols));
	return HW_OK;
}

/* Forget what the rows of a pass taught, before the next pass. */
static void forget_rows(struct importer *im)
{
	strmap_release(&im->persons);
	strmap_release(&im->parties);
	strmap_init(&im->persons);
	strmap_init(&im->parties);
	im->nseen = im->npseen = 0;
	im->nstays = 1;
}

static void importer_release(struct importer *im)
{
	size_t i;

	for (i = 0; i < im->ncross; i++)
		free(im->cross_found[i].reason);
	free(im->cross_found);
	strmap_release(&im->cross);
	strmap_release(&im->bad_persons);
	store_batch_free(im->b_party);
	store_batch_free(im->b_person);
	store_batch_free(im->b_contact);
	store_batch_free(im->b_presence);
	strmap_release(&im->persons);
	strmap_release(&im->parties);
	strmap_release(&im->orgs);
	free(im->seen);
	free(im->pseen);
	free(im->stays);
	strbuf_release(&im->msg);
	strbuf_release(&im->header_raw);
	if (im->rejects)
		fclose(im->rejects);
	if (im->reasons)
		fclose(im->reasons);
	free(im->rejects_path);
	free(im->reasons_path);
}

/*
 * Open a reader on `fd` from its start and read the header into `h`; the
 * raw header goes to im->header_raw. HW_EINPUT / HW_EIO with `err` set.
 */
static int open_input(struct importer *im, int fd, struct csv_reader **rd,
		      struct reg_header *h)
{
	const char *path = im->o->path;
	struct strbuf perr = STRBUF_INIT;
	struct csv_record rec;
	int rc;

	if (lseek(fd, 0, SEEK_SET) < 0 && *rd) {
		strbuf_addf(im->err, "cannot read '%s' again: %s", path,
			    strerror(errno));
		return HW_EIO;
	}
	csv_reader_free(*rd);
	*rd = csv_reader_new(fd, path);
	rc = csv_read(*rd, &rec, &perr);
	if (rc == HW_ENOTFOUND) {
		strbuf_addf(im->err, "cannot import '%s': the file is empty (a "
			    "header row is required)", path);
		rc = HW_EINPUT;
	} else if (!rc) {
		rc = reg_header_parse(h, &rec, &perr);
		if (rc == HW_EINPUT)
			strbuf_addf(im->err, "cannot import '%s': line 1 (the "
				    "header): %s", path, perr.buf);
		else
			strbuf_reset(&im->header_raw);
		strbuf_add(&im->header_raw, rec.raw, rec.rawlen);
	} else {
		/* The reader's own messages start with LINE:COLUMN. */
		strbuf_addf(im->err, "cannot import '%s': %s", path, perr.buf);
		rc = rc == HW_EIO ? HW_EIO : HW_EINPUT;
	}
	strbuf_release(&perr);
	return rc;
}

/* One row of a pass: its problem, if any, or its checks and writes. */
static int pass_row(struct importer *im, const struct reg_header *h,
		    const struct regfeed_row *row)
{
	struct strmap_entry *bad;
	const char *reason = row->msg.buf;
	int col = -2, bc = row->bad_col, rc;

	if (row->csv_error) {
		/* The reader's message names line and column already. */
	} else if (row->status == HW_EINPUT) {
		col = bc >= 0 ? h->map[bc] : -1;
	} else if (im->writing && (bad = strmap_find(&im->bad_persons,
						      row->external_id.buf,
						      row->external_id.len))) {
		/* Set aside with the person; a row that was itself found
		 * wrong against the others keeps the reason found then. */
		char key[24];
		int n = snprintf(key, sizeof(key), "%" PRIu64, row->line);
		struct strmap_entry *x = strmap_find(&im->cross, key, (size_t)n);
		if (x) {
			bc = im->cross_found[x->value].col;
			reason = im->cross_found[x->value].reason;
			col = h->map[bc];
		} else {
			strbuf_reset(&im->msg);
			strbuf_addf(&im->msg, "line %" PRIu64 " of the same "
				    "person '%s' has a problem, and a person is "
				    "imported whole", bad->value,
				    row->external_id.buf);
			reason = im->msg.buf;
			col = -1;
		}
	} else {
		rc = take_row(im, row, &bc);
		if (rc != HW_EINPUT)
			return rc;
		reason = im->msg.buf;
		col = h->map[bc];
		if (!im->writing) {
			char key[24];
			bool created;
			int n = snprintf(key, sizeof(key), "%" PRIu64, row->line);
			ALLOC_GROW(im->cross_found, im->ncross + 1, im->cross_alloc);
			im->cross_found[im->ncross].col = bc;
			im->cross_found[im->ncross].reason = xstrdup(reason);
			strmap_get_or_add(&im->cross, key, (size_t)n,
					  &created)->value = im->ncross++;
		}
	}
	if (!im->writing && row->external_id.len) {
		bool created;
		struct strmap_entry *e = strmap_get_or_add(&im->bad_persons,
							   row->external_id.buf,
							   row->external_id.len,
							   &created);
		if (created)
			e->value = row->line;
	}
	im->res->rejected++;
	rc = problem(im, row->line, col, col >= 0 ? reg_columns[bc] : NULL,
		     reason, row->raw.buf, row->raw.len);
	return rc ? rc : HW_EINPUT;
}

/* Read the whole file once, checking, and writing if im->writing. */
static int run_pass(struct importer *im, int fd, uint64_t size)
{
	struct csv_reader *rd = NULL;
	struct regfeed *feed = NULL;
	struct strbuf perr = STRBUF_INIT;
	struct reg_header h;
	struct progress prog;
	int rc;

	im->res->rows = im->res->rejected = 0;
	forget_rows(im);
	rc = open_input(im, fd, &rd, &h);
	if (rc)
		goto out;
	progress_start(&prog, im->writing ? "import" : "check", size);
	prog.enabled = prog.enabled && im->o->progress;
	feed = regfeed_start(rd, &h, im->db->keys);
	for (;;) {
		struct regfeed_chunk *c;
		size_t i;

		rc = regfeed_next(feed, &c, &perr);
		if (rc == HW_ENOTFOUND)
			break;
		if (rc) {
			strbuf_addf(im->err, "cannot import '%s': %s",
				    im->o->path, perr.buf);
			goto out;
		}
		for (i = 0; i < c->n; i++) {
			im->res->rows++;
			rc = pass_row(im, &h, &c->rows[i]);
			if (rc && rc != HW_EINPUT)
				goto out;
		}
		progress_update(&prog, c->offset, im->res->rows);
		regfeed_done(feed, c);
	}
	progress_done(&prog, size, im->res->rows);
	rc = HW_OK;
out:
	/* The feed's thread reads from `rd`: stop it first. */
	regfeed_free(feed);
	csv_reader_free(rd);
	strbuf_release(&perr);
	return rc;
}

/*
 * Registrants this import put somewhere are announced (arrivals.h): an
 * open incident takes in those inside its area, as it would for arrivals
 * through the API. The presences it wrote carry its time in updated_at.
 */
static int announce_arrivals(struct importer *im)
{
	return arrivals_announce(im->db->st, im->now, im->o->actor ? im->o->actor
				 : audit_cli_actor(), "imported", &im->res->joined,
				 im->err);
}

/* The audit entry of an import, written inside its transaction. */
static int record_import(struct importer *im)
{
	struct strbuf detail = STRBUF_INIT;
	const struct import_result *r = im->res;
	int rc;

	strbuf_addf(&detail, "%" PRIu64 " rows, %" PRIu64 " new persons, %"
		    PRIu64 " updated, %" PRIu64 " rejected", r->rows,
		    r->persons_new, r->persons_updated, r->rejected);
	rc = audit_append(im->db->st, im->o->actor ? im->o->actor
			  : audit_cli_actor(), "import", im->o->path,
			  detail.buf, NULL, im->err);
	strbuf_release(&detail);
	return rc;
}

int import_registrants(struct db *db, const struct import_options *o,
		       struct import_result *res, struct strbuf *err)
{
	struct importer im;
	struct stat sb;
	bool in_tx = false;
	int fd = -1, rc;

	memset(res, 0, sizeof(*res));
	memset(&im, 0, sizeof(im));
	im.o = o;
	im.db = db;
	im.err = err;
	im.res = res;
	strmap_init(&im.persons);
	strmap_init(&im.parties);
	strmap_init(&im.orgs);
	strmap_init(&im.bad_persons);
	strmap_init(&im.cross);
	strbuf_init(&im.msg, 0);
	strbuf_init(&im.header_raw, 0);
	time_iso_now(im.now);

	fd = open(o->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb)) {
		strbuf_addf(err, "cannot open '%s': %s", o->path, strerror(errno));
		rc = HW_EINPUT;
		goto out;
	}
	if (!S_ISREG(sb.st_mode) && !(S_ISFIFO(sb.st_mode) && !o->skip_invalid)) {
		strbuf_addf(err, "cannot import '%s': not a file%s", o->path,
			    S_ISFIFO(sb.st_mode) ? " (--skip-invalid reads it "
			    "twice)" : "");
		rc = HW_EINPUT;
		goto out;
	}
	im.file_size = (uint64_t)sb.st_size;

	if (o->skip_invalid) {
		struct strbuf p = STRBUF_INIT;
		strbuf_addf(&p, "%s.rejects.csv", o->path);
		im.rejects_path = strbuf_detach(&p, NULL);
		strbuf_addf(&p, "%s.rejects.txt", o->path);
		im.reasons_path = strbuf_detach(&p, NULL);
		/* Rejects of an earlier run would be mistaken for this one's. */
		unlink(im.rejects_path);
		unlink(im.reasons_path);
		rc = run_pass(&im, fd, im.file_size);
		if (rc)
			goto out;
	}

	im.writing = true;
	rc = store_tune_bulk(db->st);
	if (!rc)
		rc = store_begin(db->st);
	if (rc) {
		rc = db_fail(&im, "begin");
		goto out;
	}
	in_tx = true;
	rc = prepare_statements(&im);
	if (!rc)
		rc = run_pass(&im, fd, im.file_size);
	if (rc)
		goto out;

	if (im.problems && !o->skip_invalid) {
		struct strbuf listed = STRBUF_INIT;

		if (im.problems > o->max_report)
			strbuf_addf(&listed, " (the first %u are listed)",
				    o->max_report);
		strbuf_addf(err, "import of '%s' refused: %" PRIu64 " of %" PRIu64
			    " %s %s problems%s; nothing was written (use "
			    "--skip-invalid to write the valid rows)", o->path,
			    res->rejected, res->rows,
			    res->rows == 1 ? "row" : "rows",
			    res->rejected == 1 ? "has" : "have", listed.buf);
		strbuf_release(&listed);
		res->written = 0;
		res->persons_new = res->persons_updated = 0;
		rc = HW_EINPUT;
		goto out;
	}
	if (im.rejects && (fflush(im.rejects) || fflush(im.reasons))) {
		strbuf_addf(err, "cannot write '%s': %s", im.rejects_path,
			    strerror(errno));
		rc = HW_EIO;
		goto out;
	}
	rc = flush_batches(&im);
	if (rc)
		goto out;
	if (store_bulk_restore(db->st)) {
		rc = db_fail(&im, "rebuild indexes");
		goto out;
	}
	rc = announce_arrivals(&im);
	if (!rc)
		rc = record_import(&im);
	if (rc)
		goto out;
	rc = store_commit(db->st);
	if (rc) {
		rc = db_fail(&im, "commit");
		goto out;
	}
	in_tx = false;
	rc = HW_OK;
out:
	if (in_tx)
		store_rollback(db->st);
	if (fd >= 0)
		close(fd);
	importer_release(&im);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	const char *dbflag = NULL, *keyflag = NULL;
	bool skip = false;
	struct opt opts[] = {
		OPT_DB(&dbflag),
		OPT_KEY(&keyflag),
		{ "skip-invalid", OPT_FLAG, &skip, NULL, "write the valid rows; put the invalid ones, as they were, in FILE.rejects.csv and the reasons in FILE.rejects.txt" },
		OPT_END,
	};
	struct strbuf err = STRBUF_INIT;
	struct import_options o = { 0 };
	struct import_result res;
	struct db db = { 0 };
	char **pos = xcalloc((size_t)argc, sizeof(*pos));
	double t0;
	int npos = 0, rc;

	rc = opt_parse(opts, argc, argv, pos, &npos);
	if (rc)
		goto out;
	if (npos != 2 || strcmp(pos[0], "registrants")) {
		cli_error(argv[0], npos && strcmp(pos[0], "registrants")
			  ? "unknown kind '%s': only 'registrants' can be imported"
			  : "usage: homeward import registrants FILE.csv [--db PATH]%s",
			  npos && strcmp(pos[0], "registrants") ? pos[0] : "");
		rc = HW_EINPUT;
		goto out;
	}
	rc = db_open_cli(&db, argv[0], dbflag, keyflag, DB_KEYS);
	if (rc)
		goto out;
	o.path = pos[1];
	o.skip_invalid = skip;
	o.report = stderr;
	o.max_report = 100;
	o.progress = true;
	t0 = time_mono();
	rc = import_registrants(&db, &o, &res, &err);
	if (rc) {
		cli_error(argv[0], "%s", err.buf);
		goto out;
	}
	printf("imported %" PRIu64 " of %" PRIu64 " rows from %s in %.1f s: "
	       "%" PRIu64 " new persons, %" PRIu64 " updated",
	       res.written, res.rows, o.path, time_mono() - t0, res.persons_new,
	       res.persons_updated);
	if (res.joined)
		printf("; %" PRId64 " joined the roster of open incidents",
		       res.joined);
	if (res.rejected)
		printf("; %" PRIu64 " %s rejected, see %s.rejects.csv and "
		       "%s.rejects.txt", res.rejected,
		       res.rejected == 1 ? "row" : "rows", o.path, o.path);
	printf("\n");
out:
	db_release(&db);
	free(pos);
	strbuf_release(&err);
	return rc;
}
