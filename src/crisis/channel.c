/*
 * channel.c: the senders of the outbox over libcurl (channel.h).
 *
 * One multi handle per channel, with a fixed set of slots, each an easy
 * handle with its buffers, made once and reused: the multi handle's
 * connection cache keeps the SMTP sessions and HTTP connections open
 * between messages. libcurl's results become outcomes in one place,
 * classify(): what may pass is retried, what is refused for good is not.
 */
#include "core/homeward.h"
#include "crisis/channel.h"

#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "crisis/outbox.h"

struct slot {
	CURL *easy;
	struct channel_msg *msg;       /* NULL when idle */
	struct strbuf payload;         /* what is uploaded */
	size_t sent;                   /* bytes of it read by libcurl */
	struct strbuf response;        /* what came back (HTTP) */
	struct curl_slist *headers;    /* HTTP headers of this request */
	struct curl_slist *rcpt;       /* SMTP recipients */
	char errbuf[CURL_ERROR_SIZE];
};

struct channel {
	int kind;
	const struct outbox_settings *set;
	CURLM *multi;
	struct slot *slots;
	size_t nslots, busy;
	CURLMsg *pending;              /* a finished transfer read ahead */
	char mail_from[256];           /* the bare address, for MAIL FROM */
	char domain[128];              /* its domain, for Message-IDs */
};

int channel_global_init(struct strbuf *err)
{
	CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (rc) {
		strbuf_addf(err, "cannot set up libcurl: %s", curl_easy_strerror(rc));
		return HW_EINTERNAL;
	}
	return HW_OK;
}

void channel_idem_key(const struct channel_msg *m, char buf[64])
{
	snprintf(buf, 64, "hw-%" PRId64 "-%" PRId64 "-%" PRId64, m->id, m->incident,
		 m->person);
}

/* ---- E-mail ---- */

/* Encoded words of at most 45 bytes of text each (60 of base64, 72 with
 * the frame), cut between UTF-8 characters, one per folded line. */
void channel_header_encode(const char *text, struct strbuf *out)
{
	size_t len = strlen(text), i = 0;
	bool ascii = true;

	for (size_t k = 0; k < len; k++)
		if ((unsigned char)text[k] >= 0x80 || text[k] == '\r' || text[k] == '\n')
			ascii = false;
	if (ascii && len <= 900) {
		strbuf_addstr(out, text);
		return;
	}
	while (i < len) {
		size_t n = len - i > 45 ? 45 : len - i;
		char b64[sodium_base64_ENCODED_LEN(45, sodium_base64_VARIANT_ORIGINAL)];

		/* Back off to the start of a character. */
		while (n < len - i && n > 1 && ((unsigned char)text[i + n] & 0xC0) == 0x80)
			n--;
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)text + i, n,
				  sodium_base64_VARIANT_ORIGINAL);
		strbuf_addf(out, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", b64);
		i += n;
	}
}

/* The address inside "Name <address>", or the whole text. */
static void bare_address(const char *from, char *buf, size_t size)
{
	const char *lt = strrchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;

	if (lt && gt)
		snprintf(buf, size, "%.*s", (int)(gt - lt - 1), lt + 1);
	else
		snprintf(buf, size, "%s", from);
}

/* The From header: a display name that is not ASCII gets encoded. */
static void from_header(const char *from, struct strbuf *out)
{
	const char *lt = strrchr(from, '<');
	struct strbuf name = STRBUF_INIT;

	if (!lt || lt == from) {
		strbuf_addstr(out, from);
		return;
	}
	strbuf_add(&name, from, (size_t)(lt - from));
	strbuf_rtrim(&name);
	channel_header_encode(name.buf, out);
	strbuf_addf(out, " %s", lt);
	strbuf_release(&name);
}

/* The message as SMTP carries it: headers, a blank line, the body with
 * CRLF line ends and no line longer than SMTP allows. */
