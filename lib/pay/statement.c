/*
 * statement.c - the statement for the finance bureau (对账单, issue 14
 * item 6): a county's period as an .xlsx workbook, from the same
 * reconciliation as `jiuzhu pay reconcile` (reconcile.c).
 *
 * Three sheets: 对账单 (the figures, per programme, per funding source, the
 * county's recoveries, the identities and the conclusion), 批次 (each batch
 * as recorded and as its lines add up) and 差异明细 (every difference and
 * open task, line by line).  Amounts are numbers in yuan with two decimals
 * ("#,##0.00"), converted from fen only when written to a cell.  Text that
 * comes from the ledger (household IDs, programme codes, the bank's reasons)
 * is written as text: a cell a spreadsheet would read as a formula gets a
 * leading ', and ID numbers are masked (the statement leaves the county).
 *
 * The reconciliation, the file and the audit entry ("pay.statement", with
 * the figures and the file's SHA-256) are one transaction: the file shows
 * the ledger exactly as the audit log says it was issued.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <xlsxwriter.h>

#include "jiuzhu/jz_docs.h"
#include "pay_int.h"

#define REGULAR_FUND "困难群众基本生活救助补助资金"

typedef struct fmts {
    lxw_format *title, *bold, *money, *bold_money, *head;
} fmts;

typedef struct sheet {
    lxw_worksheet *ws;
    const fmts *f;
    lxw_row_t row;
    lxw_error rc;
} sheet;

/* Text from the ledger, as text: ID numbers masked, formulas neutralised. */
static void text(sheet *s, lxw_col_t col, const char *t, lxw_format *f)
{
    if (s->rc != LXW_NO_ERROR)
        return;
    char buf[512];
    snprintf(buf, sizeof buf, "%s%s", jz_doc_formula_like(t) ? "'" : "", t ? t : "");
    jz_idnum_mask_text(buf);
    s->rc = worksheet_write_string(s->ws, s->row, col, buf, f);
}

static void number(sheet *s, lxw_col_t col, double v, lxw_format *f)
{
    if (s->rc == LXW_NO_ERROR)
        s->rc = worksheet_write_number(s->ws, s->row, col, v, f);
}

/* Fen to yuan as a double only here, for the cell: "#,##0.00" shows it
 * exactly (every fen amount below 2^53 is a double to the cent). */
static void yuan(sheet *s, lxw_col_t col, jz_fen v, bool bold)
{
    number(s, col, (double)v / 100.0, bold ? s->f->bold_money : s->f->money);
}

static void heads(sheet *s, const char *const *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        text(s, (lxw_col_t)i, h[i], s->f->head);
    s->row++;
}

static void merged(sheet *s, lxw_col_t last, const char *t, lxw_format *f)
{
    if (s->rc == LXW_NO_ERROR)
        s->rc = worksheet_merge_range(s->ws, s->row, 0, s->row, last, t, f);
    s->row++;
}

static void count_amount(sheet *s, const char *label, jz_recon_sum v, bool bold)
{
    text(s, 0, label, bold ? s->f->bold : NULL);
    number(s, 1, (double)v.n, bold ? s->f->bold : NULL);
    yuan(s, 2, v.amount, bold);
    s->row++;
}

static jz_recon_sum add(jz_recon_sum a, jz_recon_sum b)
{
    a.n += b.n;
    a.amount += b.amount;
    return a;
}

/* A one-time programme's lines carry its code as their programme: every
 * code but the regular programmes' (which have a label of their own). */
static bool is_once(const jz_recon_fig *g)
{
    return strcmp(jz_pay_programme_label(g->programme), g->programme) == 0;
}

