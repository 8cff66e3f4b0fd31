/*
 * monitor.c - the warning indicators of R-MON-2 on one person's department
 * rows, and the category of R-MON-3 each alert takes.  Pure: no I/O, no
 * allocation.
 *
 * Every indicator looks at the rows dated within the medical window
 * (monitor.medical.window_months, 12) before the run date: recent events
 * raise alerts, old ones have been handled by earlier runs.
 *
 * No alert twice for the same facts (issue 11).  An alert's identity is its
 * indicator, its person and its evidence rows, and the caller says what
 * earlier runs raised (jz_monitor_history):
 *   - a row that an alert of an indicator already has never counts again for
 *     that indicator, whether that alert is open or resolved;
 *   - while an alert of the indicator is open, new rows are added to it (an
 *     alert with `extends` set): nothing new is raised;
 *   - once it is resolved, only rows no earlier alert of the indicator has
 *     can raise a new one, and for the sum-based medical indicator they must
 *     reach the threshold (or the income share) on their own: the settlements
 *     an earlier alert counted have been handled, and counting them again
 *     would raise the same spike twice as the 12-month window slides;
 *   - a person dies once: the death rows of the other departments (公安,
 *     殡葬) are added to an open death alert, and after one was resolved they
 *     raise nothing;
 *   - alerts without rows: double_enrolment once per person; no_premium
 *     once per person and year, and never while one is open.
 */
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_monitor.h"

const char *const jz_indicator_names[JZ_IND_COUNT] = {
    "medical_spike",    "earner_death",     "unstable_income",  "disaster_loss",
    "severe_disability", "serious_illness", "school_entry",     "recipient_death",
    "property",         "vehicle",          "business",         "payroll",
    "imprisoned",       "no_premium",       "complex",          "double_enrolment",
    "deposits",         "union_hardship",   "veteran_hardship", "marital_change",
    "housing_fund",     "pension",          "pension_contribution", "traffic_accident",
    "ineligible_recipient"};
const char *const jz_indicator_zh[JZ_IND_COUNT] = {
    "支出骤增",           "收入骤减（主要劳动力死亡）", "收入不稳定（登记失业）",
    "财产重大损失（受灾）", "新增重度残疾",               "新增重特大疾病",
    "学生入学",           "救助对象死亡",               "新登记不动产",
    "新登记车辆",         "新登记市场主体",             "财政供养人员",
    "服刑",               "特困人员未享受参保资助",     "多重困难",
    "重复享受（特困与低保）", "存款超过财产限额",       "工会困难职工",
    "困难退役军人",       "婚姻状况变化",               "缴存住房公积金",
    "领取养老金",         "缴纳养老保险费",             "道路交通事故受害",
    "存量救助对象不再符合条件"};
const char jz_alert_letters[4] = {'A', 'B', 'C', 'D'};
const char *const jz_alert_category_zh[4] = {"政策未落实", "可能符合条件未纳入",
                                             "情况复杂（县级一事一议）", "可能不再符合条件"};

const char *jz_alert_action_zh(const char *action)
{
    static const char *const t[][2] = {{"assign", "分派"},   {"verify", "核实"},
                                       {"refer", "转介"},    {"feedback", "部门反馈"},
                                       {"resolve", "办结"},  {"evidence", "追加依据"}};
    for (size_t i = 0; action && i < sizeof t / sizeof t[0]; i++)
        if (strcmp(action, t[i][0]) == 0)
            return t[i][1];
    return action ? action : "";
}

const char *jz_alert_outcome_zh(const char *outcome)
{
    static const char *const t[][2] = {{"enrolled", "已纳入救助"},
                                       {"referred", "已转介"},
                                       {"terminated", "已终止救助"},
                                       {"no_action", "无需处理"}};
    for (size_t i = 0; outcome && i < sizeof t / sizeof t[0]; i++)
        if (strcmp(outcome, t[i][0]) == 0)
            return t[i][1];
    return outcome ? outcome : "";
}

#define BIT(k) (UINT32_C(1) << (k))

typedef struct ctx {
    const jz_monitor_person *who;
    const jz_feed_row *rows;
    size_t n;
    jz_date from, on; /* the window: from < date <= on */
    const jz_monitor_history *h;
    jz_alert *out;
    size_t n_out;
} ctx;

