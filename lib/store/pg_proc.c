/*
 * pg_proc.c - the PostgreSQL backend's procedure tables (cases, their
 * steps, units and reasons, findings, postings, grants, the register of
 * staff and their close relatives, enrolments): the statements of
 * sqlite_proc.c in PostgreSQL's terms.  Statements only: the common layer
 * audits each write (store.c, audit_entries.c) after it returns.
 *
 * What a write reads in order to change it (a case before its step, an
 * enrolment before it is rewritten) is read FOR UPDATE inside a
 * transaction (pg_int.h); one open case per household and one live
 * enrolment per unit are unique indexes (cases_one_open,
 * enrolments_live_unit), whose violation is the fact reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_proc.h"

/* Runs a statement whose rows, if any, are not wanted. */
static jz_err run(pg *q, const char *sql, const jz__pg_params *p, const char *what, jz_error *err)
{
    jz_err rc;
    PGresult *r = jz__pg_run(q, sql, p, what, &rc, err);
    if (!r)
        return rc;
    PQclear(r);
    return JZ_OK;
}

/* Whether a read that a write of the same transaction acts on takes the
 * row (FOR UPDATE): inside a transaction that may write. */
static bool lock_rows(const pg *q)
{
    if (!q->in_tx)
        return false;
    /* Reported by the server (PostgreSQL 14 and later); a store opened
     * read-only sets it, and FOR UPDATE is refused there. */
    const char *ro = PQparameterStatus(q->c, "default_transaction_read_only");
    return !(ro && strcmp(ro, "on") == 0);
}

static void not_found(jz_error *err, const char *field, int64_t id, const char *missing)
{
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)id);
    jz_error_set(err, JZ_ENOTFOUND, field, v, "%s", missing);
}

/* ---- cases ------------------------------------------------------------------- */

/* The columns after case_id, in the order case_params gives them. */
#define CASE_REST                                                                                  \
    "county, region, household_id, applicant_id, applicant_name, members, state,"                  \
    " township_confirms, staff_relative, home_visited, extended, decision, objections,"            \
    " accepted_on, investigated_on, verified_on, preliminary_on, notice_from, notice_until,"       \
    " confirmed_on, decided_on, closed_on, proposed_category, proposed_persons,"                   \
    " proposed_monthly, first_month, kind, programmes, days, extended_days, notice_days,"          \
    " judgment, due_by, task, record_version"
#define CASE_COLUMNS "case_id, " CASE_REST
/* $1..$35, typed (an INSERT ... SELECT does not type them by its columns). */
#define CASE_VALUES                                                                                \
    "$1::text, $2::text, $3::text, $4::text, $5::text, $6::bigint, $7::bigint, $8::bigint,"       \
    " $9::bigint, $10::bigint, $11::bigint, $12::bigint, $13::bigint, $14::bigint, $15::bigint,"  \
    " $16::bigint, $17::bigint, $18::bigint, $19::bigint, $20::bigint, $21::bigint, $22::bigint," \
    " $23::bigint, $24::bigint, $25::bigint, $26::text, $27::bigint, $28::bigint, $29::bigint,"   \
    " $30::bigint, $31::bigint, $32::text, $33::bigint, $34::text, $35::bigint"

_Static_assert(JZ_CASE_CLOSED == 7, "the index cases_one_open (pg_schema.c) names state 7");
_Static_assert(JZ_ENROL_STOPPED == 2, "the index enrolments_live_unit (pg_schema.c) names status 2");

/* Adds the 35 values of CASE_REST. */
static void case_params(jz__pg_params *p, const jz_case *c)
{
    jz__pg_p_text(p, c->county);
    jz__pg_p_text(p, c->region);
    jz__pg_p_text(p, c->household_id);
    jz__pg_p_text(p, c->applicant_id);
    jz__pg_p_text(p, c->applicant_name);
    jz__pg_p_int(p, c->members);
    jz__pg_p_int(p, c->state);
    jz__pg_p_int(p, c->township_confirms);
    jz__pg_p_int(p, c->staff_relative);
    jz__pg_p_int(p, c->home_visited);
    jz__pg_p_int(p, c->extended);
    jz__pg_p_int(p, c->decision);
    jz__pg_p_int(p, c->objections);
    jz_date d[] = {c->accepted_on,    c->investigated_on, c->verified_on,
                   c->preliminary_on, c->notice_from,     c->notice_until,
                   c->confirmed_on,   c->decided_on,      c->closed_on};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        jz__pg_p_int(p, d[i]);
    jz__pg_p_int(p, c->proposed_category);
    jz__pg_p_int(p, c->proposed_persons);
    jz__pg_p_int(p, c->proposed_monthly);
    jz__pg_p_text(p, c->first_month);
    jz__pg_p_int(p, c->kind);
    jz__pg_p_int(p, c->programmes);
    jz__pg_p_int(p, c->days);
    jz__pg_p_int(p, c->extended_days);
    jz__pg_p_int(p, c->notice_days);
    jz__pg_p_text(p, c->judgment);
    jz__pg_p_int(p, c->due_by);
    jz__pg_p_text(p, c->task);
    jz__pg_p_int(p, c->record_version);
}

