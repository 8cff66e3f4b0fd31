/*
 * jz_params.h - policy parameters as data (POLICY.md "Parameters").
 *
 * Every parameter has a name ("dibao.standard.rural"), a type, and values in
 * files under policy/params/ (JSON files), each value with a region (province "14",
 * city "1409" or county "140902") and an effective date.  Resolving for a
 * county and a date picks, for each parameter, the most specific region that
 * has a value in force on that date (county over city over province), and
 * among those the latest `from`.  `--param NAME=VALUE` overrides a parameter
 * for every region and date of a run (what-if).  Nothing in the code holds a
 * parameter's value: a parameter with no value in force is an error.
 *
 * The resolved values go into a jz_policy, a plain struct the engine reads.
 */
#ifndef JZ_PARAMS_H
#define JZ_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jz_date.h"
#include "jz_err.h"
#include "jz_household.h"
#include "jz_money.h"

/* An exact decimal ratio num/den (1.5 = 15/10); den is a power of ten. */
typedef struct jz_ratio {
    int64_t num;
    int64_t den;
} jz_ratio;

typedef enum jz_rounding {
    JZ_ROUND_YUAN_UP = 0, /* round up to the whole yuan */
    JZ_ROUND_FEN_UP,      /* round up to the fen */
    JZ_ROUND_COUNT
} jz_rounding;

typedef enum jz_amount_basis {
    JZ_BASIS_ADJUSTED_INCOME = 0, /* Y - D (R-EXP-AMT) */
    JZ_BASIS_INCOME,              /* Y */
    JZ_BASIS_COUNT
} jz_amount_basis;

typedef enum jz_care_level {
    JZ_CARE_CAPABLE = 0, /* 具备生活自理能力 */
    JZ_CARE_PARTIAL,     /* 部分丧失 */
    JZ_CARE_NONE,        /* 完全丧失 */
    JZ_CARE_COUNT
} jz_care_level;

/* Every parameter, in the order of jz_param_defs.  JZ_P_<NAME> indexes it. */
typedef enum jz_param_id {
    JZ_P_DIBAO_STANDARD_URBAN = 0,
    JZ_P_DIBAO_STANDARD_RURAL,
    JZ_P_INCOME_WINDOW_MONTHS,
    JZ_P_INCOME_EXCLUDED_KINDS,
    JZ_P_DIBAO_ASSETS_FINANCIAL_MONTHS,
    JZ_P_ASSETS_MAX_VEHICLES,
    JZ_P_ASSETS_MAX_EXTRA_HOUSES,
    JZ_P_ASSETS_BUSINESS_ALLOWED,
    JZ_P_DIBAO_AMOUNT_ROUNDING,
    JZ_P_DIBAO_AMOUNT_MIN_PER_PERSON,
    JZ_P_DIBAO_SUPPLEMENT_ELDERLY,
    JZ_P_DIBAO_SUPPLEMENT_ELDERLY_AGE,
    JZ_P_DIBAO_SUPPLEMENT_MINOR,
    JZ_P_DIBAO_SUPPLEMENT_SEVERE_DISABILITY,
    JZ_P_DIBAO_SUPPLEMENT_SERIOUS_ILLNESS,
    JZ_P_EXPENDITURE_ASSETS_FINANCIAL_MONTHS,
    JZ_P_EXPENDITURE_AMOUNT_BASIS,
    JZ_P_MARGINAL_INCOME_MULTIPLE,
    JZ_P_MARGINAL_ASSETS_FINANCIAL_MONTHS,
    JZ_P_EXIT_MONTHS,
    JZ_P_DEATH_CHECK_MONTHS,
    JZ_P_TEKUN_ELDERLY_AGE,
    JZ_P_TEKUN_MINOR_AGE,
    JZ_P_TEKUN_MINOR_AGE_IN_SCHOOL,
    JZ_P_TEKUN_DISABILITY_MAX_GRADE_VISION,
    JZ_P_TEKUN_DISABILITY_MAX_GRADE_HEARING,
    JZ_P_TEKUN_DISABILITY_MAX_GRADE_SPEECH,
    JZ_P_TEKUN_DISABILITY_MAX_GRADE_LIMB,
    JZ_P_TEKUN_DISABILITY_MAX_GRADE_INTELLECTUAL,
    JZ_P_TEKUN_DISABILITY_MAX_GRADE_MENTAL,
    JZ_P_TEKUN_DISABILITY_MAX_GRADE_MULTIPLE,
    JZ_P_TEKUN_BASIC_MULTIPLE,
    JZ_P_TEKUN_CARE_CAPABLE,
    JZ_P_TEKUN_CARE_PARTIAL,
    JZ_P_TEKUN_CARE_NONE,
    JZ_P_TEKUN_ASSETS_FINANCIAL_MONTHS,
    JZ_P_RSP_DISPOSABLE_INCOME,
    JZ_P_RSP_EXPENSE_RATIO,
    JZ_P_TEMPORARY_UNEMPLOYED_MONTHS,
    JZ_P_TEMPORARY_NO_INCOME_MONTHS,
    JZ_P_TEMPORARY_CAP_MONTHS,
    JZ_P_TEMPORARY_HARDSHIP_INCOME_MULTIPLE,
    JZ_P_SINGLE_OBLIGOR_SUPPORT_SHARE,
    JZ_P_SINGLE_OBLIGOR_SUPPORT_RESERVE_MULTIPLE,
    JZ_P_WORKFLOW_TOTAL_DAYS,
    JZ_P_WORKFLOW_TOWNSHIP_DAYS,
    JZ_P_WORKFLOW_EXTENDED_DAYS,
    JZ_P_WORKFLOW_NOTICE_DAYS,
    JZ_P_WORKFLOW_REVIEW_LEAD_DAYS,
    JZ_P_TEMPORARY_SMALL_FIRST_MONTHS,
    JZ_P_MONITOR_MEDICAL_THRESHOLD,
    JZ_P_MONITOR_MEDICAL_WINDOW_MONTHS,
    JZ_P_MONITOR_MEDICAL_INCOME_SHARE,
    JZ_P_MONITOR_DEADLINE_A,
    JZ_P_MONITOR_DEADLINE_B,
    JZ_P_MONITOR_DEADLINE_C,
    JZ_P_MONITOR_DEADLINE_D,
    JZ_P_MONITOR_HOUSING_FUND_THRESHOLD,
    JZ_P_MONITOR_PENSION_THRESHOLD,
    JZ_P_MONITOR_PENSION_CONTRIBUTION_THRESHOLD,
    JZ_P_COUNT
} jz_param_id;

