/*
 * import.h: loading the canonical registrant CSV into the registry.
 *
 * The whole file is one transaction. Every row is validated on its own
 * (registrant.h) and against the other rows of the file: a person's rows
 * must agree on the person's fields, and the members of a party must not be
 * in two countries at overlapping times. By default any problem refuses the
 * whole file and nothing is written; with skip_invalid the valid rows are
 * written and the invalid ones set aside in FILE.rejects.csv (the rows as
 * they were, to fix and import again) and FILE.rejects.txt (the reasons).
 */
#ifndef HW_IMPORT_H
#define HW_IMPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct db;
struct strbuf;

struct import_options {
	const char *path;     /* the CSV file */
	bool skip_invalid;
	FILE *report;         /* where problems are listed (stderr), or NULL */
	unsigned max_report;  /* how many problems to list (100) */
	bool progress;        /* a progress line on a terminal */
	const char *actor;    /* who, for the audit log (NULL: audit_cli_actor) */
};

struct import_result {
	uint64_t rows;        /* data rows read */
	uint64_t written;     /* rows written */
	uint64_t rejected;    /* rows with a problem */
	uint64_t persons_new;
	uint64_t persons_updated;
	int64_t joined;       /* roster entries of open incidents added or
				 brought back inside (incident.h) */
};

/*
 * Import `o->path` into `db` (opened with its keys). Returns HW_OK when the
 * file was written (with skip_invalid, possibly with rejects), HW_EINPUT
 * when problems refused it (each listed to o->report as
 * "FILE:LINE:COLUMN: reason"; a summary is in `err`), or another code for
 * operational failures with the message in `err`; in every failure the
 * database is unchanged. A successful import adds an audit entry "import"
 * in the same transaction (audit.h).
 */
int import_registrants(struct db *db, const struct import_options *o,
		       struct import_result *res, struct strbuf *err);

/* The `homeward import` command. */
int cmd_import(int argc, char **argv);

#endif
