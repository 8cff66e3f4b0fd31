/*
 * test_engine.c - properties of the engine that single golden cases cannot
 * show: the bulk path (no trace) decides exactly as the traced path, the
 * trace never overflows even for the largest household, results obey the
 * rules' inequalities on many random households and parameter sets, and
 * extreme values do not overflow (UBSan runs this too).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jiuzhu/jz_engine.h"
#include "rules/rules_int.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int64_t upto(int64_t n)
{
    return n > 0 ? (int64_t)(rnd() % (uint64_t)n) : 0;
}

static void base_policy(jz_policy *p)
{
    memset(p, 0, sizeof *p);
    memcpy(p->county, "140902", 7);
    p->date = jz_date_make(2024, 6, 1);
    p->standard[JZ_AREA_URBAN] = 76000;
    p->standard[JZ_AREA_RURAL] = 63000;
    p->window_months = 12;
    p->dibao_assets_months = 24;
    p->exp_assets_months = 36;
    p->marg_assets_months = 36;
    p->tk_assets_months = 24;
    p->marg_multiple = (jz_ratio){15, 10};
    p->tk_basic_multiple = (jz_ratio){13, 10};
    p->rsp_expense_ratio = (jz_ratio){5, 10};
    p->rsp_disposable_income = 2550000;
    p->exit_months = 6;
    p->death_check_months = 3;
    p->tk_elderly_age = 60;
    p->tk_minor_age = 16;
    p->tk_minor_age_in_school = 18;
    p->tk_max_grade[JZ_DIS_INTELLECTUAL] = 3;
    p->tk_max_grade[JZ_DIS_MENTAL] = 3;
    p->tk_max_grade[JZ_DIS_LIMB] = 2;
    p->tk_max_grade[JZ_DIS_VISION] = 1;
    p->tk_care[JZ_CARE_PARTIAL] = 30000;
    p->tk_care[JZ_CARE_NONE] = 60000;
    p->tmp_unemployed_months = 1;
    p->tmp_no_income_months = 3;
    p->tmp_cap_months = 6;
    p->tmp_hardship_multiple = (jz_ratio){15, 10};
    p->single_support_share = (jz_ratio){5, 10};
    p->single_support_reserve = (jz_ratio){1, 1};
    p->supp_elderly_age = 60;
}

static void random_policy(jz_policy *p)
{
    base_policy(p);
    p->standard[JZ_AREA_URBAN] = 30000 + upto(100000);
    p->standard[JZ_AREA_RURAL] = 20000 + upto(80000);
    p->window_months = 1 + (int)upto(24);
    p->dibao_assets_months = (int)upto(60);
    p->marg_multiple = (jz_ratio){10 + upto(20), 10};
    p->max_vehicles = (int)upto(2);
    p->business_allowed = upto(2);
    p->dibao_rounding = (uint8_t)upto(JZ_ROUND_COUNT);
    p->dibao_min_per_person = upto(2) ? upto(20000) : 0;
    p->supp_minor = upto(2) ? upto(10000) : 0;
    p->supp_severe_disability = upto(2) ? upto(10000) : 0;
    p->exp_amount_basis = (uint8_t)upto(JZ_BASIS_COUNT);
    p->excluded_income = upto(4) == 0 ? (1u << JZ_INC_DONATION) : 0;
}

/* A random but valid household: what the reader could have produced. */
static void random_household(jz_household *h, jz_member *ms)
{
    memset(h, 0, sizeof *h);
    memcpy(h->region.code, "140902001001", 13);
    h->region.len = 12;
    h->area = (uint8_t)upto(2);
    h->assess_date = jz_date_make(2024, 6, 1);
    h->members = ms;
    h->n_members = 1 + (uint32_t)upto(upto(8) == 0 ? JZ_MAX_MEMBERS : 6);
    if (upto(5) == 0) {
        h->current_programme = (uint8_t)(1 + upto(JZ_PROG_COUNT - 1));
        h->current_amount = upto(300000);
    }
    for (uint32_t i = 0; i < h->n_members; i++) {
        jz_member *m = &ms[i];
        memset(m, 0, sizeof *m);
        snprintf(m->id, sizeof m->id, "14090219%08u", (unsigned)i);
        m->birth = jz_date_make(1930 + (int)upto(94), 1 + (int)upto(12), 1 + (int)upto(28));
        m->relation = (uint8_t)(i == 0 ? JZ_REL_HEAD : upto(JZ_REL_COUNT));
        m->presence = (uint8_t)(upto(10) == 0 ? upto(JZ_PRES_COUNT) : 0);
        m->employment = (uint8_t)upto(JZ_EMP_COUNT);
        m->hardship = (uint8_t)(upto(8) == 0 ? upto(JZ_HARD_COUNT) : 0);
        if (upto(5) == 0) {
            m->disability = (uint8_t)(1 + upto(JZ_DIS_COUNT - 1));
            m->disability_grade = (uint8_t)(1 + upto(4));
        }
        m->student_level = (uint8_t)(upto(4) == 0 ? upto(JZ_STU_COUNT) : 0);
        m->student_full_time = upto(5) != 0;
        m->student_high_fee = upto(6) == 0;
        m->student_abroad = upto(10) == 0;
        m->newly_employed = upto(6) == 0;
        m->unemployment_insured = upto(2);
        m->serious_illness = upto(8) == 0;
        m->under_treatment = upto(5) == 0;
        m->needs_rehab_or_care = upto(3) == 0;
        m->applies_alone = upto(3) == 0;
        m->supporters_known = upto(3) != 0;
        m->n_supporters = m->supporters_known ? (uint8_t)upto(4) : 0;
        m->supporters_unable = (uint16_t)(upto(16) & ((1u << m->n_supporters) - 1));
        m->self_care_failed = (uint8_t)upto(7);
        m->months_without_income = (uint16_t)upto(8);
        m->vehicles = (uint16_t)(upto(10) == 0);
        m->extra_houses = (uint16_t)(upto(15) == 0);
        m->business = upto(15) == 0;
        if (upto(40) == 0)
            m->deceased = jz_date_make(2024, 1 + (int)upto(5), 1 + (int)upto(28));
        m->financial = upto(3) ? upto(5000000) : 0;
        for (int k = 0; k < JZ_INC_COUNT; k++)
            if (upto(4) == 0)
                jz_member_add_income(m, (jz_income_kind)k, upto(3000000));
        for (int k = 0; k < JZ_EXP_COUNT; k++)
            m->expenses[k] = upto(4) == 0 ? upto(3000000) : 0;
    }
}

