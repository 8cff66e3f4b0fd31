/*
 * pg_feed.c - the PostgreSQL backend's department feeds (R-MON-1): rows
 * kept whole, deduplicated by a digest of what they record, so that
 * importing the same file again adds nothing; the rows monitoring reads,
 * and the alerts it raises.  The statements of sqlite_feed.c; the common
 * layer audits each write (store.c, audit_entries.c) after it returns.
 *
 * feed_rows and alerts are partitioned by county (pg_schema.c), their
 * digests and keys unique within a county.  A row's or an alert's county is
 * its person's, which may change between two imports (a person registered
 * or moved in between): so the same row, or alert, is kept once across
 * counties by the directories feed_digests and alert_keys, as the SQLite
 * backend's one UNIQUE index does.
 *
 * An alert read in a transaction is read FOR UPDATE (pg_int.h): what may
 * be done with it depends on its status.  alert_update still writes only
 * over the status it was read in, as the SQLite backend does.
 *
 * Monitoring reads the whole registry and every feed row: monitor_rows
 * reads them through a cursor, a page at a time, in one snapshot (a
 * read-only REPEATABLE READ transaction of its own, unless the caller's
 * transaction is open).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_feed.h"

/* Runs sql with p, handing each row of its result to row(). */
static jz_err each(pg *q, const char *sql, const jz__pg_params *p,
                   void (*row)(const PGresult *r, int i, void *arg), void *arg, const char *what,
                   jz_error *err)
{
    jz_err rc;
    PGresult *r = jz__pg_run(q, sql, p, what, &rc, err);
    if (!r)
        return rc;
    for (int i = 0, n = PQntuples(r); i < n; i++)
        row(r, i, arg);
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_feed_begin(void *impl, jz_dept dept, const char *path, int64_t *feed, jz_error *err)
{
    pg *q = impl;
    char now[32];
    jz__now_text(now, sizeof now);
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, dept);
    jz__pg_p_text(&p, path);
    jz__pg_p_text(&p, now);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "INSERT INTO feeds(dept, path, imported_at) VALUES($1, $2, $3)"
                             " RETURNING feed",
                             &p, "记录部门数据导入", &rc, err);
    if (!r)
        return rc;
    *feed = jz__pg_int(r, 0, 0);
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_feed_put(void *impl, int64_t feed, const jz_feed_row *row,
                       const unsigned char *digest, bool *added, bool *matched, jz_error *err)
{
    pg *q = impl;
    char county[7] = "";
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, row->id);
    jz_err rc;
    /* The person directory: every registered person, with his county. */
    PGresult *r = jz__pg_run(q, "SELECT county FROM person_ids WHERE id_number = $1", &p,
                             "匹配部门数据", &rc, err);
    if (!r)
        return rc;
    *matched = PQntuples(r) > 0;
    if (*matched)
        jz__pg_copy_text(county, sizeof county, r, 0, 0);
    PQclear(r);
    if ((rc = jz__pg_county_parts(q, county, JZ__PG_PART_FEED, err)))
        return rc;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, county);
    jz__pg_p_int(&p, feed);
    jz__pg_p_int(&p, row->dept);
    jz__pg_p_int(&p, row->event);
    jz__pg_p_text(&p, row->id);
    jz__pg_p_text(&p, row->name);
    jz__pg_p_int(&p, row->date);
    jz__pg_p_int(&p, row->amount);
    jz__pg_p_int(&p, row->level);
    jz__pg_p_text(&p, row->code);
    jz__pg_p_int(&p, row->line);
    jz__pg_p_bytes(&p, digest, JZ__DIGEST_BYTES);
    r = jz__pg_run(q,
                   "WITH d AS (INSERT INTO feed_digests(digest, county) VALUES($12, $1)"
                   " ON CONFLICT DO NOTHING RETURNING digest)"
                   " INSERT INTO feed_rows(county, feed, dept, event, id_number, name, on_date,"
                   " amount, level, code, line, digest)"
                   " SELECT $1::text, $2::bigint, $3::bigint, $4::bigint, $5::text, $6::text,"
                   " $7::bigint, $8::bigint, $9::bigint, $10::text, $11::bigint, d.digest"
                   " FROM d RETURNING row",
                   &p, "写入部门数据", &rc, err);
    if (!r)
        return rc;
    *added = PQntuples(r) == 1;
    PQclear(r);
    return JZ_OK;
}

