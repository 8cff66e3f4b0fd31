/*
 * sqlite_feed.c - the SQLite backend's department feeds (R-MON-1): rows
 * kept whole, deduplicated by a digest of what they record, so that
 * importing the same file again adds nothing; the rows monitoring reads,
 * and the alerts it raises.  Statements only: the common layer audits
 * each write (store.c, audit_entries.c) after it returns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_int.h"

jz_err jz__sq_feed_begin(void *impl, jz_dept dept, const char *path, int64_t *feed, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    char now[32];
    jz__now_text(now, sizeof now);
    if (sqlite3_prepare_v2(q->db, "INSERT INTO feeds(dept, path, imported_at) VALUES(?,?,?)", -1,
                           &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "记录部门数据导入");
    sqlite3_bind_int(st, 1, dept);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "记录部门数据导入");
    *feed = sqlite3_last_insert_rowid(q->db);
    if (!q->feed_insert &&
        (sqlite3_prepare_v3(q->db,
                            "INSERT OR IGNORE INTO feed_rows(county, feed, dept, event, id_number,"
                            " name, on_date, amount, level, code, line, digest)"
                            " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                            -1, SQLITE_PREPARE_PERSISTENT, &q->feed_insert, NULL) != SQLITE_OK ||
         sqlite3_prepare_v3(q->db,
                            "SELECT h.county FROM members m JOIN households h ON h.hh = m.hh"
                            " WHERE m.id_number = ?",
                            -1, SQLITE_PREPARE_PERSISTENT, &q->feed_match, NULL) != SQLITE_OK))
        return jz__sq_error(q, err, "准备部门数据导入");
    return JZ_OK;
}

jz_err jz__sq_feed_put(void *impl, int64_t feed, const jz_feed_row *r,
                       const unsigned char *digest, bool *added, bool *matched, jz_error *err)
{
    sq *q = impl;
    char county[7] = "";
    sqlite3_reset(q->feed_match);
    sqlite3_bind_text(q->feed_match, 1, r->id, -1, SQLITE_STATIC);
    int s = sqlite3_step(q->feed_match);
    if (s == SQLITE_ROW)
        jz__sq_copy_text(county, sizeof county, q->feed_match, 0);
    sqlite3_reset(q->feed_match);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return jz__sq_error(q, err, "匹配部门数据");
    *matched = s == SQLITE_ROW;
    sqlite3_stmt *st = q->feed_insert;
    sqlite3_reset(st);
    int k = 1;
    sqlite3_bind_text(st, k++, county, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, k++, feed);
    sqlite3_bind_int(st, k++, r->dept);
    sqlite3_bind_int(st, k++, r->event);
    sqlite3_bind_text(st, k++, r->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, r->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, r->date);
    sqlite3_bind_int64(st, k++, r->amount);
    sqlite3_bind_int(st, k++, r->level);
    sqlite3_bind_text(st, k++, r->code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, k++, r->line);
    sqlite3_bind_blob(st, k++, digest, JZ__DIGEST_BYTES, SQLITE_STATIC);
    s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "写入部门数据");
    *added = sqlite3_changes(q->db) == 1;
    return JZ_OK;
}

jz_err jz__sq_feed_end(void *impl, int64_t feed, const jz_feed_counts *n, int *dept, char *path,
                       size_t path_size, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "UPDATE feeds SET rows = ?2, added = ?3, matched = ?4, rejected = ?5"
                           " WHERE feed = ?1 RETURNING dept, path",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "记录部门数据导入");
    sqlite3_bind_int64(st, 1, feed);
    sqlite3_bind_int64(st, 2, n->rows);
    sqlite3_bind_int64(st, 3, n->added);
    sqlite3_bind_int64(st, 4, n->matched);
    sqlite3_bind_int64(st, 5, n->rejected);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *dept = sqlite3_column_int(st, 0);
        jz__sq_copy_text(path, path_size, st, 1);
        sqlite3_step(st); /* finish the statement */
    }
    sqlite3_finalize(st);
    return s == SQLITE_ROW ? JZ_OK : jz__sq_error(q, err, "记录部门数据导入");
}

