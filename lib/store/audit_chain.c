/*
 * audit_chain.c - the audit log's rules, the same for every backend
 * (audit_chain.h, docs/integrity.md).
 *
 * The log is a chain: each entry carries the previous entry's hash and its
 * own.  Entries written before schema 5 are hashed with SHA-256, as they
 * always were.  From the `audit.key` entry (written by the migration to
 * schema 5, or by `jiuzhu init`) on, each entry is authenticated with
 * HMAC-SHA-256 under a key that is not in the database (the audit key
 * file), so the chain can no longer be rewritten by whoever can write the
 * database.
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
 * that sum to a given fingerprint.  A write transaction's last entry holds
 * what the transaction changed in each table's fingerprint, encrypted under
 * the key so that no row's digest is ever visible.  Verifying adds up these
 * changes along the chain and compares the sum with the fingerprints
 * recomputed from the tables: a table that differs was written outside
 * jiuzhu, and the difference of the two fingerprints, peeled, gives back the
 * rows that were changed, added or deleted, as long as they are few.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "audit_chain.h"

#define PART JZ__FP_PART
#define CELLS JZ__FP_CELLS
#define DW JZ__FP_DW

/* ---- fingerprints ------------------------------------------------------------ */

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

static void cell_put(jz__cell *c, int sign, uint64_t key, uint64_t chk, const uint64_t d[DW])
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

void jz__cell_add(jz__cell *a, const jz__cell *b)
{
    a->n += b->n;
    a->key += b->key;
    a->chk += b->chk;
    add_d(a->d, b->d);
}

void jz__cell_sub(jz__cell *a, const jz__cell *b)
{
    a->n -= b->n;
    a->key -= b->key;
    a->chk -= b->chk;
    sub_d(a->d, b->d);
}

bool jz__cell_zero(const jz__cell *c)
{
    return !c->n && !c->key && !c->chk && !(c->d[0] | c->d[1]);
}

void jz__fp_put(jz__fp *f, uint64_t *mask, int sign, uint64_t key, const uint64_t d[DW])
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

bool jz__fp_zero(const jz__fp *f)
{
    for (int i = 0; i < CELLS; i++)
        if (!jz__cell_zero(&f->c[i]))
            return false;
    return true;
}

typedef struct found {
    int sign; /* +1: in the table, not in the log; -1: in the log, not in the table */
    uint64_t key;
} found;

/* Peels the difference of two fingerprints into rows; false if rows are
 * left that cannot be told apart (too many differences). */
static bool peel(jz__fp *diff, found *out, int cap, int *n)
{
    *n = 0;
    for (bool again = true; again;) {
        again = false;
        for (int i = 0; i < CELLS; i++) {
            jz__cell *c = &diff->c[i];
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
            jz__fp_put(diff, NULL, -sign, key, d);
            if (*n < cap)
                out[(*n)++] = (found){sign, key};
            again = true;
        }
    }
    return jz__fp_zero(diff);
}

/* ---- bytes ---------------------------------------------------------------------- */

void jz__abuf_put(jz__abuf *b, const void *p, size_t n)
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

void jz__abuf_varint(jz__abuf *b, uint64_t v)
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
    jz__abuf_put(b, t, n);
}

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static void put_u64le(jz__abuf *b, uint64_t v)
{
    unsigned char t[8];
    for (int i = 0; i < 8; i++, v >>= 8)
        t[i] = (unsigned char)(v & 0xff);
    jz__abuf_put(b, t, 8);
}

uint64_t jz__load64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* ---- a row's encoding: tag 0 null, 1 integer (zigzag varint), 2 real (its
 * bits, little-endian), 3 text and 4 blob (length varint, bytes) ---------- */

void jz__row_put_null(jz__abuf *b)
{
    unsigned char tag = 0;
    jz__abuf_put(b, &tag, 1);
}

void jz__row_put_int(jz__abuf *b, int64_t v)
{
    unsigned char tag = 1;
    jz__abuf_put(b, &tag, 1);
    jz__abuf_varint(b, zigzag(v));
}

