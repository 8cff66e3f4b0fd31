/*
 * enrol.c - the operations that change what a household receives outside a
 * decision (jz_procedure.h): a death (R-DEATH-1, seed 001 一(五)), a gradual
 * exit (R-EXIT-1), a report of an unreported change, ineligibility or fraud
 * (R-REPORT-1, seed 001 五(五)), and the reviews and death checks that fall
 * due (R-REVIEW-1), each one transaction that reads what it changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jiuzhu/jz_pay.h"
#include "jiuzhu/jz_procedure.h"
#include "jiuzhu/jz_record.h"
#include "proc_int.h"

static void month_of(jz_date d, char out[8])
{
    char b[JZ_DATE_BUF];
    jz_date_format(d, b, sizeof b);
    snprintf(out, 8, "%.7s", b);
}

static bool dibao_unit(int p)
{
    return p == JZ_UNIT_DIBAO || p == JZ_UNIT_DIBAO_EXPENDITURE;
}


typedef struct proc_call {
    jz_ctx *x;
    jz_err (*fn)(jz_ctx *, void *, jz_error *);
    void *arg;
} proc_call;

static jz_err proc_call_run(jz_store *s, void *arg, jz_error *err)
{
    (void)s;
    proc_call *c = arg;
    return c->fn(c->x, c->arg, err);
}

jz_err jz__proc_run(jz_ctx *x, bool in_txn, jz_err (*fn)(jz_ctx *, void *, jz_error *),
                    void *arg, jz_error *err)
{
    if (in_txn)
        return fn(x, arg, err);
    proc_call c = {x, fn, arg};
    return jz_store_run(x->store, proc_call_run, &c, err);
}

/* ---- a death --------------------------------------------------------------------- */

typedef struct death_args {
    const char *id;
    jz_date death, on;
    const char *note;
    jz_death_res *res;
} death_args;

/* The record with member i marked deceased on `death`, dated `on` when its
 * own date is earlier than the death (a record is as of its assess_date). */
static char *mark_deceased(const char *record, uint32_t i, jz_date death, jz_date on,
                           jz_error *err)
{
    json_error_t je;
    json_t *j = json_loads(record, 0, &je);
    json_t *ms = j ? json_object_get(j, "members") : NULL;
    json_t *m = ms ? json_array_get(ms, i) : NULL;
    if (!m) {
        json_decref(j);
        jz_error_set(err, JZ_EIO, "record", NULL, "库中户记录无法读取：%s", je.text);
        return NULL;
    }
    char d[JZ_DATE_BUF];
    jz_date_format(death, d, sizeof d);
    json_object_set_new(m, "deceased_date", json_string(d));
    const char *ad = json_string_value(json_object_get(j, "assess_date"));
    jz_date cur = JZ_DATE_NONE;
    jz_error ignore;
    if (!ad || jz_date_parse(ad, strlen(ad), &cur, &ignore) != JZ_OK || cur < death) {
        jz_date_format(on, d, sizeof d);
        json_object_set_new(j, "assess_date", json_string(d));
    }
    char *t = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!t)
        jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    return t;
}

