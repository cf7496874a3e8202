/*
 * outbox.c: the outbox's rows (outbox.h): the settings of notification,
 * enqueueing an incident's messages, the escalation ladder, delivery
 * receipts, and the `homeward notify` command. The dispatchers that send
 * the rows are in outbox_dispatch.c, the senders in channel.c, the texts
 * in template.c.
 *
 * Enqueueing is built for a million persons in a few seconds: one query
 * walks the roster in person order with everything a message needs
 * (name, language, addresses, check-in token, which messages exist
 * already), the texts are rendered from pre-parsed templates, and rows
 * go in 64 at a time with one multi-row INSERT ... ON CONFLICT DO
 * NOTHING, in person order, so each index of `message` grows at its end.
 * Check-in tokens that do not exist yet are made here in bulk, in the
 * format and table of checkin_token_for() (checkin.h), drawn sorted so
 * that they too are written in order (see ctx_new_token). A large roster
 * is rendered by a second thread while this one reads and writes (the
 * pipeline, before outbox_enqueue).
 */
#include "core/homeward.h"
#include "crisis/outbox.h"
#include "store/record.h"
#include "core/time.h"

#include <limits.h>
#include <pthread.h>
#include <time.h>

#include <sodium.h>

#include "auth/audit.h"
#include "crisis/checkin.h"
#include "core/cli.h"
#include "core/settings.h"
#include "store/db.h"
#include "crisis/roster.h"
#include "store/store.h"
#include "crisis/template.h"

/* ---- Channels ---- */

static const char *const channel_names[OUTBOX_NCHANNELS] = {
	[OUTBOX_EMAIL] = "email",
	[OUTBOX_SMS] = "sms",
	[OUTBOX_WEBHOOK] = "webhook",
};

const char *outbox_channel_name(int channel)
{
	return channel >= 0 && channel < OUTBOX_NCHANNELS ? channel_names[channel] : NULL;
}

int outbox_channel_from_name(const char *name)
{
	for (int c = 0; c < OUTBOX_NCHANNELS; c++)
		if (!strcmp(channel_names[c], name))
			return c;
	return -1;
}

int outbox_channels_parse(const char *list, unsigned *mask, struct strbuf *err)
{
	const char *p = list;

	*mask = 0;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char name[16];
		int c = -1;

		if (len && len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = '\0';
			c = outbox_channel_from_name(name);
		}
		if (c < 0) {
			strbuf_addf(err, "channels: '%.*s' is not a channel (email, sms, webhook)",
				    (int)(len > 40 ? 40 : len), p);
			return HW_EINPUT;
		}
		*mask |= OUTBOX_CH(c);
		p = comma ? comma + 1 : NULL;
	}
	if (!*mask) {
		strbuf_addstr(err, "channels: give at least one of email, sms, webhook");
		return HW_EINPUT;
	}
	return HW_OK;
}

/* ---- Settings ---- */

/*
 * The outbox's view of the settings table (settings.h): which setting
 * fills which field. Their names, defaults, bounds and environment
 * variables are the table's; here only their place.
 */
#define SO(field) offsetof(struct outbox_settings, field)

static const struct {
	enum setting_id id;
	size_t off;
} fields[] = {
	{ SET_BASE_URL, SO(base_url) },
	{ SET_SMTP_URL, SO(smtp_url) },
	{ SET_SMTP_USER, SO(smtp_user) },
	{ SET_SMTP_PASSWORD, SO(smtp_password) },
	{ SET_MAIL_FROM, SO(mail_from) },
	{ SET_SMS_URL, SO(sms_url) },
	{ SET_SMS_TOKEN, SO(sms_token) },
	{ SET_SMS_FORMAT, SO(sms_format) },
	{ SET_RECEIPT_SECRET, SO(receipt_secret) },
	{ SET_WEBHOOK_URL, SO(webhook_url) },
	{ SET_WEBHOOK_TOKEN, SO(webhook_token) },
	{ SET_EMAIL_RATE, SO(rate[OUTBOX_EMAIL]) },
	{ SET_SMS_RATE, SO(rate[OUTBOX_SMS]) },
	{ SET_WEBHOOK_RATE, SO(rate[OUTBOX_WEBHOOK]) },
	{ SET_EMAIL_CONNECTIONS, SO(connections[OUTBOX_EMAIL]) },
	{ SET_SMS_CONNECTIONS, SO(connections[OUTBOX_SMS]) },
	{ SET_WEBHOOK_CONNECTIONS, SO(connections[OUTBOX_WEBHOOK]) },
	{ SET_ATTEMPTS, SO(max_attempts) },
	{ SET_BACKOFF_MS, SO(backoff_ms) },
	{ SET_BACKOFF_MAX_MS, SO(backoff_max_ms) },
	{ SET_LEASE, SO(lease_s) },
	{ SET_SEND_TIMEOUT, SO(timeout_s) },
	{ SET_ESCALATE_AFTER, SO(escalate_after_s) },
	{ SET_SMS_SEGMENTS, SO(sms_segments) },
	{ SET_POLL_MS, SO(poll_ms) },
};

static bool is_text(enum setting_id id)
{
	enum setting_type t = settings_table()[id].type;

	return t == SETTING_STRING || t == SETTING_CHOICE;
}

void outbox_settings_init(struct outbox_settings *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		char *p = (char *)s + fields[i].off;
		enum setting_id id = fields[i].id;

		if (is_text(id)) {
			const char *v = setting_str(id);
			*(char **)p = v ? xstrdup(v) : NULL;
		} else if (settings_table()[id].type == SETTING_NUMBER) {
			*(double *)p = setting_num(id);
		} else {
			*(int64_t *)p = setting_int(id);
		}
	}
	/* Links are BASE_URL/c/TOKEN: one slash. */
	while (s->base_url && *s->base_url && s->base_url[strlen(s->base_url) - 1] == '/')
		s->base_url[strlen(s->base_url) - 1] = '\0';
}

void outbox_settings_release(struct outbox_settings *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (is_text(fields[i].id)) {
			char **p = (char **)((char *)s + fields[i].off);
			free(*p);
			*p = NULL;
		}
}

void outbox_settings_copy(struct outbox_settings *dst, const struct outbox_settings *src)
{
	*dst = *src;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (is_text(fields[i].id)) {
			char **p = (char **)((char *)dst + fields[i].off);
			*p = *p ? xstrdup(*p) : NULL;
		}
}

static bool has_scheme(const char *url, const char *const *schemes)
{
	for (; *schemes; schemes++)
		if (!strncmp(url, *schemes, strlen(*schemes)))
			return true;
	return false;
}

int outbox_settings_check(const struct outbox_settings *s, struct strbuf *err)
{
	static const char *const http[] = { "http://", "https://", NULL };
	static const char *const smtp[] = { "smtp://", "smtps://", NULL };
	const struct { const char *name, *value; const char *const *schemes; } urls[] = {
		{ "base-url", s->base_url, http },
		{ "smtp-url", s->smtp_url, smtp },
		{ "sms-url", s->sms_url, http },
		{ "webhook-url", s->webhook_url, http },
	};

	for (size_t i = 0; i < ARRAY_SIZE(urls); i++)
		if (urls[i].value && !has_scheme(urls[i].value, urls[i].schemes)) {
			strbuf_addf(err, "%s: '%s' must start with %s or %s", urls[i].name,
				    urls[i].value, urls[i].schemes[0], urls[i].schemes[1]);
			return HW_EINPUT;
		}
	if (!s->base_url) {
		strbuf_addstr(err, "base-url: the check-in links need one");
		return HW_EINPUT;
	}
	if (strcmp(s->sms_format, "json") && strcmp(s->sms_format, "form")) {
		strbuf_addf(err, "sms-format: '%s' is neither json nor form", s->sms_format);
		return HW_EINPUT;
	}
	if (!s->mail_from || !strchr(s->mail_from, '@')) {
		strbuf_addf(err, "mail-from: '%s' is not an address",
			    s->mail_from ? s->mail_from : "");
		return HW_EINPUT;
	}
	if (s->backoff_max_ms < s->backoff_ms) {
		strbuf_addstr(err, "backoff-max-ms: less than backoff-ms");
		return HW_EINPUT;
	}
	return HW_OK;
}

