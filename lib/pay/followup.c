/*
 * followup.c - a refused line paid again (R-PAY-3): once, in a later batch,
 * after its account is corrected.
 *
 * A line the bank refused (退票: a closed account, a name that does not
 * match) keeps the payee version it was sent to.  When its unit's current
 * payee is a newer version (the account was corrected: payee.c), the line
 * gets one follow-up line (kind followup, refers_to the refused line, the
 * same amount, programme, period and person, planned) and becomes
 * superseded: the follow-up now carries the money, and the next batch
 * takes it (batch.c takes planned follow-ups of any period).  The unique
 * index pay_lines_followup keeps it to one follow-up per refused line,
 * whatever runs twice; a follow-up the bank refuses again is a refused
 * line like any other.  A refused line whose account was not corrected
 * waits, and is listed.  A voucher (消费券) refused by its issuer has no
 * account: it gets its follow-up at the next run, for the issuer's list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank_int.h"
#include "pay_int.h"

typedef jz__pay_lines vec;

/* The unit's current payee as a batch would pay it (batch.c): the
 * person's own, else (not 特困) the household's.  *found false if none. */
static jz_err current_payee(jz_store *s, const jz_pay_line *l, jz_payee *p, bool *found,
                            jz_error *err)
{
    jz_error e;
    jz_error_clear(&e);
    jz_err rc = jz_store_payee_current(s, l->household_id, l->member_id, p, &e);
    if (rc == JZ_ENOTFOUND && l->member_id[0] && strcmp(l->programme, "tekun") != 0)
        rc = jz_store_payee_current(s, l->household_id, "", p, &e);
    *found = rc == JZ_OK;
    if (rc == JZ_ENOTFOUND)
        return JZ_OK;
    if (rc)
        *err = e;
    return rc;
}

typedef struct fu {
    jz_ctx *x;
    const char *county;
    jz_pay_followup_res *res;
    vec added, waiting;
} fu;

static jz_err followup_in_tx(jz_store *s, void *arg, jz_error *err)
{
    fu *f = arg;
    f->added.n = f->waiting.n = 0;
    f->res->total = 0;
    vec refused = {0};
    jz_err rc = jz_store_pay_lines_open(s, f->county, 1u << JZ_PL_REFUSED, jz__pay_lines_collect, &refused, err);
    if (!rc && refused.oom)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    char pairs[2048] = "";
    size_t pl = 0;
    for (size_t i = 0; i < refused.n && !rc; i++) {
        jz_pay_line l = refused.l[i];
        jz_payee p = {.id = 0};
        bool found = true;
        /* A voucher refused by its issuer is issued again at the next run
         * (staff run it once the issuer's reason is resolved): it has no
         * account to correct. */
        if (!l.voucher && (rc = current_payee(s, &l, &p, &found, err)))
            break;
        if (!l.voucher && (!found || p.id <= l.payee)) {
            if (!jz__pay_lines_push(&f->waiting, &l))
                rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            continue;
        }
        jz_pay_line n = l;
        n.id = 0;
        n.kind = JZ_PAY_FOLLOWUP;
        n.refers_to = l.id;
        n.payee = p.id;
        n.batch = 0;
        n.status = JZ_PL_PLANNED;
        n.result[0] = '\0';
        n.reason[0] = '\0';
        bool added = false;
        if ((rc = jz_store_pay_line_add(s, &n, &added, err)))
            break;
        if (!added)
            continue; /* it has its follow-up already (the unique index) */
        l.status = JZ_PL_SUPERSEDED;
        if ((rc = jz_store_pay_line_set(s, &l, JZ_PL_REFUSED, err)))
            break;
        if (!jz__pay_lines_push(&f->added, &n)) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            break;
        }
        f->res->total += n.amount;
        if (pl + 48 < sizeof pairs)
            pl += (size_t)snprintf(pairs + pl, sizeof pairs - pl, "%s[%lld,%lld]", pl ? "," : "",
                                   (long long)l.id, (long long)n.id);
    }
    free(refused.l);
    if (rc || !f->added.n)
        return rc;
    char entity[48], after[2400], t[JZ_MONEY_BUF];
    snprintf(entity, sizeof entity, "pay-followup:%s", f->county);
    jz_money_format(f->res->total, t, sizeof t);
    snprintf(after, sizeof after,
             "{\"followups\":%zu,\"total\":\"%s\",\"waiting\":%zu,\"lines\":[%s]%s}", f->added.n, t,
             f->waiting.n, pairs, pl + 48 >= sizeof pairs ? ",\"more\":true" : "");
    return jz_store_audit(s, f->county, "pay.followup", entity, "", after, err);
}

jz_err jz_pay_followup(jz_ctx *x, const char *county, jz_pay_followup_res *res, jz_error *err)
{
    memset(res, 0, sizeof *res);
    if (!county || strlen(county) != 6 || strspn(county, "0123456789") != 6)
        return jz_error_set(err, JZ_EINPUT, "county", county ? county : "",
                            "县级区划代码应为 6 位数字");
    if (!jz__pay_in_scope(x, county))
        return jz_error_set(err, JZ_EDENIED, "county", county, "该地区不在您的管辖范围内");
    fu f = {x, county, res, {0}, {0}};
    jz_err rc = jz_store_run_as(x->store, x->actor, followup_in_tx, &f, err);
    if (rc) {
        free(f.added.l);
        free(f.waiting.l);
        memset(res, 0, sizeof *res);
        return rc;
    }
    res->added = f.added.l;
    res->n_added = f.added.n;
    res->waiting = f.waiting.l;
    res->n_waiting = f.waiting.n;
    return JZ_OK;
}

void jz_pay_followup_res_cleanup(jz_pay_followup_res *r)
{
    free(r->added);
    free(r->waiting);
    memset(r, 0, sizeof *r);
}
