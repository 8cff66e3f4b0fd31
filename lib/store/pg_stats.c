/*
 * pg_stats.c - the PostgreSQL backend's reading side: statistics by region
 * and month as SQL aggregates, the web platform's household and audit
 * lists, and the audit log's verification (the chain; see pg_audit.c for
 * what it does not cover yet).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "jiuzhu/jz_case.h"
#include "jiuzhu/jz_pay.h"
#include "pg_int.h"
#include "pg_registry.h"

jz_err jz__pg_stats(void *impl, int level, const char *prefix,
                    void (*fn)(const jz_stat_row *row, void *arg), void *arg, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, level);
    jz__pg_p_text(&p, prefix);
    jz__pg_p_int(&p, JZ_CAT_COUNT);
    jz_err rc;
    PGresult *r = jz__pg_run(
        q,
        "SELECT * FROM (SELECT substr(h.region, 1, $1::int) AS r, d.category AS c, count(*),"
        " sum(d.counted_members), sum(d.monthly_amount),"
        " sum(d.tekun), sum(d.tekun_amount), sum(d.single), sum(d.single_amount),"
        " sum((d.record_version <> h.version)::int)"
        " FROM determinations d JOIN households h ON h.county = d.county AND h.hh = d.hh"
        " WHERE h.region LIKE $2 || '%' GROUP BY 1, 2"
        " UNION ALL SELECT substr(h.region, 1, $1::int), $3, count(*), 0, 0, 0, 0, 0, 0, 0"
        " FROM households h WHERE h.region LIKE $2 || '%'"
        " AND NOT EXISTS (SELECT 1 FROM determinations d WHERE d.county = h.county AND d.hh = h.hh)"
        " GROUP BY 1) u ORDER BY r COLLATE \"C\", c",
        &p, "统计", &rc, err);
    if (!r)
        return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        jz_stat_row row;
        memset(&row, 0, sizeof row);
        jz__pg_copy_text(row.region, sizeof row.region, r, i, 0);
        row.category = (uint8_t)jz__pg_int(r, i, 1);
        row.households = jz__pg_int(r, i, 2);
        row.persons = jz__pg_int(r, i, 3);
        row.monthly = jz__pg_int(r, i, 4);
        row.tekun = jz__pg_int(r, i, 5);
        row.tekun_monthly = jz__pg_int(r, i, 6);
        row.single = jz__pg_int(r, i, 7);
        row.single_monthly = jz__pg_int(r, i, 8);
        row.stale = jz__pg_int(r, i, 9);
        fn(&row, arg);
    }
    PQclear(r);
    return JZ_OK;
}

/* ---- the months (jz_store_trend) --------------------------------------------------- */

typedef void (*put_fn)(jz_trend_month *m, const PGresult *r, int row);

static void put_accepted(jz_trend_month *m, const PGresult *r, int i)
{
    m->cases_accepted += jz__pg_int(r, i, 1);
}
static void put_decided(jz_trend_month *m, const PGresult *r, int i)
{
    m->cases_approved += jz__pg_int(r, i, 1);
    m->cases_refused += jz__pg_int(r, i, 2);
}
static void put_closed(jz_trend_month *m, const PGresult *r, int i)
{
    m->cases_closed += jz__pg_int(r, i, 1);
    m->closed_days += jz__pg_int(r, i, 2);
}
static void put_late(jz_trend_month *m, const PGresult *r, int i)
{
    m->steps_late += jz__pg_int(r, i, 1);
}
static void put_started(jz_trend_month *m, const PGresult *r, int i)
{
    m->enrol_started += jz__pg_int(r, i, 1);
}
static void put_ended(jz_trend_month *m, const PGresult *r, int i)
{
    m->enrol_ended += jz__pg_int(r, i, 1);
}
static void put_paid(jz_trend_month *m, const PGresult *r, int i)
{
    m->paid_lines += jz__pg_int(r, i, 1);
    m->paid += jz__pg_int(r, i, 2);
}
static void put_alerts(jz_trend_month *m, const PGresult *r, int i)
{
    int64_t c = jz__pg_int(r, i, 1);
    if (c >= 0 && c < 4)
        m->alerts[c] += jz__pg_int(r, i, 2);
}
static void put_handled(jz_trend_month *m, const PGresult *r, int i)
{
    m->alerts_resolved += jz__pg_int(r, i, 1);
    m->referred += jz__pg_int(r, i, 2);
    m->answered += jz__pg_int(r, i, 3);
}

