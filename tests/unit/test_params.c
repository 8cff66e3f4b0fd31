/*
 * test_params.c - unit tests of the policy parameters (lib/policy/params.c).
 *
 * The real data in policy/params/ must resolve for every county of Shanxi on
 * every date the system is used for, with each field of jz_policy filled.  The
 * resolution rules (county over city over province, latest `from`, exclusive
 * `until`, overrides over everything) and the strictness of the loader are
 * shown on small parameter sets written to a temporary directory, so each
 * test states exactly the data it relies on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "jiuzhu/jz_params.h"

#ifndef JZ_SOURCE_DIR
#define JZ_SOURCE_DIR "."
#endif

static const char *source_dir(void)
{
    const char *s = getenv("JZ_SOURCE_DIR");

    return s != NULL && s[0] != '\0' ? s : JZ_SOURCE_DIR;
}

/* ------------------------------------------------------------ fixtures */

/* A temporary directory holding the files of one test. */
typedef struct tmpdir {
    char path[64];
    char files[16][128];
    int n;
} tmpdir;

static int tmp_setup(void **state)
{
    tmpdir *t = calloc(1, sizeof *t);

    assert_non_null(t);
    snprintf(t->path, sizeof t->path, "/tmp/jz_params_XXXXXX");
    assert_non_null(mkdtemp(t->path));
    *state = t;
    return 0;
}

static int tmp_teardown(void **state)
{
    tmpdir *t = *state;
    int i;

    for (i = 0; i < t->n; i++)
        unlink(t->files[i]);
    rmdir(t->path);
    free(t);
    return 0;
}

