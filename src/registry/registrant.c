/*
 * registrant.c: validation and normalisation of one canonical registrant
 * CSV row (see registrant.h).
 *
 * This is the gate every registrant passes on the way into the registry, so
 * its messages are written for the consular clerk who has to fix the file:
 * they quote the value and say what a good one looks like. It is also on the
 * hot path of imports of millions of rows, so a row is checked in one pass
 * over its fields with no allocation once the registrant's store has grown
 * to the size of a typical row: normalised values are appended to that one
 * buffer and the v[] pointers are set only at the end, because appending may
 * move the buffer.
 */
#include "core/homeward.h"
#include "registry/registrant.h"
#include "core/csv.h"
#include "geo/refgeo.h"

#include <math.h>
#include <strings.h>
#include <time.h>

const char *const reg_columns[RC_COUNT] = {
	"external_id", "family_name", "given_name", "native_name", "sex",
	"date_of_birth", "nationality", "passport_no", "phone", "email",
	"language", "country", "city", "lat", "lon", "arrival", "departure",
	"purpose", "organisation", "party_id", "needs",
};

const char *const reg_purposes[] = {
	"resident", "work", "study", "tourism", "business", "family",
	"transit", "other",
};
const size_t reg_purposes_count = ARRAY_SIZE(reg_purposes);

/*
 * ISO 639-1 language codes, sorted for bsearch. The list has not changed
 * since 2009 apart from withdrawn codes, which are left out.
 */
static const char iso639_1[][3] = {
	"aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az",
	"ba", "be", "bg", "bh", "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce",
	"ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz", "ee",
	"el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
	"fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr",
	"ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is",
	"it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn",
	"ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
	"lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms",
	"mt", "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv",
	"ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu",
	"rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
	"sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta",
	"te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw",
	"ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi",
	"yo", "za", "zh", "zu",
};

/*
 * Longest accepted value of each column after trimming. Columns with a
 * syntax of their own get room beyond it, so that a wrong value is told
 * what is wrong with it rather than only that it is long.
 */
static const uint16_t col_max[RC_COUNT] = {
	[RC_EXTERNAL_ID] = 100, [RC_FAMILY_NAME] = 200, [RC_GIVEN_NAME] = 200,
	[RC_NATIVE_NAME] = 200, [RC_SEX] = 100, [RC_DATE_OF_BIRTH] = 100,
	[RC_NATIONALITY] = 100, [RC_PASSPORT_NO] = 100, [RC_PHONE] = 100,
	[RC_EMAIL] = 254, [RC_LANGUAGE] = 100, [RC_COUNTRY] = 100,
	[RC_CITY] = 200, [RC_LAT] = 100, [RC_LON] = 100, [RC_ARRIVAL] = 100,
	[RC_DEPARTURE] = 100, [RC_PURPOSE] = 100, [RC_ORGANISATION] = 200,
	[RC_PARTY_ID] = 100, [RC_NEEDS] = 500,
};

#define ID_MAX 64
#define QUOTE_MAX 60     /* bytes of a value quoted in a message */
#define DOB_MIN_YEAR 1900
#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 2200
#define POINT_TOLERANCE_KM 30.0

/*
 * Party and needs describe the person rather than one stay: a household
 * travels together and a wheelchair user needs one wherever they are.
 */
bool reg_col_is_person(enum reg_col c)
{
	switch (c) {
	case RC_COUNTRY: case RC_CITY: case RC_LAT: case RC_LON:
	case RC_ARRIVAL: case RC_DEPARTURE: case RC_PURPOSE:
	case RC_ORGANISATION:
		return false;
	default:
		return (unsigned)c < RC_COUNT;
	}
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline char to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

static inline char to_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - ('a' - 'A')) : c;
}

/* Append "'VALUE' " followed by the printf-formatted rest of a reason. */
__attribute__((format(printf, 4, 5)))
static int bad(struct strbuf *err, const char *s, size_t len,
	       const char *fmt, ...)
{
	va_list ap;

	strbuf_add_quoted(err, s, len, QUOTE_MAX);
	strbuf_addch(err, ' ');
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
	return HW_EINPUT;
}

