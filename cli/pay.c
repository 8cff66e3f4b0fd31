/*
 * pay.c - `jiuzhu pay`: payments (jz_pay.h, docs/payments.md).  Each
 * subcommand reads its options, calls one library operation and prints
 * what it did; account numbers are masked and ID numbers too unless
 * --full-id.
 *
 *   jiuzhu pay plan DB --period 2025-07 [--region CODE]
 *   jiuzhu pay batch DB --period 2025-07 --county 140902
 *   jiuzhu pay approve DB --batch N
 *   jiuzhu pay lines DB (--batch N | --household ID)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_pay.h"
#include "jiuzhu/jz_store_pay.h"
#include "pay_recon.h"

typedef struct pay_opts {
    const char *db, *period, *region, *county, *batch, *household, *actor, *policy, *calendar;
} pay_opts;

static void usage(FILE *f)
{
    fputs("用法: jiuzhu pay plan 数据库 --period 年-月 [--region 区划代码]\n"
          "      jiuzhu pay batch 数据库 --period 年-月 --county 县级区划代码\n"
          "      jiuzhu pay approve 数据库 --batch 批次号\n"
          "      jiuzhu pay lines 数据库 (--batch 批次号 | --household 户编号)\n"
          "      jiuzhu pay payee|institution|export|results|followup ...（收款账户、代发文件、"
          "回盘和退票重发：jiuzhu pay payee --help）\n"
          "      jiuzhu pay once|hold|release|recoveries|repay ...（一次性发放、暂停与恢复发放、"
          "追回：jiuzhu pay once --help）\n"
          "      jiuzhu pay reconcile|statement|due ...（对账、财政对账单、发放期限："
          "jiuzhu pay reconcile --help）\n"
          "      （各命令均可加 --actor 经办人、--policy 目录）\n"
          "plan    计算该月应发：低保按月、特困在每季首月按季；已计划的不重复，\n"
          "        计划后的变化在下一期计为调整（补发；多发转为追回）。\n"
          "batch   将该县该月可发放的明细按收款银行编成批次。\n"
          "approve 审核并锁定批次：须由编制人以外的工作人员审核。\n"
          "lines   列出批次或一户的发放明细（账号隐去中间部分）。\n",
          f);
}

int cli_pay_open(const char *db, const char *actor, const char *policy, const char *calendar,
                 jz_ctx *x, jz_store **s)
{
    jz_error err;
    jz_error_clear(&err);
    if (jz_store_open(db, 0, s, &err) != JZ_OK)
        return cli_fail(&err);
    if (jz_ctx_init(x, *s, cli_policy_dir(policy), calendar, cli_actor(actor), &err) != JZ_OK) {
        jz_store_close(*s);
        *s = NULL;
        return cli_fail(&err);
    }
    return EXIT_DONE;
}

static int do_plan(const pay_opts *o, jz_ctx *x)
{
    if (!o->period) {
        usage(stderr);
        return EXIT_USAGE;
    }
    jz_error err;
    jz_error_clear(&err);
    jz_pay_plan_req rq = {o->period, o->region ? o->region : ""};
    jz_pay_plan_res r;
    if (jz_pay_plan(x, &rq, &r, &err) != JZ_OK)
        return cli_fail(&err);
    char t[JZ_MONEY_BUF];
    jz_money_format(r.total_added, t, sizeof t);
    printf("%s 发放计划%s%s：新增正常发放 %lld 条，调整 %lld 条，合计 %s 元；"
           "已有未重复 %lld 条；暂缓（无收款账户）%lld 条；新开追回 %lld 笔\n",
           o->period, rq.region_prefix[0] ? "（区划 " : "",
           rq.region_prefix[0] ? rq.region_prefix : "", (long long)r.lines_added,
           (long long)r.adjustments_added, t, (long long)r.already, (long long)r.held,
           (long long)r.recoveries_opened);
    if (r.withdrawn) {
        char w[JZ_MONEY_BUF];
        jz_money_format(r.withdrawn_total, w, sizeof w);
        printf("撤回尚未发出、经重新核算不应发放的明细 %lld 条，%s 元（不发放，无需追回）\n",
               (long long)r.withdrawn, w);
    }
    for (size_t i = 0; i < r.n_refusals; i++) {
        const jz_pay_refusal *f = &r.refusals[i];
        char id[JZ_IDNUM_MASKED_BUF];
        printf("  不予发放：户 %s 成员 %s（%s）：%s\n", f->household_id, cli_id(f->member_id, id),
               f->rule, f->reason);
    }
    jz_pay_plan_res_cleanup(&r);
    return EXIT_DONE;
}

static void print_batch(const jz_pay_batch *b)
{
    char t[JZ_MONEY_BUF];
    jz_money_format(b->total, t, sizeof t);
    printf("批次 %lld：%s 县 %s 银行 %s 期，%lld 条，%s 元，%s（编制 %s%s%s）\n", (long long)b->id,
           b->county, b->bank, b->period, (long long)b->lines, t,
           jz_batch_state_zh[b->state < JZ_BATCH_STATE_COUNT ? b->state : 0], b->prepared_by,
           b->approved_by[0] ? "，审核 " : "", b->approved_by);
}

static int do_batch(const pay_opts *o, jz_ctx *x)
{
    if (!o->period || !o->county) {
        usage(stderr);
        return EXIT_USAGE;
    }
    jz_error err;
    jz_error_clear(&err);
    jz_pay_batch_req rq = {o->period, o->county};
    jz_pay_batch_res r;
    if (jz_pay_batch_prepare(x, &rq, &r, &err) != JZ_OK)
        return cli_fail(&err);
    if (!r.n)
        printf("%s 县 %s 期没有可编入批次的发放明细\n", o->county, o->period);
    for (size_t i = 0; i < r.n; i++)
        print_batch(&r.b[i]);
    jz_pay_batch_res_cleanup(&r);
    return EXIT_DONE;
}

static bool batch_id(const pay_opts *o, long long *id)
{
    if (!o->batch) {
        usage(stderr);
        return false;
    }
    return cli_int("jiuzhu pay", "--batch", o->batch, 1, INT64_MAX, id);
}

static int do_approve(const pay_opts *o, jz_ctx *x)
{
    long long id;
    if (!batch_id(o, &id))
        return EXIT_USAGE;
    jz_error err;
    jz_error_clear(&err);
    jz_pay_batch b;
    if (jz_pay_batch_approve(x, id, &b, &err) != JZ_OK)
        return cli_fail(&err);
    print_batch(&b);
    return EXIT_DONE;
}

static const char *batch_text(int64_t id, char b[32])
{
    snprintf(b, 32, "%lld ", (long long)id);
    return b;
}

static void print_line(const jz_pay_line *l, void *arg)
{
    long *n = arg;
    char a[JZ_MONEY_BUF], id[JZ_IDNUM_MASKED_BUF], b[32];
    jz_money_format(l->amount, a, sizeof a);
    printf("%-8lld %-18s %-18s %-12s %-9s %-10s %-8s %12s %-10s %s%s%s\n", (long long)l->id,
           l->household_id, l->member_id[0] ? cli_id(l->member_id, id) : "（全户）", l->programme,
           l->period, jz_pay_kind_zh[l->kind < JZ_PAY_KIND_COUNT ? l->kind : 0],
           l->ref_period[0] ? l->ref_period : "-", a,
           jz_pay_status_zh[l->status < JZ_PL_STATUS_COUNT ? l->status : 0],
           l->batch ? "批次 " : "", l->batch ? batch_text(l->batch, b) : "", l->reason);
    (*n)++;
}

static int do_lines(const pay_opts *o, jz_ctx *x)
{
    jz_error err;
    jz_error_clear(&err);
    long n = 0;
    printf("%-8s %-18s %-18s %-12s %-9s %-10s %-8s %12s %-10s %s\n", "明细", "户编号", "成员",
           "项目", "所属期", "类别", "调整期", "金额（元）", "状态", "说明");
    jz_err rc;
    if (o->batch) {
        long long id;
        if (!batch_id(o, &id))
            return EXIT_USAGE;
        rc = jz_pay_batch_lines(x, id, print_line, &n, &err);
    } else if (o->household) {
        rc = jz_store_pay_lines_of_household(x->store, o->household, print_line, &n, &err);
    } else {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (rc)
        return cli_fail(&err);
    printf("共 %ld 条\n", n);
    return EXIT_DONE;
}

/* The subcommands of `jiuzhu pay` with the options of this file. */
static int common(int argc, char **argv, int (*fn)(const pay_opts *, jz_ctx *))
{
    pay_opts o;
    memset(&o, 0, sizeof o);
    o.actor = cli_default_actor();
    const cli_opt opts[] = {
        {"--period", &o.period}, {"--region", &o.region},       {"--county", &o.county},
        {"--batch", &o.batch},   {"--household", &o.household}, {"--actor", &o.actor},
        {"--policy", &o.policy}, {"--calendar", &o.calendar},   {NULL, NULL}};
    if (!cli_opts(argc, argv, 2, opts, &o.db) || !o.db) {
        usage(stderr);
        return EXIT_USAGE;
    }
    jz_ctx x;
    jz_store *s = NULL;
    int status = cli_pay_open(o.db, o.actor, o.policy, o.calendar, &x, &s);
    if (status)
        return status;
    status = fn(&o, &x);
    jz_ctx_cleanup(&x);
    jz_store_close(s);
    return status;
}

