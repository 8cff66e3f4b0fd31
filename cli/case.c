/*
 * case.c - `jiuzhu case ...`: an application carried through the procedure
 * (seed 001 四, POLICY.md §11), one subcommand per step; `case due` lists
 * what is due, `case open-due` opens the reviews and death checks that fall
 * due, `case document` and `case list-doc` print the decision notice and the
 * 公示 / 公布 lists.
 *
 * An adapter: it parses the arguments, calls the operations of
 * jz_procedure.h (each one transaction, audited) and prints their results.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_calendar.h"
#include "jiuzhu/jz_case.h"
#include "jiuzhu/jz_docs.h"
#include "jiuzhu/jz_procedure.h"
#include "jiuzhu/jz_store.h"

static void usage(FILE *f)
{
    fputs(
        "用法: jiuzhu case <步骤> 数据库 ... [--date YYYY-MM-DD] [--actor 经办人] [--note 说明]\n"
        "\n"
        "办理步骤（依次进行；每步记录经办人、日期和说明；受理、调查、核对、初审、审核确认、\n"
        "决定、公布应在工作日办理，日期不得晚于今天，超过期限的步骤予以记录并标明）:\n"
        "  accept 数据库 户编号 [--applicant 身份证号] [--township-confirms] [--review]\n"
        "         [--programmes dibao,tekun,temporary,...]\n"
        "                               受理申请（一次申请，同时审核全部救助项目；--programmes\n"
        "                               只申请其中几项；--review 为已享受救助户的复核）\n"
        "  investigate 数据库 案件号      启动家庭经济状况调查（受理后 3 个工作日内）\n"
        "  verify 数据库 案件号           信息核对：户记录与已导入的部门数据比对，记录不一致之处\n"
        "  preliminary 数据库 案件号      乡镇初审：按库中户记录评估，附认定结果、依据和核对发现\n"
        "  notice 数据库 案件号           在村（社区）公示 7 天\n"
        "  object 数据库 案件号 --note 异议内容\n"
        "                               公示期内有异议：退回重新调查、初审、公示\n"
        "  confirm 数据库 案件号          县级审核确认（公示期满后 10 个工作日内）\n"
        "  decide 数据库 案件号 --approve [--first-month YYYY-MM]\n"
        "         [--temporary 成员=金额]... [--refuse-unit 对象[:项目]]...\n"
        "         [--unit 对象=项目:金额]... [--judgment 理由] [--county] [--beyond-cap 纪要]\n"
        "         | --refuse --note 理由\n"
        "                               作出决定：批准初审认定的救助项目（临时救助须确定金额）；\n"
        "                               与初审认定不一致的（不予批准某项、增加项目、改变金额）\n"
        "                               须县级写明理由（--judgment，R-WF-7）；对象为 household\n"
        "                               （全户）、身份证号或姓名\n"
        "  publish 数据库 案件号          公布（批准）或送达不予批准通知书，办结\n"
        "  home-visit 数据库 案件号 --note 情况   记录入户调查\n"
        "  extend 数据库 案件号 --reason objection|separated|elsewhere|hard-investigation\n"
        "                               延长至 45 个工作日（公示有异议、人户分离、异地申办、\n"
        "                               调查难度较大），显示新的办理期限\n"
        "  advance 数据库 案件号 --kind pending|small --amount 金额 [--member 成员] --note 困难情况\n"
        "                               先行救助（R-WF-8）：低保、特困审核期间先行发放临时救助\n"
        "                               （pending），或小金额先行救助、事后补充说明（small）\n"
        "  applicant 数据库 案件号 --applicant 成员 --note 原因   变更申请人（R-WF-6）\n"
        "\n"
        "查看、任务与文书:\n"
        "  show 数据库 案件号 [--json]   案件、办理记录、期限、初审意见、核对发现、决定\n"
        "  list 数据库 [--region 代码] [--all]   案件列表（默认只列未办结的）\n"
        "  due 数据库 [--region 代码] [--date D] [--within N]\n"
        "                               即将到期（N 个工作日内，0 到 365，默认 5）和已超期的案件，\n"
        "                               最急的在前；无法计算期限的案件（超出节假日数据年份）在列表\n"
        "                               之后单独列出，此时退出码为 1\n"
        "  open-due 数据库 [--region 代码] [--date D]\n"
        "                               为到期的定期复核（R-REVIEW-1）和死亡核查（R-DEATH-1）\n"
        "                               启动复核案件（每日运行；已有未办结案件的户不重复启动）\n"
        "  document 数据库 案件号 [--format text|html] [--out 文件 [--force]]   决定通知书\n"
        "  list-doc 数据库 --village 村代码 --kind notice|publish [--date D]\n"
        "           [--format text|html|csv|xlsx] [--out 文件 [--force]]\n"
        "                               当日张贴的公示名单或公布名单（可补打以往任何一天的名单；\n"
        "                               不给 --date 列出该村张贴过名单的日期）\n"
        "\n"
        "--actor 默认取环境变量 JIUZHU_ACTOR，其次 USER；--date 默认今天。案件号为 1 到\n"
        "9223372036854775807 的整数。--out 的文件已存在时须加 --force 才覆盖；数据库文件\n"
        "（包括本命令打开的）、符号链接在任何情况下都不写。\n"
        "工作日按 政策目录/calendar/cn-holidays.csv 计算（--calendar 文件 可另指定）。\n",
        f);
}

#define CHOICES_MAX 64

typedef struct opts {
    const char *db, *target, *note, *actor, *applicant, *first_month, *reason, *region, *village,
        *kind, *format, *out, *policy, *calendar, *judgment, *beyond_cap, *member, *amount;
    jz_date date;
    bool date_given;
    const char *programmes;
    bool township_confirms, home_visit, approve, refuse, json, all, review, county, force;
    char cmd[64]; /* "jiuzhu case due", for messages */
    long within;
    const char *refuse_units[CHOICES_MAX], *set_units[CHOICES_MAX], *temporary[CHOICES_MAX];
    size_t n_refuse, n_set, n_temporary;
} opts;

