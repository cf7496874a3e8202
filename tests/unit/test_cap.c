/*
 * Unit tests for cap.c: whole CAP messages as they arrive in the wild
 * (trailing spaces in polygons, empty polygons, several infos in several
 * languages, several areas, circles of radius 0, -00:00 offsets, CAP 1.1
 * and 1.0 namespaces, prefixed namespaces, Cancel messages without info),
 * invalid ones with the exact message users see, CAP times normalised to
 * UTC, and the links of Atom and RSS feeds.
 */
#include "core/homeward.h"
#include "interop/cap.h"

#include <setjmp.h>
#include <cmocka.h>

#define NS12 "urn:oasis:names:tc:emergency:cap:1.2"

/* A CAP 1.2 alert: HEAD elements, then the INFO blocks. */
#define ALERT(head, infos) \
	"<?xml version='1.0' encoding='UTF-8'?>\n<alert xmlns='" NS12 "'>" head infos "</alert>"
#define HEAD_X(id, sent, status, type) \
	"<identifier>" id "</identifier><sender>s@example.org</sender>" \
	"<sent>" sent "</sent><status>" status "</status>" \
	"<msgType>" type "</msgType><scope>Public</scope>"
#define HEAD HEAD_X("A-1", "2026-04-25T11:56:00+05:45", "Actual", "Alert")
#define INFO_X(lang, sev, area) \
	"<info><language>" lang "</language><category>Geo</category>" \
	"<event>Earthquake</event><urgency>Immediate</urgency>" \
	"<severity>" sev "</severity><certainty>Observed</certainty>" \
	"<headline>Quake</headline>" area "</info>"
#define POLY "<area><areaDesc>V</areaDesc><polygon>27.55,85.15 27.55,85.55 " \
	"27.85,85.55 27.85,85.15 27.55,85.15   </polygon></area>"

static int parse(struct cap_message *m, const char *xml, struct strbuf *err)
{
	cap_message_init(m);
	return cap_parse(m, xml, strlen(xml), err);
}