typedef enum jz_param_type {
    JZ_PT_MONEY = 0, /* yuan with <= 2 decimals -> fen */
    JZ_PT_INT,       /* whole number within [min, max] */
    JZ_PT_RATIO,     /* non-negative decimal -> jz_ratio */
    JZ_PT_BOOL,      /* true | false */
    JZ_PT_ROUNDING,  /* yuan_up | fen_up */
    JZ_PT_BASIS,     /* adjusted_income | income */
    JZ_PT_KINDS      /* list of income kinds (names of jz_income_kind) */
} jz_param_type;

typedef struct jz_param_def {
    const char *name;
    jz_param_type type;
    int64_t min, max; /* for JZ_PT_INT */
    const char *unit; /* e.g. "元/人/月", "月", "岁" */
    const char *doc;  /* one line, Chinese */
} jz_param_def;

extern const jz_param_def jz_param_defs[JZ_P_COUNT];

/* Index of a parameter by name, or -1. */
int jz_param_find(const char *name);

/* The resolved, typed parameters in force for one county on one date. */
typedef struct jz_policy {
    char county[7];
    jz_date date;
    jz_fen standard[JZ_AREA_COUNT]; /* monthly dibao standard per person */
    int window_months;
    uint32_t excluded_income; /* bitmask over jz_income_kind (city exclusions) */
    int dibao_assets_months;
    int max_vehicles;
    int max_extra_houses;
    bool business_allowed;
    uint8_t dibao_rounding; /* jz_rounding */
    jz_fen dibao_min_per_person;
    jz_fen supp_elderly;
    int supp_elderly_age;
    jz_fen supp_minor;
    jz_fen supp_severe_disability;
    jz_fen supp_serious_illness;
    int exp_assets_months;
    uint8_t exp_amount_basis; /* jz_amount_basis */
    jz_ratio marg_multiple;
    int marg_assets_months;
    int exit_months;
    int death_check_months;
    int tk_elderly_age;
    int tk_minor_age;
    int tk_minor_age_in_school;
    uint8_t tk_max_grade[JZ_DIS_COUNT]; /* per disability category; 0 = none qualifies */
    jz_ratio tk_basic_multiple;
    jz_fen tk_care[JZ_CARE_COUNT];
    int tk_assets_months;
    jz_fen rsp_disposable_income; /* per person per year */
    jz_ratio rsp_expense_ratio;
    int tmp_unemployed_months;
    int tmp_no_income_months;
    int tmp_cap_months;
    jz_ratio tmp_hardship_multiple;  /* R-TMP-2: income per head below this multiple of S */
    jz_ratio single_support_share;   /* R-SINGLE-2: share of the obligors' excess owed */
    jz_ratio single_support_reserve; /* R-SINGLE-2: k, standards per head the family keeps */
    int wf_total_days;
    int wf_township_days;
    int wf_extended_days;
    int wf_notice_days;
    int wf_review_lead_days;     /* a review case opens this many days before it is due */
    int tmp_small_first_months;  /* 小金额先行救助: at most this many months of S */
    jz_fen mon_medical_threshold;    /* out-of-pocket costs in the window */
    int mon_medical_window_months;
    jz_ratio mon_medical_income_share; /* ... or this share of the household's income */
    int mon_deadline[4];             /* working days to handle an alert of category A..D */
    jz_fen mon_housing_fund_threshold;  /* monthly housing fund deposit over which: D */
    jz_fen mon_pension_threshold;       /* monthly pension over which: D */
    jz_fen mon_pension_contribution_threshold; /* monthly contribution base over which: D */
} jz_policy;