static void summary(sheet *s, const jz_ctx *x, const jz_pay_recon *r)
{
    const jz_recon_fig *t = &r->total;
    char title[256], line[512], today[JZ_DATE_BUF];
    const char *name = jz_regions_name(x->regions, r->county, 6);
    int ym;
    bool dated = jz__pay_period_start(r->period, &ym);
    snprintf(title, sizeof title, "%s救助资金发放对账单（%s%s%s）", name ? name : r->county,
             dated ? "" : "一次性发放项目 ", r->period, dated ? " 期" : "");
    jz_date_format(x->today, today, sizeof today);
    if (r->quarter[0])
        snprintf(line, sizeof line,
                 "县级区划 %s；所属期 %s，含 %s 特困人员救助供养金；编制日期 %s；编制人 %s；"
                 "金额单位：元",
                 r->county, r->period, r->quarter, today, x->actor);
    else
        snprintf(line, sizeof line, "县级区划 %s；%s %s；编制日期 %s；编制人 %s；金额单位：元",
                 r->county, dated ? "所属期" : "一次性发放项目", r->period, today, x->actor);
    merged(s, 7, title, s->f->title);
    merged(s, 7, line, NULL);
    s->row++;

    merged(s, 7, "一、发放总体情况", s->f->bold);
    static const char *const h1[] = {"项目", "条数", "金额"};
    heads(s, h1, 3);
    count_amount(s, "应发合计", t->planned, true);
    count_amount(s, "  其中：正常发放", t->regular, false);
    count_amount(s, "        补发（调整）", t->adjust_up, false);
    count_amount(s, "        一次性发放", t->once, false);
    count_amount(s, "已到账（首次发放）", t->paid, false);
    count_amount(s, "退票重发到账", t->repaid, false);
    count_amount(s, "退票未重发", t->refused_open, false);
    count_amount(s, "待编入批次", t->pending, false);
    count_amount(s, "已编入批次未报送", t->batched, false);
    count_amount(s, "已报送银行待回盘", t->sent, false);
    count_amount(s, "暂缓发放", t->held, false);
    count_amount(s, "已撤回（未发出即核定不应发放）", t->withdrawn, false);
    count_amount(s, "退票（累计）", t->refused, false);
    count_amount(s, "  其中：已重发", t->superseded, false);
    count_amount(s, "冲减（多发转追回）", t->adjust_down, false);
    s->row++;

    merged(s, 7, "二、按项目", s->f->bold);
    static const char *const h2[] = {"项目",       "应发条数", "应发金额", "已到账（含重发）",
                                     "退票未重发", "在途",     "暂缓",     "冲减"};
    heads(s, h2, 8);
    for (size_t i = 0; i <= r->n_programmes; i++) {
        bool tot = i == r->n_programmes;
        const jz_recon_fig *g = tot ? t : &r->programmes[i];
        text(s, 0, tot ? "合计" : jz_pay_programme_label(g->programme), tot ? s->f->bold : NULL);
        number(s, 1, (double)g->planned.n, tot ? s->f->bold : NULL);
        yuan(s, 2, g->planned.amount, tot);
        yuan(s, 3, g->paid.amount + g->repaid.amount, tot);
        yuan(s, 4, g->refused_open.amount, tot);
        yuan(s, 5, add(add(g->pending, g->batched), g->sent).amount, tot);
        yuan(s, 6, g->held.amount, tot);
        yuan(s, 7, g->adjust_down.amount, tot);
        s->row++;
    }
    s->row++;

    merged(s, 7, "三、按资金来源", s->f->bold);
    static const char *const h3[] = {"资金来源", "项目", "应发金额", "已到账金额", "未到账金额"};
    heads(s, h3, 5);
    jz_fen due = 0, paid = 0;
    for (size_t i = 0; i < r->n_programmes; i++) {
        const jz_recon_fig *g = &r->programmes[i];
        const char *label = jz_pay_programme_label(g->programme);
        if (is_once(g)) {
            /* R-ONCE-1: one-time money is shared by the province and the
             * city-county (6 : 4 in seed 004 一.2), line by line. */
            const struct {
                const char *src;
                jz_fen due, paid;
            } parts[] = {{"省级财政", g->province, g->province_paid},
                         {"市县财政", g->local, g->local_paid}};
            for (size_t j = 0; j < 2; j++) {
                text(s, 0, parts[j].src, NULL);
                text(s, 1, label, NULL);
                yuan(s, 2, parts[j].due, false);
                yuan(s, 3, parts[j].paid, false);
                yuan(s, 4, parts[j].due - parts[j].paid, false);
                due += parts[j].due;
                paid += parts[j].paid;
                s->row++;
            }
            continue;
        }
        jz_fen gp = g->paid.amount + g->repaid.amount;
        text(s, 0, REGULAR_FUND, NULL);
        text(s, 1, label, NULL);
        yuan(s, 2, g->planned.amount, false);
        yuan(s, 3, gp, false);
        yuan(s, 4, g->planned.amount - gp, false);
        due += g->planned.amount;
        paid += gp;
        s->row++;
    }
    text(s, 0, "合计", s->f->bold);
    yuan(s, 2, due, true);
    yuan(s, 3, paid, true);
    yuan(s, 4, due - paid, true);
    s->row += 2;

    merged(s, 7, "四、追回（本县累计，R-PAY-4）", s->f->bold);
    static const char *const h4[] = {"追回笔数", "追回金额", "已退回", "余额", "发放计划冲减"};
    heads(s, h4, 5);
    number(s, 0, (double)r->recoveries, NULL);
    yuan(s, 1, r->recovered, false);
    yuan(s, 2, r->repaid, false);
    yuan(s, 3, r->balance, false);
    yuan(s, 4, -r->offsets, false);
    s->row += 2;

    merged(s, 7, "五、核对", s->f->bold);
    static const char *const h5[] = {"核对项",   "左边条数", "左边金额",
                                     "右边条数", "右边金额", "结果"};
    heads(s, h5, 6);
    for (size_t i = 0; i < r->n_ids; i++) {
        const jz_recon_identity *d = &r->ids[i];
        text(s, 0, d->text, NULL);
        if (d->counted)
            number(s, 1, (double)d->left.n, NULL);
        yuan(s, 2, d->left.amount, false);
        if (d->counted)
            number(s, 3, (double)d->right.n, NULL);
        yuan(s, 4, d->right.amount, false);
        text(s, 5, d->holds ? "相符" : "不符", d->holds ? NULL : s->f->bold);
        s->row++;
    }
    s->row++;
    size_t broken = 0;
    for (size_t i = 0; i < r->n_ids; i++)
        broken += !r->ids[i].holds;
    if (r->balanced)
        snprintf(line, sizeof line, "对账结论：相符（差异 0 项；待办 %lld 项，见「差异明细」）",
                 (long long)r->n_tasks);
    else
        snprintf(
            line, sizeof line,
            "对账结论：不符（差异 %lld 项，核对不成立 %zu 项；待办 %lld 项），详见「差异明细」",
            (long long)r->n_discrepancies, broken, (long long)r->n_tasks);
    merged(s, 7, line, s->f->bold);
}

