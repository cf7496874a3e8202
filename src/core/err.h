/*
 * err.h: the one error convention of Homeward.
 *
 * Every function that can fail returns int: 0 (HW_OK) on success, or one of
 * the negative codes below. A value of 1 never means success. Where a caller
 * needs to tell a user what went wrong, the function also takes a
 * `struct strbuf *err` and appends one message to it in the form
 *     what failed 'subject': why
 * Bad input is HW_EINPUT (CLI exit status 2, HTTP 4xx); everything else is
 * an operational failure (exit status 1, HTTP 5xx). Broken invariants are
 * assert()s, never error codes.
 */
#ifndef HW_ERR_H
#define HW_ERR_H

enum hw_err {
	HW_OK = 0,
	HW_EINPUT = -1,    /* the user's input is invalid; a message says why */
	HW_ENOMEM = -2,    /* allocation failed */
	HW_EIO = -3,       /* reading or writing a file failed */
	HW_EDB = -4,       /* the database refused or failed */
	HW_ENOTFOUND = -5, /* the object asked for does not exist */
	HW_ECONFLICT = -6, /* the object exists, or a concurrent change won */
	HW_ECRYPTO = -7,   /* a key is missing or wrong, or a ciphertext is forged */
	HW_ESCHEMA = -8,   /* the database is from a newer Homeward */
	HW_EINTERNAL = -9, /* a library failed in a way we did not expect */
	HW_EFORBIDDEN = -10, /* the principal may not do this (HTTP 403) */
};

/* The name of an error code, e.g. "input" for HW_EINPUT. Never NULL. */
const char *hw_strerror(int code);

/* The process exit status for an error code: 0, 2 for bad input, else 1. */
int hw_exit_status(int code);

#endif
