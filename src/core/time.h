/*
 * time.h: calendar dates and clock readings, the one place that formats a
 * timestamp or reads a clock.
 *
 * Dates (a person's date of birth, a trip's arrival) are days since
 * 1970-01-01 as int32_t, DATE_NONE for none. Timestamps in the database and
 * the API are ISO 8601 UTC text, "2026-12-08T03:34:28Z", which sorts as it
 * reads. Durations are measured on the monotonic clock, deadlines for
 * pthread_cond_timedwait on the real-time one. Everything here is
 * thread-safe.
 */
#ifndef HW_TIME_H
#define HW_TIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct strbuf;

/* Sentinel for an empty date. */
#define DATE_NONE INT32_MIN

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12; a day
 * past the month's end runs on into the next month), and back. */
int32_t date_from_civil(int y, int m, int d);
void date_to_civil(int32_t days, int *y, int *m, int *d);

/* What date_parse_ymd() found. */
enum date_check {
	DATE_OK,
	DATE_FORMAT,   /* not YYYY-MM-DD */
	DATE_UNREAL,   /* YYYY-MM-DD, but no such day (2023-02-29) */
};
/* Parse YYYY-MM-DD for any four-digit year: *y the year, *days the date. */
enum date_check date_parse_ymd(const char *s, size_t len, int *y, int32_t *days);
/* Parse YYYY-MM-DD (a real calendar date, years 1850-2200) to days since
 * 1970-01-01; HW_EINPUT if it is not one. */
int date_parse(const char *s, size_t len, int32_t *days);
/* Append days since 1970-01-01 as YYYY-MM-DD; nothing for DATE_NONE. */
void date_format(struct strbuf *out, int32_t days);

/* "YYYY-MM-DDTHH:MM:SSZ" and its NUL. */
#define TIME_ISO_SIZE 21
/* "YYYY-MM-DDTHH:MM:SS.mmmZ" and its NUL. */
#define TIME_ISO_MS_SIZE 25

/* `t` as ISO 8601 UTC text to the second; the current time. */
void time_iso(time_t t, char buf[TIME_ISO_SIZE]);
void time_iso_now(char buf[TIME_ISO_SIZE]);
/* Milliseconds since the epoch as ISO 8601 UTC text to the millisecond. */
void time_iso_ms(int64_t ms, char buf[TIME_ISO_MS_SIZE]);

/* Seconds on the monotonic clock: only differences mean anything. */
double time_mono(void);
/* Milliseconds since the epoch, on the real-time clock. */
int64_t time_now_ms(void);
/* *ts = the real-time clock `ms` milliseconds from now, for
 * pthread_cond_timedwait(). */
void time_deadline_ms(struct timespec *ts, int64_t ms);

#endif
