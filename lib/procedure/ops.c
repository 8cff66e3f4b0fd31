/*
 * ops.c - the operations of a case (jz_procedure.h): accepting an
 * application and carrying out each step, each as one transaction that reads
 * the case it changes, checks the step (jz_case_check) and its date, runs
 * what the step runs (信息核对, the engine's preliminary opinion, the
 * decision on each unit, temporary assistance paid first), and writes the
 * case, its step, what follows from it and the audit entries together.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_procedure.h"
#include "jiuzhu/jz_store_pay.h"
#include "jiuzhu/jz_record.h"
#include "proc_int.h"
#include "jiuzhu/jz_rules.h"

/* ---- helpers ------------------------------------------------------------------- */

/* A household's stored record, read as of `on` (its ages, the parameters
 * in force).  *buf and *record are the caller's to free. */
typedef struct loaded {
    char *record;
    jz_household_buf *buf;
    jz_household h;
    char county[7];
} loaded;

static void loaded_free(loaded *l)
{
    free(l->record);
    free(l->buf);
    memset(l, 0, sizeof *l);
}

static jz_err load(const jz_ctx *x, const char *key, jz_date on, loaded *l, jz_error *err)
{
    memset(l, 0, sizeof *l);
    if (!(l->buf = malloc(sizeof *l->buf)))
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_err rc = jz_store_get_record(x->store, key, &l->record, err);
    if (rc)
        return rc;
    jz_parse_opts po = {.regions = x->regions, .default_date = on, .force_date = on};
    if ((rc = jz_household_parse(l->record, strlen(l->record), &po, &l->h, l->buf, err)))
        return rc;
    jz_region_county(&l->h.region, l->county);
    return JZ_OK;
}

static bool alive(const jz_member *m, jz_date on)
{
    return m->deceased == JZ_DATE_NONE || m->deceased > on;
}

static void month_of(jz_date d, char out[8])
{
    char b[JZ_DATE_BUF];
    jz_date_format(d, b, sizeof b);
    snprintf(out, 8, "%.7s", b);
}

/* The acts of an office happen on working days (R-WF-3); the 公示's
 * posting, an objection from the public, a home visit and temporary
 * assistance in an emergency may happen on any day. */
static bool office_act(jz_case_action a)
{
    return a != JZ_ACT_NOTICE && a != JZ_ACT_OBJECT && a != JZ_ACT_HOME_VISIT &&
           a != JZ_ACT_ADVANCE;
}

static jz_err check_date(const jz_ctx *x, jz_case_action a, jz_date on, bool task, jz_error *err)
{
    char d[JZ_DATE_BUF], t[JZ_DATE_BUF];
    jz_date_format(on, d, sizeof d);
    if (on == JZ_DATE_NONE)
        return jz_error_set(err, JZ_EUSAGE, "--date", NULL, "缺少日期");
    if (x->today && on > x->today) {
        jz_date_format(x->today, t, sizeof t);
        return jz_error_set(err, JZ_EINPUT, "--date", d, "%s的日期不能晚于今天（%s）",
                            jz_case_action_zh[a], t);
    }
    if (!office_act(a) || task)
        return JZ_OK;
    bool work = true;
    jz_err rc = jz_calendar_is_workday(x->calendar, on, &work, err);
    if (rc)
        return rc;
    if (!work) {
        static const char *const wd[] = {"星期一", "星期二", "星期三", "星期四",
                                         "星期五", "星期六", "星期日"};
        int w = jz_date_weekday(on);
        return jz_error_set(err, JZ_EINPUT, "--date", d,
                            "%s不是工作日（%s%s），%s应在工作日办理（R-WF-3，按国务院公布的节假日和"
                            "调休安排）",
                            d, w >= 0 && w < 7 ? wd[w] : "", w >= 5 ? "" : "，法定节假日",
                            jz_case_action_zh[a]);
    }
    return JZ_OK;
}

/* The deadlines that follow from a step (the case as the step leaves it)
 * must be computable.  Past the last year of the holiday calendar they are
 * not, and a case whose deadline nobody can compute is one nobody is
 * warned about (R-WF-1, R-WF-2: `case due` would have to leave it out), so
 * the step waits until the calendar is extended.  The error names the date,
 * the calendar file and the years it covers. */
static jz_err check_deadlines(const jz_ctx *x, const jz_case *c, jz_case_action a, jz_date on,
                              jz_error *err)
{
    jz_date step_due, overall;
    jz_error e;
    jz_error_clear(&e);
    jz_err rc = jz_case_deadlines(c, x->calendar, &step_due, &overall, NULL, &e);
    if (rc == JZ_OK)
        return JZ_OK;
    if (rc != JZ_ERANGE) {
        *err = e;
        return rc;
    }
    char d[JZ_DATE_BUF];
    jz_date_format(on, d, sizeof d);
    int first, last;
    jz_calendar_years(x->calendar, &first, &last);
    return jz_error_set(err, JZ_EINPUT, "--date", d,
                        "%s日期为 %s 时，办理期限要算到 %s 以后，超出节假日数据覆盖的年份（%d–%d "
                        "年，节假日文件 %s），无法计算期限；请先在该文件中补充 %.4s 年的放假安排"
                        "（国务院办公厅公布后）并修改其覆盖年份，再办理%s",
                        jz_case_action_zh[a], d, e.value, first, last,
                        jz_calendar_name(x->calendar), e.value, jz_case_action_zh[a]);
}

