/*
 * jz_pay.h - payments (issue 14, POLICY.md §13, seed 004 一.2 and 一.4):
 * from an enrolment's monthly amount to money in the family's account, paid
 * once, on time, reconciled.
 *
 *   payees       who is paid: a household's or a person's account (一卡通),
 *                or, for 集中供养 特困, the care institution (R-PAY-2)
 *   the ledger   one line per enrolment unit, programme and period (R-PAY-1):
 *                低保 monthly, 特困 quarterly in the quarter's first month;
 *                a change after planning is an adjustment line in a later
 *                period, never an edit; one-time programmes (R-ONCE-1) one
 *                line per person per programme
 *   batches      lines of one county, bank and period, prepared by one user
 *                and approved by another, then locked (R-PAY-3)
 *   bank files   the 代发 file of a locked batch, and the bank's result per
 *                line (paid, or refused with a reason: 退票); a refused line
 *                is paid again once, in a later batch, as a follow-up
 *   reconciling  planned, sent, paid, refused, re-paid, recovered (R-PAY-4)
 *   recoveries   money paid unduly (fraud from a date, payment after death),
 *                with a balance settled by repayments
 *
 * Every operation is one transaction through jz_store_run, audited with the
 * context's actor.  Money is fen.  Account numbers are masked everywhere
 * but in the bank file (jz_account_mask).
 */
#ifndef JZ_PAY_H
#define JZ_PAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jz_case.h"
#include "jz_ctx.h"
#include "jz_err.h"
#include "jz_idnum.h"
#include "jz_money.h"

/* ---- periods ---------------------------------------------------------------------- */

/* A month "YYYY-MM" (低保, monthly) or a quarter "YYYY-Qn" (特困); one-time
 * lines carry their programme's code as their period. */
#define JZ_PERIOD_BUF 16
#define JZ_ACCOUNT_MAX 32 /* digits of an account number, at most */
#define JZ_ACCOUNT_BUF (JZ_ACCOUNT_MAX + 1)
#define JZ_BANK_CODE_BUF 16

/* Parses "YYYY-MM" into *ym = year * 12 + (month - 1); false otherwise. */
bool jz_period_month(const char *text, int *ym);
/* Writes the month ym as "YYYY-MM", and its quarter as "YYYY-Qn". */
void jz_period_month_text(int ym, char out[JZ_PERIOD_BUF]);
void jz_period_quarter_text(int ym, char out[JZ_PERIOD_BUF]);
/* The legal date a period's money must be in the account (R-DB-PAY,
 * R-TK-PAY): the 10th of the month; of the quarter's first month. */
jz_date jz_period_due(int ym);

/* ---- banks and accounts (policy/banks/CODE.json) ------------------------------------ */

/* One column of a bank's 代发 file. */
typedef enum jz_bank_field {
    JZ_BF_SEQ = 0,   /* 序号: 1, 2, ... in the file */
    JZ_BF_LINE,      /* the line's number in jiuzhu (matches the results) */
    JZ_BF_NAME,      /* 户名: the account holder's name */
    JZ_BF_ID,        /* 身份证号: the holder's ID number */
    JZ_BF_ACCOUNT,   /* 账号 (whole: the bank file is the one place) */
    JZ_BF_AMOUNT,    /* 金额, yuan with two decimals */
    JZ_BF_PROGRAMME, /* 项目: 城乡低保金, 特困供养金, ... */
    JZ_BF_PERIOD,    /* 所属期 */
    JZ_BF_REGION,    /* 区划代码 of the household */
    JZ_BF_NOTE,      /* 摘要: programme and period in words */
    JZ_BF_COUNT
} jz_bank_field;
extern const char *const jz_bank_field_names[JZ_BF_COUNT]; /* "seq", "line", ... */

typedef struct jz_bank {
    char code[JZ_BANK_CODE_BUF]; /* "abc", "psbc", "sxrcu", ... (file name) */
    char name[96];               /* 中国农业银行 */
    int min_len, max_len;        /* digits of an account number */
    bool luhn;                   /* the last digit is a Luhn check digit */
    /* The 代发 file: its columns in order, with their headings; text
     * encoding ("UTF-8" or "GB18030"); file name pattern with {county},
     * {period}, {batch}, {date} (e.g. "DF_{county}_{period}_{batch}.csv"). */
    int n_columns;
    jz_bank_field columns[JZ_BF_COUNT];
    char headings[JZ_BF_COUNT][48];
    char encoding[16];
    char file_pattern[128];
    bool header_row;
    /* The reserved code "voucher" (JZ_VOUCHER_BANK): not a bank but the
     * issuer of 消费券, whose file is a list of persons (name, ID number,
     * amount: no account) and whose confirmation is matched on the ID
     * number.  No payee may name it, nor "default". */
    bool voucher;
} jz_bank;

#define JZ_VOUCHER_BANK "voucher"