/* Writes (or rewrites) name in the test's directory and returns its path. */
static const char *put(tmpdir *t, const char *name, const char *text)
{
    char want[128];
    char *path = NULL;
    FILE *f;
    int i;

    snprintf(want, sizeof want, "%s/%s", t->path, name);
    for (i = 0; i < t->n && path == NULL; i++) {
        if (strcmp(t->files[i], want) == 0)
            path = t->files[i];
    }
    if (path == NULL) {
        assert_true(t->n < 16);
        path = t->files[t->n++];
        memcpy(path, want, sizeof want);
    }
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* The parameters 00-defaults.json does not give, at province level from
 * 2020-01-01, so that the real defaults plus this file resolve fully. */
static const char base_json[] =
    "{\"description\": \"test base\", \"params\": [\n"
    "{\"name\": \"dibao.standard.urban\", \"value\": \"800.00\", \"region\": \"14\","
    " \"from\": \"2020-01-01\", \"source\": \"t\"},\n"
    "{\"name\": \"dibao.standard.rural\", \"value\": \"600.00\", \"region\": \"14\","
    " \"from\": \"2020-01-01\", \"source\": \"t\"},\n"
    "{\"name\": \"tekun.care.capable\", \"value\": \"0.00\", \"region\": \"14\","
    " \"from\": \"2020-01-01\", \"source\": \"t\"},\n"
    "{\"name\": \"tekun.care.partial\", \"value\": 300, \"region\": \"14\","
    " \"from\": \"2020-01-01\", \"source\": \"t\"},\n"
    "{\"name\": \"tekun.care.none\", \"value\": 600.5, \"region\": \"14\","
    " \"from\": \"2020-01-01\", \"source\": \"t\"},\n"
    "{\"name\": \"rsp.disposable_income\", \"value\": \"30000\", \"region\": \"14\","
    " \"from\": \"2020-01-01\", \"source\": \"t\", \"reference\": true, \"note\": \"n\"}\n"
    "]}\n";

static void defaults_path(char *buf, size_t n)
{
    snprintf(buf, n, "%s/policy/params/00-defaults.json", source_dir());
}

/* A set with the real defaults and base_json: every parameter has a value
 * from 2020-01-01 at province level. */
static jz_paramset *base_set(tmpdir *t)
{
    char path[512];
    jz_paramset *ps = jz_paramset_new();
    jz_error err;

    assert_non_null(ps);
    jz_error_clear(&err);
    defaults_path(path, sizeof path);
    assert_int_equal(jz_paramset_load_file(ps, path, &err), JZ_OK);
    assert_int_equal(jz_paramset_load_file(ps, put(t, "base.json", base_json), &err), JZ_OK);
    return ps;
}

/* Loads one file into a fresh base set and returns the result code. */
static jz_err load_into_base(tmpdir *t, const char *text, jz_error *err)
{
    jz_paramset *ps = base_set(t);
    jz_err rc;

    jz_error_clear(err);
    rc = jz_paramset_load_file(ps, put(t, "extra.json", text), err);
    jz_paramset_free(ps);
    return rc;
}

static jz_fen rural(const jz_paramset *ps, const char *county, jz_date date)
{
    jz_policy p;
    jz_error err;

    jz_error_clear(&err);
    assert_int_equal(jz_policy_resolve(ps, county, date, &p, &err), JZ_OK);
    return p.standard[JZ_AREA_RURAL];
}

#define ENTRY(name, value, region, from, extra)                                                    \
    "{\"name\": \"" name "\", \"value\": " value ", \"region\": \"" region "\", \"from\": \"" from \
    "\", \"source\": \"t\"" extra "}"
#define FILE1(e) "{\"params\": [" e "]}"

/* --------------------------------------------------------- definitions */

static void test_defs(void **state)
{
    int i, j;

    (void)state;
    for (i = 0; i < JZ_P_COUNT; i++) {
        const jz_param_def *d = &jz_param_defs[i];

        assert_non_null(d->name);
        assert_non_null(d->unit);
        assert_non_null(d->doc);
        assert_true(d->doc[0] != '\0');
        assert_int_equal(jz_param_find(d->name), i);
        if (d->type == JZ_PT_INT)
            assert_true(d->min <= d->max);
        for (j = 0; j < i; j++)
            assert_string_not_equal(jz_param_defs[j].name, d->name);
    }
    assert_int_equal(jz_param_find("dibao.standard.rural"), JZ_P_DIBAO_STANDARD_RURAL);
    assert_int_equal(jz_param_find("tekun.disability_max_grade.multiple"),
                     JZ_P_TEKUN_DISABILITY_MAX_GRADE_MULTIPLE);
    assert_int_equal(jz_param_find("nope"), -1);
    assert_int_equal(jz_param_find(NULL), -1);
}

/* ----------------------------------------------------------- real data */

static void test_real_dir(void **state)
{
    char dir[512];
    jz_paramset *ps = jz_paramset_new();
    jz_policy p;
    jz_error err;

    (void)state;
    snprintf(dir, sizeof dir, "%s/policy/params", source_dir());
    jz_error_clear(&err);
    assert_int_equal(jz_paramset_load_dir(ps, dir, &err), JZ_OK);

    assert_int_equal(jz_policy_resolve(ps, "140902", 20240601, &p, &err), JZ_OK);
    assert_string_equal(p.county, "140902");
    assert_int_equal(p.date, 20240601);
    /* 10-standards.json: 忻州 760/610 in 2024, 忻府区 rural +20. */
    assert_int_equal(p.standard[JZ_AREA_URBAN], 76000);
    assert_int_equal(p.standard[JZ_AREA_RURAL], 63000);
    assert_true(p.standard[JZ_AREA_RURAL] < p.standard[JZ_AREA_URBAN]);
    /* 00-defaults.json. */
    assert_int_equal(p.window_months, 12);
    assert_int_equal(p.excluded_income, 0);
    assert_int_equal(p.dibao_assets_months, 24);
    assert_int_equal(p.max_vehicles, 0);
    assert_int_equal(p.max_extra_houses, 0);
    assert_false(p.business_allowed);
    assert_int_equal(p.dibao_rounding, JZ_ROUND_YUAN_UP);
    assert_int_equal(p.dibao_min_per_person, 0);
    assert_int_equal(p.supp_elderly, 0);
    assert_int_equal(p.supp_elderly_age, 60);
    assert_int_equal(p.supp_minor, 0);
    assert_int_equal(p.supp_severe_disability, 0);
    assert_int_equal(p.supp_serious_illness, 0);
    assert_int_equal(p.exp_assets_months, 36);
    assert_int_equal(p.exp_amount_basis, JZ_BASIS_ADJUSTED_INCOME);
    assert_int_equal(p.marg_multiple.num, 15);
    assert_int_equal(p.marg_multiple.den, 10);
    assert_int_equal(p.marg_assets_months, 36);
    assert_int_equal(p.exit_months, 6);
    assert_int_equal(p.death_check_months, 3);
    assert_int_equal(p.tk_elderly_age, 60);
    assert_int_equal(p.tk_minor_age, 16);
    assert_int_equal(p.tk_minor_age_in_school, 18);
    assert_int_equal(p.tk_max_grade[JZ_DIS_NONE], 0);
    assert_int_equal(p.tk_max_grade[JZ_DIS_VISION], 1);
    assert_int_equal(p.tk_max_grade[JZ_DIS_HEARING], 0);
    assert_int_equal(p.tk_max_grade[JZ_DIS_SPEECH], 0);
    assert_int_equal(p.tk_max_grade[JZ_DIS_LIMB], 2);
    assert_int_equal(p.tk_max_grade[JZ_DIS_INTELLECTUAL], 3);
    assert_int_equal(p.tk_max_grade[JZ_DIS_MENTAL], 3);
    assert_int_equal(p.tk_max_grade[JZ_DIS_MULTIPLE], 0);
    assert_int_equal(p.tk_basic_multiple.num, 13);
    assert_int_equal(p.tk_basic_multiple.den, 10);
    assert_int_equal(p.tk_care[JZ_CARE_CAPABLE], 0);
    assert_true(p.tk_care[JZ_CARE_PARTIAL] > 0);
    assert_true(p.tk_care[JZ_CARE_NONE] > p.tk_care[JZ_CARE_PARTIAL]);
    assert_int_equal(p.tk_assets_months, 24);
    assert_true(p.rsp_disposable_income >= 2000000 && p.rsp_disposable_income <= 5000000);
    assert_int_equal(p.rsp_expense_ratio.num, 5);
    assert_int_equal(p.rsp_expense_ratio.den, 10);
    assert_int_equal(p.tmp_unemployed_months, 1);
    assert_int_equal(p.tmp_no_income_months, 3);
    assert_int_equal(p.tmp_cap_months, 6);
    assert_int_equal(p.wf_total_days, 30);
    assert_int_equal(p.wf_township_days, 20);
    assert_int_equal(p.wf_extended_days, 45);
    assert_int_equal(p.wf_notice_days, 7);

    /* Before the first standard (2023-01-01): an error naming the parameter. */
    assert_int_equal(jz_policy_resolve(ps, "140902", 20221231, &p, &err), JZ_ENOTFOUND);
    assert_string_equal(err.field, "dibao.standard.urban");
    jz_paramset_free(ps);
}

/* Every county in the regions table has every parameter on every date from
 * 2023 to 2026, and the standards rise from year to year. */
static void test_real_every_county(void **state)
{
    static const jz_date dates[] = {20230101, 20231231, 20240101, 20250630, 20260101, 20261231};
    char path[512], line[256];
    jz_paramset *ps = jz_paramset_new();
    jz_policy p, prev;
    jz_error err;
    FILE *f;
    int counties = 0;
    size_t i;

    (void)state;
    memset(&prev, 0, sizeof prev);
    snprintf(path, sizeof path, "%s/policy/params", source_dir());
    jz_error_clear(&err);
    assert_int_equal(jz_paramset_load_dir(ps, path, &err), JZ_OK);
    snprintf(path, sizeof path, "%s/policy/regions/shanxi-regions.csv", source_dir());
    f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f) != NULL) {
        char county[7];

        if (strstr(line, ",county,") == NULL || strlen(line) < 7)
            continue;
        memcpy(county, line, 6);
        county[6] = '\0';
        counties++;
        for (i = 0; i < sizeof dates / sizeof dates[0]; i++) {
            if (jz_policy_resolve(ps, county, dates[i], &p, &err) != JZ_OK)
                fail_msg("%s %d: %s %s", county, (int)dates[i], err.field, err.reason);
            assert_true(p.standard[JZ_AREA_RURAL] < p.standard[JZ_AREA_URBAN]);
            assert_true(p.standard[JZ_AREA_RURAL] % 100 == 0);
            if (i > 0 && jz_date_year(dates[i]) > jz_date_year(dates[i - 1])) {
                assert_true(p.standard[JZ_AREA_URBAN] > prev.standard[JZ_AREA_URBAN]);
                assert_true(p.rsp_disposable_income > prev.rsp_disposable_income);
            }
            prev = p;
        }
    }
    fclose(f);
    assert_int_equal(counties, 121);
    jz_paramset_free(ps);
}