/* Whether `a` is the step the case's state is waiting for. */
static bool forward(const jz_case *c, jz_case_action a)
{
    static const int8_t next[JZ_CASE_STATE_COUNT] = {
        [JZ_CASE_ACCEPTED] = JZ_ACT_INVESTIGATE, [JZ_CASE_INVESTIGATING] = JZ_ACT_VERIFY,
        [JZ_CASE_VERIFYING] = JZ_ACT_PRELIMINARY, [JZ_CASE_PRELIMINARY] = JZ_ACT_NOTICE,
        [JZ_CASE_NOTICE] = JZ_ACT_CONFIRM,         [JZ_CASE_CONFIRMED] = JZ_ACT_DECIDE,
        [JZ_CASE_DECIDED] = JZ_ACT_PUBLISH,        [JZ_CASE_CLOSED] = -1};
    return c->state < JZ_CASE_STATE_COUNT && next[c->state] == (int)a;
}

/* A step done after its deadline is flagged: the step's own deadline, or
 * the whole procedure's (R-WF-1, R-WF-2). */
static jz_err lateness(const jz_ctx *x, const jz_case *c, jz_case_action a, jz_date on,
                       jz_case_step *st, jz_error *err)
{
    if (!forward(c, a))
        return JZ_OK;
    jz_date step_due, overall;
    jz_err rc = jz_case_deadlines(c, x->calendar, &step_due, &overall, NULL, err);
    if (rc)
        return rc;
    jz_date due = JZ_DATE_NONE;
    if (step_due && on > step_due)
        due = step_due;
    else if (overall && on > overall && c->state < JZ_CASE_DECIDED)
        due = overall;
    if (!due)
        return JZ_OK;
    int late = 0;
    if ((rc = jz_calendar_count(x->calendar, due, on, &late, err)))
        return rc;
    if (late > 0) {
        st->deadline = due;
        st->late_days = late;
    }
    return JZ_OK;
}

/* The member of h named by `who` (ID number or name); -1 for "household"
 * (全户); -2 when nobody. */
static int member_named(const jz_household *h, const char *who)
{
    if (!who || !who[0] || strcmp(who, "household") == 0 || strcmp(who, "全户") == 0)
        return -1;
    char id[JZ_IDNUM_BUF];
    jz_error e;
    bool is_id = jz_idnum_normalize(who, strlen(who), id, &e) == JZ_OK;
    for (uint32_t i = 0; i < h->n_members; i++) {
        const jz_member *m = &h->members[i];
        if ((is_id && strcmp(m->id, id) == 0) || (m->name && strcmp(m->name, who) == 0))
            return (int)i;
    }
    return -2;
}

/* ---- programmes ------------------------------------------------------------------- */

jz_err jz_proc_programmes(const char *list, uint8_t *bits, jz_error *err)
{
    *bits = 0;
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ",，");
        int k = 0;
        while (k < JZ_UNIT_PROGRAMME_COUNT &&
               !((strlen(jz_unit_programme_names[k]) == n &&
                  strncmp(p, jz_unit_programme_names[k], n) == 0) ||
                 (strlen(jz_unit_programme_zh[k]) == n &&
                  strncmp(p, jz_unit_programme_zh[k], n) == 0)))
            k++;
        if (k == JZ_UNIT_PROGRAMME_COUNT)
            return jz_error_setn(err, JZ_EUSAGE, "--programmes", p, n,
                                 "未知救助项目（可选：dibao dibao_expenditure marginal "
                                 "rigid_expenditure single_dibao tekun temporary，以逗号分隔）");
        *bits |= (uint8_t)(1u << k);
        p += n;
        if (*p == ',')
            p++;
        else if (strncmp(p, "，", strlen("，")) == 0)
            p += strlen("，");
    }
    return JZ_OK;
}

/* ---- accept ------------------------------------------------------------------------ */


void jz__collect_live(const jz_enrolment *e, void *arg)
{
    jz__live_list *l = arg;
    if (jz_enrolment_live(e->status) && l->n < sizeof l->e / sizeof l->e[0])
        l->e[l->n++] = *e;
}

typedef struct open_find {
    const char *household_id;
    int64_t id;
} open_find;

static void find_open(const jz_case *c, void *arg)
{
    open_find *f = arg;
    if (strcmp(c->household_id, f->household_id) == 0 && c->state != JZ_CASE_CLOSED)
        f->id = c->id;
}

jz_err jz_proc_open_case(jz_store *s, const char *region, const char *household_id, int64_t *id,
                         jz_error *err)
{
    open_find f = {household_id, 0};
    jz_err rc = jz_store_case_list(s, region ? region : "", true, find_open, &f, err);
    *id = f.id;
    return rc;
}

