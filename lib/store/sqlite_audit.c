/*
 * sqlite_audit.c - the SQLite backend's side of the audit log (what it
 * covers: every row of every table; docs/integrity.md).  The log's rules,
 * the key, row digests, fingerprints, the chain's hashes and verifying,
 * are the common layer's (audit_chain.c); this file sees the rows, stores
 * and reads the entries, and scans tables.
 *
 * Rows are seen through SQLite's pre-update hook, on jiuzhu's own
 * connection: every insert, update and delete of every table, including
 * the rows removed by REPLACE and by ON DELETE CASCADE, with no trigger to
 * keep per table and nothing for a new table to forget.  SQLite rolls back
 * a statement that fails after its rows went through the hook, so the
 * changes of a statement are held apart until it ends (seen when the next
 * one starts, on_trace): kept if it changed rows (sqlite3_changes64 > 0),
 * dropped if not.  A transaction can only commit through sq_commit: the
 * commit hook turns any other commit of changed rows into a rollback.  The
 * bulk paths give the digests of the rows they insert from the values they
 * bind (jz__sq_row_*), and a table emptied whole is read once and dropped
 * at once (jz__sq_audit_clear): reading rows back in the hook costs more.
 */
#define SQLITE_ENABLE_PREUPDATE_HOOK /* declares sqlite3_preupdate_*; checked at open */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "audit_chain.h"
#include "sqlite_int.h"

#define CELLS JZ__FP_CELLS
#define DW JZ__FP_DW
typedef jz__fp fp;
typedef jz__abuf buf;
typedef jz__audit_keys keys;

/* ---- rows as the audit log sees them ------------------------------------------- */

enum { KEY_COL = JZ__KEY_COL, KEY_INT2 = JZ__KEY_INT2, KEY_HASH = JZ__KEY_HASH };

typedef struct column {
    char *name;
    bool notnull;
    sqlite3_value *dflt; /* the default of a NOT NULL column, NULL if none */
} column;

typedef struct table {
    char *name;
    const char *seen;  /* the name pointer the pre-update hook last gave */
    const char *named; /* the name pointer a bulk path last gave (jz__sq_row_ready) */
    int ncol;
    column *col;
    int key_kind;
    int npk, pk[8]; /* primary key columns, in key order */
    bool is_meta;
    bool has_hh;    /* a column `hh`: rows can be named by household */
    bool rowid_key; /* its key is the rowid (INTEGER PRIMARY KEY) */
    /* The table's own row key (jz__row_table_key). */
    unsigned char sip[JZ__ROW_KEY_BYTES];
    fp tx, st;           /* what the transaction / the running statement changed */
    uint64_t st_mask[2]; /* cells of st in use */
    bool tx_used, st_used;
} table;

static void put(buf *b, const void *p, size_t n)
{
    jz__abuf_put(b, p, n);
}

/* One value in the common layer's encoding (jz__row_put_*). */
static void put_value(buf *b, sqlite3_value *v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        jz__row_put_int(b, sqlite3_value_int64(v));
        break;
    case SQLITE_FLOAT:
        jz__row_put_real(b, sqlite3_value_double(v));
        break;
    case SQLITE_TEXT: {
        const unsigned char *t = sqlite3_value_text(v);
        jz__row_put_text(b, t, (size_t)sqlite3_value_bytes(v));
        break;
    }
    case SQLITE_BLOB: {
        size_t n = (size_t)sqlite3_value_bytes(v);
        jz__row_put_blob(b, sqlite3_value_blob(v), n);
        break;
    }
    default:
        jz__row_put_null(b);
    }
}

static void digest(const table *t, const buf *b, uint64_t d[DW])
{
    jz__row_digest(t->sip, b->p, b->n, d);
}

/* The row's key in the fingerprint (what names it when it differs): the
 * integer primary key, two small integer key columns packed, or a hash of
 * the key columns. */
static uint64_t row_key(const table *t, sqlite3_value **v)
{
    if (t->key_kind == KEY_COL)
        return (uint64_t)sqlite3_value_int64(v[t->pk[0]]);
    uint64_t key;
    if (t->key_kind == KEY_INT2 &&
        jz__row_key_int2(sqlite3_value_int64(v[t->pk[0]]), sqlite3_value_int64(v[t->pk[1]]), &key))
        return key;
    buf kb = {0};
    for (int i = 0; i < t->npk; i++)
        put_value(&kb, v[t->pk[i]]);
    if (!t->npk)
        for (int i = 0; i < t->ncol; i++)
            put_value(&kb, v[i]);
    key = jz__row_key_hash(&kb);
    free(kb.p);
    return key;
}

/* Digest and key of a row given as values (one per column); false when the
 * row is not covered (meta's audit_head, which names the newest entry). */
static bool row(const table *t, sqlite3_value **v, buf *b, uint64_t d[DW], uint64_t *key)
{
    if (t->is_meta && sqlite3_value_type(v[0]) == SQLITE_TEXT &&
        strcmp((const char *)sqlite3_value_text(v[0]), "audit_head") == 0)
        return false;
    b->n = 0;
    for (int i = 0; i < t->ncol; i++)
        put_value(b, v[i]);
    digest(t, b, d);
    *key = row_key(t, v);
    return true;
}

/* ---- tables ----------------------------------------------------------------------- */

typedef struct tables {
    table **t;
    size_t n;
} tables;

static void table_free(table *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->ncol; i++) {
        free(t->col[i].name);
        sqlite3_value_free(t->col[i].dflt);
    }
    free(t->col);
    free(t->name);
    free(t);
}

static void tables_clear(tables *ts)
{
    for (size_t i = 0; i < ts->n; i++)
        table_free(ts->t[i]);
    free(ts->t);
    ts->t = NULL;
    ts->n = 0;
}

static table *tables_find(const tables *ts, const char *name)
{
    for (size_t i = 0; i < ts->n; i++)
        if (strcmp(ts->t[i]->name, name) == 0)
            return ts->t[i];
    return NULL;
}

/* Whether the table is covered: all but SQLite's own, the log, and when
 * each session was last used (session_seen, migration 6: touched once a
 * minute per session in use; what opens and ends sessions is covered). */
static bool covered(const char *name)
{
    return strncmp(name, "sqlite_", 7) != 0 && strcmp(name, "audit") != 0 &&
           strcmp(name, "session_seen") != 0;
}

static jz_err db_error(sqlite3 *db, jz_error *err, const char *what)
{
    return jz_error_set(err, JZ_EIO, NULL, NULL, "数据库错误（%s）：%s", what, sqlite3_errmsg(db));
}

