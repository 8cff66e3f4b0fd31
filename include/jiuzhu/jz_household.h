/*
 * jz_household.h - the household record (FORMATS.md "The household record").
 *
 * A plain value struct the rules engine reads.  Income and expense items are
 * summed by kind when the record is read (the engine only needs totals per
 * member and kind; the kind decides R-INC-1/R-INC-2), so a member has a
 * fixed size and the engine never allocates.  Members live in an array owned
 * by whoever filled the household (the reader, a snapshot, a test).
 */
#ifndef JZ_HOUSEHOLD_H
#define JZ_HOUSEHOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "jz_date.h"
#include "jz_idnum.h"
#include "jz_money.h"
#include "jz_region.h"

/* Upper bound on members in one record; a larger record is an input error. */
#define JZ_MAX_MEMBERS 32
#define JZ_HOUSEHOLD_ID_MAX 64 /* bytes including terminator */
#define JZ_NAME_MAX 64         /* bytes including terminator (UTF-8) */

typedef enum jz_area { JZ_AREA_URBAN = 0, JZ_AREA_RURAL, JZ_AREA_COUNT } jz_area;

typedef enum jz_relation {
    JZ_REL_HEAD = 0,
    JZ_REL_SPOUSE,
    JZ_REL_CHILD,
    JZ_REL_PARENT,
    JZ_REL_GRANDPARENT,
    JZ_REL_GRANDCHILD,
    JZ_REL_SIBLING,
    JZ_REL_OTHER,
    JZ_REL_COUNT
} jz_relation;

typedef enum jz_presence {
    JZ_PRES_PRESENT = 0,
    JZ_PRES_PRISON,
    JZ_PRES_DETOX,
    JZ_PRES_MISSING,
    JZ_PRES_RELIGIOUS_AWAY,
    JZ_PRES_COUNT
} jz_presence;

typedef enum jz_employment {
    JZ_EMP_NONE = 0,
    JZ_EMP_EMPLOYED,
    JZ_EMP_UNEMPLOYED,
    JZ_EMP_STUDENT,
    JZ_EMP_RETIRED,
    JZ_EMP_COUNT
} jz_employment;

/* hardship_cause: epidemic and disaster are R-TMP-1's causes; the others are
 * the sudden hardships of R-TMP-2 (an extension of FORMATS.md's list). */
typedef enum jz_hardship {
    JZ_HARD_NONE = 0,
    JZ_HARD_EPIDEMIC,
    JZ_HARD_DISASTER,
    JZ_HARD_FIRE,
    JZ_HARD_ACCIDENT,
    JZ_HARD_SUDDEN_ILLNESS,
    JZ_HARD_EDUCATION_COST,
    JZ_HARD_MEDICAL_COST,
    JZ_HARD_COUNT
} jz_hardship;

typedef enum jz_disability {
    JZ_DIS_NONE = 0,
    JZ_DIS_VISION,
    JZ_DIS_HEARING,
    JZ_DIS_SPEECH,
    JZ_DIS_LIMB,
    JZ_DIS_INTELLECTUAL,
    JZ_DIS_MENTAL,
    JZ_DIS_MULTIPLE,
    JZ_DIS_COUNT
} jz_disability;

typedef enum jz_student_level {
    JZ_STU_NONE = 0,
    JZ_STU_NURSERY,
    JZ_STU_KINDERGARTEN,
    JZ_STU_PRIMARY,
    JZ_STU_JUNIOR,
    JZ_STU_SENIOR,
    JZ_STU_VOCATIONAL,
    JZ_STU_COLLEGE,
    JZ_STU_UNDERGRADUATE,
    JZ_STU_POSTGRADUATE,
    JZ_STU_COUNT
} jz_student_level;

typedef enum jz_supporter_status {
    JZ_SUP_ABLE = 0,
    JZ_SUP_TEKUN,
    JZ_SUP_DIBAO_ELDERLY,
    JZ_SUP_ELDERLY_LOW_INCOME,
    JZ_SUP_SEVERE_DISABILITY_LOW_INCOME,
    JZ_SUP_NO_CAPACITY,
    JZ_SUP_MISSING,
    JZ_SUP_IMPRISONED,
    JZ_SUP_COUNT
} jz_supporter_status;

/* Income kinds.  The first block is counted (R-INC-1), the second is not
 * (R-INC-2); JZ_INC_FIRST_EXCLUDED marks the boundary. */
typedef enum jz_income_kind {
    JZ_INC_WAGE = 0,
    JZ_INC_BUSINESS_NET,
    JZ_INC_PROPERTY_NET,
    JZ_INC_PENSION,
    JZ_INC_UNEMPLOYMENT_BENEFIT,
    JZ_INC_ALIMONY,
    JZ_INC_SUPPORT_RECEIVED,
    JZ_INC_SUPPORT_FROM_SIBLING,
    JZ_INC_SUPPORT_FROM_ELDERLY,
    JZ_INC_COMPENSATION,
    JZ_INC_DONATION,
    JZ_INC_OTHER,
    JZ_INC_SPECIAL_CARE, /* first not counted */
    JZ_INC_FAMILY_PLANNING,
    JZ_INC_SCHOLARSHIP,
    JZ_INC_HEROISM_AWARD,
    JZ_INC_ASSISTANCE,
    JZ_INC_BASIC_PENSION,
    JZ_INC_ELDERLY_ALLOWANCE,
    JZ_INC_COUNT
} jz_income_kind;
#define JZ_INC_FIRST_EXCLUDED JZ_INC_SPECIAL_CARE