typedef struct jz_banks {
    jz_bank *b;
    size_t n;
} jz_banks;

/* Loads every policy_dir/banks/<code>.json (none: an empty table).  A file
 * that is not valid is refused naming the file, the field and the reason. */
jz_err jz_banks_load(const char *policy_dir, jz_banks *out, jz_error *err);
void jz_banks_free(jz_banks *b);
const jz_bank *jz_banks_find(const jz_banks *b, const char *code);
/* A bank an account may be held at: jz_banks_find, but never the default
 * layout ("default") nor the issuer of vouchers (JZ_VOUCHER_BANK). */
const jz_bank *jz_banks_find_payable(const jz_banks *b, const char *code);

/* Whether account is a valid account number of bank b: digits only, of the
 * bank's length, the Luhn check where the bank uses it.  JZ_EINPUT naming
 * field "account" and the reason (the value masked). */
jz_err jz_bank_check_account(const jz_bank *b, const char *account, jz_error *err);
/* The account as lists show it: first 4 and last 4 digits, the rest '*'. */
void jz_account_mask(const char *account, char out[JZ_ACCOUNT_BUF]);

/* ---- payees ----------------------------------------------------------------------- */

/* Where one unit's money goes: the household's account (member_id ""), a
 * person's own account (特困 分散供养, 单人保), or a care institution
 * (集中供养: institution set, the account is the institution's). */
typedef struct jz_payee {
    int64_t id;
    char county[7];
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    char member_id[JZ_IDNUM_BUF]; /* "" : the household's payee */
    char holder_name[64];
    char holder_id[JZ_IDNUM_BUF];
    char bank[JZ_BANK_CODE_BUF];
    char account[JZ_ACCOUNT_BUF];
    int64_t institution; /* 0: none */
    int version;         /* 1, 2, ... each change of account */
} jz_payee;

typedef struct jz_institution {
    int64_t id;
    char county[7];
    char name[128];   /* 供养服务机构 */
    char holder[128]; /* the account's holder (the institution) */
    char bank[JZ_BANK_CODE_BUF];
    char account[JZ_ACCOUNT_BUF];
} jz_institution;

/* ---- the ledger ------------------------------------------------------------------- */

typedef enum jz_pay_kind {
    JZ_PAY_REGULAR = 0, /* the period's amount */
    JZ_PAY_ADJUST,      /* a correction of an earlier period (ref_period) */
    JZ_PAY_ONCE,        /* a one-time programme (R-ONCE-1) */
    JZ_PAY_FOLLOWUP,    /* a refused line paid again (refers_to) */
    JZ_PAY_KIND_COUNT
} jz_pay_kind;
extern const char *const jz_pay_kind_names[JZ_PAY_KIND_COUNT];
extern const char *const jz_pay_kind_zh[JZ_PAY_KIND_COUNT];

typedef enum jz_pay_status {
    JZ_PL_PLANNED = 0, /* owed, in no batch yet */
    JZ_PL_BATCHED,     /* in a batch not yet sent */
    JZ_PL_SENT,        /* in a batch whose file went to the bank */
    JZ_PL_PAID,        /* the bank credited the account */
    JZ_PL_REFUSED,     /* the bank refused it (退票): a follow-up pays it */
    JZ_PL_HELD,        /* not payable: no valid payee, or refused by a rule
                          (reason says which); stays until it can be paid */
    JZ_PL_SUPERSEDED,  /* refused, and its follow-up now carries the money */
    JZ_PL_WITHDRAWN,   /* found not owed before the money left (a death, a
                          fraud stop, a hold, a lower amount): never paid,
                          not counted in what the ledger holds (R-PAY-4) */
    JZ_PL_STATUS_COUNT
} jz_pay_status;
extern const char *const jz_pay_status_names[JZ_PL_STATUS_COUNT];
extern const char *const jz_pay_status_zh[JZ_PL_STATUS_COUNT];

typedef struct jz_pay_line {
    int64_t id;
    char county[7];
    char region[13];
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    int64_t enrolment;              /* 0: a one-time programme's line */
    char programme[32];             /* jz_unit_programme_names[], or a one-time code */
    char period[JZ_PERIOD_BUF];     /* the period paid (planning's month or quarter) */
    uint8_t kind;                   /* jz_pay_kind */
    char ref_period[JZ_PERIOD_BUF]; /* adjust: the period it corrects */
    int64_t refers_to;              /* follow-up: the refused line */
    char member_id[JZ_IDNUM_BUF];   /* the person; "" for a household unit */
    char label[64];                 /* 全户, or the person's name */
    int persons;
    jz_fen amount;                      /* may be negative for an adjustment */
    jz_fen province_share, local_share; /* one-time: the funding split */
    bool voucher;                       /* one-time, paid as 消费券 */
    int64_t payee;                      /* the payee (version) it is paid to, 0 if none yet */
    int64_t batch;                      /* 0: in no batch */
    uint8_t status;                     /* jz_pay_status */
    char result[16];                    /* the bank's code ("0000" paid, else refusal) */
    char reason[160];                   /* why held or refused */
} jz_pay_line;

