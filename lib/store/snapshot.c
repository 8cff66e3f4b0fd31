/*
 * snapshot.c - the columnar snapshot (jz_snapshot), which every backend
 * fills the same way (store_int.h), and the member booleans packed as one
 * column.  A service of the common layer for the backends: it calls no
 * backend and nothing of jz_store.
 */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* ---- member flags ---------------------------------------------------------- */

uint16_t jz__member_flags(const jz_member *m)
{
    return (uint16_t)((m->newly_employed ? JZ_SNAP_F_NEWLY_EMPLOYED : 0) |
                      (m->unemployment_insured ? JZ_SNAP_F_UNEMPLOYMENT_INSURED : 0) |
                      (m->serious_illness ? JZ_SNAP_F_SERIOUS_ILLNESS : 0) |
                      (m->under_treatment ? JZ_SNAP_F_UNDER_TREATMENT : 0) |
                      (m->needs_rehab_or_care ? JZ_SNAP_F_NEEDS_REHAB_OR_CARE : 0) |
                      (m->student_full_time ? JZ_SNAP_F_STUDENT_FULL_TIME : 0) |
                      (m->student_high_fee ? JZ_SNAP_F_STUDENT_HIGH_FEE : 0) |
                      (m->student_abroad ? JZ_SNAP_F_STUDENT_ABROAD : 0) |
                      (m->applies_alone ? JZ_SNAP_F_APPLIES_ALONE : 0) |
                      (m->supporters_known ? JZ_SNAP_F_SUPPORTERS_KNOWN : 0) |
                      (m->business ? JZ_SNAP_F_BUSINESS : 0));
}

void jz__member_set_flags(jz_member *m, uint16_t f)
{
    m->newly_employed = f & JZ_SNAP_F_NEWLY_EMPLOYED;
    m->unemployment_insured = f & JZ_SNAP_F_UNEMPLOYMENT_INSURED;
    m->serious_illness = f & JZ_SNAP_F_SERIOUS_ILLNESS;
    m->under_treatment = f & JZ_SNAP_F_UNDER_TREATMENT;
    m->needs_rehab_or_care = f & JZ_SNAP_F_NEEDS_REHAB_OR_CARE;
    m->student_full_time = f & JZ_SNAP_F_STUDENT_FULL_TIME;
    m->student_high_fee = f & JZ_SNAP_F_STUDENT_HIGH_FEE;
    m->student_abroad = f & JZ_SNAP_F_STUDENT_ABROAD;
    m->applies_alone = f & JZ_SNAP_F_APPLIES_ALONE;
    m->supporters_known = f & JZ_SNAP_F_SUPPORTERS_KNOWN;
    m->business = f & JZ_SNAP_F_BUSINESS;
}

/* ---- the snapshot ------------------------------------------------------------ */

jz_snapshot *jz__snapshot_new(void)
{
    return calloc(1, sizeof(jz_snapshot));
}

/* Grows every column of a group to cap elements. */
static bool grow(void **col, size_t elem, size_t cap)
{
    void *p = realloc(*col, elem * cap);
    if (!p)
        return false;
    *col = p;
    return true;
}

/* Grows one column to cap elements (inside a grow_* function). */
#define GROW(col) ok = ok && grow((void **)&(col), sizeof *(col), cap)

static jz_err grow_households(jz_snapshot *s, size_t cap, jz_error *err)
{
    bool ok = true;
    GROW(s->key);
    GROW(s->version);
    GROW(s->household_id);
    GROW(s->region);
    GROW(s->area);
    GROW(s->assess_date);
    GROW(s->current_programme);
    GROW(s->current_since);
    GROW(s->current_amount);
    GROW(s->first_member);
    GROW(s->household_size);
    if (!ok)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足（快照）");
    s->cap_households = cap;
    return JZ_OK;
}

jz_err jz__snapshot_add_household(jz_snapshot *s, jz_error *err)
{
    if (s->n_households == s->cap_households) {
        jz_err rc = grow_households(s, s->cap_households ? s->cap_households * 2 : 4096, err);
        if (rc)
            return rc;
    }
    s->n_households++;
    return JZ_OK;
}

