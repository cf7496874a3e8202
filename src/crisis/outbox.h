/*
 * outbox.h: the durable outbox of crisis notification.
 *
 * Deciding to notify writes message rows (table `message`, migration
 * 0005) in the same transaction as the decision: one per person on the
 * incident's roster and channel they can be reached on, its text rendered
 * then from the person's language (template.h), with the check-in link
 * BASE_URL/c/TOKEN. Each row's idempotency key, incident x person x
 * template x channel (x emergency contact), is UNIQUE: notifying twice,
 * or again after a crash, adds nothing.
 *
 * Dispatchers (outbox_dispatch.c) then claim due rows for a lease, send
 * them through their channel (channel.h), and record the provider's id
 * and state 'sent' when they release the claim, in one transaction; a
 * failure is retried with exponential backoff and jitter, up to the
 * attempts allowed, then the row is 'dead'. A message is never sent
 * twice by Homeward except in one case: a dispatcher that dies after a
 * provider accepted a message and before the commit that records it
 * leaves that claim to expire, and the message goes again. Only the
 * messages in flight at the crash, counting those finished but not yet
 * recorded, are concerned: at most the channel's connections. They
 * carry the same idempotency key as before (the Idempotency-Key
 * header, a stable Message-ID), by which the provider drops the
 * duplicate. docs/crisis.md, "Notification", says more.
 *
 * Exercise incidents never message real contacts: their rows are written
 * in state 'suppressed' and no dispatcher ever claims them.
 *
 * Escalation (outbox_escalate): a person still 'notified' a while after
 * the first message reached them gets the alert on the channels not yet
 * used, then their emergency contacts get a message, then they are put
 * on the officers' call list (table `escalation`).
 *
 * Functions taking a `struct store` use the caller's connection (one
 * thread at a time); the settings are read-only once made.
 */
#ifndef HW_OUTBOX_H
#define HW_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct strbuf;

enum outbox_channel { OUTBOX_EMAIL, OUTBOX_SMS, OUTBOX_WEBHOOK, OUTBOX_NCHANNELS };
#define OUTBOX_CH(c) (1u << (c))
#define OUTBOX_ALL_CHANNELS (OUTBOX_CH(OUTBOX_EMAIL) | OUTBOX_CH(OUTBOX_SMS) | \
			     OUTBOX_CH(OUTBOX_WEBHOOK))

/* "email", "sms", "webhook"; and back (-1 when unknown). */
const char *outbox_channel_name(int channel);
int outbox_channel_from_name(const char *name);

/*
 * A comma-separated list of channels ("email,sms") into a mask. HW_EINPUT
 * with "channels: ..." in `err` for an unknown or empty one.
 */
int outbox_channels_parse(const char *list, unsigned *mask, struct strbuf *err);

/* ---- Settings ---- */

/*
 * What notification needs to know: where to send and how fast, a typed
 * copy of the settings table's outbox rows (settings.h), which are flags
 * of `dispatch`, `notify` and `serve`, lines of a settings file and
 * environment variables alike.
 */
struct outbox_settings {
	char *base_url;         /* check-in links: BASE_URL/c/TOKEN */
	char *smtp_url;         /* smtp://host:port, smtps://... */
	char *smtp_user, *smtp_password;
	char *mail_from;        /* "Name <address>" or an address */
	char *sms_url;          /* the SMS gateway's POST endpoint */
	char *sms_token;        /* sent as Authorization: Bearer TOKEN */
	char *sms_format;       /* "json" or "form" */
	char *receipt_secret;   /* delivery receipts must carry it */
	char *webhook_url;
	char *webhook_token;
	double rate[OUTBOX_NCHANNELS];        /* messages per second; 0: no limit */
	int64_t connections[OUTBOX_NCHANNELS]; /* messages in flight at once */
	int64_t max_attempts;
	int64_t backoff_ms;     /* the first retry's delay; doubles each time */
	int64_t backoff_max_ms;
	int64_t lease_s;        /* how long a claim lasts */
	int64_t timeout_s;      /* one send's time limit */
	int64_t escalate_after_s; /* 0: no escalation */
	int64_t sms_segments;   /* the most segments of one SMS */
	int64_t poll_ms;        /* how often an idle dispatcher looks for work */
};

/* The current values of the settings table. The caller releases it. */
void outbox_settings_init(struct outbox_settings *s);
void outbox_settings_release(struct outbox_settings *s);
/* A deep copy of `src` into `dst` (not initialised); release it too. */
void outbox_settings_copy(struct outbox_settings *dst, const struct outbox_settings *src);

/* Check the values (ranges, URLs' schemes, the SMS format): HW_OK or
 * HW_EINPUT naming the setting in `err`. */
int outbox_settings_check(const struct outbox_settings *s, struct strbuf *err);

