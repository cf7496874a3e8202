/*
 * incident.h: incidents and who they affect. An incident is declared with
 * an area (a CAP alert, a GeoJSON polygon, a circle or a list of
 * countries); its roster is every person with a presence inside the area
 * on the day (the geo engine with geo_filter_today(): exactly what
 * `homeward query --count` counts), one `roster` row each with status
 * unknown, naming the `roster_change` row that says when, why and by whom
 * they joined (one per declaration, area change or arrival; roster_event
 * holds status changes only). The area can be
 * widened or narrowed later: newcomers join, persons the area no longer
 * covers get in_area = 0 and keep their status and history, persons
 * coming back get in_area = 1 again. People who register or arrive inside
 * an open incident's area join too (incident_on_presence).
 *
 * CAP messages are applied by type: an Alert declares an incident; an
 * Update or Cancel changes or cancels the incident that one of its
 * <references> declared or updated. Each applied message is recorded in
 * incident_cap, and a message seen again (same sender and identifier) is
 * refused with HW_ECONFLICT, so that polling a feed twice applies each
 * message once.
 *
 * The missions concerned (incident_mission) are those whose jurisdiction
 * holds a country where a roster person's presence inside the area lies,
 * or a country the area names; the set only grows (narrowing an area
 * leaves the missions of the persons who left able to follow them).
 *
 * Writes run inside the caller's transaction (store_begin ... commit) on
 * the caller's connection; the caller writes the audit entry, with the
 * action and object the outcome gives. Messages start with the name of
 * the API field concerned and ": " ("cap: alert/sent is missing",
 * "title: ..."), as api_fail_from() wants. Functions are as thread-safe
 * as the connection, except where said.
 */
#ifndef HW_INCIDENT_H
#define HW_INCIDENT_H

#include "registry/area.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct geo;
struct geoarea;
struct geo_presence;
struct store;
struct strbuf;

/* The incident types, as the schema allows them; the first is the
 * default of nothing better is known. */
extern const char *const incident_types[];

/* An area as given: `kind` is "cap", "geojson", "circle" ("LAT,LON,KM")
 * or "countries" ("CC,CC"); `text` its `len` bytes (borrowed). */

/* What declares an incident or changes one. */
struct incident_spec {
	struct area_spec area;     /* kind NULL: no area (a change of title) */
	const char *title;     /* NULL: the CAP headline or event, or unchanged */
	const char *type;      /* NULL: from the CAP category and event, else
				  'other', or unchanged */
	bool exercise;         /* declare it as an exercise whatever CAP says */
	int64_t mission_id;    /* a mission always concerned (the declaring
				  officer's), 0 for none */
};

/* What a declaration or change did, for the caller's audit entry and
 * report. */
struct incident_outcome {
	int64_t id;            /* the incident */
	const char *action;    /* "incident-create", "incident-update",
				  "incident-cancel" (static) */
	int64_t in_area;       /* roster persons inside the area afterwards */
	int64_t joined;        /* persons added to the roster */
	int64_t rejoined;      /* persons back inside the area */
	int64_t left;          /* persons no longer inside it */
	double query_s;        /* seconds the geo engine took */
	double roster_s;       /* seconds writing roster rows */
};

/* What a declaration or change did, for its audit entry (counts only):
 * "roster N in area: J joined, B back, L left", and "; area KIND" when
 * `area_kind` is not NULL. */
void incident_outcome_detail(const struct incident_outcome *o,
			     const char *area_kind, struct strbuf *sb);

/*
 * Declare an incident from `spec` (an area is required), or, for a CAP
 * Update or Cancel, apply it to the incident it refers to. The roster is
 * computed with `g`, which must hold the database as it stands (the
 * server's shared engine, or one loaded inside the caller's transaction).
 * HW_OK with *out filled; HW_EINPUT for a bad spec, an unknown type, a
 * CAP message that is not actionable (Draft, System, Ack, Error) or whose
 * reference is unknown; HW_ECONFLICT for a CAP message already applied or
 * an Update/Cancel of an incident that is not open; HW_EDB.
 */
