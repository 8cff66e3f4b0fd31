/*
 * jz_procedure.h - the operations of the procedure (seed 001 四, POLICY.md
 * §8 and §11): accepting an application, each step of a case, the decision
 * on each unit, temporary assistance paid in a case, a recorded death, and
 * the reviews and death checks that fall due.
 *
 * Each operation is one transaction of the store in ctx: it reads what it
 * checks inside that transaction (a step never acts on a stale case), writes
 * the case, its step, what follows from it (enrolments, grants, the record)
 * and the audit entries together, or nothing.  The command line (and later
 * the server) only parses arguments and prints results.
 *
 * Dates: a step may not be dated after today, nor before the case's previous
 * step; the acts of an office (受理, 调查, 核对, 初审, 审核确认, 决定, 公布,
 * 延期) are refused on a non-working day (R-WF-3); a step done after its
 * deadline is recorded and flagged with how many working days late.
 */
#ifndef JZ_PROCEDURE_H
#define JZ_PROCEDURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jz_case.h"
#include "jz_ctx.h"
#include "jz_feed.h"

/* ---- accepting an application (受理) ------------------------------------------- */

typedef struct jz_accept_req {
    const char *household_id;
    const char *applicant_id; /* NULL: the head if living, else the first living member */
    jz_date on;
    const char *note;
    bool township_confirms;
    bool review;          /* a review (复核) of a household receiving assistance */
    uint8_t programmes;   /* bits (1 << jz_unit_programme); 0 = every programme (R-ONE-1) */
    /* A review opened as a task (jz_proc_open_due): its deadline and what for. */
    jz_date due_by;
    const char *task;
} jz_accept_req;

typedef struct jz_accept_res {
    jz_case c;
    /* R-WF-5: the member who is a staff member's close relative. */
    char relative[64], staff[160], relation[64];
} jz_accept_res;

/* Accepts an application (or a review) for a household in the store.  With
 * in_txn the caller's transaction is used (and the caller rolls back on
 * error); else one of its own.  Refused: an unknown household, a dead or
 * unknown applicant (R-WF-6: a living member applies), an open case of the
 * household, a review of a household receiving nothing. */
jz_err jz_proc_accept(jz_ctx *x, const jz_accept_req *rq, bool in_txn, jz_accept_res *res,
                      jz_error *err);

/* The open case of a household (0: none); region may be its region or a
 * prefix of it. */
jz_err jz_proc_open_case(jz_store *s, const char *region, const char *household_id, int64_t *id,
                         jz_error *err);

/* The programmes named in a comma-separated list ("dibao,tekun,temporary"),
 * English or Chinese names; JZ_EUSAGE naming the unknown one. */
jz_err jz_proc_programmes(const char *list, uint8_t *bits, jz_error *err);

/* ---- a step of a case ------------------------------------------------------------ */

/* A choice about one unit at the decision, as the caseworker names it:
 * `who` is "household" (全户), a member's ID number or his name. */
typedef struct jz_choice_req {
    uint8_t kind;     /* jz_choice_kind */
    const char *who;
    int programme;    /* jz_unit_programme, or -1 (refuse: every unit of who) */
    jz_fen amount;
} jz_choice_req;

typedef struct jz_step_req {
    jz_case_action action;
    jz_date on;
    const char *note;
    bool home_visit;        /* investigate */
    /* decide */
    uint8_t decision;       /* JZ_DECISION_APPROVED or _REFUSED */
    jz_date first_month;    /* a day of the first month paid; JZ_DATE_NONE: the next month */
    const char *judgment;   /* R-WF-7: the county's written reason for a decision that differs
                               from the finding */
    bool county;            /* the county made the decision (a township-confirmed case) */
    const jz_choice_req *choices;
    size_t n_choices;
    const char *beyond_cap; /* 一事一议 allowing temporary assistance above the cap */
    /* extend */
    uint8_t extend_reason;
    /* advance (先行救助, R-WF-8) */
    uint8_t grant_kind;     /* JZ_GRANT_PENDING (R-TMP-4) or JZ_GRANT_SMALL */
    const char *member;     /* who receives it (ID number or name); NULL: the applicant */
    jz_fen amount;
} jz_step_req;

