/*
 * gen_tables.c: where the population generator sends people, and the
 * organisations, passports, phones and e-mail domains it gives them.
 *
 * Destination weights follow published estimates of each nationality's
 * nationals abroad (not the wider diaspora of descendants who hold another
 * citizenship), in thousands, rounded: India's non-resident Indians are
 * concentrated in the Gulf, the Philippines' overseas workers in the Gulf
 * and East Asia, China's citizens abroad in its neighbours, the big
 * economies and its construction projects in Africa, and Americans abroad
 * in Mexico and Canada. Only ratios matter. Places refgeo does not know, or
 * where it has no city, are skipped at run time, so the tables may name a
 * few more than the reference data holds.
 *
 * E-mail domains are reserved names (RFC 2606 .example and example.*), so a
 * generated address can never reach a real mailbox, whatever a test does
 * with it.
 */
#include "core/homeward.h"
#include "gen/gen_int.h"

#define TABLE(a) (a), ARRAY_SIZE(a)

static const struct gen_dest cn_dests[] = {
	{ "US", 110, GP_SETTLED }, { "JP", 80, GP_SETTLED },
	{ "KR", 85, GP_LABOUR }, { "CA", 40, GP_SETTLED },
	{ "AU", 45, GP_STUDY }, { "SG", 40, GP_SETTLED },
	{ "GB", 30, GP_STUDY }, { "MY", 20, GP_MIXED },
	{ "TH", 25, GP_TOURIST }, { "ID", 15, GP_PROJECT },
	{ "IT", 30, GP_SETTLED }, { "DE", 25, GP_STUDY },
	{ "FR", 20, GP_SETTLED }, { "NZ", 10, GP_SETTLED },
	{ "RU", 15, GP_MIXED }, { "AE", 20, GP_MIXED },
	{ "ZA", 10, GP_MIXED }, { "NG", 8, GP_PROJECT },
	{ "AO", 10, GP_PROJECT }, { "DZ", 8, GP_PROJECT },
	{ "ES", 20, GP_SETTLED }, { "NL", 5, GP_STUDY },
	{ "PH", 10, GP_MIXED }, { "VN", 10, GP_PROJECT },
	{ "KH", 10, GP_PROJECT }, { "LA", 8, GP_PROJECT },
	{ "MM", 5, GP_PROJECT }, { "PK", 8, GP_PROJECT },
	{ "KZ", 5, GP_PROJECT }, { "SA", 5, GP_PROJECT },
	{ "BR", 5, GP_MIXED }, { "AR", 3, GP_MIXED }, { "PE", 3, GP_MIXED },
	{ "CL", 2, GP_MIXED }, { "MX", 3, GP_MIXED }, { "KE", 5, GP_PROJECT },
	{ "ET", 4, GP_PROJECT }, { "ZM", 4, GP_PROJECT },
	{ "TZ", 4, GP_PROJECT }, { "EG", 3, GP_PROJECT },
	{ "IL", 2, GP_LABOUR }, { "HU", 2, GP_MIXED }, { "SE", 2, GP_STUDY },
	{ "CH", 2, GP_MIXED }, { "BE", 2, GP_MIXED }, { "IE", 2, GP_STUDY },
	{ "AT", 2, GP_MIXED }, { "MN", 3, GP_PROJECT }, { "TR", 2, GP_TOURIST },
	{ "LK", 2, GP_PROJECT }, { "BD", 2, GP_PROJECT },
	{ "GH", 3, GP_PROJECT }, { "MV", 1, GP_TOURIST },
};

