/*
 * json_household.c - a household as stored (jz_proc_household) and the
 * assessment of a record that is not stored (jz_assess_household) as JSON.
 *
 * The record and the determinations are the public formats of FORMATS.md,
 * as lib/model writes them (jz_determination_value), so the server says
 * exactly what `jiuzhu show --json` and `jiuzhu assess` say.  A stored
 * household's ID numbers are masked unless the caller shows it in full; an
 * assessed record's are the caller's own and come back whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_api_case.h"
#include "api_int.h"

json_t *jz_household_view_to_json(const jz_household_view *v, bool full_id)
{
    return jz_household_view_to_json_opts(v, full_id, true);
}

json_t *jz_household_view_to_json_opts(const jz_household_view *v, bool full_id, bool trace)
{
    int bad = 0;
    json_t *o = json_object();
    json_t *record = json_loads(v->record, 0, NULL);
    json_t *now = jz_determination_value(&v->h, &v->policy, &v->now, trace ? &v->trace : NULL);
    if (!full_id) {
        jz__api_mask_tree(record);
        jz__api_mask_tree(now);
    }
    jz__api_set(o, "household_id", json_string(v->h.household_id), &bad);
    jz__api_set(o, "record", record, &bad);
    jz__api_set(o, "record_version", json_integer(v->version), &bad);
    if (v->have_stored) {
        const jz_result *r = &v->stored;
        json_t *s = json_object();
        jz__api_set(s, "run", json_integer(v->run), &bad);
        jz__api_set(s, "date", jz__api_date_out(v->date), &bad);
        jz__api_set(s, "record_version", json_integer(v->assessed), &bad);
        jz__api_set(s, "stale", json_boolean(v->stale), &bad);
        jz__api_set(s, "changed", json_boolean(v->changed), &bad);
        jz__api_enum_out(s, "category", r->category, JZ_CAT_COUNT, jz_category_names,
                         jz_category_short_zh, &bad);
        jz__api_set(s, "monthly_amount_fen", json_integer(r->monthly_amount), &bad);
        jz__api_set(s, "counted_members", json_integer(r->counted_members), &bad);
        jz__api_set(s, "standard_fen", json_integer(r->standard), &bad);
        jz__api_set(s, "income_12m_fen", json_integer(r->income), &bad);
        jz__api_set(o, "stored", s, &bad);
    } else {
        jz__api_set(o, "stored", json_null(), &bad);
    }
    jz__api_set(o, "determination", now, &bad);
    return jz__api_done(o, bad);
}

jz_err jz_assess_req_from_json(const json_t *body, jz_assess_body *out, jz_error *err)
{
    static const char *const keys[] = {"household", "params", "date", "trace", NULL};
    memset(out, 0, sizeof *out);
    out->trace = true;
    jz_err rc;
    if ((rc = jz__api_object(body, keys, err)) ||
        (rc = jz__api_date(body, "date", false, &out->rq.date, err)) ||
        (rc = jz__api_bool(body, "trace", false, &out->trace, err)))
        return rc;
    const json_t *h = json_object_get(body, "household");
    if (!h || json_is_null(h))
        return jz_error_set(err, JZ_EINPUT, "household", NULL, "缺少必填字段（户记录）");
    if (!json_is_object(h))
        return jz_error_set(err, JZ_EINPUT, "household", NULL, "户记录应为 JSON 对象");
    out->rq.household = h;
    const json_t *ps = json_object_get(body, "params");
    if (!ps || json_is_null(ps))
        return JZ_OK;
    if (!json_is_object(ps))
        return jz_error_set(err, JZ_EINPUT, "params", NULL,
                            "应为对象，如 {\"dibao.standard.rural\": \"520\"}");
    if (json_object_size(ps) > JZ_API_PARAMS_MAX)
        return jz_error_set(err, JZ_EINPUT, "params", NULL, "最多 %d 个参数", JZ_API_PARAMS_MAX);
    const char *name;
    const json_t *v;
    size_t n = 0;
    json_object_foreach((json_t *)ps, name, v)
    {
        jz_param_value *p = &out->params[n];
        p->name = name;
        if (json_is_string(v)) {
            p->value = json_string_value(v);
        } else if (json_is_integer(v)) {
            snprintf(out->numbers[n], sizeof out->numbers[n], "%lld",
                     (long long)json_integer_value(v));
            p->value = out->numbers[n];
        } else if (json_is_boolean(v)) {
            p->value = json_is_true(v) ? "true" : "false";
        } else {
            char field[JZ_ERR_FIELD_MAX];
            snprintf(field, sizeof field, "params.%s", name);
            char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
            rc = jz_error_set(err, JZ_EINPUT, field, text,
                              "参数值应为字符串（如 \"1.5\"、\"520.00\"）、整数或 true/false");
            free(text);
            return rc;
        }
        n++;
    }
    out->rq.params = out->params;
    out->rq.n_params = n;
    return JZ_OK;
}

json_t *jz_assess_res_to_json(const jz_assess_res *r, bool trace)
{
    return jz_determination_value(&r->h, &r->policy, &r->result, trace ? &r->trace : NULL);
}
