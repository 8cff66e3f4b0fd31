/*
 * pg_audit.c - the PostgreSQL backend's side of the audit log: the key,
 * the entries of a transaction held until it commits, then chained.
 *
 * Writers run at once (READ COMMITTED); the chain needs one order, and they
 * must not queue for it.  A transaction's entries are held until it
 * commits, then written with it as one row of audit_queue
 * (jz__pg_audit_commit): writers commit side by side, and PostgreSQL
 * flushes their commits together.  After its commit a writer chains what
 * is queued if no one else is chaining (jz__pg_audit_chain: under an
 * advisory lock, many transactions per commit, in the queue's order,
 * hashed onto the head with jz__audit_entry_hash, the same chain as the
 * SQLite backend's).  Readers of the chain chain what is queued first.
 *
 * The key lives in a file, as for SQLite: $JIUZHU_AUDIT_KEY, or else
 * DBNAME@HOST_PORT.audit-key in $JIUZHU_AUDIT_KEY_DIR or ~/.config/jiuzhu
 * (a database named by URL has no directory of its own to keep it
 * beside).  The SQLite backend also
 * seals every table's fingerprint into the entries; this backend does not
 * yet (docs/scaling.md): its entries carry no state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <sodium.h>

#include "pg_int.h"
#include "pg_registry.h"

static void key_path(const pg *q, char *out, size_t n)
{
    const char *env = getenv("JIUZHU_AUDIT_KEY");
    if (env && env[0]) {
        snprintf(out, n, "%s", env);
        return;
    }
    const char *dir = getenv("JIUZHU_AUDIT_KEY_DIR"), *home = getenv("HOME");
    char host[sizeof q->host];
    snprintf(host, sizeof host, "%s", q->host[0] ? q->host : "local");
    for (char *c = host; *c; c++)
        if (*c == '/')
            *c = '_';
    if (dir && dir[0])
        snprintf(out, n, "%s/%s@%s_%s.audit-key", dir, q->dbname, host,
                 q->port[0] ? q->port : "5432");
    else
        snprintf(out, n, "%s/.config/jiuzhu/%s@%s_%s.audit-key", home && home[0] ? home : ".",
                 q->dbname, host, q->port[0] ? q->port : "5432");
}

static void make_dirs(const char *path)
{
    char d[sizeof((jz__audit_keys *)0)->path];
    snprintf(d, sizeof d, "%s", path);
    for (char *c = d + 1; *c; c++)
        if (*c == '/') {
            *c = '\0';
            if (mkdir(d, 0700) != 0 && errno != EEXIST)
                return;
            *c = '/';
        }
}

void jz__pg_audit_drop(pg *q)
{
    for (size_t i = 0; i < q->n_held; i++)
        for (int j = 0; j < 7; j++)
            free(q->held[i].f[j]);
    q->n_held = 0;
}

static jz_err hold(pg *q, const char *const f[7], jz_error *err)
{
    if (q->n_held == q->cap_held) {
        size_t nc = q->cap_held ? 2 * q->cap_held : 8;
        struct pg_entry *g = realloc(q->held, nc * sizeof *g);
        if (!g)
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        q->held = g;
        q->cap_held = nc;
    }
    struct pg_entry *e = &q->held[q->n_held];
    for (int i = 0; i < 7; i++)
        if (!(e->f[i] = strdup(f[i] ? f[i] : ""))) {
            for (int j = 0; j < i; j++)
                free(e->f[j]);
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        }
    q->n_held++;
    return JZ_OK;
}

jz_err jz__pg_audit(void *impl, const char *county, const char *action, const char *entity,
                    const char *before, const char *after, jz_error *err)
{
    pg *q = impl;
    if (!q->k.have)
        return jz__audit_no_key(&q->k, err);
    char at[32];
    jz__now_text(at, sizeof at);
    const char *f[7] = {county, at, q->actor, action, entity, before, after};
    jz_err rc = hold(q, f, err);
    if (rc || q->in_tx)
        return rc;
    /* Outside a transaction: the queue's one row commits on its own. */
    rc = jz__pg_audit_commit(q, err);
    jz__pg_audit_drop(q);
    if (rc)
        q->queued = false;
    else {
        jz_error scratch; /* committed: a seal left undone is the next one's */
        jz__pg_audit_chain(q, false, &scratch);
    }
    return rc;
}

