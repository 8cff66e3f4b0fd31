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
#include "base/base_int.h"

json_t *jz_household_view_to_json(const jz_household_view *v, bool full_id)
{
    return jz_household_view_to_json_opts(v, full_id, true);
}

char *jz_household_view_text(const jz_household_view *v, bool trace)
{
    /* The record as jansson writes it (compact), whatever its spacing when
     * it was given; the determination as lib/model writes it. */
    json_t *rec = json_loads(v->record, 0, NULL);
    char *record = rec ? json_dumps(rec, JSON_COMPACT) : NULL;
    json_decref(rec);
    char *now = jz_determination_json(&v->h, &v->policy, &v->now, trace ? &v->trace : NULL, 0);
    jz__jw w = {0};
    if (!record || !now)
        w.failed = true;
    jz__jw_obj(&w);
    jz__jw_key(&w, "household_id");
    jz__jw_str(&w, v->h.household_id);
    jz__jw_key(&w, "record");
    jz__jw_raw(&w, record ? record : "", record ? strlen(record) : 0);
    jz__jw_key(&w, "record_version");
    jz__jw_int(&w, v->version);
    jz__jw_key(&w, "stored");
    if (v->have_stored) {
        const jz_result *r = &v->stored;
        bool in = (unsigned)r->category < JZ_CAT_COUNT;
        jz__jw_obj(&w);
        jz__jw_key(&w, "run");
        jz__jw_int(&w, v->run);
        jz__jw_key(&w, "date");
        if (v->date == JZ_DATE_NONE)
            jz__jw_null(&w);
        else
            jz__jw_date(&w, v->date);
        jz__jw_key(&w, "record_version");
        jz__jw_int(&w, v->assessed);
        jz__jw_key(&w, "stale");
        jz__jw_bool(&w, v->stale);
        jz__jw_key(&w, "changed");
        jz__jw_bool(&w, v->changed);
        jz__jw_key(&w, "category");
        if (in)
            jz__jw_str(&w, jz_category_names[r->category]);
        else
            jz__jw_null(&w);
        jz__jw_key(&w, "category_zh");
        if (in)
            jz__jw_str(&w, jz_category_short_zh[r->category]);
        else
            jz__jw_null(&w);
        jz__jw_key(&w, "monthly_amount_fen");
        jz__jw_int(&w, r->monthly_amount);
        jz__jw_key(&w, "counted_members");
        jz__jw_int(&w, r->counted_members);
        jz__jw_key(&w, "standard_fen");
        jz__jw_int(&w, r->standard);
        jz__jw_key(&w, "income_12m_fen");
        jz__jw_int(&w, r->income);
        jz__jw_end_obj(&w);
    } else {
        jz__jw_null(&w);
    }
    jz__jw_key(&w, "determination");
    jz__jw_raw(&w, now ? now : "", now ? strlen(now) : 0);
    jz__jw_end_obj(&w);
    free(record);
    free(now);
    return jz__jw_finish(&w);
}

json_t *jz_household_view_to_json_opts(const jz_household_view *v, bool full_id, bool trace)
{
    char *text = jz_household_view_text(v, trace);
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (o && !full_id) {
        jz__api_mask_tree(json_object_get(o, "record"));
        jz__api_mask_tree(json_object_get(o, "determination"));
    }
    return o;
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
