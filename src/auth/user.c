/*
 * user.c: users and their passwords (user.h), and the `homeward user`
 * command with its subcommands in a table.
 */
#include "core/homeward.h"
#include "auth/audit.h"
#include "store/record.h"
#include "core/time.h"
#include "core/cli.h"
#include "store/db.h"
#include "store/store.h"
#include "auth/user.h"

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

/* The role's index in user_roles, or -1. */
static int role_index(const char *role)
{
	for (size_t i = 0; role && i < user_roles_count; i++)
		if (!strcmp(role, user_roles[i]))
			return (int)i;
	return -1;
}

static bool valid_password(const char *pw)
{
	return pw && strlen(pw) >= PASSWORD_MIN && strlen(pw) <= PASSWORD_MAX;
}

/* The role and mission of a user must agree: a mission for officers and
 * mission heads, none for the others. */
static int check_role_mission(const char *role, const char *mission,
			      struct strbuf *err)
{
	bool has = mission && *mission;

	if (role_needs_mission(role) && !has) {
		strbuf_addf(err, "mission: an %s belongs to a mission: give "
			    "--mission CODE", role);
		return HW_EINPUT;
	}
	if (!role_needs_mission(role) && has) {
		strbuf_addf(err, "mission: a user with role %s has no mission",
			    role);
		return HW_EINPUT;
	}
	return HW_OK;
}

/* The mission's id into *id, or a message naming the field. */
static int find_mission(struct store *st, const char *code, int64_t *id,
			struct strbuf *err)
{
	*id = mission_id(st, code);
	if (*id < 0) {
		strbuf_addf(err, "cannot look up mission '%s': %s", code,
			    store_errmsg(st));
		return HW_EDB;
	}
	if (!*id) {
		strbuf_addf(err, "mission: '%s' does not exist (see "
			    "'homeward mission list')", code);
		return HW_EINPUT;
	}
	return HW_OK;
}

static int hash_password(const char *pw, char hash[crypto_pwhash_STRBYTES],
			 struct strbuf *err)
{
	if (sodium_init() < 0 ||
	    crypto_pwhash_str(hash, pw, strlen(pw),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE)) {
		strbuf_addstr(err, "cannot hash the password (out of memory?)");
		return HW_EINTERNAL;
	}
	return HW_OK;
}

/* A person_id for a new citizen account: the person exists and has no
 * account yet. */
static int check_person(struct store *st, int64_t person_id, struct strbuf *err)
{
	int64_t accounts = 0;
	int rc = store_one_int64(st, &accounts, "SELECT (SELECT count(*) FROM app_user "
				 "WHERE person_id = person.id) FROM person WHERE id = ?",
				 "look up the person", err, "i", person_id);

	if (rc < 0)
		return rc;
	if (rc == STORE_DONE) {
		strbuf_addf(err, "person_id: there is no person %" PRId64, person_id);
		return HW_EINPUT;
	}
	if (accounts > 0) {
		strbuf_addf(err, "person_id: person %" PRId64 " has an account already",
			    person_id);
		return HW_ECONFLICT;
	}
	return HW_OK;
}

int user_insert(struct store *st, const struct user_new *u, int64_t *id,
		struct strbuf *err)
{
	char hash[crypto_pwhash_STRBYTES] = "", now[32];
	struct strbuf detail = STRBUF_INIT;
	int64_t mid = 0;
	int rc = HW_EINPUT;

