/*
 * jz_api_registry.h - the JSON face of jz_registry.h for the server
 * (docs/api-registry.md gives every shape; the conventions are those of
 * jz_api_monitor.h: strict requests, money in fen, enumerations as an
 * English name with its Chinese beside it, ID numbers masked).
 */
#ifndef JZ_API_REGISTRY_H
#define JZ_API_REGISTRY_H

#include <jansson.h>

#include "jz_registry.h"

json_t *jz_household_page_to_json(const jz_household_page *p, const jz_regions *regions,
                                  int64_t offset, int limit);

/* {"region", "params": {"NAME": "VALUE" | number, ...}, "date", "examples"}.
 * params and values (at most JZ_SIMULATE_PARAMS_MAX) are malloc'd into
 * *params (free() it); strings point into body. */
jz_err jz_simulate_req_from_json(const json_t *body, jz_simulate_req *out, jz_param_value **params,
                                 jz_error *err);
json_t *jz_simulate_res_to_json(const jz_simulate_res *r, const jz_simulate_req *rq,
                                const jz_regions *regions);

json_t *jz_audit_page_to_json(const jz_audit_page *p, int64_t offset, int limit);

#endif
