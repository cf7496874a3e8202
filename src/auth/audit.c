/*
 * audit.c: the audit log's hash chain (see audit.h) and the `homeward
 * audit` command with its subcommands in a table.
 *
 * An entry's hash covers a canonical encoding of its fields rather than a
 * plain concatenation: the id as 8 big-endian bytes, then each text field
 * as a 0 byte when it is NULL, or a 1 byte, its length as 8 big-endian
 * bytes and its bytes. Without the lengths, "ab" + "c" and "a" + "bc" would
 * hash alike and a field's end could be moved undetected; without the
 * marker, NULL and "" would. A version tag in front lets a later encoding
 * live beside this one.
 */
#include "core/homeward.h"
#include "auth/audit.h"
#include "store/record.h"
#include "core/time.h"
#include "core/cli.h"
#include "store/db.h"
#include "store/store.h"

#include <pwd.h>
#include <sodium.h>
#include <time.h>
#include <unistd.h>

static const char genesis_hash[AUDIT_HASH_HEX + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* The fields of one entry, as stored. */
struct audit_entry {
	int64_t id;
	const char *at, *actor, *action, *object, *detail, *address;
	const char *prev_hash;
};

static void put_be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static void hash_field(crypto_generichash_state *h, const char *s)
{
	unsigned char head[9];

	if (!s) {
		head[0] = 0;
		crypto_generichash_update(h, head, 1);
		return;
	}
	head[0] = 1;
	put_be64(head + 1, strlen(s));
	crypto_generichash_update(h, head, sizeof(head));
	crypto_generichash_update(h, (const unsigned char *)s, strlen(s));
}

/* The hex hash of `e` into `hex` (AUDIT_HASH_HEX + 1 bytes). */
static int entry_hash(const struct audit_entry *e, char *hex)
{
	static const char tag[] = "homeward-audit-v1";
	unsigned char md[32], id[8];
	crypto_generichash_state h;

	if (sodium_init() < 0)
		return HW_EINTERNAL;
	crypto_generichash_init(&h, NULL, 0, sizeof(md));
	crypto_generichash_update(&h, (const unsigned char *)tag, sizeof(tag));
	put_be64(id, (uint64_t)e->id);
	crypto_generichash_update(&h, id, sizeof(id));
	hash_field(&h, e->at);
	hash_field(&h, e->actor);
	hash_field(&h, e->action);
	hash_field(&h, e->object);
	hash_field(&h, e->detail);
	hash_field(&h, e->address);
	hash_field(&h, e->prev_hash);
	crypto_generichash_final(&h, md, sizeof(md));
	sodium_bin2hex(hex, AUDIT_HASH_HEX + 1, md, sizeof(md));
	return HW_OK;
}

/* Bind text keeping NULL and "" apart (store_bind_str folds "" to NULL). */
static void bind_nullable(struct store_stmt *s, int i, const char *v)
{
	if (v)
		store_bind_text(s, i, v, strlen(v));
	else
		store_bind_null(s, i);
}

int audit_append(struct store *st, const char *actor, const char *action,
		 const char *object, const char *detail, const char *address,
		 struct strbuf *err)
{
	struct audit_entry e = { 0 };
	struct store_stmt *s;
	char prev[AUDIT_HASH_HEX + 1], hash[AUDIT_HASH_HEX + 1], at[TIME_ISO_SIZE];
	time_t t = time(NULL);
	int rc;

	assert(actor && action);
	memcpy(prev, genesis_hash, sizeof(prev));
	e.id = 1;
	if (store_prepare(st, "SELECT id, hash FROM audit ORDER BY id DESC "
			  "LIMIT 1", &s))
		goto dberr;
	rc = store_step(s);
	if (rc == STORE_ROW) {
		const char *h = store_col_text(s, 1, NULL);

		e.id = store_col_int64(s, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", h ? h : "");
	}
	store_reset(s);
	if (rc < 0)
		goto dberr;

	time_iso(t, at);
	e.at = at;
	e.actor = actor;
	e.action = action;
	e.object = object;
	e.detail = detail;
	e.address = address;
	e.prev_hash = prev;
	rc = entry_hash(&e, hash);
	if (rc) {
		strbuf_addstr(err, "cannot record the audit entry: libsodium "
			      "failed to initialise");
		return rc;
	}

	if (store_prepare(st, "INSERT INTO audit(id, at, actor, action, object, "
			  "detail, address, prev_hash, hash) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &s))
		goto dberr;
	store_bind_int64(s, 1, e.id);
	bind_nullable(s, 2, e.at);
	bind_nullable(s, 3, e.actor);
	bind_nullable(s, 4, e.action);
	bind_nullable(s, 5, e.object);
	bind_nullable(s, 6, e.detail);
	bind_nullable(s, 7, e.address);
	bind_nullable(s, 8, e.prev_hash);
	bind_nullable(s, 9, hash);
	if (store_run(s))
		goto dberr;
	return HW_OK;
dberr:
	strbuf_addf(err, "cannot record the audit entry '%s': %s", action,
		    store_errmsg(st));
	return HW_EDB;
}

int audit_append_tx(struct store *st, const char *actor, const char *action,
		    const char *object, const char *detail, const char *address,
		    struct strbuf *err)
{
	int rc;

	if (store_begin(st)) {
		strbuf_addf(err, "cannot record the audit entry '%s': %s", action,
			    store_errmsg(st));
		return HW_EDB;
	}
	rc = audit_append(st, actor, action, object, detail, address, err);
	if (!rc && store_commit(st)) {
		strbuf_addf(err, "cannot record the audit entry '%s': %s", action,
			    store_errmsg(st));
		rc = HW_EDB;
	}
	if (rc)
		store_rollback(st);
	return rc;
}

const char *audit_cli_actor(void)
{
	static char actor[128];
	struct passwd *pw;

	if (!actor[0]) {
		pw = getpwuid(geteuid());
		if (pw && pw->pw_name && *pw->pw_name)
			snprintf(actor, sizeof(actor), "cli:%s", pw->pw_name);
		else
			snprintf(actor, sizeof(actor), "cli:uid-%ld",
				 (long)geteuid());
	}
	return actor;
}

int audit_verify(struct store *st, int64_t *bad_id, int64_t *count,
		 struct strbuf *err)
{
	struct store_stmt *s;
	char prev[AUDIT_HASH_HEX + 1], hash[AUDIT_HASH_HEX + 1];
	int64_t prev_id = 0, n = 0, bad = 0;
	int rc;

	memcpy(prev, genesis_hash, sizeof(prev));
	if (store_prepare(st, "SELECT id, at, actor, action, object, detail, "
			  "address, prev_hash, hash FROM audit ORDER BY id", &s)) {
		strbuf_addf(err, "cannot read the audit log: %s", store_errmsg(st));
		return HW_EDB;
	}
	while ((rc = store_step(s)) == STORE_ROW) {
		struct audit_entry e;
		const char *stored = store_col_text(s, 8, NULL);

		e.id = store_col_int64(s, 0);
		e.at = store_col_text(s, 1, NULL);
		e.actor = store_col_text(s, 2, NULL);
		e.action = store_col_text(s, 3, NULL);
		e.object = store_col_text(s, 4, NULL);
		e.detail = store_col_text(s, 5, NULL);
		e.address = store_col_text(s, 6, NULL);
		e.prev_hash = store_col_text(s, 7, NULL);
		bad = e.id;
		if (e.id != prev_id + 1) {
			if (prev_id == 0)
				strbuf_addf(err, "entry %" PRId64 " is the first: "
					    "%s before it %s removed", e.id,
					    e.id == 2 ? "entry 1" : "the entries",
					    e.id == 2 ? "was" : "were");
			else if (e.id == prev_id + 2)
				strbuf_addf(err, "entry %" PRId64 " follows entry %"
					    PRId64 ": entry %" PRId64 " was removed",
					    e.id, prev_id, prev_id + 1);
			else
				strbuf_addf(err, "entry %" PRId64 " follows entry %"
					    PRId64 ": entries %" PRId64 " to %" PRId64
					    " were removed", e.id, prev_id,
					    prev_id + 1, e.id - 1);
			rc = HW_ECONFLICT;
			break;
		}
		rc = entry_hash(&e, hash);
		if (rc) {
			strbuf_addstr(err, "cannot verify the audit log: libsodium "
				      "failed to initialise");
			break;
		}
		if (!stored || strcmp(stored, hash)) {
			strbuf_addf(err, "entry %" PRId64 ": its contents do not "
				    "match its hash (altered)", e.id);
			rc = HW_ECONFLICT;
			break;
		}
		if (!e.prev_hash || strcmp(e.prev_hash, prev)) {
			/* Its own hash is right, so it was rewritten whole,
			 * or the entry before it was altered and rehashed. */
			strbuf_addf(err, "entry %" PRId64 ": its prev_hash does "
				    "not match the hash of %s (one of them was "
				    "altered and rehashed)", e.id,
				    prev_id ? "the entry before it" : "the start "
				    "of the log");
			rc = HW_ECONFLICT;
			break;
		}
		memcpy(prev, hash, sizeof(prev));
		prev_id = e.id;
		n++;
	}
	store_reset(s);
	if (rc < 0 && rc != HW_ECONFLICT && rc != HW_EINTERNAL) {
		strbuf_addf(err, "cannot read the audit log: %s", store_errmsg(st));
		return HW_EDB;
	}
	if (rc == HW_ECONFLICT && bad_id)
		*bad_id = bad;
	if (count)
		*count = n;
	return rc < 0 ? rc : HW_OK;
}

/* Print a field for a tab-separated line: NULL as empty, and the tab,
 * newline and backslash in it escaped so that a line stays one entry. */
static void print_field(const char *v, bool last)
{
	for (; v && *v; v++) {
		if (*v == '\t')
			fputs("\\t", stdout);
		else if (*v == '\n')
			fputs("\\n", stdout);
		else if (*v == '\\')
			fputs("\\\\", stdout);
		else
			putchar(*v);
	}
	putchar(last ? '\n' : '\t');
}

static int audit_cmd_verify(int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	struct store_stmt *s;
	struct db db = { 0 };
	int64_t bad = 0, n = 0;
	int rc;

	rc = db_open_cli_args(&db, argc, argv, DB_READONLY);
	if (rc)
		goto out;
	rc = audit_verify(db.st, &bad, &n, &err);
	if (rc == HW_ECONFLICT) {
		printf("audit log broken at entry %" PRId64 ": %s\n", bad, err.buf);
		goto out;
	}
	if (rc) {
		cli_error(argv[0], "%s", err.buf);
		goto out;
	}
	if (store_prepare(db.st, "SELECT hash FROM audit ORDER BY id DESC "
			  "LIMIT 1", &s)) {
		cli_error(argv[0], "%s", store_errmsg(db.st));
		rc = HW_EDB;
		goto out;
	}
	printf("audit log intact: %" PRId64 " %s, head %s\n", n,
	       n == 1 ? "entry" : "entries",
	       store_step(s) == STORE_ROW ? store_col_text(s, 0, NULL)
	       : genesis_hash);
	store_reset(s);
out:
	db_release(&db);
	strbuf_release(&err);
	return rc;
}

/* An entry of AUDIT_ENTRY_COLUMNS as a line of `audit list`. */
static void print_entry(struct store_stmt *s)
{
	printf("%" PRId64 "\t", store_col_int64(s, 0));
	for (int c = 1; c < 7; c++)
		print_field(store_col_text(s, c, NULL), c == 6);
}

/* The id and hash of the head, as `audit head` prints it. */
static void print_head(struct store_stmt *s)
{
	printf("%" PRId64 " %s\n", store_col_int64(s, 0), store_col_text(s, 1, NULL));
}

/*
 * A read of a command: `sql` with its parameters (store_bind_list's
 * types), each row printed with `print`, `none` printed (if not NULL)
 * when there is no row. Errors are printed.
 */
static int print_rows(const char *cmd, struct db *db, const char *sql,
		      void (*print)(struct store_stmt *s), const char *none,
		      const char *types, int64_t arg)
{
	struct strbuf err = STRBUF_INIT;
	struct store_stmt *s;
	int rc, n = 0;

	if ((rc = store_prepare_args(db->st, &s, sql, "read the audit log", &err,
				     types, arg))) {
		cli_error(cmd, "%s", err.buf);
		strbuf_release(&err);
		return rc;
	}
	while ((rc = store_step(s)) == STORE_ROW && ++n)
		print(s);
	store_reset(s);
	if (rc < 0) {
		cli_error(cmd, "%s", store_errmsg(db->st));
		return HW_EDB;
	}
	if (!n && none)
		puts(none);
	return HW_OK;
}

static int audit_cmd_list(int argc, char **argv)
{
	const char *dbflag = NULL;
	int64_t limit = 20;
	struct opt opts[] = {
		OPT_DB(&dbflag),
		{ "limit", OPT_INT, &limit, "N", "how many entries (default 20)" },
		OPT_END,
	};
	struct db db = { 0 };
	int rc;

	if ((rc = opt_parse_only(opts, argc, argv)) ||
	    (rc = opt_check_range(argv[0], "limit", limit, 1, INT64_MAX)) ||
	    (rc = db_open_cli(&db, argv[0], dbflag, NULL, DB_READONLY)))
		goto out;
	rc = print_rows(argv[0], &db, "SELECT " AUDIT_ENTRY_COLUMNS " FROM audit "
			"ORDER BY id DESC LIMIT ?", print_entry, NULL, "i", limit);
out:
	db_release(&db);
	return rc;
}

static int audit_cmd_head(int argc, char **argv)
{
	char none[8 + AUDIT_HASH_HEX];
	struct db db = { 0 };
	int rc;

	snprintf(none, sizeof(none), "0 %s", genesis_hash);
	if (!(rc = db_open_cli_args(&db, argc, argv, DB_READONLY)))
		rc = print_rows(argv[0], &db, "SELECT id, hash FROM audit ORDER BY "
				"id DESC LIMIT 1", print_head, none, "", 0);
	db_release(&db);
	return rc;
}

static const struct subcommand subcommands[] = {
	{ "verify", "audit verify", audit_cmd_verify, "check the hash chain" },
	{ "list", "audit list", audit_cmd_list, "the latest entries" },
	{ "head", "audit head", audit_cmd_head, "the latest entry's id and hash" },
};

int cmd_audit(int argc, char **argv)
{
	return cli_dispatch("audit", subcommands, ARRAY_SIZE(subcommands),
			    argc, argv);
}

const struct rec_field audit_entry_fields[] = {
	{ "id", REC_INT }, { "at", REC_TEXT }, { "actor", REC_TEXT },
	{ "action", REC_TEXT }, { "object", REC_TEXT }, { "detail", REC_TEXT },
	{ "address", REC_TEXT }, { NULL, 0 },
};

const struct rec_field audit_chain_fields[] = {
	{ "prev_hash", REC_TEXT }, { "hash", REC_TEXT }, { NULL, 0 },
};
