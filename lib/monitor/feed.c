/*
 * feed.c - reading other departments' CSV files into feed rows (jz_feed.h,
 * docs/feeds.md).
 *
 * How it works.  The caller has the whole file in memory, so the reader
 * works on that text directly: jz_feed_reader_new checks the encoding (the
 * whole text, once), the byte order mark and the header line; jz_feed_next
 * then splits one record at a time with a small RFC 4180 parser and checks
 * its fields against the department's layout.  An unquoted field is a slice
 * of the text; a quoted one is unescaped into a fixed buffer of the reader,
 * so reading allocates nothing after jz_feed_reader_new.
 *
 * Records.  Fields are separated by commas; a record ends at LF, CRLF or a
 * lone CR outside quotes, or at the end of the text.  A field that starts
 * with a double quote is quoted: it runs to the next lone quote, may hold
 * commas and line breaks, and "" in it is one quote.  Spaces after the
 * closing quote are ignored; anything else there refuses the record.  A
 * quote inside an unquoted field is an ordinary character.  Every field is
 * trimmed of spaces and tabs before it is checked.  A record whose fields
 * are all empty (a blank line, or a row Excel left as ",,,") is skipped.
 *
 * Lines.  The text is valid UTF-8 (checked first), and every byte the
 * parser splits on is ASCII, so every field is valid UTF-8 too.  A record's
 * line is the physical line it starts on; LF, CRLF and a lone CR each end
 * one line, inside quotes too, as an editor counts them.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_csv.h"
#include "jiuzhu/jz_encoding.h"
#include "jiuzhu/jz_feed.h"
#include "jiuzhu/jz_household.h"

/* ---- names --------------------------------------------------------------- */

const char *const jz_dept_names[JZ_DEPT_COUNT] = {
    "medical",   "disability", "hrss",     "education", "health",   "death",   "justice",
    "emergency", "housing",    "property", "vehicle",   "business", "payroll", "fpm",
    "bank",      "union",      "veterans", "marriage",  "funeral",  "housing_fund",
    "pension",   "traffic"};
const char *const jz_dept_zh[JZ_DEPT_COUNT] = {
    "医保",     "残联",   "人社",   "教育",   "卫健",       "公安",   "司法",
    "应急",     "住建",   "不动产", "车管",   "市场监管",   "财政供养", "乡村振兴",
    "银行",     "工会",   "退役军人事务", "婚姻登记", "殡葬", "公积金",
    "养老金",   "道路交通事故"};

const char *const jz_event_names[JZ_EV_COUNT] = {"medical_settlement",
                                                 "premium_subsidy",
                                                 "disability_issued",
                                                 "disability_cancelled",
                                                 "unemployment_registered",
                                                 "unemployment_insurance",
                                                 "employment_registered",
                                                 "pension",
                                                 "school_enrolment",
                                                 "serious_illness",
                                                 "death",
                                                 "imprisoned",
                                                 "released",
                                                 "disaster_relief",
                                                 "housing_rating",
                                                 "property_registered",
                                                 "vehicle_registered",
                                                 "business_registered",
                                                 "housing_fund",
                                                 "government_payroll",
                                                 "fpm_listed",
                                                 "bank_deposit",
                                                 "union_hardship",
                                                 "veteran_hardship",
                                                 "marriage",
                                                 "divorce",
                                                 "funeral",
                                                 "pension_contribution",
                                                 "resident_pension",
                                                 "traffic_accident"};
const char *const jz_event_zh[JZ_EV_COUNT] = {
    "医疗费用结算",   "医保参保资助",     "残疾证核发",       "残疾证注销",
    "失业登记",       "领取失业保险金",   "就业登记",         "领取养老金",
    "入学",           "重特大疾病",       "死亡",             "服刑",
    "刑满释放",       "受灾救助",         "住房安全鉴定",     "不动产登记",
    "车辆登记",       "市场主体登记",     "缴存住房公积金",   "财政供养",
    "纳入防止返贫监测", "银行存款",       "工会困难职工建档", "困难退役军人",
    "结婚登记",       "离婚登记",         "殡葬（火化）",     "缴纳养老保险费",
    "领取城乡居民基础养老金", "道路交通事故受害"};

int jz_dept_find(const char *name)
{
    if (name == NULL)
        return -1;
    for (int d = 0; d < JZ_DEPT_COUNT; d++)
        if (strcmp(name, jz_dept_names[d]) == 0 || strcmp(name, jz_dept_zh[d]) == 0)
            return d;
    /* The combined departments before 殡葬 and 公积金 had layouts of their
     * own: their names still find the layouts their files have. */
    if (strcmp(name, "公安/殡葬") == 0)
        return JZ_DEPT_DEATH;
    if (strcmp(name, "公积金/财政供养") == 0)
        return JZ_DEPT_PAYROLL;
    return -1;
}

/* ---- the layouts of docs/feeds.md ---------------------------------------- */

#define MAX_COLS 6
/* Bytes of one quoted field; longer ones refuse their row (no valid value
 * comes near: the longest, a code, is JZ_FEED_TEXT_MAX - 1 bytes). */
#define FIELD_MAX 1024

