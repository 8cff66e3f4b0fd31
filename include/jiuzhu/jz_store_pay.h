/*
 * jz_store_pay.h - the statements of payments (jz_pay.h), in the caller's
 * transaction.  lib/pay holds the rules; a backend only stores and reads.
 */
#ifndef JZ_STORE_PAY_H
#define JZ_STORE_PAY_H

#include "jz_pay.h"
#include "jz_store.h"

/* ---- an enrolment's terms and holds -------------------------------------------- */

/* The enrolment's amount and persons from month `since` on ("YYYY-MM"; a
 * term of the same month is replaced); marks it changed for planning. */
jz_err jz_store_enrol_term(jz_store *s, const jz_enrolment *e, const char *since, jz_error *err);

#define JZ_PAY_TERMS_MAX 48
#define JZ_PAY_HOLDS_MAX 16

typedef struct jz_pay_term {
    char since[8];
    jz_fen monthly;
    int persons;
} jz_pay_term;

typedef struct jz_pay_hold {
    char from[8], to[8]; /* to "" : open */
    bool back_pay;       /* ended in the unit's favour: the months are owed */
    char reason[128];
} jz_pay_hold;

/* One enrolment as planning reads it: the row, its terms (by month, the
 * latest JZ_PAY_TERMS_MAX), its holds, the household's member count and the
 * current payees of the household and of the unit's person (0: none). */
typedef struct jz_pay_unit {
    jz_enrolment e;
    int n_terms;
    jz_pay_term terms[JZ_PAY_TERMS_MAX];
    int n_holds;
    jz_pay_hold holds[JZ_PAY_HOLDS_MAX];
    int members;
    /* For a person's own unit (特困, 单人保): the persons of the household's
     * live 低保 unit (0: none) and the household's live own units. */
    int household_persons, own_units;
    int64_t payee_household, payee_person;
    bool payee_institution; /* the person's payee is a care institution */
    bool dirty;             /* changed since the last planning */
} jz_pay_unit;

/* The enrolments under region_prefix that planning `month` ("YYYY-MM", in
 * quarter "YYYY-Qn"; quarter_start: the month is its quarter's first) has
 * to look at, by enrolment: those marked changed, and those of a paid
 * programme (低保 monthly; 特困 when quarter_start) that may be owed in the
 * month (begun by then, not stopped before it) and lack their regular line
 * of the period.  A second planning of a month therefore reads almost
 * nothing. */
jz_err jz_store_pay_units(jz_store *s, const char *region_prefix, const char *month,
                          const char *quarter, bool quarter_start,
                          void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err);

/* Every enrolment under region_prefix, by household and enrolment (the
 * one-time programmes look at a household's units together). */
jz_err jz_store_pay_units_all(jz_store *s, const char *region_prefix,
                              void (*fn)(const jz_pay_unit *u, void *arg), void *arg,
                              jz_error *err);

/* How many regular lines the ledger holds for the month or its quarter
 * under region_prefix. */
jz_err jz_store_pay_count_regular(jz_store *s, const char *region_prefix, const char *month,
                                  const char *quarter, int64_t *n, jz_error *err);
/* One enrolment as jz_store_pay_units reads it; JZ_ENOTFOUND. */
jz_err jz_store_pay_unit(jz_store *s, int64_t enrolment, jz_pay_unit *out, jz_error *err);

/* Adds a hold of enrolment e from month h->from (h->to "" while open) and
 * marks e changed for planning.  When e has a hold from that month
 * already: replaced if `replace`, else JZ_ECONFLICT (nothing written). */
jz_err jz_store_pay_hold_add(jz_store *s, const jz_enrolment *e, const jz_pay_hold *h, bool replace,
                             jz_error *err);
/* Ends e's open hold with month `to` and back_pay, and marks e changed;
 * JZ_ENOTFOUND when e has no open hold. */
jz_err jz_store_pay_hold_end(jz_store *s, const jz_enrolment *e, const char *to, bool back_pay,
                             jz_error *err);

