/*
 * test_feed.c - reading other departments' CSV files (jz_feed.h,
 * docs/feeds.md): one valid row of every layout, and each thing a data
 * officer would be told about: the file, the line, the column, the value
 * and the reason.
 *
 * ID numbers used (check characters worked out by GB 11643):
 *   11010519491231002X, 140902198001010016 (15-digit 140902800101001),
 *   140902198503120020, 140902201009010031.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_feed.h"

#define ID1 "11010519491231002X"
#define ID2 "140902198001010016"
#define ID2_15 "140902800101001"
#define ID3 "140902198503120020"
#define ID4 "140902201009010031"

static jz_feed_reader *open_ok(jz_dept dept, const char *text)
{
    jz_feed_reader *r = NULL;
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_feed_reader_new(dept, text, strlen(text), "feed.csv", &r, &err);
    if (rc != JZ_OK)
        fail_msg("reader for %s: %s (line %ld, %s)", jz_dept_names[dept], err.reason, err.line,
                 err.value);
    assert_non_null(r);
    return r;
}

static void next_ok(jz_feed_reader *r, jz_feed_row *row)
{
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_feed_next(r, row, &err);
    if (rc != JZ_OK)
        fail_msg("row refused: line %ld, field %s, value \"%s\": %s", err.line, err.field,
                 err.value, err.reason);
}

/* The next row is refused on line, in field (NULL: no field), with a reason
 * containing reason_part. */
static void next_refused(jz_feed_reader *r, long line, const char *field, const char *reason_part)
{
    jz_feed_row row;
    jz_error err;
    jz_error_clear(&err);
    jz_err rc = jz_feed_next(r, &row, &err);
    if (rc != JZ_EINPUT)
        fail_msg("line %ld: got %s, want a refused row (%s)", line, jz_err_name(rc), reason_part);
    assert_int_equal(err.code, JZ_EINPUT);
    assert_int_equal(err.line, line);
    assert_string_equal(err.source, "feed.csv");
    assert_string_equal(err.field, field != NULL ? field : "");
    if (strstr(err.reason, reason_part) == NULL)
        fail_msg("line %ld: reason \"%s\" lacks \"%s\"", line, err.reason, reason_part);
}

static void expect_eof(jz_feed_reader *r)
{
    jz_feed_row row;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_feed_next(r, &row, &err), JZ_EOF);
    assert_int_equal(jz_feed_next(r, &row, &err), JZ_EOF);
}

/* One file of a single data row: its row. */
static jz_feed_row one_row(jz_dept dept, const char *text)
{
    jz_feed_reader *r = open_ok(dept, text);
    jz_feed_row row;
    next_ok(r, &row);
    expect_eof(r);
    jz_feed_reader_free(r);
    assert_int_equal(row.dept, dept);
    return row;
}

/* A file of a single data row is refused with line 2, field and reason. */
static void one_refused(jz_dept dept, const char *text, const char *field, const char *reason)
{
    jz_feed_reader *r = open_ok(dept, text);
    next_refused(r, 2, field, reason);
    expect_eof(r);
    jz_feed_reader_free(r);
}

static jz_date D(const char *s)
{
    jz_date d = 0;
    jz_error err;
    assert_int_equal(jz_date_parse(s, strlen(s), &d, &err), JZ_OK);
    return d;
}

/* The reader is refused; its error names feed.csv and line. */
static jz_error refused_file(jz_dept dept, const char *text, size_t len, long line)
{
    jz_feed_reader *r = (jz_feed_reader *)1;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_feed_reader_new(dept, text, len, "feed.csv", &r, &err), JZ_EINPUT);
    assert_null(r);
    assert_int_equal(err.code, JZ_EINPUT);
    assert_string_equal(err.source, "feed.csv");
    assert_int_equal(err.line, line);
    return err;
}

/* ---- names ---------------------------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(jz_dept_find("medical"), JZ_DEPT_MEDICAL);
    assert_int_equal(jz_dept_find("fpm"), JZ_DEPT_FPM);
    assert_int_equal(jz_dept_find("残联"), JZ_DEPT_DISABILITY);
    assert_int_equal(jz_dept_find("nobody"), -1);
    assert_int_equal(jz_dept_find(NULL), -1);
    for (int d = 0; d < JZ_DEPT_COUNT; d++) {
        assert_non_null(jz_dept_names[d]);
        assert_non_null(jz_dept_zh[d]);
        assert_int_equal(jz_dept_find(jz_dept_names[d]), d);
        assert_int_equal(jz_dept_find(jz_dept_zh[d]), d);
        assert_true(strncmp(jz_feed_header((jz_dept)d), "id_number,name,", 15) == 0);
    }
    for (int e = 0; e < JZ_EV_COUNT; e++) {
        assert_non_null(jz_event_names[e]);
        assert_non_null(jz_event_zh[e]);
        for (int f = 0; f < e; f++)
            assert_string_not_equal(jz_event_names[e], jz_event_names[f]);
    }
    assert_string_equal(jz_feed_header(JZ_DEPT_MEDICAL),
                        "id_number,name,kind,date,total,out_of_pocket");
    assert_string_equal(jz_feed_header(JZ_DEPT_DEATH), "id_number,name,death_date");
}

/* ---- one valid row of every department ------------------------------------ */