enum { C_ID = 0, C_NAME = 1, C_3 = 2, C_4 = 3, C_5 = 4, C_6 = 5 };

typedef struct layout {
    const char *header;
    int ncols;
    const char *col[MAX_COLS]; /* as in the header */
    const char *zh[MAX_COLS];  /* for reasons (docs/feeds.md) */
} layout;

static const layout layouts[JZ_DEPT_COUNT] = {
    [JZ_DEPT_MEDICAL] = {"id_number,name,kind,date,total,out_of_pocket",
                         6,
                         {"id_number", "name", "kind", "date", "total", "out_of_pocket"},
                         {"身份证号码", "姓名", "类别", "日期", "总金额", "个人自付"}},
    [JZ_DEPT_DISABILITY] = {"id_number,name,category,grade,issue_date,cancel_date",
                            6,
                            {"id_number", "name", "category", "grade", "issue_date", "cancel_date"},
                            {"身份证号码", "姓名", "残疾类别", "残疾等级", "发证日期", "注销日期"}},
    [JZ_DEPT_HRSS] = {"id_number,name,kind,date,amount",
                      5,
                      {"id_number", "name", "kind", "date", "amount"},
                      {"身份证号码", "姓名", "类别", "日期", "金额"}},
    [JZ_DEPT_EDUCATION] = {"id_number,name,level,enrol_date",
                           4,
                           {"id_number", "name", "level", "enrol_date"},
                           {"身份证号码", "姓名", "学段", "入学日期"}},
    [JZ_DEPT_HEALTH] = {"id_number,name,illness,diagnosis_date",
                        4,
                        {"id_number", "name", "illness", "diagnosis_date"},
                        {"身份证号码", "姓名", "疾病名称", "确诊日期"}},
    [JZ_DEPT_DEATH] = {"id_number,name,death_date",
                       3,
                       {"id_number", "name", "death_date"},
                       {"身份证号码", "姓名", "死亡日期"}},
    [JZ_DEPT_JUSTICE] = {"id_number,name,kind,date",
                         4,
                         {"id_number", "name", "kind", "date"},
                         {"身份证号码", "姓名", "类别", "日期"}},
    [JZ_DEPT_EMERGENCY] = {"id_number,name,disaster,relief_date,amount",
                           5,
                           {"id_number", "name", "disaster", "relief_date", "amount"},
                           {"身份证号码", "姓名", "灾害", "救助日期", "救助金额"}},
    [JZ_DEPT_HOUSING] = {"id_number,name,rating,assessment_date",
                         4,
                         {"id_number", "name", "rating", "assessment_date"},
                         {"身份证号码", "姓名", "安全等级", "鉴定日期"}},
    [JZ_DEPT_PROPERTY] = {"id_number,name,property_type,registration_date",
                          4,
                          {"id_number", "name", "property_type", "registration_date"},
                          {"身份证号码", "姓名", "不动产类型", "登记日期"}},
    [JZ_DEPT_VEHICLE] = {"id_number,name,vehicle_type,registration_date",
                         4,
                         {"id_number", "name", "vehicle_type", "registration_date"},
                         {"身份证号码", "姓名", "车辆类型", "登记日期"}},
    [JZ_DEPT_BUSINESS] = {"id_number,name,business_name,registration_date",
                          4,
                          {"id_number", "name", "business_name", "registration_date"},
                          {"身份证号码", "姓名", "市场主体名称", "登记日期"}},
    [JZ_DEPT_PAYROLL] = {"id_number,name,kind,date,amount",
                         5,
                         {"id_number", "name", "kind", "date", "amount"},
                         {"身份证号码", "姓名", "类别", "日期", "金额"}},
    [JZ_DEPT_FPM] = {"id_number,name,listed_date",
                     3,
                     {"id_number", "name", "listed_date"},
                     {"身份证号码", "姓名", "纳入监测日期"}},
    [JZ_DEPT_BANK] = {"id_number,name,bank,balance_date,balance",
                      5,
                      {"id_number", "name", "bank", "balance_date", "balance"},
                      {"身份证号码", "姓名", "银行", "余额日期", "存款余额"}},
    [JZ_DEPT_UNION] = {"id_number,name,employer,registered_date",
                       4,
                       {"id_number", "name", "employer", "registered_date"},
                       {"身份证号码", "姓名", "工作单位", "建档日期"}},
    [JZ_DEPT_VETERANS] = {"id_number,name,difficulty,registered_date",
                          4,
                          {"id_number", "name", "difficulty", "registered_date"},
                          {"身份证号码", "姓名", "困难情形", "认定日期"}},
    [JZ_DEPT_MARRIAGE] = {"id_number,name,kind,registration_date",
                          4,
                          {"id_number", "name", "kind", "registration_date"},
                          {"身份证号码", "姓名", "类别", "登记日期"}},
    [JZ_DEPT_FUNERAL] = {"id_number,name,death_date,funeral_home",
                         4,
                         {"id_number", "name", "death_date", "funeral_home"},
                         {"身份证号码", "姓名", "死亡日期", "殡仪馆"}},
    [JZ_DEPT_HOUSING_FUND] = {"id_number,name,employer,deposit_date,monthly_deposit",
                              5,
                              {"id_number", "name", "employer", "deposit_date", "monthly_deposit"},
                              {"身份证号码", "姓名", "缴存单位", "缴存日期", "月缴存额"}},
    [JZ_DEPT_PENSION] = {"id_number,name,kind,date,monthly_amount",
                         5,
                         {"id_number", "name", "kind", "date", "monthly_amount"},
                         {"身份证号码", "姓名", "类别", "日期", "月金额"}},
    [JZ_DEPT_TRAFFIC] = {"id_number,name,accident_date,injury,advance",
                         5,
                         {"id_number", "name", "accident_date", "injury", "advance"},
                         {"身份证号码", "姓名", "事故日期", "伤亡情况", "垫付金额"}},
};

