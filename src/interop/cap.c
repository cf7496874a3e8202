/*
 * cap.c: CAP messages (cap.h). The XML is read with libxml2 set up as
 * geoarea.c sets it up for the shapes: no network, no DTD, no entity
 * substitution, and any DOCTYPE or entity declaration stops the parse.
 * The header fields and the <info> blocks are read here; the shapes of
 * the areas are left to geoarea_parse_cap(), which reads the same text
 * again, so that an area from a message and an area from `homeward query
 * --cap` are one and the same.
 *
 * Elements are matched by name within the alert's own namespace, whether
 * it is the default namespace or bound to a prefix; elements of other
 * namespaces are skipped. Tables list the allowed words of each
 * enumerated element, so that messages can quote them.
 */
#include "core/homeward.h"
#include "interop/cap.h"
#include "core/xmldoc.h"

#include <limits.h>
#include <pthread.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

static const char *const cap_namespaces[][2] = {
	{ "urn:oasis:names:tc:emergency:cap:1.2", "1.2" },
	{ "urn:oasis:names:tc:emergency:cap:1.1", "1.1" },
	{ "urn:oasis:names:tc:emergency:cap:1.0", "1.0" },
	{ "http://www.incident.com/cap/1.0", "1.0" },  /* CAP 1.0 as published */
};

/* Enumerations, NULL-terminated, canonical spelling first. */
static const char *const statuses[] = {
	"Actual", "Exercise", "System", "Test", "Draft", NULL };
static const char *const msg_types[] = {
	"Alert", "Update", "Cancel", "Ack", "Error", NULL };
static const char *const scopes[] = {
	"Public", "Restricted", "Private", NULL };
static const char *const urgencies[] = {
	"Immediate", "Expected", "Future", "Past", "Unknown", NULL };
/* Highest first: cap_max_severity() relies on the order. */
static const char *const severities[] = {
	"Extreme", "Severe", "Moderate", "Minor", "Unknown", NULL };
static const char *const certainties[] = {
	"Observed", "Likely", "Possible", "Unlikely", "Unknown", NULL };

const char *const cap_categories[] = {
	"Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
	"Transport", "Infra", "CBRNE", "Other", NULL };
const size_t cap_categories_count = ARRAY_SIZE(cap_categories) - 1;

/* ---- Messages ---- */

static void add_list(struct strbuf *sb, const char *const *words)
{
	size_t i;

	for (i = 0; words[i]; i++)
		strbuf_addf(sb, "%s%s", i ? (words[i + 1] ? ", " : " or ") : "",
			    words[i]);
}

/* ---- Time ---- */

static bool digits(const char *s, size_t n, int *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int cap_parse_time(const char *s, size_t len, char out[CAP_TIME_LEN],
		   struct strbuf *why)
{
	int y, mo, d, h, mi, sec, oh, om, sign;
	int64_t t, days, rem;

	/* YYYY-MM-DDThh:mm:ss+hh:mm: 25 bytes, each in its place. */
	if (len == 20 && s[19] == 'Z') {
		strbuf_addstr(why, "not a CAP time: CAP writes UTC as -00:00 "
			      "or +00:00, not 'Z'");
		return HW_EINPUT;
	}
	if (len > 19 && s[19] == '.') {
		strbuf_addstr(why, "not a CAP time: CAP times have no fraction "
			      "of a second");
		return HW_EINPUT;
	}
	if (len != 25 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || (s[19] != '+' && s[19] != '-') ||
	    s[22] != ':' || !digits(s, 4, &y) || !digits(s + 5, 2, &mo) ||
	    !digits(s + 8, 2, &d) || !digits(s + 11, 2, &h) ||
	    !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &sec) ||
	    !digits(s + 20, 2, &oh) || !digits(s + 23, 2, &om)) {
		strbuf_addstr(why, "not a CAP time (YYYY-MM-DDThh:mm:ss+hh:mm, "
			      "such as 2024-05-01T14:30:00-05:00)");
		return HW_EINPUT;
	}
	if (y < 1900 || y > 9998 || mo < 1 || mo > 12 || d < 1 ||
	    d > month_days(y, mo)) {
		strbuf_addstr(why, "not a real date");
		return HW_EINPUT;
	}
	if (h > 23 || mi > 59 || sec > 59) {
		strbuf_addstr(why, "not a real time of day");
		return HW_EINPUT;
	}
	if (oh > 14 || om > 59) {
		strbuf_addstr(why, "not a CAP time: the offset from UTC is "
			      "beyond 14 hours");
		return HW_EINPUT;
	}
	sign = s[19] == '-' ? -1 : 1;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    sign * (oh * 3600 + om * 60);
	days = t / 86400;
	rem = t % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &mo, &d);
	{
		/* The year stays within 1899..9999, so this is 20 bytes; the
		 * roomy buffer is for the compiler, which cannot know it. */
		char buf[64];

		snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", y,
			 mo, d, (int)(rem / 3600), (int)(rem / 60 % 60),
			 (int)(rem % 60));
		memcpy(out, buf, CAP_TIME_LEN - 1);
		out[CAP_TIME_LEN - 1] = '\0';
	}
	return HW_OK;
}

