/*
 * idnum.c - checking and normalising 公民身份号码 (GB 11643-1999).
 *
 * The ID number is the key of a person across departments, so a number that
 * fails its check character is refused outright: accepting it would attach
 * one person's income, disability or death record to somebody else.  Legacy
 * 15-digit numbers are still found on old records and are converted to the
 * 18-character form, which is the only form stored.
 */
#include "jiuzhu/jz_idnum.h"

#include <stdbool.h>
#include <string.h>

static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_chars[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

char jz_idnum_check_char(const char *first17)
{
    int sum = 0;

    for (int i = 0; i < 17; i++) {
        if (!is_digit(first17[i]))
            return '\0';
        sum += (first17[i] - '0') * weights[i];
    }
    return check_chars[sum % 11];
}

/* The value of n digits at s, which the caller has checked are digits. */
static int number(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

jz_err jz_idnum_normalize(const char *s, size_t len, char out[JZ_IDNUM_BUF], jz_error *err)
{
    char id[JZ_IDNUM_BUF];
    size_t digits_needed;
    char expected, given;

    if (s == NULL || (len != 18 && len != 15))
        return jz_error_setn(err, JZ_EINPUT, NULL, s, s != NULL ? len : 0,
                             "身份证号码长度应为18位或15位");

    /* The first 17 characters of an 18-character number are digits; a legacy
     * number is digits throughout. */
    digits_needed = len == 18 ? 17 : 15;
    for (size_t i = 0; i < digits_needed; i++) {
        if (!is_digit(s[i]))
            return jz_error_setn(err, JZ_EINPUT, NULL, s, len, "身份证号码第%zu位应为数字", i + 1);
    }

    if (len == 18) {
        memcpy(id, s, 17);
    } else {
        /* 6 region digits, "19", then YYMMDD and the 3-digit sequence. */
        memcpy(id, s, 6);
        id[6] = '1';
        id[7] = '9';
        memcpy(id + 8, s + 6, 9);
    }
    if (!jz_date_valid(number(id + 6, 4), number(id + 10, 2), number(id + 12, 2)))
        return jz_error_setn(err, JZ_EINPUT, NULL, s, len, "出生日期无效");

    expected = jz_idnum_check_char(id);
    if (len == 18) {
        given = s[17] == 'x' ? 'X' : s[17];
        if (given != expected)
            return jz_error_setn(err, JZ_EINPUT, NULL, s, len, "身份证号码校验码错误：应为 %c",
                                 expected);
    }
    id[17] = expected;
    id[18] = '\0';
    memcpy(out, id, JZ_IDNUM_BUF);
    return JZ_OK;
}

jz_date jz_idnum_birth(const char *id18)
{
    return jz_date_make(number(id18 + 6, 4), number(id18 + 10, 2), number(id18 + 12, 2));
}

int jz_idnum_sex(const char *id18)
{
    return (id18[16] - '0') % 2 == 1 ? 1 : 2;
}

void jz_idnum_mask(const char *id, char out[JZ_IDNUM_MASKED_BUF])
{
    size_t n = id ? strnlen(id, JZ_IDNUM_MASKED_BUF - 1) : 0;
    if (n == JZ_IDNUM_LEN) {
        memcpy(out, id, 6);
        memset(out + 6, '*', 8);
        memcpy(out + 14, id + 14, 4);
        out[18] = '\0';
        return;
    }
    if (n <= 2) {
        memset(out, '*', n);
        out[n] = '\0';
        return;
    }
    out[0] = id[0];
    memset(out + 1, '*', n - 2);
    out[n - 1] = id[n - 1];
    out[n] = '\0';
}

void jz_idnum_mask_text(char *t)
{
    size_t i = 0;
    while (t[i]) {
        if (!is_digit(t[i]) || (i > 0 && is_digit(t[i - 1]))) {
            i++;
            continue;
        }
        size_t j = i;
        while (is_digit(t[j]))
            j++;
        size_t len = j - i;
        if (len == 17 && (t[j] == 'X' || t[j] == 'x'))
            len = 18, j++;
        if (len == 18 || len == 15) {
            /* 18: keep 6 and 4; 15: keep 6 and 3. */
            size_t keep_end = len == 18 ? 4 : 3;
            memset(t + i + 6, '*', len - 6 - keep_end);
        }
        i = j;
    }
}
