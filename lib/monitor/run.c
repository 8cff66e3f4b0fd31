/*
 * run.c - a monitoring run (jz_monitor.h): the store's scan hands over each
 * person with his rows and what earlier runs raised, the indicators are
 * evaluated with his county's parameters (monitor.c), and the alerts are
 * written: new ones with their deadline, additions to open ones as steps.
 * The command line only parses and prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_calendar.h"
#include "jiuzhu/jz_monitor.h"
#include "jiuzhu/jz_store.h"

/* Resolved parameters by county: people come household by household, and
 * a province has about a hundred counties. */
#define CACHE 128

typedef struct cached {
    char county[7];
    bool registry; /* resolved for registry people (standards included) */
    bool full;     /* every parameter resolved: the deposits' limit is known */
    jz_policy p;
} cached;

typedef struct run {
    jz_store *s;
    const jz_paramset *ps;
    const jz_calendar *cal;
    jz_date on;
    cached cache[CACHE];
    size_t n_cache, next_slot;
    jz_monitor_counts *counts;
    jz_error *err;
    bool failed;
} run;

/* The monitoring parameters are resolved alone for people outside the
 * registry (an ID number issued elsewhere has no county standard here, and
 * the province sets these); registry people get every parameter of their
 * county, which the deposits' limit needs (R-AST-1), and at least the
 * monitoring ones and death.check_months when a county lacks some. */
static const cached *policy_for(run *r, const char *county, bool registry)
{
    for (size_t i = 0; i < r->n_cache; i++)
        if (r->cache[i].registry == registry && strcmp(r->cache[i].county, county) == 0)
            return &r->cache[i];
    cached *c = &r->cache[r->next_slot];
    r->next_slot = (r->next_slot + 1) % CACHE;
    if (r->n_cache < CACHE)
        r->n_cache++;
    memset(c, 0, sizeof *c);
    snprintf(c->county, sizeof c->county, "%s", county);
    c->registry = registry;
    jz_error e;
    jz_error_clear(&e);
    if (registry && jz_policy_resolve(r->ps, county, r->on, &c->p, &e) == JZ_OK) {
        c->full = true;
        return c;
    }
    if (jz_policy_resolve_some(r->ps, county, r->on, JZ_P_MONITOR_MEDICAL_THRESHOLD,
                               JZ_P_MONITOR_PENSION_CONTRIBUTION_THRESHOLD + 1, &c->p,
                               r->err) != JZ_OK &&
        jz_policy_resolve_some(r->ps, "140000", r->on, JZ_P_MONITOR_MEDICAL_THRESHOLD,
                               JZ_P_MONITOR_PENSION_CONTRIBUTION_THRESHOLD + 1, &c->p,
                               r->err) != JZ_OK) {
        r->n_cache = 0; /* not a usable entry */
        return NULL;
    }
    jz_policy d;
    if (registry &&
        (jz_policy_resolve_some(r->ps, county, r->on, JZ_P_DEATH_CHECK_MONTHS,
                                JZ_P_DEATH_CHECK_MONTHS + 1, &d, &e) == JZ_OK ||
         jz_policy_resolve_some(r->ps, "140000", r->on, JZ_P_DEATH_CHECK_MONTHS,
                                JZ_P_DEATH_CHECK_MONTHS + 1, &d, r->err) == JZ_OK))
        c->p.death_check_months = d.death_check_months;
    return c;
}
_Static_assert(JZ_P_MONITOR_PENSION_CONTRIBUTION_THRESHOLD - JZ_P_MONITOR_MEDICAL_THRESHOLD == 9,
               "the monitoring parameters are contiguous");

/* R-AST-1 for the unit: counted persons x financial_months x S, 0 when the
 * parameters are not all known. */
static jz_fen deposit_limit(const jz_monitor_subject *sub, const cached *c)
{
    if (!c->full || sub->unit_programme < 0 || sub->area >= JZ_AREA_COUNT)
        return 0;
    int months;
    switch (sub->unit_programme) {
    case JZ_UNIT_DIBAO:
    case JZ_UNIT_SINGLE_DIBAO:
        months = c->p.dibao_assets_months;
        break;
    case JZ_UNIT_DIBAO_EXPENDITURE:
        months = c->p.exp_assets_months;
        break;
    case JZ_UNIT_MARGINAL:
    case JZ_UNIT_RIGID_EXPENDITURE: /* R-RSP-1: the marginal limits */
        months = c->p.marg_assets_months;
        break;
    case JZ_UNIT_TEKUN:
        months = c->p.tk_assets_months;
        break;
    default:
        return 0;
    }
    int persons = sub->unit_persons > 0 ? sub->unit_persons : 1;
    return (jz_fen)persons * months * c->p.standard[sub->area];
}

