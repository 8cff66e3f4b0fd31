/*
 * test_err.c - unit tests of the error record and its one-line message.
 *
 * The message is what a caseworker reads to fix a record, so these tests pin
 * its exact shape, and check that whatever bytes an input contained, the
 * stored strings stay bounded, valid UTF-8 and on one line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "jiuzhu/jz_err.h"

/* True when s is valid UTF-8 (a simplified check that is enough here: lead
 * bytes announce as many continuation bytes as follow). */
static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p != '\0') {
        int n = *p < 0x80 ? 0 : *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : *p >= 0xC2 ? 1 : -1;

        if (n < 0)
            return false;
        p++;
        for (int i = 0; i < n; i++, p++) {
            if ((*p & 0xC0) != 0x80)
                return false;
        }
    }
    return true;
}

static void test_clear(void **state)
{
    jz_error e;

    (void)state;
    memset(&e, 'x', sizeof e);
    jz_error_clear(&e);
    assert_int_equal(e.code, JZ_OK);
    assert_int_equal(e.line, 0);
    assert_string_equal(e.source, "");
    assert_string_equal(e.household, "");
    assert_string_equal(e.member, "");
    assert_string_equal(e.field, "");
    assert_string_equal(e.value, "");
    assert_string_equal(e.reason, "");
}

static void test_set_keeps_where(void **state)
{
    jz_error e;

    (void)state;
    jz_error_clear(&e);
    jz_error_set_where(&e, "H140902-000001", "members[1] 140902198001010016");
    jz_error_set_source(&e, "households.jsonl", 3);
    assert_int_equal(jz_error_set(&e, JZ_EINPUT, "amount", "12.345", "金额最多%s位小数", "两"),
                     JZ_EINPUT);
    assert_int_equal(e.code, JZ_EINPUT);
    assert_string_equal(e.field, "amount");
    assert_string_equal(e.value, "12.345");
    assert_string_equal(e.reason, "金额最多两位小数");
    assert_string_equal(e.household, "H140902-000001");
    assert_string_equal(e.member, "members[1] 140902198001010016");
    assert_string_equal(e.source, "households.jsonl");
    assert_int_equal(e.line, 3);

    /* A NULL record only returns the code. */
    assert_int_equal(jz_error_set(NULL, JZ_ERANGE, NULL, NULL, "x"), JZ_ERANGE);
    /* NULL field and value store empty strings. */
    jz_error_set(&e, JZ_EIO, NULL, NULL, "读取失败");
    assert_string_equal(e.field, "");
    assert_string_equal(e.value, "");
}

static void test_setn_unterminated(void **state)
{
    jz_error e;
    const char text[] = {'1', '2', '.', '3', '4', '5', '!'};

    (void)state;
    jz_error_clear(&e);
    jz_error_setn(&e, JZ_EINPUT, NULL, text, 6, "r");
    assert_string_equal(e.value, "12.345");
}

static void test_prefix_field(void **state)
{
    jz_error e;

    (void)state;
    jz_error_clear(&e);
    jz_error_set(&e, JZ_EINPUT, "amount", "x", "r");
    jz_error_prefix_field(&e, "income[0].");
    jz_error_prefix_field(&e, "members[1].");
    assert_string_equal(e.field, "members[1].income[0].amount");

    /* No stray dot before an index or before nothing. */
    jz_error_set(&e, JZ_EINPUT, "[2]", "x", "r");
    jz_error_prefix_field(&e, "income.");
    assert_string_equal(e.field, "income[2]");
    jz_error_set(&e, JZ_EINPUT, NULL, "x", "r");
    jz_error_prefix_field(&e, "region.");
    assert_string_equal(e.field, "region");
}

static void test_format_full(void **state)
{
    jz_error e;
    char buf[512];

    (void)state;
    jz_error_clear(&e);
    jz_error_set(&e, JZ_EINPUT, "members[1].income[0].amount", "12.345", "金额最多两位小数");
    jz_error_set_where(&e, "H140902-000001", "members[1] 140902198001010016");
    jz_error_set_source(&e, "households.jsonl", 3);
    jz_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "households.jsonl:3: 户 H140902-000001，成员 members[1] "
                             "140902********0016，字段 members[1].income[0].amount，"
                             "值 \"12.345\"：金额最多两位小数");
    /* The record keeps the number as given; only the message masks it. */
    assert_string_equal(e.member, "members[1] 140902198001010016");
}

/* An ID number is masked wherever the message prints one: the member, the
 * value and the reason (a 15-digit one too); the household, the field and
 * numbers that are not ID-shaped stay as they are. */
