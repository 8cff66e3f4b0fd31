/*
 * test_pay_bank.c - banks, payees, bank files, results and follow-ups
 * (jz_pay.h, docs/payments-dev.md "Banks, files and results"): Luhn
 * vectors and masking; the bank files shipped and bad ones refused naming
 * the file and the field; payees checked and versioned, the audit log
 * never holding a whole account; the result-file reader refusing a file
 * that does not belong to the batch, naming the line; and the whole path
 * of one household's 低保 from planning to a refused line paid again once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "jiuzhu/jz_encoding.h"
#include "jiuzhu/jz_file.h"
#include "jiuzhu/jz_pay.h"
#include "jiuzhu/jz_store_pay.h"
#include "pay/bank_int.h"
#include "proc_fixture.h"

#define HH "H140902-000101"
#define HEAD_ID "140902197803120159" /* 王建国 */
#define CHILD_ID "140902201209010335"
#define ACC1 "6228480402564890018" /* 19 digits, Luhn valid */
#define ACC2 "6228480402564890026"
#define PSBC1 "6217990000000000014"

/* ---- accounts ------------------------------------------------------------------------- */

static void luhn_vectors(void **state)
{
    (void)state;
    assert_true(jz__pay_luhn_ok("79927398713", 11)); /* the classic example */
    assert_false(jz__pay_luhn_ok("79927398710", 11));
    assert_true(jz__pay_luhn_ok("4539578763621486", 16));
    assert_true(jz__pay_luhn_ok(ACC1, 19));
    assert_false(jz__pay_luhn_ok("6228480402564890019", 19));
    /* Two digits swapped: the check sees it. */
    assert_false(jz__pay_luhn_ok("6228480402564890108", 19));
    assert_false(jz__pay_luhn_ok("0", 1));
    assert_false(jz__pay_luhn_ok("12a4", 4));
}

static void masking(void **state)
{
    (void)state;
    char m[JZ_ACCOUNT_BUF];
    jz_account_mask(ACC1, m);
    assert_string_equal(m, "6228***********0018");
    jz_account_mask("123456789", m);
    assert_string_equal(m, "1234*6789");
    jz_account_mask("12345678", m);
    assert_string_equal(m, "1******8");
    jz_account_mask("12", m);
    assert_string_equal(m, "**");
    jz_account_mask("", m);
    assert_string_equal(m, "");
    /* Longer than an account may be: its ends kept, cut in the middle. */
    jz_account_mask("1234567890123456789012345678901234567890", m);
    assert_int_equal(strlen(m), JZ_ACCOUNT_MAX);
    assert_memory_equal(m, "1234", 4);
    assert_string_equal(m + JZ_ACCOUNT_MAX - 4, "7890");
}

static void account_checks(void **state)
{
    (void)state;
    jz_bank b;
    memset(&b, 0, sizeof b);
    snprintf(b.name, sizeof b.name, "测试银行");
    b.min_len = b.max_len = 19;
    b.luhn = true;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_bank_check_account(&b, ACC1, &err), JZ_OK);
    assert_int_equal(jz_bank_check_account(&b, "6228480402564890019", &err), JZ_EINPUT);
    assert_string_equal(err.field, "account");
    assert_string_equal(err.value, "6228***********0019"); /* masked in the error too */
    assert_non_null(strstr(err.reason, "校验位"));
    assert_int_equal(jz_bank_check_account(&b, "622848040256489001", &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "19 位"));
    assert_int_equal(jz_bank_check_account(&b, "6228 4804 0256 4890 018", &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "数字"));
    b.luhn = false;
    b.min_len = 12;
    assert_int_equal(jz_bank_check_account(&b, "6228480402564890019", &err), JZ_OK);
    assert_int_equal(jz_bank_check_account(&b, "12345678901", &err), JZ_EINPUT);
}

/* ---- bank files ------------------------------------------------------------------------- */

static void shipped_banks(void **state)
{
    (void)state;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/policy", fx_root());
    jz_banks b;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_banks_load(dir, &b, &err), JZ_OK);
    assert_int_equal(b.n, 5);
    const jz_bank *abc = jz_banks_find(&b, "abc");
    assert_non_null(abc);
    assert_string_equal(abc->name, "中国农业银行");
    assert_int_equal(abc->min_len, 19);
    assert_true(abc->luhn);
    assert_string_equal(abc->encoding, "GB18030");
    assert_int_equal(abc->columns[0], JZ_BF_SEQ);
    assert_string_equal(abc->headings[1], "卡号");
    /* sxrcu has no layout of its own: default.json's. */
    const jz_bank *rcu = jz_banks_find(&b, "sxrcu"), *def = jz_banks_find(&b, "default");
    assert_non_null(rcu);
    assert_non_null(def);
    assert_int_equal(rcu->n_columns, def->n_columns);
    assert_string_equal(rcu->headings[2], "户名");
    assert_string_equal(rcu->file_pattern, def->file_pattern);
    assert_null(jz_banks_find(&b, "icbc"));
    /* The issuer of vouchers: a list of persons, no account; no payee
     * may name it, nor the default layout. */
    const jz_bank *v = jz_banks_find(&b, JZ_VOUCHER_BANK);
    assert_non_null(v);
    assert_true(v->voucher);
    assert_false(abc->voucher);
    for (int i = 0; i < v->n_columns; i++)
        assert_int_not_equal(v->columns[i], JZ_BF_ACCOUNT);
    assert_null(jz_banks_find_payable(&b, JZ_VOUCHER_BANK));
    assert_null(jz_banks_find_payable(&b, "default"));
    assert_ptr_equal(jz_banks_find_payable(&b, "abc"), abc);
    jz_banks_free(&b);
    /* No banks folder: an empty table, not an error. */
    assert_int_equal(jz_banks_load("/nonexistent-policy", &b, &err), JZ_OK);
    assert_int_equal(b.n, 0);
}

