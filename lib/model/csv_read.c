/*
 * csv_read.c - reads a set of CSV files in the layout of docs/csv-import.md
 * and gives each household as a validated record in JSON (jz_csv.h).
 *
 * How it works.  jz_csv_open reads each file whole, converts GB18030 to
 * UTF-8, and lets libcsv split it into cells (quoting, embedded commas and
 * line breaks, CRLF).  Cells are kept NUL-separated in one arena per file
 * with a small row record (arena offset, line, cell count), so memory is
 * about the size of the files.  The header row tells which table a file is.
 * Rows of the other tables are then grouped by household with one hash
 * lookup per row and a counting sort, so that jz_csv_next finds a
 * household's members, income, expenses and assets without scanning:
 * everything is O(rows).
 *
 * jz_csv_next builds the household's record as a jansson tree, mapping the
 * cells (Chinese labels, booleans, integers, supporters) on the way, then
 * serialises it and lets jz_household_parse, the one validator of records,
 * judge it.  Problems are reported in the terms of the files, not of JSON:
 * a small source map (which row made the household, each member, each
 * income or expense item, each assets object; which column makes which
 * JSON field) turns a field path like "members[1].income[0].amount" back
 * into file, line and column.  jz_household_parse stops at the first
 * problem, so to report all of them the offending field is neutralised
 * (removed, or replaced by a harmless value) and the record parsed again, a
 * bounded number of times; the record is rejected in any case, so nothing
 * neutralised is ever imported.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <jansson.h>

#include "jiuzhu/jz_csv.h"
#include "jiuzhu/jz_encoding.h"
#include "jiuzhu/jz_idnum.h"

/* ---- the layout of docs/csv-import.md ----------------------------------- */

typedef struct label {
    const char *zh;
    const char *code;
} label;

/* An enumeration: its codes (jz_household.h, index = value), the first
 * code a record may use, and the Chinese labels of docs/csv-import.md. */
typedef struct enumdef {
    const char *const *names;
    int count;
    int first;
    const label *labels; /* ends with {NULL, NULL} */
} enumdef;

static const label area_labels[] = {{"城市", "urban"}, {"农村", "rural"}, {NULL, NULL}};
static const label relation_labels[] = {{"户主", "head"},
                                        {"配偶", "spouse"},
                                        {"子女", "child"},
                                        {"父母", "parent"},
                                        {"祖父母", "grandparent"},
                                        {"外祖父母", "grandparent"},
                                        {"孙子女", "grandchild"},
                                        {"外孙子女", "grandchild"},
                                        {"兄弟姐妹", "sibling"},
                                        {"其他", "other"},
                                        {NULL, NULL}};
static const label presence_labels[] = {{"在家", "present"},
                                        {"服刑", "prison"},
                                        {"强制隔离戒毒", "detox"},
                                        {"失踪", "missing"},
                                        {"宗教教职人员", "religious_away"},
                                        {NULL, NULL}};
static const label employment_labels[] = {{"就业", "employed"},    {"失业", "unemployed"},
                                          {"在校学生", "student"}, {"退休", "retired"},
                                          {"无业", "none"},        {NULL, NULL}};
static const label hardship_labels[] = {{"公共卫生事件", "epidemic"},
                                        {"灾情", "disaster"},
                                        {"火灾", "fire"},
                                        {"意外事故", "accident"},
                                        {"突发重大疾病", "sudden_illness"},
                                        {"教育支出", "education_cost"},
                                        {"医疗支出", "medical_cost"},
                                        {NULL, NULL}};
static const label disability_labels[] = {
    {"视力", "vision"},       {"听力", "hearing"}, {"言语", "speech"},   {"肢体", "limb"},
    {"智力", "intellectual"}, {"精神", "mental"},  {"多重", "multiple"}, {NULL, NULL}};
static const label student_labels[] = {{"入托", "nursery"},        {"幼儿园", "kindergarten"},
                                       {"小学", "primary"},        {"初中", "junior"},
                                       {"高中", "senior"},         {"中职", "vocational"},
                                       {"专科", "college"},        {"本科", "undergraduate"},
                                       {"研究生", "postgraduate"}, {NULL, NULL}};
static const label supporter_labels[] = {{"有能力", "able"},
                                         {"特困", "tekun"},
                                         {"六十岁以上低保", "dibao_elderly"},
                                         {"七十岁以上低收入", "elderly_low_income"},
                                         {"重度残疾低收入", "severe_disability_low_income"},
                                         {"无民事行为能力", "no_capacity"},
                                         {"失踪", "missing"},
                                         {"服刑", "imprisoned"},
                                         {NULL, NULL}};
static const label programme_labels[] = {{"低保", "dibao"},
                                         {"支出型低保", "dibao_expenditure"},
                                         {"低保边缘", "marginal"},
                                         {"刚性支出困难", "rigid_expenditure"},
                                         {NULL, NULL}};
/* A person's own enrolment now (members' current_programme). */
static const label member_programme_labels[] = {
    {"特困", "tekun"}, {"特困人员", "tekun"}, {"单人保", "single_dibao"}, {NULL, NULL}};
static const label income_labels[] = {{"工资", "wage"},
                                      {"经营净收入", "business_net"},
                                      {"财产净收入", "property_net"},
                                      {"养老金", "pension"},
                                      {"失业保险金", "unemployment_benefit"},
                                      {"赡养费", "alimony"},
                                      {"赡养抚养扶养费", "support_received"},
                                      {"兄弟姐妹供养", "support_from_sibling"},
                                      {"老人供养", "support_from_elderly"},
                                      {"赔偿", "compensation"},
                                      {"捐赠", "donation"},
                                      {"其他", "other"},
                                      {"优待抚恤金", "special_care"},
                                      {"计划生育奖扶金", "family_planning"},
                                      {"奖学金", "scholarship"},
                                      {"见义勇为奖励", "heroism_award"},
                                      {"社会救助", "assistance"},
                                      {"基础养老金", "basic_pension"},
                                      {"高龄津贴", "elderly_allowance"},
                                      {NULL, NULL}};
static const label expense_labels[] = {{"医疗", "medical"},   {"康复", "rehab"}, {"护理", "care"},
                                       {"教育", "education"}, {"其他", "other"}, {NULL, NULL}};

/* hardship_cause starts at 1: "none" is not a value of the record (empty
 * means none).  current_programme may say none, as the record may. */
static const enumdef e_area = {jz_area_names, JZ_AREA_COUNT, 0, area_labels};
static const enumdef e_relation = {jz_relation_names, JZ_REL_COUNT, 0, relation_labels};
static const enumdef e_presence = {jz_presence_names, JZ_PRES_COUNT, 0, presence_labels};
static const enumdef e_employment = {jz_employment_names, JZ_EMP_COUNT, 0, employment_labels};
static const enumdef e_hardship = {jz_hardship_names, JZ_HARD_COUNT, 1, hardship_labels};
static const enumdef e_disability = {jz_disability_names, JZ_DIS_COUNT, 1, disability_labels};
static const enumdef e_student = {jz_student_level_names, JZ_STU_COUNT, 1, student_labels};
static const enumdef e_supporter = {jz_supporter_names, JZ_SUP_COUNT, 0, supporter_labels};
static const enumdef e_programme = {jz_programme_names, JZ_PROG_COUNT, 0, programme_labels};
static const enumdef e_member_programme = {jz_member_programme_names, JZ_MPROG_COUNT, 0,
                                           member_programme_labels};
static const enumdef e_income = {jz_income_kind_names, JZ_INC_COUNT, 0, income_labels};
static const enumdef e_expense = {jz_expense_kind_names, JZ_EXP_COUNT, 0, expense_labels};

static const enumdef *const shared_labels[JZ_LABELS_COUNT] = {
    [JZ_LABELS_AREA] = &e_area,           [JZ_LABELS_RELATION] = &e_relation,
    [JZ_LABELS_PRESENCE] = &e_presence,   [JZ_LABELS_EMPLOYMENT] = &e_employment,
    [JZ_LABELS_HARDSHIP] = &e_hardship,   [JZ_LABELS_DISABILITY] = &e_disability,
    [JZ_LABELS_STUDENT] = &e_student,     [JZ_LABELS_SUPPORTER] = &e_supporter,
    [JZ_LABELS_PROGRAMME] = &e_programme, [JZ_LABELS_INCOME] = &e_income,
    [JZ_LABELS_EXPENSE] = &e_expense};

const char *jz_csv_label_code(jz_csv_labels which, const char *text, size_t n)
{
    if ((unsigned)which >= JZ_LABELS_COUNT || text == NULL)
        return NULL;
    for (const label *l = shared_labels[which]->labels; l->zh != NULL; l++)
        if (strlen(l->zh) == n && memcmp(text, l->zh, n) == 0)
            return l->code;
    return NULL;
}

const char *jz_csv_label_zh(jz_csv_labels which, const char *code)
{
    if ((unsigned)which >= JZ_LABELS_COUNT || code == NULL)
        return NULL;
    for (const label *l = shared_labels[which]->labels; l->zh != NULL; l++)
        if (strcmp(l->code, code) == 0)
            return l->zh;
    return NULL;
}

/* How a column's cell becomes JSON. */
enum ctype {
    C_REF,        /* household_id / member_id of a child table: links, no JSON */
    C_STR,        /* a string as written (the validator checks dates, amounts...) */
    C_ID,         /* the member's ID number: normalised to 18 characters */
    C_ENUM,       /* a code or its Chinese label */
    C_BOOL,       /* 是/否, true/false, 1/0, yes/no */
    C_INT,        /* a whole number */
    C_SUPPORTERS, /* statuses separated by ';', or none/无 */
};

typedef struct coldef {
    const char *en, *zh;   /* the names of docs/csv-import.md */
    const char *en2, *zh2; /* another accepted name, or NULL */
    const char *json;      /* field path in the row's JSON object; NULL for C_REF */
    unsigned char type;    /* enum ctype */
    bool required;         /* the header must have this column */
    const enumdef *e;      /* C_ENUM */
} coldef;

/* In every table column 0 is household_id; in the child tables column 1
 * names the member (members: id; the others: member_id). */
enum { COL_HID = 0, COL_MEMBER = 1, KIND_COL = 2, MAX_DEFS = 32 };

