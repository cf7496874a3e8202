/*
 * template.c: parsing the embedded message templates once, rendering
 * them, and fitting text messages into their segments (template.h).
 *
 * A template file is read into segments, each either a run of literal
 * text (pointing into the embedded file, which lives as long as the
 * process) or a variable; rendering appends segment after segment, which
 * is what lets `homeward notify` render a million messages a second.
 */
#include "core/homeward.h"
#include "crisis/template.h"

#include <pthread.h>

#include "core/builtin.h"

/* Variables, in the order an over-long SMS gives them up. */
enum tvar { TV_INSTRUCTIONS, TV_INCIDENT, TV_NAME, TV_LINK, TV_COUNT, TV_NONE = -1 };

static const char *const var_names[TV_COUNT] = {
	[TV_INSTRUCTIONS] = "instructions",
	[TV_INCIDENT] = "incident",
	[TV_NAME] = "name",
	[TV_LINK] = "link",
};

struct tseg {
	const char *text;   /* literal text, or NULL for a variable */
	size_t len;
	enum tvar var;
};

/* One text with variables: a subject, a body. */
struct tpart {
	struct tseg *segs;
	size_t n;
};

struct template {
	char name[32];
	char lang[3];
	struct tpart subject, email, sms;
	const char *name_word;          /* "traveller": for a person without a name */
	size_t name_word_len;
	const char *instructions, *sms_instructions;
	size_t instructions_len, sms_instructions_len;
};

#define MAX_TEMPLATES 64

static struct template templates[MAX_TEMPLATES];
static size_t ntemplates;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* ---- Parsing ---- */

static void part_add(struct tpart *p, const char *text, size_t len, enum tvar var)
{
	if (text && !len)
		return;
	p->segs = xrealloc(p->segs, (p->n + 1) * sizeof(*p->segs));
	p->segs[p->n++] = (struct tseg){ text, len, var };
}

/* Split [s, s+len) into literal runs and {variables}. An unknown {word}
 * stays literal text. */
static void part_parse(struct tpart *p, const char *s, size_t len)
{
	const char *end = s + len, *lit = s, *q = s;

	while (q < end) {
		const char *close;
		if (*q != '{' || !(close = memchr(q, '}', (size_t)(end - q)))) {
			q++;
			continue;
		}
		int var = TV_NONE;
		for (int v = 0; v < TV_COUNT; v++) {
			size_t n = strlen(var_names[v]);
			if ((size_t)(close - q - 1) == n && !memcmp(q + 1, var_names[v], n))
				var = v;
		}
		if (var == TV_NONE) {
			q++;
			continue;
		}
		part_add(p, lit, (size_t)(q - lit), TV_NONE);
		part_add(p, NULL, 0, (enum tvar)var);
		lit = q = close + 1;
	}
	part_add(p, lit, (size_t)(end - lit), TV_NONE);
}

/* A line of the header: "key: value". */
static bool header_value(const char *line, size_t len, const char *key,
			 const char **val, size_t *vlen)
{
	size_t k = strlen(key);

	if (len < k + 1 || memcmp(line, key, k) || line[k] != ':')
		return false;
	line += k + 1;
	len -= k + 1;
	while (len && *line == ' ')
		line++, len--;
	*val = line;
	*vlen = len;
	return true;
}

/* The length of a body without its last newlines: an e-mail gets one
 * back when rendered, an SMS none. */
