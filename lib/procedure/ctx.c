/*
 * ctx.c - the context of an operation (jz_ctx.h): the policy folder loaded
 * once, who acts and today's date.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_ctx.h"
#include "jiuzhu/jz_pay.h"

jz_err jz_ctx_init(jz_ctx *x, jz_store *s, const char *policy_dir, const char *calendar_file,
                   const char *actor, jz_error *err)
{
    memset(x, 0, sizeof *x);
    char path[4096];
    jz_err rc;
    snprintf(path, sizeof path, "%s/regions/shanxi-regions.csv", policy_dir);
    if ((rc = jz_regions_load(path, &x->regions, err)))
        goto fail;
    if (!(x->params = jz_paramset_new())) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto fail;
    }
    snprintf(path, sizeof path, "%s/params", policy_dir);
    if ((rc = jz_paramset_load_dir(x->params, path, err)))
        goto fail;
    if (!calendar_file) {
        snprintf(path, sizeof path, "%s/calendar/cn-holidays.csv", policy_dir);
        calendar_file = path;
    }
    if ((rc = jz_calendar_load(calendar_file, &x->calendar, err)))
        goto fail;
    if ((rc = jz_once_programmes_load(policy_dir, &x->programmes, err)))
        goto fail;
    if (!(x->banks = calloc(1, sizeof *x->banks))) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto fail;
    }
    if ((rc = jz_banks_load(policy_dir, x->banks, err)))
        goto fail;
    x->store = s;
    snprintf(x->actor, sizeof x->actor, "%s", actor && actor[0] ? actor : "unknown");
    if (s && actor && actor[0])
        jz_store_set_actor(s, x->actor); /* else the store's own stays */
    x->today = jz_date_today();
    return JZ_OK;
fail:
    jz_ctx_cleanup(x);
    return rc;
}

void jz_ctx_cleanup(jz_ctx *x)
{
    jz_once_programmes_free(x->programmes);
    jz_calendar_free(x->calendar);
    jz_paramset_free(x->params);
    jz_regions_free(x->regions);
    jz_banks_free(x->banks);
    free(x->banks);
    memset(x, 0, sizeof *x);
}

jz_err jz_ctx_policy(const jz_ctx *x, const char *county, jz_date on, jz_policy *out,
                     jz_error *err)
{
    return jz_policy_resolve(x->params, county, on, out, err);
}
