/*
 * routes_params.c - the policy parameters in force in a county
 * (jz_api_params.h, docs/api-registry.md): what the policy simulation page
 * lists, with each value and its source, before an analyst changes one.
 */
#include <string.h>

#include "jiuzhu/jz_api_params.h"
#include "jiuzhu/jz_date.h"
#include "srv.h"

ROUTE(h_params)
{
    char scope[JZ_SCOPE_MAX];
    if (!srv_list_scope(rq, rs, scope))
        return;
    /* The county of the region (a township or village: its county). */
    if (strlen(scope) < 6) {
        srv_fail(rs, JZ_EINPUT, "region", scope, "参数按县确定：请指定一个县（6 位代码）或其下的地区");
        return;
    }
    char county[7];
    memcpy(county, scope, 6);
    county[6] = '\0';
    jz_error e;
    jz_error_clear(&e);
    jz_date on = rq->x.today;
    const char *d = srv_query(rq, "date");
    if (d && jz_date_parse(d, strlen(d), &on, &e) != JZ_OK) {
        srv_fail(rs, JZ_EINPUT, "date", d, "不是有效日期（应为 YYYY-MM-DD）");
        return;
    }
    json_t *j = jz_params_in_force_json(&rq->x, county, on, &e);
    if (!j)
        srv_error(rs, &e);
    else
        srv_json(rs, 200, j);
}