static jz_err accept_in_txn(jz_ctx *x, const jz_accept_req *rq, jz_accept_res *res,
                            jz_error *err)
{
    loaded l;
    jz_err rc = load(x, rq->household_id, rq->on, &l, err);
    jz_case *c = &res->c;
    if (rc)
        goto out;
    memset(c, 0, sizeof *c);
    snprintf(c->county, sizeof c->county, "%s", l.county);
    snprintf(c->region, sizeof c->region, "%s", l.h.region.code);
    snprintf(c->household_id, sizeof c->household_id, "%s", l.h.household_id);
    /* R-WF-6: a living member applies for the family. */
    const jz_member *ap = NULL;
    if (rq->applicant_id) {
        int i = member_named(&l.h, rq->applicant_id);
        if (i < 0) {
            rc = jz_error_set(err, JZ_EINPUT, "--applicant", rq->applicant_id,
                              "申请人应是这一户的成员（R-WF-6：由一名家庭成员代表全家申请）");
            goto out;
        }
        ap = &l.h.members[i];
        if (!alive(ap, rq->on)) {
            char d[JZ_DATE_BUF];
            jz_date_format(ap->deceased, d, sizeof d);
            rc = jz_error_set(err, JZ_EINPUT, "--applicant", rq->applicant_id,
                              "%s 已于 %s 死亡，不能作为申请人（R-WF-6：由一名在世的家庭成员申请）",
                              ap->name ? ap->name : ap->id, d);
            goto out;
        }
    } else {
        ap = jz_case_default_applicant(&l.h, rq->on);
        if (!ap) {
            rc = jz_error_set(err, JZ_EINPUT, "household_id", rq->household_id,
                              "这一户的成员均已死亡，没有可以申请的人；请停止其救助（jiuzhu "
                              "enrolment death）");
            goto out;
        }
    }
    snprintf(c->applicant_id, sizeof c->applicant_id, "%s", ap->id);
    snprintf(c->applicant_name, sizeof c->applicant_name, "%s", ap->name ? ap->name : "");
    c->members = 0;
    for (uint32_t i = 0; i < l.h.n_members; i++)
        c->members += alive(&l.h.members[i], rq->on);
    c->state = JZ_CASE_ACCEPTED;
    c->kind = rq->review ? JZ_CASE_REVIEW : JZ_CASE_APPLICATION;
    c->programmes = rq->programmes;
    c->township_confirms = rq->township_confirms;
    c->accepted_on = rq->on;
    c->due_by = rq->due_by;
    snprintf(c->task, sizeof c->task, "%s", rq->task ? rq->task : "");
    /* R-WF-2: the limits in force in the county on the day of 受理. */
    jz_policy pol;
    if ((rc = jz_ctx_policy(x, c->county, rq->on, &pol, err)))
        goto out;
    c->days = rq->township_confirms ? pol.wf_township_days : pol.wf_total_days;
    c->extended_days = pol.wf_extended_days;
    c->notice_days = pol.wf_notice_days;
    /* Its deadlines must be computable on the calendar.  A review opened as
     * a task (open-due) has its legal date, and is opened all the same:
     * `case due` names it until the calendar is extended. */
    if (!c->task[0] && (rc = check_deadlines(x, c, JZ_ACT_ACCEPT, rq->on, err)))
        goto out;
    /* R-WF-5: a staff member or a close relative of one among the members. */
    for (uint32_t i = 0; i < l.h.n_members && !c->staff_relative; i++) {
        bool found = false;
        if ((rc = jz_store_staff_relative(x->store, l.h.members[i].id, res->staff,
                                          sizeof res->staff, res->relation,
                                          sizeof res->relation, &found, err)))
            goto out;
        if (found) {
            c->staff_relative = true;
            snprintf(res->relative, sizeof res->relative, "%s",
                     l.h.members[i].name ? l.h.members[i].name : "");
        }
    }
    int64_t open_case = 0;
    if ((rc = jz_proc_open_case(x->store, c->region, c->household_id, &open_case, err)))
        goto out;
    if (open_case) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)open_case);
        rc = jz_error_set(err, JZ_EINPUT, "household_id", c->household_id,
                          "这一户已有未办结的案件 %s，请在该案件中继续办理", v);
        goto out;
    }
    /* A review needs something to review: the household receives
     * assistance (jz_receives_assistance). */
    if (c->kind == JZ_CASE_REVIEW) {
        bool receives = false;
        if ((rc = jz_store_receives_assistance(x->store, c->household_id, &receives, NULL, err)))
            goto out;
        if (!receives) {
            rc = jz_error_set(err, JZ_EINPUT, "household_id", c->household_id,
                              "这一户没有正在享受的救助，无需复核（新申请请去掉 --review）");
            goto out;
        }
    }
    int current = 0, assessed = 0;
    if ((rc = jz_store_record_version(x->store, c->household_id, &current, &assessed, NULL, err)))
        goto out;
    c->record_version = current;
    jz_case_step step = {.action = JZ_ACT_ACCEPT, .on = rq->on};
    snprintf(step.note, sizeof step.note, "%s", rq->note ? rq->note : "");
    rc = jz_store_case_create(x->store, c, &step, err);
out:
    loaded_free(&l);
    return rc;
}

typedef struct accept_args {
    const jz_accept_req *rq;
    jz_accept_res *res;
} accept_args;