static size_t body_end(const char *start, const char *end)
{
	while (end > start && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	return (size_t)(end - start);
}

/* Parse one embedded file "templates/NAME.LL.txt". */
static int parse_file(const struct builtin_file *f, void *arg)
{
	const char *base = f->name + strlen("templates/");
	const char *dot = strchr(base, '.');
	const char *p = f->data, *end = f->data + f->size;
	struct template *t;
	struct tpart *body = NULL;
	const char *body_start = NULL;

	(void)arg;
	if (!dot || (size_t)(dot - base) >= sizeof(t->name) || strlen(dot) != 7 ||
	    strcmp(dot + 3, ".txt") || ntemplates == MAX_TEMPLATES)
		return 0;
	t = &templates[ntemplates];
	memset(t, 0, sizeof(*t));
	memcpy(t->name, base, (size_t)(dot - base));
	memcpy(t->lang, dot + 1, 2);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t len = (size_t)(eol - p);
		const char *v;
		size_t vlen;
		struct tpart *next = NULL;

		if (len == 7 && !memcmp(p, "[email]", 7))
			next = &t->email;
		else if (len == 5 && !memcmp(p, "[sms]", 5))
			next = &t->sms;
		if (next) {
			if (body)
				part_parse(body, body_start, body_end(body_start, p));
			body = next;
			body_start = nl ? nl + 1 : end;
		} else if (!body) {
			if (header_value(p, len, "subject", &v, &vlen))
				part_parse(&t->subject, v, vlen);
			else if (header_value(p, len, "name", &v, &vlen))
				t->name_word = v, t->name_word_len = vlen;
			else if (header_value(p, len, "instructions", &v, &vlen))
				t->instructions = v, t->instructions_len = vlen;
			else if (header_value(p, len, "sms-instructions", &v, &vlen))
				t->sms_instructions = v, t->sms_instructions_len = vlen;
		}
		p = nl ? nl + 1 : end;
	}
	if (body)
		part_parse(body, body_start, body_end(body_start, end));
	if (!t->subject.n || !t->email.n || !t->sms.n)
		return 0;  /* malformed: left out (the unit tests load them all) */
	if (!t->sms_instructions)
		t->sms_instructions = t->instructions,
		t->sms_instructions_len = t->instructions_len;
	ntemplates++;
	return 0;
}

static void load(void)
{
	builtin_each("templates/", parse_file, NULL);
}

/* ---- Lookup ---- */

const struct template *template_find(const char *name, const char *language)
{
	char lang[3] = "en";
	const struct template *fallback = NULL;

	pthread_once(&once, load);
	if (language && language[0] && language[1]) {
		lang[0] = (char)(language[0] | 0x20);
		lang[1] = (char)(language[1] | 0x20);
	}
	for (size_t i = 0; i < ntemplates; i++) {
		if (strcmp(templates[i].name, name))
			continue;
		if (!memcmp(templates[i].lang, lang, 2))
			return &templates[i];
		if (!memcmp(templates[i].lang, "en", 2))
			fallback = &templates[i];
	}
	return fallback;
}

bool template_exists(const char *name)
{
	return template_find(name, "en") != NULL;
}

const char *template_language(const struct template *t)
{
	return t->lang;
}

/* ---- Rendering ---- */

/* The value of each variable for a text of `t`; `sms` picks the short
 * instructions. */
static void resolve(const struct template *t, const struct template_vars *v,
		    bool sms, const char *val[TV_COUNT], size_t len[TV_COUNT])
{
	val[TV_NAME] = v->name && *v->name ? v->name : t->name_word;
	len[TV_NAME] = v->name && *v->name ? strlen(v->name) : t->name_word_len;
	val[TV_INCIDENT] = v->incident ? v->incident : "";
	len[TV_INCIDENT] = strlen(val[TV_INCIDENT]);
	val[TV_LINK] = v->link ? v->link : "";
	len[TV_LINK] = strlen(val[TV_LINK]);
	if (v->instructions && *v->instructions) {
		val[TV_INSTRUCTIONS] = v->instructions;
		len[TV_INSTRUCTIONS] = strlen(v->instructions);
	} else if (sms) {
		val[TV_INSTRUCTIONS] = t->sms_instructions;
		len[TV_INSTRUCTIONS] = t->sms_instructions_len;
	} else {
		val[TV_INSTRUCTIONS] = t->instructions;
		len[TV_INSTRUCTIONS] = t->instructions_len;
	}
	for (int i = 0; i < TV_COUNT; i++)
		if (!val[i])
			val[i] = "", len[i] = 0;
}

static void render(const struct tpart *p, const char *const val[TV_COUNT],
		   const size_t len[TV_COUNT], struct strbuf *out)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct tseg *s = &p->segs[i];
		if (s->text)
			strbuf_add(out, s->text, s->len);
		else
			strbuf_add(out, val[s->var], len[s->var]);
	}
}

void template_subject(const struct template *t, const struct template_vars *v,
		      struct strbuf *out)
{
	const char *val[TV_COUNT];
	size_t len[TV_COUNT];

	resolve(t, v, false, val, len);
	render(&t->subject, val, len, out);
}

