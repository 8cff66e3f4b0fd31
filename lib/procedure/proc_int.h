/*
 * proc_int.h - what the files of the procedure's operations share (ops.c,
 * enrol.c, adopt.c): the live enrolments of a household.
 */
#ifndef JZ_PROC_INT_H
#define JZ_PROC_INT_H

#include "jiuzhu/jz_procedure.h"

/* The enrolments of a household that are not stopped (at most what a
 * household can hold: its units, each possibly followed by a new one). */
typedef struct jz__live_list {
    size_t n;
    jz_enrolment e[JZ_CASE_UNITS_MAX * 2];
} jz__live_list;

/* jz_store_enrol_list's callback that fills a jz__live_list. */
void jz__collect_live(const jz_enrolment *e, void *arg);

/* Runs fn in a transaction of its own (committed, or rolled back on error),
 * or in the caller's (in_txn: the caller rolls back on error). */
jz_err jz__proc_run(jz_ctx *x, bool in_txn, jz_err (*fn)(jz_ctx *, void *, jz_error *),
                    void *arg, jz_error *err);

#endif