static const struct gen_dest in_dests[] = {
	{ "AE", 340, GP_LABOUR }, { "SA", 260, GP_LABOUR },
	{ "US", 128, GP_SETTLED }, { "KW", 102, GP_LABOUR },
	{ "OM", 78, GP_LABOUR }, { "QA", 74, GP_LABOUR },
	{ "NP", 60, GP_MIXED }, { "GB", 35, GP_SETTLED },
	{ "SG", 35, GP_SETTLED }, { "BH", 32, GP_LABOUR },
	{ "CA", 30, GP_STUDY }, { "AU", 24, GP_STUDY },
	{ "MY", 23, GP_LABOUR }, { "IT", 17, GP_SETTLED },
	{ "DE", 15, GP_STUDY }, { "NZ", 8, GP_SETTLED },
	{ "FR", 5, GP_SETTLED }, { "IE", 5, GP_SETTLED },
	{ "NL", 5, GP_SETTLED }, { "JP", 4, GP_SETTLED },
	{ "HK", 3, GP_SETTLED }, { "TH", 3, GP_TOURIST },
	{ "ZA", 3, GP_SETTLED }, { "KE", 3, GP_SETTLED },
	{ "TZ", 2, GP_SETTLED }, { "NG", 2, GP_PROJECT },
	{ "RU", 2, GP_STUDY }, { "PH", 2, GP_STUDY }, { "MV", 2, GP_LABOUR },
	{ "LK", 2, GP_MIXED }, { "ID", 1.5f, GP_MIXED },
	{ "ES", 1.5f, GP_SETTLED }, { "SE", 1, GP_STUDY },
	{ "CH", 1.5f, GP_SETTLED }, { "BE", 1, GP_SETTLED },
	{ "PL", 1, GP_STUDY }, { "KZ", 1, GP_STUDY }, { "GE", 1, GP_STUDY },
	{ "IL", 1, GP_LABOUR }, { "MU", 1, GP_SETTLED }, { "CN", 1, GP_MIXED },
	{ "JO", 1, GP_LABOUR }, { "UG", 1, GP_SETTLED },
};

static const struct gen_dest ph_dests[] = {
	{ "SA", 100, GP_LABOUR }, { "AE", 90, GP_LABOUR },
	{ "US", 80, GP_SETTLED }, { "CA", 40, GP_SETTLED },
	{ "JP", 33, GP_SETTLED }, { "QA", 30, GP_LABOUR },
	{ "KW", 27, GP_CARE }, { "HK", 25, GP_CARE },
	{ "SG", 22, GP_CARE }, { "MY", 20, GP_LABOUR },
	{ "IT", 17, GP_CARE }, { "GB", 15, GP_CARE },
	{ "AU", 14, GP_SETTLED }, { "TW", 16, GP_LABOUR },
	{ "KR", 6, GP_LABOUR }, { "OM", 5, GP_LABOUR }, { "BH", 5, GP_LABOUR },
	{ "NZ", 4, GP_SETTLED }, { "DE", 4, GP_CARE }, { "ES", 4, GP_SETTLED },
	{ "CY", 2, GP_CARE }, { "IL", 3, GP_CARE }, { "LB", 2, GP_CARE },
	{ "JO", 2, GP_CARE }, { "FR", 2, GP_CARE }, { "BN", 2, GP_LABOUR },
	{ "MO", 2, GP_CARE }, { "CN", 3, GP_MIXED }, { "TH", 1.5f, GP_MIXED },
	{ "VN", 1, GP_MIXED }, { "ID", 1, GP_MIXED }, { "PG", 1, GP_LABOUR },
	{ "GU", 2, GP_SETTLED },
};

static const struct gen_dest us_dests[] = {
	{ "MX", 160, GP_RETIRE }, { "CA", 70, GP_SETTLED },
	{ "GB", 20, GP_SETTLED }, { "DE", 12, GP_SETTLED },
	{ "IL", 20, GP_SETTLED }, { "PH", 22, GP_RETIRE },
	{ "IT", 6, GP_TOURIST }, { "FR", 10, GP_SETTLED },
	{ "JP", 6, GP_SETTLED }, { "KR", 14, GP_SETTLED },
	{ "AU", 10, GP_SETTLED }, { "CN", 5, GP_MIXED },
	{ "ES", 4, GP_STUDY }, { "CR", 4, GP_RETIRE },
	{ "DO", 10, GP_RETIRE }, { "CO", 6, GP_RETIRE },
	{ "IN", 4, GP_MIXED }, { "HK", 8, GP_SETTLED }, { "BR", 3, GP_MIXED },
	{ "AR", 2, GP_MIXED }, { "TW", 3, GP_SETTLED }, { "IE", 3, GP_STUDY },
	{ "NL", 3, GP_SETTLED }, { "CH", 2, GP_SETTLED },
	{ "SE", 2, GP_SETTLED }, { "GR", 3, GP_TOURIST },
	{ "PT", 2, GP_RETIRE }, { "PA", 3, GP_RETIRE }, { "EC", 3, GP_RETIRE },
	{ "PE", 2, GP_MIXED }, { "NZ", 3, GP_SETTLED }, { "TH", 3, GP_RETIRE },
	{ "SG", 3, GP_SETTLED }, { "AE", 4, GP_LABOUR }, { "SA", 3, GP_LABOUR },
	{ "JO", 2, GP_MIXED }, { "LB", 2, GP_MIXED }, { "BE", 2, GP_SETTLED },
	{ "HT", 2, GP_MIXED }, { "GT", 2, GP_RETIRE }, { "SV", 2, GP_MIXED },
	{ "HN", 2, GP_MIXED }, { "JM", 2, GP_RETIRE }, { "BZ", 1, GP_RETIRE },
};

