/*
 * test_docs.c - the documents of the procedure, as a caseworker reads them:
 * the approval and refusal notices, and the 公示 and 公布 lists in text,
 * HTML, CSV and xlsx.
 *
 * The checks are on what a person would notice on the page: the applicant's
 * name, the amounts exactly as jz_money_format writes them ("1234.50"), the
 * dates in Chinese form, the rules and their sources, the sentence on the
 * right to appeal; and on what must never happen: raw HTML from a name, a
 * broken CSV row, a name that a spreadsheet runs as a formula.
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

#include "jiuzhu/jz_docs.h"

static const char APPEAL_SENTENCE[] =
    "如对本决定不服，可在收到本通知书之日起六十日内依法申请行政复议，"
    "或者在六个月内依法提起行政诉讼。";
#define OBJECTION_LINE "对公示对象有异议的，请于公示期内向乡镇人民政府（街道办事处）反映。"

static void expect_in(const char *doc, const char *what)
{
    if (strstr(doc, what) == NULL)
        fail_msg("missing \"%s\" in:\n%s", what, doc);
}

static void expect_not_in(const char *doc, const char *what)
{
    if (strstr(doc, what) != NULL)
        fail_msg("unexpected \"%s\" in:\n%s", what, doc);
}

/* ---- decisions --------------------------------------------------------- */

static const jz_doc_unit UNITS[] = {
    {"全户", "低保", 3, 123450, 0},
    {"王老汉", "特困供养", 1, 98700, 0},
    {"李二", "低保边缘", 1, 0, 0},
};

static const jz_doc_reason REASONS[] = {
    {"R-DB-1", "家庭月人均收入 812.00 元，高于当地低保标准 750.00 元", "晋民发〔2021〕1号 三(一)"},
    {"R-ASSET-2", "家庭拥有机动车 1 辆（非营运），价值 86000.00 元",
     "《最低生活保障审核确认办法》第九条"},
};

static jz_doc_decision approved(void)
{
    jz_doc_decision d = {
        .case_id = 42,
        .county_name = "忻府区",
        .township_name = "阳坊乡",
        .village_name = "东村",
        .household_id = "H140902-000001",
        .applicant_name = "王小明",
        .members = 5,
        .approved = true,
        .accepted_on = 20250603,
        .decided_on = 20250620,
        .first_month = "2025-07",
        .units = UNITS,
        .n_units = 3,
        .note = "王老汉单独纳入特困供养",
    };
    return d;
}

static jz_doc_decision refused(void)
{
    jz_doc_decision d = approved();
    d.approved = false;
    d.first_month = "";
    d.units = NULL;
    d.n_units = 0;
    d.reasons = REASONS;
    d.n_reasons = 2;
    d.note = "";
    return d;
}

/* What both formats of an approval must show. */
static void check_approved(const char *doc)
{
    expect_in(doc, "审核确认通知书");
    expect_in(doc, "王小明");
    expect_in(doc, "42");
    expect_in(doc, "H140902-000001");
    expect_in(doc, "2025年6月3日");  /* 受理 */
    expect_in(doc, "2025年6月20日"); /* decided */
    expect_in(doc, "低保");
    expect_in(doc, "1234.50");
    expect_in(doc, "特困供养");
    expect_in(doc, "987.00");
    expect_in(doc, "低保边缘");
    expect_in(doc, "不发放现金");
    expect_in(doc, "2221.50"); /* the monthly total of the units */
    expect_in(doc, "自 2025年07月 起发放");
    expect_in(doc, "王老汉单独纳入特困供养");
    expect_in(doc, "忻府区民政局");
    expect_not_in(doc, "不予批准");
    expect_not_in(doc, "行政复议");
}

