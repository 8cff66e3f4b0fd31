/*
 * json_feed.c - the JSON face of a department's feed import
 * (jz_api_monitor.h): the request beside the uploaded CSV text, the counts,
 * and the refused rows, kept in memory up to a cap as the import hands them
 * over (jz_rejects, also for R-MON-4's comparison and household imports).
 */
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_api_monitor.h"
#include "api_int.h"

void jz_rejects_init(jz_rejects *r, size_t max)
{
    memset(r, 0, sizeof *r);
    r->max = max ? max : JZ_REJECTS_MAX;
}

void jz_rejects_cleanup(jz_rejects *r)
{
    if (!r)
        return;
    free(r->items);
    memset(r, 0, sizeof *r);
}

int jz_rejects_add(const jz_error *e, void *arg)
{
    jz_rejects *r = arg;
    if (r->n >= r->max) {
        r->dropped++;
        return 0;
    }
    jz_error *g = jz__api_room(r->items, sizeof *g, r->n, &r->cap, r->max);
    if (!g)
        return JZ_ENOMEM;
    r->items = g;
    r->items[r->n++] = *e;
    return 0;
}

void jz_rejects_add_import(const jz_error *e, void *arg)
{
    if (jz_rejects_add(e, arg))
        ((jz_rejects *)arg)->dropped++;
}

json_t *jz_rejects_to_json(const jz_rejects *r)
{
    json_t *a = json_array();
    int bad = 0;
    for (size_t i = 0; r && i < r->n && !bad; i++)
        jz__api_append(a, jz__api_error(&r->items[i]), &bad);
    return jz__api_done(a, bad);
}

jz_err jz_feed_import_req_from_json(const json_t *body, jz_feed_import_req *out, jz_error *err)
{
    static const char *const keys[] = {"dept", "name", NULL};
    memset(out, 0, sizeof *out);
    int dept = -1;
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_enum(body, "dept", true, jz_dept_names, 0, JZ_DEPT_COUNT, &dept, err)) ||
        (rc = jz__api_string(body, "name", false, 200, &out->name, err)))
        return rc;
    out->dept = (jz_dept)dept;
    if (!out->name)
        out->name = "";
    return JZ_OK;
}

json_t *jz_feed_import_to_json(jz_dept dept, const jz_feed_counts *n, const jz_rejects *rejected)
{
    json_t *o = json_object();
    int bad = 0;
    jz__api_dept(o, "dept", dept, &bad);
    jz__api_set(o, "rows", json_integer(n->rows), &bad);
    jz__api_set(o, "added", json_integer(n->added), &bad);
    jz__api_set(o, "matched", json_integer(n->matched), &bad);
    jz__api_set(o, "rejected", json_integer(n->rejected), &bad);
    jz__api_set(o, "errors", jz_rejects_to_json(rejected), &bad);
    jz__api_set(o, "errors_dropped", json_integer(rejected ? rejected->dropped : 0), &bad);
    return jz__api_done(o, bad);
}
