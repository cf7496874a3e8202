/*
 * mission.h: embassies and consulates, and the countries each one covers
 * (its jurisdiction). Officers see the people present in their mission's
 * jurisdiction; stats and, later, alerts and evacuations are counted by it.
 */
#ifndef HW_MISSION_H
#define HW_MISSION_H

#include <stddef.h>

struct store;
struct strbuf;

struct mission_new {
	const char *code;       /* [A-Z0-9-], 2 to 16 characters */
	const char *name;
	const char *kind;       /* embassy (default), consulate, consulate-general, honorary, hq */
	const char *countries;  /* "NP" or "NP,BT": ISO 3166-1 alpha-2, comma-separated */
	const char *city;       /* optional */
	const char *actor;      /* who, for the audit log (NULL: audit_cli_actor) */
	const char *address;    /* the client's address for the audit log, or NULL */
};

/*
 * Validate and add a mission with its jurisdiction, in one transaction.
 * HW_EINPUT with a message naming the field for bad values or an existing
 * code; HW_EDB on database failure. *id gets the new mission's id. The
 * audit entry "mission-add" is written in the same transaction.
 */
int mission_add(struct store *st, const struct mission_new *m, int64_t *id,
		struct strbuf *err);

/*
 * The same inside the caller's transaction (the API's). An existing code
 * gives HW_ECONFLICT rather than HW_EINPUT, so that the API can answer
 * 409. Messages start with the field's name and ": ".
 */
int mission_insert(struct store *st, const struct mission_new *m, int64_t *id,
		   struct strbuf *err);

/*
 * Change mission m->code inside the caller's transaction: the fields of
 * `m` that are not NULL (name, kind, city; "" clears the city), and
 * countries, which replaces the whole jurisdiction (its first country
 * becomes the mission's seat, as in mission_add). Audited as
 * "mission-update" on the code, naming what changed. HW_ENOTFOUND if
 * there is no such mission; HW_EINPUT with a message starting with the
 * field's name; HW_EDB.
 */
int mission_update(struct store *st, const struct mission_new *m,
		   struct strbuf *err);

/* The `homeward mission` command (add, list). */
/*
 * Add the countries of mission `code`'s jurisdiction to `a` (an area of
 * queries and incidents given as --mission CODE or mission=CODE).
 * HW_EINPUT with "mission 'CODE' does not exist or has no countries";
 * HW_EDB with a message.
 */
struct geoarea;
int mission_add_area(struct store *st, const char *code, struct geoarea *a,
		     struct strbuf *err);

int cmd_mission(int argc, char **argv);

#endif
