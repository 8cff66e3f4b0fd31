/*
 * pay_recon.c - `jiuzhu pay reconcile|statement|due`: reconciliation, the
 * finance bureau's statement and the payment deadlines (jz_pay.h,
 * docs/payments-dev.md "Reconciliation and deadlines").  Each reads its
 * options, calls one library operation and prints what it found; ID
 * numbers are masked in every line.
 *
 *   jiuzhu pay reconcile DB (--batch N | --county C --period P)
 *   jiuzhu pay statement DB --county C --period P --out FILE.xlsx [--force]
 *   jiuzhu pay due DB [--region P] [--within N] [--date D]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_file.h"
#include "jiuzhu/jz_pay.h"
#include "pay_recon.h"

static void usage(FILE *f)
{
    fputs(
        "用法: jiuzhu pay reconcile 数据库 (--batch 批次号 | --county 县级区划代码 --period 期次)\n"
        "      jiuzhu pay statement 数据库 --county 县级区划代码 --period 期次 --out 文件.xlsx "
        "[--force]\n"
        "      jiuzhu pay due 数据库 [--region 区划代码] [--within 工作日数] [--date 日期]\n"
        "      （各命令均可加 --actor 经办人、--policy 目录；due 可加 --calendar 文件）\n"
        "期次：年月（如 2025-07，每季首月含该季度的特困供养金）、季度（如 "
        "2025-Q3）或一次性项目代码。\n"
        "reconcile 对账：应发、已到账、退票、重发、在途、暂缓、冲减和追回，逐条列出差异；\n"
        "          对账不符时退出码为 1。\n"
        "statement 生成交财政部门的对账单（Excel），按项目和资金来源（省级、市县分担）汇总。\n"
        "due       列出已超期或将在 N 个工作日内（默认 5）到期而尚未报送银行的发放：\n"
        "          低保每月 10 日前（R-DB-PAY），特困每季首月 10 日前（R-TK-PAY），\n"
        "          一次性项目按其期限（R-ONCE-1）。\n",
        f);
}

typedef struct recon_opts {
    const char *db, *county, *period, *batch, *out, *region, *within, *date, *actor, *policy,
        *calendar;
    bool force;
} recon_opts;

/* Reads the options (--force apart: it takes no value); opens the store
 * and the context.  Returns 0 or an exit code. */
static int open_with(int argc, char **argv, recon_opts *o, jz_ctx *x, jz_store **s)
{
    memset(o, 0, sizeof *o);
    o->actor = cli_default_actor();
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest) {
        fputs("jiuzhu: 内存不足\n", stderr);
        return EXIT_INPUT;
    }
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (i >= 2 && strcmp(argv[i], "--force") == 0)
            o->force = true;
        else
            rest[n++] = argv[i];
    }
    const cli_opt opts[] = {{"--county", &o->county},
                            {"--period", &o->period},
                            {"--batch", &o->batch},
                            {"--out", &o->out},
                            {"--region", &o->region},
                            {"--within", &o->within},
                            {"--date", &o->date},
                            {"--actor", &o->actor},
                            {"--policy", &o->policy},
                            {"--calendar", &o->calendar},
                            {NULL, NULL}};
    bool ok = cli_opts(n, rest, 2, opts, &o->db) && o->db;
    free(rest);
    if (!ok) {
        usage(stderr);
        return EXIT_USAGE;
    }
    return cli_pay_open(o->db, o->actor, o->policy, o->calendar, x, s);
}

static const char *yuan(jz_fen v, char buf[JZ_MONEY_BUF])
{
    jz_money_format(v, buf, JZ_MONEY_BUF);
    return buf;
}

static void figure(const char *label, jz_recon_sum v)
{
    char a[JZ_MONEY_BUF];
    printf("%s：%lld 条，%s 元\n", label, (long long)v.n, yuan(v.amount, a));
}