static void read_case(const PGresult *r, int row, jz_case *c)
{
    memset(c, 0, sizeof *c);
    int k = 0;
    c->id = jz__pg_int(r, row, k++);
    jz__pg_copy_text(c->county, sizeof c->county, r, row, k++);
    jz__pg_copy_text(c->region, sizeof c->region, r, row, k++);
    jz__pg_copy_text(c->household_id, sizeof c->household_id, r, row, k++);
    jz__pg_copy_text(c->applicant_id, sizeof c->applicant_id, r, row, k++);
    jz__pg_copy_text(c->applicant_name, sizeof c->applicant_name, r, row, k++);
    c->members = (int)jz__pg_int(r, row, k++);
    c->state = (uint8_t)jz__pg_int(r, row, k++);
    c->township_confirms = jz__pg_int(r, row, k++) != 0;
    c->staff_relative = jz__pg_int(r, row, k++) != 0;
    c->home_visited = jz__pg_int(r, row, k++) != 0;
    c->extended = (uint8_t)jz__pg_int(r, row, k++);
    c->decision = (uint8_t)jz__pg_int(r, row, k++);
    c->objections = (int)jz__pg_int(r, row, k++);
    jz_date *d[] = {&c->accepted_on,    &c->investigated_on, &c->verified_on,
                    &c->preliminary_on, &c->notice_from,     &c->notice_until,
                    &c->confirmed_on,   &c->decided_on,      &c->closed_on};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        *d[i] = (jz_date)jz__pg_int(r, row, k++);
    c->proposed_category = (uint8_t)jz__pg_int(r, row, k++);
    c->proposed_persons = (uint8_t)jz__pg_int(r, row, k++);
    c->proposed_monthly = jz__pg_int(r, row, k++);
    jz__pg_copy_text(c->first_month, sizeof c->first_month, r, row, k++);
    c->kind = (uint8_t)jz__pg_int(r, row, k++);
    c->programmes = (uint8_t)jz__pg_int(r, row, k++);
    c->days = (int)jz__pg_int(r, row, k++);
    c->extended_days = (int)jz__pg_int(r, row, k++);
    c->notice_days = (int)jz__pg_int(r, row, k++);
    jz__pg_copy_text(c->judgment, sizeof c->judgment, r, row, k++);
    c->due_by = (jz_date)jz__pg_int(r, row, k++);
    jz__pg_copy_text(c->task, sizeof c->task, r, row, k++);
    c->record_version = (int)jz__pg_int(r, row, k++);
}

static jz_err insert_step(pg *q, const jz_case *c, const jz_case_step *step, jz_error *err)
{
    char now[32];
    jz__now_text(now, sizeof now);
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, c->id);
    jz__pg_p_text(&p, c->county);
    jz__pg_p_int(&p, step->action);
    jz__pg_p_int(&p, step->on);
    jz__pg_p_text(&p, q->actor);
    jz__pg_p_text(&p, step->note);
    jz__pg_p_text(&p, now);
    jz__pg_p_int(&p, step->deadline);
    jz__pg_p_int(&p, step->late_days);
    return run(q,
               "INSERT INTO case_steps(case_id, county, action, on_date, actor, note, recorded_at,"
               " deadline, late_days) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)",
               &p, "记录办理步骤", err);
}

jz_err jz__pg_case_create(void *impl, jz_case *c, const jz_case_step *step, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    case_params(&p, c);
    /* The household by the directory of household IDs, and its open case
     * if any: neither inserts (nor draws an id), as SQLite's constraints
     * refuse the row; the unique index cases_one_open still decides
     * between two writers at once. */
    bool unique;
    jz_err rc;
    PGresult *r = jz__pg_run_unique(
        q,
        "WITH h AS (SELECT hh FROM household_ids WHERE household_id = $3),"
        " open AS (SELECT 1 FROM cases WHERE household_id = $3 AND state <> 7"
        " AND $7::bigint <> 7 LIMIT 1),"
        " ins AS (INSERT INTO cases(" CASE_REST ", hh) SELECT " CASE_VALUES ", h.hh FROM h"
        " WHERE NOT EXISTS (SELECT 1 FROM open) RETURNING case_id)"
        " SELECT (SELECT case_id FROM ins), EXISTS (SELECT 1 FROM h)::int,"
        " EXISTS (SELECT 1 FROM open)::int",
        &p, "建立案件", &unique, &rc, err);
    if (!r && !unique)
        return rc;
    bool household = unique || jz__pg_int(r, 0, 1), open = unique || jz__pg_int(r, 0, 2);
    if (r && !PQgetisnull(r, 0, 0))
        c->id = jz__pg_int(r, 0, 0);
    PQclear(r);
    if (!household)
        return jz_error_set(err, JZ_ENOTFOUND, "household_id", c->household_id,
                            "数据库中没有这一户（先导入户记录）");
    if (open)
        return jz_error_set(err, JZ_EINPUT, "household_id", c->household_id,
                            "这一户已有未办结的案件，请在该案件中继续办理");
    return insert_step(q, c, step, err);
}

