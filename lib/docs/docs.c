/*
 * docs.c - the documents of the procedure (seed 001 四(五), POLICY.md R-WF-1,
 * R-PUB-1): the decision notice, and the 公示 and 公布 lists of a village.
 *
 * Everything is rendered into a growable string buffer whose failure is
 * sticky: once an allocation fails every later append is a no-op and the
 * renderer returns NULL, so the layout code does not need a check after each
 * line.  Text that came from outside (names, IDs, notes, reasons) is escaped
 * for HTML and quoted for CSV on the way out, never trusted; a name that a
 * spreadsheet would read as a formula is neutralised in CSV and xlsx.
 *
 * The only I/O is the .xlsx file of jz_doc_list_xlsx (libxlsxwriter, which
 * also prints its own one-line error to stderr when it cannot create a file).
 */
#include "jiuzhu/jz_docs.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

/* The wording shared by the renderers. */
#define TITLE_APPROVED "最低生活保障等社会救助审核确认通知书"
#define TITLE_REFUSED "最低生活保障等社会救助不予批准通知书"
#define TITLE_NOTICE "最低生活保障等社会救助初审意见公示"
#define TITLE_PUBLISHED "最低生活保障等社会救助审核确认结果公布"
#define NO_CASH "—（不发放现金）"
#define OBJECTION "对公示对象有异议的，请于公示期内向乡镇人民政府（街道办事处）反映。"
static const char APPEAL[] = "如对本决定不服，可在收到本通知书之日起六十日内依法申请行政复议，"
                             "或者在六个月内依法提起行政诉讼。";

/* The most columns of a table (the lists have four). */
#define MAX_COLS 4

/* ---------------------------------------------------------------------------
 * Growable string buffer
 * ------------------------------------------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t len, cap; /* cap > len whenever p != NULL: room for the terminator */
    bool failed;
} sbuf;

/* Makes room for `more` bytes and the terminator; false (and failed) when
 * the size would overflow or realloc fails. */
