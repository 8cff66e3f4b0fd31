/*
 * monitor.c - `jiuzhu monitor run DB` evaluates the warning indicators
 * (R-MON-2) on every person of the department feeds and every enrolled 特困
 * person, and raises alerts by category (R-MON-3) with their evidence, the
 * department they go to and a handling deadline (jz_monitor_run); the same
 * facts never raise an alert twice.  `jiuzhu alerts DB` lists them, `jiuzhu
 * alert ...` handles one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_calendar.h"
#include "jiuzhu/jz_monitor.h"
#include "jiuzhu/jz_procedure.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_store.h"

#include <jansson.h>

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
    jz_regions *rg = NULL;
    jz_paramset *ps = NULL;
    jz_calendar *cal = NULL;
    jz_store *s = NULL;
    int status = cli_load_policy(cli_policy_dir(policy), &rg, &ps);
    if (!status)
        status = cli_load_calendar(calendar, policy, &cal);
    if (!status && jz_store_open(db, 0, &s, &err) != JZ_OK) {
        cli_print_error(&err);
        status = EXIT_INPUT;
    }
    jz_monitor_counts r;
    memset(&r, 0, sizeof r);
    if (!status) {
        jz_store_set_actor(s, actor);
        if (jz_monitor_run(s, ps, cal, on, region, &r, &err) != JZ_OK) {
            cli_print_error(&err);
            status = EXIT_INPUT;
        }
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
    jz_calendar_free(cal);
    jz_paramset_free(ps);
    jz_regions_free(rg);
    return status;
}

typedef struct active {
    size_t n;
} active;

static void count_active(const jz_enrolment *e, void *arg)
{
    active *a = arg;
    a->n += e->status != JZ_ENROL_STOPPED;
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
    jz_feed_reader *r = NULL;
    jz_store *s = NULL;
    jz_result *det = malloc(sizeof *det);
    int status = EXIT_DONE;
    if (!text || !det || jz_feed_reader_new(JZ_DEPT_FPM, text, len, file, &r, &err) != JZ_OK ||
        jz_store_open(db, JZ_STORE_READONLY, &s, &err) != JZ_OK) {
        cli_print_error(&err);
        status = EXIT_INPUT;
        goto out;
    }
    long listed = 0, without = 0, rejected = 0;
    printf("%-20s %-10s %-12s %-18s %s\n", "身份证号码", "姓名", "纳入监测", "户编号",
           "认定结果");
    for (;;) {
        jz_feed_row row;
        jz_error e;
        jz_error_clear(&e);
        jz_err rc = jz_feed_next(r, &row, &e);
        if (rc == JZ_EOF)
            break;
        if (rc) {
            cli_print_error(&e);
            rejected++;
            continue;
        }
        listed++;
        char *record = NULL, household[JZ_HOUSEHOLD_ID_MAX] = "", what[160] = "库外，无认定";
        bool current = false;
        if (jz_store_get_record(s, row.id, &record, &e) == JZ_OK) {
            json_t *j = json_loads(record, 0, NULL);
            const char *h = json_string_value(json_object_get(j, "household_id"));
            const char *prog =
                json_string_value(json_object_get(json_object_get(j, "current"), "programme"));
            snprintf(household, sizeof household, "%s", h ? h : "");
            current = prog && strcmp(prog, "none") != 0; /* enrolled before jiuzhu */
            json_decref(j);
        }
        free(record);
        if (current)
            continue;
        if (household[0]) {
            active a = {0};
            if (jz_store_enrol_list(s, "", household, count_active, &a, &e) != JZ_OK) {
                cli_print_error(&e);
                status = EXIT_INPUT;
                break;
            }
            if (a.n)
                continue; /* receives assistance */
            int64_t batch;
            jz_date date;
            if (jz_store_get_determination(s, household, det, &batch, &date, &e) == JZ_OK) {
                char m[JZ_MONEY_BUF], d[JZ_DATE_BUF];
                jz_money_format(det->monthly_amount, m, sizeof m);
                jz_date_format(date, d, sizeof d);
                snprintf(what, sizeof what, "%s（%s 评估，家庭低保金每月 %s 元）",
                         det->category < JZ_CAT_COUNT ? cli_category_zh[det->category] : "?", d,
                         m);
            } else {
                snprintf(what, sizeof what, "在库，尚无认定结果（请 jiuzhu assess --db）");
            }
        }
        char d[JZ_DATE_BUF];
        jz_date_format(row.date, d, sizeof d);
        printf("%-20s %-10s %-12s %-18s %s\n", row.id, row.name, d,
               household[0] ? household : "（库外）", what);
        without++;
    }
    printf("防止返贫监测对象 %ld 人，其中未享受任何救助 %ld 人%s\n", listed, without,
           rejected ? "（另有格式错误的行，见上）" : "");
    if (rejected)
        status = EXIT_INPUT;