/* ---- XML ---- */

struct reader {
	struct strbuf *err;
	const char *ns;          /* the alert's namespace */
};

static bool is_cap(const struct reader *rd, const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       !strcmp((const char *)n->ns->href, rd->ns) &&
	       (!name || !strcmp((const char *)n->name, name));
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The element's text without surrounding whitespace, owned. */
static char *node_text(const xmlNode *n)
{
	xmlChar *x = xmlNodeGetContent(n);
	const char *s = x ? (const char *)x : "";
	size_t len;
	char *out;

	while (is_space(*s))
		s++;
	len = strlen(s);
	while (len && is_space(s[len - 1]))
		len--;
	out = xstrndup(s, len);
	xmlFree(x);
	return out;
}

/*
 * One element of a parent, read once: `where` is the element's path for
 * messages ("alert/sent", "info[1]/event"). Returns HW_OK with *out NULL
 * when absent or empty (an empty optional element, <instruction/>, is
 * common and harmless; *given tells them apart), or HW_EINPUT when it is
 * given twice.
 */
static int child_text(struct reader *rd, const xmlNode *parent,
		      const char *name, const char *where, char **out,
		      bool *given)
{
	const xmlNode *k;
	bool seen = false;

	*out = NULL;
	for (k = parent->children; k; k = k->next) {
		if (!is_cap(rd, k, name))
			continue;
		if (seen) {
			free(*out);
			*out = NULL;
			strbuf_addf(rd->err, "%s is given more than once", where);
			return HW_EINPUT;
		}
		seen = true;
		*out = node_text(k);
		if (!**out) {
			free(*out);
			*out = NULL;
		}
	}
	if (given)
		*given = seen;
	return HW_OK;
}

/* A required element. */
static int need_text(struct reader *rd, const xmlNode *parent,
		     const char *name, const char *where, char **out)
{
	bool given = false;
	int rc = child_text(rd, parent, name, where, out, &given);

	if (!rc && !*out) {
		strbuf_addf(rd->err, "%s is %s", where, given ? "empty" : "missing");
		rc = HW_EINPUT;
	}
	return rc;
}

/* The canonical word of `words` that `v` names (any case), or NULL. */
static const char *word_of(const char *const *words, const char *v)
{
	size_t i;

	for (i = 0; words[i]; i++)
		if (!strcasecmp(words[i], v))
			return words[i];
	return NULL;
}

/* A required enumerated element: *out gets its canonical word. */
static int need_word(struct reader *rd, const xmlNode *parent,
		     const char *name, const char *where,
		     const char *const *words, const char **out)
{
	char *v = NULL;
	int rc = need_text(rd, parent, name, where, &v);

	if (rc)
		return rc;
	*out = word_of(words, v);
	/* CAP 1.0 said "Very Likely"; 1.1 folded it into Likely. */
	if (!*out && words == certainties && !strcasecmp(v, "Very Likely"))
		*out = "Likely";
	if (!*out) {
		strbuf_addf(rd->err, "%s: ", where);
		strbuf_add_quoted(rd->err, v, strlen(v), 40);
		strbuf_addstr(rd->err, " is not one of ");
		add_list(rd->err, words);
		rc = HW_EINPUT;
	}
	free(v);
	return rc;
}

/* Identifiers and senders: CAP forbids spaces and commas in them (the
 * references list is built from them), and they are quoted in messages. */
static int check_token(struct reader *rd, const char *where, const char *v)
{
	const unsigned char *u = (const unsigned char *)v;
	size_t i, len = strlen(v);

	for (i = 0; i < len; i++) {
		if (u[i] <= 0x20 || u[i] == ',' || u[i] == 0x7f) {
			strbuf_addf(rd->err, "%s: ", where);
			strbuf_add_quoted(rd->err, v, len, 60);
			strbuf_addstr(rd->err, " holds a space, a comma or a "
				      "control character, which CAP does not "
				      "allow there");
			return HW_EINPUT;
		}
	}
	if (len > 500) {
		strbuf_addf(rd->err, "%s is longer than 500 bytes", where);
		return HW_EINPUT;
	}
	return HW_OK;
}

static int read_time(struct reader *rd, const char *where, const char *v,
		     char out[CAP_TIME_LEN])
{
	struct strbuf why = STRBUF_INIT;
	int rc = cap_parse_time(v, strlen(v), out, &why);

	if (rc) {
		strbuf_addf(rd->err, "%s: ", where);
		strbuf_add_quoted(rd->err, v, strlen(v), 40);
		strbuf_addf(rd->err, " is %s", why.buf);
	}
	strbuf_release(&why);
	return rc;
}

/* "sender,identifier,sent sender,identifier,sent ..." */
static int read_refs(struct reader *rd, struct cap_message *m, const char *v)
{
	size_t alloc = 0;
	const char *p = v;
	char where[64];
	int rc = HW_OK;

	while (*p && !rc) {
		const char *tok, *c1, *c2, *end;
		struct cap_ref *ref;
		char *sent;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		tok = p;
		while (*p && !is_space(*p))
			p++;
		end = p;
		snprintf(where, sizeof(where), "alert/references[%zu]", m->nrefs);
		c1 = memchr(tok, ',', (size_t)(end - tok));
		c2 = c1 ? memchr(c1 + 1, ',', (size_t)(end - c1 - 1)) : NULL;
		if (!c1 || !c2 || c1 == tok || c2 == c1 + 1 ||
		    memchr(c2 + 1, ',', (size_t)(end - c2 - 1))) {
			strbuf_addf(rd->err, "%s: ", where);
			strbuf_add_quoted(rd->err, tok, (size_t)(end - tok), 80);
			strbuf_addstr(rd->err, " is not 'sender,identifier,sent'");
			return HW_EINPUT;
		}
		ALLOC_GROW(m->refs, m->nrefs + 1, alloc);
		ref = &m->refs[m->nrefs];
		memset(ref, 0, sizeof(*ref));
		ref->sender = xstrndup(tok, (size_t)(c1 - tok));
		ref->identifier = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
		m->nrefs++;
		sent = xstrndup(c2 + 1, (size_t)(end - c2 - 1));
		rc = read_time(rd, where, sent, ref->sent);
		free(sent);
	}
	if (!rc && !m->nrefs) {
		strbuf_addstr(rd->err, "alert/references is empty");
		rc = HW_EINPUT;
	}
	return rc;
}

static int read_info(struct reader *rd, const xmlNode *n, size_t i,
		     struct cap_info *info)
{
	static const struct {
		const char *name;
		const char *const *words;
		size_t off;
	} enums[] = {
		{ "urgency", urgencies, offsetof(struct cap_info, urgency) },
		{ "severity", severities, offsetof(struct cap_info, severity) },
		{ "certainty", certainties, offsetof(struct cap_info, certainty) },
	};
	static const struct {
		const char *name;
		bool required;
		size_t off;
	} texts[] = {
		{ "language", false, offsetof(struct cap_info, language) },
		{ "event", true, offsetof(struct cap_info, event) },
		{ "headline", false, offsetof(struct cap_info, headline) },
		{ "description", false, offsetof(struct cap_info, description) },
		{ "instruction", false, offsetof(struct cap_info, instruction) },
	};
	char where[64];
	const xmlNode *k;
	size_t j, ncat = 0;
	int rc;

	for (j = 0; j < ARRAY_SIZE(texts); j++) {
		char **dst = (char **)((char *)info + texts[j].off);

		snprintf(where, sizeof(where), "info[%zu]/%s", i, texts[j].name);
		rc = texts[j].required ? need_text(rd, n, texts[j].name, where, dst)
				       : child_text(rd, n, texts[j].name, where, dst,
						    NULL);
		if (rc)
			return rc;
	}
	if (!info->language)
		info->language = xstrdup("en-US");
	for (k = n->children; k; k = k->next) {
		const char *word;
		char *v;

		if (!is_cap(rd, k, "category"))
			continue;
		snprintf(where, sizeof(where), "info[%zu]/category[%zu]", i, ncat++);
		v = node_text(k);
		word = word_of(cap_categories, v);
		if (!word) {
			strbuf_addf(rd->err, "%s: ", where);
			strbuf_add_quoted(rd->err, v, strlen(v), 40);
			strbuf_addstr(rd->err, " is not one of ");
			add_list(rd->err, cap_categories);
			free(v);
			return HW_EINPUT;
		}
		free(v);
		if (!info->category)
			info->category = word;
		for (j = 0; cap_categories[j]; j++)
			if (cap_categories[j] == word)
				info->categories |= 1u << j;
	}
	if (!info->category) {
		strbuf_addf(rd->err, "info[%zu]/category is missing", i);
		return HW_EINPUT;
	}
	for (j = 0; j < ARRAY_SIZE(enums); j++) {
		const char **dst = (const char **)((char *)info + enums[j].off);

		snprintf(where, sizeof(where), "info[%zu]/%s", i, enums[j].name);
		if ((rc = need_word(rd, n, enums[j].name, where, enums[j].words, dst)))
			return rc;
	}
	return HW_OK;
}

/* Does any <area> of any <info> give a polygon or circle with text? */
static bool has_shapes(const struct reader *rd, const xmlNode *root)
{
	const xmlNode *info, *area, *k;

	for (info = root->children; info; info = info->next) {
		if (!is_cap(rd, info, "info"))
			continue;
		for (area = info->children; area; area = area->next) {
			if (!is_cap(rd, area, "area"))
				continue;
			for (k = area->children; k; k = k->next) {
				char *t;
				bool any;

				if (!is_cap(rd, k, "polygon") && !is_cap(rd, k, "circle"))
					continue;
				t = node_text(k);
				any = *t != '\0';
				free(t);
				if (any)
					return true;
			}
		}
	}
	return false;
}

/* The root must be a CAP <alert>; set rd->ns and the version. */
static int read_root(struct reader *rd, const xmlNode *root,
		     struct cap_message *m)
{
	size_t i;

	if (!root) {
		strbuf_addstr(rd->err, "the document has no element");
		return HW_EINPUT;
	}
	if (strcmp((const char *)root->name, "alert")) {
		strbuf_addstr(rd->err, "the document is ");
		strbuf_add_quoted(rd->err, (const char *)root->name,
			   strlen((const char *)root->name), 40);
		strbuf_addstr(rd->err, ", not a CAP <alert>");
		return HW_EINPUT;
	}
	if (!root->ns || !root->ns->href) {
		strbuf_addf(rd->err, "<alert> has no namespace; CAP 1.2's is %s",
			    cap_namespaces[0][0]);
		return HW_EINPUT;
	}
	for (i = 0; i < ARRAY_SIZE(cap_namespaces); i++) {
		if (!strcmp((const char *)root->ns->href, cap_namespaces[i][0])) {
			rd->ns = cap_namespaces[i][0];
			m->version = cap_namespaces[i][1];
			return HW_OK;
		}
	}
	strbuf_addstr(rd->err, "<alert> is in namespace ");
	strbuf_add_quoted(rd->err, (const char *)root->ns->href,
		   strlen((const char *)root->ns->href), 80);
	strbuf_addstr(rd->err, ", not CAP's (urn:oasis:names:tc:emergency:cap:"
		      "1.2, 1.1 or 1.0)");
	return HW_EINPUT;
}

static int read_header(struct reader *rd, const xmlNode *root,
		       struct cap_message *m)
{
	static const struct {
		const char *name;
		const char *const *words;
		size_t off;
	} enums[] = {
		{ "status", statuses, offsetof(struct cap_message, status) },
		{ "msgType", msg_types, offsetof(struct cap_message, msg_type) },
		{ "scope", scopes, offsetof(struct cap_message, scope) },
	};
	char *sent = NULL, *refs = NULL;
	char where[32];
	size_t j;
	int rc;

	if ((rc = need_text(rd, root, "identifier", "alert/identifier",
			    &m->identifier)) ||
	    (rc = check_token(rd, "alert/identifier", m->identifier)) ||
	    (rc = need_text(rd, root, "sender", "alert/sender", &m->sender)) ||
	    (rc = check_token(rd, "alert/sender", m->sender)) ||
	    (rc = need_text(rd, root, "sent", "alert/sent", &sent)) ||
	    (rc = read_time(rd, "alert/sent", sent, m->sent)))
		goto out;
	for (j = 0; j < ARRAY_SIZE(enums); j++) {
		const char **dst = (const char **)((char *)m + enums[j].off);

		snprintf(where, sizeof(where), "alert/%s", enums[j].name);
		if ((rc = need_word(rd, root, enums[j].name, where,
				    enums[j].words, dst)))
			goto out;
	}
	if ((rc = child_text(rd, root, "references", "alert/references", &refs,
			     NULL)))
		goto out;
	if (refs)
		rc = read_refs(rd, m, refs);
out:
	free(sent);
	free(refs);
	return rc;
}

void cap_message_init(struct cap_message *m)
{
	memset(m, 0, sizeof(*m));
	geoarea_init(&m->area);
	strbuf_init(&m->no_area, 0);
}

void cap_message_release(struct cap_message *m)
{
	size_t i;

	if (!m)
		return;
	free(m->identifier);
	free(m->sender);
	for (i = 0; i < m->nrefs; i++) {
		free(m->refs[i].sender);
		free(m->refs[i].identifier);
	}
	free(m->refs);
	for (i = 0; i < m->ninfos; i++) {
		struct cap_info *f = &m->infos[i];

		free(f->language);
		free(f->event);
		free(f->headline);
		free(f->description);
		free(f->instruction);
	}
	free(m->infos);
	geoarea_release(&m->area);
	strbuf_release(&m->no_area);
	cap_message_init(m);
}

int cap_parse(struct cap_message *m, const char *xml, size_t len,
	      struct strbuf *err)
{
	struct reader rd;
	struct strbuf area_err = STRBUF_INIT;
	const xmlNode *root, *n;
	xmlDoc *doc;
	size_t alloc = 0;
	int rc = HW_EINPUT;

	memset(&rd, 0, sizeof(rd));
	rd.err = err;
	doc = xmldoc_read(xml, len, "the message", err);
	if (!doc)
		goto out;
	root = xmlDocGetRootElement(doc);
	if ((rc = read_root(&rd, root, m)) || (rc = read_header(&rd, root, m)))
		goto out;
	for (n = root->children; n && !rc; n = n->next) {
		if (!is_cap(&rd, n, "info"))
			continue;
		ALLOC_GROW(m->infos, m->ninfos + 1, alloc);
		memset(&m->infos[m->ninfos], 0, sizeof(m->infos[0]));
		m->ninfos++;
		rc = read_info(&rd, n, m->ninfos - 1, &m->infos[m->ninfos - 1]);
	}
	if (rc)
		goto out;
	/* The shapes, read by the one CAP area reader there is, from the
	 * document already parsed. A message
	 * that gives none is fine here; one that gives a bad one is not. */
	if (geoarea_read_cap(&m->area, root, &area_err)) {
		if (has_shapes(&rd, root)) {
			strbuf_addbuf(err, &area_err);
			rc = HW_EINPUT;
			goto out;
		}
		strbuf_addbuf(&m->no_area, &area_err);
	}
	rc = HW_OK;
out:
	if (rc)
		cap_message_release(m);
	xmlFreeDoc(doc);
	strbuf_release(&area_err);
	return rc;
}

const char *cap_max_severity(const struct cap_message *m)
{
	size_t i, k, best = ARRAY_SIZE(severities);

	for (i = 0; i < m->ninfos; i++)
		for (k = 0; severities[k]; k++)
			if (m->infos[i].severity == severities[k] && k < best)
				best = k;
	return best < ARRAY_SIZE(severities) - 1 ? severities[best] : NULL;
}

/* ---- Feeds ---- */

#define ATOM_NS "http://www.w3.org/2005/Atom"

static bool is_el(const xmlNode *n, const char *ns, const char *name)
{
	if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name))
		return false;
	if (!ns)
		return !n->ns;
	return n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns);
}

