/*
 * copy_back.c - a whole store copied from PostgreSQL into a new SQLite file
 * (jz_store_copy the other way): the province's database, or a county's
 * copy of it, back into the embedded form.
 *
 * Everything is copied: every county the database holds (an SQLite file
 * holds several as well).  One county alone is not offered: the audit log
 * is one chain over all counties, and a county's part of it would not
 * verify as a chain.
 *
 *  1. The source is read in one REPEATABLE READ snapshot, and its audit
 *     log verified in that snapshot before anything is written: what is
 *     copied is what was verified.
 *  2. The file is made under a temporary name beside the target
 *     (TARGET.copy-PID.tmp) by the SQLite backend itself (its schema at the
 *     current version), with the source's audit key placed where the file
 *     keeps its key first, so that nothing of a key of its own is made.
 *  3. Every table is emptied and filled from the source in one SQLite
 *     transaction, on a connection of its own with triggers off (the log's
 *     append-only triggers would refuse its own rows): a cursor per table,
 *     fetched in binary in slices of 5000 rows, written with one prepared
 *     INSERT.  PostgreSQL's own tables (the directories household_ids,
 *     person_ids, feed_digests and alert_keys, the chain's head audit_head,
 *     its queue audit_queue, empty in the snapshot copied) are left: SQLite has unique indexes and reads the head from the log.
 *     Any other table that SQLite does not have stops the copy.  Keys are copied as they are; SQLite
 *     numbers new rows after the largest (no table is AUTOINCREMENT), so no
 *     sequence needs carrying over.  meta keeps the new file's version row.
 *     Foreign keys are checked, and every table's rows counted on both
 *     sides, before the commit.
 *  4. The copied log is verified on the new file: its chain must be whole;
 *     whether the rows still match the data fingerprints sealed while the
 *     store was on SQLite is reported (data_as_logged: PostgreSQL seals
 *     none, so anything written there makes them differ).  Then the chain
 *     goes on: an entry audit.rebase seals every table's fingerprint from
 *     the rows as copied, and an entry store.copy records the copy; the
 *     file must then verify whole, data included.
 *  5. The file is synced and renamed to the target (its key first), the
 *     directory synced: the target appears whole or not at all.  On any
 *     failure the temporary file, its side files and the key written are
 *     removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "copy_int.h"
#include "pg_int.h"
#include "sqlite_int.h"

/* PostgreSQL's type oids of the columns jiuzhu's schema uses. */
enum {
    OID_BOOL = 16,
    OID_BYTEA = 17,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_TEXT = 25,
    OID_FLOAT4 = 700,
    OID_FLOAT8 = 701,
    OID_BPCHAR = 1042,
    OID_VARCHAR = 1043,
};

/* Rows fetched from the cursor at a time. */
#define FETCH_ROWS 5000
#define FETCH_SQL "FETCH 5000 FROM jz_copy_back"

/* The tables only the PostgreSQL backend has. */
static bool pg_only(const char *name)
{
    return strcmp(name, "household_ids") == 0 || strcmp(name, "person_ids") == 0 ||
           strcmp(name, "feed_digests") == 0 || strcmp(name, "alert_keys") == 0 ||
           strcmp(name, "audit_head") == 0 || strcmp(name, "audit_queue") == 0;
}

/* The meta rows each backend keeps of its own (the version, which backend;
 * the chain's head, written again from the log). */
#define META_OWN "key NOT IN ('schema_version', 'backend', 'audit_head')"

static jz_err sq_fail(sqlite3 *db, jz_error *err, const char *what, const char *table)
{
    return jz_error_set(err, JZ_EIO, table ? "table" : "database", table, "%s失败：%s", what,
                        sqlite3_errmsg(db));
}