/* The columns and key of one table, from the schema. */
static jz_err table_load(sqlite3 *db, const char *name, bool without_rowid, const keys *k,
                         table **out, jz_error *err)
{
    table *t = calloc(1, sizeof *t);
    sqlite3_stmt *st = NULL;
    jz_err rc = JZ_OK;
    if (!t || !(t->name = strdup(name))) {
        free(t);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    t->is_meta = strcmp(name, "meta") == 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT name, upper(type), \"notnull\", dflt_value, pk"
                           " FROM pragma_table_info(?1) ORDER BY cid",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(db, err, "读取表结构");
        goto done;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int s, cap = 0, pkpos[8] = {0}, ints = 0;
    bool int_key = true;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (t->ncol == cap) {
            cap = cap ? 2 * cap : 16;
            column *nc = realloc(t->col, (size_t)cap * sizeof *nc);
            if (!nc) {
                rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                goto done;
            }
            t->col = nc;
        }
        column *c = &t->col[t->ncol];
        memset(c, 0, sizeof *c);
        c->name = strdup((const char *)sqlite3_column_text(st, 0));
        if (!c->name) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            goto done;
        }
        t->ncol++;
        c->notnull = sqlite3_column_int(st, 2) != 0;
        if (strcmp(c->name, "hh") == 0)
            t->has_hh = true;
        int pk = sqlite3_column_int(st, 4);
        if (pk > 0 && pk <= 8) {
            t->pk[pk - 1] = t->ncol - 1;
            pkpos[pk - 1] = 1;
            if (pk > t->npk)
                t->npk = pk;
            const char *type = (const char *)sqlite3_column_text(st, 1);
            if (!type || strcmp(type, "INTEGER") != 0)
                int_key = false;
            else
                ints++;
        }
        /* Rows stored before an ALTER TABLE ADD COLUMN have no value for the
         * column; SQLite 3.40's pre-update hook gives NULL for it where a
         * SELECT gives the default.  A NOT NULL column cannot hold NULL, so
         * there the hook's NULL is read as the default. */
        if (c->notnull && sqlite3_column_type(st, 3) != SQLITE_NULL) {
            char sql[512];
            sqlite3_stmt *dv = NULL;
            snprintf(sql, sizeof sql, "SELECT %s", (const char *)sqlite3_column_text(st, 3));
            if (sqlite3_prepare_v2(db, sql, -1, &dv, NULL) == SQLITE_OK &&
                sqlite3_step(dv) == SQLITE_ROW)
                c->dflt = sqlite3_value_dup(sqlite3_column_value(dv, 0));
            sqlite3_finalize(dv);
        }
    }
    if (s != SQLITE_DONE) {
        rc = db_error(db, err, "读取表结构");
        goto done;
    }
    for (int i = 0; i < t->npk; i++)
        if (!pkpos[i])
            int_key = false;
    if (t->npk == 1 && int_key && (without_rowid || ints == 1)) {
        t->key_kind = KEY_COL; /* INTEGER PRIMARY KEY (the rowid), or one integer key */
        t->rowid_key = !without_rowid;
    } else if (t->npk == 2 && int_key)
        t->key_kind = KEY_INT2;
    else
        t->key_kind = KEY_HASH;
    if (k && k->have)
        jz__row_table_key(k, name, t->ncol, t->sip);
done:
    sqlite3_finalize(st);
    if (rc) {
        table_free(t);
        return rc;
    }
    *out = t;
    return JZ_OK;
}

static jz_err tables_load(sqlite3 *db, const keys *k, tables *ts, jz_error *err)
{
    sqlite3_stmt *st = NULL;
    tables_clear(ts);
    if (sqlite3_prepare_v2(db,
                           "SELECT name, wr FROM pragma_table_list WHERE schema = 'main'"
                           " AND type = 'table' ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, err, "读取表结构");
    jz_err rc = JZ_OK;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!covered(name))
            continue;
        table *t = NULL;
        table **nt = realloc(ts->t, (ts->n + 1) * sizeof *nt);
        if (!nt) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            break;
        }
        ts->t = nt;
        if ((rc = table_load(db, name, sqlite3_column_int(st, 1) != 0, k, &t, err)))
            break;
        ts->t[ts->n++] = t;
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_error(db, err, "读取表结构");
    sqlite3_finalize(st);
    return rc;
}

/* The fingerprint of a table as it is now; *rows counts them. */
static jz_err table_scan(sqlite3 *db, const table *t, fp *f, int64_t *rows, jz_error *err)
{
    char sql[200];
    sqlite3_stmt *st = NULL;
    buf b = {0};
    sqlite3_value *stackv[64], **v = stackv;
    memset(f, 0, sizeof *f);
    char *qn = sqlite3_mprintf("%w", t->name);
    snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", qn ? qn : "");
    sqlite3_free(qn);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(db, err, "读取数据");
    if (sqlite3_column_count(st) != t->ncol) {
        sqlite3_finalize(st);
        return jz_error_set(err, JZ_EIO, "table", t->name, "表结构在读取时改变");
    }
    if (t->ncol > 64 && !(v = malloc((size_t)t->ncol * sizeof *v))) {
        sqlite3_finalize(st);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        uint64_t d[DW], key;
        for (int i = 0; i < t->ncol; i++)
            v[i] = sqlite3_column_value(st, i);
        if (row(t, v, &b, d, &key)) {
            jz__fp_put(f, NULL, +1, key, d);
            ++*rows;
        }
    }
    jz_err rc = s == SQLITE_DONE ? JZ_OK : db_error(db, err, "读取数据");
    if (!rc && b.oom)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    f->added = f->removed = 0;
    sqlite3_finalize(st);
    if (v != stackv)
        free(v);
    free(b.p);
    return rc;
}

/* ---- the connection's state --------------------------------------------------------- */

struct jz__sq_audit {
    sq *q;
    sqlite3 *db;
    keys k;
    /* Why jz_audit_init() last failed, as it was said (SQLite passes on
     * only its text): jz__sq_audit_init_error. */
    jz_err init_rc;
    jz_error init_err;
    bool on;    /* the chain is keyed: every change is tracked */
    bool blind; /* rows changed that could not be tracked */
    char blind_why[200];
    tables ts;
    table **st_list; /* tables with changes from the running statement */
    size_t n_st, cap_st;
    buf b;
    table *last;
    const char *main_name;
    /* The transaction's latest entry, held back until the next one or the
     * commit, so that the last entry of a transaction carries what the
     * transaction changed in the tables (jz__sq_audit_commit). */
    struct {
        bool held;
        char *f[7]; /* county, at, actor, action, entity, before, after */
    } last_entry;
    void *stmt; /* the statement running, its steps before this run and its runs */
    int stmt_steps, stmt_runs;
    /* A row bound by a bulk path (jz__sq_row_*): its digest, computed from
     * the values in hand, waiting for its INSERT to reach the hook. */
    struct {
        buf b;            /* the encoding, from byte `first ? 11 : 0` */
        int64_t ints[64]; /* the integer values, by column, for the key */
        int first;        /* 1: column 0 is the rowid SQLite gives it */
        int cols;         /* columns bound (from `first`); the hook reads the rest */
        table *t;         /* the table named by the caller */
        bool armed;
    } given;
    /* Tables emptied whole (jz__sq_audit_clear) whose old rows are being
     * read on connections of their own: taken out of the fingerprints
     * when the transaction commits (clear_join). */
    struct clear_scan {
        pthread_t tid;
        sqlite3 *db; /* read-only, its snapshot taken before the rows went */
        table *t;
        fp gone;
        int64_t rows;
        jz_err rc;
        jz_error err;
    } * scans[4];
    int n_scans;
};

