/*
 * jz_case.h - the procedure of an application (seed 001 四, POLICY.md §11).
 *
 * One case per application, for one household, assessed against every
 * programme at once (R-ONE-1).  Its steps (R-WF-1):
 *
 *   受理 (accept) → 家庭经济状况调查 (investigate) → 信息核对 (verify) →
 *   乡镇初审 (preliminary: the engine's determination is attached) →
 *   公示 7 days (notice; an objection sends it back to investigation,
 *   R-WF-4) → 县级审核确认 (confirm) → decision (decide: approve or refuse)
 *   → 公布 / 书面通知 (publish), which closes the case.
 *
 * Beside the steps: 入户调查 (home visit, required before confirming a case
 * of a staff member's close relative, R-WF-5), and the extension to 45
 * working days for one of the four reasons of seed 001 四(二).
 *
 * This module is pure: the rules of which step may follow which, and the
 * deadlines in working days.  The store keeps cases and their steps; the
 * command line (`jiuzhu case ...`) puts them together.
 */
#ifndef JZ_CASE_H
#define JZ_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jz_calendar.h"
#include "jz_date.h"
#include "jz_err.h"
#include "jz_engine.h"
#include "jz_household.h"
#include "jz_money.h"

typedef enum jz_case_state {
    JZ_CASE_ACCEPTED = 0,  /* 已受理，待启动家庭经济状况调查 */
    JZ_CASE_INVESTIGATING, /* 家庭经济状况调查中 */
    JZ_CASE_VERIFYING,     /* 信息核对中 */
    JZ_CASE_PRELIMINARY,   /* 乡镇已提出初审意见，待公示 */
    JZ_CASE_NOTICE,        /* 公示中 */
    JZ_CASE_CONFIRMED,     /* 县级已审核确认，待作出决定 */
    JZ_CASE_DECIDED,       /* 已决定，待公布（批准）或待送达书面通知（不予批准） */
    JZ_CASE_CLOSED,        /* 已公布或已通知：办结 */
    JZ_CASE_STATE_COUNT
} jz_case_state;

typedef enum jz_case_action {
    JZ_ACT_ACCEPT = 0,
    JZ_ACT_INVESTIGATE,
    JZ_ACT_VERIFY,
    JZ_ACT_PRELIMINARY,
    JZ_ACT_NOTICE,
    JZ_ACT_OBJECT,
    JZ_ACT_CONFIRM,
    JZ_ACT_DECIDE,
    JZ_ACT_PUBLISH,
    JZ_ACT_HOME_VISIT,
    JZ_ACT_EXTEND,
    JZ_ACT_ADVANCE,   /* 先行救助: temporary assistance paid before the decision (R-WF-8) */
    JZ_ACT_APPLICANT, /* 变更申请人: another living member applies for the family (R-WF-6) */
    JZ_ACT_COUNT
} jz_case_action;

/* The four reasons of seed 001 四(二) that allow 45 working days. */
typedef enum jz_extend_reason {
    JZ_EXT_NONE = 0,
    JZ_EXT_OBJECTION,  /* 公示有异议 */
    JZ_EXT_SEPARATED,  /* 人户分离 */
    JZ_EXT_ELSEWHERE,  /* 异地申办 */
    JZ_EXT_HARD,       /* 家庭经济状况调查难度较大 */
    JZ_EXT_COUNT
} jz_extend_reason;

typedef enum jz_decision { JZ_DECISION_NONE = 0, JZ_DECISION_APPROVED, JZ_DECISION_REFUSED } jz_decision;

/* The kinds of temporary assistance paid in a case (R-WF-8): decided with
 * the case (R-TMP-1, R-TMP-2), paid first while a 低保 or 特困 application
 * is pending (R-TMP-4), or a small amount paid before the paperwork (seed
 * 003 四(四)六, 小金额先行救助). */
typedef enum jz_grant_kind {
    JZ_GRANT_DECIDED = 0,
    JZ_GRANT_PENDING, /* R-TMP-4 */
    JZ_GRANT_SMALL,   /* 小金额先行 */
    JZ_GRANT_KIND_COUNT
} jz_grant_kind;
extern const char *const jz_grant_kind_names[JZ_GRANT_KIND_COUNT]; /* decided, pending, small */
extern const char *const jz_grant_kind_zh[JZ_GRANT_KIND_COUNT];

