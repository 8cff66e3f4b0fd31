/*
 * jz_store.h - the registry's store: households, their members and their
 * determinations, behind one interface.
 *
 * A store is chosen when it is opened (a table of functions, ARCHITECTURE.md):
 * SQLite today (one file, WAL), PostgreSQL later behind the same calls.
 * Nothing outside lib/store knows which one it talks to.  Every table keeps
 * the county code, so a distributed database can shard by it.
 *
 * Writes happen inside transactions: jz_store_run (one transaction, run
 * again when the store is busy), or jz_store_begin / jz_store_commit where a
 * caller commits in batches (an import: its batches follow the file, and an
 * import stopped by a failure resumes after its last committed batch when
 * run again; jz_store_begin waits out a busy store as jz_store_run does).  A household is stored wholly or
 * not at all: a refusal (JZ_EINPUT) writes nothing, and any other failure
 * of jz_store_put_household means the transaction must be rolled back.
 */
#ifndef JZ_STORE_H
#define JZ_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "jz_case.h"
#include "jz_engine.h"
#include "jz_feed.h"
#include "jz_monitor.h"
#include "jz_err.h"
#include "jz_household.h"

typedef struct jz_store jz_store;

enum {
    JZ_STORE_CREATE = 1,  /* create a new store; fail if it exists */
    JZ_STORE_READONLY = 2 /* open for reading only */
};

/* The schema version this build writes; older files are migrated on open. */
#define JZ_STORE_SCHEMA_VERSION 10

/* True if where names a PostgreSQL database (a postgresql:// or
 * postgres:// URL); false for an SQLite file (a path, or sqlite:PATH). */
bool jz_store_is_pg(const char *where);

/* Opens (or with JZ_STORE_CREATE creates) the store at `where`: a file path
 * (SQLite), or a PostgreSQL URL (jz_store_is_pg).  An existing store of an older schema is upgraded in place. */
jz_err jz_store_open(const char *where, int flags, jz_store **out, jz_error *err);
void jz_store_close(jz_store *s);

/* The store as it was named when opened (connections of one process to
 * the same database name it alike). */
const char *jz_store_where(const jz_store *s);

/* Schema version of the open store. */
int jz_store_schema_version(const jz_store *s);

jz_err jz_store_begin(jz_store *s, jz_error *err);
/* Commits; a commit that fails has rolled back (nothing was written). */
jz_err jz_store_commit(jz_store *s, jz_error *err);
void jz_store_rollback(jz_store *s);

/*
 * Runs fn as one write transaction: begins it, calls fn, commits.  When
 * beginning, fn or the commit fails with an error whose kind says trying
 * again may succeed (jz_err_kind_of(code)->retry: JZ_EBUSY, the store held
 * by another writer past JIUZHU_BUSY_TIMEOUT, or JZ_ENOMEM), it rolls back
 * and runs it again after a pause (10 ms, then 40 ms, at random up to
 * twice that), at most JZ_STORE_RUN_TRIES times in all; any other error
 * rolls back and is returned.  Either way nothing of a failed attempt is
 * written.  fn may therefore run more than once: it must start its
 * results afresh each time, and never print or reply (do that after
 * jz_store_run returns).  Not inside another transaction.
 */
#define JZ_STORE_RUN_TRIES 3
jz_err jz_store_run(jz_store *s, jz_err (*fn)(jz_store *s, void *arg, jz_error *err), void *arg,
                    jz_error *err);
/*
 * jz_store_run for a bulk write whose rows' foreign keys fn makes sure of
 * (a reassessment's determinations: households it checked in the
 * transaction, the run it began): where the backend checks each row's keys
 * as it is written (SQLite), it checks those of the tables named (a list
 * ending with NULL) once, before the commit, instead; a row that refers to
 * nothing fails the commit, naming its table and row, and nothing is
 * written.  Other tables written in the transaction are not checked: name
 * every table fn writes rows into that has keys.
 */
jz_err jz_store_run_keyed(jz_store *s, const char *const *tables,
                          jz_err (*fn)(jz_store *s, void *arg, jz_error *err), void *arg,
                          jz_error *err);
/* jz_store_run with actor as the store's actor for the transaction (the
 * audit entries name him), the actor before put back after. */
jz_err jz_store_run_as(jz_store *s, const char *actor,
                       jz_err (*fn)(jz_store *s, void *arg, jz_error *err), void *arg,
                       jz_error *err);

/*
 * Stores household h (inserting, or replacing the household of the same
 * household_id with all its members), with `record` the household record as
 * it was given (JSON text, kept so that nothing entered is lost) and `source`
 * where it came from ("file:line").  A member whose ID number belongs to
 * another household is refused (R-HH-3) with both household IDs named, and
 * then nothing of h is stored.  h->household_id must not be empty.
 */
