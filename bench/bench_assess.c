/*
 * bench_assess.c - how fast jiuzhu assesses households, engine alone and end
 * to end, measured side by side in one run (bench/README.md).
 *
 * The households come from the library's registry generator (jz_gen,
 * docs/generator.md) with a fixed seed: realistic, valid households of all of
 * Shanxi (or of --region), 1-7 members, incomes spread around each county's
 * 低保 standard so that every category occurs.  The same households, written
 * as JSON Lines by jz_household_json (what `jiuzhu gen` writes), feed the
 * end-to-end figures, so both paths assess the same households and the bench
 * checks that they agree.
 *
 *   (b)  engine only: jz_assess over N households in memory, no trace (the
 *        bulk path); the target is more than 5,000,000 households/s per core.
 *   (b') the same loop recording a full trace (no formatting).
 *   (a1) jz_reader over the JSON Lines file: reading and parsing only.
 *   (a2) (a1) + jz_assess with a trace.
 *   (a3) (a2) + jz_determination_json written to /dev/null: the path of
 *        `jiuzhu assess`.
 *   (a4) the real binary, `jiuzhu assess FILE > /dev/null`, start-up included.
 *
 * Every figure is the median of --reps repetitions on one thread.  The bench
 * is a report, not a test: its exit status is 0 whether or not the target is
 * met, and non-zero only when it could not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "jiuzhu/jz_engine.h"
#include "jiuzhu/jz_gen.h"
#include "jiuzhu/jz_params.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_region.h"

#define TARGET_PER_SEC 5000000.0
#define SEED UINT64_C(0x6a697568757a6875) /* "jiuhuzhu" */
#define DATE jz_date_make(2024, 6, 1)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct options {
    size_t households;       /* (b), (b') */
    size_t jsonl_households; /* (a1)..(a4) */
    int reps;
    const char *policy_dir;
    const char *region; /* NULL: all of Shanxi */
    const char *jiuzhu; /* the binary for (a4); NULL: beside this program */
    const char *jsonl;  /* the JSON Lines file; NULL: one in /tmp */
    bool keep;          /* keep the JSON Lines file */
    bool binary;        /* run (a4) */
} options;

/* ---- time, statistics, formatting -------------------------------------- */

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

static long peak_rss_kb(int who)
{
    struct rusage ru;
    if (getrusage(who, &ru) != 0)
        return -1;
    return ru.ru_maxrss; /* kilobytes on Linux */
}

/* ---- tallies -------------------------------------------------------------- */

typedef struct tally {
    uint64_t category[JZ_CAT_COUNT];
    uint64_t check; /* folds every category and decisive set, in order */
    uint64_t households;
} tally;

static void tally_add(tally *t, const jz_result *r)
{
    t->category[r->category]++;
    t->check = (t->check ^ r->decisive) * UINT64_C(0x100000001b3) + r->category;
    t->households++;
}