static void test_medical(void **state)
{
    (void)state;
    jz_feed_row row = one_row(JZ_DEPT_MEDICAL, "id_number,name,kind,date,total,out_of_pocket\n" ID1
                                               ",张三,settlement,2024-03-05,12000.50,3456.7\n");
    assert_int_equal(row.event, JZ_EV_MEDICAL_SETTLEMENT);
    assert_string_equal(row.id, ID1);
    assert_string_equal(row.name, "张三");
    assert_int_equal(row.date, 20240305);
    assert_int_equal(row.amount, 345670);
    assert_int_equal(row.level, 0);
    assert_string_equal(row.code, "");
    assert_int_equal(row.line, 2);

    row = one_row(JZ_DEPT_MEDICAL, "id_number,name,kind,date,total,out_of_pocket\n" ID2
                                   ",李四,premium_subsidy,2024-01-01,380,\n");
    assert_int_equal(row.event, JZ_EV_PREMIUM_SUBSIDY);
    assert_int_equal(row.amount, 38000);
    row = one_row(JZ_DEPT_MEDICAL, "id_number,name,kind,date,total,out_of_pocket\n" ID2
                                   ",李四,premium_subsidy,2024-01-01,380,0.00\n");
    assert_int_equal(row.amount, 38000);
}

static void test_disability(void **state)
{
    (void)state;
    jz_feed_row row =
        one_row(JZ_DEPT_DISABILITY, "id_number,name,category,grade,issue_date,cancel_date\n" ID3
                                    ",王五,limb,2,2019-06-01,\n");
    assert_int_equal(row.event, JZ_EV_DISABILITY_ISSUED);
    assert_string_equal(row.code, "limb");
    assert_int_equal(row.level, 2);
    assert_int_equal(row.date, D("2019-06-01"));

    row = one_row(JZ_DEPT_DISABILITY, "id_number,name,category,grade,issue_date,cancel_date\n" ID3
                                      ",王五,multiple,1,2019-06-01,2024-02-29\n");
    assert_int_equal(row.event, JZ_EV_DISABILITY_CANCELLED);
    assert_string_equal(row.code, "multiple");
    assert_int_equal(row.level, 1);
    assert_int_equal(row.date, D("2024-02-29"));
}

static void test_hrss(void **state)
{
    (void)state;
    static const struct {
        const char *kind;
        jz_event ev;
    } k[] = {{"unemployment_registration", JZ_EV_UNEMPLOYMENT_REGISTERED},
             {"unemployment_insurance", JZ_EV_UNEMPLOYMENT_INSURANCE},
             {"employment_registration", JZ_EV_EMPLOYMENT_REGISTERED},
             {"pension", JZ_EV_PENSION}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        char text[256];
        snprintf(text, sizeof text,
                 "id_number,name,kind,date,amount\n" ID2 ",李四,%s,2024-04-01,%s\n", k[i].kind,
                 i % 2 ? "1820" : "");
        jz_feed_row row = one_row(JZ_DEPT_HRSS, text);
        assert_int_equal(row.event, k[i].ev);
        assert_int_equal(row.amount, i % 2 ? 182000 : 0);
        assert_int_equal(row.date, 20240401);
    }
}

static void test_education(void **state)
{
    (void)state;
    jz_feed_row row = one_row(JZ_DEPT_EDUCATION, "id_number,name,level,enrol_date\n" ID4
                                                 ",赵小六,primary,2016-09-01\n");
    assert_int_equal(row.event, JZ_EV_SCHOOL_ENROLMENT);
    assert_string_equal(row.code, "primary");
    assert_int_equal(row.date, 20160901);
    assert_string_equal(row.name, "赵小六");
}

static void test_health(void **state)
{
    (void)state;
    jz_feed_row row = one_row(JZ_DEPT_HEALTH, "id_number,name,illness,diagnosis_date\n" ID1
                                              ",张三,  尿毒症  ,2023-11-20\n");
    assert_int_equal(row.event, JZ_EV_SERIOUS_ILLNESS);
    assert_string_equal(row.code, "尿毒症"); /* trimmed */
    assert_int_equal(row.date, 20231120);
}

static void test_death(void **state)
{
    (void)state;
    jz_feed_row row = one_row(JZ_DEPT_DEATH, "id_number,name,death_date\n" ID1 ",张三,2024-05-06");
    assert_int_equal(row.event, JZ_EV_DEATH);
    assert_int_equal(row.date, 20240506);
    assert_int_equal(row.amount, 0);
    assert_string_equal(row.code, "");
}

static void test_justice(void **state)
{
    (void)state;
    jz_feed_reader *r =
        open_ok(JZ_DEPT_JUSTICE, "id_number,name,kind,date\n" ID2
                                 ",李四,imprisoned,2021-03-01\n" ID2 ",李四,released,2024-03-01\n");
    jz_feed_row row;
    next_ok(r, &row);
    assert_int_equal(row.event, JZ_EV_IMPRISONED);
    assert_int_equal(row.date, 20210301);
    assert_int_equal(row.line, 2);
    next_ok(r, &row);
    assert_int_equal(row.event, JZ_EV_RELEASED);
    assert_int_equal(row.line, 3);
    expect_eof(r);
    jz_feed_reader_free(r);
}

static void test_emergency(void **state)
{
    (void)state;
    jz_feed_row row = one_row(JZ_DEPT_EMERGENCY, "id_number,name,disaster,relief_date,amount\n" ID3
                                                 ",王五,2024年7月洪涝,2024-07-20,2000\n");
    assert_int_equal(row.event, JZ_EV_DISASTER_RELIEF);
    assert_string_equal(row.code, "2024年7月洪涝");
    assert_int_equal(row.amount, 200000);
    one_refused(JZ_DEPT_EMERGENCY,
                "id_number,name,disaster,relief_date,amount\n" ID3 ",王五,洪涝,2024-07-20,0\n",
                "amount", "大于 0");
    one_refused(JZ_DEPT_EMERGENCY,
                "id_number,name,disaster,relief_date,amount\n" ID3 ",王五,,2024-07-20,10\n",
                "disaster", "不能为空");
}

