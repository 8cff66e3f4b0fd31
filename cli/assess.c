/*
 * assess.c - `jiuzhu assess`: reads household records (one record, a JSON
 * array or JSON Lines), assesses each against every programme, and writes
 * one determination per household (FORMATS.md "The command line").
 *
 * A bad record is reported on stderr (household, member, field, value,
 * reason) and nothing is written for it; the others are still assessed, and
 * the exit status is then 1.  The parameters in force are resolved per
 * county and date through a jz_policy_cache, because a file usually holds
 * many households of the same county assessed on the same date.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_engine.h"
#include "jiuzhu/jz_record.h"

enum format { FMT_JSON = 0, FMT_SUMMARY };

static void usage(FILE *f)
{
    fputs("用法: jiuzhu assess [--param 名称=值]... [--date YYYY-MM-DD] [--policy 目录]\n"
          "                    [--format json|summary] 文件|- [文件]...\n"
          "\n"
          "读取户记录（单条 JSON、JSON 数组或 JSON Lines），对每户进行一次申请、分类审核认定，\n"
          "输出认定结果（JSON；多户时每行一户）。\n"
          "\n"
          "  --param 名称=值   本次运行覆盖一个政策参数（假设分析），可重复；\n"
          "                    参数名见 jiuzhu rules --params\n"
          "  --date 日期        以该日期为评估日（覆盖记录中的 assess_date）\n"
          "  --policy 目录      政策数据目录（默认：环境变量 JIUZHU_POLICY 或内置路径）\n"
          "  --format summary   输出便于阅读的中文摘要（身份证号码隐去中间部分）\n"
          "\n"
          "退出码：0 完成；1 有输入错误（stderr 指明户、成员、字段和原因，该户不输出）；2 "
          "用法错误。\n",
          f);
}

static int assess_stream(FILE *in, const char *name, const jz_parse_opts *opts,
                         const jz_regions *regions, jz_policy_cache *cache,
                         enum format fmt, jz_trace *trace, jz_result *result, long *errors)
{
    jz_reader *rd = jz_reader_new(in, name, opts);
    if (!rd) {
        fputs("jiuzhu: 内存不足\n", stderr);
        return -1;
    }
    jz_error err;
    const jz_household *h;
    int rc = 0;
    for (;;) {
        jz_err e = jz_reader_next(rd, &h, &err);
        if (e == JZ_EOF)
            break;
        if (e == JZ_EINPUT) {
            cli_print_error(&err);
            (*errors)++;
            continue;
        }
        if (e != JZ_OK) {
            cli_print_error(&err);
            (*errors)++;
            rc = -1;
            break;
        }
        char county[7];
        jz_region_county(&h->region, county);
        const jz_policy *p;
        if (jz_policy_cache_get(cache, county, h->assess_date, &p, &err) != JZ_OK) {
            jz_error_set_where(&err, h->household_id, NULL);
            snprintf(err.source, sizeof err.source, "%s", name);
            cli_print_error(&err);
            (*errors)++;
            continue;
        }
        jz_assess(h, p, result, trace);
        if (fmt == FMT_SUMMARY) {
            cli_print_summary(stdout, h, regions, result, trace);
            continue;
        }
        char *json =
            jz_determination_json(h, p, result, trace, jz_reader_many(rd) ? 0 : JZ_DET_PRETTY);
        if (!json) {
            fputs("jiuzhu: 内存不足\n", stderr);
            rc = -1;
            break;
        }
        fputs(json, stdout);
        fputc('\n', stdout);
        free(json);
    }
    jz_reader_free(rd);
    return rc;
}

int cmd_assess(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--db") == 0 || strncmp(argv[i], "--db=", 5) == 0)
            return cmd_assess_db(argc, argv);
    const char *policy_opt = NULL;
    const char **params = calloc((size_t)argc, sizeof *params);
    const char **files = calloc((size_t)argc, sizeof *files);
    int nparams = 0, nfiles = 0, status = EXIT_DONE;
    enum format fmt = FMT_JSON;
    jz_date date = JZ_DATE_NONE;
    jz_regions *regions = NULL;
    jz_paramset *ps = NULL;
    jz_policy_cache *cache = NULL;
    jz_trace *trace = NULL;
    jz_result *result = NULL;
    jz_error err;
    jz_error_clear(&err);
    if (!params || !files) {
        status = EXIT_INPUT;
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            goto out;
        }
        if (strcmp(a, "--param") == 0 || strcmp(a, "--date") == 0 || strcmp(a, "--policy") == 0 ||
            strcmp(a, "--format") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "jiuzhu assess: %s 需要一个值\n", a);
                status = EXIT_USAGE;
                goto out;
            }
            val = argv[++i];
        } else if (strncmp(a, "--param=", 8) == 0 || strncmp(a, "--date=", 7) == 0 ||
                   strncmp(a, "--policy=", 9) == 0 || strncmp(a, "--format=", 9) == 0) {
            val = strchr(a, '=') + 1;
        }
        if (val) {
            if (strncmp(a, "--param", 7) == 0) {
                params[nparams++] = val;
            } else if (strncmp(a, "--date", 6) == 0) {
                if (jz_date_parse(val, strlen(val), &date, &err) != JZ_OK) {
                    fprintf(stderr, "jiuzhu assess: --date %s：%s\n", val, err.reason);
                    status = EXIT_USAGE;
                    goto out;
                }
            } else if (strncmp(a, "--policy", 8) == 0) {
                policy_opt = val;
            } else if (strcmp(val, "json") == 0) {
                fmt = FMT_JSON;
            } else if (strcmp(val, "summary") == 0) {
                fmt = FMT_SUMMARY;
            } else {
                fprintf(stderr, "jiuzhu assess: --format 应为 json 或 summary，而不是 %s\n", val);
                status = EXIT_USAGE;
                goto out;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "jiuzhu assess: 未知选项 %s\n", a);
            usage(stderr);
            status = EXIT_USAGE;
            goto out;
        } else {
            files[nfiles++] = a;
        }
    }
    if (nfiles == 0) {
        fputs("jiuzhu assess: 缺少输入文件（用 - 表示标准输入）\n", stderr);
        usage(stderr);
        status = EXIT_USAGE;
        goto out;
    }
    status = cli_load_policy(cli_policy_dir(policy_opt), &regions, &ps);
    if (status)
        goto out;
    for (int i = 0; i < nparams; i++) {
        if (jz_paramset_override(ps, params[i], &err) != JZ_OK) {
            fprintf(stderr, "jiuzhu assess: --param %s：", params[i]);
            char line[1024];
            jz_error_format(&err, line, sizeof line);
            fprintf(stderr, "%s\n", line);
            status = EXIT_USAGE;
            goto out;
        }
    }
    cache = jz_policy_cache_new(ps);
    trace = malloc(sizeof *trace);
    result = malloc(sizeof *result);
    if (!cache || !trace || !result) {
        fputs("jiuzhu: 内存不足\n", stderr);
        status = EXIT_INPUT;
        goto out;
    }
    jz_parse_opts opts = {.regions = regions, .default_date = jz_date_today(), .force_date = date};
    long errors = 0;
    for (int i = 0; i < nfiles; i++) {
        FILE *in = stdin;
        const char *name = files[i];
        if (strcmp(name, "-") == 0) {
            name = "(stdin)";
        } else if (!(in = fopen(name, "rb"))) {
            fprintf(stderr, "jiuzhu assess: 无法打开 %s：%s\n", name, strerror(errno));
            errors++;
            continue;
        }
        int rc = assess_stream(in, name, &opts, regions, cache, fmt, trace, result, &errors);
        if (in != stdin)
            fclose(in);
        if (rc < 0)
            break;
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "jiuzhu assess: 写出结果失败：%s\n", strerror(errno));
        errors++;
    }
    status = errors ? EXIT_INPUT : EXIT_DONE;
out:
    free(params);
    free(files);
    jz_policy_cache_free(cache);
    free(trace);
    free(result);
    jz_paramset_free(ps);
    jz_regions_free(regions);
    return status;
}
