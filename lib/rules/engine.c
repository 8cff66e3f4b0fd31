/*
 * engine.c - the eligibility engine: every rule of POLICY.md sections 1-10
 * that decides a household's programmes, each a small function named after
 * its rule ID, and jz_assess which applies them in the order of
 * docs/engine.md.
 *
 * The rules live in one translation unit on purpose: the bulk path assesses
 * millions of households a second, and keeping the small rule functions
 * static lets the compiler inline them.  The engine is pure: no I/O, no
 * globals, no allocation.  Money is int64 fen; every comparison against a
 * standard is an exact integer inequality, with products taken in 128 bits
 * so that no parameter value can overflow them.  Without a trace (bulk runs)
 * rules that cannot change the outcome are skipped; with one, every rule is
 * evaluated and recorded with the numbers it compared.
 */
#include <string.h>

#include "jiuzhu/jz_engine.h"
#include "rules_int.h"

__extension__ typedef __int128 i128;

typedef struct ctx {
    const jz_household *h;
    const jz_policy *p;
    jz_result *r;
    jz_trace *t;
    jz_date date;
    jz_fen S;          /* monthly standard for the household's area */
    int W;             /* income window in months */
    uint32_t inc_mask; /* income kinds that count (R-INC-1 less R-INC-2) */
    uint32_t counted;  /* members counted (R-HH-1/2) */
    uint32_t tekun;    /* counted members who are 特困 (R-TK-1) */
    uint32_t unit;     /* counted and not 特困: the household's unit (R-TK-5) */
    int n;             /* members of the unit */
    jz_fen Y, F, D;
    jz_fen exp[JZ_EXP_COUNT];
    int vehicles, houses;
    bool business;
    bool ast2;
    bool art8_done;     /* art8[] and art8_able filled (R-TK-4) */
    uint32_t art8_able; /* members able to support by [43] Art 8 (b)-(d) */
    uint32_t dependent; /* counted members meeting R-TK-2 by disability */
    int age[JZ_MAX_MEMBERS];
    jz_fen own_income[JZ_MAX_MEMBERS];
    uint8_t art8[JZ_MAX_MEMBERS]; /* enum obl_reason apart from (a) */
} ctx;

/* ---- trace ------------------------------------------------------------- */

static void trace_add(ctx *c, jz_rule_id rule, int member, bool holds, detail_id d,
                      const int64_t v[6])
{
    jz_trace *t = c->t;
    if (t->n >= JZ_TRACE_MAX) {
        t->dropped++;
        return;
    }
    jz_trace_entry *e = &t->e[t->n++];
    e->rule = (uint8_t)rule;
    e->member = (int8_t)member;
    e->holds = holds ? JZ_HOLDS_YES : JZ_HOLDS_NO;
    e->detail = (uint8_t)d;
    memcpy(e->v, v, sizeof e->v);
}

/* Records a trace entry when tracing; the numbers are the template's v[]. */
#define TR(c, rule, member, holds, d, ...)                                                         \
    do {                                                                                           \
        if ((c)->t)                                                                                \
            trace_add((c), (rule), (member), (holds), (d), (const int64_t[6]){__VA_ARGS__});       \
    } while (0)

static inline void decisive(ctx *c, jz_rule_id rule)
{
    c->r->decisive |= UINT64_C(1) << rule;
}

/* ---- helpers ----------------------------------------------------------- */

static inline bool bit(uint32_t mask, int i)
{
    return (mask >> i) & 1u;
}

/* Rounds a non-negative amount a/b fen up, to the fen or to the yuan. */
static jz_fen round_up(i128 a, i128 b, uint8_t rounding)
{
    if (a <= 0)
        return 0;
    if (rounding == JZ_ROUND_FEN_UP)
        return (jz_fen)((a + b - 1) / b);
    i128 yb = b * 100;
    return (jz_fen)(((a + yb - 1) / yb) * 100);
}

/* 重度残疾 as R-SINGLE-1 and seed 004 一.1 define it: grade 1 or 2 of any
 * category, or grade 3 intellectual or mental. */
static bool severe_disability(const jz_member *m)
{
    if (m->disability == JZ_DIS_NONE)
        return false;
    if (m->disability_grade == 1 || m->disability_grade == 2)
        return true;
    return m->disability_grade == 3 &&
           (m->disability == JZ_DIS_INTELLECTUAL || m->disability == JZ_DIS_MENTAL);
}

/* Whether member i receives 低保 now by the record: the household's current
 * programme is 低保 or 支出型低保, or his own is 单人保 (the member-level
 * current).  R-DEATH-1, R-TMP-1 and R-TK-4 (b) ask this. */
static bool current_dibao(const jz_household *h, int i)
{
    return h->current_programme == JZ_PROG_DIBAO ||
           h->current_programme == JZ_PROG_DIBAO_EXPENDITURE ||
           h->members[i].current_programme == JZ_MPROG_SINGLE_DIBAO;
}

/* Civil Code Art 17: adults are 18 and over (the law, not a parameter). */
#define CIVIL_ADULT_AGE 18

/* R-TK-2 by disability: a certificate at or below the category's 特困 grade;
 * such a person also cannot live independently (Civil Code Art 1067). */
static inline bool tk2_disability(const ctx *c, int i)
{
    const jz_member *m = &c->h->members[i];
    return m->disability != JZ_DIS_NONE && m->disability_grade >= 1 &&
           m->disability_grade <= c->p->tk_max_grade[m->disability];
}

static jz_fen income_sum(const jz_member *m, uint32_t mask)
{
    jz_fen s = 0;
    for (int k = 0; k < JZ_INC_FIRST_EXCLUDED; k++)
        if (bit(mask, k))
            s += m->income[k];
    return s;
}

/* Other assets of a set of members within R-AST-2's limits. */
static bool other_assets_ok(const jz_policy *p, int vehicles, int houses, bool business)
{
    return vehicles <= p->max_vehicles && houses <= p->max_extra_houses &&
           (!business || p->business_allowed);
}

/* ---- R-HH: who is in the household ------------------------------------ */

/* R-HH-1: every present, living member counts. */
static inline __attribute__((always_inline)) void rule_hh_1(ctx *c)
{
    const jz_household *h = c->h;
    for (uint32_t i = 0; i < h->n_members; i++) {
        const jz_member *m = &h->members[i];
        if (m->deceased != JZ_DATE_NONE) {
            TR(c, JZ_RULE_HH_1, (int)i, false, D_HH_DECEASED, m->deceased);
            continue;
        }
        if (m->presence == JZ_PRES_PRESENT)
            c->counted |= 1u << i;
    }
    int counted = __builtin_popcount(c->counted);
    TR(c, JZ_RULE_HH_1, -1, counted > 0, D_HH_COUNT, (int64_t)h->n_members, counted);
}

/* R-HH-2: members away (prison, detox, missing, religious) are not counted. */
static inline __attribute__((always_inline)) void rule_hh_2(ctx *c)
{
    const jz_household *h = c->h;
    int absent = 0;
    for (uint32_t i = 0; i < h->n_members; i++) {
        const jz_member *m = &h->members[i];
        if (m->deceased == JZ_DATE_NONE && m->presence != JZ_PRES_PRESENT) {
            absent++;
            TR(c, JZ_RULE_HH_2, (int)i, true, D_HH_ABSENT, m->presence);
        }
    }
    TR(c, JZ_RULE_HH_2, -1, absent > 0, D_HH_ABSENT_SUM, absent);
    if (absent > 0)
        decisive(c, JZ_RULE_HH_2);
}

/* ---- R-TK: 特困人员 ------------------------------------------------------ */

static bool in_school_for_tekun(uint8_t level)
{
    return level == JZ_STU_PRIMARY || level == JZ_STU_JUNIOR || level == JZ_STU_SENIOR ||
           level == JZ_STU_VOCATIONAL;
}

