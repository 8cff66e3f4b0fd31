/*
 * sqlite_proc.c - the SQLite backend's procedure tables (cases, their steps,
 * units and reasons, findings, postings, grants, the register of staff and
 * their close relatives, enrolments).  Statements only: the common layer
 * audits each write (store.c, audit_entries.c) after it returns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_int.h"

/* ---- cases ------------------------------------------------------------------- */

/* The columns after case_id, which an UPDATE sets: naming case_id there
 * too, even unchanged, would make SQLite check every table whose foreign
 * key names a case (a scan of each one without an index on it) at every
 * step of every case. */
#define CASE_COLUMNS "case_id, " CASE_REST
#define CASE_REST                                                                                  \
    "county, region, household_id, applicant_id, applicant_name, members, state,"                  \
    " township_confirms, staff_relative, home_visited, extended, decision, objections,"            \
    " accepted_on, investigated_on, verified_on, preliminary_on, notice_from, notice_until,"       \
    " confirmed_on, decided_on, closed_on, proposed_category, proposed_persons,"                   \
    " proposed_monthly, first_month, kind, programmes, days, extended_days, notice_days,"          \
    " judgment, due_by, task, record_version"

_Static_assert(JZ_CASE_CLOSED == 7, "the index cases_one_open (migration 3 -> 4) names state 7");
_Static_assert(JZ_ENROL_STOPPED == 2,
               "the index enrolments_live_unit (migration 3 -> 4) names status 2");

static void bind_case(sqlite3_stmt *st, const jz_case *c)
{
    int k = 2;
    sqlite3_bind_text(st, k++, c->county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, c->region, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, c->household_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, c->applicant_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, c->applicant_name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, c->members);
    sqlite3_bind_int(st, k++, c->state);
    sqlite3_bind_int(st, k++, c->township_confirms);
    sqlite3_bind_int(st, k++, c->staff_relative);
    sqlite3_bind_int(st, k++, c->home_visited);
    sqlite3_bind_int(st, k++, c->extended);
    sqlite3_bind_int(st, k++, c->decision);
    sqlite3_bind_int(st, k++, c->objections);
    jz_date d[] = {c->accepted_on,    c->investigated_on, c->verified_on,
                   c->preliminary_on, c->notice_from,     c->notice_until,
                   c->confirmed_on,   c->decided_on,      c->closed_on};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        sqlite3_bind_int(st, k++, d[i]);
    sqlite3_bind_int(st, k++, c->proposed_category);
    sqlite3_bind_int(st, k++, c->proposed_persons);
    sqlite3_bind_int64(st, k++, c->proposed_monthly);
    sqlite3_bind_text(st, k++, c->first_month, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, c->kind);
    sqlite3_bind_int(st, k++, c->programmes);
    sqlite3_bind_int(st, k++, c->days);
    sqlite3_bind_int(st, k++, c->extended_days);
    sqlite3_bind_int(st, k++, c->notice_days);
    sqlite3_bind_text(st, k++, c->judgment, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, c->due_by);
    sqlite3_bind_text(st, k++, c->task, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, c->record_version);
}

static void read_case(sqlite3_stmt *st, jz_case *c)
{
    memset(c, 0, sizeof *c);
    int k = 0;
    c->id = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(c->county, sizeof c->county, st, k++);
    jz__sq_copy_text(c->region, sizeof c->region, st, k++);
    jz__sq_copy_text(c->household_id, sizeof c->household_id, st, k++);
    jz__sq_copy_text(c->applicant_id, sizeof c->applicant_id, st, k++);
    jz__sq_copy_text(c->applicant_name, sizeof c->applicant_name, st, k++);
    c->members = sqlite3_column_int(st, k++);
    c->state = (uint8_t)sqlite3_column_int(st, k++);
    c->township_confirms = sqlite3_column_int(st, k++) != 0;
    c->staff_relative = sqlite3_column_int(st, k++) != 0;
    c->home_visited = sqlite3_column_int(st, k++) != 0;
    c->extended = (uint8_t)sqlite3_column_int(st, k++);
    c->decision = (uint8_t)sqlite3_column_int(st, k++);
    c->objections = sqlite3_column_int(st, k++);
    jz_date *d[] = {&c->accepted_on,    &c->investigated_on, &c->verified_on,
                    &c->preliminary_on, &c->notice_from,     &c->notice_until,
                    &c->confirmed_on,   &c->decided_on,      &c->closed_on};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        *d[i] = sqlite3_column_int(st, k++);
    c->proposed_category = (uint8_t)sqlite3_column_int(st, k++);
    c->proposed_persons = (uint8_t)sqlite3_column_int(st, k++);
    c->proposed_monthly = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(c->first_month, sizeof c->first_month, st, k++);
    c->kind = (uint8_t)sqlite3_column_int(st, k++);
    c->programmes = (uint8_t)sqlite3_column_int(st, k++);
    c->days = sqlite3_column_int(st, k++);
    c->extended_days = sqlite3_column_int(st, k++);
    c->notice_days = sqlite3_column_int(st, k++);
    jz__sq_copy_text(c->judgment, sizeof c->judgment, st, k++);
    c->due_by = sqlite3_column_int(st, k++);
    jz__sq_copy_text(c->task, sizeof c->task, st, k++);
    c->record_version = sqlite3_column_int(st, k++);
}

