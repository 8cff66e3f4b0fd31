/*
 * user.c - `jiuzhu user add|passwd|disable|enable|list`: the platform's
 * users (jz_user.h, docs/users.md).  The first administrator is added here,
 * on the machine that holds the database; the server manages users after.
 *
 * A password is never taken from the command line, where other users of the
 * machine see it (ps, /proc/PID/cmdline): it is read as one line from
 * standard input (without echo on a terminal, twice), or taken from the
 * environment variable JIUZHU_PASSWORD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "jiuzhu/jz_ctx.h"
#include "jiuzhu/jz_user.h"

static void usage(FILE *f)
{
    fputs(
        "用法: jiuzhu user add 数据库 --login 登录名 --name 姓名 --role 角色 --scope 区划代码\n"
        "                         [--dept 部门] [--actor 经办人] [--policy 目录]\n"
        "      jiuzhu user passwd 数据库 --login 登录名 [--actor 经办人]\n"
        "      jiuzhu user disable 数据库 --login 登录名 [--actor 经办人]\n"
        "      jiuzhu user enable 数据库 --login 登录名 [--actor 经办人]\n"
        "      jiuzhu user list 数据库 [--scope 区划代码前缀]\n"
        "      jiuzhu user access 数据库 [--household 户编号] [--region 区划代码前缀] [--limit N]\n"
        "      jiuzhu user purge 数据库 [--days N]\n"
        "角色（英文或中文名）：admin 管理员、analyst 省级分析员、auditor 审计员、\n"
        "  dept 部门数据员（须给出 --dept，如 medical 或 医保）：范围为空（全省）或 2、4、6 位；\n"
        "  reviewer 县级审核员：一个县（6 位）；caseworker 乡镇经办员：一个乡镇（9 位）；\n"
        "  assistant 村协理员：一个村（12 位）。\n"
        "access 列出查询留痕（谁在何时查看了什么，新的在前，默认 100 条）；\n"
        "purge 删除最后使用或结束于 N 天（默认 90）以前的会话记录。\n"
        "密码从标准输入读一行（在终端上不回显，输入两次），或取环境变量 JIUZHU_PASSWORD；\n"
        "不从命令行读取，以免被本机其他用户在进程列表中看到。\n",
        f);
}

/* The password: $JIUZHU_PASSWORD, else one line of standard input.  Returns
 * 0 with *out malloc'd (the caller wipes and frees it) or an exit code. */
static int read_password(const char *cmd, char **out, size_t *cap)
{
    *out = NULL;
    *cap = 0;
    const char *env = getenv("JIUZHU_PASSWORD");
    if (env) {
        *cap = strlen(env) + 1;
        if (!(*out = malloc(*cap))) {
            fputs("jiuzhu: 内存不足\n", stderr);
            return EXIT_INPUT;
        }
        memcpy(*out, env, *cap);
        return EXIT_DONE;
    }
    bool tty = isatty(STDIN_FILENO);
    char *again = NULL;
    size_t again_cap = 0;
    int status = EXIT_DONE;
    for (int round = 0; round < (tty ? 2 : 1) && !status; round++) {
        char **line = round ? &again : out;
        size_t *lcap = round ? &again_cap : cap;
        struct termios old, quiet;
        bool hidden = false;
        if (tty) {
            fputs(round ? "再次输入密码：" : "密码：", stderr);
            if (tcgetattr(STDIN_FILENO, &old) == 0) {
                quiet = old;
                quiet.c_lflag &= ~(tcflag_t)ECHO;
                hidden = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
            }
        }
        ssize_t n = getline(line, lcap, stdin);
        if (hidden) {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
            fputc('\n', stderr);
        }
        if (n < 0) {
            fprintf(stderr, "%s: 未读到密码：从标准输入给出一行，或设环境变量 JIUZHU_PASSWORD\n",
                    cmd);
            status = EXIT_USAGE;
            break;
        }
        while (n > 0 && ((*line)[n - 1] == '\n' || (*line)[n - 1] == '\r'))
            (*line)[--n] = '\0';
    }
    if (!status && again && strcmp(*out, again) != 0) {
        fprintf(stderr, "%s: 两次输入的密码不一致\n", cmd);
        status = EXIT_INPUT;
    }
    if (again) {
        sodium_memzero(again, again_cap);
        free(again);
    }
    if (status && *out) {
        sodium_memzero(*out, *cap);
        free(*out);
        *out = NULL;
    }
    return status;
}

typedef struct list_state {
    int64_t now;
    long n;
} list_state;

/* Appends s to line, padded with spaces to `width` columns of a terminal
 * (a character of two or more UTF-8 bytes, CJK here, takes two). */