jz_err jz__pg_case_get(void *impl, int64_t id, jz_case *c, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, id);
    jz_err rc;
    /* In a transaction, the case is read to be changed (case_update). */
    PGresult *r =
        jz__pg_run(q,
                   lock_rows(q) ? "SELECT " CASE_COLUMNS " FROM cases WHERE case_id = $1 FOR UPDATE"
                                : "SELECT " CASE_COLUMNS " FROM cases WHERE case_id = $1",
                   &p, "查询案件", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) == 1) {
        read_case(r, 0, c);
        rc = JZ_OK;
    } else {
        not_found(err, "case", id, "没有这个案件");
        rc = JZ_ENOTFOUND;
    }
    PQclear(r);
    return rc;
}

jz_err jz__pg_case_update(void *impl, const jz_case *before, const jz_case *after,
                          const jz_case_step *step, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    case_params(&p, after);
    jz__pg_p_int(&p, after->id);
    /* Only over the state it was read in: a case changed in between (by a
     * writer that did not read it in the same transaction) is a conflict,
     * never silently overwritten. */
    jz__pg_p_int(&p, before->state);
    jz__pg_p_int(&p, before->decision);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "UPDATE cases SET (" CASE_REST ") = (" CASE_VALUES ")"
                             " WHERE case_id = $36 AND state = $37 AND decision = $38",
                             &p, "更新案件", &rc, err);
    if (!r)
        return rc;
    bool one = strcmp(PQcmdTuples(r), "1") == 0;
    PQclear(r);
    if (!one) {
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
static jz_err put_units(pg *q, const jz_case *c, const jz_case_unit *u, size_t nu, jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, c->id);
    jz_err rc = run(q, "DELETE FROM case_units WHERE case_id = $1", &p, "记录救助单元", err);
    for (size_t i = 0; !rc && i < nu; i++) {
        jz__pg_p_reset(&p);
        jz__pg_p_int(&p, c->id);
        jz__pg_p_int(&p, (int64_t)i);
        jz__pg_p_text(&p, c->county);
        jz__pg_p_int(&p, u[i].member);
        jz__pg_p_text(&p, u[i].label);
        jz__pg_p_int(&p, u[i].programme);
        jz__pg_p_int(&p, u[i].persons);
        jz__pg_p_int(&p, u[i].monthly);
        jz__pg_p_text(&p, u[i].member_id);
        jz__pg_p_int(&p, u[i].once);
        jz__pg_p_text(&p, u[i].rule);
        jz__pg_p_int(&p, u[i].verdict);
        jz__pg_p_int(&p, u[i].decided_monthly);
        jz__pg_p_int(&p, u[i].decided_once);
        jz__pg_p_int(&p, u[i].judged);
        jz__pg_p_int(&p, u[i].added);
        jz__pg_p_text(&p, u[i].reason);
        rc = run(q,
                 "INSERT INTO case_units(case_id, idx, county, " UNIT_COLUMNS ")"
                 " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
                 " $17)",
                 &p, "记录救助单元", err);
    }
    return rc;
}

static void read_unit(const PGresult *r, int row, jz_case_unit *x)
{
    memset(x, 0, sizeof *x);
    int k = 0;
    x->member = (int)jz__pg_int(r, row, k++);
    jz__pg_copy_text(x->label, sizeof x->label, r, row, k++);
    x->programme = (uint8_t)jz__pg_int(r, row, k++);
    x->persons = (int)jz__pg_int(r, row, k++);
    x->monthly = jz__pg_int(r, row, k++);
    jz__pg_copy_text(x->member_id, sizeof x->member_id, r, row, k++);
    x->once = jz__pg_int(r, row, k++);
    jz__pg_copy_text(x->rule, sizeof x->rule, r, row, k++);
    x->verdict = (uint8_t)jz__pg_int(r, row, k++);
    x->decided_monthly = jz__pg_int(r, row, k++);
    x->decided_once = jz__pg_int(r, row, k++);
    x->judged = jz__pg_int(r, row, k++) != 0;
    x->added = jz__pg_int(r, row, k++) != 0;
    jz__pg_copy_text(x->reason, sizeof x->reason, r, row, k++);
}

jz_err jz__pg_case_set_opinion(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu,
                               const jz_case_reason *r, size_t nr, const char *determination,
                               jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, c->id);
    jz_err rc = run(q, "DELETE FROM case_reasons WHERE case_id = $1", &p, "记录初审意见", err);
    if (!rc) {
        jz__pg_p_text(&p, determination ? determination : "");
        rc = run(q, "UPDATE cases SET opinion = $2 WHERE case_id = $1", &p, "记录初审意见", err);
    }
    if (!rc)
        rc = put_units(q, c, u, nu, err);
    for (size_t i = 0; !rc && i < nr; i++) {
        jz__pg_p_reset(&p);
        jz__pg_p_int(&p, c->id);
        jz__pg_p_int(&p, (int64_t)i);
        jz__pg_p_text(&p, c->county);
        jz__pg_p_text(&p, r[i].rule);
        jz__pg_p_text(&p, r[i].text);
        jz__pg_p_text(&p, r[i].source);
        jz__pg_p_int(&p, r[i].holds);
        rc = run(q,
                 "INSERT INTO case_reasons(case_id, idx, county, rule, text, source, holds)"
                 " VALUES($1, $2, $3, $4, $5, $6, $7)",
                 &p, "记录初审意见", err);
    }
    /* The opinion itself is audited with the case's preliminary step. */
    return rc;
}