/* The options without a value: sets the one named and says whether it was. */
static bool flag(const char *a, opts *o)
{
    const struct {
        const char *name;
        bool *field;
    } flags[] = {{"--township-confirms", &o->township_confirms},
                 {"--review", &o->review},
                 {"--home-visit", &o->home_visit},
                 {"--approve", &o->approve},
                 {"--refuse", &o->refuse},
                 {"--json", &o->json},
                 {"--all", &o->all},
                 {"--county", &o->county},
                 {"--force", &o->force}};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (strcmp(a, flags[i].name) == 0)
            return *flags[i].field = true;
    return false;
}

/* Parses the options after the step name; positional: db, then target. */
static int parse(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    snprintf(o->cmd, sizeof o->cmd, "jiuzhu case %s", argv[1]);
    o->within = 5;
    o->actor = cli_default_actor();
    o->date = jz_date_today();
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        const struct {
            const char *name;
            const char **field;
        } values[] = {{"--note", &o->note},
                      {"--actor", &o->actor},
                      {"--applicant", &o->applicant},
                      {"--first-month", &o->first_month},
                      {"--reason", &o->reason},
                      {"--region", &o->region},
                      {"--village", &o->village},
                      {"--kind", &o->kind},
                      {"--format", &o->format},
                      {"--out", &o->out},
                      {"--policy", &o->policy},
                      {"--calendar", &o->calendar},
                      {"--programmes", &o->programmes},
                      {"--judgment", &o->judgment},
                      {"--beyond-cap", &o->beyond_cap},
                      {"--member", &o->member},
                      {"--amount", &o->amount}};
        const struct {
            const char *name;
            const char **list;
            size_t *n;
        } lists[] = {{"--refuse-unit", o->refuse_units, &o->n_refuse},
                     {"--unit", o->set_units, &o->n_set},
                     {"--temporary", o->temporary, &o->n_temporary}};
        bool taken = false;
        for (size_t k = 0; k < sizeof values / sizeof values[0] && !taken; k++)
            if (strcmp(a, values[k].name) == 0) {
                if (!v) {
                    fprintf(stderr, "jiuzhu case: %s 需要一个值\n", a);
                    return EXIT_USAGE;
                }
                *values[k].field = v;
                i++;
                taken = true;
            }
        for (size_t k = 0; k < sizeof lists / sizeof lists[0] && !taken; k++)
            if (strcmp(a, lists[k].name) == 0) {
                if (!v || *lists[k].n >= CHOICES_MAX) {
                    fprintf(stderr, "jiuzhu case: %s 需要一个值（最多 %d 个）\n", a, CHOICES_MAX);
                    return EXIT_USAGE;
                }
                lists[k].list[(*lists[k].n)++] = v;
                i++;
                taken = true;
            }
        if (taken)
            continue;
        if (strcmp(a, "--date") == 0 && v) {
            jz_error err;
            if (jz_date_parse(v, strlen(v), &o->date, &err) != JZ_OK) {
                fprintf(stderr, "jiuzhu case: --date「%s」不是有效日期（应为 YYYY-MM-DD）\n", v);
                return EXIT_USAGE;
            }
            o->date_given = true;
            i++;
        } else if (strcmp(a, "--within") == 0 && v) {
            long long n;
            if (!cli_int(o->cmd, "--within", v, 0, 365, &n))
                return EXIT_USAGE;
            o->within = (long)n;
            i++;
        } else if (flag(a, o)) {
            continue;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "jiuzhu case: 未知选项 %s\n", a);
            return EXIT_USAGE;
        } else if (!o->db) {
            o->db = a;
        } else if (!o->target) {
            o->target = a;
        } else {
            fprintf(stderr, "jiuzhu case: 多余的参数 %s\n", a);
            return EXIT_USAGE;
        }
    }
    if (!o->db) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!o->note)
        o->note = "";
    if (strlen(o->note) >= sizeof((jz_case_step *)0)->note) {
        fprintf(stderr, "jiuzhu case: --note 过长（最多 %zu 字节）\n",
                sizeof((jz_case_step *)0)->note - 1);
        return EXIT_USAGE;
    }
    return EXIT_DONE;
}