int incident_declare(struct store *st, struct geo *g,
		     const struct incident_spec *spec, const char *actor,
		     struct incident_outcome *out, struct strbuf *err);

/*
 * Change incident `id`: its title and type when given, and its area when
 * spec->area.kind is set (a CAP message given here only lends its shapes,
 * whatever its type; it is not recorded in incident_cap). The roster
 * follows the new area. HW_ENOTFOUND, HW_ECONFLICT if it is not open,
 * HW_EINPUT, HW_EDB.
 */
int incident_change(struct store *st, struct geo *g, int64_t id,
		    const struct incident_spec *spec, const char *actor,
		    struct incident_outcome *out, struct strbuf *err);

/* Close incident `id`: HW_OK, HW_ENOTFOUND, HW_ECONFLICT if it is not
 * open, HW_EDB. */
int incident_close(struct store *st, int64_t id, struct strbuf *err);

/*
 * A person's presences were just written (inside the caller's
 * transaction): the entries `p[0 .. n)` as the geo engine takes them
 * (presence.h's presence_geo_entries). Each entry present today that lies
 * inside the area of an open incident puts its person on that incident's
 * roster (status unknown, with a roster change "arrived" by `actor`), or
 * back inside the
 * area if the person had left it, and adds the missions of the presence's
 * country. Nothing happens for a person already inside.
 *
 * The open incidents' areas are kept parsed in a process-wide cache,
 * checked against the database on each call (the area's text is compared,
 * so a change made by another process is seen at once); the incidents
 * open at any time are few. Thread-safe. HW_EDB with a message.
 */
int incident_on_presence(struct store *st, const struct geo_presence *p,
			 size_t n, const char *actor, struct strbuf *err);

/*
 * The same for entries `p[0 .. n)` of any number of persons, in any order
 * (an import's): each incident they reach gets one roster change, with
 * `reason` ("arrived", "imported") and the counts, for all its newcomers.
 * *joined: the roster entries added or brought back inside, over all
 * incidents.
 */
int incident_on_arrivals(struct store *st, const struct geo_presence *p,
			 size_t n, const char *actor, const char *reason,
			 int64_t *joined, struct strbuf *err);

/*
 * Register the registry's arrivals listener (registry/arrivals.h), so that
 * an import's registrants inside an open incident's area join its roster
 * (through incident_on_arrivals, reason "imported"). Call once at start.
 */
void incident_listen_arrivals(void);

/*
 * Incident `id` as JSON (*out, the caller's reference): its fields, the
 * missions concerned, the CAP messages applied, "affected" (roster
 * persons inside the area) and "by_status" (the count per status). With
 * `scope_sql` (scope.h's predicate on `person`, one `?` bound to
 * `scope_arg`) the counts hold only the persons it selects. HW_ENOTFOUND,
 * HW_EDB.
 */
int incident_json(struct store *st, int64_t id, const char *scope_sql,
		  int64_t scope_arg, json_t **out, struct strbuf *err);

/* The columns of an incident row as list entries show them; the first is
 * the id. Used with incident_row_json() on the current row. */
#define INCIDENT_COLUMNS \
	"incident.id, incident.title, incident.type, incident.severity, " \
	"incident.status, incident.exercise, incident.area_kind, " \
	"incident.cap_sender, incident.cap_identifier, incident.cap_sent, " \
	"incident.created_by, incident.created_at, incident.updated_at, " \
	"incident.closed_at"
struct store_stmt;
json_t *incident_row_json(struct store_stmt *s);

/* Forget every cached area (tests; a process that swaps databases). */
void incident_cache_clear(void);

/* The `homeward incident` command (incident_cli.c). */
int cmd_incident(int argc, char **argv);

#endif
