/*
 * documents.c - what the documents of a case say (jz_procedure.h): the
 * decision notice assembled from the case, its opinion, the decision on each
 * unit, what 信息核对 found and the temporary assistance paid first; and a
 * village's 公示 / 公布 list as it was posted on a day.
 *
 * lib/docs renders them (text, HTML, CSV, xlsx); this file decides what goes
 * in: which units a notice lists, which reasons a refusal gives and with
 * which sources, and the places' names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_procedure.h"
#include "jiuzhu/jz_rules.h"

/* The storage the notice's jz_doc_decision points into. */
struct jz__decision_parts {
    jz_case c;
    char decision_note[512];
    jz_case_unit units[JZ_CASE_UNITS_MAX];
    jz_case_reason reasons[JZ_CASE_REASONS_MAX];
    jz_case_finding findings[JZ_CASE_FINDINGS_MAX];
    jz_doc_unit du[2 * JZ_CASE_UNITS_MAX];
    char advance_names[2 * JZ_CASE_UNITS_MAX][64]; /* the names on the grants paid first */
    jz_doc_reason dr[JZ_CASE_REASONS_MAX + JZ_CASE_FINDINGS_MAX + 1];
    jz_doc_reason fr[JZ_CASE_UNITS_MAX][JZ_CASE_FINDINGS_MAX];
    jz_doc_refusal refusals[JZ_CASE_UNITS_MAX];
    jz_doc_reason not_found[JZ_CASE_REASONS_MAX];
};

/* The names of a region's county, township and village ("" when unknown). */
static void place_names(const jz_regions *rg, const char *region, const char **county,
                        const char **township, const char **village)
{
    *county = jz_regions_name(rg, region, 6);
    *township = strlen(region) >= 9 ? jz_regions_name(rg, region, 9) : NULL;
    *village = strlen(region) >= 12 ? jz_regions_name(rg, region, 12) : NULL;
    if (!*county)
        *county = "";
    if (!*township)
        *township = "";
    if (!*village)
        *village = "";
}

/* The note of the case's decision (its last decide step). */
typedef struct note_find {
    uint8_t action;
    char *note;
    size_t n;
} note_find;

static void find_note(const jz_case_step *st, void *arg)
{
    note_find *f = arg;
    if (st->action == f->action)
        snprintf(f->note, f->n, "%s", st->note);
}

/* Temporary assistance paid first in the case, listed on the notice after
 * the units approved. */
typedef struct advances {
    struct jz__decision_parts *p;
    size_t first, n, cap;
} advances;

static void advance_unit(const jz_grant *g, void *arg)
{
    advances *a = arg;
    if (g->kind == JZ_GRANT_DECIDED || a->n >= a->cap)
        return;
    char *name = a->p->advance_names[a->n];
    snprintf(name, sizeof a->p->advance_names[0], "%s", g->name);
    a->p->du[a->first + a->n++] = (jz_doc_unit){name, jz_grant_kind_zh[g->kind], 1, 0, g->amount};
}

/* A finding as a reason of the notice, with its rule's source. */
static jz_doc_reason finding_reason(const jz_case_finding *f)
{
    int rule = jz_rule_find(f->rule);
    return (jz_doc_reason){f->rule, f->text, rule >= 0 ? jz_rule_table[rule].source : ""};
}