void template_email(const struct template *t, const struct template_vars *v,
		    struct strbuf *out)
{
	const char *val[TV_COUNT];
	size_t len[TV_COUNT];

	resolve(t, v, false, val, len);
	render(&t->email, val, len, out);
	strbuf_addch(out, '\n');
}

/* ---- SMS segments ---- */

/* Decode one UTF-8 character at s (len > 0): its code point, or U+FFFD
 * for a malformed byte; *adv gets its length. */
static uint32_t utf8_next(const unsigned char *s, size_t len, size_t *adv)
{
	uint32_t c = s[0];
	size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
		 : (c & 0xF8) == 0xF0 ? 4 : 0;

	if (!n || n > len) {
		*adv = 1;
		return 0xFFFD;
	}
	if (n > 1)
		c &= 0xFF >> (n + 1);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*adv = 1;
			return 0xFFFD;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*adv = n;
	return c;
}

/* The characters of the GSM 03.38 basic set beyond ASCII, sorted. */
static const uint16_t gsm_basic_high[] = {
	0x00A1, 0x00A3, 0x00A4, 0x00A5, 0x00A7, 0x00BF, 0x00C4, 0x00C5, 0x00C6,
	0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00D8, 0x00DC, 0x00DF, 0x00E0, 0x00E4,
	0x00E5, 0x00E6, 0x00E8, 0x00E9, 0x00EC, 0x00F1, 0x00F2, 0x00F6, 0x00F8,
	0x00F9, 0x00FC, 0x0393, 0x0394, 0x0398, 0x039B, 0x039E, 0x03A0, 0x03A3,
	0x03A6, 0x03A8, 0x03A9,
};

/* Septets of each ASCII character in GSM-7: the printable ones and line
 * ends take one, except the backtick (none) and those of the extension
 * table, which take two (an escape and the character), as does form feed. */