typedef struct jz_step_res {
    jz_case before, after;
    jz_case_step step;       /* as recorded, with its lateness */
    size_t nu, nr, nf;
    jz_case_unit units[JZ_CASE_UNITS_MAX];         /* preliminary, decide */
    jz_case_reason reasons[JZ_CASE_REASONS_MAX];   /* preliminary */
    jz_case_finding findings[JZ_CASE_FINDINGS_MAX]; /* verify, preliminary */
    jz_date deadline;        /* extend: the new deadline of the decision; notice: last day */
    jz_grant grant;          /* advance */
    size_t grants;           /* decide: temporary assistance granted */
    size_t enrolments;       /* decide: enrolments created, changed or stopped */
    size_t posted;           /* notice, publish: rows posted on the village's list */
} jz_step_res;

/* Carries out a step of case `id` (not JZ_ACT_ACCEPT).  res is large: allocate
 * it.  On error nothing is written and err says why, naming the case. */
jz_err jz_proc_step(jz_ctx *x, int64_t id, const jz_step_req *rq, jz_step_res *res,
                    jz_error *err);

/* ---- deaths (R-DEATH-1, issue 11 item 10) ------------------------------------------ */

typedef struct jz_death_res {
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    char region[13];
    char name[64];
    int record_version;     /* the household record's new version */
    size_t stopped;         /* his own units stopped with the month of death */
    size_t ended;           /* the household's units stopped: nobody is left */
    size_t checks;          /* 低保 units whose household must be re-checked (R-DEATH-1) */
    jz_date check_due;      /* their deadline: death + death.check_months */
    bool nobody_left;       /* no living member remains: the household's units stopped */
} jz_death_res;

/* Records the death of a person of the registry on `death` (entered on `on`):
 * the household record gets a new version marking him deceased (the old one
 * is kept), his own units (特困, 单人保) stop with the month of death, the
 * 低保 units of his household get R-DEATH-1's check (death + check months),
 * and a household with nobody left stops.  A death in a 低保边缘 or 刚性支出
 * household changes the record only.  With in_txn the caller's transaction
 * is used.  Recording the same death again changes nothing. */
jz_err jz_proc_death(jz_ctx *x, const char *id_number, jz_date death, jz_date on,
                     const char *note, bool in_txn, jz_death_res *res, jz_error *err);

/* ---- changes of an enrolment (R-EXIT-1, R-REPORT-1) ------------------------------- */

enum { JZ_STOP_UNREPORTED = 0, JZ_STOP_INELIGIBLE, JZ_STOP_FRAUD };

typedef struct jz_enrol_req {
    int64_t id;
    jz_date on;
    const char *note;
    int reason;            /* stop: JZ_STOP_* */
    jz_date fraud_from;    /* stop, fraud: a day of the first month paid unduly */
} jz_enrol_req;

typedef struct jz_enrol_res {
    jz_enrolment before, after;
    int months;            /* exit: months it continues; fraud: months paid unduly */
    /* fraud: the recovery the ledger opened (jz_pay_fraud: what it paid
     * for the months from fraud_from on), 0 when none had left yet, and
     * the lines of those months withdrawn before their money left */
    int64_t recovery;
    jz_fen recovered;
    int64_t withdrawn;
    jz_fen withdrawn_total;
} jz_enrol_res;

/* R-EXIT-1: a 低保 unit keeps its amount for exit.months, then stops. */
jz_err jz_proc_enrol_exit(jz_ctx *x, const jz_enrol_req *rq, jz_enrol_res *res, jz_error *err);
/* R-REPORT-1: a change not reported (批评教育, recorded; the enrolment goes
 * on), no longer eligible (stops this month), fraud (stops, and what was
 * paid from fraud_from to this month is to be recovered: to_recover is that
 * many months at the current amount, as the record tells it; the payments
 * ledger holds the months from fraud_from on, in the same transaction,
 * withdraws their lines not yet sent and recovers what was, jz_pay_fraud). */
jz_err jz_proc_enrol_stop(jz_ctx *x, const jz_enrol_req *rq, jz_enrol_res *res, jz_error *err);

