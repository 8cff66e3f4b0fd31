/*
 * determination.c - writes a determination (FORMATS.md "The determination")
 * from an engine result, as JSON text (json_text.c; a jansson tree is read
 * back from it for those who add to it).  Amounts are strings with exactly two
 * decimals; the trace carries each rule's source and a Chinese sentence with
 * the numbers compared; `decisive` lists the rules that fixed the outcome and
 * `params` the parameter values the engine read.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jiuzhu/jz_record.h"
#include "model_int.h"

/* Parameters the engine reads (the workflow ones belong to the procedure). */
static bool engine_param(int id)
{
    return id < JZ_P_WORKFLOW_TOTAL_DAYS;
}

/* Each rule's legal source as a JSON string, escaped once: the trace
 * names a source for every rule it lists, and they are a quarter of a
 * determination's bytes. */
static char *source_json[JZ_RULE_COUNT];
static pthread_once_t sources_once = PTHREAD_ONCE_INIT;

static void sources_quote(void)
{
    for (int i = 0; i < JZ_RULE_COUNT; i++) {
        jz__jw w = {0};
        jz__jw_str(&w, jz_rule_table[i].source);
        source_json[i] = jz__jw_finish(&w); /* NULL: written the slow way */
    }
}

static void rule_source(jz__jw *w, int rule)
{
    pthread_once(&sources_once, sources_quote);
    if (source_json[rule])
        jz__jw_raw(w, source_json[rule], strlen(source_json[rule]));
    else
        jz__jw_str(w, jz_rule_table[rule].source);
}