/* Check that a field is text: valid UTF-8 without control characters. */
static int check_text(const char *s, size_t len, struct strbuf *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;

	while (i < len) {
		if (p[i] >= 0x20 && p[i] < 0x7F) {
			i++;
			continue;
		}
		k = utf8_decode(p + i, len - i, &cp);
		if (!k) {
			strbuf_addf(err, "has bytes that are not UTF-8 text at "
				    "byte %zu (save the file as UTF-8)", i + 1);
			return HW_EINPUT;
		}
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
			strbuf_addf(err, "contains a control character "
				    "(U+%04" PRIX32 ") at byte %zu", cp, i + 1);
			return HW_EINPUT;
		}
		i += k;
	}
	return HW_OK;
}

static inline void trim(const char **s, size_t *len)
{
	while (*len && **s == ' ') {
		(*s)++;
		(*len)--;
	}
	while (*len && (*s)[*len - 1] == ' ')
		(*len)--;
}

/* [A-Za-z0-9._:-]{1,64}: the syntax of external_id and party_id. */
static int check_id(const char *s, size_t len, struct strbuf *err)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];
		if (!is_alpha(c) && !is_digit(c) && c != '.' && c != '_' &&
		    c != ':' && c != '-')
			break;
	}
	if (i < len || len > ID_MAX)
		return bad(err, s, len, "is not an identifier (1 to %d letters "
			   "A-Z, digits, '.', '_', ':' or '-')", ID_MAX);
	return HW_OK;
}

/* Check a date field against [min_year, max_year]; *days for a good one. */
static int check_date(const char *s, size_t len, int min_year, int max_year,
		      int32_t *days, struct strbuf *err)
{
	int y;

	switch (date_parse_ymd(s, len, &y, days)) {
	case DATE_FORMAT:
		return bad(err, s, len, "is not a date (YYYY-MM-DD, e.g. "
			   "1984-07-21)");
	case DATE_UNREAL:
		return bad(err, s, len, "is not a real date");
	case DATE_OK:
		break;
	}
	if (y < min_year)
		return bad(err, s, len, "is before %d", min_year);
	if (y > max_year)
		return bad(err, s, len, "is after %d", max_year);
	return HW_OK;
}

/*
 * Parse a plain decimal number ("-12.5", "3", ".25", "+7.") into millionths,
 * rounding half away from zero on the decimal digits themselves, so that the
 * stored text is the one the user would round to by hand. Returns 0, -1 if
 * it is not a plain decimal number, or 1 if it is 1000 or more in size.
 */
static int parse_micro(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	int64_t ip = 0, fp = 0;
	int nd = 0, fd = 0;
	bool neg = false, big = false, up = false;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < len && is_digit(s[i]); i++, nd++) {
		ip = ip * 10 + (s[i] - '0');
		if (ip >= 1000) {
			big = true;
			ip = 1000;
		}
	}
	if (i < len && s[i] == '.') {
		for (i++; i < len && is_digit(s[i]); i++, fd++) {
			if (fd < 6)
				fp = fp * 10 + (s[i] - '0');
			else if (fd == 6)
				up = s[i] >= '5';
		}
	}
	if (i != len || nd + fd == 0)
		return -1;
	if (big)
		return 1;
	for (; fd < 6; fd++)
		fp *= 10;
	ip = ip * 1000000 + fp + up;
	*out = neg ? -ip : ip;
	return 0;
}

/* Format millionths the canonical way; zero is "0", never "-0". */
static void add_micro(struct strbuf *out, int64_t m)
{
	char b[32];
	size_t n = sizeof(b);
	uint64_t a = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;
	uint64_t ip = a / 1000000, fp = a % 1000000;
	int k;

	if (fp) {
		for (k = 0; k < 6 && fp % 10 == 0; k++)
			fp /= 10;
		for (; k < 6; k++) {
			b[--n] = (char)('0' + fp % 10);
			fp /= 10;
		}
		b[--n] = '.';
	}
	do {
		b[--n] = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip);
	if (m < 0)
		b[--n] = '-';
	strbuf_add(out, b + n, sizeof(b) - n);
}

