/*
 * stats.c: `homeward stats` — how many persons, presences, parties and
 * organisations the registry holds, by country and by mission.
 *
 * A person with presences in two countries counts once in each, and once in
 * the total; a mission counts what lies in the countries of its
 * jurisdiction.
 */
#include "core/homeward.h"
#include "core/cli.h"
#include "store/db.h"
#include "registry/stats.h"
#include "store/store.h"

struct stats_query {
	const char *key;     /* JSON member name */
	const char *label;   /* table heading */
	const char *sql;     /* columns: key, [name,] persons, presences, parties, orgs */
	bool named;          /* the second column is a name */
};

static const char totals_sql[] =
	"SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM presence), "
	"(SELECT count(*) FROM party), (SELECT count(*) FROM organisation), "
	"(SELECT count(*) FROM mission)";

static const struct stats_query breakdowns[] = {
	{ "by_country", "country",
	  "SELECT pr.country, count(DISTINCT pr.person_id), count(*), "
	  "count(DISTINCT p.party_id), count(DISTINCT pr.organisation_id) "
	  "FROM presence pr JOIN person p ON p.id = pr.person_id "
	  "GROUP BY pr.country ORDER BY 2 DESC, 1", false },
	{ "by_mission", "mission",
	  "SELECT m.code, m.name, count(DISTINCT pr.person_id), count(pr.id), "
	  "count(DISTINCT p.party_id), count(DISTINCT pr.organisation_id) "
	  "FROM mission m LEFT JOIN mission_country mc ON mc.mission_id = m.id "
	  "LEFT JOIN presence pr ON pr.country = mc.country "
	  "LEFT JOIN person p ON p.id = pr.person_id "
	  "GROUP BY m.id, m.code, m.name ORDER BY m.code", true },
};

static void json_str(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	strbuf_addjson(out, s ? s : "", s ? strlen(s) : 0);
	strbuf_addch(out, '"');
}

static int run_breakdown(struct store *st, const struct stats_query *q,
			 bool json, struct strbuf *out)
{
	static const char *const names[] = { "persons", "presences", "parties",
					     "organisations" };
	struct store_stmt *s;
	int rc, n = 0, i, off = q->named ? 2 : 1;

	if (store_prepare(st, q->sql, &s))
		return HW_EDB;
	if (json)
		strbuf_addf(out, ",\"%s\":[", q->key);
	else
		strbuf_addf(out, "\nby %s:\n  %-10s %-30s %10s %10s %10s %13s\n",
			    q->label, q->label, q->named ? "name" : "",
			    "persons", "presences", "parties", "organisations");
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *key = store_col_text(s, 0, NULL);
		const char *name = q->named ? store_col_text(s, 1, NULL) : "";
		if (json) {
			strbuf_addstr(out, n ? ",{" : "{");
			strbuf_addf(out, "\"%s\":", q->label);
			json_str(out, key);
			if (q->named) {
				strbuf_addstr(out, ",\"name\":");
				json_str(out, name);
			}
			for (i = 0; i < 4; i++)
				strbuf_addf(out, ",\"%s\":%" PRId64, names[i],
					    store_col_int64(s, off + i));
			strbuf_addch(out, '}');
		} else {
			strbuf_addf(out, "  %-10s %-30.30s", key ? key : "",
				    name ? name : "");
			strbuf_addf(out, " %10" PRId64 " %10" PRId64 " %10" PRId64
				    " %13" PRId64 "\n", store_col_int64(s, off),
				    store_col_int64(s, off + 1),
				    store_col_int64(s, off + 2),
				    store_col_int64(s, off + 3));
		}
		n++;
	}
	store_reset(s);
	if (json)
		strbuf_addch(out, ']');
	else if (!n)
		strbuf_addstr(out, "  (none)\n");
	return rc < 0 ? HW_EDB : HW_OK;
}

int cmd_stats(int argc, char **argv)
{
	static const char *const total_names[] = { "persons", "presences",
		"parties", "organisations", "missions" };
	const char *dbflag = NULL;
	bool json = false;
	struct opt opts[] = {
		OPT_DB(&dbflag),
		{ "json", OPT_FLAG, &json, NULL, "one JSON object instead of tables" },
		OPT_END,
	};
	struct strbuf out = STRBUF_INIT;
	struct store_stmt *s;
	struct db db = { 0 };
	int rc;
	size_t i;

	rc = opt_parse_only(opts, argc, argv);
	if (rc)
		goto out;
	rc = db_open_cli(&db, argv[0], dbflag, NULL, 0);
	if (rc)
		goto out;
	rc = HW_EDB;
	if (store_prepare(db.st, totals_sql, &s) || store_step(s) != STORE_ROW)
		goto dberr;
	strbuf_addstr(&out, json ? "{" : "");
	for (i = 0; i < ARRAY_SIZE(total_names); i++) {
		if (json)
			strbuf_addf(&out, "%s\"%s\":%" PRId64, i ? "," : "",
				    total_names[i], store_col_int64(s, (int)i));
		else
			strbuf_addf(&out, "%-14s %12" PRId64 "\n", total_names[i],
				    store_col_int64(s, (int)i));
	}
	store_reset(s);
	for (i = 0; i < ARRAY_SIZE(breakdowns); i++)
		if (run_breakdown(db.st, &breakdowns[i], json, &out))
			goto dberr;
	if (json)
		strbuf_addstr(&out, "}\n");
	fwrite(out.buf, 1, out.len, stdout);
	rc = HW_OK;
	goto out;
dberr:
	cli_error(argv[0], "cannot count: %s", store_errmsg(db.st));
out:
	db_release(&db);
	strbuf_release(&out);
	return rc;
}