static bool case_number(const opts *o, int64_t *id)
{
    long long v;
    if (!cli_int(o->cmd, "案件号", o->target ? o->target : "", 1, INT64_MAX, &v))
        return false;
    *id = v;
    return true;
}

static void fmt_date(jz_date d, char *b)
{
    if (d == JZ_DATE_NONE)
        snprintf(b, JZ_DATE_BUF, "—");
    else
        jz_date_format(d, b, JZ_DATE_BUF);
}

static void print_units(const jz_case_unit *u, size_t nu, bool decided)
{
    for (size_t i = 0; i < nu; i++) {
        char m[JZ_MONEY_BUF];
        if (decided && u[i].verdict == JZ_VERDICT_REFUSED) {
            cli_printf("    %-10s %-14s 不予批准%s%s%s\n", u[i].label,
                       jz_unit_programme_zh[u[i].programme], u[i].reason[0] ? "（理由：" : "",
                       u[i].reason, u[i].reason[0] ? "）" : "");
            continue;
        }
        const char *flag = decided && u[i].added    ? "  【综合判断增加】"
                           : decided && u[i].judged ? "  【综合判断】"
                                                    : "";
        if (u[i].programme == JZ_UNIT_TEMPORARY) {
            jz_money_format(decided ? u[i].decided_once : u[i].once, m, sizeof m);
            cli_printf("    %-10s %-14s %d 人  %s%s 元（%s）%s\n", u[i].label,
                       jz_unit_programme_zh[u[i].programme], u[i].persons, decided ? "一次性 " : "",
                       m, u[i].rule,
                       !decided && strcmp(u[i].rule, "R-TMP-2") == 0
                           ? "  金额由决定确定，不超过此数"
                           : flag);
            continue;
        }
        jz_money_format(decided ? u[i].decided_monthly : u[i].monthly, m, sizeof m);
        cli_printf("    %-10s %-14s %d 人  每月 %s 元%s\n", u[i].label,
                   jz_unit_programme_zh[u[i].programme], u[i].persons, m, flag);
    }
}

static void print_findings(const jz_case_finding *f, size_t n)
{
    if (!n)
        return;
    cli_printf("  信息核对发现 %zu 处不一致：\n", n);
    for (size_t i = 0; i < n; i++)
        cli_printf("    %s %s：%s\n", f[i].name, f[i].rule, f[i].text);
}

static void print_late(const jz_case_step *st)
{
    if (!st->deadline)
        return;
    char d[JZ_DATE_BUF];
    fmt_date(st->deadline, d);
    printf("  注意：本步骤超过期限 %s %d 个工作日，已记录超期\n", d, st->late_days);
}

/* ---- opening the context ------------------------------------------------------------ */

static int open_ctx(const opts *o, bool read_only, jz_ctx *x)
{
    jz_store *s = NULL;
    jz_error err;
    jz_error_clear(&err);
    if (jz_store_open(o->db, read_only ? JZ_STORE_READONLY : 0, &s, &err) != JZ_OK)
        return cli_fail(&err);
    if (jz_ctx_init(x, s, cli_policy_dir(o->policy), o->calendar, cli_actor(o->actor), &err) != JZ_OK) {
        jz_store_close(s);
        return cli_fail(&err);
    }
    return EXIT_DONE;
}

static void close_ctx(jz_ctx *x)
{
    jz_store *s = x->store;
    jz_ctx_cleanup(x);
    jz_store_close(s);
}

/* ---- accept -------------------------------------------------------------------------- */

void cli_print_accepted(const jz_accept_res *r)
{
    printf("已受理：案件 %lld，户 %s，申请人 %s，家庭成员 %d 人%s%s\n", (long long)r->c.id,
           r->c.household_id, r->c.applicant_name, r->c.members, r->c.task[0] ? "；" : "",
           r->c.task);
    if (r->c.staff_relative)
        printf("备案：%s 是 %s 的%s（R-WF-5），审核确认前须入户调查\n", r->relative, r->staff,
               r->relation);
}

static int case_accept(jz_ctx *x, const opts *o)
{
    if (!o->target) {
        fputs("jiuzhu case accept: 缺少户编号\n", stderr);
        return EXIT_USAGE;
    }
    jz_error err;
    jz_error_clear(&err);
    jz_accept_req rq = {.household_id = o->target,
                        .applicant_id = o->applicant,
                        .on = o->date,
                        .note = o->note,
                        .township_confirms = o->township_confirms,
                        .review = o->review};
    if (jz_proc_programmes(o->programmes, &rq.programmes, &err) != JZ_OK)
        return cli_fail(&err);
    jz_accept_res r;
    if (jz_proc_accept(x, &rq, false, &r, &err) != JZ_OK)
        return cli_fail(&err);
    cli_print_accepted(&r);
    return EXIT_DONE;
}

/* ---- a step ------------------------------------------------------------------------------ */

static jz_case_action step_of(const char *name, bool *ok)
{
    for (int a = JZ_ACT_INVESTIGATE; a < JZ_ACT_COUNT; a++)
        if (strcmp(name, jz_case_action_names[a]) == 0) {
            *ok = true;
            return (jz_case_action)a;
        }
    *ok = false;
    return JZ_ACT_COUNT;
}