static void test_approved_text(void **state)
{
    (void)state;
    jz_doc_decision d = approved();
    char *doc = jz_doc_decision_render(&d, JZ_DOC_TEXT);

    assert_non_null(doc);
    check_approved(doc);
    assert_memory_equal(doc, "最低生活保障等社会救助审核确认通知书\n",
                        strlen("最低生活保障等社会救助审核确认通知书\n"));
    expect_in(doc, "王小明：");
    expect_in(doc, "案件编号：42\n");
    expect_in(doc, "受理日期：2025年6月3日\n");
    expect_in(doc, "忻府区民政局\n2025年6月20日\n");
    expect_not_in(doc, "<");
    free(doc);
}

static void test_approved_html(void **state)
{
    (void)state;
    jz_doc_decision d = approved();
    char *doc = jz_doc_decision_render(&d, JZ_DOC_HTML);

    assert_non_null(doc);
    check_approved(doc);
    assert_memory_equal(doc, "<!DOCTYPE html>", 15);
    expect_in(doc, "<meta charset=\"utf-8\">");
    expect_in(doc, "<h1>最低生活保障等社会救助审核确认通知书</h1>");
    expect_in(doc, "<td class=\"num\">1234.50</td>");
    expect_in(doc, "忻府区民政局<br>2025年6月20日");
    assert_non_null(strstr(doc, "</html>\n"));
    free(doc);
}

/* An approval whose units pay no cash does not promise a payment. */
static void test_approved_without_cash(void **state)
{
    (void)state;
    jz_doc_decision d = approved();
    d.units = &UNITS[2];
    d.n_units = 1;
    char *doc = jz_doc_decision_render(&d, JZ_DOC_TEXT);

    assert_non_null(doc);
    expect_in(doc, "低保边缘");
    expect_in(doc, "—（不发放现金）");
    expect_in(doc, "自 2025年07月 起享受相应救助");
    expect_not_in(doc, "起发放");
    free(doc);
}

static void check_refused(const char *doc)
{
    expect_in(doc, "不予批准通知书");
    expect_in(doc, "王小明");
    for (size_t i = 0; i < 2; i++) {
        expect_in(doc, REASONS[i].rule);
        expect_in(doc, REASONS[i].text);
        expect_in(doc, REASONS[i].source);
    }
    expect_in(doc, APPEAL_SENTENCE);
    expect_in(doc, "忻府区民政局");
    expect_not_in(doc, "审核确认通知书");
    expect_not_in(doc, "起发放");
}

static void test_refused_text(void **state)
{
    (void)state;
    jz_doc_decision d = refused();
    char *doc = jz_doc_decision_render(&d, JZ_DOC_TEXT);

    assert_non_null(doc);
    check_refused(doc);
    expect_in(doc, "1. 家庭月人均收入 812.00 元");
    expect_in(doc, "规则：R-DB-1；依据：晋民发〔2021〕1号 三(一)");
    expect_in(doc, "2. 家庭拥有机动车");
    expect_in(doc, "规则：R-ASSET-2；依据：《最低生活保障审核确认办法》第九条");
    expect_not_in(doc, "备注"); /* the note is empty */
    free(doc);
}

static void test_refused_html(void **state)
{
    (void)state;
    jz_doc_decision d = refused();
    char *doc = jz_doc_decision_render(&d, JZ_DOC_HTML);

    assert_non_null(doc);
    check_refused(doc);
    expect_in(doc, "<ol class=\"reasons\">");
    expect_in(doc, "依据：《最低生活保障审核确认办法》第九条</li>");
    free(doc);
}

static void test_decision_csv_is_null(void **state)
{
    (void)state;
    jz_doc_decision d = approved();
    assert_null(jz_doc_decision_render(&d, JZ_DOC_CSV));
}

/* ---- lists ------------------------------------------------------------- */

#define NASTY "<script>&\"'"
#define COMMA_NAME "Zhang, \"Jr\""
#define FORMULA_NAME "=HYPERLINK(\"http://x\",\"y\")"

