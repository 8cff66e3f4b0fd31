/*
 * monitor.c - `jiuzhu monitor run DB` evaluates the warning indicators
 * (R-MON-2) on every person of the department feeds and every enrolled 特困
 * person, and raises alerts by category (R-MON-3) with their evidence, the
 * department they go to and a handling deadline (jz_monitor_execute); the
 * same facts never raise an alert twice.  `jiuzhu monitor compare-fpm` is
 * R-MON-4's comparison (jz_monitor_compare_fpm).  `jiuzhu alerts DB` lists
 * alerts (jz_alert_list), `jiuzhu alert show` shows one (jz_alert_show,
 * jz_alert_reassess) and `jiuzhu alert ...` handles one (jz_alert_handle).
 * This file parses the arguments and prints; the library decides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_alert.h"
#include "jiuzhu/jz_calendar.h"
#include "jiuzhu/jz_monitor.h"
#include "jiuzhu/jz_procedure.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_store.h"

static int monitor_run(int argc, char **argv)
{
    const char *db = NULL, *region = "", *policy = NULL, *calendar = NULL,
               *actor = cli_default_actor();
    jz_date on = jz_date_today();
    jz_error err;
    jz_error_clear(&err);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--date") == 0 && v) {
            if (jz_date_parse(v, strlen(v), &on, &err) != JZ_OK) {
                fprintf(stderr, "jiuzhu monitor: --date「%s」不是有效日期\n", v);
                return EXIT_USAGE;
            }
            i++;
        } else if (strcmp(a, "--region") == 0 && v) {
            region = argv[++i];
        } else if (strcmp(a, "--policy") == 0 && v) {
            policy = argv[++i];
        } else if (strcmp(a, "--calendar") == 0 && v) {
            calendar = argv[++i];
        } else if (strcmp(a, "--actor") == 0 && v) {
            actor = argv[++i];
        } else if (a[0] != '-' && !db) {
            db = a;
        } else {
            fputs("用法: jiuzhu monitor run 数据库 [--date D] [--region 代码] [--actor 经办人]\n",
                  stderr);
            return EXIT_USAGE;
        }
    }
    if (!db) {
        fputs("用法: jiuzhu monitor run 数据库 [--date D] [--region 代码] [--actor 经办人]\n", stderr);
        return EXIT_USAGE;
    }
    if (strlen(region) > 12 || strspn(region, "0123456789") != strlen(region)) {
        fprintf(stderr, "jiuzhu monitor: --region「%s」应为地区代码（数字，最多 12 位）\n", region);
        return EXIT_USAGE;
    }
    /* The policy first, as before the store: a run needs its parameters
     * and its calendar (the deadlines). */
    jz_ctx x;
    jz_store *s = NULL;
    int status = EXIT_DONE;
    if (jz_ctx_init(&x, NULL, cli_policy_dir(policy), calendar, cli_actor(actor), &err) != JZ_OK)
        return cli_fail(&err);
    if (jz_store_open(db, 0, &s, &err) != JZ_OK) {
        status = cli_fail(&err);
    }
    x.store = s;
    jz_monitor_counts r;
    memset(&r, 0, sizeof r);
    if (!status && jz_monitor_execute(&x, &(jz_monitor_req){on, region}, &r, &err) != JZ_OK) {
        status = cli_fail(&err);
    }
    if (!status) {
        char d[JZ_DATE_BUF];
        jz_date_format(on, d, sizeof d);
        printf("动态监测 %s：比对 %ld 人，新预警 %ld 条（已处置或已有的依据不重复预警；"
               "新依据追加到未办结预警 %ld 条）\n",
               d, r.people, r.raised, r.extended);
        for (int c = 0; c < 4; c++)
            printf("  %c 类 %-24s %ld\n", jz_alert_letters[c], jz_alert_category_zh[c],
                   r.by_category[c]);
        for (int k = 0; k < JZ_IND_COUNT; k++)
            if (r.by_indicator[k])
                printf("  %-28s %ld\n", jz_indicator_zh[k], r.by_indicator[k]);
    }
    jz_store_close(s);
    x.store = NULL;
    jz_ctx_cleanup(&x);
    return status;
}

/* R-MON-4 as the list is read: the header once, before the first row or
 * error (a file refused whole prints only its error). */
typedef struct fpm_out {
    bool header;
} fpm_out;