static jz_err accept_run(jz_ctx *x, void *arg, jz_error *err)
{
    accept_args *a = arg;
    memset(a->res, 0, sizeof *a->res); /* afresh: jz_store_run may run this again */
    return accept_in_txn(x, a->rq, a->res, err);
}

jz_err jz_proc_accept(jz_ctx *x, const jz_accept_req *rq, bool in_txn, jz_accept_res *res,
                      jz_error *err)
{
    memset(res, 0, sizeof *res);
    if (!rq->household_id || !rq->household_id[0])
        return jz_error_set(err, JZ_EUSAGE, "household_id", NULL, "缺少户编号");
    jz_err rc = check_date(x, JZ_ACT_ACCEPT, rq->on, rq->task && rq->task[0], err);
    if (rc)
        return rc;
    accept_args a = {rq, res};
    return jz__proc_run(x, in_txn, accept_run, &a, err);
}

/* ---- the steps ----------------------------------------------------------------------- */

/* 信息核对: every member's department rows against the record. */
typedef struct rows_buf {
    jz_feed_row *r;
    size_t n, cap;
    bool nomem;
} rows_buf;

static void keep_row(const jz_feed_row *r, void *arg)
{
    rows_buf *b = arg;
    if (b->n == b->cap) {
        size_t nc = b->cap ? 2 * b->cap : 64;
        jz_feed_row *g = realloc(b->r, nc * sizeof *g);
        if (!g) {
            b->nomem = true;
            return;
        }
        b->r = g;
        b->cap = nc;
    }
    b->r[b->n++] = *r;
}

static jz_err verify(jz_ctx *x, const jz_case *c, jz_date on, jz_step_res *res, jz_error *err)
{
    loaded l;
    jz_err rc = load(x, c->household_id, on, &l, err);
    jz_policy p;
    if (!rc)
        rc = jz_ctx_policy(x, l.county, on, &p, err);
    rows_buf b = {0};
    for (uint32_t i = 0; !rc && i < l.h.n_members; i++) {
        b.n = 0;
        if ((rc = jz_store_feed_person(x->store, l.h.members[i].id, keep_row, &b, err)))
            break;
        if (b.nomem) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            break;
        }
        res->nf += jz_verify_member(&l.h, i, b.r, b.n, on, p.window_months,
                                    res->findings + res->nf, JZ_CASE_FINDINGS_MAX - res->nf);
    }
    free(b.r);
    loaded_free(&l);
    return rc;
}

/* 乡镇初审: the engine on the stored record as of the day, limited to the
 * programmes applied for. */
static jz_err preliminary(jz_ctx *x, jz_case *c, jz_date on, jz_step_res *res, char **det,
                          jz_error *err)
{
    loaded l;
    jz_err rc = load(x, c->household_id, on, &l, err);
    jz_result *r = malloc(sizeof *r);
    jz_trace *t = malloc(sizeof *t);
    if (!rc && (!r || !t))
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_policy p;
    if (!rc)
        rc = jz_ctx_policy(x, l.county, on, &p, err);
    if (!rc) {
        jz_assess(&l.h, &p, r, t);
        res->nu = jz_case_units_limit(res->units, jz_case_units(&l.h, r, res->units),
                                      c->programmes);
        res->nr = jz_case_reasons(&l.h, r, t, res->reasons, JZ_CASE_REASONS_MAX);
        *det = jz_determination_json(&l.h, &p, r, t, 0);
        c->proposed_category = r->category;
        c->proposed_persons = 0;
        c->proposed_monthly = 0;
        for (uint32_t i = 0; i < r->n_persons; i++)
            c->proposed_persons |= r->persons[i].categories;
        for (size_t i = 0; i < res->nu; i++)
            c->proposed_monthly += res->units[i].monthly;
        c->members = 0;
        for (uint32_t i = 0; i < l.h.n_members; i++)
            c->members += alive(&l.h.members[i], on);
        int assessed = 0;
        rc = jz_store_record_version(x->store, c->household_id, &c->record_version, &assessed,
                                     NULL, err);
    }
    if (!rc)
        rc = jz_store_case_findings(x->store, c->id, res->findings, JZ_CASE_FINDINGS_MAX,
                                    &res->nf, err);
    free(r);
    free(t);
    loaded_free(&l);
    return rc;
}

static bool pays_monthly(int p)
{
    return p == JZ_UNIT_DIBAO || p == JZ_UNIT_DIBAO_EXPENDITURE || p == JZ_UNIT_SINGLE_DIBAO ||
           p == JZ_UNIT_TEKUN;
}

/* The rows a unit list puts on a 公示 or 公布 list (R-PUB-1): one per unit
 * of a programme (temporary assistance is not listed), with the persons
 * the unit supports and its monthly amount; `decided`: only approved units,
 * at the amount decided. */
