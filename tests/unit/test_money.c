/*
 * test_money.c - unit tests of amounts: parsing, doubles, formatting and
 * overflow-checked arithmetic.
 *
 * The parser's refusals matter as much as its results: an amount that would
 * need rounding or guessing must be rejected with the reason a caseworker
 * sees, so the tests check the codes and the reasons.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "jiuzhu/jz_money.h"

/* Parses a terminated string and returns the code; *out gets the fen. */
static jz_err parse(const char *s, jz_fen *out, jz_error *e)
{
    jz_error_clear(e);
    return jz_money_parse(s, strlen(s), out, e);
}

static void check_ok(const char *s, jz_fen expected)
{
    jz_error e;
    jz_fen v = -1;

    if (parse(s, &v, &e) != JZ_OK)
        fail_msg("\"%s\" refused: %s", s, e.reason);
    assert_int_equal(v, expected);
}

/* Checks a refusal: its code, that the reason contains `reason`, and that
 * the value names the text.  The output must stay untouched. */
static void check_bad(const char *s, jz_err code, const char *reason)
{
    jz_error e;
    jz_fen v = 4242;

    assert_int_equal(parse(s, &v, &e), code);
    assert_int_equal(e.code, code);
    if (strstr(e.reason, reason) == NULL)
        fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", s, e.reason, reason);
    assert_int_equal(v, 4242);
}

static void test_parse_valid(void **state)
{
    (void)state;
    check_ok("0", 0);
    check_ok("0.01", 1);
    check_ok("0.1", 10);
    check_ok("1234", 123400);
    check_ok("1234.5", 123450);
    check_ok("1234.50", 123450);
    check_ok("007.5", 750);
    check_ok("999999999999.99", JZ_MONEY_MAX);
    check_ok("000000000000000000000000001.00", 100);
}

static void test_parse_unterminated(void **state)
{
    jz_error e;
    jz_fen v = 0;

    (void)state;
    /* Only the given length is read: "12.34" of "12.345". */
    assert_int_equal(jz_money_parse("12.345", 5, &v, &e), JZ_OK);
    assert_int_equal(v, 1234);
}

static void test_parse_invalid(void **state)
{
    static const char bad_format[] = "金额格式无效（只允许数字和小数点）";

    (void)state;
    check_bad("12.345", JZ_EINPUT, "金额最多两位小数");
    check_bad("1234.500", JZ_EINPUT, "金额最多两位小数");
    check_bad("-1", JZ_EINPUT, "金额不能为负数");
    check_bad("-0.00", JZ_EINPUT, "金额不能为负数");
    check_bad("1e3", JZ_EINPUT, bad_format);
    check_bad(" 1", JZ_EINPUT, bad_format);
    check_bad("1 ", JZ_EINPUT, bad_format);
    check_bad("+1", JZ_EINPUT, bad_format);
    check_bad("1,234.00", JZ_EINPUT, bad_format);
    check_bad("1.2.3", JZ_EINPUT, bad_format);
    check_bad("abc", JZ_EINPUT, bad_format);
    check_bad("", JZ_EINPUT, "金额不能为空");
    check_bad(".5", JZ_EINPUT, "小数点前应有数字");
    check_bad(".", JZ_EINPUT, "小数点前应有数字");
    check_bad("1.", JZ_EINPUT, "小数点后应有数字");
}

static void test_parse_embedded_nul(void **state)
{
    jz_error e;
    jz_fen v = 0;

    (void)state;
    assert_int_equal(jz_money_parse("12\0"
                                    "3",
                                    4, &v, &e),
                     JZ_EINPUT);
    assert_string_equal(e.value, "12\\x003");
}

