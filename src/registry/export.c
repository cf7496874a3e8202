/*
 * export.c: `homeward export registrants` (see export.h).
 *
 * One query walks persons and their presences in import order and joins
 * what the CSV flattens: the preferred phone and email, the organisation's
 * name and the party's id. Every value goes out through the same formatting
 * functions the importer normalises with, so that export, import into an
 * empty database and export again gives the same bytes.
 */
#include "core/homeward.h"
#include "auth/audit.h"
#include "core/cli.h"
#include "core/csv.h"
#include "store/db.h"
#include "registry/export.h"
#include "store/keyring.h"
#include "geo/refgeo.h"
#include "registry/registrant.h"
#include "store/store.h"

/* The SELECT's columns, in canonical CSV order. */
static const char export_sql[] =
	"SELECT p.external_id, p.family_name, p.given_name, p.native_name, "
	"p.sex, p.date_of_birth, p.nationality, p.passport_enc, ph.value, "
	"em.value, p.language, pr.country, pr.city, pr.lat, pr.lon, "
	"pr.arrival, pr.departure, pr.purpose, o.name, pa.external_id, p.needs "
	"FROM person p JOIN presence pr ON pr.person_id = p.id "
	"LEFT JOIN contact ph ON ph.person_id = p.id AND ph.kind = 'phone' "
	"AND ph.preferred = 1 "
	"LEFT JOIN contact em ON em.person_id = p.id AND em.kind = 'email' "
	"AND em.preferred = 1 "
	"LEFT JOIN organisation o ON o.id = pr.organisation_id "
	"LEFT JOIN party pa ON pa.id = p.party_id "
	"WHERE (?1 IS NULL OR pr.country = ?1) "
	"AND (?2 = 0 OR p.id IN (SELECT id FROM export_person)) "
	"ORDER BY p.id, pr.seq";

/* Fill `vals` (canonical columns) from the current row. */
static int row_values(struct db *db, struct store_stmt *s,
		      struct strbuf *vals, struct strbuf *err)
{
	int c;

	for (c = 0; c < RC_COUNT; c++) {
		strbuf_reset(&vals[c]);
		if (store_col_null(s, c))
			continue;
		if (c == RC_LAT || c == RC_LON) {
			reg_format_coord(&vals[c], store_col_double(s, c));
		} else if (c == RC_PASSPORT_NO) {
			size_t len;
			const void *b = store_col_blob(s, c, &len);
			if (keyring_open(db->keys, "person.passport_no", b, len,
					 &vals[c])) {
				strbuf_addf(err, "cannot unseal the passport number "
					    "of '%s': the key file does not match "
					    "or the row was altered",
					    store_col_text(s, RC_EXTERNAL_ID, NULL));
				return HW_ECRYPTO;
			}
		} else {
			size_t len;
			const char *t = store_col_text(s, c, &len);
			strbuf_add(&vals[c], t, len);
		}
	}
	return HW_OK;
}

static void write_csv_row(struct strbuf *out, const struct strbuf *vals)
{
	int c;

	for (c = 0; c < RC_COUNT; c++) {
		if (c)
			strbuf_addch(out, ',');
		csv_add_field(out, vals[c].buf, vals[c].len);
	}
	strbuf_addch(out, '\n');
}

static void write_feature(struct strbuf *out, const struct strbuf *vals,
			  bool first)
{
	int c, n = 0;

	strbuf_addstr(out, first ? "\n" : ",\n");
	strbuf_addstr(out, "{\"type\":\"Feature\",\"geometry\":");
	if (vals[RC_LAT].len)
		strbuf_addf(out, "{\"type\":\"Point\",\"coordinates\":[%s,%s]}",
			    vals[RC_LON].buf, vals[RC_LAT].buf);
	else
		strbuf_addstr(out, "null");
	strbuf_addstr(out, ",\"properties\":{");
	for (c = 0; c < RC_COUNT; c++) {
		if (c == RC_LAT || c == RC_LON || !vals[c].len)
			continue;
		strbuf_addf(out, "%s\"%s\":\"", n++ ? "," : "", reg_columns[c]);
		strbuf_addjson(out, vals[c].buf, vals[c].len);
		strbuf_addch(out, '"');
	}
	strbuf_addstr(out, "}}");
}

static int export_run(struct db *db, const char *country, bool selected,
		      enum export_format fmt, FILE *out, uint64_t *rows,
		      struct strbuf *err)
{
	struct strbuf vals[RC_COUNT];
	struct strbuf buf = STRBUF_INIT;
	struct store_stmt *s = NULL;
	bool first = true;
	uint64_t n = 0;
	int c, rc;

