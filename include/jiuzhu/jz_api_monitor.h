/*
 * jz_api_monitor.h - the JSON face of the feed, staff, monitoring, alert,
 * statistics and audit operations, for the server (docs/api-monitor.md
 * gives every shape).
 *
 * Requests: jz_*_from_json reads a JSON body into the operation's request
 * struct, strictly: an unknown field, a wrong type, a bad date
 * ("YYYY-MM-DD"), a bad amount (integer fen, fields named *_fen), an
 * unknown enumeration name is JZ_EINPUT whose err->field names the JSON
 * field and err->value the value, the reason in Chinese.  Strings of the
 * request point into body: keep body alive until the operation returns.
 *
 * Responses: jz_*_to_json builds a new json_t (the caller json_decref()s
 * it), NULL only when out of memory.  Enumerations are stable English names
 * with a Chinese label beside them ("state": "open", "state_zh": "待处置");
 * money is integer fen; lists mask ID numbers (jz_idnum_mask); a view of
 * one record shows them whole only with full_id.
 */
#ifndef JZ_API_MONITOR_H
#define JZ_API_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "jz_alert.h"
#include "jz_audit.h"
#include "jz_feed.h"
#include "jz_import.h"
#include "jz_monitor.h"
#include "jz_staff.h"
#include "jz_stats.h"
#include "jz_store.h"

/* ---- refused rows, kept for a response --------------------------------------- */

/* The refusals of an operation that reads a file (feed import, R-MON-4
 * comparison, household import), in memory up to a cap: the first `max`
 * are kept, the others only counted. */
#define JZ_REJECTS_MAX 1000
typedef struct jz_rejects {
    jz_error *items;
    size_t n, cap, max;
    long dropped; /* refusals beyond max */
} jz_rejects;
/* max 0: JZ_REJECTS_MAX. */
void jz_rejects_init(jz_rejects *r, size_t max);
void jz_rejects_cleanup(jz_rejects *r);
/* A jz_feed_reject_fn (arg: the jz_rejects): 0, or JZ_ENOMEM. */
int jz_rejects_add(const jz_error *e, void *arg);
/* A jz_import_reject_fn for jz_import_json / jz_import_csv (an allocation
 * failure is counted as dropped). */
void jz_rejects_add_import(const jz_error *e, void *arg);
/* [{"code","source","line","household","member","field","value","reason"}],
 * ID numbers masked. */
json_t *jz_rejects_to_json(const jz_rejects *r);

/* ---- feed import ----------------------------------------------------------------- */

/* The file's body is the CSV text; what the request says of it. */
typedef struct jz_feed_import_req {
    jz_dept dept;
    const char *name; /* the file's name, for errors and the audit log; "" if not given */
} jz_feed_import_req;

/* {"dept": "medical", "name": "medical-2025-06.csv"}: dept required (the
 * English names of jz_dept_names), name optional (at most 200 bytes). */
jz_err jz_feed_import_req_from_json(const json_t *body, jz_feed_import_req *out, jz_error *err);
/* The counts and the refused rows (rejected may be NULL). */
json_t *jz_feed_import_to_json(jz_dept dept, const jz_feed_counts *n, const jz_rejects *rejected);

/* ---- household import ------------------------------------------------------------- */

/* jz_import_stats, with the refusals of the run (may be NULL). */
json_t *jz_import_stats_to_json(const jz_import_stats *st, const jz_rejects *rejected);

/* ---- staff (R-WF-5) -------------------------------------------------------------- */

/* {"county": "140902", "id": "...", "name": "...", "unit": "..."}: id,
 * name, unit required. */
jz_err jz_staff_req_from_json(const json_t *body, jz_staff_req *out, jz_error *err);
/* {"staff_id": "...", "id": "...", "name": "...", "relation": "兄弟"}: all
 * required. */
jz_err jz_staff_relative_req_from_json(const json_t *body, jz_staff_relative_req *out,
                                       jz_error *err);
