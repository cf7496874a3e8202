/*
 * checkin_token.c: making and finding check-in tokens (checkin.h).
 */
#include "core/homeward.h"
#include "crisis/checkin.h"
#include "store/record.h"
#include "core/time.h"

#include <string.h>
#include <time.h>

#include <sodium.h>

#include "store/store.h"
#include "core/strbuf.h"

int checkin_token_for(struct store *st, int64_t incident, int64_t person,
		      char *token, struct strbuf *err)
{
	struct store_stmt *s;
	unsigned char raw[16];
	char now[21];
	int rc;

	if ((rc = store_prepare(st, "SELECT token FROM checkin_token "
				"WHERE incident_id = ? AND person_id = ?", &s)))
		goto dberr;
	store_bind_int64(s, 1, incident);
	store_bind_int64(s, 2, person);
	rc = store_step(s);
	if (rc == STORE_ROW)
		snprintf(token, CHECKIN_TOKEN_LEN + 1, "%s", store_col_text(s, 0, NULL));
	store_reset(s);
	if (rc == STORE_ROW)
		return HW_OK;
	if (rc < 0)
		goto dberr;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, CHECKIN_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	time_iso_now(now);
	if ((rc = store_prepare(st, "INSERT INTO checkin_token (token, incident_id, "
				"person_id, created_at) VALUES (?, ?, ?, ?)", &s)))
		goto dberr;
	store_bind_list(s, "siis", token, incident, person, now);
	if ((rc = store_run(s)))
		goto dberr;
	return HW_OK;
dberr:
	strbuf_addf(err, "cannot make a check-in link: %s", store_errmsg(st));
	return rc < 0 ? rc : HW_EDB;
}

int checkin_token_find(struct store *st, const char *token, int64_t *incident,
		       int64_t *person)
{
	struct store_stmt *s;
	int rc;

	if (strlen(token) != CHECKIN_TOKEN_LEN)
		return HW_ENOTFOUND;
	for (const char *p = token; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return HW_ENOTFOUND;
	if ((rc = store_prepare(st, "SELECT incident_id, person_id FROM checkin_token "
				"WHERE token = ?", &s)))
		return rc;
	store_bind_str(s, 1, token);
	rc = store_step(s);
	if (rc == STORE_ROW) {
		*incident = store_col_int64(s, 0);
		*person = store_col_int64(s, 1);
	}
	store_reset(s);
	return rc == STORE_ROW ? HW_OK : rc == STORE_DONE ? HW_ENOTFOUND : rc;
}