void reg_format_coord(struct strbuf *out, double v)
{
	assert(isfinite(v) && fabs(v) < 9e12);
	add_micro(out, llround(v * 1e6));
}

static int check_coord(const char *s, size_t len, int limit, int64_t *micro,
		       struct strbuf *err)
{
	switch (parse_micro(s, len, micro)) {
	case -1:
		if (memchr(s, ',', len))
			return bad(err, s, len, "is not a decimal number (use a "
				   "point as decimal separator, e.g. 48.8566)");
		return bad(err, s, len, "is not a decimal number (e.g. "
			   "48.8566)");
	case 1:
		return bad(err, s, len, "is out of range (-%d to %d)", limit,
			   limit);
	}
	if (*micro > (int64_t)limit * 1000000 ||
	    *micro < -(int64_t)limit * 1000000)
		return bad(err, s, len, "is out of range (-%d to %d)", limit,
			   limit);
	return HW_OK;
}

/*
 * The registrant's store is reserved before filling, and every value is
 * written into it through these two: begin gives room for `max` bytes and a
 * NUL, finish records where the value is and how long it came out.
 */
static char *put_begin(struct registrant *r, size_t max)
{
	strbuf_grow(&r->store, max + 1);
	return r->store.buf + r->store.len;
}

static void put_finish(struct registrant *r, size_t *off, size_t n)
{
	*off = r->store.len;
	r->store.buf[r->store.len + n] = '\0';
	strbuf_setlen(&r->store, r->store.len + n + 1);
}

static void put(struct registrant *r, size_t *off, const char *s, size_t n)
{
	char *d = put_begin(r, n);

	if (n)
		memcpy(d, s, n);
	put_finish(r, off, n);
}

static int check_sex(struct registrant *r, size_t *off, const char *s,
		     size_t len, struct strbuf *err)
{
	char c = len ? to_upper(s[0]) : 0;
	char w[7];
	size_t i;

	if (len == 1 && (c == 'F' || c == 'M' || c == 'X')) {
		put(r, off, &c, 1);
		return HW_OK;
	}
	if (len == 4 || len == 6) {
		for (i = 0; i < len; i++)
			w[i] = to_lower(s[i]);
		if ((len == 6 && !memcmp(w, "female", 6)) ||
		    (len == 4 && !memcmp(w, "male", 4))) {
			put(r, off, len == 6 ? "F" : "M", 1);
			return HW_OK;
		}
	}
	return bad(err, s, len, "is not a sex (F, M or X)");
}

static int check_country(struct registrant *r, size_t *off, const char *s,
			 size_t len, struct strbuf *err)
{
	char code[3];

	if (len == 2 && is_alpha(s[0]) && is_alpha(s[1])) {
		code[0] = to_upper(s[0]);
		code[1] = to_upper(s[1]);
		code[2] = '\0';
		if (refgeo_country(code)) {
			put(r, off, code, 2);
			return HW_OK;
		}
	}
	return bad(err, s, len, "is not an ISO 3166-1 alpha-2 country code "
		   "(e.g. FR)");
}

/* Upper-case `s` without spaces into `d` (room for len bytes); false if it
 * is not 5 to 20 letters A-Z and digits. */
static bool passport_norm(const char *s, size_t len, char *d, size_t *n)
{
	size_t i;

	*n = 0;
	for (i = 0; i < len; i++) {
		char c = to_upper(s[i]);
		if (c == ' ')
			continue;
		if (!is_digit(c) && !(c >= 'A' && c <= 'Z'))
			return false;
		d[(*n)++] = c;
	}
	return *n >= 5 && *n <= 20;
}

int reg_normalise_passport(const char *s, struct strbuf *out)
{
	size_t len = strlen(s), n;

	strbuf_grow(out, len);
	if (!passport_norm(s, len, out->buf + out->len, &n))
		return HW_EINPUT;
	strbuf_setlen(out, out->len + n);
	return HW_OK;
}

