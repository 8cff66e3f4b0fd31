/*
 * assess_db.c - `jiuzhu assess --db DB [--region CODE] [--date D]
 * [--param NAME=VALUE]...`: reassesses every household of the registry (or
 * one region) with jz_batch_assess, writes the determinations back in one
 * transaction, and prints counts and monthly amounts by county and category.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_batch.h"


static void on_error(const jz_error *e, void *arg)
{
    long *n = arg;
    if ((*n)++ < 20)
        cli_print_error(e);
}

int cmd_assess_db(int argc, char **argv)
{
    const char *db = NULL, *region = "", *policy_opt = NULL;
    jz_date date = JZ_DATE_NONE;
    int threads = 0;
    bool write = true;
    char overrides[4096] = "";
    size_t olen = 0;
    const char **params = calloc((size_t)argc, sizeof *params);
    int nparams = 0;
    jz_error err;
    jz_error_clear(&err);
    if (!params)
        return EXIT_INPUT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--dry-run") == 0) {
            write = false;
            continue;
        }
        if (!v || a[0] != '-') {
            fprintf(stderr, "jiuzhu assess --db: 多余的参数或缺少值：%s\n", a);
            free(params);
            return EXIT_USAGE;
        }
        i++;
        if (strcmp(a, "--db") == 0) {
            db = v;
        } else if (strcmp(a, "--region") == 0) {
            region = v;
        } else if (strcmp(a, "--policy") == 0) {
            policy_opt = v;
        } else if (strcmp(a, "--threads") == 0) {
            threads = (int)strtol(v, NULL, 10);
        } else if (strcmp(a, "--date") == 0) {
            if (jz_date_parse(v, strlen(v), &date, &err) != JZ_OK) {
                fprintf(stderr, "jiuzhu assess: --date %s：%s\n", v, err.reason);
                free(params);
                return EXIT_USAGE;
            }
        } else if (strcmp(a, "--param") == 0) {
            params[nparams++] = v;
            int k = snprintf(overrides + olen, sizeof overrides - olen, "%s--param %s",
                             olen ? " " : "", v);
            if (k > 0 && (size_t)k < sizeof overrides - olen)
                olen += (size_t)k;
        } else {
            fprintf(stderr, "jiuzhu assess --db: 未知选项 %s\n", a);
            free(params);
            return EXIT_USAGE;
        }
    }
    for (const char *c = region; *c; c++)
        if (*c < '0' || *c > '9') {
            fprintf(stderr, "jiuzhu assess: --region 应为区划代码（数字）：%s\n", region);
            free(params);
            return EXIT_USAGE;
        }
    jz_regions *regions = NULL;
    jz_paramset *ps = NULL;
    jz_store *s = NULL;
    int status = cli_load_policy(cli_policy_dir(policy_opt), &regions, &ps);
    for (int i = 0; status == EXIT_DONE && i < nparams; i++) {
        if (jz_paramset_override(ps, params[i], &err) != JZ_OK) {
            fprintf(stderr, "jiuzhu assess: --param %s：%s\n", params[i], err.reason);
            status = EXIT_USAGE;
        }
    }
    if (status == EXIT_DONE && jz_store_open(db, 0, &s, &err) != JZ_OK) {
        cli_print_error(&err);
        status = EXIT_INPUT;
    }
    if (s)
        jz_store_set_actor(s, cli_default_actor());
    jz_batch_report rep;
    memset(&rep, 0, sizeof rep);
    long errors = 0;
    if (status == EXIT_DONE) {
        jz_batch_opts o = {region, date, overrides, threads, write};
        if (jz_batch_assess(s, ps, &o, on_error, &errors, &rep, &err) != JZ_OK) {
            cli_print_error(&err);
            status = EXIT_INPUT;
        }
    }
    if (status == EXIT_DONE) {
        printf("%-8s %-14s %-12s %10s %10s %16s %8s %14s %8s %14s\n", "县级区划", "名称", "类别",
               "户数", "计入人数", "家庭月保障金", "特困人数", "特困月供养金", "单人保",
               "单人保月金额");
        jz_fen total = 0;
        for (size_t i = 0; i < rep.n_rows; i++) {
            const jz_batch_row *r = &rep.rows[i];
            char m[JZ_MONEY_BUF], tm[JZ_MONEY_BUF], sm[JZ_MONEY_BUF];
            jz_money_format(r->monthly, m, sizeof m);
            jz_money_format(r->tekun_monthly, tm, sizeof tm);
            jz_money_format(r->single_monthly, sm, sizeof sm);
            const char *name = jz_regions_name(regions, r->county, 6);
            printf("%-8s %-14s %-12s %10lld %10lld %16s %8lld %14s %8lld %14s\n", r->county,
                   name ? name : "", cli_category_zh[r->category], (long long)r->households,
                   (long long)r->persons, m, (long long)r->tekun, tm, (long long)r->single, sm);
            total += r->monthly + r->tekun_monthly + r->single_monthly;
        }
        char t[JZ_MONEY_BUF];
        jz_money_format(total, t, sizeof t);
        printf("\n共 %zu 户 %zu 人；每月合计 %s 元；读取 %.2f 秒，评估 %.2f 秒，写回 %.2f 秒%s\n",
               rep.households, rep.members, t, rep.read_s, rep.assess_s, rep.write_s,
               write ? "" : "（--dry-run：未写回）");
        if (rep.failed) {
            fprintf(stderr, "jiuzhu assess: %zu 户因无生效参数未评估\n", rep.failed);
            status = EXIT_INPUT;
        }
    }
    free(rep.rows);
    jz_store_close(s);
    jz_paramset_free(ps);
    jz_regions_free(regions);
    free(params);
    return status;
}