static bool tally_equal(const tally *a, const tally *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* ---- (b), (b'): the engine over households in memory -------------------- */

static double run_engine(const jz_household *hs, size_t n, const jz_policy *const *pols,
                         jz_result *r, jz_trace *trace, tally *out)
{
    tally t;
    memset(&t, 0, sizeof t);
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        jz_assess(&hs[i], pols[i], r, trace);
        tally_add(&t, r);
    }
    double t1 = now();
    *out = t;
    return t1 - t0;
}

/* ---- (a1)..(a3): the JSON Lines file through the reader ----------------- */

enum stage { STAGE_PARSE = 1, STAGE_ASSESS, STAGE_WRITE };

/* The policies resolved so far, by county and date, as `jiuzhu assess`
 * keeps them: a record's county picks its slot, the next free one on a
 * collision.  Room for every county of the province. */
#define CACHE_SLOTS 256
typedef struct policy_cache {
    struct {
        char county[7];
        jz_date date;
        jz_policy policy;
    } slot[CACHE_SLOTS];
} policy_cache;

static const jz_policy *cached_policy(policy_cache *c, const jz_paramset *ps, const char *county,
                                      jz_date date, jz_error *err)
{
    unsigned k = (unsigned)strtoul(county, NULL, 10) * 2654435761u >> 24;
    for (unsigned probe = 0; probe < CACHE_SLOTS; probe++, k++) {
        k %= CACHE_SLOTS;
        if (c->slot[k].date == date && strcmp(c->slot[k].county, county) == 0)
            return &c->slot[k].policy;
        if (c->slot[k].date == JZ_DATE_NONE) {
            if (jz_policy_resolve(ps, county, date, &c->slot[k].policy, err) != JZ_OK)
                return NULL;
            memcpy(c->slot[k].county, county, 7);
            c->slot[k].date = date;
            return &c->slot[k].policy;
        }
    }
    return NULL; /* full: never with one date */
}

typedef struct e2e {
    const char *path;
    jz_parse_opts opts;
    const jz_paramset *ps;
    FILE *sink; /* /dev/null */
    jz_result *r;
    jz_trace *trace;
} e2e;

/* Returns the seconds taken, or a negative value when the run failed. */
static double run_file(const e2e *x, enum stage stage, tally *out, size_t *bytes_out)
{
    tally t;
    memset(&t, 0, sizeof t);
    size_t bytes = 0;
    long errors = 0;
    jz_error err;

    policy_cache *cache = calloc(1, sizeof *cache);
    if (!cache)
        return -1;
    double t0 = now();
    FILE *in = fopen(x->path, "rb");
    if (!in) {
        fprintf(stderr, "bench_assess: cannot open %s: %s\n", x->path, strerror(errno));
        free(cache);
        return -1;
    }
    jz_reader *rd = jz_reader_new(in, x->path, &x->opts);
    if (!rd) {
        fclose(in);
        free(cache);
        return -1;
    }
    for (;;) {
        const jz_household *h;
        jz_err rc = jz_reader_next(rd, &h, &err);
        if (rc == JZ_EOF)
            break;
        if (rc != JZ_OK) {
            if (errors++ == 0) {
                char line[1024];
                jz_error_format(&err, line, sizeof line);
                fprintf(stderr, "bench_assess: %s\n", line);
            }
            if (rc == JZ_EINPUT)
                continue;
            break;
        }
        if (stage == STAGE_PARSE) {
            t.households++;
            t.check += h->n_members; /* use what was parsed */
            continue;
        }
        /* The command resolves the policy per county and date through a
         * cache; so does this loop. */
        char c[7];
        jz_region_county(&h->region, c);
        const jz_policy *policy = cached_policy(cache, x->ps, c, h->assess_date, &err);
        if (!policy) {
            errors++;
            continue;
        }
        jz_assess(h, policy, x->r, x->trace);
        tally_add(&t, x->r);
        if (stage == STAGE_WRITE) {
            char *json = jz_determination_json(h, policy, x->r, x->trace,
                                               jz_reader_many(rd) ? 0 : JZ_DET_PRETTY);
            if (!json) {
                errors++;
                break;
            }
            size_t len = strlen(json);
            bytes += len + 1;
            fwrite(json, 1, len, x->sink);
            fputc('\n', x->sink);
            free(json);
        }
    }
    jz_reader_free(rd);
    fclose(in);
    fflush(x->sink);
    double t1 = now();
    free(cache);
    *out = t;
    if (bytes_out)
        *bytes_out = bytes;
    if (errors) {
        fprintf(stderr, "bench_assess: %ld records failed\n", errors);
        return -1;
    }
    return t1 - t0;
}

/* (a4): runs `jiuzhu assess FILE > /dev/null`; seconds, or < 0 on failure. */
static double run_binary(const char *jiuzhu, const char *file)
{
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
            _exit(127);
        close(fd);
        execl(jiuzhu, jiuzhu, "assess", file, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    double t1 = now();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_assess: %s assess %s exited with status %d\n", jiuzhu, file,
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return -1;
    }
    return t1 - t0;
}

/* The jiuzhu binary beside this program (build/bench_assess -> build/jiuzhu). */
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
    else
        self[0] = '\0';
    if (snprintf(out, n, "%s%s", slash ? self : "./", "jiuzhu") >= (int)n)
        return false;
    return access(out, X_OK) == 0;
}

