/*
 * pg_pay.c - the PostgreSQL backend's payments (jz_store_pay.h; the tables
 * of pg_schema.c): sqlite_pay.c's statements in PostgreSQL's SQL, with the
 * same facts, errors and order of rows.  Statements only: lib/pay decides
 * what is owed, to whom and when, and audits it.
 *
 * Where SQLite's single writer made a read-then-write safe, a writer here
 * takes a transaction-scoped advisory lock (two-int keys, a key space apart
 * from the audit chain's bigint key) on what it decides about: a county's
 * planning record (pay_plan_mark), a unit's payee (payee_put) and an
 * enrolment's recoveries (recovery_add).  The other writes are single
 * statements whose condition PostgreSQL checks again on the row it locks
 * (a line's or batch's status, a balance), or inserts that a unique index
 * decides (ON CONFLICT).  The readers of many rows (pay_units,
 * pay_units_all) are one query each, read whole before the callbacks run,
 * so that a callback may itself use the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_pay.h"

/* Advisory lock classes (the first key of pg_advisory_xact_lock(int, int)). */
#define LOCK_PLAN 0x6a7a7001     /* a county's planning record */
#define LOCK_PAYEE 0x6a7a7002    /* a unit's payees */
#define LOCK_RECOVERY 0x6a7a7003 /* an enrolment's recoveries */

/* Inside a transaction, holds the advisory lock of (cls, key) until it
 * ends; outside one a single statement needs none. */
static jz_err lock(pg *q, int cls, const char *key, const char *what, jz_error *err)
{
    if (!q->in_tx)
        return JZ_OK;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, cls);
    jz__pg_p_text(&p, key);
    jz_err rc;
    PGresult *r =
        jz__pg_run(q, "SELECT pg_advisory_xact_lock($1::int, hashtext($2))", &p, what, &rc, err);
    if (!r)
        return rc;
    PQclear(r);
    return JZ_OK;
}

/* The row of sql (one int64 parameter, the id) read by `read`; JZ_ENOTFOUND
 * naming field and id with `missing` when there is none. */
static jz_err get_by_id(pg *q, const char *sql, int64_t id,
                        void (*read)(const PGresult *r, int row, void *out), void *out,
                        const char *field, const char *missing, const char *what, jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, id);
    jz_err rc;
    PGresult *r = jz__pg_run(q, sql, &p, what, &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) > 0) {
        read(r, 0, out);
    } else {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)id);
        rc = jz_error_set(err, JZ_ENOTFOUND, field, v, "%s", missing);
    }
    PQclear(r);
    return rc;
}

/* ---- terms, holds, dirty marks ---------------------------------------------------- */

jz_err jz__pg_pay_dirty(pg *q, int64_t enrolment, const char *county, jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, enrolment);
    jz__pg_p_text(&p, county);
    return jz__pg_do(q,
                  "INSERT INTO pay_dirty(enrolment, county) VALUES($1, $2)"
                  " ON CONFLICT(enrolment) DO NOTHING",
                  &p, "标记待核对的发放", NULL, err);
}

jz_err jz__pg_pay_mark(void *impl, int64_t enrolment, const char *county, jz_error *err)
{
    return jz__pg_pay_dirty(impl, enrolment, county, err);
}

jz_err jz__pg_enrol_term(void *impl, const jz_enrolment *e, const char *since, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, e->id);
    jz__pg_p_text(&p, since);
    jz__pg_p_text(&p, e->county);
    jz__pg_p_int(&p, e->monthly);
    jz__pg_p_int(&p, e->persons);
    jz_err rc = jz__pg_do(q,
                       "INSERT INTO enrol_terms(enrolment, since, county, monthly, persons)"
                       " VALUES($1, $2, $3, $4, $5) ON CONFLICT(enrolment, since)"
                       " DO UPDATE SET monthly = excluded.monthly, persons = excluded.persons",
                       &p, "记录救助金额", NULL, err);
    if (rc)
        return rc;
    return jz__pg_pay_dirty(q, e->id, e->county, err);
}

_Static_assert(JZ_UNIT_DIBAO == 0 && JZ_UNIT_DIBAO_EXPENDITURE == 1 && JZ_UNIT_SINGLE_DIBAO == 4 &&
                   JZ_UNIT_TEKUN == 5 && JZ_ENROL_STOPPED == 2,
               "the programmes and status named in UNIT_SQL");

#define ENROL_COLUMNS_E                                                                            \
    "e.enrolment, e.county, e.region, e.household_id, e.case_id, e.member, e.label,"               \
    " e.programme, e.persons, e.monthly, e.first_month, e.status, e.end_month, e.next_review,"     \
    " e.review_months, e.death_check_due, e.to_recover, e.stop_reason, e.member_id, e.judged,"     \
    " e.origin"

/* An enrolment with what planning needs to know of it.  Months compare as
 * text in collation "C", whatever the database's locale. */
#define UNIT_SELECT                                                                                \
    "SELECT " ENROL_COLUMNS_E ","                                                                  \
    " (SELECT string_agg(t.since || ':' || t.monthly || ':' || t.persons, ','"                     \
    "   ORDER BY t.since COLLATE \"C\") FROM enrol_terms t WHERE t.enrolment = e.enrolment),"      \
    " (SELECT string_agg(h.from_month || '|' || h.to_month || '|' || h.back_pay || '|'"            \
    "   || h.reason, chr(31) ORDER BY h.from_month COLLATE \"C\") FROM enrol_holds h"              \
    "   WHERE h.enrolment = e.enrolment),"                                                         \
    " (SELECT x.n_members FROM households x WHERE x.county = e.county"                             \
    "   AND x.household_id = e.household_id),"                                                     \
    " CASE WHEN e.member_id <> '' AND e.programme IN (4, 5) THEN"                                  \
    "   (SELECT max(o.persons) FROM enrolments o WHERE o.household_id = e.household_id"            \
    "    AND o.member_id = '' AND o.programme IN (0, 1) AND o.status <> 2) ELSE 0 END,"            \
    " CASE WHEN e.member_id <> '' AND e.programme IN (4, 5) THEN"                                  \
    "   (SELECT count(*) FROM enrolments o WHERE o.household_id = e.household_id"                  \
    "    AND o.member_id <> '' AND o.programme IN (4, 5) AND o.status <> 2) ELSE 0 END,"           \
    " (SELECT p.payee FROM payees p WHERE p.household_id = e.household_id"                         \
    "   AND p.member_id = '' AND p.current = 1),"                                                  \
    " (SELECT p.payee FROM payees p WHERE p.household_id = e.household_id"                         \
    "   AND p.member_id = e.member_id AND e.member_id <> '' AND p.current = 1),"                   \
    " (SELECT p.institution FROM payees p WHERE p.household_id = e.household_id"                   \
    "   AND p.member_id = e.member_id AND e.member_id <> '' AND p.current = 1),"                   \
    " (dd.enrolment IS NOT NULL)::int"                                                             \
    " FROM enrolments e LEFT JOIN pay_dirty dd ON dd.enrolment = e.enrolment"

/* $1 region prefix, $2 month, $3 quarter, $4 quarter_start (0 or 1). */
#define UNIT_SQL                                                                                   \
    UNIT_SELECT                                                                                    \
    " WHERE substr(e.region, 1, length($1)) = $1 AND (dd.enrolment IS NOT NULL OR ("               \
    "   (e.programme IN (0, 1, 4) OR (e.programme = 5 AND $4::bigint <> 0))"                       \
    "   AND e.first_month COLLATE \"C\" <= $2"                                                     \
    "   AND (e.status <> 2 OR e.end_month COLLATE \"C\" >= $2)"                                    \
    "   AND NOT EXISTS(SELECT 1 FROM pay_lines l WHERE l.county = e.county"                        \
    "     AND l.enrolment = e.enrolment AND l.kind = 0"                                            \
    "     AND l.period = CASE WHEN e.programme = 5 THEN $3 ELSE $2 END)))"                         \
    " ORDER BY e.enrolment"

