/*
 * json_registry.c - the JSON face of the web platform's lists and of the
 * policy simulation (jz_api_registry.h, docs/api-registry.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_api_registry.h"
#include "api_int.h"

/* A category (-1: never assessed; JZ_CAT_COUNT: none stored) as name and
 * Chinese. */
static void category_out(json_t *o, const char *key, int cat, int *bad)
{
    char zh[64];
    snprintf(zh, sizeof zh, "%s_zh", key);
    if (cat >= 0 && cat < JZ_CAT_COUNT) {
        jz__api_set(o, key, json_string(jz_category_names[cat]), bad);
        jz__api_set(o, zh, json_string(jz_category_short_zh[cat]), bad);
    } else {
        jz__api_set(o, key, json_null(), bad);
        jz__api_set(o, zh, json_string("未认定"), bad);
    }
}

/* A county's name; a township's, a village's from its township on. */
static json_t *region_name(const jz_regions *regions, const char *code)
{
    char w[256];
    jz_regions_words(regions, code, strlen(code) > 6 ? 9 : strlen(code), w, sizeof w);
    return json_string(w);
}

/* A page's object: how many match in all, and where the page starts. */
static json_t *page_head(int64_t total, int64_t offset, int limit, int *bad)
{
    json_t *o = json_object();
    jz__api_set(o, "total", json_integer(total), bad);
    jz__api_set(o, "offset", json_integer(offset), bad);
    jz__api_set(o, "limit", json_integer(limit), bad);
    return o;
}

json_t *jz_household_page_to_json(const jz_household_page *p, const jz_regions *regions,
                                  int64_t offset, int limit)
{
    int bad = 0;
    json_t *o = page_head(p->total, offset, limit, &bad);
    json_t *a = json_array();
    for (size_t i = 0; i < p->n; i++) {
        const jz_household_item *it = &p->items[i];
        json_t *h = json_object();
        jz__api_set(h, "household_id", json_string(it->household_id), &bad);
        jz__api_set(h, "region", json_string(it->region), &bad);
        jz__api_set(h, "region_name", region_name(regions, it->region), &bad);
        jz__api_set(h, "head_name", json_string(it->head_name), &bad);
        jz__api_set(h, "head_id", json_string(it->head_id), &bad); /* masked */
        jz__api_set(h, "members", json_integer(it->members), &bad);
        category_out(h, "category", it->category, &bad);
        jz__api_set(h, "monthly_fen", json_integer(it->monthly), &bad);
        jz__api_set(h, "counted", json_integer(it->counted), &bad);
        jz__api_set(h, "assessed_on", jz__api_date_out(it->assessed_on), &bad);
        jz__api_append(a, h, &bad);
    }
    jz__api_set(o, "items", a, &bad);
    return jz__api_done(o, bad);
}

/* ---- simulation ------------------------------------------------------------------------ */

jz_err jz_simulate_req_from_json(const json_t *body, jz_simulate_req *out, jz_param_value **params,
                                 jz_error *err)
{
    static const char *const keys[] = {"region", "params", "date", "examples", NULL};
    memset(out, 0, sizeof *out);
    *params = NULL;
    out->date = JZ_DATE_NONE;
    out->examples = 10;
    long long ex = 10;
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_region(body, "region", &out->region, err)) ||
        (rc = jz__api_date(body, "date", false, &out->date, err)) ||
        (rc = jz__api_int(body, "examples", false, 0, JZ_SIMULATE_EXAMPLES_MAX, &ex, err)))
        return rc;
    out->examples = (int)ex;
    const json_t *p = json_object_get(body, "params");
    if (!json_is_object(p) || json_object_size(p) == 0 ||
        json_object_size(p) > JZ_SIMULATE_PARAMS_MAX)
        return jz_error_set(err, JZ_EINPUT, "params", NULL,
                            "params 应为对象，列出 1 至 %d 个要改变的参数，如 "
                            "{\"dibao.standard.rural\": \"700\"}",
                            JZ_SIMULATE_PARAMS_MAX);
    /* One block the caller frees: the values, then the text of numbers. */
    size_t n = json_object_size(p);
    char *block = calloc(n, sizeof(jz_param_value) + 32);
    if (!block)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_param_value *v = (jz_param_value *)(void *)block;
    char(*num)[32] = (char(*)[32])(void *)(block + n * sizeof *v);
    size_t i = 0;
    const char *k;
    const json_t *val;
    json_object_foreach((json_t *)p, k, val)
    {
        v[i].name = k;
        if (json_is_string(val)) {
            v[i].value = json_string_value(val);
        } else if (json_is_integer(val)) {
            snprintf(num[i], sizeof num[i], "%lld", (long long)json_integer_value(val));
            v[i].value = num[i];
        } else if (json_is_real(val)) {
            snprintf(num[i], sizeof num[i], "%.6g", json_real_value(val));
            v[i].value = num[i];
        } else {
            char f[128];
            snprintf(f, sizeof f, "params.%.100s", k);
            free(block);
            return jz_error_set(err, JZ_EINPUT, f, NULL, "参数值应为文字或数字");
        }
        i++;
    }
    *params = v;
    out->params = v;
    out->n_params = n;
    return JZ_OK;
}

