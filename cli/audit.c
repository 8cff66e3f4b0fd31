/*
 * audit.c - `jiuzhu audit verify DB [--head SEQ:HASH]` checks the audit log
 * and the data against it: the chain of entries (SHA-256 before schema 5,
 * HMAC-SHA-256 under the audit key since), the first entry that was edited,
 * deleted, forged or inserted out of order, and every table's rows against
 * the fingerprints the log committed to, naming the tables (and rows) that
 * were changed outside jiuzhu.  `jiuzhu audit head DB` prints the newest
 * entry's number and hash: a checkpoint to keep or publish outside the
 * database, which `verify --head` checks later (jz_audit_verify; this file
 * prints what it found).  docs/integrity.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "jiuzhu/jz_audit.h"
#include "jiuzhu/jz_store.h"

static int usage(const char *sub)
{
    bool help = strcmp(sub, "--help") == 0;
    fputs("用法: jiuzhu audit verify 数据库 [--head 序号:哈希]   校验审计日志，并核对每张表的数据\n"
          "      jiuzhu audit head 数据库                     "
          "校验后打印最新一条的序号和哈希（留存备查）\n"
          "校验需要审计密钥：环境变量 JIUZHU_AUDIT_KEY 指定密钥文件，默认是数据库旁的 "
          "数据库.audit-key\n",
          help ? stdout : stderr);
    return help ? EXIT_DONE : EXIT_USAGE;
}

int cmd_audit(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "", *db = NULL, *head = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--head") == 0 && i + 1 < argc)
            head = argv[++i];
        else if (!db && argv[i][0] != '-')
            db = argv[i];
        else
            db = NULL, sub = "";
    }
    if (!db || (strcmp(sub, "verify") != 0 && strcmp(sub, "head") != 0))
        return usage(sub);
    jz_store *s = NULL;
    jz_error err;
    jz_error_clear(&err);
    if (jz_store_open(db, JZ_STORE_READONLY, &s, &err) != JZ_OK)
        return cli_fail(&err);
    bool head_cmd = strcmp(sub, "head") == 0;
    jz_ctx x = {.store = s, .today = jz_date_today()};
    jz_audit_check c;
    jz_err rc = jz_audit_verify(&x, head_cmd ? NULL : head, &c, &err);
    jz_store_close(s);
    if (rc == JZ_EUSAGE && strcmp(err.field, "head") == 0) {
        fputs("jiuzhu audit: --head 应为 序号:64 位十六进制哈希（jiuzhu audit head 的输出；"
              "序号为 1 到 9223372036854775807 的整数）\n",
              stderr);
        return EXIT_USAGE;
    }
    if (rc)
        return cli_fail(&err);
    const jz_audit_report *rep = &c.report;
    if (head_cmd)
        printf("%lld:%s\n", (long long)rep->head_seq, rep->head_hash);
    if (rep->bad_seq) {
        printf("审计日志被篡改：%s\n前 %lld 条完好。\n", rep->problem, (long long)rep->head_seq);
        return EXIT_INPUT;
    }
    switch (c.checkpoint) {
    case JZ_CHECKPOINT_MISSING:
        printf("审计日志被篡改：留存的第 %lld 条已不在日志中（日志只有 %lld 条）\n",
               (long long)c.checkpoint_seq, (long long)rep->head_seq);
        break;
    case JZ_CHECKPOINT_DIFFERS:
        printf("审计日志被篡改：第 %lld 条的哈希与留存的不同（日志从这一条起被重写）\n",
               (long long)c.checkpoint_seq);
        break;
    case JZ_CHECKPOINT_OLDER:
        printf("留存的第 %lld 条相符；之后又追加了 %lld 条，请用 audit head 留存最新的哈希\n",
               (long long)c.checkpoint_seq, (long long)c.appended);
        break;
    default:
        break;
    }
    if (rep->data_problems)
        printf("数据在 jiuzhu 之外被改动：%d 张表与审计日志不符\n%s", rep->data_problems, rep->data);
    if (rep->unchained_why[0])
        printf("审计日志不完整：%lld 个事务的审计记录已提交，但未能入链（%s）\n",
               (long long)rep->unchained, rep->unchained_why);
    if (!jz_audit_intact(&c))
        return EXIT_INPUT;
    if (!head_cmd) {
        if (rep->keyed_from && rep->data_unchecked)
            printf("审计日志完好：共 %lld 条（第 %lld 条起带密钥，密钥编号 %s），最新一条 %lld:%s\n"
                   "数据未与审计日志比对：PostgreSQL 数据库尚不支持这项比对，只校验了记录链\n",
                   (long long)rep->rows, (long long)rep->keyed_from, rep->key_id,
                   (long long)rep->head_seq, rep->head_hash);
        else if (rep->keyed_from)
            printf("审计日志完好：共 %lld 条（第 %lld 条起带密钥，密钥编号 %s），最新一条 %lld:%s\n"
                   "数据与审计日志相符：%lld 张表，%lld 行\n",
                   (long long)rep->rows, (long long)rep->keyed_from, rep->key_id,
                   (long long)rep->head_seq, rep->head_hash, (long long)rep->tables,
                   (long long)rep->data_rows);
        else
            printf("审计日志完好：共 %lld 条，最新一条 %lld:%s\n"
                   "（旧版数据库：日志不带密钥，也不覆盖数据；用 jiuzhu 写入一次即升级）\n",
                   (long long)rep->rows, (long long)rep->head_seq, rep->head_hash);
        if (rep->unchained)
            printf("另有 %lld 个事务刚提交，其审计记录正在入链\n", (long long)rep->unchained);
    }
    return EXIT_DONE;
}