const char *jz_feed_header(jz_dept dept)
{
    return (unsigned)dept < JZ_DEPT_COUNT ? layouts[dept].header : "";
}

/* A kind column's values: code, event, Chinese (for reasons). */
typedef struct kind {
    const char *code;
    jz_event event;
    const char *zh;
} kind;

static const kind medical_kinds[] = {{"settlement", JZ_EV_MEDICAL_SETTLEMENT, "医疗费用结算"},
                                     {"premium_subsidy", JZ_EV_PREMIUM_SUBSIDY, "参保资助"},
                                     {NULL, JZ_EV_COUNT, NULL}};
static const kind hrss_kinds[] = {
    {"unemployment_registration", JZ_EV_UNEMPLOYMENT_REGISTERED, "失业登记"},
    {"unemployment_insurance", JZ_EV_UNEMPLOYMENT_INSURANCE, "领取失业保险金"},
    {"employment_registration", JZ_EV_EMPLOYMENT_REGISTERED, "就业登记"},
    {"pension", JZ_EV_PENSION, "领取养老金"},
    {NULL, JZ_EV_COUNT, NULL}};
static const kind justice_kinds[] = {{"imprisoned", JZ_EV_IMPRISONED, "服刑"},
                                     {"released", JZ_EV_RELEASED, "刑满释放"},
                                     {NULL, JZ_EV_COUNT, NULL}};
/* housing_fund stays for files of the old combined 公积金/财政供养 layout;
 * 公积金 has a layout of its own now. */
static const kind payroll_kinds[] = {{"housing_fund", JZ_EV_HOUSING_FUND, "缴存住房公积金"},
                                     {"government_payroll", JZ_EV_GOVERNMENT_PAYROLL, "财政供养"},
                                     {NULL, JZ_EV_COUNT, NULL}};
static const kind marriage_kinds[] = {{"marriage", JZ_EV_MARRIAGE, "结婚登记"},
                                      {"divorce", JZ_EV_DIVORCE, "离婚登记"},
                                      {NULL, JZ_EV_COUNT, NULL}};
static const kind pension_kinds[] = {
    {"employee_pension", JZ_EV_PENSION, "领取职工基本养老金"},
    {"resident_pension", JZ_EV_RESIDENT_PENSION, "领取城乡居民基础养老金"},
    {"contribution", JZ_EV_PENSION_CONTRIBUTION, "缴纳养老保险费"},
    {NULL, JZ_EV_COUNT, NULL}};
/* The injury of a traffic accident's victim: a code of the row, not an
 * event of its own. */
static const kind injury_kinds[] = {{"injured", JZ_EV_TRAFFIC_ACCIDENT, "受伤"},
                                    {"killed", JZ_EV_TRAFFIC_ACCIDENT, "死亡"},
                                    {NULL, JZ_EV_COUNT, NULL}};

/* ---- the reader ---------------------------------------------------------- */

struct jz_feed_reader {
    jz_dept dept;
    const layout *lay;
    const char *text;
    size_t len;
    size_t pos; /* where the next record starts */
    long line;  /* the physical line at pos */
    char *name; /* labels errors */
    /* the current record */
    long rec_line;
    size_t rec_start, rec_end; /* its bytes, without the line end */
    const char *f[MAX_COLS];   /* its fields (not trimmed), unquoted */
    size_t fn[MAX_COLS];
    char quoted[MAX_COLS][FIELD_MAX];
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static void trim(const char **p, size_t *n)
{
    const char *s = *p;
    size_t k = *n;
    while (k > 0 && is_space(s[0])) {
        s++;
        k--;
    }
    while (k > 0 && is_space(s[k - 1]))
        k--;
    *p = s;
    *n = k;
}

/* The longest prefix of (s, n) of at most max bytes that ends on a UTF-8
 * character boundary. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* Length of the line at p (up to CR, LF or the end). */
static size_t line_len(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] != '\n' && p[i] != '\r')
        i++;
    return i;
}

