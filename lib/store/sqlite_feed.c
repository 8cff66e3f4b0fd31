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
