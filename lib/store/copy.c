/*
 * copy.c - a whole store copied from SQLite into a new PostgreSQL database
 * (jz_store_copy): a county's file into the province's database.
 *
 * It is the one place that sees both backends: it reads the SQLite file
 * with SQLite (every table, in one read transaction) and writes with COPY
 * into the PostgreSQL store opened as a copy target (its schema, no key or
 * log of its own), in one transaction.  The audit log is copied as it is,
 * with its key: the chain goes on where it stopped, and an entry
 * `store.copy` records the copy.  The source must verify whole before
 * anything is copied, and every table's rows are counted on both sides
 * after.  The other way, PostgreSQL into a new SQLite file, is copy_back.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "copy_int.h"
#include "pg_int.h"

/* The sequences of the PostgreSQL schema and the columns they number. */
static const struct {
    const char *table, *column;
} sequences[] = {
    {"households", "hh"},       {"runs", "run"},           {"param_values", "pv"},
    {"imports", "import"},      {"cases", "case_id"},      {"case_steps", "step"},
    {"feeds", "feed"},          {"feed_rows", "row"},      {"alerts", "alert"},
    {"alert_steps", "step"},    {"postings", "posting"},   {"grants", "grant_id"},
    {"enrolments", "enrolment"}, {"users", "user_id"},     {"sessions", "session_id"},
    {"access_log", "access_id"}, {"institutions", "institution"}, {"payees", "payee"},
    {"pay_lines", "line"},      {"pay_batches", "batch"},  {"recoveries", "recovery"},
    {"repayments", "repayment"},
};

typedef struct buf {
    char *p;
    size_t n, cap;
    bool nomem;
} buf;

static void put(buf *b, const void *s, size_t n)
{
    if (b->nomem)
        return;
    if (b->n + n > b->cap) {
        size_t nc = b->cap ? 2 * b->cap : 1 << 20;
        while (nc < b->n + n)
            nc *= 2;
        char *g = realloc(b->p, nc);
        if (!g) {
            b->nomem = true;
            return;
        }
        b->p = g;
        b->cap = nc;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

/* One SQLite value in COPY's text format. */
static void put_value(buf *b, sqlite3_stmt *st, int col)
{
    char t[40];
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
        put(b, "\\N", 2);
        break;
    case SQLITE_INTEGER:
        put(b, t, (size_t)snprintf(t, sizeof t, "%lld", (long long)sqlite3_column_int64(st, col)));
        break;
    case SQLITE_FLOAT:
        put(b, t, (size_t)snprintf(t, sizeof t, "%.17g", sqlite3_column_double(st, col)));
        break;
    case SQLITE_BLOB: {
        const unsigned char *p = sqlite3_column_blob(st, col);
        int n = sqlite3_column_bytes(st, col);
        put(b, "\\\\x", 3);
        for (int i = 0; i < n; i++) {
            snprintf(t, sizeof t, "%02x", p[i]);
            put(b, t, 2);
        }
        break;
    }
    default: {
        const char *s = (const char *)sqlite3_column_text(st, col);
        const char *run = s;
        for (const char *c = s; c && *c; c++) {
            const char *esc = *c == '\\' ? "\\\\" : *c == '\t' ? "\\t" : *c == '\n' ? "\\n"
                            : *c == '\r' ? "\\r" : NULL;
            if (!esc)
                continue;
            put(b, run, (size_t)(c - run));
            put(b, esc, 2);
            run = c + 1;
        }
        if (run)
            put(b, run, strlen(run));
    }
    }
}

static jz_err sq_fail(sqlite3 *db, jz_error *err, const char *what)
{
    return jz_error_set(err, JZ_EIO, "database", NULL, "%s失败：%s", what, sqlite3_errmsg(db));
}

/* COPY of buffer b into table with its column list. */
static jz_err copy_in(pg *q, const char *table, const char *cols, const buf *b, jz_error *err)
{
    char sql[4096];
    snprintf(sql, sizeof sql, "COPY %s(%s) FROM STDIN", table, cols);
    PGresult *r = PQexec(q->c, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        jz_err rc = jz__pg_error(q, r, err, "复制数据");
        PQclear(r);
        return rc;
    }
    PQclear(r);
    int ok = 1;
    for (size_t off = 0; ok && off < b->n; off += 1 << 20) {
        size_t n = b->n - off < (1u << 20) ? b->n - off : 1u << 20;
        ok = PQputCopyData(q->c, b->p + off, (int)n) == 1;
    }
    ok = PQputCopyEnd(q->c, ok ? NULL : "jiuzhu: 复制中断") == 1 && ok;
    jz_err rc = JZ_OK;
    while ((r = PQgetResult(q->c)) != NULL) {
        if (!rc && PQresultStatus(r) != PGRES_COMMAND_OK)
            rc = jz__pg_error(q, r, err, "复制数据");
        PQclear(r);
    }
    return rc;
}

/* One table: its rows read in SQLite's order, written with one COPY
 * (the meta table's rows that the new database has already are kept). */
static jz_err copy_table(sqlite3 *db, pg *q, const char *table, int64_t *rows, jz_error *err)
{
    char sql[4096], cols[2048] = "";
    snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s') ORDER BY cid", table);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(db, err, "读取表结构");
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        n += (size_t)snprintf(cols + n, sizeof cols - n, "%s%s", n ? ", " : "",
                              (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    bool meta = strcmp(table, "meta") == 0;
    snprintf(sql, sizeof sql, "SELECT %s FROM \"%s\"%s", cols, table,
             meta ? " WHERE key NOT IN ('schema_version', 'backend')" : "");
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(db, err, "读取数据");
    int ncol = sqlite3_column_count(st);
    bool partitioned = false;
    for (int i = 0; jz__pg_partitioned[i]; i++)
        partitioned |= strcmp(jz__pg_partitioned[i], table) == 0;
    int county_col = -1;
    for (int i = 0; i < ncol; i++)
        if (strcmp(sqlite3_column_name(st, i), "county") == 0)
            county_col = i;
    buf b = {0};
    jz_err rc = JZ_OK;
    int s;
    *rows = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW && !rc) {
        if (partitioned && county_col >= 0) {
            const char *c = (const char *)sqlite3_column_text(st, county_col);
            if (c && strlen(c) == 6)
                rc = jz__pg_county(q, c, err);
        }
        for (int i = 0; i < ncol; i++) {
            if (i)
                put(&b, "\t", 1);
            put_value(&b, st, i);
        }
        put(&b, "\n", 1);
        (*rows)++;
        if (b.n >= (64u << 20) && !rc) { /* a large table: in parts */
            rc = b.nomem ? jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足")
                         : copy_in(q, table, cols, &b, err);
            b.n = 0;
        }
    }
    if (!rc && s != SQLITE_DONE)
        rc = sq_fail(db, err, "读取数据");
    sqlite3_finalize(st);
    if (!rc && b.nomem)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (!rc && b.n)
        rc = copy_in(q, table, cols, &b, err);
    free(b.p);
    return rc;
}

int64_t jz__copy_pg_count(pg *q, const char *table, const char *where, jz_error *err,
                          jz_err *rc)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"%s", table, where);
    PGresult *r = PQexec(q->c, sql);
    int64_t n = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK)
        n = jz__pg_int(r, 0, 0);
    else
        *rc = jz__pg_error(q, r, err, "核对行数");
    PQclear(r);
    return n;
}