/* ---- monitoring: the rows it reads (monitor_facts.c makes the facts) ----------- */

/* Steps st, handing each row to row(); stops early when row() says so. */
static jz_err each_row(sq *q, sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *ctx),
                       void *ctx, const char *what, jz_error *err)
{
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (row(st, ctx))
            return JZ_OK;
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, what);
}

typedef struct mon_ctx {
    const jz__monitor_sink *sink;
    void *arg;
} mon_ctx;

static int household_row(sqlite3_stmt *st, void *ctx)
{
    const mon_ctx *c = ctx;
    jz__monitor_household h = {
        .key = sqlite3_column_int64(st, 0),
        .household_id = (const char *)sqlite3_column_text(st, 1),
        .region = (const char *)sqlite3_column_text(st, 2),
        .n_members = sqlite3_column_int(st, 3),
        .current_programme = (uint8_t)sqlite3_column_int(st, 4),
        .income = sqlite3_column_int64(st, 5),
        .area = (uint8_t)sqlite3_column_int(st, 6),
    };
    if (!h.household_id)
        h.household_id = "";
    if (!h.region)
        h.region = "";
    return c->sink->household(c->arg, &h);
}

static int member_row(sqlite3_stmt *st, void *ctx)
{
    const mon_ctx *c = ctx;
    const char *id = (const char *)sqlite3_column_text(st, 1);
    jz__monitor_member m = {
        .household = sqlite3_column_int64(st, 0),
        .id_number = id ? id : "",
        .wage = sqlite3_column_int64(st, 2),
        .business = sqlite3_column_int64(st, 3),
        .deceased = sqlite3_column_int(st, 4),
        .presence = (uint8_t)sqlite3_column_int(st, 5),
    };
    return c->sink->member(c->arg, &m);
}

static int enrolment_row(sqlite3_stmt *st, void *ctx)
{
    const mon_ctx *c = ctx;
    jz__monitor_enrolment e = {
        .household = sqlite3_column_int64(st, 0),
        .programme = sqlite3_column_int(st, 1),
        .member = sqlite3_column_int(st, 2),
        .persons = sqlite3_column_int(st, 3),
    };
    return c->sink->enrolment(c->arg, &e);
}

static int feed_row(sqlite3_stmt *st, void *ctx)
{
    const mon_ctx *c = ctx;
    jz__monitor_feed_row r = {
        .id_number = (const char *)sqlite3_column_text(st, 0),
        .row = sqlite3_column_int64(st, 1),
        .dept = (uint8_t)sqlite3_column_int(st, 2),
        .event = (uint8_t)sqlite3_column_int(st, 3),
        .date = sqlite3_column_int(st, 4),
        .amount = sqlite3_column_int64(st, 5),
        .level = (uint8_t)sqlite3_column_int(st, 6),
        .code = (const char *)sqlite3_column_text(st, 7),
        .name = (const char *)sqlite3_column_text(st, 8),
    };
    return c->sink->feed_row(c->arg, &r);
}

static int evidence_of(sqlite3_stmt *st, void *ctx)
{
    const mon_ctx *c = ctx;
    return c->sink->evidence(c->arg, sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1),
                             sqlite3_column_int(st, 2) != 0);
}

static int alert_of(sqlite3_stmt *st, void *ctx)
{
    const mon_ctx *c = ctx;
    jz__monitor_alert a = {
        .id = sqlite3_column_int64(st, 0),
        .id_number = (const char *)sqlite3_column_text(st, 1),
        .indicator = sqlite3_column_int(st, 2),
        .category = (uint8_t)sqlite3_column_int(st, 3),
        .open = sqlite3_column_int(st, 4) != 0,
        .raised_on = sqlite3_column_int(st, 5),
    };
    return c->sink->alert(c->arg, &a);
}

/* A count (the first column of the one row sql gives). */
static jz_err count_of(sq *q, const char *sql, int64_t *n, int64_t *m, const char *what,
                       jz_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return jz__sq_error(q, err, what);
    }
    *n = sqlite3_column_int64(st, 0);
    if (m)
        *m = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    return JZ_OK;
}

