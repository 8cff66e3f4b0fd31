/*
 * jz_api_params.h - the policy parameters in force in a county as JSON:
 * every parameter of jz_param_defs with its type, unit, Chinese description,
 * the value in force on a date and where that value came from.  What the
 * policy simulation page (政策测算) lists before an analyst changes one;
 * `GET /api/params` (docs/api-registry.md).
 */
#ifndef JZ_API_PARAMS_H
#define JZ_API_PARAMS_H

#include <jansson.h>

#include "jz_ctx.h"
#include "jz_err.h"

/* The names of jz_param_type, in its order ("money", "int", ...). */
extern const char *const jz_param_type_names[];

/*
 * {"county", "county_name", "date", "params": [{"name", "type", "unit", "doc",
 * "value", "source"}]} for a county (6 digits) on a date.  JZ_EINPUT naming
 * "county" for a code that is not 6 digits; the error of jz_ctx_policy when
 * a parameter has no value in force.  NULL with *err set on error.
 */
json_t *jz_params_in_force_json(const jz_ctx *x, const char *county, jz_date on, jz_error *err);

#endif
