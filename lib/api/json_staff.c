/*
 * json_staff.c - the JSON face of the staff register (jz_api_monitor.h,
 * jz_staff.h, R-WF-5): registering a member of staff or a close relative,
 * and what was registered.
 */
#include <string.h>

#include "jiuzhu/jz_api_monitor.h"
#include "api_int.h"

/* The field readers refuse what is too long here already; the operation
 * checks again (and normalises the ID numbers). */
jz_err jz_staff_req_from_json(const json_t *body, jz_staff_req *out, jz_error *err)
{
    static const char *const keys[] = {"county", "id", "name", "unit", NULL};
    memset(out, 0, sizeof *out);
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_string(body, "county", false, 6, &out->county, err)) ||
        (rc = jz__api_string(body, "id", true, 32, &out->id, err)) ||
        (rc = jz__api_string(body, "name", true, JZ_STAFF_NAME_MAX, &out->name, err)) ||
        (rc = jz__api_string(body, "unit", true, JZ_STAFF_UNIT_MAX, &out->unit, err)))
        return rc;
    return JZ_OK;
}

jz_err jz_staff_relative_req_from_json(const json_t *body, jz_staff_relative_req *out,
                                       jz_error *err)
{
    static const char *const keys[] = {"staff_id", "id", "name", "relation", NULL};
    memset(out, 0, sizeof *out);
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_string(body, "staff_id", true, 32, &out->staff_id, err)) ||
        (rc = jz__api_string(body, "id", true, 32, &out->id, err)) ||
        (rc = jz__api_string(body, "name", true, JZ_STAFF_NAME_MAX, &out->name, err)) ||
        (rc = jz__api_string(body, "relation", true, JZ_STAFF_RELATION_MAX, &out->relation, err)))
        return rc;
    return JZ_OK;
}

json_t *jz_staff_res_to_json(const jz_staff_res *r, bool full_id)
{
    json_t *o = json_object();
    int bad = 0;
    jz__api_set(o, "kind", json_string(r->relative ? "relative" : "staff"), &bad);
    jz__api_set(o, "kind_zh", json_string(r->relative ? "近亲属" : "工作人员"), &bad);
    jz__api_set(o, "id", jz__api_id(r->id, full_id), &bad);
    jz__api_set(o, "name", json_string(r->name), &bad);
    jz__api_set(o, "staff_id", jz__api_id(r->staff_id, full_id), &bad);
    return jz__api_done(o, bad);
}