static void test_provenance(void **state)
{
    char dir[512], buf[256];
    jz_paramset *ps = jz_paramset_new();
    jz_error err;

    (void)state;
    snprintf(dir, sizeof dir, "%s/policy/params", source_dir());
    jz_error_clear(&err);
    assert_int_equal(jz_paramset_load_dir(ps, dir, &err), JZ_OK);

    jz_policy_provenance(ps, "140902", 20240601, JZ_P_DIBAO_STANDARD_RURAL, buf, sizeof buf);
    assert_non_null(strstr(buf, "10-standards.json 140902 from 2024-01-01"));
    assert_non_null(strstr(buf, "(参考值)"));
    jz_policy_provenance(ps, "140902", 20240601, JZ_P_TEKUN_CARE_PARTIAL, buf, sizeof buf);
    assert_non_null(strstr(buf, "10-standards.json 1409 from 2023-01-01"));
    jz_policy_provenance(ps, "140902", 20240601, JZ_P_MARGINAL_INCOME_MULTIPLE, buf, sizeof buf);
    assert_non_null(strstr(buf, "00-defaults.json 14 from 2020-01-01"));
    assert_null(strstr(buf, "参考值"));
    jz_policy_provenance(ps, "140902", 20190101, JZ_P_DIBAO_STANDARD_RURAL, buf, sizeof buf);
    assert_string_equal(buf, "无生效取值");

    assert_int_equal(jz_paramset_override(ps, "marginal.income_multiple=2", &err), JZ_OK);
    jz_policy_provenance(ps, "140902", 20240601, JZ_P_MARGINAL_INCOME_MULTIPLE, buf, sizeof buf);
    assert_string_equal(buf, "--param");

    /* A small buffer is truncated, never overrun. */
    jz_policy_provenance(ps, "140902", 20240601, JZ_P_DIBAO_STANDARD_RURAL, buf, 8);
    assert_int_equal(strlen(buf), 7);
    jz_paramset_free(ps);
}

/* ---------------------------------------------------------- resolution */

static void test_county_beats_city_beats_province(void **state)
{
    tmpdir *t = *state;
    jz_paramset *ps = base_set(t);
    jz_error err;

    jz_error_clear(&err);
    /* The county's value starts before the city's: it still wins, because
     * the most specific region with a value in force decides. */
    assert_int_equal(jz_paramset_load_file(
                         ps,
                         put(t, "levels.json",
                             FILE1(ENTRY("dibao.standard.rural", "\"650.00\"", "1409", "2024-01-01",
                                         "") "," ENTRY("dibao.standard.rural", "\"700.00\"",
                                                       "140902", "2023-01-01", ""))),
                         &err),
                     JZ_OK);
    assert_int_equal(rural(ps, "140902", 20240601), 70000);
    assert_int_equal(rural(ps, "140921", 20240601), 65000);
    assert_int_equal(rural(ps, "141002", 20240601), 60000);
    /* In 2022 neither the county's nor the city's value is in force yet. */
    assert_int_equal(rural(ps, "140902", 20220601), 60000);
    assert_int_equal(rural(ps, "140921", 20230601), 60000);
    jz_paramset_free(ps);
}

static void test_latest_from_wins(void **state)
{
    tmpdir *t = *state;
    jz_paramset *ps = base_set(t);
    jz_error err;

    jz_error_clear(&err);
    /* Listed out of order on purpose: file order does not matter. */
    assert_int_equal(
        jz_paramset_load_file(
            ps,
            put(t, "years.json",
                FILE1(ENTRY("dibao.standard.rural", "\"640.00\"", "14", "2025-01-01", "") "," ENTRY(
                    "dibao.standard.rural", "\"620.00\"", "14", "2024-01-01", ""))),
            &err),
        JZ_OK);
    assert_int_equal(rural(ps, "140902", 20231231), 60000);
    assert_int_equal(rural(ps, "140902", 20240101), 62000);
    assert_int_equal(rural(ps, "140902", 20241231), 62000);
    assert_int_equal(rural(ps, "140902", 20250101), 64000);
    assert_int_equal(rural(ps, "140902", 21000101), 64000);
    jz_paramset_free(ps);
}

