/*
 * sqlite_feed.c - the SQLite backend's department feeds (R-MON-1): rows
 * kept whole, deduplicated by a digest of what they record, so that
 * importing the same file again adds nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sqlite_int.h"

jz_err jz__sq_feed_begin(void *impl, jz_dept dept, const char *path, int64_t *feed, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    char now[32];
    jz__sq_now(now, sizeof now);
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

/* What makes two rows the same event (the name and the line do not). */
static void row_digest(const jz_feed_row *r, unsigned char out[16])
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 16);
    unsigned char head[2 + 4 + 8 + 4] = {r->dept, r->event};
    uint32_t d = (uint32_t)r->date, l = (uint32_t)r->level;
    uint64_t a = (uint64_t)r->amount;
    for (int i = 0; i < 4; i++)
        head[2 + i] = (unsigned char)(d >> (8 * i));
    for (int i = 0; i < 8; i++)
        head[6 + i] = (unsigned char)(a >> (8 * i));
    for (int i = 0; i < 4; i++)
        head[14 + i] = (unsigned char)(l >> (8 * i));
    crypto_generichash_update(&h, head, sizeof head);
    crypto_generichash_update(&h, (const unsigned char *)r->id, strlen(r->id) + 1);
    crypto_generichash_update(&h, (const unsigned char *)r->code, strlen(r->code) + 1);
    crypto_generichash_final(&h, out, 16);
}

jz_err jz__sq_feed_put(void *impl, int64_t feed, const jz_feed_row *r, bool *added,
                       bool *matched, jz_error *err)
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
    unsigned char digest[16];
    row_digest(r, digest);
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
    sqlite3_bind_blob(st, k++, digest, sizeof digest, SQLITE_STATIC);
    s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "写入部门数据");
    *added = sqlite3_changes(q->db) == 1;
    return JZ_OK;
}

jz_err jz__sq_feed_end(void *impl, int64_t feed, const jz_feed_counts *n, jz_error *err)
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
    char after[1200] = "", entity[48];
    if (s == SQLITE_ROW) {
        int dept = sqlite3_column_int(st, 0);
        char path[1024];
        jz__sq_copy_text(path, sizeof path, st, 1);
        json_t *a = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I}", "dept",
                              dept >= 0 && dept < JZ_DEPT_COUNT ? jz_dept_names[dept] : "?",
                              "file", path, "rows", (json_int_t)n->rows, "added",
                              (json_int_t)n->added, "matched", (json_int_t)n->matched, "rejected",
                              (json_int_t)n->rejected);
        char *t = a ? json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        snprintf(after, sizeof after, "%s", t ? t : "");
        free(t);
        json_decref(a);
        sqlite3_step(st); /* finish the statement */
    }
    sqlite3_finalize(st);
    if (s != SQLITE_ROW)
        return jz__sq_error(q, err, "记录部门数据导入");
    snprintf(entity, sizeof entity, "feed:%lld", (long long)feed);
    return jz__sq_audit(q, "", "feed.import", entity, "", after, err);
}

/* ---- monitoring ----------------------------------------------------------------- */

/* Every person of the feeds and every enrolled 特困 person, with what the
 * registry knows and all his rows, ordered by person then date.  A household
 * is enrolled when it has an active enrolment, or when its record says it
 * receives a programme now (`current`, carried over from before jiuzhu). */
_Static_assert(JZ_UNIT_TEKUN == 5 && JZ_UNIT_DIBAO == 0 && JZ_UNIT_DIBAO_EXPENDITURE == 1,
               "monitor_sql reads programme 5 as 特困 and 0, 1 as 低保");