void jz__row_put_real(jz__abuf *b, double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    unsigned char tag = 2;
    jz__abuf_put(b, &tag, 1);
    put_u64le(b, bits);
}

void jz__row_put_text(jz__abuf *b, const void *p, size_t n)
{
    unsigned char tag = 3;
    jz__abuf_put(b, &tag, 1);
    jz__abuf_varint(b, n);
    jz__abuf_put(b, p, n);
}

void jz__row_put_blob(jz__abuf *b, const void *p, size_t n)
{
    unsigned char tag = 4;
    jz__abuf_put(b, &tag, 1);
    jz__abuf_varint(b, n);
    if (n)
        jz__abuf_put(b, p, n);
}

/* ---- the key ---------------------------------------------------------------------- */

/* Subkeys for the rows, the chain, the encryption of fingerprints and the
 * key's public fingerprint (crypto_kdf, context "jzaudit1"). */
enum { SUB_ROWS = 1, SUB_MAC = 2, SUB_ENC = 3, SUB_ID = 4 };

void jz__audit_key_path(const char *db_path, char *out, size_t n)
{
    const char *env = getenv("JIUZHU_AUDIT_KEY");
    if (env && env[0])
        snprintf(out, n, "%s", env);
    else
        snprintf(out, n, "%s.audit-key", db_path ? db_path : "");
}

static void derive(jz__audit_keys *k, const unsigned char master[32])
{
    unsigned char id[16];
    crypto_kdf_derive_from_key(k->rows, sizeof k->rows, SUB_ROWS, "jzaudit1", master);
    crypto_kdf_derive_from_key(k->mac, sizeof k->mac, SUB_MAC, "jzaudit1", master);
    crypto_kdf_derive_from_key(k->enc, sizeof k->enc, SUB_ENC, "jzaudit1", master);
    crypto_kdf_derive_from_key(id, sizeof id, SUB_ID, "jzaudit1", master);
    sodium_bin2hex(k->id, sizeof k->id, id, 8);
    k->have = true;
}

jz_err jz__audit_key_load(jz__audit_keys *k, jz_error *err)
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

jz_err jz__audit_key_make(jz__audit_keys *k, jz_error *err)
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

jz_err jz__audit_no_key(const jz__audit_keys *k, jz_error *err)
{
    return jz_error_set(err, JZ_EINPUT, "audit_key", k->path,
                        "缺少审计密钥，不能写入（数据库的审计日志带密钥；密钥文件由环境变量 "
                        "JIUZHU_AUDIT_KEY 指定，默认在数据库旁）；只读命令不受影响");
}

/* ---- row digests -------------------------------------------------------------------- */

void jz__row_table_key(const jz__audit_keys *k, const char *name, int ncol,
                       unsigned char sip[JZ__ROW_KEY_BYTES])
{
    /* sip = BLAKE2b-128(rows key; "jiuzhu-row-v1", name, NUL, columns). */
    _Static_assert(JZ__ROW_KEY_BYTES == crypto_shorthash_siphashx24_KEYBYTES,
                   "a table's row key is a SipHash key");
    crypto_generichash_state h;
    unsigned char nc[4] = {(unsigned char)(ncol >> 24), (unsigned char)(ncol >> 16),
                           (unsigned char)(ncol >> 8), (unsigned char)ncol};
    crypto_generichash_init(&h, k->rows, sizeof k->rows, JZ__ROW_KEY_BYTES);
    crypto_generichash_update(&h, (const unsigned char *)"jiuzhu-row-v1", 13);
    crypto_generichash_update(&h, (const unsigned char *)name, strlen(name) + 1);
    crypto_generichash_update(&h, nc, sizeof nc);
    crypto_generichash_final(&h, sip, JZ__ROW_KEY_BYTES);
}

/* SipHash-2-4 with 128-bit output under the table's key.  A keyed PRF is
 * all the fingerprints need (without the key nobody can tell what a row's
 * digest is, and the sums are sealed in the log), and SipHash is 3 to 4
 * times faster here than BLAKE2b on rows of 60 to 650 bytes (measured with
 * libsodium 1.0.18). */
