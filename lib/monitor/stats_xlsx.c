/*
 * stats_xlsx.c - the statistics (jz_stats_get) as an .xlsx workbook, the
 * 统计分析 page's Excel export: one sheet, a row per region and category
 * with its households, counted persons and monthly amounts, the totals, and
 * the households never assessed.  Amounts are numbers in yuan ("#,##0.00"),
 * converted from fen only when written to a cell.
 */
#include <stdio.h>
#include <string.h>

#include <xlsxwriter.h>

#include "jiuzhu/jz_procedure.h"
#include "jiuzhu/jz_stats.h"

typedef struct book {
    lxw_worksheet *ws;
    lxw_format *bold, *money, *bold_money, *head, *title;
    lxw_row_t row;
    lxw_error rc;
} book;

static void cell(book *b, lxw_col_t c, const char *t, lxw_format *f)
{
    if (b->rc == LXW_NO_ERROR)
        b->rc = worksheet_write_string(b->ws, b->row, c, t, f);
}

static void num(book *b, lxw_col_t c, double v, lxw_format *f)
{
    if (b->rc == LXW_NO_ERROR)
        b->rc = worksheet_write_number(b->ws, b->row, c, v, f);
}

/* A row's figures from column 3 on. */
static void figures(book *b, const jz_stat_row *r, bool bold)
{
    lxw_format *n = bold ? b->bold : NULL, *m = bold ? b->bold_money : b->money;
    num(b, 3, (double)r->households, n);
    num(b, 4, (double)r->persons, n);
    num(b, 5, (double)r->monthly / 100.0, m);
    num(b, 6, (double)r->tekun, n);
    num(b, 7, (double)r->tekun_monthly / 100.0, m);
    num(b, 8, (double)r->single, n);
    num(b, 9, (double)r->single_monthly / 100.0, m);
}