/* The determination as JSON text (the one writer of it). */
static char *det_text(const jz_household *h, const jz_policy *p, const jz_result *r,
                      const jz_trace *trace)
{
    jz__jw w = {0};
    char county[7];
    jz_region_county(&h->region, county);
    jz__jw_obj(&w);
    jz__jw_key(&w, "household_id");
    jz__jw_str(&w, h->household_id);
    jz__jw_key(&w, "assess_date");
    jz__jw_date(&w, h->assess_date);
    jz__jw_key(&w, "region");
    jz__jw_str(&w, county);
    jz__jw_key(&w, "area");
    jz__jw_str(&w, jz_area_names[h->area]);
    jz__jw_key(&w, "standard");
    jz__jw_money(&w, r->standard);
    jz__jw_key(&w, "counted_members");
    jz__jw_int(&w, r->counted_members);
    jz__jw_key(&w, "income_12m");
    jz__jw_money(&w, r->income);
    jz__jw_key(&w, "deductible_12m");
    jz__jw_money(&w, r->deductible);
    jz__jw_key(&w, "financial_assets");
    jz__jw_money(&w, r->financial);
    jz__jw_key(&w, "category");
    jz__jw_str(&w, jz_category_names[r->category]);
    jz__jw_key(&w, "causes");
    jz__jw_arr(&w);
    for (int i = 0; i < JZ_CAUSE_COUNT; i++)
        if (r->causes & (1u << i))
            jz__jw_str(&w, jz_cause_names[i]);
    jz__jw_end_arr(&w);
    jz__jw_key(&w, "monthly_amount");
    jz__jw_money(&w, r->monthly_amount);

    jz__jw_key(&w, "persons");
    jz__jw_arr(&w);
    for (uint32_t i = 0; i < r->n_persons; i++) {
        const jz_person_result *pr = &r->persons[i];
        jz__jw_obj(&w);
        jz__jw_key(&w, "id");
        jz__jw_str(&w, h->members[i].id);
        jz__jw_key(&w, "counted");
        jz__jw_bool(&w, pr->counted);
        jz__jw_key(&w, "categories");
        jz__jw_arr(&w);
        for (int k = 0; k < JZ_PCAT_COUNT; k++)
            if (pr->categories & (1u << k))
                jz__jw_str(&w, jz_pcat_names[k]);
        jz__jw_end_arr(&w);
        jz__jw_key(&w, "monthly_amount");
        jz__jw_money(&w, pr->monthly_amount);
        if (pr->categories & JZ_PCAT_TEKUN) {
            static const char *const care[] = {"capable", "partial", "none"};
            jz__jw_key(&w, "care_level");
            jz__jw_str(&w, care[pr->care_level % 3]);
        }
        if (pr->single_rule) {
            jz__jw_key(&w, "rule");
            jz__jw_str(&w, jz_rule_ids[pr->single_rule - 1]);
        }
        jz__jw_end_obj(&w);
    }
    jz__jw_end_arr(&w);

    jz__jw_key(&w, "temporary");
    jz__jw_arr(&w);
    for (uint32_t i = 0; i < r->n_persons; i++) {
        const jz_person_result *pr = &r->persons[i];
        if (!pr->tmp_rule)
            continue;
        jz__jw_obj(&w);
        jz__jw_key(&w, "id");
        jz__jw_str(&w, h->members[i].id);
        jz__jw_key(&w, "rule");
        jz__jw_str(&w, jz_rule_ids[pr->tmp_rule - 1]);
        jz__jw_key(&w, "amount");
        jz__jw_money(&w, pr->tmp_amount);
        if (pr->tmp_rule == JZ_RULE_TMP_2 + 1) {
            jz__jw_key(&w, "up_to");
            jz__jw_bool(&w, true);
        }
        jz__jw_end_obj(&w);
    }
    jz__jw_end_arr(&w);

    jz__jw_key(&w, "referrals");
    jz__jw_arr(&w);
    for (uint32_t i = 0; i < r->n_persons; i++)
        for (int b = 0; b < JZ_REF_COUNT; b++) {
            if (!(r->persons[i].referrals & (1u << b)))
                continue;
            jz__jw_obj(&w);
            jz__jw_key(&w, "id");
            jz__jw_str(&w, h->members[i].id);
            jz__jw_key(&w, "kind");
            jz__jw_str(&w, jz_ref_kinds[b]);
            jz__jw_key(&w, "rule");
            jz__jw_str(&w, "R-REF-1");
            jz__jw_key(&w, "detail");
            jz__jw_str(&w, jz_ref_details[b]);
            jz__jw_end_obj(&w);
        }
    jz__jw_end_arr(&w);

    jz__jw_key(&w, "exit");
    if (r->exit) {
        jz__jw_obj(&w);
        jz__jw_key(&w, "rule");
        jz__jw_str(&w, "R-EXIT-1");
        jz__jw_key(&w, "until");
        jz__jw_date(&w, r->exit_until);
        jz__jw_end_obj(&w);
    } else {
        jz__jw_null(&w);
    }

    jz__jw_key(&w, "checks");
    jz__jw_arr(&w);
    for (uint32_t i = 0; i < r->n_persons; i++) {
        const jz_person_result *pr = &r->persons[i];
        if (pr->death_check_due == JZ_DATE_NONE)
            continue;
        jz__jw_obj(&w);
        jz__jw_key(&w, "id");
        jz__jw_str(&w, h->members[i].id);
        jz__jw_key(&w, "rule");
        jz__jw_str(&w, "R-DEATH-1");
        jz__jw_key(&w, "due");
        jz__jw_date(&w, pr->death_check_due);
        jz__jw_key(&w, "change_from");
        jz__jw_date(&w, pr->death_change_from);
        jz__jw_end_obj(&w);
    }
    jz__jw_end_arr(&w);

    jz__jw_key(&w, "decisive");
    jz__jw_arr(&w);
    for (int i = 0; i < 64 && i < JZ_RULE_COUNT; i++)
        if (r->decisive & (UINT64_C(1) << i))
            jz__jw_str(&w, jz_rule_ids[i]);
    jz__jw_end_arr(&w);

    jz__jw_key(&w, "params");
    jz__jw_obj(&w);
    for (int i = 0; i < JZ_P_COUNT; i++) {
        if (!engine_param(i))
            continue;
        char b[256];
        jz_policy_format_value(p, (jz_param_id)i, b, sizeof b);
        jz__jw_key(&w, jz_param_defs[i].name);
        jz__jw_str(&w, b);
    }
    jz__jw_end_obj(&w);

    if (trace) {
        jz__jw_key(&w, "trace");
        jz__jw_arr(&w);
        for (uint32_t i = 0; i < trace->n; i++) {
            const jz_trace_entry *e = &trace->e[i];
            char detail[4096]; /* R-TK-4 names every co-resident obligor */
            jz__jw_obj(&w);
            jz__jw_key(&w, "rule");
            jz__jw_str(&w, jz_rule_ids[e->rule]);
            if (e->member >= 0 && (uint32_t)e->member < h->n_members) {
                jz__jw_key(&w, "member");
                jz__jw_str(&w, h->members[e->member].id);
            }
            jz__jw_key(&w, "source");
            rule_source(&w, e->rule);
            jz__jw_key(&w, "holds");
            jz__jw_bool(&w, e->holds == JZ_HOLDS_YES);
            jz_trace_detail(e, h, detail, sizeof detail);
            jz__jw_key(&w, "detail");
            jz__jw_str(&w, detail);
            jz__jw_end_obj(&w);
        }
        jz__jw_end_arr(&w);
    }
    jz__jw_end_obj(&w);
    return jz__jw_finish(&w);
}

json_t *jz_determination_value(const jz_household *h, const jz_policy *p, const jz_result *r,
                               const jz_trace *trace)
{
    char *t = det_text(h, p, r, trace);
    json_t *d = t ? json_loads(t, JSON_DECODE_ANY, NULL) : NULL;
    free(t);
    return d;
}

char *jz_determination_json(const jz_household *h, const jz_policy *p, const jz_result *r,
                            const jz_trace *trace, int flags)
{
    if (!(flags & JZ_DET_PRETTY))
        return det_text(h, p, r, trace);
    json_t *d = jz_determination_value(h, p, r, trace);
    char *s = d ? json_dumps(d, JSON_INDENT(2)) : NULL;
    json_decref(d);
    return s;
}