static bool sb_reserve(sbuf *b, size_t more)
{
    size_t need, cap;
    char *p;

    if (b->failed)
        return false;
    if (more > SIZE_MAX - 1 - b->len) {
        b->failed = true;
        return false;
    }
    need = b->len + more + 1;
    if (need <= b->cap)
        return true;
    cap = b->cap ? b->cap : 512;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = realloc(b->p, cap);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

static void sb_addn(sbuf *b, const char *s, size_t n)
{
    if (!sb_reserve(b, n))
        return;
    if (n > 0)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_add(sbuf *b, const char *s)
{
    if (s != NULL)
        sb_addn(b, s, strlen(s));
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->failed)
        return;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if (!sb_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void sb_pad(sbuf *b, size_t n)
{
    while (n-- > 0)
        sb_addn(b, " ", 1);
}

/* Hands the text over to the caller (an empty buffer becomes ""), or frees
 * it and returns NULL when an allocation failed on the way. */
static char *sb_finish(sbuf *b)
{
    if (!b->failed && b->p == NULL)
        sb_reserve(b, 0);
    if (b->failed) {
        free(b->p);
        b->p = NULL;
        return NULL;
    }
    b->p[b->len] = '\0';
    return b->p;
}

/* ---------------------------------------------------------------------------
 * Escaping and small formatters
 * ------------------------------------------------------------------------- */

/* A NULL string field reads as empty, so a caller's missing optional field
 * cannot crash a renderer. */
static const char *str(const char *s)
{
    return s != NULL ? s : "";
}

static void sb_html(sbuf *b, const char *s)
{
    const char *run = s = str(s);

    for (; *s != '\0'; s++) {
        const char *rep;

        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        sb_addn(b, run, (size_t)(s - run));
        sb_add(b, rep);
        run = s + 1;
    }
    sb_addn(b, run, (size_t)(s - run));
}

/* Writes s for the format: escaped for HTML, as it is for text. */
static void sb_out(sbuf *b, jz_doc_format f, const char *s)
{
    if (f == JZ_DOC_HTML)
        sb_html(b, s);
    else
        sb_add(b, str(s));
}

/* A text table cell: control characters (a newline in a name) become
 * spaces, so that a cell cannot break the layout or forge a row. */
static void sb_text_cell(sbuf *b, const char *s)
{
    for (s = str(s); *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        char out = c < 0x20 || c == 0x7F ? ' ' : *s;
        sb_addn(b, &out, 1);
    }
}

/*
 * True when a spreadsheet would take the text for a formula (=, +, -, @), or
 * may after trimming (a leading tab or carriage return, OWASP's list), or
 * when it starts with a full-width form (＝ ＋ － ＠, which a Chinese input
 * method types and a spreadsheet may normalise to the ASCII one).  Such a name
 * gets a leading ' in CSV and xlsx: the cell then shows the name as text,
 * and a spreadsheet never evaluates it.
 */
bool jz_doc_formula_like(const char *s)
{
    static const char *const wide[] = {"\xEF\xBC\x9D", "\xEF\xBC\x8B", "\xEF\xBC\x8D",
                                       "\xEF\xBC\xA0"}; /* ＝ ＋ － ＠ */
    if (s == NULL || s[0] == '\0')
        return false;
    if (strchr("=+-@\t\r", s[0]) != NULL)
        return true;
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (strncmp(s, wide[i], 3) == 0)
            return true;
    return false;
}

static bool formula_like(const char *s)
{
    return jz_doc_formula_like(s);
}

/* 2025年6月20日, or "—" for a missing date. */
static const char *cn_date(jz_date d, char *buf, size_t n)
{
    if (d == JZ_DATE_NONE)
        snprintf(buf, n, "—");
    else
        snprintf(buf, n, "%d年%d月%d日", jz_date_year(d), jz_date_month(d), jz_date_day(d));
    return buf;
}

/* "2025-07" becomes 2025年07月; anything else is shown as given. */
static void sb_month(sbuf *b, jz_doc_format f, const char *ym)
{
    const char *s = str(ym);
    bool ok = strlen(s) == 7 && s[4] == '-';

    for (int i = 0; ok && i < 7; i++)
        ok = i == 4 || (s[i] >= '0' && s[i] <= '9');
    if (!ok) {
        sb_out(b, f, s);
        return;
    }
    sb_addn(b, s, 4);
    sb_add(b, "年");
    sb_addn(b, s + 5, 2);
    sb_add(b, "月");
}

/* ---------------------------------------------------------------------------
 * Display width, for aligned text
 * ------------------------------------------------------------------------- */

/* Decodes one UTF-8 character at p (terminated string); a malformed byte
 * counts as one character of its own. */
static size_t utf8_next(const unsigned char *p, uint32_t *cp)
{
    size_t need;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        need = 2;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        need = 3;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        need = 4;
    else
        need = 0;
    *cp = need == 0 ? 0xFFFD : (uint32_t)(p[0] & (0x7F >> need));
    for (size_t i = 1; i < need; i++) {
        if ((p[i] & 0xC0) != 0x80) { /* also stops at the terminator */
            *cp = 0xFFFD;
            return 1;
        }
        *cp = (*cp << 6) | (p[i] & 0x3F);
    }
    return need == 0 ? 1 : need;
}

/* The East Asian wide and fullwidth blocks (Unicode UAX #11, simplified):
 * Han, kana, Hangul, CJK punctuation and the fullwidth forms such as （）：. */
static bool is_wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

static size_t disp_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)str(s);
    size_t w = 0;

    while (*p != '\0') {
        uint32_t cp;
        p += utf8_next(p, &cp);
        w += is_wide(cp) ? 2 : 1;
    }
    return w;
}

/* ---------------------------------------------------------------------------
 * Tables: one description, rendered as aligned text or as an HTML table
 * ------------------------------------------------------------------------- */

/* Returns the text of a cell: a string of the caller's, or one written into
 * tmp[n] (n >= JZ_MONEY_BUF). */
typedef const char *(*cell_fn)(const void *ctx, size_t row, size_t col, char *tmp, size_t n);

typedef struct table {
    size_t ncols, nrows;
    const char *const *heads;
    const bool *right; /* right-aligned (numeric) columns */
    cell_fn cell;
    const void *ctx;
    const char *footer; /* a line below the rows (the total), or NULL */
} table;

#define CELL_TMP 64
#define HEADS ((size_t)-1) /* the row index that means the heads */

static void text_rule(sbuf *b, size_t n)
{
    while (n-- > 0)
        sb_addn(b, "-", 1);
    sb_addn(b, "\n", 1);
}

static void text_row(sbuf *b, const table *t, const size_t *width, size_t r)
{
    char tmp[CELL_TMP];

    for (size_t c = 0; c < t->ncols; c++) {
        const char *s = r == HEADS ? t->heads[c] : t->cell(t->ctx, r, c, tmp, sizeof tmp);
        size_t w = disp_width(s), pad = width[c] > w ? width[c] - w : 0;

        if (c > 0)
            sb_pad(b, 2);
        if (t->right[c])
            sb_pad(b, pad);
        sb_text_cell(b, s);
        if (!t->right[c] && c + 1 < t->ncols)
            sb_pad(b, pad);
    }
    sb_addn(b, "\n", 1);
}

static void table_text(sbuf *b, const table *t)
{
    size_t width[MAX_COLS], total = 0;
    char tmp[CELL_TMP];

    for (size_t c = 0; c < t->ncols; c++)
        width[c] = disp_width(t->heads[c]);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            size_t w = disp_width(t->cell(t->ctx, r, c, tmp, sizeof tmp));
            if (w > width[c])
                width[c] = w;
        }
    }
    for (size_t c = 0; c < t->ncols; c++)
        total += width[c] + (c > 0 ? 2 : 0);

    text_row(b, t, width, HEADS);
    text_rule(b, total);
    for (size_t r = 0; r < t->nrows; r++)
        text_row(b, t, width, r);
    text_rule(b, total);
    if (t->footer != NULL) {
        sb_text_cell(b, t->footer);
        sb_addn(b, "\n", 1);
    }
    sb_addn(b, "\n", 1);
}

