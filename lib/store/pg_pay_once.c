/*
 * pg_pay_once.c - the PostgreSQL statements of one-time programmes, holds
 * and repayments (jz_store_pay.h): sqlite_pay_once.c's, with the same facts
 * and errors.  Each write is one statement whose condition PostgreSQL
 * checks on the row it locks (an open hold, a balance) or that a primary
 * key decides (ON CONFLICT), so that two writers cannot both act on the
 * same old row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_pay.h"

/* Runs a statement without rows; *n the rows it changed. */
static jz_err changed(pg *q, const char *sql, const jz__pg_params *p, const char *what, int64_t *n,
                      jz_error *err)
{
    jz_err rc;
    PGresult *r = jz__pg_run(q, sql, p, what, &rc, err);
    if (!r)
        return rc;
    *n = strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return JZ_OK;
}

static void id_text(int64_t id, char v[32])
{
    snprintf(v, 32, "%lld", (long long)id);
}

/* ---- holds ---------------------------------------------------------------------- */

jz_err jz__pg_pay_hold_add(void *impl, const jz_enrolment *e, const jz_pay_hold *h, bool replace,
                           jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, e->id);
    jz__pg_p_text(&p, h->from);
    jz__pg_p_text(&p, h->to);
    jz__pg_p_text(&p, e->county);
    jz__pg_p_text(&p, h->reason);
    jz__pg_p_int(&p, h->back_pay);
    int64_t n = 0;
    jz_err rc = changed(q,
                        replace ? "INSERT INTO enrol_holds(enrolment, from_month, to_month,"
                                  " county, reason, back_pay) VALUES($1, $2, $3, $4, $5, $6)"
                                  " ON CONFLICT(enrolment, from_month) DO UPDATE SET"
                                  " to_month = excluded.to_month, reason = excluded.reason,"
                                  " back_pay = excluded.back_pay"
                                : "INSERT INTO enrol_holds(enrolment, from_month, to_month,"
                                  " county, reason, back_pay) VALUES($1, $2, $3, $4, $5, $6)"
                                  " ON CONFLICT(enrolment, from_month) DO NOTHING",
                        &p, "记录暂停发放", &n, err);
    if (rc)
        return rc;
    if (n != 1) {
        char v[32];
        id_text(e->id, v);
        return jz_error_set(err, JZ_ECONFLICT, "enrolment", v, "这条救助已有自 %s 起的暂停发放记录",
                            h->from);
    }
    return jz__pg_pay_dirty(q, e->id, e->county, err);
}

jz_err jz__pg_pay_hold_end(void *impl, const jz_enrolment *e, const char *to, bool back_pay,
                           jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, e->id);
    jz__pg_p_text(&p, to);
    jz__pg_p_int(&p, back_pay);
    int64_t n = 0;
    jz_err rc = changed(q,
                        "UPDATE enrol_holds SET to_month = $2, back_pay = $3"
                        " WHERE enrolment = $1 AND to_month = ''",
                        &p, "解除暂停发放", &n, err);
    if (rc)
        return rc;
    if (n != 1) {
        char v[32];
        id_text(e->id, v);
        return jz_error_set(err, JZ_ENOTFOUND, "enrolment", v, "这条救助没有未解除的暂停发放");
    }
    return jz__pg_pay_dirty(q, e->id, e->county, err);
}

/* ---- one-time programmes ------------------------------------------------------------ */