jz_err jz__pg_feed_end(void *impl, int64_t feed, const jz_feed_counts *n, int *dept, char *path,
                       size_t path_size, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, feed);
    jz__pg_p_int(&p, n->rows);
    jz__pg_p_int(&p, n->added);
    jz__pg_p_int(&p, n->matched);
    jz__pg_p_int(&p, n->rejected);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "UPDATE feeds SET rows = $2, added = $3, matched = $4, rejected = $5"
                             " WHERE feed = $1 RETURNING dept, path",
                             &p, "记录部门数据导入", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) == 1) {
        *dept = (int)jz__pg_int(r, 0, 0);
        jz__pg_copy_text(path, path_size, r, 0, 1);
    } else {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)feed);
        rc = jz_error_set(err, JZ_EIO, "feed", v, "记录部门数据导入失败：没有这次导入");
    }
    PQclear(r);
    return rc;
}

/* ---- monitoring: the rows it reads (monitor_facts.c makes the facts) ----------- */

typedef struct mon_ctx {
    const jz__monitor_sink *sink;
    void *arg;
} mon_ctx;

static int household_row(const PGresult *r, int i, const mon_ctx *c)
{
    jz__monitor_household h = {
        .key = jz__pg_int(r, i, 0),
        .household_id = jz__pg_text(r, i, 1),
        .region = jz__pg_text(r, i, 2),
        .n_members = (int)jz__pg_int(r, i, 3),
        .current_programme = (uint8_t)jz__pg_int(r, i, 4),
        .income = jz__pg_int(r, i, 5),
        .area = (uint8_t)jz__pg_int(r, i, 6),
    };
    return c->sink->household(c->arg, &h);
}

static int member_row(const PGresult *r, int i, const mon_ctx *c)
{
    jz__monitor_member m = {
        .household = jz__pg_int(r, i, 0),
        .id_number = jz__pg_text(r, i, 1),
        .wage = jz__pg_int(r, i, 2),
        .business = jz__pg_int(r, i, 3),
        .deceased = (jz_date)jz__pg_int(r, i, 4),
        .presence = (uint8_t)jz__pg_int(r, i, 5),
    };
    return c->sink->member(c->arg, &m);
}

static int enrolment_row(const PGresult *r, int i, const mon_ctx *c)
{
    jz__monitor_enrolment e = {
        .household = jz__pg_int(r, i, 0),
        .programme = (int)jz__pg_int(r, i, 1),
        .member = (int)jz__pg_int(r, i, 2),
        .persons = (int)jz__pg_int(r, i, 3),
    };
    return c->sink->enrolment(c->arg, &e);
}

static int feed_row(const PGresult *r, int i, const mon_ctx *c)
{
    jz__monitor_feed_row f = {
        .id_number = jz__pg_text(r, i, 0),
        .row = jz__pg_int(r, i, 1),
        .dept = (uint8_t)jz__pg_int(r, i, 2),
        .event = (uint8_t)jz__pg_int(r, i, 3),
        .date = (jz_date)jz__pg_int(r, i, 4),
        .amount = jz__pg_int(r, i, 5),
        .level = (uint8_t)jz__pg_int(r, i, 6),
        .code = jz__pg_text(r, i, 7),
        .name = jz__pg_text(r, i, 8),
    };
    return c->sink->feed_row(c->arg, &f);
}

static int evidence_of(const PGresult *r, int i, const mon_ctx *c)
{
    return c->sink->evidence(c->arg, (int)jz__pg_int(r, i, 0), jz__pg_int(r, i, 1),
                             jz__pg_int(r, i, 2) != 0);
}

static int alert_of(const PGresult *r, int i, const mon_ctx *c)
{
    jz__monitor_alert a = {
        .id = jz__pg_int(r, i, 0),
        .id_number = jz__pg_text(r, i, 1),
        .indicator = (int)jz__pg_int(r, i, 2),
        .category = (uint8_t)jz__pg_int(r, i, 3),
        .open = jz__pg_int(r, i, 4) != 0,
        .raised_on = (jz_date)jz__pg_int(r, i, 5),
    };
    return c->sink->alert(c->arg, &a);
}

/* Rows fetched from the cursor at a time. */
#define MONITOR_PAGE "FETCH FORWARD 5000 FROM jz_monitor"