static const coldef households_cols[] = {
    {"household_id", "户编号", NULL, NULL, "household_id", C_STR, true, NULL},
    {"region", "区划代码", NULL, NULL, "region", C_STR, true, NULL},
    {"area", "城乡", NULL, NULL, "area", C_ENUM, true, &e_area},
    {"assess_date", "评估日期", NULL, NULL, "assess_date", C_STR, false, NULL},
    {"current_programme", "现保障类别", NULL, NULL, "current.programme", C_ENUM, false,
     &e_programme},
    {"current_since", "保障起始日期", NULL, NULL, "current.since", C_STR, false, NULL},
    {"current_monthly_amount", "现月保障金", NULL, NULL, "current.monthly_amount", C_STR, false,
     NULL},
    {"address", "地址", NULL, NULL, "address", C_STR, false, NULL},
    {"note", "备注", NULL, NULL, "note", C_STR, false, NULL},
    {NULL, NULL, NULL, NULL, NULL, 0, false, NULL}};

static const coldef members_cols[] = {
    {"household_id", "户编号", NULL, NULL, NULL, C_REF, true, NULL},
    {"id", "身份证号码", NULL, NULL, "id", C_ID, true, NULL},
    {"name", "姓名", NULL, NULL, "name", C_STR, true, NULL},
    {"relation", "与户主关系", NULL, NULL, "relation", C_ENUM, true, &e_relation},
    {"birth_date", "出生日期", NULL, NULL, "birth_date", C_STR, false, NULL},
    {"presence", "在家情况", NULL, NULL, "presence", C_ENUM, false, &e_presence},
    {"employment", "就业状况", NULL, NULL, "employment", C_ENUM, false, &e_employment},
    {"newly_employed", "新就业", NULL, NULL, "newly_employed", C_BOOL, false, NULL},
    {"unemployment_insured", "参加失业保险", NULL, NULL, "unemployment_insured", C_BOOL, false,
     NULL},
    {"months_without_income", "连续无收入月数", NULL, NULL, "months_without_income", C_INT, false,
     NULL},
    {"hardship_cause", "困难原因", NULL, NULL, "hardship_cause", C_ENUM, false, &e_hardship},
    {"disability_category", "残疾类别", NULL, NULL, "disability.category", C_ENUM, false,
     &e_disability},
    {"disability_grade", "残疾等级", NULL, NULL, "disability.grade", C_INT, false, NULL},
    {"serious_illness", "重特大疾病", NULL, NULL, "illness.serious", C_BOOL, false, NULL},
    {"under_treatment", "仍需治疗", NULL, NULL, "illness.under_treatment", C_BOOL, false, NULL},
    {"needs_rehab_or_care", "需康复或护理", NULL, NULL, "needs_rehab_or_care", C_BOOL, false, NULL},
    {"student_level", "学段", NULL, NULL, "student.level", C_ENUM, false, &e_student},
    {"student_full_time", "全日制", NULL, NULL, "student.full_time", C_BOOL, false, NULL},
    {"student_high_fee", "高收费学校", NULL, NULL, "student.high_fee", C_BOOL, false, NULL},
    {"student_abroad", "出国留学", NULL, NULL, "student.abroad", C_BOOL, false, NULL},
    {"self_care_failed_items", "不能自理项数", NULL, NULL, "self_care_failed_items", C_INT, false,
     NULL},
    {"supporters", "法定义务人状况", NULL, NULL, "supporters", C_SUPPORTERS, false, NULL},
    {"applies_alone", "单独申请", NULL, NULL, "applies_alone", C_BOOL, false, NULL},
    {"deceased_date", "死亡日期", NULL, NULL, "deceased_date", C_STR, false, NULL},
    {"note", "备注", NULL, NULL, "note", C_STR, false, NULL},
    /* The person's own enrolment now (an existing 特困 or 单人保 recipient):
     * the member-level `current` of docs/formats.md. */
    {"current_programme", "现保障类别", NULL, NULL, "current.programme", C_ENUM, false,
     &e_member_programme},
    {"current_since", "保障起始日期", NULL, NULL, "current.since", C_STR, false, NULL},
    {"current_monthly_amount", "现月保障金", NULL, NULL, "current.monthly_amount", C_STR, false,
     NULL},
    {NULL, NULL, NULL, NULL, NULL, 0, false, NULL}};

/* Income and expense files share their columns; the kind column may also
 * be named for its table, which then tells the two apart (jz_csv.h). */
static const coldef income_cols[] = {
    {"household_id", "户编号", NULL, NULL, NULL, C_REF, true, NULL},
    {"member_id", "身份证号码", NULL, NULL, NULL, C_REF, true, NULL},
    {"kind", "类别", "income_kind", "收入类别", "kind", C_ENUM, true, &e_income},
    {"amount", "金额", NULL, NULL, "amount", C_STR, true, NULL},
    {"note", "备注", NULL, NULL, "note", C_STR, false, NULL},
    {NULL, NULL, NULL, NULL, NULL, 0, false, NULL}};

static const coldef expenses_cols[] = {
    {"household_id", "户编号", NULL, NULL, NULL, C_REF, true, NULL},
    {"member_id", "身份证号码", NULL, NULL, NULL, C_REF, true, NULL},
    {"kind", "类别", "expense_kind", "支出类别", "kind", C_ENUM, true, &e_expense},
    {"amount", "金额", NULL, NULL, "amount", C_STR, true, NULL},
    {"note", "备注", NULL, NULL, "note", C_STR, false, NULL},
    {NULL, NULL, NULL, NULL, NULL, 0, false, NULL}};

static const coldef assets_cols[] = {
    {"household_id", "户编号", NULL, NULL, NULL, C_REF, true, NULL},
    {"member_id", "身份证号码", NULL, NULL, NULL, C_REF, true, NULL},
    {"financial", "金融资产", NULL, NULL, "financial", C_STR, false, NULL},
    {"vehicles", "车辆数", NULL, NULL, "vehicles", C_INT, false, NULL},
    {"extra_houses", "多余住房套数", NULL, NULL, "extra_houses", C_INT, false, NULL},
    {"business", "市场主体", NULL, NULL, "business", C_BOOL, false, NULL},
    {NULL, NULL, NULL, NULL, NULL, 0, false, NULL}};

static const coldef *const table_cols[JZ_CSV_TABLE_COUNT] = {
    households_cols, members_cols, income_cols, expenses_cols, assets_cols};
static const char *const table_en[JZ_CSV_TABLE_COUNT] = {"households", "members", "income",
                                                         "expenses", "assets"};
static const char *const table_zh[JZ_CSV_TABLE_COUNT] = {"户表", "成员表", "收入表", "支出表",
                                                         "资产表"};

const char *jz_csv_table_name(jz_csv_table t)
{
    return (unsigned)t < JZ_CSV_TABLE_COUNT ? table_en[t] : "?";
}

/* ---- the files ------------------------------------------------------------ */

/* One data row: where its cells start in the arena, the line it starts on,
 * how many cells it had (saturated), and the first cell that was too long. */
typedef struct row {
    uint32_t off;
    uint32_t line;
    uint16_t nfields;
    uint8_t long_col; /* NO_COL when none */
} row;

#define NO_COL 0xFF

typedef struct table {
    char *path;
    int kind; /* jz_csv_table, or -1 until recognised */
    char *arena;
    size_t alen, acap;
    row *rows;
    size_t nrows, rcap;
    uint32_t header_line;
    int ncols;                          /* columns of the header */
    char *head[JZ_CSV_MAX_COLUMNS];     /* header cells as written */
    int8_t col_def[JZ_CSV_MAX_COLUMNS]; /* file column -> column definition, -1: none */
    int8_t def_col[MAX_DEFS];           /* column definition -> file column, -1: absent */
    int32_t *owner;                     /* child tables: row -> household row, -1: orphan */
} table;

/* The cells of one row, trimmed. */
typedef struct cells {
    const char *p[JZ_CSV_MAX_COLUMNS];
    size_t n[JZ_CSV_MAX_COLUMNS];
} cells;

struct jz_csv_set {
    table *files;
    size_t nfiles;
    table *t[JZ_CSV_TABLE_COUNT]; /* the file of each table, or NULL */
    /* households: hash of household_id -> first row; duplicates chained */
    int32_t *hash;
    size_t hmask;
    int32_t *first;    /* row -> first row with the same household_id */
    int32_t *dup_next; /* row -> next duplicate row of its id, -1 */
    int32_t *dup_tail; /* first row -> its last duplicate row, -1 (while indexing) */
    size_t count;
    /* child tables grouped by household row: rows of household h are
     * grp[t][gstart[t][h] .. gstart[t][h + 1]) */
    uint32_t *gstart[JZ_CSV_TABLE_COUNT];
    uint32_t *grp[JZ_CSV_TABLE_COUNT];
    /* iteration */
    size_t next_hh;
    int orphan_table;
    size_t orphan_row;
    bool have_hh;
    jz_household hh;
    jz_household_buf *hbuf;
};

/* Copies a path for a table. */
static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d != NULL)
        memcpy(d, s, n + 1);
    return d;
}

/* 1-based line of byte off in buf (counting LF, CRLF and lone CR). */
static uint32_t line_at(const char *buf, size_t off)
{
    uint32_t line = 1;
    for (size_t i = 0; i < off; i++) {
        if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 >= off || buf[i + 1] != '\n')))
            line++;
    }
    return line;
}

