/*
 * chain.c - 一户（人）一条救助链 (R-MON-5, jz_chain.h): the events of a
 * household or a person gathered from the record, the cases and their steps,
 * the latest determination, the enrolments, the alerts and their steps,
 * the departments' rows, and the payments ledger's lines, recoveries and
 * repayments, each typed and worded, then put in date order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jiuzhu/jz_chain.h"
#include "jiuzhu/jz_pay.h"
#include "jiuzhu/jz_procedure.h"
#include "jiuzhu/jz_store.h"
#include "jiuzhu/jz_store_pay.h"

const char *const jz_chain_kind_names[JZ_CHAIN_KIND_COUNT] = {
    "record",        "case_step", "decision", "determination", "enrolment_start",
    "enrolment_end", "recovery",  "alert",    "alert_step",    "referral",
    "feedback",      "feed",      "payment",  "repayment"};
const char *const jz_chain_kind_zh[JZ_CHAIN_KIND_COUNT] = {
    "户记录", "办理步骤", "决定", "认定",         "开始享受", "停止发放", "追回",
    "预警",   "预警处置", "转介", "部门救助反馈", "部门数据", "发放",     "退回"};

typedef struct builder {
    jz_chain *c;
    size_t cap;
    const jz_ctx *x;
    jz_store *s;
    const char *household_id;
    jz_err rc; /* the first failure; the callbacks then add nothing */
    jz_error *err;
} builder;

__attribute__((format(printf, 4, 5))) static jz_chain_event *
add(builder *b, jz_date on, jz_chain_kind kind, const char *fmt, ...)
{
    if (b->rc)
        return NULL;
    jz_chain *c = b->c;
    if (c->n == b->cap) {
        size_t nc = b->cap ? 2 * b->cap : 64;
        jz_chain_event *g = realloc(c->events, nc * sizeof *g);
        if (!g) {
            b->rc = jz_error_set(b->err, JZ_ENOMEM, NULL, NULL, "内存不足");
            return NULL;
        }
        c->events = g;
        b->cap = nc;
    }
    jz_chain_event *e = &c->events[c->n++];
    memset(e, 0, sizeof *e);
    e->on = on;
    e->kind = (uint8_t)kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
    return e;
}

static void set_person(jz_chain_event *e, const char *id)
{
    if (e)
        snprintf(e->person, sizeof e->person, "%s", id);
}

/* ---- cases --------------------------------------------------------------------------- */

typedef struct step_ctx {
    builder *b;
    const jz_case *k;
} step_ctx;

static void case_step(const jz_case_step *st, void *arg)
{
    step_ctx *x = arg;
    jz_chain_event *e = add(x->b, st->on, JZ_CHAIN_CASE_STEP, "%s 案件 %lld：%s（经办：%s）%s%s",
                            x->k->kind == JZ_CASE_REVIEW ? "复核" : "申请", (long long)x->k->id,
                            st->action < JZ_ACT_COUNT ? jz_case_action_zh[st->action] : "?",
                            st->actor, st->note[0] ? " " : "", st->note);
    if (e)
        e->case_id = x->k->id;
}

static void one_case(const jz_case *k, void *arg)
{
    builder *b = arg;
    if (b->rc || strcmp(k->household_id, b->household_id) != 0)
        return;
    step_ctx x = {b, k};
    jz_err rc = jz_store_case_steps(b->s, k->id, case_step, &x, b->err);
    if (rc && !b->rc)
        b->rc = rc;
    if (k->decision) {
        bool approved = k->decision == JZ_DECISION_APPROVED;
        char m[JZ_MONEY_BUF];
        jz_money_format(k->proposed_monthly, m, sizeof m);
        jz_chain_event *e =
            add(b, k->decided_on, JZ_CHAIN_DECISION, "决定：%s%s%s",
                approved ? "批准，每月 " : "不予批准", approved ? m : "", approved ? " 元" : "");
        if (e) {
            e->case_id = k->id;
            e->amount = approved ? k->proposed_monthly : 0;
        }
    }
}