static jz_err insert_step(sq *q, const jz_case *c, const jz_case_step *step, jz_error *err)
{
    sqlite3_stmt *st = NULL;
    char now[32];
    jz__now_text(now, sizeof now);
    if (sqlite3_prepare_v2(q->db,
                           "INSERT INTO case_steps(case_id, county, action, on_date, actor,"
                           " note, recorded_at, deadline, late_days)"
                           " VALUES(?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "记录办理步骤");
    sqlite3_bind_int64(st, 1, c->id);
    sqlite3_bind_text(st, 2, c->county, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, step->action);
    sqlite3_bind_int(st, 4, step->on);
    sqlite3_bind_text(st, 5, q->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, step->note, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, step->deadline);
    sqlite3_bind_int(st, 9, step->late_days);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "记录办理步骤");
}

jz_err jz__sq_case_create(void *impl, jz_case *c, const jz_case_step *step, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "INSERT INTO cases(" CASE_COLUMNS ", hh) VALUES(NULL,?2,?3,?4,?5,?6,?7,"
                           "?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,"
                           "?25,?26,?27,?28,?29,?30,?31,?32,?33,?34,?35,?36,"
                           " (SELECT hh FROM households WHERE household_id = ?4))",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "建立案件");
    bind_case(st, c);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE) {
        if (sqlite3_extended_errcode(q->db) == SQLITE_CONSTRAINT_NOTNULL)
            return jz_error_set(err, JZ_ENOTFOUND, "household_id", c->household_id,
                                "数据库中没有这一户（先导入户记录）");
        if (sqlite3_extended_errcode(q->db) == SQLITE_CONSTRAINT_UNIQUE)
            return jz_error_set(err, JZ_EINPUT, "household_id", c->household_id,
                                "这一户已有未办结的案件，请在该案件中继续办理");
        return jz__sq_error(q, err, "建立案件");
    }
    c->id = sqlite3_last_insert_rowid(q->db);
    return insert_step(q, c, step, err);
}

/* Reads the one row `sql` selects for id with `read`; JZ_ENOTFOUND naming
 * `field` and id, with `missing` as the reason, when there is none. */

static void read_case_any(sqlite3_stmt *st, void *out)
{
    read_case(st, out);
}

jz_err jz__sq_case_get(void *impl, int64_t id, jz_case *c, jz_error *err)
{
    return jz__sq_get_by_id(impl, "SELECT " CASE_COLUMNS " FROM cases WHERE case_id = ?", id,
                            read_case_any, c, "case", "没有这个案件", "查询案件", err);
}

jz_err jz__sq_case_update(void *impl, const jz_case *before, const jz_case *after,
                          const jz_case_step *step, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (jz__sq_cached(q,
                      "UPDATE cases SET (" CASE_REST ") = (?2,?3,?4,?5,?6,?7,?8,?9,"
                      "?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,"
                      "?27,?28,?29,?30,?31,?32,?33,?34,?35,?36) WHERE case_id = ?1"
                      " AND state = ?37 AND decision = ?38",
                      &st, "更新案件", NULL) != JZ_OK)
        return jz__sq_error(q, err, "更新案件");
    sqlite3_bind_int64(st, 1, after->id);
    bind_case(st, after);
    /* Only over the state it was read in: a case changed in between (by a
     * writer that did not read it in the same transaction) is a conflict,
     * never silently overwritten. */
    sqlite3_bind_int(st, 37, before->state);
    sqlite3_bind_int(st, 38, before->decision);
    int s = sqlite3_step(st);
    jz__sq_done(q, st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "更新案件");
    if (sqlite3_changes(q->db) != 1) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)after->id);
        return jz_error_set(err, JZ_ECONFLICT, "case", v,
                            "案件已被他人办理（状态已变），未写入任何内容：请重新查看后再办理");
    }
    return insert_step(q, after, step, err);
}

