/*
 * bench_registry.c - the registry benchmark: a generated registry of N
 * households (default 1,000,000) imported into SQLite and reassessed in bulk
 * by the real `jiuzhu` binary, the engine alone on the same snapshot, and a
 * peer that computes the same categories with one SQL query over the same
 * database (bench/peer_categories.sql), measured side by side in one run
 * (bench/README.md, "bench_registry").
 *
 *   (1)  jiuzhu gen: N households as JSON Lines into a temporary directory.
 *   (2)  jiuzhu init + jiuzhu import: wall, CPU and peak memory of the child.
 *   (3)  jiuzhu assess --db DB --date D, with its own read / assess / write
 *        phase times as it prints them.
 *   (4)  the peer: peer_categories.sql on the database (in this process,
 *        through libsqlite3), and its category of every household compared
 *        with the determinations that (3) stored.
 *   (5)  in this process: jz_store_snapshot, then jz_snapshot_household +
 *        jz_assess (no trace) over the snapshot on 1 and 2 threads, checked
 *        against the stored determinations too.
 *
 * The figures of (3), (4) and (5) are medians of --reps runs; import runs
 * --import-reps times (each into a new database).  The targets are
 * printed with PASS or FAIL.  The bench is a report, not a test: its exit
 * status is 0 whether or not the targets are met, and non-zero only when it
 * could not run.
 */
/* wait4() is a BSD call, outside the _POSIX_C_SOURCE the build defines. */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_util.h"
#include "jiuzhu/jz_engine.h"
#include "jiuzhu/jz_params.h"
#include "jiuzhu/jz_region.h"
#include "jiuzhu/jz_store.h"

#define MAX_THREADS 2
#define SEED "20250601"
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The targets, for 1,000,000 households. */
#define TARGET_HOUSEHOLDS 1000000.0
#define TARGET_IMPORT_S 30.0
#define TARGET_REASSESS_S 10.0
#define TARGET_ENGINE_S 0.5
#define TARGET_MEMORY_MB 1536.0

/* Categories as the peer names them; the engine's none and
 * rigid_expenditure are both OTHER. */
enum { PEER_OTHER = 0, PEER_DIBAO, PEER_DIBAO_EXPENDITURE, PEER_MARGINAL, PEER_COUNT };
static const char *const peer_names[PEER_COUNT] = {"other", "dibao", "dibao_expenditure",
                                                   "marginal"};
#define NOT_ASSESSED 255

typedef struct options {
    size_t households;
    int reps, import_reps;
    const char *date; /* YYYY-MM-DD */
    const char *jiuzhu;
    const char *tmp; /* where the temporary directory goes */
    const char *policy_dir;
    const char *sql;
    const char *sim_param; /* the simulation's change: NAME=VALUE */
    bool keep;
} options;

/* ---- time, statistics, formatting ------------------------------------------ */

static double maximum(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++)
        if (v[i] > m)
            m = v[i];
    return m;
}

/* 1234567.8 -> "1,234,568" */
static const char *grouped(double x, char *buf, size_t n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%.0f", x < 0 ? 0 : x);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

static double file_mb(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (double)st.st_size / 1e6 : 0;
}

/* The peak resident set of this process so far, in MB. */
static double self_peak_mb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : 0;
}

/* ---- child processes ------------------------------------------------------- */

/* One run of a child: wall and CPU seconds, peak memory. */
typedef struct child_run {
    double wall, cpu;
    double rss_mb;  /* peak resident set (getrusage: anonymous and file pages) */
    double anon_mb; /* peak anonymous resident memory, sampled from /proc */
    int status;     /* exit status; -1 when it did not exit normally */
} child_run;

/* RssAnon of a running process in MB, or -1. */
static double rss_anon_mb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    double mb = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "RssAnon:", 8) == 0) {
            mb = strtod(line + 8, NULL) / 1024.0;
            break;
        }
    fclose(f);
    return mb;
}

/* Runs argv[0] with stdout and stderr into files; samples its anonymous
 * memory every 20 ms while waiting.  False if it could not be started. */
static bool run_child(char *const argv[], const char *out_path, const char *err_path, child_run *cr)
{
    memset(cr, 0, sizeof *cr);
    cr->status = -1;
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || err < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
            _exit(127);
        close(out);
        close(err);
        execv(argv[0], argv);
        _exit(127);
    }
    struct rusage ru;
    int status = 0;
    for (;;) {
        pid_t w = wait4(pid, &status, WNOHANG, &ru);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return false;
        double a = rss_anon_mb(pid);
        if (a > cr->anon_mb)
            cr->anon_mb = a;
        struct timespec nap = {0, 20 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    cr->wall = now() - t0;
    cr->cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
              (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    cr->rss_mb = (double)ru.ru_maxrss / 1024.0;
    cr->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return true;
}

/* Prints the last lines of a child's output file after a failure. */
static void show_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f) && n++ < 20)
        fprintf(stderr, "    %s", line);
    fclose(f);
}

/* Reads a whole (small) file; NULL on failure.  Caller frees. */
static char *slurp(const char *path, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(cap + 1);
    size_t n = buf ? fread(buf, 1, cap, f) : 0;
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    return buf;
}

/* The jiuzhu binary beside this program (build/bench_registry -> build/jiuzhu). */
static bool find_jiuzhu(const char *argv0, char *out, size_t n)
{
    char self[4096];
    ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
    if (k > 0) {
        self[k] = '\0';
    } else if (snprintf(self, sizeof self, "%s", argv0) >= (int)sizeof self) {
        return false;
    }
    char *slash = strrchr(self, '/');
    if (slash)
        slash[1] = '\0';
    if (snprintf(out, n, "%s%s", slash ? self : "./", "jiuzhu") >= (int)n)
        return false;
    return access(out, X_OK) == 0;
}

/* ---- (3): the phase times `jiuzhu assess --db` prints ------------------------ */

/* "共 N 户 M 人；每月合计 X 元；读取 R 秒，评估 A 秒，写回 W 秒" */
static bool parse_phases(const char *out_path, double *read_s, double *assess_s, double *write_s,
                         long *households)
{
    char *text = slurp(out_path, 1 << 20);
    if (!text)
        return false;
    const char *total = strstr(text, "\n共 ");
    const char *r = strstr(text, "读取 ");
    const char *a = strstr(text, "评估 ");
    const char *w = strstr(text, "写回 ");
    bool ok = total && r && a && w;
    if (ok) {
        *households = strtol(total + strlen("\n共 "), NULL, 10);
        *read_s = strtod(r + strlen("读取 "), NULL);
        *assess_s = strtod(a + strlen("评估 "), NULL);
        *write_s = strtod(w + strlen("写回 "), NULL);
    }
    free(text);
    return ok;
}

/* ---- policies by county ------------------------------------------------------ */

typedef struct county_policy {
    char county[7];
    bool ok;
    jz_policy policy;
} county_policy;

typedef struct policies {
    county_policy *c;
    size_t n;
} policies;