jz_err jz__pg_case_set_units(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu,
                             jz_error *err)
{
    return put_units(impl, c, u, nu, err);
}

jz_err jz__pg_case_opinion(void *impl, int64_t id, jz_case_unit *u, size_t ucap, size_t *nu,
                           jz_case_reason *r, size_t rcap, size_t *nr, jz_error *err)
{
    pg *q = impl;
    *nu = *nr = 0;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, id);
    jz_err rc;
    PGresult *res = jz__pg_run(
        q, "SELECT " UNIT_COLUMNS " FROM case_units WHERE case_id = $1 ORDER BY idx", &p,
        "查询初审意见", &rc, err);
    if (!res)
        return rc;
    for (int i = 0; i < PQntuples(res) && *nu < ucap; i++)
        read_unit(res, i, &u[(*nu)++]);
    PQclear(res);
    if (rcap == 0)
        return JZ_OK;
    res = jz__pg_run(q,
                     "SELECT rule, text, source, holds FROM case_reasons WHERE case_id = $1"
                     " ORDER BY idx",
                     &p, "查询初审意见", &rc, err);
    if (!res)
        return rc;
    for (int i = 0; i < PQntuples(res) && *nr < rcap; i++) {
        jz_case_reason *x = &r[(*nr)++];
        jz__pg_copy_text(x->rule, sizeof x->rule, res, i, 0);
        jz__pg_copy_text(x->text, sizeof x->text, res, i, 1);
        jz__pg_copy_text(x->source, sizeof x->source, res, i, 2);
        x->holds = jz__pg_int(res, i, 3) != 0;
    }
    PQclear(res);
    return JZ_OK;
}

/* ---- what 信息核对 found ---------------------------------------------------------- */

jz_err jz__pg_case_set_findings(void *impl, const jz_case *c, const jz_case_finding *f, size_t nf,
                                jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, c->id);
    jz_err rc = run(q, "DELETE FROM case_findings WHERE case_id = $1", &p, "记录核对结果", err);
    for (size_t i = 0; !rc && i < nf; i++) {
        jz__pg_p_reset(&p);
        jz__pg_p_int(&p, c->id);
        jz__pg_p_int(&p, (int64_t)i);
        jz__pg_p_text(&p, c->county);
        jz__pg_p_text(&p, f[i].member_id);
        jz__pg_p_text(&p, f[i].name);
        jz__pg_p_int(&p, f[i].dept);
        jz__pg_p_int(&p, f[i].row);
        jz__pg_p_int(&p, f[i].on);
        jz__pg_p_text(&p, f[i].rule);
        jz__pg_p_text(&p, f[i].text);
        rc = run(q,
                 "INSERT INTO case_findings(case_id, idx, county, member_id, name, dept,"
                 " feed_row, on_date, rule, text) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                 &p, "记录核对结果", err);
    }
    return rc;
}

jz_err jz__pg_case_findings(void *impl, int64_t id, jz_case_finding *f, size_t cap, size_t *n,
                            jz_error *err)
{
    pg *q = impl;
    *n = 0;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, id);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT member_id, name, dept, feed_row, on_date, rule, text"
                             " FROM case_findings WHERE case_id = $1 ORDER BY idx",
                             &p, "查询核对结果", &rc, err);
    if (!r)
        return rc;
    for (int i = 0; i < PQntuples(r) && *n < cap; i++) {
        jz_case_finding *x = &f[(*n)++];
        memset(x, 0, sizeof *x);
        jz__pg_copy_text(x->member_id, sizeof x->member_id, r, i, 0);
        jz__pg_copy_text(x->name, sizeof x->name, r, i, 1);
        x->dept = (uint8_t)jz__pg_int(r, i, 2);
        x->row = jz__pg_int(r, i, 3);
        x->on = (jz_date)jz__pg_int(r, i, 4);
        jz__pg_copy_text(x->rule, sizeof x->rule, r, i, 5);
        jz__pg_copy_text(x->text, sizeof x->text, r, i, 6);
    }
    PQclear(r);
    return JZ_OK;
}

/* ---- the 公示 and 公布 lists as posted (R-PUB-1) ----------------------------------- */

jz_err jz__pg_posting_put(void *impl, const jz_case *c, int kind, int round, jz_date posted_on,
                          jz_date until, const jz_posting_row *rows, size_t n, jz_error *err)
{
    pg *q = impl;
    jz_err rc = JZ_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        jz__pg_params p;
        jz__pg_p_reset(&p);
        jz__pg_p_text(&p, c->county);
        jz__pg_p_text(&p, c->region);
        jz__pg_p_int(&p, kind);
        jz__pg_p_int(&p, c->id);
        jz__pg_p_int(&p, round);
        jz__pg_p_int(&p, posted_on);
        jz__pg_p_int(&p, until);
        jz__pg_p_int(&p, (int64_t)i);
        jz__pg_p_text(&p, rows[i].name);
        jz__pg_p_int(&p, rows[i].persons);
        jz__pg_p_int(&p, rows[i].amount);
        jz__pg_p_int(&p, rows[i].cash);
        rc = run(q,
                 "INSERT INTO postings(county, village, kind, case_id, round, posted_on, until,"
                 " idx, name, persons, amount, cash)"
                 " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                 &p, "记录公示公布名单", err);
    }
    return rc;
}

