/*
 * pg_pending.h - the operations the PostgreSQL backend does not have yet
 * (pg_pending.c).
 */
#ifndef JZ_PG_PENDING_H
#define JZ_PG_PENDING_H

#include "pg_int.h"

jz_err jz__pg_pend_case_create(void *impl, jz_case *c, const jz_case_step *step, jz_error *err);
jz_err jz__pg_pend_case_get(void *impl, int64_t id, jz_case *c, jz_error *err);
jz_err jz__pg_pend_case_update(void *impl, const jz_case *before, const jz_case *after, const jz_case_step *step, jz_error *err);
jz_err jz__pg_pend_case_set_opinion(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu, const jz_case_reason *r, size_t nr, const char *determination, jz_error *err);
jz_err jz__pg_pend_case_opinion(void *impl, int64_t id, jz_case_unit *u, size_t ucap, size_t *nu, jz_case_reason *r, size_t rcap, size_t *nr, jz_error *err);
jz_err jz__pg_pend_case_list(void *impl, const char *prefix, bool open_only, void (*fn)(const jz_case *c, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_case_steps(void *impl, int64_t id, void (*fn)(const jz_case_step *s, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_staff_put(void *impl, const char *county, const char *staff_id, const char *name, const char *unit, const char *relative_id, const char *relative_name, const char *relation, jz_error *err);
jz_err jz__pg_pend_staff_relative(void *impl, const char *id_number, char *staff_name, size_t n, char *relation, size_t rn, bool *found, jz_error *err);
jz_err jz__pg_pend_staff_county(void *impl, const char *staff_id, char county[7], bool *found, jz_error *err);
jz_err jz__pg_pend_enrol_get(void *impl, int64_t id, jz_enrolment *e, jz_error *err);
jz_err jz__pg_pend_enrol_put(void *impl, jz_enrolment *e, jz_error *err);
jz_err jz__pg_pend_enrol_list(void *impl, const char *prefix, const char *household_id, void (*fn)(const jz_enrolment *e, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_case_set_units(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu, jz_error *err);
jz_err jz__pg_pend_case_set_findings(void *impl, const jz_case *c, const jz_case_finding *f, size_t nf, jz_error *err);
jz_err jz__pg_pend_case_findings(void *impl, int64_t id, jz_case_finding *f, size_t cap, size_t *n, jz_error *err);
jz_err jz__pg_pend_posting_put(void *impl, const jz_case *c, int kind, int round, jz_date posted_on, jz_date until, const jz_posting_row *rows, size_t n, jz_error *err);
jz_err jz__pg_pend_posting_list(void *impl, const char *village, int kind, jz_date on, void (*fn)(const jz_posting_row *row, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_grant_put(void *impl, jz_grant *g, jz_error *err);
jz_err jz__pg_pend_grant_list(void *impl, const char *prefix, const char *household_id, int64_t case_id, void (*fn)(const jz_grant *g, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_enrol_adopt(void *impl, jz_enrolment *e, jz_error *err);
jz_err jz__pg_pend_enrol_term(void *impl, const jz_enrolment *e, const char *since, jz_error *err);
jz_err jz__pg_pend_pay_units_all(void *impl, const char *prefix, void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_units(void *impl, const char *prefix, const char *month, const char *quarter, bool quarter_start, void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_owed(void *impl, int64_t enrolment, void (*fn)(const jz_pay_held_row *r, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_clean(void *impl, const char *prefix, jz_error *err);
jz_err jz__pg_pend_pay_lines_settle(void *impl, int64_t batch, uint8_t from, uint8_t to, const char *result, int64_t *n, jz_error *err);
jz_err jz__pg_pend_pay_batch_accounts(void *impl, int64_t batch, void (*fn)(const jz_pay_sent_line *l, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_count_regular(void *impl, const char *prefix, const char *month, const char *quarter, int64_t *n, jz_error *err);
jz_err jz__pg_pend_pay_mark(void *impl, int64_t enrolment, const char *county, jz_error *err);
jz_err jz__pg_pend_pay_plan_mark(void *impl, const char *county, const char *period, char first[JZ_PERIOD_BUF], jz_error *err);
jz_err jz__pg_pend_pay_plan_first(void *impl, const char *county, char first[JZ_PERIOD_BUF], jz_error *err);
jz_err jz__pg_pend_pay_line_add(void *impl, jz_pay_line *l, bool *added, jz_error *err);
jz_err jz__pg_pend_payee_sharing(void *impl, const char *bank, const char *account, const char *household_id, int max, void (*fn)(const char *household_id, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_line_get(void *impl, int64_t id, jz_pay_line *l, jz_error *err);
jz_err jz__pg_pend_pay_line_set(void *impl, const jz_pay_line *l, uint8_t was, jz_error *err);
jz_err jz__pg_pend_pay_lines_open(void *impl, const char *county, unsigned mask, void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_lines_of_batch(void *impl, int64_t batch, void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_lines_move(void *impl, int64_t batch, uint8_t from, uint8_t to, int64_t *n, jz_error *err);
jz_err jz__pg_pend_pay_lines_of_household(void *impl, const char *household_id, void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_payee_current(void *impl, const char *household_id, const char *member_id, jz_payee *out, jz_error *err);
jz_err jz__pg_pend_payee_get(void *impl, int64_t id, jz_payee *out, jz_error *err);
jz_err jz__pg_pend_payee_put(void *impl, jz_payee *p, jz_error *err);
jz_err jz__pg_pend_institution_put(void *impl, jz_institution *i, jz_error *err);
jz_err jz__pg_pend_institution_get(void *impl, int64_t id, jz_institution *out, jz_error *err);
jz_err jz__pg_pend_institutions(void *impl, const char *county, void (*fn)(const jz_institution *i, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_batch_add(void *impl, jz_pay_batch *b, jz_error *err);
jz_err jz__pg_pend_pay_batch_get(void *impl, int64_t id, jz_pay_batch *b, jz_error *err);
jz_err jz__pg_pend_pay_batch_set(void *impl, const jz_pay_batch *b, uint8_t was, jz_error *err);
jz_err jz__pg_pend_pay_batches(void *impl, const char *county, const char *period, void (*fn)(const jz_pay_batch *b, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_recovery_add(void *impl, jz_recovery *r, jz_error *err);
jz_err jz__pg_pend_recovery_get(void *impl, int64_t id, jz_recovery *r, jz_error *err);
jz_err jz__pg_pend_recoveries(void *impl, const char *household_id, void (*fn)(const jz_recovery *r, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_unit(void *impl, int64_t enrolment, jz_pay_unit *out, jz_error *err);
jz_err jz__pg_pend_pay_hold_add(void *impl, const jz_enrolment *e, const jz_pay_hold *h, bool replace, jz_error *err);
jz_err jz__pg_pend_pay_hold_end(void *impl, const jz_enrolment *e, const char *to, bool back_pay, jz_error *err);
jz_err jz__pg_pend_pay_plan_last(void *impl, const char *county, char last[JZ_PERIOD_BUF], jz_error *err);
jz_err jz__pg_pend_pay_members(void *impl, const char *household_id, void (*fn)(const jz_pay_member *m, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_once_totals(void *impl, const char *programme, const char *prefix, jz_store_once_totals *out, jz_error *err);
jz_err jz__pg_pend_repayment_add(void *impl, jz_repayment *p, const char *county, jz_error *err);
jz_err jz__pg_pend_repayments(void *impl, int64_t recovery, void (*fn)(const jz_repayment *p, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_sums(void *impl, const jz_pay_scope *sc, void (*fn)(const jz_pay_sum_row *r, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_lines_where(void *impl, const jz_pay_scope *sc, const jz_pay_line_filter *f, void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_batch_facts(void *impl, const char *county, int64_t batch, void (*fn)(const jz_pay_batch_fact *f, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_recovery_facts(void *impl, const char *county, void (*fn)(const jz_pay_recovery_fact *f, void *arg), void *arg, jz_error *err);
jz_err jz__pg_pend_pay_due_groups(void *impl, const char *prefix, void (*fn)(const jz_pay_due_group *g, void *arg), void *arg, jz_error *err);

#endif