static int parse_amount(const char *opt, const char *s, jz_fen *out)
{
    jz_error err;
    jz_error_clear(&err);
    if (!s || jz_money_parse(s, strlen(s), out, &err) != JZ_OK) {
        fprintf(stderr, "jiuzhu case: %s 的金额「%s」应为元，最多两位小数\n", opt, s ? s : "");
        return EXIT_USAGE;
    }
    return EXIT_DONE;
}

static int programme_of(const char *opt, const char *s, size_t n, int *out)
{
    if ((*out = jz_unit_programme_find(s, n)) >= 0)
        return EXIT_DONE;
    fprintf(stderr, "jiuzhu case: %s 中的救助项目「%.*s」未知（可选：dibao dibao_expenditure "
                    "marginal rigid_expenditure single_dibao tekun temporary）\n",
            opt, (int)n, s);
    return EXIT_USAGE;
}

/* --refuse-unit WHO[:programme], --unit WHO=programme:AMOUNT,
 * --temporary WHO=AMOUNT. */
static int parse_choices(const opts *o, jz_choice_req *ch, size_t *n, char (*who)[128])
{
    *n = 0;
    for (size_t i = 0; i < o->n_refuse; i++) {
        const char *s = o->refuse_units[i], *colon = strchr(s, ':');
        jz_choice_req *c = &ch[*n];
        snprintf(who[*n], 128, "%.*s", (int)(colon ? (size_t)(colon - s) : strlen(s)), s);
        c->kind = JZ_CHOICE_REFUSE;
        c->who = who[*n];
        c->programme = -1;
        if (colon && programme_of("--refuse-unit", colon + 1, strlen(colon + 1), &c->programme))
            return EXIT_USAGE;
        (*n)++;
    }
    for (size_t i = 0; i < o->n_set; i++) {
        const char *s = o->set_units[i], *eq = strchr(s, '=');
        const char *colon = eq ? strchr(eq, ':') : NULL;
        if (!eq) {
            fprintf(stderr, "jiuzhu case: --unit「%s」应为 对象=项目:金额，如 household=dibao:500\n",
                    s);
            return EXIT_USAGE;
        }
        jz_choice_req *c = &ch[*n];
        snprintf(who[*n], 128, "%.*s", (int)(eq - s), s);
        c->kind = JZ_CHOICE_SET;
        c->who = who[*n];
        size_t plen = colon ? (size_t)(colon - eq - 1) : strlen(eq + 1);
        if (programme_of("--unit", eq + 1, plen, &c->programme))
            return EXIT_USAGE;
        c->amount = 0;
        if (colon && parse_amount("--unit", colon + 1, &c->amount))
            return EXIT_USAGE;
        (*n)++;
    }
    for (size_t i = 0; i < o->n_temporary; i++) {
        const char *s = o->temporary[i], *eq = strchr(s, '=');
        if (!eq) {
            fprintf(stderr, "jiuzhu case: --temporary「%s」应为 成员=金额\n", s);
            return EXIT_USAGE;
        }
        jz_choice_req *c = &ch[*n];
        snprintf(who[*n], 128, "%.*s", (int)(eq - s), s);
        c->kind = JZ_CHOICE_TEMPORARY;
        c->who = who[*n];
        c->programme = JZ_UNIT_TEMPORARY;
        if (parse_amount("--temporary", eq + 1, &c->amount))
            return EXIT_USAGE;
        (*n)++;
    }
    return EXIT_DONE;
}