jz_err jz__sq_monitor_rows(void *impl, const jz__monitor_query *mq, const jz__monitor_sink *sink,
                           void *arg, jz_error *err)
{
    sq *q = impl;
    mon_ctx c = {sink, arg};
    /* Each query with what its rows go to; ?1 and ?2 as the query says. */
    static const struct {
        const char *sql, *what;
        int (*row)(sqlite3_stmt *, void *);
        int bind; /* 1: ?1 = the live statuses; 2: ?1 = the resolved status */
    } steps[] = {
        {"SELECT h.hh, h.household_id, h.region, h.n_members, h.current_programme,"
         " ifnull(d.income, 0), h.area FROM households h LEFT JOIN determinations d"
         " ON d.hh = h.hh ORDER BY h.hh",
         "读取低收入人口数据库", household_row, 0},
        {"SELECT hh, id_number, inc_wage, inc_business_net, deceased, presence"
         " FROM members ORDER BY hh, idx",
         "读取低收入人口数据库", member_row, 0},
        {"SELECT h.hh, e.programme, e.member, e.persons FROM enrolments e"
         " JOIN households h ON h.household_id = e.household_id WHERE (?1 >> e.status) & 1",
         "读取救助对象", enrolment_row, 1},
        {"SELECT id_number, row, dept, event, on_date, amount, level, code, name"
         " FROM feed_rows",
         "读取部门数据", feed_row, 0},
        {"SELECT e.indicator, e.row, a.status <> ?1 FROM alert_evidence e"
         " JOIN alerts a ON a.alert = e.alert",
         "读取预警依据", evidence_of, 2},
        {"SELECT alert, id_number, indicator, category, status <> ?1, raised_on FROM alerts",
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
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(q->db, steps[i].sql, -1, &st, NULL) != SQLITE_OK)
            return jz__sq_error(q, err, steps[i].what);
        if (steps[i].bind == 1)
            sqlite3_bind_int64(st, 1, mq->live_statuses);
        else if (steps[i].bind == 2)
            sqlite3_bind_int(st, 1, mq->resolved);
        rc = each_row(q, st, steps[i].row, &c, steps[i].what, err);
        sqlite3_finalize(st);
    }
    return rc;
}

