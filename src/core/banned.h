/*
 * banned.h: functions that must not be used in Homeward.
 *
 * Each is replaced by a safer one: strbuf_add* and snprintf for the string
 * copies, str_next_item() for strtok, mkdtemp or mkstemp for mktemp, and
 * core/time.h for the time functions that return static buffers.
 * Included last by every .c through homeward.h, so that a use of one of these
 * names fails to compile instead of slipping through review (after Git).
 */
#ifndef HW_BANNED_H
#define HW_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef strtok_r
#define strtok_r(x, y, z) BANNED(strtok_r)
#undef gets
#define gets(x) BANNED(gets)
#undef mktemp
#define mktemp(x) BANNED(mktemp)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef asctime
#define asctime(t) BANNED(asctime)

#endif