void jz__row_digest(const unsigned char sip[JZ__ROW_KEY_BYTES], const unsigned char *p, size_t n,
                    uint64_t d[DW])
{
    unsigned char out[crypto_shorthash_siphashx24_BYTES];
    crypto_shorthash_siphashx24(out, p, n, sip);
    d[0] = jz__load64(out);
    d[1] = jz__load64(out + 8);
}

bool jz__row_key_int2(int64_t a, int64_t b, uint64_t *key)
{
    if (!(a >= 0 && a < (INT64_C(1) << 32) && b >= 0 && b < (INT64_C(1) << 32)))
        return false;
    *key = ((uint64_t)a << 32) | (uint64_t)b;
    return true;
}

uint64_t jz__row_key_hash(const jz__abuf *kb)
{
    unsigned char h[8] = {0};
    crypto_generichash(h, sizeof h, kb->p, kb->n, NULL, 0);
    return jz__load64(h);
}

/* ---- fingerprints in the log: encrypted, only the cells in use ------------------- */

static void put_cells(jz__abuf *b, const char *name, const jz__fp *f)
{
    int used = 0;
    for (int i = 0; i < CELLS; i++)
        used += !jz__cell_zero(&f->c[i]);
    size_t n = strlen(name);
    jz__abuf_varint(b, n);
    jz__abuf_put(b, name, n);
    jz__abuf_varint(b, zigzag(f->added));
    jz__abuf_varint(b, zigzag(f->removed));
    jz__abuf_varint(b, (uint64_t)used);
    for (int i = 0; i < CELLS; i++) {
        const jz__cell *c = &f->c[i];
        if (jz__cell_zero(c))
            continue;
        unsigned char idx = (unsigned char)i;
        jz__abuf_put(b, &idx, 1);
        jz__abuf_varint(b, zigzag(c->n));
        put_u64le(b, c->key);
        put_u64le(b, c->chk);
        for (int w = 0; w < DW; w++)
            put_u64le(b, c->d[w]);
    }
}

/* Encrypts plain as: 1, nonce (24), XChaCha20(text). */
static bool seal(const jz__audit_keys *k, const jz__abuf *plain, jz__abuf *out)
{
    unsigned char head[1 + crypto_stream_xchacha20_NONCEBYTES];
    head[0] = 1;
    randombytes_buf(head + 1, sizeof head - 1);
    out->n = 0;
    jz__abuf_put(out, head, sizeof head);
    jz__abuf_put(out, plain->p, plain->n);
    if (out->oom)
        return false;
    crypto_stream_xchacha20_xor(out->p + sizeof head, out->p + sizeof head, plain->n, head + 1,
                                k->enc);
    return true;
}

jz_err jz__audit_state_seal(const jz__audit_keys *k, int kind, const char *const *names,
                            const jz__fp *const *f, size_t n, const int64_t *rows, jz__abuf *out,
                            json_t *counts, jz_error *err)
{
    jz__abuf plain = {0};
    unsigned char head[2] = {1, (unsigned char)kind};
    jz__abuf_put(&plain, head, 2);
    jz__abuf_varint(&plain, n);
    for (size_t i = 0; i < n; i++) {
        put_cells(&plain, names[i], f[i]);
        json_t *c = rows ? json_integer(rows[i])
                         : json_pack("{s:I,s:I}", "added", (json_int_t)f[i]->added, "removed",
                                     (json_int_t)f[i]->removed);
        json_object_set_new(counts, names[i], c);
    }
    bool ok = !plain.oom && seal(k, &plain, out);
    if (plain.p)
        sodium_memzero(plain.p, plain.n);
    free(plain.p);
    return ok ? JZ_OK : jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
}

