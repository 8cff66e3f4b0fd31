/*
 * serve.c - `jiuzhu serve DB [--listen ADDR:PORT]`: the HTTP API (server/).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../server/srv.h"
#include "cli.h"

static const char usage_text[] =
    "用法: jiuzhu serve 数据库 [--listen 地址:端口] [--threads N] [--max-connections N]\n"
    "                 [--tls-cert 证书.pem --tls-key 私钥.pem] [--policy 目录] [--calendar 文件]\n"
    "                 [--web 界面目录]\n"
    "\n"
    "  --listen           监听地址，默认 127.0.0.1:8080（端口 0：任选空闲端口）\n"
    "  --threads          工作线程数，默认每个 CPU 核 2 个\n"
    "  --max-connections  同时连接数上限，默认 4096\n"
    "  --timeout          空闲连接保持秒数，默认 60\n"
    "  --tls-cert/--tls-key  直接提供 HTTPS（PEM 文件）；也可在反向代理之后运行，见 docs/server.md\n"
    "  --secure-cookies   会话 Cookie 加 Secure 标志（在终止 TLS 的反向代理之后运行时使用）\n"
    "  --port-file        把实际监听的端口写入该文件（供脚本使用）\n"
    "  --web              网页界面所在目录（scripts/web.sh 构建），默认 " JZ_WEB_DIR "；\n"
    "                     目录不存在时只提供 API\n"
    "  --print-routes     列出全部接口（方法、路径、可用角色、范围检查方式），每行一个 JSON\n"
    "\n"
    "用户须先用 jiuzhu user add 建立；接口文档见 /api/openapi.json。SIGINT/SIGTERM 停止。\n";

static int uint_opt(const char *name, const char *v, unsigned lo, unsigned hi, unsigned *out)
{
    long long n;
    if (!cli_int("jiuzhu serve", name, v, lo, hi, &n))
        return EXIT_USAGE;
    *out = (unsigned)n;
    return 0;
}

/* The route table as JSON, one route per line: what the scoping matrix
 * test walks (tests/integration/test_api_scope.sh). */
static int print_routes(void)
{
    for (size_t i = 0; i < jz_n_routes; i++) {
        const jz_route *r = &jz_routes[i];
        json_t *roles = json_array();
        for (int k = 0; k < JZ_ROLE_COUNT; k++)
            if (r->roles & (1u << k))
                json_array_append_new(roles, json_string(jz_role_name[k]));
        json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:b, s:s}", "method", r->method, "path",
                              r->pattern, "roles", roles, "scope", jz_scope_kind_name[r->scope],
                              "write", (int)r->write, "summary", r->summary);
        char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!line)
            return EXIT_INPUT;
        puts(line);
        free(line);
    }
    return EXIT_DONE;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, 'l'},  {"threads", required_argument, NULL, 't'},
        {"max-connections", required_argument, NULL, 'c'},
        {"timeout", required_argument, NULL, 'T'}, {"tls-cert", required_argument, NULL, 'C'},
        {"tls-key", required_argument, NULL, 'K'}, {"policy", required_argument, NULL, 'p'},
        {"calendar", required_argument, NULL, 'k'}, {"port-file", required_argument, NULL, 'P'},
        {"print-routes", no_argument, NULL, 'R'},
        {"secure-cookies", no_argument, NULL, 'S'},
        {"web", required_argument, NULL, 'W'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    jz_server_opts o = {.listen = "127.0.0.1:8080", .web_dir = JZ_WEB_DIR};
    const char *policy = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'l': o.listen = optarg; break;
        case 't': bad = uint_opt("--threads", optarg, 1, 256, &o.threads); break;
        case 'c': bad = uint_opt("--max-connections", optarg, 1, 100000, &o.max_connections); break;
        case 'T': bad = uint_opt("--timeout", optarg, 1, 3600, &o.timeout); break;
        case 'C': o.tls_cert = optarg; break;
        case 'K': o.tls_key = optarg; break;
        case 'p': policy = optarg; break;
        case 'k': o.calendar = optarg; break;
        case 'P': o.port_file = optarg; break;
        case 'h': fputs(usage_text, stdout); return EXIT_DONE;
        case 'R': return print_routes();
        case 'S': o.secure_cookies = true; break;
        case 'W': o.web_dir = optarg; break;
        default:
            fprintf(stderr, "jiuzhu serve: 不认识的选项或缺少参数「%s」\n", argv[optind - 1]);
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
        if (bad)
            return EXIT_USAGE;
    }
    if (optind + 1 != argc) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    o.db = argv[optind];
    o.policy_dir = cli_policy_dir(policy);
    jz_error err;
    jz_error_clear(&err);
    if (jz_server_run(&o, &err) != JZ_OK)
        return cli_fail(&err);
    return EXIT_DONE;
}