static void person(const jz_monitor_subject *sub, void *arg)
{
    run *r = arg;
    if (r->failed)
        return;
    r->counts->people++;
    char county[7];
    bool registry = sub->county[0] != '\0';
    if (registry)
        snprintf(county, sizeof county, "%s", sub->county);
    else
        snprintf(county, sizeof county, "%.6s", strncmp(sub->id, "14", 2) == 0 ? sub->id : "140000");
    const cached *c = policy_for(r, county, registry);
    if (!c) {
        r->failed = true;
        return;
    }
    jz_monitor_person who = sub->who;
    who.deposit_limit = deposit_limit(sub, c);
    jz_alert alerts[JZ_MONITOR_ALERTS_MAX];
    size_t n =
        jz_monitor_person_eval(&who, sub->rows, sub->n, &c->p, r->on, &sub->history, alerts);
    for (size_t i = 0; i < n && !r->failed; i++) {
        const jz_alert *a = &alerts[i];
        int64_t rows[JZ_ALERT_EVIDENCE_MAX];
        for (size_t k = 0; k < a->n_evidence; k++)
            rows[k] = sub->row_ids[a->evidence[k]];
        if (a->extends) {
            if (jz_store_alert_extend(r->s, a->extends, rows, a->n_evidence, a->amount,
                                      a->severity, r->on, a->detail, r->err) != JZ_OK)
                r->failed = true;
            else
                r->counts->extended++;
            continue;
        }
        jz_stored_alert st;
        memset(&st, 0, sizeof st);
        snprintf(st.county, sizeof st.county, "%s", sub->county);
        snprintf(st.region, sizeof st.region, "%s", sub->region);
        st.category = a->category;
        st.indicator = a->indicator;
        st.severity = a->severity;
        st.dept = a->dept;
        snprintf(st.id_number, sizeof st.id_number, "%s", sub->id);
        snprintf(st.name, sizeof st.name, "%s", sub->name);
        snprintf(st.household_id, sizeof st.household_id, "%s", sub->household_id);
        st.amount = a->amount;
        snprintf(st.detail, sizeof st.detail, "%s", a->detail);
        size_t len = (size_t)snprintf(st.evidence, sizeof st.evidence, "[");
        for (size_t k = 0; k < a->n_evidence && len < sizeof st.evidence - 24; k++)
            len += (size_t)snprintf(st.evidence + len, sizeof st.evidence - len, "%s%lld",
                                    k ? "," : "", (long long)rows[k]);
        snprintf(st.evidence + len, sizeof st.evidence - len, "]");
        st.raised_on = r->on;
        if (a->due_from != JZ_DATE_NONE) {
            /* R-DEATH-1: within death.check_months of the death date. */
            st.due_on = jz_date_add_months(a->due_from, c->p.death_check_months);
        } else if (jz_calendar_add(r->cal, r->on, c->p.mon_deadline[a->category & 3], &st.due_on,
                                   r->err) != JZ_OK) {
            r->failed = true;
            return;
        }
        bool added = false;
        if (jz_store_alert_put(r->s, &st, rows, a->n_evidence, &added, r->err) != JZ_OK) {
            r->failed = true;
            return;
        }
        if (added) {
            r->counts->raised++;
            r->counts->by_category[a->category & 3]++;
            r->counts->by_indicator[a->indicator]++;
        }
    }
}

/* The run as one transaction (jz_store_run: it may run again, so the
 * counts start afresh): the scan, its alerts, and its audit entry. */
typedef struct run_args {
    run *r;
    const char *region;
} run_args;

static jz_err run_in_txn(jz_store *s, void *arg, jz_error *err)
{
    run_args *a = arg;
    run *r = a->r;
    jz_monitor_counts *out = r->counts;
    memset(out, 0, sizeof *out);
    r->failed = false;
    r->err = err;
    jz_err rc = jz_store_monitor_scan(s, a->region, r->on, person, r, err);
    if (!rc && r->failed)
        rc = err->code ? err->code : JZ_EIO;
    if (rc)
        return rc;
    char after[512], d[JZ_DATE_BUF];
    jz_date_format(r->on, d, sizeof d);
    snprintf(after, sizeof after,
             "{\"date\":\"%s\",\"region\":\"%s\",\"people\":%ld,\"raised\":%ld,"
             "\"extended\":%ld,\"A\":%ld,\"B\":%ld,\"C\":%ld,\"D\":%ld}",
             d, a->region, out->people, out->raised, out->extended, out->by_category[0],
             out->by_category[1], out->by_category[2], out->by_category[3]);
    return jz_store_audit(s, "", "monitor.run", "alerts", "", after, err);
}

jz_err jz_monitor_run(jz_store *s, const jz_paramset *ps, const jz_calendar *cal, jz_date on,
                      const char *region, jz_monitor_counts *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    if (!region)
        region = "";
    run *r = calloc(1, sizeof *r);
    if (!r)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    r->s = s;
    r->ps = ps;
    r->cal = cal;
    r->on = on;
    r->counts = out;
    r->err = err;
    run_args a = {r, region};
    jz_err rc = jz_store_run(s, run_in_txn, &a, err);
    free(r);
    return rc;
}