static void test_housing(void **state)
{
    (void)state;
    jz_feed_row row = one_row(JZ_DEPT_HOUSING,
                              "id_number,name,rating,assessment_date\n" ID2 ",李四,C,2024-06-30\n");
    assert_int_equal(row.event, JZ_EV_HOUSING_RATING);
    assert_string_equal(row.code, "C");
    assert_int_equal(row.date, 20240630);
}

static void test_registrations(void **state)
{
    (void)state;
    jz_feed_row row =
        one_row(JZ_DEPT_PROPERTY,
                "id_number,name,property_type,registration_date\n" ID1 ",张三,住宅,2022-08-08\n");
    assert_int_equal(row.event, JZ_EV_PROPERTY_REGISTERED);
    assert_string_equal(row.code, "住宅");
    row = one_row(JZ_DEPT_VEHICLE, "id_number,name,vehicle_type,registration_date\n" ID1
                                   ",张三,小型轿车,2023-01-15\n");
    assert_int_equal(row.event, JZ_EV_VEHICLE_REGISTERED);
    assert_string_equal(row.code, "小型轿车");
    assert_int_equal(row.date, 20230115);
    row = one_row(JZ_DEPT_BUSINESS, "id_number,name,business_name,registration_date\n" ID1
                                    ",张三,某某县张三便利店,2020-10-10\n");
    assert_int_equal(row.event, JZ_EV_BUSINESS_REGISTERED);
    assert_string_equal(row.code, "某某县张三便利店");
}

static void test_payroll(void **state)
{
    (void)state;
    jz_feed_row row = one_row(JZ_DEPT_PAYROLL, "id_number,name,kind,date,amount\n" ID3
                                               ",王五,housing_fund,2024-01-31,856.00\n");
    assert_int_equal(row.event, JZ_EV_HOUSING_FUND);
    assert_int_equal(row.amount, 85600);
    row = one_row(JZ_DEPT_PAYROLL, "id_number,name,kind,date,amount\n" ID3
                                   ",王五,government_payroll,2024-01-31,6200.5\n");
    assert_int_equal(row.event, JZ_EV_GOVERNMENT_PAYROLL);
    assert_int_equal(row.amount, 620050);
    one_refused(JZ_DEPT_PAYROLL,
                "id_number,name,kind,date,amount\n" ID3 ",王五,housing_fund,2024-01-31,\n",
                "amount", "不能为空");
}

static void test_fpm(void **state)
{
    (void)state;
    jz_feed_row row =
        one_row(JZ_DEPT_FPM, "id_number,name,listed_date\n" ID4 ",赵小六,2022-12-01\n");
    assert_int_equal(row.event, JZ_EV_FPM_LISTED);
    assert_string_equal(row.id, ID4);
    assert_int_equal(row.date, 20221201);
}

/* ---- ID numbers and names ------------------------------------------------- */

static void test_id_15_digits(void **state)
{
    (void)state;
    jz_feed_row row =
        one_row(JZ_DEPT_DEATH, "id_number,name,death_date\n" ID2_15 ",李四,2024-05-06\n");
    assert_string_equal(row.id, ID2);
    /* A lower-case x is stored as X. */
    row = one_row(JZ_DEPT_DEATH, "id_number,name,death_date\n11010519491231002x,张三,2024-05-06\n");
    assert_string_equal(row.id, ID1);
}

static void test_id_bad_check(void **state)
{
    (void)state;
    jz_feed_reader *r = open_ok(JZ_DEPT_DEATH, "id_number,name,death_date\n" ID1
                                               ",张三,2024-05-06\n140902198001010017,李四,"
                                               "2024-05-07\n");
    jz_feed_row row;
    next_ok(r, &row);
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_feed_next(r, &row, &err), JZ_EINPUT);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.field, "id_number");
    assert_string_equal(err.value, "140902198001010017");
    assert_non_null(strstr(err.reason, "校验码"));
    assert_non_null(strstr(err.reason, "6")); /* the expected check character */
    char msg[512];
    jz_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "feed.csv:3"));
    expect_eof(r);
    jz_feed_reader_free(r);

    one_refused(JZ_DEPT_DEATH, "id_number,name,death_date\n1409021980,李四,2024-05-07\n",
                "id_number", "");
    one_refused(JZ_DEPT_DEATH, "id_number,name,death_date\n,李四,2024-05-07\n", "id_number",
                "不能为空");
}

static void test_name(void **state)
{
    (void)state;
    one_refused(JZ_DEPT_DEATH, "id_number,name,death_date\n" ID1 ",   ,2024-05-06\n", "name",
                "不能为空");
    /* 21 Chinese characters are 63 bytes: accepted; 22 are 66: refused. */
    jz_feed_row row = one_row(JZ_DEPT_DEATH, "id_number,name,death_date\n" ID1
                                             ",一二三四五六七八九十一二三四五六七八九十一,"
                                             "2024-05-06\n");
    assert_int_equal(strlen(row.name), 63);
    one_refused(JZ_DEPT_DEATH,
                "id_number,name,death_date\n" ID1
                ",一二三四五六七八九十一二三四五六七八九十一二,2024-05-06\n",
                "name", "过长");
    /* A line break inside a quoted name. */
    one_refused(JZ_DEPT_DEATH, "id_number,name,death_date\n" ID1 ",\"张\n三\",2024-05-06\n", "name",
                "控制字符");
}

