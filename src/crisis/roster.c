/*
 * roster.c: status changes and counts of incident rosters (roster.h).
 *
 * The status names are one table that the SQL CHECK constraint of
 * 0004-incident.sql repeats; validating here first gives the caller a
 * message naming the bad value instead of a constraint failure.
 */
#include "core/homeward.h"
#include "crisis/roster.h"
#include "core/time.h"

#include <string.h>
#include <time.h>

#include "store/record.h"
#include "store/store.h"
#include "core/strbuf.h"

static const struct {
	const char *name;
	bool unaccounted;
} statuses[ROSTER_NSTATUS] = {
	[ROSTER_UNKNOWN] = { "unknown", true },
	[ROSTER_NOTIFIED] = { "notified", true },
	[ROSTER_SAFE] = { "safe", false },
	[ROSTER_NEEDS_HELP] = { "needs-help", true },
	[ROSTER_WANTS_EVACUATION] = { "wants-evacuation", false },
	[ROSTER_EVACUATED] = { "evacuated", false },
	[ROSTER_MISSING] = { "missing", true },
	[ROSTER_INJURED] = { "injured", false },
	[ROSTER_DECEASED] = { "deceased", false },
};

static const char *const sources[] = {
	"system", "checkin", "sms", "call", "officer", "import", "email",
};

const char *roster_status_name(int status)
{
	if (status < 0 || status >= ROSTER_NSTATUS)
		return NULL;
	return statuses[status].name;
}

int roster_status_parse(const char *name)
{
	for (int i = 0; i < ROSTER_NSTATUS; i++)
		if (!strcmp(statuses[i].name, name))
			return i;
	return -1;
}

bool roster_status_unaccounted(int status)
{
	return status >= 0 && status < ROSTER_NSTATUS && statuses[status].unaccounted;
}

bool roster_source_valid(const char *source)
{
	for (size_t i = 0; i < ARRAY_SIZE(sources); i++)
		if (!strcmp(sources[i], source))
			return true;
	return false;
}

int roster_set_status(struct store *st, int64_t incident, int64_t person,
		      const char *status, const char *source, const char *actor,
		      const char *detail, const struct roster_answer *answer,
		      struct strbuf *err)
{
	static const struct roster_answer none = ROSTER_ANSWER_INIT;
	struct store_stmt *s;
	char now[21];
	int code, rc;

	if ((code = roster_status_parse(status)) < 0) {
		strbuf_addf(err, "cannot set status '%s': not one of unknown, notified, "
			    "safe, needs-help, wants-evacuation, evacuated, missing, "
			    "injured, deceased", status);
		return HW_EINPUT;
	}
	if (!roster_source_valid(source)) {
		strbuf_addf(err, "cannot set status from source '%s': not one of system, "
			    "checkin, sms, call, officer, import, email", source);
		return HW_EINPUT;
	}
	if (!answer)
		answer = &none;
	time_iso_now(now);

	/* One statement both changes the row and tells whether it exists;
	 * the WHERE clause holds the "notified only replaces unknown" rule,
	 * so a row that exists but keeps its answer comes back as no row
	 * and is told apart below. */
	if ((rc = store_prepare(st,
			"UPDATE roster SET status = ?, updated_at = ?, "
			"party_size = coalesce(?, party_size), note = coalesce(?, note), "
			"lat = coalesce(?, lat), lon = coalesce(?, lon) "
			"WHERE incident_id = ? AND person_id = ? "
			"AND (? = 0 OR status = 'unknown') RETURNING 1", &s)))
		goto dberr;
	store_bind_str(s, 1, status);
	store_bind_str(s, 2, now);
	if (answer->party_size >= 0)
		store_bind_int64(s, 3, answer->party_size);
	else
		store_bind_null(s, 3);
	if (answer->note)
		store_bind_text(s, 4, answer->note, strlen(answer->note));
	else
		store_bind_null(s, 4);
	if (answer->has_location) {
		store_bind_double(s, 5, answer->lat);
		store_bind_double(s, 6, answer->lon);
	} else {
		store_bind_null(s, 5);
		store_bind_null(s, 6);
	}
	store_bind_int64(s, 7, incident);
	store_bind_int64(s, 8, person);
	store_bind_int64(s, 9, code == ROSTER_NOTIFIED);
	rc = store_step(s);
	store_reset(s);
	if (rc < 0)
		goto dberr;
	if (rc == STORE_DONE) {
		int cur;

		if (code == ROSTER_NOTIFIED &&
		    roster_get_status(st, incident, person, &cur) == HW_OK)
			return HW_OK;
		strbuf_addf(err, "cannot set the status of person %lld: not on the roster "
			    "of incident %lld", (long long)person, (long long)incident);
		return HW_ENOTFOUND;
	}

