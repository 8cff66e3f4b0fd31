/*
 * pg_util.c - the PostgreSQL backend's helpers (pg_int.h): parameters,
 * statements prepared once per connection, errors, cells.  They call
 * nothing else of the store.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pg_int.h"

/* The server's notices (a WARNING as an immediate shutdown ends the
 * connection, a NOTICE of a statement) are PostgreSQL's own English words:
 * libpq would print them on stderr, beside the command's output.  What
 * matters of them reaches the user as the failed statement's jz_error. */
static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* The connection's connect_timeout in seconds (0: none, as libpq). */
static int connect_timeout(PGconn *c)
{
    int s = 0;
    PQconninfoOption *o = PQconninfo(c);
    for (PQconninfoOption *i = o; i && i->keyword; i++)
        if (strcmp(i->keyword, "connect_timeout") == 0 && i->val)
            s = atoi(i->val);
    PQconninfoFree(o);
    return s > 0 ? s : 0;
}

/* Drives a connection started by PQconnectStart or PQresetStart (poll is
 * PQconnectPoll or PQresetPoll) until it is made or has failed.  The
 * notice processor is set before the first message of the server is read:
 * a server shutting down sends its WARNING while the connection is being
 * made, and libpq's default processor would print it. */
static void connecting(PGconn *c, PostgresPollingStatusType (*poll_fn)(PGconn *))
{
    PQsetNoticeProcessor(c, quiet_notice, NULL);
    int limit = connect_timeout(c);
    time_t deadline = limit ? time(NULL) + limit : 0;
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (st == PGRES_POLLING_READING || st == PGRES_POLLING_WRITING) {
        struct pollfd fd = {.fd = PQsocket(c),
                            .events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT};
        if (fd.fd < 0)
            break;
        int wait = -1;
        if (deadline) {
            time_t now = time(NULL);
            if (now >= deadline)
                break; /* PQstatus stays short of CONNECTION_OK */
            wait = (int)(deadline - now) * 1000;
        }
        int n = poll(&fd, 1, wait);
        if (n < 0 && errno != EINTR)
            break;
        if (n == 0)
            continue; /* the deadline, checked above */
        st = poll_fn(c);
    }
}

PGconn *jz__pg_connect(const char *where, const char *dbname)
{
    /* expand_dbname: the first dbname is the whole URL; the second, if
     * given, wins (a NULL value is ignored). */
    const char *keys[] = {"dbname", "dbname", NULL};
    const char *vals[] = {where, dbname, NULL};
    PGconn *c = PQconnectStartParams(keys, vals, 1);
    if (c && PQstatus(c) != CONNECTION_BAD)
        connecting(c, PQconnectPoll);
    return c;
}

void jz__pg_reset(PGconn *c)
{
    if (PQresetStart(c))
        connecting(c, PQresetPoll);
}

void jz__pg_array_add(jz__abuf *b, const char *s)
{
    jz__abuf_put(b, b->n ? ",\"" : "{\"", 2);
    for (const char *c = s; *c;) {
        size_t run = strcspn(c, "\"\\");
        jz__abuf_put(b, c, run);
        c += run;
        if (*c) {
            jz__abuf_put(b, "\\", 1);
            jz__abuf_put(b, c++, 1);
        }
    }
    jz__abuf_put(b, "\"", 1);
}

const char *jz__pg_array_end(jz__abuf *b)
{
    if (!b->n)
        jz__abuf_put(b, "{", 1);
    jz__abuf_put(b, "}", 2); /* with its NUL */
    return b->oom ? NULL : (const char *)b->p;
}

void jz__pg_p_reset(jz__pg_params *p)
{
    p->n = 0;
}

void jz__pg_p_int(jz__pg_params *p, int64_t v)
{
    if (p->n >= JZ__PG_MAX_PARAMS)
        return;
    int i = p->n++;
    snprintf(p->buf[i], sizeof p->buf[i], "%lld", (long long)v);
    p->v[i] = p->buf[i];
    p->len[i] = 0;
    p->fmt[i] = 0;
}

void jz__pg_p_text(jz__pg_params *p, const char *s)
{
    if (p->n >= JZ__PG_MAX_PARAMS)
        return;
    int i = p->n++;
    p->v[i] = s ? s : "";
    p->len[i] = 0;
    p->fmt[i] = 0;
}

void jz__pg_p_bytes(jz__pg_params *p, const void *b, int n)
{
    if (p->n >= JZ__PG_MAX_PARAMS)
        return;
    int i = p->n++;
    p->v[i] = n ? b : "";
    p->len[i] = n;
    p->fmt[i] = 1;
}

const char *jz__pg_state(const PGresult *r)
{
    const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    return s ? s : "";
}

void jz__pg_message(char *out, size_t n, const char *msg)
{
    size_t o = 0;
    if (!msg || !msg[0])
        msg = "?";
    for (const char *c = msg; *c && o + 1 < n; c++) {
        if (*c == '\n' || *c == '\t' || *c == '\r') {
            if (o && out[o - 1] != ' ')
                out[o++] = ' ';
            continue;
        }
        out[o++] = *c;
    }
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
}