/* ---- report -------------------------------------------------------------- */

static void print_row(const char *label, const double *secs, int reps, double households,
                      double base_rate)
{
    char rate[48];
    double med = median(secs, reps);
    double r = households / med;
    printf("  %-44s %9.3f %9.3f %15s  %9.2f\n", label, med, minimum(secs, reps),
           grouped(r, rate, sizeof rate), base_rate / r);
}

static void print_compiler(void)
{
    const char *san = "none";
#if defined(__SANITIZE_ADDRESS__)
    san = "address";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    san = "address";
#endif
#endif
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
#ifdef NDEBUG
    const char *ndebug = "yes";
#else
    const char *ndebug = "no";
#endif
    printf("compiler: %s %s; flags: -std=c17 -Wall -Wextra -Werror ...; optimised (__OPTIMIZE__): "
           "%s; NDEBUG: %s; sanitizer: %s; build type: see CMake\n",
           cc, __VERSION__, opt, ndebug, san);
}

static void usage(FILE *f)
{
    fputs("usage: bench_assess [--households N] [--reps R] [--jsonl-households N]\n"
          "                    [--jiuzhu PATH] [--no-binary] [--jsonl FILE] [--keep]\n"
          "                    [--policy DIR] [--region CODE]\n"
          "  --households N        households in memory for (b)/(b') (default 1000000)\n"
          "  --reps R              repetitions per figure; medians are reported (default 5)\n"
          "  --jsonl-households N  households in the JSON Lines file for (a) (default 50000)\n"
          "  --jiuzhu PATH         the jiuzhu binary for (a4) (default: beside this program)\n"
          "  --no-binary           skip (a4)\n"
          "  --jsonl FILE          where to write the JSON Lines file (default /tmp/...)\n"
          "  --keep                keep the JSON Lines file afterwards\n"
          "  --policy DIR          policy directory (default JZ_SOURCE_DIR/policy)\n"
          "  --region CODE         generate households of this city, county or township\n"
          "                        only (default: all of Shanxi)\n",
          f);
}

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
        } else if (strcmp(a, "--no-binary") == 0) {
            o->binary = false;
        } else if (!v) {
            fprintf(stderr, "bench_assess: %s needs a value (or is unknown)\n", a);
            usage(stderr);
            return 2;
        } else if (strcmp(a, "--households") == 0 && parse_size(v, 100000000, &x)) {
            o->households = x;
            i++;
        } else if (strcmp(a, "--jsonl-households") == 0 && parse_size(v, 100000000, &x)) {
            o->jsonl_households = x;
            i++;
        } else if (strcmp(a, "--reps") == 0 && parse_size(v, MAX_REPS, &x)) {
            o->reps = (int)x;
            i++;
        } else if (strcmp(a, "--jiuzhu") == 0) {
            o->jiuzhu = v;
            i++;
        } else if (strcmp(a, "--jsonl") == 0) {
            o->jsonl = v;
            i++;
        } else if (strcmp(a, "--policy") == 0) {
            o->policy_dir = v;
            i++;
        } else if (strcmp(a, "--region") == 0) {
            o->region = v;
            i++;
        } else {
            fprintf(stderr, "bench_assess: bad option or value: %s %s\n", a, v);
            usage(stderr);
            return 2;
        }
    }
    return 0;
}

