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

#endif