/* A queued transaction's tag: HMAC-SHA-256 under the chain's key (with a
 * domain of its own, apart from the chain's hashes) over its fields, each
 * length-prefixed.  The chainer chains only what a holder of the key
 * queued: a row someone wrote into the queue without the key is not
 * sealed as if jiuzhu had written it. */
static void queue_tag(const pg *q, const char *const *f, size_t nf, unsigned char out[32])
{
    crypto_auth_hmacsha256_state h;
    crypto_auth_hmacsha256_init(&h, q->k.mac, sizeof q->k.mac);
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)"jiuzhu-audit-queue-v1", 21);
    for (size_t i = 0; i < nf; i++) {
        uint64_t n = strlen(f[i]);
        unsigned char b[8];
        for (int j = 0; j < 8; j++)
            b[j] = (unsigned char)(n >> (8 * j));
        crypto_auth_hmacsha256_update(&h, b, 8);
        crypto_auth_hmacsha256_update(&h, (const unsigned char *)f[i], n);
    }
    crypto_auth_hmacsha256_final(&h, out);
}

jz_err jz__pg_audit_commit(pg *q, jz_error *err)
{
    if (q->n_held == 0)
        return JZ_OK;
    /* The transaction's entries, in their order, as one row of the queue:
     * committed with what they record, chained after (jz__pg_audit_chain). */
    jz__abuf a = {0};
    const char **all = malloc(7 * q->n_held * sizeof *all);
    for (size_t i = 0; i < q->n_held; i++)
        for (int j = 0; j < 7; j++) {
            jz__pg_array_add(&a, q->held[i].f[j]);
            if (all)
                all[7 * i + (size_t)j] = q->held[i].f[j];
        }
    if (!jz__pg_array_end(&a) || !all) {
        free(a.p);
        free(all);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    unsigned char tag[32];
    queue_tag(q, all, 7 * q->n_held, tag);
    free(all);
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, (const char *)a.p);
    jz__pg_p_bytes(&p, tag, 32);
    jz_err rc = jz__pg_do(q, "INSERT INTO audit_queue(entries, tag) VALUES($1::text[], $2)", &p,
                          "写入审计日志", NULL, err);
    free(a.p);
    if (rc)
        return rc;
    jz__pg_audit_drop(q);
    q->queued = true;
    return JZ_OK;
}

#define CHAIN_LOCK JZ__PG_CHAIN_LOCK

/* The most queued transactions chained by one transaction (the
 * statement's LIMIT says the same). */
#define CHAIN_BATCH 2000
#define CHAIN_BATCH_SQL "2000"

/* The columns of the entries about to be chained, as array literals. */
enum {
    C_SEQ,
    C_COUNTY,
    C_AT,
    C_ACTOR,
    C_ACTION,
    C_ENTITY,
    C_BEFORE,
    C_AFTER,
    C_PREV,
    C_HASH,
    C_IDS,
    C_N
};

typedef struct chaining {
    const pg *q;
    jz__abuf col[C_N];
    int64_t seq;
    unsigned char prev[32];
} chaining;

/* Hashes an entry (f: its seven fields) onto the chain, into the columns. */
static void chain_one(chaining *c, const char *const f[7])
{
    size_t fl[7];
    for (int j = 0; j < 7; j++)
        fl[j] = strlen(f[j]);
    unsigned char h[32];
    c->seq++;
    jz__audit_entry_hash(&c->q->k, c->prev, c->seq, f, fl, NULL, 0, h);
    char num[24], hex[65];
    snprintf(num, sizeof num, "%lld", (long long)c->seq);
    jz__pg_array_add(&c->col[C_SEQ], num);
    for (int j = 0; j < 7; j++)
        jz__pg_array_add(&c->col[C_COUNTY + j], f[j]);
    sodium_bin2hex(hex, sizeof hex, c->prev, 32);
    jz__pg_array_add(&c->col[C_PREV], hex);
    sodium_bin2hex(hex, sizeof hex, h, 32);
    jz__pg_array_add(&c->col[C_HASH], hex);
    memcpy(c->prev, h, 32);
}