/* Any other nationality: nobody knows its neighbours here, so people go
 * where migrants and travellers of most countries go: the big economies
 * and the Gulf. */
static const struct gen_dest generic_dests[] = {
	{ "US", 140, GP_SETTLED }, { "DE", 70, GP_SETTLED },
	{ "GB", 70, GP_SETTLED }, { "AE", 60, GP_LABOUR },
	{ "SA", 50, GP_LABOUR }, { "FR", 50, GP_SETTLED },
	{ "CA", 40, GP_SETTLED }, { "AU", 40, GP_SETTLED },
	{ "IT", 30, GP_SETTLED }, { "ES", 30, GP_SETTLED },
	{ "JP", 30, GP_MIXED }, { "CN", 30, GP_MIXED },
	{ "QA", 20, GP_LABOUR }, { "KW", 20, GP_LABOUR },
	{ "SG", 20, GP_MIXED }, { "NL", 20, GP_SETTLED },
	{ "CH", 20, GP_SETTLED }, { "KR", 20, GP_MIXED },
	{ "TR", 20, GP_TOURIST }, { "RU", 20, GP_MIXED },
	{ "BR", 20, GP_MIXED }, { "TH", 20, GP_TOURIST },
	{ "IN", 20, GP_MIXED }, { "SE", 15, GP_SETTLED },
	{ "BE", 15, GP_SETTLED }, { "ZA", 15, GP_MIXED },
	{ "MY", 15, GP_MIXED }, { "HK", 15, GP_MIXED },
	{ "MX", 15, GP_MIXED }, { "OM", 10, GP_LABOUR },
	{ "BH", 8, GP_LABOUR }, { "AT", 10, GP_SETTLED },
	{ "IE", 10, GP_SETTLED }, { "PT", 10, GP_SETTLED },
	{ "NO", 8, GP_SETTLED }, { "DK", 8, GP_SETTLED },
	{ "AR", 8, GP_MIXED }, { "EG", 8, GP_MIXED }, { "ID", 8, GP_MIXED },
	{ "NZ", 6, GP_SETTLED }, { "IL", 6, GP_MIXED }, { "PL", 6, GP_MIXED },
};

/* Organisations. Site sizes are typical workforces; gen.c scales the number
 * of sites with the population asked for. */
static const struct gen_org_tmpl cn_orgs[] = {
	{ "China Railway Construction {country} Site {n}",
	  "DZ AO NG KE ET TZ SA ID LA PK MY", GO_CONSTRUCTION, GC_POP, 1500 },
	{ "China State Construction Engineering {country} Project {n}",
	  "DZ AE SA EG MY ID KH NG ZA", GO_CONSTRUCTION, GC_POP, 1200 },
	{ "PowerChina {country} Hydropower Site {n}",
	  "AO ZM PK LA ID ET MM KH", GO_CONSTRUCTION, GC_POP, 900 },
	{ "China Harbour Engineering {country} Port Site {n}",
	  "NG KE LK PK GH BD", GO_CONSTRUCTION, GC_TOP, 600 },
	{ "CNPC {country} Oilfield Camp {n}",
	  "KZ NG AO IQ", GO_OIL, GC_POP, 700 },
	{ "Huawei Technologies {country} Office {n}",
	  "AE SA NG KE ZA MY TH ID DE GB MX BR EG PK", GO_OFFICE, GC_TOP, 250 },
	{ "Jinko Solar {country} Plant {n}",
	  "MY VN", GO_FACTORY, GC_POP, 1500 },
	{ "Samsung Electronics {city} Plant",
	  "KR VN", GO_FACTORY, GC_RANK, 800 },
	{ "University of {city}",
	  "GB AU US CA NZ DE FR JP KR SG NL IE SE", GO_UNIVERSITY, GC_RANK, 2500 },
	{ "{city} Institute of Technology",
	  "US AU GB", GO_UNIVERSITY, GC_RANK, 1200 },
};

