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

typedef struct live {
    size_t n;
} live;

static void count_live(const jz_enrolment *e, void *arg)
{
    live *l = arg;
    l->n += e->status != JZ_ENROL_STOPPED;
}

/* Whether a household receives assistance: a live enrolment (not stopped),
 * or a programme its record says it receives (`current`, carried over from
 * before jiuzhu).  This is the one place R-MON-4 asks it; the store layer's
 * single predicate for it (issue 13) is to replace the body. */
static jz_err receives_assistance(jz_store *s, const char *household_id, bool record_current,
                                  bool *yes, jz_error *err)
{
    *yes = record_current;
    if (*yes)
        return JZ_OK;
    live l = {0};
    jz_err rc = jz_store_enrol_list(s, "", household_id, count_live, &l, err);
    *yes = l.n > 0;
    return rc;
}

/* Where the person is in the registry: his household and whether its
 * record says it receives a programme now.  household "" outside. */
static jz_err find_household(jz_store *s, const char *id, char household[JZ_HOUSEHOLD_ID_MAX],
                             bool *current, jz_error *err)
{
    household[0] = '\0';
    *current = false;
    char *record = NULL;
    jz_error e;
    jz_error_clear(&e);
    jz_err rc = jz_store_get_record(s, id, &record, &e);
    if (rc == JZ_ENOTFOUND)
        return JZ_OK;
    if (rc) {
        *err = e;
        return rc;
    }
    json_t *j = json_loads(record, 0, NULL);
    free(record);
    if (!j)
        return jz_error_set(err, JZ_EIO, "household", id, "库中的户记录无法读取");
    const char *h = json_string_value(json_object_get(j, "household_id"));
    const char *prog =
        json_string_value(json_object_get(json_object_get(j, "current"), "programme"));
    snprintf(household, JZ_HOUSEHOLD_ID_MAX, "%s", h ? h : "");
    *current = prog && strcmp(prog, "none") != 0;
    json_decref(j);
    return JZ_OK;
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
        bool current = false, receives = false;
        if ((rc = find_household(x->store, row.id, p.household_id, &current, err)))
            break;
        if (p.household_id[0]) {
            if ((rc = receives_assistance(x->store, p.household_id, current, &receives, err)))
                break;
            if (receives)
                continue;
            int64_t batch;
            jz_date date;
            jz_err got = jz_store_get_determination(x->store, p.household_id, det, &batch, &date, &e);
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
