/*
 * sqlite_audit.c - the audit log of the SQLite backend, and what it covers:
 * every row of every table (docs/integrity.md).
 *
 * The log is a chain: each entry carries the previous entry's hash and its
 * own.  Entries written before schema 5 are hashed with SHA-256, as they
 * always were.  From the `audit.key` entry (written by the migration to
 * schema 5, or by `jiuzhu init`) on, each entry is authenticated with
 * HMAC-SHA-256 under a key that is not in the database (the audit key file,
 * see load_key), so the chain can no longer be rewritten by whoever can
 * write the file.
 *
 * The chain also commits to the data.  Every row of every table (except the
 * log itself and meta's audit_head) has a keyed digest: SipHash-2-4-128
 * under a key of its table, over the row's values, typed and
 * length-prefixed, primary key included.  Each table has a fingerprint made
 * of these digests: an invertible Bloom lookup table (IBLT) of CELLS cells,
 * each the count, key sum, check sum and digest sum (mod 2^128) of the rows
 * that fall in it.  Adding a row adds its digest to three cells, deleting
 * it subtracts it, so a fingerprint is a sum over the rows whatever the
 * order they were written in, and without the key nobody can make rows
 * that sum to a given fingerprint.  A write transaction's last entry
 * (sq_commit -> jz__sq_audit_commit) holds what the transaction changed in
 * each table's fingerprint, encrypted under the key so that no row's digest
 * is ever visible.  `jiuzhu audit verify` adds up these changes along the
 * chain and compares the sum with the fingerprints it recomputes from the
 * tables: a table that differs was written outside jiuzhu, and the
 * difference of the two fingerprints, peeled, gives back the rows that were
 * changed, added or deleted, as long as they are few.
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
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "sqlite_int.h"

/* ---- fingerprints ------------------------------------------------------------ */

#define PART 32 /* cells in each of the three parts of a fingerprint */
#define CELLS (3 * PART)
#define DW 2 /* 64-bit words of a row digest */

typedef struct cell {
    int64_t n;      /* rows */
    uint64_t key;   /* sum of their keys */
    uint64_t chk;   /* sum of check(digest) */
    uint64_t d[DW]; /* sum of their digests, mod 2^128 (little-endian words) */
} cell;

typedef struct fp {
    cell c[CELLS];
    int64_t added, removed; /* row versions added and removed (for people) */
} fp;

static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* A function of the digest that sums do not preserve: a cell holding one
 * row has chk == check(d), a cell holding several almost never. */
static uint64_t check(const uint64_t d[DW])
{
    return mix(d[1] ^ mix(d[0] ^ UINT64_C(0x6a09e667f3bcc908)));
}

static int cell_of(const uint64_t d[DW], int part)
{
    return part * PART + (int)((d[0] >> (5 * part)) & (PART - 1));
}

static void add_d(uint64_t a[DW], const uint64_t b[DW])
{
    unsigned carry = 0;
    for (int i = 0; i < DW; i++) {
        uint64_t s = a[i] + b[i];
        unsigned c1 = s < a[i];
        uint64_t t = s + carry;
        carry = c1 | (t < s);
        a[i] = t;
    }
}

static void sub_d(uint64_t a[DW], const uint64_t b[DW])
{
    unsigned borrow = 0;
    for (int i = 0; i < DW; i++) {
        uint64_t s = a[i] - b[i];
        unsigned b1 = a[i] < b[i];
        uint64_t t = s - borrow;
        borrow = b1 | (s < borrow);
        a[i] = t;
    }
}

static void neg_d(uint64_t a[DW])
{
    uint64_t t[DW];
    memcpy(t, a, sizeof t);
    memset(a, 0, sizeof t);
    sub_d(a, t);
}

static void cell_put(cell *c, int sign, uint64_t key, uint64_t chk, const uint64_t d[DW])
{
    if (sign > 0) {
        c->n++;
        c->key += key;
        c->chk += chk;
        add_d(c->d, d);
    } else {
        c->n--;
        c->key -= key;
        c->chk -= chk;
        sub_d(c->d, d);
    }
}

static void cell_add(cell *a, const cell *b)
{
    a->n += b->n;
    a->key += b->key;
    a->chk += b->chk;
    add_d(a->d, b->d);
}

static void cell_sub(cell *a, const cell *b)
{
    a->n -= b->n;
    a->key -= b->key;
    a->chk -= b->chk;
    sub_d(a->d, b->d);
}

static bool cell_zero(const cell *c)
{
    return !c->n && !c->key && !c->chk && !(c->d[0] | c->d[1]);
}

/* Adds (sign +1) or removes (-1) one row; `mask` (2 words) collects the
 * cells used. */
static void fp_put(fp *f, uint64_t *mask, int sign, uint64_t key, const uint64_t d[DW])
{
    uint64_t chk = check(d);
    for (int part = 0; part < 3; part++) {
        int i = cell_of(d, part);
        cell_put(&f->c[i], sign, key, chk, d);
        if (mask)
            mask[i >> 6] |= UINT64_C(1) << (i & 63);
    }
    if (sign > 0)
        f->added++;
    else
        f->removed++;
}

static bool fp_zero(const fp *f)
{
    for (int i = 0; i < CELLS; i++)
        if (!cell_zero(&f->c[i]))
            return false;
    return true;
}

/* ---- row digests ---------------------------------------------------------------- */

enum { KEY_COL, KEY_INT2, KEY_HASH };

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
    /* The table's own row key (SipHash), derived from the audit key and
     * the table's name and number of columns. */
    unsigned char sip[crypto_shorthash_siphashx24_KEYBYTES];
    fp tx, st;           /* what the transaction / the running statement changed */
    uint64_t st_mask[2]; /* cells of st in use */
    bool tx_used, st_used;
} table;

