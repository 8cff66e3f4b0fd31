/*
 * http.c - jiuzhu's HTTP server on libmicrohttpd: the daemon, a request's
 * life (body, route, login, role, CSRF, handler, response), and the helpers
 * of srv.h.
 *
 * libmicrohttpd runs a pool of worker threads, each with its own epoll
 * loop.  A handler runs on the worker that owns the connection and uses
 * that thread's own store connection (SQLite connections are not shared
 * between threads); the policy is loaded once and only read.
 *
 * What the server logs to stderr is one line per request: method, the
 * route's pattern (never the path: it may hold an ID), status, user login
 * and milliseconds.  No personal data.
 */
#define _GNU_SOURCE /* strcasestr, memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "jiuzhu/jz_file.h"
#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_record.h"
#include "srv.h"
#include "static.h"

/* ---- responses ----------------------------------------------------------- */

void srv_body(srv_res *rs, unsigned status, const char *type, const char *text, size_t len)
{
    free(rs->body);
    rs->body = malloc(len ? len : 1);
    if (!rs->body) {
        rs->status = 503;
        rs->len = 0;
        return;
    }
    memcpy(rs->body, text, len);
    rs->len = len;
    rs->status = status;
    rs->type = type;
}

void srv_text_json(srv_res *rs, unsigned status, char *text)
{
    free(rs->body);
    rs->body = NULL;
    if (!text) {
        static const char oom[] =
            "{\"error\":{\"code\":\"nomem\",\"status\":503,\"message\":\"内存不足，请稍后重试\"}}";
        srv_body(rs, 503, "application/json; charset=utf-8", oom, sizeof oom - 1);
        return;
    }
    rs->body = text;
    rs->len = strlen(text);
    rs->status = status;
    rs->type = "application/json; charset=utf-8";
}

void srv_json(srv_res *rs, unsigned status, json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    srv_text_json(rs, status, s);
}

void srv_error(srv_res *rs, const jz_error *e)
{
    const jz_err_kind *k = jz_err_kind_of(e->code);
    char msg[1024];
    jz_error_format(e, msg, sizeof msg);
    /* Parts that may hold an ID number are masked, as in jz_error_format. */
    char member[sizeof e->member], value[sizeof e->value], reason[sizeof e->reason];
    snprintf(member, sizeof member, "%s", e->member);
    snprintf(value, sizeof value, "%s", e->value);
    snprintf(reason, sizeof reason, "%s", e->reason[0] ? e->reason : k->text);
    jz_idnum_mask_text(member);
    jz_idnum_mask_text(value);
    jz_idnum_mask_text(reason);
    json_t *o =
        json_pack("{s:s, s:i, s:s, s:s, s:b}", "code", k->name, "status", (int)k->http_status,
                  "message", msg, "reason", reason, "retry", (int)k->retry);
    if (o) {
        if (e->household[0])
            json_object_set_new(o, "household", json_string(e->household));
        if (member[0])
            json_object_set_new(o, "member", json_string(member));
        if (e->field[0])
            json_object_set_new(o, "field", json_string(e->field));
        if (value[0])
            json_object_set_new(o, "value", json_string(value));
        if (e->line > 0)
            json_object_set_new(o, "line", json_integer(e->line));
    }
    srv_json(rs, k->http_status, o ? json_pack("{s:o}", "error", o) : NULL);
}

void srv_fail(srv_res *rs, jz_err code, const char *field, const char *value, const char *fmt, ...)
{
    jz_error e;
    jz_error_clear(&e);
    char reason[JZ_ERR_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    jz_error_set(&e, code, field, value, "%s", reason);
    srv_error(rs, &e);
}

void srv_fail_status(srv_res *rs, unsigned status, const char *code, const char *message)
{
    srv_json(rs, status,
             json_pack("{s:{s:s, s:i, s:s, s:s, s:b}}", "error", "code", code, "status",
                       (int)status, "message", message, "reason", message, "retry", 0));
}

/* ---- requests ------------------------------------------------------------ */

const char *srv_query(const srv_req *rq, const char *name)
{
    return rq->lookup(rq->lookup_arg, SRV_QUERY, name);
}

long long srv_int_arg(srv_req *rq, srv_res *rs, const char *name, long long lo, long long hi,
                      long long def)
{
    const char *v = srv_query(rq, name);
    if (!v)
        return def;
    char *end;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end || n < lo || n > hi || (v[0] == '0' && v[1])) {
        srv_fail(rs, JZ_EINPUT, name, v, "应为 %lld 至 %lld 的整数", lo, hi);
        return -1;
    }
    return n;
}

