/*
 * pay_bank.c - `jiuzhu pay payee|institution|export|results|followup`:
 * who is paid, the care institutions, the bank's 代发 file, its result
 * file and the follow-ups of refused lines (jz_pay.h,
 * docs/payments-dev.md).  Each subcommand reads its options, calls one
 * library operation and prints what it did, in Chinese; account numbers
 * are masked (jz_account_mask) and ID numbers too.
 *
 *   jiuzhu pay payee set DB --household ID [--member IDNUM]
 *                       (--name N --id IDNUM --bank CODE --account DIGITS | --institution N)
 *   jiuzhu pay payee show DB --household ID
 *   jiuzhu pay institution add DB --county C --name N --holder H --bank B --account A
 *   jiuzhu pay institution list DB [--county C]
 *   jiuzhu pay export DB --batch N [--format csv|xlsx] [--out DIR]
 *   jiuzhu pay results DB --batch N FILE
 *   jiuzhu pay followup DB --county C
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_file.h"
#include "jiuzhu/jz_pay.h"
#include "jiuzhu/jz_store_pay.h"

typedef struct bank_opts {
    const char *db, *file;
    const char *household, *member, *name, *id, *bank, *account, *institution;
    const char *county, *holder, *batch, *format, *out, *period;
    const char *actor, *policy, *calendar;
} bank_opts;

static void usage(FILE *f)
{
    fputs("用法: jiuzhu pay payee set 数据库 --household 户编号 [--member 身份证号]\n"
          "          (--name 户名 --id 身份证号 --bank 银行代码 --account 账号 | --institution "
          "机构)\n"
          "      jiuzhu pay payee show 数据库 --household 户编号\n"
          "      jiuzhu pay institution add 数据库 --county 县 --name 名称 --holder 户名 "
          "--bank 银行代码 --account 账号\n"
          "      jiuzhu pay institution list 数据库 [--county 县]\n"
          "      jiuzhu pay export 数据库 (--batch 批次号 | --period 年-月 [--county 县]) [--format csv|xlsx]\n"
          "          [--out 目录]\n"
          "      jiuzhu pay results 数据库 --batch 批次号 回盘文件\n"
          "      jiuzhu pay followup 数据库 --county 县\n"
          "      （各命令均可加 --actor 经办人、--policy 目录）\n"
          "payee set    登记一户（或户内某人、集中供养特困人员的供养服务机构）的收款账户；\n"
          "             更换账户另存新版本，审计日志只记隐去中间部分的账号。\n"
          "payee show   列出一户的收款账户（账号隐去中间部分）。\n"
          "institution  登记、列出供养服务机构及其账户（集中供养特困人员的供养金付给机构）。\n"
          "export       生成已审核批次的代发文件（按银行配置的格式、编码和文件名）；\n"
          "             首次生成即标记批次和明细为已报送，再次生成内容相同。\n"
          "results      导入银行回盘文件：全部核对无误才写入，到账或退票逐条记下；\n"
          "             同一文件再次导入不作改动。\n"
          "followup     退票且账户已更正的明细生成重发明细，由下一批次发放（只发一次）。\n",
          f);
}

/* Options "--name VALUE" of opts, and up to two arguments that are not
 * options (the database, and a file). */
static bool read_opts(int argc, char **argv, int from, const cli_opt *opts, const char **pos1,
                      const char **pos2)
{
    for (int i = from; i < argc; i++) {
        const char *a = argv[i];
        const cli_opt *o = opts;
        while (o->name && strcmp(o->name, a) != 0)
            o++;
        if (o->name && i + 1 < argc)
            *o->value = argv[++i];
        else if (!o->name && a[0] != '-' && !*pos1)
            *pos1 = a;
        else if (!o->name && a[0] != '-' && pos2 && !*pos2)
            *pos2 = a;
        else
            return false;
    }
    return true;
}

static const char *bank_name(const jz_ctx *x, const char *code)
{
    const jz_bank *b = jz_banks_find(x->banks, code);
    return b ? b->name : code;
}