/* The second sheet: the months, the oldest first. */
static lxw_error write_trend(lxw_workbook *wb, book *b, const char *where, const char *today,
                             const jz_stats_res *r)
{
    b->ws = workbook_add_worksheet(wb, "按月趋势");
    if (!b->ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    b->row = 0;
    char title[400];
    snprintf(title, sizeof title, "按月趋势：%s（制表日期 %s）", where, today);
    cell(b, 0, title, b->title);
    b->row += 2;
    static const char *const heads[] = {
        "月份",     "受理",     "批准",       "不予批准",   "办结",       "平均办理天数",
        "逾期环节", "新增保障", "停止保障",   "在保（项）", "在保人数",   "发放笔数",
        "发放金额", "A类预警",  "B类预警",    "C类预警",    "D类预警",    "预警办结",
        "转介",     "部门反馈"};
    enum { NH = sizeof heads / sizeof heads[0] };
    for (lxw_col_t c = 0; c < NH; c++)
        cell(b, c, heads[c], b->head);
    b->row++;
    for (size_t i = 0; i < r->n_trend; i++) {
        const jz_trend_month *m = &r->trend[i];
        const int64_t v[] = {m->cases_accepted, m->cases_approved, m->cases_refused,
                             m->cases_closed};
        cell(b, 0, m->month, NULL);
        for (int k = 0; k < 4; k++)
            num(b, (lxw_col_t)(1 + k), (double)v[k], NULL);
        if (m->cases_closed)
            num(b, 5, (double)m->closed_days / (double)m->cases_closed, b->money);
        const int64_t w[] = {m->steps_late, m->enrol_started, m->enrol_ended, m->enrolled,
                             m->enrolled_persons, m->paid_lines};
        for (int k = 0; k < 6; k++)
            num(b, (lxw_col_t)(6 + k), (double)w[k], NULL);
        num(b, 12, (double)m->paid / 100.0, b->money);
        const int64_t z[] = {m->alerts[0], m->alerts[1], m->alerts[2], m->alerts[3],
                             m->alerts_resolved, m->referred, m->answered};
        for (int k = 0; k < 7; k++)
            num(b, (lxw_col_t)(13 + k), (double)z[k], NULL);
        b->row++;
    }
    b->row++;
    cell(b, 0, "发放金额单位：元，按发放批次所属月份计银行已入账的明细；平均办理天数为自受理至办结的自然日", NULL);
    if (b->rc == LXW_NO_ERROR)
        b->rc = worksheet_set_column(b->ws, 0, NH - 1, 11, NULL);
    return b->rc;
}

static lxw_error write_book(lxw_workbook *wb, const jz_ctx *x, const jz_stats_req *rq,
                            const jz_stats_res *r)
{
    book b = {.ws = workbook_add_worksheet(wb, "统计")};
    if (!b.ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    b.bold = workbook_add_format(wb);
    format_set_bold(b.bold);
    b.money = workbook_add_format(wb);
    format_set_num_format(b.money, "#,##0.00");
    b.bold_money = workbook_add_format(wb);
    format_set_bold(b.bold_money);
    format_set_num_format(b.bold_money, "#,##0.00");
    b.head = workbook_add_format(wb);
    format_set_bold(b.head);
    format_set_bg_color(b.head, 0xDDEBF7);
    format_set_border(b.head, LXW_BORDER_THIN);
    b.title = workbook_add_format(wb);
    format_set_bold(b.title);
    format_set_font_size(b.title, 14);
    int digits = rq->level_digits ? rq->level_digits : 6;
    const char *level = digits == 4 ? "市" : digits == 9 ? "乡镇" : "县";
    char where[256], title[400], today[JZ_DATE_BUF];
    jz_regions_words(x->regions, rq->region ? rq->region : "", 2, where, sizeof where);
    snprintf(title, sizeof title, "低收入人口统计：%s，按%s和认定类别", where, level);
    jz_date_format(x->today, today, sizeof today);
    cell(&b, 0, title, b.title);
    b.row++;
    char note[128];
    snprintf(note, sizeof note, "制表日期 %s；金额单位：元/月；依据各户最近一次认定结果", today);
    cell(&b, 0, note, NULL);
    b.row += 2;
    static const char *const heads[] = {"区划代码", "名称", "认定类别", "户数", "计入人数",
                                        "家庭月保障金", "特困人数", "特困月供养金",
                                        "单人保人数", "单人保月金额"};
    for (lxw_col_t c = 0; c < 10; c++)
        cell(&b, c, heads[c], b.head);
    b.row++;
    for (size_t i = 0; i < r->n; i++) {
        const jz_stats_line *l = &r->lines[i];
        if (l->row.category >= JZ_CAT_COUNT)
            continue; /* never assessed: below */
        cell(&b, 0, l->row.region, NULL);
        cell(&b, 1, l->name ? l->name : "", NULL);
        cell(&b, 2, jz_category_short_zh[l->row.category], NULL);
        figures(&b, &l->row, false);
        b.row++;
    }
    cell(&b, 0, "合计", b.bold);
    figures(&b, &r->total, true);
    b.row += 2;
    char tail[160];
    snprintf(tail, sizeof tail, "从未认定的户：%lld；认定后户记录又有变更的户：%lld",
             (long long)r->unassessed, (long long)r->total.stale);
    cell(&b, 0, tail, NULL);
    if (b.rc == LXW_NO_ERROR)
        b.rc = worksheet_set_column(b.ws, 0, 0, 14, NULL);
    if (b.rc == LXW_NO_ERROR)
        b.rc = worksheet_set_column(b.ws, 1, 2, 16, NULL);
    if (b.rc == LXW_NO_ERROR)
        b.rc = worksheet_set_column(b.ws, 3, 9, 14, NULL);
    if (b.rc == LXW_NO_ERROR && r->n_trend)
        b.rc = write_trend(wb, &b, where, today, r);
    return b.rc;
}

jz_err jz_stats_xlsx(const jz_ctx *x, const jz_stats_req *rq, const jz_stats_res *r,
                     const char *path, jz_error *err)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        return jz_error_set(err, JZ_ENOMEM, NULL, path, "内存不足，无法创建 Excel 工作簿");
    lxw_error rc = write_book(wb, x, rq, r);
    lxw_error crc = workbook_close(wb); /* writes the file, frees the workbook */
    if (rc != LXW_NO_ERROR || crc != LXW_NO_ERROR) {
        if (crc == LXW_NO_ERROR)
            remove(path);
        return jz_error_set(err, JZ_EIO, NULL, path, "无法写入 Excel 文件：%s",
                            lxw_strerror(rc != LXW_NO_ERROR ? rc : crc));
    }
    return JZ_OK;
}
