/*
 * roster.h: the roster of an incident, the persons it affects and how each
 * of them is: one row per (incident, person) in `roster`, and one row in
 * `roster_event` for every answer or status change, with its time, source
 * and actor (schema 0004-incident.sql).
 *
 * Who joins a roster is the incident module's business (incident.h); this
 * module changes statuses and reads them back. All functions run on the
 * caller's connection and, for writes, inside the caller's transaction:
 * the caller commits, so a status change and whatever caused it (a message
 * sent, a check-in, an officer's call) are written together or not at all.
 * Not thread-safe beyond what the connection is (one thread at a time).
 */
#ifndef HW_ROSTER_H
#define HW_ROSTER_H

#include <stdbool.h>
#include <stdint.h>

struct store;
struct strbuf;

/* The statuses, in the order boards show them. */
enum roster_status {
	ROSTER_UNKNOWN,
	ROSTER_NOTIFIED,
	ROSTER_SAFE,
	ROSTER_NEEDS_HELP,
	ROSTER_WANTS_EVACUATION,
	ROSTER_EVACUATED,
	ROSTER_MISSING,
	ROSTER_INJURED,
	ROSTER_DECEASED,
	ROSTER_NSTATUS
};

/* The name of a status ("needs-help"), or NULL when out of range. */
const char *roster_status_name(int status);
/* The status named `name`, or -1 for an unknown name. */
int roster_status_parse(const char *name);
/*
 * Whether a person with this status is still to be accounted for: unknown,
 * notified, missing and needs-help are (the officers' call lists hold them).
 */
bool roster_status_unaccounted(int status);
/* Whether `source` is one of the sources roster_event accepts. */
bool roster_source_valid(const char *source);

/*
 * What a person said besides their status. Fields left at their "none"
 * value (party_size < 0, note NULL, has_location false) leave the roster's
 * values as they are.
 */
struct roster_answer {
	int party_size;     /* people with them, themselves included; < 0: none */
	const char *note;   /* borrowed; NULL: none */
	bool has_location;
	double lat, lon;
};
#define ROSTER_ANSWER_INIT { -1, NULL, false, 0, 0 }

/*
 * Set the status of `person` on the roster of `incident`, store what
 * `answer` holds (may be NULL), and write a roster_event row (status,
 * source, actor, detail) — inside the caller's transaction.
 *
 * An answer (safe after safe) is recorded again as an event: it is news
 * that the person answered. One rule protects answers from bookkeeping:
 * status "notified" only replaces "unknown"; for a person whose status is
 * already anything else it changes nothing, writes no event, and returns
 * HW_OK (the outbox marks whole rosters notified without reading them).
 *
 * Returns HW_OK; HW_EINPUT for an unknown status or source, HW_ENOTFOUND
 * if the person is not on the roster, HW_EDB on failure — each with a
 * message in `err`.
 */
int roster_set_status(struct store *st, int64_t incident, int64_t person,
		      const char *status, const char *source, const char *actor,
		      const char *detail, const struct roster_answer *answer,
		      struct strbuf *err);

/*
 * Keep `note` on the roster entry without changing its status or writing
 * an event (an SMS reply that is none of the known answers). Inside the
 * caller's transaction. HW_ENOTFOUND if not on the roster, HW_EDB.
 */
int roster_set_note(struct store *st, int64_t incident, int64_t person,
		    const char *note);

/*
 * Whether incident `id` exists and may be seen: with `all` (hq and
 * auditors) any incident; otherwise (officers and mission heads) only an
 * incident that concerns mission `mission_id` (incident_mission). HW_OK,
 * HW_ENOTFOUND, or HW_EDB.
 */
int roster_incident_visible(struct store *st, int64_t id, bool all,
			    int64_t mission_id);

/*
 * The status of `person` on the roster of `incident` (an enum
 * roster_status) in *status. HW_ENOTFOUND if not on the roster.
 */
int roster_get_status(struct store *st, int64_t incident, int64_t person,
		      int *status);

/*
 * Count the roster of `incident` per status: counts[ROSTER_NSTATUS] is
 * filled, indexed by enum roster_status, and *total gets their sum (may be
 * NULL). Only persons inside the area (in_area = 1) count. `scope_sql`, if
 * not NULL, is a predicate on a row of `person` with one `?` bound to
 * `scope_arg` (scope.h's scope_persons gives one), so an officer counts
 * only the persons they may see.
 */
int roster_count(struct store *st, int64_t incident, const char *scope_sql,
		 int64_t scope_arg, int64_t counts[ROSTER_NSTATUS],
		 int64_t *total);

#endif
