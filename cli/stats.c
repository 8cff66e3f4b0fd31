/*
 * stats.c - `jiuzhu stats DB [--level city|county|township] [--region CODE]`:
 * counts and monthly amounts of the latest determinations by region and
 * category (jz_stats_get), printed.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_stats.h"
#include "jiuzhu/jz_store.h"


/* One row as the store gave it: a region and a category, or the region's
 * households never assessed. */
static void print_line(const jz_stats_line *l)
{
    const jz_stat_row *r = &l->row;
    if (r->category == JZ_CAT_COUNT) {
        printf("%-10s %-14s %-12s %9lld\n", r->region, l->name, "尚未评估",
               (long long)r->households);
        return;
    }
    char m[JZ_MONEY_BUF], tm[JZ_MONEY_BUF], sm[JZ_MONEY_BUF];
    jz_money_format(r->monthly, m, sizeof m);
    jz_money_format(r->tekun_monthly, tm, sizeof tm);
    jz_money_format(r->single_monthly, sm, sizeof sm);
    printf("%-10s %-14s %-12s %9lld %9lld %14s %8lld %12s %8lld %12s\n", r->region, l->name,
           r->category < JZ_CAT_COUNT ? cli_category_zh[r->category] : "?",
           (long long)r->households, (long long)r->persons, m, (long long)r->tekun, tm,
           (long long)r->single, sm);
}

int cmd_stats(int argc, char **argv)
{
    const char *db = NULL, *region = "", *policy_opt = NULL;
    int level = 6;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--level") == 0 && i + 1 < argc) {
            level = jz_stats_level_find(argv[++i]);
            if (level < 0) {
                fprintf(stderr, "jiuzhu stats: --level 应为 city、county 或 township\n");
                return EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--region") == 0 && i + 1 < argc) {
            region = argv[++i];
        } else if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc) {
            policy_opt = argv[++i];
        } else if (argv[i][0] == '-' || db) {
            fputs("用法: jiuzhu stats [--level city|county|township] [--region 区划代码] 数据库\n",
                  stderr);
            return EXIT_USAGE;
        } else {
            db = argv[i];
        }
    }
    if (!db) {
        fputs("用法: jiuzhu stats [--level city|county|township] [--region 区划代码] 数据库\n",
              stderr);
        return EXIT_USAGE;
    }
    /* The policy gives the regions' names. */
    jz_ctx x;
    jz_error err;
    jz_error_clear(&err);
    if (jz_ctx_init(&x, NULL, cli_policy_dir(policy_opt), NULL, NULL, &err) != JZ_OK)
        return cli_fail(&err);
    int status = EXIT_DONE;
    if (jz_store_open(db, JZ_STORE_READONLY, &x.store, &err) != JZ_OK) {
        status = cli_fail(&err);
    }
    if (status == EXIT_DONE) {
        printf("%-10s %-14s %-12s %9s %9s %14s %8s %12s %8s %12s\n", "区划", "名称", "类别", "户数",
               "计入人数", "家庭月保障金", "特困人数", "特困月供养金", "单人保", "单人保月金额");
        jz_stats_res r;
        if (jz_stats_get(&x, &(jz_stats_req){level, region, 0}, &r, &err) != JZ_OK) {
            status = cli_fail(&err);
        } else {
            for (size_t i = 0; i < r.n; i++)
                print_line(&r.lines[i]);
            const jz_stat_row *t = &r.total;
            char m[JZ_MONEY_BUF], tm[JZ_MONEY_BUF], sm[JZ_MONEY_BUF];
            jz_money_format(t->monthly, m, sizeof m);
            jz_money_format(t->tekun_monthly, tm, sizeof tm);
            jz_money_format(t->single_monthly, sm, sizeof sm);
            printf("%-10s %-14s %-12s %9lld %9lld %14s %8lld %12s %8lld %12s\n", "合计", "", "",
                   (long long)t->households, (long long)t->persons, m, (long long)t->tekun, tm,
                   (long long)t->single, sm);
            if (t->stale)
                printf("其中 %lld 户的户记录在评估后已变更（重新导入、记录死亡等），以上按变更前的"
                       "记录统计，尚未重新评估（jiuzhu assess --db）\n",
                       (long long)t->stale);
            if (r.unassessed)
                printf("另有 %lld 户尚未评估，未计入合计\n", (long long)r.unassessed);
        }
        jz_stats_res_free(&r);
    }
    jz_store_close(x.store);
    x.store = NULL;
    jz_ctx_cleanup(&x);
    return status;
}