out:
    free(det);
    jz_feed_reader_free(r);
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

static void print_alert(const jz_stored_alert *a, void *arg)
{
    (void)arg;
    char due[JZ_DATE_BUF], m[JZ_MONEY_BUF] = "";
    jz_date_format(a->due_on, due, sizeof due);
    if (a->amount)
        jz_money_format(a->amount, m, sizeof m);
    printf("%-6lld %c %-3s %-22s %-10s %-18s %-10s %-14s 推送%-8s 处置截止 %s  %s\n",
           (long long)a->id, jz_alert_letters[a->category & 3],
           a->severity >= 3 ? "高" : a->severity == 2 ? "中" : "低",
           a->indicator < JZ_IND_COUNT ? jz_indicator_zh[a->indicator] : "?", a->name,
           a->household_id[0] ? a->household_id : "（库外）", a->region[0] ? a->region : "—",
           a->id_number, a->dept < JZ_DEPT_COUNT ? jz_dept_zh[a->dept] : "民政", due, a->detail);
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
    if (jz_store_open(db, JZ_STORE_READONLY, &s, &err) != JZ_OK ||
        jz_store_alert_list(s, region, category, !all, print_alert, NULL, &err) != JZ_OK) {
        cli_print_error(&err);
        jz_store_close(s);
        return EXIT_INPUT;
    }
    jz_store_close(s);
    return EXIT_DONE;
}

/* ---- handling an alert (R-MON-3) ------------------------------------------------ */

static const char *const alert_status_zh[] = {"待处置", "已分派", "已核实", "已办结", "已转介"};

static void usage_alert(FILE *f)
{
    fputs("用法: jiuzhu alert assign 数据库 预警号 --to 经办人\n"
          "      jiuzhu alert verify 数据库 预警号 --confirmed|--unfounded\n"
          "                 核实属实：D 类启动复核案件，B 类启动申请案件；不属实：办结\n"
          "      jiuzhu alert refer 数据库 预警号 --dept 部门      转介相关部门\n"
          "      jiuzhu alert feedback 数据库 预警号 --dept 部门 --kind 救助内容 --amount 金额\n"
          "                 记录部门反馈的救助（进入救助链）\n"
          "      jiuzhu alert resolve 数据库 预警号 --outcome enrolled|referred|terminated|no_action\n"
          "      jiuzhu alert show 数据库 预警号\n"
          "      共同选项：[--date D] [--note 说明] [--actor 经办人]\n",
          f);
}

