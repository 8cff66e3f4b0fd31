/*
 * copy.c - `jiuzhu copy FROM TO`: a whole SQLite store into a new
 * PostgreSQL database, or a PostgreSQL database into a new SQLite file
 * (jz_store_copy), with each table's rows counted on both sides and the
 * audit log verified before and after.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_store.h"

static void usage(FILE *f)
{
    fputs("用法: jiuzhu copy 源数据库 目标数据库\n"
          "把一个 SQLite 数据库（如一个县的数据库文件）整体复制到新的 PostgreSQL 数据库\n"
          "（postgresql:// 地址，由本命令创建，须不存在或为空库）：全部表、审计日志及其密钥，\n"
          "在一个事务中完成；复制前校验源数据库的审计日志，复制后逐表核对行数并校验目标的\n"
          "审计日志。任何一步不符则不提交。\n"
          "反过来，源是 postgresql:// 地址、目标是新的 SQLite 文件（须不存在或为空文件）时，\n"
          "把整个 PostgreSQL 数据库（其中所有的县）复制到该文件：在源的一个快照中校验并读取，\n"
          "先写入目标旁的临时文件，核对无误后才改名为目标文件；失败则不留下任何文件。\n",
          f);
}

int cmd_copy(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return EXIT_DONE;
    }
    if (argc != 3) {
        usage(stderr);
        return EXIT_USAGE;
    }
    jz_error err;
    jz_error_clear(&err);
    static jz_copy_report rep;
    if (jz_store_copy(argv[1], argv[2], &rep, &err) != JZ_OK)
        return cli_fail(&err);
    printf("%-28s %12s %12s\n", "表", "源（行）", "目标（行）");
    for (int i = 0; i < rep.n; i++)
        printf("%-28s %12lld %12lld\n", rep.tables[i].name, (long long)rep.tables[i].rows_from,
               (long long)rep.tables[i].rows_to);
    printf("已复制 %d 张表，共 %lld 行，各表行数相符\n", rep.n, (long long)rep.rows);
    printf("审计日志：源 %lld 条校验通过；目标 %lld 条（含复制记录）校验通过，最新一条 %lld:%s\n",
           (long long)rep.source_audit.rows, (long long)rep.target_audit.rows,
           (long long)rep.target_audit.head_seq, rep.target_audit.head_hash);
    if (jz_store_is_pg(argv[1]))
        puts(rep.data_as_logged
                 ? "数据与审计日志在 SQLite 上记下的数据指纹相符；目标已按复制的数据重新记下指纹"
                 : "数据在 PostgreSQL 上有改动（PostgreSQL 不在日志中记数据指纹）；目标已按复制的"
                   "数据重新记下指纹");
    return EXIT_DONE;
}