jz_err jz_proc_decision_doc(const jz_ctx *x, int64_t id, jz_decision_doc *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    struct jz__decision_parts *p = calloc(1, sizeof *p);
    if (!p)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_case *c = &p->c;
    size_t nu = 0, nr = 0, nf = 0;
    note_find decide_note = {JZ_ACT_DECIDE, p->decision_note, sizeof p->decision_note};
    jz_err rc = jz_store_case_get(x->store, id, c, err);
    if (!rc && !c->decision) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)id);
        rc = jz_error_set(err, JZ_EINPUT, "case", v, "本案尚未作出决定，没有决定通知书（当前：%s）",
                          jz_case_state_zh[c->state]);
    }
    if (!rc)
        rc = jz_store_case_opinion(x->store, id, p->units, JZ_CASE_UNITS_MAX, &nu, p->reasons,
                                   JZ_CASE_REASONS_MAX, &nr, err);
    if (!rc)
        rc = jz_store_case_findings(x->store, id, p->findings, JZ_CASE_FINDINGS_MAX, &nf, err);
    if (!rc)
        rc = jz_store_case_steps(x->store, id, find_note, &decide_note, err);
    if (rc) {
        free(p);
        return rc;
    }
    bool approved = c->decision == JZ_DECISION_APPROVED;
    size_t ndu = 0, ndr = 0, nref = 0, nnot = 0;
    /* Approved units, then temporary assistance paid first. */
    for (size_t i = 0; approved && i < nu; i++) {
        const jz_case_unit *u = &p->units[i];
        if (u->verdict != JZ_VERDICT_APPROVED)
            continue;
        bool tmp = u->programme == JZ_UNIT_TEMPORARY;
        p->du[ndu++] = (jz_doc_unit){u->label, jz_unit_programme_zh[u->programme], u->persons,
                                     tmp ? 0 : u->decided_monthly, tmp ? u->decided_once : 0};
    }
    advances adv = {p, ndu, 0, 2 * JZ_CASE_UNITS_MAX - ndu};
    if ((rc = jz_store_grant_list(x->store, c->region, c->household_id, id, advance_unit, &adv,
                                  err))) {
        free(p);
        return rc;
    }
    /* A refused unit: the county's reason and what verification found
     * about its person (the household's unit: about anyone). */
    for (size_t i = 0; approved && i < nu; i++) {
        const jz_case_unit *u = &p->units[i];
        if (u->verdict != JZ_VERDICT_REFUSED)
            continue;
        size_t k = 0;
        for (size_t j = 0; j < nf && k < JZ_CASE_FINDINGS_MAX; j++) {
            if (u->member >= 0 && strcmp(p->findings[j].member_id, u->member_id) != 0)
                continue;
            p->fr[nref][k++] = finding_reason(&p->findings[j]);
        }
        p->refusals[nref] = (jz_doc_refusal){u->label, jz_unit_programme_zh[u->programme],
                                             u->reason, p->fr[nref], k};
        nref++;
    }
    /* The decisive rules that did not hold: the programmes not found (an
     * approval), or the reasons of a refusal. */
    for (size_t i = 0; i < nr; i++)
        if (!p->reasons[i].holds) {
            jz_doc_reason r = {p->reasons[i].rule, p->reasons[i].text, p->reasons[i].source};
            if (approved)
                p->not_found[nnot++] = r;
            else
                p->dr[ndr++] = r;
        }
    if (!approved) {
        for (size_t j = 0; j < nf; j++)
            p->dr[ndr++] = finding_reason(&p->findings[j]);
        const char *why = c->judgment[0] ? c->judgment : p->decision_note;
        if (why[0])
            p->dr[ndr++] = (jz_doc_reason){"", why, "县级民政部门审核确认意见"};
    }
    out->d = (jz_doc_decision){
        .case_id = c->id,
        .household_id = c->household_id,
        .applicant_name = c->applicant_name,
        .members = c->members,
        .approved = approved,
        .accepted_on = c->accepted_on,
        .decided_on = c->decided_on,
        .first_month = c->first_month,
        .units = p->du,
        .n_units = approved ? ndu + adv.n : 0,
        .reasons = p->dr,
        .n_reasons = ndr,
        .note = approved && !c->judgment[0] ? p->decision_note : "",
        .refused = p->refusals,
        .n_refused = nref,
        .not_found = p->not_found,
        .n_not_found = nnot,
        .judgment = approved ? c->judgment : "",
    };
    place_names(x->regions, c->region, &out->d.county_name, &out->d.township_name,
                &out->d.village_name);
    out->parts = p;
    return JZ_OK;
}

void jz_decision_doc_cleanup(jz_decision_doc *d)
{
    free(d->parts);
    memset(d, 0, sizeof *d);
}

/* ---- the lists posted in a village --------------------------------------------------- */

static jz_err check_village(const char *village, jz_error *err)
{
    size_t n = village ? strlen(village) : 0;
    bool digits = n == 12;
    for (size_t i = 0; digits && i < n; i++)
        digits = village[i] >= '0' && village[i] <= '9';
    if (!digits)
        return jz_error_set(err, JZ_EINPUT, "village", village ? village : "",
                            "应为 12 位村（社区）代码");
    return JZ_OK;
}