/* ---- the chain ------------------------------------------------------------------------- */

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
static void chain_mac(const jz__audit_keys *k, const unsigned char prev[32], int64_t seq,
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

void jz__audit_entry_hash(const jz__audit_keys *k, const unsigned char prev[32], int64_t seq,
                          const char *const f[JZ__AUDIT_FIELDS], const size_t n[JZ__AUDIT_FIELDS],
                          const void *state, size_t nstate, unsigned char out[32])
{
    if (k)
        chain_mac(k, prev, seq, f, n, state, nstate, out);
    else
        chain_sha(prev, seq, f, n, out);
}

void jz__audit_head_text(int64_t seq, const unsigned char hash[32], char out[96])
{
    char hx[65];
    sodium_bin2hex(hx, sizeof hx, hash, 32);
    snprintf(out, 96, "%lld:%s", (long long)seq, hx);
}

/* ---- verifying ------------------------------------------------------------------------ */

struct jz__audit_expect {
    char *name;
    jz__fp f;
};

static jz__audit_expect *expect_get(jz__audit_verifier *v, const char *name, size_t len)
{
    for (size_t i = 0; i < v->n; i++)
        if (strlen(v->e[i]->name) == len && memcmp(v->e[i]->name, name, len) == 0)
            return v->e[i];
    jz__audit_expect **ne = realloc(v->e, (v->n + 1) * sizeof *ne);
    jz__audit_expect *x = calloc(1, sizeof *x);
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

void jz__audit_verify_free(jz__audit_verifier *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->e[i]->name);
        free(v->e[i]);
    }
    free(v->e);
    v->e = NULL;
    v->n = 0;
    sodium_memzero(&v->k, sizeof v->k);
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

static uint64_t get_u64le(reader *r)
{
    if (r->end - r->p < 8) {
        r->bad = true;
        return 0;
    }
    uint64_t v = jz__load64(r->p);
    r->p += 8;
    return v;
}

/* Adds an entry's sealed fingerprints to the expected ones (a full set
 * replaces them).  False if it cannot be read: the entry is then wrong,
 * although its MAC held, which only a wrong build could do. */
static bool apply_state(jz__audit_verifier *v, const unsigned char *blob, size_t n)
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
    bool ok = plain[0] == 1 && plain[1] <= JZ__STATE_FULL;
    if (ok && plain[1] == JZ__STATE_FULL)
        for (size_t i = 0; i < v->n; i++)
            memset(&v->e[i]->f, 0, sizeof v->e[i]->f);
    uint64_t nt = ok ? get_varint(&r) : 0;
    for (uint64_t t = 0; ok && t < nt && !r.bad; t++) {
        uint64_t len = get_varint(&r);
        if (r.bad || len > (uint64_t)(r.end - r.p) || len == 0) {
            ok = false;
            break;
        }
        jz__audit_expect *x = expect_get(v, (const char *)r.p, (size_t)len);
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
            jz__cell d;
            int idx = *r.p++;
            d.n = unzigzag(get_varint(&r));
            d.key = get_u64le(&r);
            d.chk = get_u64le(&r);
            for (int w = 0; w < DW; w++)
                d.d[w] = get_u64le(&r);
            if (!r.bad)
                jz__cell_add(&x->f.c[idx], &d);
        }
    }
    ok = ok && !r.bad && r.p == r.end;
    sodium_memzero(plain, n - HEAD);
    free(plain);
    return ok;
}

jz_err jz__audit_verify_start(jz__audit_verifier *v, jz_audit_report *rep, const char *db_path,
                              int version, jz_error *err)
{
    memset(v, 0, sizeof *v);
    memset(rep, 0, sizeof *rep);
    v->rep = rep;
    v->version = version;
    v->expect_seq = 1;
    if (sodium_init() < 0)
        return jz_error_set(err, JZ_EIO, NULL, NULL, "无法初始化 libsodium");
    /* The key says whether the chain must be keyed, not the file: a file
     * whose schema version or log was taken back to before schema 5 is a
     * downgrade, not an old file, when there is a key for it.  Without a key
     * only a file older than schema 5 verifies (as it always did). */
    jz__audit_key_path(db_path, v->k.path, sizeof v->k.path);
    jz_err rc = jz__audit_key_load(&v->k, err);
    if (rc && (rc != JZ_ENOTFOUND || version >= 5)) {
        if (rc == JZ_ENOTFOUND)
            jz_error_set(err, JZ_ENOTFOUND, "audit_key", v->k.path,
                         "校验需要审计密钥：找不到密钥文件（由环境变量 JIUZHU_AUDIT_KEY "
                         "指定，默认在数据库旁的 数据库.audit-key）");
        return rc;
    }
    jz_error_clear(err);
    v->keyed_db = v->k.have;
    if (v->keyed_db)
        snprintf(rep->key_id, sizeof rep->key_id, "%s", v->k.id);
    return JZ_OK;
}