bool outbox_channel_configured(const struct outbox_settings *s, int channel)
{
	switch (channel) {
	case OUTBOX_EMAIL: return s->smtp_url != NULL;
	case OUTBOX_SMS: return s->sms_url != NULL;
	case OUTBOX_WEBHOOK: return s->webhook_url != NULL;
	}
	return false;
}

/* ---- Writing message rows ---- */

#define MSG_ROWS 64
#define MSG_COLS 12

static const char msg_insert_head[] =
	"INSERT INTO message (incident_id, person_id, template, channel, kin_id, "
	"language, recipient, subject, body, state, next_attempt_at, created_at) VALUES ";
static const char msg_insert_tail[] =
	" ON CONFLICT (person_id, incident_id, template, channel, kin_id) DO NOTHING";

/* Message rows waiting to be written: their numbers, and their texts as
 * offsets into one arena (which moves as it grows). */
struct msg_row {
	int64_t incident, person, kin;
	int channel;
	size_t off[6], len[6];   /* template, language, recipient, subject, body, state */
	bool subject_null;
};

struct msg_batch {
	struct store *st;
	struct store_stmt *full;  /* the statement of MSG_ROWS rows, once made */
	struct msg_row *rows;
	size_t n, alloc;
	struct strbuf arena;
	bool defer;               /* keep the rows for batch_flush (the
				     rendering thread of a pipeline must not
				     touch the connection) */
	int64_t next_attempt;
	char created[21];
};

static void batch_init(struct msg_batch *b, struct store *st)
{
	memset(b, 0, sizeof(*b));
	b->st = st;
	strbuf_init(&b->arena, 1 << 16);
	b->next_attempt = time_now_ms();
	time_iso_now(b->created);
}

static void batch_release(struct msg_batch *b)
{
	free(b->rows);
	strbuf_release(&b->arena);
}

/* Write rows[0 .. n) (at most MSG_ROWS) with one statement. */
static int batch_write(struct msg_batch *b, const struct msg_row *rows, size_t n)
{
	struct store_stmt *s;
	struct strbuf sql = STRBUF_INIT;
	int rc, p = 1;

	if (n == MSG_ROWS && b->full) {
		s = b->full;
	} else {
		strbuf_addstr(&sql, msg_insert_head);
		for (size_t r = 0; r < n; r++)
			strbuf_addstr(&sql, r ? ",(?,?,?,?,?,?,?,?,?,?,?,?)"
					      : "(?,?,?,?,?,?,?,?,?,?,?,?)");
		strbuf_addstr(&sql, msg_insert_tail);
		rc = store_prepare(b->st, sql.buf, &s);
		strbuf_release(&sql);
		if (rc)
			return rc;
		if (n == MSG_ROWS)
			b->full = s;
	}
	for (size_t r = 0; r < n; r++) {
		const struct msg_row *m = &rows[r];
		const char *a = b->arena.buf;
		store_bind_int64(s, p++, m->incident);
		store_bind_int64(s, p++, m->person);
		store_bind_text(s, p++, a + m->off[0], m->len[0]);
		store_bind_text(s, p++, channel_names[m->channel], strlen(channel_names[m->channel]));
		store_bind_int64(s, p++, m->kin);
		store_bind_text(s, p++, a + m->off[1], m->len[1]);
		store_bind_text(s, p++, a + m->off[2], m->len[2]);
		if (m->subject_null)
			store_bind_null(s, p++);
		else
			store_bind_text(s, p++, a + m->off[3], m->len[3]);
		store_bind_text(s, p++, a + m->off[4], m->len[4]);
		store_bind_text(s, p++, a + m->off[5], m->len[5]);
		store_bind_int64(s, p++, b->next_attempt);
		store_bind_text(s, p++, b->created, 20);
	}
	return store_run(s);
}

/* Write every row waiting, MSG_ROWS at a time. */
static int batch_flush(struct msg_batch *b)
{
	int rc = HW_OK;

	for (size_t i = 0; i < b->n && !rc; i += MSG_ROWS)
		rc = batch_write(b, b->rows + i, b->n - i < MSG_ROWS ? b->n - i : MSG_ROWS);
	b->n = 0;
	strbuf_reset(&b->arena);
	return rc;
}

static void arena_put(struct msg_batch *b, struct msg_row *m, int i,
		      const char *v, size_t len)
{
	m->off[i] = b->arena.len;
	m->len[i] = len;
	strbuf_add(&b->arena, v, len);
}

/* One message to add. */
struct msg_spec {
	int64_t incident, person, kin;
	int channel;
	const char *template, *language, *recipient, *state;
	const struct strbuf *subject;  /* NULL: none */
	const struct strbuf *body;
};

static int batch_add(struct msg_batch *b, const struct msg_spec *ms)
{
	struct msg_row *m;

	ALLOC_GROW(b->rows, b->n + 1, b->alloc);
	m = &b->rows[b->n++];
	m->incident = ms->incident;
	m->person = ms->person;
	m->kin = ms->kin;
	m->channel = ms->channel;
	arena_put(b, m, 0, ms->template, strlen(ms->template));
	arena_put(b, m, 1, ms->language, strlen(ms->language));
	arena_put(b, m, 2, ms->recipient, strlen(ms->recipient));
	m->subject_null = !ms->subject;
	if (ms->subject)
		arena_put(b, m, 3, ms->subject->buf, ms->subject->len);
	arena_put(b, m, 4, ms->body->buf, ms->body->len);
	arena_put(b, m, 5, ms->state, strlen(ms->state));
	return !b->defer && b->n == MSG_ROWS ? batch_flush(b) : HW_OK;
}

/* ---- Rendering one person's messages ---- */

/* What the roster query gives for a person. */
struct person_info {
	int64_t id;
	const char *given, *family, *native, *language, *external_id, *token;
	const char *address[OUTBOX_NCHANNELS];  /* email, phone; webhook: unused */
	bool exists[OUTBOX_NCHANNELS];          /* message already enqueued */
};

/* A check-in token's 128 bits (see ctx_new_token). */
struct token_bits {
	uint64_t hi, lo;
};

/* Shared by every message of one enqueue call. */
struct render_ctx {
	const struct outbox_settings *set;
	int64_t incident;
	const char *incident_title;
	bool exercise;
	const char *template;
	const char *instructions;
	struct msg_batch batch;    /* where messages go... */
	struct msg_batch *out;     /* ...or here (a pipeline's chunk) */
	struct strbuf name, link, subject, body, json;
	/* The last template looked up, by the language asked: most rosters
	 * are of a handful of languages, runs of the same one. */
	char cached_lang[8];
	const struct template *cached;
	/* Check-in tokens made here, written sorted at the end. */
	struct new_token { char token[CHECKIN_TOKEN_LEN + 1]; int64_t person; } *tokens;
	size_t ntokens, atokens;
	bool unsorted;             /* some did not come from the pool in order */
	struct token_bits *pool;   /* sorted random tokens to hand out */
	size_t npool, pool_next;
};

static void ctx_init(struct render_ctx *c, struct store *st,
		     const struct outbox_settings *set)
{
	memset(c, 0, sizeof(*c));
	c->set = set;
	batch_init(&c->batch, st);
	c->out = &c->batch;
	strbuf_init(&c->name, 64);
	strbuf_init(&c->link, 128);
	strbuf_init(&c->subject, 128);
	strbuf_init(&c->body, 2048);
	strbuf_init(&c->json, 2048);
}

static void ctx_release(struct render_ctx *c)
{
	batch_release(&c->batch);
	strbuf_release(&c->name);
	strbuf_release(&c->link);
	strbuf_release(&c->subject);
	strbuf_release(&c->body);
	strbuf_release(&c->json);
	free(c->tokens);
	if (c->pool)
		sodium_memzero(c->pool, c->npool * sizeof(*c->pool));
	free(c->pool);
}

static const struct template *ctx_template(struct render_ctx *c, const char *name,
					   const char *language)
{
	const char *lang = language ? language : "";

	if (c->cached && !strcmp(name, c->template) && !strncmp(c->cached_lang, lang, sizeof(c->cached_lang)))
		return c->cached;
	if (strcmp(name, c->template))
		return template_find(name, lang);
	c->cached = template_find(name, lang);
	snprintf(c->cached_lang, sizeof(c->cached_lang), "%s", lang);
	return c->cached;
}

