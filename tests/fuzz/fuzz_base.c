/*
 * fuzz_base.c - libFuzzer target for the small parsers every record goes
 * through: yuan amounts (as text and as doubles), dates, ID numbers and
 * region codes (shape only), and the error formatter with what they report.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_date.h"
#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_money.h"
#include "jiuzhu/jz_region.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    jz_error err;
    char buf[1024];
    jz_fen fen;
    jz_error_clear(&err);
    if (jz_money_parse(s, size, &fen, &err) == JZ_OK) {
        char m[JZ_MONEY_BUF];
        jz_money_format(fen, m, sizeof m);
        jz_fen back;
        if (jz_money_parse(m, strlen(m), &back, &err) != JZ_OK || back != fen)
            __builtin_trap(); /* formatting must round-trip */
    }
    if (size >= sizeof(double)) {
        double d;
        memcpy(&d, data, sizeof d);
        jz_money_from_double(d, &fen, &err);
    }
    jz_date date;
    if (jz_date_parse(s, size, &date, &err) == JZ_OK) {
        char t[JZ_DATE_BUF];
        jz_date_format(date, t, sizeof t);
        if (strlen(t) != size || memcmp(t, s, size) != 0)
            __builtin_trap();
        jz_date_from_days(jz_date_to_days(date));
        jz_date_add_months(date, (int)(size % 25) - 12);
    }
    char id[JZ_IDNUM_BUF];
    if (jz_idnum_normalize(s, size, id, &err) == JZ_OK) {
        jz_idnum_birth(id);
        jz_idnum_sex(id);
    }
    jz_region r;
    jz_region_parse(NULL, s, size, &r, &err);
    /* jz_error_set_where takes terminated strings. */
    char text[256];
    size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
    memcpy(text, s, n);
    text[n] = '\0';
    jz_error_set_where(&err, text, text);
    jz_error_setn(&err, JZ_EINPUT, "f", s, size, "%s", "r");
    jz_error_format(&err, buf, sizeof buf);
    return 0;
}
