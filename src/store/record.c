/*
 * record.c: rows as JSON and parameter lists (record.h).
 */
#include "core/homeward.h"
#include "store/record.h"

#include "core/time.h"
#include "store/store.h"

void record_set_text(json_t *obj, const char *key, const char *v)
{
	json_object_set_new(obj, key, v ? json_string(v) : json_null());
}

/* "cannot WHAT: REASON", when the caller wants a message. */
static int failed(struct store *st, int rc, const char *what, struct strbuf *err)
{
	if (err)
		strbuf_addf(err, "cannot %s: %s", what, store_errmsg(st));
	return rc;
}

json_t *record_value(struct store_stmt *s, int col, enum rec_type type)
{
	const char *t;
	char when[TIME_ISO_MS_SIZE];

	if (store_col_null(s, col))
		return type == REC_BOOL ? json_false() : type == REC_LIST ? json_array()
		       : json_null();
	switch (type) {
	case REC_INT:
		return json_integer(store_col_int64(s, col));
	case REC_REAL:
		return json_real(store_col_double(s, col));
	case REC_BOOL:
		return json_boolean(store_col_int64(s, col) != 0);
	case REC_LIST: {
		json_t *a = json_array();

		t = store_col_text(s, col, NULL);
		while (t && *t) {
			size_t n = strcspn(t, ";");
			if (n)
				json_array_append_new(a, json_stringn(t, n));
			t += n + (t[n] == ';');
		}
		return a;
	}
	case REC_TIME_MS:
		time_iso_ms(store_col_int64(s, col), when);
		return json_string(when);
	case REC_TEXT:
	case REC_SKIP:
		break;
	}
	t = store_col_text(s, col, NULL);
	return t ? json_string(t) : json_null();
}

int record_add(json_t *obj, struct store_stmt *s, int first,
	       const struct rec_field *fields)
{
	int col = first;

	for (const struct rec_field *f = fields; f->name; f++, col++)
		if (f->type != REC_SKIP)
			json_object_set_new(obj, f->name, record_value(s, col, f->type));
	return col;
}

json_t *record_json(struct store_stmt *s, const struct rec_field *fields)
{
	json_t *o = json_object();

	record_add(o, s, 0, fields);
	return o;
}

int record_rows(struct store *st, struct store_stmt *s,
		const struct rec_field *fields, json_t *arr, const char *what,
		struct strbuf *err)
{
	int rc;

	while ((rc = store_step(s)) == STORE_ROW)
		json_array_append_new(arr, record_json(s, fields));
	store_reset(s);
	return rc < 0 ? failed(st, HW_EDB, what, err) : HW_OK;
}

static void bind_va(struct store_stmt *s, const char *types, va_list ap)
{
	for (int i = 1; *types; types++, i++) {
		switch (*types) {
		case 'i':
			store_bind_int64(s, i, va_arg(ap, int64_t));
			break;
		case 'I': {
			int64_t v = va_arg(ap, int64_t);

			if (v)
				store_bind_int64(s, i, v);
			else
				store_bind_null(s, i);
			break;
		}
		case 's':
			store_bind_str(s, i, va_arg(ap, const char *));
			break;
		case 't': {
			const char *t = va_arg(ap, const char *);
			size_t len = va_arg(ap, size_t);

			store_bind_text(s, i, t, len);
			break;
		}
		case 'd':
			store_bind_double(s, i, va_arg(ap, double));
			break;
		case 'n':
			store_bind_null(s, i);
			break;
		default:
			abort();
		}
	}
}

void store_bind_list(struct store_stmt *s, const char *types, ...)
{
	va_list ap;

	va_start(ap, types);
	bind_va(s, types, ap);
	va_end(ap);
}

static int prepare_va(struct store *st, struct store_stmt **out,
		      const char *sql, const char *what, struct strbuf *err,
		      const char *types, va_list ap)
{
	if (store_prepare(st, sql, out))
		return failed(st, HW_EDB, what, err);
	bind_va(*out, types, ap);
	return HW_OK;
}

int store_prepare_args(struct store *st, struct store_stmt **out,
		       const char *sql, const char *what, struct strbuf *err,
		       const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = prepare_va(st, out, sql, what, err, types, ap);
	va_end(ap);
	return rc;
}

/* Prepare, bind, step once: STORE_ROW (with col 0 in *out if not NULL),
 * STORE_DONE, or an error with its message. */
