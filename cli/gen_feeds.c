/*
 * gen_feeds.c - `jiuzhu gen --format feeds DIR`: the departments' files
 * (docs/feeds.md) for the households of the same generator run (same seed,
 * region and date), with a known number of planted warning signals listed in
 * DIR/planted.csv, so that monitoring can be checked to find every one and
 * nothing else.
 *
 * Per household (deterministic in the seed and its number):
 *   - noise: small medical settlements (at most 300.00 yuan each, at most
 *     `rows` per household, so never near the threshold), pensions of
 *     retirees, housing ratings A or B, premium subsidies: none fires;
 *   - with a probability, one planted signal on one member: medical costs at
 *     or over the county's monitor.medical.threshold within the 12 months,
 *     unemployment, disaster relief, a grade 1-2 disability, a serious
 *     illness (A when the household receives a programme now, B otherwise);
 *     for households receiving a programme, a vehicle (D) or a school
 *     enrolment (A); a death: of a 低保 recipient (D, R-DEATH-1), else of
 *     the main earner when others remain (B), from 公安, 殡葬 or both;
 *     the departments of issue 11: deposits over the limit, a marriage or
 *     divorce, housing fund deposits, a pension or a contribution base over
 *     the thresholds (D) for households receiving a programme; a 工会 困难
 *     职工 or a 困难退役军人 (B) for the others; a traffic accident (A or B);
 *   - every 50th household also brings a person from outside Shanxi's
 *     registry (a Beijing ID number) with medical costs over the threshold (B);
 *     every 500th's is also unemployed and hit by a disaster: three B and, for
 *     the three at once, a C.
 * Dates are within the 12 months before the run's date, so `jiuzhu monitor
 * run --date DATE` sees them all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "jiuzhu/jz_feed.h"
#include "jiuzhu/jz_gen.h"
#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_monitor.h"

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r)
{
    r->s = mix(r->s);
    return r->s;
}

typedef struct out {
    FILE *f[JZ_DEPT_COUNT];
    FILE *planted;
    jz_outfile *o[JZ_DEPT_COUNT + 1]; /* the departments', then planted.csv */
    uint64_t rows, signals;
    jz_date on;
} out;

static void date_before(rng *r, jz_date on, int max_days, char *b)
{
    jz_date d = jz_date_add_days(on, -(int32_t)(1 + next(r) % (uint64_t)max_days));
    jz_date_format(d, b, JZ_DATE_BUF);
}

static void money(jz_fen v, char *b)
{
    jz_money_format(v, b, JZ_MONEY_BUF);
}

static void plant(out *o, jz_indicator ind, int category, const char *id)
{
    fprintf(o->planted, "%s,%c,%s\n", jz_indicator_names[ind], jz_alert_letters[category], id);
    o->signals++;
}

/* A valid ID number outside Shanxi (东城区, Beijing) for number k. */
static void outsider_id(uint64_t k, char id[JZ_IDNUM_BUF])
{
    char first17[18];
    int year = 1950 + (int)(k % 50), month = 1 + (int)(k / 50 % 12), day = 1 + (int)(k / 600 % 28);
    snprintf(first17, sizeof first17, "110101%04d%02d%02d%03d", year, month, day,
             (int)(k / 16800 % 1000));
    snprintf(id, JZ_IDNUM_BUF, "%s%c", first17, jz_idnum_check_char(first17));
}

