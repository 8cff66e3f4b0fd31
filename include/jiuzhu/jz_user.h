/*
 * jz_user.h - the platform's users, their logins and sessions, and the log
 * of who looked at what (查询留痕).
 *
 * A user has a login name, a display name, a role, a region scope (a GB/T
 * 2260 code prefix: "" or "14" the province, 4 digits a city, 6 a county, 9 a
 * township, 12 a village) and, for a 部门数据员, his department.  Users live
 * in the store, beside what they work on, and every change to them is in the
 * audit chain like any other.
 *
 * Passwords are kept only as argon2id hashes (libsodium crypto_pwhash_str).
 * A session is a 256-bit random token handed to the browser once; the store
 * keeps only its hash (BLAKE2b), so a copy of the database opens no session.
 * A session ends when idle too long, when too old, at logout, when the
 * user's password changes and when the user is disabled.
 */
#ifndef JZ_USER_H
#define JZ_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jz_ctx.h"
#include "jz_err.h"
#include "jz_feed.h"
#include "jz_store.h"

typedef enum jz_role {
    JZ_ROLE_ADMIN = 0,  /* 管理员: users */
    JZ_ROLE_ANALYST,    /* 省级分析员: reads and statistics within scope */
    JZ_ROLE_REVIEWER,   /* 县级审核员: 审核确认, decisions, enrolments */
    JZ_ROLE_CASEWORKER, /* 乡镇经办员: 受理 through 公示, intake */
    JZ_ROLE_ASSISTANT,  /* 村协理员: intake and reads within his village */
    JZ_ROLE_DEPT,       /* 部门数据员: his department's feed and referrals */
    JZ_ROLE_AUDITOR,    /* 审计员: reads everything within scope, the audit log */
    JZ_ROLE_COUNT
} jz_role;

/* Stable English names ("admin", "analyst", "reviewer", "caseworker",
 * "assistant", "dept", "auditor") and Chinese names (管理员 ...). */
extern const char *const jz_role_name[JZ_ROLE_COUNT];
extern const char *const jz_role_zh[JZ_ROLE_COUNT];

/* A role by its English or Chinese name; JZ_EINPUT naming the roles. */
jz_err jz_role_parse(const char *s, jz_role *out, jz_error *err);

#define JZ_LOGIN_MAX 33 /* 3 to 32 of [a-z0-9._-], starting with a letter or digit */
#define JZ_USER_NAME_MAX 64
#define JZ_SCOPE_MAX 13

typedef struct jz_user {
    int64_t id;
    char login[JZ_LOGIN_MAX];
    char name[JZ_USER_NAME_MAX]; /* display name, e.g. 张丽 */
    jz_role role;
    char scope[JZ_SCOPE_MAX];    /* region code prefix; "" = everywhere */
    int dept;                    /* jz_dept of a 部门数据员, else -1 */
    bool active;                 /* false: disabled */
    int failures;                /* failed logins since the last success */
    int64_t locked_until;        /* unix seconds; 0: not locked */
    int64_t created;
    int64_t password_changed; /* unix seconds; 0: set by an administrator, to be
                                 changed by the user before anything else */
} jz_user;

/* What a deployment may tune (defaults by jz_auth_params_default). */
typedef struct jz_auth_params {
    int min_password;     /* characters (UTF-8 code points); default 10 */
    int max_failures;     /* failed logins in a row that lock; default 5 */
    int lock_seconds;     /* how long the lock lasts; default 900 */
    int idle_seconds;     /* a session unused this long ends; default 1800 */
    int absolute_seconds; /* a session this old ends; default 43200 (12 h) */
    int password_days;    /* a password older than this must be changed before
                             anything else; 0: never; default 90 */
    /* argon2id cost: libsodium's INTERACTIVE limits by default; tests may
     * lower them (never below libsodium's minimums). */
    unsigned long long ops_limit;
    size_t mem_limit;
} jz_auth_params;