/* The source's audit key, written where the new store keeps its own. */
static jz_err copy_key(const char *from_path, pg *q, jz_error *err)
{
    char src[4096];
    jz__audit_key_path(from_path, src, sizeof src);
    /* The same key there already ($JIUZHU_AUDIT_KEY names one file for
     * both): nothing to write. */
    jz__audit_keys a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    snprintf(a.path, sizeof a.path, "%s", src);
    snprintf(b.path, sizeof b.path, "%s", q->k.path);
    jz_error kerr;
    bool same = jz__audit_key_load(&a, &kerr) == JZ_OK && jz__audit_key_load(&b, &kerr) == JZ_OK &&
                strcmp(a.id, b.id) == 0;
    sodium_memzero(&a, sizeof a);
    sodium_memzero(&b, sizeof b);
    if (same)
        return jz__audit_key_load(&q->k, err);
    FILE *f = fopen(src, "rb");
    if (!f)
        return jz_error_set(err, JZ_ENOTFOUND, "audit_key", src,
                            "找不到源数据库的审计密钥文件，不能复制（审计日志须带密钥继续）");
    char text[130];
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    char dir[sizeof q->k.path];
    snprintf(dir, sizeof dir, "%s", q->k.path);
    for (char *c = dir + 1; *c; c++)
        if (*c == '/') {
            *c = '\0';
            mkdir(dir, 0700);
            *c = '/';
        }
    int fd = open(q->k.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    jz_err rc = JZ_OK;
    if (fd < 0 || write(fd, text, n) != (ssize_t)n || fsync(fd) != 0)
        rc = jz_error_set(err, JZ_EIO, "audit_key", q->k.path, "无法写入审计密钥文件：%s",
                          strerror(errno));
    if (fd >= 0)
        close(fd);
    sodium_memzero(text, sizeof text);
    return rc ? rc : jz__audit_key_load(&q->k, err);
}

jz_err jz_store_copy(const char *from, const char *to, jz_copy_report *rep, jz_error *err)
{
    memset(rep, 0, sizeof *rep);
    if (jz_store_is_pg(from) && !jz_store_is_pg(to))
        return jz__store_copy_back(from, to, rep, err);
    if (!jz_store_is_pg(to))
        return jz_error_set(err, JZ_EUSAGE, "to", to,
                            "只能在 SQLite 数据库文件与 PostgreSQL（postgresql:// 地址）之间复制："
                            "从 SQLite 到 PostgreSQL，或从 PostgreSQL 到新的 SQLite 文件");
    /* The source: the current schema, and a log that verifies whole. */
    jz_store *src = NULL;
    jz_err rc = jz_store_open(from, JZ_STORE_READONLY, &src, err);
    if (rc)
        return rc;
    if (jz__store_ops(src) != &jz__sqlite_ops) {
        jz_store_close(src);
        return jz_error_set(err, JZ_EUSAGE, "from", from, "源须是 SQLite 数据库文件");
    }
    if (jz_store_schema_version(src) != JZ_STORE_SCHEMA_VERSION) {
        jz_store_close(src);
        return jz_error_set(err, JZ_EINPUT, "from", from,
                            "源数据库的结构版本不是当前版本：先用本程序写入一次（升级）再复制");
    }
    rc = jz_store_audit_verify(src, &rep->source_audit, err);
    const char *path = jz_store_where(src);
    char src_path[4096];
    snprintf(src_path, sizeof src_path, "%s", path);
    jz_store_close(src);
    if (rc)
        return rc;
    if (rep->source_audit.bad_seq || rep->source_audit.data_problems)
        return jz_error_set(err, JZ_EINPUT, "from", from,
                            "源数据库的审计日志校验不通过（%s），不复制：先用 jiuzhu audit verify 查明",
                            rep->source_audit.problem[0] ? rep->source_audit.problem : "数据与日志不符");
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(src_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = sq_fail(db, err, "打开源数据库");
        sqlite3_close(db);
        return rc;
    }
    jz_store *dst = NULL;
    if ((rc = jz_store_open(to, JZ_STORE_CREATE | JZ__STORE_COPY_TARGET, &dst, err))) {
        sqlite3_close(db);
        return rc;
    }
    pg *q = jz__store_impl(dst);
    if ((rc = copy_key(src_path, q, err)))
        goto out;
    /* One read snapshot of the source; one transaction on the target. */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        rc = sq_fail(db, err, "读取源数据库");
        goto out;
    }
    if ((rc = jz__pg_exec(q, "BEGIN", err)))
        goto out;
    q->in_tx = true;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT name FROM sqlite_master WHERE type = 'table'"
                           " AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = sq_fail(db, err, "读取表");
        goto out;
    }
    while (!rc && sqlite3_step(st) == SQLITE_ROW && rep->n < JZ_COPY_TABLES_MAX) {
        jz_copy_table *t = &rep->tables[rep->n++];
        snprintf(t->name, sizeof t->name, "%s", (const char *)sqlite3_column_text(st, 0));
        rc = copy_table(db, q, t->name, &t->rows_from, err);
        rep->rows += t->rows_from;
        /* The households' directory at once: cases and enrolments, copied
         * later, refer to it. */
        if (!rc && strcmp(t->name, "households") == 0)
            rc = jz__pg_exec(
                q, "INSERT INTO household_ids SELECT household_id, county, hh FROM households",
                err);
    }
    sqlite3_finalize(st);
    /* What else only PostgreSQL has: the other directories, the chain's
     * head, the sequences past the copied keys. */
    if (!rc)
        rc = jz__pg_exec(q,
                         "INSERT INTO person_ids SELECT id_number, county, hh FROM members;"
                         "INSERT INTO feed_digests SELECT digest, county FROM feed_rows;"
                         "INSERT INTO alert_keys SELECT key, county FROM alerts;"
                         "UPDATE audit_head SET seq = a.seq, hash = a.hash FROM"
                         " (SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1) a;",
                         err);
    for (size_t i = 0; !rc && i < sizeof sequences / sizeof sequences[0]; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT setval('%s_%s_seq', COALESCE(max(%s), 0) + 1, false) FROM %s",
                 sequences[i].table, sequences[i].column, sequences[i].column, sequences[i].table);
        rc = jz__pg_exec(q, sql, err);
    }
    /* Every table's rows counted on both sides (meta: the source's own
     * version rows are the target's). */
    for (int i = 0; !rc && i < rep->n; i++) {
        jz_copy_table *t = &rep->tables[i];
        t->rows_to = jz__copy_pg_count(q, t->name, "", err, &rc);
        if (strcmp(t->name, "meta") == 0)
            t->rows_to -= 2;
        if (!rc && t->rows_to != t->rows_from)
            rc = jz_error_set(err, JZ_EIO, "table", t->name,
                              "复制后行数不符（源 %lld 行，目标 %lld 行），未提交",
                              (long long)t->rows_from, (long long)t->rows_to);
    }
    if (!rc) {
        char after[512];
        snprintf(after, sizeof after, "{\"from\":\"sqlite\",\"tables\":%d,\"rows\":%lld}", rep->n,
                 (long long)rep->rows);
        rc = jz__pg_audit(q, "", "store.copy", "store", "", after, err);
    }
    if (!rc)
        rc = jz__pg_audit_commit(q, err);
    if (!rc)
        rc = jz__pg_exec(q, "COMMIT", err);
    if (!rc) {
        q->in_tx = false;
        q->queued = false;
    }
    if (!rc) /* chains the copy's own entry, then reads the chain whole */
        rc = jz_store_audit_verify(dst, &rep->target_audit, err);
out:
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    if (rc && q && q->in_tx) {
        jz__pg_exec(q, "ROLLBACK", NULL);
        q->in_tx = false;
    }
    jz_store_close(dst);
    return rc;
}