static void print_distribution(const tally *t, const uint64_t *pcat, uint64_t members,
                               const uint64_t *rules)
{
    printf("category distribution (households):");
    for (int c = 0; c < JZ_CAT_COUNT; c++)
        printf(" %s %.1f%%", jz_category_names[c],
               100.0 * (double)t->category[c] / (double)t->households);
    printf("\nperson categories (of %llu members):", (unsigned long long)members);
    for (int c = 0; c < JZ_PCAT_COUNT; c++)
        printf(" %s %llu", jz_pcat_names[c], (unsigned long long)pcat[c]);
    static const jz_rule_id shown[] = {JZ_RULE_HH_2,     JZ_RULE_TK_5,  JZ_RULE_EXP_MULTI,
                                       JZ_RULE_SINGLE_3, JZ_RULE_RSP_1, JZ_RULE_EXIT_1,
                                       JZ_RULE_DEATH_1,  JZ_RULE_TMP_1, JZ_RULE_TMP_2};
    printf("\nhouseholds where decisive:");
    for (size_t i = 0; i < COUNT(shown); i++)
        printf(" %s %llu", jz_rule_ids[shown[i]], (unsigned long long)rules[shown[i]]);
    printf("\n");
}

/* Loads the shipped policy and makes the generator for the run. */
static jz_err load_policy(const options *o, jz_regions **regions, jz_paramset **ps, jz_gen **g,
                          jz_error *err)
{
    char path[4096];
    jz_err rc;
    snprintf(path, sizeof path, "%s/regions/shanxi-regions.csv", o->policy_dir);
    if ((rc = jz_regions_load(path, regions, err)) != JZ_OK)
        return rc;
    if (!(*ps = jz_paramset_new()))
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "out of memory");
    snprintf(path, sizeof path, "%s/params", o->policy_dir);
    if ((rc = jz_paramset_load_dir(*ps, path, err)) != JZ_OK)
        return rc;
    jz_gen_opts go = {.seed = SEED,
                      .region = o->region,
                      .date = DATE,
                      .regions = *regions,
                      .params = *ps,
                      .households = o->households > o->jsonl_households ? o->households
                                                                        : o->jsonl_households};
    return jz_gen_new(&go, g, err);
}

/* n households into *hs_out, their members in one array *members_out, the
 * policy of each household's county in *pols_out. */
static bool generate(size_t n, const jz_gen *g, jz_household **hs_out, const jz_policy ***pols_out,
                     jz_member **members_out, size_t *members_used)
{
    size_t cap = n * 27 / 10 + JZ_MAX_MEMBERS, used = 0;
    size_t *offset = malloc(n * sizeof *offset);
    jz_household *hs = malloc(n * sizeof *hs);
    const jz_policy **pols = malloc(n * sizeof *pols);
    jz_member *members = malloc(cap * sizeof *members);
    jz_household_buf *buf = malloc(sizeof *buf);
    bool ok = false;
    if (!offset || !hs || !pols || !members || !buf)
        goto done;
    for (size_t i = 0; i < n; i++) {
        jz_gen_household(g, i, &hs[i], buf);
        if (used + hs[i].n_members > cap) {
            size_t ncap = cap + cap / 4 + JZ_MAX_MEMBERS;
            jz_member *grown = realloc(members, ncap * sizeof *members);
            if (!grown)
                goto done;
            members = grown;
            cap = ncap;
        }
        memcpy(members + used, buf->members, hs[i].n_members * sizeof *members);
        pols[i] = jz_gen_policy(g, &hs[i]);
        offset[i] = used;
        used += hs[i].n_members;
    }
    /* The array moved while it grew: point the households at it now. */
    for (size_t i = 0; i < n; i++)
        hs[i].members = members + offset[i];
    ok = true;
done:
    free(offset);
    free(buf);
    if (!ok) {
        free(hs);
        free(pols);
        free(members);
        hs = NULL;
        pols = NULL;
        members = NULL;
    }
    *hs_out = hs;
    *pols_out = pols;
    *members_out = members;
    *members_used = used;
    return ok;
}