static void test_until_excludes(void **state)
{
    tmpdir *t = *state;
    jz_paramset *ps = base_set(t);
    jz_error err;

    jz_error_clear(&err);
    assert_int_equal(
        jz_paramset_load_file(ps,
                              put(t, "until.json",
                                  FILE1(ENTRY("dibao.standard.rural", "\"700.00\"", "140902",
                                              "2024-01-01", ", \"until\": \"2024-07-01\""))),
                              &err),
        JZ_OK);
    assert_int_equal(rural(ps, "140902", 20231231), 60000);
    assert_int_equal(rural(ps, "140902", 20240101), 70000);
    assert_int_equal(rural(ps, "140902", 20240630), 70000);
    /* until is exclusive, and once the county's value ends the province's
     * applies again. */
    assert_int_equal(rural(ps, "140902", 20240701), 60000);
    jz_paramset_free(ps);
}

static void test_missing_value(void **state)
{
    tmpdir *t = *state;
    jz_paramset *ps = base_set(t);
    jz_policy p;
    jz_error err;

    jz_error_clear(&err);
    assert_int_equal(jz_policy_resolve(ps, "140902", 20191231, &p, &err), JZ_ENOTFOUND);
    assert_string_equal(err.field, "dibao.standard.urban");
    assert_non_null(strstr(err.reason, "dibao.standard.urban"));
    assert_non_null(strstr(err.reason, "140902"));
    assert_non_null(strstr(err.reason, "2019-12-31"));

    /* An empty set names the first parameter it lacks. */
    jz_paramset_free(ps);
    ps = jz_paramset_new();
    assert_int_equal(jz_policy_resolve(ps, "140902", 20240601, &p, &err), JZ_ENOTFOUND);
    assert_non_null(strstr(err.reason, "没有生效的取值"));

    /* A county must be 6 digits. */
    assert_int_equal(jz_policy_resolve(ps, "1409", 20240601, &p, &err), JZ_EINPUT);
    assert_int_equal(jz_policy_resolve(ps, "14090a", 20240601, &p, &err), JZ_EINPUT);
    jz_paramset_free(ps);
}

/* ------------------------------------------------------------- loading */

static void expect_error(tmpdir *t, const char *text, jz_err code, const char *field,
                         const char *reason_part)
{
    jz_error err;
    jz_err rc = load_into_base(t, text, &err);

    if (rc != code || strcmp(err.field, field) != 0 ||
        (reason_part != NULL && strstr(err.reason, reason_part) == NULL))
        fail_msg("got %s field=%s value=%s reason=%s", jz_err_name(rc), err.field, err.value,
                 err.reason);
    assert_non_null(strstr(err.source, "extra.json"));
}

static void test_unknown_fields(void **state)
{
    tmpdir *t = *state;

    expect_error(
        t,
        "{\"params\": [" ENTRY("exit.months", "6", "14", "2024-01-01",
                               "") ","
                                   "{\"name\": \"exit.months\", \"vaule\": 6, \"region\": \"14\","
                                   " \"from\": \"2025-01-01\", \"source\": \"t\"}]}",
        JZ_EINPUT, "params[1].vaule", "未知字段");
    expect_error(t, "{\"parms\": []}", JZ_EINPUT, "parms", "未知字段");
    expect_error(t, "{\"description\": \"x\"}", JZ_EINPUT, "params", "缺少");
    expect_error(t, "[]", JZ_EINPUT, "", NULL);
    expect_error(t, FILE1("42"), JZ_EINPUT, "params[0]", NULL);
}

static void test_unknown_name(void **state)
{
    tmpdir *t = *state;
    jz_error err;

    expect_error(t, FILE1(ENTRY("dibao.standard.rurall", "\"1\"", "14", "2024-01-01", "")),
                 JZ_EINPUT, "params[0].name", "未知参数 dibao.standard.rurall");
    assert_int_equal(load_into_base(t, FILE1("{\"value\": 1}"), &err), JZ_EINPUT);
    assert_string_equal(err.field, "params[0].name");
}

