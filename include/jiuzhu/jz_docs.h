/*
 * jz_docs.h - the documents of the procedure (seed 001 四(五), POLICY.md
 * R-WF-1, R-PUB-1): the decision notice (审核确认通知书 when approved,
 * 不予批准通知书 with its reasons and their sources when refused), and the
 * per-village 公示 list (the township's preliminary opinions, 7 days) and
 * 公布 list (approved cases).
 *
 * Renderers take plain structs filled by the caller (the procedure module
 * reads the case, the household record and the determination) and produce
 * text, HTML or CSV (malloc'd, caller frees), or an .xlsx file.  They know
 * nothing of the store.
 *
 * R-PUB-1: a list row has the applicant's name, the number of members and the
 * monthly amount, and nothing else: the struct has no other field, so no ID
 * number, illness, disability or income can reach a list.
 */
#ifndef JZ_DOCS_H
#define JZ_DOCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jz_date.h"
#include "jz_err.h"
#include "jz_money.h"

/* One unit of an approved decision: the household, or a person with a unit
 * of his own (单人保 under R-SINGLE, 特困 under R-TK). */
typedef struct jz_doc_unit {
    const char *label;     /* "全户" or the person's name */
    const char *programme; /* Chinese: 低保, 支出型低保, 低保边缘, 刚性支出困难, 单人保, 特困供养 */
    int members;           /* persons in the unit */
    jz_fen monthly;        /* monthly amount (0 where the programme pays none) */
    jz_fen once;           /* a one-time amount (临时救助), 0 otherwise */
} jz_doc_unit;

/* One reason of a refusal, from the engine's trace. */
typedef struct jz_doc_reason {
    const char *rule;   /* rule ID, e.g. "R-DB-1" */
    const char *text;   /* Chinese: what was found, with the numbers */
    const char *source; /* the rule's source: seed 文号 and clause, or the national text */
} jz_doc_reason;

/* A unit the decision refuses while approving others (R-WF-7), with the
 * county's written reason and the rules it bears on. */
typedef struct jz_doc_refusal {
    const char *label;     /* "全户" or the person's name */
    const char *programme; /* Chinese */
    const char *reason;    /* the county's written reason */
    const jz_doc_reason *rules;
    size_t n_rules;
} jz_doc_refusal;

typedef struct jz_doc_decision {
    int64_t case_id;
    const char *county_name;   /* issuing civil-affairs bureau's county, e.g. 忻府区 */
    const char *township_name; /* may be "" */
    const char *village_name;  /* may be "" */
    const char *household_id;
    const char *applicant_name;
    int members; /* household members */
    bool approved;
    jz_date accepted_on; /* 受理 */
    jz_date decided_on;
    const char *first_month; /* "YYYY-MM", first month paid (approved only) */
    const jz_doc_unit *units;
    size_t n_units;
    const jz_doc_reason *reasons; /* refused only */
    size_t n_reasons;
    const char *note; /* the decision's note, "" if none */
    /* Approved decisions that refuse some units (R-WF-7), and the
     * programmes the assessment did not find, with the rules that failed
     * (R-ONE-1: every programme was assessed; a refusal gives reasons). */
    const jz_doc_refusal *refused;
    size_t n_refused;
    const jz_doc_reason *not_found;
    size_t n_not_found;
    const char *judgment; /* R-WF-7: the county's overall judgment, "" if none */
} jz_doc_decision;

/* One row of a 公示 or 公布 list: R-PUB-1, and nothing else. */
typedef struct jz_doc_list_row {
    const char *applicant_name; /* the applicant, or the person of a unit of his own */
    int members;                /* persons the unit supports */
    jz_fen monthly;             /* monthly amount of the unit (proposed, for 公示) */
    bool no_cash;               /* the programme pays no money (低保边缘, 刚性支出) */
    int64_t group;              /* rows of one household share it (0: a household of its own);
                                   used for the total, never shown */
} jz_doc_list_row;

typedef struct jz_doc_list {
    bool notice; /* true: 公示 of preliminary opinions; false: 公布 of approvals */
    const char *county_name, *township_name;
    const char *village_code; /* 12 digits */
    const char *village_name; /* "" when the region table has no village names */
    jz_date from;             /* 公示: first day; 公布: the date published */
    jz_date until;            /* 公示: last day (from + 6); 公布: JZ_DATE_NONE */
    const jz_doc_list_row *rows;
    size_t n_rows;
} jz_doc_list;

typedef enum jz_doc_format { JZ_DOC_TEXT = 0, JZ_DOC_HTML, JZ_DOC_CSV } jz_doc_format;

/* The decision notice as text or HTML (CSV is not a format for a notice:
 * NULL).  NULL on allocation failure. */
char *jz_doc_decision_render(const jz_doc_decision *d, jz_doc_format f);

/* A list as text, HTML or CSV (UTF-8 with a byte order mark, so Excel shows
 * the Chinese).  NULL on allocation failure. */
char *jz_doc_list_render(const jz_doc_list *l, jz_doc_format f);

/* True when a spreadsheet would take the cell text s for a formula: it
 * starts with = + - @, a tab or a carriage return, or a full-width ＝ ＋ － ＠.
 * Every CSV and xlsx writer of jiuzhu puts a ' before such a cell. */
bool jz_doc_formula_like(const char *s);

/* A list as an .xlsx workbook at path (libxlsxwriter). */
jz_err jz_doc_list_xlsx(const jz_doc_list *l, const char *path, jz_error *err);

#endif