static bool in_window(const ctx *x, const jz_feed_row *r)
{
    return r->date > x->from && r->date <= x->on;
}

/* Whether an alert of indicator ind already has row i. */
static bool covered(const ctx *x, size_t i, jz_indicator ind)
{
    return x->h && x->h->covered && (x->h->covered[i] & BIT(ind));
}

static int64_t open_alert(const ctx *x, jz_indicator ind)
{
    return x->h ? x->h->open[ind] : 0;
}

static bool ever(const ctx *x, jz_indicator ind)
{
    return x->h && (x->h->raised & BIT(ind));
}

/* A new alert, or the addition to the open alert of the indicator (which
 * keeps its category). */
static jz_alert *raise(ctx *x, jz_indicator ind, int category, int severity, int dept)
{
    if (x->n_out >= JZ_MONITOR_ALERTS_MAX)
        return NULL;
    jz_alert *a = &x->out[x->n_out++];
    memset(a, 0, sizeof *a);
    a->indicator = (uint8_t)ind;
    a->category = (uint8_t)category;
    a->severity = (uint8_t)severity;
    a->dept = (uint8_t)dept;
    a->due_from = JZ_DATE_NONE;
    a->extends = open_alert(x, ind);
    if (a->extends)
        a->category = x->h->open_category[ind];
    return a;
}

static void add_evidence(jz_alert *a, size_t i)
{
    if (a->n_evidence < JZ_ALERT_EVIDENCE_MAX)
        a->evidence[a->n_evidence++] = i;
}

/* A row test beside the event (NULL: every row of the events). */
typedef bool (*row_test)(const jz_feed_row *r, jz_fen arg);

static bool severe_grade(const jz_feed_row *r, jz_fen arg)
{
    (void)arg;
    return r->level >= 1 && r->level <= 2; /* only a severe (grade 1-2) disability */
}

static bool over(const jz_feed_row *r, jz_fen threshold)
{
    return r->amount > threshold;
}

/* One alert (or one addition) of the indicator for the rows of the events
 * in the window that no alert of the indicator has yet. */
static jz_alert *by_rows(ctx *x, uint32_t events, row_test test, jz_fen targ, jz_indicator ind,
                         int category, int severity, int dept, const char *what)
{
    jz_alert *a = NULL;
    for (size_t i = 0; i < x->n; i++) {
        const jz_feed_row *r = &x->rows[i];
        if (!(events & BIT(r->event)) || !in_window(x, r) || covered(x, i, ind))
            continue;
        if (test && !test(r, targ))
            continue;
        if (!a && !(a = raise(x, ind, category, severity, dept)))
            return NULL;
        add_evidence(a, i);
        char d[JZ_DATE_BUF], m[JZ_MONEY_BUF] = "";
        jz_date_format(r->date, d, sizeof d);
        if (r->amount)
            jz_money_format(r->amount, m, sizeof m);
        snprintf(a->detail, sizeof a->detail, "%s：%s %s%s%s%s%s%s", what, d, jz_dept_zh[r->dept],
                 r->code[0] ? " " : "", r->code, m[0] ? " " : "", m, m[0] ? " 元" : "");
    }
    return a;
}

static jz_alert *by_event(ctx *x, jz_event ev, jz_indicator ind, int category, int severity,
                          int dept, const char *what)
{
    return by_rows(x, BIT(ev), ev == JZ_EV_DISABILITY_ISSUED ? severe_grade : NULL, 0, ind,
                   category, severity, dept, what);
}

