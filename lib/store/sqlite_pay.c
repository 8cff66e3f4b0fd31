/*
 * sqlite_pay.c - the SQLite backend's payments (jz_store_pay.h; the tables
 * of migration 7).  Statements only: lib/pay decides what is owed, to whom
 * and when, and audits it.  The statements run by the hundred thousand in
 * a planning are prepared once per connection (jz__sq_cached).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_int.h"

static jz_err step_done(sq *q, sqlite3_stmt *st, const char *what, jz_error *err)
{
    int s = sqlite3_step(st);
    jz_err rc = s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, what);
    jz__sq_done(q, st);
    return rc;
}

/* ---- terms, holds, dirty marks ---------------------------------------------------- */

jz_err jz__sq_pay_dirty(sq *q, int64_t enrolment, const char *county, jz_error *err)
{
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "INSERT INTO pay_dirty(enrolment, county) VALUES(?1, ?2)"
                              " ON CONFLICT(enrolment) DO NOTHING",
                              &st, "标记待核对的发放", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, enrolment);
    sqlite3_bind_text(st, 2, county, -1, SQLITE_STATIC);
    return step_done(q, st, "标记待核对的发放", err);
}

jz_err jz__sq_pay_mark(void *impl, int64_t enrolment, const char *county, jz_error *err)
{
    return jz__sq_pay_dirty(impl, enrolment, county, err);
}

jz_err jz__sq_enrol_term(void *impl, const jz_enrolment *e, const char *since, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "INSERT INTO enrol_terms(enrolment, since, county, monthly, persons)"
                              " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(enrolment, since)"
                              " DO UPDATE SET monthly = ?4, persons = ?5",
                              &st, "记录救助金额", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, e->id);
    sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->county, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, e->monthly);
    sqlite3_bind_int(st, 5, e->persons);
    if ((rc = step_done(q, st, "记录救助金额", err)))
        return rc;
    return jz__sq_pay_dirty(q, e->id, e->county, err);
}

/* _Static_assert'd in sqlite_proc.c's way: the programme numbers the SQL
 * below names. */
_Static_assert(JZ_UNIT_DIBAO == 0 && JZ_UNIT_DIBAO_EXPENDITURE == 1 && JZ_UNIT_SINGLE_DIBAO == 4 &&
                   JZ_UNIT_TEKUN == 5 && JZ_ENROL_STOPPED == 2,
               "the programmes and status named in UNIT_SQL");

/* An enrolment with what planning needs to know of it. */
#define UNIT_SELECT                                                                                \
    "SELECT " JZ__SQ_ENROL_COLUMNS_E ","                                                           \
    " (SELECT group_concat(since || ':' || monthly || ':' || persons, ',') FROM"                   \
    "   (SELECT since, monthly, persons FROM enrol_terms t WHERE t.enrolment = e.enrolment"        \
    "    ORDER BY since)),"                                                                        \
    " (SELECT group_concat(from_month || '|' || to_month || '|' || back_pay || '|' || reason,"     \
    "   char(31)) FROM enrol_holds h WHERE h.enrolment = e.enrolment),"                            \
    " (SELECT n_members FROM households x WHERE x.household_id = e.household_id),"                 \
    " CASE WHEN e.member_id <> '' AND e.programme IN (4, 5) THEN"                                  \
    "   (SELECT max(persons) FROM enrolments d WHERE d.household_id = e.household_id"              \
    "    AND d.member_id = '' AND d.programme IN (0, 1) AND d.status <> 2) ELSE 0 END,"            \
    " CASE WHEN e.member_id <> '' AND e.programme IN (4, 5) THEN"                                  \
    "   (SELECT count(*) FROM enrolments o WHERE o.household_id = e.household_id"                  \
    "    AND o.member_id <> '' AND o.programme IN (4, 5) AND o.status <> 2) ELSE 0 END,"           \
    " (SELECT payee FROM payees p WHERE p.household_id = e.household_id"                           \
    "   AND p.member_id = '' AND p.current = 1),"                                                  \
    " (SELECT payee FROM payees p WHERE p.household_id = e.household_id"                           \
    "   AND p.member_id = e.member_id AND e.member_id <> '' AND p.current = 1),"                   \
    " (SELECT institution FROM payees p WHERE p.household_id = e.household_id"                     \
    "   AND p.member_id = e.member_id AND e.member_id <> '' AND p.current = 1),"                   \
    " d.enrolment IS NOT NULL"                                                                     \
    " FROM enrolments e LEFT JOIN pay_dirty d ON d.enrolment = e.enrolment"

/* ?1 region prefix, ?2 month, ?3 quarter, ?4 quarter_start. */
#define UNIT_SQL                                                                                   \
    UNIT_SELECT                                                                                    \
    " WHERE substr(e.region, 1, length(?1)) = ?1 AND (d.enrolment IS NOT NULL OR ("                \
    "   (e.programme IN (0, 1, 4) OR (e.programme = 5 AND ?4))"                                    \
    "   AND e.first_month <= ?2 AND (e.status <> 2 OR e.end_month >= ?2)"                          \
    "   AND NOT EXISTS(SELECT 1 FROM pay_lines l WHERE l.enrolment = e.enrolment AND l.kind = 0"   \
    "     AND l.period = CASE WHEN e.programme = 5 THEN ?3 ELSE ?2 END)))"                         \
    " ORDER BY e.enrolment"

/* A row of UNIT_SELECT. */
static void read_unit(sqlite3_stmt *st, jz_pay_unit *u)
{
    memset(u, 0, sizeof *u);
    int k = jz__sq_read_enrolment(st, &u->e);
    jz__pay_parse_terms((const char *)sqlite3_column_text(st, k++), u);
    jz__pay_parse_holds((const char *)sqlite3_column_text(st, k++), u);
    u->members = sqlite3_column_int(st, k++);
    u->household_persons = sqlite3_column_int(st, k++);
    u->own_units = sqlite3_column_int(st, k++);
    u->payee_household = sqlite3_column_int64(st, k++);
    u->payee_person = sqlite3_column_int64(st, k++);
    u->payee_institution = sqlite3_column_int64(st, k++) != 0;
    u->dirty = sqlite3_column_int(st, k++) != 0;
}