static void build_email(struct channel *c, struct slot *s)
{
	struct channel_msg *m = s->msg;
	struct strbuf *p = &s->payload;
	char date[64], key[64];
	time_t now = time(NULL);
	struct tm tm;
	size_t line = 0;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	channel_idem_key(m, key);
	strbuf_reset(p);
	strbuf_addf(p, "Date: %s\r\nFrom: ", date);
	from_header(c->set->mail_from, p);
	strbuf_addf(p, "\r\nTo: <%s>\r\nSubject: ", m->recipient);
	channel_header_encode(m->subject ? m->subject : "", p);
	strbuf_addf(p, "\r\nMessage-ID: <%s@%s>\r\n"
		    "MIME-Version: 1.0\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: 8bit\r\n"
		    "Auto-Submitted: auto-generated\r\n"
		    "X-Homeward-Message: %" PRId64 "\r\n\r\n", key, c->domain, m->id);
	for (const char *b = m->body; *b; b++) {
		if (*b == '\r')
			continue;
		if (*b == '\n') {
			strbuf_addstr(p, "\r\n");
			line = 0;
			continue;
		}
		/* 998 octets is SMTP's limit; break long lines between
		 * characters well before it. */
		if (line >= 900 && ((unsigned char)*b & 0xC0) != 0x80) {
			strbuf_addstr(p, "\r\n");
			line = 0;
		}
		strbuf_addch(p, *b);
		line++;
	}
	if (memcmp(p->buf + p->len - 2, "\r\n", 2))
		strbuf_addstr(p, "\r\n");
	snprintf(m->provider_id, sizeof(m->provider_id), "<%.60s@%.60s>", key, c->domain);
}

static size_t read_payload(char *buf, size_t size, size_t nitems, void *arg)
{
	struct slot *s = arg;
	size_t room = size * nitems, left = s->payload.len - s->sent;
	size_t n = left < room ? left : room;

	memcpy(buf, s->payload.buf + s->sent, n);
	s->sent += n;
	return n;
}

static size_t write_response(char *data, size_t size, size_t nmemb, void *arg)
{
	struct slot *s = arg;
	size_t n = size * nmemb;

	/* Enough to find an id; the rest is not kept. */
	if (s->response.len < 65536)
		strbuf_add(&s->response, data, n);
	return n;
}

static void prepare_email(struct channel *c, struct slot *s)
{
	char rcpt[320];

	build_email(c, s);
	curl_slist_free_all(s->rcpt);
	snprintf(rcpt, sizeof(rcpt), "<%s>", s->msg->recipient);
	s->rcpt = curl_slist_append(NULL, rcpt);
	curl_easy_setopt(s->easy, CURLOPT_MAIL_RCPT, s->rcpt);
	curl_easy_setopt(s->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)s->payload.len);
}

/* ---- HTTP: the SMS gateway and the webhook ---- */

static void add_form_field(struct strbuf *p, CURL *easy, const char *name,
			   const char *value)
{
	char *esc = curl_easy_escape(easy, value, 0);

	strbuf_addf(p, "%s%s=%s", p->len ? "&" : "", name, esc ? esc : "");
	curl_free(esc);
}

static void prepare_http(struct channel *c, struct slot *s)
{
	const struct channel_msg *m = s->msg;
	const char *token = c->kind == OUTBOX_SMS ? c->set->sms_token : c->set->webhook_token;
	char key[64], hdr[512];
	bool form = c->kind == OUTBOX_SMS && !strcmp(c->set->sms_format, "form");

	channel_idem_key(m, key);
	strbuf_reset(&s->payload);
	strbuf_reset(&s->response);
	if (c->kind == OUTBOX_WEBHOOK) {
		/* The document rendered at enqueue, with the message's id and
		 * key put in front. */
		strbuf_addf(&s->payload, "{\"message_id\":%" PRId64 ",\"idempotency_key\":\"%s\",",
			    m->id, key);
		strbuf_addstr(&s->payload, m->body[0] == '{' ? m->body + 1 : "}");
	} else if (form) {
		char ref[32];
		snprintf(ref, sizeof(ref), "%" PRId64, m->id);
		add_form_field(&s->payload, s->easy, "to", m->recipient);
		add_form_field(&s->payload, s->easy, "text", m->body);
		add_form_field(&s->payload, s->easy, "reference", ref);
	} else {
		strbuf_addstr(&s->payload, "{\"to\":\"");
		strbuf_addjson(&s->payload, m->recipient, strlen(m->recipient));
		strbuf_addstr(&s->payload, "\",\"text\":\"");
		strbuf_addjson(&s->payload, m->body, strlen(m->body));
		strbuf_addf(&s->payload, "\",\"reference\":\"%" PRId64 "\"}", m->id);
	}
	curl_slist_free_all(s->headers);
	s->headers = curl_slist_append(NULL, form ? "Content-Type: application/x-www-form-urlencoded"
						  : "Content-Type: application/json");
	snprintf(hdr, sizeof(hdr), "Idempotency-Key: %s", key);
	s->headers = curl_slist_append(s->headers, hdr);
	snprintf(hdr, sizeof(hdr), "X-Homeward-Message: %" PRId64, m->id);
	s->headers = curl_slist_append(s->headers, hdr);
	if (token) {
		snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", token);
		s->headers = curl_slist_append(s->headers, hdr);
		sodium_memzero(hdr, sizeof(hdr));
	}
	/* No "Expect: 100-continue" round trip before each body. */
	s->headers = curl_slist_append(s->headers, "Expect:");
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, s->payload.buf);
	curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)s->payload.len);
}

