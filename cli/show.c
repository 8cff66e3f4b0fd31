/*
 * show.c - `jiuzhu show DB HOUSEHOLD_ID`: a household as stored, its latest
 * determination, and the full trace, recomputed from the stored record (bulk
 * runs keep only the decisive rules).  The key may also be a member's ID
 * number.  ID numbers are shown masked (the first 6 and the last 4
 * characters) unless --full-id asks for this one record's full numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "jiuzhu/jz_procedure.h"
#include "jiuzhu/jz_record.h"

int cmd_show(int argc, char **argv)
{
    const char *policy_opt = NULL, *db = NULL, *key = NULL;
    bool as_json = false, full_id = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc)
            policy_opt = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            as_json = true;
        else if (strcmp(argv[i], "--full-id") == 0)
            full_id = true;
        else if (argv[i][0] == '-' || (db && key)) {
            fputs("用法: jiuzhu show [--json] [--full-id] [--policy 目录] 数据库 户编号|身份证号码\n"
                  "（身份证号码只显示前 6 位和后 4 位；--full-id 显示这一户的完整号码）\n",
                  stderr);
            return EXIT_USAGE;
        } else if (!db)
            db = argv[i];
        else
            key = argv[i];
    }
    if (!db || !key) {
        fputs("用法: jiuzhu show [--json] [--full-id] [--policy 目录] 数据库 户编号|身份证号码\n",
              stderr);
        return EXIT_USAGE;
    }
    cli_full_ids(full_id);
    int status = EXIT_DONE;
    jz_store *s = NULL;
    jz_household_view *v = malloc(sizeof *v);
    jz_error err;
    jz_error_clear(&err);
    jz_ctx x;
    if (!v)
        return EXIT_INPUT;
    if (jz_ctx_init(&x, NULL, cli_policy_dir(policy_opt), NULL, NULL, &err) != JZ_OK) {
        free(v);
        return cli_fail(&err);
    }
    if (jz_store_open(db, JZ_STORE_READONLY, &s, &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    x.store = s;
    if (jz_proc_household(&x, key, v, &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    const jz_household *h = &v->h;
    if (as_json) {
        char *json = jz_determination_json(h, &v->policy, &v->now, &v->trace, JZ_DET_PRETTY);
        if (json)
            cli_printf("%s\n", json);
        free(json);
        goto done;
    }
    json_t *rec = json_loads(v->record, 0, NULL);
    char *pretty = rec ? json_dumps(rec, JSON_INDENT(2)) : NULL;
    cli_printf("户记录（库中原样）：\n%s\n\n", pretty ? pretty : v->record);
    free(pretty);
    json_decref(rec);
    if (v->have_stored && v->stale) {
        /* The record was replaced (a re-import, a recorded death) after the
         * stored result: it describes an earlier version, whose members may
         * differ, so only its household figures are shown. */
        char d[JZ_DATE_BUF];
        jz_date_format(v->date, d, sizeof d);
        printf("库中认定结果（批量评估第 %lld 批，评估日 %s）按第 %d 版户记录作出；户记录已变更为"
               "第 %d 版，尚未按变更后的户记录重新评估（jiuzhu assess --db 重新评估）：\n",
               (long long)v->run, d, v->assessed, v->version);
        char m[JZ_MONEY_BUF];
        jz_money_format(v->stored.monthly_amount, m, sizeof m);
        printf("  认定：%s；家庭低保金每月 %s 元；计入 %d 人\n\n",
               jz_category_short_zh[v->stored.category], m, v->stored.counted_members);
    } else if (v->have_stored) {
        char d[JZ_DATE_BUF];
        jz_date_format(v->date, d, sizeof d);
        printf("最新认定结果（批量评估第 %lld 批，评估日 %s）：\n", (long long)v->run, d);
        /* The stored result carries no trace; the recomputed one below does. */
        cli_print_summary(stdout, h, x.regions, &v->stored, NULL);
        if (v->changed)
            puts("注意：按现行参数重新计算的结果与库中结果不同（参数或标准已调整），"
                 "请重新批量评估。\n");
    } else {
        puts("这一户还没有批量评估结果。\n");
    }
    puts("完整依据（据库中记录重新计算）：");
    cli_print_summary(stdout, h, x.regions, &v->now, &v->trace);
    for (uint32_t i = 0; i < v->trace.n; i++) {
        const jz_trace_entry *e = &v->trace.e[i];
        char detail[4096];
        jz_trace_detail(e, h, detail, sizeof detail);
        cli_printf("  %-12s %s%s%s：%s\n", jz_rule_ids[e->rule], e->holds ? "成立" : "不成立",
                   e->member >= 0 ? " 成员 " : "",
                   e->member >= 0 && h->members[e->member].name ? h->members[e->member].name : "",
                   detail);
    }
done:
    jz_household_view_cleanup(v);
out:
    free(v);
    jz_ctx_cleanup(&x);
    jz_store_close(s);
    return status;
}