static const jz_doc_list_row ROWS[] = {
    {"王小明", 3, 123450, false, 0},
    {"李四", 1, 50000, false, 0},
    {COMMA_NAME, 2, 0, false, 0},
    {FORMULA_NAME, 4, 76543, false, 0},
};

static jz_doc_list notice_list(void)
{
    jz_doc_list l = {
        .notice = true,
        .county_name = "忻府区",
        .township_name = "阳坊乡",
        .village_code = "140902001001",
        .village_name = "东村",
        .from = 20250601,
        .until = 20250607,
        .rows = ROWS,
        .n_rows = 4,
    };
    return l;
}

static jz_doc_list published_list(void)
{
    jz_doc_list l = notice_list();
    l.notice = false;
    l.village_name = "";
    l.from = 20250625;
    l.until = JZ_DATE_NONE;
    l.rows = ROWS;
    l.n_rows = 2;
    return l;
}

/* The display width of a line: a 3-byte UTF-8 character (Han, fullwidth
 * punctuation, all that the tests use) is two columns wide. */
static size_t line_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        w += len == 3 ? 2 : 1;
        i += len;
    }
    return w;
}

static void test_notice_text(void **state)
{
    (void)state;
    jz_doc_list l = notice_list();
    char *doc = jz_doc_list_render(&l, JZ_DOC_TEXT);

    assert_non_null(doc);
    expect_in(doc, "阳坊乡东村 最低生活保障等社会救助初审意见公示\n");
    expect_in(doc, "公示期：2025年6月1日至2025年6月7日（7天）");
    expect_in(doc, OBJECTION_LINE);
    expect_in(doc, "序号");
    expect_in(doc, "申请人姓名");
    expect_in(doc, "保障人数（人）");
    expect_in(doc, "月保障金额（元）");
    for (size_t i = 0; i < 4; i++)
        expect_in(doc, ROWS[i].applicant_name); /* text shows names as given */
    expect_in(doc, "1234.50");
    expect_in(doc, "500.00");
    expect_in(doc, "0.00");
    expect_in(doc, "765.43");
    expect_in(doc, "合计：4 户，10 人，月保障金额合计 2499.93 元");

    /* The rows line up: the amount column is right-aligned, so the heads and
     * every row end at the same display column. */
    const char *head = strstr(doc, "序号");
    size_t want = line_width(head, strcspn(head, "\n"));
    const char *p = strchr(head, '\n') + 1; /* the rule */
    p = strchr(p, '\n') + 1;
    for (int i = 0; i < 4; i++) {
        size_t n = strcspn(p, "\n");
        assert_int_equal(line_width(p, n), want);
        p += n + 1;
    }
    free(doc);
}

static void test_notice_html(void **state)
{
    (void)state;
    jz_doc_list l = notice_list();
    char *doc = jz_doc_list_render(&l, JZ_DOC_HTML);

    assert_non_null(doc);
    assert_memory_equal(doc, "<!DOCTYPE html>", 15);
    expect_in(doc, "<meta charset=\"utf-8\">");
    expect_in(doc, "<thead><tr><th>序号</th><th>申请人姓名</th><th>保障人数（人）</th>"
                   "<th>月保障金额（元）</th></tr></thead>");
    expect_in(doc, "<td>王小明</td><td class=\"num\">3</td><td class=\"num\">1234.50</td>");
    expect_in(doc, "<td>李四</td><td class=\"num\">1</td><td class=\"num\">500.00</td>");
    expect_in(doc, "<td>Zhang, &quot;Jr&quot;</td>");
    expect_in(doc, "<td>=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)</td>");
    expect_in(doc, "公示期：2025年6月1日至2025年6月7日（7天）");
    expect_in(doc, OBJECTION_LINE);
    expect_in(doc, "合计：4 户，10 人，月保障金额合计 2499.93 元");
    assert_non_null(strstr(doc, "</table>"));
    assert_non_null(strstr(doc, "</html>\n"));
    free(doc);
}

