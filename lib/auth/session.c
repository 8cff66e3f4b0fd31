/*
 * session.c - logging in, sessions and logging out (jz_user.h).
 *
 * A session token is 32 random bytes (randombytes_buf), given to the
 * browser once as URL-safe base64 without padding; the store keeps only
 * its BLAKE2b-256 hash, so a copy of the database opens no session.  The
 * CSRF token is a keyed BLAKE2b of the token's bytes under a fixed
 * domain-separation key: whoever does not hold the token cannot compute
 * it, it differs from the stored hash (which is unkeyed), and it needs no
 * secret of its own (the audit key stays with the store, which another
 * backend may hold elsewhere).  Passwords are checked with
 * crypto_pwhash_str_verify (argon2id), and re-hashed at a successful login
 * when they were hashed with other limits than the deployment's.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/auth_int.h"

#define TOKEN_BYTES 32
_Static_assert(sodium_base64_ENCODED_LEN(TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING) ==
                   JZ_TOKEN_TEXT,
               "a token's text fills JZ_TOKEN_TEXT");
_Static_assert(JZ_TOKEN_HASH == crypto_generichash_BYTES, "BLAKE2b-256");

/* Separates the CSRF token from every other hash of the session token. */
static const unsigned char csrf_key[] = "jiuzhu/csrf-token/v1 from the session token";
_Static_assert(sizeof csrf_key - 1 >= crypto_generichash_KEYBYTES_MIN &&
                   sizeof csrf_key - 1 <= crypto_generichash_KEYBYTES_MAX,
               "a BLAKE2b key");

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define PASSWORD_MAX_BYTES 1024 /* as jz_password_check: longer is never right */
/* last_seen is written at most once a minute, and at least ten times per
 * idle period, so that a session in use never looks idle by more than a
 * tenth of the limit. */
static int64_t touch_seconds(const jz_auth_params *p)
{
    int64_t t = p->idle_seconds / 10;
    return t < 1 ? 1 : t > 60 ? 60 : t;
}

/* The token's bytes, if it is exactly 43 characters of URL-safe base64 that
 * decode to 32 bytes. */
static bool token_decode(const char *token, unsigned char raw[TOKEN_BYTES])
{
    if (!token)
        return false;
    size_t n = strnlen(token, JZ_TOKEN_TEXT);
    size_t len = 0;
    const char *end = NULL;
    return n == JZ_TOKEN_TEXT - 1 &&
           sodium_base642bin(raw, TOKEN_BYTES, token, n, NULL, &len, &end, B64) == 0 &&
           len == TOKEN_BYTES && end == token + n;
}

static void token_hash(const unsigned char raw[TOKEN_BYTES], unsigned char h[JZ_TOKEN_HASH])
{
    crypto_generichash(h, JZ_TOKEN_HASH, raw, TOKEN_BYTES, NULL, 0);
}

static void csrf_of(const unsigned char raw[TOKEN_BYTES], char out[JZ_TOKEN_TEXT])
{
    unsigned char c[TOKEN_BYTES];
    crypto_generichash(c, sizeof c, raw, TOKEN_BYTES, csrf_key, sizeof csrf_key - 1);
    sodium_bin2base64(out, JZ_TOKEN_TEXT, c, sizeof c, B64);
}

bool jz_auth_csrf(const char *token, char csrf[JZ_TOKEN_TEXT])
{
    unsigned char raw[TOKEN_BYTES];
    csrf[0] = '\0';
    if (jz__auth_ready(NULL) || !token_decode(token, raw))
        return false;
    csrf_of(raw, csrf);
    sodium_memzero(raw, sizeof raw);
    return true;
}

bool jz_auth_csrf_ok(const char *token, const char *csrf)
{
    char want[JZ_TOKEN_TEXT];
    if (!csrf || strnlen(csrf, JZ_TOKEN_TEXT) != JZ_TOKEN_TEXT - 1 || !jz_auth_csrf(token, want))
        return false;
    return sodium_memcmp(want, csrf, JZ_TOKEN_TEXT - 1) == 0;
}

/* ---- logging in ------------------------------------------------------------------ */

static jz_err wrong(jz_error *err, const char *login)
{
    return jz_error_set(err, JZ_EAUTH, "login", login, "登录名或密码错误");
}

static jz_err locked(jz_error *err, const jz_user *u)
{
    char until[32];
    time_t t = (time_t)u->locked_until;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(until, sizeof until, "%Y-%m-%d %H:%M:%S", &tm);
    return jz_error_set(err, JZ_EAUTH, "login", u->login,
                        "密码连续输错，账户已锁定至 %s，届时可再试，或请管理员重设密码", until);
}

static jz_err disabled(jz_error *err, const jz_user *u)
{
    return jz_error_set(err, JZ_EAUTH, "login", u->login, "账户已停用，请联系管理员");
}

/* The writes of a login, as the user: begun, then committed or rolled
 * back, with the store's actor put back. */