/* A line of an enrolment as the ledger's computation reads it. */
typedef struct jz_pay_held_row {
    int64_t line, batch, refers_to;
    uint8_t kind, status;
    int8_t batch_state;         /* its batch's jz_batch_state, -1 in no batch */
    char period[JZ_PERIOD_BUF]; /* the period it pays: a regular line's (and
                                   its follow-up's) period, an adjustment's
                                   ref_period */
    jz_fen amount;
} jz_pay_held_row;

/* What the ledger holds for an enrolment: its regular, adjustment and
 * follow-up lines (withdrawn ones too), fn for each, by line. */
jz_err jz_store_pay_owed(jz_store *s, int64_t enrolment,
                         void (*fn)(const jz_pay_held_row *r, void *arg), void *arg,
                         jz_error *err);

/* Marks an enrolment changed (its past periods are compared again at the
 * next planning). */
jz_err jz_store_pay_mark(jz_store *s, int64_t enrolment, const char *county, jz_error *err);
/* Clears the changed marks of the enrolments under region_prefix. */
jz_err jz_store_pay_clean(jz_store *s, const char *region_prefix, jz_error *err);

/* Records a planning run of a county's month; *first gets the county's
 * first month planned ("" if this is the first). */
jz_err jz_store_pay_plan_mark(jz_store *s, const char *county, const char *period,
                              char first[JZ_PERIOD_BUF], jz_error *err);
/* The first month planned in a county ("" if none). */
jz_err jz_store_pay_plan_first(jz_store *s, const char *county, char first[JZ_PERIOD_BUF],
                               jz_error *err);

/* The last month planned in a county ("" if none). */
jz_err jz_store_pay_plan_last(jz_store *s, const char *county, char last[JZ_PERIOD_BUF],
                              jz_error *err);

/* The households, but `household_id`, whose current payee (their own or a
 * member's) is account `account` at bank `bank`: fn for each, at most
 * `max`, by household. */
jz_err jz_store_payee_sharing(jz_store *s, const char *bank, const char *account,
                              const char *household_id, int max,
                              void (*fn)(const char *household_id, void *arg), void *arg,
                              jz_error *err);

/* ---- lines --------------------------------------------------------------------------- */

/* Inserts a line (l->id set); *added false (and nothing written) when the
 * ledger already holds one of its kind that the unique indexes forbid twice
 * (a regular line of the enrolment and period, a person's one-time line of
 * the programme, a follow-up of the refused line). */
jz_err jz_store_pay_line_add(jz_store *s, jz_pay_line *l, bool *added, jz_error *err);
jz_err jz_store_pay_line_get(jz_store *s, int64_t id, jz_pay_line *l, jz_error *err);
/* Writes a line's payee, batch, status, result and reason (nothing else of
 * a line ever changes), only if its status is still `was`: JZ_ECONFLICT
 * otherwise. */
jz_err jz_store_pay_line_set(jz_store *s, const jz_pay_line *l, uint8_t was, jz_error *err);

/* The lines of a county in one of the statuses of mask (1 << status), fn
 * for each, by line. */
jz_err jz_store_pay_lines_open(jz_store *s, const char *county, unsigned mask,
                               void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                               jz_error *err);
/* The lines of a batch, by line. */
jz_err jz_store_pay_lines_of_batch(jz_store *s, int64_t batch,
                                   void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                   jz_error *err);
/* Moves every line of a batch in status `from` to status `to` (one
 * statement: a batch's file marks its lines sent); *n the lines moved. */
jz_err jz_store_pay_lines_move(jz_store *s, int64_t batch, uint8_t from, uint8_t to, int64_t *n,
                               jz_error *err);
/* The same, writing `result` (the bank's code) on each line moved. */
jz_err jz_store_pay_lines_settle(jz_store *s, int64_t batch, uint8_t from, uint8_t to,
                                 const char *result, int64_t *n, jz_error *err);
/* A batch's lines with the account each was sent to, by line: one read
 * (a result file of a million lines is checked against them). */
