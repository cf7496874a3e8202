/*
 * fuzz_cap_message.c: libFuzzer target for the CAP message reader (cap.h).
 *
 * The first byte picks how the rest is used:
 *   0: a whole document;
 *   1: a CAP time, checked against a reference conversion with timegm():
 *      accepted exactly when the reference accepts it, to the same UTC;
 *   2: the text of one element (picked by the second byte) of a valid
 *      alert, with '<' and '&' blanked, so mutations stay inside it.
 * Beyond not crashing: an accepted message has every field in shape
 * (identifiers without spaces or commas, times in UTC that read back the
 * same, enumerations from CAP's lists, each info complete, an area or a
 * reason for having none); a refused one leaves the message empty and
 * says why in one line of valid UTF-8.
 */
#include "core/homeward.h"
#include "interop/cap.h"
#include "fuzz_check.h"

#include <time.h>

static bool is_digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + s[i] - '0';
	}
	return true;
}

/* The reference: the same rules, written differently, and timegm(). */
static bool reference_time(const char *s, size_t len, char out[CAP_TIME_LEN])
{
	struct tm tm, back;
	int y, mo, d, h, mi, se, oh, om;
	time_t t;

	if (len != 25 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || (s[19] != '+' && s[19] != '-') || s[22] != ':')
		return false;
	if (!is_digits(s, 4, &y) || !is_digits(s + 5, 2, &mo) ||
	    !is_digits(s + 8, 2, &d) || !is_digits(s + 11, 2, &h) ||
	    !is_digits(s + 14, 2, &mi) || !is_digits(s + 17, 2, &se) ||
	    !is_digits(s + 20, 2, &oh) || !is_digits(s + 23, 2, &om))
		return false;
	if (y < 1900 || y > 9998 || mo < 1 || mo > 12 || d < 1 || h > 23 ||
	    mi > 59 || se > 59 || oh > 14 || om > 59)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	/* A day beyond the month's end rolls over: not a real date. */
	if (!gmtime_r(&t, &back) || back.tm_mday != d || back.tm_mon != mo - 1)
		return false;
	t -= (s[19] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
	gmtime_r(&t, &back);
	strftime(out, CAP_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &back);
	return true;
}

static void check_utc(const char *sent)
{
	char again[CAP_TIME_LEN], text[32];
	struct strbuf why = STRBUF_INIT;

	if (strlen(sent) != 20 || sent[19] != 'Z')
		abort();
	snprintf(text, sizeof(text), "%.19s+00:00", sent);
	if (cap_parse_time(text, strlen(text), again, &why) || strcmp(again, sent))
		abort();
	strbuf_release(&why);
}

static void check_token(const char *s)
{
	if (!s || !*s)
		abort();
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == ',')
			abort();
}

static bool one_of(const char *v, const char *const *words)
{
	size_t i;

	for (i = 0; v && words[i]; i++)
		if (!strcmp(v, words[i]))
			return true;
	return false;
}

static void check_ok(const struct cap_message *m)
{
	static const char *const statuses[] = { "Actual", "Exercise", "System",
						"Test", "Draft", NULL };
	static const char *const types[] = { "Alert", "Update", "Cancel", "Ack",
					     "Error", NULL };
	static const char *const scopes[] = { "Public", "Restricted", "Private", NULL };
	static const char *const severities[] = { "Extreme", "Severe", "Moderate",
						  "Minor", "Unknown", NULL };
	size_t i;

	check_token(m->identifier);
	check_token(m->sender);
	check_utc(m->sent);
	if (!one_of(m->status, statuses) || !one_of(m->msg_type, types) ||
	    !one_of(m->scope, scopes) || !m->version)
		abort();
	for (i = 0; i < m->nrefs; i++) {
		check_token(m->refs[i].sender);
		check_token(m->refs[i].identifier);
		check_utc(m->refs[i].sent);
	}
	for (i = 0; i < m->ninfos; i++) {
		const struct cap_info *f = &m->infos[i];

		if (!f->language || !f->event || !*f->event || !f->category ||
		    !f->categories || !f->urgency || !f->certainty ||
		    !one_of(f->severity, severities))
			abort();
	}
	if ((m->ninfos != 0) != (cap_max_severity(m) != NULL))
		abort();
	if (geoarea_is_empty(&m->area) != (m->no_area.len > 0))
		abort();
}