/* What the households come to (untimed). */
static void census(const jz_household *hs, size_t n, size_t members, const jz_policy *const *pols,
                   jz_result *r)
{
    tally t;
    memset(&t, 0, sizeof t);
    uint64_t pcat[JZ_PCAT_COUNT] = {0}, rules[64] = {0};
    for (size_t i = 0; i < n; i++) {
        jz_assess(&hs[i], pols[i], r, NULL);
        tally_add(&t, r);
        for (uint32_t m = 0; m < r->n_persons; m++)
            for (int c = 0; c < JZ_PCAT_COUNT; c++)
                pcat[c] += (r->persons[m].categories >> c) & 1u;
        for (int b = 0; b < 64; b++)
            rules[b] += (r->decisive >> b) & 1u;
    }
    print_distribution(&t, pcat, members, rules);
}

static void print_header(void)
{
    printf("  %-44s %9s %9s %15s  %9s\n", "path", "median s", "min s", "hh/s, 1 core", "ratio");
}

/* (b) and (b'); returns the households per second of (b). */
static double engine_only(const jz_household *hs, size_t n, const jz_policy *const *pols, int reps,
                          jz_result *r, jz_trace *trace)
{
    double tb[MAX_REPS], tbt[MAX_REPS];
    tally plain, traced;
    char a[48], b[48], c[48];
    for (int i = 0; i < reps; i++) {
        tb[i] = run_engine(hs, n, pols, r, NULL, &plain);
        tbt[i] = run_engine(hs, n, pols, r, trace, &traced);
    }
    double rate = (double)n / median(tb, reps), best = (double)n / minimum(tb, reps);
    printf("\nengine only: %zu households in memory, %d reps (median and min in seconds; "
           "ratio = time per household / (b))\n",
           n, reps);
    print_header();
    print_row("(b)  jz_assess, no trace", tb, reps, (double)n, rate);
    print_row("(b') jz_assess, full trace (no formatting)", tbt, reps, (double)n, rate);
    printf("  target: > %s households/s on one core: %s (median %s households/s; best rep %s)\n",
           grouped(TARGET_PER_SEC, a, sizeof a), rate > TARGET_PER_SEC ? "PASS" : "FAIL",
           grouped(rate, b, sizeof b), grouped(best, c, sizeof c));
    printf("  checksum %016llx; the traced run %s\n", (unsigned long long)plain.check,
           tally_equal(&plain, &traced) ? "gives the same categories and decisive rules"
                                        : "DIFFERS from the untraced run (engine bug?)");
    return rate;
}

/* Writes households 0..na-1 of the generator as JSON Lines, as `jiuzhu gen`
 * does; *expect gets what the engine makes of them. */
static bool write_jsonl(const char *file, size_t na, const jz_gen *g, jz_result *r, tally *expect)
{
    FILE *f = fopen(file, "wb");
    jz_household_buf *buf = malloc(sizeof *buf);
    if (!f || !buf) {
        fprintf(stderr, "bench_assess: cannot write %s: %s\n", file, strerror(errno));
        if (f)
            fclose(f);
        free(buf);
        return false;
    }
    jz_household h;
    bool ok = true;
    memset(expect, 0, sizeof *expect);
    for (size_t i = 0; i < na && ok; i++) {
        jz_gen_household(g, i, &h, buf);
        char *json = jz_household_json(&h, 0);
        ok = json && fputs(json, f) >= 0 && fputc('\n', f) != EOF;
        free(json);
        jz_assess(&h, jz_gen_policy(g, &h), r, NULL);
        tally_add(expect, r);
    }
    free(buf);
    if (fclose(f) != 0 || !ok) {
        fprintf(stderr, "bench_assess: writing %s failed\n", file);
        return false;
    }
    return true;
}

