/*
 * jz_registry.h - the registry as the web platform reads it (issue 15):
 * a region's households a page at a time, filtered on the server; the
 * policy simulation (政策测算) over the live registry, nothing saved; and
 * the audit log a page at a time.  Every one answers within the acting
 * user's scope (x->scope) and masks ID numbers.
 */
#ifndef JZ_REGISTRY_H
#define JZ_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "jz_batch.h"
#include "jz_ctx.h"
#include "jz_procedure.h"

#define JZ_LIST_LIMIT_MAX 500 /* rows of one page */

/* ---- households ------------------------------------------------------------------------ */

typedef struct jz_household_query {
    const char *region; /* code prefix within x->scope; NULL or "": the scope */
    const char *q;      /* NULL or "": any; else a household ID's beginning, part of a
                           member's name, or a member's whole ID number (at most 64 bytes) */
    int category;       /* -2 any, -1 never assessed, else JZ_CAT_* */
    int64_t offset;     /* >= 0 */
    int limit;          /* 1 .. JZ_LIST_LIMIT_MAX */
} jz_household_query;

typedef struct jz_household_item {
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    char region[JZ_REGION_BUF];
    char head_name[JZ_NAME_MAX];
    char head_id[JZ_IDNUM_MASKED_BUF]; /* masked */
    int members;
    int category; /* -1 never assessed */
    jz_fen monthly;
    int counted;
    jz_date assessed_on; /* JZ_DATE_NONE: never */
} jz_household_item;

typedef struct jz_household_page {
    jz_household_item *items; /* malloc'd */
    size_t n;
    int64_t total; /* matching in all */
} jz_household_page;

/* The households of q, by region code and household ID.  JZ_EINPUT naming
 * "region", "q", "offset" or "limit"; JZ_EDENIED for a region outside the
 * scope.  Reads only. */
jz_err jz_household_list(jz_ctx *x, const jz_household_query *q, jz_household_page *out,
                         jz_error *err);
void jz_household_page_cleanup(jz_household_page *p);

/* ---- policy simulation -------------------------------------------------------------------- */

#define JZ_SIMULATE_PARAMS_MAX 16
#define JZ_SIMULATE_EXAMPLES_MAX 50

typedef struct jz_simulate_req {
    const char *region;           /* code prefix within x->scope; "": the scope */
    const jz_param_value *params; /* 1 .. JZ_SIMULATE_PARAMS_MAX changed parameters */
    size_t n_params;
    jz_date date;                 /* JZ_DATE_NONE: each household's own assess_date */
    int examples;                 /* 0 .. JZ_SIMULATE_EXAMPLES_MAX households listed */
} jz_simulate_req;

typedef struct jz_simulate_res {
    jz_batch_report rep; /* rows (after), diffs by county, moves, examples */
    double seconds;      /* the whole simulation, wall clock */
} jz_simulate_res;

/* Reassesses the region's households with the parameters changed, on a
 * copy of x->params (the shared set is untouched), and compares every new
 * result with the stored one; writes nothing.  JZ_EINPUT naming "params"
 * (none, too many, an unknown name, a bad value: "params.NAME"), "region",
 * "date" or "examples"; JZ_EDENIED for a region outside the scope. */
jz_err jz_simulate(jz_ctx *x, const jz_simulate_req *rq, jz_simulate_res *res, jz_error *err);
void jz_simulate_res_cleanup(jz_simulate_res *r);

/* ---- the audit log -------------------------------------------------------------------------- */

typedef struct jz_audit_item {
    int64_t seq;
    char county[7];
    char at[32];
    char actor[128];
    char action[64];
    char *entity, *before, *after; /* malloc'd; ID numbers masked */
} jz_audit_item;

typedef struct jz_audit_page {
    jz_audit_item *items;
    size_t n;
    int64_t total;
} jz_audit_page;

/* The entries of the audit log within the region (a county or above; the
 * province's own entries only for a user of the whole province) whose
 * action starts with `action` (NULL: any), newest first.  JZ_EINPUT naming
 * "region", "action", "offset" or "limit"; JZ_EDENIED outside the scope. */
jz_err jz_audit_list(jz_ctx *x, const char *region, const char *action, int64_t offset, int limit,
                     jz_audit_page *out, jz_error *err);
void jz_audit_page_cleanup(jz_audit_page *p);

#endif
