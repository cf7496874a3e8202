/*
 * audit.h: the audit log, a hash chain of who did what to which record.
 *
 * Every write, and every read of sensitive fields (passport numbers), adds
 * one entry: its id, the UTC time, the actor ("cli:LOGIN" for the command
 * line), the action ("import", "export", "mission-add"...), the object it
 * acted on, a detail line and the client's network address (NULL from the
 * command line). Each entry carries the hash of the entry before it
 * (prev_hash; 64 zeros for the first) and its own hash, the hex BLAKE2b-256
 * of an unambiguous encoding of all its other fields, so altering an entry,
 * or removing one from the middle, breaks the chain where it happened.
 *
 * What the chain cannot show by itself: removing the latest entries leaves
 * a shorter chain that is still intact. A deployment therefore copies the
 * head (`homeward audit head`: the latest id and hash) somewhere the
 * database's writers cannot change, and compares it with the log later.
 *
 * Functions here use the caller's connection and are as thread-safe as it
 * is (one thread at a time).
 */
#ifndef HW_AUDIT_H
#define HW_AUDIT_H

#include "store/record.h"

#include <stdint.h>

struct store;
struct strbuf;

/* The length of a hash in hex, without the NUL. */
#define AUDIT_HASH_HEX 64

/*
 * Append one entry. Call it inside the caller's transaction (after
 * store_begin, before store_commit), so that the entry commits or rolls
 * back together with the write it records, and so that no other writer can
 * take the same id (the transaction holds the write lock). `actor` and
 * `action` are required; `object`, `detail` and `address` may be NULL,
 * which is recorded as NULL and hashed differently from "". Returns HW_OK,
 * or HW_EDB with a message in `err`.
 */
int audit_append(struct store *st, const char *actor, const char *action,
		 const char *object, const char *detail, const char *address,
		 struct strbuf *err);

/*
 * Append one entry in a transaction of its own: for reads, which have no
 * transaction to join. Same arguments and results as audit_append().
 */
int audit_append_tx(struct store *st, const char *actor, const char *action,
		    const char *object, const char *detail, const char *address,
		    struct strbuf *err);

/*
 * The actor of commands run from the command line: "cli:" and the login
 * name of the process's user (or its uid when it has no name). A static
 * buffer, filled on first use; not thread-safe on that first call.
 */
const char *audit_cli_actor(void);

/*
 * Walk the whole log in id order and recompute the chain. Returns HW_OK
 * when every entry is intact (*count gets the number of entries), or
 * HW_ECONFLICT with *bad_id the first entry that is wrong and a message in
 * `err` saying why: its contents do not match its hash (altered), its
 * prev_hash does not match the entry before it, or its id does not follow
 * the one before (entries were removed). HW_EDB for database failures.
 * `bad_id` and `count` may be NULL.
 */
int audit_verify(struct store *st, int64_t *bad_id, int64_t *count,
		 struct strbuf *err);

/* The `homeward audit` command (verify, list, head). */
int cmd_audit(int argc, char **argv);

/* An audit entry as JSON (store/record.h): the columns of
 * AUDIT_ENTRY_COLUMNS, and after them, where the chain is shown, those of
 * AUDIT_CHAIN_COLUMNS. */
#define AUDIT_ENTRY_COLUMNS "id, at, actor, action, object, detail, address"
#define AUDIT_CHAIN_COLUMNS "prev_hash, hash"
extern const struct rec_field audit_entry_fields[];
extern const struct rec_field audit_chain_fields[];

#endif