static jz_err death_in_txn(jz_ctx *x, void *arg, jz_error *err)
{
    death_args *a = arg;
    jz_death_res *res = a->res;
    char *record = NULL, *text = NULL;
    jz_household_buf *buf = malloc(sizeof *buf), *buf2 = malloc(sizeof *buf2);
    jz__live_list *lv = malloc(sizeof *lv);
    jz_household h, h2;
    jz_err rc = !buf || !buf2 || !lv ? jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足") : JZ_OK;
    if (!rc)
        rc = jz_store_get_record(x->store, a->id, &record, err);
    jz_parse_opts po = {.regions = x->regions, .default_date = a->on};
    if (!rc)
        rc = jz_household_parse(record, strlen(record), &po, &h, buf, err);
    if (rc)
        goto out;
    uint32_t i = 0;
    while (i < h.n_members && strcmp(h.members[i].id, a->id) != 0)
        i++;
    if (i == h.n_members) {
        rc = jz_error_set(err, JZ_ENOTFOUND, "id_number", a->id, "数据库中没有这个人");
        goto out;
    }
    snprintf(res->household_id, sizeof res->household_id, "%s", h.household_id);
    snprintf(res->region, sizeof res->region, "%s", h.region.code);
    snprintf(res->name, sizeof res->name, "%s", h.members[i].name ? h.members[i].name : "");
    char county[7];
    jz_region_county(&h.region, county);
    jz_policy p;
    if ((rc = jz_ctx_policy(x, county, a->death, &p, err)))
        goto out;
    char dd[JZ_DATE_BUF];
    jz_date_format(a->death, dd, sizeof dd);
    if (h.members[i].deceased != JZ_DATE_NONE) {
        if (h.members[i].deceased != a->death) {
            char was[JZ_DATE_BUF];
            jz_date_format(h.members[i].deceased, was, sizeof was);
            rc = jz_error_set(err, JZ_EINPUT, "--death-date", dd,
                              "户记录已记载 %s 于 %s 死亡；如需更正死亡日期，请更正户记录后重新导入",
                              res->name, was);
            goto out;
        }
        /* The same death again: the record says so already.  The
         * enrolments below were changed when it was first recorded. */
        int assessed = 0;
        rc = jz_store_record_version(x->store, h.household_id, &res->record_version, &assessed,
                                     NULL, err);
        goto out;
    }
    /* R-HH-1: a new version of the record, the old one kept. */
    if (!(text = mark_deceased(record, i, a->death, a->on, err))) {
        rc = err->code;
        goto out;
    }
    if ((rc = jz_household_parse(text, strlen(text), &po, &h2, buf2, err)))
        goto out;
    char source[160];
    snprintf(source, sizeof source, "death:%s %s", a->id, dd);
    if ((rc = jz_store_put_household(x->store, &h2, text, source, err)))
        goto out;
    int assessed = 0;
    if ((rc = jz_store_record_version(x->store, h.household_id, &res->record_version, &assessed,
                                      NULL, err)))
        goto out;
    bool anyone = false;
    for (uint32_t k = 0; k < h2.n_members; k++)
        if (h2.members[k].deceased == JZ_DATE_NONE)
            anyone = true;
    res->nobody_left = !anyone;
    /* The enrolments of the household. */
    lv->n = 0;
    char region[13];
    snprintf(region, sizeof region, "%s", h.region.code);
    if ((rc = jz_store_enrol_list(x->store, region, h.household_id, jz__collect_live, lv, err)))
        goto out;
    /* Was he a unit of his own (特困, 单人保)?  Then the household's 低保
     * unit did not count him (R-TK-5, R-SINGLE-3) and R-DEATH-1's check of
     * the household does not arise from his death. */
    bool own = false;
    for (size_t k = 0; k < lv->n; k++)
        if (lv->e[k].member_id[0] && strcmp(lv->e[k].member_id, a->id) == 0 &&
            (lv->e[k].programme == JZ_UNIT_TEKUN || lv->e[k].programme == JZ_UNIT_SINGLE_DIBAO))
            own = true;
    char month[8], note[640];
    month_of(a->death, month);
    snprintf(note, sizeof note, "%s 于 %s 死亡%s%s", res->name, dd, a->note && a->note[0] ? "：" : "",
             a->note ? a->note : "");
    for (size_t k = 0; k < lv->n && !rc; k++) {
        jz_enrolment e = lv->e[k];
        const char *action = NULL;
        if (e.member_id[0] && strcmp(e.member_id, a->id) == 0) {
            /* His own unit (特困, 单人保) ends with the month of death. */
            e.status = JZ_ENROL_STOPPED;
            snprintf(e.end_month, sizeof e.end_month, "%s", month);
            snprintf(e.stop_reason, sizeof e.stop_reason, "本人死亡");
            e.death_check_due = JZ_DATE_NONE;
            action = "enrolment.stop";
            res->stopped++;
        } else if (!e.member_id[0] && !anyone) {
            e.status = JZ_ENROL_STOPPED;
            snprintf(e.end_month, sizeof e.end_month, "%s", month);
            snprintf(e.stop_reason, sizeof e.stop_reason, "家庭成员均已死亡");
            e.death_check_due = JZ_DATE_NONE;
            action = "enrolment.stop";
            res->ended++;
        } else if (!e.member_id[0] && dibao_unit(e.programme) && !own) {
            /* R-DEATH-1: the household of a 低保 recipient is re-checked
             * within death.check_months, and its amount raised, cut or
             * stopped from the month after death. */
            jz_date due = jz_date_add_months(a->death, p.death_check_months);
            if (!e.death_check_due || due < e.death_check_due)
                e.death_check_due = due;
            res->check_due = e.death_check_due;
            action = "enrolment.death";
            res->checks++;
        }
        /* A 低保边缘 or 刚性支出 household, or another member's own unit:
         * R-DEATH-1 does not apply; the record alone changes. */
        if (action)
            rc = jz_store_enrol_put(x->store, &e, action, note, err);
    }
out:
    free(record);
    free(text);
    free(buf);
    free(buf2);
    free(lv);
    return rc;
}