static size_t posting_rows(const jz_case *c, const jz_case_unit *u, size_t nu, bool decided,
                           jz_posting_row *rows)
{
    size_t n = 0;
    for (size_t i = 0; i < nu; i++) {
        if (u[i].programme == JZ_UNIT_TEMPORARY)
            continue;
        if (decided && u[i].verdict != JZ_VERDICT_APPROVED)
            continue;
        jz_posting_row *r = &rows[n++];
        memset(r, 0, sizeof *r);
        snprintf(r->name, sizeof r->name, "%s", u[i].member < 0 ? c->applicant_name : u[i].label);
        r->persons = u[i].persons;
        r->amount = decided ? u[i].decided_monthly : u[i].monthly;
        r->cash = pays_monthly(u[i].programme);
    }
    return n;
}

/* Posts the case's units on its village's list: 公示 (what the opinion
 * found) or 公布 (what was approved). */
static jz_err post(jz_ctx *x, const jz_case *c, int kind, int round, jz_date from, jz_date until,
                   size_t *posted, jz_error *err)
{
    jz_case_unit *u = malloc(sizeof *u * JZ_CASE_UNITS_MAX);
    jz_posting_row *rows = malloc(sizeof *rows * JZ_CASE_UNITS_MAX);
    jz_case_reason none[1];
    size_t nu = 0, nr = 0;
    jz_err rc = !u || !rows ? jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足")
                            : jz_store_case_opinion(x->store, c->id, u, JZ_CASE_UNITS_MAX, &nu,
                                                    none, 0, &nr, err);
    if (!rc) {
        *posted = posting_rows(c, u, nu, kind == JZ_POSTING_PUBLISH, rows);
        rc = jz_store_posting_put(x->store, c, kind, round, from, until, rows, *posted, err);
    }
    free(u);
    free(rows);
    return rc;
}

/* Temporary assistance paid first in this case, per member index. */
typedef struct advanced_sum {
    const jz_household *h;
    jz_fen by_member[JZ_MAX_MEMBERS];
} advanced_sum;

static void sum_advance(const jz_grant *g, void *arg)
{
    advanced_sum *a = arg;
    if (g->kind == JZ_GRANT_DECIDED)
        return;
    for (uint32_t i = 0; i < a->h->n_members; i++)
        if (strcmp(a->h->members[i].id, g->member_id) == 0)
            a->by_member[i] += g->amount;
}

/* The decision's effect on the household's enrolments: an approval
 * creates one per approved unit of a monthly programme (or updates the live
 * one of the same person and programme) with its first month and next
 * review (R-REVIEW-1); what a review no longer finds, or a refused review,
 * stops at the decision's month.  Approved temporary assistance becomes
 * grants. */
static jz_err enrol(jz_ctx *x, const jz_case *c, const jz_household *h, const jz_case_unit *u,
                    size_t nu, jz_step_res *res, jz_error *err)
{
    jz__live_list *lv = malloc(sizeof *lv);
    if (!lv)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    lv->n = 0;
    jz_err rc = jz_store_enrol_list(x->store, c->region, c->household_id, jz__collect_live, lv, err);
    char month[8], note[96];
    month_of(c->decided_on, month);
    bool kept[sizeof lv->e / sizeof lv->e[0]] = {false};
    snprintf(note, sizeof note, "案件 %lld 决定", (long long)c->id);
    int review_months = jz_review_months(h, c->decided_on);
    for (size_t i = 0; !rc && c->decision == JZ_DECISION_APPROVED && i < nu; i++) {
        if (u[i].verdict != JZ_VERDICT_APPROVED)
            continue;
        if (u[i].programme == JZ_UNIT_TEMPORARY) {
            jz_grant g;
            memset(&g, 0, sizeof g);
            snprintf(g.county, sizeof g.county, "%s", c->county);
            snprintf(g.region, sizeof g.region, "%s", c->region);
            snprintf(g.household_id, sizeof g.household_id, "%s", c->household_id);
            g.case_id = c->id;
            snprintf(g.member_id, sizeof g.member_id, "%s", u[i].member_id);
            snprintf(g.name, sizeof g.name, "%s", u[i].label);
            g.kind = JZ_GRANT_DECIDED;
            snprintf(g.rule, sizeof g.rule, "%s", u[i].rule[0] ? u[i].rule : "R-TMP-2");
            g.amount = u[i].decided_once;
            g.on = c->decided_on;
            snprintf(g.note, sizeof g.note, "%s", u[i].judged ? u[i].reason : "");
            if ((rc = jz_store_grant_put(x->store, &g, err)))
                break;
            res->grants++;
            continue;
        }
        jz_enrolment e;
        memset(&e, 0, sizeof e);
        const char *action = "enrolment.create";
        for (size_t k = 0; k < lv->n; k++)
            if (strcmp(lv->e[k].member_id, u[i].member_id) == 0 &&
                lv->e[k].programme == u[i].programme) {
                e = lv->e[k];
                kept[k] = true;
                action = "enrolment.update";
            }
        if (!e.id) {
            snprintf(e.county, sizeof e.county, "%s", c->county);
            snprintf(e.region, sizeof e.region, "%s", c->region);
            snprintf(e.household_id, sizeof e.household_id, "%s", c->household_id);
            snprintf(e.first_month, sizeof e.first_month, "%s", c->first_month);
            snprintf(e.member_id, sizeof e.member_id, "%s", u[i].member_id);
            e.programme = u[i].programme;
        }
        e.member = u[i].member;
        e.case_id = c->id;
        snprintf(e.label, sizeof e.label, "%s", u[i].label);
        e.persons = u[i].persons;
        e.monthly = u[i].decided_monthly;
        e.judged = u[i].judged;
        e.status = JZ_ENROL_ACTIVE;
        e.end_month[0] = '\0';
        e.review_months = review_months;
        e.next_review = jz_date_add_months(c->decided_on, review_months);
        e.death_check_due = JZ_DATE_NONE;
        if ((rc = jz_store_enrol_put(x->store, &e, action, note, err)))
            break;
        /* The amount decided is owed from the case's first month (a new
         * enrolment's first term is its first month already). */
        if (e.id && strcmp(action, "enrolment.update") == 0 && c->first_month[0] &&
            (rc = jz_store_enrol_term(x->store, &e, c->first_month, err)))
            break;
        res->enrolments++;
    }
    if (!rc && c->kind == JZ_CASE_REVIEW) {
        for (size_t k = 0; k < lv->n && !rc; k++) {
            if (kept[k])
                continue;
            jz_enrolment e = lv->e[k];
            e.case_id = c->id;
            e.status = JZ_ENROL_STOPPED;
            snprintf(e.end_month, sizeof e.end_month, "%s", month);
            snprintf(e.stop_reason, sizeof e.stop_reason, "复核不再符合条件");
            e.death_check_due = JZ_DATE_NONE;
            if (!(rc = jz_store_enrol_put(x->store, &e, "enrolment.stop", note, err)))
                res->enrolments++;
        }
    }
    free(lv);
    return rc;
}

