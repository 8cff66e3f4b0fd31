/*
 * fuzz_calendar.c - libFuzzer target for the holiday calendar parser (the
 * CSV format of policy/calendar/), and for working-day arithmetic on what
 * it accepts.
 */
#include <stdint.h>
#include <string.h>

#include "jiuzhu/jz_calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jz_calendar *c = NULL;
    jz_error err;
    jz_error_clear(&err);
    if (jz_calendar_parse((const char *)data, size, "fuzz", &c, &err) == JZ_OK) {
        int first, last;
        jz_calendar_years(c, &first, &last);
        jz_date from = jz_date_make(first, 1, 1), out;
        int n = size > 0 ? (int)data[0] - 128 : 0;
        bool w;
        int count;
        if (jz_calendar_add(c, from, n < 0 ? -n : n, &out, &err) == JZ_OK &&
            jz_calendar_count(c, from, out, &count, &err) == JZ_OK && count != (n < 0 ? -n : n))
            __builtin_trap(); /* count must invert add */
        jz_calendar_add(c, jz_date_make(last, 12, 31), n, &out, &err);
        jz_calendar_is_workday(c, jz_date_make(last, 6, 30), &w, &err);
        jz_calendar_free(c);
    }
    char msg[1024];
    jz_error_format(&err, msg, sizeof msg);
    return 0;
}