static int cmp_county(const void *a, const void *b)
{
    return strcmp(((const county_policy *)a)->county, ((const county_policy *)b)->county);
}

/* Resolves the policy of every county of the registry on `date`. */
static bool resolve_counties(sqlite3 *db, const jz_paramset *ps, jz_date date, policies *out)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 256;
    out->n = 0;
    out->c = malloc(cap * sizeof *out->c);
    if (!out->c || sqlite3_prepare_v2(db, "SELECT DISTINCT county FROM households ORDER BY county",
                                      -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return false;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (out->n == cap) {
            county_policy *g = realloc(out->c, 2 * cap * sizeof *g);
            if (!g) {
                sqlite3_finalize(st);
                return false;
            }
            out->c = g;
            cap *= 2;
        }
        county_policy *cp = &out->c[out->n++];
        snprintf(cp->county, sizeof cp->county, "%s", (const char *)sqlite3_column_text(st, 0));
        jz_error err;
        jz_error_clear(&err);
        cp->ok = jz_policy_resolve(ps, cp->county, date, &cp->policy, &err) == JZ_OK;
        if (!cp->ok) {
            char line[1024];
            jz_error_format(&err, line, sizeof line);
            fprintf(stderr, "bench_registry: county %s: %s\n", cp->county, line);
        }
    }
    sqlite3_finalize(st);
    return true;
}

static const jz_policy *find_policy(const policies *p, const char *county)
{
    county_policy key;
    memcpy(key.county, county, sizeof key.county);
    const county_policy *cp = bsearch(&key, p->c, p->n, sizeof *p->c, cmp_county);
    return cp && cp->ok ? &cp->policy : NULL;
}

/* ---- the stored determinations ---------------------------------------------- */

static uint8_t peer_of_engine(int category)
{
    switch (category) {
    case JZ_CAT_DIBAO:
        return PEER_DIBAO;
    case JZ_CAT_DIBAO_EXPENDITURE:
        return PEER_DIBAO_EXPENDITURE;
    case JZ_CAT_MARGINAL:
        return PEER_MARGINAL;
    default:
        return PEER_OTHER;
    }
}

/* The registry's households in key order: household ID, key, stored
 * category (NOT_ASSESSED without a determination). */
typedef struct stored {
    size_t n;
    int64_t max_key;
    int64_t *key;
    char (*id)[JZ_HOUSEHOLD_ID_MAX];
    uint8_t *category;
} stored;

static void stored_free(stored *s)
{
    free(s->key);
    free(s->id);
    free(s->category);
    memset(s, 0, sizeof *s);
}