#define UNIT_COLUMNS                                                                               \
    "member, label, programme, persons, monthly, member_id, once, rule, verdict,"                  \
    " decided_monthly, decided_once, judged, added, reason"

/* Replaces the units of case c by u[0..nu). */
static jz_err put_units(sq *q, const jz_case *c, const jz_case_unit *u, size_t nu, jz_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, "DELETE FROM case_units WHERE case_id = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return jz__sq_error(q, err, "记录救助单元");
    sqlite3_bind_int64(st, 1, c->id);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "记录救助单元");
    if (sqlite3_prepare_v2(q->db,
                           "INSERT INTO case_units(case_id, idx, county, " UNIT_COLUMNS
                           ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "记录救助单元");
    for (size_t i = 0; i < nu; i++) {
        int k = 1;
        sqlite3_reset(st);
        sqlite3_bind_int64(st, k++, c->id);
        sqlite3_bind_int(st, k++, (int)i);
        sqlite3_bind_text(st, k++, c->county, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, k++, u[i].member);
        sqlite3_bind_text(st, k++, u[i].label, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, k++, u[i].programme);
        sqlite3_bind_int(st, k++, u[i].persons);
        sqlite3_bind_int64(st, k++, u[i].monthly);
        sqlite3_bind_text(st, k++, u[i].member_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, k++, u[i].once);
        sqlite3_bind_text(st, k++, u[i].rule, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, k++, u[i].verdict);
        sqlite3_bind_int64(st, k++, u[i].decided_monthly);
        sqlite3_bind_int64(st, k++, u[i].decided_once);
        sqlite3_bind_int(st, k++, u[i].judged);
        sqlite3_bind_int(st, k++, u[i].added);
        sqlite3_bind_text(st, k++, u[i].reason, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            sqlite3_finalize(st);
            return jz__sq_error(q, err, "记录救助单元");
        }
    }
    sqlite3_finalize(st);
    return JZ_OK;
}

static void read_unit(sqlite3_stmt *st, jz_case_unit *x)
{
    memset(x, 0, sizeof *x);
    int k = 0;
    x->member = sqlite3_column_int(st, k++);
    jz__sq_copy_text(x->label, sizeof x->label, st, k++);
    x->programme = (uint8_t)sqlite3_column_int(st, k++);
    x->persons = sqlite3_column_int(st, k++);
    x->monthly = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(x->member_id, sizeof x->member_id, st, k++);
    x->once = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(x->rule, sizeof x->rule, st, k++);
    x->verdict = (uint8_t)sqlite3_column_int(st, k++);
    x->decided_monthly = sqlite3_column_int64(st, k++);
    x->decided_once = sqlite3_column_int64(st, k++);
    x->judged = sqlite3_column_int(st, k++) != 0;
    x->added = sqlite3_column_int(st, k++) != 0;
    jz__sq_copy_text(x->reason, sizeof x->reason, st, k++);
}

jz_err jz__sq_case_set_opinion(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu,
                               const jz_case_reason *r, size_t nr, const char *determination,
                               jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    const char *clear[] = {"DELETE FROM case_reasons WHERE case_id = ?",
                           "UPDATE cases SET opinion = ?2 WHERE case_id = ?1"};
    for (size_t i = 0; i < 2; i++) {
        if (sqlite3_prepare_v2(q->db, clear[i], -1, &st, NULL) != SQLITE_OK)
            return jz__sq_error(q, err, "记录初审意见");
        sqlite3_bind_int64(st, 1, c->id);
        if (i == 1)
            sqlite3_bind_text(st, 2, determination ? determination : "", -1, SQLITE_STATIC);
        int s = sqlite3_step(st);
        sqlite3_finalize(st);
        if (s != SQLITE_DONE)
            return jz__sq_error(q, err, "记录初审意见");
    }
    jz_err rc = put_units(q, c, u, nu, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < nr; i++) {
        if (sqlite3_prepare_v2(q->db, "INSERT INTO case_reasons VALUES(?,?,?,?,?,?,?)", -1, &st,
                               NULL) != SQLITE_OK)
            return jz__sq_error(q, err, "记录初审意见");
        sqlite3_bind_int64(st, 1, c->id);
        sqlite3_bind_int(st, 2, (int)i);
        sqlite3_bind_text(st, 3, c->county, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, r[i].rule, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, r[i].text, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, r[i].source, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 7, r[i].holds);
        int s = sqlite3_step(st);
        sqlite3_finalize(st);
        if (s != SQLITE_DONE)
            return jz__sq_error(q, err, "记录初审意见");
    }
    /* The opinion itself is audited with the case's preliminary step. */
    return JZ_OK;
}

