/*
 * pay_once.c - `jiuzhu pay once|hold|release|recoveries|repay`: one-time
 * programmes, holds and recoveries (jz_pay.h, docs/payments-dev.md).  Each
 * subcommand reads its options, calls one library operation and prints
 * what it did; ID numbers are masked.
 *
 *   jiuzhu pay once DB --programme CODE [--region P]
 *   jiuzhu pay hold DB --enrolment N --from YYYY-MM --reason R
 *   jiuzhu pay release DB --enrolment N --to YYYY-MM [--back-pay]
 *   jiuzhu pay recoveries DB [--household ID | --county C]
 *   jiuzhu pay repay DB --recovery N --amount YUAN --date D [--note N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_pay.h"

typedef struct once_opts {
    const char *db, *programme, *region, *enrolment, *from, *to, *reason, *household, *county,
        *recovery, *amount, *date, *note, *actor, *policy, *calendar;
    bool back_pay;
} once_opts;

static void usage(FILE *f)
{
    fputs("用法: jiuzhu pay once 数据库 --programme 项目代码 [--region 区划代码]\n"
          "      jiuzhu pay hold 数据库 --enrolment 救助编号 --from 年-月 --reason 原因\n"
          "      jiuzhu pay release 数据库 --enrolment 救助编号 --to 年-月 [--back-pay]\n"
          "      jiuzhu pay recoveries 数据库 [--household 户编号 | --county 县级区划代码]\n"
          "      jiuzhu pay repay 数据库 --recovery 追回编号 --amount 元 --date 年-月-日"
          " [--note 说明]\n"
          "      （各命令均可加 --actor 经办人、--policy 目录）\n"
          "once       按一次性项目（policy/programmes/项目代码.json）给资格认定日在册的每人生成\n"
          "           一条发放明细，并按省级、市县份额分列；重复执行不重复发放。\n"
          "hold       自该月起暂停发放（复核期间等）；已编制计划的月份在下次计划时转为追回。\n"
          "release    解除暂停，暂停至该月；--back-pay 表示暂停期间各月在下次计划时补发。\n"
          "recoveries 列出追回（多发的救助金）及其退回记录、余额。\n"
          "repay      记录一笔退回，不得超过余额；余额为 0 即结清。\n",
          f);
}

static int fail_usage(void)
{
    usage(stderr);
    return EXIT_USAGE;
}

/* ---- once ---------------------------------------------------------------------------- */

static int do_once(const once_opts *o, jz_ctx *x)
{
    if (!o->programme)
        return fail_usage();
    jz_error err;
    jz_error_clear(&err);
    jz_pay_once_res r;
    const char *region = o->region ? o->region : "";
    if (jz_pay_once(x, o->programme, region, &r, &err) != JZ_OK)
        return cli_fail(&err);
    const jz_once_programme *pg = jz_once_programmes_find(x->programmes, o->programme);
    char each[JZ_MONEY_BUF], as_of[JZ_DATE_BUF], by[JZ_DATE_BUF] = "未规定";
    jz_money_format(pg->amount, each, sizeof each);
    jz_date_format(pg->as_of, as_of, sizeof as_of);
    if (pg->deadline != JZ_DATE_NONE)
        jz_date_format(pg->deadline, by, sizeof by);
    printf("一次性项目 %s %s（每人 %s 元，%s；资格认定日 %s，发放期限 %s）\n", pg->code, pg->name,
           each, pg->voucher ? "消费券" : "现金", as_of, by);
    char t[JZ_MONEY_BUF], p[JZ_MONEY_BUF], l[JZ_MONEY_BUF];
    jz_money_format(r.total_added, t, sizeof t);
    jz_money_format(r.province_added, p, sizeof p);
    jz_money_format(r.local_added, l, sizeof l);
    printf("本次新增 %lld 人，合计 %s 元（省级 %s 元，市县 %s 元）；已有未重复 %lld 人；"
           "暂缓（无收款账户）%lld 人\n",
           (long long)r.lines_added, t, p, l, (long long)r.already, (long long)r.held);
    jz_money_format(r.total, t, sizeof t);
    jz_money_format(r.province, p, sizeof p);
    jz_money_format(r.local, l, sizeof l);
    printf("累计%s%s%s：%lld 人，合计 %s 元 = 省级 %s 元 + 市县 %s 元\n",
           region[0] ? "（区划 " : "", region, region[0] ? "）" : "", (long long)r.lines, t, p, l);
    for (size_t i = 0; i < r.n_refusals; i++) {
        const jz_pay_refusal *f = &r.refusals[i];
        printf("  不予发放：户 %s 救助 %lld（%s）：%s\n", f->household_id, (long long)f->enrolment,
               f->rule, f->reason);
    }
    if (r.late)
        printf("注意：已过发放期限 %s，请尽快编入批次发放\n", by);
    jz_pay_once_res_cleanup(&r);
    return EXIT_DONE;
}

