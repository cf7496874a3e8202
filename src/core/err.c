/*
 * err.c: names and exit statuses for the error codes of err.h.
 */
#include "core/homeward.h"

const char *hw_strerror(int code)
{
	switch (code) {
	case HW_OK: return "ok";
	case HW_EINPUT: return "invalid input";
	case HW_ENOMEM: return "out of memory";
	case HW_EIO: return "input/output error";
	case HW_EDB: return "database error";
	case HW_ENOTFOUND: return "not found";
	case HW_ECONFLICT: return "conflict";
	case HW_ECRYPTO: return "key or ciphertext error";
	case HW_ESCHEMA: return "database schema is newer than this program";
	case HW_EINTERNAL: return "internal error";
	case HW_EFORBIDDEN: return "not allowed";
	}
	return "unknown error";
}

int hw_exit_status(int code)
{
	if (code == HW_OK)
		return 0;
	return code == HW_EINPUT || code == HW_EFORBIDDEN ? 2 : 1;
}