static jz_recon_sum plus(jz_recon_sum a, jz_recon_sum b)
{
    a.n += b.n;
    a.amount += b.amount;
    return a;
}

static void print_issue(const jz_recon_issue *d)
{
    char a[JZ_MONEY_BUF], id[JZ_IDNUM_MASKED_BUF], where[160] = "";
    size_t n = 0;
    if (d->line)
        n += (size_t)snprintf(where + n, sizeof where - n, "明细 %lld ", (long long)d->line);
    if (d->batch && n < sizeof where)
        n += (size_t)snprintf(where + n, sizeof where - n, "批次 %lld ", (long long)d->batch);
    if (d->household_id[0] && n < sizeof where)
        n += (size_t)snprintf(where + n, sizeof where - n, "户 %s ", d->household_id);
    if (d->member_id[0] && n < sizeof where)
        n += (size_t)snprintf(where + n, sizeof where - n, "成员 %s ", cli_id(d->member_id, id));
    if (d->period[0] && n < sizeof where)
        snprintf(where + n, sizeof where - n, "%s %s ", jz_pay_programme_label(d->programme),
                 d->period);
    cli_printf("  [%s] %s%s%s：%s\n", jz_recon_issue_zh[d->kind < JZ_RI_KIND_COUNT ? d->kind : 0],
               where, d->line || d->amount ? yuan(d->amount, a) : "",
               d->line || d->amount ? " 元" : "", d->detail);
}

