/*
 * user.c: users and their passwords (user.h), and the `homeward user`
 * command with its subcommands in a table.
 */
#include "homeward.h"
#include "audit.h"
#include "cli.h"
#include "db.h"
#include "store.h"
#include "user.h"

#include <pthread.h>
#include <sodium.h>
#include <time.h>

const char *const user_roles[] = {
	"citizen", "officer", "mission-head", "hq", "auditor",
};
const size_t user_roles_count = ARRAY_SIZE(user_roles);

#define PASSWORD_MIN 10
#define PASSWORD_MAX 1024

static bool valid_login(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 3 || n > 64)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || c == '@'))
			return false;
	}
	return true;
}

static bool role_needs_mission(const char *role)
{
	return !strcmp(role, "officer") || !strcmp(role, "mission-head");
}

static void utc_now(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The id of the mission with this code, 0 if none; negative on error. */
static int64_t mission_id(struct store *st, const char *code)
{
	struct store_stmt *s;
	int64_t id = 0;
	int rc;

	if (store_prepare(st, "SELECT id FROM mission WHERE code = ?", &s))
		return HW_EDB;
	store_bind_str(s, 1, code);
	rc = store_step(s);
	if (rc == STORE_ROW)
		id = store_col_int64(s, 0);
	store_reset(s);
	return rc < 0 ? HW_EDB : id;
}

int user_add(struct store *st, const struct user_new *u, int64_t *id,
	     struct strbuf *err)
{
	char hash[crypto_pwhash_STRBYTES], now[32];
	struct strbuf detail = STRBUF_INIT;
	struct store_stmt *s;
	int64_t mid = 0;
	bool in_tx = false;
	size_t i;
	int rc = HW_EINPUT;

	if (!u->login || !valid_login(u->login)) {
		strbuf_addf(err, "login: '%s' is not a login (3 to 64 of a-z, "
			    "0-9, '.', '_', '-', '@')", u->login ? u->login : "");
		goto out;
	}
	for (i = 0; u->role && i < user_roles_count; i++)
		if (!strcmp(u->role, user_roles[i]))
			break;
	if (!u->role || i == user_roles_count) {
		strbuf_addf(err, "role: '%s' is not one of citizen, officer, "
			    "mission-head, hq, auditor", u->role ? u->role : "");
		goto out;
	}
	if (role_needs_mission(u->role) && !(u->mission && *u->mission)) {
		strbuf_addf(err, "mission: an %s belongs to a mission: give "
			    "--mission CODE", u->role);
		goto out;
	}
	if (!role_needs_mission(u->role) && u->mission && *u->mission) {
		strbuf_addf(err, "mission: a user with role %s has no mission",
			    u->role);
		goto out;
	}
	if (!u->password || strlen(u->password) < PASSWORD_MIN ||
	    strlen(u->password) > PASSWORD_MAX) {
		strbuf_addf(err, "password: %d to %d characters are needed",
			    PASSWORD_MIN, PASSWORD_MAX);
		goto out;
	}
	if (sodium_init() < 0 ||
	    crypto_pwhash_str(hash, u->password, strlen(u->password),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE)) {
		strbuf_addstr(err, "cannot hash the password (out of memory?)");
		rc = HW_EINTERNAL;
		goto out;
	}
	utc_now(now, sizeof(now));

	if (store_begin(st))
		goto dberr;
	in_tx = true;
	if (role_needs_mission(u->role)) {
		mid = mission_id(st, u->mission);
		if (mid < 0)
			goto dberr;
		if (!mid) {
			strbuf_addf(err, "mission: '%s' does not exist (see "
				    "'homeward mission list')", u->mission);
			rc = HW_EINPUT;
			goto out;
		}
	}
	if (store_prepare(st, "INSERT INTO app_user(login, password_hash, role, "
			  "mission_id, created_at, updated_at) VALUES "
			  "(?, ?, ?, ?, ?6, ?6) RETURNING id", &s))
		goto dberr;
	store_bind_str(s, 1, u->login);
	store_bind_str(s, 2, hash);
	store_bind_str(s, 3, u->role);
	if (mid)
		store_bind_int64(s, 4, mid);
	store_bind_str(s, 6, now);
	rc = store_step(s);
	if (rc == STORE_ROW)
		*id = store_col_int64(s, 0);
	store_reset(s);
	if (rc == HW_ECONFLICT) {
		strbuf_addf(err, "login: '%s' is taken", u->login);
		rc = HW_EINPUT;
		goto out;
	}
	if (rc != STORE_ROW)
		goto dberr;
	strbuf_addf(&detail, "role %s%s%s", u->role, mid ? ", mission " : "",
		    mid ? u->mission : "");
	rc = audit_append(st, u->actor ? u->actor : audit_cli_actor(),
			  "user-add", u->login, detail.buf, NULL, err);
	if (rc)
		goto out;
	if (store_commit(st))
		goto dberr;
	in_tx = false;
	rc = HW_OK;
	goto out;
dberr:
	strbuf_addf(err, "cannot add user '%s': %s", u->login, store_errmsg(st));
	rc = HW_EDB;
out:
	if (in_tx)
		store_rollback(st);
	sodium_memzero(hash, sizeof(hash));
	strbuf_release(&detail);
	return rc;
}

/* A hash to verify against when the login is unknown, so that the answer
 * takes as long either way and does not reveal which logins exist. */
static char dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	if (sodium_init() < 0 ||
	    crypto_pwhash_str(dummy, "not a password", 14,
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE))
		dummy[0] = '\0';
}