jz_err jz__pg_posting_list(void *impl, const char *village, int kind, jz_date on,
                           void (*fn)(const jz_posting_row *row, void *arg), void *arg,
                           jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, village);
    jz__pg_p_int(&p, kind);
    jz__pg_p_int(&p, on);
    jz_err rc;
    /* on == JZ_DATE_NONE: every posting of the village, to list the dates. */
    PGresult *r = jz__pg_run(q,
                             "SELECT case_id, round, posted_on, until, name, persons, amount, cash,"
                             " kind FROM postings WHERE village = $1"
                             " AND ($2::bigint < 0 OR kind = $2::bigint)"
                             " AND ($3::bigint = 0 OR posted_on = $3::bigint)"
                             " ORDER BY posted_on, kind, posting",
                             &p, "查询公示公布名单", &rc, err);
    if (!r)
        return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        jz_posting_row x;
        memset(&x, 0, sizeof x);
        int k = 0;
        x.case_id = jz__pg_int(r, i, k++);
        x.round = (int)jz__pg_int(r, i, k++);
        x.posted_on = (jz_date)jz__pg_int(r, i, k++);
        x.until = (jz_date)jz__pg_int(r, i, k++);
        jz__pg_copy_text(x.name, sizeof x.name, r, i, k++);
        x.persons = (int)jz__pg_int(r, i, k++);
        x.amount = jz__pg_int(r, i, k++);
        x.cash = jz__pg_int(r, i, k++) != 0;
        x.kind = (int)jz__pg_int(r, i, k++);
        fn(&x, arg);
    }
    PQclear(r);
    return JZ_OK;
}

/* ---- temporary assistance granted (R-WF-8) ---------------------------------------- */

jz_err jz__pg_grant_put(void *impl, jz_grant *g, jz_error *err)
{
    pg *q = impl;
    char now[32];
    jz__now_text(now, sizeof now);
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, g->county);
    jz__pg_p_text(&p, g->region);
    jz__pg_p_text(&p, g->household_id);
    jz__pg_p_int(&p, g->case_id);
    jz__pg_p_text(&p, g->member_id);
    jz__pg_p_text(&p, g->name);
    jz__pg_p_int(&p, g->kind);
    jz__pg_p_text(&p, g->rule);
    jz__pg_p_int(&p, g->amount);
    jz__pg_p_int(&p, g->on);
    jz__pg_p_text(&p, g->note);
    jz__pg_p_text(&p, g->beyond_cap);
    jz__pg_p_text(&p, now);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "INSERT INTO grants(county, region, household_id, case_id, member_id,"
                             " name, kind, rule, amount, on_date, note, beyond_cap, recorded_at)"
                             " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                             " RETURNING grant_id",
                             &p, "记录临时救助", &rc, err);
    if (!r)
        return rc;
    g->id = jz__pg_int(r, 0, 0);
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_grant_list(void *impl, const char *prefix, const char *household_id, int64_t case_id,
                         void (*fn)(const jz_grant *g, void *arg), void *arg, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, (int64_t)strlen(prefix));
    jz__pg_p_text(&p, prefix);
    jz__pg_p_int(&p, household_id != NULL); /* NULL: every household's */
    jz__pg_p_text(&p, household_id ? household_id : "");
    jz__pg_p_int(&p, case_id);
    jz_err rc;
    PGresult *r = jz__pg_run(
        q,
        "SELECT grant_id, county, region, household_id, case_id, member_id, name,"
        " kind, rule, amount, on_date, note, beyond_cap FROM grants"
        " WHERE substr(region, 1, $1::int) = $2 AND ($3::int = 0 OR household_id = $4)"
        " AND ($5::bigint = 0 OR case_id = $5::bigint) ORDER BY grant_id",
        &p, "查询临时救助", &rc, err);
    if (!r)
        return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        jz_grant g;
        memset(&g, 0, sizeof g);
        int k = 0;
        g.id = jz__pg_int(r, i, k++);
        jz__pg_copy_text(g.county, sizeof g.county, r, i, k++);
        jz__pg_copy_text(g.region, sizeof g.region, r, i, k++);
        jz__pg_copy_text(g.household_id, sizeof g.household_id, r, i, k++);
        g.case_id = jz__pg_int(r, i, k++);
        jz__pg_copy_text(g.member_id, sizeof g.member_id, r, i, k++);
        jz__pg_copy_text(g.name, sizeof g.name, r, i, k++);
        g.kind = (uint8_t)jz__pg_int(r, i, k++);
        jz__pg_copy_text(g.rule, sizeof g.rule, r, i, k++);
        g.amount = jz__pg_int(r, i, k++);
        g.on = (jz_date)jz__pg_int(r, i, k++);
        jz__pg_copy_text(g.note, sizeof g.note, r, i, k++);
        jz__pg_copy_text(g.beyond_cap, sizeof g.beyond_cap, r, i, k++);
        fn(&g, arg);
    }
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_case_list(void *impl, const char *prefix, bool open_only,
                        void (*fn)(const jz_case *c, void *arg), void *arg, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, (int64_t)strlen(prefix));
    jz__pg_p_text(&p, prefix);
    jz__pg_p_int(&p, open_only);
    jz__pg_p_int(&p, JZ_CASE_CLOSED);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT " CASE_COLUMNS " FROM cases WHERE substr(region, 1, $1::int)"
                             " = $2 AND ($3::int = 0 OR state <> $4::bigint) ORDER BY case_id",
                             &p, "查询案件", &rc, err);
    if (!r)
        return rc;
    jz_case c;
    for (int i = 0; i < PQntuples(r); i++) {
        read_case(r, i, &c);
        fn(&c, arg);
    }
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_case_steps(void *impl, int64_t id, void (*fn)(const jz_case_step *s, void *arg),
                         void *arg, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, id);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT action, on_date, actor, note, deadline, late_days"
                             " FROM case_steps WHERE case_id = $1 ORDER BY step",
                             &p, "查询办理步骤", &rc, err);
    if (!r)
        return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        jz_case_step x;
        memset(&x, 0, sizeof x);
        x.case_id = id;
        x.action = (uint8_t)jz__pg_int(r, i, 0);
        x.on = (jz_date)jz__pg_int(r, i, 1);
        jz__pg_copy_text(x.actor, sizeof x.actor, r, i, 2);
        jz__pg_copy_text(x.note, sizeof x.note, r, i, 3);
        x.deadline = (jz_date)jz__pg_int(r, i, 4);
        x.late_days = (int)jz__pg_int(r, i, 5);
        fn(&x, arg);
    }
    PQclear(r);
    return JZ_OK;
}

