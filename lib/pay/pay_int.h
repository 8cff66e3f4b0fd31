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

/* Opens a recovery (R-PAY-4) of `amount` paid unduly to enrolment e from
 * period `from`, in the caller's transaction, audited. */
jz_err jz__pay_recovery_add(jz_ctx *x, const jz_enrolment *e, const char *from, jz_fen amount,
                            jz_error *err);

/* The first month of a period: "YYYY-MM" itself, "YYYY-Qn" its quarter's
 * first month; false for anything else (a one-time programme's code). */
bool jz__pay_period_start(const char *period, int *ym);

/* Whether the acting user's scope (x->scope, "" everywhere) covers the
 * county: a county is covered by a scope that is its prefix, and a user of
 * a township or village sees no county's payments. */
bool jz__pay_in_scope(const jz_ctx *x, const char *county);

/* The current UTC time as ISO 8601 text. */
void jz__pay_now(char *buf, size_t n);

/* The reconciliation of a county's period (jz_pay_reconcile_period) in
 * the caller's transaction on s (reconcile.c). */
jz_err jz__pay_reconcile_in_tx(jz_ctx *x, jz_store *s, const char *county, const char *period,
                               jz_pay_recon *out, jz_error *err);

/* The deadline of one-time programme `code` (R-ONCE-1), from the
 * programme's file (policy/programmes/).  A HOOK: the programmes' loader
 * is another module; until it is wired in here, every code answers
 * JZ_ENOTFOUND with the reason, and `jiuzhu pay due` lists the programme's
 * lines as a problem (their date unknown) rather than hiding them (due.c). */
jz_err jz__pay_once_deadline(const jz_ctx *x, const char *code, jz_date *due, jz_error *err);

#endif