/* A queued row whose tag is wrong (or whose fields are not whole entries)
 * is not chained as what it says: one entry of jiuzhu's own records that
 * it was refused, with what it held. */
static void chain_refused(chaining *c, int64_t id, const char *const *f, size_t nf)
{
    json_t *fields = json_array();
    for (size_t i = 0; i < nf; i++)
        json_array_append_new(fields, json_string(f[i]));
    json_t *o = json_pack("{s:I,s:o,s:s}", "queue_id", (json_int_t)id, "fields", fields, "reason",
                          "审计日志队列中的记录没有有效的密钥标记，未作为原记录入链");
    char *after = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    char entity[48], at[32];
    snprintf(entity, sizeof entity, "audit_queue:%lld", (long long)id);
    jz__now_text(at, sizeof at);
    const char *e[7] = {"", at, "jiuzhu", "audit.refused", entity, "", after ? after : "{}"};
    chain_one(c, e);
    free(after);
}

/* Under the chain's lock: chains the oldest queued transactions' entries
 * (at most CHAIN_BATCH transactions) onto the head, in the queue's order,
 * and takes them off the queue, in one transaction.  *n: how many
 * transactions were chained (0: the queue was empty). */
static jz_err chain_batch(pg *q, int *n, jz_error *err)
{
    *n = 0;
    /* READ WRITE: a store opened read-only chains what writers queued
     * (their changes are committed; only the seal is missing). */
    jz_err rc = jz__pg_exec(q, "BEGIN READ WRITE", err);
    if (rc)
        return rc;
    q->in_tx = true;
    chaining c = {.q = q};
    const char **f = NULL;
    /* The head's row locked as well: a writer of an earlier build (which
     * chained in its own commit under that lock) waits, or is waited for. */
    PGresult *r = jz__pg_run(q,
                             "SELECT seq, encode(hash, 'hex') FROM audit_head WHERE one = 1"
                             " FOR UPDATE",
                             NULL, "读取审计日志", &rc, err);
    if (!r)
        goto out;
    if (PQntuples(r) == 1) {
        c.seq = jz__pg_int(r, 0, 0);
        sodium_hex2bin(c.prev, sizeof c.prev, jz__pg_text(r, 0, 1), 64, NULL, NULL, NULL);
    }
    PQclear(r);
    r = jz__pg_run(q,
                   "SELECT a.id, encode(a.tag, 'hex'), e.f"
                   " FROM (SELECT id, entries, tag FROM audit_queue ORDER BY id"
                   " LIMIT " CHAIN_BATCH_SQL ") a"
                   " LEFT JOIN LATERAL unnest(a.entries) WITH ORDINALITY e(f, k) ON true"
                   " ORDER BY a.id, e.k",
                   NULL, "读取审计日志", &rc, err);
    if (!r)
        goto out;
    int rows = PQntuples(r);
    if (rows && !(f = malloc((size_t)rows * sizeof *f))) {
        PQclear(r);
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto out;
    }
    for (int i = 0; i < rows && !rc;) {
        /* One queued transaction: rows i .. end-1. */
        int64_t id = jz__pg_int(r, i, 0);
        int end = i;
        size_t nf = 0; /* a row of no fields (an empty array) has one NULL */
        while (end < rows && jz__pg_int(r, end, 0) == id) {
            if (!PQgetisnull(r, end, 2))
                f[nf++] = jz__pg_text(r, end, 2);
            end++;
        }
        unsigned char want[32], got[32];
        size_t ng = 0;
        queue_tag(q, f, nf, want);
        sodium_hex2bin(got, sizeof got, jz__pg_text(r, i, 1), 64, NULL, &ng, NULL);
        char num[24];
        snprintf(num, sizeof num, "%lld", (long long)id);
        jz__pg_array_add(&c.col[C_IDS], num);
        (*n)++;
        if (nf % 7 == 0 && ng == 32 && sodium_memcmp(want, got, 32) == 0) {
            for (size_t e = 0; e < nf && !rc; e += 7) {
                /* An entry of a county goes to its partition; one of a
                 * wider region (a city's "1401") or of none to the
                 * DEFAULT one.  (What fails here is the server's, not
                 * the entry's: the batch is tried again later.) */
                if (strlen(f[e]) == 6 && strspn(f[e], "0123456789") == 6 &&
                    (rc = jz__pg_county_parts(q, f[e], JZ__PG_PART_AUDIT, err)))
                    break;
                chain_one(&c, f + e);
            }
        } else {
            chain_refused(&c, id, f, nf);
        }
        i = end;
    }
    PQclear(r);
    if (rc || *n == 0)
        goto out;
    bool oom = false;
    for (int i = 0; i < C_N; i++)
        oom |= !jz__pg_array_end(&c.col[i]);
    if (oom) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto out;
    }
    char head_seq[24], head_hash[65];
    snprintf(head_seq, sizeof head_seq, "%lld", (long long)c.seq);
    sodium_bin2hex(head_hash, sizeof head_hash, c.prev, 32);
    jz__pg_params p;
    jz__pg_p_reset(&p);
    for (int i = 0; i < C_N; i++)
        jz__pg_p_text(&p, (const char *)c.col[i].p);
    jz__pg_p_text(&p, head_seq);
    jz__pg_p_text(&p, head_hash);
    /* The entries, the queue's rows taken off, the head moved: one
     * statement. */
    rc = jz__pg_do(
        q,
        "WITH c AS (INSERT INTO audit(seq, county, at, actor, action, entity, before,"
        " after, prev, hash, state) SELECT s, c, t, a, x, e, b, f, decode(p, 'hex'),"
        " decode(h, 'hex'), ''::bytea FROM unnest($1::bigint[], $2::text[],"
        " $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],"
        " $9::text[], $10::text[]) u(s, c, t, a, x, e, b, f, p, h)),"
        " d AS (DELETE FROM audit_queue WHERE id = ANY($11::bigint[]))"
        " UPDATE audit_head SET seq = $12::bigint, hash = decode($13, 'hex') WHERE one = 1",
        &p, "写入审计日志", NULL, err);