jz_err jz_feed_reader_new(jz_dept dept, const char *text, size_t len, const char *name,
                          jz_feed_reader **out, jz_error *err)
{
    *out = NULL;
    if (name == NULL)
        name = "";
    jz_error_clear(err);
    if ((unsigned)dept >= JZ_DEPT_COUNT) {
        jz_error_set(err, JZ_EUSAGE, NULL, NULL, "未知的部门（%d）", (int)dept);
        jz_error_set_source(err, name, 0);
        return JZ_EUSAGE;
    }
    if (text == NULL) {
        text = "";
        len = 0;
    }

    /* The encoding: the caller has the whole text, so all of it is checked
     * (a GBK name on the millionth row refuses the file, not that row). */
    jz_encoding enc = jz_encoding_detect(text, len);
    if (enc != JZ_ENC_UTF8 && enc != JZ_ENC_UTF8_BOM)
        return jz_encoding_refuse_text(err, name, text, len, NULL); /* which byte, and why */
    size_t pos = enc == JZ_ENC_UTF8_BOM ? 3 : 0;

    /* The header: exactly the layout's line. */
    const layout *lay = &layouts[dept];
    size_t hn = line_len(text + pos, len - pos), want = strlen(lay->header);
    if (pos == len) {
        jz_error_set(err, JZ_EINPUT, NULL, NULL, "文件为空：第一行应为%s数据的表头 %s",
                     jz_dept_zh[dept], lay->header);
        jz_error_set_source(err, name, 1);
        return JZ_EINPUT;
    }
    if (hn != want || memcmp(text + pos, lay->header, want) != 0) {
        char hint[160] = "";
        for (int d = 0; d < JZ_DEPT_COUNT; d++) {
            if (d != (int)dept && strlen(layouts[d].header) == hn &&
                memcmp(text + pos, layouts[d].header, hn) == 0) {
                snprintf(hint, sizeof hint, "，是%s（%s）数据的表头：选错了部门？", jz_dept_zh[d],
                         jz_dept_names[d]);
                break;
            }
        }
        size_t shown = utf8_cut(text + pos, hn, 80);
        jz_error_setn(err, JZ_EINPUT, NULL, text + pos, hn,
                      "表头不符：%s（%s）数据的第一行应为 %s；实际为“%.*s%s”%s", jz_dept_zh[dept],
                      jz_dept_names[dept], lay->header, (int)shown, text + pos,
                      shown < hn ? "…" : "", hint);
        jz_error_set_source(err, name, 1);
        return JZ_EINPUT;
    }
    pos += hn;
    if (pos < len && text[pos] == '\r')
        pos++;
    if (pos < len && text[pos] == '\n')
        pos++;

    jz_feed_reader *r = malloc(sizeof *r);
    size_t name_len = strlen(name);
    char *name_copy = malloc(name_len + 1);
    if (r == NULL || name_copy == NULL) {
        free(r);
        free(name_copy);
        jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        jz_error_set_source(err, name, 0);
        return JZ_ENOMEM;
    }
    memcpy(name_copy, name, name_len + 1);
    r->dept = dept;
    r->lay = lay;
    r->text = text;
    r->len = len;
    r->pos = pos;
    r->line = 2;
    r->name = name_copy;
    r->rec_line = 0;
    r->rec_start = r->rec_end = pos;
    for (int i = 0; i < MAX_COLS; i++) {
        r->f[i] = NULL;
        r->fn[i] = 0;
    }
    *out = r;
    return JZ_OK;
}

void jz_feed_reader_free(jz_feed_reader *r)
{
    if (r == NULL)
        return;
    free(r->name);
    free(r);
}

/* ---- splitting records --------------------------------------------------- */

enum rec_status { REC_EOF, REC_OK, REC_BLANK };

/* What is wrong with a record's form, if anything (the first problem). */
typedef struct rec_info {
    size_t nfields;
    int unclosed_col; /* a quote not closed before the end of the text, -1 */
    int junk_col;     /* characters after a closing quote, -1 */
    int long_col;     /* a quoted field over FIELD_MAX bytes, -1 */
} rec_info;

/* Splits the record at r->pos into r->f/r->fn and advances past it. */
static enum rec_status split_record(jz_feed_reader *r, rec_info *ri)
{
    const char *t = r->text;
    size_t len = r->len, pos = r->pos;
    int ncols = r->lay->ncols;
    bool blank = true;

    if (pos >= len)
        return REC_EOF;
    ri->nfields = 0;
    ri->unclosed_col = ri->junk_col = ri->long_col = -1;
    r->rec_line = r->line;
    r->rec_start = pos;

