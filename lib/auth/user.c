/*
 * user.c - the platform's users (jz_user.h): roles, the parameters a
 * deployment tunes, the rules a login name, a password and a scope must
 * follow, and adding, changing, disabling, reading and listing users over
 * the store's statements (jz_store_user.h).  Every change is audited in
 * the transaction that makes it, with x->actor as actor.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "auth/auth_int.h"
#include "base/base_int.h"
#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_opt.h"

const char *const jz_role_name[JZ_ROLE_COUNT] = {"admin",     "analyst", "reviewer", "caseworker",
                                                 "assistant", "dept",    "auditor"};
const char *const jz_role_zh[JZ_ROLE_COUNT] = {"管理员",   "省级分析员", "县级审核员", "乡镇经办员",
                                               "村协理员", "部门数据员", "审计员"};

jz_err jz_role_parse(const char *s, jz_role *out, jz_error *err)
{
    for (int r = 0; s && r < JZ_ROLE_COUNT; r++)
        if (strcmp(s, jz_role_name[r]) == 0 || strcmp(s, jz_role_zh[r]) == 0) {
            *out = (jz_role)r;
            return JZ_OK;
        }
    return jz_error_set(
        err, JZ_EINPUT, "role", s,
        "未知角色：应为 admin（管理员）、analyst（省级分析员）、reviewer（县级审核员）"
        "、caseworker（乡镇经办员）、assistant（村协理员）、dept（部门数据员）或 "
        "auditor（审计员）");
}

/* ---- libsodium and the parameters ------------------------------------------------ */

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_status = -1;

static void sodium_start(void)
{
    sodium_status = sodium_init();
}

jz_err jz__auth_ready(jz_error *err)
{
    pthread_once(&sodium_once, sodium_start);
    if (sodium_status < 0)
        return jz_error_set(err, JZ_EIO, NULL, NULL, "无法初始化密码库 libsodium");
    return JZ_OK;
}