static void household(out *o, const jz_household *h, const jz_policy *p, uint64_t index,
                      uint64_t seed, int rows)
{
    rng r = {mix(seed ^ mix(index ^ 0xFEEDull))};
    char d[JZ_DATE_BUF], m[JZ_MONEY_BUF], m2[JZ_MONEY_BUF];
    const jz_member *mem = h->members;
    uint32_t n = h->n_members;
    if (n == 0)
        return;
    bool enrolled = h->current_programme != JZ_PROG_NONE;
    int help = enrolled ? JZ_ALERT_A : JZ_ALERT_B;
    /* Noise. */
    int k = (int)(next(&r) % (uint64_t)(rows + 1));
    for (int i = 0; i < k; i++) {
        const jz_member *x = &mem[next(&r) % n];
        const char *name = x->name ? x->name : "某人";
        switch (next(&r) % 4) {
        case 0: {
            jz_fen oop = (jz_fen)(1000 + next(&r) % 29000); /* 10.00 .. 300.00 */
            date_before(&r, o->on, 330, d);
            money(oop + (jz_fen)(next(&r) % 50000), m);
            money(oop, m2);
            fprintf(o->f[JZ_DEPT_MEDICAL], "%s,%s,settlement,%s,%s,%s\n", x->id, name, d, m, m2);
            break;
        }
        case 1:
        case 2:
            if (x->employment == JZ_EMP_RETIRED) {
                date_before(&r, o->on, 330, d);
                money((jz_fen)(100000 + next(&r) % 200000), m);
                fprintf(o->f[JZ_DEPT_HRSS], "%s,%s,pension,%s,%s\n", x->id, name, d, m);
                break;
            }
            date_before(&r, o->on, 330, d);
            fprintf(o->f[JZ_DEPT_HOUSING], "%s,%s,%c,%s\n", x->id, name,
                    next(&r) % 2 ? 'A' : 'B', d);
            break;
        default:
            date_before(&r, o->on, 150, d);
            money(38000, m);
            fprintf(o->f[JZ_DEPT_MEDICAL], "%s,%s,premium_subsidy,%s,%s,\n", x->id, name, d, m);
            break;
        }
        o->rows++;
    }
    /* One planted signal, on one member. */
    const jz_member *x = &mem[next(&r) % n];
    const char *name = x->name ? x->name : "某人";
    uint64_t u = next(&r) % 10000;
    date_before(&r, o->on, 300, d);
    if (u < 200) {
        jz_fen t = p->mon_medical_threshold;
        /* Two settlements, never the same row (they would be one). */
        jz_fen a1 = t / 2 + (jz_fen)(next(&r) % 1000) * 100, a2 = t - a1 + 100;
        money(a1, m);
        fprintf(o->f[JZ_DEPT_MEDICAL], "%s,%s,settlement,%s,%s,%s\n", x->id, name, d, m, m);
        date_before(&r, o->on, 300, d);
        money(a2, m);
        fprintf(o->f[JZ_DEPT_MEDICAL], "%s,%s,settlement,%s,%s,%s\n", x->id, name, d, m, m);
        o->rows += 2;
        plant(o, JZ_IND_MEDICAL_SPIKE, help, x->id);
    } else if (u < 400) {
        fprintf(o->f[JZ_DEPT_HRSS], "%s,%s,unemployment_registration,%s,\n", x->id, name, d);
        o->rows++;
        plant(o, JZ_IND_UNSTABLE_INCOME, help, x->id);
    } else if (u < 500) {
        money((jz_fen)(100000 + next(&r) % 500000), m);
        fprintf(o->f[JZ_DEPT_EMERGENCY], "%s,%s,洪涝,%s,%s\n", x->id, name, d, m);
        o->rows++;
        plant(o, JZ_IND_DISASTER_LOSS, help, x->id);
    } else if (u < 600) {
        fprintf(o->f[JZ_DEPT_DISABILITY], "%s,%s,limb,%d,%s,\n", x->id, name,
                1 + (int)(next(&r) % 2), d);
        o->rows++;
        plant(o, JZ_IND_SEVERE_DISABILITY, help, x->id);
    } else if (u < 700) {
        fprintf(o->f[JZ_DEPT_HEALTH], "%s,%s,恶性肿瘤,%s\n", x->id, name, d);
        o->rows++;
        plant(o, JZ_IND_SERIOUS_ILLNESS, help, x->id);
    } else if (u < 900 && enrolled) {
        fprintf(o->f[JZ_DEPT_VEHICLE], "%s,%s,小型轿车,%s\n", x->id, name, d);
        o->rows++;
        plant(o, JZ_IND_VEHICLE, JZ_ALERT_D, x->id);
    } else if (u < 950) {
        /* A death (R-DEATH-1 for 低保 recipients only; an income drop when
         * the main earner of another household dies and others remain),
         * from 公安, from 殡葬, or from both (one death, one alert). */
        bool dibao = h->current_programme == JZ_PROG_DIBAO ||
                     h->current_programme == JZ_PROG_DIBAO_EXPENDITURE;
        const jz_member *who = x;
        if (!dibao) {
            jz_fen top = 0;
            who = NULL;
            for (uint32_t i = 0; i < n; i++) {
                jz_fen own = mem[i].income[JZ_INC_WAGE] + mem[i].income[JZ_INC_BUSINESS_NET];
                if (own > top) {
                    top = own;
                    who = &mem[i];
                }
            }
            uint32_t others = 0;
            for (uint32_t i = 0; who && i < n; i++)
                others += &mem[i] != who && mem[i].deceased == JZ_DATE_NONE &&
                          mem[i].presence == JZ_PRES_PRESENT;
            if (!others)
                who = NULL; /* nobody's income drops */
        }
        if (who) {
            const char *wn = who->name ? who->name : "某人";
            uint64_t how = next(&r) % 3;
            if (how != 1)
                fprintf(o->f[JZ_DEPT_DEATH], "%s,%s,%s\n", who->id, wn, d);
            if (how != 0)
                fprintf(o->f[JZ_DEPT_FUNERAL], "%s,%s,%s,县殡仪馆\n", who->id, wn, d);
            o->rows += how == 2 ? 2 : 1;
            plant(o, dibao ? JZ_IND_RECIPIENT_DEATH : JZ_IND_EARNER_DEATH,
                  dibao ? JZ_ALERT_D : JZ_ALERT_B, who->id);
        }
    } else if (u < 1000 && enrolled) {
        fprintf(o->f[JZ_DEPT_EDUCATION], "%s,%s,primary,%s\n", x->id, name, d);
        o->rows++;
        plant(o, JZ_IND_SCHOOL_ENTRY, JZ_ALERT_A, x->id);
    } else if (u < 1050 && enrolled && h->current_programme < JZ_PROG_COUNT) {
        /* Deposits over the household's limit (R-AST-1): one member's
         * balance, 1000.00 yuan over counted persons x months x S. */
        int months = h->current_programme == JZ_PROG_DIBAO              ? p->dibao_assets_months
                     : h->current_programme == JZ_PROG_DIBAO_EXPENDITURE ? p->exp_assets_months
                                                                         : p->marg_assets_months;
        jz_fen limit = (jz_fen)n * months * p->standard[h->area < JZ_AREA_COUNT ? h->area : 0];
        money(limit + 100000, m);
        fprintf(o->f[JZ_DEPT_BANK], "%s,%s,中国农业银行,%s,%s\n", x->id, name, d, m);
        o->rows++;
        plant(o, JZ_IND_DEPOSITS, JZ_ALERT_D, x->id);
    } else if (u < 1100) {
        if (enrolled) {
            fprintf(o->f[JZ_DEPT_MARRIAGE], "%s,%s,%s,%s\n", x->id, name,
                    next(&r) % 2 ? "marriage" : "divorce", d);
            plant(o, JZ_IND_MARITAL_CHANGE, JZ_ALERT_D, x->id);
        } else {
            fprintf(o->f[JZ_DEPT_UNION], "%s,%s,某某机械厂,%s\n", x->id, name, d);
            plant(o, JZ_IND_UNION_HARDSHIP, JZ_ALERT_B, x->id);
        }
        o->rows++;
    } else if (u < 1150) {
        if (enrolled) {
            money(p->mon_housing_fund_threshold + 100 + (jz_fen)(next(&r) % 50000), m);
            fprintf(o->f[JZ_DEPT_HOUSING_FUND], "%s,%s,某某公司,%s,%s\n", x->id, name, d, m);
            plant(o, JZ_IND_HOUSING_FUND, JZ_ALERT_D, x->id);
        } else {
            fprintf(o->f[JZ_DEPT_VETERANS], "%s,%s,因病致困,%s\n", x->id, name, d);
            plant(o, JZ_IND_VETERAN_HARDSHIP, JZ_ALERT_B, x->id);
        }
        o->rows++;
    } else if (u < 1200) {
        fprintf(o->f[JZ_DEPT_TRAFFIC], "%s,%s,%s,%s,\n", x->id, name, d,
                next(&r) % 4 ? "injured" : "killed");
        o->rows++;
        plant(o, JZ_IND_TRAFFIC_ACCIDENT, help, x->id);
    } else if (u < 1250 && enrolled) {
        money(p->mon_pension_threshold + 100 + (jz_fen)(next(&r) % 100000), m);
        fprintf(o->f[JZ_DEPT_PENSION], "%s,%s,employee_pension,%s,%s\n", x->id, name, d, m);
        o->rows++;
        plant(o, JZ_IND_PENSION, JZ_ALERT_D, x->id);
    } else if (u < 1300 && enrolled) {
        money(p->mon_pension_contribution_threshold + 100 + (jz_fen)(next(&r) % 100000), m);
        fprintf(o->f[JZ_DEPT_PENSION], "%s,%s,contribution,%s,%s\n", x->id, name, d, m);
        o->rows++;
        plant(o, JZ_IND_PENSION_CONTRIBUTION, JZ_ALERT_D, x->id);
    }
    if (index % 50 == 49) {
        char id[JZ_IDNUM_BUF];
        outsider_id(index / 50, id);
        date_before(&r, o->on, 300, d);
        money(p->mon_medical_threshold + (jz_fen)(next(&r) % 1000000), m);
        fprintf(o->f[JZ_DEPT_MEDICAL], "%s,外来务工人员,settlement,%s,%s,%s\n", id, d, m, m);
        o->rows++;
        plant(o, JZ_IND_MEDICAL_SPIKE, JZ_ALERT_B, id);
        if (index % 500 == 499) {
            /* Every tenth of them is also unemployed and hit by a disaster:
             * three difficulties at once, for the county (C). */
            date_before(&r, o->on, 300, d);
            fprintf(o->f[JZ_DEPT_HRSS], "%s,外来务工人员,unemployment_registration,%s,\n", id, d);
            date_before(&r, o->on, 300, d);
            fprintf(o->f[JZ_DEPT_EMERGENCY], "%s,外来务工人员,地震,%s,2000.00\n", id, d);
            o->rows += 2;
            plant(o, JZ_IND_UNSTABLE_INCOME, JZ_ALERT_B, id);
            plant(o, JZ_IND_DISASTER_LOSS, JZ_ALERT_B, id);
            plant(o, JZ_IND_COMPLEX, JZ_ALERT_C, id);
        }
    }
}

