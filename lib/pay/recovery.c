/*
 * recovery.c - money paid unduly (R-PAY-4, R-REPORT-1, seed 001 五(五)): a
 * recovery with its balance, opened by the ledger's computation
 * (jz__pay_adjust) when the ledger holds more for a period than the unit
 * turns out to have been owed (a death, a stop, or a fraud recorded after
 * the month was paid), and settled by repayments (责令退回): each one is
 * recorded with its day and note and taken off the balance, never beyond
 * it; a balance of 0 is a settled recovery.
 */
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_encoding.h"
#include "pay_int.h"

jz_err jz__pay_recovery_add(jz_ctx *x, const jz_enrolment *e, const char *from, jz_fen amount,
                            jz_date on, int64_t *id, jz_error *err)
{
    jz_recovery r;
    memset(&r, 0, sizeof r);
    snprintf(r.county, sizeof r.county, "%s", e->county);
    snprintf(r.household_id, sizeof r.household_id, "%s", e->household_id);
    r.enrolment = e->id;
    snprintf(r.from_period, sizeof r.from_period, "%s", from);
    snprintf(r.rule, sizeof r.rule, "R-PAY-4");
    if (strcmp(e->stop_reason, JZ__PAY_FRAUD_REASON) == 0)
        snprintf(r.reason, sizeof r.reason, "%s（R-REPORT-1）期间多发的救助金", e->stop_reason);
    else
        snprintf(r.reason, sizeof r.reason, "%s%s", e->stop_reason[0] ? e->stop_reason : "多发",
                 e->stop_reason[0] ? "后多发的救助金" : "");
    r.amount = amount;
    r.opened_on = on;
    jz_err rc = jz_store_recovery_add(x->store, &r, err);
    if (rc)
        return rc;
    if (id)
        *id = r.id;
    char entity[48], after[320], a[JZ_MONEY_BUF], b[JZ_MONEY_BUF];
    snprintf(entity, sizeof entity, "recovery:%lld", (long long)r.id);
    jz_money_format(amount, a, sizeof a);
    jz_money_format(r.balance, b, sizeof b);
    snprintf(after, sizeof after,
             "{\"enrolment\":%lld,\"household_id\":\"%s\",\"from\":\"%s\",\"added\":\"%s\","
             "\"balance\":\"%s\"}",
             (long long)e->id, e->household_id, r.from_period, a, b);
    return jz_store_audit(x->store, e->county, "recovery.open", entity, "", after, err);
}

/* ---- repayments ---------------------------------------------------------------------- */

typedef struct repay {
    jz_ctx *x;
    int64_t recovery;
    jz_fen amount;
    jz_date on;
    const char *note;
    jz_recovery *out;
    jz_repayment *paid;
} repay;

