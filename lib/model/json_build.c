/*
 * json_build.c - small helpers for writing JSON with jansson, shared by the
 * record writer and the determination writer: amounts and dates as the
 * strings FORMATS.md prescribes, and setters that remember an allocation
 * failure instead of checking every call.
 */
#include "model_int.h"

json_t *jz__json_money(jz_fen v)
{
    char b[JZ_MONEY_BUF];
    jz_money_format(v, b, sizeof b);
    return json_string(b);
}

json_t *jz__json_date(jz_date d)
{
    char b[JZ_DATE_BUF];
    jz_date_format(d, b, sizeof b);
    return json_string(b);
}

void jz__json_set(json_t *o, const char *key, json_t *v, int *bad)
{
    if (!v || json_object_set_new(o, key, v) != 0)
        *bad = 1;
}

void jz__json_append(json_t *a, json_t *v, int *bad)
{
    if (!v || json_array_append_new(a, v) != 0)
        *bad = 1;
}
