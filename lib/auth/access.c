/*
 * access.c - 查询留痕: who looked at what (jz_user.h).  Each entry is
 * appended in its own transaction, durable before the answer it records is
 * sent, with the user as the actor of the transaction's audit entry; the
 * access_log table is in the audit log's cover, so an entry removed or
 * changed outside jiuzhu shows in `jiuzhu audit verify`.  ID numbers are
 * never kept: a subject or a route that holds one is refused.
 */
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

static jz_err put_txn(jz_store *s, void *arg, jz_error *err)
{
    return jz_store_access_put(s, arg, err);
}

jz_err jz_access_log(jz_store *s, const jz_access *a, jz_error *err)
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
    char saved[64];
    snprintf(saved, sizeof saved, "%s", jz_store_actor(s));
    jz_store_set_actor(s, a->login);
    jz_err rc = jz_store_run(s, put_txn, (void *)a, err);
    jz_store_set_actor(s, saved);
    return rc;
}

jz_err jz_access_list(jz_store *s, const char *subject, const char *region_prefix, size_t limit,
                      void (*fn)(const jz_access *a, void *arg), void *arg, jz_error *err)
{
    const char *prefix = region_prefix ? region_prefix : "";
    if (!digits_ok(prefix, JZ_SCOPE_MAX))
        return jz_error_set(err, JZ_EINPUT, "region", prefix, "区划前缀应为至多 12 位数字");
    return jz_store_access_list(s, subject, prefix, limit, fn, arg, err);
}