/* All parameter values of a run. Opaque. */
typedef struct jz_paramset jz_paramset;

/* An empty set (add values with jz_paramset_load_file / _override). */
jz_paramset *jz_paramset_new(void);
void jz_paramset_free(jz_paramset *ps);

/*
 * Loads one JSON file: {"description": "...", "params": [{"name": ...,
 * "value": ..., "region": "14", "from": "YYYY-MM-DD", "until": "YYYY-MM-DD"
 * (optional, exclusive), "source": "...", "reference": true|false (optional),
 * "note": "..." (optional)}, ...]}.  Unknown fields, unknown names, values of
 * the wrong type and duplicate (name, region, from) are errors naming the
 * file, the entry and the field.
 */
jz_err jz_paramset_load_file(jz_paramset *ps, const char *path, jz_error *err);

/* Loads every *.json in dir, in name order. */
jz_err jz_paramset_load_dir(jz_paramset *ps, const char *dir, jz_error *err);

/* A copy of ps that changes apart from it (a what-if on a shared set);
 * NULL when out of memory. */
jz_paramset *jz_paramset_copy(const jz_paramset *ps);

/* Applies "NAME=VALUE" as an override for every region and date. */
jz_err jz_paramset_override(jz_paramset *ps, const char *assignment, jz_error *err);

/*
 * Resolves every parameter for a county (6 digits) on a date.  A parameter
 * without a value in force is an error naming it, the county and the date.
 */
jz_err jz_policy_resolve(const jz_paramset *ps, const char *county, jz_date date, jz_policy *out,
                         jz_error *err);

/* Resolves only the parameters first <= id < last (the others stay zero):
 * monitoring people outside the registry needs its own parameters only,
 * which the province sets, not a county's 低保 standard. */
jz_err jz_policy_resolve_some(const jz_paramset *ps, const char *county, jz_date date, int first,
                              int last, jz_policy *out, jz_error *err);

/* Where the value of parameter id in a resolved policy came from: writes e.g.
 * "policy/params/standards.json 140902 from 2024-01-01 (参考值)" or "--param". */
void jz_policy_provenance(const jz_paramset *ps, const char *county, jz_date date, jz_param_id id,
                          char *buf, size_t n);

/* Formats the value of parameter id in p as text ("520.00", "1.5", "true",
 * "yuan_up", "[\"scholarship\"]"). */
void jz_policy_format_value(const jz_policy *p, jz_param_id id, char *buf, size_t n);

/* Sets parameter `name` of a resolved policy to the value `text` (as in
 * `--param NAME=VALUE`): a what-if for one assessment that leaves the
 * parameter set alone, so that threads sharing one set may each change their
 * own copy.  JZ_ENOTFOUND for an unknown name, JZ_EINPUT (or JZ_ERANGE) for a
 * bad value; err's field is the name. */
jz_err jz_policy_set(jz_policy *p, const char *name, const char *text, jz_error *err);

#endif