/* Does a MIME type name CAP ("application/cap+xml", "text/cap"...)? */
static bool cap_type(const xmlChar *type)
{
	return type && strcasestr((const char *)type, "cap");
}

/* Resolve `href` against `base` and add it to the list. */
static void add_link(const xmlChar *href, const char *base, char ***urls,
		     size_t *n, size_t *alloc)
{
	xmlChar *abs;
	char *trimmed;
	const char *s = (const char *)href;
	size_t len;

	while (is_space(*s))
		s++;
	len = strlen(s);
	while (len && is_space(s[len - 1]))
		len--;
	if (!len)
		return;
	trimmed = xstrndup(s, len);
	abs = xmlBuildURI((const xmlChar *)trimmed, (const xmlChar *)base);
	ALLOC_GROW(*urls, *n + 1, *alloc);
	(*urls)[(*n)++] = xstrdup(abs ? (const char *)abs : trimmed);
	xmlFree(abs);
	free(trimmed);
}

static void atom_entry(const xmlNode *entry, const char *base, char ***urls,
		       size_t *n, size_t *alloc)
{
	const xmlNode *k, *best = NULL;
	int best_rank = 0;

	for (k = entry->children; k; k = k->next) {
		xmlChar *type, *rel;
		int rank;

		if (!is_el(k, ATOM_NS, "link") || !xmlHasProp(k, (const xmlChar *)"href"))
			continue;
		type = xmlGetProp(k, (const xmlChar *)"type");
		rel = xmlGetProp(k, (const xmlChar *)"rel");
		rank = cap_type(type) ? 3 :
		       (!rel || !strcmp((const char *)rel, "alternate")) ? 2 : 1;
		if (rank > best_rank) {
			best = k;
			best_rank = rank;
		}
		xmlFree(type);
		xmlFree(rel);
	}
	if (best) {
		xmlChar *href = xmlGetProp(best, (const xmlChar *)"href");

		add_link(href, base, urls, n, alloc);
		xmlFree(href);
	}
}