static void print_alert_step(const jz_alert_step *x, void *arg)
{
    (void)arg;
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

static void print_evidence(int64_t row, const jz_feed_row *r, void *arg)
{
    (void)arg;
    char d[JZ_DATE_BUF], m[JZ_MONEY_BUF] = "";
    jz_date_format(r->date, d, sizeof d);
    if (r->amount)
        jz_money_format(r->amount, m, sizeof m);
    printf("  %s  %s %s%s%s%s%s%s（数据行 %lld）\n", d, r->dept < JZ_DEPT_COUNT ? jz_dept_zh[r->dept] : "?",
           r->event < JZ_EV_COUNT ? jz_event_zh[r->event] : "?", r->code[0] ? " " : "", r->code,
           m[0] ? " " : "", m, m[0] ? " 元" : "", (long long)row);
}


typedef struct death_date {
    jz_date on;
} death_date;

/* The death the alert's rows record (公安 or 殡葬): the latest date. */
static void latest_death(int64_t row, const jz_feed_row *r, void *arg)
{
    (void)row;
    death_date *d = arg;
    if ((r->event == JZ_EV_DEATH || r->event == JZ_EV_FUNERAL) && r->date > d->on)
        d->on = r->date;
}

/* The engine's re-assessment of the alert's household from its stored
 * record, as of the day the alert was raised (R-ONE-1: every programme). */
static int reassess(jz_store *s, const jz_stored_alert *a, const char *policy)
{
    if (!a->household_id[0]) {
        puts("重新评估：此人不在低收入人口数据库中，登记其家庭户记录后方可评估");
        return EXIT_DONE;
    }
    jz_regions *rg = NULL;
    jz_paramset *ps = NULL;
    char *record = NULL;
    jz_household_buf *buf = malloc(sizeof *buf);
    jz_result *r = malloc(sizeof *r);
    jz_trace *t = malloc(sizeof *t);
    jz_error err;
    jz_error_clear(&err);
    int status = buf && r && t ? cli_load_policy(cli_policy_dir(policy), &rg, &ps) : EXIT_INPUT;
    jz_household h;
    jz_policy p;
    jz_parse_opts po = {.regions = rg, .default_date = a->raised_on, .force_date = a->raised_on};
    char county[7];
    if (!status && (jz_store_get_record(s, a->household_id, &record, &err) != JZ_OK ||
                    jz_household_parse(record, strlen(record), &po, &h, buf, &err) != JZ_OK ||
                    (jz_region_county(&h.region, county),
                     jz_policy_resolve(ps, county, a->raised_on, &p, &err)) != JZ_OK)) {
        cli_print_error(&err);
        status = EXIT_INPUT;
    }
    if (!status) {
        jz_assess(&h, &p, r, t);
        puts("重新评估（据库中户记录，按预警生成日的政策；部门数据反映的变化须核实后更正户记录）：");
        cli_print_summary(stdout, &h, rg, r, t);
    }
    free(record);
    free(buf);
    free(r);
    free(t);
    jz_paramset_free(ps);
    jz_regions_free(rg);
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
        } else {
            usage_alert(stderr);
            return EXIT_USAGE;
        }
    }
    char *end;
    long long id = strtoll(target, &end, 10);
    if (*end || id <= 0) {
        fprintf(stderr, "jiuzhu alert: 预警号「%s」应为正整数\n", target);
        return EXIT_USAGE;
    }
    bool show = strcmp(sub, "show") == 0;
    jz_store *s = NULL;
    if (jz_store_open(db, show ? JZ_STORE_READONLY : 0, &s, &err) != JZ_OK) {
        cli_print_error(&err);
        return EXIT_INPUT;
    }
    jz_store_set_actor(s, actor);
    int status = EXIT_DONE;
    jz_stored_alert before, a;
    if (jz_store_alert_get(s, id, &before, &err) != JZ_OK) {
        cli_print_error(&err);
        status = EXIT_INPUT;
        goto out;
    }
    a = before;
    if (show) {
        char r[JZ_DATE_BUF], d[JZ_DATE_BUF];
        jz_date_format(a.raised_on, r, sizeof r);
        jz_date_format(a.due_on, d, sizeof d);
        printf("预警 %lld  %c 类（%s）  %s  %s  %s  %s\n", id, jz_alert_letters[a.category & 3],
               jz_alert_category_zh[a.category & 3],
               a.indicator < JZ_IND_COUNT ? jz_indicator_zh[a.indicator] : "?", a.name,
               a.id_number, a.household_id[0] ? a.household_id : "（库外）");
        char m[JZ_MONEY_BUF] = "";
        if (a.amount)
            jz_money_format(a.amount, m, sizeof m);
        printf("%s\n生成 %s  处置截止 %s  推送 %s  状态：%s%s%s%s\n", a.detail, r, d,
               a.dept < JZ_DEPT_COUNT ? jz_dept_zh[a.dept] : "民政", alert_status_zh[a.status % 5],
               m[0] ? "  金额合计 " : "", m, m[0] ? " 元" : "");
        puts("依据（部门数据）：");
        if (jz_store_alert_evidence(s, id, print_evidence, NULL, &err) != JZ_OK) {
            cli_print_error(&err);
            status = EXIT_INPUT;
            goto out;
        }
        puts("处置：");
        if (jz_store_alert_steps(s, id, print_alert_step, NULL, &err) != JZ_OK) {
            cli_print_error(&err);
            status = EXIT_INPUT;
        }
        if (!status)
            status = reassess(s, &a, policy);
        goto out;
    }
    if (a.status == JZ_ALERT_RESOLVED) {
        jz_error_set(&err, JZ_EINPUT, "alert", target, "预警已办结，不能再处置");
        cli_print_error(&err);
        status = EXIT_INPUT;
        goto out;
    }
    jz_alert_step step;
    memset(&step, 0, sizeof step);
    step.alert = id;
    step.on = on;
    step.dept = JZ_DEPT_CIVIL;
    snprintf(step.action, sizeof step.action, "%s", sub);
    snprintf(step.note, sizeof step.note, "%s", note);
    int dept = dept_name ? jz_dept_find(dept_name) : -1;
    if (strcmp(sub, "assign") == 0) {
        if (!to) {
            fputs("jiuzhu alert assign: 须用 --to 指定经办人\n", stderr);
            status = EXIT_USAGE;
            goto out;
        }
        snprintf(step.assignee, sizeof step.assignee, "%s", to);
        a.status = JZ_ALERT_ASSIGNED;
    } else if (strcmp(sub, "verify") == 0) {
        if (confirmed == unfounded) {
            fputs("jiuzhu alert verify: 须指定 --confirmed（属实）或 --unfounded（不属实）之一\n",
                  stderr);
            status = EXIT_USAGE;
            goto out;
        }
        if (unfounded) {
            a.status = JZ_ALERT_RESOLVED;
            snprintf(step.outcome, sizeof step.outcome, "no_action");
        } else {
            a.status = JZ_ALERT_VERIFIED;
        }
    } else if (strcmp(sub, "refer") == 0) {
        if (dept < 0) {
            fputs("jiuzhu alert refer: 须用 --dept 指定部门（jiuzhu feed --help 列出部门）\n", stderr);
            status = EXIT_USAGE;
            goto out;
        }
        step.dept = (uint8_t)dept;
        a.status = JZ_ALERT_REFERRED;
    } else if (strcmp(sub, "feedback") == 0) {
        jz_fen amt = 0;
        if (dept < 0 || !kind || !kind[0] || !amount ||
            jz_money_parse(amount, strlen(amount), &amt, &err) != JZ_OK || amt < 0) {
            fputs("jiuzhu alert feedback: 须给出 --dept 部门、--kind 救助内容和 --amount 金额（元，最多两位小数）\n",
                  stderr);
            status = EXIT_USAGE;
            goto out;
        }
        step.dept = (uint8_t)dept;
        snprintf(step.kind, sizeof step.kind, "%s", kind);
        step.amount = amt;
    } else if (strcmp(sub, "resolve") == 0) {
        static const char *const outcomes[] = {"enrolled", "referred", "terminated", "no_action"};
        bool ok = false;
        for (size_t k = 0; k < 4 && outcome; k++)
            ok |= strcmp(outcome, outcomes[k]) == 0;
        if (!ok || !note[0]) {
            fputs("jiuzhu alert resolve: 须用 --outcome 给出结果（enrolled 已纳入、referred 已转介、"
                  "terminated 已停发、no_action 无需处理）并用 --note 说明\n",
                  stderr);
            status = EXIT_USAGE;
            goto out;
        }
        snprintf(step.outcome, sizeof step.outcome, "%s", outcome);
        a.status = JZ_ALERT_RESOLVED;
    } else {
        usage_alert(stderr);
        status = EXIT_USAGE;
        goto out;
    }
    if (jz_store_begin(s, &err) != JZ_OK) {
        cli_print_error(&err);
        status = EXIT_INPUT;
        goto out;
    }
    /* A confirmed death is recorded first (R-HH-1, R-DEATH-1): the record
     * gets a new version marking him deceased, his own unit stops, and a
     * review opens only where R-DEATH-1 asks for one; never with the dead
     * person as applicant. */
    bool death = confirmed && a.household_id[0] &&
                 (a.indicator == JZ_IND_RECIPIENT_DEATH || a.indicator == JZ_IND_EARNER_DEATH);
    bool open_case = confirmed && (a.category == JZ_ALERT_D || a.category == JZ_ALERT_B);
    jz_death_res dr;
    memset(&dr, 0, sizeof dr);
    if (death) {
        death_date dd = {JZ_DATE_NONE};
        jz_ctx x;
        if (jz_store_alert_evidence(s, id, latest_death, &dd, &err) != JZ_OK ||
            jz_ctx_init(&x, s, cli_policy_dir(policy), NULL, actor, &err) != JZ_OK) {
            jz_store_rollback(s);
            cli_print_error(&err);
            status = EXIT_INPUT;
            goto out;
        }
        jz_err rc = dd.on ? jz_proc_death(&x, a.id_number, dd.on, on, note, true, &dr, &err)
                          : jz_error_set(&err, JZ_EINPUT, "alert", target,
                                         "预警的依据中没有死亡日期，无法记录死亡");
        x.store = NULL;
        jz_ctx_cleanup(&x);
        if (rc) {
            jz_store_rollback(s);
            cli_print_error(&err);
            status = EXIT_INPUT;
            goto out;
        }
        /* A recipient's death: a review only for R-DEATH-1's check of a
         * 低保 household with someone left; an earner's: an application of
         * the others. */
        if (a.indicator == JZ_IND_RECIPIENT_DEATH)
            open_case = dr.checks > 0 && !dr.nobody_left;
        else
            open_case = !dr.nobody_left;
    }
    /* A household with an open case: the alert joins it (the review or
     * application under way will see what the alert found). */
    if (open_case && a.household_id[0]) {
        int64_t open_id = 0;
        if (jz_proc_open_case(s, a.region, a.household_id, &open_id, &err) != JZ_OK) {
            jz_store_rollback(s);
            cli_print_error(&err);
            status = EXIT_INPUT;
            goto out;
        }
        if (open_id) {
            step.case_id = open_id;
            open_case = false;
        }
    }
    /* Confirmed: D opens a review of the household, B an application. */
    if (open_case) {
        if (!a.household_id[0]) {
            jz_store_rollback(s);
            jz_error_set(&err, JZ_EINPUT, "alert", target,
                         "此人不在低收入人口数据库中：请先登记其家庭的户记录（jiuzhu import），"
                         "再核实并启动申请");
            cli_print_error(&err);
            status = EXIT_INPUT;
            goto out;
        }
        char why[600];
        snprintf(why, sizeof why, "预警 %lld：%s", id, a.detail);
        if ((status = cli_case_open(s, a.household_id, on, a.category == JZ_ALERT_D, why, policy,
                                    &step.case_id))) {
            jz_store_rollback(s);
            goto out;
        }
    }
    if (jz_store_alert_update(s, &before, &a, &step, &err) != JZ_OK ||
        jz_store_commit(s, &err) != JZ_OK) {
        jz_store_rollback(s);
        cli_print_error(&err);
        status = EXIT_INPUT;
        goto out;
    }
    printf("预警 %lld：%s，状态：%s%s\n", id, jz_alert_action_zh(sub), alert_status_zh[a.status % 5],
           step.case_id && !open_case ? "（并入未办结的案件）"
           : step.case_id ? (a.category == JZ_ALERT_D ? "（已启动复核案件）" : "（已启动申请案件）")
                          : "");
    if (step.case_id)
        printf("  案件 %lld\n", (long long)step.case_id);
    if (death) {
        printf("  已记录 %s 死亡：户 %s 的户记录现为第 %d 版（旧版本保留）", dr.name, dr.household_id,
               dr.record_version);
        if (dr.stopped)
            printf("；本人单独施保的 %zu 项救助发放至死亡当月", dr.stopped);
        if (dr.checks) {
            char due[JZ_DATE_BUF];
            jz_date_format(dr.check_due, due, sizeof due);
            printf("；低保家庭须在 %s 前完成核查（R-DEATH-1）", due);
        }
        if (dr.nobody_left)
            printf("；全户成员均已死亡，全户的 %zu 项救助发放至死亡当月", dr.ended);
        putchar('\n');
    }
out:
    jz_store_close(s);
    return status;
}