static int case_step_cmd(jz_ctx *x, jz_case_action a, const opts *o)
{
    int64_t id;
    if (!case_number(o, &id))
        return EXIT_USAGE;
    jz_step_req rq = {.action = a, .on = o->date, .note = o->note, .home_visit = o->home_visit};
    jz_choice_req ch[3 * CHOICES_MAX];
    char who[3 * CHOICES_MAX][128];
    if (a == JZ_ACT_DECIDE) {
        if (o->approve == o->refuse) {
            fputs("jiuzhu case decide: 须指定 --approve（批准）或 --refuse（不予批准）之一\n",
                  stderr);
            return EXIT_USAGE;
        }
        rq.decision = o->approve ? JZ_DECISION_APPROVED : JZ_DECISION_REFUSED;
        if (o->first_month) {
            char buf[16];
            jz_error e;
            snprintf(buf, sizeof buf, "%s-01", o->first_month);
            if (strlen(o->first_month) != 7 || jz_date_parse(buf, 10, &rq.first_month, &e) != JZ_OK) {
                fprintf(stderr, "jiuzhu case decide: --first-month「%s」应为 YYYY-MM\n",
                        o->first_month);
                return EXIT_USAGE;
            }
        }
        if (parse_choices(o, ch, &rq.n_choices, who))
            return EXIT_USAGE;
        rq.choices = ch;
        rq.judgment = o->judgment;
        rq.county = o->county;
        rq.beyond_cap = o->beyond_cap;
    }
    if (a == JZ_ACT_EXTEND) {
        for (int k = 1; k < JZ_EXT_COUNT && o->reason; k++)
            if (strcmp(o->reason, jz_extend_reason_names[k]) == 0)
                rq.extend_reason = (uint8_t)k;
    }
    if (a == JZ_ACT_ADVANCE) {
        for (int k = JZ_GRANT_PENDING; k < JZ_GRANT_KIND_COUNT && o->kind; k++)
            if (strcmp(o->kind, jz_grant_kind_names[k]) == 0)
                rq.grant_kind = (uint8_t)k;
        if (!rq.grant_kind) {
            fputs("jiuzhu case advance: --kind 应为 pending（低保、特困审核期间先行发放）或 small"
                  "（小金额先行救助）\n",
                  stderr);
            return EXIT_USAGE;
        }
        if (parse_amount("--amount", o->amount, &rq.amount))
            return EXIT_USAGE;
        rq.member = o->member;
    }
    if (a == JZ_ACT_APPLICANT)
        rq.member = o->applicant;
    jz_step_res *r = malloc(sizeof *r);
    if (!r) {
        fputs("jiuzhu: 内存不足\n", stderr);
        return EXIT_INPUT;
    }
    jz_error err;
    jz_error_clear(&err);
    if (jz_proc_step(x, id, &rq, r, &err) != JZ_OK) {
        free(r);
        return cli_fail(&err);
    }
    const jz_case *c = &r->after;
    char d[JZ_DATE_BUF];
    fmt_date(o->date, d);
    printf("案件 %lld：%s（%s），现状：%s\n", (long long)id, jz_case_action_zh[a], d,
           jz_case_state_zh[c->state]);
    print_late(&r->step);
    switch (a) {
    case JZ_ACT_VERIFY:
        if (r->nf)
            print_findings(r->findings, r->nf);
        else
            puts("  信息核对：户记录与已导入的部门数据一致");
        break;
    case JZ_ACT_PRELIMINARY: {
        size_t nmonthly = 0;
        for (size_t i = 0; i < r->nu; i++)
            nmonthly += r->units[i].programme != JZ_UNIT_TEMPORARY;
        printf("  初审认定：%s\n", r->nu ? "符合以下救助项目" : "不符合救助条件");
        print_units(r->units, r->nu, false);
        if (r->nu && !nmonthly)
            puts("  （只符合临时救助）");
        for (size_t i = 0; i < r->nr; i++)
            printf("  依据 %s %s：%s（%s）\n", r->reasons[i].rule,
                   r->reasons[i].holds ? "成立" : "不成立", r->reasons[i].text,
                   r->reasons[i].source);
        print_findings(r->findings, r->nf);
        break;
    }
    case JZ_ACT_NOTICE: {
        char u[JZ_DATE_BUF];
        fmt_date(c->notice_until, u);
        printf("  公示期 %s 至 %s（%d 天），期满无异议后方可县级审核确认\n", d, u, c->notice_days);
        if (!r->posted && c->proposed_persons == 0 && c->proposed_category == JZ_CAT_NONE)
            puts("  初审意见没有认定低保、特困等按月救助项目：不列入公示名单（不公开无关信息）；"
                 "拟不予批准的，请书面告知申请人");
        else
            printf("  列入公示名单 %zu 项（第 %d 轮）\n", r->posted, c->objections + 1);
        break;
    }
    case JZ_ACT_OBJECT:
        puts("  已退回家庭经济状况调查（R-WF-4）；须重新信息核对、初审和公示。"
             "可用 case extend --reason objection 延长办理期限至 45 个工作日");
        break;
    case JZ_ACT_DECIDE:
        if (c->decision == JZ_DECISION_APPROVED) {
            printf("  批准，自 %s 起发放：\n", c->first_month);
            print_units(r->units, r->nu, true);
            if (r->grants)
                printf("  临时救助 %zu 笔，一次性发放\n", r->grants);
        } else {
            puts("  不予批准；须在 3 个工作日内书面通知申请人并说明理由（case document 打印通知书）");
        }
        if (c->judgment[0])
            printf("  【县级综合判断】与初审认定不一致，理由：%s（R-WF-7，已记录并标记）\n",
                   c->judgment);
        break;
    case JZ_ACT_EXTEND: {
        char nd[JZ_DATE_BUF];
        fmt_date(r->deadline, nd);
        printf("  办理期限延长至 %d 个工作日（%s），新的决定截止日期 %s\n", jz_case_days(c),
               jz_extend_reason_zh[c->extended], nd);
        break;
    }
    case JZ_ACT_ADVANCE: {
        char m[JZ_MONEY_BUF];
        jz_money_format(r->grant.amount, m, sizeof m);
        printf("  %s：%s %s 元（%s），临时救助 %lld 号\n", jz_grant_kind_zh[r->grant.kind],
               r->grant.name, m, r->grant.rule, (long long)r->grant.id);
        break;
    }
    case JZ_ACT_APPLICANT:
        printf("  申请人变更为 %s\n", c->applicant_name);
        break;
    default:
        break;
    }
    free(r);
    return EXIT_DONE;
}

/* ---- show, list, due ------------------------------------------------------------------- */

