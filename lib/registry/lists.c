/*
 * lists.c - the registry as the web platform reads it (jz_registry.h):
 * a page of a region's households, the policy simulation over the live
 * registry, and a page of the audit log, each within the acting user's
 * scope, ID numbers masked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jiuzhu/jz_encoding.h"
#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_registry.h"

/* A region code prefix the user may read: digits, at most 12, within the
 * scope (NULL or "": the scope itself).  *eff: what to query. */
static jz_err region_in_scope(const jz_ctx *x, const char *region, const char **eff,
                              jz_error *err)
{
    if (!region || !region[0]) {
        *eff = x->scope;
        return JZ_OK;
    }
    size_t n = strlen(region);
    if (n > 12 || strspn(region, "0123456789") != n)
        return jz_error_set(err, JZ_EINPUT, "region", region, "区划代码应为至多 12 位数字");
    size_t s = strlen(x->scope);
    if (s && (n < s || strncmp(region, x->scope, s) != 0))
        return jz_error_set(err, JZ_EDENIED, "region", region, "该地区不在您的管辖范围内");
    *eff = region;
    return JZ_OK;
}

static jz_err page_args(int64_t offset, int limit, jz_error *err)
{
    char v[32];
    if (offset < 0) {
        snprintf(v, sizeof v, "%lld", (long long)offset);
        return jz_error_set(err, JZ_EINPUT, "offset", v, "起始行应为不小于 0 的整数");
    }
    if (limit < 1 || limit > JZ_LIST_LIMIT_MAX) {
        snprintf(v, sizeof v, "%d", limit);
        return jz_error_set(err, JZ_EINPUT, "limit", v, "每页行数应为 1 至 %d", JZ_LIST_LIMIT_MAX);
    }
    return JZ_OK;
}

/* ---- households ------------------------------------------------------------------------- */

typedef struct hh_acc {
    jz_household_page *p;
    size_t cap;
    bool oom;
} hh_acc;

static void on_household(const jz_store_hh_row *r, void *arg)
{
    hh_acc *a = arg;
    if (a->oom)
        return;
    if (a->p->n == a->cap) {
        size_t nc = a->cap ? 2 * a->cap : 64;
        jz_household_item *g = realloc(a->p->items, nc * sizeof *g);
        if (!g) {
            a->oom = true;
            return;
        }
        a->p->items = g;
        a->cap = nc;
    }
    jz_household_item *it = &a->p->items[a->p->n++];
    memset(it, 0, sizeof *it);
    snprintf(it->household_id, sizeof it->household_id, "%s", r->household_id);
    snprintf(it->region, sizeof it->region, "%s", r->region);
    snprintf(it->head_name, sizeof it->head_name, "%s", r->head_name);
    jz_idnum_mask(r->head_id, it->head_id);
    it->members = r->members;
    it->category = r->category;
    it->monthly = r->monthly;
    it->counted = r->counted;
    it->assessed_on = r->assessed_on;
}

jz_err jz_household_list(jz_ctx *x, const jz_household_query *q, jz_household_page *out,
                         jz_error *err)
{
    memset(out, 0, sizeof *out);
    const char *region = NULL;
    jz_err rc = region_in_scope(x, q->region, &region, err);
    if (rc || (rc = page_args(q->offset, q->limit, err)))
        return rc;
    const char *text = q->q ? q->q : "";
    size_t tl = strlen(text);
    if (tl > 64 || jz_text_find_unsafe(text, tl, NULL) >= 0)
        return jz_error_set(err, JZ_EINPUT, "q", text,
                            "查询文字应为至多 64 字节的单行文字（户编号、姓名或身份证号）");
    if (q->category < -2 || q->category >= JZ_CAT_COUNT) {
        char v[16];
        snprintf(v, sizeof v, "%d", q->category);
        return jz_error_set(err, JZ_EINPUT, "category", v, "未知的认定类别");
    }
    jz_store_hh_query sq = {region, text, q->category, q->offset, q->limit};
    hh_acc a = {out, 0, false};
    rc = jz_store_household_list(x->store, &sq, on_household, &a, &out->total, err);
    if (!rc && a.oom)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (rc)
        jz_household_page_cleanup(out);
    return rc;
}

void jz_household_page_cleanup(jz_household_page *p)
{
    free(p->items);
    memset(p, 0, sizeof *p);
}

/* ---- policy simulation ------------------------------------------------------------------- */

