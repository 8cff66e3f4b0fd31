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
    if ((rc = jz_store_begin(x->store, err)))
        goto out;
    char *old = NULL;
    jz_error e2;
    jz_error_clear(&e2);
    jz_err grc = jz_store_get_record(x->store, h.household_id, &old, &e2);
    if (grc == JZ_OK) {
        jz_household_buf *ob = malloc(sizeof *ob);
        jz_household oh;
        jz_parse_opts oo = {.regions = NULL};
        if (!ob) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        } else if ((rc = jz_household_parse(old, strlen(old), &oo, &oh, ob, err)) == JZ_OK) {
            res->replaced = true;
            if (!covers(scope, oh.region.code))
                rc = jz_error_set(err, JZ_ENOTFOUND, "household_id", h.household_id, "未找到");
        }
        free(ob);
        free(old);
    } else if (grc != JZ_ENOTFOUND) {
        *err = e2;
        rc = grc;
    }
    if (!rc)
        rc = jz_store_put_household(x->store, &h, text, source, err);
    int current = 0, assessed = 0;
    if (!rc)
        rc = jz_store_record_version(x->store, h.household_id, &current, &assessed, NULL, err);
    if (!rc)
        rc = jz_store_commit(x->store, err);
    if (rc) {
        jz_store_rollback(x->store);
        goto out;
    }
    snprintf(res->household_id, sizeof res->household_id, "%s", h.household_id);
    snprintf(res->region, sizeof res->region, "%s", h.region.code);
    res->version = current;
    res->members = (int)h.n_members;
out:
    free(buf);
    return rc;
}