/* $1 the prefix, $2..$3 the first and last day (yyyymmdd), or the first
 * and last month as text (months); every month column is "YYYY-MM" text. */
#define YM(col) "to_char(make_date((" col ")::int / 10000, (" col ")::int / 100 % 100, 1), 'YYYY-MM')"
#define DAYS(col)                                                                                  \
    "make_date((" col ")::int / 10000, (" col ")::int / 100 % 100, (" col ")::int % 100)"
static const struct {
    const char *sql;
    put_fn put;
    bool months; /* $2..$3 are months, not days */
} queries[] = {
    {"SELECT " YM("accepted_on") ", count(*) FROM cases WHERE region LIKE $1 || '%'"
     " AND accepted_on BETWEEN $2 AND $3 GROUP BY 1",
     put_accepted, false},
    {"SELECT " YM("decided_on") ", sum((decision = 1)::int), sum((decision = 2)::int) FROM cases"
     " WHERE region LIKE $1 || '%' AND decided_on BETWEEN $2 AND $3 GROUP BY 1",
     put_decided, false},
    {"SELECT " YM("closed_on") ", count(*), sum(" DAYS("closed_on") " - " DAYS("accepted_on") ")"
     " FROM cases WHERE region LIKE $1 || '%' AND closed_on BETWEEN $2 AND $3 GROUP BY 1",
     put_closed, false},
    {"SELECT " YM("s.on_date") ", count(*) FROM case_steps s JOIN cases c ON c.case_id = s.case_id"
     " WHERE c.region LIKE $1 || '%' AND s.late_days > 0 AND s.on_date BETWEEN $2 AND $3"
     " GROUP BY 1",
     put_late, false},
    {"SELECT first_month, count(*) FROM enrolments WHERE region LIKE $1 || '%'"
     " AND first_month BETWEEN $2 AND $3 GROUP BY 1",
     put_started, true},
    {"SELECT end_month, count(*) FROM enrolments WHERE region LIKE $1 || '%'"
     " AND end_month BETWEEN $2 AND $3 GROUP BY 1",
     put_ended, true},
    {"SELECT b.period, count(*), sum(l.amount) FROM pay_lines l JOIN pay_batches b"
     " ON b.batch = l.batch WHERE l.region LIKE $1 || '%' AND l.status = 3"
     " AND b.period BETWEEN $2 AND $3 GROUP BY 1",
     put_paid, true},
    {"SELECT " YM("raised_on") ", category, count(*) FROM alerts WHERE region LIKE $1 || '%'"
     " AND raised_on BETWEEN $2 AND $3 GROUP BY 1, 2",
     put_alerts, false},
    {"SELECT " YM("s.on_date") ", sum((s.action = 'resolve')::int), sum((s.action = 'refer')::int),"
     " sum((s.action = 'feedback')::int) FROM alert_steps s JOIN alerts a"
     " ON a.county = s.county AND a.alert = s.alert WHERE a.region LIKE $1 || '%'"
     " AND s.on_date BETWEEN $2 AND $3 GROUP BY 1",
     put_handled, false},
};
_Static_assert(JZ_PL_PAID == 3, "the paid lines' query names JZ_PL_PAID as 3");
_Static_assert(JZ_ENROL_STOPPED == 2, "the enrolments' query names JZ_ENROL_STOPPED as 2");

static int month_of(const char *t)
{
    int ym;
    return jz_period_month(t, &ym) ? ym : -1;
}

