/*
 * db.c: a database and its key file, opened and checked together (db.h),
 * and the `homeward init` command.
 */
#include "core/homeward.h"
#include "core/cli.h"
#include "store/db.h"
#include "store/keyring.h"
#include "store/record.h"
#include "store/store.h"

#include <unistd.h>

void db_release(struct db *db)
{
	if (!db)
		return;
	store_close(db->st);
	keyring_free(db->keys);
	free(db->path);
	free(db->key_path);
	memset(db, 0, sizeof(*db));
}

static int load_keys(struct db *db, const char *key_flag, struct strbuf *err)
{
	struct strbuf kp = STRBUF_INIT;
	int rc;

	keyring_path(&kp, key_flag, db->path);
	db->key_path = strbuf_detach(&kp, NULL);
	rc = keyring_load(db->key_path, &db->keys, err);
	if (rc == HW_ENOTFOUND)
		strbuf_addstr(err, " (the key file is made by 'homeward init'; "
			      "give it with --key or $HOMEWARD_KEY)");
	if (rc)
		return rc;
	return keyring_bind(db->keys, db->st, db->key_path, err);
}

int db_open(struct db *db, const char *path, const char *key_flag,
	    unsigned flags, struct strbuf *err)
{
	int rc;

	memset(db, 0, sizeof(*db));
	db->path = xstrdup(path);
	rc = store_open(path, (flags & DB_READONLY) ? STORE_READONLY : 0,
			&db->st, err);
	if (!rc && (flags & DB_KEYS))
		rc = load_keys(db, key_flag, err);
	if (rc)
		db_release(db);
	return rc;
}

int db_open_cli(struct db *db, const char *cmd, const char *dbflag,
		const char *key_flag, unsigned flags)
{
	struct strbuf err = STRBUF_INIT;
	int rc = db_open(db, cli_db_path(dbflag), key_flag, flags, &err);

	if (rc)
		cli_error(cmd, "%s", err.buf);
	strbuf_release(&err);
	return rc;
}

int db_open_cli_args(struct db *db, int argc, char **argv, unsigned flags)
{
	const char *dbflag = NULL;
	struct opt opts[] = {
		OPT_DB(&dbflag),
		OPT_END,
	};
	int rc = opt_parse_only(opts, argc, argv);

	return rc ? rc : db_open_cli(db, argv[0], dbflag, NULL, flags);
}

int db_init(struct db *db, const char *path, const char *key_flag,
	    bool *created_key, struct strbuf *err)
{
	struct strbuf kp = STRBUF_INIT;
	int rc;

	memset(db, 0, sizeof(*db));
	*created_key = false;
	db->path = xstrdup(path);
	rc = store_open(path, STORE_CREATE | STORE_MIGRATE, &db->st, err);
	if (rc)
		goto out;
	keyring_path(&kp, key_flag, path);
	if (access(kp.buf, F_OK)) {
		struct store_stmt *s;
		bool bound = false;

		/* A missing key file for a database that already holds a key
		 * check would make its sealed fields unreadable forever: say
		 * so instead of quietly making a new key. */
		if (!store_prepare(db->st, "SELECT 1 FROM meta WHERE key = 'key_check'", &s)) {
			bound = store_step(s) == STORE_ROW;
			store_reset(s);
		}
		if (bound) {
			strbuf_addf(err, "key file '%s' is missing, and database '%s' "
				    "was initialised with one: restore it from "
				    "backup or give its path with --key", kp.buf, path);
			rc = HW_ECRYPTO;
			goto out;
		}
		rc = keyring_create(kp.buf, err);
		if (rc)
			goto out;
		*created_key = true;
	}
	strbuf_release(&kp);
	rc = load_keys(db, key_flag, err);
out:
	strbuf_release(&kp);
	if (rc)
		db_release(db);
	return rc;
}

int cmd_init(int argc, char **argv)
{
	const char *dbflag = NULL, *keyflag = NULL;
	struct strbuf err = STRBUF_INIT;
	struct opt opts[] = {
		OPT_DB(&dbflag),
		OPT_KEY(&keyflag),
		OPT_END,
	};
	struct db db;
	bool created = false;
	int rc, before;

	rc = opt_parse_only(opts, argc, argv);
	if (rc)
		goto out;
	rc = db_init(&db, cli_db_path(dbflag), keyflag, &created, &err);
	if (rc) {
		cli_error(argv[0], "%s", err.buf);
		goto out;
	}
	before = store_schema_version(db.st);
	printf("database %s: schema version %d (%s)\n", db.path, before,
	       store_backend_name(db.st));
	printf("key file %s%s\n", db.key_path,
	       created ? ": created; back it up apart from the database" : "");
	db_release(&db);
out:
	strbuf_release(&err);
	return rc;
}

int db_list_cmd(int argc, char **argv, const char *sql,
		const struct rec_column *cols)
{
	struct strbuf err = STRBUF_INIT;
	struct db db = { 0 };
	int rc = db_open_cli_args(&db, argc, argv, 0);

	if (!rc && (rc = record_print_table(db.st, sql, cols, stdout, &err)))
		cli_error(argv[0], "%s", err.buf);
	db_release(&db);
	strbuf_release(&err);
	return rc;
}