/* R-TK-2 无劳动能力: the reason (0: able to work; 1 elderly, 2 minor, 3 minor in
 * school, 4 disability) and the threshold it was measured against. */
static inline __attribute__((always_inline)) int tk2_reason(const ctx *c, int i, int *threshold,
                                                            bool *by_disability)
{
    const jz_member *m = &c->h->members[i];
    const jz_policy *p = c->p;
    int age = c->age[i];
    *threshold = 0;
    *by_disability = tk2_disability(c, i);
    if (age >= p->tk_elderly_age) {
        *threshold = p->tk_elderly_age;
        return 1;
    }
    if (age < p->tk_minor_age) {
        *threshold = p->tk_minor_age;
        return 2;
    }
    if (age < p->tk_minor_age_in_school && in_school_for_tekun(m->student_level)) {
        *threshold = p->tk_minor_age_in_school;
        return 3;
    }
    if (m->disability != JZ_DIS_NONE)
        *threshold = p->tk_max_grade[m->disability];
    return *by_disability ? 4 : 0;
}

static bool rule_tk_2(ctx *c, int i)
{
    const jz_member *m = &c->h->members[i];
    int threshold;
    bool by_disability;
    int reason = tk2_reason(c, i, &threshold, &by_disability);
    TR(c, JZ_RULE_TK_2, i, reason != 0, D_TK_2, c->age[i], reason, m->disability,
       m->disability_grade, threshold);
    return reason != 0;
}

/* R-TK-3 无生活来源: own income below the standard, own assets within limits. */
static bool rule_tk_3(ctx *c, int i)
{
    const jz_member *m = &c->h->members[i];
    const jz_policy *p = c->p;
    i128 ws = (i128)c->W * c->S;
    i128 limit = (i128)p->tk_assets_months * c->S;
    bool income_ok = (i128)c->own_income[i] < ws;
    bool fin_ok = (i128)m->financial <= limit;
    bool other_ok = other_assets_ok(p, m->vehicles, m->extra_houses, m->business);
    bool holds = income_ok && fin_ok && other_ok;
    TR(c, JZ_RULE_TK_3, i, holds, D_TK_3, c->own_income[i], (int64_t)ws, m->financial,
       (int64_t)limit, other_ok);
    return holds;
}

/* ---- R-TK-4: legal supporters, in the record and in the household ------ */

/*
 * [43] Art 8's categories of a member apart from (a) (being 特困 himself,
 * which depends on the fixpoint): (b) 60周岁以上的最低生活保障对象; (c) 70周岁
 * 以上的老年人、重度残疾人 whose own income is below the previous year's local
 * per-capita disposable income and whose own assets are within the 低保边缘
 * limits; (d) 被宣告失踪或者在监狱服刑 with own assets within the 特困 limits.
 * The ages are the national text's, not parameters.  Lack of civil capacity
 * is not recorded for a member, so it cannot be found here.
 */
#define ART8_DIBAO_AGE 60
#define ART8_ELDERLY_AGE 70

static uint8_t art8_reason(const ctx *c, int j)
{
    const jz_member *m = &c->h->members[j];
    const jz_policy *p = c->p;
    int age = c->age[j];
    if (age >= ART8_DIBAO_AGE && current_dibao(c->h, j))
        return OBL_DIBAO_ELDERLY;
    bool c_applies = age >= ART8_ELDERLY_AGE || severe_disability(m);
    bool d_applies = m->presence == JZ_PRES_PRISON || m->presence == JZ_PRES_MISSING;
    bool other_ok = other_assets_ok(p, m->vehicles, m->extra_houses, m->business);
    if (c_applies) {
        /* Own window income annualised below D: own·12 < W·D, exactly. */
        bool low = (i128)c->own_income[j] * 12 < (i128)c->W * p->rsp_disposable_income;
        bool assets = (i128)m->financial <= (i128)p->marg_assets_months * c->S && other_ok;
        if (low && assets)
            return age >= ART8_ELDERLY_AGE ? OBL_ELDERLY_LOW : OBL_SEVERE_LOW;
    }
    if (d_applies && (i128)m->financial <= (i128)p->tk_assets_months * c->S && other_ok)
        return m->presence == JZ_PRES_PRISON ? OBL_PRISON : OBL_MISSING;
    if (c_applies)
        return OBL_ABLE_OVER_C;
    if (d_applies)
        return OBL_ABLE_OVER_D;
    if (m->presence == JZ_PRES_DETOX)
        return OBL_ABLE_DETOX;
    if (m->presence == JZ_PRES_RELIGIOUS_AWAY)
        return OBL_ABLE_RELIGIOUS;
    return OBL_ABLE;
}

/* Fills art8[] and the members able by it (once per household). */
static void art8_all(ctx *c)
{
    if (c->art8_done)
        return;
    c->art8_done = true;
    c->art8_able = 0;
    for (uint32_t j = 0; j < c->h->n_members; j++) {
        c->art8[j] = art8_reason(c, (int)j);
        if (c->art8[j] < OBL_UNABLE_FIRST)
            c->art8_able |= 1u << j;
    }
}

/* The members able to support anyone when T is the set of 特困 members. */
static inline uint32_t able_given(const ctx *c, uint32_t T)
{
    return c->art8_able & ~T;
}

/* Living members j (j != i) who are `kin` to member i, as a mask. */
static uint32_t kin_of(const ctx *c, int i, int kin)
{
    const jz_household *h = c->h;
    uint32_t mask = 0;
    for (uint32_t j = 0; j < h->n_members; j++)
        if ((int)j != i && h->members[j].deceased == JZ_DATE_NONE &&
            jz__kin(h->members[i].relation, h->members[j].relation) == kin)
            mask |= 1u << j;
    return mask;
}

/*
 * The members who owe member i support (Civil Code Arts 1059, 1067, 1074,
 * 1075; [43] Art 8), when T is the set of 特困 members: a spouse always; a
 * parent to a minor or to a child who cannot live independently
 * (`dependent`); an adult child to a parent; an adult grandchild to a
 * grandparent only where no co-resident adult child of his is able; and,
 * our extension of Arts 1074 and 1075 (first paragraphs), a grandparent to a
 * minor grandchild and an adult older sibling to a minor sibling only where
 * no co-resident parent of the minor is able.  Deceased members owe nothing.
 */
static uint32_t obligors_of(const ctx *c, int i, uint32_t T, bool dependent)
{
    const jz_household *h = c->h;
    const jz_member *mi = &h->members[i];
    /* One pass: each living member's kinship to i, and who is an adult. */
    uint32_t kin[KIN_COUNT] = {0}, adult = 0;
    for (uint32_t j = 0; j < h->n_members; j++) {
        const jz_member *mj = &h->members[j];
        if ((int)j == i || mj->deceased != JZ_DATE_NONE)
            continue;
        kin[jz__kin(mi->relation, mj->relation)] |= 1u << j;
        if (c->age[j] >= CIVIL_ADULT_AGE)
            adult |= 1u << j;
    }
    uint32_t able = able_given(c, T);
    bool minor = c->age[i] < CIVIL_ADULT_AGE;
    uint32_t o = kin[KIN_SPOUSE];
    if (minor || dependent)
        o |= kin[KIN_PARENT];
    uint32_t children = kin[KIN_CHILD] & adult;
    o |= children;
    if (!(children & able))
        o |= kin[KIN_GRANDCHILD] & adult;
    if (minor && !(kin[KIN_PARENT] & able)) {
        o |= kin[KIN_GRANDPARENT];
        for (uint32_t m = kin[KIN_SIBLING] & adult; m; m &= m - 1) {
            int j = __builtin_ctz(m);
            if (h->members[j].birth < mi->birth) /* 兄、姐: older */
                o |= 1u << j;
        }
    }
    return o;
}

