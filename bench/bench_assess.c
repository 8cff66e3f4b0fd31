/*
 * bench_assess.c - how fast jiuzhu assesses households, engine alone and end
 * to end, measured side by side in one run (bench/README.md).
 *
 * A deterministic generator (splitmix64, fixed seed) builds realistic, valid
 * households of county 140902 (忻府区) directly as jz_household/jz_member
 * structs: 1-6 members, incomes spread around the local 低保 standard so that
 * every category occurs, some 特困 elderly, disabled members, students,
 * medical bills and hardship causes.  The same generator, written out with
 * fprintf as FORMATS.md JSON Lines, feeds the end-to-end figures, so both
 * paths assess the same households and the bench checks that they agree.
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

#include "jiuzhu/jz_engine.h"
#include "jiuzhu/jz_params.h"
#include "jiuzhu/jz_record.h"
#include "jiuzhu/jz_region.h"

#define TARGET_PER_SEC 5000000.0
#define COUNTY "140902"
#define REGION "140902001001"
#define SEED UINT64_C(0x6a697568757a6875) /* "jiuhuzhu" */
#define MAX_REPS 101

typedef struct options {
    size_t households;       /* (b), (b') */
    size_t jsonl_households; /* (a1)..(a4) */
    int reps;
    const char *policy_dir;
    const char *jiuzhu; /* the binary for (a4); NULL: beside this program */
    const char *jsonl;  /* the JSON Lines file; NULL: one in /tmp */
    bool keep;          /* keep the JSON Lines file */
    bool binary;        /* run (a4) */
} options;

/* ---- time, statistics, formatting -------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    double s[MAX_REPS];
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

static double minimum(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++)
        if (v[i] < m)
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

static long peak_rss_kb(int who)
{
    struct rusage ru;
    if (getrusage(who, &ru) != 0)
        return -1;
    return ru.ru_maxrss; /* kilobytes on Linux */
}