/* Opens DIR/NAME through jz_outfile (its stream in *f). */
static int open_file(const char *dir, const char *name, bool force, jz_outfile **o, FILE **f)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int status = cli_out_open("jiuzhu gen", "输出文件", path, NULL, force, o);
    if (!status && !(*f = jz_outfile_stream(*o))) {
        fputs("jiuzhu gen: 内存不足\n", stderr);
        status = EXIT_INPUT;
    }
    return status;
}

int cli_gen_feeds(const jz_gen *g, jz_household_buf *buf, uint64_t households, uint64_t seed,
                  jz_date on, const char *dir, int rows, bool force, uint64_t *rows_out,
                  uint64_t *signals)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "jiuzhu gen: 无法建立目录 %s：%s\n", dir, strerror(errno));
        return EXIT_INPUT;
    }
    out o;
    memset(&o, 0, sizeof o);
    o.on = on;
    int status = EXIT_DONE;
    for (int d = 0; d < JZ_DEPT_COUNT && !status; d++) {
        char name[64];
        snprintf(name, sizeof name, "%s.csv", jz_dept_names[d]);
        if (!(status = open_file(dir, name, force, &o.o[d], &o.f[d])))
            fprintf(o.f[d], "%s\n", jz_feed_header((jz_dept)d));
    }
    if (!status &&
        !(status = open_file(dir, "planted.csv", force, &o.o[JZ_DEPT_COUNT], &o.planted)))
        fputs("indicator,category,id_number\n", o.planted);
    for (uint64_t i = 0; i < households && !status; i++) {
        jz_household h;
        jz_gen_household(g, i, &h, buf);
        const jz_policy *p = jz_gen_policy(g, &h);
        if (p)
            household(&o, &h, p, i, seed, rows);
    }
    /* All the files appear, complete, or none does. */
    for (int d = 0; d <= JZ_DEPT_COUNT; d++) {
        if (!o.o[d])
            continue;
        if (!status)
            status = cli_out_commit("jiuzhu gen", "输出文件", o.o[d]);
        else
            jz_outfile_abort(o.o[d]);
    }
    *rows_out = o.rows;
    *signals = o.signals;
    return status;
}