/* R-TK-4's first half: the record's `supporters` are known (investigated)
 * and every one listed is unable. */
static inline bool listed_unable(const jz_member *m)
{
    /* Every entry's bit set (no popcount: without -mpopcnt it is a call). */
    return m->supporters_known && m->supporters_unable == (uint16_t)((1u << m->n_supporters) - 1u);
}

/*
 * Who is 特困: the greatest set T of counted members meeting R-TK-2, R-TK-3
 * and the record's list such that no member of T has an able co-resident
 * obligor, given T (a member of T is unable by Art 8 (a)).  Found by
 * starting from every candidate and dropping, round by round, those with an
 * able obligor: each round drops at least one member, so at most 33 rounds;
 * no allocation.  Having an able obligor only becomes likelier as T shrinks
 * (a conditional duty lapses only because a nearer obligor became able), so
 * the rounds reach the greatest fixpoint.
 */
static uint32_t tekun_fixpoint(const ctx *c, uint32_t T)
{
    for (int round = 0; round <= JZ_MAX_MEMBERS && T; round++) {
        uint32_t next = T, able = able_given(c, T);
        for (uint32_t m = T; m; m &= m - 1) {
            int i = __builtin_ctz(m);
            if (obligors_of(c, i, T, bit(c->dependent, i)) & able)
                next &= ~(1u << i);
        }
        if (next == T)
            break;
        T = next;
    }
    return T;
}

/* Each obligor's reason, 4 bits per member, for the trace. */
static void obligor_reasons(const ctx *c, uint32_t o, uint32_t T, int64_t *lo, int64_t *hi)
{
    uint64_t v[2] = {0, 0};
    for (uint32_t m = o; m; m &= m - 1) {
        int j = __builtin_ctz(m);
        uint64_t reason = bit(T, j) ? OBL_TEKUN : c->art8[j];
        v[j / 16] |= reason << (4 * (j % 16));
    }
    *lo = (int64_t)v[0];
    *hi = (int64_t)v[1];
}

/*
 * R-TK-4: no legal supporter able to support him.  The record's list must be
 * known with every entry unable, and every co-resident obligor (found from
 * the relations, whatever the list says) must be unable by Art 8.  A list
 * shorter than the co-resident obligors found (`[]` among them) contradicts
 * the record: it is not believed, and the trace says so, naming them.
 */
static bool rule_tk_4(ctx *c, int i)
{
    const jz_member *m = &c->h->members[i];
    uint32_t o = obligors_of(c, i, c->tekun, bit(c->dependent, i));
    uint32_t unable = o & ~able_given(c, c->tekun);
    bool holds = listed_unable(m) && unable == o;
    if (c->t) {
        int64_t lo, hi;
        obligor_reasons(c, o, c->tekun, &lo, &hi);
        TR(c, JZ_RULE_TK_4, i, holds, D_TK_4, m->supporters_known, m->n_supporters,
           __builtin_popcount(m->supporters_unable), (int64_t)((uint64_t)unable << 32 | o), lo, hi);
    }
    return holds;
}

/* R-TK-1: all three conditions. */
static bool rule_tk_1(ctx *c, int i, bool tk2, bool tk3, bool tk4)
{
    bool holds = tk2 && tk3 && tk4;
    TR(c, JZ_RULE_TK_1, i, holds, D_TK_1, tk2, tk3, tk4);
    return holds;
}

/* R-TK-CARE: the level of self-care from the six items failed. */
static jz_care_level rule_tk_care(ctx *c, int i)
{
    int failed = c->h->members[i].self_care_failed;
    jz_care_level level = failed == 0   ? JZ_CARE_CAPABLE
                          : failed <= 3 ? JZ_CARE_PARTIAL
                                        : JZ_CARE_NONE;
    TR(c, JZ_RULE_TK_CARE, i, true, D_TK_CARE, failed, level);
    return level;
}

/* R-TK-AMT: basic support (multiple of S) plus the care standard. */
static jz_fen rule_tk_amt(ctx *c, int i, jz_care_level level)
{
    const jz_policy *p = c->p;
    jz_fen basic = round_up((i128)p->tk_basic_multiple.num * c->S, p->tk_basic_multiple.den,
                            p->dibao_rounding);
    jz_fen care = p->tk_care[level];
    TR(c, JZ_RULE_TK_AMT, i, true, D_TK_AMT, basic, care, basic + care, p->tk_basic_multiple.num,
       p->tk_basic_multiple.den, c->S);
    return basic + care;
}

/* Who is 特困 (c->tekun), without a trace: the candidates (R-TK-2, R-TK-3,
 * the record's list) and the fixpoint over co-resident obligors. */
static inline __attribute__((always_inline)) void find_tekun(ctx *c)
{
    uint32_t cand = 0;
    for (uint32_t i = 0; i < c->h->n_members; i++) {
        if (!bit(c->counted, (int)i))
            continue;
        int threshold;
        bool by_disability;
        int reason = tk2_reason(c, (int)i, &threshold, &by_disability);
        if (by_disability)
            c->dependent |= 1u << i;
        if (!reason || !listed_unable(&c->h->members[i]))
            continue;
        const jz_member *m = &c->h->members[i];
        if ((i128)c->own_income[i] < (i128)c->W * c->S &&
            (i128)m->financial <= (i128)c->p->tk_assets_months * c->S &&
            other_assets_ok(c->p, m->vehicles, m->extra_houses, m->business))
            cand |= 1u << i;
    }
    if (cand || c->t) {
        art8_all(c);
        c->tekun = tekun_fixpoint(c, cand);
    }
}

static void assess_tekun(ctx *c)
{
    find_tekun(c);
    for (uint32_t i = 0; i < c->h->n_members; i++) {
        if (!bit(c->counted, (int)i))
            continue;
        if (c->t) {
            /* Every rule recorded with its numbers; the decision is the
             * fixpoint's, which these agree with. */
            bool tk2 = rule_tk_2(c, (int)i);
            bool tk3 = rule_tk_3(c, (int)i);
            bool tk4 = rule_tk_4(c, (int)i);
            rule_tk_1(c, (int)i, tk2, tk3, tk4);
        }
        if (!bit(c->tekun, (int)i))
            continue;
        jz_person_result *pr = &c->r->persons[i];
        pr->categories |= JZ_PCAT_TEKUN;
        pr->care_level = (uint8_t)rule_tk_care(c, (int)i);
        pr->monthly_amount = rule_tk_amt(c, (int)i, (jz_care_level)pr->care_level);
        decisive(c, JZ_RULE_TK_1);
        decisive(c, JZ_RULE_TK_AMT);
    }
}

/* R-TK-5: 特困 persons leave the household's unit. */
static void rule_tk_5(ctx *c)
{
    c->unit = c->counted & ~c->tekun;
    c->n = __builtin_popcount(c->unit);
    int tekun = __builtin_popcount(c->tekun);
    TR(c, JZ_RULE_TK_5, -1, tekun > 0, D_TK_5, tekun, c->n);
    if (tekun > 0)
        decisive(c, JZ_RULE_TK_5);
}

/* ---- R-INC, R-AST: the unit's income and assets ------------------------ */

/* R-INC-1: the counted income of the unit. */
static void rule_inc_1(ctx *c)
{
    jz_fen y = 0;
    for (uint32_t i = 0; i < c->h->n_members; i++)
        if (bit(c->unit, (int)i))
            y += c->own_income[i];
    c->Y = y;
    TR(c, JZ_RULE_INC_1, -1, true, D_INC_COUNTED, y, c->W, c->n);
}