static void fpm_header(fpm_out *o)
{
    if (o->header)
        return;
    o->header = true;
    printf("%-20s %-10s %-12s %-18s %s\n", "身份证号码", "姓名", "纳入监测", "户编号",
           "认定结果");
}

static int fpm_row(const jz_fpm_row *p, void *arg)
{
    fpm_header(arg);
    char what[160] = "库外，无认定", d[JZ_DATE_BUF];
    if (p->status == JZ_FPM_ASSESSED) {
        char m[JZ_MONEY_BUF], a[JZ_DATE_BUF];
        jz_money_format(p->monthly, m, sizeof m);
        jz_date_format(p->assessed_on, a, sizeof a);
        snprintf(what, sizeof what, "%s（%s 评估，家庭低保金每月 %s 元）",
                 p->category < JZ_CAT_COUNT ? cli_category_zh[p->category] : "?", a, m);
    } else if (p->status == JZ_FPM_UNASSESSED) {
        snprintf(what, sizeof what, "在库，尚无认定结果（请 jiuzhu assess --db）");
    }
    jz_date_format(p->listed, d, sizeof d);
    cli_printf("%-20s %-10s %-12s %-18s %s\n", p->id, p->name, d,
               p->household_id[0] ? p->household_id : "（库外）", what);
    return 0;
}

static int fpm_reject(const jz_error *e, void *arg)
{
    fpm_header(arg);
    cli_print_error(e);
    return 0;
}

/* R-MON-4: the people on the 防止返贫 monitoring list who receive no
 * assistance, with their engine determination where the registry has one. */
static int compare_fpm(int argc, char **argv)
{
    if (argc != 4) {
        fputs("用法: jiuzhu monitor compare-fpm 数据库 防止返贫监测对象.csv\n"
              "（文件格式同 jiuzhu feed import 的 fpm：id_number,name,listed_date）\n",
              stderr);
        return EXIT_USAGE;
    }
    const char *db = argv[2], *file = argv[3];
    jz_error err;
    jz_error_clear(&err);
    size_t len;
    char *text = cli_slurp(file, &len, &err);
    jz_store *s = NULL;
    int status = EXIT_DONE;
    if (!text || jz_store_open(db, JZ_STORE_READONLY, &s, &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    jz_ctx x = {.store = s, .today = jz_date_today()};
    fpm_out o = {false};
    jz_fpm_counts n;
    if (jz_monitor_compare_fpm(&x, text, len, file, fpm_row, fpm_reject, &o, &n, &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    fpm_header(&o);
    printf("防止返贫监测对象 %ld 人，其中未享受任何救助 %ld 人%s\n", n.listed, n.without,
           n.rejected ? "（另有格式错误的行，见上）" : "");
    if (n.rejected)
        status = EXIT_INPUT;
out:
    jz_store_close(s);
    free(text);
    return status;
}

int cmd_monitor(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "run") == 0)
        return monitor_run(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "compare-fpm") == 0)
        return compare_fpm(argc, argv);
    fputs("用法: jiuzhu monitor run 数据库 [--date D] [--region 代码]\n"
          "      按预警指标（R-MON-2）比对部门数据，生成 A/B/C/D 四类预警（R-MON-3）\n"
          "      jiuzhu monitor compare-fpm 数据库 文件\n"
          "      列出防止返贫监测对象中未享受任何救助的人及其认定结果（R-MON-4）\n",
          argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
    return argc >= 2 && strcmp(argv[1], "--help") == 0 ? EXIT_DONE : EXIT_USAGE;
}

static int print_alert(const jz_stored_alert *a, void *arg)
{
    (void)arg;
    char due[JZ_DATE_BUF], m[JZ_MONEY_BUF] = "";
    jz_date_format(a->due_on, due, sizeof due);
    if (a->amount)
        jz_money_format(a->amount, m, sizeof m);
    /* A list: the ID number masked (jiuzhu alert show gives the one alert). */
    cli_printf("%-6lld %c %-3s %-22s %-10s %-18s %-10s %-14s 推送%-8s 处置截止 %s  %s\n",
               (long long)a->id, jz_alert_letters[a->category & 3],
               a->severity >= 3   ? "高"
               : a->severity == 2 ? "中"
                                  : "低",
               a->indicator < JZ_IND_COUNT ? jz_indicator_zh[a->indicator] : "?", a->name,
               a->household_id[0] ? a->household_id : "（库外）", a->region[0] ? a->region : "—",
               a->id_number, a->dept < JZ_DEPT_COUNT ? jz_dept_zh[a->dept] : "民政", due,
               a->detail);
    return 0;
}

int cmd_alerts(int argc, char **argv)
{
    const char *db = NULL, *region = "";
    int category = -1;
    bool all = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--category") == 0 && v && strlen(v) == 1 && v[0] >= 'A' && v[0] <= 'D') {
            category = v[0] - 'A';
            i++;
        } else if (strcmp(a, "--region") == 0 && v) {
            region = argv[++i];
        } else if (strcmp(a, "--all") == 0) {
            all = true;
        } else if (a[0] != '-' && !db) {
            db = a;
        } else {
            db = NULL;
            break;
        }
    }
    if (!db) {
        fputs("用法: jiuzhu alerts 数据库 [--category A|B|C|D] [--region 代码] [--all]\n"
              "列出预警（默认只列未办结的），处置截止最早的在前\n",
              stderr);
        return EXIT_USAGE;
    }
    jz_store *s = NULL;
    jz_error err;
    jz_error_clear(&err);
    if (jz_store_open(db, JZ_STORE_READONLY, &s, &err) != JZ_OK)
        return cli_fail(&err);
    jz_ctx x = {.store = s, .today = jz_date_today()};
    jz_alert_query q = {.region = region, .category = category, .status = -1, .open_only = !all};
    int status = jz_alert_list(&x, &q, print_alert, NULL, NULL, &err) ? cli_fail(&err) : EXIT_DONE;
    jz_store_close(s);
    return status;
}