const char *srv_header(const srv_req *rq, const char *name)
{
    return rq->lookup(rq->lookup_arg, SRV_HEADER, name);
}

static const char *lookup_mhd(void *arg, int kind, const char *name)
{
    static const enum MHD_ValueKind kinds[] = {MHD_HEADER_KIND, MHD_GET_ARGUMENT_KIND,
                                               MHD_COOKIE_KIND};
    return MHD_lookup_connection_value(arg, kinds[kind], name);
}

/* The deepest nesting of brackets outside strings. */
static int json_depth(const char *s, size_t n)
{
    int d = 0, max = 0;
    bool str = false, esc = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (str) {
            if (esc)
                esc = false;
            else if (c == '\\')
                esc = true;
            else if (c == '"')
                str = false;
            continue;
        }
        if (c == '"')
            str = true;
        else if (c == '{' || c == '[') {
            if (++d > max)
                max = d;
        } else if (c == '}' || c == ']')
            d--;
    }
    return max;
}

jz_err srv_parse_json(const char *body, size_t len, json_t **out, jz_error *err)
{
    *out = NULL;
    if (len == 0)
        return jz_error_set(err, JZ_EINPUT, "body", NULL, "请求体为空，应为 JSON 对象");
    if (json_depth(body, len) > SRV_JSON_DEPTH_MAX)
        return jz_error_set(err, JZ_EINPUT, "body", NULL, "JSON 嵌套超过 %d 层",
                            SRV_JSON_DEPTH_MAX);
    json_error_t je;
    json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        char pos[32];
        snprintf(pos, sizeof pos, "%d:%d", je.line, je.column);
        return jz_error_set(err, JZ_EINPUT, "body", pos,
                            "请求体不是有效的 JSON（第 %d 行第 %d 列）", je.line, je.column);
    }
    if (!json_is_object(j)) {
        json_decref(j);
        return jz_error_set(err, JZ_EINPUT, "body", NULL, "请求体应为 JSON 对象");
    }
    *out = j;
    return JZ_OK;
}

jz_err srv_only_keys(const json_t *obj, const char *const *allowed, jz_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            ok |= strcmp(*a, key) == 0;
        if (!ok)
            return jz_error_set(err, JZ_EINPUT, key, NULL, "未知字段「%s」", key);
    }
    return JZ_OK;
}

json_t *srv_body_json(srv_req *rq, srv_res *rs)
{
    const char *ct = srv_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
        srv_fail_status(rs, 415, "media_type", "请求体应为 JSON（Content-Type: application/json）");
        return NULL;
    }
    jz_error e;
    jz_error_clear(&e);
    json_t *j = NULL;
    if (srv_parse_json(rq->body, rq->body_len, &j, &e) != JZ_OK) {
        char msg[1024];
        jz_error_format(&e, msg, sizeof msg);
        srv_fail_status(rs, 400, "bad_json", msg);
        return NULL;
    }
    return j;
}

const char *srv_date(jz_date d, char buf[16])
{
    if (d == JZ_DATE_NONE) {
        buf[0] = '\0';
        return buf;
    }
    jz_date_format(d, buf, 16);
    return buf;
}

json_t *srv_user_json(const jz_user *u)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "login", u->login, "name",
                          u->name, "role", jz_role_name[u->role], "role_zh", jz_role_zh[u->role],
                          "scope", u->scope, "active", (int)u->active, "password_temporary",
                          u->password_changed == 0);
    if (o && u->role == JZ_ROLE_DEPT && u->dept >= 0 && u->dept < JZ_DEPT_COUNT) {
        json_object_set_new(o, "dept", json_string(jz_dept_names[u->dept]));
        json_object_set_new(o, "dept_zh", json_string(jz_dept_zh[u->dept]));
    }
    return o;
}