static void test_bad_values(void **state)
{
    tmpdir *t = *state;

    /* Money: at most two decimals, as text or as a number. */
    expect_error(t, FILE1(ENTRY("dibao.standard.rural", "\"520.123\"", "14", "2024-01-01", "")),
                 JZ_EINPUT, "params[0].value", NULL);
    expect_error(t, FILE1(ENTRY("dibao.standard.rural", "520.123", "14", "2024-01-01", "")),
                 JZ_EINPUT, "params[0].value", NULL);
    expect_error(t, FILE1(ENTRY("dibao.standard.rural", "-5", "14", "2024-01-01", "")), JZ_EINPUT,
                 "params[0].value", NULL);
    expect_error(t, FILE1(ENTRY("dibao.standard.rural", "true", "14", "2024-01-01", "")), JZ_EINPUT,
                 "params[0].value", "金额");
    /* Whole numbers: a JSON integer within the range. */
    expect_error(t, FILE1(ENTRY("exit.months", "121", "14", "2024-01-01", "")), JZ_ERANGE,
                 "params[0].value", "0 到 120");
    expect_error(t, FILE1(ENTRY("income.window_months", "0", "14", "2024-01-01", "")), JZ_ERANGE,
                 "params[0].value", NULL);
    expect_error(t, FILE1(ENTRY("tekun.disability_max_grade.limb", "5", "14", "2024-01-01", "")),
                 JZ_ERANGE, "params[0].value", NULL);
    expect_error(t, FILE1(ENTRY("exit.months", "\"6\"", "14", "2024-01-01", "")), JZ_EINPUT,
                 "params[0].value", "整数");
    expect_error(t, FILE1(ENTRY("exit.months", "6.0", "14", "2024-01-01", "")), JZ_EINPUT,
                 "params[0].value", "整数");
    /* Ratios. */
    expect_error(t, FILE1(ENTRY("marginal.income_multiple", "\"abc\"", "14", "2024-01-01", "")),
                 JZ_EINPUT, "params[0].value", "比例");
    expect_error(t,
                 FILE1(ENTRY("marginal.income_multiple", "\"1.2345678\"", "14", "2024-01-01", "")),
                 JZ_EINPUT, "params[0].value", "6 位小数");
    expect_error(t, FILE1(ENTRY("marginal.income_multiple", "-1.5", "14", "2024-01-01", "")),
                 JZ_EINPUT, "params[0].value", NULL);
    /* Booleans, enumerations, kinds. */
    expect_error(t, FILE1(ENTRY("assets.business_allowed", "\"yes\"", "14", "2024-01-01", "")),
                 JZ_EINPUT, "params[0].value", NULL);
    expect_error(t, FILE1(ENTRY("dibao.amount.rounding", "\"down\"", "14", "2024-01-01", "")),
                 JZ_EINPUT, "params[0].value", "yuan_up");
    expect_error(t,
                 FILE1(ENTRY("income.excluded_kinds", "[\"scholarship\", \"lottery\"]", "14",
                             "2024-01-01", "")),
                 JZ_EINPUT, "params[0].value", "收入类别");
    expect_error(t,
                 FILE1(ENTRY("income.excluded_kinds", "\"scholarship\"", "14", "2024-01-01", "")),
                 JZ_EINPUT, "params[0].value", NULL);
    /* The other fields. */
    expect_error(t, FILE1(ENTRY("exit.months", "6", "1409021", "2024-01-01", "")), JZ_EINPUT,
                 "params[0].region", "区划");
    expect_error(t, FILE1(ENTRY("exit.months", "6", "14", "2024-13-01", "")), JZ_EINPUT,
                 "params[0].from", NULL);
    expect_error(
        t, FILE1(ENTRY("exit.months", "6", "14", "2024-01-01", ", \"until\": \"2024-01-01\"")),
        JZ_EINPUT, "params[0].until", "晚于");
    expect_error(t, FILE1(ENTRY("exit.months", "6", "14", "2024-01-01", ", \"reference\": 1")),
                 JZ_EINPUT, "params[0].reference", NULL);
    expect_error(t,
                 FILE1("{\"name\": \"exit.months\", \"value\": 6, \"region\": \"14\","
                       " \"from\": \"2024-01-01\", \"source\": \"\"}"),
                 JZ_EINPUT, "params[0].source", "出处");
    expect_error(t,
                 FILE1("{\"name\": \"exit.months\", \"value\": 6, \"region\": \"14\","
                       " \"from\": \"2024-01-01\"}"),
                 JZ_EINPUT, "params[0].source", "缺少");
}

static void test_json_errors(void **state)
{
    tmpdir *t = *state;
    jz_error err;

    /* A syntax error gives the line. */
    assert_int_equal(load_into_base(t, "{\"params\": [\n{\"name\": }\n]}", &err), JZ_EINPUT);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.source, "extra.json"));
    /* Duplicate keys are refused rather than one silently winning. */
    assert_int_equal(
        load_into_base(t,
                       FILE1("{\"name\": \"exit.months\", \"value\": 6, \"value\": 7,"
                             " \"region\": \"14\", \"from\": \"2024-01-01\", \"source\": \"t\"}"),
                       &err),
        JZ_EINPUT);
    assert_int_equal(jz_paramset_load_file(NULL, "x", &err), JZ_EUSAGE);
}

static void test_duplicates(void **state)
{
    tmpdir *t = *state;
    jz_paramset *ps = base_set(t);
    const char *first, *second;
    jz_error err;

    jz_error_clear(&err);
    first = put(t, "a.json",
                FILE1(ENTRY("dibao.standard.rural", "\"650.00\"", "1409", "2024-01-01", "")));
    second = put(t, "b.json",
                 FILE1(ENTRY("exit.months", "5", "1409", "2024-01-01", "") "," ENTRY(
                     "dibao.standard.rural", "\"660.00\"", "1409", "2024-01-01", "")));
    assert_int_equal(jz_paramset_load_file(ps, first, &err), JZ_OK);
    assert_int_equal(jz_paramset_load_file(ps, second, &err), JZ_EINPUT);
    assert_string_equal(err.field, "params[1]");
    assert_non_null(strstr(err.source, "b.json"));
    assert_non_null(strstr(err.reason, "a.json"));
    assert_non_null(strstr(err.value, "dibao.standard.rural 1409 2024-01-01"));
    /* The failed file left the set as it was: its exit.months is not in. */
    {
        jz_policy p;

        assert_int_equal(jz_policy_resolve(ps, "140902", 20240601, &p, &err), JZ_OK);
        assert_int_equal(p.exit_months, 6);
        assert_int_equal(p.standard[JZ_AREA_RURAL], 65000);
    }
    /* The same file twice is a duplicate of itself. */
    assert_int_equal(jz_paramset_load_file(ps, first, &err), JZ_EINPUT);
    jz_paramset_free(ps);

    /* Within one file. */
    expect_error(t,
                 FILE1(ENTRY("exit.months", "5", "1409", "2024-01-01", "") "," ENTRY(
                     "exit.months", "4", "1410", "2024-01-01",
                     "") "," ENTRY("exit.months", "3", "1409", "2024-01-01", "")),
                 JZ_EINPUT, "params[2]", "params[0]");
    /* Same name and from, other region, or same region, other from: fine. */
    assert_int_equal(
        load_into_base(t,
                       FILE1(ENTRY("exit.months", "5", "1409", "2024-01-01",
                                   "") "," ENTRY("exit.months", "4", "1409", "2024-01-02", "")),
                       &err),
        JZ_OK);
}

