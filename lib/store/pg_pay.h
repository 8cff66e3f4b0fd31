/*
 * pg_pay.h - the PostgreSQL backend's payments (jz_store_pay.h): the
 * statements of sqlite_pay.c and sqlite_pay_once.c in pg_pay.c and
 * pg_pay_once.c, entries of jz__pg_ops (store_pg.c).
 */
#ifndef JZ_PG_PAY_H
#define JZ_PG_PAY_H

#include "pg_int.h"

/* Marks an enrolment changed for planning (pay_dirty): what enrol_term,
 * pay_mark and the holds share. */
jz_err jz__pg_pay_dirty(pg *q, int64_t enrolment, const char *county, jz_error *err);

/* pg_pay.c */
jz_err jz__pg_pay_mark(void *impl, int64_t enrolment, const char *county, jz_error *err);
jz_err jz__pg_enrol_term(void *impl, const jz_enrolment *e, const char *since, jz_error *err);
jz_err jz__pg_pay_units_all(void *impl, const char *prefix,
                            void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pay_units(void *impl, const char *prefix, const char *month, const char *quarter,
                        bool quarter_start, void (*fn)(const jz_pay_unit *u, void *arg), void *arg,
                        jz_error *err);
jz_err jz__pg_pay_unit(void *impl, int64_t enrolment, jz_pay_unit *out, jz_error *err);
jz_err jz__pg_pay_owed(void *impl, int64_t enrolment,
                       void (*fn)(const jz_pay_held_row *r, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pay_count_regular(void *impl, const char *prefix, const char *month,
                                const char *quarter, int64_t *n, jz_error *err);
jz_err jz__pg_pay_clean(void *impl, const char *prefix, jz_error *err);
jz_err jz__pg_pay_plan_first(void *impl, const char *county, char first[JZ_PERIOD_BUF],
                             jz_error *err);
jz_err jz__pg_pay_plan_last(void *impl, const char *county, char last[JZ_PERIOD_BUF],
                            jz_error *err);
jz_err jz__pg_pay_plan_mark(void *impl, const char *county, const char *period,
                            char first[JZ_PERIOD_BUF], jz_error *err);
jz_err jz__pg_pay_line_add(void *impl, jz_pay_line *l, bool *added, jz_error *err);
jz_err jz__pg_pay_line_get(void *impl, int64_t id, jz_pay_line *l, jz_error *err);
jz_err jz__pg_pay_line_set(void *impl, const jz_pay_line *l, uint8_t was, jz_error *err);
jz_err jz__pg_pay_lines_open(void *impl, const char *county, unsigned mask,
                             void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pay_lines_of_batch(void *impl, int64_t batch,
                                 void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                 jz_error *err);
jz_err jz__pg_pay_lines_move(void *impl, int64_t batch, uint8_t from, uint8_t to, int64_t *n,
                             jz_error *err);
jz_err jz__pg_pay_lines_settle(void *impl, int64_t batch, uint8_t from, uint8_t to,
                               const char *result, int64_t *n, jz_error *err);
jz_err jz__pg_pay_batch_accounts(void *impl, int64_t batch,
                                 void (*fn)(const jz_pay_sent_line *l, void *arg), void *arg,
                                 jz_error *err);
jz_err jz__pg_pay_lines_of_household(void *impl, const char *household_id,
                                     void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                                     jz_error *err);
jz_err jz__pg_payee_current(void *impl, const char *household_id, const char *member_id,
                            jz_payee *out, jz_error *err);
jz_err jz__pg_payee_sharing(void *impl, const char *bank, const char *account,
                            const char *household_id, int max,
                            void (*fn)(const char *household_id, void *arg), void *arg,
                            jz_error *err);
jz_err jz__pg_payee_get(void *impl, int64_t id, jz_payee *out, jz_error *err);
jz_err jz__pg_payee_put(void *impl, jz_payee *p, jz_error *err);
jz_err jz__pg_institution_put(void *impl, jz_institution *i, jz_error *err);
jz_err jz__pg_institution_get(void *impl, int64_t id, jz_institution *out, jz_error *err);
jz_err jz__pg_institutions(void *impl, const char *county,
                           void (*fn)(const jz_institution *i, void *arg), void *arg,
                           jz_error *err);
jz_err jz__pg_pay_batch_add(void *impl, jz_pay_batch *b, jz_error *err);
jz_err jz__pg_pay_batch_get(void *impl, int64_t id, jz_pay_batch *b, jz_error *err);
jz_err jz__pg_pay_batch_set(void *impl, const jz_pay_batch *b, uint8_t was, jz_error *err);
jz_err jz__pg_pay_batches(void *impl, const char *county, const char *period,
                          void (*fn)(const jz_pay_batch *b, void *arg), void *arg, jz_error *err);
jz_err jz__pg_recovery_add(void *impl, jz_recovery *r, jz_error *err);
jz_err jz__pg_recovery_get(void *impl, int64_t id, jz_recovery *r, jz_error *err);
jz_err jz__pg_recoveries(void *impl, const char *household_id,
                         void (*fn)(const jz_recovery *r, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pay_sums(void *impl, const jz_pay_scope *sc,
                       void (*fn)(const jz_pay_sum_row *r, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pay_lines_where(void *impl, const jz_pay_scope *sc, const jz_pay_line_filter *f,
                              void (*fn)(const jz_pay_line *l, void *arg), void *arg,
                              jz_error *err);
jz_err jz__pg_pay_batch_facts(void *impl, const char *county, int64_t batch,
                              void (*fn)(const jz_pay_batch_fact *f, void *arg), void *arg,
                              jz_error *err);
jz_err jz__pg_pay_recovery_facts(void *impl, const char *county,
                                 void (*fn)(const jz_pay_recovery_fact *f, void *arg), void *arg,
                                 jz_error *err);
jz_err jz__pg_pay_due_groups(void *impl, const char *prefix,
                             void (*fn)(const jz_pay_due_group *g, void *arg), void *arg,
                             jz_error *err);
/* pg_pay_once.c */
jz_err jz__pg_pay_hold_add(void *impl, const jz_enrolment *e, const jz_pay_hold *h, bool replace,
                           jz_error *err);
jz_err jz__pg_pay_hold_end(void *impl, const jz_enrolment *e, const char *to, bool back_pay,
                           jz_error *err);
jz_err jz__pg_pay_members(void *impl, const char *household_id,
                          void (*fn)(const jz_pay_member *m, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pay_once_totals(void *impl, const char *programme, const char *prefix,
                              jz_store_once_totals *out, jz_error *err);
jz_err jz__pg_repayment_add(void *impl, jz_repayment *p, const char *county, jz_error *err);
jz_err jz__pg_repayments(void *impl, int64_t recovery, void (*fn)(const jz_repayment *p, void *arg),
                         void *arg, jz_error *err);

#endif