static void print_step(const jz_case_step *st)
{
    char d[JZ_DATE_BUF], dl[JZ_DATE_BUF];
    fmt_date(st->on, d);
    fmt_date(st->deadline, dl);
    printf("  %s  %-18s 经办：%s%s%s", d,
           st->action < JZ_ACT_COUNT ? jz_case_action_zh[st->action] : "?", st->actor,
           st->note[0] ? "  说明：" : "", st->note);
    if (st->deadline)
        printf("  【超期：期限 %s，超过 %d 个工作日】", dl, st->late_days);
    putchar('\n');
}

static void print_grant(const jz_grant *g)
{
    char m[JZ_MONEY_BUF], d[JZ_DATE_BUF];
    jz_money_format(g->amount, m, sizeof m);
    fmt_date(g->on, d);
    cli_printf("  %s  %-20s %s  %s 元（%s）%s%s\n", d, jz_grant_kind_zh[g->kind], g->name, m,
               g->rule, g->beyond_cap[0] ? "  一事一议：" : "", g->beyond_cap);
}

static int case_show(jz_ctx *x, const opts *o)
{
    int64_t id;
    if (!case_number(o, &id))
        return EXIT_USAGE;
    jz_error err;
    jz_error_clear(&err);
    jz_case_view v;
    if (jz_proc_case_view(x, id, &v, &err) != JZ_OK)
        return cli_fail(&err);
    const jz_case *c = &v.c;
    if (o->json) {
        char *j = jz_case_json(c);
        if (j)
            puts(j);
        free(j);
        jz_case_view_cleanup(&v);
        return EXIT_DONE;
    }
    char d[JZ_DATE_BUF];
    fmt_date(c->accepted_on, d);
    printf("案件 %lld  户 %s  地区 %s  申请人 %s  家庭成员 %d 人%s\n", (long long)c->id,
           c->household_id, c->region, c->applicant_name, c->members,
           c->kind == JZ_CASE_REVIEW ? "  【复核】" : "");
    printf("受理 %s  现状：%s%s%s%s\n", d, jz_case_state_zh[c->state],
           c->staff_relative ? "  【备案：经办人员近亲属】" : "",
           c->home_visited ? "  【已入户调查】" : "", c->judgment[0] ? "  【县级综合判断】" : "");
    if (c->task[0])
        printf("任务：%s\n", c->task);
    if (!v.deadline_failed) {
        char a[JZ_DATE_BUF], b[JZ_DATE_BUF];
        fmt_date(v.step_due, a);
        fmt_date(v.due, b);
        if (c->due_by)
            printf("办理期限：%s 前完成（%s）；下一步：%s（截止 %s）\n", b, c->task, v.next, a);
        else
            printf("办理期限：%d 个工作日%s%s%s，决定截止 %s；下一步：%s（截止 %s）\n",
                   jz_case_days(c), c->extended ? "（已延长：" : "",
                   c->extended ? jz_extend_reason_zh[c->extended] : "", c->extended ? "）" : "", b,
                   v.next, a);
    } else {
        cli_print_error(&v.deadline_err);
    }
    puts("办理记录：");
    for (size_t i = 0; i < v.n_steps; i++)
        print_step(&v.steps[i]);
    print_findings(v.findings, v.nf);
    if (v.has_opinion) {
        size_t found = 0;
        for (size_t i = 0; i < v.nu; i++)
            found += !v.units[i].added;
        printf("初审意见：%s\n", found ? "符合以下救助项目" : "不符合救助条件");
        for (size_t i = 0; i < v.nu; i++)
            if (!v.units[i].added)
                print_units(&v.units[i], 1, false);
        for (size_t i = 0; i < v.nr; i++)
            printf("  依据 %s %s：%s（%s）\n", v.reasons[i].rule,
                   v.reasons[i].holds ? "成立" : "不成立", v.reasons[i].text, v.reasons[i].source);
    }
    if (c->decision) {
        printf("决定：%s%s%s\n", c->decision == JZ_DECISION_APPROVED ? "批准，自 " : "不予批准",
               c->decision == JZ_DECISION_APPROVED ? c->first_month : "",
               c->decision == JZ_DECISION_APPROVED ? " 起发放" : "");
        if (c->decision == JZ_DECISION_APPROVED)
            print_units(v.units, v.nu, true);
        if (c->judgment[0])
            printf("  县级综合判断（R-WF-7）：%s\n", c->judgment);
    }
    puts("临时救助：");
    for (size_t i = 0; i < v.n_grants; i++)
        print_grant(&v.grants[i]);
    jz_case_view_cleanup(&v);
    return EXIT_DONE;
}

/* `case due`: every open case due soon or overdue, most urgent first; the
 * cases whose deadline cannot be computed (past the holiday calendar's last
 * year) are named in a section of their own after the list, and make the
 * exit status 1 so that a script notices, but never hide the others. */
