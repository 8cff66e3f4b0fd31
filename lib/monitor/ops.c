/*
 * ops.c - the monitoring operations over a context (jz_monitor.h): a run
 * with the context's policy (jz_monitor_execute), and R-MON-4's comparison
 * of the 防止返贫 monitoring list with the registry (jz_monitor_compare_fpm),
 * which cli/monitor.c held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jiuzhu/jz_case.h"
#include "jiuzhu/jz_ctx.h"
#include "jiuzhu/jz_monitor.h"
#include "jiuzhu/jz_store.h"

const char *const jz_fpm_status_names[JZ_FPM_STATUS_COUNT] = {"outside", "unassessed",
                                                              "assessed"};

/* "" or digits, at most 12: a region code or a prefix of one. */
static jz_err check_region(const char *region, jz_error *err)
{
    size_t n = strlen(region);
    if (n > 12 || strspn(region, "0123456789") != n)
        return jz_error_set(err, JZ_EINPUT, "region", region,
                            "应为地区代码（数字，最多 12 位）");
    return JZ_OK;
}

jz_err jz_monitor_execute(jz_ctx *x, const jz_monitor_req *rq, jz_monitor_counts *out,
                          jz_error *err)
{
    memset(out, 0, sizeof *out);
    const char *region = rq->region ? rq->region : "";
    jz_err rc = check_region(region, err);
    if (rc)
        return rc;
    if (!x->params || !x->calendar)
        return jz_error_set(err, JZ_EUSAGE, NULL, NULL, "动态监测须先载入政策参数和工作日历");
    if (x->actor[0])
        jz_store_set_actor(x->store, x->actor);
    jz_date on = rq->on != JZ_DATE_NONE ? rq->on : x->today;
    return jz_monitor_run(x->store, x->params, x->calendar, on, region, out, err);
}

/* ---- R-MON-4 ----------------------------------------------------------------- */

/* Whether household_id lies within x->scope (*rc set on a store error). */
static bool in_scope(jz_ctx *x, const char *household_id, jz_err *rc, jz_error *e)
{
    char *rec = NULL;
    *rc = jz_store_get_record(x->store, household_id, &rec, e);
    if (*rc)
        return false;
    json_t *j = json_loads(rec, 0, NULL);
    free(rec);
    const char *region = j ? json_string_value(json_object_get(j, "region")) : NULL;
    size_t n = strlen(x->scope);
    bool yes = region && strlen(region) >= n && strncmp(region, x->scope, n) == 0;
    json_decref(j);
    return yes;
}

jz_err jz_monitor_compare_fpm(jz_ctx *x, const char *text, size_t len, const char *name,
                              jz_fpm_row_fn on_row, jz_feed_reject_fn on_reject, void *arg,
                              jz_fpm_counts *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    jz_feed_reader *r = NULL;
    jz_err rc = jz_feed_reader_new(JZ_DEPT_FPM, text, len, name ? name : "", &r, err);
    if (rc)
        return rc;
    jz_result *det = malloc(sizeof *det);
    if (!det) {
        jz_feed_reader_free(r);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    while (!rc) {
        jz_feed_row row;
        jz_error e;
        jz_error_clear(&e);
        jz_err next = jz_feed_next(r, &row, &e);
        if (next == JZ_EOF)
            break;
        if (next) {
            out->rejected++;
            int stop = on_reject ? on_reject(&e, arg) : 0;
            if (stop)
                rc = jz_error_set(err, (jz_err)stop, NULL, NULL, "比对已中止");
            continue;
        }
        out->listed++;
        jz_fpm_row p;
        memset(&p, 0, sizeof p);
        snprintf(p.id, sizeof p.id, "%s", row.id);
        snprintf(p.name, sizeof p.name, "%s", row.name);
        p.listed = row.date;
        p.line = row.line;
        p.assessed_on = JZ_DATE_NONE;
        /* The store's one definition of receiving assistance (a live
         * enrolment, or the programme the record carries over). */
        bool receives = false;
        jz_err got = jz_store_receives_assistance(x->store, row.id, &receives, p.household_id, &e);
        if (got != JZ_OK && got != JZ_ENOTFOUND) {
            *err = e;
            rc = got;
            break;
        }
        /* Someone registered outside the caller's scope is answered like
         * someone not registered: nothing about him is the caller's to see,
         * not even whether he receives assistance. */
        if (got == JZ_OK && x->scope[0] && !in_scope(x, p.household_id, &got, &e)) {
            if (got) {
                *err = e;
                rc = got;
                break;
            }
            got = JZ_ENOTFOUND;
        }
        if (got == JZ_OK) {
            if (receives)
                continue;
            int64_t batch;
            jz_date date;
            got = jz_store_get_determination(x->store, p.household_id, det, &batch, &date, &e);
            if (got == JZ_OK) {
                p.status = JZ_FPM_ASSESSED;
                p.category = det->category;
                p.monthly = det->monthly_amount;
                p.assessed_on = date;
            } else if (got == JZ_ENOTFOUND) {
                p.status = JZ_FPM_UNASSESSED;
            } else {
                *err = e;
                rc = got;
                break;
            }
        } else {
            p.household_id[0] = '\0';
            p.status = JZ_FPM_OUTSIDE;
        }
        out->without++;
        int stop = on_row ? on_row(&p, arg) : 0;
        if (stop)
            rc = jz_error_set(err, (jz_err)stop, NULL, NULL, "比对已中止");
    }
    free(det);
    jz_feed_reader_free(r);
    return rc;
}
