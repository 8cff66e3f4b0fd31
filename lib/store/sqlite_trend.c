/*
 * sqlite_trend.c - the statistics' months (jz_store_trend): what was
 * recorded in a region month by month, each figure one aggregate query
 * grouped by month over the range asked, so that a province's year is a
 * handful of scans and no row crosses into C but the group totals.
 *
 * Dates in the store are yyyymmdd integers (a month is date / 100) and
 * months are "YYYY-MM" text; each query gives its month in one of the two
 * forms and the C side puts the figures into the caller's month.
 */
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_case.h"
#include "jiuzhu/jz_pay.h"
#include "sqlite_int.h"

/* The month's index in the range starting at ym0 (year * 12 + month - 1),
 * or -1. */
static int slot(sqlite3_stmt *st, int ym0, size_t n)
{
    int ym;
    if (sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
        int v = sqlite3_column_int(st, 0); /* yyyymm */
        ym = v / 100 * 12 + v % 100 - 1;
    } else if (!jz_period_month((const char *)sqlite3_column_text(st, 0), &ym)) {
        return -1;
    }
    int i = ym - ym0;
    return i >= 0 && (size_t)i < n ? i : -1;
}

/* What a query's columns 1.. add to its month. */
typedef void (*put_fn)(jz_trend_month *m, sqlite3_stmt *st);

static void put_accepted(jz_trend_month *m, sqlite3_stmt *st)
{
    m->cases_accepted += sqlite3_column_int64(st, 1);
}
static void put_decided(jz_trend_month *m, sqlite3_stmt *st)
{
    m->cases_approved += sqlite3_column_int64(st, 1);
    m->cases_refused += sqlite3_column_int64(st, 2);
}
static void put_closed(jz_trend_month *m, sqlite3_stmt *st)
{
    m->cases_closed += sqlite3_column_int64(st, 1);
    m->closed_days += sqlite3_column_int64(st, 2);
}
static void put_late(jz_trend_month *m, sqlite3_stmt *st)
{
    m->steps_late += sqlite3_column_int64(st, 1);
}
static void put_started(jz_trend_month *m, sqlite3_stmt *st)
{
    m->enrol_started += sqlite3_column_int64(st, 1);
}
static void put_ended(jz_trend_month *m, sqlite3_stmt *st)
{
    m->enrol_ended += sqlite3_column_int64(st, 1);
}
static void put_paid(jz_trend_month *m, sqlite3_stmt *st)
{
    m->paid_lines += sqlite3_column_int64(st, 1);
    m->paid += sqlite3_column_int64(st, 2);
}
static void put_alerts(jz_trend_month *m, sqlite3_stmt *st)
{
    int c = sqlite3_column_int(st, 1);
    if (c >= 0 && c < 4)
        m->alerts[c] += sqlite3_column_int64(st, 2);
}
static void put_handled(jz_trend_month *m, sqlite3_stmt *st)
{
    m->alerts_resolved += sqlite3_column_int64(st, 1);
    m->referred += sqlite3_column_int64(st, 2);
    m->answered += sqlite3_column_int64(st, 3);
}

/* ?1 the prefix's length, ?2 the prefix, ?3..?4 the first and last day
 * (yyyymmdd), ?5..?6 the first and last month as text. */
#define IN_REGION(col) " substr(" col ", 1, ?1) = ?2 "
static const struct {
    const char *sql;
    put_fn put;
} queries[] = {
    {"SELECT accepted_on / 100, count(*) FROM cases WHERE" IN_REGION("region")
     "AND accepted_on BETWEEN ?3 AND ?4 GROUP BY 1",
     put_accepted},
    {"SELECT decided_on / 100, sum(decision = 1), sum(decision = 2) FROM cases WHERE"
     IN_REGION("region") "AND decided_on BETWEEN ?3 AND ?4 GROUP BY 1",
     put_decided},
    {"SELECT closed_on / 100, count(*),"
     " CAST(sum(julianday(printf('%04d-%02d-%02d', closed_on / 10000, closed_on / 100 % 100,"
     "   closed_on % 100))"
     "  - julianday(printf('%04d-%02d-%02d', accepted_on / 10000, accepted_on / 100 % 100,"
     "   accepted_on % 100))) AS INTEGER)"
     " FROM cases WHERE" IN_REGION("region") "AND closed_on BETWEEN ?3 AND ?4 GROUP BY 1",
     put_closed},
    {"SELECT s.on_date / 100, count(*) FROM case_steps s JOIN cases c ON c.case_id = s.case_id"
     " WHERE" IN_REGION("c.region") "AND s.late_days > 0 AND s.on_date BETWEEN ?3 AND ?4"
     " GROUP BY 1",
     put_late},
    {"SELECT first_month, count(*) FROM enrolments WHERE" IN_REGION("region")
     "AND first_month BETWEEN ?5 AND ?6 GROUP BY 1",
     put_started},
    {"SELECT end_month, count(*) FROM enrolments WHERE" IN_REGION("region")
     "AND end_month BETWEEN ?5 AND ?6 GROUP BY 1",
     put_ended},
    /* 3 = JZ_PL_PAID (asserted below). */
    /* By the batch's planning month: a quarter's 特困 lines, a one-time
     * programme's and a follow-up all go out in some month's batch. */
    {"SELECT b.period, count(*), sum(l.amount) FROM pay_lines l"
     " JOIN pay_batches b ON b.batch = l.batch WHERE" IN_REGION("l.region")
     "AND l.status = 3 AND b.period BETWEEN ?5 AND ?6 GROUP BY 1",
     put_paid},
    {"SELECT raised_on / 100, category, count(*) FROM alerts WHERE" IN_REGION("region")
     "AND raised_on BETWEEN ?3 AND ?4 GROUP BY 1, 2",
     put_alerts},
    {"SELECT s.on_date / 100, sum(s.action = 'resolve'), sum(s.action = 'refer'),"
     " sum(s.action = 'feedback') FROM alert_steps s JOIN alerts a ON a.alert = s.alert"
     " WHERE" IN_REGION("a.region") "AND s.on_date BETWEEN ?3 AND ?4 GROUP BY 1",
     put_handled},
};
_Static_assert(JZ_PL_PAID == 3, "the paid lines' query names JZ_PL_PAID as 3");
_Static_assert(JZ_ENROL_STOPPED == 2, "the enrolments' query names JZ_ENROL_STOPPED as 2");

