/*
 * test_reader.c - the household stream reader: one pretty record, a JSON
 * array, JSON Lines with blank lines and a bad line in the middle, a byte
 * order mark, empty input, and syntax errors with their line numbers; the
 * errors in Chinese (jansson's English translated), bytes that are not
 * UTF-8 named precisely, free text with control or bidirectional
 * characters refused, and a household with no head or two.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jiuzhu/jz_record.h"

#define REC(hid, amount)                                                                           \
    "{\"household_id\":\"" hid "\",\"region\":\"140902\",\"area\":\"rural\","                      \
    "\"assess_date\":\"2024-06-01\",\"members\":[{\"id\":\"140902198001010016\","                  \
    "\"name\":\"张三\",\"relation\":\"head\",\"income\":[{\"kind\":\"wage\",\"amount\":" amount    \
    "}]}]}"

typedef struct got {
    int ok, bad, eof;
    long bad_line[8];
    char ids[8][JZ_HOUSEHOLD_ID_MAX];
    bool many;
} got;

static got read_all(const char *text)
{
    got g;
    memset(&g, 0, sizeof g);
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(f);
    jz_parse_opts opts = {.regions = NULL, .default_date = jz_date_make(2024, 6, 1)};
    jz_reader *r = jz_reader_new(f, "t.jsonl", &opts);
    assert_non_null(r);
    jz_error err;
    const jz_household *h;
    for (int guard = 0; guard < 100; guard++) {
        jz_err rc = jz_reader_next(r, &h, &err);
        if (rc == JZ_EOF) {
            g.eof = 1;
            break;
        }
        if (rc == JZ_OK) {
            if (g.ok < 8)
                snprintf(g.ids[g.ok], sizeof g.ids[0], "%s", h->household_id);
            g.ok++;
        } else if (rc == JZ_EINPUT) {
            if (g.bad < 8)
                g.bad_line[g.bad] = err.line;
            g.bad++;
        } else {
            fail_msg("unexpected reader status %d", rc);
        }
    }
    g.many = jz_reader_many(r);
    jz_reader_free(r);
    fclose(f);
    return g;
}

static void single_pretty_record(void **state)
{
    (void)state;
    got g = read_all("\n  {\n \"household_id\": \"A\", \"region\": \"140902\",\n"
                     " \"area\": \"rural\", \"members\": [\n"
                     "  {\"id\": \"140902198001010016\", \"name\": \"张三\", \"relation\": "
                     "\"head\"}\n ]\n}\n\n");
    assert_int_equal(g.ok, 1);
    assert_int_equal(g.bad, 0);
    assert_false(g.many);
    assert_string_equal(g.ids[0], "A");
}

static void array_of_records(void **state)
{
    (void)state;
    got g = read_all("[" REC("A", "1") ",\n" REC("B", "\"2.50\"") "]");
    assert_int_equal(g.ok, 2);
    assert_true(g.many);
    assert_string_equal(g.ids[1], "B");
}

static void lines_with_a_bad_one(void **state)
{
    (void)state;
    got g = read_all(
        REC("A", "1") "\n\n" REC("B", "\"1.234\"") "\n" REC("C", "3") "\n{oops\n" REC("D", "4"));
    assert_int_equal(g.ok, 3);
    assert_int_equal(g.bad, 2);
    assert_int_equal(g.bad_line[0], 3); /* the blank line counts */
    assert_int_equal(g.bad_line[1], 5);
    assert_string_equal(g.ids[2], "D");
    assert_true(g.many);
}

static void byte_order_mark(void **state)
{
    (void)state;
    got g = read_all("\xEF\xBB\xBF" REC("A", "1") "\n");
    assert_int_equal(g.ok, 1);
    /* Only one mark, only at the start (thousands of them once overflowed
     * the stack through recursion). */
    g = read_all("\xEF\xBB\xBF\xEF\xBB\xBF" REC("A", "1") "\n");
    assert_int_equal(g.ok, 0);
    assert_int_equal(g.bad, 1);
    g = read_all("\n\xEF\xBB\xBF" REC("A", "1") "\n");
    assert_int_equal(g.ok, 0);
}