static int check_passport(struct registrant *r, size_t *off, const char *s,
			  size_t len, struct strbuf *err)
{
	char *d = put_begin(r, len);
	size_t n;

	if (!passport_norm(s, len, d, &n))
		return bad(err, s, len, "is not a passport number (5 to 20 "
			   "letters A-Z and digits)");
	put_finish(r, off, n);
	return HW_OK;
}

static int check_phone(struct registrant *r, size_t *off, const char *s,
		       size_t len, struct strbuf *err)
{
	char digits[16];
	char *d;
	size_t i, n = 0;

	if (len && s[0] == '+') {
		for (i = 1; i < len; i++) {
			char c = s[i];
			if (c == '(' && i + 2 < len && s[i + 1] == '0' &&
			    s[i + 2] == ')')
				return bad(err, s, len, "has a trunk prefix '(0)'; "
					   "E.164 numbers leave it out (+44 20 "
					   "7946 0000)");
			if (is_digit(c)) {
				if (n == 15) {
					n = 16;
					break;
				}
				digits[n++] = c;
			} else if (c != ' ' && c != '-' && c != '.' &&
				   c != '(' && c != ')') {
				break;
			}
		}
		if (i == len && n >= 8 && n <= 15) {
			digits[n] = '\0';
			if (refgeo_calling_code_len(digits) <= 0)
				return bad(err, s, len, "does not start with a "
					   "known country calling code");
			d = put_begin(r, n + 1);
			d[0] = '+';
			memcpy(d + 1, digits, n);
			put_finish(r, off, n + 1);
			return HW_OK;
		}
	}
	return bad(err, s, len, "is not an E.164 phone number (+ then 8 to 15 "
		   "digits)");
}

/* Characters that cannot appear unquoted in an address (RFC 5322). */
static bool email_special(char c)
{
	return c == ' ' || c == '(' || c == ')' || c == '<' || c == '>' ||
	       c == '[' || c == ']' || c == '\\' || c == ',' || c == ';' ||
	       c == ':' || c == '"' || c == '@';
}

static int check_email(struct registrant *r, size_t *off, const char *s,
		       size_t len, struct strbuf *err)
{
	const char *at = memchr(s, '@', len);
	size_t i, local, label = 0, labels = 0;
	char *d;

	if (!at || len > 254)
		goto fail;
	local = (size_t)(at - s);
	if (local == 0 || local > 64 || s[0] == '.' || s[local - 1] == '.')
		goto fail;
	for (i = 0; i < local; i++)
		if (email_special(s[i]) || (s[i] == '.' && s[i + 1] == '.'))
			goto fail;
	/* The domain: dot-separated labels of letters, digits, hyphens and
	 * non-ASCII (internationalised) characters, at least two of them. */
	for (i = local + 1; i <= len; i++) {
		char c = i < len ? s[i] : '.';
		if (c == '.') {
			if (!label || s[i - 1] == '-')
				goto fail;
			labels++;
			label = 0;
			continue;
		}
		if (c == '-') {
			if (!label)
				goto fail;
		} else if (!is_alpha(c) && !is_digit(c) &&
			   (unsigned char)c < 0x80) {
			goto fail;
		}
		label++;
	}
	if (labels < 2)
		goto fail;
	d = put_begin(r, len);
	memcpy(d, s, local + 1);
	for (i = local + 1; i < len; i++)
		d[i] = to_lower(s[i]);
	put_finish(r, off, len);
	return HW_OK;
fail:
	return bad(err, s, len, "is not an email address (name@example.org)");
}

static int cmp_lang(const void *a, const void *b)
{
	return memcmp(a, b, 2);
}