jz_err jz__sq_case_set_units(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu,
                             jz_error *err)
{
    return put_units(impl, c, u, nu, err);
}

jz_err jz__sq_case_opinion(void *impl, int64_t id, jz_case_unit *u, size_t ucap, size_t *nu,
                           jz_case_reason *r, size_t rcap, size_t *nr, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    *nu = *nr = 0;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT " UNIT_COLUMNS " FROM case_units WHERE case_id = ? ORDER BY idx",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询初审意见");
    sqlite3_bind_int64(st, 1, id);
    while (*nu < ucap && sqlite3_step(st) == SQLITE_ROW)
        read_unit(st, &u[(*nu)++]);
    sqlite3_finalize(st);
    if (rcap == 0)
        return JZ_OK;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT rule, text, source, holds FROM case_reasons WHERE case_id = ?"
                           " ORDER BY idx",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询初审意见");
    sqlite3_bind_int64(st, 1, id);
    while (*nr < rcap && sqlite3_step(st) == SQLITE_ROW) {
        jz_case_reason *x = &r[(*nr)++];
        jz__sq_copy_text(x->rule, sizeof x->rule, st, 0);
        jz__sq_copy_text(x->text, sizeof x->text, st, 1);
        jz__sq_copy_text(x->source, sizeof x->source, st, 2);
        x->holds = sqlite3_column_int(st, 3) != 0;
    }
    sqlite3_finalize(st);
    return JZ_OK;
}

/* ---- what 信息核对 found ---------------------------------------------------------- */