/* The households a caller is about to put, in order (an import's slot):
 * a hint that lets a backend look up what it needs for all of them at once
 * (PostgreSQL: one round trip instead of two per household).  Changes
 * nothing; putting other households after it is allowed. */
jz_err jz_store_prefetch_households(jz_store *s, const jz_household *hs, size_t n, jz_error *err);
jz_err jz_store_put_household(jz_store *s, const jz_household *h, const char *record,
                              const char *source, jz_error *err);

/* The stored record of a household (malloc'd JSON text, caller frees), or
 * JZ_ENOTFOUND.  The household ID may also be a member's ID number. */
jz_err jz_store_get_record(jz_store *s, const char *household_or_person, char **record,
                           jz_error *err);

/* ---- import bookkeeping: resuming after an interruption ----------------- */

/* The import of one input file: identified by path, size and mtime. */
typedef struct jz_store_import {
    int64_t id;
    long lines_done; /* input lines fully processed and committed */
    bool finished;
} jz_store_import;

/* Finds the unfinished import of this file identity, or starts a new one.
 * Until the import is marked finished, the store may trade the durability
 * of its latest commits against a power cut for speed (never against a
 * killed process): the import's progress is committed with its batches, so
 * what a power cut takes back the next import redoes. */
jz_err jz_store_import_begin(jz_store *s, const char *path, int64_t size, int64_t mtime,
                             jz_store_import *out, jz_error *err);
/* Records progress: inside the caller's transaction, with the households;
 * with `finished`, outside any transaction, which makes the whole import
 * durable before it returns. */
jz_err jz_store_import_progress(jz_store *s, const jz_store_import *imp, long lines_done,
                                long stored, long rejected, bool finished, jz_error *err);

/* Keeps a record the import refused, inside the caller's transaction (the
 * batch the record belongs to, so that a killed import keeps both or
 * neither).  `key` is the record's place in the import, unique in it (a
 * line of JSON Lines, ...): the same place refused again replaces what was
 * kept.  county may be "" (unknown: the record could not be read);
 * message is opaque to the store (the import's encoding of the errors). */
jz_err jz_store_import_reject(jz_store *s, const jz_store_import *imp, long key,
                              const char *county, const char *household_id, const char *message,
                              jz_error *err);
/* Calls fn for every record import `import` refused, by key; fn returns
 * nonzero to stop. */
jz_err jz_store_import_rejections(jz_store *s, int64_t import,
                                  int (*fn)(long key, const char *household_id,
                                            const char *message, void *arg),
                                  void *arg, jz_error *err);
/* An import's committed counts, over every run of it (a resumed import's
 * runs add up). */
typedef struct jz_store_import_counts {
    long lines_done;
    long stored;   /* households stored */
    long rejected; /* records refused */
    long kept;     /* refused records kept (jz_store_import_rejections) */
    bool finished;
} jz_store_import_counts;
jz_err jz_store_import_counts_get(jz_store *s, int64_t import, jz_store_import_counts *out,
                                  jz_error *err);

/* ---- the snapshot: the whole registry (or one region) in columns -------- */

/* Columnar copy of the households and members of a region, for bulk runs
 * (ARCHITECTURE.md "snapshot").  Built once per run; read-only after. */
typedef struct jz_snapshot jz_snapshot;

/* Loads every household whose region starts with region_prefix ("" = all):
 * from the snapshot cache when it holds this region under the registry's
 * present tag, else from the store, and then keeps it there for the next
 * run (docs/registry.md "The snapshot cache"). */
jz_err jz_store_snapshot(jz_store *s, const char *region_prefix, jz_snapshot **out, jz_error *err);
/* The ID of household i of the snapshot. */
const char *jz_snapshot_household_id(const jz_snapshot *snap, size_t i);
/* Whether snap came from the snapshot cache (as it was, or brought up to
 * date: jz_snapshot_patched). */
bool jz_snapshot_cached(const jz_snapshot *snap);
/* How many households of a snapshot from the cache were read again from
 * the store because they were put since the cache was made (0: none). */
size_t jz_snapshot_patched(const jz_snapshot *snap);
void jz_snapshot_free(jz_snapshot *snap);
size_t jz_snapshot_households(const jz_snapshot *snap);
size_t jz_snapshot_members(const jz_snapshot *snap);

/* Fills household i of the snapshot into h, with members in buf (no
 * allocation): what the engine reads. */
void jz_snapshot_household(const jz_snapshot *snap, size_t i, jz_household *h, jz_member *members);

/* ---- determinations ------------------------------------------------------ */

