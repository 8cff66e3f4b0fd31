/*
 * test_date.c - unit tests of calendar dates, day counts and ages.
 *
 * Ages and month arithmetic decide eligibility at their edges (the day
 * before a 16th birthday, the end of a short month), so those edges are
 * tested one by one, and the day count is checked against a plain
 * day-by-day walk over every supported date.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "jiuzhu/jz_date.h"

static jz_err parse(const char *s, jz_date *out, jz_error *e)
{
    jz_error_clear(e);
    return jz_date_parse(s, strlen(s), out, e);
}

static void test_valid(void **state)
{
    (void)state;
    assert_true(jz_date_valid(2024, 2, 29));
    assert_false(jz_date_valid(2023, 2, 29));
    assert_false(jz_date_valid(2100, 2, 29));
    assert_true(jz_date_valid(2000, 2, 29));
    assert_false(jz_date_valid(1900, 2, 29));
    assert_true(jz_date_valid(1900, 1, 1));
    assert_true(jz_date_valid(2199, 12, 31));
    assert_false(jz_date_valid(1899, 12, 31));
    assert_false(jz_date_valid(2200, 1, 1));
    assert_false(jz_date_valid(2024, 4, 31));
    assert_false(jz_date_valid(2024, 13, 1));
    assert_false(jz_date_valid(2024, 0, 1));
    assert_false(jz_date_valid(2024, 1, 0));
    assert_int_equal(jz_date_days_in_month(2024, 2), 29);
    assert_int_equal(jz_date_days_in_month(2023, 2), 28);
    assert_int_equal(jz_date_days_in_month(2023, 12), 31);
    assert_int_equal(jz_date_days_in_month(2023, 13), 0);
}

static void test_parse(void **state)
{
    jz_error e;
    jz_date d = 0;

    (void)state;
    assert_int_equal(parse("2024-02-29", &d, &e), JZ_OK);
    assert_int_equal(d, 20240229);
    assert_int_equal(parse("2000-02-29", &d, &e), JZ_OK);
    assert_int_equal(d, 20000229);
    assert_int_equal(parse("1900-01-01", &d, &e), JZ_OK);
    assert_int_equal(d, 19000101);

    d = 1;
    assert_int_equal(parse("2023-02-29", &d, &e), JZ_EINPUT);
    assert_string_equal(e.reason, "日期不存在（2023-02-29）");
    assert_string_equal(e.value, "2023-02-29");
    assert_int_equal(parse("2100-02-29", &d, &e), JZ_EINPUT);
    assert_string_equal(e.reason, "日期不存在（2100-02-29）");
    assert_int_equal(parse("2024-13-01", &d, &e), JZ_EINPUT);
    assert_int_equal(parse("2024-00-10", &d, &e), JZ_EINPUT);
    assert_int_equal(parse("1899-12-31", &d, &e), JZ_EINPUT);
    assert_int_equal(parse("2200-01-01", &d, &e), JZ_EINPUT);
    assert_int_equal(d, 1);

    static const char *const bad_shape[] = {
        "2024-6-01",  "2024/06/01", "20240601",    "2024-06-01 ", " 2024-06-01",
        "2024-06-0a", "",           "2024-06-011", "+024-06-01",  "2024--6-01",
    };
    for (size_t i = 0; i < sizeof bad_shape / sizeof bad_shape[0]; i++) {
        assert_int_equal(parse(bad_shape[i], &d, &e), JZ_EINPUT);
        assert_string_equal(e.reason, "日期格式应为 YYYY-MM-DD");
    }

    /* Only the given length is read. */
    assert_int_equal(jz_date_parse("2024-06-01T00:00", 10, &d, &e), JZ_OK);
    assert_int_equal(d, 20240601);
}

static void test_format(void **state)
{
    char buf[JZ_DATE_BUF];

    (void)state;
    assert_int_equal(jz_date_format(20240601, buf, sizeof buf), 10);
    assert_string_equal(buf, "2024-06-01");
    assert_int_equal(jz_date_format(19000101, buf, sizeof buf), 10);
    assert_string_equal(buf, "1900-01-01");
}

