/*
 * init.c - `jiuzhu init DB`: creates an empty registry database.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_store.h"

int cmd_init(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fputs(
            "用法: jiuzhu init 数据库文件\n\n创建一个新的低收入人口数据库（SQLite，WAL 模式）。\n",
            argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
        return argc == 2 && strcmp(argv[1], "--help") == 0 ? EXIT_DONE : EXIT_USAGE;
    }
    jz_store *s = NULL;
    jz_error err;
    jz_error_clear(&err);
    if (jz_store_open(argv[1], JZ_STORE_CREATE, &s, &err) != JZ_OK) {
        return cli_fail(&err);
    }
    printf("已创建数据库 %s（模式版本 %d）\n", argv[1], jz_store_schema_version(s));
    jz_store_close(s);
    return EXIT_DONE;
}