/* Each unit a bound statement of UNIT_SELECT's columns reads, to fn. */
static jz_err each_unit(sq *q, sqlite3_stmt *st, void (*fn)(const jz_pay_unit *u, void *arg),
                        void *arg, jz_error *err)
{
    jz_pay_unit *u = malloc(sizeof *u); /* large: its terms and holds */
    if (!u) {
        jz__sq_done(q, st);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        read_unit(st, u);
        fn(u, arg);
    }
    free(u);
    return jz__sq_end(q, st, s, "读取救助对象", err);
}

jz_err jz__sq_pay_units_all(void *impl, const char *prefix,
                            void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              UNIT_SELECT " WHERE substr(e.region, 1, length(?1)) = ?1"
                                          " ORDER BY e.household_id, e.enrolment",
                              &st, "读取救助对象", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    return each_unit(q, st, fn, arg, err);
}

jz_err jz__sq_pay_units(void *impl, const char *prefix, const char *month, const char *quarter,
                        bool quarter_start, void (*fn)(const jz_pay_unit *u, void *arg), void *arg,
                        jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q, UNIT_SQL, &st, "读取救助对象", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, month, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, quarter, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, quarter_start);
    return each_unit(q, st, fn, arg, err);
}

static void read_unit_any(sqlite3_stmt *st, void *out)
{
    read_unit(st, out);
}

jz_err jz__sq_pay_unit(void *impl, int64_t enrolment, jz_pay_unit *out, jz_error *err)
{
    return jz__sq_get_by_id(impl, UNIT_SELECT " WHERE e.enrolment = ?1", enrolment, read_unit_any,
                            out, "enrolment", "没有这条救助", "读取救助对象", err);
}

jz_err jz__sq_pay_owed(void *impl, int64_t enrolment,
                       void (*fn)(const jz_pay_held_row *r, void *arg), void *arg,
                       jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(
        q,
        "SELECT l.line, l.kind, CASE l.kind WHEN 1 THEN l.ref_period ELSE l.period END,"
        " l.amount, l.status, l.batch, l.refers_to, coalesce(b.state, -1)"
        " FROM pay_lines l LEFT JOIN pay_batches b ON l.batch > 0 AND b.batch = l.batch"
        " WHERE l.enrolment = ?1 AND l.kind IN (0, 1, 3) ORDER BY l.line",
        &st, "读取已计发金额", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, enrolment);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        jz_pay_held_row r;
        memset(&r, 0, sizeof r);
        r.line = sqlite3_column_int64(st, 0);
        r.kind = (uint8_t)sqlite3_column_int(st, 1);
        jz__sq_copy_text(r.period, sizeof r.period, st, 2);
        r.amount = sqlite3_column_int64(st, 3);
        r.status = (uint8_t)sqlite3_column_int(st, 4);
        r.batch = sqlite3_column_int64(st, 5);
        r.refers_to = sqlite3_column_int64(st, 6);
        r.batch_state = (int8_t)sqlite3_column_int(st, 7);
        fn(&r, arg);
    }
    return jz__sq_end(q, st, s, "读取已计发金额", err);
}