/* ---- enrolments ------------------------------------------------------------------------ */

static jz_date month_start(const char *ym)
{
    char b[16];
    jz_date d = JZ_DATE_NONE;
    jz_error err;
    snprintf(b, sizeof b, "%.7s-01", ym);
    if (strlen(ym) == 7)
        jz_date_parse(b, 10, &d, &err);
    return d;
}

static void one_enrolment(const jz_enrolment *e, void *arg)
{
    builder *b = arg;
    char m[JZ_MONEY_BUF];
    jz_money_format(e->monthly, m, sizeof m);
    jz_chain_event *ev =
        add(b, month_start(e->first_month), JZ_CHAIN_ENROL_START,
            "开始享受 %s（%s，%d 人）每月 %s 元（救助 %lld）", jz_unit_programme_zh[e->programme],
            e->label, e->persons, m, (long long)e->id);
    if (ev) {
        ev->enrolment_id = e->id;
        ev->amount = e->monthly;
        set_person(ev, e->member_id);
    }
    if (e->end_month[0]) {
        ev = add(b, month_start(e->end_month), JZ_CHAIN_ENROL_END, "%s（%s）发放至 %s%s%s%s",
                 jz_unit_programme_zh[e->programme], e->label, e->end_month,
                 e->status == JZ_ENROL_EXITING ? "（渐退期）" : "", e->stop_reason[0] ? "：" : "",
                 e->stop_reason);
        if (ev) {
            ev->enrolment_id = e->id;
            ev->amount = e->monthly;
            set_person(ev, e->member_id);
        }
    }
    if (e->to_recover) {
        char r[JZ_MONEY_BUF];
        jz_money_format(e->to_recover, r, sizeof r);
        ev = add(b, month_start(e->end_month), JZ_CHAIN_RECOVERY, "责令退回多发的救助金 %s 元", r);
        if (ev) {
            ev->enrolment_id = e->id;
            ev->amount = e->to_recover;
            set_person(ev, e->member_id);
        }
    }
}

/* ---- alerts ---------------------------------------------------------------------------- */

typedef struct alert_ctx {
    builder *b;
    const jz_stored_alert *a;
} alert_ctx;

static void alert_step(const jz_alert_step *st, void *arg)
{
    alert_ctx *x = arg;
    const char *dept = st->dept < JZ_DEPT_COUNT ? jz_dept_zh[st->dept] : "";
    jz_chain_event *e;
    if (strcmp(st->action, "feedback") == 0) {
        char m[JZ_MONEY_BUF];
        jz_money_format(st->amount, m, sizeof m);
        e = add(x->b, st->on, JZ_CHAIN_FEEDBACK, "%s救助：%s %s 元（预警 %lld 的反馈）%s", dept,
                st->kind, m, (long long)x->a->id, st->note);
        if (e)
            e->amount = st->amount;
    } else if (strcmp(st->action, "refer") == 0) {
        e = add(x->b, st->on, JZ_CHAIN_REFERRAL, "预警 %lld 转介%s %s", (long long)x->a->id, dept,
                st->note);
    } else {
        e = add(x->b, st->on, JZ_CHAIN_ALERT_STEP, "预警 %lld：%s%s%s %s", (long long)x->a->id,
                jz_alert_action_zh(st->action), st->outcome[0] ? " " : "",
                jz_alert_outcome_zh(st->outcome), st->note);
    }
    if (e) {
        e->alert_id = x->a->id;
        e->case_id = st->case_id;
        set_person(e, x->a->id_number);
    }
}

static void one_alert(const jz_stored_alert *a, void *arg)
{
    builder *b = arg;
    jz_chain_event *e =
        add(b, a->raised_on, JZ_CHAIN_ALERT, "预警 %lld（%c 类 %s）%s：%s", (long long)a->id,
            jz_alert_letters[a->category & 3],
            a->indicator < JZ_IND_COUNT ? jz_indicator_zh[a->indicator] : "?", a->name, a->detail);
    if (e) {
        e->alert_id = a->id;
        e->amount = a->amount;
        set_person(e, a->id_number);
    }
    if (b->rc)
        return;
    alert_ctx x = {b, a};
    jz_err rc = jz_store_alert_steps(b->s, a->id, alert_step, &x, b->err);
    if (rc && !b->rc)
        b->rc = rc;
}