static void medical(ctx *x, const jz_policy *p)
{
    jz_fen sum = 0;
    jz_alert tmp;
    memset(&tmp, 0, sizeof tmp);
    for (size_t i = 0; i < x->n; i++)
        if (x->rows[i].event == JZ_EV_MEDICAL_SETTLEMENT && in_window(x, &x->rows[i]) &&
            !covered(x, i, JZ_IND_MEDICAL_SPIKE)) {
            sum += x->rows[i].amount;
            add_evidence(&tmp, i);
        }
    if (sum <= 0)
        return;
    jz_fen t = p->mon_medical_threshold;
    jz_fen y = x->who->yearly_income;
    char m[JZ_MONEY_BUF], tm[JZ_MONEY_BUF], ym[JZ_MONEY_BUF];
    jz_money_format(sum, m, sizeof m);
    jz_money_format(t, tm, sizeof tm);
    jz_money_format(y, ym, sizeof ym);
    if (open_alert(x, JZ_IND_MEDICAL_SPIKE)) {
        /* More costs while the spike is being handled: the same alert. */
        jz_alert *a = raise(x, JZ_IND_MEDICAL_SPIKE, JZ_ALERT_B, sum >= 2 * t ? 3 : 2,
                            JZ_DEPT_MEDICAL);
        if (!a)
            return;
        a->n_evidence = tmp.n_evidence;
        memcpy(a->evidence, tmp.evidence, sizeof tmp.evidence);
        a->amount = sum;
        snprintf(a->detail, sizeof a->detail, "新增个人自付医疗费用 %s 元", m);
        return;
    }
    const jz_ratio *s = &p->mon_medical_income_share;
    /* sum >= share x Y, exactly: sum x den >= num x Y (128-bit products). */
    bool by_share = y > 0 && s->den > 0 &&
                    (__int128)sum * s->den >= (__int128)s->num * (__int128)y;
    if (sum < t && !by_share)
        return;
    jz_alert *a = raise(x, JZ_IND_MEDICAL_SPIKE, x->who->enrolled ? JZ_ALERT_A : JZ_ALERT_B,
                        sum >= 2 * t ? 3 : 2, JZ_DEPT_MEDICAL);
    if (!a)
        return;
    a->n_evidence = tmp.n_evidence;
    memcpy(a->evidence, tmp.evidence, sizeof tmp.evidence);
    a->amount = sum;
    if (sum >= t)
        snprintf(a->detail, sizeof a->detail, "%d 个月内个人自付医疗费用 %s 元，达到预警线 %s 元",
                 p->mon_medical_window_months, m, tm);
    else
        snprintf(a->detail, sizeof a->detail,
                 "%d 个月内个人自付医疗费用 %s 元，达到家庭年收入 %s 元的预警比例",
                 p->mon_medical_window_months, m, ym);
}

/* Deaths (公安's death rows and 殡葬's records alike).  R-DEATH-1 concerns
 * 低保 recipients only: their death is a D alert due death.check_months
 * after the death date.  A 特困 person's death is a D alert with the
 * ordinary deadline (his own support ends with the month of death).  A
 * death in any other household is an income drop (B) when he was its main
 * earner and others remain; a one-person household's death is nobody's. */
static void deaths(ctx *x, const jz_policy *p)
{
    const jz_monitor_person *w = x->who;
    const uint32_t ev = BIT(JZ_EV_DEATH) | BIT(JZ_EV_FUNERAL);
    jz_indicator ind;
    int category;
    bool r_death_1 = false;
    char what[200];
    if (w->tekun) {
        ind = JZ_IND_RECIPIENT_DEATH;
        category = JZ_ALERT_D;
        snprintf(what, sizeof what, "特困人员死亡，供养至死亡当月止，核查终止供养");
    } else if (w->dibao) {
        ind = JZ_IND_RECIPIENT_DEATH;
        category = JZ_ALERT_D;
        r_death_1 = true;
        snprintf(what, sizeof what,
                 "低保对象死亡，应自死亡之日起 %d 个月内核查家庭状况并增发、减发或停发（R-DEATH-1）",
                 p->death_check_months);
    } else if (w->in_registry && w->main_earner && w->others_living) {
        ind = JZ_IND_EARNER_DEATH;
        category = JZ_ALERT_B;
        snprintf(what, sizeof what, "家庭主要劳动力死亡，家庭收入骤减");
    } else {
        return;
    }
    /* A person dies once: rows of the death go to the open death alert, of
     * whichever indicator; after it was resolved they raise nothing. */
    if (open_alert(x, JZ_IND_EARNER_DEATH))
        ind = JZ_IND_EARNER_DEATH;
    else if (open_alert(x, JZ_IND_RECIPIENT_DEATH))
        ind = JZ_IND_RECIPIENT_DEATH;
    else if (ever(x, JZ_IND_EARNER_DEATH) || ever(x, JZ_IND_RECIPIENT_DEATH))
        return;
    jz_alert *a = NULL;
    jz_date first = JZ_DATE_NONE;
    for (size_t i = 0; i < x->n; i++) {
        const jz_feed_row *r = &x->rows[i];
        if (!(ev & BIT(r->event)) || !in_window(x, r) || covered(x, i, JZ_IND_EARNER_DEATH) ||
            covered(x, i, JZ_IND_RECIPIENT_DEATH))
            continue;
        if (!a && !(a = raise(x, ind, category, 3, JZ_DEPT_CIVIL)))
            return;
        add_evidence(a, i);
        if (first == JZ_DATE_NONE || r->date < first)
            first = r->date;
        char d[JZ_DATE_BUF];
        jz_date_format(r->date, d, sizeof d);
        /* Cut to fit: the detail is for reading; the rows are the facts. */
        if (snprintf(a->detail, sizeof a->detail, "%s：%s %s%s%s", a->extends ? "死亡信息" : what,
                     d, jz_dept_zh[r->dept], r->code[0] ? " " : "", r->code) < 0)
            a->detail[0] = '\0';
    }
    if (a && !a->extends && r_death_1)
        a->due_from = first;
}

