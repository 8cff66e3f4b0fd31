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

jz_err jz__pg_pend_case_create(void *impl, jz_case *c, const jz_case_step *step, jz_error *err)
{
    (void)impl;
    (void)c;
    (void)step;
    return pending(err, "case_create");
}

jz_err jz__pg_pend_case_get(void *impl, int64_t id, jz_case *c, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)c;
    return pending(err, "case_get");
}

jz_err jz__pg_pend_case_update(void *impl, const jz_case *before, const jz_case *after, const jz_case_step *step, jz_error *err)
{
    (void)impl;
    (void)before;
    (void)after;
    (void)step;
    return pending(err, "case_update");
}

jz_err jz__pg_pend_case_set_opinion(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu, const jz_case_reason *r, size_t nr, const char *determination, jz_error *err)
{
    (void)impl;
    (void)c;
    (void)u;
    (void)nu;
    (void)r;
    (void)nr;
    (void)determination;
    return pending(err, "case_set_opinion");
}

jz_err jz__pg_pend_case_opinion(void *impl, int64_t id, jz_case_unit *u, size_t ucap, size_t *nu, jz_case_reason *r, size_t rcap, size_t *nr, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)u;
    (void)ucap;
    (void)nu;
    (void)r;
    (void)rcap;
    (void)nr;
    return pending(err, "case_opinion");
}

jz_err jz__pg_pend_case_list(void *impl, const char *prefix, bool open_only, void (*fn)(const jz_case *c, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)prefix;
    (void)open_only;
    (void)fn;
    (void)arg;
    return pending(err, "case_list");
}

jz_err jz__pg_pend_case_steps(void *impl, int64_t id, void (*fn)(const jz_case_step *s, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)fn;
    (void)arg;
    return pending(err, "case_steps");
}

jz_err jz__pg_pend_staff_put(void *impl, const char *county, const char *staff_id, const char *name, const char *unit, const char *relative_id, const char *relative_name, const char *relation, jz_error *err)
{
    (void)impl;
    (void)county;
    (void)staff_id;
    (void)name;
    (void)unit;
    (void)relative_id;
    (void)relative_name;
    (void)relation;
    return pending(err, "staff_put");
}

jz_err jz__pg_pend_staff_relative(void *impl, const char *id_number, char *staff_name, size_t n, char *relation, size_t rn, bool *found, jz_error *err)
{
    (void)impl;
    (void)id_number;
    (void)staff_name;
    (void)n;
    (void)relation;
    (void)rn;
    (void)found;
    return pending(err, "staff_relative");
}

jz_err jz__pg_pend_staff_county(void *impl, const char *staff_id, char county[7], bool *found, jz_error *err)
{
    (void)impl;
    (void)staff_id;
    (void)county;
    (void)found;
    return pending(err, "staff_county");
}

jz_err jz__pg_pend_enrol_get(void *impl, int64_t id, jz_enrolment *e, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)e;
    return pending(err, "enrol_get");
}

jz_err jz__pg_pend_enrol_put(void *impl, jz_enrolment *e, jz_error *err)
{
    (void)impl;
    (void)e;
    return pending(err, "enrol_put");
}

jz_err jz__pg_pend_enrol_list(void *impl, const char *prefix, const char *household_id, void (*fn)(const jz_enrolment *e, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)prefix;
    (void)household_id;
    (void)fn;
    (void)arg;
    return pending(err, "enrol_list");
}

jz_err jz__pg_pend_case_set_units(void *impl, const jz_case *c, const jz_case_unit *u, size_t nu, jz_error *err)
{
    (void)impl;
    (void)c;
    (void)u;
    (void)nu;
    return pending(err, "case_set_units");
}

jz_err jz__pg_pend_case_set_findings(void *impl, const jz_case *c, const jz_case_finding *f, size_t nf, jz_error *err)
{
    (void)impl;
    (void)c;
    (void)f;
    (void)nf;
    return pending(err, "case_set_findings");
}

jz_err jz__pg_pend_case_findings(void *impl, int64_t id, jz_case_finding *f, size_t cap, size_t *n, jz_error *err)
{
    (void)impl;
    (void)id;
    (void)f;
    (void)cap;
    (void)n;
    return pending(err, "case_findings");
}

jz_err jz__pg_pend_posting_put(void *impl, const jz_case *c, int kind, int round, jz_date posted_on, jz_date until, const jz_posting_row *rows, size_t n, jz_error *err)
{
    (void)impl;
    (void)c;
    (void)kind;
    (void)round;
    (void)posted_on;
    (void)until;
    (void)rows;
    (void)n;
    return pending(err, "posting_put");
}

jz_err jz__pg_pend_posting_list(void *impl, const char *village, int kind, jz_date on, void (*fn)(const jz_posting_row *row, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)village;
    (void)kind;
    (void)on;
    (void)fn;
    (void)arg;
    return pending(err, "posting_list");
}

jz_err jz__pg_pend_grant_put(void *impl, jz_grant *g, jz_error *err)
{
    (void)impl;
    (void)g;
    return pending(err, "grant_put");
}

jz_err jz__pg_pend_grant_list(void *impl, const char *prefix, const char *household_id, int64_t case_id, void (*fn)(const jz_grant *g, void *arg), void *arg, jz_error *err)
{
    (void)impl;
    (void)prefix;
    (void)household_id;
    (void)case_id;
    (void)fn;
    (void)arg;
    return pending(err, "grant_list");
}

jz_err jz__pg_pend_enrol_adopt(void *impl, jz_enrolment *e, jz_error *err)
{
    (void)impl;
    (void)e;
    return pending(err, "enrol_adopt");
}

