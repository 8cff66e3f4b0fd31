/*
 * jz_ctx.h - what every operation runs with: the store, who acts, today's
 * date, and the policy (regions, parameters, working-day calendar) loaded
 * once.  The command line and the server fill one and pass it to the
 * operations (jz_procedure.h); the operations never load policy themselves.
 */
#ifndef JZ_CTX_H
#define JZ_CTX_H

#include "jz_calendar.h"
#include "jz_date.h"
#include "jz_err.h"
#include "jz_params.h"
#include "jz_region.h"
#include "jz_store.h"

typedef struct jz_once_programmes jz_once_programmes; /* jz_pay.h */
/* The banks of policy/banks (jz_pay.h). */
typedef struct jz_banks jz_banks;

typedef struct jz_ctx {
    jz_store *store;       /* the caller's; not closed by jz_ctx_cleanup */
    char actor[64];        /* who acts: recorded with every write */
    jz_date today;         /* the real date: no step may be dated after it */
    jz_regions *regions;   /* owned */
    jz_paramset *params;   /* owned */
    jz_calendar *calendar; /* owned */
    jz_once_programmes *programmes; /* owned: the one-time programmes (jz_pay.h) */
    /* The region the acting user may see (a code prefix; "" everywhere):
     * the server sets it per request; the command line leaves it empty.
     * Operations that answer about people the caller names rather than
     * about a subject the server has already checked (R-MON-4's
     * comparison) answer within it. */
    char scope[JZ_REGION_BUF];
    /* The banks that pay and their 代发 file layouts (policy_dir/banks;
     * an empty table when there is no such folder).  Owned; a pointer
     * because jz_pay.h, which defines it, includes this header. */
    jz_banks *banks;
} jz_ctx;

/*
 * Fills x for store s (which may be NULL for operations that need none):
 * loads policy_dir's regions/shanxi-regions.csv, params/, the calendar
 * (calendar_file, else policy_dir's calendar/cn-holidays.csv), the
 * one-time programmes (programmes/, none if absent) and banks/
 * (jz_banks_load), sets the actor on the store and today's date.  On error
 * x holds nothing to free.
 */
jz_err jz_ctx_init(jz_ctx *x, jz_store *s, const char *policy_dir, const char *calendar_file,
                   const char *actor, jz_error *err);
void jz_ctx_cleanup(jz_ctx *x);

/* The parameters in force in a county on a date. */
jz_err jz_ctx_policy(const jz_ctx *x, const char *county, jz_date on, jz_policy *out,
                     jz_error *err);

#endif
