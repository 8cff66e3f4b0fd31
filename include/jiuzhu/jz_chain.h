/*
 * jz_chain.h - 一户（人）一条救助链 (R-MON-5): everything jiuzhu knows a
 * household or a person received or went through, in time order, so that
 * nothing is missed and nothing is paid twice: what the household record
 * says it received before jiuzhu, applications and reviews step by step and
 * their decisions, the latest determination, enrolments from their first to
 * their last month and what is to be recovered, alerts and their handling
 * (referrals, the departments' feedback), the departments' own rows
 * (medical settlements, relief, pensions...), and the payments: every line
 * of the ledger with its status or the bank's result, every recovery
 * (JZ_CHAIN_RECOVERY, from the ledger) and each of its repayments.
 *
 * `jiuzhu chain` prints it; the server renders it as JSON (jz_api_case.h).
 */
#ifndef JZ_CHAIN_H
#define JZ_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "jz_ctx.h"
#include "jz_date.h"
#include "jz_err.h"
#include "jz_household.h"
#include "jz_idnum.h"
#include "jz_money.h"

typedef enum jz_chain_kind {
    JZ_CHAIN_RECORD = 0,    /* the record's `current`: received before jiuzhu */
    JZ_CHAIN_CASE_STEP,     /* a step of an application or review (case_id) */
    JZ_CHAIN_DECISION,      /* a case decided (case_id; amount: the monthly total found) */
    JZ_CHAIN_DETERMINATION, /* the latest bulk determination (run; amount: 低保 a month) */
    JZ_CHAIN_ENROL_START,   /* an enrolment's first month (enrolment_id; amount a month) */
    JZ_CHAIN_ENROL_END,     /* its last month paid (exit or stop) */
    JZ_CHAIN_RECOVERY,      /* paid unduly, to recover (amount) */
    JZ_CHAIN_ALERT,         /* an alert raised (alert_id) */
    JZ_CHAIN_ALERT_STEP,    /* a step of handling it */
    JZ_CHAIN_REFERRAL,      /* referred to a department */
    JZ_CHAIN_FEEDBACK,      /* the department's assistance, reported back (amount) */
    JZ_CHAIN_FEED,          /* a department's own row (amount, if any) */
    JZ_CHAIN_PAYMENT,       /* a line of the payments ledger (enrolment_id; amount; its status) */
    JZ_CHAIN_REPAYMENT,     /* money paid unduly repaid (amount) */
    JZ_CHAIN_KIND_COUNT
} jz_chain_kind;

/* Stable English names ("record", "case_step", ...) and Chinese labels. */
extern const char *const jz_chain_kind_names[JZ_CHAIN_KIND_COUNT];
extern const char *const jz_chain_kind_zh[JZ_CHAIN_KIND_COUNT];

typedef struct jz_chain_event {
    jz_date on;
    uint8_t kind; /* jz_chain_kind */
    /* What it is about; 0 where it has none. */
    int64_t case_id, enrolment_id, alert_id, run;
    char person[JZ_IDNUM_BUF]; /* the person concerned, "" for the household */
    jz_fen amount;             /* per kind (above); 0 if none */
    char text[640];            /* the event in Chinese, as `jiuzhu chain` prints it */
} jz_chain_event;

typedef struct jz_chain {
    char household_id[JZ_HOUSEHOLD_ID_MAX]; /* "" for a person outside the registry */
    char person[JZ_IDNUM_BUF];              /* the ID number asked for (normalised), or "" */
    jz_chain_event *events;                 /* by date; events of one day in the order found */
    size_t n;
} jz_chain;

/*
 * The chain of a household (its household_id) or a person (an ID number):
 * a person of the registry gets his household's chain, with every member's
 * department rows; a person outside it gets his own rows and alerts.
 * JZ_ENOTFOUND naming the household when a household ID is not in the
 * store.  Reads only; jz_chain_cleanup frees out.
 */
jz_err jz_chain_build(const jz_ctx *x, const char *household_or_id, jz_chain *out, jz_error *err);
void jz_chain_cleanup(jz_chain *c);

#endif