static int read_enrolment(const PGresult *r, int i, jz_enrolment *e)
{
    memset(e, 0, sizeof *e);
    int k = 0;
    e->id = jz__pg_int(r, i, k++);
    jz__pg_copy_text(e->county, sizeof e->county, r, i, k++);
    jz__pg_copy_text(e->region, sizeof e->region, r, i, k++);
    jz__pg_copy_text(e->household_id, sizeof e->household_id, r, i, k++);
    e->case_id = jz__pg_int(r, i, k++);
    e->member = (int)jz__pg_int(r, i, k++);
    jz__pg_copy_text(e->label, sizeof e->label, r, i, k++);
    e->programme = (uint8_t)jz__pg_int(r, i, k++);
    e->persons = (int)jz__pg_int(r, i, k++);
    e->monthly = jz__pg_int(r, i, k++);
    jz__pg_copy_text(e->first_month, sizeof e->first_month, r, i, k++);
    e->status = (uint8_t)jz__pg_int(r, i, k++);
    jz__pg_copy_text(e->end_month, sizeof e->end_month, r, i, k++);
    e->next_review = (jz_date)jz__pg_int(r, i, k++);
    e->review_months = (int)jz__pg_int(r, i, k++);
    e->death_check_due = (jz_date)jz__pg_int(r, i, k++);
    e->to_recover = jz__pg_int(r, i, k++);
    jz__pg_copy_text(e->stop_reason, sizeof e->stop_reason, r, i, k++);
    jz__pg_copy_text(e->member_id, sizeof e->member_id, r, i, k++);
    e->judged = jz__pg_int(r, i, k++) != 0;
    jz__pg_copy_text(e->origin, sizeof e->origin, r, i, k++);
    return k;
}

/* Row i of UNIT_SELECT. */
static void read_unit(const PGresult *r, int i, jz_pay_unit *u)
{
    memset(u, 0, sizeof *u);
    int k = read_enrolment(r, i, &u->e);
    jz__pay_parse_terms(jz__pg_text(r, i, k++), u);
    jz__pay_parse_holds(jz__pg_text(r, i, k++), u);
    u->members = (int)jz__pg_int(r, i, k++);
    u->household_persons = (int)jz__pg_int(r, i, k++);
    u->own_units = (int)jz__pg_int(r, i, k++);
    u->payee_household = jz__pg_int(r, i, k++);
    u->payee_person = jz__pg_int(r, i, k++);
    u->payee_institution = jz__pg_int(r, i, k++) != 0;
    u->dirty = jz__pg_int(r, i, k++) != 0;
}

/* ---- the counties of a planning's changed units' lines -------------------------------
 *
 * A planning reads the lines of each unit marked changed (pay_owed).  By the
 * enrolment alone, that query cannot name a county (a household that moved
 * keeps its lines in the county that paid them), so it was planned over
 * every county's partition of pay_lines and probed each: 20 ms a unit, and
 * the first planning of 100,000 households' 16,000 units took six minutes.
 * While a planning walks its units, the backend keeps the list of the
 * marked ones, and the first time one of a county's is asked for, it finds
 * in one query the counties where each of that county's marked units has
 * lines: after the county's planning lock (pay_plan_mark), so that another
 * planning of the county has committed its lines, and no other writes an
 * enrolment's lines in a county it does not live in (a follow-up is in its
 * refused line's).  Each unit's lines are then read, as before, when it is
 * asked for, from those counties' partitions alone, and its own county's
 * (where the lines this planning adds for it go). */

typedef struct owed_unit {
    int64_t enrolment;
    char county[7];
    bool loaded; /* counties holds every county of its lines */
    char (*counties)[7];
    size_t n, cap;
} owed_unit;

struct pg_owed {
    owed_unit *u; /* by enrolment */
    size_t n;
};

static void owed_free(pg *q)
{
    if (!q->owed)
        return;
    for (size_t i = 0; i < q->owed->n; i++)
        free(q->owed->u[i].counties);
    free(q->owed->u);
    free(q->owed);
    q->owed = NULL;
}

static owed_unit *owed_find(pg *q, int64_t enrolment)
{
    struct pg_owed *o = q->owed;
    size_t lo = 0, hi = o ? o->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (o->u[mid].enrolment < enrolment)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < (o ? o->n : 0) && o->u[lo].enrolment == enrolment ? &o->u[lo] : NULL;
}

/* county among u's; false when out of memory. */
static bool owed_county(owed_unit *u, const char *county)
{
    for (size_t i = 0; i < u->n; i++)
        if (strcmp(u->counties[i], county) == 0)
            return true;
    if (u->n == u->cap) {
        size_t cap = u->cap ? 2 * u->cap : 4;
        char(*c)[7] = realloc(u->counties, cap * sizeof *c);
        if (!c)
            return false;
        u->counties = c;
        u->cap = cap;
    }
    snprintf(u->counties[u->n++], sizeof u->counties[0], "%s", county);
    return true;
}

/* The counties of the lines of every marked unit of county, by one query. */
static jz_err owed_load(pg *q, const char *county, jz_error *err)
{
    struct pg_owed *o = q->owed;
    jz__abuf b = {0};
    for (size_t i = 0; i < o->n; i++)
        if (!o->u[i].loaded && strcmp(o->u[i].county, county) == 0) {
            char v[24];
            snprintf(v, sizeof v, "%lld", (long long)o->u[i].enrolment);
            jz__pg_array_add(&b, v);
        }
    const char *list = jz__pg_array_end(&b);
    if (!list) {
        free(b.p);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, list);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT enrolment, county FROM pay_lines"
                             " WHERE enrolment = ANY($1::bigint[]) AND kind IN (0, 1, 3)"
                             " GROUP BY enrolment, county",
                             &p, "读取已计发金额", &rc, err);
    free(b.p);
    if (!r)
        return rc;
    for (int i = 0, rows = PQntuples(r); i < rows && !rc; i++) {
        owed_unit *u = owed_find(q, jz__pg_int(r, i, 0));
        if (u && !u->loaded && !owed_county(u, PQgetvalue(r, i, 1)))
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    PQclear(r);
    for (size_t i = 0; i < o->n && !rc; i++)
        if (!o->u[i].loaded && strcmp(o->u[i].county, county) == 0) {
            if (!owed_county(&o->u[i], county))
                rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            o->u[i].loaded = true;
        }
    return rc;
}

#define OWED_COLUMNS                                                                               \
    "l.line, l.kind, CASE l.kind WHEN 1 THEN l.ref_period ELSE l.period END,"                      \
    " l.amount, l.status, l.batch, l.refers_to, coalesce(b.state, -1)"                             \
    " FROM pay_lines l LEFT JOIN pay_batches b ON l.batch > 0 AND b.batch = l.batch"

/* The units of one query of UNIT_SELECT's columns, to fn.  owed: keep the
 * list of those marked changed while fn runs (a planning). */
static jz_err each_unit(pg *q, const char *sql, const jz__pg_params *p, bool owed,
                        void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err)
{
    jz_err rc;
    PGresult *r = jz__pg_run(q, sql, p, "读取救助对象", &rc, err);
    if (!r)
        return rc;
    jz_pay_unit *u = malloc(sizeof *u); /* large: its terms and holds */
    if (!u) {
        PQclear(r);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    int n = PQntuples(r), dirty = PQnfields(r) - 1;
    owed_free(q);
    struct pg_owed *o = owed ? calloc(1, sizeof *o) : NULL;
    if (o && (o->u = calloc((size_t)n ? (size_t)n : 1, sizeof *o->u))) {
        /* UNIT_SQL's units come by enrolment: o->u is in order. */
        for (int i = 0; i < n; i++)
            if (jz__pg_int(r, i, dirty) != 0) {
                o->u[o->n].enrolment = jz__pg_int(r, i, 0);
                jz__pg_copy_text(o->u[o->n].county, sizeof o->u[o->n].county, r, i, 1);
                if (o->n == 0 || o->u[o->n].enrolment > o->u[o->n - 1].enrolment)
                    o->n++;
            }
        q->owed = o;
    } else {
        free(o); /* without: each unit's rows read alone */
    }
    for (int i = 0; i < n; i++) {
        read_unit(r, i, u);
        fn(u, arg);
    }
    owed_free(q);
    free(u);
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_pay_units_all(void *impl, const char *prefix,
                            void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, prefix);
    return each_unit(impl,
                     UNIT_SELECT " WHERE substr(e.region, 1, length($1)) = $1"
                                 " ORDER BY e.household_id COLLATE \"C\", e.enrolment",
                     &p, false, fn, arg, err);
}

jz_err jz__pg_pay_units(void *impl, const char *prefix, const char *month, const char *quarter,
                        bool quarter_start, void (*fn)(const jz_pay_unit *u, void *arg), void *arg,
                        jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, prefix);
    jz__pg_p_text(&p, month);
    jz__pg_p_text(&p, quarter);
    jz__pg_p_int(&p, quarter_start);
    return each_unit(impl, UNIT_SQL, &p, true, fn, arg, err);
}

