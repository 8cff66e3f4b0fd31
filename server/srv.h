/*
 * srv.h - what the server's handlers share: the server (policy loaded once,
 * the store's path, limits), one request and its response, and the helpers
 * that turn library results and errors into HTTP.
 *
 * Handlers are thin: they read the route's parameters, the query and the
 * JSON body into a library request, call the library operation with the
 * request's jz_ctx (the logged-in user is its actor), and render the result
 * or the jz_error.  They never run SQL and never decide policy.
 */
#ifndef JZ_SRV_H
#define JZ_SRV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "jiuzhu/jz_ctx.h"
#include "jiuzhu/jz_user.h"
#include "router.h"

#define SRV_BODY_MAX_DEFAULT (1u << 20) /* 1 MiB: a household record is a few KB */
#define SRV_BODY_MAX_UPLOAD (64u << 20) /* a department's feed file */
#define SRV_JSON_DEPTH_MAX 32
#define SRV_ACCESS_MAX 4 /* 查询留痕 entries one request may defer */

typedef struct jz_server_opts {
    const char *db;         /* the store */
    const char *listen;     /* "127.0.0.1:8080" (default), "[::1]:8080", ":8080" */
    const char *policy_dir; /* regions, params, calendar */
    const char *calendar;   /* NULL: policy_dir's */
    const char *tls_cert, *tls_key; /* PEM files; both or neither */
    unsigned threads;       /* worker threads; 0: 2 per core */
    unsigned max_connections; /* 0: 4096 */
    unsigned timeout;       /* seconds an idle connection is kept; 0: 60 */
    const char *port_file;  /* if set, the bound port is written there (tests) */
    bool secure_cookies;    /* Secure cookies without TLS here: behind a TLS proxy */
    const char *web_dir;    /* the built UI (static.h); missing: the API only */
} jz_server_opts;

/* Runs the server until SIGINT or SIGTERM; returns a jz_err. */
jz_err jz_server_run(const jz_server_opts *o, jz_error *err);

typedef struct srv {
    const jz_server_opts *o;
    jz_regions *regions;
    jz_paramset *params;
    jz_calendar *calendar;
    jz_once_programmes *programmes;
    jz_banks *banks; /* policy/banks (jz_pay.h) */
    jz_auth_params auth;
    bool tls;
    pthread_mutex_t mu; /* guards stores */
    jz_store **stores;  /* one per worker thread, opened on its first request */
    size_t n_stores, cap_stores;
    struct srv_logq *logq; /* the access log's writer (NULL: srv_access writes at once) */
    struct srv_web *web;   /* the UI's files (static.h), or NULL */
} srv;

/* Where a request's headers, query arguments and cookies come from: the
 * HTTP connection, or a fuzz target's table. */
enum { SRV_HEADER = 0, SRV_QUERY, SRV_COOKIE };
typedef const char *(*srv_lookup_fn)(void *arg, int kind, const char *name);

typedef struct srv_req {
    srv *sv;
    srv_lookup_fn lookup;
    void *lookup_arg;
    const char *method, *url;
    jz_route_match m;
    char *body;
    size_t body_len, body_cap, body_max;
    bool too_big;
    bool authed;
    jz_session sess; /* the logged-in user's session (token empty) */
    const char *token; /* the session token as sent (cookie or bearer) */
    jz_ctx x;        /* store: the thread's; actor: the user */
    int64_t now;     /* unix seconds at arrival */
    /* 查询留痕 gathered for the log writer (srv_access) */
    bool defer_access;
    bool acc_required; /* the answer holds what was logged: no entry, no answer */
    size_t n_acc;
    jz_access acc[SRV_ACCESS_MAX];
} srv_req;

typedef struct srv_res {
    unsigned status;
    char *body; /* malloc'd */
    size_t len;
    const char *type;  /* Content-Type */
    char filename[128]; /* non-empty: an attachment with this name */
    char cookie[256];   /* Set-Cookie, if any */
} srv_res;

/* Loads the policy once and checks the store (srv_cleanup frees). */
jz_err srv_init(srv *sv, const jz_server_opts *o, jz_error *err);
void srv_cleanup(srv *sv);
/* A request from route to response: body size, login, role, CSRF, handler.
 * rq has sv, lookup, method, url, m (jz_route_find), body and now set. */