static void table_html(sbuf *b, const table *t)
{
    char tmp[CELL_TMP];

    sb_add(b, "<table>\n<thead><tr>");
    for (size_t c = 0; c < t->ncols; c++) {
        sb_add(b, "<th>");
        sb_html(b, t->heads[c]);
        sb_add(b, "</th>");
    }
    sb_add(b, "</tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < t->nrows; r++) {
        sb_add(b, "<tr>");
        for (size_t c = 0; c < t->ncols; c++) {
            sb_add(b, t->right[c] ? "<td class=\"num\">" : "<td>");
            sb_html(b, t->cell(t->ctx, r, c, tmp, sizeof tmp));
            sb_add(b, "</td>");
        }
        sb_add(b, "</tr>\n");
    }
    sb_add(b, "</tbody>\n");
    if (t->footer != NULL) {
        sb_printf(b, "<tfoot><tr><td colspan=\"%zu\">", t->ncols);
        sb_html(b, t->footer);
        sb_add(b, "</td></tr></tfoot>\n");
    }
    sb_add(b, "</table>\n");
}

static void table_out(sbuf *b, jz_doc_format f, const table *t)
{
    if (f == JZ_DOC_HTML)
        table_html(b, t);
    else
        table_text(b, t);
}

/* ---------------------------------------------------------------------------
 * Document frame: title, paragraphs, label/value lines, signature
 * ------------------------------------------------------------------------- */

/* Enough style for the screen and the printer: the table ruled, the numbers
 * right-aligned, the signature on the right as on a paper notice. */
#define CSS                                                                                        \
    "body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.6}\n"                \
    "h1{font-size:1.4em;text-align:center}\n"                                                      \
    "table{border-collapse:collapse;margin:1em 0}\n"                                               \
    "th,td{border:1px solid #888;padding:.2em .6em;text-align:left}\n"                             \
    "td.num{text-align:right}\n"                                                                   \
    "table.facts th,table.facts td{border:none;padding:0 .6em 0 0}\n"                              \
    "p.sign{text-align:right;margin-top:2em}\n"

