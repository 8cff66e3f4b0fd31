/*
 * test_region.c - unit tests of the region table and of region codes.
 *
 * The real Shanxi table is loaded from the source tree (JZ_SOURCE_DIR), and
 * small malformed tables are written to temporary files to check that the
 * loader stops at the right line with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jiuzhu/jz_region.h"

#ifndef JZ_SOURCE_DIR
#define JZ_SOURCE_DIR "."
#endif

/* The real table, loaded once for the tests that need it. */
static int load_real(void **state)
{
    const char *dir = getenv("JZ_SOURCE_DIR");
    char path[4096];
    jz_regions *t = NULL;
    jz_error e;

    if (dir == NULL || dir[0] == '\0')
        dir = JZ_SOURCE_DIR;
    snprintf(path, sizeof path, "%s/policy/regions/shanxi-regions.csv", dir);
    jz_error_clear(&e);
    if (jz_regions_load(path, &t, &e) != JZ_OK) {
        char msg[512];

        jz_error_format(&e, msg, sizeof msg);
        print_error("%s\n", msg);
        return -1;
    }
    *state = t;
    return 0;
}

static int free_real(void **state)
{
    jz_regions_free(*state);
    return 0;
}

static void test_counts_and_names(void **state)
{
    const jz_regions *t = *state;

    assert_int_equal(jz_regions_count(t, JZ_LEVEL_PROVINCE), 0);
    assert_int_equal(jz_regions_count(t, JZ_LEVEL_CITY), 11);
    assert_int_equal(jz_regions_count(t, JZ_LEVEL_COUNTY), 121);
    assert_int_equal(jz_regions_count(t, JZ_LEVEL_TOWNSHIP), 1352);
    assert_int_equal(jz_regions_count(t, JZ_LEVEL_VILLAGE), 0);

    assert_string_equal(jz_regions_name(t, "1409", 4), "忻州市");
    assert_string_equal(jz_regions_name(t, "140902", 6), "忻府区");
    assert_string_equal(jz_regions_name(t, "140902001", 9), "秀容街道");
    assert_string_equal(jz_regions_name(t, "140105", 6), "小店区");
    /* The length picks the level: "140902001" read as 6 digits is the county. */
    assert_string_equal(jz_regions_name(t, "140902001", 6), "忻府区");
    assert_null(jz_regions_name(t, "14", 2));
    assert_null(jz_regions_name(t, "140999", 6));
    assert_null(jz_regions_name(t, "14090x", 6));
    assert_null(jz_regions_name(t, "14090", 5));
    assert_null(jz_regions_name(t, "140902001001", 12));
    assert_null(jz_regions_name(NULL, "140902", 6));
}

static void test_code_at_sorted(void **state)
{
    const jz_regions *t = *state;

    for (int l = JZ_LEVEL_CITY; l <= JZ_LEVEL_TOWNSHIP; l++) {
        size_t n = jz_regions_count(t, (jz_region_level)l);

        for (size_t i = 1; i < n; i++) {
            const char *a = jz_regions_code_at(t, (jz_region_level)l, i - 1);
            const char *b = jz_regions_code_at(t, (jz_region_level)l, i);

            assert_true(strcmp(a, b) < 0);
        }
        assert_null(jz_regions_code_at(t, (jz_region_level)l, n));
    }
    assert_string_equal(jz_regions_code_at(t, JZ_LEVEL_CITY, 0), "1401");
    assert_null(jz_regions_code_at(t, JZ_LEVEL_VILLAGE, 0));
}

static void test_parse_known(void **state)
{
    const jz_regions *t = *state;
    jz_region r;
    jz_error e;
    char county[7];

    jz_error_clear(&e);
    assert_int_equal(jz_region_parse(t, "140902", 6, &r, &e), JZ_OK);
    assert_string_equal(r.code, "140902");
    assert_int_equal(r.len, 6);
    assert_int_equal(jz_region_parse(t, "140902001", 9, &r, &e), JZ_OK);
    assert_int_equal(r.len, 9);
    assert_int_equal(jz_region_parse(t, "140902001001", 12, &r, &e), JZ_OK);
    assert_string_equal(r.code, "140902001001");
    assert_int_equal(r.len, 12);
    jz_region_county(&r, county);
    assert_string_equal(county, "140902");
}