/* Declares the cursor jz_monitor (declare, with p), hands its rows to
 * row() a page at a time until they end or row() says stop, and closes
 * it. */
static jz_err cursor_rows(pg *q, const char *declare, const jz__pg_params *p,
                          int (*row)(const PGresult *r, int i, const mon_ctx *c),
                          const mon_ctx *c, const char *what, jz_error *err)
{
    jz_err rc = jz__pg_do(q, declare, p, what, NULL, err);
    if (rc)
        return rc;
    bool more = true;
    while (more) {
        PGresult *r = jz__pg_run(q, MONITOR_PAGE, NULL, what, &rc, err);
        if (!r)
            return rc;
        int n = PQntuples(r);
        more = n > 0;
        for (int i = 0; i < n && more; i++)
            if (row(r, i, c))
                more = false;
        PQclear(r);
    }
    return jz__pg_do(q, "CLOSE jz_monitor", NULL, what, NULL, err);
}

/* Two counts (the first two columns of the one row sql gives; m NULL: one). */
static jz_err count_of(pg *q, const char *sql, int64_t *n, int64_t *m, const char *what,
                       jz_error *err)
{
    jz_err rc;
    PGresult *r = jz__pg_run(q, sql, NULL, what, &rc, err);
    if (!r)
        return rc;
    *n = jz__pg_int(r, 0, 0);
    if (m)
        *m = jz__pg_int(r, 0, 1);
    PQclear(r);
    return JZ_OK;
}

static jz_err monitor_scan(pg *q, const jz__monitor_query *mq, const jz__monitor_sink *sink,
                           void *arg, jz_error *err)
{
    mon_ctx c = {sink, arg};
    /* Each query with what its rows go to; $1 as the query says.  The
     * order of each is the SQLite backend's (its table scans: by row
     * number). */
    static const struct {
        const char *declare, *what;
        int (*row)(const PGresult *, int, const mon_ctx *);
        int bind; /* 1: $1 = the live statuses; 2: $1 = the resolved status */
    } steps[] = {
        {"DECLARE jz_monitor NO SCROLL CURSOR FOR"
         " SELECT h.hh, h.household_id, h.region, h.n_members, h.current_programme,"
         " coalesce(d.income, 0), h.area FROM households h LEFT JOIN determinations d"
         " ON d.county = h.county AND d.hh = h.hh ORDER BY h.hh",
         "读取低收入人口数据库", household_row, 0},
        {"DECLARE jz_monitor NO SCROLL CURSOR FOR"
         " SELECT hh, id_number, inc_wage, inc_business_net, deceased, presence"
         " FROM members ORDER BY hh, idx",
         "读取低收入人口数据库", member_row, 0},
        {"DECLARE jz_monitor NO SCROLL CURSOR FOR"
         " SELECT h.hh, e.programme, e.member, e.persons FROM enrolments e"
         " JOIN households h ON h.household_id = e.household_id"
         " WHERE (($1::bigint >> e.status::int) & 1) = 1 ORDER BY e.enrolment",
         "读取救助对象", enrolment_row, 1},
        {"DECLARE jz_monitor NO SCROLL CURSOR FOR"
         " SELECT id_number, row, dept, event, on_date, amount, level, code, name"
         " FROM feed_rows ORDER BY row",
         "读取部门数据", feed_row, 0},
        {"DECLARE jz_monitor NO SCROLL CURSOR FOR"
         " SELECT e.indicator, e.row, (a.status <> $1::bigint)::int FROM alert_evidence e"
         " JOIN alerts a ON a.alert = e.alert"
         " ORDER BY e.alert, e.indicator, e.row",
         "读取预警依据", evidence_of, 2},
        {"DECLARE jz_monitor NO SCROLL CURSOR FOR"
         " SELECT alert, id_number, indicator, category, (status <> $1::bigint)::int,"
         " raised_on FROM alerts ORDER BY alert",
         "读取预警", alert_of, 2},
    };
    int64_t nh = 0, np = 0, nf = 0;
    jz_err rc = count_of(q,
                         "SELECT (SELECT count(*) FROM households),"
                         " (SELECT count(*) FROM members)",
                         &nh, &np, "读取低收入人口数据库", err);
    if (rc)
        return rc;
    sink->registry_sizes(arg, (size_t)nh, (size_t)np);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0] && !rc; i++) {
        if (i == 3) { /* the feed rows: their count first */
            if ((rc = count_of(q, "SELECT count(*) FROM feed_rows", &nf, NULL, "读取部门数据",
                               err)))
                break;
            sink->feed_size(arg, (size_t)nf);
        }
        jz__pg_params p;
        jz__pg_p_reset(&p);
        if (steps[i].bind == 1)
            jz__pg_p_int(&p, mq->live_statuses);
        else if (steps[i].bind == 2)
            jz__pg_p_int(&p, mq->resolved);
        rc = cursor_rows(q, steps[i].declare, &p, steps[i].row, &c, steps[i].what, err);
    }
    return rc;
}