static uint64_t be_get(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* Binds cell (row, col) of a binary result to parameter i of st, as the
 * SQLite store has it: bigint an integer, text text, bytea a blob. */
static bool bind_cell(sqlite3_stmt *st, int i, const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return sqlite3_bind_null(st, i) == SQLITE_OK;
    const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, col);
    int n = PQgetlength(r, row, col);
    switch (PQftype(r, col)) {
    case OID_INT8:
        return n == 8 && sqlite3_bind_int64(st, i, (int64_t)be_get(p, 8)) == SQLITE_OK;
    case OID_INT4:
        return n == 4 && sqlite3_bind_int64(st, i, (int32_t)(uint32_t)be_get(p, 4)) == SQLITE_OK;
    case OID_INT2:
        return n == 2 && sqlite3_bind_int64(st, i, (int16_t)(uint16_t)be_get(p, 2)) == SQLITE_OK;
    case OID_BOOL:
        return n == 1 && sqlite3_bind_int64(st, i, p[0] != 0) == SQLITE_OK;
    case OID_FLOAT8: {
        uint64_t u = be_get(p, 8);
        double d;
        memcpy(&d, &u, sizeof d);
        return n == 8 && sqlite3_bind_double(st, i, d) == SQLITE_OK;
    }
    case OID_FLOAT4: {
        uint32_t u = (uint32_t)be_get(p, 4);
        float f;
        memcpy(&f, &u, sizeof f);
        return n == 4 && sqlite3_bind_double(st, i, f) == SQLITE_OK;
    }
    case OID_TEXT:
    case OID_VARCHAR:
    case OID_BPCHAR:
        return sqlite3_bind_text(st, i, (const char *)p, n, SQLITE_TRANSIENT) == SQLITE_OK;
    case OID_BYTEA:
        /* A zero-length blob, not NULL: p is "" then. */
        return sqlite3_bind_blob(st, i, p, n, SQLITE_TRANSIENT) == SQLITE_OK;
    default:
        return false;
    }
}

static int64_t sq_count(sqlite3 *db, const char *table, const char *where, jz_error *err,
                        jz_err *rc)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"%s", table, where);
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    else
        *rc = sq_fail(db, err, "核对行数", table);
    sqlite3_finalize(st);
    return n;
}

/* One table: emptied in the new file, then its rows from the source's
 * snapshot in key order, through a cursor fetched in binary. */
static jz_err copy_table(pg *q, sqlite3 *db, const char *table, int64_t *rows, jz_error *err)
{
    char cols[4096] = "", order[1024] = "", marks[1024] = "", sql[8192];
    size_t nc = 0, no = 0, nm = 0;
    int ncol = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid", -1, &st,
                           NULL) != SQLITE_OK)
        return sq_fail(db, err, "读取表结构", table);
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    /* The key's columns in key order: pk is each one's place in it. */
    const char *pkcol[8] = {0};
    char names[64][64];
    while (ncol < 64 && nc < sizeof cols && nm < sizeof marks && sqlite3_step(st) == SQLITE_ROW) {
        snprintf(names[ncol], sizeof names[ncol], "%s", (const char *)sqlite3_column_text(st, 0));
        nc += (size_t)snprintf(cols + nc, sizeof cols - nc, "%s\"%s\"", ncol ? ", " : "",
                               names[ncol]);
        nm += (size_t)snprintf(marks + nm, sizeof marks - nm, "%s?", ncol ? "," : "");
        int pk = sqlite3_column_int(st, 1);
        if (pk >= 1 && pk <= 8)
            pkcol[pk - 1] = names[ncol];
        ncol++;
    }
    sqlite3_finalize(st);
    if (ncol == 0 || ncol >= 64 || nc >= sizeof cols || nm >= sizeof marks)
        return jz_error_set(err, JZ_EIO, "table", table, "表的列无法读取或太多（%d 列）", ncol);
    for (int i = 0; i < 8 && pkcol[i]; i++)
        no += (size_t)snprintf(order + no, sizeof order - no, "%s\"%s\"", i ? ", " : " ORDER BY ",
                               pkcol[i]);
    bool meta = strcmp(table, "meta") == 0;
    snprintf(sql, sizeof sql, "DELETE FROM \"%s\"%s", table, meta ? " WHERE " META_OWN : "");
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sq_fail(db, err, "清空新文件的表", table);
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\"(%s) VALUES(%s)", table, cols, marks);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(db, err, "准备写入", table);
    snprintf(sql, sizeof sql, "DECLARE jz_copy_back NO SCROLL CURSOR FOR SELECT %s FROM \"%s\"%s%s",
             cols, table, meta ? " WHERE " META_OWN : "", order);
    jz_err rc = jz__pg_exec(q, sql, err);
    *rows = 0;
    for (bool more = !rc; more;) {
        PGresult *r = PQexecParams(q->c, FETCH_SQL, 0, NULL, NULL, NULL, NULL, 1);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            rc = jz__pg_error(q, r, err, "读取源数据");
            PQclear(r);
            break;
        }
        int n = PQntuples(r);
        more = n == FETCH_ROWS;
        if (n && PQnfields(r) != ncol)
            rc = jz_error_set(err, JZ_EIO, "table", table, "源表的列数（%d）与 SQLite 的（%d）不符",
                              PQnfields(r), ncol);
        for (int i = 0; i < n && !rc; i++) {
            for (int c = 0; c < ncol && !rc; c++)
                if (!bind_cell(st, c + 1, r, i, c))
                    rc = jz_error_set(err, JZ_EIO, "table", table,
                                      "列 %s 的值无法写入 SQLite（类型 %u）", names[c],
                                      (unsigned)PQftype(r, c));
            if (!rc && sqlite3_step(st) != SQLITE_DONE)
                rc = sq_fail(db, err, "写入数据", table);
            sqlite3_reset(st);
            (*rows)++;
        }
        PQclear(r);
        if (rc)
            more = false;
    }
    sqlite3_finalize(st);
    jz_err crc = jz__pg_exec(q, "CLOSE jz_copy_back", rc ? NULL : err);
    return rc ? rc : crc;
}