static void test_parse_unknown(void **state)
{
    const jz_regions *t = *state;
    jz_region r;
    jz_error e;

    jz_error_clear(&e);
    assert_int_equal(jz_region_parse(t, "140999", 6, &r, &e), JZ_ENOTFOUND);
    assert_string_equal(e.reason, "未知的县级区划代码 140999");
    assert_string_equal(e.value, "140999");
    assert_int_equal(jz_region_parse(t, "140999001001", 12, &r, &e), JZ_ENOTFOUND);
    assert_string_equal(e.reason, "未知的县级区划代码 140999");
    assert_int_equal(jz_region_parse(t, "140902999001", 12, &r, &e), JZ_ENOTFOUND);
    assert_string_equal(e.reason, "未知的乡级区划代码 140902999");
    assert_int_equal(jz_region_parse(t, "140902999", 9, &r, &e), JZ_ENOTFOUND);
    /* 140902 has a township 001 and 定襄县 140921 has a 101 but no 001: the
     * township is looked up as a whole, not as two separate parts. */
    assert_int_equal(jz_region_parse(t, "140921101", 9, &r, &e), JZ_OK);
    assert_int_equal(jz_region_parse(t, "140921001", 9, &r, &e), JZ_ENOTFOUND);
}

static void test_parse_shape(void **state)
{
    const jz_regions *t = *state;
    jz_region r;
    jz_error e;

    static const char *const bad[] = {
        "",         "14",         "1409",         "14090",         "1409020",
        "14090200", "1409020010", "14090200100",  "1409020010010", "14090a",
        "140902 ",  "-14090",     "14090200100x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        jz_error_clear(&e);
        assert_int_equal(jz_region_parse(t, bad[i], strlen(bad[i]), &r, &e), JZ_EINPUT);
        assert_string_equal(e.reason, "区划代码应为6、9或12位数字");
        /* Without a table, the shape is still checked. */
        assert_int_equal(jz_region_parse(NULL, bad[i], strlen(bad[i]), &r, &e), JZ_EINPUT);
    }
    /* Without a table an unknown county passes: only the shape is checked. */
    assert_int_equal(jz_region_parse(NULL, "140999", 6, &r, &e), JZ_OK);
    assert_string_equal(r.code, "140999");
}

