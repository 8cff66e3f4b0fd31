/*
 * backup.c - `jiuzhu backup DB FILE`: a consistent copy of a live store
 * (jz_store_backup).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_store.h"

static void usage(FILE *f)
{
    fputs("用法: jiuzhu backup 数据库 备份文件\n"
          "在他人继续办理业务的同时，做数据库的一致备份（备份文件须不存在）：SQLite 数据库用\n"
          "SQLite 的在线备份，完成后校验；PostgreSQL 数据库用 pg_dump（custom 格式，用\n"
          "pg_restore 恢复）。审计密钥不在备份中，须另行妥善保管；恢复时两者都要。\n",
          f);
}

int cmd_backup(int argc, char **argv)
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
    if (jz_store_backup(argv[1], argv[2], &err) != JZ_OK)
        return cli_fail(&err);
    printf("已备份到 %s\n", argv[2]);
    return EXIT_DONE;
}