static void doc_begin(sbuf *b, jz_doc_format f, const char *title)
{
    if (f == JZ_DOC_HTML) {
        sb_add(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<title>");
        sb_html(b, title);
        sb_add(b, "</title>\n<style>\n" CSS "</style>\n</head>\n<body>\n<h1>");
        sb_html(b, title);
        sb_add(b, "</h1>\n");
    } else {
        sb_add(b, str(title));
        sb_add(b, "\n\n");
    }
}

static void doc_end(sbuf *b, jz_doc_format f)
{
    if (f == JZ_DOC_HTML) {
        sb_add(b, "</body>\n</html>\n");
    } else if (!b->failed && b->len >= 2 && b->p[b->len - 1] == '\n' && b->p[b->len - 2] == '\n') {
        b->p[--b->len] = '\0'; /* one newline at the end, not a blank line */
    }
}

static void para_open(sbuf *b, jz_doc_format f)
{
    if (f == JZ_DOC_HTML)
        sb_add(b, "<p>");
}

static void para_close(sbuf *b, jz_doc_format f)
{
    sb_add(b, f == JZ_DOC_HTML ? "</p>\n" : "\n\n");
}

/* A paragraph of one string, escaped as the format needs. */
static void para(sbuf *b, jz_doc_format f, const char *s)
{
    para_open(b, f);
    sb_out(b, f, s);
    para_close(b, f);
}

static void facts_open(sbuf *b, jz_doc_format f)
{
    if (f == JZ_DOC_HTML)
        sb_add(b, "<table class=\"facts\">\n");
}

static void fact(sbuf *b, jz_doc_format f, const char *label, const char *value)
{
    if (f == JZ_DOC_HTML) {
        sb_add(b, "<tr><th>");
        sb_add(b, label);
        sb_add(b, "：</th><td>");
        sb_html(b, value);
        sb_add(b, "</td></tr>\n");
    } else {
        sb_add(b, label);
        sb_add(b, "：");
        sb_text_cell(b, value);
        sb_add(b, "\n");
    }
}

static void facts_close(sbuf *b, jz_doc_format f)
{
    sb_add(b, f == JZ_DOC_HTML ? "</table>\n" : "\n");
}

/* The issuing authority: 忻府区民政局, from the county's name. */
static void sb_bureau(sbuf *b, const char *county)
{
    if (str(county)[0] != '\0') {
        sb_add(b, county);
        sb_add(b, "民政局");
    } else {
        sb_add(b, "县级人民政府民政部门");
    }
}

/* The signature: the bureau and the date of the decision. */
static void signature(sbuf *b, jz_doc_format f, const char *county, jz_date on)
{
    sbuf who = {0};
    char date[32];

    sb_bureau(&who, county);
    if (who.failed) {
        b->failed = true;
        free(who.p);
        return;
    }
    if (f == JZ_DOC_HTML) {
        sb_add(b, "<p class=\"sign\">");
        sb_html(b, who.p);
        sb_add(b, "<br>");
        sb_add(b, cn_date(on, date, sizeof date));
        sb_add(b, "</p>\n");
    } else {
        sb_add(b, who.p);
        sb_add(b, "\n");
        sb_add(b, cn_date(on, date, sizeof date));
        sb_add(b, "\n");
    }
    free(who.p);
}

/* ---------------------------------------------------------------------------
 * The decision notice
 * ------------------------------------------------------------------------- */

static const char *const UNIT_HEADS[] = {"救助对象", "救助类别", "人数", "月保障金额（元）"};
static const bool UNIT_RIGHT[] = {false, false, true, true};

static const char *unit_cell(const void *ctx, size_t r, size_t c, char *tmp, size_t n)
{
    const jz_doc_unit *u = (const jz_doc_unit *)ctx + r;

    switch (c) {
    case 0:
        return str(u->label);
    case 1:
        return str(u->programme);
    case 2:
        snprintf(tmp, n, "%d", u->members);
        return tmp;
    default:
        if (u->once > 0) {
            char m[JZ_MONEY_BUF];
            jz_money_format(u->once, m, sizeof m);
            snprintf(tmp, n, "一次性 %s", m);
            return tmp;
        }
        if (u->monthly == 0)
            return NO_CASH;
        jz_money_format(u->monthly, tmp, n);
        return tmp;
    }
}

static void decision_facts(sbuf *b, jz_doc_format f, const jz_doc_decision *d)
{
    char buf[64];

    facts_open(b, f);
    snprintf(buf, sizeof buf, "%" PRId64, d->case_id);
    fact(b, f, "案件编号", buf);
    fact(b, f, "户编号", str(d->household_id));
    if (str(d->township_name)[0] != '\0' || str(d->village_name)[0] != '\0') {
        sbuf where = {0};
        sb_add(&where, str(d->township_name));
        sb_add(&where, str(d->village_name));
        if (where.failed)
            b->failed = true;
        else
            fact(b, f, "所在地", where.p);
        free(where.p);
    }
    snprintf(buf, sizeof buf, "%d 人", d->members);
    fact(b, f, "家庭人口", buf);
    fact(b, f, "受理日期", cn_date(d->accepted_on, buf, sizeof buf));
    fact(b, f, "决定日期", cn_date(d->decided_on, buf, sizeof buf));
    facts_close(b, f);
}

static void decision_units(sbuf *b, jz_doc_format f, const jz_doc_decision *d)
{
    jz_fen sum = 0;
    bool cash = false;
    char footer[96], money[JZ_MONEY_BUF];
    table t = {4, d->n_units, UNIT_HEADS, UNIT_RIGHT, unit_cell, d->units, NULL};

    for (size_t i = 0; i < d->n_units; i++) {
        if (!jz_money_add(sum, d->units[i].monthly, &sum)) {
            b->failed = true; /* cannot happen with amounts below JZ_MONEY_MAX */
            return;
        }
        cash = cash || d->units[i].monthly != 0;
    }
    if (d->n_units > 1) {
        jz_money_format(sum, money, sizeof money);
        snprintf(footer, sizeof footer, "每月合计 %s 元", money);
        t.footer = footer;
    }
    table_out(b, f, &t);

    if (str(d->first_month)[0] != '\0') {
        para_open(b, f);
        sb_add(b, "自 ");
        sb_month(b, f, d->first_month);
        /* 低保边缘 and 刚性支出困难 pay no cash: their families receive the
         * special assistance, so "发放" would promise money that never comes. */
        sb_add(b, cash ? " 起发放。" : " 起享受相应救助。");
        para_close(b, f);
    }
}

static void reason_list(sbuf *b, jz_doc_format f, const jz_doc_reason *rs, size_t n)
{
    if (f == JZ_DOC_HTML)
        sb_add(b, "<ol class=\"reasons\">\n");
    for (size_t i = 0; i < n; i++) {
        const jz_doc_reason *r = &rs[i];

        if (f == JZ_DOC_HTML) {
            sb_add(b, "<li>");
            sb_html(b, r->text);
            sb_add(b, "<br>规则：");
            sb_html(b, r->rule);
            sb_add(b, "；依据：");
            sb_html(b, r->source);
            sb_add(b, "</li>\n");
        } else {
            sb_printf(b, "%zu. ", i + 1);
            sb_add(b, str(r->text));
            sb_add(b, "\n   规则：");
            sb_add(b, str(r->rule));
            sb_add(b, "；依据：");
            sb_add(b, str(r->source));
            sb_add(b, "\n");
        }
    }
    sb_add(b, f == JZ_DOC_HTML ? "</ol>\n" : "\n");
}

static void decision_reasons(sbuf *b, jz_doc_format f, const jz_doc_decision *d)
{
    if (d->n_reasons == 0) {
        para(b, f, "（未列明理由）");
        return;
    }
    reason_list(b, f, d->reasons, d->n_reasons);
}

/* An approval that refuses some units: each with its reason and rules; and
 * the programmes not found, with the rules that failed (R-WF-7, R-ONE-1). */
static void decision_refusals(sbuf *b, jz_doc_format f, const jz_doc_decision *d)
{
    if (d->n_refused > 0) {
        para(b, f, "以下申请事项不予批准：");
        for (size_t i = 0; i < d->n_refused; i++) {
            const jz_doc_refusal *r = &d->refused[i];
            para_open(b, f);
            sb_printf(b, "%zu. ", i + 1);
            sb_out(b, f, str(r->label));
            sb_add(b, " ");
            sb_out(b, f, str(r->programme));
            sb_add(b, "：不予批准。理由：");
            sb_out(b, f, str(r->reason)[0] ? r->reason : "（未列明理由）");
            para_close(b, f);
            if (r->n_rules > 0)
                reason_list(b, f, r->rules, r->n_rules);
        }
    }
    if (d->n_not_found > 0) {
        para(b, f, "经审核，你家不符合以下救助项目的条件：");
        reason_list(b, f, d->not_found, d->n_not_found);
    }
}

char *jz_doc_decision_render(const jz_doc_decision *d, jz_doc_format f)
{
    sbuf b = {0};
    char date[32];

    if (d == NULL || (f != JZ_DOC_TEXT && f != JZ_DOC_HTML))
        return NULL;
    if ((d->n_units > 0 && d->units == NULL) || (d->n_reasons > 0 && d->reasons == NULL))
        return NULL;

    doc_begin(&b, f, d->approved ? TITLE_APPROVED : TITLE_REFUSED);

    para_open(&b, f);
    sb_out(&b, f, d->applicant_name);
    sb_add(&b, "：");
    para_close(&b, f);

    para_open(&b, f);
    if (d->accepted_on != JZ_DATE_NONE) {
        sb_add(&b, "你家提出的社会救助申请已于");
        sb_add(&b, cn_date(d->accepted_on, date, sizeof date));
        sb_add(&b, "受理。");
    } else {
        sb_add(&b, "你家提出的社会救助申请已受理。");
    }
    if (d->approved && d->n_refused + d->n_not_found > 0)
        sb_add(&b, "经家庭经济状况调查、信息核对、乡镇人民政府（街道办事处）初审和公示，"
                   "本局审核确认，决定给予以下救助，其余申请事项不予批准。具体如下：");
    else if (d->approved)
        sb_add(&b, "经家庭经济状况调查、信息核对、乡镇人民政府（街道办事处）初审和公示，"
                   "本局审核确认，决定给予救助。具体如下：");
    else
        sb_add(&b, "经审核，你家不符合最低生活保障等社会救助条件，本局决定不予批准。"
                   "理由如下：");
    para_close(&b, f);

    decision_facts(&b, f, d);
    if (d->approved) {
        decision_units(&b, f, d);
        decision_refusals(&b, f, d);
    } else {
        decision_reasons(&b, f, d);
    }
    if (str(d->judgment)[0] != '\0') {
        para_open(&b, f);
        sb_add(&b, "县级民政部门综合判断（与乡镇初审认定不一致之处的理由）：");
        sb_out(&b, f, d->judgment);
        para_close(&b, f);
    }

    if (str(d->note)[0] != '\0') {
        para_open(&b, f);
        sb_add(&b, "备注：");
        sb_out(&b, f, d->note);
        para_close(&b, f);
    }
    if (!d->approved || d->n_refused + d->n_not_found > 0)
        para(&b, f, APPEAL);

    signature(&b, f, d->county_name, d->decided_on);
    doc_end(&b, f);
    return sb_finish(&b);
}

/* ---------------------------------------------------------------------------
 * The 公示 and 公布 lists
 * ------------------------------------------------------------------------- */

/* R-PUB-1: these four columns and nothing else (seed 001 四(五)). */
static const char *const LIST_HEADS[] = {"序号", "申请人姓名", "保障人数（人）",
                                         "月保障金额（元）"};
static const bool LIST_RIGHT[] = {true, false, true, true};

static const char *row_cell(const void *ctx, size_t r, size_t c, char *tmp, size_t n)
{
    const jz_doc_list_row *row = (const jz_doc_list_row *)ctx + r;

    switch (c) {
    case 0:
        snprintf(tmp, n, "%zu", r + 1);
        return tmp;
    case 1:
        return str(row->applicant_name);
    case 2:
        snprintf(tmp, n, "%d", row->members);
        return tmp;
    default:
        if (row->no_cash)
            return NO_CASH;
        jz_money_format(row->monthly, tmp, n);
        return tmp;
    }
}

/* Households on a list: rows of one group count once. */
static size_t list_households(const jz_doc_list *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n_rows; i++) {
        bool seen = false;
        for (size_t k = 0; l->rows[i].group && k < i && !seen; k++)
            seen = l->rows[k].group == l->rows[i].group;
        n += !seen;
    }
    return n;
}