void srv_dispatch(srv_req *rq, srv_res *rs);

/* ---- responses ------------------------------------------------------------- */

/* A JSON response (steals j; out of memory becomes a 503). */
void srv_json(srv_res *rs, unsigned status, json_t *j);
/* A JSON response written as text already (steals text; NULL: out of
 * memory, answered 503). */
void srv_text_json(srv_res *rs, unsigned status, char *text);
/* Any body: text is copied. */
void srv_body(srv_res *rs, unsigned status, const char *type, const char *text, size_t len);
/* The error e as JSON, with the status of its kind (jz_err_kind_of). */
void srv_error(srv_res *rs, const jz_error *e);
/* An error made here. */
void srv_fail(srv_res *rs, jz_err code, const char *field, const char *value, const char *fmt,
              ...) __attribute__((format(printf, 5, 6)));
/* An error with an explicit HTTP status and stable code (404 route, 405,
 * 413, 400 bad JSON...). */
void srv_fail_status(srv_res *rs, unsigned status, const char *code, const char *message);

/* ---- requests -------------------------------------------------------------- */

/* A query-string argument, or NULL. */
const char *srv_query(const srv_req *rq, const char *name);
/* A whole-number query argument lo..hi (no sign, no leading zero), def
 * when absent; -1 after answering 422 naming it. */
#define SRV_XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
/* Logs a read or a download (查询留痕) before it is answered; false after
 * answering 503. */
bool srv_logged(srv_req *rq, srv_res *rs, jz_access_kind kind, const char *subject,
                const char *region);
/* Answers the file at path as an attachment named name. */
void srv_send_file(srv_res *rs, const char *path, const char *type, const char *name);
/* A private directory (mkdtemp) for a file the library writes by name;
 * false after answering 500. */
bool srv_temp_dir(srv_res *rs, char dir[32]);
long long srv_int_arg(srv_req *rq, srv_res *rs, const char *name, long long lo, long long hi,
                      long long def);
/* A request header, or NULL. */
const char *srv_header(const srv_req *rq, const char *name);
/* The body as a JSON object, or NULL after answering 400/415/422 in rs.
 * The caller json_decref()s it. */
json_t *srv_body_json(srv_req *rq, srv_res *rs);

/* Parses a JSON request body: it must be a JSON object, nest at most
 * SRV_JSON_DEPTH_MAX deep and hold no duplicate keys.  Pure (fuzzed). */
jz_err srv_parse_json(const char *body, size_t len, json_t **out, jz_error *err);

/* Rejects any key of obj not in the NULL-terminated list allowed
 * (JZ_EINPUT naming the key). */
jz_err srv_only_keys(const json_t *obj, const char *const *allowed, jz_error *err);

/* A record number of the path ({id} of a case, an enrolment, an alert):
 * 1 to INT64_MAX written in digits only (no sign, no space, no leading
 * zero); false otherwise, and the caller answers 404. */
bool srv_record_id(const char *s, int64_t *out);

/* ---- scope and the access log ----------------------------------------------- */

/* Answers 404 and logs a refused access of subject (in region, if known). */
void srv_not_found(srv_req *rq, srv_res *rs, const char *subject, const char *region);

/* Whether region lies within the user's scope.  If not: logs a refused
 * access for subject and answers 404 (never a hint that it exists). */
bool srv_in_scope(srv_req *rq, srv_res *rs, const char *region, const char *subject);
/* The scope lists are filtered to: the user's scope, narrowed by a
 * ?region= that lies within it (else 404 is answered and NULL returned). */
const char *srv_list_scope(srv_req *rq, srv_res *rs, char buf[JZ_SCOPE_MAX]);
/* Appends to the access log (查询留痕); a failure is logged to stderr and
 * answered 503 by the caller if it returns false.  In the server
 * (rq->defer_access) the entry is kept with the request and written by the
 * log writer before the answer leaves (true here; if it then fails, an
 * answer that holds what was read becomes a 503). */
bool srv_access(srv_req *rq, jz_access_kind kind, const char *subject, const char *region);

/* ---- the log writer (logq.c) ---------------------------------------------------- */

