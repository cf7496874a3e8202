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
};

/*
 * Validate and add a mission with its jurisdiction, in one transaction.
 * HW_EINPUT with a message naming the field for bad values or an existing
 * code; HW_EDB on database failure. *id gets the new mission's id. The
 * audit entry "mission-add" is written in the same transaction.
 */
int mission_add(struct store *st, const struct mission_new *m, int64_t *id,
		struct strbuf *err);

/* The `homeward mission` command (add, list). */
int cmd_mission(int argc, char **argv);

#endif