/* PostgreSQL's tables that are not partitions: each must be SQLite's too,
 * or one of PostgreSQL's own. */
static jz_err tables_match(pg *q, sqlite3 *db, jz_error *err)
{
    jz_err rc = JZ_OK;
    PGresult *r = PQexec(q->c, "SELECT c.relname FROM pg_class c JOIN pg_namespace n"
                               " ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
                               " AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
                               " ORDER BY 1");
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        rc = jz__pg_error(q, r, err, "读取表");
    sqlite3_stmt *st = NULL;
    if (!rc &&
        sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1,
                           &st, NULL) != SQLITE_OK)
        rc = sq_fail(db, err, "读取表", NULL);
    for (int i = 0; !rc && i < PQntuples(r); i++) {
        const char *name = PQgetvalue(r, i, 0);
        if (pg_only(name))
            continue;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_ROW)
            rc =
                jz_error_set(err, JZ_EINPUT, "table", name,
                             "源数据库有这张表，SQLite 的数据库结构中却没有：不复制（会丢失数据）");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    PQclear(r);
    return rc;
}

/* The rows of every table of the new file from the source, in one SQLite
 * transaction, counted on both sides. */
static jz_err copy_rows(pg *q, const char *tmp, jz_copy_report *rep, jz_error *err)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        jz_err rc = sq_fail(db, err, "打开新文件", NULL);
        sqlite3_close(db);
        return rc;
    }
    jz_err rc = JZ_OK;
    int off = 0;
    if (sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, &off) != SQLITE_OK || off != 0 ||
        sqlite3_exec(db,
                     "PRAGMA foreign_keys = OFF; PRAGMA synchronous = FULL;"
                     " PRAGMA cache_size = -65536; BEGIN IMMEDIATE",
                     NULL, NULL, NULL) != SQLITE_OK)
        rc = sq_fail(db, err, "准备新文件", NULL);
    if (!rc)
        rc = tables_match(q, db, err);
    sqlite3_stmt *st = NULL;
    if (!rc && sqlite3_prepare_v2(db,
                                  "SELECT name FROM sqlite_master WHERE type = 'table'"
                                  " AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
                                  -1, &st, NULL) != SQLITE_OK)
        rc = sq_fail(db, err, "读取表", NULL);
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        if (rep->n == JZ_COPY_TABLES_MAX) {
            rc = jz_error_set(err, JZ_EIO, NULL, NULL, "表太多（超过 %d 张）", JZ_COPY_TABLES_MAX);
            break;
        }
        jz_copy_table *t = &rep->tables[rep->n++];
        snprintf(t->name, sizeof t->name, "%s", (const char *)sqlite3_column_text(st, 0));
        int64_t fetched = 0;
        rc = copy_table(q, db, t->name, &fetched, err);
        rep->rows += fetched;
    }
    sqlite3_finalize(st);
    /* The chain's head, as the SQLite store keeps it beside the log. */
    if (!rc && sqlite3_exec(db,
                            "INSERT OR REPLACE INTO meta(key, value) SELECT 'audit_head',"
                            " printf('%d:%s', seq, lower(hex(hash))) FROM audit"
                            " ORDER BY seq DESC LIMIT 1",
                            NULL, NULL, NULL) != SQLITE_OK)
        rc = sq_fail(db, err, "写入审计日志的最新一条", "meta");
    /* Foreign keys: the rows hold together as they did. */
    if (!rc && sqlite3_prepare_v2(db, "SELECT \"table\", rowid FROM pragma_foreign_key_check", -1,
                                  &st, NULL) != SQLITE_OK)
        rc = sq_fail(db, err, "检查外键", NULL);
    if (!rc) {
        if (sqlite3_step(st) == SQLITE_ROW)
            rc = jz_error_set(err, JZ_EIO, "table", (const char *)sqlite3_column_text(st, 0),
                              "复制后外键不符（第 %lld 行引用的行不存在），未写入目标文件",
                              (long long)sqlite3_column_int64(st, 1));
        sqlite3_finalize(st);
    }
    /* Every table counted on both sides (meta without each side's own rows). */
    for (int i = 0; !rc && i < rep->n; i++) {
        jz_copy_table *t = &rep->tables[i];
        const char *where = strcmp(t->name, "meta") == 0 ? " WHERE " META_OWN : "";
        t->rows_from = jz__copy_pg_count(q, t->name, where, err, &rc);
        if (!rc)
            t->rows_to = sq_count(db, t->name, where, err, &rc);
        if (!rc && t->rows_to != t->rows_from)
            rc = jz_error_set(err, JZ_EIO, "table", t->name,
                              "复制后行数不符（源 %lld 行，目标 %lld 行），未写入目标文件",
                              (long long)t->rows_from, (long long)t->rows_to);
    }
    if (!rc && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = sq_fail(db, err, "提交", NULL);
    if (rc)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    if (sqlite3_close(db) != SQLITE_OK && !rc)
        rc = jz_error_set(err, JZ_EIO, "database", tmp, "无法关闭新文件");
    return rc;
}