	if ((rc = store_prepare(st, "INSERT INTO roster_event (incident_id, person_id, "
				"status, source, actor, at, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
				&s)))
		goto dberr;
	store_bind_int64(s, 1, incident);
	store_bind_int64(s, 2, person);
	store_bind_str(s, 3, status);
	store_bind_str(s, 4, source);
	store_bind_text(s, 5, actor, strlen(actor));
	store_bind_str(s, 6, now);
	store_bind_str(s, 7, detail);
	if ((rc = store_run(s)))
		goto dberr;
	return HW_OK;
dberr:
	strbuf_addf(err, "cannot set the status of person %lld: %s", (long long)person,
		    store_errmsg(st));
	return rc < 0 ? rc : HW_EDB;
}

int roster_set_note(struct store *st, int64_t incident, int64_t person,
		    const char *note)
{
	char now[TIME_ISO_SIZE];

	time_iso_now(now);
	return store_exists_args(st, "UPDATE roster SET note = ?, updated_at = ? "
				 "WHERE incident_id = ? AND person_id = ? RETURNING 1",
				 "note the answer", NULL, "ssii", note, now, incident,
				 person);
}

int roster_incident_visible(struct store *st, int64_t id, bool all,
			    int64_t mission_id)
{
	return store_exists_args(st, "SELECT 1 FROM incident i WHERE i.id = ? AND (? OR "
				 "EXISTS (SELECT 1 FROM incident_mission m WHERE "
				 "m.incident_id = i.id AND m.mission_id = ?))",
				 "read the incident", NULL, "iii", id, (int64_t)all,
				 mission_id);
}

int roster_get_status(struct store *st, int64_t incident, int64_t person,
		      int *status)
{
	struct store_stmt *s;
	int rc;

	if ((rc = store_prepare(st, "SELECT status FROM roster WHERE incident_id = ? "
				"AND person_id = ?", &s)))
		return rc;
	store_bind_int64(s, 1, incident);
	store_bind_int64(s, 2, person);
	rc = store_step(s);
	if (rc == STORE_ROW)
		*status = roster_status_parse(store_col_text(s, 0, NULL));
	store_reset(s);
	return rc == STORE_ROW ? HW_OK : rc == STORE_DONE ? HW_ENOTFOUND : rc;
}

int roster_count(struct store *st, int64_t incident, const char *scope_sql,
		 int64_t scope_arg, int64_t counts[ROSTER_NSTATUS],
		 int64_t *total)
{
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *s;
	int64_t sum = 0;
	int rc;

	memset(counts, 0, sizeof(*counts) * ROSTER_NSTATUS);
	/* One pass over the incident's range of the primary key (the
	 * index by status leaves 'unknown' out, and most entries are); the
	 * scoped count joins person so that the predicate can name it. */
	if (scope_sql)
		strbuf_addf(&sql, "SELECT r.status, count(*) FROM roster r "
			    "JOIN person ON person.id = r.person_id "
			    "WHERE r.incident_id = ? AND r.in_area = 1 AND %s "
			    "GROUP BY r.status", scope_sql);
	else
		strbuf_addstr(&sql, "SELECT r.status, count(*) FROM roster r "
			      "WHERE r.incident_id = ? AND r.in_area = 1 GROUP BY r.status");
	rc = store_prepare(st, sql.buf, &s);
	strbuf_release(&sql);
	if (rc)
		return rc;
	store_bind_int64(s, 1, incident);
	if (scope_sql)
		store_bind_int64(s, 2, scope_arg);
	while ((rc = store_step(s)) == STORE_ROW) {
		int i = roster_status_parse(store_col_text(s, 0, NULL));

		if (i >= 0) {
			counts[i] = store_col_int64(s, 1);
			sum += counts[i];
		}
	}
	store_reset(s);
	if (rc < 0)
		return rc;
	if (total)
		*total = sum;
	return HW_OK;
}