/* Writes text to a new temporary file and returns its path in path[]. */
static void write_temp(char path[64], const char *text, size_t len)
{
    int fd;
    FILE *f;

    snprintf(path, 64, "/tmp/jz_regions_XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Loads text as a table and expects a failure with code at line, with a
 * reason containing `reason`. */
static void check_load_fails(const char *text, jz_err code, long line, const char *reason)
{
    char path[64], msg[1024], prefix[128];
    jz_regions *t = (jz_regions *)1;
    jz_error e;
    jz_err rc;

    write_temp(path, text, strlen(text));
    jz_error_clear(&e);
    rc = jz_regions_load(path, &t, &e);
    unlink(path);
    jz_error_format(&e, msg, sizeof msg);
    if (rc != code || e.line != line || strstr(e.reason, reason) == NULL)
        fail_msg("expected code %d line %ld \"%s\", got code %d: %s", code, line, reason, rc, msg);
    assert_null(t);
    assert_string_equal(e.source, path);
    /* The message names the file and the line for people. */
    snprintf(prefix, sizeof prefix, line > 0 ? "%s:%ld: " : "%s: ", path, line);
    assert_memory_equal(msg, prefix, strlen(prefix));
}

static void test_load_malformed(void **state)
{
    char text[4096];

    (void)state;
    check_load_fails("code,level,name\n", JZ_EINPUT, 1, "表头应为");
    check_load_fails("# comment\n\ncode,level,name,parent\n1409,city,忻州市,14\n"
                     "140902,county,忻府区\n",
                     JZ_EINPUT, 5, "字段过少");
    check_load_fails("code,level,name,parent\n140902,county,忻府区,1409,x\n", JZ_EINPUT, 2,
                     "字段过多");
    check_load_fails("code,level,name,parent\n1409,city,忻州市,14\n140902,district,忻府区,1409\n",
                     JZ_EINPUT, 3, "未知的级别");
    check_load_fails("code,level,name,parent\n1409,city,忻州市,14\n14090,county,忻府区,1409\n",
                     JZ_EINPUT, 3, "county 级区划代码应为6位数字");
    check_load_fails("code,level,name,parent\n1409,city,忻州市,14\n14090x,county,忻府区,1409\n",
                     JZ_EINPUT, 3, "应为6位数字");
    check_load_fails("code,level,name,parent\n1409,city,忻州市,14\n140902,county,忻府区,1401\n",
                     JZ_EINPUT, 3, "上级代码应为 1409");
    check_load_fails("code,level,name,parent\n1409,city,忻州市,14\n140902,county,,1409\n",
                     JZ_EINPUT, 3, "名称不能为空");
    check_load_fails("code,level,name,parent\n1409,city,忻州市,14\n140902,county,\xE5\xBF,1409\n",
                     JZ_EINPUT, 3, "UTF-8");
    check_load_fails("code,level,name,parent\n1409,city,\"忻州市\",14\n", JZ_EINPUT, 2, "引号");
    /* Duplicates are reported at the second line, naming the first. */
    check_load_fails("code,level,name,parent\n1409,city,忻州市,14\n140902,county,忻府区,1409\n"
                     "140902,county,忻府区,1409\n",
                     JZ_EINPUT, 4, "区划代码重复（第 3 行已有）");
    /* A township whose county is not in the file. */
    check_load_fails("code,level,name,parent\n1409,city,忻州市,14\n140902,county,忻府区,1409\n"
                     "140921001,township,某镇,140921\n",
                     JZ_EINPUT, 4, "上级区划 140921 不在文件中");
    check_load_fails("", JZ_EINPUT, 0, "缺少表头");
    check_load_fails("# only a comment\n", JZ_EINPUT, 0, "缺少表头");
    check_load_fails("code,level,name,parent\n1409,city,忻州市,14\n", JZ_EINPUT, 0,
                     "没有任何县级区划");

    /* An over-long line is refused, not split. */
    snprintf(text, sizeof text, "code,level,name,parent\n1409,city,忻州市,14\n140902,county,");
    size_t n = strlen(text);
    memset(text + n, 'a', 1500);
    memcpy(text + n + 1500, ",1409\n", 7);
    check_load_fails(text, JZ_EINPUT, 3, "行过长");
}

static void test_load_nul_byte(void **state)
{
    static const char text[] = "code,level,name,parent\n1409,city,忻\0州市,14\n";
    char path[64];
    jz_regions *t = NULL;
    jz_error e;

    (void)state;
    write_temp(path, text, sizeof text - 1);
    jz_error_clear(&e);
    assert_int_equal(jz_regions_load(path, &t, &e), JZ_EINPUT);
    unlink(path);
    assert_int_equal(e.line, 2);
    assert_null(t);
}

static void test_load_missing_file(void **state)
{
    jz_regions *t = NULL;
    jz_error e;

    (void)state;
    jz_error_clear(&e);
    assert_int_equal(jz_regions_load("/nonexistent/regions.csv", &t, &e), JZ_ENOTFOUND);
    assert_string_equal(e.source, "/nonexistent/regions.csv");
    assert_non_null(strstr(e.reason, "无法打开区划文件"));
    assert_null(t);
}

/* A table saved by a spreadsheet: a byte-order mark and CRLF line ends. */
static void test_load_bom_crlf(void **state)
{
    static const char text[] = "\xEF\xBB\xBF# comment\r\ncode,level,name,parent\r\n"
                               "1409,city,忻州市,14\r\n140902,county,忻府区,1409\r\n"
                               "140902001,township,秀容街道,140902";
    char path[64];
    jz_regions *t = NULL;
    jz_error e;

    (void)state;
    write_temp(path, text, sizeof text - 1);
    jz_error_clear(&e);
    assert_int_equal(jz_regions_load(path, &t, &e), JZ_OK);
    unlink(path);
    assert_string_equal(jz_regions_name(t, "140902", 6), "忻府区");
    assert_string_equal(jz_regions_name(t, "140902001", 9), "秀容街道");
    assert_int_equal(jz_regions_count(t, JZ_LEVEL_TOWNSHIP), 1);
    jz_regions_free(t);
    jz_regions_free(NULL);
}

int main(void)
{
    const struct CMUnitTest real[] = {
        cmocka_unit_test(test_counts_and_names), cmocka_unit_test(test_code_at_sorted),
        cmocka_unit_test(test_parse_known),      cmocka_unit_test(test_parse_unknown),
        cmocka_unit_test(test_parse_shape),
    };
    const struct CMUnitTest files[] = {
        cmocka_unit_test(test_load_malformed),
        cmocka_unit_test(test_load_nul_byte),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_load_bom_crlf),
    };
    int failed = cmocka_run_group_tests(real, load_real, free_real);

    return failed + cmocka_run_group_tests(files, NULL, NULL);
}
