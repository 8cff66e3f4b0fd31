/*
 * audit.c - `jiuzhu audit verify DB [--head SEQ:HASH]` walks the audit log's
 * SHA-256 chain and reports the first row that was edited, deleted or
 * inserted out of order; `jiuzhu audit head DB` prints the newest row's
 * number and hash, an anchor to keep outside the database (printed, or in
 * another system), so that even a rewrite of the whole chain shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_opt.h"
#include "jiuzhu/jz_store.h"

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
    if (!db || (strcmp(sub, "verify") != 0 && strcmp(sub, "head") != 0)) {
        fputs("用法: jiuzhu audit verify 数据库 [--head 序号:哈希]   校验审计日志的哈希链\n"
              "      jiuzhu audit head 数据库                     打印最新一条的序号和哈希（留存备查）\n",
              strcmp(sub, "--help") == 0 ? stdout : stderr);
        return strcmp(sub, "--help") == 0 ? EXIT_DONE : EXIT_USAGE;
    }
    jz_store *s = NULL;
    jz_error err;
    jz_error_clear(&err);
    jz_audit_report rep;
    if (jz_store_open(db, JZ_STORE_READONLY, &s, &err) != JZ_OK ||
        jz_store_audit_verify(s, &rep, &err) != JZ_OK) {
        cli_print_error(&err);
        jz_store_close(s);
        return EXIT_INPUT;
    }
    jz_store_close(s);
    if (strcmp(sub, "head") == 0) {
        printf("%lld:%s\n", (long long)rep.head_seq, rep.head_hash);
        if (rep.bad_seq) {
            fprintf(stderr, "jiuzhu audit: 注意：审计日志第 %lld 条有问题：%s\n",
                    (long long)rep.bad_seq, rep.problem);
            return EXIT_INPUT;
        }
        return EXIT_DONE;
    }
    if (rep.bad_seq) {
        printf("审计日志被篡改：%s\n前 %lld 条完好。\n", rep.problem, (long long)rep.head_seq);
        return EXIT_INPUT;
    }
    if (head) {
        /* The anchor: its row must still be there, with the same hash. */
        long long seq = 0;
        const char *colon = strchr(head, ':');
        jz_error e;
        jz_error_clear(&e);
        if (!colon || jz_parse_intn(head, (size_t)(colon - head), 1, INT64_MAX, &seq, &e) ||
            strlen(colon + 1) != 64) {
            fputs("jiuzhu audit: --head 应为 序号:64 位十六进制哈希（jiuzhu audit head 的输出；"
                  "序号为 1 到 9223372036854775807 的整数）\n",
                  stderr);
            return EXIT_USAGE;
        }
        if (seq > rep.head_seq) {
            printf("审计日志被篡改：留存的第 %lld 条已不在日志中（日志只有 %lld 条）\n", seq,
                   (long long)rep.head_seq);
            return EXIT_INPUT;
        }
        if (seq == rep.head_seq && strcmp(colon + 1, rep.head_hash) != 0) {
            printf("审计日志被篡改：第 %lld 条的哈希与留存的不同（整条链被重写）\n", seq);
            return EXIT_INPUT;
        }
        if (seq < rep.head_seq)
            printf("注意：留存的是第 %lld 条，之后又追加了 %lld 条；"
                   "请用 audit head 留存最新的哈希，下次核对\n",
                   seq, (long long)(rep.head_seq - seq));
    }
    printf("审计日志完好：共 %lld 条，最新一条 %lld:%s\n", (long long)rep.rows,
           (long long)rep.head_seq, rep.head_hash);
    return EXIT_DONE;
}