/* A 公示 without its last day still states 7 days (R-WF-1). */
static void test_notice_until_defaults_to_seven_days(void **state)
{
    (void)state;
    jz_doc_list l = notice_list();
    l.from = 20250628;
    l.until = JZ_DATE_NONE;
    char *doc = jz_doc_list_render(&l, JZ_DOC_TEXT);

    assert_non_null(doc);
    expect_in(doc, "公示期：2025年6月28日至2025年7月4日（7天）");
    free(doc);
}

static void test_published(void **state)
{
    (void)state;
    jz_doc_list l = published_list();

    for (int f = JZ_DOC_TEXT; f <= JZ_DOC_HTML; f++) {
        char *doc = jz_doc_list_render(&l, (jz_doc_format)f);

        assert_non_null(doc);
        /* No village name in the region table: the code identifies it. */
        expect_in(doc, "阳坊乡（村/社区代码 140902001001） 最低生活保障等社会救助审核确认结果公布");
        expect_in(doc, "公布日期：2025年6月25日");
        expect_in(doc, "忻府区民政局审核确认");
        expect_in(doc, "王小明");
        expect_in(doc, "1234.50");
        expect_in(doc, "合计：2 户，4 人，月保障金额合计 1734.50 元");
        expect_not_in(doc, "公示期");
        expect_not_in(doc, "异议");
        free(doc);
    }
}

static void test_html_escapes_everything(void **state)
{
    (void)state;
    const char *escaped = "&lt;script&gt;&amp;&quot;&#39;";
    jz_doc_reason reason = {NASTY, NASTY, NASTY};
    jz_doc_unit unit = {NASTY, NASTY, 1, 100, 0};
    jz_doc_decision d = approved();
    d.county_name = d.township_name = d.village_name = NASTY;
    d.household_id = d.applicant_name = d.note = NASTY;
    d.first_month = NASTY;
    d.units = &unit;
    d.n_units = 1;

    for (int approve = 0; approve < 2; approve++) {
        d.approved = approve;
        d.reasons = &reason;
        d.n_reasons = 1;
        char *doc = jz_doc_decision_render(&d, JZ_DOC_HTML);
        assert_non_null(doc);
        expect_not_in(doc, "<script>");
        expect_not_in(doc, "&\"");
        expect_in(doc, escaped);
        free(doc);
    }

    jz_doc_list_row row = {NASTY, 2, 100, false, 0};
    jz_doc_list l = notice_list();
    l.county_name = l.township_name = l.village_name = NASTY;
    l.rows = &row;
    l.n_rows = 1;
    char *doc = jz_doc_list_render(&l, JZ_DOC_HTML);
    assert_non_null(doc);
    expect_not_in(doc, "<script>");
    expect_in(doc, "<td>&lt;script&gt;&amp;&quot;&#39;</td>");
    expect_in(doc, "<title>&lt;script&gt;");
    free(doc);
}

static void test_list_csv(void **state)
{
    (void)state;
    jz_doc_list l = notice_list();
    char *doc = jz_doc_list_render(&l, JZ_DOC_CSV);
    const char *want = "\xEF\xBB\xBF"
                       "序号,申请人姓名,保障人数（人）,月保障金额（元）\r\n"
                       "1,王小明,3,1234.50\r\n"
                       "2,李四,1,500.00\r\n"
                       "3,\"Zhang, \"\"Jr\"\"\",2,0.00\r\n"
                       "4,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",4,765.43\r\n";

    assert_non_null(doc);
    assert_memory_equal(doc, "\xEF\xBB\xBF", 3);
    assert_string_equal(doc, want);
    expect_not_in(doc, "合计");
    expect_not_in(doc, "公示");
    free(doc);
}

/* Every lead a spreadsheet takes for a formula gets the ', in the middle of a
 * name nothing changes, and the other formats show the name as given. */