static void column(char *line, size_t cap, const char *s, int width)
{
    size_t len = strlen(line);
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            w += *p < 0x80 ? 1 : 2;
    snprintf(line + len, cap - len, "%s%*s", s, width > w ? width - w : 1, "");
}

static void print_user(const jz_user *u, void *arg)
{
    list_state *st = arg;
    char locked[48] = "";
    if (u->locked_until > st->now) {
        time_t t = (time_t)u->locked_until;
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(locked, sizeof locked, "  锁定至 %Y-%m-%d %H:%M", &tm);
    }
    char line[512] = "";
    column(line, sizeof line, u->login, 18);
    column(line, sizeof line, u->name, 12);
    column(line, sizeof line, jz_role_zh[u->role], 12);
    column(line, sizeof line, u->scope[0] ? u->scope : "全省", 14);
    column(line, sizeof line, u->dept >= 0 && u->dept < JZ_DEPT_COUNT ? jz_dept_zh[u->dept] : "-",
           10);
    cli_printf("%s%s%s\n", line, u->active ? "启用" : "停用", locked);
    st->n++;
}

static void print_access(const jz_access *a, void *arg)
{
    long *n = arg;
    char when[32];
    time_t t = (time_t)a->at;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    printf("%s  %-16s %-14s %-20s %-12s %s\n", when, a->login, jz_access_kind_zh[a->kind],
           a->subject, a->region[0] ? a->region : "-", a->what);
    (*n)++;
}