typedef struct list_rows {
    jz_posting_doc *d;
    size_t cap;
    bool nomem;
} list_rows;

static void collect_row(const jz_posting_row *r, void *arg)
{
    list_rows *x = arg;
    jz_posting_doc *d = x->d;
    if (x->nomem)
        return;
    if (d->l.n_rows == x->cap) {
        size_t nc = x->cap ? 2 * x->cap : 32;
        jz_doc_list_row *g = realloc(d->rows, nc * sizeof *g);
        if (g)
            d->rows = g;
        char(*h)[64] = g ? realloc(d->names, nc * sizeof *h) : NULL;
        if (!g || !h) {
            x->nomem = true;
            return;
        }
        d->names = h;
        x->cap = nc;
    }
    size_t i = d->l.n_rows++;
    if (r->until > d->l.until)
        d->l.until = r->until;
    snprintf(d->names[i], sizeof d->names[i], "%s", r->name);
    d->rows[i] = (jz_doc_list_row){NULL, r->persons, r->amount, !r->cash, r->case_id};
}

jz_err jz_proc_posting_doc(const jz_ctx *x, const char *village, int kind, jz_date on,
                           jz_posting_doc *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    jz_err rc = check_village(village, err);
    if (rc)
        return rc;
    if (kind != JZ_POSTING_NOTICE && kind != JZ_POSTING_PUBLISH)
        return jz_error_set(err, JZ_EINPUT, "kind", NULL,
                            "名单种类应为 notice（公示）或 publish（公布）");
    snprintf(out->village, sizeof out->village, "%s", village);
    list_rows lr = {out, 0, false};
    rc = jz_store_posting_list(x->store, village, kind, on, collect_row, &lr, err);
    if (!rc && lr.nomem)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (rc) {
        jz_posting_doc_cleanup(out);
        return rc;
    }
    for (size_t i = 0; i < out->l.n_rows; i++)
        out->rows[i].applicant_name = out->names[i];
    out->l.notice = kind == JZ_POSTING_NOTICE;
    out->l.village_code = out->village;
    out->l.from = on;
    if (!out->l.notice)
        out->l.until = JZ_DATE_NONE;
    out->l.rows = out->rows;
    place_names(x->regions, out->village, &out->l.county_name, &out->l.township_name,
                &out->l.village_name);
    return JZ_OK;
}

void jz_posting_doc_cleanup(jz_posting_doc *d)
{
    free(d->rows);
    free(d->names);
    memset(d, 0, sizeof *d);
}

typedef struct day_runs {
    jz_posting_days *d;
    size_t cap;
    bool nomem;
} day_runs;

static void count_day(const jz_posting_row *r, void *arg)
{
    day_runs *x = arg;
    jz_posting_days *d = x->d;
    if (x->nomem)
        return;
    if (d->n && d->days[d->n - 1].on == r->posted_on && d->days[d->n - 1].kind == r->kind) {
        d->days[d->n - 1].rows++;
        return;
    }
    if (d->n == x->cap) {
        size_t nc = x->cap ? 2 * x->cap : 16;
        jz_posting_day *g = realloc(d->days, nc * sizeof *g);
        if (!g) {
            x->nomem = true;
            return;
        }
        d->days = g;
        x->cap = nc;
    }
    d->days[d->n++] = (jz_posting_day){r->posted_on, r->kind, 1};
}

jz_err jz_proc_posting_days(const jz_ctx *x, const char *village, int kind, jz_posting_days *out,
                            jz_error *err)
{
    memset(out, 0, sizeof *out);
    jz_err rc = check_village(village, err);
    if (rc)
        return rc;
    day_runs dr = {out, 0, false};
    rc = jz_store_posting_list(x->store, village, kind, JZ_DATE_NONE, count_day, &dr, err);
    if (!rc && dr.nomem)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (rc)
        jz_posting_days_cleanup(out);
    return rc;
}

void jz_posting_days_cleanup(jz_posting_days *d)
{
    free(d->days);
    memset(d, 0, sizeof *d);
}