void jz_auth_params_default(jz_auth_params *p)
{
    memset(p, 0, sizeof *p); /* padding too: two parameter sets compare bytewise */
    p->min_password = 10;
    p->max_failures = 5;
    p->lock_seconds = 900;
    p->idle_seconds = 1800;
    p->absolute_seconds = 43200;
    p->password_days = 90;
    p->ops_limit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    p->mem_limit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

/* The bounds of each tunable number (the environment's and a caller's). */
static const struct {
    const char *env;
    size_t off;
    long long min, max;
} tunables[] = {
    {"JIUZHU_PASSWORD_MIN", offsetof(jz_auth_params, min_password), 8, 128},
    {"JIUZHU_LOGIN_MAX_FAILURES", offsetof(jz_auth_params, max_failures), 1, 100},
    {"JIUZHU_LOGIN_LOCK_SECONDS", offsetof(jz_auth_params, lock_seconds), 1, 30 * 86400},
    /* Seconds, not minutes, at the low end: the server's tests watch a
     * session expire in a few seconds. */
    {"JIUZHU_SESSION_IDLE_SECONDS", offsetof(jz_auth_params, idle_seconds), 2, 30 * 86400},
    {"JIUZHU_SESSION_MAX_SECONDS", offsetof(jz_auth_params, absolute_seconds), 2, 30 * 86400},
    {"JIUZHU_PASSWORD_MAX_DAYS", offsetof(jz_auth_params, password_days), 0, 3650},
};
#define N_TUNABLES (sizeof tunables / sizeof tunables[0])

static int *tunable(jz_auth_params *p, size_t i)
{
    return (int *)(void *)((char *)p + tunables[i].off);
}

static jz_err check_limits(const jz_auth_params *p, const char *field, jz_error *err)
{
    if (p->idle_seconds > p->absolute_seconds)
        return jz_error_set(err, JZ_EINPUT, field, NULL,
                            "会话闲置时限（%d 秒）不应长于会话最长时限（%d 秒）", p->idle_seconds,
                            p->absolute_seconds);
    if (p->ops_limit < crypto_pwhash_OPSLIMIT_MIN || p->ops_limit > crypto_pwhash_OPSLIMIT_MAX ||
        p->mem_limit < crypto_pwhash_MEMLIMIT_MIN || p->mem_limit > crypto_pwhash_MEMLIMIT_MAX)
        return jz_error_set(err, JZ_EINPUT, "argon2", NULL,
                            "密码哈希的计算量或内存低于 libsodium 的下限或超过其上限");
    return JZ_OK;
}

jz_err jz__auth_params_check(const jz_auth_params *p, jz_error *err)
{
    jz_auth_params c = *p;
    for (size_t i = 0; i < N_TUNABLES; i++) {
        int v = *tunable(&c, i);
        if (v < tunables[i].min || v > tunables[i].max)
            return jz_error_set(err, JZ_EINPUT, tunables[i].env, NULL,
                                "参数应为 %lld 到 %lld 之间的整数（现为 %d）", tunables[i].min,
                                tunables[i].max, v);
    }
    return check_limits(p, "JIUZHU_SESSION_IDLE_SECONDS", err);
}

jz_err jz_auth_params_from_env(jz_auth_params *p, jz_error *err)
{
    jz_auth_params_default(p);
    for (size_t i = 0; i < N_TUNABLES; i++) {
        const char *v = getenv(tunables[i].env);
        if (!v || !v[0])
            continue;
        long long n;
        jz_err rc = jz_parse_int(v, tunables[i].min, tunables[i].max, &n, err);
        if (rc) {
            jz_auth_params_default(p);
            if (err)
                snprintf(err->field, sizeof err->field, "%s", tunables[i].env);
            return rc;
        }
        *tunable(p, i) = (int)n;
    }
    const char *fast = getenv("JIUZHU_ARGON2_FAST");
    if (fast && fast[0] && strcmp(fast, "0") != 0) {
        if (strcmp(fast, "1") != 0) {
            jz_auth_params_default(p);
            return jz_error_set(err, JZ_EUSAGE, "JIUZHU_ARGON2_FAST", fast,
                                "应为 1（仅供测试：密码哈希用 libsodium 的最低强度）或 0");
        }
        p->ops_limit = crypto_pwhash_OPSLIMIT_MIN;
        p->mem_limit = crypto_pwhash_MEMLIMIT_MIN;
    }
    jz_err rc = check_limits(p, "JIUZHU_SESSION_IDLE_SECONDS", err);
    if (rc) {
        if (err)
            err->code = JZ_EUSAGE;
        jz_auth_params_default(p);
        return JZ_EUSAGE;
    }
    return JZ_OK;
}

/* ---- what a login, a name, a password and a scope must be -------------------------- */

/* Valid UTF-8 without control characters; *cps counts the code points. */
static bool valid_text(const char *s, size_t n, size_t *cps)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t count = 0;
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x20 || p[i] == 0x7f)
            return false;
        size_t k = jz__utf8_seq_len(p + i, n - i);
        if (!k)
            return false;
        i += k;
        count++;
    }
    if (cps)
        *cps = count;
    return true;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether hay contains needle, ASCII letters compared without case. */
static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(hay), m = strlen(needle);
    for (size_t i = 0; m && i + m <= n; i++) {
        size_t j = 0;
        while (j < m && lower(hay[i + j]) == lower(needle[j]))
            j++;
        if (j == m)
            return true;
    }
    return false;
}