/* R-INC-2: what was left out (national list plus the city's exclusions). */
static void rule_inc_2(ctx *c)
{
    if (!c->t)
        return;
    jz_fen excluded = 0, by_city = 0;
    for (uint32_t i = 0; i < c->h->n_members; i++) {
        if (!bit(c->unit, (int)i))
            continue;
        const jz_member *m = &c->h->members[i];
        excluded += m->income_not_counted;
        for (int k = 0; k < JZ_INC_FIRST_EXCLUDED; k++) {
            if (!bit(c->inc_mask, k)) {
                excluded += m->income[k];
                by_city += m->income[k];
            }
        }
    }
    TR(c, JZ_RULE_INC_2, -1, excluded > 0, D_INC_EXCLUDED, excluded, by_city);
}

static void unit_totals(ctx *c)
{
    for (uint32_t i = 0; i < c->h->n_members; i++) {
        if (!bit(c->unit, (int)i))
            continue;
        const jz_member *m = &c->h->members[i];
        c->F += m->financial;
        c->vehicles += m->vehicles;
        c->houses += m->extra_houses;
        c->business |= m->business;
        for (int k = 0; k < JZ_EXP_COUNT; k++)
            c->exp[k] += m->expenses[k];
    }
}

/* R-AST-1: financial assets per capita within `months` standards. */
static bool rule_ast_1(ctx *c, int months, int programme)
{
    i128 limit = (i128)months * c->S * c->n;
    bool holds = (i128)c->F <= limit;
    TR(c, JZ_RULE_AST_1, -1, holds, D_AST_1, c->F, months, c->S, c->n, (int64_t)limit, programme);
    return holds;
}

/* R-AST-2: vehicles, extra houses and businesses within local limits. */
static bool rule_ast_2(ctx *c)
{
    const jz_policy *p = c->p;
    bool holds = other_assets_ok(p, c->vehicles, c->houses, c->business);
    TR(c, JZ_RULE_AST_2, -1, holds, D_AST_2, c->vehicles, p->max_vehicles, c->houses,
       p->max_extra_houses, c->business, p->business_allowed);
    return holds;
}

/* ---- R-DB: 低保 ----------------------------------------------------------- */

/* R-DB-1: Y < W·n·S. */
static bool rule_db_1(ctx *c)
{
    i128 limit = (i128)c->W * c->n * c->S;
    bool holds = (i128)c->Y < limit;
    TR(c, JZ_RULE_DB_1, -1, holds, D_LT_STD, c->Y, c->W, c->n, c->S, (int64_t)limit);
    return holds;
}

/* R-DB-2: R-AST-1 with the 低保 limit and R-AST-2. */
static bool rule_db_2(ctx *c)
{
    bool fin = rule_ast_1(c, c->p->dibao_assets_months, 0);
    bool holds = fin && c->ast2;
    TR(c, JZ_RULE_DB_2, -1, holds, D_AND2, fin, c->ast2, 0);
    return holds;
}

/* R-DB-3: income and assets both hold; nothing else may be required. */
static bool rule_db_3(ctx *c, bool db1, bool db2)
{
    bool holds = db1 && db2;
    TR(c, JZ_RULE_DB_3, -1, holds, D_AND2, db1, db2, 1);
    return holds;
}

/* ---- R-EXP: 支出型贫困家庭 ------------------------------------------------ */

/* R-EXP-ILL: an illness still under treatment; deductible: medical costs. */
static jz_fen rule_exp_ill(ctx *c)
{
    int persons = 0;
    for (uint32_t i = 0; i < c->h->n_members; i++)
        if (bit(c->unit, (int)i) && c->h->members[i].under_treatment)
            persons++;
    jz_fen ded = persons > 0 ? c->exp[JZ_EXP_MEDICAL] : 0;
    TR(c, JZ_RULE_EXP_ILL, -1, persons > 0 && ded > 0, D_EXP_CAUSE, persons, c->exp[JZ_EXP_MEDICAL],
       0, 0);
    return ded;
}

/* R-EXP-DIS: a certificate holder needing rehabilitation or care;
 * deductible: those members' rehabilitation and care costs. */
static jz_fen rule_exp_dis(ctx *c)
{
    int persons = 0, excluded = 0;
    jz_fen ded = 0;
    for (uint32_t i = 0; i < c->h->n_members; i++) {
        if (!bit(c->unit, (int)i))
            continue;
        const jz_member *m = &c->h->members[i];
        if (m->disability == JZ_DIS_NONE)
            continue;
        if (m->needs_rehab_or_care) {
            persons++;
            ded += m->expenses[JZ_EXP_REHAB] + m->expenses[JZ_EXP_CARE];
        } else {
            excluded++;
        }
    }
    TR(c, JZ_RULE_EXP_DIS, -1, persons > 0 && ded > 0, D_EXP_CAUSE, persons, ded, excluded, 1);
    return ded;
}

/* R-EXP-EDU: full-time students up to 本科, not high-fee, nursery or abroad;
 * deductible: those students' one school year of costs. */
static jz_fen rule_exp_edu(ctx *c)
{
    int persons = 0, excluded = 0;
    jz_fen ded = 0;
    for (uint32_t i = 0; i < c->h->n_members; i++) {
        if (!bit(c->unit, (int)i))
            continue;
        const jz_member *m = &c->h->members[i];
        if (m->student_level == JZ_STU_NONE)
            continue;
        bool ok = m->student_level >= JZ_STU_KINDERGARTEN &&
                  m->student_level <= JZ_STU_UNDERGRADUATE && m->student_full_time &&
                  !m->student_high_fee && !m->student_abroad;
        if (ok) {
            persons++;
            ded += m->expenses[JZ_EXP_EDUCATION];
        } else {
            excluded++;
        }
    }
    TR(c, JZ_RULE_EXP_EDU, -1, persons > 0 && ded > 0, D_EXP_CAUSE, persons, ded, excluded, 2);
    return ded;
}

/* R-EXP-MULTI: every contributing cause is deducted together. */
static void rule_exp_multi(ctx *c, uint8_t causes)
{
    int k = __builtin_popcount(causes);
    TR(c, JZ_RULE_EXP_MULTI, -1, k > 1, D_EXP_MULTI, k, c->D);
}

/* R-EXP-1: Y − D < W·n·S. */
static bool rule_exp_1(ctx *c)
{
    i128 limit = (i128)c->W * c->n * c->S;
    bool holds = (i128)c->Y - c->D < limit;
    TR(c, JZ_RULE_EXP_1, -1, holds, D_EXP_1, c->Y, c->D, c->Y - c->D, (int64_t)limit, c->n, c->S);
    return holds;
}

/* R-EXP-2: financial assets within the 支出型 limit, and R-AST-2. */
static bool rule_exp_2(ctx *c)
{
    bool fin = rule_ast_1(c, c->p->exp_assets_months, 1);
    bool holds = fin && c->ast2;
    TR(c, JZ_RULE_EXP_2, -1, holds, D_AND2, fin, c->ast2, 2);
    return holds;
}

/* R-EXP-3: a cause contributes, and R-EXP-1 and R-EXP-2 hold. */
static bool rule_exp_3(ctx *c, uint8_t causes, bool exp1, bool exp2)
{
    bool holds = causes != 0 && exp1 && exp2;
    TR(c, JZ_RULE_EXP_3, -1, holds, D_EXP_3, causes, exp1, exp2);
    return holds;
}

