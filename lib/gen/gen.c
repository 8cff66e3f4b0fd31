/*
 * gen.c - the registry generator: realistic, valid households of Shanxi,
 * household number i a pure function of (seed, i) (docs/generator.md).
 *
 * Two things are fixed by the household number alone, whatever the seed:
 * where the household lives and the "slot" its members' ID numbers take.
 * Households are dealt to the townships of the run in a fixed cycle in which
 * a township appears as many times as its weight (街道 more than 乡), so
 * household i is the l-th household of its county for an l computed from i
 * without looking at other households.  A member's ID number is then built
 * from (county, birth year, sex) and l so that two households of one county
 * can never share one: within one birth year and sex, the day of birth and
 * the sequence number together encode l.  Everything else (ages, incomes,
 * names...) comes from a splitmix64 stream seeded by (seed, i).
 *
 * The distributions are tuned so that the shipped reference standards give
 * the proportions of determinations documented in docs/generator.md; the
 * unit test checks broad bounds, so retuning one of them shows there.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_engine.h"
#include "jiuzhu/jz_gen.h"

/* ---- random numbers ------------------------------------------------------ */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t next(rng *r)
{
    return mix64(r->s += UINT64_C(0x9e3779b97f4a7c15));
}

/* Uniform in [0, n). */
static uint32_t below(rng *r, uint32_t n)
{
    return (uint32_t)(((next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static int between(rng *r, int lo, int hi)
{
    return lo + (int)below(r, (uint32_t)(hi - lo + 1));
}

/* True with probability per_mille / 1000. */
static bool chance(rng *r, unsigned per_mille)
{
    return below(r, 1000) < per_mille;
}

/* x times a factor uniform in [lo, hi] per mille. */
static jz_fen scaled(rng *r, jz_fen x, int lo, int hi)
{
    return x * between(r, lo, hi) / 1000;
}

/* An index drawn from weights that sum to 1000. */
static unsigned pick(rng *r, const uint16_t *per_mille, unsigned n)
{
    unsigned x = below(r, 1000), acc = 0;
    for (unsigned i = 0; i + 1 < n; i++) {
        acc += per_mille[i];
        if (x < acc)
            return i;
    }
    return n - 1;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- names ---------------------------------------------------------------- */

/* Common surnames of Shanxi, the most frequent first, with weights in
 * per ten thousand of the table (roughly their shares in the province). */
static const struct {
    const char *s;
    uint16_t w;
} surnames[] = {{"王", 900}, {"李", 800}, {"张", 700}, {"刘", 650}, {"郭", 420}, {"杨", 380},
                {"赵", 360}, {"武", 300}, {"陈", 290}, {"田", 230}, {"高", 220}, {"韩", 210},
                {"梁", 200}, {"郝", 190}, {"贾", 185}, {"任", 180}, {"冯", 175}, {"马", 170},
                {"孙", 165}, {"范", 160}, {"白", 155}, {"吴", 150}, {"杜", 145}, {"乔", 140},
                {"段", 135}, {"史", 130}, {"侯", 125}, {"闫", 120}, {"董", 115}, {"周", 110},
                {"薛", 105}, {"石", 100}, {"胡", 100}, {"宋", 95},  {"程", 95},  {"牛", 90},
                {"裴", 85},  {"黄", 85},  {"温", 80},  {"霍", 80},  {"曹", 75},  {"申", 70},
                {"秦", 70},  {"吕", 65},  {"崔", 65},  {"徐", 60},  {"卫", 55},  {"原", 50},
                {"安", 50},  {"常", 50},  {"康", 45},  {"苏", 45},  {"许", 40},  {"阎", 40},
                {"邢", 35},  {"靳", 35},  {"雷", 30},  {"药", 25},  {"路", 25},  {"焦", 25}};

/* Given names by generation (born before 1960, 1960-79, 1980-99, since
 * 2000) and sex: names follow fashions, and a grandmother called 梓涵
 * would look wrong. */
enum { COHORTS = 4, GIVEN_PER_POOL = 24 };
static const char *const given[COHORTS][2][GIVEN_PER_POOL] = {
    {{"建国", "国华", "德福", "福全", "长生", "有才", "文明", "守仁",
      "志远", "玉成", "二虎", "保全", "俊德", "永贵", "金锁", "满仓",
      "天佑", "树林", "振华", "明德", "富贵", "来福", "兴旺", "忠义"},
     {"秀英", "桂英", "玉兰", "凤英", "秀兰", "桂兰", "桂芳", "淑珍",
      "翠花", "金花", "玉梅", "秀珍", "兰英", "凤兰", "秀梅", "春梅",
      "巧云", "爱莲", "月娥", "改娥", "粉娥", "二妮", "菊香", "银花"}},
    {{"建军", "建华", "志强", "国庆", "卫东", "红军", "永强", "海军",
      "建平", "晓东", "立新", "向东", "文华", "俊峰", "小平", "建林",
      "学军", "宏伟", "新民", "利民", "军",   "勇",   "强",   "刚"},
     {"丽萍", "红梅", "海燕", "丽华", "秀芳", "艳红", "建英", "晓燕",
      "美玲", "红霞", "玉珍", "春燕", "慧敏", "丽娟", "小红", "彩霞",
      "霞",   "萍",   "芳",   "丽",   "燕",   "红",   "娟",   "英"}},
    {{"磊",   "伟",   "涛",   "杰",   "鹏",   "超",   "斌",   "强",
      "亮",   "浩",   "波",   "宇",   "俊杰", "志伟", "晓峰", "鹏飞",
      "海涛", "建伟", "文博", "国栋", "子龙", "晓龙", "伟东", "志鹏"},
     {"静",   "敏",   "娜", "丽", "婷", "芳", "倩", "艳",   "雪",   "琳",   "晓丽", "丽娜",
      "婷婷", "晓燕", "佳", "慧", "瑶", "欢", "悦", "雅琪", "晓琳", "文静", "思琪", "梦洁"}},
    {{"浩然", "梓轩", "宇航", "子涵", "俊熙", "一鸣", "子豪", "浩宇",
      "博文", "睿",   "泽宇", "天佑", "锦程", "子墨", "奕辰", "明轩",
      "嘉豪", "宇轩", "皓轩", "梓豪", "铭",   "昊天", "思远", "子睿"},
     {"欣怡", "梓涵", "雨桐", "子涵", "佳琪", "诗涵", "梦瑶", "一诺",
      "可欣", "思彤", "雨萱", "紫涵", "欣妍", "语桐", "佳怡", "梓萱",
      "若曦", "艺涵", "可馨", "雨欣", "思雨", "芷若", "诗琪", "沐晨"}}};

/* Full names are built once per generator so that a member can point at
 * one (jz_member.name is a pointer owned by the filler). */
#define NAME_STRIDE 16
#define NAMES_PER_SURNAME (COHORTS * 2 * GIVEN_PER_POOL)

/* ---- the run's regions ---------------------------------------------------- */

enum tkind { TK_STREET = 0, TK_TOWN, TK_XIANG, TK_OTHER };

typedef struct township {
    char code[10];
    uint8_t kind;       /* enum tkind */
    uint8_t villages;   /* village numbers 001..villages */
    uint16_t county;    /* index into the run's counties */
    uint32_t weight;    /* places in the cycle */
    uint32_t start;     /* first place in the cycle */
    uint32_t in_county; /* places of the county's earlier townships */
} township;

typedef struct county {
    char code[7];
    char partner[7]; /* the county whose ID numbers members who moved in carry */
    uint32_t weight; /* places of the county in the cycle */
    jz_policy policy;
} county;

struct jz_gen {
    uint64_t seed;
    jz_date date;
    uint32_t day_off, q_off, qm_off; /* seed-dependent shifts of the ID slots */
    township *tw;
    size_t n_tw;
    county *co;
    size_t n_co;
    uint32_t cycle_len;
    uint16_t *cycle; /* place -> township */
    char *names;     /* surnames x cohorts x sexes x given, NAME_STRIDE bytes each */
    uint32_t surname_cdf[COUNT(surnames)];
};

/* ID numbers: a per-sex sequence index q in [0, 499) (sequence 2q+1 for
 * men, 2q+2 for women).  People born in the household's county take
 * [0, Q_NATIVE); people who moved in from the partner county take the rest.
 * Only households with l % MIGRANT_EVERY == 0 may have one such member. */
#define Q_ALL 499u
#define Q_NATIVE 400u
#define MIGRANT_EVERY 5u
#define SLOTS_NATIVE (365u * Q_NATIVE)
#define SLOTS_MIGRANT (365u * (Q_ALL - Q_NATIVE))
_Static_assert(JZ_GEN_MAX_PER_COUNTY <= SLOTS_NATIVE, "native ID slots");
_Static_assert(JZ_GEN_MAX_PER_COUNTY / MIGRANT_EVERY <= SLOTS_MIGRANT, "migrant ID slots");

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* 街道 and city districts are urban; 镇 and 乡 mostly rural; development
 * zones, farms and service centres are small and mixed. */
static uint8_t township_kind(const char *name)
{
    if (!name)
        return TK_OTHER;
    if (ends_with(name, "街道") || strstr(name, "城区") || ends_with(name, "社区"))
        return TK_STREET;
    if (ends_with(name, "镇"))
        return TK_TOWN;
    if (ends_with(name, "乡"))
        return TK_XIANG;
    return TK_OTHER;
}

static uint64_t code_hash(const char *code)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *code; code++)
        h = (h ^ (unsigned char)*code) * UINT64_C(0x100000001b3);
    return mix64(h);
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return n > 0;
}

static jz_err bad_region(jz_error *err, const char *region, const char *why)
{
    return jz_error_set(err, JZ_EUSAGE, "region", region, "%s", why);
}

/* The townships of the run, their weights and village counts. */
static jz_err find_townships(jz_gen *g, const jz_gen_opts *o, jz_error *err)
{
    const char *prefix = o->region && o->region[0] ? o->region : "14";
    size_t plen = strlen(prefix);
    if (!all_digits(prefix, plen) || (plen != 2 && plen != 4 && plen != 6 && plen != 9))
        return bad_region(err, prefix,
                          "区划应为 4 位（市）、6 位（县）或 9 位（乡镇街道）数字代码");
    if (plen > 2 && !jz_regions_name(o->regions, prefix, plen))
        return bad_region(err, prefix, "区划代码表中没有这个市、县或乡镇街道");
    if (plen == 2 && strcmp(prefix, "14") != 0)
        return bad_region(err, prefix, "只有山西省（14）的区划");
    size_t all = jz_regions_count(o->regions, JZ_LEVEL_TOWNSHIP);
    if (!(g->tw = calloc(all ? all : 1, sizeof *g->tw)) ||
        !(g->co = calloc(jz_regions_count(o->regions, JZ_LEVEL_COUNTY) + 1, sizeof *g->co)))
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    for (size_t i = 0; i < all; i++) {
        const char *code = jz_regions_code_at(o->regions, JZ_LEVEL_TOWNSHIP, i);
        if (strncmp(code, prefix, plen) != 0)
            continue;
        /* A township whose county is missing from the table cannot be read
         * back (jz_region_parse); the loader forbids it, but be safe. */
        if (!jz_regions_name(o->regions, code, 6))
            continue;
        township *t = &g->tw[g->n_tw++];
        memcpy(t->code, code, 10);
        t->kind = township_kind(jz_regions_name(o->regions, code, 9));
        uint64_t h = code_hash(code);
        /* Weights: how many households a township has relative to others. */
        static const uint8_t wlo[] = {3, 2, 1, 1}, wspan[] = {4, 3, 2, 2};
        /* Villages or communities under it (统计用区划代码 village numbers). */
        static const uint8_t vlo[] = {4, 10, 6, 2}, vspan[] = {12, 31, 20, 6};
        t->weight = wlo[t->kind] + (uint32_t)(h % wspan[t->kind]);
        t->villages = (uint8_t)(vlo[t->kind] + (h >> 16) % vspan[t->kind]);
        if (g->n_co == 0 || memcmp(g->co[g->n_co - 1].code, code, 6) != 0) {
            memcpy(g->co[g->n_co].code, code, 6);
            g->n_co++;
        }
        county *c = &g->co[g->n_co - 1];
        t->county = (uint16_t)(g->n_co - 1);
        t->start = g->cycle_len;
        t->in_county = c->weight;
        c->weight += t->weight;
        g->cycle_len += t->weight;
    }
    if (g->n_tw == 0)
        return bad_region(err, prefix, "该区划下没有乡镇街道");
    if (!(g->cycle = malloc(g->cycle_len * sizeof *g->cycle)))
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    for (size_t i = 0; i < g->n_tw; i++)
        for (uint32_t k = 0; k < g->tw[i].weight; k++)
            g->cycle[g->tw[i].start + k] = (uint16_t)i;
    return JZ_OK;
}

/* Each county's partner is the next county of the whole table: a bijection,
 * so the members who moved into a county all come from one county's
 * households, which keeps their ID numbers apart too. */
static void find_partners(jz_gen *g, const jz_regions *regions)
{
    size_t n = jz_regions_count(regions, JZ_LEVEL_COUNTY);
    for (size_t i = 0; i < g->n_co; i++) {
        county *c = &g->co[i];
        memcpy(c->partner, c->code, 7);
        for (size_t k = 0; k < n; k++)
            if (memcmp(jz_regions_code_at(regions, JZ_LEVEL_COUNTY, k), c->code, 6) == 0) {
                memcpy(c->partner, jz_regions_code_at(regions, JZ_LEVEL_COUNTY, (k + 1) % n), 7);
                break;
            }
    }
}

static void build_names(jz_gen *g)
{
    uint32_t acc = 0;
    for (size_t s = 0; s < COUNT(surnames); s++) {
        acc += surnames[s].w;
        g->surname_cdf[s] = acc;
        for (int c = 0; c < COHORTS; c++)
            for (int x = 0; x < 2; x++)
                for (int k = 0; k < GIVEN_PER_POOL; k++)
                    snprintf(g->names + ((s * NAMES_PER_SURNAME) +
                                         (size_t)((c * 2 + x) * GIVEN_PER_POOL + k)) *
                                            NAME_STRIDE,
                             NAME_STRIDE, "%s%s", surnames[s].s, given[c][x][k]);
    }
}

jz_err jz_gen_new(const jz_gen_opts *opts, jz_gen **out, jz_error *err)
{
    jz_err rc;
    *out = NULL;
    jz_gen *g = calloc(1, sizeof *g);
    if (!g)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    g->seed = opts->seed;
    g->date = opts->date;
    uint64_t h = mix64(opts->seed ^ UINT64_C(0x6a697568757a6875));
    g->day_off = (uint32_t)(h % 365);
    g->q_off = (uint32_t)((h >> 16) % SLOTS_NATIVE);
    g->qm_off = (uint32_t)((h >> 40) % SLOTS_MIGRANT);
    if ((rc = find_townships(g, opts, err)) != JZ_OK)
        goto fail;
    find_partners(g, opts->regions);
    for (size_t i = 0; i < g->n_co; i++)
        if ((rc = jz_policy_resolve(opts->params, g->co[i].code, opts->date, &g->co[i].policy,
                                    err)) != JZ_OK)
            goto fail;
    if (opts->households) {
        /* Household i is the l-th of its county with l < (i / cycle + 1) *
         * county weight: the ID slots must hold the largest such l. */
        uint64_t rounds = (opts->households + g->cycle_len - 1) / g->cycle_len;
        for (size_t i = 0; i < g->n_co; i++)
            if (rounds * g->co[i].weight > JZ_GEN_MAX_PER_COUNTY) {
                uint64_t most = (uint64_t)JZ_GEN_MAX_PER_COUNTY / g->co[i].weight * g->cycle_len;
                rc = jz_error_set(err, JZ_EUSAGE, "households", NULL,
                                  "户数过多：在该区划生成 %llu 户时县 %s 的身份证号码顺序码不够"
                                  "（每县最多约 %u 户），本区划最多 %llu 户；请减少户数或扩大区划",
                                  (unsigned long long)opts->households, g->co[i].code,
                                  JZ_GEN_MAX_PER_COUNTY, (unsigned long long)most);
                goto fail;
            }
    }
    if (!(g->names = malloc(COUNT(surnames) * NAMES_PER_SURNAME * NAME_STRIDE))) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto fail;
    }
    build_names(g);
    *out = g;
    return JZ_OK;
fail:
    jz_gen_free(g);
    return rc;
}

void jz_gen_free(jz_gen *g)
{
    if (!g)
        return;
    free(g->tw);
    free(g->co);
    free(g->cycle);
    free(g->names);
    free(g);
}

size_t jz_gen_counties(const jz_gen *g)
{
    return g->n_co;
}

size_t jz_gen_townships(const jz_gen *g)
{
    return g->n_tw;
}

static int cmp_county(const void *key, const void *elem)
{
    return memcmp(key, ((const county *)elem)->code, 6);
}

const jz_policy *jz_gen_policy(const jz_gen *g, const jz_household *h)
{
    const county *c = bsearch(h->region.code, g->co, g->n_co, sizeof *g->co, cmp_county);
    return c ? &c->policy : NULL;
}

/* ---- one household ------------------------------------------------------ */

typedef struct hh {
    const jz_gen *g;
    rng r;
    const county *co;
    uint32_t l;          /* the household's number within its county */
    bool migrant_spouse; /* the spouse, if any, moved in from the partner county */
    jz_date on;
    jz_household *h;
    jz_member *ms;
    unsigned k;                    /* members so far */
    uint32_t keys[JZ_MAX_MEMBERS]; /* (birth year, sex, moved in) of each */
} hh;

static void put_digits(char *out, uint32_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/*
 * The birth date and ID number of a member born in year y, from the
 * household's slot: for one county, year and sex, the day of the year and
 * the sequence number together are a one-to-one function of l, so two
 * households cannot get the same number.  The day also moves with the year,
 * so that a family's birthdays differ.
 */
static jz_date place(const hh *c, int y, bool male, bool migrant, char id[JZ_IDNUM_BUF])
{
    const jz_gen *g = c->g;
    /* x is first scattered over the slots by a bijection (a multiplier prime
     * to their number), so that neighbouring households do not share a
     * sequence number. */
    uint64_t x = migrant ? c->l / MIGRANT_EVERY : c->l;
    uint64_t slots = migrant ? SLOTS_MIGRANT : SLOTS_NATIVE;
    x = ((x % slots) * (migrant ? 7919u : 104729u) + (migrant ? g->qm_off : g->q_off)) % slots;
    uint32_t day = (uint32_t)((x % 365 + (uint64_t)y * 173u + g->day_off) % 365);
    uint32_t q = (uint32_t)(x / 365) + (migrant ? Q_NATIVE : 0);
    jz_date birth = jz_date_add_days(jz_date_make(y, 1, 1), (int32_t)day);
    memcpy(id, migrant ? c->co->partner : c->co->code, 6);
    put_digits(id + 6, (uint32_t)birth, 8);
    put_digits(id + 14, 2 * q + (male ? 1u : 2u), 3);
    id[17] = jz_idnum_check_char(id);
    id[18] = '\0';
    return birth;
}

static const char *name_for(hh *c, unsigned surname, jz_date birth, bool male)
{
    int y = jz_date_year(birth);
    int cohort = y < 1960 ? 0 : y < 1980 ? 1 : y < 2000 ? 2 : 3;
    unsigned k = below(&c->r, GIVEN_PER_POOL);
    return c->g->names + ((size_t)surname * NAMES_PER_SURNAME +
                          (size_t)(cohort * 2 + !male) * GIVEN_PER_POOL + k) *
                             NAME_STRIDE;
}

static unsigned draw_surname(hh *c)
{
    const jz_gen *g = c->g;
    uint32_t x = below(&c->r, g->surname_cdf[COUNT(surnames) - 1]);
    unsigned i = 0;
    while (x >= g->surname_cdf[i])
        i++;
    return i;
}

static uint8_t student_level(rng *r, int age)
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
        return chance(r, 650) ? JZ_STU_SENIOR : JZ_STU_VOCATIONAL;
    if (age < 22)
        return chance(r, 400) ? JZ_STU_COLLEGE : JZ_STU_UNDERGRADUATE;
    return chance(r, 300) ? JZ_STU_POSTGRADUATE : JZ_STU_UNDERGRADUATE;
}

/* Schooling and work by age (and area: pensions of retired employees are an
 * urban thing; rural elderly mostly farm on or live on support). */
static void schooling_and_work(hh *c, jz_member *m, int age)
{
    rng *r = &c->r;
    bool urban = c->h->area == JZ_AREA_URBAN;
    bool school = false;
    if (age < 3)
        school = chance(r, 100);
    else if (age < 6)
        school = chance(r, 850);
    else if (age < 16)
        school = true;
    else if (age < 18)
        school = chance(r, 880);
    else if (age < 22)
        school = chance(r, 450);
    else if (age < 25)
        school = chance(r, 100);
    if (school) {
        m->student_level = student_level(r, age);
        m->employment = JZ_EMP_STUDENT;
        m->student_full_time = !chance(r, 30);
        m->student_high_fee = chance(r, 30);
        m->student_abroad = m->student_level >= JZ_STU_UNDERGRADUATE && chance(r, 20);
        return;
    }
    if (age < 16) {
        m->employment = JZ_EMP_NONE;
    } else if (age < 60) {
        unsigned x = below(r, 100);
        m->employment = x < 58 ? JZ_EMP_EMPLOYED : x < 85 ? JZ_EMP_UNEMPLOYED : JZ_EMP_NONE;
    } else {
        unsigned retired = urban ? 600 : 150;
        if (chance(r, retired))
            m->employment = JZ_EMP_RETIRED;
        else if (age < 70 && !urban && chance(r, 300))
            m->employment = JZ_EMP_EMPLOYED; /* still farming */
        else
            m->employment = JZ_EMP_NONE;
    }
}

/*
 * Adds a member aged about `age` (the day of birth comes from the ID slot,
 * so the age may come out one year less).  No two members share birth year
 * and sex (they would share an ID number): the year moves by one until it
 * is free.
 */
static jz_member *add(hh *c, uint8_t relation, int age, bool male, unsigned surname)
{
    jz_member *m = &c->ms[c->k];
    memset(m, 0, sizeof *m);
    bool migrant = relation == JZ_REL_SPOUSE && c->migrant_spouse;
    int y0 = jz_date_year(c->on) - (age < 0 ? 0 : age > 100 ? 100 : age);
    for (int step = 0;; step++) {
        int y = y0 + (step % 2 ? (step + 1) / 2 : -(step / 2));
        uint32_t key = (uint32_t)y << 2 | (uint32_t)male << 1 | (uint32_t)migrant;
        bool used = false;
        for (unsigned i = 0; i < c->k; i++)
            used |= c->keys[i] == key;
        if (used || y > jz_date_year(c->on))
            continue;
        m->birth = place(c, y, male, migrant, m->id);
        if (m->birth > c->on)
            continue;
        c->keys[c->k] = key;
        break;
    }
    c->k++;
    m->relation = relation;
    m->presence = JZ_PRES_PRESENT;
    m->deceased = JZ_DATE_NONE;
    m->name = name_for(c, surname, m->birth, male);
    schooling_and_work(c, m, jz_date_age(m->birth, c->on));
    return m;
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Children of a parent aged a: the eldest born when the parent was 21 to
 * 32, the next ones 1 to 6 years apart (at least 0: a young parent's
 * children are small). */
static void add_children(hh *c, unsigned n, int a, unsigned surname)
{
    int age = a - between(&c->r, 21, 32);
    while (c->k < n) {
        add(c, JZ_REL_CHILD, clamp(age, 0, 35), chance(&c->r, 515), surname);
        age -= between(&c->r, 1, 6);
    }
}

/* Who lives together: returns true for a household of elderly people only
 * (whose supporters were investigated more often). */
static bool compose(hh *c)
{
    rng *r = &c->r;
    /* Sizes 1..7: 25%, 27%, 22%, 15%, 7%, 3%, 1% (mean 2.65). */
    static const uint16_t size_w[] = {250, 270, 220, 150, 70, 30, 10};
    unsigned n = 1 + pick(r, size_w, COUNT(size_w));
    unsigned sur = draw_surname(c);
    if (n == 1) {
        if (chance(r, 450)) {
            add(c, JZ_REL_HEAD, between(r, 60, 92), chance(r, 400), sur);
            return true;
        }
        add(c, JZ_REL_HEAD, between(r, 18, 59), chance(r, 600), sur);
        return false;
    }
    if (n == 2) {
        static const uint16_t kind_w[] = {380, 220, 200, 120, 40, 40};
        switch (pick(r, kind_w, COUNT(kind_w))) {
        case 0: { /* an elderly couple */
            int a = between(r, 60, 88);
            bool male = chance(r, 850);
            add(c, JZ_REL_HEAD, a, male, sur);
            add(c, JZ_REL_SPOUSE, clamp(a - 3 + between(r, 0, 6), 58, 95), !male, draw_surname(c));
            return true;
        }
        case 1: { /* a couple without children at home */
            int a = chance(r, 500) ? between(r, 22, 35) : between(r, 45, 59);
            add(c, JZ_REL_HEAD, a, true, sur);
            add(c, JZ_REL_SPOUSE, clamp(a - 2 + between(r, 0, 4), 20, 62), false, draw_surname(c));
            return false;
        }
        case 2: { /* a single parent and a child */
            int a = between(r, 28, 55);
            bool male = chance(r, 350);
            add(c, JZ_REL_HEAD, a, male, sur);
            add_children(c, 2, a, male || chance(r, 400) ? sur : draw_surname(c));
            return false;
        }
        case 3: { /* an adult living with an elderly parent */
            int a = between(r, 30, 58);
            add(c, JZ_REL_HEAD, a, chance(r, 600), sur);
            add(c, JZ_REL_PARENT, between(r, clamp(a + 20, 60, 95), clamp(a + 38, 60, 95)),
                chance(r, 350), sur);
            return false;
        }
        case 4: { /* two siblings */
            int a = between(r, 25, 70);
            add(c, JZ_REL_HEAD, a, chance(r, 600), sur);
            add(c, JZ_REL_SIBLING, clamp(a + between(r, -8, 8), 18, 80), chance(r, 500), sur);
            return a >= 60;
        }
        default: { /* a grandparent raising a grandchild (留守儿童, orphans) */
            int a = between(r, 58, 80);
            add(c, JZ_REL_HEAD, a, chance(r, 450), sur);
            add(c, JZ_REL_GRANDCHILD, between(r, 3, 17), chance(r, 520), sur);
            return false;
        }
        }
    }
    if (chance(r, 200)) {
        /* Three generations under an elderly head: the head (and spouse),
         * a grown child with a spouse, grandchildren. */
        int a = between(r, 56, 78);
        add(c, JZ_REL_HEAD, a, true, sur);
        if (chance(r, 750))
            add(c, JZ_REL_SPOUSE, clamp(a - 3 + between(r, 0, 5), 50, 90), false, draw_surname(c));
        int b = clamp(a - between(r, 22, 32), 20, 60);
        add(c, JZ_REL_CHILD, b, true, sur);
        if (c->k < n - 1)
            add(c, JZ_REL_OTHER, clamp(b - 2 + between(r, 0, 4), 19, 60), false, draw_surname(c));
        int oldest = clamp(b - 20, 0, 20);
        while (c->k < n)
            add(c, JZ_REL_GRANDCHILD, between(r, 0, oldest), chance(r, 515), sur);
        return false;
    }
    /* A family: head (and spouse), perhaps a parent or grandparent of the
     * head, children. */
    int a = between(r, 24, 62);
    bool single_parent = chance(r, 120);
    bool male = single_parent ? chance(r, 350) : chance(r, 900);
    add(c, JZ_REL_HEAD, a, male, sur);
    if (!single_parent)
        add(c, JZ_REL_SPOUSE, clamp(a - 2 + between(r, 0, 4), 20, 70), !male, draw_surname(c));
    if (n >= 4 && c->k < n - 1 && chance(r, 350))
        add(c, JZ_REL_PARENT, between(r, clamp(a + 20, 45, 95), clamp(a + 36, 45, 95)),
            chance(r, 350), sur);
    if (n >= 5 && c->k < n - 1 && chance(r, 60))
        add(c, JZ_REL_GRANDPARENT, between(r, clamp(a + 42, 70, 98), 98), chance(r, 300), sur);
    add_children(c, n, a, male || chance(r, 400) ? sur : draw_surname(c));
    return false;
}

/* Disability categories and grades (per mille), roughly the shares of the
 * Second National Sample Survey on Disability, and grade 1 the rarest. */
static const uint16_t dis_category_w[] = {149, 240, 17, 290, 67, 74, 163};
static const uint16_t dis_grade_w[] = {120, 200, 280, 400};

static void health(hh *c, jz_member *m, int age)
{
    rng *r = &c->r;
    unsigned dis = age < 18 ? 20 : age < 60 ? 50 : age < 80 ? 110 : 200;
    if (chance(r, dis)) {
        m->disability = (uint8_t)(1 + pick(r, dis_category_w, COUNT(dis_category_w)));
        if (age < 18 && chance(r, 400))
            m->disability = JZ_DIS_INTELLECTUAL;
        m->disability_grade = (uint8_t)(1 + pick(r, dis_grade_w, COUNT(dis_grade_w)));
        m->needs_rehab_or_care = chance(r, 500);
        bool severe = m->disability_grade <= 2 ||
                      (m->disability_grade == 3 &&
                       (m->disability == JZ_DIS_INTELLECTUAL || m->disability == JZ_DIS_MENTAL));
        if (age >= 18 && age < 60 && severe && !m->student_level && chance(r, 300)) {
            m->applies_alone = true;
            m->employment = chance(r, 500) ? JZ_EMP_UNEMPLOYED : JZ_EMP_NONE;
        }
    }
    unsigned ill = age < 18 ? 20 : age < 50 ? 50 : age < 70 ? 140 : 180;
    if (chance(r, ill)) {
        m->under_treatment = true;
        m->serious_illness = chance(r, 300);
        if (m->serious_illness && age >= 18 && chance(r, 150))
            m->applies_alone = true;
    }
    if (age >= 60 || m->disability)
        m->self_care_failed = (uint8_t)(chance(r, 250) ? between(r, 1, 6) : 0);
}

/* Supporter statuses that are not able (R-TK-4), with weights. */
static const uint8_t unable_status[] = {
    JZ_SUP_NO_CAPACITY,   JZ_SUP_ELDERLY_LOW_INCOME,           JZ_SUP_MISSING, JZ_SUP_IMPRISONED,
    JZ_SUP_DIBAO_ELDERLY, JZ_SUP_SEVERE_DISABILITY_LOW_INCOME, JZ_SUP_TEKUN};
static const uint16_t unable_w[] = {200, 250, 120, 80, 200, 100, 50};

static void supporters(hh *c, bool elderly_home)
{
    rng *r = &c->r;
    for (unsigned i = 0; i < c->k; i++) {
        jz_member *m = &c->ms[i];
        int age = jz_date_age(m->birth, c->on);
        bool orphan = m->relation == JZ_REL_GRANDCHILD && c->k == 2;
        bool investigate = (elderly_home && chance(r, 600)) || (age >= 60 && chance(r, 200)) ||
                           (m->disability && chance(r, 300)) || (orphan && chance(r, 600));
        if (!investigate)
            continue;
        m->supporters_known = true;
        if (chance(r, 400))
            continue; /* []: no legal supporter */
        m->n_supporters = (uint8_t)between(r, 1, 4);
        bool all_unable = chance(r, 500);
        for (unsigned s = 0; s < m->n_supporters; s++) {
            uint8_t st = JZ_SUP_ABLE;
            if (all_unable || chance(r, 300))
                st = unable_status[pick(r, unable_w, COUNT(unable_w))];
            if (st != JZ_SUP_ABLE)
                m->supporters_unable |= (uint16_t)(1u << s);
            m->supporter_status |= (uint64_t)st << (4 * s);
        }
    }
}

/*
 * R-TK-4: a record never contradicts its own members.  Every investigated
 * person's list starts with his co-resident legal obligors, each with the
 * status the engine finds for him (jz_assess_coresident: Art 8's category,
 * or able), followed by the supporters drawn above (relatives living
 * elsewhere), at most JZ_MAX_SUPPORTERS in all.  Run last, on the finished
 * household, and without random draws, so that everything else about the
 * household is what it was.  Who is 特困 does not change by it: a candidate
 * the engine keeps has only unable co-resident obligors, so their entries
 * are unable too; one it drops has an able one, now listed as able.
 */
static void coresident_supporters(hh *c)
{
    jz_coresident cr;
    jz_assess_coresident(c->h, &c->co->policy, &cr);
    for (unsigned i = 0; i < c->k; i++) {
        jz_member *m = &c->ms[i];
        if (!m->supporters_known || !cr.obligors[i])
            continue;
        uint64_t status = 0;
        uint16_t unable = 0;
        unsigned n = 0;
        for (uint32_t o = cr.obligors[i]; o && n < JZ_MAX_SUPPORTERS; o &= o - 1, n++) {
            uint8_t st = cr.status[__builtin_ctz(o)];
            status |= (uint64_t)st << (4 * n);
            if (st != JZ_SUP_ABLE)
                unable |= (uint16_t)(1u << n);
        }
        for (unsigned s = 0; s < m->n_supporters && n < JZ_MAX_SUPPORTERS; s++, n++) {
            uint64_t st = (m->supporter_status >> (4 * s)) & 0xFu;
            status |= st << (4 * n);
            if ((m->supporters_unable >> s) & 1u)
                unable |= (uint16_t)(1u << n);
        }
        m->n_supporters = (uint8_t)n;
        m->supporter_status = status;
        m->supporters_unable = unable;
    }
}

/* Income over the window, around W·n·S of the local standard: 33% of
 * households below the 低保 line, 19% between it and 1.5 times it, the rest
 * above (up to 4.5 times).  Returns the household's counted income Y. */
static jz_fen incomes(hh *c, jz_fen line)
{
    rng *r = &c->r;
    unsigned band = below(r, 100);
    jz_fen Y = band < 33   ? scaled(r, line, 50, 999)
               : band < 52 ? scaled(r, line, 1000, 1499)
                           : scaled(r, line, 1500, 4500);
    /* Shared among those who earn: employed adults by wage or business, the
     * retired by pension, else support from relatives. */
    unsigned earners = 0;
    for (unsigned i = 0; i < c->k; i++)
        earners += c->ms[i].employment == JZ_EMP_EMPLOYED || c->ms[i].employment == JZ_EMP_RETIRED;
    jz_fen left = Y;
    for (unsigned i = 0, e = 0; i < c->k && earners; i++) {
        jz_member *m = &c->ms[i];
        if (m->employment != JZ_EMP_EMPLOYED && m->employment != JZ_EMP_RETIRED)
            continue;
        e++;
        jz_fen part = e == earners ? left : scaled(r, left, 300, 800);
        left -= part;
        if (m->employment == JZ_EMP_RETIRED) {
            jz_member_add_income(m, JZ_INC_PENSION, part);
        } else if (chance(r, 150)) {
            jz_member_add_income(m, JZ_INC_BUSINESS_NET, part);
        } else {
            jz_fen side = chance(r, 100) ? scaled(r, part, 50, 200) : 0;
            jz_member_add_income(m, JZ_INC_WAGE, part - side);
            jz_member_add_income(m, JZ_INC_PROPERTY_NET, side);
        }
    }
    if (!earners && Y > 0) {
        static const uint8_t kinds[] = {JZ_INC_SUPPORT_RECEIVED, JZ_INC_OTHER,
                                        JZ_INC_SUPPORT_FROM_SIBLING, JZ_INC_UNEMPLOYMENT_BENEFIT,
                                        JZ_INC_DONATION};
        jz_member_add_income(&c->ms[below(r, c->k)], kinds[below(r, COUNT(kinds))], Y);
    }
    /* Income that is not counted (R-INC-2): the residents' basic pension,
     * 高龄津贴 at 80, scholarships, now and then other assistance. */
    for (unsigned i = 0; i < c->k; i++) {
        jz_member *m = &c->ms[i];
        int age = jz_date_age(m->birth, c->on);
        if (age >= 60 && m->employment != JZ_EMP_RETIRED && chance(r, 850))
            m->income_not_counted += (jz_fen)12 * between(r, 150, 260) * 100;
        if (age >= 80 && chance(r, 600))
            m->income_not_counted += (jz_fen)12 * between(r, 30, 100) * 100;
        if (m->student_level >= JZ_STU_SENIOR && chance(r, 150))
            m->income_not_counted += (jz_fen)between(r, 10, 60) * 10000;
        if (chance(r, 10))
            m->income_not_counted += (jz_fen)between(r, 20, 200) * 10000;
    }
    return Y;
}

/* Expenses: medical bills for those under treatment, rehabilitation and
 * care for the disabled, school costs; and in 15% of homes a heavy bill
 * that is not deductible (what R-RSP-1 looks at). */
static void expenses(hh *c, jz_fen line, jz_fen Y)
{
    rng *r = &c->r;
    for (unsigned i = 0; i < c->k; i++) {
        jz_member *m = &c->ms[i];
        if (m->under_treatment)
            m->expenses[JZ_EXP_MEDICAL] += scaled(r, line, 50, 1200) + between(r, 0, 99);
        if (m->disability && m->needs_rehab_or_care) {
            m->expenses[JZ_EXP_REHAB] += scaled(r, line, 20, 400);
            if (chance(r, 400))
                m->expenses[JZ_EXP_CARE] += scaled(r, line, 50, 500);
        }
        if (m->student_level >= JZ_STU_KINDERGARTEN && chance(r, 450))
            m->expenses[JZ_EXP_EDUCATION] += m->student_level >= JZ_STU_COLLEGE
                                                 ? (jz_fen)between(r, 60, 160) * 10000
                                                 : (jz_fen)between(r, 5, 60) * 10000;
    }
    if (chance(r, 150)) {
        jz_member *m = &c->ms[below(r, c->k)];
        jz_fen bill = scaled(r, Y > 0 ? Y : line, 520, 1100);
        m->expenses[chance(r, 500) ? JZ_EXP_CARE : JZ_EXP_OTHER] += bill / 2;
        m->expenses[JZ_EXP_MEDICAL] += bill - bill / 2; /* not under treatment */
    }
}

/* Assets: mostly little; some too many savings, a car, a house, a business. */
static void assets(hh *c, jz_fen S)
{
    rng *r = &c->r;
    for (unsigned i = 0; i < c->k; i++) {
        jz_member *m = &c->ms[i];
        if (jz_date_age(m->birth, c->on) < 18)
            continue;
        if (chance(r, 600))
            m->financial = scaled(r, S, 0, 8000);
        if (chance(r, 25))
            m->financial += scaled(r, (jz_fen)c->k * S, 36000, 90000);
    }
    jz_member *head = &c->ms[0];
    if (chance(r, 30))
        head->vehicles = 1;
    if (chance(r, 15))
        head->extra_houses = 1;
    if (chance(r, 15))
        head->business = true;
}

/* Absence (R-HH-2), hardship (R-TMP), a current enrolment with newly
 * employed members (R-EXIT-1), a death (R-DEATH-1). */
static void events(hh *c, jz_fen S, jz_fen Y, jz_fen line)
{
    rng *r = &c->r;
    jz_household *h = c->h;
    static const uint16_t absent_w[] = {400, 150, 300, 150};
    for (unsigned i = 1; i < c->k; i++)
        if (jz_date_age(c->ms[i].birth, c->on) >= 16 && chance(r, 18))
            c->ms[i].presence = (uint8_t)(1 + pick(r, absent_w, COUNT(absent_w)));
    for (unsigned i = 0; i < c->k; i++) {
        jz_member *m = &c->ms[i];
        if (jz_date_age(m->birth, c->on) >= 18 && chance(r, 12)) {
            m->hardship = (uint8_t)between(r, 1, JZ_HARD_COUNT - 1);
            if (m->hardship <= JZ_HARD_DISASTER && !m->student_level && chance(r, 600)) {
                m->employment = JZ_EMP_UNEMPLOYED;
                m->months_without_income = (uint16_t)between(r, 1, 12);
                m->unemployment_insured = chance(r, 200);
            }
        }
    }
    /* Households now enrolled are mostly those still below the line. */
    unsigned enrolled = Y < line ? 420 : Y < line * 3 / 2 ? 150 : 30;
    if (chance(r, enrolled)) {
        static const uint16_t prog_w[] = {800, 100, 80, 20};
        h->current_programme = (uint8_t)(JZ_PROG_DIBAO + pick(r, prog_w, COUNT(prog_w)));
        jz_date since = jz_date_add_months(c->on, -between(r, 2, 72));
        h->current_since = jz_date_make(jz_date_year(since), jz_date_month(since), 1);
        if (h->current_programme <= JZ_PROG_DIBAO_EXPENDITURE)
            h->current_amount = scaled(r, (jz_fen)c->k * S, 200, 1000) / 100 * 100;
        for (unsigned i = 0; i < c->k; i++)
            if (c->ms[i].employment == JZ_EMP_EMPLOYED && chance(r, 150))
                c->ms[i].newly_employed = true;
    }
    /* A death is recorded for the oldest member after the head (the head
     * is who the record is kept under). */
    unsigned dies = h->current_programme ? 40 : 3;
    if (c->k > 1 && chance(r, dies)) {
        jz_member *m = &c->ms[1];
        for (unsigned i = 2; i < c->k; i++)
            if (c->ms[i].birth < m->birth)
                m = &c->ms[i];
        jz_date year_ago = jz_date_add_months(c->on, -12);
        jz_date from = m->birth > year_ago ? m->birth : year_ago;
        int32_t span = jz_date_to_days(c->on) - jz_date_to_days(from);
        m->deceased = jz_date_add_days(from, (int32_t)below(r, (uint32_t)span + 1u));
    }
}

void jz_gen_household(const jz_gen *g, uint64_t index, jz_household *out, jz_household_buf *buf)
{
    hh c;
    memset(&c, 0, sizeof c);
    c.g = g;
    c.r.s = mix64(g->seed ^ mix64(index + UINT64_C(0x632be59bd9b4e019)));
    c.on = g->date;
    c.h = out;
    c.ms = buf->members;

    /* Where: the place of index in the township cycle. */
    uint64_t round = index / g->cycle_len;
    uint32_t place = (uint32_t)(index % g->cycle_len);
    const township *t = &g->tw[g->cycle[place]];
    c.co = &g->co[t->county];
    c.l = (uint32_t)(round * c.co->weight) + t->in_county + (place - t->start);
    c.migrant_spouse = c.l % MIGRANT_EVERY == 0 && chance(&c.r, 700);

    memset(out, 0, sizeof *out);
    snprintf(out->household_id, sizeof out->household_id, "H%s-%08llu", c.co->code,
             (unsigned long long)index);
    memcpy(out->region.code, t->code, 9);
    put_digits(out->region.code + 9, 1u + below(&c.r, t->villages), 3);
    out->region.code[12] = '\0';
    out->region.len = 12;
    static const unsigned urban_per_mille[] = {1000, 200, 30, 500};
    out->area = chance(&c.r, urban_per_mille[t->kind]) ? JZ_AREA_URBAN : JZ_AREA_RURAL;
    out->assess_date = g->date;
    out->members = buf->members;

    bool elderly_home = compose(&c);
    out->n_members = c.k;
    for (unsigned i = 0; i < c.k; i++)
        health(&c, &c.ms[i], jz_date_age(c.ms[i].birth, c.on));

    const jz_policy *p = &c.co->policy;
    const jz_fen S = p->standard[out->area];
    const jz_fen line = (jz_fen)p->window_months * (jz_fen)c.k * S;
    jz_fen Y = incomes(&c, line);
    expenses(&c, line, Y);
    assets(&c, S);
    supporters(&c, elderly_home);
    events(&c, S, Y, line);
    coresident_supporters(&c);
}