	if (!u->login || !valid_login(u->login)) {
		strbuf_addf(err, "login: '%s' is not a login (3 to 64 of a-z, "
			    "0-9, '.', '_', '-', '@')", u->login ? u->login : "");
		goto out;
	}
	if (role_index(u->role) < 0) {
		strbuf_addf(err, "role: '%s' is not one of citizen, officer, "
			    "mission-head, hq, auditor", u->role ? u->role : "");
		goto out;
	}
	if ((rc = check_role_mission(u->role, u->mission, err)))
		goto out;
	rc = HW_EINPUT;
	if (u->person_id && strcmp(u->role, "citizen")) {
		strbuf_addf(err, "person_id: only a citizen's account belongs to "
			    "a person, not a user with role %s", u->role);
		goto out;
	}
	if (!valid_password(u->password)) {
		strbuf_addf(err, "password: %d to %d characters are needed",
			    PASSWORD_MIN, PASSWORD_MAX);
		goto out;
	}
	if (role_needs_mission(u->role) &&
	    (rc = find_mission(st, u->mission, &mid, err)))
		goto out;
	if (u->person_id && (rc = check_person(st, u->person_id, err)))
		goto out;
	if ((rc = hash_password(u->password, hash, err)))
		goto out;
	time_iso_now(now);
	rc = store_one_int64(st, id, "INSERT INTO app_user(login, password_hash, role, "
			     "mission_id, person_id, created_at, updated_at) VALUES "
			     "(?, ?, ?, ?, ?, ?, ?) RETURNING id", "add the user", NULL,
			     "sssIIss", u->login, hash, u->role, mid, u->person_id, now,
			     now);
	if (rc == HW_ECONFLICT) {
		strbuf_addf(err, "login: '%s' is taken", u->login);
		goto out;
	}
	if (rc != STORE_ROW)
		goto dberr;
	strbuf_addf(&detail, "role %s%s%s", u->role, mid ? ", mission " : "",
		    mid ? u->mission : "");
	if (u->person_id)
		strbuf_addf(&detail, ", person %" PRId64, u->person_id);
	rc = audit_append(st, u->actor ? u->actor : audit_cli_actor(),
			  "user-add", u->login, detail.buf, u->address, err);
	goto out;
dberr:
	strbuf_addf(err, "cannot add user '%s': %s", u->login, store_errmsg(st));
	rc = HW_EDB;
out:
	sodium_memzero(hash, sizeof(hash));
	strbuf_release(&detail);
	return rc;
}

int user_add(struct store *st, const struct user_new *u, int64_t *id,
	     struct strbuf *err)
{
	/* On the command line a taken login is bad input like any other. */
	int rc = store_tx_open(st, "add the user", err);

	rc = rc ? rc : store_tx_close(st, user_insert(st, u, id, err), "add the user", err);
	return rc == HW_ECONFLICT ? HW_EINPUT : rc;
}

int user_end_sessions(struct store *st, int64_t id, int64_t keep)
{
	struct store_stmt *s;

	if (store_prepare(st, "DELETE FROM session WHERE user_id = ? AND id <> ?", &s))
		return HW_EDB;
	store_bind_int64(s, 1, id);
	store_bind_int64(s, 2, keep);
	return store_run(s) ? HW_EDB : HW_OK;
}

/* The current role, mission code and disabled flag of user `id`. */
struct user_row {
	char role[16];
	char mission[32];
	bool disabled;
};

/* User `id` into *row: HW_OK; HW_ENOTFOUND with "there is no user ID" in
 * `err`; HW_EDB (the caller says what it could not do). */
static int user_read(struct store *st, int64_t id, struct user_row *row,
		     struct strbuf *err)
{
	struct store_stmt *s;
	int rc;

	if (store_prepare(st, "SELECT u.role, m.code, u.disabled FROM app_user u "
			  "LEFT JOIN mission m ON m.id = u.mission_id WHERE u.id = ?", &s))
		return HW_EDB;
	store_bind_list(s, "i", id);
	rc = store_step(s);
	if (rc == STORE_ROW) {
		const char *v = store_col_text(s, 0, NULL);
		snprintf(row->role, sizeof(row->role), "%s", v ? v : "");
		v = store_col_text(s, 1, NULL);
		snprintf(row->mission, sizeof(row->mission), "%s", v ? v : "");
		row->disabled = store_col_int64(s, 2) != 0;
	}
	store_reset(s);
	if (rc == STORE_DONE) {
		strbuf_addf(err, "there is no user %" PRId64, id);
		return HW_ENOTFOUND;
	}
	return rc == STORE_ROW ? HW_OK : HW_EDB;
}

