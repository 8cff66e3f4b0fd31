/*
 * access.c - 查询留痕: who looked at what (jz_user.h).  Each entry is
 * durable before the answer it records is sent, with the user as the actor
 * of the transaction's audit entry (when a transaction holds the entries of
 * several users at once, the actor is 查询留痕 and each row names its
 * user); the
 * access_log table is in the audit log's cover, so an entry removed or
 * changed outside jiuzhu shows in `jiuzhu audit verify`.  ID numbers are
 * never kept: a subject or a route that holds one is refused.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth_int.h"
#include "base/base_int.h"

const char *const jz_access_kind_zh[4] = {"查看档案", "查看完整身份证号", "越权请求被拒", "导出"};

/* Valid UTF-8 without control characters, shorter than cap. */
static bool text_ok(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n >= cap)
        return false;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0, k; i < n; i += k)
        if (p[i] < 0x20 || p[i] == 0x7f || !(k = jz__utf8_seq_len(p + i, n - i)))
            return false;
    return true;
}

static bool digits_ok(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return n < cap;
}

static jz_err check(const jz_access *a, jz_error *err)
{
    if ((int)a->kind < 0 || a->kind > JZ_ACCESS_EXPORT)
        return jz_error_set(err, JZ_EINPUT, "kind", NULL, "未知的留痕类别 %d", (int)a->kind);
    if (!a->login[0] || !text_ok(a->login, sizeof a->login))
        return jz_error_set(err, JZ_EINPUT, "login", NULL, "留痕须有查询人的登录名");
    if (!text_ok(a->subject, sizeof a->subject) || !text_ok(a->what, sizeof a->what))
        return jz_error_set(err, JZ_EINPUT, "what", NULL,
                            "留痕的对象或操作不是有效的 UTF-8 文本、含有控制字符或过长");
    if (!digits_ok(a->region, sizeof a->region))
        return jz_error_set(err, JZ_EINPUT, "region", NULL, "留痕的区划应为至多 12 位数字");
    if (jz__auth_has_idnum(a->subject) || jz__auth_has_idnum(a->what))
        return jz_error_set(err, JZ_EINPUT, "what", NULL,
                            "留痕不记身份证号码：对象应为户编号，操作应为路由或命令的模板");
    if (a->at <= 0)
        return jz_error_set(err, JZ_EINPUT, "at", NULL, "留痕须有时间");
    return JZ_OK;
}

/* Group commit.  A server reads many households at once, and every read
 * waits for its entry to be durable: one commit (and one fsync) each would
 * make the disk the limit of every read.  So the entries that arrive while
 * a commit is in progress wait together, and the first of them to find no
 * commit in progress writes them all in one transaction on its own
 * connection; every caller still returns only once its own entry is
 * committed (or with the error that refused the whole batch). */
typedef struct pending {
    jz_access a;
    const char *where; /* the database (jz_store_where): batches are per database */
    jz_err rc;
    jz_error err;
    bool done;
    struct pending *next;
} pending;

static pthread_mutex_t gc_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gc_cv = PTHREAD_COND_INITIALIZER;
static pending *gc_head, **gc_tail = &gc_head;
static bool gc_writing;

static jz_err put_batch(jz_store *s, void *arg, jz_error *err)
{
    jz_err rc = JZ_OK;
    for (pending *p = arg; p && !rc; p = p->next)
        rc = jz_store_access_put(s, &p->a, err);
    return rc;
}

static jz_err write_batch(jz_store *s, pending *batch, jz_error *err)
{
    const char *actor = batch->a.login;
    for (pending *p = batch->next; p; p = p->next)
        if (strcmp(p->a.login, actor) != 0)
            actor = "查询留痕";
    return jz_store_run_as(s, actor, put_batch, batch, err);
}

typedef struct many {
    const jz_access *a;
    size_t n;
} many;

static jz_err put_many(jz_store *s, void *arg, jz_error *err)
{
    const many *m = arg;
    jz_err rc = JZ_OK;
    for (size_t i = 0; i < m->n && !rc; i++)
        rc = jz_store_access_put(s, &m->a[i], err);
    return rc;
}

jz_err jz_access_log_many(jz_store *s, const jz_access *a, size_t n, jz_error *err)
{
    if (!n)
        return JZ_OK;
    const char *actor = a[0].login;
    for (size_t i = 0; i < n; i++) {
        jz_err rc = check(&a[i], err);
        if (rc)
            return rc;
        if (strcmp(a[i].login, actor) != 0)
            actor = "查询留痕";
    }
    many m = {a, n};
    return jz_store_run_as(s, actor, put_many, &m, err);
}

jz_err jz_access_log(jz_store *s, const jz_access *a, jz_error *err)
{
    jz_err crc = check(a, err);
    if (crc)
        return crc;
    pending me;
    memset(&me, 0, sizeof me);
    me.a = *a;
    me.where = jz_store_where(s);
    pthread_mutex_lock(&gc_mu);
    *gc_tail = &me;
    gc_tail = &me.next;
    while (!me.done) {
        if (gc_writing) {
            pthread_cond_wait(&gc_cv, &gc_mu);
            continue;
        }
        /* No commit in progress: this caller writes what has gathered. */
        gc_writing = true;
        pending *batch = NULL, **bt = &batch, **pp = &gc_head;
        while (*pp) {
            pending *p = *pp;
            if (strcmp(p->where, me.where) == 0) {
                *pp = p->next;
                p->next = NULL;
                *bt = p;
                bt = &p->next;
            } else {
                pp = &p->next;
            }
        }
        gc_tail = pp;
        pthread_mutex_unlock(&gc_mu);
        jz_error e;
        jz_error_clear(&e);
        jz_err rc = write_batch(s, batch, &e);
        pthread_mutex_lock(&gc_mu);
        for (pending *p = batch, *next; p; p = next) {
            next = p->next;
            p->rc = rc;
            p->err = e;
            p->done = true; /* p may be gone once the lock is let go */
        }
        gc_writing = false;
        pthread_cond_broadcast(&gc_cv);
    }
    pthread_mutex_unlock(&gc_mu);
    if (me.rc && err)
        *err = me.err;
    return me.rc;
}

jz_err jz_access_list(jz_store *s, const char *subject, const char *region_prefix, size_t limit,
                      void (*fn)(const jz_access *a, void *arg), void *arg, jz_error *err)
{
    const char *prefix = region_prefix ? region_prefix : "";
    if (!digits_ok(prefix, JZ_SCOPE_MAX))
        return jz_error_set(err, JZ_EINPUT, "region", prefix, "区划前缀应为至多 12 位数字");
    return jz_store_access_list(s, subject, prefix, limit, fn, arg, err);
}