/* Evaluates R-EXP-*; returns the causes when the household is 支出型. */
static uint8_t assess_expenditure(ctx *c)
{
    jz_fen ill = rule_exp_ill(c), dis = rule_exp_dis(c), edu = rule_exp_edu(c);
    uint8_t causes = 0;
    c->D = 0;
    if (ill > 0) {
        causes |= JZ_CAUSE_ILLNESS;
        c->D += ill;
    }
    if (dis > 0) {
        causes |= JZ_CAUSE_DISABILITY;
        c->D += dis;
    }
    if (edu > 0) {
        causes |= JZ_CAUSE_EDUCATION;
        c->D += edu;
    }
    rule_exp_multi(c, causes);
    bool exp1 = rule_exp_1(c);
    bool exp2 = rule_exp_2(c);
    if (!rule_exp_3(c, causes, exp1, exp2))
        return 0;
    decisive(c, JZ_RULE_EXP_1);
    decisive(c, JZ_RULE_EXP_2);
    decisive(c, JZ_RULE_EXP_3);
    if (causes & JZ_CAUSE_ILLNESS)
        decisive(c, JZ_RULE_EXP_ILL);
    if (causes & JZ_CAUSE_DISABILITY)
        decisive(c, JZ_RULE_EXP_DIS);
    if (causes & JZ_CAUSE_EDUCATION)
        decisive(c, JZ_RULE_EXP_EDU);
    if (__builtin_popcount(causes) > 1)
        decisive(c, JZ_RULE_EXP_MULTI);
    return causes;
}

/* ---- amounts ----------------------------------------------------------- */

/* The 补差 amount of a unit of `n` members whose window income is `basis`,
 * members given by `members` (for the per-person supplements).  Recorded
 * under `rule` (R-DB-AMT, R-EXP-AMT or R-SINGLE-3) for `member` (-1 = the
 * household). */
static jz_fen unit_amount(ctx *c, jz_rule_id rule, int member, uint32_t members, int n,
                          jz_fen basis)
{
    const jz_policy *p = c->p;
    i128 gap = (i128)c->W * n * c->S - basis; /* W·(monthly amount) */
    jz_fen rounded = round_up(gap, c->W, p->dibao_rounding);
    TR(c, rule, member, true, D_AMT_BASE, n, c->S, basis, c->W,
       (int64_t)(gap > 0 ? (gap + c->W - 1) / c->W : 0), rounded);
    jz_fen minimum = p->dibao_min_per_person * n;
    jz_fen amount = rounded > minimum ? rounded : minimum;
    jz_fen supplements = 0;
    int supp_persons = 0;
    for (uint32_t i = 0; i < c->h->n_members; i++) {
        if (!bit(members, (int)i))
            continue;
        const jz_member *m = &c->h->members[i];
        jz_fen s = 0;
        if (c->age[i] >= p->supp_elderly_age)
            s += p->supp_elderly;
        if (c->age[i] < 18)
            s += p->supp_minor;
        if (severe_disability(m))
            s += p->supp_severe_disability;
        if (m->serious_illness)
            s += p->supp_serious_illness;
        supplements += s;
        supp_persons += s > 0;
    }
    amount += supplements;
    TR(c, rule, member, true, D_AMT_FINAL, rounded, minimum, supplements, amount, supp_persons);
    return amount;
}

/* R-DB-AMT: n·S − Y/W, rounded up, with minimum and supplements. */
static jz_fen rule_db_amt(ctx *c)
{
    decisive(c, JZ_RULE_DB_AMT);
    return unit_amount(c, JZ_RULE_DB_AMT, -1, c->unit, c->n, c->Y);
}

/* R-EXP-AMT: as R-DB-AMT with Y − D (param expenditure.amount_basis). */
static jz_fen rule_exp_amt(ctx *c)
{
    decisive(c, JZ_RULE_EXP_AMT);
    jz_fen basis = c->p->exp_amount_basis == JZ_BASIS_INCOME ? c->Y : c->Y - c->D;
    return unit_amount(c, JZ_RULE_EXP_AMT, -1, c->unit, c->n, basis);
}

/* R-HH-4: a qualifying household is enrolled as a whole. */
static void rule_hh_4(ctx *c, uint8_t pcat)
{
    int enrolled = 0;
    for (uint32_t i = 0; i < c->h->n_members; i++) {
        if (bit(c->unit, (int)i)) {
            c->r->persons[i].categories |= pcat;
            enrolled++;
        }
    }
    TR(c, JZ_RULE_HH_4, -1, true, D_HH_COUNT, (int64_t)c->h->n_members, enrolled);
}

/* ---- R-MARG, R-SINGLE, R-RSP ------------------------------------------ */

/* R-MARG-1: Y < m·W·n·S exactly, assets within the marginal limits. */
static bool rule_marg_1(ctx *c)
{
    const jz_policy *p = c->p;
    i128 wns = (i128)c->W * c->n * c->S;
    bool income_ok = (i128)c->Y * p->marg_multiple.den < wns * p->marg_multiple.num;
    bool fin = rule_ast_1(c, p->marg_assets_months, 2);
    bool holds = income_ok && fin && c->ast2;
    TR(c, JZ_RULE_MARG_1, -1, holds, D_MARG_1, c->Y, (int64_t)wns, p->marg_multiple.num,
       p->marg_multiple.den, fin, c->ast2);
    return holds;
}

/*
 * floor(a · b / d) for d > 0, exactly, though a · b may need 256 bits: a
 * schoolbook product in 64-bit limbs and a bitwise long division.  Slow and
 * only used for R-SINGLE-2 applicants.  The quotient saturates at 2^127 - 1.
 */
__extension__ typedef unsigned __int128 u128;
static u128 mul_div_floor(u128 a, u128 b, u128 d)
{
    uint64_t x[2] = {(uint64_t)a, (uint64_t)(a >> 64)}, y[2] = {(uint64_t)b, (uint64_t)(b >> 64)};
    uint64_t w[4] = {0, 0, 0, 0};
    for (int i = 0; i < 2; i++) {
        u128 carry = 0;
        for (int j = 0; j < 2; j++) {
            u128 t = (u128)x[i] * y[j] + w[i + j] + carry;
            w[i + j] = (uint64_t)t;
            carry = t >> 64;
        }
        w[i + 2] = (uint64_t)carry;
    }
    u128 r = 0, q = 0;
    bool over = false;
    for (int k = 255; k >= 0; k--) {
        bool top = r >> 127;
        r = (r << 1) | ((w[k / 64] >> (k % 64)) & 1u);
        over |= q >> 127;
        q <<= 1;
        if (top || r >= d) {
            r -= d;
            q |= 1;
        }
    }
    return over ? ~(u128)0 >> 1 : q;
}

/* A power of ten's exponent (ratio denominators are 10^k, k <= 6). */
static int64_t ten_exponent(int64_t den)
{
    int64_t e = 0;
    for (; den >= 10; den /= 10)
        e++;
    return e;
}

/* The largest support counted: any larger sum fails R-SINGLE-3 as surely
 * (W·S < 2^60 for every parameter value), and own income plus it stays in
 * int64. */
#define SUPPORT_CAP (INT64_MAX / 4)

/* The seed's age for "60周岁及以上老年人" (seed 001 一(二)): a fixed text. */
#define SEED001_ELDERLY_AGE 60

/*
 * R-SINGLE-2: the support owed to applicant a by his co-resident obligors
 * (seed 001 一(二): support from siblings and from family members aged 60 or
 * more is exempt; "其余收入按照…审核确认办法规定执行", and [57] Art 13 counts
 * 赡养费、扶养费、抚养费 as 转移净收入).  O: the counted members who owe him
 * support by the R-TK-4 table (a severely disabled adult cannot live
 * independently, Civil Code Art 1067, so parents owe him), neither his
 * siblings nor aged 60 or more; R: every counted member but him, n_R of
 * them, Y_R their counted income, Y_O that of O.  Owed over the window:
 * share · max(0, Y_R − k·W·n_R·S) · Y_O / Y_R, rounded down to the fen (in
 * his favour), share = single.obligor_support.share, k =
 * single.obligor_support.reserve_multiple.
 */