static void test_good(void **state)
{
	struct cap_message m;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	/* Two infos in two languages with the same polygon (trailing
	 * spaces in one): one polygon; the highest severity. */
	assert_int_equal(parse(&m, ALERT(HEAD, INFO_X("en-US", "Severe", POLY)
					 INFO_X("ne-NP", "Extreme", POLY)), &err),
			 HW_OK);
	assert_string_equal(err.buf, "");
	assert_string_equal(m.version, "1.2");
	assert_string_equal(m.identifier, "A-1");
	assert_string_equal(m.sender, "s@example.org");
	assert_string_equal(m.sent, "2026-04-25T06:11:00Z");
	assert_string_equal(m.status, "Actual");
	assert_string_equal(m.msg_type, "Alert");
	assert_string_equal(m.scope, "Public");
	assert_int_equal(m.nrefs, 0);
	assert_int_equal(m.ninfos, 2);
	assert_string_equal(m.infos[0].language, "en-US");
	assert_string_equal(m.infos[1].language, "ne-NP");
	assert_string_equal(m.infos[0].headline, "Quake");
	assert_null(m.infos[0].description);
	assert_string_equal(m.infos[0].category, "Geo");
	assert_string_equal(cap_max_severity(&m), "Extreme");
	assert_int_equal(m.area.npolygons, 1);
	assert_int_equal(m.area.ncircles, 0);
	cap_message_release(&m);

	/* Several areas: an empty polygon (ignored), a circle of radius 0,
	 * a default language, several categories, words in any case. */
	assert_int_equal(parse(&m, ALERT(HEAD_X("B-2", "2026-03-10T06:00:00-00:00",
						"exercise", "alert"),
					 "<info><category>Met</category><category>Safety</category>"
					 "<event> Flash Flood </event><urgency>Expected</urgency>"
					 "<severity>moderate</severity><certainty>Likely</certainty>"
					 "<area><areaDesc>a</areaDesc><polygon/><polygon>  </polygon></area>"
					 "<area><areaDesc>b</areaDesc><circle>25.2,55.27 0</circle></area>"
					 "</info>"), &err), HW_OK);
	assert_string_equal(m.sent, "2026-03-10T06:00:00Z");
	assert_string_equal(m.status, "Exercise");
	assert_string_equal(m.msg_type, "Alert");
	assert_string_equal(m.infos[0].language, "en-US");
	assert_string_equal(m.infos[0].event, "Flash Flood");
	assert_string_equal(m.infos[0].severity, "Moderate");
	assert_int_equal(m.infos[0].categories, (1u << 1) | (1u << 2));
	assert_int_equal(m.area.npolygons, 0);
	assert_int_equal(m.area.ncircles, 1);
	assert_true(m.area.circles[0].radius_km == GEOAREA_CAP_POINT_RADIUS_KM);
	cap_message_release(&m);

	/* CAP 1.1 with a prefix; CAP 1.0's own namespace and "Very Likely". */
	assert_int_equal(parse(&m, "<c:alert xmlns:c='urn:oasis:names:tc:emergency:cap:1.1'>"
			       "<c:identifier>C</c:identifier><c:sender>x</c:sender>"
			       "<c:sent>2026-01-01T00:30:00+01:00</c:sent><c:status>Test</c:status>"
			       "<c:msgType>Alert</c:msgType><c:scope>Restricted</c:scope>"
			       "<other xmlns='urn:x'><identifier>ignored</identifier></other>"
			       "<c:info><c:category>Health</c:category><c:event>Cholera</c:event>"
			       "<c:urgency>Future</c:urgency><c:severity>Minor</c:severity>"
			       "<c:certainty>Possible</c:certainty><c:area><c:areaDesc>x</c:areaDesc>"
			       "<c:circle>1,2 3</c:circle></c:area></c:info></c:alert>", &err),
			 HW_OK);
	assert_string_equal(m.version, "1.1");
	assert_string_equal(m.sent, "2025-12-31T23:30:00Z");
	assert_string_equal(m.identifier, "C");
	cap_message_release(&m);
	assert_int_equal(parse(&m, "<alert xmlns='http://www.incident.com/cap/1.0'>"
			       "<identifier>D</identifier><sender>x</sender>"
			       "<sent>2026-06-14T18:30:00+02:00</sent><status>Actual</status>"
			       "<msgType>Alert</msgType><scope>Public</scope>"
			       "<info><category>Security</category><event>Civil unrest</event>"
			       "<urgency>Immediate</urgency><severity>Moderate</severity>"
			       "<certainty>Very Likely</certainty><area><areaDesc>P</areaDesc>"
			       "<polygon>48.6,1.9 48.6,2.8 49.1,2.8 49.1,1.9 48.6,1.9</polygon>"
			       "</area></info></alert>", &err), HW_OK);
	assert_string_equal(m.version, "1.0");
	assert_string_equal(m.infos[0].certainty, "Likely");
	cap_message_release(&m);

	/* Empty optional elements are absent, not errors. */
	assert_int_equal(parse(&m, ALERT(HEAD, INFO_X("en", "Minor",
					 "<instruction/><description>  </description>" POLY)),
			       &err), HW_OK);
	assert_null(m.infos[0].instruction);
	assert_null(m.infos[0].description);
	cap_message_release(&m);

	/* A Cancel with references and no info: no area, and why. */
	assert_int_equal(parse(&m, ALERT(HEAD_X("E", "2026-04-26T08:00:00+05:45",
						"Actual", "Cancel")
					 "<references> s@example.org,A-1,2026-04-25T11:56:00+05:45\n"
					 "  s@example.org,A-2,2026-04-25T14:10:00+05:45 </references>", ""),
			       &err), HW_OK);
	assert_string_equal(m.msg_type, "Cancel");
	assert_int_equal(m.nrefs, 2);
	assert_string_equal(m.refs[0].sender, "s@example.org");
	assert_string_equal(m.refs[0].identifier, "A-1");
	assert_string_equal(m.refs[0].sent, "2026-04-25T06:11:00Z");
	assert_string_equal(m.refs[1].identifier, "A-2");
	assert_int_equal(m.ninfos, 0);
	assert_true(geoarea_is_empty(&m.area));
	assert_string_equal(m.no_area.buf, "the alert has no polygon or circle "
			    "(it has no <area>)");
	assert_null(cap_max_severity(&m));
	cap_message_release(&m);
	strbuf_release(&err);
}

struct bad_case {
	const char *name, *xml, *msg;
};