static const char monitor_sql[] =
    "WITH enrolled AS (SELECT DISTINCT household_id FROM enrolments WHERE status <> 2),"
    " tekun AS (SELECT m.id_number FROM enrolments e"
    "   JOIN households h ON h.household_id = e.household_id"
    "   JOIN members m ON m.hh = h.hh AND m.idx = e.member"
    "   WHERE e.programme = 5 AND e.status <> 2),"
    " people AS (SELECT id_number FROM feed_rows UNION SELECT id_number FROM tekun)"
    " SELECT p.id_number, f.row, f.dept, f.event, f.name, f.on_date, f.amount, f.level, f.code,"
    "  f.line, h.household_id, h.county, h.region,"
    "  h.household_id IN enrolled OR h.current_programme <> 0,"
    "  p.id_number IN tekun, m.inc_wage + m.inc_business_net,"
    "  (SELECT max(x.inc_wage + x.inc_business_net) FROM members x WHERE x.hh = m.hh),"
    "  d.income, m.name,"
    "  p.id_number IN tekun AND EXISTS (SELECT 1 FROM enrolments e2"
    "   WHERE e2.household_id = h.household_id AND e2.status <> 2 AND e2.programme IN (0, 1)"
    "   AND e2.persons >= h.n_members)"
    " FROM people p LEFT JOIN feed_rows f ON f.id_number = p.id_number"
    " LEFT JOIN members m ON m.id_number = p.id_number"
    " LEFT JOIN households h ON h.hh = m.hh"
    " LEFT JOIN determinations d ON d.hh = h.hh"
    " WHERE ?1 = '' OR substr(h.region, 1, length(?1)) = ?1"
    " ORDER BY p.id_number, f.on_date, f.row";

jz_err jz__sq_monitor_scan(void *impl, const char *prefix,
                           void (*fn)(const jz_monitor_subject *s, void *arg), void *arg,
                           jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, monitor_sql, -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "读取部门数据");
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    size_t cap = 256, n = 0;
    jz_feed_row *rows = malloc(cap * sizeof *rows);
    int64_t *ids = malloc(cap * sizeof *ids);
    jz_monitor_subject cur;
    memset(&cur, 0, sizeof cur);
    jz_err rc = rows && ids ? JZ_OK : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    int s = SQLITE_DONE;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        if (!id)
            continue;
        if (n > 0 || cur.id[0]) {
            if (strcmp(id, cur.id) != 0) {
                cur.rows = rows;
                cur.row_ids = ids;
                cur.n = n;
                cur.who.id = cur.id;
                fn(&cur, arg);
                memset(&cur, 0, sizeof cur);
                n = 0;
            }
        }
        if (!cur.id[0]) {
            snprintf(cur.id, sizeof cur.id, "%s", id);
            cur.who.in_registry = sqlite3_column_type(st, 10) != SQLITE_NULL;
            jz__sq_copy_text(cur.household_id, sizeof cur.household_id, st, 10);
            jz__sq_copy_text(cur.county, sizeof cur.county, st, 11);
            jz__sq_copy_text(cur.region, sizeof cur.region, st, 12);
            cur.who.enrolled = sqlite3_column_int(st, 13) != 0;
            cur.who.tekun = sqlite3_column_int(st, 14) != 0;
            int64_t own = sqlite3_column_int64(st, 15), top = sqlite3_column_int64(st, 16);
            cur.who.main_earner = cur.who.in_registry && own > 0 && own == top;
            cur.who.yearly_income = sqlite3_column_int64(st, 17);
            jz__sq_copy_text(cur.name, sizeof cur.name, st, 18);
            cur.who.double_enrolled = sqlite3_column_int(st, 19) != 0;
        }
        if (sqlite3_column_type(st, 1) == SQLITE_NULL)
            continue; /* a 特困 person with no row at all */
        if (n == cap) {
            size_t nc = 2 * cap;
            jz_feed_row *g = realloc(rows, nc * sizeof *g);
            if (g)
                rows = g;
            int64_t *h = g ? realloc(ids, nc * sizeof *h) : NULL;
            if (h)
                ids = h;
            if (!g || !h) {
                rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                break;
            }
            cap = nc;
        }
        jz_feed_row *r = &rows[n];
        memset(r, 0, sizeof *r);
        ids[n] = sqlite3_column_int64(st, 1);
        r->dept = (uint8_t)sqlite3_column_int(st, 2);
        r->event = (uint8_t)sqlite3_column_int(st, 3);
        snprintf(r->id, sizeof r->id, "%s", cur.id);
        jz__sq_copy_text(r->name, sizeof r->name, st, 4);
        r->date = sqlite3_column_int(st, 5);
        r->amount = sqlite3_column_int64(st, 6);
        r->level = sqlite3_column_int(st, 7);
        jz__sq_copy_text(r->code, sizeof r->code, st, 8);
        r->line = (long)sqlite3_column_int64(st, 9);
        if (!cur.name[0])
            snprintf(cur.name, sizeof cur.name, "%s", r->name);
        n++;
    }
    if (!rc && s != SQLITE_DONE)
        rc = jz__sq_error(q, err, "读取部门数据");
    if (!rc && cur.id[0]) {
        cur.rows = rows;
        cur.row_ids = ids;
        cur.n = n;
        cur.who.id = cur.id;
        fn(&cur, arg);
    }
    sqlite3_finalize(st);
    free(rows);
    free(ids);
    return rc;
}