/* ---- staff and their close relatives (R-WF-5) -------------------------------- */

jz_err jz__pg_staff_put(void *impl, const char *county, const char *staff_id, const char *name,
                        const char *unit, const char *relative_id, const char *relative_name,
                        const char *relation, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    if (!relative_id) {
        jz__pg_p_text(&p, staff_id);
        jz__pg_p_text(&p, county);
        jz__pg_p_text(&p, name);
        jz__pg_p_text(&p, unit);
        return run(q,
                   "INSERT INTO staff(staff_id, county, name, unit) VALUES($1, $2, $3, $4)"
                   " ON CONFLICT (staff_id) DO UPDATE SET county = EXCLUDED.county,"
                   " name = EXCLUDED.name, unit = EXCLUDED.unit",
                   &p, "登记工作人员", err);
    }
    jz__pg_p_text(&p, relative_id);
    jz__pg_p_text(&p, staff_id);
    jz__pg_p_text(&p, relative_name);
    jz__pg_p_text(&p, relation);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "INSERT INTO staff_relatives(id_number, staff_id, county, name,"
                             " relation) SELECT $1::text, staff_id, county, $3::text, $4::text"
                             " FROM staff WHERE staff_id = $2"
                             " ON CONFLICT (id_number, staff_id) DO UPDATE SET"
                             " county = EXCLUDED.county, name = EXCLUDED.name,"
                             " relation = EXCLUDED.relation",
                             &p, "登记近亲属", &rc, err);
    if (!r)
        return rc;
    bool none = strcmp(PQcmdTuples(r), "0") == 0;
    PQclear(r);
    if (none)
        return jz_error_set(err, JZ_ENOTFOUND, "staff", staff_id,
                            "没有登记这名工作人员（先用 jiuzhu staff add 登记）");
    return JZ_OK;
}

jz_err jz__pg_staff_relative(void *impl, const char *id_number, char *staff_name, size_t n,
                             char *relation, size_t rn, bool *found, jz_error *err)
{
    pg *q = impl;
    *found = false;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, id_number);
    jz_err rc;
    /* A relative first, by staff_id (the SQLite backend's order: its
     * primary key (id_number, staff_id)), then the staff member himself. */
    PGresult *r = jz__pg_run(
        q,
        "SELECT who, relation FROM (SELECT s.name || '（' || s.unit || '）' AS who,"
        " r.relation, 0 AS o, r.staff_id FROM staff_relatives r"
        " JOIN staff s ON s.staff_id = r.staff_id WHERE r.id_number = $1"
        " UNION ALL SELECT name || '（' || unit || '）', '本人', 1, staff_id FROM staff"
        " WHERE staff_id = $1) x ORDER BY o, staff_id COLLATE \"C\" LIMIT 1",
        &p, "查询近亲属登记", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) == 1) {
        *found = true;
        jz__pg_copy_text(staff_name, n, r, 0, 0);
        jz__pg_copy_text(relation, rn, r, 0, 1);
    }
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_staff_county(void *impl, const char *staff_id, char county[7], bool *found,
                           jz_error *err)
{
    pg *q = impl;
    *found = false;
    county[0] = '\0';
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, staff_id);
    jz_err rc;
    PGresult *r = jz__pg_run(q, "SELECT county FROM staff WHERE staff_id = $1", &p,
                             "查询工作人员登记", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) == 1) {
        *found = true;
        jz__pg_copy_text(county, 7, r, 0, 0);
    }
    PQclear(r);
    return JZ_OK;
}