static void read_unit_any(const PGresult *r, int i, void *out)
{
    read_unit(r, i, out);
}

jz_err jz__pg_pay_unit(void *impl, int64_t enrolment, jz_pay_unit *out, jz_error *err)
{
    return get_by_id(impl, UNIT_SELECT " WHERE e.enrolment = $1", enrolment, read_unit_any, out,
                     "enrolment", "没有这条救助", "读取救助对象", err);
}

jz_err jz__pg_pay_owed(void *impl, int64_t enrolment,
                       void (*fn)(const jz_pay_held_row *r, void *arg), void *arg, jz_error *err)
{
    pg *q = impl;
    owed_unit *u = owed_find(q, enrolment);
    jz_err rc = u && !u->loaded && u->county[0] ? owed_load(q, u->county, err) : JZ_OK;
    if (rc)
        return rc;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, enrolment);
    /* The counties of its lines: their partitions alone, named at planning. */
    jz__abuf b = {0};
    const char *counties = NULL;
    if (u && u->loaded) {
        for (size_t i = 0; i < u->n; i++)
            jz__pg_array_add(&b, u->counties[i]);
        if (!(counties = jz__pg_array_end(&b))) {
            free(b.p);
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        }
        jz__pg_p_text(&p, counties);
    }
    PGresult *r = jz__pg_run(q,
                             counties ? "SELECT " OWED_COLUMNS " WHERE l.county = ANY($2::text[])"
                                        " AND l.enrolment = $1 AND l.kind IN (0, 1, 3)"
                                        " ORDER BY l.line"
                                      : "SELECT " OWED_COLUMNS " WHERE l.enrolment = $1"
                                        " AND l.kind IN (0, 1, 3) ORDER BY l.line",
                             &p, "读取已计发金额", &rc, err);
    free(b.p);
    if (!r)
        return rc;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        jz_pay_held_row h;
        memset(&h, 0, sizeof h);
        h.line = jz__pg_int(r, i, 0);
        h.kind = (uint8_t)jz__pg_int(r, i, 1);
        jz__pg_copy_text(h.period, sizeof h.period, r, i, 2);
        h.amount = jz__pg_int(r, i, 3);
        h.status = (uint8_t)jz__pg_int(r, i, 4);
        h.batch = jz__pg_int(r, i, 5);
        h.refers_to = jz__pg_int(r, i, 6);
        h.batch_state = (int8_t)jz__pg_int(r, i, 7);
        fn(&h, arg);
    }
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_pay_count_regular(void *impl, const char *prefix, const char *month,
                                const char *quarter, int64_t *n, jz_error *err)
{
    pg *q = impl;
    *n = 0;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, prefix);
    jz__pg_p_text(&p, month);
    jz__pg_p_text(&p, quarter);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT count(*) FROM pay_lines WHERE kind = 0 AND period IN ($2, $3)"
                             " AND substr(region, 1, length($1)) = $1",
                             &p, "统计发放明细", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) > 0)
        *n = jz__pg_int(r, 0, 0);
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_pay_clean(void *impl, const char *prefix, jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, prefix);
    return jz__pg_do(impl,
                  "DELETE FROM pay_dirty WHERE enrolment IN (SELECT enrolment FROM"
                  " enrolments WHERE substr(region, 1, length($1)) = $1)",
                  &p, "清除待核对标记", NULL, err);
}

/* The first or last month planned in a county (sql: min or max). */
static jz_err plan_edge(pg *q, const char *sql, const char *county, char out[JZ_PERIOD_BUF],
                        jz_error *err)
{
    out[0] = '\0';
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, county);
    jz_err rc;
    PGresult *r = jz__pg_run(q, sql, &p, "读取发放计划", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) > 0)
        jz__pg_copy_text(out, JZ_PERIOD_BUF, r, 0, 0);
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_pay_plan_first(void *impl, const char *county, char first[JZ_PERIOD_BUF],
                             jz_error *err)
{
    return plan_edge(impl, "SELECT min(period COLLATE \"C\") FROM pay_plans WHERE county = $1",
                     county, first, err);
}

jz_err jz__pg_pay_plan_last(void *impl, const char *county, char last[JZ_PERIOD_BUF], jz_error *err)
{
    return plan_edge(impl, "SELECT max(period COLLATE \"C\") FROM pay_plans WHERE county = $1",
                     county, last, err);
}

jz_err jz__pg_pay_plan_mark(void *impl, const char *county, const char *period,
                            char first[JZ_PERIOD_BUF], jz_error *err)
{
    pg *q = impl;
    /* Two plannings of a county: the second reads the first's record. */
    jz_err rc = lock(q, LOCK_PLAN, county, "记录发放计划", err);
    if (!rc)
        rc = jz__pg_pay_plan_first(impl, county, first, err);
    if (rc)
        return rc;
    char now[32];
    jz__now_text(now, sizeof now);
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, county);
    jz__pg_p_text(&p, period);
    jz__pg_p_text(&p, now);
    return jz__pg_do(q,
                  "INSERT INTO pay_plans(county, period, runs, first_at, last_at)"
                  " VALUES($1, $2, 1, $3, $3) ON CONFLICT(county, period)"
                  " DO UPDATE SET runs = pay_plans.runs + 1, last_at = excluded.last_at",
                  &p, "记录发放计划", NULL, err);
}

/* ---- lines -------------------------------------------------------------------------- */

#define LINE_COLUMNS                                                                               \
    "line, county, region, household_id, enrolment, programme, period, kind, ref_period,"          \
    " refers_to, member_id, label, persons, amount, province_share, local_share, voucher,"         \
    " payee, batch, status, result, reason"

static void read_line(const PGresult *r, int i, jz_pay_line *l)
{
    memset(l, 0, sizeof *l);
    int k = 0;
    l->id = jz__pg_int(r, i, k++);
    jz__pg_copy_text(l->county, sizeof l->county, r, i, k++);
    jz__pg_copy_text(l->region, sizeof l->region, r, i, k++);
    jz__pg_copy_text(l->household_id, sizeof l->household_id, r, i, k++);
    l->enrolment = jz__pg_int(r, i, k++);
    jz__pg_copy_text(l->programme, sizeof l->programme, r, i, k++);
    jz__pg_copy_text(l->period, sizeof l->period, r, i, k++);
    l->kind = (uint8_t)jz__pg_int(r, i, k++);
    jz__pg_copy_text(l->ref_period, sizeof l->ref_period, r, i, k++);
    l->refers_to = jz__pg_int(r, i, k++);
    jz__pg_copy_text(l->member_id, sizeof l->member_id, r, i, k++);
    jz__pg_copy_text(l->label, sizeof l->label, r, i, k++);
    l->persons = (int)jz__pg_int(r, i, k++);
    l->amount = jz__pg_int(r, i, k++);
    l->province_share = jz__pg_int(r, i, k++);
    l->local_share = jz__pg_int(r, i, k++);
    l->voucher = jz__pg_int(r, i, k++) != 0;
    l->payee = jz__pg_int(r, i, k++);
    l->batch = jz__pg_int(r, i, k++);
    l->status = (uint8_t)jz__pg_int(r, i, k++);
    jz__pg_copy_text(l->result, sizeof l->result, r, i, k++);
    jz__pg_copy_text(l->reason, sizeof l->reason, r, i, k++);
}