bool jz__audit_verify_entry(jz__audit_verifier *v, int64_t seq,
                            const char *const f[JZ__AUDIT_FIELDS], const size_t n[JZ__AUDIT_FIELDS],
                            const void *sp, size_t nprev, const void *sh, size_t nhash,
                            const void *state, size_t nstate)
{
    jz_audit_report *rep = v->rep;
    unsigned char h[32];
    rep->rows++;
    if (seq != v->expect_seq) {
        rep->bad_seq = seq;
        snprintf(rep->problem, sizeof rep->problem,
                 seq > v->expect_seq ? "第 %lld 条之前缺少第 %lld 条（被删除）"
                                     : "第 %lld 条的序号不对（应为第 %lld 条：插入或改动了序号）",
                 (long long)seq, (long long)v->expect_seq);
        return false;
    }
    if (nprev != 32 || nhash != 32 || memcmp(sp, v->prev, 32) != 0) {
        rep->bad_seq = seq;
        snprintf(rep->problem, sizeof rep->problem,
                 "第 %lld 条与前一条的链接不符（在它之前插入、删除或改动了记录）", (long long)seq);
        return false;
    }
    /* The chain is keyed from its audit.key entry on; before it, plain
     * SHA-256 (entries written before schema 5). */
    if (!v->keyed && v->keyed_db && strcmp(f[3], "audit.key") == 0) {
        v->keyed = true;
        rep->keyed_from = seq;
    }
    jz__audit_entry_hash(v->keyed ? &v->k : NULL, v->prev, seq, f, n, state, nstate, h);
    if (memcmp(sh, h, 32) != 0) {
        rep->bad_seq = seq;
        if (v->keyed && seq == rep->keyed_from && !strstr(f[6], v->k.id))
            snprintf(rep->problem, sizeof rep->problem,
                     "审计密钥（编号 %s）不是这个数据库的密钥（第 %lld 条记录了建立审计日志时的"
                     "密钥编号），或该条被改动",
                     v->k.id, (long long)seq);
        else
            snprintf(rep->problem, sizeof rep->problem,
                     v->keyed ? "第 %lld 条的内容与其哈希不符（哈希带密钥：记录被修改或伪造）"
                              : "第 %lld 条的内容与其哈希不符（记录被修改）",
                     (long long)seq);
        return false;
    }
    if (v->keyed && !apply_state(v, state, nstate)) {
        rep->bad_seq = seq;
        snprintf(rep->problem, sizeof rep->problem, "第 %lld 条记录的数据指纹无法读取",
                 (long long)seq);
        return false;
    }
    memcpy(v->prev, h, 32);
    rep->head_seq = seq;
    v->expect_seq = seq + 1;
    return true;
}