json_t *jz_simulate_res_to_json(const jz_simulate_res *r, const jz_simulate_req *rq,
                                const jz_regions *regions)
{
    int bad = 0;
    const jz_batch_report *rep = &r->rep;
    json_t *o = json_object();
    jz__api_set(o, "region", json_string(rq->region ? rq->region : ""), &bad);
    json_t *ps = json_object();
    for (size_t i = 0; i < rq->n_params; i++)
        jz__api_set(ps, rq->params[i].name, json_string(rq->params[i].value), &bad);
    jz__api_set(o, "params", ps, &bad);
    jz__api_set(o, "households", json_integer((json_int_t)rep->households), &bad);
    jz__api_set(o, "failed", json_integer((json_int_t)rep->failed), &bad);
    jz__api_set(o, "seconds", json_real(r->seconds), &bad);
    jz__api_set(o, "snapshot_cached", json_boolean(rep->snapshot_cached), &bad);
    jz__api_set(o, "snapshot_updated", json_integer((json_int_t)rep->snapshot_patched), &bad);
    jz__api_set(o, "results_cached", json_boolean(rep->results_cached), &bad);
    jz__api_set(o, "results_updated", json_integer((json_int_t)rep->results_patched), &bad);
    int64_t changed = 0, unassessed = 0;
    jz_fen before = 0, after = 0;
    json_t *counties = json_array();
    for (size_t i = 0; i < rep->n_diffs; i++) {
        const jz_batch_diff *d = &rep->diffs[i];
        changed += d->changed;
        unassessed += d->unassessed;
        before += d->before;
        after += d->after;
        json_t *c = json_object();
        jz__api_set(c, "county", json_string(d->county), &bad);
        jz__api_set(c, "county_name", region_name(regions, d->county), &bad);
        jz__api_set(c, "households", json_integer(d->households), &bad);
        jz__api_set(c, "changed", json_integer(d->changed), &bad);
        jz__api_set(c, "unassessed", json_integer(d->unassessed), &bad);
        jz__api_set(c, "monthly_before_fen", json_integer(d->before), &bad);
        jz__api_set(c, "monthly_after_fen", json_integer(d->after), &bad);
        jz__api_append(counties, c, &bad);
    }
    jz__api_set(o, "changed", json_integer(changed), &bad);
    jz__api_set(o, "unassessed", json_integer(unassessed), &bad);
    jz__api_set(o, "monthly_before_fen", json_integer(before), &bad);
    jz__api_set(o, "monthly_after_fen", json_integer(after), &bad);
    jz__api_set(o, "counties", counties, &bad);
    /* Moves between categories: only the cells that hold households. */
    json_t *moves = json_array();
    for (int b = 0; b <= JZ_CAT_COUNT; b++)
        for (int a = 0; a < JZ_CAT_COUNT; a++) {
            if (!rep->moves[b][a])
                continue;
            json_t *m = json_object();
            category_out(m, "before", b < JZ_CAT_COUNT ? b : -1, &bad);
            category_out(m, "after", a, &bad);
            jz__api_set(m, "households", json_integer(rep->moves[b][a]), &bad);
            jz__api_append(moves, m, &bad);
        }
    jz__api_set(o, "moves", moves, &bad);
    /* The run's categories after, by county (what the stats would show). */
    json_t *rows = json_array();
    for (size_t i = 0; i < rep->n_rows; i++) {
        const jz_batch_row *w = &rep->rows[i];
        json_t *x = json_object();
        jz__api_set(x, "county", json_string(w->county), &bad);
        category_out(x, "category", w->category, &bad);
        jz__api_set(x, "households", json_integer(w->households), &bad);
        jz__api_set(x, "persons", json_integer(w->persons), &bad);
        jz__api_set(x, "monthly_fen", json_integer(w->monthly), &bad);
        jz__api_set(x, "tekun", json_integer(w->tekun), &bad);
        jz__api_set(x, "tekun_monthly_fen", json_integer(w->tekun_monthly), &bad);
        jz__api_set(x, "single", json_integer(w->single), &bad);
        jz__api_set(x, "single_monthly_fen", json_integer(w->single_monthly), &bad);
        jz__api_append(rows, x, &bad);
    }
    jz__api_set(o, "after", rows, &bad);
    json_t *ex = json_array();
    for (size_t i = 0; i < rep->n_examples; i++) {
        const jz_batch_example *e = &rep->examples[i];
        json_t *x = json_object();
        jz__api_set(x, "household_id", json_string(e->household_id), &bad);
        jz__api_set(x, "county", json_string(e->county), &bad);
        category_out(x, "before", e->before < JZ_CAT_COUNT ? e->before : -1, &bad);
        category_out(x, "after", e->after, &bad);
        jz__api_set(x, "monthly_before_fen", json_integer(e->monthly_before), &bad);
        jz__api_set(x, "monthly_after_fen", json_integer(e->monthly_after), &bad);
        jz__api_append(ex, x, &bad);
    }
    jz__api_set(o, "examples", ex, &bad);
    return jz__api_done(o, bad);
}

/* ---- the audit log ------------------------------------------------------------------------- */

json_t *jz_audit_page_to_json(const jz_audit_page *p, int64_t offset, int limit)
{
    int bad = 0;
    json_t *o = page_head(p->total, offset, limit, &bad);
    json_t *a = json_array();
    for (size_t i = 0; i < p->n; i++) {
        const jz_audit_item *it = &p->items[i];
        json_t *e = json_object();
        jz__api_set(e, "seq", json_integer(it->seq), &bad);
        jz__api_set(e, "county", jz__api_str_or_null(it->county), &bad);
        jz__api_set(e, "at", json_string(it->at), &bad);
        jz__api_set(e, "actor", json_string(it->actor), &bad);
        jz__api_set(e, "action", json_string(it->action), &bad);
        jz__api_set(e, "entity", json_string(it->entity), &bad);
        jz__api_set(e, "before", json_string(it->before), &bad);
        jz__api_set(e, "after", json_string(it->after), &bad);
        jz__api_append(a, e, &bad);
    }
    jz__api_set(o, "entries", a, &bad);
    return jz__api_done(o, bad);
}