jz_err jz__pg_pay_line_add(void *impl, jz_pay_line *l, bool *added, jz_error *err)
{
    pg *q = impl;
    *added = false;
    jz_err rc = jz__pg_county_parts(q, l->county, JZ__PG_PART_PAY, err);
    if (rc)
        return rc;
    char now[32];
    jz__now_text(now, sizeof now);
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, l->county);
    jz__pg_p_text(&p, l->region);
    jz__pg_p_text(&p, l->household_id);
    jz__pg_p_int(&p, l->enrolment);
    jz__pg_p_text(&p, l->programme);
    jz__pg_p_text(&p, l->period);
    jz__pg_p_int(&p, l->kind);
    jz__pg_p_text(&p, l->ref_period);
    jz__pg_p_int(&p, l->refers_to);
    jz__pg_p_text(&p, l->member_id);
    jz__pg_p_text(&p, l->label);
    jz__pg_p_int(&p, l->persons);
    jz__pg_p_int(&p, l->amount);
    jz__pg_p_int(&p, l->province_share);
    jz__pg_p_int(&p, l->local_share);
    jz__pg_p_int(&p, l->voucher);
    jz__pg_p_int(&p, l->payee);
    jz__pg_p_int(&p, l->batch);
    jz__pg_p_int(&p, l->status);
    jz__pg_p_text(&p, l->result);
    jz__pg_p_text(&p, l->reason);
    jz__pg_p_text(&p, now);
    /* A line the unique indexes forbid twice (pay_lines_regular, _once,
     * _followup) is not inserted: no row comes back. */
    PGresult *r = jz__pg_run(q,
                             "INSERT INTO pay_lines(county, region, household_id, enrolment,"
                             " programme, period, kind, ref_period, refers_to, member_id, label,"
                             " persons, amount, province_share, local_share, voucher, payee, batch,"
                             " status, result, reason, planned_at) VALUES($1, $2, $3, $4, $5, $6,"
                             " $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,"
                             " $21, $22) ON CONFLICT DO NOTHING RETURNING line",
                             &p, "记录发放明细", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) == 1) {
        *added = true;
        l->id = jz__pg_int(r, 0, 0);
    }
    PQclear(r);
    return JZ_OK;
}

static void read_line_any(const PGresult *r, int i, void *out)
{
    read_line(r, i, out);
}

jz_err jz__pg_pay_line_get(void *impl, int64_t id, jz_pay_line *l, jz_error *err)
{
    return get_by_id(impl, "SELECT " LINE_COLUMNS " FROM pay_lines WHERE line = $1", id,
                     read_line_any, l, "line", "没有这条发放明细", "读取发放明细", err);
}

jz_err jz__pg_pay_line_set(void *impl, const jz_pay_line *l, uint8_t was, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, l->id);
    jz__pg_p_int(&p, l->payee);
    jz__pg_p_int(&p, l->batch);
    jz__pg_p_int(&p, l->status);
    jz__pg_p_text(&p, l->result);
    jz__pg_p_text(&p, l->reason);
    jz__pg_p_int(&p, was);
    int64_t n = 0;
    /* The status is checked again on the row locked by the update: a
     * writer that changed it first wins, this one changes nothing. */
    /* The line's county, where the caller has it, names its partition:
     * without it the update probes every county's (17 ms a line, so that
     * a county's batch of 430 lines took 7.4 s). */
    if (l->county[0])
        jz__pg_p_text(&p, l->county);
    jz_err rc =
        jz__pg_do(q,
                  l->county[0] ? "UPDATE pay_lines SET payee = $2, batch = $3, status = $4,"
                                 " result = $5, reason = $6"
                                 " WHERE county = $8 AND line = $1 AND status = $7"
                               : "UPDATE pay_lines SET payee = $2, batch = $3, status = $4,"
                                 " result = $5, reason = $6 WHERE line = $1 AND status = $7",
                  &p, "更新发放明细", &n, err);
    if (rc)
        return rc;
    if (n != 1) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)l->id);
        return jz_error_set(err, JZ_ECONFLICT, "line", v,
                            "发放明细已被他人处理（状态已变），未写入任何内容");
    }
    return JZ_OK;
}

/* The lines of a query of LINE_COLUMNS, to fn. */
static jz_err each_line(pg *q, const char *sql, const jz__pg_params *p,
                        void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err)
{
    jz_err rc;
    PGresult *r = jz__pg_run(q, sql, p, "读取发放明细", &rc, err);
    if (!r)
        return rc;
    jz_pay_line l;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        read_line(r, i, &l);
        fn(&l, arg);
    }
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_pay_lines_open(void *impl, const char *county, unsigned mask,
                             void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, county);
    jz__pg_p_int(&p, (int64_t)mask);
    return each_line(impl,
                     "SELECT " LINE_COLUMNS " FROM pay_lines WHERE county = $1"
                     " AND ((1::bigint << status::int) & $2::bigint) <> 0 ORDER BY line",
                     &p, fn, arg, err);
}

/* The county of a batch, put in county[] and as the next parameter of p (by
 * pointer: county must outlive the statement), so that a statement on the
 * batch's lines (all of its county: a batch is prepared from one county's)
 * is planned on that county's partition alone, not on all 122 (150 ms of
 * planning each in a new session).  *found false: no such batch (the
 * caller's statement without the county then finds no line). */
static jz_err batch_county(pg *q, int64_t batch, jz__pg_params *p, char county[7], bool *found,
                           jz_error *err)
{
    jz__pg_params b;
    jz__pg_p_reset(&b);
    jz__pg_p_int(&b, batch);
    jz_err rc;
    PGresult *r = jz__pg_run(q, "SELECT county FROM pay_batches WHERE batch = $1", &b,
                             "读取发放批次", &rc, err);
    if (!r)
        return rc;
    *found = PQntuples(r) > 0;
    if (*found) {
        jz__pg_copy_text(county, 7, r, 0, 0);
        jz__pg_p_text(p, county);
    }
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_pay_lines_of_batch(void *impl, int64_t batch,
                                 void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                 jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, batch);
    bool found = false;
    char county[7];
    jz_err rc = batch_county(impl, batch, &p, county, &found, err);
    if (rc)
        return rc;
    return each_line(impl,
                     found ? "SELECT " LINE_COLUMNS " FROM pay_lines WHERE county = $2"
                             " AND batch = $1 AND batch > 0 ORDER BY line"
                           : "SELECT " LINE_COLUMNS " FROM pay_lines WHERE batch = $1 AND"
                             " batch > 0 ORDER BY line",
                     &p, fn, arg, err);
}

jz_err jz__pg_pay_lines_move(void *impl, int64_t batch, uint8_t from, uint8_t to, int64_t *n,
                             jz_error *err)
{
    *n = 0;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, batch);
    jz__pg_p_int(&p, from);
    jz__pg_p_int(&p, to);
    bool found = false;
    char county[7];
    jz_err rc = batch_county(impl, batch, &p, county, &found, err);
    if (rc)
        return rc;
    return jz__pg_do(impl,
                     found ? "UPDATE pay_lines SET status = $3 WHERE county = $4 AND batch = $1"
                             " AND batch > 0 AND status = $2"
                           : "UPDATE pay_lines SET status = $3 WHERE batch = $1 AND batch > 0"
                             " AND status = $2",
                     &p, "更新发放明细", n, err);
}

