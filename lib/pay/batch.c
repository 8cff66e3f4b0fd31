/*
 * batch.c - batches (R-PAY-3): a county's payable lines of one period,
 * grouped by the bank of their payee; prepared by one user, approved by
 * another, and locked from then on.
 *
 * A line is payable when it is planned (not held, not in a batch), has a
 * payee and a positive amount.  Its payee is read again when the batch is
 * prepared: an account changed since planning is the one the money goes to
 * (the line keeps the payee version it is paid to).  A follow-up of a
 * refused line is payable in the same way, in a later batch than the one
 * that refused it.  A voucher (消费券) line needs no account: it goes to a
 * batch of the issuer's (bank JZ_VOUCHER_BANK), approved like any other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pay_int.h"

static jz_err check_county(const char *county, jz_error *err)
{
    if (!county || strlen(county) != 6 || strspn(county, "0123456789") != 6)
        return jz_error_set(err, JZ_EINPUT, "county", county ? county : "",
                            "县级区划代码应为 6 位数字");
    return JZ_OK;
}

typedef jz__pay_lines lines;

typedef struct prep {
    jz_ctx *x;
    const jz_pay_batch_req *rq;
    char period[JZ_PERIOD_BUF];
    jz_pay_batch_res *res;
    int ym;
} prep;

/* The batch of this bank made by this run, or a new one. */
static jz_err batch_for(prep *p, const char *bank, jz_pay_batch **out, jz_error *err)
{
    jz_pay_batch_res *r = p->res;
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->b[i].bank, bank) == 0) {
            *out = &r->b[i];
            return JZ_OK;
        }
    jz_pay_batch *g = realloc(r->b, (r->n + 1) * sizeof *g);
    if (!g)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    r->b = g;
    jz_pay_batch *b = &g[r->n];
    memset(b, 0, sizeof *b);
    snprintf(b->county, sizeof b->county, "%s", p->rq->county);
    snprintf(b->bank, sizeof b->bank, "%s", bank);
    snprintf(b->period, sizeof b->period, "%s", p->period);
    b->state = JZ_BATCH_PREPARED;
    snprintf(b->prepared_by, sizeof b->prepared_by, "%s", p->x->actor);
    jz_err rc = jz_store_pay_batch_add(p->x->store, b, err);
    if (rc)
        return rc;
    r->n++;
    *out = b;
    return JZ_OK;
}

/* Where a payable line goes: the bank of its unit's current payee (an
 * account corrected after planning is the one paid: l->payee is set to
 * it), or its institution's; a voucher (消费券) leaves the bank path for
 * a batch of the issuer's, its file a list of persons (export.c).
 * *waits: no account yet. */
static jz_err bank_of(jz_store *s, jz_pay_line *l, char bank[JZ_BANK_CODE_BUF], bool *waits,
                      jz_error *err)
{
    if (l->voucher) {
        snprintf(bank, JZ_BANK_CODE_BUF, "%s", JZ_VOUCHER_BANK);
        return JZ_OK;
    }
    jz_payee pe;
    jz_error e;
    jz_error_clear(&e);
    jz_err rc = jz_store_payee_current(s, l->household_id, l->member_id, &pe, &e);
    if (rc == JZ_ENOTFOUND && l->member_id[0] && strcmp(l->programme, "tekun") != 0)
        rc = jz_store_payee_current(s, l->household_id, "", &pe, &e);
    if (rc == JZ_ENOTFOUND) {
        *waits = true;
        return JZ_OK;
    }
    if (rc) {
        *err = e;
        return rc;
    }
    snprintf(bank, JZ_BANK_CODE_BUF, "%s", pe.bank);
    if (pe.institution) {
        jz_institution in;
        if ((rc = jz_store_institution_get(s, pe.institution, &in, err)))
            return rc;
        snprintf(bank, JZ_BANK_CODE_BUF, "%s", in.bank);
    }
    l->payee = pe.id;
    return JZ_OK;
}

static jz_err prepare_in_tx(jz_store *s, void *arg, jz_error *err)
{
    prep *p = arg;
    free(p->res->b);
    memset(p->res, 0, sizeof *p->res);
    lines v = {0};
    jz_err rc = jz_store_pay_lines_open(s, p->rq->county, 1u << JZ_PL_PLANNED, jz__pay_lines_collect, &v, err);
    if (!rc && v.oom)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    for (size_t i = 0; i < v.n && !rc; i++) {
        jz_pay_line l = v.l[i];
        if (l.amount <= 0)
            continue;
        /* Lines of a later month wait for their month's batch. */
        int ym;
        if (l.kind != JZ_PAY_ONCE && l.kind != JZ_PAY_FOLLOWUP &&
            (!jz__pay_period_start(l.period, &ym) || ym > p->ym))
            continue;
        char bank[JZ_BANK_CODE_BUF];
        bool waits = false;
        if ((rc = bank_of(s, &l, bank, &waits, err)))
            break;
        if (waits)
            continue; /* still no account */
        jz_pay_batch *b = NULL;
        if ((rc = batch_for(p, bank, &b, err)))
            break;
        l.batch = b->id;
        l.status = JZ_PL_BATCHED;
        if ((rc = jz_store_pay_line_set(s, &l, JZ_PL_PLANNED, err)))
            break;
        b->lines++;
        b->total += l.amount;
    }
    for (size_t i = 0; i < p->res->n && !rc; i++) {
        jz_pay_batch *b = &p->res->b[i];
        jz__pay_now(b->prepared_at, sizeof b->prepared_at);
        if ((rc = jz_store_pay_batch_set(s, b, JZ_BATCH_PREPARED, err)))
            break;
        char entity[48], after[256], t[JZ_MONEY_BUF];
        snprintf(entity, sizeof entity, "pay-batch:%lld", (long long)b->id);
        jz_money_format(b->total, t, sizeof t);
        snprintf(after, sizeof after,
                 "{\"county\":\"%s\",\"bank\":\"%s\",\"period\":\"%s\",\"lines\":%lld,"
                 "\"total\":\"%s\",\"state\":\"prepared\"}",
                 b->county, b->bank, b->period, (long long)b->lines, t);
        rc = jz_store_audit(s, b->county, "pay.batch.prepare", entity, "", after, err);
    }
    free(v.l);
    return rc;
}