static int check_language(struct registrant *r, size_t *off, const char *s,
			  size_t len, struct strbuf *err)
{
	char code[7];
	char cc[3];
	size_t i;

	if ((len != 2 && len != 5 && len != 6) || !is_alpha(s[0]) ||
	    !is_alpha(s[1]))
		goto fail;
	code[0] = to_lower(s[0]);
	code[1] = to_lower(s[1]);
	if (!bsearch(code, iso639_1, ARRAY_SIZE(iso639_1), sizeof(iso639_1[0]),
		     cmp_lang))
		return bad(err, s, len, "is not an ISO 639-1 language code "
			   "(e.g. fr, or zh-CN with a region)");
	if (len > 2) {
		if (s[2] != '-' && s[2] != '_')
			goto fail;
		code[2] = '-';
		if (len == 5) {
			if (!is_alpha(s[3]) || !is_alpha(s[4]))
				goto fail;
			cc[0] = code[3] = to_upper(s[3]);
			cc[1] = code[4] = to_upper(s[4]);
			cc[2] = '\0';
			if (!refgeo_country(cc))
				return bad(err, s, len, "has a region that is not "
					   "a country code");
		} else {
			/* A UN M.49 area such as 419, Latin America. */
			for (i = 3; i < 6; i++) {
				if (!is_digit(s[i]))
					goto fail;
				code[i] = s[i];
			}
		}
	}
	put(r, off, code, len);
	return HW_OK;
fail:
	return bad(err, s, len, "is not a language code (ISO 639-1 such as "
		   "fr, optionally with a region: zh-CN)");
}

static int check_purpose(struct registrant *r, size_t *off, const char *s,
			 size_t len, struct strbuf *err)
{
	char w[16];
	size_t i;

	if (len < sizeof(w)) {
		for (i = 0; i < len; i++)
			w[i] = to_lower(s[i]);
		w[len] = '\0';
		for (i = 0; i < reg_purposes_count; i++) {
			if (!strcmp(w, reg_purposes[i])) {
				put(r, off, reg_purposes[i], len);
				return HW_OK;
			}
		}
	}
	bad(err, s, len, "is not a purpose (one of");
	for (i = 0; i < reg_purposes_count; i++)
		strbuf_addf(err, "%s%s", i ? ", " : " ", reg_purposes[i]);
	strbuf_addch(err, ')');
	return HW_EINPUT;
}

static int check_needs(struct registrant *r, size_t *off, const char *s,
		       size_t len, struct strbuf *err)
{
	const char *p = s, *end = s + len, *semi, *item;
	uint32_t set = 0;
	size_t i, n;
	char w[24];
	char *d;

	assert(needs_count <= 32);
	while (p < end) {
		semi = memchr(p, ';', (size_t)(end - p));
		if (!semi)
			semi = end;
		item = p;
		n = (size_t)(semi - p);
		p = semi + 1;
		trim(&item, &n);
		if (!n)
			continue;
		i = needs_count;
		if (n < sizeof(w)) {
			for (i = 0; i < n; i++)
				w[i] = to_lower(item[i]);
			w[n] = '\0';
			for (i = 0; i < needs_count; i++)
				if (!strcmp(w, needs_names[i]))
					break;
		}
		if (i == needs_count) {
			bad(err, item, n, "is not a known need (known: ");
			for (i = 0; i < needs_count; i++)
				strbuf_addf(err, "%s%s", i ? ", " : "",
					    needs_names[i]);
			strbuf_addch(err, ')');
			return HW_EINPUT;
		}
		set |= (uint32_t)1 << i;
	}
	/* The canonical list is never longer than the input it came from. */
	d = put_begin(r, len);
	n = 0;
	for (i = 0; i < needs_count; i++) {
		size_t k;
		if (!(set & ((uint32_t)1 << i)))
			continue;
		if (n)
			d[n++] = ';';
		k = strlen(needs_names[i]);
		memcpy(d + n, needs_names[i], k);
		n += k;
	}
	put_finish(r, off, n);
	return HW_OK;
}

static int32_t today(void)
{
	return (int32_t)(time(NULL) / 86400);
}