jz_err jz__pg_pay_lines_settle(void *impl, int64_t batch, uint8_t from, uint8_t to,
                               const char *result, int64_t *n, jz_error *err)
{
    *n = 0;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, batch);
    jz__pg_p_int(&p, from);
    jz__pg_p_int(&p, to);
    jz__pg_p_text(&p, result);
    bool found = false;
    char county[7];
    jz_err rc = batch_county(impl, batch, &p, county, &found, err);
    if (rc)
        return rc;
    return jz__pg_do(impl,
                     found ? "UPDATE pay_lines SET status = $3, result = $4 WHERE county = $5"
                             " AND batch = $1 AND batch > 0 AND status = $2"
                           : "UPDATE pay_lines SET status = $3, result = $4 WHERE batch = $1"
                             " AND batch > 0 AND status = $2",
                     &p, "更新发放明细", n, err);
}

jz_err jz__pg_pay_batch_accounts(void *impl, int64_t batch,
                                 void (*fn)(const jz_pay_sent_line *l, void *arg), void *arg,
                                 jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, batch);
    bool found = false;
    char county[7];
    jz_err rc = batch_county(q, batch, &p, county, &found, err);
    if (rc)
        return rc;
    PGresult *r = jz__pg_run(q,
                             found ? "SELECT l.line, l.payee, l.amount, l.status,"
                                     " CASE WHEN l.voucher <> 0 THEN l.member_id"
                                     " ELSE coalesce(p.account, '') END"
                                     " FROM pay_lines l LEFT JOIN payees p ON p.payee = l.payee"
                                     " WHERE l.county = $2 AND l.batch = $1 AND l.batch > 0"
                                     " ORDER BY l.line"
                                   : "SELECT l.line, l.payee, l.amount, l.status,"
                                     " CASE WHEN l.voucher <> 0 THEN l.member_id"
                                     " ELSE coalesce(p.account, '') END"
                                     " FROM pay_lines l LEFT JOIN payees p ON p.payee = l.payee"
                                     " WHERE l.batch = $1 AND l.batch > 0 ORDER BY l.line",
                             &p, "读取发放明细", &rc, err);
    if (!r)
        return rc;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        jz_pay_sent_line l = {jz__pg_int(r, i, 0), jz__pg_int(r, i, 1), jz__pg_int(r, i, 2),
                              (uint8_t)jz__pg_int(r, i, 3), jz__pg_text(r, i, 4)};
        fn(&l, arg);
    }
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_pay_lines_of_household(void *impl, const char *household_id,
                                     void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                     jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, household_id);
    return each_line(impl,
                     "SELECT " LINE_COLUMNS " FROM pay_lines WHERE household_id = $1"
                     " ORDER BY line",
                     &p, fn, arg, err);
}

/* ---- payees and institutions --------------------------------------------------------- */

#define PAYEE_COLUMNS                                                                              \
    "payee, county, household_id, member_id, holder_name, holder_id, bank, account,"               \
    " institution, version"

static void read_payee(const PGresult *r, int i, jz_payee *p)
{
    memset(p, 0, sizeof *p);
    int k = 0;
    p->id = jz__pg_int(r, i, k++);
    jz__pg_copy_text(p->county, sizeof p->county, r, i, k++);
    jz__pg_copy_text(p->household_id, sizeof p->household_id, r, i, k++);
    jz__pg_copy_text(p->member_id, sizeof p->member_id, r, i, k++);
    jz__pg_copy_text(p->holder_name, sizeof p->holder_name, r, i, k++);
    jz__pg_copy_text(p->holder_id, sizeof p->holder_id, r, i, k++);
    jz__pg_copy_text(p->bank, sizeof p->bank, r, i, k++);
    jz__pg_copy_text(p->account, sizeof p->account, r, i, k++);
    p->institution = jz__pg_int(r, i, k++);
    p->version = (int)jz__pg_int(r, i, k++);
}

static jz_err one_payee(pg *q, const char *sql, const jz__pg_params *p, jz_payee *out,
                        const char *value, jz_error *err)
{
    jz_err rc;
    PGresult *r = jz__pg_run(q, sql, p, "读取收款人", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) > 0)
        read_payee(r, 0, out);
    else
        rc = jz_error_set(err, JZ_ENOTFOUND, "payee", value, "未登记收款账户");
    PQclear(r);
    return rc;
}

jz_err jz__pg_payee_current(void *impl, const char *household_id, const char *member_id,
                            jz_payee *out, jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, household_id);
    jz__pg_p_text(&p, member_id);
    return one_payee(impl,
                     "SELECT " PAYEE_COLUMNS " FROM payees WHERE household_id = $1"
                     " AND member_id = $2 AND current = 1",
                     &p, out, household_id, err);
}

jz_err jz__pg_payee_sharing(void *impl, const char *bank, const char *account,
                            const char *household_id, int max,
                            void (*fn)(const char *household_id, void *arg), void *arg,
                            jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, account);
    jz__pg_p_text(&p, bank);
    jz__pg_p_text(&p, household_id);
    jz__pg_p_int(&p, max);
    jz_err rc;
    /* A negative limit is none, as SQLite's. */
    PGresult *r = jz__pg_run(q,
                             "SELECT DISTINCT household_id COLLATE \"C\" AS h FROM payees"
                             " WHERE account = $1 AND bank = $2 AND current = 1"
                             " AND household_id <> $3 ORDER BY h"
                             " LIMIT CASE WHEN $4::bigint < 0 THEN NULL ELSE $4::bigint END",
                             &p, "读取收款人", &rc, err);
    if (!r)
        return rc;
    for (int i = 0, n = PQntuples(r); i < n; i++)
        fn(jz__pg_text(r, i, 0), arg);
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_payee_get(void *impl, int64_t id, jz_payee *out, jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, id);
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)id);
    return one_payee(impl, "SELECT " PAYEE_COLUMNS " FROM payees WHERE payee = $1", &p, out, v,
                     err);
}