static void test_format_masks_id_numbers(void **state)
{
    jz_error e;
    char buf[512];

    (void)state;
    jz_error_clear(&e);
    jz_error_set(&e, JZ_EINPUT, "members[0].id", "14090219800101001X",
                 "身份证号码 14090219800101001X 与 140902800101001 重复；金额 12345678.00");
    jz_error_set_where(&e, "H140902-000001", "members[0] 14090219800101001X");
    jz_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "户 H140902-000001，成员 members[0] 140902********001X，"
                             "字段 members[0].id，值 \"140902********001X\"："
                             "身份证号码 140902********001X 与 140902******001 重复；"
                             "金额 12345678.00");
    assert_null(strstr(buf, "19800101"));
    assert_null(strstr(buf, "800101"));
}

static void test_format_parts_left_out(void **state)
{
    jz_error e;
    char buf[256];

    (void)state;
    jz_error_clear(&e);
    jz_error_set(&e, JZ_EINPUT, "assess_date", "2023-02-29", "日期不存在（2023-02-29）");
    jz_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "字段 assess_date，值 \"2023-02-29\"：日期不存在（2023-02-29）");

    jz_error_clear(&e);
    jz_error_set(&e, JZ_EIO, NULL, NULL, "无法打开文件");
    jz_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "无法打开文件");

    jz_error_set_source(&e, "a.csv", 0);
    jz_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "a.csv: 无法打开文件");

    /* A record without a reason still says something. */
    jz_error_clear(&e);
    e.code = JZ_ENOMEM;
    jz_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "内存不足");
}

static void test_format_small_buffer(void **state)
{
    jz_error e;
    char buf[8];

    (void)state;
    jz_error_clear(&e);
    jz_error_set(&e, JZ_EINPUT, NULL, NULL, "金额最多两位小数");
    /* 7 bytes of room: two 3-byte characters fit, the third would be cut. */
    jz_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "金额");
    jz_error_format(&e, buf, 1);
    assert_string_equal(buf, "");
}

static void test_value_truncated_on_boundary(void **state)
{
    jz_error e;
    char longval[400];

    (void)state;
    /* 'a' then Chinese characters: a plain byte cut would split one. */
    longval[0] = 'a';
    for (size_t i = 1; i + 3 < sizeof longval; i += 3)
        memcpy(longval + i, "汉", 3);
    longval[sizeof longval - 1] = '\0';
    jz_error_clear(&e);
    jz_error_set(&e, JZ_EINPUT, NULL, longval, "r");
    assert_true(strlen(e.value) < sizeof e.value);
    assert_true(valid_utf8(e.value));
    /* The cut is marked with an ellipsis. */
    assert_memory_equal(e.value + strlen(e.value) - 3, "…", 3);
    assert_memory_equal(e.value, "a汉汉", 7);
}

static void test_long_reason_truncated(void **state)
{
    jz_error e;
    char longtext[1000];

    (void)state;
    for (size_t i = 0; i + 3 < sizeof longtext; i += 3)
        memcpy(longtext + i, "错", 3);
    longtext[999] = '\0';
    longtext[3 * 333] = '\0';
    jz_error_clear(&e);
    jz_error_set(&e, JZ_EINPUT, NULL, NULL, "原因：%s", longtext);
    assert_true(strlen(e.reason) < sizeof e.reason);
    assert_true(valid_utf8(e.reason));
    assert_memory_equal(e.reason + strlen(e.reason) - 3, "…", 3);
}

static void test_control_and_invalid_bytes_escaped(void **state)
{
    jz_error e;
    char buf[256];

    (void)state;
    jz_error_clear(&e);
    jz_error_set(&e, JZ_EINPUT, "name", "a\nb\xFF", "r");
    assert_string_equal(e.value, "a\\x0Ab\\xFF");
    jz_error_format(&e, buf, sizeof buf);
    assert_null(strchr(buf, '\n'));
    assert_true(valid_utf8(buf));
}

/* A database's address names no password in an error (they reach terminals
 * and logs); the rest of the address is kept, so the user sees which one. */