jz_err jz__sq_member_name(void *impl, const char *id_number, char *name, size_t n, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    name[0] = '\0';
    if (sqlite3_prepare_v2(q->db, "SELECT name FROM members WHERE id_number = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询成员");
    sqlite3_bind_text(st, 1, id_number, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        jz__sq_copy_text(name, n, st, 0);
    sqlite3_finalize(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "查询成员");
}

#define ALERT_COLUMNS                                                                         \
    "alert, county, region, category, indicator, severity, id_number, name, household_id,"   \
    " dept, amount, detail, evidence, raised_on, due_on, status"

/* Records the rows as evidence of alert `id` (indicator ind); an evidence
 * row has one alert per indicator (the table's key), so a second would fail
 * the run rather than be lost. */
static jz_err put_evidence(sq *q, int64_t id, int ind, const char *county, const int64_t *rows,
                           size_t n, jz_error *err)
{
    if (!q->evidence_insert &&
        sqlite3_prepare_v3(q->db,
                           "INSERT INTO alert_evidence(indicator, row, alert, county)"
                           " VALUES(?,?,?,?)",
                           -1, SQLITE_PREPARE_PERSISTENT, &q->evidence_insert, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "写入预警依据");
    sqlite3_stmt *st = q->evidence_insert;
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, ind);
        sqlite3_bind_int64(st, 2, rows[i]);
        sqlite3_bind_int64(st, 3, id);
        sqlite3_bind_text(st, 4, county, -1, SQLITE_STATIC);
        int s = sqlite3_step(st);
        sqlite3_reset(st);
        if (s != SQLITE_DONE)
            return jz__sq_error(q, err, "写入预警依据");
    }
    return JZ_OK;
}

jz_err jz__sq_alert_put(void *impl, jz_stored_alert *a, const unsigned char *key,
                        const int64_t *rows, size_t n_rows, bool *added, jz_error *err)
{
    sq *q = impl;
    if (!q->alert_insert &&
        sqlite3_prepare_v3(q->db,
                           "INSERT OR IGNORE INTO alerts(" ALERT_COLUMNS ", key) VALUES(NULL,?,?,?,"
                           "?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, SQLITE_PREPARE_PERSISTENT, &q->alert_insert, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "写入预警");
    sqlite3_stmt *st = q->alert_insert;
    sqlite3_reset(st);
    int k = 1;
    sqlite3_bind_text(st, k++, a->county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, a->region, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, a->category);
    sqlite3_bind_int(st, k++, a->indicator);
    sqlite3_bind_int(st, k++, a->severity);
    sqlite3_bind_text(st, k++, a->id_number, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, a->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, a->household_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, a->dept);
    sqlite3_bind_int64(st, k++, a->amount);
    sqlite3_bind_text(st, k++, a->detail, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, a->evidence, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, a->raised_on);
    sqlite3_bind_int(st, k++, a->due_on);
    sqlite3_bind_int(st, k++, a->status);
    sqlite3_bind_blob(st, k++, key, JZ__DIGEST_BYTES, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "写入预警");
    *added = sqlite3_changes(q->db) == 1;
    if (!*added)
        return JZ_OK;
    a->id = sqlite3_last_insert_rowid(q->db);
    return put_evidence(q, a->id, a->indicator, a->county, rows, n_rows, err);
}

jz_err jz__sq_alert_add_evidence(void *impl, const jz_stored_alert *a, const int64_t *rows,
                                 size_t n_rows, const char *list, jz_fen amount,
                                 uint8_t severity, jz_error *err)
{
    sq *q = impl;
    /* The evidence text grows in SQL: it may be longer than the record's
     * buffer holds. */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "UPDATE alerts SET amount = amount + ?2, severity = max(severity, ?3),"
                           " evidence = CASE WHEN evidence = '[]' THEN '[' || ?4 || ']'"
                           " ELSE substr(evidence, 1, length(evidence) - 1) || ',' || ?4 || ']'"
                           " END WHERE alert = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "更新预警");
    sqlite3_bind_int64(st, 1, a->id);
    sqlite3_bind_int64(st, 2, amount);
    sqlite3_bind_int(st, 3, severity);
    sqlite3_bind_text(st, 4, list, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "更新预警");
    return put_evidence(q, a->id, a->indicator, a->county, rows, n_rows, err);
}

typedef struct evidence_rows {
    void (*fn)(int64_t row, const jz_feed_row *r, void *arg);
    void *arg;
} evidence_rows;

static void evidence_row(sqlite3_stmt *st, void *arg)
{
    evidence_rows *e = arg;
    jz_feed_row r;
    memset(&r, 0, sizeof r);
    r.dept = (uint8_t)sqlite3_column_int(st, 1);
    r.event = (uint8_t)sqlite3_column_int(st, 2);
    jz__sq_copy_text(r.id, sizeof r.id, st, 3);
    jz__sq_copy_text(r.name, sizeof r.name, st, 4);
    r.date = sqlite3_column_int(st, 5);
    r.amount = sqlite3_column_int64(st, 6);
    r.level = sqlite3_column_int(st, 7);
    jz__sq_copy_text(r.code, sizeof r.code, st, 8);
    r.line = (long)sqlite3_column_int64(st, 9);
    e->fn(sqlite3_column_int64(st, 0), &r, e->arg);
}

jz_err jz__sq_alert_evidence(void *impl, int64_t id,
                             void (*fn)(int64_t row, const jz_feed_row *r, void *arg), void *arg,
                             jz_error *err)
{
    evidence_rows e = {fn, arg};
    return jz__sq_each(impl,
                       "SELECT f.row, f.dept, f.event, f.id_number, f.name, f.on_date, f.amount,"
                       " f.level, f.code, f.line FROM alert_evidence e"
                       " JOIN feed_rows f ON f.row = e.row WHERE e.alert = ?"
                       " ORDER BY f.on_date, f.row",
                       id, NULL, evidence_row, &e, "查询预警依据", err);
}

static void read_alert(sqlite3_stmt *st, jz_stored_alert *a)
{
    memset(a, 0, sizeof *a);
    int k = 0;
    a->id = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(a->county, sizeof a->county, st, k++);
    jz__sq_copy_text(a->region, sizeof a->region, st, k++);
    a->category = (uint8_t)sqlite3_column_int(st, k++);
    a->indicator = (uint8_t)sqlite3_column_int(st, k++);
    a->severity = (uint8_t)sqlite3_column_int(st, k++);
    jz__sq_copy_text(a->id_number, sizeof a->id_number, st, k++);
    jz__sq_copy_text(a->name, sizeof a->name, st, k++);
    jz__sq_copy_text(a->household_id, sizeof a->household_id, st, k++);
    a->dept = (uint8_t)sqlite3_column_int(st, k++);
    a->amount = sqlite3_column_int64(st, k++);
    jz__sq_copy_text(a->detail, sizeof a->detail, st, k++);
    jz__sq_copy_text(a->evidence, sizeof a->evidence, st, k++);
    a->raised_on = sqlite3_column_int(st, k++);
    a->due_on = sqlite3_column_int(st, k++);
    a->status = (uint8_t)sqlite3_column_int(st, k++);
}

jz_err jz__sq_alert_list(void *impl, const char *prefix, int category, bool open_only,
                         void (*fn)(const jz_stored_alert *a, void *arg), void *arg,
                         jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT " ALERT_COLUMNS " FROM alerts"
                           " WHERE (?1 = '' OR substr(region, 1, length(?1)) = ?1)"
                           " AND (?2 < 0 OR category = ?2) AND (?3 = 0 OR status <> 3)"
                           " ORDER BY due_on, severity DESC, alert",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询预警");
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, category);
    sqlite3_bind_int(st, 3, open_only);
    int s;
    jz_stored_alert a;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        read_alert(st, &a);
        fn(&a, arg);
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "查询预警");
}

jz_err jz__sq_alert_get(void *impl, int64_t id, jz_stored_alert *a, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, "SELECT " ALERT_COLUMNS " FROM alerts WHERE alert = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "查询预警");
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        read_alert(st, a);
    sqlite3_finalize(st);
    if (s == SQLITE_ROW)
        return JZ_OK;
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "查询预警");
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)id);
    return jz_error_set(err, JZ_ENOTFOUND, "alert", v, "没有这条预警");
}

