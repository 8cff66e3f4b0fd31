/*
 * audit_chain.h - the audit log's rules, the same for every backend
 * (audit_chain.c; docs/integrity.md): the audit key and what is derived
 * from it, how a row is encoded and digested, the fingerprints of tables
 * (an invertible Bloom lookup table of row digests), how they are sealed
 * into an entry, how an entry is chained (SHA-256 before schema 5,
 * HMAC-SHA-256 after), and verifying: walking the chain, the verdict and
 * its wording, the data against what the log committed to.
 *
 * A backend keeps the rows: it sees what a transaction changes and encodes
 * each row's values with jz__row_put_* (in the table's column order), stores
 * and reads the entries, and scans a table to fingerprint it.  It computes
 * nothing of the chain itself.
 */
#ifndef JZ_AUDIT_CHAIN_H
#define JZ_AUDIT_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "store_int.h"

/* ---- fingerprints ------------------------------------------------------------ */

#define JZ__FP_PART 32 /* cells in each of the three parts of a fingerprint */
#define JZ__FP_CELLS (3 * JZ__FP_PART)
#define JZ__FP_DW 2 /* 64-bit words of a row digest */

typedef struct jz__cell {
    int64_t n;             /* rows */
    uint64_t key;          /* sum of their keys */
    uint64_t chk;          /* sum of check(digest) */
    uint64_t d[JZ__FP_DW]; /* sum of their digests, mod 2^128 (little-endian words) */
} jz__cell;

typedef struct jz__fp {
    jz__cell c[JZ__FP_CELLS];
    int64_t added, removed; /* row versions added and removed (for people) */
} jz__fp;

void jz__cell_add(jz__cell *a, const jz__cell *b);
void jz__cell_sub(jz__cell *a, const jz__cell *b);
bool jz__cell_zero(const jz__cell *c);
/* Adds (sign +1) or removes (-1) one row; `mask` (2 words, may be NULL)
 * collects the cells used. */
void jz__fp_put(jz__fp *f, uint64_t *mask, int sign, uint64_t key, const uint64_t d[JZ__FP_DW]);
bool jz__fp_zero(const jz__fp *f);

/* ---- bytes, and a row's encoding --------------------------------------------- */

typedef struct jz__abuf {
    unsigned char *p;
    size_t n, cap;
    bool oom;
} jz__abuf;

void jz__abuf_put(jz__abuf *b, const void *p, size_t n);
void jz__abuf_varint(jz__abuf *b, uint64_t v);

/* One value, typed and length-prefixed, so that no two rows encode alike: a
 * row is its values in column order. */
void jz__row_put_null(jz__abuf *b);
void jz__row_put_int(jz__abuf *b, int64_t v);
void jz__row_put_real(jz__abuf *b, double v);
void jz__row_put_text(jz__abuf *b, const void *p, size_t n);
void jz__row_put_blob(jz__abuf *b, const void *p, size_t n);
/* jz__row_put_int's bytes written at p (at most JZ__ROW_INT_MAX): for a
 * bulk caller that reserves room first (inline: once per column of
 * millions of rows); returns how many. */
#define JZ__ROW_INT_MAX 11
static inline size_t jz__row_enc_int(unsigned char *p, int64_t v)
{
    unsigned char *o = p;
    uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); /* zigzag */
    *p++ = 1;                                              /* the integer's tag */
    while (z >= 0x80) {
        *p++ = (unsigned char)(z | 0x80);
        z >>= 7;
    }
    *p++ = (unsigned char)z;
    return (size_t)(p - o);
}

/* ---- the key ---------------------------------------------------------------------- */

/* The key file: 64 hexadecimal digits (32 bytes) and a newline, made by
 * jiuzhu when the database gets its keyed chain; the subkeys derived from
 * it.  Named by JIUZHU_AUDIT_KEY, by default DB.audit-key. */
typedef struct jz__audit_keys {
    bool have;
    char path[4096];
    unsigned char rows[32], mac[32], enc[32];
    char id[17]; /* the key's public fingerprint (hex of 8 bytes) */
} jz__audit_keys;

/* The key file's path for the database at db_path. */
void jz__audit_key_path(const char *db_path, char *out, size_t n);
/* Reads the key at k->path: JZ_ENOTFOUND when there is no such file. */
jz_err jz__audit_key_load(jz__audit_keys *k, jz_error *err);
/* Makes a new key at k->path (0600, never over an existing file). */
jz_err jz__audit_key_make(jz__audit_keys *k, jz_error *err);
/* Writing without the key: the refusal (JZ_EINPUT naming the file). */
jz_err jz__audit_no_key(const jz__audit_keys *k, jz_error *err);

/* ---- row digests -------------------------------------------------------------------- */

#define JZ__ROW_KEY_BYTES 16

/* A table's own row key, from the audit key, its name and its number of
 * columns. */
