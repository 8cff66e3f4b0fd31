/*
 * main.c - the jiuzhu command: dispatches to one subcommand per file and
 * holds what they share (finding and loading the policy data).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fputs("用法: jiuzhu <命令> [选项]\n"
          "\n"
          "命令:\n"
          "  assess   评估户记录：一次申请、分类审核认定（低保、支出型、低保边缘、单人保、特困、\n"
          "           刚性支出困难、临时救助、专项救助转介），输出认定结果及其规则依据\n"
          "  rules    列出全部规则及其政策依据和参数（--params 列出参数）\n"
          "  init     创建低收入人口数据库（SQLite 文件，或 PostgreSQL：postgresql:// 地址）\n"
          "  import   导入户记录（JSON Lines 或县级 Excel 导出的 CSV），逐户整体入库\n"
          "  assess --db  重新评估数据库中的全部户（或一个地区），写回认定结果\n"
          "  show     显示一户及其最新认定结果和完整依据\n"
          "  stats    按市、县或乡镇统计各类对象户数、人数和金额\n"
          "  copy     把 SQLite 数据库整体复制到 PostgreSQL（核对行数和审计日志）\n"
          "  backup   在线一致备份（SQLite 在线备份；PostgreSQL 用 pg_dump）\n"
          "  gen      生成确定性的模拟登记数据（JSON Lines 或 CSV），用于性能测试、演示和导入测试\n"
          "  calendar 工作日计算：某日之后第 N 个工作日、两日之间的工作日数（含调休和法定节假日）\n"
          "  case     申请办理：受理、调查、核对、初审、公示、审核确认、决定、公布，期限提醒和文书\n"
          "  staff    登记工作人员及其近亲属（近亲属申请须备案并入户调查）\n"
          "  enrolment 救助对象：列表、到期复核、渐退、死亡核查、停发和追回\n"
          "  feed     导入其他部门数据（医保、残联、人社、教育、卫健、殡葬、司法、应急、住建、\n"
          "           不动产、车管、市场监管、公积金和财政供养、乡村振兴），按身份证号码比对\n"
          "  monitor  动态监测：按预警指标比对部门数据，生成 A/B/C/D 四类预警\n"
          "  alerts   列出预警\n"
          "  alert    处置预警：分派、核实（启动申请或复核案件）、转介、部门反馈、办结\n"
          "  chain    一户（人）一条救助链：申请、认定、救助、预警、转介、部门救助按时间排列\n"
          "  audit    校验审计日志（哈希链），发现被修改、删除或插入的记录\n"
          "  user     平台用户：添加、改密码、停用、启用、列出（角色、管辖范围、部门），查询留痕\n"
          "  pay      救助资金发放：发放计划、批次编制与审核、发放明细\n"
          "  serve    启动 HTTP 服务（JSON 接口，用户登录、角色和地区权限）\n"
          "\n"
          "\n"
          "退出码：0 完成；1 输入错误；2 用法错误；3 数据库被其他写入者占用，超过重试上限\n"
          "（未写入任何内容，稍后重试即可）；4 冲突（案件、救助或预警已被他人先行修改，\n"
          "未写入任何内容）。\n"
          "新建的文件（数据库、报告、导出）权限为 0600；环境变量 JIUZHU_FILE_MODE=0640\n"
          "使其同组可读（供备份、审计）。写文件的命令不覆盖已有文件，除非加 --force；\n"
          "数据库文件在任何情况下都不会被覆盖。\n"
          "\n"
          "jiuzhu <命令> --help 查看命令的选项；man jiuzhu 和 man jiuzhu-assess 查看手册。\n",
          f);
}

const char *cli_policy_dir(const char *option)
{
    if (option && option[0])
        return option;
    const char *env = getenv("JIUZHU_POLICY");
    if (env && env[0])
        return env;
    return JZ_POLICY_DIR;
}

void cli_beside_db(const char *db, const char *suffix, char *out, size_t n)
{
    if (!jz_store_is_pg(db)) {
        snprintf(out, n, "%s%s", strncmp(db, "sqlite:", 7) == 0 ? db + 7 : db, suffix);
        return;
    }
    /* The database's name: after the URL's last '/', up to its query. */
    const char *q = strchr(db, '?');
    size_t end = q ? (size_t)(q - db) : strlen(db);
    size_t start = end;
    while (start > 0 && db[start - 1] != '/')
        start--;
    snprintf(out, n, "%.*s%s", (int)(end - start), db + start, suffix);
}