static void test_csv_formula_injection(void **state)
{
    (void)state;
    jz_doc_list_row rows[] = {
        {"+1+1", 1, 0, false, 0}, {"-2+3", 1, 0, false, 0}, {"@SUM(A1)", 1, 0, false, 0},
        {"王=小明", 1, 0, false, 0}, {"=1+1", 1, 0, false, 0},
    };
    jz_doc_list l = published_list();
    l.rows = rows;
    l.n_rows = 5;
    char *doc = jz_doc_list_render(&l, JZ_DOC_CSV);

    assert_non_null(doc);
    expect_in(doc, "\r\n1,'+1+1,1,0.00\r\n");
    expect_in(doc, "\r\n2,'-2+3,1,0.00\r\n");
    expect_in(doc, "\r\n3,'@SUM(A1),1,0.00\r\n");
    expect_in(doc, "\r\n4,王=小明,1,0.00\r\n");
    expect_in(doc, "\r\n5,'=1+1,1,0.00\r\n");
    free(doc);

    doc = jz_doc_list_render(&l, JZ_DOC_TEXT);
    assert_non_null(doc);
    expect_in(doc, "=1+1");
    expect_not_in(doc, "'=1+1");
    free(doc);
}

static void test_empty_list(void **state)
{
    (void)state;
    jz_doc_list l = notice_list();
    l.rows = NULL;
    l.n_rows = 0;
    char *doc = jz_doc_list_render(&l, JZ_DOC_CSV);

    assert_non_null(doc);
    assert_string_equal(doc, "\xEF\xBB\xBF序号,申请人姓名,保障人数（人）,月保障金额（元）\r\n");
    free(doc);
    doc = jz_doc_list_render(&l, JZ_DOC_TEXT);
    assert_non_null(doc);
    expect_in(doc, "合计：0 户，0 人，月保障金额合计 0.00 元");
    free(doc);
}

/* ---- xlsx -------------------------------------------------------------- */

/* The text of one member of a zip archive, through unzip(1); NULL when
 * unzip fails. */
static char *unzip_member(const char *zip, const char *member)
{
    char cmd[512];
    size_t len = 0, cap = 4096;
    char *out = malloc(cap);
    FILE *p;

    assert_non_null(out);
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s' 2>/dev/null", zip, member);
    p = popen(cmd, "r");
    assert_non_null(p);
    for (;;) {
        size_t n = fread(out + len, 1, cap - 1 - len, p);
        len += n;
        if (n == 0)
            break;
        if (len == cap - 1) {
            char *bigger = realloc(out, cap *= 2);
            assert_non_null(bigger);
            out = bigger;
        }
    }
    out[len] = '\0';
    if (pclose(p) != 0 || len == 0) {
        free(out);
        return NULL;
    }
    return out;
}

typedef struct tmp {
    char dir[64];
    char file[128];
} tmp;

static int make_tmp(void **state)
{
    tmp *t = calloc(1, sizeof *t);
    if (t == NULL)
        return -1;
    snprintf(t->dir, sizeof t->dir, "/tmp/jz-docs-XXXXXX");
    if (mkdtemp(t->dir) == NULL) {
        free(t);
        return -1;
    }
    snprintf(t->file, sizeof t->file, "%s/list.xlsx", t->dir);
    *state = t;
    return 0;
}

static int remove_tmp(void **state)
{
    tmp *t = *state;
    unlink(t->file);
    rmdir(t->dir);
    free(t);
    return 0;
}

static void check_xlsx(const char *path, const char *sheet)
{
    unsigned char magic[2] = {0};
    FILE *fp = fopen(path, "rb");

    assert_non_null(fp);
    assert_int_equal(fread(magic, 1, 2, fp), 2);
    fclose(fp);
    assert_memory_equal(magic, "PK", 2);

    char *strings = unzip_member(path, "xl/sharedStrings.xml");
    assert_non_null(strings);
    expect_in(strings, "王小明");
    expect_in(strings, "李四");
    expect_in(strings, "序号");
    expect_in(strings, "保障人数（人）");
    expect_in(strings, "'=HYPERLINK(");
    free(strings);

    char *book = unzip_member(path, "xl/workbook.xml");
    assert_non_null(book);
    expect_in(book, sheet);
    free(book);
}