jz_err jz__sq_pay_count_regular(void *impl, const char *prefix, const char *month,
                                const char *quarter, int64_t *n, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    *n = 0;
    jz_err rc = jz__sq_cached(q,
                              "SELECT count(*) FROM pay_lines WHERE kind = 0 AND period IN (?2, ?3)"
                              " AND substr(region, 1, length(?1)) = ?1",
                              &st, "统计发放明细", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, month, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, quarter, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    rc = s == SQLITE_ROW ? JZ_OK : jz__sq_error(q, err, "统计发放明细");
    jz__sq_done(q, st);
    return rc;
}

jz_err jz__sq_pay_clean(void *impl, const char *prefix, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "DELETE FROM pay_dirty WHERE enrolment IN (SELECT enrolment FROM"
                              " enrolments WHERE substr(region, 1, length(?1)) = ?1)",
                              &st, "清除待核对标记", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    return step_done(q, st, "清除待核对标记", err);
}

/* The first or last month planned in a county (sql: min or max). */
static jz_err plan_edge(sq *q, const char *sql, const char *county, char out[JZ_PERIOD_BUF],
                        jz_error *err)
{
    sqlite3_stmt *st;
    out[0] = '\0';
    jz_err rc = jz__sq_cached(q, sql, &st, "读取发放计划", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, county, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        jz__sq_copy_text(out, JZ_PERIOD_BUF, st, 0);
    rc = s == SQLITE_ROW || s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "读取发放计划");
    jz__sq_done(q, st);
    return rc;
}

jz_err jz__sq_pay_plan_first(void *impl, const char *county, char first[JZ_PERIOD_BUF],
                             jz_error *err)
{
    return plan_edge(impl, "SELECT min(period) FROM pay_plans WHERE county = ?1", county, first,
                     err);
}

jz_err jz__sq_pay_plan_last(void *impl, const char *county, char last[JZ_PERIOD_BUF], jz_error *err)
{
    return plan_edge(impl, "SELECT max(period) FROM pay_plans WHERE county = ?1", county, last,
                     err);
}

jz_err jz__sq_pay_plan_mark(void *impl, const char *county, const char *period,
                            char first[JZ_PERIOD_BUF], jz_error *err)
{
    sq *q = impl;
    jz_err rc = jz__sq_pay_plan_first(impl, county, first, err);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if ((rc = jz__sq_cached(q,
                            "INSERT INTO pay_plans(county, period, runs, first_at, last_at)"
                            " VALUES(?1, ?2, 1, ?3, ?3) ON CONFLICT(county, period)"
                            " DO UPDATE SET runs = runs + 1, last_at = ?3",
                            &st, "记录发放计划", err)))
        return rc;
    char now[32];
    jz__now_text(now, sizeof now);
    sqlite3_bind_text(st, 1, county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
    return step_done(q, st, "记录发放计划", err);
}

/* ---- lines -------------------------------------------------------------------------- */

#define LINE_COLUMNS                                                                               \
    "line, county, region, household_id, enrolment, programme, period, kind, ref_period,"          \
    " refers_to, member_id, label, persons, amount, province_share, local_share, voucher,"         \
    " payee, batch, status, result, reason"

static void read_line(sqlite3_stmt *st, jz_pay_line *l)
{
    memset(l, 0, sizeof *l);
    int k = 0;
    l->id = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(l->county, sizeof l->county, st, k++);
    jz__sq_copy_text(l->region, sizeof l->region, st, k++);
    jz__sq_copy_text(l->household_id, sizeof l->household_id, st, k++);
    l->enrolment = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(l->programme, sizeof l->programme, st, k++);
    jz__sq_copy_text(l->period, sizeof l->period, st, k++);
    l->kind = (uint8_t)sqlite3_column_int(st, k++);
    jz__sq_copy_text(l->ref_period, sizeof l->ref_period, st, k++);
    l->refers_to = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(l->member_id, sizeof l->member_id, st, k++);
    jz__sq_copy_text(l->label, sizeof l->label, st, k++);
    l->persons = sqlite3_column_int(st, k++);
    l->amount = sqlite3_column_int64(st, k++);
    l->province_share = sqlite3_column_int64(st, k++);
    l->local_share = sqlite3_column_int64(st, k++);
    l->voucher = sqlite3_column_int(st, k++) != 0;
    l->payee = sqlite3_column_int64(st, k++);
    l->batch = sqlite3_column_int64(st, k++);
    l->status = (uint8_t)sqlite3_column_int(st, k++);
    jz__sq_copy_text(l->result, sizeof l->result, st, k++);
    jz__sq_copy_text(l->reason, sizeof l->reason, st, k++);
}

jz_err jz__sq_pay_line_add(void *impl, jz_pay_line *l, bool *added, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    *added = false;
    jz_err rc = jz__sq_cached(q,
                              "INSERT INTO pay_lines(" LINE_COLUMNS ", planned_at) VALUES(NULL,"
                              " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
                              " ?17, ?18, ?19, ?20, ?21, ?22, ?23) ON CONFLICT DO NOTHING",
                              &st, "记录发放明细", err);
    if (rc)
        return rc;
    char now[32];
    jz__now_text(now, sizeof now);
    int k = 2;
    sqlite3_bind_text(st, k++, l->county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, l->region, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, l->household_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, k++, l->enrolment);
    sqlite3_bind_text(st, k++, l->programme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, l->period, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, l->kind);
    sqlite3_bind_text(st, k++, l->ref_period, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, k++, l->refers_to);
    sqlite3_bind_text(st, k++, l->member_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, l->label, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, l->persons);
    sqlite3_bind_int64(st, k++, l->amount);
    sqlite3_bind_int64(st, k++, l->province_share);
    sqlite3_bind_int64(st, k++, l->local_share);
    sqlite3_bind_int(st, k++, l->voucher);
    sqlite3_bind_int64(st, k++, l->payee);
    sqlite3_bind_int64(st, k++, l->batch);
    sqlite3_bind_int(st, k++, l->status);
    sqlite3_bind_text(st, k++, l->result, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, l->reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, now, -1, SQLITE_TRANSIENT);
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE && sqlite3_changes(q->db) == 1) {
        *added = true;
        l->id = sqlite3_last_insert_rowid(q->db);
    }
    return jz__sq_end(q, st, s, "记录发放明细", err);
}

static void read_line_any(sqlite3_stmt *st, void *out)
{
    read_line(st, out);
}

jz_err jz__sq_pay_line_get(void *impl, int64_t id, jz_pay_line *l, jz_error *err)
{
    return jz__sq_get_by_id(impl, "SELECT " LINE_COLUMNS " FROM pay_lines WHERE line = ?1", id,
                            read_line_any, l, "line", "没有这条发放明细", "读取发放明细", err);
}

jz_err jz__sq_pay_line_set(void *impl, const jz_pay_line *l, uint8_t was, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "UPDATE pay_lines SET payee = ?2, batch = ?3, status = ?4,"
                              " result = ?5, reason = ?6 WHERE line = ?1 AND status = ?7",
                              &st, "更新发放明细", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, l->id);
    sqlite3_bind_int64(st, 2, l->payee);
    sqlite3_bind_int64(st, 3, l->batch);
    sqlite3_bind_int(st, 4, l->status);
    sqlite3_bind_text(st, 5, l->result, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, l->reason, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, was);
    if ((rc = step_done(q, st, "更新发放明细", err)))
        return rc;
    if (sqlite3_changes(q->db) != 1) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)l->id);
        return jz_error_set(err, JZ_ECONFLICT, "line", v,
                            "发放明细已被他人处理（状态已变），未写入任何内容");
    }
    return JZ_OK;
}

static jz_err each_line(sq *q, sqlite3_stmt *st, void (*fn)(const jz_pay_line *l, void *arg),
                        void *arg, jz_error *err)
{
    jz_pay_line l;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        read_line(st, &l);
        fn(&l, arg);
    }
    return jz__sq_end(q, st, s, "读取发放明细", err);
}

jz_err jz__sq_pay_lines_open(void *impl, const char *county, unsigned mask,
                             void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "SELECT " LINE_COLUMNS " FROM pay_lines WHERE county = ?1"
                              " AND ((1 << status) & ?2) <> 0 ORDER BY line",
                              &st, "读取发放明细", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, county, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)mask);
    return each_line(q, st, fn, arg, err);
}