static void test_code_length(void **state)
{
    (void)state;
    char text[512], code[200];
    memset(code, 'x', sizeof code);
    code[JZ_FEED_TEXT_MAX - 1] = '\0';
    snprintf(text, sizeof text,
             "id_number,name,illness,diagnosis_date\n" ID1 ",张三,%s,2023-11-20\n", code);
    jz_feed_row row = one_row(JZ_DEPT_HEALTH, text);
    assert_int_equal(strlen(row.code), JZ_FEED_TEXT_MAX - 1);
    code[JZ_FEED_TEXT_MAX - 1] = 'x';
    code[JZ_FEED_TEXT_MAX] = '\0';
    snprintf(text, sizeof text,
             "id_number,name,illness,diagnosis_date\n" ID1 ",张三,%s,2023-11-20\n", code);
    one_refused(JZ_DEPT_HEALTH, text, "illness", "过长");
    one_refused(JZ_DEPT_HEALTH, "id_number,name,illness,diagnosis_date\n" ID1 ",张三,,2023-11-20\n",
                "illness", "不能为空");
}

/* ---- the file's form ------------------------------------------------------ */

static void test_wrong_header(void **state)
{
    (void)state;
    const char *text = "身份证号码,姓名,死亡日期\n" ID1 ",张三,2024-05-06\n";
    jz_error err = refused_file(JZ_DEPT_DEATH, text, strlen(text), 1);
    assert_string_equal(err.value, "身份证号码,姓名,死亡日期");
    assert_non_null(strstr(err.reason, "id_number,name,death_date"));
    assert_non_null(strstr(err.reason, "身份证号码,姓名,死亡日期"));

    /* Another department's file: said so. */
    text = "id_number,name,listed_date\n" ID1 ",张三,2024-05-06\n";
    err = refused_file(JZ_DEPT_DEATH, text, strlen(text), 1);
    assert_non_null(strstr(err.reason, "fpm"));

    /* A column more, or a space, is not the header. */
    text = "id_number,name,death_date,note\n";
    refused_file(JZ_DEPT_DEATH, text, strlen(text), 1);
    text = "id_number, name,death_date\n";
    refused_file(JZ_DEPT_DEATH, text, strlen(text), 1);

    /* An empty file (or only a BOM) has no header. */
    err = refused_file(JZ_DEPT_DEATH, "", 0, 1);
    assert_non_null(strstr(err.reason, "id_number,name,death_date"));
    err = refused_file(JZ_DEPT_DEATH, "\xEF\xBB\xBF", 3, 1);
    assert_non_null(strstr(err.reason, "为空"));

    /* A header alone is a file without rows. */
    jz_feed_reader *r = open_ok(JZ_DEPT_DEATH, "id_number,name,death_date");
    expect_eof(r);
    jz_feed_reader_free(r);
}

static void test_field_count(void **state)
{
    (void)state;
    jz_feed_reader *r = open_ok(JZ_DEPT_DEATH, "id_number,name,death_date\n" ID1 ",张三\n" ID1
                                               ",张三,2024-05-06,多余\n" ID1
                                               ",张三,2024-05-06,\n" ID1 ",张三,2024-05-06\n");
    next_refused(r, 2, NULL, "应为 3 个");
    next_refused(r, 3, NULL, "实际 4 个");
    next_refused(r, 4, NULL, "实际 4 个"); /* a trailing comma is one more field */
    jz_feed_row row;
    next_ok(r, &row);
    assert_int_equal(row.line, 5);
    expect_eof(r);
    jz_feed_reader_free(r);

    jz_error err;
    r = open_ok(JZ_DEPT_DEATH, "id_number,name,death_date\n" ID1 ",张三\n");
    jz_error_clear(&err);
    assert_int_equal(jz_feed_next(r, &row, &err), JZ_EINPUT);
    assert_string_equal(err.value, ID1 ",张三"); /* the row as written */
    assert_non_null(strstr(err.reason, "实际 2 个"));
    jz_feed_reader_free(r);
}

static void test_bad_date(void **state)
{
    (void)state;
    const char *h = "id_number,name,death_date\n" ID1 ",张三,";
    char text[256];
    static const char *const bad[] = {"2024-02-30", "2024/05/06", "20240506", "2024-5-6",
                                      "1899-12-31"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "%s%s\n", h, bad[i]);
        one_refused(JZ_DEPT_DEATH, text, "death_date", "死亡日期");
    }
    one_refused(JZ_DEPT_DEATH, "id_number,name,death_date\n" ID1 ",张三,\n", "death_date",
                "不能为空");
    /* Spaces around a date are trimmed. */
    jz_feed_row row =
        one_row(JZ_DEPT_DEATH, "id_number,name,death_date\n" ID1 ",张三, 2024-05-06 \n");
    assert_int_equal(row.date, 20240506);
}

