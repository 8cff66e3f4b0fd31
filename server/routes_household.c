/*
 * routes_household.c - a household's page (its record, whole IDs, logged),
 * intake (create or replace a record), and who looked at it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_intake.h"
#include "srv.h"

ROUTE(h_household_put)
{
    const char *ct = srv_header(rq, "Content-Type");
    if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
        srv_fail_status(rs, 415, "media_type", "请求体应为 JSON（Content-Type: application/json）");
        return;
    }
    /* The body is the household record itself (FORMATS.md), read by the
     * same strict reader as the import; the depth cap is checked first. */
    json_t *probe = NULL;
    jz_error e;
    jz_error_clear(&e);
    if (srv_parse_json(rq->body, rq->body_len, &probe, &e) != JZ_OK) {
        char msg[1024];
        jz_error_format(&e, msg, sizeof msg);
        srv_fail_status(rs, 400, "bad_json", msg);
        return;
    }
    json_decref(probe);
    char source[96];
    snprintf(source, sizeof source, "web:%s", rq->sess.user.login);
    jz_intake_res r;
    if (jz_household_intake(&rq->x, rq->sess.user.scope, rq->m.params[0], rq->body, rq->body_len,
                            source, &r, &e) != JZ_OK) {
        /* R-HH-3's refusal names the other household only within the
         * user's scope (jz_household_intake). */
        if (e.code == JZ_ENOTFOUND)
            srv_access(rq, JZ_ACCESS_REFUSED, rq->m.params[0], "");
        srv_error(rs, &e);
        return;
    }
    srv_json(rs, r.replaced ? 200 : 201,
             json_pack("{s:s, s:s, s:b, s:i, s:i}", "household_id", r.household_id, "region",
                       r.region, "replaced", (int)r.replaced, "version", r.version, "members",
                       r.members));
}

static void add_access(const jz_access *a, void *arg)
{
    json_array_append_new(
        arg, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)a->id, "at",
                       (json_int_t)a->at, "login", a->login, "subject", a->subject, "region",
                       a->region, "kind_zh", jz_access_kind_zh[a->kind], "what", a->what));
}

static long limit_of(srv_req *rq, srv_res *rs)
{
    const char *l = srv_query(rq, "limit");
    if (!l)
        return 100;
    char *end;
    long n = strtol(l, &end, 10);
    if (*end || end == l || n < 1 || n > 1000) {
        srv_fail(rs, JZ_EINPUT, "limit", l, "应为 1 至 1000 的整数");
        return -1;
    }
    return n;
}

ROUTE(h_household_access)
{
    char region[13];
    long limit = limit_of(rq, rs);
    if (limit < 0 || !srv_household_in_scope(rq, rs, rq->m.params[0], region))
        return;
    json_t *a = json_array();
    jz_error e;
    jz_error_clear(&e);
    if (jz_access_list(rq->x.store, rq->m.params[0], NULL, (size_t)limit, add_access, a, &e) !=
        JZ_OK) {
        json_decref(a);
        srv_error(rs, &e);
        return;
    }
    srv_json(rs, 200, json_pack("{s:s, s:o}", "household_id", rq->m.params[0], "entries", a));
}

ROUTE(h_access_list)
{
    char scope[JZ_SCOPE_MAX];
    long limit = limit_of(rq, rs);
    if (limit < 0 || !srv_list_scope(rq, rs, scope))
        return;
    json_t *a = json_array();
    jz_error e;
    jz_error_clear(&e);
    if (jz_access_list(rq->x.store, NULL, scope, (size_t)limit, add_access, a, &e) != JZ_OK) {
        json_decref(a);
        srv_error(rs, &e);
        return;
    }
    srv_json(rs, 200, json_pack("{s:s, s:o}", "region", scope, "entries", a));
}
