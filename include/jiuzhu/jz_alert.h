/*
 * jz_alert.h - handling an alert of dynamic monitoring (R-MON-3): assign it,
 * verify it (a confirmed death is recorded, a confirmed D alert opens a
 * review, a B alert an application, or joins the household's open case),
 * refer it to a department, record a department's feedback, resolve it.
 *
 * One operation, one transaction: the alert is read, checked and written
 * inside the same write transaction, so that two people handling the same
 * alert at once cannot both succeed where only one may (two verifications
 * opening two cases, a resolution overwritten by an assignment).  The CLI
 * (`jiuzhu alert`) and the server only translate arguments and results.
 */
#ifndef JZ_ALERT_H
#define JZ_ALERT_H

#include <stdbool.h>
#include <stdint.h>

#include "jz_ctx.h"
#include "jz_procedure.h"
#include "jz_store.h"

typedef enum jz_alert_action {
    JZ_ALERT_ACT_ASSIGN = 0,
    JZ_ALERT_ACT_VERIFY,
    JZ_ALERT_ACT_REFER,
    JZ_ALERT_ACT_FEEDBACK,
    JZ_ALERT_ACT_RESOLVE,
    JZ_ALERT_ACT_COUNT
} jz_alert_action;

/* "assign", "verify", ... (what the audit log and the steps record). */
extern const char *const jz_alert_action_names[JZ_ALERT_ACT_COUNT];

typedef struct jz_alert_req {
    jz_alert_action action;
    jz_date on;            /* the day it was done; not after x->today */
    const char *note;      /* resolve: required */
    const char *assignee;  /* assign: required */
    bool confirmed;        /* verify: 属实 (true) or 不属实 (false) */
    int dept;              /* refer, feedback: jz_dept; -1 = none given */
    const char *kind;      /* feedback: the assistance given */
    jz_fen amount;         /* feedback */
    const char *outcome;   /* resolve: enrolled, referred, terminated, no_action */
    /* The status the caller saw when it decided to act (a jz_alert status),
     * or -1 for "whatever it is now": a different status now is a conflict
     * (JZ_ECONFLICT) and nothing is written. */
    int expect_status;
} jz_alert_req;

typedef struct jz_alert_res {
    jz_stored_alert before, after;
    int64_t case_id;      /* the case opened or joined, 0 if none */
    bool joined;          /* case_id is the household's open case */
    bool opened;          /* case_id was opened now: accepted holds it */
    jz_accept_res accepted;
    bool death;           /* a confirmed death was recorded: death holds it */
    jz_death_res death_res;
} jz_alert_res;

/* Handles alert `id` as asked.  Refused (JZ_EUSAGE): a request missing what
 * its action needs; (JZ_EINPUT): a resolved alert, a verification of an
 * alert already verified, a date after today, a person outside the
 * registry whose confirmation would open a case; (JZ_ECONFLICT): the alert
 * is no longer in rq->expect_status. */
jz_err jz_alert_handle(jz_ctx *x, int64_t id, const jz_alert_req *rq, jz_alert_res *res,
                       jz_error *err);

/* ---- reading alerts: lists, one alert, its re-assessment ------------------------ */

#include "jz_record.h"

/* The states of an alert (jz_stored_alert.status: JZ_ALERT_OPEN ...
 * JZ_ALERT_REFERRED, jz_store.h): "open", "assigned", "verified",
 * "resolved", "referred", and 待处置, 已分派, 已核实, 已办结, 已转介. */
#define JZ_ALERT_STATUS_COUNT 5
extern const char *const jz_alert_status_names[JZ_ALERT_STATUS_COUNT];
extern const char *const jz_alert_status_zh[JZ_ALERT_STATUS_COUNT];

/* A resolution's outcomes (jz_alert_req.outcome): "enrolled", "referred",
 * "terminated", "no_action". */
#define JZ_ALERT_OUTCOME_COUNT 4
extern const char *const jz_alert_outcome_names[JZ_ALERT_OUTCOME_COUNT];

/* Which alerts a list holds. */
typedef struct jz_alert_query {
    const char *region; /* region code prefix; NULL or "": all, those outside the registry
                           too (a prefix lists registry people only) */
    int category;       /* JZ_ALERT_A..D, or -1: all */
    int status;         /* a state (JZ_ALERT_OPEN ...), or -1: any */
    bool open_only;     /* only alerts not resolved */
    long offset;        /* of the matching alerts (most urgent first), skip this many */
    long limit;         /* then pass at most this many; 0: all */
} jz_alert_query;

/* Called for each alert of a list; 0 to go on, a jz_err to stop the list
 * with that code. */
typedef int (*jz_alert_fn)(const jz_stored_alert *a, void *arg);

/* Passes fn the alerts q asks for, most urgent first (the earliest
 * deadline), and sets *total (may be NULL) to how many match in all,
 * before offset and limit.  JZ_EINPUT for a category, status, offset or
 * limit out of range (err->field: "category", "status", "offset",
 * "limit").  Reads only. */
jz_err jz_alert_list(jz_ctx *x, const jz_alert_query *q, jz_alert_fn fn, void *arg, long *total,
                     jz_error *err);

/* One page of a list, for a caller that wants them in memory (the server):
 * q->limit must be 1 .. JZ_ALERT_PAGE_MAX.  jz_alert_page_free frees the
 * items (a page of zeroes, or NULL, is fine). */
#define JZ_ALERT_PAGE_MAX 1000
typedef struct jz_alert_page {
    jz_stored_alert *items;
    size_t n;
    long total; /* matching alerts in all */
} jz_alert_page;
jz_err jz_alert_list_page(jz_ctx *x, const jz_alert_query *q, jz_alert_page *out, jz_error *err);
void jz_alert_page_free(jz_alert_page *p);

/* One evidence row of an alert: the department's row and its number in the
 * store. */
typedef struct jz_alert_evidence_row {
    int64_t row;
    jz_feed_row r;
} jz_alert_evidence_row;

/* An alert with its evidence (date order) and its handling steps (in the
 * order they were taken). */
typedef struct jz_alert_view {
    jz_stored_alert alert;
    jz_alert_evidence_row *evidence;
    size_t n_evidence;
    jz_alert_step *steps;
    size_t n_steps;
} jz_alert_view;

/* Reads alert `id` (JZ_ENOTFOUND: no such alert) with its evidence and
 * steps; *out is freed with jz_alert_view_cleanup (also after an error).
 * Reads only; no policy is needed. */
jz_err jz_alert_show(jz_ctx *x, int64_t id, jz_alert_view *out, jz_error *err);
void jz_alert_view_cleanup(jz_alert_view *v);

/* The engine's re-assessment of an alert's household (R-ONE-1: every
 * programme), from the record stored now, as of the day the alert was
 * raised, with the parameters in force there then.  What the department's
 * data says is not in it: a change must be verified and the record
 * corrected first.  h's members point into buf: keep the struct whole. */
typedef struct jz_reassessment {
    jz_household h;
    jz_household_buf buf;
    jz_policy policy;
    jz_result result;
    jz_trace trace;
} jz_reassessment;

/* Fills *out (large: allocate it; x->regions and x->params must be
 * loaded).  JZ_ENOTFOUND naming "household_id" when the person is outside
 * the registry (a->household_id empty): there is no record to assess. */
jz_err jz_alert_reassess(jz_ctx *x, const jz_stored_alert *a, jz_reassessment *out,
                         jz_error *err);

#endif