static void empty_and_blank(void **state)
{
    (void)state;
    got g = read_all("");
    assert_int_equal(g.ok + g.bad, 0);
    assert_true(g.eof);
    g = read_all(" \n\n\t\n");
    assert_int_equal(g.ok + g.bad, 0);
}

static void broken_array_is_one_error(void **state)
{
    (void)state;
    got g = read_all("[" REC("A", "1") ",\n" REC("B", "2"));
    assert_int_equal(g.ok, 0);
    assert_int_equal(g.bad, 1);
}

static void parse_errors_name_fields(void **state)
{
    (void)state;
    jz_household_buf ms;
    jz_household h;
    jz_error err;
    jz_parse_opts opts = {.default_date = jz_date_make(2024, 6, 1)};
    const char *bad = REC("HX", "-5");
    jz_error_clear(&err);
    assert_int_equal(jz_household_parse(bad, strlen(bad), &opts, &h, &ms, &err), JZ_EINPUT);
    assert_string_equal(err.household, "HX");
    assert_string_equal(err.field, "members[0].income[0].amount");
    assert_non_null(strstr(err.reason, "负"));
    assert_non_null(strstr(err.member, "140902198001010016"));

    const char *dup =
        "{\"region\":\"140902\",\"area\":\"rural\",\"area\":\"urban\",\"members\":[]}";
    jz_error_clear(&err);
    assert_int_equal(jz_household_parse(dup, strlen(dup), &opts, &h, &ms, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "JSON"));

    const char *ok = REC("HY", "12.5");
    jz_error_clear(&err);
    assert_int_equal(jz_household_parse(ok, strlen(ok), &opts, &h, &ms, &err), JZ_OK);
    assert_int_equal(h.members[0].income[JZ_INC_WAGE], 1250);
    assert_int_equal(h.members[0].birth, jz_date_make(1980, 1, 1));
    assert_false(h.members[0].supporters_known);
}

/* Parses text (one record) expecting a refusal; returns the error. */
static jz_error refused(const char *text)
{
    jz_household_buf *ms = malloc(sizeof *ms);
    assert_non_null(ms);
    jz_household h;
    jz_error err;
    jz_parse_opts opts = {.default_date = jz_date_make(2024, 6, 1)};
    jz_error_clear(&err);
    jz_err rc = jz_household_parse(text, strlen(text), &opts, &h, ms, &err);
    free(ms);
    if (rc != JZ_EINPUT)
        fail_msg("not refused (%d): %s", rc, text);
    return err;
}

/* True when none of jansson's English words is left in s. */
static bool no_english(const char *s)
{
    static const char *const words[] = {"expected", "token",   "near",    "premature", "invalid",
                                        "unable",   "control", "too big", "overflow",  "duplicate",
                                        "maximum",  "allowed", "newline", "escape"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(s, words[i]))
            return false;
    return true;
}

/* jansson's syntax errors come out in Chinese, with where. */
static void syntax_errors_in_chinese(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"{\"a\":1,}", "第 8 列，在“}”处）：此处应为用英文双引号括起的字段名或 }"},
        {"{\"a\" 1}", "字段名后应为英文冒号"},
        {"{\"a\":1} x", "一条记录结束后还有多余的内容"},
        {"{a:1}", "第 2 列，在“a”处"},
        {"{\"a\":\"x", "记录在结束前中断"},
        {"{\"a\":\"\\q\"}", "无效的转义"},
        {"{\"a\":\"\tb\"}", "控制字符 U+0009"},
        {"{\"a\":tru}", "无法识别的内容"},
        {"{\"a\":1,\"a\":2}", "字段名重复"},
        {"{\"a\":[1,2}", "数组没有正确结束"},
        {"{\"a\":\"\\uD800\"}", "代理项不成对"},
        {"{\"a\":\"\\u12G4\"}", "无效的转义"},
        {"{\"a\":1e999}", "数值超出范围"},
        {"{\"a\":99999999999999999999}", "整数超出范围"},
        {"[1]", "户记录应为 JSON 对象"},
        {"{\"a\":\"x\"\n,}", "第 2 行第 2 列"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        jz_error err = refused(cases[i].text);
        if (!strstr(err.reason, cases[i].want) || !no_english(err.reason))
            fail_msg("%s: reason \"%s\" lacks \"%s\" or has English", cases[i].text, err.reason,
                     cases[i].want);
    }
}