/* The number in a cell of a sheet's XML (<c r="D4" s="3"><v>1234.5</v>).
 * libxlsxwriter writes 16 significant digits, so 765.43 may read back as
 * 765.4299999999999: the check is to a millionth of a fen. */
static void check_number(const char *sheet, const char *ref, double want)
{
    char key[32];
    const char *c, *v;

    snprintf(key, sizeof key, "<c r=\"%s\"", ref);
    c = strstr(sheet, key);
    if (c == NULL)
        fail_msg("no cell %s", ref);
    /* A shared string (t="s") would hold an index, not the number. */
    const char *tag_end = strchr(c, '>'), *type = strstr(c, "t=\"s\"");
    assert_non_null(tag_end);
    if (type != NULL && type < tag_end)
        fail_msg("cell %s is a string", ref);
    v = strstr(c, "<v>");
    assert_non_null(v);
    double got = strtod(v + 3, NULL);
    if (got - want > 1e-8 || want - got > 1e-8)
        fail_msg("cell %s is %.17g, want %.2f", ref, got, want);
}

static void test_xlsx_notice(void **state)
{
    tmp *t = *state;
    jz_doc_list l = notice_list();
    jz_error err;

    jz_error_clear(&err);
    assert_int_equal(jz_doc_list_xlsx(&l, t->file, &err), JZ_OK);
    check_xlsx(t->file, "name=\"公示\"");

    char *strings = unzip_member(t->file, "xl/sharedStrings.xml");
    assert_non_null(strings);
    expect_in(strings, "公示期：2025年6月1日至2025年6月7日（7天）");
    expect_in(strings, "阳坊乡东村 最低生活保障等社会救助初审意见公示");
    expect_in(strings, "4 户");
    free(strings);

    /* Members and amounts are numbers (yuan), not text, so that the sheet
     * can sum them: rows 4 to 7, the total in row 8. */
    char *sheet = unzip_member(t->file, "xl/worksheets/sheet1.xml");
    assert_non_null(sheet);
    check_number(sheet, "C4", 3);
    check_number(sheet, "D4", 1234.50);
    check_number(sheet, "D5", 500.00);
    check_number(sheet, "D7", 765.43);
    check_number(sheet, "C8", 10);
    check_number(sheet, "D8", 2499.93);
    free(sheet);
}

static void test_xlsx_published(void **state)
{
    tmp *t = *state;
    jz_doc_list l = published_list();
    jz_error err;

    l.rows = ROWS;
    l.n_rows = 4;
    jz_error_clear(&err);
    assert_int_equal(jz_doc_list_xlsx(&l, t->file, &err), JZ_OK);
    check_xlsx(t->file, "name=\"公布\"");

    char *strings = unzip_member(t->file, "xl/sharedStrings.xml");
    assert_non_null(strings);
    expect_in(strings, "公布日期：2025年6月25日");
    expect_not_in(strings, "异议");
    free(strings);
}

static void test_xlsx_unwritable(void **state)
{
    tmp *t = *state;
    jz_doc_list l = notice_list();
    jz_error err;
    char path[256];

    snprintf(path, sizeof path, "%s/no-such-dir/list.xlsx", t->dir);
    jz_error_clear(&err);
    assert_int_equal(jz_doc_list_xlsx(&l, path, &err), JZ_EIO);
    assert_int_equal(err.code, JZ_EIO);
    expect_in(err.reason, "无法写入 Excel 文件");
    expect_in(err.value, "no-such-dir");
    assert_int_equal(access(path, F_OK), -1);
}

/* Every formula starter, ASCII and full-width, gets the ' in CSV and in the
 * xlsx cells; a name that only contains one does not. */
