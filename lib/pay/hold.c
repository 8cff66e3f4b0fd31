/*
 * hold.c - months an enrolment is not paid (the ledger's "suspended while
 * a review says so", enrol_holds) and what a fraud stop does to the ledger
 * (R-REPORT-1, R-PAY-4).
 *
 * A hold runs from a month until it is released with its last month.
 * Planning reads the holds (jz__pay_in_force): a month under a hold that
 * did not end in the unit's favour is owed nothing; a hold released with
 * back pay owes its months after all, and the next planning pays them as
 * adjustments.  Writing or ending a hold marks the enrolment changed, so
 * the next planning compares the months already planned with what they now
 * owe: a month planned before a hold that covers it is withdrawn while its
 * money has not left (planned, held, in a batch still being prepared, or
 * refused by the bank), and otherwise is money paid unduly, recovered.
 *
 * A fraud stop (jz_proc_enrol_stop) writes a hold from the month the fraud
 * began, without back pay, and runs the ledger's computation for the
 * enrolment at once, as the next planning would (jz__pay_adjust with the
 * month after the county's last planned one): unsent lines are withdrawn
 * and the recovery of what did leave is open, with its balance, the moment
 * the stop is recorded.  Such a hold is never
 * released: the enrolment is stopped, and its recovery stands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jiuzhu/jz_encoding.h"
#include "pay_int.h"

jz_err jz__pay_text_check(const char *field, const char *text, size_t cap, jz_error *err)
{
    if (!text)
        return JZ_OK;
    size_t n = strlen(text);
    if (n >= cap)
        return jz_error_set(err, JZ_EINPUT, field, NULL, "过长（最多 %zu 字节，约 %zu 个汉字）",
                            cap - 1, (cap - 1) / 3);
    uint32_t cp;
    if (jz_text_find_unsafe(text, n, &cp) >= 0) {
        char why[160];
        jz_text_unsafe_reason(cp, why, sizeof why);
        return jz_error_set(err, JZ_EINPUT, field, NULL, "%s", why);
    }
    return JZ_OK;
}

/* The enrolment as planning reads it, within the user's scope. */
static jz_err unit_of(jz_ctx *x, int64_t id, jz_pay_unit *u, jz_error *err)
{
    jz_err rc = jz_store_pay_unit(x->store, id, u, err);
    if (rc == JZ_OK && !jz__pay_in_scope(x, u->e.county)) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)id);
        rc = jz_error_set(err, JZ_ENOTFOUND, "enrolment", v, "没有这条救助");
    }
    return rc;
}

static const jz_pay_hold *open_hold(const jz_pay_unit *u)
{
    for (int i = 0; i < u->n_holds; i++)
        if (!u->holds[i].to[0])
            return &u->holds[i];
    return NULL;
}

static jz_err audit_hold(jz_ctx *x, const jz_enrolment *e, const char *action, const char *before,
                         const jz_pay_hold *h, jz_error *err)
{
    char entity[48];
    snprintf(entity, sizeof entity, "enrolment:%lld", (long long)e->id);
    json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:s}", "household_id", e->household_id, "from",
                          h->from, "to", h->to, "back_pay", h->back_pay, "reason", h->reason);
    char *after = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!after)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_err rc = jz_store_audit(x->store, e->county, action, entity, before, after, err);
    free(after);
    return rc;
}

/* ---- holding and releasing -------------------------------------------------------- */

typedef struct hold_args {
    jz_ctx *x;
    int64_t enrolment;
    const char *month; /* hold: from; release: to */
    const char *reason;
    bool back_pay, release;
} hold_args;

