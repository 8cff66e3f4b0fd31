/*
 * routes_users.c - managing users (管理员), within the admin's own scope.
 */
#include <stdio.h>
#include <string.h>

#include "srv.h"

static void add_user(const jz_user *u, void *arg)
{
    json_array_append_new(arg, srv_user_json(u));
}

ROUTE(h_users_list)
{
    char scope[JZ_SCOPE_MAX];
    if (!srv_list_scope(rq, rs, scope))
        return;
    json_t *a = json_array();
    jz_error e;
    jz_error_clear(&e);
    if (jz_user_list(rq->x.store, scope, add_user, a, &e) != JZ_OK) {
        json_decref(a);
        srv_error(rs, &e);
        return;
    }
    srv_json(rs, 200, json_pack("{s:o}", "users", a));
}

ROUTE(h_users_add)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    static const char *const keys[] = {"login", "name", "role", "scope", "dept", "password", NULL};
    jz_error e;
    jz_error_clear(&e);
    jz_user_new n = {
        .login = json_string_value(json_object_get(b, "login")),
        .name = json_string_value(json_object_get(b, "name")),
        .scope = json_string_value(json_object_get(b, "scope")),
        .password = json_string_value(json_object_get(b, "password")),
        .dept = -1,
        /* Set by the administrator: the new user chooses his own at his
         * first login before anything else. */
        .temporary = true,
    };
    const char *role = json_string_value(json_object_get(b, "role"));
    const char *dept = json_string_value(json_object_get(b, "dept"));
    jz_user u;
    json_t *dept_v = json_object_get(b, "dept");
    if (srv_only_keys(b, keys, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else if (dept_v && !dept && !json_is_null(dept_v)) {
        /* Optional, but a string when given: not silently left out. */
        srv_fail(rs, JZ_EINPUT, "dept", NULL, "dept 应为字符串（部门名称）");
    } else if (!n.login || !n.name || !role || !n.scope || !n.password) {
        srv_fail(rs, JZ_EINPUT,
                 !n.login  ? "login"
                 : !n.name ? "name"
                 : !role   ? "role"
                 : !n.scope ? "scope"
                            : "password",
                 NULL, "须给出字符串字段 login、name、role、scope 与 password");
    } else if (jz_role_parse(role, &n.role, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else if (dept && (n.dept = jz_dept_find(dept)) < 0) {
        srv_fail(rs, JZ_EINPUT, "dept", dept, "未知部门");
    } else if (!jz_scope_covers(rq->sess.user.scope, n.scope)) {
        /* An admin creates users within his own scope only. */
        srv_fail(rs, JZ_EINPUT, "scope", n.scope, "不在您的管辖范围（%s）内",
                 rq->sess.user.scope[0] ? rq->sess.user.scope : "全省");
    } else if (jz_user_add(&rq->x, &rq->sv->auth, &n, &u, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else {
        srv_json(rs, 201, json_pack("{s:o}", "user", srv_user_json(&u)));
    }
    json_decref(b);
}

/* The user of {login}, if within the admin's scope (else 404). */
static bool target(srv_req *rq, srv_res *rs, jz_user *u)
{
    jz_error e;
    jz_error_clear(&e);
    if (jz_user_get(rq->x.store, rq->m.params[0], u, &e) != JZ_OK) {
        if (e.code == JZ_ENOTFOUND)
            srv_fail(rs, JZ_ENOTFOUND, NULL, NULL, "未找到");
        else
            srv_error(rs, &e);
        return false;
    }
    return srv_in_scope(rq, rs, u->scope, u->login);
}

static void set_active(srv_req *rq, srv_res *rs, bool enable)
{
    jz_user u;
    if (!target(rq, rs, &u))
        return;
    jz_error e;
    jz_error_clear(&e);
    if (strcmp(u.login, rq->sess.user.login) == 0 && !enable) {
        srv_fail(rs, JZ_EINPUT, "login", u.login, "不能停用自己的账号");
        return;
    }
    if (jz_user_set_active(&rq->x, u.login, enable, &e) != JZ_OK) {
        srv_error(rs, &e);
        return;
    }
    u.active = enable;
    srv_json(rs, 200, json_pack("{s:o}", "user", srv_user_json(&u)));
}

ROUTE(h_user_disable)
{
    set_active(rq, rs, false);
}

ROUTE(h_user_enable)
{
    set_active(rq, rs, true);
}

ROUTE(h_user_password)
{
    jz_user u;
    if (!target(rq, rs, &u))
        return;
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    static const char *const keys[] = {"password", NULL};
    jz_error e;
    jz_error_clear(&e);
    const char *pw = json_string_value(json_object_get(b, "password"));
    if (srv_only_keys(b, keys, &e) != JZ_OK)
        srv_error(rs, &e);
    else if (!pw)
        srv_fail(rs, JZ_EINPUT, "password", NULL, "须给出字符串字段 password");
    else if (jz_user_passwd(&rq->x, &rq->sv->auth, u.login, pw, true, &e) != JZ_OK)
        srv_error(rs, &e);
    else
        srv_json(rs, 200, json_pack("{s:s}", "message", "密码已重设，该用户须重新登录"));
    json_decref(b);
}