static void check_refused(const struct cap_message *m, const struct strbuf *err)
{
	fuzz_check_message(err);
	if (m->identifier || m->sender || m->ninfos || m->nrefs ||
	    !geoarea_is_empty(&m->area))
		abort();
}

/* A valid alert with one element's text replaced. */
static void element_doc(struct strbuf *doc, unsigned which, const char *text)
{
	static const char *const names[] = {
		"identifier", "sender", "sent", "status", "msgType", "scope",
		"references", "category", "event", "severity", "certainty",
		"polygon", "circle",
	};
	static const char *const values[] = {
		"A-1", "s@example.org", "2026-04-25T11:56:00+05:45", "Actual",
		"Update", "Public", "s@example.org,A-0,2026-04-25T10:00:00+05:45",
		"Geo", "Earthquake", "Severe", "Observed",
		"27.55,85.15 27.55,85.55 27.85,85.55 27.55,85.15", "27.7,85.3 10",
	};
	size_t i, pick = which % ARRAY_SIZE(names);

#define V(i) ((i) == pick ? text : values[i])
	strbuf_addf(doc, "<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'>"
		    "<identifier>%s</identifier><sender>%s</sender><sent>%s</sent>"
		    "<status>%s</status><msgType>%s</msgType><scope>%s</scope>"
		    "<references>%s</references><info><category>%s</category>"
		    "<event>%s</event><urgency>Immediate</urgency>"
		    "<severity>%s</severity><certainty>%s</certainty><area>"
		    "<areaDesc>x</areaDesc><polygon>%s</polygon><circle>%s</circle>"
		    "</area></info></alert>", V(0), V(1), V(2), V(3), V(4), V(5),
		    V(6), V(7), V(8), V(9), V(10), V(11), V(12));
#undef V
	(void)i;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cap_message m;
	struct strbuf err = STRBUF_INIT, doc = STRBUF_INIT, text = STRBUF_INIT;
	size_t i;
	int mode, rc;

	if (size < 2)
		return 0;
	mode = data[0] % 3;
	if (mode == 1) {
		char got[CAP_TIME_LEN], want[CAP_TIME_LEN];
		const char *s = (const char *)data + 1;
		bool ok;

		rc = cap_parse_time(s, size - 1, got, &err);
		ok = reference_time(s, size - 1, want);
		if ((rc == HW_OK) != ok || (ok && strcmp(got, want))) {
			fprintf(stderr, "'%.*s': %s, reference %s\n", (int)(size - 1), s,
				rc ? err.buf : got, ok ? want : "refuses");
			abort();
		}
		if (rc)
			fuzz_check_message(&err);
		strbuf_release(&err);
		return 0;
	}
	if (mode == 0) {
		strbuf_add(&doc, data + 1, size - 1);
	} else {
		for (i = 2; i < size; i++)
			strbuf_addch(&text, data[i] == '<' || data[i] == '&' || !data[i]
				     ? ' ' : data[i]);
		element_doc(&doc, data[1], text.buf);
	}
	cap_message_init(&m);
	rc = cap_parse(&m, doc.buf, doc.len, &err);
	if (rc == HW_OK) {
		if (err.len)
			abort();
		check_ok(&m);
	} else if (rc == HW_EINPUT) {
		check_refused(&m, &err);
	} else {
		abort();
	}
	cap_message_release(&m);
	strbuf_release(&err);
	strbuf_release(&doc);
	strbuf_release(&text);
	return 0;
}