bool srv_record_id(const char *s, int64_t *out)
{
    size_t n = strspn(s, "0123456789");
    if (n == 0 || n > 19 || s[n] != '\0' || s[0] == '0')
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* ---- scope and access log -------------------------------------------------- */

static void log_failed(const jz_error *e)
{
    char msg[1024];
    jz_error_format(e, msg, sizeof msg);
    fprintf(stderr, "jiuzhu serve: 查询留痕写入失败：%s\n", msg);
}

bool srv_access(srv_req *rq, jz_access_kind kind, const char *subject, const char *region)
{
    bool defer = rq->defer_access && rq->n_acc < SRV_ACCESS_MAX;
    jz_access one, *a = defer ? &rq->acc[rq->n_acc] : &one;
    memset(a, 0, sizeof *a);
    a->at = rq->now;
    snprintf(a->login, sizeof a->login, "%s", rq->authed ? rq->sess.user.login : "");
    snprintf(a->subject, sizeof a->subject, "%s", subject ? subject : "");
    jz_idnum_mask_text(a->subject);
    snprintf(a->region, sizeof a->region, "%s", region ? region : "");
    a->kind = kind;
    snprintf(a->what, sizeof a->what, "%s %s", rq->m.route ? rq->m.route->method : rq->method,
             rq->m.route ? rq->m.route->pattern : "?");
    if (defer) {
        rq->n_acc++;
        if (kind != JZ_ACCESS_REFUSED)
            rq->acc_required = true;
        return true;
    }
    jz_error e;
    jz_error_clear(&e);
    if (jz_access_log(rq->x.store, a, &e) != JZ_OK) {
        log_failed(&e);
        return false;
    }
    return true;
}

void srv_not_found(srv_req *rq, srv_res *rs, const char *subject, const char *region)
{
    srv_access(rq, JZ_ACCESS_REFUSED, subject, region ? region : "");
    srv_fail(rs, JZ_ENOTFOUND, NULL, NULL, "未找到");
}

bool srv_in_scope(srv_req *rq, srv_res *rs, const char *region, const char *subject)
{
    if (region && jz_scope_covers(rq->sess.user.scope, region))
        return true;
    /* The refusal is logged with the subject's real region, so that the
     * auditor of that region sees who tried; the user learns nothing. */
    srv_not_found(rq, rs, subject, region);
    return false;
}

const char *srv_list_scope(srv_req *rq, srv_res *rs, char buf[JZ_SCOPE_MAX])
{
    const char *want = srv_query(rq, "region");
    const char *scope = rq->sess.user.scope;
    if (!want || !*want) {
        snprintf(buf, JZ_SCOPE_MAX, "%s", scope);
        return buf;
    }
    if (strlen(want) >= JZ_SCOPE_MAX || strspn(want, "0123456789") != strlen(want)) {
        srv_fail(rs, JZ_EINPUT, "region", want, "地区代码应为数字，最多 12 位");
        return NULL;
    }
    if (!jz_scope_covers(scope, want)) {
        srv_not_found(rq, rs, want, "");
        return NULL;
    }
    snprintf(buf, JZ_SCOPE_MAX, "%s", want);
    return buf;
}

bool srv_household_in_scope(srv_req *rq, srv_res *rs, const char *id, char region[13])
{
    jz_error e;
    jz_error_clear(&e);
    jz_err rc = srv_household_region(rq, id, region, &e);
    if (rc == JZ_ENOTFOUND || rc == JZ_EINPUT) {
        srv_not_found(rq, rs, id, "");
        return false;
    }
    if (rc) {
        srv_error(rs, &e);
        return false;
    }
    return srv_in_scope(rq, rs, region, id);
}

jz_err srv_household_region(srv_req *rq, const char *household_id, char region[13], jz_error *err)
{
    char *record = NULL;
    jz_err rc = jz_store_get_record(rq->x.store, household_id, &record, err);
    if (rc)
        return rc;
    jz_household_buf *buf = malloc(sizeof *buf);
    jz_household h;
    jz_parse_opts po = {.regions = NULL};
    if (!buf) {
        free(record);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    rc = jz_household_parse(record, strlen(record), &po, &h, buf, err);
    if (!rc)
        snprintf(region, 13, "%s", h.region.code);
    free(buf);
    free(record);
    return rc;
}

/* ---- the store of this thread ------------------------------------------------ */

static _Thread_local jz_store *thread_store;

static jz_err thread_store_get(srv *sv, jz_store **out, jz_error *err)
{
    if (thread_store) {
        *out = thread_store;
        return JZ_OK;
    }
    jz_store *s = NULL;
    jz_err rc = jz_store_open(sv->o->db, 0, &s, err);
    if (rc)
        return rc;
    pthread_mutex_lock(&sv->mu);
    if (sv->n_stores == sv->cap_stores) {
        size_t nc = sv->cap_stores ? 2 * sv->cap_stores : 16;
        jz_store **g = realloc(sv->stores, nc * sizeof *g);
        if (!g) {
            pthread_mutex_unlock(&sv->mu);
            jz_store_close(s);
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        }
        sv->stores = g;
        sv->cap_stores = nc;
    }
    sv->stores[sv->n_stores++] = s;
    pthread_mutex_unlock(&sv->mu);
    thread_store = s;
    *out = s;
    return JZ_OK;
}

/* ---- a request's life ---------------------------------------------------------- */

#define COOKIE_NAME "jz_session"

/* The session token: the cookie, or an Authorization: Bearer header (for
 * programs; no CSRF check then, since a browser never sends it by itself). */
static const char *session_token(const srv_req *rq, bool *from_cookie)
{
    const char *c = rq->lookup(rq->lookup_arg, SRV_COOKIE, COOKIE_NAME);
    if (c && *c) {
        *from_cookie = true;
        return c;
    }
    const char *a = srv_header(rq, MHD_HTTP_HEADER_AUTHORIZATION);
    if (a && strncmp(a, "Bearer ", 7) == 0) {
        *from_cookie = false;
        return a + 7;
    }
    return NULL;
}

/* A user whose password was set by an administrator, or has expired, may
 * only see who he is, change it, or log out (jz_password_state_of): 403
 * naming the field "password" everywhere else. */
static bool password_ok(srv_req *rq, srv_res *rs, const jz_route *r)
{
    int64_t expires;
    jz_password_state st = jz_password_state_of(&rq->sv->auth, &rq->sess.user, rq->now, &expires);
    if (st == JZ_PW_OK || strcmp(r->pattern, "/api/me") == 0 ||
        strcmp(r->pattern, "/api/me/password") == 0 || strcmp(r->pattern, "/api/logout") == 0)
        return true;
    char why[160];
    if (st == JZ_PW_TEMPORARY)
        snprintf(why, sizeof why, "您的密码由管理员设置，请先修改密码再办理业务");
    else
        snprintf(why, sizeof why, "您的密码已超过 %d 天未修改，已过期：请先修改密码",
                 rq->sv->auth.password_days);
    srv_fail_status(rs, 403, "password", why);
    return false;
}

void srv_dispatch(srv_req *rq, srv_res *rs)
{
    srv *sv = rq->sv;
    if (!rq->m.route) {
        if (rq->m.method_mismatch)
            srv_fail_status(rs, 405, "method", "此地址不支持该请求方法");
        else
            srv_fail_status(rs, 404, "route", "没有这个接口");
        return;
    }
    if (rq->too_big) {
        char msg[128];
        snprintf(msg, sizeof msg, "请求体超过 %zu 字节的上限", rq->body_max);
        srv_fail_status(rs, 413, "too_large", msg);
        return;
    }
    jz_error e;
    jz_error_clear(&e);
    jz_store *s = NULL;
    if (thread_store_get(sv, &s, &e) != JZ_OK) {
        srv_error(rs, &e);
        return;
    }
    rq->x = (jz_ctx){.store = s,
                     .today = jz_date_today(),
                     .regions = sv->regions,
                     .params = sv->params,
                     .calendar = sv->calendar,
                     .programmes = sv->programmes,
                     .banks = sv->banks};
    snprintf(rq->x.actor, sizeof rq->x.actor, "web");
    const jz_route *r = rq->m.route;
    if (r->roles != R_NONE) {
        bool cookie = false;
        const char *tok = session_token(rq, &cookie);
        if (!tok) {
            srv_fail(rs, JZ_EAUTH, NULL, NULL, "请先登录");
            return;
        }
        if (jz_auth_session(s, &sv->auth, tok, rq->now, &rq->sess, &e) != JZ_OK) {
            srv_error(rs, &e);
            return;
        }
        rq->authed = true;
        rq->token = tok;
        snprintf(rq->x.actor, sizeof rq->x.actor, "%s", rq->sess.user.login);
        snprintf(rq->x.scope, sizeof rq->x.scope, "%s", rq->sess.user.scope);
        if (!(r->roles & (1u << rq->sess.user.role))) {
            srv_fail(rs, JZ_EDENIED, NULL, NULL, "%s无权%s", jz_role_zh[rq->sess.user.role],
                     r->summary);
            return;
        }
        if (!password_ok(rq, rs, r))
            return;
        if (r->write && cookie) {
            const char *h = srv_header(rq, "X-CSRF-Token");
            char want[JZ_TOKEN_TEXT];
            if (!h || !jz_auth_csrf(tok, want) || strlen(h) != strlen(want) ||
                sodium_memcmp(h, want, strlen(want)) != 0) {
                srv_fail_status(rs, 403, "csrf",
                                "缺少或错误的 X-CSRF-Token：请从登录返回的 csrf_token 取值");
                return;
            }
        }
    }
    jz_store_set_actor(s, rq->x.actor);
    r->fn(rq, rs);
}

typedef struct conn_state {
    srv_req rq;
    srv_res rs;
    struct MHD_Connection *conn;
    srv_logitem item; /* the request's 查询留痕, with the log writer */
    bool logged;      /* the writer is done with it: answer now */
    bool web;         /* a path outside /api/: the UI's files (static.h) */
    struct timespec t0;
} conn_state;

static enum MHD_Result add_headers(struct MHD_Response *resp, const srv_res *rs, bool tls)
{
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            rs->type ? rs->type : "application/json; charset=utf-8");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    if (rs->type && strncmp(rs->type, "text/html", 9) == 0)
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'");
    else
        MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'");
    if (tls)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
    if (rs->filename[0]) {
        char d[300];
        snprintf(d, sizeof d, "attachment; filename=\"%s\"", rs->filename);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, d);
    }
    if (rs->cookie[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, rs->cookie);
    return MHD_YES;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static bool quiet_log;

static int hexdigit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* libmicrohttpd's unescaping of the path and the query arguments (%XX),
 * except that an encoded NUL stays as it was sent: decoded, it would cut
 * the string short ("/api/alerts/1%00" read as alert 1); left, the router
 * refuses it in a path, and no argument is valid with it. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    char *w = s;
    for (const char *r = s; *r;) {
        int h = r[0] == '%' ? hexdigit(r[1]) : -1, l = h >= 0 ? hexdigit(r[2]) : -1;
        if (l >= 0 && (h | l) != 0) {
            *w++ = (char)(h * 16 + l);
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static void suspend_conn(void *conn)
{
    MHD_suspend_connection(conn);
}

/* The log writer's callback: the entries are written (or refused). */
static void logged_done(srv_logitem *it)
{
    conn_state *st = (conn_state *)((char *)it - offsetof(conn_state, item));
    st->logged = true;
    MHD_resume_connection(st->conn);
}

/* Sends the request's answer; an answer that holds what was read is sent
 * only if its 查询留痕 was written (a 503 otherwise). */
static enum MHD_Result respond(srv *sv, conn_state *st, struct MHD_Connection *conn,
                               const char *method)
{
    srv_req *rq = &st->rq;
    srv_res *rs = &st->rs;
    if (rq->n_acc && st->item.rc != JZ_OK) {
        log_failed(&st->item.err);
        if (rq->acc_required) {
            free(rs->body);
            *rs = (srv_res){.status = 500};
            srv_fail(rs, JZ_EBUSY, NULL, NULL, "查询留痕未能记录，未返回数据，请稍后重试");
        }
    }
    if (!rs->body)
        srv_fail_status(rs, 500, "internal", "服务器内部错误");
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(rs->len, rs->body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(rs->body);
        rs->body = NULL;
        return MHD_NO;
    }
    rs->body = NULL; /* the response owns it */
    add_headers(resp, rs, sv->tls);
    enum MHD_Result ret = MHD_queue_response(conn, rs->status, resp);
    MHD_destroy_response(resp);
    if (!quiet_log)
        fprintf(stderr, "%s %s %u %s %.1fms\n", method, rq->m.route ? rq->m.route->pattern : "-",
                rs->status, rq->authed ? rq->sess.user.login : "-", ms_since(&st->t0));
    return ret;
}

static bool is_api(const char *url)
{
    return strncmp(url, "/api", 4) == 0 && (url[4] == '/' || url[4] == '\0');
}

/* A request for the UI's files: GET or HEAD only, answered from memory. */
static enum MHD_Result respond_web(srv *sv, conn_state *st, struct MHD_Connection *conn,
                                   const char *method)
{
    static const char not_allowed[] = "此地址只支持 GET 与 HEAD 请求\n";
    srv_web_hit hit;
    bool read = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (read)
        srv_web_find(sv->web, st->rq.url,
                     MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_ACCEPT_ENCODING),
                     MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_IF_NONE_MATCH),
                     &hit);
    else
        hit = (srv_web_hit){.status = 405, .body = not_allowed, .len = sizeof not_allowed - 1,
                            .type = "text/plain; charset=utf-8", .cache = "no-store"};
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        hit.body ? hit.len : 0, (void *)(hit.body ? hit.body : ""), MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, hit.type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, hit.cache);
    if (hit.etag) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, hit.etag);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
    }
    if (hit.gzip)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    if (hit.status == 405)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            hit.html ? SRV_WEB_CSP : "default-src 'none'");
    if (sv->tls)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
    enum MHD_Result ret = MHD_queue_response(conn, hit.status, resp);
    MHD_destroy_response(resp);
    /* The path is never logged (a page's path may hold a household's ID). */
    if (!quiet_log)
        fprintf(stderr, "%s (界面) %u - %.1fms\n", method, hit.status, ms_since(&st->t0));
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    srv *sv = cls;
    conn_state *st = *con_cls;
    if (!st) {
        st = calloc(1, sizeof *st);
        if (!st)
            return MHD_NO;
        st->rq.sv = sv;
        st->rq.lookup = lookup_mhd;
        st->rq.lookup_arg = conn;
        st->rq.method = method;
        st->rq.url = url;
        st->rq.now = (int64_t)time(NULL);
        st->web = sv->web && !is_api(url);
        clock_gettime(CLOCK_MONOTONIC, &st->t0);
        jz_route_find(method, url, &st->rq.m);
        st->rq.body_max = SRV_BODY_MAX_DEFAULT;
        if (st->rq.m.route && (strstr(st->rq.m.route->pattern, "/feeds/") ||
                               strstr(st->rq.m.route->pattern, "/monitor/fpm") ||
                               strstr(st->rq.m.route->pattern, "/results")))
            st->rq.body_max = SRV_BODY_MAX_UPLOAD;
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > st->rq.body_max)
            st->rq.too_big = true;
        *con_cls = st;
        return MHD_YES;
    }
    if (st->logged)
        return respond(sv, st, conn, method);
    srv_req *rq = &st->rq;
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (st->web) /* the UI's files take no body */
            return MHD_YES;
        if (rq->too_big || rq->body_len + n > rq->body_max) {
            rq->too_big = true;
            return MHD_YES;
        }
        if (rq->body_len + n + 1 > rq->body_cap) {
            size_t nc = rq->body_cap ? rq->body_cap : 4096;
            while (nc < rq->body_len + n + 1)
                nc *= 2;
            char *g = realloc(rq->body, nc);
            if (!g)
                return MHD_NO;
            rq->body = g;
            rq->body_cap = nc;
        }
        memcpy(rq->body + rq->body_len, upload_data, n);
        rq->body_len += n;
        rq->body[rq->body_len] = '\0';
        return MHD_YES;
    }
    if (st->web)
        return respond_web(sv, st, conn, method);
    clock_gettime(CLOCK_MONOTONIC, &st->t0);
    st->rs = (srv_res){.status = 500};
    rq->defer_access = sv->logq != NULL;
    srv_dispatch(rq, &st->rs);
    if (rq->n_acc) {
        /* The answer waits for its 查询留痕 to be durable: the writer
         * resumes the connection, and libmicrohttpd calls back here. */
        st->conn = conn;
        st->item = (srv_logitem){.a = rq->acc, .n = rq->n_acc, .done = logged_done};
        if (srv_logq_push(sv->logq, &st->item, suspend_conn, conn))
            return MHD_YES;
        /* The writer is stopping (the server is): written here. */
        jz_error_clear(&st->item.err);
        st->item.rc = jz_access_log_many(rq->x.store, rq->acc, rq->n_acc, &st->item.err);
    }
    return respond(sv, st, conn, method);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    conn_state *st = *con_cls;
    if (st) {
        free(st->rq.body);
        free(st->rs.body);
        sodium_memzero(&st->rq.sess, sizeof st->rq.sess);
        free(st);
    }
    *con_cls = NULL;
}