static const unsigned char gsm_ascii[128] = {
	['\n'] = 1, ['\r'] = 1, [0x0C] = 2,
	[' '] = 1, ['!'] = 1, ['"'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1,
	['\''] = 1, ['('] = 1, [')'] = 1, ['*'] = 1, ['+'] = 1, [','] = 1, ['-'] = 1,
	['.'] = 1, ['/'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, [':'] = 1, [';'] = 1,
	['<'] = 1, ['='] = 1, ['>'] = 1, ['?'] = 1, ['@'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
	['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
	['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['['] = 2, ['\\'] = 2, [']'] = 2, ['^'] = 2, ['_'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
	['{'] = 2, ['|'] = 2, ['}'] = 2, ['~'] = 2,
};

/* Septets of code point c in GSM-7: 1, 2 (the extension table), or 0 when
 * it has none. */
static unsigned gsm_septets(uint32_t c)
{
	size_t lo = 0, hi = ARRAY_SIZE(gsm_basic_high);

	if (c < 0x80)
		return gsm_ascii[c];
	if (c == 0x20AC)
		return 2;
	if (c > 0x03A9)
		return 0;  /* beyond the table: CJK, Arabic... */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (gsm_basic_high[mid] == c)
			return 1;
		if (gsm_basic_high[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Units of c in the encoding. */
static unsigned char_units(uint32_t c, bool gsm7)
{
	if (gsm7)
		return gsm_septets(c);
	return c > 0xFFFF ? 2 : 1;
}

size_t sms_capacity(bool gsm7, unsigned segments)
{
	if (segments <= 1)
		return gsm7 ? 160 : 70;
	return (size_t)segments * (gsm7 ? 153 : 67);
}

void sms_measure(const char *text, size_t len, struct sms_size *out)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i, adv, septets = 0, utf16 = 0;
	bool gsm7 = true;

	for (i = 0; i < len; i += adv) {
		uint32_t c;
		unsigned g;
		if (s[i] < 0x80) {
			/* ASCII: no decoding. */
			adv = 1;
			g = gsm_septets(s[i]);
			gsm7 &= g != 0;
			septets += g;
			utf16++;
			continue;
		}
		c = utf8_next(s + i, len - i, &adv);
		g = gsm_septets(c);
		if (!g)
			gsm7 = false;
		septets += g;
		utf16 += c > 0xFFFF ? 2 : 1;
	}
	out->gsm7 = gsm7;
	out->units = gsm7 ? septets : utf16;
	if (out->units <= sms_capacity(gsm7, 1))
		out->segments = out->units ? 1 : 0;
	else
		out->segments = (unsigned)((out->units + (gsm7 ? 152 : 66)) / (gsm7 ? 153 : 67));
}

/* Units of [s, s+len) in the encoding. */
static size_t units_of(const char *s, size_t len, bool gsm7)
{
	size_t i, adv, n = 0;

	for (i = 0; i < len; i += adv)
		n += char_units(utf8_next((const unsigned char *)s + i, len - i, &adv), gsm7);
	return n;
}

/* The length in bytes of the longest prefix of [s, s+len) that takes at
 * most `budget` units, cut at a word when one ends in its second half. */
static size_t cut_to(const char *s, size_t len, size_t budget, bool gsm7)
{
	size_t i = 0, adv, used = 0, last_space = 0;

	while (i < len) {
		uint32_t c = utf8_next((const unsigned char *)s + i, len - i, &adv);
		unsigned u = char_units(c, gsm7);
		if (used + u > budget)
			break;
		if (c == ' ')
			last_space = i;
		used += u;
		i += adv;
	}
	if (i < len && last_space > i / 2)
		i = last_space;
	/* No stop or comma before the "..." that follows. */
	while (i && strchr(" .,;:", s[i - 1]))
		i--;
	return i;
}

static void render_sms(const struct template *t, const char *const val[TV_COUNT],
		       const size_t len[TV_COUNT], struct strbuf *out, size_t start)
{
	strbuf_setlen(out, start);
	render(&t->sms, val, len, out);
	strbuf_rtrim(out);
	if (out->len < start)
		strbuf_setlen(out, start);
}

bool template_sms(const struct template *t, const struct template_vars *v,
		  unsigned max_segments, struct strbuf *out)
{
	const char *val[TV_COUNT];
	size_t len[TV_COUNT], start = out->len, cap, fixed;
	struct strbuf cut = STRBUF_INIT;
	struct sms_size sz;
	bool gsm7, ok = false;

	if (max_segments < 1)
		max_segments = 1;
	if (max_segments > 10)
		max_segments = 10;
	resolve(t, v, true, val, len);
	render_sms(t, val, len, out, start);
	sms_measure(out->buf + start, out->len - start, &sz);
	if (sz.segments <= max_segments)
		return true;
	gsm7 = sz.gsm7;
	cap = sms_capacity(gsm7, max_segments);
	/* Give up the variables in order: each is first tried empty; if the
	 * rest then fits, it gets what room is left, with "..." marking the
	 * cut; if not, it stays empty and the next one is cut. */
	for (int var = TV_INSTRUCTIONS; var < TV_LINK; var++) {
		const char *keep = val[var];
		size_t keep_len = len[var], room, n;

		val[var] = "";
		len[var] = 0;
		render_sms(t, val, len, out, start);
		fixed = units_of(out->buf + start, out->len - start, gsm7);
		if (fixed > cap)
			continue;
		room = cap - fixed;
		if (room > 4) {
			n = cut_to(keep, keep_len, room - 3, gsm7);
			if (n) {
				strbuf_reset(&cut);
				strbuf_add(&cut, keep, n);
				strbuf_addstr(&cut, "...");
				val[var] = cut.buf;
				len[var] = cut.len;
			}
		}
		render_sms(t, val, len, out, start);
		sms_measure(out->buf + start, out->len - start, &sz);
		ok = sz.segments <= max_segments;
		if (!ok) {
			/* The encoding changed under the cut (it can only
			 * widen); leave the variable out. */
			val[var] = "";
			len[var] = 0;
			render_sms(t, val, len, out, start);
			sms_measure(out->buf + start, out->len - start, &sz);
			ok = sz.segments <= max_segments;
		}
		break;
	}
	if (!ok) {
		/* It cannot fit (the fixed text and the link are too long for
		 * so few segments): send the shortest text that still says
		 * what happened, without the instructions. */
		resolve(t, v, true, val, len);
		val[TV_INSTRUCTIONS] = "";
		len[TV_INSTRUCTIONS] = 0;
		render_sms(t, val, len, out, start);
	}
	strbuf_release(&cut);
	return ok;
}