/* Deposits over the limit of the household's unit (R-AST-1), on the member
 * who holds the largest balance: one alert per household. */
static void deposits(ctx *x)
{
    const jz_monitor_person *w = x->who;
    bool open = open_alert(x, JZ_IND_DEPOSITS) != 0;
    if (!w->enrolled || !w->deposit_holder || w->deposit_limit <= 0)
        return;
    if (!open && w->household_deposits <= w->deposit_limit)
        return;
    jz_alert *a = by_rows(x, BIT(JZ_EV_BANK_DEPOSIT), NULL, 0, JZ_IND_DEPOSITS, JZ_ALERT_D, 2,
                          JZ_DEPT_CIVIL, "银行存款");
    if (!a)
        return;
    char t[JZ_MONEY_BUF], l[JZ_MONEY_BUF];
    jz_money_format(w->household_deposits, t, sizeof t);
    jz_money_format(w->deposit_limit, l, sizeof l);
    snprintf(a->detail, sizeof a->detail,
             "家庭存款合计 %s 元，%s金融资产限额 %s 元（R-AST-1），核查是否仍符合条件", t,
             w->household_deposits > w->deposit_limit ? "超过" : "未超过", l);
    a->amount = w->household_deposits;
}

/* The alerts of category B (new, or added to) and the open ones: three
 * difficulties or more at once go to the county (C).  A new C needs three
 * indicators among rows no C alert has yet; an open one takes the rows it
 * lacks. */
static void complex_alert(ctx *x)
{
    uint32_t inds = 0, fresh = 0;
    jz_alert merged;
    memset(&merged, 0, sizeof merged);
    uint8_t from_ind[JZ_ALERT_EVIDENCE_MAX];
    for (size_t i = 0; i < x->n_out; i++) {
        const jz_alert *a = &x->out[i];
        if (a->category != JZ_ALERT_B)
            continue;
        inds |= BIT(a->indicator);
        for (size_t k = 0; k < a->n_evidence; k++)
            if (!covered(x, a->evidence[k], JZ_IND_COMPLEX) &&
                merged.n_evidence < JZ_ALERT_EVIDENCE_MAX) {
                from_ind[merged.n_evidence] = a->indicator;
                add_evidence(&merged, a->evidence[k]);
            }
    }
    if (x->h) {
        for (int k = 0; k < JZ_IND_COUNT; k++) {
            if (!x->h->open[k] || x->h->open_category[k] != JZ_ALERT_B || k == JZ_IND_COMPLEX)
                continue;
            inds |= BIT(k);
            for (size_t i = 0; x->h->open_covered && i < x->n; i++)
                if ((x->h->open_covered[i] & BIT(k)) && !covered(x, i, JZ_IND_COMPLEX) &&
                    merged.n_evidence < JZ_ALERT_EVIDENCE_MAX) {
                    bool dup = false;
                    for (size_t j = 0; j < merged.n_evidence; j++)
                        dup |= merged.evidence[j] == i;
                    if (!dup) {
                        from_ind[merged.n_evidence] = (uint8_t)k;
                        add_evidence(&merged, i);
                    }
                }
        }
    }
    for (size_t j = 0; j < merged.n_evidence; j++)
        fresh |= BIT(from_ind[j]);
    int b = __builtin_popcount(inds);
    if (b < 3 || merged.n_evidence == 0)
        return;
    if (!open_alert(x, JZ_IND_COMPLEX) && __builtin_popcount(fresh) < 3)
        return;
    jz_alert *a = raise(x, JZ_IND_COMPLEX, JZ_ALERT_C, 3, JZ_DEPT_CIVIL);
    if (!a)
        return;
    a->n_evidence = merged.n_evidence;
    memcpy(a->evidence, merged.evidence, sizeof merged.evidence);
    snprintf(a->detail, sizeof a->detail, "同时出现 %d 项困难预警，提交县级一事一议", b);
}