/*
 * Check-in tokens made here look like checkin_token_for()'s: 128 random
 * bits as 22 characters of the base64url alphabet. The bits are written
 * most significant first with the alphabet in ASCII order, so that the
 * tokens sort as their numbers do. A whole roster's tokens are drawn at
 * once, sorted, and handed out in person order: the table's two indexes
 * (by token, and by incident and person) then both grow in order, with
 * none of the random inserts that cost most of a large notify. (Knowing
 * two persons' tokens tells that a third's lies between them: among 2^128
 * values, which leaves it as unguessable.)
 */
static const char token_alphabet[] =
	"-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

static void token_encode(const struct token_bits *b, char out[CHECKIN_TOKEN_LEN + 1])
{
	/* 22 characters of 6 bits hold 132: the first carries the top 2
	 * bits of the 128 (and 4 zero bits above them). */
	for (int i = CHECKIN_TOKEN_LEN - 1, shift = 0; i >= 0; i--, shift += 6) {
		uint64_t v;
		if (shift >= 128)
			v = 0;
		else if (shift >= 64)
			v = b->hi >> (shift - 64);
		else if (shift > 58)
			v = (b->lo >> shift) | (b->hi << (64 - shift));
		else
			v = b->lo >> shift;
		out[i] = token_alphabet[v & 63];
	}
	out[CHECKIN_TOKEN_LEN] = '\0';
}

static int cmp_bits(const void *a, const void *b)
{
	const struct token_bits *x = a, *y = b;

	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Draw `n` tokens, sorted, for ctx_new_token to hand out in order. */
static void ctx_token_pool(struct render_ctx *c, size_t n)
{
	free(c->pool);
	c->pool = xcalloc(n ? n : 1, sizeof(*c->pool));
	c->npool = n;
	c->pool_next = 0;
	randombytes_buf(c->pool, n * sizeof(*c->pool));
	qsort(c->pool, n, sizeof(*c->pool), cmp_bits);
}

static void ctx_new_token(struct render_ctx *c, int64_t person, const char **out)
{
	struct new_token *t;
	struct token_bits b;

	if (c->pool_next < c->npool) {
		b = c->pool[c->pool_next++];
	} else {
		randombytes_buf(&b, sizeof(b));
		c->unsorted = true;
	}
	ALLOC_GROW(c->tokens, c->ntokens + 1, c->atokens);
	t = &c->tokens[c->ntokens++];
	token_encode(&b, t->token);
	sodium_memzero(&b, sizeof(b));
	t->person = person;
	*out = t->token;
}

static int cmp_token(const void *a, const void *b)
{
	return strcmp(((const struct new_token *)a)->token,
		      ((const struct new_token *)b)->token);
}

static int ctx_write_tokens(struct render_ctx *c, struct store *st, struct strbuf *err)
{
	static const char *const cols[] = { "token", "incident_id", "person_id", "created_at" };
	struct store_batch *b;
	char now[21];
	int rc = HW_OK;

	if (!c->ntokens)
		return HW_OK;
	if (c->unsorted)
		qsort(c->tokens, c->ntokens, sizeof(*c->tokens), cmp_token);
	time_iso_now(now);
	b = store_batch_new(st, "checkin_token", cols, 4);
	for (size_t i = 0; i < c->ntokens && !rc; i++) {
		store_batch_text(b, c->tokens[i].token, CHECKIN_TOKEN_LEN);
		store_batch_int64(b, c->incident);
		store_batch_int64(b, c->tokens[i].person);
		store_batch_text(b, now, 20);
		if (store_batch_end_row(b))
			rc = store_batch_flush(b);
	}
	if (!rc)
		rc = store_batch_flush(b);
	store_batch_free(b);
	sodium_memzero(c->tokens, c->ntokens * sizeof(*c->tokens));
	c->ntokens = 0;
	c->unsorted = false;
	if (rc)
		strbuf_addf(err, "cannot write the check-in links: %s", store_errmsg(st));
	return rc;
}

/* The name a message uses: in Chinese and Arabic, the name in the
 * person's own script when there is one; otherwise given and family name. */
static void person_name(struct strbuf *out, const struct person_info *p,
			const struct template *t)
{
	const char *lang = template_language(t);

	strbuf_reset(out);
	if ((!strcmp(lang, "zh") || !strcmp(lang, "ar")) && p->native && *p->native) {
		strbuf_addstr(out, p->native);
		return;
	}
	if (p->given && *p->given)
		strbuf_addstr(out, p->given);
	if (p->family && *p->family) {
		if (out->len)
			strbuf_addch(out, ' ');
		strbuf_addstr(out, p->family);
	}
	if (!out->len && p->native)
		strbuf_addstr(out, p->native);
}

/* Append `s` as the inside of a JSON string: strbuf_addjson's output,
 * copying the runs of bytes that need no escape in one go (the webhook
 * documents of a large notify are most of its rendering time). */
static void json_add(struct strbuf *j, const char *s, size_t len)
{
	size_t run = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		strbuf_add(j, s + run, i - run);
		strbuf_addjson(j, s + i, 1);
		run = i + 1;
	}
	strbuf_add(j, s + run, len - run);
}

/* The webhook's JSON document for a message. */
static void webhook_json(struct render_ctx *c, const struct person_info *p,
			 const struct template *t, struct strbuf *sms)
{
	struct strbuf *j = &c->json;

	strbuf_reset(j);
	strbuf_addf(j, "{\"incident\":{\"id\":%" PRId64 ",\"title\":\"", c->incident);
	json_add(j, c->incident_title, strlen(c->incident_title));
	strbuf_addf(j, "\",\"exercise\":%s},\"person\":{\"id\":%" PRId64 ",\"external_id\":\"",
		    c->exercise ? "true" : "false", p->id);
	json_add(j, p->external_id ? p->external_id : "",
		       p->external_id ? strlen(p->external_id) : 0);
	strbuf_addstr(j, "\",\"name\":\"");
	json_add(j, c->name.buf, c->name.len);
	strbuf_addf(j, "\"},\"template\":\"%s\",\"language\":\"%s\",\"subject\":\"",
		    c->template, template_language(t));
	json_add(j, c->subject.buf, c->subject.len);
	strbuf_addstr(j, "\",\"text\":\"");
	json_add(j, sms->buf, sms->len);
	strbuf_addstr(j, "\",\"link\":\"");
	json_add(j, c->link.buf, c->link.len);
	strbuf_addstr(j, "\"}");
}

/*
 * Enqueue person `p`'s messages of template c->template on `channels`
 * (those not enqueued before, with an address), counting into `counts`.
 */
static int enqueue_person(struct render_ctx *c, struct person_info *p,
			  unsigned channels, struct outbox_counts *counts)
{
	struct template_vars v;
	const struct template *t;
	struct msg_spec ms;
	bool rendered = false;
	int rc;

	for (int ch = 0; ch < OUTBOX_NCHANNELS; ch++) {
		if (!(channels & OUTBOX_CH(ch)))
			continue;
		if (p->exists[ch]) {
			counts->existing++;
			continue;
		}
		if (ch != OUTBOX_WEBHOOK && !(p->address[ch] && *p->address[ch])) {
			counts->no_address++;
			continue;
		}
		t = ctx_template(c, c->template, p->language);
		if (!rendered) {
			if (!p->token)
				ctx_new_token(c, p->id, &p->token);
			person_name(&c->name, p, t);
			strbuf_reset(&c->link);
			strbuf_addf(&c->link, "%s/c/%s", c->set->base_url, p->token);
			rendered = true;
		}
		v = (struct template_vars){ c->name.buf, c->incident_title, c->link.buf,
					    c->instructions };
		strbuf_reset(&c->subject);
		strbuf_reset(&c->body);
		if (ch != OUTBOX_SMS)
			template_subject(t, &v, &c->subject);
		switch (ch) {
		case OUTBOX_EMAIL:
			template_email(t, &v, &c->body);
			break;
		case OUTBOX_SMS:
			template_sms(t, &v, (unsigned)c->set->sms_segments, &c->body);
			break;
		case OUTBOX_WEBHOOK:
			template_sms(t, &v, (unsigned)c->set->sms_segments, &c->body);
			webhook_json(c, p, t, &c->body);
			break;
		}
		ms = (struct msg_spec){
			.incident = c->incident, .person = p->id, .kin = 0, .channel = ch,
			.template = c->template, .language = template_language(t),
			.recipient = ch == OUTBOX_WEBHOOK ? (p->external_id ? p->external_id : "")
							  : p->address[ch],
			.state = c->exercise ? "suppressed" : "queued",
			.subject = ch == OUTBOX_SMS ? NULL : &c->subject,
			.body = ch == OUTBOX_WEBHOOK ? &c->json : &c->body,
		};
		if ((rc = batch_add(c->out, &ms)))
			return rc;
		counts->queued[ch]++;
		if (c->exercise)
			counts->suppressed++;
	}
	return HW_OK;
}

