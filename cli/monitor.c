/*
 * monitor.c - `jiuzhu monitor run DB` evaluates the warning indicators
 * (R-MON-2) on every person of the department feeds and every enrolled 特困
 * person, and raises alerts by category (R-MON-3) with their evidence, the
 * department they go to and a handling deadline in working days; the same
 * evidence never raises the same alert twice.  `jiuzhu alerts DB` lists them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_calendar.h"
#include "jiuzhu/jz_monitor.h"
#include "jiuzhu/jz_store.h"

typedef struct run {
    jz_store *s;
    const jz_paramset *ps;
    const jz_calendar *cal;
    jz_date on;
    long people, raised, again, by_category[4], by_indicator[JZ_IND_COUNT];
    jz_error err;
    bool failed;
} run;

static void person(const jz_monitor_subject *sub, void *arg)
{
    run *r = arg;
    if (r->failed)
        return;
    r->people++;
    /* The parameters of the person's county; outside the registry, of the
     * county his ID number was issued in if it is in Shanxi, else the
     * province's. */
    char county[7];
    if (sub->county[0])
        snprintf(county, sizeof county, "%s", sub->county);
    else
        snprintf(county, sizeof county, "%.6s", strncmp(sub->id, "14", 2) == 0 ? sub->id : "140000");
    jz_policy p;
    if (jz_policy_resolve(r->ps, county, r->on, &p, &r->err) != JZ_OK &&
        jz_policy_resolve(r->ps, "140000", r->on, &p, &r->err) != JZ_OK) {
        r->failed = true;
        return;
    }
    jz_alert alerts[JZ_MONITOR_ALERTS_MAX];
    size_t n = jz_monitor_person_eval(&sub->who, sub->rows, sub->n, &p, r->on, alerts);
    for (size_t i = 0; i < n && !r->failed; i++) {
        const jz_alert *a = &alerts[i];
        jz_stored_alert st;
        memset(&st, 0, sizeof st);
        snprintf(st.county, sizeof st.county, "%s", sub->county);
        snprintf(st.region, sizeof st.region, "%s", sub->region);
        st.category = a->category;
        st.indicator = a->indicator;
        st.severity = a->severity;
        st.dept = a->dept;
        snprintf(st.id_number, sizeof st.id_number, "%s", sub->id);
        snprintf(st.name, sizeof st.name, "%s", sub->name);
        snprintf(st.household_id, sizeof st.household_id, "%s", sub->household_id);
        st.amount = a->amount;
        snprintf(st.detail, sizeof st.detail, "%s", a->detail);
        size_t len = (size_t)snprintf(st.evidence, sizeof st.evidence, "[");
        for (size_t k = 0; k < a->n_evidence && len < sizeof st.evidence - 24; k++)
            len += (size_t)snprintf(st.evidence + len, sizeof st.evidence - len, "%s%lld",
                                    k ? "," : "", (long long)sub->row_ids[a->evidence[k]]);
        snprintf(st.evidence + len, sizeof st.evidence - len, "]");
        st.raised_on = r->on;
        if (jz_calendar_add(r->cal, r->on, p.mon_deadline[a->category], &st.due_on, &r->err) !=
            JZ_OK) {
            r->failed = true;
            return;
        }
        bool added = false;
        if (jz_store_alert_put(r->s, &st, &added, &r->err) != JZ_OK) {
            r->failed = true;
            return;
        }
        if (added) {
            r->raised++;
            r->by_category[a->category]++;
            r->by_indicator[a->indicator]++;
        } else {
            r->again++;
        }
    }
}

static int load_calendar(const char *file, const char *policy, jz_calendar **cal)
{
    char path[4096];
    if (!file) {
        snprintf(path, sizeof path, "%s/calendar/cn-holidays.csv", cli_policy_dir(policy));
        file = path;
    }
    jz_error err;
    jz_error_clear(&err);
    if (jz_calendar_load(file, cal, &err) != JZ_OK) {
        cli_print_error(&err);
        return EXIT_INPUT;
    }
    return EXIT_DONE;
}

static int monitor_run(int argc, char **argv)
{
    const char *db = NULL, *region = "", *policy = NULL, *calendar = NULL,
               *actor = getenv("JIUZHU_ACTOR");
    if (!actor || !actor[0])
        actor = getenv("USER");
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
        status = load_calendar(calendar, policy, &cal);
    if (!status && jz_store_open(db, 0, &s, &err) != JZ_OK) {
        cli_print_error(&err);
        status = EXIT_INPUT;
    }
    run r = {.s = s, .ps = ps, .cal = cal, .on = on};
    jz_error_clear(&r.err);
    if (!status) {
        jz_store_set_actor(s, actor);
        char after[512], d[JZ_DATE_BUF];
        jz_date_format(on, d, sizeof d);
        if (jz_store_begin(s, &err) != JZ_OK ||
            jz_store_monitor_scan(s, region, person, &r, &err) != JZ_OK || r.failed ||
            (snprintf(after, sizeof after,
                      "{\"date\":\"%s\",\"region\":\"%s\",\"people\":%ld,\"raised\":%ld,"
                      "\"A\":%ld,\"B\":%ld,\"C\":%ld,\"D\":%ld}",
                      d, region, r.people, r.raised, r.by_category[0], r.by_category[1],
                      r.by_category[2], r.by_category[3]),
             jz_store_audit(s, "", "monitor.run", "alerts", "", after, &err)) != JZ_OK ||
            jz_store_commit(s, &err) != JZ_OK) {
            jz_store_rollback(s);
            cli_print_error(r.failed ? &r.err : &err);
            status = EXIT_INPUT;
        }
    }
    if (!status) {
        char d[JZ_DATE_BUF];
        jz_date_format(on, d, sizeof d);
        printf("动态监测 %s：比对 %ld 人，新预警 %ld 条（已有预警 %ld 条不重复生成）\n", d,
               r.people, r.raised, r.again);
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

int cmd_monitor(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "run") == 0)
        return monitor_run(argc, argv);
    fputs("用法: jiuzhu monitor run 数据库 [--date D] [--region 代码]\n"
          "按预警指标（R-MON-2）比对部门数据，生成 A/B/C/D 四类预警（R-MON-3）\n",
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
