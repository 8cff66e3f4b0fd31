/*
 * household_write.c - writes a jz_household as a household record
 * (FORMATS.md) with jansson: what `jiuzhu gen` emits.  Only what differs from
 * the record's neutral defaults is written, so records stay small; reading
 * the text back with jz_household_parse gives the same household.
 */
#include <stdlib.h>

#include <jansson.h>

#include "jiuzhu/jz_record.h"

static json_t *money(jz_fen v)
{
    char b[JZ_MONEY_BUF];
    jz_money_format(v, b, sizeof b);
    return json_string(b);
}

static json_t *date(jz_date d)
{
    char b[JZ_DATE_BUF];
    jz_date_format(d, b, sizeof b);
    return json_string(b);
}

static void set(json_t *o, const char *key, json_t *v, int *bad)
{
    if (!v || json_object_set_new(o, key, v) != 0)
        *bad = 1;
}

static void item(json_t *a, const char *kind, jz_fen amount, int *bad)
{
    json_t *o = json_object();
    set(o, "kind", json_string(kind), bad);
    set(o, "amount", money(amount), bad);
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
    set(o, "id", json_string(m->id), bad);
    set(o, "name", json_string(m->name ? m->name : ""), bad);
    set(o, "relation", json_string(jz_relation_names[m->relation]), bad);
    if (m->presence != JZ_PRES_PRESENT)
        set(o, "presence", json_string(jz_presence_names[m->presence]), bad);
    if (m->employment != JZ_EMP_NONE)
        set(o, "employment", json_string(jz_employment_names[m->employment]), bad);
    if (m->newly_employed)
        set(o, "newly_employed", json_true(), bad);
    if (m->unemployment_insured)
        set(o, "unemployment_insured", json_true(), bad);
    if (m->months_without_income)
        set(o, "months_without_income", json_integer(m->months_without_income), bad);
    if (m->hardship != JZ_HARD_NONE)
        set(o, "hardship_cause", json_string(jz_hardship_names[m->hardship]), bad);
    if (m->disability != JZ_DIS_NONE)
        set(o, "disability",
            json_pack("{s:s,s:i}", "category", jz_disability_names[m->disability], "grade",
                      (int)m->disability_grade),
            bad);
    if (m->serious_illness || m->under_treatment)
        set(o, "illness",
            json_pack("{s:b,s:b}", "serious", m->serious_illness, "under_treatment",
                      m->under_treatment),
            bad);
    if (m->needs_rehab_or_care)
        set(o, "needs_rehab_or_care", json_true(), bad);
    if (m->student_level != JZ_STU_NONE)
        set(o, "student",
            json_pack("{s:s,s:b,s:b,s:b}", "level", jz_student_level_names[m->student_level],
                      "full_time", m->student_full_time, "high_fee", m->student_high_fee, "abroad",
                      m->student_abroad),
            bad);
    if (m->self_care_failed)
        set(o, "self_care_failed_items", json_integer(m->self_care_failed), bad);
    if (m->supporters_known) {
        json_t *sa = json_array();
        for (unsigned i = 0; sa && i < m->n_supporters; i++) {
            unsigned st = (unsigned)((m->supporter_status >> (4 * i)) & 0xFu);
            json_t *so = json_pack("{s:s}", "status",
                                   jz_supporter_names[st < JZ_SUP_COUNT ? st : JZ_SUP_ABLE]);
            if (!so || json_array_append_new(sa, so) != 0)
                *bad = 1;
        }
        set(o, "supporters", sa, bad);
    }
    if (m->applies_alone)
        set(o, "applies_alone", json_true(), bad);
    if (m->deceased != JZ_DATE_NONE)
        set(o, "deceased_date", date(m->deceased), bad);
    json_t *inc = json_array();
    for (int k = 0; inc && k < JZ_INC_FIRST_EXCLUDED; k++)
        if (m->income[k])
            item(inc, jz_income_kind_names[k], m->income[k], bad);
    if (inc && m->income_not_counted)
        item(inc, jz_income_kind_names[JZ_INC_ASSISTANCE], m->income_not_counted, bad);
    if (json_array_size(inc))
        set(o, "income", inc, bad);
    else
        json_decref(inc);
    json_t *ex = json_array();
    for (int k = 0; ex && k < JZ_EXP_COUNT; k++)
        if (m->expenses[k])
            item(ex, jz_expense_kind_names[k], m->expenses[k], bad);
    if (json_array_size(ex))
        set(o, "expenses", ex, bad);
    else
        json_decref(ex);
    if (m->financial || m->vehicles || m->extra_houses || m->business) {
        json_t *a = json_object();
        set(a, "financial", money(m->financial), bad);
        set(a, "vehicles", json_integer(m->vehicles), bad);
        set(a, "extra_houses", json_integer(m->extra_houses), bad);
        set(a, "business", json_boolean(m->business), bad);
        set(o, "assets", a, bad);
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
        set(d, "household_id", json_string(h->household_id), &bad);
    set(d, "region", json_string(h->region.code), &bad);
    set(d, "area", json_string(jz_area_names[h->area]), &bad);
    if (h->assess_date != JZ_DATE_NONE)
        set(d, "assess_date", date(h->assess_date), &bad);
    if (h->current_programme != JZ_PROG_NONE) {
        json_t *c = json_object();
        set(c, "programme", json_string(jz_programme_names[h->current_programme]), &bad);
        if (h->current_since != JZ_DATE_NONE)
            set(c, "since", date(h->current_since), &bad);
        set(c, "monthly_amount", money(h->current_amount), &bad);
        set(d, "current", c, &bad);
    }
    json_t *ms = json_array();
    for (uint32_t i = 0; ms && i < h->n_members; i++)
        if (json_array_append_new(ms, member_json(&h->members[i], &bad)) != 0)
            bad = 1;
    set(d, "members", ms, &bad);
    char *s = NULL;
    if (!bad)
        s = json_dumps(d, (flags & JZ_DET_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT);
    json_decref(d);
    return s;
}