static jz_err check_login(const char *login, jz_error *err)
{
    size_t n = login ? strlen(login) : 0;
    bool ok = n >= 3 && n <= JZ_LOGIN_MAX - 1;
    for (size_t i = 0; ok && i < n; i++) {
        char c = login[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        ok = alnum || (i > 0 && (c == '.' || c == '_' || c == '-'));
    }
    if (!ok)
        return jz_error_set(err, JZ_EINPUT, "login", login,
                            "登录名应为 3 到 %d 个小写字母、数字或 . _ -，以字母或数字开头",
                            JZ_LOGIN_MAX - 1);
    return JZ_OK;
}

static jz_err check_name(const char *name, jz_error *err)
{
    size_t n = name ? strlen(name) : 0;
    if (!n)
        return jz_error_set(err, JZ_EINPUT, "name", "", "姓名不能为空");
    if (n >= JZ_USER_NAME_MAX)
        return jz_error_set(err, JZ_EINPUT, "name", name, "姓名过长（最多 %d 字节）",
                            JZ_USER_NAME_MAX - 1);
    if (!valid_text(name, n, NULL))
        return jz_error_set(err, JZ_EINPUT, "name", NULL,
                            "姓名不是有效的 UTF-8 文本或含有控制字符");
    if (name[0] == ' ' || name[n - 1] == ' ')
        return jz_error_set(err, JZ_EINPUT, "name", name, "姓名首尾不应有空格");
    return JZ_OK;
}

#define PASSWORD_MAX_BYTES 1024

jz_err jz_password_check(const jz_auth_params *p, const char *login, const char *name,
                         const char *password, jz_error *err)
{
    jz_auth_params d;
    if (!p) {
        jz_auth_params_default(&d);
        p = &d;
    }
    size_t n = password ? strlen(password) : 0, cps = 0;
    if (!n)
        return jz_error_set(err, JZ_EINPUT, "password", NULL, "密码不能为空");
    if (n > PASSWORD_MAX_BYTES)
        return jz_error_set(err, JZ_EINPUT, "password", NULL, "密码过长（最多 %d 字节）",
                            PASSWORD_MAX_BYTES);
    if (!valid_text(password, n, &cps))
        return jz_error_set(err, JZ_EINPUT, "password", NULL,
                            "密码不是有效的 UTF-8 文本或含有控制字符");
    if (cps < (size_t)p->min_password)
        return jz_error_set(err, JZ_EINPUT, "password", NULL, "密码太短：至少 %d 个字符",
                            p->min_password);
    size_t first = jz__utf8_seq_len((const unsigned char *)password, n);
    bool same = true;
    for (size_t i = first; same && i < n; i += first)
        same = i + first <= n && memcmp(password + i, password, first) == 0;
    if (same)
        return jz_error_set(err, JZ_EINPUT, "password", NULL, "密码不能由同一个字符重复组成");
    if (login && login[0] && contains_ci(password, login))
        return jz_error_set(err, JZ_EINPUT, "password", NULL, "密码不能包含登录名");
    if (name && name[0] && contains_ci(password, name))
        return jz_error_set(err, JZ_EINPUT, "password", NULL, "密码不能包含姓名");
    return JZ_OK;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* A prefix of region codes known to the table: "", a province (a city of
 * it is known: the Shanxi table starts at the cities), a city, a county, a
 * township, or a village of a known township. */
static bool region_known(const jz_regions *t, const char *scope, size_t n)
{
    if (n == 0)
        return true;
    if (n == 12) {
        jz_region r;
        return jz_region_parse(t, scope, n, &r, NULL) == JZ_OK;
    }
    if (jz_regions_name(t, scope, n))
        return true;
    if (n != 2)
        return false;
    for (size_t i = 0, c = jz_regions_count(t, JZ_LEVEL_CITY); i < c; i++)
        if (strncmp(jz_regions_code_at(t, JZ_LEVEL_CITY, i), scope, 2) == 0)
            return true;
    return false;
}

static jz_err check_scope(const jz_regions *t, jz_role role, const char *scope, jz_error *err)
{
    size_t n = strlen(scope);
    if (!all_digits(scope, n) || (n != 0 && n != 2 && n != 4 && n != 6 && n != 9 && n != 12))
        return jz_error_set(err, JZ_EINPUT, "scope", scope,
                            "范围应为区划代码前缀：空（全省）或 2、4、6、9、12 位数字");
    const char *want = NULL;
    switch (role) {
    case JZ_ROLE_REVIEWER:
        want = n == 6 ? NULL : "一个县（6 位区划代码）";
        break;
    case JZ_ROLE_CASEWORKER:
        want = n == 9 ? NULL : "一个乡镇（9 位区划代码）";
        break;
    case JZ_ROLE_ASSISTANT:
        want = n == 12 ? NULL : "一个村（12 位区划代码）";
        break;
    default:
        want = n <= 6 ? NULL : "全省（空）或一个省、市、县（2、4、6 位区划代码）";
        break;
    }
    if (want)
        return jz_error_set(err, JZ_EINPUT, "scope", scope, "%s的范围应为%s", jz_role_zh[role],
                            want);
    if (!t)
        return jz_error_set(err, JZ_EINPUT, "scope", scope, "未加载区划表，无法检查范围");
    if (!region_known(t, scope, n))
        return jz_error_set(err, JZ_EINPUT, "scope", scope, "区划代码不在区划表中");
    return JZ_OK;
}

jz_err jz__auth_hash(const jz_auth_params *p, const char *password, char out[JZ_PWHASH_MAX],
                     jz_error *err)
{
    _Static_assert(crypto_pwhash_STRBYTES <= JZ_PWHASH_MAX, "room for an argon2id string");
    if (crypto_pwhash_str(out, password, strlen(password), p->ops_limit, p->mem_limit) != 0)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足，无法计算密码哈希");
    return JZ_OK;
}

/* ---- the audit entries of users ----------------------------------------------------- */

static json_t *user_json(const jz_user *u)
{
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:b,s:i,s:I}", "login", u->login, "name", u->name,
                          "role", jz_role_name[u->role], "scope", u->scope, "active", u->active,
                          "failures", u->failures, "locked_until", (json_int_t)u->locked_until);
    if (o && u->dept >= 0 && u->dept < JZ_DEPT_COUNT)
        json_object_set_new(o, "dept", json_string(jz_dept_names[u->dept]));
    return o;
}

