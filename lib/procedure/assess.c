/*
 * assess.c - assessing a household record that is not stored (`jiuzhu
 * assess`, the server's POST of a record): read strictly, the parameters of
 * its county on its date, what-if parameters for this assessment only, the
 * engine with a full trace.
 *
 * The server calls it from several threads at once with one context, so it
 * writes nothing shared: a what-if changes the caller's copy of the resolved
 * policy, never the parameter set (jz_paramset_override would, for every
 * thread).  A cache of resolved policies (one per thread, or none) saves
 * resolving every parameter again for a file of households of one county
 * assessed on one date.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_procedure.h"

#define CACHE_SLOTS 64

struct jz_policy_cache {
    const jz_paramset *ps;
    struct {
        char county[7];
        jz_date date;
        bool used;
        jz_policy policy;
    } slot[CACHE_SLOTS];
};

jz_policy_cache *jz_policy_cache_new(const jz_paramset *ps)
{
    jz_policy_cache *c = calloc(1, sizeof *c);
    if (c)
        c->ps = ps;
    return c;
}

void jz_policy_cache_free(jz_policy_cache *c)
{
    free(c);
}

static unsigned slot_of(const char *county, jz_date date)
{
    unsigned h = (unsigned)date * 2654435761u;
    for (const char *c = county; *c; c++)
        h = h * 31u + (unsigned char)*c;
    return h % CACHE_SLOTS;
}

jz_err jz_policy_cache_get(jz_policy_cache *c, const char *county, jz_date date,
                           const jz_policy **out, jz_error *err)
{
    unsigned s = slot_of(county, date);
    if (c->slot[s].used && c->slot[s].date == date && strcmp(c->slot[s].county, county) == 0) {
        *out = &c->slot[s].policy;
        return JZ_OK;
    }
    jz_err rc = jz_policy_resolve(c->ps, county, date, &c->slot[s].policy, err);
    if (rc) {
        c->slot[s].used = false;
        return rc;
    }
    c->slot[s].used = true;
    c->slot[s].date = date;
    memcpy(c->slot[s].county, county, 7);
    *out = &c->slot[s].policy;
    return JZ_OK;
}

jz_err jz_assess_household(const jz_ctx *x, jz_policy_cache *cache, const jz_assess_req *rq,
                           jz_assess_res *res, jz_error *err)
{
    jz_parse_opts po = {.regions = x->regions,
                        .default_date = x->today ? x->today : jz_date_today(),
                        .force_date = rq->date};
    jz_err rc = rq->household
                    ? jz_household_from_json(rq->household, &po, &res->h, &res->buf, err)
                    : jz_household_parse(rq->record ? rq->record : "", rq->record ? rq->len : 0,
                                         &po, &res->h, &res->buf, err);
    if (rc)
        return rc;
    char county[7];
    jz_region_county(&res->h.region, county);
    if (cache) {
        const jz_policy *p;
        if ((rc = jz_policy_cache_get(cache, county, res->h.assess_date, &p, err)))
            goto located;
        res->policy = *p;
    } else if ((rc = jz_ctx_policy(x, county, res->h.assess_date, &res->policy, err))) {
        goto located;
    }
    for (size_t i = 0; i < rq->n_params; i++) {
        const jz_param_value *v = &rq->params[i];
        if ((rc = jz_policy_set(&res->policy, v->name, v->value, err))) {
            /* An unknown parameter is a bad request, not a missing thing. */
            if (rc == JZ_ENOTFOUND)
                rc = JZ_EINPUT;
            if (err) {
                err->code = rc;
                snprintf(err->field, sizeof err->field, "params.%s", v->name ? v->name : "");
            }
            return rc;
        }
    }
    jz_assess(&res->h, &res->policy, &res->result, &res->trace);
    return JZ_OK;
located:
    jz_error_set_where(err, res->h.household_id, NULL);
    return rc;
}
