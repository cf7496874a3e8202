/*
 * cap.h: reading a whole CAP message (Common Alerting Protocol 1.2, 1.1
 * and 1.0): who sent it, when, what kind of message it is, which messages
 * it refers to, what each <info> block says, and the union of its areas'
 * shapes (through geoarea_parse_cap, geoarea.h).
 *
 * This is what declares, updates and cancels incidents (incident.h). The
 * parser is defensive, as alerts arrive from outside: it refuses any
 * DOCTYPE, loads no DTD, substitutes no entity and never touches the
 * network. It is strict where the incident depends on a value (the
 * identifiers, the time, the message type, the severity) and lenient where
 * alerts in the wild differ from the standard without harm (whitespace
 * around values, the case of enumerated words, CAP 1.0's "Very Likely").
 *
 * Every error is HW_EINPUT with one line naming the element and why:
 *   "alert/sent is missing"
 *   "alert/sent: '2024-05-01T10:00:00Z' is not a CAP time (...)"
 *   "info[0]/severity: 'Bad' is not one of Extreme, Severe, ..."
 * Messages are valid UTF-8 without control characters whatever the input.
 * A message belongs to one thread at a time; different messages may be
 * parsed in different threads at once.
 */
#ifndef HW_CAP_H
#define HW_CAP_H

#include <stddef.h>

#include "geo/geoarea.h"
#include "core/strbuf.h"

/* A CAP time normalised to UTC: "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define CAP_TIME_LEN 21

/* One message referred to by <references>: "sender,identifier,sent". */
struct cap_ref {
	char *sender;
	char *identifier;
	char sent[CAP_TIME_LEN];   /* normalised to UTC */
};

/* One <info> block. Enumerated values are CAP's canonical words (static
 * strings); free texts are owned, NULL when absent. */
struct cap_info {
	char *language;            /* "en-US" when absent, as CAP says */
	const char *category;      /* the first <category>: "Geo", "Met"... */
	unsigned categories;       /* bit i: cap_categories[i] is given */
	char *event;
	const char *urgency;       /* Immediate, Expected, Future, Past, Unknown */
	const char *severity;      /* Extreme, Severe, Moderate, Minor, Unknown */
	const char *certainty;     /* Observed, Likely, Possible, Unlikely, Unknown */
	char *headline, *description, *instruction;
};

struct cap_message {
	const char *version;       /* "1.2", "1.1" or "1.0" */
	char *identifier;          /* no whitespace, no comma */
	char *sender;              /* no whitespace, no comma */
	char sent[CAP_TIME_LEN];   /* normalised to UTC */
	const char *status;        /* Actual, Exercise, System, Test, Draft */
	const char *msg_type;      /* Alert, Update, Cancel, Ack, Error */
	const char *scope;         /* Public, Restricted, Private */
	struct cap_ref *refs;
	size_t nrefs;
	struct cap_info *infos;
	size_t ninfos;
	/*
	 * The shapes of every <area> of every <info>. Empty when the message
	 * has no polygon or circle with any text (a Cancel, an alert by
	 * geocodes only): `no_area` then says why, in geoarea_parse_cap's
	 * words, for a caller that needs an area.
	 */
	struct geoarea area;
	struct strbuf no_area;
};

/* The categories, in the order of cap_info.categories' bits. */
extern const char *const cap_categories[];
extern const size_t cap_categories_count;

/* Set up an empty message; cap_message_release() frees what it holds
 * (NULL-safe) and leaves it empty and reusable. */
void cap_message_init(struct cap_message *m);
void cap_message_release(struct cap_message *m);

/*
 * Parse the CAP message of `len` bytes at `xml` into `m` (initialised and
 * empty). HW_OK, or HW_EINPUT with a message in `err`; on error `m` is
 * left empty. Required: alert/identifier, sender, sent, status, msgType,
 * scope; in each info: category, event, urgency, severity, certainty.
 * A polygon or circle that is given must be valid (geoarea.h's rules).
 */
int cap_parse(struct cap_message *m, const char *xml, size_t len,
	      struct strbuf *err);

/*
 * Read a CAP time "YYYY-MM-DDThh:mm:ss+hh:mm" (seconds required, no
 * fraction, no 'Z'; "-00:00" means UTC) of `len` bytes and write it in
 * UTC as "YYYY-MM-DDTHH:MM:SSZ" into `out`. HW_EINPUT with the reason
 * appended to `why`, worded to follow "'VALUE' is ": "not a real date".
 */
int cap_parse_time(const char *s, size_t len, char out[CAP_TIME_LEN],
		   struct strbuf *why);

/*
 * The CAP messages an Atom or RSS 2.0 feed links to, in feed order, as
 * absolute URLs resolved against `base` (the feed's own URL): for each
 * Atom <entry>, its <link> whose type names CAP (application/cap+xml),
 * else its alternate link, else its first; for each RSS <item>, an
 * <enclosure> of a CAP type, else its <link>. *urls[0 .. *n) and the
 * array are the caller's to free (cap_feed_links_free). The feed is read
 * as defensively as a message. HW_EINPUT with a message for a document
 * that is not such a feed.
 */
int cap_feed_links(const char *xml, size_t len, const char *base,
		   char ***urls, size_t *n, struct strbuf *err);
void cap_feed_links_free(char **urls, size_t n);

/* The highest severity of the message's infos (Extreme first), or NULL
 * when it has no info. */
const char *cap_max_severity(const struct cap_message *m);

#endif