/* A byte that is not UTF-8: which byte of the line, and why. */
static void invalid_utf8_named(void **state)
{
    (void)state;
    jz_error err = refused(
        "{\"household_id\":\"H\",\"region\":\"140902\",\"area\":\"rural\",\"members\":[{\"id\":"
        "\"140902198001010016\",\"name\":\"张\xE4\",\"relation\":\"head\"}]}");
    assert_non_null(strstr(err.reason, "不是有效的 UTF-8 编码（第 103 字节）"));
    assert_non_null(
        strstr(err.reason, "以 0xE4 开始的 UTF-8 字符不完整（应有 3 个字节，只有 1 个）"));
    assert_null(strstr(err.reason, "GBK"));
}

#define HH_WITH(household_extra, member_extra)                                                     \
    "{\"household_id\":\"HT\",\"region\":\"140902\",\"area\":\"rural\"" household_extra            \
    ",\"members\":[{\"id\":\"140902198001010016\",\"name\":\"张三\",\"relation\":"               \
    "\"head\"" member_extra "}]}"

/* tmpl with its "%s" replaced by text. */
static void subst(char *dst, size_t cap, const char *tmpl, const char *text)
{
    const char *p = strstr(tmpl, "%s");
    if (!p) {
        snprintf(dst, cap, "%s", tmpl);
        return;
    }
    snprintf(dst, cap, "%.*s%s%s", (int)(p - tmpl), tmpl, text, p + 2);
}

/* Every free-text string refuses control characters and the
 * bidirectional formatting characters, naming the field. */
static void unsafe_text_refused(void **state)
{
    (void)state;
    static const struct {
        const char *hh, *member, *field;
    } places[] = {
        {",\"note\":\"%s\"", "", "note"},
        {",\"address\":\"%s\"", "", "address"},
        {"", ",\"note\":\"%s\"", "members[0].note"},
        {"", ",\"income\":[{\"kind\":\"wage\",\"amount\":1,\"note\":\"%s\"}]",
         "members[0].income[0].note"},
        {"", ",\"disability\":{\"category\":\"limb\",\"grade\":1,\"certificate\":\"%s\"}",
         "members[0].disability.certificate"},
        {"", ",\"illness\":{\"name\":\"%s\"}", "members[0].illness.name"},
        {"", ",\"student\":{\"level\":\"primary\",\"school\":\"%s\"}", "members[0].student.school"},
        {"", ",\"supporters\":[{\"status\":\"able\",\"note\":\"%s\"}]",
         "members[0].supporters[0].note"},
    };
    static const struct {
        const char *text, *want;
    } chars[] = {
        {"a\\nb", "换行符"},
        {"a\\u0007b", "响铃符"},
        {"a\\u001bb", "转义符"},
        {"a\\u0085b", "控制字符 U+0085"},
        {"\xE2\x80\xAE"
         "abc",
         "U+202E（从右到左覆盖）"},
        {"\xE2\x80\xAA"
         "abc",
         "U+202A"},
        {"\xE2\x81\xA6"
         "abc",
         "U+2066"},
        {"\xE2\x81\xA9"
         "abc",
         "U+2069"},
        {"\xE2\x80\x8E"
         "abc",
         "U+200E"},
        {"\xE2\x80\x8F"
         "abc",
         "U+200F"},
        {"a\xE2\x80\xA8"
         "b",
         "行分隔符"},
    };
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
        for (size_t k = 0; k < sizeof chars / sizeof chars[0]; k++) {
            char hh[256], mem[256], text[1024];
            subst(hh, sizeof hh, places[i].hh, chars[k].text);
            subst(mem, sizeof mem, places[i].member, chars[k].text);
            snprintf(text, sizeof text, HH_WITH("%s", "%s"), hh, mem);
            jz_error err = refused(text);
            if (strcmp(err.field, places[i].field) != 0 || !strstr(err.reason, chars[k].want))
                fail_msg("%s: field %s reason %s", text, err.field, err.reason);
        }
    /* The name and the household ID, too. */
    jz_error err = refused("{\"household_id\":\"H\xE2\x80\xAE"
                           "1\",\"region\":\"140902\","
                           "\"area\":\"rural\",\"members\":[{\"id\":\"140902198001010016\","
                           "\"name\":\"张三\",\"relation\":\"head\"}]}");
    assert_string_equal(err.field, "household_id");
    err = refused("{\"household_id\":\"H\",\"region\":\"140902\",\"area\":\"rural\","
                  "\"members\":[{\"id\":\"140902198001010016\",\"name\":\"张\\n三\","
                  "\"relation\":\"head\"}]}");
    assert_string_equal(err.field, "members[0].name");
    assert_non_null(strstr(err.reason, "换行符"));
    /* Ordinary text passes: Chinese, punctuation, a zero-width joiner is
     * not a bidirectional control. */
    jz_household_buf *ms = malloc(sizeof *ms);
    jz_household h;
    jz_parse_opts opts = {.default_date = jz_date_make(2024, 6, 1)};
    const char *ok = HH_WITH(",\"note\":\"村东头, 第二家（“困难”）— 见附件 #3\"", "");
    jz_error_clear(&err);
    assert_int_equal(jz_household_parse(ok, strlen(ok), &opts, &h, ms, &err), JZ_OK);
    free(ms);
}

