/*
 * jz_intake.h - entering one household record (申请受理's data entry, the
 * web's intake form): create it, or replace the household of the same ID,
 * through the same strict reading as the import (FORMATS.md) and the same
 * store rules (R-HH-3: a person belongs to one household).
 */
#ifndef JZ_INTAKE_H
#define JZ_INTAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "jz_ctx.h"
#include "jz_household.h"

typedef struct jz_intake_res {
    char household_id[JZ_HOUSEHOLD_ID_MAX];
    char region[JZ_REGION_BUF];
    bool replaced;   /* a household of this ID existed and was replaced */
    int version;     /* the record's version after the write */
    int members;
} jz_intake_res;

/*
 * Stores the household record `text` (JSON) in one transaction, with
 * x->actor recorded.  expect_id, if not NULL, must be the record's
 * household_id (the address it was sent to).  scope is the user's region
 * prefix ("" everywhere): the record's region must lie within it, and so
 * must the region of the household it replaces; a household outside is
 * answered as not found (JZ_ENOTFOUND), so that nobody learns it exists.
 * Bad input is JZ_EINPUT naming the member, field, value and reason, and
 * nothing is written.  source says where it came from ("web:login").
 */
jz_err jz_household_intake(jz_ctx *x, const char *scope, const char *expect_id, const char *text,
                           size_t len, const char *source, jz_intake_res *res, jz_error *err);

#endif
