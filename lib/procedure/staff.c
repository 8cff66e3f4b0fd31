/*
 * staff.c - registering staff and their close relatives (jz_staff.h,
 * R-WF-5): the request checked and its ID numbers normalised, then one
 * transaction.  cli/staff.c held the normalisation and the transaction.
 */
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_staff.h"
#include "jiuzhu/jz_store.h"

/* A required text of at most max bytes. */
static jz_err text(const char *field, const char *v, size_t max, const char *what, jz_error *err)
{
    if (!v || !v[0])
        return jz_error_set(err, JZ_EINPUT, field, NULL, "须填写%s", what);
    if (strlen(v) > max)
        return jz_error_set(err, JZ_EINPUT, field, v, "%s过长：最多 %zu 字节", what, max);
    return JZ_OK;
}

/* An ID number as everywhere else (GB 11643), the error naming field. */
static jz_err idnum(const char *field, const char *v, char out[JZ_IDNUM_BUF], jz_error *err)
{
    if (!v || !v[0])
        return jz_error_set(err, JZ_EINPUT, field, NULL, "须填写身份证号码");
    jz_err rc = jz_idnum_normalize(v, strlen(v), out, err);
    if (rc)
        snprintf(err->field, sizeof err->field, "%s", field);
    return rc;
}

/* One registration in a transaction of its own (jz_store_run). */
typedef struct staff_put {
    const char *county, *staff_id, *name, *unit, *relative_id, *relative_name, *relation;
} staff_put;

static jz_err put_txn(jz_store *s, void *arg, jz_error *err)
{
    const staff_put *p = arg;
    return jz_store_staff_put(s, p->county, p->staff_id, p->name, p->unit, p->relative_id,
                              p->relative_name, p->relation, err);
}

static jz_err put(jz_ctx *x, const char *county, const char *staff_id, const char *name,
                  const char *unit, const char *relative_id, const char *relative_name,
                  const char *relation, jz_error *err)
{
    if (x->actor[0])
        jz_store_set_actor(x->store, x->actor);
    staff_put p = {county, staff_id, name, unit, relative_id, relative_name, relation};
    return jz_store_run(x->store, put_txn, &p, err);
}

jz_err jz_staff_add(jz_ctx *x, const jz_staff_req *rq, jz_staff_res *res, jz_error *err)
{
    memset(res, 0, sizeof *res);
    const char *county = rq->county ? rq->county : "";
    jz_err rc;
    if (county[0] && (strlen(county) != 6 || strspn(county, "0123456789") != 6))
        return jz_error_set(err, JZ_EINPUT, "county", county, "县级区划代码应为 6 位数字");
    if (county[0] && x->regions && !jz_regions_name(x->regions, county, 6))
        return jz_error_set(err, JZ_EINPUT, "county", county, "区划表中没有这个县");
    if ((rc = idnum("id", rq->id, res->id, err)) ||
        (rc = text("name", rq->name, JZ_STAFF_NAME_MAX, "姓名", err)) ||
        (rc = text("unit", rq->unit, JZ_STAFF_UNIT_MAX, "工作单位", err)))
        return rc;
    snprintf(res->name, sizeof res->name, "%s", rq->name);
    snprintf(res->staff_id, sizeof res->staff_id, "%s", res->id);
    return put(x, county, res->id, rq->name, rq->unit, NULL, NULL, NULL, err);
}

jz_err jz_staff_relative_add(jz_ctx *x, const jz_staff_relative_req *rq, jz_staff_res *res,
                             jz_error *err)
{
    memset(res, 0, sizeof *res);
    res->relative = true;
    jz_err rc;
    if ((rc = idnum("id", rq->id, res->id, err)) ||
        (rc = idnum("staff_id", rq->staff_id, res->staff_id, err)) ||
        (rc = text("name", rq->name, JZ_STAFF_NAME_MAX, "姓名", err)) ||
        (rc = text("relation", rq->relation, JZ_STAFF_RELATION_MAX, "关系", err)))
        return rc;
    if (strcmp(res->id, res->staff_id) == 0)
        return jz_error_set(err, JZ_EINPUT, "id", res->id, "近亲属不能是工作人员本人");
    snprintf(res->name, sizeof res->name, "%s", rq->name);
    return put(x, NULL, res->staff_id, NULL, NULL, res->id, rq->name, rq->relation, err);
}
