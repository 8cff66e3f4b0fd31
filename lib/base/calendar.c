/*
 * calendar.c - working days from the official holiday calendar (R-WF-3).
 *
 * The file is read whole and checked strictly: every row is a real date, a
 * kind ("off" or "work") and a holiday name; a date appears once; a make-up
 * working day ("work") falls on a weekend, since a weekday is a working day
 * anyway.  The covered years are stated in a comment ("Years covered:
 * 2023-2026"): within the years of the file's rows (a year is only known
 * once its holidays are entered), and each must have rows.  The result is
 * one flag per day of the covered years.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base_int.h"
#include "jiuzhu/jz_calendar.h"
#include "jiuzhu/jz_file.h"

#define MAX_YEARS 100
#define HEADER "date,kind,name"
#define COVERED "Years covered:"

struct jz_calendar {
    char name[256];        /* the file it was read from, for messages */
    int first, last;       /* covered years */
    int32_t day0;          /* jz_date_to_days(first-01-01) */
    int32_t n_days;        /* days covered */
    unsigned char *work;   /* 1 = working day, per day from day0 */
    unsigned char *listed; /* 1 = the file has a row for the day */
};

static jz_err at_line(jz_error *err, const char *name, long line, jz_err rc)
{
    jz_error_set_source(err, name, line);
    return rc;
}

/* "Years covered: 2023-2026" anywhere in a comment line.  Returns 0 when
 * the line does not say it; 1 when it does, with the years; -1 when it says
 * "Years covered:" with a value that is not two years joined by "-".
 * *tok, *tok_n: the value as written (for messages). */
static int parse_covered(const char *s, size_t len, int *first, int *last, const char **tok,
                         size_t *tok_n)
{
    const char *p = NULL;
    size_t k = strlen(COVERED);
    for (size_t i = 0; i + k <= len; i++)
        if (memcmp(s + i, COVERED, k) == 0) {
            p = s + i + k;
            break;
        }
    if (!p)
        return 0;
    const char *end = s + len;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    /* Two runs of at most 6 digits around a "-" (spaces allowed), then the
     * end of the line, a space or punctuation. */
    long y[2] = {0, 0};
    const char *q = p;
    bool ok = true;
    for (int part = 0; part < 2 && ok; part++) {
        const char *d = q;
        while (q < end && *q >= '0' && *q <= '9' && q - d < 6)
            y[part] = y[part] * 10 + (*q++ - '0');
        ok = q > d;
        if (ok && part == 0) {
            while (q < end && *q == ' ')
                q++;
            ok = q < end && *q++ == '-';
            while (q < end && *q == ' ')
                q++;
        }
    }
    ok = ok && (q == end || strchr(" \t.,;)", *q));
    /* The value as written: what was read, or up to the next space. */
    const char *e = q;
    while (!ok && e < end && *e != ' ' && *e != '\t')
        e++;
    if (!ok && e > p && (e[-1] == '.' || e[-1] == ','))
        e--;
    *tok = p;
    *tok_n = (size_t)(e - p);
    if (!ok)
        return -1;
    *first = (int)y[0];
    *last = (int)y[1];
    return 1;
}

/* Splits a row "date,kind,name" (exactly three fields, none empty). */
static bool split3(const char *s, size_t len, const char *f[3], size_t n[3])
{
    size_t field = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == ',') {
            if (field == 3)
                return false;
            f[field] = s + start;
            n[field] = i - start;
            field++;
            start = i + 1;
        }
    }
    return field == 3 && n[0] && n[1] && n[2];
}

typedef struct row {
    jz_date date;
    bool work;
    long line;
} row;