static void test_days(void **state)
{
    (void)state;
    assert_int_equal(jz_date_to_days(19700101), 0);
    assert_int_equal(jz_date_to_days(19700102), 1);
    assert_int_equal(jz_date_to_days(19691231), -1);
    assert_int_equal(jz_date_to_days(20000301), 11017);
    assert_int_equal(jz_date_from_days(0), 19700101);
    assert_int_equal(jz_date_from_days(-1), 19691231);
    assert_int_equal(jz_date_from_days(19875), 20240601);
}

/* Every date from 1900-01-01 to 2199-12-31 maps to consecutive day numbers
 * and back, and formats and parses back to itself. */
static void test_days_round_trip(void **state)
{
    int32_t expected = jz_date_to_days(19000101);
    char buf[JZ_DATE_BUF];
    jz_error e;

    (void)state;
    assert_int_equal(expected, -25567);
    for (int y = JZ_DATE_MIN_YEAR; y <= JZ_DATE_MAX_YEAR; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int d = 1; d <= jz_date_days_in_month(y, m); d++) {
                jz_date date = jz_date_make(y, m, d), back = 0;

                assert_true(jz_date_valid(y, m, d));
                assert_int_equal(jz_date_to_days(date), expected);
                assert_int_equal(jz_date_from_days(expected), date);
                jz_date_format(date, buf, sizeof buf);
                assert_int_equal(jz_date_parse(buf, 10, &back, &e), JZ_OK);
                assert_int_equal(back, date);
                expected++;
            }
        }
    }
    assert_int_equal(jz_date_to_days(22000101), expected);
}

static void test_add_days(void **state)
{
    (void)state;
    assert_int_equal(jz_date_add_days(20240228, 1), 20240229);
    assert_int_equal(jz_date_add_days(20240229, 1), 20240301);
    assert_int_equal(jz_date_add_days(20231231, 1), 20240101);
    assert_int_equal(jz_date_add_days(20240101, -1), 20231231);
    assert_int_equal(jz_date_add_days(20240601, 366), 20250602);
}

static void test_add_months(void **state)
{
    (void)state;
    assert_int_equal(jz_date_add_months(20240131, 1), 20240229);
    assert_int_equal(jz_date_add_months(20240331, -1), 20240229);
    assert_int_equal(jz_date_add_months(20230131, 1), 20230228);
    assert_int_equal(jz_date_add_months(20240601, -12), 20230601);
    assert_int_equal(jz_date_add_months(20240115, -1), 20231215);
    assert_int_equal(jz_date_add_months(20240115, -13), 20221215);
    assert_int_equal(jz_date_add_months(20241115, 2), 20250115);
    assert_int_equal(jz_date_add_months(20240229, 12), 20250228);
    assert_int_equal(jz_date_add_months(20240531, 0), 20240531);
    assert_int_equal(jz_date_add_months(20240531, 1), 20240630);
}

static void test_weekday(void **state)
{
    (void)state;
    assert_int_equal(jz_date_weekday(20240601), 5); /* Saturday */
    assert_int_equal(jz_date_weekday(20240603), 0); /* Monday */
    assert_int_equal(jz_date_weekday(20240602), 6); /* Sunday */
    assert_int_equal(jz_date_weekday(19700101), 3); /* Thursday */
    assert_int_equal(jz_date_weekday(19000101), 0); /* Monday */
    assert_int_equal(jz_date_weekday(20000101), 5); /* Saturday */
}

static void test_age(void **state)
{
    (void)state;
    assert_int_equal(jz_date_age(20080601, 20240531), 15);
    assert_int_equal(jz_date_age(20080601, 20240601), 16);
    /* A 29 February birthday is reached on 1 March in a common year. */
    assert_int_equal(jz_date_age(20040229, 20220228), 17);
    assert_int_equal(jz_date_age(20040229, 20220301), 18);
    assert_int_equal(jz_date_age(20040229, 20240229), 20);
    assert_int_equal(jz_date_age(20080601, 20080601), 0);
    assert_int_equal(jz_date_age(20080601, 20000101), 0);
}

static void test_today(void **state)
{
    jz_date t = jz_date_today();

    (void)state;
    assert_true(jz_date_valid(jz_date_year(t), jz_date_month(t), jz_date_day(t)));
    assert_true(t >= 20240101);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_days_round_trip),
        cmocka_unit_test(test_add_days),
        cmocka_unit_test(test_add_months),
        cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_age),
        cmocka_unit_test(test_today),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