    for (;;) {
        int col = ri->nfields < (size_t)ncols ? (int)ri->nfields : -1;
        const char *v;
        size_t vn;

        if (pos < len && t[pos] == '"') {
            char *buf = col >= 0 ? r->quoted[col] : NULL;
            size_t o = 0;
            bool closed = false;
            pos++;
            while (pos < len) {
                char c = t[pos];
                if (c == '"') {
                    if (pos + 1 < len && t[pos + 1] == '"') {
                        pos += 2;
                    } else {
                        pos++;
                        closed = true;
                        break;
                    }
                } else {
                    if (c == '\n' || (c == '\r' && (pos + 1 >= len || t[pos + 1] != '\n')))
                        r->line++;
                    pos++;
                }
                if (buf != NULL) {
                    if (o < FIELD_MAX)
                        buf[o++] = c;
                    else if (ri->long_col < 0)
                        ri->long_col = col;
                }
            }
            if (!closed && ri->unclosed_col < 0)
                ri->unclosed_col = col >= 0 ? col : ncols;
            /* Spaces may follow the closing quote; anything else is junk,
             * read up to the end of the field and refused. */
            while (pos < len && is_space(t[pos]))
                pos++;
            if (pos < len && t[pos] != ',' && t[pos] != '\n' && t[pos] != '\r') {
                if (ri->junk_col < 0)
                    ri->junk_col = col >= 0 ? col : ncols;
                while (pos < len && t[pos] != ',' && t[pos] != '\n' && t[pos] != '\r')
                    pos++;
            }
            v = buf;
            vn = o;
            blank = blank && o == 0 && closed && ri->junk_col < 0;
        } else {
            size_t start = pos;
            while (pos < len && t[pos] != ',' && t[pos] != '\n' && t[pos] != '\r')
                pos++;
            v = t + start;
            vn = pos - start;
            if (blank) {
                const char *tp = v;
                size_t tn = vn;
                trim(&tp, &tn);
                blank = tn == 0;
            }
        }
        if (col >= 0) {
            r->f[col] = v;
            r->fn[col] = vn;
        }
        ri->nfields++;

        if (pos < len && t[pos] == ',') {
            pos++;
            continue;
        }
        r->rec_end = pos;
        if (pos < len) { /* a line end */
            if (t[pos] == '\r' && pos + 1 < len && t[pos + 1] == '\n')
                pos++;
            pos++;
            r->line++;
        }
        break;
    }
    r->pos = pos;
    return blank ? REC_BLANK : REC_OK;
}

/* ---- checking fields ----------------------------------------------------- */

/* Refuses the current row: field names the column (NULL: none), value is
 * the offending text. */
