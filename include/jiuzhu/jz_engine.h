/*
 * jz_engine.h - the eligibility engine: one household, every programme.
 *
 * jz_assess is pure: a household, the parameters resolved for its county and
 * date, and it fills a result.  No I/O, no globals, no allocation, integer
 * arithmetic only.  With a trace it also records every rule it evaluated and
 * the numbers it compared; with trace == NULL (bulk runs) only the decisive
 * rule set is kept, and a full trace comes from re-assessing one household.
 * docs/engine.md states the arithmetic of every rule.
 */
#ifndef JZ_ENGINE_H
#define JZ_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "jz_household.h"
#include "jz_params.h"
#include "jz_rules.h"

typedef enum jz_category {
    JZ_CAT_NONE = 0,
    JZ_CAT_DIBAO,
    JZ_CAT_DIBAO_EXPENDITURE,
    JZ_CAT_MARGINAL,
    JZ_CAT_RIGID_EXPENDITURE,
    JZ_CAT_COUNT
} jz_category;
extern const char *const jz_category_names[JZ_CAT_COUNT];

/* Person categories (bits of jz_person_result.categories), in output order. */
enum {
    JZ_PCAT_DIBAO = 1u << 0,
    JZ_PCAT_DIBAO_EXPENDITURE = 1u << 1,
    JZ_PCAT_SINGLE_DIBAO = 1u << 2,
    JZ_PCAT_TEKUN = 1u << 3,
    JZ_PCAT_MARGINAL = 1u << 4,
    JZ_PCAT_RIGID_EXPENDITURE = 1u << 5
};
#define JZ_PCAT_COUNT 6
extern const char *const jz_pcat_names[JZ_PCAT_COUNT];

/* 支出型 causes (bits of jz_result.causes), in output order. */
enum { JZ_CAUSE_ILLNESS = 1u << 0, JZ_CAUSE_DISABILITY = 1u << 1, JZ_CAUSE_EDUCATION = 1u << 2 };
#define JZ_CAUSE_COUNT 3
extern const char *const jz_cause_names[JZ_CAUSE_COUNT];

/* Referrals to special assistance (bits of jz_person_result.referrals). */
enum {
    JZ_REF_MEDICAL_PREMIUM_FULL = 1u << 0,  /* 特困: full resident premium */
    JZ_REF_MEDICAL_PREMIUM_FIXED = 1u << 1, /* other low-income: fixed subsidy */
    JZ_REF_MEDICAL_COSTS = 1u << 2,         /* out-of-pocket costs after insurance */
    JZ_REF_EDUCATION = 1u << 3,
    JZ_REF_HOUSING_URBAN = 1u << 4,         /* public rental housing or rent subsidy */
    JZ_REF_HOUSING_RURAL = 1u << 5,         /* dangerous-house renovation */
    JZ_REF_HOUSING_ACCESSIBILITY = 1u << 6, /* accessibility / ageing-friendly works */
    JZ_REF_EMPLOYMENT_URBAN = 1u << 7,
    JZ_REF_EMPLOYMENT_RURAL = 1u << 8, /* incl. public-welfare jobs */
    JZ_REF_DISASTER = 1u << 9
};
#define JZ_REF_COUNT 10
/* kind ("medical", "education", "housing", "employment", "disaster") and a
 * Chinese description of each referral bit. */
extern const char *const jz_ref_kinds[JZ_REF_COUNT];
extern const char *const jz_ref_details[JZ_REF_COUNT];

typedef struct jz_person_result {
    uint8_t counted;         /* R-HH-1/2: counted in the household */
    uint8_t categories;      /* JZ_PCAT_* */
    uint8_t care_level;      /* jz_care_level, for 特困 */
    uint8_t tmp_rule;        /* 0, or JZ_RULE_TMP_1 / JZ_RULE_TMP_2 + 1 */
    uint16_t referrals;      /* JZ_REF_* */
    uint8_t single_rule;     /* 0, or JZ_RULE_SINGLE_1 / JZ_RULE_SINGLE_2 + 1 */
    jz_fen monthly_amount;   /* own unit (特困, single_dibao); 0 otherwise */
    jz_fen tmp_amount;       /* R-TMP-1 grant or R-TMP-2 cap */
    jz_date death_check_due; /* R-DEATH-1, JZ_DATE_NONE if none */
    jz_date death_change_from;
} jz_person_result;

typedef struct jz_result {
    uint8_t category;        /* jz_category */
    uint8_t causes;          /* JZ_CAUSE_* */
    bool exit;               /* R-EXIT-1 gradual exit */
    int32_t counted_members; /* n after R-HH-2 and R-TK-5 */
    jz_fen standard;         /* S */
    jz_fen income;           /* Y */
    jz_fen deductible;       /* D */
    jz_fen financial;        /* F */
    jz_fen monthly_amount;   /* household 低保 amount (or exit amount) */
    jz_date exit_until;
    uint64_t decisive; /* bit r set: rule r decided the outcome (r < 64) */
    uint32_t n_persons;
    jz_person_result persons[JZ_MAX_MEMBERS];
} jz_result;

_Static_assert(JZ_RULE_ONE_1 < 64, "engine rules must fit the decisive bit set");

/* One evaluated rule: which, for whom, whether it held, and its numbers. */
typedef struct jz_trace_entry {
    uint8_t rule;   /* jz_rule_id */
    int8_t member;  /* member index, -1 for the household */
    uint8_t holds;  /* JZ_HOLDS_* */
    uint8_t detail; /* detail template (lib/rules/trace.c) */
    int64_t v[6];   /* the numbers compared, per template */
} jz_trace_entry;

enum { JZ_HOLDS_NO = 0, JZ_HOLDS_YES = 1, JZ_HOLDS_NA = 2 };

/* Enough for JZ_MAX_MEMBERS members: a fixed number of household entries
 * plus a bounded number per member (checked by a test). */
#define JZ_TRACE_MAX 1024
typedef struct jz_trace {
    uint32_t n;
    uint32_t dropped; /* entries that did not fit (never expected) */
    jz_trace_entry e[JZ_TRACE_MAX];
} jz_trace;

/*
 * Assesses household h under policy p (resolved for h's county and
 * h->assess_date).  Fills *out; when trace != NULL, resets it and records
 * every rule evaluated.  Never fails: inputs were validated by the reader.
 */
void jz_assess(const jz_household *h, const jz_policy *p, jz_result *out, jz_trace *trace);

/*
 * R-TK-4 as jz_assess finds it, for whoever writes records (the generator,
 * so that a record's `supporters` never contradict its own members; an
 * importer that wants to check them): for each living member i, the
 * members of the same record who owe him support (obligors[i], bit j =
 * member j; docs/engine.md "R-TK-4"), and for each member j, his ability to
 * support as a supporters[].status (JZ_SUP_ABLE, or the [43] Art 8 category
 * that makes him unable).  Who owes depends on who is 特困, so this runs the
 * same fixpoint as jz_assess.  Pure: no I/O, no allocation.
 */
typedef struct jz_coresident {
    uint32_t tekun;                    /* counted members 特困 in this assessment */
    uint32_t obligors[JZ_MAX_MEMBERS]; /* members owing member i support */
    uint8_t status[JZ_MAX_MEMBERS];    /* jz_supporter_status of member j */
} jz_coresident;

void jz_assess_coresident(const jz_household *h, const jz_policy *p, jz_coresident *out);

/* Writes the Chinese detail of a trace entry ("家庭12个月收入 Y=... < ..."). */
void jz_trace_detail(const jz_trace_entry *e, const jz_household *h, char *buf, size_t n);

#endif
