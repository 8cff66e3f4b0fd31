/*
 * test_opt.c - unit tests of jz_parse_int, the one parser of numbers given
 * on the command line: exactly "-?[0-9]+" within the caller's range, and an
 * error that carries the text and the range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "jiuzhu/jz_opt.h"

static long long ok(const char *text, long long min, long long max)
{
    long long v = -12345;
    jz_error err;
    jz_error_clear(&err);
    if (jz_parse_int(text, min, max, &v, &err) != JZ_OK)
        fail_msg("「%s」in [%lld, %lld] refused: %s", text, min, max, err.reason);
    return v;
}

static void refused(const char *text, long long min, long long max)
{
    long long v = 777;
    jz_error err;
    jz_error_clear(&err);
    if (jz_parse_int(text, min, max, &v, &err) != JZ_EUSAGE)
        fail_msg("「%s」in [%lld, %lld] accepted as %lld", text ? text : "(null)", min, max, v);
    assert_int_equal(v, 777); /* untouched */
    assert_int_equal(err.code, JZ_EUSAGE);
}

static void test_accepts(void **state)
{
    (void)state;
    assert_int_equal(ok("0", 0, 3650), 0);
    assert_int_equal(ok("3650", 0, 3650), 3650);
    assert_int_equal(ok("30", 0, 3650), 30);
    assert_int_equal(ok("007", 0, 3650), 7);
    assert_int_equal(ok("-5", -100000, 100000), -5);
    assert_int_equal(ok("-0", -1, 1), 0);
    assert_int_equal(ok("9223372036854775807", 1, LLONG_MAX), LLONG_MAX);
    assert_true(ok("-9223372036854775808", LLONG_MIN, 0) == LLONG_MIN);
}

static void test_refuses(void **state)
{
    (void)state;
    refused(NULL, 0, 10);
    refused("", 0, 10);
    refused("abc", 0, 3650);
    refused("12abc", 0, 3650);
    refused(" 12", 0, 3650);
    refused("12 ", 0, 3650);
    refused("+12", 0, 3650);
    refused("-", -10, 10);
    refused("--1", -10, 10);
    refused("1e3", 0, 100000);
    refused("0x10", 0, 100000);
    refused("1.0", 0, 10);
    refused("１２", 0, 100); /* full-width digits */
    /* A sign where none is allowed, even for zero. */
    refused("-0", 0, 10);
    refused("-1", 0, 3650);
    refused("-99999999", 0, 3650);
    /* Out of range, and overflow of every size. */
    refused("3651", 0, 3650);
    refused("0", 1, LLONG_MAX);
    refused("9223372036854775808", 1, LLONG_MAX);
    refused("-9223372036854775809", LLONG_MIN, 0);
    refused("99999999999999999999999999", 0, LLONG_MAX);
    refused("-99999999999999999999999999", LLONG_MIN, 0);
}

static void test_error_names_value_and_range(void **state)
{
    (void)state;
    long long v;
    jz_error err;
    char buf[256];
    jz_error_clear(&err);
    assert_int_equal(jz_parse_int("abc", 0, 3650, &v, &err), JZ_EUSAGE);
    assert_string_equal(err.value, "abc");
    assert_string_equal(err.reason, "应为 0 到 3650 之间的整数");
    jz_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "值 \"abc\"：应为 0 到 3650 之间的整数");
}

static void test_length_given(void **state)
{
    (void)state;
    long long v = 0;
    jz_error err;
    jz_error_clear(&err);
    /* "12:abc" up to the colon, as `audit --head SEQ:HASH` gives it. */
    assert_int_equal(jz_parse_intn("12:abc", 2, 1, 100, &v, &err), JZ_OK);
    assert_int_equal(v, 12);
    /* A NUL inside the text is not a digit. */
    assert_int_equal(jz_parse_intn("1\0002", 3, 0, 1000, &v, &err), JZ_EUSAGE);
    assert_int_equal(jz_parse_intn("5", 0, 0, 10, &v, &err), JZ_EUSAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts),
        cmocka_unit_test(test_refuses),
        cmocka_unit_test(test_error_names_value_and_range),
        cmocka_unit_test(test_length_given),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
