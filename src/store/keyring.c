/*
 * keyring.c: sealing and keyed hashing of sensitive fields (keyring.h).
 *
 * Nonces: each process draws a random 16-byte prefix once and appends a
 * 64-bit counter, which gives XChaCha20's 24-byte nonce without a system
 * call per value (imports seal millions of them) and without any risk of
 * reuse: the prefix space is 2^128.
 */
#include "core/homeward.h"
#include "store/keyring.h"
#include "core/settings.h"
#include "store/store.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEYFILE_MAGIC "homeward-key-v1 "
#define SEAL_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define SEAL_TAG crypto_aead_xchacha20poly1305_ietf_ABYTES

struct keys {
	uint8_t seal[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	uint8_t lookup[crypto_generichash_KEYBYTES];
	uint8_t check[crypto_generichash_KEYBYTES];
};

struct keyring {
	struct keys *keys;       /* sodium_malloc'd, read-only after load */
	uint8_t nonce_prefix[SEAL_NONCE - 8];
	atomic_uint_fast64_t counter;
};

void keyring_path(struct strbuf *out, const char *flag, const char *db_path)
{
	/* A command's --key wins over the setting's file and environment
	 * values, as any flag does; it is not stored, because one process may
	 * open several databases (the benchmarks, the tests). */
	const char *v = flag && *flag ? flag : setting_str(SET_KEY);

	if (v)
		strbuf_addstr(out, v);
	else
		strbuf_addf(out, "%s.key", db_path);
}

static int init_sodium(struct strbuf *err)
{
	if (sodium_init() < 0) {
		strbuf_addstr(err, "cannot initialise libsodium");
		return HW_EINTERNAL;
	}
	return HW_OK;
}

int keyring_create(const char *path, struct strbuf *err)
{
	uint8_t master[crypto_kdf_KEYBYTES];
	char hex[2 * crypto_kdf_KEYBYTES + 1];
	struct strbuf line = STRBUF_INIT;
	int fd, rc = HW_OK;

	if ((rc = init_sodium(err)))
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return HW_ECONFLICT;
		strbuf_addf(err, "cannot create key file '%s': %s", path,
			    strerror(errno));
		return HW_EIO;
	}
	crypto_kdf_keygen(master);
	sodium_bin2hex(hex, sizeof(hex), master, sizeof(master));
	strbuf_addf(&line, KEYFILE_MAGIC "%s\n", hex);
	if (write(fd, line.buf, line.len) != (ssize_t)line.len || fsync(fd)) {
		strbuf_addf(err, "cannot write key file '%s': %s", path,
			    strerror(errno));
		unlink(path);
		rc = HW_EIO;
	}
	close(fd);
	sodium_memzero(master, sizeof(master));
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(line.buf, line.len);
	strbuf_release(&line);
	return rc;
}

int keyring_load(const char *path, struct keyring **out, struct strbuf *err)
{
	uint8_t master[crypto_kdf_KEYBYTES];
	char buf[128];
	struct keyring *k = NULL;
	struct stat sb;
	size_t binlen = 0;
	ssize_t n;
	int fd, rc;

	*out = NULL;
	if ((rc = init_sodium(err)))
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		strbuf_addf(err, "cannot open key file '%s': %s", path,
			    strerror(errno));
		return errno == ENOENT ? HW_ENOTFOUND : HW_EIO;
	}
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 077)) {
		strbuf_addf(err, "key file '%s' is readable by others "
			    "(mode %03o): chmod 600 it", path,
			    (unsigned)(sb.st_mode & 0777));
		close(fd);
		return HW_ECRYPTO;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		strbuf_addf(err, "cannot read key file '%s': %s", path,
			    strerror(errno));
		return HW_EIO;
	}
	buf[n] = '\0';
	if (strncmp(buf, KEYFILE_MAGIC, strlen(KEYFILE_MAGIC)) ||
	    sodium_hex2bin(master, sizeof(master), buf + strlen(KEYFILE_MAGIC),
			   (size_t)n - strlen(KEYFILE_MAGIC), "\n", &binlen,
			   NULL) ||
	    binlen != sizeof(master)) {
		sodium_memzero(buf, sizeof(buf));
		strbuf_addf(err, "key file '%s' is not a homeward key file", path);
		return HW_ECRYPTO;
	}
	sodium_memzero(buf, sizeof(buf));

	k = xcalloc(1, sizeof(*k));
	k->keys = sodium_malloc(sizeof(*k->keys));
	if (!k->keys) {
		free(k);
		sodium_memzero(master, sizeof(master));
		strbuf_addstr(err, "cannot allocate guarded memory for keys");
		return HW_ENOMEM;
	}
	crypto_kdf_derive_from_key(k->keys->seal, sizeof(k->keys->seal), 1,
				   "hw-seal_", master);
	crypto_kdf_derive_from_key(k->keys->lookup, sizeof(k->keys->lookup), 2,
				   "hw-look_", master);
	crypto_kdf_derive_from_key(k->keys->check, sizeof(k->keys->check), 3,
				   "hw-check", master);
	sodium_memzero(master, sizeof(master));
	sodium_mprotect_readonly(k->keys);
	randombytes_buf(k->nonce_prefix, sizeof(k->nonce_prefix));
	atomic_init(&k->counter, 0);
	*out = k;
	return HW_OK;
}