/* The provider's id in a JSON answer: "id", "message_id" or "sid". */
static void response_id(struct slot *s)
{
	static const char *const keys[] = { "id", "message_id", "sid" };
	json_t *j = json_loadb(s->response.buf, s->response.len, 0, NULL);

	for (size_t i = 0; j && json_is_object(j) && i < ARRAY_SIZE(keys); i++) {
		json_t *v = json_object_get(j, keys[i]);
		if (json_is_string(v)) {
			snprintf(s->msg->provider_id, sizeof(s->msg->provider_id), "%s",
				 json_string_value(v));
			break;
		}
		if (json_is_integer(v)) {
			snprintf(s->msg->provider_id, sizeof(s->msg->provider_id), "%" JSON_INTEGER_FORMAT,
				 json_integer_value(v));
			break;
		}
	}
	json_decref(j);
}

/* ---- Outcomes ---- */

/* Answers that refuse this message for good; everything else that is
 * not success may pass (a server down, a full queue, a wrong password
 * that someone will fix) and is retried until the attempts run out. */
static const long http_refusals[] = { 400, 404, 410, 413, 422 };
static const long smtp_refusals[] = { 501, 550, 551, 552, 553, 554 };

static bool in_codes(const long *codes, size_t n, long code)
{
	for (size_t i = 0; i < n; i++)
		if (codes[i] == code)
			return true;
	return false;
}

static void classify(struct channel *c, struct slot *s, CURLcode res)
{
	struct channel_msg *m = s->msg;
	long code = 0;

	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
	if (c->kind == OUTBOX_EMAIL) {
		if (res == CURLE_OK) {
			m->outcome = CHANNEL_SENT;
			return;
		}
		m->provider_id[0] = '\0';
		m->outcome = in_codes(smtp_refusals, ARRAY_SIZE(smtp_refusals), code)
			     ? CHANNEL_REFUSED : CHANNEL_RETRY;
		snprintf(m->error, sizeof(m->error), "smtp: %.80s%s%.140s (reply %ld)",
			 curl_easy_strerror(res), s->errbuf[0] ? ": " : "", s->errbuf, code);
		return;
	}
	if (res != CURLE_OK) {
		m->outcome = CHANNEL_RETRY;
		snprintf(m->error, sizeof(m->error), "%s: %.80s%s%.140s",
			 outbox_channel_name(c->kind), curl_easy_strerror(res),
			 s->errbuf[0] ? ": " : "", s->errbuf);
		return;
	}
	if (code >= 200 && code < 300) {
		m->outcome = CHANNEL_SENT;
		response_id(s);
		return;
	}
	m->outcome = in_codes(http_refusals, ARRAY_SIZE(http_refusals), code)
		     ? CHANNEL_REFUSED : CHANNEL_RETRY;
	snprintf(m->error, sizeof(m->error), "%s: HTTP %ld: %.160s",
		 outbox_channel_name(c->kind), code, s->response.buf);
	for (char *p = m->error; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

/* ---- The channel ---- */

static int slot_init(struct channel *c, struct slot *s, struct strbuf *err)
{
	const struct outbox_settings *set = c->set;
	CURL *e = curl_easy_init();

	if (!e) {
		strbuf_addstr(err, "cannot make a libcurl handle");
		return HW_EINTERNAL;
	}
	s->easy = e;
	strbuf_init(&s->payload, 4096);
	strbuf_init(&s->response, 256);
	curl_easy_setopt(e, CURLOPT_PRIVATE, s);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)set->timeout_s * 1000L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(set->timeout_s < 10 ? set->timeout_s : 10) * 1000L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, c->kind == OUTBOX_EMAIL
			 ? "smtp,smtps" : "http,https");
	switch (c->kind) {
	case OUTBOX_EMAIL:
		curl_easy_setopt(e, CURLOPT_URL, set->smtp_url);
		curl_easy_setopt(e, CURLOPT_MAIL_FROM, c->mail_from);
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, read_payload);
		curl_easy_setopt(e, CURLOPT_READDATA, s);
		if (set->smtp_user) {
			curl_easy_setopt(e, CURLOPT_USERNAME, set->smtp_user);
			curl_easy_setopt(e, CURLOPT_PASSWORD, set->smtp_password ? set->smtp_password : "");
		}
		if (!strncmp(set->smtp_url, "smtp://", 7))
			curl_easy_setopt(e, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
		break;
	case OUTBOX_SMS:
	case OUTBOX_WEBHOOK:
		curl_easy_setopt(e, CURLOPT_URL, c->kind == OUTBOX_SMS ? set->sms_url
								       : set->webhook_url);
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_response);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
		curl_easy_setopt(e, CURLOPT_USERAGENT, "homeward/" HW_VERSION);
		break;
	}
	return HW_OK;
}

