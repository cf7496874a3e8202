/*
 * html.c: the escaping HTML writer of html.h. The format string is walked
 * here rather than handed to vsnprintf, because only this walk knows
 * which pieces are arguments (escaped) and which are the literal markup.
 */
#include "core/homeward.h"
#include "http/html.h"

static void add_escaped(struct strbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		switch (s[i]) {
		case '&': strbuf_addstr(out, "&amp;"); break;
		case '<': strbuf_addstr(out, "&lt;"); break;
		case '>': strbuf_addstr(out, "&gt;"); break;
		case '"': strbuf_addstr(out, "&quot;"); break;
		case '\'': strbuf_addstr(out, "&#39;"); break;
		default: strbuf_addch(out, s[i]); break;
		}
	}
}

void html_add_text(struct strbuf *out, const char *text)
{
	add_escaped(out, text ? text : "", (size_t)-1);
}

void html_add_unescaped(struct strbuf *out, const char *markup)
{
	strbuf_addstr(out, markup);
}

/* Which C type a numeric conversion reads, by its length modifier. */
enum width { W_INT, W_LONG, W_LLONG, W_SIZE, W_INTMAX };

void html_vaddf(struct strbuf *out, const char *fmt, va_list ap)
{
	const char *p = fmt;

	while (*p) {
		const char *start = p, *pct = strchr(p, '%');
		char spec[48];
		size_t k = 0;
		int prec = -1;
		enum width w = W_INT;

		if (!pct) {
			strbuf_addstr(out, p);
			return;
		}
		strbuf_add(out, start, (size_t)(pct - start));
		p = pct + 1;
		if (*p == '%') {
			strbuf_addch(out, '%');
			p++;
			continue;
		}
		spec[k++] = '%';
		/* Flags, a field width and a precision, for numbers ("%02d",
		 * "%*d", "%.3d"); the precision of %s is a length in bytes. */
		while (*p && strchr("-+ 0#", *p) && k < 8)
			spec[k++] = *p++;
		if (*p == '*') {
			k += (size_t)snprintf(spec + k, sizeof(spec) - k, "%d", va_arg(ap, int));
			p++;
		}
		while (*p >= '0' && *p <= '9' && k < 16)
			spec[k++] = *p++;
		if (*p == '.') {
			p++;
			if (*p == '*') {
				prec = va_arg(ap, int);
				p++;
			} else {
				prec = 0;
				while (*p >= '0' && *p <= '9')
					prec = prec * 10 + (*p++ - '0');
			}
			char conv = p[strspn(p, "hlzj")];

			if (prec >= 0 && conv && strchr("diuxX", conv))
				k += (size_t)snprintf(spec + k, sizeof(spec) - k, ".%d", prec);
		}
		if (*p == 'h') {
			p++;
			if (*p == 'h')
				p++;
		} else if (*p == 'l') {
			p++;
			w = W_LONG;
			if (*p == 'l') {
				p++;
				w = W_LLONG;
			}
		} else if (*p == 'z') {
			p++;
			w = W_SIZE;
		} else if (*p == 'j') {
			p++;
			w = W_INTMAX;
		}
		switch (*p) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			add_escaped(out, s ? s : "", prec < 0 ? (size_t)-1 : (size_t)prec);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			add_escaped(out, &c, 1);
			break;
		}
		case 'd': case 'i': case 'u': case 'x': case 'X': {
			const char *mod = w == W_LONG ? "l" : w == W_LLONG ? "ll"
					  : w == W_SIZE ? "z" : w == W_INTMAX ? "j" : "";
			bool sgn = *p == 'd' || *p == 'i';

			k += (size_t)snprintf(spec + k, sizeof(spec) - k, "%s%c", mod, *p);
			switch (w) {
			case W_INT:
				if (sgn)
					strbuf_addf(out, spec, va_arg(ap, int));
				else
					strbuf_addf(out, spec, va_arg(ap, unsigned));
				break;
			case W_LONG:
				if (sgn)
					strbuf_addf(out, spec, va_arg(ap, long));
				else
					strbuf_addf(out, spec, va_arg(ap, unsigned long));
				break;
			case W_LLONG:
				if (sgn)
					strbuf_addf(out, spec, va_arg(ap, long long));
				else
					strbuf_addf(out, spec, va_arg(ap, unsigned long long));
				break;
			case W_SIZE:
				strbuf_addf(out, spec, va_arg(ap, size_t));
				break;
			case W_INTMAX:
				strbuf_addf(out, spec, va_arg(ap, intmax_t));
				break;
			}
			break;
		}
		default:
			/* %n, %p, %f...: not for markup. */
			abort();
		}
		p++;
	}
}

void html_addf(struct strbuf *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	html_vaddf(out, fmt, ap);
	va_end(ap);
}
