/*
 * scope.c: the visibility rules of scope.h, as SQL. Keeping every rule
 * in this file is what lets a reviewer check that an officer of one
 * mission cannot reach another mission's people through any route.
 */
#include "core/homeward.h"
#include "auth/scope.h"

#include <string.h>

#include "auth/role.h"
#include "store/store.h"

/*
 * What each role sees of a kind of row, as a table: the roles, the
 * predicate, and what its one `?` binds. A role no rule names sees no row.
 */
enum scope_bind {
	BIND_ONE,      /* the predicate is SCOPE_ALL: everyone */
	BIND_MISSION,  /* the principal's mission */
	BIND_PERSON,   /* the principal's own person */
};

struct scope_rule {
	unsigned roles;
	const char *sql;
	enum scope_bind bind;
};

/* Always true, with a `?` so that every predicate binds one value. */
#define SCOPE_ALL "(? IS NOT NULL)"

static const struct scope_rule person_rules[] = {
	{ ROLE_HQ | ROLE_AUDITOR, SCOPE_ALL, BIND_ONE },
	/* The jurisdiction's persons as a set (built once per query through
	 * the presence_country index), so that listing a small jurisdiction
	 * does not walk the whole registry; its cost follows what the officer
	 * may see. */
	{ ROLE_OFFICER | ROLE_MISSION_HEAD,
	  "person.id IN (SELECT scope_p.person_id FROM presence scope_p "
	  "JOIN mission_country scope_m ON scope_m.country = scope_p.country "
	  "WHERE scope_m.mission_id = ?)", BIND_MISSION },
	{ ROLE_CITIZEN,
	  "person.id IN (SELECT scope_o.id FROM person scope_me "
	  "JOIN person scope_o ON scope_o.id = scope_me.id OR "
	  "(scope_me.party_id IS NOT NULL AND scope_o.party_id = scope_me.party_id) "
	  "WHERE scope_me.id = ?)", BIND_PERSON },
};

static const struct scope_rule user_rules[] = {
	{ ROLE_HQ | ROLE_AUDITOR, SCOPE_ALL, BIND_ONE },
	{ ROLE_MISSION_HEAD, "app_user.mission_id = ?", BIND_MISSION },
};

static void apply_rules(const struct scope_rule *rules, size_t n,
			const struct principal *who, struct scope *s)
{
	s->sql = "(? IS NULL)";  /* nobody signed in, or a role without a rule */
	s->arg = 1;
	s->all = false;
	for (size_t i = 0; i < n; i++) {
		if (!(who->role & rules[i].roles))
			continue;
		s->sql = rules[i].sql;
		s->arg = rules[i].bind == BIND_MISSION ? who->mission_id
			 : rules[i].bind == BIND_PERSON ? who->person_id : 1;
		s->all = rules[i].bind == BIND_ONE;
		return;
	}
}

void scope_persons(const struct principal *who, struct scope *s)
{
	apply_rules(person_rules, ARRAY_SIZE(person_rules), who, s);
}

/*
 * Is row `id` of `table` (person or app_user) one the predicate `sc`
 * selects? HW_OK; HW_ENOTFOUND naming the object otherwise (as for a
 * missing one); HW_EDB with a message.
 */
static int row_visible(struct store *st, const char *table,
		       const struct scope *sc, int64_t id, struct strbuf *err)
{
	struct strbuf sql = STRBUF_INIT;
	struct store_stmt *s;
	int rc;

	strbuf_addf(&sql, "SELECT 1 FROM %s WHERE %s.id = ? AND %s", table, table,
		    sc->sql);
	rc = store_prepare(st, sql.buf, &s);
	strbuf_release(&sql);
	if (rc) {
		strbuf_addf(err, "cannot check access: %s", store_errmsg(st));
		return rc;
	}
	store_bind_int64(s, 1, id);
	store_bind_int64(s, 2, sc->arg);
	rc = store_step(s);
	store_reset(s);
	if (rc == STORE_ROW)
		return HW_OK;
	if (rc == STORE_DONE) {
		strbuf_addf(err, "no %s %lld", strcmp(table, "person") ? "user" : "person",
			    (long long)id);
		return HW_ENOTFOUND;
	}
	strbuf_addf(err, "cannot check access: %s", store_errmsg(st));
	return rc;
}

