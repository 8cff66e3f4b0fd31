/*
 * stats.c - statistics of the registry by region (jz_stats.h): the store's
 * rows by region and category, named from the region table, added up into
 * the totals, with the households never assessed kept apart.  It sits
 * beside monitoring as the other read-only view of the whole registry that
 * analysts use; cli/stats.c held the adding up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_pay.h"
#include "jiuzhu/jz_stats.h"

const char *const jz_stats_level_names[JZ_STATS_LEVEL_COUNT] = {"city", "county", "township"};
const char *const jz_stats_level_zh[JZ_STATS_LEVEL_COUNT] = {"市", "县", "乡镇"};
const int jz_stats_level_digits[JZ_STATS_LEVEL_COUNT] = {4, 6, 9};

int jz_stats_level_find(const char *name)
{
    for (int i = 0; name && i < JZ_STATS_LEVEL_COUNT; i++)
        if (strcmp(name, jz_stats_level_names[i]) == 0)
            return jz_stats_level_digits[i];
    return -1;
}

typedef struct adder {
    const jz_ctx *x;
    jz_stats_res *r;
    size_t cap;
    bool nomem;
} adder;

static void row(const jz_stat_row *s, void *arg)
{
    adder *a = arg;
    jz_stats_res *r = a->r;
    if (a->nomem)
        return;
    if (r->n == a->cap) {
        size_t nc = a->cap ? 2 * a->cap : 64;
        jz_stats_line *g = realloc(r->lines, nc * sizeof *g);
        if (!g) {
            a->nomem = true;
            return;
        }
        r->lines = g;
        a->cap = nc;
    }
    const char *name =
        a->x->regions ? jz_regions_name(a->x->regions, s->region, strlen(s->region)) : NULL;
    r->lines[r->n++] = (jz_stats_line){*s, name ? name : ""};
    if (s->category == JZ_CAT_COUNT) {
        /* Households never assessed: counted apart, not in the totals. */
        r->unassessed += s->households;
        return;
    }
    jz_stat_row *t = &r->total;
    t->stale += s->stale;
    t->households += s->households;
    t->persons += s->persons;
    t->monthly += s->monthly;
    t->tekun += s->tekun;
    t->tekun_monthly += s->tekun_monthly;
    t->single += s->single;
    t->single_monthly += s->single_monthly;
}

jz_err jz_stats_get(jz_ctx *x, const jz_stats_req *rq, jz_stats_res *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    out->total.category = JZ_CAT_COUNT;
    int level = rq->level_digits ? rq->level_digits : 6;
    if (level != 4 && level != 6 && level != 9) {
        char v[16];
        snprintf(v, sizeof v, "%d", rq->level_digits);
        return jz_error_set(err, JZ_EINPUT, "level", v, "统计层级应为 city、county 或 township");
    }
    const char *region = rq->region ? rq->region : "";
    size_t n = strlen(region);
    if (n > 12 || strspn(region, "0123456789") != n)
        return jz_error_set(err, JZ_EINPUT, "region", region, "应为地区代码（数字，最多 12 位）");
    if (rq->months < 0 || rq->months > JZ_STATS_MONTHS_MAX) {
        char v[16];
        snprintf(v, sizeof v, "%d", rq->months);
        return jz_error_set(err, JZ_EINPUT, "months", v, "趋势月数应为 0 到 %d",
                            JZ_STATS_MONTHS_MAX);
    }
    adder a = {.x = x, .r = out};
    jz_err rc = jz_store_stats(x->store, level, region, row, &a, err);
    if (!rc && a.nomem)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (rc || rq->months == 0)
        return rc;
    out->trend = calloc((size_t)rq->months, sizeof *out->trend);
    if (!out->trend)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    out->n_trend = (size_t)rq->months;
    /* The months up to today's, the oldest first. */
    int last = jz_date_month_index(x->today);
    for (int i = 0; i < rq->months; i++) {
        int ym = last - (rq->months - 1 - i);
        jz_period_month_text(ym, out->trend[i].month);
    }
    return jz_store_trend(x->store, region, out->trend, out->n_trend, err);
}

void jz_stats_res_free(jz_stats_res *r)
{
    if (!r)
        return;
    free(r->lines);
    free(r->trend);
    memset(r, 0, sizeof *r);
}