/* ---- handling an alert (R-MON-3) ------------------------------------------------ */

static void usage_alert(FILE *f)
{
    fputs("用法: jiuzhu alert assign 数据库 预警号 --to 经办人\n"
          "      jiuzhu alert verify 数据库 预警号 --confirmed|--unfounded\n"
          "                 核实属实：D 类启动复核案件，B 类启动申请案件；不属实：办结\n"
          "      jiuzhu alert refer 数据库 预警号 --dept 部门      转介相关部门\n"
          "      jiuzhu alert feedback 数据库 预警号 --dept 部门 --kind 救助内容 --amount 金额\n"
          "                 记录部门反馈的救助（进入救助链）\n"
          "      jiuzhu alert resolve 数据库 预警号 --outcome enrolled|referred|terminated|no_action\n"
          "      jiuzhu alert show 数据库 预警号 [--full-id]（显示完整身份证号码）\n"
          "      共同选项：[--date D] [--note 说明] [--actor 经办人]\n",
          f);
}

static void print_alert_step(const jz_alert_step *x)
{
    char d[JZ_DATE_BUF], m[JZ_MONEY_BUF] = "";
    jz_date_format(x->on, d, sizeof d);
    if (x->amount)
        jz_money_format(x->amount, m, sizeof m);
    printf("  %s  %-6s 经办：%s%s%s%s%s%s%s%s%s%s%s%s%s\n", d, jz_alert_action_zh(x->action),
           x->actor, x->assignee[0] ? "  分派给：" : "", x->assignee,
           x->dept < JZ_DEPT_COUNT ? "  部门：" : "",
           x->dept < JZ_DEPT_COUNT ? jz_dept_zh[x->dept] : "", x->outcome[0] ? "  结果：" : "",
           jz_alert_outcome_zh(x->outcome), x->kind[0] ? "  救助：" : "", x->kind,
           m[0] && strcmp(x->action, "evidence") != 0 ? " " : "",
           strcmp(x->action, "evidence") != 0 ? m : "", x->note[0] ? "  说明：" : "", x->note);
}

static void print_evidence(int64_t row, const jz_feed_row *r)
{
    char d[JZ_DATE_BUF], m[JZ_MONEY_BUF] = "";
    jz_date_format(r->date, d, sizeof d);
    if (r->amount)
        jz_money_format(r->amount, m, sizeof m);
    printf("  %s  %s %s%s%s%s%s%s（数据行 %lld）\n", d, r->dept < JZ_DEPT_COUNT ? jz_dept_zh[r->dept] : "?",
           r->event < JZ_EV_COUNT ? jz_event_zh[r->event] : "?", r->code[0] ? " " : "", r->code,
           m[0] ? " " : "", m, m[0] ? " 元" : "", (long long)row);
}


/* The engine's re-assessment of the alert's household from its stored
 * record, as of the day the alert was raised (R-ONE-1: every programme):
 * the policy is loaded for it only. */