json_t *jz_staff_res_to_json(const jz_staff_res *r, bool full_id);

/* ---- monitoring ------------------------------------------------------------------- */

/* {"on": "2025-06-01", "region": "1409"}: both optional (today, everywhere). */
jz_err jz_monitor_req_from_json(const json_t *body, jz_monitor_req *out, jz_error *err);
/* The counts of a run on `on` (region: rq's, may be NULL). */
json_t *jz_monitor_counts_to_json(const jz_monitor_counts *c, jz_date on, const char *region);

/* R-MON-4's people and refusals in memory: pass jz_fpm_report_row and
 * jz_fpm_report_reject with the report as arg.  The first max people are
 * kept (0: JZ_FPM_REPORT_MAX), the others counted. */
#define JZ_FPM_REPORT_MAX 50000
typedef struct jz_fpm_report {
    jz_fpm_row *rows;
    size_t n, cap, max;
    long dropped;
    jz_rejects rejected;
} jz_fpm_report;
void jz_fpm_report_init(jz_fpm_report *r, size_t max);
void jz_fpm_report_cleanup(jz_fpm_report *r);
int jz_fpm_report_row(const jz_fpm_row *row, void *arg);
int jz_fpm_report_reject(const jz_error *e, void *arg);
json_t *jz_fpm_report_to_json(const jz_fpm_counts *c, const jz_fpm_report *r);

/* ---- alerts ------------------------------------------------------------------------ */

/* {"category": "D", "state": "unresolved", "region": "1409", "limit": 50,
 * "offset": 0}: all optional.  state: "unresolved" (the default: not
 * resolved), "all", or one state of jz_alert_status_names; limit 1 ..
 * JZ_ALERT_PAGE_MAX (default 50). */
jz_err jz_alert_query_from_json(const json_t *body, jz_alert_query *out, jz_error *err);
/* One alert (in a list: full_id false). */
json_t *jz_alert_to_json(const jz_stored_alert *a, bool full_id);
/* {"total", "offset", "limit", "alerts": [...]}, ID numbers masked. */
json_t *jz_alert_page_to_json(const jz_alert_page *p, const jz_alert_query *q);
/* One alert with its evidence and steps, and its household's
 * re-assessment (re, may be NULL) or why there is none (re_err, may be
 * NULL). */
json_t *jz_alert_view_to_json(const jz_alert_view *v, const jz_reassessment *re,
                              const jz_error *re_err, bool full_id);

/* {"action": "assign", "on": "2025-06-02", "note": "...", "assignee": "...",
 * "confirmed": true, "dept": "hrss", "kind": "...", "amount_fen": 150000,
 * "outcome": "referred", "expect_state": "open"}: action required; on
 * optional (today); what an action needs is required (assign: assignee;
 * verify: confirmed; refer: dept; feedback: dept, kind, amount_fen;
 * resolve: outcome, note) and what it does not take is refused. */
jz_err jz_alert_req_from_json(const json_t *body, jz_date today, jz_alert_req *out,
                              jz_error *err);
/* What handling alert `id` did. */
json_t *jz_alert_res_to_json(int64_t id, const jz_alert_req *rq, const jz_alert_res *r,
                             bool full_id);

/* ---- statistics and audit ---------------------------------------------------------- */

/* {"level": "county", "region": "1409"}: both optional (county, the
 * province). */
jz_err jz_stats_req_from_json(const json_t *body, jz_stats_req *out, jz_error *err);
json_t *jz_stats_res_to_json(const jz_stats_res *r, const jz_stats_req *rq);

/* {"checkpoint": "SEQ:HASH"}: optional; *checkpoint NULL when not given. */
jz_err jz_audit_req_from_json(const json_t *body, const char **checkpoint, jz_error *err);
json_t *jz_audit_check_to_json(const jz_audit_check *c);

#endif