/* ---- holds --------------------------------------------------------------------------- */

static bool enrolment_id(const once_opts *o, long long *id)
{
    if (!o->enrolment) {
        usage(stderr);
        return false;
    }
    return cli_int("jiuzhu pay", "--enrolment", o->enrolment, 1, INT64_MAX, id);
}

static int do_hold(const once_opts *o, jz_ctx *x)
{
    long long id;
    if (!o->from || !o->reason)
        return fail_usage();
    if (!enrolment_id(o, &id))
        return EXIT_USAGE;
    jz_error err;
    jz_error_clear(&err);
    if (jz_pay_hold_start(x, id, o->from, o->reason, &err) != JZ_OK)
        return cli_fail(&err);
    printf("救助 %lld 自 %s 起暂停发放：%s\n"
           "下次编制发放计划时生效；已编制计划的月份将转为追回，除非解除时选择补发\n",
           id, o->from, o->reason);
    return EXIT_DONE;
}

static int do_release(const once_opts *o, jz_ctx *x)
{
    long long id;
    if (!o->to)
        return fail_usage();
    if (!enrolment_id(o, &id))
        return EXIT_USAGE;
    jz_error err;
    jz_error_clear(&err);
    if (jz_pay_release(x, id, o->to, o->back_pay, &err) != JZ_OK)
        return cli_fail(&err);
    printf("救助 %lld 解除暂停发放，暂停至 %s；%s\n", id, o->to,
           o->back_pay ? "暂停期间各月在下次编制发放计划时补发"
                       : "暂停期间各月不予发放，此后各月照常发放");
    return EXIT_DONE;
}

/* ---- recoveries ---------------------------------------------------------------------- */

typedef struct listing {
    jz_ctx *x;
    long n;
    bool repayments; /* list each recovery's repayments (one household) */
} listing;

static void print_repayment(const jz_repayment *p, void *arg)
{
    (void)arg;
    char a[JZ_MONEY_BUF], d[JZ_DATE_BUF];
    jz_money_format(p->amount, a, sizeof a);
    jz_date_format(p->on, d, sizeof d);
    cli_printf("         退回 %s  %12s 元  %s\n", d, a, p->note);
}

static void print_recovery(const jz_recovery *r, void *arg)
{
    listing *ls = arg;
    char a[JZ_MONEY_BUF], paid[JZ_MONEY_BUF], b[JZ_MONEY_BUF], d[JZ_DATE_BUF];
    jz_money_format(r->amount, a, sizeof a);
    jz_money_format(r->amount - r->balance, paid, sizeof paid);
    jz_money_format(r->balance, b, sizeof b);
    jz_date_format(r->opened_on, d, sizeof d);
    cli_printf("%-6lld %-18s %-6lld %-8s %-10s %12s %12s %12s  %-6s %s\n", (long long)r->id,
               r->household_id, (long long)r->enrolment, r->from_period, d, a, paid, b,
               r->balance == 0 ? "已结清" : "追回中", r->reason);
    ls->n++;
    if (ls->repayments) {
        jz_error err;
        jz_error_clear(&err);
        if (jz_pay_repayments(ls->x, r->id, print_repayment, NULL, &err) != JZ_OK)
            cli_print_error(&err);
    }
}

