/*
 * sqlite_util.c - the small helpers every file of the SQLite backend uses:
 * errors in jiuzhu's terms, running SQL, the time, copying text.  They call
 * nothing else of the store, so that the backend's files depend on them
 * and never on one another's entry points (docs/registry.md "Layers").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sqlite_int.h"

void jz__sq_remove_files(const char *path)
{
    static const char *const ends[] = {"", "-wal", "-shm", "-journal", "-lock"};
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        char *f = sqlite3_mprintf("%s%s", path, ends[i]);
        if (f)
            unlink(f);
        sqlite3_free(f);
    }
}

jz_err jz__sq_busy_error(sq *q, jz_error *err)
{
    return jz_error_set(err, JZ_EBUSY, "database", NULL,
                        "数据库正忙：另一项写入（如导入、批量认定、监测或另一位用户的操作）"
                        "占用数据库，等待 %ld 秒后仍未轮到；本次未写入任何内容，稍后重试是安全的"
                        "（等待上限可用环境变量 JIUZHU_BUSY_TIMEOUT 设定，单位秒）",
                        (q->busy_limit_ms + 999) / 1000);
}

jz_err jz__sq_error(sq *q, jz_error *err, const char *what)
{
    int code = sqlite3_errcode(q->db) & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return jz__sq_busy_error(q, err);
    return jz_error_set(err, JZ_EIO, NULL, NULL, "数据库错误（%s）：%s", what,
                        sqlite3_errmsg(q->db));
}

jz_err jz__sq_exec(sq *q, const char *sql, jz_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(q->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int code = sqlite3_errcode(q->db) & 0xff;
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
            sqlite3_free(msg);
            return jz__sq_busy_error(q, err);
        }
        jz_err rc = jz_error_set(err, JZ_EIO, NULL, NULL, "数据库错误：%s", msg ? msg : "?");
        sqlite3_free(msg);
        return rc;
    }
    return JZ_OK;
}


jz_err jz__sq_each(sq *q, const char *sql, int64_t key, const char *key_text,
                   void (*row)(sqlite3_stmt *st, void *arg), void *arg, const char *what,
                   jz_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, what);
    if (key_text)
        sqlite3_bind_text(st, 1, key_text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 1, key);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        row(st, arg);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, what);
}

jz_err jz__sq_end(sq *q, sqlite3_stmt *st, int s, const char *what, jz_error *err)
{
    jz_err rc = s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, what);
    jz__sq_done(q, st);
    return rc;
}

jz_err jz__sq_cached(sq *q, const char *sql, sqlite3_stmt **st, const char *what, jz_error *err)
{
    for (int i = 0; i < q->n_stmts; i++)
        if (q->stmts[i].sql == sql) {
            *st = q->stmts[i].st;
            sqlite3_reset(*st);
            sqlite3_clear_bindings(*st);
            return JZ_OK;
        }
    int n = (int)(sizeof q->stmts / sizeof q->stmts[0]);
    if (sqlite3_prepare_v3(q->db, sql, -1, q->n_stmts < n ? SQLITE_PREPARE_PERSISTENT : 0, st,
                           NULL) != SQLITE_OK) {
        *st = NULL;
        return jz__sq_error(q, err, what);
    }
    if (q->n_stmts < n) {
        q->stmts[q->n_stmts].sql = sql;
        q->stmts[q->n_stmts].st = *st;
        q->n_stmts++;
    }
    return JZ_OK;
}

void jz__sq_done(sq *q, sqlite3_stmt *st)
{
    if (!st)
        return;
    for (int i = 0; i < q->n_stmts; i++)
        if (q->stmts[i].st == st) {
            sqlite3_reset(st);
            return;
        }
    sqlite3_finalize(st);
}

jz_err jz__sq_exec1(sq *q, const char *sql, jz_error *err)
{
    sqlite3_stmt *st;
    jz_err rc = jz__sq_cached(q, sql, &st, "执行语句", err);
    if (rc)
        return rc;
    int s = sqlite3_step(st);
    if (s != SQLITE_DONE && s != SQLITE_ROW) {
        int code = sqlite3_extended_errcode(q->db) & 0xff;
        rc = code == SQLITE_BUSY || code == SQLITE_LOCKED
                 ? jz__sq_busy_error(q, err)
                 : jz_error_set(err, JZ_EIO, NULL, NULL, "数据库错误：%s", sqlite3_errmsg(q->db));
    }
    jz__sq_done(q, st);
    return rc;
}

void jz__sq_copy_text(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    if (n >= cap)
        n = cap - 1;
    if (t)
        memcpy(dst, t, n);
    dst[t ? n : 0] = '\0';
}

jz_err jz__sq_get_by_id(sq *q, const char *sql, int64_t id, void (*read)(sqlite3_stmt *, void *),
                        void *out, const char *field, const char *missing, const char *what,
                        jz_error *err)
{
    sqlite3_stmt *st = NULL;
    /* sql is each caller's string literal: prepared once per connection. */
    jz_err rc = jz__sq_cached(q, sql, &st, what, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        read(st, out);
        rc = JZ_OK;
    } else if (s == SQLITE_DONE) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)id);
        rc = jz_error_set(err, JZ_ENOTFOUND, field, v, "%s", missing);
    } else {
        rc = jz__sq_error(q, err, what); /* before the reset, which clears the message */
    }
    jz__sq_done(q, st);
    return rc;
}