/* An open case whose applicant died gets another living member as its
 * applicant (R-WF-6): a dead person is never an applicant. */
typedef struct applicant_fix {
    const char *id;
    int64_t cases[8];
    size_t n;
} applicant_fix;

static void find_applicant(const jz_case *c, void *arg)
{
    applicant_fix *f = arg;
    if (c->state != JZ_CASE_CLOSED && strcmp(c->applicant_id, f->id) == 0 &&
        f->n < sizeof f->cases / sizeof f->cases[0])
        f->cases[f->n++] = c->id;
}

/* The death, then the open cases whose applicant he was: another living
 * member applies (R-WF-6), a dead person never does. */
static jz_err death_and_applicants(jz_ctx *x, void *arg, jz_error *err)
{
    death_args *a = arg;
    jz_death_res *res = a->res;
    memset(res, 0, sizeof *res); /* afresh: jz_store_run may run this again */
    jz_err rc = death_in_txn(x, a, err);
    applicant_fix f = {.id = a->id};
    if (!rc && res->household_id[0])
        rc = jz_store_case_list(x->store, res->region, true, find_applicant, &f, err);
    char d[JZ_DATE_BUF];
    jz_date_format(a->death, d, sizeof d);
    for (size_t k = 0; !rc && k < f.n; k++) {
        jz_case before, after;
        if ((rc = jz_store_case_get(x->store, f.cases[k], &before, err)))
            break;
        /* The new applicant: the household's living head, else its first
         * living member; none left, the case stays for the caseworker. */
        char *record = NULL;
        jz_household_buf *buf = malloc(sizeof *buf);
        jz_household h;
        jz_parse_opts po = {.regions = x->regions, .default_date = a->on};
        if (!buf)
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        if (!rc)
            rc = jz_store_get_record(x->store, before.household_id, &record, err);
        if (!rc)
            rc = jz_household_parse(record, strlen(record), &po, &h, buf, err);
        const jz_member *ap = rc ? NULL : jz_case_default_applicant(&h, a->on);
        if (!rc && ap) {
            after = before;
            jz_case_step st = {.case_id = before.id, .action = JZ_ACT_APPLICANT, .on = a->on};
            snprintf(st.note, sizeof st.note, "原申请人 %s 于 %s 死亡，由 %s 代表全家继续办理（R-WF-6）",
                     before.applicant_name, d, ap->name ? ap->name : ap->id);
            jz_case_input in = {.note = st.note, .applicant_id = ap->id,
                                .applicant_name = ap->name ? ap->name : ""};
            rc = jz_case_apply(&after, JZ_ACT_APPLICANT, a->on, &in, err);
            if (!rc)
                rc = jz_store_case_update(x->store, &before, &after, &st, err);
        }
        free(record);
        free(buf);
    }
    return rc;
}