static void blind(struct jz__sq_audit *a, const char *why)
{
    if (!a->blind)
        snprintf(a->blind_why, sizeof a->blind_why, "%s", why);
    a->blind = true;
}

static table *hook_table(struct jz__sq_audit *a, const char *name)
{
    if (a->last && a->last->seen == name)
        return a->last;
    /* SQLite passes its own copy of the name: the same pointer every time. */
    for (size_t i = 0; i < a->ts.n; i++)
        if (a->ts.t[i]->seen == name)
            return a->last = a->ts.t[i];
    for (size_t i = 0; i < a->ts.n; i++) {
        table *t = a->ts.t[i];
        if (strcmp(t->name, name) == 0) {
            t->seen = name;
            return a->last = t;
        }
    }
    return NULL;
}

static void st_put(struct jz__sq_audit *a, table *t, int sign, uint64_t key, const uint64_t d[DW])
{
    if (!t->st_used) {
        if (a->n_st == a->cap_st) {
            size_t cap = a->cap_st ? 2 * a->cap_st : 16;
            table **nl = realloc(a->st_list, cap * sizeof *nl);
            if (!nl) {
                blind(a, "内存不足");
                return;
            }
            a->st_list = nl;
            a->cap_st = cap;
        }
        a->st_list[a->n_st++] = t;
        t->st_used = true;
    }
    jz__fp_put(&t->st, t->st_mask, sign, key, d);
}

/* The row a bulk path bound (jz__sq_row_*), if this insert is into its
 * table: jz__sq_row_ready arms it just before the INSERT is stepped, and
 * the next jz__sq_row_begin disarms one whose INSERT failed before it got
 * here (only the bulk paths' own statements insert into their tables).
 * The hook adds what only SQLite knows: the rowid SQLite gave it, and the
 * columns the statement fills itself (after those bound). */
static bool hook_given(struct jz__sq_audit *a, table *t, sqlite3 *db, sqlite3_int64 rowid)
{
    if (a->given.t != t)
        return false;
    a->given.armed = false;
    buf *b = &a->given.b;
    size_t start = 0, end = b->n;
    uint64_t key, d[DW];
    if (a->given.first) {
        unsigned char head[11];
        size_t n = jz__row_enc_int(head, rowid);
        start = 11 - n;
        memcpy(b->p + start, head, n);
        key = (uint64_t)rowid;
    } else {
        key = (uint64_t)a->given.ints[t->pk[0]]; /* KEY_INT2: checked by jz__sq_row_ready */
        if (t->key_kind == KEY_INT2)
            jz__row_key_int2(a->given.ints[t->pk[0]], a->given.ints[t->pk[1]], &key);
    }
    for (int c = a->given.first + a->given.cols; c < t->ncol; c++) {
        sqlite3_value *v;
        if (sqlite3_preupdate_new(db, c, &v) != SQLITE_OK) {
            blind(a, "无法读取被修改的行");
            return true;
        }
        put_value(b, v);
    }
    if (b->oom) {
        blind(a, "内存不足");
        return true;
    }
    jz__row_digest(t->sip, b->p + start, b->n - start, d);
    b->n = end;
    st_put(a, t, +1, key, d);
    return true;
}

/* One side (old or new) of a changed row, into the statement's changes. */
static void hook_side(struct jz__sq_audit *a, table *t, sqlite3 *db, bool new_side, int sign)
{
    sqlite3_value *stackv[64], **v = stackv;
    if (t->ncol > 64 && !(v = malloc((size_t)t->ncol * sizeof *v))) {
        blind(a, "内存不足");
        return;
    }
    if (sqlite3_preupdate_count(db) != t->ncol) {
        blind(a, "表结构与审计记录不符");
        goto done;
    }
    for (int i = 0; i < t->ncol; i++) {
        int rc =
            new_side ? sqlite3_preupdate_new(db, i, &v[i]) : sqlite3_preupdate_old(db, i, &v[i]);
        if (rc != SQLITE_OK) {
            blind(a, "无法读取被修改的行");
            goto done;
        }
        if (!new_side && t->col[i].dflt && sqlite3_value_type(v[i]) == SQLITE_NULL)
            v[i] = t->col[i].dflt;
    }
    uint64_t d[DW], key;
    if (row(t, v, &a->b, d, &key)) {
        if (a->b.oom) {
            blind(a, "内存不足");
            goto done;
        }
        st_put(a, t, sign, key, d);
    }
done:
    if (v != stackv)
        free(v);
}

static void on_change(void *arg, sqlite3 *db, int op, const char *zdb, const char *name,
                      sqlite3_int64 k1, sqlite3_int64 k2)
{
    struct jz__sq_audit *a = arg;
    (void)k1;
    if (!a->on)
        return;
    if (zdb != a->main_name) { /* SQLite's own copy: the same pointer each time */
        if (strcmp(zdb, "main") != 0)
            return;
        a->main_name = zdb;
    }
    table *t = hook_table(a, name);
    if (!t) {
        if (covered(name)) {
            char why[200];
            snprintf(why, sizeof why, "表 %.60s 不在审计范围内", name);
            blind(a, why);
        }
        return;
    }
    if (!a->k.have) {
        blind(a, "缺少审计密钥");
        return;
    }
    if (op == SQLITE_INSERT && a->given.armed) {
#ifndef NDEBUG
        /* Debug builds check the bulk path's digest against the row: both
         * go into the statement's changes, the bulk path's taken out again,
         * which leaves a difference if they differ. */
        if (a->given.t == t) {
            fp before = t->st;
            hook_given(a, t, db, k2);
            fp given = t->st;
            t->st = before;
            hook_side(a, t, db, true, +1);
            for (int i = 0; i < CELLS; i++) {
                jz__cell_sub(&given.c[i], &before.c[i]);
                jz__cell_sub(&given.c[i], &t->st.c[i]);
                jz__cell_add(&given.c[i], &before.c[i]);
                if (!jz__cell_zero(&given.c[i]))
                    blind(a, "批量写入的行摘要与行不符（程序错误）");
            }
            return;
        }
#endif
        if (hook_given(a, t, db, k2))
            return;
    }
    if (op != SQLITE_INSERT)
        hook_side(a, t, db, false, -1);
    if (op != SQLITE_DELETE)
        hook_side(a, t, db, true, +1);
}

/* ---- rows bound by the bulk paths ---------------------------------------------------- */

static void row_start(sq *q, int first)
{
    struct jz__sq_audit *a = q->audit;
    if (a && a->on) {
        a->given.b.n = 0;
        a->given.first = first;
        a->given.cols = 0;
        a->given.armed = false;
        if (first) /* room for the rowid's encoding, written by the hook */
            put(&a->given.b, "\0\0\0\0\0\0\0\0\0\0\0", 11);
    }
}

void jz__sq_row_begin(sq *q)
{
    row_start(q, 0);
}

void jz__sq_row_begin_rowid(sq *q)
{
    row_start(q, 1);
}

static void row_encode_int(struct jz__sq_audit *a, int64_t v)
{
    buf *b = &a->given.b;
    if (b->n + 11 > b->cap) {
        size_t n = b->n;
        put(b, "01234567890", 11); /* grows the buffer */
        b->n = n;
        if (b->oom)
            return;
    }
    b->n += jz__row_enc_int(b->p + b->n, v);
    int c = a->given.first + a->given.cols;
    if (c < 64)
        a->given.ints[c] = v;
    a->given.cols++;
}