static jz_err repay_in_tx(jz_store *s, void *arg, jz_error *err)
{
    repay *a = arg;
    jz_recovery r;
    jz_err rc = jz_store_recovery_get(s, a->recovery, &r, err);
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)a->recovery);
    if (rc == JZ_OK && !jz__pay_in_scope(a->x, r.county))
        rc = jz_error_set(err, JZ_ENOTFOUND, "recovery", v, "没有这笔追回");
    if (rc)
        return rc;
    char amount[JZ_MONEY_BUF], balance[JZ_MONEY_BUF], on[JZ_DATE_BUF], opened[JZ_DATE_BUF];
    jz_money_format(a->amount, amount, sizeof amount);
    jz_money_format(r.balance, balance, sizeof balance);
    jz_date_format(a->on, on, sizeof on);
    jz_date_format(r.opened_on, opened, sizeof opened);
    if (r.balance == 0)
        return jz_error_set(err, JZ_EINPUT, "recovery", v,
                            "这笔追回已全部退回（余额 0.00 元），无需再退");
    if (a->amount > r.balance)
        return jz_error_set(err, JZ_EINPUT, "--amount", amount, "退回金额超过追回 %s 的余额 %s 元",
                            v, balance);
    if (a->on < r.opened_on)
        return jz_error_set(err, JZ_EINPUT, "--date", on, "退回日期早于追回开立日 %s", opened);
    jz_repayment p = {.recovery = r.id, .amount = a->amount, .on = a->on};
    snprintf(p.note, sizeof p.note, "%s", a->note ? a->note : "");
    if ((rc = jz_store_repayment_add(s, &p, r.county, err)))
        return rc;
    jz_fen before = r.balance;
    if ((rc = jz_store_recovery_get(s, r.id, &r, err)))
        return rc;
    char entity[48], b[512], after[512], left[JZ_MONEY_BUF];
    snprintf(entity, sizeof entity, "recovery:%lld", (long long)r.id);
    jz_money_format(before, balance, sizeof balance);
    jz_money_format(r.balance, left, sizeof left);
    snprintf(b, sizeof b, "{\"balance\":\"%s\"}", balance);
    snprintf(after, sizeof after,
             "{\"repayment\":%lld,\"amount\":\"%s\",\"on\":\"%s\",\"balance\":\"%s\","
             "\"settled\":%s}",
             (long long)p.id, amount, on, left, r.balance == 0 ? "true" : "false");
    if ((rc = jz_store_audit(s, r.county, "recovery.repay", entity, b, after, err)))
        return rc;
    if (a->out)
        *a->out = r;
    if (a->paid)
        *a->paid = p;
    return JZ_OK;
}

jz_err jz_pay_repay(jz_ctx *x, int64_t recovery, jz_fen amount, jz_date on, const char *note,
                    jz_recovery *out, jz_repayment *paid, jz_error *err)
{
    char v[JZ_MONEY_BUF], d[JZ_DATE_BUF];
    jz_money_format(amount, v, sizeof v);
    jz_date_format(on, d, sizeof d);
    if (amount <= 0)
        return jz_error_set(err, JZ_EINPUT, "--amount", v, "退回金额应大于 0");
    if (on == JZ_DATE_NONE)
        return jz_error_set(err, JZ_EUSAGE, "--date", NULL, "缺少退回日期");
    if (x->today && on > x->today)
        return jz_error_set(err, JZ_EINPUT, "--date", d, "退回日期不能晚于今天");
    jz_err rc = jz__pay_text_check("--note", note, sizeof((jz_repayment *)0)->note, err);
    if (rc)
        return rc;
    repay a = {x, recovery, amount, on, note, out, paid};
    return jz_store_run_as(x->store, x->actor, repay_in_tx, &a, err);
}

typedef struct scoped {
    jz_ctx *x;
    const char *county;
    void (*fn)(const jz_recovery *r, void *arg);
    void *arg;
} scoped;

static void in_scope(const jz_recovery *r, void *arg)
{
    scoped *s = arg;
    if (jz__pay_in_scope(s->x, r->county) && (!s->county || strcmp(r->county, s->county) == 0))
        s->fn(r, s->arg);
}

jz_err jz_pay_recoveries(jz_ctx *x, const char *household_id, const char *county,
                         void (*fn)(const jz_recovery *r, void *arg), void *arg, jz_error *err)
{
    if (county && county[0] && (strlen(county) != 6 || strspn(county, "0123456789") != 6))
        return jz_error_set(err, JZ_EINPUT, "county", county, "县级区划代码应为 6 位数字");
    scoped s = {x, county && county[0] ? county : NULL, fn, arg};
    return jz_store_recoveries(x->store, household_id && household_id[0] ? household_id : NULL,
                               in_scope, &s, err);
}

jz_err jz_pay_repayments(jz_ctx *x, int64_t recovery, void (*fn)(const jz_repayment *p, void *arg),
                         void *arg, jz_error *err)
{
    jz_recovery r;
    jz_err rc = jz_store_recovery_get(x->store, recovery, &r, err);
    if (rc == JZ_OK && !jz__pay_in_scope(x, r.county)) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)recovery);
        rc = jz_error_set(err, JZ_ENOTFOUND, "recovery", v, "没有这笔追回");
    }
    return rc ? rc : jz_store_repayments(x->store, recovery, fn, arg, err);
}