typedef enum jz_expense_kind {
    JZ_EXP_MEDICAL = 0,
    JZ_EXP_REHAB,
    JZ_EXP_CARE,
    JZ_EXP_EDUCATION,
    JZ_EXP_OTHER,
    JZ_EXP_COUNT
} jz_expense_kind;

/* Programmes a household can be enrolled in now (`current.programme`). */
typedef enum jz_programme {
    JZ_PROG_NONE = 0,
    JZ_PROG_DIBAO,
    JZ_PROG_DIBAO_EXPENDITURE,
    JZ_PROG_MARGINAL,
    JZ_PROG_RIGID_EXPENDITURE,
    JZ_PROG_COUNT
} jz_programme;

/* Programmes a person is enrolled in now on his own (the member-level
 * `current`: a county's existing 特困 and 单人保 recipients are persons, not
 * households). */
typedef enum jz_member_programme {
    JZ_MPROG_NONE = 0,
    JZ_MPROG_TEKUN,
    JZ_MPROG_SINGLE_DIBAO,
    JZ_MPROG_COUNT
} jz_member_programme;

typedef struct jz_member {
    /* What the engine reads, first and packed: a snapshot of a province
     * walks millions of these, so their size is the engine's speed. */
    jz_date birth;             /* from birth_date, else from the ID number */
    jz_date deceased;          /* JZ_DATE_NONE when alive */
    uint8_t relation;          /* jz_relation */
    uint8_t presence;          /* jz_presence */
    uint8_t employment;        /* jz_employment */
    uint8_t hardship;          /* jz_hardship */
    uint8_t disability;        /* jz_disability; JZ_DIS_NONE = no certificate */
    uint8_t disability_grade;  /* 1..4, 0 when none */
    uint8_t student_level;     /* jz_student_level; JZ_STU_NONE = not a student */
    uint8_t self_care_failed;  /* 0..6 */
    uint8_t current_programme; /* jz_member_programme: his own enrolment now */
    bool newly_employed;
    bool unemployment_insured;
    bool serious_illness; /* illness.serious: 重特大疾病 recognised */
    bool under_treatment; /* illness.under_treatment */
    bool needs_rehab_or_care;
    bool student_full_time;
    bool student_high_fee;
    bool student_abroad;
    bool applies_alone;
    bool supporters_known; /* false: `supporters` absent or null (not investigated) */
    bool business;
    uint8_t n_supporters;       /* entries in supporters[] */
    uint16_t supporters_unable; /* bitmask over entries: 1 = not able (R-TK-4) */
    uint64_t supporter_status;  /* entry i's jz_supporter_status in bits 4i..4i+3 */
    uint16_t months_without_income;
    uint16_t vehicles;
    uint16_t extra_houses;
    jz_fen financial; /* financial assets */
    /* Window totals of the counted income kinds (R-INC-1), by kind, and of
     * all the kinds R-INC-2 leaves out together: no rule tells those apart
     * (a city's income.excluded_kinds can only add counted kinds to them). */
    jz_fen income[JZ_INC_FIRST_EXCLUDED];
    jz_fen income_not_counted;
    jz_fen expenses[JZ_EXP_COUNT]; /* window totals by kind */
    /* What only the output needs. */
    jz_fen current_amount; /* member-level current.monthly_amount */
    jz_date current_since; /* member-level current.since, JZ_DATE_NONE if not given */
    char id[JZ_IDNUM_BUF]; /* normalised 18-character ID number */
    const char *name;      /* owned by the filler (e.g. jz_household_buf) */
} jz_member;

/* Adds an income item to a member's totals (the caller checks overflow). */
static inline void jz_member_add_income(jz_member *m, jz_income_kind kind, jz_fen amount)
{
    if (kind < JZ_INC_FIRST_EXCLUDED)
        m->income[kind] += amount;
    else
        m->income_not_counted += amount;
}

/* The most supporters recorded for one person (bitmask width). */
#define JZ_MAX_SUPPORTERS 16

typedef struct jz_household {
    char household_id[JZ_HOUSEHOLD_ID_MAX]; /* "" when not given */
    jz_region region;
    uint8_t area; /* jz_area */
    jz_date assess_date;
    uint8_t current_programme; /* jz_programme; JZ_PROG_NONE when not enrolled */
    jz_date current_since;
    jz_fen current_amount;
    uint32_t n_members;
    jz_member *members; /* n_members entries, owned by the filler */
} jz_household;

/* Names used in the JSON record for each enumeration value (NULL-terminated
 * lookups; index = enum value). */
extern const char *const jz_area_names[JZ_AREA_COUNT];
extern const char *const jz_relation_names[JZ_REL_COUNT];
extern const char *const jz_presence_names[JZ_PRES_COUNT];
extern const char *const jz_employment_names[JZ_EMP_COUNT];
extern const char *const jz_hardship_names[JZ_HARD_COUNT];
extern const char *const jz_disability_names[JZ_DIS_COUNT];
extern const char *const jz_student_level_names[JZ_STU_COUNT];
extern const char *const jz_supporter_names[JZ_SUP_COUNT];
extern const char *const jz_income_kind_names[JZ_INC_COUNT];
extern const char *const jz_expense_kind_names[JZ_EXP_COUNT];
extern const char *const jz_programme_names[JZ_PROG_COUNT];
extern const char *const jz_member_programme_names[JZ_MPROG_COUNT];

/* Index of name in a names table, or -1. */
int jz_enum_lookup(const char *const *names, int count, const char *name);

#endif
