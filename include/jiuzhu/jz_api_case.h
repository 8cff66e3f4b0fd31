/*
 * jz_api_case.h - the JSON face of the procedure's operations (cases,
 * enrolments, deaths, the chain, a stored household, assessing a record):
 * requests read into the operations' request structs, results written as
 * JSON, for the server (docs/api-case.md gives every shape).
 *
 * Reading is strict: an unknown field, a wrong type, a bad date
 * ("YYYY-MM-DD"), a bad amount or an unknown enumeration name is JZ_EINPUT
 * with err->field naming the JSON field (with its path: "choices[1].who")
 * and err->value the value, the reason in Chinese.  Strings in a request
 * struct point into the json_t, which the caller keeps alive until the
 * operation returns.  A date left out is today (jz_date_today).
 *
 * Writing: money as integer fen in fields named *_fen, dates as
 * "YYYY-MM-DD" or null, enumerations by their stable English name with a
 * Chinese label beside them ("state": "notice", "state_zh": "公示中").
 * Lists mask ID numbers (jz_idnum_mask), in their fields and in their
 * texts; a view of one record shows them whole only when full_id.  A
 * writer returns a new reference, NULL only when out of memory.
 */
#ifndef JZ_API_CASE_H
#define JZ_API_CASE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "jz_chain.h"
#include "jz_procedure.h"

/* The operations' errors name the command line's options ("--date",
 * "--death-date", "--member-id", ...): this renames err->field to the JSON
 * request's field ("date", "death_date", "id_number", ...) so that the
 * server's error names what the client sent.  Other fields are left. */
void jz_api_case_error_fields(jz_error *err);

/* ---- cases -------------------------------------------------------------------------- */

/* A case (jz_case) as an object. */
json_t *jz_case_to_json(const jz_case *c, bool full_id);

/* Accepting an application: {"household_id", "applicant", "date", "note",
 * "township_confirms", "review", "programmes": ["dibao", ...]}. */
jz_err jz_accept_req_from_json(const json_t *body, jz_accept_req *out, jz_error *err);
json_t *jz_accept_res_to_json(const jz_accept_res *r, bool full_id);

/* A step of a case (the case is the route's): {"action", "date", "note", and
 * per action: investigate "home_visit"; decide "decision", "first_month",
 * "judgment", "county", "choices": [{"kind", "who", "programme",
 * "amount_fen"}], "beyond_cap"; extend "extend_reason"; advance
 * "grant_kind", "amount_fen", "member"; applicant "applicant"}.  A field
 * that does not belong to the action is refused.  choices: room for cap
 * choices (JZ_API_CHOICES_MAX is plenty); out->choices points into it. */
#define JZ_API_CHOICES_MAX 192
jz_err jz_step_req_from_json(const json_t *body, jz_step_req *out, jz_choice_req *choices,
                             size_t cap, jz_error *err);
json_t *jz_step_res_to_json(const jz_step_res *r, bool full_id);

/* One case with everything recorded on it (`case show`). */
json_t *jz_case_view_to_json(const jz_case_view *v, bool full_id);

/* The list of cases: {"region", "all"} (all: closed ones too). */
typedef struct jz_case_list_req {
    const char *region; /* a region prefix; NULL: every region */
    bool open_only;
} jz_case_list_req;
jz_err jz_case_list_req_from_json(const json_t *body, jz_case_list_req *out, jz_error *err);
json_t *jz_case_list_to_json(const jz_case_list *l);

/* What is due: {"region", "date", "within", "all"}. */
typedef struct jz_due_req {
    const char *region;
    jz_date on;
    long within; /* working days, 0 to 365 (default 5) */
    bool all;
} jz_due_req;
jz_err jz_due_req_from_json(const json_t *body, jz_due_req *out, jz_error *err);
json_t *jz_due_list_to_json(const jz_due_list *l, jz_date on, long within);

/* ---- enrolments and deaths ------------------------------------------------------------ */

/* An enrolment as an object. */
json_t *jz_enrolment_to_json(const jz_enrolment *e, bool full_id);

/* The list of enrolments: {"region", "household_id"}. */
typedef struct jz_enrol_list_req {
    const char *region;
    const char *household_id;
} jz_enrol_list_req;
jz_err jz_enrol_list_req_from_json(const json_t *body, jz_enrol_list_req *out, jz_error *err);
json_t *jz_enrolment_list_to_json(const jz_enrolment_list *l);
json_t *jz_enrol_due_list_to_json(const jz_enrol_due_list *l, jz_date on, int within_days);

/* A gradual exit (stop false: {"date", "note"}) or a stop (stop true:
 * {"date", "note", "reason", "fraud_from": "YYYY-MM"}) of the enrolment
 * the route names (out->id is left 0 for the caller to set). */
jz_err jz_enrol_req_from_json(const json_t *body, bool stop, jz_enrol_req *out, jz_error *err);
json_t *jz_enrol_res_to_json(const jz_enrol_res *r);

/* A death: {"id_number", "death_date", "date", "note", "enrolment"}. */
jz_err jz_enrol_death_req_from_json(const json_t *body, jz_enrol_death_req *out, jz_error *err);
json_t *jz_enrol_death_res_to_json(const jz_enrol_death_res *r);

/* ---- the chain, a stored household, assessing a record -------------------------------- */

json_t *jz_chain_to_json(const jz_chain *c, bool full_id);

/* The stored record (as JSON), its version, the stored determination's
 * summary and the determination recomputed now (FORMATS.md, with its
 * trace). */
json_t *jz_household_view_to_json(const jz_household_view *v, bool full_id);
/* The same, with the determination's full trace only if trace (its decisive
 * rules and their sources are there either way). */
json_t *jz_household_view_to_json_opts(const jz_household_view *v, bool full_id, bool trace);
/* The household's page with ID numbers whole, as JSON text (malloc'd; NULL:
 * out of memory): what jz_household_view_to_json_opts(v, true, trace)
 * holds, written without building the tree (the server's GET). */
char *jz_household_view_text(const jz_household_view *v, bool trace);

/* Assessing a record that is not stored: {"household": {the record,
 * FORMATS.md}, "params": {"dibao.standard.rural": "520", ...}, "date",
 * "trace": true}.  A parameter's value is a string as `--param` takes it,
 * or a JSON integer or boolean.  rq points into the rest and into the
 * json_t (the household is read from it as it is, no text in between);
 * trace false leaves the trace out of the response (it is most of the
 * response's size and of the time spent writing it). */
#define JZ_API_PARAMS_MAX 64
typedef struct jz_assess_body {
    jz_assess_req rq;
    bool trace;
    jz_param_value params[JZ_API_PARAMS_MAX];
    char numbers[JZ_API_PARAMS_MAX][32]; /* integer and boolean values as text */
} jz_assess_body;
jz_err jz_assess_req_from_json(const json_t *body, jz_assess_body *out, jz_error *err);
/* The determination (FORMATS.md, with its trace unless !trace): the
 * record's own ID numbers, given by the caller, are written back whole. */
json_t *jz_assess_res_to_json(const jz_assess_res *r, bool trace);

#endif
