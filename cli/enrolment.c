/*
 * enrolment.c - `jiuzhu enrolment list|due|exit|death|stop`: what approved
 * households receive, and the recorded steps that change it (seed 001
 * 一(五), 五(五); POLICY.md R-REVIEW-1, R-EXIT-1, R-DEATH-1, R-REPORT-1).
 * Enrolments are created and updated by decisions (`jiuzhu case decide`);
 * a review is itself a case (`jiuzhu case accept --review`).  An adapter
 * over the operations of jz_procedure.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_case.h"
#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_procedure.h"
#include "jiuzhu/jz_store.h"

static void usage(FILE *f)
{
    fputs("用法: jiuzhu enrolment list 数据库 [--region 代码] [--household 户编号]\n"
          "      jiuzhu enrolment due 数据库 [--date D] [--within 天数]   到期复核和死亡核查\n"
          "                         （天数 0 到 3650，默认 30）\n"
          "      jiuzhu enrolment exit 数据库 编号 [--date D] [--note 说明]\n"
          "                         渐退（R-EXIT-1）：按现金额续发 exit.months 个月后停发\n"
          "      jiuzhu enrolment death 数据库 编号 --member-id 身份证号 --death-date D\n"
          "                         记录死亡（R-DEATH-1）：户记录标记其死亡（保留旧版本）；\n"
          "                         本人单独施保（特困、单人保）的发放至死亡当月；低保家庭须在\n"
          "                         3 个月内核查，增发、减发或停发\n"
          "      jiuzhu enrolment stop 数据库 编号 --reason unreported|ineligible|fraud\n"
          "                         [--from-month YYYY-MM] [--date D] [--note 说明]\n"
          "                         未按规定报告变化（批评教育）、不再符合条件（停发）、\n"
          "                         骗取救助（停发并追回自 --from-month 起多发的金额）\n"
          "      [--actor 经办人] [--policy 目录]\n"
          "      编号为 1 到 9223372036854775807 的整数；列表中的身份证号码只显示前 6 位和后 4 位。\n",
          f);
}

static void print_enrolment(const jz_enrolment *e)
{
    char m[JZ_MONEY_BUF], r[JZ_DATE_BUF] = "—", d[JZ_DATE_BUF] = "—", rec[JZ_MONEY_BUF];
    jz_money_format(e->monthly, m, sizeof m);
    jz_money_format(e->to_recover, rec, sizeof rec);
    if (e->next_review && e->status != JZ_ENROL_STOPPED)
        jz_date_format(e->next_review, r, sizeof r);
    if (e->death_check_due)
        jz_date_format(e->death_check_due, d, sizeof d);
    cli_printf("%-6lld %-18s %-8s %-14s %2d 人 %10s 元/月  自 %s%s%s  %-8s 复核 %s（每 %d "
               "个月）%s%s%s%s%s%s\n",
               (long long)e->id, e->household_id, e->label, jz_unit_programme_zh[e->programme],
               e->persons, m, e->first_month, e->end_month[0] ? " 至 " : "", e->end_month,
               jz_enrol_status_zh[e->status], r, e->review_months,
               e->death_check_due ? "  死亡核查截止 " : "", e->death_check_due ? d : "",
               e->to_recover ? "  应追回 " : "", e->to_recover ? rec : "",
               e->judged ? "  【县级综合判断】" : "", e->origin[0] ? "  【存量导入】" : "");
}

static void print_due(const jz_enrol_due_row *r)
{
    const jz_enrolment *e = &r->e;
    char d[JZ_DATE_BUF];
    jz_date_format(r->when, d, sizeof d);
    cli_printf("%-6lld %-18s %-8s %-14s %s %s%s\n", (long long)e->id, e->household_id, e->label,
               jz_unit_programme_zh[e->programme], r->death ? "死亡核查" : "定期复核", d,
               r->overdue ? "  【已超期】" : "");
}

int cmd_enrolment(int argc, char **argv)
{
    if (argc < 3) {
        bool help = argc == 2 && strcmp(argv[1], "--help") == 0;
        usage(help ? stdout : stderr);
        return help ? EXIT_DONE : EXIT_USAGE;
    }
    const char *sub = argv[1], *db = NULL, *target = NULL, *region = "", *household = NULL,
               *note = "", *member_id = NULL, *reason = NULL, *from_month = NULL,
               *policy = NULL, *actor = cli_default_actor();
    jz_date on = jz_date_today(), death = JZ_DATE_NONE;
    long within = 30;
    char cmd[64]; /* "jiuzhu enrolment due", for messages */
    snprintf(cmd, sizeof cmd, "jiuzhu enrolment %s", sub);
    jz_error err;
    jz_error_clear(&err);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        const char **slot = strcmp(a, "--region") == 0       ? &region
                            : strcmp(a, "--household") == 0  ? &household
                            : strcmp(a, "--note") == 0       ? &note
                            : strcmp(a, "--member-id") == 0  ? &member_id
                            : strcmp(a, "--reason") == 0     ? &reason
                            : strcmp(a, "--from-month") == 0 ? &from_month
                            : strcmp(a, "--policy") == 0     ? &policy
                            : strcmp(a, "--actor") == 0      ? &actor
                                                             : NULL;
        if (slot && v) {
            *slot = v;
            i++;
        } else if ((strcmp(a, "--date") == 0 || strcmp(a, "--death-date") == 0) && v) {
            jz_date *d = strcmp(a, "--date") == 0 ? &on : &death;
            if (jz_date_parse(v, strlen(v), d, &err) != JZ_OK) {
                fprintf(stderr, "jiuzhu enrolment: %s「%s」不是有效日期\n", a, v);
                return EXIT_USAGE;
            }
            i++;
        } else if (strcmp(a, "--within") == 0 && v) {
            long long n;
            if (!cli_int(cmd, "--within", v, 0, 3650, &n))
                return EXIT_USAGE;
            within = (long)n;
            i++;
        } else if (a[0] != '-' && !db) {
            db = a;
        } else if (a[0] != '-' && !target) {
            target = a;
        } else {
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    bool reading = strcmp(sub, "list") == 0 || strcmp(sub, "due") == 0;
    if (!db || (!reading && !target)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    jz_store *s = NULL;
    if (jz_store_open(db, reading ? JZ_STORE_READONLY : 0, &s, &err) != JZ_OK)
        return cli_fail(&err);
    int status = EXIT_DONE;
    jz_ctx x;
    memset(&x, 0, sizeof x);
    long long id = 0;
    if (!reading && !cli_int(cmd, "编号", target, 1, INT64_MAX, &id)) {
        status = EXIT_USAGE;
        goto out;
    }
    if (jz_ctx_init(&x, s, cli_policy_dir(policy), NULL, cli_actor(actor), &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    if (strcmp(sub, "list") == 0) {
        jz_enrolment_list l;
        if (jz_proc_enrol_list(&x, region, household, &l, &err) != JZ_OK) {
            status = cli_fail(&err);
            goto out;
        }
        for (size_t i = 0; i < l.n; i++)
            print_enrolment(&l.rows[i]);
        jz_enrolment_list_cleanup(&l);
        goto out;
    }
    if (strcmp(sub, "due") == 0) {
        jz_enrol_due_list d;
        if (jz_proc_enrol_due(&x, region, household, on, (int)within, &d, &err) != JZ_OK) {
            status = cli_fail(&err);
            goto out;
        }
        for (size_t i = 0; i < d.n; i++)
            print_due(&d.rows[i]);
        printf("共 %zu 条到期或 %ld 天内到期\n", d.n, within);
        jz_enrol_due_list_cleanup(&d);
        goto out;
    }
    if (strcmp(sub, "death") == 0) {
        if (!member_id || !death) {
            fputs("jiuzhu enrolment death: 须给出 --member-id 和 --death-date\n", stderr);
            status = EXIT_USAGE;
            goto out;
        }
        jz_enrol_death_req rq = {
            .enrolment = id, .id_number = member_id, .death = death, .on = on, .note = note};
        jz_enrol_death_res dr;
        if (jz_proc_enrol_death(&x, &rq, &dr, &err) != JZ_OK) {
            status = cli_fail(&err);
            goto out;
        }
        const jz_death_res r = dr.death;
        const jz_enrolment e = dr.enrolment;
        char dd0[JZ_DATE_BUF];
        jz_date_format(death, dd0, sizeof dd0);
        printf("已记录 %s 于 %s 死亡：户记录现为第 %d 版（旧版本保留）\n", r.name, dd0,
               r.record_version);
        if (e.status == JZ_ENROL_STOPPED)
            printf("救助 %lld（%s）：%s，发放至 %s（R-DEATH-1）\n", id, e.label, e.stop_reason,
                   e.end_month);
        else if (e.death_check_due) {
            char dd[JZ_DATE_BUF];
            jz_date_format(e.death_check_due, dd, sizeof dd);
            printf("救助 %lld：家庭成员死亡，须在 %s 前核查家庭情况，自死亡次月起增发、减发或停发"
                   "（R-DEATH-1；jiuzhu case open-due 启动核查，或 case accept --review）\n",
                   id, dd);
        } else {
            printf("救助 %lld（%s）：%s，R-DEATH-1 的家庭核查不因其死亡而发生；户记录已更新\n", id,
                   jz_unit_programme_zh[e.programme],
                   r.stopped ? "死者本人单独施保，未计入这一救助单元"
                             : "这一救助不是低保（低保边缘、刚性支出困难家庭不发放低保金）");
        if (r.nobody_left)
            printf("户 %s 的成员均已死亡：全户的救助发放至死亡当月\n", r.household_id);
        }
    } else if (strcmp(sub, "exit") == 0 || strcmp(sub, "stop") == 0) {
        bool stop = strcmp(sub, "stop") == 0;
        jz_enrol_req rq = {.id = id, .on = on, .note = note};
        if (stop) {
            rq.reason = -1;
            for (int k = 0; k < 3 && reason; k++)
                if (strcmp(reason, jz_stop_reason_names[k]) == 0)
                    rq.reason = k;
            if (rq.reason < 0) {
                fputs("jiuzhu enrolment stop: --reason 应为 unreported、ineligible 或 fraud\n",
                      stderr);
                status = EXIT_USAGE;
                goto out;
            }
            if (!note[0]) {
                fputs("jiuzhu enrolment stop: 须用 --note 记录核实情况\n", stderr);
                status = EXIT_USAGE;
                goto out;
            }
            if (rq.reason == JZ_STOP_FRAUD) {
                char buf[16];
                snprintf(buf, sizeof buf, "%s-01", from_month ? from_month : "");
                if (!from_month || strlen(from_month) != 7 ||
                    jz_date_parse(buf, 10, &rq.fraud_from, &err) != JZ_OK) {
                    fputs("jiuzhu enrolment stop: 骗取救助须用 --from-month YYYY-MM 给出多发起始月份\n",
                          stderr);
                    status = EXIT_USAGE;
                    goto out;
                }
            }
        }
        jz_enrol_res r;
        if ((stop ? jz_proc_enrol_stop : jz_proc_enrol_exit)(&x, &rq, &r, &err) != JZ_OK) {
            status = cli_fail(&err);
            goto out;
        }
        if (!stop) {
            printf("救助 %lld 进入渐退期：按每月原金额续发 %d 个月，至 %s 停发（R-EXIT-1）\n", id,
                   r.months, r.after.end_month);
        } else if (rq.reason == JZ_STOP_UNREPORTED) {
            printf("救助 %lld：未按规定报告家庭变化，已记录批评教育（R-REPORT-1）；"
                   "请启动复核核实是否仍符合条件\n",
                   id);
        } else if (rq.reason == JZ_STOP_FRAUD) {
            char m[JZ_MONEY_BUF];
            jz_money_format(r.after.to_recover, m, sizeof m);
            printf("救助 %lld 停发；%s 至 %s 共 %d 个月多发 %s 元，责令退回（R-REPORT-1）\n", id,
                   from_month, r.after.end_month, r.months, m);
            if (r.recovery) {
                jz_money_format(r.recovered, m, sizeof m);
                printf("发放台账：%s 起已发出的 %s 元转为追回 %lld（jiuzhu pay recoveries）\n",
                       from_month, m, (long long)r.recovery);
            }
            if (r.withdrawn) {
                jz_money_format(r.withdrawn_total, m, sizeof m);
                printf("发放台账：%s 起尚未发出的 %lld 条明细、%s 元已撤回，不再发放\n",
                       from_month, (long long)r.withdrawn, m);
            }
        } else {
            printf("救助 %lld 不再符合条件，%s 起停发（R-REPORT-1）\n", id, r.after.end_month);
        }
    } else {
        usage(stderr);
        status = EXIT_USAGE;
    }
out:
    jz_ctx_cleanup(&x);
    jz_store_close(s);
    return status;
}
