/*
 * regfeed.h: registrant rows read, validated and sealed on a thread of
 * their own, handed over in chunks.
 *
 * An import spends about as much time turning CSV into checked rows as the
 * database spends storing them; with a second core, the two overlap. The
 * feed owns a reader thread that runs csv_read(), registrant_parse() and
 * the sealing of passport numbers, and fills a small ring of chunks; the
 * importer takes chunks in file order and gives each back when done.
 * One consumer thread only.
 */
#ifndef HW_REGFEED_H
#define HW_REGFEED_H

#include <stdbool.h>
#include <stdint.h>

#include "registry/registrant.h"
#include "core/strbuf.h"

struct csv_reader;
struct keyring;

struct regfeed_row {
	int status;          /* HW_OK, or HW_EINPUT (a problem with the row) */
	bool csv_error;      /* the CSV itself is malformed: msg is "LINE:COLUMN: reason" */
	int bad_col;         /* for registrant problems: enum reg_col, or -1 */
	uint64_t line;       /* where the record starts */
	struct registrant r; /* valid when status is HW_OK */
	struct strbuf msg;   /* the reason, when status is HW_EINPUT */
	struct strbuf raw;   /* the record as it was in the file */
	struct strbuf external_id; /* as given, trimmed, even when the row is
				    * invalid ("" for malformed CSV) */
	struct strbuf sealed_passport; /* empty when the row has none */
	int64_t passport_hash;
};

struct regfeed_chunk {
	struct regfeed_row *rows;
	size_t n;
	uint64_t offset;     /* bytes of the file consumed after this chunk */
};

struct regfeed; /* opaque */

/*
 * Start reading data records from `rd` (whose header has been read into
 * `h`), sealing passports with `keys`. All three must outlive the feed.
 */
struct regfeed *regfeed_start(struct csv_reader *rd, const struct reg_header *h,
			      struct keyring *keys);

/*
 * The next chunk, in file order: HW_OK, HW_ENOTFOUND at the end of the
 * file, HW_EIO (message in `err`) if reading failed, HW_EINTERNAL if the
 * reference data is unusable. Give every chunk back with regfeed_done()
 * before asking for the one after the next.
 */
int regfeed_next(struct regfeed *f, struct regfeed_chunk **out,
		 struct strbuf *err);
void regfeed_done(struct regfeed *f, struct regfeed_chunk *c);

/* Stop the reader thread (even mid-file) and free everything. NULL-safe. */
void regfeed_free(struct regfeed *f);

#endif