/* Planning a month (`jiuzhu pay plan DB --period 2025-07`). */
typedef struct jz_pay_plan_req {
    const char *period;        /* "YYYY-MM" */
    const char *region_prefix; /* "" : the province (within x->scope) */
} jz_pay_plan_req;

typedef struct jz_pay_refusal {
    char county[7];
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    char member_id[JZ_IDNUM_BUF];
    int64_t enrolment;
    char rule[16]; /* "R-TK-5" ... */
    char reason[256];
} jz_pay_refusal;

typedef struct jz_pay_plan_res {
    int64_t lines_added;       /* regular lines this run added */
    int64_t adjustments_added; /* adjustment lines */
    int64_t already;           /* regular lines that existed (a second run) */
    int64_t held;              /* of the added, held (no payee) */
    jz_fen total_added;        /* the amount of the lines added */
    int64_t recoveries_opened; /* negative adjustments of a stopped unit */
    int64_t withdrawn;         /* unsent lines found not owed, withdrawn */
    jz_fen withdrawn_total;    /* their amount (not paid, so not recovered) */
    jz_pay_refusal *refusals;  /* malloc'd: units refused by a rule */
    size_t n_refusals;
} jz_pay_plan_res;
void jz_pay_plan_res_cleanup(jz_pay_plan_res *r);

jz_err jz_pay_plan(jz_ctx *x, const jz_pay_plan_req *rq, jz_pay_plan_res *res, jz_error *err);

/* ---- one-time programmes (R-ONCE-1; policy/programmes/CODE.json) -------------------- */

/* A one-time programme as its file states it (docs/payments-dev.md, "One-time
 * programmes, holds and recoveries").  Its code is its file's name and each
 * of its lines' programme and period. */
typedef struct jz_once_programme {
    char code[JZ_PERIOD_BUF]; /* "2022-subsidy": [a-z0-9-], at most 15, not a month or quarter */
    char name[96];            /* 一次性生活补贴 */
    char source[160];         /* the document that orders it */
    unsigned eligible;        /* bits (1 << jz_unit_programme): the units whose persons are paid */
    jz_date as_of;            /* who is eligible: the units in force on this day */
    jz_fen amount;            /* per person */
    /* Funding: the province's share in millionths (600000 for 6 : 4); the
     * city-county's is the rest, so the two always make the whole. */
    int32_t province_ppm;
    jz_date deadline; /* paid by (R-ONCE-1); JZ_DATE_NONE: the source states none */
    bool voucher;     /* paid as 消费券 rather than cash */
} jz_once_programme;

typedef struct jz_once_programmes {
    jz_once_programme *p;
    size_t n;
} jz_once_programmes;

/* Loads every policy_dir/programmes/<code>.json (no folder: an empty table)
 * into *out (malloc'd; jz_once_programmes_free).  A file that is not valid is
 * refused naming the file, the field, the value and the reason. */
jz_err jz_once_programmes_load(const char *policy_dir, jz_once_programmes **out, jz_error *err);
/* Reads one programme file's text; `code` is what its file name says. */
jz_err jz_once_programme_parse(const char *text, size_t len, const char *code,
                               jz_once_programme *out, jz_error *err);
void jz_once_programmes_free(jz_once_programmes *p);
const jz_once_programme *jz_once_programmes_find(const jz_once_programmes *p, const char *code);

/* The first month of a regular period: "YYYY-MM" itself, "YYYY-Qn" its
 * quarter's first month; false for anything else (a one-time code). */
bool jz_period_first_month(const char *period, int *ym);

/* One line's funding split: the province's share is rounded down to the
 * fen, the city-county's is the rest (it takes the rounding fen). */
void jz_once_programme_split(const jz_once_programme *p, jz_fen amount, jz_fen *province,
                             jz_fen *local);

typedef struct jz_pay_once_res {
    int64_t persons;     /* eligible persons found (added + already) */
    int64_t lines_added; /* lines this run added */
    int64_t already;     /* persons who had their line (a second run) */
    int64_t held;        /* of the added, held (no payee) */
    jz_fen total_added, province_added, local_added;
    /* The programme's lines under the region after this run, and their sums
     * by funding source (province + local == total). */
    int64_t lines;
    jz_fen total, province, local;
    bool late;                /* run after the programme's deadline */
    jz_pay_refusal *refusals; /* malloc'd: units whose persons cannot be told */
    size_t n_refusals;
} jz_pay_once_res;
void jz_pay_once_res_cleanup(jz_pay_once_res *r);

