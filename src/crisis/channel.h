/*
 * channel.h: sending messages to a provider: e-mail over SMTP, SMS
 * through an HTTP gateway, a generic JSON webhook, all with libcurl.
 *
 * A channel keeps a few transfers in flight at once (the setting
 * *-connections) in one libcurl multi handle whose connections are kept
 * and reused from message to message: an SMTP session carries message
 * after message (MAIL FROM, RCPT TO, DATA), an HTTP connection request
 * after request. The dispatcher (outbox_dispatch.c) hands messages in
 * with channel_send() and collects them, with their outcome, from
 * channel_run().
 *
 * What the provider gets, so that it can drop a duplicate (a message
 * sent again after a crash, see outbox.h): an e-mail's Message-ID, and
 * the HTTP requests' Idempotency-Key header, are made from the message's
 * id, incident and person, the same at every attempt.
 *
 * A channel belongs to one thread. channel_global_init() must have been
 * called before any thread makes one.
 */
#ifndef HW_CHANNEL_H
#define HW_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

struct outbox_settings;
struct strbuf;

enum channel_outcome {
	CHANNEL_SENT,      /* the provider accepted it */
	CHANNEL_RETRY,     /* a failure that may pass: try again later */
	CHANNEL_REFUSED,   /* refused for good (a bad address): dead */
};

/* One message in the hands of a channel. The dispatcher owns it and its
 * strings; the channel fills the outcome. */
struct channel_msg {
	int64_t id, incident, person;
	char *recipient;     /* an e-mail address, an E.164 number, an id */
	char *subject;       /* e-mail only; may be NULL */
	char *body;          /* text, or the webhook's JSON document */

	enum channel_outcome outcome;
	char provider_id[128];
	char error[256];
};

struct channel;

/* libcurl's global setup; call once, before threads start. */
int channel_global_init(struct strbuf *err);

/*
 * A channel for `kind` (an enum outbox_channel) with the settings `set`
 * (borrowed: they must outlive the channel). HW_EINPUT when the channel
 * is not configured, HW_EINTERNAL if libcurl fails.
 */
int channel_new(int kind, const struct outbox_settings *set, struct channel **out,
		struct strbuf *err);
/* NULL-safe. Messages still in flight are abandoned (not returned). */
void channel_free(struct channel *c);

/* How many more messages it can take now, and how many are in flight. */
size_t channel_idle(const struct channel *c);
size_t channel_busy(const struct channel *c);

/* Make a channel_run() waiting in another thread return now. The one
 * function here that another thread may call. */
void channel_wakeup(struct channel *c);

/* Start sending `m` (borrowed until channel_run returns it). There must
 * be an idle slot. */
void channel_send(struct channel *c, struct channel_msg *m);

/*
 * Move the transfers on, waiting up to `timeout_ms` for something to
 * happen; the messages finished since the last call (at most `max`) go
 * to done[0 .. *n) with their outcome set. HW_OK, or HW_EINTERNAL when
 * libcurl itself fails.
 */
int channel_run(struct channel *c, int timeout_ms, struct channel_msg **done,
		size_t max, size_t *n);

/* The idempotency key of a message, as providers see it: into buf[64]. */
void channel_idem_key(const struct channel_msg *m, char buf[64]);

/* Subject text encoded for an e-mail header (RFC 2047 encoded words,
 * folded) when it is not plain ASCII; as it is otherwise. */
void channel_header_encode(const char *text, struct strbuf *out);

#endif