out:
    free(f);
    for (int i = 0; i < C_N; i++)
        free(c.col[i].p);
    if (!rc)
        rc = jz__pg_exec(q, "COMMIT", err);
    if (rc) {
        jz__pg_exec(q, "ROLLBACK", NULL);
        q->n_counties = 0; /* partitions it made are gone */
    }
    q->in_tx = false;
    return rc;
}

/* Chains what the queue holds.
 *
 * Writers commit their entries to the queue at once, each with its own
 * changes (PostgreSQL flushes their commits together); one of them at a
 * time then chains every transaction queued so far, under the chain's
 * advisory lock.  A writer that finds the lock taken leaves its entries
 * to the holder: the holder looks at the queue again after it let the
 * lock go, so it sees every transaction committed before a writer found
 * the lock taken, and chains it (or a later writer does, or, after a
 * crash, the next store opened).  wait: take the lock even if it is held
 * (what reads the chain: everything committed before is chained first);
 * else only when it is free and the queue has something. */
jz_err jz__pg_audit_chain(pg *q, bool wait, jz_error *err)
{
    if (q->in_tx || q->layout == JZ__PG_SHARD || !q->k.have)
        return JZ_OK;
    jz_err rc = JZ_OK;
    /* A writer that has just queued knows the queue is not empty. */
    bool known = !wait && q->queued;
    q->queued = false;
    for (;;) {
        jz_err lrc;
        /* The EXISTS is a one-time filter: an empty queue costs no lock.
         * It reads the queue's first key by its index: the queue's rows
         * are deleted as fast as they come, and a scan of its heap would
         * step over every dead row that vacuum has not yet removed (the
         * index scan marks them, and later scans skip them). */
        PGresult *r = jz__pg_run(q,
                                 wait    ? "SELECT pg_advisory_lock(" CHAIN_LOCK ")"
                                 : known ? "SELECT pg_try_advisory_lock(" CHAIN_LOCK ")"
                                         : "SELECT pg_try_advisory_lock(" CHAIN_LOCK ")"
                                           " WHERE EXISTS (SELECT 1 FROM (SELECT id FROM"
                                           " audit_queue ORDER BY id LIMIT 1) f)",
                                 NULL, "锁定审计日志", &lrc, err);
        known = false;
        if (!r)
            return lrc;
        bool got = wait || (PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0);
        PQclear(r);
        if (!got)
            return JZ_OK;
        int n;
        do
            rc = chain_batch(q, &n, err);
        while (!rc && n == CHAIN_BATCH);
        r = PQexec(q->c, "SELECT pg_advisory_unlock(" CHAIN_LOCK ")");
        PQclear(r);
        if (rc || wait)
            return rc;
    }
}