jz_err jz__sq_alert_update(void *impl, const jz_stored_alert *before, const jz_stored_alert *after,
                           const jz_alert_step *step, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    char now[32];
    jz__now_text(now, sizeof now);
    /* Only over the status it was read in (see the case's update). */
    if (sqlite3_prepare_v2(q->db, "UPDATE alerts SET status = ? WHERE alert = ? AND status = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "更新预警");
    sqlite3_bind_int(st, 1, after->status);
    sqlite3_bind_int64(st, 2, after->id);
    sqlite3_bind_int(st, 3, before->status);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "更新预警");
    if (sqlite3_changes(q->db) != 1) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)after->id);
        return jz_error_set(err, JZ_ECONFLICT, "alert", v,
                            "预警已被他人处置（状态已变），未写入任何内容：请重新查看后再办理");
    }
    if (sqlite3_prepare_v2(q->db,
                           "INSERT INTO alert_steps(alert, county, action, on_date, actor, note,"
                           " outcome, dept, kind, amount, case_id, assignee, recorded_at)"
                           " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "记录预警处置");
    int k = 1;
    sqlite3_bind_int64(st, k++, after->id);
    sqlite3_bind_text(st, k++, after->county, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, step->action, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, step->on);
    sqlite3_bind_text(st, k++, q->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, step->note, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, step->outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, k++, step->dept);
    sqlite3_bind_text(st, k++, step->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, k++, step->amount);
    sqlite3_bind_int64(st, k++, step->case_id);
    sqlite3_bind_text(st, k++, step->assignee, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, now, -1, SQLITE_STATIC);
    s = sqlite3_step(st);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "记录预警处置");
}