/* Exactly one head: none, or two, is refused naming the members. */
static void one_head(void **state)
{
    (void)state;
#define M(id, name, rel) "{\"id\":\"" id "\",\"name\":\"" name "\",\"relation\":\"" rel "\"}"
#define HH(members)                                                                                \
    "{\"household_id\":\"H2\",\"region\":\"140902\",\"area\":\"rural\",\"members\":[" members "]}"
    jz_error err = refused(HH(M("140902198001010016", "张三", "head") "," M(
        "140902195001010047", "王五", "spouse") "," M("140902195001010055", "赵六", "head")));
    assert_string_equal(err.household, "H2");
    assert_string_equal(err.field, "members[2].relation");
    assert_string_equal(err.value, "head");
    assert_non_null(strstr(err.member, "members[2]"));
    assert_non_null(strstr(err.reason, "有 2 名户主：members[0] 张三（140902********0016）、"
                                       "members[2] 赵六（140902********0055）"));
    assert_null(strstr(err.reason, "王五"));
    err = refused(
        HH(M("140902198001010016", "张三", "spouse") "," M("140902195001010047", "王五", "child")));
    assert_string_equal(err.field, "members");
    assert_non_null(strstr(err.reason, "没有户主"));
    assert_non_null(strstr(err.reason, "members[0] 张三（140902********0016，spouse）、members[1] "
                                       "王五（140902********0047，child）"));
    /* No full ID number in the reason. */
    assert_null(strstr(err.reason, "140902198001010016"));
#undef M
#undef HH
}

/* A member's own enrolment now (member-level `current`): read, validated
 * like the household's, written back identically. */