int user_update(struct store *st, int64_t id, const struct user_change *c,
		struct strbuf *err)
{
	char hash[crypto_pwhash_STRBYTES] = "", now[32], object[32];
	struct strbuf detail = STRBUF_INIT;
	struct user_row old;
	const char *role, *mission;
	struct store_stmt *s;
	int64_t mid = 0;
	int disabled;
	int rc;

	if ((rc = user_read(st, id, &old, err)))
		goto read_failed;
	role = c->role ? c->role : old.role;
	mission = c->mission ? c->mission : old.mission;
	/* A role change that drops the mission need not say so. */
	if (c->role && !c->mission && !role_needs_mission(role))
		mission = "";
	disabled = c->disabled >= 0 ? c->disabled : old.disabled;
	rc = HW_EINPUT;
	if (role_index(role) < 0) {
		strbuf_addf(err, "role: '%s' is not one of citizen, officer, "
			    "mission-head, hq, auditor", role);
		goto out;
	}
	if (c->role && strcmp(role, old.role) &&
	    (!strcmp(role, "citizen") || !strcmp(old.role, "citizen"))) {
		strbuf_addstr(err, "role: a citizen's account stays a citizen's, "
			      "and staff accounts never become one");
		goto out;
	}
	if ((rc = check_role_mission(role, mission, err)))
		goto out;
	if (c->password && !valid_password(c->password)) {
		strbuf_addf(err, "password: %d to %d characters are needed",
			    PASSWORD_MIN, PASSWORD_MAX);
		rc = HW_EINPUT;
		goto out;
	}
	if (*mission && (rc = find_mission(st, mission, &mid, err)))
		goto out;
	if (c->password && (rc = hash_password(c->password, hash, err)))
		goto out;
	time_iso_now(now);

	if (store_prepare(st, "UPDATE app_user SET role = ?, mission_id = ?, "
			  "disabled = ?, password_hash = coalesce(?, password_hash), "
			  "updated_at = ? WHERE id = ?", &s))
		goto dberr;
	store_bind_list(s, "sIissi", role, mid, (int64_t)disabled,
			c->password ? hash : NULL, now, id);
	if (store_run(s))
		goto dberr;
	if ((c->password || (disabled && !old.disabled)) &&
	    user_end_sessions(st, id, c->keep_session))
		goto dberr;

	/* What changed, never the password itself. */
	if (strcmp(role, old.role))
		strbuf_addf(&detail, "role %s -> %s; ", old.role, role);
	if (strcmp(mission, old.mission))
		strbuf_addf(&detail, "mission %s -> %s; ",
			    *old.mission ? old.mission : "none",
			    *mission ? mission : "none");
	if (disabled != old.disabled)
		strbuf_addstr(&detail, disabled ? "disabled; " : "enabled; ");
	if (c->password)
		strbuf_addstr(&detail, "password changed; ");
	if (detail.len >= 2)
		strbuf_setlen(&detail, detail.len - 2);
	else
		strbuf_addstr(&detail, "no change");
	snprintf(object, sizeof(object), "user:%" PRId64, id);
	rc = audit_append(st, c->actor ? c->actor : audit_cli_actor(),
			  "user-update", object, detail.buf, c->address, err);
	goto out;
read_failed:
	if (rc == HW_ENOTFOUND)
		goto out;
dberr:
	strbuf_addf(err, "cannot change user %" PRId64 ": %s", id,
		    store_errmsg(st));
	rc = HW_EDB;
out:
	sodium_memzero(hash, sizeof(hash));
	strbuf_release(&detail);
	return rc;
}

static int remove_failed(struct store *st, int64_t id, struct strbuf *err)
{
	strbuf_addf(err, "cannot remove user %" PRId64 ": %s", id, store_errmsg(st));
	return HW_EDB;
}

