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
 *
 * The store holds, besides the users, payments for the payment routes to
 * reach past their lookups: two households of 忻府区 receiving 低保
 * (H140902-700001 and -700002), July and August planned, their payees, a
 * care institution, batch 1 (July) approved and exported, batch 2 (August)
 * prepared, and recovery 1 (a fraud stop of the second household's
 * enrolment).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jiuzhu/jz_ctx.h"
#include "jiuzhu/jz_import.h"
#include "jiuzhu/jz_pay.h"
#include "jiuzhu/jz_procedure.h"
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

/* A valid ID number: county, birth YYYYMMDD, sequence, its check character. */
static void idnum(const char *county, const char *birth, int seq, char out[19])
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    snprintf(out, 19, "%s%s%03d", county, birth, seq);
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (out[i] - '0') * w[i];
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

/* A 19-digit account of prefix with its Luhn check digit. */
static void luhn(const char *prefix, char out[20])
{
    snprintf(out, 20, "%s", prefix);
    int sum = 0;
    for (int i = 17; i >= 0; i--) {
        int d = out[i] - '0';
        if ((17 - i) % 2 == 0 && (d *= 2) > 9)
            d -= 9;
        sum += d;
    }
    out[18] = (char)('0' + (10 - sum % 10) % 10);
    out[19] = '\0';
}

static void check(jz_err rc, const char *what, const jz_error *e)
{
    if (rc != JZ_OK)
        die(what, e);
}

/* The payments of the store (see the top of the file). */
static void seed_payments(jz_store *s)
{
    jz_ctx x = {.store = s, .today = jz_date_today(), .regions = sv.regions, .params = sv.params,
                .calendar = sv.calendar, .programmes = sv.programmes, .banks = sv.banks};
    snprintf(x.actor, sizeof x.actor, "fuzz");
    jz_error e;
    jz_error_clear(&e);
    char path[300], ids[2][3][19];
    snprintf(path, sizeof path, "%s.households.jsonl", db_path);
    FILE *f = fopen(path, "w");
    if (!f)
        die("households file", NULL);
    for (int h = 0; h < 2; h++) {
        idnum("140902", "19780310", 2 * h + 1, ids[h][0]);
        idnum("140902", "19800512", 2 * h + 2, ids[h][1]);
        idnum("140902", "20120905", 2 * h + 5, ids[h][2]);
        fprintf(f,
                "{\"household_id\":\"H140902-70000%d\",\"region\":\"140902101201\","
                "\"area\":\"rural\",\"assess_date\":\"2025-06-01\",\"current\":{\"programme\":"
                "\"dibao\",\"since\":\"2025-01-01\",\"monthly_amount\":\"400.00\"},\"members\":["
                "{\"id\":\"%s\",\"name\":\"王建%d\",\"relation\":\"head\",\"employment\":"
                "\"employed\",\"income\":[{\"kind\":\"wage\",\"amount\":\"6000.00\"}]},"
                "{\"id\":\"%s\",\"name\":\"刘秀%d\",\"relation\":\"spouse\",\"employment\":"
                "\"none\"},{\"id\":\"%s\",\"name\":\"王小%d\",\"relation\":\"child\","
                "\"student\":{\"level\":\"junior\"}}]}\n",
                h + 1, ids[h][0], h, ids[h][1], h, ids[h][2], h);
    }
    fclose(f);
    jz_parse_opts po = {.regions = sv.regions, .default_date = x.today, .force_date = JZ_DATE_NONE};
    jz_import_adopt ad = {sv.params, sv.calendar};
    jz_import_stats st;
    jz_err rc = jz_import_json(s, path, &po, &ad, 1, 0, NULL, NULL, &st, &e);
    unlink(path);
    check(rc, "import", &e);
    if (st.enrolled != 2)
        die("two enrolments adopted", NULL);
    jz_pay_plan_res pr;
    jz_pay_plan_req plan = {"2025-07", ""};
    check(jz_pay_plan(&x, &plan, &pr, &e), "plan", &e);
    jz_pay_plan_res_cleanup(&pr);
    for (int h = 0; h < 2; h++) {
        char hid[32], name[32], acct[20], prefix[19];
        snprintf(hid, sizeof hid, "H140902-70000%d", h + 1);
        snprintf(name, sizeof name, "王建%d", h);
        snprintf(prefix, sizeof prefix, "62284800000000000%d", h);
        luhn(prefix, acct);
        jz_payee_req rq = {.household_id = hid, .holder_name = name, .holder_id = ids[h][0],
                           .bank = "abc", .account = acct};
        jz_payee_res res;
        check(jz_pay_payee_set(&x, &rq, &res, &e), "payee", &e);
    }
    jz_institution in = {.county = "140902", .name = "敬老院", .holder = "敬老院", .bank = "sxrcu"};
    luhn("623159999999999999", in.account);
    check(jz_pay_institution_add(&x, &in, &e), "institution", &e);
    jz_pay_batch_req br = {"2025-07", "140902"};
    jz_pay_batch_res bres;
    check(jz_pay_batch_prepare(&x, &br, &bres, &e), "batch", &e);
    if (bres.n != 1 || bres.b[0].id != 1)
        die("batch 1", NULL);
    jz_pay_batch_res_cleanup(&bres);
    snprintf(x.actor, sizeof x.actor, "fuzz2");
    jz_pay_batch b;
    check(jz_pay_batch_approve(&x, 1, &b, &e), "approve", &e);
    char dir[] = "/tmp/jz-fuzz-api-XXXXXX";
    if (!mkdtemp(dir))
        die("export directory", NULL);
    jz_pay_export_req er = {.batch = 1, .format = JZ_PAY_CSV, .out_dir = dir};
    jz_pay_export_res *xr = calloc(1, sizeof *xr);
    if (!xr)
        die("memory", NULL);
    check(jz_pay_export(&x, &er, xr, &e), "export", &e);
    unlink(xr->path);
    rmdir(dir);
    free(xr);
    snprintf(x.actor, sizeof x.actor, "fuzz");
    plan.period = "2025-08";
    check(jz_pay_plan(&x, &plan, &pr, &e), "plan August", &e);
    jz_pay_plan_res_cleanup(&pr);
    br.period = "2025-08";
    check(jz_pay_batch_prepare(&x, &br, &bres, &e), "batch August", &e);
    jz_pay_batch_res_cleanup(&bres);
    jz_date from;
    check(jz_date_parse("2025-07-01", 10, &from, &e), "date", &e);
    jz_enrol_req sr = {.id = 2, .on = x.today, .note = "隐瞒收入", .reason = JZ_STOP_FRAUD,
                       .fraud_from = from};
    jz_enrol_res sres;
    check(jz_proc_enrol_stop(&x, &sr, &sres, &e), "fraud stop", &e);
    if (sres.recovery != 1)
        die("recovery 1", NULL);
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
    seed_payments(s);
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