static jz_err grow_members(jz_snapshot *s, size_t cap, jz_error *err)
{
    bool ok = true;
    GROW(s->birth);
    GROW(s->deceased);
    GROW(s->relation);
    GROW(s->presence);
    GROW(s->employment);
    GROW(s->hardship);
    GROW(s->disability);
    GROW(s->disability_grade);
    GROW(s->student_level);
    GROW(s->self_care_failed);
    GROW(s->n_supporters);
    GROW(s->flags);
    GROW(s->supporters_unable);
    GROW(s->months_without_income);
    GROW(s->vehicles);
    GROW(s->extra_houses);
    GROW(s->supporter_status);
    GROW(s->financial);
    for (int k = 0; k < JZ_INC_FIRST_EXCLUDED; k++)
        GROW(s->income[k]);
    GROW(s->income_not_counted);
    for (int k = 0; k < JZ_EXP_COUNT; k++)
        GROW(s->expenses[k]);
    GROW(s->member_programme);
    GROW(s->member_since);
    GROW(s->member_amount);
    GROW(s->id);
    if (!ok)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足（快照）");
    s->cap_members = cap;
    return JZ_OK;
}

jz_err jz__snapshot_add_member(jz_snapshot *s, jz_error *err)
{
    if (s->n_members == s->cap_members) {
        jz_err rc = grow_members(s, s->cap_members ? s->cap_members * 2 : 8192, err);
        if (rc)
            return rc;
    }
    s->n_members++;
    return JZ_OK;
}

jz_err jz__snapshot_reserve(jz_snapshot *s, size_t households, size_t members, jz_error *err)
{
    jz_err rc = JZ_OK;
    if (households > s->cap_households)
        rc = grow_households(s, households, err);
    if (!rc && members > s->cap_members)
        rc = grow_members(s, members, err);
    return rc;
}

void jz_snapshot_free(jz_snapshot *s)
{
    if (!s)
        return;
    void *cols[] = {s->key,
                    s->version,
                    s->household_id,
                    s->region,
                    s->area,
                    s->assess_date,
                    s->current_programme,
                    s->current_since,
                    s->current_amount,
                    s->first_member,
                    s->household_size,
                    s->birth,
                    s->deceased,
                    s->relation,
                    s->presence,
                    s->employment,
                    s->hardship,
                    s->disability,
                    s->disability_grade,
                    s->student_level,
                    s->self_care_failed,
                    s->n_supporters,
                    s->flags,
                    s->supporters_unable,
                    s->months_without_income,
                    s->vehicles,
                    s->extra_houses,
                    s->supporter_status,
                    s->financial,
                    s->income_not_counted,
                    s->member_programme,
                    s->member_since,
                    s->member_amount,
                    s->id};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        free(cols[i]);
    for (int k = 0; k < JZ_INC_FIRST_EXCLUDED; k++)
        free(s->income[k]);
    for (int k = 0; k < JZ_EXP_COUNT; k++)
        free(s->expenses[k]);
    free(s);
}

size_t jz_snapshot_households(const jz_snapshot *s)
{
    return s->n_households;
}

size_t jz_snapshot_members(const jz_snapshot *s)
{
    return s->n_members;
}

void jz_snapshot_household(const jz_snapshot *s, size_t i, jz_household *h, jz_member *ms)
{
    memcpy(h->household_id, s->household_id[i], sizeof h->household_id);
    h->region = s->region[i];
    h->area = s->area[i];
    h->assess_date = s->assess_date[i];
    h->current_programme = s->current_programme[i];
    h->current_since = s->current_since[i];
    h->current_amount = s->current_amount[i];
    h->n_members = s->household_size[i];
    h->members = ms;
    size_t f = s->first_member[i];
    for (uint32_t k = 0; k < h->n_members; k++) {
        size_t j = f + k;
        jz_member *m = &ms[k];
        m->birth = s->birth[j];
        m->deceased = s->deceased[j];
        m->relation = s->relation[j];
        m->presence = s->presence[j];
        m->employment = s->employment[j];
        m->hardship = s->hardship[j];
        m->disability = s->disability[j];
        m->disability_grade = s->disability_grade[j];
        m->student_level = s->student_level[j];
        m->self_care_failed = s->self_care_failed[j];
        jz__member_set_flags(m, s->flags[j]);
        m->n_supporters = s->n_supporters[j];
        m->supporters_unable = s->supporters_unable[j];
        m->supporter_status = s->supporter_status[j];
        m->months_without_income = s->months_without_income[j];
        m->vehicles = s->vehicles[j];
        m->extra_houses = s->extra_houses[j];
        m->financial = s->financial[j];
        for (int q = 0; q < JZ_INC_FIRST_EXCLUDED; q++)
            m->income[q] = s->income[q][j];
        m->income_not_counted = s->income_not_counted[j];
        for (int q = 0; q < JZ_EXP_COUNT; q++)
            m->expenses[q] = s->expenses[q][j];
        m->current_programme = s->member_programme[j];
        m->current_since = s->member_since[j];
        m->current_amount = s->member_amount[j];
        memcpy(m->id, s->id[j], sizeof m->id);
        m->name = NULL;
    }
}
