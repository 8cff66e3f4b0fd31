/*
 * recovery.c - money paid unduly (R-PAY-4, seed 001 五(五)): a recovery
 * with its balance, opened by planning when the ledger holds more for a
 * period than the unit turns out to have been owed (a death, a stop or a
 * fraud recorded after the month was paid).
 */
#include <stdio.h>
#include <string.h>

#include "pay_int.h"

jz_err jz__pay_recovery_add(jz_ctx *x, const jz_enrolment *e, const char *from, jz_fen amount,
                            jz_error *err)
{
    jz_recovery r;
    memset(&r, 0, sizeof r);
    snprintf(r.county, sizeof r.county, "%s", e->county);
    snprintf(r.household_id, sizeof r.household_id, "%s", e->household_id);
    r.enrolment = e->id;
    snprintf(r.from_period, sizeof r.from_period, "%s", from);
    snprintf(r.rule, sizeof r.rule, "R-PAY-4");
    snprintf(r.reason, sizeof r.reason, "%s%s", e->stop_reason[0] ? e->stop_reason : "多发",
             e->stop_reason[0] ? "后多发的救助金" : "");
    r.amount = amount;
    r.opened_on = x->today;
    jz_err rc = jz_store_recovery_add(x->store, &r, err);
    if (rc)
        return rc;
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