jz_err jz_proc_death(jz_ctx *x, const char *id_number, jz_date death, jz_date on,
                     const char *note, bool in_txn, jz_death_res *res, jz_error *err)
{
    memset(res, 0, sizeof *res);
    char id[JZ_IDNUM_BUF];
    jz_err rc = jz_idnum_normalize(id_number ? id_number : "", id_number ? strlen(id_number) : 0,
                                   id, err);
    if (rc)
        return rc;
    char d[JZ_DATE_BUF], o[JZ_DATE_BUF];
    jz_date_format(death, d, sizeof d);
    jz_date_format(on, o, sizeof o);
    if (death == JZ_DATE_NONE)
        return jz_error_set(err, JZ_EUSAGE, "--death-date", NULL, "缺少死亡日期");
    if (death > on)
        return jz_error_set(err, JZ_EINPUT, "--death-date", d, "死亡日期晚于登记日期 %s", o);
    if (x->today && on > x->today)
        return jz_error_set(err, JZ_EINPUT, "--date", o, "登记日期不能晚于今天");
    death_args a = {id, death, on, note, res};
    return jz__proc_run(x, in_txn, death_and_applicants, &a, err);
}

/* ---- exit and stop ------------------------------------------------------------------ */

typedef struct enrol_args {
    const jz_enrol_req *rq;
    jz_enrol_res *res;
    bool stop;
} enrol_args;

static jz_err enrol_in_txn(jz_ctx *x, void *arg, jz_error *err)
{
    enrol_args *a = arg;
    const jz_enrol_req *rq = a->rq;
    jz_enrol_res *res = a->res;
    memset(res, 0, sizeof *res); /* afresh: jz_store_run may run this again */
    jz_err rc = jz_store_enrol_get(x->store, rq->id, &res->before, err);
    if (rc)
        return rc;
    jz_enrolment e = res->before;
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)rq->id);
    if (e.status == JZ_ENROL_STOPPED)
        return jz_error_set(err, JZ_EINPUT, "enrolment", v, "这条救助已于 %s 停止（%s），不能再变更",
                            e.end_month, e.stop_reason);
    char month[8];
    month_of(rq->on, month);
    const char *action;
    if (!a->stop) {
        /* R-EXIT-1: only 低保 (the household's, or 单人保) exits gradually. */
        if (e.programme != JZ_UNIT_DIBAO && e.programme != JZ_UNIT_DIBAO_EXPENDITURE &&
            e.programme != JZ_UNIT_SINGLE_DIBAO)
            return jz_error_set(err, JZ_EINPUT, "enrolment", v, "渐退期只适用于低保（当前：%s）",
                                jz_unit_programme_zh[e.programme]);
        if (e.status == JZ_ENROL_EXITING)
            return jz_error_set(err, JZ_EINPUT, "enrolment", v, "这条救助已在渐退期，至 %s 停发",
                                e.end_month);
        jz_policy p;
        if ((rc = jz_ctx_policy(x, e.county, rq->on, &p, err)))
            return rc;
        e.status = JZ_ENROL_EXITING;
        month_of(jz_date_add_months(rq->on, p.exit_months - 1), e.end_month);
        res->months = p.exit_months;
        action = "enrolment.exit";
    } else if (rq->reason == JZ_STOP_UNREPORTED) {
        /* R-REPORT-1: a change not reported for 3 months: 批评教育; the
         * enrolment goes on until a review decides. */
        action = "enrolment.warning";
    } else if (rq->reason == JZ_STOP_INELIGIBLE || rq->reason == JZ_STOP_FRAUD) {
        e.status = JZ_ENROL_STOPPED;
        snprintf(e.end_month, sizeof e.end_month, "%s", month);
        snprintf(e.stop_reason, sizeof e.stop_reason, "%s",
                 rq->reason == JZ_STOP_FRAUD ? "骗取救助" : "不再符合条件");
        action = "enrolment.stop";
        if (rq->reason == JZ_STOP_FRAUD) {
            /* What was paid from the month fraud began to the month it
             * stops, both included. */
            char fm[8];
            if (rq->fraud_from == JZ_DATE_NONE)
                return jz_error_set(err, JZ_EUSAGE, "--from-month", NULL,
                                    "骗取救助须用 --from-month YYYY-MM 给出多发起始月份");
            month_of(rq->fraud_from, fm);
            if (rq->fraud_from / 100 > rq->on / 100 || strcmp(fm, e.first_month) < 0)
                return jz_error_set(err, JZ_EINPUT, "--from-month", fm,
                                    "多发起始月份应不早于开始发放的 %s，不晚于本月 %s", e.first_month,
                                    month);
            long months = (long)(jz_date_year(rq->on) - jz_date_year(rq->fraud_from)) * 12 +
                          (jz_date_month(rq->on) - jz_date_month(rq->fraud_from)) + 1;
            e.to_recover = e.monthly * months;
            res->months = (int)months;
        }
    } else {
        return jz_error_set(err, JZ_EUSAGE, "--reason", NULL,
                            "停止救助的原因应为 unreported、ineligible 或 fraud");
    }
    res->after = e;
    rc = jz_store_enrol_put(x->store, &res->after, action, rq->note, err);
    if (!rc && a->stop && rq->reason == JZ_STOP_FRAUD) {
        /* The ledger: no more is owed from the fraud's first month, and
         * what it planned for those months is recovered, now. */
        char fm[8];
        month_of(rq->fraud_from, fm);
        jz_pay_fraud_res f;
        rc = jz_pay_fraud(x, &res->after, fm, rq->on, &f, err);
        res->recovery = f.recovery;
        res->recovered = f.recovered;
        res->withdrawn = f.withdrawn;
        res->withdrawn_total = f.withdrawn_total;
    }
    return rc;
}