/* ---- enrolments ---------------------------------------------------------------- */

int jz__pg_read_enrolment(const PGresult *r, int row, int col, jz_enrolment *e)
{
    memset(e, 0, sizeof *e);
    int k = col;
    e->id = jz__pg_int(r, row, k++);
    jz__pg_copy_text(e->county, sizeof e->county, r, row, k++);
    jz__pg_copy_text(e->region, sizeof e->region, r, row, k++);
    jz__pg_copy_text(e->household_id, sizeof e->household_id, r, row, k++);
    e->case_id = jz__pg_int(r, row, k++); /* NULL (an import's recipient): 0 */
    e->member = (int)jz__pg_int(r, row, k++);
    jz__pg_copy_text(e->label, sizeof e->label, r, row, k++);
    e->programme = (uint8_t)jz__pg_int(r, row, k++);
    e->persons = (int)jz__pg_int(r, row, k++);
    e->monthly = jz__pg_int(r, row, k++);
    jz__pg_copy_text(e->first_month, sizeof e->first_month, r, row, k++);
    e->status = (uint8_t)jz__pg_int(r, row, k++);
    jz__pg_copy_text(e->end_month, sizeof e->end_month, r, row, k++);
    e->next_review = (jz_date)jz__pg_int(r, row, k++);
    e->review_months = (int)jz__pg_int(r, row, k++);
    e->death_check_due = (jz_date)jz__pg_int(r, row, k++);
    e->to_recover = jz__pg_int(r, row, k++);
    jz__pg_copy_text(e->stop_reason, sizeof e->stop_reason, r, row, k++);
    jz__pg_copy_text(e->member_id, sizeof e->member_id, r, row, k++);
    e->judged = jz__pg_int(r, row, k++) != 0;
    jz__pg_copy_text(e->origin, sizeof e->origin, r, row, k++);
    return k;
}

jz_err jz__pg_enrol_get(void *impl, int64_t id, jz_enrolment *e, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, id);
    jz_err rc;
    /* In a transaction, read to be rewritten (jz_store_enrol_put reads the
     * row before it). */
    PGresult *r = jz__pg_run(
        q,
        lock_rows(q)
            ? "SELECT " JZ__PG_ENROL_COLUMNS " FROM enrolments WHERE enrolment = $1 FOR UPDATE"
            : "SELECT " JZ__PG_ENROL_COLUMNS " FROM enrolments WHERE enrolment = $1",
        &p, "查询救助对象", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) == 1) {
        jz__pg_read_enrolment(r, 0, 0, e);
        rc = JZ_OK;
    } else {
        not_found(err, "enrolment", id, "没有这条救助记录");
        rc = JZ_ENOTFOUND;
    }
    PQclear(r);
    return rc;
}

/* Adds the 20 values of an enrolment after its id. */
static void enrol_params(jz__pg_params *p, const jz_enrolment *e)
{
    jz__pg_p_text(p, e->county);
    jz__pg_p_text(p, e->region);
    jz__pg_p_text(p, e->household_id);
    jz__pg_p_int(p, e->case_id); /* 0: a recipient brought in by an import (NULL) */
    jz__pg_p_int(p, e->member);
    jz__pg_p_text(p, e->label);
    jz__pg_p_int(p, e->programme);
    jz__pg_p_int(p, e->persons);
    jz__pg_p_int(p, e->monthly);
    jz__pg_p_text(p, e->first_month);
    jz__pg_p_int(p, e->status);
    jz__pg_p_text(p, e->end_month);
    jz__pg_p_int(p, e->next_review);
    jz__pg_p_int(p, e->review_months);
    jz__pg_p_int(p, e->death_check_due);
    jz__pg_p_int(p, e->to_recover);
    jz__pg_p_text(p, e->stop_reason);
    jz__pg_p_text(p, e->member_id);
    jz__pg_p_int(p, e->judged);
    jz__pg_p_text(p, e->origin);
}

#define ENROL_REST                                                                                 \
    "county, region, household_id, case_id, member, label, programme, persons, monthly,"           \
    " first_month, status, end_month, next_review, review_months, death_check_due, to_recover,"    \
    " stop_reason, member_id, judged, origin"
/* $1..$20, typed (an INSERT ... SELECT does not type them by its columns). */
#define ENROL_VALUES                                                                               \
    "$1::text, $2::text, $3::text, NULLIF($4::bigint, 0), $5::bigint, $6::text, $7::bigint,"       \
    " $8::bigint, $9::bigint, $10::text, $11::bigint, $12::text, $13::bigint, $14::bigint,"        \
    " $15::bigint, $16::bigint, $17::text, $18::text, $19::bigint, $20::text"

/* Writes an enrolment: an insert (its id set in e->id), or an update when
 * e->id > 0; a new one with its first term and payment mark when adopt
 * (enrol_adopt: one statement where four were). */
