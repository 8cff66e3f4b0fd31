/*
 * query.c - what the caseworkers look at (jz_procedure.h, "what the
 * command line and the server read"): one case with everything recorded on
 * it, the lists of cases and enrolments, the reviews and death checks due,
 * and a death recorded against an enrolment.
 *
 * The store gives rows to callbacks; these operations collect them into
 * arrays the command line prints and the server turns into JSON, so that
 * both show the same case the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_procedure.h"
#include "proc_int.h"

const char *const jz_category_short_zh[JZ_CAT_COUNT] = {"不符合", "低保", "支出型低保", "低保边缘",
                                                        "刚性支出困难"};

const char *const jz_stop_reason_names[3] = {"unreported", "ineligible", "fraud"};
const char *const jz_stop_reason_zh[3] = {"未按规定报告家庭变化", "不再符合条件", "骗取救助"};

int jz_unit_programme_find(const char *s, size_t n)
{
    for (int k = 0; s && k < JZ_UNIT_PROGRAMME_COUNT; k++)
        if ((strlen(jz_unit_programme_names[k]) == n &&
             strncmp(s, jz_unit_programme_names[k], n) == 0) ||
            (strlen(jz_unit_programme_zh[k]) == n && strncmp(s, jz_unit_programme_zh[k], n) == 0))
            return k;
    return -1;
}

/* ---- collecting rows ------------------------------------------------------------------- */

/* A growing array of rows of `size` bytes; nomem once a row did not fit. */
typedef struct rows {
    void *v;
    size_t n, cap, size;
    bool nomem;
} rows;

static void *push(rows *r)
{
    if (r->nomem)
        return NULL;
    if (r->n == r->cap) {
        size_t nc = r->cap ? 2 * r->cap : 16;
        void *g = realloc(r->v, nc * r->size);
        if (!g) {
            r->nomem = true;
            return NULL;
        }
        r->v = g;
        r->cap = nc;
    }
    return (char *)r->v + r->size * r->n++;
}

static jz_err finish(rows *r, jz_err rc, jz_error *err)
{
    if (!rc && r->nomem)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (rc) {
        free(r->v);
        r->v = NULL;
        r->n = 0;
    }
    return rc;
}

static void add_case(const jz_case *c, void *arg)
{
    jz_case *slot = push(arg);
    if (slot)
        *slot = *c;
}

static void add_step(const jz_case_step *st, void *arg)
{
    jz_case_step *slot = push(arg);
    if (slot)
        *slot = *st;
}

static void add_grant(const jz_grant *g, void *arg)
{
    jz_grant *slot = push(arg);
    if (slot)
        *slot = *g;
}

static void add_enrolment(const jz_enrolment *e, void *arg)
{
    jz_enrolment *slot = push(arg);
    if (slot)
        *slot = *e;
}

/* ---- one case ---------------------------------------------------------------------------- */

jz_err jz_proc_case_view(const jz_ctx *x, int64_t id, jz_case_view *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    jz_err rc = jz_store_case_get(x->store, id, &out->c, err);
    if (rc)
        return rc;
    const jz_case *c = &out->c;
    jz_error_clear(&out->deadline_err);
    if (jz_case_deadlines(c, x->calendar, &out->step_due, &out->due, &out->next,
                          &out->deadline_err) != JZ_OK) {
        out->deadline_failed = true;
        out->step_due = out->due = JZ_DATE_NONE;
        out->next = "";
    }
    rows steps = {.size = sizeof(jz_case_step)}, grants = {.size = sizeof(jz_grant)};
    rc = finish(&steps, jz_store_case_steps(x->store, id, add_step, &steps, err), err);
    out->steps = steps.v;
    out->n_steps = steps.n;
    /* After an objection the case is investigated again: what the earlier
     * round verified and found is no longer the case's. */
    if (!rc && c->verified_on) {
        if (!(out->findings = malloc(sizeof *out->findings * JZ_CASE_FINDINGS_MAX)))
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        else
            rc = jz_store_case_findings(x->store, id, out->findings, JZ_CASE_FINDINGS_MAX, &out->nf,
                                        err);
    }
    if (!rc && (c->preliminary_on || c->decided_on)) {
        out->units = malloc(sizeof *out->units * JZ_CASE_UNITS_MAX);
        out->reasons = malloc(sizeof *out->reasons * JZ_CASE_REASONS_MAX);
        if (!out->units || !out->reasons)
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        else
            rc = jz_store_case_opinion(x->store, id, out->units, JZ_CASE_UNITS_MAX, &out->nu,
                                       out->reasons, JZ_CASE_REASONS_MAX, &out->nr, err);
        out->has_opinion = !rc;
    }
    if (!rc) {
        rc = finish(
            &grants,
            jz_store_grant_list(x->store, c->region, c->household_id, id, add_grant, &grants, err),
            err);
        out->grants = grants.v;
        out->n_grants = grants.n;
    }
    if (rc)
        jz_case_view_cleanup(out);
    return rc;
}

