/*
 * gen_int.h: the data tables of the population generator, shared between
 * gen.c (the machinery), gen_tables.c (where people go, organisations,
 * passports, phones) and gen_names.c (names). Private to those files.
 *
 * The tables are plain constant data, written by hand from public figures
 * (nationals abroad by country, common surnames and given names); gen.c
 * turns them into cumulative weights once per run. Everything here is
 * static storage and read-only, hence thread-safe.
 */
#ifndef HW_GEN_INT_H
#define HW_GEN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What kind of place a destination is for a nationality; it sets the mix of
 * residents, workers, students and visitors there (gen.c, profile_mix).
 */
enum gen_profile {
	GP_MIXED,    /* a bit of everything: the tail and unknown places */
	GP_SETTLED,  /* long-settled families, students, visitors (US, GB, CA) */
	GP_LABOUR,   /* contract workers, mostly alone (the Gulf for IN, PH) */
	GP_CARE,     /* domestic and care workers, mostly women (HK, SG for PH) */
	GP_PROJECT,  /* company projects with camps (AO, DZ, NG for CN) */
	GP_STUDY,    /* many students (GB, AU for CN) */
	GP_TOURIST,  /* many visitors and tour groups (TH, JP for CN) */
	GP_RETIRE,   /* retirees and long stays (MX, CR for US) */
	GP_COUNT
};

/* One destination of a nationality: its share of the nationals abroad. */
struct gen_dest {
	const char *cc;      /* ISO alpha-2 */
	float weight;        /* thousands of people, roughly; only ratios matter */
	uint8_t profile;     /* enum gen_profile */
};

enum gen_org_kind {
	GO_CONSTRUCTION, /* a camp: men, all at the site */
	GO_OIL,          /* an oilfield or mine camp: men, all at the site */
	GO_FACTORY,      /* a plant with dormitories: at the site */
	GO_OFFICE,       /* an office: staff live around the city */
	GO_HOSPITAL,     /* nurses in staff housing: mostly women, at the site */
	GO_UNIVERSITY,   /* students around the campus */
	GO_KIND_COUNT
};

enum gen_city_mode {
	GC_POP,   /* a city drawn by population; sites are numbered */
	GC_TOP,   /* one of the five largest cities; sites are numbered */
	GC_RANK,  /* site n is in the n-th largest city (name has {city}) */
};

/*
 * An organisation abroad. `name` may contain {country} (the English short
 * name), {city} and {n} (the site number), e.g.
 * "China Railway Construction {country} Site {n}". With GC_POP and GC_TOP
 * the name must contain {n}, with GC_RANK it must contain {city}, so that
 * two sites never share a name.
 */
struct gen_org_tmpl {
	const char *name;
	const char *countries;   /* space-separated alpha-2 codes */
	uint8_t kind;            /* enum gen_org_kind */
	uint8_t city_mode;       /* enum gen_city_mode */
	uint16_t site_size;      /* a typical workforce or student body */
};

/* A name in Latin script and, where the culture writes one, its own. */
struct gen_name {
	const char *latin;
	const char *native;      /* NULL when there is no native-script form */
};

struct gen_names {
	const struct gen_name *v;
	size_t n;                /* ordered by frequency, most common first */
};

enum gen_native_order {
	GN_NONE,          /* native_name stays empty */
	GN_FAMILY_GIVEN,  /* family name first, no space: 王伟 */
	GN_GIVEN_FAMILY,  /* given name first, a space: प्रिया शर्मा */
};

/* A naming culture within a nationality (IN has several). */
struct gen_culture {
	const char *tag;
	unsigned weight;          /* share among the nationality's people */
	struct gen_names family, male, female;
	uint8_t native_order;     /* enum gen_native_order */
	bool wife_keeps_name;     /* CN: a wife keeps her own family name */
	bool sikh_names;          /* men may carry Singh, women Kaur */
	const char *lang;         /* ISO 639-1, or NULL: the nationality's own */
	const char *alt_lang;     /* a second language some speak, or NULL */
	unsigned alt_lang_pct;    /* how many per hundred choose it */
};

/*
 * A passport number format: one letter of `first` (none if ""), one of
 * `second` (none if ""), `digits` digits, one letter of `suffix` (none if
 * ""). The first format of a nationality's list with room for all the
 * people is used.
 */
struct gen_passport_fmt {
	const char *first;
	const char *second;
	int digits;
	const char *suffix;
};

/*
 * A mobile number plan: national numbers of `digits` digits that start with
 * one of the '|'-separated prefixes in `lead`.
 */
struct gen_phone_fmt {
	const char *cc;
	const char *lead;
	int digits;
};

/* Everything the generator knows about one nationality. */
struct gen_nat {
	const char *code;                  /* NULL for the generic fallback */
	const struct gen_dest *dests;
	size_t ndests;
	const char *exclude;               /* never destinations: "HK MO TW" */
	const struct gen_culture_set *cultures;
	const struct gen_org_tmpl *orgs;
	size_t norgs;
	const struct gen_passport_fmt *passport;
	size_t npassport;
	const char *const *domains;        /* e-mail domains, reserved names */
	size_t ndomains;
	unsigned tail_pct;                 /* share of people in the tail */
};

/* The tables for `code`, or the generic fallback; never NULL. */
const struct gen_nat *gen_nat_find(const char *code);

/* The mobile plan of a country, or NULL (gen.c then uses a generic one). */
const struct gen_phone_fmt *gen_phone_find(const char *cc);

/* The naming cultures of a nationality, from gen_names.c. */
struct gen_culture_set {
	const struct gen_culture *v;
	size_t n;
};

extern const struct gen_culture_set gen_cultures_cn, gen_cultures_in,
	gen_cultures_ph, gen_cultures_us, gen_cultures_intl;

#endif