static jz_err enrol_write(pg *q, jz_enrolment *e, bool adopt, jz_error *err)
{
    bool existed = e->id > 0;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    enrol_params(&p, e);
    if (existed)
        jz__pg_p_int(&p, e->id);
    bool unique, household = true;
    jz_err rc;
    /* A new one: its household by the directory of household IDs, and a
     * live enrolment of the same unit if any; neither inserts (nor draws
     * an id), as SQLite's constraints refuse the row; the unique index
     * enrolments_live_unit still decides between two writers at once. */
#define ENROL_INSERT                                                                               \
    "WITH h AS (SELECT hh FROM household_ids WHERE household_id = $3),"                            \
    " live AS (SELECT 1 FROM enrolments WHERE household_id = $3 AND member_id = $18"               \
    " AND programme = $7::bigint AND status <> 2 AND $11::bigint <> 2 LIMIT 1),"                   \
    " ins AS (INSERT INTO enrolments(" ENROL_REST ", hh) SELECT " ENROL_VALUES ", h.hh"            \
    " FROM h WHERE NOT EXISTS (SELECT 1 FROM live) RETURNING enrolment)"
#define ENROL_INSERTED                                                                             \
    " SELECT (SELECT enrolment FROM ins), EXISTS (SELECT 1 FROM h)::int,"                          \
    " EXISTS (SELECT 1 FROM live)::int"
    PGresult *r = jz__pg_run_unique(
        q,
        existed ? "UPDATE enrolments SET (" ENROL_REST ") = (" ENROL_VALUES ") WHERE enrolment = $21"
        : adopt ? ENROL_INSERT ", t AS (INSERT INTO enrol_terms(enrolment, since, county, monthly,"
                  " persons) SELECT enrolment, $10::text, $1::text, $9::bigint, $8::bigint"
                  " FROM ins WHERE $10::text <> ''), d AS (INSERT INTO pay_dirty(enrolment,"
                  " county) SELECT enrolment, $1::text FROM ins ON CONFLICT(enrolment)"
                  " DO NOTHING)" ENROL_INSERTED
                : ENROL_INSERT ENROL_INSERTED,
        &p, "写入救助对象", &unique, &rc, err);
#undef ENROL_INSERT
#undef ENROL_INSERTED
    if (!r && !unique)
        return rc;
    if (r && !existed) {
        if (!PQgetisnull(r, 0, 0))
            e->id = jz__pg_int(r, 0, 0);
        household = jz__pg_int(r, 0, 1) != 0;
        unique = jz__pg_int(r, 0, 2) != 0;
    }
    PQclear(r);
    if (!household)
        return jz_error_set(err, JZ_EIO, "household_id", e->household_id,
                            "写入救助对象失败：数据库中没有这一户");
    if (unique)
        return jz_error_set(
            err, JZ_EINPUT, "enrolment", e->label,
            "户 %s 的这一救助单元（%s）已在享受中，不能重复纳入", e->household_id,
            e->programme < JZ_UNIT_PROGRAMME_COUNT ? jz_unit_programme_zh[e->programme] : "?");
    if (!existed)
        jz__pg_prefetch_enrolled(q, e->household_id);
    return JZ_OK;
}

jz_err jz__pg_enrol_put(void *impl, jz_enrolment *e, jz_error *err)
{
    return enrol_write(impl, e, false, err);
}

jz_err jz__pg_enrol_adopt(void *impl, jz_enrolment *e, jz_error *err)
{
    pg *q = impl;
    e->id = 0;
    /* A household the import's transaction made: held with its rows and
     * copied with them (one statement each was 57 s of a million
     * households' import, half of it planning).  It has no enrolment but
     * those the transaction gives it (jz_proc_adopt looks them up), and
     * the unique index enrolments_live_unit still decides at the COPY. */
    bool held = false;
    jz_err rc = jz__pg_hold_enrolment(q, e, &held, err);
    if (rc || held) {
        if (!rc)
            jz__pg_prefetch_enrolled(q, e->household_id);
        return rc;
    }
    return enrol_write(q, e, true, err);
}

jz_err jz__pg_enrol_list(void *impl, const char *prefix, const char *household_id,
                         void (*fn)(const jz_enrolment *e, void *arg), void *arg, jz_error *err)
{
    pg *q = impl;
    /* A household an import is putting, which the prefetch found without
     * enrolments, has none (an import's adoption asks of every household
     * that states a `current`). */
    if (household_id && jz__pg_prefetch_no_enrolments(q, household_id))
        return JZ_OK;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, (int64_t)strlen(prefix));
    jz__pg_p_text(&p, prefix);
    if (household_id)
        jz__pg_p_text(&p, household_id);
    jz_err rc;
    /* One household's: by its index (imports look them up for every
     * household that states a `current`). */
    PGresult *r =
        jz__pg_run(q,
                   household_id ? "SELECT " JZ__PG_ENROL_COLUMNS " FROM enrolments"
                                  " WHERE household_id = $3 AND substr(region, 1, $1::int) = $2"
                                  " ORDER BY enrolment"
                                : "SELECT " JZ__PG_ENROL_COLUMNS " FROM enrolments"
                                  " WHERE substr(region, 1, $1::int) = $2 ORDER BY enrolment",
                   &p, "查询救助对象", &rc, err);
    if (!r)
        return rc;
    jz_enrolment e;
    for (int i = 0; i < PQntuples(r); i++) {
        jz__pg_read_enrolment(r, i, 0, &e);
        fn(&e, arg);
    }
    PQclear(r);
    return JZ_OK;
}