void jz__sq_row_int(sq *q, sqlite3_stmt *st, int col, int64_t v)
{
    sqlite3_bind_int64(st, col, v);
    struct jz__sq_audit *a = q->audit;
    if (a && a->on)
        row_encode_int(a, v);
}

void jz__sq_row_default(sq *q, int64_t v)
{
    struct jz__sq_audit *a = q->audit;
    if (a && a->on)
        row_encode_int(a, v);
}

void jz__sq_row_text(sq *q, sqlite3_stmt *st, int col, const char *s)
{
    size_t n = strlen(s);
    sqlite3_bind_text(st, col, s, (int)n, SQLITE_STATIC);
    struct jz__sq_audit *a = q->audit;
    if (!a || !a->on)
        return;
    jz__row_put_text(&a->given.b, s, n);
    a->given.cols++;
}

void jz__sq_row_ready(sq *q, const char *table_name)
{
    struct jz__sq_audit *a = q->audit;
    if (!a || !a->on || !a->k.have)
        return;
    /* The callers name their tables with literals: found by pointer. */
    table *t = NULL;
    for (size_t i = 0; i < a->ts.n && !t; i++)
        if (a->ts.t[i]->named == table_name)
            t = a->ts.t[i];
    for (size_t i = 0; i < a->ts.n && !t; i++)
        if (strcmp(a->ts.t[i]->name, table_name) == 0)
            (t = a->ts.t[i])->named = table_name;
    a->given.t = t;
    /* A table keyed by integers, its key bound (or the rowid SQLite gives
     * its first column); anything else goes the hook's way. */
    int bound = a->given.first + a->given.cols;
    if (!t || a->given.b.oom || t->ncol > 64 || bound > t->ncol || t->key_kind == KEY_HASH)
        return;
    if (a->given.first ? !(t->key_kind == KEY_COL && t->pk[0] == 0 && t->rowid_key)
                       : t->pk[0] >= bound || (t->key_kind == KEY_INT2 && t->pk[1] >= bound))
        return;
    uint64_t packed;
    if (!a->given.first && t->key_kind == KEY_INT2 &&
        !jz__row_key_int2(a->given.ints[t->pk[0]], a->given.ints[t->pk[1]], &packed))
        return; /* such a key is hashed (row_key) */
    a->given.armed = true;
}

/* The running statement ended: its changes join the transaction's if it
 * changed rows, and are dropped if SQLite rolled it back. */
static void statement_end(struct jz__sq_audit *a, bool keep)
{
    for (size_t k = 0; k < a->n_st; k++) {
        table *t = a->st_list[k];
        for (int w = 0; w < 2; w++) {
            for (uint64_t m = t->st_mask[w]; m; m &= m - 1) {
                int i = w * 64 + __builtin_ctzll(m);
                if (keep)
                    jz__cell_add(&t->tx.c[i], &t->st.c[i]);
                memset(&t->st.c[i], 0, sizeof t->st.c[i]);
            }
            t->st_mask[w] = 0;
        }
        if (keep) {
            t->tx.added += t->st.added;
            t->tx.removed += t->st.removed;
            t->tx_used = true;
        }
        t->st.added = t->st.removed = 0;
        t->st_used = false;
    }
    a->n_st = 0;
}

/* A statement starts: the one before it has ended (a write statement runs
 * to its end in one step), and sqlite3_changes64 says whether it changed
 * rows or was rolled back.  Not a start: a trigger's program or a
 * statement run inside another ("--" first), and the program of a foreign
 * key action, which SQLite reports with its statement's own text.  That one
 * is told by the statement's counters: the steps of the run in progress
 * are only added when sqlite3_step returns, while every program start
 * (this one included) adds one to its runs.  (A new statement that got the
 * address of a finished one starts with both at 0.)  This is cheaper than
 * the profile callback, which reads the clock twice per statement. */
static int on_trace(unsigned type, void *arg, void *p, void *x)
{
    struct jz__sq_audit *a = arg;
    if (type != SQLITE_TRACE_STMT || ((const char *)x)[0] == '-')
        return 0;
    int steps = sqlite3_stmt_status(p, SQLITE_STMTSTATUS_VM_STEP, 0);
    int runs = sqlite3_stmt_status(p, SQLITE_STMTSTATUS_RUN, 0);
    bool same_run = p == a->stmt && steps == a->stmt_steps && runs == a->stmt_runs + 1;
    a->stmt = p;
    a->stmt_steps = steps;
    a->stmt_runs = runs;
    if (same_run)
        return 0;
    if (a->n_st)
        statement_end(a, sqlite3_changes64(a->db) > 0);
    return 0;
}

static void drop_held(struct jz__sq_audit *a);
static jz_err clear_join(struct jz__sq_audit *a, bool apply, jz_error *err);

static void tx_reset(struct jz__sq_audit *a)
{
    clear_join(a, false, NULL);
    statement_end(a, false);
    drop_held(a);
    for (size_t i = 0; i < a->ts.n; i++) {
        table *t = a->ts.t[i];
        if (t->tx_used)
            memset(&t->tx, 0, sizeof t->tx);
        t->tx_used = false;
    }
    a->blind = false;
}

static bool tx_clean(const struct jz__sq_audit *a)
{
    if (a->blind || a->n_st)
        return false;
    for (size_t i = 0; i < a->ts.n; i++)
        if (a->ts.t[i]->tx_used && !jz__fp_zero(&a->ts.t[i]->tx))
            return false;
    return true;
}

/* A transaction commits only with its changes in the log (jz__sq_audit_commit
 * empties them): a COMMIT that bypasses sq_commit is turned into a rollback. */
static int on_commit(void *arg)
{
    struct jz__sq_audit *a = arg;
    return a->on && !tx_clean(a);
}

static void on_rollback(void *arg)
{
    tx_reset(arg);
}

static void audit_free(void *arg)
{
    struct jz__sq_audit *a = arg;
    if (!a)
        return;
    if (a->q && a->q->audit == a)
        a->q->audit = NULL;
    clear_join(a, false, NULL);
    drop_held(a);
    tables_clear(&a->ts);
    free(a->st_list);
    free(a->b.p);
    free(a->given.b.p);
    sodium_memzero(&a->k, sizeof a->k);
    free(a);
}

/* ---- appending entries --------------------------------------------------------------- */

static jz_err no_key(struct jz__sq_audit *a, jz_error *err)
{
    return jz__audit_no_key(&a->k, err);
}