/* A run of bulk assessment: when, for which region, with which overrides. */
jz_err jz_store_run_begin(jz_store *s, jz_date date, const char *region_prefix,
                          const char *overrides, int64_t *run, jz_error *err);

/* Marks (stale[i] = 1) every household of the snapshot whose record changed
 * or which was removed since the snapshot was read, and counts them in
 * *n_stale: what a bulk run checks inside its write transaction, so that it
 * never stores a result computed from a record that no longer exists. */
jz_err jz_store_snapshot_stale(jz_store *s, const jz_snapshot *snap, uint8_t *stale,
                               size_t *n_stale, jz_error *err);

/* The stored determination of every household of the snapshot: its
 * category (JZ_CAT_COUNT: never assessed) and its monthly amount with its
 * 特困 and 单人保 persons' (what a what-if compares with).  Kept in the
 * snapshot cache beside the snapshot: *cached (may be NULL) says whether
 * they came from there, and *patched (may be NULL) how many households'
 * were read again from the store because they were put since. */
jz_err jz_store_snapshot_results(jz_store *s, const jz_snapshot *snap, uint8_t *category,
                                 jz_fen *monthly, bool *cached, size_t *patched, jz_error *err);

/* A reassessment writes only the households whose determination changed.
 * digest[i] is a digest of household i's stored determination (0: none
 * stored), comparable within this process with jz_store_result_digest of a
 * new one: equal when the two would store the same rows but for the run
 * that wrote them and the date (the determination's figures and decisive
 * rules, each person's row, the record's version it was computed from, and
 * the text of its parameters).  Read in the run's write transaction. */
jz_err jz_store_stored_digests(jz_store *s, const jz_snapshot *snap, uint64_t *digest,
                               jz_error *err);
/* The digest of a parameters' JSON text (what jz_store_put_determination
 * stores as params_json), once per county and date. */
uint64_t jz_store_params_digest(const char *params_json);
uint64_t jz_store_result_digest(const jz_result *r, int record_version, uint64_t params_digest);

/* Removes the determinations of every household of the snapshot (read of
 * region_prefix, "" = all) but those marked in keep (NULL: none kept): what
 * a bulk run does before writing its own, in its transaction.  (A backend
 * may instead replace them in place as they are written: PostgreSQL's
 * upsert.)  A snapshot of everything, none kept, empties both tables. */
jz_err jz_store_clear_determinations(jz_store *s, const char *region_prefix,
                                     const jz_snapshot *snap, const uint8_t *keep,
                                     jz_error *err);

/* Stores the determination of household i of the snapshot for run `run`
 * (after jz_store_clear_determinations for its region).  params_json: the parameter
 * values used (JSON object text), stored once per county and date. */
jz_err jz_store_put_determination(jz_store *s, int64_t run, const jz_snapshot *snap, size_t i,
                                  const jz_household *h, const jz_result *r,
                                  const char *params_json, jz_error *err);

/* Latest determination of a household, as stored: fills a result (persons
 * included) and the run it came from.  JZ_ENOTFOUND if never assessed. */
jz_err jz_store_get_determination(jz_store *s, const char *household_id, jz_result *r, int64_t *run,
                                  jz_date *date, jz_error *err);

/* ---- statistics ------------------------------------------------------------ */

/* One row of counts and amounts by region and category. */
typedef struct jz_stat_row {
    char region[13]; /* city (4), county (6) or township (9) code */
    uint8_t category;
    int64_t households;
    int64_t persons; /* counted members */
    jz_fen monthly;  /* sum of household monthly amounts */
    int64_t tekun;   /* 特困 persons */
    jz_fen tekun_monthly;
    int64_t single; /* single_dibao persons */
    jz_fen single_monthly;
    int64_t stale; /* households whose record changed after this determination */
} jz_stat_row;

/* Calls fn for each (region at `level`, category) of the latest
 * determinations of households under region_prefix, ordered by region;
 * households never assessed come as category JZ_CAT_COUNT. */
jz_err jz_store_stats(jz_store *s, int level_digits, const char *region_prefix,
                      void (*fn)(const jz_stat_row *row, void *arg), void *arg, jz_error *err);

/* One month of what was recorded in a region (the 统计分析 trend). */
typedef struct jz_trend_month {
    char month[16];         /* "YYYY-MM", filled by the caller */
    int64_t cases_accepted; /* cases accepted in the month */
    int64_t cases_approved, cases_refused; /* decided in the month */
    int64_t cases_closed;   /* closed (published or notified) in the month */
    int64_t closed_days;    /* calendar days from acceptance to closing, summed over those */
    int64_t steps_late;     /* procedure steps recorded after their legal deadline */
    int64_t enrol_started;  /* enrolments whose first month it is */
    int64_t enrol_ended;    /* enrolments whose last month it is */
    int64_t enrolled;       /* enrolments in force in the month */
    int64_t enrolled_persons;
    int64_t paid_lines;     /* lines of the month's batches that the bank credited */
    jz_fen paid;
    int64_t alerts[4];      /* raised in the month, by category A..D */
    int64_t alerts_resolved, referred, answered; /* alert steps: 办结, 转介, 部门反馈 */
} jz_trend_month;