static int cmp_results(const jz_result *a, const jz_result *b)
{
    if (memcmp(a, b, offsetof(jz_result, persons)) != 0)
        return 1;
    return memcmp(a->persons, b->persons, sizeof a->persons[0] * a->n_persons);
}

/* The bulk path (no trace) and the traced path decide identically. */
static void bulk_equals_traced(void **state)
{
    (void)state;
    jz_member ms[JZ_MAX_MEMBERS];
    jz_household h;
    jz_policy p;
    jz_trace *t = malloc(sizeof *t);
    jz_result *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    assert_non_null(t);
    int categories[JZ_CAT_COUNT] = {0};
    for (int i = 0; i < 20000; i++) {
        random_policy(&p);
        random_household(&h, ms);
        memset(a, 0xA5, sizeof *a);
        memset(b, 0x5A, sizeof *b);
        jz_assess(&h, &p, a, NULL);
        jz_assess(&h, &p, b, t);
        if (cmp_results(a, b) != 0)
            fail_msg("household %d: bulk and traced results differ", i);
        assert_int_equal(t->dropped, 0);
        categories[a->category]++;
    }
    /* The random households reach every category (the test would be weak
     * otherwise). */
    for (int c = 0; c < JZ_CAT_COUNT; c++)
        assert_true(categories[c] > 0);
    free(t);
    free(a);
    free(b);
}

/* The category obeys the rules' inequalities, recomputed here. */
static void category_invariants(void **state)
{
    (void)state;
    jz_member ms[JZ_MAX_MEMBERS];
    jz_household h;
    jz_policy p;
    jz_result r;
    for (int i = 0; i < 20000; i++) {
        random_policy(&p);
        random_household(&h, ms);
        jz_assess(&h, &p, &r, NULL);
        __int128 wns = (__int128)p.window_months * r.counted_members * r.standard;
        switch (r.category) {
        case JZ_CAT_DIBAO:
            assert_true((__int128)r.income < wns);
            assert_true((__int128)r.financial <=
                        (__int128)p.dibao_assets_months * r.standard * r.counted_members);
            assert_true(r.monthly_amount >= 0);
            break;
        case JZ_CAT_DIBAO_EXPENDITURE:
            assert_true((__int128)r.income >= wns);
            assert_true((__int128)r.income - r.deductible < wns);
            assert_true(r.causes != 0);
            break;
        case JZ_CAT_MARGINAL:
            assert_true((__int128)r.income * p.marg_multiple.den < wns * p.marg_multiple.num);
            break;
        default:
            break;
        }
        if (r.category == JZ_CAT_NONE || r.category == JZ_CAT_MARGINAL ||
            r.category == JZ_CAT_RIGID_EXPENDITURE)
            assert_true(r.monthly_amount == 0 || r.exit);
        for (uint32_t k = 0; k < h.n_members; k++) {
            const jz_person_result *pr = &r.persons[k];
            if (!pr->counted)
                assert_int_equal(pr->categories, 0);
            if (pr->categories & JZ_PCAT_TEKUN)
                assert_int_equal(pr->categories, JZ_PCAT_TEKUN); /* R-TK-5: not also 低保 */
            if (pr->categories & JZ_PCAT_SINGLE_DIBAO)
                assert_int_equal(pr->categories, JZ_PCAT_SINGLE_DIBAO);
        }
    }
}