jz_err jz__pg_audit_key(pg *q, bool *made, jz_error *err)
{
    *made = false;
    if (sodium_init() < 0)
        return jz_error_set(err, JZ_EIO, NULL, NULL, "无法初始化 libsodium");
    key_path(q, q->k.path, sizeof q->k.path);
    jz_err rc = jz__audit_key_load(&q->k, err);
    if (rc != JZ_ENOTFOUND)
        return rc;
    jz_error_clear(err);
    make_dirs(q->k.path);
    rc = jz__audit_key_make(&q->k, err);
    *made = !rc;
    return rc;
}

jz_err jz__pg_audit_open(pg *q, bool create, bool copy_target, jz_error *err)
{
    if (sodium_init() < 0)
        return jz_error_set(err, JZ_EIO, NULL, NULL, "无法初始化 libsodium");
    jz_err rc;
    if (create && copy_target) {
        key_path(q, q->k.path, sizeof q->k.path);
        return JZ_OK; /* the copy brings the source's key and log (copy.c) */
    }
    if (create) {
        if (!q->k.have) /* jz__pg_audit_key first, before the tables */
            return jz__audit_no_key(&q->k, err);
        char after[96];
        snprintf(after, sizeof after, "{\"key_id\":\"%s\",\"backend\":\"postgresql\"}", q->k.id);
        return jz__pg_audit(q, "", "audit.key", "tables", "", after, err);
    }
    key_path(q, q->k.path, sizeof q->k.path);
    jz_error kerr;
    jz_error_clear(&kerr);
    rc = jz__audit_key_load(&q->k, &kerr);
    if (rc && rc != JZ_ENOTFOUND) {
        *err = kerr;
        return rc;
    }
    return JZ_OK; /* without the key: reads work, writes say why not (jz__audit_no_key) */
}

/* ---- verifying ------------------------------------------------------------------------ */

/* The chain from its first entry, read through a cursor in one snapshot,
 * for the common layer's verifier (audit_chain.c).  The entries carry no
 * sealed fingerprints yet, so the data is not compared
 * (rep->data_unchecked says so). */