/* Fills months[0..n) (consecutive, their month set by the caller) with
 * what was recorded under region_prefix in each. */
jz_err jz_store_trend(jz_store *s, const char *region_prefix, jz_trend_month *months, size_t n,
                      jz_error *err);

/* ---- who writes ------------------------------------------------------------ */

/* The person (or system) on whose behalf the following writes are made:
 * recorded in the audit log with every write.  Default: "unknown". */
void jz_store_set_actor(jz_store *s, const char *actor);

/* ---- the procedure: cases (jz_case.h) --------------------------------------- */

/* Creates case c (c->id is set) for a household in the store, with its
 * 受理 step, in the caller's transaction; audited.  JZ_ENOTFOUND when the
 * household is not in the store. */
jz_err jz_store_case_create(jz_store *s, jz_case *c, const jz_case_step *step, jz_error *err);
jz_err jz_store_case_get(jz_store *s, int64_t id, jz_case *c, jz_error *err);
/* Writes the case as `after` with the step that made it so; the audit log
 * gets both versions. */
jz_err jz_store_case_update(jz_store *s, const jz_case *before, const jz_case *after,
                            const jz_case_step *step, jz_error *err);
/* The township's preliminary opinion: the units and reasons of the engine's
 * determination (replacing any earlier opinion of the case), and the
 * determination itself (JSON with its trace). */
jz_err jz_store_case_set_opinion(jz_store *s, const jz_case *c, const jz_case_unit *u, size_t nu,
                                 const jz_case_reason *r, size_t nr, const char *determination,
                                 jz_error *err);
jz_err jz_store_case_opinion(jz_store *s, int64_t id, jz_case_unit *u, size_t ucap, size_t *nu,
                             jz_case_reason *r, size_t rcap, size_t *nr, jz_error *err);
/* Every case under region_prefix ("" = all), open ones only if asked. */
jz_err jz_store_case_list(jz_store *s, const char *region_prefix, bool open_only,
                          void (*fn)(const jz_case *c, void *arg), void *arg, jz_error *err);
jz_err jz_store_case_steps(jz_store *s, int64_t id, void (*fn)(const jz_case_step *st, void *arg),
                           void *arg, jz_error *err);

/* The units of a case as decided (verdicts, amounts, units added by a
 * county's judgment), replacing those of the opinion; audited with the
 * units before and after. */
jz_err jz_store_case_set_units(jz_store *s, const jz_case *c, const jz_case_unit *u, size_t nu,
                               jz_error *err);
/* What 信息核对 found (replacing earlier findings of the case); audited. */
jz_err jz_store_case_set_findings(jz_store *s, const jz_case *c, const jz_case_finding *f,
                                  size_t nf, jz_error *err);
jz_err jz_store_case_findings(jz_store *s, int64_t id, jz_case_finding *f, size_t cap, size_t *n,
                              jz_error *err);

/* One row of a 公示 (kind 0) or 公布 (kind 1) list as it was posted in the
 * case's village: R-PUB-1's three columns, and where it belongs. */
enum { JZ_POSTING_NOTICE = 0, JZ_POSTING_PUBLISH = 1 };
typedef struct jz_posting_row {
    int64_t case_id;
    int kind;
    int round;        /* 公示: 1, then 2 after an objection (R-WF-4); 公布: 1 */
    jz_date posted_on;
    jz_date until;    /* 公示: the last day; 公布: JZ_DATE_NONE */
    char name[64];    /* the applicant, or the person of a unit of his own */
    int persons;      /* persons supported by the unit */
    jz_fen amount;    /* monthly amount (公示: proposed) */
    bool cash;        /* false: the programme pays no money (低保边缘, 刚性支出), or 公示 of
                         an opinion that found nothing (拟不予认定) */
} jz_posting_row;
/* Records the rows of case c posted on a date, in the caller's transaction. */
jz_err jz_store_posting_put(jz_store *s, const jz_case *c, int kind, int round, jz_date posted_on,
                            jz_date until, const jz_posting_row *rows, size_t n, jz_error *err);
/* The rows posted in a village: of one kind (-1 = both), on one date
 * (JZ_DATE_NONE = every date), in posting order. */
jz_err jz_store_posting_list(jz_store *s, const char *village, int kind, jz_date on,
                             void (*fn)(const jz_posting_row *row, void *arg), void *arg,
                             jz_error *err);