/* English names (command line, JSON) and Chinese names (messages). */
extern const char *const jz_case_state_names[JZ_CASE_STATE_COUNT];
extern const char *const jz_case_state_zh[JZ_CASE_STATE_COUNT];
extern const char *const jz_case_action_names[JZ_ACT_COUNT];
extern const char *const jz_case_action_zh[JZ_ACT_COUNT];
extern const char *const jz_extend_reason_names[JZ_EXT_COUNT];
extern const char *const jz_extend_reason_zh[JZ_EXT_COUNT];

/* The periods of the steps (R-WF-1).  The whole procedure's limits (30,
 * 20 or 45 working days, R-WF-2) and the 公示's 7 days are parameters
 * (workflow.*), resolved for the county on the day of 受理 and kept in the
 * case. */
#define JZ_CASE_START_DAYS 3    /* investigation, then verification, start within */
#define JZ_CASE_CONFIRM_DAYS 10 /* county review after the notice period */
#define JZ_CASE_REFUSAL_DAYS 3  /* written refusal after the decision */

/* A case as stored.  Dates are JZ_DATE_NONE until the step happened. */
typedef struct jz_case {
    int64_t id;
    char county[7];
    char region[13]; /* the household's region (village, 12 digits, usually) */
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    char applicant_id[JZ_IDNUM_BUF]; /* the member who applies for the family (R-WF-6) */
    char applicant_name[64];
    int members;
    uint8_t state;        /* jz_case_state */
    bool township_confirms; /* 20 working days */
    bool staff_relative;  /* R-WF-5: 备案 */
    bool home_visited;    /* 入户调查 recorded */
    uint8_t extended;     /* jz_extend_reason */
    uint8_t decision;     /* jz_decision */
    int objections;
    jz_date accepted_on, investigated_on, verified_on, preliminary_on, notice_from, notice_until,
        confirmed_on, decided_on, closed_on;
    /* The township's preliminary opinion: the engine's result on that day. */
    uint8_t proposed_category; /* jz_category */
    uint8_t proposed_persons;  /* JZ_PCAT_* bits found for any member */
    jz_fen proposed_monthly;   /* household + own units, per month */
    char first_month[8];       /* "YYYY-MM" when approved */
    uint8_t kind;              /* jz_case_kind */
    /* The limits in force on the day of 受理 (workflow.* parameters). */
    int days;          /* working days to the decision: total or township */
    int extended_days; /* after an extension */
    int notice_days;   /* 公示, calendar days */
    uint8_t programmes;        /* bits (1 << jz_unit_programme) applied for; 0 = all (R-ONE-1) */
    /* R-WF-7: the decision differs from the engine's finding (a county's
     * overall judgment, or a unit refused on what verification found): the
     * written reason; "" when the decision follows the finding. */
    char judgment[512];
    /* A review opened as a task (R-REVIEW-1 due, R-DEATH-1 check): its
     * legal deadline and what it is for; JZ_DATE_NONE and "" otherwise. */
    jz_date due_by;
    char task[96];
    int record_version; /* the household record the opinion assessed */
} jz_case;

typedef enum jz_case_kind {
    JZ_CASE_APPLICATION = 0, /* 申请 */
    JZ_CASE_REVIEW           /* 复核 (R-REVIEW-1): approving updates, refusing stops */
} jz_case_kind;

/* A unit of the decision: the household, or a member with a unit of his
 * own (单人保 under R-SINGLE-1/2, 特困 under R-TK). */
typedef enum jz_unit_programme {
    JZ_UNIT_DIBAO = 0,
    JZ_UNIT_DIBAO_EXPENDITURE,
    JZ_UNIT_MARGINAL,
    JZ_UNIT_RIGID_EXPENDITURE,
    JZ_UNIT_SINGLE_DIBAO,
    JZ_UNIT_TEKUN,
    JZ_UNIT_TEMPORARY, /* 临时救助 (R-TMP-1, R-TMP-2): a one-time amount, not monthly */
    JZ_UNIT_PROGRAMME_COUNT
} jz_unit_programme;
extern const char *const jz_unit_programme_names[JZ_UNIT_PROGRAMME_COUNT];
extern const char *const jz_unit_programme_zh[JZ_UNIT_PROGRAMME_COUNT];