/* Writes an entry: f = county, at, actor, action, entity, before, after. */
static jz_err write_entry(sq *q, const char *const fin[7], const void *state, size_t nstate,
                          jz_error *err)
{
    struct jz__sq_audit *a = q->audit;
    bool keyed = a && a->on;
    if (sodium_init() < 0)
        return jz_error_set(err, JZ_EIO, NULL, NULL, "无法初始化 libsodium");
    if (keyed && !a->k.have)
        return no_key(a, err);
    unsigned char prev[32] = {0};
    int64_t seq = 1;
    sqlite3_stmt *st = NULL;
    jz_err crc;
    if ((crc = jz__sq_cached(q, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &st,
                             "读取审计日志", err)))
        return crc;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        seq = sqlite3_column_int64(st, 0) + 1;
        if (sqlite3_column_bytes(st, 1) == 32)
            memcpy(prev, sqlite3_column_blob(st, 1), 32);
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE) {
        jz_err e = jz__sq_error(q, err, "读取审计日志");
        jz__sq_done(q, st);
        return e;
    }
    jz__sq_done(q, st);
    const char *f[7];
    size_t n[7];
    for (int i = 0; i < 7; i++)
        f[i] = fin[i] ? fin[i] : "";
    for (int i = 0; i < 7; i++)
        n[i] = strlen(f[i]);
    unsigned char h[32];
    jz__audit_entry_hash(keyed ? &a->k : NULL, prev, seq, f, n, state, nstate, h);
    if ((crc = jz__sq_cached(q,
                             keyed ? "INSERT INTO audit(seq, county, at, actor, action, entity,"
                                     " before, after, prev, hash, state)"
                                     " VALUES(?,?,?,?,?,?,?,?,?,?,?)"
                                   : "INSERT INTO audit(seq, county, at, actor, action, entity,"
                                     " before, after, prev, hash) VALUES(?,?,?,?,?,?,?,?,?,?)",
                             &st, "写入审计日志", err)))
        return crc;
    sqlite3_bind_int64(st, 1, seq);
    for (int i = 0; i < 7; i++)
        sqlite3_bind_text(st, 2 + i, f[i], (int)n[i], SQLITE_STATIC);
    sqlite3_bind_blob(st, 9, prev, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 10, h, 32, SQLITE_STATIC);
    if (keyed)
        sqlite3_bind_blob(st, 11, nstate ? state : "", (int)nstate, SQLITE_STATIC);
    s = sqlite3_step(st);
    if (s != SQLITE_DONE) {
        jz_err e = jz__sq_error(q, err, "写入审计日志");
        jz__sq_done(q, st);
        return e;
    }
    jz__sq_done(q, st);
    /* The newest entry, for a quick look and for verify's message when the
     * last entries were deleted (not covered by the fingerprints: it names
     * the entry that would have to commit to it). */
    char head[96];
    jz__audit_head_text(seq, h, head);
    if ((crc = jz__sq_cached(q, "INSERT OR REPLACE INTO meta(key, value) VALUES('audit_head', ?)",
                             &st, "写入审计日志", err)))
        return crc;
    sqlite3_bind_text(st, 1, head, -1, SQLITE_STATIC);
    s = sqlite3_step(st);
    return jz__sq_end(q, st, s, "写入审计日志", err);
}

static void drop_held(struct jz__sq_audit *a)
{
    for (int i = 0; i < 7; i++) {
        free(a->last_entry.f[i]);
        a->last_entry.f[i] = NULL;
    }
    a->last_entry.held = false;
}

/* Writes the held entry, with the transaction's changes if it is the last. */
static jz_err write_held(sq *q, const void *state, size_t nstate, jz_error *err)
{
    struct jz__sq_audit *a = q->audit;
    if (!a || !a->last_entry.held)
        return JZ_OK;
    jz_err rc = write_entry(q, (const char *const *)a->last_entry.f, state, nstate, err);
    drop_held(a);
    return rc;
}

static jz_err append(sq *q, const char *county, const char *action, const char *entity,
                     const char *before, const char *after, const void *state, size_t nstate,
                     jz_error *err)
{
    char at[32];
    jz__now_text(at, sizeof at);
    const char *f[7] = {county, at, q->actor, action, entity, before, after};
    return write_entry(q, f, state, nstate, err);
}

jz_err jz__sq_audit(sq *q, const char *county, const char *action, const char *entity,
                    const char *before, const char *after, jz_error *err)
{
    struct jz__sq_audit *a = q->audit;
    /* Outside a transaction (or on a file before schema 5) at once. */
    if (!a || !a->on || sqlite3_get_autocommit(q->db))
        return append(q, county, action, entity, before, after, NULL, 0, err);
    if (!a->k.have)
        return no_key(a, err);
    jz_err rc = write_held(q, NULL, 0, err);
    if (rc)
        return rc;
    char at[32];
    jz__now_text(at, sizeof at);
    const char *f[7] = {county, at, q->actor, action, entity, before, after};
    for (int i = 0; i < 7; i++)
        if (!(a->last_entry.f[i] = strdup(f[i] ? f[i] : ""))) {
            drop_held(a);
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        }
    a->last_entry.held = true;
    return JZ_OK;
}

/* The fingerprints (or their changes) of tables, sealed; *counts gets
 * {"table": {"added": n, "removed": m}} or, for full ones, {"table": rows}. */
static jz_err state_blob(struct jz__sq_audit *a, int kind, fp *const *f, table *const *t, size_t n,
                         const int64_t *rows, buf *out, json_t *counts, jz_error *err)
{
    const char **names = malloc((n ? n : 1) * sizeof *names);
    if (!names)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    for (size_t i = 0; i < n; i++)
        names[i] = t[i]->name;
    jz_err rc =
        jz__audit_state_seal(&a->k, kind, names, (const fp *const *)f, n, rows, out, counts, err);
    free(names);
    return rc;
}

jz_err jz__sq_audit_commit(sq *q, jz_error *err)
{
    struct jz__sq_audit *a = q->audit;
    jz_err rc = JZ_OK;
    if (!a || !a->on)
        return rc;
    if ((rc = clear_join(a, true, err)))
        return rc;
    if (a->n_st) /* the last statement's changes */
        statement_end(a, sqlite3_changes64(a->db) > 0);
    if (a->blind) {
        if (!a->k.have)
            return no_key(a, err);
        return jz_error_set(err, JZ_EIO, NULL, NULL, "无法记入审计日志：%s；未写入任何内容",
                            a->blind_why);
    }
    fp *fs[64];
    table *tl[64];
    size_t n = 0;
    for (size_t i = 0; i < a->ts.n && n < 64; i++) {
        table *t = a->ts.t[i];
        if (t->tx_used && (!jz__fp_zero(&t->tx) || t->tx.added || t->tx.removed)) {
            fs[n] = &t->tx;
            tl[n++] = t;
        }
    }
    if (!n)
        return write_held(q, NULL, 0, err);
    buf blob = {0};
    json_t *counts = json_object();
    char *after = NULL;
    if (!counts)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    rc = state_blob(a, JZ__STATE_CHANGE, fs, tl, n, NULL, &blob, counts, err);
    if (!rc && !(after = json_dumps(counts, JSON_COMPACT | JSON_SORT_KEYS)))
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    /* The transaction's last entry carries its changes; a transaction that
     * wrote no entry of its own gets one that says what it changed. */
    if (!rc)
        rc = a->last_entry.held ? write_held(q, blob.p, blob.n, err)
                                : append(q, "", "commit", "tables", "", after, blob.p, blob.n, err);
    if (!rc)
        tx_reset(a);
    free(after);
    free(blob.p);
    json_decref(counts);
    return rc;
}