/* The roster query: one row per person inside the area, in person order,
 * with what enqueue_person needs. ?1 incident, ?2 template, ?3..?5
 * whether each channel is asked for. Three variants: a whole roster reads
 * the addresses with contact_cursor (one merged pass instead of two
 * lookups per person), and on a first notify (no message of the template
 * yet) it skips the three lookups of existing messages; one person's
 * escalation looks everything up. SQLite evaluates the subqueries of a
 * result column even when a bound flag before them is false, so the
 * variants are texts, not flags. */
#define ROSTER_HEAD \
	"SELECT r.person_id, p.given_name, p.family_name, p.native_name, p.language, " \
	"p.external_id, t.token, "
#define ROSTER_CONTACTS \
	"(SELECT c.value FROM contact c WHERE c.person_id = r.person_id " \
	"  AND c.kind = 'email' ORDER BY c.preferred DESC, c.id LIMIT 1), " \
	"(SELECT c.value FROM contact c WHERE c.person_id = r.person_id " \
	"  AND c.kind = 'phone' ORDER BY c.preferred DESC, c.id LIMIT 1), "
#define ROSTER_EXISTS \
	"?3 AND EXISTS (SELECT 1 FROM message m WHERE m.person_id = r.person_id AND " \
	"  m.incident_id = r.incident_id AND m.template = ?2 AND m.channel = 'email' AND m.kin_id = 0), " \
	"?4 AND EXISTS (SELECT 1 FROM message m WHERE m.person_id = r.person_id AND " \
	"  m.incident_id = r.incident_id AND m.template = ?2 AND m.channel = 'sms' AND m.kin_id = 0), " \
	"?5 AND EXISTS (SELECT 1 FROM message m WHERE m.person_id = r.person_id AND " \
	"  m.incident_id = r.incident_id AND m.template = ?2 AND m.channel = 'webhook' AND m.kin_id = 0) "
#define ROSTER_FROM \
	"FROM roster r JOIN person p ON p.id = r.person_id " \
	"LEFT JOIN checkin_token t ON t.incident_id = r.incident_id AND t.person_id = r.person_id " \
	"WHERE r.incident_id = ?1 AND r.in_area = 1 "
#define ROSTER_ALL ROSTER_HEAD "NULL, NULL, " ROSTER_EXISTS ROSTER_FROM "ORDER BY r.person_id"
/* (Its parameters ?2 to ?5 appear, so that the same bindings serve.) */
#define ROSTER_FIRST ROSTER_HEAD "NULL, NULL, 0 * ?3, 0 * ?4, 0 * ?5 " \
	ROSTER_FROM "AND ?2 IS NOT NULL ORDER BY r.person_id"
#define ROSTER_ONE ROSTER_HEAD ROSTER_CONTACTS ROSTER_EXISTS ROSTER_FROM "AND r.person_id = ?6"

static void read_person(struct store_stmt *s, struct person_info *p)
{
	p->id = store_col_int64(s, 0);
	p->given = store_col_text(s, 1, NULL);
	p->family = store_col_text(s, 2, NULL);
	p->native = store_col_text(s, 3, NULL);
	p->language = store_col_text(s, 4, NULL);
	p->external_id = store_col_text(s, 5, NULL);
	p->token = store_col_text(s, 6, NULL);
	p->address[OUTBOX_EMAIL] = store_col_text(s, 7, NULL);
	p->address[OUTBOX_SMS] = store_col_text(s, 8, NULL);
	p->address[OUTBOX_WEBHOOK] = NULL;
	for (int ch = 0; ch < OUTBOX_NCHANNELS; ch++)
		p->exists[ch] = store_col_int64(s, 9 + ch) != 0;
}

static void bind_roster(struct store_stmt *s, int64_t incident, const char *template,
			unsigned channels)
{
	store_bind_int64(s, 1, incident);
	store_bind_str(s, 2, template);
	store_bind_int64(s, 3, (channels & OUTBOX_CH(OUTBOX_EMAIL)) != 0);
	store_bind_int64(s, 4, (channels & OUTBOX_CH(OUTBOX_SMS)) != 0);
	store_bind_int64(s, 5, (channels & OUTBOX_CH(OUTBOX_WEBHOOK)) != 0);
}

/*
 * The e-mail and phone contacts of a roster, in person order, read
 * alongside the roster query (a merge by person id): each person's
 * preferred contact of a kind, else their first.
 */
struct contact_cursor {
	struct store_stmt *s;
	int rc;
	struct strbuf value[2];   /* e-mail, phone */
};

static int contacts_open(struct contact_cursor *cc, struct store *st, int64_t incident)
{
	int rc;

	memset(cc, 0, sizeof(*cc));
	strbuf_init(&cc->value[0], 64);
	strbuf_init(&cc->value[1], 32);
	if ((rc = store_prepare(st, "SELECT c.person_id, c.kind = 'email', c.value, c.preferred "
				"FROM roster r JOIN contact c ON c.person_id = r.person_id "
				"WHERE r.incident_id = ? AND r.in_area = 1 AND c.kind IN "
				"('email', 'phone') ORDER BY r.person_id", &cc->s)))
		return rc;
	store_bind_int64(cc->s, 1, incident);
	cc->rc = store_step(cc->s);
	return cc->rc < 0 ? cc->rc : HW_OK;
}

static void contacts_close(struct contact_cursor *cc)
{
	if (cc->s)
		store_reset(cc->s);
	strbuf_release(&cc->value[0]);
	strbuf_release(&cc->value[1]);
}

static int contacts_of(struct contact_cursor *cc, struct person_info *p)
{
	bool have[2] = { false, false }, pref[2] = { false, false };

	while (cc->rc == STORE_ROW && store_col_int64(cc->s, 0) < p->id)
		cc->rc = store_step(cc->s);
	while (cc->rc == STORE_ROW && store_col_int64(cc->s, 0) == p->id) {
		int k = store_col_int64(cc->s, 1) ? 0 : 1;
		bool preferred = store_col_int64(cc->s, 3) != 0;
		if (!have[k] || (preferred && !pref[k])) {
			strbuf_reset(&cc->value[k]);
			strbuf_addstr(&cc->value[k], store_col_text(cc->s, 2, NULL));
			have[k] = true;
			pref[k] = preferred;
		}
		cc->rc = store_step(cc->s);
	}
	p->address[OUTBOX_EMAIL] = have[0] ? cc->value[0].buf : NULL;
	p->address[OUTBOX_SMS] = have[1] ? cc->value[1].buf : NULL;
	return cc->rc < 0 ? cc->rc : HW_OK;
}

static int roster_size(struct store *st, int64_t incident, int64_t *n)
{
	int rc;

	*n = 0;
	rc = store_one_int64(st, n, "SELECT count(*) FROM roster WHERE incident_id = ? "
			     "AND in_area = 1", "count the roster", NULL, "i", incident);
	return rc < 0 ? rc : HW_OK;
}

/* Whether any message of `template` exists for the incident. */
static int any_message(struct store *st, int64_t incident, const char *template,
		       bool *any)
{
	struct store_stmt *s;
	int rc;

	if ((rc = store_prepare(st, "SELECT 1 FROM message WHERE incident_id = ? AND "
				"template = ? LIMIT 1", &s)))
		return rc;
	store_bind_int64(s, 1, incident);
	store_bind_str(s, 2, template);
	rc = store_step(s);
	*any = rc == STORE_ROW;
	store_reset(s);
	return rc < 0 ? rc : HW_OK;
}

/* The incident's title and state: HW_ENOTFOUND, or HW_ECONFLICT when it
 * is not open (nothing is sent for a closed or cancelled incident). */
static int load_incident(struct store *st, struct render_ctx *c, char **title,
			 struct strbuf *err)
{
	struct store_stmt *s;
	int rc;