/* Leave a rejected registrant empty rather than half-filled. */
static void clear_values(struct registrant *r)
{
	size_t c;

	for (c = 0; c < RC_COUNT; c++) {
		r->v[c] = "";
		r->len[c] = 0;
	}
	r->has_point = false;
	r->lat = r->lon = 0;
	r->date_of_birth = r->arrival = r->departure = DATE_NONE;
}

void registrant_init(struct registrant *r)
{
	clear_values(r);
	strbuf_init(&r->store, 0);
}

void registrant_release(struct registrant *r)
{
	if (!r)
		return;
	strbuf_release(&r->store);
	clear_values(r);
}

/*
 * Check the non-empty, trimmed value `s` of column `c` and append its
 * normalised form to the registrant's store (*off: where it starts). Dates
 * also come back in *days and coordinates in *micro (either may be NULL
 * for the columns that do not use it). Rules between columns are the
 * caller's. This is the one place a column's rule is written, for the rows
 * of a file and the single values of the API (reg_check_value) alike.
 */
static int check_column(struct registrant *r, size_t c, const char *s,
			size_t len, size_t *off, int64_t *micro, int32_t *days,
			struct strbuf *err)
{
	int64_t m = 0;
	int32_t d = DATE_NONE;
	int rc;

	switch (c) {
	case RC_EXTERNAL_ID:
	case RC_PARTY_ID:
		rc = check_id(s, len, err);
		if (!rc)
			put(r, off, s, len);
		return rc;
	case RC_FAMILY_NAME: case RC_GIVEN_NAME: case RC_NATIVE_NAME:
	case RC_CITY: case RC_ORGANISATION:
		put(r, off, s, len);
		return HW_OK;
	case RC_SEX:
		return check_sex(r, off, s, len, err);
	case RC_DATE_OF_BIRTH:
		rc = check_date(s, len, DOB_MIN_YEAR, 9999, &d, err);
		/* A day of slack: it may already be tomorrow where the person
		 * was born. */
		if (!rc && d > today() + 1)
			rc = bad(err, s, len, "is in the future");
		break;
	case RC_ARRIVAL:
	case RC_DEPARTURE:
		rc = check_date(s, len, DATE_MIN_YEAR, DATE_MAX_YEAR, &d, err);
		break;
	case RC_NATIONALITY: case RC_COUNTRY:
		return check_country(r, off, s, len, err);
	case RC_PASSPORT_NO:
		return check_passport(r, off, s, len, err);
	case RC_PHONE:
		return check_phone(r, off, s, len, err);
	case RC_EMAIL:
		return check_email(r, off, s, len, err);
	case RC_LANGUAGE:
		return check_language(r, off, s, len, err);
	case RC_LAT: case RC_LON:
		rc = check_coord(s, len, c == RC_LAT ? 90 : 180, &m, err);
		if (rc)
			return rc;
		*off = r->store.len;
		add_micro(&r->store, m);
		strbuf_addch(&r->store, '\0');
		if (micro)
			*micro = m;
		return HW_OK;
	case RC_PURPOSE:
		return check_purpose(r, off, s, len, err);
	case RC_NEEDS:
		return check_needs(r, off, s, len, err);
	default:
		assert(!"a column without a check");
		return HW_EINTERNAL;
	}
	/* The dates: stored as given, which is already canonical. */
	if (rc)
		return rc;
	put(r, off, s, len);
	if (days)
		*days = d;
	return HW_OK;
}

int registrant_parse(struct registrant *r, const struct reg_header *h,
		     const struct csv_record *rec, int *bad_col,
		     struct strbuf *err)
{
	size_t off[RC_COUNT];
	int64_t lat_micro = 0, lon_micro = 0;
	int32_t dob = DATE_NONE, arrival = DATE_NONE,
		departure = DATE_NONE;
	/* Where the parsed forms of the columns that have one go. */
	int64_t *const micro_of[RC_COUNT] = {
		[RC_LAT] = &lat_micro, [RC_LON] = &lon_micro,
	};
	int32_t *const days_of[RC_COUNT] = {
		[RC_DATE_OF_BIRTH] = &dob, [RC_ARRIVAL] = &arrival,
		[RC_DEPARTURE] = &departure,
	};
	const char *s;
	size_t len, c;
	int rc = HW_OK, in;

