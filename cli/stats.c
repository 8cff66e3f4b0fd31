/*
 * stats.c - `jiuzhu stats DB [--level city|county|township] [--region CODE]`:
 * counts and monthly amounts of the latest determinations by region and
 * category.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_store.h"


typedef struct ctx {
    const jz_regions *regions;
    int64_t households, persons, tekun, single, stale, unassessed;
    jz_fen monthly, tekun_monthly, single_monthly;
} ctx;

static void row(const jz_stat_row *r, void *arg)
{
    ctx *c = arg;
    if (r->category == JZ_CAT_COUNT) {
        /* Households never assessed: counted apart, not in the totals. */
        const char *name = jz_regions_name(c->regions, r->region, strlen(r->region));
        printf("%-10s %-14s %-12s %9lld\n", r->region, name ? name : "", "尚未评估",
               (long long)r->households);
        c->unassessed += r->households;
        return;
    }
    c->stale += r->stale;
    char m[JZ_MONEY_BUF], tm[JZ_MONEY_BUF], sm[JZ_MONEY_BUF];
    jz_money_format(r->monthly, m, sizeof m);
    jz_money_format(r->tekun_monthly, tm, sizeof tm);
    jz_money_format(r->single_monthly, sm, sizeof sm);
    const char *name = jz_regions_name(c->regions, r->region, strlen(r->region));
    printf("%-10s %-14s %-12s %9lld %9lld %14s %8lld %12s %8lld %12s\n", r->region,
           name ? name : "", r->category < JZ_CAT_COUNT ? cli_category_zh[r->category] : "?",
           (long long)r->households, (long long)r->persons, m, (long long)r->tekun, tm,
           (long long)r->single, sm);
    c->households += r->households;
    c->persons += r->persons;
    c->monthly += r->monthly;
    c->tekun += r->tekun;
    c->tekun_monthly += r->tekun_monthly;
    c->single += r->single;
    c->single_monthly += r->single_monthly;
}

int cmd_stats(int argc, char **argv)
{
    const char *db = NULL, *region = "", *policy_opt = NULL;
    int level = 6;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--level") == 0 && i + 1 < argc) {
            const char *l = argv[++i];
            level = strcmp(l, "city") == 0       ? 4
                    : strcmp(l, "county") == 0   ? 6
                    : strcmp(l, "township") == 0 ? 9
                                                 : 0;
            if (!level) {
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
    jz_regions *regions = NULL;
    jz_paramset *ps = NULL;
    int status = cli_load_policy(cli_policy_dir(policy_opt), &regions, &ps);
    jz_store *s = NULL;
    jz_error err;
    jz_error_clear(&err);
    if (status == EXIT_DONE && jz_store_open(db, JZ_STORE_READONLY, &s, &err) != JZ_OK) {
        status = cli_fail(&err);
    }
    if (status == EXIT_DONE) {
        ctx c = {.regions = regions};
        printf("%-10s %-14s %-12s %9s %9s %14s %8s %12s %8s %12s\n", "区划", "名称", "类别", "户数",
               "计入人数", "家庭月保障金", "特困人数", "特困月供养金", "单人保", "单人保月金额");
        if (jz_store_stats(s, level, region, row, &c, &err) != JZ_OK) {
            status = cli_fail(&err);
        } else {
            char m[JZ_MONEY_BUF], tm[JZ_MONEY_BUF], sm[JZ_MONEY_BUF];
            jz_money_format(c.monthly, m, sizeof m);
            jz_money_format(c.tekun_monthly, tm, sizeof tm);
            jz_money_format(c.single_monthly, sm, sizeof sm);
            printf("%-10s %-14s %-12s %9lld %9lld %14s %8lld %12s %8lld %12s\n", "合计", "", "",
                   (long long)c.households, (long long)c.persons, m, (long long)c.tekun, tm,
                   (long long)c.single, sm);
            if (c.stale)
                printf("其中 %lld 户的户记录在评估后已变更（重新导入、记录死亡等），以上按变更前的"
                       "记录统计，尚未重新评估（jiuzhu assess --db）\n",
                       (long long)c.stale);
            if (c.unassessed)
                printf("另有 %lld 户尚未评估，未计入合计\n", (long long)c.unassessed);
        }
    }
    jz_store_close(s);
    jz_paramset_free(ps);
    jz_regions_free(regions);
    return status;
}
