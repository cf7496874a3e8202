/*
 * xmldoc.h: reading XML that comes from outside (CAP alerts, Atom and RSS
 * feeds of them) with libxml2, hardened. No network, no DTD loading, no
 * entity substitution; a document with a DOCTYPE or an entity declaration
 * is refused outright (CAP and its feeds use neither, and entities could
 * read files or expand without bound). Thread-safe.
 */
#ifndef HW_XMLDOC_H
#define HW_XMLDOC_H

#include <stddef.h>

#include <libxml/tree.h>

struct strbuf;

/*
 * Parse `xml[0 .. len)`. On success the document, which the caller frees
 * with xmlFreeDoc(). On failure NULL, with one line in `err` naming the
 * document as `what` ("the alert", "the message", "the feed"): "WHAT is
 * empty", "WHAT is too large", "WHAT has a DOCTYPE, ...", or the parser's
 * first error with its line and column ("line 3, column 9: invalid XML:
 * ..."), its text cleaned as strbuf_add_clean() does.
 */
xmlDoc *xmldoc_read(const char *xml, size_t len, const char *what,
		    struct strbuf *err);

#endif