/* ---- the departments' rows ---------------------------------------------------------- */

static void one_row(const jz_feed_row *r, void *arg)
{
    builder *b = arg;
    char m[JZ_MONEY_BUF] = "";
    if (r->amount)
        jz_money_format(r->amount, m, sizeof m);
    jz_chain_event *e = add(b, r->date, JZ_CHAIN_FEED, "%s：%s %s%s%s%s%s",
                            r->dept < JZ_DEPT_COUNT ? jz_dept_zh[r->dept] : "?", r->name,
                            r->event < JZ_EV_COUNT ? jz_event_zh[r->event] : "?",
                            r->code[0] ? " " : "", r->code, m[0] ? " " : "", m[0] ? m : "");
    if (e) {
        e->amount = r->amount;
        set_person(e, r->id);
    }
}

/* ---- payments ------------------------------------------------------------------------- */

/* The day a line stands for on the chain: the legal date of the period it
 * is paid in (the 10th of the month; of the quarter's first month); a
 * one-time programme's deadline (else the day its persons were counted);
 * today when the programme's file is gone. */
static jz_date line_day(const builder *b, const jz_pay_line *l, const jz_once_programme *pg)
{
    int ym;
    if (l->kind != JZ_PAY_ONCE && jz_period_first_month(l->period, &ym))
        return jz_period_due(ym);
    if (pg)
        return pg->deadline != JZ_DATE_NONE ? pg->deadline : pg->as_of;
    return b->x->today;
}

static void one_line(const jz_pay_line *l, void *arg)
{
    builder *b = arg;
    const jz_once_programme *pg =
        l->kind == JZ_PAY_ONCE ? jz_once_programmes_find(b->x->programmes, l->programme) : NULL;
    const char *what = l->programme;
    for (int k = 0; k < JZ_UNIT_PROGRAMME_COUNT; k++)
        if (strcmp(l->programme, jz_unit_programme_names[k]) == 0)
            what = jz_unit_programme_zh[k];
    if (pg)
        what = pg->name;
    char amount[JZ_MONEY_BUF], share[160] = "", ref[32] = "", persons[24] = "", batch[32] = "";
    jz_money_format(l->amount, amount, sizeof amount);
    if (l->kind == JZ_PAY_ONCE) {
        char p[JZ_MONEY_BUF], c[JZ_MONEY_BUF];
        jz_money_format(l->province_share, p, sizeof p);
        jz_money_format(l->local_share, c, sizeof c);
        snprintf(share, sizeof share, "（省级 %s 元、市县 %s 元%s）", p, c,
                 l->voucher ? "，消费券" : "");
    }
    if (l->ref_period[0])
        snprintf(ref, sizeof ref, "，%s 期", l->ref_period);
    if (l->persons > 1)
        snprintf(persons, sizeof persons, "，%d 人", l->persons);
    if (l->batch)
        snprintf(batch, sizeof batch, "（批次 %lld）", (long long)l->batch);
    const char *status = l->status < JZ_PL_STATUS_COUNT ? jz_pay_status_zh[l->status] : "?";
    jz_chain_event *e =
        add(b, line_day(b, l, pg), JZ_CHAIN_PAYMENT, "%s %s %s（%s%s%s）%s 元%s，%s%s%s%s%s%s",
            l->period, what, l->kind < JZ_PAY_KIND_COUNT ? jz_pay_kind_zh[l->kind] : "?", l->label,
            persons, ref, amount, share, status, batch, l->result[0] ? " 银行代码 " : "", l->result,
            l->reason[0] ? "：" : "", l->reason);
    if (e) {
        e->enrolment_id = l->enrolment;
        e->amount = l->amount;
        set_person(e, l->member_id);
    }
}