/* The list's totals; false when the sum of amounts overflows (which amounts
 * below JZ_MONEY_MAX cannot do for fewer than 92,000 rows). */
static bool list_totals(const jz_doc_list *l, int64_t *members, jz_fen *fen)
{
    *members = 0;
    *fen = 0;
    for (size_t i = 0; i < l->n_rows; i++) {
        *members += l->rows[i].members;
        if (!l->rows[i].no_cash && !jz_money_add(*fen, l->rows[i].monthly, fen))
            return false;
    }
    return true;
}

/* The place and the kind of list, as plain text: 阳坊乡东村 最低生活保障等社会
 * 救助初审意见公示.  A region table without village names gives the code. */
static void list_title(sbuf *b, const jz_doc_list *l)
{
    sb_add(b, str(l->township_name));
    if (str(l->village_name)[0] != '\0') {
        sb_add(b, l->village_name);
    } else if (str(l->village_code)[0] != '\0') {
        sb_add(b, "（村/社区代码 ");
        sb_add(b, l->village_code);
        sb_add(b, "）");
    }
    if (b->len > 0)
        sb_add(b, " ");
    sb_add(b, l->notice ? TITLE_NOTICE : TITLE_PUBLISHED);
}

/* 公示期：2025年6月1日至2025年6月7日（7天）, or 公布日期：2025年6月25日. */
static void list_dateline(sbuf *b, const jz_doc_list *l)
{
    char d1[32], d2[32];

    if (!l->notice) {
        sb_add(b, "公布日期：");
        sb_add(b, cn_date(l->from, d1, sizeof d1));
        return;
    }
    jz_date until = l->until;
    if (until == JZ_DATE_NONE && l->from != JZ_DATE_NONE)
        until = jz_date_add_days(l->from, 6); /* R-WF-1: 7 days */
    sb_add(b, "公示期：");
    sb_add(b, cn_date(l->from, d1, sizeof d1));
    sb_add(b, "至");
    sb_add(b, cn_date(until, d2, sizeof d2));
    if (l->from != JZ_DATE_NONE && until >= l->from)
        sb_printf(b, "（%" PRId32 "天）", jz_date_to_days(until) - jz_date_to_days(l->from) + 1);
}

