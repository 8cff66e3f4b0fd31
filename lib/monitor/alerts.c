/*
 * alerts.c - reading alerts (jz_alert.h): lists filtered and paged, one
 * alert with its evidence and steps, and the engine's re-assessment of its
 * household.  Handling an alert is lib/procedure/alert.c's.  What was
 * cli/monitor.c's `jiuzhu alerts` and `jiuzhu alert show`; the command line
 * now only prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_alert.h"
#include "jiuzhu/jz_monitor.h"
#include "jiuzhu/jz_record.h"

const char *const jz_alert_status_names[JZ_ALERT_STATUS_COUNT] = {
    "open", "assigned", "verified", "resolved", "referred"};
const char *const jz_alert_status_zh[JZ_ALERT_STATUS_COUNT] = {"待处置", "已分派", "已核实",
                                                               "已办结", "已转介"};
const char *const jz_alert_outcome_names[JZ_ALERT_OUTCOME_COUNT] = {"enrolled", "referred",
                                                                    "terminated", "no_action"};

/* ---- lists ----------------------------------------------------------------------- */

typedef struct lister {
    const jz_alert_query *q;
    jz_alert_fn fn;
    void *arg;
    long matched, passed;
    int stop; /* what fn returned when it stopped the list */
} lister;

/* The store filters by region, category and open; the state, the offset
 * and the limit are applied here, over the store's order. */
static void each(const jz_stored_alert *a, void *arg)
{
    lister *l = arg;
    if (l->q->status >= 0 && a->status != l->q->status)
        return;
    long k = l->matched++;
    if (l->stop || k < l->q->offset || (l->q->limit > 0 && l->passed >= l->q->limit))
        return;
    l->passed++;
    if (l->fn)
        l->stop = l->fn(a, l->arg);
}

static jz_err check_query(const jz_alert_query *q, jz_error *err)
{
    char v[32];
    if (q->category < -1 || q->category > JZ_ALERT_D) {
        snprintf(v, sizeof v, "%d", q->category);
        return jz_error_set(err, JZ_EINPUT, "category", v, "预警类别应为 A、B、C 或 D");
    }
    if (q->status < -1 || q->status >= JZ_ALERT_STATUS_COUNT) {
        snprintf(v, sizeof v, "%d", q->status);
        return jz_error_set(err, JZ_EINPUT, "status", v, "未知的预警状态");
    }
    if (q->offset < 0) {
        snprintf(v, sizeof v, "%ld", q->offset);
        return jz_error_set(err, JZ_EINPUT, "offset", v, "不能为负数");
    }
    if (q->limit < 0) {
        snprintf(v, sizeof v, "%ld", q->limit);
        return jz_error_set(err, JZ_EINPUT, "limit", v, "不能为负数");
    }
    return JZ_OK;
}

jz_err jz_alert_list(jz_ctx *x, const jz_alert_query *q, jz_alert_fn fn, void *arg, long *total,
                     jz_error *err)
{
    if (total)
        *total = 0;
    jz_err rc = check_query(q, err);
    if (rc)
        return rc;
    lister l = {.q = q, .fn = fn, .arg = arg};
    rc = jz_store_alert_list(x->store, q->region ? q->region : "", q->category, q->open_only,
                             each, &l, err);
    if (!rc && l.stop)
        rc = jz_error_set(err, (jz_err)l.stop, NULL, NULL, "预警列表已中止");
    if (total)
        *total = l.matched;
    return rc;
}

typedef struct pager {
    jz_alert_page *p;
    size_t cap;
} pager;

static int keep(const jz_stored_alert *a, void *arg)
{
    pager *g = arg;
    if (g->p->n == g->cap)
        return JZ_ENOMEM; /* cannot happen: the page was sized by the limit */
    g->p->items[g->p->n++] = *a;
    return 0;
}

