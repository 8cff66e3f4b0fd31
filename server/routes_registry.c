/*
 * routes_registry.c - the web platform's lists and the policy simulation
 * (jz_registry.h, docs/api-registry.md): a page of a region's households,
 * the simulation over the live registry, and a page of the audit log.
 */
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_api_registry.h"
#include "jiuzhu/jz_rules.h"
#include "srv.h"

/* ?category=: a category's English name, "unassessed", or absent (any). */
static bool category_arg(srv_req *rq, srv_res *rs, int *out)
{
    const char *c = srv_query(rq, "category");
    *out = -2;
    if (!c)
        return true;
    if (strcmp(c, "unassessed") == 0) {
        *out = -1;
        return true;
    }
    for (int i = 0; i < JZ_CAT_COUNT; i++)
        if (strcmp(c, jz_category_names[i]) == 0) {
            *out = i;
            return true;
        }
    srv_fail(rs, JZ_EINPUT, "category", c,
             "应为 none、dibao、dibao_expenditure、marginal、rigid_expenditure 或 unassessed");
    return false;
}

ROUTE(h_households_list)
{
    char scope[JZ_SCOPE_MAX];
    if (!srv_list_scope(rq, rs, scope))
        return;
    long long offset = srv_int_arg(rq, rs, "offset", 0, INT64_MAX, 0);
    long long limit = offset < 0 ? -1 : srv_int_arg(rq, rs, "limit", 1, JZ_LIST_LIMIT_MAX, 50);
    int cat;
    if (offset < 0 || limit < 0 || !category_arg(rq, rs, &cat))
        return;
    jz_household_query q = {scope, srv_query(rq, "q"), cat, offset, (int)limit};
    jz_household_page p;
    jz_error e;
    jz_error_clear(&e);
    if (jz_household_list(&rq->x, &q, &p, &e) != JZ_OK)
        srv_error(rs, &e);
    else
        srv_json(rs, 200, jz_household_page_to_json(&p, rq->x.regions, offset, (int)limit));
    jz_household_page_cleanup(&p);
}

ROUTE(h_simulate)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_simulate_req sr;
    jz_param_value *params = NULL;
    jz_simulate_res res;
    memset(&res, 0, sizeof res);
    jz_error e;
    jz_error_clear(&e);
    char region[JZ_SCOPE_MAX];
    if (jz_simulate_req_from_json(b, &sr, &params, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else {
        /* The user's scope, or a part of it he names (else 404). */
        const char *want = sr.region && sr.region[0] ? sr.region : rq->sess.user.scope;
        if (srv_in_scope(rq, rs, want, want)) {
            snprintf(region, sizeof region, "%s", want);
            sr.region = region;
            if (jz_simulate(&rq->x, &sr, &res, &e) != JZ_OK)
                srv_error(rs, &e);
            else
                srv_json(rs, 200, jz_simulate_res_to_json(&res, &sr, rq->x.regions));
        }
    }
    jz_simulate_res_cleanup(&res);
    free(params);
    json_decref(b);
}

ROUTE(h_audit_list)
{
    char scope[JZ_SCOPE_MAX];
    if (!srv_list_scope(rq, rs, scope))
        return;
    long long offset = srv_int_arg(rq, rs, "offset", 0, INT64_MAX, 0);
    long long limit = offset < 0 ? -1 : srv_int_arg(rq, rs, "limit", 1, JZ_LIST_LIMIT_MAX, 100);
    if (offset < 0 || limit < 0)
        return;
    jz_audit_page p;
    jz_error e;
    jz_error_clear(&e);
    if (jz_audit_list(&rq->x, scope, srv_query(rq, "action"), offset, (int)limit, &p, &e) != JZ_OK)
        srv_error(rs, &e);
    else
        srv_json(rs, 200, jz_audit_page_to_json(&p, offset, (int)limit));
    jz_audit_page_cleanup(&p);
}

/* The engine's rule table (what `jiuzhu rules` prints): the same for
 * everyone, so the page shows a rule's title without a copy of its own. */
ROUTE(h_rules)
{
    (void)rq;
    int bad = 0;
    json_t *a = json_array();
    for (int i = 0; i < JZ_RULE_COUNT; i++) {
        const jz_rule_info *r = &jz_rule_table[i];
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", jz_rule_ids[i], "stage",
                              jz_rule_stage_name(r->stage), "title", r->title, "source", r->source,
                              "seeds", r->seeds, "params", r->params);
        if (!o || json_array_append_new(a, o))
            bad = 1;
    }
    json_t *o = json_pack("{s:o}", "rules", a);
    if (bad || !o) {
        json_decref(o);
        srv_fail(rs, JZ_ENOMEM, NULL, NULL, "内存不足");
        return;
    }
    srv_json(rs, 200, o);
}

/* The divisions one level below ?parent= (default: the user's scope; the
 * province's cities for a user of the whole province): code and name, for
 * pickers.  The division codes are public (统计用区划代码), so any parent
 * may be asked for.  Villages are not in the table: their codes are the
 * township's and three digits. */
ROUTE(h_regions)
{
    char scope[JZ_SCOPE_MAX];
    const char *p = srv_query(rq, "parent");
    if (p) {
        size_t n = strlen(p);
        if (!(n == 2 || n == 4 || n == 6) || strspn(p, "0123456789") != n) {
            srv_fail(rs, JZ_EINPUT, "parent", p, "上级区划代码应为 2、4 或 6 位数字");
            return;
        }
    }
    snprintf(scope, sizeof scope, "%s", p ? p : rq->sess.user.scope);
    size_t n = strlen(scope);
    jz_region_level level = n <= 2 ? JZ_LEVEL_CITY : n <= 4 ? JZ_LEVEL_COUNTY : JZ_LEVEL_TOWNSHIP;
    json_t *a = json_array();
    const jz_regions *t = rq->sv->regions;
    for (size_t i = 0; t && n < 9 && i < jz_regions_count(t, level); i++) {
        const char *c = jz_regions_code_at(t, level, i);
        if (strncmp(c, scope, n) != 0)
            continue;
        const char *name = jz_regions_name(t, c, strlen(c));
        json_array_append_new(a, json_pack("{s:s, s:s}", "code", c, "name", name ? name : c));
    }
    srv_json(rs, 200, json_pack("{s:s, s:o}", "parent", scope, "regions", a));
}
