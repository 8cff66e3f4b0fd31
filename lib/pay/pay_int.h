/*
 * pay_int.h - what the files of lib/pay share.
 */
#ifndef JZ_PAY_INT_H
#define JZ_PAY_INT_H

#include "jiuzhu/jz_pay.h"
#include "jiuzhu/jz_store_pay.h"

/* 低保 (低保, 支出型低保, 单人保): paid monthly; with 特困, the units paid. */
bool jz__pay_monthly_programme(int programme);
bool jz__pay_paid_programme(int programme);

/* What unit u is owed for the month ym, or (quarter) for the quarter that
 * starts at ym; *persons: the persons of that period. */
jz_fen jz__pay_owed(const jz_pay_unit *u, int ym, bool quarter, int *persons);

/* Whether u is in force in month ym and not held there (a hold that did
 * not end in the unit's favour): the one definition, for planning and for
 * one-time programmes. */
bool jz__pay_in_force(const jz_pay_unit *u, int ym);
/* The term of u in force in month ym (the latest that began by then), NULL
 * if none. */
const jz_pay_term *jz__pay_term_at(const jz_pay_unit *u, int ym);

/* A line of unit u as planning starts it: county, region, household,
 * enrolment, programme, person, label, and the payee (the person's own,
 * else the household's; 特困 only his own or his institution's, R-PAY-2),
 * held with the reason when there is none. */
void jz__pay_line_of(const jz_pay_unit *u, jz_pay_line *l);

/* What jz__pay_adjust added. */
typedef struct jz__pay_adjusted {
    int64_t added, held; /* adjustment lines, of which held */
    jz_fen total;        /* their sum (negative lines included) */
    int64_t recoveries;  /* 1 when a recovery was opened or grown */
    int64_t recovery;    /* its id */
    jz_fen recovered;    /* what was put to it */
    bool stale_current;  /* the period of ym has a line at another amount */
    int64_t withdrawn;   /* unsent lines found not owed, withdrawn */
    jz_fen withdrawn_total;
} jz__pay_adjusted;

/* The ledger's computation for one unit, in the caller's transaction:
 * for every period from `start` (its county's first planned month) to
 * the one before month ym (for 特困, to the quarter of ym once its line
 * exists), what u is owed against what the ledger holds.  A positive
 * difference is an adjustment line paid in ym (补发); a negative one, money
 * paid unduly, is a held negative adjustment line that squares the period
 * and goes to a recovery (R-PAY-4) opened on day `on`, never an edit of a
 * line.  Planning runs it for each changed unit; a fraud stop at once
 * (jz_pay_fraud). */
jz_err jz__pay_adjust(jz_ctx *x, const jz_pay_unit *u, int start, int ym, jz_date on,
                      jz__pay_adjusted *out, jz_error *err);

/* Opens a recovery (R-PAY-4) of `amount` paid unduly to enrolment e from
 * period `from` on day `on` (or adds to its open one), in the caller's
 * transaction, audited; *id (may be NULL) gets the recovery's id. */
jz_err jz__pay_recovery_add(jz_ctx *x, const jz_enrolment *e, const char *from, jz_fen amount,
                            jz_date on, int64_t *id, jz_error *err);

/* The first month of a period: "YYYY-MM" itself, "YYYY-Qn" its quarter's
 * first month; false for anything else (a one-time programme's code). */
bool jz__pay_period_start(const char *period, int *ym);

/* Whether the acting user's scope (x->scope, "" everywhere) covers the
 * county: a county is covered by a scope that is its prefix, and a user of
 * a township or village sees no county's payments. */
bool jz__pay_in_scope(const jz_ctx *x, const char *county);

/* The stop reason jz_proc_enrol_stop records for fraud (R-REPORT-1). */
#define JZ__PAY_FRAUD_REASON "骗取救助"

/* A one-line text people read (a reason, a note): at most cap - 1 bytes,
 * no character that breaks or reorders a line (jz_text_find_unsafe);
 * JZ_EINPUT naming `field` otherwise.  NULL is empty. */
jz_err jz__pay_text_check(const char *field, const char *text, size_t cap, jz_error *err);

/* A growing list of lines (lines.c): what the store's line callbacks fill
 * (jz__pay_lines_collect) when an operation looks at lines together.
 * oom is set, and nothing more is added, once memory runs out; free(l). */
typedef struct jz__pay_lines {
    jz_pay_line *l;
    size_t n, cap;
    bool oom;
} jz__pay_lines;
bool jz__pay_lines_push(jz__pay_lines *v, const jz_pay_line *l);
void jz__pay_lines_collect(const jz_pay_line *l, void *arg);

/* The current UTC time as ISO 8601 text. */
void jz__pay_now(char *buf, size_t n);

/* The reconciliation of a county's period (jz_pay_reconcile_period) in
 * the caller's transaction on s (reconcile.c). */
jz_err jz__pay_reconcile_in_tx(jz_ctx *x, jz_store *s, const char *county, const char *period,
                               jz_pay_recon *out, jz_error *err);

/* The deadline (R-ONCE-1) of one-time programme `code`, from the
 * programme's file loaded in x->programmes (policy/programmes/); JZ_ENOTFOUND
 * with the reason when there is no such programme or its file states no
 * deadline (`jiuzhu pay due` then lists its lines as a problem, their date
 * unknown, rather than hiding them). */
jz_err jz__pay_once_deadline(const jz_ctx *x, const char *code, jz_date *due, jz_error *err);

#endif
