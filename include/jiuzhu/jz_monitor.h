/*
 * jz_monitor.h - dynamic monitoring (seed 003 (三), seed 001 三(四), POLICY.md
 * R-MON-2, R-MON-3): the warning indicators evaluated on one person's
 * department rows, and the alerts they raise.
 *
 * jz_monitor_person is pure: a person's feed rows (jz_feed.h), what the
 * registry knows of him (in it or not, his household enrolled or not, the
 * household's income, whether he is its main earner), the parameters and the
 * run date; it fills the alerts.  The store gathers the rows and keeps the
 * alerts; `jiuzhu monitor run` puts them together.
 *
 * Categories (R-MON-3): A a policy not delivered (deliver it, or ask the
 * department); B possibly eligible and not enrolled (push to the department
 * of the difficulty); C complex, for the county's 一事一议; D possibly no
 * longer eligible (verify, terminate if so).
 */
#ifndef JZ_MONITOR_H
#define JZ_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jz_feed.h"
#include "jz_params.h"

typedef enum jz_indicator {
    JZ_IND_MEDICAL_SPIKE = 0, /* 支出骤增: out-of-pocket costs over the threshold or income share */
    JZ_IND_EARNER_DEATH,      /* 收入骤减: the household's main earner died */
    JZ_IND_UNSTABLE_INCOME,   /* 收入不稳定: unemployment registered */
    JZ_IND_DISASTER_LOSS,     /* 财产重大损失: disaster relief recorded */
    JZ_IND_SEVERE_DISABILITY, /* new grade 1-2 disability certificate */
    JZ_IND_SERIOUS_ILLNESS,   /* serious illness recognised */
    JZ_IND_SCHOOL_ENTRY,      /* a student entering school */
    JZ_IND_RECIPIENT_DEATH,   /* a recipient died (R-DEATH-1) */
    JZ_IND_PROPERTY,          /* property registered */
    JZ_IND_VEHICLE,           /* vehicle registered */
    JZ_IND_BUSINESS,          /* business registered */
    JZ_IND_PAYROLL,           /* on a government payroll */
    JZ_IND_IMPRISONED,        /* imprisoned */
    JZ_IND_NO_PREMIUM,        /* a 特困 person without the premium subsidy (R-REF-1) */
    JZ_IND_COMPLEX,           /* several difficulties at once */
    JZ_IND_DOUBLE,            /* enrolled twice: 特困 of his own and counted in 低保 too */
    JZ_IND_COUNT
} jz_indicator;
extern const char *const jz_indicator_names[JZ_IND_COUNT];
extern const char *const jz_indicator_zh[JZ_IND_COUNT];

enum { JZ_ALERT_A = 0, JZ_ALERT_B, JZ_ALERT_C, JZ_ALERT_D };
extern const char jz_alert_letters[4]; /* 'A'..'D' */
extern const char *const jz_alert_category_zh[4];

/* What the registry knows of the person when monitoring runs. */
typedef struct jz_monitor_person {
    const char *id;        /* 18 characters */
    bool in_registry;      /* a member of a registered household */
    bool enrolled;         /* the household receives assistance now */
    bool tekun;            /* the person has a 特困 enrolment of his own */
    bool main_earner;      /* his wage and business income is the household's largest, > 0 */
    bool double_enrolled;  /* 特困 of his own while his household's 低保 unit counts everyone */
    jz_fen yearly_income;  /* the household's counted income (its determination), 0 if unknown */
} jz_monitor_person;

#define JZ_ALERT_EVIDENCE_MAX 64

typedef struct jz_alert {
    uint8_t indicator; /* jz_indicator */
    uint8_t category;  /* JZ_ALERT_A..D */
    uint8_t severity;  /* 1 low, 2 medium, 3 high */
    uint8_t dept;      /* jz_dept it is pushed to, or JZ_DEPT_COUNT for civil affairs */
    size_t n_evidence; /* indexes into the person's rows */
    size_t evidence[JZ_ALERT_EVIDENCE_MAX];
    jz_fen amount;     /* the sum that fired it (medical costs), 0 otherwise */
    char detail[256];  /* Chinese: what was found */
} jz_alert;

#define JZ_MONITOR_ALERTS_MAX 32

/* Evaluates every indicator on the person's rows (any order) as of `on`,
 * with the parameters in force there.  Returns how many alerts (at most
 * JZ_MONITOR_ALERTS_MAX); an alert's evidence is indexes into rows. */
size_t jz_monitor_person_eval(const jz_monitor_person *who, const jz_feed_row *rows, size_t n,
                              const jz_policy *p, jz_date on, jz_alert *out);

#endif