static const struct gen_org_tmpl in_orgs[] = {
	{ "Larsen & Toubro {country} Site {n}",
	  "SA AE QA KW OM", GO_CONSTRUCTION, GC_POP, 1500 },
	{ "Shapoorji Pallonji {country} Project {n}",
	  "AE QA SA OM GH", GO_CONSTRUCTION, GC_POP, 1000 },
	{ "Afcons Infrastructure {country} Site {n}",
	  "BH KW MY MV KE", GO_CONSTRUCTION, GC_POP, 600 },
	{ "Tata Consultancy Services {city} Office",
	  "US GB AU CA SG DE NL", GO_OFFICE, GC_RANK, 800 },
	{ "Infosys {city} Development Centre",
	  "US GB AU CA", GO_OFFICE, GC_RANK, 600 },
	{ "{city} General Hospital",
	  "SA AE KW OM QA BH", GO_HOSPITAL, GC_RANK, 400 },
	{ "University of {city}",
	  "US GB CA AU NZ DE IE", GO_UNIVERSITY, GC_RANK, 2000 },
	{ "{city} State University",
	  "US", GO_UNIVERSITY, GC_RANK, 1200 },
	{ "{city} Medical University",
	  "RU PH KZ GE", GO_UNIVERSITY, GC_RANK, 1500 },
};

static const struct gen_org_tmpl ph_orgs[] = {
	{ "{city} Care Nursing Agency",
	  "SA AE KW QA GB US", GO_HOSPITAL, GC_RANK, 500 },
	{ "King Fahd Hospital {city}",
	  "SA", GO_HOSPITAL, GC_RANK, 700 },
	{ "Pinoy Builders {country} Site {n}",
	  "SA QA AE", GO_CONSTRUCTION, GC_POP, 800 },
	{ "Mabuhay Electronics {country} Plant {n}",
	  "TW JP KR MY", GO_FACTORY, GC_POP, 900 },
	{ "Bayanihan Healthcare {city}",
	  "US CA AU NZ IE", GO_HOSPITAL, GC_RANK, 300 },
	{ "University of {city}",
	  "US AU GB", GO_UNIVERSITY, GC_RANK, 500 },
};

static const struct gen_org_tmpl us_orgs[] = {
	{ "Chevron {country} Operations {n}",
	  "NG AO KZ AU SA", GO_OIL, GC_POP, 400 },
	{ "ExxonMobil {country} Site {n}",
	  "NG AO PG QA", GO_OIL, GC_POP, 500 },
	{ "Bechtel {country} Project {n}",
	  "SA AE AU CL", GO_CONSTRUCTION, GC_POP, 600 },
	{ "American School of {city}",
	  "MX GB DE JP KR AE", GO_OFFICE, GC_RANK, 120 },
	{ "Microsoft {city} Office",
	  "GB DE IL IN IE JP", GO_OFFICE, GC_RANK, 200 },
	{ "University of {city}",
	  "GB IT ES FR DE JP IE AU", GO_UNIVERSITY, GC_RANK, 600 },
};

static const struct gen_org_tmpl generic_orgs[] = {
	{ "{country} Construction Joint Venture Site {n}",
	  "SA AE QA KW", GO_CONSTRUCTION, GC_POP, 800 },
	{ "Global Services {city} Office",
	  "US GB DE FR AE SG", GO_OFFICE, GC_RANK, 200 },
	{ "University of {city}",
	  "US GB DE FR AU CA", GO_UNIVERSITY, GC_RANK, 1000 },
};

/* Passport number formats, the usual one first. Chinese ordinary passports
 * are E and eight digits (then EA, EB...), Indian ones a letter and seven
 * digits, Philippine ones P, seven digits and a letter, American ones nine
 * digits (newer books a letter and eight). The last format of each list
 * has room for any population gen accepts. */
#define PP_LETTERS "ABCDEFGHJKLMNPQRSTUVWXYZ"

static const struct gen_passport_fmt cn_passport[] = {
	{ "E", "", 8, "" },
	{ "E", PP_LETTERS, 7, "" },
	{ PP_LETTERS, PP_LETTERS, 7, "" },
};
static const struct gen_passport_fmt in_passport[] = {
	{ "JKLMNPRSTUVWZ", "", 7, "" },
	{ PP_LETTERS, PP_LETTERS, 7, "" },
};
static const struct gen_passport_fmt ph_passport[] = {
	{ "P", "", 7, PP_LETTERS },
	{ "P", PP_LETTERS, 7, PP_LETTERS },
};
static const struct gen_passport_fmt us_passport[] = {
	{ "", "", 9, "" },
	{ PP_LETTERS, "", 8, "" },
};
static const struct gen_passport_fmt generic_passport[] = {
	{ PP_LETTERS, "", 7, "" },
	{ PP_LETTERS, PP_LETTERS, 7, "" },
};

