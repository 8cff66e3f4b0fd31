/*
 * jz_staff.h - the register of civil-affairs and village staff and of their
 * close relatives (R-WF-5, [57] Art 11, Art 20).  An application from one
 * of them is flagged 备案 when it is accepted (jz_proc_accept) and cannot be
 * confirmed without a recorded home investigation.
 *
 * Each registration is one operation: its input checked and normalised (ID
 * numbers as GB 11643 wants them: a 15-digit number converted, a lower-case
 * x upper-cased, a bad check character refused), one transaction, audited
 * (staff.add, staff.relative) in x->actor's name.  The command line
 * (`jiuzhu staff`) and the server only translate.
 */
#ifndef JZ_STAFF_H
#define JZ_STAFF_H

#include "jz_ctx.h"
#include "jz_idnum.h"

/* Longest name, unit and relation in bytes: what a case's 备案 note (the
 * staff member as "name（unit）", jz_accept_res) holds. */
#define JZ_STAFF_NAME_MAX 63
#define JZ_STAFF_UNIT_MAX 90
#define JZ_STAFF_RELATION_MAX 63

typedef struct jz_staff_req {
    const char *county; /* the county (6 digits) the member works in; NULL or "": unknown */
    const char *id;     /* ID number */
    const char *name;
    const char *unit;   /* where he works (乡镇民政办, 村委会, ...) */
} jz_staff_req;

typedef struct jz_staff_relative_req {
    const char *staff_id; /* the registered member's ID number */
    const char *id;       /* the relative's */
    const char *name;     /* the relative's */
    const char *relation; /* 配偶, 父母, 子女, 兄弟姐妹, ... */
} jz_staff_relative_req;

/* What was registered, with the ID numbers normalised. */
typedef struct jz_staff_res {
    bool relative;                   /* a close relative (staff_id is his staff member's) */
    char id[JZ_IDNUM_BUF];           /* the person registered */
    char name[JZ_STAFF_NAME_MAX + 1];
    char staff_id[JZ_IDNUM_BUF];     /* relative: the staff member; else = id */
} jz_staff_res;

/* Registers (or updates: the same ID number again replaces) a member of
 * staff.  JZ_EINPUT naming the request's field ("county", "id", "name",
 * "unit") for a missing, malformed or over-long one; a county unknown to
 * x->regions when they are loaded. */
jz_err jz_staff_add(jz_ctx *x, const jz_staff_req *rq, jz_staff_res *res, jz_error *err);

/* Registers a close relative of a registered member of staff (JZ_ENOTFOUND
 * naming "staff" when he is not registered).  JZ_EINPUT naming "staff_id",
 * "id", "name" or "relation" as above. */
jz_err jz_staff_relative_add(jz_ctx *x, const jz_staff_relative_req *rq, jz_staff_res *res,
                             jz_error *err);

#endif
