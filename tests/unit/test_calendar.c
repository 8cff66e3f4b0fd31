/*
 * test_calendar.c - working days on the shipped official calendar (R-WF-3),
 * and the calendar file's checks.
 *
 * The expected dates were worked out by hand from the State Council's
 * announcements (the rows of policy/calendar/cn-holidays.csv), around the
 * Spring Festival and National Day of 2024, 2025 and 2026, where make-up
 * working days fall on weekends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_calendar.h"

#include "calendar_fixture.h"

static jz_date D(const char *s)
{
    jz_date d;
    jz_error err;
    assert_int_equal(jz_date_parse(s, strlen(s), &d, &err), JZ_OK);
    return d;
}

static void expect_add(const char *from, int n, const char *want)
{
    jz_date out = 0;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_calendar_add(cal, D(from), n, &out, &err), JZ_OK);
    char got[JZ_DATE_BUF];
    jz_date_format(out, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("%s + %d working days: got %s, want %s", from, n, got, want);
    /* count is add's inverse. */
    int back = 0;
    assert_int_equal(jz_calendar_count(cal, D(from), out, &back, &err), JZ_OK);
    assert_int_equal(back, n);
}

static void workday(const char *d, bool want)
{
    bool w = !want;
    jz_error err;
    assert_int_equal(jz_calendar_is_workday(cal, D(d), &w, &err), JZ_OK);
    if (w != want)
        fail_msg("%s: working day %d, want %d", d, w, want);
}

static void test_years(void **state)
{
    (void)state;
    int first, last;
    jz_calendar_years(cal, &first, &last);
    assert_int_equal(first, 2023);
    assert_int_equal(last, 2026);
}

static void test_weeks_and_holidays(void **state)
{
    (void)state;
    workday("2024-03-05", true);  /* an ordinary Tuesday */
    workday("2024-03-09", false); /* an ordinary Saturday */
    workday("2024-02-12", false); /* 春节, a Monday */
    workday("2024-02-04", true);  /* 调休: Sunday worked */
    workday("2024-02-18", true);  /* 调休: Sunday worked */
    workday("2024-02-09", true);  /* 除夕 2024 was not a holiday */
    workday("2025-01-28", false); /* 除夕 2025 was one (from 2025 on) */
    workday("2025-10-08", false); /* National Day and 中秋 together in 2025 */
    workday("2025-10-11", true);  /* 调休 Saturday */
    workday("2026-02-14", true);
    workday("2026-02-23", false);
    workday("2026-02-28", true);
}

static void test_add_spring_festival(void **state)
{
    (void)state;
    /* 2024: off 02-10..02-17, Sundays 02-04 and 02-18 worked. */
    expect_add("2024-02-08", 1, "2024-02-09");
    expect_add("2024-02-08", 2, "2024-02-18");
    expect_add("2024-02-08", 3, "2024-02-19");
    /* 2025: off 01-28..02-04, Sunday 01-26 and Saturday 02-08 worked. */
    expect_add("2025-01-24", 1, "2025-01-26");
    expect_add("2025-01-24", 2, "2025-01-27");
    expect_add("2025-01-24", 3, "2025-02-05");
    expect_add("2025-01-24", 6, "2025-02-08");
    expect_add("2025-01-24", 7, "2025-02-10");
    /* 2026: off 02-15..02-23, Saturdays 02-14 and 02-28 worked. */
    expect_add("2026-02-13", 1, "2026-02-14");
    expect_add("2026-02-13", 2, "2026-02-24");
    expect_add("2026-02-13", 6, "2026-02-28");
    expect_add("2026-02-13", 7, "2026-03-02");
}

static void test_add_national_day(void **state)
{
    (void)state;
    /* 2024: off 10-01..10-07, Sunday 09-29 and Saturday 10-12 worked. */
    expect_add("2024-09-27", 1, "2024-09-29");
    expect_add("2024-09-27", 2, "2024-09-30");
    expect_add("2024-09-27", 3, "2024-10-08");
    expect_add("2024-09-27", 7, "2024-10-12");
    expect_add("2024-09-27", 8, "2024-10-14");
    /* The statutory 30 working days from 受理 on 2024-09-27 (R-WF-2). */
    expect_add("2024-09-27", 30, "2024-11-13");
    /* 2026: 中秋 09-25..09-27, National Day 10-01..10-07, Sunday 09-20
     * and Saturday 10-10 worked. */
    expect_add("2026-09-24", 1, "2026-09-28");
    expect_add("2026-09-24", 3, "2026-09-30");
    expect_add("2026-09-24", 4, "2026-10-08");
    expect_add("2026-09-24", 6, "2026-10-10");
    expect_add("2026-09-18", 1, "2026-09-20");
}