static int step_once(struct store *st, int64_t *out, const char *sql,
		     const char *what, struct strbuf *err, const char *types,
		     va_list ap)
{
	struct store_stmt *s;
	int rc = prepare_va(st, &s, sql, what, err, types, ap);

	if (rc)
		return rc;
	rc = store_step(s);
	if (rc == STORE_ROW && out)
		*out = store_col_int64(s, 0);
	store_reset(s);
	return rc < 0 ? failed(st, rc, what, err) : rc;
}

/* The body the variadic calls below share: step_once() on their
 * arguments, its result in `rc`. */
#define STEP_ONCE(out, rc) do { \
	va_list ap_; \
	va_start(ap_, types); \
	(rc) = step_once(st, (out), sql, what, err, types, ap_); \
	va_end(ap_); \
} while (0)

int store_exec_args(struct store *st, const char *sql, const char *what,
		    struct strbuf *err, const char *types, ...)
{
	int rc;

	STEP_ONCE(NULL, rc);
	return rc < 0 ? rc : HW_OK;
}

int store_one_int64(struct store *st, int64_t *out, const char *sql,
		    const char *what, struct strbuf *err, const char *types, ...)
{
	int rc;

	STEP_ONCE(out, rc);
	return rc;
}

int store_exists_args(struct store *st, const char *sql, const char *what,
		      struct strbuf *err, const char *types, ...)
{
	int rc;

	STEP_ONCE(NULL, rc);
	return rc == STORE_ROW ? HW_OK : rc == STORE_DONE ? HW_ENOTFOUND : rc;
}

int store_prepare_where(struct store *st, struct store_stmt **out,
			const char *fmt, const char *pred, int64_t pred_arg,
			const char *what, struct strbuf *err, const char *types, ...)
{
	struct strbuf sql = STRBUF_INIT, and = STRBUF_INIT;
	va_list ap;
	int rc;

	if (pred)
		strbuf_addf(&and, " AND %s", pred);
	strbuf_addf(&sql, fmt, and.buf);
	va_start(ap, types);
	rc = prepare_va(st, out, sql.buf, what, err, types, ap);
	va_end(ap);
	if (!rc && pred)
		store_bind_int64(*out, (int)strlen(types) + 1, pred_arg);
	strbuf_release(&sql);
	strbuf_release(&and);
	return rc;
}

int store_read_row(struct store *st, void (*fill)(struct store_stmt *s, void *arg),
		   void *arg, const char *sql, const char *what, struct strbuf *err,
		   const char *types, ...)
{
	struct store_stmt *s;
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = prepare_va(st, &s, sql, what, err, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	rc = store_step(s);
	if (rc == STORE_ROW)
		fill(s, arg);
	store_reset(s);
	if (rc < 0)
		return failed(st, rc, what, err);
	return rc == STORE_ROW ? HW_OK : HW_ENOTFOUND;
}

void store_params_int(struct store_params *p, int64_t v)
{
	ALLOC_GROW(p->b, p->n + 1, p->alloc);
	p->b[p->n++] = (struct store_param){ false, v, NULL };
}

void store_params_text(struct store_params *p, const char *s, size_t len)
{
	ALLOC_GROW(p->b, p->n + 1, p->alloc);
	p->b[p->n++] = (struct store_param){ true, 0, xstrndup(s, len) };
}

void store_params_bind(const struct store_params *p, struct store_stmt *s)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->b[i].is_text)
			store_bind_text(s, (int)i + 1, p->b[i].s, strlen(p->b[i].s));
		else
			store_bind_int64(s, (int)i + 1, p->b[i].i);
	}
}

void store_params_release(struct store_params *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->b[i].s);
	free(p->b);
	memset(p, 0, sizeof(*p));
}

static void print_cells(FILE *out, const struct rec_column *cols,
			struct store_stmt *s)
{
	for (int i = 0; cols[i].heading; i++) {
		const char *v = !s ? cols[i].heading : store_col_null(s, i)
				? cols[i].null_text : store_col_text(s, i, NULL);

		if (cols[i].width)
			fprintf(out, "%-*s ", cols[i].width, v ? v : "");
		else
			fprintf(out, "%s", v ? v : "");
	}
	fputc('\n', out);
}

int record_print_table(struct store *st, const char *sql,
		       const struct rec_column *cols, FILE *out, struct strbuf *err)
{
	struct store_stmt *s;
	int rc;

	if (store_prepare(st, sql, &s))
		return failed(st, HW_EDB, "list", err);
	print_cells(out, cols, NULL);
	while ((rc = store_step(s)) == STORE_ROW)
		print_cells(out, cols, s);
	store_reset(s);
	return rc < 0 ? failed(st, HW_EDB, "list", err) : HW_OK;
}
