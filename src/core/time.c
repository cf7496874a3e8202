/*
 * time.c: calendar dates and clock readings (time.h). Dates are days since
 * 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's
 * days_from_civil and civil_from_days), so they compare and subtract as
 * integers and need no time zone.
 */
#include "core/homeward.h"
#include "core/time.h"

#include <time.h>

static inline bool isdig(char c)
{
	return c >= '0' && c <= '9';
}

int32_t date_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void date_to_civil(int32_t z, int *y, int *m, int *d)
{
	int64_t zz = (int64_t)z + 719468;
	int64_t era = (zz >= 0 ? zz : zz - 146096) / 146097;
	int64_t doe = zz - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

enum date_check date_parse_ymd(const char *s, size_t len, int *y, int32_t *days)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
				       31, 30, 31 };
	int m, d;

	if (len != 10 || s[4] != '-' || s[7] != '-' || !isdig(s[0]) ||
	    !isdig(s[1]) || !isdig(s[2]) || !isdig(s[3]) ||
	    !isdig(s[5]) || !isdig(s[6]) || !isdig(s[8]) ||
	    !isdig(s[9]))
		return DATE_FORMAT;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	     (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return DATE_UNREAL;
	if (m == 2 && d == 29 &&
	    !(*y % 4 == 0 && (*y % 100 != 0 || *y % 400 == 0)))
		return DATE_UNREAL;
	*days = date_from_civil(*y, m, d);
	return DATE_OK;
}

int date_parse(const char *s, size_t len, int32_t *days)
{
	int y;

	if (date_parse_ymd(s, len, &y, days) != DATE_OK || y < 1850 || y > 2200)
		return HW_EINPUT;
	return HW_OK;
}

void date_format(struct strbuf *out, int32_t days)
{
	int y, m, d;
	char b[10];

	if (days == DATE_NONE)
		return;
	date_to_civil(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		strbuf_addf(out, "%d-%02d-%02d", y, m, d);
		return;
	}
	b[0] = (char)('0' + y / 1000);
	b[1] = (char)('0' + y / 100 % 10);
	b[2] = (char)('0' + y / 10 % 10);
	b[3] = (char)('0' + y % 10);
	b[4] = '-';
	b[5] = (char)('0' + m / 10);
	b[6] = (char)('0' + m % 10);
	b[7] = '-';
	b[8] = (char)('0' + d / 10);
	b[9] = (char)('0' + d % 10);
	strbuf_add(out, b, sizeof(b));
}

void time_iso(time_t t, char buf[TIME_ISO_SIZE])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, TIME_ISO_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_iso_now(char buf[TIME_ISO_SIZE])
{
	time_iso(time(NULL), buf);
}

void time_iso_ms(int64_t ms, char buf[TIME_ISO_MS_SIZE])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char frac[8];

	gmtime_r(&t, &tm);
	strftime(buf, TIME_ISO_MS_SIZE, "%Y-%m-%dT%H:%M:%S", &tm);
	/* ms % 1000 is 0-999 for ms >= 0: three digits. */
	snprintf(frac, sizeof(frac), ".%03dZ", (int)(ms % 1000 + 1000) % 1000);
	memcpy(buf + 19, frac, 6);
}

double time_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void time_deadline_ms(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += (time_t)(ms / 1000);
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}