	if ((rc = store_prepare(st, "SELECT title, status, exercise FROM incident "
				"WHERE id = ?", &s))) {
		strbuf_addf(err, "cannot read the incident: %s", store_errmsg(st));
		return rc;
	}
	store_bind_int64(s, 1, c->incident);
	rc = store_step(s);
	if (rc == STORE_ROW) {
		const char *status = store_col_text(s, 1, NULL);
		*title = xstrdup(store_col_text(s, 0, NULL));
		c->exercise = store_col_int64(s, 2) != 0;
		rc = HW_OK;
		if (strcmp(status, "open")) {
			strbuf_addf(err, "incident: incident %" PRId64 " is %s: nothing "
				    "more is sent for it", c->incident, status);
			rc = HW_ECONFLICT;
		}
	} else if (rc == STORE_DONE) {
		strbuf_addf(err, "incident: no incident %" PRId64, c->incident);
		rc = HW_ENOTFOUND;
	} else {
		strbuf_addf(err, "cannot read the incident: %s", store_errmsg(st));
	}
	store_reset(s);
	return rc;
}

/* Persons of an exercise are marked notified as their messages are
 * written: nothing will be sent, and the drill goes on from there. */
static int mark_exercise(struct store *st, int64_t incident, struct strbuf *err)
{
	struct store_stmt *s;
	int64_t *ids = NULL;
	size_t n = 0, a = 0;
	int rc;

	if ((rc = store_prepare_args(st, &s, "SELECT r.person_id FROM roster r WHERE "
				     "r.incident_id = ? AND r.in_area = 1 AND r.status = "
				     "'unknown' AND EXISTS (SELECT 1 FROM message m WHERE "
				     "m.person_id = r.person_id AND m.incident_id = "
				     "r.incident_id AND m.kin_id = 0)",
				     "mark the exercise's roster", err, "i", incident)))
		return rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		ALLOC_GROW(ids, n + 1, a);
		ids[n++] = store_col_int64(s, 0);
	}
	store_reset(s);
	if (rc < 0)
		goto dberr;
	for (size_t i = 0; i < n; i++)
		if ((rc = roster_set_status(st, incident, ids[i], "notified", "system",
					    "outbox", "exercise: messages suppressed",
					    NULL, err)))
			break;
	free(ids);
	return rc;
dberr:
	free(ids);
	strbuf_addf(err, "cannot mark the exercise's roster: %s", store_errmsg(st));
	return rc < 0 ? rc : HW_EDB;
}

/*
 * The pipeline of a large notify: this thread reads the roster and writes
 * message rows; a second one renders the texts in between. Persons go
 * over in chunks, copied (the query's strings live only until its next
 * step), and come back as rows; chunks keep their order, so rows are
 * still written in person order. The rendering thread never touches the
 * connection. It saves the rendering's share of the time, about a fifth.
 */
#define PIPE_MIN 4096      /* rosters from this size go through it */
#define PIPE_CHUNK 1024
#define PIPE_SLOTS 4

enum slot_state { SLOT_FREE, SLOT_FILLED, SLOT_RENDERED };

/* The string fields of a person, copied into a chunk's text. */
static const size_t person_strings[] = {
	offsetof(struct person_info, given), offsetof(struct person_info, family),
	offsetof(struct person_info, native), offsetof(struct person_info, language),
	offsetof(struct person_info, external_id), offsetof(struct person_info, token),
	offsetof(struct person_info, address[OUTBOX_EMAIL]),
	offsetof(struct person_info, address[OUTBOX_SMS]),
};
#define NSTRINGS ARRAY_SIZE(person_strings)
#define FIELD(p, i) ((const char **)((char *)(p) + person_strings[i]))

struct pipe_slot {
	enum slot_state state;
	size_t n;
	struct person_info p[PIPE_CHUNK];
	size_t off[PIPE_CHUNK][NSTRINGS];   /* SIZE_MAX: NULL */
	struct strbuf text;
	struct msg_batch out;
};

struct pipeline {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pipe_slot *slots;
	size_t fill_seq, render_seq, write_seq;   /* chunks published, rendered, written */
	bool done;
	struct render_ctx *c;
	struct outbox_counts *counts;
	unsigned channels;
};

static void *pipe_render(void *arg)
{
	struct pipeline *pl = arg;

	pthread_mutex_lock(&pl->lock);
	for (;;) {
		struct pipe_slot *sl;
		while (pl->render_seq == pl->fill_seq && !pl->done)
			pthread_cond_wait(&pl->cond, &pl->lock);
		if (pl->render_seq == pl->fill_seq)
			break;
		sl = &pl->slots[pl->render_seq % PIPE_SLOTS];
		pthread_mutex_unlock(&pl->lock);
		pl->c->out = &sl->out;
		for (size_t i = 0; i < sl->n; i++)
			enqueue_person(pl->c, &sl->p[i], pl->channels, pl->counts);
		pthread_mutex_lock(&pl->lock);
		sl->state = SLOT_RENDERED;
		pl->render_seq++;
		pthread_cond_broadcast(&pl->cond);
	}
	pthread_mutex_unlock(&pl->lock);
	return NULL;
}

/* Free what a pipeline holds (its thread has ended, or never started). */
static void pipe_release(struct pipeline *pl)
{
	pthread_mutex_destroy(&pl->lock);
	pthread_cond_destroy(&pl->cond);
	for (size_t i = 0; i < PIPE_SLOTS; i++) {
		strbuf_release(&pl->slots[i].text);
		batch_release(&pl->slots[i].out);
	}
	free(pl->slots);
	pl->slots = NULL;
}

static int pipe_start(struct pipeline *pl, struct store *st, struct render_ctx *c,
		      struct outbox_counts *counts, unsigned channels)
{
	memset(pl, 0, sizeof(*pl));
	pl->slots = xcalloc(PIPE_SLOTS, sizeof(*pl->slots));
	for (size_t i = 0; i < PIPE_SLOTS; i++) {
		strbuf_init(&pl->slots[i].text, 1 << 16);
		batch_init(&pl->slots[i].out, st);
		pl->slots[i].out.defer = true;
	}
	pl->c = c;
	pl->counts = counts;
	pl->channels = channels;
	pthread_mutex_init(&pl->lock, NULL);
	pthread_cond_init(&pl->cond, NULL);
	if (pthread_create(&pl->thread, NULL, pipe_render, pl)) {
		pipe_release(pl);
		return HW_EINTERNAL;
	}
	return HW_OK;
}

/* Write the oldest chunk once rendered (waiting for it with `block`).
 * After an error the rows are dropped; *rc keeps the first error. */
static bool pipe_write_one(struct pipeline *pl, bool block, int *rc)
{
	struct pipe_slot *sl;

	pthread_mutex_lock(&pl->lock);
	sl = &pl->slots[pl->write_seq % PIPE_SLOTS];
	while (pl->write_seq < pl->fill_seq && sl->state != SLOT_RENDERED && block)
		pthread_cond_wait(&pl->cond, &pl->lock);
	if (pl->write_seq == pl->fill_seq || sl->state != SLOT_RENDERED) {
		pthread_mutex_unlock(&pl->lock);
		return false;
	}
	pthread_mutex_unlock(&pl->lock);
	if (!*rc)
		*rc = batch_flush(&sl->out);
	sl->out.n = 0;
	strbuf_reset(&sl->out.arena);
	sl->n = 0;
	strbuf_reset(&sl->text);
	pthread_mutex_lock(&pl->lock);
	sl->state = SLOT_FREE;
	pl->write_seq++;
	pthread_mutex_unlock(&pl->lock);
	return true;
}

/* Hand the chunk being filled to the renderer; write what is ready. */
static void pipe_publish(struct pipeline *pl, int *rc)
{
	pthread_mutex_lock(&pl->lock);
	pl->slots[pl->fill_seq % PIPE_SLOTS].state = SLOT_FILLED;
	pl->fill_seq++;
	pthread_cond_broadcast(&pl->cond);
	pthread_mutex_unlock(&pl->lock);
	while (pipe_write_one(pl, false, rc))
		;
}