static int case_due(jz_ctx *x, const opts *o)
{
    jz_error err;
    jz_error_clear(&err);
    jz_due_list d;
    if (jz_proc_due(x, o->region, o->date, o->within, o->all, &d, &err) != JZ_OK)
        return cli_fail(&err);
    char on[JZ_DATE_BUF];
    fmt_date(o->date, on);
    cli_printf("截至 %s：%zu 件案件已超期或将在 %ld 个工作日内到期（最急的在前）\n", on, d.n,
               o->within);
    cli_printf("%-6s %-18s %-10s %-26s %-24s %-10s %s\n", "案件", "户编号", "申请人", "现状",
               "下一步", "截止日期", "剩余工作日");
    for (size_t i = 0; i < d.n; i++) {
        const jz_due_case *r = &d.rows[i];
        char dd[JZ_DATE_BUF], left[48];
        fmt_date(r->due, dd);
        if (r->left < 0)
            snprintf(left, sizeof left, "已超期 %d 个工作日", -r->left);
        else if (r->left == 0)
            snprintf(left, sizeof left, "今天到期");
        else
            snprintf(left, sizeof left, "%d", r->left);
        cli_printf("%-6lld %-18s %-10s %-26s %-24s %-10s %s%s\n", (long long)r->c.id,
                   r->c.household_id, r->c.applicant_name, jz_case_state_zh[r->c.state],
                   r->what ? r->what : r->c.task, dd, left,
                   r->c.kind == JZ_CASE_REVIEW ? "  【复核】" : "");
    }
    int status = EXIT_DONE;
    if (d.n_problems) {
        cli_printf("\n无法计算办理期限的案件 %zu 件（未列入上表，请尽快补充节假日文件后再查看）：\n",
                   d.n_problems);
        for (size_t i = 0; i < d.n_problems; i++) {
            const jz_due_case *r = &d.problems[i];
            char dd[JZ_DATE_BUF];
            fmt_date(r->due, dd);
            cli_printf("%-6lld %-18s %-10s %-26s %s%s%s原因：%s\n", (long long)r->c.id,
                       r->c.household_id, r->c.applicant_name, jz_case_state_zh[r->c.state],
                       r->due ? "法定期限 " : "", r->due ? dd : "", r->due ? "；" : "",
                       r->err.reason);
        }
        fprintf(stderr,
                "jiuzhu case due: %zu 件案件无法计算办理期限（见输出末尾），其余案件已列出\n",
                d.n_problems);
        status = EXIT_INPUT;
    }
    jz_due_list_cleanup(&d);
    return status;
}

static int case_open_due(jz_ctx *x, const opts *o)
{
    jz_error err;
    jz_error_clear(&err);
    jz_due_res r;
    if (jz_proc_open_due(x, o->region ? o->region : "", o->date, &r, &err) != JZ_OK)
        return cli_fail(&err);
    char d[JZ_DATE_BUF];
    fmt_date(o->date, d);
    printf("截至 %s：启动定期复核 %zu 件（R-REVIEW-1），死亡核查 %zu 件（R-DEATH-1）；"
           "%zu 户已有未办结的案件，未重复启动\n",
           d, r.reviews, r.deaths, r.busy);
    return EXIT_DONE;
}

static int case_list_cmd(jz_ctx *x, const opts *o)
{
    jz_error err;
    jz_error_clear(&err);
    jz_case_list l;
    if (jz_proc_case_list(x, o->region, !o->all, &l, &err) != JZ_OK)
        return cli_fail(&err);
    printf("%-6s %-18s %-12s %-10s %-10s %s\n", "案件", "户编号", "地区", "申请人", "受理日期",
           "现状");
    for (size_t i = 0; i < l.n; i++) {
        const jz_case *c = &l.rows[i];
        char d[JZ_DATE_BUF];
        fmt_date(c->accepted_on, d);
        cli_printf("%-6lld %-18s %-12s %-10s %s  %s%s%s%s\n", (long long)c->id, c->household_id,
                   c->region, c->applicant_name, d, jz_case_state_zh[c->state],
                   c->staff_relative ? "  【备案】" : "",
                   c->kind == JZ_CASE_REVIEW ? "  【复核】" : "",
                   c->judgment[0] ? "  【县级综合判断】" : "");
    }
    jz_case_list_cleanup(&l);
    return EXIT_DONE;
}

/* ---- documents ------------------------------------------------------------------------- */

/* Writes a rendered document (and frees it) to --out (never over the
 * database, an existing file only with --force) or stdout. */
static int write_out(const opts *o, char *text)
{
    if (!text) {
        fputs("jiuzhu: 内存不足\n", stderr);
        return EXIT_INPUT;
    }
    int status = EXIT_DONE;
    if (!o->out)
        fputs(text, stdout);
    else
        status = cli_write_file("jiuzhu case", "--out", o->out, o->db, o->force, text,
                                strlen(text));
    free(text);
    return status;
}

static jz_doc_format doc_format(const char *f, bool *ok)
{
    *ok = true;
    if (!f || strcmp(f, "text") == 0)
        return JZ_DOC_TEXT;
    if (strcmp(f, "html") == 0)
        return JZ_DOC_HTML;
    if (strcmp(f, "csv") == 0)
        return JZ_DOC_CSV;
    *ok = false;
    return JZ_DOC_TEXT;
}

