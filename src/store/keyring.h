/*
 * keyring.h: the keys that protect sensitive fields at rest.
 *
 * One 32-byte master key lives in a key file outside the database (written
 * by `homeward init`, mode 0600). From it, libsodium derives a sealing key
 * (XChaCha20-Poly1305, for values that must be read back, such as passport
 * numbers) and a lookup key (keyed BLAKE2b, for exact-match search without
 * decrypting every row). The database keeps a check value, so that opening
 * it with the wrong key file fails at once instead of returning garbage.
 *
 * Keys are held in libsodium's guarded memory and wiped on free. A keyring
 * is safe to use from several threads once loaded.
 */
#ifndef HW_KEYRING_H
#define HW_KEYRING_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;
struct store;
struct keyring; /* opaque */

/*
 * The key file for a database: `flag` if given, else the setting `key`
 * (settings file or $HOMEWARD_KEY), else the database path with ".key"
 * appended. The result is appended to `out`.
 */
void keyring_path(struct strbuf *out, const char *flag, const char *db_path);

/*
 * Create a new key file at `path` (never overwriting one: HW_ECONFLICT if it
 * exists), readable by its owner only. HW_EIO with a message on failure.
 */
int keyring_create(const char *path, struct strbuf *err);

/* Load the key file at `path`; the caller frees *out with keyring_free().
 * HW_ENOTFOUND if missing, HW_ECRYPTO if malformed or too widely readable. */
int keyring_load(const char *path, struct keyring **out, struct strbuf *err);
void keyring_free(struct keyring *k);

/*
 * Tie the key to the database, or check that it is the one: the first call
 * on a database stores a check value in its meta table; later calls compare.
 * HW_ECRYPTO with a message naming both files when they do not match.
 */
int keyring_bind(struct keyring *k, struct store *st, const char *key_path,
		 struct strbuf *err);

/*
 * Seal `len` bytes of `plain` for the field called `field` (used as
 * associated data, so a sealed value cannot be moved to another field).
 * Appends nonce + ciphertext + tag to `out`. Thread-safe.
 */
void keyring_seal(struct keyring *k, const char *field, const void *plain,
		  size_t len, struct strbuf *out);

/* Open a sealed value, appending the plain text to `out`. HW_ECRYPTO if it
 * was altered or sealed under another key or field. */
int keyring_open(struct keyring *k, const char *field, const void *sealed,
		 size_t len, struct strbuf *out);

/*
 * The keyed hash of a (normalised) value for exact-match lookup: 64 bits of
 * keyed BLAKE2b, as a signed integer so that every SQL backend stores and
 * indexes it natively. Equal values collide by design; different values
 * almost never do (one pair in tens of millions of millions), and lookups
 * unseal their candidates to confirm.
 */
int64_t keyring_hash(struct keyring *k, const char *field, const void *v,
		     size_t len);

#endif