jz_err jz__pg_payee_put(void *impl, jz_payee *p, jz_error *err)
{
    pg *q = impl;
    /* The unit's payees are this transaction's until it ends: the version
     * read is the last, and one payee stays current (payees_current). */
    char key[JZ_HOUSEHOLD_ID_MAX + JZ_IDNUM_BUF + 2];
    snprintf(key, sizeof key, "%s/%s", p->household_id, p->member_id);
    jz_err rc = lock(q, LOCK_PAYEE, key, "记录收款人", err);
    if (rc)
        return rc;
    jz__pg_params a;
    jz__pg_p_reset(&a);
    jz__pg_p_text(&a, p->household_id);
    jz__pg_p_text(&a, p->member_id);
    PGresult *r = jz__pg_run(q,
                             "SELECT coalesce(max(version), 0) FROM payees WHERE household_id = $1"
                             " AND member_id = $2",
                             &a, "记录收款人", &rc, err);
    if (!r)
        return rc;
    int version = PQntuples(r) > 0 ? (int)jz__pg_int(r, 0, 0) : 0;
    PQclear(r);
    if ((rc = jz__pg_do(q,
                     "UPDATE payees SET current = 0 WHERE household_id = $1"
                     " AND member_id = $2 AND current = 1",
                     &a, "记录收款人", NULL, err)))
        return rc;
    char now[32];
    jz__now_text(now, sizeof now);
    p->version = version + 1;
    jz__pg_params b;
    jz__pg_p_reset(&b);
    jz__pg_p_text(&b, p->county);
    jz__pg_p_text(&b, p->household_id);
    jz__pg_p_text(&b, p->member_id);
    jz__pg_p_text(&b, p->holder_name);
    jz__pg_p_text(&b, p->holder_id);
    jz__pg_p_text(&b, p->bank);
    jz__pg_p_text(&b, p->account);
    jz__pg_p_int(&b, p->institution);
    jz__pg_p_int(&b, p->version);
    jz__pg_p_text(&b, now);
    r = jz__pg_run(q,
                   "INSERT INTO payees(county, household_id, member_id, holder_name,"
                   " holder_id, bank, account, institution, version, current, set_at)"
                   " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10) RETURNING payee",
                   &b, "记录收款人", &rc, err);
    if (!r)
        return rc;
    p->id = jz__pg_int(r, 0, 0);
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_institution_put(void *impl, jz_institution *i, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    if (i->id)
        jz__pg_p_int(&p, i->id);
    jz__pg_p_text(&p, i->county);
    jz__pg_p_text(&p, i->name);
    jz__pg_p_text(&p, i->holder);
    jz__pg_p_text(&p, i->bank);
    jz__pg_p_text(&p, i->account);
    bool unique = false;
    jz_err rc;
    PGresult *r = jz__pg_run_unique(
        q,
        i->id ? "UPDATE institutions SET county = $2, name = $3, holder = $4, bank = $5,"
                " account = $6 WHERE institution = $1"
              : "INSERT INTO institutions(county, name, holder, bank, account)"
                " VALUES($1, $2, $3, $4, $5) RETURNING institution",
        &p, "记录供养服务机构", &unique, &rc, err);
    if (unique)
        return jz_error_set(err, JZ_EINPUT, "name", i->name, "本县已有同名的供养服务机构");
    if (!r)
        return rc;
    if (!i->id && PQntuples(r) == 1)
        i->id = jz__pg_int(r, 0, 0);
    PQclear(r);
    return JZ_OK;
}

#define INSTITUTION_COLUMNS "institution, county, name, holder, bank, account"

static void read_institution(const PGresult *r, int i, void *o)
{
    jz_institution *out = o;
    memset(out, 0, sizeof *out);
    out->id = jz__pg_int(r, i, 0);
    jz__pg_copy_text(out->county, sizeof out->county, r, i, 1);
    jz__pg_copy_text(out->name, sizeof out->name, r, i, 2);
    jz__pg_copy_text(out->holder, sizeof out->holder, r, i, 3);
    jz__pg_copy_text(out->bank, sizeof out->bank, r, i, 4);
    jz__pg_copy_text(out->account, sizeof out->account, r, i, 5);
}

jz_err jz__pg_institution_get(void *impl, int64_t id, jz_institution *out, jz_error *err)
{
    return get_by_id(
        impl, "SELECT " INSTITUTION_COLUMNS " FROM institutions WHERE institution = $1", id,
        read_institution, out, "institution", "没有这个供养服务机构", "读取供养服务机构", err);
}

jz_err jz__pg_institutions(void *impl, const char *county,
                           void (*fn)(const jz_institution *i, void *arg), void *arg, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, county);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT " INSTITUTION_COLUMNS " FROM institutions"
                             " WHERE $1 = '' OR county = $1"
                             " ORDER BY county COLLATE \"C\", name COLLATE \"C\"",
                             &p, "读取供养服务机构", &rc, err);
    if (!r)
        return rc;
    jz_institution in;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        read_institution(r, i, &in);
        fn(&in, arg);
    }
    PQclear(r);
    return JZ_OK;
}

/* ---- batches ------------------------------------------------------------------------- */

#define BATCH_COLUMNS                                                                              \
    "batch, county, bank, period, state, prepared_by, prepared_at, approved_by, approved_at,"      \
    " exported_at, settled_at, lines, total, file_name, results_sha256"

static void read_batch(const PGresult *r, int i, jz_pay_batch *b)
{
    memset(b, 0, sizeof *b);
    int k = 0;
    b->id = jz__pg_int(r, i, k++);
    jz__pg_copy_text(b->county, sizeof b->county, r, i, k++);
    jz__pg_copy_text(b->bank, sizeof b->bank, r, i, k++);
    jz__pg_copy_text(b->period, sizeof b->period, r, i, k++);
    b->state = (uint8_t)jz__pg_int(r, i, k++);
    jz__pg_copy_text(b->prepared_by, sizeof b->prepared_by, r, i, k++);
    jz__pg_copy_text(b->prepared_at, sizeof b->prepared_at, r, i, k++);
    jz__pg_copy_text(b->approved_by, sizeof b->approved_by, r, i, k++);
    jz__pg_copy_text(b->approved_at, sizeof b->approved_at, r, i, k++);
    jz__pg_copy_text(b->exported_at, sizeof b->exported_at, r, i, k++);
    jz__pg_copy_text(b->settled_at, sizeof b->settled_at, r, i, k++);
    b->lines = jz__pg_int(r, i, k++);
    b->total = jz__pg_int(r, i, k++);
    jz__pg_copy_text(b->file_name, sizeof b->file_name, r, i, k++);
    jz__pg_copy_text(b->results_sha256, sizeof b->results_sha256, r, i, k++);
}

/* The batch's fields but its id, as $n.. on. */
static void bind_batch(jz__pg_params *p, const jz_pay_batch *b)
{
    jz__pg_p_text(p, b->county);
    jz__pg_p_text(p, b->bank);
    jz__pg_p_text(p, b->period);
    jz__pg_p_int(p, b->state);
    jz__pg_p_text(p, b->prepared_by);
    jz__pg_p_text(p, b->prepared_at);
    jz__pg_p_text(p, b->approved_by);
    jz__pg_p_text(p, b->approved_at);
    jz__pg_p_text(p, b->exported_at);
    jz__pg_p_text(p, b->settled_at);
    jz__pg_p_int(p, b->lines);
    jz__pg_p_int(p, b->total);
    jz__pg_p_text(p, b->file_name);
    jz__pg_p_text(p, b->results_sha256);
}

jz_err jz__pg_pay_batch_add(void *impl, jz_pay_batch *b, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    bind_batch(&p, b);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "INSERT INTO pay_batches(county, bank, period, state, prepared_by,"
                             " prepared_at, approved_by, approved_at, exported_at, settled_at,"
                             " lines, total, file_name, results_sha256) VALUES($1, $2, $3, $4,"
                             " $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING batch",
                             &p, "记录发放批次", &rc, err);
    if (!r)
        return rc;
    b->id = jz__pg_int(r, 0, 0);
    PQclear(r);
    return JZ_OK;
}

static void read_batch_any(const PGresult *r, int i, void *out)
{
    read_batch(r, i, out);
}

jz_err jz__pg_pay_batch_get(void *impl, int64_t id, jz_pay_batch *b, jz_error *err)
{
    return get_by_id(impl, "SELECT " BATCH_COLUMNS " FROM pay_batches WHERE batch = $1", id,
                     read_batch_any, b, "batch", "没有这个发放批次", "读取发放批次", err);
}

jz_err jz__pg_pay_batch_set(void *impl, const jz_pay_batch *b, uint8_t was, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, b->id);
    bind_batch(&p, b);
    jz__pg_p_int(&p, was);
    int64_t n = 0;
    /* The state is checked again on the row the update locks. */
    jz_err rc = jz__pg_do(q,
                       "UPDATE pay_batches SET state = $5, prepared_by = $6,"
                       " prepared_at = $7, approved_by = $8, approved_at = $9,"
                       " exported_at = $10, settled_at = $11, lines = $12, total = $13,"
                       " file_name = $14, results_sha256 = $15"
                       " WHERE batch = $1 AND state = $16 AND county = $2 AND bank = $3"
                       " AND period = $4",
                       &p, "更新发放批次", &n, err);
    if (rc)
        return rc;
    if (n != 1) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)b->id);
        return jz_error_set(err, JZ_ECONFLICT, "batch", v,
                            "发放批次已被他人处理（状态已变），未写入任何内容");
    }
    return JZ_OK;
}

jz_err jz__pg_pay_batches(void *impl, const char *county, const char *period,
                          void (*fn)(const jz_pay_batch *b, void *arg), void *arg, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, county);
    jz__pg_p_text(&p, period ? period : "");
    jz__pg_p_int(&p, period != NULL);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT " BATCH_COLUMNS " FROM pay_batches WHERE ($1 = '' OR"
                             " county = $1) AND ($3::bigint = 0 OR period = $2) ORDER BY batch",
                             &p, "读取发放批次", &rc, err);
    if (!r)
        return rc;
    jz_pay_batch b;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        read_batch(r, i, &b);
        fn(&b, arg);
    }
    PQclear(r);
    return JZ_OK;
}

/* ---- recoveries ------------------------------------------------------------------------ */

#define RECOVERY_COLUMNS                                                                           \
    "recovery, county, household_id, enrolment, from_period, rule, reason, amount, balance,"       \
    " opened_on"

