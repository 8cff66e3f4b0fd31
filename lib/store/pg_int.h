/*
 * pg_int.h - what the files of the PostgreSQL backend share: the
 * connection with its prepared statements, query helpers, and the audit
 * log's chain.  store_pg.c opens, migrates (pg_schema.c) and runs
 * transactions; pg_registry.c has the registry's statements; the other
 * pg_*.c files the rest of jz_store_ops.
 *
 * Transactions run at READ COMMITTED: what a write reads in order to change
 * it is read FOR UPDATE (the row stays the transaction's until it ends),
 * the invariants are constraints (one open case per household, a line once
 * per unit and period, R-HH-3's person directory), and the audit log's
 * chain is appended at commit under one transaction-scoped advisory lock,
 * so that writers run at once and queue only for that short moment.  A
 * deadlock or serialization failure is JZ_EBUSY, which jz_store_run
 * retries.
 */
#ifndef JZ_PG_INT_H
#define JZ_PG_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "audit_chain.h"
#include "store_int.h"

/* The most parameters a statement of this backend binds. */
#define JZ__PG_MAX_PARAMS 64

/* The layouts of a PostgreSQL store (pg_shard.c): one server; a
 * coordinator whose county partitions are postgres_fdw foreign tables on
 * shards; a shard (holds counties' tables, never opened as a store). */
enum { JZ__PG_SINGLE = 0, JZ__PG_COORD = 1, JZ__PG_SHARD = 2 };
/* Open flags (beside JZ_STORE_*, JZ__STORE_COPY_TARGET): create that layout. */
#define JZ__PG_OPEN_COORD 0x200
#define JZ__PG_OPEN_SHARD 0x400

typedef struct pg {
    PGconn *c;
    int version;
    int layout; /* JZ__PG_SINGLE, ... */
    bool in_tx;
    bool readonly; /* opened JZ_STORE_READONLY */
    char actor[64];
    char dbname[64], host[256], port[16];
    char *conninfo; /* as opened */
    /* Statements prepared once per connection, keyed by their SQL text's
     * address (a string literal); named "s<index>". */
    struct {
        const char *sql;
    } stmts[512];
    int n_stmts;
    /* Counties whose partitions exist (jz__pg_county_parts creates
     * them), with the groups of tables (JZ__PG_PART_*) known to have one. */
    char (*counties)[7];
    unsigned *county_parts;
    size_t n_counties, cap_counties;
    /* The audit log: the key, and the entries of the transaction in
     * progress, written at commit. */
    jz__audit_keys k;
    struct pg_entry {
        char *f[7]; /* county, at, actor, action, entity, before, after */
    } *held;
    size_t n_held, cap_held;
    bool queued; /* the transaction in progress queued entries (pg_audit.c) */
    /* New households of the transaction in progress, held as COPY text
     * until the next statement or the commit (pg_registry.c): an import's
     * batch goes to the server in five COPYs, not a statement per row. */
    struct pg_pending_rows *rows;
    struct pg_prefetch *pre; /* what the households about to be put need */
    /* While a planning walks its units (jz__pg_pay_units): the units
     * marked changed, each with the counties its lines are in, found a
     * county at a time (pg_pay.c). */
    struct pg_owed *owed;
    bool in_put; /* put_household's own statements: they do not flush */
    jz__pv_map pv; /* param_values rows of the runs written (pg_registry.c) */
    /* This transaction's determinations replace stored ones: their rows
     * go through staging tables into one upsert (pg_registry.c). */
    bool det_stage;
    /* Keys taken from a sequence 512 at a time, not used yet: the
     * households' and the enrolments' (pg_registry.c, take_key). */
    struct jz__pg_keys {
        int64_t k[512];
        int n, next;
    } hh_keys, enr_keys;
    struct pg_newhh *newhh; /* the households this transaction made (pg_registry.c) */
} pg;

/* Text parameters of one statement: integers printed into buf, strings by
 * pointer (valid until the statement ran). */