/* "王建国 140902********0159 中国农业银行 6228**********1234" */
static void print_payee(const jz_ctx *x, const jz_payee *p)
{
    char m[JZ_ACCOUNT_BUF], id[JZ_IDNUM_MASKED_BUF];
    jz_account_mask(p->account, m);
    if (p->institution)
        printf("供养服务机构（编号 %lld）户名 %s，%s 账号 %s", (long long)p->institution,
               p->holder_name, bank_name(x, p->bank), m);
    else
        printf("户名 %s，身份证号 %s，%s 账号 %s", p->holder_name, cli_id(p->holder_id, id),
               bank_name(x, p->bank), m);
    printf("（第 %d 版）", p->version);
}

static void unit_text(const char *household, const char *member, char *out, size_t n)
{
    char id[JZ_IDNUM_MASKED_BUF];
    if (member && member[0])
        snprintf(out, n, "户 %s 成员 %s", household, cli_id(member, id));
    else
        snprintf(out, n, "户 %s（全户）", household);
}

/* --institution: an institution's number, or its name in the household's
 * county. */
typedef struct inst_find {
    const char *name;
    int64_t id;
    int found;
} inst_find;

static void on_inst_find(const jz_institution *i, void *arg)
{
    inst_find *f = arg;
    if (strcmp(i->name, f->name) == 0) {
        f->id = i->id;
        f->found++;
    }
}

static int institution_id(jz_ctx *x, const char *text, int64_t *id)
{
    jz_error err;
    jz_error_clear(&err);
    if (strspn(text, "0123456789") == strlen(text) && text[0]) {
        long long v;
        if (!cli_int("jiuzhu pay payee set", "--institution", text, 1, INT64_MAX, &v))
            return EXIT_USAGE;
        *id = v;
        return EXIT_DONE;
    }
    inst_find f = {text, 0, 0};
    if (jz_pay_institutions(x, "", on_inst_find, &f, &err) != JZ_OK)
        return cli_fail(&err);
    if (f.found != 1) {
        jz_error_set(&err, JZ_EINPUT, "--institution", text,
                     f.found
                         ? "多个县有同名的供养服务机构，请用机构编号（jiuzhu pay institution list）"
                         : "没有这个供养服务机构（jiuzhu pay institution add 登记）");
        return cli_fail(&err);
    }
    *id = f.id;
    return EXIT_DONE;
}

static int do_payee_set(const bank_opts *o, jz_ctx *x)
{
    bool own = o->name || o->id || o->bank || o->account;
    if (!o->household || (own == !!o->institution) ||
        (own && (!o->name || !o->id || !o->bank || !o->account))) {
        usage(stderr);
        return EXIT_USAGE;
    }
    jz_payee_req rq = {.household_id = o->household,
                       .member_id = o->member,
                       .holder_name = o->name,
                       .holder_id = o->id,
                       .bank = o->bank,
                       .account = o->account};
    if (o->institution) {
        int st = institution_id(x, o->institution, &rq.institution);
        if (st)
            return st;
    }
    jz_error err;
    jz_error_clear(&err);
    jz_payee_res r;
    if (jz_pay_payee_set(x, &rq, &r, &err) != JZ_OK)
        return cli_fail(&err);
    char unit[128];
    unit_text(r.payee.household_id, r.payee.member_id, unit, sizeof unit);
    printf("%s的收款账户%s：", unit, !r.changed ? "未变" : r.before ? "已更换" : "已登记");
    print_payee(x, &r.payee);
    if (r.released)
        printf("；%lld 条暂缓发放（无收款账户）的明细转为待发放", (long long)r.released);
    printf("\n");
    if (r.n_shared) {
        printf("注意：该账户同时是户");
        for (size_t i = 0; i < r.n_shared; i++)
            printf("%s %s", i ? "、" : "", r.shared[i]);
        printf(" 的收款账户（一卡多户），请核实账户确属本人或其监护人，防止冒领\n");
    }
    return EXIT_DONE;
}

static int do_payee_show(const bank_opts *o, jz_ctx *x)
{
    if (!o->household) {
        usage(stderr);
        return EXIT_USAGE;
    }
    jz_error err;
    jz_error_clear(&err);
    jz_payee *p = NULL;
    size_t n = 0;
    if (jz_pay_payees(x, o->household, &p, &n, &err) != JZ_OK)
        return cli_fail(&err);
    if (!n)
        printf("户 %s 未登记收款账户\n", o->household);
    for (size_t i = 0; i < n; i++) {
        char unit[128];
        unit_text(p[i].household_id, p[i].member_id, unit, sizeof unit);
        printf("%s：", unit);
        print_payee(x, &p[i]);
        printf("\n");
    }
    free(p);
    return EXIT_DONE;
}