typedef struct repaid {
    builder *b;
    const jz_recovery *r;
    jz_fen balance; /* after the repayments seen so far */
} repaid;

static void one_repayment(const jz_repayment *p, void *arg)
{
    repaid *x = arg;
    x->balance -= p->amount;
    char m[JZ_MONEY_BUF], left[JZ_MONEY_BUF];
    jz_money_format(p->amount, m, sizeof m);
    jz_money_format(x->balance, left, sizeof left);
    jz_chain_event *e = add(x->b, p->on, JZ_CHAIN_REPAYMENT,
                            "追回 %lld 退回 %s 元，余额 %s 元%s%s%s", (long long)x->r->id, m, left,
                            x->balance == 0 ? "（已结清）" : "", p->note[0] ? "：" : "", p->note);
    if (e) {
        e->enrolment_id = x->r->enrolment;
        e->amount = p->amount;
    }
}

static void one_recovery(const jz_recovery *r, void *arg)
{
    builder *b = arg;
    char m[JZ_MONEY_BUF], left[JZ_MONEY_BUF];
    jz_money_format(r->amount, m, sizeof m);
    jz_money_format(r->balance, left, sizeof left);
    jz_chain_event *e = add(b, r->opened_on, JZ_CHAIN_RECOVERY,
                            "按发放台账追回 %lld（%s）：%s（自 %s 期起），共 %s 元，余额 %s 元",
                            (long long)r->id, r->rule, r->reason, r->from_period, m, left);
    if (e) {
        e->enrolment_id = r->enrolment;
        e->amount = r->amount;
    }
    if (b->rc)
        return;
    repaid x = {b, r, r->amount};
    jz_err rc = jz_store_repayments(b->s, r->id, one_repayment, &x, b->err);
    if (rc && !b->rc)
        b->rc = rc;
}

/* Date order; events of one day in the order they were found. */
typedef struct sort_key {
    jz_date on;
    size_t i;
} sort_key;