typedef struct buf {
    unsigned char *p;
    size_t n, cap;
    bool oom;
} buf;

static void put(buf *b, const void *p, size_t n)
{
    if (b->oom || n == 0)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->n + n)
            cap *= 2;
        unsigned char *np = realloc(b->p, cap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void put_varint(buf *b, uint64_t v)
{
    unsigned char t[10];
    size_t n = 0;
    do {
        t[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            t[n] |= 0x80;
        n++;
    } while (v);
    put(b, t, n);
}

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static void put_u64le(buf *b, uint64_t v)
{
    unsigned char t[8];
    for (int i = 0; i < 8; i++, v >>= 8)
        t[i] = (unsigned char)(v & 0xff);
    put(b, t, 8);
}

/* One value, typed and length-prefixed, so that no two rows encode alike. */
static void put_value(buf *b, sqlite3_value *v)
{
    unsigned char tag;
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        tag = 1;
        put(b, &tag, 1);
        put_varint(b, zigzag(sqlite3_value_int64(v)));
        break;
    case SQLITE_FLOAT: {
        double x = sqlite3_value_double(v);
        uint64_t bits;
        memcpy(&bits, &x, sizeof bits);
        tag = 2;
        put(b, &tag, 1);
        put_u64le(b, bits);
        break;
    }
    case SQLITE_TEXT: {
        const unsigned char *t = sqlite3_value_text(v);
        size_t n = (size_t)sqlite3_value_bytes(v);
        tag = 3;
        put(b, &tag, 1);
        put_varint(b, n);
        put(b, t, n);
        break;
    }
    case SQLITE_BLOB: {
        size_t n = (size_t)sqlite3_value_bytes(v);
        const void *p = sqlite3_value_blob(v);
        tag = 4;
        put(b, &tag, 1);
        put_varint(b, n);
        if (n)
            put(b, p, n);
        break;
    }
    default:
        tag = 0;
        put(b, &tag, 1);
    }
}

static uint64_t load64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* A row's digest: SipHash-2-4 with 128-bit output under the table's key.
 * A keyed PRF is all the fingerprints need (without the key nobody can
 * tell what a row's digest is, and the sums are sealed in the log), and
 * SipHash is 3 to 4 times faster here than BLAKE2b on rows of 60 to 650
 * bytes (measured with libsodium 1.0.18). */
static void digest_of(const table *t, const unsigned char *p, size_t n, uint64_t d[DW])
{
    unsigned char out[crypto_shorthash_siphashx24_BYTES];
    crypto_shorthash_siphashx24(out, p, n, t->sip);
    d[0] = load64(out);
    d[1] = load64(out + 8);
}

static void digest(const table *t, const buf *b, uint64_t d[DW])
{
    unsigned char out[crypto_shorthash_siphashx24_BYTES];
    crypto_shorthash_siphashx24(out, b->p, b->n, t->sip);
    d[0] = load64(out);
    d[1] = load64(out + 8);
}

/* The row's key in the fingerprint (what names it when it differs): the
 * integer primary key, two small integer key columns packed, or a hash of
 * the key columns. */
static uint64_t row_key(const table *t, sqlite3_value **v)
{
    if (t->key_kind == KEY_COL)
        return (uint64_t)sqlite3_value_int64(v[t->pk[0]]);
    if (t->key_kind == KEY_INT2) {
        int64_t a = sqlite3_value_int64(v[t->pk[0]]), b = sqlite3_value_int64(v[t->pk[1]]);
        if (a >= 0 && a < (INT64_C(1) << 32) && b >= 0 && b < (INT64_C(1) << 32))
            return ((uint64_t)a << 32) | (uint64_t)b;
    }
    buf kb = {0};
    for (int i = 0; i < t->npk; i++)
        put_value(&kb, v[t->pk[i]]);
    if (!t->npk)
        for (int i = 0; i < t->ncol; i++)
            put_value(&kb, v[i]);
    unsigned char h[8] = {0};
    crypto_generichash(h, sizeof h, kb.p, kb.n, NULL, 0);
    free(kb.p);
    return load64(h);
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

/* ---- the key --------------------------------------------------------------------- */

/* The key file: 64 hexadecimal digits (32 bytes) and a newline, made by
 * jiuzhu when the database gets its keyed chain.  Subkeys for the rows, the
 * chain, the encryption of fingerprints and the key's public fingerprint
 * are derived from it (crypto_kdf, context "jzaudit1"). */
enum { SUB_ROWS = 1, SUB_MAC = 2, SUB_ENC = 3, SUB_ID = 4 };

typedef struct keys {
    bool have;
    char path[4096];
    unsigned char rows[32], mac[32], enc[32];
    char id[17]; /* hex of 8 bytes of SUB_ID */
} keys;

static void key_path(const char *db_path, char *out, size_t n)
{
    const char *env = getenv("JIUZHU_AUDIT_KEY");
    if (env && env[0])
        snprintf(out, n, "%s", env);
    else
        snprintf(out, n, "%s.audit-key", db_path ? db_path : "");
}

static void derive(keys *k, const unsigned char master[32])
{
    unsigned char id[16];
    crypto_kdf_derive_from_key(k->rows, sizeof k->rows, SUB_ROWS, "jzaudit1", master);
    crypto_kdf_derive_from_key(k->mac, sizeof k->mac, SUB_MAC, "jzaudit1", master);
    crypto_kdf_derive_from_key(k->enc, sizeof k->enc, SUB_ENC, "jzaudit1", master);
    crypto_kdf_derive_from_key(id, sizeof id, SUB_ID, "jzaudit1", master);
    sodium_bin2hex(k->id, sizeof k->id, id, 8);
    k->have = true;
}

/* Reads the key at k->path: JZ_ENOTFOUND when there is no such file. */
static jz_err load_key(keys *k, jz_error *err)
{
    int fd = open(k->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT
                   ? jz_error_set(err, JZ_ENOTFOUND, "audit_key", k->path,
                                  "找不到审计密钥文件（环境变量 JIUZHU_AUDIT_KEY 指定其路径，"
                                  "默认是数据库旁的 数据库.audit-key）")
                   : jz_error_set(err, JZ_EIO, "audit_key", k->path, "无法读取审计密钥文件：%s",
                                  strerror(errno));
    char text[130];
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    unsigned char master[32];
    size_t len = 0;
    if (n >= 64) {
        text[n] = '\0';
        if (sodium_hex2bin(master, sizeof master, text, 64, NULL, &len, NULL) != 0)
            len = 0;
    }
    if (len != sizeof master || (n > 64 && strspn(text + 64, "\r\n") != (size_t)(n - 64))) {
        sodium_memzero(text, sizeof text);
        return jz_error_set(err, JZ_EINPUT, "audit_key", k->path,
                            "审计密钥文件格式不对（应为一行 64 位十六进制数字）");
    }
    derive(k, master);
    sodium_memzero(master, sizeof master);
    sodium_memzero(text, sizeof text);
    return JZ_OK;
}

/* Makes a new key at k->path (0600, never over an existing file). */
static jz_err make_key(keys *k, jz_error *err)
{
    unsigned char master[32];
    char text[66];
    randombytes_buf(master, sizeof master);
    sodium_bin2hex(text, sizeof text - 1, master, sizeof master);
    text[64] = '\n';
    text[65] = '\0';
    int fd = open(k->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    jz_err rc = JZ_OK;
    if (fd < 0 || write(fd, text, 65) != 65 || fsync(fd) != 0)
        rc = jz_error_set(err, JZ_EIO, "audit_key", k->path, "无法创建审计密钥文件：%s",
                          strerror(errno));
    if (fd >= 0 && close(fd) != 0 && !rc)
        rc = jz_error_set(err, JZ_EIO, "audit_key", k->path, "无法创建审计密钥文件：%s",
                          strerror(errno));
    if (rc && fd >= 0)
        unlink(k->path); /* ours, half written; never a file that was there */
    else if (!rc)
        derive(k, master);
    sodium_memzero(master, sizeof master);
    sodium_memzero(text, sizeof text);
    return rc;
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
    if (k && k->have) {
        /* sip = BLAKE2b-128(rows key; "jiuzhu-row-v1", name, NUL, columns). */
        crypto_generichash_state h;
        unsigned char nc[4] = {(unsigned char)(t->ncol >> 24), (unsigned char)(t->ncol >> 16),
                               (unsigned char)(t->ncol >> 8), (unsigned char)t->ncol};
        crypto_generichash_init(&h, k->rows, sizeof k->rows, sizeof t->sip);
        crypto_generichash_update(&h, (const unsigned char *)"jiuzhu-row-v1", 13);
        crypto_generichash_update(&h, (const unsigned char *)name, strlen(name) + 1);
        crypto_generichash_update(&h, nc, sizeof nc);
        crypto_generichash_final(&h, t->sip, sizeof t->sip);
    }
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
            fp_put(f, NULL, +1, key, d);
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

/* ---- fingerprints in the log: encrypted, only the cells in use ------------------- */

enum { STATE_CHANGE = 0, STATE_FULL = 1 };

static void put_cells(buf *b, const char *name, const fp *f)
{
    int used = 0;
    for (int i = 0; i < CELLS; i++)
        used += !cell_zero(&f->c[i]);
    size_t n = strlen(name);
    put_varint(b, n);
    put(b, name, n);
    put_varint(b, zigzag(f->added));
    put_varint(b, zigzag(f->removed));
    put_varint(b, (uint64_t)used);
    for (int i = 0; i < CELLS; i++) {
        const cell *c = &f->c[i];
        if (cell_zero(c))
            continue;
        unsigned char idx = (unsigned char)i;
        put(b, &idx, 1);
        put_varint(b, zigzag(c->n));
        put_u64le(b, c->key);
        put_u64le(b, c->chk);
        for (int w = 0; w < DW; w++)
            put_u64le(b, c->d[w]);
    }
}

/* Encrypts b's plain text in place as: 1, nonce (24), XChaCha20(text). */
static bool seal(const keys *k, const buf *plain, buf *out)
{
    unsigned char head[1 + crypto_stream_xchacha20_NONCEBYTES];
    head[0] = 1;
    randombytes_buf(head + 1, sizeof head - 1);
    out->n = 0;
    put(out, head, sizeof head);
    put(out, plain->p, plain->n);
    if (out->oom)
        return false;
    crypto_stream_xchacha20_xor(out->p + sizeof head, out->p + sizeof head, plain->n, head + 1,
                                k->enc);
    return true;
}

typedef struct reader {
    const unsigned char *p, *end;
    bool bad;
} reader;

static uint64_t get_varint(reader *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end) {
            r->bad = true;
            return 0;
        }
        unsigned char c = *r->p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return v;
    }
    r->bad = true;
    return 0;
}

static int64_t unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static uint64_t get_u64le(reader *r)
{
    if (r->end - r->p < 8) {
        r->bad = true;
        return 0;
    }
    uint64_t v = load64(r->p);
    r->p += 8;
    return v;
}

/* ---- the connection's state --------------------------------------------------------- */

struct jz__sq_audit {
    sq *q;
    sqlite3 *db;
    keys k;
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
    fp_put(&t->st, t->st_mask, sign, key, d);
}

/* Tag 1 and the zigzag varint of an integer, as put_value writes them;
 * returns the bytes written (at most 11). */
static size_t enc_int(unsigned char *p, int64_t v)
{
    unsigned char *o = p;
    uint64_t z = zigzag(v);
    *p++ = 1;
    while (z >= 0x80) {
        *p++ = (unsigned char)(z | 0x80);
        z >>= 7;
    }
    *p++ = (unsigned char)z;
    return (size_t)(p - o);
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
        size_t n = enc_int(head, rowid);
        start = 11 - n;
        memcpy(b->p + start, head, n);
        key = (uint64_t)rowid;
    } else {
        int64_t k0 = a->given.ints[t->pk[0]];
        int64_t k1 = t->key_kind == KEY_INT2 ? a->given.ints[t->pk[1]] : 0;
        key = t->key_kind == KEY_COL ? (uint64_t)k0 : ((uint64_t)k0 << 32) | (uint64_t)k1;
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
    digest_of(t, b->p + start, b->n - start, d);
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
                cell_sub(&given.c[i], &before.c[i]);
                cell_sub(&given.c[i], &t->st.c[i]);
                cell_add(&given.c[i], &before.c[i]);
                if (!cell_zero(&given.c[i]))
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
    b->n += enc_int(b->p + b->n, v);
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
    unsigned char tag = 3;
    put(&a->given.b, &tag, 1);
    put_varint(&a->given.b, n);
    put(&a->given.b, s, n);
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
    if (!a->given.first && t->key_kind == KEY_INT2) {
        int64_t k0 = a->given.ints[t->pk[0]], k1 = a->given.ints[t->pk[1]];
        if (!(k0 >= 0 && k0 < (INT64_C(1) << 32) && k1 >= 0 && k1 < (INT64_C(1) << 32)))
            return; /* such a key is hashed (row_key) */
    }
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
                    cell_add(&t->tx.c[i], &t->st.c[i]);
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

static void tx_reset(struct jz__sq_audit *a)
{
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
        if (a->ts.t[i]->tx_used && !fp_zero(&a->ts.t[i]->tx))
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
    drop_held(a);
    tables_clear(&a->ts);
    free(a->st_list);
    free(a->b.p);
    free(a->given.b.p);
    sodium_memzero(&a->k, sizeof a->k);
    free(a);
}

/* ---- appending entries --------------------------------------------------------------- */

static void put_u64be(unsigned char b[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        b[i] = (unsigned char)(v & 0xff);
}

/* Before schema 5: hash = SHA-256(prev, seq, county, at, actor, action,
 * entity, before, after), each text preceded by its length. */
static void chain_sha(const unsigned char prev[32], int64_t seq, const char *const f[7],
                      const size_t n[7], unsigned char out[32])
{
    crypto_hash_sha256_state h;
    unsigned char b[8];
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, prev, 32);
    put_u64be(b, (uint64_t)seq);
    crypto_hash_sha256_update(&h, b, 8);
    for (int i = 0; i < 7; i++) {
        put_u64be(b, n[i]);
        crypto_hash_sha256_update(&h, b, 8);
        crypto_hash_sha256_update(&h, (const unsigned char *)f[i], n[i]);
    }
    crypto_hash_sha256_final(&h, out);
}

/* From the audit.key entry on: hash = HMAC-SHA-256(chain key,
 * "jiuzhu-audit-v2", prev, seq, county, at, actor, action, entity, before,
 * after, state), each text or blob preceded by its length (8 bytes, big
 * endian). */
static void chain_mac(const keys *k, const unsigned char prev[32], int64_t seq,
                      const char *const f[7], const size_t n[7], const void *state, size_t nstate,
                      unsigned char out[32])
{
    crypto_auth_hmacsha256_state h;
    unsigned char b[8];
    crypto_auth_hmacsha256_init(&h, k->mac, sizeof k->mac);
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)"jiuzhu-audit-v2", 15);
    crypto_auth_hmacsha256_update(&h, prev, 32);
    put_u64be(b, (uint64_t)seq);
    crypto_auth_hmacsha256_update(&h, b, 8);
    for (int i = 0; i < 7; i++) {
        put_u64be(b, n[i]);
        crypto_auth_hmacsha256_update(&h, b, 8);
        crypto_auth_hmacsha256_update(&h, (const unsigned char *)f[i], n[i]);
    }
    put_u64be(b, nstate);
    crypto_auth_hmacsha256_update(&h, b, 8);
    if (nstate)
        crypto_auth_hmacsha256_update(&h, state, nstate);
    crypto_auth_hmacsha256_final(&h, out);
}

static jz_err no_key(struct jz__sq_audit *a, jz_error *err)
{
    return jz_error_set(err, JZ_EINPUT, "audit_key", a->k.path,
                        "缺少审计密钥，不能写入（数据库的审计日志带密钥；密钥文件由环境变量 "
                        "JIUZHU_AUDIT_KEY 指定，默认在数据库旁）；只读命令不受影响");
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
    if (sqlite3_prepare_v2(q->db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", -1, &st,
                           NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "读取审计日志");
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        seq = sqlite3_column_int64(st, 0) + 1;
        if (sqlite3_column_bytes(st, 1) == 32)
            memcpy(prev, sqlite3_column_blob(st, 1), 32);
    }
    sqlite3_finalize(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return jz__sq_error(q, err, "读取审计日志");
    const char *f[7];
    size_t n[7];
    for (int i = 0; i < 7; i++)
        f[i] = fin[i] ? fin[i] : "";
    for (int i = 0; i < 7; i++)
        n[i] = strlen(f[i]);
    unsigned char h[32];
    if (keyed)
        chain_mac(&a->k, prev, seq, f, n, state, nstate, h);
    else
        chain_sha(prev, seq, f, n, h);
    if (sqlite3_prepare_v2(q->db,
                           keyed ? "INSERT INTO audit(seq, county, at, actor, action, entity,"
                                   " before, after, prev, hash, state)"
                                   " VALUES(?,?,?,?,?,?,?,?,?,?,?)"
                                 : "INSERT INTO audit(seq, county, at, actor, action, entity,"
                                   " before, after, prev, hash) VALUES(?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "写入审计日志");
    sqlite3_bind_int64(st, 1, seq);
    for (int i = 0; i < 7; i++)
        sqlite3_bind_text(st, 2 + i, f[i], (int)n[i], SQLITE_STATIC);
    sqlite3_bind_blob(st, 9, prev, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 10, h, 32, SQLITE_STATIC);
    if (keyed)
        sqlite3_bind_blob(st, 11, nstate ? state : "", (int)nstate, SQLITE_STATIC);
    s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return jz__sq_error(q, err, "写入审计日志");
    /* The newest entry, for a quick look and for verify's message when the
     * last entries were deleted (not covered by the fingerprints: it names
     * the entry that would have to commit to it). */
    char head[96], hx[65];
    sodium_bin2hex(hx, sizeof hx, h, 32);
    snprintf(head, sizeof head, "%lld:%s", (long long)seq, hx);
    if (sqlite3_prepare_v2(q->db, "INSERT OR REPLACE INTO meta(key, value) VALUES('audit_head', ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return jz__sq_error(q, err, "写入审计日志");
    sqlite3_bind_text(st, 1, head, -1, SQLITE_STATIC);
    s = sqlite3_step(st);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? JZ_OK : jz__sq_error(q, err, "写入审计日志");
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
    jz__sq_now(at, sizeof at);
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
    jz__sq_now(at, sizeof at);
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
    buf plain = {0};
    unsigned char head[2] = {1, (unsigned char)kind};
    put(&plain, head, 2);
    put_varint(&plain, n);
    for (size_t i = 0; i < n; i++) {
        put_cells(&plain, t[i]->name, f[i]);
        json_t *c = rows ? json_integer(rows[i])
                         : json_pack("{s:I,s:I}", "added", (json_int_t)f[i]->added, "removed",
                                     (json_int_t)f[i]->removed);
        json_object_set_new(counts, t[i]->name, c);
    }
    bool ok = !plain.oom && seal(&a->k, &plain, out);
    sodium_memzero(plain.p, plain.n);
    free(plain.p);
    return ok ? JZ_OK : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
}

jz_err jz__sq_audit_commit(sq *q, jz_error *err)
{
    /* The households the transaction stored: one entry (sqlite_proc.c's
     * note, kept here beside the rest of the log). */
    jz_err rc = jz__sq_batch_flush(q, err);
    struct jz__sq_audit *a = q->audit;
    if (rc || !a || !a->on)
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
        if (t->tx_used && (!fp_zero(&t->tx) || t->tx.added || t->tx.removed)) {
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
    rc = state_blob(a, STATE_CHANGE, fs, tl, n, NULL, &blob, counts, err);
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
        fp *gone = malloc(sizeof *gone);
        int64_t rows = 0;
        if (a->n_st)
            statement_end(a, sqlite3_changes64(a->db) > 0);
        rc = gone ? table_scan(a->db, t, gone, &rows, err)
                  : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        if (!rc) {
            sqlite3_preupdate_hook(a->db, NULL, NULL);
            rc = jz__sq_exec(q, sql, err);
            sqlite3_preupdate_hook(a->db, on_change, a);
        }
        if (!rc) {
            for (int i = 0; i < CELLS; i++)
                cell_sub(&t->tx.c[i], &gone->c[i]);
            t->tx.removed += rows;
            t->tx_used = true;
        }
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
        rc = load_key(&a->k, err);
        if (rc == JZ_ENOTFOUND) {
            jz_error_clear(err);
            rc = make_key(&a->k, err);
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
        rc = state_blob(a, STATE_FULL, fs, a->ts.t, n, rows, &blob, counts, err);
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
    if (rebase(a, reason ? reason : "", &err) != JZ_OK) {
        char msg[512];
        jz_error_format(&err, msg, sizeof msg);
        sqlite3_result_error(ctx, msg, -1);
        return;
    }
    sqlite3_result_null(ctx);
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
    key_path(path, a->k.path, sizeof a->k.path);
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
    if (load_key(&a->k, &kerr) != JZ_OK && kerr.code != JZ_ENOTFOUND) {
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
        if (!rc && !(rc = jz__sq_exec(q,
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

/* ---- households written in a transaction ------------------------------------ */

/* The IDs of the households a transaction stores, and the records they
 * replaced, become one audit entry when it commits (an import's batch: one
 * entry per 100,000 households, not one per household). */
void jz__sq_batch_note(sq *q, const char *household_id, const char *replaced_record)
{
    json_t *ids = q->batch.ids ? q->batch.ids : (q->batch.ids = json_array());
    if (ids)
        json_array_append_new(ids, json_string(household_id));
    if (replaced_record) {
        json_t *rep = q->batch.replaced ? q->batch.replaced : (q->batch.replaced = json_object());
        if (rep)
            json_object_set_new(rep, household_id, json_string(replaced_record));
    }
}

void jz__sq_batch_source(sq *q, const char *what)
{
    snprintf(q->batch.source, sizeof q->batch.source, "%s", what);
}

jz_err jz__sq_batch_flush(sq *q, jz_error *err)
{
    if (!q->batch.ids || json_array_size(q->batch.ids) == 0)
        return JZ_OK;
    json_t *after = json_pack("{s:s,s:I,s:O}", "source", q->batch.source, "households",
                              (json_int_t)json_array_size(q->batch.ids), "ids", q->batch.ids);
    json_t *before = q->batch.replaced ? json_pack("{s:O}", "replaced", q->batch.replaced) : NULL;
    char *a = after ? json_dumps(after, JSON_COMPACT) : NULL;
    char *b = before ? json_dumps(before, JSON_COMPACT) : NULL;
    jz_err rc =
        a ? jz__sq_audit(q, q->batch.county, "households.put",
                         q->batch.source[0] ? q->batch.source : "households", b ? b : "", a, err)
          : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    free(a);
    free(b);
    json_decref(after);
    json_decref(before);
    jz__sq_batch_reset(q);
    return rc;
}

void jz__sq_batch_reset(sq *q)
{
    json_decref(q->batch.ids);
    json_decref(q->batch.replaced);
    q->batch.ids = q->batch.replaced = NULL;
}

/* ---- verifying ------------------------------------------------------------------------ */

typedef struct expect {
    char *name;
    fp f;
} expect;

typedef struct verifier {
    keys k;
    expect **e;
    size_t n;
    bool oom;
} verifier;

static expect *expect_get(verifier *v, const char *name, size_t len)
{
    for (size_t i = 0; i < v->n; i++)
        if (strlen(v->e[i]->name) == len && memcmp(v->e[i]->name, name, len) == 0)
            return v->e[i];
    expect **ne = realloc(v->e, (v->n + 1) * sizeof *ne);
    expect *x = calloc(1, sizeof *x);
    char *nm = malloc(len + 1);
    if (ne)
        v->e = ne;
    if (!ne || !x || !nm) {
        free(x);
        free(nm);
        v->oom = true;
        return NULL;
    }
    memcpy(nm, name, len);
    nm[len] = '\0';
    x->name = nm;
    v->e[v->n++] = x;
    return x;
}

static void verifier_free(verifier *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->e[i]->name);
        free(v->e[i]);
    }
    free(v->e);
    sodium_memzero(&v->k, sizeof v->k);
}

/* Adds an entry's sealed fingerprints to the expected ones (a full set
 * replaces them).  False if it cannot be read: the entry is then wrong,
 * although its MAC held, which only a wrong build could do. */
static bool apply_state(verifier *v, const unsigned char *blob, size_t n)
{
    enum { HEAD = 1 + crypto_stream_xchacha20_NONCEBYTES };
    if (n == 0)
        return true;
    if (n < HEAD + 2 || blob[0] != 1)
        return false;
    unsigned char *plain = malloc(n - HEAD);
    if (!plain) {
        v->oom = true;
        return false;
    }
    crypto_stream_xchacha20_xor(plain, blob + HEAD, n - HEAD, blob + 1, v->k.enc);
    reader r = {plain + 2, plain + (n - HEAD), false};
    bool ok = plain[0] == 1 && plain[1] <= STATE_FULL;
    if (ok && plain[1] == STATE_FULL)
        for (size_t i = 0; i < v->n; i++)
            memset(&v->e[i]->f, 0, sizeof v->e[i]->f);
    uint64_t nt = ok ? get_varint(&r) : 0;
    for (uint64_t t = 0; ok && t < nt && !r.bad; t++) {
        uint64_t len = get_varint(&r);
        if (r.bad || len > (uint64_t)(r.end - r.p) || len == 0) {
            ok = false;
            break;
        }
        expect *x = expect_get(v, (const char *)r.p, (size_t)len);
        r.p += len;
        if (!x) {
            ok = false;
            break;
        }
        x->f.added += unzigzag(get_varint(&r));
        x->f.removed += unzigzag(get_varint(&r));
        uint64_t nc = get_varint(&r);
        for (uint64_t c = 0; c < nc && !r.bad; c++) {
            if (r.p >= r.end || *r.p >= CELLS) {
                r.bad = true;
                break;
            }
            cell d;
            int idx = *r.p++;
            d.n = unzigzag(get_varint(&r));
            d.key = get_u64le(&r);
            d.chk = get_u64le(&r);
            for (int w = 0; w < DW; w++)
                d.d[w] = get_u64le(&r);
            if (!r.bad)
                cell_add(&x->f.c[idx], &d);
        }
    }
    ok = ok && !r.bad && r.p == r.end;
    sodium_memzero(plain, n - HEAD);
    free(plain);
    return ok;
}

typedef struct found {
    int sign; /* +1: in the table, not in the log; -1: in the log, not in the table */
    uint64_t key;
} found;

/* Peels the difference of two fingerprints into rows; false if rows are
 * left that cannot be told apart (too many differences). */
static bool peel(fp *diff, found *out, int cap, int *n)
{
    *n = 0;
    for (bool again = true; again;) {
        again = false;
        for (int i = 0; i < CELLS; i++) {
            cell *c = &diff->c[i];
            if (c->n != 1 && c->n != -1)
                continue;
            int sign = (int)c->n;
            uint64_t d[DW], key = sign > 0 ? c->key : (uint64_t)0 - c->key;
            uint64_t chk = sign > 0 ? c->chk : (uint64_t)0 - c->chk;
            memcpy(d, c->d, sizeof d);
            if (sign < 0)
                neg_d(d);
            if (check(d) != chk || cell_of(d, i / PART) != i)
                continue;
            fp_put(diff, NULL, -sign, key, d);
            if (*n < cap)
                out[(*n)++] = (found){sign, key};
            again = true;
        }
    }
    return fp_zero(diff);
}

typedef struct text {
    char *p;
    size_t cap, len;
} text;

static void say(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(text *t, const char *fmt, ...)
{
    if (t->len + 1 >= t->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (k > 0)
        t->len += (size_t)k < t->cap - t->len ? (size_t)k : t->cap - t->len - 1;
}

/* Names a row of t by its key: the key columns' values, and the household
 * where the key starts with hh. */
static void name_row(sqlite3 *db, const table *t, uint64_t key, bool present, text *out)
{
    int64_t hh = -1;
    if (t->key_kind == KEY_COL) {
        say(out, "%s=%lld", t->col[t->pk[0]].name, (long long)key);
        if (strcmp(t->col[t->pk[0]].name, "hh") == 0)
            hh = (int64_t)key;
    } else if (t->key_kind == KEY_INT2) {
        say(out, "%s=%lld, %s=%lld", t->col[t->pk[0]].name, (long long)(key >> 32),
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
                    say(out, "%s%s=%.60s", i ? ", " : "", t->col[c].name,
                        (const char *)sqlite3_column_text(st, c));
                }
                named = true;
            }
        }
        sqlite3_finalize(st);
        if (!named)
            say(out, "主键摘要 %016llx", (unsigned long long)key);
    } else {
        say(out, "主键摘要 %016llx，已无法还原", (unsigned long long)key);
    }
    if (hh >= 0) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, "SELECT household_id FROM households WHERE hh = ?", -1, &st,
                               NULL) == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, hh);
            if (sqlite3_step(st) == SQLITE_ROW)
                say(out, "，户 %.40s", (const char *)sqlite3_column_text(st, 0));
        }
        sqlite3_finalize(st);
    }
}

/* One line about a table that differs from what the log committed to. */
static void describe(sqlite3 *db, const table *t, const char *name, fp *diff, int64_t rows,
                     int64_t logged, text *out)
{
    found f[2 * CELLS];
    int n = 0;
    bool all = t && peel(diff, f, 2 * CELLS, &n);
    say(out, "表 %s：", name);
    if (!t) {
        say(out, "整张表已不在数据库中（审计日志记录有 %lld 行）\n", (long long)logged);
        return;
    }
    static const char *const what[3] = {"改动", "增加", "删除"};
    bool first = true;
    for (int kind = 0; kind < 3 && all; kind++) {
        /* A key found on both sides is a changed row; on one side only, a row
         * added outside jiuzhu (it is in the table) or deleted (it is not). */
        int count = 0;
        for (int pass = 0; pass < 2; pass++) {
            int listed = 0;
            for (int i = 0; i < n; i++) {
                bool pair = false;
                for (int j = 0; j < n; j++)
                    pair |= j != i && f[j].key == f[i].key && f[j].sign == -f[i].sign;
                int k = pair ? 0 : f[i].sign > 0 ? 1 : 2;
                if (k != kind || (pair && f[i].sign < 0))
                    continue;
                if (pass == 0) {
                    count++;
                    continue;
                }
                if (listed == 5) {
                    say(out, " 等");
                    break;
                }
                say(out, "%s", listed++ ? "、" : "");
                name_row(db, t, f[i].key, kind != 2, out);
            }
            if (pass == 0 && !count)
                break;
            if (pass == 0)
                say(out, "%s%s %d 行（", first ? "" : "；", what[kind], count);
            else
                say(out, "）");
            first = false;
        }
    }
    if (!all)
        say(out, "现有 %lld 行（审计日志记录 %lld 行），内容与日志不符；改动的行太多，无法逐行列出",
            (long long)rows, (long long)logged);
    say(out, "\n");
}

jz_err jz__sq_audit_verify(void *impl, jz_audit_report *rep, jz_error *err)
{
    sq *q = impl;
    memset(rep, 0, sizeof *rep);
    if (sodium_init() < 0)
        return jz_error_set(err, JZ_EIO, NULL, NULL, "无法初始化 libsodium");
    verifier v;
    memset(&v, 0, sizeof v);
    /* The key says whether the chain must be keyed, not the file: a file
     * whose schema version or log was taken back to before schema 5 is a
     * downgrade, not an old file, when there is a key for it.  Without a key
     * only a file older than schema 5 verifies (as it always did). */
    key_path(sqlite3_db_filename(q->db, "main"), v.k.path, sizeof v.k.path);
    jz_err rc = load_key(&v.k, err);
    if (rc && (rc != JZ_ENOTFOUND || q->version >= 5)) {
        if (rc == JZ_ENOTFOUND)
            jz_error_set(err, JZ_ENOTFOUND, "audit_key", v.k.path,
                         "校验需要审计密钥：找不到密钥文件（由环境变量 JIUZHU_AUDIT_KEY "
                         "指定，默认在数据库旁的 数据库.audit-key）");
        return rc;
    }
    jz_error_clear(err);
    rc = JZ_OK;
    bool keyed_db = v.k.have, has_state = false;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, "SELECT 1 FROM pragma_table_info('audit') WHERE name = 'state'",
                           -1, &st, NULL) == SQLITE_OK)
        has_state = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (keyed_db)
        snprintf(rep->key_id, sizeof rep->key_id, "%s", v.k.id);
    if (sqlite3_prepare_v2(q->db,
                           has_state
                               ? "SELECT seq, county, at, actor, action, entity, before, after,"
                                 " prev, hash, state FROM audit ORDER BY seq"
                               : "SELECT seq, county, at, actor, action, entity, before, after,"
                                 " prev, hash, NULL FROM audit ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK) {
        verifier_free(&v);
        return jz__sq_error(q, err, "读取审计日志");
    }
    unsigned char prev[32] = {0};
    int64_t expect_seq = 1;
    bool keyed = false;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        const char *f[7];
        size_t n[7];
        for (int i = 0; i < 7; i++) {
            const unsigned char *t = sqlite3_column_text(st, 1 + i);
            f[i] = t ? (const char *)t : "";
            n[i] = (size_t)sqlite3_column_bytes(st, 1 + i);
        }
        const void *sp = sqlite3_column_blob(st, 8), *sh = sqlite3_column_blob(st, 9);
        bool sized = sqlite3_column_bytes(st, 8) == 32 && sqlite3_column_bytes(st, 9) == 32;
        const unsigned char *state = sqlite3_column_blob(st, 10);
        size_t nstate = (size_t)sqlite3_column_bytes(st, 10);
        unsigned char h[32];
        rep->rows++;
        if (seq != expect_seq) {
            rep->bad_seq = seq;
            snprintf(rep->problem, sizeof rep->problem,
                     seq > expect_seq ? "第 %lld 条之前缺少第 %lld 条（被删除）"
                                      : "第 %lld 条的序号不对（应为第 %lld 条：插入或改动了序号）",
                     (long long)seq, (long long)expect_seq);
            break;
        }
        if (!sized || memcmp(sp, prev, 32) != 0) {
            rep->bad_seq = seq;
            snprintf(rep->problem, sizeof rep->problem,
                     "第 %lld 条与前一条的链接不符（在它之前插入、删除或改动了记录）",
                     (long long)seq);
            break;
        }
        /* The chain is keyed from its audit.key entry on; before it, plain
         * SHA-256 (entries written before schema 5). */
        if (!keyed && keyed_db && strcmp(f[3], "audit.key") == 0) {
            keyed = true;
            rep->keyed_from = seq;
        }
        if (keyed)
            chain_mac(&v.k, prev, seq, f, n, state, nstate, h);
        else
            chain_sha(prev, seq, f, n, h);
        if (memcmp(sh, h, 32) != 0) {
            rep->bad_seq = seq;
            if (keyed && seq == rep->keyed_from && !strstr(f[6], v.k.id))
                snprintf(rep->problem, sizeof rep->problem,
                         "审计密钥（编号 %s）不是这个数据库的密钥（第 %lld 条记录了建立审计日志时的"
                         "密钥编号），或该条被改动",
                         v.k.id, (long long)seq);
            else
                snprintf(rep->problem, sizeof rep->problem,
                         keyed ? "第 %lld 条的内容与其哈希不符（哈希带密钥：记录被修改或伪造）"
                               : "第 %lld 条的内容与其哈希不符（记录被修改）",
                         (long long)seq);
            break;
        }
        if (keyed && !apply_state(&v, state, nstate)) {
            rep->bad_seq = seq;
            snprintf(rep->problem, sizeof rep->problem, "第 %lld 条记录的数据指纹无法读取",
                     (long long)seq);
            break;
        }
        memcpy(prev, h, 32);
        rep->head_seq = seq;
        expect_seq = seq + 1;
    }
    sqlite3_finalize(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE) {
        verifier_free(&v);
        return jz__sq_error(q, err, "读取审计日志");
    }
    sodium_bin2hex(rep->head_hash, sizeof rep->head_hash, prev, 32);
    if (!rep->bad_seq && keyed_db && !keyed) {
        rep->bad_seq = rep->head_seq + 1;
        if (q->version >= 5 && has_state)
            snprintf(rep->problem, sizeof rep->problem,
                     "审计日志中没有带密钥的部分（audit.key）：日志被整体替换");
        else
            snprintf(rep->problem, sizeof rep->problem,
                     "有审计密钥，审计日志却不带密钥（数据库模式版本 %d）：数据库被降级或替换；"
                     "若确是旧版数据库，用 jiuzhu 写入一次即升级",
                     q->version);
    }
    if (!rep->bad_seq) {
        /* The newest entry must be the one the last append recorded: a
         * deleted tail leaves a shorter but consistent chain. */
        char head[96] = "";
        if (sqlite3_prepare_v2(q->db, "SELECT value FROM meta WHERE key = 'audit_head'", -1, &st,
                               NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            jz__sq_copy_text(head, sizeof head, st, 0);
        sqlite3_finalize(st);
        char mine[96];
        snprintf(mine, sizeof mine, "%lld:%s", (long long)rep->head_seq, rep->head_hash);
        if ((head[0] || rep->rows) && strcmp(head, mine) != 0) {
            rep->bad_seq = rep->head_seq + 1;
            snprintf(rep->problem, sizeof rep->problem,
                     "日志末尾与最后一次写入的记录（%.80s）不符：最后的记录被删除或改动",
                     head[0] ? head : "无");
        }
    }
    if (v.oom)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    /* The data: every table's rows against what the log committed to. */
    if (!rc && !rep->bad_seq && keyed) {
        tables ts = {0};
        text out = {rep->data, sizeof rep->data, 0};
        rep->data[0] = '\0';
        rc = tables_load(q->db, &v.k, &ts, err);
        fp *actual = rc ? NULL : malloc(sizeof *actual);
        if (!rc && !actual)
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        for (size_t i = 0; !rc && i < ts.n; i++) {
            table *t = ts.t[i];
            int64_t rows = 0;
            if ((rc = table_scan(q->db, t, actual, &rows, err)))
                break;
            rep->tables++;
            rep->data_rows += rows;
            expect *x = expect_get(&v, t->name, strlen(t->name));
            if (!x) {
                rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                break;
            }
            int64_t logged = 0;
            for (int c = 0; c < CELLS; c++) {
                logged += x->f.c[c].n;
                cell_sub(&actual->c[c], &x->f.c[c]);
            }
            if (!fp_zero(actual)) {
                rep->data_problems++;
                describe(q->db, t, t->name, actual, rows, logged / 3, &out);
            }
        }
        for (size_t i = 0; !rc && i < v.n; i++) {
            if (tables_find(&ts, v.e[i]->name) || fp_zero(&v.e[i]->f))
                continue;
            int64_t logged = 0;
            for (int c = 0; c < CELLS; c++)
                logged += v.e[i]->f.c[c].n;
            rep->data_problems++;
            describe(q->db, NULL, v.e[i]->name, &v.e[i]->f, 0, logged / 3, &out);
        }
        free(actual);
        tables_clear(&ts);
    }
    verifier_free(&v);
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
    sqlite3_finalize(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return jz__sq_error(q, err, "读取审计日志");
    return hex[0] ? JZ_OK
                  : jz_error_set(err, JZ_ENOTFOUND, "seq", NULL, "审计日志中没有第 %lld 条",
                                 (long long)seq);
}