static void batches(sheet *s, const jz_pay_recon *r)
{
    static const char *const h[] = {"批次",     "银行",     "所属月份", "状态",
                                    "编制人",   "审核人",   "记录条数", "记录金额",
                                    "明细条数", "明细金额", "核对"};
    heads(s, h, 11);
    for (size_t i = 0; i < r->n_batches; i++) {
        const jz_recon_batch *b = &r->batches[i];
        number(s, 0, (double)b->b.id, NULL);
        text(s, 1, b->b.bank, NULL);
        text(s, 2, b->b.period, NULL);
        text(s, 3, jz_batch_state_zh[b->b.state < JZ_BATCH_STATE_COUNT ? b->b.state : 0], NULL);
        text(s, 4, b->b.prepared_by, NULL);
        text(s, 5, b->b.approved_by, NULL);
        number(s, 6, (double)b->b.lines, NULL);
        yuan(s, 7, b->b.total, false);
        number(s, 8, (double)b->actual.n, NULL);
        yuan(s, 9, b->actual.amount, false);
        text(s, 10, b->matches ? "相符" : "不符", b->matches ? NULL : s->f->bold);
        s->row++;
    }
}

static void issues(sheet *s, const jz_pay_recon *r)
{
    static const char *const h[] = {"序号", "性质", "类别",   "明细号", "批次", "户编号",
                                    "成员", "项目", "所属期", "金额",   "说明"};
    heads(s, h, 11);
    for (size_t i = 0; i < r->n_issues; i++) {
        const jz_recon_issue *d = &r->issues[i];
        number(s, 0, (double)(i + 1), NULL);
        text(s, 1, d->discrepancy ? "差异" : "待办", d->discrepancy ? s->f->bold : NULL);
        text(s, 2, jz_recon_issue_zh[d->kind < JZ_RI_KIND_COUNT ? d->kind : 0], NULL);
        if (d->line)
            number(s, 3, (double)d->line, NULL);
        if (d->batch)
            number(s, 4, (double)d->batch, NULL);
        text(s, 5, d->household_id, NULL);
        text(s, 6, d->member_id[0] ? d->member_id : (d->line ? "（全户）" : ""), NULL);
        text(s, 7, d->programme[0] ? jz_pay_programme_label(d->programme) : "", NULL);
        text(s, 8, d->period, NULL);
        if (d->line || d->amount)
            yuan(s, 9, d->amount, false);
        text(s, 10, d->detail, NULL);
        s->row++;
    }
    if (r->n_issues_total > (int64_t)r->n_issues) {
        char more[160];
        snprintf(more, sizeof more,
                 "另有 %lld 项未列出（每次最多列出 %d 项；jiuzhu pay reconcile 同）",
                 (long long)(r->n_issues_total - (int64_t)r->n_issues), JZ_RECON_ISSUES_MAX);
        merged(s, 10, more, s->f->bold);
    }
    if (!r->n_issues_total)
        merged(s, 10, "没有差异，也没有待办事项", NULL);
}