jz_err jz__auth_audit(jz_store *s, const char *action, const jz_user *before, const jz_user *after,
                      const char *extra, jz_error *err)
{
    json_t *b = before ? user_json(before) : NULL, *a = user_json(after);
    json_t *x = extra ? json_loads(extra, 0, NULL) : NULL;
    char *bt = b ? json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS) : NULL, *at = NULL;
    if (a && x)
        json_object_update(a, x);
    if (a)
        at = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
    jz_err rc;
    if (!at || (before && !bt) || (extra && !x)) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    } else {
        char county[7] = "", entity[JZ_LOGIN_MAX + 8];
        if (strlen(after->scope) >= 6)
            memcpy(county, after->scope, 6);
        snprintf(entity, sizeof entity, "user:%s", after->login);
        rc = jz_store_audit(s, county, action, entity, bt ? bt : "", at, err);
    }
    free(bt);
    free(at);
    json_decref(a);
    json_decref(b);
    json_decref(x);
    return rc;
}

/* ---- managing users ------------------------------------------------------------------ */

typedef struct add_tx {
    jz_user *u;
    const char *hash;
} add_tx;

static jz_err add_in_tx(jz_store *s, void *arg, jz_error *err)
{
    add_tx *t = arg;
    jz_user old;
    jz_err rc = jz_store_user_get(s, t->u->login, &old, NULL, err);
    if (rc == JZ_OK)
        return jz_error_set(err, JZ_EINPUT, "login", t->u->login, "登录名已被使用");
    if (rc != JZ_ENOTFOUND)
        return rc;
    jz_error_clear(err);
    if ((rc = jz_store_user_insert(s, t->u, t->hash, err)))
        return rc;
    return jz__auth_audit(s, "user.add", NULL, t->u, NULL, err);
}

