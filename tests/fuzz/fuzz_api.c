/*
 * fuzz_api.c - libFuzzer target for the server's request handlers: any
 * user (every role, or nobody), any method, path, query and body go through
 * srv_dispatch (the route, login, role, CSRF, scope and the handler) against
 * a real SQLite store, as they would over HTTP.  Whatever comes in, the
 * answer is a status from 200 to 599 with a body, JSON bodies parse, a user
 * without login never gets a 2xx from a route that needs one, and nothing
 * crashes, overflows or leaks.
 *
 * Input: byte 0 picks the user, byte 1 the method, then the path up to the
 * first '\n', the query ("k=v&k=v") up to the next '\n', then the body.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jiuzhu/jz_ctx.h"
#include "jiuzhu/jz_store.h"
#include "jiuzhu/jz_user.h"
#include "srv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static srv sv;
static jz_server_opts opts;
static char db_path[256];

typedef struct user {
    const char *login, *name, *role, *scope;
    char token[JZ_TOKEN_TEXT], csrf[JZ_TOKEN_TEXT];
} user;

#define U(l, n, r, s) {.login = l, .name = n, .role = r, .scope = s}
static user users[] = {
    U("admin01", "管理员甲", "admin", ""),           U("analyst01", "分析员乙", "analyst", "14"),
    U("review01", "审核员丙", "reviewer", "140902"),  U("case01", "经办员丁", "caseworker", "140902101"),
    U("assist01", "协理员戊", "assistant", "140902101201"), U("dept01", "数据员己", "dept", "1409"),
    U("audit01", "审计员庚", "auditor", "1409"),
};
#define N_USERS (sizeof users / sizeof users[0])

static void die(const char *what, const jz_error *e)
{
    char line[1024] = "";
    if (e)
        jz_error_format(e, line, sizeof line);
    fprintf(stderr, "fuzz_api: %s %s\n", what, line);
    abort();
}

/* The store's files go when the fuzzer exits. */
static void remove_store(void)
{
    static const char *const ext[] = {"", "-wal", "-shm", "-lock", "-journal", ".audit-key"};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        char p[300];
        snprintf(p, sizeof p, "%s%s", db_path, ext[i]);
        unlink(p);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("JIUZHU_ARGON2_FAST", "1", 1);
    setenv("JIUZHU_AUDIT_KEY", "fuzz-api-audit-key-0123456789abcdef", 1);
    setenv("JIUZHU_BUSY_TIMEOUT", "5", 1);
    const char *shm = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(db_path, sizeof db_path, "%s/jz-fuzz-api-%d.db", shm, (int)getpid());
    jz_error e;
    jz_error_clear(&e);
    jz_store *s = NULL;
    if (jz_store_open(db_path, JZ_STORE_CREATE, &s, &e) != JZ_OK)
        die("store", &e);
    atexit(remove_store);
    opts.db = db_path;
    opts.policy_dir = JZ_POLICY_DIR;
    if (srv_init(&sv, &opts, &e) != JZ_OK)
        die("srv_init", &e);
    jz_ctx x = {.store = s, .today = jz_date_today(), .regions = sv.regions, .params = sv.params,
                .calendar = sv.calendar};
    snprintf(x.actor, sizeof x.actor, "fuzz");
    jz_store_set_actor(s, "fuzz");
    for (size_t i = 0; i < N_USERS; i++) {
        jz_user_new n = {.login = users[i].login, .name = users[i].name, .scope = users[i].scope,
                         .password = "long-enough-password-42", .dept = 0};
        jz_user u;
        jz_session ss;
        if (jz_role_parse(users[i].role, &n.role, &e) != JZ_OK ||
            jz_user_add(&x, &sv.auth, &n, &u, &e) != JZ_OK ||
            jz_auth_login(s, &sv.auth, n.login, n.password, (int64_t)time(NULL), &ss, &e) != JZ_OK)
            die(users[i].login, &e);
        memcpy(users[i].token, ss.token, sizeof ss.token);
        memcpy(users[i].csrf, ss.csrf, sizeof ss.csrf);
    }
    jz_store_close(s);
    return 0;
}

typedef struct fake {
    const user *u;
    char *query; /* "k=v&k=v", split in place into keys and values */
    const char *keys[16], *values[16];
    size_t n;
} fake;

static const char *lookup(void *arg, int kind, const char *name)
{
    fake *f = arg;
    if (kind == SRV_HEADER) {
        if (strcasecmp(name, "Content-Type") == 0)
            return "application/json";
        if (f->u && strcasecmp(name, "X-CSRF-Token") == 0)
            return f->u->csrf;
        return NULL;
    }
    if (kind == SRV_COOKIE)
        return f->u && strcmp(name, "jz_session") == 0 ? f->u->token : NULL;
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->keys[i], name) == 0)
            return f->values[i];
    return NULL;
}

static char *line(const uint8_t **d, size_t *n)
{
    const uint8_t *nl = memchr(*d, '\n', *n);
    size_t len = nl ? (size_t)(nl - *d) : *n;
    char *s = malloc(len + 1);
    if (!s)
        abort();
    memcpy(s, *d, len);
    s[len] = '\0';
    *d += len + (nl ? 1 : 0);
    *n -= len + (nl ? 1 : 0);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE"};
    if (size < 2)
        return 0;
    fake f = {.u = data[0] % (N_USERS + 1) < N_USERS ? &users[data[0] % (N_USERS + 1)] : NULL};
    const char *method = methods[data[1] % 4];
    data += 2;
    size -= 2;
    char *path = line(&data, &size);
    f.query = line(&data, &size);
    for (char *q = f.query, *save = NULL, *kv; f.n < 16 && (kv = strtok_r(q, "&", &save));
         q = NULL) {
        char *eq = strchr(kv, '=');
        f.keys[f.n] = kv;
        f.values[f.n] = eq ? (*eq = '\0', eq + 1) : "";
        f.n++;
    }
    srv_req rq = {.sv = &sv, .lookup = lookup, .lookup_arg = &f, .method = method, .url = path,
                  .now = (int64_t)time(NULL)};
    jz_route_find(method, path, &rq.m);
    rq.body_max = SRV_BODY_MAX_DEFAULT;
    rq.body = malloc(size + 1);
    if (!rq.body)
        abort();
    memcpy(rq.body, data, size);
    rq.body[size] = '\0';
    rq.body_len = size;
    srv_res rs = {.status = 500};
    srv_dispatch(&rq, &rs);
    if (!rs.body || rs.status < 200 || rs.status > 599)
        abort();
    if (!rs.type || strncmp(rs.type, "application/json", 16) == 0) {
        json_t *j = json_loadb(rs.body, rs.len, 0, NULL);
        if (!j)
            abort();
        json_decref(j);
    }
    if (!f.u && rq.m.route && rq.m.route->roles != R_NONE && rs.status < 300)
        abort(); /* nobody logged in got through */
    free(rs.body);
    free(rq.body);
    free(path);
    free(f.query);
    return 0;
}