/* The largest household with every feature fits the trace. */
static void trace_bound(void **state)
{
    (void)state;
    jz_member ms[JZ_MAX_MEMBERS];
    jz_household h;
    jz_policy p;
    jz_result r;
    jz_trace *t = malloc(sizeof *t);
    base_policy(&p);
    memset(&h, 0, sizeof h);
    h.members = ms;
    h.n_members = JZ_MAX_MEMBERS;
    h.assess_date = jz_date_make(2024, 6, 1);
    h.current_programme = JZ_PROG_DIBAO;
    for (int i = 0; i < JZ_MAX_MEMBERS; i++) {
        jz_member *m = &ms[i];
        memset(m, 0, sizeof *m);
        m->birth = jz_date_make(1940, 1, 1);
        m->disability = JZ_DIS_INTELLECTUAL;
        m->disability_grade = 1;
        m->serious_illness = m->under_treatment = m->needs_rehab_or_care = true;
        m->applies_alone = m->newly_employed = true;
        m->hardship = JZ_HARD_DISASTER;
        m->employment = JZ_EMP_UNEMPLOYED;
        m->months_without_income = 6;
        m->student_level = JZ_STU_UNDERGRADUATE;
        m->student_full_time = true;
        m->supporters_known = i % 2;
        m->income[JZ_INC_WAGE] = 100000000;
        m->expenses[JZ_EXP_MEDICAL] = 100000;
        if (i % 3 == 0)
            m->deceased = jz_date_make(2024, 3, 1);
    }
    jz_assess(&h, &p, &r, t);
    assert_int_equal(t->dropped, 0);
    assert_true(t->n < JZ_TRACE_MAX);
    free(t);
}

/* 32 members related in every way the record can say: one R-TK-4 entry per
 * person (obligors as bitmasks), the trace fits, the fixpoint is bounded and
 * the bulk path agrees. */
static void trace_bound_kin(void **state)
{
    (void)state;
    jz_member ms[JZ_MAX_MEMBERS];
    jz_household h;
    jz_policy p;
    jz_result r, bulk;
    jz_trace *t = malloc(sizeof *t);
    static const uint8_t rel[] = {JZ_REL_HEAD,    JZ_REL_SPOUSE,      JZ_REL_CHILD,
                                  JZ_REL_PARENT,  JZ_REL_GRANDPARENT, JZ_REL_GRANDCHILD,
                                  JZ_REL_SIBLING, JZ_REL_CHILD,       JZ_REL_GRANDCHILD};
    base_policy(&p);
    memset(&h, 0, sizeof h);
    h.members = ms;
    h.n_members = JZ_MAX_MEMBERS;
    h.assess_date = jz_date_make(2024, 6, 1);
    h.current_programme = JZ_PROG_DIBAO;
    for (int i = 0; i < JZ_MAX_MEMBERS; i++) {
        jz_member *m = &ms[i];
        memset(m, 0, sizeof *m);
        snprintf(m->id, sizeof m->id, "14090219%08d", i);
        m->relation = i == 0 ? JZ_REL_HEAD : rel[1 + i % 8];
        m->birth = jz_date_make(1930 + (i * 7) % 90, 1 + i % 12, 1);
        m->supporters_known = true; /* [] for everyone: contradicted by most */
        m->hardship = JZ_HARD_FIRE;
        m->applies_alone = true;
        m->employment = JZ_EMP_NONE;
        m->presence = i % 11 == 5 ? JZ_PRES_PRISON : i % 13 == 7 ? JZ_PRES_DETOX : JZ_PRES_PRESENT;
        if (i % 4 == 1) {
            m->disability = JZ_DIS_INTELLECTUAL;
            m->disability_grade = 2;
        }
        if (i % 5 == 2)
            m->income[JZ_INC_WAGE] = 100000 * i;
        m->current_programme = i % 9 == 4 ? JZ_MPROG_SINGLE_DIBAO : JZ_MPROG_NONE;
        if (i % 10 == 9)
            m->deceased = jz_date_make(2024, 3, 1);
    }
    jz_assess(&h, &p, &r, t);
    assert_int_equal(t->dropped, 0);
    assert_true(t->n < JZ_TRACE_MAX);
    int tk4 = 0;
    for (uint32_t k = 0; k < t->n; k++) {
        tk4 += t->e[k].rule == JZ_RULE_TK_4;
        char buf[2048];
        jz_trace_detail(&t->e[k], &h, buf, sizeof buf);
        assert_true(strlen(buf) < sizeof buf);
    }
    int counted = 0;
    for (int i = 0; i < JZ_MAX_MEMBERS; i++)
        counted += r.persons[i].counted;
    assert_int_equal(tk4, counted); /* one R-TK-4 entry per counted person */
    jz_assess(&h, &p, &bulk, NULL);
    assert_int_equal(cmp_results(&r, &bulk), 0);
    free(t);
}

