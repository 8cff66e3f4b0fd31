/*
 * pg_audit.c - the PostgreSQL backend's side of the audit log: the key,
 * the entries of a transaction held until it commits, then chained.
 *
 * Writers run at once (READ COMMITTED); the chain needs one order, so the
 * entries of a transaction are written at its commit under the head's row
 * lock: read the head FOR UPDATE (audit_head, fresh under READ COMMITTED),
 * hash each entry onto it (jz__audit_entry_hash, the same chain as the
 * SQLite backend's), insert them, move the head (with the last insert),
 * commit (which releases the lock).  Writers queue only for that moment:
 * three round trips and the commit's WAL flush.
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
    char d[sizeof ((jz__audit_keys *)0)->path];
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
    /* Outside a transaction: one of its own. */
    if ((rc = jz__pg_exec(q, "BEGIN", err)))
        return rc;
    q->in_tx = true;
    if (!(rc = jz__pg_audit_commit(q, err)))
        rc = jz__pg_exec(q, "COMMIT", err);
    if (rc)
        jz__pg_exec(q, "ROLLBACK", NULL);
    q->in_tx = false;
    jz__pg_audit_drop(q);
    return rc;
}

jz_err jz__pg_audit_commit(pg *q, jz_error *err)
{
    if (q->n_held == 0)
        return JZ_OK;
    jz_err rc;
    jz__pg_params p;
    /* The head's row lock is the chain's lock: held until the commit, and
     * a writer that waited for it reads the head its predecessor moved
     * (READ COMMITTED re-reads a row locked FOR UPDATE once it is free).
     * Lock and read in one round trip: the writers queue for this moment,
     * so each round trip inside it bounds them all. */
    PGresult *r = jz__pg_run(q, "SELECT seq, encode(hash, 'hex') FROM audit_head WHERE one = 1 FOR UPDATE",
                             NULL, "读取审计日志", &rc, err);
    if (!r)
        return rc;
    int64_t seq = PQntuples(r) ? jz__pg_int(r, 0, 0) : 0;
    unsigned char prev[32] = {0};
    if (PQntuples(r))
        sodium_hex2bin(prev, sizeof prev, jz__pg_text(r, 0, 1), 64, NULL, NULL, NULL);
    PQclear(r);
    unsigned char h[32];
    for (size_t i = 0; i < q->n_held; i++) {
        struct pg_entry *e = &q->held[i];
        const char *f[7];
        size_t n[7];
        for (int j = 0; j < 7; j++) {
            f[j] = e->f[j];
            n[j] = strlen(f[j]);
        }
        /* An entry of a county goes to its partition; one of a wider
         * region (a city's "1401") or of none to the DEFAULT one. */
        if (strlen(f[0]) == 6 && (rc = jz__pg_county_parts(q, f[0], JZ__PG_PART_AUDIT, err)))
            return rc;
        seq++;
        jz__audit_entry_hash(&q->k, prev, seq, f, n, NULL, 0, h);
        jz__pg_p_reset(&p);
        jz__pg_p_int(&p, seq);
        for (int j = 0; j < 7; j++)
            jz__pg_p_text(&p, f[j]);
        jz__pg_p_bytes(&p, prev, 32);
        jz__pg_p_bytes(&p, h, 32);
        /* The last entry moves the head in the same statement. */
        r = jz__pg_run(q,
                       i + 1 < q->n_held
                           ? "INSERT INTO audit(seq, county, at, actor, action, entity, before, after,"
                             " prev, hash, state) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ''::bytea)"
                           : "WITH a AS (INSERT INTO audit(seq, county, at, actor, action, entity,"
                             " before, after, prev, hash, state) VALUES($1, $2, $3, $4, $5, $6, $7, $8,"
                             " $9, $10, ''::bytea))"
                             " UPDATE audit_head SET seq = $1, hash = $10 WHERE one = 1",
                       &p, "写入审计日志", &rc, err);
        if (!r)
            return rc;
        PQclear(r);
        memcpy(prev, h, 32);
    }
    jz__pg_audit_drop(q);
    return JZ_OK;
}

jz_err jz__pg_audit_open(pg *q, bool create, bool copy_target, jz_error *err)
{
    if (sodium_init() < 0)
        return jz_error_set(err, JZ_EIO, NULL, NULL, "无法初始化 libsodium");
    key_path(q, q->k.path, sizeof q->k.path);
    jz_err rc;
    if (create && copy_target)
        return JZ_OK; /* the copy brings the source's key and log (copy.c) */
    if (create) {
        make_dirs(q->k.path);
        if ((rc = jz__audit_key_make(&q->k, err)))
            return rc;
        char after[96];
        snprintf(after, sizeof after, "{\"key_id\":\"%s\",\"backend\":\"postgresql\"}", q->k.id);
        return jz__pg_audit(q, "", "audit.key", "tables", "", after, err);
    }
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
            going = jz__audit_verify_entry(&v, jz__pg_int(r, i, 0), f, n, prev, np, hash, nh,
                                           state, ns);
            free(state);
        }
        PQclear(r);
        if (nrows == 0)
            break;
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