	clear_values(r);
	*bad_col = -1;
	/* Without the reference data every country would look unknown. */
	if ((rc = refgeo_load(err)))
		return rc;
	if (rec->nfields != h->nfields) {
		strbuf_addf(err, "the row has %zu field%s but the header has "
			    "%zu", rec->nfields, rec->nfields == 1 ? "" : "s",
			    h->nfields);
		return HW_EINPUT;
	}
	strbuf_reset(&r->store);
	strbuf_grow(&r->store, rec->rawlen + 2 * RC_COUNT + 64);

	for (c = 0; c < RC_COUNT; c++) {
		assert(h->map[c] >= 0 && (size_t)h->map[c] < rec->nfields);
		s = rec->fields[h->map[c]].s;
		len = rec->fields[h->map[c]].len;
		trim(&s, &len);
		if (len > col_max[c]) {
			strbuf_addf(err, "is too long (%zu bytes; at most %u)",
				    len, (unsigned)col_max[c]);
			rc = HW_EINPUT;
			goto out;
		}
		if ((rc = check_text(s, len, err)))
			goto out;
		if (!len) {
			switch (c) {
			case RC_EXTERNAL_ID: case RC_NATIONALITY:
			case RC_COUNTRY:
				strbuf_addstr(err, "a value is required");
				rc = HW_EINPUT;
				goto out;
			case RC_GIVEN_NAME:
				if (!r->store.buf[off[RC_FAMILY_NAME]]) {
					c = RC_FAMILY_NAME;
					strbuf_addstr(err, "family_name or "
						      "given_name is required");
					rc = HW_EINPUT;
					goto out;
				}
				break;
			}
			put(r, &off[c], "", 0);
			continue;
		}
		rc = check_column(r, c, s, len, &off[c], micro_of[c],
				  days_of[c], err);
		if (!rc && c == RC_DEPARTURE && arrival != DATE_NONE &&
		    departure < arrival)
			rc = bad(err, s, len, "is before the arrival date %s",
				 r->store.buf + off[RC_ARRIVAL]);
		if (rc)
			goto out;
	}

	/* Coordinates come in pairs and must lie in the row's country. */
	if (!r->store.buf[off[RC_LAT]] != !r->store.buf[off[RC_LON]]) {
		c = r->store.buf[off[RC_LAT]] ? RC_LON : RC_LAT;
		strbuf_addf(err, "%s is missing (lat and lon go together)",
			    reg_columns[c]);
		rc = HW_EINPUT;
		goto out;
	}
	if (r->store.buf[off[RC_LAT]]) {
		const char *country = r->store.buf + off[RC_COUNTRY];
		double lat = (double)lat_micro / 1e6, lon = (double)lon_micro / 1e6;
		in = refgeo_in_country(country, lat, lon, POINT_TOLERANCE_KM);
		if (in < 0) {
			strbuf_addf(err, "cannot check the point against '%s': %s",
				    country, hw_strerror(in));
			rc = in;
			goto out;
		}
		if (!in) {
			const char *other = refgeo_country_of(lat, lon);
			c = RC_LAT;
			strbuf_addf(err, "point (%s, %s) is not in '%s' (nearest "
				    "border more than %.0f km away",
				    r->store.buf + off[RC_LAT],
				    r->store.buf + off[RC_LON], country,
				    POINT_TOLERANCE_KM);
			if (other)
				strbuf_addf(err, "; the point is in '%s'", other);
			strbuf_addch(err, ')');
			rc = HW_EINPUT;
			goto out;
		}
		r->has_point = true;
		r->lat = lat;
		r->lon = lon;
	}
	for (c = 0; c < RC_COUNT; c++) {
		r->v[c] = r->store.buf + off[c];
		r->len[c] = strlen(r->v[c]);
	}
	r->date_of_birth = dob;
	r->arrival = arrival;
	r->departure = departure;
	return HW_OK;
out:
	*bad_col = (int)c;
	clear_values(r);
	return rc;
}