int user_check_password(struct store *st, const char *login,
			const char *password, int64_t *id)
{
	char hash[crypto_pwhash_STRBYTES] = "";
	struct store_stmt *s;
	bool found = false;
	int rc;

	pthread_once(&dummy_once, make_dummy);
	if (!dummy[0])
		return HW_EINTERNAL;
	if (store_prepare(st, "SELECT id, password_hash FROM app_user "
			  "WHERE login = ? AND disabled = 0", &s))
		return HW_EDB;
	store_bind_str(s, 1, login);
	rc = store_step(s);
	if (rc == STORE_ROW) {
		const char *h = store_col_text(s, 1, NULL);
		*id = store_col_int64(s, 0);
		if (h && strlen(h) < sizeof(hash)) {
			memcpy(hash, h, strlen(h) + 1);
			found = true;
		}
	}
	store_reset(s);
	if (rc < 0)
		return HW_EDB;
	if (crypto_pwhash_str_verify(found ? hash : dummy, password,
				     strlen(password)) || !found)
		return HW_ENOTFOUND;
	return HW_OK;
}

/* The password from the first line of standard input. */
static int read_password(struct strbuf *out)
{
	int c;

	while ((c = getchar()) != EOF && c != '\n') {
		if (out->len >= PASSWORD_MAX + 1)
			continue;
		strbuf_addch(out, c);
	}
	if (out->len && out->buf[out->len - 1] == '\r')
		strbuf_setlen(out, out->len - 1);
	return HW_OK;
}

static int user_cmd_add(int argc, char **argv)
{
	const char *dbflag = NULL;
	struct user_new u = { 0 };
	bool stdin_pw = false;
	struct opt opts[] = {
		{ "db", OPT_STRING, &dbflag },
		{ "login", OPT_STRING, &u.login },
		{ "role", OPT_STRING, &u.role },
		{ "mission", OPT_STRING, &u.mission },
		{ "password-stdin", OPT_FLAG, &stdin_pw },
		{ NULL, 0, NULL },
	};
	struct strbuf err = STRBUF_INIT, pw = STRBUF_INIT;
	struct db db = { 0 };
	int64_t id = 0;
	int rc;

	rc = opt_parse_only(opts, argc, argv);
	if (rc)
		goto out;
	if (!stdin_pw) {
		/* Never on the command line, where ps and shell history see it. */
		cli_error(argv[0], "give the password on standard input with "
			  "--password-stdin");
		rc = HW_EINPUT;
		goto out;
	}
	read_password(&pw);
	u.password = pw.buf;
	rc = db_open(&db, cli_db_path(dbflag), NULL, 0, &err);
	if (!rc)
		rc = user_add(db.st, &u, &id, &err);
	if (rc) {
		cli_error(argv[0], "%s", err.buf);
		goto out;
	}
	printf("user %s added (id %" PRId64 ", role %s)\n", u.login, id, u.role);
out:
	if (pw.len)
		sodium_memzero(pw.buf, pw.len);
	strbuf_release(&pw);
	db_release(&db);
	strbuf_release(&err);
	return rc;
}

static int user_cmd_list(int argc, char **argv)
{
	const char *dbflag = NULL;
	struct opt opts[] = {
		{ "db", OPT_STRING, &dbflag },
		{ NULL, 0, NULL },
	};
	struct store_stmt *s;
	struct db db = { 0 };
	int rc;

	rc = opt_parse_only(opts, argc, argv);
	if (rc)
		goto out;
	rc = db_open_cli(&db, argv[0], dbflag, NULL, 0);
	if (rc)
		goto out;
	if (store_prepare(db.st, "SELECT u.login, u.role, m.code, u.disabled "
			  "FROM app_user u LEFT JOIN mission m ON m.id = u.mission_id "
			  "ORDER BY u.login", &s)) {
		cli_error(argv[0], "%s", store_errmsg(db.st));
		rc = HW_EDB;
		goto out;
	}
	printf("%-24s %-14s %-16s %s\n", "login", "role", "mission", "state");
	while ((rc = store_step(s)) == STORE_ROW)
		printf("%-24s %-14s %-16s %s\n", store_col_text(s, 0, NULL),
		       store_col_text(s, 1, NULL),
		       store_col_null(s, 2) ? "-" : store_col_text(s, 2, NULL),
		       store_col_int64(s, 3) ? "disabled" : "enabled");
	store_reset(s);
	rc = rc < 0 ? HW_EDB : HW_OK;
out:
	db_release(&db);
	return rc;
}

static const struct subcommand subcommands[] = {
	{ "add", "user add", user_cmd_add, "add a user" },
	{ "list", "user list", user_cmd_list, "list the users" },
};

int cmd_user(int argc, char **argv)
{
	return cli_dispatch("user", subcommands, ARRAY_SIZE(subcommands),
			    argc, argv);
}

int cmd_test_login(int argc, char **argv)
{
	const char *dbflag = NULL, *login = NULL;
	bool stdin_pw = false;
	struct opt opts[] = {
		{ "db", OPT_STRING, &dbflag },
		{ "login", OPT_STRING, &login },
		{ "password-stdin", OPT_FLAG, &stdin_pw },
		{ NULL, 0, NULL },
	};
	struct strbuf pw = STRBUF_INIT;
	struct db db = { 0 };
	int64_t id = 0;
	int rc;

	rc = opt_parse_only(opts, argc, argv);
	if (rc)
		goto out;
	if (!login || !stdin_pw) {
		cli_error(argv[0], "usage: homeward test-login --login L --password-stdin");
		rc = HW_EINPUT;
		goto out;
	}
	read_password(&pw);
	rc = db_open_cli(&db, argv[0], dbflag, NULL, 0);
	if (rc)
		goto out;
	rc = user_check_password(db.st, login, pw.buf, &id);
	printf("%s\n", rc ? "refused" : "accepted");
out:
	if (pw.len)
		sodium_memzero(pw.buf, pw.len);
	strbuf_release(&pw);
	db_release(&db);
	return rc;
}