/* (a1)..(a4) over the file; false when a run failed. */
static bool end_to_end(const options *o, const char *argv0, const char *file, size_t na,
                       const e2e *x, double rate_b, const tally *expect)
{
    char found[4096];
    const char *bin = o->jiuzhu;
    if (o->binary && !bin) {
        if (find_jiuzhu(argv0, found, sizeof found))
            bin = found;
        else
            fprintf(stderr, "bench_assess: no jiuzhu binary beside this program; "
                            "use --jiuzhu PATH (skipping (a4))\n");
    }
    bool have_a4 = o->binary && bin;
    struct stat st;
    double mb = stat(file, &st) == 0 ? (double)st.st_size / 1e6 : 0;
    printf("\nend to end: %zu households as JSON Lines in %s (%.1f MB, %.0f bytes per "
           "household), %d reps\n",
           na, file, mb, mb * 1e6 / (double)na, o->reps);

    /* The stages alternate within each repetition, so that a busy machine
     * slows them alike and the shares stay meaningful. */
    double a1[MAX_REPS], a2[MAX_REPS], a3[MAX_REPS], a4[MAX_REPS];
    tally t1, t2, t3;
    size_t out_bytes = 0;
    for (int i = 0; i < o->reps; i++) {
        if ((a1[i] = run_file(x, STAGE_PARSE, &t1, NULL)) < 0 ||
            (a2[i] = run_file(x, STAGE_ASSESS, &t2, NULL)) < 0 ||
            (a3[i] = run_file(x, STAGE_WRITE, &t3, &out_bytes)) < 0)
            return false;
        if (have_a4 && (a4[i] = run_binary(bin, file)) < 0)
            have_a4 = false;
    }
    print_header();
    print_row("(a1) read + parse (jz_reader)", a1, o->reps, (double)na, rate_b);
    print_row("(a2) read + parse + assess with trace", a2, o->reps, (double)na, rate_b);
    print_row("(a3) (a2) + determination JSON -> /dev/null", a3, o->reps, (double)na, rate_b);
    if (have_a4) {
        print_row("(a4) jiuzhu assess FILE > /dev/null", a4, o->reps, (double)na, rate_b);
        printf("       binary: %s\n", bin);
    }
    double m1 = median(a1, o->reps), m2 = median(a2, o->reps), m3 = median(a3, o->reps);
    printf("  share of (a3): parsing (a1/a3) %.1f%%, assessing with trace ((a2-a1)/a3) %.1f%%, "
           "writing the determination ((a3-a2)/a3) %.1f%%\n",
           100 * m1 / m3, 100 * (m2 - m1) / m3, 100 * (m3 - m2) / m3);
    if (have_a4)
        printf("  the binary takes %.2fx the in-process (a3) time\n", median(a4, o->reps) / m3);
    printf("  determinations written: %.1f MB (%.0f bytes per household)\n",
           (double)out_bytes / 1e6, (double)out_bytes / (double)na);
    bool same = t1.households == na && tally_equal(&t2, expect) && tally_equal(&t3, expect);
    printf("  the parsed records %s the in-memory households (categories and decisive rules)\n",
           same ? "assess exactly as" : "DIFFER from");
    return true;
}

/* The lowest and highest standards (area, fen) among the households. */
static void standards_range(const jz_household *hs, const jz_policy *const *pols, size_t n,
                            jz_fen lo[JZ_AREA_COUNT], jz_fen hi[JZ_AREA_COUNT])
{
    for (int a = 0; a < JZ_AREA_COUNT; a++) {
        lo[a] = JZ_MONEY_MAX;
        hi[a] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        jz_fen v = pols[i]->standard[hs[i].area];
        if (v < lo[hs[i].area])
            lo[hs[i].area] = v;
        if (v > hi[hs[i].area])
            hi[hs[i].area] = v;
    }
}