/* ---- reviews and death checks that fall due (R-REVIEW-1, R-DEATH-1) ------------- */

typedef struct jz_due_res {
    size_t reviews; /* review cases opened for R-REVIEW-1 */
    size_t deaths;  /* review cases opened for R-DEATH-1 */
    size_t busy;    /* households due that already have an open case */
} jz_due_res;

/* Opens a review case, each with its legal deadline, for every household
 * under region_prefix whose enrolment is due for review within
 * workflow.review_lead_days of `on`, or whose death check is pending.  Run
 * daily: a household with an open case gets no second one, so running it
 * again opens nothing.  One transaction. */
jz_err jz_proc_open_due(jz_ctx *x, const char *region_prefix, jz_date on, jz_due_res *res,
                        jz_error *err);

/* ---- what is due (`case due`) --------------------------------------------------- */

/* An open case and its nearer deadline. */
typedef struct jz_due_case {
    jz_case c;
    jz_date due;      /* the nearer deadline (a problem: the task's legal date, or none) */
    const char *what; /* the step due (static text); NULL: the case's task */
    int left;         /* working days from the date to due; < 0 overdue */
    bool failed;      /* the deadline could not be computed: err says why */
    jz_error err;
} jz_due_case;

typedef struct jz_due_list {
    jz_due_case *rows; /* most urgent first */
    size_t n;
    jz_due_case *problems; /* cases whose deadline could not be computed, by case */
    size_t n_problems;
} jz_due_list;

/*
 * The open cases under region_prefix that are overdue or due within
 * `within` working days of `on` (every open case with `all`), most urgent
 * first.  A case whose deadline cannot be computed (past the last year of
 * the holiday calendar) does not stop the list: it is put in problems with
 * the reason.  Fails only when `on` itself is outside the calendar or the
 * store fails.  jz_due_list_cleanup frees the lists.
 */
jz_err jz_proc_due(const jz_ctx *x, const char *region_prefix, jz_date on, long within, bool all,
                   jz_due_list *out, jz_error *err);
void jz_due_list_cleanup(jz_due_list *l);

/* ---- recipients brought in by an import (issue 11 item 13) --------------------- */

typedef struct jz_adopt_res {
    size_t enrolled;   /* enrolments created */
    size_t ineligible; /* units the engine no longer finds (D alerts raised) */
    size_t alerts;     /* alerts newly stored (an earlier import may have raised them) */
    int64_t ids[JZ_CASE_UNITS_MAX]; /* the enrolments created, for the import's audit entry */
    int64_t alert_ids[JZ_MAX_MEMBERS + 1];
} jz_adopt_res;

/*
 * Brings in what household h (just stored) receives today: its `current`
 * (the household's programme) and its members' own `current` (特困, 单人保).
 * Each unit that has never had an enrolment gets one (origin "import", no
 * case, its first month from `since`, its next review the first review date
 * on or after the record's date, and R-DEATH-1's check where r dates one for
 * a death the record states); a unit with an enrolment, live or stopped,
 * is left alone, so re-importing the same records creates nothing.  When r
 * (the engine's determination of h on its record date; NULL: not assessed)
 * does not find a unit h receives, a D alert is raised on the unit's person
 * (indicator ineligible_recipient), dated the record's date, due
 * `d_days` working days later (monitor.deadline.d), naming the unit and
 * `reasons` (the decisive rules that failed).  In the caller's transaction;
 * the caller audits the batch.
 */
jz_err jz_proc_adopt(jz_store *s, const jz_household *h, const jz_result *r, const char *reasons,
                     int d_days, const jz_calendar *cal, jz_adopt_res *res, jz_error *err);

/* Whether r finds every unit household h states it receives (what
 * jz_proc_adopt checks before raising its alerts). */
bool jz_proc_adopt_found(const jz_household *h, const jz_result *r);

/* The decisive rules of a determination that did not hold, as "R-DB-1、R-DB-2"
 * (empty when none); t is the trace of the same assessment. */
void jz_proc_failed_rules(const jz_result *r, const jz_trace *t, char *out, size_t n);

/* ---- 信息核对: the record against the departments' data ------------------------- */