/* The source's key where the new file keeps its own (tkey), unless the
 * same key is there already (JIUZHU_AUDIT_KEY names one file for both).
 * A different key at the target's key path (fkey) stops the copy.
 * *written: tkey was made here. */
static jz_err place_key(pg *q, const char *tkey, const char *fkey, bool *written, jz_error *err)
{
    *written = false;
    for (int i = 0; i < 2; i++) {
        const char *path = i ? tkey : fkey;
        jz__audit_keys k;
        memset(&k, 0, sizeof k);
        snprintf(k.path, sizeof k.path, "%s", path);
        jz_error kerr;
        jz_error_clear(&kerr);
        jz_err rc = jz__audit_key_load(&k, &kerr);
        bool same = !rc && strcmp(k.id, q->k.id) == 0;
        sodium_memzero(&k, sizeof k);
        if (rc == JZ_ENOTFOUND)
            continue;
        if (!same)
            return jz_error_set(err, JZ_EINPUT, "audit_key", path,
                                "目标处已有审计密钥文件，且不是源数据库的密钥：不复制（先移走它）");
        if (i)
            return JZ_OK; /* the same key, where the new file reads it */
    }
    char text[130];
    FILE *f = fopen(q->k.path, "rb");
    if (!f)
        return jz_error_set(err, JZ_ENOTFOUND, "audit_key", q->k.path,
                            "找不到源数据库的审计密钥文件，不能复制（审计日志须带密钥继续）");
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    int fd = open(tkey, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    jz_err rc = JZ_OK;
    if (fd < 0 || write(fd, text, n) != (ssize_t)n || fsync(fd) != 0)
        rc = jz_error_set(err, JZ_EIO, "audit_key", tkey, "无法写入审计密钥文件：%s",
                          strerror(errno));
    if (fd >= 0 && close(fd) != 0 && !rc)
        rc = jz_error_set(err, JZ_EIO, "audit_key", tkey, "无法写入审计密钥文件：%s",
                          strerror(errno));
    if (fd >= 0)
        *written = true; /* ours, whole or not: removed on failure */
    sodium_memzero(text, sizeof text);
    return rc;
}

static jz_err sync_path(const char *path, int flags, jz_error *err)
{
    int fd = open(path, flags | O_CLOEXEC);
    jz_err rc = JZ_OK;
    if (fd < 0 || fsync(fd) != 0)
        rc = jz_error_set(err, JZ_EIO, "file", path, "无法写入磁盘：%s", strerror(errno));
    if (fd >= 0)
        close(fd);
    return rc;
}

/* The chain goes on in the new file: the copy's log verified as it came,
 * then sealed afresh and the copy recorded, then verified whole. */
static jz_err seal(const char *tmp, jz_copy_report *rep, jz_error *err)
{
    jz_store *s = NULL;
    jz_err rc = jz_store_open(tmp, 0, &s, err);
    if (rc)
        return rc;
    jz_audit_report *before = &rep->target_audit;
    rc = jz_store_audit_verify(s, before, err);
    if (!rc && before->bad_seq)
        rc =
            jz_error_set(err, JZ_EIO, "audit", NULL,
                         "复制到新文件的审计日志校验不通过（%s），未写入目标文件", before->problem);
    rep->data_as_logged = !rc && before->data_problems == 0 && !before->data_unchecked;
    if (!rc)
        rc = jz_store_begin(s, err);
    if (!rc) {
        /* Every table's fingerprint from the rows as copied (an entry
         * audit.rebase, as after a change of the schema), then the copy. */
        rc = jz__sq_exec(jz__store_impl(s),
                         "SELECT jz_audit_init('store.copy: copied from PostgreSQL')", err);
        char after[256];
        snprintf(after, sizeof after,
                 "{\"data_as_logged\":%s,\"from\":\"postgresql\",\"rows\":%lld,\"tables\":%d}",
                 rep->data_as_logged ? "true" : "false", (long long)rep->rows, rep->n);
        if (!rc)
            rc = jz_store_audit(s, "", "store.copy", "store", "", after, err);
        if (!rc)
            rc = jz_store_commit(s, err);
        if (rc)
            jz_store_rollback(s);
    }
    if (!rc)
        rc = jz_store_audit_verify(s, &rep->target_audit, err);
    if (!rc && (rep->target_audit.bad_seq || rep->target_audit.data_problems))
        rc = jz_error_set(
            err, JZ_EIO, "audit", NULL, "复制后新文件的审计日志校验不通过（%s），未写入目标文件",
            rep->target_audit.problem[0] ? rep->target_audit.problem : rep->target_audit.data);
    jz_store_close(s);
    return rc;
}

jz_err jz__store_copy_back(const char *from, const char *to, jz_copy_report *rep, jz_error *err)
{
    memset(rep, 0, sizeof *rep);
    const char *path = strncmp(to, "sqlite:", 7) == 0 ? to + 7 : to;
    char tmp[3900], tkey[4096], fkey[4096], side[4096];
    if (!path[0] ||
        snprintf(tmp, sizeof tmp, "%s.copy-%ld.tmp", path, (long)getpid()) >= (int)sizeof tmp)
        return jz_error_set(err, JZ_EUSAGE, "to", to, "目标文件名不对");
    /* A new file only: none there, or an empty one (made for it); no
     * SQLite log of an earlier file beside it, which SQLite would apply. */
    struct stat sb;
    if (stat(path, &sb) == 0 && (!S_ISREG(sb.st_mode) || sb.st_size > 0))
        return jz_error_set(err, JZ_EINPUT, "to", path,
                            "目标文件已存在且不是空文件：不复制（只复制到新文件）");
    snprintf(side, sizeof side, "%s-wal", path);
    if (stat(side, &sb) == 0)
        return jz_error_set(
            err, JZ_EINPUT, "to", side,
            "目标旁有 SQLite 的日志文件（-wal），属于另一个数据库：不复制（先移走它）");
    jz__audit_key_path(tmp, tkey, sizeof tkey);
    jz__audit_key_path(path, fkey, sizeof fkey);

    /* The source: current schema, one snapshot, a log that verifies whole
     * in it. */
    jz_store *src = NULL;
    jz_err rc = jz_store_open(from, JZ_STORE_READONLY, &src, err);
    if (rc)
        return rc;
    pg *q = jz__store_impl(src);
    jz_store *dst = NULL;
    bool key_written = false, made = false;
    if (jz_store_schema_version(src) != JZ_STORE_SCHEMA_VERSION) {
        rc = jz_error_set(err, JZ_EINPUT, "from", from,
                          "源数据库的结构版本不是当前版本：先用本程序写入一次（升级）再复制");
        goto out;
    }
    /* Every entry committed so far chained, then the snapshot: it must
     * hold none still queued (a writer committed in between), whose
     * entries the copy would not carry. */
    if ((rc = jz__pg_audit_chain(q, true, err)))
        goto out;
    if ((rc = jz__pg_exec(q, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err)))
        goto out;
    q->in_tx = true;
    PGresult *r = jz__pg_run(q, "SELECT count(*) FROM audit_queue", NULL, "读取审计日志", &rc, err);
    if (!r)
        goto out;
    int64_t queued = jz__pg_int(r, 0, 0);
    PQclear(r);
    if (queued) {
        rc = jz_error_set(err, JZ_EBUSY, "from", from,
                          "源数据库正在写入（%lld 个事务的审计日志尚未入链）：请在无人写入时复制",
                          (long long)queued);
        goto out;
    }
    if ((rc = jz_store_audit_verify(src, &rep->source_audit, err)))
        goto out;
    if (rep->source_audit.bad_seq || rep->source_audit.data_problems) {
        rc = jz_error_set(
            err, JZ_EINPUT, "from", from,
            "源数据库的审计日志校验不通过（%s），不复制：先用 jiuzhu audit verify 查明",
            rep->source_audit.problem[0] ? rep->source_audit.problem : "数据与日志不符");
        goto out;
    }
    /* The new file, under its temporary name, with the source's key. */
    if (stat(tmp, &sb) == 0) {
        rc = jz_error_set(err, JZ_EINPUT, "to", tmp, "临时文件已存在：不复制（先移走它）");
        goto out;
    }
    if ((rc = place_key(q, tkey, fkey, &key_written, err)))
        goto out;
    made = true;
    if ((rc = jz_store_open(tmp, JZ_STORE_CREATE, &dst, err)))
        goto out;
    jz_store_close(dst);
    if ((rc = copy_rows(q, tmp, rep, err)))
        goto out;
    jz__pg_exec(q, "COMMIT", NULL); /* read only: nothing to keep */
    q->in_tx = false;
    if ((rc = seal(tmp, rep, err)))
        goto out;
    /* Whole on disk, then in its place (the key first: a file is never
     * there without it). */
    snprintf(side, sizeof side, "%s-wal", tmp);
    if (stat(side, &sb) == 0 && sb.st_size > 0) {
        rc = jz_error_set(err, JZ_EIO, "file", side, "新文件的日志未能并入文件");
        goto out;
    }
    if ((rc = sync_path(tmp, O_RDONLY, err)))
        goto out;
    bool fkey_was = stat(fkey, &sb) == 0; /* the same key, checked by place_key */
    if (key_written && strcmp(tkey, fkey) != 0 && rename(tkey, fkey) != 0) {
        rc = jz_error_set(err, JZ_EIO, "audit_key", fkey, "无法写入审计密钥文件：%s",
                          strerror(errno));
        goto out;
    }
    if (rename(tmp, path) != 0) {
        rc = jz_error_set(err, JZ_EIO, "to", path, "无法写入目标文件：%s", strerror(errno));
        if (key_written && strcmp(tkey, fkey) != 0 && !fkey_was)
            unlink(fkey); /* moved there just now */
        goto out;
    }
    made = false;
    key_written = false;
    char dir[sizeof side];
    snprintf(dir, sizeof dir, "%s", path);
    rc = sync_path(dirname(dir), O_RDONLY | O_DIRECTORY, err);
out:
    if (q && q->in_tx) {
        jz__pg_exec(q, "ROLLBACK", NULL);
        q->in_tx = false;
    }
    jz_store_close(src);
    /* What was made here and is not the target: removed. */
    if (made) {
        jz__sq_remove_files(tmp);
    } else {
        snprintf(side, sizeof side, "%s-lock", tmp);
        unlink(side);
    }
    if (key_written)
        unlink(tkey);
    return rc;
}