static void test_parse_overflow(void **state)
{
    char huge[300];

    (void)state;
    check_bad("1000000000000", JZ_ERANGE, "金额超出上限 999999999999.99");
    check_bad("1000000000000.00", JZ_ERANGE, "金额超出上限");
    check_bad("9223372036854775807", JZ_ERANGE, "金额超出上限");
    check_bad("92233720368547758070000", JZ_ERANGE, "金额超出上限");
    /* Far more digits than int64 holds: detected without overflowing. */
    memset(huge, '9', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    check_bad(huge, JZ_ERANGE, "金额超出上限");
    huge[150] = '.';
    check_bad(huge, JZ_EINPUT, "金额最多两位小数");
}

static void test_parse_error_value(void **state)
{
    jz_error e;
    jz_fen v;

    (void)state;
    parse("12.345", &v, &e);
    assert_string_equal(e.value, "12.345");
    assert_string_equal(e.field, "");
}

static void test_from_double(void **state)
{
    jz_error e;
    jz_fen v = 0;

    (void)state;
    assert_int_equal(jz_money_from_double(1234.5, &v, &e), JZ_OK);
    assert_int_equal(v, 123450);
    assert_int_equal(jz_money_from_double(0.01, &v, &e), JZ_OK);
    assert_int_equal(v, 1);
    assert_int_equal(jz_money_from_double(0.0, &v, &e), JZ_OK);
    assert_int_equal(v, 0);
    assert_int_equal(jz_money_from_double(1.1, &v, &e), JZ_OK);
    assert_int_equal(v, 110);
    /* Whole numbers that %g writes with an exponent are still amounts. */
    assert_int_equal(jz_money_from_double(1000.0, &v, &e), JZ_OK);
    assert_int_equal(v, 100000);
    assert_int_equal(jz_money_from_double(150000.0, &v, &e), JZ_OK);
    assert_int_equal(v, 15000000);
    assert_int_equal(jz_money_from_double(999999999999.99, &v, &e), JZ_OK);
    assert_int_equal(v, JZ_MONEY_MAX);
}

static void test_from_double_invalid(void **state)
{
    jz_error e;
    jz_fen v = 77;
    volatile double a = 0.1, b = 0.2;

    (void)state;
    jz_error_clear(&e);
    assert_int_equal(jz_money_from_double(12.345, &v, &e), JZ_EINPUT);
    assert_string_equal(e.reason, "金额最多两位小数");
    assert_string_equal(e.value, "12.345");

    /* 0.1 + 0.2 is 0.30000000000000004 as a double, not 0.3. */
    assert_int_equal(jz_money_from_double(a + b, &v, &e), JZ_EINPUT);
    assert_string_equal(e.value, "0.30000000000000004");
    assert_string_equal(e.reason, "金额最多两位小数");

    assert_int_equal(jz_money_from_double(0.00001, &v, &e), JZ_EINPUT);
    assert_string_equal(e.reason, "金额最多两位小数");
    assert_int_equal(jz_money_from_double(-1.0, &v, &e), JZ_EINPUT);
    assert_string_equal(e.reason, "金额不能为负数");
    assert_int_equal(jz_money_from_double(-0.0, &v, &e), JZ_EINPUT);
    assert_int_equal(jz_money_from_double(NAN, &v, &e), JZ_EINPUT);
    assert_int_equal(jz_money_from_double(INFINITY, &v, &e), JZ_EINPUT);
    assert_int_equal(jz_money_from_double(-INFINITY, &v, &e), JZ_EINPUT);
    assert_int_equal(jz_money_from_double(1e12, &v, &e), JZ_ERANGE);
    assert_int_equal(jz_money_from_double(1e300, &v, &e), JZ_ERANGE);
    assert_string_equal(e.reason, "金额超出上限 999999999999.99");
    assert_int_equal(v, 77);
}

static void check_format(jz_fen v, const char *expected)
{
    char buf[JZ_MONEY_BUF];
    size_t n = jz_money_format(v, buf, sizeof buf);

    assert_string_equal(buf, expected);
    assert_int_equal(n, strlen(expected));
}

static void test_format(void **state)
{
    (void)state;
    check_format(0, "0.00");
    check_format(1, "0.01");
    check_format(10, "0.10");
    check_format(123450, "1234.50");
    check_format(JZ_MONEY_MAX, "999999999999.99");
    check_format(-1, "-0.01");
    check_format(-123450, "-1234.50");
    check_format(INT64_MAX, "92233720368547758.07");
    check_format(INT64_MIN, "-92233720368547758.08");
    /* A buffer too small keeps the beginning, terminated. */
    char small[5];
    assert_int_equal(jz_money_format(-123450, small, sizeof small), 4);
    assert_string_equal(small, "-123");
}

static void test_format_round_trip(void **state)
{
    char buf[JZ_MONEY_BUF];
    jz_error e;

    (void)state;
    for (jz_fen v = 0; v < 100000; v += 7) {
        jz_fen back = -1;

        jz_money_format(v, buf, sizeof buf);
        assert_int_equal(jz_money_parse(buf, strlen(buf), &back, &e), JZ_OK);
        assert_int_equal(back, v);
    }
}

static void test_add_mul(void **state)
{
    int64_t r = 5;

    (void)state;
    assert_true(jz_money_add(2, 3, &r));
    assert_int_equal(r, 5);
    assert_true(jz_money_add(INT64_MAX, INT64_MIN, &r));
    assert_int_equal(r, -1);
    r = 5;
    assert_false(jz_money_add(INT64_MAX, 1, &r));
    assert_false(jz_money_add(INT64_MIN, -1, &r));
    assert_int_equal(r, 5);
    assert_true(jz_money_mul(12, JZ_MONEY_MAX, &r));
    assert_int_equal(r, 12 * JZ_MONEY_MAX);
    r = 5;
    assert_false(jz_money_mul(INT64_MAX / 2 + 1, 2, &r));
    assert_false(jz_money_mul(INT64_MIN, -1, &r));
    assert_int_equal(r, 5);
}

static void test_div(void **state)
{
    (void)state;
    assert_int_equal(jz_div_floor(7, 2), 3);
    assert_int_equal(jz_div_ceil(7, 2), 4);
    assert_int_equal(jz_div_floor(-7, 2), -4);
    assert_int_equal(jz_div_ceil(-7, 2), -3);
    assert_int_equal(jz_div_floor(6, 3), 2);
    assert_int_equal(jz_div_ceil(6, 3), 2);
    assert_int_equal(jz_div_floor(-6, 3), -2);
    assert_int_equal(jz_div_ceil(-6, 3), -2);
    assert_int_equal(jz_div_floor(0, 5), 0);
    assert_int_equal(jz_div_ceil(0, 5), 0);
    assert_int_equal(jz_div_ceil(1, 12), 1);
    assert_int_equal(jz_div_floor(-1, 12), -1);
    assert_int_equal(jz_div_floor(INT64_MIN, 1), INT64_MIN);
    assert_int_equal(jz_div_ceil(INT64_MAX, 2), INT64_MAX / 2 + 1);
    assert_int_equal(jz_div_floor(INT64_MIN, 2), INT64_MIN / 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),    cmocka_unit_test(test_parse_unterminated),
        cmocka_unit_test(test_parse_invalid),  cmocka_unit_test(test_parse_embedded_nul),
        cmocka_unit_test(test_parse_overflow), cmocka_unit_test(test_parse_error_value),
        cmocka_unit_test(test_from_double),    cmocka_unit_test(test_from_double_invalid),
        cmocka_unit_test(test_format),         cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_add_mul),        cmocka_unit_test(test_div),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
