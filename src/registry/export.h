/*
 * export.h: writing the registry out as registrant CSV or GeoJSON.
 */
#ifndef HW_EXPORT_H
#define HW_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct db;
struct strbuf;

enum export_format { EXPORT_CSV, EXPORT_GEOJSON };

/*
 * Write every presence (with its person) to `out`, in the order persons
 * were first imported and presences were given; only those in `country`
 * if it is not NULL. Needs the keys (passport numbers are unsealed).
 * *rows (if `rows` is not NULL) gets the number of rows written, for the
 * audit entry the caller adds (a read of sensitive fields, audit.h).
 * HW_EDB / HW_ECRYPTO / HW_EIO with a message in `err`.
 */
int export_registrants(struct db *db, const char *country,
		       enum export_format fmt, FILE *out, uint64_t *rows,
		       struct strbuf *err);

/*
 * The same, for the persons whose ids are listed (each once): all their
 * presences. Uses a temporary table of the connection.
 */
int export_persons(struct db *db, const uint32_t *persons, size_t n,
		   enum export_format fmt, FILE *out, uint64_t *rows,
		   struct strbuf *err);

/* The `homeward export` command. */
int cmd_export(int argc, char **argv);

#endif
