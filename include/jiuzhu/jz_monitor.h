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
    /* Issue 11: the indicators of the departments added then.  Appended:
     * the store keeps an indicator by its number. */
    JZ_IND_DEPOSITS,          /* deposits over the household's financial-asset limit (R-AST-1) */
    JZ_IND_UNION_HARDSHIP,    /* a 工会 困难职工 not enrolled */
    JZ_IND_VETERAN_HARDSHIP,  /* a 困难退役军人 not enrolled */
    JZ_IND_MARITAL_CHANGE,    /* a recipient married or divorced: household composition */
    JZ_IND_HOUSING_FUND,      /* housing fund deposits over the threshold */
    JZ_IND_PENSION,           /* a pension over the threshold */
    JZ_IND_PENSION_CONTRIBUTION, /* a pension contribution base over the threshold */
    JZ_IND_TRAFFIC_ACCIDENT,  /* a road-traffic accident victim (R-TMP-2) */
    JZ_IND_INELIGIBLE,        /* a recipient brought in by an import whom the engine no longer
                                 finds eligible (raised by the import, not by monitoring) */
    JZ_IND_COUNT
} jz_indicator;
_Static_assert(JZ_IND_COUNT <= 32, "an indicator is a bit of a uint32_t mask");
extern const char *const jz_indicator_names[JZ_IND_COUNT];
extern const char *const jz_indicator_zh[JZ_IND_COUNT];

enum { JZ_ALERT_A = 0, JZ_ALERT_B, JZ_ALERT_C, JZ_ALERT_D };
extern const char jz_alert_letters[4]; /* 'A'..'D' */
extern const char *const jz_alert_category_zh[4];

/* Chinese names of the handling steps an alert records (jz_store.h's
 * jz_alert_step.action: assign, verify, refer, feedback, resolve, and
 * evidence: new rows added by monitoring), and of a resolution's outcome
 * (enrolled, referred, terminated, no_action).  Unknown ones come back as
 * given. */
const char *jz_alert_action_zh(const char *action);
const char *jz_alert_outcome_zh(const char *outcome);

/* What the registry knows of the person when monitoring runs. */
typedef struct jz_monitor_person {
    const char *id;        /* 18 characters */
    bool in_registry;      /* a member of a registered household */
    bool enrolled;         /* the household receives assistance now (any programme) */
    bool tekun;            /* the person has a 特困 enrolment of his own */
    bool dibao;            /* a 低保 recipient (R-DEATH-1): his household's unit is 低保 or
                              支出型低保 (enrolment or the record's current programme), or
                              he has a 单人保 unit of his own; never a 特困 person */
    bool main_earner;      /* his wage and business income is the household's largest, > 0 */
    bool others_living;    /* his household has another member alive and counted (R-HH-2) */
    bool double_enrolled;  /* 特困 of his own while his household's 低保 unit counts everyone */
    jz_fen yearly_income;  /* the household's counted income (its determination), 0 if unknown */
    /* Deposits (银行): the household's latest balances added up (every
     * member's, every bank's), and the limit of its unit (R-AST-1: counted
     * persons x financial_months x S); deposit_limit 0: not checked.
     * deposit_holder: this person holds the largest balance of the
     * household, and the alert is his (one per household). */
    jz_fen household_deposits, deposit_limit;
    bool deposit_holder;
} jz_monitor_person;

/* What earlier runs raised for the person (the store's alerts), so that the
 * same facts never raise an alert twice (issue 11): an alert's identity is
 * its indicator, person and evidence rows. */
typedef struct jz_monitor_history {
    const uint32_t *covered;      /* per row: bit i when an alert of indicator i has it as
                                     evidence (NULL: no row is covered) */
    const uint32_t *open_covered; /* per row: bit i when the OPEN alert of indicator i has it */
    int64_t open[JZ_IND_COUNT];   /* the open (not resolved) alert of each indicator, 0 if none */
    uint8_t open_category[JZ_IND_COUNT];
    uint32_t raised;              /* bit i: an alert of indicator i exists, open or resolved */
    int last_year[JZ_IND_COUNT];  /* alerts without rows (no_premium): the latest year raised */
} jz_monitor_history;

#define JZ_ALERT_EVIDENCE_MAX 128

typedef struct jz_alert {
    uint8_t indicator; /* jz_indicator */
    uint8_t category;  /* JZ_ALERT_A..D */
    uint8_t severity;  /* 1 low, 2 medium, 3 high */
    uint8_t dept;      /* jz_dept it is pushed to, or JZ_DEPT_COUNT for civil affairs */
    size_t n_evidence; /* indexes into the person's rows */
    size_t evidence[JZ_ALERT_EVIDENCE_MAX];
    jz_fen amount;     /* the sum that fired it (medical costs), 0 otherwise */
    char detail[256];  /* Chinese: what was found */
    int64_t extends;   /* not 0: the open alert these new rows are added to (the evidence and
                          amount are the additions; nothing new is raised) */
    jz_date due_from;  /* not JZ_DATE_NONE: the deadline is counted from this date in months
                          (R-DEATH-1: the death date + death.check_months), not the run date */
    int year;          /* alerts without rows (no_premium): the year they are for */
} jz_alert;