static lxw_error workbook(lxw_workbook *wb, const jz_ctx *x, const jz_pay_recon *r)
{
    fmts f = {workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb),
              workbook_add_format(wb), workbook_add_format(wb)};
    if (!f.title || !f.bold || !f.money || !f.bold_money || !f.head)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    format_set_bold(f.title);
    format_set_font_size(f.title, 14);
    format_set_align(f.title, LXW_ALIGN_CENTER);
    format_set_bold(f.bold);
    format_set_num_format(f.money, "#,##0.00");
    format_set_bold(f.bold_money);
    format_set_num_format(f.bold_money, "#,##0.00");
    format_set_bold(f.head);
    format_set_bottom(f.head, LXW_BORDER_THIN);

    static const struct {
        const char *name;
        double widths[11];
    } layout[] = {{"对账单", {34, 16, 16, 18, 14, 16, 14, 14}},
                  {"批次", {8, 10, 10, 16, 16, 16, 10, 16, 10, 16, 8}},
                  {"差异明细", {6, 6, 18, 10, 8, 20, 20, 18, 10, 14, 70}}};
    for (size_t i = 0; i < 3; i++) {
        sheet s = {workbook_add_worksheet(wb, layout[i].name), &f, 0, LXW_NO_ERROR};
        if (!s.ws)
            return LXW_ERROR_MEMORY_MALLOC_FAILED;
        for (lxw_col_t c = 0; c < 11 && s.rc == LXW_NO_ERROR; c++)
            if (layout[i].widths[c] > 0)
                s.rc = worksheet_set_column(s.ws, c, c, layout[i].widths[c], NULL);
        if (i == 0)
            summary(&s, x, r);
        else if (i == 1)
            batches(&s, r);
        else
            issues(&s, r);
        if (s.rc != LXW_NO_ERROR)
            return s.rc;
    }
    return LXW_NO_ERROR;
}