/* Temporary assistance granted in a case (R-WF-8), in the caller's
 * transaction; audited. */
jz_err jz_store_grant_put(jz_store *s, jz_grant *g, jz_error *err);
/* Grants under region_prefix, of one household if household_id, of one
 * case if case_id != 0. */
jz_err jz_store_grant_list(jz_store *s, const char *region_prefix, const char *household_id,
                           int64_t case_id, void (*fn)(const jz_grant *g, void *arg), void *arg,
                           jz_error *err);

/* ---- versions of a household record ------------------------------------------- */

/* The household's record version now, and the version its stored
 * determination was computed from (0: never assessed).  The key may be a
 * member's ID number; household_id (may be NULL) gets the household's ID. */
jz_err jz_store_record_version(jz_store *s, const char *household_or_person, int *current,
                               int *assessed, char household_id[JZ_HOUSEHOLD_ID_MAX],
                               jz_error *err);
/* Every earlier version of a household's record, oldest first. */
typedef struct jz_record_version {
    int version;
    const char *record;
    const char *source;
    const char *updated_at;  /* when that version was written */
    const char *replaced_at; /* when the next one replaced it */
    const char *replaced_by; /* who wrote the next one */
} jz_record_version;
jz_err jz_store_record_history(jz_store *s, const char *household_id,
                               void (*fn)(const jz_record_version *v, void *arg), void *arg,
                               jz_error *err);

/* ---- staff and their close relatives (R-WF-5) -------------------------------- */

/* Registers a member of staff (relative_id NULL) or a close relative of a
 * registered one; audited. */
jz_err jz_store_staff_put(jz_store *s, const char *county, const char *staff_id, const char *name,
                          const char *unit, const char *relative_id, const char *relative_name,
                          const char *relation, jz_error *err);
/* Whether an ID number is a registered member of staff or a close relative
 * of one: the staff member ("name（unit）") and the relation. */
jz_err jz_store_staff_relative(jz_store *s, const char *id_number, char *staff_name, size_t n,
                               char *relation, size_t rn, bool *found, jz_error *err);
/* Whether staff_id is a registered member of staff, and the county he was
 * registered in ("" when none was given): the server checks it against a
 * user's scope. */
jz_err jz_store_staff_county(jz_store *s, const char *staff_id, char county[7], bool *found,
                             jz_error *err);

/* ---- the audit log ------------------------------------------------------------ */

/*
 * Every write transaction is in the audit log: the entries of what it did
 * (a case step, an import's households, ...) and a `commit` entry with what
 * it changed in every table, as keyed fingerprints of the rows.  The chain
 * of entries is authenticated with the audit key (HMAC-SHA-256), which is
 * not in the database: a file named by the environment variable
 * JIUZHU_AUDIT_KEY, by default DB.audit-key beside the database, made when
 * the database gets its keyed chain (jiuzhu init, or the migration to
 * schema 5).  Writing needs the key (JZ_EINPUT naming the file without
 * it); reading does not, verifying does.  docs/integrity.md.
 */
typedef struct jz_audit_report {
    int64_t rows;       /* entries read */
    int64_t bad_seq;    /* the first entry found wrong, 0 if none */
    char problem[256];  /* what is wrong with it (Chinese) */
    int64_t head_seq;   /* the last entry that checked out */
    char head_hash[65]; /* its hash (hex): a checkpoint to keep outside */
    int64_t keyed_from; /* the first entry under the key (audit.key), 0: none */
    char key_id[17];    /* the key's public fingerprint (hex), "" if none */
    /* The data, checked when the chain is whole and keyed: */
    bool data_unchecked;       /* the backend cannot compare the data yet (PostgreSQL) */
    int64_t tables, data_rows; /* tables and rows read */
    int data_problems;         /* tables whose rows differ from the log */
    char data[4096];           /* one line per such table (Chinese): the rows
                                  changed, added or deleted, where they can
                                  be told */
    /* PostgreSQL: transactions committed whose entries were not on the
     * chain yet in the snapshot verified (its queue), and why they could
     * not be chained ("": they came as it was read, and will be). */
    int64_t unchained;
    char unchained_why[JZ_ERR_REASON_MAX];
} jz_audit_report;

/* Appends an entry to the audit log in the caller's transaction: a write
 * that is not a household, case or enrolment (a monitoring run). */
jz_err jz_store_audit(jz_store *s, const char *county, const char *action, const char *entity,
                      const char *before, const char *after, jz_error *err);

/* Walks the chain from the first entry (rep->bad_seq: the first one that
 * was edited, deleted, forged or inserted out of order), then recomputes
 * every table's fingerprint from its rows and compares it with what the
 * log committed to (rep->data_problems).  Needs the audit key
 * (JZ_ENOTFOUND naming the file without it) unless the store predates
 * schema 5. */
