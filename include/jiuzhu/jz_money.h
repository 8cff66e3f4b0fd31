/*
 * jz_money.h - money as int64 fen (分), exactly.
 *
 * Input and output amounts are yuan strings with at most two decimals; inside
 * jiuzhu everything is integer fen (POLICY.md section 0).  More than two
 * decimals, a sign, an exponent, or a value above JZ_MONEY_MAX is an input
 * error, never a rounding.  Arithmetic helpers report overflow instead of
 * wrapping.
 */
#ifndef JZ_MONEY_H
#define JZ_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jz_err.h"

typedef int64_t jz_fen;

/* 999,999,999,999.99 yuan: far above any real amount, far below INT64_MAX. */
#define JZ_MONEY_MAX ((jz_fen)99999999999999LL)

/* Buffer size that holds any formatted amount, sign and terminator included. */
#define JZ_MONEY_BUF 32

/*
 * Parses a non-negative yuan amount: digits, optionally '.', then one or two
 * digits ("1234", "1234.5", "1234.50", "0.01").  No sign, no spaces, no
 * exponent, no thousands separators; leading zeros are accepted ("007.5").
 * s need not be terminated.  On error fills err (field left to the caller,
 * value = the text) and returns JZ_EINPUT or JZ_ERANGE (above JZ_MONEY_MAX).
 */
jz_err jz_money_parse(const char *s, size_t len, jz_fen *out, jz_error *err);

/*
 * Parses an amount that arrived as a JSON real (double).  The double is
 * turned into the shortest decimal text that reads back to the same double,
 * and that text is parsed by jz_money_parse, so 1234.5 is accepted and
 * 12.345 is rejected for its three decimals.
 */
jz_err jz_money_from_double(double v, jz_fen *out, jz_error *err);

/*
 * Writes the shortest decimal text that reads back (strtod) to v, the way
 * the sender most likely wrote it: 1234.5, not 1234.5000000000000.  Whole
 * numbers are written without an exponent.  Returns false when v is not
 * finite, or needs a negative exponent (tiny fractions such as 1e-05), or
 * n < 32; buf then holds v in %.17g form for an error message.
 */
bool jz_double_decimal(double v, char *buf, size_t n);

/* Writes "1234.50" (exactly two decimals; "-" for negatives) into buf.
 * Returns the length written (excluding the terminator). n >= JZ_MONEY_BUF. */
size_t jz_money_format(jz_fen v, char *buf, size_t n);

/* Overflow-checked arithmetic on int64: false (and *out untouched) on overflow. */
bool jz_money_add(int64_t a, int64_t b, int64_t *out);
bool jz_money_mul(int64_t a, int64_t b, int64_t *out);

/* Integer division rounded towards +infinity / -infinity; b > 0. */
int64_t jz_div_ceil(int64_t a, int64_t b);
int64_t jz_div_floor(int64_t a, int64_t b);

#endif