void jz_case_view_cleanup(jz_case_view *v)
{
    free(v->steps);
    free(v->findings);
    free(v->units);
    free(v->reasons);
    free(v->grants);
    memset(v, 0, sizeof *v);
}

/* ---- lists ------------------------------------------------------------------------------- */

jz_err jz_proc_case_list(const jz_ctx *x, const char *region_prefix, bool open_only,
                         jz_case_list *out, jz_error *err)
{
    rows r = {.size = sizeof(jz_case)};
    jz_err rc = finish(&r,
                       jz_store_case_list(x->store, region_prefix ? region_prefix : "", open_only,
                                          add_case, &r, err),
                       err);
    out->rows = r.v;
    out->n = r.n;
    return rc;
}

void jz_case_list_cleanup(jz_case_list *l)
{
    free(l->rows);
    memset(l, 0, sizeof *l);
}

jz_err jz_proc_enrol_list(const jz_ctx *x, const char *region_prefix, const char *household_id,
                          jz_enrolment_list *out, jz_error *err)
{
    rows r = {.size = sizeof(jz_enrolment)};
    jz_err rc = finish(&r,
                       jz_store_enrol_list(x->store, region_prefix ? region_prefix : "",
                                           household_id, add_enrolment, &r, err),
                       err);
    out->rows = r.v;
    out->n = r.n;
    return rc;
}

void jz_enrolment_list_cleanup(jz_enrolment_list *l)
{
    free(l->rows);
    memset(l, 0, sizeof *l);
}

jz_err jz_proc_enrol_due(const jz_ctx *x, const char *region_prefix, const char *household_id,
                         jz_date on, int within_days, jz_enrol_due_list *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    jz_enrolment_list all;
    jz_err rc = jz_proc_enrol_list(x, region_prefix, household_id, &all, err);
    if (rc)
        return rc;
    if (all.n && !(out->rows = malloc(all.n * sizeof *out->rows))) {
        jz_enrolment_list_cleanup(&all);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    jz_date until = jz_date_add_days(on, within_days);
    for (size_t i = 0; i < all.n; i++) {
        const jz_enrolment *e = &all.rows[i];
        if (e->status == JZ_ENROL_STOPPED)
            continue;
        bool review = e->next_review && e->next_review <= until;
        bool death = e->death_check_due && e->death_check_due <= until;
        if (!review && !death)
            continue;
        jz_enrol_due_row *r = &out->rows[out->n++];
        r->e = *e;
        r->review = review;
        r->death = death;
        r->when = death && (!review || e->death_check_due < e->next_review) ? e->death_check_due
                                                                            : e->next_review;
        r->overdue = r->when < on;
    }
    jz_enrolment_list_cleanup(&all);
    return JZ_OK;
}

void jz_enrol_due_list_cleanup(jz_enrol_due_list *l)
{
    free(l->rows);
    memset(l, 0, sizeof *l);
}

/* ---- a death against an enrolment ---------------------------------------------------- */

typedef struct death_args {
    const jz_enrol_death_req *rq;
    jz_enrol_death_res *res;
} death_args;

static jz_err death_run(jz_ctx *x, void *arg, jz_error *err)
{
    death_args *a = arg;
    const jz_enrol_death_req *rq = a->rq;
    jz_enrol_death_res *res = a->res;
    jz_err rc;
    if (!rq->enrolment)
        return jz_proc_death(x, rq->id_number, rq->death, rq->on, rq->note, true, &res->death, err);
    char idn[JZ_IDNUM_BUF];
    const char *id = rq->id_number ? rq->id_number : "";
    if ((rc = jz_store_enrol_get(x->store, rq->enrolment, &res->enrolment, err)) ||
        (rc = jz_idnum_normalize(id, strlen(id), idn, err)))
        return rc;
    /* The person must be a member of the enrolment's household. */
    int current = 0, assessed = 0;
    char hid[JZ_HOUSEHOLD_ID_MAX] = "";
    jz_error e;
    jz_error_clear(&e);
    if (jz_store_record_version(x->store, idn, &current, &assessed, hid, &e) != JZ_OK ||
        strcmp(hid, res->enrolment.household_id) != 0)
        return jz_error_set(err, JZ_EINPUT, "--member-id", idn, "不是户 %s 的成员",
                            res->enrolment.household_id);
    if ((rc = jz_proc_death(x, idn, rq->death, rq->on, rq->note, true, &res->death, err)))
        return rc;
    return jz_store_enrol_get(x->store, rq->enrolment, &res->enrolment, err);
}

jz_err jz_proc_enrol_death(jz_ctx *x, const jz_enrol_death_req *rq, jz_enrol_death_res *res,
                           jz_error *err)
{
    memset(res, 0, sizeof *res);
    death_args a = {rq, res};
    jz_err rc = jz__proc_run(x, false, death_run, &a, err);
    if (rc)
        memset(res, 0, sizeof *res);
    return rc;
}