/* R-SINGLE-2's support owed, share · max(0, Y_R − k·W·n_R·S) · Y_O / Y_R
 * rounded down, against a direct 128-bit computation on random figures
 * small enough for it; and at the extremes, no overflow (UBSan run). */
static void single2_support_exact(void **state)
{
    (void)state;
    jz_member ms[3];
    jz_household h;
    jz_policy p;
    jz_result r;
    jz_trace *t = malloc(sizeof *t);
    for (int round = 0; round < 3000; round++) {
        base_policy(&p);
        int64_t dens[] = {1, 10, 100, 1000, 1000000};
        p.single_support_share.den = dens[upto(5)];
        p.single_support_share.num = upto(p.single_support_share.den + 1);
        p.single_support_reserve.den = dens[upto(5)];
        p.single_support_reserve.num = upto(3 * p.single_support_reserve.den);
        p.standard[JZ_AREA_RURAL] = 1 + upto(200000);
        memset(&h, 0, sizeof h);
        h.members = ms;
        h.n_members = 3;
        h.area = JZ_AREA_RURAL;
        h.assess_date = jz_date_make(2024, 6, 1);
        for (int i = 0; i < 3; i++) {
            memset(&ms[i], 0, sizeof ms[i]);
            snprintf(ms[i].id, sizeof ms[i].id, "1409021980010%05d", i);
        }
        ms[0].relation = JZ_REL_HEAD; /* the father, 50: an obligor */
        ms[0].birth = jz_date_make(1974, 1, 1);
        ms[0].income[JZ_INC_WAGE] = upto(100000000000LL);
        ms[1].relation = JZ_REL_SIBLING; /* the head's sibling: no duty, in R */
        ms[1].birth = jz_date_make(1976, 1, 1);
        ms[1].income[JZ_INC_WAGE] = upto(100000000000LL);
        ms[2].relation = JZ_REL_CHILD; /* the applicant */
        ms[2].birth = jz_date_make(1999, 1, 1);
        ms[2].disability = JZ_DIS_LIMB;
        ms[2].disability_grade = 1;
        ms[2].applies_alone = true;
        jz_assess(&h, &p, &r, t);
        __int128 yr = ms[0].income[JZ_INC_WAGE] + ms[1].income[JZ_INC_WAGE];
        __int128 yo = ms[0].income[JZ_INC_WAGE];
        __int128 excess = yr * p.single_support_reserve.den -
                          (__int128)p.single_support_reserve.num * 12 * 2 * p.standard[1];
        __int128 want = 0;
        if (excess > 0 && yr > 0)
            want = excess * p.single_support_share.num * yo /
                   ((__int128)p.single_support_share.den * p.single_support_reserve.den * yr);
        bool seen = false;
        for (uint32_t k = 0; k < t->n; k++) {
            if (t->e[k].rule == JZ_RULE_SINGLE_2 && t->e[k].detail == D_SINGLE_SUPPORT) {
                assert_true(t->e[k].v[5] == (int64_t)want);
                assert_int_equal((uint32_t)t->e[k].v[0], 1u); /* O = the father */
                seen = true;
            }
        }
        assert_true(seen);
    }
    /* Extremes: every income kind at its maximum, the largest ratios. */
    base_policy(&p);
    p.standard[0] = p.standard[1] = JZ_MONEY_MAX;
    p.window_months = 120;
    p.single_support_share = (jz_ratio){999999999, 1000000};
    p.single_support_reserve = (jz_ratio){1, 1000000};
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < JZ_INC_FIRST_EXCLUDED; k++)
            ms[i].income[k] = JZ_MONEY_MAX;
    jz_assess(&h, &p, &r, t);
    assert_int_equal(r.persons[2].categories & JZ_PCAT_SINGLE_DIBAO, 0);
    jz_result bulk;
    jz_assess(&h, &p, &bulk, NULL);
    assert_int_equal(cmp_results(&r, &bulk), 0);
    free(t);
}