void jz_auth_params_default(jz_auth_params *p);
/* The defaults, with what the deployment's environment overrides:
 * JIUZHU_PASSWORD_MIN (8 to 128), JIUZHU_PASSWORD_MAX_DAYS (0 to 3650, 0:
 * passwords never expire), JIUZHU_LOGIN_MAX_FAILURES (1 to 100),
 * JIUZHU_LOGIN_LOCK_SECONDS (1 to 2592000), JIUZHU_SESSION_IDLE_SECONDS
 * and JIUZHU_SESSION_MAX_SECONDS (2 to 2592000, idle not above max), and
 * JIUZHU_ARGON2_FAST=1, for tests only, which lowers the argon2id cost to
 * libsodium's minimums.  JZ_EUSAGE naming the variable for a value that is
 * not allowed (p then holds the defaults). */
jz_err jz_auth_params_from_env(jz_auth_params *p, jz_error *err);

/* ---- managing users (the CLI's `jiuzhu user`, the API's /api/users) --------- */

typedef struct jz_user_new {
    const char *login;
    const char *name;
    jz_role role;
    const char *scope; /* must suit the role: reviewer a county (6 digits),
                          caseworker a township (9), assistant a village (12);
                          the others any prefix, "" for the whole store */
    int dept;          /* JZ_ROLE_DEPT: a jz_dept; otherwise ignored */
    const char *password;
    bool temporary;    /* an initial password the user must change at his first login */
} jz_user_new;

/* Checks a password against the policy: at least min_password characters,
 * not containing the login or the display name, not all one character.
 * JZ_EINPUT with the reason in Chinese (the password itself is never put in
 * err->value). */
jz_err jz_password_check(const jz_auth_params *p, const char *login, const char *name,
                         const char *password, jz_error *err);

/* Adds a user (x->actor is recorded).  Refused (JZ_EINPUT): a login taken,
 * a malformed login, a scope that is no region of x->regions or does not
 * suit the role, a weak password. */
jz_err jz_user_add(jz_ctx *x, const jz_auth_params *p, const jz_user_new *rq, jz_user *out,
                   jz_error *err);

/* Sets a new password and ends every session of the user.  temporary: set
 * by an administrator for the user (a reset), who must change it at his next
 * login before anything else. */
jz_err jz_user_passwd(jz_ctx *x, const jz_auth_params *p, const char *login,
                      const char *password, bool temporary, jz_error *err);

/* Whether u may work with his password at time now, or must change it
 * first: JZ_PW_TEMPORARY (set by an administrator), JZ_PW_EXPIRED (older
 * than p->password_days).  *expires: when it expires (0: never, or
 * temporary). */
typedef enum jz_password_state { JZ_PW_OK = 0, JZ_PW_TEMPORARY, JZ_PW_EXPIRED } jz_password_state;
jz_password_state jz_password_state_of(const jz_auth_params *p, const jz_user *u, int64_t now,
                                       int64_t *expires);

/* Disables (or with enable, enables again) a user; disabling ends every
 * session of the user at once. */
jz_err jz_user_set_active(jz_ctx *x, const char *login, bool enable, jz_error *err);

/* The user of this login (JZ_ENOTFOUND). */
jz_err jz_user_get(jz_store *s, const char *login, jz_user *out, jz_error *err);

/* The users whose scope lies within scope_prefix (a user whose scope begins
 * with it), by login. */
jz_err jz_user_list(jz_store *s, const char *scope_prefix,
                    void (*fn)(const jz_user *u, void *arg), void *arg, jz_error *err);

/* ---- logging in ------------------------------------------------------------------ */

#define JZ_TOKEN_TEXT 44 /* 32 random bytes, URL-safe base64 unpadded (43) + NUL */

typedef struct jz_session {
    int64_t id;
    char token[JZ_TOKEN_TEXT]; /* the secret: only ever in the cookie */
    char csrf[JZ_TOKEN_TEXT];  /* derived from the token (keyed hash): the
                                  page sends it back in X-CSRF-Token */
    int64_t created, last_seen, expires; /* unix seconds; expires: the nearer end */
    jz_user user;
} jz_session;