static void member_current(void **state)
{
    (void)state;
    static jz_household_buf a, b;
    jz_household h, h2;
    jz_error err;
    jz_parse_opts opts = {.default_date = jz_date_make(2024, 6, 1)};
    const char *rec =
        "{\"household_id\":\"HC\",\"region\":\"140902\",\"area\":\"rural\",\"members\":["
        "{\"id\":\"140902195001010012\",\"name\":\"张老汉\",\"relation\":\"head\","
        "\"current\":{\"programme\":\"tekun\",\"since\":\"2022-03-01\","
        "\"monthly_amount\":\"1180.50\"}},"
        "{\"id\":\"140902198001010016\",\"name\":\"张三\",\"relation\":\"child\","
        "\"current\":{\"programme\":\"single_dibao\"}}]}";
    jz_error_clear(&err);
    assert_int_equal(jz_household_parse(rec, strlen(rec), &opts, &h, &a, &err), JZ_OK);
    assert_int_equal(h.members[0].current_programme, JZ_MPROG_TEKUN);
    assert_int_equal(h.members[0].current_since, jz_date_make(2022, 3, 1));
    assert_int_equal(h.members[0].current_amount, 118050);
    assert_int_equal(h.members[1].current_programme, JZ_MPROG_SINGLE_DIBAO);
    assert_int_equal(h.members[1].current_since, JZ_DATE_NONE);
    assert_int_equal(h.current_programme, JZ_PROG_NONE);
    char *json = jz_household_json(&h, 0);
    assert_non_null(json);
    assert_int_equal(jz_household_parse(json, strlen(json), &opts, &h2, &b, &err), JZ_OK);
    free(json);
    for (uint32_t i = 0; i < h.n_members; i++)
        assert_memory_equal(&h.members[i], &h2.members[i], offsetof(jz_member, name));

    /* A household programme is not a person's: an input error naming the
     * member and the field. */
    const char *bad =
        "{\"household_id\":\"HD\",\"region\":\"140902\",\"area\":\"rural\",\"members\":["
        "{\"id\":\"140902198001010016\",\"name\":\"张三\",\"relation\":\"head\","
        "\"current\":{\"programme\":\"dibao\"}}]}";
    jz_error_clear(&err);
    assert_int_equal(jz_household_parse(bad, strlen(bad), &opts, &h, &a, &err), JZ_EINPUT);
    assert_string_equal(err.field, "members[0].current.programme");
    assert_non_null(strstr(err.member, "140902198001010016"));
    assert_non_null(strstr(err.reason, "single_dibao"));
    const char *nokey = "{\"region\":\"140902\",\"area\":\"rural\",\"members\":["
                        "{\"id\":\"140902198001010016\",\"name\":\"张三\",\"relation\":\"head\","
                        "\"current\":{\"since\":\"2022-03-01\",\"amount\":\"1.00\"}}]}";
    jz_error_clear(&err);
    assert_int_equal(jz_household_parse(nokey, strlen(nokey), &opts, &h, &a, &err), JZ_EINPUT);
    assert_string_equal(err.field, "members[0].current.amount");
}

/* Every example household written back as a record reads back the same. */
static void write_read_round_trip(void **state)
{
    (void)state;
    const char *root = getenv("JZ_SOURCE_DIR");
    const char *files[] = {"01-dibao-rural.json",           "02-expenditure-illness-education.json",
                           "03-marginal-single-dibao.json", "04-tekun-leaves-household.json",
                           "05-gradual-exit.json",          "06-temporary-relief.json"};
    static jz_household_buf a, b;
    jz_parse_opts opts = {.default_date = jz_date_make(2024, 6, 1)};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[4096], text[65536];
        snprintf(path, sizeof path, "%s/examples/%s", root && root[0] ? root : JZ_SOURCE_DIR,
                 files[f]);
        FILE *in = fopen(path, "rb");
        assert_non_null(in);
        size_t n = fread(text, 1, sizeof text, in);
        fclose(in);
        jz_household h1, h2;
        jz_error err;
        assert_int_equal(jz_household_parse(text, n, &opts, &h1, &a, &err), JZ_OK);
        char *json = jz_household_json(&h1, 0);
        assert_non_null(json);
        assert_int_equal(jz_household_parse(json, strlen(json), &opts, &h2, &b, &err), JZ_OK);
        free(json);
        assert_int_equal(h1.n_members, h2.n_members);
        assert_int_equal(h1.current_amount, h2.current_amount);
        assert_string_equal(h1.region.code, h2.region.code);
        for (uint32_t i = 0; i < h1.n_members; i++) {
            assert_string_equal(h1.members[i].name, h2.members[i].name);
            /* Everything but the name pointer is equal. */
            assert_memory_equal(&h1.members[i], &h2.members[i], offsetof(jz_member, name));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(single_pretty_record),
        cmocka_unit_test(array_of_records),
        cmocka_unit_test(lines_with_a_bad_one),
        cmocka_unit_test(byte_order_mark),
        cmocka_unit_test(empty_and_blank),
        cmocka_unit_test(broken_array_is_one_error),
        cmocka_unit_test(parse_errors_name_fields),
        cmocka_unit_test(write_read_round_trip),
        cmocka_unit_test(member_current),
        cmocka_unit_test(syntax_errors_in_chinese),
        cmocka_unit_test(invalid_utf8_named),
        cmocka_unit_test(unsafe_text_refused),
        cmocka_unit_test(one_head),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