/* One JZ_PAY_ONCE line per person of programme `code` (R-ONCE-1): every
 * person of a unit of an eligible programme in force on the programme's
 * as_of day under region_prefix ("" the province, within x->scope): a 特困
 * or 单人保 person by his unit; a household's unit by its members the
 * stored record counts (alive on as_of, living at home (R-HH-2), without a
 * unit of their own (R-TK-5)).  Paid like planning pays the unit (held when
 * there is no payee); the funding split per line.  Once per person and
 * programme whatever is re-run (the ledger's unique index).  One
 * transaction, audited "pay.once". */
jz_err jz_pay_once(jz_ctx *x, const char *code, const char *region_prefix, jz_pay_once_res *res,
                   jz_error *err);

/* ---- holds: months an enrolment is not paid ---------------------------------------- */

/* Suspends enrolment's payments from month `from` ("YYYY-MM") on, until
 * released (a review says so).  A month already planned becomes money paid
 * unduly at the next planning (recovered) unless the hold is released with
 * back pay.  One transaction, audited "pay.hold". */
jz_err jz_pay_hold_start(jz_ctx *x, int64_t enrolment, const char *from, const char *reason,
                         jz_error *err);
/* Ends the enrolment's open hold with month `to` (its last month held).
 * back_pay: the hold ended in the unit's favour, its months are owed and
 * the next planning pays them as adjustments; otherwise nothing is owed
 * for them.  One transaction, audited "pay.release". */
jz_err jz_pay_release(jz_ctx *x, int64_t enrolment, const char *to, bool back_pay, jz_error *err);

/* What a fraud stop does to the ledger (R-REPORT-1, R-PAY-4), in the
 * caller's transaction (jz_proc_enrol_stop): a hold from month `from` on
 * without back pay, then the ledger's computation for the enrolment at
 * once, as the next planning would make it: the lines of the periods from
 * `from` on whose money has not left are withdrawn, and what did leave is
 * put to a recovery opened on day `on` (the stop's). */
typedef struct jz_pay_fraud_res {
    int64_t recovery;       /* its id, 0 when nothing had left */
    jz_fen recovered;       /* what this added to it */
    int64_t withdrawn;      /* unsent lines withdrawn */
    jz_fen withdrawn_total; /* their amount */
} jz_pay_fraud_res;
jz_err jz_pay_fraud(jz_ctx *x, const jz_enrolment *e, const char *from, jz_date on,
                    jz_pay_fraud_res *out, jz_error *err);

/* ---- batches ---------------------------------------------------------------------- */

typedef enum jz_batch_state {
    JZ_BATCH_PREPARED = 0, /* lines assigned; may still be dropped */
    JZ_BATCH_APPROVED,     /* approved by another user: locked */
    JZ_BATCH_EXPORTED,     /* its file written for the bank */
    JZ_BATCH_SETTLED,      /* the bank's results imported */
    JZ_BATCH_STATE_COUNT
} jz_batch_state;
extern const char *const jz_batch_state_names[JZ_BATCH_STATE_COUNT];
extern const char *const jz_batch_state_zh[JZ_BATCH_STATE_COUNT];

typedef struct jz_pay_batch {
    int64_t id;
    char county[7];
    char bank[JZ_BANK_CODE_BUF];
    char period[JZ_PERIOD_BUF]; /* the planning month the batch pays */
    uint8_t state;              /* jz_batch_state */
    char prepared_by[64], approved_by[64];
    char prepared_at[32], approved_at[32], exported_at[32], settled_at[32];
    int64_t lines;
    jz_fen total;
    char file_name[160];     /* as exported */
    char results_sha256[65]; /* of the result file imported */
} jz_pay_batch;

/* Groups the payable lines (planned, with a payee) of a county and period
 * into one batch per bank; follow-ups of refused lines join the batches of
 * the period they are paid in.  *batches (malloc'd) lists those made. */
typedef struct jz_pay_batch_req {
    const char *period;
    const char *county; /* 6 digits */
} jz_pay_batch_req;
typedef struct jz_pay_batch_res {
    jz_pay_batch *b;
    size_t n;
} jz_pay_batch_res;
void jz_pay_batch_res_cleanup(jz_pay_batch_res *r);
jz_err jz_pay_batch_prepare(jz_ctx *x, const jz_pay_batch_req *rq, jz_pay_batch_res *res,
                            jz_error *err);
/* Approves (locks) batch id: refused (JZ_EDENIED) when x->actor prepared it. */
jz_err jz_pay_batch_approve(jz_ctx *x, int64_t id, jz_pay_batch *out, jz_error *err);
jz_err jz_pay_batch_get(jz_ctx *x, int64_t id, jz_pay_batch *out, jz_error *err);

/* The lines of a batch, in line order (fn called for each). */
jz_err jz_pay_batch_lines(jz_ctx *x, int64_t id, void (*fn)(const jz_pay_line *l, void *arg),
                          void *arg, jz_error *err);

/* ---- recoveries (R-PAY-4) --------------------------------------------------------- */

