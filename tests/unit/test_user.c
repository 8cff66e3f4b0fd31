/*
 * test_user.c - users, logins, sessions and the access log (jz_user.h) on a
 * temporary SQLite store (or PostgreSQL database: store_where.h), with
 * libsodium's cheapest argon2id limits:
 *  - users added, read and listed by scope; refusals of a malformed or
 *    taken login, a scope that is no known region or does not suit the
 *    role, a 部门数据员 without a department, weak passwords (the password
 *    never in the error);
 *  - logging in: the same refusal for an unknown login and a wrong
 *    password; lockout after max_failures and unlock after lock_seconds;
 *    a success clears the count; passwords re-hashed to the deployment's
 *    limits;
 *  - sessions: found by their token, ended when idle, too old, logged out,
 *    the password changed or the user disabled; forged tokens refused; only
 *    the token's hash in the database file;
 *  - the CSRF token: stable, one per session token;
 *  - the access log: appended, listed by subject and by region, newest
 *    first, limited; ID numbers refused;
 *  - the audit log: every write there with its actor, no secret in it,
 *    sessions and the access log covered, session_seen not; the migration
 *    from schema 5; the parameters from the environment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "jiuzhu/jz_store_user.h"
#include "jiuzhu/jz_user.h"
#include "store_where.h"

jz_err jz__sqlite_create_at_version(const char *path, int version, jz_error *err);

static const char *root(void)
{
    const char *d = getenv("JZ_SOURCE_DIR");
    return d && d[0] ? d : JZ_SOURCE_DIR;
}

static char dir[64];
static jz_regions *regions;
static jz_auth_params fast;

#define T0 INT64_C(1750000000) /* 2025-06-15 */

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/jz-user-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    unsetenv("JIUZHU_AUDIT_KEY");
    char path[4096];
    jz_error err;
    snprintf(path, sizeof path, "%s/policy/regions/shanxi-regions.csv", root());
    if (jz_regions_load(path, &regions, &err))
        return -1;
    jz_auth_params_default(&fast);
    fast.ops_limit = crypto_pwhash_OPSLIMIT_MIN;
    fast.mem_limit = crypto_pwhash_MEMLIMIT_MIN;
    return sodium_init() < 0 ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return -1;
    jz_regions_free(regions);
    return 0;
}