static int case_document(jz_ctx *x, const opts *o)
{
    int64_t id;
    if (!case_number(o, &id))
        return EXIT_USAGE;
    bool ok;
    jz_doc_format f = doc_format(o->format, &ok);
    if (!ok || f == JZ_DOC_CSV) {
        fputs("jiuzhu case document: --format 应为 text 或 html\n", stderr);
        return EXIT_USAGE;
    }
    jz_error err;
    jz_error_clear(&err);
    jz_decision_doc doc;
    if (jz_proc_decision_doc(x, id, &doc, &err) != JZ_OK) {
        if (err.code == JZ_ENOMEM) {
            fputs("jiuzhu: 内存不足\n", stderr);
            return EXIT_INPUT;
        }
        return cli_fail(&err);
    }
    int status = write_out(o, jz_doc_decision_render(&doc.d, f));
    jz_decision_doc_cleanup(&doc);
    return status;
}

static int case_list_doc(jz_ctx *x, const opts *o)
{
    if (!o->village || strlen(o->village) != 12 ||
        (o->kind && strcmp(o->kind, "notice") != 0 && strcmp(o->kind, "publish") != 0) ||
        (!o->kind && o->date_given)) {
        fputs("jiuzhu case list-doc: 须指定 --village 12 位村（社区）代码和 --kind notice|publish\n",
              stderr);
        return EXIT_USAGE;
    }
    jz_error err;
    jz_error_clear(&err);
    int kind = !o->kind ? -1 : strcmp(o->kind, "notice") == 0 ? JZ_POSTING_NOTICE
                                                               : JZ_POSTING_PUBLISH;
    if (!o->date_given) {
        /* The dates this village's lists were posted, to print one again. */
        printf("村（社区）%s 张贴过的名单（用 --kind 和 --date 补打）：\n", o->village);
        jz_posting_days days;
        if (jz_proc_posting_days(x, o->village, kind, &days, &err) != JZ_OK)
            return cli_fail(&err);
        for (size_t i = 0; i < days.n; i++) {
            char d[JZ_DATE_BUF];
            fmt_date(days.days[i].on, d);
            printf("  %s  %s  %zu 项\n", d, days.days[i].kind ? "公布" : "公示", days.days[i].rows);
        }
        jz_posting_days_cleanup(&days);
        return EXIT_DONE;
    }
    bool xlsx = o->format && strcmp(o->format, "xlsx") == 0, ok = true;
    jz_doc_format f = xlsx ? JZ_DOC_TEXT : doc_format(o->format, &ok);
    if (!ok || (xlsx && !o->out)) {
        fputs("jiuzhu case list-doc: --format 应为 text、html、csv 或 xlsx（xlsx 须用 --out 指定文件）\n",
              stderr);
        return EXIT_USAGE;
    }
    jz_posting_doc doc;
    if (jz_proc_posting_doc(x, o->village, kind, o->date, &doc, &err) != JZ_OK) {
        if (err.code == JZ_ENOMEM) {
            fputs("jiuzhu: 内存不足\n", stderr);
            return EXIT_INPUT;
        }
        return cli_fail(&err);
    }
    int status = EXIT_DONE;
    if (xlsx) {
        /* libxlsxwriter writes by name: into the temporary file. */
        jz_outfile *out = NULL;
        status = cli_out_open("jiuzhu case", "--out", o->out, o->db, o->force, &out);
        if (!status && jz_doc_list_xlsx(&doc.l, jz_outfile_temp(out), &err) != JZ_OK) {
            jz_outfile_abort(out);
            jz_error_set(&err, err.code, "--out", o->out, "%s", err.reason);
            status = cli_fail(&err);
        } else if (!status) {
            status = cli_out_commit("jiuzhu case", "--out", out);
        }
    } else {
        status = write_out(o, jz_doc_list_render(&doc.l, f));
    }
    jz_posting_doc_cleanup(&doc);
    return status;
}

int cmd_case(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_DONE;
    }
    const char *sub = argv[1];
    opts o;
    int status = parse(argc, argv, &o);
    if (status)
        return status;
    bool read_only = strcmp(sub, "show") == 0 || strcmp(sub, "list") == 0 ||
                     strcmp(sub, "due") == 0 || strcmp(sub, "document") == 0 ||
                     strcmp(sub, "list-doc") == 0;
    bool is_step = false;
    jz_case_action a = step_of(sub, &is_step);
    if (!read_only && !is_step && strcmp(sub, "accept") != 0 && strcmp(sub, "open-due") != 0) {
        fprintf(stderr, "jiuzhu case: 未知步骤 %s\n", sub);
        usage(stderr);
        return EXIT_USAGE;
    }
    jz_ctx x;
    if ((status = open_ctx(&o, read_only, &x)))
        return status;
    if (strcmp(sub, "accept") == 0)
        status = case_accept(&x, &o);
    else if (strcmp(sub, "open-due") == 0)
        status = case_open_due(&x, &o);
    else if (is_step)
        status = case_step_cmd(&x, a, &o);
    else if (strcmp(sub, "show") == 0)
        status = case_show(&x, &o);
    else if (strcmp(sub, "list") == 0)
        status = case_list_cmd(&x, &o);
    else if (strcmp(sub, "due") == 0)
        status = case_due(&x, &o);
    else if (strcmp(sub, "document") == 0)
        status = case_document(&x, &o);
    else
        status = case_list_doc(&x, &o);
    close_ctx(&x);
    return status;
}
