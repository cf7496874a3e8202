/*
 * html.h: the one way the server writes HTML (the check-in pages now, the
 * citizen pages later).
 *
 * html_addf() is printf for markup: its format is the page's markup, a
 * string literal the compiler checks, and every %s and %c argument is
 * escaped for text and for attribute values alike (& < > " '), so that
 * text from outside (a name, a note, an incident's title) can never close
 * an attribute or open a tag. Numbers (%d, %u, %ld, %lld, %zu, PRId64...)
 * need no escaping. Markup that is not a literal is added only with
 * html_add_unescaped(), whose name says what it does; give it only the
 * output of another html_ writer.
 *
 * Not thread-safe per buffer (a strbuf belongs to one thread).
 */
#ifndef HW_HTML_H
#define HW_HTML_H

#include <stdarg.h>

struct strbuf;

/* Append `fmt`, a markup literal, with its arguments: %s and %c escaped
 * (a precision on %s is a length in bytes), %% a percent sign, numbers
 * (d i u x X, with flags, widths including *, precisions and the h l ll z
 * j sizes) as printf writes them. A conversion the writer does not know
 * (%n, %p, floating point) is a broken invariant: abort. */
void html_addf(struct strbuf *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void html_vaddf(struct strbuf *out, const char *fmt, va_list ap);

/* Append `text` escaped (the same as html_addf(out, "%s", text)). */
void html_add_text(struct strbuf *out, const char *text);

/* Append `markup` as it is: only ever the output of an html_ writer. */
void html_add_unescaped(struct strbuf *out, const char *markup);

#endif