void jz__row_table_key(const jz__audit_keys *k, const char *name, int ncol,
                       unsigned char sip[JZ__ROW_KEY_BYTES]);
/* A row's digest (its encoding under its table's key). */
void jz__row_digest(const unsigned char sip[JZ__ROW_KEY_BYTES], const unsigned char *p, size_t n,
                    uint64_t d[JZ__FP_DW]);
/* How a row is named in a fingerprint (what names it when it differs): its
 * integer key (JZ__KEY_COL), two small integer key columns packed
 * (JZ__KEY_INT2, when both are in [0, 2^32)), or a hash of the encoding of
 * its key columns (JZ__KEY_HASH: jz__row_key_hash). */
enum { JZ__KEY_COL, JZ__KEY_INT2, JZ__KEY_HASH };
bool jz__row_key_int2(int64_t a, int64_t b, uint64_t *key);
uint64_t jz__row_key_hash(const jz__abuf *key_columns);

/* ---- fingerprints in an entry: sealed, only the cells in use ------------------------ */

enum { JZ__STATE_CHANGE = 0, JZ__STATE_FULL = 1 };

/* The fingerprints (kind JZ__STATE_CHANGE: their changes) of n tables,
 * sealed under the key into out; counts gets {"table": {"added": n,
 * "removed": m}}, or for full ones (rows given) {"table": rows}. */
jz_err jz__audit_state_seal(const jz__audit_keys *k, int kind, const char *const *names,
                            const jz__fp *const *f, size_t n, const int64_t *rows, jz__abuf *out,
                            json_t *counts, jz_error *err);

/* ---- the chain ------------------------------------------------------------------------- */

/* The fields of an entry: county, at, actor, action, entity, before, after. */
#define JZ__AUDIT_FIELDS 7

/* An entry's hash: under the key (k, from the audit.key entry on) with the
 * sealed state, or SHA-256 (k NULL: entries before schema 5). */
void jz__audit_entry_hash(const jz__audit_keys *k, const unsigned char prev[32], int64_t seq,
                          const char *const f[JZ__AUDIT_FIELDS], const size_t n[JZ__AUDIT_FIELDS],
                          const void *state, size_t nstate, unsigned char out[32]);
/* The text meta keeps of the newest entry ("seq:hash-hex"). */
void jz__audit_head_text(int64_t seq, const unsigned char hash[32], char out[96]);

/* ---- verifying -------------------------------------------------------------------------- */

typedef struct jz__audit_expect jz__audit_expect;

/* A walk of the chain from its first entry, then of the data. */
typedef struct jz__audit_verifier {
    jz__audit_keys k;
    jz_audit_report *rep;
    size_t text_len;      /* of rep->data */
    jz__audit_expect **e; /* the fingerprints the log committed to, by table */
    size_t n;
    bool oom;
    bool keyed_db; /* there is a key: the chain must be keyed */
    bool keyed;    /* walking the keyed part */
    int version;   /* the schema version of the database */
    unsigned char prev[32];
    int64_t expect_seq;
} jz__audit_verifier;

/* Starts: the key for the database at db_path (a store at schema 5 or
 * later needs it: JZ_ENOTFOUND naming the file without it). */
jz_err jz__audit_verify_start(jz__audit_verifier *v, jz_audit_report *rep, const char *db_path,
                              int version, jz_error *err);
/* The next entry of the log, in seq order; false when it is wrong (the
 * verdict is in the report) and the walk stops. */
bool jz__audit_verify_entry(jz__audit_verifier *v, int64_t seq,
                            const char *const f[JZ__AUDIT_FIELDS], const size_t n[JZ__AUDIT_FIELDS],
                            const void *prev, size_t nprev, const void *hash, size_t nhash,
                            const void *state, size_t nstate);
/* After the last entry: a keyed store whose log has no keyed part, and the
 * newest entry against the one meta names (head: "seq:hash", "" if none).
 * has_state: the log can hold fingerprints (schema 5's column).  True when
 * the data is to be checked (the chain is whole and keyed). */
bool jz__audit_verify_chain_end(jz__audit_verifier *v, bool has_state, const char *head);

/* Names a row of a table by its key into the report's text (present: it
 * is in the table now).  The backend's: it knows the columns. */
typedef void (*jz__audit_name_fn)(void *arg, uint64_t key, bool present, char *out, size_t cap);

/* One table as it is now (its fingerprint, recomputed from its rows, is
 * consumed) against what the log committed to; a difference is one line
 * of the report naming the rows changed, added or deleted. */
jz_err jz__audit_verify_table(jz__audit_verifier *v, const char *name, jz__fp *actual, int64_t rows,
                              jz__audit_name_fn name_row, void *arg, jz_error *err);
/* The tables the log committed to that are no longer in the database
 * (exists() says which are). */
void jz__audit_verify_gone(jz__audit_verifier *v, bool (*exists)(void *arg, const char *name),
                           void *arg);
void jz__audit_verify_free(jz__audit_verifier *v);

#endif