typedef struct as_user {
    jz_store *s;
    char saved[64];
} as_user;

static jz_err as_begin(as_user *a, jz_store *s, const char *login, jz_error *err)
{
    a->s = s;
    snprintf(a->saved, sizeof a->saved, "%s", jz_store_actor(s));
    jz_store_set_actor(s, login);
    jz_err rc = jz_store_begin(s, err);
    if (rc)
        jz_store_set_actor(s, a->saved);
    return rc;
}

static jz_err as_fail(as_user *a, jz_err rc)
{
    jz_store_rollback(a->s);
    jz_store_set_actor(a->s, a->saved);
    return rc;
}

static jz_err as_commit(as_user *a, jz_error *err)
{
    jz_err rc = jz_store_commit(a->s, err);
    if (rc)
        jz_store_rollback(a->s);
    jz_store_set_actor(a->s, a->saved);
    return rc;
}

/* Counts a wrong password of u (read in the transaction a holds), locking
 * the account at every max_failures in a row. */
static jz_err count_failure(as_user *a, const jz_auth_params *p, jz_user *u, int64_t now,
                            jz_error *err)
{
    jz_user before = *u;
    u->failures++;
    if (u->failures % p->max_failures == 0)
        u->locked_until = now + p->lock_seconds;
    char extra[64];
    snprintf(extra, sizeof extra, "{\"at\":%lld}", (long long)now);
    jz_err rc;
    if ((rc = jz_store_user_update(a->s, u, NULL, err)) ||
        (rc = jz__auth_audit(a->s, "user.login_failed", &before, u, extra, err)))
        return as_fail(a, rc);
    return as_commit(a, err);
}

jz_err jz_auth_login(jz_store *s, const jz_auth_params *p, const char *login, const char *password,
                     int64_t now, jz_session *out, jz_error *err)
{
    jz_err rc;
    memset(out, 0, sizeof *out);
    if ((rc = jz__auth_ready(err)) || (rc = jz__auth_params_check(p, err)))
        return rc;
    if (!login)
        login = "";
    const char *pw = password ? password : "";
    size_t pwlen = strnlen(pw, PASSWORD_MAX_BYTES + 1);
    jz_user u;
    char hash[JZ_PWHASH_MAX], hash2[JZ_PWHASH_MAX];
    rc = jz_store_user_get(s, login, &u, hash, err);
    if (rc == JZ_ENOTFOUND) {
        /* As long as a wrong password takes: no login is told apart by
         * the time its refusal takes. */
        if (crypto_pwhash_str(hash, pw, pwlen, p->ops_limit, p->mem_limit) != 0)
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足，无法计算密码哈希");
        jz_error_clear(err);
        return wrong(err, login);
    }
    if (rc)
        return rc;
    if (u.locked_until > now)
        return locked(err, &u);
    /* The slow check before the write lock is taken, so that logging in
     * never holds up other writers. */
    bool ok = pwlen <= PASSWORD_MAX_BYTES && crypto_pwhash_str_verify(hash, pw, pwlen) == 0;

    as_user a;
    if ((rc = as_begin(&a, s, u.login, err)))
        return rc;
    if ((rc = jz_store_user_get(s, login, &u, hash2, err)))
        return as_fail(&a, rc);
    if (strcmp(hash, hash2) != 0) /* the password changed meanwhile */
        return as_fail(&a, wrong(err, login));
    if (u.locked_until > now)
        return as_fail(&a, locked(err, &u));
    if (!ok) {
        if ((rc = count_failure(&a, p, &u, now, err)))
            return rc;
        return wrong(err, login);
    }
    if (!u.active)
        return as_fail(&a, disabled(err, &u));

    jz_user before = u;
    u.failures = 0;
    u.locked_until = 0;
    char rehash[JZ_PWHASH_MAX];
    bool renew = crypto_pwhash_str_needs_rehash(hash, p->ops_limit, p->mem_limit) != 0;
    if (renew && (rc = jz__auth_hash(p, pw, rehash, err)))
        return as_fail(&a, rc);
    if ((before.failures || before.locked_until || renew) &&
        (rc = jz_store_user_update(s, &u, renew ? rehash : NULL, err)))
        return as_fail(&a, rc);
    unsigned char raw[TOKEN_BYTES], h[JZ_TOKEN_HASH];
    randombytes_buf(raw, sizeof raw);
    token_hash(raw, h);
    int64_t id = 0;
    char extra[96];
    rc = jz_store_session_insert(s, u.id, h, now, &id, err);
    if (!rc) {
        snprintf(extra, sizeof extra, "{\"at\":%lld,\"session\":%lld}", (long long)now,
                 (long long)id);
        rc = jz__auth_audit(s, "user.login", &before, &u, extra, err);
    }
    if (rc ? (as_fail(&a, rc), true) : (rc = as_commit(&a, err)) != JZ_OK) {
        sodium_memzero(raw, sizeof raw);
        return rc;
    }
    out->id = id;
    sodium_bin2base64(out->token, sizeof out->token, raw, sizeof raw, B64);
    csrf_of(raw, out->csrf);
    sodium_memzero(raw, sizeof raw);
    out->created = out->last_seen = now;
    out->expires =
        now + (p->idle_seconds < p->absolute_seconds ? p->idle_seconds : p->absolute_seconds);
    out->user = u;
    return JZ_OK;
}

