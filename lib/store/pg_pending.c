/*
 * pg_pending.c - the operations of jz_store_ops the PostgreSQL backend does
 * not have yet: each refuses with an error that names it, so that a
 * command on a PostgreSQL store either works or says plainly that it needs
 * SQLite for now (docs/scaling.md lists them).  Each is removed from here
 * as its statements are written in a pg_*.c file.
 */
#include <stdio.h>

#include "pg_int.h"
#include "pg_pending.h"

static jz_err pending(jz_error *err, const char *op)
{
    return jz_error_set(err, JZ_EUSAGE, "database", op,
                        "PostgreSQL 后端尚不支持此操作（%s），目前请使用 SQLite 数据库", op);
}

jz_err jz__pg_pend_enrol_term(void *impl, const jz_enrolment *e, const char *since, jz_error *err)
{
    (void)impl;
    (void)e;
    (void)since;
    return pending(err, "enrol_term");
}

jz_err jz__pg_pend_pay_units_all(void *impl, const char *prefix, void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)prefix;
    (void)fn;
    (void)arg;
    return pending(err, "pay_units_all");
}

jz_err jz__pg_pend_pay_units(void *impl, const char *prefix, const char *month, const char *quarter, bool quarter_start, void (*fn)(const jz_pay_unit *u, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)prefix;
    (void)month;
    (void)quarter;
    (void)quarter_start;
    (void)fn;
    (void)arg;
    return pending(err, "pay_units");
}

jz_err jz__pg_pend_pay_owed(void *impl, int64_t enrolment, void (*fn)(const jz_pay_held_row *r, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)enrolment;
    (void)fn;
    (void)arg;
    return pending(err, "pay_owed");
}

jz_err jz__pg_pend_pay_clean(void *impl, const char *prefix, jz_error *err)
{
    (void)impl;
    (void)prefix;
    return pending(err, "pay_clean");
}

jz_err jz__pg_pend_pay_lines_settle(void *impl, int64_t batch, uint8_t from, uint8_t to, const char *result, int64_t *n, jz_error *err)
{
    (void)impl;
    (void)batch;
    (void)from;
    (void)to;
    (void)result;
    (void)n;
    return pending(err, "pay_lines_settle");
}

jz_err jz__pg_pend_pay_batch_accounts(void *impl, int64_t batch, void (*fn)(const jz_pay_sent_line *l, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)batch;
    (void)fn;
    (void)arg;
    return pending(err, "pay_batch_accounts");
}

jz_err jz__pg_pend_pay_count_regular(void *impl, const char *prefix, const char *month, const char *quarter, int64_t *n, jz_error *err)
{
    (void)impl;
    (void)prefix;
    (void)month;
    (void)quarter;
    (void)n;
    return pending(err, "pay_count_regular");
}

jz_err jz__pg_pend_pay_mark(void *impl, int64_t enrolment, const char *county, jz_error *err)
{
    (void)impl;
    (void)enrolment;
    (void)county;
    return pending(err, "pay_mark");
}

jz_err jz__pg_pend_pay_plan_mark(void *impl, const char *county, const char *period, char first[JZ_PERIOD_BUF], jz_error *err)
{
    (void)impl;
    (void)county;
    (void)period;
    (void)first;
    return pending(err, "pay_plan_mark");
}

jz_err jz__pg_pend_pay_plan_first(void *impl, const char *county, char first[JZ_PERIOD_BUF], jz_error *err)
{
    (void)impl;
    (void)county;
    (void)first;
    return pending(err, "pay_plan_first");
}

jz_err jz__pg_pend_pay_line_add(void *impl, jz_pay_line *l, bool *added, jz_error *err)
{
    (void)impl;
    (void)l;
    (void)added;
    return pending(err, "pay_line_add");
}

jz_err jz__pg_pend_payee_sharing(void *impl, const char *bank, const char *account, const char *household_id, int max, void (*fn)(const char *household_id, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)bank;
    (void)account;
    (void)household_id;
    (void)max;
    (void)fn;
    (void)arg;
    return pending(err, "payee_sharing");
}

jz_err jz__pg_pend_pay_line_get(void *impl, int64_t id, jz_pay_line *l, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)l;
    return pending(err, "pay_line_get");
}

jz_err jz__pg_pend_pay_line_set(void *impl, const jz_pay_line *l, uint8_t was, jz_error *err)
{
    (void)impl;
    (void)l;
    (void)was;
    return pending(err, "pay_line_set");
}

jz_err jz__pg_pend_pay_lines_open(void *impl, const char *county, unsigned mask, void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)county;
    (void)mask;
    (void)fn;
    (void)arg;
    return pending(err, "pay_lines_open");
}

jz_err jz__pg_pend_pay_lines_of_batch(void *impl, int64_t batch, void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)batch;
    (void)fn;
    (void)arg;
    return pending(err, "pay_lines_of_batch");
}

jz_err jz__pg_pend_pay_lines_move(void *impl, int64_t batch, uint8_t from, uint8_t to, int64_t *n, jz_error *err)
{
    (void)impl;
    (void)batch;
    (void)from;
    (void)to;
    (void)n;
    return pending(err, "pay_lines_move");
}

jz_err jz__pg_pend_pay_lines_of_household(void *impl, const char *household_id, void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)household_id;
    (void)fn;
    (void)arg;
    return pending(err, "pay_lines_of_household");
}

jz_err jz__pg_pend_payee_current(void *impl, const char *household_id, const char *member_id, jz_payee *out, jz_error *err)
{
    (void)impl;
    (void)household_id;
    (void)member_id;
    (void)out;
    return pending(err, "payee_current");
}