static void read_recovery(const PGresult *r, int i, jz_recovery *v)
{
    memset(v, 0, sizeof *v);
    int k = 0;
    v->id = jz__pg_int(r, i, k++);
    jz__pg_copy_text(v->county, sizeof v->county, r, i, k++);
    jz__pg_copy_text(v->household_id, sizeof v->household_id, r, i, k++);
    v->enrolment = jz__pg_int(r, i, k++);
    jz__pg_copy_text(v->from_period, sizeof v->from_period, r, i, k++);
    jz__pg_copy_text(v->rule, sizeof v->rule, r, i, k++);
    jz__pg_copy_text(v->reason, sizeof v->reason, r, i, k++);
    v->amount = jz__pg_int(r, i, k++);
    v->balance = jz__pg_int(r, i, k++);
    v->opened_on = (jz_date)jz__pg_int(r, i, k++);
}

jz_err jz__pg_recovery_add(void *impl, jz_recovery *r, jz_error *err)
{
    pg *q = impl;
    /* One writer at a time decides whether the enrolment has an open
     * recovery to grow. */
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)r->enrolment);
    jz_err rc = lock(q, LOCK_RECOVERY, key, "记录追回", err);
    if (rc)
        return rc;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, r->enrolment);
    jz__pg_p_int(&p, r->amount);
    jz__pg_p_text(&p, r->from_period);
    /* An open recovery of the enrolment grows (still open on the row the
     * update locks: a repayment may have closed it meanwhile). */
    PGresult *res = jz__pg_run(q,
                               "UPDATE recoveries SET amount = amount + $2, balance = balance + $2,"
                               " from_period = least(from_period COLLATE \"C\", $3)"
                               " WHERE recovery = (SELECT max(recovery) FROM recoveries"
                               " WHERE enrolment = $1 AND balance > 0) AND balance > 0"
                               " RETURNING recovery",
                               &p, "记录追回", &rc, err);
    if (!res)
        return rc;
    int64_t id = PQntuples(res) > 0 ? jz__pg_int(res, 0, 0) : 0;
    PQclear(res);
    if (id) {
        r->id = id;
        return jz__pg_recovery_get(impl, id, r, err);
    }
    char now[32];
    jz__now_text(now, sizeof now);
    jz__pg_params a;
    jz__pg_p_reset(&a);
    jz__pg_p_text(&a, r->county);
    jz__pg_p_text(&a, r->household_id);
    jz__pg_p_int(&a, r->enrolment);
    jz__pg_p_text(&a, r->from_period);
    jz__pg_p_text(&a, r->rule);
    jz__pg_p_text(&a, r->reason);
    jz__pg_p_int(&a, r->amount);
    jz__pg_p_int(&a, r->opened_on);
    jz__pg_p_text(&a, now);
    res = jz__pg_run(q,
                     "INSERT INTO recoveries(county, household_id, enrolment, from_period,"
                     " rule, reason, amount, balance, opened_on, opened_at)"
                     " VALUES($1, $2, $3, $4, $5, $6, $7, $7, $8, $9) RETURNING recovery",
                     &a, "记录追回", &rc, err);
    if (!res)
        return rc;
    r->id = jz__pg_int(res, 0, 0);
    PQclear(res);
    r->balance = r->amount;
    return JZ_OK;
}

static void read_recovery_any(const PGresult *r, int i, void *out)
{
    read_recovery(r, i, out);
}

jz_err jz__pg_recovery_get(void *impl, int64_t id, jz_recovery *r, jz_error *err)
{
    return get_by_id(impl, "SELECT " RECOVERY_COLUMNS " FROM recoveries WHERE recovery = $1", id,
                     read_recovery_any, r, "recovery", "没有这笔追回", "读取追回", err);
}

jz_err jz__pg_recoveries(void *impl, const char *household_id,
                         void (*fn)(const jz_recovery *r, void *arg), void *arg, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, household_id ? household_id : "");
    jz__pg_p_int(&p, household_id != NULL);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT " RECOVERY_COLUMNS " FROM recoveries WHERE $2::bigint = 0 OR"
                             " household_id = $1 ORDER BY recovery",
                             &p, "读取追回", &rc, err);
    if (!r)
        return rc;
    jz_recovery v;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        read_recovery(r, i, &v);
        fn(&v, arg);
    }
    PQclear(r);
    return JZ_OK;
}

/* ---- reconciliation and deadlines ------------------------------------------------------- */

/* A follow-up's shares are those of the one-time line it pays again: the
 * person's line of the programme, in the follow-up's county (where
 * pay_lines_once holds one). */
_Static_assert(JZ_PAY_ONCE == 2 && JZ_PAY_FOLLOWUP == 3, "kinds named in SHARE()");
#define SHARE(col)                                                                                 \
    "sum(CASE WHEN l.kind = 3 THEN coalesce((SELECT o." col " FROM pay_lines o WHERE o.kind = 2"   \
    " AND o.county = l.county AND o.programme = l.programme AND o.member_id = l.member_id), 0)"    \
    " ELSE l." col " END)"
/* The order of SQLite's: its groups are by sign too, negative last. */
#define SUMS_SQL(where)                                                                            \
    "SELECT l.programme, l.kind, l.status, (l.amount < 0)::int, l.batch, count(*),"                \
    " sum(l.amount), " SHARE("province_share") ", " SHARE(                                         \
        "local_share") " FROM pay_lines l WHERE " where                                            \
                       " GROUP BY l.programme, l.kind, l.status, (l.amount < 0), l.batch"          \
                       " ORDER BY l.programme COLLATE \"C\", l.kind, l.status, l.batch, "          \
                       "(l.amount < 0)"
#define SCOPE_PERIOD "l.county = $1 AND l.period IN ($2, $3)"
#define SCOPE_BATCH "l.batch = $1 AND l.batch > 0"

/* The scope's parameters: $1 the batch, or $1..$3 county and periods. */
static void bind_scope(jz__pg_params *p, const jz_pay_scope *sc)
{
    jz__pg_p_reset(p);
    if (sc->batch > 0) {
        jz__pg_p_int(p, sc->batch);
        return;
    }
    jz__pg_p_text(p, sc->county ? sc->county : "");
    jz__pg_p_text(p, sc->period ? sc->period : "");
    jz__pg_p_text(p, sc->period2 ? sc->period2 : "");
}

jz_err jz__pg_pay_sums(void *impl, const jz_pay_scope *sc,
                       void (*fn)(const jz_pay_sum_row *r, void *arg), void *arg, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    bind_scope(&p, sc);
    jz_err rc;
    PGresult *r = sc->batch > 0
                      ? jz__pg_run(q, SUMS_SQL(SCOPE_BATCH), &p, "汇总发放明细", &rc, err)
                      : jz__pg_run(q, SUMS_SQL(SCOPE_PERIOD), &p, "汇总发放明细", &rc, err);
    if (!r)
        return rc;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        jz_pay_sum_row s;
        memset(&s, 0, sizeof s);
        jz__pg_copy_text(s.programme, sizeof s.programme, r, i, 0);
        s.kind = (uint8_t)jz__pg_int(r, i, 1);
        s.status = (uint8_t)jz__pg_int(r, i, 2);
        s.negative = jz__pg_int(r, i, 3) != 0;
        s.batch = jz__pg_int(r, i, 4);
        s.n = jz__pg_int(r, i, 5);
        s.amount = jz__pg_int(r, i, 6);
        s.province = jz__pg_int(r, i, 7);
        s.local = jz__pg_int(r, i, 8);
        fn(&s, arg);
    }
    PQclear(r);
    return JZ_OK;
}

/* The filter's parameters, numbered from the scope's on: status mask,
 * kind mask, sign, in a batch, below. */