jz_err jz__pg_monitor_rows(void *impl, const jz__monitor_query *mq, const jz__monitor_sink *sink,
                           void *arg, jz_error *err)
{
    pg *q = impl;
    if (q->in_tx)
        return monitor_scan(q, mq, sink, arg, err);
    jz_err rc = jz__pg_exec(q, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err);
    if (rc)
        return rc;
    if ((rc = monitor_scan(q, mq, sink, arg, err)) || (rc = jz__pg_exec(q, "COMMIT", err)))
        jz__pg_exec(q, "ROLLBACK", NULL);
    return rc;
}

jz_err jz__pg_member_name(void *impl, const char *id_number, char *name, size_t n, jz_error *err)
{
    pg *q = impl;
    name[0] = '\0';
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, id_number);
    jz_err rc;
    PGresult *r = jz__pg_run(q,
                             "SELECT m.name FROM person_ids i JOIN members m"
                             " ON m.county = i.county AND m.hh = i.hh"
                             " AND m.id_number = i.id_number WHERE i.id_number = $1",
                             &p, "查询成员", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) > 0)
        jz__pg_copy_text(name, n, r, 0, 0);
    PQclear(r);
    return JZ_OK;
}

#define ALERT_COLUMNS                                                                         \
    "alert, county, region, category, indicator, severity, id_number, name, household_id,"   \
    " dept, amount, detail, evidence, raised_on, due_on, status"

/* Records the rows as evidence of alert `id` (indicator ind); an evidence
 * row has one alert per indicator (the table's key), so a second would fail
 * the run rather than be lost. */
static jz_err put_evidence(pg *q, int64_t id, int ind, const char *county, const int64_t *rows,
                           size_t n, jz_error *err)
{
    jz__pg_params p;
    for (size_t i = 0; i < n; i++) {
        jz__pg_p_reset(&p);
        jz__pg_p_int(&p, ind);
        jz__pg_p_int(&p, rows[i]);
        jz__pg_p_int(&p, id);
        jz__pg_p_text(&p, county);
        jz_err rc = jz__pg_do(q,
                             "INSERT INTO alert_evidence(indicator, row, alert, county)"
                             " VALUES($1, $2, $3, $4)",
                             &p, "写入预警依据", NULL, err);
        if (rc)
            return rc;
    }
    return JZ_OK;
}

jz_err jz__pg_alert_put(void *impl, jz_stored_alert *a, const unsigned char *key,
                        const int64_t *rows, size_t n_rows, bool *added, jz_error *err)
{
    pg *q = impl;
    jz_err rc = jz__pg_county_parts(q, a->county, JZ__PG_PART_ALERT, err);
    if (rc)
        return rc;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, a->county);
    jz__pg_p_text(&p, a->region);
    jz__pg_p_int(&p, a->category);
    jz__pg_p_int(&p, a->indicator);
    jz__pg_p_int(&p, a->severity);
    jz__pg_p_text(&p, a->id_number);
    jz__pg_p_text(&p, a->name);
    jz__pg_p_text(&p, a->household_id);
    jz__pg_p_int(&p, a->dept);
    jz__pg_p_int(&p, a->amount);
    jz__pg_p_text(&p, a->detail);
    jz__pg_p_text(&p, a->evidence);
    jz__pg_p_int(&p, a->raised_on);
    jz__pg_p_int(&p, a->due_on);
    jz__pg_p_int(&p, a->status);
    jz__pg_p_bytes(&p, key, JZ__DIGEST_BYTES);
    /* The insert reads no table that rows held for COPY write (alerts
     * refer to nothing): it leaves them held, so that an import's
     * households, and the enrolments they are adopted into, go in one
     * COPY each rather than one at every D alert. */
    bool was = q->in_put;
    q->in_put = true;
    PGresult *r =
        jz__pg_run(q,
                   "WITH k AS (INSERT INTO alert_keys(key, county) VALUES($16, $1)"
                   " ON CONFLICT DO NOTHING RETURNING key)"
                   " INSERT INTO alerts(county, region, category, indicator, severity, id_number,"
                   " name, household_id, dept, amount, detail, evidence, raised_on, due_on,"
                   " status, key)"
                   " SELECT $1::text, $2::text, $3::bigint, $4::bigint, $5::bigint, $6::text,"
                   " $7::text, $8::text, $9::bigint, $10::bigint, $11::text, $12::text,"
                   " $13::bigint, $14::bigint, $15::bigint, k.key FROM k RETURNING alert",
                   &p, "写入预警", &rc, err);
    q->in_put = was;
    if (!r)
        return rc;
    *added = PQntuples(r) == 1;
    if (*added)
        a->id = jz__pg_int(r, 0, 0);
    PQclear(r);
    if (!*added)
        return JZ_OK;
    return put_evidence(q, a->id, a->indicator, a->county, rows, n_rows, err);
}