/* ---- the daemon ------------------------------------------------------------------- */

static jz_err parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len,
                           jz_error *err)
{
    char host[128];
    const char *colon = strrchr(s, ':');
    if (!colon || colon - s >= (long)sizeof host)
        return jz_error_set(err, JZ_EUSAGE, "--listen", s, "应为 地址:端口，如 127.0.0.1:8080");
    long port;
    char *end;
    errno = 0;
    port = strtol(colon + 1, &end, 10);
    if (errno || *end || end == colon + 1 || port < 0 || port > 65535)
        return jz_error_set(err, JZ_EUSAGE, "--listen", s, "端口应为 0 至 65535 的整数");
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    memset(ss, 0, sizeof *ss);
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        host[strlen(host) - 1] = '\0';
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
            return jz_error_set(err, JZ_EUSAGE, "--listen", s, "不是有效的 IPv6 地址");
        *len = sizeof *a;
        return JZ_OK;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (!host[0])
        a->sin_addr.s_addr = htonl(INADDR_ANY);
    else if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
        return jz_error_set(err, JZ_EUSAGE, "--listen", s, "不是有效的 IPv4 地址");
    *len = sizeof *a;
    return JZ_OK;
}

static char *slurp(const char *path, jz_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        jz_error_set(err, JZ_EIO, NULL, path, "无法读取：%s", strerror(errno));
        return NULL;
    }
    char *b = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 8192;
            char *g = realloc(b, cap);
            if (!g) {
                free(b);
                fclose(f);
                jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                return NULL;
            }
            b = g;
        }
        size_t r = fread(b + n, 1, 4096, f);
        n += r;
        if (r < 4096)
            break;
    }
    fclose(f);
    b[n] = '\0';
    return b;
}