#define ALERT_COLUMNS                                                                         \
    "alert, county, region, category, indicator, severity, id_number, name, household_id,"   \
    " dept, amount, detail, evidence, raised_on, due_on, status"

jz_err jz__sq_alert_put(void *impl, jz_stored_alert *a, bool *added, jz_error *err)
{
    sq *q = impl;
    /* The same indicator on the same person's same evidence: one alert. */
    unsigned char key[16];
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, sizeof key);
    crypto_generichash_update(&h, &a->indicator, 1);
    crypto_generichash_update(&h, (const unsigned char *)a->id_number, strlen(a->id_number) + 1);
    crypto_generichash_update(&h, (const unsigned char *)a->evidence, strlen(a->evidence));
    crypto_generichash_final(&h, key, sizeof key);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db,
                           "INSERT OR IGNORE INTO alerts(" ALERT_COLUMNS ", key) VALUES(NULL,?,?,?,"
                           "?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "写入预警");
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
    sqlite3_bind_blob(st, k++, key, sizeof key, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "写入预警");
    *added = sqlite3_changes(q->db) == 1;
    if (*added)
        a->id = sqlite3_last_insert_rowid(q->db);
    return JZ_OK;
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

static char *alert_json(const jz_stored_alert *a)
{
    json_t *o = json_pack("{s:I,s:i,s:i,s:i,s:s,s:s,s:s,s:i,s:s,s:i}", "alert", (json_int_t)a->id,
                          "category", a->category, "indicator", a->indicator, "severity",
                          a->severity, "id_number", a->id_number, "household_id", a->household_id,
                          "detail", a->detail, "status", a->status, "evidence", a->evidence,
                          "due_on", a->due_on);
    char *t = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return t;
}

jz_err jz__sq_alert_update(void *impl, const jz_stored_alert *before, const jz_stored_alert *after,
                           const jz_alert_step *step, jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    char now[32];
    jz__sq_now(now, sizeof now);
    if (sqlite3_prepare_v2(q->db, "UPDATE alerts SET status = ? WHERE alert = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return jz__sq_error(q, err, "更新预警");
    sqlite3_bind_int(st, 1, after->status);
    sqlite3_bind_int64(st, 2, after->id);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "更新预警");
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
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "记录预警处置");
    char *b = alert_json(before), *a = alert_json(after), entity[48], action[32];
    json_t *aj = a ? json_loads(a, 0, NULL) : NULL;
    char d[JZ_DATE_BUF];
    jz_date_format(step->on, d, sizeof d);
    if (aj)
        json_object_set_new(aj, "step",
                            json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "action", step->action, "on",
                                      d, "note", step->note, "outcome", step->outcome, "kind",
                                      step->kind, "amount", (json_int_t)step->amount, "case",
                                      (json_int_t)step->case_id));
    char *full = aj ? json_dumps(aj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    snprintf(entity, sizeof entity, "alert:%lld", (long long)after->id);
    snprintf(action, sizeof action, "alert.%s", step->action);
    jz_err rc = full && b ? jz__sq_audit(q, after->county, action, entity, b, full, err)
                          : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    free(a);
    free(b);
    free(full);
    json_decref(aj);
    return rc;
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