static void print_recon(const jz_ctx *x, const jz_pay_recon *r)
{
    const jz_recon_fig *t = &r->total;
    char a[JZ_MONEY_BUF], b[JZ_MONEY_BUF], c[JZ_MONEY_BUF], d[JZ_MONEY_BUF], e[JZ_MONEY_BUF];
    const char *name = jz_regions_name(x->regions, r->county, 6);
    char where[96];
    snprintf(where, sizeof where, "%s 县%s%s%s", r->county, name ? "（" : "", name ? name : "",
             name ? "）" : "");
    if (r->batch) {
        const jz_pay_batch *pb = r->n_batches ? &r->batches[0].b : NULL;
        cli_printf("对账：批次 %lld（%s，%s 银行，%s 期，%s）\n", (long long)r->batch, where,
                   pb ? pb->bank : "?", pb ? pb->period : "?",
                   pb ? jz_batch_state_zh[pb->state < JZ_BATCH_STATE_COUNT ? pb->state : 0] : "?");
        figure("批次明细", t->lines);
    } else {
        cli_printf("对账：%s %s 期\n", where, r->period);
        if (r->quarter[0])
            printf("（%s 特困人员救助供养金在季度首月发放，并入本月对账）\n", r->quarter);
        printf("应发合计：%lld 条，%s 元（正常发放 %lld 条 %s 元；补发 %lld 条 %s 元；"
               "一次性 %lld 条 %s 元）\n",
               (long long)t->planned.n, yuan(t->planned.amount, a), (long long)t->regular.n,
               yuan(t->regular.amount, b), (long long)t->adjust_up.n, yuan(t->adjust_up.amount, c),
               (long long)t->once.n, yuan(t->once.amount, d));
    }
    figure("已到账（首次发放）", t->paid);
    figure("退票重发到账", t->repaid);
    figure("退票未重发", t->refused_open);
    printf("在途：待编入批次 %lld 条 %s 元；已编入批次未报送 %lld 条 %s 元；已报送待回盘 %lld 条 "
           "%s 元\n",
           (long long)t->pending.n, yuan(t->pending.amount, a), (long long)t->batched.n,
           yuan(t->batched.amount, b), (long long)t->sent.n, yuan(t->sent.amount, c));
    figure("暂缓发放", t->held);
    if (t->withdrawn.n || t->withdrawn_followups.n)
        figure("已撤回（未发出即核定不应发放）", t->withdrawn);
    printf("退票（累计）：%lld 条，%s 元，其中已重发 %lld 条 %s 元\n", (long long)t->refused.n,
           yuan(t->refused.amount, a), (long long)t->superseded.n, yuan(t->superseded.amount, b));
    figure("冲减（多发转追回）", t->adjust_down);
    if (t->once.n)
        printf("一次性发放资金分担：省级 %s 元（已到账 %s 元），市县 %s 元（已到账 %s 元）\n",
               yuan(t->province, a), yuan(t->province_paid, b), yuan(t->local, c),
               yuan(t->local_paid, d));
    if (r->n_programmes) {
        puts("按项目：");
        for (size_t i = 0; i < r->n_programmes; i++) {
            const jz_recon_fig *g = &r->programmes[i];
            jz_recon_sum flight = plus(plus(g->pending, g->batched), g->sent);
            printf("  %s：应发 %lld 条 %s 元，已到账（含重发）%s 元，退票未重发 %s 元，在途 %s 元，"
                   "暂缓 %s 元\n",
                   jz_pay_programme_label(g->programme), (long long)g->planned.n,
                   yuan(g->planned.amount, a), yuan(g->paid.amount + g->repaid.amount, b),
                   yuan(g->refused_open.amount, c), yuan(flight.amount, d),
                   yuan(g->held.amount, e));
        }
    }
    if (r->n_batches) {
        puts("批次：");
        for (size_t i = 0; i < r->n_batches; i++) {
            const jz_recon_batch *rb = &r->batches[i];
            cli_printf(
                "  批次 %lld：%s 银行 %s 期，%s；记录 %lld 条 %s 元，明细 %lld 条 %s 元，%s\n",
                (long long)rb->b.id, rb->b.bank, rb->b.period,
                jz_batch_state_zh[rb->b.state < JZ_BATCH_STATE_COUNT ? rb->b.state : 0],
                (long long)rb->b.lines, yuan(rb->b.total, a), (long long)rb->actual.n,
                yuan(rb->actual.amount, b), rb->matches ? "相符" : "不符");
        }
    }
    if (!r->batch)
        printf(
            "追回（本县累计）：%lld 笔，追回 %s 元，已退回 %s 元，余额 %s 元；发放计划冲减 %s 元\n",
            (long long)r->recoveries, yuan(r->recovered, a), yuan(r->repaid, b),
            yuan(r->balance, c), yuan(-r->offsets, d));
    puts("核对：");
    for (size_t i = 0; i < r->n_ids; i++) {
        const jz_recon_identity *q = &r->ids[i];
        if (q->counted)
            printf("  [%s] %s：%lld 条 %s 元 / %lld 条 %s 元\n", q->holds ? "相符" : "不符",
                   q->text, (long long)q->left.n, yuan(q->left.amount, a), (long long)q->right.n,
                   yuan(q->right.amount, b));
        else
            printf("  [%s] %s：%s 元 / %s 元\n", q->holds ? "相符" : "不符", q->text,
                   yuan(q->left.amount, a), yuan(q->right.amount, b));
    }
    if (r->n_discrepancies) {
        printf("差异（%lld 项）：\n", (long long)r->n_discrepancies);
        for (size_t i = 0; i < r->n_issues; i++)
            if (r->issues[i].discrepancy)
                print_issue(&r->issues[i]);
    }
    if (r->n_tasks) {
        printf("待办（%lld 项）：\n", (long long)r->n_tasks);
        for (size_t i = 0; i < r->n_issues; i++)
            if (!r->issues[i].discrepancy)
                print_issue(&r->issues[i]);
    }
    if (r->n_issues_total > (int64_t)r->n_issues)
        printf("另有 %lld 项未列出（每次最多列出 %d 项）\n",
               (long long)(r->n_issues_total - (int64_t)r->n_issues), JZ_RECON_ISSUES_MAX);
    size_t broken = 0;
    for (size_t i = 0; i < r->n_ids; i++)
        broken += !r->ids[i].holds;
    if (r->balanced)
        printf("对账结果：相符\n");
    else
        printf("对账结果：不符（差异 %lld 项，核对不成立 %zu 项）\n", (long long)r->n_discrepancies,
               broken);
}