jz_err jz__pg_alert_add_evidence(void *impl, const jz_stored_alert *a, const int64_t *rows,
                                 size_t n_rows, const char *list, jz_fen amount,
                                 uint8_t severity, jz_error *err)
{
    pg *q = impl;
    /* The evidence text grows in SQL: it may be longer than the record's
     * buffer holds. */
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, a->id);
    jz__pg_p_int(&p, amount);
    jz__pg_p_int(&p, severity);
    jz__pg_p_text(&p, list);
    jz__pg_p_text(&p, a->county);
    /* By its county too: that is the one partition to look in. */
    jz_err rc = jz__pg_do(q,
                          "UPDATE alerts SET amount = amount + $2,"
                          " severity = greatest(severity, $3::bigint),"
                          " evidence = CASE WHEN evidence = '[]' THEN '[' || $4::text || ']'"
                          " ELSE substr(evidence, 1, length(evidence) - 1) || ',' || $4::text"
                          " || ']' END WHERE county = $5 AND alert = $1",
                          &p, "更新预警", NULL, err);
    if (rc)
        return rc;
    return put_evidence(q, a->id, a->indicator, a->county, rows, n_rows, err);
}

typedef struct evidence_rows {
    void (*fn)(int64_t row, const jz_feed_row *r, void *arg);
    void *arg;
} evidence_rows;

static void evidence_row(const PGresult *r, int i, void *arg)
{
    evidence_rows *e = arg;
    jz_feed_row f;
    memset(&f, 0, sizeof f);
    f.dept = (uint8_t)jz__pg_int(r, i, 1);
    f.event = (uint8_t)jz__pg_int(r, i, 2);
    jz__pg_copy_text(f.id, sizeof f.id, r, i, 3);
    jz__pg_copy_text(f.name, sizeof f.name, r, i, 4);
    f.date = (jz_date)jz__pg_int(r, i, 5);
    f.amount = jz__pg_int(r, i, 6);
    f.level = (int)jz__pg_int(r, i, 7);
    jz__pg_copy_text(f.code, sizeof f.code, r, i, 8);
    f.line = (long)jz__pg_int(r, i, 9);
    e->fn(jz__pg_int(r, i, 0), &f, e->arg);
}

jz_err jz__pg_alert_evidence(void *impl, int64_t id,
                             void (*fn)(int64_t row, const jz_feed_row *r, void *arg), void *arg,
                             jz_error *err)
{
    evidence_rows e = {fn, arg};
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, id);
    return each(impl,
                "SELECT f.row, f.dept, f.event, f.id_number, f.name, f.on_date, f.amount,"
                " f.level, f.code, f.line FROM alert_evidence e"
                " JOIN feed_rows f ON f.row = e.row WHERE e.alert = $1"
                " ORDER BY f.on_date, f.row",
                &p, evidence_row, &e, "查询预警依据", err);
}