static int do_institution_add(const bank_opts *o, jz_ctx *x)
{
    if (!o->county || !o->name || !o->holder || !o->bank || !o->account) {
        usage(stderr);
        return EXIT_USAGE;
    }
    jz_institution in;
    memset(&in, 0, sizeof in);
    jz_error err;
    jz_error_clear(&err);
    if (strlen(o->name) >= sizeof in.name || strlen(o->holder) >= sizeof in.holder ||
        strlen(o->county) >= sizeof in.county || strlen(o->bank) >= sizeof in.bank ||
        strlen(o->account) >= sizeof in.account) {
        jz_error_set(&err, JZ_EINPUT, NULL, NULL, "名称、户名、银行代码或账号过长");
        return cli_fail(&err);
    }
    snprintf(in.county, sizeof in.county, "%s", o->county);
    snprintf(in.name, sizeof in.name, "%s", o->name);
    snprintf(in.holder, sizeof in.holder, "%s", o->holder);
    snprintf(in.bank, sizeof in.bank, "%s", o->bank);
    snprintf(in.account, sizeof in.account, "%s", o->account);
    if (jz_pay_institution_add(x, &in, &err) != JZ_OK)
        return cli_fail(&err);
    char m[JZ_ACCOUNT_BUF];
    jz_account_mask(in.account, m);
    printf("供养服务机构 %lld 已登记：县 %s %s（户名 %s，%s 账号 %s）\n", (long long)in.id,
           in.county, in.name, in.holder, bank_name(x, in.bank), m);
    return EXIT_DONE;
}

typedef struct inst_print {
    const jz_ctx *x;
    long n;
} inst_print;

static void on_inst_print(const jz_institution *i, void *arg)
{
    inst_print *p = arg;
    char m[JZ_ACCOUNT_BUF];
    jz_account_mask(i->account, m);
    printf("%-6lld %-6s %s（户名 %s，%s 账号 %s）\n", (long long)i->id, i->county, i->name,
           i->holder, bank_name(p->x, i->bank), m);
    p->n++;
}

static int do_institution_list(const bank_opts *o, jz_ctx *x)
{
    jz_error err;
    jz_error_clear(&err);
    inst_print p = {x, 0};
    printf("%-6s %-6s %s\n", "编号", "县", "供养服务机构");
    if (jz_pay_institutions(x, o->county ? o->county : "", on_inst_print, &p, &err) != JZ_OK)
        return cli_fail(&err);
    printf("共 %ld 个\n", p.n);
    return EXIT_DONE;
}

static bool batch_id(const bank_opts *o, int64_t *id)
{
    long long v;
    if (!o->batch) {
        usage(stderr);
        return false;
    }
    if (!cli_int("jiuzhu pay", "--batch", o->batch, 1, INT64_MAX, &v))
        return false;
    *id = v;
    return true;
}

typedef struct batch_ids {
    int64_t *id;
    size_t n, cap;
} batch_ids;

static void approved_batch(const jz_pay_batch *b, void *arg)
{
    batch_ids *v = arg;
    if (b->state < JZ_BATCH_APPROVED || v->n == v->cap)
        return;
    v->id[v->n++] = b->id;
}

static int export_one(const bank_opts *o, jz_ctx *x, int64_t batch);

/* `--period`: every approved batch of the month, one file each. */
static int export_period(const bank_opts *o, jz_ctx *x)
{
    int ym;
    if (!jz_period_month(o->period, &ym)) {
        fprintf(stderr, "jiuzhu pay export: --period「%s」应为年月，如 2025-07\n", o->period);
        return EXIT_USAGE;
    }
    batch_ids v = {calloc(65536, sizeof(int64_t)), 0, 65536};
    if (!v.id) {
        fputs("jiuzhu: 内存不足\n", stderr);
        return EXIT_INPUT;
    }
    jz_error err;
    jz_error_clear(&err);
    int status = EXIT_DONE;
    if (jz_store_pay_batches(x->store, o->county ? o->county : "", o->period, approved_batch, &v,
                             &err) != JZ_OK)
        status = cli_fail(&err);
    for (size_t i = 0; i < v.n && !status; i++)
        status = export_one(o, x, v.id[i]);
    if (!status)
        printf("%s 期共生成 %zu 个代发文件\n", o->period, v.n);
    free(v.id);
    return status;
}

