/*
 * banned.h: functions that must not be used in Homeward.
 *
 * Each is replaced by a safer one (strbuf_add*, snprintf, strtok_r on a copy).
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
#undef gets
#define gets(x) BANNED(gets)

#endif