static void path_of(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

/* A fresh store and the context of an administrator working on it. */
static jz_store *fresh(const char *name, jz_ctx *x)
{
    char path[256];
    path_of(path, sizeof path, name);
    jz_store *s = NULL;
    jz_error err;
    assert_int_equal(jz_store_open(jz_test_where(path), JZ_STORE_CREATE, &s, &err), JZ_OK);
    memset(x, 0, sizeof *x);
    x->store = s;
    x->regions = regions;
    snprintf(x->actor, sizeof x->actor, "测试管理员");
    return s;
}

static jz_err add(jz_ctx *x, const char *login, const char *name, jz_role role, const char *scope,
                  int dept, const char *password, jz_error *err)
{
    jz_user_new rq = {.login = login,
                      .name = name,
                      .role = role,
                      .scope = scope,
                      .dept = dept,
                      .password = password};
    jz_user u;
    jz_error_clear(err);
    return jz_user_add(x, &fast, &rq, &u, err);
}

static void add_ok(jz_ctx *x, const char *login, const char *name, jz_role role, const char *scope,
                   int dept, const char *password)
{
    jz_error err;
    jz_err rc = add(x, login, name, role, scope, dept, password, &err);
    if (rc)
        fail_msg("%s: %s %s", login, err.field, err.reason);
}

typedef struct names {
    char s[16][JZ_LOGIN_MAX];
    int n;
} names;

static void collect(const jz_user *u, void *arg)
{
    names *ns = arg;
    if (ns->n < 16)
        snprintf(ns->s[ns->n++], JZ_LOGIN_MAX, "%s", u->login);
}

static names list(jz_store *s, const char *prefix)
{
    names ns = {.n = 0};
    jz_error err;
    assert_int_equal(jz_user_list(s, prefix, collect, &ns, &err), JZ_OK);
    return ns;
}

static void verifies_clean(jz_store *s)
{
    jz_audit_report rep;
    jz_error err;
    assert_int_equal(jz_store_audit_verify(s, &rep, &err), JZ_OK);
    if (rep.bad_seq || rep.data_problems)
        fprintf(stderr, "audit: %s\n%s", rep.problem, rep.data);
    assert_int_equal(rep.bad_seq, 0);
    assert_int_equal(rep.data_problems, 0);
}

/* ---- users ------------------------------------------------------------------------ */

static void users_added_and_listed(void **state)
{
    (void)state;
    jz_ctx x;
    jz_store *s = fresh("u1.db", &x);
    add_ok(&x, "admin", "张丽", JZ_ROLE_ADMIN, "", -1, "Gx9-correct-horse");
    add_ok(&x, "analyst.sx", "王析", JZ_ROLE_ANALYST, "14", -1, "Gx9-correct-horse");
    add_ok(&x, "city.jz", "晋中员", JZ_ROLE_AUDITOR, "1407", -1, "Gx9-correct-horse");
    add_ok(&x, "rev-xf", "李审", JZ_ROLE_REVIEWER, "140902", -1, "Gx9-correct-horse");
    add_ok(&x, "cw_1", "赵办", JZ_ROLE_CASEWORKER, "140902101", -1, "Gx9-correct-horse");
    add_ok(&x, "vill4ge", "孙协", JZ_ROLE_ASSISTANT, "140902101201", -1, "Gx9-correct-horse");
    add_ok(&x, "med1", "周医", JZ_ROLE_DEPT, "", JZ_DEPT_MEDICAL, "Gx9-correct-horse");
    /* A department ignored for other roles. */
    add_ok(&x, "an2", "钱析", JZ_ROLE_ANALYST, "", JZ_DEPT_BANK, "Gx9-correct-horse");

    jz_user u;
    jz_error err;
    assert_int_equal(jz_user_get(s, "rev-xf", &u, &err), JZ_OK);
    assert_string_equal(u.name, "李审");
    assert_int_equal(u.role, JZ_ROLE_REVIEWER);
    assert_string_equal(u.scope, "140902");
    assert_int_equal(u.dept, -1);
    assert_true(u.active);
    assert_int_equal(u.failures, 0);
    assert_int_equal(u.locked_until, 0);
    assert_true(u.created > 0 && u.password_changed == u.created);
    assert_int_equal(jz_user_get(s, "med1", &u, &err), JZ_OK);
    assert_int_equal(u.dept, JZ_DEPT_MEDICAL);
    assert_int_equal(jz_user_get(s, "an2", &u, &err), JZ_OK);
    assert_int_equal(u.dept, -1);
    assert_int_equal(jz_user_get(s, "nobody", &u, &err), JZ_ENOTFOUND);
    assert_string_equal(err.value, "nobody");

    names all = list(s, "");
    assert_int_equal(all.n, 8);
    const char *sorted[] = {"admin", "an2",  "analyst.sx", "city.jz",
                            "cw_1",  "med1", "rev-xf",     "vill4ge"};
    for (int i = 0; i < 8; i++)
        assert_string_equal(all.s[i], sorted[i]);
    names county = list(s, "140902");
    assert_int_equal(county.n, 3);
    assert_string_equal(county.s[0], "cw_1");
    assert_string_equal(county.s[1], "rev-xf");
    assert_string_equal(county.s[2], "vill4ge");
    names prov = list(s, "14");
    assert_int_equal(prov.n, 5); /* analyst.sx, city.jz and the three of 140902 */
    assert_int_equal(list(s, "1407").n, 1);
    assert_int_equal(list(s, "140902101201").n, 1);
    assert_int_equal(list(s, "1401").n, 0);
    assert_int_equal(jz_user_list(s, "14x", collect, &all, &err), JZ_EINPUT);

    /* Every add in the audit log, by the administrator, and no password. */
    verifies_clean(s);
    jz_store_close(s);
    if (jz_test_on_pg())
        skip(); /* what follows reads the SQLite file */
    char path[256];
    path_of(path, sizeof path, "u1.db");
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*), min(actor), max(actor),"
                                        " sum(after LIKE '%horse%' OR after LIKE '%argon%')"
                                        " FROM audit WHERE action = 'user.add'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 8);
    assert_string_equal((const char *)sqlite3_column_text(st, 1), "测试管理员");
    assert_string_equal((const char *)sqlite3_column_text(st, 2), "测试管理员");
    assert_int_equal(sqlite3_column_int(st, 3), 0);
    sqlite3_finalize(st);
    /* The stored hash is argon2id, not the password. */
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT password_hash FROM users WHERE login = 'admin'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_non_null(strstr((const char *)sqlite3_column_text(st, 0), "$argon2id$"));
    assert_null(strstr((const char *)sqlite3_column_text(st, 0), "horse"));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void expect_refused(jz_ctx *x, const char *login, const char *name, jz_role role,
                           const char *scope, int dept, const char *password, const char *field,
                           const char *reason)
{
    jz_error err;
    assert_int_equal(add(x, login, name, role, scope, dept, password, &err), JZ_EINPUT);
    assert_string_equal(err.field, field);
    if (!strstr(err.reason, reason))
        fail_msg("%s: wanted '%s' in '%s'", login, reason, err.reason);
    /* The password is never in the error. */
    char line[1024];
    jz_error_format(&err, line, sizeof line);
    if (password[0])
        assert_null(strstr(line, password));
}

static void users_refused(void **state)
{
    (void)state;
    jz_ctx x;
    jz_store *s = fresh("u2.db", &x);
    const char *pw = "Gx9-correct-horse";
    add_ok(&x, "taken", "甲", JZ_ROLE_ADMIN, "", -1, pw);
    /* Logins. */
    const char *logins[] = {
        "ab", "Admin", ".dot", "-dash", "has space", "名字", "a23456789012345678901234567890123"};
    for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++)
        expect_refused(&x, logins[i], "乙", JZ_ROLE_ADMIN, "", -1, pw, "login", "登录名应为");
    add_ok(&x, "a2345678901234567890123456789012", "乙", JZ_ROLE_ADMIN, "", -1, pw); /* 32 */
    expect_refused(&x, "taken", "乙", JZ_ROLE_ADMIN, "", -1, pw, "login", "登录名已被使用");
    expect_refused(&x, "noname", "", JZ_ROLE_ADMIN, "", -1, pw, "name", "姓名不能为空");
    expect_refused(&x, "badname", "a\tb", JZ_ROLE_ADMIN, "", -1, pw, "name", "控制字符");
    /* Scopes that do not suit the role. */
    expect_refused(&x, "rev1", "乙", JZ_ROLE_REVIEWER, "140902101", -1, pw, "scope",
                   "县级审核员的范围应为一个县");
    expect_refused(&x, "rev2", "乙", JZ_ROLE_REVIEWER, "", -1, pw, "scope", "一个县");
    expect_refused(&x, "cw1", "乙", JZ_ROLE_CASEWORKER, "140902", -1, pw, "scope", "一个乡镇");
    expect_refused(&x, "as1", "乙", JZ_ROLE_ASSISTANT, "140902101", -1, pw, "scope", "一个村");
    expect_refused(&x, "an1", "乙", JZ_ROLE_ANALYST, "140902101", -1, pw, "scope", "2、4、6 位");
    expect_refused(&x, "adm1", "乙", JZ_ROLE_ADMIN, "140902101201", -1, pw, "scope", "2、4、6 位");
    /* Scopes that are no region. */
    expect_refused(&x, "sh1", "乙", JZ_ROLE_ADMIN, "1409x2", -1, pw, "scope", "区划代码前缀");
    expect_refused(&x, "sh2", "乙", JZ_ROLE_ADMIN, "140", -1, pw, "scope", "区划代码前缀");
    expect_refused(&x, "un1", "乙", JZ_ROLE_REVIEWER, "149999", -1, pw, "scope", "不在区划表中");
    expect_refused(&x, "un2", "乙", JZ_ROLE_AUDITOR, "1499", -1, pw, "scope", "不在区划表中");
    expect_refused(&x, "un3", "乙", JZ_ROLE_AUDITOR, "11", -1, pw, "scope", "不在区划表中");
    expect_refused(&x, "un4", "乙", JZ_ROLE_CASEWORKER, "140902999", -1, pw, "scope",
                   "不在区划表中");
    expect_refused(&x, "un5", "乙", JZ_ROLE_ASSISTANT, "149999101201", -1, pw, "scope",
                   "不在区划表中");
    /* A 部门数据员 needs his department. */
    expect_refused(&x, "dep1", "乙", JZ_ROLE_DEPT, "14", -1, pw, "dept", "部门");
    /* Weak passwords. */
    expect_refused(&x, "weak1", "乙", JZ_ROLE_ADMIN, "", -1, "Sh0rt-pw", "password", "至少 10");
    expect_refused(&x, "weak1", "乙", JZ_ROLE_ADMIN, "", -1, "", "password", "不能为空");
    expect_refused(&x, "weak1", "乙", JZ_ROLE_ADMIN, "", -1, "xx-WEAK1-2024", "password",
                   "不能包含登录名");
    expect_refused(&x, "weak2", "张伟", JZ_ROLE_ADMIN, "", -1, "我是张伟123456", "password",
                   "不能包含姓名");
    expect_refused(&x, "weak3", "Li Na", JZ_ROLE_ADMIN, "", -1, "hello-li na-2024", "password",
                   "不能包含姓名");
    expect_refused(&x, "weak4", "乙", JZ_ROLE_ADMIN, "", -1, "aaaaaaaaaaaa", "password",
                   "同一个字符");
    expect_refused(&x, "weak5", "乙", JZ_ROLE_ADMIN, "", -1, "好好好好好好好好好好", "password",
                   "同一个字符");
    expect_refused(&x, "weak6", "乙", JZ_ROLE_ADMIN, "", -1, "tab\there-is-long", "password",
                   "控制字符");
    /* Ten Chinese characters are ten characters, not thirty bytes: */
    add_ok(&x, "cn.pw", "乙", JZ_ROLE_ADMIN, "", -1, "春眠不觉晓处处闻啼鸟");
    expect_refused(&x, "cn.pw2", "乙", JZ_ROLE_ADMIN, "", -1, "春眠不觉晓处处闻啼", "password",
                   "至少 10");
    /* Nothing refused was stored. */
    assert_int_equal(list(s, "").n, 3);
    jz_store_close(s);
}

static void roles_by_name(void **state)
{
    (void)state;
    jz_role r;
    jz_error err;
    for (int i = 0; i < JZ_ROLE_COUNT; i++) {
        assert_int_equal(jz_role_parse(jz_role_name[i], &r, &err), JZ_OK);
        assert_int_equal(r, i);
        assert_int_equal(jz_role_parse(jz_role_zh[i], &r, &err), JZ_OK);
        assert_int_equal(r, i);
    }
    assert_int_equal(jz_role_parse("root", &r, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "caseworker（乡镇经办员）"));
    assert_int_equal(jz_role_parse(NULL, &r, &err), JZ_EINPUT);
    assert_string_equal(jz_role_zh[JZ_ROLE_DEPT], "部门数据员");
}