static void test_bad(void **state)
{
	static const struct bad_case cases[] = {
		{ "empty", "", "the message is empty" },
		{ "not xml", "<alert", NULL },
		{ "doctype", "<!DOCTYPE alert [<!ENTITY x 'y'>]><alert xmlns='" NS12 "'/>",
		  "the message has a DOCTYPE, which CAP does not use: refused "
		  "(entities could read files or expand without bound)" },
		{ "feed", "<feed xmlns='http://www.w3.org/2005/Atom'/>",
		  "the document is 'feed', not a CAP <alert>" },
		{ "no namespace", "<alert/>", "<alert> has no namespace; CAP 1.2's is " NS12 },
		{ "other namespace", "<alert xmlns='urn:x'/>", "<alert> is in namespace "
		  "'urn:x', not CAP's (urn:oasis:names:tc:emergency:cap:1.2, 1.1 or 1.0)" },
		{ "no identifier", ALERT("<sender>s</sender>", ""), "alert/identifier is missing" },
		{ "empty identifier", ALERT("<identifier> </identifier>", ""),
		  "alert/identifier is empty" },
		{ "identifier with a space", ALERT("<identifier>A 1</identifier>", ""),
		  "alert/identifier: 'A 1' holds a space, a comma or a control character, "
		  "which CAP does not allow there" },
		{ "sender with a comma", ALERT("<identifier>A</identifier><sender>a,b</sender>", ""),
		  "alert/sender: 'a,b' holds a space, a comma or a control character, "
		  "which CAP does not allow there" },
		{ "no sent", ALERT("<identifier>A</identifier><sender>s</sender>", ""),
		  "alert/sent is missing" },
		{ "sent twice", ALERT("<identifier>A</identifier><sender>s</sender>"
				      "<sent>2026-04-25T11:56:00+05:45</sent>"
				      "<sent>2026-04-25T11:56:00+05:45</sent>", ""),
		  "alert/sent is given more than once" },
		{ "sent Z", ALERT(HEAD_X("A", "2026-04-25T11:56:00Z", "Actual", "Alert"), ""),
		  "alert/sent: '2026-04-25T11:56:00Z' is not a CAP time: CAP writes UTC "
		  "as -00:00 or +00:00, not 'Z'" },
		{ "sent fraction", ALERT(HEAD_X("A", "2026-04-25T11:56:00.25+05:45", "Actual",
						"Alert"), ""),
		  "alert/sent: '2026-04-25T11:56:00.25+05:45' is not a CAP time: CAP times "
		  "have no fraction of a second" },
		{ "sent no seconds", ALERT(HEAD_X("A", "2026-04-25T11:56+05:45", "Actual",
						  "Alert"), ""),
		  "alert/sent: '2026-04-25T11:56+05:45' is not a CAP time "
		  "(YYYY-MM-DDThh:mm:ss+hh:mm, such as 2024-05-01T14:30:00-05:00)" },
		{ "sent 30 February", ALERT(HEAD_X("A", "2026-02-30T10:00:00+00:00", "Actual",
						   "Alert"), ""),
		  "alert/sent: '2026-02-30T10:00:00+00:00' is not a real date" },
		{ "bad status", ALERT(HEAD_X("A", "2026-04-25T11:56:00+05:45", "Bad", "Alert"), ""),
		  "alert/status: 'Bad' is not one of Actual, Exercise, System, Test or Draft" },
		{ "bad msgType", ALERT(HEAD_X("A", "2026-04-25T11:56:00+05:45", "Actual",
					      "Notice"), ""),
		  "alert/msgType: 'Notice' is not one of Alert, Update, Cancel, Ack or Error" },
		{ "no scope", ALERT("<identifier>A</identifier><sender>s</sender>"
				    "<sent>2026-04-25T11:56:00+05:45</sent><status>Actual</status>"
				    "<msgType>Alert</msgType>", ""),
		  "alert/scope is missing" },
		{ "bad reference", ALERT(HEAD "<references>s,A-0,2026-04-25T11:56:00+05:45 s,A-1"
					 "</references>", ""),
		  "alert/references[1]: 's,A-1' is not 'sender,identifier,sent'" },
		{ "bad reference time", ALERT(HEAD "<references>s,A-0,yesterday</references>", ""),
		  "alert/references[0]: 'yesterday' is not a CAP time "
		  "(YYYY-MM-DDThh:mm:ss+hh:mm, such as 2024-05-01T14:30:00-05:00)" },
		{ "info without event", ALERT(HEAD, "<info><category>Geo</category></info>"),
		  "info[0]/event is missing" },
		{ "info without category", ALERT(HEAD, "<info><event>E</event></info>"),
		  "info[0]/category is missing" },
		{ "bad category", ALERT(HEAD, "<info><category>Geo</category><category>Weather"
					"</category><event>E</event></info>"),
		  "info[0]/category[1]: 'Weather' is not one of Geo, Met, Safety, Security, "
		  "Rescue, Fire, Health, Env, Transport, Infra, CBRNE or Other" },
		{ "bad severity", ALERT(HEAD, INFO_X("en", "Severe", POLY) INFO_X("fr", "Bad", POLY)),
		  "info[1]/severity: 'Bad' is not one of Extreme, Severe, Moderate, Minor or "
		  "Unknown" },
		{ "polygon not closed", ALERT(HEAD, INFO_X("en", "Severe",
							   "<area><polygon>1,1 1,2 2,2 2,1.5</polygon></area>")),
		  "info[0]/area[0]/polygon[0]: not closed: the last point '2,1.5' differs "
		  "from the first '1,1'" },
		{ "circle out of range", ALERT(HEAD, INFO_X("en", "Severe",
							    "<area><circle>95,1 10</circle></area>")),
		  "info[0]/area[0]/circle[0]: '95,1 10': latitude 95 is out of range "
		  "(-90 to 90)" },
	};
	struct cap_message m;
	struct strbuf err = STRBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int rc;

		strbuf_reset(&err);
		rc = parse(&m, cases[i].xml, &err);
		if (rc != HW_EINPUT || (cases[i].msg && strcmp(err.buf, cases[i].msg)))
			fail_msg("%s: expected\n  %s\ngot %d\n  %s", cases[i].name,
				 cases[i].msg ? cases[i].msg : "(an error)", rc, err.buf);
		assert_true(err.len > 0);
		/* Nothing is left behind. */
		assert_null(m.identifier);
		assert_int_equal(m.ninfos, 0);
		assert_true(geoarea_is_empty(&m.area));
		cap_message_release(&m);
	}
	strbuf_release(&err);
}