int cli_pay_reconcile(int argc, char **argv)
{
    recon_opts o;
    jz_ctx x;
    jz_store *s = NULL;
    int status = open_with(argc, argv, &o, &x, &s);
    if (status)
        return status;
    jz_error err;
    jz_error_clear(&err);
    jz_pay_recon r;
    long long id = 0;
    jz_err rc;
    if (o.batch && !o.county && !o.period) {
        if (!cli_int("jiuzhu pay reconcile", "--batch", o.batch, 1, INT64_MAX, &id)) {
            status = EXIT_USAGE;
            goto out;
        }
        rc = jz_pay_reconcile_batch(&x, id, &r, &err);
    } else if (!o.batch && o.county && o.period) {
        rc = jz_pay_reconcile_period(&x, o.county, o.period, &r, &err);
    } else {
        usage(stderr);
        status = EXIT_USAGE;
        goto out;
    }
    if (rc) {
        status = cli_fail(&err);
        goto out;
    }
    print_recon(&x, &r);
    if (!r.balanced) {
        fprintf(stderr, "jiuzhu pay reconcile: 对账不符（见输出中的「核对」和「差异」）\n");
        status = EXIT_INPUT;
    }
    jz_pay_recon_cleanup(&r);
out:
    jz_ctx_cleanup(&x);
    jz_store_close(s);
    return status;
}

int cli_pay_statement(int argc, char **argv)
{
    recon_opts o;
    jz_ctx x;
    jz_store *s = NULL;
    int status = open_with(argc, argv, &o, &x, &s);
    if (status)
        return status;
    if (!o.county || !o.period || !o.out) {
        usage(stderr);
        status = EXIT_USAGE;
        goto out;
    }
    jz_error err;
    jz_error_clear(&err);
    /* libxlsxwriter writes by name: into the temporary file, renamed into
     * place once the statement is audited. */
    jz_outfile *f = NULL;
    if ((status = cli_out_open("jiuzhu pay statement", "--out", o.out, o.db, o.force, &f)))
        goto out;
    jz_pay_recon r;
    if (jz_pay_statement(&x, o.county, o.period, jz_outfile_temp(f), &r, &err) != JZ_OK) {
        jz_outfile_abort(f);
        status = cli_fail(&err);
        goto out;
    }
    if ((status = cli_out_commit("jiuzhu pay statement", "--out", f))) {
        jz_pay_recon_cleanup(&r);
        goto out;
    }
    const jz_recon_fig *t = &r.total;
    char a[JZ_MONEY_BUF], b[JZ_MONEY_BUF];
    printf("已生成对账单 %s：%s 县 %s 期，应发 %lld 条 %s 元，已到账（含重发）%s 元；%s\n", o.out,
           r.county, r.period, (long long)t->planned.n, yuan(t->planned.amount, a),
           yuan(t->paid.amount + t->repaid.amount, b), r.balanced ? "对账相符" : "对账不符");
    if (!r.balanced)
        printf("差异 %lld 项，详见对账单的「差异明细」或 jiuzhu pay reconcile\n",
               (long long)r.n_discrepancies);
    jz_pay_recon_cleanup(&r);
out:
    jz_ctx_cleanup(&x);
    jz_store_close(s);
    return status;
}

static const char *row_state(const jz_pay_due_row *r)
{
    if (r->batch)
        return jz_batch_state_zh[r->state < JZ_BATCH_STATE_COUNT ? r->state : 0];
    return r->status == JZ_PL_HELD ? "暂缓（未登记收款账户）" : "未编入批次";
}

