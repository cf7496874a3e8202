/*
 * person.c: lookups of persons (person.h).
 */
#include "core/homeward.h"
#include "core/cli.h"
#include "store/db.h"
#include "store/keyring.h"
#include "registry/person.h"
#include "registry/registrant.h"
#include "store/store.h"

int person_find_by_passport(struct db *db, const char *passport,
			    int64_t **ids, size_t *n, struct strbuf *err)
{
	struct strbuf norm = STRBUF_INIT, plain = STRBUF_INIT;
	struct store_stmt *s = NULL;
	size_t alloc = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (reg_normalise_passport(passport, &norm)) {
		strbuf_addf(err, "'%s' is not a passport number (5 to 20 letters "
			    "A-Z and digits)", passport);
		rc = HW_EINPUT;
		goto out;
	}
	if (store_prepare(db->st, "SELECT id, passport_enc FROM person "
			  "WHERE passport_hash = ?", &s)) {
		rc = HW_EDB;
		goto dberr;
	}
	store_bind_int64(s, 1, keyring_hash(db->keys, "person.passport_no",
					    norm.buf, norm.len));
	while ((rc = store_step(s)) == STORE_ROW) {
		size_t len;
		const void *sealed = store_col_blob(s, 1, &len);

		strbuf_reset(&plain);
		if (keyring_open(db->keys, "person.passport_no", sealed, len,
				 &plain)) {
			strbuf_addf(err, "cannot unseal the passport number of "
				    "person %" PRId64 ": the key does not match "
				    "or the row was altered", store_col_int64(s, 0));
			rc = HW_ECRYPTO;
			goto out;
		}
		/* Different numbers can share a 64-bit hash, rarely. */
		if (plain.len != norm.len || memcmp(plain.buf, norm.buf, norm.len))
			continue;
		ALLOC_GROW(*ids, *n + 1, alloc);
		(*ids)[(*n)++] = store_col_int64(s, 0);
	}
	if (rc < 0)
		goto dberr;
	rc = HW_OK;
	goto out;
dberr:
	strbuf_addf(err, "cannot look up the passport number: %s",
		    store_errmsg(db->st));
out:
	store_reset(s);
	if (rc) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	strbuf_release(&norm);
	strbuf_release(&plain);
	return rc;
}

int cmd_test_passport_lookup(int argc, char **argv)
{
	const char *dbflag = NULL, *keyflag = NULL;
	struct opt opts[] = {
		OPT_DB(&dbflag),
		OPT_KEY(&keyflag),
		OPT_END,
	};
	struct strbuf err = STRBUF_INIT;
	struct store_stmt *s;
	struct db db = { 0 };
	char **pos = xcalloc((size_t)argc, sizeof(*pos));
	int64_t *ids = NULL;
	size_t n = 0, i;
	int npos = 0, rc;

	rc = opt_parse(opts, argc, argv, pos, &npos);
	if (rc)
		goto out;
	if (npos != 1) {
		cli_error(argv[0], "usage: homeward %s [--db PATH] NUMBER", argv[0]);
		rc = HW_EINPUT;
		goto out;
	}
	rc = db_open(&db, cli_db_path(dbflag), keyflag, DB_KEYS, &err);
	if (!rc)
		rc = person_find_by_passport(&db, pos[0], &ids, &n, &err);
	if (!rc)
		rc = store_prepare(db.st, "SELECT external_id FROM person WHERE id = ?", &s);
	if (rc) {
		cli_error(argv[0], "%s", err.len ? err.buf : store_errmsg(db.st));
		goto out;
	}
	for (i = 0; i < n; i++) {
		store_bind_int64(s, 1, ids[i]);
		if (store_step(s) == STORE_ROW)
			printf("%s\n", store_col_text(s, 0, NULL));
		store_reset(s);
	}
out:
	free(ids);
	db_release(&db);
	free(pos);
	strbuf_release(&err);
	return rc;
}