/* A request's entries, waiting for the writer. */
typedef struct srv_logitem {
    const jz_access *a;
    size_t n;
    jz_err rc; /* set by the writer before done */
    jz_error err;
    void (*done)(struct srv_logitem *it); /* called on the writer's thread */
    struct srv_logitem *next;
} srv_logitem;

typedef struct srv_logq srv_logq;
/* Starts the writer on its own connection to db. */
jz_err srv_logq_start(srv_logq **q, const char *db, jz_error *err);
/* Queues it after calling suspend(arg) (under the queue's lock, so that
 * the writer never finishes an item before it is suspended); false, with
 * nothing called, once the writer is stopping. */
bool srv_logq_push(srv_logq *q, srv_logitem *it, void (*suspend)(void *arg), void *arg);
/* Refuses new items, writes and finishes every queued one, and stops the
 * thread; srv_logq_push answers false from then on.  The queue stays valid
 * (workers may still look at it) until srv_logq_free, after the workers. */
void srv_logq_stop(srv_logq *q);
void srv_logq_free(srv_logq *q);

/* The region of a household (ID) from its stored record; JZ_ENOTFOUND. */
jz_err srv_household_region(srv_req *rq, const char *household_id, char region[13],
                            jz_error *err);

/* The household of id (its ID or a member's ID number) and its region,
 * within the user's scope; else false after answering 404 (the same for a
 * household that does not exist) and logging the refusal. */
bool srv_household_in_scope(srv_req *rq, srv_res *rs, const char *id, char region[13]);

/* JSON helpers */
json_t *srv_user_json(const jz_user *u);
const char *srv_date(jz_date d, char buf[16]);

/* ---- handlers (routes_*.c) -------------------------------------------------- */

#define ROUTE(name) void name(srv_req *rq, srv_res *rs)
ROUTE(h_login);
ROUTE(h_logout);
ROUTE(h_me);
ROUTE(h_me_password);
ROUTE(h_openapi);
ROUTE(h_health);
ROUTE(h_users_list);
ROUTE(h_users_add);
ROUTE(h_user_disable);
ROUTE(h_user_enable);
ROUTE(h_user_password);
ROUTE(h_household_get);
ROUTE(h_household_put);
ROUTE(h_household_access);
ROUTE(h_access_list);
ROUTE(h_feed_import);
ROUTE(h_monitor_run);
ROUTE(h_monitor_fpm);
ROUTE(h_alerts_list);
ROUTE(h_referrals);
ROUTE(h_alert_get);
ROUTE(h_alert_action);
ROUTE(h_staff_add);
ROUTE(h_staff_relative);
ROUTE(h_stats);
ROUTE(h_audit_verify);
ROUTE(h_assess);
ROUTE(h_household_chain);
ROUTE(h_cases_list);
ROUTE(h_cases_due);
ROUTE(h_case_accept);
ROUTE(h_case_get);
ROUTE(h_case_step);
ROUTE(h_case_document);
ROUTE(h_village_postings);
ROUTE(h_enrolments_list);
ROUTE(h_enrolment_exit);
ROUTE(h_enrolment_stop);
ROUTE(h_death);
ROUTE(h_reviews_open_due);
/* payments (routes_pay.c) */
ROUTE(h_pay_plan);
ROUTE(h_pay_batches_prepare);
ROUTE(h_pay_batches_list);
ROUTE(h_pay_batch_get);
ROUTE(h_pay_batch_approve);
ROUTE(h_households_list);
ROUTE(h_rules);
ROUTE(h_regions);
ROUTE(h_simulate);
ROUTE(h_params);
ROUTE(h_audit_list);
ROUTE(h_pay_batch_export);
ROUTE(h_pay_batch_file);
ROUTE(h_pay_batch_results);
ROUTE(h_pay_followups);
ROUTE(h_payee_put);
ROUTE(h_payee_get);
ROUTE(h_institutions_list);
ROUTE(h_institutions_add);
ROUTE(h_pay_once);
ROUTE(h_enrolment_hold);
ROUTE(h_enrolment_release);
ROUTE(h_recoveries_list);
ROUTE(h_recovery_repay);
ROUTE(h_household_payments);
ROUTE(h_pay_reconcile);
ROUTE(h_pay_statement);
ROUTE(h_pay_due);

#endif
