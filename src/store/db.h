/*
 * db.h: opening a Homeward database together with its key file, the one
 * way commands and the server get a store and a keyring.
 */
#ifndef HW_DB_H
#define HW_DB_H

#include <stdbool.h>

struct store;
struct keyring;
struct strbuf;

struct db {
	struct store *st;
	struct keyring *keys;   /* NULL when opened without keys */
	char *path;
	char *key_path;
};

enum db_flags {
	DB_KEYS = 1,     /* load and check the key file */
	DB_READONLY = 2,
};

/*
 * Open the existing, initialised database at `path` (see cli_db_path) and,
 * with DB_KEYS, its key file (`key_flag`, see keyring_path). On failure
 * returns the error code with a message in `err` and leaves `db` released.
 */
int db_open(struct db *db, const char *path, const char *key_flag,
	    unsigned flags, struct strbuf *err);

/*
 * db_open() for a command: the database of `dbflag` (see cli_db_path), and
 * on failure the message printed as "homeward CMD: ...". Returns the code.
 */
int db_open_cli(struct db *db, const char *cmd, const char *dbflag,
		const char *key_flag, unsigned flags);

/*
 * For a command whose one option is --db (argv[0] its name): parse argv
 * and open the database with db_open_cli(). Errors are printed.
 */
int db_open_cli_args(struct db *db, int argc, char **argv, unsigned flags);

/*
 * A command that lists rows (mission list, user list): its one option
 * --db, then the rows of `sql` as record_print_table() prints them on
 * standard output. Errors are printed as "homeward CMD: ...".
 */
struct rec_column;
int db_list_cmd(int argc, char **argv, const char *sql,
		const struct rec_column *cols);

/*
 * Create the database if needed, apply pending migrations, create the key
 * file if the database has none yet, and bind the key to the database.
 * *created_key tells whether a key file was made.
 */
int db_init(struct db *db, const char *path, const char *key_flag,
	    bool *created_key, struct strbuf *err);

/* Close what `db` holds. NULL-safe, idempotent. */
void db_release(struct db *db);

/* The `homeward init` command. */
int cmd_init(int argc, char **argv);

#endif
