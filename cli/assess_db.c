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

/* What a what-if changes, against the stored (official) results. */
static void print_what_if(const jz_batch_report *rep, const jz_regions *regions,
                          const char *overrides)
{
    printf("\n政策测算%s%s：与已存的正式认定结果相比\n", overrides[0] ? "，" : "", overrides);
    printf("%-8s %-14s %10s %12s %10s %18s %18s %16s\n", "县级区划", "名称", "户数",
           "类别变化户数", "此前未认定", "现月合计（元）", "测算月合计（元）", "差额（元）");
    int64_t hh = 0, changed = 0, unassessed = 0;
    jz_fen before = 0, after = 0;
    for (size_t i = 0; i < rep->n_diffs; i++) {
        const jz_batch_diff *d = &rep->diffs[i];
        char b[JZ_MONEY_BUF], a[JZ_MONEY_BUF], x[JZ_MONEY_BUF];
        jz_money_format(d->before, b, sizeof b);
        jz_money_format(d->after, a, sizeof a);
        jz_money_format(d->after - d->before, x, sizeof x);
        const char *name = jz_regions_name(regions, d->county, 6);
        printf("%-8s %-14s %10lld %12lld %10lld %18s %18s %16s\n", d->county, name ? name : "",
               (long long)d->households, (long long)d->changed, (long long)d->unassessed, b, a,
               x);
        hh += d->households;
        changed += d->changed;
        unassessed += d->unassessed;
        before += d->before;
        after += d->after;
    }
    char b[JZ_MONEY_BUF], a[JZ_MONEY_BUF], x[JZ_MONEY_BUF];
    jz_money_format(before, b, sizeof b);
    jz_money_format(after, a, sizeof a);
    jz_money_format(after - before, x, sizeof x);
    printf("%-8s %-14s %10lld %12lld %10lld %18s %18s %16s\n", "合计", "", (long long)hh,
           (long long)changed, (long long)unassessed, b, a, x);
    puts("类别变化（现 → 测算）：");
    for (int f = 0; f <= JZ_CAT_COUNT; f++)
        for (int t = 0; t < JZ_CAT_COUNT; t++)
            if (f != t && rep->moves[f][t])
                printf("  %s → %s：%lld 户\n", f < JZ_CAT_COUNT ? cli_category_zh[f] : "未认定",
                       cli_category_zh[t], (long long)rep->moves[f][t]);
}

int cmd_assess_db(int argc, char **argv)
{
    const char *db = NULL, *region = "", *policy_opt = NULL;
    jz_date date = JZ_DATE_NONE;
    int threads = 0;
    bool write = true, what_if = false;
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
        if (strcmp(a, "--what-if") == 0) {
            what_if = true;
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
            long long t;
            if (!cli_int("jiuzhu assess", "--threads", v, 0, 64, &t)) {
                free(params);
                return EXIT_USAGE;
            }
            threads = (int)t;
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
        status = cli_fail(&err);
    }
    if (s)
        jz_store_set_actor(s, cli_actor(cli_default_actor()));
    jz_batch_report rep;
    memset(&rep, 0, sizeof rep);
    long errors = 0;
    if (status == EXIT_DONE) {
        /* Parameters changed on the command line make a what-if: the
         * official results are written only by a run with the policy in
         * force (audited). */
        what_if = what_if || nparams > 0;
        jz_batch_opts o = {region, date, overrides, threads, write && !what_if, what_if, 0};
        if (jz_batch_assess(s, ps, &o, on_error, &errors, &rep, &err) != JZ_OK) {
            status = cli_fail(&err);
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
        char wrote[96] = "";
        if (write && !what_if)
            snprintf(wrote, sizeof wrote, "（写入 %zu 户，%zu 户结论未变）",
                     jz_batch_written(&rep), rep.unchanged);
        char cached[96] = "";
        if (rep.snapshot_patched)
            snprintf(cached, sizeof cached, "（快照取自缓存，其中 %zu 户已更新）",
                     rep.snapshot_patched);
        else if (rep.snapshot_cached)
            snprintf(cached, sizeof cached, "（快照取自缓存）");
        char sim[160] = "（政策测算：未写入正式认定结果）";
        if (rep.results_patched)
            snprintf(sim, sizeof sim,
                     "（政策测算：未写入正式认定结果；已存结果取自缓存，其中 %zu 户已更新）",
                     rep.results_patched);
        else if (rep.results_cached)
            snprintf(sim, sizeof sim, "（政策测算：未写入正式认定结果；已存结果取自缓存）");
        printf("\n共 %zu 户 %zu 人；每月合计 %s 元；读取 %.2f 秒%s，评估 %.2f 秒，写回 %.2f 秒%s\n",
               rep.households, rep.members, t, rep.read_s, cached, rep.assess_s, rep.write_s,
               what_if ? sim
               : write ? wrote
                       : "（--dry-run：未写回）");
        if (what_if)
            print_what_if(&rep, regions, overrides);
        if (rep.stale)
            fprintf(stderr,
                    "jiuzhu assess: %zu 户的户记录在本次认定期间被修改或删除，未写入其结果"
                    "（仍显示为户记录变更后未认定）；请再次运行 jiuzhu assess --db\n",
                    rep.stale);
        if (rep.failed) {
            fprintf(stderr, "jiuzhu assess: %zu 户因无生效参数未评估\n", rep.failed);
            status = EXIT_INPUT;
        }
    }
    free(rep.rows);
    free(rep.diffs);
    jz_store_close(s);
    jz_paramset_free(ps);
    jz_regions_free(regions);
    free(params);
    return status;
}