/* `jiuzhu user access DB [--household ID] [--region PREFIX] [--limit N]`. */
static int user_access(int argc, char **argv)
{
    const char *db = NULL, *household = NULL, *region = "", *limit_text = NULL;
    const cli_opt opts[] = {
        {"--household", &household}, {"--region", &region}, {"--limit", &limit_text}, {NULL, NULL}};
    if (!cli_opts(argc, argv, 2, opts, &db)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    long long limit = 100;
    if (!db) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (limit_text && !cli_int("jiuzhu user access", "--limit", limit_text, 1, 100000, &limit))
        return EXIT_USAGE;
    jz_error err;
    jz_error_clear(&err);
    jz_store *s = NULL;
    if (jz_store_open(db, JZ_STORE_READONLY, &s, &err) != JZ_OK)
        return cli_fail(&err);
    long n = 0;
    int status = EXIT_DONE;
    printf("%-19s  %-16s %-14s %-20s %-12s %s\n", "时间", "登录名", "类别", "对象", "区划", "操作");
    if (jz_access_list(s, household, region, (size_t)limit, print_access, &n, &err) != JZ_OK)
        status = cli_fail(&err);
    else
        printf("共 %ld 条\n", n);
    jz_store_close(s);
    return status;
}

/* `jiuzhu user purge DB [--days N]`. */
static int user_purge(int argc, char **argv)
{
    const char *db = NULL, *days_text = NULL;
    const cli_opt opts[] = {{"--days", &days_text}, {NULL, NULL}};
    if (!cli_opts(argc, argv, 2, opts, &db)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    long long days = 90;
    if (!db) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (days_text && !cli_int("jiuzhu user purge", "--days", days_text, 1, 3650, &days))
        return EXIT_USAGE;
    jz_error err;
    jz_error_clear(&err);
    jz_auth_params p;
    if (jz_auth_params_from_env(&p, &err) != JZ_OK)
        return cli_fail(&err);
    jz_store *s = NULL;
    if (jz_store_open(db, 0, &s, &err) != JZ_OK)
        return cli_fail(&err);
    int n = 0, status = EXIT_DONE;
    if (jz_auth_purge(s, &p, (int64_t)time(NULL), (int)days, &n, &err) != JZ_OK)
        status = cli_fail(&err);
    else
        printf("已删除 %d 个最后使用或结束于 %lld 天以前的会话记录\n", n, days);
    jz_store_close(s);
    return status;
}

int cmd_user(int argc, char **argv)
{
    if (argc < 3) {
        bool help = argc >= 2 && strcmp(argv[1], "--help") == 0;
        usage(help ? stdout : stderr);
        return help ? EXIT_DONE : EXIT_USAGE;
    }
    if (strcmp(argv[1], "access") == 0)
        return user_access(argc, argv);
    if (strcmp(argv[1], "purge") == 0)
        return user_purge(argc, argv);
    const char *sub = argv[1], *db = NULL, *login = NULL, *name = NULL, *role_text = NULL,
               *scope = NULL, *dept_text = NULL, *policy = NULL, *actor = cli_default_actor();
    const cli_opt opts[] = {
        {"--login", &login},    {"--name", &name},     {"--role", &role_text}, {"--scope", &scope},
        {"--dept", &dept_text}, {"--policy", &policy}, {"--actor", &actor},    {NULL, NULL}};
    if (!cli_opts(argc, argv, 2, opts, &db)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    bool add = strcmp(sub, "add") == 0, passwd = strcmp(sub, "passwd") == 0,
         disable = strcmp(sub, "disable") == 0, enable = strcmp(sub, "enable") == 0,
         list = strcmp(sub, "list") == 0;
    if (!db || !(add || passwd || disable || enable || list) || (!list && !login) ||
        (add && (!name || !role_text || !scope)) ||
        (!add && (name || role_text || dept_text || policy)) || (list && login) ||
        (!add && !list && scope)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    jz_error err;
    jz_error_clear(&err);
    char cmd[32];
    snprintf(cmd, sizeof cmd, "jiuzhu user %s", sub);

    if (list) {
        jz_store *s = NULL;
        if (jz_store_open(db, JZ_STORE_READONLY, &s, &err) != JZ_OK)
            return cli_fail(&err);
        list_state st = {.now = (int64_t)time(NULL)};
        int status = EXIT_DONE;
        if (jz_user_list(s, scope ? scope : "", print_user, &st, &err) != JZ_OK)
            status = cli_fail(&err);
        else
            printf("共 %ld 个用户\n", st.n);
        jz_store_close(s);
        return status;
    }

    jz_role role = JZ_ROLE_ADMIN;
    int dept = -1;
    if (add) {
        if (jz_role_parse(role_text, &role, &err) != JZ_OK) {
            fprintf(stderr, "%s: 未知角色「%s」\n", cmd, role_text);
            usage(stderr);
            return EXIT_USAGE;
        }
        if (dept_text && role != JZ_ROLE_DEPT) {
            fprintf(stderr, "%s: 只有部门数据员（dept）有 --dept\n", cmd);
            return EXIT_USAGE;
        }
        if (dept_text && (dept = jz_dept_find(dept_text)) < 0) {
            fprintf(stderr, "%s: 未知部门「%s」\n", cmd, dept_text);
            return EXIT_USAGE;
        }
        if (role == JZ_ROLE_DEPT && dept < 0) {
            fprintf(stderr, "%s: 部门数据员须给出 --dept 部门（如 medical 或 医保）\n", cmd);
            return EXIT_USAGE;
        }
    }
    jz_auth_params p;
    if (jz_auth_params_from_env(&p, &err) != JZ_OK)
        return cli_fail(&err);
    char *password = NULL;
    size_t pw_cap = 0;
    int status = EXIT_DONE;
    if ((add || passwd) && (status = read_password(cmd, &password, &pw_cap)))
        return status;

    jz_store *s = NULL;
    jz_ctx x;
    memset(&x, 0, sizeof x);
    if (jz_store_open(db, 0, &s, &err) != JZ_OK) {
        status = cli_fail(&err);
        goto out;
    }
    if (add) {
        /* The regions of the policy, to check the scope. */
        if (jz_ctx_init(&x, s, cli_policy_dir(policy), NULL, cli_actor(actor), &err) != JZ_OK) {
            status = cli_fail(&err);
            goto out;
        }
    } else {
        x.store = s;
        snprintf(x.actor, sizeof x.actor, "%s", cli_actor(actor && actor[0] ? actor : "unknown"));
    }
    if (add) {
        jz_user_new rq = {.login = login,
                          .name = name,
                          .role = role,
                          .scope = scope,
                          .dept = dept,
                          .password = password};
        jz_user u;
        if (jz_user_add(&x, &p, &rq, &u, &err) != JZ_OK) {
            status = cli_fail(&err);
        } else {
            printf("已添加用户 %s（%s，%s，范围 %s%s%s）\n", u.login, u.name, jz_role_zh[u.role],
                   u.scope[0] ? u.scope : "全省", u.dept >= 0 ? "，部门 " : "",
                   u.dept >= 0 ? jz_dept_zh[u.dept] : "");
        }
    } else if (passwd) {
        if (jz_user_passwd(&x, &p, login, password, false, &err) != JZ_OK)
            status = cli_fail(&err);
        else
            printf("已为用户 %s 设置新密码，其已登录的会话全部结束\n", login);
    } else {
        jz_user before;
        if (jz_user_get(s, login, &before, &err) != JZ_OK ||
            jz_user_set_active(&x, login, enable, &err) != JZ_OK)
            status = cli_fail(&err);
        else if (before.active == enable)
            printf(enable ? "用户 %s 本已启用\n" : "用户 %s 本已停用\n", login);
        else
            printf(enable ? "已启用用户 %s\n" : "已停用用户 %s，其已登录的会话全部结束\n", login);
    }
out:
    if (add && x.regions)
        jz_ctx_cleanup(&x);
    jz_store_close(s);
    if (password) {
        sodium_memzero(password, pw_cap);
        free(password);
    }
    return status;
}