static void rss_item(const xmlNode *item, const char *base, char ***urls,
		     size_t *n, size_t *alloc)
{
	const xmlNode *k;
	xmlChar *href = NULL;

	for (k = item->children; k && !href; k = k->next) {
		xmlChar *type;

		if (!is_el(k, NULL, "enclosure"))
			continue;
		type = xmlGetProp(k, (const xmlChar *)"type");
		if (cap_type(type))
			href = xmlGetProp(k, (const xmlChar *)"url");
		xmlFree(type);
	}
	for (k = item->children; k && !href; k = k->next)
		if (is_el(k, NULL, "link"))
			href = xmlNodeGetContent(k);
	if (href)
		add_link(href, base, urls, n, alloc);
	xmlFree(href);
}

int cap_feed_links(const char *xml, size_t len, const char *base,
		   char ***urls, size_t *n, struct strbuf *err)
{
	struct reader rd;
	const xmlNode *root, *k, *ch;
	xmlDoc *doc;
	size_t alloc = 0;
	int rc = HW_OK;

	*urls = NULL;
	*n = 0;
	memset(&rd, 0, sizeof(rd));
	rd.err = err;
	doc = xmldoc_read(xml, len, "the feed", err);
	if (!doc) {
		rc = HW_EINPUT;
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (root && is_el(root, ATOM_NS, "feed")) {
		for (k = root->children; k; k = k->next)
			if (is_el(k, ATOM_NS, "entry"))
				atom_entry(k, base, urls, n, &alloc);
	} else if (root && is_el(root, NULL, "rss")) {
		for (ch = root->children; ch; ch = ch->next)
			if (is_el(ch, NULL, "channel"))
				for (k = ch->children; k; k = k->next)
					if (is_el(k, NULL, "item"))
						rss_item(k, base, urls, n, &alloc);
	} else {
		strbuf_addstr(err, "the document is not an Atom feed (<feed> in "
			      ATOM_NS ") or an RSS 2.0 one (<rss>)");
		rc = HW_EINPUT;
	}
out:
	xmlFreeDoc(doc);
	return rc;
}

void cap_feed_links_free(char **urls, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(urls[i]);
	free(urls);
}