int main(int argc, char **argv)
{
    options o = {.households = 1000000,
                 .jsonl_households = 50000,
                 .reps = 5,
                 .policy_dir = JZ_SOURCE_DIR "/policy",
                 .binary = true};
    int rc = parse_options(argc, argv, &o);
    if (rc)
        return rc == 1 ? 0 : 2;

    int status = 1;
    jz_regions *regions = NULL;
    jz_paramset *ps = NULL;
    jz_gen *g = NULL;
    jz_household *hs = NULL;
    const jz_policy **pols = NULL;
    jz_member *members = NULL;
    jz_result *r = malloc(sizeof *r);
    jz_trace *trace = malloc(sizeof *trace);
    FILE *sink = NULL;
    char jsonl[4096];
    bool wrote_file = false;
    jz_error err;
    jz_error_clear(&err);
    if (!r || !trace)
        goto out;
    if (load_policy(&o, &regions, &ps, &g, &err) != JZ_OK) {
        char line[1024];
        jz_error_format(&err, line, sizeof line);
        fprintf(stderr, "bench_assess: %s\n", line);
        goto out;
    }

    printf("jiuzhu bench_assess: region %s (%zu counties, %zu townships), assess date "
           "2024-06-01, policy %s\n",
           o.region ? o.region : "14 (all of Shanxi)", jz_gen_counties(g), jz_gen_townships(g),
           o.policy_dir);
    printf("machine: nproc %ld (one thread used); ", sysconf(_SC_NPROCESSORS_ONLN));
    print_compiler();
    printf("sizeof: jz_member %zu, jz_household %zu, jz_result %zu, jz_trace %zu bytes\n",
           sizeof(jz_member), sizeof(jz_household), sizeof(jz_result), sizeof(jz_trace));

    size_t n = o.households, used;
    double g0 = now();
    if (!generate(n, g, &hs, &pols, &members, &used)) {
        fputs("bench_assess: out of memory\n", stderr);
        goto out;
    }
    printf("generated %zu households, %zu members (mean %.2f per household) in %.2f s; "
           "members array %.0f MB\n",
           n, used, (double)used / (double)n, now() - g0,
           (double)used * (double)sizeof(jz_member) / 1e6);
    {
        jz_fen lo[JZ_AREA_COUNT], hi[JZ_AREA_COUNT];
        char a[JZ_MONEY_BUF], b[JZ_MONEY_BUF], c[JZ_MONEY_BUF], d[JZ_MONEY_BUF];
        standards_range(hs, pols, n, lo, hi);
        jz_money_format(lo[JZ_AREA_URBAN], a, sizeof a);
        jz_money_format(hi[JZ_AREA_URBAN], b, sizeof b);
        jz_money_format(lo[JZ_AREA_RURAL], c, sizeof c);
        jz_money_format(hi[JZ_AREA_RURAL], d, sizeof d);
        printf("standard S by county: urban %s-%s, rural %s-%s yuan/person/month\n\n", a, b, c, d);
    }
    census(hs, n, used, pols, r);
    double rate_b = engine_only(hs, n, pols, o.reps, r, trace);
    /* Freed before (a4) forks, so that the child's peak RSS is its own. */
    free(members);
    free(hs);
    free(pols);
    members = NULL;
    hs = NULL;
    pols = NULL;

    if (o.jsonl)
        snprintf(jsonl, sizeof jsonl, "%s", o.jsonl);
    else
        snprintf(jsonl, sizeof jsonl, "/tmp/jiuzhu-bench-%ld.jsonl", (long)getpid());
    tally expect;
    wrote_file = true;
    if (!write_jsonl(jsonl, o.jsonl_households, g, r, &expect))
        goto out;
    if (!(sink = fopen("/dev/null", "w")))
        goto out;
    e2e x = {
        .path = jsonl,
        .opts = {.regions = regions, .default_date = jz_date_today(), .force_date = JZ_DATE_NONE},
        .ps = ps,
        .sink = sink,
        .r = r,
        .trace = trace};
    if (!end_to_end(&o, argv[0], jsonl, o.jsonl_households, &x, rate_b, &expect))
        goto out;

    printf("\npeak RSS: this process %.0f MB; jiuzhu (children) %.0f MB\n",
           (double)peak_rss_kb(RUSAGE_SELF) / 1024.0,
           (double)peak_rss_kb(RUSAGE_CHILDREN) / 1024.0);
    status = 0;
out:
    if (sink)
        fclose(sink);
    if (wrote_file && !o.keep)
        remove(jsonl);
    free(members);
    free(hs);
    free(pols);
    free(r);
    free(trace);
    jz_gen_free(g);
    jz_paramset_free(ps);
    jz_regions_free(regions);
    return status;
}