/* ---- the generator ------------------------------------------------------ */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *g)
{
    uint64_t z = (g->s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t below(rng *g, uint32_t n)
{
    return (uint32_t)(((next(g) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static int between(rng *g, int lo, int hi)
{
    return lo + (int)below(g, (uint32_t)(hi - lo + 1));
}

/* True with probability per_mille / 1000. */
static bool chance(rng *g, unsigned per_mille)
{
    return below(g, 1000) < per_mille;
}

/* x times a factor uniform in [lo, hi] per mille. */
static jz_fen scaled(rng *g, jz_fen x, int lo, int hi)
{
    return x * between(g, lo, hi) / 1000;
}

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周",
                                       "吴", "郭", "孙", "马", "胡", "高", "梁", "武", "任",
                                       "白", "贾", "乔", "霍", "薛", "温", "田", "阎"};
static const char *const given[] = {"建国", "秀英", "伟",   "芳",   "娜",   "敏",   "静",   "丽",
                                    "强",   "磊",   "军",   "洋",   "勇",   "艳",   "杰",   "娟",
                                    "涛",   "明",   "超",   "秀兰", "霞",   "平",   "刚",   "桂英",
                                    "志强", "晓东", "海燕", "玉兰", "文华", "俊峰", "子涵", "浩然",
                                    "欣怡", "梓轩", "雨桐", "宇航", "佳琪", "建军", "凤英", "守仁"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Every surname + given name, built once: members point at these (a
 * jz_member holds a pointer to its name, owned by whoever fills it). */
static char name_pool[COUNT(surnames)][COUNT(given)][16];

static void build_name_pool(void)
{
    for (size_t i = 0; i < COUNT(surnames); i++)
        for (size_t j = 0; j < COUNT(given); j++)
            snprintf(name_pool[i][j], sizeof name_pool[i][j], "%s%s", surnames[i], given[j]);
}

static const char *pool_name(rng *g, const char *surname)
{
    size_t si = below(g, COUNT(surnames));
    for (size_t i = 0; surname && i < COUNT(surnames); i++)
        if (surnames[i] == surname)
            si = i;
    return name_pool[si][below(g, COUNT(given))];
}

/* Counties that issued the members' ID numbers: mostly the local one. */
static const char *const id_regions[] = {"140902", "140902", "140902", "140902",
                                         "140921", "140981", "140105", "142201"};

/* Fills a valid 18-character ID number (GB 11643 check character) for a
 * person born on `birth`; seq (0..998) keeps members of a household apart. */
static void make_id(rng *g, jz_date birth, unsigned seq, char out[JZ_IDNUM_BUF])
{
    const char *reg = id_regions[below(g, COUNT(id_regions))];
    snprintf(out, JZ_IDNUM_BUF, "%s%08d%03u", reg, (int)birth, seq % 999u + 1u);
    out[17] = jz_idnum_check_char(out);
    out[18] = '\0';
}

/* A birth date giving `age` whole years on `on`. */
static jz_date birth_for_age(rng *g, int age, jz_date on)
{
    jz_date lo = jz_date_add_days(
        jz_date_make(jz_date_year(on) - age - 1, jz_date_month(on), jz_date_day(on)), 1);
    jz_date hi = jz_date_make(jz_date_year(on) - age, jz_date_month(on), jz_date_day(on));
    int32_t span = jz_date_to_days(hi) - jz_date_to_days(lo);
    return jz_date_add_days(lo, (int32_t)below(g, (uint32_t)span + 1u));
}

static uint8_t student_level_for_age(rng *g, int age)
{
    if (age < 3)
        return JZ_STU_NURSERY;
    if (age < 6)
        return JZ_STU_KINDERGARTEN;
    if (age < 12)
        return JZ_STU_PRIMARY;
    if (age < 15)
        return JZ_STU_JUNIOR;
    if (age < 18)
        return chance(g, 700) ? JZ_STU_SENIOR : JZ_STU_VOCATIONAL;
    if (age < 22)
        return chance(g, 600) ? JZ_STU_UNDERGRADUATE : JZ_STU_COLLEGE;
    return JZ_STU_POSTGRADUATE;
}

/* One person: relation and age; everything else neutral for now. */
static void person(rng *g, jz_member *m, uint8_t relation, int age, const char *surname, jz_date on,
                   unsigned seq)
{
    memset(m, 0, sizeof *m);
    m->relation = relation;
    m->birth = birth_for_age(g, age, on);
    make_id(g, m->birth, seq, m->id);
    m->name = pool_name(g, surname);
    m->presence = JZ_PRES_PRESENT;
    m->deceased = JZ_DATE_NONE;
    if (age < 3) {
        m->employment = JZ_EMP_NONE;
        if (chance(g, 100))
            m->student_level = JZ_STU_NURSERY;
    } else if (age < 18 || (age < 23 && chance(g, 450))) {
        m->employment = JZ_EMP_STUDENT;
        m->student_level = student_level_for_age(g, age);
    } else if (age < 60) {
        unsigned r = below(g, 100);
        m->employment = r < 58 ? JZ_EMP_EMPLOYED : r < 85 ? JZ_EMP_UNEMPLOYED : JZ_EMP_NONE;
    } else {
        m->employment = chance(g, 450) ? JZ_EMP_RETIRED : JZ_EMP_NONE;
    }
    if (m->student_level != JZ_STU_NONE) {
        m->student_full_time = !chance(g, 30);
        m->student_high_fee = chance(g, 30);
        m->student_abroad = chance(g, 5);
    }
}

static int age_of(const jz_member *m, jz_date on)
{
    return jz_date_age(m->birth, on);
}

/* Statuses written for supporters who are not able (R-TK-4). */
static const uint8_t unable_status[] = {
    JZ_SUP_NO_CAPACITY,   JZ_SUP_ELDERLY_LOW_INCOME,           JZ_SUP_MISSING, JZ_SUP_IMPRISONED,
    JZ_SUP_DIBAO_ELDERLY, JZ_SUP_SEVERE_DISABILITY_LOW_INCOME, JZ_SUP_TEKUN};

/*
 * Household number idx, drawn from g, into *h with members at ms (room for
 * 6).  Incomes are drawn around p's standard, so every category occurs.
 */
static void gen_household(rng *g, uint64_t idx, const jz_policy *p, jz_household *h, jz_member *ms)
{
    const jz_date on = p->date;
    memset(h, 0, sizeof *h);
    snprintf(h->household_id, sizeof h->household_id, "B%s-%08llu", COUNTY,
             (unsigned long long)idx);
    memcpy(h->region.code, REGION, sizeof REGION);
    h->region.len = 12;
    h->area = chance(g, 560) ? JZ_AREA_RURAL : JZ_AREA_URBAN;
    h->assess_date = on;
    h->members = ms;

    /* Size: 1..6, mean about 2.64. */
    static const unsigned size_cdf[] = {250, 520, 740, 890, 960, 1000};
    unsigned r = below(g, 1000), n = 1;
    while (r >= size_cdf[n - 1])
        n++;

    const char *sur = surnames[below(g, COUNT(surnames))];
    unsigned seq = below(g, 900);
    unsigned k = 0;
    bool elderly_home = false;
    if (n == 1) {
        elderly_home = chance(g, 450);
        person(g, &ms[k++], JZ_REL_HEAD, elderly_home ? between(g, 60, 90) : between(g, 18, 59),
               sur, on, seq++);
    } else if (n == 2 && chance(g, 400)) {
        elderly_home = true;
        int a = between(g, 60, 88);
        person(g, &ms[k++], JZ_REL_HEAD, a, sur, on, seq++);
        int b = a - 3 + between(g, 0, 6);
        person(g, &ms[k++], JZ_REL_SPOUSE, b > 90 ? 90 : b, NULL, on, seq++);
    } else {
        int a = between(g, 24, 62);
        bool single_parent = n == 2 || chance(g, 120);
        person(g, &ms[k++], JZ_REL_HEAD, a, sur, on, seq++);
        if (!single_parent)
            person(g, &ms[k++], JZ_REL_SPOUSE, a - 2 + between(g, 0, 4), NULL, on, seq++);
        if (n >= 4 && chance(g, 350))
            person(g, &ms[k++], JZ_REL_PARENT, between(g, a + 20 > 90 ? 90 : a + 20, 90), sur, on,
                   seq++);
        while (k < n) {
            int oldest = a - 20 < 0 ? 0 : a - 20;
            person(g, &ms[k++], JZ_REL_CHILD, between(g, 0, oldest > 30 ? 30 : oldest), sur, on,
                   seq++);
        }
    }
    h->n_members = k;

    /* Disability, illness, self-care. */
    for (unsigned i = 0; i < k; i++) {
        jz_member *m = &ms[i];
        int age = age_of(m, on);
        if (chance(g, age >= 60 ? 120 : 50)) {
            m->disability = (uint8_t)between(g, 1, JZ_DIS_COUNT - 1);
            m->disability_grade = (uint8_t)between(g, 1, 4);
            m->needs_rehab_or_care = chance(g, 500);
            if (age >= 18 && age < 60 && m->disability_grade <= 2 && chance(g, 300)) {
                m->applies_alone = true;
                m->employment = chance(g, 500) ? JZ_EMP_UNEMPLOYED : JZ_EMP_NONE;
            }
        }
        if (chance(g, age >= 50 ? 140 : 50)) {
            m->under_treatment = true;
            m->serious_illness = chance(g, 300);
            if (m->serious_illness && chance(g, 150))
                m->applies_alone = true;
        }
        if (age >= 60 || m->disability)
            m->self_care_failed = (uint8_t)(chance(g, 250) ? between(g, 1, 6) : 0);
    }

    /* Income over the 12-month window, around W·n·S: 35% below the 低保
     * line, 20% between it and the 低保边缘 line, the rest above. */
    const jz_fen S = p->standard[h->area];
    const jz_fen line = (jz_fen)p->window_months * (jz_fen)k * S;
    unsigned band = below(g, 100);
    jz_fen Y = band < 35   ? scaled(g, line, 50, 999)
               : band < 55 ? scaled(g, line, 1000, 1499)
                           : scaled(g, line, 1500, 4500);
    /* Share it among those who earn: employed adults by wage or business,
     * the retired by pension, else support from relatives. */
    unsigned earners = 0;
    for (unsigned i = 0; i < k; i++)
        earners += ms[i].employment == JZ_EMP_EMPLOYED || ms[i].employment == JZ_EMP_RETIRED;
    jz_fen left = Y;
    for (unsigned i = 0, e = 0; i < k && earners; i++) {
        jz_member *m = &ms[i];
        if (m->employment != JZ_EMP_EMPLOYED && m->employment != JZ_EMP_RETIRED)
            continue;
        e++;
        jz_fen part = e == earners ? left : scaled(g, left, 300, 800);
        left -= part;
        if (m->employment == JZ_EMP_RETIRED) {
            m->income[JZ_INC_PENSION] += part;
        } else if (chance(g, 150)) {
            m->income[JZ_INC_BUSINESS_NET] += part;
        } else {
            jz_fen side = chance(g, 100) ? scaled(g, part, 50, 200) : 0;
            m->income[JZ_INC_WAGE] += part - side;
            m->income[JZ_INC_PROPERTY_NET] += side;
        }
    }
    if (!earners && Y > 0) {
        jz_member *m = &ms[below(g, k)];
        static const uint8_t kinds[] = {JZ_INC_SUPPORT_RECEIVED, JZ_INC_OTHER,
                                        JZ_INC_SUPPORT_FROM_SIBLING, JZ_INC_UNEMPLOYMENT_BENEFIT,
                                        JZ_INC_DONATION};
        m->income[kinds[below(g, COUNT(kinds))]] += Y;
    }
    /* Income that is not counted (R-INC-2). */
    for (unsigned i = 0; i < k; i++) {
        jz_member *m = &ms[i];
        int age = age_of(m, on);
        if (age >= 60 && chance(g, 800))
            m->income_not_counted += 12 * between(g, 150, 260) * 100;
        if (age >= 80 && chance(g, 600))
            m->income_not_counted += 12 * 5000;
        if (m->student_level >= JZ_STU_SENIOR && chance(g, 150))
            m->income_not_counted += between(g, 10, 60) * 10000;
        if (chance(g, 10))
            m->income_not_counted += between(g, 20, 200) * 10000;
    }

    /* Expenses: medical bills for those under treatment, rehabilitation and
     * care for the disabled, school costs; and in 15% of homes a heavy bill
     * that is not deductible (rigid expenditure, R-RSP-1). */
    for (unsigned i = 0; i < k; i++) {
        jz_member *m = &ms[i];
        if (m->under_treatment)
            m->expenses[JZ_EXP_MEDICAL] += scaled(g, line, 50, 1200) + between(g, 0, 99);
        if (m->disability && m->needs_rehab_or_care) {
            m->expenses[JZ_EXP_REHAB] += scaled(g, line, 20, 400);
            if (chance(g, 400))
                m->expenses[JZ_EXP_CARE] += scaled(g, line, 50, 500);
        }
        if (m->student_level >= JZ_STU_KINDERGARTEN && chance(g, 450))
            m->expenses[JZ_EXP_EDUCATION] += m->student_level >= JZ_STU_COLLEGE
                                                 ? between(g, 60, 160) * 10000
                                                 : between(g, 5, 60) * 10000;
    }
    if (chance(g, 150)) {
        jz_member *m = &ms[below(g, k)];
        jz_fen bill = scaled(g, Y > 0 ? Y : line, 520, 1100);
        m->expenses[chance(g, 500) ? JZ_EXP_CARE : JZ_EXP_OTHER] += bill / 2;
        m->expenses[JZ_EXP_MEDICAL] += bill - bill / 2; /* not under treatment */
    }

    /* Assets: mostly little; some too many savings, a car, a business. */
    for (unsigned i = 0; i < k; i++) {
        jz_member *m = &ms[i];
        if (age_of(m, on) < 18)
            continue;
        if (chance(g, 600))
            m->financial = scaled(g, S, 0, 8000);
        if (chance(g, 25))
            m->financial += scaled(g, (jz_fen)k * S, 36000, 90000);
    }
    if (chance(g, 30))
        ms[0].vehicles = 1;
    if (chance(g, 15))
        ms[0].extra_houses = 1;
    if (chance(g, 15))
        ms[0].business = true;

    /* Supporters: the elderly living alone or as a couple, and some others,
     * were investigated; many of those have none or none able (特困). */
    for (unsigned i = 0; i < k; i++) {
        jz_member *m = &ms[i];
        int age = age_of(m, on);
        bool investigate = (elderly_home && chance(g, 700)) || (age >= 60 && chance(g, 200)) ||
                           (m->disability && chance(g, 300));
        if (!investigate)
            continue;
        m->supporters_known = true;
        if (chance(g, 400))
            continue; /* []: no legal supporter */
        m->n_supporters = (uint8_t)between(g, 1, 4);
        bool all_unable = chance(g, 500);
        for (unsigned s = 0; s < m->n_supporters; s++)
            if (all_unable || chance(g, 300))
                m->supporters_unable |= (uint16_t)(1u << s);
    }

    /* Absence, hardship, enrolment, newly employed, a death. */
    for (unsigned i = 1; i < k; i++)
        if (chance(g, 15))
            ms[i].presence = (uint8_t)between(g, 1, JZ_PRES_COUNT - 1);
    for (unsigned i = 0; i < k; i++) {
        jz_member *m = &ms[i];
        if (age_of(m, on) >= 18 && chance(g, 12)) {
            m->hardship = (uint8_t)between(g, 1, JZ_HARD_COUNT - 1);
            if (m->hardship <= JZ_HARD_DISASTER && chance(g, 600)) {
                m->employment = JZ_EMP_UNEMPLOYED;
                m->months_without_income = (uint16_t)between(g, 1, 12);
                m->unemployment_insured = chance(g, 200);
            }
        }
    }
    if (chance(g, 180)) {
        h->current_programme = chance(g, 850) ? JZ_PROG_DIBAO : JZ_PROG_DIBAO_EXPENDITURE;
        h->current_since = jz_date_make(between(g, 2019, 2023), between(g, 1, 12), 1);
        h->current_amount = (jz_fen)between(g, 100, 1500) * 100;
        for (unsigned i = 0; i < k; i++)
            if (ms[i].employment == JZ_EMP_EMPLOYED && chance(g, 150))
                ms[i].newly_employed = true;
        if (k > 1 && chance(g, 40)) {
            jz_member *m = &ms[k - 1];
            jz_date from =
                m->birth > jz_date_make(2023, 6, 1) ? m->birth : jz_date_make(2023, 6, 1);
            int32_t span = jz_date_to_days(on) - jz_date_to_days(from);
            m->deceased = jz_date_add_days(from, (int32_t)below(g, (uint32_t)span + 1u));
        }
    }
}

/* ---- JSON Lines writer (FORMATS.md field names) ------------------------- */

static void put_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void put_money(FILE *f, jz_fen v)
{
    char b[JZ_MONEY_BUF];
    jz_money_format(v, b, sizeof b);
    fprintf(f, "\"%s\"", b);
}

static void put_date(FILE *f, jz_date d)
{
    char b[JZ_DATE_BUF];
    jz_date_format(d, b, sizeof b);
    fprintf(f, "\"%s\"", b);
}

/* One item per kind with a total: the reader sums items by kind again. */
/* Writes the non-zero totals as items; returns how many it wrote. */
static int put_items(FILE *f, const jz_fen *totals, int n, const char *const *names)
{
    int first = 1, written = 0;
    for (int i = 0; i < n; i++) {
        if (!totals[i])
            continue;
        fprintf(f, "%s{\"kind\":\"%s\",\"amount\":", first ? "" : ",", names[i]);
        put_money(f, totals[i]);
        fputc('}', f);
        first = 0;
        written++;
    }
    return written;
}

static void write_member(FILE *f, const jz_member *m)
{
    fputs("{\"id\":", f);
    put_str(f, m->id);
    fputs(",\"name\":", f);
    put_str(f, m->name);
    fprintf(f, ",\"relation\":\"%s\",\"birth_date\":", jz_relation_names[m->relation]);
    put_date(f, m->birth);
    if (m->presence != JZ_PRES_PRESENT)
        fprintf(f, ",\"presence\":\"%s\"", jz_presence_names[m->presence]);
    fprintf(f, ",\"employment\":\"%s\"", jz_employment_names[m->employment]);
    if (m->newly_employed)
        fputs(",\"newly_employed\":true", f);
    if (m->unemployment_insured)
        fputs(",\"unemployment_insured\":true", f);
    if (m->months_without_income)
        fprintf(f, ",\"months_without_income\":%u", (unsigned)m->months_without_income);
    if (m->hardship != JZ_HARD_NONE)
        fprintf(f, ",\"hardship_cause\":\"%s\"", jz_hardship_names[m->hardship]);
    if (m->disability != JZ_DIS_NONE)
        fprintf(f, ",\"disability\":{\"category\":\"%s\",\"grade\":%u}",
                jz_disability_names[m->disability], (unsigned)m->disability_grade);
    if (m->serious_illness || m->under_treatment)
        fprintf(f, ",\"illness\":{\"serious\":%s,\"under_treatment\":%s}",
                m->serious_illness ? "true" : "false", m->under_treatment ? "true" : "false");
    if (m->needs_rehab_or_care)
        fputs(",\"needs_rehab_or_care\":true", f);
    if (m->student_level != JZ_STU_NONE)
        fprintf(f, ",\"student\":{\"level\":\"%s\",\"full_time\":%s,\"high_fee\":%s,\"abroad\":%s}",
                jz_student_level_names[m->student_level], m->student_full_time ? "true" : "false",
                m->student_high_fee ? "true" : "false", m->student_abroad ? "true" : "false");
    if (m->self_care_failed)
        fprintf(f, ",\"self_care_failed_items\":%u", (unsigned)m->self_care_failed);
    if (m->supporters_known) {
        fputs(",\"supporters\":[", f);
        for (unsigned s = 0; s < m->n_supporters; s++) {
            uint8_t st = (m->supporters_unable >> s) & 1u ? unable_status[s % COUNT(unable_status)]
                                                          : (uint8_t)JZ_SUP_ABLE;
            fprintf(f, "%s{\"status\":\"%s\"}", s ? "," : "", jz_supporter_names[st]);
        }
        fputc(']', f);
    }
    if (m->applies_alone)
        fputs(",\"applies_alone\":true", f);
    if (m->deceased != JZ_DATE_NONE) {
        fputs(",\"deceased_date\":", f);
        put_date(f, m->deceased);
    }
    fputs(",\"income\":[", f);
    int counted = put_items(f, m->income, JZ_INC_FIRST_EXCLUDED, jz_income_kind_names);
    if (m->income_not_counted) {
        /* The kinds R-INC-2 leaves out are interchangeable for every rule. */
        fprintf(f, "%s{\"kind\":\"assistance\",\"amount\":", counted ? "," : "");
        put_money(f, m->income_not_counted);
        fputc('}', f);
    }
    fputs("],\"expenses\":[", f);
    (void)put_items(f, m->expenses, JZ_EXP_COUNT, jz_expense_kind_names);
    fputc(']', f);
    if (m->financial || m->vehicles || m->extra_houses || m->business) {
        fputs(",\"assets\":{\"financial\":", f);
        put_money(f, m->financial);
        fprintf(f, ",\"vehicles\":%u,\"extra_houses\":%u,\"business\":%s}", (unsigned)m->vehicles,
                (unsigned)m->extra_houses, m->business ? "true" : "false");
    }
    fputc('}', f);
}

static void write_household(FILE *f, const jz_household *h)
{
    fputs("{\"household_id\":", f);
    put_str(f, h->household_id);
    fputs(",\"region\":", f);
    put_str(f, h->region.code);
    fprintf(f, ",\"area\":\"%s\",\"assess_date\":", jz_area_names[h->area]);
    put_date(f, h->assess_date);
    if (h->current_programme != JZ_PROG_NONE) {
        fprintf(f, ",\"current\":{\"programme\":\"%s\",\"since\":",
                jz_programme_names[h->current_programme]);
        put_date(f, h->current_since);
        fputs(",\"monthly_amount\":", f);
        put_money(f, h->current_amount);
        fputc('}', f);
    }
    fputs(",\"members\":[", f);
    for (uint32_t i = 0; i < h->n_members; i++) {
        if (i)
            fputc(',', f);
        write_member(f, &h->members[i]);
    }
    fputs("]}\n", f);
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

static double run_engine(const jz_household *hs, size_t n, const jz_policy *p, jz_result *r,
                         jz_trace *trace, tally *out)
{
    tally t;
    memset(&t, 0, sizeof t);
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        jz_assess(&hs[i], p, r, trace);
        tally_add(&t, r);
    }
    double t1 = now();
    *out = t;
    return t1 - t0;
}

/* ---- (a1)..(a3): the JSON Lines file through the reader ----------------- */

enum stage { STAGE_PARSE = 1, STAGE_ASSESS, STAGE_WRITE };

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
    jz_policy policy;
    char county[7] = "";
    jz_date date = JZ_DATE_NONE;
    size_t bytes = 0;
    long errors = 0;
    jz_error err;

    double t0 = now();
    FILE *in = fopen(x->path, "rb");
    if (!in) {
        fprintf(stderr, "bench_assess: cannot open %s: %s\n", x->path, strerror(errno));
        return -1;
    }
    jz_reader *rd = jz_reader_new(in, x->path, &x->opts);
    if (!rd) {
        fclose(in);
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
         * cache; every record here has the same, so resolve once. */
        char c[7];
        jz_region_county(&h->region, c);
        if (date != h->assess_date || strcmp(c, county) != 0) {
            if (jz_policy_resolve(x->ps, c, h->assess_date, &policy, &err) != JZ_OK) {
                errors++;
                continue;
            }
            memcpy(county, c, sizeof county);
            date = h->assess_date;
        }
        jz_assess(h, &policy, x->r, x->trace);
        tally_add(&t, x->r);
        if (stage == STAGE_WRITE) {
            char *json = jz_determination_json(h, &policy, x->r, x->trace,
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
          "                    [--policy DIR]\n"
          "  --households N        households in memory for (b)/(b') (default 1000000)\n"
          "  --reps R              repetitions per figure; medians are reported (default 5)\n"
          "  --jsonl-households N  households in the JSON Lines file for (a) (default 50000)\n"
          "  --jiuzhu PATH         the jiuzhu binary for (a4) (default: beside this program)\n"
          "  --no-binary           skip (a4)\n"
          "  --jsonl FILE          where to write the JSON Lines file (default /tmp/...)\n"
          "  --keep                keep the JSON Lines file afterwards\n"
          "  --policy DIR          policy directory (default JZ_SOURCE_DIR/policy)\n",
          f);
}

static bool parse_size(const char *s, size_t max, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end != '\0' || s[0] == '-' || v == 0 || v > max)
        return false;
    *out = (size_t)v;
    return true;
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

/* Loads the shipped policy and resolves it once for 140902 on 2024-06-01. */
static jz_err load_policy(const char *dir, jz_regions **regions, jz_paramset **ps,
                          jz_policy *policy, jz_error *err)
{
    char path[4096];
    jz_err rc;
    snprintf(path, sizeof path, "%s/regions/shanxi-regions.csv", dir);
    if ((rc = jz_regions_load(path, regions, err)) != JZ_OK)
        return rc;
    if (!(*ps = jz_paramset_new()))
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "out of memory");
    snprintf(path, sizeof path, "%s/params", dir);
    if ((rc = jz_paramset_load_dir(*ps, path, err)) != JZ_OK)
        return rc;
    return jz_policy_resolve(*ps, COUNTY, jz_date_make(2024, 6, 1), policy, err);
}

/* n households into *hs_out, their members in one array *members_out. */
static bool generate(size_t n, const jz_policy *policy, jz_household **hs_out,
                     jz_member **members_out, size_t *members_used)
{
    size_t cap = n * 27 / 10 + 64, used = 0;
    size_t *offset = malloc(n * sizeof *offset);
    jz_household *hs = malloc(n * sizeof *hs);
    jz_member *members = malloc(cap * sizeof *members);
    bool ok = false;
    rng g = {SEED};
    if (!offset || !hs || !members)
        goto done;
    for (size_t i = 0; i < n; i++) {
        if (used + 6 > cap) {
            size_t ncap = cap + cap / 4 + 6;
            jz_member *grown = realloc(members, ncap * sizeof *members);
            if (!grown)
                goto done;
            members = grown;
            cap = ncap;
        }
        gen_household(&g, i, policy, &hs[i], members + used);
        offset[i] = used;
        used += hs[i].n_members;
    }
    /* The array moved while it grew: point the households at it now. */
    for (size_t i = 0; i < n; i++)
        hs[i].members = members + offset[i];
    ok = true;
done:
    free(offset);
    if (!ok) {
        free(hs);
        free(members);
        hs = NULL;
        members = NULL;
    }
    *hs_out = hs;
    *members_out = members;
    *members_used = used;
    return ok;
}

/* What the households come to (untimed). */
static void census(const jz_household *hs, size_t n, size_t members, const jz_policy *policy,
                   jz_result *r)
{
    tally t;
    memset(&t, 0, sizeof t);
    uint64_t pcat[JZ_PCAT_COUNT] = {0}, rules[64] = {0};
    for (size_t i = 0; i < n; i++) {
        jz_assess(&hs[i], policy, r, NULL);
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
static double engine_only(const jz_household *hs, size_t n, const jz_policy *policy, int reps,
                          jz_result *r, jz_trace *trace)
{
    double tb[MAX_REPS], tbt[MAX_REPS];
    tally plain, traced;
    char a[48], b[48], c[48];
    for (int i = 0; i < reps; i++) {
        tb[i] = run_engine(hs, n, policy, r, NULL, &plain);
        tbt[i] = run_engine(hs, n, policy, r, trace, &traced);
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

/* Writes households 0..na-1 of the generator as JSON Lines; *expect gets
 * what the engine makes of them. */
static bool write_jsonl(const char *file, size_t na, const jz_policy *policy, jz_result *r,
                        tally *expect)
{
    FILE *f = fopen(file, "wb");
    if (!f) {
        fprintf(stderr, "bench_assess: cannot write %s: %s\n", file, strerror(errno));
        return false;
    }
    rng g = {SEED};
    jz_household h;
    jz_member ms[6];
    memset(expect, 0, sizeof *expect);
    for (size_t i = 0; i < na; i++) {
        gen_household(&g, i, policy, &h, ms);
        write_household(f, &h);
        jz_assess(&h, policy, r, NULL);
        tally_add(expect, r);
    }
    if (fclose(f) != 0) {
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

int main(int argc, char **argv)
{
    build_name_pool();
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
    jz_household *hs = NULL;
    jz_member *members = NULL;
    jz_result *r = malloc(sizeof *r);
    jz_trace *trace = malloc(sizeof *trace);
    FILE *sink = NULL;
    char jsonl[4096];
    bool wrote_file = false;
    jz_policy policy;
    jz_error err;
    jz_error_clear(&err);
    if (!r || !trace)
        goto out;
    if (load_policy(o.policy_dir, &regions, &ps, &policy, &err) != JZ_OK) {
        char line[1024];
        jz_error_format(&err, line, sizeof line);
        fprintf(stderr, "bench_assess: %s\n", line);
        goto out;
    }

    printf("jiuzhu bench_assess: county %s, assess date 2024-06-01, policy %s\n", COUNTY,
           o.policy_dir);
    printf("machine: nproc %ld (one thread used); ", sysconf(_SC_NPROCESSORS_ONLN));
    print_compiler();
    printf("sizeof: jz_member %zu, jz_household %zu, jz_result %zu, jz_trace %zu bytes\n",
           sizeof(jz_member), sizeof(jz_household), sizeof(jz_result), sizeof(jz_trace));
    {
        char su[JZ_MONEY_BUF], sr[JZ_MONEY_BUF];
        jz_money_format(policy.standard[JZ_AREA_URBAN], su, sizeof su);
        jz_money_format(policy.standard[JZ_AREA_RURAL], sr, sizeof sr);
        printf("standard S: urban %s, rural %s yuan/person/month\n\n", su, sr);
    }

    size_t n = o.households, used;
    double g0 = now();
    if (!generate(n, &policy, &hs, &members, &used)) {
        fputs("bench_assess: out of memory\n", stderr);
        goto out;
    }
    printf("generated %zu households, %zu members (mean %.2f per household) in %.2f s; "
           "members array %.0f MB\n",
           n, used, (double)used / (double)n, now() - g0,
           (double)used * (double)sizeof(jz_member) / 1e6);
    census(hs, n, used, &policy, r);
    double rate_b = engine_only(hs, n, &policy, o.reps, r, trace);
    /* Freed before (a4) forks, so that the child's peak RSS is its own. */
    free(members);
    free(hs);
    members = NULL;
    hs = NULL;

    if (o.jsonl)
        snprintf(jsonl, sizeof jsonl, "%s", o.jsonl);
    else
        snprintf(jsonl, sizeof jsonl, "/tmp/jiuzhu-bench-%ld.jsonl", (long)getpid());
    tally expect;
    wrote_file = true;
    if (!write_jsonl(jsonl, o.jsonl_households, &policy, r, &expect))
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
    free(r);
    free(trace);
    jz_paramset_free(ps);
    jz_regions_free(regions);
    return status;
}