#define WHERE_FILTER(s, k, g, b, w)                                                                \
    " AND ($" s "::bigint = 0 OR ((1::bigint << l.status::int) & $" s "::bigint) <> 0)"            \
    " AND ($" k "::bigint = 0 OR ((1::bigint << l.kind::int) & $" k "::bigint) <> 0)"              \
    " AND ($" g "::bigint = 0 OR ($" g "::bigint < 0 AND l.amount < 0)"                            \
    "  OR ($" g "::bigint > 0 AND l.amount > 0))"                                                  \
    " AND ($" b "::bigint = 0 OR ($" b "::bigint < 0 AND l.batch = 0)"                             \
    "  OR ($" b "::bigint > 0 AND l.batch > 0))"                                                   \
    " AND ($" w "::bigint = 0 OR l.line < $" w "::bigint) ORDER BY l.line"

jz_err jz__pg_pay_lines_where(void *impl, const jz_pay_scope *sc, const jz_pay_line_filter *f,
                              void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err)
{
    jz__pg_params p;
    bind_scope(&p, sc);
    jz__pg_p_int(&p, (int64_t)f->status_mask);
    jz__pg_p_int(&p, (int64_t)f->kind_mask);
    jz__pg_p_int(&p, f->sign);
    jz__pg_p_int(&p, f->in_batch);
    jz__pg_p_int(&p, f->below);
    return sc->batch > 0
               ? each_line(
                     impl,
                     "SELECT " LINE_COLUMNS
                     " FROM pay_lines l WHERE " SCOPE_BATCH WHERE_FILTER("2", "3", "4", "5", "6"),
                     &p, fn, arg, err)
               : each_line(
                     impl,
                     "SELECT " LINE_COLUMNS
                     " FROM pay_lines l WHERE " SCOPE_PERIOD WHERE_FILTER("4", "5", "6", "7", "8"),
                     &p, fn, arg, err);
}

#define FACT_BATCHES "(($2::bigint > 0 AND batch = $2) OR ($2::bigint = 0 AND county = $1))"

jz_err jz__pg_pay_batch_facts(void *impl, const char *county, int64_t batch,
                              void (*fn)(const jz_pay_batch_fact *f, void *arg), void *arg,
                              jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, county);
    jz__pg_p_int(&p, batch);
    jz_err rc;
    PGresult *r = jz__pg_run(
        q, "SELECT " BATCH_COLUMNS " FROM pay_batches WHERE " FACT_BATCHES " ORDER BY batch", &p,
        "读取发放批次", &rc, err);
    if (!r)
        return rc;
    size_t n = (size_t)PQntuples(r);
    jz_pay_batch_fact *v = n ? calloc(n, sizeof *v) : NULL;
    if (n && !v) {
        PQclear(r);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    for (size_t i = 0; i < n; i++)
        read_batch(r, (int)i, &v[i].b);
    PQclear(r);
    /* Their lines, by batch and status (the batches are sorted by id). */
    if (n) {
        r = jz__pg_run(q,
                       "SELECT batch, status, count(*), sum(amount), max(line) FROM pay_lines"
                       " WHERE batch > 0 AND batch IN (SELECT batch FROM pay_batches"
                       " WHERE " FACT_BATCHES ") GROUP BY batch, status ORDER BY batch",
                       &p, "汇总批次明细", &rc, err);
        if (!r) {
            free(v);
            return rc;
        }
        size_t i = 0;
        for (int row = 0, rows = PQntuples(r); row < rows; row++) {
            int64_t b = jz__pg_int(r, row, 0);
            while (i < n && v[i].b.id < b)
                i++;
            if (i == n || v[i].b.id != b)
                continue;
            int64_t status = jz__pg_int(r, row, 1);
            int64_t c = jz__pg_int(r, row, 2), mx = jz__pg_int(r, row, 4);
            v[i].n += c;
            v[i].amount += jz__pg_int(r, row, 3);
            if (mx > v[i].max_line)
                v[i].max_line = mx;
            if (status >= 0 && status < JZ_PL_STATUS_COUNT)
                v[i].by_status[status] += c;
        }
        PQclear(r);
    }
    for (size_t i = 0; i < n; i++)
        fn(&v[i], arg);
    free(v);
    return JZ_OK;
}

jz_err jz__pg_pay_recovery_facts(void *impl, const char *county,
                                 void (*fn)(const jz_pay_recovery_fact *f, void *arg), void *arg,
                                 jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, county);
    jz__pg_p_int(&p, JZ_PAY_ADJUST);
    jz_err rc;
#define REPAID "coalesce((SELECT sum(x.amount) FROM repayments x WHERE x.recovery = r.recovery), 0)"
    PGresult *r = jz__pg_run(
        q,
        "SELECT e, max(hh COLLATE \"C\"), sum(off), sum(nrec), sum(amt), sum(paid), sum(bal),"
        " max(bad) FROM ("
        " SELECT enrolment AS e, max(household_id COLLATE \"C\") AS hh, sum(amount) AS off,"
        "  0 AS nrec, 0 AS amt, 0 AS paid, 0 AS bal, 0 AS bad FROM pay_lines"
        "  WHERE county = $1 AND kind = $2 AND amount < 0 GROUP BY enrolment"
        " UNION ALL SELECT r.enrolment, r.household_id, 0, 1, r.amount, " REPAID ", r.balance,"
        "  CASE WHEN r.amount - " REPAID " <> r.balance THEN r.recovery ELSE 0 END"
        "  FROM recoveries r WHERE r.county = $1) u"
        " GROUP BY e ORDER BY e",
        &p, "核对追回", &rc, err);
#undef REPAID
    if (!r)
        return rc;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        jz_pay_recovery_fact f;
        memset(&f, 0, sizeof f);
        f.enrolment = jz__pg_int(r, i, 0);
        jz__pg_copy_text(f.household_id, sizeof f.household_id, r, i, 1);
        f.offsets = jz__pg_int(r, i, 2);
        f.recoveries = jz__pg_int(r, i, 3);
        f.amount = jz__pg_int(r, i, 4);
        f.repaid = jz__pg_int(r, i, 5);
        f.balance = jz__pg_int(r, i, 6);
        f.unbalanced = jz__pg_int(r, i, 7);
        fn(&f, arg);
    }
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_pay_due_groups(void *impl, const char *prefix,
                             void (*fn)(const jz_pay_due_group *g, void *arg), void *arg,
                             jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, prefix);
    jz__pg_p_int(&p, JZ_PL_PLANNED);
    jz__pg_p_int(&p, JZ_PL_HELD);
    jz__pg_p_int(&p, JZ_BATCH_PREPARED);
    jz__pg_p_int(&p, JZ_BATCH_APPROVED);
    jz_err rc;
    /* A group's batch is one: its state and bank are any line's. */
    PGresult *r = jz__pg_run(
        q,
        "SELECT l.county, l.period, l.batch, max(coalesce(b.state, 0)),"
        " max(coalesce(b.bank, '')), l.status, count(*), sum(l.amount)"
        " FROM pay_lines l LEFT JOIN pay_batches b ON b.batch = l.batch"
        " WHERE substr(l.region, 1, length($1)) = $1 AND l.amount > 0"
        " AND ((l.batch = 0 AND l.status IN ($2, $3)) OR (l.batch > 0 AND b.state IN ($4, $5)))"
        " GROUP BY l.county, l.period, l.batch, l.status"
        " ORDER BY l.county COLLATE \"C\", l.period COLLATE \"C\", l.batch, l.status",
        &p, "读取待发放明细", &rc, err);
    if (!r)
        return rc;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        jz_pay_due_group g;
        memset(&g, 0, sizeof g);
        jz__pg_copy_text(g.county, sizeof g.county, r, i, 0);
        jz__pg_copy_text(g.period, sizeof g.period, r, i, 1);
        g.batch = jz__pg_int(r, i, 2);
        g.state = (uint8_t)jz__pg_int(r, i, 3);
        jz__pg_copy_text(g.bank, sizeof g.bank, r, i, 4);
        g.status = (uint8_t)jz__pg_int(r, i, 5);
        g.n = jz__pg_int(r, i, 6);
        g.amount = jz__pg_int(r, i, 7);
        fn(&g, arg);
    }
    PQclear(r);
    return JZ_OK;
}