jz_err jz__pg_pend_payee_get(void *impl, int64_t id, jz_payee *out, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)out;
    return pending(err, "payee_get");
}

jz_err jz__pg_pend_payee_put(void *impl, jz_payee *p, jz_error *err)
{
    (void)impl;
    (void)p;
    return pending(err, "payee_put");
}

jz_err jz__pg_pend_institution_put(void *impl, jz_institution *i, jz_error *err)
{
    (void)impl;
    (void)i;
    return pending(err, "institution_put");
}

jz_err jz__pg_pend_institution_get(void *impl, int64_t id, jz_institution *out, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)out;
    return pending(err, "institution_get");
}

jz_err jz__pg_pend_institutions(void *impl, const char *county, void (*fn)(const jz_institution *i, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)county;
    (void)fn;
    (void)arg;
    return pending(err, "institutions");
}

jz_err jz__pg_pend_pay_batch_add(void *impl, jz_pay_batch *b, jz_error *err)
{
    (void)impl;
    (void)b;
    return pending(err, "pay_batch_add");
}

jz_err jz__pg_pend_pay_batch_get(void *impl, int64_t id, jz_pay_batch *b, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)b;
    return pending(err, "pay_batch_get");
}

jz_err jz__pg_pend_pay_batch_set(void *impl, const jz_pay_batch *b, uint8_t was, jz_error *err)
{
    (void)impl;
    (void)b;
    (void)was;
    return pending(err, "pay_batch_set");
}

jz_err jz__pg_pend_pay_batches(void *impl, const char *county, const char *period, void (*fn)(const jz_pay_batch *b, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)county;
    (void)period;
    (void)fn;
    (void)arg;
    return pending(err, "pay_batches");
}

jz_err jz__pg_pend_recovery_add(void *impl, jz_recovery *r, jz_error *err)
{
    (void)impl;
    (void)r;
    return pending(err, "recovery_add");
}

jz_err jz__pg_pend_recovery_get(void *impl, int64_t id, jz_recovery *r, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)r;
    return pending(err, "recovery_get");
}

jz_err jz__pg_pend_recoveries(void *impl, const char *household_id, void (*fn)(const jz_recovery *r, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)household_id;
    (void)fn;
    (void)arg;
    return pending(err, "recoveries");
}

jz_err jz__pg_pend_pay_unit(void *impl, int64_t enrolment, jz_pay_unit *out, jz_error *err)
{
    (void)impl;
    (void)enrolment;
    (void)out;
    return pending(err, "pay_unit");
}

jz_err jz__pg_pend_pay_hold_add(void *impl, const jz_enrolment *e, const jz_pay_hold *h, bool replace, jz_error *err)
{
    (void)impl;
    (void)e;
    (void)h;
    (void)replace;
    return pending(err, "pay_hold_add");
}

jz_err jz__pg_pend_pay_hold_end(void *impl, const jz_enrolment *e, const char *to, bool back_pay, jz_error *err)
{
    (void)impl;
    (void)e;
    (void)to;
    (void)back_pay;
    return pending(err, "pay_hold_end");
}

jz_err jz__pg_pend_pay_plan_last(void *impl, const char *county, char last[JZ_PERIOD_BUF], jz_error *err)
{
    (void)impl;
    (void)county;
    (void)last;
    return pending(err, "pay_plan_last");
}

jz_err jz__pg_pend_pay_members(void *impl, const char *household_id, void (*fn)(const jz_pay_member *m, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)household_id;
    (void)fn;
    (void)arg;
    return pending(err, "pay_members");
}

jz_err jz__pg_pend_pay_once_totals(void *impl, const char *programme, const char *prefix, jz_store_once_totals *out, jz_error *err)
{
    (void)impl;
    (void)programme;
    (void)prefix;
    (void)out;
    return pending(err, "pay_once_totals");
}

jz_err jz__pg_pend_repayment_add(void *impl, jz_repayment *p, const char *county, jz_error *err)
{
    (void)impl;
    (void)p;
    (void)county;
    return pending(err, "repayment_add");
}

jz_err jz__pg_pend_repayments(void *impl, int64_t recovery, void (*fn)(const jz_repayment *p, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)recovery;
    (void)fn;
    (void)arg;
    return pending(err, "repayments");
}

jz_err jz__pg_pend_pay_sums(void *impl, const jz_pay_scope *sc, void (*fn)(const jz_pay_sum_row *r, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)sc;
    (void)fn;
    (void)arg;
    return pending(err, "pay_sums");
}

jz_err jz__pg_pend_pay_lines_where(void *impl, const jz_pay_scope *sc, const jz_pay_line_filter *f, void (*fn)(const jz_pay_line *l, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)sc;
    (void)f;
    (void)fn;
    (void)arg;
    return pending(err, "pay_lines_where");
}

jz_err jz__pg_pend_pay_batch_facts(void *impl, const char *county, int64_t batch, void (*fn)(const jz_pay_batch_fact *f, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)county;
    (void)batch;
    (void)fn;
    (void)arg;
    return pending(err, "pay_batch_facts");
}

jz_err jz__pg_pend_pay_recovery_facts(void *impl, const char *county, void (*fn)(const jz_pay_recovery_fact *f, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)county;
    (void)fn;
    (void)arg;
    return pending(err, "pay_recovery_facts");
}

jz_err jz__pg_pend_pay_due_groups(void *impl, const char *prefix, void (*fn)(const jz_pay_due_group *g, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)prefix;
    (void)fn;
    (void)arg;
    return pending(err, "pay_due_groups");
}