typedef enum jz_verdict { JZ_VERDICT_NONE = 0, JZ_VERDICT_APPROVED, JZ_VERDICT_REFUSED } jz_verdict;

typedef struct jz_case_unit {
    int member;                    /* -1: the household; else the member's index */
    char member_id[JZ_IDNUM_BUF];  /* "" for the household */
    char label[64];                /* 全户, or the member's name */
    uint8_t programme;             /* jz_unit_programme */
    int persons;
    jz_fen monthly; /* found: the monthly amount (0 for 低保边缘, 刚性支出, 临时救助) */
    jz_fen once;    /* found, 临时救助: R-TMP-1's grant, or R-TMP-2's cap */
    char rule[16];  /* 临时救助: "R-TMP-1" or "R-TMP-2"; "" otherwise */
    /* The decision on this unit (R-WF-7, R-WF-8): */
    uint8_t verdict;        /* jz_verdict */
    jz_fen decided_monthly; /* approved: what is paid a month */
    jz_fen decided_once;    /* approved 临时救助: the amount granted */
    bool judged;            /* differs from the finding: refused, added or amount changed */
    bool added;             /* not found by the engine: added by the county's judgment */
    char reason[512];       /* refused or judged: the written reason */
} jz_case_unit;
/* The household, each member's own unit (特困, 单人保) and each member's
 * temporary assistance. */
#define JZ_CASE_UNITS_MAX (1 + 2 * JZ_MAX_MEMBERS)

/* A reason of the preliminary opinion, from the trace: a rule that decided
 * the outcome, what was found and the rule's source. */
typedef struct jz_case_reason {
    bool holds; /* the rule held (a finding) or not (a reason for refusal) */
    char rule[16];
    char text[1024];
    char source[256];
} jz_case_reason;
#define JZ_CASE_REASONS_MAX 16

/* ---- enrolments ---------------------------------------------------------------- */

/* What a household (or a member, for a unit of his own) receives after an
 * approved case, until a review, a gradual exit, a death check or a report
 * changes it (R-REVIEW-1, R-EXIT-1, R-DEATH-1, R-REPORT-1). */
typedef enum jz_enrol_status {
    JZ_ENROL_ACTIVE = 0,
    JZ_ENROL_EXITING, /* 渐退期: the amount continues until end_month, then stops */
    JZ_ENROL_STOPPED,
    JZ_ENROL_STATUS_COUNT
} jz_enrol_status;
extern const char *const jz_enrol_status_zh[JZ_ENROL_STATUS_COUNT];

typedef struct jz_enrolment {
    int64_t id;
    char county[7];
    char region[13];
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    int64_t case_id; /* the case that created or last changed it */
    int member;      /* -1: the household; else the member's index */
    char label[64];
    uint8_t programme; /* jz_unit_programme */
    int persons;
    jz_fen monthly;
    char first_month[8]; /* "YYYY-MM" */
    uint8_t status;      /* jz_enrol_status */
    char end_month[8];   /* last month paid when exiting or stopped, "" if none */
    jz_date next_review;
    int review_months;        /* 12, or 6 for unstable income or members able to work */
    jz_date death_check_due;  /* R-DEATH-1, JZ_DATE_NONE if none */
    jz_fen to_recover;        /* R-REPORT-1: paid unduly, to recover */
    char stop_reason[64];
    char member_id[JZ_IDNUM_BUF]; /* the unit's person ("" for the household) */
    bool judged;                  /* approved by a county's judgment (R-WF-7) */
    char origin[64];              /* "" from a case; "import" for a recipient brought in */
} jz_enrolment;

/* R-REVIEW-1: every 6 months when the household has unstable income or a
 * member able to work, else every 12.  "Able to work": a counted member
 * aged 16 to 59 on `on`, not a student, without a grade 1-2 disability or a
 * serious illness; "unstable income": a member unemployed or newly
 * employed. */
int jz_review_months(const jz_household *h, jz_date on);

