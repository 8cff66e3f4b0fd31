/*
 * staff.c - `jiuzhu staff add|relative`: the register of civil-affairs and
 * village staff and their close relatives (R-WF-5, [57] Art 11).  An
 * application from one of them is flagged 备案 when it is accepted and
 * cannot be confirmed without a recorded home investigation.  The checks and
 * the transaction are jz_staff_add's and jz_staff_relative_add's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_staff.h"
#include "jiuzhu/jz_store.h"

static void usage(FILE *f)
{
    fputs("用法: jiuzhu staff add 数据库 --id 身份证号 --name 姓名 --unit 单位 [--county 县代码]\n"
          "      jiuzhu staff relative 数据库 --staff 工作人员身份证号 --id 身份证号 --name 姓名\n"
          "                           --relation 关系（配偶、父母、子女、兄弟姐妹等）\n"
          "      [--actor 经办人]\n",
          f);
}

int cmd_staff(int argc, char **argv)
{
    if (argc < 3) {
        usage(argc < 2 || strcmp(argv[1], "--help") != 0 ? stderr : stdout);
        return argc >= 2 && strcmp(argv[1], "--help") == 0 ? EXIT_DONE : EXIT_USAGE;
    }
    const char *sub = argv[1], *db = NULL, *id = NULL, *name = NULL, *unit = NULL, *county = "",
               *staff = NULL, *relation = NULL, *actor = cli_default_actor();
    const cli_opt opts[] = {{"--id", &id},         {"--name", &name},   {"--unit", &unit},
                            {"--county", &county}, {"--staff", &staff}, {"--relation", &relation},
                            {"--actor", &actor},   {NULL, NULL}};
    if (!cli_opts(argc, argv, 2, opts, &db)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    bool add = strcmp(sub, "add") == 0, rel = strcmp(sub, "relative") == 0;
    if (!db || !id || !name || (!add && !rel) || (add && !unit) || (rel && (!staff || !relation))) {
        usage(stderr);
        return EXIT_USAGE;
    }
    jz_error err;
    jz_error_clear(&err);
    jz_store *s = NULL;
    if (jz_store_open(db, 0, &s, &err) != JZ_OK) {
        return cli_fail(&err);
    }
    /* Registering needs no policy: the context is the store and the actor. */
    jz_ctx x = {.store = s, .today = jz_date_today()};
    snprintf(x.actor, sizeof x.actor, "%s", cli_actor(actor));
    jz_staff_res res;
    jz_err rc = add ? jz_staff_add(&x, &(jz_staff_req){county, id, name, unit}, &res, &err)
                    : jz_staff_relative_add(&x, &(jz_staff_relative_req){staff, id, name, relation},
                                            &res, &err);
    int status = EXIT_DONE;
    if (rc) {
        /* The request's fields are the options that gave them. */
        static const char *const option[][2] = {{"id", "--id"},         {"staff_id", "--staff"},
                                                {"name", "--name"},     {"unit", "--unit"},
                                                {"county", "--county"}, {"relation", "--relation"}};
        for (size_t i = 0; i < sizeof option / sizeof option[0]; i++)
            if (strcmp(err.field, option[i][0]) == 0) {
                snprintf(err.field, sizeof err.field, "%s", option[i][1]);
                break;
            }
        status = cli_fail(&err);
    } else {
        printf(add ? "已登记工作人员 %s\n" : "已登记近亲属 %s\n", res.name);
    }
    jz_store_close(s);
    return status;
}
