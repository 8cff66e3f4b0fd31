/*
 * fuzz_programme.c - libFuzzer target for a one-time programme's file
 * (jz_once_programme_parse, policy/programmes/CODE.json).  Inputs whose first
 * byte is odd are parsed as the file "t-once.json" (the code must then be
 * t-once), the others with no file name.
 *
 * Besides the sanitizers, the target checks the promises a programme that
 * parses makes to jz_pay_once: a code that is never a month or a quarter,
 * an amount in range, shares from 0 to 1, a deadline not before as_of, and
 * a funding split of any amount whose two parts make the amount.  A broken
 * promise aborts.  See tests/fuzz/README.md for how to run it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_pay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jz_once_programme p;
    jz_error err;
    jz_error_clear(&err);
    const char *code = size && (data[0] & 1) ? "t-once" : NULL;
    if (jz_once_programme_parse((const char *)data, size, code, &p, &err) != JZ_OK) {
        if (err.code == JZ_OK || !err.reason[0])
            abort(); /* a refusal always says why */
        return 0;
    }
    int ym;
    if (!p.code[0] || jz_period_first_month(p.code, &ym) || (code && strcmp(p.code, code) != 0))
        abort();
    if (p.amount <= 0 || p.amount > (jz_fen)10000000 || p.province_ppm < 0 ||
        p.province_ppm > 1000000 || !p.eligible || p.as_of == JZ_DATE_NONE ||
        (p.deadline != JZ_DATE_NONE && p.deadline < p.as_of) || !p.name[0] || !p.source[0])
        abort();
    jz_fen amounts[] = {1, 3, p.amount, p.amount * 7 + 1};
    for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++) {
        jz_fen pr, lo;
        jz_once_programme_split(&p, amounts[i], &pr, &lo);
        if (pr < 0 || lo < 0 || pr + lo != amounts[i])
            abort();
    }
    return 0;
}