static void test_bad_amount(void **state)
{
    (void)state;
    const char *h = "id_number,name,kind,date,total,out_of_pocket\n" ID1;
    char text[256];
    snprintf(text, sizeof text, "%s,张三,settlement,2024-03-05,100.005,10\n", h);
    one_refused(JZ_DEPT_MEDICAL, text, "total", "两位小数");
    snprintf(text, sizeof text, "%s,张三,settlement,2024-03-05,100,-10\n", h);
    one_refused(JZ_DEPT_MEDICAL, text, "out_of_pocket", "负数");
    snprintf(text, sizeof text, "%s,张三,settlement,2024-03-05,1e3,10\n", h);
    one_refused(JZ_DEPT_MEDICAL, text, "total", "金额格式");
    snprintf(text, sizeof text, "%s,张三,settlement,2024-03-05,\"1,000\",10\n", h);
    one_refused(JZ_DEPT_MEDICAL, text, "total", "金额格式");
    snprintf(text, sizeof text, "%s,张三,settlement,2024-03-05,100,\n", h);
    one_refused(JZ_DEPT_MEDICAL, text, "out_of_pocket", "不能为空");
    one_refused(JZ_DEPT_HRSS,
                "id_number,name,kind,date,amount\n" ID1 ",张三,pension,2024-03-05,12.345\n",
                "amount", "两位小数");
}

static void test_unknown_values(void **state)
{
    (void)state;
    one_refused(JZ_DEPT_MEDICAL,
                "id_number,name,kind,date,total,out_of_pocket\n" ID1 ",张三,结算,2024-03-05,1,1\n",
                "kind", "settlement");
    one_refused(JZ_DEPT_HRSS, "id_number,name,kind,date,amount\n" ID1 ",张三,retired,2024-03-05,\n",
                "kind", "unemployment_registration");
    one_refused(JZ_DEPT_JUSTICE, "id_number,name,kind,date\n" ID1 ",张三,Released,2024-03-05\n",
                "kind", "released");
    one_refused(JZ_DEPT_PAYROLL, "id_number,name,kind,date,amount\n" ID1 ",张三,,2024-03-05,1\n",
                "kind", "不能为空");
    one_refused(JZ_DEPT_DISABILITY,
                "id_number,name,category,grade,issue_date,cancel_date\n" ID1
                ",张三,none,2,2019-06-01,\n",
                "category", "vision");
    /* A Chinese word that is no label of the household import is refused,
     * and the message lists the codes with their labels. */
    one_refused(JZ_DEPT_DISABILITY,
                "id_number,name,category,grade,issue_date,cancel_date\n" ID1
                ",张三,肢体残疾,2,2019-06-01,\n",
                "category", "limb（肢体）");
    one_refused(JZ_DEPT_DISABILITY,
                "id_number,name,category,grade,issue_date,cancel_date\n" ID1
                ",张三,limb,5,2019-06-01,\n",
                "grade", "1、2、3 或 4");
    one_refused(JZ_DEPT_DISABILITY,
                "id_number,name,category,grade,issue_date,cancel_date\n" ID1
                ",张三,limb,0,2019-06-01,\n",
                "grade", "1、2、3 或 4");
    one_refused(JZ_DEPT_EDUCATION,
                "id_number,name,level,enrol_date\n" ID4 ",赵小六,none,2016-09-01\n", "level",
                "primary");
    one_refused(JZ_DEPT_EDUCATION,
                "id_number,name,level,enrol_date\n" ID4 ",赵小六,小学一年级,2016-09-01\n", "level",
                "未知");
    one_refused(JZ_DEPT_HOUSING,
                "id_number,name,rating,assessment_date\n" ID2 ",李四,E,2024-06-30\n", "rating",
                "A、B、C 或 D");
    one_refused(JZ_DEPT_HOUSING,
                "id_number,name,rating,assessment_date\n" ID2 ",李四,c,2024-06-30\n", "rating",
                "A、B、C 或 D");
}

static void test_out_of_pocket(void **state)
{
    (void)state;
    jz_feed_reader *r =
        open_ok(JZ_DEPT_MEDICAL, "id_number,name,kind,date,total,out_of_pocket\n" ID1
                                 ",张三,settlement,2024-03-05,100,100.01\n" ID1
                                 ",张三,settlement,2024-03-06,100,100\n" ID1
                                 ",张三,premium_subsidy,2024-01-01,380,20\n");
    jz_error err;
    jz_feed_row row;
    jz_error_clear(&err);
    assert_int_equal(jz_feed_next(r, &row, &err), JZ_EINPUT);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.field, "out_of_pocket");
    assert_string_equal(err.value, "100.01");
    assert_non_null(strstr(err.reason, "100.01"));
    assert_non_null(strstr(err.reason, "大于总金额 100.00"));
    next_ok(r, &row); /* equal is allowed */
    assert_int_equal(row.amount, 10000);
    next_refused(r, 4, "out_of_pocket", "0 或留空");
    expect_eof(r);
    jz_feed_reader_free(r);
}

static void test_cancel_before_issue(void **state)
{
    (void)state;
    one_refused(JZ_DEPT_DISABILITY,
                "id_number,name,category,grade,issue_date,cancel_date\n" ID3
                ",王五,limb,2,2019-06-01,2019-05-31\n",
                "cancel_date", "早于发证日期 2019-06-01");
    /* Cancelled on the day of issue is allowed. */
    jz_feed_row row =
        one_row(JZ_DEPT_DISABILITY, "id_number,name,category,grade,issue_date,cancel_date\n" ID3
                                    ",王五,limb,2,2019-06-01,2019-06-01\n");
    assert_int_equal(row.event, JZ_EV_DISABILITY_CANCELLED);
    one_refused(JZ_DEPT_DISABILITY,
                "id_number,name,category,grade,issue_date,cancel_date\n" ID3
                ",王五,limb,2,,2019-06-01\n",
                "issue_date", "不能为空");
}