static jz_fen single2_support(ctx *c, int a)
{
    const jz_policy *p = c->p;
    const jz_ratio sh = p->single_support_share, k = p->single_support_reserve;
    art8_all(c);
    uint32_t R = c->counted & ~(1u << a);
    uint32_t O = obligors_of(c, a, c->tekun, true) & R & ~kin_of(c, a, KIN_SIBLING);
    jz_fen y_r = 0, y_o = 0;
    for (uint32_t m = R; m; m &= m - 1) {
        int j = __builtin_ctz(m);
        y_r += c->own_income[j];
        if (bit(O, j) && c->age[j] >= SEED001_ELDERLY_AGE)
            O &= ~(1u << j);
    }
    for (uint32_t m = O; m; m &= m - 1)
        y_o += c->own_income[__builtin_ctz(m)];
    int n_r = __builtin_popcount(R);
    i128 reserve = (i128)k.num * c->W * n_r * c->S; /* k·W·n_R·S, times k.den */
    i128 excess = (i128)y_r * k.den - reserve;      /* times k.den */
    jz_fen support = 0;
    if (excess > 0 && y_o > 0 && sh.num > 0) {
        u128 q = mul_div_floor((u128)excess * (u128)sh.num, (u128)y_o,
                               (u128)sh.den * (u128)k.den * (u128)y_r);
        support = q > (u128)SUPPORT_CAP ? SUPPORT_CAP : (jz_fen)q;
    }
    if (c->t) {
        i128 shown = reserve / k.den;
        TR(c, JZ_RULE_SINGLE_2, a, true, D_SINGLE_SUPPORT,
           (int64_t)((uint64_t)O | (uint64_t)n_r << 32 | (uint64_t)c->W << 40 |
                     (uint64_t)ten_exponent(sh.den) << 48 | (uint64_t)ten_exponent(k.den) << 52),
           y_r, y_o, shown > SUPPORT_CAP ? SUPPORT_CAP : (int64_t)shown,
           (int64_t)((uint64_t)sh.num << 32 | (uint64_t)k.num), support);
    }
    return support;
}

/* R-SINGLE-3: the single-person unit on his own figures (n = 1): for
 * R-SINGLE-2 without the exempt support, with the support his co-resident
 * obligors owe him. */
static bool rule_single_3(ctx *c, int i, bool exempt_support, jz_fen owed)
{
    const jz_member *m = &c->h->members[i];
    const jz_policy *p = c->p;
    jz_fen exempt = 0;
    if (exempt_support) {
        if (bit(c->inc_mask, JZ_INC_SUPPORT_FROM_SIBLING))
            exempt += m->income[JZ_INC_SUPPORT_FROM_SIBLING];
        if (bit(c->inc_mask, JZ_INC_SUPPORT_FROM_ELDERLY))
            exempt += m->income[JZ_INC_SUPPORT_FROM_ELDERLY];
    }
    jz_fen own = c->own_income[i] - exempt + owed;
    i128 ws = (i128)c->W * c->S;
    i128 limit = (i128)p->dibao_assets_months * c->S;
    bool other_ok = other_assets_ok(p, m->vehicles, m->extra_houses, m->business);
    bool holds = (i128)own < ws && (i128)m->financial <= limit && other_ok;
    TR(c, JZ_RULE_SINGLE_3, i, holds, D_SINGLE_3, own, (int64_t)ws, m->financial, (int64_t)limit,
       (int64_t)other_ok | owed << 1, exempt);
    if (holds) {
        jz_person_result *pr = &c->r->persons[i];
        pr->categories = JZ_PCAT_SINGLE_DIBAO;
        pr->monthly_amount = unit_amount(c, JZ_RULE_SINGLE_3, i, 1u << i, 1, own);
        decisive(c, JZ_RULE_SINGLE_3);
    }
    return holds;
}

/* R-SINGLE-1 (低保边缘 household) and R-SINGLE-2 (成年无业重度残疾人, any
 * household): who may form a single-person unit on his own application. */
static void assess_single(ctx *c, bool dibao, bool marginal)
{
    for (uint32_t i = 0; i < c->h->n_members; i++) {
        if (!bit(c->unit, (int)i))
            continue;
        const jz_member *m = &c->h->members[i];
        bool severe = severe_disability(m);
        if (!severe && !m->serious_illness && !m->applies_alone)
            continue;
        bool adult_no_job =
            c->age[i] >= 18 && (m->employment == JZ_EMP_UNEMPLOYED || m->employment == JZ_EMP_NONE);
        int context = dibao ? 1 : marginal ? 0 : 2;
        jz_rule_id rule = adult_no_job && severe ? JZ_RULE_SINGLE_2 : JZ_RULE_SINGLE_1;
        bool cond;
        if (rule == JZ_RULE_SINGLE_2)
            cond = !dibao;
        else
            cond = !dibao && marginal && (severe || m->serious_illness);
        bool holds = cond && m->applies_alone;
        TR(c, rule, (int)i, holds, D_SINGLE_COND, severe, m->serious_illness, m->applies_alone,
           context, adult_no_job, c->age[i]);
        if (!holds)
            continue;
        jz_fen owed = rule == JZ_RULE_SINGLE_2 ? single2_support(c, (int)i) : 0;
        if (rule_single_3(c, (int)i, rule == JZ_RULE_SINGLE_2, owed)) {
            c->r->persons[i].single_rule = (uint8_t)(rule + 1);
            decisive(c, rule);
        }
    }
}

/* R-RSP-1: 刚性支出困难家庭. */
static bool rule_rsp_1(ctx *c)
{
    const jz_policy *p = c->p;
    jz_fen e = c->exp[JZ_EXP_MEDICAL] + c->exp[JZ_EXP_REHAB] + c->exp[JZ_EXP_CARE] +
               c->exp[JZ_EXP_EDUCATION];
    i128 income_limit = (i128)c->n * p->rsp_disposable_income;
    bool income_ok = (i128)c->Y < income_limit;
    bool fin = rule_ast_1(c, p->marg_assets_months, 2);
    bool expense_ok = (i128)e * p->rsp_expense_ratio.den > (i128)p->rsp_expense_ratio.num * c->Y;
    bool holds = income_ok && fin && c->ast2 && expense_ok;
    TR(c, JZ_RULE_RSP_1, -1, holds, D_RSP_1, c->Y, (int64_t)income_limit, e,
       p->rsp_expense_ratio.num, p->rsp_expense_ratio.den,
       (income_ok ? 1 : 0) | (fin && c->ast2 ? 2 : 0) | (expense_ok ? 4 : 0) | 8);
    return holds;
}

/* ---- R-EXIT, R-DEATH ---------------------------------------------------- */

/* R-EXIT-1: a 低保 household over the standard because someone found work
 * keeps its amount for exit.months. */
static void rule_exit_1(ctx *c, bool db1, bool still_dibao)
{
    const jz_household *h = c->h;
    if (h->current_programme != JZ_PROG_DIBAO && h->current_programme != JZ_PROG_DIBAO_EXPENDITURE)
        return;
    int newly = 0;
    for (uint32_t i = 0; i < h->n_members; i++)
        if (bit(c->counted, (int)i) && h->members[i].newly_employed)
            newly++;
    bool holds = !db1 && newly > 0 && !still_dibao;
    jz_date until = JZ_DATE_NONE;
    if (holds) {
        until = jz_date_add_days(jz_date_add_months(c->date, c->p->exit_months), -1);
        c->r->exit = true;
        c->r->exit_until = until;
        c->r->monthly_amount = h->current_amount;
        decisive(c, JZ_RULE_EXIT_1);
    }
    TR(c, JZ_RULE_EXIT_1, -1, holds, D_EXIT_1, h->current_programme, newly, until,
       h->current_amount, !db1, still_dibao);
}

/* R-DEATH-1: a 低保 recipient's death is checked within death.check_months
 * (seed 001 一(五) "低保对象死亡后"): only when the deceased was a 低保
 * recipient; a death in a 低保边缘 or 刚性支出 household, or of a 特困 person,
 * raises no check (the member is still not counted, R-HH-1). */