#define JZ_MONITOR_ALERTS_MAX 32

/* Evaluates every indicator on the person's rows (any order) as of `on`,
 * with the parameters in force there, and what earlier runs raised (h; NULL:
 * nothing).  Returns how many alerts (at most JZ_MONITOR_ALERTS_MAX): new
 * ones, and additions to open ones (extends); an alert's evidence is
 * indexes into rows, never a row an earlier alert of its indicator has. */
size_t jz_monitor_person_eval(const jz_monitor_person *who, const jz_feed_row *rows, size_t n,
                              const jz_policy *p, jz_date on, const jz_monitor_history *h,
                              jz_alert *out);

/* ---- a monitoring run ------------------------------------------------------ */

typedef struct jz_store jz_store;       /* jz_store.h */
typedef struct jz_calendar jz_calendar; /* jz_calendar.h */

typedef struct jz_monitor_counts {
    long people;   /* people evaluated */
    long raised;   /* new alerts */
    long extended; /* open alerts that new rows were added to */
    long by_category[4], by_indicator[JZ_IND_COUNT]; /* of the new alerts */
} jz_monitor_counts;

/* `jiuzhu monitor run`: every person of the feeds (and every enrolled 特困
 * person) under region ("" = all) evaluated as of `on` with the parameters
 * of his county (outside the registry: of the county his ID number was
 * issued in when it is in Shanxi, else the province's), and the alerts
 * stored: new ones with their deadline (the run date plus
 * monitor.deadline.* working days on cal; R-DEATH-1: the death date plus
 * death.check_months), additions to open ones audited as steps.  One
 * transaction and one audit entry (monitor.run, with the counts), in the
 * store's actor's name.  On error nothing is written. */
jz_err jz_monitor_run(jz_store *s, const jz_paramset *ps, const jz_calendar *cal, jz_date on,
                      const char *region, jz_monitor_counts *out, jz_error *err);

/* ---- the operations (jz_ctx.h) --------------------------------------------- */

/* A monitoring run as asked for by a person or a schedule. */
typedef struct jz_monitor_req {
    jz_date on;         /* the run's date; JZ_DATE_NONE: x->today */
    const char *region; /* NULL or "": everywhere; else a region code prefix (digits, at
                           most 12) limiting it to registry people there */
} jz_monitor_req;

/* jz_monitor_run with the context's parameters and calendar (x->params,
 * x->calendar must be loaded) in x->actor's name: one transaction, one
 * audit entry.  JZ_EINPUT naming "region" for a region that is not digits
 * or longer than 12. */
jz_err jz_monitor_execute(jz_ctx *x, const jz_monitor_req *rq, jz_monitor_counts *out,
                          jz_error *err);

/* R-MON-4: the quarterly comparison with the 防止返贫 monitoring list. */
typedef enum jz_fpm_status {
    JZ_FPM_OUTSIDE = 0, /* not in the registry: no determination */
    JZ_FPM_UNASSESSED,  /* in the registry, never assessed (jiuzhu assess --db) */
    JZ_FPM_ASSESSED,    /* in the registry with a determination: category, amount, date */
    JZ_FPM_STATUS_COUNT
} jz_fpm_status;
extern const char *const jz_fpm_status_names[JZ_FPM_STATUS_COUNT]; /* outside, ... */

/* A person of the list who receives no assistance. */
typedef struct jz_fpm_row {
    char id[JZ_IDNUM_BUF]; /* normalised, whole: mask it in lists */
    char name[64];
    jz_date listed;        /* listed_date of the file */
    long line;             /* in the file */
    char household_id[JZ_HOUSEHOLD_ID_MAX]; /* "" outside the registry */
    uint8_t status;        /* jz_fpm_status */
    uint8_t category;      /* JZ_FPM_ASSESSED: the latest determination's jz_category */
    jz_fen monthly;        /* JZ_FPM_ASSESSED: its household monthly amount */
    jz_date assessed_on;   /* JZ_FPM_ASSESSED: its assessment date */
} jz_fpm_row;

typedef struct jz_fpm_counts {
    long listed;   /* rows of the list read */
    long without;  /* of them, receiving no assistance (passed to on_row) */
    long rejected; /* rows refused (passed to on_reject) */
} jz_fpm_counts;

/* Called for each person who receives no assistance, in file order; 0 to
 * go on, a jz_err to stop the comparison with that code. */
typedef int (*jz_fpm_row_fn)(const jz_fpm_row *r, void *arg);

/*
 * Reads the list (text, len: the fpm layout of docs/feeds.md; name labels
 * errors) and passes on_row every person on it who receives no assistance:
 * neither a live enrolment of his household nor a programme his household's
 * record says it receives (carried over from before jiuzhu), with the
 * household's latest determination where there is one.  Refused rows go to
 * on_reject (may be NULL) and are counted; they do not make the call fail.
 * Reads only (x->store may be opened read-only); no policy is needed.  A
 * file refused whole is JZ_EINPUT with err->source set, before any call.
 */
jz_err jz_monitor_compare_fpm(jz_ctx *x, const char *text, size_t len, const char *name,
                              jz_fpm_row_fn on_row, jz_feed_reject_fn on_reject, void *arg,
                              jz_fpm_counts *out, jz_error *err);

#endif