static void test_quoted(void **state)
{
    (void)state;
    /* Commas and doubled quotes inside quotes; a quoted line break makes the
     * row span two lines, and the next row keeps its true line. */
    jz_feed_reader *r = open_ok(
        JZ_DEPT_BUSINESS, "id_number,name,business_name,registration_date\n"
                          "\"" ID1 "\",\"张三\",\"某某县\"\"好运\"\"超市, 二分店\",2020-10-10\n" ID2
                          ",李四,\"两行的\n名称\",2021-01-01\n" ID3 ",王五,\"\",2021-01-01\n");
    jz_feed_row row;
    next_ok(r, &row);
    assert_string_equal(row.id, ID1);
    assert_string_equal(row.code, "某某县\"好运\"超市, 二分店");
    assert_int_equal(row.line, 2);
    next_refused(r, 3, "business_name", "控制字符");
    next_refused(r, 5, "business_name", "不能为空");
    expect_eof(r);
    jz_feed_reader_free(r);

    /* Quoting mistakes. */
    r = open_ok(JZ_DEPT_DEATH, "id_number,name,death_date\n" ID1 ",\"张\"三,2024-05-06\n" ID1
                               ",\"张三\" ,2024-05-06\n" ID1 ",张\"三\",2024-05-06\n" ID1
                               ",\"张三,2024-05-06\n" ID1 ",李四,2024-05-06\n");
    next_refused(r, 2, "name", "结束引号后");
    next_ok(r, &row); /* spaces after the closing quote are allowed */
    assert_string_equal(row.name, "张三");
    next_ok(r, &row); /* a quote inside an unquoted field is a character */
    assert_string_equal(row.name, "张\"三\"");
    next_refused(r, 5, "name", "引号没有闭合");
    expect_eof(r); /* the rest of the file was inside the quotes */
    jz_feed_reader_free(r);

    /* A quoting mistake shows the row as written. */
    r = open_ok(JZ_DEPT_DEATH, "id_number,name,death_date\n" ID1 ",\"张\"三,2024-05-06\n");
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_feed_next(r, &row, &err), JZ_EINPUT);
    assert_string_equal(err.value, ID1 ",\"张\"三,2024-05-06");
    jz_feed_reader_free(r);

    /* A quoted field over 1024 bytes is refused, and reading goes on. */
    char text[2048];
    int n = snprintf(text, sizeof text, "id_number,name,illness,diagnosis_date\n" ID1 ",张三,\"");
    memset(text + n, 'x', 1100);
    snprintf(text + n + 1100, sizeof text - (size_t)n - 1100,
             "\",2023-11-20\n" ID2 ",李四,肺癌,2023-11-21\n");
    r = open_ok(JZ_DEPT_HEALTH, text);
    next_refused(r, 2, "illness", "过长");
    next_ok(r, &row);
    assert_string_equal(row.code, "肺癌");
    expect_eof(r);
    jz_feed_reader_free(r);
}

static void test_bom_crlf(void **state)
{
    (void)state;
    jz_feed_reader *r =
        open_ok(JZ_DEPT_DEATH, "\xEF\xBB\xBFid_number,name,death_date\r\n" ID1
                               ",张三,2024-05-06\r\n" ID2 ",李四,\"2024-05-07\"\r\n");
    jz_feed_row row;
    next_ok(r, &row);
    assert_string_equal(row.id, ID1);
    assert_int_equal(row.date, 20240506);
    assert_int_equal(row.line, 2);
    next_ok(r, &row);
    assert_int_equal(row.date, 20240507);
    assert_int_equal(row.line, 3);
    expect_eof(r);
    jz_feed_reader_free(r);

    /* A header line with a BOM but a wrong header says line 1. */
    const char *text = "\xEF\xBB\xBFid,name,death_date\r\n";
    jz_error err = refused_file(JZ_DEPT_DEATH, text, strlen(text), 1);
    assert_string_equal(err.value, "id,name,death_date");
}

static void test_blank_lines(void **state)
{
    (void)state;
    jz_feed_reader *r =
        open_ok(JZ_DEPT_DEATH, "id_number,name,death_date\n\n" ID1
                               ",张三,2024-05-06\n\r\n,,\n  \n" ID2 ",李四,2024-05-07\n\n\n");
    jz_feed_row row;
    next_ok(r, &row);
    assert_int_equal(row.line, 3);
    next_ok(r, &row);
    assert_int_equal(row.line, 7);
    assert_string_equal(row.id, ID2);
    expect_eof(r);
    jz_feed_reader_free(r);

    /* Old Mac line ends (a lone CR) end lines too. */
    r = open_ok(JZ_DEPT_DEATH,
                "id_number,name,death_date\r" ID1 ",张三,2024-05-06\r\r" ID2 ",李四,2024-05-07\r");
    next_ok(r, &row);
    assert_int_equal(row.line, 2);
    next_ok(r, &row);
    assert_int_equal(row.line, 4);
    expect_eof(r);
    jz_feed_reader_free(r);
}

