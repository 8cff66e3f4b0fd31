/*
 * enrolment.c - `jiuzhu enrolment list|due|exit|death|stop`: what approved
 * households receive, and the recorded steps that change it (seed 001
 * 一(五), 五(五); POLICY.md R-REVIEW-1, R-EXIT-1, R-DEATH-1, R-REPORT-1).
 * Enrolments are created and updated by decisions (`jiuzhu case decide`);
 * a review is itself a case (`jiuzhu case accept --review`).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_case.h"
#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_store.h"

static void usage(FILE *f)
{
    fputs("用法: jiuzhu enrolment list 数据库 [--region 代码] [--household 户编号]\n"
          "      jiuzhu enrolment due 数据库 [--date D] [--within 天数]   到期复核和死亡核查\n"
          "      jiuzhu enrolment exit 数据库 编号 [--date D] [--note 说明]\n"
          "                         渐退（R-EXIT-1）：按现金额续发 exit.months 个月后停发\n"
          "      jiuzhu enrolment death 数据库 编号 --member-id 身份证号 --death-date D\n"
          "                         记录死亡（R-DEATH-1）：本人单独施保的次月停发；\n"
          "                         全户须在 3 个月内核查，增发、减发或停发\n"
          "      jiuzhu enrolment stop 数据库 编号 --reason unreported|ineligible|fraud\n"
          "                         [--from-month YYYY-MM] [--date D] [--note 说明]\n"
          "                         未按规定报告变化（批评教育）、不再符合条件（停发）、\n"
          "                         骗取救助（停发并追回自 --from-month 起多发的金额）\n"
          "      [--actor 经办人] [--policy 目录]\n",
          f);
}


/* The parameters in force in a county on a date (exit.months and
 * death.check_months are what this command reads). */
static int policy_at(const char *policy_dir, const char *county, jz_date on, jz_policy *p)
{
    jz_regions *rg = NULL;
    jz_paramset *ps = NULL;
    jz_error err;
    jz_error_clear(&err);
    int status = cli_load_policy(cli_policy_dir(policy_dir), &rg, &ps);
    if (!status && jz_policy_resolve(ps, county, on, p, &err) != JZ_OK)
        status = cli_fail(&err);
    jz_paramset_free(ps);
    jz_regions_free(rg);
    return status;
}

static void month_of(jz_date d, char out[8])
{
    char b[JZ_DATE_BUF];
    jz_date_format(d, b, sizeof b);
    snprintf(out, 8, "%.7s", b);
}

static void print_enrolment(const jz_enrolment *e, void *arg)
{
    (void)arg;
    char m[JZ_MONEY_BUF], r[JZ_DATE_BUF] = "—", d[JZ_DATE_BUF] = "—", rec[JZ_MONEY_BUF];
    jz_money_format(e->monthly, m, sizeof m);
    jz_money_format(e->to_recover, rec, sizeof rec);
    if (e->next_review && e->status != JZ_ENROL_STOPPED)
        jz_date_format(e->next_review, r, sizeof r);
    if (e->death_check_due)
        jz_date_format(e->death_check_due, d, sizeof d);
    printf("%-6lld %-18s %-8s %-14s %2d 人 %10s 元/月  自 %s%s%s  %-8s 复核 %s（每 %d 个月）%s%s%s%s\n",
           (long long)e->id, e->household_id, e->label, jz_unit_programme_zh[e->programme],
           e->persons, m, e->first_month, e->end_month[0] ? " 至 " : "", e->end_month,
           jz_enrol_status_zh[e->status], r, e->review_months,
           e->death_check_due ? "  死亡核查截止 " : "", e->death_check_due ? d : "",
           e->to_recover ? "  应追回 " : "", e->to_recover ? rec : "");
}

typedef struct due_ctx {
    jz_date on, until;
    size_t n;
} due_ctx;