jz_err jz__pg_trend(void *impl, const char *prefix, jz_trend_month *months, size_t n,
                    jz_error *err)
{
    pg *q = impl;
    if (n == 0)
        return JZ_OK;
    int ym0 = month_of(months[0].month), ym1 = ym0 + (int)n - 1;
    if (ym0 < 0)
        return jz_error_set(err, JZ_EINPUT, "months", months[0].month, "月份应为 YYYY-MM");
    char m0[JZ_PERIOD_BUF], m1[JZ_PERIOD_BUF];
    jz_period_month_text(ym0, m0);
    jz_period_month_text(ym1, m1);
    jz__pg_params pd, pm;
    jz__pg_p_reset(&pd);
    jz__pg_p_text(&pd, prefix);
    jz__pg_p_int(&pd, (ym0 / 12) * 10000 + (ym0 % 12 + 1) * 100);
    jz__pg_p_int(&pd, (ym1 / 12) * 10000 + (ym1 % 12 + 1) * 100 + 99);
    jz__pg_p_reset(&pm);
    jz__pg_p_text(&pm, prefix);
    jz__pg_p_text(&pm, m0);
    jz__pg_p_text(&pm, m1);
    jz_err rc = JZ_OK;
    for (size_t k = 0; k < sizeof queries / sizeof queries[0]; k++) {
        PGresult *r = jz__pg_run(q, queries[k].sql, queries[k].months ? &pm : &pd,
                                 "统计（按月）", &rc, err);
        if (!r)
            return rc;
        for (int i = 0; i < PQntuples(r); i++) {
            int ym = month_of(jz__pg_text(r, i, 0));
            if (ym >= ym0 && ym <= ym1)
                queries[k].put(&months[ym - ym0], r, i);
        }
        PQclear(r);
    }
    /* In force in each month: grouped by first and last month. */
    PGresult *r = jz__pg_run(q,
                             "SELECT first_month, end_month, (status = 2)::int, count(*),"
                             " sum(persons) FROM enrolments WHERE region LIKE $1 || '%'"
                             " AND first_month <> '' AND first_month <= $3"
                             " AND (end_month = '' OR end_month >= $2) GROUP BY 1, 2, 3",
                             &pm, "统计（按月）", &rc, err);
    if (!r)
        return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        int first = month_of(jz__pg_text(r, i, 0)), last = month_of(jz__pg_text(r, i, 1));
        if (first < 0 || (last < 0 && jz__pg_int(r, i, 2)))
            continue;
        for (size_t k = 0; k < n; k++) {
            int ym = ym0 + (int)k;
            if (ym >= first && (last < 0 || ym <= last)) {
                months[k].enrolled += jz__pg_int(r, i, 3);
                months[k].enrolled_persons += jz__pg_int(r, i, 4);
            }
        }
    }
    PQclear(r);
    return JZ_OK;
}

/* ---- the web platform's lists -------------------------------------------------------- */

#define HH_WHERE                                                                                   \
    " WHERE h.region LIKE $1 || '%'"                                                               \
    " AND ($2 = '' OR h.household_id LIKE $3 OR EXISTS(SELECT 1 FROM members m2"                   \
    "   WHERE m2.county = h.county AND m2.hh = h.hh AND (m2.name LIKE $4 OR m2.id_number = $2)))"  \
    " AND ($5 = -2 OR ($5 = -1 AND d.hh IS NULL) OR d.category = $5)"