/* 县级决定: each unit's verdict and amount. */
static jz_err decide(jz_ctx *x, jz_case *c, const jz_step_req *rq, jz_step_res *res,
                     jz_case_input *in, loaded *l, jz_error *err)
{
    jz_case_reason none[1];
    size_t nr = 0;
    jz_err rc = jz_store_case_opinion(x->store, c->id, res->units, JZ_CASE_UNITS_MAX, &res->nu,
                                      none, 0, &nr, err);
    if (rc)
        return rc;
    if ((rc = load(x, c->household_id, rq->on, l, err)))
        return rc;
    /* Units whose person has died since the opinion are refused: a dead
     * person is never enrolled (R-DEATH-1). */
    jz_unit_choice *ch = calloc(rq->n_choices + 1, sizeof *ch);
    if (!ch)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    size_t n = 0;
    for (size_t i = 0; i < rq->n_choices; i++) {
        const jz_choice_req *q = &rq->choices[i];
        int m = member_named(&l->h, q->who);
        if (m == -2) {
            free(ch);
            return jz_error_set(err, JZ_EINPUT, "decision", q->who,
                                "不是户 %s 的成员（可写身份证号码、姓名或 household）",
                                c->household_id);
        }
        if (m >= 0 && !alive(&l->h.members[m], rq->on) && q->kind != JZ_CHOICE_REFUSE) {
            free(ch);
            return jz_error_set(err, JZ_EINPUT, "decision", q->who,
                                "%s 已死亡，不能纳入救助", q->who);
        }
        ch[n++] = (jz_unit_choice){q->kind, m, q->programme, q->amount};
    }
    jz_policy p;
    if ((rc = jz_ctx_policy(x, l->county, rq->on, &p, err))) {
        free(ch);
        return rc;
    }
    advanced_sum adv = {.h = &l->h};
    if ((rc = jz_store_grant_list(x->store, c->region, c->household_id, c->id, sum_advance, &adv,
                                  err))) {
        free(ch);
        return rc;
    }
    const char *reason = rq->judgment && rq->judgment[0] ? rq->judgment : rq->note ? rq->note : "";
    jz_decide_input di = {
        .decision = rq->decision,
        .choices = ch,
        .n_choices = n,
        .reason = reason,
        .township_confirms = c->township_confirms,
        .county = rq->county,
        .h = &l->h,
        .tmp_cap = (jz_fen)p.tmp_cap_months * p.standard[l->h.area < JZ_AREA_COUNT ? l->h.area : 0],
        .tmp1_min = p.standard[JZ_AREA_RURAL],
        .advanced = adv.by_member,
        .beyond_cap = rq->beyond_cap,
    };
    /* A unit of a person who died after the opinion is refused (R-DEATH-1). */
    for (size_t i = 0; i < res->nu; i++) {
        jz_case_unit *u = &res->units[i];
        if (u->member < 0)
            continue;
        int m = member_named(&l->h, u->member_id);
        if (m >= 0 && !alive(&l->h.members[m], rq->on) && n <= rq->n_choices) {
            jz_unit_choice *g = realloc(ch, (n + 1) * sizeof *ch);
            if (!g) {
                free(ch);
                return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            }
            ch = g;
            ch[n++] = (jz_unit_choice){JZ_CHOICE_REFUSE, u->member, u->programme, 0};
            di.choices = ch;
            di.n_choices = n;
        }
    }
    bool judged = false;
    size_t approved = 0;
    rc = jz_case_decide_units(res->units, &res->nu, &di, &judged, &approved, err);
    free(ch);
    if (rc)
        return rc;
    in->decision = rq->decision;
    in->opinion_units = 0;
    for (size_t i = 0; i < res->nu; i++)
        in->opinion_units += !res->units[i].added;
    in->approved_units = approved;
    in->judgment = judged ? reason : "";
    in->first_month = rq->first_month;
    return JZ_OK;
}

