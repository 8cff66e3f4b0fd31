/*
 * intake.c - one household record entered by a person (jz_intake.h).
 */
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_intake.h"
#include "jiuzhu/jz_record.h"

static bool covers(const char *scope, const char *region)
{
    size_t n = strlen(scope);
    return strlen(region) >= n && strncmp(scope, region, n) == 0;
}

typedef struct intake {
    const char *scope, *text, *source;
    const jz_household *h;
    jz_intake_res *res;
} intake;

/* The region of a stored household (its record's). */
static jz_err region_of(jz_store *s, const char *household_id, char region[JZ_REGION_BUF],
                        jz_error *err)
{
    char *rec = NULL;
    jz_err rc = jz_store_get_record(s, household_id, &rec, err);
    if (rc)
        return rc;
    jz_household_buf *b = malloc(sizeof *b);
    jz_household oh;
    jz_parse_opts oo = {.regions = NULL};
    if (!b)
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    else if (!(rc = jz_household_parse(rec, strlen(rec), &oo, &oh, b, err)))
        snprintf(region, JZ_REGION_BUF, "%s", oh.region.code);
    free(b);
    free(rec);
    return rc;
}

/* R-HH-3 for a user with a scope: a member who belongs to a household
 * outside it is refused without naming that household (the store's own
 * message names it, which is right only where the user may see it). */
static jz_err members_elsewhere(jz_store *s, const char *scope, const jz_household *h,
                                jz_error *err)
{
    for (uint32_t i = 0; scope[0] && i < h->n_members; i++) {
        int current = 0, assessed = 0;
        char other[JZ_HOUSEHOLD_ID_MAX] = "", region[JZ_REGION_BUF] = "";
        jz_error e;
        jz_error_clear(&e);
        jz_err rc = jz_store_record_version(s, h->members[i].id, &current, &assessed, other, &e);
        if (rc == JZ_ENOTFOUND || (!rc && strcmp(other, h->household_id) == 0))
            continue;
        if (!rc)
            rc = region_of(s, other, region, &e);
        if (rc) {
            *err = e;
            return rc;
        }
        if (!covers(scope, region)) {
            char field[48];
            snprintf(field, sizeof field, "members[%u].id", (unsigned)i);
            return jz_error_set(err, JZ_EINPUT, field, h->members[i].id,
                                "此人已登记在您管辖范围以外的另一户，不能同时属于户 %s"
                                "（R-HH-3，防止重复纳入），请与上级民政部门核实",
                                h->household_id);
        }
    }
    return JZ_OK;
}

/* Inside the write transaction (jz_store_run: it may run again): the
 * household it replaces must lie within the scope too. */
static jz_err intake_txn(jz_store *s, void *arg, jz_error *err)
{
    intake *in = arg;
    const jz_household *h = in->h;
    in->res->replaced = false;
    char *old = NULL;
    jz_error e2;
    jz_error_clear(&e2);
    jz_err rc = jz_store_get_record(s, h->household_id, &old, &e2);
    if (rc == JZ_OK) {
        jz_household_buf *ob = malloc(sizeof *ob);
        jz_household oh;
        jz_parse_opts oo = {.regions = NULL};
        if (!ob) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        } else if ((rc = jz_household_parse(old, strlen(old), &oo, &oh, ob, err)) == JZ_OK) {
            in->res->replaced = true;
            if (!covers(in->scope, oh.region.code))
                rc = jz_error_set(err, JZ_ENOTFOUND, "household_id", h->household_id, "未找到");
        }
        free(ob);
        free(old);
    } else if (rc == JZ_ENOTFOUND) {
        rc = JZ_OK;
    } else {
        *err = e2;
    }
    if (!rc)
        rc = members_elsewhere(s, in->scope, h, err);
    if (!rc)
        rc = jz_store_put_household(s, h, in->text, in->source, err);
    int assessed = 0;
    if (!rc)
        rc = jz_store_record_version(s, h->household_id, &in->res->version, &assessed, NULL, err);
    return rc;
}

jz_err jz_household_intake(jz_ctx *x, const char *scope, const char *expect_id, const char *text,
                           size_t len, const char *source, jz_intake_res *res, jz_error *err)
{
    memset(res, 0, sizeof *res);
    if (!scope)
        scope = "";
    jz_household_buf *buf = malloc(sizeof *buf);
    if (!buf)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_household h;
    jz_parse_opts po = {.regions = x->regions, .default_date = x->today, .force_date = JZ_DATE_NONE};
    jz_err rc = jz_household_parse(text, len, &po, &h, buf, err);
    if (rc)
        goto out;
    if (!h.household_id[0]) {
        rc = jz_error_set(err, JZ_EINPUT, "household_id", NULL, "户编号不能为空");
        goto out;
    }
    if (expect_id && strcmp(expect_id, h.household_id) != 0) {
        rc = jz_error_set(err, JZ_EINPUT, "household_id", h.household_id,
                          "记录中的户编号与提交地址中的户编号「%s」不一致", expect_id);
        goto out;
    }
    if (!covers(scope, h.region.code)) {
        rc = jz_error_set(err, JZ_EINPUT, "region", h.region.code,
                          "该地区不在您的管辖范围（%s）内，不能在此登记", scope[0] ? scope : "全省");
        goto out;
    }
    /* The record is kept as it was sent, terminated for the store. */
    char *copy = malloc(len + 1);
    if (!copy) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto out;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (x->actor[0])
        jz_store_set_actor(x->store, x->actor);
    intake in = {scope, copy, source, &h, res};
    rc = jz_store_run(x->store, intake_txn, &in, err);
    free(copy);
    if (rc)
        goto out;
    snprintf(res->household_id, sizeof res->household_id, "%s", h.household_id);
    snprintf(res->region, sizeof res->region, "%s", h.region.code);
    res->members = (int)h.n_members;
out:
    free(buf);
    return rc;
}
