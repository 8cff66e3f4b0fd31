/*
 * calendar.c - `jiuzhu calendar add DATE N` and `jiuzhu calendar count FROM
 * TO`: working days on the official calendar (R-WF-3), as the procedure's
 * deadlines count them.  The calendar is policy/calendar/cn-holidays.csv
 * (--calendar FILE for another).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_calendar.h"

static void usage(FILE *f)
{
    fputs("用法: jiuzhu calendar add [选项] 日期 N       日期之后第 N 个工作日（日期当天不计）\n"
          "      jiuzhu calendar count [选项] 起 止      起（不含）至止（含）之间的工作日数\n"
          "\n"
          "工作日：周一至周五，除去国务院办公厅公布的法定节假日，加上调休上班的周末。\n"
          "N 为 -100000 到 100000 之间的整数，负数时向前数。日期超出节假日数据覆盖的年份时\n"
          "报错，不作推测。\n"
          "\n"
          "选项:\n"
          "  --calendar 文件   节假日文件（默认：政策目录下 calendar/cn-holidays.csv）\n"
          "  --policy 目录     政策数据目录（默认：环境变量 JIUZHU_POLICY 或内置路径）\n",
          f);
}

static bool parse_date(const char *s, const char *what, jz_date *d)
{
    jz_error err;
    jz_error_clear(&err);
    if (jz_date_parse(s, strlen(s), d, &err) == JZ_OK)
        return true;
    fprintf(stderr, "jiuzhu calendar: %s「%s」不是有效日期（应为 YYYY-MM-DD）\n", what, s);
    return false;
}

int cmd_calendar(int argc, char **argv)
{
    const char *file = NULL, *policy_opt = NULL;
    const char *pos[3];
    int n_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return EXIT_DONE;
        } else if (strcmp(a, "--calendar") == 0 && i + 1 < argc) {
            file = argv[++i];
        } else if (strcmp(a, "--policy") == 0 && i + 1 < argc) {
            policy_opt = argv[++i];
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "jiuzhu calendar: 未知选项 %s\n", a);
            usage(stderr);
            return EXIT_USAGE;
        } else if (n_pos < 3) {
            pos[n_pos++] = a; /* "-5" is a count, not an option */
        } else {
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (n_pos != 3 || (strcmp(pos[0], "add") != 0 && strcmp(pos[0], "count") != 0)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    bool add = strcmp(pos[0], "add") == 0;
    jz_date from, to = 0;
    long n = 0;
    if (!parse_date(pos[1], add ? "日期" : "起始日期", &from))
        return EXIT_USAGE;
    if (add) {
        long long v;
        if (!cli_int("jiuzhu calendar", "N", pos[2], -100000, 100000, &v))
            return EXIT_USAGE;
        n = (long)v;
    } else if (!parse_date(pos[2], "截止日期", &to)) {
        return EXIT_USAGE;
    }
    jz_calendar *cal = NULL;
    int status = cli_load_calendar(file, policy_opt, &cal);
    if (status)
        return status;
    jz_error err;
    jz_error_clear(&err);
    if (add) {
        jz_date out;
        if (jz_calendar_add(cal, from, (int)n, &out, &err) == JZ_OK) {
            char d[JZ_DATE_BUF];
            jz_date_format(out, d, sizeof d);
            puts(d);
        } else {
            status = cli_fail(&err);
        }
    } else {
        int count;
        if (jz_calendar_count(cal, from, to, &count, &err) == JZ_OK) {
            printf("%d\n", count);
        } else {
            status = cli_fail(&err);
        }
    }
    jz_calendar_free(cal);
    return status;
}