/* Copy person `p` into the chunk being filled, publishing it when full. */
static void pipe_put(struct pipeline *pl, const struct person_info *p, int *rc)
{
	struct pipe_slot *sl;
	size_t k;

	/* The slot to fill must be free: all others in flight means the
	 * oldest must be written first. */
	while (pl->fill_seq - pl->write_seq == PIPE_SLOTS)
		pipe_write_one(pl, true, rc);
	sl = &pl->slots[pl->fill_seq % PIPE_SLOTS];
	k = sl->n++;
	sl->p[k] = *p;
	for (size_t f = 0; f < NSTRINGS; f++) {
		const char *v = *FIELD(p, f);
		sl->off[k][f] = v ? sl->text.len : SIZE_MAX;
		if (v)
			strbuf_add(&sl->text, v, strlen(v) + 1);
	}
	if (sl->n == PIPE_CHUNK) {
		/* The text is complete: point the fields into it. */
		for (size_t i = 0; i < sl->n; i++)
			for (size_t f = 0; f < NSTRINGS; f++)
				*FIELD(&sl->p[i], f) = sl->off[i][f] == SIZE_MAX ? NULL
						       : sl->text.buf + sl->off[i][f];
		pipe_publish(pl, rc);
	}
}

/* Publish the last chunk, write everything, stop the renderer. */
static int pipe_finish(struct pipeline *pl, int rc)
{
	struct pipe_slot *sl = &pl->slots[pl->fill_seq % PIPE_SLOTS];

	if (sl->n && sl->state == SLOT_FREE) {
		for (size_t i = 0; i < sl->n; i++)
			for (size_t f = 0; f < NSTRINGS; f++)
				*FIELD(&sl->p[i], f) = sl->off[i][f] == SIZE_MAX ? NULL
						       : sl->text.buf + sl->off[i][f];
		pipe_publish(pl, &rc);
	}
	pthread_mutex_lock(&pl->lock);
	pl->done = true;
	pthread_cond_broadcast(&pl->cond);
	pthread_mutex_unlock(&pl->lock);
	while (pipe_write_one(pl, true, &rc))
		;
	pthread_join(pl->thread, NULL);
	pipe_release(pl);
	pl->c->out = &pl->c->batch;
	return rc;
}

int outbox_enqueue(struct store *st, const struct outbox_settings *set,
		   const struct outbox_request *req, struct outbox_counts *counts,
		   struct strbuf *err)
{
	struct render_ctx c;
	struct store_stmt *s;
	struct person_info p;
	struct contact_cursor cc = { 0 };
	char *title = NULL;
	bool may_exist = true, piped = false;
	struct pipeline pl;
	int64_t nroster = 0;
	int rc, wrc = HW_OK;

	memset(counts, 0, sizeof(*counts));
	if (!template_exists(req->template)) {
		strbuf_addf(err, "template: there is no template '%s' (alert, kin)",
			    req->template);
		return HW_EINPUT;
	}
	if (!(req->channels & OUTBOX_ALL_CHANNELS)) {
		strbuf_addstr(err, "channels: give at least one of email, sms, webhook");
		return HW_EINPUT;
	}
	ctx_init(&c, st, set);
	c.incident = req->incident;
	c.template = req->template;
	c.instructions = req->instructions;
	if ((rc = load_incident(st, &c, &title, err)))
		goto out;
	c.incident_title = title;
	counts->exercise = c.exercise;
	if ((rc = any_message(st, req->incident, req->template, &may_exist)))
		goto dberr;
	/* Rows go in in person order, so every message index grows at its
	 * end (dropping them for a large load and sorting afterwards was
	 * measured slower); the tokens are drawn sorted for the same reason. */
	if ((rc = roster_size(st, req->incident, &nroster)))
		goto dberr;
	ctx_token_pool(&c, (size_t)nroster);
	if ((req->channels & (OUTBOX_CH(OUTBOX_EMAIL) | OUTBOX_CH(OUTBOX_SMS))) &&
	    (rc = contacts_open(&cc, st, req->incident)))
		goto dberr;
	if ((rc = store_prepare(st, may_exist ? ROSTER_ALL : ROSTER_FIRST, &s)))
		goto dberr;
	bind_roster(s, req->incident, req->template, req->channels);
	piped = nroster >= PIPE_MIN && pipe_start(&pl, st, &c, counts, req->channels) == HW_OK;
	while ((rc = store_step(s)) == STORE_ROW) {
		read_person(s, &p);
		counts->persons++;
		if (cc.s && (rc = contacts_of(&cc, &p)))
			break;
		if (piped)
			pipe_put(&pl, &p, &wrc);
		else if ((rc = enqueue_person(&c, &p, req->channels, counts)))
			break;
		if (wrc)
			break;
	}
	store_reset(s);
	if (piped)
		wrc = pipe_finish(&pl, wrc);
	if (rc >= 0 && wrc)
		rc = wrc;
	if (rc < 0 || (rc = batch_flush(&c.batch)))
		goto dberr;
	if ((rc = ctx_write_tokens(&c, st, err)))
		goto out;
	if (c.exercise)
		rc = mark_exercise(st, req->incident, err);
	goto out;
dberr:
	strbuf_addf(err, "cannot enqueue the messages: %s", store_errmsg(st));
	rc = rc < 0 ? rc : HW_EDB;
out:
	contacts_close(&cc);
	free(title);
	ctx_release(&c);
	return rc;
}

/* ---- After a send; escalation ---- */

int outbox_after_send(struct store *st, const struct outbox_settings *set,
		      int64_t incident, int64_t person, const char *channel,
		      int64_t now_ms, struct strbuf *err)
{
	struct store_stmt *s;
	char detail[48], now[21];
	int rc;

	snprintf(detail, sizeof(detail), "alert sent by %s", channel);
	rc = roster_set_status(st, incident, person, "notified", "system", "outbox",
			       detail, NULL, err);
	if (rc == HW_ENOTFOUND) {
		/* Not on the roster any more (erased since): nothing to mark. */
		strbuf_reset(err);
		return HW_OK;
	}
	if (rc || set->escalate_after_s <= 0)
		return rc;
	time_iso_now(now);
	if ((rc = store_prepare(st, "INSERT INTO escalation (incident_id, person_id, stage, "
				"due_at, updated_at) VALUES (?, ?, 'contacted', ?, ?) "
				"ON CONFLICT (incident_id, person_id) DO NOTHING", &s)))
		goto dberr;
	store_bind_int64(s, 1, incident);
	store_bind_int64(s, 2, person);
	store_bind_int64(s, 3, now_ms + set->escalate_after_s * 1000);
	store_bind_str(s, 4, now);
	if ((rc = store_run(s)))
		goto dberr;
	return HW_OK;
dberr:
	strbuf_addf(err, "cannot start the escalation: %s", store_errmsg(st));
	return rc;
}

/* The alert on the channels the person has not had it on (email and SMS;
 * a webhook is a feed for another system, not a way to reach them). */
static int escalate_channels(struct render_ctx *c, struct store *st, int64_t person,
			     struct outbox_counts *counts)
{
	struct store_stmt *s;
	struct person_info p;
	unsigned channels = OUTBOX_CH(OUTBOX_EMAIL) | OUTBOX_CH(OUTBOX_SMS);
	int rc;

	if ((rc = store_prepare(st, ROSTER_ONE, &s)))
		return rc;
	bind_roster(s, c->incident, "alert", channels);
	store_bind_int64(s, 6, person);
	rc = store_step(s);
	if (rc == STORE_ROW) {
		read_person(s, &p);
		rc = enqueue_person(c, &p, channels, counts);
	}
	store_reset(s);
	if (rc < 0)
		return rc;
	return batch_flush(&c->batch);
}

/* The "kin" message to each emergency contact of the person, by e-mail
 * when they have an address, else by SMS. */