jz_err jz_store_audit_verify(jz_store *s, jz_audit_report *rep, jz_error *err);

/* ---- copying a whole store ------------------------------------------------------ */

#define JZ_COPY_TABLES_MAX 64
typedef struct jz_copy_table {
    char name[40];
    int64_t rows_from, rows_to; /* counted in the source and in the target */
} jz_copy_table;
typedef struct jz_copy_report {
    jz_copy_table tables[JZ_COPY_TABLES_MAX];
    int n;
    int64_t rows;
    jz_audit_report source_audit, target_audit; /* verified before and after */
    /* From PostgreSQL back to SQLite: the rows copied matched the data
     * fingerprints the log had sealed (on SQLite) before the copy sealed its
     * own; false when they were changed on PostgreSQL, which seals none. */
    bool data_as_logged;
} jz_copy_report;

/* Copies the SQLite store `from` whole into a new PostgreSQL database `to`
 * (a postgresql:// URL; created as jz_store_open does), in one transaction:
 * every table, the audit log and its key, so that the chain goes on (an
 * entry store.copy records the copy).  Refused when the source's audit log
 * does not verify whole; every table's rows are counted on both sides
 * before the commit (JZ_EIO naming the table when they differ: nothing is
 * committed).  The other way, `from` a PostgreSQL URL and `to` a new SQLite
 * file (a path that does not exist or an empty file): the same, read in one
 * snapshot, the file written under a temporary name and renamed when whole
 * (copy_back.c, docs/scaling.md). */
jz_err jz_store_copy(const char *from, const char *to, jz_copy_report *rep, jz_error *err);

/* Creates a coordinator: the PostgreSQL database `coord` (created as
 * jz_store_open does) whose county partitions are postgres_fdw foreign
 * tables on the n shards, PostgreSQL databases urls[i] made empty for the
 * role and named names[i] (lower-case letters, digits, '_').  The counties
 * place_county[j] are placed on the shards place_server[j] at once; every
 * other county at its first write, on the shard with the fewest counties
 * (docs/scaling.md "Beyond one machine").  The coordinator is then opened
 * as any PostgreSQL store.  On failure, what was made stays: drop the
 * databases before trying again. */
jz_err jz_store_init_sharded(const char *coord, size_t n, const char *const *names,
                             const char *const *urls, size_t n_place,
                             const char *const *place_county, const char *const *place_server,
                             jz_error *err);

/* Adds a shard to the coordinator `coord`: the PostgreSQL database url
 * (made empty for the role as jz_store_init_sharded does) becomes its
 * shard `name`; new counties go to it first (it has the fewest). */
jz_err jz_store_add_shard(const char *coord, const char *name, const char *url, jz_error *err);

/* A consistent copy of the store `where` at dest (a new file), while others
 * keep working: an SQLite file by SQLite's online backup API (then
 * checked), a PostgreSQL database by pg_dump's custom format (restore with
 * pg_restore).  The audit key is not in it: keep it apart. */
jz_err jz_store_backup(const char *where, const char *dest, jz_error *err);

/* ---- lists for the web platform (jz_registry.h) ----------------------------------------- */

/* A household as a list shows it: its head (the first member) and its
 * latest determination. */
typedef struct jz_store_hh_row {
    const char *household_id, *region, *head_name, *head_id;
    int members;
    int category; /* -1: never assessed */
    jz_fen monthly;
    int counted;
    jz_date assessed_on; /* JZ_DATE_NONE: never */
} jz_store_hh_row;

typedef struct jz_store_hh_query {
    const char *region; /* code prefix ("" every one) */
    const char *q;      /* "": no text; else a household ID prefix, part of a member's name,
                           or a member's whole ID number */
    int category;       /* -2 any, -1 never assessed, else JZ_CAT_* */
    int64_t offset;
    int limit;
} jz_store_hh_query;

/* The households of q, by household ID, from q->offset, at most q->limit;
 * *total: how many match in all. */
jz_err jz_store_household_list(jz_store *s, const jz_store_hh_query *q,
                               void (*fn)(const jz_store_hh_row *r, void *arg), void *arg,
                               int64_t *total, jz_error *err);

/* An entry of the audit log as a list shows it. */
typedef struct jz_store_audit_row {
    int64_t seq;
    const char *county, *at, *actor, *action, *entity, *before, *after;
} jz_store_audit_row;

/* The audit log's entries whose county starts with county_prefix ("" every
 * one; a county's list leaves out the province's entries, county ""),
 * whose action starts with action_prefix (""), newest first, from offset,
 * at most limit; *total: how many match. */