jz_err jz_calendar_parse(const char *text, size_t len, const char *name, jz_calendar **out,
                         jz_error *err)
{
    *out = NULL;
    if (!name)
        name = "";
    row *rows = NULL;
    size_t n_rows = 0, cap = 0;
    int first = 0, last = 0;
    bool covered = false, header = false;
    char covered_text[32] = ""; /* the value as written */
    long covered_line = 0;
    long line = 0;
    jz_err rc = JZ_OK;
    size_t pos = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < len && !rc) {
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl ? 1 : 0);
        line++;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        if (memchr(s, '\0', n)) {
            rc = at_line(err, name, line,
                         jz_error_set(err, JZ_EINPUT, NULL, NULL, "行中含有空字符（NUL）"));
            break;
        }
        if (n == 0)
            continue;
        if (s[0] == '#') {
            int a = 0, b = 0;
            const char *tok = NULL;
            size_t tn = 0;
            int said = parse_covered(s, n, &a, &b, &tok, &tn);
            if (said == 0)
                continue;
            if (covered) {
                rc = at_line(err, name, line,
                             jz_error_setn(err, JZ_EINPUT, "Years covered", tok, tn,
                                           "覆盖年份只能声明一次（第 %ld 行已声明“%s”）",
                                           covered_line, covered_text));
                break;
            }
            if (said < 0) {
                rc = at_line(err, name, line,
                             jz_error_setn(err, JZ_EINPUT, "Years covered", tok, tn,
                                           "覆盖年份“%.*s”的格式不对：应为 起始年-结束年，"
                                           "如 2023-2026",
                                           (int)(tn < 24 ? tn : 24), tok));
                break;
            }
            if (a > b) {
                rc = at_line(err, name, line,
                             jz_error_setn(err, JZ_EINPUT, "Years covered", tok, tn,
                                           "覆盖年份“%.*s”的起始年晚于结束年",
                                           (int)(tn < 24 ? tn : 24), tok));
                break;
            }
            first = a;
            last = b;
            covered = true;
            covered_line = line;
            snprintf(covered_text, sizeof covered_text, "%.*s", (int)(tn < 31 ? tn : 31), tok);
            continue;
        }
        if (!header) {
            if (n != strlen(HEADER) || memcmp(s, HEADER, n) != 0) {
                rc = at_line(err, name, line,
                             jz_error_setn(err, JZ_EINPUT, NULL, s, n, "表头应为 %s", HEADER));
                break;
            }
            header = true;
            continue;
        }
        const char *f[3];
        size_t fn[3];
        if (!split3(s, n, f, fn)) {
            rc = at_line(err, name, line,
                         jz_error_setn(err, JZ_EINPUT, NULL, s, n,
                                       "应为三个非空字段：日期,类别,节日名称"));
            break;
        }
        jz_date d;
        if ((rc = jz_date_parse(f[0], fn[0], &d, err))) {
            snprintf(err->field, sizeof err->field, "date");
            at_line(err, name, line, rc);
            break;
        }
        bool work;
        if (fn[1] == 3 && memcmp(f[1], "off", 3) == 0) {
            work = false;
        } else if (fn[1] == 4 && memcmp(f[1], "work", 4) == 0) {
            work = true;
        } else {
            rc = at_line(err, name, line,
                         jz_error_setn(err, JZ_EINPUT, "kind", f[1], fn[1],
                                       "应为 off（休息）或 work（调休上班）"));
            break;
        }
        if (work && jz_date_weekday(d) < 5) {
            rc = at_line(err, name, line,
                         jz_error_setn(err, JZ_EINPUT, "date", f[0], fn[0],
                                       "调休上班日应在周六或周日（工作日本来就上班）"));
            break;
        }
        if (n_rows == cap) {
            size_t nc = cap ? cap * 2 : 256;
            row *g = realloc(rows, nc * sizeof *g);
            if (!g) {
                rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                break;
            }
            rows = g;
            cap = nc;
        }
        rows[n_rows++] = (row){d, work, line};
    }
    if (!rc && !header)
        rc = at_line(err, name, 0, jz_error_set(err, JZ_EINPUT, NULL, NULL, "缺少表头 %s", HEADER));
    if (!rc && !covered)
        rc = at_line(err, name, 0,
                     jz_error_set(err, JZ_EINPUT, "Years covered", NULL,
                                  "缺少覆盖年份说明（注释行：# Years covered: 2023-2026）"));
    /* A covered year is one whose holidays the file lists: the years must
     * lie within those of its rows (a typo such as 1-2199 would otherwise
     * claim centuries nobody has announced). */
    if (!rc) {
        int lo = 0, hi = 0;
        for (size_t i = 0; i < n_rows; i++) {
            int y = jz_date_year(rows[i].date);
            if (!i || y < lo)
                lo = y;
            if (!i || y > hi)
                hi = y;
        }
        if (n_rows == 0)
            rc = at_line(err, name, covered_line,
                         jz_error_set(err, JZ_EINPUT, "Years covered", covered_text,
                                      "覆盖年份“%s”，但文件中没有任何节假日行", covered_text));
        else if (first < lo || last > hi)
            rc = at_line(err, name, covered_line,
                         jz_error_set(err, JZ_EINPUT, "Years covered", covered_text,
                                      "覆盖年份“%s”超出了文件中节假日行的年份（%d–%d 年）：只能声明"
                                      "已列出放假安排的年份",
                                      covered_text, lo, hi));
        else if (last - first >= MAX_YEARS)
            rc = at_line(err, name, covered_line,
                         jz_error_set(err, JZ_EINPUT, "Years covered", covered_text,
                                      "覆盖年份“%s”跨度超过 %d 年", covered_text, MAX_YEARS));
    }
    jz_calendar *c = NULL;
    if (!rc && !(c = calloc(1, sizeof *c)))
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (!rc) {
        snprintf(c->name, sizeof c->name, "%s", name[0] ? name : "cn-holidays.csv");
        c->first = first;
        c->last = last;
        c->day0 = jz_date_to_days(jz_date_make(first, 1, 1));
        c->n_days = jz_date_to_days(jz_date_make(last, 12, 31)) - c->day0 + 1;
        c->work = malloc((size_t)c->n_days);
        c->listed = calloc((size_t)c->n_days, 1);
        if (!c->work || !c->listed)
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    if (!rc) {
        for (int32_t i = 0; i < c->n_days; i++)
            c->work[i] = jz_date_weekday(jz_date_from_days(c->day0 + i)) < 5;
        bool year_has_rows[MAX_YEARS] = {false};
        for (size_t i = 0; i < n_rows && !rc; i++) {
            int y = jz_date_year(rows[i].date);
            if (y < first || y > last)
                continue; /* e.g. 31 December of the year before, part of 元旦 */
            int32_t k = jz_date_to_days(rows[i].date) - c->day0;
            if (c->listed[k]) {
                char d[JZ_DATE_BUF];
                jz_date_format(rows[i].date, d, sizeof d);
                rc = at_line(err, name, rows[i].line,
                             jz_error_set(err, JZ_EINPUT, "date", d, "同一日期出现两次"));
                break;
            }
            c->listed[k] = 1;
            c->work[k] = rows[i].work;
            year_has_rows[y - first] = true;
        }
        for (int y = first; y <= last && !rc; y++)
            if (!year_has_rows[y - first]) {
                char v[16];
                snprintf(v, sizeof v, "%d", y);
                rc = at_line(err, name, 0,
                             jz_error_set(err, JZ_EINPUT, "Years covered", v,
                                          "%d 年在声明的覆盖年份内，却没有任何节假日行", y));
            }
    }
    free(rows);
    if (rc) {
        jz_calendar_free(c);
        return rc;
    }
    *out = c;
    return JZ_OK;
}