/* ---- logging in -------------------------------------------------------------------- */

static void login_and_lockout(void **state)
{
    (void)state;
    jz_ctx x;
    jz_store *s = fresh("u3.db", &x);
    const char *pw = "Gx9-correct-horse";
    add_ok(&x, "zhang", "张三", JZ_ROLE_CASEWORKER, "140902101", -1, pw);
    jz_store_set_actor(s, "server");
    jz_auth_params p = fast;
    p.max_failures = 3;
    p.lock_seconds = 900;
    jz_session ss;
    jz_error err, e_unknown, e_wrong;
    assert_int_equal(jz_auth_login(s, &p, "zhang", pw, T0, &ss, &err), JZ_OK);
    assert_string_equal(jz_store_actor(s), "server"); /* put back */
    assert_int_equal(strlen(ss.token), JZ_TOKEN_TEXT - 1);
    assert_int_equal(strlen(ss.csrf), JZ_TOKEN_TEXT - 1);
    assert_string_not_equal(ss.token, ss.csrf);
    assert_string_equal(ss.user.login, "zhang");
    assert_int_equal(ss.user.role, JZ_ROLE_CASEWORKER);
    assert_int_equal(ss.created, T0);
    assert_int_equal(ss.expires, T0 + p.idle_seconds);
    assert_true(ss.id > 0);

    /* An unknown login and a wrong password: one answer. */
    assert_int_equal(jz_auth_login(s, &p, "nobody", pw, T0, &ss, &e_unknown), JZ_EAUTH);
    assert_int_equal(jz_auth_login(s, &p, "zhang", "Wrong-password-1", T0, &ss, &e_wrong),
                     JZ_EAUTH);
    assert_string_equal(e_unknown.reason, e_wrong.reason);
    assert_string_equal(e_unknown.field, e_wrong.field);
    assert_int_equal(ss.token[0], '\0');
    jz_user u;
    assert_int_equal(jz_user_get(s, "zhang", &u, &err), JZ_OK);
    assert_int_equal(u.failures, 1);
    /* A success clears the count. */
    assert_int_equal(jz_auth_login(s, &p, "zhang", pw, T0 + 1, &ss, &err), JZ_OK);
    assert_int_equal(jz_user_get(s, "zhang", &u, &err), JZ_OK);
    assert_int_equal(u.failures, 0);

    /* Three wrong in a row lock for 900 s, even the right password. */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(jz_auth_login(s, &p, "zhang", "Wrong-password-1", T0 + 10 + i, &ss, &err),
                         JZ_EAUTH);
        assert_string_equal(err.reason, e_unknown.reason);
    }
    assert_int_equal(jz_user_get(s, "zhang", &u, &err), JZ_OK);
    assert_int_equal(u.failures, 3);
    assert_int_equal(u.locked_until, T0 + 12 + 900);
    assert_int_equal(jz_auth_login(s, &p, "zhang", pw, T0 + 100, &ss, &err), JZ_EAUTH);
    assert_non_null(strstr(err.reason, "已锁定至"));
    assert_int_equal(jz_auth_login(s, &p, "zhang", pw, T0 + 12 + 899, &ss, &err), JZ_EAUTH);
    /* A refusal while locked counts nothing. */
    assert_int_equal(jz_user_get(s, "zhang", &u, &err), JZ_OK);
    assert_int_equal(u.failures, 3);
    /* Unlocked when the time is up. */
    assert_int_equal(jz_auth_login(s, &p, "zhang", pw, T0 + 12 + 900, &ss, &err), JZ_OK);
    assert_int_equal(jz_user_get(s, "zhang", &u, &err), JZ_OK);
    assert_int_equal(u.failures, 0);
    assert_int_equal(u.locked_until, 0);
    /* The count again from zero: two wrong do not lock, a third does. */
    for (int i = 0; i < 2; i++)
        assert_int_equal(jz_auth_login(s, &p, "zhang", "nope-nope-nope", T0 + 2000, &ss, &err),
                         JZ_EAUTH);
    assert_int_equal(jz_auth_login(s, &p, "zhang", pw, T0 + 2001, &ss, &err), JZ_OK);

    /* The audit log has every failure and login, as the user. */
    verifies_clean(s);
    jz_store_close(s);
    if (jz_test_on_pg())
        skip(); /* what follows reads the SQLite file */
    char path[256];
    path_of(path, sizeof path, "u3.db");
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT action, count(*), min(actor), max(actor) FROM audit"
                                        " WHERE action LIKE 'user.login%' GROUP BY action"
                                        " ORDER BY action",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "user.login");
    assert_int_equal(sqlite3_column_int(st, 1), 4);
    assert_string_equal((const char *)sqlite3_column_text(st, 2), "zhang");
    assert_string_equal((const char *)sqlite3_column_text(st, 3), "zhang");
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "user.login_failed");
    assert_int_equal(sqlite3_column_int(st, 1), 6);
    assert_string_equal((const char *)sqlite3_column_text(st, 2), "zhang");
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    /* The unknown login wrote nothing. */
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT count(*) FROM audit WHERE actor = 'nobody'", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void password_rehashed(void **state)
{
    (void)state;
    jz_ctx x;
    jz_store *s = fresh("u4.db", &x);
    const char *pw = "Gx9-correct-horse";
    add_ok(&x, "lisi", "李四", JZ_ROLE_ADMIN, "", -1, pw);
    char before[JZ_PWHASH_MAX], after[JZ_PWHASH_MAX];
    jz_user u;
    jz_error err;
    assert_int_equal(jz_store_user_get(s, "lisi", &u, before, &err), JZ_OK);
    jz_auth_params stronger = fast;
    stronger.ops_limit = fast.ops_limit + 1;
    jz_session ss;
    assert_int_equal(jz_auth_login(s, &stronger, "lisi", pw, T0, &ss, &err), JZ_OK);
    assert_int_equal(jz_store_user_get(s, "lisi", &u, after, &err), JZ_OK);
    assert_string_not_equal(before, after);
    assert_int_equal(crypto_pwhash_str_needs_rehash(after, stronger.ops_limit, stronger.mem_limit),
                     0);
    assert_int_equal(jz_auth_login(s, &stronger, "lisi", pw, T0 + 1, &ss, &err), JZ_OK);
    assert_int_equal(jz_store_user_get(s, "lisi", &u, before, &err), JZ_OK);
    assert_string_equal(before, after); /* no second re-hash */
    jz_store_close(s);
}

/* ---- sessions ---------------------------------------------------------------------- */