/* ---- a table emptied at once ---------------------------------------------------------- */

/* Takes a table's rows that went (their digests in gone) out of what the
 * transaction changed. */
static void take_out(table *t, const fp *gone, int64_t rows)
{
    for (int i = 0; i < CELLS; i++)
        jz__cell_sub(&t->tx.c[i], &gone->c[i]);
    t->tx.removed += rows;
    t->tx_used = true;
}

/* A table's old rows read on a connection of its own (clear_scan_start). */
static void *clear_scan_run(void *arg)
{
    struct clear_scan *c = arg;
    jz_error_clear(&c->err);
    c->rc = table_scan(c->db, c->t, &c->gone, &c->rows, &c->err);
    sqlite3_close_v2(c->db); /* its read transaction ends with it */
    return NULL;
}

/* Waits for the scans of tables emptied whole; with apply, takes their
 * rows out of the transaction's fingerprints (the first failure is
 * returned: the transaction must not commit without them). */
static jz_err clear_join(struct jz__sq_audit *a, bool apply, jz_error *err)
{
    jz_err rc = JZ_OK;
    for (int i = 0; i < a->n_scans; i++) {
        struct clear_scan *c = a->scans[i];
        pthread_join(c->tid, NULL);
        if (apply && !rc && c->rc) {
            rc = c->rc;
            if (err)
                *err = c->err;
        }
        if (apply && !rc)
            take_out(c->t, &c->gone, c->rows);
        free(c);
    }
    a->n_scans = 0;
    return rc;
}

/* Starts reading table t's rows on a read-only connection of its own, in
 * a thread.  The store's transaction holds the write lock, so the last
 * committed state is the one it began from: the connection takes that
 * snapshot here (its first read, of the schema), before the caller
 * deletes the rows.  False when it cannot (a database in memory, no
 * connection, no thread): the caller reads them itself. */
static bool clear_scan_start(struct jz__sq_audit *a, table *t)
{
    const char *path = sqlite3_db_filename(a->db, "main");
    if (!path || !path[0] || sqlite3_get_autocommit(a->db) ||
        a->n_scans >= (int)(sizeof a->scans / sizeof a->scans[0]))
        return false;
    struct clear_scan *c = calloc(1, sizeof *c);
    if (!c)
        return false;
    c->t = t;
    bool ok =
        sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) ==
            SQLITE_OK &&
        sqlite3_busy_timeout(c->db, 10000) == SQLITE_OK &&
        sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK &&
        sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) == SQLITE_OK &&
        pthread_create(&c->tid, NULL, clear_scan_run, c) == 0;
    if (!ok) {
        sqlite3_close_v2(c->db);
        free(c);
        return false;
    }
    a->scans[a->n_scans++] = c;
    return true;
}

/* Empties a table no other table refers to by dropping it and making it
 * again as it was (its indexes and triggers too), in the transaction.
 * With foreign keys on, SQLite deletes the rows of a table that has a key
 * one by one (it truncates only tables no key involves, and its own DROP
 * deletes nothing but a parent's rows): in the sqlite3 shell the 2.3
 * million rows of a million households' determinations and person results
 * took 2.2 s to delete, and 0.2 s to drop; a reassessment that rewrites
 * them all wrote back about 0.4 s faster.  Other statements of this connection are prepared again
 * by SQLite when they next run.  false when it could not (a statement of
 * the connection still reading the table, say): the caller deletes. */
static bool recreate(sqlite3 *db, const char *name)
{
    /* The table's statement first, then its indexes and triggers; none
     * when a table refers to it. */
    sqlite3_stmt *st = NULL;
    sqlite3_str *text = sqlite3_str_new(db);
    if (sqlite3_prepare_v2(db,
                           "SELECT sql FROM sqlite_schema WHERE tbl_name = ?1 AND sql IS NOT NULL"
                           " AND NOT EXISTS (SELECT 1 FROM sqlite_schema m,"
                           "  pragma_foreign_key_list(m.name) f WHERE m.type = 'table'"
                           "  AND f.\"table\" = ?1 COLLATE NOCASE)"
                           " ORDER BY type <> 'table'",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW)
            sqlite3_str_appendf(text, "%s;", (const char *)sqlite3_column_text(st, 0));
    }
    bool ok = sqlite3_finalize(st) == SQLITE_OK && sqlite3_str_length(text) > 0 &&
              sqlite3_str_errcode(text) == SQLITE_OK;
    char *sql = sqlite3_str_finish(text);
    char *drop = ok ? sqlite3_mprintf("DROP TABLE \"%w\"", name) : NULL;
    ok = drop && sqlite3_exec(db, "SAVEPOINT jz_recreate", NULL, NULL, NULL) == SQLITE_OK;
    if (ok) {
        if (sqlite3_exec(db, drop, NULL, NULL, NULL) != SQLITE_OK) {
            ok = false;
        } else if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
            ok = false;
            sqlite3_exec(db, "ROLLBACK TO jz_recreate", NULL, NULL, NULL);
        }
        sqlite3_exec(db, "RELEASE jz_recreate", NULL, NULL, NULL);
    }
    sqlite3_free(drop);
    sqlite3_free(sql);
    return ok;
}

jz_err jz__sq_audit_clear(sq *q, const char *table_name, jz_error *err)
{
    struct jz__sq_audit *a = q->audit;
    char *sql = sqlite3_mprintf("DELETE FROM \"%w\"", table_name);
    if (!sql)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_err rc = JZ_OK;
    table *t = NULL;
    for (size_t i = 0; a && i < a->ts.n && !t; i++)
        if (strcmp(a->ts.t[i]->name, table_name) == 0)
            t = a->ts.t[i];
    if (!a || !a->on) {
        rc = jz__sq_exec(q, sql, err);
    } else if (!a->k.have) {
        rc = no_key(a, err);
    } else if (!t) {
        rc = jz_error_set(err, JZ_EIO, "table", table_name, "表不在审计范围内");
    } else {
        /* Each row's digest by one scan, taken out of the fingerprint; the
         * DELETE without the hook, which SQLite then does by dropping the
         * table's pages (with the hook it deletes, and reports, row by
         * row).  Rows changed behind jiuzhu's back are taken out as they
         * are, so the difference from the log stays. */
        int64_t rows = 0;
        if (a->n_st)
            statement_end(a, sqlite3_changes64(a->db) > 0);
        /* A table the transaction has not touched yet is read on a
         * connection of its own, beside the rows the run then writes
         * (at 1,000,000 households, its 2.3 million old rows took 2 to 3 s
         * on this one); its digests are taken out at the commit.  One the
         * transaction changed is read here, as it now is. */
        bool apart = !t->tx_used && clear_scan_start(a, t);
        fp *gone = apart ? NULL : malloc(sizeof *gone);
        rc = apart  ? JZ_OK
             : gone ? table_scan(a->db, t, gone, &rows, err)
                    : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        if (!rc) {
            sqlite3_preupdate_hook(a->db, NULL, NULL);
            if (!recreate(a->db, table_name))
                rc = jz__sq_exec(q, sql, err);
            sqlite3_preupdate_hook(a->db, on_change, a);
        }
        if (!rc && apart)
            t->tx_used = true;
        else if (!rc)
            take_out(t, gone, rows);
        free(gone);
    }
    sqlite3_free(sql);
    return rc;
}