jz_err jz_simulate(jz_ctx *x, const jz_simulate_req *rq, jz_simulate_res *res, jz_error *err)
{
    memset(res, 0, sizeof *res);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const char *region = NULL;
    jz_err rc = region_in_scope(x, rq->region, &region, err);
    if (rc)
        return rc;
    if (rq->n_params == 0 || rq->n_params > JZ_SIMULATE_PARAMS_MAX)
        return jz_error_set(err, JZ_EINPUT, "params", NULL, "应改变 1 至 %d 个参数",
                            JZ_SIMULATE_PARAMS_MAX);
    if (rq->examples < 0 || rq->examples > JZ_SIMULATE_EXAMPLES_MAX) {
        char v[16];
        snprintf(v, sizeof v, "%d", rq->examples);
        return jz_error_set(err, JZ_EINPUT, "examples", v, "示例户数应为 0 至 %d",
                            JZ_SIMULATE_EXAMPLES_MAX);
    }
    jz_paramset *ps = jz_paramset_copy(x->params);
    if (!ps)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    char overrides[2048] = "";
    size_t ol = 0;
    for (size_t i = 0; i < rq->n_params && !rc; i++) {
        const jz_param_value *p = &rq->params[i];
        char a[512];
        snprintf(a, sizeof a, "%s=%s", p->name ? p->name : "", p->value ? p->value : "");
        if ((rc = jz_paramset_override(ps, a, err))) {
            /* Name the parameter as the request gave it. */
            snprintf(err->field, sizeof err->field, "params.%.80s", p->name ? p->name : "");
            break;
        }
        if (ol + strlen(a) + 2 < sizeof overrides)
            ol += (size_t)snprintf(overrides + ol, sizeof overrides - ol, "%s%s", ol ? " " : "", a);
    }
    if (!rc) {
        jz_batch_opts o = {.region_prefix = region,
                           .date = rq->date,
                           .overrides = overrides,
                           .threads = 0,
                           .write = false,
                           .compare = true,
                           .max_examples = rq->examples};
        rc = jz_batch_assess(x->store, ps, &o, NULL, NULL, &res->rep, err);
    }
    jz_paramset_free(ps);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    res->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (rc)
        jz_simulate_res_cleanup(res);
    return rc;
}

void jz_simulate_res_cleanup(jz_simulate_res *r)
{
    free(r->rep.rows);
    free(r->rep.diffs);
    free(r->rep.examples);
    memset(r, 0, sizeof *r);
}

/* ---- the audit log ------------------------------------------------------------------------- */

typedef struct audit_acc {
    jz_audit_page *p;
    size_t cap;
    bool oom;
} audit_acc;

static char *masked_copy(const char *s)
{
    char *c = strdup(s ? s : "");
    if (c)
        jz_idnum_mask_text(c);
    return c;
}

static void on_entry(const jz_store_audit_row *r, void *arg)
{
    audit_acc *a = arg;
    if (a->oom)
        return;
    if (a->p->n == a->cap) {
        size_t nc = a->cap ? 2 * a->cap : 64;
        jz_audit_item *g = realloc(a->p->items, nc * sizeof *g);
        if (!g) {
            a->oom = true;
            return;
        }
        a->p->items = g;
        a->cap = nc;
    }
    jz_audit_item *it = &a->p->items[a->p->n];
    memset(it, 0, sizeof *it);
    it->seq = r->seq;
    snprintf(it->county, sizeof it->county, "%s", r->county);
    snprintf(it->at, sizeof it->at, "%s", r->at);
    snprintf(it->actor, sizeof it->actor, "%s", r->actor);
    snprintf(it->action, sizeof it->action, "%s", r->action);
    it->entity = masked_copy(r->entity);
    it->before = masked_copy(r->before);
    it->after = masked_copy(r->after);
    a->p->n++;
    if (!it->entity || !it->before || !it->after)
        a->oom = true;
}

jz_err jz_audit_list(jz_ctx *x, const char *region, const char *action, int64_t offset, int limit,
                     jz_audit_page *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    const char *eff = NULL;
    jz_err rc = region_in_scope(x, region, &eff, err);
    if (rc || (rc = page_args(offset, limit, err)))
        return rc;
    /* The log keeps a county per entry: a township's user reads his
     * county's; entries of no county are the province's, read by a user
     * of the whole province (a scope of the province's two digits). */
    char county[7];
    snprintf(county, sizeof county, "%.6s", strlen(eff) > 2 ? eff : "");
    const char *a = action ? action : "";
    size_t al = strlen(a);
    if (al > 48 || strspn(a, "abcdefghijklmnopqrstuvwxyz0123456789._-") != al)
        return jz_error_set(err, JZ_EINPUT, "action", a,
                            "操作名应为至多 48 个小写字母、数字和 . _ -，如 pay.plan");
    audit_acc acc = {out, 0, false};
    rc = jz_store_audit_list(x->store, county, a, offset, limit, on_entry, &acc, &out->total, err);
    if (!rc && acc.oom)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (rc)
        jz_audit_page_cleanup(out);
    return rc;
}

void jz_audit_page_cleanup(jz_audit_page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->items[i].entity);
        free(p->items[i].before);
        free(p->items[i].after);
    }
    free(p->items);
    memset(p, 0, sizeof *p);
}
