/*
 * jz_date.h - calendar dates and ages.
 *
 * A jz_date is the integer yyyymmdd (20240601), so dates compare with < and
 * the age in whole years on a date is (on - birth) / 10000.  That counts a
 * birthday as reached on the day itself, and a 29 February birthday as
 * reached on 1 March in common years (documented in docs/rules.md).
 */
#ifndef JZ_DATE_H
#define JZ_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jz_err.h"

typedef int32_t jz_date;

#define JZ_DATE_NONE ((jz_date)0)
#define JZ_DATE_MIN_YEAR 1900
#define JZ_DATE_MAX_YEAR 2199
#define JZ_DATE_BUF 11 /* "YYYY-MM-DD" + terminator */

/* True when y-m-d is a real Gregorian date within the supported years. */
bool jz_date_valid(int y, int m, int d);

/* Builds a date; the caller guarantees validity (see jz_date_valid). */
static inline jz_date jz_date_make(int y, int m, int d)
{
    return (jz_date)(y * 10000 + m * 100 + d);
}
static inline int jz_date_year(jz_date d)
{
    return d / 10000;
}
static inline int jz_date_month(jz_date d)
{
    return (d / 100) % 100;
}
static inline int jz_date_day(jz_date d)
{
    return d % 100;
}
/* The month of d counted from year 0 (year * 12 + month - 1): the form in
 * which payment periods count months (jz_period_month). */
static inline int jz_date_month_index(jz_date d)
{
    return jz_date_year(d) * 12 + jz_date_month(d) - 1;
}

/* Whole years of age on `on` for someone born on `birth` (0 if on < birth). */
static inline int jz_date_age(jz_date birth, jz_date on)
{
    return on < birth ? 0 : (int)((on - birth) / 10000);
}

/* Parses exactly "YYYY-MM-DD" (s need not be terminated). */
jz_err jz_date_parse(const char *s, size_t len, jz_date *out, jz_error *err);

/* Writes "YYYY-MM-DD"; returns 10. n >= JZ_DATE_BUF. */
size_t jz_date_format(jz_date d, char *buf, size_t n);

/* Days since 1970-01-01 and back (proleptic Gregorian). */
int32_t jz_date_to_days(jz_date d);
jz_date jz_date_from_days(int32_t days);

/* d + n days (n may be negative). */
jz_date jz_date_add_days(jz_date d, int32_t n);

/* d + n months, the day clamped to the end of the target month
 * (2024-01-31 + 1 month = 2024-02-29). */
jz_date jz_date_add_months(jz_date d, int n);

/* 0 = Monday ... 6 = Sunday. */
int jz_date_weekday(jz_date d);

/* Number of days in month m of year y. */
int jz_date_days_in_month(int y, int m);

/* Today's date in local time. */
jz_date jz_date_today(void);

#endif