void registrant_write_csv(struct strbuf *out, const struct registrant *r)
{
	size_t c;

	for (c = 0; c < RC_COUNT; c++) {
		if (c)
			strbuf_addch(out, ',');
		csv_add_field(out, r->v[c], r->len[c]);
	}
	strbuf_addch(out, '\n');
}

void registrant_write_header(struct strbuf *out)
{
	size_t c;

	for (c = 0; c < RC_COUNT; c++) {
		if (c)
			strbuf_addch(out, ',');
		strbuf_addstr(out, reg_columns[c]);
	}
	strbuf_addch(out, '\n');
}

int reg_header_parse(struct reg_header *h, const struct csv_record *rec,
		     struct strbuf *err)
{
	const char *s;
	size_t i, c, len;

	for (c = 0; c < RC_COUNT; c++)
		h->map[c] = -1;
	h->nfields = rec->nfields;
	for (i = 0; i < rec->nfields; i++) {
		s = rec->fields[i].s;
		len = rec->fields[i].len;
		trim(&s, &len);
		for (c = 0; c < RC_COUNT; c++)
			if (strlen(reg_columns[c]) == len &&
			    !memcmp(reg_columns[c], s, len))
				break;
		if (c < RC_COUNT && h->map[c] >= 0) {
			strbuf_addf(err, "column %zu: '%s' appears twice (also "
				    "column %d)", i + 1, reg_columns[c],
				    h->map[c] + 1);
			return HW_EINPUT;
		}
		if (c < RC_COUNT) {
			h->map[c] = (int)i;
			continue;
		}
		strbuf_addf(err, "column %zu: ", i + 1);
		if (!len) {
			strbuf_addstr(err, "a column has no name");
			return HW_EINPUT;
		}
		strbuf_add_quoted(err, s, len, QUOTE_MAX);
		strbuf_addstr(err, " is not a registrant column");
		for (c = 0; c < RC_COUNT; c++)
			if (strlen(reg_columns[c]) == len &&
			    !strncasecmp(reg_columns[c], s, len))
				break;
		if (c < RC_COUNT)
			strbuf_addf(err, " (names are lower case: '%s')",
				    reg_columns[c]);
		return HW_EINPUT;
	}
	for (c = 0; c < RC_COUNT; c++) {
		if (h->map[c] < 0) {
			strbuf_addf(err, "column '%s' is missing", reg_columns[c]);
			return HW_EINPUT;
		}
	}
	return HW_OK;
}

/*
 * The single values of the API go through the same gate as a file's rows:
 * trimmed, held to the column's length, checked as text, then by the
 * column's own rule in check_column(). A scratch registrant gives the
 * checks the store they write into.
 */
int reg_check_value(enum reg_col c, const char *s, size_t len,
		    struct strbuf *out, struct strbuf *err)
{
	struct registrant r;
	size_t off = 0;
	int rc;

	assert((unsigned)c < RC_COUNT);
	if ((rc = refgeo_load(err)))
		return rc;
	trim(&s, &len);
	if (len > col_max[c]) {
		strbuf_addf(err, "is too long (%zu bytes; at most %u)", len,
			    (unsigned)col_max[c]);
		return HW_EINPUT;
	}
	if ((rc = check_text(s, len, err)))
		return rc;
	if (!len)
		return HW_OK;
	registrant_init(&r);
	rc = check_column(&r, c, s, len, &off, NULL, NULL, err);
	if (!rc)
		strbuf_addstr(out, r.store.buf + off);
	registrant_release(&r);
	return rc;
}

int reg_check_text(const char *s, size_t len, size_t max, struct strbuf *out,
		   struct strbuf *err)
{
	int rc;

	trim(&s, &len);
	if (len > max) {
		strbuf_addf(err, "is too long (%zu bytes; at most %zu)", len, max);
		return HW_EINPUT;
	}
	if ((rc = check_text(s, len, err)))
		return rc;
	strbuf_add(out, s, len);
	return HW_OK;
}

