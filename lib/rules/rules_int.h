/*
 * rules_int.h - internals shared by the engine (engine.c) and the trace
 * formatter (trace.c): the detail templates of trace entries.  Each template
 * fixes what the entry's numbers v[0..5] mean; trace.c turns them into the
 * Chinese sentence a caseworker reads.
 */
#ifndef JZ_RULES_INT_H
#define JZ_RULES_INT_H

#include <stdint.h>

#include "jiuzhu/jz_household.h"

typedef enum detail_id {
    D_HH_COUNT = 0,  /* v0 members in record, v1 counted */
    D_HH_DECEASED,   /* member; v0 death date */
    D_HH_ABSENT,     /* member; v0 presence */
    D_HH_ABSENT_SUM, /* v0 members not counted for absence */
    D_INC_COUNTED,   /* v0 Y, v1 window months, v2 members whose income counts */
    D_INC_EXCLUDED,  /* v0 total not counted, v1 of which city exclusions */
    D_AST_1, /* v0 F, v1 months, v2 S, v3 n, v4 limit, v5 programme (0 dibao 1 exp 2 marg 3 tekun 4
                single) */
    D_AST_2, /* v0 vehicles, v1 max, v2 houses, v3 max, v4 business, v5 allowed */
    D_TK_2,  /* member; v0 age, v1 reason (0 none 1 elderly 2 minor 3 minor in school 4 disability),
                v2 disability, v3 grade, v4 threshold */
    D_TK_3,  /* member; v0 own income, v1 W*S, v2 own F, v3 limit, v4 other assets ok */
    D_TK_4,  /* member; v0 investigated, v1 supporters listed, v2 listed unable, v3 co-resident
                obligors (bits 0-31) | those unable << 32, v4 / v5 each obligor's obl_reason,
                4 bits per member (members 0-15 in v4, 16-31 in v5) */
    D_TK_1,  /* member; v0 TK-2, v1 TK-3, v2 TK-4 */
    D_TK_CARE,   /* member; v0 failed items, v1 level */
    D_TK_AMT,    /* member; v0 basic, v1 care, v2 total, v3 multiple num, v4 den, v5 S */
    D_TK_5,      /* v0 tekun persons, v1 remaining n */
    D_LT_STD,    /* v0 Y, v1 W, v2 n, v3 S, v4 W*n*S */
    D_AND2,      /* v0 first part holds, v1 second part holds, v2 what (0 DB-2, 1 DB-3, 2 EXP-2) */
    D_EXP_CAUSE, /* v0 persons meeting the condition, v1 deductible, v2 persons excluded, v3 cause
                    (0 ill 1 dis 2 edu) */
    D_EXP_MULTI, /* v0 contributing causes, v1 D */
    D_EXP_1,     /* v0 Y, v1 D, v2 Y-D, v3 W*n*S, v4 n, v5 S */
    D_EXP_3,     /* v0 causes mask, v1 EXP-1, v2 EXP-2 */
    D_AMT_BASE,  /* v0 n, v1 S, v2 basis B, v3 W, v4 exact fen amount, v5 rounded */
    D_AMT_FINAL, /* v0 rounded, v1 minimum total, v2 supplements, v3 final, v4 supplement persons */
    D_MARG_1,    /* v0 Y, v1 W*n*S, v2 multiple num, v3 den, v4 financial ok, v5 other assets ok */
    D_SINGLE_COND, /* member; v0 severe disability, v1 serious illness, v2 applies alone, v3
                      household context (0 marginal 1 dibao 2 other), v4 adult & no job, v5 age */
    D_SINGLE_3, /* member; v0 own income (with support owed), v1 W*S, v2 own F, v3 limit, v4 other
                   assets ok | support owed << 1, v5 exempt support */
    D_SINGLE_SUPPORT, /* member; v0 obligors O (bits 0-31) | n_R << 32 | W << 40 | share's den
                         exponent << 48 | k's den exponent << 52, v1 Y_R, v2 Y_O, v3 k*W*n_R*S
                         (floor), v4 share num << 32 | k num, v5 support owed */
    D_RSP_1, /* v0 Y, v1 n*Dprev, v2 E, v3 ratio num, v4 den, v5 bits: 1 income 2 assets 4 expense 8
                applicable */
    D_EXIT_1,  /* v0 current programme, v1 newly employed, v2 until, v3 amount, v4 DB-1 failed, v5
                  still 低保 */
    D_DEATH_1, /* member; v0 death date, v1 due, v2 change from, v3 a 低保 recipient */
    D_TMP_1, /* member; v0 in 低保, v1 employment, v2 insured, v3 cause, v4 months without income,
                v5 grant */
    D_TMP_2, /* member; v0 cause, v1 hardship multiple num << 32 | den, v2 cap months | W << 16, v3
                S, v4 counted members' income Y, v5 W*n*S (n = every counted member) */
    D_REF_1, /* member; v0 referral bits */
    D_ONE_1, /* v0 category, v1 persons with a category, v2 temporary grants, v3 referrals */
    D_COUNT
} detail_id;