jz_err jz__sq_case_set_findings(void *impl, const jz_case *c, const jz_case_finding *f, size_t nf,
                                jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, "DELETE FROM case_findings WHERE case_id = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return jz__sq_error(q, err, "记录核对结果");
    sqlite3_bind_int64(st, 1, c->id);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "记录核对结果");
    if (sqlite3_prepare_v2(q->db, "INSERT INTO case_findings VALUES(?,?,?,?,?,?,?,?,?,?)", -1, &st,
                           NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "记录核对结果");
    for (size_t i = 0; i < nf; i++) {
        int k = 1;
        sqlite3_reset(st);
        sqlite3_bind_int64(st, k++, c->id);
        sqlite3_bind_int(st, k++, (int)i);
        sqlite3_bind_text(st, k++, c->county, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, f[i].member_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, f[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, k++, f[i].dept);
        sqlite3_bind_int64(st, k++, f[i].row);
        sqlite3_bind_int(st, k++, f[i].on);
        sqlite3_bind_text(st, k++, f[i].rule, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, f[i].text, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            sqlite3_finalize(st);
            return jz__sq_error(q, err, "记录核对结果");
        }
    }
    sqlite3_finalize(st);
    return JZ_OK;
}

typedef struct finding_rows {
    jz_case_finding *f;
    size_t cap, *n;
} finding_rows;

static void finding_row(sqlite3_stmt *st, void *arg)
{
    finding_rows *r = arg;
    if (*r->n >= r->cap)
        return;
    jz_case_finding *x = &r->f[(*r->n)++];
    memset(x, 0, sizeof *x);
    jz__sq_copy_text(x->member_id, sizeof x->member_id, st, 0);
    jz__sq_copy_text(x->name, sizeof x->name, st, 1);
    x->dept = (uint8_t)sqlite3_column_int(st, 2);
    x->row = sqlite3_column_int64(st, 3);
    x->on = sqlite3_column_int(st, 4);
    jz__sq_copy_text(x->rule, sizeof x->rule, st, 5);
    jz__sq_copy_text(x->text, sizeof x->text, st, 6);
}

jz_err jz__sq_case_findings(void *impl, int64_t id, jz_case_finding *f, size_t cap, size_t *n,
                            jz_error *err)
{
    *n = 0;
    finding_rows r = {f, cap, n};
    return jz__sq_each(impl,
                       "SELECT member_id, name, dept, feed_row, on_date, rule, text"
                       " FROM case_findings WHERE case_id = ? ORDER BY idx",
                       id, NULL, finding_row, &r, "查询核对结果", err);
}

/* ---- the 公示 and 公布 lists as posted (R-PUB-1) ----------------------------------- */

jz_err jz__sq_posting_put(void *impl, const jz_case *c, int kind, int round, jz_date posted_on,
                          jz_date until, const jz_posting_row *rows, size_t n, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(
            q->db,
            "INSERT INTO postings(county, village, kind, case_id, round, posted_on,"
            " until, idx, name, persons, amount, cash) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
            -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "记录公示公布名单");
    for (size_t i = 0; i < n; i++) {
        int k = 1;
        sqlite3_reset(st);
        sqlite3_bind_text(st, k++, c->county, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, c->region, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, k++, kind);
        sqlite3_bind_int64(st, k++, c->id);
        sqlite3_bind_int(st, k++, round);
        sqlite3_bind_int(st, k++, posted_on);
        sqlite3_bind_int(st, k++, until);
        sqlite3_bind_int(st, k++, (int)i);
        sqlite3_bind_text(st, k++, rows[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, k++, rows[i].persons);
        sqlite3_bind_int64(st, k++, rows[i].amount);
        sqlite3_bind_int(st, k++, rows[i].cash);
        if (sqlite3_step(st) != SQLITE_DONE) {
            sqlite3_finalize(st);
            return jz__sq_error(q, err, "记录公示公布名单");
        }
    }
    sqlite3_finalize(st);
    return JZ_OK;
}

jz_err jz__sq_posting_list(void *impl, const char *village, int kind, jz_date on,
                           void (*fn)(const jz_posting_row *row, void *arg), void *arg,
                           jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    /* on == JZ_DATE_NONE: every posting of the village, to list the dates. */
    if (sqlite3_prepare_v2(q->db,
                           "SELECT case_id, round, posted_on, until, name, persons, amount, cash,"
                           " kind FROM postings WHERE village = ?1 AND (?2 < 0 OR kind = ?2)"
                           " AND (?3 = 0 OR posted_on = ?3) ORDER BY posted_on, kind, posting",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询公示公布名单");
    sqlite3_bind_text(st, 1, village, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, kind);
    sqlite3_bind_int(st, 3, on);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        jz_posting_row r;
        memset(&r, 0, sizeof r);
        int k = 0;
        r.case_id = sqlite3_column_int64(st, k++);
        r.round = sqlite3_column_int(st, k++);
        r.posted_on = sqlite3_column_int(st, k++);
        r.until = sqlite3_column_int(st, k++);
        jz__sq_copy_text(r.name, sizeof r.name, st, k++);
        r.persons = sqlite3_column_int(st, k++);
        r.amount = sqlite3_column_int64(st, k++);
        r.cash = sqlite3_column_int(st, k++);
        r.kind = sqlite3_column_int(st, k++);
        fn(&r, arg);
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "查询公示公布名单");
}

/* ---- temporary assistance granted (R-WF-8) ---------------------------------------- */

jz_err jz__sq_grant_put(void *impl, jz_grant *g, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    char now[32];
    jz__now_text(now, sizeof now);
    if (sqlite3_prepare_v2(q->db,
                           "INSERT INTO grants(county, region, household_id, case_id, member_id,"
                           " name, kind, rule, amount, on_date, note, beyond_cap, recorded_at)"
                           " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "记录临时救助");
    int k = 1;
    sqlite3_bind_text(st, k++, g->county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, g->region, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, g->household_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, k++, g->case_id);
    sqlite3_bind_text(st, k++, g->member_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, g->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, g->kind);
    sqlite3_bind_text(st, k++, g->rule, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, k++, g->amount);
    sqlite3_bind_int(st, k++, g->on);
    sqlite3_bind_text(st, k++, g->note, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, g->beyond_cap, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, now, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "记录临时救助");
    g->id = sqlite3_last_insert_rowid(q->db);
    return JZ_OK;
}

jz_err jz__sq_grant_list(void *impl, const char *prefix, const char *household_id, int64_t case_id,
                         void (*fn)(const jz_grant *g, void *arg), void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(
            q->db,
            "SELECT grant_id, county, region, household_id, case_id, member_id, name,"
            " kind, rule, amount, on_date, note, beyond_cap FROM grants"
            " WHERE substr(region, 1, ?1) = ?2 AND (?3 IS NULL OR household_id = ?3)"
            " AND (?4 = 0 OR case_id = ?4) ORDER BY grant_id",
            -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询临时救助");
    sqlite3_bind_int(st, 1, (int)strlen(prefix));
    sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
    if (household_id)
        sqlite3_bind_text(st, 3, household_id, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, case_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        jz_grant g;
        memset(&g, 0, sizeof g);
        int k = 0;
        g.id = sqlite3_column_int64(st, k++);
        jz__sq_copy_text(g.county, sizeof g.county, st, k++);
        jz__sq_copy_text(g.region, sizeof g.region, st, k++);
        jz__sq_copy_text(g.household_id, sizeof g.household_id, st, k++);
        g.case_id = sqlite3_column_int64(st, k++);
        jz__sq_copy_text(g.member_id, sizeof g.member_id, st, k++);
        jz__sq_copy_text(g.name, sizeof g.name, st, k++);
        g.kind = (uint8_t)sqlite3_column_int(st, k++);
        jz__sq_copy_text(g.rule, sizeof g.rule, st, k++);
        g.amount = sqlite3_column_int64(st, k++);
        g.on = sqlite3_column_int(st, k++);
        jz__sq_copy_text(g.note, sizeof g.note, st, k++);
        jz__sq_copy_text(g.beyond_cap, sizeof g.beyond_cap, st, k++);
        fn(&g, arg);
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "查询临时救助");
}

jz_err jz__sq_case_list(void *impl, const char *prefix, bool open_only,
                        void (*fn)(const jz_case *c, void *arg), void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT " CASE_COLUMNS " FROM cases WHERE substr(region, 1, ?1) = ?2"
                           " AND (?3 = 0 OR state <> ?4) ORDER BY case_id",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询案件");
    sqlite3_bind_int(st, 1, (int)strlen(prefix));
    sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, open_only);
    sqlite3_bind_int(st, 4, JZ_CASE_CLOSED);
    int s;
    jz_case c;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        read_case(st, &c);
        fn(&c, arg);
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "查询案件");
}

typedef struct step_rows {
    int64_t id;
    void (*fn)(const jz_case_step *s, void *arg);
    void *arg;
} step_rows;

static void case_step_row(sqlite3_stmt *st, void *arg)
{
    step_rows *r = arg;
    jz_case_step x;
    memset(&x, 0, sizeof x);
    x.case_id = r->id;
    x.action = (uint8_t)sqlite3_column_int(st, 0);
    x.on = sqlite3_column_int(st, 1);
    jz__sq_copy_text(x.actor, sizeof x.actor, st, 2);
    jz__sq_copy_text(x.note, sizeof x.note, st, 3);
    x.deadline = sqlite3_column_int(st, 4);
    x.late_days = sqlite3_column_int(st, 5);
    r->fn(&x, r->arg);
}

jz_err jz__sq_case_steps(void *impl, int64_t id, void (*fn)(const jz_case_step *s, void *arg),
                         void *arg, jz_error *err)
{
    step_rows r = {id, fn, arg};
    return jz__sq_each(impl,
                       "SELECT action, on_date, actor, note, deadline, late_days FROM case_steps"
                       " WHERE case_id = ?"
                       " ORDER BY step",
                       id, NULL, case_step_row, &r, "查询办理步骤", err);
}

/* ---- staff and their close relatives (R-WF-5) -------------------------------- */

jz_err jz__sq_staff_put(void *impl, const char *county, const char *staff_id, const char *name,
                        const char *unit, const char *relative_id, const char *relative_name,
                        const char *relation, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    int s;
    if (!relative_id) {
        if (sqlite3_prepare_v2(q->db, "INSERT OR REPLACE INTO staff VALUES(?,?,?,?)", -1, &st,
                               NULL) != SQLITE_OK)
            return jz__sq_error(q, err, "登记工作人员");
        sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, county, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, unit, -1, SQLITE_STATIC);
    } else {
        if (sqlite3_prepare_v2(q->db,
                               "INSERT OR REPLACE INTO staff_relatives SELECT ?1, staff_id, county,"
                               " ?3, ?4 FROM staff WHERE staff_id = ?2",
                               -1, &st, NULL) != SQLITE_OK)
            return jz__sq_error(q, err, "登记近亲属");
        sqlite3_bind_text(st, 1, relative_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, staff_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, relative_name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, relation, -1, SQLITE_STATIC);
    }
    s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, relative_id ? "登记近亲属" : "登记工作人员");
    if (relative_id && sqlite3_changes(q->db) == 0)
        return jz_error_set(err, JZ_ENOTFOUND, "staff", staff_id,
                            "没有登记这名工作人员（先用 jiuzhu staff add 登记）");
    return JZ_OK;
}

jz_err jz__sq_staff_relative(void *impl, const char *id_number, char *staff_name, size_t n,
                             char *relation, size_t rn, bool *found, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    *found = false;
    if (sqlite3_prepare_v2(
            q->db,
            "SELECT s.name || '（' || s.unit || '）', r.relation FROM staff_relatives r"
            " JOIN staff s ON s.staff_id = r.staff_id WHERE r.id_number = ?1"
            " UNION ALL SELECT name || '（' || unit || '）', '本人' FROM staff"
            " WHERE staff_id = ?1 LIMIT 1",
            -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询近亲属登记");
    sqlite3_bind_text(st, 1, id_number, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *found = true;
        jz__sq_copy_text(staff_name, n, st, 0);
        jz__sq_copy_text(relation, rn, st, 1);
    }
    sqlite3_finalize(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "查询近亲属登记");
}

jz_err jz__sq_staff_county(void *impl, const char *staff_id, char county[7], bool *found,
                           jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    *found = false;
    county[0] = '\0';
    if (sqlite3_prepare_v2(q->db, "SELECT county FROM staff WHERE staff_id = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return jz__sq_error(q, err, "查询工作人员登记");
    sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *found = true;
        jz__sq_copy_text(county, 7, st, 0);
    }
    sqlite3_finalize(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "查询工作人员登记");
}

/* ---- enrolments ---------------------------------------------------------------- */

#define ENROL_COLUMNS                                                                              \
    "enrolment, county, region, household_id, case_id, member, label, programme, persons,"         \
    " monthly, first_month, status, end_month, next_review, review_months, death_check_due,"       \
    " to_recover, stop_reason, member_id, judged, origin"

int jz__sq_read_enrolment(sqlite3_stmt *st, jz_enrolment *e)
{
    memset(e, 0, sizeof *e);
    int k = 0;
    e->id = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(e->county, sizeof e->county, st, k++);
    jz__sq_copy_text(e->region, sizeof e->region, st, k++);
    jz__sq_copy_text(e->household_id, sizeof e->household_id, st, k++);
    e->case_id = sqlite3_column_int64(st, k++);
    e->member = sqlite3_column_int(st, k++);
    jz__sq_copy_text(e->label, sizeof e->label, st, k++);
    e->programme = (uint8_t)sqlite3_column_int(st, k++);
    e->persons = sqlite3_column_int(st, k++);
    e->monthly = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(e->first_month, sizeof e->first_month, st, k++);
    e->status = (uint8_t)sqlite3_column_int(st, k++);
    jz__sq_copy_text(e->end_month, sizeof e->end_month, st, k++);
    e->next_review = sqlite3_column_int(st, k++);
    e->review_months = sqlite3_column_int(st, k++);
    e->death_check_due = sqlite3_column_int(st, k++);
    e->to_recover = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(e->stop_reason, sizeof e->stop_reason, st, k++);
    jz__sq_copy_text(e->member_id, sizeof e->member_id, st, k++);
    e->judged = sqlite3_column_int(st, k++) != 0;
    jz__sq_copy_text(e->origin, sizeof e->origin, st, k++);
    return k;
}

static void read_enrolment(sqlite3_stmt *st, jz_enrolment *e)
{
    jz__sq_read_enrolment(st, e);
}

static void read_enrolment_any(sqlite3_stmt *st, void *out)
{
    read_enrolment(st, out);
}

jz_err jz__sq_enrol_get(void *impl, int64_t id, jz_enrolment *e, jz_error *err)
{
    return jz__sq_get_by_id(impl, "SELECT " ENROL_COLUMNS " FROM enrolments WHERE enrolment = ?",
                            id, read_enrolment_any, e, "enrolment", "没有这条救助记录",
                            "查询救助对象", err);
}

/* Writes an enrolment: an insert (its id set in e->id), or an update when
 * e->id > 0. */
jz_err jz__sq_enrol_put(void *impl, jz_enrolment *e, jz_error *err)
{
    sq *q = impl;
    bool existed = e->id > 0;
    sqlite3_stmt *st = NULL;
    const char *sql =
        existed ? "UPDATE enrolments SET (" ENROL_COLUMNS ") = (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
                  "?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21) WHERE enrolment = ?1"
                : "INSERT INTO enrolments(" ENROL_COLUMNS ", hh) VALUES(NULL,?2,?3,?4,?5,?6,?7,"
                  "?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,"
                  " (SELECT hh FROM households WHERE household_id = ?4))";
    /* An insert is kept prepared: an import brings in recipients by the
     * ten thousand. */
    if (!existed && q->enrol_insert) {
        st = q->enrol_insert;
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    } else if (sqlite3_prepare_v3(q->db, sql, -1, existed ? 0 : SQLITE_PREPARE_PERSISTENT, &st,
                                  NULL) != SQLITE_OK) {
        return jz__sq_error(q, err, "写入救助对象");
    } else if (!existed) {
        q->enrol_insert = st;
    }
    int k = 1;
    sqlite3_bind_int64(st, k++, e->id);
    sqlite3_bind_text(st, k++, e->county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, e->region, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, e->household_id, -1, SQLITE_STATIC);
    if (e->case_id)
        sqlite3_bind_int64(st, k++, e->case_id);
    else
        sqlite3_bind_null(st, k++); /* a recipient brought in by an import */
    sqlite3_bind_int(st, k++, e->member);
    sqlite3_bind_text(st, k++, e->label, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, e->programme);
    sqlite3_bind_int(st, k++, e->persons);
    sqlite3_bind_int64(st, k++, e->monthly);
    sqlite3_bind_text(st, k++, e->first_month, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, e->status);
    sqlite3_bind_text(st, k++, e->end_month, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, e->next_review);
    sqlite3_bind_int(st, k++, e->review_months);
    sqlite3_bind_int(st, k++, e->death_check_due);
    sqlite3_bind_int64(st, k++, e->to_recover);
    sqlite3_bind_text(st, k++, e->stop_reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, e->member_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, e->judged);
    sqlite3_bind_text(st, k++, e->origin, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (st == q->enrol_insert)
        sqlite3_reset(st);
    else
        sqlite3_finalize(st);
    if (s != SQLITE_DONE) {
        if (sqlite3_extended_errcode(q->db) == SQLITE_CONSTRAINT_UNIQUE)
            return jz_error_set(
                err, JZ_EINPUT, "enrolment", e->label,
                "户 %s 的这一救助单元（%s）已在享受中，不能重复纳入", e->household_id,
                e->programme < JZ_UNIT_PROGRAMME_COUNT ? jz_unit_programme_zh[e->programme] : "?");
        return jz__sq_error(q, err, "写入救助对象");
    }
    if (!existed)
        e->id = sqlite3_last_insert_rowid(q->db);
    return JZ_OK;
}

jz_err jz__sq_enrol_adopt(void *impl, jz_enrolment *e, jz_error *err)
{
    e->id = 0;
    jz_err rc = jz__sq_enrol_put(impl, e, err);
    if (rc)
        return rc;
    return e->first_month[0] ? jz__sq_enrol_term(impl, e, e->first_month, err)
                             : jz__sq_pay_mark(impl, e->id, e->county, err);
}

jz_err jz__sq_enrol_list(void *impl, const char *prefix, const char *household_id,
                         void (*fn)(const jz_enrolment *e, void *arg), void *arg, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    /* One household's: by its index (imports look them up for every
     * household that states a `current`, so the statement is kept). */
    if (household_id) {
        if (!q->enrol_by_hh &&
            sqlite3_prepare_v3(q->db,
                               "SELECT " ENROL_COLUMNS " FROM enrolments WHERE household_id = ?3"
                               " AND substr(region, 1, ?1) = ?2 ORDER BY enrolment",
                               -1, SQLITE_PREPARE_PERSISTENT, &q->enrol_by_hh, NULL) != SQLITE_OK)
            return jz__sq_error(q, err, "查询救助对象");
        st = q->enrol_by_hh;
        sqlite3_reset(st);
    } else if (sqlite3_prepare_v2(q->db,
                                  "SELECT " ENROL_COLUMNS " FROM enrolments"
                                  " WHERE substr(region, 1, ?1) = ?2 ORDER BY enrolment",
                                  -1, &st, NULL) != SQLITE_OK) {
        return jz__sq_error(q, err, "查询救助对象");
    }
    sqlite3_bind_int(st, 1, (int)strlen(prefix));
    sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
    if (household_id)
        sqlite3_bind_text(st, 3, household_id, -1, SQLITE_STATIC);
    int s;
    jz_enrolment e;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        read_enrolment(st, &e);
        fn(&e, arg);
    }
    if (household_id)
        sqlite3_reset(st);
    else
        sqlite3_finalize(st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "查询救助对象");
}