static int by_key(const void *a, const void *b)
{
    const sort_key *x = a, *y = b;
    if (x->on != y->on)
        return x->on < y->on ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static jz_err sort_events(jz_chain *c, jz_error *err)
{
    size_t n = c->n;
    if (n < 2)
        return JZ_OK;
    sort_key *k = malloc(n * sizeof *k);
    jz_chain_event *sorted = k ? malloc(n * sizeof *sorted) : NULL;
    if (!sorted) {
        free(k);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    for (size_t i = 0; i < n; i++)
        k[i] = (sort_key){c->events[i].on, i};
    qsort(k, n, sizeof *k, by_key);
    for (size_t i = 0; i < n; i++)
        sorted[i] = c->events[k[i].i];
    free(c->events);
    c->events = sorted;
    free(k);
    return JZ_OK;
}

/* ---- the chain ---------------------------------------------------------------------- */

/* What the household record says it received before jiuzhu. */
static void record_current(builder *b, const json_t *rec)
{
    const json_t *cur = json_object_get(rec, "current");
    const char *prog = json_string_value(json_object_get(cur, "programme"));
    const char *since = json_string_value(json_object_get(cur, "since"));
    const char *amount = json_string_value(json_object_get(cur, "monthly_amount"));
    _Static_assert((int)JZ_PROG_COUNT == (int)JZ_CAT_COUNT &&
                       (int)JZ_PROG_MARGINAL == (int)JZ_CAT_MARGINAL,
                   "programmes and categories share their order");
    for (int k = 1; prog && k < JZ_PROG_COUNT; k++) {
        jz_date since_d = JZ_DATE_NONE;
        jz_error e;
        if (strcmp(prog, jz_programme_names[k]) != 0 || !since ||
            jz_date_parse(since, strlen(since), &since_d, &e) != JZ_OK)
            continue;
        jz_chain_event *ev = add(b, since_d, JZ_CHAIN_RECORD, "（户记录）正在享受%s，每月 %s 元",
                                 jz_category_short_zh[k], amount ? amount : "?");
        jz_fen fen = 0;
        if (ev && amount && jz_money_parse(amount, strlen(amount), &fen, &e) == JZ_OK)
            ev->amount = fen;
    }
}

/* The latest stored determination of the household, if any. */
static void determination(builder *b, const char *household)
{
    jz_result *r = malloc(sizeof *r);
    int64_t run;
    jz_date date;
    jz_error e;
    jz_error_clear(&e);
    if (r && jz_store_get_determination(b->s, household, r, &run, &date, &e) == JZ_OK) {
        char m[JZ_MONEY_BUF];
        jz_money_format(r->monthly_amount, m, sizeof m);
        jz_chain_event *ev =
            add(b, date, JZ_CHAIN_DETERMINATION,
                "认定（批量评估第 %lld 批）：%s，家庭低保金每月 %s 元", (long long)run,
                r->category < JZ_CAT_COUNT ? jz_category_short_zh[r->category] : "?", m);
        if (ev) {
            ev->run = run;
            ev->amount = r->monthly_amount;
        }
    }
    free(r);
}

jz_err jz_chain_build(const jz_ctx *x, const char *household_or_id, jz_chain *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    const char *key = household_or_id ? household_or_id : "";
    builder b = {.c = out, .x = x, .s = x->store, .household_id = out->household_id, .err = err};
    /* The household and its people; a person outside the registry has only
     * his own rows and alerts. */
    jz_error e;
    jz_error_clear(&e);
    bool is_person = jz_idnum_normalize(key, strlen(key), out->person, &e) == JZ_OK;
    if (!is_person)
        out->person[0] = '\0';
    char *record = NULL, region[13] = "";
    json_t *rec = NULL;
    jz_err rc = jz_store_get_record(x->store, is_person ? out->person : key, &record, err);
    if (rc == JZ_OK) {
        rec = json_loads(record, 0, NULL);
        const char *h = json_string_value(json_object_get(rec, "household_id"));
        const char *r = json_string_value(json_object_get(rec, "region"));
        snprintf(out->household_id, sizeof out->household_id, "%s", h ? h : "");
        snprintf(region, sizeof region, "%s", r ? r : "");
    } else if (!is_person) {
        return rc;
    }
    jz_error_clear(err);
    record_current(&b, rec);
    if (out->household_id[0]) {
        determination(&b, out->household_id);
        if (!b.rc && (rc = jz_store_case_list(x->store, region, false, one_case, &b, err)))
            b.rc = rc;
        if (!b.rc &&
            (rc = jz_store_enrol_list(x->store, region, out->household_id, one_enrolment, &b, err)))
            b.rc = rc;
        if (!b.rc && (rc = jz_store_alert_find(x->store, out->household_id, one_alert, &b, err)))
            b.rc = rc;
        if (!b.rc &&
            (rc = jz_store_pay_lines_of_household(x->store, out->household_id, one_line, &b, err)))
            b.rc = rc;
        if (!b.rc && (rc = jz_store_recoveries(x->store, out->household_id, one_recovery, &b, err)))
            b.rc = rc;
    } else if (!b.rc && is_person) {
        if ((rc = jz_store_alert_find(x->store, out->person, one_alert, &b, err)) ||
            (rc = jz_store_feed_person(x->store, out->person, one_row, &b, err)))
            b.rc = rc;
    }
    /* Every member's department rows. */
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(rec, "members"), i, m)
    {
        const char *id = json_string_value(json_object_get(m, "id"));
        char norm[JZ_IDNUM_BUF];
        if (b.rc || !id || jz_idnum_normalize(id, strlen(id), norm, &e) != JZ_OK)
            continue;
        if ((rc = jz_store_feed_person(x->store, norm, one_row, &b, err)))
            b.rc = rc;
    }
    json_decref(rec);
    free(record);
    if (!b.rc)
        b.rc = sort_events(out, err);
    if (b.rc)
        jz_chain_cleanup(out);
    return b.rc;
}

void jz_chain_cleanup(jz_chain *c)
{
    free(c->events);
    memset(c, 0, sizeof *c);
}