typedef struct alert_rows {
    void (*fn)(const jz_stored_alert *a, void *arg);
    void *arg;
} alert_rows;

static void alert_row(sqlite3_stmt *st, void *arg)
{
    alert_rows *r = arg;
    jz_stored_alert a;
    read_alert(st, &a);
    r->fn(&a, r->arg);
}

jz_err jz__sq_alert_find(void *impl, const char *key,
                         void (*fn)(const jz_stored_alert *a, void *arg), void *arg,
                         jz_error *err)
{
    alert_rows r = {fn, arg};
    return jz__sq_each(impl,
                       "SELECT " ALERT_COLUMNS " FROM alerts WHERE id_number = ?1"
                       " OR household_id = ?1 ORDER BY raised_on, alert",
                       0, key, alert_row, &r, "查询预警", err);
}

typedef struct alert_step_rows {
    int64_t alert;
    void (*fn)(const jz_alert_step *st, void *arg);
    void *arg;
} alert_step_rows;

static void alert_step_row(sqlite3_stmt *st, void *arg)
{
    alert_step_rows *r = arg;
    jz_alert_step x;
    memset(&x, 0, sizeof x);
    x.alert = r->alert;
    jz__sq_copy_text(x.action, sizeof x.action, st, 0);
    x.on = sqlite3_column_int(st, 1);
    jz__sq_copy_text(x.actor, sizeof x.actor, st, 2);
    jz__sq_copy_text(x.note, sizeof x.note, st, 3);
    jz__sq_copy_text(x.outcome, sizeof x.outcome, st, 4);
    x.dept = (uint8_t)sqlite3_column_int(st, 5);
    jz__sq_copy_text(x.kind, sizeof x.kind, st, 6);
    x.amount = sqlite3_column_int64(st, 7);
    x.case_id = sqlite3_column_int64(st, 8);
    jz__sq_copy_text(x.assignee, sizeof x.assignee, st, 9);
    r->fn(&x, r->arg);
}

jz_err jz__sq_alert_steps(void *impl, int64_t alert,
                          void (*fn)(const jz_alert_step *st, void *arg), void *arg,
                          jz_error *err)
{
    alert_step_rows r = {alert, fn, arg};
    return jz__sq_each(impl,
                       "SELECT action, on_date, actor, note, outcome, dept, kind, amount,"
                       " case_id, assignee FROM alert_steps WHERE alert = ? ORDER BY step",
                       alert, NULL, alert_step_row, &r, "查询预警处置", err);
}

typedef struct person_rows {
    const char *id;
    void (*fn)(const jz_feed_row *r, void *arg);
    void *arg;
} person_rows;

static void person_row(sqlite3_stmt *st, void *arg)
{
    person_rows *p = arg;
    jz_feed_row r;
    memset(&r, 0, sizeof r);
    r.dept = (uint8_t)sqlite3_column_int(st, 0);
    r.event = (uint8_t)sqlite3_column_int(st, 1);
    snprintf(r.id, sizeof r.id, "%s", p->id);
    jz__sq_copy_text(r.name, sizeof r.name, st, 2);
    r.date = sqlite3_column_int(st, 3);
    r.amount = sqlite3_column_int64(st, 4);
    r.level = sqlite3_column_int(st, 5);
    jz__sq_copy_text(r.code, sizeof r.code, st, 6);
    r.line = (long)sqlite3_column_int64(st, 7);
    p->fn(&r, p->arg);
}

jz_err jz__sq_feed_person(void *impl, const char *id_number,
                          void (*fn)(const jz_feed_row *r, void *arg), void *arg, jz_error *err)
{
    person_rows p = {id_number, fn, arg};
    return jz__sq_each(impl,
                       "SELECT dept, event, name, on_date, amount, level, code, line"
                       " FROM feed_rows WHERE id_number = ? ORDER BY on_date, row",
                       0, id_number, person_row, &p, "查询部门数据", err);
}