static char tmp_policy[64];

static void write_bank(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/banks", tmp_policy);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/banks/%s", tmp_policy, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

#define GOOD_FILE                                                                                  \
    "\"file\": {\"encoding\": \"UTF-8\", \"header_row\": false, \"name_pattern\": "                \
    "\"X_{batch}\", \"columns\": [{\"field\": \"line\", \"heading\": \"编号\"}, {\"field\": "    \
    "\"account\", \"heading\": \"账号\"}, {\"field\": \"amount\", \"heading\": \"金额\"}]}"

/* Loads a folder holding one bank file with text; returns what the load
 * says and the error. */
static jz_err load_one(const char *text, jz_error *err)
{
    snprintf(tmp_policy, sizeof tmp_policy, "/tmp/jz-banks-XXXXXX");
    assert_non_null(mkdtemp(tmp_policy));
    write_bank("zz.json", text);
    jz_banks b;
    jz_error_clear(err);
    jz_err rc = jz_banks_load(tmp_policy, &b, err);
    if (!rc)
        jz_banks_free(&b);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp_policy);
    assert_int_equal(system(cmd), 0);
    return rc;
}

static void bad_bank_files(void **state)
{
    (void)state;
    jz_error err;
    static const struct {
        const char *text, *field, *reason;
    } bad[] = {
        {"{\"name\": \"某行\", \"account\": {\"min_length\": 19, \"max_length\": 19, \"luhn\": "
         "true}, \"colour\": 1, " GOOD_FILE "}",
         "colour", "未知字段"},
        {"{\"name\": \"某行\", \"account\": {\"min_length\": 19, \"max_length\": 16, \"luhn\": "
         "true}, " GOOD_FILE "}",
         "account.max_length", "最长"},
        {"{\"name\": \"某行\", \"account\": {\"min_length\": 19, \"max_length\": 19, \"luhn\": "
         "true}, \"file\": {\"encoding\": \"Big5\", \"header_row\": true, \"name_pattern\": "
         "\"X_{batch}\", \"columns\": []}}",
         "file.encoding", "UTF-8"},
        {"{\"name\": \"某行\", \"account\": {\"min_length\": 19, \"max_length\": 19, \"luhn\": "
         "true}, \"file\": {\"encoding\": \"UTF-8\", \"header_row\": true, \"name_pattern\": "
         "\"X_{period}\", \"columns\": []}}",
         "file.name_pattern", "{batch}"},
        {"{\"name\": \"某行\", \"account\": {\"min_length\": 19, \"max_length\": 19, \"luhn\": "
         "true}, \"file\": {\"encoding\": \"UTF-8\", \"header_row\": true, \"name_pattern\": "
         "\"../X_{batch}\", \"columns\": []}}",
         "file.name_pattern", "开头"},
        {"{\"name\": \"某行\", \"account\": {\"min_length\": 19, \"max_length\": 19, \"luhn\": "
         "true}, \"file\": {\"encoding\": \"UTF-8\", \"header_row\": true, \"name_pattern\": "
         "\"X_{batch}\", \"columns\": [{\"field\": \"line\", \"heading\": \"a\"}, {\"field\": "
         "\"line\", \"heading\": \"b\"}]}}",
         "file.columns[1].field", "两次"},
        {"{\"name\": \"某行\", \"account\": {\"min_length\": 19, \"max_length\": 19, \"luhn\": "
         "true}, \"file\": {\"encoding\": \"UTF-8\", \"header_row\": true, \"name_pattern\": "
         "\"X_{batch}\", \"columns\": [{\"field\": \"account\", \"heading\": \"a\"}, {\"field\": "
         "\"amount\", \"heading\": \"b\"}]}}",
         "file.columns", "明细编号"},
        {"{\"name\": \"某行\", \"account\": {\"min_length\": 19, \"max_length\": 19, \"luhn\": "
         "true}, \"file\": {\"encoding\": \"UTF-8\", \"header_row\": true, \"name_pattern\": "
         "\"X_{batch}\", \"columns\": [{\"field\": \"iban\", \"heading\": \"a\"}]}}",
         "file.columns[0].field", "未知的列"},
        /* A bank without a layout and no default.json to take one from. */
        {"{\"name\": \"某行\", \"account\": {\"min_length\": 19, \"max_length\": 19, \"luhn\": "
         "true}}",
         "file", "default.json"},
        {"{\"name\": \"某行\", ", NULL, "JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(load_one(bad[i].text, &err), JZ_EINPUT);
        assert_non_null(strstr(err.source, "zz.json")); /* names the file */
        if (bad[i].field)
            assert_string_equal(err.field, bad[i].field);
        if (!strstr(err.reason, bad[i].reason))
            fail_msg("bad bank file %zu: reason \"%s\" lacks \"%s\"", i, err.reason, bad[i].reason);
    }
    /* And a good one loads. */
    assert_int_equal(load_one("{\"name\": \"某行\", \"account\": {\"min_length\": 19, "
                              "\"max_length\": 19, \"luhn\": true}, " GOOD_FILE "}",
                              &err),
                     JZ_OK);
}

static void file_names(void **state)
{
    (void)state;
    jz_bank b;
    memset(&b, 0, sizeof b);
    snprintf(b.file_pattern, sizeof b.file_pattern, "代发_{bank}_{county}_{period}_{batch}_{date}");
    jz_pay_batch bt;
    memset(&bt, 0, sizeof bt);
    bt.id = 12;
    snprintf(bt.county, sizeof bt.county, "140902");
    snprintf(bt.bank, sizeof bt.bank, "abc");
    snprintf(bt.period, sizeof bt.period, "2025-07");
    char name[160];
    jz__pay_file_name(&b, &bt, "20250703", name, sizeof name);
    assert_string_equal(name, "代发_abc_140902_2025-07_12_20250703");
}

/* ---- the result file ----------------------------------------------------------------------- */

static const jz_pay_expect EXPECT[] = {
    {101, ACC1, 96200},
    {102, ACC2, 50000},
    {105, PSBC1, 1234},
};
#define N_EXPECT (sizeof EXPECT / sizeof EXPECT[0])

static jz_err read_results(const char *text, jz_pay_result_row *rows, jz_error *err)
{
    jz_error_clear(err);
    return jz_pay_results_read(text, strlen(text), "回盘.csv", NULL, EXPECT, N_EXPECT, rows, err);
}

static void results_good(void **state)
{
    (void)state;
    jz_pay_result_row rows[N_EXPECT];
    jz_error err;
    /* Header in another order, a blank line, CRLF, a quoted reason. */
    const char *text = "结果代码,明细编号,金额,账号,说明\r\n"
                       "0000,105,12.34," PSBC1 ",成功\r\n"
                       "\r\n"
                       "E102,101,962.00," ACC1 ",\"户名不符,请核对\"\r\n"
                       "00,102,500," ACC2 ",\r\n";
    assert_int_equal(read_results(text, rows, &err), JZ_OK);
    assert_false(rows[0].paid);
    assert_string_equal(rows[0].code, "E102");
    assert_string_equal(rows[0].reason, "户名不符,请核对");
    assert_int_equal(rows[0].file_line, 4);
    assert_true(rows[1].paid);
    assert_true(rows[2].paid);
    assert_int_equal(rows[2].file_line, 2);
    /* No header: the documented order. */
    text = "101," ACC1 ",962.00,0000,\n102," ACC2 ",500.00,0000,\n105," PSBC1 ",12.34,9,账户冻结\n";
    assert_int_equal(read_results(text, rows, &err), JZ_OK);
    assert_false(rows[2].paid);
    assert_string_equal(rows[2].reason, "账户冻结");
    /* The same in GB18030. */
    const char *gbk = "101," ACC1 ",962.00,0000,\n102," ACC2 ",500.00,0000,\n105," PSBC1
                      ",12.34,9,\xd5\xcb\xbb\xa7\xb6\xb3\xbd\xe1\n";
    assert_int_equal(read_results(gbk, rows, &err), JZ_OK);
    assert_string_equal(rows[2].reason, "账户冻结");
    /* A bank's own headings for the line, account and amount. */
    jz_bank b;
    memset(&b, 0, sizeof b);
    b.n_columns = 3;
    b.columns[0] = JZ_BF_LINE;
    b.columns[1] = JZ_BF_ACCOUNT;
    b.columns[2] = JZ_BF_AMOUNT;
    snprintf(b.headings[0], sizeof b.headings[0], "客户流水");
    snprintf(b.headings[1], sizeof b.headings[1], "入账卡号");
    snprintf(b.headings[2], sizeof b.headings[2], "入账金额");
    text = "客户流水,入账卡号,入账金额,处理结果,失败原因,银行流水\n101," ACC1
           ",962.00,0000,,A1\n102," ACC2 ",500.00,0000,,A2\n105," PSBC1 ",12.34,0000,,A3\n";
    jz_error_clear(&err);
    assert_int_equal(
        jz_pay_results_read(text, strlen(text), "x.csv", &b, EXPECT, N_EXPECT, rows, &err), JZ_OK);
}

/* The issuer of vouchers confirms each person by his ID number: the
 * second key is the ID, and a wrong one is refused with both masked. */
static void results_voucher(void **state)
{
    (void)state;
    static const jz_pay_expect vx[] = {{201, "140902194501020511", 150000}};
    jz_bank v;
    memset(&v, 0, sizeof v);
    v.voucher = true;
    v.n_columns = 3;
    v.columns[0] = JZ_BF_LINE;
    v.columns[1] = JZ_BF_ID;
    v.columns[2] = JZ_BF_AMOUNT;
    snprintf(v.headings[0], sizeof v.headings[0], "明细编号");
    snprintf(v.headings[1], sizeof v.headings[1], "身份证号");
    snprintf(v.headings[2], sizeof v.headings[2], "金额");
    jz_pay_result_row rows[1];
    jz_error err;
    jz_error_clear(&err);
    const char *text = "明细编号,身份证号,金额,结果代码,说明\n201,140902194501020511,1500.00,0000,已发放\n";
    assert_int_equal(jz_pay_results_read(text, strlen(text), "确认.csv", &v, vx, 1, rows, &err),
                     JZ_OK);
    assert_true(rows[0].paid);
    text = "明细编号,身份证号,金额,结果代码,说明\n201,140902194501020520,1500.00,0000,\n";
    assert_int_equal(jz_pay_results_read(text, strlen(text), "确认.csv", &v, vx, 1, rows, &err),
                     JZ_EINPUT);
    assert_string_equal(err.field, "id");
    assert_non_null(strstr(err.reason, "身份证号与发放名单不符"));
    assert_null(strstr(err.reason, "19450102")); /* masked */
    assert_null(strstr(err.value, "19450102"));
    /* An account column is no ID: the confirmation must name the person. */
    text = "明细编号,账号,金额,结果代码\n201,6228480402564890018,1500.00,0000\n";
    assert_int_equal(jz_pay_results_read(text, strlen(text), "确认.csv", &v, vx, 1, rows, &err),
                     JZ_EINPUT);
    assert_non_null(strstr(err.reason, "表头中没有身份证号列"));
}

static void results_refused(void **state)
{
    (void)state;
    jz_pay_result_row rows[N_EXPECT];
    jz_error err;
    static const struct {
        const char *text;
        long line;
        const char *field, *value, *reason;
    } bad[] = {
        /* a line the batch never sent (another batch's file) */
        {"101," ACC1 ",962.00,0000,\n102," ACC2 ",500.00,0000,\n999," PSBC1 ",12.34,0000,\n", 3,
         "line", "999", "不在本批次"},
        /* a line twice */
        {"101," ACC1 ",962.00,0000,\n102," ACC2 ",500.00,0000,\n101," ACC1 ",962.00,0000,\n", 3,
         "line", "101", "出现两次"},
        /* an amount that differs */
        {"101," ACC1 ",962.01,0000,\n102," ACC2 ",500.00,0000,\n105," PSBC1 ",12.34,0000,\n", 1,
         "amount", "962.01", "962.00"},
        /* an account that differs: masked in the message */
        {"101," ACC1 ",962.00,0000,\n102," ACC1 ",500.00,0000,\n105," PSBC1 ",12.34,0000,\n", 2,
         "account", "6228***********0018", "账号"},
        /* lines missing: how many, and the first */
        {"102," ACC2 ",500.00,0000,\n", 0, "line", "101", "缺少本批次的 2 条"},
        /* an empty file: every line missing */
        {"", 0, "line", "101", "缺少本批次的 3 条"},
        /* a result code that is no code */
        {"101," ACC1 ",962.00,,\n", 1, "code", "", "结果代码"},
        /* a line number that is no number */
        {"明细编号,账号,金额,结果代码\n1O1," ACC1 ",962.00,0000\n", 2, "line", "1O1", "正整数"},
        /* a header without the code column */
        {"明细编号,账号,金额,说明\n101," ACC1 ",962.00,ok\n", 1, "code", NULL, "结果代码"},
        /* too few columns */
        {"101," ACC1 "\n", 1, NULL, NULL, "只有 2 列"},
        /* an unclosed quote */
        {"101," ACC1 ",962.00,0000,\"oops\n", 1, NULL, NULL, "引号"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        jz_err rc = read_results(bad[i].text, rows, &err);
        if (rc != JZ_EINPUT)
            fail_msg("bad result file %zu accepted", i);
        assert_string_equal(err.source, "回盘.csv");
        if (err.line != bad[i].line)
            fail_msg("bad result file %zu: line %ld, not %ld", i, err.line, bad[i].line);
        if (bad[i].field)
            assert_string_equal(err.field, bad[i].field);
        if (bad[i].value)
            assert_string_equal(err.value, bad[i].value);
        if (!strstr(err.reason, bad[i].reason))
            fail_msg("bad result file %zu: reason \"%s\" lacks \"%s\"", i, err.reason,
                     bad[i].reason);
        /* nothing half read */
        for (size_t k = 0; k < N_EXPECT; k++)
            assert_int_equal(rows[k].file_line, 0);
    }
    /* UTF-16 (Excel's "Unicode text") and bytes that are no text. */
    const char utf16[] = "\xff\xfe\x31\x00\x30\x00\x31\x00";
    jz_error_clear(&err);
    assert_int_equal(
        jz_pay_results_read(utf16, sizeof utf16 - 1, "u.txt", NULL, EXPECT, N_EXPECT, rows, &err),
        JZ_EINPUT);
    assert_string_equal(err.field, "encoding");
    assert_non_null(strstr(err.reason, "GB18030"));
    const char junk[] = "101,\x80\x80\x80\xff\xfe,962.00";
    jz_error_clear(&err);
    assert_int_equal(
        jz_pay_results_read(junk, sizeof junk - 1, "j.csv", NULL, EXPECT, N_EXPECT, rows, &err),
        JZ_EINPUT);
    assert_string_equal(err.field, "encoding");
}

/* ---- with a store ------------------------------------------------------------------------------
 */

/* The fixture's case published: 低保 for 3 at 962.00 a month from 2025-03. */
static int setup_store(void **state)
{
    if (fx_setup(state))
        return -1;
    fx_case_to_publish();
    return 0;
}

static jz_err set_payee(const char *member, const char *name, const char *id, const char *bank,
                        const char *account, jz_payee_res *r, jz_error *err)
{
    jz_payee_req rq = {.household_id = HH,
                       .member_id = member,
                       .holder_name = name,
                       .holder_id = id,
                       .bank = bank,
                       .account = account};
    jz_error_clear(err);
    return jz_pay_payee_set(&fx, &rq, r, err);
}

/* How many audit entries hold text (the account whole must be in none). */
static int audit_holding(const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/p.db", fx_dir);
    if (jz_test_on_pg()) {
        PGconn *c = PQconnectdb(jz_test_where(path));
        const char *v[1] = {text};
        PGresult *r = PQexecParams(c,
                                   "SELECT count(*) FROM audit WHERE strpos(before, $1) > 0"
                                   " OR strpos(after, $1) > 0 OR strpos(entity, $1) > 0",
                                   1, NULL, v, NULL, NULL, 0);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        int n = atoi(PQgetvalue(r, 0, 0));
        PQclear(r);
        PQfinish(c);
        return n;
    }
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM audit WHERE instr(before, ?1) > 0"
                                        " OR instr(after, ?1) > 0 OR instr(entity, ?1) > 0",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void payees(void **state)
{
    (void)state;
    jz_payee_res r;
    jz_error err;
    /* Refusals, each naming the field. */
    assert_int_equal(set_payee(NULL, "王建国", "140902197803120158", "abc", ACC1, &r, &err),
                     JZ_EINPUT);
    assert_string_equal(err.field, "id"); /* the check character */
    assert_int_equal(set_payee(NULL, "王建国", HEAD_ID, "icbc", ACC1, &r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "bank");
    assert_int_equal(set_payee(NULL, "王建国", HEAD_ID, "default", ACC1, &r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "bank");
    assert_int_equal(set_payee(NULL, "王建国", HEAD_ID, "abc", "6228480402564890019", &r, &err),
                     JZ_EINPUT);
    assert_string_equal(err.field, "account");
    assert_int_equal(set_payee(NULL, "=HYPERLINK(1)", HEAD_ID, "abc", ACC1, &r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "name");
    assert_int_equal(set_payee(NULL, "", HEAD_ID, "abc", ACC1, &r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "name");
    assert_int_equal(set_payee("110101199003070011", "某人", HEAD_ID, "abc", ACC1, &r, &err),
                     JZ_EINPUT);
    assert_string_equal(err.field, "member");
    assert_non_null(strstr(err.reason, "不是户"));
    jz_payee_req nohh = {.household_id = "H140902-999999",
                         .holder_name = "某人",
                         .holder_id = HEAD_ID,
                         .bank = "abc",
                         .account = ACC1};
    assert_int_equal(jz_pay_payee_set(&fx, &nohh, &r, &err), JZ_ENOTFOUND);
    jz_payee p;
    assert_int_equal(jz_pay_payee_get(&fx, HH, NULL, &p, &err), JZ_ENOTFOUND);
    /* Set, set again (nothing changes), change (version 2). */
    assert_int_equal(set_payee(NULL, "王建国", HEAD_ID, "abc", ACC1, &r, &err), JZ_OK);
    assert_true(r.changed);
    assert_int_equal(r.payee.version, 1);
    assert_int_equal(r.before, 0);
    int64_t first = r.payee.id;
    assert_int_equal(set_payee(NULL, "王建国", HEAD_ID, "abc", ACC1, &r, &err), JZ_OK);
    assert_false(r.changed);
    assert_int_equal(r.payee.id, first);
    assert_int_equal(set_payee(NULL, "王建国", HEAD_ID, "psbc", PSBC1, &r, &err), JZ_OK);
    assert_true(r.changed);
    assert_int_equal(r.payee.version, 2);
    assert_int_equal(r.before, 1);
    assert_int_equal(jz_pay_payee_get(&fx, HH, "", &p, &err), JZ_OK);
    assert_string_equal(p.account, PSBC1);
    assert_string_equal(p.bank, "psbc");
    /* A member's own account. */
    assert_int_equal(set_payee(CHILD_ID, "刘秀英", "140902198005060264", "abc", ACC2, &r, &err),
                     JZ_OK);
    jz_payee *all;
    size_t n;
    assert_int_equal(jz_pay_payees(&fx, HH, &all, &n, &err), JZ_OK);
    assert_int_equal(n, 2);
    assert_string_equal(all[0].member_id, "");
    assert_string_equal(all[1].member_id, CHILD_ID);
    free(all);
    /* The audit log saw every change, masked, and no hash of an account
     * (an unkeyed one could be found by trying every card number). */
    assert_int_equal(audit_holding(ACC1), 0);
    assert_int_equal(audit_holding(PSBC1), 0);
    assert_int_equal(audit_holding(ACC2), 0);
    assert_int_equal(audit_holding("6228***********0018"), 2); /* set; before of the change */
    char h[65];
    jz__pay_sha256_hex(PSBC1, strlen(PSBC1), h);
    assert_int_equal(audit_holding(h), 0);
    assert_int_equal(audit_holding("account_sha256"), 0);
    /* Outside the user's scope the household is not there. */
    snprintf(fx.scope, sizeof fx.scope, "140105");
    assert_int_equal(jz_pay_payee_get(&fx, HH, NULL, &p, &err), JZ_ENOTFOUND);
    assert_int_equal(set_payee(NULL, "王建国", HEAD_ID, "abc", ACC1, &r, &err), JZ_ENOTFOUND);
    fx.scope[0] = '\0';
}

static void institutions(void **state)
{
    (void)state;
    jz_error err;
    jz_error_clear(&err);
    jz_institution in;
    memset(&in, 0, sizeof in);
    snprintf(in.county, sizeof in.county, "140902");
    snprintf(in.name, sizeof in.name, "忻府区敬老院");
    snprintf(in.holder, sizeof in.holder, "忻州市忻府区敬老院");
    snprintf(in.bank, sizeof in.bank, "sxrcu");
    snprintf(in.account, sizeof in.account, "6231590000000000027");
    assert_int_equal(jz_pay_institution_add(&fx, &in, &err), JZ_OK);
    assert_true(in.id > 0);
    int64_t id = in.id;
    /* The same name in the county again is refused. */
    assert_int_equal(jz_pay_institution_add(&fx, &in, &err), JZ_EINPUT);
    assert_string_equal(err.field, "name");
    jz_institution bad = in;
    snprintf(bad.name, sizeof bad.name, "另一所");
    snprintf(bad.account, sizeof bad.account, "6231590000000000028");
    assert_int_equal(jz_pay_institution_add(&fx, &bad, &err), JZ_EINPUT);
    assert_string_equal(err.field, "account");
    /* A household unit cannot be paid to an institution; a member can. */
    jz_payee_req rq = {.household_id = HH, .institution = id};
    jz_payee_res r;
    assert_int_equal(jz_pay_payee_set(&fx, &rq, &r, &err), JZ_EINPUT);
    assert_string_equal(err.field, "institution");
    rq.member_id = CHILD_ID;
    assert_int_equal(jz_pay_payee_set(&fx, &rq, &r, &err), JZ_OK);
    assert_int_equal(r.payee.institution, id);
    assert_string_equal(r.payee.account, "6231590000000000027");
    assert_string_equal(r.payee.bank, "sxrcu");
    assert_int_equal(audit_holding("6231590000000000027"), 0);
}

/* Every line of a batch, collected. */
typedef struct got {
    jz_pay_line l[16];
    size_t n;
} got;

static void on_line(const jz_pay_line *l, void *arg)
{
    got *g = arg;
    if (g->n < 16)
        g->l[g->n++] = *l;
}

static got batch_lines(int64_t id)
{
    got g = {.n = 0};
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_pay_batch_lines(&fx, id, on_line, &g, &err), JZ_OK);
    return g;
}

static jz_pay_batch prepare_approve(const char *period)
{
    jz_error err;
    jz_error_clear(&err);
    snprintf(fx.actor, sizeof fx.actor, "编制人");
    jz_pay_batch_req brq = {period, "140902"};
    jz_pay_batch_res br;
    assert_int_equal(jz_pay_batch_prepare(&fx, &brq, &br, &err), JZ_OK);
    assert_int_equal(br.n, 1);
    jz_pay_batch b = br.b[0];
    jz_pay_batch_res_cleanup(&br);
    snprintf(fx.actor, sizeof fx.actor, "审核人");
    assert_int_equal(jz_pay_batch_approve(&fx, b.id, &b, &err), JZ_OK);
    return b;
}

static char *slurp(const char *path, size_t *len)
{
    char *text = NULL;
    jz_error err;
    jz_error_clear(&err);
    assert_int_equal(jz_file_read(path, "file", 1 << 20, &text, len, &err), JZ_OK);
    return text;
}

static void the_whole_path(void **state)
{
    (void)state;
    jz_error err;
    jz_error_clear(&err);
    /* Planned before any account: held. */
    jz_pay_plan_req prq = {"2025-03", ""};
    jz_pay_plan_res pr;
    assert_int_equal(jz_pay_plan(&fx, &prq, &pr, &err), JZ_OK);
    assert_int_equal(pr.lines_added, 1);
    assert_int_equal(pr.held, 1);
    jz_pay_plan_res_cleanup(&pr);
    /* The account arrives: the held line becomes payable. */
    jz_payee_res r;
    assert_int_equal(set_payee(NULL, "王建国", HEAD_ID, "abc", ACC1, &r, &err), JZ_OK);
    assert_int_equal(r.released, 1);
    jz_pay_batch b = prepare_approve("2025-03");
    assert_int_equal(b.lines, 1);
    assert_int_equal(b.total, 96200);

    /* The file: GB18030, the abc layout, the account whole. */
    char dir[128];
    snprintf(dir, sizeof dir, "%s/out", fx_dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    jz_pay_export_req erq = {.batch = b.id, .format = JZ_PAY_CSV, .out_dir = dir};
    jz_pay_export_res er;
    assert_int_equal(jz_pay_export(&fx, &erq, &er, &err), JZ_OK);
    assert_true(er.first);
    assert_int_equal(er.batch.state, JZ_BATCH_EXPORTED);
    size_t len;
    char *text = slurp(er.path, &len), *utf8 = NULL;
    size_t ulen;
    assert_int_equal(jz_encoding_detect(text, len), JZ_ENC_GB18030);
    assert_int_equal(jz_encoding_to_utf8(text, len, &utf8, &ulen, &err), JZ_OK);
    char want[512];
    got g = batch_lines(b.id);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.l[0].status, JZ_PL_SENT);
    snprintf(want, sizeof want,
             "序号,卡号,户名,金额,证件号码,用途,明细编号\r\n"
             "1," ACC1 ",王建国,962.00," HEAD_ID ",城乡低保金 2025-03,%lld\r\n",
             (long long)g.l[0].id);
    assert_string_equal(utf8, want);
    free(utf8);
    /* Exporting again: the same bytes, nothing else changes. */
    jz_pay_export_res er2;
    assert_int_equal(jz_pay_export(&fx, &erq, &er2, &err), JZ_OK);
    assert_false(er2.first);
    size_t len2;
    char *text2 = slurp(er2.path, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(text, text2, len);
    assert_string_equal(er2.batch.exported_at, er.batch.exported_at);
    free(text);
    free(text2);

    /* The bank refuses it (account closed). */
    char res[256];
    snprintf(res, sizeof res,
             "明细编号,账号,金额,结果代码,说明\n%lld," ACC1 ",962.00,E102,账户已销户\n",
             (long long)g.l[0].id);
    jz_pay_results_res rr;
    assert_int_equal(jz_pay_results(&fx, b.id, res, strlen(res), "r.csv", &rr, &err), JZ_OK);
    assert_false(rr.already);
    assert_int_equal(rr.refused, 1);
    assert_int_equal(rr.refused_total, 96200);
    assert_int_equal(rr.batch.state, JZ_BATCH_SETTLED);
    g = batch_lines(b.id);
    assert_int_equal(g.l[0].status, JZ_PL_REFUSED);
    assert_string_equal(g.l[0].result, "E102");
    assert_string_equal(g.l[0].reason, "账户已销户");
    /* The same file again: already imported, nothing changes. */
    assert_int_equal(jz_pay_results(&fx, b.id, res, strlen(res), "r.csv", &rr, &err), JZ_OK);
    assert_true(rr.already);
    /* Another file for the settled batch: refused. */
    snprintf(res, sizeof res, "%lld," ACC1 ",962.00,0000,\n", (long long)g.l[0].id);
    assert_int_equal(jz_pay_results(&fx, b.id, res, strlen(res), "r2.csv", &rr, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "另一个文件"));
    g = batch_lines(b.id);
    assert_int_equal(g.l[0].status, JZ_PL_REFUSED);

    /* No corrected account yet: the refused line waits. */
    jz_pay_followup_res fr;
    assert_int_equal(jz_pay_followup(&fx, "140902", &fr, &err), JZ_OK);
    assert_int_equal(fr.n_added, 0);
    assert_int_equal(fr.n_waiting, 1);
    jz_pay_followup_res_cleanup(&fr);
    /* A batch now has nothing to take: the refused line is not sent again. */
    snprintf(fx.actor, sizeof fx.actor, "编制人");
    jz_pay_batch_req brq = {"2025-03", "140902"};
    jz_pay_batch_res br;
    assert_int_equal(jz_pay_batch_prepare(&fx, &brq, &br, &err), JZ_OK);
    assert_int_equal(br.n, 0);
    jz_pay_batch_res_cleanup(&br);

    /* The account is corrected: one follow-up, once. */
    assert_int_equal(set_payee(NULL, "王建国", HEAD_ID, "psbc", PSBC1, &r, &err), JZ_OK);
    assert_int_equal(jz_pay_followup(&fx, "140902", &fr, &err), JZ_OK);
    assert_int_equal(fr.n_added, 1);
    assert_int_equal(fr.total, 96200);
    assert_int_equal(fr.added[0].kind, JZ_PAY_FOLLOWUP);
    assert_int_equal(fr.added[0].refers_to, g.l[0].id);
    assert_string_equal(fr.added[0].period, "2025-03");
    int64_t follow = fr.added[0].id;
    jz_pay_followup_res_cleanup(&fr);
    assert_int_equal(jz_pay_followup(&fx, "140902", &fr, &err), JZ_OK);
    assert_int_equal(fr.n_added, 0);
    assert_int_equal(fr.n_waiting, 0);
    jz_pay_followup_res_cleanup(&fr);
    jz_pay_line l;
    assert_int_equal(jz_store_pay_line_get(fx.store, g.l[0].id, &l, &err), JZ_OK);
    assert_int_equal(l.status, JZ_PL_SUPERSEDED);

    /* The next batch (April's) pays it, to the new account. */
    jz_pay_batch b2 = prepare_approve("2025-04");
    assert_string_equal(b2.bank, "psbc");
    g = batch_lines(b2.id);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.l[0].id, follow);
    erq.batch = b2.id;
    assert_int_equal(jz_pay_export(&fx, &erq, &er, &err), JZ_OK);
    snprintf(res, sizeof res, "%lld," PSBC1 ",962.00,0000,成功\n", (long long)follow);
    assert_int_equal(jz_pay_results(&fx, b2.id, res, strlen(res), "r3.csv", &rr, &err), JZ_OK);
    assert_int_equal(rr.paid, 1);
    assert_int_equal(jz_store_pay_line_get(fx.store, follow, &l, &err), JZ_OK);
    assert_int_equal(l.status, JZ_PL_PAID);
    /* And nothing is left to pay again. */
    assert_int_equal(jz_pay_followup(&fx, "140902", &fr, &err), JZ_OK);
    assert_int_equal(fr.n_added + fr.n_waiting, 0);
    jz_pay_followup_res_cleanup(&fr);
    assert_int_equal(audit_holding(ACC1), 0);
    assert_int_equal(audit_holding(PSBC1), 0);
}

static void export_refusals(void **state)
{
    (void)state;
    jz_error err;
    jz_error_clear(&err);
    jz_payee_res r;
    assert_int_equal(set_payee(NULL, "王建国", HEAD_ID, "abc", ACC1, &r, &err), JZ_OK);
    jz_pay_plan_req prq = {"2025-03", ""};
    jz_pay_plan_res pr;
    assert_int_equal(jz_pay_plan(&fx, &prq, &pr, &err), JZ_OK);
    jz_pay_plan_res_cleanup(&pr);
    snprintf(fx.actor, sizeof fx.actor, "编制人");
    jz_pay_batch_req brq = {"2025-03", "140902"};
    jz_pay_batch_res br;
    assert_int_equal(jz_pay_batch_prepare(&fx, &brq, &br, &err), JZ_OK);
    int64_t id = br.b[0].id;
    jz_pay_batch_res_cleanup(&br);
    char dir[128];
    snprintf(dir, sizeof dir, "%s/out", fx_dir);
    mkdir(dir, 0700);
    /* Not approved: no file. */
    jz_pay_export_req erq = {.batch = id, .format = JZ_PAY_XLSX, .out_dir = dir};
    jz_pay_export_res er;
    assert_int_equal(jz_pay_export(&fx, &erq, &er, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "审核"));
    /* Results before the file: refused. */
    assert_int_equal(jz_pay_results(&fx, id, "", 0, "r.csv", &(jz_pay_results_res){0}, &err),
                     JZ_EINPUT);
    /* Another county's user does not see the batch. */
    snprintf(fx.scope, sizeof fx.scope, "140105");
    erq.format = JZ_PAY_CSV;
    assert_int_equal(jz_pay_export(&fx, &erq, &er, &err), JZ_ENOTFOUND);
    fx.scope[0] = '\0';
    /* Approved: the .xlsx; the sheet has the account as text. */
    snprintf(fx.actor, sizeof fx.actor, "审核人");
    jz_pay_batch b;
    assert_int_equal(jz_pay_batch_approve(&fx, id, &b, &err), JZ_OK);
    erq.format = JZ_PAY_XLSX;
    assert_int_equal(jz_pay_export(&fx, &erq, &er, &err), JZ_OK);
    assert_non_null(strstr(er.path, ".xlsx"));
    size_t len;
    char *x = slurp(er.path, &len);
    assert_true(len > 100);
    assert_memory_equal(x, "PK", 2);
    free(x);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet1.xml | grep -q '<t>%s</t>'",
             er.path, ACC1);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(luhn_vectors),
        cmocka_unit_test(masking),
        cmocka_unit_test(account_checks),
        cmocka_unit_test(shipped_banks),
        cmocka_unit_test(bad_bank_files),
        cmocka_unit_test(file_names),
        cmocka_unit_test(results_good),
        cmocka_unit_test(results_refused),
        cmocka_unit_test(results_voucher),
        cmocka_unit_test_setup_teardown(payees, setup_store, fx_teardown),
        cmocka_unit_test_setup_teardown(institutions, setup_store, fx_teardown),
        cmocka_unit_test_setup_teardown(the_whole_path, setup_store, fx_teardown),
        cmocka_unit_test_setup_teardown(export_refusals, setup_store, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