jz_err jz_calendar_load(const char *path, jz_calendar **out, jz_error *err)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    jz_err rc = jz_file_read(path, "节假日文件", 16u << 20, &text, &len, err);
    if (!rc)
        rc = jz_calendar_parse(text, len, path, out, err);
    free(text);
    return rc;
}

void jz_calendar_free(jz_calendar *c)
{
    if (!c)
        return;
    free(c->work);
    free(c->listed);
    free(c);
}

void jz_calendar_years(const jz_calendar *c, int *first, int *last)
{
    *first = c->first;
    *last = c->last;
}

const char *jz_calendar_name(const jz_calendar *c)
{
    return c->name;
}

static jz_err outside(const jz_calendar *c, jz_date d, jz_error *err)
{
    char v[JZ_DATE_BUF];
    jz_date_format(d, v, sizeof v);
    return jz_error_set(err, JZ_ERANGE, "date", v,
                        "%s 超出节假日数据覆盖的年份（%d–%d 年，节假日文件 %s），无法计算工作日；"
                        "请在该文件中补充 %d 年的放假安排（国务院办公厅公布后）并修改其覆盖年份",
                        v, c->first, c->last, c->name, jz_date_year(d));
}

/* Index of d in the tables, or -1 outside the covered years. */
static int32_t index_of(const jz_calendar *c, jz_date d)
{
    int y = jz_date_year(d);
    if (y < c->first || y > c->last)
        return -1;
    return jz_date_to_days(d) - c->day0;
}

jz_err jz_calendar_is_workday(const jz_calendar *c, jz_date d, bool *out, jz_error *err)
{
    int32_t k = index_of(c, d);
    if (k < 0)
        return outside(c, d, err);
    *out = c->work[k];
    return JZ_OK;
}

jz_err jz_calendar_add(const jz_calendar *c, jz_date from, int n, jz_date *out, jz_error *err)
{
    int32_t k = index_of(c, from);
    if (k < 0)
        return outside(c, from, err);
    int step = n < 0 ? -1 : 1;
    long left = n < 0 ? -(long)n : n;
    while (left > 0) {
        k += step;
        if (k < 0 || k >= c->n_days)
            return outside(c, jz_date_from_days(c->day0 + k), err);
        if (c->work[k])
            left--;
    }
    *out = jz_date_from_days(c->day0 + k);
    return JZ_OK;
}

jz_err jz_calendar_count(const jz_calendar *c, jz_date from, jz_date to, int *out, jz_error *err)
{
    int32_t a = index_of(c, from), b = index_of(c, to);
    if (a < 0)
        return outside(c, from, err);
    if (b < 0)
        return outside(c, to, err);
    int sign = 1;
    if (b < a) {
        int32_t t = a;
        a = b;
        b = t;
        sign = -1;
    }
    int n = 0;
    for (int32_t k = a + 1; k <= b; k++)
        n += c->work[k];
    *out = sign * n;
    return JZ_OK;
}