typedef struct jz_pay_sent_line {
    int64_t line, payee;
    jz_fen amount;
    uint8_t status;
    const char *account; /* "" if the payee is gone */
} jz_pay_sent_line;
jz_err jz_store_pay_batch_accounts(jz_store *s, int64_t batch,
                                   void (*fn)(const jz_pay_sent_line *l, void *arg), void *arg,
                                   jz_error *err);
/* The lines of a household, by line. */
jz_err jz_store_pay_lines_of_household(jz_store *s, const char *household_id,
                                       void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                       jz_error *err);

/* A member of a household as its stored record has him (one-time
 * programmes count a household unit's persons from them). */
typedef struct jz_pay_member {
    char id[JZ_IDNUM_BUF];
    char name[64];
    jz_date birth;
    jz_date deceased; /* JZ_DATE_NONE: alive */
    bool present;     /* living at home (R-HH-2) */
} jz_pay_member;
/* The members of a household, in the record's order. */
jz_err jz_store_pay_members(jz_store *s, const char *household_id,
                            void (*fn)(const jz_pay_member *m, void *arg), void *arg,
                            jz_error *err);

/* A one-time programme's lines under region_prefix: how many, and their
 * sums by funding source. */
typedef struct jz_store_once_totals {
    int64_t lines;
    jz_fen total, province, local;
} jz_store_once_totals;
jz_err jz_store_pay_once_totals(jz_store *s, const char *programme, const char *region_prefix,
                                jz_store_once_totals *out, jz_error *err);

/* ---- payees -------------------------------------------------------------------------- */

/* The current payee of (household, member_id ""/person); JZ_ENOTFOUND. */
jz_err jz_store_payee_current(jz_store *s, const char *household_id, const char *member_id,
                              jz_payee *out, jz_error *err);
jz_err jz_store_payee_get(jz_store *s, int64_t id, jz_payee *out, jz_error *err);
/* Stores p as the new current payee of its unit (p->id and p->version
 * set; the previous one, if any, is kept but no longer current). */
jz_err jz_store_payee_put(jz_store *s, jz_payee *p, jz_error *err);

jz_err jz_store_institution_put(jz_store *s, jz_institution *i, jz_error *err);
jz_err jz_store_institution_get(jz_store *s, int64_t id, jz_institution *out, jz_error *err);
/* The institutions of a county (every one if county is ""), by name. */
jz_err jz_store_institutions(jz_store *s, const char *county,
                             void (*fn)(const jz_institution *i, void *arg), void *arg,
                             jz_error *err);

/* ---- batches -------------------------------------------------------------------------- */

jz_err jz_store_pay_batch_add(jz_store *s, jz_pay_batch *b, jz_error *err);
jz_err jz_store_pay_batch_get(jz_store *s, int64_t id, jz_pay_batch *b, jz_error *err);
/* Writes every field of batch b->id but id, county, bank and period, only
 * if its state is still `was` (JZ_ECONFLICT otherwise). */
jz_err jz_store_pay_batch_set(jz_store *s, const jz_pay_batch *b, uint8_t was, jz_error *err);
/* The batches of a county (all if county is ""), of a period if period is
 * not NULL, by batch. */
jz_err jz_store_pay_batches(jz_store *s, const char *county, const char *period,
                            void (*fn)(const jz_pay_batch *b, void *arg), void *arg, jz_error *err);

/* ---- recoveries ---------------------------------------------------------------------- */

/* Adds to the open recovery of the enrolment (the amount and balance grow,
 * the first period kept) or opens one (r->id set). */
jz_err jz_store_recovery_add(jz_store *s, jz_recovery *r, jz_error *err);
jz_err jz_store_recovery_get(jz_store *s, int64_t id, jz_recovery *r, jz_error *err);
/* The recoveries of a household (every one if household_id is NULL), by id. */
jz_err jz_store_recoveries(jz_store *s, const char *household_id,
                           void (*fn)(const jz_recovery *r, void *arg), void *arg, jz_error *err);

/* Records repayment p (p->id set) and takes it off its recovery's balance,
 * only if the balance covers it: JZ_ECONFLICT (nothing written) otherwise. */