/* 先行救助 (R-WF-8): temporary assistance paid before the decision. */
static jz_err advance(jz_ctx *x, const jz_case *c, const jz_step_req *rq, jz_step_res *res,
                      jz_error *err)
{
    loaded l;
    jz_err rc = load(x, c->household_id, rq->on, &l, err);
    jz_policy p;
    if (!rc)
        rc = jz_ctx_policy(x, l.county, rq->on, &p, err);
    if (rc)
        goto out;
    char a[JZ_MONEY_BUF], b[JZ_MONEY_BUF];
    jz_fen S = p.standard[l.h.area < JZ_AREA_COUNT ? l.h.area : 0];
    jz_fen cap;
    const char *rule;
    if (rq->grant_kind == JZ_GRANT_PENDING) {
        /* R-TMP-4: while a 低保 or 特困 application is pending. */
        uint8_t basic = (1u << JZ_UNIT_DIBAO) | (1u << JZ_UNIT_DIBAO_EXPENDITURE) |
                        (1u << JZ_UNIT_SINGLE_DIBAO) | (1u << JZ_UNIT_TEKUN);
        if (c->kind != JZ_CASE_APPLICATION || (c->programmes && !(c->programmes & basic))) {
            rc = jz_error_set(err, JZ_EINPUT, "--kind", "pending",
                              "审核期间先行发放临时救助只适用于低保、特困申请（R-TMP-4）");
            goto out;
        }
        cap = (jz_fen)p.tmp_cap_months * S;
        rule = "R-TMP-4";
    } else if (rq->grant_kind == JZ_GRANT_SMALL) {
        cap = (jz_fen)p.tmp_small_first_months * S;
        rule = "R-TMP-3";
    } else {
        rc = jz_error_set(err, JZ_EUSAGE, "--kind", NULL,
                          "先行救助的种类应为 pending（低保、特困审核期间先行发放）或 small"
                          "（小金额先行救助）");
        goto out;
    }
    int m = -1;
    if (rq->member) {
        m = member_named(&l.h, rq->member);
        if (m < 0) {
            rc = jz_error_set(err, JZ_EINPUT, "--member", rq->member, "不是户 %s 的成员",
                              c->household_id);
            goto out;
        }
    } else {
        m = member_named(&l.h, c->applicant_id);
    }
    if (m < 0 || !alive(&l.h.members[m], rq->on)) {
        rc = jz_error_set(err, JZ_EINPUT, "--member", rq->member ? rq->member : c->applicant_id,
                          "领取人应是这一户在世的成员");
        goto out;
    }
    advanced_sum adv = {.h = &l.h};
    if ((rc = jz_store_grant_list(x->store, c->region, c->household_id, c->id, sum_advance, &adv,
                                  err)))
        goto out;
    if (rq->amount <= 0 || rq->amount + adv.by_member[m] > cap) {
        jz_money_format(cap, a, sizeof a);
        jz_money_format(adv.by_member[m], b, sizeof b);
        char v[JZ_MONEY_BUF];
        jz_money_format(rq->amount, v, sizeof v);
        rc = jz_error_set(err, JZ_EINPUT, "--amount", v,
                          "%s的金额应大于 0，且连同本案已先行发放的 %s 元不超过 %s 元（%s）",
                          jz_grant_kind_zh[rq->grant_kind], b, a,
                          rq->grant_kind == JZ_GRANT_SMALL
                              ? "temporary.small_first_months 个月低保标准"
                              : "temporary.cap_months 个月低保标准，R-TMP-2 的上限");
        goto out;
    }
    jz_grant *g = &res->grant;
    memset(g, 0, sizeof *g);
    snprintf(g->county, sizeof g->county, "%s", c->county);
    snprintf(g->region, sizeof g->region, "%s", c->region);
    snprintf(g->household_id, sizeof g->household_id, "%s", c->household_id);
    g->case_id = c->id;
    snprintf(g->member_id, sizeof g->member_id, "%s", l.h.members[m].id);
    snprintf(g->name, sizeof g->name, "%s", l.h.members[m].name ? l.h.members[m].name : "");
    g->kind = rq->grant_kind;
    snprintf(g->rule, sizeof g->rule, "%s", rule);
    g->amount = rq->amount;
    g->on = rq->on;
    snprintf(g->note, sizeof g->note, "%s", rq->note ? rq->note : "");
    rc = jz_store_grant_put(x->store, g, err);
out:
    loaded_free(&l);
    return rc;
}