static bool read_stored(sqlite3 *db, stored *s)
{
    sqlite3_stmt *st = NULL;
    memset(s, 0, sizeof *s);
    if (sqlite3_prepare_v2(db, "SELECT count(*), coalesce(max(hh), 0) FROM households", -1, &st,
                           NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return false;
    }
    size_t cap = (size_t)sqlite3_column_int64(st, 0);
    s->max_key = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    s->key = malloc((cap ? cap : 1) * sizeof *s->key);
    s->id = malloc((cap ? cap : 1) * sizeof *s->id);
    s->category = malloc(cap ? cap : 1);
    if (!s->key || !s->id || !s->category ||
        sqlite3_prepare_v2(db,
                           "SELECT h.hh, h.household_id, coalesce(d.category, -1)"
                           " FROM households h LEFT JOIN determinations d ON d.hh = h.hh"
                           " ORDER BY h.hh",
                           -1, &st, NULL) != SQLITE_OK) {
        stored_free(s);
        return false;
    }
    while (s->n < cap && sqlite3_step(st) == SQLITE_ROW) {
        s->key[s->n] = sqlite3_column_int64(st, 0);
        snprintf(s->id[s->n], sizeof s->id[s->n], "%s", (const char *)sqlite3_column_text(st, 1));
        int c = sqlite3_column_int(st, 2);
        s->category[s->n] = (uint8_t)(c < 0 || c >= JZ_CAT_COUNT ? NOT_ASSESSED : c);
        s->n++;
    }
    sqlite3_finalize(st);
    return true;
}

/* ---- (4): the SQL peer ----------------------------------------------------------- */

/* Creates and fills temp.peer_params (see peer_categories.sql). */
static bool fill_peer_params(sqlite3 *db, const policies *pol, jz_date date)
{
    char *msg = NULL;
    if (sqlite3_exec(db,
                     "DROP TABLE IF EXISTS temp.peer_params;"
                     "CREATE TEMP TABLE peer_params("
                     " county TEXT NOT NULL, area INTEGER NOT NULL, assess_date INTEGER NOT NULL,"
                     " S INTEGER NOT NULL, W INTEGER NOT NULL, inc_mask INTEGER NOT NULL,"
                     " dibao_months INTEGER NOT NULL, exp_months INTEGER NOT NULL,"
                     " marg_months INTEGER NOT NULL, tekun_months INTEGER NOT NULL,"
                     " marg_num INTEGER NOT NULL, marg_den INTEGER NOT NULL,"
                     " tk_elderly INTEGER NOT NULL, tk_minor INTEGER NOT NULL,"
                     " tk_minor_school INTEGER NOT NULL,"
                     " tk_grade_1 INTEGER NOT NULL, tk_grade_2 INTEGER NOT NULL,"
                     " tk_grade_3 INTEGER NOT NULL, tk_grade_4 INTEGER NOT NULL,"
                     " tk_grade_5 INTEGER NOT NULL, tk_grade_6 INTEGER NOT NULL,"
                     " tk_grade_7 INTEGER NOT NULL,"
                     " max_vehicles INTEGER NOT NULL, max_houses INTEGER NOT NULL,"
                     " business_allowed INTEGER NOT NULL,"
                     " PRIMARY KEY(county, area)) STRICT",
                     NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench_registry: peer_params: %s\n", msg ? msg : "?");
        sqlite3_free(msg);
        return false;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO peer_params VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                           "?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    bool ok = true;
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (size_t i = 0; i < pol->n && ok; i++) {
        if (!pol->c[i].ok)
            continue; /* the county's households get no row: reported as missing */
        const jz_policy *p = &pol->c[i].policy;
        for (int area = 0; area < JZ_AREA_COUNT && ok; area++) {
            int c = 1;
            uint32_t counted = ((1u << JZ_INC_FIRST_EXCLUDED) - 1u) & ~p->excluded_income;
            sqlite3_reset(st);
            sqlite3_bind_text(st, c++, pol->c[i].county, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, c++, area);
            sqlite3_bind_int(st, c++, date);
            sqlite3_bind_int64(st, c++, p->standard[area]);
            sqlite3_bind_int(st, c++, p->window_months);
            sqlite3_bind_int64(st, c++, counted);
            sqlite3_bind_int(st, c++, p->dibao_assets_months);
            sqlite3_bind_int(st, c++, p->exp_assets_months);
            sqlite3_bind_int(st, c++, p->marg_assets_months);
            sqlite3_bind_int(st, c++, p->tk_assets_months);
            sqlite3_bind_int64(st, c++, p->marg_multiple.num);
            sqlite3_bind_int64(st, c++, p->marg_multiple.den);
            sqlite3_bind_int(st, c++, p->tk_elderly_age);
            sqlite3_bind_int(st, c++, p->tk_minor_age);
            sqlite3_bind_int(st, c++, p->tk_minor_age_in_school);
            for (int d = 1; d < JZ_DIS_COUNT; d++)
                sqlite3_bind_int(st, c++, p->tk_max_grade[d]);
            sqlite3_bind_int(st, c++, p->max_vehicles);
            sqlite3_bind_int(st, c++, p->max_extra_houses);
            sqlite3_bind_int(st, c++, p->business_allowed);
            ok = sqlite3_step(st) == SQLITE_DONE;
        }
    }
    if (!ok)
        fprintf(stderr, "bench_registry: peer_params: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_exec(db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    return ok;
}

/* One run of the peer query: every row's category into cat[hh] (cat has
 * max_key + 1 entries, NOT_ASSESSED before).  Seconds, or < 0. */
static double run_peer(sqlite3 *db, const char *sql, uint8_t *cat, int64_t max_key, size_t *rows)
{
    memset(cat, NOT_ASSESSED, (size_t)max_key + 1);
    *rows = 0;
    double t0 = now();
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_registry: peer query: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t hh = sqlite3_column_int64(st, 0);
        const char *c = (const char *)sqlite3_column_text(st, 1);
        uint8_t v = NOT_ASSESSED;
        for (int k = 0; k < PEER_COUNT && c; k++)
            if (strcmp(c, peer_names[k]) == 0)
                v = (uint8_t)k;
        if (hh >= 0 && hh <= max_key)
            cat[hh] = v;
        (*rows)++;
    }
    if (s != SQLITE_DONE)
        fprintf(stderr, "bench_registry: peer query: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    double t1 = now();
    return s == SQLITE_DONE ? t1 - t0 : -1;
}

/* Compares the peer with the stored determinations; prints the counts and
 * the first disagreements.  Returns the disagreements. */
static size_t compare_peer(const stored *s, const uint8_t *cat)
{
    size_t agree = 0, disagree = 0, shown = 0;
    uint64_t matrix[JZ_CAT_COUNT + 1][PEER_COUNT + 1];
    memset(matrix, 0, sizeof matrix);
    for (size_t i = 0; i < s->n; i++) {
        uint8_t eng = s->category[i], peer = cat[s->key[i]];
        int row = eng == NOT_ASSESSED ? JZ_CAT_COUNT : eng;
        int col = peer == NOT_ASSESSED ? PEER_COUNT : peer;
        matrix[row][col]++;
        if (eng != NOT_ASSESSED && peer == peer_of_engine(eng)) {
            agree++;
            continue;
        }
        disagree++;
        if (shown++ < 10)
            printf("  DIFFERS: %s (hh %lld): jiuzhu %s, peer %s\n", s->id[i], (long long)s->key[i],
                   eng == NOT_ASSESSED ? "(no determination)" : jz_category_names[eng],
                   peer == NOT_ASSESSED ? "(no row)" : peer_names[peer]);
    }
    printf("  households by jiuzhu's category (rows) and the peer's (columns):\n");
    printf("    %-22s", "");
    for (int c = 0; c < PEER_COUNT; c++)
        printf(" %18s", peer_names[c]);
    printf(" %18s\n", "(no row)");
    for (int r = 0; r <= JZ_CAT_COUNT; r++) {
        uint64_t sum = 0;
        for (int c = 0; c <= PEER_COUNT; c++)
            sum += matrix[r][c];
        if (!sum)
            continue;
        printf("    %-22s", r < JZ_CAT_COUNT ? jz_category_names[r] : "(no determination)");
        for (int c = 0; c <= PEER_COUNT; c++)
            printf(" %18llu", (unsigned long long)matrix[r][c]);
        printf("\n");
    }
    printf("  agreement: %zu of %zu households agree, %zu disagree%s\n", agree, s->n, disagree,
           disagree ? "  <-- DIFFERS" : "");
    return disagree;
}

/* ---- (5): the engine on the snapshot, in this process ------------------------- */

typedef struct engine_work {
    const jz_snapshot *snap;
    const jz_policy *const *pols;
    jz_date date;
    size_t from, to;
    bool assess;       /* false: gather the households only */
    uint8_t *category; /* per household, or NULL */
    uint64_t members;  /* keeps the gather-only loop from being optimised away */
} engine_work;

static void *engine_chunk(void *arg)
{
    engine_work *w = arg;
    jz_member members[JZ_MAX_MEMBERS];
    jz_household h;
    jz_result *r = malloc(sizeof *r);
    if (!r)
        return NULL;
    uint64_t m = 0;
    for (size_t i = w->from; i < w->to; i++) {
        jz_snapshot_household(w->snap, i, &h, members);
        h.assess_date = w->date;
        m += h.n_members;
        if (!w->assess || !w->pols[i])
            continue;
        jz_assess(&h, w->pols[i], r, NULL);
        if (w->category)
            w->category[i] = r->category;
    }
    w->members = m;
    free(r);
    return NULL;
}

/* One pass over the snapshot on `threads` threads; seconds. */
static double run_engine(const jz_snapshot *snap, const jz_policy *const *pols, jz_date date,
                         int threads, bool assess, uint8_t *category)
{
    size_t n = jz_snapshot_households(snap);
    engine_work w[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    bool started[MAX_THREADS] = {false};
    size_t per = (n + (size_t)threads - 1) / (size_t)threads;
    double t0 = now();
    for (int t = 0; t < threads; t++) {
        size_t from = (size_t)t * per < n ? (size_t)t * per : n;
        size_t to = from + per < n ? from + per : n;
        w[t] = (engine_work){snap, pols, date, from, to, assess, category, 0};
        if (t > 0)
            started[t] = pthread_create(&tid[t], NULL, engine_chunk, &w[t]) == 0;
    }
    engine_chunk(&w[0]);
    for (int t = 1; t < threads; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else
            engine_chunk(&w[t]);
    }
    return now() - t0;
}

/* ---- the table --------------------------------------------------------------------- */

static void print_header(void)
{
    printf("  %-50s %9s %9s %8s %9s %9s %13s %8s\n", "figure", "median s", "min s", "CPU s",
           "RSS MB", "anon MB", "households/s", "/ peer");
}

/* A row; cpu, rss, anon < 0 are left blank, as are households <= 0 (the
 * rate) and peer <= 0 (the ratio). */
static void print_row(const char *label, const double *secs, int reps, double cpu, double rss,
                      double anon, double households, double peer)
{
    char rate[48], c[16] = "", r[16] = "", a[16] = "", q[16] = "";
    double med = median(secs, reps);
    if (cpu >= 0)
        snprintf(c, sizeof c, "%.2f", cpu);
    if (rss >= 0)
        snprintf(r, sizeof r, "%.0f", rss);
    if (anon >= 0)
        snprintf(a, sizeof a, "%.0f", anon);
    if (peer > 0)
        snprintf(q, sizeof q, "%.2f", med / peer);
    printf("  %-50s %9.3f %9.3f %8s %9s %9s %13s %8s\n", label, med, minimum(secs, reps), c, r, a,
           med > 0 && households > 0 ? grouped(households / med, rate, sizeof rate) : "", q);
}

static void print_compiler(void)
{
#if defined(__clang__)
    const char *cc = "clang";
#elif defined(__GNUC__)
    const char *cc = "gcc";
#else
    const char *cc = "cc";
#endif
#ifdef __OPTIMIZE__
    const char *opt = "yes";
#else
    const char *opt = "NO (figures are not representative; build with -DCMAKE_BUILD_TYPE=Release)";
#endif
    printf("compiler: %s %s; optimised (__OPTIMIZE__): %s; SQLite %s\n", cc, __VERSION__, opt,
           sqlite3_libversion());
}

/* ---- options ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fputs("usage: bench_registry [--households N] [--reps R] [--import-reps R]\n"
          "                      [--date YYYY-MM-DD] [--jiuzhu PATH] [--tmp DIR] [--keep]\n"
          "                      [--policy DIR] [--sql FILE]\n"
          "  --households N    households generated and imported (default 1000000)\n"
          "  --reps R          runs of jiuzhu assess, the peer and the in-process engine;\n"
          "                    medians are reported (default 3)\n"
          "  --import-reps R   imports, each into a new database (default 1)\n"
          "  --date D          the assessment date of the records and of the run\n"
          "                    (default 2025-06-01)\n"
          "  --jiuzhu PATH     the jiuzhu binary (default: beside this program)\n"
          "  --tmp DIR         where the temporary directory is made (default /tmp)\n"
          "  --keep            keep the temporary directory (households.jsonl, registry.db)\n"
          "  --policy DIR      policy directory (default JZ_SOURCE_DIR/policy)\n"
          "  --sql FILE        the peer query (default JZ_SOURCE_DIR/bench/peer_categories.sql)\n"
          "  --sim-param P     the policy simulation's change, NAME=VALUE for every county\n"
          "                    (default dibao.standard.rural=900)\n",
          f);
}

/* 0: run; 1: --help; 2: usage error. */
static int parse_options(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        size_t x;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 1;
        } else if (strcmp(a, "--keep") == 0) {
            o->keep = true;
            continue;
        } else if (!v) {
            fprintf(stderr, "bench_registry: %s needs a value (or is unknown)\n", a);
            usage(stderr);
            return 2;
        } else if (strcmp(a, "--households") == 0 && parse_size(v, 100000000, &x)) {
            o->households = x;
        } else if (strcmp(a, "--reps") == 0 && parse_size(v, MAX_REPS, &x)) {
            o->reps = (int)x;
        } else if (strcmp(a, "--import-reps") == 0 && parse_size(v, MAX_REPS, &x)) {
            o->import_reps = (int)x;
        } else if (strcmp(a, "--date") == 0) {
            o->date = v;
        } else if (strcmp(a, "--jiuzhu") == 0) {
            o->jiuzhu = v;
        } else if (strcmp(a, "--tmp") == 0) {
            o->tmp = v;
        } else if (strcmp(a, "--policy") == 0) {
            o->policy_dir = v;
        } else if (strcmp(a, "--sql") == 0) {
            o->sql = v;
        } else if (strcmp(a, "--sim-param") == 0) {
            o->sim_param = v;
        } else {
            fprintf(stderr, "bench_registry: bad option or value: %s %s\n", a, v);
            usage(stderr);
            return 2;
        }
        i++;
    }
    return 0;
}

/* ---- the run ------------------------------------------------------------------------- */

/* Everything the stages share. */
typedef struct bench {
    options o;
    jz_date date;
    char bin[4096];
    char dir[4096];
    char jsonl[4200], db[4200], out[4200], err[4200];
    /* (1), (2) */
    child_run gen;
    child_run imp[MAX_REPS];
    double imp_wall[MAX_REPS];
    double db_mb, db_assessed_mb; /* after the import, after the runs of (3) */
    char import_summary[256];     /* the import's own last line */
    /* (3) */
    child_run as[MAX_REPS];
    double as_wall[MAX_REPS], as_read[MAX_REPS], as_assess[MAX_REPS], as_write[MAX_REPS];
    long as_households;
    /* (4) */
    double peer[MAX_REPS];
    double peer_fill;
    double peer_rss_mb;
    size_t peer_rows, disagree;
    /* (5) */
    double snap_s, snap_anon_mb; /* anonymous memory the snapshot holds */
    double gather[MAX_REPS], eng1[MAX_REPS], eng2[MAX_REPS];
    size_t eng_households, eng_members, eng_mismatch;
    bool have_engine, snap_cached;
    /* (6) */
    child_run sim_cold, sim_disk, sim[MAX_REPS];
    bool have_disk;
    double sim_wall[MAX_REPS], sim_peer;
    double snap_file_mb;
    size_t sim_differs, sim_households;
    bool have_sim;
} bench;

static bool stage_generate(bench *b)
{
    char n[32];
    snprintf(n, sizeof n, "%zu", b->o.households);
    char *argv[] = {b->bin,   "gen",    "--households",    n,          "--seed",
                    SEED,     "--date", (char *)b->o.date, "--policy", (char *)b->o.policy_dir,
                    b->jsonl, NULL};
    printf("(1) jiuzhu gen --households %s --seed %s --date %s ...\n", n, SEED, b->o.date);
    fflush(stdout);
    if (!run_child(argv, b->out, b->err, &b->gen) || b->gen.status != 0) {
        fprintf(stderr, "bench_registry: jiuzhu gen failed (status %d):\n", b->gen.status);
        show_file(b->err);
        return false;
    }
    printf("    %.1f MB of JSON Lines (%.0f bytes per household) in %.1f s\n", file_mb(b->jsonl),
           file_mb(b->jsonl) * 1e6 / (double)b->o.households, b->gen.wall);
    return true;
}

static bool stage_import(bench *b)
{
    for (int r = 0; r < b->o.import_reps; r++) {
        char wal[4300], shm[4300], report[4300];
        snprintf(wal, sizeof wal, "%s-wal", b->db);
        snprintf(shm, sizeof shm, "%s-shm", b->db);
        snprintf(report, sizeof report, "%s.import-report.csv", b->db);
        remove(b->db);
        remove(wal);
        remove(shm);
        remove(report);
        child_run init;
        char *iargv[] = {b->bin, "init", b->db, NULL};
        if (!run_child(iargv, b->out, b->err, &init) || init.status != 0) {
            fprintf(stderr, "bench_registry: jiuzhu init failed:\n");
            show_file(b->err);
            return false;
        }
        char *argv[] = {b->bin, "import", "--policy", (char *)b->o.policy_dir,
                        b->db,  b->jsonl, NULL};
        printf("(2) jiuzhu import, run %d of %d ...\n", r + 1, b->o.import_reps);
        fflush(stdout);
        if (!run_child(argv, b->out, b->err, &b->imp[r]) || b->imp[r].status != 0) {
            fprintf(stderr, "bench_registry: jiuzhu import failed (status %d):\n",
                    b->imp[r].status);
            show_file(b->err);
            return false;
        }
        b->imp_wall[r] = b->imp[r].wall;
        printf("    %.1f s\n", b->imp[r].wall);
    }
    b->db_mb = file_mb(b->db);
    char *text = slurp(b->err, 1 << 20);
    const char *last = text ? strstr(text, "入库") : NULL;
    snprintf(b->import_summary, sizeof b->import_summary, "%.*s",
             last ? (int)strcspn(last, "\n") : 0, last ? last : "");
    free(text);
    printf("    jiuzhu import: %s\n", b->import_summary);
    return true;
}

static bool stage_assess(bench *b)
{
    for (int r = 0; r < b->o.reps; r++) {
        char *argv[] = {b->bin,   "assess",          "--db",     b->db,
                        "--date", (char *)b->o.date, "--policy", (char *)b->o.policy_dir,
                        NULL};
        printf("(3) jiuzhu assess --db, run %d of %d ...\n", r + 1, b->o.reps);
        fflush(stdout);
        if (!run_child(argv, b->out, b->err, &b->as[r]) || b->as[r].status != 0) {
            fprintf(stderr, "bench_registry: jiuzhu assess --db failed (status %d):\n",
                    b->as[r].status);
            show_file(b->err);
            return false;
        }
        b->as_wall[r] = b->as[r].wall;
        if (!parse_phases(b->out, &b->as_read[r], &b->as_assess[r], &b->as_write[r],
                          &b->as_households)) {
            fprintf(stderr, "bench_registry: cannot find the phase times in %s\n", b->out);
            return false;
        }
        printf("    %.1f s (read %.2f, assess %.2f, write %.2f)\n", b->as[r].wall, b->as_read[r],
               b->as_assess[r], b->as_write[r]);
    }
    b->db_assessed_mb = file_mb(b->db);
    return true;
}

/* Opens the registry for the bench's own reading, with the store's cache
 * settings so that the peer reads the file the way jiuzhu does. */
static sqlite3 *open_db(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_registry: cannot open %s: %s\n", path,
                db ? sqlite3_errmsg(db) : "?");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_exec(db, "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
    return db;
}

static bool stage_peer(bench *b, sqlite3 *db, const policies *pol, const stored *s)
{
    char *sql = slurp(b->o.sql, 1 << 20);
    if (!sql) {
        fprintf(stderr, "bench_registry: cannot read %s: %s\n", b->o.sql, strerror(errno));
        return false;
    }
    uint8_t *cat = malloc((size_t)s->max_key + 1);
    bool ok = cat != NULL;
    printf("(4) the peer: %s ...\n", b->o.sql);
    fflush(stdout);
    double t0 = now();
    ok = ok && fill_peer_params(db, pol, b->date);
    b->peer_fill = now() - t0;
    for (int r = 0; ok && r < b->o.reps; r++) {
        b->peer[r] = run_peer(db, sql, cat, s->max_key, &b->peer_rows);
        ok = b->peer[r] >= 0;
        if (ok)
            printf("    %.2f s\n", b->peer[r]);
    }
    b->peer_rss_mb = self_peak_mb();
    if (ok) {
        printf("\nsame categories? the peer's category of every household against the "
               "determination jiuzhu assess stored:\n");
        b->disagree = compare_peer(s, cat);
    }
    free(cat);
    free(sql);
    return ok;
}

static bool stage_engine(bench *b, const policies *pol, const stored *s)
{
    jz_store *store = NULL;
    jz_snapshot *snap = NULL;
    jz_error err;
    jz_error_clear(&err);
    const jz_policy **pols = NULL;
    uint8_t *category = NULL;
    bool ok = false;
    printf("(5) in this process: jz_store_snapshot, then jz_assess on 1 and %d threads ...\n",
           MAX_THREADS);
    fflush(stdout);
    double anon0 = rss_anon_mb(getpid());
    double t0 = now();
    if (jz_store_open(b->db, JZ_STORE_READONLY, &store, &err) != JZ_OK ||
        jz_store_snapshot(store, "", &snap, &err) != JZ_OK) {
        char line[1024];
        jz_error_format(&err, line, sizeof line);
        fprintf(stderr, "bench_registry: snapshot: %s\n", line);
        goto done;
    }
    b->snap_s = now() - t0;
    b->snap_cached = jz_snapshot_cached(snap);
    b->snap_anon_mb = rss_anon_mb(getpid()) - anon0;
    size_t n = jz_snapshot_households(snap);
    b->eng_households = n;
    b->eng_members = jz_snapshot_members(snap);
    pols = malloc((n ? n : 1) * sizeof *pols);
    category = malloc(n ? n : 1);
    if (!pols || !category)
        goto done;
    /* The policy of each household, resolved once per county before the
     * loop, as jz_batch_assess does (its "read" phase). */
    {
        jz_member members[JZ_MAX_MEMBERS];
        jz_household h;
        for (size_t i = 0; i < n; i++) {
            char county[7];
            jz_snapshot_household(snap, i, &h, members);
            jz_region_county(&h.region, county);
            pols[i] = find_policy(pol, county);
        }
    }
    for (int r = 0; r < b->o.reps; r++) {
        b->gather[r] = run_engine(snap, pols, b->date, 1, false, NULL);
        b->eng1[r] = run_engine(snap, pols, b->date, 1, true, category);
        b->eng2[r] = run_engine(snap, pols, b->date, MAX_THREADS, true, NULL);
        printf("    gather %.3f s, 1 thread %.3f s, %d threads %.3f s\n", b->gather[r], b->eng1[r],
               MAX_THREADS, b->eng2[r]);
    }
    /* The snapshot is in key order, like the stored list: the same
     * household at the same index, which the IDs confirm. */
    {
        jz_member members[JZ_MAX_MEMBERS];
        jz_household h;
        b->eng_mismatch = n == s->n ? 0 : (n > s->n ? n - s->n : s->n - n);
        for (size_t i = 0; i < n && i < s->n; i++) {
            jz_snapshot_household(snap, i, &h, members);
            if (strcmp(h.household_id, s->id[i]) != 0 || !pols[i] ||
                s->category[i] != category[i]) {
                if (b->eng_mismatch++ < 5)
                    printf("  DIFFERS: %s: stored %s, in-process engine %s\n", h.household_id,
                           s->category[i] == NOT_ASSESSED ? "(none)"
                                                          : jz_category_names[s->category[i]],
                           pols[i] ? jz_category_names[category[i]] : "(no policy)");
            }
        }
    }
    b->have_engine = true;
    ok = true;
done:
    free(pols);
    free(category);
    jz_snapshot_free(snap);
    jz_store_close(store);
    return ok;
}

/* ---- (6): the policy simulation, beside the peer under the same change ---------------- */

/* The category names `jiuzhu assess` prints (cli_category_zh), by engine
 * category: how its table is read back. */
static const char *const category_zh[JZ_CAT_COUNT] = {"不符合", "低保", "支出型低保",
                                                      "低保边缘", "刚性支出困难"};

/* The table a run prints (everything before its "共 N 户" line), malloc'd. */
static char *run_table(const char *out_path)
{
    char *text = slurp(out_path, 16 << 20);
    char *end = text ? strstr(text, "\n共 ") : NULL;
    if (end)
        end[1] = '\0';
    else if (text)
        text[0] = '\0';
    return text;
}

/* Removes the snapshot cache beside db (DB-snapshots/): the next run is cold. */
static void drop_cache(const char *db)
{
    char dir[4300];
    snprintf(dir, sizeof dir, "%s-snapshots", db);
    const char *names[] = {"all.snap", "all.results"};
    for (size_t i = 0; i < COUNT(names); i++) {
        char p[4400];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        remove(p);
    }
    rmdir(dir);
}

/* Households by (county, peer category) from a table of the simulation:
 * counts[c * PEER_COUNT + k] for county index c of pol.  False when a line
 * cannot be read. */
static bool table_counts(const char *table, const policies *pol, int64_t *counts)
{
    const char *line = strchr(table, '\n'); /* past the header */
    while (line && line[1]) {
        line++;
        if (*line == '\n')
            continue; /* the empty line before the totals */
        char county[7], name[128], cat[64];
        long long n;
        if (sscanf(line, "%6s %127s %63s %lld", county, name, cat, &n) != 4)
            return false;
        county_policy key;
        memcpy(key.county, county, sizeof key.county);
        const county_policy *cp = bsearch(&key, pol->c, pol->n, sizeof *pol->c, cmp_county);
        int c = -1;
        for (int k = 0; k < JZ_CAT_COUNT; k++)
            if (strcmp(cat, category_zh[k]) == 0)
                c = k;
        if (!cp || c < 0)
            return false;
        counts[(size_t)(cp - pol->c) * PEER_COUNT + peer_of_engine(c)] += n;
        line = strchr(line, '\n');
    }
    return true;
}

static bool stage_simulate(bench *b, const jz_paramset *ps, const stored *s)
{
    char *argv[] = {b->bin,   "assess",          "--db",     b->db,
                    "--date", (char *)b->o.date, "--policy", (char *)b->o.policy_dir,
                    "--param", (char *)b->o.sim_param, NULL};
    printf("(6) policy simulation: jiuzhu assess --db --param %s: cold (no snapshot cache), "
           "then %d runs warm ...\n",
           b->o.sim_param, b->o.reps);
    fflush(stdout);
    drop_cache(b->db);
    if (!run_child(argv, b->out, b->err, &b->sim_cold) || b->sim_cold.status != 0) {
        fprintf(stderr, "bench_registry: the simulation failed (status %d):\n",
                b->sim_cold.status);
        show_file(b->err);
        return false;
    }
    printf("    cold %.2f s\n", b->sim_cold.wall);
    char *first = run_table(b->out);
    bool ok = first && first[0];
    for (int r = 0; ok && r < b->o.reps; r++) {
        ok = run_child(argv, b->out, b->err, &b->sim[r]) && b->sim[r].status == 0;
        char *t = ok ? run_table(b->out) : NULL;
        ok = ok && t;
        if (ok && strcmp(t, first) != 0) {
            b->sim_differs++;
            printf("  DIFFERS: warm simulation %d's table is not the cold one's\n", r + 1);
        }
        if (ok) {
            b->sim_wall[r] = b->sim[r].wall;
            printf("    warm %.2f s\n", b->sim[r].wall);
        }
        free(t);
    }
    char snap[4400];
    snprintf(snap, sizeof snap, "%s-snapshots/all.snap", b->db);
    b->snap_file_mb = file_mb(snap);
    /* Cold from the disk: the cache's files there, none of their pages in
     * memory (the kernel's page cache dropped: root only). */
    sync();
    FILE *drop = ok ? fopen("/proc/sys/vm/drop_caches", "w") : NULL;
    bool dropped = drop && fputs("3\n", drop) >= 0;
    if (drop)
        dropped = fclose(drop) == 0 && dropped;
    if (dropped) {
        ok = run_child(argv, b->out, b->err, &b->sim_disk) && b->sim_disk.status == 0;
        b->have_disk = ok;
        if (ok)
            printf("    cold from the disk (page cache dropped) %.2f s\n", b->sim_disk.wall);
    } else {
        printf("    cold from the disk: not measured (dropping the page cache needs root)\n");
    }

    /* The peer under the same change: every household's category by the
     * SQL query, counted by county and category beside the simulation's. */
    sqlite3 *db = ok ? open_db(b->db) : NULL;
    jz_paramset *changed = ok ? jz_paramset_copy(ps) : NULL;
    policies pol = {NULL, 0};
    char *sql = slurp(b->o.sql, 1 << 20);
    uint8_t *cat = malloc((size_t)s->max_key + 1);
    int64_t *want = NULL, *got = NULL;
    jz_error err;
    jz_error_clear(&err);
    ok = db && changed && sql && cat && jz_paramset_override(changed, b->o.sim_param, &err) == JZ_OK &&
         resolve_counties(db, changed, b->date, &pol) && fill_peer_params(db, &pol, b->date);
    if (ok) {
        size_t rows = 0;
        printf("    the peer under the same change ...\n");
        fflush(stdout);
        b->sim_peer = run_peer(db, sql, cat, s->max_key, &rows);
        ok = b->sim_peer >= 0;
    }
    if (ok) {
        want = calloc(pol.n * PEER_COUNT, sizeof *want);
        got = calloc(pol.n * PEER_COUNT, sizeof *got);
        sqlite3_stmt *st = NULL;
        ok = want && got &&
             sqlite3_prepare_v2(db, "SELECT hh, county FROM households", -1, &st, NULL) ==
                 SQLITE_OK;
        while (ok && sqlite3_step(st) == SQLITE_ROW) {
            int64_t hh = sqlite3_column_int64(st, 0);
            county_policy key;
            snprintf(key.county, sizeof key.county, "%s", (const char *)sqlite3_column_text(st, 1));
            const county_policy *cp = bsearch(&key, pol.c, pol.n, sizeof *pol.c, cmp_county);
            if (cp && hh >= 0 && hh <= s->max_key && cat[hh] != NOT_ASSESSED)
                want[(size_t)(cp - pol.c) * PEER_COUNT + cat[hh]]++;
            b->sim_households++;
        }
        sqlite3_finalize(st);
        if (ok && !table_counts(first, &pol, got)) {
            printf("  DIFFERS: the simulation's table cannot be read back\n");
            b->sim_differs++;
        }
        for (size_t c = 0; ok && c < pol.n; c++)
            for (int k = 0; k < PEER_COUNT; k++) {
                int64_t w = want[c * PEER_COUNT + k], g = got[c * PEER_COUNT + k];
                if (w != g && b->sim_differs++ < 5)
                    printf("  DIFFERS: county %s, %s: the simulation %lld households, the peer "
                           "%lld\n",
                           pol.c[c].county, peer_names[k], (long long)g, (long long)w);
            }
    }
    if (!ok)
        fprintf(stderr, "bench_registry: the simulation's peer could not run%s%s\n",
                err.reason[0] ? ": " : "", err.reason);
    b->have_sim = ok;
    free(want);
    free(got);
    free(cat);
    free(sql);
    free(pol.c);
    jz_paramset_free(changed);
    sqlite3_close(db);
    free(first);
    return ok;
}

static const char *verdict(bool pass)
{
    return pass ? "PASS" : "FAIL";
}

static void report(const bench *b)
{
    const options *o = &b->o;
    double n = (double)o->households;
    int R = o->reps;
    double peer = median(b->peer, R);
    printf("\nfigures: %zu households, %zu persons (%.2f per household); database %.0f MB "
           "imported, %.0f MB with determinations; medians of %d runs (import: %d)\n",
           o->households, b->eng_members, (double)b->eng_members / n, b->db_mb, b->db_assessed_mb,
           R, o->import_reps);
    printf("  \"/ peer\" = median time / median time of (4), for the figures that reassess;\n"
           "  CPU and memory of the children are their medians (RSS: getrusage, file pages of\n"
           "  file pages included; anon: peak RssAnon sampled every 20 ms)\n");
    print_header();
    double g[1] = {b->gen.wall};
    print_row("(1)  jiuzhu gen -> JSON Lines", g, 1, b->gen.cpu, b->gen.rss_mb, b->gen.anon_mb, n,
              -1);
    double icpu[MAX_REPS], irss[MAX_REPS], ianon[MAX_REPS];
    for (int r = 0; r < o->import_reps; r++) {
        icpu[r] = b->imp[r].cpu;
        irss[r] = b->imp[r].rss_mb;
        ianon[r] = b->imp[r].anon_mb;
    }
    print_row("(2)  jiuzhu import (JSON Lines -> SQLite)", b->imp_wall, o->import_reps,
              median(icpu, o->import_reps), median(irss, o->import_reps),
              median(ianon, o->import_reps), n, -1);
    double acpu[MAX_REPS], arss[MAX_REPS], aanon[MAX_REPS];
    for (int r = 0; r < R; r++) {
        acpu[r] = b->as[r].cpu;
        arss[r] = b->as[r].rss_mb;
        aanon[r] = b->as[r].anon_mb;
    }
    print_row("(3)  jiuzhu assess --db (end to end, wall)", b->as_wall, R, median(acpu, R),
              median(arss, R), median(aanon, R), n, peer);
    print_row("(3r)   read: store -> snapshot, parameters", b->as_read, R, -1, -1, -1, n, peer);
    print_row("(3a)   assess: engine on all cores", b->as_assess, R, -1, -1, -1, n, peer);
    print_row("(3w)   write: determinations, one transaction", b->as_write, R, -1, -1, -1, n, peer);
    double pr[1] = {b->peer_fill};
    print_row("(4p) peer: fill peer_params (all counties)", pr, 1, -1, -1, -1, -1, -1);
    print_row("(4)  peer: peer_categories.sql, all rows read", b->peer, R, -1, b->peer_rss_mb, -1,
              n, peer);
    if (b->have_engine) {
        double s1[1] = {b->snap_s};
        print_row(b->snap_cached ? "(5s) in process: jz_store_snapshot (cached)"
                                 : "(5s) in process: jz_store_snapshot",
                  s1, 1, -1, -1, b->snap_anon_mb, n, peer);
        print_row("(5g) in process: jz_snapshot_household only, 1 thr", b->gather, R, -1, -1, -1, n,
                  peer);
        print_row("(5a) in process: + jz_assess (no trace), 1 thread", b->eng1, R, -1, -1, -1, n,
                  peer);
        char label[64];
        snprintf(label, sizeof label, "(5b) in process: + jz_assess (no trace), %d threads",
                 MAX_THREADS);
        print_row(label, b->eng2, R, -1, -1, -1, n, peer);
    }

    double scale = n / TARGET_HOUSEHOLDS;
    double imp = median(b->imp_wall, o->import_reps), as = median(b->as_wall, R);
    double eng = median(b->as_assess, R);
    double mem = maximum(irss, o->import_reps) > maximum(arss, R) ? maximum(irss, o->import_reps)
                                                                  : maximum(arss, R);
    double anon = maximum(ianon, o->import_reps) > maximum(aanon, R)
                      ? maximum(ianon, o->import_reps)
                      : maximum(aanon, R);
    printf("\ntargets (the issue's, for 1,000,000 households%s):\n",
           scale != 1.0 ? "; times scaled to this run's households" : "");
    printf("  import <= %.1f s:                 %7.2f s  %s\n", TARGET_IMPORT_S * scale, imp,
           verdict(imp <= TARGET_IMPORT_S * scale));
    printf("  reassessment end to end <= %.1f s: %7.2f s  %s  (wall of jiuzhu assess --db)\n",
           TARGET_REASSESS_S * scale, as, verdict(as <= TARGET_REASSESS_S * scale));
    printf("  engine <= %.2f s:                 %7.2f s  %s  (its own \"评估\" phase; in this "
           "process: %.3f s on %d threads, %.3f s on 1)\n",
           TARGET_ENGINE_S * scale, eng, verdict(eng <= TARGET_ENGINE_S * scale),
           b->have_engine ? median(b->eng2, R) : 0.0, MAX_THREADS,
           b->have_engine ? median(b->eng1, R) : 0.0);
    printf("  peak memory <= %.0f MB:            %7.0f MB %s  (largest peak RSS of import and "
           "assess; anonymous memory alone %.0f MB)\n",
           TARGET_MEMORY_MB, mem, verdict(mem <= TARGET_MEMORY_MB), anon);
    printf("\npeer: jiuzhu assess --db / peer = %.2f (end to end, with the write); "
           "(read + assess) / peer = %.2f; in-process engine on 1 thread / peer = %.3f\n",
           as / peer, (median(b->as_read, R) + eng) / peer,
           b->have_engine ? median(b->eng1, R) / peer : 0.0);
    printf("  the peer %s jiuzhu's categories (%zu disagreements over %zu households)\n",
           b->disagree ? "DIFFERS from" : "reproduces", b->disagree, o->households);
    if (b->have_engine)
        printf("  the in-process engine %s the stored determinations (%zu differences)\n",
               b->eng_mismatch ? "DIFFERS from" : "reproduces", b->eng_mismatch);
    if (b->have_sim) {
        double warm = median(b->sim_wall, R);
        printf("\npolicy simulation (jiuzhu assess --db --param %s, end to end, wall):\n",
               o->sim_param);
        printf("  built (no snapshot cache: read from the store, then kept) %7.2f s; peak RSS "
               "%.0f MB\n",
               b->sim_cold.wall, b->sim_cold.rss_mb);
        if (b->have_disk)
            printf("  cold (the cache on disk, the page cache dropped)         %7.2f s; peak RSS "
                   "%.0f MB\n",
                   b->sim_disk.wall, b->sim_disk.rss_mb);
        else
            printf("  cold (the cache on disk, the page cache dropped): not measured (needs "
                   "root)\n");
        double cold = b->have_disk ? b->sim_disk.wall : b->sim_cold.wall;
        double rss[MAX_REPS];
        for (int r = 0; r < R; r++)
            rss[r] = b->sim[r].rss_mb;
        printf("  warm (median of %d)                                      %7.2f s; peak RSS "
               "%.0f MB (the mapped snapshot's pages included)\n",
               R, warm, median(rss, R));
        printf("  the peer under the same change (peer_categories.sql)   %7.2f s;  peer / warm = "
               "%.1f, peer / cold = %.1f, peer / built = %.1f\n",
               b->sim_peer, warm > 0 ? b->sim_peer / warm : 0.0, cold > 0 ? b->sim_peer / cold : 0.0,
               b->sim_cold.wall > 0 ? b->sim_peer / b->sim_cold.wall : 0.0);
        printf("  targets (issue 17%s): warm <= %.2f s %s; cold <= %.2f s %s%s; "
               "peer / warm >= 10 %s; snapshot <= 300 MB: %.0f MB (its file) %s\n",
               scale != 1.0 ? ", scaled" : "", 1.0 * scale, verdict(warm <= 1.0 * scale),
               3.0 * scale, verdict(cold <= 3.0 * scale),
               b->have_disk ? "" : " (built, as cold was not measured)",
               verdict(warm > 0 && b->sim_peer / warm >= 10), b->snap_file_mb,
               verdict(b->snap_file_mb <= 300.0 * scale));
        printf("  the simulation %s the peer under the same change (%zu differences by county "
               "and category over %zu households)\n",
               b->sim_differs ? "DIFFERS from" : "agrees with", b->sim_differs,
               b->sim_households);
    }
    if (b->as_households != (long)o->households)
        printf("  NOTE: jiuzhu assess reported %ld households, not %zu\n", b->as_households,
               o->households);
}

/* Removes the temporary directory's files and the directory. */
static void cleanup_dir(const bench *b)
{
    drop_cache(b->db);
    const char *names[] = {"households.jsonl",
                           "registry.db",
                           "registry.db-wal",
                           "registry.db-shm",
                           "registry.db.import-report.csv",
                           "child.out",
                           "child.err"};
    for (size_t i = 0; i < COUNT(names); i++) {
        char p[4300];
        snprintf(p, sizeof p, "%s/%s", b->dir, names[i]);
        remove(p);
    }
    rmdir(b->dir);
}

int main(int argc, char **argv)
{
    static bench b; /* large: off the stack */
    b.o = (options){.households = 1000000,
                    .reps = 3,
                    .import_reps = 1,
                    .date = "2025-06-01",
                    .tmp = "/tmp",
                    .policy_dir = JZ_SOURCE_DIR "/policy",
                    .sql = JZ_SOURCE_DIR "/bench/peer_categories.sql",
                    .sim_param = "dibao.standard.rural=900"};
    int rc = parse_options(argc, argv, &b.o);
    if (rc)
        return rc == 1 ? 0 : 2;
    jz_error err;
    jz_error_clear(&err);
    if (jz_date_parse(b.o.date, strlen(b.o.date), &b.date, &err) != JZ_OK) {
        fprintf(stderr, "bench_registry: --date %s: %s\n", b.o.date, err.reason);
        return 2;
    }
    if (b.o.jiuzhu) {
        snprintf(b.bin, sizeof b.bin, "%s", b.o.jiuzhu);
    } else if (!find_jiuzhu(argv[0], b.bin, sizeof b.bin)) {
        fputs("bench_registry: no jiuzhu binary beside this program; use --jiuzhu PATH\n", stderr);
        return 2;
    }
    snprintf(b.dir, sizeof b.dir, "%s/jiuzhu-registry-XXXXXX", b.o.tmp);
    if (!mkdtemp(b.dir)) {
        fprintf(stderr, "bench_registry: cannot make a directory in %s: %s\n", b.o.tmp,
                strerror(errno));
        return 2;
    }
    snprintf(b.jsonl, sizeof b.jsonl, "%s/households.jsonl", b.dir);
    snprintf(b.db, sizeof b.db, "%s/registry.db", b.dir);
    snprintf(b.out, sizeof b.out, "%s/child.out", b.dir);
    snprintf(b.err, sizeof b.err, "%s/child.err", b.dir);

    printf("jiuzhu bench_registry: %zu households, assessment date %s, binary %s\n", b.o.households,
           b.o.date, b.bin);
    printf("machine: nproc %ld; ", sysconf(_SC_NPROCESSORS_ONLN));
    print_compiler();
    printf("directory: %s%s\n\n", b.dir, b.o.keep ? " (kept)" : " (removed at the end)");

    int status = 1;
    jz_paramset *ps = NULL;
    sqlite3 *db = NULL;
    policies pol = {NULL, 0};
    stored s;
    memset(&s, 0, sizeof s);
    char path[4300];
    snprintf(path, sizeof path, "%s/params", b.o.policy_dir);
    if (!(ps = jz_paramset_new()) || jz_paramset_load_dir(ps, path, &err) != JZ_OK) {
        char line[1024];
        jz_error_format(&err, line, sizeof line);
        fprintf(stderr, "bench_registry: %s\n", line);
        goto out;
    }
    if (!stage_generate(&b) || !stage_import(&b) || !stage_assess(&b))
        goto out;
    if (!(db = open_db(b.db)) || !resolve_counties(db, ps, b.date, &pol) || !read_stored(db, &s)) {
        fprintf(stderr, "bench_registry: cannot read the registry %s\n", b.db);
        goto out;
    }
    if (!stage_peer(&b, db, &pol, &s))
        goto out;
    sqlite3_close(db);
    db = NULL;
    if (!stage_engine(&b, &pol, &s))
        goto out;
    if (!stage_simulate(&b, ps, &s))
        goto out;
    report(&b);
    printf("\npeak RSS of this process: %.0f MB\n", self_peak_mb());
    status = 0;
out:
    sqlite3_close(db);
    stored_free(&s);
    free(pol.c);
    jz_paramset_free(ps);
    if (!b.o.keep)
        cleanup_dir(&b);
    else
        printf("kept: %s\n", b.dir);
    return status;
}