bool jz__audit_verify_chain_end(jz__audit_verifier *v, bool has_state, const char *head)
{
    jz_audit_report *rep = v->rep;
    sodium_bin2hex(rep->head_hash, sizeof rep->head_hash, v->prev, 32);
    if (!rep->bad_seq && v->keyed_db && !v->keyed) {
        rep->bad_seq = rep->head_seq + 1;
        if (v->version >= 5 && has_state)
            snprintf(rep->problem, sizeof rep->problem,
                     "审计日志中没有带密钥的部分（audit.key）：日志被整体替换");
        else
            snprintf(rep->problem, sizeof rep->problem,
                     "有审计密钥，审计日志却不带密钥（数据库模式版本 %d）：数据库被降级或替换；"
                     "若确是旧版数据库，用 jiuzhu 写入一次即升级",
                     v->version);
    }
    if (!rep->bad_seq) {
        /* The newest entry must be the one the last append recorded: a
         * deleted tail leaves a shorter but consistent chain. */
        char mine[96];
        snprintf(mine, sizeof mine, "%lld:%s", (long long)rep->head_seq, rep->head_hash);
        if ((head[0] || rep->rows) && strcmp(head, mine) != 0) {
            rep->bad_seq = rep->head_seq + 1;
            snprintf(rep->problem, sizeof rep->problem,
                     "日志末尾与最后一次写入的记录（%.80s）不符：最后的记录被删除或改动",
                     head[0] ? head : "无");
        }
    }
    if (!rep->bad_seq && v->keyed)
        rep->data[0] = '\0';
    return !rep->bad_seq && v->keyed && !v->oom;
}

/* ---- the data ---------------------------------------------------------------------------- */

static void say(jz__audit_verifier *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(jz__audit_verifier *v, const char *fmt, ...)
{
    char *p = v->rep->data;
    size_t cap = sizeof v->rep->data;
    if (v->text_len + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(p + v->text_len, cap - v->text_len, fmt, ap);
    va_end(ap);
    if (k > 0)
        v->text_len += (size_t)k < cap - v->text_len ? (size_t)k : cap - v->text_len - 1;
}

/* One line about a table that differs from what the log committed to
 * (name_row NULL: the table is gone). */
static void describe(jz__audit_verifier *v, const char *name, jz__fp *diff, int64_t rows,
                     int64_t logged, jz__audit_name_fn name_row, void *arg)
{
    found f[2 * CELLS];
    int n = 0;
    bool all = name_row && peel(diff, f, 2 * CELLS, &n);
    say(v, "表 %s：", name);
    if (!name_row) {
        say(v, "整张表已不在数据库中（审计日志记录有 %lld 行）\n", (long long)logged);
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
                    say(v, " 等");
                    break;
                }
                say(v, "%s", listed++ ? "、" : "");
                char row_name[512] = "";
                name_row(arg, f[i].key, kind != 2, row_name, sizeof row_name);
                say(v, "%s", row_name);
            }
            if (pass == 0 && !count)
                break;
            if (pass == 0)
                say(v, "%s%s %d 行（", first ? "" : "；", what[kind], count);
            else
                say(v, "）");
            first = false;
        }
    }
    if (!all)
        say(v, "现有 %lld 行（审计日志记录 %lld 行），内容与日志不符；改动的行太多，无法逐行列出",
            (long long)rows, (long long)logged);
    say(v, "\n");
}

jz_err jz__audit_verify_table(jz__audit_verifier *v, const char *name, jz__fp *actual, int64_t rows,
                              jz__audit_name_fn name_row, void *arg, jz_error *err)
{
    jz_audit_report *rep = v->rep;
    rep->tables++;
    rep->data_rows += rows;
    jz__audit_expect *x = expect_get(v, name, strlen(name));
    if (!x)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    int64_t logged = 0;
    for (int c = 0; c < CELLS; c++) {
        logged += x->f.c[c].n;
        jz__cell_sub(&actual->c[c], &x->f.c[c]);
    }
    if (!jz__fp_zero(actual)) {
        rep->data_problems++;
        describe(v, name, actual, rows, logged / 3, name_row, arg);
    }
    return JZ_OK;
}

void jz__audit_verify_gone(jz__audit_verifier *v, bool (*exists)(void *arg, const char *name),
                           void *arg)
{
    for (size_t i = 0; i < v->n; i++) {
        if (exists(arg, v->e[i]->name) || jz__fp_zero(&v->e[i]->f))
            continue;
        int64_t logged = 0;
        for (int c = 0; c < CELLS; c++)
            logged += v->e[i]->f.c[c].n;
        v->rep->data_problems++;
        describe(v, v->e[i]->name, &v->e[i]->f, 0, logged / 3, NULL, NULL);
    }
}