const char *cli_default_actor(void)
{
    const char *names[] = {"JIUZHU_ACTOR", "USER", "LOGNAME"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *a = getenv(names[i]);
        if (a && a[0])
            return a;
    }
    return "unknown";
}

const char *cli_actor(const char *name)
{
    static char buf[64];
    const char *mark = "（命令行）";
    size_t room = sizeof buf - strlen(mark) - 1, n = strlen(name);
    if (n > room) { /* cut on a UTF-8 character boundary */
        n = room;
        while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
            n--;
    }
    snprintf(buf, sizeof buf, "%.*s%s", (int)n, name, mark);
    return buf;
}

int cli_exit_code(const jz_error *e)
{
    return jz_err_kind_of(e->code)->exit_status;
}

int cli_fail(const jz_error *e)
{
    cli_print_error(e);
    return cli_exit_code(e);
}

void cli_print_error(const jz_error *e)
{
    char line[1024];
    jz_error_format(e, line, sizeof line);
    fprintf(stderr, "jiuzhu: %s\n", line);
}

int cli_load_calendar(const char *file, const char *policy_dir, jz_calendar **cal)
{
    char path[4096];
    if (!file) {
        snprintf(path, sizeof path, "%s/calendar/cn-holidays.csv", cli_policy_dir(policy_dir));
        file = path;
    }
    jz_error err;
    jz_error_clear(&err);
    if (jz_calendar_load(file, cal, &err) != JZ_OK) {
        return cli_fail(&err);
    }
    return EXIT_DONE;
}

int cli_load_policy(const char *dir, jz_regions **regions, jz_paramset **params)
{
    char path[4096];
    jz_error err;
    jz_error_clear(&err);
    snprintf(path, sizeof path, "%s/regions/shanxi-regions.csv", dir);
    if (jz_regions_load(path, regions, &err) != JZ_OK) {
        return cli_fail(&err);
    }
    *params = jz_paramset_new();
    if (!*params) {
        fputs("jiuzhu: 内存不足\n", stderr);
        return EXIT_INPUT;
    }
    snprintf(path, sizeof path, "%s/params", dir);
    if (jz_paramset_load_dir(*params, path, &err) != JZ_OK) {
        return cli_fail(&err);
    }
    return EXIT_DONE;
}

int main(int argc, char **argv)
{
    /* Files jiuzhu creates (the database and its WAL and SHM, reports,
     * exports) hold personal data: 0600 unless JIUZHU_FILE_MODE=0640. */
    if (cli_file_mode_init() != EXIT_DONE)
        return EXIT_USAGE;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } commands[] = {
        {"assess", cmd_assess}, {"rules", cmd_rules}, {"init", cmd_init}, {"import", cmd_import},
        {"show", cmd_show},     {"stats", cmd_stats}, {"copy", cmd_copy}, {"backup", cmd_backup}, {"gen", cmd_gen},
        {"calendar", cmd_calendar}, {"case", cmd_case}, {"staff", cmd_staff},
        {"audit", cmd_audit}, {"enrolment", cmd_enrolment}, {"feed", cmd_feed},
        {"monitor", cmd_monitor}, {"alerts", cmd_alerts}, {"alert", cmd_alert},
        {"chain", cmd_chain}, {"user", cmd_user}, {"pay", cmd_pay},
        {"serve", cmd_serve},
    };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0) {
            return commands[i].fn(argc - 1, argv + 1);
        }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return EXIT_DONE;
    }
    if (strcmp(cmd, "--version") == 0) {
        puts("jiuzhu 0.1.0");
        return EXIT_DONE;
    }
    fprintf(stderr, "jiuzhu: 未知命令 %s\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
