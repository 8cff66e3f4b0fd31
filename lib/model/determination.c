/*
 * determination.c - writes a determination (FORMATS.md "The determination")
 * from an engine result, with jansson.  Amounts are strings with exactly two
 * decimals; the trace carries each rule's source and a Chinese sentence with
 * the numbers compared; `decisive` lists the rules that fixed the outcome and
 * `params` the parameter values the engine read.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "jiuzhu/jz_record.h"
#include "model_int.h"

/* Parameters the engine reads (the workflow ones belong to the procedure). */
static bool engine_param(int id)
{
    return id < JZ_P_WORKFLOW_TOTAL_DAYS;
}

json_t *jz_determination_value(const jz_household *h, const jz_policy *p, const jz_result *r,
                               const jz_trace *trace)
{
    int bad = 0;
    json_t *d = json_object();
    if (!d)
        return NULL;
    char county[7];
    jz_region_county(&h->region, county);
    jz__json_set(d, "household_id", json_string(h->household_id), &bad);
    jz__json_set(d, "assess_date", jz__json_date(h->assess_date), &bad);
    jz__json_set(d, "region", json_string(county), &bad);
    jz__json_set(d, "area", json_string(jz_area_names[h->area]), &bad);
    jz__json_set(d, "standard", jz__json_money(r->standard), &bad);
    jz__json_set(d, "counted_members", json_integer(r->counted_members), &bad);
    jz__json_set(d, "income_12m", jz__json_money(r->income), &bad);
    jz__json_set(d, "deductible_12m", jz__json_money(r->deductible), &bad);
    jz__json_set(d, "financial_assets", jz__json_money(r->financial), &bad);
    jz__json_set(d, "category", json_string(jz_category_names[r->category]), &bad);
    json_t *causes = json_array();
    for (int i = 0; i < JZ_CAUSE_COUNT && causes; i++)
        if (r->causes & (1u << i))
            jz__json_append(causes, json_string(jz_cause_names[i]), &bad);
    jz__json_set(d, "causes", causes, &bad);
    jz__json_set(d, "monthly_amount", jz__json_money(r->monthly_amount), &bad);

    json_t *persons = json_array(), *temporary = json_array(), *referrals = json_array(),
           *checks = json_array();
    for (uint32_t i = 0; i < r->n_persons && persons && temporary && referrals && checks; i++) {
        const jz_person_result *pr = &r->persons[i];
        const char *id = h->members[i].id;
        json_t *po = json_object(), *cats = json_array();
        jz__json_set(po, "id", json_string(id), &bad);
        jz__json_set(po, "counted", json_boolean(pr->counted), &bad);
        for (int k = 0; k < JZ_PCAT_COUNT && cats; k++)
            if (pr->categories & (1u << k))
                jz__json_append(cats, json_string(jz_pcat_names[k]), &bad);
        jz__json_set(po, "categories", cats, &bad);
        jz__json_set(po, "monthly_amount", jz__json_money(pr->monthly_amount), &bad);
        if (pr->categories & JZ_PCAT_TEKUN) {
            static const char *const care[] = {"capable", "partial", "none"};
            jz__json_set(po, "care_level", json_string(care[pr->care_level % 3]), &bad);
        }
        if (pr->single_rule)
            jz__json_set(po, "rule", json_string(jz_rule_ids[pr->single_rule - 1]), &bad);
        jz__json_append(persons, po, &bad);

        if (pr->tmp_rule) {
            json_t *t = json_object();
            jz__json_set(t, "id", json_string(id), &bad);
            jz__json_set(t, "rule", json_string(jz_rule_ids[pr->tmp_rule - 1]), &bad);
            jz__json_set(t, "amount", jz__json_money(pr->tmp_amount), &bad);
            if (pr->tmp_rule == JZ_RULE_TMP_2 + 1)
                jz__json_set(t, "up_to", json_true(), &bad);
            jz__json_append(temporary, t, &bad);
        }
        for (int b = 0; b < JZ_REF_COUNT; b++) {
            if (!(pr->referrals & (1u << b)))
                continue;
            json_t *ro = json_object();
            jz__json_set(ro, "id", json_string(id), &bad);
            jz__json_set(ro, "kind", json_string(jz_ref_kinds[b]), &bad);
            jz__json_set(ro, "rule", json_string("R-REF-1"), &bad);
            jz__json_set(ro, "detail", json_string(jz_ref_details[b]), &bad);
            jz__json_append(referrals, ro, &bad);
        }
        if (pr->death_check_due != JZ_DATE_NONE) {
            json_t *co = json_object();
            jz__json_set(co, "id", json_string(id), &bad);
            jz__json_set(co, "rule", json_string("R-DEATH-1"), &bad);
            jz__json_set(co, "due", jz__json_date(pr->death_check_due), &bad);
            jz__json_set(co, "change_from", jz__json_date(pr->death_change_from), &bad);
            jz__json_append(checks, co, &bad);
        }
    }
    jz__json_set(d, "persons", persons, &bad);
    jz__json_set(d, "temporary", temporary, &bad);
    jz__json_set(d, "referrals", referrals, &bad);
    if (r->exit) {
        json_t *e = json_object();
        jz__json_set(e, "rule", json_string("R-EXIT-1"), &bad);
        jz__json_set(e, "until", jz__json_date(r->exit_until), &bad);
        jz__json_set(d, "exit", e, &bad);
    } else {
        jz__json_set(d, "exit", json_null(), &bad);
    }
    jz__json_set(d, "checks", checks, &bad);

    json_t *dec = json_array();
    for (int i = 0; i < 64 && i < JZ_RULE_COUNT && dec; i++)
        if (r->decisive & (UINT64_C(1) << i))
            jz__json_append(dec, json_string(jz_rule_ids[i]), &bad);
    jz__json_set(d, "decisive", dec, &bad);

    json_t *params = json_object();
    for (int i = 0; i < JZ_P_COUNT && params; i++) {
        if (!engine_param(i))
            continue;
        char b[256];
        jz_policy_format_value(p, (jz_param_id)i, b, sizeof b);
        jz__json_set(params, jz_param_defs[i].name, json_string(b), &bad);
    }
    jz__json_set(d, "params", params, &bad);

    if (trace) {
        json_t *ta = json_array();
        for (uint32_t i = 0; i < trace->n && ta; i++) {
            const jz_trace_entry *e = &trace->e[i];
            json_t *te = json_object();
            char detail[4096]; /* R-TK-4 names every co-resident obligor */
            jz__json_set(te, "rule", json_string(jz_rule_ids[e->rule]), &bad);
            if (e->member >= 0 && (uint32_t)e->member < h->n_members)
                jz__json_set(te, "member", json_string(h->members[e->member].id), &bad);
            jz__json_set(te, "source", json_string(jz_rule_table[e->rule].source), &bad);
            jz__json_set(te, "holds", json_boolean(e->holds == JZ_HOLDS_YES), &bad);
            jz_trace_detail(e, h, detail, sizeof detail);
            jz__json_set(te, "detail", json_string(detail), &bad);
            jz__json_append(ta, te, &bad);
        }
        jz__json_set(d, "trace", ta, &bad);
    }
    if (bad) {
        json_decref(d);
        return NULL;
    }
    return d;
}

char *jz_determination_json(const jz_household *h, const jz_policy *p, const jz_result *r,
                            const jz_trace *trace, int flags)
{
    json_t *d = jz_determination_value(h, p, r, trace);
    char *s = d ? json_dumps(d, (flags & JZ_DET_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT) : NULL;
    json_decref(d);
    return s;
}