static void list_intro(sbuf *b, const jz_doc_list *l)
{
    if (l->notice) {
        sb_add(b, "以下家庭的社会救助申请经乡镇人民政府（街道办事处）调查核实，"
                  "提出初审意见，现予公示。");
    } else {
        sb_add(b, "以下家庭经");
        sb_bureau(b, l->county_name);
        sb_add(b, "审核确认，纳入最低生活保障等社会救助范围，现予公布。");
    }
}

static void list_total(sbuf *b, size_t households, int64_t members, jz_fen fen)
{
    char money[JZ_MONEY_BUF];

    jz_money_format(fen, money, sizeof money);
    sb_printf(b, "合计：%zu 户，%" PRId64 " 人，月保障金额合计 %s 元", households, members, money);
}

/* One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF,
 * with its quotes doubled; a formula-like name gets its leading '. */
static void csv_field(sbuf *b, const char *s, bool neutralise)
{
    bool quote;

    s = str(s);
    quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        sb_addn(b, "\"", 1);
    if (neutralise && formula_like(s))
        sb_addn(b, "'", 1);
    for (const char *run = s;; s++) {
        if (*s == '"' || *s == '\0') {
            sb_addn(b, run, (size_t)(s - run));
            if (*s == '\0')
                break;
            sb_addn(b, "\"\"", 2);
            run = s + 1;
        }
    }
    if (quote)
        sb_addn(b, "\"", 1);
}

