/*
 * params_int.h - internals shared by the files of the policy-parameter module.
 *
 * params_defs.c holds, beside the public table of parameter definitions, the
 * place in a jz_policy where each parameter's resolved value goes.  Keeping
 * both tables in one file means adding a parameter touches one row in each,
 * side by side; params.c then fills and reads a jz_policy generically, so the
 * loader, the resolver and the formatter cannot disagree about a field.
 */
#ifndef JZ_PARAMS_INT_H
#define JZ_PARAMS_INT_H

#include <stddef.h>

#include "jiuzhu/jz_params.h"

/* How a resolved value is stored in its jz_policy field. */
typedef enum jz__slot_kind {
    JZ__SLOT_NONE = 0, /* never used by a real row: marks a forgotten one */
    JZ__SLOT_FEN,      /* jz_fen */
    JZ__SLOT_INT,      /* int */
    JZ__SLOT_U8,       /* uint8_t (enumerations, grades) */
    JZ__SLOT_BOOL,     /* bool */
    JZ__SLOT_RATIO,    /* jz_ratio */
    JZ__SLOT_U32       /* uint32_t bitmask */
} jz__slot_kind;

typedef struct jz__param_slot {
    jz__slot_kind kind;
    size_t offset; /* offsetof(jz_policy, field) */
} jz__param_slot;

/* Indexed by jz_param_id, like jz_param_defs. */
extern const jz__param_slot jz__param_slots[JZ_P_COUNT];

#endif