static int do_recoveries(const once_opts *o, jz_ctx *x)
{
    if (o->household && o->county)
        return fail_usage();
    jz_error err;
    jz_error_clear(&err);
    listing ls = {x, 0, o->household != NULL};
    printf("%-6s %-18s %-6s %-8s %-10s %12s %12s %12s  %-6s %s\n", "追回", "户编号", "救助",
           "起始期", "开立日", "金额（元）", "已退回", "余额", "状态", "原因");
    if (jz_pay_recoveries(x, o->household, o->county, print_recovery, &ls, &err) != JZ_OK)
        return cli_fail(&err);
    printf("共 %ld 笔\n", ls.n);
    return EXIT_DONE;
}

static int do_repay(const once_opts *o, jz_ctx *x)
{
    if (!o->recovery || !o->amount || !o->date)
        return fail_usage();
    long long id;
    if (!cli_int("jiuzhu pay", "--recovery", o->recovery, 1, INT64_MAX, &id))
        return EXIT_USAGE;
    jz_error err;
    jz_error_clear(&err);
    jz_fen amount;
    jz_date on;
    if (jz_money_parse(o->amount, strlen(o->amount), &amount, &err) != JZ_OK) {
        jz_error_set(&err, JZ_EUSAGE, "--amount", o->amount, "金额应为元，最多两位小数，如 300.00");
        return cli_fail(&err);
    }
    if (jz_date_parse(o->date, strlen(o->date), &on, &err) != JZ_OK) {
        jz_error_set(&err, JZ_EUSAGE, "--date", o->date, "日期应为 YYYY-MM-DD");
        return cli_fail(&err);
    }
    jz_recovery r;
    if (jz_pay_repay(x, id, amount, on, o->note ? o->note : "", &r, NULL, &err) != JZ_OK)
        return cli_fail(&err);
    char a[JZ_MONEY_BUF], b[JZ_MONEY_BUF];
    jz_money_format(amount, a, sizeof a);
    jz_money_format(r.balance, b, sizeof b);
    printf("追回 %lld（户 %s）于 %s 退回 %s 元，余额 %s 元%s\n", id, r.household_id, o->date, a, b,
           r.balance == 0 ? "，已结清" : "");
    return EXIT_DONE;
}

/* ---- options ------------------------------------------------------------------------- */

static int common(int argc, char **argv, int (*fn)(const once_opts *, jz_ctx *))
{
    once_opts o;
    memset(&o, 0, sizeof o);
    o.actor = cli_default_actor();
    /* --back-pay takes no value: taken out before the others are read. */
    char **args = malloc((size_t)argc * sizeof *args);
    if (!args) {
        fputs("jiuzhu pay: 内存不足\n", stderr);
        return EXIT_INPUT;
    }
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (i >= 2 && strcmp(argv[i], "--back-pay") == 0)
            o.back_pay = true;
        else
            args[n++] = argv[i];
    }
    const cli_opt opts[] = {{"--programme", &o.programme},
                            {"--region", &o.region},
                            {"--enrolment", &o.enrolment},
                            {"--from", &o.from},
                            {"--to", &o.to},
                            {"--reason", &o.reason},
                            {"--household", &o.household},
                            {"--county", &o.county},
                            {"--recovery", &o.recovery},
                            {"--amount", &o.amount},
                            {"--date", &o.date},
                            {"--note", &o.note},
                            {"--actor", &o.actor},
                            {"--policy", &o.policy},
                            {"--calendar", &o.calendar},
                            {NULL, NULL}};
    bool ok = cli_opts(n, args, 2, opts, &o.db) && o.db;
    free(args);
    if (!ok)
        return fail_usage();
    if (o.back_pay && fn != do_release)
        return fail_usage();
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

int cli_pay_once(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[2], "--help") == 0) {
        usage(stdout);
        return EXIT_DONE;
    }
    static const struct {
        const char *name;
        int (*fn)(const once_opts *, jz_ctx *);
    } subs[] = {{"once", do_once},
                {"hold", do_hold},
                {"release", do_release},
                {"recoveries", do_recoveries},
                {"repay", do_repay}};
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return common(argc, argv, subs[i].fn);
    return fail_usage();
}