/* Is the channel configured (it has somewhere to send)? */
bool outbox_channel_configured(const struct outbox_settings *s, int channel);

/* ---- Enqueueing ---- */

struct outbox_request {
	int64_t incident;
	const char *template;      /* "alert" */
	unsigned channels;         /* OUTBOX_CH() bits */
	const char *instructions;  /* NULL: the template's own */
};

struct outbox_counts {
	int64_t persons;                   /* on the roster, inside the area */
	int64_t queued[OUTBOX_NCHANNELS];  /* new messages, per channel */
	int64_t existing;                  /* enqueued before: not again */
	int64_t no_address;                /* person x channel without an address */
	int64_t suppressed;                /* new messages of an exercise */
	bool exercise;
};

/*
 * Enqueue `req->template` for every person on the incident's roster
 * (in_area) on each channel of `req->channels` they have an address
 * for: their preferred (else first) e-mail contact, phone contact, and
 * for the webhook, always (the receiving system gets the person's
 * external id). Makes the check-in tokens of those who have none. Call
 * inside the caller's transaction. HW_ENOTFOUND for an unknown
 * incident, HW_EINPUT ("template: ..." / "incident: ...") for an unknown
 * template or an incident that is closed or cancelled, HW_EDB.
 */
int outbox_enqueue(struct store *st, const struct outbox_settings *set,
		   const struct outbox_request *req, struct outbox_counts *counts,
		   struct strbuf *err);

/* ---- Escalation ---- */

struct outbox_escalated {
	int64_t next_channel;   /* persons given the alert on other channels */
	int64_t kin;            /* persons whose emergency contacts were messaged */
	int64_t call_list;      /* persons put on the call list */
	int64_t messages;       /* messages enqueued */
};

/*
 * One pass of the escalation ladder at `now_ms` (see above), for every
 * person whose next stage is due, in transactions of its own. Also
 * suppresses the unsent messages of cancelled incidents. HW_EDB.
 */
int outbox_escalate(struct store *st, const struct outbox_settings *set,
		    int64_t now_ms, struct outbox_escalated *done,
		    struct strbuf *err);

/*
 * Called by the dispatcher, inside its transaction, when a message to a
 * person (not to kin) has been sent: the person becomes 'notified' on the
 * roster if still 'unknown', and their escalation ladder starts. HW_EDB.
 */
int outbox_after_send(struct store *st, const struct outbox_settings *set,
		      int64_t incident, int64_t person, const char *channel,
		      int64_t now_ms, struct strbuf *err);

/* ---- Delivery receipts ---- */

/*
 * A delivery receipt for the SMS the gateway knows as `provider_id`:
 * `status` "delivered" marks it delivered; "failed" or "undelivered"
 * marks it dead with `detail`. Call inside a transaction. *message_id
 * gets the message's id. HW_ENOTFOUND for an unknown id, HW_EINPUT for
 * an unknown status, HW_EDB.
 */
int outbox_receipt(struct store *st, const char *provider_id, const char *status,
		   const char *detail, int64_t *message_id, struct strbuf *err);

/* ---- Dispatchers ---- */

struct outbox_runner;

/*
 * Start one dispatcher thread per configured channel (and the escalation
 * pass, unless escalate_after_s is 0), each with its own connection to
 * the database at `db_path`. `set` is copied. With `once`, the threads
 * end when no message of their channel is left to send or retry.
 */
int outbox_runner_start(const char *db_path, const char *key_path,
			const struct outbox_settings *set, bool once,
			struct outbox_runner **out, struct strbuf *err);
/* Wait for a `once` runner's threads to end. */
void outbox_runner_wait(struct outbox_runner *r);
/* Stop: no new claims; messages in flight finish (up to their timeout),
 * their outcome is recorded, claims not yet sent are released. NULL-safe. */
void outbox_runner_stop(struct outbox_runner *r);

/* Messages sent, retried and dead so far, over all channels. */
void outbox_runner_totals(struct outbox_runner *r, int64_t *sent,
			  int64_t *retried, int64_t *dead);

/*
 * `serve`: the settings from the environment, and the dispatchers of the
 * configured channels on the database at `db_path` (key file `key_path`,
 * NULL: beside it). *out is set even on failure, for outbox_stop() to
 * free; the server keeps it. outbox_stop is NULL-safe.
 */
struct outbox_server;
int outbox_start(struct outbox_server **out, const char *db_path,
		 const char *key_path, struct strbuf *err);
void outbox_stop(struct outbox_server *o);
/* The settings of `o` (for the API's notify and receipt routes); NULL for
 * a NULL `o`. */
const struct outbox_settings *outbox_server_settings(const struct outbox_server *o);

/* The `homeward notify` and `homeward dispatch` commands. */
int cmd_notify(int argc, char **argv);
int cmd_dispatch(int argc, char **argv);

#endif