jz_err jz__sq_pay_lines_of_batch(void *impl, int64_t batch,
                                 void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                 jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "SELECT " LINE_COLUMNS " FROM pay_lines WHERE batch = ?1 AND"
                              " batch > 0 ORDER BY line",
                              &st, "读取发放明细", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, batch);
    return each_line(q, st, fn, arg, err);
}

jz_err jz__sq_pay_lines_move(void *impl, int64_t batch, uint8_t from, uint8_t to, int64_t *n,
                             jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    *n = 0;
    jz_err rc = jz__sq_cached(q,
                              "UPDATE pay_lines SET status = ?3 WHERE batch = ?1 AND batch > 0"
                              " AND status = ?2",
                              &st, "更新发放明细", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, batch);
    sqlite3_bind_int(st, 2, from);
    sqlite3_bind_int(st, 3, to);
    if ((rc = step_done(q, st, "更新发放明细", err)))
        return rc;
    *n = sqlite3_changes(q->db);
    return JZ_OK;
}

jz_err jz__sq_pay_lines_settle(void *impl, int64_t batch, uint8_t from, uint8_t to,
                               const char *result, int64_t *n, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    *n = 0;
    jz_err rc = jz__sq_cached(q,
                              "UPDATE pay_lines SET status = ?3, result = ?4 WHERE batch = ?1"
                              " AND batch > 0 AND status = ?2",
                              &st, "更新发放明细", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, batch);
    sqlite3_bind_int(st, 2, from);
    sqlite3_bind_int(st, 3, to);
    sqlite3_bind_text(st, 4, result, -1, SQLITE_STATIC);
    if ((rc = step_done(q, st, "更新发放明细", err)))
        return rc;
    *n = sqlite3_changes(q->db);
    return JZ_OK;
}

jz_err jz__sq_pay_batch_accounts(void *impl, int64_t batch,
                                 void (*fn)(const jz_pay_sent_line *l, void *arg), void *arg,
                                 jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "SELECT l.line, l.payee, l.amount, l.status,"
                              " CASE WHEN l.voucher THEN l.member_id ELSE coalesce(p.account, '') END"
                              " FROM pay_lines l LEFT JOIN payees p ON p.payee = l.payee"
                              " WHERE l.batch = ?1 AND l.batch > 0 ORDER BY l.line",
                              &st, "读取发放明细", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, batch);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        jz_pay_sent_line l = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                              sqlite3_column_int64(st, 2), (uint8_t)sqlite3_column_int(st, 3),
                              (const char *)sqlite3_column_text(st, 4)};
        fn(&l, arg);
    }
    return jz__sq_end(q, st, s, "读取发放明细", err);
}

jz_err jz__sq_pay_lines_of_household(void *impl, const char *household_id,
                                     void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                     jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "SELECT " LINE_COLUMNS " FROM pay_lines WHERE household_id = ?1"
                              " ORDER BY line",
                              &st, "读取发放明细", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, household_id, -1, SQLITE_STATIC);
    return each_line(q, st, fn, arg, err);
}

/* ---- payees and institutions --------------------------------------------------------- */

#define PAYEE_COLUMNS                                                                              \
    "payee, county, household_id, member_id, holder_name, holder_id, bank, account,"               \
    " institution, version"

static void read_payee(sqlite3_stmt *st, jz_payee *p)
{
    memset(p, 0, sizeof *p);
    int k = 0;
    p->id = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(p->county, sizeof p->county, st, k++);
    jz__sq_copy_text(p->household_id, sizeof p->household_id, st, k++);
    jz__sq_copy_text(p->member_id, sizeof p->member_id, st, k++);
    jz__sq_copy_text(p->holder_name, sizeof p->holder_name, st, k++);
    jz__sq_copy_text(p->holder_id, sizeof p->holder_id, st, k++);
    jz__sq_copy_text(p->bank, sizeof p->bank, st, k++);
    jz__sq_copy_text(p->account, sizeof p->account, st, k++);
    p->institution = sqlite3_column_int64(st, k++);
    p->version = sqlite3_column_int(st, k++);
}

static jz_err one_payee(sq *q, sqlite3_stmt *st, jz_payee *out, const char *value, jz_error *err)
{
    int s = sqlite3_step(st);
    jz_err rc = JZ_OK;
    if (s == SQLITE_ROW)
        read_payee(st, out);
    else if (s == SQLITE_DONE)
        rc = jz_error_set(err, JZ_ENOTFOUND, "payee", value, "未登记收款账户");
    else
        rc = jz__sq_error(q, err, "读取收款人");
    jz__sq_done(q, st);
    return rc;
}

jz_err jz__sq_payee_current(void *impl, const char *household_id, const char *member_id,
                            jz_payee *out, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "SELECT " PAYEE_COLUMNS " FROM payees WHERE household_id = ?1"
                              " AND member_id = ?2 AND current = 1",
                              &st, "读取收款人", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, household_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, member_id, -1, SQLITE_STATIC);
    return one_payee(q, st, out, household_id, err);
}

jz_err jz__sq_payee_sharing(void *impl, const char *bank, const char *account,
                            const char *household_id, int max,
                            void (*fn)(const char *household_id, void *arg), void *arg,
                            jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "SELECT DISTINCT household_id FROM payees WHERE account = ?1"
                              " AND bank = ?2 AND current = 1 AND household_id <> ?3"
                              " ORDER BY household_id LIMIT ?4",
                              &st, "读取收款人", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, bank, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, household_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, max);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        fn((const char *)sqlite3_column_text(st, 0), arg);
    return jz__sq_end(q, st, s, "读取收款人", err);
}

jz_err jz__sq_payee_get(void *impl, int64_t id, jz_payee *out, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q, "SELECT " PAYEE_COLUMNS " FROM payees WHERE payee = ?1", &st,
                              "读取收款人", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)id);
    return one_payee(q, st, out, v, err);
}