jz_err jz_store_repayment_add(jz_store *s, jz_repayment *p, const char *county, jz_error *err);
/* The repayments of a recovery, by id. */
jz_err jz_store_repayments(jz_store *s, int64_t recovery,
                           void (*fn)(const jz_repayment *p, void *arg), void *arg, jz_error *err);
/* ---- reconciliation and deadlines (lib/pay/reconcile.c, due.c) ------------------------ */

/* The lines a reconciliation reads: those of one batch (batch > 0), or a
 * county's lines whose period is `period` or `period2` ("" : none). */
typedef struct jz_pay_scope {
    const char *county;
    const char *period, *period2;
    int64_t batch;
} jz_pay_scope;

/* One group of a scope's lines (by programme, kind, status, sign of the
 * amount and batch) with its count and sums.  A follow-up's funding shares
 * are those of the one-time line it pays again (same programme and person;
 * regular lines have none). */
typedef struct jz_pay_sum_row {
    char programme[32];
    uint8_t kind, status;
    bool negative; /* amount < 0 */
    int64_t batch; /* 0: in no batch */
    int64_t n;
    jz_fen amount, province, local;
} jz_pay_sum_row;
jz_err jz_store_pay_sums(jz_store *s, const jz_pay_scope *sc,
                         void (*fn)(const jz_pay_sum_row *r, void *arg), void *arg, jz_error *err);

/* Which of a scope's lines jz_store_pay_lines_where lists: statuses and
 * kinds in the masks (1 << value; 0: any), amounts of a sign (< 0 negative,
 * > 0 positive, 0 any), in a batch or not (< 0 in none, > 0 in one, 0 any),
 * and line ids below `below` (0: any). */
typedef struct jz_pay_line_filter {
    unsigned status_mask, kind_mask;
    int sign, in_batch;
    int64_t below;
} jz_pay_line_filter;
jz_err jz_store_pay_lines_where(jz_store *s, const jz_pay_scope *sc, const jz_pay_line_filter *f,
                                void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                jz_error *err);

/* A batch as recorded, and what its lines add up to. */
typedef struct jz_pay_batch_fact {
    jz_pay_batch b;
    int64_t n;                             /* its lines */
    jz_fen amount;                         /* their sum */
    int64_t max_line;                      /* its highest line id (0: none) */
    int64_t by_status[JZ_PL_STATUS_COUNT]; /* its lines by status */
} jz_pay_batch_fact;
/* The batches of a county (batch 0), or batch `batch` alone, by batch. */
jz_err jz_store_pay_batch_facts(jz_store *s, const char *county, int64_t batch,
                                void (*fn)(const jz_pay_batch_fact *f, void *arg), void *arg,
                                jz_error *err);

/* An enrolment of a county with recoveries or negative adjustment lines:
 * what the ledger offset, what was opened, repaid and is still owed. */
typedef struct jz_pay_recovery_fact {
    int64_t enrolment;
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    jz_fen offsets;     /* Σ its negative adjustment lines (≤ 0) */
    int64_t recoveries; /* how many */
    jz_fen amount, repaid, balance;
    int64_t unbalanced; /* a recovery whose balance is not amount - repaid (0: none) */
} jz_pay_recovery_fact;
jz_err jz_store_pay_recovery_facts(jz_store *s, const char *county,
                                   void (*fn)(const jz_pay_recovery_fact *f, void *arg), void *arg,
                                   jz_error *err);

/* A region's lines of positive amount not yet sent, grouped by county,
 * period, batch and status: in a batch not yet exported (status batched),
 * or in none (planned, or held). */
typedef struct jz_pay_due_group {
    char county[7];
    char period[JZ_PERIOD_BUF];
    int64_t batch;
    uint8_t state; /* the batch's */
    char bank[JZ_BANK_CODE_BUF];
    uint8_t status;
    int64_t n;
    jz_fen amount;
} jz_pay_due_group;
jz_err jz_store_pay_due_groups(jz_store *s, const char *region_prefix,
                               void (*fn)(const jz_pay_due_group *g, void *arg), void *arg,
                               jz_error *err);

#endif