static jz_err step_in_txn(jz_ctx *x, int64_t id, const jz_step_req *rq, jz_step_res *res,
                          jz_error *err)
{
    jz_err rc = jz_store_case_get(x->store, id, &res->before, err);
    if (rc)
        return rc;
    jz_case *c = &res->after;
    *c = res->before;
    jz_case_action a = rq->action;
    if ((rc = jz_case_check(c, a, rq->on, err)))
        return rc;
    jz_case_step *st = &res->step;
    memset(st, 0, sizeof *st);
    st->case_id = id;
    st->action = (uint8_t)a;
    st->on = rq->on;
    snprintf(st->note, sizeof st->note, "%s", rq->note ? rq->note : "");
    snprintf(st->actor, sizeof st->actor, "%s", x->actor);
    if ((rc = lateness(x, c, a, rq->on, st, err)))
        return rc;
    jz_case_input in = {.note = rq->note, .home_visit = rq->home_visit,
                        .extend_reason = rq->extend_reason};
    char *det = NULL;
    loaded l;
    memset(&l, 0, sizeof l);
    switch (a) {
    case JZ_ACT_VERIFY:
        rc = verify(x, c, rq->on, res, err);
        break;
    case JZ_ACT_PRELIMINARY:
        rc = preliminary(x, c, rq->on, res, &det, err);
        break;
    case JZ_ACT_DECIDE:
        rc = decide(x, c, rq, res, &in, &l, err);
        break;
    case JZ_ACT_ADVANCE:
        rc = advance(x, c, rq, res, err);
        break;
    case JZ_ACT_APPLICANT: {
        /* R-WF-6: another living member applies for the family. */
        if ((rc = load(x, c->household_id, rq->on, &l, err)))
            break;
        int m = member_named(&l.h, rq->member);
        if (m < 0 || !alive(&l.h.members[m], rq->on)) {
            rc = jz_error_set(err, JZ_EINPUT, "--applicant", rq->member ? rq->member : "",
                              "新的申请人应是户 %s 在世的成员（R-WF-6）", c->household_id);
            break;
        }
        in.applicant_id = l.h.members[m].id;
        in.applicant_name = l.h.members[m].name ? l.h.members[m].name : "";
        break;
    }
    default:
        break;
    }
    if (!rc)
        rc = jz_case_apply(c, a, rq->on, &in, err);
    if (!rc)
        rc = check_deadlines(x, c, a, rq->on, err);
    if (rc)
        goto out;
    switch (a) {
    case JZ_ACT_VERIFY:
        rc = jz_store_case_set_findings(x->store, c, res->findings, res->nf, err);
        break;
    case JZ_ACT_PRELIMINARY:
        rc = jz_store_case_set_opinion(x->store, c, res->units, res->nu, res->reasons, res->nr,
                                       det, err);
        break;
    case JZ_ACT_NOTICE:
        /* The 公示 list as posted (R-PUB-1): the units the opinion found.  An
         * opinion that found nothing is not posted: the applicant is told in
         * writing, and no one else needs to know he applied. */
        rc = post(x, c, JZ_POSTING_NOTICE, c->objections + 1, c->notice_from, c->notice_until,
                  &res->posted, err);
        res->deadline = c->notice_until;
        break;
    case JZ_ACT_DECIDE:
        if (!(rc = jz_store_case_set_units(x->store, c, res->units, res->nu, err)))
            rc = enrol(x, c, &l.h, res->units, res->nu, res, err);
        break;
    case JZ_ACT_PUBLISH:
        /* The 公布 list: the units approved, at the amounts decided. */
        if (c->decision == JZ_DECISION_APPROVED)
            rc = post(x, c, JZ_POSTING_PUBLISH, 1, c->closed_on, JZ_DATE_NONE, &res->posted, err);
        break;
    case JZ_ACT_EXTEND: {
        jz_date step_due;
        rc = jz_case_deadlines(c, x->calendar, &step_due, &res->deadline, NULL, err);
        break;
    }
    default:
        break;
    }
    if (!rc)
        rc = jz_store_case_update(x->store, &res->before, c, st, err);
out:
    free(det);
    loaded_free(&l);
    return rc;
}

typedef struct step_args {
    int64_t id;
    const jz_step_req *rq;
    jz_step_res *res;
} step_args;

static jz_err step_run(jz_ctx *x, void *arg, jz_error *err)
{
    step_args *a = arg;
    /* Afresh each time (jz_store_run may run this again): everything but
     * the large arrays, which are filled up to nu, nr, nf. */
    memset(a->res, 0, offsetof(jz_step_res, units));
    memset(&a->res->deadline, 0, sizeof *a->res - offsetof(jz_step_res, deadline));
    return step_in_txn(x, a->id, a->rq, a->res, err);
}

jz_err jz_proc_step(jz_ctx *x, int64_t id, const jz_step_req *rq, jz_step_res *res,
                    jz_error *err)
{
    memset(res, 0, offsetof(jz_step_res, units));
    memset(&res->deadline, 0, sizeof *res - offsetof(jz_step_res, deadline));
    if (rq->action == JZ_ACT_ACCEPT || rq->action >= JZ_ACT_COUNT)
        return jz_error_set(err, JZ_EUSAGE, "action", NULL, "未知办理步骤");
    jz_err rc = check_date(x, rq->action, rq->on, false, err);
    if (rc)
        return rc;
    step_args a = {id, rq, res};
    rc = jz__proc_run(x, false, step_run, &a, err);
    if (rc && err->value[0] == '\0' && err->field[0] == '\0')
        snprintf(err->value, sizeof err->value, "%lld", (long long)id);
    return rc;
}