jz_err jz_alert_list_page(jz_ctx *x, const jz_alert_query *q, jz_alert_page *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    if (q->limit < 1 || q->limit > JZ_ALERT_PAGE_MAX) {
        char v[32];
        snprintf(v, sizeof v, "%ld", q->limit);
        return jz_error_set(err, JZ_EINPUT, "limit", v, "每页条数应为 1 到 %d", JZ_ALERT_PAGE_MAX);
    }
    pager g = {out, (size_t)q->limit};
    if (!(out->items = malloc(g.cap * sizeof *out->items)))
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_err rc = jz_alert_list(x, q, keep, &g, &out->total, err);
    if (rc)
        jz_alert_page_free(out);
    return rc;
}

void jz_alert_page_free(jz_alert_page *p)
{
    if (!p)
        return;
    free(p->items);
    memset(p, 0, sizeof *p);
}

/* ---- one alert ------------------------------------------------------------------- */

typedef struct collect {
    jz_alert_view *v;
    size_t cap_e, cap_s;
    bool nomem;
} collect;

static bool grow(void **items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t nc = *cap ? 2 * *cap : 16;
    void *g = realloc(*items, nc * size);
    if (!g)
        return false;
    *items = g;
    *cap = nc;
    return true;
}

static void add_evidence(int64_t row, const jz_feed_row *r, void *arg)
{
    collect *c = arg;
    jz_alert_view *v = c->v;
    if (c->nomem ||
        !grow((void **)&v->evidence, &c->cap_e, v->n_evidence, sizeof *v->evidence)) {
        c->nomem = true;
        return;
    }
    v->evidence[v->n_evidence++] = (jz_alert_evidence_row){row, *r};
}

static void add_step(const jz_alert_step *st, void *arg)
{
    collect *c = arg;
    jz_alert_view *v = c->v;
    if (c->nomem || !grow((void **)&v->steps, &c->cap_s, v->n_steps, sizeof *v->steps)) {
        c->nomem = true;
        return;
    }
    v->steps[v->n_steps++] = *st;
}

jz_err jz_alert_show(jz_ctx *x, int64_t id, jz_alert_view *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    collect c = {.v = out};
    jz_err rc = jz_store_alert_get(x->store, id, &out->alert, err);
    if (!rc)
        rc = jz_store_alert_evidence(x->store, id, add_evidence, &c, err);
    if (!rc)
        rc = jz_store_alert_steps(x->store, id, add_step, &c, err);
    if (!rc && c.nomem)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    return rc;
}

void jz_alert_view_cleanup(jz_alert_view *v)
{
    if (!v)
        return;
    free(v->evidence);
    free(v->steps);
    memset(v, 0, sizeof *v);
}

/* ---- the re-assessment --------------------------------------------------------------- */

jz_err jz_alert_reassess(jz_ctx *x, const jz_stored_alert *a, jz_reassessment *out,
                         jz_error *err)
{
    if (!a->household_id[0])
        return jz_error_set(err, JZ_ENOTFOUND, "household_id", NULL,
                            "此人不在低收入人口数据库中，登记其家庭户记录后方可评估");
    if (!x->regions || !x->params)
        return jz_error_set(err, JZ_EUSAGE, NULL, NULL, "重新评估须先载入政策参数");
    char *record = NULL;
    jz_err rc = jz_store_get_record(x->store, a->household_id, &record, err);
    if (rc)
        return rc;
    jz_parse_opts po = {
        .regions = x->regions, .default_date = a->raised_on, .force_date = a->raised_on};
    rc = jz_household_parse(record, strlen(record), &po, &out->h, &out->buf, err);
    free(record);
    if (rc)
        return rc;
    char county[7];
    jz_region_county(&out->h.region, county);
    if ((rc = jz_policy_resolve(x->params, county, a->raised_on, &out->policy, err)))
        return rc;
    jz_assess(&out->h, &out->policy, &out->result, &out->trace);
    return JZ_OK;
}