/* Reads a whole file, refusing one over the size limit. */
static jz_err read_file(const char *path, char **out, size_t *len, jz_error *err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    jz_err rc = JZ_OK;

    *out = NULL;
    *len = 0;
    if (f == NULL) {
        jz_error_set(err, JZ_EIO, NULL, NULL, "无法打开文件");
        jz_error_set_source(err, path, 0);
        return JZ_EIO;
    }
    for (;;) {
        if (n == cap) {
            size_t ncap = cap == 0 ? 1 << 16 : cap * 2;
            if (cap > JZ_CSV_MAX_FILE_BYTES) {
                rc = jz_error_set(err, JZ_EINPUT, NULL, NULL, "文件超过 %zu MiB 的上限",
                                  JZ_CSV_MAX_FILE_BYTES >> 20);
                goto done;
            }
            if (ncap > JZ_CSV_MAX_FILE_BYTES + 1)
                ncap = JZ_CSV_MAX_FILE_BYTES + 1;
            char *b = realloc(buf, ncap + 1);
            if (b == NULL) {
                rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                goto done;
            }
            buf = b;
            cap = ncap;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (n > JZ_CSV_MAX_FILE_BYTES) {
            rc = jz_error_set(err, JZ_EINPUT, NULL, NULL, "文件超过 %zu MiB 的上限",
                              JZ_CSV_MAX_FILE_BYTES >> 20);
            goto done;
        }
        if (k == 0) {
            if (ferror(f))
                rc = jz_error_set(err, JZ_EIO, NULL, NULL, "读取文件失败");
            break;
        }
    }
    if (buf == NULL && rc == JZ_OK) {
        buf = malloc(1);
        if (buf == NULL)
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
done:
    fclose(f);
    if (rc != JZ_OK) {
        free(buf);
        jz_error_set_source(err, path, 0);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return JZ_OK;
}

/* ---- splitting a file into cells with libcsv ----------------------------- */

typedef struct pctx {
    table *t;
    jz_error *err;
    jz_err rc;         /* first fatal error */
    uint32_t line;     /* physical line being fed */
    uint32_t end_line; /* line on which the last row ended */
    uint32_t breaks;   /* line breaks inside the cells of the current row */
    size_t nfields;    /* cells of the current row so far */
    size_t row_off;    /* arena offset of the current row */
    bool any;          /* the current row has a non-empty cell */
    bool header_done;
    uint8_t long_col;
} pctx;

/* Line breaks inside a cell, counted as the line splitter counts them. */
static uint32_t count_breaks(const char *s, size_t n)
{
    uint32_t k = 0;
    /* Nearly every cell has none: look for one quickly first. */
    if (memchr(s, '\n', n) == NULL && memchr(s, '\r', n) == NULL)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n')))
            k++;
    return k;
}

static void fatal(pctx *c, jz_err code, uint32_t line, const char *field, const char *reason)
{
    if (c->rc != JZ_OK)
        return;
    c->rc = jz_error_set(c->err, code, field, NULL, "%s", reason);
    jz_error_set_source(c->err, c->t->path, line);
}

static bool arena_put(pctx *c, const char *s, size_t n)
{
    table *t = c->t;
    if (t->alen + n + 1 > t->acap) {
        size_t ncap = t->acap * 2 + n + 64;
        if (ncap > UINT32_MAX) {
            if (t->alen + n + 1 > UINT32_MAX) {
                fatal(c, JZ_EINPUT, c->line, NULL, "文件内容过多");
                return false;
            }
            ncap = UINT32_MAX;
        }
        char *a = realloc(t->arena, ncap);
        if (a == NULL) {
            fatal(c, JZ_ENOMEM, c->line, NULL, "内存不足");
            return false;
        }
        t->arena = a;
        t->acap = ncap;
    }
    memcpy(t->arena + t->alen, s, n);
    t->arena[t->alen + n] = '\0';
    t->alen += n + 1;
    return true;
}

static void on_cell(void *s, size_t len, void *data)
{
    pctx *c = data;
    table *t = c->t;

    if (c->rc != JZ_OK)
        return;
    c->breaks += count_breaks(s, len);
    if (!c->header_done) {
        if (c->nfields >= JZ_CSV_MAX_COLUMNS) {
            fatal(c, JZ_EINPUT, c->line, NULL, "表头超过 64 列");
            return;
        }
        if (len > 256) {
            fatal(c, JZ_EINPUT, c->line, NULL, "表头中有超过 256 字节的列名");
            return;
        }
        char *h = malloc(len + 1);
        if (h == NULL) {
            fatal(c, JZ_ENOMEM, c->line, NULL, "内存不足");
            return;
        }
        memcpy(h, s, len);
        h[len] = '\0';
        t->head[c->nfields++] = h;
        c->any |= len > 0;
        return;
    }
    if (c->nfields < (size_t)t->ncols) {
        if (len > JZ_CSV_MAX_CELL) {
            if (c->long_col == NO_COL)
                c->long_col = (uint8_t)c->nfields;
            len = 0;
            c->any = true;
        }
        if (!arena_put(c, s, len))
            return;
    }
    if (len > 0)
        c->any = true;
    c->nfields++;
}

static void reset_row(pctx *c)
{
    c->nfields = 0;
    c->breaks = 0;
    c->any = false;
    c->long_col = NO_COL;
    c->row_off = c->t->alen;
}

static void on_row(int ch, void *data)
{
    pctx *c = data;
    table *t = c->t;
    uint32_t start = c->line - c->breaks;

    (void)ch;
    if (c->rc != JZ_OK)
        return;
    c->end_line = c->line;
    if (!c->header_done) {
        if (!c->any) {
            /* A row of empty cells before the header is a blank line. */
            for (size_t i = 0; i < c->nfields; i++) {
                free(t->head[i]);
                t->head[i] = NULL;
            }
        } else {
            c->header_done = true;
            t->ncols = (int)c->nfields;
            t->header_line = start;
        }
        reset_row(c);
        return;
    }
    if (!c->any) {
        /* A row of empty cells (what Excel writes for a cleared row) is
         * skipped like a blank line. */
        t->alen = c->row_off;
        reset_row(c);
        return;
    }
    if (t->nrows >= JZ_CSV_MAX_ROWS) {
        fatal(c, JZ_EINPUT, start, NULL, "数据行超过上限（每个文件 67108864 行）");
        return;
    }
    if (t->nrows == t->rcap) {
        size_t ncap = t->rcap ? t->rcap * 2 : 1024;
        row *r = realloc(t->rows, ncap * sizeof *r);
        if (r == NULL) {
            fatal(c, JZ_ENOMEM, start, NULL, "内存不足");
            return;
        }
        t->rows = r;
        t->rcap = ncap;
    }
    t->rows[t->nrows++] =
        (row){(uint32_t)c->row_off, start,
              (uint16_t)(c->nfields > UINT16_MAX ? UINT16_MAX : c->nfields), c->long_col};
    reset_row(c);
}

/*
 * Feeds buf to libcsv one physical line at a time (and a long line in
 * pieces), so that the line a row starts on is known: it is the line on which
 * the row ends less the line breaks inside its quoted cells.  Strict mode:
 * a quote inside an unquoted cell, or text after a closing quote, is a fatal
 * error, because the lenient reading of such a quote can swallow the rows
 * that follow into one cell, and an import that silently loses rows (someone's
 * income) is worse than one that stops and names the line.
 */
static jz_err split_file(table *t, const char *buf, size_t len, jz_error *err)
{
    enum { PIECE = 1 << 16 };
    static const char bad_quote[] =
        "CSV 格式错误：引号用法不对（含引号、逗号或换行的单元格要整个用英文双引号括起来，"
        "其中的双引号写成两个 \"\"）";
    struct csv_parser p;
    pctx c = {.t = t, .err = err, .rc = JZ_OK, .line = 1, .long_col = NO_COL};
    size_t pos = 0;
    const char *next_lf = NULL;

    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    csv_set_blk_size(&p, 4096);
    t->acap = len + len / 16 + 64;
    if (t->acap > UINT32_MAX)
        t->acap = UINT32_MAX;
    t->arena = malloc(t->acap);
    if (t->arena == NULL) {
        csv_free(&p);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    while (pos < len && c.rc == JZ_OK) {
        if (next_lf == NULL || next_lf < buf + pos) {
            next_lf = memchr(buf + pos, '\n', len - pos);
            if (next_lf == NULL)
                next_lf = buf + len;
        }
        size_t end = next_lf < buf + len ? (size_t)(next_lf - buf) + 1 : len;
        const char *cr = memchr(buf + pos, '\r', end - pos);
        if (cr != NULL && cr + 1 != next_lf)
            end = (size_t)(cr - buf) + 1; /* a lone CR ends the line */
        while (pos < end && c.rc == JZ_OK) {
            size_t k = end - pos < PIECE ? end - pos : PIECE;
            size_t used = csv_parse(&p, buf + pos, k, on_cell, on_row, &c);
            if (c.rc != JZ_OK)
                break;
            if (used < k) {
                if (csv_error(&p) == CSV_EPARSE)
                    fatal(&c, JZ_EINPUT, c.line, NULL, bad_quote);
                else
                    fatal(&c, JZ_ENOMEM, c.line, NULL, "内存不足");
                break;
            }
            pos += k;
            if (csv_get_buffer_size(&p) > JZ_CSV_RUNAWAY_BYTES) {
                char why[160];
                snprintf(why, sizeof why,
                         "第 %u 行之后的一个单元格超过 1 MiB：可能缺少结束的双引号",
                         (unsigned)c.end_line);
                fatal(&c, JZ_EINPUT, c.end_line + 1, NULL, why);
            }
        }
        c.line++;
    }
    /* A last row without a line break ends on the last line, not after it. */
    if (c.line > 1)
        c.line--;
    if (c.rc == JZ_OK && csv_fini(&p, on_cell, on_row, &c) != 0)
        fatal(&c, JZ_EINPUT, c.end_line + 1, NULL, "文件结束时双引号未闭合（缺少结束的双引号）");
    csv_free(&p);
    if (c.rc == JZ_OK && !c.header_done)
        fatal(&c, JZ_EINPUT, 0, NULL, "文件是空的（没有表头行）");
    return c.rc;
}

/* Reads, converts and splits one file. */
static jz_err load_file(table *t, jz_error *err)
{
    char *raw = NULL, *conv = NULL;
    size_t len = 0, clen = 0;
    const char *text;
    size_t tlen;
    jz_err rc = read_file(t->path, &raw, &len, err);

    if (rc != JZ_OK)
        return rc;
    /* Workbooks are a common mistake; say so rather than blame the encoding. */
    if ((len >= 4 && memcmp(raw, "PK\x03\x04", 4) == 0) ||
        (len >= 4 && memcmp(raw, "\xD0\xCF\x11\xE0", 4) == 0)) {
        free(raw);
        jz_error_set(
            err, JZ_EINPUT, NULL, NULL,
            "这是 Excel 工作簿（.xlsx/.xls），不是 CSV；请在 Excel 中另存为“CSV UTF-8（逗号分"
            "隔）”");
        jz_error_set_source(err, t->path, 0);
        return JZ_EINPUT;
    }
    jz_encoding enc = jz_encoding_detect(raw, len);
    switch (enc) {
    case JZ_ENC_UTF8:
        text = raw;
        tlen = len;
        break;
    case JZ_ENC_UTF8_BOM:
        text = raw + 3;
        tlen = len - 3;
        break;
    case JZ_ENC_GB18030:
        rc = jz_encoding_to_utf8(raw, len, &conv, &clen, err);
        free(raw);
        raw = NULL;
        if (rc == JZ_EINPUT) {
            /* GBK bytes that are no character: the reason says where. */
            jz_error_set_source(err, t->path, err->line);
            return JZ_EINPUT;
        }
        if (rc != JZ_OK) {
            jz_error_set_source(err, t->path, 0);
            return rc;
        }
        text = conv;
        tlen = clen;
        break;
    default:
        /* UTF-16, or neither: which byte is wrong and why (a damaged UTF-8
         * file is never taken for GBK and converted into nonsense). */
        rc = jz_encoding_refuse_text(err, t->path, raw, len, ".utf8.csv");
        free(raw);
        return rc;
    }
    const char *nul = memchr(text, '\0', tlen);
    if (nul != NULL) {
        rc = jz_error_set(err, JZ_EINPUT, NULL, NULL, "文件中有空字符（NUL），不是文本 CSV 文件");
        jz_error_set_source(err, t->path, (long)line_at(text, (size_t)(nul - text)));
    } else {
        rc = split_file(t, text, tlen, err);
    }
    free(raw);
    free(conv);
    return rc;
}

/* ---- recognising the tables -------------------------------------------- */

static bool is_space_at(const char *p, size_t n, size_t *w)
{
    if (n >= 1 && (p[0] == ' ' || p[0] == '\t')) {
        *w = 1;
        return true;
    }
    if (n >= 3 && memcmp(p, "\xE3\x80\x80", 3) == 0) { /* U+3000 ideographic space */
        *w = 3;
        return true;
    }
    return false;
}

/* Trims spaces, tabs and ideographic spaces from both ends of (p, n). */
static void trim(const char **p, size_t *n)
{
    size_t w;
    while (*n > 0 && is_space_at(*p, *n, &w)) {
        *p += w;
        *n -= w;
    }
    while (*n > 0) {
        if ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t')
            (*n)--;
        else if (*n >= 3 && memcmp(*p + *n - 3, "\xE3\x80\x80", 3) == 0)
            *n -= 3;
        else
            break;
    }
}

/* ASCII case-insensitive equality of (p, n) and the terminated s. */
static bool eq_ci(const char *p, size_t n, const char *s)
{
    size_t i;
    for (i = 0; i < n && s[i] != '\0'; i++) {
        char a = p[i], b = s[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return false;
    }
    return i == n && s[i] == '\0';
}

static bool eq(const char *p, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(p, s, n) == 0;
}

/* The column definition of table k that a header cell names, or -1. */
static int match_col(int k, const char *name)
{
    const char *p = name;
    size_t n = strlen(name);
    trim(&p, &n);
    for (int d = 0; table_cols[k][d].en != NULL; d++) {
        const coldef *c = &table_cols[k][d];
        if (eq_ci(p, n, c->en) || eq(p, n, c->zh) || (c->en2 && eq_ci(p, n, c->en2)) ||
            (c->zh2 && eq(p, n, c->zh2)))
            return d;
    }
    return -1;
}

static bool blank_name(const char *name)
{
    const char *p = name;
    size_t n = strlen(name);
    trim(&p, &n);
    return n == 0;
}

/* What a header says about table k. */
typedef struct fit {
    int known;   /* columns of k */
    int unknown; /* first column k does not know, or -1 */
    int dup;     /* first column naming a definition already named, or -1 */
    int missing; /* first required definition absent, or -1 */
} fit;

static fit fit_table(const table *t, int k)
{
    fit f = {0, -1, -1, -1};
    bool seen[MAX_DEFS] = {false};

    for (int c = 0; c < t->ncols; c++) {
        if (blank_name(t->head[c]))
            continue;
        int d = match_col(k, t->head[c]);
        if (d < 0) {
            if (f.unknown < 0)
                f.unknown = c;
            continue;
        }
        if (seen[d] && f.dup < 0)
            f.dup = c;
        seen[d] = true;
        f.known++;
    }
    for (int d = 0; table_cols[k][d].en != NULL; d++)
        if (table_cols[k][d].required && !seen[d]) {
            f.missing = d;
            break;
        }
    return f;
}

static bool fits(fit f)
{
    return f.unknown < 0 && f.dup < 0 && f.missing < 0;
}

static void header_error(const table *t, int col, const char *reason, jz_error *err)
{
    jz_error_set(err, JZ_EINPUT, col >= 0 ? t->head[col] : NULL, col >= 0 ? t->head[col] : NULL,
                 "%s", reason);
    jz_error_set_source(err, t->path, t->header_line);
}

/* The trimmed cell of file column c of row r. */
static void get_cells(const table *t, size_t r, cells *cv)
{
    const row *rw = &t->rows[r];
    const char *p = t->arena + rw->off;
    int stored = rw->nfields < t->ncols ? rw->nfields : t->ncols;

    for (int c = 0; c < t->ncols; c++) {
        if (c < stored) {
            size_t n = strlen(p);
            cv->p[c] = p;
            cv->n[c] = n;
            p += n + 1;
            trim(&cv->p[c], &cv->n[c]);
        } else {
            cv->p[c] = "";
            cv->n[c] = 0;
        }
    }
}

/* One cell of row r (file column c, may be -1: empty). */
static void get_cell(const table *t, size_t r, int c, const char **p, size_t *n)
{
    const row *rw = &t->rows[r];
    const char *s = t->arena + rw->off;
    int stored = rw->nfields < t->ncols ? rw->nfields : t->ncols;

    *p = "";
    *n = 0;
    if (c < 0 || c >= stored)
        return;
    for (int i = 0; i < c; i++)
        s += strlen(s) + 1;
    *p = s;
    *n = strlen(s);
    trim(p, n);
}

/* Looks a label or code up; returns the code or NULL. */
static const char *enum_lookup(const enumdef *e, const char *p, size_t n)
{
    for (const label *l = e->labels; l->zh != NULL; l++)
        if (eq(p, n, l->zh))
            return l->code;
    for (int i = e->first; i < e->count; i++)
        if (eq_ci(p, n, e->names[i]))
            return e->names[i];
    return NULL;
}

static bool is_income_only(const char *code)
{
    return code != NULL && strcmp(code, "other") != 0;
}

/* Decides whether an income-or-expenses file is income (1), expenses (0), or
 * cannot tell (-1), from its kind column; a file with both is an error. */
static int kinds_say(const table *t, jz_error *err, jz_err *rc)
{
    int col = -1;
    size_t inc = 0, exp = 0;
    size_t inc_row = 0, exp_row = 0;

    for (int c = 0; c < t->ncols; c++)
        if (!blank_name(t->head[c]) && match_col(JZ_CSV_INCOME, t->head[c]) == KIND_COL)
            col = c;
    *rc = JZ_OK;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *p;
        size_t n;
        get_cell(t, r, col, &p, &n);
        const char *ic = enum_lookup(&e_income, p, n), *ec = enum_lookup(&e_expense, p, n);
        if (is_income_only(ic) && ec == NULL) {
            if (inc++ == 0)
                inc_row = r;
        } else if (ic == NULL && ec != NULL) {
            if (exp++ == 0)
                exp_row = r;
        }
    }
    if (inc > 0 && exp > 0) {
        char why[JZ_ERR_REASON_MAX];
        const char *p1, *p2;
        size_t n1, n2;
        get_cell(t, inc_row, col, &p1, &n1);
        get_cell(t, exp_row, col, &p2, &n2);
        snprintf(
            why, sizeof why,
            "无法判断是收入表还是支出表：类别列既有收入类别（第 %u 行“%.*s”）又有支出类别（第 "
            "%u 行“%.*s”）；请把收入和支出分成两个文件，或把这一列改名为“收入类别”或“支出类别”",
            (unsigned)t->rows[inc_row].line, (int)(n1 > 40 ? 40 : n1), p1,
            (unsigned)t->rows[exp_row].line, (int)(n2 > 40 ? 40 : n2), p2);
        header_error(t, col, why, err);
        *rc = JZ_EINPUT;
        return -1;
    }
    return inc > 0 ? 1 : exp > 0 ? 0 : -1;
}

/* Whether s contains word (ASCII case-insensitively). */
static bool contains_ci(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s != '\0'; s++)
        if (strlen(s) >= n && eq_ci(s, n, word))
            return true;
    return false;
}

/* income (1), expenses (0) or cannot tell (-1) from the file name. */
static int name_says(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    bool inc = contains_ci(base, "income") || strstr(base, "收入") != NULL;
    bool exp = contains_ci(base, "expense") || strstr(base, "支出") != NULL;
    return inc && !exp ? 1 : exp && !inc ? 0 : -1;
}

/* Assigns each file its table (jz_csv.h: how income and expenses are told
 * apart) and fills its column maps. */
static jz_err recognise(jz_csv_set *s, jz_error *err)
{
    size_t pending[2];
    size_t npending = 0;
    jz_err rc;

    for (size_t i = 0; i < s->nfiles; i++) {
        table *t = &s->files[i];
        fit f[JZ_CSV_TABLE_COUNT];
        int cand = -1, ncand = 0, best = 0;
        for (int k = 0; k < JZ_CSV_TABLE_COUNT; k++) {
            f[k] = fit_table(t, k);
            if (fits(f[k])) {
                cand = k;
                ncand++;
            }
            if (f[k].known > f[best].known)
                best = k;
        }
        if (ncand == 0) {
            char why[JZ_ERR_REASON_MAX];
            fit b = f[best];
            if (b.unknown >= 0) {
                header_error(
                    t, b.unknown,
                    "表头中的这一列无法识别：户表、成员表、收入表、支出表、资产表都没有这个列名"
                    "（拼写错误？列名见 docs/csv-import.md）",
                    err);
            } else if (b.dup >= 0) {
                header_error(t, b.dup, "表头中这一列出现了两次", err);
            } else {
                const coldef *d = &table_cols[best][b.missing];
                snprintf(why, sizeof why, "按表头看是%s，但缺少必填列 %s（%s）", table_zh[best],
                         d->en, d->zh);
                header_error(t, -1, why, err);
            }
            return JZ_EINPUT;
        }
        if (ncand == 2) { /* income and expenses */
            int says = kinds_say(t, err, &rc);
            if (rc != JZ_OK)
                return rc;
            if (says < 0)
                says = name_says(t->path);
            if (says < 0) {
                if (npending < 2)
                    pending[npending] = i;
                npending++;
                continue;
            }
            cand = says ? JZ_CSV_INCOME : JZ_CSV_EXPENSES;
        }
        t->kind = cand;
    }
    /* An undecided file: by elimination, when the other table is known. */
    if (npending > 0) {
        table *t = &s->files[pending[0]];
        bool have_inc = false, have_exp = false;
        for (size_t i = 0; i < s->nfiles; i++) {
            have_inc |= s->files[i].kind == JZ_CSV_INCOME;
            have_exp |= s->files[i].kind == JZ_CSV_EXPENSES;
        }
        if (npending == 1 && have_inc != have_exp) {
            t->kind = have_inc ? JZ_CSV_EXPENSES : JZ_CSV_INCOME;
        } else {
            header_error(
                t, -1,
                "无法判断是收入表还是支出表（两者列名相同，类别列里也没有只属于其中一种的类"
                "别）；请把类别列改名为“收入类别”或“支出类别”，或在文件名中写明 income/收入"
                " 或 expense/支出",
                err);
            return JZ_EINPUT;
        }
    }
    for (size_t i = 0; i < s->nfiles; i++) {
        table *t = &s->files[i];
        int k = t->kind;
        if (s->t[k] != NULL) {
            char why[JZ_ERR_REASON_MAX];
            snprintf(why, sizeof why, "与 %.200s 都是%s（每种表只能给一个文件）", s->t[k]->path,
                     table_zh[k]);
            header_error(t, -1, why, err);
            return JZ_EINPUT;
        }
        s->t[k] = t;
        memset(t->def_col, -1, sizeof t->def_col);
        for (int c = 0; c < t->ncols; c++) {
            int d = blank_name(t->head[c]) ? -1 : match_col(k, t->head[c]);
            t->col_def[c] = (int8_t)d;
            if (d >= 0)
                t->def_col[d] = (int8_t)c;
        }
    }
    for (int k = JZ_CSV_HOUSEHOLDS; k <= JZ_CSV_MEMBERS; k++) {
        if (s->t[k] == NULL) {
            jz_error_set(err, JZ_EINPUT, NULL, NULL,
                         "缺少%s（表头含 %s 的 CSV 文件）；户表和成员表是必需的", table_zh[k],
                         k == JZ_CSV_HOUSEHOLDS ? "household_id, region, area"
                                                : "household_id, id, name, relation");
            return JZ_EINPUT;
        }
    }
    return JZ_OK;
}

/* ---- the household index ------------------------------------------------ */

static uint64_t hash_str(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

/* The households row with this household_id, or -1. */
static int32_t find_hh(const jz_csv_set *s, const char *p, size_t n)
{
    const table *h = s->t[JZ_CSV_HOUSEHOLDS];
    if (n == 0)
        return -1;
    for (size_t i = hash_str(p, n) & s->hmask;; i = (i + 1) & s->hmask) {
        int32_t r = s->hash[i];
        if (r < 0)
            return -1;
        const char *q;
        size_t m;
        get_cell(h, (size_t)r, h->def_col[COL_HID], &q, &m);
        if (m == n && memcmp(p, q, n) == 0)
            return r;
    }
}

static jz_err build_index(jz_csv_set *s, jz_error *err)
{
    const table *h = s->t[JZ_CSV_HOUSEHOLDS];
    size_t nh = h->nrows, cap = 16;

    while (cap < nh * 2)
        cap *= 2;
    s->hash = malloc(cap * sizeof *s->hash);
    s->first = malloc((nh + 1) * sizeof *s->first);
    s->dup_next = malloc((nh + 1) * sizeof *s->dup_next);
    s->dup_tail = malloc((nh + 1) * sizeof *s->dup_tail);
    if (s->hash == NULL || s->first == NULL || s->dup_next == NULL || s->dup_tail == NULL)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    memset(s->hash, -1, cap * sizeof *s->hash);
    s->hmask = cap - 1;
    for (size_t r = 0; r < nh; r++) {
        const char *p;
        size_t n;
        get_cell(h, r, h->def_col[COL_HID], &p, &n);
        s->first[r] = (int32_t)r;
        s->dup_next[r] = -1;
        s->dup_tail[r] = -1;
        if (n == 0) {
            s->count++;
            continue;
        }
        size_t i = hash_str(p, n) & s->hmask;
        for (;; i = (i + 1) & s->hmask) {
            int32_t o = s->hash[i];
            if (o < 0) {
                s->hash[i] = (int32_t)r;
                s->count++;
                break;
            }
            const char *q;
            size_t m;
            get_cell(h, (size_t)o, h->def_col[COL_HID], &q, &m);
            if (m == n && memcmp(p, q, n) == 0) {
                /* Chain the duplicate at the end, so that it is reported in
                 * order; the tail is kept in dup_next of the newest row. */
                s->dup_next[r] = s->dup_tail[o];
                s->dup_tail[o] = (int32_t)r;
                s->first[r] = o;
                break;
            }
        }
    }
    /* Each id's duplicates were chained newest first from dup_tail; turn
     * every chain around so that it starts at the first row. */
    for (size_t r = 0; r < nh; r++) {
        int32_t prev = -1, d = s->dup_tail[r];
        if (s->first[r] != (int32_t)r || d < 0)
            continue;
        while (d >= 0) {
            int32_t older = s->dup_next[d];
            s->dup_next[d] = prev;
            prev = d;
            d = older;
        }
        s->dup_next[r] = prev;
    }
    free(s->dup_tail);
    s->dup_tail = NULL;
    for (int k = JZ_CSV_MEMBERS; k < JZ_CSV_TABLE_COUNT; k++) {
        table *t = s->t[k];
        if (t == NULL)
            continue;
        t->owner = malloc((t->nrows + 1) * sizeof *t->owner);
        s->gstart[k] = calloc(nh + 2, sizeof *s->gstart[k]);
        s->grp[k] = malloc((t->nrows + 1) * sizeof *s->grp[k]);
        if (t->owner == NULL || s->gstart[k] == NULL || s->grp[k] == NULL)
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        /* Counting sort by household: rows keep their file order within one. */
        for (size_t r = 0; r < t->nrows; r++) {
            const char *p;
            size_t n;
            get_cell(t, r, t->def_col[COL_HID], &p, &n);
            int32_t o = find_hh(s, p, n);
            t->owner[r] = o;
            if (o >= 0)
                s->gstart[k][o + 1]++;
        }
        for (size_t i = 0; i < nh; i++)
            s->gstart[k][i + 1] += s->gstart[k][i];
        uint32_t *pos = malloc((nh + 1) * sizeof *pos);
        if (pos == NULL)
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        memcpy(pos, s->gstart[k], (nh + 1) * sizeof *pos);
        for (size_t r = 0; r < t->nrows; r++)
            if (t->owner[r] >= 0)
                s->grp[k][pos[t->owner[r]]++] = (uint32_t)r;
        free(pos);
    }
    return JZ_OK;
}

/* ---- opening and closing ------------------------------------------------- */

static void table_cleanup(table *t)
{
    free(t->path);
    free(t->arena);
    free(t->rows);
    free(t->owner);
    for (int c = 0; c < JZ_CSV_MAX_COLUMNS; c++)
        free(t->head[c]);
}

void jz_csv_free(jz_csv_set *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nfiles; i++)
        table_cleanup(&s->files[i]);
    free(s->files);
    free(s->hash);
    free(s->first);
    free(s->dup_next);
    free(s->dup_tail);
    for (int k = 0; k < JZ_CSV_TABLE_COUNT; k++) {
        free(s->gstart[k]);
        free(s->grp[k]);
    }
    free(s->hbuf);
    free(s);
}

jz_err jz_csv_open(const char *const *paths, size_t n, jz_csv_set **out, jz_error *err)
{
    jz_csv_set *s;
    jz_err rc = JZ_OK;

    *out = NULL;
    jz_error_clear(err);
    if (n == 0)
        return jz_error_set(err, JZ_EUSAGE, NULL, NULL, "没有给出 CSV 文件");
    if (n > 16)
        return jz_error_set(err, JZ_EUSAGE, NULL, NULL, "CSV 文件过多（一次最多五种表各一个文件）");
    s = calloc(1, sizeof *s);
    if (s == NULL || (s->files = calloc(n, sizeof *s->files)) == NULL ||
        (s->hbuf = malloc(sizeof *s->hbuf)) == NULL) {
        jz_csv_free(s);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    s->nfiles = n;
    for (size_t i = 0; i < n; i++) {
        s->files[i].kind = -1;
        s->files[i].path = dup_str(paths[i]);
        if (s->files[i].path == NULL) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            goto done;
        }
    }
    for (size_t i = 0; i < n && rc == JZ_OK; i++)
        rc = load_file(&s->files[i], err);
    if (rc == JZ_OK)
        rc = recognise(s, err);
    if (rc == JZ_OK)
        rc = build_index(s, err);
    s->orphan_table = JZ_CSV_MEMBERS;
done:
    if (rc != JZ_OK) {
        jz_csv_free(s);
        return rc;
    }
    *out = s;
    return JZ_OK;
}

size_t jz_csv_count(const jz_csv_set *s)
{
    return s->count;
}

const char *jz_csv_path(const jz_csv_set *s, jz_csv_table t)
{
    return (unsigned)t < JZ_CSV_TABLE_COUNT && s->t[t] != NULL ? s->t[t]->path : NULL;
}

const jz_household *jz_csv_household(const jz_csv_set *s)
{
    return s->have_hh ? &s->hh : NULL;
}

/* ---- one household ------------------------------------------------------- */

/* Where an error is: a row of a table and a column definition (-1: the row
 * as a whole).  A row-level problem (cell count) marks the whole row, and
 * later errors on a marked row are not reported: its cells cannot be
 * trusted to be in their columns. */
typedef struct where {
    int table;
    uint32_t row;
    int def; /* -1: the row; -2: the row is broken, nothing more from it */
} where;

/* A member of the household being built. */
typedef struct mem {
    uint32_t row;          /* members row */
    char id[JZ_IDNUM_BUF]; /* normalised, or the cell as written when invalid */
    json_t *obj;
    int32_t assets_row; /* -1 */
} mem;

typedef struct hctx {
    jz_csv_set *s;
    int32_t hh;
    char hid[JZ_ERR_HOUSEHOLD_MAX];
    jz_error *errs;
    size_t cap, n; /* stored */
    size_t found;  /* found (stored or not) */
    where *keys;   /* where each found error is, for de-duplication */
    size_t nkeys, kcap;
    mem *m;
    size_t nm;
    /* per child table: the household's rows and the member each belongs to */
    const uint32_t *rows[JZ_CSV_TABLE_COUNT];
    size_t nrows[JZ_CSV_TABLE_COUNT];
    int32_t *owner[JZ_CSV_TABLE_COUNT];
    jz_err fatal;
} hctx;

static const char *col_name(const table *t, int def)
{
    if (def < 0)
        return "";
    int c = t->def_col[def];
    if (c >= 0)
        return t->head[c];
    return table_cols[t->kind][def].en;
}

/* Member label of a row: the ID number of the member it is about. */
static void member_label(const hctx *h, int k, uint32_t r, char *buf, size_t cap)
{
    const table *t = h->s->t[k];
    buf[0] = '\0';
    if (k == JZ_CSV_HOUSEHOLDS)
        return;
    const char *p;
    size_t n;
    get_cell(t, r, t->def_col[COL_MEMBER], &p, &n);
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
}

static bool seen_at(const hctx *h, where w)
{
    for (size_t i = 0; i < h->nkeys; i++) {
        const where *k = &h->keys[i];
        if (k->table == w.table && k->row == w.row && (k->def == w.def || k->def == -2))
            return true;
    }
    return false;
}

/*
 * Records a problem at w unless one is already there.  value NULL: the cell
 * at w.  Returns false only when out of memory.
 */
static bool report(hctx *h, where w, const char *value, size_t vlen, const char *reason)
{
    const table *t = h->s->t[w.table];
    /* Once the caller's array is full nothing more is kept, so the keys
     * (and the cost of looking through them) stay bounded by cap. */
    if (h->n >= h->cap) {
        h->found++;
        return true;
    }
    if (seen_at(h, w))
        return true;
    if (h->nkeys == h->kcap) {
        size_t ncap = h->kcap ? h->kcap * 2 : 16;
        where *k = realloc(h->keys, ncap * sizeof *k);
        if (k == NULL) {
            h->fatal = JZ_ENOMEM;
            return false;
        }
        h->keys = k;
        h->kcap = ncap;
    }
    h->keys[h->nkeys++] = w;
    h->found++;
    jz_error *e = &h->errs[h->n++];
    char who[JZ_ERR_MEMBER_MAX];
    const char *p = value;
    size_t n = vlen;
    if (value == NULL) {
        p = "";
        n = 0;
        if (w.def >= 0)
            get_cell(t, w.row, t->def_col[w.def], &p, &n);
    }
    int def = w.def >= 0 ? w.def : -1;
    jz_error_clear(e);
    jz_error_setn(e, JZ_EINPUT, col_name(t, def), p, n, "%s", reason);
    jz_error_set_source(e, t->path, (long)t->rows[w.row].line);
    member_label(h, w.table, w.row, who, sizeof who);
    jz_error_set_where(e, h->hid, who);
    return true;
}

static bool reportf(hctx *h, where w, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool reportf(hctx *h, where w, const char *fmt, ...)
{
    char why[JZ_ERR_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return report(h, w, NULL, 0, why);
}

/* Reason for an unknown label: the Chinese labels one may use. */
static void enum_reason(const enumdef *e, char *buf, size_t cap)
{
    size_t len = (size_t)snprintf(buf, cap, "取值无效（可用中文名称或英文代码）：");
    for (const label *l = e->labels; l->zh != NULL && len < cap; l++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", l == e->labels ? "" : " ", l->zh);
}

static bool parse_bool(const char *p, size_t n, bool *out)
{
    static const char *const yes[] = {"true", "1", "yes", "是", NULL};
    static const char *const no[] = {"false", "0", "no", "否", NULL};
    for (int i = 0; yes[i] != NULL; i++)
        if (eq_ci(p, n, yes[i])) {
            *out = true;
            return true;
        }
    for (int i = 0; no[i] != NULL; i++)
        if (eq_ci(p, n, no[i])) {
            *out = false;
            return true;
        }
    return false;
}

/* A whole number of at most 9 digits, optionally signed (the validator
 * checks the range, and names it). */
static bool parse_int(const char *p, size_t n, long *out)
{
    size_t i = 0;
    bool neg = false;
    long v = 0;
    if (n > 0 && (p[0] == '-' || p[0] == '+')) {
        neg = p[0] == '-';
        i = 1;
    }
    if (i == n || n - i > 9)
        return false;
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

/* Sets obj[path] (path "a" or "a.b") to v, taking the reference. */
static bool set_path(json_t *obj, const char *path, json_t *v)
{
    const char *dot = strchr(path, '.');
    if (v == NULL)
        return false;
    if (dot == NULL)
        return json_object_set_new(obj, path, v) == 0;
    char key[32];
    size_t k = (size_t)(dot - path);
    if (k >= sizeof key) {
        json_decref(v);
        return false;
    }
    memcpy(key, path, k);
    key[k] = '\0';
    json_t *sub = json_object_get(obj, key);
    if (sub == NULL) {
        sub = json_object();
        if (sub == NULL || json_object_set_new(obj, key, sub) != 0) {
            json_decref(v);
            return false;
        }
    }
    return json_object_set_new(sub, dot + 1, v) == 0;
}

static bool is_sep(const char *p, size_t n, size_t *w)
{
    if (n >= 1 && p[0] == ';') {
        *w = 1;
        return true;
    }
    if (n >= 3 && memcmp(p, "\xEF\xBC\x9B", 3) == 0) { /* U+FF1B fullwidth semicolon */
        *w = 3;
        return true;
    }
    return false;
}

/* supporters: "a;b" (';' or '；'), none/无 for [], each status a code or
 * label.  *out NULL with no error: nothing to set. */
static bool supporters_value(hctx *h, where w, const char *p, size_t n, json_t **out)
{
    json_t *arr = json_array();
    size_t i = 0, start = 0, w2 = 0;
    bool ok = true;

    *out = NULL;
    if (arr == NULL) {
        h->fatal = JZ_ENOMEM;
        return false;
    }
    if (eq_ci(p, n, "none") || eq(p, n, "无")) {
        *out = arr;
        return true;
    }
    for (i = 0; i <= n; i++) {
        if (i < n && !is_sep(p + i, n - i, &w2))
            continue;
        const char *tp = p + start;
        size_t tn = i - start;
        trim(&tp, &tn);
        if (tn > 0) {
            const char *code = enum_lookup(&e_supporter, tp, tn);
            if (code == NULL) {
                char why[JZ_ERR_REASON_MAX];
                size_t len = (size_t)snprintf(why, sizeof why, "法定义务人状况“%.*s”",
                                              (int)(tn > 60 ? 60 : tn), tp);
                if (eq_ci(tp, tn, "none") || eq(tp, tn, "无"))
                    snprintf(why + len, sizeof why - len, "不能与其他状况同时填写");
                else
                    enum_reason(&e_supporter, why + len, sizeof why - len);
                report(h, w, NULL, 0, why);
                ok = false;
                break;
            }
            json_t *item = json_object();
            if (item == NULL || json_object_set_new(item, "status", json_string(code)) != 0 ||
                json_array_append_new(arr, item) != 0) {
                json_decref(item);
                h->fatal = JZ_ENOMEM;
                ok = false;
                break;
            }
        }
        if (i < n) {
            i += w2 - 1;
            start = i + 1;
        }
    }
    if (!ok) {
        json_decref(arr);
        return false;
    }
    *out = arr;
    return true;
}

/* Maps the cells of row r of table k into obj (every column with a JSON
 * field; C_ID is left to the caller).  Problems are reported at the cell. */
static void map_row(hctx *h, int k, uint32_t r, const cells *cv, json_t *obj)
{
    const table *t = h->s->t[k];
    for (int d = 0; table_cols[k][d].en != NULL; d++) {
        const coldef *cd = &table_cols[k][d];
        int c = t->def_col[d];
        if (c < 0 || cd->json == NULL || cd->type == C_ID || cv->n[c] == 0)
            continue;
        const char *p = cv->p[c];
        size_t n = cv->n[c];
        where w = {k, r, d};
        json_t *v = NULL;
        char why[JZ_ERR_REASON_MAX];
        switch (cd->type) {
        case C_STR:
            v = json_stringn(p, n);
            break;
        case C_ENUM: {
            const char *code = enum_lookup(cd->e, p, n);
            if (code == NULL) {
                /* "none"/"无" where the record has no such value (hardship
                 * cause, disability, student level) means the field is empty. */
                if (cd->e->first > 0 && (eq_ci(p, n, "none") || eq(p, n, "无")))
                    continue;
                enum_reason(cd->e, why, sizeof why);
                report(h, w, NULL, 0, why);
                continue;
            }
            v = json_string(code);
            break;
        }
        case C_BOOL: {
            bool b;
            if (!parse_bool(p, n, &b)) {
                report(h, w, NULL, 0, "应为 是/否（或 true/false、1/0、yes/no）");
                continue;
            }
            v = json_boolean(b);
            break;
        }
        case C_INT: {
            long x;
            if (!parse_int(p, n, &x)) {
                report(h, w, NULL, 0, "应为整数");
                continue;
            }
            v = json_integer(x);
            break;
        }
        case C_SUPPORTERS:
            if (!supporters_value(h, w, p, n, &v))
                continue;
            break;
        default:
            continue;
        }
        if (!set_path(obj, cd->json, v)) {
            h->fatal = JZ_ENOMEM;
            return;
        }
    }
}

/* Problems with the shape of a row; returns false when the row is broken. */
static bool check_row(hctx *h, int k, uint32_t r, const cells *cv)
{
    const table *t = h->s->t[k];
    const row *rw = &t->rows[r];
    where w = {k, r, -2};

    if (rw->nfields != t->ncols) {
        char why[JZ_ERR_REASON_MAX];
        snprintf(why, sizeof why,
                 "本行有 %s%u 个单元格，表头有 %d 列（逗号或引号错位？）：这一行无法按列读取",
                 rw->nfields == UINT16_MAX ? "至少 " : "", (unsigned)rw->nfields, t->ncols);
        report(h, w, "", 0, why);
        return false;
    }
    if (rw->long_col != NO_COL) {
        w.def = t->col_def[rw->long_col];
        if (w.def < 0)
            w.def = -1;
        report(h, w, "", 0, "单元格超过 4096 字节");
        return true;
    }
    for (int c = 0; c < t->ncols; c++) {
        if (t->col_def[c] < 0 && cv->n[c] > 0) {
            char why[JZ_ERR_REASON_MAX];
            snprintf(why, sizeof why, "第 %d 列没有列名（表头为空），这个单元格无法归属", c + 1);
            report(h, (where){k, r, -1}, cv->p[c], cv->n[c], why);
        }
    }
    return true;
}

/*
 * Normalises an ID number cell for matching: the 18-character form when it is
 * valid, else the cell as written with x as X (or "" when longer than an ID,
 * which then matches nothing); *why says what is wrong ("" when valid).
 */
static bool norm_id(const char *p, size_t n, char out[JZ_IDNUM_BUF], char *why, size_t wcap)
{
    jz_error e;
    jz_error_clear(&e);
    why[0] = '\0';
    if (jz_idnum_normalize(p, n, out, &e) == JZ_OK)
        return true;
    size_t k = n < JZ_IDNUM_BUF ? n : 0;
    for (size_t i = 0; i < k; i++)
        out[i] = p[i] == 'x' ? 'X' : p[i];
    out[k] = '\0';
    /* Excel shows a long number in scientific notation and drops digits. */
    bool sci = memchr(p, 'E', n) != NULL || memchr(p, 'e', n) != NULL;
    /* A cut reason is still a reason: the length is only checked. */
    if (snprintf(why, wcap, "%s%s", e.reason,
                 sci ? "（Excel 把身份证号码当成了数字？请把这一列设为文本格式后重新导出）" : "") <
        0)
        why[0] = '\0';
    return false;
}

/* The member of the household an ID number cell names, or -1. */
static int find_member(const hctx *h, const char *p, size_t n, char *why, size_t wcap)
{
    char id[JZ_IDNUM_BUF];
    norm_id(p, n, id, why, wcap);
    if (id[0] == '\0')
        return -1;
    for (size_t i = 0; i < h->nm; i++)
        if (strcmp(h->m[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* Builds member objects from the household's members rows. */
static void build_members(hctx *h, json_t *members)
{
    const table *t = h->s->t[JZ_CSV_MEMBERS];
    cells cv;

    for (size_t i = 0; i < h->nm && h->fatal == JZ_OK; i++) {
        mem *m = &h->m[i];
        uint32_t r = m->row;
        get_cells(t, r, &cv);
        check_row(h, JZ_CSV_MEMBERS, r, &cv);
        m->obj = json_object();
        m->assets_row = -1;
        if (m->obj == NULL || json_array_append_new(members, m->obj) != 0) {
            h->fatal = JZ_ENOMEM;
            return;
        }
        int c = t->def_col[COL_MEMBER];
        const char *p = c >= 0 ? cv.p[c] : "";
        size_t n = c >= 0 ? cv.n[c] : 0;
        char why[JZ_ERR_REASON_MAX];
        bool ok = norm_id(p, n, m->id, why, sizeof why);
        if (n > 0) {
            where w = {JZ_CSV_MEMBERS, r, COL_MEMBER};
            if (!ok)
                report(h, w, NULL, 0, why);
            if (json_object_set_new(m->obj, "id", ok ? json_string(m->id) : json_stringn(p, n))) {
                h->fatal = JZ_ENOMEM;
                return;
            }
            for (size_t j = 0; j < i && m->id[0] != '\0'; j++)
                if (strcmp(h->m[j].id, m->id) == 0) {
                    reportf(h, w, "同一身份证号码在本户出现两次（与成员表第 %u 行相同，R-HH-3）",
                            (unsigned)t->rows[h->m[j].row].line);
                    break;
                }
        }
        map_row(h, JZ_CSV_MEMBERS, r, &cv, m->obj);
    }
}

/* Attaches the household's income or expense rows (k) to their members. */
static void build_items(hctx *h, int k)
{
    const table *t = h->s->t[k];
    cells cv;
    const char *key = k == JZ_CSV_INCOME ? "income" : "expenses";

    for (size_t j = 0; j < h->nrows[k] && h->fatal == JZ_OK; j++) {
        uint32_t r = h->rows[k][j];
        get_cells(t, r, &cv);
        h->owner[k][j] = -1;
        if (!check_row(h, k, r, &cv))
            continue;
        int c = t->def_col[COL_MEMBER];
        char why[JZ_ERR_REASON_MAX];
        int i = find_member(h, cv.p[c], cv.n[c], why, sizeof why);
        where w = {k, r, COL_MEMBER};
        if (i < 0) {
            if (cv.n[c] == 0)
                report(h, w, NULL, 0, "缺少身份证号码（这一行属于哪位成员？）");
            else if (why[0] != '\0')
                reportf(h, w, "%s；本户成员中也没有这个号码", why);
            else
                report(h, w, NULL, 0, "本户成员中没有这个身份证号码（成员表中该户没有这一成员）");
            continue;
        }
        if (k == JZ_CSV_ASSETS) {
            mem *m = &h->m[i];
            if (m->assets_row >= 0) {
                reportf(h, w, "同一成员有两行资产（另一行在第 %u 行）",
                        (unsigned)t->rows[m->assets_row].line);
                continue;
            }
            json_t *a = json_object();
            if (a == NULL || json_object_set_new(m->obj, "assets", a) != 0) {
                h->fatal = JZ_ENOMEM;
                return;
            }
            m->assets_row = (int32_t)r;
            h->owner[k][j] = i;
            map_row(h, k, r, &cv, a);
            continue;
        }
        json_t *arr = json_object_get(h->m[i].obj, key);
        json_t *item = json_object();
        if (arr == NULL) {
            arr = json_array();
            if (arr == NULL || json_object_set_new(h->m[i].obj, key, arr) != 0) {
                json_decref(item);
                h->fatal = JZ_ENOMEM;
                return;
            }
        }
        if (item == NULL || json_array_append_new(arr, item) != 0) {
            h->fatal = JZ_ENOMEM;
            return;
        }
        h->owner[k][j] = i;
        map_row(h, k, r, &cv, item);
    }
}

/* ---- from a JSON field path back to the files ------------------------------ */

/* The column definition of table k for the rest of a field path: the one
 * whose JSON path is rest exactly ("disability.grade"), else the first one
 * under its first key ("disability" or "supporters[2].status"). */
static int def_of_json(int k, const char *rest)
{
    size_t n = strlen(rest);
    for (int pass = 0; pass < 2; pass++) {
        for (int d = 0; table_cols[k][d].en != NULL; d++) {
            const char *j = table_cols[k][d].json;
            if (j != NULL && strncmp(j, rest, n) == 0 && (j[n] == '\0' || (pass && j[n] == '.')))
                return d;
        }
        n = 0;
        while (rest[n] != '\0' && rest[n] != '.' && rest[n] != '[')
            n++;
    }
    return -1;
}

/* Reads "[N]" at *p; advances past it. */
static bool take_index(const char **p, size_t *out)
{
    const char *s = *p;
    size_t v = 0;
    if (*s != '[')
        return false;
    s++;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9') {
        if (v > 1000000)
            return false;
        v = v * 10 + (size_t)(*s++ - '0');
    }
    if (*s != ']')
        return false;
    *p = s + 1;
    *out = v;
    return true;
}

/* Length of the next key of a path (up to '.', '[' or the end). */
static size_t key_len(const char *p)
{
    size_t n = 0;
    while (p[n] != '\0' && p[n] != '.' && p[n] != '[')
        n++;
    return n;
}

/* The row of table k that is item `idx` of member i (idx = SIZE_MAX: the
 * first row past JZ_MAX_ITEMS, for "too many items"). */
static bool item_row(const hctx *h, int k, size_t i, size_t idx, uint32_t *row_out)
{
    size_t seen = 0;
    if (idx == SIZE_MAX)
        idx = JZ_MAX_ITEMS;
    for (size_t j = 0; j < h->nrows[k]; j++) {
        if (h->owner[k][j] != (int32_t)i)
            continue;
        if (seen++ == idx) {
            *row_out = h->rows[k][j];
            return true;
        }
    }
    return false;
}

/* Maps a field path of jz_household_parse to a row and column. */
static where locate(const hctx *h, const char *path)
{
    where w = {JZ_CSV_HOUSEHOLDS, (uint32_t)h->hh, -1};
    const char *p = path;
    size_t i;

    if (strncmp(p, "members", 7) != 0 || p[7] != '[') {
        if (*p != '\0')
            w.def = def_of_json(JZ_CSV_HOUSEHOLDS, p);
        return w;
    }
    p += 7;
    if (!take_index(&p, &i) || i >= h->nm)
        return w;
    w.table = JZ_CSV_MEMBERS;
    w.row = h->m[i].row;
    if (*p != '.')
        return w;
    p++;
    size_t n = key_len(p);
    int k = -1;
    if (n == 6 && strncmp(p, "income", 6) == 0)
        k = JZ_CSV_INCOME;
    else if (n == 8 && strncmp(p, "expenses", 8) == 0)
        k = JZ_CSV_EXPENSES;
    else if (n == 6 && strncmp(p, "assets", 6) == 0)
        k = JZ_CSV_ASSETS;
    if (k < 0) {
        w.def = def_of_json(JZ_CSV_MEMBERS, p);
        return w;
    }
    if (h->s->t[k] == NULL)
        return w;
    p += n;
    uint32_t r;
    if (k == JZ_CSV_ASSETS) {
        if (h->m[i].assets_row < 0)
            return w;
        w.table = k;
        w.row = (uint32_t)h->m[i].assets_row;
    } else {
        size_t idx = SIZE_MAX;
        if (*p == '[' && !take_index(&p, &idx))
            return w;
        if (!item_row(h, k, i, idx, &r))
            return w;
        w.table = k;
        w.row = r;
    }
    if (*p == '.')
        w.def = def_of_json(k, p + 1);
    return w;
}

/* ---- neutralising a field to look for further problems ------------------- */

static bool del_key(json_t *obj, const char *key, size_t n)
{
    char k[48];
    if (obj == NULL || n >= sizeof k)
        return false;
    memcpy(k, key, n);
    k[n] = '\0';
    return json_object_del(obj, k) == 0;
}

/* A valid ID number no real member has (born 1900-01-01), for member i. */
static json_t *stand_in_id(size_t i)
{
    char id[JZ_IDNUM_BUF];
    snprintf(id, sizeof id, "11010119000101%03u", (unsigned)(i % 1000));
    id[17] = jz_idnum_check_char(id);
    id[18] = '\0';
    return json_string(id);
}

/*
 * Changes the record so that the problem at path goes away: optional fields
 * are removed, required ones get a harmless value, an item becomes a zero
 * "other" item.  Returns false when it cannot (region, the household's
 * structure), which ends the search.  Only ever done to a rejected record.
 */
static bool neutralise(json_t *root, const char *path)
{
    const char *p = path;
    size_t i, n = key_len(p);

    if (strncmp(p, "members", 7) != 0 || p[7] != '[') {
        if (n == 0 || (n == 6 && strncmp(p, "region", 6) == 0) ||
            (n == 12 && strncmp(p, "household_id", 12) == 0) ||
            (n == 7 && strncmp(p, "members", 7) == 0))
            return false;
        if (n == 4 && strncmp(p, "area", 4) == 0)
            return json_object_set_new(root, "area", json_string("urban")) == 0;
        if (n == 7 && strncmp(p, "current", 7) == 0 && p[7] == '.' &&
            strcmp(p + 8, "programme") != 0)
            return del_key(json_object_get(root, "current"), p + 8, strlen(p + 8));
        return del_key(root, p, n);
    }
    p += 7;
    if (!take_index(&p, &i))
        return false;
    json_t *m = json_array_get(json_object_get(root, "members"), i);
    if (m == NULL || *p != '.')
        return false;
    p++;
    n = key_len(p);
    if (n == 2 && strncmp(p, "id", 2) == 0) {
        json_object_del(m, "birth_date");
        json_object_del(m, "sex");
        return json_object_set_new(m, "id", stand_in_id(i)) == 0;
    }
    if (n == 4 && strncmp(p, "name", 4) == 0)
        return json_object_set_new(m, "name", json_string("-")) == 0;
    if (n == 8 && strncmp(p, "relation", 8) == 0) {
        /* The head if nobody else is, so that a bad relation does not also
         * report a household without a head (and two heads not again). */
        json_t *ms = json_object_get(root, "members");
        bool head = false;
        for (size_t k = 0; k < json_array_size(ms); k++) {
            const char *rel = json_string_value(json_object_get(json_array_get(ms, k), "relation"));
            if (k != i && rel && strcmp(rel, "head") == 0)
                head = true;
        }
        return json_object_set_new(m, "relation", json_string(head ? "other" : "head")) == 0;
    }
    if ((n == 6 && strncmp(p, "income", 6) == 0) || (n == 8 && strncmp(p, "expenses", 8) == 0)) {
        json_t *arr = json_object_get(m, n == 6 ? "income" : "expenses");
        size_t k;
        const char *q = p + n;
        if (*q != '[' || !take_index(&q, &k))
            return del_key(m, p, n);
        json_t *item = json_pack("{s:s,s:s}", "kind", "other", "amount", "0");
        return item != NULL && json_array_set_new(arr, k, item) == 0;
    }
    if (n == 6 && strncmp(p, "assets", 6) == 0 && p[6] == '.')
        return del_key(json_object_get(m, "assets"), p + 7, key_len(p + 7));
    /* Sub-objects (disability, illness, student, supporters) go whole: a
     * missing part of one would otherwise be reported again. */
    return del_key(m, p, n);
}

/* ---- the iteration ----------------------------------------------------- */

static jz_err nomem(jz_error *errs, size_t cap, size_t *n_errs)
{
    if (cap > 0) {
        jz_error_clear(&errs[0]);
        jz_error_set(&errs[0], JZ_ENOMEM, NULL, NULL, "内存不足");
        *n_errs = 1;
    }
    return JZ_ENOMEM;
}

/* Orders the stored errors by table, then line (insertion sort: few). */
static void sort_errors(hctx *h)
{
    for (size_t i = 1; i < h->n; i++) {
        jz_error e = h->errs[i];
        where k = h->keys[i];
        size_t j = i;
        while (j > 0 && (h->keys[j - 1].table > k.table ||
                         (h->keys[j - 1].table == k.table && h->errs[j - 1].line > e.line))) {
            h->errs[j] = h->errs[j - 1];
            h->keys[j] = h->keys[j - 1];
            j--;
        }
        h->errs[j] = e;
        h->keys[j] = k;
    }
}

/* Validates the built record; on problems, finds as many as fit in cap by
 * neutralising each one and parsing again. */
static void validate(hctx *h, json_t *root, const jz_parse_opts *opts, char **json_out)
{
    char last[JZ_ERR_FIELD_MAX] = "";
    size_t limit = h->cap + 8;

    for (size_t iter = 0; iter <= limit && h->fatal == JZ_OK; iter++) {
        char *text = json_dumps(root, JSON_COMPACT);
        jz_error pe;
        if (text == NULL) {
            h->fatal = JZ_ENOMEM;
            return;
        }
        jz_error_clear(&pe);
        jz_err rc = jz_household_parse(text, strlen(text), opts, &h->s->hh, h->s->hbuf, &pe);
        if (rc == JZ_OK) {
            if (h->found == 0) {
                *json_out = text;
                h->s->have_hh = true;
                return;
            }
            free(text);
            return;
        }
        free(text);
        if (rc == JZ_ENOMEM) {
            h->fatal = JZ_ENOMEM;
            return;
        }
        where w = locate(h, pe.field);
        bool col_known = w.def >= 0;
        if (!report(h, w, col_known ? NULL : pe.value, col_known ? 0 : strlen(pe.value), pe.reason))
            return;
        if (strcmp(last, pe.field) == 0 || !neutralise(root, pe.field))
            return;
        snprintf(last, sizeof last, "%s", pe.field);
    }
}

static jz_err next_household(jz_csv_set *s, int32_t r, const jz_parse_opts *opts, char **json_out,
                             jz_error *errs, size_t cap, size_t *n_errs)
{
    const table *ht = s->t[JZ_CSV_HOUSEHOLDS];
    hctx h;
    json_t *root = NULL, *members = NULL;
    cells cv;
    const char *p;
    size_t n;

    memset(&h, 0, sizeof h);
    h.s = s;
    h.hh = r;
    h.errs = errs;
    h.cap = cap;
    get_cell(ht, (size_t)r, ht->def_col[COL_HID], &p, &n);
    snprintf(h.hid, sizeof h.hid, "%.*s", (int)(n < sizeof h.hid ? n : sizeof h.hid - 1), p);

    if (n == 0) {
        report(&h, (where){JZ_CSV_HOUSEHOLDS, (uint32_t)r, COL_HID}, NULL, 0,
               "户编号为空：成员表等其他表无法引用这一户");
        goto out;
    }
    for (int32_t d = s->dup_next[r]; d >= 0; d = s->dup_next[d])
        reportf(&h, (where){JZ_CSV_HOUSEHOLDS, (uint32_t)d, COL_HID},
                "户编号重复：与第 %u 行相同（两行都不导入，请删去或改正重复的行）",
                (unsigned)ht->rows[r].line);

    for (int k = JZ_CSV_MEMBERS; k < JZ_CSV_TABLE_COUNT; k++) {
        if (s->t[k] == NULL)
            continue;
        h.rows[k] = s->grp[k] + s->gstart[k][r];
        h.nrows[k] = s->gstart[k][r + 1] - s->gstart[k][r];
        if (k != JZ_CSV_MEMBERS && h.nrows[k] > 0) {
            h.owner[k] = malloc(h.nrows[k] * sizeof *h.owner[k]);
            if (h.owner[k] == NULL) {
                h.fatal = JZ_ENOMEM;
                goto out;
            }
        }
    }
    h.nm = h.nrows[JZ_CSV_MEMBERS];
    if (h.nm == 0) {
        report(&h, (where){JZ_CSV_HOUSEHOLDS, (uint32_t)r, COL_HID}, NULL, 0,
               "成员表中没有这一户的成员（每户至少一名成员）");
        goto out;
    }
    if (h.nm > JZ_MAX_MEMBERS) {
        reportf(&h, (where){JZ_CSV_HOUSEHOLDS, (uint32_t)r, COL_HID},
                "成员表中这一户有 %zu 人，超过上限 %d 人", h.nm, JZ_MAX_MEMBERS);
        goto out;
    }
    h.m = calloc(h.nm, sizeof *h.m);
    root = json_object();
    members = json_array();
    if (h.m == NULL || root == NULL || members == NULL) {
        json_decref(members);
        h.fatal = JZ_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < h.nm; i++)
        h.m[i].row = h.rows[JZ_CSV_MEMBERS][i];

    get_cells(ht, (size_t)r, &cv);
    check_row(&h, JZ_CSV_HOUSEHOLDS, (uint32_t)r, &cv);
    map_row(&h, JZ_CSV_HOUSEHOLDS, (uint32_t)r, &cv, root);
    if (json_object_set_new(root, "members", members) != 0) {
        h.fatal = JZ_ENOMEM;
        goto out;
    }
    build_members(&h, members);
    for (int k = JZ_CSV_INCOME; k < JZ_CSV_TABLE_COUNT && h.fatal == JZ_OK; k++)
        if (s->t[k] != NULL)
            build_items(&h, k);
    if (h.fatal == JZ_OK)
        validate(&h, root, opts, json_out);

out:
    json_decref(root);
    for (int k = 0; k < JZ_CSV_TABLE_COUNT; k++)
        free(h.owner[k]);
    free(h.m);
    if (h.fatal != JZ_OK) {
        free(h.keys);
        free(*json_out);
        *json_out = NULL;
        s->have_hh = false;
        return nomem(errs, cap, n_errs);
    }
    sort_errors(&h);
    free(h.keys);
    *n_errs = h.n;
    if (h.found > 0) {
        s->have_hh = false;
        return JZ_EINPUT;
    }
    return JZ_OK;
}

/* Reports rows of the child tables that belong to no household, cap at a time. */
static jz_err next_orphans(jz_csv_set *s, jz_error *errs, size_t cap, size_t *n_errs)
{
    size_t n = 0;

    for (; s->orphan_table < JZ_CSV_TABLE_COUNT; s->orphan_table++, s->orphan_row = 0) {
        const table *t = s->t[s->orphan_table];
        if (t == NULL)
            continue;
        for (; s->orphan_row < t->nrows; s->orphan_row++) {
            size_t r = s->orphan_row;
            if (t->owner[r] >= 0)
                continue;
            if (n >= cap)
                goto done;
            const char *p, *q;
            size_t pn, qn;
            get_cell(t, r, t->def_col[COL_HID], &p, &pn);
            get_cell(t, r, t->def_col[COL_MEMBER], &q, &qn);
            jz_error *e = &errs[n++];
            char hid[JZ_ERR_HOUSEHOLD_MAX], mid[JZ_ERR_MEMBER_MAX];
            snprintf(hid, sizeof hid, "%.*s", (int)(pn < sizeof hid ? pn : sizeof hid - 1), p);
            snprintf(mid, sizeof mid, "%.*s", (int)(qn < sizeof mid ? qn : sizeof mid - 1), q);
            jz_error_clear(e);
            jz_error_setn(e, JZ_EINPUT, col_name(t, COL_HID), p, pn, "%s",
                          pn == 0 ? "缺少户编号（这一行属于哪一户？）"
                                  : "户表中没有这个户编号：这一行不属于任何一户，没有导入");
            jz_error_set_source(e, t->path, (long)t->rows[r].line);
            jz_error_set_where(e, hid, mid);
        }
    }
done:
    *n_errs = n;
    return n > 0 ? JZ_EINPUT : JZ_EOF;
}

jz_err jz_csv_next(jz_csv_set *s, const jz_parse_opts *opts, char **json_out, jz_error *errs,
                   size_t cap, size_t *n_errs)
{
    const table *ht = s->t[JZ_CSV_HOUSEHOLDS];

    *json_out = NULL;
    *n_errs = 0;
    s->have_hh = false;
    while (s->next_hh < ht->nrows) {
        int32_t r = (int32_t)s->next_hh++;
        if (s->first[r] != r)
            continue; /* a duplicate: reported with the first row of its id */
        return next_household(s, r, opts, json_out, errs, cap, n_errs);
    }
    if (cap == 0) {
        /* Nothing can be reported: count what is left so the caller still
         * learns that rows were rejected. */
        for (; s->orphan_table < JZ_CSV_TABLE_COUNT; s->orphan_table++, s->orphan_row = 0) {
            const table *t = s->t[s->orphan_table];
            for (; t != NULL && s->orphan_row < t->nrows; s->orphan_row++)
                if (t->owner[s->orphan_row] < 0) {
                    s->orphan_row++;
                    return JZ_EINPUT;
                }
        }
        return JZ_EOF;
    }
    return next_orphans(s, errs, cap, n_errs);
}