jz_err jz__sq_payee_put(void *impl, jz_payee *p, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    int version = 0;
    jz_err rc = jz__sq_cached(q,
                              "SELECT coalesce(max(version), 0) FROM payees WHERE household_id = ?1"
                              " AND member_id = ?2",
                              &st, "记录收款人", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, p->household_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->member_id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    jz__sq_done(q, st);
    if ((rc = jz__sq_cached(q,
                            "UPDATE payees SET current = 0 WHERE household_id = ?1"
                            " AND member_id = ?2 AND current = 1",
                            &st, "记录收款人", err)))
        return rc;
    sqlite3_bind_text(st, 1, p->household_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->member_id, -1, SQLITE_STATIC);
    if ((rc = step_done(q, st, "记录收款人", err)))
        return rc;
    if ((rc = jz__sq_cached(q,
                            "INSERT INTO payees(county, household_id, member_id, holder_name,"
                            " holder_id, bank, account, institution, version, current, set_at)"
                            " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10)",
                            &st, "记录收款人", err)))
        return rc;
    char now[32];
    jz__now_text(now, sizeof now);
    p->version = version + 1;
    sqlite3_bind_text(st, 1, p->county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->household_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, p->member_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, p->holder_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, p->holder_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, p->bank, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, p->account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, p->institution);
    sqlite3_bind_int(st, 9, p->version);
    sqlite3_bind_text(st, 10, now, -1, SQLITE_TRANSIENT);
    if ((rc = step_done(q, st, "记录收款人", err)))
        return rc;
    p->id = sqlite3_last_insert_rowid(q->db);
    return JZ_OK;
}

jz_err jz__sq_institution_put(void *impl, jz_institution *i, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(
        q,
        i->id ? "UPDATE institutions SET county = ?2, name = ?3, holder = ?4, bank = ?5,"
                " account = ?6 WHERE institution = ?1"
              : "INSERT INTO institutions(county, name, holder, bank, account)"
                " VALUES(?2, ?3, ?4, ?5, ?6)",
        &st, "记录供养服务机构", err);
    if (rc)
        return rc;
    if (i->id)
        sqlite3_bind_int64(st, 1, i->id);
    sqlite3_bind_text(st, 2, i->county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, i->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, i->holder, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, i->bank, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, i->account, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    jz__sq_done(q, st);
    if (s == SQLITE_CONSTRAINT || (sqlite3_extended_errcode(q->db) & 0xff) == SQLITE_CONSTRAINT)
        return jz_error_set(err, JZ_EINPUT, "name", i->name, "本县已有同名的供养服务机构");
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "记录供养服务机构");
    if (!i->id)
        i->id = sqlite3_last_insert_rowid(q->db);
    return JZ_OK;
}

#define INSTITUTION_COLUMNS "institution, county, name, holder, bank, account"

static void read_institution(sqlite3_stmt *st, void *o)
{
    jz_institution *out = o;
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(st, 0);
    jz__sq_copy_text(out->county, sizeof out->county, st, 1);
    jz__sq_copy_text(out->name, sizeof out->name, st, 2);
    jz__sq_copy_text(out->holder, sizeof out->holder, st, 3);
    jz__sq_copy_text(out->bank, sizeof out->bank, st, 4);
    jz__sq_copy_text(out->account, sizeof out->account, st, 5);
}

jz_err jz__sq_institution_get(void *impl, int64_t id, jz_institution *out, jz_error *err)
{
    return jz__sq_get_by_id(impl,
                            "SELECT " INSTITUTION_COLUMNS " FROM institutions"
                            " WHERE institution = ?1",
                            id, read_institution, out, "institution", "没有这个供养服务机构",
                            "读取供养服务机构", err);
}

jz_err jz__sq_institutions(void *impl, const char *county,
                           void (*fn)(const jz_institution *i, void *arg), void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "SELECT " INSTITUTION_COLUMNS " FROM institutions"
                              " WHERE ?1 = '' OR county = ?1 ORDER BY county, name",
                              &st, "读取供养服务机构", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, county, -1, SQLITE_STATIC);
    jz_institution in;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        read_institution(st, &in);
        fn(&in, arg);
    }
    return jz__sq_end(q, st, s, "读取供养服务机构", err);
}

/* ---- batches ------------------------------------------------------------------------- */

#define BATCH_COLUMNS                                                                              \
    "batch, county, bank, period, state, prepared_by, prepared_at, approved_by, approved_at,"      \
    " exported_at, settled_at, lines, total, file_name, results_sha256"

static void read_batch(sqlite3_stmt *st, jz_pay_batch *b)
{
    memset(b, 0, sizeof *b);
    int k = 0;
    b->id = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(b->county, sizeof b->county, st, k++);
    jz__sq_copy_text(b->bank, sizeof b->bank, st, k++);
    jz__sq_copy_text(b->period, sizeof b->period, st, k++);
    b->state = (uint8_t)sqlite3_column_int(st, k++);
    jz__sq_copy_text(b->prepared_by, sizeof b->prepared_by, st, k++);
    jz__sq_copy_text(b->prepared_at, sizeof b->prepared_at, st, k++);
    jz__sq_copy_text(b->approved_by, sizeof b->approved_by, st, k++);
    jz__sq_copy_text(b->approved_at, sizeof b->approved_at, st, k++);
    jz__sq_copy_text(b->exported_at, sizeof b->exported_at, st, k++);
    jz__sq_copy_text(b->settled_at, sizeof b->settled_at, st, k++);
    b->lines = sqlite3_column_int64(st, k++);
    b->total = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(b->file_name, sizeof b->file_name, st, k++);
    jz__sq_copy_text(b->results_sha256, sizeof b->results_sha256, st, k++);
}

