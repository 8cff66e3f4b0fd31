/*
 * money.c - yuan strings in, integer fen out, and overflow-checked arithmetic.
 *
 * Amounts cross the boundary of jiuzhu as text ("1234.50") or as JSON
 * numbers; inside they are int64 fen and nothing else.  The parser is strict
 * on purpose: anything that would need rounding, guessing a sign or skipping
 * characters is refused with a reason a caseworker can act on, because a
 * silently "corrected" amount changes an eligibility decision.
 */
#include "jiuzhu/jz_money.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The integer part may not exceed this many yuan (JZ_MONEY_MAX / 100). */
#define MAX_YUAN (JZ_MONEY_MAX / 100)

/* Doubles at or above this are out of range whatever their digits; checking
 * first keeps the decimal text of a huge double short. */
#define DOUBLE_LIMIT 1e15

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

jz_err jz_money_parse(const char *s, size_t len, jz_fen *out, jz_error *err)
{
    size_t i = 0, int_digits = 0, frac_digits = 0;
    jz_fen yuan = 0, fen = 0;
    bool too_big = false;

    if (s == NULL || len == 0)
        return jz_error_setn(err, JZ_EINPUT, NULL, s, 0, "金额不能为空");
    if (s[0] == '-')
        return jz_error_setn(err, JZ_EINPUT, NULL, s, len, "金额不能为负数");

    /* Integer part.  Once it passes MAX_YUAN the rest of the digits are only
     * counted, never accumulated, so a string of any length cannot overflow
     * the accumulator. */
    for (; i < len && is_digit(s[i]); i++, int_digits++) {
        if (too_big)
            continue;
        yuan = yuan * 10 + (s[i] - '0');
        if (yuan > MAX_YUAN)
            too_big = true;
    }
    if (i < len && s[i] == '.') {
        i++;
        for (; i < len && is_digit(s[i]); i++, frac_digits++) {
            if (frac_digits < 2)
                fen = fen * 10 + (s[i] - '0');
        }
        if (i == len && int_digits == 0)
            return jz_error_setn(err, JZ_EINPUT, NULL, s, len,
                                 "金额格式无效（小数点前应有数字，如 0.5）");
        if (i == len && frac_digits == 0)
            return jz_error_setn(err, JZ_EINPUT, NULL, s, len,
                                 "金额格式无效（小数点后应有数字，如 1.0）");
    }
    if (i < len || int_digits == 0)
        return jz_error_setn(err, JZ_EINPUT, NULL, s, len, "金额格式无效（只允许数字和小数点）");
    if (frac_digits > 2)
        return jz_error_setn(err, JZ_EINPUT, NULL, s, len, "金额最多两位小数");
    if (frac_digits == 1)
        fen *= 10;
    if (too_big || yuan * 100 + fen > JZ_MONEY_MAX)
        return jz_error_setn(err, JZ_ERANGE, NULL, s, len, "金额超出上限 999999999999.99");
    *out = yuan * 100 + fen;
    return JZ_OK;
}

jz_err jz_money_from_double(double v, jz_fen *out, jz_error *err)
{
    char text[64];

    if (isnan(v) || isinf(v))
        return jz_error_set(err, JZ_EINPUT, NULL, isnan(v) ? "NaN" : "Infinity",
                            "金额不是有效数值");
    /* signbit() rather than v < 0, so that -0.0 is refused like the string
     * "-0": a sign in an amount is an error, not something to normalise. */
    if (signbit(v)) {
        snprintf(text, sizeof text, "%.17g", v);
        return jz_error_set(err, JZ_EINPUT, NULL, text, "金额不能为负数");
    }
    if (v >= DOUBLE_LIMIT) {
        snprintf(text, sizeof text, "%.17g", v);
        return jz_error_set(err, JZ_ERANGE, NULL, text, "金额超出上限 999999999999.99");
    }

    if (!jz_double_decimal(v, text, sizeof text))
        return jz_error_set(err, JZ_EINPUT, NULL, text, "金额最多两位小数");
    return jz_money_parse(text, strlen(text), out, err);
}

bool jz_double_decimal(double v, char *buf, size_t n)
{
    if (buf == NULL || n < 32)
        return false;
    snprintf(buf, n, "%.17g", v);
    if (!isfinite(v))
        return false;
    /* 17 significant digits always read back, so the loop ends with a match. */
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    /* %g uses an exponent for large whole numbers (1000 is "1e+03") and for
     * tiny fractions (0.00001 is "1e-05").  A positive exponent means v is a
     * whole number, which %.0f writes exactly. */
    if (strchr(buf, 'e') == NULL)
        return true;
    if (strchr(buf, '-') != NULL)
        return false;
    snprintf(buf, n, "%.0f", v);
    return true;
}

size_t jz_money_format(jz_fen v, char *buf, size_t n)
{
    /* The magnitude is taken in unsigned arithmetic, where negating INT64_MIN
     * is defined and gives 2^63.  Written by hand: amounts are written by
     * the million in every determination. */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char t[JZ_MONEY_BUF], *e = t + sizeof t, *q = e;

    if (buf == NULL || n == 0)
        return 0;
    *--q = (char)('0' + mag % 10);
    *--q = (char)('0' + mag / 10 % 10);
    *--q = '.';
    mag /= 100;
    do
        *--q = (char)('0' + mag % 10);
    while (mag /= 10);
    if (v < 0)
        *--q = '-';
    size_t w = (size_t)(e - q);
    if (w >= n)
        w = n - 1;
    memcpy(buf, q, w);
    buf[w] = '\0';
    return w;
}

bool jz_money_add(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;

    if (__builtin_add_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

bool jz_money_mul(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;

    if (__builtin_mul_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

/* C division truncates towards zero, so the quotient is one too high (floor)
 * or one too low (ceil) exactly when there is a remainder and the true
 * quotient is negative (floor) or positive (ceil).  Written for any b != 0,
 * although the header promises only b > 0. */
int64_t jz_div_floor(int64_t a, int64_t b)
{
    int64_t q = a / b, r = a % b;

    if (r != 0 && ((r < 0) != (b < 0)))
        q--;
    return q;
}

int64_t jz_div_ceil(int64_t a, int64_t b)
{
    int64_t q = a / b, r = a % b;

    if (r != 0 && ((r < 0) == (b < 0)))
        q++;
    return q;
}