__attribute__((format(printf, 2, 0))) static void log_mhd(void *cls, const char *fm, va_list ap)
{
    (void)cls;
    if (quiet_log)
        return;
    fputs("jiuzhu serve (libmicrohttpd): ", stderr);
    vfprintf(stderr, fm, ap);
}

static void log_failed_purge(const jz_error *e)
{
    char msg[1024];
    jz_error_format(e, msg, sizeof msg);
    fprintf(stderr, "jiuzhu serve: 清理旧会话未成功（不影响服务）：%s\n", msg);
}

jz_err srv_init(srv *sv, const jz_server_opts *o, jz_error *err)
{
    memset(sv, 0, sizeof *sv);
    sv->o = o;
    if (sodium_init() < 0)
        return jz_error_set(err, JZ_EIO, NULL, NULL, "libsodium 初始化失败");
    pthread_mutex_init(&sv->mu, NULL);
    jz_auth_params_default(&sv->auth);
    jz_err rc = jz_auth_params_from_env(&sv->auth, err);
    /* The store must exist and be current before the first request. */
    jz_store *probe = NULL;
    if (!rc && !(rc = jz_store_open(o->db, 0, &probe, err))) {
        /* Sessions ended or unused for 90 days are deleted at each start
         * (`jiuzhu user purge` does it on demand). */
        jz_error pe;
        jz_error_clear(&pe);
        int purged = 0;
        if (jz_auth_purge(probe, &sv->auth, (int64_t)time(NULL), 90, &purged, &pe) != JZ_OK)
            log_failed_purge(&pe);
        jz_store_close(probe);
    }
    jz_ctx boot;
    memset(&boot, 0, sizeof boot);
    if (!rc && !(rc = jz_ctx_init(&boot, NULL, o->policy_dir, o->calendar, "serve", err))) {
        sv->regions = boot.regions;
        sv->params = boot.params;
        sv->calendar = boot.calendar;
        sv->programmes = boot.programmes;
        sv->banks = boot.banks;
    }
    if (rc)
        pthread_mutex_destroy(&sv->mu);
    return rc;
}