size_t jz_monitor_person_eval(const jz_monitor_person *who, const jz_feed_row *rows, size_t n,
                              const jz_policy *p, jz_date on, const jz_monitor_history *h,
                              jz_alert *out)
{
    ctx x = {who, rows, n, jz_date_add_months(on, -p->mon_medical_window_months), on, h, out, 0};
    bool enrolled = who->enrolled;
    int help = enrolled ? JZ_ALERT_A : JZ_ALERT_B;
    medical(&x, p);
    deaths(&x, p);
    by_event(&x, JZ_EV_UNEMPLOYMENT_REGISTERED, JZ_IND_UNSTABLE_INCOME, help, 2, JZ_DEPT_HRSS,
             enrolled ? "登记失业，应落实就业救助" : "登记失业，收入不稳定");
    by_event(&x, JZ_EV_DISASTER_RELIEF, JZ_IND_DISASTER_LOSS, help, 2,
             enrolled ? JZ_DEPT_CIVIL : JZ_DEPT_EMERGENCY,
             enrolled ? "受灾，应落实临时救助" : "受灾获得救助，可能陷入困难");
    by_event(&x, JZ_EV_DISABILITY_ISSUED, JZ_IND_SEVERE_DISABILITY, help, 2, JZ_DEPT_DISABILITY,
             enrolled ? "新增重度残疾，应核查分类施保或单独施保" : "新增重度残疾");
    by_event(&x, JZ_EV_SERIOUS_ILLNESS, JZ_IND_SERIOUS_ILLNESS, help, 2, JZ_DEPT_HEALTH,
             enrolled ? "新增重特大疾病，应落实医疗救助和分类施保" : "新增重特大疾病");
    /* R-TMP-2: a traffic accident is a sudden hardship (temporary
     * assistance, 民政's); for a recipient a policy to deliver. */
    jz_alert *t = by_event(&x, JZ_EV_TRAFFIC_ACCIDENT, JZ_IND_TRAFFIC_ACCIDENT, help, 2,
                           JZ_DEPT_CIVIL,
                           enrolled ? "道路交通事故受害，应落实临时救助（R-TMP-2）"
                                    : "道路交通事故受害，可能陷入急难（R-TMP-2，临时救助）");
    for (size_t k = 0; t && k < t->n_evidence; k++)
        if (strcmp(rows[t->evidence[k]].code, "killed") == 0)
            t->severity = 3;
    if (!enrolled) {
        /* seed 001 三(三), 三(五): 困难退役军人, 工会困难职工 not in any
         * assistance: 民政 assesses them (低保, 低保边缘, 临时救助). */
        by_event(&x, JZ_EV_UNION_HARDSHIP, JZ_IND_UNION_HARDSHIP, JZ_ALERT_B, 2, JZ_DEPT_CIVIL,
                 "工会困难职工，未纳入社会救助");
        by_event(&x, JZ_EV_VETERAN_HARDSHIP, JZ_IND_VETERAN_HARDSHIP, JZ_ALERT_B, 2,
                 JZ_DEPT_CIVIL, "困难退役军人，未纳入社会救助");
    }
    if (enrolled) {
        by_event(&x, JZ_EV_SCHOOL_ENROLMENT, JZ_IND_SCHOOL_ENTRY, JZ_ALERT_A, 1,
                 JZ_DEPT_EDUCATION, "学生入学，应落实教育救助");
        by_event(&x, JZ_EV_PROPERTY_REGISTERED, JZ_IND_PROPERTY, JZ_ALERT_D, 2, JZ_DEPT_CIVIL,
                 "新登记不动产，核查是否仍符合条件");
        by_event(&x, JZ_EV_VEHICLE_REGISTERED, JZ_IND_VEHICLE, JZ_ALERT_D, 2, JZ_DEPT_CIVIL,
                 "新登记车辆，核查是否仍符合条件");
        by_event(&x, JZ_EV_BUSINESS_REGISTERED, JZ_IND_BUSINESS, JZ_ALERT_D, 2, JZ_DEPT_CIVIL,
                 "新登记市场主体，核查是否仍符合条件");
        by_event(&x, JZ_EV_GOVERNMENT_PAYROLL, JZ_IND_PAYROLL, JZ_ALERT_D, 3, JZ_DEPT_CIVIL,
                 "财政供养人员，核查是否仍符合条件");
        by_event(&x, JZ_EV_IMPRISONED, JZ_IND_IMPRISONED, JZ_ALERT_D, 3, JZ_DEPT_CIVIL,
                 "服刑，不计入共同生活的家庭成员（R-HH-2），核查调整");
        by_rows(&x, BIT(JZ_EV_MARRIAGE) | BIT(JZ_EV_DIVORCE), NULL, 0, JZ_IND_MARITAL_CHANGE,
                JZ_ALERT_D, 2, JZ_DEPT_CIVIL,
                "婚姻登记，共同生活的家庭成员可能变化（R-HH-1），核查调整");
        by_rows(&x, BIT(JZ_EV_HOUSING_FUND), over, p->mon_housing_fund_threshold,
                JZ_IND_HOUSING_FUND, JZ_ALERT_D, 2, JZ_DEPT_CIVIL,
                "月缴存住房公积金超过预警线，核查收入");
        by_rows(&x, BIT(JZ_EV_PENSION), over, p->mon_pension_threshold, JZ_IND_PENSION,
                JZ_ALERT_D, 2, JZ_DEPT_CIVIL, "月领取养老金超过预警线，核查收入");
        by_rows(&x, BIT(JZ_EV_PENSION_CONTRIBUTION), over, p->mon_pension_contribution_threshold,
                JZ_IND_PENSION_CONTRIBUTION, JZ_ALERT_D, 2, JZ_DEPT_CIVIL,
                "养老保险月缴费基数超过预警线，核查工资收入");
        deposits(&x);
    }
    if (who->tekun && !open_alert(&x, JZ_IND_NO_PREMIUM) &&
        !(h && h->last_year[JZ_IND_NO_PREMIUM] >= jz_date_year(on))) {
        bool subsidised = false;
        for (size_t i = 0; i < n; i++)
            if (rows[i].event == JZ_EV_PREMIUM_SUBSIDY &&
                jz_date_year(rows[i].date) == jz_date_year(on) && rows[i].date <= on)
                subsidised = true;
        jz_alert *a = subsidised ? NULL
                                 : raise(&x, JZ_IND_NO_PREMIUM, JZ_ALERT_A, 2, JZ_DEPT_MEDICAL);
        if (a) {
            a->year = jz_date_year(on);
            snprintf(a->detail, sizeof a->detail,
                     "特困人员 %d 年未见城乡居民医保参保资助记录（R-REF-1：全额资助）",
                     jz_date_year(on));
        }
    }
    /* 特困 (R-TK-5: a unit of his own, not counted in the household) and
     * still counted in the household's 低保: paid twice. */
    if (who->double_enrolled && !ever(&x, JZ_IND_DOUBLE)) {
        jz_alert *a = raise(&x, JZ_IND_DOUBLE, JZ_ALERT_D, 3, JZ_DEPT_CIVIL);
        if (a)
            snprintf(a->detail, sizeof a->detail,
                     "已按特困人员单独供养，又计入家庭低保人数（R-TK-5），可能重复享受");
    }
    complex_alert(&x);
    return x.n_out;
}
