/*
 * person.h: finding persons in the registry by what identifies them.
 */
#ifndef HW_PERSON_H
#define HW_PERSON_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct strbuf;

/*
 * The ids of the persons holding passport number `passport` (any spacing
 * or case). The lookup goes through the keyed hash index and unseals only
 * the few candidates it finds, to confirm. *ids is the caller's to free().
 * HW_EINPUT if `passport` is not a passport number; HW_EDB / HW_ECRYPTO
 * with a message in `err`.
 */
int person_find_by_passport(struct db *db, const char *passport,
			    int64_t **ids, size_t *n, struct strbuf *err);

/* `homeward test-passport-lookup`: prints the external ids found. */
int cmd_test_passport_lookup(int argc, char **argv);

#endif