jz_err jz_user_add(jz_ctx *x, const jz_auth_params *p, const jz_user_new *rq, jz_user *out,
                   jz_error *err)
{
    jz_err rc;
    if ((rc = jz__auth_ready(err)) || (rc = jz__auth_params_check(p, err)) ||
        (rc = check_login(rq->login, err)) || (rc = check_name(rq->name, err)))
        return rc;
    if ((int)rq->role < 0 || rq->role >= JZ_ROLE_COUNT)
        return jz_error_set(err, JZ_EINPUT, "role", NULL, "未知角色");
    const char *scope = rq->scope ? rq->scope : "";
    if ((rc = check_scope(x->regions, rq->role, scope, err)))
        return rc;
    if (rq->role == JZ_ROLE_DEPT && (rq->dept < 0 || rq->dept >= JZ_DEPT_COUNT))
        return jz_error_set(err, JZ_EINPUT, "dept", NULL, "部门数据员须指定所在部门");
    if ((rc = jz_password_check(p, rq->login, rq->name, rq->password, err)))
        return rc;
    char hash[JZ_PWHASH_MAX];
    if ((rc = jz__auth_hash(p, rq->password, hash, err)))
        return rc;
    jz_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.login, sizeof u.login, "%s", rq->login);
    snprintf(u.name, sizeof u.name, "%s", rq->name);
    u.role = rq->role;
    snprintf(u.scope, sizeof u.scope, "%s", scope);
    u.dept = rq->role == JZ_ROLE_DEPT ? rq->dept : -1;
    u.active = true;
    u.created = (int64_t)time(NULL);
    u.password_changed = rq->temporary ? 0 : u.created;
    add_tx t = {&u, hash};
    rc = jz_store_run_as(x->store, x->actor, add_in_tx, &t, err);
    sodium_memzero(hash, sizeof hash);
    if (!rc && out)
        *out = u;
    return rc;
}

typedef struct passwd_tx {
    const char *login, *hash;
    int64_t now;
    bool temporary;
} passwd_tx;

static jz_err passwd_in_tx(jz_store *s, void *arg, jz_error *err)
{
    const passwd_tx *t = arg;
    jz_user before, u;
    int ended = 0;
    char extra[128];
    jz_err rc;
    if ((rc = jz_store_user_get(s, t->login, &before, NULL, err)))
        return rc;
    u = before;
    u.password_changed = t->temporary ? 0 : t->now;
    u.failures = 0; /* a new password set by an administrator also unlocks */
    u.locked_until = 0;
    if ((rc = jz_store_user_update(s, &u, t->hash, err)) ||
        (rc = jz_store_session_revoke(s, 0, u.id, t->now, "password", &ended, err)))
        return rc;
    snprintf(extra, sizeof extra,
             "{\"password_changed\":%lld,\"temporary\":%s,\"sessions_ended\":%d}",
             (long long)t->now, t->temporary ? "true" : "false", ended);
    return jz__auth_audit(s, "user.passwd", &before, &u, extra, err);
}