static jz_err hold_in_tx(jz_store *s, void *arg, jz_error *err)
{
    (void)s;
    hold_args *a = arg;
    jz_pay_unit *u = malloc(sizeof *u);
    if (!u)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_err rc = unit_of(a->x, a->enrolment, u, err);
    const jz_enrolment *e = &u->e;
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)a->enrolment);
    const jz_pay_hold *open = rc ? NULL : open_hold(u);
    if (rc)
        goto out;
    if (!jz__pay_paid_programme(e->programme)) {
        rc = jz_error_set(err, JZ_EINPUT, "enrolment", v, "%s没有按月（季）发放的救助金，无从暂停",
                          jz_unit_programme_zh[e->programme]);
        goto out;
    }
    if (!a->release) {
        if (strcmp(a->month, e->first_month) < 0) {
            rc = jz_error_set(err, JZ_EINPUT, "--from", a->month, "早于这条救助开始发放的 %s",
                              e->first_month);
            goto out;
        }
        if (e->end_month[0] && strcmp(a->month, e->end_month) > 0) {
            rc = jz_error_set(err, JZ_EINPUT, "--from", a->month, "这条救助只发放至 %s，无需暂停",
                              e->end_month);
            goto out;
        }
        if (open) {
            rc = jz_error_set(err, JZ_ECONFLICT, "enrolment", v,
                              "已有自 %s 起未解除的暂停发放（%s）：请先解除", open->from,
                              open->reason);
            goto out;
        }
        if (u->n_holds >= JZ_PAY_HOLDS_MAX) {
            rc = jz_error_set(err, JZ_EINPUT, "enrolment", v, "暂停发放记录已达 %d 次上限",
                              JZ_PAY_HOLDS_MAX);
            goto out;
        }
        jz_pay_hold h = {.back_pay = false};
        snprintf(h.from, sizeof h.from, "%s", a->month);
        snprintf(h.reason, sizeof h.reason, "%s", a->reason);
        if (!(rc = jz_store_pay_hold_add(a->x->store, e, &h, false, err)))
            rc = audit_hold(a->x, e, "pay.hold", "", &h, err);
        goto out;
    }
    if (!open) {
        rc = jz_error_set(err, JZ_EINPUT, "enrolment", v, "这条救助没有未解除的暂停发放");
        goto out;
    }
    if (e->status == JZ_ENROL_STOPPED && strcmp(e->stop_reason, JZ__PAY_FRAUD_REASON) == 0) {
        rc = jz_error_set(err, JZ_EINPUT, "enrolment", v,
                          "这条救助因骗取救助停止，自 %s 起的停发不能解除（R-REPORT-1）",
                          open->from);
        goto out;
    }
    if (strcmp(a->month, open->from) < 0) {
        rc = jz_error_set(err, JZ_EINPUT, "--to", a->month, "早于暂停开始的 %s", open->from);
        goto out;
    }
    jz_pay_hold h = *open;
    snprintf(h.to, sizeof h.to, "%s", a->month);
    h.back_pay = a->back_pay;
    char before[64];
    snprintf(before, sizeof before, "{\"from\":\"%s\",\"to\":\"\"}", open->from);
    if (!(rc = jz_store_pay_hold_end(a->x->store, e, h.to, h.back_pay, err)))
        rc = audit_hold(a->x, e, "pay.release", before, &h, err);
out:
    free(u);
    return rc;
}

static jz_err month_arg(const char *field, const char *month, jz_error *err)
{
    int ym;
    if (!jz_period_month(month, &ym))
        return jz_error_set(err, JZ_EINPUT, field, month ? month : "", "应为年月，如 2025-07");
    return JZ_OK;
}

jz_err jz_pay_hold_start(jz_ctx *x, int64_t enrolment, const char *from, const char *reason,
                         jz_error *err)
{
    jz_err rc = month_arg("--from", from, err);
    if (rc)
        return rc;
    if (!reason || !reason[0])
        return jz_error_set(err, JZ_EUSAGE, "--reason", NULL, "须写明暂停发放的原因");
    if ((rc = jz__pay_text_check("--reason", reason, sizeof((jz_pay_hold *)0)->reason, err)))
        return rc;
    hold_args a = {x, enrolment, from, reason, false, false};
    return jz_store_run_as(x->store, x->actor, hold_in_tx, &a, err);
}