static void bind_batch(sqlite3_stmt *st, const jz_pay_batch *b)
{
    sqlite3_bind_text(st, 2, b->county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b->bank, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, b->period, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, b->state);
    sqlite3_bind_text(st, 6, b->prepared_by, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, b->prepared_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, b->approved_by, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, b->approved_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, b->exported_at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, b->settled_at, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 12, b->lines);
    sqlite3_bind_int64(st, 13, b->total);
    sqlite3_bind_text(st, 14, b->file_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 15, b->results_sha256, -1, SQLITE_STATIC);
}

jz_err jz__sq_pay_batch_add(void *impl, jz_pay_batch *b, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "INSERT INTO pay_batches(" BATCH_COLUMNS ") VALUES(NULL, ?2, ?3, ?4,"
                              " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                              &st, "记录发放批次", err);
    if (rc)
        return rc;
    bind_batch(st, b);
    if ((rc = step_done(q, st, "记录发放批次", err)))
        return rc;
    b->id = sqlite3_last_insert_rowid(q->db);
    return JZ_OK;
}

static void read_batch_any(sqlite3_stmt *st, void *out)
{
    read_batch(st, out);
}

jz_err jz__sq_pay_batch_get(void *impl, int64_t id, jz_pay_batch *b, jz_error *err)
{
    return jz__sq_get_by_id(impl, "SELECT " BATCH_COLUMNS " FROM pay_batches WHERE batch = ?1", id,
                            read_batch_any, b, "batch", "没有这个发放批次", "读取发放批次", err);
}

jz_err jz__sq_pay_batch_set(void *impl, const jz_pay_batch *b, uint8_t was, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "UPDATE pay_batches SET state = ?5, prepared_by = ?6,"
                              " prepared_at = ?7, approved_by = ?8, approved_at = ?9,"
                              " exported_at = ?10, settled_at = ?11, lines = ?12, total = ?13,"
                              " file_name = ?14, results_sha256 = ?15"
                              " WHERE batch = ?1 AND state = ?16 AND county = ?2 AND bank = ?3"
                              " AND period = ?4",
                              &st, "更新发放批次", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, b->id);
    bind_batch(st, b);
    sqlite3_bind_int(st, 16, was);
    if ((rc = step_done(q, st, "更新发放批次", err)))
        return rc;
    if (sqlite3_changes(q->db) != 1) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)b->id);
        return jz_error_set(err, JZ_ECONFLICT, "batch", v,
                            "发放批次已被他人处理（状态已变），未写入任何内容");
    }
    return JZ_OK;
}

jz_err jz__sq_pay_batches(void *impl, const char *county, const char *period,
                          void (*fn)(const jz_pay_batch *b, void *arg), void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "SELECT " BATCH_COLUMNS " FROM pay_batches WHERE (?1 = '' OR"
                              " county = ?1) AND (?2 IS NULL OR period = ?2) ORDER BY batch",
                              &st, "读取发放批次", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, county, -1, SQLITE_STATIC);
    if (period)
        sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
    jz_pay_batch b;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        read_batch(st, &b);
        fn(&b, arg);
    }
    return jz__sq_end(q, st, s, "读取发放批次", err);
}

/* ---- recoveries ------------------------------------------------------------------------ */

#define RECOVERY_COLUMNS                                                                           \
    "recovery, county, household_id, enrolment, from_period, rule, reason, amount, balance,"       \
    " opened_on"

static void read_recovery(sqlite3_stmt *st, jz_recovery *r)
{
    memset(r, 0, sizeof *r);
    int k = 0;
    r->id = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(r->county, sizeof r->county, st, k++);
    jz__sq_copy_text(r->household_id, sizeof r->household_id, st, k++);
    r->enrolment = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(r->from_period, sizeof r->from_period, st, k++);
    jz__sq_copy_text(r->rule, sizeof r->rule, st, k++);
    jz__sq_copy_text(r->reason, sizeof r->reason, st, k++);
    r->amount = sqlite3_column_int64(st, k++);
    r->balance = sqlite3_column_int64(st, k++);
    r->opened_on = sqlite3_column_int(st, k++);
}

jz_err jz__sq_recovery_add(void *impl, jz_recovery *r, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    /* An open recovery of the enrolment grows. */
    jz_err rc = jz__sq_cached(q,
                              "UPDATE recoveries SET amount = amount + ?2, balance = balance + ?2,"
                              " from_period = min(from_period, ?3) WHERE recovery = (SELECT"
                              " max(recovery) FROM recoveries WHERE enrolment = ?1 AND balance > 0)"
                              " RETURNING recovery",
                              &st, "记录追回", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, r->enrolment);
    sqlite3_bind_int64(st, 2, r->amount);
    sqlite3_bind_text(st, 3, r->from_period, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    int64_t id = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    while (s == SQLITE_ROW)
        s = sqlite3_step(st);
    jz__sq_done(q, st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "记录追回");
    if (id) {
        r->id = id;
        return jz__sq_recovery_get(impl, id, r, err);
    }
    char now[32];
    jz__now_text(now, sizeof now);
    if ((rc = jz__sq_cached(q,
                            "INSERT INTO recoveries(county, household_id, enrolment, from_period,"
                            " rule, reason, amount, balance, opened_on, opened_at)"
                            " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9)",
                            &st, "记录追回", err)))
        return rc;
    sqlite3_bind_text(st, 1, r->county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->household_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, r->enrolment);
    sqlite3_bind_text(st, 4, r->from_period, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, r->rule, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, r->reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, r->amount);
    sqlite3_bind_int(st, 8, r->opened_on);
    sqlite3_bind_text(st, 9, now, -1, SQLITE_TRANSIENT);
    if ((rc = step_done(q, st, "记录追回", err)))
        return rc;
    r->id = sqlite3_last_insert_rowid(q->db);
    r->balance = r->amount;
    return JZ_OK;
}

static void read_recovery_any(sqlite3_stmt *st, void *out)
{
    read_recovery(st, out);
}

jz_err jz__sq_recovery_get(void *impl, int64_t id, jz_recovery *r, jz_error *err)
{
    return jz__sq_get_by_id(impl, "SELECT " RECOVERY_COLUMNS " FROM recoveries WHERE recovery = ?1",
                            id, read_recovery_any, r, "recovery", "没有这笔追回", "读取追回", err);
}

jz_err jz__sq_recoveries(void *impl, const char *household_id,
                         void (*fn)(const jz_recovery *r, void *arg), void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q,
                              "SELECT " RECOVERY_COLUMNS " FROM recoveries WHERE ?1 IS NULL OR"
                              " household_id = ?1 ORDER BY recovery",
                              &st, "读取追回", err);
    if (rc)
        return rc;
    if (household_id)
        sqlite3_bind_text(st, 1, household_id, -1, SQLITE_STATIC);
    jz_recovery r;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        read_recovery(st, &r);
        fn(&r, arg);
    }
    return jz__sq_end(q, st, s, "读取追回", err);
}