	if (rows)
		*rows = 0;
	for (c = 0; c < RC_COUNT; c++)
		strbuf_init(&vals[c], 0);
	if (fmt == EXPORT_CSV)
		registrant_write_header(&buf);
	else
		strbuf_addstr(&buf, "{\"type\":\"FeatureCollection\",\"features\":[");
	if (store_prepare(db->st, export_sql, &s)) {
		strbuf_addf(err, "cannot export: %s", store_errmsg(db->st));
		rc = HW_EDB;
		goto out;
	}
	store_bind_str(s, 1, country);
	store_bind_int64(s, 2, selected);
	while ((rc = store_step(s)) == STORE_ROW) {
		rc = row_values(db, s, vals, err);
		if (rc)
			goto out;
		if (fmt == EXPORT_CSV)
			write_csv_row(&buf, vals);
		else
			write_feature(&buf, vals, first);
		first = false;
		n++;
		if (buf.len > (1 << 16)) {
			fwrite(buf.buf, 1, buf.len, out);
			strbuf_reset(&buf);
		}
	}
	if (rc < 0) {
		strbuf_addf(err, "cannot export: %s", store_errmsg(db->st));
		goto out;
	}
	if (fmt == EXPORT_GEOJSON)
		strbuf_addstr(&buf, "\n]}\n");
	fwrite(buf.buf, 1, buf.len, out);
	if (fflush(out) || ferror(out)) {
		strbuf_addf(err, "cannot write the export: %s", strerror(errno));
		rc = HW_EIO;
		goto out;
	}
	if (rows)
		*rows = n;
	rc = HW_OK;
out:
	store_reset(s);
	for (c = 0; c < RC_COUNT; c++)
		strbuf_release(&vals[c]);
	strbuf_release(&buf);
	return rc;
}

/* The temporary table of chosen persons exists in every connection that
 * exports (empty unless export_persons fills it), so the query above
 * always compiles. */
static int ensure_selection(struct db *db, struct strbuf *err)
{
	if (store_exec(db->st, "CREATE TEMP TABLE IF NOT EXISTS export_person "
		       "(id INTEGER PRIMARY KEY)")) {
		strbuf_addf(err, "cannot export: %s", store_errmsg(db->st));
		return HW_EDB;
	}
	return HW_OK;
}

int export_registrants(struct db *db, const char *country,
		       enum export_format fmt, FILE *out, uint64_t *rows,
		       struct strbuf *err)
{
	int rc = ensure_selection(db, err);

	return rc ? rc : export_run(db, country, false, fmt, out, rows, err);
}

int export_persons(struct db *db, const uint32_t *persons, size_t n,
		   enum export_format fmt, FILE *out, uint64_t *rows,
		   struct strbuf *err)
{
	struct store_batch *b;
	static const char *const cols[] = { "id" };
	size_t i;
	int rc = ensure_selection(db, err);

	if (rc)
		return rc;
	if (store_exec(db->st, "DELETE FROM export_person"))
		goto dberr;
	b = store_batch_new(db->st, "export_person", cols, 1);
	for (i = 0; i < n; i++) {
		store_batch_int64(b, persons[i]);
		if (store_batch_end_row(b) && store_batch_flush(b)) {
			store_batch_free(b);
			goto dberr;
		}
	}
	rc = store_batch_flush(b);
	store_batch_free(b);
	if (rc)
		goto dberr;
	return export_run(db, NULL, true, fmt, out, rows, err);
dberr:
	strbuf_addf(err, "cannot export: %s", store_errmsg(db->st));
	return HW_EDB;
}

int cmd_export(int argc, char **argv)
{
	const char *dbflag = NULL, *keyflag = NULL, *country = NULL;
	const char *format = "csv";
	struct opt opts[] = {
		OPT_DB(&dbflag),
		OPT_KEY(&keyflag),
		{ "country", OPT_STRING, &country, "CC", "only presences in this country" },
		{ "format", OPT_STRING, &format, "F", "csv (default) or geojson" },
		OPT_END,
	};
	struct strbuf err = STRBUF_INIT;
	struct db db = { 0 };
	enum export_format fmt;
	char **pos = xcalloc((size_t)argc, sizeof(*pos));
	char cc[3] = "";
	char detail[64];
	uint64_t rows = 0;
	int npos = 0, rc;

	rc = opt_parse(opts, argc, argv, pos, &npos);
	if (rc)
		goto out;
	rc = HW_EINPUT;
	if (npos != 1 || strcmp(pos[0], "registrants")) {
		cli_error(argv[0], "usage: homeward export registrants [--db PATH] "
			  "[--country CC] [--format csv|geojson]");
		goto out;
	}
	if (!strcmp(format, "csv")) {
		fmt = EXPORT_CSV;
	} else if (!strcmp(format, "geojson")) {
		fmt = EXPORT_GEOJSON;
	} else {
		cli_error(argv[0], "option '--format': '%s' is not csv or geojson",
			  format);
		goto out;
	}
	if (country) {
		if (strlen(country) == 2) {
			cc[0] = (char)(country[0] & ~0x20);
			cc[1] = (char)(country[1] & ~0x20);
		}
		if (!refgeo_country(cc)) {
			cli_error(argv[0], "option '--country': '%s' is not an ISO "
				  "3166-1 alpha-2 country code", country);
			goto out;
		}
	}
	rc = db_open(&db, cli_db_path(dbflag), keyflag, DB_KEYS, &err);
	if (!rc)
		rc = export_registrants(&db, country ? cc : NULL, fmt, stdout,
					&rows, &err);
	if (!rc) {
		snprintf(detail, sizeof(detail), "%" PRIu64 " rows", rows);
		rc = audit_append_tx(db.st, audit_cli_actor(), "export",
				     country ? cc : "registrants", detail, NULL,
				     &err);
	}
	if (rc)
		cli_error(argv[0], "%s", err.buf);
out:
	db_release(&db);
	free(pos);
	strbuf_release(&err);
	return rc;
}