jz_err jz_pay_release(jz_ctx *x, int64_t enrolment, const char *to, bool back_pay, jz_error *err)
{
    jz_err rc = month_arg("--to", to, err);
    if (rc)
        return rc;
    hold_args a = {x, enrolment, to, NULL, back_pay, true};
    return jz_store_run_as(x->store, x->actor, hold_in_tx, &a, err);
}

/* ---- a fraud stop ---------------------------------------------------------------------- */

jz_err jz_pay_fraud(jz_ctx *x, const jz_enrolment *e, const char *from, jz_date on,
                    jz_pay_fraud_res *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    if (!jz__pay_paid_programme(e->programme))
        return JZ_OK; /* nothing is paid by the month: nothing to hold */
    jz_err rc = month_arg("--from-month", from, err);
    if (rc)
        return rc;
    jz_pay_unit *u = malloc(sizeof *u);
    if (!u)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if ((rc = jz_store_pay_unit(x->store, e->id, u, err)))
        goto out;
    if (u->n_holds >= JZ_PAY_HOLDS_MAX) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)e->id);
        rc = jz_error_set(err, JZ_EINPUT, "enrolment", v, "暂停发放记录已达 %d 次上限",
                          JZ_PAY_HOLDS_MAX);
        goto out;
    }
    /* The months from the fraud's first are owed nothing, whatever an
     * earlier hold of the same month said. */
    jz_pay_hold h = {.back_pay = false};
    snprintf(h.from, sizeof h.from, "%s", from);
    snprintf(h.reason, sizeof h.reason, "%s（R-REPORT-1）：自 %s 起停发，多发的追回",
             e->stop_reason, from);
    if ((rc = jz_store_pay_hold_add(x->store, e, &h, true, err)) ||
        (rc = audit_hold(x, e, "pay.hold", "", &h, err)))
        goto out;
    /* The ledger's computation at once, as the next planning of the county
     * would make it: every month planned so far is compared. */
    char first[JZ_PERIOD_BUF], last[JZ_PERIOD_BUF];
    int start, ym;
    if ((rc = jz_store_pay_plan_first(x->store, e->county, first, err)) ||
        (rc = jz_store_pay_plan_last(x->store, e->county, last, err)))
        goto out;
    if (!jz_period_month(first, &start) || !jz_period_month(last, &ym))
        goto out; /* the county's ledger has not begun: nothing was paid */
    if ((rc = jz_store_pay_unit(x->store, e->id, u, err)))
        goto out;
    jz__pay_adjusted adj;
    if ((rc = jz__pay_adjust(x, u, start, ym + 1, on, &adj, err)))
        goto out;
    out->recovery = adj.recovery;
    out->recovered = adj.recovered;
    out->withdrawn = adj.withdrawn;
    out->withdrawn_total = adj.withdrawn_total;
    if (adj.added || adj.withdrawn) {
        char entity[48], after[320], t[JZ_MONEY_BUF], r[JZ_MONEY_BUF], w[JZ_MONEY_BUF],
            next[JZ_PERIOD_BUF];
        snprintf(entity, sizeof entity, "enrolment:%lld", (long long)e->id);
        jz_period_month_text(ym + 1, next);
        jz_money_format(adj.total, t, sizeof t);
        jz_money_format(adj.recovered, r, sizeof r);
        jz_money_format(adj.withdrawn_total, w, sizeof w);
        snprintf(after, sizeof after,
                 "{\"period\":\"%s\",\"adjustments\":%lld,\"total\":\"%s\",\"recovery\":%lld,"
                 "\"recovered\":\"%s\",\"withdrawn\":%lld,\"withdrawn_total\":\"%s\"}",
                 next, (long long)adj.added, t, (long long)adj.recovery, r,
                 (long long)adj.withdrawn, w);
        rc = jz_store_audit(x->store, e->county, "pay.adjust", entity, "", after, err);
    }
out:
    free(u);
    return rc;
}
