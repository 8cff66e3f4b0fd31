/*
 * calendar_fixture.h - the shipped working-day calendar
 * (policy/calendar/cn-holidays.csv), loaded once for a group of cmocka tests.
 */
#ifndef JZ_CALENDAR_FIXTURE_H
#define JZ_CALENDAR_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "jiuzhu/jz_calendar.h"

static jz_calendar *cal;

static int load_calendar(void **state)
{
    (void)state;
    const char *dir = getenv("JZ_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/policy/calendar/cn-holidays.csv",
             dir && dir[0] ? dir : JZ_SOURCE_DIR);
    jz_error err;
    jz_error_clear(&err);
    if (jz_calendar_load(path, &cal, &err) != JZ_OK) {
        char msg[512];
        jz_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        return -1;
    }
    return 0;
}

static int free_calendar(void **state)
{
    (void)state;
    jz_calendar_free(cal);
    return 0;
}

#endif