/* The discrepancies between member i of household h (assessed on `on`,
 * income window of window_months) and his department rows: vehicles,
 * property and businesses registered, government payroll, housing fund,
 * pensions and unemployment benefits, employment, death (公安 or 殡葬),
 * marriage and divorce, bank deposits, imprisonment, disability, serious
 * illness and road-traffic accidents.  Appends to out (at most cap); returns
 * how many were added.  Pure. */
size_t jz_verify_member(const jz_household *h, uint32_t i, const jz_feed_row *rows, size_t n,
                        jz_date on, int window_months, jz_case_finding *out, size_t cap);

/* ==== what the command line and the server read and print (issue 13) ==== */

/* The operations below read the store in ctx and return structs the
 * command line prints and the server renders (jz_api_case.h); they write
 * nothing, except jz_proc_enrol_death (one transaction).  Each result owns
 * what it holds: its _cleanup frees it (and a cleaned result may be cleaned
 * again).  On error the result holds nothing to free. */

#include "jz_docs.h"
#include "jz_record.h"

/* The programme named (n bytes of s) in English or Chinese, as the command
 * line and requests name it ("dibao", "最低生活保障"): its jz_unit_programme,
 * or -1. */
int jz_unit_programme_find(const char *s, size_t n);

/* Short Chinese names of the household categories (不符合, 低保, 支出型低保,
 * 低保边缘, 刚性支出困难), as lists and the chain print them. */
extern const char *const jz_category_short_zh[JZ_CAT_COUNT];

/* ---- one case (`case show`) ---------------------------------------------------- */

typedef struct jz_case_view {
    jz_case c;
    /* The next step's deadline and the decision's (jz_case_deadlines), with
     * what the next step is; deadline_failed (and deadline_err) when they
     * cannot be computed: the case runs past the holiday calendar. */
    jz_date step_due, due;
    const char *next; /* static text */
    bool deadline_failed;
    jz_error deadline_err;
    jz_case_step *steps; /* in the order done */
    size_t n_steps;
    /* What 信息核对 found, when the case is verified in its current round
     * (an objection sends it back and the earlier findings no longer hold). */
    jz_case_finding *findings;
    size_t nf;
    /* The preliminary opinion and the decision on each unit, when the case
     * has an opinion in its current round or is decided: units (those
     * `added` by the county are not the opinion's) and the decisive rules. */
    bool has_opinion;
    jz_case_unit *units;
    size_t nu;
    jz_case_reason *reasons;
    size_t nr;
    jz_grant *grants; /* temporary assistance granted in the case */
    size_t n_grants;
} jz_case_view;

/* Case `id` with its steps, deadlines, findings, opinion, decision and
 * grants.  JZ_ENOTFOUND naming the case when there is none. */
jz_err jz_proc_case_view(const jz_ctx *x, int64_t id, jz_case_view *out, jz_error *err);
void jz_case_view_cleanup(jz_case_view *v);

/* ---- lists of cases (`case list`) ------------------------------------------------ */

typedef struct jz_case_list {
    jz_case *rows;
    size_t n;
} jz_case_list;

/* The cases under region_prefix ("" or NULL: all), open ones only if asked,
 * in the store's order (by case). */
jz_err jz_proc_case_list(const jz_ctx *x, const char *region_prefix, bool open_only,
                         jz_case_list *out, jz_error *err);
void jz_case_list_cleanup(jz_case_list *l);

/* ---- enrolments (`enrolment list`, `enrolment due`) ------------------------------ */

typedef struct jz_enrolment_list {
    jz_enrolment *rows;
    size_t n;
} jz_enrolment_list;

/* The enrolments under region_prefix ("" or NULL: all), of one household if
 * household_id (NULL: every household). */
jz_err jz_proc_enrol_list(const jz_ctx *x, const char *region_prefix, const char *household_id,
                          jz_enrolment_list *out, jz_error *err);
void jz_enrolment_list_cleanup(jz_enrolment_list *l);

/* A live enrolment whose review (R-REVIEW-1) or death check (R-DEATH-1) is
 * due within the window. */