int user_remove(struct store *st, int64_t id, bool purge, const char *actor,
		const char *address, struct strbuf *err)
{
	struct store_stmt *s;
	struct user_row old;
	char now[32], object[32];
	int rc;

	if ((rc = user_read(st, id, &old, err)))
		return rc == HW_ENOTFOUND ? rc : remove_failed(st, id, err);
	if (user_end_sessions(st, id, 0))
		goto dberr;
	time_iso_now(now);
	if (purge) {
		if (store_prepare(st, "DELETE FROM app_user WHERE id = ?", &s))
			goto dberr;
		store_bind_int64(s, 1, id);
	} else {
		if (store_prepare(st, "UPDATE app_user SET disabled = 1, "
				  "updated_at = ? WHERE id = ?", &s))
			goto dberr;
		store_bind_str(s, 1, now);
		store_bind_int64(s, 2, id);
	}
	if (store_run(s))
		goto dberr;
	snprintf(object, sizeof(object), "user:%" PRId64, id);
	return audit_append(st, actor ? actor : audit_cli_actor(),
			    purge ? "user-delete" : "user-disable", object,
			    NULL, address, err);
dberr:
	return remove_failed(st, id, err);
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

/* The two options by which a command takes a login and its password. */
#define OPT_LOGIN(v) { "login", OPT_STRING, (v), "LOGIN", "3 to 64 of a-z, 0-9, '.', '_', '-', '@'" }
#define OPT_PASSWORD_STDIN(v) { "password-stdin", OPT_FLAG, (v), NULL, "read the password (10 characters or more)" }

/* The password of --password-stdin into `pw`: never from the command
 * line, where ps and shell history see it. HW_EINPUT without the flag. */
static int stdin_password(const char *cmd, bool given, struct strbuf *pw)
{
	if (!given) {
		cli_error(cmd, "give the password on standard input with "
			  "--password-stdin");
		return HW_EINPUT;
	}
	read_password(pw);
	return HW_OK;
}

/* Wipe and free a password read by stdin_password(). */
static void password_release(struct strbuf *pw)
{
	if (pw->len)
		sodium_memzero(pw->buf, pw->len);
	strbuf_release(pw);
}

static int user_cmd_add(int argc, char **argv)
{
	const char *dbflag = NULL;
	struct user_new u = { 0 };
	bool stdin_pw = false;
	struct opt opts[] = {
		OPT_DB(&dbflag),
		OPT_LOGIN(&u.login),
		{ "role", OPT_STRING, &u.role, "ROLE", "citizen, officer, mission-head, hq or auditor" },
		{ "mission", OPT_STRING, &u.mission, "CODE", "the mission of an officer or mission head" },
		OPT_PASSWORD_STDIN(&stdin_pw),
		OPT_END,
	};
	struct strbuf err = STRBUF_INIT, pw = STRBUF_INIT;
	struct db db = { 0 };
	int64_t id = 0;
	int rc;

	if ((rc = opt_parse_only(opts, argc, argv)) ||
	    (rc = stdin_password(argv[0], stdin_pw, &pw)))
		goto out;
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
	password_release(&pw);
	db_release(&db);
	strbuf_release(&err);
	return rc;
}

static int user_cmd_list(int argc, char **argv)
{
	static const struct rec_column cols[] = {
		{ "login", 24, "" }, { "role", 14, "" }, { "mission", 16, "-" },
		{ "state", 0, "" }, { NULL, 0, NULL },
	};

	return db_list_cmd(argc, argv, "SELECT u.login, u.role, m.code, CASE WHEN "
			   "u.disabled THEN 'disabled' ELSE 'enabled' END FROM app_user u "
			   "LEFT JOIN mission m ON m.id = u.mission_id ORDER BY u.login",
			   cols);
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
		OPT_DB(&dbflag),
		OPT_LOGIN(&login),
		OPT_PASSWORD_STDIN(&stdin_pw),
		OPT_END,
	};
	struct strbuf pw = STRBUF_INIT;
	struct db db = { 0 };
	int64_t id = 0;
	int rc;

	if ((rc = opt_parse_only(opts, argc, argv)))
		goto out;
	if (!login) {
		cli_error(argv[0], "usage: homeward test-login --login L --password-stdin");
		rc = HW_EINPUT;
		goto out;
	}
	if ((rc = stdin_password(argv[0], stdin_pw, &pw)) ||
	    (rc = db_open_cli(&db, argv[0], dbflag, NULL, 0)))
		goto out;
	rc = user_check_password(db.st, login, pw.buf, &id);
	printf("%s\n", rc ? "refused" : "accepted");
out:
	password_release(&pw);
	db_release(&db);
	return rc;
}