/* ---- a session's token ------------------------------------------------------------- */

static const char *ended_why(const char *reason)
{
    return strcmp(reason, "logout") == 0     ? "已退出登录"
           : strcmp(reason, "password") == 0 ? "密码已更改"
           : strcmp(reason, "disabled") == 0 ? "账户已停用"
                                             : reason;
}

jz_err jz_auth_session(jz_store *s, const jz_auth_params *p, const char *token, int64_t now,
                       jz_session *out, jz_error *err)
{
    jz_err rc;
    memset(out, 0, sizeof *out);
    if ((rc = jz__auth_ready(err)) || (rc = jz__auth_params_check(p, err)))
        return rc;
    unsigned char raw[TOKEN_BYTES], h[JZ_TOKEN_HASH];
    if (!token_decode(token, raw))
        return jz_error_set(err, JZ_EAUTH, "token", NULL, "会话凭据无效，请重新登录");
    token_hash(raw, h);
    jz_store_session ss;
    rc = jz_store_session_find(s, h, &ss, err);
    if (rc == JZ_ENOTFOUND) {
        sodium_memzero(raw, sizeof raw);
        return jz_error_set(err, JZ_EAUTH, "token", NULL, "会话不存在或已结束，请重新登录");
    }
    if (!rc && ss.revoked_at)
        rc = jz_error_set(err, JZ_EAUTH, "token", NULL, "会话已结束（%s），请重新登录",
                          ended_why(ss.revoke_reason));
    else if (!rc && !ss.user.active)
        rc = disabled(err, &ss.user);
    else if (!rc && now - ss.created >= p->absolute_seconds)
        rc = jz_error_set(err, JZ_EAUTH, "token", NULL, "会话已超过最长时限（%d 分钟），请重新登录",
                          (p->absolute_seconds + 59) / 60);
    else if (!rc && now - ss.last_seen >= p->idle_seconds)
        rc = jz_error_set(err, JZ_EAUTH, "token", NULL, "会话闲置超过 %d 分钟，已结束，请重新登录",
                          (p->idle_seconds + 59) / 60);
    if (rc) {
        sodium_memzero(raw, sizeof raw);
        return rc;
    }
    if (now - ss.last_seen >= touch_seconds(p)) {
        /* session_seen is outside the audit log's cover: no entry, and no
         * growth of the log for a session in use. */
        if (!(rc = jz_store_begin(s, err)) && !(rc = jz_store_session_touch(s, ss.id, now, err)))
            rc = jz_store_commit(s, err);
        if (rc) {
            jz_store_rollback(s);
            sodium_memzero(raw, sizeof raw);
            return rc;
        }
        ss.last_seen = now;
    }
    out->id = ss.id;
    csrf_of(raw, out->csrf);
    sodium_memzero(raw, sizeof raw);
    out->created = ss.created;
    out->last_seen = ss.last_seen;
    int64_t idle_end = ss.last_seen + p->idle_seconds, hard_end = ss.created + p->absolute_seconds;
    out->expires = idle_end < hard_end ? idle_end : hard_end;
    out->user = ss.user;
    return JZ_OK;
}

jz_err jz_auth_logout(jz_store *s, const char *token, int64_t now, jz_error *err)
{
    jz_err rc;
    unsigned char raw[TOKEN_BYTES], h[JZ_TOKEN_HASH];
    if ((rc = jz__auth_ready(err)))
        return rc;
    if (!token_decode(token, raw))
        return JZ_OK;
    token_hash(raw, h);
    sodium_memzero(raw, sizeof raw);
    jz_store_session ss;
    rc = jz_store_session_find(s, h, &ss, err);
    if (rc == JZ_ENOTFOUND) {
        jz_error_clear(err);
        return JZ_OK;
    }
    if (rc || ss.revoked_at)
        return rc;
    as_user a;
    int n = 0;
    if ((rc = as_begin(&a, s, ss.user.login, err)))
        return rc;
    if ((rc = jz_store_session_revoke(s, ss.id, 0, now, "logout", &n, err)))
        return as_fail(&a, rc);
    if (n) {
        char extra[96];
        snprintf(extra, sizeof extra, "{\"at\":%lld,\"session\":%lld}", (long long)now,
                 (long long)ss.id);
        if ((rc = jz__auth_audit(s, "user.logout", NULL, &ss.user, extra, err)))
            return as_fail(&a, rc);
    }
    return as_commit(&a, err);
}