typedef struct jz_enrol_due_row {
    jz_enrolment e;
    bool review;   /* its review falls in the window */
    bool death;    /* its death check falls in the window */
    jz_date when;  /* the earlier of the two that fall in it */
    bool overdue;  /* when is before the date asked about */
} jz_enrol_due_row;

typedef struct jz_enrol_due_list {
    jz_enrol_due_row *rows; /* in the order of jz_proc_enrol_list */
    size_t n;
} jz_enrol_due_list;

/* The live enrolments (as jz_proc_enrol_list selects them) whose review or
 * death check falls on or before `on` + within_days (overdue ones too). */
jz_err jz_proc_enrol_due(const jz_ctx *x, const char *region_prefix, const char *household_id,
                         jz_date on, int within_days, jz_enrol_due_list *out, jz_error *err);
void jz_enrol_due_list_cleanup(jz_enrol_due_list *l);

/* The reasons of jz_proc_enrol_stop by name, indexed by JZ_STOP_*
 * (unreported, ineligible, fraud), and in Chinese. */
extern const char *const jz_stop_reason_names[3];
extern const char *const jz_stop_reason_zh[3];

/* ---- a death recorded against an enrolment (`enrolment death`) ------------------- */

typedef struct jz_enrol_death_req {
    int64_t enrolment;     /* 0, or an enrolment of the person's household */
    const char *id_number; /* who died (normalised here) */
    jz_date death;         /* the date of death */
    jz_date on;            /* the date it is recorded */
    const char *note;
} jz_enrol_death_req;

typedef struct jz_enrol_death_res {
    jz_death_res death;
    jz_enrolment enrolment; /* the enrolment named, as the death left it (id 0: none named) */
} jz_enrol_death_res;

/* jz_proc_death in one transaction with, when rq->enrolment is given, the
 * check that the person belongs to that enrolment's household (refused,
 * JZ_EINPUT naming him and the household, when not) and the enrolment as
 * the death left it. */
jz_err jz_proc_enrol_death(jz_ctx *x, const jz_enrol_death_req *rq, jz_enrol_death_res *res,
                           jz_error *err);

/* ---- the documents (`case document`, `case list-doc`) --------------------------- */

struct jz__decision_parts;

/* The decision notice of a case: d is what jz_doc_decision_render takes
 * (text or HTML); it points into parts. */
typedef struct jz_decision_doc {
    jz_doc_decision d;
    struct jz__decision_parts *parts; /* owned */
} jz_decision_doc;

/* The notice of case `id` (审核确认通知书 or 不予批准通知书): the units
 * approved and the temporary assistance paid first, the units refused with
 * the county's reason and what 信息核对 found about their person, the
 * programmes not found with the rules that failed, or for a refusal every
 * reason with its source.  JZ_EINPUT when the case is not decided yet. */
jz_err jz_proc_decision_doc(const jz_ctx *x, int64_t id, jz_decision_doc *out, jz_error *err);
void jz_decision_doc_cleanup(jz_decision_doc *d);

/* A village's 公示 (JZ_POSTING_NOTICE) or 公布 (JZ_POSTING_PUBLISH) list as
 * posted on a date: l is what jz_doc_list_render and jz_doc_list_xlsx take;
 * it points into the rest. */
typedef struct jz_posting_doc {
    jz_doc_list l;
    jz_doc_list_row *rows;
    char (*names)[64];
    char village[13];
} jz_posting_doc;

/* The rows of `kind` posted in `village` (12 digits) on `on` (R-PUB-1: the
 * name, the persons and the monthly amount, nothing else), with the
 * village's, township's and county's names; an empty list when nothing was
 * posted that day. */
jz_err jz_proc_posting_doc(const jz_ctx *x, const char *village, int kind, jz_date on,
                           jz_posting_doc *out, jz_error *err);
void jz_posting_doc_cleanup(jz_posting_doc *d);

/* The days a village's lists were posted: each run of rows of one kind
 * posted on one day, in posting order. */
typedef struct jz_posting_day {
    jz_date on;
    int kind; /* JZ_POSTING_NOTICE or JZ_POSTING_PUBLISH */
    size_t rows;
} jz_posting_day;

typedef struct jz_posting_days {
    jz_posting_day *days;
    size_t n;
} jz_posting_days;