static jz_err write_xlsx(const jz_ctx *x, const jz_pay_recon *r, const char *path, jz_error *err)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        return jz_error_set(err, JZ_ENOMEM, NULL, path, "内存不足，无法创建 Excel 工作簿");
    lxw_error rc = workbook(wb, x, r);
    /* libxlsxwriter writes the file only in workbook_close, which frees
     * the workbook whatever happened. */
    lxw_error crc = workbook_close(wb);
    if (rc != LXW_NO_ERROR) {
        if (crc == LXW_NO_ERROR)
            remove(path);
        return jz_error_set(err, JZ_EIO, NULL, path, "无法写入 Excel 文件：%s", lxw_strerror(rc));
    }
    if (crc != LXW_NO_ERROR)
        return jz_error_set(err, JZ_EIO, NULL, path, "无法写入 Excel 文件：%s", lxw_strerror(crc));
    return JZ_OK;
}

static jz_err file_sha256(const char *path, char hex[65], jz_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return jz_error_set(err, JZ_EIO, NULL, path, "无法读回刚写的对账单");
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    unsigned char buf[16384], d[crypto_hash_sha256_BYTES];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        crypto_hash_sha256_update(&h, buf, n);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad)
        return jz_error_set(err, JZ_EIO, NULL, path, "无法读回刚写的对账单");
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(hex, 65, d, sizeof d);
    return JZ_OK;
}

typedef struct stmt {
    jz_ctx *x;
    const char *county, *period, *path;
    jz_pay_recon r;
    bool written; /* the file at path is this statement's */
} stmt;

static jz_err statement_in_tx(jz_store *s, void *arg, jz_error *err)
{
    stmt *a = arg;
    jz_pay_recon_cleanup(&a->r);
    jz_err rc = jz__pay_reconcile_in_tx(a->x, s, a->county, a->period, &a->r, err);
    if (!rc && !(rc = write_xlsx(a->x, &a->r, a->path, err)))
        a->written = true;
    char hex[65];
    if (!rc)
        rc = file_sha256(a->path, hex, err);
    if (rc)
        return rc;
    const jz_recon_fig *t = &a->r.total;
    char entity[64], after[640], p[JZ_MONEY_BUF], d[JZ_MONEY_BUF], o[JZ_MONEY_BUF];
    jz_money_format(t->planned.amount, p, sizeof p);
    jz_money_format(t->paid.amount + t->repaid.amount, d, sizeof d);
    jz_money_format(t->refused_open.amount + t->pending.amount + t->batched.amount +
                        t->sent.amount + t->held.amount,
                    o, sizeof o);
    snprintf(entity, sizeof entity, "pay-statement:%s:%s", a->r.county, a->r.period);
    snprintf(after, sizeof after,
             "{\"county\":\"%s\",\"period\":\"%s\",\"planned\":\"%s\",\"paid\":\"%s\","
             "\"outstanding\":\"%s\",\"balanced\":%s,\"discrepancies\":%lld,\"tasks\":%lld,"
             "\"sha256\":\"%s\"}",
             a->r.county, a->r.period, p, d, o, a->r.balanced ? "true" : "false",
             (long long)a->r.n_discrepancies, (long long)a->r.n_tasks, hex);
    return jz_store_audit(s, a->r.county, "pay.statement", entity, "", after, err);
}

jz_err jz_pay_statement(jz_ctx *x, const char *county, const char *period, const char *path,
                        jz_pay_recon *out, jz_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!path || !path[0])
        return jz_error_set(err, JZ_EINPUT, "--out", "", "须指定对账单文件（.xlsx）");
    stmt a;
    memset(&a, 0, sizeof a);
    a.x = x;
    a.county = county;
    a.period = period;
    a.path = path;
    jz_err rc = jz_store_run_as(x->store, x->actor, statement_in_tx, &a, err);
    if (rc && a.written)
        remove(path); /* not audited: not issued */
    if (rc || !out)
        jz_pay_recon_cleanup(&a.r);
    else
        *out = a.r;
    return rc;
}