void srv_cleanup(srv *sv)
{
    for (size_t i = 0; i < sv->n_stores; i++)
        jz_store_close(sv->stores[i]);
    free(sv->stores);
    sv->stores = NULL;
    sv->n_stores = sv->cap_stores = 0;
    pthread_mutex_destroy(&sv->mu);
    jz_ctx boot = {.regions = sv->regions,
                   .params = sv->params,
                   .calendar = sv->calendar,
                   .programmes = sv->programmes,
                   .banks = sv->banks};
    jz_ctx_cleanup(&boot);
}

jz_err jz_server_run(const jz_server_opts *o, jz_error *err)
{
    quiet_log = getenv("JIUZHU_SERVE_QUIET") != NULL;
    srv sv;
    jz_err rc = JZ_OK;
    char *cert = NULL, *key = NULL;
    struct MHD_Daemon *d = NULL;
    if ((rc = srv_init(&sv, o, err)))
        return rc;
    struct sockaddr_storage ss;
    socklen_t sl;
    if ((rc = parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &ss, &sl, err)))
        goto out;
    if (!!o->tls_cert != !!o->tls_key) {
        rc = jz_error_set(err, JZ_EUSAGE, "--tls-cert", NULL, "--tls-cert 与 --tls-key 须同时给出");
        goto out;
    }
    if (o->tls_cert && (!(cert = slurp(o->tls_cert, err)) || !(key = slurp(o->tls_key, err)))) {
        rc = err->code;
        goto out;
    }
    sv.tls = cert != NULL;
    if ((rc = srv_web_load(o->web_dir, &sv.web, err)))
        goto out;
    if (!sv.web && o->web_dir && *o->web_dir)
        fprintf(stderr, "jiuzhu serve: 未找到界面 %s/index.html（先运行 scripts/web.sh 构建），只提供 API\n",
                o->web_dir);
    if ((rc = srv_logq_start(&sv.logq, o->db, err)))
        goto out;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = o->threads ? o->threads : (unsigned)(ncpu > 0 ? 2 * ncpu : 4);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (sv.tls)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem tls_opts[] = {
        {sv.tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert},
        {sv.tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, key},
        {MHD_OPTION_END, 0, NULL}};
    signal(SIGPIPE, SIG_IGN);
    /* SIGINT and SIGTERM are blocked before the workers start (they inherit
     * the mask), so that only sigwait below takes them. */
    sigset_t stop_set;
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGINT);
    sigaddset(&stop_set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
    d = MHD_start_daemon(
        /* The logger first: libmicrohttpd complains of it otherwise. */
        flags, 0, NULL, NULL, on_request, &sv, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
        o->max_connections ? o->max_connections : 4096u, MHD_OPTION_CONNECTION_TIMEOUT,
        o->timeout ? o->timeout : 60u,
        /* Headers and the request line must fit in this per-connection
         * buffer: 32 KB caps them (431/413 beyond). */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32 * 1024, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, &sv, MHD_OPTION_UNESCAPE_CALLBACK,
        unescape, NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_ARRAY, tls_opts,
        MHD_OPTION_END);
    if (!d) {
        rc = jz_error_set(err, JZ_EIO, "--listen", o->listen ? o->listen : "127.0.0.1:8080",
                          "无法在此地址上监听（端口被占用或地址无效）");
        goto out;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : 0;
    if (o->port_file) {
        FILE *pf = fopen(o->port_file, "w");
        if (pf) {
            fprintf(pf, "%u\n", port);
            fclose(pf);
        }
    }
    char host[INET6_ADDRSTRLEN] = "";
    if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof host);
    else
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof host);
    fprintf(stderr, "jiuzhu serve: 在 %s://%s%s%s:%u/ 上服务（%u 个工作线程），Ctrl-C 停止\n",
            sv.tls ? "https" : "http", ss.ss_family == AF_INET6 ? "[" : "", host,
            ss.ss_family == AF_INET6 ? "]" : "", port, threads);
    if (sv.web)
        fprintf(stderr, "jiuzhu serve: 界面：%s（%zu 个文件）\n", o->web_dir, srv_web_count(sv.web));
    int sig = 0;
    sigwait(&stop_set, &sig);
    fputs("jiuzhu serve: 正在停止\n", stderr);
