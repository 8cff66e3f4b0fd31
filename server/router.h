/*
 * router.h - the server's route table and its matcher.
 *
 * Every route the server answers is one row of jz_routes[]: its method, its
 * path pattern (segments in braces are parameters), the roles that may call
 * it, how its subject is scoped, and its handler.  The OpenAPI document
 * (server/openapi.json) lists the same routes; a test checks both ways, and
 * the scoping matrix test walks this table, so a route cannot be added
 * without being documented and tested.
 *
 * The matcher is pure (no I/O, no allocation): it is what the router fuzz
 * target drives.
 */
#ifndef JZ_ROUTER_H
#define JZ_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jiuzhu/jz_user.h"

#define JZ_ROUTE_PARAMS 2
#define JZ_ROUTE_PARAM_MAX 96

/* Role bits: 1u << jz_role. */
#define R_ADMIN (1u << JZ_ROLE_ADMIN)
#define R_ANALYST (1u << JZ_ROLE_ANALYST)
#define R_REVIEWER (1u << JZ_ROLE_REVIEWER)
#define R_CASEWORKER (1u << JZ_ROLE_CASEWORKER)
#define R_ASSISTANT (1u << JZ_ROLE_ASSISTANT)
#define R_DEPT (1u << JZ_ROLE_DEPT)
#define R_AUDITOR (1u << JZ_ROLE_AUDITOR)
#define R_ANY 0x7fu
#define R_NONE 0u /* public: no login */

/* How a route's subject is found and checked against the user's scope. */
typedef enum jz_scope_kind {
    JZ_SCOPE_NONE = 0,  /* no subject (the user's own, or stateless) */
    JZ_SCOPE_LIST,      /* a list: filtered to the user's scope */
    JZ_SCOPE_HOUSEHOLD, /* {id} is a household ID or a member's ID number */
    JZ_SCOPE_CASE,      /* {id} is a case number */
    JZ_SCOPE_ENROLMENT, /* {id} is an enrolment number */
    JZ_SCOPE_ALERT,     /* {id} is an alert number */
    JZ_SCOPE_REGION,    /* {id} is a region code (a village's lists) */
    JZ_SCOPE_BATCH,     /* {id} is a payment batch number (its county) */
    JZ_SCOPE_RECOVERY,  /* {id} is a recovery number (its county) */
    JZ_SCOPE_USER,      /* {id} is a login: the user's scope must lie within */
    JZ_SCOPE_BODY       /* the subject is in the body (checked by the handler) */
} jz_scope_kind;

extern const char *const jz_scope_kind_name[];

struct srv_req;
struct srv_res;
typedef void (*jz_route_fn)(struct srv_req *rq, struct srv_res *rs);

typedef struct jz_route {
    const char *method;   /* "GET", "POST", "PUT" */
    const char *pattern;  /* "/api/cases/{id}/steps" */
    unsigned roles;       /* R_* bits; R_NONE: public */
    jz_scope_kind scope;
    bool write;           /* changes something: CSRF token required with a cookie */
    jz_route_fn fn;
    const char *summary;  /* Chinese, for logs and the route listing */
} jz_route;

extern const jz_route jz_routes[];
extern const size_t jz_n_routes;

typedef struct jz_route_match {
    const jz_route *route;
    size_t n_params;
    char params[JZ_ROUTE_PARAMS][JZ_ROUTE_PARAM_MAX]; /* percent-decoded */
    bool method_mismatch; /* route NULL: the path exists under another method (405) */
} jz_route_match;

/*
 * Finds the route of (method, path).  path is the URL path without the
 * query.  A parameter segment must be 1 to JZ_ROUTE_PARAM_MAX - 1 bytes
 * after percent-decoding, with no '/', NUL or control byte.  Returns false
 * when no route matches (m->method_mismatch says whether another method
 * would have).
 */
bool jz_route_find(const char *method, const char *path, jz_route_match *m);

/* Whether region (a code, possibly shorter, e.g. a county) lies within the
 * user's scope (a prefix; "" covers all). */
bool jz_scope_covers(const char *scope, const char *region);

#endif
