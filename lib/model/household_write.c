/*
 * household_write.c - writes a jz_household as a household record
 * (FORMATS.md) with jansson: what `jiuzhu gen` emits.  Only what differs from
 * the record's neutral defaults is written, so records stay small; reading
 * the text back with jz_household_parse gives the same household.
 */
#include <stdlib.h>

#include <jansson.h>

#include "jiuzhu/jz_record.h"
#include "model_int.h"

static void item(json_t *a, const char *kind, jz_fen amount, int *bad)
{
    json_t *o = json_object();
    jz__json_set(o, "kind", json_string(kind), bad);
    jz__json_set(o, "amount", jz__json_money(amount), bad);
    if (!o || json_array_append_new(a, o) != 0)
        *bad = 1;
}

static json_t *member_json(const jz_member *m, int *bad)
{
    json_t *o = json_object();
    if (!o) {
        *bad = 1;
        return NULL;
    }
    jz__json_set(o, "id", json_string(m->id), bad);
    jz__json_set(o, "name", json_string(m->name ? m->name : ""), bad);
    jz__json_set(o, "relation", json_string(jz_relation_names[m->relation]), bad);
    if (m->presence != JZ_PRES_PRESENT)
        jz__json_set(o, "presence", json_string(jz_presence_names[m->presence]), bad);
    if (m->employment != JZ_EMP_NONE)
        jz__json_set(o, "employment", json_string(jz_employment_names[m->employment]), bad);
    if (m->newly_employed)
        jz__json_set(o, "newly_employed", json_true(), bad);
    if (m->unemployment_insured)
        jz__json_set(o, "unemployment_insured", json_true(), bad);
    if (m->months_without_income)
        jz__json_set(o, "months_without_income", json_integer(m->months_without_income), bad);
    if (m->hardship != JZ_HARD_NONE)
        jz__json_set(o, "hardship_cause", json_string(jz_hardship_names[m->hardship]), bad);
    if (m->disability != JZ_DIS_NONE)
        jz__json_set(o, "disability",
                     json_pack("{s:s,s:i}", "category", jz_disability_names[m->disability], "grade",
                               (int)m->disability_grade),
                     bad);
    if (m->serious_illness || m->under_treatment)
        jz__json_set(o, "illness",
                     json_pack("{s:b,s:b}", "serious", m->serious_illness, "under_treatment",
                               m->under_treatment),
                     bad);
    if (m->needs_rehab_or_care)
        jz__json_set(o, "needs_rehab_or_care", json_true(), bad);
    if (m->student_level != JZ_STU_NONE)
        jz__json_set(o, "student",
                     json_pack("{s:s,s:b,s:b,s:b}", "level",
                               jz_student_level_names[m->student_level], "full_time",
                               m->student_full_time, "high_fee", m->student_high_fee, "abroad",
                               m->student_abroad),
                     bad);
    if (m->self_care_failed)
        jz__json_set(o, "self_care_failed_items", json_integer(m->self_care_failed), bad);
    if (m->supporters_known) {
        json_t *sa = json_array();
        for (unsigned i = 0; sa && i < m->n_supporters; i++) {
            unsigned st = (unsigned)((m->supporter_status >> (4 * i)) & 0xFu);
            json_t *so = json_pack("{s:s}", "status",
                                   jz_supporter_names[st < JZ_SUP_COUNT ? st : JZ_SUP_ABLE]);
            if (!so || json_array_append_new(sa, so) != 0)
                *bad = 1;
        }
        jz__json_set(o, "supporters", sa, bad);
    }
    if (m->applies_alone)
        jz__json_set(o, "applies_alone", json_true(), bad);
    if (m->current_programme != JZ_MPROG_NONE) {
        json_t *c = json_object();
        jz__json_set(c, "programme",
                     json_string(jz_member_programme_names[m->current_programme < JZ_MPROG_COUNT
                                                               ? m->current_programme
                                                               : JZ_MPROG_NONE]),
                     bad);
        if (m->current_since != JZ_DATE_NONE)
            jz__json_set(c, "since", jz__json_date(m->current_since), bad);
        jz__json_set(c, "monthly_amount", jz__json_money(m->current_amount), bad);
        jz__json_set(o, "current", c, bad);
    }
    if (m->deceased != JZ_DATE_NONE)
        jz__json_set(o, "deceased_date", jz__json_date(m->deceased), bad);
    json_t *inc = json_array();
    for (int k = 0; inc && k < JZ_INC_FIRST_EXCLUDED; k++)
        if (m->income[k])
            item(inc, jz_income_kind_names[k], m->income[k], bad);
    if (inc && m->income_not_counted)
        item(inc, jz_income_kind_names[JZ_INC_ASSISTANCE], m->income_not_counted, bad);
    if (json_array_size(inc))
        jz__json_set(o, "income", inc, bad);
    else
        json_decref(inc);
    json_t *ex = json_array();
    for (int k = 0; ex && k < JZ_EXP_COUNT; k++)
        if (m->expenses[k])
            item(ex, jz_expense_kind_names[k], m->expenses[k], bad);
    if (json_array_size(ex))
        jz__json_set(o, "expenses", ex, bad);
    else
        json_decref(ex);
    if (m->financial || m->vehicles || m->extra_houses || m->business) {
        json_t *a = json_object();
        jz__json_set(a, "financial", jz__json_money(m->financial), bad);
        jz__json_set(a, "vehicles", json_integer(m->vehicles), bad);
        jz__json_set(a, "extra_houses", json_integer(m->extra_houses), bad);
        jz__json_set(a, "business", json_boolean(m->business), bad);
        jz__json_set(o, "assets", a, bad);
    }
    return o;
}

char *jz_household_json(const jz_household *h, int flags)
{
    int bad = 0;
    json_t *d = json_object();
    if (!d)
        return NULL;
    if (h->household_id[0])
        jz__json_set(d, "household_id", json_string(h->household_id), &bad);
    jz__json_set(d, "region", json_string(h->region.code), &bad);
    jz__json_set(d, "area", json_string(jz_area_names[h->area]), &bad);
    if (h->assess_date != JZ_DATE_NONE)
        jz__json_set(d, "assess_date", jz__json_date(h->assess_date), &bad);
    if (h->current_programme != JZ_PROG_NONE) {
        json_t *c = json_object();
        jz__json_set(c, "programme", json_string(jz_programme_names[h->current_programme]), &bad);
        if (h->current_since != JZ_DATE_NONE)
            jz__json_set(c, "since", jz__json_date(h->current_since), &bad);
        jz__json_set(c, "monthly_amount", jz__json_money(h->current_amount), &bad);
        jz__json_set(d, "current", c, &bad);
    }
    json_t *ms = json_array();
    for (uint32_t i = 0; ms && i < h->n_members; i++)
        if (json_array_append_new(ms, member_json(&h->members[i], &bad)) != 0)
            bad = 1;
    jz__json_set(d, "members", ms, &bad);
    char *s = NULL;
    if (!bad)
        s = json_dumps(d, (flags & JZ_DET_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT);
    json_decref(d);
    return s;
}