/* The columns of a user_info, after "SELECT "; user_info_row reads them. */
#define USER_INFO_COLS "app_user.id, app_user.login, app_user.role, m.code, " \
	"app_user.person_id, app_user.disabled, app_user.created_at, app_user.updated_at"

static void user_info_row(struct store_stmt *s, struct user_info *u)
{
	const char *v;

	u->id = store_col_int64(s, 0);
	v = store_col_text(s, 1, NULL);
	snprintf(u->login, sizeof(u->login), "%s", v ? v : "");
	v = store_col_text(s, 2, NULL);
	snprintf(u->role, sizeof(u->role), "%s", v ? v : "");
	v = store_col_text(s, 3, NULL);
	snprintf(u->mission, sizeof(u->mission), "%s", v ? v : "");
	u->person_id = store_col_null(s, 4) ? 0 : store_col_int64(s, 4);
	u->disabled = store_col_int64(s, 5) != 0;
	v = store_col_text(s, 6, NULL);
	snprintf(u->created_at, sizeof(u->created_at), "%s", v ? v : "");
	v = store_col_text(s, 7, NULL);
	snprintf(u->updated_at, sizeof(u->updated_at), "%s", v ? v : "");
}

int user_get(struct store *st, int64_t id, struct user_info *u)
{
	struct store_stmt *s;
	int rc;

	if (store_prepare(st, "SELECT " USER_INFO_COLS " FROM app_user "
			  "LEFT JOIN mission m ON m.id = app_user.mission_id "
			  "WHERE app_user.id = ?", &s))
		return HW_EDB;
	store_bind_int64(s, 1, id);
	rc = store_step(s);
	if (rc == STORE_ROW)
		user_info_row(s, u);
	store_reset(s);
	if (rc == STORE_DONE)
		return HW_ENOTFOUND;
	return rc == STORE_ROW ? HW_OK : HW_EDB;
}

json_t *user_info_json(const struct user_info *u)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(u->id));
	json_object_set_new(o, "login", json_string(u->login));
	json_object_set_new(o, "role", json_string(u->role));
	json_object_set_new(o, "mission", u->mission[0] ? json_string(u->mission)
			    : json_null());
	json_object_set_new(o, "person_id", u->person_id ? json_integer(u->person_id)
			    : json_null());
	json_object_set_new(o, "disabled", json_boolean(u->disabled));
	json_object_set_new(o, "created_at", json_string(u->created_at));
	json_object_set_new(o, "updated_at", json_string(u->updated_at));
	return o;
}

int user_list(struct store *st, const char *scope_sql, int64_t scope_arg,
	      const char *role, const char *mission, int64_t after,
	      int64_t limit, struct user_info **out, size_t *n)
{
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *s;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	strbuf_addf(&sql, "SELECT " USER_INFO_COLS " FROM app_user "
		    "LEFT JOIN mission m ON m.id = app_user.mission_id "
		    "WHERE app_user.id > ? AND (? IS NULL OR app_user.role = ?) "
		    "AND (? IS NULL OR m.code = ?) AND %s "
		    "ORDER BY app_user.id LIMIT ?", scope_sql);
	rc = store_prepare(st, sql.buf, &s);
	strbuf_release(&sql);
	if (rc)
		return HW_EDB;
	store_bind_list(s, "issssii", after, role, role, mission, mission, scope_arg,
			limit);
	while ((rc = store_step(s)) == STORE_ROW) {
		ALLOC_GROW(*out, *n + 1, alloc);
		user_info_row(s, &(*out)[(*n)++]);
	}
	store_reset(s);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return HW_EDB;
	}
	return HW_OK;
}