jz_err jz__pg_household_list(void *impl, const jz_store_hh_query *hq,
                             void (*fn)(const jz_store_hh_row *r, void *arg), void *arg,
                             int64_t *total, jz_error *err)
{
    pg *q = impl;
    *total = 0;
    const char *text = hq->q ? hq->q : "";
    char *prefix = jz__like_pattern(text, "", "%"), *contains = jz__like_pattern(text, "%", "%");
    jz_err rc = JZ_OK;
    if (!prefix || !contains) {
        free(prefix);
        free(contains);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, hq->region ? hq->region : "");
    jz__pg_p_text(&p, text);
    jz__pg_p_text(&p, prefix);
    jz__pg_p_text(&p, contains);
    jz__pg_p_int(&p, hq->category);
    PGresult *r = jz__pg_run(q,
                             "SELECT count(*) FROM households h LEFT JOIN determinations d"
                             " ON d.county = h.county AND d.hh = h.hh" HH_WHERE,
                             &p, "读取户列表", &rc, err);
    if (r) {
        *total = jz__pg_int(r, 0, 0);
        PQclear(r);
        jz__pg_p_int(&p, hq->limit);
        jz__pg_p_int(&p, hq->offset);
        r = jz__pg_run(q,
                       "SELECT h.household_id, h.region, h.n_members, m.name, m.id_number,"
                       " coalesce(d.category, -1), coalesce(d.monthly_amount, 0),"
                       " coalesce(d.counted_members, 0), coalesce(d.assess_date, 0)"
                       " FROM households h JOIN members m ON m.county = h.county AND m.hh = h.hh"
                       " AND m.idx = 0 LEFT JOIN determinations d ON d.county = h.county"
                       " AND d.hh = h.hh" HH_WHERE
                       " ORDER BY h.region COLLATE \"C\", h.household_id COLLATE \"C\""
                       " LIMIT $6 OFFSET $7",
                       &p, "读取户列表", &rc, err);
    }
    free(prefix);
    free(contains);
    if (!r)
        return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        jz_store_hh_row row = {
            .household_id = jz__pg_text(r, i, 0),
            .region = jz__pg_text(r, i, 1),
            .members = (int)jz__pg_int(r, i, 2),
            .head_name = jz__pg_text(r, i, 3),
            .head_id = jz__pg_text(r, i, 4),
            .category = (int)jz__pg_int(r, i, 5),
            .monthly = jz__pg_int(r, i, 6),
            .counted = (int)jz__pg_int(r, i, 7),
        };
        row.assessed_on = row.category < 0 ? JZ_DATE_NONE : (jz_date)jz__pg_int(r, i, 8);
        fn(&row, arg);
    }
    PQclear(r);
    return JZ_OK;
}

#define AUDIT_WHERE                                                                                \
    " WHERE ($1 = '' OR county LIKE $1 || '%') AND ($2 = '' OR left(action, length($2)) = $2)"

jz_err jz__pg_audit_list(void *impl, const char *county_prefix, const char *action_prefix,
                         int64_t offset, int limit,
                         void (*fn)(const jz_store_audit_row *r, void *arg), void *arg,
                         int64_t *total, jz_error *err)
{
    pg *q = impl;
    *total = 0;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, county_prefix);
    jz__pg_p_text(&p, action_prefix);
    jz_error scratch; /* what was committed is listed, chained first */
    jz__pg_audit_chain(q, true, &scratch);
    jz_err rc;
    PGresult *r = jz__pg_run(q, "SELECT count(*) FROM audit" AUDIT_WHERE, &p, "读取审计日志",
                             &rc, err);
    if (!r)
        return rc;
    *total = jz__pg_int(r, 0, 0);
    PQclear(r);
    jz__pg_p_int(&p, limit);
    jz__pg_p_int(&p, offset);
    r = jz__pg_run(q,
                   "SELECT seq, county, at, actor, action, entity, before, after FROM audit"
                   AUDIT_WHERE " ORDER BY seq DESC LIMIT $3 OFFSET $4",
                   &p, "读取审计日志", &rc, err);
    if (!r)
        return rc;
    for (int i = 0; i < PQntuples(r); i++) {
        jz_store_audit_row row = {
            .seq = jz__pg_int(r, i, 0),
            .county = jz__pg_text(r, i, 1),
            .at = jz__pg_text(r, i, 2),
            .actor = jz__pg_text(r, i, 3),
            .action = jz__pg_text(r, i, 4),
            .entity = jz__pg_text(r, i, 5),
            .before = jz__pg_text(r, i, 6),
            .after = jz__pg_text(r, i, 7),
        };
        fn(&row, arg);
    }
    PQclear(r);
    return JZ_OK;
}