/* ---- reconciliation and deadlines ------------------------------------------------------- */

/* The lookups of a follow-up's shares name the kinds as literals: the
 * partial unique index pay_lines_once (WHERE kind = 2) serves a query only
 * when its WHERE says so in its text. */
_Static_assert(JZ_PAY_ONCE == 2 && JZ_PAY_FOLLOWUP == 3, "kinds named in SHARE()");
#define SHARE(col)                                                                                 \
    "sum(CASE WHEN kind = 3 THEN coalesce((SELECT o." col " FROM pay_lines o WHERE o.kind = 2"     \
    " AND o.programme = l.programme AND o.member_id = l.member_id), 0) ELSE " col " END)"
#define SHARE_PROVINCE SHARE("province_share")
#define SHARE_LOCAL SHARE("local_share")
#define SUMS_GROUP "programme, kind, status, amount < 0, batch"
#define SUMS_SQL(where)                                                                            \
    "SELECT " SUMS_GROUP ", count(*), sum(amount), " SHARE_PROVINCE ", " SHARE_LOCAL               \
    " FROM pay_lines l WHERE " where " GROUP BY " SUMS_GROUP                                       \
    " ORDER BY programme, kind, status, batch"
#define SCOPE_PERIOD "county = ?1 AND period IN (?2, ?3)"
#define SCOPE_BATCH "batch = ?4 AND batch > 0"

static void bind_scope(sqlite3_stmt *st, const jz_pay_scope *sc)
{
    if (sc->batch > 0) {
        sqlite3_bind_int64(st, 4, sc->batch);
        return;
    }
    sqlite3_bind_text(st, 1, sc->county ? sc->county : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sc->period ? sc->period : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, sc->period2 ? sc->period2 : "", -1, SQLITE_STATIC);
}

jz_err jz__sq_pay_sums(void *impl, const jz_pay_scope *sc,
                       void (*fn)(const jz_pay_sum_row *r, void *arg), void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = sc->batch > 0 ? jz__sq_cached(q, SUMS_SQL(SCOPE_BATCH), &st, "汇总发放明细", err)
                              : jz__sq_cached(q, SUMS_SQL(SCOPE_PERIOD), &st, "汇总发放明细", err);
    if (rc)
        return rc;
    bind_scope(st, sc);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        jz_pay_sum_row r;
        memset(&r, 0, sizeof r);
        jz__sq_copy_text(r.programme, sizeof r.programme, st, 0);
        r.kind = (uint8_t)sqlite3_column_int(st, 1);
        r.status = (uint8_t)sqlite3_column_int(st, 2);
        r.negative = sqlite3_column_int(st, 3) != 0;
        r.batch = sqlite3_column_int64(st, 4);
        r.n = sqlite3_column_int64(st, 5);
        r.amount = sqlite3_column_int64(st, 6);
        r.province = sqlite3_column_int64(st, 7);
        r.local = sqlite3_column_int64(st, 8);
        fn(&r, arg);
    }
    return jz__sq_end(q, st, s, "汇总发放明细", err);
}

#define WHERE_FILTER                                                                               \
    " AND (?5 = 0 OR ((1 << status) & ?5) <> 0) AND (?6 = 0 OR ((1 << kind) & ?6) <> 0)"           \
    " AND (?7 = 0 OR (?7 < 0 AND amount < 0) OR (?7 > 0 AND amount > 0))"                          \
    " AND (?8 = 0 OR (?8 < 0 AND batch = 0) OR (?8 > 0 AND batch > 0))"                            \
    " AND (?9 = 0 OR line < ?9) ORDER BY line"

jz_err jz__sq_pay_lines_where(void *impl, const jz_pay_scope *sc, const jz_pay_line_filter *f,
                              void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = sc->batch > 0 ? jz__sq_cached(q,
                                              "SELECT " LINE_COLUMNS
                                              " FROM pay_lines WHERE " SCOPE_BATCH WHERE_FILTER,
                                              &st, "读取发放明细", err)
                              : jz__sq_cached(q,
                                              "SELECT " LINE_COLUMNS
                                              " FROM pay_lines WHERE " SCOPE_PERIOD WHERE_FILTER,
                                              &st, "读取发放明细", err);
    if (rc)
        return rc;
    bind_scope(st, sc);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)f->status_mask);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)f->kind_mask);
    sqlite3_bind_int(st, 7, f->sign);
    sqlite3_bind_int(st, 8, f->in_batch);
    sqlite3_bind_int64(st, 9, f->below);
    return each_line(q, st, fn, arg, err);
}

#define FACT_BATCHES "((?2 > 0 AND batch = ?2) OR (?2 = 0 AND county = ?1))"

