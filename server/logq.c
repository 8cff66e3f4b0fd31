/*
 * logq.c - the server's writer of 查询留痕 (srv.h).
 *
 * Every read of a household is logged before its answer leaves, and the
 * entry must be durable (one commit, one fsync).  Written by the worker
 * that answers, a commit holds that worker for the whole fsync, and the
 * entries that can share it are at most one per worker.  So the workers
 * hand their requests' entries here and suspend the connection: this
 * thread commits everything that has gathered in one transaction
 * (jz_access_log_many) on its own connection, then resumes each request,
 * whose answer is sent only then, or replaced by a refusal if its entry
 * could not be written.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "srv.h"

struct srv_logq {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    jz_store *store;
    srv_logitem *head, **tail;
    bool stopping;
};

/* Commits the entries of items (a list) in one transaction; if that is
 * refused, each item on its own, so that one bad entry refuses only its
 * own request. */
static void commit(srv_logq *q, srv_logitem *items)
{
    size_t n = 0, cap = 0;
    for (srv_logitem *it = items; it; it = it->next)
        cap += it->n;
    jz_access *all = malloc((cap ? cap : 1) * sizeof *all);
    jz_error e;
    jz_error_clear(&e);
    jz_err rc = JZ_ENOMEM;
    if (all) {
        for (srv_logitem *it = items; it; it = it->next) {
            memcpy(all + n, it->a, it->n * sizeof *all);
            n += it->n;
        }
        rc = jz_access_log_many(q->store, all, n, &e);
    } else {
        jz_error_set(&e, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    free(all);
    for (srv_logitem *it = items; it; it = it->next) {
        if (rc == JZ_OK || !items->next) {
            it->rc = rc;
            it->err = e;
        } else {
            jz_error_clear(&it->err);
            it->rc = jz_access_log_many(q->store, it->a, it->n, &it->err);
        }
    }
}

static void *writer(void *arg)
{
    srv_logq *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->head && !q->stopping)
            pthread_cond_wait(&q->cv, &q->mu);
        if (!q->head)
            break; /* stopping, and nothing is left */
        srv_logitem *items = q->head;
        q->head = NULL;
        q->tail = &q->head;
        pthread_mutex_unlock(&q->mu);
        commit(q, items);
        for (srv_logitem *it = items, *next; it; it = next) {
            next = it->next; /* it may be gone once done returns */
            it->done(it);
        }
        pthread_mutex_lock(&q->mu);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

jz_err srv_logq_start(srv_logq **out, const char *db, jz_error *err)
{
    srv_logq *q = calloc(1, sizeof *q);
    if (!q)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    jz_err rc = jz_store_open(db, 0, &q->store, err);
    if (rc) {
        free(q);
        return rc;
    }
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    q->tail = &q->head;
    if (pthread_create(&q->thread, NULL, writer, q) != 0) {
        pthread_cond_destroy(&q->cv);
        pthread_mutex_destroy(&q->mu);
        jz_store_close(q->store);
        free(q);
        return jz_error_set(err, JZ_EIO, NULL, NULL, "无法启动查询留痕的写入线程");
    }
    *out = q;
    return JZ_OK;
}

bool srv_logq_push(srv_logq *q, srv_logitem *it, void (*suspend)(void *arg), void *arg)
{
    pthread_mutex_lock(&q->mu);
    if (q->stopping) {
        pthread_mutex_unlock(&q->mu);
        return false;
    }
    /* Suspended before it is queued: the writer cannot resume a request
     * that is not suspended yet. */
    suspend(arg);
    it->next = NULL;
    *q->tail = it;
    q->tail = &it->next;
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
    return true;
}

void srv_logq_stop(srv_logq *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->mu);
    bool was = q->stopping;
    q->stopping = true;
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
    if (!was)
        pthread_join(q->thread, NULL); /* everything queued is written and resumed */
}

void srv_logq_free(srv_logq *q)
{
    if (!q)
        return;
    srv_logq_stop(q);
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
    jz_store_close(q->store);
    free(q);
}