static void test_continues_after_refusal(void **state)
{
    (void)state;
    jz_feed_reader *r = open_ok(
        JZ_DEPT_HRSS, "id_number,name,kind,date,amount\n" ID1 ",张三,pension,2024-13-01,1000\n" ID2
                      ",李四,pension,2024-03-01,1000\n" ID3 ",王五,pension,2024-03-01,10.001\n" ID4
                      ",赵小六,unemployment_registration,2024-03-01,\n");
    jz_feed_row row;
    next_refused(r, 2, "date", "日期不存在");
    next_ok(r, &row);
    assert_string_equal(row.id, ID2);
    assert_int_equal(row.line, 3);
    assert_int_equal(row.amount, 100000);
    next_refused(r, 4, "amount", "两位小数");
    next_ok(r, &row);
    assert_string_equal(row.id, ID4);
    assert_int_equal(row.line, 5);
    assert_int_equal(row.amount, 0);
    expect_eof(r);
    jz_feed_reader_free(r);
}

static void test_encoding_refused(void **state)
{
    (void)state;
    /* "张三" in GBK is D5 C5 C8 FD. */
    const char gbk[] = "id_number,name,death_date\n" ID1 ",\xD5\xC5\xC8\xFD,2024-05-06\n";
    jz_error err = refused_file(JZ_DEPT_DEATH, gbk, sizeof gbk - 1, 0);
    assert_non_null(strstr(err.reason, "GB18030"));
    assert_non_null(strstr(err.reason, "iconv -f GB18030 -t UTF-8 feed.csv"));

    const char utf16[] = "\xFF\xFEi\0d\0";
    err = refused_file(JZ_DEPT_DEATH, utf16, sizeof utf16 - 1, 0);
    assert_non_null(strstr(err.reason, "UTF-16"));
    assert_non_null(strstr(err.reason, "iconv"));

    /* A damaged UTF-8 file: the line of the first bad byte, which byte it is
     * and why, and no word of GBK (it is not GBK). */
    const char bad[] =
        "id_number,name,death_date\n" ID1 ",张三,2024-05-06\n" ID2 ",\xFF\xFF,2024\n";
    err = refused_file(JZ_DEPT_DEATH, bad, sizeof bad - 1, 3);
    assert_non_null(strstr(err.reason, "UTF-8"));
    assert_non_null(strstr(err.reason, "0xFF"));
    assert_null(strstr(err.reason, "GBK"));
}

static void test_no_text(void **state)
{
    (void)state;
    jz_feed_reader *r = (jz_feed_reader *)1;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_feed_reader_new(JZ_DEPT_DEATH, NULL, 0, "feed.csv", &r, &err), JZ_EINPUT);
    assert_null(r);
    assert_int_equal(jz_feed_reader_new(JZ_DEPT_COUNT, "x", 1, "feed.csv", &r, &err), JZ_EUSAGE);
    assert_null(r);
    jz_feed_reader_free(NULL);
}


/* ---- issue 11: the Chinese labels, the departments added, old files ------- */

static void test_chinese_labels(void **state)
{
    (void)state;
    /* The labels the household CSV import accepts (jz_csv_label_code). */
    jz_feed_row r = one_row(JZ_DEPT_DISABILITY, "id_number,name,category,grade,issue_date,"
                                                "cancel_date\n" ID1 ",张三,智力,3,2019-06-01,\n");
    assert_string_equal(r.code, "intellectual");
    r = one_row(JZ_DEPT_DISABILITY, "id_number,name,category,grade,issue_date,cancel_date\n" ID1
                                    ",张三,肢体,2,2019-06-01,\n");
    assert_string_equal(r.code, "limb");
    r = one_row(JZ_DEPT_EDUCATION, "id_number,name,level,enrol_date\n" ID4 ",赵小六,小学,2016-09-01\n");
    assert_string_equal(r.code, "primary");
    /* A kind column takes its Chinese name too. */
    r = one_row(JZ_DEPT_MEDICAL, "id_number,name,kind,date,total,out_of_pocket\n" ID1
                                 ",张三,医疗费用结算,2024-03-05,100,40\n");
    assert_int_equal(r.event, JZ_EV_MEDICAL_SETTLEMENT);
    r = one_row(JZ_DEPT_MARRIAGE, "id_number,name,kind,registration_date\n" ID1
                                  ",张三,离婚登记,2025-03-01\n");
    assert_int_equal(r.event, JZ_EV_DIVORCE);
}