jz_err jz__pg_audit_verify(void *impl, jz_audit_report *rep, jz_error *err)
{
    pg *q = impl;
    jz__audit_verifier v;
    /* The verifier finds the key as PATH.audit-key beside "the database":
     * give it this store's key path without that ending. */
    char base[sizeof q->k.path];
    key_path(q, base, sizeof base);
    size_t bl = strlen(base);
    if (!getenv("JIUZHU_AUDIT_KEY") && bl > 10 && strcmp(base + bl - 10, ".audit-key") == 0)
        base[bl - 10] = '\0';
    jz_err rc = jz__audit_verify_start(&v, rep, base, q->version, err);
    if (rc) {
        jz__audit_verify_free(&v);
        return rc;
    }
    bool own = !q->in_tx;
    /* What was committed before is chained first; what could not be is
     * counted below, with why. */
    jz_error cerr;
    jz_error_clear(&cerr);
    jz_err crc = jz__pg_audit_chain(q, true, &cerr);
    if (own && (rc = jz__pg_exec(q, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err))) {
        jz__audit_verify_free(&v);
        return rc;
    }
    rc = jz__pg_exec(q,
                     "DECLARE jz_audit_cur NO SCROLL CURSOR FOR SELECT seq, county, at, actor,"
                     " action, entity, before, after, encode(prev, 'hex'), encode(hash, 'hex'),"
                     " encode(state, 'hex') FROM audit ORDER BY seq",
                     err);
    bool going = !rc;
    while (going) {
        PGresult *r = PQexec(q->c, "FETCH 2000 FROM jz_audit_cur");
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            rc = jz__pg_error(q, r, err, "读取审计日志");
            PQclear(r);
            break;
        }
        int nrows = PQntuples(r);
        for (int i = 0; i < nrows && going; i++) {
            const char *f[JZ__AUDIT_FIELDS];
            size_t n[JZ__AUDIT_FIELDS];
            for (int k = 0; k < JZ__AUDIT_FIELDS; k++) {
                f[k] = jz__pg_text(r, i, 1 + k);
                n[k] = strlen(f[k]);
            }
            unsigned char prev[32], hash[32];
            size_t np = 0, nh = 0;
            sodium_hex2bin(prev, sizeof prev, jz__pg_text(r, i, 8), 64, NULL, &np, NULL);
            sodium_hex2bin(hash, sizeof hash, jz__pg_text(r, i, 9), 64, NULL, &nh, NULL);
            /* The sealed fingerprints of entries copied from SQLite
             * (copy.c) are part of their hashes. */
            const char *hex = jz__pg_text(r, i, 10);
            size_t nstate = strlen(hex) / 2, ns = 0;
            unsigned char *state = nstate ? malloc(nstate) : NULL;
            if (nstate && state)
                sodium_hex2bin(state, nstate, hex, 2 * nstate, NULL, &ns, NULL);
            going = jz__audit_verify_entry(&v, jz__pg_int(r, i, 0), f, n, prev, np, hash, nh, state,
                                           ns);
            free(state);
        }
        PQclear(r);
        if (nrows == 0)
            break;
    }
    if (!rc) {
        PGresult *r = PQexec(q->c, "SELECT count(*) FROM audit_queue");
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
            rep->unchained = jz__pg_int(r, 0, 0);
        PQclear(r);
        if (rep->unchained && crc)
            snprintf(rep->unchained_why, sizeof rep->unchained_why, "%s",
                     cerr.reason[0] ? cerr.reason : "入链失败");
    }
    char head[96] = "";
    if (!rc && !rep->bad_seq) {
        PGresult *r = PQexec(q->c, "SELECT seq, encode(hash, 'hex') FROM audit_head");
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && jz__pg_int(r, 0, 0) > 0)
            snprintf(head, sizeof head, "%s:%s", jz__pg_text(r, 0, 0), jz__pg_text(r, 0, 1));
        PQclear(r);
    }
    if (own)
        jz__pg_exec(q, "ROLLBACK", NULL);
    else
        jz__pg_exec(q, "CLOSE jz_audit_cur", NULL);
    if (!rc) {
        bool data = jz__audit_verify_chain_end(&v, true, head);
        if (v.oom)
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        else if (data)
            rep->data_unchecked = true;
    }
    jz__audit_verify_free(&v);
    return rc;
}

jz_err jz__pg_audit_hash_at(void *impl, int64_t seq, char hex[65], jz_error *err)
{
    pg *q = impl;
    hex[0] = '\0';
    jz_error scratch;
    jz__pg_audit_chain(q, true, &scratch);
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, seq);
    jz_err rc;
    PGresult *r = jz__pg_run(q, "SELECT encode(hash, 'hex') FROM audit WHERE seq = $1", &p,
                             "读取审计日志", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) && strlen(jz__pg_text(r, 0, 0)) == 64)
        snprintf(hex, 65, "%s", jz__pg_text(r, 0, 0));
    PQclear(r);
    return hex[0] ? JZ_OK
                  : jz_error_set(err, JZ_ENOTFOUND, "seq", NULL, "审计日志中没有第 %lld 条",
                                 (long long)seq);
}