static int escalate_kin(struct render_ctx *c, struct store *st, int64_t person,
			int64_t *sent)
{
	struct store_stmt *s, *q;
	struct person_info p;
	const struct template *t;
	struct template_vars v;
	int rc;

	if ((rc = store_prepare(st, ROSTER_ONE, &q)))
		return rc;
	bind_roster(q, c->incident, "kin", 0);
	store_bind_int64(q, 6, person);
	rc = store_step(q);
	if (rc != STORE_ROW) {
		store_reset(q);
		return rc < 0 ? rc : HW_OK;
	}
	read_person(q, &p);
	t = template_find("kin", p.language);
	person_name(&c->name, &p, t);
	if (!p.token)
		ctx_new_token(c, p.id, &p.token);
	strbuf_reset(&c->link);
	strbuf_addf(&c->link, "%s/c/%s", c->set->base_url, p.token);
	v = (struct template_vars){ c->name.buf, c->incident_title, c->link.buf, NULL };
	strbuf_reset(&c->subject);
	template_subject(t, &v, &c->subject);
	if ((rc = store_prepare(st, "SELECT id, email, phone FROM emergency_contact "
				"WHERE person_id = ? ORDER BY id", &s)))
		goto out;
	store_bind_int64(s, 1, person);
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *email = store_col_text(s, 1, NULL);
		const char *phone = store_col_text(s, 2, NULL);
		int ch = email && *email ? OUTBOX_EMAIL : phone && *phone ? OUTBOX_SMS : -1;
		struct msg_spec ms;

		if (ch < 0)
			continue;
		strbuf_reset(&c->body);
		if (ch == OUTBOX_EMAIL)
			template_email(t, &v, &c->body);
		else
			template_sms(t, &v, (unsigned)c->set->sms_segments, &c->body);
		ms = (struct msg_spec){
			.incident = c->incident, .person = person,
			.kin = store_col_int64(s, 0), .channel = ch, .template = "kin",
			.language = template_language(t),
			.recipient = ch == OUTBOX_EMAIL ? email : phone, .state = "queued",
			.subject = ch == OUTBOX_EMAIL ? &c->subject : NULL, .body = &c->body,
		};
		if ((rc = batch_add(&c->batch, &ms)))
			break;
		(*sent)++;
	}
	store_reset(s);
out:
	store_reset(q);
	if (rc < 0)
		return rc;
	return batch_flush(&c->batch);
}

static int suppress_cancelled(struct store *st)
{
	struct store_stmt *s;
	int rc;

	if ((rc = store_begin(st)))
		return rc;
	if ((rc = store_prepare(st, "UPDATE message SET state = 'suppressed', "
				"last_error = 'the incident was cancelled', claimed_by = NULL, "
				"claimed_until = NULL WHERE state IN ('queued', 'failed') AND "
				"incident_id IN (SELECT id FROM incident WHERE status = 'cancelled')",
				&s)) || (rc = store_run(s))) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st);
}

struct due {
	int64_t incident, person;
	char stage[16];
	bool answered;       /* no longer 'notified' */
	bool open;           /* the incident is open */
};

#define ESCALATE_BATCH 256

/* Take one person one stage up the ladder (or several, when a stage has
 * nothing to send); the stage reached goes to `stage`. */
static int escalate_one(struct render_ctx *c, struct store *st, const struct due *d,
			char stage[16], struct outbox_escalated *done)
{
	struct outbox_counts counts = { 0 };
	int64_t kin = 0;
	int rc;

	if (!strcmp(d->stage, "contacted")) {
		if ((rc = escalate_channels(c, st, d->person, &counts)))
			return rc;
		if (counts.queued[OUTBOX_EMAIL] + counts.queued[OUTBOX_SMS]) {
			done->next_channel++;
			done->messages += counts.queued[OUTBOX_EMAIL] + counts.queued[OUTBOX_SMS];
			snprintf(stage, 16, "next-channel");
			return HW_OK;
		}
	}
	if (!strcmp(d->stage, "contacted") || !strcmp(d->stage, "next-channel")) {
		if ((rc = escalate_kin(c, st, d->person, &kin)))
			return rc;
		if (kin) {
			done->kin++;
			done->messages += kin;
			snprintf(stage, 16, "kin");
			return HW_OK;
		}
	}
	done->call_list++;
	snprintf(stage, 16, "call-list");
	return HW_OK;
}

/* One batch of due ladders, in one transaction. *more: a full batch. */
static int escalate_batch(struct store *st, const struct outbox_settings *set,
			  int64_t now_ms, struct outbox_escalated *done, bool *more,
			  struct strbuf *err)
{
	struct due *due = xcalloc(ESCALATE_BATCH, sizeof(*due));
	struct store_stmt *s;
	struct render_ctx c;
	size_t n = 0;
	char now[21], *title = NULL;
	int64_t before = done->messages + done->call_list;
	int rc;

	ctx_init(&c, st, set);
	time_iso_now(now);
	*more = false;
	if ((rc = store_begin(st)))
		goto dberr_notx;
	if ((rc = store_prepare(st, "SELECT e.incident_id, e.person_id, e.stage, "
				"coalesce(r.status, 'unknown') <> 'notified', i.status = 'open' "
				"AND i.exercise = 0 FROM escalation e JOIN incident i ON "
				"i.id = e.incident_id LEFT JOIN roster r ON r.incident_id = "
				"e.incident_id AND r.person_id = e.person_id WHERE e.due_at <= ? "
				"AND e.stage <> 'call-list' ORDER BY e.incident_id, e.due_at LIMIT ?",
				&s)))
		goto dberr;
	store_bind_int64(s, 1, now_ms);
	store_bind_int64(s, 2, ESCALATE_BATCH);
	while ((rc = store_step(s)) == STORE_ROW) {
		struct due *d = &due[n++];
		d->incident = store_col_int64(s, 0);
		d->person = store_col_int64(s, 1);
		snprintf(d->stage, sizeof(d->stage), "%s", store_col_text(s, 2, NULL));
		d->answered = store_col_int64(s, 3) != 0;
		d->open = store_col_int64(s, 4) != 0;
	}
	store_reset(s);
	if (rc < 0)
		goto dberr;
	*more = n == ESCALATE_BATCH;
	for (size_t i = 0; i < n; i++) {
		struct due *d = &due[i];
		char stage[16];
		int64_t due_at = now_ms + set->escalate_after_s * 1000;

		snprintf(stage, sizeof(stage), "%s", d->stage);
		if (d->answered || !d->open) {
			/* The ladder stops where it is: never due again. */
			due_at = INT64_MAX;
		} else {
			if (c.incident != d->incident) {
				struct strbuf ignored = STRBUF_INIT;
				free(title);
				title = NULL;
				c.incident = d->incident;
				c.template = "alert";
				c.cached = NULL;
				rc = load_incident(st, &c, &title, &ignored);
				strbuf_release(&ignored);
				if (rc && rc != HW_ECONFLICT)
					goto dberr;
				c.incident_title = title ? title : "";
			}
			if ((rc = escalate_one(&c, st, d, stage, done)))
				goto dberr;
		}
		if ((rc = store_prepare(st, "UPDATE escalation SET stage = ?, due_at = ?, "
					"call_list_at = CASE WHEN ? = 'call-list' THEN ? ELSE "
					"call_list_at END, updated_at = ? WHERE incident_id = ? "
					"AND person_id = ?", &s)))
			goto dberr;
		store_bind_list(s, "sisssii", stage, (int64_t)(strcmp(stage, "call-list")
				? due_at : INT64_MAX), stage, now, now, d->incident,
				d->person);
		if ((rc = store_run(s)))
			goto dberr;
		/* Tokens are written per incident (ctx_write_tokens uses
		 * c.incident); the ladder's persons have theirs already, from
		 * their first message, so this is rare. */
		if ((rc = ctx_write_tokens(&c, st, err)))
			goto rollback;
	}
	if (done->messages + done->call_list > before) {
		char detail[96];
		snprintf(detail, sizeof(detail), "%zu due: %" PRId64 " messages, %" PRId64
			 " put on the call list so far", n, done->messages, done->call_list);
		if ((rc = audit_append(st, "system:outbox", "escalate", NULL, detail, NULL, err)))
			goto rollback;
	}
	if ((rc = store_commit(st)))
		goto dberr_notx;
	goto out;
dberr:
	strbuf_addf(err, "cannot escalate: %s", store_errmsg(st));
rollback:
	store_rollback(st);
	rc = rc < 0 ? rc : HW_EDB;
	goto out;
dberr_notx:
	strbuf_addf(err, "cannot escalate: %s", store_errmsg(st));
	rc = rc < 0 ? rc : HW_EDB;
out:
	free(title);
	free(due);
	ctx_release(&c);
	return rc;
}

int outbox_escalate(struct store *st, const struct outbox_settings *set,
		    int64_t now_ms, struct outbox_escalated *done,
		    struct strbuf *err)
{
	bool more = true;
	int rc;