static void test_new_departments(void **state)
{
    (void)state;
    jz_feed_row r = one_row(JZ_DEPT_BANK, "id_number,name,bank,balance_date,balance\n" ID2
                                          ",李四,中国农业银行,2025-03-31,52000.50\n");
    assert_int_equal(r.event, JZ_EV_BANK_DEPOSIT);
    assert_int_equal(r.amount, 5200050);
    assert_string_equal(r.code, "中国农业银行");
    r = one_row(JZ_DEPT_BANK, "id_number,name,bank,balance_date,balance\n" ID2
                              ",李四,邮储银行,2025-03-31,0\n");
    assert_int_equal(r.amount, 0);
    one_refused(JZ_DEPT_BANK, "id_number,name,bank,balance_date,balance\n" ID2
                              ",李四,邮储银行,2025-03-31,\n", "balance", "不能为空");
    r = one_row(JZ_DEPT_UNION, "id_number,name,employer,registered_date\n" ID2
                               ",李四,某某纺织厂,2025-01-10\n");
    assert_int_equal(r.event, JZ_EV_UNION_HARDSHIP);
    r = one_row(JZ_DEPT_VETERANS, "id_number,name,difficulty,registered_date\n" ID2
                                  ",李四,因病,2025-01-10\n");
    assert_int_equal(r.event, JZ_EV_VETERAN_HARDSHIP);
    r = one_row(JZ_DEPT_MARRIAGE, "id_number,name,kind,registration_date\n" ID2
                                  ",李四,marriage,2025-02-14\n");
    assert_int_equal(r.event, JZ_EV_MARRIAGE);
    one_refused(JZ_DEPT_MARRIAGE, "id_number,name,kind,registration_date\n" ID2
                                  ",李四,remarriage,2025-02-14\n", "kind", "divorce");
    r = one_row(JZ_DEPT_FUNERAL, "id_number,name,death_date,funeral_home\n" ID2
                                 ",李四,2025-04-02,忻州市殡仪馆\n");
    assert_int_equal(r.event, JZ_EV_FUNERAL);
    assert_int_equal(r.date, D("2025-04-02"));
    one_refused(JZ_DEPT_FUNERAL, "id_number,name,death_date,funeral_home\n" ID2
                                 ",李四,2025-04-31,忻州市殡仪馆\n", "death_date", "日期");
    r = one_row(JZ_DEPT_HOUSING_FUND, "id_number,name,employer,deposit_date,monthly_deposit\n" ID2
                                      ",李四,某某公司,2025-03-01,480\n");
    assert_int_equal(r.event, JZ_EV_HOUSING_FUND);
    assert_int_equal(r.amount, 48000);
    one_refused(JZ_DEPT_HOUSING_FUND, "id_number,name,employer,deposit_date,monthly_deposit\n" ID2
                                      ",李四,某某公司,2025-03-01,0\n", "monthly_deposit", "大于 0");
    r = one_row(JZ_DEPT_PENSION, "id_number,name,kind,date,monthly_amount\n" ID1
                                 ",张三,employee_pension,2025-01-01,3500\n");
    assert_int_equal(r.event, JZ_EV_PENSION);
    r = one_row(JZ_DEPT_PENSION, "id_number,name,kind,date,monthly_amount\n" ID1
                                 ",张三,resident_pension,2025-01-01,180\n");
    assert_int_equal(r.event, JZ_EV_RESIDENT_PENSION);
    r = one_row(JZ_DEPT_PENSION, "id_number,name,kind,date,monthly_amount\n" ID2
                                 ",李四,contribution,2025-01-01,4200\n");
    assert_int_equal(r.event, JZ_EV_PENSION_CONTRIBUTION);
    one_refused(JZ_DEPT_PENSION, "id_number,name,kind,date,monthly_amount\n" ID2
                                 ",李四,contribution,2025-01-01,\n", "monthly_amount", "不能为空");
    r = one_row(JZ_DEPT_TRAFFIC, "id_number,name,accident_date,injury,advance\n" ID2
                                 ",李四,2025-05-01,injured,\n");
    assert_int_equal(r.event, JZ_EV_TRAFFIC_ACCIDENT);
    assert_string_equal(r.code, "injured");
    r = one_row(JZ_DEPT_TRAFFIC, "id_number,name,accident_date,injury,advance\n" ID2
                                 ",李四,2025-05-01,死亡,20000\n");
    assert_string_equal(r.code, "killed");
    assert_int_equal(r.amount, 2000000);
    one_refused(JZ_DEPT_TRAFFIC, "id_number,name,accident_date,injury,advance\n" ID2
                                 ",李四,2025-05-01,hurt,\n", "injury", "injured");
}

static void test_old_combined_files(void **state)
{
    (void)state;
    /* 公安/殡葬 and 公积金/财政供养 were one department each: their files
     * still import, under their old names too. */
    assert_int_equal(jz_dept_find("公安/殡葬"), JZ_DEPT_DEATH);
    assert_int_equal(jz_dept_find("公积金/财政供养"), JZ_DEPT_PAYROLL);
    assert_int_equal(jz_dept_find("殡葬"), JZ_DEPT_FUNERAL);
    assert_int_equal(jz_dept_find("公积金"), JZ_DEPT_HOUSING_FUND);
    jz_feed_row r = one_row(JZ_DEPT_PAYROLL, "id_number,name,kind,date,amount\n" ID2
                                             ",李四,housing_fund,2024-05-01,300\n");
    assert_int_equal(r.event, JZ_EV_HOUSING_FUND);
    r = one_row(JZ_DEPT_DEATH, "id_number,name,death_date\n" ID2 ",李四,2024-05-01\n");
    assert_int_equal(r.event, JZ_EV_DEATH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_medical),
        cmocka_unit_test(test_disability),
        cmocka_unit_test(test_hrss),
        cmocka_unit_test(test_education),
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_death),
        cmocka_unit_test(test_justice),
        cmocka_unit_test(test_emergency),
        cmocka_unit_test(test_housing),
        cmocka_unit_test(test_registrations),
        cmocka_unit_test(test_payroll),
        cmocka_unit_test(test_fpm),
        cmocka_unit_test(test_id_15_digits),
        cmocka_unit_test(test_id_bad_check),
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_code_length),
        cmocka_unit_test(test_wrong_header),
        cmocka_unit_test(test_field_count),
        cmocka_unit_test(test_bad_date),
        cmocka_unit_test(test_bad_amount),
        cmocka_unit_test(test_unknown_values),
        cmocka_unit_test(test_out_of_pocket),
        cmocka_unit_test(test_cancel_before_issue),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_bom_crlf),
        cmocka_unit_test(test_blank_lines),
        cmocka_unit_test(test_continues_after_refusal),
        cmocka_unit_test(test_encoding_refused),
        cmocka_unit_test(test_no_text),
        cmocka_unit_test(test_chinese_labels),
        cmocka_unit_test(test_new_departments),
        cmocka_unit_test(test_old_combined_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