jz_err jz__pg_error(pg *q, const PGresult *r, jz_error *err, const char *what)
{
    const char *state = jz__pg_state(r);
    const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(q->c);
    char text[400];
    jz__pg_message(text, sizeof text, msg);
    /* 42P07: a partition another writer created at the same moment. */
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
        strcmp(state, "55P03") == 0 || strcmp(state, "42P07") == 0)
        return jz_error_set(err, JZ_EBUSY, NULL, NULL,
                            "%s时与其他用户同时修改了同一数据，请重试（%s）", what, state);
    if (PQstatus(q->c) != CONNECTION_OK)
        return jz_error_set(err, JZ_EIO, "database", q->dbname,
                            "%s时与 PostgreSQL 的连接中断：%s", what, text);
    return jz_error_set(err, JZ_EIO, "database", q->dbname, "%s失败（PostgreSQL：%s）", what, text);
}

/* A connection the server dropped (a restart, a failover) is made again
 * before the next statement outside a transaction: its prepared statements
 * went with it.  Inside a transaction the error stands: what the
 * transaction did is gone, and jz_store_run starts it again. */
static void revive(pg *q)
{
    if (PQstatus(q->c) == CONNECTION_OK || q->in_tx)
        return;
    jz__pg_reset(q->c);
    if (PQstatus(q->c) == CONNECTION_OK) {
        q->n_stmts = 0;
        PQsetClientEncoding(q->c, "UTF8");
        PGresult *r = PQexec(q->c, "SET client_min_messages = warning");
        PQclear(r);
        r = PQexec(q->c, "SET plan_cache_mode = force_custom_plan");
        PQclear(r);
        if (q->readonly) {
            r = PQexec(q->c, "SET default_transaction_read_only = on");
            PQclear(r);
        }
    }
}

/* The name of sql's prepared statement, preparing it on first use. */
static const char *statement(pg *q, const char *sql, int nparams, char name[16], jz_err *rc,
                             jz_error *err, const char *what)
{
    for (int i = 0; i < q->n_stmts; i++)
        if (q->stmts[i].sql == sql) {
            snprintf(name, 16, "s%d", i);
            return name;
        }
    if (q->n_stmts >= (int)(sizeof q->stmts / sizeof q->stmts[0])) {
        name[0] = '\0'; /* beyond the cache: unnamed, prepared each time */
    } else {
        snprintf(name, 16, "s%d", q->n_stmts);
    }
    PGresult *r = PQprepare(q->c, name, sql, nparams, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        *rc = jz__pg_error(q, r, err, what);
        PQclear(r);
        return NULL;
    }
    PQclear(r);
    if (name[0])
        q->stmts[q->n_stmts++].sql = sql;
    return name;
}

static PGresult *run(pg *q, const char *sql, const jz__pg_params *p, const char *what,
                     bool *unique, jz_err *rc, jz_error *err)
{
    char name[16];
    int n = p ? p->n : 0;
    *rc = JZ_OK;
    if (q->rows && !q->in_put && (*rc = jz__pg_rows_flush(q, err)))
        return NULL;
    revive(q);
    if (!statement(q, sql, n, name, rc, err, what))
        return NULL;
    PGresult *r = PQexecPrepared(q->c, name, n, p ? p->v : NULL, p ? p->len : NULL,
                                 p ? p->fmt : NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return r;
    if (unique && strcmp(jz__pg_state(r), "23505") == 0) {
        *unique = true;
        PQclear(r);
        return NULL;
    }
    *rc = jz__pg_error(q, r, err, what);
    PQclear(r);
    return NULL;
}

PGresult *jz__pg_run(pg *q, const char *sql, const jz__pg_params *p, const char *what, jz_err *rc,
                     jz_error *err)
{
    return run(q, sql, p, what, NULL, rc, err);
}

PGresult *jz__pg_run_unique(pg *q, const char *sql, const jz__pg_params *p, const char *what,
                            bool *unique, jz_err *rc, jz_error *err)
{
    *unique = false;
    return run(q, sql, p, what, unique, rc, err);
}

jz_err jz__pg_exec(pg *q, const char *sql, jz_error *err)
{
    jz_error scratch;
    if (q->rows && !q->in_put) {
        jz_err frc = jz__pg_rows_flush(q, err ? err : &scratch);
        if (frc)
            return frc;
    }
    revive(q);
    PGresult *r = PQexec(q->c, sql);
    ExecStatusType st = PQresultStatus(r);
    jz_err rc = JZ_OK;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = err ? jz__pg_error(q, r, err, "执行数据库命令") : JZ_EIO;
    PQclear(r);
    return rc;
}

int64_t jz__pg_int(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return 0;
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

const char *jz__pg_text(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
}

void jz__pg_copy_text(char *dst, size_t cap, const PGresult *r, int row, int col)
{
    snprintf(dst, cap, "%s", jz__pg_text(r, row, col));
}

jz_err jz__pg_do(pg *q, const char *sql, const jz__pg_params *p, const char *what, int64_t *n,
                 jz_error *err)
{
    jz_err rc;
    PGresult *r = jz__pg_run(q, sql, p, what, &rc, err);
    if (!r)
        return rc;
    if (n)
        *n = strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return JZ_OK;
}