void keyring_free(struct keyring *k)
{
	if (!k)
		return;
	sodium_free(k->keys);
	free(k);
}

int keyring_bind(struct keyring *k, struct store *st, const char *key_path,
		 struct strbuf *err)
{
	uint8_t check[16];
	char hex[2 * sizeof(check) + 1];
	struct store_stmt *s;
	int rc;

	crypto_generichash(check, sizeof(check), (const uint8_t *)"check", 5,
			   k->keys->check, sizeof(k->keys->check));
	sodium_bin2hex(hex, sizeof(hex), check, sizeof(check));
	rc = store_prepare(st, "SELECT value FROM meta WHERE key = 'key_check'", &s);
	if (rc)
		goto dberr;
	rc = store_step(s);
	if (rc == STORE_ROW) {
		const char *have = store_col_text(s, 0, NULL);
		bool same = have && !strcmp(have, hex);
		store_reset(s);
		if (!same) {
			strbuf_addf(err, "key file '%s' is not the key of this "
				    "database (it was initialised with another "
				    "key file)", key_path);
			return HW_ECRYPTO;
		}
		return HW_OK;
	}
	store_reset(s);
	if (rc < 0)
		goto dberr;
	rc = store_prepare(st, "INSERT INTO meta(key, value) VALUES ('key_check', ?)", &s);
	if (rc)
		goto dberr;
	store_bind_str(s, 1, hex);
	rc = store_run(s);
	if (rc)
		goto dberr;
	return HW_OK;
dberr:
	strbuf_addf(err, "cannot check the key against the database: %s",
		    store_errmsg(st));
	return HW_EDB;
}

void keyring_seal(struct keyring *k, const char *field, const void *plain,
		  size_t len, struct strbuf *out)
{
	uint64_t n = atomic_fetch_add(&k->counter, 1);
	unsigned long long clen = 0;
	uint8_t *dst;

	strbuf_grow(out, SEAL_NONCE + len + SEAL_TAG);
	dst = (uint8_t *)out->buf + out->len;
	memcpy(dst, k->nonce_prefix, sizeof(k->nonce_prefix));
	memcpy(dst + sizeof(k->nonce_prefix), &n, 8);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		dst + SEAL_NONCE, &clen, plain, len,
		(const uint8_t *)field, strlen(field), NULL, dst, k->keys->seal);
	strbuf_setlen(out, out->len + SEAL_NONCE + (size_t)clen);
}

int keyring_open(struct keyring *k, const char *field, const void *sealed,
		 size_t len, struct strbuf *out)
{
	const uint8_t *src = sealed;
	unsigned long long plen = 0;

	if (len < SEAL_NONCE + SEAL_TAG)
		return HW_ECRYPTO;
	strbuf_grow(out, len);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    (uint8_t *)out->buf + out->len, &plen, NULL,
		    src + SEAL_NONCE, len - SEAL_NONCE,
		    (const uint8_t *)field, strlen(field), src, k->keys->seal))
		return HW_ECRYPTO;
	strbuf_setlen(out, out->len + (size_t)plen);
	return HW_OK;
}

int64_t keyring_hash(struct keyring *k, const char *field, const void *v,
		     size_t len)
{
	crypto_generichash_state h;
	uint8_t out[8];
	uint64_t u = 0;
	int i;

	crypto_generichash_init(&h, k->keys->lookup, sizeof(k->keys->lookup),
				sizeof(out));
	/* The field name and a separator come first, so equal values in
	 * different fields do not hash alike. */
	crypto_generichash_update(&h, (const uint8_t *)field, strlen(field) + 1);
	crypto_generichash_update(&h, v, len);
	crypto_generichash_final(&h, out, sizeof(out));
	for (i = 0; i < 8; i++)
		u = u << 8 | out[i];
	return (int64_t)u;
}