static const char *batch_cell(const jz_pay_due_row *r, char buf[32])
{
    if (!r->batch)
        return "—";
    snprintf(buf, 32, "%lld", (long long)r->batch);
    return buf;
}

/* `pay due`: laid out as `case due` is (the most urgent first; rows whose
 * date cannot be computed in a section of their own, exit status 1). */
int cli_pay_due(int argc, char **argv)
{
    recon_opts o;
    jz_ctx x;
    jz_store *s = NULL;
    int status = open_with(argc, argv, &o, &x, &s);
    if (status)
        return status;
    jz_error err;
    jz_error_clear(&err);
    jz_date on = jz_date_today();
    long long within = 5;
    if (o.date && jz_date_parse(o.date, strlen(o.date), &on, &err) != JZ_OK) {
        fprintf(stderr, "jiuzhu pay due: --date「%s」不是有效日期（应为 YYYY-MM-DD）\n", o.date);
        status = EXIT_USAGE;
        goto out;
    }
    if (o.within && !cli_int("jiuzhu pay due", "--within", o.within, 0, 365, &within)) {
        status = EXIT_USAGE;
        goto out;
    }
    jz_pay_due_list d;
    if (jz_pay_due(&x, o.region ? o.region : "", on, (int)within, &d, &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    char ond[JZ_DATE_BUF];
    jz_date_format(on, ond, sizeof ond);
    cli_printf("截至 %s：%zu 项发放已超期或将在 %lld 个工作日内到期（最急的在前）\n", ond, d.n,
               within);
    cli_printf("%-6s %-8s %-9s %-22s %8s %14s %-10s %-9s %s\n", "批次", "县", "所属期", "现状",
               "条数", "金额（元）", "法定期限", "依据", "剩余工作日");
    for (size_t i = 0; i < d.n; i++) {
        const jz_pay_due_row *r = &d.rows[i];
        char dd[JZ_DATE_BUF], left[64], m[JZ_MONEY_BUF], b[32];
        jz_date_format(r->due, dd, sizeof dd);
        if (r->late && r->left < 0)
            snprintf(left, sizeof left, "已超期 %d 个工作日", -r->left);
        else if (r->late)
            snprintf(left, sizeof left, "已超期");
        else if (on == r->due)
            snprintf(left, sizeof left, "今天到期");
        else if (r->left == 0)
            snprintf(left, sizeof left, "0（今天是期限前最后一个工作日）");
        else
            snprintf(left, sizeof left, "%d", r->left);
        cli_printf("%-6s %-8s %-9s %-22s %8lld %14s %-10s %-9s %s\n", batch_cell(r, b), r->county,
                   r->period, row_state(r), (long long)r->lines, yuan(r->amount, m), dd, r->rule,
                   left);
    }
    if (d.n_problems) {
        cli_printf("\n无法计算发放期限的 %zu "
                   "项（未列入上表，请补充节假日文件或一次性项目的期限后再查看）：\n",
                   d.n_problems);
        for (size_t i = 0; i < d.n_problems; i++) {
            const jz_pay_due_row *r = &d.problems[i];
            char dd[JZ_DATE_BUF], m[JZ_MONEY_BUF], b[32];
            if (r->due)
                jz_date_format(r->due, dd, sizeof dd);
            cli_printf("%-6s %-8s %-9s %-22s %8lld %14s %s%s%s原因：%s\n", batch_cell(r, b),
                       r->county, r->period, row_state(r), (long long)r->lines, yuan(r->amount, m),
                       r->due ? "法定期限 " : "", r->due ? dd : "", r->due ? "；" : "",
                       r->err.reason);
        }
        fprintf(stderr, "jiuzhu pay due: %zu 项无法计算发放期限（见输出末尾），其余已列出\n",
                d.n_problems);
        status = EXIT_INPUT;
    }
    jz_pay_due_list_cleanup(&d);
out:
    jz_ctx_cleanup(&x);
    jz_store_close(s);
    return status;
}
