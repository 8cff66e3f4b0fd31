/*
 * jz_stats.h - statistics of the registry by region: households, counted
 * persons and monthly amounts of the latest determinations, by region (city,
 * county or township) and category, with the 特困 and 单人保 persons and their
 * amounts, the totals, and the households never assessed or assessed on a
 * record that changed since; and, asked for, the months up to today: cases
 * accepted, decided and closed with their processing days, late steps,
 * enrolments started, ended and in force, money paid, alerts raised by
 * category and handled.  What `jiuzhu stats` prints and the server
 * returns.
 */
#ifndef JZ_STATS_H
#define JZ_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "jz_ctx.h"
#include "jz_store.h"

/* The levels, by the digits of their codes: city 4, county 6, township 9. */
#define JZ_STATS_LEVEL_COUNT 3
extern const char *const jz_stats_level_names[JZ_STATS_LEVEL_COUNT]; /* city county township */
extern const char *const jz_stats_level_zh[JZ_STATS_LEVEL_COUNT];    /* 市 县 乡镇 */
extern const int jz_stats_level_digits[JZ_STATS_LEVEL_COUNT];        /* 4 6 9 */
/* The digits of a level by its English name, or -1 (also for NULL). */
int jz_stats_level_find(const char *name);

typedef struct jz_stats_req {
    int level_digits;   /* 4, 6 or 9; 0: county */
    const char *region; /* region code prefix; NULL or "": the whole province */
    int months;         /* 0: no trend; else the trend of that many months up to today's
                           (at most JZ_STATS_MONTHS_MAX) */
} jz_stats_req;
#define JZ_STATS_MONTHS_MAX 60

/* One row: a region at the level and a category (JZ_CAT_COUNT: households
 * never assessed, counted in households only and not in the totals). */
typedef struct jz_stats_line {
    jz_stat_row row;
    const char *name; /* the region's name (x->regions), "" when unknown or not loaded */
} jz_stats_line;

typedef struct jz_stats_res {
    jz_stats_line *lines; /* by region, as the store gives them */
    size_t n;
    jz_stat_row total;    /* of the assessed rows: region "", category JZ_CAT_COUNT; total.stale:
                             households assessed on a record that changed since */
    int64_t unassessed;   /* households never assessed (not in total) */
    jz_trend_month *trend; /* rq->months months, the oldest first, the last today's */
    size_t n_trend;
} jz_stats_res;

/* Fills *out (free with jz_stats_res_free, also after an error).  JZ_EINPUT
 * naming "level" or "region" for a level other than 4, 6, 9 or a region
 * that is not digits or longer than 12, "months" beyond 0..60.  Reads only. */
jz_err jz_stats_get(jz_ctx *x, const jz_stats_req *rq, jz_stats_res *out, jz_error *err);
void jz_stats_res_free(jz_stats_res *r);

/* Writes r (of rq) as an .xlsx workbook at path (the 统计分析 page's Excel
 * export): a row per region and category, the totals, the households
 * never assessed; a second sheet with the months of r->trend; amounts in
 * yuan. */
jz_err jz_stats_xlsx(const jz_ctx *x, const jz_stats_req *rq, const jz_stats_res *r,
                     const char *path, jz_error *err);

#endif