static jz_err enrol_op(jz_ctx *x, const jz_enrol_req *rq, jz_enrol_res *res, bool stop,
                       jz_error *err)
{
    memset(res, 0, sizeof *res);
    char o[JZ_DATE_BUF];
    jz_date_format(rq->on, o, sizeof o);
    if (x->today && rq->on > x->today)
        return jz_error_set(err, JZ_EINPUT, "--date", o, "日期不能晚于今天");
    if (stop && (!rq->note || !rq->note[0]))
        return jz_error_set(err, JZ_EUSAGE, "--note", NULL, "须用 --note 记录核实情况");
    enrol_args a = {rq, res, stop};
    return jz__proc_run(x, false, enrol_in_txn, &a, err);
}

jz_err jz_proc_enrol_exit(jz_ctx *x, const jz_enrol_req *rq, jz_enrol_res *res, jz_error *err)
{
    return enrol_op(x, rq, res, false, err);
}

jz_err jz_proc_enrol_stop(jz_ctx *x, const jz_enrol_req *rq, jz_enrol_res *res, jz_error *err)
{
    return enrol_op(x, rq, res, true, err);
}

/* ---- reviews and death checks that fall due ---------------------------------------- */

typedef struct due_hh {
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    char county[7];
    jz_date review, death; /* the earliest of its live enrolments, JZ_DATE_NONE if none */
} due_hh;

typedef struct due_scan {
    due_hh *h;
    size_t n, cap;
    bool nomem;
} due_scan;

static void note_due(const jz_enrolment *e, void *arg)
{
    due_scan *d = arg;
    if (!jz_enrolment_live(e->status) || d->nomem)
        return;
    due_hh *h = NULL;
    /* Enrolments come in ID order; a household's are usually together. */
    for (size_t k = d->n; k > 0 && !h; k--)
        if (strcmp(d->h[k - 1].household_id, e->household_id) == 0)
            h = &d->h[k - 1];
    if (!h) {
        if (d->n == d->cap) {
            size_t nc = d->cap ? 2 * d->cap : 256;
            due_hh *g = realloc(d->h, nc * sizeof *g);
            if (!g) {
                d->nomem = true;
                return;
            }
            d->h = g;
            d->cap = nc;
        }
        h = &d->h[d->n++];
        memset(h, 0, sizeof *h);
        snprintf(h->household_id, sizeof h->household_id, "%s", e->household_id);
        snprintf(h->county, sizeof h->county, "%s", e->county);
    }
    /* Only 低保's units are reviewed (R-REVIEW-1); a 特困 person's support is
     * reviewed with them when he belongs to a 低保 household. */
    if (e->next_review && (!h->review || e->next_review < h->review))
        h->review = e->next_review;
    if (e->death_check_due && (!h->death || e->death_check_due < h->death))
        h->death = e->death_check_due;
}