jz_err jz__sq_pay_batch_facts(void *impl, const char *county, int64_t batch,
                              void (*fn)(const jz_pay_batch_fact *f, void *arg), void *arg,
                              jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_pay_batch_fact *v = NULL;
    size_t n = 0, cap = 0;
    jz_err rc = jz__sq_cached(
        q, "SELECT " BATCH_COLUMNS " FROM pay_batches WHERE " FACT_BATCHES " ORDER BY batch", &st,
        "读取发放批次", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, county, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, batch);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 16;
            jz_pay_batch_fact *g = realloc(v, nc * sizeof *g);
            if (!g) {
                jz__sq_done(q, st);
                free(v);
                return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            }
            v = g;
            cap = nc;
        }
        memset(&v[n], 0, sizeof v[n]);
        read_batch(st, &v[n].b);
        n++;
    }
    rc = s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "读取发放批次");
    jz__sq_done(q, st);
    /* Their lines, by batch and status (the batches are sorted by id). */
    if (!rc && n)
        rc = jz__sq_cached(q,
                           "SELECT batch, status, count(*), sum(amount), max(line) FROM pay_lines"
                           " WHERE batch IN (SELECT batch FROM pay_batches WHERE " FACT_BATCHES
                           ") GROUP BY batch, status ORDER BY batch",
                           &st, "汇总批次明细", err);
    if (!rc && n) {
        sqlite3_bind_text(st, 1, county, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, batch);
        size_t i = 0;
        while ((s = sqlite3_step(st)) == SQLITE_ROW) {
            int64_t b = sqlite3_column_int64(st, 0);
            while (i < n && v[i].b.id < b)
                i++;
            if (i == n || v[i].b.id != b)
                continue;
            int status = sqlite3_column_int(st, 1);
            int64_t c = sqlite3_column_int64(st, 2), mx = sqlite3_column_int64(st, 4);
            v[i].n += c;
            v[i].amount += sqlite3_column_int64(st, 3);
            if (mx > v[i].max_line)
                v[i].max_line = mx;
            if (status >= 0 && status < JZ_PL_STATUS_COUNT)
                v[i].by_status[status] += c;
        }
        rc = s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "汇总批次明细");
        jz__sq_done(q, st);
    }
    for (size_t i = 0; i < n && !rc; i++)
        fn(&v[i], arg);
    free(v);
    return rc;
}

jz_err jz__sq_pay_recovery_facts(void *impl, const char *county,
                                 void (*fn)(const jz_pay_recovery_fact *f, void *arg), void *arg,
                                 jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
#define REPAID "coalesce((SELECT sum(p.amount) FROM repayments p WHERE p.recovery = r.recovery), 0)"
    jz_err rc = jz__sq_cached(
        q,
        "SELECT e, max(hh), sum(off), sum(nrec), sum(amt), sum(paid), sum(bal), max(bad) FROM ("
        " SELECT enrolment AS e, household_id AS hh, sum(amount) AS off, 0 AS nrec, 0 AS amt,"
        "  0 AS paid, 0 AS bal, 0 AS bad FROM pay_lines WHERE county = ?1 AND kind = ?2"
        "  AND amount < 0 GROUP BY enrolment"
        " UNION ALL SELECT r.enrolment, r.household_id, 0, 1, r.amount, " REPAID ", r.balance,"
        "  CASE WHEN r.amount - " REPAID " <> r.balance THEN r.recovery ELSE 0 END"
        "  FROM recoveries r WHERE r.county = ?1)"
        " GROUP BY e ORDER BY e",
        &st, "核对追回", err);
#undef REPAID
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, county, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, JZ_PAY_ADJUST);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        jz_pay_recovery_fact f;
        memset(&f, 0, sizeof f);
        f.enrolment = sqlite3_column_int64(st, 0);
        jz__sq_copy_text(f.household_id, sizeof f.household_id, st, 1);
        f.offsets = sqlite3_column_int64(st, 2);
        f.recoveries = sqlite3_column_int64(st, 3);
        f.amount = sqlite3_column_int64(st, 4);
        f.repaid = sqlite3_column_int64(st, 5);
        f.balance = sqlite3_column_int64(st, 6);
        f.unbalanced = sqlite3_column_int64(st, 7);
        fn(&f, arg);
    }
    return jz__sq_end(q, st, s, "核对追回", err);
}

jz_err jz__sq_pay_due_groups(void *impl, const char *prefix,
                             void (*fn)(const jz_pay_due_group *g, void *arg), void *arg,
                             jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(
        q,
        "SELECT l.county, l.period, l.batch, coalesce(b.state, 0), coalesce(b.bank, ''), l.status,"
        " count(*), sum(l.amount) FROM pay_lines l LEFT JOIN pay_batches b ON b.batch = l.batch"
        " WHERE substr(l.region, 1, length(?1)) = ?1 AND l.amount > 0"
        " AND ((l.batch = 0 AND l.status IN (?2, ?3)) OR (l.batch > 0 AND b.state IN (?4, ?5)))"
        " GROUP BY l.county, l.period, l.batch, l.status"
        " ORDER BY l.county, l.period, l.batch, l.status",
        &st, "读取待发放明细", err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, JZ_PL_PLANNED);
    sqlite3_bind_int(st, 3, JZ_PL_HELD);
    sqlite3_bind_int(st, 4, JZ_BATCH_PREPARED);
    sqlite3_bind_int(st, 5, JZ_BATCH_APPROVED);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        jz_pay_due_group g;
        memset(&g, 0, sizeof g);
        jz__sq_copy_text(g.county, sizeof g.county, st, 0);
        jz__sq_copy_text(g.period, sizeof g.period, st, 1);
        g.batch = sqlite3_column_int64(st, 2);
        g.state = (uint8_t)sqlite3_column_int(st, 3);
        jz__sq_copy_text(g.bank, sizeof g.bank, st, 4);
        g.status = (uint8_t)sqlite3_column_int(st, 5);
        g.n = sqlite3_column_int64(st, 6);
        g.amount = sqlite3_column_int64(st, 7);
        fn(&g, arg);
    }
    return jz__sq_end(q, st, s, "读取待发放明细", err);
}
