/*
 * chain.c - `jiuzhu chain DB ID`: 一户（人）一条救助链 (R-MON-5), a household
 * (its ID) or a person (an ID number), in time order: what jz_chain_build
 * gathers, one line per event.  ID numbers are masked unless --full-id.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_chain.h"

int cmd_chain(int argc, char **argv)
{
    const char *db = NULL, *key = NULL;
    bool full_id = false, bad = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--full-id") == 0)
            full_id = true;
        else if (argv[i][0] == '-' || (db && key))
            bad = true;
        else if (!db)
            db = argv[i];
        else
            key = argv[i];
    }
    if (bad || !key) {
        bool help = argc == 2 && strcmp(argv[1], "--help") == 0;
        fputs("用法: jiuzhu chain [--full-id] 数据库 户编号|身份证号码\n"
              "按时间列出这一户（人）的申请、认定、救助、预警、转介和部门救助（一户一条救助链）；\n"
              "身份证号码只显示前 6 位和后 4 位，--full-id 显示完整号码\n",
              help ? stdout : stderr);
        return help ? EXIT_DONE : EXIT_USAGE;
    }
    cli_full_ids(full_id);
    jz_store *s = NULL;
    jz_error err;
    jz_error_clear(&err);
    if (jz_store_open(db, JZ_STORE_READONLY, &s, &err) != JZ_OK)
        return cli_fail(&err);
    jz_ctx x;
    if (jz_ctx_init(&x, s, cli_policy_dir(NULL), NULL, NULL, &err) != JZ_OK) {
        jz_store_close(s);
        return cli_fail(&err);
    }
    jz_chain c;
    int status = EXIT_DONE;
    if (jz_chain_build(&x, key, &c, &err) != JZ_OK) {
        status = cli_fail(&err);
    } else {
        bool household = c.household_id[0] != '\0';
        cli_printf("救助链：%s%s%s（%zu 项）\n", household ? "户 " : "",
                   household ? c.household_id : "", household ? "" : c.person, c.n);
        for (size_t k = 0; k < c.n; k++) {
            char d[JZ_DATE_BUF];
            jz_date_format(c.events[k].on, d, sizeof d);
            cli_printf("%s  %s\n", d, c.events[k].text);
        }
        jz_chain_cleanup(&c);
    }
    jz_ctx_cleanup(&x);
    jz_store_close(s);
    return status;
}