/* A pure table for a spreadsheet: the byte order mark (so that Excel reads
 * UTF-8), the heads, one line per row, CRLF; no title and no total, so that
 * the rows can be sorted and summed. */
static char *list_csv(const jz_doc_list *l)
{
    sbuf b = {0};
    char money[JZ_MONEY_BUF];

    sb_add(&b, "\xEF\xBB\xBF");
    for (size_t c = 0; c < 4; c++) {
        if (c > 0)
            sb_addn(&b, ",", 1);
        csv_field(&b, LIST_HEADS[c], false);
    }
    sb_add(&b, "\r\n");
    for (size_t i = 0; i < l->n_rows; i++) {
        const jz_doc_list_row *r = &l->rows[i];

        sb_printf(&b, "%zu,", i + 1);
        csv_field(&b, r->applicant_name, true);
        jz_money_format(r->monthly, money, sizeof money);
        sb_printf(&b, ",%d,%s\r\n", r->members, r->no_cash ? NO_CASH : money);
    }
    return sb_finish(&b);
}

char *jz_doc_list_render(const jz_doc_list *l, jz_doc_format f)
{
    sbuf b = {0}, title = {0}, line = {0}, intro = {0}, total = {0};
    int64_t members;
    jz_fen fen;
    table t = {4, 0, LIST_HEADS, LIST_RIGHT, row_cell, NULL, NULL};

    if (l == NULL || (l->n_rows > 0 && l->rows == NULL))
        return NULL;
    if (f == JZ_DOC_CSV)
        return list_csv(l);
    if (f != JZ_DOC_TEXT && f != JZ_DOC_HTML)
        return NULL;
    if (!list_totals(l, &members, &fen))
        return NULL;

    list_title(&title, l);
    list_dateline(&line, l);
    list_intro(&intro, l);
    list_total(&total, list_households(l), members, fen);
    if (title.failed || line.failed || intro.failed || total.failed) {
        b.failed = true;
    } else {
        t.nrows = l->n_rows;
        t.ctx = l->rows;
        t.footer = total.p;
        doc_begin(&b, f, title.p);
        para(&b, f, line.p);
        para(&b, f, intro.p);
        table_out(&b, f, &t);
        if (l->notice)
            para(&b, f, OBJECTION);
        doc_end(&b, f);
    }
    free(title.p);
    free(line.p);
    free(intro.p);
    free(total.p);
    return sb_finish(&b);
}

/* ---------------------------------------------------------------------------
 * The list as an .xlsx workbook
 * ------------------------------------------------------------------------- */