/*
 * Logs in at time now (unix seconds).  JZ_EAUTH for an unknown login or a
 * wrong password (the same reason for both, so that logins cannot be
 * probed), a disabled user, or a locked account (the reason says until
 * when).  A wrong password counts a failure; max_failures in a row lock the
 * account for lock_seconds; a success clears the count.  Failures and
 * logins are audited with the login as actor.
 */
jz_err jz_auth_login(jz_store *s, const jz_auth_params *p, const char *login,
                     const char *password, int64_t now, jz_session *out, jz_error *err);

/*
 * The live session of a token at time now: JZ_EAUTH if the token is
 * malformed, unknown, revoked, idle or too old, or its user is disabled.
 * Touches last_seen (written at most once a minute per session, and at
 * least ten times per idle period, so that reads stay reads).  out->token is left empty.
 */
jz_err jz_auth_session(jz_store *s, const jz_auth_params *p, const char *token, int64_t now,
                       jz_session *out, jz_error *err);

/* The CSRF token that belongs to a session token (what jz_auth_login put in
 * out->csrf); false if token is malformed. */
bool jz_auth_csrf(const char *token, char csrf[JZ_TOKEN_TEXT]);

/* Whether csrf is the CSRF token of this session token, compared in
 * constant time; false if either is malformed. */
bool jz_auth_csrf_ok(const char *token, const char *csrf);

/* Ends the session of this token (logout).  An unknown token is not an error. */
jz_err jz_auth_logout(jz_store *s, const char *token, int64_t now, jz_error *err);

/* Deletes the sessions last used (or ended) more than keep_days (1 to
 * 3650) days before now, never one that could still be used; *purged
 * counts them.  The sessions table would otherwise keep a row for every
 * login ever made.  Audited as 会话清理. */
jz_err jz_auth_purge(jz_store *s, const jz_auth_params *p, int64_t now, int keep_days, int *purged,
                     jz_error *err);

/* ---- 查询留痕: who looked at what ----------------------------------------------- */

typedef enum jz_access_kind {
    JZ_ACCESS_RECORD = 0, /* read a household's full record or page */
    JZ_ACCESS_ID,         /* saw an ID number whole */
    JZ_ACCESS_REFUSED,    /* asked for something outside his scope or role */
    JZ_ACCESS_EXPORT      /* downloaded a list or an export */
} jz_access_kind;

extern const char *const jz_access_kind_zh[4];

typedef struct jz_access {
    int64_t id;
    int64_t at;                  /* unix seconds */
    char login[JZ_LOGIN_MAX];
    char subject[64];            /* household ID (or the person's household), a case
                                    number, a list name */
    char region[JZ_SCOPE_MAX];   /* the subject's region, "" if unknown or refused */
    jz_access_kind kind;
    char what[96];               /* the route or command, e.g. "GET /api/households/{id}" */
} jz_access;

/* Appends one entry, in its own transaction (durable before the answer is
 * sent), with a->login as the actor of its audit entry.  The subject may be
 * a household ID; ID numbers never appear in `what` (nor in the subject:
 * an entry holding one is refused, JZ_EINPUT).  a->at must be set. */
jz_err jz_access_log(jz_store *s, const jz_access *a, jz_error *err);

/* Appends n entries in one transaction (a server's writer of the log: the
 * reads of many requests made durable by one commit before any of them is
 * answered).  Each entry is checked as by jz_access_log first; one refused
 * entry refuses them all (nothing is written).  The actor of the audit
 * entry is the entries' login if they share one, 查询留痕 otherwise. */
jz_err jz_access_log_many(jz_store *s, const jz_access *a, size_t n, jz_error *err);

/* The entries of a subject (a household ID), or of everything within
 * region_prefix when subject is NULL, newest first, at most limit (0: all).
 * With both, the subject's entries within region_prefix; NULL or "" for
 * region_prefix is everywhere. */
jz_err jz_access_list(jz_store *s, const char *subject, const char *region_prefix, size_t limit,
                      void (*fn)(const jz_access *a, void *arg), void *arg, jz_error *err);

#endif