static void read_alert(const PGresult *r, int i, jz_stored_alert *a)
{
    memset(a, 0, sizeof *a);
    int k = 0;
    a->id = jz__pg_int(r, i, k++);
    jz__pg_copy_text(a->county, sizeof a->county, r, i, k++);
    jz__pg_copy_text(a->region, sizeof a->region, r, i, k++);
    a->category = (uint8_t)jz__pg_int(r, i, k++);
    a->indicator = (uint8_t)jz__pg_int(r, i, k++);
    a->severity = (uint8_t)jz__pg_int(r, i, k++);
    jz__pg_copy_text(a->id_number, sizeof a->id_number, r, i, k++);
    jz__pg_copy_text(a->name, sizeof a->name, r, i, k++);
    jz__pg_copy_text(a->household_id, sizeof a->household_id, r, i, k++);
    a->dept = (uint8_t)jz__pg_int(r, i, k++);
    a->amount = jz__pg_int(r, i, k++);
    jz__pg_copy_text(a->detail, sizeof a->detail, r, i, k++);
    jz__pg_copy_text(a->evidence, sizeof a->evidence, r, i, k++);
    a->raised_on = (jz_date)jz__pg_int(r, i, k++);
    a->due_on = (jz_date)jz__pg_int(r, i, k++);
    a->status = (uint8_t)jz__pg_int(r, i, k++);
}

typedef struct alert_rows {
    void (*fn)(const jz_stored_alert *a, void *arg);
    void *arg;
} alert_rows;

static void alert_row(const PGresult *r, int i, void *arg)
{
    alert_rows *x = arg;
    jz_stored_alert a;
    read_alert(r, i, &a);
    x->fn(&a, x->arg);
}

jz_err jz__pg_alert_list(void *impl, const char *prefix, int category, bool open_only,
                         void (*fn)(const jz_stored_alert *a, void *arg), void *arg,
                         jz_error *err)
{
    alert_rows x = {fn, arg};
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, prefix);
    jz__pg_p_int(&p, category);
    jz__pg_p_int(&p, open_only);
    return each(impl,
                "SELECT " ALERT_COLUMNS " FROM alerts"
                " WHERE ($1::text = '' OR substr(region, 1, length($1)) = $1)"
                " AND ($2::bigint < 0 OR category = $2) AND ($3::bigint = 0 OR status <> 3)"
                " ORDER BY due_on, severity DESC, alert",
                &p, alert_row, &x, "查询预警", err);
}

jz_err jz__pg_alert_get(void *impl, int64_t id, jz_stored_alert *a, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, id);
    jz_err rc;
    /* In a transaction, the alert is read to be handled (its status
     * decides what may be done): it stays the transaction's until it ends,
     * and a second handler waits, then reads what the first left. */
    PGresult *r = jz__pg_run(
        q,
        q->in_tx ? "SELECT " ALERT_COLUMNS " FROM alerts WHERE alert = $1 FOR UPDATE"
                 : "SELECT " ALERT_COLUMNS " FROM alerts WHERE alert = $1",
        &p, "查询预警", &rc, err);
    if (!r)
        return rc;
    bool found = PQntuples(r) > 0;
    if (found)
        read_alert(r, 0, a);
    PQclear(r);
    if (found)
        return JZ_OK;
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)id);
    return jz_error_set(err, JZ_ENOTFOUND, "alert", v, "没有这条预警");
}

jz_err jz__pg_alert_update(void *impl, const jz_stored_alert *before, const jz_stored_alert *after,
                           const jz_alert_step *step, jz_error *err)
{
    pg *q = impl;
    char now[32];
    jz__now_text(now, sizeof now);
    /* Only over the status it was read in: a writer that changed it first
     * holds the row until it commits, and PostgreSQL then checks the status
     * again on the row as that writer left it. */
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, after->status);
    jz__pg_p_int(&p, after->id);
    jz__pg_p_int(&p, before->status);
    jz__pg_p_text(&p, before->county);
    int64_t n = 0;
    jz_err rc = jz__pg_do(q,
                          "UPDATE alerts SET status = $1 WHERE county = $4 AND alert = $2"
                          " AND status = $3",
                          &p, "更新预警", &n, err);
    if (rc)
        return rc;
    if (n != 1) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)after->id);
        return jz_error_set(err, JZ_ECONFLICT, "alert", v,
                            "预警已被他人处置（状态已变），未写入任何内容：请重新查看后再办理");
    }
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, after->id);
    jz__pg_p_text(&p, after->county);
    jz__pg_p_text(&p, step->action);
    jz__pg_p_int(&p, step->on);
    jz__pg_p_text(&p, q->actor);
    jz__pg_p_text(&p, step->note);
    jz__pg_p_text(&p, step->outcome);
    jz__pg_p_int(&p, step->dept);
    jz__pg_p_text(&p, step->kind);
    jz__pg_p_int(&p, step->amount);
    jz__pg_p_int(&p, step->case_id);
    jz__pg_p_text(&p, step->assignee);
    jz__pg_p_text(&p, now);
    return jz__pg_do(q,
                    "INSERT INTO alert_steps(alert, county, action, on_date, actor, note,"
                    " outcome, dept, kind, amount, case_id, assignee, recorded_at)"
                    " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    &p, "记录预警处置", NULL, err);
}