typedef struct open_set {
    char (*ids)[JZ_HOUSEHOLD_ID_MAX];
    size_t n, cap;
    bool nomem;
} open_set;

static void note_open(const jz_case *c, void *arg)
{
    open_set *o = arg;
    if (o->nomem)
        return;
    if (o->n == o->cap) {
        size_t nc = o->cap ? 2 * o->cap : 256;
        char(*g)[JZ_HOUSEHOLD_ID_MAX] = realloc(o->ids, nc * sizeof *g);
        if (!g) {
            o->nomem = true;
            return;
        }
        o->ids = g;
        o->cap = nc;
    }
    snprintf(o->ids[o->n++], JZ_HOUSEHOLD_ID_MAX, "%s", c->household_id);
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp(a, b);
}

typedef struct due_args {
    const char *prefix;
    jz_date on;
    jz_due_res *res;
} due_args;

static jz_err due_in_txn(jz_ctx *x, void *arg, jz_error *err)
{
    due_args *a = arg;
    memset(a->res, 0, sizeof *a->res); /* afresh: jz_store_run may run this again */
    due_scan d = {0};
    open_set o = {0};
    jz_err rc = jz_store_enrol_list(x->store, a->prefix, NULL, note_due, &d, err);
    if (!rc)
        rc = jz_store_case_list(x->store, a->prefix, true, note_open, &o, err);
    if (!rc && (d.nomem || o.nomem))
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (o.n)
        qsort(o.ids, o.n, sizeof o.ids[0], cmp_id);
    char county[7] = "";
    jz_policy p;
    for (size_t k = 0; !rc && k < d.n; k++) {
        due_hh *h = &d.h[k];
        if (strcmp(county, h->county) != 0) {
            if ((rc = jz_ctx_policy(x, h->county, a->on, &p, err)))
                break;
            snprintf(county, sizeof county, "%s", h->county);
        }
        bool death = h->death != JZ_DATE_NONE;
        bool review = h->review && h->review <= jz_date_add_days(a->on, p.wf_review_lead_days);
        if (!death && !review)
            continue;
        if (o.n && bsearch(h->household_id, o.ids, o.n, sizeof o.ids[0], cmp_id)) {
            a->res->busy++;
            continue;
        }
        char task[96], due[JZ_DATE_BUF];
        jz_date by = death ? h->death : h->review;
        jz_date_format(by, due, sizeof due);
        snprintf(task, sizeof task, "%s，%s 前完成", death ? "R-DEATH-1 死亡核查" : "R-REVIEW-1 定期复核",
                 due);
        jz_accept_req rq = {.household_id = h->household_id,
                            .on = a->on,
                            .note = task,
                            .review = true,
                            .due_by = by,
                            .task = task};
        jz_accept_res *res = malloc(sizeof *res);
        if (!res) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            break;
        }
        rc = jz_proc_accept(x, &rq, true, res, err);
        free(res);
        if (rc) {
            jz_error_set_where(err, h->household_id, NULL);
            break;
        }
        if (death)
            a->res->deaths++;
        else
            a->res->reviews++;
    }
    free(d.h);
    free(o.ids);
    return rc;
}

jz_err jz_proc_open_due(jz_ctx *x, const char *region_prefix, jz_date on, jz_due_res *res,
                        jz_error *err)
{
    memset(res, 0, sizeof *res);
    char o[JZ_DATE_BUF];
    jz_date_format(on, o, sizeof o);
    if (x->today && on > x->today)
        return jz_error_set(err, JZ_EINPUT, "--date", o, "日期不能晚于今天");
    due_args a = {region_prefix ? region_prefix : "", on, res};
    return jz__proc_run(x, false, due_in_txn, &a, err);
}