static void test_add_zero_and_back(void **state)
{
    (void)state;
    expect_add("2024-02-10", 0, "2024-02-10"); /* even on a holiday */
    expect_add("2024-02-19", -1, "2024-02-18");
    expect_add("2024-02-19", -2, "2024-02-09");
    /* count is 0 for the same day and negative backwards. */
    int n;
    jz_error err;
    assert_int_equal(jz_calendar_count(cal, D("2024-02-19"), D("2024-02-08"), &n, &err), JZ_OK);
    assert_int_equal(n, -3);
    assert_int_equal(jz_calendar_count(cal, D("2024-02-12"), D("2024-02-12"), &n, &err), JZ_OK);
    assert_int_equal(n, 0);
}

static void test_outside_years_is_an_error(void **state)
{
    (void)state;
    jz_date out;
    bool w;
    int n;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_calendar_add(cal, D("2026-12-30"), 5, &out, &err), JZ_ERANGE);
    assert_string_equal(err.value, "2027-01-01"); /* the first day it could not know */
    assert_non_null(strstr(err.reason, "2023–2026"));
    assert_int_equal(jz_calendar_add(cal, D("2023-01-03"), -5, &out, &err), JZ_ERANGE);
    assert_int_equal(jz_calendar_is_workday(cal, D("2022-12-30"), &w, &err), JZ_ERANGE);
    assert_int_equal(jz_calendar_count(cal, D("2026-12-01"), D("2027-01-05"), &n, &err), JZ_ERANGE);
    assert_string_equal(err.value, "2027-01-05");
}

/* A small calendar from text: rc, and for errors the line and the field. */
static jz_err parse(const char *text, long *line, char *field)
{
    jz_calendar *c = NULL;
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_calendar_parse(text, strlen(text), "t.csv", &c, &err);
    *line = err.line;
    strcpy(field, err.field);
    if (rc == JZ_OK)
        jz_calendar_free(c);
    else
        assert_string_equal(err.source, "t.csv");
    return rc;
}

/* The text need not be terminated: a covered-years line at the very end
 * of the buffer (found by the fuzzer: the years were read with atoi). */
static void test_unterminated_text(void **state)
{
    (void)state;
    const char text[] = "date,kind,name\n2030-01-01,off,a\n# Years covered: 2030-2030";
    size_t n = sizeof text - 1;
    char *exact = malloc(n); /* no terminator: ASan sees any read beyond */
    assert_non_null(exact);
    memcpy(exact, text, n);
    jz_calendar *c = NULL;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_calendar_parse(exact, n, "t.csv", &c, &err), JZ_OK);
    int first, last;
    jz_calendar_years(c, &first, &last);
    assert_int_equal(first, 2030);
    assert_int_equal(last, 2030);
    jz_calendar_free(c);
    free(exact);
}