int channel_new(int kind, const struct outbox_settings *set, struct channel **out,
		struct strbuf *err)
{
	struct channel *c;
	const char *at;
	int rc = HW_OK;

	*out = NULL;
	if (!outbox_channel_configured(set, kind)) {
		strbuf_addf(err, "the %s channel has nowhere to send",
			    outbox_channel_name(kind));
		return HW_EINPUT;
	}
	c = xcalloc(1, sizeof(*c));
	c->kind = kind;
	c->set = set;
	bare_address(set->mail_from, c->mail_from, sizeof(c->mail_from));
	at = strrchr(c->mail_from, '@');
	snprintf(c->domain, sizeof(c->domain), "%s", at && at[1] ? at + 1 : "homeward.invalid");
	c->nslots = (size_t)set->connections[kind];
	c->slots = xcalloc(c->nslots, sizeof(*c->slots));
	c->multi = curl_multi_init();
	if (!c->multi) {
		strbuf_addstr(err, "cannot make a libcurl multi handle");
		rc = HW_EINTERNAL;
		goto fail;
	}
	curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)c->nslots);
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)c->nslots);
	for (size_t i = 0; i < c->nslots; i++)
		if ((rc = slot_init(c, &c->slots[i], err)))
			goto fail;
	*out = c;
	return HW_OK;
fail:
	channel_free(c);
	return rc;
}

void channel_free(struct channel *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nslots; i++) {
		struct slot *s = &c->slots[i];
		if (s->easy) {
			if (s->msg && c->multi)
				curl_multi_remove_handle(c->multi, s->easy);
			curl_easy_cleanup(s->easy);
		}
		curl_slist_free_all(s->headers);
		curl_slist_free_all(s->rcpt);
		strbuf_release(&s->payload);
		strbuf_release(&s->response);
	}
	if (c->multi)
		curl_multi_cleanup(c->multi);
	free(c->slots);
	free(c);
}

size_t channel_idle(const struct channel *c)
{
	return c->nslots - c->busy;
}

size_t channel_busy(const struct channel *c)
{
	return c->busy;
}

void channel_wakeup(struct channel *c)
{
	curl_multi_wakeup(c->multi);
}

void channel_send(struct channel *c, struct channel_msg *m)
{
	struct slot *s = NULL;

	for (size_t i = 0; i < c->nslots && !s; i++)
		if (!c->slots[i].msg)
			s = &c->slots[i];
	assert(s);
	s->msg = m;
	s->sent = 0;
	s->errbuf[0] = '\0';
	m->provider_id[0] = '\0';
	m->error[0] = '\0';
	if (c->kind == OUTBOX_EMAIL)
		prepare_email(c, s);
	else
		prepare_http(c, s);
	curl_multi_add_handle(c->multi, s->easy);
	c->busy++;
}

/* Has a transfer finished? The message read to find out is kept for
 * channel_run. */
static bool finished(struct channel *c)
{
	int left;

	while (!c->pending) {
		CURLMsg *m = curl_multi_info_read(c->multi, &left);
		if (!m)
			return false;
		if (m->msg == CURLMSG_DONE)
			c->pending = m;
	}
	return true;
}

int channel_run(struct channel *c, int timeout_ms, struct channel_msg **done,
		size_t max, size_t *n)
{
	CURLMsg *info;
	CURLMcode mc;
	int running, left;

	*n = 0;
	mc = curl_multi_perform(c->multi, &running);
	/* Wait only when nothing has finished yet: a finished transfer makes
	 * no more noise on its socket to wake the poll. */
	if (mc == CURLM_OK && timeout_ms > 0 && !finished(c)) {
		mc = curl_multi_poll(c->multi, NULL, 0, timeout_ms, NULL);
		if (mc == CURLM_OK)
			mc = curl_multi_perform(c->multi, &running);
	}
	if (mc != CURLM_OK)
		return HW_EINTERNAL;
	while (*n < max && (info = c->pending ? c->pending : curl_multi_info_read(c->multi, &left))) {
		c->pending = NULL;
		struct slot *s;
		if (info->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(info->easy_handle, CURLINFO_PRIVATE, (char **)&s);
		classify(c, s, info->data.result);
		curl_multi_remove_handle(c->multi, s->easy);
		done[(*n)++] = s->msg;
		s->msg = NULL;
		c->busy--;
	}
	return HW_OK;
}