static void test_address_password_hidden(void **state)
{
    jz_error e;

    (void)state;
    jz_error_set(&e, JZ_EIO, "database", "postgresql://jz:s3cr%40t@db.example:5432/jiuzhu",
                 "无法连接");
    assert_string_equal(e.value, "postgresql://jz:***@db.example:5432/jiuzhu");
    jz_error_set(&e, JZ_EIO, "database",
                 "postgresql:///jiuzhu?host=/run/pg&password=hunter2&sslmode=require", "无法连接");
    assert_string_equal(e.value, "postgresql:///jiuzhu?host=/run/pg&password=***&sslmode=require");
    jz_error_set(&e, JZ_EIO, "database", "host=db password=hunter2 dbname=jiuzhu", "无法连接");
    assert_string_equal(e.value, "host=db password=*** dbname=jiuzhu");
    /* A user without a password, a file path, an ordinary value: unchanged. */
    jz_error_set(&e, JZ_EIO, "database", "postgresql://jz@127.0.0.1:5432/jiuzhu", "无法连接");
    assert_string_equal(e.value, "postgresql://jz@127.0.0.1:5432/jiuzhu");
    jz_error_set(&e, JZ_EIO, "database", "/srv/jiuzhu/reg.db", "无法打开");
    assert_string_equal(e.value, "/srv/jiuzhu/reg.db");
    jz_error_set(&e, JZ_EINPUT, "income", "12=3", "格式不对");
    assert_string_equal(e.value, "12=3");
}

static void test_long_source_keeps_end(void **state)
{
    jz_error e;
    char path[300];

    (void)state;
    memset(path, 'd', sizeof path);
    memcpy(path + sizeof path - 13, "/regions.csv", 12);
    path[sizeof path - 1] = '\0';
    jz_error_clear(&e);
    jz_error_set_source(&e, path, 7);
    assert_int_equal(e.line, 7);
    assert_true(strlen(e.source) < sizeof e.source);
    assert_memory_equal(e.source, "…", 3);
    assert_string_equal(e.source + strlen(e.source) - 12, "/regions.csv");
}

static void test_err_names(void **state)
{
    (void)state;
    assert_string_equal(jz_err_name(JZ_OK), "ok");
    assert_string_equal(jz_err_name(JZ_EINPUT), "input");
    assert_string_equal(jz_err_name(JZ_ERANGE), "range");
    assert_string_equal(jz_err_name(JZ_ENOTFOUND), "notfound");
    assert_string_equal(jz_err_name((jz_err)99), "unknown");
}

/* One table says what each code means outside: the CLI's exit status and
 * the server's HTTP status (jiuzhu(1), the API), and whether to retry. */
static void test_err_kinds(void **state)
{
    (void)state;
    static const struct {
        jz_err code;
        const char *name;
        int exit_status, http_status;
        bool retry;
    } want[] = {
        {JZ_OK, "ok", 0, 200, false},
        {JZ_EINPUT, "input", 1, 422, false},
        {JZ_ERANGE, "range", 1, 422, false},
        {JZ_ENOMEM, "nomem", 1, 503, true},
        {JZ_EIO, "io", 1, 500, false},
        {JZ_ENOTFOUND, "notfound", 1, 404, false},
        {JZ_EUSAGE, "usage", 2, 400, false},
        {JZ_EBUSY, "busy", 3, 503, true},
        {JZ_ECONFLICT, "conflict", 4, 409, false},
        {JZ_EAUTH, "auth", 5, 401, false},
        {JZ_EDENIED, "denied", 6, 403, false},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const jz_err_kind *k = jz_err_kind_of(want[i].code);
        assert_int_equal(k->code, want[i].code);
        assert_string_equal(k->name, want[i].name);
        assert_string_equal(jz_err_name(want[i].code), want[i].name);
        assert_int_equal(k->exit_status, want[i].exit_status);
        assert_int_equal(k->http_status, want[i].http_status);
        assert_int_equal(k->retry, want[i].retry);
        assert_true(k->text[0] != '\0');
    }
    /* An error without a reason still says in Chinese what happened. */
    jz_error e;
    jz_error_clear(&e);
    e.code = JZ_EBUSY;
    char line[512];
    jz_error_format(&e, line, sizeof line);
    assert_non_null(strstr(line, "稍后重试"));
    assert_int_equal(jz_err_kind_of((jz_err)99)->http_status, 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clear),
        cmocka_unit_test(test_set_keeps_where),
        cmocka_unit_test(test_setn_unterminated),
        cmocka_unit_test(test_prefix_field),
        cmocka_unit_test(test_format_full),
        cmocka_unit_test(test_format_masks_id_numbers),
        cmocka_unit_test(test_format_parts_left_out),
        cmocka_unit_test(test_format_small_buffer),
        cmocka_unit_test(test_value_truncated_on_boundary),
        cmocka_unit_test(test_long_reason_truncated),
        cmocka_unit_test(test_control_and_invalid_bytes_escaped),
        cmocka_unit_test(test_long_source_keeps_end),
        cmocka_unit_test(test_address_password_hidden),
        cmocka_unit_test(test_err_names),
        cmocka_unit_test(test_err_kinds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
