/*
 * init.c - `jiuzhu init DB`: creates an empty registry database;
 * `jiuzhu init COORD_URL --shard NAME=URL ... [--place COUNTY=NAME ...]`
 * a coordinator over PostgreSQL shards (docs/scaling.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_store.h"

static const char usage[] =
    "用法: jiuzhu init 数据库文件\n"
    "      jiuzhu init 协调库地址 --shard 名称=地址 [--shard 名称=地址 ...]"
    " [--place 县代码=名称 ...]\n"
    "      jiuzhu init 协调库地址 --add-shard 名称=地址\n\n"
    "创建一个新的低收入人口数据库（SQLite，WAL 模式；或 PostgreSQL 地址）。\n"
    "给出 --shard 时创建协调库：各县的表放在分片（PostgreSQL 数据库）上，\n"
    "协调库通过 postgres_fdw 访问它们；--place 指定某县放在哪个分片，\n"
    "其余各县在第一次写入时放到县最少的分片。--add-shard 给已有的协调库加一个分片。\n";

/* Splits "A=B" of option opt into a and b (pointing into arg). */
static int split(const char *opt, char *arg, char **a, char **b)
{
    char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        fprintf(stderr, "jiuzhu init: %s 的值应为 名称=值：%s\n", opt, arg);
        return EXIT_USAGE;
    }
    *eq = '\0';
    *a = arg;
    *b = eq + 1;
    return 0;
}

static int init_sharded(int argc, char **argv)
{
    size_t n = 0, np = 0;
    const char **names = calloc((size_t)argc, sizeof *names);
    const char **urls = calloc((size_t)argc, sizeof *urls);
    const char **pc = calloc((size_t)argc, sizeof *pc);
    const char **ps = calloc((size_t)argc, sizeof *ps);
    int rc = EXIT_DONE;
    if (!names || !urls || !pc || !ps) {
        fputs("jiuzhu init: 内存不足\n", stderr);
        rc = EXIT_INPUT;
        goto done;
    }
    for (int i = 2; i < argc && !rc; i += 2) { /* an option and its value */
        bool shard = strcmp(argv[i], "--shard") == 0;
        if ((!shard && strcmp(argv[i], "--place") != 0) || i + 1 >= argc) {
            fputs(usage, stderr);
            rc = EXIT_USAGE;
            break;
        }
        char *a, *b;
        if ((rc = split(argv[i], argv[i + 1], &a, &b)))
            break;
        if (shard) {
            names[n] = a;
            urls[n++] = b;
        } else {
            pc[np] = a;
            ps[np++] = b;
        }
    }
    if (!rc) {
        jz_error err;
        jz_error_clear(&err);
        if (jz_store_init_sharded(argv[1], n, names, urls, np, pc, ps, &err) != JZ_OK) {
            rc = cli_fail(&err);
        } else {
            printf("已创建协调库 %s（模式版本 %d），分片 %zu 个：", argv[1], JZ_STORE_SCHEMA_VERSION,
                   n);
            for (size_t i = 0; i < n; i++)
                printf("%s%s", i ? "、" : "", names[i]);
            printf("；预先放置的县 %zu 个\n", np);
        }
    }
done:
    free(names);
    free(urls);
    free(pc);
    free(ps);
    return rc;
}

int cmd_init(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[2], "--add-shard") == 0) {
        char *name, *url;
        int rc = split(argv[2], argv[3], &name, &url);
        if (rc)
            return rc;
        jz_error err;
        jz_error_clear(&err);
        if (jz_store_add_shard(argv[1], name, url, &err) != JZ_OK)
            return cli_fail(&err);
        printf("协调库 %s 已加入分片 %s；新的县先放到这个分片\n", argv[1], name);
        return EXIT_DONE;
    }
    if (argc > 2 && argv[1][0] != '-')
        return init_sharded(argc, argv);
    if (argc != 2 || argv[1][0] == '-') {
        bool help = argc == 2 && strcmp(argv[1], "--help") == 0;
        fputs(usage, help ? stdout : stderr);
        return help ? EXIT_DONE : EXIT_USAGE;
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