static const char *const STARTERS[] = {
    "=1+1", "+1", "-1", "@SUM(A1)", "\tA", "\rB", "＝1+1", "＋1", "－1", "＠SUM(A1)",
};

static void test_formula_starters(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof STARTERS / sizeof STARTERS[0]; i++)
        if (!jz_doc_formula_like(STARTERS[i]))
            fail_msg("starter %zu not taken for a formula", i);
    assert_false(jz_doc_formula_like("王＝小明"));
    assert_false(jz_doc_formula_like("王小明"));
    assert_false(jz_doc_formula_like(""));
    assert_false(jz_doc_formula_like(NULL));
    assert_false(jz_doc_formula_like("\xEF\xBC")); /* a cut-off full-width form */

    jz_doc_list_row rows[] = {
        {"＝1+1", 1, 0, false, 0}, {"＋1", 1, 0, false, 0}, {"－1", 1, 0, false, 0},
        {"＠SUM(A1)", 1, 0, false, 0}, {"\tA", 1, 0, false, 0}, {"王＝小明", 1, 0, false, 0},
    };
    jz_doc_list l = published_list();
    l.rows = rows;
    l.n_rows = 6;
    char *doc = jz_doc_list_render(&l, JZ_DOC_CSV);
    assert_non_null(doc);
    expect_in(doc, "\r\n1,'＝1+1,1,0.00\r\n");
    expect_in(doc, "\r\n2,'＋1,1,0.00\r\n");
    expect_in(doc, "\r\n3,'－1,1,0.00\r\n");
    expect_in(doc, "\r\n4,'＠SUM(A1),1,0.00\r\n");
    expect_in(doc, "\r\n5,'\tA,1,0.00\r\n");
    expect_in(doc, "\r\n6,王＝小明,1,0.00\r\n");
    free(doc);
}

static void test_xlsx_formula_starters(void **state)
{
    tmp *t = *state;
    jz_doc_list_row rows[] = {
        {"＝HYPERLINK(1)", 1, 0, false, 0}, {"＠SUM(A1)", 1, 0, false, 0},
        {"－2+3", 1, 0, false, 0}, {"＋1", 1, 0, false, 0}, {"王＝小明", 1, 0, false, 0},
    };
    jz_doc_list l = published_list();
    jz_error err;
    l.rows = rows;
    l.n_rows = 5;
    jz_error_clear(&err);
    assert_int_equal(jz_doc_list_xlsx(&l, t->file, &err), JZ_OK);
    char *strings = unzip_member(t->file, "xl/sharedStrings.xml");
    assert_non_null(strings);
    expect_in(strings, ">'＝HYPERLINK(1)<");
    expect_in(strings, ">'＠SUM(A1)<");
    expect_in(strings, ">'－2+3<");
    expect_in(strings, ">'＋1<");
    expect_in(strings, ">王＝小明<");
    free(strings);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_approved_text),
        cmocka_unit_test(test_approved_html),
        cmocka_unit_test(test_approved_without_cash),
        cmocka_unit_test(test_refused_text),
        cmocka_unit_test(test_refused_html),
        cmocka_unit_test(test_decision_csv_is_null),
        cmocka_unit_test(test_notice_text),
        cmocka_unit_test(test_notice_html),
        cmocka_unit_test(test_notice_until_defaults_to_seven_days),
        cmocka_unit_test(test_published),
        cmocka_unit_test(test_html_escapes_everything),
        cmocka_unit_test(test_list_csv),
        cmocka_unit_test(test_csv_formula_injection),
        cmocka_unit_test(test_formula_starters),
        cmocka_unit_test_setup_teardown(test_xlsx_formula_starters, make_tmp, remove_tmp),
        cmocka_unit_test(test_empty_list),
        cmocka_unit_test_setup_teardown(test_xlsx_notice, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_xlsx_published, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(test_xlsx_unwritable, make_tmp, remove_tmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