static int reassess(jz_store *s, const jz_stored_alert *a, const char *policy, const char *actor)
{
    if (!a->household_id[0]) {
        puts("重新评估：此人不在低收入人口数据库中，登记其家庭户记录后方可评估");
        return EXIT_DONE;
    }
    jz_error err;
    jz_error_clear(&err);
    jz_ctx x;
    jz_reassessment *r = malloc(sizeof *r);
    if (!r)
        return EXIT_INPUT;
    int status = EXIT_DONE;
    if (jz_ctx_init(&x, NULL, cli_policy_dir(policy), NULL, cli_actor(actor), &err) != JZ_OK) {
        free(r);
        return cli_fail(&err);
    }
    x.store = s;
    if (jz_alert_reassess(&x, a, r, &err) != JZ_OK) {
        status = cli_fail(&err);
    } else {
        puts("重新评估（据库中户记录，按预警生成日的政策；部门数据反映的变化须核实后更正户记录）：");
        cli_print_summary(stdout, &r->h, x.regions, &r->result, &r->trace);
    }
    free(r);
    x.store = NULL;
    jz_ctx_cleanup(&x);
    return status;
}

int cmd_alert(int argc, char **argv)
{
    if (argc < 4) {
        bool help = argc == 2 && strcmp(argv[1], "--help") == 0;
        usage_alert(help ? stdout : stderr);
        return help ? EXIT_DONE : EXIT_USAGE;
    }
    const char *sub = argv[1], *db = argv[2], *target = argv[3], *to = NULL, *dept_name = NULL,
               *kind = NULL, *amount = NULL, *outcome = NULL, *note = "", *policy = NULL,
               *actor = cli_default_actor();
    bool confirmed = false, unfounded = false;
    jz_date on = jz_date_today();
    jz_error err;
    jz_error_clear(&err);
    for (int i = 4; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        const char **slot = strcmp(a, "--to") == 0        ? &to
                            : strcmp(a, "--dept") == 0    ? &dept_name
                            : strcmp(a, "--kind") == 0    ? &kind
                            : strcmp(a, "--amount") == 0  ? &amount
                            : strcmp(a, "--outcome") == 0 ? &outcome
                            : strcmp(a, "--note") == 0    ? &note
                            : strcmp(a, "--policy") == 0  ? &policy
                            : strcmp(a, "--actor") == 0   ? &actor
                                                          : NULL;
        if (slot && v) {
            *slot = v;
            i++;
        } else if (strcmp(a, "--date") == 0 && v) {
            if (jz_date_parse(v, strlen(v), &on, &err) != JZ_OK) {
                fprintf(stderr, "jiuzhu alert: --date「%s」不是有效日期\n", v);
                return EXIT_USAGE;
            }
            i++;
        } else if (strcmp(a, "--confirmed") == 0) {
            confirmed = true;
        } else if (strcmp(a, "--unfounded") == 0) {
            unfounded = true;
        } else if (strcmp(a, "--full-id") == 0) {
            cli_full_ids(true); /* one record: its ID number in full */
        } else {
            usage_alert(stderr);
            return EXIT_USAGE;
        }
    }
    long long id;
    if (!cli_int("jiuzhu alert", "预警号", target, 1, INT64_MAX, &id))
        return EXIT_USAGE;
    bool show = strcmp(sub, "show") == 0;
    jz_alert_req rq = {.on = on, .note = note, .assignee = to, .confirmed = confirmed,
                       .dept = dept_name ? jz_dept_find(dept_name) : -1, .kind = kind,
                       .outcome = outcome, .expect_status = -1};
    if (!show) {
        int k = 0;
        while (k < JZ_ALERT_ACT_COUNT && strcmp(sub, jz_alert_action_names[k]) != 0)
            k++;
        if (k == JZ_ALERT_ACT_COUNT) {
            usage_alert(stderr);
            return EXIT_USAGE;
        }
        rq.action = (jz_alert_action)k;
        if (rq.action == JZ_ALERT_ACT_VERIFY && confirmed == unfounded) {
            fputs("jiuzhu alert verify: 须指定 --confirmed（属实）或 --unfounded（不属实）之一\n",
                  stderr);
            return EXIT_USAGE;
        }
        if (amount && (jz_money_parse(amount, strlen(amount), &rq.amount, &err) != JZ_OK ||
                       rq.amount < 0)) {
            fprintf(stderr, "jiuzhu alert feedback: --amount「%s」应为元，最多两位小数\n", amount);
            return EXIT_USAGE;
        }
        if (rq.action == JZ_ALERT_ACT_FEEDBACK && !amount)
            rq.amount = -1; /* required: the library says so */
    }
    jz_store *s = NULL;
    if (jz_store_open(db, show ? JZ_STORE_READONLY : 0, &s, &err) != JZ_OK)
        return cli_fail(&err);
    int status = EXIT_DONE;
    if (show) {
        jz_ctx v = {.store = s, .today = jz_date_today()};
        jz_alert_view view;
        if (jz_alert_show(&v, id, &view, &err) != JZ_OK) {
            jz_alert_view_cleanup(&view);
            status = cli_fail(&err);
            goto out;
        }
        const jz_stored_alert a = view.alert;
        char r[JZ_DATE_BUF], d[JZ_DATE_BUF];
        jz_date_format(a.raised_on, r, sizeof r);
        jz_date_format(a.due_on, d, sizeof d);
        char idm[JZ_IDNUM_MASKED_BUF];
        printf("预警 %lld  %c 类（%s）  %s  %s  %s  %s\n", id, jz_alert_letters[a.category & 3],
               jz_alert_category_zh[a.category & 3],
               a.indicator < JZ_IND_COUNT ? jz_indicator_zh[a.indicator] : "?", a.name,
               cli_id(a.id_number, idm), a.household_id[0] ? a.household_id : "（库外）");
        char m[JZ_MONEY_BUF] = "";
        if (a.amount)
            jz_money_format(a.amount, m, sizeof m);
        printf("%s\n生成 %s  处置截止 %s  推送 %s  状态：%s%s%s%s\n", a.detail, r, d,
               a.dept < JZ_DEPT_COUNT ? jz_dept_zh[a.dept] : "民政",
               jz_alert_status_zh[a.status % 5], m[0] ? "  金额合计 " : "", m, m[0] ? " 元" : "");
        puts("依据（部门数据）：");
        for (size_t i = 0; i < view.n_evidence; i++)
            print_evidence(view.evidence[i].row, &view.evidence[i].r);
        puts("处置：");
        for (size_t i = 0; i < view.n_steps; i++)
            print_alert_step(&view.steps[i]);
        jz_alert_view_cleanup(&view);
        status = reassess(s, &a, policy, actor);
        goto out;
    }
    jz_ctx x;
    if (jz_ctx_init(&x, s, cli_policy_dir(policy), NULL, cli_actor(actor), &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    jz_alert_res *res = malloc(sizeof *res);
    if (!res || jz_alert_handle(&x, id, &rq, res, &err) != JZ_OK) {
        if (!res)
            jz_error_set(&err, JZ_ENOMEM, NULL, NULL, "内存不足");
        status = cli_fail(&err);
        free(res);
        x.store = NULL;
        jz_ctx_cleanup(&x);
        goto out;
    }
    x.store = NULL;
    jz_ctx_cleanup(&x);
    printf("预警 %lld：%s，状态：%s%s\n", id, jz_alert_action_zh(sub),
           jz_alert_status_zh[res->after.status % 5],
           res->joined   ? "（并入未办结的案件）"
           : res->opened ? (res->after.category == JZ_ALERT_D ? "（已启动复核案件）"
                                                              : "（已启动申请案件）")
                         : "");
    if (res->opened)
        cli_print_accepted(&res->accepted);
    if (res->case_id)
        printf("  案件 %lld\n", (long long)res->case_id);
    if (res->death) {
        const jz_death_res *dr = &res->death_res;
        printf("  已记录 %s 死亡：户 %s 的户记录现为第 %d 版（旧版本保留）", dr->name,
               dr->household_id, dr->record_version);
        if (dr->stopped)
            printf("；本人单独施保的 %zu 项救助发放至死亡当月", dr->stopped);
        if (dr->checks) {
            char due[JZ_DATE_BUF];
            jz_date_format(dr->check_due, due, sizeof due);
            printf("；低保家庭须在 %s 前完成核查（R-DEATH-1）", due);
        }
        if (dr->nobody_left)
            printf("；全户成员均已死亡，全户的 %zu 项救助发放至死亡当月", dr->ended);
        putchar('\n');
    }
    free(res);
out:
    jz_store_close(s);
    return status;
}