out:
    /* The log writer first: every request waiting for its entry is
     * answered (libmicrohttpd must have no suspended connection when it
     * stops), and from then on entries are written by the workers. */
    srv_logq_stop(sv.logq);
    if (d)
        MHD_stop_daemon(d);
    srv_logq_free(sv.logq);
    sv.logq = NULL;
    srv_web_free(sv.web);
    sv.web = NULL;
    srv_cleanup(&sv);
    if (key)
        sodium_memzero(key, strlen(key));
    free(cert);
    free(key);
    return rc;
}

/* Logs a read or a download before it is answered; false after answering
 * 503. */
bool srv_logged(srv_req *rq, srv_res *rs, jz_access_kind kind, const char *subject,
                   const char *region)
{
    if (srv_access(rq, kind, subject, region))
        return true;
    srv_fail(rs, JZ_EBUSY, NULL, NULL, "查询留痕未能记录，未返回数据，请稍后重试");
    return false;
}

/* Reads the file at path and answers it as an attachment named name. */
void srv_send_file(srv_res *rs, const char *path, const char *type, const char *name)
{
    char *text = NULL;
    size_t len = 0;
    jz_error e;
    jz_error_clear(&e);
    if (jz_file_read(path, "生成的文件", (size_t)1 << 31, &text, &len, &e) != JZ_OK) {
        srv_error(rs, &e);
        return;
    }
    srv_body(rs, 200, type, text, len);
    /* The name is the bank's pattern filled in, well within the header's
     * room; cut if not (the file is whole either way). */
    size_t n = strnlen(name, sizeof rs->filename - 1);
    memcpy(rs->filename, name, n);
    rs->filename[n] = '\0';
    free(text);
}

/* A private directory for a file the library writes by name. */
bool srv_temp_dir(srv_res *rs, char dir[32])
{
    snprintf(dir, 32, "/tmp/jiuzhu-srv-XXXXXX");
    if (mkdtemp(dir))
        return true;
    srv_fail(rs, JZ_EIO, NULL, NULL, "无法建立临时目录");
    return false;
}