static void test_load_dir(void **state)
{
    tmpdir *t = *state;
    jz_paramset *ps = jz_paramset_new();
    char sub[128], path[256];
    jz_error err;

    jz_error_clear(&err);
    /* An empty directory is an error rather than a set that fails later. */
    assert_int_equal(jz_paramset_load_dir(ps, t->path, &err), JZ_ENOTFOUND);
    assert_int_equal(jz_paramset_load_dir(ps, "/nonexistent/jz", &err), JZ_ENOTFOUND);

    put(t, "20-b.json", FILE1(ENTRY("exit.months", "5", "1409", "2024-01-01", "")));
    put(t, "10-a.json", FILE1(ENTRY("exit.months", "4", "1410", "2024-01-01", "")));
    put(t, "notes.txt", "not json");
    put(t, ".hidden.json", "not json either");
    snprintf(sub, sizeof sub, "%s/", t->path);
    assert_int_equal(jz_paramset_load_dir(ps, sub, &err), JZ_OK);
    assert_int_equal(jz_paramset_load_file(ps, put(t, "base.json", base_json), &err), JZ_OK);
    defaults_path(path, sizeof path);
    assert_int_equal(jz_paramset_load_file(ps, path, &err), JZ_OK);
    {
        char buf[256];

        jz_policy_provenance(ps, "140921", 20240601, JZ_P_EXIT_MONTHS, buf, sizeof buf);
        snprintf(path, sizeof path, "%s/20-b.json 1409 from 2024-01-01", t->path);
        assert_string_equal(buf, path);
        jz_policy_provenance(ps, "141002", 20240601, JZ_P_EXIT_MONTHS, buf, sizeof buf);
        snprintf(path, sizeof path, "%s/10-a.json 1410 from 2024-01-01", t->path);
        assert_string_equal(buf, path);
    }
    jz_paramset_free(ps);
}

/* ----------------------------------------------------------- overrides */

static void test_override(void **state)
{
    tmpdir *t = *state;
    jz_paramset *ps = base_set(t);
    jz_policy p;
    jz_error err;

    jz_error_clear(&err);
    assert_int_equal(jz_paramset_load_file(ps,
                                           put(t, "county.json",
                                               FILE1(ENTRY("dibao.standard.rural", "\"700.00\"",
                                                           "140902", "2024-01-01", ""))),
                                           &err),
                     JZ_OK);
    assert_int_equal(jz_paramset_override(ps, "dibao.standard.rural=520", &err), JZ_OK);
    assert_int_equal(rural(ps, "140902", 20240601), 52000);
    assert_int_equal(rural(ps, "141002", 20200101), 52000);
    /* The last override of a name wins. */
    assert_int_equal(jz_paramset_override(ps, "dibao.standard.rural=520.5", &err), JZ_OK);
    assert_int_equal(rural(ps, "140902", 20240601), 52050);

    assert_int_equal(jz_paramset_override(ps, "exit.months=0", &err), JZ_OK);
    assert_int_equal(jz_paramset_override(ps, "assets.business_allowed=true", &err), JZ_OK);
    assert_int_equal(jz_paramset_override(ps, "dibao.amount.rounding=fen_up", &err), JZ_OK);
    assert_int_equal(jz_paramset_override(ps, "expenditure.amount_basis=income", &err), JZ_OK);
    assert_int_equal(jz_paramset_override(ps, "income.excluded_kinds=scholarship, donation", &err),
                     JZ_OK);
    assert_int_equal(jz_policy_resolve(ps, "140902", 20240601, &p, &err), JZ_OK);
    assert_int_equal(p.exit_months, 0);
    assert_true(p.business_allowed);
    assert_int_equal(p.dibao_rounding, JZ_ROUND_FEN_UP);
    assert_int_equal(p.exp_amount_basis, JZ_BASIS_INCOME);
    assert_int_equal(p.excluded_income, (1u << JZ_INC_SCHOLARSHIP) | (1u << JZ_INC_DONATION));

    assert_int_equal(jz_paramset_override(ps, "income.excluded_kinds=", &err), JZ_OK);
    assert_int_equal(jz_policy_resolve(ps, "140902", 20240601, &p, &err), JZ_OK);
    assert_int_equal(p.excluded_income, 0);
    assert_int_equal(jz_paramset_override(ps, "income.excluded_kinds=[\"wage\"]", &err), JZ_OK);
    assert_int_equal(jz_policy_resolve(ps, "140902", 20240601, &p, &err), JZ_OK);
    assert_int_equal(p.excluded_income, 1u << JZ_INC_WAGE);
    jz_paramset_free(ps);
}