/* One recorded step: who did what, when, with a note. */
typedef struct jz_case_step {
    int64_t case_id;
    uint8_t action; /* jz_case_action */
    jz_date on;
    char actor[64];
    char note[512];
    /* R-WF-1/2: a step done after its deadline is flagged, not refused. */
    jz_date deadline; /* the deadline it was late for, JZ_DATE_NONE if on time */
    int late_days;    /* working days after it */
} jz_case_step;

/* A discrepancy 信息核对 found between the household record and another
 * department's data already imported (R-WF-1, seed 001 三(三)). */
typedef struct jz_case_finding {
    char member_id[JZ_IDNUM_BUF];
    char name[64];
    uint8_t dept;    /* jz_dept */
    int64_t row;     /* the department row (feed_rows), 0 if none */
    jz_date on;      /* the row's date */
    char rule[16];   /* the rule the difference bears on, e.g. "R-AST-2" */
    char text[768];  /* Chinese: what the record says and what the department says */
} jz_case_finding;
#define JZ_CASE_FINDINGS_MAX 64

/* Temporary assistance granted in a case (R-WF-8). */
typedef struct jz_grant {
    int64_t id;
    char county[7];
    char region[13];
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    int64_t case_id;
    char member_id[JZ_IDNUM_BUF]; /* "" for the household */
    char name[64];
    uint8_t kind;    /* jz_grant_kind */
    char rule[16];   /* R-TMP-1, R-TMP-2, R-TMP-4, or R-TMP-3 (small amounts first) */
    jz_fen amount;
    jz_date on;
    char note[512];
    char beyond_cap[256]; /* above temporary.cap_months: the 一事一议 that allowed it */
} jz_grant;

/*
 * Whether `action` may happen on case c on date `on`.  JZ_OK, or JZ_EINPUT
 * with err's reason (Chinese) saying what must happen first: confirming
 * before the 公示 period has ended, deciding twice, acting on a closed
 * case, an objection outside the 公示 period, a date before the previous
 * step, confirming a staff relative's case without a home visit...
 * (JZ_ACT_ACCEPT is never legal on an existing case.)
 */
jz_err jz_case_check(const jz_case *c, jz_case_action action, jz_date on, jz_error *err);

/* What a step needs besides its date. */
typedef struct jz_case_input {
    const char *note;      /* required for an objection and a home visit */
    bool home_visit;       /* investigate: the investigation went into the home */
    uint8_t decision;      /* decide: JZ_DECISION_APPROVED or JZ_DECISION_REFUSED */
    size_t opinion_units;  /* decide: units found by the preliminary opinion */
    size_t approved_units; /* decide, approved: units approved (jz_case_decide_units) */
    const char *judgment;  /* decide: R-WF-7's written reason where the decision differs from the
                              finding ("" or NULL: none) */
    jz_date first_month;   /* decide, approved: a day of the first month paid
                              (JZ_DATE_NONE: the month after the decision) */
    uint8_t extend_reason; /* extend: jz_extend_reason */
    const char *applicant_id;   /* applicant: the new applicant (a living member) */
    const char *applicant_name;
} jz_case_input;

/* ---- the decision on each unit (R-WF-7, R-WF-8, seed 001 四(一)) --------------- */

/* What the county decides about one unit, beyond approving what was found:
 * refuse it, set its monthly amount (or add a unit the engine did not find),
 * or set a temporary grant's amount. */
typedef enum jz_choice_kind {
    JZ_CHOICE_REFUSE = 0,
    JZ_CHOICE_SET,       /* monthly amount of a programme unit (added if not found) */
    JZ_CHOICE_TEMPORARY  /* one-time amount of the member's temporary assistance */
} jz_choice_kind;

typedef struct jz_unit_choice {
    uint8_t kind;   /* jz_choice_kind */
    int member;     /* -1: the household; else the member's index */
    int programme;  /* jz_unit_programme; -1 with REFUSE: every unit of the member */
    jz_fen amount;  /* SET: monthly; TEMPORARY: the one-time amount */
} jz_unit_choice;