/*
 * Kinship inferred from relations to the head, only where certain
 * (docs/engine.md, R-TK-4): what member j is to member i.  Pairs that are not
 * certain (a grandchild and a child of the head; a grandparent and a parent
 * of the head; the spouse and the head's parents, who are in-laws; the
 * head's sibling and anyone but the head) are KIN_NONE.
 */
enum kin {
    KIN_NONE = 0,
    KIN_SPOUSE,
    KIN_PARENT,      /* j is i's father or mother */
    KIN_CHILD,       /* j is i's child */
    KIN_GRANDPARENT, /* j is i's grandparent (祖父母、外祖父母) */
    KIN_GRANDCHILD,  /* j is i's grandchild (孙子女、外孙子女) */
    KIN_SIBLING,     /* j is i's brother or sister */
    KIN_COUNT
};

static inline int jz__kin(uint8_t rel_i, uint8_t rel_j)
{
    enum { H = JZ_REL_HEAD, S = JZ_REL_SPOUSE, C = JZ_REL_CHILD, P = JZ_REL_PARENT };
    enum { GP = JZ_REL_GRANDPARENT, GC = JZ_REL_GRANDCHILD, SB = JZ_REL_SIBLING };
    static const uint8_t table[JZ_REL_COUNT][JZ_REL_COUNT] = {
        [H] = {[S] = KIN_SPOUSE,
               [C] = KIN_CHILD,
               [P] = KIN_PARENT,
               [GP] = KIN_GRANDPARENT,
               [GC] = KIN_GRANDCHILD,
               [SB] = KIN_SIBLING},
        [S] = {[H] = KIN_SPOUSE, [C] = KIN_CHILD, [GC] = KIN_GRANDCHILD},
        [C] = {[H] = KIN_PARENT, [S] = KIN_PARENT, [P] = KIN_GRANDPARENT, [C] = KIN_SIBLING},
        [P] = {[H] = KIN_CHILD, [C] = KIN_GRANDCHILD},
        [GP] = {[H] = KIN_GRANDCHILD},
        [GC] = {[H] = KIN_GRANDPARENT, [S] = KIN_GRANDPARENT},
        [SB] = {[H] = KIN_SIBLING},
    };
    return rel_i < JZ_REL_COUNT && rel_j < JZ_REL_COUNT ? table[rel_i][rel_j] : KIN_NONE;
}

/* Why a co-resident obligor is able or unable to support ([43] Art 8).
 * The unable ones come from OBL_UNABLE_FIRST on. */
enum obl_reason {
    OBL_ABLE = 0,
    OBL_ABLE_DETOX,     /* away in 强制隔离戒毒: not an Art 8 category */
    OBL_ABLE_RELIGIOUS, /* 宗教教职人员 living apart: not an Art 8 category */
    OBL_ABLE_OVER_C,    /* >= 70 or severely disabled, but income or assets over (c)'s limits */
    OBL_ABLE_OVER_D,    /* in prison or missing, but assets over the 特困 limits */
    OBL_TEKUN,          /* (a) 特困 in this assessment */
    OBL_DIBAO_ELDERLY,  /* (b) >= 60 and a 低保 recipient */
    OBL_ELDERLY_LOW,    /* (c) >= 70, low income, assets within the 低保边缘 limits */
    OBL_SEVERE_LOW,     /* (c) severely disabled, low income, assets within those limits */
    OBL_PRISON,         /* (d) in prison, assets within the 特困 limits */
    OBL_MISSING,        /* (d) missing, assets within the 特困 limits */
    OBL_COUNT
};
#define OBL_UNABLE_FIRST OBL_TEKUN

#endif
