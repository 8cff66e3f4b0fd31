/*
 * case.c - `jiuzhu case ...`: an application carried through the procedure
 * (seed 001 四, POLICY.md §11), one subcommand per step, each recording who
 * did it, when, and a note; `case due` lists what is due; `case document`
 * and `case list-doc` print the decision notice and the 公示 / 公布 lists.
 *
 * Every step is one transaction: the case, its step and the audit entry are
 * written together or not at all.  An illegal step is refused with what
 * must happen first (jz_case_check).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_calendar.h"
#include "jiuzhu/jz_case.h"
#include "jiuzhu/jz_docs.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_store.h"

static void usage(FILE *f)
{
    fputs(
        "用法: jiuzhu case <步骤> 数据库 ... [--date YYYY-MM-DD] [--actor 经办人] [--note 说明]\n"
        "\n"
        "办理步骤（依次进行；每步记录经办人、日期和说明）:\n"
        "  accept 数据库 户编号 [--applicant 身份证号] [--township-confirms] [--review]\n"
        "         [--programmes dibao,tekun,...]\n"
        "                               受理申请（一次申请，同时审核全部救助项目；--programmes\n"
        "                               只申请其中几项；--review 为已享受救助户的复核）\n"
        "  investigate 数据库 案件号      启动家庭经济状况调查（受理后 3 个工作日内）\n"
        "  verify 数据库 案件号           信息核对（调查启动后 3 个工作日内）\n"
        "  preliminary 数据库 案件号      乡镇初审：按库中户记录评估，附认定结果和依据\n"
        "  notice 数据库 案件号           在村（社区）公示 7 天\n"
        "  object 数据库 案件号 --note 异议内容\n"
        "                               公示期内有异议：退回重新调查、初审、公示\n"
        "  confirm 数据库 案件号          县级审核确认（公示期满后 10 个工作日内）\n"
        "  decide 数据库 案件号 --approve [--first-month YYYY-MM] | --refuse --note 理由\n"
        "                               作出决定（批准：救助项目、金额、起始月份；\n"
        "                               不予批准：理由及政策依据）\n"
        "  publish 数据库 案件号          公布（批准）或送达不予批准通知书，办结\n"
        "  home-visit 数据库 案件号 --note 情况   记录入户调查\n"
        "  extend 数据库 案件号 --reason objection|separated|elsewhere|hard-investigation\n"
        "                               延长至 45 个工作日（公示有异议、人户分离、异地申办、\n"
        "                               调查难度较大）\n"
        "\n"
        "查看与文书:\n"
        "  show 数据库 案件号 [--json]   案件、办理记录、期限、初审意见\n"
        "  list 数据库 [--region 代码] [--all]   案件列表（默认只列未办结的）\n"
        "  due 数据库 [--region 代码] [--date D] [--within N]\n"
        "                               即将到期（N 个工作日内，默认 5）和已超期的案件，最急的在前\n"
        "  document 数据库 案件号 [--format text|html] [--out 文件]   决定通知书\n"
        "  list-doc 数据库 --village 村代码 --kind notice|publish [--date D]\n"
        "           [--format text|html|csv|xlsx] [--out 文件]      公示名单或公布名单\n"
        "\n"
        "--actor 默认取环境变量 JIUZHU_ACTOR，其次 USER；--date 默认今天。\n"
        "工作日按 政策目录/calendar/cn-holidays.csv 计算（--calendar 文件 可另指定）。\n",
        f);
}

typedef struct opts {
    const char *db, *target, *note, *actor, *applicant, *first_month, *reason, *region, *village,
        *kind, *format, *out, *policy, *calendar;
    jz_date date;
    const char *programmes;
    bool township_confirms, home_visit, approve, refuse, json, all, review;
    long within;
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
                 {"--all", &o->all}};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (strcmp(a, flags[i].name) == 0)
            return *flags[i].field = true;
    return false;
}


/* Parses the options after the step name; positional: db, then target. */
static int parse(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    o->within = 5;
    o->actor = cli_default_actor();
    o->date = jz_date_today();
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(name, field)                                                                     \
    if (strcmp(a, name) == 0) {                                                               \
        if (!v) {                                                                             \
            fprintf(stderr, "jiuzhu case: %s 需要一个值\n", name);                            \
            return EXIT_USAGE;                                                                \
        }                                                                                     \
        o->field = v;                                                                         \
        i++;                                                                                  \
        continue;                                                                             \
    }
        TAKE("--note", note)
        TAKE("--actor", actor)
        TAKE("--applicant", applicant)
        TAKE("--first-month", first_month)
        TAKE("--reason", reason)
        TAKE("--region", region)
        TAKE("--village", village)
        TAKE("--kind", kind)
        TAKE("--format", format)
        TAKE("--out", out)
        TAKE("--policy", policy)
        TAKE("--calendar", calendar)
        TAKE("--programmes", programmes)
#undef TAKE
        if (strcmp(a, "--date") == 0 && v) {
            jz_error err;
            if (jz_date_parse(v, strlen(v), &o->date, &err) != JZ_OK) {
                fprintf(stderr, "jiuzhu case: --date「%s」不是有效日期（应为 YYYY-MM-DD）\n", v);
                return EXIT_USAGE;
            }
            i++;
        } else if (strcmp(a, "--within") == 0 && v) {
            char *end;
            o->within = strtol(v, &end, 10);
            if (*end || o->within < 0 || o->within > 365) {
                fprintf(stderr, "jiuzhu case: --within 应为 0 到 365 之间的整数\n");
                return EXIT_USAGE;
            }
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


static bool case_number(const char *s, int64_t *id)
{
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || errno || *end || v <= 0) {
        fprintf(stderr, "jiuzhu case: 案件号「%s」应为正整数\n", s ? s : "");
        return false;
    }
    *id = v;
    return true;
}

static void fmt_date(jz_date d, char *b)
{
    if (d == JZ_DATE_NONE)
        strcpy(b, "—");
    else
        jz_date_format(d, b, JZ_DATE_BUF);
}

/* ---- household helpers ------------------------------------------------------ */

typedef struct loaded {
    jz_regions *regions;
    jz_paramset *ps;
    char *record;
    jz_household h;
    jz_household_buf *buf;
} loaded;

static void loaded_free(loaded *l)
{
    free(l->record);
    free(l->buf);
    jz_paramset_free(l->ps);
    jz_regions_free(l->regions);
}

/* Reads the household's stored record, assessed as of `on`. */
static int load_household(jz_store *s, const opts *o, const char *household_id, jz_date on,
                          loaded *l)
{
    memset(l, 0, sizeof *l);
    int status = cli_load_policy(cli_policy_dir(o->policy), &l->regions, &l->ps);
    if (status)
        return status;
    jz_error err;
    jz_error_clear(&err);
    l->buf = malloc(sizeof *l->buf);
    if (!l->buf) {
        fputs("jiuzhu: 内存不足\n", stderr);
        return EXIT_INPUT;
    }
    if (jz_store_get_record(s, household_id, &l->record, &err) != JZ_OK)
        return cli_fail(&err);
    jz_parse_opts po = {.regions = l->regions, .default_date = on, .force_date = on};
    if (jz_household_parse(l->record, strlen(l->record), &po, &l->h, l->buf, &err) != JZ_OK)
        return cli_fail(&err);
    return EXIT_DONE;
}

/* ---- accept -------------------------------------------------------------------- */

typedef struct open_find {
    const char *household_id;
    int64_t open_case;
} open_find;

static void find_open(const jz_case *c, void *arg)
{
    open_find *f = arg;
    if (strcmp(c->household_id, f->household_id) == 0 && c->state != JZ_CASE_CLOSED)
        f->open_case = c->id;
}

typedef struct active_find {
    size_t n;
    jz_enrolment e[JZ_CASE_UNITS_MAX * 4];
} active_find;

static void count_active(const jz_enrolment *e, void *arg)
{
    active_find *f = arg;
    if (e->status != JZ_ENROL_STOPPED && f->n < sizeof f->e / sizeof f->e[0])
        f->e[f->n++] = *e;
}

/* Accepts an application (or a review) for household o->target: in its own
 * transaction, or in the caller's (in_txn: the caller rolls back on
 * failure).  *id gets the new case. */
static int accept_case(jz_store *s, const opts *o, bool in_txn, int64_t *id)
{
    if (!o->target) {
        fputs("jiuzhu case accept: 缺少户编号\n", stderr);
        return EXIT_USAGE;
    }
    loaded l;
    int status = load_household(s, o, o->target, o->date, &l);
    jz_error err;
    jz_error_clear(&err);
    if (status)
        goto out;
    jz_case c;
    memset(&c, 0, sizeof c);
    jz_region_county(&l.h.region, c.county);
    snprintf(c.region, sizeof c.region, "%s", l.h.region.code);
    snprintf(c.household_id, sizeof c.household_id, "%s", l.h.household_id);
    /* The applicant: the member named, else the head, else the first. */
    const jz_member *ap = NULL;
    for (uint32_t i = 0; i < l.h.n_members; i++) {
        const jz_member *m = &l.h.members[i];
        if (o->applicant ? strcmp(m->id, o->applicant) == 0 : m->relation == JZ_REL_HEAD) {
            ap = m;
            break;
        }
    }
    if (!ap && o->applicant) {
        jz_error_set(&err, JZ_EINPUT, "--applicant", o->applicant,
                     "申请人应是这一户的成员（R-WF-6：由一名家庭成员代表全家申请）");
        status = cli_fail(&err);
        goto out;
    }
    if (!ap)
        ap = &l.h.members[0];
    snprintf(c.applicant_id, sizeof c.applicant_id, "%s", ap->id);
    snprintf(c.applicant_name, sizeof c.applicant_name, "%s", ap->name ? ap->name : "");
    c.members = (int)l.h.n_members;
    c.state = JZ_CASE_ACCEPTED;
    c.kind = o->review ? JZ_CASE_REVIEW : JZ_CASE_APPLICATION;
    /* R-WF-2: the limits in force in the county on the day of 受理. */
    jz_policy pol;
    if (jz_policy_resolve(l.ps, c.county, o->date, &pol, &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    c.days = o->township_confirms ? pol.wf_township_days : pol.wf_total_days;
    c.extended_days = pol.wf_extended_days;
    c.notice_days = pol.wf_notice_days;
    /* R-ONE-1: every programme, unless the applicant limits the application. */
    for (const char *p = o->programmes; p && *p;) {
        size_t n = strcspn(p, ",");
        int k = 0;
        while (k < JZ_UNIT_PROGRAMME_COUNT &&
               !(strlen(jz_unit_programme_names[k]) == n &&
                 strncmp(p, jz_unit_programme_names[k], n) == 0))
            k++;
        if (k == JZ_UNIT_PROGRAMME_COUNT) {
            jz_error_setn(&err, JZ_EUSAGE, "--programmes", p, n,
                          "未知救助项目（可选：dibao dibao_expenditure marginal "
                          "rigid_expenditure single_dibao tekun，以逗号分隔）");
            status = cli_fail(&err);
            goto out;
        }
        c.programmes |= (uint8_t)(1u << k);
        p += n + (p[n] == ',');
    }
    c.township_confirms = o->township_confirms;
    c.accepted_on = o->date;
    /* R-WF-5: a staff member or a close relative of one among the members. */
    char staff[160] = "", relation[64] = "", who[64] = "";
    for (uint32_t i = 0; i < l.h.n_members && !c.staff_relative; i++) {
        bool found = false;
        if (jz_store_staff_relative(s, l.h.members[i].id, staff, sizeof staff, relation,
                                    sizeof relation, &found, &err) != JZ_OK) {
            status = cli_fail(&err);
            goto out;
        }
        if (found) {
            c.staff_relative = true;
            snprintf(who, sizeof who, "%s", l.h.members[i].name ? l.h.members[i].name : "");
        }
    }
    open_find f = {c.household_id, 0};
    jz_case_step step = {.action = JZ_ACT_ACCEPT, .on = o->date};
    snprintf(step.note, sizeof step.note, "%s", o->note);
    if ((!in_txn && jz_store_begin(s, &err) != JZ_OK) ||
        jz_store_case_list(s, c.region, true, find_open, &f, &err) != JZ_OK) {
        if (!in_txn)
            jz_store_rollback(s);
        status = cli_fail(&err);
        goto out;
    }
    /* A review needs something to review: an enrolment, or a programme the
     * record says the household receives (carried over from before). */
    if (!f.open_case && c.kind == JZ_CASE_REVIEW && l.h.current_programme == JZ_PROG_NONE) {
        active_find af = {0};
        if (jz_store_enrol_list(s, c.region, c.household_id, count_active, &af, &err) != JZ_OK) {
            if (!in_txn)
                jz_store_rollback(s);
            status = cli_fail(&err);
            goto out;
        }
        if (!af.n) {
            if (!in_txn)
                jz_store_rollback(s);
            jz_error_set(&err, JZ_EINPUT, "household_id", c.household_id,
                         "这一户没有正在享受的救助，无需复核（新申请请去掉 --review）");
            status = cli_fail(&err);
            goto out;
        }
    }
    if (f.open_case) {
        if (!in_txn)
            jz_store_rollback(s);
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)f.open_case);
        jz_error_set(&err, JZ_EINPUT, "household_id", c.household_id,
                     "这一户已有未办结的案件 %s，请在该案件中继续办理", v);
        status = cli_fail(&err);
        goto out;
    }
    if (jz_store_case_create(s, &c, &step, &err) != JZ_OK ||
        (!in_txn && jz_store_commit(s, &err) != JZ_OK)) {
        if (!in_txn)
            jz_store_rollback(s);
        status = cli_fail(&err);
        goto out;
    }
    *id = c.id;
    printf("已受理：案件 %lld，户 %s，申请人 %s，家庭成员 %d 人\n", (long long)c.id,
           c.household_id, c.applicant_name, c.members);
    if (c.staff_relative)
        printf("备案：%s 是 %s 的%s（R-WF-5），审核确认前须入户调查\n", who, staff, relation);
out:
    loaded_free(&l);
    return status;
}

static int case_accept(jz_store *s, const opts *o)
{
    int64_t id;
    return accept_case(s, o, false, &id);
}

int cli_case_open(jz_store *s, const char *household_id, jz_date on, bool review,
                  const char *note, const char *policy, int64_t *id)
{
    opts o;
    memset(&o, 0, sizeof o);
    o.target = household_id;
    o.date = on;
    o.review = review;
    o.note = note ? note : "";
    o.policy = policy;
    return accept_case(s, &o, true, id);
}

/* ---- preliminary: the engine's opinion ------------------------------------------- */

static int preliminary(jz_store *s, const opts *o, jz_case *c, jz_case_unit *units, size_t *nu,
                       jz_case_reason *reasons, size_t *nr, char **det)
{
    loaded l;
    int status = load_household(s, o, c->household_id, o->date, &l);
    jz_error err;
    jz_error_clear(&err);
    jz_result *r = malloc(sizeof *r);
    jz_trace *t = malloc(sizeof *t);
    if (!status && (!r || !t)) {
        fputs("jiuzhu: 内存不足\n", stderr);
        status = EXIT_INPUT;
    }
    if (status)
        goto out;
    jz_policy p;
    if (jz_policy_resolve(l.ps, c->county, o->date, &p, &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    jz_assess(&l.h, &p, r, t);
    *nu = jz_case_units_limit(units, jz_case_units(&l.h, r, units), c->programmes);
    *nr = jz_case_reasons(&l.h, r, t, reasons, JZ_CASE_REASONS_MAX);
    *det = jz_determination_json(&l.h, &p, r, t, 0);
    c->proposed_category = r->category;
    c->proposed_persons = 0;
    c->proposed_monthly = 0;
    for (uint32_t i = 0; i < r->n_persons; i++)
        c->proposed_persons |= r->persons[i].categories;
    for (size_t i = 0; i < *nu; i++)
        c->proposed_monthly += units[i].monthly;
    c->members = (int)l.h.n_members;
out:
    free(r);
    free(t);
    loaded_free(&l);
    return status;
}

/* ---- one step ------------------------------------------------------------------------ */

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

static void print_units(const jz_case_unit *u, size_t nu)
{
    for (size_t i = 0; i < nu; i++) {
        char m[JZ_MONEY_BUF];
        jz_money_format(u[i].monthly, m, sizeof m);
        printf("    %-10s %-14s %d 人  每月 %s 元\n", u[i].label,
               jz_unit_programme_zh[u[i].programme], u[i].persons, m);
    }
}

/* The decision's effect on the household's enrolments: an approval creates
 * one per unit (or updates the active one of the same member and
 * programme) with its first month and next review (R-REVIEW-1); what a
 * review no longer finds, or a refused review, stops at the decision's
 * month. */
static jz_err enrol(jz_store *s, const jz_case *c, const jz_case_unit *u, size_t nu,
                    int review_months, jz_error *err)
{
    active_find af = {0};
    jz_err rc = jz_store_enrol_list(s, c->region, c->household_id, count_active, &af, err);
    if (rc)
        return rc;
    char month[JZ_DATE_BUF];
    jz_date_format(c->decided_on, month, sizeof month);
    month[7] = '\0';
    bool kept[sizeof af.e / sizeof af.e[0]] = {false};
    char note[96];
    snprintf(note, sizeof note, "案件 %lld 决定", (long long)c->id);
    for (size_t i = 0; c->decision == JZ_DECISION_APPROVED && i < nu && !rc; i++) {
        jz_enrolment e;
        memset(&e, 0, sizeof e);
        const char *action = "enrolment.create";
        for (size_t k = 0; k < af.n; k++)
            if (af.e[k].member == u[i].member && af.e[k].programme == u[i].programme) {
                e = af.e[k];
                kept[k] = true;
                action = "enrolment.update";
            }
        if (!e.id) {
            snprintf(e.county, sizeof e.county, "%s", c->county);
            snprintf(e.region, sizeof e.region, "%s", c->region);
            snprintf(e.household_id, sizeof e.household_id, "%s", c->household_id);
            snprintf(e.first_month, sizeof e.first_month, "%s", c->first_month);
            e.member = u[i].member;
            e.programme = u[i].programme;
        }
        e.case_id = c->id;
        snprintf(e.label, sizeof e.label, "%s", u[i].label);
        e.persons = u[i].persons;
        e.monthly = u[i].monthly;
        e.status = JZ_ENROL_ACTIVE;
        e.end_month[0] = '\0';
        e.review_months = review_months;
        e.next_review = jz_date_add_months(c->decided_on, review_months);
        e.death_check_due = JZ_DATE_NONE;
        rc = jz_store_enrol_put(s, &e, action, note, err);
    }
    if (c->kind != JZ_CASE_REVIEW)
        return rc;
    for (size_t k = 0; k < af.n && !rc; k++) {
        if (kept[k])
            continue;
        jz_enrolment e = af.e[k];
        e.case_id = c->id;
        e.status = JZ_ENROL_STOPPED;
        snprintf(e.end_month, sizeof e.end_month, "%.7s", month);
        snprintf(e.stop_reason, sizeof e.stop_reason, "复核不再符合条件");
        rc = jz_store_enrol_put(s, &e, "enrolment.stop", note, err);
    }
    return rc;
}

static int case_step_cmd(jz_store *s, jz_case_action a, const opts *o)
{
    int64_t id;
    if (!case_number(o->target, &id))
        return EXIT_USAGE;
    jz_error err;
    jz_error_clear(&err);
    jz_case before, c;
    if (jz_store_case_get(s, id, &before, &err) != JZ_OK)
        return cli_fail(&err);
    c = before;
    jz_case_step step = {.case_id = id, .action = (uint8_t)a, .on = o->date};
    snprintf(step.note, sizeof step.note, "%s", o->note);
    if (jz_case_check(&c, a, o->date, &err) != JZ_OK) {
        snprintf(err.value, sizeof err.value, "%lld", (long long)id);
        return cli_fail(&err);
    }
    jz_case_unit units[JZ_CASE_UNITS_MAX];
    jz_case_reason reasons[JZ_CASE_REASONS_MAX];
    size_t nu = 0, nr = 0;
    char *det = NULL;
    int status = EXIT_DONE;
    jz_case_input in = {.home_visit = o->home_visit, .note = o->note};
    if (a == JZ_ACT_PRELIMINARY &&
        (status = preliminary(s, o, &c, units, &nu, reasons, &nr, &det)))
        return status;
    if (a == JZ_ACT_DECIDE) {
        if (o->approve == o->refuse) {
            fputs("jiuzhu case decide: 须指定 --approve（批准）或 --refuse（不予批准）之一\n",
                  stderr);
            return EXIT_USAGE;
        }
        in.decision = o->approve ? JZ_DECISION_APPROVED : JZ_DECISION_REFUSED;
        if (jz_store_case_opinion(s, id, units, JZ_CASE_UNITS_MAX, &nu, reasons,
                                  JZ_CASE_REASONS_MAX, &nr, &err) != JZ_OK)
            return cli_fail(&err);
        in.opinion_units = nu;
        if (o->first_month) {
            char buf[16];
            snprintf(buf, sizeof buf, "%s-01", o->first_month);
            if (strlen(o->first_month) != 7 ||
                jz_date_parse(buf, 10, &in.first_month, &err) != JZ_OK) {
                fprintf(stderr, "jiuzhu case decide: --first-month「%s」应为 YYYY-MM\n",
                        o->first_month);
                return EXIT_USAGE;
            }
        }
    }
    if (a == JZ_ACT_EXTEND) {
        for (int k = 1; k < JZ_EXT_COUNT && o->reason; k++)
            if (strcmp(o->reason, jz_extend_reason_names[k]) == 0)
                in.extend_reason = (uint8_t)k;
    }
    if (jz_case_apply(&c, a, o->date, &in, &err) != JZ_OK) {
        free(det);
        snprintf(err.value, sizeof err.value, "%lld", (long long)id);
        return cli_fail(&err);
    }
    int review_months = 12;
    if (a == JZ_ACT_DECIDE) {
        loaded l;
        if ((status = load_household(s, o, c.household_id, o->date, &l))) {
            loaded_free(&l);
            free(det);
            return status;
        }
        review_months = jz_review_months(&l.h, o->date);
        loaded_free(&l);
    }
    if (jz_store_begin(s, &err) != JZ_OK ||
        (a == JZ_ACT_PRELIMINARY &&
         jz_store_case_set_opinion(s, &c, units, nu, reasons, nr, det, &err) != JZ_OK) ||
        (a == JZ_ACT_DECIDE && enrol(s, &c, units, nu, review_months, &err) != JZ_OK) ||
        jz_store_case_update(s, &before, &c, &step, &err) != JZ_OK ||
        jz_store_commit(s, &err) != JZ_OK) {
        jz_store_rollback(s);
        free(det);
        return cli_fail(&err);
    }
    free(det);
    char d[JZ_DATE_BUF];
    fmt_date(o->date, d);
    printf("案件 %lld：%s（%s），现状：%s\n", (long long)id, jz_case_action_zh[a], d,
           jz_case_state_zh[c.state]);
    if (a == JZ_ACT_PRELIMINARY) {
        printf("  初审认定：%s\n", nu ? "符合以下救助项目" : "不符合救助条件");
        print_units(units, nu);
        for (size_t i = 0; i < nr; i++)
            printf("  依据 %s %s：%s（%s）\n", reasons[i].rule, reasons[i].holds ? "成立" : "不成立",
                   reasons[i].text, reasons[i].source);
    } else if (a == JZ_ACT_NOTICE) {
        char u[JZ_DATE_BUF];
        fmt_date(c.notice_until, u);
        printf("  公示期 %s 至 %s（%d 天），期满无异议后方可县级审核确认\n", d, u, c.notice_days);
    } else if (a == JZ_ACT_OBJECT) {
        puts("  已退回家庭经济状况调查（R-WF-4）；须重新信息核对、初审和公示。"
             "可用 case extend --reason objection 延长办理期限至 45 个工作日");
    } else if (a == JZ_ACT_DECIDE) {
        if (c.decision == JZ_DECISION_APPROVED) {
            printf("  批准，自 %s 起发放：\n", c.first_month);
            print_units(units, nu);
        } else {
            puts("  不予批准；须在 3 个工作日内书面通知申请人并说明理由（case document 打印通知书）");
        }
    }
    return EXIT_DONE;
}

/* ---- show, list, due ------------------------------------------------------------- */

static void print_step(const jz_case_step *st, void *arg)
{
    (void)arg;
    char d[JZ_DATE_BUF];
    fmt_date(st->on, d);
    printf("  %s  %-18s 经办：%s%s%s\n", d,
           st->action < JZ_ACT_COUNT ? jz_case_action_zh[st->action] : "?", st->actor,
           st->note[0] ? "  说明：" : "", st->note);
}

static int case_show(jz_store *s, const opts *o)
{
    int64_t id;
    if (!case_number(o->target, &id))
        return EXIT_USAGE;
    jz_error err;
    jz_error_clear(&err);
    jz_case c;
    if (jz_store_case_get(s, id, &c, &err) != JZ_OK)
        return cli_fail(&err);
    if (o->json) {
        char *j = jz_case_json(&c);
        if (j)
            puts(j);
        free(j);
        return EXIT_DONE;
    }
    jz_calendar *cal = NULL;
    int status = cli_load_calendar(o->calendar, o->policy, &cal);
    if (status)
        return status;
    char d[JZ_DATE_BUF];
    fmt_date(c.accepted_on, d);
    printf("案件 %lld  户 %s  地区 %s  申请人 %s  家庭成员 %d 人\n", (long long)c.id,
           c.household_id, c.region, c.applicant_name, c.members);
    printf("受理 %s  现状：%s%s%s\n", d, jz_case_state_zh[c.state],
           c.staff_relative ? "  【备案：经办人员近亲属】" : "",
           c.home_visited ? "  【已入户调查】" : "");
    jz_date step_due, due;
    const char *what;
    if (jz_case_deadlines(&c, cal, &step_due, &due, &what, &err) == JZ_OK) {
        char a[JZ_DATE_BUF], b[JZ_DATE_BUF];
        fmt_date(step_due, a);
        fmt_date(due, b);
        printf("办理期限：%d 个工作日%s%s%s，决定截止 %s；下一步：%s（截止 %s）\n",
               jz_case_days(&c), c.extended ? "（已延长：" : "",
               c.extended ? jz_extend_reason_zh[c.extended] : "", c.extended ? "）" : "", b, what,
               a);
    } else {
        cli_print_error(&err);
    }
    puts("办理记录：");
    if (jz_store_case_steps(s, id, print_step, NULL, &err) != JZ_OK)
        status = cli_fail(&err);
    jz_case_unit units[JZ_CASE_UNITS_MAX];
    jz_case_reason reasons[JZ_CASE_REASONS_MAX];
    size_t nu, nr;
    if (c.preliminary_on || c.decided_on) {
        if (jz_store_case_opinion(s, id, units, JZ_CASE_UNITS_MAX, &nu, reasons,
                                  JZ_CASE_REASONS_MAX, &nr, &err) == JZ_OK) {
            printf("初审意见：%s\n", nu ? "符合以下救助项目" : "不符合救助条件");
            print_units(units, nu);
            for (size_t i = 0; i < nr; i++)
                printf("  依据 %s %s：%s（%s）\n", reasons[i].rule,
                       reasons[i].holds ? "成立" : "不成立", reasons[i].text, reasons[i].source);
        }
    }
    if (c.decision)
        printf("决定：%s%s%s\n", c.decision == JZ_DECISION_APPROVED ? "批准，自 " : "不予批准",
               c.decision == JZ_DECISION_APPROVED ? c.first_month : "",
               c.decision == JZ_DECISION_APPROVED ? " 起发放" : "");
    jz_calendar_free(cal);
    return status;
}

typedef struct due_row {
    jz_case c;
    jz_date due;
    const char *what;
    int left; /* working days from the date to the due date; < 0 overdue */
} due_row;

typedef struct due_ctx {
    const jz_calendar *cal;
    jz_date on;
    bool all;
    long within;
    due_row *rows;
    size_t n, cap;
    jz_error err;
    bool failed;
} due_ctx;

static void collect_due(const jz_case *c, void *arg)
{
    due_ctx *x = arg;
    if (x->failed)
        return;
    jz_date step_due, due;
    const char *what;
    if (jz_case_deadlines(c, x->cal, &step_due, &due, &what, &x->err) != JZ_OK) {
        x->failed = true;
        return;
    }
    /* The nearer deadline: the step's, or the whole procedure's. */
    jz_date d = step_due;
    if (due && (!d || due < d)) {
        d = due;
        what = "作出决定（办理期限届满）";
    }
    if (!d)
        return;
    int left;
    if (jz_calendar_count(x->cal, x->on, d, &left, &x->err) != JZ_OK) {
        x->failed = true;
        return;
    }
    if (!x->all && left > x->within)
        return;
    if (x->n == x->cap) {
        size_t nc = x->cap ? 2 * x->cap : 64;
        due_row *g = realloc(x->rows, nc * sizeof *g);
        if (!g) {
            jz_error_set(&x->err, JZ_ENOMEM, NULL, NULL, "内存不足");
            x->failed = true;
            return;
        }
        x->rows = g;
        x->cap = nc;
    }
    x->rows[x->n++] = (due_row){*c, d, what, left};
}

static int by_urgency(const void *a, const void *b)
{
    const due_row *x = a, *y = b;
    if (x->left != y->left)
        return x->left < y->left ? -1 : 1;
    return x->c.id < y->c.id ? -1 : x->c.id > y->c.id;
}

static int case_due(jz_store *s, const opts *o)
{
    jz_calendar *cal = NULL;
    int status = cli_load_calendar(o->calendar, o->policy, &cal);
    if (status)
        return status;
    due_ctx x = {.cal = cal, .on = o->date, .all = o->all, .within = o->within};
    jz_error_clear(&x.err);
    jz_error err;
    jz_error_clear(&err);
    if (jz_store_case_list(s, o->region ? o->region : "", true, collect_due, &x, &err) != JZ_OK)
        status = cli_fail(&err);
    else if (x.failed)
        status = cli_fail(&x.err);
    if (!status) {
        qsort(x.rows, x.n, sizeof *x.rows, by_urgency);
        char d[JZ_DATE_BUF];
        fmt_date(o->date, d);
        printf("截至 %s：%zu 件案件已超期或将在 %ld 个工作日内到期（最急的在前）\n", d, x.n,
               o->within);
        printf("%-6s %-18s %-10s %-26s %-24s %-10s %s\n", "案件", "户编号", "申请人", "现状",
               "下一步", "截止日期", "剩余工作日");
        for (size_t i = 0; i < x.n; i++) {
            const due_row *r = &x.rows[i];
            char dd[JZ_DATE_BUF], left[48];
            fmt_date(r->due, dd);
            if (r->left < 0)
                snprintf(left, sizeof left, "已超期 %d 个工作日", -r->left);
            else if (r->left == 0)
                snprintf(left, sizeof left, "今天到期");
            else
                snprintf(left, sizeof left, "%d", r->left);
            printf("%-6lld %-18s %-10s %-26s %-24s %-10s %s\n", (long long)r->c.id,
                   r->c.household_id, r->c.applicant_name, jz_case_state_zh[r->c.state], r->what,
                   dd, left);
        }
    }
    free(x.rows);
    jz_calendar_free(cal);
    return status;
}

static void print_case_line(const jz_case *c, void *arg)
{
    (void)arg;
    char d[JZ_DATE_BUF];
    fmt_date(c->accepted_on, d);
    printf("%-6lld %-18s %-12s %-10s %s  %s%s\n", (long long)c->id, c->household_id, c->region,
           c->applicant_name, d, jz_case_state_zh[c->state], c->staff_relative ? "  【备案】" : "");
}

static int case_list_cmd(jz_store *s, const opts *o)
{
    jz_error err;
    jz_error_clear(&err);
    printf("%-6s %-18s %-12s %-10s %-10s %s\n", "案件", "户编号", "地区", "申请人", "受理日期",
           "现状");
    if (jz_store_case_list(s, o->region ? o->region : "", !o->all, print_case_line, NULL, &err) !=
        JZ_OK)
        return cli_fail(&err);
    return EXIT_DONE;
}

/* ---- documents ------------------------------------------------------------------- */

/* Writes a rendered document (and frees it) to --out or stdout. */
static int write_out(const opts *o, char *text)
{
    if (!text) {
        fputs("jiuzhu: 内存不足\n", stderr);
        return EXIT_INPUT;
    }
    int status = EXIT_DONE;
    if (!o->out) {
        fputs(text, stdout);
    } else {
        FILE *f = fopen(o->out, "wb");
        bool ok = f && fputs(text, f) >= 0;
        if (f && fclose(f) != 0)
            ok = false;
        if (!ok) {
            fprintf(stderr, "jiuzhu: 无法写入 %s：%s\n", o->out, strerror(errno));
            status = EXIT_INPUT;
        }
    }
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

/* The names of a region's county, township and village. */
static void place_names(const jz_regions *rg, const char *region, const char **county,
                        const char **township, const char **village)
{
    *county = jz_regions_name(rg, region, 6);
    *township = strlen(region) >= 9 ? jz_regions_name(rg, region, 9) : NULL;
    *village = strlen(region) >= 12 ? jz_regions_name(rg, region, 12) : NULL;
    if (!*county)
        *county = "";
    if (!*township)
        *township = "";
    if (!*village)
        *village = "";
}

typedef struct note_find {
    uint8_t action;
    char note[512];
} note_find;

static void find_note(const jz_case_step *st, void *arg)
{
    note_find *f = arg;
    if (st->action == f->action)
        snprintf(f->note, sizeof f->note, "%s", st->note);
}

static int case_document(jz_store *s, const opts *o)
{
    int64_t id;
    if (!case_number(o->target, &id))
        return EXIT_USAGE;
    bool ok;
    jz_doc_format f = doc_format(o->format, &ok);
    if (!ok || f == JZ_DOC_CSV) {
        fputs("jiuzhu case document: --format 应为 text 或 html\n", stderr);
        return EXIT_USAGE;
    }
    jz_error err;
    jz_error_clear(&err);
    jz_case c;
    if (jz_store_case_get(s, id, &c, &err) != JZ_OK)
        return cli_fail(&err);
    if (!c.decision) {
        jz_error_set(&err, JZ_EINPUT, "case", o->target,
                     "本案尚未作出决定，没有决定通知书（当前：%s）", jz_case_state_zh[c.state]);
        return cli_fail(&err);
    }
    jz_case_unit units[JZ_CASE_UNITS_MAX];
    jz_case_reason reasons[JZ_CASE_REASONS_MAX];
    size_t nu, nr;
    if (jz_store_case_opinion(s, id, units, JZ_CASE_UNITS_MAX, &nu, reasons, JZ_CASE_REASONS_MAX,
                              &nr, &err) != JZ_OK)
        return cli_fail(&err);
    jz_regions *rg = NULL;
    jz_paramset *ps = NULL;
    int status = cli_load_policy(cli_policy_dir(o->policy), &rg, &ps);
    if (status)
        return status;
    /* The decision's own note. */
    note_find nf = {JZ_ACT_DECIDE, ""};
    if (jz_store_case_steps(s, id, find_note, &nf, &err) != JZ_OK)
        return cli_fail(&err);
    const char *decision_note = nf.note;
    jz_doc_unit du[JZ_CASE_UNITS_MAX];
    for (size_t i = 0; i < nu; i++)
        du[i] = (jz_doc_unit){units[i].label, jz_unit_programme_zh[units[i].programme],
                              units[i].persons, units[i].monthly};
    jz_doc_reason dr[JZ_CASE_REASONS_MAX + 1];
    size_t ndr = 0;
    /* A refusal's reasons: the decisive rules that did not hold, and the
     * caseworker's note when the county refuses what the opinion found. */
    if (c.decision == JZ_DECISION_REFUSED) {
        for (size_t i = 0; i < nr; i++)
            if (!reasons[i].holds)
                dr[ndr++] = (jz_doc_reason){reasons[i].rule, reasons[i].text, reasons[i].source};
        if (decision_note[0])
            dr[ndr++] = (jz_doc_reason){"", decision_note, "县级民政部门审核确认意见"};
    }
    jz_doc_decision d = {
        .case_id = c.id,
        .household_id = c.household_id,
        .applicant_name = c.applicant_name,
        .members = c.members,
        .approved = c.decision == JZ_DECISION_APPROVED,
        .accepted_on = c.accepted_on,
        .decided_on = c.decided_on,
        .first_month = c.first_month,
        .units = du,
        .n_units = c.decision == JZ_DECISION_APPROVED ? nu : 0,
        .reasons = dr,
        .n_reasons = ndr,
        .note = c.decision == JZ_DECISION_APPROVED ? decision_note : "",
    };
    place_names(rg, c.region, &d.county_name, &d.township_name, &d.village_name);
    status = write_out(o, jz_doc_decision_render(&d, f));
    jz_paramset_free(ps);
    jz_regions_free(rg);
    return status;
}

typedef struct list_ctx {
    const char *village;
    bool notice;
    jz_date on;
    jz_date notice_until; /* the last day of the notices on the list */
    jz_store *s;
    jz_doc_list_row *rows;
    char (*names)[64];
    size_t n, cap;
    bool failed;
} list_ctx;

static void collect_list(const jz_case *c, void *arg)
{
    list_ctx *x = arg;
    if (x->failed || strcmp(c->region, x->village) != 0)
        return;
    /* 公示: the cases whose notice was posted on the date (one list per
     * posting); 公布: approved cases published (closed) on the date. */
    bool in = x->notice ? c->state == JZ_CASE_NOTICE && c->notice_from == x->on
                        : c->decision == JZ_DECISION_APPROVED && c->state == JZ_CASE_CLOSED &&
                              c->closed_on == x->on;
    if (!in)
        return;
    if (x->n == x->cap) {
        size_t nc = x->cap ? 2 * x->cap : 32;
        jz_doc_list_row *g = realloc(x->rows, nc * sizeof *g);
        char(*h)[64] = g ? realloc(x->names, nc * sizeof *h) : NULL;
        if (g)
            x->rows = g;
        if (!g || !h) {
            x->failed = true;
            return;
        }
        x->names = h;
        x->cap = nc;
    }
    if (c->notice_until > x->notice_until)
        x->notice_until = c->notice_until;
    snprintf(x->names[x->n], 64, "%s", c->applicant_name);
    x->rows[x->n] = (jz_doc_list_row){NULL, c->members, c->proposed_monthly};
    x->n++;
}

static int case_list_doc(jz_store *s, const opts *o)
{
    if (!o->village || strlen(o->village) != 12 || !o->kind ||
        (strcmp(o->kind, "notice") != 0 && strcmp(o->kind, "publish") != 0)) {
        fputs("jiuzhu case list-doc: 须指定 --village 12 位村（社区）代码和 --kind notice|publish\n",
              stderr);
        return EXIT_USAGE;
    }
    bool xlsx = o->format && strcmp(o->format, "xlsx") == 0, ok = true;
    jz_doc_format f = xlsx ? JZ_DOC_TEXT : doc_format(o->format, &ok);
    if (!ok || (xlsx && !o->out)) {
        fputs("jiuzhu case list-doc: --format 应为 text、html、csv 或 xlsx（xlsx 须用 --out 指定文件）\n",
              stderr);
        return EXIT_USAGE;
    }
    list_ctx x = {.village = o->village, .notice = strcmp(o->kind, "notice") == 0, .on = o->date,
                  .s = s};
    jz_error err;
    jz_error_clear(&err);
    char county[7];
    snprintf(county, sizeof county, "%.6s", o->village);
    if (jz_store_case_list(s, county, false, collect_list, &x, &err) != JZ_OK) {
        free(x.rows);
        free(x.names);
        return cli_fail(&err);
    }
    int status = EXIT_DONE;
    if (x.failed) {
        fputs("jiuzhu: 内存不足\n", stderr);
        status = EXIT_INPUT;
    }
    for (size_t i = 0; i < x.n; i++)
        x.rows[i].applicant_name = x.names[i];
    jz_regions *rg = NULL;
    jz_paramset *ps = NULL;
    if (!status)
        status = cli_load_policy(cli_policy_dir(o->policy), &rg, &ps);
    if (!status) {
        jz_doc_list l = {.notice = x.notice,
                         .village_code = o->village,
                         .from = o->date,
                         .until = x.notice ? x.notice_until : JZ_DATE_NONE,
                         .rows = x.rows,
                         .n_rows = x.n};
        place_names(rg, o->village, &l.county_name, &l.township_name, &l.village_name);
        if (xlsx) {
            if (jz_doc_list_xlsx(&l, o->out, &err) != JZ_OK)
                status = cli_fail(&err);
        } else {
            status = write_out(o, jz_doc_list_render(&l, f));
        }
    }
    free(x.rows);
    free(x.names);
    jz_paramset_free(ps);
    jz_regions_free(rg);
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
    if (!read_only && !is_step && strcmp(sub, "accept") != 0) {
        fprintf(stderr, "jiuzhu case: 未知步骤 %s\n", sub);
        usage(stderr);
        return EXIT_USAGE;
    }
    jz_store *s = NULL;
    jz_error err;
    jz_error_clear(&err);
    if (jz_store_open(o.db, read_only ? JZ_STORE_READONLY : 0, &s, &err) != JZ_OK)
        return cli_fail(&err);
    jz_store_set_actor(s, o.actor);
    if (strcmp(sub, "accept") == 0)
        status = case_accept(s, &o);
    else if (is_step)
        status = case_step_cmd(s, a, &o);
    else if (strcmp(sub, "show") == 0)
        status = case_show(s, &o);
    else if (strcmp(sub, "list") == 0)
        status = case_list_cmd(s, &o);
    else if (strcmp(sub, "due") == 0)
        status = case_due(s, &o);
    else if (strcmp(sub, "document") == 0)
        status = case_document(s, &o);
    else
        status = case_list_doc(s, &o);
    jz_store_close(s);
    return status;
}