/* kind -1: both kinds. */
jz_err jz_proc_posting_days(const jz_ctx *x, const char *village, int kind, jz_posting_days *out,
                            jz_error *err);
void jz_posting_days_cleanup(jz_posting_days *d);

/* ---- a household as stored (`show`) -------------------------------------------- */

typedef struct jz_household_view {
    char *record;          /* the stored record as it was given (JSON text), owned */
    jz_household h;        /* read as of the stored determination's date (else today) */
    jz_household_buf buf;  /* h's members */
    int version;           /* the record's version now */
    int assessed;          /* the version the stored determination assessed (0: none) */
    bool have_stored;      /* a bulk run stored a determination */
    bool stale;            /* it was computed from an earlier version of the record */
    bool changed;          /* recomputed now, the outcome differs (parameters changed) */
    int64_t run;
    jz_date date;          /* the stored determination's date */
    jz_result stored;      /* as stored (no trace); with stale, only its household
                              figures describe the record as it was */
    jz_policy policy;      /* in force for h on h.assess_date */
    jz_result now;         /* recomputed from the record */
    jz_trace trace;        /* the full trace of now */
} jz_household_view;

/* The stored record of a household (its ID, or a member's ID number), its
 * latest stored determination and the determination recomputed from the
 * record with its full trace (bulk runs keep only the decisive rules).
 * out is large: allocate it.  JZ_ENOTFOUND when the store has no such
 * household or person. */
jz_err jz_proc_household(const jz_ctx *x, const char *household_or_person,
                         jz_household_view *out, jz_error *err);
void jz_household_view_cleanup(jz_household_view *v);

/* ---- assessing a household record that is not stored (`assess`) ----------------- */

/* Resolved policies by county and date, for many assessments in a row (a
 * file of records, a thread of the server): not shared between threads. */
typedef struct jz_policy_cache jz_policy_cache;

/* A cache over ps (which must outlive it); NULL when out of memory. */
jz_policy_cache *jz_policy_cache_new(const jz_paramset *ps);
void jz_policy_cache_free(jz_policy_cache *c);

/* The policy in force in county on date, resolved once per (county, date)
 * while it stays in the cache: *out is valid until the next call. */
jz_err jz_policy_cache_get(jz_policy_cache *c, const char *county, jz_date date,
                           const jz_policy **out, jz_error *err);

/* A parameter changed for one assessment (what-if, `assess --param`). */
typedef struct jz_param_value {
    const char *name;  /* e.g. "dibao.standard.rural" */
    const char *value; /* as `--param NAME=VALUE` gives it, e.g. "520" */
} jz_param_value;

typedef struct jz_assess_req {
    const char *record; /* one household record (FORMATS.md), need not be terminated */
    size_t len;
    const json_t *household; /* or the record already parsed (then record is not read) */
    jz_date date;       /* JZ_DATE_NONE: the record's assess_date, else ctx's today */
    const jz_param_value *params;
    size_t n_params;
} jz_assess_req;

typedef struct jz_assess_res {
    jz_household h;
    jz_household_buf buf;
    jz_policy policy; /* in force, with the request's parameters */
    jz_result result;
    jz_trace trace;
} jz_assess_res;

/* Assesses a household record against every programme (FORMATS.md): reads
 * it strictly, resolves the parameters of its county on its date (through
 * cache when given; NULL resolves every time), applies the request's
 * parameters to this assessment only, and runs the engine with a full
 * trace.  Reads only ctx's regions, parameters and today: safe to call
 * from several threads at once with one ctx, each with its own cache (or
 * none) and result.  res is large: allocate it.  JZ_EINPUT naming the
 * household, member, field and value of a bad record, or "params.NAME" of a
 * bad parameter; JZ_ENOTFOUND when no parameters are in force there then.
 * jz_determination_json(&res->h, &res->policy, &res->result, &res->trace, 0)
 * writes the determination (jz_determination_value as a JSON value). */
jz_err jz_assess_household(const jz_ctx *x, jz_policy_cache *cache, const jz_assess_req *rq,
                           jz_assess_res *res, jz_error *err);

#endif
