/*
 * routes_auth.c - logging in and out, the user's own page and password,
 * and the public routes (the API document, health).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "srv.h"

extern const unsigned char jz_openapi_json[];
extern const size_t jz_openapi_json_len;

static void set_session_cookie(srv_req *rq, srv_res *rs, const char *token, int max_age)
{
    snprintf(rs->cookie, sizeof rs->cookie,
             "jz_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s", token, max_age,
             rq->sv->tls || rq->sv->o->secure_cookies ? "; Secure" : "");
}

/* Whether the user must change his password before anything else, and
 * when it expires (the 登录 page and the header say so). */
static json_t *with_password_state(srv_req *rq, const jz_user *user, json_t *u)
{
    static const char *const names[] = {"ok", "temporary", "expired"};
    int64_t expires;
    jz_password_state st = jz_password_state_of(&rq->sv->auth, user, rq->now, &expires);
    if (u) {
        json_object_set_new(u, "password_state", json_string(names[st]));
        json_object_set_new(u, "password_expires_at",
                            expires ? json_integer((json_int_t)expires) : json_null());
        json_object_set_new(u, "password_days", json_integer(rq->sv->auth.password_days));
    }
    return u;
}

ROUTE(h_login)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    static const char *const keys[] = {"login", "password", NULL};
    jz_error e;
    jz_error_clear(&e);
    const char *login = json_string_value(json_object_get(b, "login"));
    const char *password = json_string_value(json_object_get(b, "password"));
    if (srv_only_keys(b, keys, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else if (!login || !password) {
        srv_fail(rs, JZ_EINPUT, !login ? "login" : "password", NULL,
                 "须给出字符串字段 login 与 password");
    } else {
        jz_session *s = sodium_malloc(sizeof *s);
        if (!s) {
            srv_fail(rs, JZ_ENOMEM, NULL, NULL, "内存不足");
        } else if (jz_auth_login(rq->x.store, &rq->sv->auth, login, password, rq->now, s, &e) !=
                   JZ_OK) {
            srv_error(rs, &e);
        } else {
            set_session_cookie(rq, rs, s->token, rq->sv->auth.absolute_seconds);
            srv_json(rs, 200,
                     json_pack("{s:o, s:s, s:I}", "user",
                               with_password_state(rq, &s->user, srv_user_json(&s->user)),
                               "csrf_token",
                               s->csrf, "expires_at", (json_int_t)s->expires));
        }
        if (s)
            sodium_free(s);
    }
    json_decref(b);
}

ROUTE(h_logout)
{
    jz_error e;
    jz_error_clear(&e);
    if (jz_auth_logout(rq->x.store, rq->token, rq->now, &e) != JZ_OK) {
        srv_error(rs, &e);
        return;
    }
    set_session_cookie(rq, rs, "", 0);
    srv_json(rs, 200, json_pack("{s:s}", "message", "已退出登录"));
}

/* The user's scope in words, for the page's header: 全省 (empty, or the
 * province's two digits), or the names of its city, county and township as
 * the policy's region table has them (a village by its number within its
 * township). */
ROUTE(h_me)
{
    char words[256];
    jz_regions_words(rq->sv->regions, rq->sess.user.scope, 2, words, sizeof words);
    json_t *u = with_password_state(rq, &rq->sess.user, srv_user_json(&rq->sess.user));
    if (u)
        json_object_set_new(u, "scope_zh", json_string(words));
    srv_json(rs, 200,
             json_pack("{s:o, s:s, s:I, s:I}", "user", u, "csrf_token", rq->sess.csrf,
                       "session_started", (json_int_t)rq->sess.created, "expires_at",
                       (json_int_t)rq->sess.expires));
}

ROUTE(h_me_password)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    static const char *const keys[] = {"old_password", "new_password", NULL};
    jz_error e;
    jz_error_clear(&e);
    const char *old = json_string_value(json_object_get(b, "old_password"));
    const char *new = json_string_value(json_object_get(b, "new_password"));
    jz_session *s = sodium_malloc(sizeof *s);
    if (!s) {
        srv_fail(rs, JZ_ENOMEM, NULL, NULL, "内存不足");
    } else if (srv_only_keys(b, keys, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else if (!old || !new) {
        srv_fail(rs, JZ_EINPUT, !old ? "old_password" : "new_password", NULL,
                 "须给出字符串字段 old_password 与 new_password");
    } else if (jz_password_check(&rq->sv->auth, rq->sess.user.login, rq->sess.user.name, new,
                                 &e) != JZ_OK) {
        snprintf(e.field, sizeof e.field, "new_password");
        srv_error(rs, &e);
    } else if (jz_auth_login(rq->x.store, &rq->sv->auth, rq->sess.user.login, old, rq->now, s,
                             &e) != JZ_OK) {
        /* The old password is checked like a login: a wrong one counts
         * towards the lock. */
        snprintf(e.field, sizeof e.field, "old_password");
        srv_error(rs, &e);
    } else if (jz_user_passwd(&rq->x, &rq->sv->auth, rq->sess.user.login, new, false, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else {
        /* Every session of the user ended with the change, this one too. */
        set_session_cookie(rq, rs, "", 0);
        srv_json(rs, 200, json_pack("{s:s}", "message", "密码已修改，请用新密码重新登录"));
    }
    if (s)
        sodium_free(s);
    json_decref(b);
}

ROUTE(h_openapi)
{
    (void)rq;
    srv_body(rs, 200, "application/json; charset=utf-8", (const char *)jz_openapi_json,
             jz_openapi_json_len);
}

ROUTE(h_health)
{
    srv_json(rs, 200,
             json_pack("{s:s, s:i}", "status", "ok", "schema_version",
                       jz_store_schema_version(rq->x.store)));
}