jz_err jz_user_passwd(jz_ctx *x, const jz_auth_params *p, const char *login, const char *password,
                      bool temporary, jz_error *err)
{
    jz_err rc;
    jz_user u;
    if ((rc = jz__auth_ready(err)) || (rc = jz__auth_params_check(p, err)) ||
        (rc = jz_user_get(x->store, login, &u, err)) ||
        (rc = jz_password_check(p, u.login, u.name, password, err)))
        return rc;
    char hash[JZ_PWHASH_MAX];
    if ((rc = jz__auth_hash(p, password, hash, err)))
        return rc;
    passwd_tx t = {login, hash, (int64_t)time(NULL), temporary};
    rc = jz_store_run_as(x->store, x->actor, passwd_in_tx, &t, err);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

jz_password_state jz_password_state_of(const jz_auth_params *p, const jz_user *u, int64_t now,
                                       int64_t *expires)
{
    *expires = 0;
    if (u->password_changed == 0)
        return JZ_PW_TEMPORARY;
    if (p->password_days <= 0)
        return JZ_PW_OK;
    *expires = u->password_changed + (int64_t)p->password_days * 86400;
    return now >= *expires ? JZ_PW_EXPIRED : JZ_PW_OK;
}

typedef struct active_tx {
    const char *login;
    bool enable;
    bool changed;
    int admins; /* active administrators other than the one disabled */
    int64_t skip_id;
} active_tx;

static void count_admin(const jz_user *u, void *arg)
{
    active_tx *t = arg;
    if (u->role == JZ_ROLE_ADMIN && u->active && u->id != t->skip_id)
        t->admins++;
}

static jz_err active_in_tx(jz_store *s, void *arg, jz_error *err)
{
    active_tx *t = arg;
    jz_user before, u;
    jz_err rc;
    t->changed = false;
    if ((rc = jz_user_get(s, t->login, &before, err)))
        return rc;
    if (before.active == t->enable) /* nothing to change */
        return JZ_OK;
    if (!t->enable && before.role == JZ_ROLE_ADMIN) {
        /* Nobody could manage users any more: a second administrator is
         * added first. */
        t->admins = 0;
        t->skip_id = before.id;
        if ((rc = jz_store_user_list(s, "", count_admin, t, err)))
            return rc;
        if (t->admins == 0)
            return jz_error_set(
                err, JZ_EINPUT, "login", before.login,
                "这是唯一在用的管理员，停用后将无人能管理用户：请先添加另一名管理员");
    }
    u = before;
    u.active = t->enable;
    int ended = 0;
    char extra[48];
    if ((rc = jz_store_user_update(s, &u, NULL, err)) ||
        (!t->enable &&
         (rc = jz_store_session_revoke(s, 0, u.id, (int64_t)time(NULL), "disabled", &ended, err))))
        return rc;
    snprintf(extra, sizeof extra, "{\"sessions_ended\":%d}", ended);
    t->changed = true;
    return jz__auth_audit(s, t->enable ? "user.enable" : "user.disable", &before, &u,
                          t->enable ? NULL : extra, err);
}

jz_err jz_user_set_active(jz_ctx *x, const char *login, bool enable, jz_error *err)
{
    active_tx t = {.login = login, .enable = enable};
    return jz_store_run_as(x->store, x->actor, active_in_tx, &t, err);
}

jz_err jz_user_get(jz_store *s, const char *login, jz_user *out, jz_error *err)
{
    jz_err rc = jz_store_user_get(s, login ? login : "", out, NULL, err);
    if (rc == JZ_ENOTFOUND)
        return jz_error_set(err, JZ_ENOTFOUND, "login", login, "没有这个用户");
    return rc;
}

jz_err jz_user_list(jz_store *s, const char *scope_prefix, void (*fn)(const jz_user *u, void *arg),
                    void *arg, jz_error *err)
{
    const char *prefix = scope_prefix ? scope_prefix : "";
    size_t n = strlen(prefix);
    if (n >= JZ_SCOPE_MAX || !all_digits(prefix, n))
        return jz_error_set(err, JZ_EINPUT, "scope", prefix,
                            "范围应为区划代码前缀（至多 12 位数字）");
    return jz_store_user_list(s, prefix, fn, arg, err);
}

bool jz__auth_has_idnum(const char *text)
{
    char buf[256];
    size_t n = strlen(text);
    if (n >= sizeof buf)
        return true; /* longer than anything the log keeps: refused anyway */
    memcpy(buf, text, n + 1);
    jz_idnum_mask_text(buf);
    return memcmp(buf, text, n) != 0;
}
