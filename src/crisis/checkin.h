/*
 * checkin.h: the check-in links of an incident. Each notified person gets
 * one unguessable link per incident, /c/TOKEN, that records their answer
 * ("I'm safe", "I need help", "I need to leave") without a sign-in: the
 * token is the capability, good for that person and incident only.
 */
#ifndef HW_CHECKIN_H
#define HW_CHECKIN_H

#include <stdbool.h>
#include <stdint.h>

#include "crisis/roster.h"

#include "store/store.h"

struct strbuf;

/* A token is 22 characters of base64url: 128 random bits. */
#define CHECKIN_TOKEN_LEN 22

/*
 * The token of person `person` for incident `incident`, made on first use
 * and the same afterwards. Call inside the caller's transaction (the
 * outbox writes a message and its link together). token gets
 * CHECKIN_TOKEN_LEN + 1 bytes. HW_EDB with a message on failure.
 */
int checkin_token_for(struct store *st, int64_t incident, int64_t person,
		      char *token, struct strbuf *err);

/*
 * The incident and person of `token`: HW_OK, or HW_ENOTFOUND for an
 * unknown or malformed token (checked for shape before any lookup).
 */
int checkin_token_find(struct store *st, const char *token, int64_t *incident,
		       int64_t *person);

/* ---- The committer (checkin.c) ----
 *
 * Check-ins arrive by the thousand after an alert and each must be durable
 * before it is acknowledged. Request threads hand them to one committer
 * thread per server, which writes everything queued in one transaction
 * (group commit: one WAL write for a batch instead of one per check-in)
 * and then tells each submitter its result. Nothing is acknowledged before
 * its batch has committed. The same thread ticks once a second, and after
 * every batch wakes the event streams (GET .../events) parked waiting for
 * news.
 */
struct checkin; /* a server's committer and its parked streams */

/* One check-in handed to the committer. The submitter owns it and keeps it
 * alive until `done` has been called. */
struct checkin_item {
	int64_t incident, person;
	const char *status;          /* a roster status name, static */
	const char *source;          /* "checkin", "sms", ... static */
	char actor[48];
	char address[64];            /* the client's, for the audit log; "" none */
	struct roster_answer answer; /* its note is borrowed */
	int rc;                      /* the result, set before `done` */
	/* Called on the committer thread once the item's batch has committed
	 * (rc = HW_OK) or failed (rc < 0). The committer does not touch the
	 * item afterwards. */
	void (*done)(struct checkin_item *it);
	void *cls;                   /* the submitter's */
	struct checkin_item *next;   /* the queue's */
};

/*
 * Start a committer and its checkpointer, each on a connection of its own
 * to the database at `db_path` (key file `key_path`, NULL: beside it), and
 * put it in *slot, which its owner (the server) keeps. Commits are as
 * durable as `sync` says: STORE_SYNC_FULL (the default of the setting
 * checkin_sync) makes an acknowledged check-in survive a power loss,
 * STORE_SYNC_NORMAL a crash of the server only. HW_EDB with a message
 * when the database cannot be opened.
 */
int checkin_start(struct checkin **slot, const char *db_path,
		  const char *key_path, enum store_sync sync, struct strbuf *err);
/*
 * Stop taking check-ins, commit those queued (their submitters get their
 * answers), wake every parked stream so that it ends, and drop the
 * owner's reference in *slot. Call before the HTTP server stops: it
 * refuses to stop with parked connections. NULL-safe and idempotent.
 */
void checkin_stop(struct checkin **slot);

/* A reference to the committer in *slot, NULL once it has stopped; give
 * it back with checkin_put(). Thread-safe. */
struct checkin *checkin_get(struct checkin *const *slot);
void checkin_put(struct checkin *c);

/*
 * Queue `it`; its `done` will be called from the committer thread. HW_OK,
 * or HW_EIO when the server is stopping (`done` will not be called).
 * Thread-safe.
 */
int checkin_submit(struct checkin *c, struct checkin_item *it);

/*
 * A stream waiting for news: `park(cls)` takes its connection out of the
 * server's loop, `wake(cls)` puts it back. The committer calls park under
 * the lock that wake is called under, so a wake never comes before its
 * park; wake is called once per park.
 */
struct checkin_waiter {
	void (*park)(void *cls);
	void (*wake)(void *cls);
	void *cls;
};

/*
 * Park a stream with nothing to send (w is copied) until the next batch
 * commits or the next tick, at most a second. false, without parking,
 * when the committer is stopping: the stream should end.
 */
bool checkin_park_stream(struct checkin *c, const struct checkin_waiter *w);
/* Wake every parked stream now (after a write outside the committer). */
void checkin_wake_streams(struct checkin *c);

/* ---- Texts and replies (checkin_text.c) ---- */

/* The strings of the check-in page and its answers. */
enum checkin_text {
	CT_HEADING,        /* "Check-in" */
	CT_INTRO,
	CT_EXERCISE,
	CT_SAFE,           /* the three buttons */
	CT_HELP,
	CT_LEAVE,
	CT_PARTY,
	CT_NOTE,
	CT_LOCATION,
	CT_LOCATION_ADDED,
	CT_LAST_ANSWER,
	CT_THANKS,
	CT_RECORDED,       /* "We have recorded your answer:" */
	CT_HELP_NEXT,      /* what happens after "I need help" */
	CT_LEAVE_NEXT,
	CT_CHANGE,         /* "You can change your answer..." */
	CT_BACK,
	CT_NOT_FOUND,
	CT_CLOSED,
	CT_ERROR,
	CT_BAD_PARTY,
	CT_BAD_STATUS,
	CT_BAD_NOTE,
	CT_BAD_LOCATION,
	CT_NTEXTS
};

struct checkin_lang {
	const char *code;  /* "fr" */
	bool rtl;          /* written right to left */
	const char *text[CT_NTEXTS];
};

/* The language `code` ("fr", "fr-CA", "FR"), or NULL when there is none. */
const struct checkin_lang *checkin_lang_find(const char *code);
/* The first supported language of an Accept-Language header; NULL if none. */
const struct checkin_lang *checkin_lang_accept(const char *header);
/* English, the fallback. */
const struct checkin_lang *checkin_lang_default(void);
/* The label a person sees for a roster status in `l` ("safe" -> "I'm safe"). */
const char *checkin_status_label(const struct checkin_lang *l, const char *status);

/*
 * Read an SMS reply: SAFE / HELP / LEAVE or their equivalents in English,
 * Chinese, French, Spanish and Arabic ("OK", "安全", "EN SÉCURITÉ", "A SALVO",
 * "آمن"; "AIDE", "AYUDA", "帮助", "مساعدة"; "PARTIR", "SALIR", "离开",
 * "مغادرة"), in any case, with or without accents, with an optional number
 * of people before or after the word ("3 SAFE", "SAFE 3"). On a match,
 * *status gets the roster status ("safe", "needs-help",
 * "wants-evacuation"), *party_size the number or -1, and `rest` (may be
 * NULL) what followed, trimmed. HW_EINPUT when the text is none of them.
 */
int checkin_parse_reply(const char *text, const char **status, int *party_size,
			struct strbuf *rest);

#endif