typedef struct jz_decide_input {
    uint8_t decision;                 /* JZ_DECISION_APPROVED or _REFUSED */
    const jz_unit_choice *choices;    /* approved decisions only */
    size_t n_choices;
    const char *reason;               /* the written reason (R-WF-7), "" if none */
    bool township_confirms;           /* the case's confirming power lies with the township */
    bool county;                      /* the county made this decision */
    const jz_household *h;            /* the household as decided (labels of added units) */
    jz_fen tmp_cap;                   /* temporary.cap_months × S (R-TMP-2) */
    jz_fen tmp1_min;                  /* one month of the rural standard (R-TMP-1's floor) */
    const jz_fen *advanced;           /* per member index: temporary assistance paid first in
                                         the case (R-TMP-4, small amounts); may be NULL */
    const char *beyond_cap;           /* the 一事一议 allowing more than tmp_cap, or "" */
} jz_decide_input;

/*
 * Decides the units u[0..*nu) the opinion found: the verdict and amounts of
 * each, and units added by the county's judgment (appended; *nu grows, at
 * most JZ_CASE_UNITS_MAX).  A refusal refuses every unit.  An approval
 * approves every unit not refused at the amount found, except R-TMP-2's
 * temporary assistance, whose amount the caseworker sets (up to the cap, less
 * what was paid first; more only with beyond_cap).  A decision that differs
 * from the finding (a found unit refused, a unit added, an amount changed)
 * is `judged`: it needs a written reason and, where the township confirms,
 * a county decision (R-WF-7); *judged says whether it is.  *approved gets the
 * units approved.  On error (JZ_EINPUT, Chinese reason naming the unit) the
 * units are unchanged.
 */
jz_err jz_case_decide_units(jz_case_unit *u, size_t *nu, const jz_decide_input *in, bool *judged,
                            size_t *approved, jz_error *err);

/* Checks (jz_case_check) and applies `action` on `on` to case c: the new
 * state and dates.  An objection (R-WF-4) sends the case back to
 * investigation and clears the opinion's dates; a decision approving with
 * no unit found, refusing what was found without a note, an objection or a
 * home visit without a note, and an extension without one of the four
 * reasons are refused.  On error c is unchanged.  (The preliminary opinion's
 * proposed_* fields are the caller's: it runs the engine.) */
jz_err jz_case_apply(jz_case *c, jz_case_action action, jz_date on, const jz_case_input *in,
                     jz_error *err);

/* The working days allowed for the whole procedure: c->days, or
 * c->extended_days once extended. */
int jz_case_days(const jz_case *c);

/* The deadlines of an open case: the current step's (JZ_DATE_NONE if the
 * step has none) and the overall one (the decision; JZ_DATE_NONE once
 * decided).  `what` (may be NULL) gets a Chinese label of the step due. */
jz_err jz_case_deadlines(const jz_case *c, const jz_calendar *cal, jz_date *step_due,
                         jz_date *overall_due, const char **what, jz_error *err);

/* The case as a JSON object text (malloc'd): the audit log's before and
 * after, and `case show --json`. */
char *jz_case_json(const jz_case *c);

/* The units of a determination r of household h (R-ONE-1: every programme
 * at once): the household's own category if any, then each member with a
 * unit of his own.  Returns how many (at most JZ_CASE_UNITS_MAX).  Keep
 * only those of the programmes applied for with jz_case_units_limit. */
size_t jz_case_units(const jz_household *h, const jz_result *r, jz_case_unit *out);

/* Keeps the units whose programme is in `programmes` (0: all); returns how
 * many are left. */
size_t jz_case_units_limit(jz_case_unit *u, size_t n, uint8_t programmes);

/* Who applies for household h on `on` when nobody is named (R-WF-6): its
 * living head, else its first living member present, else its first living
 * member; NULL when every member has died. */
const jz_member *jz_case_default_applicant(const jz_household *h, jz_date on);

/* An enrolment as JSON text (malloc'd), for the audit log. */
char *jz_enrolment_json(const jz_enrolment *e);

/* The reasons of determination r with its trace t: the decisive rules, each
 * with the trace's finding for it and its source.  Returns how many. */
size_t jz_case_reasons(const jz_household *h, const jz_result *r, const jz_trace *t,
                       jz_case_reason *out, size_t cap);

#endif