static void test_file_checks(void **state)
{
    (void)state;
    long line;
    char field[64];
    const char *ok = "\xEF\xBB\xBF# Years covered: 2030-2030.\r\ndate,kind,name\r\n"
                     "2030-01-01,off,元旦\r\n2030-01-06,work,x\r\n";
    assert_int_equal(parse(ok, &line, field), JZ_OK);
    /* A weekday cannot be a make-up working day (2030-01-07 is a Monday). */
    assert_int_equal(parse("# Years covered: 2030-2030\ndate,kind,name\n2030-01-07,work,x\n",
                           &line, field),
                     JZ_EINPUT);
    assert_int_equal(line, 3);
    assert_string_equal(field, "date");
    /* The same date twice. */
    assert_int_equal(parse("# Years covered: 2030-2030\ndate,kind,name\n2030-01-01,off,a\n"
                           "2030-01-01,off,b\n",
                           &line, field),
                     JZ_EINPUT);
    assert_int_equal(line, 4);
    /* Unknown kind, bad date, wrong number of fields, wrong header. */
    assert_int_equal(parse("# Years covered: 2030-2030\ndate,kind,name\n2030-01-01,holiday,a\n",
                           &line, field),
                     JZ_EINPUT);
    assert_string_equal(field, "kind");
    assert_int_equal(parse("# Years covered: 2030-2030\ndate,kind,name\n2030-02-30,off,a\n",
                           &line, field),
                     JZ_EINPUT);
    assert_string_equal(field, "date");
    assert_int_equal(parse("# Years covered: 2030-2030\ndate,kind,name\n2030-01-01,off\n", &line,
                           field),
                     JZ_EINPUT);
    assert_int_equal(line, 3);
    assert_int_equal(parse("# Years covered: 2030-2030\nday,kind\n", &line, field), JZ_EINPUT);
    assert_int_equal(line, 2);
    /* No covered years stated; a covered year without rows. */
    assert_int_equal(parse("date,kind,name\n2030-01-01,off,a\n", &line, field), JZ_EINPUT);
    assert_string_equal(field, "Years covered");
    assert_int_equal(parse("# Years covered: 2030-2031\ndate,kind,name\n2030-01-01,off,a\n", &line,
                           field),
                     JZ_EINPUT);
    assert_string_equal(field, "Years covered");
    assert_int_equal(parse("# Years covered: 2031-2030\ndate,kind,name\n", &line, field),
                     JZ_EINPUT);
}

/* The covered years as written: a value that is not two years, or years
 * outside those of the rows ("1-2199" once said the comment was missing),
 * is refused naming the value as written. */
static void test_covered_years_header(void **state)
{
    (void)state;
    static const struct {
        const char *value, *shown, *want;
    } cases[] = {
        {"1-2199", "1-2199", "超出了文件中节假日行的年份（2030–2030 年）"},
        {"0001-2199", "0001-2199", "超出了文件中节假日行的年份（2030–2030 年）"},
        {"2030-2199", "2030-2199", "超出了文件中节假日行的年份"},
        {"1999-2030", "1999-2030", "超出了文件中节假日行的年份"},
        {"2031-2030", "2031-2030", "起始年晚于结束年"},
        {"2030-2030x.", "2030-2030x", "格式不对"},
        {"2030–2030", "2030–2030", "格式不对"},
        {"2030", "2030", "格式不对"},
        {"abc", "abc", "格式不对"},
        {"99999999-2030", "99999999-2030", "格式不对"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "# Years covered: %s\ndate,kind,name\n2030-01-01,off,a\n",
                 cases[i].value);
        jz_calendar *c = NULL;
        jz_error err;
        jz_error_clear(&err);
        assert_int_equal(jz_calendar_parse(text, strlen(text), "t.csv", &c, &err), JZ_EINPUT);
        assert_string_equal(err.field, "Years covered");
        assert_int_equal(err.line, 1);
        if (strcmp(err.value, cases[i].shown) != 0 || !strstr(err.reason, cases[i].want) ||
            strstr(err.reason, "缺少"))
            fail_msg("%s: value \"%s\" reason \"%s\"", cases[i].value, err.value, err.reason);
    }
    /* Spaces around the dash and a full stop after it are fine. */
    long line;
    char field[64];
    assert_int_equal(
        parse("# Years covered: 2030 - 2030.\ndate,kind,name\n2030-01-01,off,a\n", &line, field),
        JZ_OK);
    /* Said twice. */
    assert_int_equal(parse("# Years covered: 2030-2030\n# Years covered: 2030-2030\n"
                           "date,kind,name\n2030-01-01,off,a\n",
                           &line, field),
                     JZ_EINPUT);
    assert_int_equal(line, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_years),
        cmocka_unit_test(test_weeks_and_holidays),
        cmocka_unit_test(test_add_spring_festival),
        cmocka_unit_test(test_add_national_day),
        cmocka_unit_test(test_add_zero_and_back),
        cmocka_unit_test(test_outside_years_is_an_error),
        cmocka_unit_test(test_file_checks),
        cmocka_unit_test(test_unterminated_text),
        cmocka_unit_test(test_covered_years_header),
    };
    return cmocka_run_group_tests(tests, load_calendar, free_calendar);
}
