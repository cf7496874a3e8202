/*
 * checkin.h: the check-in links of an incident. Each notified person gets
 * one unguessable link per incident, /c/TOKEN, that records their answer
 * ("I'm safe", "I need help", "I need to leave") without a sign-in: the
 * token is the capability, good for that person and incident only.
 */
#ifndef HW_CHECKIN_H
#define HW_CHECKIN_H

#include <stdint.h>

struct store;
struct strbuf;

/* A token is 22 characters of base64url: 128 random bits. */
#define CHECKIN_TOKEN_LEN 22

/*
 * The token of person `person` for incident `incident`, made on first use
 * and the same afterwards. Call inside the caller's transaction (the
 * outbox writes a message and its link together). token gets
 * CHECKIN_TOKEN_LEN + 1 bytes. HW_EDB with a message on failure.
 */
int checkin_token_for(struct store *st, int64_t incident, int64_t person,
		      char *token, struct strbuf *err);

/*
 * The incident and person of `token`: HW_OK, or HW_ENOTFOUND for an
 * unknown or malformed token (checked for shape before any lookup).
 */
int checkin_token_find(struct store *st, const char *token, int64_t *incident,
		       int64_t *person);

#endif
