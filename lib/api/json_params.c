/*
 * json_params.c - the policy parameters in force in a county as JSON
 * (jz_api_params.h): the definitions of jz_param_defs with the values
 * jz_ctx_policy resolves and their provenance.
 */
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_api_params.h"
#include "jiuzhu/jz_date.h"
#include "jiuzhu/jz_region.h"

const char *const jz_param_type_names[] = {"money",    "int",   "ratio", "bool",
                                           "rounding", "basis", "kinds"};

json_t *jz_params_in_force_json(const jz_ctx *x, const char *county, jz_date on, jz_error *err)
{
    if (!county || strlen(county) != 6 || strspn(county, "0123456789") != 6) {
        jz_error_set(err, JZ_EINPUT, "county", county ? county : "",
                     "应为县级区划代码（6 位数字）");
        return NULL;
    }
    jz_policy p;
    if (jz_ctx_policy(x, county, on, &p, err) != JZ_OK)
        return NULL;
    const char *name = x->regions ? jz_regions_name(x->regions, county, 6) : NULL;
    char date[16];
    jz_date_format(on, date, sizeof date);
    json_t *list = json_array();
    json_t *o = json_pack("{s:s,s:s,s:s,s:o}", "county", county, "county_name", name ? name : "",
                          "date", date, "params", list);
    if (!o) {
        json_decref(list);
        jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        return NULL;
    }
    for (int i = 0; i < JZ_P_COUNT; i++) {
        const jz_param_def *d = &jz_param_defs[i];
        char value[512], source[512];
        jz_policy_format_value(&p, (jz_param_id)i, value, sizeof value);
        jz_policy_provenance(x->params, county, on, (jz_param_id)i, source, sizeof source);
        /* The file by its name only: the server's folders are nobody's business. */
        char *sp = strchr(source, ' ');
        char *slash = NULL;
        for (char *c = source; *c && (!sp || c < sp); c++)
            if (*c == '/')
                slash = c;
        if (slash)
            memmove(source, slash + 1, strlen(slash + 1) + 1);
        json_t *e = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "name", d->name, "type",
                              jz_param_type_names[d->type], "unit", d->unit ? d->unit : "",
                              "doc", d->doc ? d->doc : "", "value", value, "source", source);
        if (!e || json_array_append_new(list, e) != 0) {
            json_decref(o);
            jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            return NULL;
        }
    }
    return o;
}