static void print_due(const jz_enrolment *e, void *arg)
{
    due_ctx *x = arg;
    if (e->status == JZ_ENROL_STOPPED)
        return;
    bool review = e->next_review && e->next_review <= x->until;
    bool death = e->death_check_due && e->death_check_due <= x->until;
    if (!review && !death)
        return;
    char d[JZ_DATE_BUF];
    jz_date when = death && (!review || e->death_check_due < e->next_review) ? e->death_check_due
                                                                              : e->next_review;
    jz_date_format(when, d, sizeof d);
    printf("%-6lld %-18s %-8s %-14s %s %s%s\n", (long long)e->id, e->household_id, e->label,
           jz_unit_programme_zh[e->programme], death ? "死亡核查" : "定期复核", d,
           when < x->on ? "  【已超期】" : "");
    x->n++;
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
            within = strtol(v, NULL, 10);
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
    jz_store_set_actor(s, actor);
    int status = EXIT_DONE;
    if (strcmp(sub, "list") == 0) {
        if (jz_store_enrol_list(s, region, household, print_enrolment, NULL, &err) != JZ_OK)
            status = cli_fail(&err);
        goto out;
    }
    if (strcmp(sub, "due") == 0) {
        due_ctx x = {on, jz_date_add_days(on, (int32_t)within), 0};
        if (jz_store_enrol_list(s, region, household, print_due, &x, &err) != JZ_OK)
            status = cli_fail(&err);
        else
            printf("共 %zu 条到期或 %ld 天内到期\n", x.n, within);
        goto out;
    }
    char *end;
    long long id = strtoll(target, &end, 10);
    jz_enrolment e;
    if (*end || id <= 0) {
        fprintf(stderr, "jiuzhu enrolment: 编号「%s」应为正整数\n", target);
        status = EXIT_USAGE;
        goto out;
    }
    if (jz_store_enrol_get(s, id, &e, &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    if (e.status == JZ_ENROL_STOPPED) {
        jz_error_set(&err, JZ_EINPUT, "enrolment", target, "这条救助已于 %s 停止，不能再变更",
                     e.end_month);
        status = cli_fail(&err);
        goto out;
    }
    char month[8];
    month_of(on, month);
    const char *action = NULL;
    if (strcmp(sub, "exit") == 0) {
        /* R-EXIT-1: only 低保 (the household's, or 单人保) exits gradually. */
        if (e.programme != JZ_UNIT_DIBAO && e.programme != JZ_UNIT_DIBAO_EXPENDITURE &&
            e.programme != JZ_UNIT_SINGLE_DIBAO) {
            jz_error_set(&err, JZ_EINPUT, "enrolment", target, "渐退期只适用于低保（当前：%s）",
                         jz_unit_programme_zh[e.programme]);
            status = cli_fail(&err);
            goto out;
        }
        jz_policy p;
        if ((status = policy_at(policy, e.county, on, &p)))
            goto out;
        e.status = JZ_ENROL_EXITING;
        month_of(jz_date_add_months(on, p.exit_months - 1), e.end_month);
        action = "enrolment.exit";
        printf("救助 %lld 进入渐退期：按每月原金额续发 %d 个月，至 %s 停发（R-EXIT-1）\n", id,
               p.exit_months, e.end_month);
    } else if (strcmp(sub, "death") == 0) {
        char idn[JZ_IDNUM_BUF];
        if (!member_id || !death ||
            jz_idnum_normalize(member_id, strlen(member_id), idn, &err) != JZ_OK) {
            if (member_id && death)
                status = cli_fail(&err);
            else {
                fputs("jiuzhu enrolment death: 须给出 --member-id 和 --death-date\n", stderr);
                status = EXIT_USAGE;
            }
            goto out;
        }
        /* The member must be in the household's record. */
        char *record = NULL;
        if (jz_store_get_record(s, e.household_id, &record, &err) != JZ_OK) {
            status = cli_fail(&err);
            goto out;
        }
        bool member = strstr(record, idn) != NULL;
        free(record);
        if (!member) {
            jz_error_set(&err, JZ_EINPUT, "--member-id", idn, "不是户 %s 的成员", e.household_id);
            status = cli_fail(&err);
            goto out;
        }
        jz_policy p;
        if ((status = policy_at(policy, e.county, death, &p)))
            goto out;
        e.death_check_due = jz_date_add_months(death, p.death_check_months);
        char dd[JZ_DATE_BUF];
        jz_date_format(e.death_check_due, dd, sizeof dd);
        if (e.member >= 0 &&
            (e.programme == JZ_UNIT_TEKUN || e.programme == JZ_UNIT_SINGLE_DIBAO)) {
            /* The person's own unit ends with the month of death. */
            e.status = JZ_ENROL_STOPPED;
            month_of(death, e.end_month);
            snprintf(e.stop_reason, sizeof e.stop_reason, "本人死亡");
            printf("救助 %lld（%s）：本人死亡，发放至 %s（R-DEATH-1）\n", id, e.label,
                   e.end_month);
        } else {
            printf("救助 %lld：家庭成员死亡，须在 %s 前核查家庭情况，自死亡次月起增发、减发或停发"
                   "（R-DEATH-1；用 case accept --review 启动复核）\n",
                   id, dd);
        }
        action = "enrolment.death";
    } else if (strcmp(sub, "stop") == 0) {
        if (!reason || (strcmp(reason, "unreported") && strcmp(reason, "ineligible") &&
                        strcmp(reason, "fraud"))) {
            fputs("jiuzhu enrolment stop: --reason 应为 unreported、ineligible 或 fraud\n", stderr);
            status = EXIT_USAGE;
            goto out;
        }
        if (!note[0]) {
            fputs("jiuzhu enrolment stop: 须用 --note 记录核实情况\n", stderr);
            status = EXIT_USAGE;
            goto out;
        }
        if (strcmp(reason, "unreported") == 0) {
            /* R-REPORT-1: a change not reported for 3 months: 批评教育;
             * the enrolment goes on until a review decides. */
            action = "enrolment.warning";
            printf("救助 %lld：未按规定报告家庭变化，已记录批评教育（R-REPORT-1）；"
                   "请启动复核核实是否仍符合条件\n",
                   id);
        } else {
            e.status = JZ_ENROL_STOPPED;
            snprintf(e.end_month, sizeof e.end_month, "%s", month);
            snprintf(e.stop_reason, sizeof e.stop_reason, "%s",
                     strcmp(reason, "fraud") == 0 ? "骗取救助" : "不再符合条件");
            action = "enrolment.stop";
            if (strcmp(reason, "fraud") == 0) {
                /* What was paid from the month fraud began to the month it
                 * stops, both included. */
                char buf[16];
                jz_date fm;
                snprintf(buf, sizeof buf, "%s-01", from_month ? from_month : "");
                if (!from_month || strlen(from_month) != 7 ||
                    jz_date_parse(buf, 10, &fm, &err) != JZ_OK || fm / 100 > on / 100 ||
                    strcmp(from_month, e.first_month) < 0) {
                    fprintf(stderr,
                            "jiuzhu enrolment stop: 骗取救助须用 --from-month YYYY-MM 给出多发起始月份"
                            "（不早于开始发放的 %s，不晚于本月）\n",
                            e.first_month);
                    status = EXIT_USAGE;
                    goto out;
                }
                long months = (long)(jz_date_year(on) - jz_date_year(fm)) * 12 +
                              (jz_date_month(on) - jz_date_month(fm)) + 1;
                e.to_recover = e.monthly * months;
                char r[JZ_MONEY_BUF];
                jz_money_format(e.to_recover, r, sizeof r);
                printf("救助 %lld 停发；%s 至 %s 共 %ld 个月多发 %s 元，责令退回（R-REPORT-1）\n",
                       id, from_month, month, months, r);
            } else {
                printf("救助 %lld 不再符合条件，%s 起停发（R-REPORT-1）\n", id, month);
            }
        }
    } else {
        usage(stderr);
        status = EXIT_USAGE;
        goto out;
    }
    if (jz_store_begin(s, &err) != JZ_OK || jz_store_enrol_put(s, &e, action, note, &err) != JZ_OK ||
        jz_store_commit(s, &err) != JZ_OK) {
        jz_store_rollback(s);
        status = cli_fail(&err);
    }
out:
    jz_store_close(s);
    return status;
}