int scope_person_visible(struct store *st, const struct principal *who,
			 int64_t id, struct strbuf *err)
{
	struct scope sc;

	scope_persons(who, &sc);
	/* For one person, the officers' rule is asked of that person's
	 * presences only, rather than of the whole jurisdiction's set. */
	if (who->role == ROLE_OFFICER || who->role == ROLE_MISSION_HEAD)
		sc.sql = "EXISTS (SELECT 1 FROM presence scope_p JOIN mission_country scope_m "
			 "ON scope_m.country = scope_p.country "
			 "WHERE scope_p.person_id = person.id AND scope_m.mission_id = ?)";
	return row_visible(st, "person", &sc, id, err);
}

int scope_jurisdiction(struct store *st, const struct principal *who,
		       char (**codes)[3], size_t *n, bool *restricted,
		       struct strbuf *err)
{
	struct store_stmt *s;
	size_t alloc = 0;
	int rc;

	*codes = NULL;
	*n = 0;
	*restricted = false;
	if (who->role != ROLE_OFFICER && who->role != ROLE_MISSION_HEAD) {
		if (who->role)
			return HW_OK;
		strbuf_addstr(err, "a geo query without a principal");
		return HW_EINTERNAL;
	}
	*restricted = true;
	rc = store_prepare(st, "SELECT country FROM mission_country "
			   "WHERE mission_id = ? ORDER BY country", &s);
	if (rc) {
		strbuf_addf(err, "cannot read the jurisdiction: %s", store_errmsg(st));
		return rc;
	}
	store_bind_int64(s, 1, who->mission_id);
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *c = store_col_text(s, 0, NULL);
		if (*n == alloc) {
			alloc = alloc ? alloc * 2 : 8;
			*codes = xrealloc(*codes, alloc * sizeof(**codes));
		}
		snprintf((*codes)[*n], 3, "%s", c ? c : "");
		(*n)++;
	}
	store_reset(s);
	if (rc < 0) {
		free(*codes);
		*codes = NULL;
		*n = 0;
		strbuf_addf(err, "cannot read the jurisdiction: %s", store_errmsg(st));
		return rc;
	}
	return HW_OK;
}

void scope_users(const struct principal *who, struct scope *s)
{
	apply_rules(user_rules, ARRAY_SIZE(user_rules), who, s);
}

int scope_user_visible(struct store *st, const struct principal *who,
		       int64_t id, struct strbuf *err)
{
	struct scope sc;

	scope_users(who, &sc);
	return row_visible(st, "app_user", &sc, id, err);
}

int scope_user_grant(struct store *st, const struct principal *who,
		     const char *role, const char *mission, struct strbuf *err)
{
	struct store_stmt *s;
	bool own = false;
	int rc;

	if (who->role == ROLE_HQ)
		return HW_OK;
	if (who->role != ROLE_MISSION_HEAD) {
		strbuf_addf(err, "the role '%s' manages no accounts", role_name(who->role));
		return HW_EFORBIDDEN;
	}
	if (!role || (strcmp(role, "officer") && strcmp(role, "mission-head"))) {
		strbuf_addf(err, "role: a mission head gives only the roles officer "
			    "and mission-head, not '%s'", role ? role : "");
		return HW_EFORBIDDEN;
	}
	if (mission && *mission) {
		rc = store_prepare(st, "SELECT 1 FROM mission WHERE id = ? AND code = ?", &s);
		if (rc) {
			strbuf_addf(err, "cannot check access: %s", store_errmsg(st));
			return rc;
		}
		store_bind_int64(s, 1, who->mission_id);
		store_bind_str(s, 2, mission);
		rc = store_step(s);
		store_reset(s);
		if (rc < 0) {
			strbuf_addf(err, "cannot check access: %s", store_errmsg(st));
			return rc;
		}
		own = rc == STORE_ROW;
	}
	if (!own) {
		strbuf_addf(err, "mission: a mission head manages the accounts of its "
			    "own mission only, not of '%s'", mission ? mission : "");
		return HW_EFORBIDDEN;
	}
	return HW_OK;
}