/* The enrolments in force in each month: grouped by their first and last
 * month (a stopped one without a last month has none from then on), and
 * spread over the months of the range in C. */
static const char enrolled_sql[] =
    "SELECT first_month, end_month, status = 2, count(*), sum(persons) FROM enrolments"
    " WHERE" IN_REGION("region") "AND first_month <> '' AND first_month <= ?6"
    " AND (end_month = '' OR end_month >= ?5) GROUP BY 1, 2, 3";

static int month_of(const char *t)
{
    int ym;
    return jz_period_month(t, &ym) ? ym : -1;
}

static void bind_range(sqlite3_stmt *st, const char *prefix, int ym0, size_t n)
{
    int ym1 = ym0 + (int)n - 1;
    char m0[JZ_PERIOD_BUF], m1[JZ_PERIOD_BUF];
    jz_period_month_text(ym0, m0);
    jz_period_month_text(ym1, m1);
    sqlite3_bind_int(st, 1, (int)strlen(prefix));
    sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, (ym0 / 12) * 10000 + (ym0 % 12 + 1) * 100);
    sqlite3_bind_int(st, 4, (ym1 / 12) * 10000 + (ym1 % 12 + 1) * 100 + 99);
    sqlite3_bind_text(st, 5, m0, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, m1, -1, SQLITE_TRANSIENT);
}

jz_err jz__sq_trend(void *impl, const char *prefix, jz_trend_month *months, size_t n,
                    jz_error *err)
{
    sq *q = impl;
    if (n == 0)
        return JZ_OK;
    int ym0 = month_of(months[0].month);
    if (ym0 < 0)
        return jz_error_set(err, JZ_EINPUT, "months", months[0].month, "月份应为 YYYY-MM");
    sqlite3_stmt *st = NULL;
    jz_err rc = JZ_OK;
    for (size_t k = 0; k < sizeof queries / sizeof queries[0] && !rc; k++) {
        if ((rc = jz__sq_cached(q, queries[k].sql, &st, "统计（按月）", err)))
            break;
        bind_range(st, prefix, ym0, n);
        int s;
        while ((s = sqlite3_step(st)) == SQLITE_ROW) {
            int i = slot(st, ym0, n);
            if (i >= 0)
                queries[k].put(&months[i], st);
        }
        rc = jz__sq_end(q, st, s, "统计（按月）", err);
    }
    if (rc || (rc = jz__sq_cached(q, enrolled_sql, &st, "统计（按月）", err)))
        return rc;
    bind_range(st, prefix, ym0, n);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int first = month_of((const char *)sqlite3_column_text(st, 0));
        int last = month_of((const char *)sqlite3_column_text(st, 1));
        if (first < 0)
            continue;
        if (last < 0 && sqlite3_column_int(st, 2))
            continue; /* stopped with no last month: in force in none of the range */
        int64_t count = sqlite3_column_int64(st, 3), persons = sqlite3_column_int64(st, 4);
        for (size_t i = 0; i < n; i++) {
            int ym = ym0 + (int)i;
            if (ym >= first && (last < 0 || ym <= last)) {
                months[i].enrolled += count;
                months[i].enrolled_persons += persons;
            }
        }
    }
    return jz__sq_end(q, st, s, "统计（按月）", err);
}