jz_err jz_store_audit_list(jz_store *s, const char *county_prefix, const char *action_prefix,
                           int64_t offset, int limit,
                           void (*fn)(const jz_store_audit_row *r, void *arg), void *arg,
                           int64_t *total, jz_error *err);

/* The hash of entry `seq` (hex), to compare with a checkpoint kept outside
 * (after jz_store_audit_verify found the chain whole).  JZ_ENOTFOUND if
 * there is no such entry. */
jz_err jz_store_audit_hash_at(jz_store *s, int64_t seq, char hex[65], jz_error *err);

/* ---- enrolments (jz_case.h) ---------------------------------------------------- */

jz_err jz_store_enrol_get(jz_store *s, int64_t id, jz_enrolment *e, jz_error *err);
/* Inserts (e->id == 0; the ID is set) or updates an enrolment, in the
 * caller's transaction; the audit log gets `action` ("enrolment.create",
 * "enrolment.exit", ...), the enrolment before and after, and the note. */
jz_err jz_store_enrol_put(jz_store *s, jz_enrolment *e, const char *action, const char *note,
                          jz_error *err);
/* Inserts the enrolment of a recipient brought in by an import (e->id is
 * set), in the caller's transaction.  It writes no audit entry of its own:
 * the import audits what a batch brought in as one entry (jz_store_audit),
 * as it does the batch's households.  A live enrolment of the same unit is
 * refused (JZ_EINPUT). */
jz_err jz_store_enrol_adopt(jz_store *s, jz_enrolment *e, jz_error *err);
/* The enrolments under region_prefix, of one household if household_id. */
jz_err jz_store_enrol_list(jz_store *s, const char *region_prefix, const char *household_id,
                           void (*fn)(const jz_enrolment *e, void *arg), void *arg, jz_error *err);

/* ---- receiving assistance --------------------------------------------------------- */

/* Whether an enrolment of this status pays, or will until its end month
 * (active, or in its 渐退期): every status but stopped. */
bool jz_enrolment_live(uint8_t status);

/* "Receives assistance", the one definition (R-MON-4's comparison, a
 * review's precondition, monitoring's `enrolled`): a household receives
 * assistance when it has a live enrolment, or when its record's current
 * programme (a jz_programme; JZ_PROG_NONE: none) says it receives one,
 * carried over from before jiuzhu. */
bool jz_receives_assistance(uint8_t current_programme, size_t live_enrolments);

/* The same for a household in the store, named by its ID or a member's ID
 * number: *receives, and its household ID in household_id (may be NULL).
 * JZ_ENOTFOUND when neither is in the store. */
jz_err jz_store_receives_assistance(jz_store *s, const char *household_or_person, bool *receives,
                                    char household_id[JZ_HOUSEHOLD_ID_MAX], jz_error *err);

/* ---- department feeds (jz_feed.h) ----------------------------------------------- */

typedef struct jz_feed_counts {
    long rows;     /* rows read and accepted */
    long added;    /* new rows (the others were already stored) */
    long matched;  /* rows of people in the registry */
    long rejected; /* rows refused */
} jz_feed_counts;

/* Starts the import of a department's file (in the caller's transaction). */
jz_err jz_store_feed_begin(jz_store *s, jz_dept dept, const char *path, int64_t *feed,
                           jz_error *err);
/* Stores a row unless the same row (department, event, person, date,
 * amount, level, code) is stored already: re-importing a file changes
 * nothing.  *matched: the person is in the registry. */
jz_err jz_store_feed_put(jz_store *s, int64_t feed, const jz_feed_row *row, bool *added,
                         bool *matched, jz_error *err);
/* Every stored row of a person, in date order. */
jz_err jz_store_feed_person(jz_store *s, const char *id_number,
                            void (*fn)(const jz_feed_row *r, void *arg), void *arg, jz_error *err);
/* Records the import's counts, audited. */
jz_err jz_store_feed_end(jz_store *s, int64_t feed, const jz_feed_counts *n, jz_error *err);

/* ---- monitoring (jz_monitor.h) ------------------------------------------------- */

/* One person as monitoring sees him: what the registry knows, his rows, and
 * what earlier runs raised for him (the store's facts; the rules are
 * jz_monitor_person_eval's). */
typedef struct jz_monitor_subject {
    jz_monitor_person who; /* who.deposit_limit is left 0: it needs the policy */
    char id[JZ_IDNUM_BUF];
    char name[64];
    char county[7];  /* "" outside the registry */
    char region[13]; /* "" outside the registry */
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    const jz_feed_row *rows;
    const int64_t *row_ids; /* the store's row numbers, for the evidence */
    size_t n;
    jz_monitor_history history; /* covered, open_covered: parallel to rows */
    /* The unit whose financial-asset limit applies to the deposits
     * (R-AST-1): the household's unit (its enrolment, else the record's
     * current programme), or, when the household has none, the person's own
     * (特困, 单人保; his own deposits only).  unit_programme is a
     * jz_unit_programme, or -1 when there is no unit. */
    int unit_programme;
    int unit_persons;
    uint8_t area; /* jz_area of the household */
} jz_monitor_subject;

