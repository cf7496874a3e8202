/*
 * template.h: the texts of crisis messages, per template and language,
 * and the arithmetic of SMS segments.
 *
 * Templates are real files, src/templates/NAME.LANG.txt, embedded in the
 * binary (builtin.h). Each has a few header lines (subject, name,
 * instructions, sms-instructions) and two bodies, [email] and [sms], with
 * the variables {name}, {incident}, {link} and {instructions};
 * alert.en.txt documents the format. They are parsed once, on first use,
 * into segments so that rendering a million messages is concatenation.
 *
 * The language of a message is the person's `language` column ("fr",
 * "zh-CN"): its first two letters choose the file, and English is the
 * fallback when there is no file in that language.
 *
 * Everything here is thread-safe: the parsed templates are read-only
 * after the first call.
 */
#ifndef HW_TEMPLATE_H
#define HW_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf;
struct template; /* opaque, static storage */

/* The values of one message's variables (UTF-8). NULL or "" for name
 * and instructions means the template's own wording. */
struct template_vars {
	const char *name;
	const char *incident;
	const char *link;
	const char *instructions;
};

/*
 * The template `name` for `language` (NULL, "", "fr", "zh-CN"...): the
 * file NAME.LL.txt for the first two letters, lower-cased, else
 * NAME.en.txt. NULL when there is no template of that name at all (or the
 * embedded files are malformed, which the unit tests rule out). The
 * result lives as long as the process.
 */
const struct template *template_find(const char *name, const char *language);

/* Is there a template called `name` (in English at least)? */
bool template_exists(const char *name);

/* The two-letter language of a found template ("en" after a fallback). */
const char *template_language(const struct template *t);

/* Append the rendered subject / email body to `out`. */
void template_subject(const struct template *t, const struct template_vars *v,
		      struct strbuf *out);
void template_email(const struct template *t, const struct template_vars *v,
		    struct strbuf *out);

/*
 * Append the rendered SMS text to `out`, made to fit in `max_segments`
 * (1..10) segments: when it does not, the instructions are cut first (at
 * a word if one is near, with "..."), then the incident's title, then the
 * name; the link is never cut. If even that does not fit (the text
 * around the link, or the link, is longer than the limit: a Chinese alert
 * needs two segments at least), the text goes without its instructions,
 * over-long, and false comes back.
 */
bool template_sms(const struct template *t, const struct template_vars *v,
		  unsigned max_segments, struct strbuf *out);

/*
 * SMS arithmetic. A text is GSM-7 when every character is in the GSM
 * 03.38 alphabet (its extension characters, such as '{' or the euro
 * sign, take two septets); otherwise it is sent as UCS-2, counted in
 * UTF-16 code units. One segment holds 160 septets or 70 units; a
 * longer message is split into segments of 153 or 67 (the rest carries
 * the concatenation header).
 */
struct sms_size {
	bool gsm7;
	size_t units;     /* septets (GSM-7) or UTF-16 code units (UCS-2) */
	unsigned segments;
};
void sms_measure(const char *text, size_t len, struct sms_size *out);

/* The most units `segments` segments hold in the encoding. */
size_t sms_capacity(bool gsm7, unsigned segments);

#endif
