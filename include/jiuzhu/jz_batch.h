/*
 * jz_batch.h - bulk reassessment of the registry (issue: the registry).
 *
 * Builds the columnar snapshot of a region once, evaluates every household
 * on all cores with the same engine as the single-record path (no trace:
 * only the decisive rules are kept), and writes every determination back in
 * one transaction, with the parameter values used.  The results are exactly
 * those of assessing each household alone (a test proves it).
 */
#ifndef JZ_BATCH_H
#define JZ_BATCH_H

#include "jz_engine.h"
#include "jz_params.h"
#include "jz_store.h"

typedef struct jz_batch_opts {
    const char *region_prefix; /* "" or NULL: the whole store */
    jz_date date;              /* JZ_DATE_NONE: each household's own assess_date */
    const char *overrides;     /* the --param text of the run, recorded with it */
    int threads;               /* 0: one per core */
    bool write;                /* write the determinations back: an official run */
    bool compare;              /* a what-if: compare with the stored results (no write) */
    int max_examples;          /* a what-if: list the first so many households whose
                                  category changes (0: none) */
} jz_batch_opts;

/* A household whose category a what-if changes. */
typedef struct jz_batch_example {
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    char county[7];
    uint8_t before, after;        /* categories; before JZ_CAT_COUNT: never assessed */
    jz_fen monthly_before, monthly_after; /* household + 特困 + 单人保 persons */
} jz_batch_example;

/* What a what-if changes in one county, against the stored results. */
typedef struct jz_batch_diff {
    char county[7];
    int64_t households;        /* assessed */
    int64_t changed;           /* whose category changes */
    int64_t unassessed;        /* with no stored result to compare with */
    jz_fen before, after;      /* monthly totals: household + 特困 + 单人保 persons */
} jz_batch_diff;

/* Counts and amounts of one (county, category) of a run. */
typedef struct jz_batch_row {
    char county[7];
    uint8_t category;
    int64_t households, persons, tekun, single;
    jz_fen monthly, tekun_monthly, single_monthly;
} jz_batch_row;

/* Timings of the phases, in seconds, and what was done. */
typedef struct jz_batch_report {
    double read_s, assess_s, write_s;
    bool snapshot_cached;    /* the snapshot came from the cache (jz_snapshot_cached) */
    size_t snapshot_patched; /* of which households read again (jz_snapshot_patched) */
    /* A what-if: the stored results it compares with came from the cache
     * beside the snapshot, of which households read again
     * (jz_store_snapshot_results). */
    bool results_cached;
    size_t results_patched;
    size_t households, members, failed; /* failed: no parameters in force */
    int64_t run;
    jz_batch_row *rows; /* sorted by county, category; malloc'd, caller frees */
    size_t n_rows;
    /* An official run: households not written because their record changed
     * (or they were removed) while the run computed; their stored results
     * stay as they were, shown as not assessed since the change. */
    size_t stale;
    /* An official run: households not written because their stored
     * determination already says what the new one says (all but the run
     * and the date: jz_store_stored_digests); they keep the run and date
     * that wrote it. */
    size_t unchanged;
    /* A what-if: by county (sorted; malloc'd, caller frees), and the moves
     * between categories, [before][after], JZ_CAT_COUNT = not assessed. */
    jz_batch_diff *diffs;
    size_t n_diffs;
    int64_t moves[JZ_CAT_COUNT + 1][JZ_CAT_COUNT + 1];
    jz_batch_example *examples; /* malloc'd (opts->max_examples), caller frees */
    size_t n_examples;
} jz_batch_report;

/*
 * Reassesses the households of the store.  A household whose county has no
 * parameter in force on its date is counted in `failed` (its error is passed
 * to on_error, if given) and keeps its previous determination.
 *
 * An official run (opts->write) stores its results in one audited
 * transaction, and only for the record version they were computed from: the
 * households whose record changed meanwhile are counted in `stale` and
 * keep their previous determination.  Only the determinations that changed
 * are written: those whose stored one says the same are counted in
 * `unchanged` and left as they are.  A what-if (opts->compare) writes
 * nothing and reports what would change.
 */
jz_err jz_batch_assess(jz_store *s, const jz_paramset *ps, const jz_batch_opts *opts,
                       void (*on_error)(const jz_error *e, void *arg), void *arg,
                       jz_batch_report *report, jz_error *err);

/* The households an official run wrote: all but the stale, the failed and
 * the unchanged. */
size_t jz_batch_written(const jz_batch_report *rep);

/* The parameter values of a policy as a JSON object text (what a
 * determination records); malloc'd, NULL when out of memory. */
char *jz_policy_json(const jz_policy *p);

#endif
