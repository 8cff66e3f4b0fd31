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
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_store.h"

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
    jz_regions *regions = NULL;
    jz_paramset *ps = NULL;
    jz_store *s = NULL;
    char *record = NULL;
    jz_household_buf *buf = malloc(sizeof *buf);
    jz_result *stored = malloc(sizeof *stored), *now = malloc(sizeof *now);
    jz_trace *trace = malloc(sizeof *trace);
    jz_error err;
    jz_error_clear(&err);
    if (!buf || !stored || !now || !trace) {
        status = EXIT_INPUT;
        goto out;
    }
    if ((status = cli_load_policy(cli_policy_dir(policy_opt), &regions, &ps)))
        goto out;
    if (jz_store_open(db, JZ_STORE_READONLY, &s, &err) != JZ_OK ||
        jz_store_get_record(s, key, &record, &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    jz_household h;
    jz_parse_opts opts = {.regions = regions, .default_date = jz_date_today()};
    int64_t run = 0;
    jz_date date = JZ_DATE_NONE;
    bool have = jz_store_get_determination(s, key, stored, &run, &date, &err) == JZ_OK;
    if (!have) {
        /* The key may be a person: find the household's ID in the record. */
        json_t *j = json_loads(record, 0, NULL);
        const char *hid = j ? json_string_value(json_object_get(j, "household_id")) : NULL;
        if (hid)
            have = jz_store_get_determination(s, hid, stored, &run, &date, &err) == JZ_OK;
        json_decref(j);
    }
    if (have)
        opts.force_date = date;
    if (jz_household_parse(record, strlen(record), &opts, &h, buf, &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    char county[7];
    jz_region_county(&h.region, county);
    jz_policy p;
    if (jz_policy_resolve(ps, county, h.assess_date, &p, &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    jz_assess(&h, &p, now, trace);
    if (as_json) {
        char *json = jz_determination_json(&h, &p, now, trace, JZ_DET_PRETTY);
        if (json)
            cli_printf("%s\n", json);
        free(json);
        goto out;
    }
    json_t *rec = json_loads(record, 0, NULL);
    char *pretty = rec ? json_dumps(rec, JSON_INDENT(2)) : NULL;
    cli_printf("户记录（库中原样）：\n%s\n\n", pretty ? pretty : record);
    free(pretty);
    json_decref(rec);
    int version = 0, assessed = 0;
    if (jz_store_record_version(s, key, &version, &assessed, NULL, &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    if (have && assessed != version) {
        /* The record was replaced (a re-import, a recorded death) after the
         * stored result: it describes an earlier version, whose members may
         * differ, so only its household figures are shown. */
        char d[JZ_DATE_BUF];
        jz_date_format(date, d, sizeof d);
        printf("库中认定结果（批量评估第 %lld 批，评估日 %s）按第 %d 版户记录作出；户记录已变更为"
               "第 %d 版，尚未按变更后的户记录重新评估（jiuzhu assess --db 重新评估）：\n",
               (long long)run, d, assessed, version);
        char m[JZ_MONEY_BUF];
        jz_money_format(stored->monthly_amount, m, sizeof m);
        printf("  认定：%s；家庭低保金每月 %s 元；计入 %d 人\n\n", cli_category_zh[stored->category],
               m, stored->counted_members);
    } else if (have) {
        char d[JZ_DATE_BUF];
        jz_date_format(date, d, sizeof d);
        printf("最新认定结果（批量评估第 %lld 批，评估日 %s）：\n", (long long)run, d);
        /* The stored result carries no trace; the recomputed one below does. */
        stored->n_persons = h.n_members;
        cli_print_summary(stdout, &h, regions, stored, NULL);
        if (stored->category != now->category || stored->monthly_amount != now->monthly_amount ||
            stored->decisive != now->decisive)
            puts("注意：按现行参数重新计算的结果与库中结果不同（参数或标准已调整），"
                 "请重新批量评估。\n");
    } else {
        puts("这一户还没有批量评估结果。\n");
    }
    puts("完整依据（据库中记录重新计算）：");
    cli_print_summary(stdout, &h, regions, now, trace);
    for (uint32_t i = 0; i < trace->n; i++) {
        const jz_trace_entry *e = &trace->e[i];
        char detail[4096];
        jz_trace_detail(e, &h, detail, sizeof detail);
        cli_printf("  %-12s %s%s%s：%s\n", jz_rule_ids[e->rule], e->holds ? "成立" : "不成立",
               e->member >= 0 ? " 成员 " : "",
               e->member >= 0 && h.members[e->member].name ? h.members[e->member].name : "",
               detail);
    }
out:
    free(record);
    free(buf);
    free(stored);
    free(now);
    free(trace);
    jz_store_close(s);
    jz_paramset_free(ps);
    jz_regions_free(regions);
    return status;
}