typedef struct jz_recovery {
    int64_t id;
    char county[7];
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    int64_t enrolment;
    char from_period[JZ_PERIOD_BUF]; /* the first period paid unduly */
    char rule[16];                   /* "R-PAY-4" */
    char reason[160];                /* why: death, fraud (虚报、隐瞒、伪造), a stop */
    jz_fen amount;                   /* paid unduly */
    jz_fen balance;                  /* still to be repaid */
    jz_date opened_on;
} jz_recovery;

typedef struct jz_repayment {
    int64_t id;
    int64_t recovery;
    jz_fen amount;
    jz_date on;
    char note[160];
} jz_repayment;

/* Records a repayment of `amount` (> 0, never beyond the balance) on day
 * `on` (not before the recovery was opened, not after today); the balance
 * 0 settles the recovery.  *out (may be NULL): the recovery after; *paid
 * (may be NULL): the repayment recorded, with its id.  One transaction,
 * audited "recovery.repay". */
jz_err jz_pay_repay(jz_ctx *x, int64_t recovery, jz_fen amount, jz_date on, const char *note,
                    jz_recovery *out, jz_repayment *paid, jz_error *err);
/* The recoveries of a household (household_id), or of a county (county),
 * or every one (both NULL or ""), within x->scope, by id. */
jz_err jz_pay_recoveries(jz_ctx *x, const char *household_id, const char *county,
                         void (*fn)(const jz_recovery *r, void *arg), void *arg, jz_error *err);
/* The repayments of a recovery, by id. */
jz_err jz_pay_repayments(jz_ctx *x, int64_t recovery, void (*fn)(const jz_repayment *p, void *arg),
                         void *arg, jz_error *err);
/* ---- payees, institutions, bank files, results, follow-ups (docs/payments-dev.md) ---- */

/* Sets a unit's payee (R-PAY-2): the household's (member_id NULL or ""),
 * a person's own (member_id his ID number: a member of the household's
 * stored record), or, for a 集中供养 特困 person, his care institution
 * (institution set, the holder, bank and account then taken from it).
 * The holder's name and ID number (its check character), the bank (known
 * in x->banks) and the account (jz_bank_check_account) are checked.  A
 * change stores a new version of the payee and audits "payee.set" with
 * the account masked and its sha256; setting the same account again
 * changes nothing.  Lines of the unit held only for want of an account
 * (held, no payee, a positive amount) become planned, to this payee. */
typedef struct jz_payee_req {
    const char *household_id;
    const char *member_id; /* NULL or "": the household's payee */
    const char *holder_name, *holder_id, *bank, *account;
    int64_t institution; /* 0: an own account, else the others are NULL */
} jz_payee_req;
typedef struct jz_payee_res {
    jz_payee payee;   /* as stored (or as it was, when nothing changed) */
    int before;       /* the version it replaced, 0: none */
    bool changed;     /* false: the same account again, nothing written */
    int64_t released; /* lines held for want of an account, now planned */
    /* 一卡多户: other households whose current payee is this same account
     * (the first JZ_PAYEE_SHARED_MAX, by household): not refused (a
     * guardian may hold the account of two), but said, and audited. */
    size_t n_shared;
    char shared[8][JZ_HOUSEHOLD_ID_MAX];
} jz_payee_res;
#define JZ_PAYEE_SHARED_MAX 8
jz_err jz_pay_payee_set(jz_ctx *x, const jz_payee_req *rq, jz_payee_res *res, jz_error *err);
/* The current payee of a unit (member_id NULL or "": the household's);
 * JZ_ENOTFOUND when there is none or the household is outside x->scope. */
jz_err jz_pay_payee_get(jz_ctx *x, const char *household_id, const char *member_id, jz_payee *out,
                        jz_error *err);
/* The current payees of a household: its own and its members' (malloc'd,
 * the household's first if it has one, then in member order). */
jz_err jz_pay_payees(jz_ctx *x, const char *household_id, jz_payee **out, size_t *n, jz_error *err);

/* Registers a care institution (供养服务机构) of a county with its account:
 * name unique in the county, holder (the account's name), bank known,
 * account valid.  in->id is set.  Audited "institution.add" (masked). */
jz_err jz_pay_institution_add(jz_ctx *x, jz_institution *in, jz_error *err);
/* The institutions of a county ("" or NULL: every one within x->scope). */
jz_err jz_pay_institutions(jz_ctx *x, const char *county,
                           void (*fn)(const jz_institution *i, void *arg), void *arg,
                           jz_error *err);

/* The 代发 file of a batch for its bank (policy/banks/<bank>.json): its
 * columns and headings, encoding (CSV: UTF-8 or GB18030; XLSX is always
 * Unicode), header row and file name.  Only an approved batch, or one
 * already exported: the first export marks the batch exported (the time
 * and the file name) and its lines sent, audited "pay.export"; exporting
 * again writes the same rows and changes nothing in the store.  The
 * account numbers are whole here and nowhere else.  The file is written
 * whole or not at all (jz_outfile), in out_dir (NULL: "."), replacing a
 * file of the same name. */