static void rule_death_1(ctx *c)
{
    const jz_household *h = c->h;
    for (uint32_t i = 0; i < h->n_members; i++) {
        const jz_member *m = &h->members[i];
        if (m->deceased == JZ_DATE_NONE)
            continue;
        bool enrolled = current_dibao(h, (int)i);
        jz_date due = JZ_DATE_NONE, from = JZ_DATE_NONE;
        if (enrolled) {
            due = jz_date_add_months(m->deceased, c->p->death_check_months);
            from = jz_date_add_months(
                jz_date_make(jz_date_year(m->deceased), jz_date_month(m->deceased), 1), 1);
            c->r->persons[i].death_check_due = due;
            c->r->persons[i].death_change_from = from;
            decisive(c, JZ_RULE_DEATH_1);
        }
        TR(c, JZ_RULE_DEATH_1, (int)i, enrolled, D_DEATH_1, m->deceased, due, from, enrolled);
    }
}

/* ---- R-TMP ------------------------------------------------------------- */

/* R-TMP-1: the uninsured unemployed: one-time grant of months × rural S.
 * "Not in 低保": neither the record (the household's or his own current
 * programme) nor this assessment puts him in 低保. */
static bool rule_tmp_1(ctx *c, int i, bool in_dibao)
{
    const jz_member *m = &c->h->members[i];
    const jz_policy *p = c->p;
    bool holds = !in_dibao && m->employment == JZ_EMP_UNEMPLOYED && !m->unemployment_insured &&
                 (m->hardship == JZ_HARD_EPIDEMIC || m->hardship == JZ_HARD_DISASTER) &&
                 m->months_without_income >= p->tmp_no_income_months;
    int months = p->tmp_unemployed_months > 1 ? p->tmp_unemployed_months : 1;
    jz_fen grant = holds ? (jz_fen)months * p->standard[JZ_AREA_RURAL] : 0;
    TR(c, JZ_RULE_TMP_1, i, holds, D_TMP_1, in_dibao, m->employment, m->unemployment_insured,
       m->hardship, m->months_without_income, grant);
    if (holds) {
        c->r->persons[i].tmp_rule = JZ_RULE_TMP_1 + 1;
        c->r->persons[i].tmp_amount = grant;
        decisive(c, JZ_RULE_TMP_1);
    }
    return holds;
}

/* R-TMP-2: sudden hardship that leaves the household's basic living in
 * serious temporary difficulty (seed 004 二.7 "导致基本生活暂时出现严重困难",
 * seed 001 二(二)): a hardship cause and the household's counted income per
 * head below temporary.hardship_income_multiple × S, exactly
 * Y·den < num·W·n·S over every counted member (before R-TK-5: the
 * household's means, not the 低保 unit's).  Temporary assistance up to
 * cap_months × S. */
static void rule_tmp_2(ctx *c, int i, jz_fen y_all, int n_all)
{
    const jz_member *m = &c->h->members[i];
    const jz_ratio k = c->p->tmp_hardship_multiple;
    i128 wns = (i128)c->W * n_all * c->S;
    bool holds = (i128)y_all * k.den < wns * k.num;
    jz_fen cap = (jz_fen)c->p->tmp_cap_months * c->S;
    TR(c, JZ_RULE_TMP_2, i, holds, D_TMP_2, m->hardship, (k.num << 32) | k.den,
       c->p->tmp_cap_months | ((int64_t)c->W << 16), c->S, y_all, (int64_t)wns);
    if (!holds)
        return;
    c->r->persons[i].tmp_rule = JZ_RULE_TMP_2 + 1;
    c->r->persons[i].tmp_amount = cap;
    decisive(c, JZ_RULE_TMP_2);
}

static void assess_temporary(ctx *c)
{
    const jz_household *h = c->h;
    jz_fen y_all = -1; /* the counted members' income, once someone needs it */
    int n_all = __builtin_popcount(c->counted);
    for (uint32_t i = 0; i < h->n_members; i++) {
        const jz_member *m = &h->members[i];
        if (!bit(c->counted, (int)i) || m->hardship == JZ_HARD_NONE)
            continue;
        uint8_t cats = c->r->persons[i].categories;
        bool in_dibao = current_dibao(h, (int)i) ||
                        (cats & (JZ_PCAT_DIBAO | JZ_PCAT_DIBAO_EXPENDITURE | JZ_PCAT_SINGLE_DIBAO));
        if (m->hardship == JZ_HARD_EPIDEMIC || m->hardship == JZ_HARD_DISASTER) {
            if (rule_tmp_1(c, (int)i, in_dibao))
                continue;
        }
        /* R-TMP-1 failed (or does not apply): R-TMP-2 only on its own
         * conditions. */
        if (y_all < 0) {
            y_all = 0;
            for (uint32_t j = 0; j < h->n_members; j++)
                if (bit(c->counted, (int)j))
                    y_all += c->own_income[j];
        }
        rule_tmp_2(c, (int)i, y_all, n_all);
    }
}

/* ---- R-REF, R-ONE ------------------------------------------------------ */

/* R-REF-1: referrals to special assistance for every person of a
 * low-income unit. */
static void rule_ref_1(ctx *c)
{
    const jz_household *h = c->h;
    const jz_policy *p = c->p;
    bool urban = h->area == JZ_AREA_URBAN;
    int housing_to = -1;
    /* The household's housing referral goes to its head (or, without one in
     * the unit, its first member); 特困 and 单人保 persons head their own units. */
    for (uint32_t i = 0; i < h->n_members; i++) {
        uint8_t cats = c->r->persons[i].categories;
        if (cats == 0 || (cats & (JZ_PCAT_TEKUN | JZ_PCAT_SINGLE_DIBAO)))
            continue;
        if (housing_to < 0 || (h->members[i].relation == JZ_REL_HEAD &&
                               h->members[housing_to].relation != JZ_REL_HEAD))
            housing_to = (int)i;
    }
    for (uint32_t i = 0; i < h->n_members; i++) {
        jz_person_result *pr = &c->r->persons[i];
        if (pr->categories == 0)
            continue;
        const jz_member *m = &h->members[i];
        bool tekun = pr->categories & JZ_PCAT_TEKUN;
        bool own_unit = pr->categories & (JZ_PCAT_TEKUN | JZ_PCAT_SINGLE_DIBAO);
        uint16_t refs = tekun ? JZ_REF_MEDICAL_PREMIUM_FULL : JZ_REF_MEDICAL_PREMIUM_FIXED;
        if (m->expenses[JZ_EXP_MEDICAL] > 0 || m->under_treatment || m->serious_illness)
            refs |= JZ_REF_MEDICAL_COSTS;
        if (m->student_level >= JZ_STU_KINDERGARTEN)
            refs |= JZ_REF_EDUCATION;
        if (own_unit || (int)i == housing_to)
            refs |= urban ? JZ_REF_HOUSING_URBAN : JZ_REF_HOUSING_RURAL;
        if (severe_disability(m) || c->age[i] >= p->tk_elderly_age)
            refs |= JZ_REF_HOUSING_ACCESSIBILITY;
        /* 就业救助 (seed 002 工作任务(三)2(4)): members of working age able to
         * work (not severely disabled, not 特困, not a full-time student);
         * in towns only those unemployed, in the countryside every one of
         * them, employed or not (产业扶持、劳务输出、以工代赈、乡村公益岗). */
        bool working_age = c->age[i] >= 18 && c->age[i] < p->tk_elderly_age;
        bool full_time_student =
            (m->student_level != JZ_STU_NONE && m->student_full_time) ||
            (m->student_level == JZ_STU_NONE && m->employment == JZ_EMP_STUDENT);
        bool able = !tekun && !severe_disability(m) && !full_time_student;
        if (working_age && able) {
            if (!urban)
                refs |= JZ_REF_EMPLOYMENT_RURAL;
            else if (m->employment == JZ_EMP_UNEMPLOYED)
                refs |= JZ_REF_EMPLOYMENT_URBAN;
        }
        if (m->hardship == JZ_HARD_DISASTER)
            refs |= JZ_REF_DISASTER;
        pr->referrals = refs;
        TR(c, JZ_RULE_REF_1, (int)i, true, D_REF_1, refs);
    }
}

