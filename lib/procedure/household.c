/*
 * household.c - a household as stored (jz_proc_household, `jiuzhu show`):
 * its record as it was given, the latest determination a bulk run stored
 * for it, and the determination recomputed from the record with its full
 * trace (bulk runs keep only the decisive rules).
 *
 * The stored determination may describe an earlier version of the record
 * (a re-import or a recorded death replaced it since): the view says so
 * (stale), and then only its household figures describe the record as it
 * was.  A recomputation that differs from what is stored (the parameters or
 * the standard changed since) is flagged too (changed).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jiuzhu/jz_procedure.h"

jz_err jz_proc_household(const jz_ctx *x, const char *household_or_person, jz_household_view *out,
                         jz_error *err)
{
    memset(out, 0, sizeof *out);
    const char *key = household_or_person ? household_or_person : "";
    jz_err rc = jz_store_get_record(x->store, key, &out->record, err);
    if (rc)
        return rc;
    jz_error e;
    jz_error_clear(&e);
    out->have_stored =
        jz_store_get_determination(x->store, key, &out->stored, &out->run, &out->date, &e) == JZ_OK;
    if (!out->have_stored) {
        /* The key may be a person: find the household's ID in the record. */
        json_t *j = json_loads(out->record, 0, NULL);
        const char *hid = j ? json_string_value(json_object_get(j, "household_id")) : NULL;
        if (hid)
            out->have_stored = jz_store_get_determination(x->store, hid, &out->stored, &out->run,
                                                          &out->date, &e) == JZ_OK;
        json_decref(j);
    }
    /* The record is read as of the stored determination's date, so that
     * the recomputation compares with it; else as of today. */
    jz_parse_opts po = {.regions = x->regions,
                        .default_date = x->today ? x->today : jz_date_today(),
                        .force_date = out->have_stored ? out->date : JZ_DATE_NONE};
    char county[7];
    if ((rc = jz_household_parse(out->record, strlen(out->record), &po, &out->h, &out->buf, err)))
        goto fail;
    jz_region_county(&out->h.region, county);
    if ((rc = jz_ctx_policy(x, county, out->h.assess_date, &out->policy, err)))
        goto fail;
    jz_assess(&out->h, &out->policy, &out->now, &out->trace);
    if ((rc = jz_store_record_version(x->store, key, &out->version, &out->assessed, NULL, err)))
        goto fail;
    if (out->have_stored) {
        out->stale = out->assessed != out->version;
        if (!out->stale) {
            /* The stored result carries no trace; its persons are the
             * record's members, as the recomputation's are. */
            out->stored.n_persons = out->h.n_members;
            out->changed = out->stored.category != out->now.category ||
                           out->stored.monthly_amount != out->now.monthly_amount ||
                           out->stored.decisive != out->now.decisive;
        }
    }
    return JZ_OK;
fail:
    jz_household_view_cleanup(out);
    return rc;
}

void jz_household_view_cleanup(jz_household_view *v)
{
    free(v->record);
    memset(v, 0, sizeof *v);
}