typedef enum jz_pay_format { JZ_PAY_CSV = 0, JZ_PAY_XLSX } jz_pay_format;
typedef struct jz_pay_export_req {
    int64_t batch;
    jz_pay_format format;
    const char *out_dir;
    const char *guard; /* the database's path (never overwritten), or NULL */
    unsigned flags;    /* JZ_OUT_GROUP_READ; JZ_OUT_FORCE is implied */
    bool again_only;   /* a download of a file already sent: an approved
                          batch not yet exported is refused (JZ_ECONFLICT),
                          so that a read never sends a batch */
} jz_pay_export_req;
typedef struct jz_pay_export_res {
    jz_pay_batch batch; /* after the export */
    bool first;         /* this export marked the batch exported */
    char path[4096];    /* the file written */
    int64_t lines;
    jz_fen total;
} jz_pay_export_res;
jz_err jz_pay_export(jz_ctx *x, const jz_pay_export_req *rq, jz_pay_export_res *res, jz_error *err);

/* The bank's result file (回盘), docs/payments-dev.md: CSV, UTF-8 or
 * GB18030, one row per line: line number, account, amount, result code
 * ("0000" or "00": paid; anything else a refusal, 退票) and reason; a
 * header row naming the columns (in any order) or none (that order). */
#define JZ_PAY_RESULTS_MAX ((size_t)1 << 30) /* bytes of a result file */
typedef struct jz_pay_expect {
    int64_t line;                 /* ascending */
    char account[JZ_ACCOUNT_BUF]; /* as sent */
    jz_fen amount;
} jz_pay_expect;
typedef struct jz_pay_result_row {
    long file_line; /* where the file gives it */
    bool paid;
    char code[16];
    char reason[160];
} jz_pay_result_row;
/* Reads text (len bytes; name for messages) against the n lines the batch
 * sent (expect, ascending by line): rows[i] is expect[i]'s result.  A
 * header row is recognised by its names (line/明细编号, account/账号,
 * amount/金额, code/结果代码, reason/说明, ... and the headings of bank, which
 * may be NULL), its columns in any order.  All or
 * nothing: JZ_EINPUT naming the file, its line, the field, the value
 * (accounts masked) and the reason when the encoding is neither UTF-8 nor
 * GB18030, a row is malformed, a line is not in the batch or appears
 * twice, an account or amount differs from what was sent, or lines of the
 * batch are missing (how many, and the first). */
jz_err jz_pay_results_read(const char *text, size_t len, const char *name, const jz_bank *bank,
                           const jz_pay_expect *expect, size_t n, jz_pay_result_row *rows,
                           jz_error *err);

typedef struct jz_pay_results_res {
    jz_pay_batch batch;
    bool already; /* the same file was imported before: nothing changed */
    int64_t paid, refused;
    jz_fen paid_total, refused_total;
    char sha256[65]; /* of the file */
} jz_pay_results_res;
/* Imports the result file of an exported batch in one transaction: its
 * lines become paid or refused (the code and reason kept), the batch
 * settled with the file's sha256, audited "pay.results".  The same file
 * again changes nothing (res->already); another file for a settled batch,
 * or any refusal of jz_pay_results_read, writes nothing. */
jz_err jz_pay_results(jz_ctx *x, int64_t batch, const char *text, size_t len, const char *name,
                      jz_pay_results_res *res, jz_error *err);

/* Follow-ups (R-PAY-3): every refused line of the county whose unit now
 * has a current payee newer than the one it was refused on gets one
 * follow-up line (same amount, programme, period, member; planned; the
 * next batch takes it) and becomes superseded; a refused line whose
 * account was not corrected waits.  Audited "pay.followup". */
typedef struct jz_pay_followup_res {
    jz_pay_line *added; /* the follow-ups made (malloc'd) */
    size_t n_added;
    jz_fen total;
    jz_pay_line *waiting; /* refused lines still on the account refused */
    size_t n_waiting;
} jz_pay_followup_res;
void jz_pay_followup_res_cleanup(jz_pay_followup_res *r);
jz_err jz_pay_followup(jz_ctx *x, const char *county, jz_pay_followup_res *res, jz_error *err);
/* ---- reconciliation, the finance statement, deadlines (R-PAY-4, R-DB-PAY, R-TK-PAY) -- */