jz_err jz__pg_pay_members(void *impl, const char *household_id,
                          void (*fn)(const jz_pay_member *m, void *arg), void *arg, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, household_id);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT m.id_number, m.name, m.deceased, m.presence, m.birth"
                             " FROM households h JOIN members m ON m.county = h.county"
                             " AND m.hh = h.hh WHERE h.household_id = $1 ORDER BY m.idx",
                             &p, "读取家庭成员", &rc, err);
    if (!r)
        return rc;
    jz_pay_member m;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        memset(&m, 0, sizeof m);
        jz__pg_copy_text(m.id, sizeof m.id, r, i, 0);
        jz__pg_copy_text(m.name, sizeof m.name, r, i, 1);
        m.deceased = (jz_date)jz__pg_int(r, i, 2);
        m.present = jz__pg_int(r, i, 3) == JZ_PRES_PRESENT;
        m.birth = (jz_date)jz__pg_int(r, i, 4);
        fn(&m, arg);
    }
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_pay_once_totals(void *impl, const char *programme, const char *prefix,
                              jz_store_once_totals *out, jz_error *err)
{
    pg *q = impl;
    memset(out, 0, sizeof *out);
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, programme);
    jz__pg_p_text(&p, prefix);
    jz__pg_p_int(&p, JZ_PAY_ONCE);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT count(*), coalesce(sum(amount), 0),"
                             " coalesce(sum(province_share), 0), coalesce(sum(local_share), 0)"
                             " FROM pay_lines WHERE kind = $3 AND programme = $1"
                             " AND substr(region, 1, length($2)) = $2",
                             &p, "汇总一次性发放", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) > 0) {
        out->lines = jz__pg_int(r, 0, 0);
        out->total = jz__pg_int(r, 0, 1);
        out->province = jz__pg_int(r, 0, 2);
        out->local = jz__pg_int(r, 0, 3);
    }
    PQclear(r);
    return JZ_OK;
}

/* ---- repayments ------------------------------------------------------------------------ */

jz_err jz__pg_repayment_add(void *impl, jz_repayment *rp, const char *county, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, rp->recovery);
    jz__pg_p_int(&p, rp->amount);
    int64_t n = 0;
    /* The balance covers it, or nothing is written (checked again on the
     * row the update locks). */
    jz_err rc = changed(q,
                        "UPDATE recoveries SET balance = balance - $2"
                        " WHERE recovery = $1 AND $2::bigint > 0 AND balance >= $2",
                        &p, "记录退回", &n, err);
    if (rc)
        return rc;
    if (n != 1) {
        char v[32];
        id_text(rp->recovery, v);
        return jz_error_set(err, JZ_ECONFLICT, "recovery", v,
                            "退回金额超过追回余额（余额已变），未写入任何内容");
    }
    char now[32];
    jz__now_text(now, sizeof now);
    jz__pg_params a;
    jz__pg_p_reset(&a);
    jz__pg_p_int(&a, rp->recovery);
    jz__pg_p_text(&a, county);
    jz__pg_p_int(&a, rp->amount);
    jz__pg_p_int(&a, rp->on);
    jz__pg_p_text(&a, rp->note);
    jz__pg_p_text(&a, now);
    PGresult *r = jz__pg_run(q,
                             "INSERT INTO repayments(recovery, county, amount, on_date, note,"
                             " recorded_at) VALUES($1, $2, $3, $4, $5, $6) RETURNING repayment",
                             &a, "记录退回", &rc, err);
    if (!r)
        return rc;
    rp->id = jz__pg_int(r, 0, 0);
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_repayments(void *impl, int64_t recovery, void (*fn)(const jz_repayment *p, void *arg),
                         void *arg, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, recovery);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT repayment, recovery, amount, on_date, note FROM repayments"
                             " WHERE recovery = $1 ORDER BY repayment",
                             &p, "读取退回记录", &rc, err);
    if (!r)
        return rc;
    jz_repayment v;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        memset(&v, 0, sizeof v);
        v.id = jz__pg_int(r, i, 0);
        v.recovery = jz__pg_int(r, i, 1);
        v.amount = jz__pg_int(r, i, 2);
        v.on = (jz_date)jz__pg_int(r, i, 3);
        jz__pg_copy_text(v.note, sizeof v.note, r, i, 4);
        fn(&v, arg);
    }
    PQclear(r);
    return JZ_OK;
}