typedef struct jz__pg_params {
    const char *v[JZ__PG_MAX_PARAMS];
    int len[JZ__PG_MAX_PARAMS];
    int fmt[JZ__PG_MAX_PARAMS];
    int n;
    char buf[JZ__PG_MAX_PARAMS][24];
} jz__pg_params;

/* A text[] literal built in b (empty at first): jz__pg_array_add appends
 * an element, quoted, its '"' and '\' escaped; jz__pg_array_end closes
 * the literal and returns it as a C string (NULL when out of memory).
 * Free b->p after. */
void jz__pg_array_add(jz__abuf *b, const char *s);
const char *jz__pg_array_end(jz__abuf *b);

void jz__pg_p_reset(jz__pg_params *p);
void jz__pg_p_int(jz__pg_params *p, int64_t v);
void jz__pg_p_text(jz__pg_params *p, const char *s);
/* Binary data (bytea), sent as binary. */
void jz__pg_p_bytes(jz__pg_params *p, const void *b, int n);

/* The error of a failed command: SQLSTATE 40001 (serialization) and
 * 40P01 (deadlock) are JZ_EBUSY (retried by jz_store_run), a lost
 * connection JZ_EIO; `what` names what was being done (Chinese). */
jz_err jz__pg_error(pg *q, const PGresult *r, jz_error *err, const char *what);
/* A connection to where (a URL or connection string), or with dbname
 * (non-NULL) to that database of the same server instead, made without
 * printing anything: the server's notices are dropped from the first
 * message on (also over jz__pg_reset).  Check PQstatus; NULL only when
 * out of memory. */
PGconn *jz__pg_connect(const char *where, const char *dbname);
/* PQreset, as quietly as jz__pg_connect. */
void jz__pg_reset(PGconn *c);
/* libpq's message msg on one line (its line breaks and tabs as spaces), in
 * out (n bytes): what an error of ours quotes. */
void jz__pg_message(char *out, size_t n, const char *msg);
/* The SQLSTATE of r ("" if none). */
const char *jz__pg_state(const PGresult *r);

/* Runs sql (a string literal: prepared once per connection) with p (NULL:
 * none).  Returns the result (free with PQclear) when it succeeded, with
 * rows or not; else NULL with *rc and err set (jz__pg_error). */
PGresult *jz__pg_run(pg *q, const char *sql, const jz__pg_params *p, const char *what, jz_err *rc,
                     jz_error *err);
/* As jz__pg_run, for a statement whose unique violation is a fact the
 * caller handles: *unique set, no error. */
PGresult *jz__pg_run_unique(pg *q, const char *sql, const jz__pg_params *p, const char *what,
                            bool *unique, jz_err *rc, jz_error *err);
/* Runs a statement whose rows are not read: the count of rows it changed
 * in *n (NULL: not wanted). */
jz_err jz__pg_do(pg *q, const char *sql, const jz__pg_params *p, const char *what, int64_t *n,
                 jz_error *err);
/* Runs SQL text without parameters (several statements allowed). */
jz_err jz__pg_exec(pg *q, const char *sql, jz_error *err);

/* Cells of a result row (NULL: 0 or ""). */
int64_t jz__pg_int(const PGresult *r, int row, int col);
const char *jz__pg_text(const PGresult *r, int row, int col);
void jz__pg_copy_text(char *dst, size_t cap, const PGresult *r, int row, int col);

/* Groups of partitioned tables whose partitions of a county are created
 * together: a household and the tables that refer to it (their foreign
 * keys cascade a household's move to another county, so all of them must
 * have the new county's partition), the feeds' rows, alerts, payment
 * lines, the audit log. */
enum {
    JZ__PG_PART_HOUSEHOLD = 1, /* households, household_records, members, determinations,
                                  household_record_history */
    JZ__PG_PART_FEED = 2,      /* feed_rows */
    JZ__PG_PART_ALERT = 4,     /* alerts */
    JZ__PG_PART_PAY = 8,       /* pay_lines */
    JZ__PG_PART_AUDIT = 16,    /* audit */
    JZ__PG_PART_ALL = 31
};
/* The partitions of county of the groups `parts` exist (created when not,
 * in the caller's transaction, in one round trip).  Call before writing a
 * row of a county into a table of those groups: a row of a county without
 * its partition would go to the DEFAULT one. */
