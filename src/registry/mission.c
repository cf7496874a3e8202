/*
 * mission.c: adding and listing missions (mission.h), and the `homeward
 * mission` command with its subcommands in a table.
 */
#include "core/homeward.h"
#include "auth/audit.h"
#include "core/time.h"
#include "core/cli.h"
#include "store/db.h"
#include "registry/mission.h"
#include "geo/geoarea.h"
#include "geo/refgeo.h"
#include "store/record.h"
#include "store/store.h"

#include <time.h>

static const char *const mission_kinds[] = {
	"embassy", "consulate", "consulate-general", "honorary", "hq",
};

static bool valid_code(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 2 || n > 16)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-'))
			return false;
	return true;
}

/*
 * Split "np, BT" into upper-case codes, each known to refgeo and given
 * once. Appends "NP\0BT\0" style entries to `out`; returns the count or
 * HW_EINPUT with a message.
 */
static int parse_countries(const char *list, struct strbuf *out,
			   struct strbuf *err)
{
	const char *p = list;
	int n = 0;

	while (*p) {
		char cc[3] = "";
		size_t len;
		const char *end;

		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		end = p;
		while (*end && *end != ',' && *end != ' ')
			end++;
		len = (size_t)(end - p);
		if (len == 2) {
			cc[0] = (char)(p[0] >= 'a' && p[0] <= 'z' ? p[0] - 32 : p[0]);
			cc[1] = (char)(p[1] >= 'a' && p[1] <= 'z' ? p[1] - 32 : p[1]);
		}
		if (len != 2 || !refgeo_country(cc)) {
			strbuf_addf(err, "countries: '%.*s' is not an ISO 3166-1 "
				    "alpha-2 country code", (int)len, p);
			return HW_EINPUT;
		}
		if (memmem(out->buf, out->len, cc, 3)) {
			strbuf_addf(err, "countries: '%s' is given twice", cc);
			return HW_EINPUT;
		}
		strbuf_add(out, cc, 3);
		n++;
		p = end;
	}
	if (!n) {
		strbuf_addstr(err, "countries: at least one country is needed");
		return HW_EINPUT;
	}
	return n;
}

static int check_name(const char *name, struct strbuf *err)
{
	if (!name || !*name || strlen(name) > 200) {
		strbuf_addstr(err, "name: a name of 1 to 200 bytes is needed");
		return HW_EINPUT;
	}
	return HW_OK;
}

static int check_kind(const char *kind, struct strbuf *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(mission_kinds); i++)
		if (!strcmp(kind, mission_kinds[i]))
			return HW_OK;
	strbuf_addf(err, "kind: '%s' is not one of embassy, consulate, "
		    "consulate-general, honorary, hq", kind);
	return HW_EINPUT;
}

/* Write the jurisdiction `ccs` ("NP\0BT\0", n codes) of mission `id`. */
static int insert_countries(struct store *st, int64_t id,
			    const struct strbuf *ccs, int n)
{
	struct store_stmt *s;

	if (store_prepare(st, "INSERT INTO mission_country(mission_id, country) "
			  "VALUES (?, ?)", &s))
		return HW_EDB;
	for (int i = 0; i < n; i++) {
		store_bind_int64(s, 1, id);
		store_bind_text(s, 2, ccs->buf + 3 * i, 2);
		if (store_run(s))
			return HW_EDB;
	}
	return HW_OK;
}

static void add_countries(struct strbuf *out, const struct strbuf *ccs, int n)
{
	for (int i = 0; i < n; i++)
		strbuf_addf(out, "%c%s", i ? ',' : ' ', ccs->buf + 3 * i);
}

int mission_insert(struct store *st, const struct mission_new *m, int64_t *id,
		   struct strbuf *err)
{
	struct strbuf ccs = STRBUF_INIT, detail = STRBUF_INIT;
	struct store_stmt *s;
	const char *kind = m->kind && *m->kind ? m->kind : "embassy";
	char now[32];
	int n, rc;