	memset(done, 0, sizeof(*done));
	if ((rc = suppress_cancelled(st))) {
		strbuf_addf(err, "cannot suppress the messages of cancelled incidents: %s",
			    store_errmsg(st));
		return rc;
	}
	if (set->escalate_after_s <= 0)
		return HW_OK;
	while (more)
		if ((rc = escalate_batch(st, set, now_ms, done, &more, err)))
			return rc;
	return HW_OK;
}

/* ---- Delivery receipts ---- */

int outbox_receipt(struct store *st, const char *provider_id, const char *status,
		   const char *detail, int64_t *message_id, struct strbuf *err)
{
	struct store_stmt *s;
	char now[21];
	const char *state = NULL;
	int rc;

	static const struct { const char *status, *state; } map[] = {
		{ "delivered", "delivered" },
		{ "failed", "dead" },
		{ "undelivered", "dead" },
		{ "rejected", "dead" },
		{ "expired", "dead" },
	};
	*message_id = 0;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(map[i].status, status))
			state = map[i].state;
	if (!state) {
		strbuf_addf(err, "status: '%.40s' is not a receipt status (delivered, "
			    "failed, undelivered, rejected, expired)", status);
		return HW_EINPUT;
	}
	time_iso_now(now);
	/* A receipt may beat the dispatcher's own commit of 'sent' (the
	 * gateway answers fast): a row still 'sending' takes it too. */
	if ((rc = store_prepare(st, "UPDATE message SET state = ?1, "
				"delivered_at = CASE WHEN ?1 = 'delivered' THEN ?2 END, "
				"last_error = CASE WHEN ?1 = 'dead' THEN ?3 ELSE last_error END "
				"WHERE provider_id = ?4 AND channel = 'sms' AND state IN "
				"('sending', 'sent', 'delivered') RETURNING id", &s)))
		goto dberr;
	store_bind_str(s, 1, state);
	store_bind_str(s, 2, now);
	store_bind_str(s, 3, detail && *detail ? detail : "the gateway reports it undelivered");
	store_bind_str(s, 4, provider_id);
	rc = store_step(s);
	if (rc == STORE_ROW)
		*message_id = store_col_int64(s, 0);
	/* RETURNING rows are all written by the first step; finish it. */
	while (rc == STORE_ROW)
		rc = store_step(s);
	store_reset(s);
	if (rc < 0)
		goto dberr;
	if (*message_id)
		return HW_OK;
	/* Known but past receiving receipts (dead): accepted, unchanged. */
	if ((rc = store_prepare(st, "SELECT id FROM message WHERE provider_id = ? "
				"AND channel = 'sms'", &s)))
		goto dberr;
	store_bind_str(s, 1, provider_id);
	rc = store_step(s);
	if (rc == STORE_ROW)
		*message_id = store_col_int64(s, 0);
	store_reset(s);
	if (rc == STORE_ROW)
		return HW_OK;
	if (rc < 0)
		goto dberr;
	strbuf_addf(err, "id: no message was sent with the provider id '%.80s'", provider_id);
	return HW_ENOTFOUND;
dberr:
	strbuf_addf(err, "cannot record the receipt: %s", store_errmsg(st));
	return rc < 0 ? rc : HW_EDB;
}

/* ---- homeward notify ---- */

int cmd_notify(int argc, char **argv)
{
	const char *dbflag = NULL, *template = "alert", *channels = NULL;
	const char *instructions = NULL;
	int64_t incident = 0;
	bool json = false;
	const struct opt opts[] = {
		OPT_DB(&dbflag),
		{ "incident", OPT_INT, &incident, "ID", "the incident (required; it must be open)" },
		{ "template", OPT_STRING, &template, "NAME", "alert (default) or kin" },
		{ "channels", OPT_STRING, &channels, "LIST", "default email,sms, and webhook when a webhook URL is set" },
		{ "instructions", OPT_STRING, &instructions, "TEXT", "what people should do (default: the template's)" },
		{ "json", OPT_FLAG, &json, NULL, "the counts as one JSON object" },
		OPT_END,
	};
	struct outbox_settings set;
	struct outbox_request req = { 0 };
	struct outbox_counts counts;
	struct strbuf err = STRBUF_INIT, detail = STRBUF_INIT;
	struct db db = { 0 };
	int64_t total = 0;
	char object[32];
	double t0;
	int rc;

	/* The settings' flags (--base-url, --webhook-url...) come in here. */
	if ((rc = opt_parse_only(opts, argc, argv)))
		return rc;
	outbox_settings_init(&set);
	if (incident <= 0) {
		cli_error(argv[0], "give the incident: --incident ID");
		rc = HW_EINPUT;
		goto out_quiet;
	}
	if ((rc = outbox_settings_check(&set, &err)))
		goto out;
	/* By default: e-mail and SMS, and the webhook when one is set. */
	req.channels = OUTBOX_CH(OUTBOX_EMAIL) | OUTBOX_CH(OUTBOX_SMS) |
		       (set.webhook_url ? OUTBOX_CH(OUTBOX_WEBHOOK) : 0);
	if (channels && (rc = outbox_channels_parse(channels, &req.channels, &err)))
		goto out;
	req.incident = incident;
	req.template = template;
	req.instructions = instructions;
	if ((rc = db_open_cli(&db, argv[0], dbflag, NULL, 0)))
		goto out_quiet;
	/* One large write: the bulk mode's bigger cache keeps the indexes in
	 * memory (and, with no server running, skips the WAL). */
	if ((rc = store_tune_bulk(db.st)) || (rc = store_begin(db.st))) {
		strbuf_addf(&err, "cannot begin: %s", store_errmsg(db.st));
		goto out;
	}
	t0 = time_mono();
	rc = outbox_enqueue(db.st, &set, &req, &counts, &err);
	if (!rc) {
		for (int ch = 0; ch < OUTBOX_NCHANNELS; ch++)
			total += counts.queued[ch];
		strbuf_addf(&detail, "template %s: %" PRId64 " new messages%s", template,
			    total, counts.exercise ? " (exercise: suppressed)" : "");
		snprintf(object, sizeof(object), "incident:%" PRId64, incident);
		rc = audit_append(db.st, audit_cli_actor(), "notify", object, detail.buf,
				  NULL, &err);
	}
	if (rc) {
		store_rollback(db.st);
		/* An unknown or closed incident is the user's mistake: exit 2. */
		if (rc == HW_ENOTFOUND || rc == HW_ECONFLICT)
			rc = HW_EINPUT;
		goto out;
	}
	if ((rc = store_commit(db.st))) {
		strbuf_addf(&err, "cannot commit: %s", store_errmsg(db.st));
		goto out;
	}
	t0 = time_mono() - t0;
	if (json) {
		printf("{\"incident\":%" PRId64 ",\"persons\":%" PRId64 ",\"email\":%" PRId64
		       ",\"sms\":%" PRId64 ",\"webhook\":%" PRId64 ",\"existing\":%" PRId64
		       ",\"no_address\":%" PRId64 ",\"suppressed\":%" PRId64
		       ",\"exercise\":%s,\"seconds\":%.3f,\"per_s\":%.0f}\n",
		       incident, counts.persons, counts.queued[OUTBOX_EMAIL],
		       counts.queued[OUTBOX_SMS], counts.queued[OUTBOX_WEBHOOK],
		       counts.existing, counts.no_address, counts.suppressed,
		       counts.exercise ? "true" : "false", t0, total / (t0 > 0 ? t0 : 1e-9));
	} else {
		printf("incident %" PRId64 ": %" PRId64 " persons; queued %" PRId64
		       " email, %" PRId64 " sms, %" PRId64 " webhook; %" PRId64
		       " already queued; %" PRId64 " without an address\n",
		       incident, counts.persons, counts.queued[OUTBOX_EMAIL],
		       counts.queued[OUTBOX_SMS], counts.queued[OUTBOX_WEBHOOK],
		       counts.existing, counts.no_address);
		if (counts.exercise)
			printf("exercise: the %" PRId64 " new messages are suppressed, "
			       "never sent\n", counts.suppressed);
		printf("enqueued %" PRId64 " messages in %.3f s (%.0f/s)\n", total, t0,
		       total / (t0 > 0 ? t0 : 1e-9));
	}
out:
	if (rc)
		cli_error(argv[0], "%s", err.buf);
out_quiet:
	db_release(&db);
	outbox_settings_release(&set);
	strbuf_release(&err);
	strbuf_release(&detail);
	return rc;
}