static int pay_plan(int argc, char **argv)
{
    return common(argc, argv, do_plan);
}

static int pay_batch(int argc, char **argv)
{
    return common(argc, argv, do_batch);
}

static int pay_approve(int argc, char **argv)
{
    return common(argc, argv, do_approve);
}

static int pay_lines(int argc, char **argv)
{
    return common(argc, argv, do_lines);
}

int cmd_pay(int argc, char **argv)
{
    if (argc < 3) {
        bool help = argc >= 2 && strcmp(argv[1], "--help") == 0;
        usage(help ? stdout : stderr);
        return help ? EXIT_DONE : EXIT_USAGE;
    }
    /* Each subcommand reads its own options (argv[2] on). */
    static const struct {
        const char *name;
        int (*fn)(int argc, char **argv);
    } subs[] = {
        {"plan", pay_plan},
        {"batch", pay_batch},
        {"approve", pay_approve},
        {"lines", pay_lines},
        {"once", cli_pay_once},
        {"hold", cli_pay_once},
        {"release", cli_pay_once},
        {"recoveries", cli_pay_once},
        {"repay", cli_pay_once},
        {"payee", cli_pay_bank},
        {"institution", cli_pay_bank},
        {"export", cli_pay_bank},
        {"results", cli_pay_bank},
        {"followup", cli_pay_bank},
        {"reconcile", cli_pay_reconcile},
        {"statement", cli_pay_statement},
        {"due", cli_pay_due},
    };
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].fn(argc, argv);
    fprintf(stderr, "jiuzhu pay: 未知的子命令「%s」\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