static int do_export(const bank_opts *o, jz_ctx *x)
{
    if (o->period && !o->batch)
        return export_period(o, x);
    int64_t id;
    if (!batch_id(o, &id))
        return EXIT_USAGE;
    return export_one(o, x, id);
}

static int export_one(const bank_opts *o, jz_ctx *x, int64_t batch)
{
    jz_pay_export_req rq = {.out_dir = o->out ? o->out : ".",
                            .guard = o->db,
                            .flags = cli_out_flags(false),
                            .batch = batch};
    if (!o->format || strcmp(o->format, "csv") == 0)
        rq.format = JZ_PAY_CSV;
    else if (strcmp(o->format, "xlsx") == 0)
        rq.format = JZ_PAY_XLSX;
    else {
        fprintf(stderr, "jiuzhu pay export: --format「%s」应为 csv 或 xlsx\n", o->format);
        return EXIT_USAGE;
    }
    jz_error err;
    jz_error_clear(&err);
    jz_pay_export_res r;
    if (jz_pay_export(x, &rq, &r, &err) != JZ_OK)
        return cli_fail(&err);
    char t[JZ_MONEY_BUF];
    jz_money_format(r.total, t, sizeof t);
    const jz_bank *b = jz_banks_find(x->banks, r.batch.bank);
    printf("批次 %lld 的代发文件%s：%s（%s，%lld 条，%s 元%s%s）\n", (long long)r.batch.id,
           r.first ? "已生成，批次和明细标记为已报送银行" : "已重新生成（内容与首次相同）", r.path,
           b ? b->name : r.batch.bank, (long long)r.lines, t,
           rq.format == JZ_PAY_CSV ? "，编码 " : "",
           rq.format == JZ_PAY_CSV && b ? b->encoding : "");
    return EXIT_DONE;
}

static void on_refused(const jz_pay_line *l, void *arg)
{
    (void)arg;
    if (l->status != JZ_PL_REFUSED)
        return;
    char a[JZ_MONEY_BUF], id[JZ_IDNUM_MASKED_BUF];
    jz_money_format(l->amount, a, sizeof a);
    printf("  退票：明细 %lld 户 %s %s %s 元，代码 %s%s%s\n", (long long)l->id, l->household_id,
           l->member_id[0] ? cli_id(l->member_id, id) : "（全户）", a, l->result,
           l->reason[0] ? "，" : "", l->reason);
}

static int do_results(const bank_opts *o, jz_ctx *x)
{
    int64_t id;
    if (!o->file) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!batch_id(o, &id))
        return EXIT_USAGE;
    jz_error err;
    jz_error_clear(&err);
    char *text = NULL;
    size_t len = 0;
    if (jz_file_read(o->file, "回盘文件", JZ_PAY_RESULTS_MAX, &text, &len, &err) != JZ_OK)
        return cli_fail(&err);
    jz_pay_results_res r;
    jz_err rc = jz_pay_results(x, id, text, len, o->file, &r, &err);
    free(text);
    if (rc)
        return cli_fail(&err);
    if (r.already) {
        printf("批次 %lld 已于 %s 导入过这个回盘文件（sha256 %.12s…），未作任何改动\n",
               (long long)r.batch.id, r.batch.settled_at, r.sha256);
        return EXIT_DONE;
    }
    char p[JZ_MONEY_BUF], f[JZ_MONEY_BUF];
    jz_money_format(r.paid_total, p, sizeof p);
    jz_money_format(r.refused_total, f, sizeof f);
    printf("批次 %lld 的回盘文件已导入：到账 %lld 条 %s 元，退票 %lld 条 %s 元；批次已对账"
           "（sha256 %.12s…）\n",
           (long long)r.batch.id, (long long)r.paid, p, (long long)r.refused, f, r.sha256);
    if (r.refused) {
        if (jz_pay_batch_lines(x, r.batch.id, on_refused, NULL, &err) != JZ_OK)
            return cli_fail(&err);
        printf("退票的明细在更正收款账户（jiuzhu pay payee set）后由 jiuzhu pay followup "
               "生成重发明细\n");
    }
    return EXIT_DONE;
}