static void sessions_end(void **state)
{
    (void)state;
    jz_ctx x;
    jz_store *s = fresh("u5.db", &x);
    const char *pw = "Gx9-correct-horse";
    add_ok(&x, "wang", "王五", JZ_ROLE_REVIEWER, "140902", -1, pw);
    jz_auth_params p = fast;
    p.idle_seconds = 600;
    p.absolute_seconds = 1500;
    jz_session a, got;
    jz_error err;
    assert_int_equal(jz_auth_login(s, &p, "wang", pw, T0, &a, &err), JZ_OK);

    /* Found by its token; the token is not given back, the CSRF token is. */
    assert_int_equal(jz_auth_session(s, &p, a.token, T0 + 30, &got, &err), JZ_OK);
    assert_int_equal(got.id, a.id);
    assert_string_equal(got.token, "");
    assert_string_equal(got.csrf, a.csrf);
    assert_string_equal(got.user.login, "wang");
    assert_int_equal(got.created, T0);
    assert_int_equal(got.last_seen, T0); /* under a minute: not written */
    assert_int_equal(got.expires, T0 + 600);
    /* Used within the idle time, it lives on from its last use... */
    assert_int_equal(jz_auth_session(s, &p, a.token, T0 + 599, &got, &err), JZ_OK);
    assert_int_equal(got.last_seen, T0 + 599);
    assert_int_equal(got.expires, T0 + 1199);
    assert_int_equal(jz_auth_session(s, &p, a.token, T0 + 1198, &got, &err), JZ_OK);
    assert_int_equal(got.expires, T0 + 1500); /* the nearer end: its age */
    /* ... until it is too old. */
    assert_int_equal(jz_auth_session(s, &p, a.token, T0 + 1500, &got, &err), JZ_EAUTH);
    assert_non_null(strstr(err.reason, "最长时限"));

    /* Idle too long. */
    assert_int_equal(jz_auth_login(s, &p, "wang", pw, T0, &a, &err), JZ_OK);
    assert_int_equal(jz_auth_session(s, &p, a.token, T0 + 100, &got, &err), JZ_OK);
    assert_int_equal(jz_auth_session(s, &p, a.token, T0 + 699, &got, &err), JZ_OK);
    assert_int_equal(jz_auth_session(s, &p, a.token, T0 + 699 + 600, &got, &err), JZ_EAUTH);
    assert_non_null(strstr(err.reason, "闲置"));

    /* Logged out. */
    assert_int_equal(jz_auth_login(s, &p, "wang", pw, T0, &a, &err), JZ_OK);
    assert_int_equal(jz_auth_logout(s, a.token, T0 + 5, &err), JZ_OK);
    assert_int_equal(jz_auth_session(s, &p, a.token, T0 + 6, &got, &err), JZ_EAUTH);
    assert_non_null(strstr(err.reason, "已退出登录"));
    assert_int_equal(jz_auth_logout(s, a.token, T0 + 7, &err), JZ_OK); /* again: nothing */
    assert_int_equal(jz_auth_logout(s, "not-a-token", T0 + 7, &err), JZ_OK);
    assert_int_equal(jz_auth_logout(s, NULL, T0 + 7, &err), JZ_OK);

    /* A new password ends every session, and the old password is refused. */
    jz_session b, c;
    assert_int_equal(jz_auth_login(s, &p, "wang", pw, T0, &b, &err), JZ_OK);
    assert_int_equal(jz_auth_login(s, &p, "wang", pw, T0, &c, &err), JZ_OK);
    assert_string_not_equal(b.token, c.token);
    const char *pw2 = "New-battery-staple-7";
    assert_int_equal(jz_user_passwd(&x, &p, "wang", pw2, false, &err), JZ_OK);
    assert_int_equal(jz_auth_session(s, &p, b.token, T0 + 1, &got, &err), JZ_EAUTH);
    assert_non_null(strstr(err.reason, "密码已更改"));
    assert_int_equal(jz_auth_session(s, &p, c.token, T0 + 1, &got, &err), JZ_EAUTH);
    assert_int_equal(jz_auth_login(s, &p, "wang", pw, T0 + 2, &a, &err), JZ_EAUTH);
    assert_int_equal(jz_auth_login(s, &p, "wang", pw2, T0 + 2, &a, &err), JZ_OK);
    /* Chosen by the user: good for password_days from the change, then
     * expired; a reset by an administrator must be changed at once. */
    jz_user w;
    int64_t until = 1;
    assert_int_equal(jz_user_get(s, "wang", &w, &err), JZ_OK);
    assert_true(w.password_changed > 0);
    assert_int_equal(jz_password_state_of(&p, &w, w.password_changed + 60, &until), JZ_PW_OK);
    assert_int_equal(until, w.password_changed + (int64_t)p.password_days * 86400);
    assert_int_equal(jz_password_state_of(&p, &w, until - 1, &until), JZ_PW_OK);
    assert_int_equal(jz_password_state_of(&p, &w, until, &until), JZ_PW_EXPIRED);
    jz_auth_params never = p;
    never.password_days = 0;
    assert_int_equal(jz_password_state_of(&never, &w, until + 86400 * 3650LL, &until), JZ_PW_OK);
    assert_int_equal(until, 0);
    assert_int_equal(jz_user_passwd(&x, &p, "wang", "Reset-by-the-admin-3", true, &err), JZ_OK);
    assert_int_equal(jz_user_get(s, "wang", &w, &err), JZ_OK);
    assert_int_equal(w.password_changed, 0);
    assert_int_equal(jz_password_state_of(&p, &w, T0, &until), JZ_PW_TEMPORARY);
    /* He logs in with it (the server lets him only change it), and his own
     * choice makes it good again. */
    assert_int_equal(jz_auth_login(s, &p, "wang", "Reset-by-the-admin-3", T0 + 2, &a, &err), JZ_OK);
    assert_int_equal(jz_user_passwd(&x, &p, "wang", pw2, false, &err), JZ_OK);
    assert_int_equal(jz_user_get(s, "wang", &w, &err), JZ_OK);
    assert_int_equal(jz_password_state_of(&p, &w, w.password_changed, &until), JZ_PW_OK);
    assert_int_equal(jz_auth_login(s, &p, "wang", pw2, T0 + 2, &a, &err), JZ_OK);
    /* A new password is checked like the first. */
    assert_int_equal(jz_user_passwd(&x, &p, "wang", "wang-wang-wang", false, &err), JZ_EINPUT);
    assert_int_equal(jz_user_passwd(&x, &p, "nobody", pw2, false, &err), JZ_ENOTFOUND);

    /* Disabled: his sessions end at once and he cannot log in. */
    assert_int_equal(jz_user_set_active(&x, "wang", false, &err), JZ_OK);
    assert_int_equal(jz_auth_session(s, &p, a.token, T0 + 3, &got, &err), JZ_EAUTH);
    assert_int_equal(jz_auth_login(s, &p, "wang", pw2, T0 + 4, &b, &err), JZ_EAUTH);
    assert_non_null(strstr(err.reason, "停用"));
    /* With a wrong password a disabled account answers as any other. */
    jz_error e_unknown;
    assert_int_equal(jz_auth_login(s, &p, "wang", "Wrong-password-9", T0 + 4, &b, &err), JZ_EAUTH);
    assert_int_equal(jz_auth_login(s, &p, "ghost", "Wrong-password-9", T0 + 4, &b, &e_unknown),
                     JZ_EAUTH);
    assert_string_equal(err.reason, e_unknown.reason);
    assert_int_equal(jz_user_set_active(&x, "wang", false, &err), JZ_OK); /* no change */
    assert_int_equal(jz_user_set_active(&x, "wang", true, &err), JZ_OK);
    assert_int_equal(jz_auth_session(s, &p, a.token, T0 + 5, &got, &err), JZ_EAUTH); /* ended */
    assert_int_equal(jz_auth_login(s, &p, "wang", pw2, T0 + 5, &b, &err), JZ_OK);
    assert_int_equal(jz_auth_session(s, &p, b.token, T0 + 6, &got, &err), JZ_OK);
    assert_int_equal(jz_user_set_active(&x, "nobody", true, &err), JZ_ENOTFOUND);
    verifies_clean(s);
    jz_store_close(s);
}

/* The last active administrator cannot be disabled: nobody could manage
 * users after. */
