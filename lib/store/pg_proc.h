/*
 * pg_proc.h - the PostgreSQL backend's procedure tables (pg_proc.c): cases,
 * their steps, units, reasons and findings, postings, grants, the register
 * of staff and their close relatives, enrolments.  The same contracts as
 * the SQLite backend's (sqlite_proc.c); store_int.h says what each does.
 */
#ifndef JZ_PG_PROC_H
#define JZ_PG_PROC_H

#include "pg_int.h"

jz_err jz__pg_case_create(void *impl, jz_case *c, const jz_case_step *step, jz_error *err);
jz_err jz__pg_case_get(void *impl, int64_t id, jz_case *c, jz_error *err);
jz_err jz__pg_case_update(void *impl, const jz_case *before, const jz_case *after,
                          const jz_case_step *step, jz_error *err);
jz_err jz__pg_case_set_opinion(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu,
                               const jz_case_reason *r, size_t nr, const char *determination,
                               jz_error *err);
jz_err jz__pg_case_set_units(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu,
                             jz_error *err);
jz_err jz__pg_case_opinion(void *impl, int64_t id, jz_case_unit *u, size_t ucap, size_t *nu,
                           jz_case_reason *r, size_t rcap, size_t *nr, jz_error *err);
jz_err jz__pg_case_set_findings(void *impl, const jz_case *c, const jz_case_finding *f, size_t nf,
                                jz_error *err);
jz_err jz__pg_case_findings(void *impl, int64_t id, jz_case_finding *f, size_t cap, size_t *n,
                            jz_error *err);
jz_err jz__pg_posting_put(void *impl, const jz_case *c, int kind, int round, jz_date posted_on,
                          jz_date until, const jz_posting_row *rows, size_t n, jz_error *err);
jz_err jz__pg_posting_list(void *impl, const char *village, int kind, jz_date on,
                           void (*fn)(const jz_posting_row *row, void *arg), void *arg,
                           jz_error *err);
jz_err jz__pg_grant_put(void *impl, jz_grant *g, jz_error *err);
jz_err jz__pg_grant_list(void *impl, const char *prefix, const char *household_id, int64_t case_id,
                         void (*fn)(const jz_grant *g, void *arg), void *arg, jz_error *err);
jz_err jz__pg_case_list(void *impl, const char *prefix, bool open_only,
                        void (*fn)(const jz_case *c, void *arg), void *arg, jz_error *err);
jz_err jz__pg_case_steps(void *impl, int64_t id, void (*fn)(const jz_case_step *s, void *arg),
                         void *arg, jz_error *err);
jz_err jz__pg_staff_put(void *impl, const char *county, const char *staff_id, const char *name,
                        const char *unit, const char *relative_id, const char *relative_name,
                        const char *relation, jz_error *err);
jz_err jz__pg_staff_relative(void *impl, const char *id_number, char *staff_name, size_t n,
                             char *relation, size_t rn, bool *found, jz_error *err);
jz_err jz__pg_staff_county(void *impl, const char *staff_id, char county[7], bool *found,
                           jz_error *err);
jz_err jz__pg_enrol_get(void *impl, int64_t id, jz_enrolment *e, jz_error *err);
jz_err jz__pg_enrol_put(void *impl, jz_enrolment *e, jz_error *err);
jz_err jz__pg_enrol_adopt(void *impl, jz_enrolment *e, jz_error *err);
jz_err jz__pg_enrol_list(void *impl, const char *prefix, const char *household_id,
                         void (*fn)(const jz_enrolment *e, void *arg), void *arg, jz_error *err);

/* The columns of an enrolment as jz__pg_read_enrolment reads them, for
 * the other files' statements (select "JZ__PG_ENROL_COLUMNS" first). */
#define JZ__PG_ENROL_COLUMNS                                                                       \
    "enrolment, county, region, household_id, case_id, member, label, programme, persons,"         \
    " monthly, first_month, status, end_month, next_review, review_months, death_check_due,"       \
    " to_recover, stop_reason, member_id, judged, origin"
/* Reads the enrolment of row `row` from column col; returns the column
 * after its last. */
int jz__pg_read_enrolment(const PGresult *r, int row, int col, jz_enrolment *e);

#endif