	if (!m->code || !valid_code(m->code)) {
		strbuf_addf(err, "code: '%s' is not a mission code (2 to 16 of "
			    "A-Z, 0-9 and '-')", m->code ? m->code : "");
		rc = HW_EINPUT;
		goto out;
	}
	if ((rc = check_name(m->name, err)) || (rc = check_kind(kind, err)))
		goto out;
	n = parse_countries(m->countries ? m->countries : "", &ccs, err);
	if (n < 0) {
		rc = n;
		goto out;
	}
	time_iso_now(now);

	rc = store_prepare(st, "INSERT INTO mission(code, name, kind, country, city, "
			   "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id", &s);
	if (rc)
		goto dberr;
	store_bind_str(s, 1, m->code);
	store_bind_str(s, 2, m->name);
	store_bind_str(s, 3, kind);
	store_bind_str(s, 4, ccs.buf);   /* the first country is its seat */
	store_bind_str(s, 5, m->city);
	store_bind_str(s, 6, now);
	rc = store_step(s);
	if (rc == STORE_ROW)
		*id = store_col_int64(s, 0);
	store_reset(s);
	if (rc == HW_ECONFLICT) {
		strbuf_addf(err, "code: mission '%s' exists already", m->code);
		goto out;
	}
	if (rc != STORE_ROW || insert_countries(st, *id, &ccs, n))
		goto dberr;
	strbuf_addf(&detail, "%s, %s, countries", m->name, kind);
	add_countries(&detail, &ccs, n);
	rc = audit_append(st, m->actor ? m->actor : audit_cli_actor(),
			  "mission-add", m->code, detail.buf, m->address, err);
	goto out;
dberr:
	strbuf_addf(err, "cannot add mission '%s': %s", m->code, store_errmsg(st));
	rc = HW_EDB;
out:
	strbuf_release(&ccs);
	strbuf_release(&detail);
	return rc;
}

int mission_add(struct store *st, const struct mission_new *m, int64_t *id,
		struct strbuf *err)
{
	int rc = store_tx_open(st, "add the mission", err);

	if (!rc)
		rc = store_tx_close(st, mission_insert(st, m, id, err), "add the mission", err);
	/* On the command line an existing code is bad input like any other. */
	return rc == HW_ECONFLICT ? HW_EINPUT : rc;
}

int mission_update(struct store *st, const struct mission_new *m,
		   struct strbuf *err)
{
	struct strbuf ccs = STRBUF_INIT, detail = STRBUF_INIT;
	struct store_stmt *s;
	int64_t id = 0;
	int n = 0, rc;

	if ((m->name && (rc = check_name(m->name, err))) ||
	    (m->kind && (rc = check_kind(m->kind, err))))
		goto out;
	if (m->countries) {
		n = parse_countries(m->countries, &ccs, err);
		if (n < 0) {
			rc = n;
			goto out;
		}
	}
	if (store_prepare(st, "UPDATE mission SET name = coalesce(?, name), "
			  "kind = coalesce(?, kind), city = CASE WHEN ? THEN ? "
			  "ELSE city END, country = coalesce(?, country) "
			  "WHERE code = ? RETURNING id", &s))
		goto dberr;
	store_bind_str(s, 1, m->name);
	store_bind_str(s, 2, m->kind);
	store_bind_int64(s, 3, m->city != NULL);
	store_bind_str(s, 4, m->city);
	if (n)
		store_bind_str(s, 5, ccs.buf);
	store_bind_str(s, 6, m->code);
	rc = store_step(s);
	if (rc == STORE_ROW)
		id = store_col_int64(s, 0);
	store_reset(s);
	if (rc == STORE_DONE) {
		strbuf_addf(err, "there is no mission '%s'", m->code);
		rc = HW_ENOTFOUND;
		goto out;
	}
	if (rc != STORE_ROW)
		goto dberr;
	if (n) {
		if (store_prepare(st, "DELETE FROM mission_country "
				  "WHERE mission_id = ?", &s))
			goto dberr;
		store_bind_int64(s, 1, id);
		if (store_run(s) || insert_countries(st, id, &ccs, n))
			goto dberr;
	}