/* Writes the sheet; the first libxlsxwriter error stops it. */
static lxw_error xlsx_sheet(lxw_workbook *wb, const jz_doc_list *l, const char *title,
                            const char *dateline, const char *total_label, int64_t members,
                            jz_fen fen)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, l->notice ? "公示" : "公布");
    lxw_format *big = workbook_add_format(wb), *bold = workbook_add_format(wb);
    lxw_format *money = workbook_add_format(wb), *bold_money = workbook_add_format(wb);
    lxw_error rc = LXW_NO_ERROR;
    lxw_row_t row = 0;
    sbuf name = {0};

    if (ws == NULL || big == NULL || bold == NULL || money == NULL || bold_money == NULL)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    format_set_bold(big);
    format_set_font_size(big, 14);
    format_set_align(big, LXW_ALIGN_CENTER);
    format_set_bold(bold);
    format_set_num_format(money, "0.00");
    format_set_bold(bold_money);
    format_set_num_format(bold_money, "0.00");

    static const double widths[] = {6, 24, 16, 18};
    for (lxw_col_t c = 0; c < 4 && rc == LXW_NO_ERROR; c++)
        rc = worksheet_set_column(ws, c, c, widths[c], NULL);

    if (rc == LXW_NO_ERROR)
        rc = worksheet_merge_range(ws, row, 0, row, 3, title, big);
    row++;
    if (rc == LXW_NO_ERROR)
        rc = worksheet_merge_range(ws, row, 0, row, 3, dateline, NULL);
    row++;
    for (lxw_col_t c = 0; c < 4 && rc == LXW_NO_ERROR; c++)
        rc = worksheet_write_string(ws, row, c, LIST_HEADS[c], bold);
    row++;

    for (size_t i = 0; i < l->n_rows && rc == LXW_NO_ERROR; i++, row++) {
        const jz_doc_list_row *r = &l->rows[i];
        const char *text = str(r->applicant_name);

        if (formula_like(text)) {
            name.len = 0;
            sb_add(&name, "'");
            sb_add(&name, text);
            if (name.failed) {
                rc = LXW_ERROR_MEMORY_MALLOC_FAILED;
                break;
            }
            text = name.p;
        }
        rc = worksheet_write_number(ws, row, 0, (double)(i + 1), NULL);
        if (rc == LXW_NO_ERROR)
            rc = worksheet_write_string(ws, row, 1, text, NULL);
        if (rc == LXW_NO_ERROR)
            rc = worksheet_write_number(ws, row, 2, r->members, NULL);
        /* Fen to yuan as a double only at this last step, for the cell; the
         * shown value is exact because "0.00" rounds to the nearest fen. */
        if (rc == LXW_NO_ERROR)
            rc = r->no_cash ? worksheet_write_string(ws, row, 3, NO_CASH, NULL)
                            : worksheet_write_number(ws, row, 3, (double)r->monthly / 100.0, money);
    }
    free(name.p);

    if (rc == LXW_NO_ERROR)
        rc = worksheet_write_string(ws, row, 0, "合计", bold);
    if (rc == LXW_NO_ERROR)
        rc = worksheet_write_string(ws, row, 1, total_label, bold);
    if (rc == LXW_NO_ERROR)
        rc = worksheet_write_number(ws, row, 2, (double)members, bold);
    if (rc == LXW_NO_ERROR)
        rc = worksheet_write_number(ws, row, 3, (double)fen / 100.0, bold_money);
    row++;
    /* A printed 公示 must tell the village how to object (R-WF-4). */
    if (l->notice && rc == LXW_NO_ERROR)
        rc = worksheet_merge_range(ws, row + 1, 0, row + 1, 3, OBJECTION, NULL);
    return rc;
}

jz_err jz_doc_list_xlsx(const jz_doc_list *l, const char *path, jz_error *err)
{
    sbuf title = {0}, line = {0};
    char label[48];
    int64_t members;
    jz_fen fen;
    lxw_workbook *wb;
    lxw_error rc, crc;
    jz_err ret = JZ_OK;

    if (l == NULL || path == NULL || path[0] == '\0' || (l->n_rows > 0 && l->rows == NULL))
        return jz_error_set(err, JZ_EINPUT, NULL, path, "无法生成 Excel 文件：名单或文件路径为空");
    /* Title, date line, heads, rows, total, a blank line and the objection. */
    if (l->n_rows > (size_t)LXW_ROW_MAX - 6)
        return jz_error_set(err, JZ_ERANGE, NULL, path, "名单行数超出 Excel 工作表的上限");
    if (!list_totals(l, &members, &fen))
        return jz_error_set(err, JZ_ERANGE, NULL, path, "月保障金额合计超出上限");

    list_title(&title, l);
    list_dateline(&line, l);
    if (title.failed || line.failed) {
        ret = jz_error_set(err, JZ_ENOMEM, NULL, path, "内存不足，无法生成 Excel 文件");
        goto done;
    }
    snprintf(label, sizeof label, "%zu 户", list_households(l));

    /* libxlsxwriter writes the file only in workbook_close; that is where a
     * missing directory or a read-only disk shows up. */
    wb = workbook_new(path);
    if (wb == NULL) {
        ret = jz_error_set(err, JZ_ENOMEM, NULL, path, "内存不足，无法创建 Excel 工作簿");
        goto done;
    }
    rc = xlsx_sheet(wb, l, title.p, line.p, label, members, fen);
    crc = workbook_close(wb); /* frees the workbook whatever happened */
    if (rc != LXW_NO_ERROR) {
        if (crc == LXW_NO_ERROR)
            remove(path); /* no half-written list left behind */
        ret = jz_error_set(err, JZ_EIO, NULL, path, "无法写入 Excel 文件：%s", lxw_strerror(rc));
    } else if (crc != LXW_NO_ERROR) {
        ret = jz_error_set(err, JZ_EIO, NULL, path, "无法写入 Excel 文件：%s", lxw_strerror(crc));
    }

done:
    free(title.p);
    free(line.p);
    return ret;
}
