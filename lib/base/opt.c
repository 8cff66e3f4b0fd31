/*
 * opt.c - the one parser of numbers given on a command line.
 *
 * strtol alone accepts leading spaces, a '+', "12abc" (when the end pointer
 * is not checked), and turns an overflow into LONG_MAX with errno, which
 * callers forget; "-99999999" days then overflowed a date.  Here the grammar
 * is checked by hand and the value accumulated with an overflow check, so
 * what is accepted is exactly "-?[0-9]+" within the caller's range.
 */
#include "jiuzhu/jz_opt.h"

#include <limits.h>
#include <stdbool.h>

static jz_err refuse(const char *text, size_t len, long long min, long long max, jz_error *err)
{
    return jz_error_setn(err, JZ_EUSAGE, NULL, text, text ? len : 0, "应为 %lld 到 %lld 之间的整数",
                         min, max);
}

jz_err jz_parse_intn(const char *text, size_t len, long long min, long long max, long long *out,
                     jz_error *err)
{
    if (text == NULL || len == 0 || min > max)
        return refuse(text, len, min, max, err);
    size_t i = 0;
    bool negative = text[0] == '-';
    if (negative && min >= 0)
        return refuse(text, len, min, max, err);
    i += negative;
    if (i == len)
        return refuse(text, len, min, max, err);
    /* Accumulated as a negative number: its range is one larger, so
     * LLONG_MIN is reachable without overflow. */
    long long v = 0;
    for (; i < len; i++) {
        char c = text[i];
        if (c < '0' || c > '9')
            return refuse(text, len, min, max, err);
        int d = c - '0';
        if (v < (LLONG_MIN + d) / 10)
            return refuse(text, len, min, max, err);
        v = v * 10 - d;
    }
    if (!negative) {
        if (v == LLONG_MIN)
            return refuse(text, len, min, max, err);
        v = -v;
    }
    if (v < min || v > max)
        return refuse(text, len, min, max, err);
    *out = v;
    return JZ_OK;
}

jz_err jz_parse_int(const char *text, long long min, long long max, long long *out, jz_error *err)
{
    size_t len = 0;
    if (text != NULL)
        while (text[len] != '\0')
            len++;
    return jz_parse_intn(text, len, min, max, out, err);
}