jz_err jz__pg_county_parts(pg *q, const char *county, unsigned parts, jz_error *err);
/* jz__pg_county_parts of every group. */
jz_err jz__pg_county(pg *q, const char *county, jz_error *err);

/* On a coordinator (pg_shard.c): the county's tables made on its shard
 * (placed there now when it has none), and its foreign partitions here. */
jz_err jz__pg_shard_county(pg *q, const char *county, jz_error *err);

/* On a coordinator, for `COPY table[(cols)] FROM STDIN` of a partitioned
 * table: the temporary staging table exists, *stage is the COPY into it
 * and *insert the statements that move its rows to the table (and empty
 * it).  Elsewhere stage[0] is '\0'. */
jz_err jz__pg_shard_stage(pg *q, const char *copy_sql, char *stage, char *insert, size_t n,
                          jz_error *err);

/* Writes the held new households (pg_registry.c); every statement runs it
 * first (jz__pg_run, jz__pg_exec), so that nothing reads around them.
 * jz__pg_rows_drop forgets them (a rollback). */
jz_err jz__pg_rows_flush(pg *q, jz_error *err);
void jz__pg_rows_drop(pg *q);
/* An enrolment an import adopts for a household this transaction made,
 * held with its rows for COPY (its first term and payment mark with it)
 * and its id set: *held.  Otherwise (any other household, or one with a
 * case) nothing is done and *held is false: write it with a statement.
 * jz__pg_newhh_drop forgets the transaction's households (its end). */
jz_err jz__pg_hold_enrolment(pg *q, jz_enrolment *e, bool *held, jz_error *err);
void jz__pg_newhh_drop(pg *q);
/* Forgets what was prefetched (the transaction ended). */
void jz__pg_prefetch_drop(pg *q);
/* Whether household_id, one of the households prefetched for an import,
 * has no enrolment (so none need be looked up); that it has one now. */
bool jz__pg_prefetch_no_enrolments(const pg *q, const char *household_id);
void jz__pg_prefetch_enrolled(pg *q, const char *household_id);

/* Schema (pg_schema.c): creates a store at JZ_STORE_SCHEMA_VERSION, or
 * reads an existing one's version and layout. */
jz_err jz__pg_migrate(pg *q, bool create, jz_error *err);
/* An existing store at an older version brought to this build's, once its
 * audit key is loaded: a coordinator's shards first, then the store itself
 * in one transaction with its audit entry (store.migrate).  A store opened
 * read-only is left as it is. */
jz_err jz__pg_upgrade(pg *q, jz_error *err);
/* The names of the partitioned tables, NULL-terminated. */
extern const char *const jz__pg_partitioned[];

/* The audit log (pg_audit.c): entries held until commit, then chained. */
jz_err jz__pg_audit(void *impl, const char *county, const char *action, const char *entity,
                    const char *before, const char *after, jz_error *err);
/* The chain's advisory lock (pg_audit.c): "jzchain" in ASCII. */
#define JZ__PG_CHAIN_LOCK "7529096504291694958"
/* In the transaction about to commit: its held entries onto the queue. */
jz_err jz__pg_audit_commit(pg *q, jz_error *err);
/* Outside a transaction: chains the queued entries (pg_audit.c says how);
 * wait: even if another connection is chaining (before reading the chain). */
jz_err jz__pg_audit_chain(pg *q, bool wait, jz_error *err);
void jz__pg_audit_drop(pg *q);
/* A new store's audit key, before its tables are made, so that a key that
 * cannot be had leaves no database half made: the file named
 * (JIUZHU_AUDIT_KEY, else the default path) is used if it exists, as
 * SQLite's init does, else made (*made: the caller removes it if the store
 * is then not made). */
jz_err jz__pg_audit_key(pg *q, bool *made, jz_error *err);
/* The key of a store opened (create: the new store's key entry, after
 * jz__pg_audit_key and the tables). */
jz_err jz__pg_audit_open(pg *q, bool create, bool copy_target, jz_error *err);

#endif