static void last_admin_stays(void **state)
{
    (void)state;
    jz_ctx x;
    jz_store *s = fresh("u_admin.db", &x);
    jz_error err;
    const char *pw = "Gx9-correct-horse";
    add_ok(&x, "root1", "张丽", JZ_ROLE_ADMIN, "", -1, pw);
    add_ok(&x, "case1", "王伟", JZ_ROLE_CASEWORKER, "140902101", -1, pw);
    jz_error_clear(&err);
    assert_int_equal(jz_user_set_active(&x, "root1", false, &err), JZ_EINPUT);
    assert_string_equal(err.field, "login");
    assert_non_null(strstr(err.reason, "唯一在用的管理员"));
    jz_user u;
    assert_int_equal(jz_user_get(s, "root1", &u, &err), JZ_OK);
    assert_true(u.active);
    add_ok(&x, "root2", "李强", JZ_ROLE_ADMIN, "", -1, pw);
    assert_int_equal(jz_user_set_active(&x, "root1", false, &err), JZ_OK);
    /* Now root2 is the last one. */
    assert_int_equal(jz_user_set_active(&x, "root2", false, &err), JZ_EINPUT);
    assert_int_equal(jz_user_set_active(&x, "case1", false, &err), JZ_OK);
    assert_int_equal(jz_user_set_active(&x, "root1", true, &err), JZ_OK);
    assert_int_equal(jz_user_set_active(&x, "root2", false, &err), JZ_OK);
    verifies_clean(s);
    jz_store_close(s);
}

