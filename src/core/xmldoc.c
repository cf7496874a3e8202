/*
 * xmldoc.c: hardened XML reading (xmldoc.h). libxml2 builds the tree; its
 * SAX hooks for DOCTYPEs and entity declarations are replaced by ones that
 * stop the parse, and its error hook keeps the first error for the
 * message (later ones are mostly its echoes).
 */
#include "core/homeward.h"
#include "core/xmldoc.h"

#include <limits.h>
#include <pthread.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

struct reading {
	bool doctype;            /* met a DOCTYPE or an entity: stopped */
	struct strbuf first;     /* the parser's first error */
};

static void refuse(void *ctx)
{
	xmlParserCtxtPtr ctxt = ctx;

	((struct reading *)ctxt->_private)->doctype = true;
	xmlStopParser(ctxt);
}

static void refuse_subset(void *ctx, const xmlChar *name,
			  const xmlChar *external_id, const xmlChar *system_id)
{
	(void)name;
	(void)external_id;
	(void)system_id;
	refuse(ctx);
}

static void refuse_entity(void *ctx, const xmlChar *name, int type,
			  const xmlChar *public_id, const xmlChar *system_id,
			  xmlChar *content)
{
	(void)name;
	(void)type;
	(void)public_id;
	(void)system_id;
	(void)content;
	refuse(ctx);
}

#if LIBXML_VERSION >= 21200
static void keep_error(void *ctx, const xmlError *e)
#else
static void keep_error(void *ctx, xmlErrorPtr e)
#endif
{
	xmlParserCtxtPtr ctxt = ctx;
	struct reading *r = ctxt->_private;

	if (r->first.len || e->level < XML_ERR_ERROR)
		return;
	if (e->line > 0)
		strbuf_addf(&r->first, "line %d, column %d: ", e->line, e->int2);
	strbuf_addstr(&r->first, "invalid XML");
	if (e->message) {
		/* libxml2's messages may echo the input. */
		strbuf_addstr(&r->first, ": ");
		strbuf_add_clean(&r->first, e->message, strlen(e->message), 200);
		strbuf_rtrim(&r->first);
	}
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

xmlDoc *xmldoc_read(const char *xml, size_t len, const char *what,
		    struct strbuf *err)
{
	struct reading r = { false, STRBUF_INIT };
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc;

	pthread_once(&xml_once, xml_init);
	if (!len || len > INT_MAX) {
		strbuf_addf(err, "%s is %s", what, len ? "too large" : "empty");
		return NULL;
	}
	ctxt = xmlCreateMemoryParserCtxt(xml, (int)len);
	if (!ctxt) {
		strbuf_addstr(err, "cannot set up the XML parser");
		return NULL;
	}
	/* No network, no DTD loading, no entity substitution (no
	 * XML_PARSE_NOENT, DTDLOAD, DTDATTR, XINCLUDE or HUGE); errors are
	 * collected, not printed. */
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR |
			  XML_PARSE_NOWARNING);
	ctxt->sax->internalSubset = refuse_subset;
	ctxt->sax->externalSubset = refuse_subset;
	ctxt->sax->entityDecl = refuse_entity;
	ctxt->sax->serror = keep_error;
	ctxt->_private = &r;
	xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (r.doctype) {
		strbuf_addf(err, "%s has a DOCTYPE, which CAP does not use: "
			    "refused (entities could read files or expand "
			    "without bound)", what);
	} else if (!ctxt->wellFormed || !doc) {
		if (r.first.len)
			strbuf_addbuf(err, &r.first);
		else
			strbuf_addstr(err, "invalid XML");
	} else {
		xmlFreeParserCtxt(ctxt);
		strbuf_release(&r.first);
		return doc;
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	strbuf_release(&r.first);
	return NULL;
}