static void test_override_errors(void **state)
{
    jz_paramset *ps = jz_paramset_new();
    jz_error err;

    (void)state;
    jz_error_clear(&err);
    assert_int_equal(jz_paramset_override(ps, "xyz=1", &err), JZ_ENOTFOUND);
    assert_non_null(strstr(err.reason, "未知参数 xyz"));
    assert_non_null(strstr(err.reason, "jiuzhu rules --params"));
    assert_int_equal(jz_paramset_override(ps, "dibao.standard.rural", &err), JZ_EUSAGE);
    assert_int_equal(jz_paramset_override(ps, "=5", &err), JZ_ENOTFOUND);

    assert_int_equal(jz_paramset_override(ps, "marginal.income_multiple=abc", &err), JZ_EINPUT);
    assert_string_equal(err.field, "--param marginal.income_multiple");
    assert_string_equal(err.value, "abc");
    assert_int_equal(jz_paramset_override(ps, "dibao.standard.rural=520.123", &err), JZ_EINPUT);
    assert_int_equal(jz_paramset_override(ps, "dibao.standard.rural=", &err), JZ_EINPUT);
    assert_int_equal(jz_paramset_override(ps, "exit.months=abc", &err), JZ_EINPUT);
    assert_int_equal(jz_paramset_override(ps, "exit.months= 6", &err), JZ_EINPUT);
    assert_int_equal(jz_paramset_override(ps, "exit.months=+6", &err), JZ_EINPUT);
    assert_int_equal(jz_paramset_override(ps, "exit.months=6x", &err), JZ_EINPUT);
    assert_int_equal(jz_paramset_override(ps, "exit.months=-1", &err), JZ_ERANGE);
    assert_int_equal(jz_paramset_override(ps, "exit.months=99999999999999999999", &err), JZ_ERANGE);
    assert_int_equal(jz_paramset_override(ps, "assets.business_allowed=1", &err), JZ_EINPUT);
    assert_int_equal(jz_paramset_override(ps, "dibao.amount.rounding=up", &err), JZ_EINPUT);
    assert_int_equal(jz_paramset_override(ps, "income.excluded_kinds=wage,,donation", &err),
                     JZ_EINPUT);
    assert_int_equal(jz_paramset_override(ps, "income.excluded_kinds=wage,lottery", &err),
                     JZ_EINPUT);
    assert_string_equal(err.value, "lottery");
    assert_int_equal(jz_paramset_override(ps, "income.excluded_kinds=wage,wage", &err), JZ_EINPUT);
    assert_int_equal(jz_paramset_override(ps, "income.excluded_kinds=[\"wage\"", &err), JZ_EINPUT);
    jz_paramset_free(ps);
}

/* -------------------------------------------------------------- ratios */

static jz_ratio ratio_of(tmpdir *t, const char *text, jz_err expect)
{
    char assignment[128];
    jz_paramset *ps = base_set(t);
    jz_policy p;
    jz_error err;
    jz_ratio r = {-1, -1};

    jz_error_clear(&err);
    snprintf(assignment, sizeof assignment, "marginal.income_multiple=%s", text);
    assert_int_equal(jz_paramset_override(ps, assignment, &err), expect);
    if (expect == JZ_OK) {
        assert_int_equal(jz_policy_resolve(ps, "140902", 20240601, &p, &err), JZ_OK);
        r = p.marg_multiple;
    }
    jz_paramset_free(ps);
    return r;
}

#define assert_ratio(r, n, d)                                                                      \
    do {                                                                                           \
        jz_ratio r_ = (r);                                                                         \
        assert_int_equal(r_.num, (n));                                                             \
        assert_int_equal(r_.den, (d));                                                             \
    } while (0)

static void test_ratio_text(void **state)
{
    tmpdir *t = *state;

    assert_ratio(ratio_of(t, "1.5", JZ_OK), 15, 10);
    assert_ratio(ratio_of(t, "0.5", JZ_OK), 5, 10);
    assert_ratio(ratio_of(t, "2", JZ_OK), 2, 1);
    assert_ratio(ratio_of(t, "1.333333", JZ_OK), 1333333, 1000000);
    assert_ratio(ratio_of(t, "1.50", JZ_OK), 15, 10);
    assert_ratio(ratio_of(t, "2.000", JZ_OK), 2, 1);
    assert_ratio(ratio_of(t, "0", JZ_OK), 0, 1);
    assert_ratio(ratio_of(t, "0.000001", JZ_OK), 1, 1000000);
    assert_ratio(ratio_of(t, "999.999999", JZ_OK), 999999999, 1000000);
    ratio_of(t, "1.3333333", JZ_EINPUT);
    ratio_of(t, "1000", JZ_ERANGE);
    ratio_of(t, ".5", JZ_EINPUT);
    ratio_of(t, "1.", JZ_EINPUT);
    ratio_of(t, "-1", JZ_EINPUT);
    ratio_of(t, "1e2", JZ_EINPUT);
    ratio_of(t, "1,5", JZ_EINPUT);
    ratio_of(t, "", JZ_EINPUT);
}

static void test_ratio_json(void **state)
{
    tmpdir *t = *state;
    jz_paramset *ps = base_set(t);
    jz_policy p;
    jz_error err;

    jz_error_clear(&err);
    /* JSON reals are read as their shortest decimal text: 1.3 is 13/10. */
    assert_int_equal(
        jz_paramset_load_file(
            ps,
            put(t, "ratios.json",
                FILE1(ENTRY("tekun.basic_multiple", "1.3", "14", "2024-01-01", "") "," ENTRY(
                    "marginal.income_multiple", "2", "14", "2024-01-01",
                    "") "," ENTRY("rsp.expense_ratio", "0.25", "14", "2024-01-01", ""))),
            &err),
        JZ_OK);
    assert_int_equal(jz_policy_resolve(ps, "140902", 20240601, &p, &err), JZ_OK);
    assert_ratio(p.tk_basic_multiple, 13, 10);
    assert_ratio(p.marg_multiple, 2, 1);
    assert_ratio(p.rsp_expense_ratio, 25, 100);
    /* Money as a JSON number or integer (base.json). */
    assert_int_equal(p.tk_care[JZ_CARE_PARTIAL], 30000);
    assert_int_equal(p.tk_care[JZ_CARE_NONE], 60050);
    assert_int_equal(p.rsp_disposable_income, 3000000);
    jz_paramset_free(ps);

    expect_error(t, FILE1(ENTRY("rsp.expense_ratio", "0.0000001", "14", "2024-01-01", "")),
                 JZ_EINPUT, "params[0].value", NULL);
    expect_error(t, FILE1(ENTRY("rsp.expense_ratio", "1000", "14", "2024-01-01", "")), JZ_ERANGE,
                 "params[0].value", NULL);
}

/* -------------------------------------------------------- format_value */