static int count_rows(const char *file, const char *sql)
{
    char path[256];
    path_of(path, sizeof path, file);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Old sessions are deleted; one that could still be used never is. */
static void sessions_purged(void **state)
{
    (void)state;
    jz_ctx x;
    jz_store *s = fresh("u_purge.db", &x);
    const char *pw = "Gx9-correct-horse";
    add_ok(&x, "wang", "王五", JZ_ROLE_REVIEWER, "140902", -1, pw);
    jz_auth_params p = fast;
    p.idle_seconds = 1800;
    p.absolute_seconds = 43200;
    jz_error err;
    const int64_t day = 86400;
    jz_session old_out, old_idle, recent, live;
    /* Day 0: one logs out at once; one is left to expire. */
    assert_int_equal(jz_auth_login(s, &p, "wang", pw, T0, &old_out, &err), JZ_OK);
    assert_int_equal(jz_auth_logout(s, old_out.token, T0 + 60, &err), JZ_OK);
    assert_int_equal(jz_auth_login(s, &p, "wang", pw, T0, &old_idle, &err), JZ_OK);
    /* Day 95: one used and left; day 100: one in use now. */
    assert_int_equal(jz_auth_login(s, &p, "wang", pw, T0 + 95 * day, &recent, &err), JZ_OK);
    assert_int_equal(jz_auth_login(s, &p, "wang", pw, T0 + 100 * day - 600, &live, &err), JZ_OK);
    jz_session got;
    assert_int_equal(jz_auth_session(s, &p, live.token, T0 + 100 * day, &got, &err), JZ_OK);
    int n = -1;
    assert_int_equal(jz_auth_purge(s, &p, T0 + 100 * day, 90, &n, &err), JZ_OK);
    assert_int_equal(n, 2);
    if (!jz_test_on_pg()) /* the SQLite file read directly */
        assert_int_equal(count_rows("u_purge.db", "SELECT count(*) FROM sessions"), 2);
    assert_int_equal(jz_auth_session(s, &p, live.token, T0 + 100 * day + 1, &got, &err), JZ_OK);
    /* Keeping one day still keeps what could be used: 12 hours at least. */
    assert_int_equal(jz_auth_purge(s, &p, T0 + 100 * day, 1, &n, &err), JZ_OK);
    assert_int_equal(n, 1); /* day 95's */
    assert_int_equal(jz_auth_session(s, &p, live.token, T0 + 100 * day + 2, &got, &err), JZ_OK);
    assert_int_equal(jz_auth_purge(s, &p, T0, 0, &n, &err), JZ_EINPUT);
    assert_string_equal(err.field, "days");
    verifies_clean(s);
    jz_store_close(s);
    if (jz_test_on_pg())
        skip(); /* what follows reads the SQLite file */
    assert_int_equal(
        count_rows("u_purge.db", "SELECT count(*) FROM audit WHERE actor = '会话清理'"), 2);
}

static void forged_tokens(void **state)
{
    (void)state;
    jz_ctx x;
    jz_store *s = fresh("u6.db", &x);
    const char *pw = "Gx9-correct-horse";
    add_ok(&x, "zhao", "赵六", JZ_ROLE_ADMIN, "", -1, pw);
    jz_session a, got;
    jz_error err;
    assert_int_equal(jz_auth_login(s, &fast, "zhao", pw, T0, &a, &err), JZ_OK);
    char tok[JZ_TOKEN_TEXT + 8];
    /* Random, well-formed: unknown. */
    for (int i = 0; i < 8; i++) {
        unsigned char raw[32];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2base64(tok, JZ_TOKEN_TEXT, raw, sizeof raw,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        assert_int_equal(jz_auth_session(s, &fast, tok, T0 + 1, &got, &err), JZ_EAUTH);
    }
    /* One character changed. */
    snprintf(tok, sizeof tok, "%s", a.token);
    tok[10] = tok[10] == 'A' ? 'B' : 'A';
    assert_int_equal(jz_auth_session(s, &fast, tok, T0 + 1, &got, &err), JZ_EAUTH);
    /* Too short, too long, padded, other alphabets, empty, NULL. */
    snprintf(tok, sizeof tok, "%.42s", a.token);
    assert_int_equal(jz_auth_session(s, &fast, tok, T0 + 1, &got, &err), JZ_EAUTH);
    snprintf(tok, sizeof tok, "%sA", a.token);
    assert_int_equal(jz_auth_session(s, &fast, tok, T0 + 1, &got, &err), JZ_EAUTH);
    snprintf(tok, sizeof tok, "%s=", a.token);
    assert_int_equal(jz_auth_session(s, &fast, tok, T0 + 1, &got, &err), JZ_EAUTH);
    snprintf(tok, sizeof tok, "%s", a.token);
    tok[5] = '+';
    assert_int_equal(jz_auth_session(s, &fast, tok, T0 + 1, &got, &err), JZ_EAUTH);
    tok[5] = '!';
    assert_int_equal(jz_auth_session(s, &fast, tok, T0 + 1, &got, &err), JZ_EAUTH);
    assert_int_equal(jz_auth_session(s, &fast, "", T0 + 1, &got, &err), JZ_EAUTH);
    assert_int_equal(jz_auth_session(s, &fast, NULL, T0 + 1, &got, &err), JZ_EAUTH);
    /* The CSRF token opens nothing. */
    assert_int_equal(jz_auth_session(s, &fast, a.csrf, T0 + 1, &got, &err), JZ_EAUTH);
    /* The real one still works. */
    assert_int_equal(jz_auth_session(s, &fast, a.token, T0 + 1, &got, &err), JZ_OK);
    jz_store_close(s);
}

/* Whether the file holds the bytes. */
static bool file_has(const char *path, const void *what, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    size_t got = fread(buf, 1, (size_t)size, f);
    fclose(f);
    bool found = false;
    for (size_t i = 0; !found && i + n <= got; i++)
        found = memcmp(buf + i, what, n) == 0;
    free(buf);
    return found;
}

static bool db_has(const char *path, const void *what, size_t n)
{
    char wal[300];
    snprintf(wal, sizeof wal, "%s-wal", path);
    return file_has(path, what, n) || file_has(wal, what, n);
}

static void only_the_hash_is_stored(void **state)
{
    (void)state;
    if (jz_test_on_pg())
        skip(); /* the SQLite file's bytes */
    jz_ctx x;
    jz_store *s = fresh("u7.db", &x);
    const char *pw = "Gx9-correct-horse";
    add_ok(&x, "qian", "钱七", JZ_ROLE_ADMIN, "", -1, pw);
    jz_session a;
    jz_error err;
    assert_int_equal(jz_auth_login(s, &fast, "qian", pw, T0, &a, &err), JZ_OK);
    assert_int_equal(jz_auth_logout(s, a.token, T0 + 100, &err), JZ_OK);
    assert_int_equal(jz_auth_login(s, &fast, "qian", pw, T0 + 200, &a, &err), JZ_OK);
    jz_session got;
    assert_int_equal(jz_auth_session(s, &fast, a.token, T0 + 400, &got, &err), JZ_OK);
    unsigned char raw[32], hash[32];
    size_t len = 0;
    assert_int_equal(sodium_base642bin(raw, sizeof raw, a.token, strlen(a.token), NULL, &len, NULL,
                                       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     0);
    assert_int_equal(len, 32);
    crypto_generichash(hash, sizeof hash, raw, sizeof raw, NULL, 0);
    char path[256];
    path_of(path, sizeof path, "u7.db");
    /* While open (the WAL), and after the store is closed (checkpointed). */
    for (int round = 0; round < 2; round++) {
        assert_true(db_has(path, hash, sizeof hash)); /* the search finds what is there */
        assert_true(db_has(path, "qian", 4));
        assert_false(db_has(path, a.token, strlen(a.token)));
        assert_false(db_has(path, raw, sizeof raw));
        assert_false(db_has(path, a.csrf, strlen(a.csrf)));
        assert_false(db_has(path, pw, strlen(pw)));
        if (round == 0)
            jz_store_close(s);
    }
}

static void csrf_tokens(void **state)
{
    (void)state;
    jz_ctx x;
    jz_store *s = fresh("u8.db", &x);
    const char *pw = "Gx9-correct-horse";
    add_ok(&x, "sun", "孙八", JZ_ROLE_ADMIN, "", -1, pw);
    jz_session a, b;
    jz_error err;
    assert_int_equal(jz_auth_login(s, &fast, "sun", pw, T0, &a, &err), JZ_OK);
    assert_int_equal(jz_auth_login(s, &fast, "sun", pw, T0, &b, &err), JZ_OK);
    char c1[JZ_TOKEN_TEXT], c2[JZ_TOKEN_TEXT];
    assert_true(jz_auth_csrf(a.token, c1));
    assert_true(jz_auth_csrf(a.token, c2));
    assert_string_equal(c1, c2);
    assert_string_equal(c1, a.csrf);
    assert_true(jz_auth_csrf(b.token, c2));
    assert_string_not_equal(c1, c2);
    assert_string_equal(c2, b.csrf);
    /* Not the token, not its stored hash in base64. */
    assert_string_not_equal(c1, a.token);
    unsigned char raw[32], hash[32];
    char hash64[JZ_TOKEN_TEXT];
    size_t len = 0;
    assert_int_equal(sodium_base642bin(raw, sizeof raw, a.token, strlen(a.token), NULL, &len, NULL,
                                       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     0);
    crypto_generichash(hash, sizeof hash, raw, sizeof raw, NULL, 0);
    sodium_bin2base64(hash64, sizeof hash64, hash, sizeof hash,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    assert_string_not_equal(c1, hash64);
    assert_false(jz_auth_csrf("short", c1));
    assert_string_equal(c1, "");
    assert_false(jz_auth_csrf(NULL, c1));
    /* Checked in constant time against what the page sends back. */
    assert_true(jz_auth_csrf_ok(a.token, a.csrf));
    assert_false(jz_auth_csrf_ok(a.token, b.csrf));
    assert_false(jz_auth_csrf_ok(b.token, a.csrf));
    char bad[JZ_TOKEN_TEXT];
    snprintf(bad, sizeof bad, "%s", a.csrf);
    bad[42] = bad[42] == 'A' ? 'B' : 'A';
    assert_false(jz_auth_csrf_ok(a.token, bad));
    assert_false(jz_auth_csrf_ok(a.token, ""));
    assert_false(jz_auth_csrf_ok(a.token, NULL));
    assert_false(jz_auth_csrf_ok("nope", a.csrf));
    jz_store_close(s);
}

/* ---- the access log ------------------------------------------------------------------ */

typedef struct seen {
    jz_access a[16];
    int n;
} seen;

static void collect_access(const jz_access *a, void *arg)
{
    seen *sn = arg;
    if (sn->n < 16)
        sn->a[sn->n++] = *a;
}

static seen accesses(jz_store *s, const char *subject, const char *prefix, size_t limit)
{
    seen sn = {.n = 0};
    jz_error err;
    assert_int_equal(jz_access_list(s, subject, prefix, limit, collect_access, &sn, &err), JZ_OK);
    return sn;
}

static void log_access(jz_store *s, int64_t at, const char *login, const char *subject,
                       const char *region, jz_access_kind kind, const char *what)
{
    jz_access a;
    memset(&a, 0, sizeof a);
    a.at = at;
    snprintf(a.login, sizeof a.login, "%s", login);
    snprintf(a.subject, sizeof a.subject, "%s", subject);
    snprintf(a.region, sizeof a.region, "%s", region);
    a.kind = kind;
    snprintf(a.what, sizeof a.what, "%s", what);
    jz_error err;
    assert_int_equal(jz_access_log(s, &a, &err), JZ_OK);
}

static void access_log(void **state)
{
    (void)state;
    jz_ctx x;
    jz_store *s = fresh("u9.db", &x);
    jz_store_set_actor(s, "server");
    const char *get = "GET /api/households/{id}";
    log_access(s, T0 + 1, "zhang", "H140902-000001", "140902101201", JZ_ACCESS_RECORD, get);
    log_access(s, T0 + 2, "li", "H140902-000002", "140902101202", JZ_ACCESS_ID,
               "GET /api/households/{id}?full_id=1");
    log_access(s, T0 + 3, "zhang", "H140902-000001", "140902101201", JZ_ACCESS_ID,
               "GET /api/households/{id}?full_id=1");
    log_access(s, T0 + 4, "wang", "H140105-000009", "", JZ_ACCESS_REFUSED, get);
    log_access(s, T0 + 5, "zhao", "低保对象名册", "1409", JZ_ACCESS_EXPORT, "GET /api/export");
    log_access(s, T0 + 6, "li", "H140105-000010", "140105001001", JZ_ACCESS_RECORD, get);
    assert_string_equal(jz_store_actor(s), "server");

    seen sn = accesses(s, "H140902-000001", NULL, 0);
    assert_int_equal(sn.n, 2);
    assert_int_equal(sn.a[0].at, T0 + 3); /* newest first */
    assert_int_equal(sn.a[0].kind, JZ_ACCESS_ID);
    assert_string_equal(sn.a[0].login, "zhang");
    assert_string_equal(sn.a[0].region, "140902101201");
    assert_string_equal(sn.a[0].what, "GET /api/households/{id}?full_id=1");
    assert_int_equal(sn.a[1].at, T0 + 1);
    assert_true(sn.a[0].id > sn.a[1].id);
    assert_int_equal(accesses(s, "H140902-000001", NULL, 1).n, 1);
    assert_int_equal(accesses(s, "H140902-000001", "140105", 0).n, 0);
    assert_int_equal(accesses(s, "nothing", NULL, 0).n, 0);

    sn = accesses(s, NULL, "1409", 0);
    assert_int_equal(sn.n, 4);
    assert_int_equal(sn.a[0].at, T0 + 5);
    assert_string_equal(sn.a[0].subject, "低保对象名册");
    assert_int_equal(sn.a[3].at, T0 + 1);
    sn = accesses(s, NULL, "140902", 2);
    assert_int_equal(sn.n, 2);
    assert_int_equal(sn.a[0].at, T0 + 3);
    assert_int_equal(sn.a[1].at, T0 + 2);
    assert_int_equal(accesses(s, NULL, "", 0).n, 6);
    assert_int_equal(accesses(s, NULL, NULL, 0).n, 6);
    assert_int_equal(accesses(s, NULL, "14", 0).n, 5); /* not the refused one, region "" */
    assert_int_equal(accesses(s, NULL, "140105001001", 0).n, 1);
    assert_string_equal(jz_access_kind_zh[JZ_ACCESS_ID], "查看完整身份证号");

    /* What the log refuses: ID numbers, an unknown kind, no login, no time. */
    jz_access a;
    memset(&a, 0, sizeof a);
    a.at = T0;
    snprintf(a.login, sizeof a.login, "zhang");
    snprintf(a.subject, sizeof a.subject, "H140902-000001");
    snprintf(a.what, sizeof a.what, "GET /api/people/14090219800101001X");
    jz_error err;
    assert_int_equal(jz_access_log(s, &a, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "身份证"));
    snprintf(a.what, sizeof a.what, "GET /api/people/{id}");
    snprintf(a.subject, sizeof a.subject, "140902198001010016");
    assert_int_equal(jz_access_log(s, &a, &err), JZ_EINPUT);
    snprintf(a.subject, sizeof a.subject, "H140902-000001");
    a.kind = (jz_access_kind)9;
    assert_int_equal(jz_access_log(s, &a, &err), JZ_EINPUT);
    a.kind = JZ_ACCESS_RECORD;
    snprintf(a.region, sizeof a.region, "14x");
    assert_int_equal(jz_access_log(s, &a, &err), JZ_EINPUT);
    a.region[0] = '\0';
    a.login[0] = '\0';
    assert_int_equal(jz_access_log(s, &a, &err), JZ_EINPUT);
    snprintf(a.login, sizeof a.login, "zhang");
    a.at = 0;
    assert_int_equal(jz_access_log(s, &a, &err), JZ_EINPUT);
    assert_int_equal(accesses(s, NULL, "", 0).n, 6);
    assert_int_equal(jz_access_list(s, NULL, "1x", 0, collect_access, &sn, &err), JZ_EINPUT);
    verifies_clean(s);
    jz_store_close(s);
    if (jz_test_on_pg())
        skip(); /* what follows reads the SQLite file */

    /* Each entry's transaction is in the audit log, as the user who looked. */
    char path[256];
    path_of(path, sizeof path, "u9.db");
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*), sum(actor = 'zhang') FROM audit"
                                        " WHERE action = 'commit' AND after LIKE '%access_log%'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 6);
    assert_int_equal(sqlite3_column_int(st, 1), 2);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* ---- the audit log's cover ---------------------------------------------------------------- */

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* A copy of u10.db (and its key) with sql run on it: what verify says. */
static jz_audit_report tampered(const char *name, const char *sql)
{
    char from[256], to[256], kf[300], kt[300];
    path_of(from, sizeof from, "u10.db");
    path_of(to, sizeof to, name);
    snprintf(kf, sizeof kf, "%s.audit-key", from);
    snprintf(kt, sizeof kt, "%s.audit-key", to);
    copy_file(from, to);
    copy_file(kf, kt);
    sqlite3 *db = NULL;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(to, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    assert_int_equal(sqlite3_changes(db), 1);
    sqlite3_close(db);
    jz_store *s = NULL;
    jz_error err;
    jz_audit_report rep;
    assert_int_equal(jz_store_open(to, JZ_STORE_READONLY, &s, &err), JZ_OK);
    assert_int_equal(jz_store_audit_verify(s, &rep, &err), JZ_OK);
    jz_store_close(s);
    return rep;
}

static int audit_commits(const char *file, const char *actor)
{
    char path[256];
    path_of(path, sizeof path, file);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM audit WHERE action = 'commit'"
                                        " AND after LIKE '%access_log%' AND actor = ?",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, actor, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* The server's writer: the reads of many requests in one transaction. */
static void access_log_many(void **state)
{
    (void)state;
    jz_ctx x;
    jz_store *s = fresh("u9m.db", &x);
    jz_store_set_actor(s, "server");
    jz_access a[3];
    memset(a, 0, sizeof a);
    for (int i = 0; i < 3; i++) {
        a[i].at = T0 + i;
        snprintf(a[i].login, sizeof a[i].login, "zhang");
        snprintf(a[i].subject, sizeof a[i].subject, "H140902-00000%d", i + 1);
        snprintf(a[i].region, sizeof a[i].region, "140902101201");
        snprintf(a[i].what, sizeof a[i].what, "GET /api/households/{id}");
    }
    jz_error err;
    assert_int_equal(jz_access_log_many(s, a, 3, &err), JZ_OK);
    assert_int_equal(accesses(s, NULL, "", 0).n, 3);
    assert_string_equal(jz_store_actor(s), "server");
    /* Another user among them: the transaction's actor says 查询留痕, and
     * each row names its user. */
    snprintf(a[1].login, sizeof a[1].login, "li");
    assert_int_equal(jz_access_log_many(s, a, 3, &err), JZ_OK);
    seen sn = accesses(s, "H140902-000002", NULL, 0);
    assert_int_equal(sn.n, 2);
    assert_string_equal(sn.a[0].login, "li");
    assert_string_equal(sn.a[1].login, "zhang");
    /* One entry refused: none of them is written. */
    snprintf(a[2].what, sizeof a[2].what, "GET /api/people/14090219800101001X");
    assert_int_equal(jz_access_log_many(s, a, 3, &err), JZ_EINPUT);
    assert_non_null(strstr(err.reason, "身份证"));
    assert_int_equal(accesses(s, NULL, "", 0).n, 6);
    assert_int_equal(jz_access_log_many(s, a, 0, &err), JZ_OK);
    verifies_clean(s);
    jz_store_close(s);
    if (jz_test_on_pg())
        skip(); /* what follows reads the SQLite file */
    assert_int_equal(audit_commits("u9m.db", "zhang"), 1);
    assert_int_equal(audit_commits("u9m.db", "查询留痕"), 1);
}

static void audit_covers_sessions(void **state)
{
    (void)state;
    jz_ctx x;
    jz_store *s = fresh("u10.db", &x);
    const char *pw = "Gx9-correct-horse";
    add_ok(&x, "zhou", "周九", JZ_ROLE_ADMIN, "", -1, pw);
    jz_session a, got;
    jz_error err;
    assert_int_equal(jz_auth_login(s, &fast, "zhou", pw, T0, &a, &err), JZ_OK);
    assert_int_equal(jz_auth_session(s, &fast, a.token, T0 + 120, &got, &err), JZ_OK);
    log_access(s, T0 + 121, "zhou", "H140902-000001", "140902101201", JZ_ACCESS_RECORD,
               "GET /api/households/{id}");
    verifies_clean(s);
    jz_store_close(s);
    if (jz_test_on_pg())
        skip(); /* what follows changes and reads the SQLite file */

    /* A session forged or prolonged outside jiuzhu, a user's role raised, an
     * access log entry removed: found. */
    jz_audit_report rep = tampered("t1.db", "UPDATE sessions SET created = created + 86400");
    assert_int_equal(rep.data_problems, 1);
    assert_non_null(strstr(rep.data, "表 sessions：改动 1 行"));
    rep = tampered("t2.db", "INSERT INTO sessions SELECT session_id + 1, user_id,"
                            " randomblob(32), created, 0, '' FROM sessions");
    assert_non_null(strstr(rep.data, "表 sessions：增加 1 行"));
    rep = tampered("t3.db", "UPDATE users SET scope = '14' WHERE login = 'zhou'");
    assert_non_null(strstr(rep.data, "表 users：改动 1 行"));
    rep = tampered("t4.db", "DELETE FROM access_log");
    assert_non_null(strstr(rep.data, "表 access_log：删除 1 行"));
    /* When a session was last used is not covered (it changes once a minute
     * while in use); the session's age still bounds it. */
    rep = tampered("t5.db", "UPDATE session_seen SET last_seen = last_seen + 600");
    assert_int_equal(rep.bad_seq, 0);
    assert_int_equal(rep.data_problems, 0);

    /* Touching a session writes no audit entry. */
    char path[256];
    path_of(path, sizeof path, "u10.db");
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT max(seq) FROM audit", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t entries = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_int_equal(jz_store_open(path, 0, &s, &err), JZ_OK);
    assert_int_equal(jz_auth_session(s, &fast, a.token, T0 + 300, &got, &err), JZ_OK);
    assert_int_equal(got.last_seen, T0 + 300);
    assert_int_equal(jz_auth_session(s, &fast, a.token, T0 + 400, &got, &err), JZ_OK);
    assert_int_equal(got.last_seen, T0 + 400);
    verifies_clean(s);
    jz_store_close(s);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT max(seq) FROM audit", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(st, 0), entries);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* A store of schema 5 gets the users' tables, audited. */
static void migration_from_version_5(void **state)
{
    (void)state;
    if (jz_test_on_pg())
        skip(); /* SQLite's migrations */
    char path[256];
    path_of(path, sizeof path, "v5.db");
    jz_error err;
    assert_int_equal(jz__sqlite_create_at_version(path, 5, &err), JZ_OK);
    jz_store *s = NULL;
    assert_int_equal(jz_store_open(path, 0, &s, &err), JZ_OK);
    assert_int_equal(jz_store_schema_version(s), JZ_STORE_SCHEMA_VERSION);
    jz_ctx x;
    memset(&x, 0, sizeof x);
    x.store = s;
    x.regions = regions;
    snprintf(x.actor, sizeof x.actor, "迁移测试");
    add_ok(&x, "first.admin", "第一", JZ_ROLE_ADMIN, "", -1, "Gx9-correct-horse");
    jz_session a;
    assert_int_equal(jz_auth_login(s, &fast, "first.admin", "Gx9-correct-horse", T0, &a, &err),
                     JZ_OK);
    verifies_clean(s);
    jz_store_close(s);
}

/* ---- parameters ------------------------------------------------------------------------ */

static void params_from_env(void **state)
{
    (void)state;
    const char *vars[] = {"JIUZHU_PASSWORD_MIN",        "JIUZHU_LOGIN_MAX_FAILURES",
                          "JIUZHU_LOGIN_LOCK_SECONDS",  "JIUZHU_SESSION_IDLE_SECONDS",
                          "JIUZHU_SESSION_MAX_SECONDS", "JIUZHU_ARGON2_FAST"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    jz_auth_params p, d;
    jz_error err;
    jz_auth_params_default(&d);
    assert_int_equal(d.min_password, 10);
    assert_int_equal(d.max_failures, 5);
    assert_int_equal(d.lock_seconds, 900);
    assert_int_equal(d.idle_seconds, 1800);
    assert_int_equal(d.absolute_seconds, 43200);
    assert_true(d.ops_limit == crypto_pwhash_OPSLIMIT_INTERACTIVE);
    assert_true(d.mem_limit == crypto_pwhash_MEMLIMIT_INTERACTIVE);
    assert_int_equal(jz_auth_params_from_env(&p, &err), JZ_OK);
    assert_memory_equal(&p, &d, sizeof p);

    setenv("JIUZHU_PASSWORD_MIN", "12", 1);
    setenv("JIUZHU_LOGIN_MAX_FAILURES", "3", 1);
    setenv("JIUZHU_LOGIN_LOCK_SECONDS", "60", 1);
    setenv("JIUZHU_SESSION_IDLE_SECONDS", "300", 1);
    setenv("JIUZHU_SESSION_MAX_SECONDS", "3600", 1);
    setenv("JIUZHU_ARGON2_FAST", "1", 1);
    assert_int_equal(jz_auth_params_from_env(&p, &err), JZ_OK);
    assert_int_equal(p.min_password, 12);
    assert_int_equal(p.max_failures, 3);
    assert_int_equal(p.lock_seconds, 60);
    assert_int_equal(p.idle_seconds, 300);
    assert_int_equal(p.absolute_seconds, 3600);
    assert_true(p.ops_limit == crypto_pwhash_OPSLIMIT_MIN);
    assert_true(p.mem_limit == crypto_pwhash_MEMLIMIT_MIN);

    const struct {
        const char *var, *value, *reason;
    } bad[] = {
        {"JIUZHU_PASSWORD_MIN", "4", "8 到 128"},
        {"JIUZHU_PASSWORD_MIN", "ten", "8 到 128"},
        {"JIUZHU_LOGIN_MAX_FAILURES", "0", "1 到 100"},
        {"JIUZHU_LOGIN_LOCK_SECONDS", "-5", "之间的整数"},
        {"JIUZHU_SESSION_IDLE_SECONDS", "7200", "不应长于"},
        {"JIUZHU_SESSION_MAX_SECONDS", "9999999999", "之间的整数"},
        {"JIUZHU_ARGON2_FAST", "yes", "仅供测试"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char keep[64];
        snprintf(keep, sizeof keep, "%s", getenv(bad[i].var));
        setenv(bad[i].var, bad[i].value, 1);
        jz_error_clear(&err);
        assert_int_equal(jz_auth_params_from_env(&p, &err), JZ_EUSAGE);
        if (!strstr(err.reason, bad[i].reason))
            fail_msg("%s=%s: %s", bad[i].var, bad[i].value, err.reason);
        if (strcmp(bad[i].var, "JIUZHU_SESSION_IDLE_SECONDS") != 0)
            assert_string_equal(err.field, bad[i].var);
        assert_memory_equal(&p, &d, sizeof p); /* the defaults, not half of it */
        setenv(bad[i].var, keep, 1);
    }
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);

    /* Parameters filled by hand are checked too. */
    jz_ctx x;
    jz_store *s = fresh("u11.db", &x);
    p = fast;
    p.max_failures = 0;
    jz_session ss;
    assert_int_equal(jz_auth_login(s, &p, "a", "b", T0, &ss, &err), JZ_EINPUT);
    p = fast;
    p.mem_limit = 1;
    assert_int_equal(jz_auth_login(s, &p, "a", "b", T0, &ss, &err), JZ_EINPUT);
    jz_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(users_added_and_listed),
        cmocka_unit_test(users_refused),
        cmocka_unit_test(roles_by_name),
        cmocka_unit_test(login_and_lockout),
        cmocka_unit_test(password_rehashed),
        cmocka_unit_test(sessions_end),
        cmocka_unit_test(forged_tokens),
        cmocka_unit_test(only_the_hash_is_stored),
        cmocka_unit_test(csrf_tokens),
        cmocka_unit_test(last_admin_stays),
        cmocka_unit_test(sessions_purged),
        cmocka_unit_test(access_log),
        cmocka_unit_test(access_log_many),
        cmocka_unit_test(audit_covers_sessions),
        cmocka_unit_test(migration_from_version_5),
        cmocka_unit_test(params_from_env),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
