/*
 * gen.h: the synthetic population generator behind `homeward gen`.
 *
 * It writes people of one nationality as the canonical registrant CSV
 * (registrant.h), so that tests, demos and benchmarks work on data that
 * looks like the world: destinations weighted like that nationality's real
 * nationals abroad, cities drawn by real population (refgeo.h), households
 * that share a place, dates and a party_id, organisations with workforces at
 * one site, students, tourists and tour groups, names in the native script
 * and in Latin script, E.164 phones, special needs at realistic rates.
 *
 * Every field is written exactly in the normalised form registrant_parse()
 * produces, so importing a generated file and exporting it again gives the
 * same bytes. The output depends only on the parameters: the same people,
 * seed, nationality and date give a byte-identical file whatever the number
 * of threads.
 */
#ifndef HW_GEN_H
#define HW_GEN_H

#include <stdint.h>

struct strbuf;

/* The largest population gen_write() accepts. */
#define GEN_MAX_PEOPLE UINT64_C(2000000000)

struct gen_params {
	uint64_t people;          /* rows to write, 1 to GEN_MAX_PEOPLE */
	uint64_t seed;            /* any value; equal seeds give equal files */
	const char *nationality;  /* ISO alpha-2, upper case, known to refgeo */
	int32_t today;            /* days since 1970-01-01: trips are around it */
};

/*
 * Write the header and p->people rows to `fd` (which is not closed), using
 * one thread per processor. Returns HW_OK; HW_EINPUT with a message in `err`
 * ("people: 0 is out of range (1 to 2000000000)") for bad parameters, before
 * anything is written; HW_EIO with the reason (strerror) if writing fails,
 * after which the output is incomplete; HW_EINTERNAL with a message if the
 * reference data is unusable. `err` may be NULL. Thread-safe: calls share
 * nothing but refgeo's tables.
 */
int gen_write(const struct gen_params *p, int fd, struct strbuf *err);

/*
 * How gen_write_run() runs: the number of generating threads (0: one per
 * processor; the output does not depend on it), and an optional callback
 * told how many rows have been written so far, called from the calling
 * thread after each block of rows.
 */
struct gen_run {
	int threads;
	void (*progress)(void *arg, uint64_t rows_written);
	void *progress_arg;
};

/* gen_write() with explicit run settings; `run` may be NULL. */
int gen_write_run(const struct gen_params *p, int fd,
		  const struct gen_run *run, struct strbuf *err);

/* The `homeward gen` command. */
int cmd_gen(int argc, char **argv);

#endif