/* The keyed chain starts (or starts again after a change of the schema):
 * every table's fingerprint computed from its rows, in one entry. */
static jz_err rebase(struct jz__sq_audit *a, const char *reason, jz_error *err)
{
    sq *q = a->q;
    jz_err rc = JZ_OK;
    if (!a->k.have) {
        rc = jz__audit_key_load(&a->k, err);
        if (rc == JZ_ENOTFOUND) {
            jz_error_clear(err);
            rc = jz__audit_key_make(&a->k, err);
        }
        if (rc)
            return rc;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db,
                           "INSERT OR REPLACE INTO meta(key, value) VALUES('audit_key_id', ?)", -1,
                           &st, NULL) != SQLITE_OK)
        return db_error(a->db, err, "写入审计密钥编号");
    sqlite3_bind_text(st, 1, a->k.id, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return db_error(a->db, err, "写入审计密钥编号");
    if ((rc = tables_load(a->db, &a->k, &a->ts, err)))
        return rc;
    a->last = NULL;
    a->n_st = 0;
    size_t n = a->ts.n;
    fp **fs = calloc(n ? n : 1, sizeof *fs);
    int64_t *rows = calloc(n ? n : 1, sizeof *rows);
    buf blob = {0};
    json_t *counts = json_object();
    char *after = NULL;
    if (!fs || !rows || !counts) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto done;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        fs[i] = &a->ts.t[i]->st; /* free until the statement's changes are used */
        rc = table_scan(a->db, a->ts.t[i], fs[i], &rows[i], err);
    }
    if (!rc)
        rc = state_blob(a, JZ__STATE_FULL, fs, a->ts.t, n, rows, &blob, counts, err);
    for (size_t i = 0; i < n; i++)
        memset(&a->ts.t[i]->st, 0, sizeof a->ts.t[i]->st);
    if (!rc) {
        json_t *j =
            json_pack("{s:s,s:s,s:O}", "reason", reason, "key_id", a->k.id, "tables", counts);
        after = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(j);
        if (!after)
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    if (!rc) {
        /* The first keyed entry is audit.key: verify switches to the key
         * there; a later one (a migration that changed tables) says so. */
        sqlite3_stmt *k = NULL;
        bool first = true;
        if (sqlite3_prepare_v2(a->db, "SELECT 1 FROM audit WHERE action = 'audit.key' LIMIT 1", -1,
                               &k, NULL) == SQLITE_OK)
            first = sqlite3_step(k) != SQLITE_ROW;
        sqlite3_finalize(k);
        tx_reset(a);
        a->on = true;
        rc = append(q, "", first ? "audit.key" : "audit.rebase", "tables", "", after, blob.p,
                    blob.n, err);
    }
done:
    free(after);
    free(blob.p);
    free(fs);
    free(rows);
    json_decref(counts);
    return rc;
}

/* SELECT jz_audit_init('reason'): what a migration that creates or changes
 * tables ends with (schema 5 is the first). */
static void fn_init(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct jz__sq_audit *a = sqlite3_user_data(ctx);
    const char *reason = argc > 0 ? (const char *)sqlite3_value_text(argv[0]) : NULL;
    jz_error err;
    jz_error_clear(&err);
    if ((a->init_rc = rebase(a, reason ? reason : "", &err)) != JZ_OK) {
        a->init_err = err;
        char msg[512];
        jz_error_format(&err, msg, sizeof msg);
        sqlite3_result_error(ctx, msg, -1);
        return;
    }
    sqlite3_result_null(ctx);
}

jz_err jz__sq_audit_init_error(sq *q, jz_err rc, jz_error *err)
{
    struct jz__sq_audit *a = q->audit;
    if (!a || !a->init_rc)
        return rc;
    rc = a->init_rc;
    if (err)
        *err = a->init_err;
    a->init_rc = JZ_OK;
    return rc;
}

jz_err jz__sq_audit_open(sq *q, const char *path, int flags, jz_error *err)
{
    if (flags & JZ_STORE_READONLY)
        return JZ_OK; /* reads need no key; verify loads it itself */
    if (sodium_init() < 0)
        return jz_error_set(err, JZ_EIO, NULL, NULL, "无法初始化 libsodium");
    if (!sqlite3_compileoption_used("ENABLE_PREUPDATE_HOOK"))
        return jz_error_set(err, JZ_EIO, NULL, NULL,
                            "所用的 SQLite 未启用 SQLITE_ENABLE_PREUPDATE_HOOK，无法记录审计日志");
    struct jz__sq_audit *a = calloc(1, sizeof *a);
    if (!a)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    a->q = q;
    a->db = q->db;
    jz__audit_key_path(path, a->k.path, sizeof a->k.path);
    /* The state lives as long as the connection: SQLite frees it with the
     * function (xDestroy) when the connection closes. */
    if (sqlite3_create_function_v2(q->db, "jz_audit_init", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, a,
                                   fn_init, NULL, NULL, audit_free) != SQLITE_OK) {
        audit_free(a);
        return jz__sq_error(q, err, "注册审计函数");
    }
    q->audit = a;
    sqlite3_preupdate_hook(q->db, on_change, a);
    sqlite3_trace_v2(q->db, SQLITE_TRACE_STMT, on_trace, a);
    sqlite3_commit_hook(q->db, on_commit, a);
    sqlite3_rollback_hook(q->db, on_rollback, a);
    /* A database with its keyed chain (schema 5 on): track from now. */
    sqlite3_stmt *st = NULL;
    int version = 0;
    if (sqlite3_prepare_v2(q->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version < 5)
        return JZ_OK; /* the migration to 5 starts the keyed chain (jz_audit_init) */
    jz_error kerr;
    jz_error_clear(&kerr);
    if (jz__audit_key_load(&a->k, &kerr) != JZ_OK && kerr.code != JZ_ENOTFOUND) {
        *err = kerr;
        return kerr.code; /* a key that cannot be read is not a missing one */
    }
    /* A file made at schema 5 before the audit log's part of it existed (a
     * development build of issue 12): given it now, as the migration would
     * have. */
    bool has_state = false;
    if (sqlite3_prepare_v2(q->db, "SELECT 1 FROM pragma_table_info('audit') WHERE name = 'state'",
                           -1, &st, NULL) == SQLITE_OK)
        has_state = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!has_state) {
        jz_err rc = jz__sq_exec(q, "BEGIN IMMEDIATE", err);
        if (!rc &&
            !(rc = jz__sq_exec(q,
                               "ALTER TABLE audit ADD COLUMN state BLOB NOT NULL DEFAULT x'';"
                               "SELECT jz_audit_init('schema 5, audit log added');",
                               err)))
            rc = jz__sq_exec(q, "COMMIT", err);
        if (rc) {
            jz__sq_exec(q, "ROLLBACK", NULL);
            return rc;
        }
        return JZ_OK; /* rebase() loaded the tables and turned tracking on */
    }
    jz_err rc = tables_load(q->db, &a->k, &a->ts, err);
    if (rc)
        return rc;
    a->on = true;
    return JZ_OK;
}