static int do_followup(const bank_opts *o, jz_ctx *x)
{
    if (!o->county) {
        usage(stderr);
        return EXIT_USAGE;
    }
    jz_error err;
    jz_error_clear(&err);
    jz_pay_followup_res r;
    if (jz_pay_followup(x, o->county, &r, &err) != JZ_OK)
        return cli_fail(&err);
    char t[JZ_MONEY_BUF];
    jz_money_format(r.total, t, sizeof t);
    printf(
        "县 %s：新生成退票重发明细 %zu 条，合计 %s 元（由下一批次发放）；待更正账户的退票 %zu 条\n",
        o->county, r.n_added, t, r.n_waiting);
    for (size_t i = 0; i < r.n_added; i++) {
        const jz_pay_line *l = &r.added[i];
        char a[JZ_MONEY_BUF], id[JZ_IDNUM_MASKED_BUF];
        jz_money_format(l->amount, a, sizeof a);
        printf("  重发：明细 %lld（退票明细 %lld）户 %s %s %s %s 元\n", (long long)l->id,
               (long long)l->refers_to, l->household_id,
               l->member_id[0] ? cli_id(l->member_id, id) : "（全户）", l->period, a);
    }
    for (size_t i = 0; i < r.n_waiting; i++) {
        const jz_pay_line *l = &r.waiting[i];
        char a[JZ_MONEY_BUF], id[JZ_IDNUM_MASKED_BUF];
        jz_money_format(l->amount, a, sizeof a);
        printf("  待更正账户：明细 %lld 户 %s %s %s %s 元（退票代码 %s%s%s）\n", (long long)l->id,
               l->household_id, l->member_id[0] ? cli_id(l->member_id, id) : "（全户）", l->period,
               a, l->result, l->reason[0] ? "，" : "", l->reason);
    }
    jz_pay_followup_res_cleanup(&r);
    return EXIT_DONE;
}

int cli_pay_bank(int argc, char **argv)
{
    static const struct {
        const char *name, *sub;
        int (*fn)(const bank_opts *, jz_ctx *);
    } cmds[] = {
        {"payee", "set", do_payee_set},
        {"payee", "show", do_payee_show},
        {"institution", "add", do_institution_add},
        {"institution", "list", do_institution_list},
        {"export", NULL, do_export},
        {"results", NULL, do_results},
        {"followup", NULL, do_followup},
    };
    if (argc > 2 && strcmp(argv[2], "--help") == 0) {
        usage(stdout);
        return EXIT_DONE;
    }
    int from = 2;
    int (*fn)(const bank_opts *, jz_ctx *) = NULL;
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0] && !fn; i++) {
        if (strcmp(argv[1], cmds[i].name) != 0)
            continue;
        if (!cmds[i].sub)
            fn = cmds[i].fn;
        else if (argc > 2 && strcmp(argv[2], cmds[i].sub) == 0) {
            fn = cmds[i].fn;
            from = 3;
        }
    }
    if (!fn) {
        fprintf(stderr, "jiuzhu pay %s: 未知的子命令「%s」\n", argv[1], argc > 2 ? argv[2] : "");
        usage(stderr);
        return EXIT_USAGE;
    }
    bank_opts o;
    memset(&o, 0, sizeof o);
    o.actor = cli_default_actor();
    const cli_opt opts[] = {{"--household", &o.household},
                            {"--member", &o.member},
                            {"--name", &o.name},
                            {"--id", &o.id},
                            {"--bank", &o.bank},
                            {"--account", &o.account},
                            {"--institution", &o.institution},
                            {"--county", &o.county},
                            {"--holder", &o.holder},
                            {"--batch", &o.batch},
                            {"--period", &o.period},
                            {"--format", &o.format},
                            {"--out", &o.out},
                            {"--actor", &o.actor},
                            {"--policy", &o.policy},
                            {"--calendar", &o.calendar},
                            {NULL, NULL}};
    if (!read_opts(argc, argv, from, opts, &o.db, fn == do_results ? &o.file : NULL) || !o.db) {
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
