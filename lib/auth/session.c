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

/* The writes of a login, in one transaction (jz_store_run_as, as the user):
 * the user read again, a wrong password counted (and committed: the refusal
 * is given after), or the session made. */
typedef struct login_tx {
    const jz_auth_params *p;
    const char *login, *pw, *hash; /* hash: as read before the slow check */
    bool ok;                       /* the password matched that hash */
    int64_t now;
    unsigned char raw[TOKEN_BYTES]; /* the new session's token */
    /* out */
    enum { LOGIN_DONE, LOGIN_WRONG, LOGIN_LOCKED } outcome;
    jz_user u;
    int64_t id;
} login_tx;

/* Counts a wrong password of u (read in this transaction), locking the
 * account at every max_failures in a row. */
static jz_err count_failure(jz_store *s, const jz_auth_params *p, jz_user *u, int64_t now,
                            jz_error *err)
{
    jz_user before = *u;
    u->failures++;
    if (u->failures % p->max_failures == 0)
        u->locked_until = now + p->lock_seconds;
    char extra[64];
    snprintf(extra, sizeof extra, "{\"at\":%lld}", (long long)now);
    jz_err rc = jz_store_user_update(s, u, NULL, err);
    return rc ? rc : jz__auth_audit(s, "user.login_failed", &before, u, extra, err);
}

static jz_err login_in_tx(jz_store *s, void *arg, jz_error *err)
{
    login_tx *t = arg;
    char hash2[JZ_PWHASH_MAX];
    jz_user *u = &t->u;
    jz_err rc;
    t->outcome = LOGIN_DONE;
    t->id = 0;
    if ((rc = jz_store_user_get(s, t->login, u, hash2, err)))
        return rc;
    if (strcmp(t->hash, hash2) != 0) { /* the password changed meanwhile */
        t->outcome = LOGIN_WRONG;
        return JZ_OK;
    }
    if (u->locked_until > t->now) {
        t->outcome = LOGIN_LOCKED;
        return JZ_OK;
    }
    if (!t->ok) {
        t->outcome = LOGIN_WRONG;
        return count_failure(s, t->p, u, t->now, err);
    }
    if (!u->active)
        return disabled(err, u);
    jz_user before = *u;
    u->failures = 0;
    u->locked_until = 0;
    char rehash[JZ_PWHASH_MAX];
    bool renew = crypto_pwhash_str_needs_rehash(t->hash, t->p->ops_limit, t->p->mem_limit) != 0;
    if (renew && (rc = jz__auth_hash(t->p, t->pw, rehash, err)))
        return rc;
    if ((before.failures || before.locked_until || renew) &&
        (rc = jz_store_user_update(s, u, renew ? rehash : NULL, err)))
        return rc;
    unsigned char h[JZ_TOKEN_HASH];
    token_hash(t->raw, h);
    if ((rc = jz_store_session_insert(s, u->id, h, t->now, &t->id, err)))
        return rc;
    char extra[96];
    snprintf(extra, sizeof extra, "{\"at\":%lld,\"session\":%lld}", (long long)t->now,
             (long long)t->id);
    return jz__auth_audit(s, "user.login", &before, u, extra, err);
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
    char hash[JZ_PWHASH_MAX];
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
    login_tx t = {.p = p, .login = login, .pw = pw, .hash = hash, .now = now};
    t.ok = pwlen <= PASSWORD_MAX_BYTES && crypto_pwhash_str_verify(hash, pw, pwlen) == 0;
    randombytes_buf(t.raw, sizeof t.raw);
    rc = jz_store_run_as(s, u.login, login_in_tx, &t, err);
    if (!rc && t.outcome != LOGIN_DONE)
        rc = t.outcome == LOGIN_LOCKED ? locked(err, &t.u) : wrong(err, login);
    if (rc) {
        sodium_memzero(t.raw, sizeof t.raw);
        return rc;
    }
    out->id = t.id;
    sodium_bin2base64(out->token, sizeof out->token, t.raw, sizeof t.raw, B64);
    csrf_of(t.raw, out->csrf);
    sodium_memzero(t.raw, sizeof t.raw);
    out->created = out->last_seen = now;
    out->expires =
        now + (p->idle_seconds < p->absolute_seconds ? p->idle_seconds : p->absolute_seconds);
    out->user = t.u;
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

typedef struct touch_tx {
    int64_t session, now;
} touch_tx;

static jz_err touch_in_tx(jz_store *s, void *arg, jz_error *err)
{
    const touch_tx *t = arg;
    return jz_store_session_touch(s, t->session, t->now, err);
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
        touch_tx t = {ss.id, now};
        if ((rc = jz_store_run(s, touch_in_tx, &t, err))) {
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

typedef struct logout_tx {
    const jz_store_session *ss;
    int64_t now;
} logout_tx;

static jz_err logout_in_tx(jz_store *s, void *arg, jz_error *err)
{
    const logout_tx *t = arg;
    int n = 0;
    jz_err rc = jz_store_session_revoke(s, t->ss->id, 0, t->now, "logout", &n, err);
    if (rc || !n)
        return rc;
    char extra[96];
    snprintf(extra, sizeof extra, "{\"at\":%lld,\"session\":%lld}", (long long)t->now,
             (long long)t->ss->id);
    return jz__auth_audit(s, "user.logout", NULL, &t->ss->user, extra, err);
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
    logout_tx t = {&ss, now};
    return jz_store_run_as(s, ss.user.login, logout_in_tx, &t, err);
}

/* ---- old sessions ------------------------------------------------------------------ */

typedef struct purge_tx {
    int64_t cutoff;
    int *n;
} purge_tx;

static jz_err purge_in_tx(jz_store *s, void *arg, jz_error *err)
{
    const purge_tx *t = arg;
    return jz_store_session_purge(s, t->cutoff, t->n, err);
}

jz_err jz_auth_purge(jz_store *s, const jz_auth_params *p, int64_t now, int keep_days, int *purged,
                     jz_error *err)
{
    int n = 0;
    if (purged)
        *purged = 0;
    jz_err rc;
    if ((rc = jz__auth_params_check(p, err)))
        return rc;
    if (keep_days < 1 || keep_days > 3650)
        return jz_error_set(err, JZ_EINPUT, "days", NULL, "保留天数应为 1 至 3650");
    /* Never a session that could still be used: none lives longer than
     * absolute_seconds after it was made. */
    int64_t keep = (int64_t)keep_days * 86400;
    if (keep < p->absolute_seconds)
        keep = p->absolute_seconds;
    purge_tx t = {now - keep, &n};
    rc = jz_store_run_as(s, "会话清理", purge_in_tx, &t, err);
    if (!rc && purged)
        *purged = n;
    return rc;
}
