/*
 * sqlite_pay_once.c - the SQLite statements of one-time programmes, holds
 * and repayments (jz_store_pay.h; the tables of migration 7).  Statements
 * only: lib/pay decides who is paid, which months are held and what may be
 * repaid, and audits it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_int.h"

static jz_err finish(sq *q, sqlite3_stmt *st, const char *what, jz_error *err)
{
    int s = sqlite3_step(st);
    jz_err rc = s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, what);
    jz__sq_done(q, st);
    return rc;
}

static void id_text(int64_t id, char v[32])
{
    snprintf(v, 32, "%lld", (long long)id);
}

/* ---- holds ---------------------------------------------------------------------- */

jz_err jz__sq_pay_hold_add(void *impl, const jz_enrolment *e, const jz_pay_hold *h, bool replace,
                           jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              replace ? "INSERT INTO enrol_holds(enrolment, from_month, to_month,"
                                        " county, reason, back_pay) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
                                        " ON CONFLICT(enrolment, from_month) DO UPDATE SET"
                                        " to_month = ?3, reason = ?5, back_pay = ?6"
                                      : "INSERT INTO enrol_holds(enrolment, from_month, to_month,"
                                        " county, reason, back_pay) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
                                        " ON CONFLICT(enrolment, from_month) DO NOTHING",
                              &st, "记录暂停发放", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, e->id);
    sqlite3_bind_text(st, 2, h->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, h->to, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, e->county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, h->reason, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, h->back_pay);
    if ((rc = finish(q, st, "记录暂停发放", err)))
        return rc;
    if (sqlite3_changes(q->db) != 1) {
        char v[32];
        id_text(e->id, v);
        return jz_error_set(err, JZ_ECONFLICT, "enrolment", v, "这条救助已有自 %s 起的暂停发放记录",
                            h->from);
    }
    return jz__sq_pay_dirty(q, e->id, e->county, err);
}

jz_err jz__sq_pay_hold_end(void *impl, const jz_enrolment *e, const char *to, bool back_pay,
                           jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "UPDATE enrol_holds SET to_month = ?2, back_pay = ?3"
                              " WHERE enrolment = ?1 AND to_month = ''",
                              &st, "解除暂停发放", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, e->id);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, back_pay);
    if ((rc = finish(q, st, "解除暂停发放", err)))
        return rc;
    if (sqlite3_changes(q->db) != 1) {
        char v[32];
        id_text(e->id, v);
        return jz_error_set(err, JZ_ENOTFOUND, "enrolment", v, "这条救助没有未解除的暂停发放");
    }
    return jz__sq_pay_dirty(q, e->id, e->county, err);
}

/* ---- one-time programmes ------------------------------------------------------------ */

jz_err jz__sq_pay_members(void *impl, const char *household_id,
                          void (*fn)(const jz_pay_member *m, void *arg), void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc =
        jz__sq_cached(q,
                      "SELECT m.id_number, m.name, m.deceased, m.presence, m.birth FROM members m"
                      " JOIN households h ON h.hh = m.hh WHERE h.household_id = ?1"
                      " ORDER BY m.idx",
                      &st, "读取家庭成员", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, household_id, -1, SQLITE_STATIC);
    jz_pay_member m;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&m, 0, sizeof m);
        jz__sq_copy_text(m.id, sizeof m.id, st, 0);
        jz__sq_copy_text(m.name, sizeof m.name, st, 1);
        m.deceased = sqlite3_column_int(st, 2);
        m.present = sqlite3_column_int(st, 3) == JZ_PRES_PRESENT;
        m.birth = sqlite3_column_int(st, 4);
        fn(&m, arg);
    }
    return jz__sq_end(q, st, s, "读取家庭成员", err);
}

jz_err jz__sq_pay_once_totals(void *impl, const char *programme, const char *prefix,
                              jz_store_once_totals *out, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    memset(out, 0, sizeof *out);
    jz_err rc = jz__sq_cached(q,
                              "SELECT count(*), coalesce(sum(amount), 0),"
                              " coalesce(sum(province_share), 0), coalesce(sum(local_share), 0)"
                              " FROM pay_lines WHERE kind = ?3 AND programme = ?1"
                              " AND substr(region, 1, length(?2)) = ?2",
                              &st, "汇总一次性发放", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, programme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, JZ_PAY_ONCE);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        out->lines = sqlite3_column_int64(st, 0);
        out->total = sqlite3_column_int64(st, 1);
        out->province = sqlite3_column_int64(st, 2);
        out->local = sqlite3_column_int64(st, 3);
    }
    rc = s == SQLITE_ROW ? JZ_OK : jz__sq_error(q, err, "汇总一次性发放");
    jz__sq_done(q, st);
    return rc;
}

/* ---- repayments ------------------------------------------------------------------------ */

jz_err jz__sq_repayment_add(void *impl, jz_repayment *p, const char *county, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    /* The balance covers it, or nothing is written. */
    jz_err rc = jz__sq_cached(q,
                              "UPDATE recoveries SET balance = balance - ?2"
                              " WHERE recovery = ?1 AND ?2 > 0 AND balance >= ?2",
                              &st, "记录退回", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, p->recovery);
    sqlite3_bind_int64(st, 2, p->amount);
    if ((rc = finish(q, st, "记录退回", err)))
        return rc;
    if (sqlite3_changes(q->db) != 1) {
        char v[32];
        id_text(p->recovery, v);
        return jz_error_set(err, JZ_ECONFLICT, "recovery", v,
                            "退回金额超过追回余额（余额已变），未写入任何内容");
    }
    if ((rc = jz__sq_cached(q,
                            "INSERT INTO repayments(recovery, county, amount, on_date, note,"
                            " recorded_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                            &st, "记录退回", err)))
        return rc;
    char now[32];
    jz__now_text(now, sizeof now);
    sqlite3_bind_int64(st, 1, p->recovery);
    sqlite3_bind_text(st, 2, county, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, p->amount);
    sqlite3_bind_int(st, 4, p->on);
    sqlite3_bind_text(st, 5, p->note, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, now, -1, SQLITE_TRANSIENT);
    if ((rc = finish(q, st, "记录退回", err)))
        return rc;
    p->id = sqlite3_last_insert_rowid(q->db);
    return JZ_OK;
}

jz_err jz__sq_repayments(void *impl, int64_t recovery, void (*fn)(const jz_repayment *p, void *arg),
                         void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "SELECT repayment, recovery, amount, on_date, note FROM repayments"
                              " WHERE recovery = ?1 ORDER BY repayment",
                              &st, "读取退回记录", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, recovery);
    jz_repayment p;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&p, 0, sizeof p);
        p.id = sqlite3_column_int64(st, 0);
        p.recovery = sqlite3_column_int64(st, 1);
        p.amount = sqlite3_column_int64(st, 2);
        p.on = sqlite3_column_int(st, 3);
        jz__sq_copy_text(p.note, sizeof p.note, st, 4);
        fn(&p, arg);
    }
    return jz__sq_end(q, st, s, "读取退回记录", err);
}