/* Extreme parameters and amounts: no overflow, no UB (UBSan run). */
static void extremes(void **state)
{
    (void)state;
    jz_member ms[JZ_MAX_MEMBERS];
    jz_household h;
    jz_policy p;
    jz_result r;
    jz_trace *t = malloc(sizeof *t);
    base_policy(&p);
    p.standard[0] = p.standard[1] = JZ_MONEY_MAX;
    p.window_months = 120;
    p.dibao_assets_months = p.exp_assets_months = p.marg_assets_months = 120;
    p.marg_multiple = (jz_ratio){999999999, 1000000};
    p.rsp_disposable_income = JZ_MONEY_MAX;
    p.rsp_expense_ratio = (jz_ratio){999999999, 1000000};
    p.tk_basic_multiple = (jz_ratio){999999999, 1000000};
    p.tmp_hardship_multiple = (jz_ratio){999999999, 1000000};
    p.single_support_share = (jz_ratio){999999999, 1000000};
    p.single_support_reserve = (jz_ratio){1, 1000000};
    memset(&h, 0, sizeof h);
    h.members = ms;
    h.n_members = JZ_MAX_MEMBERS;
    h.assess_date = jz_date_make(2024, 6, 1);
    for (int i = 0; i < JZ_MAX_MEMBERS; i++) {
        memset(&ms[i], 0, sizeof ms[i]);
        ms[i].birth = jz_date_make(1980, 1, 1);
        for (int k = 0; k < JZ_INC_FIRST_EXCLUDED; k++)
            ms[i].income[k] = JZ_MONEY_MAX;
        ms[i].income_not_counted = JZ_MONEY_MAX;
        for (int k = 0; k < JZ_EXP_COUNT; k++)
            ms[i].expenses[k] = JZ_MONEY_MAX;
        ms[i].financial = JZ_MONEY_MAX;
    }
    jz_assess(&h, &p, &r, t);
    assert_int_equal(r.counted_members, JZ_MAX_MEMBERS);
    /* Y = 32 × 12 counted kinds × max < 120 × 32 × max: 低保, amount in range. */
    assert_int_equal(r.category, JZ_CAT_DIBAO);
    assert_true(r.monthly_amount > 0);
    free(t);
}

/* R-DB-AMT arithmetic on a known household: 3 × 520 − 15000.01 / 12. */
static void amount_rounding(void **state)
{
    (void)state;
    jz_member ms[3];
    jz_household h;
    jz_policy p;
    jz_result r;
    base_policy(&p);
    p.standard[JZ_AREA_RURAL] = 52000;
    memset(&h, 0, sizeof h);
    h.members = ms;
    h.n_members = 3;
    h.area = JZ_AREA_RURAL;
    h.assess_date = jz_date_make(2024, 6, 1);
    for (int i = 0; i < 3; i++) {
        memset(&ms[i], 0, sizeof ms[i]);
        ms[i].birth = jz_date_make(1980, 1, 1);
        ms[i].supporters_known = false;
    }
    ms[0].income[JZ_INC_WAGE] = 1500001; /* 15000.01 yuan */
    jz_assess(&h, &p, &r, NULL);
    assert_int_equal(r.category, JZ_CAT_DIBAO);
    /* 1560 − 1250.000833… = 309.999166… → up to the yuan: 310.00 */
    assert_int_equal(r.monthly_amount, 31000);
    p.dibao_rounding = JZ_ROUND_FEN_UP;
    jz_assess(&h, &p, &r, NULL);
    assert_int_equal(r.monthly_amount, 31000); /* 309.9991… → 310.00 at the fen too */
    ms[0].income[JZ_INC_WAGE] = 1500012;       /* 15000.12: 1250.01 exactly */
    jz_assess(&h, &p, &r, NULL);
    assert_int_equal(r.monthly_amount, 30999);
    p.dibao_rounding = JZ_ROUND_YUAN_UP;
    jz_assess(&h, &p, &r, NULL);
    assert_int_equal(r.monthly_amount, 31000);
    assert_true(r.decisive & (UINT64_C(1) << JZ_RULE_DB_AMT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(amount_rounding),
        cmocka_unit_test(bulk_equals_traced),
        cmocka_unit_test(category_invariants),
        cmocka_unit_test(trace_bound),
        cmocka_unit_test(trace_bound_kin),
        cmocka_unit_test(single2_support_exact),
        cmocka_unit_test(extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