/* ---- verifying ------------------------------------------------------------------------ */

/* Appends to a row's name (cut to fit). */
static void say(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *out, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(out);
    if (len + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out + len, cap - len, fmt, ap);
    va_end(ap);
}

typedef struct naming {
    sqlite3 *db;
    const table *t;
} naming;

/* Names a row of a table by its key (jz__audit_name_fn): the key columns'
 * values, and the household where the key starts with hh. */
static void name_row(void *arg, uint64_t key, bool present, char *out, size_t cap)
{
    const naming *nm = arg;
    sqlite3 *db = nm->db;
    const table *t = nm->t;
    int64_t hh = -1;
    if (t->key_kind == KEY_COL) {
        say(out, cap, "%s=%lld", t->col[t->pk[0]].name, (long long)key);
        if (strcmp(t->col[t->pk[0]].name, "hh") == 0)
            hh = (int64_t)key;
    } else if (t->key_kind == KEY_INT2) {
        say(out, cap, "%s=%lld, %s=%lld", t->col[t->pk[0]].name, (long long)(key >> 32),
            t->col[t->pk[1]].name, (long long)(key & 0xffffffffu));
        if (strcmp(t->col[t->pk[0]].name, "hh") == 0)
            hh = (int64_t)(key >> 32);
    } else if (present) {
        /* Find the row whose key hashes to this one. */
        char sql[200];
        sqlite3_stmt *st = NULL;
        char *qn = sqlite3_mprintf("%w", t->name);
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", qn ? qn : "");
        sqlite3_free(qn);
        bool named = false;
        if (t->ncol <= 64 && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
            sqlite3_value *v[64];
            while (!named && sqlite3_step(st) == SQLITE_ROW) {
                for (int i = 0; i < t->ncol; i++)
                    v[i] = sqlite3_column_value(st, i);
                if (row_key(t, v) != key)
                    continue;
                for (int i = 0; i < (t->npk ? t->npk : 1); i++) {
                    int c = t->npk ? t->pk[i] : 0;
                    say(out, cap, "%s%s=%.60s", i ? ", " : "", t->col[c].name,
                        (const char *)sqlite3_column_text(st, c));
                }
                named = true;
            }
        }
        sqlite3_finalize(st);
        if (!named)
            say(out, cap, "主键摘要 %016llx", (unsigned long long)key);
    } else {
        say(out, cap, "主键摘要 %016llx，已无法还原", (unsigned long long)key);
    }
    if (hh >= 0) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, "SELECT household_id FROM households WHERE hh = ?", -1, &st,
                               NULL) == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, hh);
            if (sqlite3_step(st) == SQLITE_ROW)
                say(out, cap, "，户 %.40s", (const char *)sqlite3_column_text(st, 0));
        }
        sqlite3_finalize(st);
    }
}

static bool table_exists(void *arg, const char *name)
{
    return tables_find(arg, name) != NULL;
}

/* Reads the log in order and the tables for the common layer's verifier,
 * which gives the verdict (audit_chain.c). */
jz_err jz__sq_audit_verify(void *impl, jz_audit_report *rep, jz_error *err)
{
    sq *q = impl;
    jz__audit_verifier v;
    jz_err rc =
        jz__audit_verify_start(&v, rep, sqlite3_db_filename(q->db, "main"), q->version, err);
    if (rc) {
        jz__audit_verify_free(&v);
        return rc;
    }
    bool has_state = false;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, "SELECT 1 FROM pragma_table_info('audit') WHERE name = 'state'",
                           -1, &st, NULL) == SQLITE_OK)
        has_state = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(q->db,
                           has_state
                               ? "SELECT seq, county, at, actor, action, entity, before, after,"
                                 " prev, hash, state FROM audit ORDER BY seq"
                               : "SELECT seq, county, at, actor, action, entity, before, after,"
                                 " prev, hash, NULL FROM audit ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK) {
        jz__audit_verify_free(&v);
        return jz__sq_error(q, err, "读取审计日志");
    }
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *f[JZ__AUDIT_FIELDS];
        size_t n[JZ__AUDIT_FIELDS];
        for (int i = 0; i < JZ__AUDIT_FIELDS; i++) {
            const unsigned char *t = sqlite3_column_text(st, 1 + i);
            f[i] = t ? (const char *)t : "";
            n[i] = (size_t)sqlite3_column_bytes(st, 1 + i);
        }
        if (!jz__audit_verify_entry(&v, sqlite3_column_int64(st, 0), f, n,
                                    sqlite3_column_blob(st, 8), (size_t)sqlite3_column_bytes(st, 8),
                                    sqlite3_column_blob(st, 9), (size_t)sqlite3_column_bytes(st, 9),
                                    sqlite3_column_blob(st, 10),
                                    (size_t)sqlite3_column_bytes(st, 10)))
            break;
    }
    sqlite3_finalize(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE) {
        jz__audit_verify_free(&v);
        return jz__sq_error(q, err, "读取审计日志");
    }
    char head[96] = "";
    if (!rep->bad_seq) {
        if (sqlite3_prepare_v2(q->db, "SELECT value FROM meta WHERE key = 'audit_head'", -1, &st,
                               NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            jz__sq_copy_text(head, sizeof head, st, 0);
        sqlite3_finalize(st);
    }
    bool data = jz__audit_verify_chain_end(&v, has_state, head);
    if (v.oom)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    /* The data: every table's rows against what the log committed to. */
    if (!rc && data) {
        tables ts = {0};
        rc = tables_load(q->db, &v.k, &ts, err);
        fp *actual = rc ? NULL : malloc(sizeof *actual);
        if (!rc && !actual)
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        for (size_t i = 0; !rc && i < ts.n; i++) {
            table *t = ts.t[i];
            int64_t rows = 0;
            naming nm = {q->db, t};
            if (!(rc = table_scan(q->db, t, actual, &rows, err)))
                rc = jz__audit_verify_table(&v, t->name, actual, rows, name_row, &nm, err);
        }
        if (!rc)
            jz__audit_verify_gone(&v, table_exists, &ts);
        free(actual);
        tables_clear(&ts);
    }
    jz__audit_verify_free(&v);
    return rc;
}

jz_err jz__sq_audit_hash_at(void *impl, int64_t seq, char hex[65], jz_error *err)
{
    sq *q = impl;
    sqlite3_stmt *st = NULL;
    hex[0] = '\0';
    if (sqlite3_prepare_v2(q->db, "SELECT hash FROM audit WHERE seq = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return jz__sq_error(q, err, "读取审计日志");
    sqlite3_bind_int64(st, 1, seq);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32)
        sodium_bin2hex(hex, 65, sqlite3_column_blob(st, 0), 32);
    if (s != SQLITE_ROW && s != SQLITE_DONE) {
        jz_err e = jz__sq_error(q, err, "读取审计日志");
        jz__sq_done(q, st);
        return e;
    }
    jz__sq_done(q, st);
    return hex[0] ? JZ_OK
                  : jz_error_set(err, JZ_ENOTFOUND, "seq", NULL, "审计日志中没有第 %lld 条",
                                 (long long)seq);
}