/*
 * A reconciliation (对账) reads the ledger of one batch, or of a county's
 * period, and checks that every yuan planned is accounted for.  A period is
 * what one legal date covers:
 *   "YYYY-MM"  the month's 低保 lines, and when the month opens a quarter,
 *              the quarter's 特困 lines (both due by the 10th, R-DB-PAY,
 *              R-TK-PAY);
 *   "YYYY-Qn"  one quarter's 特困 lines;
 *   CODE       a one-time programme's lines (R-ONCE-1: its period is its
 *              code, its date the programme's deadline).
 * A follow-up keeps the period of the line it pays again, so a refusal and
 * its re-payment reconcile in the same period.
 *
 * The identities checked (jz_recon_identity; their names are stable):
 *   ledger      planned = paid + re-paid + refused-not-repaid + in flight
 *               (pending, batched, sent) + held + withdrawn, in count and amount, over
 *               the lines of positive amount ("planned" counts regular,
 *               adjustment and one-time lines, not follow-ups);
 *   followups   refused-and-repaid (superseded) = their follow-ups: one
 *               each, of the same amount, unit and period;
 *   batches     each batch's recorded count and total = the sum of its lines;
 *   batch_lines (a batch) its lines = paid + re-paid + refused + sent +
 *               batched + withdrawn (a refusal found not owed): no line of
 *               a batch is planned or held;
 *   shares      one-time lines: province share + local share = amount;
 *   recoveries  (a period; the county's whole ledger) the recoveries opened
 *               = the negative adjustments planning wrote (多发转追回);
 *   repayments  (same) recovered = repaid + balance.
 * Differences are named line by line (jz_recon_issue): a line sent but
 * without a result, a refused line without a follow-up, a batch whose total
 * differs from its lines, a line in no batch although a later batch of the
 * county could have taken it, a status that does not fit the batch, ...
 */

typedef struct jz_recon_sum {
    int64_t n;
    jz_fen amount;
} jz_recon_sum;

/* The figures of a reconciliation, for all its lines or one programme's. */
typedef struct jz_recon_fig {
    char programme[32];   /* "dibao", "tekun", a one-time code; "" for the total */
    jz_recon_sum planned; /* owed: regular + positive adjustments + one-time */
    jz_recon_sum regular, adjust_up, once;
    jz_recon_sum adjust_down;         /* negative adjustments (amount < 0): to recover */
    jz_recon_sum held;                /* not payable (no account ...), positive lines */
    jz_recon_sum pending;             /* planned, in no batch */
    jz_recon_sum batched;             /* in a batch not yet sent */
    jz_recon_sum sent;                /* sent, no result yet */
    jz_recon_sum paid;                /* paid at the first try */
    jz_recon_sum repaid;              /* follow-ups paid (退票重发到账) */
    jz_recon_sum refused;             /* every refusal, repaid or not */
    jz_recon_sum refused_open;        /* refused, not (yet) paid again */
    jz_recon_sum superseded;          /* refused, with a follow-up */
    jz_recon_sum followups;           /* follow-up lines, in any state */
    jz_recon_sum withdrawn;           /* found not owed before the money left: never
                                         paid (regular, adjustment, one-time lines) */
    jz_recon_sum withdrawn_followups; /* follow-ups withdrawn with their refused line */
    jz_recon_sum lines;               /* every line of positive amount */
    jz_fen province, local;           /* one-time: the funding shares planned */
    jz_fen province_paid, local_paid; /* the shares of what reached the accounts */
} jz_recon_fig;

typedef enum jz_recon_issue_kind {
    JZ_RI_SENT_NO_RESULT = 0, /* sent, its batch settled, no result */
    JZ_RI_REFUSED_OPEN,       /* refused, no follow-up yet (to do) */
    JZ_RI_UNBATCHED,          /* payable, missed by a later batch (to do) */
    JZ_RI_BATCH_TOTAL,        /* a batch's count or total differs from its lines */
    JZ_RI_NO_FOLLOWUP,        /* superseded, but no follow-up pays it */
    JZ_RI_FOLLOWUP,           /* a follow-up that does not match its refused line */
    JZ_RI_STATE,              /* a status that does not fit the line's batch */
    JZ_RI_NEGATIVE,           /* a negative amount not held (would be sent) */
    JZ_RI_SHARES,             /* one-time shares do not add up to the amount */
    JZ_RI_RECOVERY,           /* recoveries differ from the negative adjustments */
    JZ_RI_BALANCE,            /* a recovery's balance differs from amount - repaid */
    JZ_RI_KIND_COUNT
} jz_recon_issue_kind;
extern const char *const jz_recon_issue_names[JZ_RI_KIND_COUNT]; /* "sent_no_result", ... */
extern const char *const jz_recon_issue_zh[JZ_RI_KIND_COUNT];

/* One difference, naming its line (or batch, enrolment, recovery). */
typedef struct jz_recon_issue {
    uint8_t kind;     /* jz_recon_issue_kind */
    bool discrepancy; /* a difference (false: an open task, e.g. a refusal to correct) */
    int64_t line, batch, enrolment, recovery; /* 0 where none */
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    char member_id[JZ_IDNUM_BUF];
    char programme[32];
    char period[JZ_PERIOD_BUF];
    jz_fen amount;
    char detail[256]; /* what differs, in Chinese, with the values */
} jz_recon_issue;