static const char *const cn_domains[] = {
	"qq.example", "163.example", "126.example", "sina.example",
	"example.com", "outlook.example",
};
static const char *const in_domains[] = {
	"gmail.example", "yahoo.example", "rediffmail.example",
	"outlook.example", "example.in",
};
static const char *const ph_domains[] = {
	"gmail.example", "yahoo.example", "outlook.example", "example.ph",
};
static const char *const us_domains[] = {
	"gmail.example", "yahoo.example", "outlook.example", "icloud.example",
	"example.com", "example.org",
};
static const char *const generic_domains[] = {
	"gmail.example", "outlook.example", "example.com", "example.net",
	"example.org",
};

static const struct gen_nat nats[] = {
	{ "CN", TABLE(cn_dests), "HK MO TW", &gen_cultures_cn,
	  TABLE(cn_orgs), TABLE(cn_passport), TABLE(cn_domains), 3 },
	{ "IN", TABLE(in_dests), "", &gen_cultures_in,
	  TABLE(in_orgs), TABLE(in_passport), TABLE(in_domains), 3 },
	{ "PH", TABLE(ph_dests), "", &gen_cultures_ph,
	  TABLE(ph_orgs), TABLE(ph_passport), TABLE(ph_domains), 3 },
	{ "US", TABLE(us_dests), "", &gen_cultures_us,
	  TABLE(us_orgs), TABLE(us_passport), TABLE(us_domains), 6 },
};

static const struct gen_nat generic_nat = {
	NULL, TABLE(generic_dests), "", &gen_cultures_intl,
	TABLE(generic_orgs), TABLE(generic_passport), TABLE(generic_domains), 10
};

const struct gen_nat *gen_nat_find(const char *code)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(nats); i++)
		if (code && !strcmp(nats[i].code, code))
			return &nats[i];
	return &generic_nat;
}

/* Mobile numbering plans of the countries people are sent to most; other
 * countries get nine digits after their calling code (gen.c). */
static const struct gen_phone_fmt phones[] = {
	{ "AE", "50|52|54|55|56|58", 9 },
	{ "AO", "92|93|94|99", 9 },
	{ "AU", "4", 9 },
	{ "BH", "33|36|39", 8 },
	{ "CA", "", 10 },
	{ "CN", "13|15|17|18|19", 11 },
	{ "CR", "6|7|8", 8 },
	{ "DE", "151|152|157|160|170|171|172|175|176|177|178|179", 11 },
	{ "DZ", "5|6|7", 9 },
	{ "ES", "6|7", 9 },
	{ "FR", "6|7", 9 },
	{ "GB", "7", 10 },
	{ "HK", "5|6|9", 8 },
	{ "ID", "811|812|813|821|822|852|853|878", 11 },
	{ "IL", "50|52|53|54|55|58", 9 },
	{ "IN", "6|7|8|9", 10 },
	{ "IT", "3", 10 },
	{ "JP", "70|80|90", 10 },
	{ "KR", "10", 10 },
	{ "KW", "5|6|9", 8 },
	{ "MX", "33|55|81|998|322|624", 10 },
	{ "MY", "11|12|13|14|16|17|19", 9 },
	{ "NG", "70|80|81|90|91", 10 },
	{ "NP", "98", 10 },
	{ "NZ", "21|22|27", 9 },
	{ "OM", "7|9", 8 },
	{ "PH", "9", 10 },
	{ "QA", "3|5|6|7", 8 },
	{ "RU", "9", 10 },
	{ "SA", "5", 9 },
	{ "SG", "8|9", 8 },
	{ "TH", "6|8|9", 9 },
	{ "TW", "9", 9 },
	{ "US", "", 10 },
	{ "VN", "3|7|8|9", 9 },
	{ "ZA", "6|7|8", 9 },
};

const struct gen_phone_fmt *gen_phone_find(const char *cc)
{
	size_t lo = 0, hi = ARRAY_SIZE(phones);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(phones[mid].cc, cc);
		if (!c)
			return &phones[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
