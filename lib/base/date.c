/*
 * date.c - Gregorian calendar dates as yyyymmdd integers.
 *
 * Eligibility turns on dates (ages, the twelve-month income window, statutory
 * deadlines), so the calendar arithmetic here is exact and self-contained:
 * days since 1970-01-01 are computed with the civil-from-days method (count in
 * 400-year eras of 146097 days, with years starting on 1 March so that the
 * leap day falls at the end of a year) rather than through mktime(), which
 * depends on the time zone and on the range of time_t.
 */
#include "jiuzhu/jz_date.h"

#include <stdio.h>
#include <time.h>

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int jz_date_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m < 1 || m > 12)
        return 0;
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool jz_date_valid(int y, int m, int d)
{
    return y >= JZ_DATE_MIN_YEAR && y <= JZ_DATE_MAX_YEAR && m >= 1 && m <= 12 && d >= 1 &&
           d <= jz_date_days_in_month(y, m);
}

/* Reads n decimal digits at s; false if one of them is not a digit. */
static bool digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

jz_err jz_date_parse(const char *s, size_t len, jz_date *out, jz_error *err)
{
    int y, m, d;

    if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
        !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
        return jz_error_setn(err, JZ_EINPUT, NULL, s, s != NULL ? len : 0,
                             "日期格式应为 YYYY-MM-DD");
    if (y < JZ_DATE_MIN_YEAR || y > JZ_DATE_MAX_YEAR)
        return jz_error_setn(err, JZ_EINPUT, NULL, s, len, "日期年份应在 %d 至 %d 之间",
                             JZ_DATE_MIN_YEAR, JZ_DATE_MAX_YEAR);
    if (!jz_date_valid(y, m, d))
        return jz_error_setn(err, JZ_EINPUT, NULL, s, len, "日期不存在（%.10s）", s);
    *out = jz_date_make(y, m, d);
    return JZ_OK;
}

size_t jz_date_format(jz_date d, char *buf, size_t n)
{
    int w;

    if (buf == NULL || n == 0)
        return 0;
    w = snprintf(buf, n, "%04d-%02d-%02d", jz_date_year(d), jz_date_month(d), jz_date_day(d));
    if (w < 0) {
        buf[0] = '\0';
        return 0;
    }
    return (size_t)w < n ? (size_t)w : n - 1;
}

/*
 * Days from 1970-01-01 to y-m-d.  The year is shifted to start on 1 March,
 * so month lengths within a shifted year follow the fixed pattern
 * (153 * mp + 2) / 5 and the leap day is the last day of the year.
 */
static int32_t days_from_civil(int y, int m, int d)
{
    int yy = m <= 2 ? y - 1 : y;
    int era = (yy >= 0 ? yy : yy - 399) / 400;
    int yoe = yy - era * 400;                        /* [0, 399] */
    int mp = m > 2 ? m - 3 : m + 9;                  /* March = 0 */
    int doy = (153 * mp + 2) / 5 + d - 1;            /* [0, 365] */
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */

    /* 719468 is the number of days from 0000-03-01 to 1970-01-01. */
    return (int32_t)(era * 146097 + doe - 719468);
}

int32_t jz_date_to_days(jz_date d)
{
    return days_from_civil(jz_date_year(d), jz_date_month(d), jz_date_day(d));
}

jz_date jz_date_from_days(int32_t days)
{
    int64_t z = (int64_t)days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* March = 0 */
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int y = (int)(yoe + era * 400 + (m <= 2 ? 1 : 0));

    return jz_date_make(y, m, d);
}

jz_date jz_date_add_days(jz_date d, int32_t n)
{
    return jz_date_from_days((int32_t)((int64_t)jz_date_to_days(d) + n));
}

jz_date jz_date_add_months(jz_date d, int n)
{
    /* Months are counted from year 0 so that a negative n borrows years by
     * floor division rather than C's truncation. */
    long total = (long)jz_date_month_index(d) + n;
    long y = total >= 0 ? total / 12 : (total - 11) / 12;
    int m = (int)(total - y * 12) + 1;
    int dim = jz_date_days_in_month((int)y, m);
    int day = jz_date_day(d) < dim ? jz_date_day(d) : dim;

    return jz_date_make((int)y, m, day);
}

int jz_date_weekday(jz_date d)
{
    /* 1970-01-01 was a Thursday, which is 3 when Monday is 0. */
    int32_t w = (jz_date_to_days(d) + 3) % 7;

    return w < 0 ? w + 7 : w;
}

jz_date jz_date_today(void)
{
    time_t now = time(NULL);
    struct tm tm;

    if (now == (time_t)-1 || localtime_r(&now, &tm) == NULL)
        return JZ_DATE_NONE;
    return jz_date_make(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