typedef struct jz_recon_identity {
    const char *name; /* "ledger", "followups", ... (static) */
    const char *text; /* the identity in Chinese (static) */
    jz_recon_sum left, right;
    bool counted; /* the counts are compared too (else only the amounts) */
    bool holds;
} jz_recon_identity;

/* A batch touched by the reconciliation: as recorded, and its lines. */
typedef struct jz_recon_batch {
    jz_pay_batch b;
    jz_recon_sum actual;
    bool matches;
} jz_recon_batch;

#define JZ_RECON_IDENTITIES 8
#define JZ_RECON_ISSUES_MAX 500 /* listed; n_issues_total counts them all */

typedef struct jz_pay_recon {
    char county[7];
    char period[JZ_PERIOD_BUF];  /* a period's; "" for a batch */
    char quarter[JZ_PERIOD_BUF]; /* the quarter a month includes, or "" */
    int64_t batch;               /* a batch's; 0 for a period */
    jz_recon_fig total;
    jz_recon_fig *programmes; /* malloc'd, by programme */
    size_t n_programmes;
    jz_recon_batch *batches; /* malloc'd, by batch */
    size_t n_batches;
    /* A period: the county's recoveries (its whole ledger, R-PAY-4). */
    int64_t recoveries;
    jz_fen recovered, repaid, balance, offsets; /* offsets: Σ negative adjustments (≤ 0) */
    jz_recon_identity ids[JZ_RECON_IDENTITIES];
    size_t n_ids;
    jz_recon_issue *issues; /* malloc'd: discrepancies first, then tasks */
    size_t n_issues;
    int64_t n_issues_total, n_discrepancies, n_tasks;
    bool balanced; /* every identity holds and no discrepancy */
} jz_pay_recon;
void jz_pay_recon_cleanup(jz_pay_recon *r);

/* Reconciles batch id (JZ_ENOTFOUND outside the actor's scope). */
jz_err jz_pay_reconcile_batch(jz_ctx *x, int64_t batch, jz_pay_recon *out, jz_error *err);
/* Reconciles a county's period ("YYYY-MM", "YYYY-Qn" or a one-time code;
 * a code without any line is JZ_ENOTFOUND). */
jz_err jz_pay_reconcile_period(jz_ctx *x, const char *county, const char *period, jz_pay_recon *out,
                               jz_error *err);

/* What people read for a line's programme: 城乡低保金, 特困人员救助供养金,
 * ... or the one-time programme's code (static or the argument). */
const char *jz_pay_programme_label(const char *programme);

/* Writes the finance bureau's statement (对账单) of a county's period as an
 * .xlsx file at path: the figures per programme, per funding source (the
 * province's and the city-county's shares of one-time lines; regular lines
 * by programme), the batches, the identities and every difference, amounts
 * in yuan as numbers with two decimals.  Audited ("pay.statement", with the
 * figures and the file's SHA-256).  *out (may be NULL) gets the
 * reconciliation written. */
jz_err jz_pay_statement(jz_ctx *x, const char *county, const char *period, const char *path,
                        jz_pay_recon *out, jz_error *err);

/* ---- deadlines (`jiuzhu pay due`) ---- */

/* Money not yet sent to the bank, by legal date: the lines of a period in
 * a batch not yet exported, or payable (or held: no account yet) in none. */
typedef struct jz_pay_due_row {
    char county[7];
    char period[JZ_PERIOD_BUF];
    int64_t batch;  /* 0: in no batch */
    uint8_t state;  /* the batch's (jz_batch_state) */
    uint8_t status; /* JZ_PL_BATCHED, JZ_PL_PLANNED or JZ_PL_HELD */
    char bank[JZ_BANK_CODE_BUF];
    int64_t lines;
    jz_fen amount;
    const char *rule; /* "R-DB-PAY", "R-TK-PAY", "R-ONCE-1" */
    jz_date due;      /* the legal date (0 when unknown: a problem) */
    int left;         /* working days from the date to due; < 0 late */
    bool late;        /* the date is past the legal date */
    jz_error err;     /* a problem: why its date is unknown */
} jz_pay_due_row;

typedef struct jz_pay_due_list {
    jz_pay_due_row *rows; /* late or due within N working days, most urgent first */
    size_t n;
    jz_pay_due_row *problems; /* rows whose legal date or count is unknown */
    size_t n_problems;
} jz_pay_due_list;
void jz_pay_due_list_cleanup(jz_pay_due_list *l);

/* Every county's money under region_prefix (within the actor's scope) not
 * yet sent whose legal date is past or within `within` working days of
 * `on` (the calendar of x).  Fails only when `on` is outside the calendar
 * or the store fails. */
jz_err jz_pay_due(jz_ctx *x, const char *region_prefix, jz_date on, int within,
                  jz_pay_due_list *out, jz_error *err);

#endif