/* R-ONE-1: every programme was assessed for this one application. */
static void rule_one_1(ctx *c)
{
    if (!c->t)
        return;
    int persons = 0, grants = 0, refs = 0;
    for (uint32_t i = 0; i < c->h->n_members; i++) {
        persons += c->r->persons[i].categories != 0;
        grants += c->r->persons[i].tmp_rule != 0;
        refs += __builtin_popcount(c->r->persons[i].referrals);
    }
    TR(c, JZ_RULE_ONE_1, -1, true, D_ONE_1, c->r->category, persons, grants, refs);
}

/* ---- jz_assess ---------------------------------------------------------- */

static void household_programmes(ctx *c)
{
    jz_result *r = c->r;
    if (c->n == 0) {
        /* Every counted member is 特困 (or nobody is counted): no household
         * programme applies; R-TK-5 (or R-HH) decided. */
        r->category = JZ_CAT_NONE;
        return;
    }
    rule_inc_1(c);
    rule_inc_2(c);
    unit_totals(c);
    c->ast2 = rule_ast_2(c);

    bool db1 = rule_db_1(c);
    bool db2 = rule_db_2(c);
    bool dibao = rule_db_3(c, db1, db2);
    uint8_t causes = 0;
    if (dibao) {
        r->category = JZ_CAT_DIBAO;
        decisive(c, JZ_RULE_DB_1);
        decisive(c, JZ_RULE_DB_2);
        decisive(c, JZ_RULE_DB_3);
        r->monthly_amount = rule_db_amt(c);
        rule_hh_4(c, JZ_PCAT_DIBAO);
    } else {
        /* R-EXP applies only when the income test failed (seed 000 二: 收入
         *高于低保标准). */
        if (!db1)
            causes = assess_expenditure(c);
        if (causes) {
            r->category = JZ_CAT_DIBAO_EXPENDITURE;
            r->causes = causes;
            decisive(c, JZ_RULE_DB_1);
            r->monthly_amount = rule_exp_amt(c);
            rule_hh_4(c, JZ_PCAT_DIBAO_EXPENDITURE);
        } else {
            /* Not 低保: the tests that failed decided it. */
            if (!db1) {
                decisive(c, JZ_RULE_DB_1);
                decisive(c, JZ_RULE_EXP_3);
            }
            if (!db2)
                decisive(c, JZ_RULE_DB_2);
        }
    }
    bool is_dibao = r->category != JZ_CAT_NONE;
    bool marginal = false;
    if (!is_dibao) {
        marginal = rule_marg_1(c);
        decisive(c, JZ_RULE_MARG_1);
        if (marginal) {
            r->category = JZ_CAT_MARGINAL;
            for (uint32_t i = 0; i < c->h->n_members; i++)
                if (bit(c->unit, (int)i))
                    r->persons[i].categories |= JZ_PCAT_MARGINAL;
        }
    }
    assess_single(c, is_dibao, marginal);
    if (!is_dibao && !marginal) {
        bool rsp = rule_rsp_1(c);
        decisive(c, JZ_RULE_RSP_1);
        if (rsp) {
            r->category = JZ_CAT_RIGID_EXPENDITURE;
            for (uint32_t i = 0; i < c->h->n_members; i++)
                if (bit(c->unit, (int)i) && r->persons[i].categories == 0)
                    r->persons[i].categories |= JZ_PCAT_RIGID_EXPENDITURE;
        }
    }
    rule_exit_1(c, db1, is_dibao);
}

/* Starts an assessment: the context, an empty result and trace, each
 * member's age and counted income, who is counted (R-HH-1/2). */
static inline __attribute__((always_inline)) void
begin(ctx *c, const jz_household *h, const jz_policy *p, jz_result *out, jz_trace *trace)
{
    memset(c, 0, offsetof(ctx, age));
    c->h = h;
    c->p = p;
    c->r = out;
    c->t = trace;
    c->date = h->assess_date;
    c->S = p->standard[h->area < JZ_AREA_COUNT ? h->area : JZ_AREA_RURAL];
    c->W = p->window_months;
    c->inc_mask = ((1u << JZ_INC_FIRST_EXCLUDED) - 1u) & ~p->excluded_income;
    if (trace) {
        trace->n = 0;
        trace->dropped = 0;
    }
    memset(out, 0, offsetof(jz_result, persons));
    out->n_persons = h->n_members;
    out->standard = c->S;
    memset(out->persons, 0, sizeof out->persons[0] * h->n_members);

    for (uint32_t i = 0; i < h->n_members; i++) {
        const jz_member *m = &h->members[i];
        c->age[i] = jz_date_age(m->birth, c->date);
        c->own_income[i] = income_sum(m, c->inc_mask);
    }
    rule_hh_1(c);
    rule_hh_2(c);
}

/* Each obl_reason as the supporters[].status a record writes for it. */
static const uint8_t obl_status[OBL_COUNT] = {[OBL_ABLE] = JZ_SUP_ABLE,
                                              [OBL_ABLE_DETOX] = JZ_SUP_ABLE,
                                              [OBL_ABLE_RELIGIOUS] = JZ_SUP_ABLE,
                                              [OBL_ABLE_OVER_C] = JZ_SUP_ABLE,
                                              [OBL_ABLE_OVER_D] = JZ_SUP_ABLE,
                                              [OBL_TEKUN] = JZ_SUP_TEKUN,
                                              [OBL_DIBAO_ELDERLY] = JZ_SUP_DIBAO_ELDERLY,
                                              [OBL_ELDERLY_LOW] = JZ_SUP_ELDERLY_LOW_INCOME,
                                              [OBL_SEVERE_LOW] =
                                                  JZ_SUP_SEVERE_DISABILITY_LOW_INCOME,
                                              [OBL_PRISON] = JZ_SUP_IMPRISONED,
                                              [OBL_MISSING] = JZ_SUP_MISSING};

void jz_assess_coresident(const jz_household *h, const jz_policy *p, jz_coresident *out)
{
    ctx c;
    jz_result r;
    begin(&c, h, p, &r, NULL);
    find_tekun(&c);
    art8_all(&c);
    memset(out, 0, sizeof *out);
    out->tekun = c.tekun;
    for (uint32_t i = 0; i < h->n_members; i++) {
        uint8_t reason = bit(c.tekun, (int)i) ? OBL_TEKUN : c.art8[i];
        out->status[i] = obl_status[reason];
        if (h->members[i].deceased == JZ_DATE_NONE)
            out->obligors[i] = obligors_of(&c, (int)i, c.tekun, tk2_disability(&c, (int)i));
    }
}

void jz_assess(const jz_household *h, const jz_policy *p, jz_result *out, jz_trace *trace)
{
    ctx c;
    begin(&c, h, p, out, trace);
    for (uint32_t i = 0; i < h->n_members; i++)
        out->persons[i].counted = bit(c.counted, (int)i);
    assess_tekun(&c);
    rule_tk_5(&c);
    household_programmes(&c);
    rule_death_1(&c);
    assess_temporary(&c);
    rule_ref_1(&c);
    rule_one_1(&c);

    out->counted_members = c.n;
    out->income = c.Y;
    out->deductible = c.D;
    out->financial = c.F;
}
