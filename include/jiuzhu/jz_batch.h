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
    bool write;                /* write the determinations back */
} jz_batch_opts;

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
    size_t households, members, failed; /* failed: no parameters in force */
    int64_t run;
    jz_batch_row *rows; /* sorted by county, category; malloc'd, caller frees */
    size_t n_rows;
} jz_batch_report;

/*
 * Reassesses the households of the store.  A household whose county has no
 * parameter in force on its date is counted in `failed` (its error is passed
 * to on_error, if given) and keeps its previous determination.
 */
jz_err jz_batch_assess(jz_store *s, const jz_paramset *ps, const jz_batch_opts *opts,
                       void (*on_error)(const jz_error *e, void *arg), void *arg,
                       jz_batch_report *report, jz_error *err);

/* The parameter values of a policy as a JSON object text (what a
 * determination records); malloc'd, NULL when out of memory. */
char *jz_policy_json(const jz_policy *p);

#endif