static jz_err vrefuse(const jz_feed_reader *r, jz_error *err, const char *fieldname,
                      const char *value, size_t value_len, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

static jz_err vrefuse(const jz_feed_reader *r, jz_error *err, const char *fieldname,
                      const char *value, size_t value_len, const char *fmt, va_list ap)
{
    char reason[JZ_ERR_REASON_MAX];
    vsnprintf(reason, sizeof reason, fmt, ap);
    jz_error_clear(err);
    jz_error_setn(err, JZ_EINPUT, fieldname, value, value_len, "%s", reason);
    jz_error_set_source(err, r->name, r->rec_line);
    return JZ_EINPUT;
}

/* Refuses the current row for column col, its value as the value. */
static jz_err refuse(const jz_feed_reader *r, jz_error *err, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static jz_err refuse(const jz_feed_reader *r, jz_error *err, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jz_err rc = vrefuse(r, err, r->lay->col[col], r->f[col], r->fn[col], fmt, ap);
    va_end(ap);
    return rc;
}

/* Refuses the current row for its form, the record as written as the value;
 * col names the column where the problem is (-1: none). */
static jz_err refuse_record(const jz_feed_reader *r, jz_error *err, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static jz_err refuse_record(const jz_feed_reader *r, jz_error *err, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jz_err rc = vrefuse(r, err, col >= 0 && col < r->lay->ncols ? r->lay->col[col] : NULL,
                        r->text + r->rec_start, r->rec_end - r->rec_start, fmt, ap);
    va_end(ap);
    return rc;
}

/* A helper's reason, prefixed with the column's label unless it starts with
 * it already ("日期不存在" for 日期, "死亡日期：日期不存在" for 死亡日期). */
static jz_err refuse_helper(const jz_feed_reader *r, jz_error *err, int col, const char *reason,
                            const char *suffix)
{
    const char *zh = r->lay->zh[col];
    if (strncmp(reason, zh, strlen(zh)) == 0)
        return refuse(r, err, col, "%s%s", reason, suffix);
    return refuse(r, err, col, "%s：%s%s", zh, reason, suffix);
}

/* The trimmed value of column col. */
static void field(const jz_feed_reader *r, int col, const char **p, size_t *n)
{
    *p = r->f[col];
    *n = r->fn[col];
    trim(p, n);
}


/* A text column into out (cap bytes with the terminator): non-empty, one
 * line, fits. */
static jz_err get_text(const jz_feed_reader *r, int col, char *out, size_t cap, jz_error *err)
{
    const char *p;
    size_t n;
    field(r, col, &p, &n);
    if (n == 0)
        return refuse(r, err, col, "%s不能为空", r->lay->zh[col]);
    if (n >= cap)
        return refuse(r, err, col, "%s过长：%zu 字节，最多 %zu 字节（UTF-8，一个汉字 3 字节）",
                      r->lay->zh[col], n, cap - 1);
    /* The one check of text people read (jz_encoding.h), as for records. */
    uint32_t cp;
    if (jz_text_find_unsafe(p, n, &cp) >= 0) {
        char why[JZ_ERR_REASON_MAX / 2];
        jz_text_unsafe_reason(cp, why, sizeof why);
        return refuse(r, err, col, "%s%s", r->lay->zh[col], why);
    }
    memcpy(out, p, n);
    out[n] = '\0';
    return JZ_OK;
}

static jz_err get_date(const jz_feed_reader *r, int col, jz_date *out, jz_error *err)
{
    const char *p;
    size_t n;
    jz_error tmp;
    field(r, col, &p, &n);
    if (n == 0)
        return refuse(r, err, col, "%s不能为空（格式 YYYY-MM-DD）", r->lay->zh[col]);
    jz_error_clear(&tmp);
    if (jz_date_parse(p, n, out, &tmp) != JZ_OK)
        return refuse_helper(r, err, col, tmp.reason, "");
    return JZ_OK;
}

/* An amount in yuan into fen; an empty one is 0 unless required. */
static jz_err get_amount(const jz_feed_reader *r, int col, bool required, jz_fen *out,
                         jz_error *err)
{
    const char *p;
    size_t n;
    jz_error tmp;
    field(r, col, &p, &n);
    *out = 0;
    if (n == 0) {
        if (required)
            return refuse(r, err, col, "%s不能为空", r->lay->zh[col]);
        return JZ_OK;
    }
    jz_error_clear(&tmp);
    if (jz_money_parse(p, n, out, &tmp) != JZ_OK)
        return refuse_helper(r, err, col, tmp.reason, "（以元为单位，如 1234.50）");
    return JZ_OK;
}

static bool field_is(const char *p, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(p, s, n) == 0;
}

/* A kind column: the matching entry, or NULL after refusing the row. */
static const kind *get_kind(const jz_feed_reader *r, int col, const kind *kinds, jz_error *err)
{
    const char *p;
    size_t n;
    field(r, col, &p, &n);
    /* The code, or the Chinese name people read here and in docs/feeds.md. */
    for (const kind *k = kinds; k->code != NULL; k++)
        if (field_is(p, n, k->code) || field_is(p, n, k->zh))
            return k;
    char list[JZ_ERR_REASON_MAX];
    size_t o = 0;
    list[0] = '\0';
    for (const kind *k = kinds; k->code != NULL && o < sizeof list; k++) {
        int w = snprintf(list + o, sizeof list - o, "%s%s（%s）", k == kinds ? "" : "、", k->code,
                         k->zh);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    refuse(r, err, col, n == 0 ? "%s不能为空：应为 %s" : "未知的%s：应为 %s", r->lay->zh[col],
           list);
    return NULL;
}

/* An enumeration of jz_household.h (names[first .. count)), as its code or
 * the Chinese label the household CSV import accepts (jz_csv_label_code:
 * 智力, 小学...): its index, or -1 after refusing the row. */
static int get_enum(const jz_feed_reader *r, int col, const char *const *names, int first,
                    int count, jz_csv_labels labels, jz_error *err)
{
    const char *p;
    size_t n;
    field(r, col, &p, &n);
    const char *code = jz_csv_label_code(labels, p, n);
    for (int i = first; i < count; i++)
        if (field_is(p, n, names[i]) || (code != NULL && strcmp(code, names[i]) == 0))
            return i;
    char list[JZ_ERR_REASON_MAX];
    size_t o = 0;
    list[0] = '\0';
    for (int i = first; i < count && o < sizeof list; i++) {
        const char *zh = jz_csv_label_zh(labels, names[i]);
        int w = snprintf(list + o, sizeof list - o, "%s%s%s%s%s", i == first ? "" : "、",
                         names[i], zh ? "（" : "", zh ? zh : "", zh ? "）" : "");
        if (w < 0)
            break;
        o += (size_t)w;
    }
    refuse(r, err, col, n == 0 ? "%s不能为空：应为 %s 之一" : "未知的%s：应为 %s 之一",
           r->lay->zh[col], list);
    return -1;
}

/* The common columns: id_number and name. */
static jz_err get_person(const jz_feed_reader *r, jz_feed_row *row, jz_error *err)
{
    const char *p;
    size_t n;
    jz_error tmp;
    field(r, C_ID, &p, &n);
    if (n == 0)
        return refuse(r, err, C_ID, "身份证号码不能为空");
    jz_error_clear(&tmp);
    if (jz_idnum_normalize(p, n, row->id, &tmp) != JZ_OK)
        return refuse(r, err, C_ID, "%s", tmp.reason);
    return get_text(r, C_NAME, row->name, sizeof row->name, err);
}

/* ---- the departments ----------------------------------------------------- */

static jz_err row_medical(const jz_feed_reader *r, jz_feed_row *row, jz_error *err)
{
    const kind *k = get_kind(r, C_3, medical_kinds, err);
    jz_fen total, oop;
    jz_err rc;
    if (k == NULL)
        return JZ_EINPUT;
    row->event = (uint8_t)k->event;
    if ((rc = get_date(r, C_4, &row->date, err)) != JZ_OK ||
        (rc = get_amount(r, C_5, true, &total, err)) != JZ_OK)
        return rc;
    if (k->event == JZ_EV_MEDICAL_SETTLEMENT) {
        if ((rc = get_amount(r, C_6, true, &oop, err)) != JZ_OK)
            return rc;
        if (oop > total) {
            char a[JZ_MONEY_BUF], b[JZ_MONEY_BUF];
            jz_money_format(oop, a, sizeof a);
            jz_money_format(total, b, sizeof b);
            return refuse(r, err, C_6, "个人自付 %s 元大于总金额 %s 元", a, b);
        }
        row->amount = oop;
    } else {
        if ((rc = get_amount(r, C_6, false, &oop, err)) != JZ_OK)
            return rc;
        if (oop != 0)
            return refuse(r, err, C_6,
                          "参保资助（premium_subsidy）的行没有个人自付：应为 0 或留空");
        row->amount = total;
    }
    return JZ_OK;
}

static jz_err row_disability(const jz_feed_reader *r, jz_feed_row *row, jz_error *err)
{
    int cat = get_enum(r, C_3, jz_disability_names, JZ_DIS_NONE + 1, JZ_DIS_COUNT,
                       JZ_LABELS_DISABILITY, err);
    const char *p;
    size_t n;
    jz_date issue, cancel = JZ_DATE_NONE;
    jz_err rc;
    if (cat < 0)
        return JZ_EINPUT;
    snprintf(row->code, sizeof row->code, "%s", jz_disability_names[cat]);
    field(r, C_4, &p, &n);
    if (n != 1 || p[0] < '1' || p[0] > '4')
        return refuse(r, err, C_4, "残疾等级应为 1、2、3 或 4（一级至四级）");
    row->level = p[0] - '0';
    if ((rc = get_date(r, C_5, &issue, err)) != JZ_OK)
        return rc;
    field(r, C_6, &p, &n);
    if (n == 0) {
        row->event = JZ_EV_DISABILITY_ISSUED;
        row->date = issue;
        return JZ_OK;
    }
    if ((rc = get_date(r, C_6, &cancel, err)) != JZ_OK)
        return rc;
    if (cancel < issue) {
        char a[JZ_DATE_BUF];
        jz_date_format(issue, a, sizeof a);
        return refuse(r, err, C_6, "注销日期早于发证日期 %s", a);
    }
    row->event = JZ_EV_DISABILITY_CANCELLED;
    row->date = cancel;
    return JZ_OK;
}

/* kind, date, amount (hrss, payroll). */
static jz_err row_kind_amount(const jz_feed_reader *r, const kind *kinds, bool required,
                              jz_feed_row *row, jz_error *err)
{
    const kind *k = get_kind(r, C_3, kinds, err);
    jz_err rc;
    if (k == NULL)
        return JZ_EINPUT;
    row->event = (uint8_t)k->event;
    if ((rc = get_date(r, C_4, &row->date, err)) != JZ_OK)
        return rc;
    return get_amount(r, C_5, required, &row->amount, err);
}

/* code, date (health, property, vehicle, business). */
static jz_err row_code_date(const jz_feed_reader *r, jz_event ev, jz_feed_row *row, jz_error *err)
{
    jz_err rc;
    row->event = (uint8_t)ev;
    if ((rc = get_text(r, C_3, row->code, sizeof row->code, err)) != JZ_OK)
        return rc;
    return get_date(r, C_4, &row->date, err);
}

static jz_err check_row(const jz_feed_reader *r, jz_feed_row *row, jz_error *err)
{
    jz_err rc = get_person(r, row, err);
    if (rc != JZ_OK)
        return rc;
    switch (r->dept) {
    case JZ_DEPT_MEDICAL:
        return row_medical(r, row, err);
    case JZ_DEPT_DISABILITY:
        return row_disability(r, row, err);
    case JZ_DEPT_HRSS:
        return row_kind_amount(r, hrss_kinds, false, row, err);
    case JZ_DEPT_EDUCATION: {
        int lv = get_enum(r, C_3, jz_student_level_names, JZ_STU_NONE + 1, JZ_STU_COUNT,
                          JZ_LABELS_STUDENT, err);
        if (lv < 0)
            return JZ_EINPUT;
        row->event = JZ_EV_SCHOOL_ENROLMENT;
        snprintf(row->code, sizeof row->code, "%s", jz_student_level_names[lv]);
        return get_date(r, C_4, &row->date, err);
    }
    case JZ_DEPT_HEALTH:
        return row_code_date(r, JZ_EV_SERIOUS_ILLNESS, row, err);
    case JZ_DEPT_DEATH:
        row->event = JZ_EV_DEATH;
        return get_date(r, C_3, &row->date, err);
    case JZ_DEPT_JUSTICE: {
        const kind *k = get_kind(r, C_3, justice_kinds, err);
        if (k == NULL)
            return JZ_EINPUT;
        row->event = (uint8_t)k->event;
        return get_date(r, C_4, &row->date, err);
    }
    case JZ_DEPT_EMERGENCY:
        row->event = JZ_EV_DISASTER_RELIEF;
        if ((rc = get_text(r, C_3, row->code, sizeof row->code, err)) != JZ_OK ||
            (rc = get_date(r, C_4, &row->date, err)) != JZ_OK ||
            (rc = get_amount(r, C_5, true, &row->amount, err)) != JZ_OK)
            return rc;
        if (row->amount == 0)
            return refuse(r, err, C_5, "救助金额应大于 0");
        return JZ_OK;
    case JZ_DEPT_HOUSING: {
        const char *p;
        size_t n;
        field(r, C_3, &p, &n);
        if (n != 1 || p[0] < 'A' || p[0] > 'D')
            return refuse(r, err, C_3, "房屋安全等级应为 A、B、C 或 D（大写；C、D 为危房）");
        row->event = JZ_EV_HOUSING_RATING;
        row->code[0] = p[0];
        row->code[1] = '\0';
        return get_date(r, C_4, &row->date, err);
    }
    case JZ_DEPT_PROPERTY:
        return row_code_date(r, JZ_EV_PROPERTY_REGISTERED, row, err);
    case JZ_DEPT_VEHICLE:
        return row_code_date(r, JZ_EV_VEHICLE_REGISTERED, row, err);
    case JZ_DEPT_BUSINESS:
        return row_code_date(r, JZ_EV_BUSINESS_REGISTERED, row, err);
    case JZ_DEPT_PAYROLL:
        return row_kind_amount(r, payroll_kinds, true, row, err);
    case JZ_DEPT_FPM:
        row->event = JZ_EV_FPM_LISTED;
        return get_date(r, C_3, &row->date, err);
    case JZ_DEPT_BANK:
        /* A balance of 0 is a fact (an emptied account), not a missing one. */
        row->event = JZ_EV_BANK_DEPOSIT;
        if ((rc = get_text(r, C_3, row->code, sizeof row->code, err)) != JZ_OK ||
            (rc = get_date(r, C_4, &row->date, err)) != JZ_OK)
            return rc;
        return get_amount(r, C_5, true, &row->amount, err);
    case JZ_DEPT_UNION:
        return row_code_date(r, JZ_EV_UNION_HARDSHIP, row, err);
    case JZ_DEPT_VETERANS:
        return row_code_date(r, JZ_EV_VETERAN_HARDSHIP, row, err);
    case JZ_DEPT_MARRIAGE: {
        const kind *k = get_kind(r, C_3, marriage_kinds, err);
        if (k == NULL)
            return JZ_EINPUT;
        row->event = (uint8_t)k->event;
        return get_date(r, C_4, &row->date, err);
    }
    case JZ_DEPT_FUNERAL:
        /* Dated by the death it records: the same death as 公安's row. */
        row->event = JZ_EV_FUNERAL;
        if ((rc = get_date(r, C_3, &row->date, err)) != JZ_OK)
            return rc;
        return get_text(r, C_4, row->code, sizeof row->code, err);
    case JZ_DEPT_HOUSING_FUND:
        row->event = JZ_EV_HOUSING_FUND;
        if ((rc = get_text(r, C_3, row->code, sizeof row->code, err)) != JZ_OK ||
            (rc = get_date(r, C_4, &row->date, err)) != JZ_OK ||
            (rc = get_amount(r, C_5, true, &row->amount, err)) != JZ_OK)
            return rc;
        if (row->amount == 0)
            return refuse(r, err, C_5, "月缴存额应大于 0");
        return JZ_OK;
    case JZ_DEPT_PENSION:
        if ((rc = row_kind_amount(r, pension_kinds, true, row, err)) != JZ_OK)
            return rc;
        if (row->amount == 0)
            return refuse(r, err, C_5, "月金额应大于 0");
        return JZ_OK;
    case JZ_DEPT_TRAFFIC: {
        row->event = JZ_EV_TRAFFIC_ACCIDENT;
        if ((rc = get_date(r, C_3, &row->date, err)) != JZ_OK)
            return rc;
        const kind *k = get_kind(r, C_4, injury_kinds, err);
        if (k == NULL)
            return JZ_EINPUT;
        snprintf(row->code, sizeof row->code, "%s", k->code);
        return get_amount(r, C_5, false, &row->amount, err);
    }
    case JZ_DEPT_COUNT:
        break;
    }
    return refuse_record(r, err, -1, "未知的部门");
}

jz_err jz_feed_next(jz_feed_reader *r, jz_feed_row *row, jz_error *err)
{
    rec_info ri;
    enum rec_status st;

    do
        st = split_record(r, &ri);
    while (st == REC_BLANK);
    if (st == REC_EOF)
        return JZ_EOF;

    memset(row, 0, sizeof *row);
    row->dept = (uint8_t)r->dept;
    row->line = r->rec_line;

    const layout *lay = r->lay;
    if (ri.unclosed_col >= 0)
        return refuse_record(r, err, ri.unclosed_col,
                             "引号没有闭合：从这个字段起到文件末尾都被当作一个字段，后面的行"
                             "都没有读取；请补上结束引号（字段中的引号要写成两个 \"\"）");
    if (ri.junk_col >= 0)
        return refuse_record(r, err, ri.junk_col,
                             "引号用法有误：结束引号后还有其他字符（字段中的引号要写成两个 \"\"，"
                             "整个字段再用引号括起来）");
    if (ri.nfields != (size_t)lay->ncols)
        return refuse_record(r, err, -1, "字段数不对：应为 %d 个（%s），实际 %zu 个", lay->ncols,
                             lay->header, ri.nfields);
    if (ri.long_col >= 0)
        return refuse(r, err, ri.long_col, "%s过长：超过 %d 字节", lay->zh[ri.long_col], FIELD_MAX);
    return check_row(r, row, err);
}