	/* What changed: values of a mission are not personal data. */
	if (m->name)
		strbuf_addf(&detail, "name %s; ", m->name);
	if (m->kind)
		strbuf_addf(&detail, "kind %s; ", m->kind);
	if (m->city)
		strbuf_addf(&detail, "city %s; ", *m->city ? m->city : "none");
	if (n) {
		strbuf_addstr(&detail, "countries");
		add_countries(&detail, &ccs, n);
		strbuf_addstr(&detail, "; ");
	}
	if (detail.len >= 2)
		strbuf_setlen(&detail, detail.len - 2);
	else
		strbuf_addstr(&detail, "no change");
	rc = audit_append(st, m->actor ? m->actor : audit_cli_actor(),
			  "mission-update", m->code, detail.buf, m->address, err);
	goto out;
dberr:
	strbuf_addf(err, "cannot change mission '%s': %s", m->code,
		    store_errmsg(st));
	rc = HW_EDB;
out:
	strbuf_release(&ccs);
	strbuf_release(&detail);
	return rc;
}

static int mission_cmd_add(int argc, char **argv)
{
	const char *dbflag = NULL;
	struct mission_new m = { 0 };
	struct opt opts[] = {
		OPT_DB(&dbflag),
		{ "code", OPT_STRING, &m.code, "CODE", "2 to 16 of A-Z, 0-9 and '-', unique (e.g. EMB-NP)" },
		{ "name", OPT_STRING, &m.name, "NAME", "e.g. 'Embassy in Kathmandu'" },
		{ "kind", OPT_STRING, &m.kind, "KIND", "embassy (default), consulate, consulate-general, honorary, hq" },
		{ "countries", OPT_STRING, &m.countries, "LIST", "ISO 3166-1 alpha-2 codes, comma-separated; the first is where the mission sits" },
		{ "city", OPT_STRING, &m.city, "CITY", "where it is" },
		OPT_END,
	};
	struct strbuf err = STRBUF_INIT;
	struct db db = { 0 };
	int64_t id = 0;
	int rc;

	rc = opt_parse_only(opts, argc, argv);
	if (rc)
		goto out;
	rc = db_open(&db, cli_db_path(dbflag), NULL, 0, &err);
	if (!rc)
		rc = mission_add(db.st, &m, &id, &err);
	if (rc) {
		cli_error("mission add", "%s", err.buf);
		goto out;
	}
	printf("mission %s added (id %" PRId64 ")\n", m.code, id);
out:
	db_release(&db);
	strbuf_release(&err);
	return rc;
}

static int mission_cmd_list(int argc, char **argv)
{
	static const struct rec_column cols[] = {
		{ "code", 16, "" }, { "kind", 18, "" }, { "name", 40, "" },
		{ "countries", 0, "" }, { NULL, 0, NULL },
	};

	return db_list_cmd(argc, argv, "SELECT m.code, m.kind, m.name, "
			   "group_concat(mc.country, ',') FROM mission m "
			   "LEFT JOIN mission_country mc ON mc.mission_id = m.id "
			   "GROUP BY m.id, m.code, m.kind, m.name ORDER BY m.code", cols);
}

static const struct subcommand subcommands[] = {
	{ "add", "mission add", mission_cmd_add, "add a mission and its jurisdiction" },
	{ "list", "mission list", mission_cmd_list, "list the missions" },
};

int cmd_mission(int argc, char **argv)
{
	return cli_dispatch("mission", subcommands, ARRAY_SIZE(subcommands),
			    argc, argv);
}

int mission_add_area(struct store *st, const char *code, struct geoarea *a,
		     struct strbuf *err)
{
	struct store_stmt *s;
	int rc, n = 0;

	if (store_prepare(st, "SELECT mc.country FROM mission m JOIN mission_country "
			  "mc ON mc.mission_id = m.id WHERE m.code = ? ORDER BY mc.country",
			  &s))
		goto dberr;
	store_bind_str(s, 1, code);
	while ((rc = store_step(s)) == STORE_ROW) {
		if ((rc = geoarea_add_country(a, store_col_text(s, 0, NULL), err)))
			break;
		n++;
	}
	store_reset(s);
	if (rc == HW_EINPUT || rc == HW_EINTERNAL)
		return rc;
	if (rc < 0)
		goto dberr;
	if (!n) {
		strbuf_addf(err, "mission '%.40s' does not exist or has no countries",
			    code);
		return HW_EINPUT;
	}
	return HW_OK;
dberr:
	strbuf_addf(err, "cannot read missions: %s", store_errmsg(st));
	return HW_EDB;
}