static void test_format_value(void **state)
{
    tmpdir *t = *state;
    jz_paramset *ps = base_set(t);
    jz_policy p;
    jz_error err;
    char buf[256];

    jz_error_clear(&err);
    assert_int_equal(jz_policy_resolve(ps, "140902", 20240601, &p, &err), JZ_OK);
    jz_policy_format_value(&p, JZ_P_DIBAO_STANDARD_RURAL, buf, sizeof buf);
    assert_string_equal(buf, "600.00");
    jz_policy_format_value(&p, JZ_P_MARGINAL_INCOME_MULTIPLE, buf, sizeof buf);
    assert_string_equal(buf, "1.5");
    jz_policy_format_value(&p, JZ_P_RSP_EXPENSE_RATIO, buf, sizeof buf);
    assert_string_equal(buf, "0.5");
    jz_policy_format_value(&p, JZ_P_TEKUN_BASIC_MULTIPLE, buf, sizeof buf);
    assert_string_equal(buf, "1.3");
    jz_policy_format_value(&p, JZ_P_EXIT_MONTHS, buf, sizeof buf);
    assert_string_equal(buf, "6");
    jz_policy_format_value(&p, JZ_P_ASSETS_BUSINESS_ALLOWED, buf, sizeof buf);
    assert_string_equal(buf, "false");
    jz_policy_format_value(&p, JZ_P_DIBAO_AMOUNT_ROUNDING, buf, sizeof buf);
    assert_string_equal(buf, "yuan_up");
    jz_policy_format_value(&p, JZ_P_EXPENDITURE_AMOUNT_BASIS, buf, sizeof buf);
    assert_string_equal(buf, "adjusted_income");
    jz_policy_format_value(&p, JZ_P_INCOME_EXCLUDED_KINDS, buf, sizeof buf);
    assert_string_equal(buf, "[]");
    jz_policy_format_value(&p, JZ_P_TEKUN_DISABILITY_MAX_GRADE_LIMB, buf, sizeof buf);
    assert_string_equal(buf, "2");

    p.excluded_income = (1u << JZ_INC_SCHOLARSHIP) | (1u << JZ_INC_DONATION);
    jz_policy_format_value(&p, JZ_P_INCOME_EXCLUDED_KINDS, buf, sizeof buf);
    assert_string_equal(buf, "[\"donation\",\"scholarship\"]");
    p.marg_multiple = (jz_ratio){1333333, 1000000};
    jz_policy_format_value(&p, JZ_P_MARGINAL_INCOME_MULTIPLE, buf, sizeof buf);
    assert_string_equal(buf, "1.333333");
    p.marg_multiple = (jz_ratio){20, 10};
    jz_policy_format_value(&p, JZ_P_MARGINAL_INCOME_MULTIPLE, buf, sizeof buf);
    assert_string_equal(buf, "2");
    p.marg_multiple = (jz_ratio){5, 100};
    jz_policy_format_value(&p, JZ_P_MARGINAL_INCOME_MULTIPLE, buf, sizeof buf);
    assert_string_equal(buf, "0.05");
    /* Truncated, never overrun. */
    jz_policy_format_value(&p, JZ_P_INCOME_EXCLUDED_KINDS, buf, 5);
    assert_string_equal(buf, "[\"do");
    jz_paramset_free(ps);
}

/* Every parameter's formatted value, given back as --param, resolves to the
 * same value: the text forms of format_value and override agree. */
static void test_format_round_trip(void **state)
{
    tmpdir *t = *state;
    jz_paramset *ps = base_set(t), *again = jz_paramset_new();
    jz_policy p, q;
    jz_error err;
    char value[256], assignment[384], check[256];
    int id;

    jz_error_clear(&err);
    assert_int_equal(jz_paramset_override(ps, "income.excluded_kinds=scholarship,other", &err),
                     JZ_OK);
    assert_int_equal(jz_paramset_override(ps, "dibao.amount.supplement.minor=12.3", &err), JZ_OK);
    assert_int_equal(jz_policy_resolve(ps, "140902", 20240601, &p, &err), JZ_OK);
    for (id = 0; id < JZ_P_COUNT; id++) {
        jz_policy_format_value(&p, (jz_param_id)id, value, sizeof value);
        snprintf(assignment, sizeof assignment, "%s=%s", jz_param_defs[id].name, value);
        if (jz_paramset_override(again, assignment, &err) != JZ_OK)
            fail_msg("%s: %s", assignment, err.reason);
    }
    assert_int_equal(jz_policy_resolve(again, "110101", 19000101, &q, &err), JZ_OK);
    for (id = 0; id < JZ_P_COUNT; id++) {
        jz_policy_format_value(&p, (jz_param_id)id, value, sizeof value);
        jz_policy_format_value(&q, (jz_param_id)id, check, sizeof check);
        assert_string_equal(value, check);
    }
    q.date = p.date;
    memcpy(q.county, p.county, sizeof q.county);
    assert_memory_equal(&p, &q, sizeof p);
    jz_paramset_free(again);
    jz_paramset_free(ps);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defs),
        cmocka_unit_test(test_real_dir),
        cmocka_unit_test(test_real_every_county),
        cmocka_unit_test(test_provenance),
        cmocka_unit_test_setup_teardown(test_county_beats_city_beats_province, tmp_setup,
                                        tmp_teardown),
        cmocka_unit_test_setup_teardown(test_latest_from_wins, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_until_excludes, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_missing_value, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_fields, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_name, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_bad_values, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_json_errors, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_duplicates, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_load_dir, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_override, tmp_setup, tmp_teardown),
        cmocka_unit_test(test_override_errors),
        cmocka_unit_test_setup_teardown(test_ratio_text, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_ratio_json, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_format_value, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_format_round_trip, tmp_setup, tmp_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