/* Calls fn for every person in the feeds, and every 特困 person enrolled,
 * with all his rows; region_prefix limits it to registry people there.
 * Deposits are added up from each member's latest balance per bank dated
 * on or before `on`. */
jz_err jz_store_monitor_scan(jz_store *s, const char *region_prefix, jz_date on,
                             void (*fn)(const jz_monitor_subject *subject, void *arg), void *arg,
                             jz_error *err);

enum { JZ_ALERT_OPEN = 0, JZ_ALERT_ASSIGNED, JZ_ALERT_VERIFIED, JZ_ALERT_RESOLVED,
       JZ_ALERT_REFERRED };

typedef struct jz_stored_alert {
    int64_t id;
    char county[7], region[13];
    uint8_t category, indicator, severity, dept, status;
    char id_number[JZ_IDNUM_BUF], name[64], household_id[JZ_HOUSEHOLD_ID_MAX];
    jz_fen amount;
    char detail[256];
    char evidence[1024]; /* JSON array of feed row numbers */
    jz_date raised_on, due_on;
} jz_stored_alert;

/* One recorded step of handling an alert (R-MON-3): assign, verify,
 * refer, feedback (a department's assistance), resolve. */
typedef struct jz_alert_step {
    int64_t alert;
    char action[16];
    jz_date on;
    char actor[64];
    char note[512];
    char outcome[16];  /* resolve: enrolled, referred, terminated, no_action */
    uint8_t dept;      /* refer, feedback: jz_dept; JZ_DEPT_CIVIL if none */
    char kind[64];     /* feedback: the assistance given */
    jz_fen amount;     /* feedback */
    int64_t case_id;   /* verify: the case it opened, 0 if none */
    char assignee[64]; /* assign */
} jz_alert_step;

jz_err jz_store_alert_get(jz_store *s, int64_t id, jz_stored_alert *a, jz_error *err);
/* Writes the alert as `after` with the step that made it so; audited.
 * Resolving a D alert with outcome `terminated` is refused (JZ_EINPUT, the
 * reason in Chinese) unless the review case its verification opened has
 * been decided and stopped an enrolment of the household (refused, or
 * approved without the unit); `terminated` is for D alerts only. */
jz_err jz_store_alert_update(jz_store *s, const jz_stored_alert *before,
                             const jz_stored_alert *after, const jz_alert_step *step,
                             jz_error *err);
/* The alerts of a household (its ID) or a person (ID number). */
jz_err jz_store_alert_find(jz_store *s, const char *household_or_person,
                           void (*fn)(const jz_stored_alert *a, void *arg), void *arg,
                           jz_error *err);
jz_err jz_store_alert_steps(jz_store *s, int64_t alert,
                            void (*fn)(const jz_alert_step *st, void *arg), void *arg,
                            jz_error *err);

/* Stores an alert unless the same indicator, person and evidence raised one
 * already (*added false), with its evidence rows (a->rows, n_rows: the
 * feed rows; an evidence row has one alert per indicator, a constraint of
 * the store). */
jz_err jz_store_alert_put(jz_store *s, jz_stored_alert *a, const int64_t *rows, size_t n_rows,
                          bool *added, jz_error *err);
/* Adds new evidence rows to the open alert `id` (monitoring, issue 11): its
 * evidence and amount grow by them, its severity is at least `severity`;
 * recorded as a step (action "evidence", the rows and the amount in the
 * note) and audited (alert.evidence).  JZ_EINPUT if the alert is resolved. */
jz_err jz_store_alert_extend(jz_store *s, int64_t id, const int64_t *rows, size_t n_rows,
                             jz_fen amount, uint8_t severity, jz_date on, const char *detail,
                             jz_error *err);
/* The evidence rows of an alert, in date order, with their row numbers. */
jz_err jz_store_alert_evidence(jz_store *s, int64_t id,
                               void (*fn)(int64_t row, const jz_feed_row *r, void *arg),
                               void *arg, jz_error *err);
/* Alerts under region_prefix ("" = all, those outside the registry too),
 * of one category (-1 = all), open ones (not resolved) only if asked; most
 * urgent first. */
jz_err jz_store_alert_list(jz_store *s, const char *region_prefix, int category, bool open_only,
                           void (*fn)(const jz_stored_alert *a, void *arg), void *arg,
                           jz_error *err);

#endif