jz_err jz_pay_batch_prepare(jz_ctx *x, const jz_pay_batch_req *rq, jz_pay_batch_res *res,
                            jz_error *err)
{
    memset(res, 0, sizeof *res);
    int ym;
    jz_err rc = check_county(rq->county, err);
    if (rc)
        return rc;
    if (!jz_period_month(rq->period, &ym))
        return jz_error_set(err, JZ_EINPUT, "period", rq->period ? rq->period : "",
                            "发放期应为年月，如 2025-07");
    if (!jz__pay_in_scope(x, rq->county))
        return jz_error_set(err, JZ_EDENIED, "county", rq->county, "该地区不在您的管辖范围内");
    prep p = {x, rq, "", res, ym};
    jz_period_month_text(ym, p.period);
    rc = jz_store_run_as(x->store, x->actor, prepare_in_tx, &p, err);
    if (rc)
        jz_pay_batch_res_cleanup(res);
    return rc;
}

void jz_pay_batch_res_cleanup(jz_pay_batch_res *r)
{
    free(r->b);
    memset(r, 0, sizeof *r);
}

typedef struct approve {
    jz_ctx *x;
    int64_t id;
    jz_pay_batch *out;
} approve;

static jz_err approve_in_tx(jz_store *s, void *arg, jz_error *err)
{
    approve *a = arg;
    jz_pay_batch b;
    jz_err rc = jz_store_pay_batch_get(s, a->id, &b, err);
    if (rc)
        return rc;
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)b.id);
    if (!jz__pay_in_scope(a->x, b.county))
        return jz_error_set(err, JZ_ENOTFOUND, "batch", v, "没有这个发放批次");
    if (b.state != JZ_BATCH_PREPARED)
        return jz_error_set(err, JZ_ECONFLICT, "batch", v, "批次已审核（%s），不能再次审核",
                            jz_batch_state_zh[b.state < JZ_BATCH_STATE_COUNT ? b.state : 0]);
    if (strcmp(b.prepared_by, a->x->actor) == 0)
        return jz_error_set(err, JZ_EDENIED, "batch", v,
                            "批次由您编制，须由另一名工作人员审核（R-PAY-3）");
    if (b.lines == 0)
        return jz_error_set(err, JZ_EINPUT, "batch", v, "批次没有发放明细，无需审核");
    snprintf(b.approved_by, sizeof b.approved_by, "%s", a->x->actor);
    jz__pay_now(b.approved_at, sizeof b.approved_at);
    b.state = JZ_BATCH_APPROVED;
    if ((rc = jz_store_pay_batch_set(s, &b, JZ_BATCH_PREPARED, err)))
        return rc;
    char entity[48], after[160];
    snprintf(entity, sizeof entity, "pay-batch:%lld", (long long)b.id);
    snprintf(after, sizeof after, "{\"state\":\"approved\",\"prepared_by\":\"%s\"}", b.prepared_by);
    rc = jz_store_audit(s, b.county, "pay.batch.approve", entity, "", after, err);
    if (!rc && a->out)
        *a->out = b;
    return rc;
}

jz_err jz_pay_batch_approve(jz_ctx *x, int64_t id, jz_pay_batch *out, jz_error *err)
{
    approve a = {x, id, out};
    return jz_store_run_as(x->store, x->actor, approve_in_tx, &a, err);
}

jz_err jz_pay_batch_get(jz_ctx *x, int64_t id, jz_pay_batch *out, jz_error *err)
{
    jz_err rc = jz_store_pay_batch_get(x->store, id, out, err);
    if (!rc && !jz__pay_in_scope(x, out->county)) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)id);
        return jz_error_set(err, JZ_ENOTFOUND, "batch", v, "没有这个发放批次");
    }
    return rc;
}

jz_err jz_pay_batch_lines(jz_ctx *x, int64_t id, void (*fn)(const jz_pay_line *l, void *arg),
                          void *arg, jz_error *err)
{
    jz_pay_batch b;
    jz_err rc = jz_pay_batch_get(x, id, &b, err);
    return rc ? rc : jz_store_pay_lines_of_batch(x->store, id, fn, arg, err);
}