static void test_time(void **state)
{
	static const struct {
		const char *in, *out;  /* out NULL: refused */
	} cases[] = {
		{ "2026-04-25T11:56:00+05:45", "2026-04-25T06:11:00Z" },
		{ "2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00Z" },
		{ "2024-02-29T23:00:00-02:00", "2024-03-01T01:00:00Z" },
		{ "2026-03-10T06:00:00-00:00", "2026-03-10T06:00:00Z" },
		{ "2026-03-10T06:00:00+00:00", "2026-03-10T06:00:00Z" },
		{ "2026-12-31T23:59:59-14:00", "2027-01-01T13:59:59Z" },
		{ "1900-01-01T00:00:00+14:00", "1899-12-31T10:00:00Z" },
		{ "2023-02-29T00:00:00+00:00", NULL },
		{ "2026-04-25T24:00:00+00:00", NULL },
		{ "2026-04-25T23:60:00+00:00", NULL },
		{ "2026-13-01T00:00:00+00:00", NULL },
		{ "2026-04-25 11:56:00+05:45", NULL },
		{ "2026-04-25T11:56:00+15:00", NULL },
		{ "2026-04-25T11:56:00+05:60", NULL },
		{ "2026-04-25T11:56:00+0545", NULL },
		{ "+026-04-25T11:56:00+05:45", NULL },
		{ "", NULL },
	};
	char out[CAP_TIME_LEN];
	struct strbuf why = STRBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int rc = cap_parse_time(cases[i].in, strlen(cases[i].in), out, &why);

		if (cases[i].out) {
			if (rc)
				fail_msg("%s: %s", cases[i].in, why.buf);
			assert_string_equal(out, cases[i].out);
		} else if (rc != HW_EINPUT) {
			fail_msg("%s: accepted as %s", cases[i].in, out);
		}
		strbuf_reset(&why);
	}
	strbuf_release(&why);
}

static void test_feed(void **state)
{
	static const char atom[] =
		"<feed xmlns='http://www.w3.org/2005/Atom'>"
		"<entry><link rel='alternate' type='text/html' href='a.html'/>"
		"<link rel='related' type='application/cap+xml' href='a.xml'/></entry>"
		"<entry><link rel='self' href='b-self.xml'/><link href='b.xml'/></entry>"
		"<entry><title>no link</title></entry>"
		"<entry><link href='https://other.example/c.xml'/></entry>"
		"</feed>";
	static const char rss[] =
		"<rss version='2.0'><channel><item><link> d.xml </link></item>"
		"<item><link>e.html</link><enclosure url='e.xml' type='application/cap+xml'/>"
		"</item></channel></rss>";
	struct strbuf err = STRBUF_INIT;
	char **urls;
	size_t n;

	(void)state;
	assert_int_equal(cap_feed_links(atom, strlen(atom), "http://h:8/feeds/x.atom",
					&urls, &n, &err), HW_OK);
	assert_int_equal(n, 3);
	assert_string_equal(urls[0], "http://h:8/feeds/a.xml");
	assert_string_equal(urls[1], "http://h:8/feeds/b.xml");
	assert_string_equal(urls[2], "https://other.example/c.xml");
	cap_feed_links_free(urls, n);
	assert_int_equal(cap_feed_links(rss, strlen(rss), "http://h/r.rss", &urls, &n,
					&err), HW_OK);
	assert_int_equal(n, 2);
	assert_string_equal(urls[0], "http://h/d.xml");
	assert_string_equal(urls[1], "http://h/e.xml");
	cap_feed_links_free(urls, n);
	assert_int_equal(cap_feed_links("<alert/>", 8, "http://h/", &urls, &n, &err),
			 HW_EINPUT);
	assert_int_equal(n, 0);
	assert_string_equal(err.buf, "the document is not an Atom feed (<feed> in "
			    "http://www.w3.org/2005/Atom) or an RSS 2.0 one (<rss>)");
	strbuf_reset(&err);
	assert_int_equal(cap_feed_links("<!DOCTYPE rss><rss/>", 20, "http://h/", &urls,
					&n, &err), HW_EINPUT);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_feed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