jz_err jz__pg_alert_find(void *impl, const char *key,
                         void (*fn)(const jz_stored_alert *a, void *arg), void *arg,
                         jz_error *err)
{
    alert_rows x = {fn, arg};
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, key);
    return each(impl,
                "SELECT " ALERT_COLUMNS " FROM alerts WHERE id_number = $1"
                " OR household_id = $1 ORDER BY raised_on, alert",
                &p, alert_row, &x, "查询预警", err);
}

typedef struct alert_step_rows {
    int64_t alert;
    void (*fn)(const jz_alert_step *st, void *arg);
    void *arg;
} alert_step_rows;

static void alert_step_row(const PGresult *r, int i, void *arg)
{
    alert_step_rows *x = arg;
    jz_alert_step s;
    memset(&s, 0, sizeof s);
    s.alert = x->alert;
    jz__pg_copy_text(s.action, sizeof s.action, r, i, 0);
    s.on = (jz_date)jz__pg_int(r, i, 1);
    jz__pg_copy_text(s.actor, sizeof s.actor, r, i, 2);
    jz__pg_copy_text(s.note, sizeof s.note, r, i, 3);
    jz__pg_copy_text(s.outcome, sizeof s.outcome, r, i, 4);
    s.dept = (uint8_t)jz__pg_int(r, i, 5);
    jz__pg_copy_text(s.kind, sizeof s.kind, r, i, 6);
    s.amount = jz__pg_int(r, i, 7);
    s.case_id = jz__pg_int(r, i, 8);
    jz__pg_copy_text(s.assignee, sizeof s.assignee, r, i, 9);
    x->fn(&s, x->arg);
}

jz_err jz__pg_alert_steps(void *impl, int64_t alert, void (*fn)(const jz_alert_step *st, void *arg),
                          void *arg, jz_error *err)
{
    alert_step_rows x = {alert, fn, arg};
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, alert);
    return each(impl,
                "SELECT action, on_date, actor, note, outcome, dept, kind, amount,"
                " case_id, assignee FROM alert_steps WHERE alert = $1 ORDER BY step",
                &p, alert_step_row, &x, "查询预警处置", err);
}

typedef struct person_rows {
    const char *id;
    void (*fn)(const jz_feed_row *r, void *arg);
    void *arg;
} person_rows;

static void person_row(const PGresult *r, int i, void *arg)
{
    person_rows *x = arg;
    jz_feed_row f;
    memset(&f, 0, sizeof f);
    f.dept = (uint8_t)jz__pg_int(r, i, 0);
    f.event = (uint8_t)jz__pg_int(r, i, 1);
    snprintf(f.id, sizeof f.id, "%s", x->id);
    jz__pg_copy_text(f.name, sizeof f.name, r, i, 2);
    f.date = (jz_date)jz__pg_int(r, i, 3);
    f.amount = jz__pg_int(r, i, 4);
    f.level = (int)jz__pg_int(r, i, 5);
    jz__pg_copy_text(f.code, sizeof f.code, r, i, 6);
    f.line = (long)jz__pg_int(r, i, 7);
    x->fn(&f, x->arg);
}

jz_err jz__pg_feed_person(void *impl, const char *id_number,
                          void (*fn)(const jz_feed_row *r, void *arg), void *arg, jz_error *err)
{
    person_rows x = {id_number, fn, arg};
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, id_number);
    return each(impl,
                "SELECT dept, event, name, on_date, amount, level, code, line"
                " FROM feed_rows WHERE id_number = $1 ORDER BY on_date, row",
                &p, person_row, &x, "查询部门数据", err);
}
