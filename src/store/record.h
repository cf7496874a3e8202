/*
 * record.h: rows of the store as JSON, from a table of fields.
 *
 * Every JSON answer of the API and every `--json` output of the CLI that
 * shows rows names its fields once, in a table of {name, type} in the
 * order of the SELECT's columns, and leaves the conversion here: text as a
 * JSON string (NULL as null), integers, reals, 0/1 as false/true,
 * ';'-separated lists as arrays, millisecond times as ISO 8601. So a
 * field is shown the same wherever it appears, and no module writes a
 * row out by hand.
 *
 * The same file binds a statement's parameters from a list of types, the
 * other half of moving rows in and out without writing one call per
 * value.
 */
#ifndef HW_RECORD_H
#define HW_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct store;
struct store_stmt;
struct strbuf;

enum rec_type {
	REC_TEXT,     /* a string; NULL is null */
	REC_INT,      /* an integer; NULL is null */
	REC_REAL,     /* a number; NULL is null */
	REC_BOOL,     /* 0/1 as false/true; NULL is false */
	REC_LIST,     /* "a;b" as ["a","b"]; NULL or "" is [] */
	REC_TIME_MS,  /* milliseconds since the epoch as "...T...Z" to the ms */
	REC_SKIP,     /* a column the JSON does not show */
};

struct rec_field {
	const char *name;     /* the JSON member; NULL ends the table */
	enum rec_type type;
};

/* Column `col` of the current row as JSON of `type` (a new reference). */
json_t *record_value(struct store_stmt *s, int col, enum rec_type type);

/* Add the current row's columns, from `first` on, one per field of the
 * NULL-name-terminated `fields`, to `obj`. Returns the column after the
 * last one read. */
int record_add(json_t *obj, struct store_stmt *s, int first,
	       const struct rec_field *fields);

/* The current row, from column 0, as a new object. */
json_t *record_json(struct store_stmt *s, const struct rec_field *fields);

/*
 * Step `s` (prepared and bound) to its end and append every row, as
 * record_json() makes it, to the array `arr`; resets `s`. HW_OK, or HW_EDB
 * with "cannot WHAT: REASON" in `err` (`what`: "read the missions").
 */
int record_rows(struct store *st, struct store_stmt *s,
		const struct rec_field *fields, json_t *arr, const char *what,
		struct strbuf *err);

/* A column of a text table (a command's list): its heading, its width
 * (0: the last column, unpadded), and what a NULL shows as. */
struct rec_column {
	const char *heading;
	int width;
	const char *null_text;
};

/*
 * The rows of `sql` (no parameters) as a text table of `cols` (NULL
 * heading ends them), column i from the row's column i, under a line of
 * headings, on `out`. HW_OK, or HW_EDB with "cannot list: REASON".
 */
int record_print_table(struct store *st, const char *sql,
		       const struct rec_column *cols, FILE *out, struct strbuf *err);

/* Set `key` of `obj` to the string `v`, or null when v is NULL. */
void record_set_text(json_t *obj, const char *key, const char *v);

/*
 * Bind parameters 1, 2... of `s` from the arguments, one per character of
 * `types`: 'i' an int64_t, 'I' an int64_t id where 0 binds NULL (none),
 * 't' a const char * and its size_t length (binds text as it is),
 * 's' a const char * (NULL or "" binds NULL, as
 * store_bind_str), 'd' a double, 'n' nothing (binds NULL, takes no
 * argument). An unknown type character is a broken invariant (abort).
 */
void store_bind_list(struct store_stmt *s, const char *types, ...);

/*
 * The statement for `sql` with its parameters bound as store_bind_list()
 * binds them, the caller to step and reset it. HW_OK, or HW_EDB with
 * "cannot WHAT: REASON" in `err` (`what` says what the statement does:
 * "read the missions", "record the roster change").
 */
int store_prepare_args(struct store *st, struct store_stmt **out,
		       const char *sql, const char *what, struct strbuf *err,
		       const char *types, ...);

/*
 * A statement whose SQL has one optional predicate: `fmt` holds one "%s"
 * where " AND PRED" goes when `pred` is given (a scope's predicate, with
 * one `?`), nothing otherwise. Its parameters are bound from `types` and
 * the arguments, then `pred_arg` for the predicate's `?`. HW_OK, or HW_EDB
 * with "cannot WHAT: REASON" in `err` (which may be NULL).
 */
int store_prepare_where(struct store *st, struct store_stmt **out,
			const char *fmt, const char *pred, int64_t pred_arg,
			const char *what, struct strbuf *err, const char *types, ...);

/*
 * The parameters of a query built up in pieces (a list's filters): added
 * in the order of their `?`, bound with store_params_bind(). Texts are
 * copied. Zero-initialise; store_params_release() frees.
 */
struct store_params {
	struct store_param {
		bool is_text;
		int64_t i;
		char *s;
	} *b;
	size_t n, alloc;
};
void store_params_int(struct store_params *p, int64_t v);
void store_params_text(struct store_params *p, const char *s, size_t len);
void store_params_bind(const struct store_params *p, struct store_stmt *s);
void store_params_release(struct store_params *p);

/* In the three calls below `err` may be NULL: no message is wanted. */

/*
 * Run a statement that returns no rows, with its parameters: HW_OK, or
 * HW_EDB / HW_ECONFLICT (a constraint) with "cannot WHAT: REASON".
 */
int store_exec_args(struct store *st, const char *sql, const char *what,
		    struct strbuf *err, const char *types, ...);

/*
 * The first column of the first row of `sql` (a count, an id RETURNING):
 * STORE_ROW with it in *out, STORE_DONE when there is no row (*out
 * unchanged), or HW_EDB / HW_ECONFLICT with "cannot WHAT: REASON".
 */
int store_one_int64(struct store *st, int64_t *out, const char *sql,
		    const char *what, struct strbuf *err, const char *types, ...);

/*
 * The one row of `sql` handed to `fill(s, arg)` while it is current (a
 * struct filled from its columns): HW_OK; HW_ENOTFOUND when there is none
 * (no message: the caller names what is missing); or the error.
 */
int store_read_row(struct store *st, void (*fill)(struct store_stmt *s, void *arg),
		   void *arg, const char *sql, const char *what, struct strbuf *err,
		   const char *types, ...);

/* The same, for whether there is a row at all: HW_OK if there is one,
 * HW_ENOTFOUND if not, or the error. */
int store_exists_args(struct store *st, const char *sql, const char *what,
		      struct strbuf *err, const char *types, ...);

#endif
