/*
 * monitor.c - the warning indicators of R-MON-2 on one person's department
 * rows, and the category of R-MON-3 each alert takes.  Pure: no I/O, no
 * allocation.
 *
 * Every indicator looks at the rows dated within the medical window
 * (monitor.medical.window_months, 12) before the run date: recent events
 * raise alerts, old ones have been handled by earlier runs.  The same
 * evidence raising the same alert twice is prevented by the store (the
 * alert's key is its indicator, person and evidence).
 */
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_monitor.h"

const char *const jz_indicator_names[JZ_IND_COUNT] = {
    "medical_spike", "earner_death",  "unstable_income", "disaster_loss", "severe_disability",
    "serious_illness", "school_entry", "recipient_death", "property",     "vehicle",
    "business",        "payroll",      "imprisoned",      "no_premium",   "complex",
    "double_enrolment"};
const char *const jz_indicator_zh[JZ_IND_COUNT] = {
    "支出骤增",           "收入骤减（主要劳动力死亡）", "收入不稳定（登记失业）",
    "财产重大损失（受灾）", "新增重度残疾",               "新增重特大疾病",
    "学生入学",           "救助对象死亡",               "新登记不动产",
    "新登记车辆",         "新登记市场主体",             "财政供养人员",
    "服刑",               "特困人员未享受参保资助",     "多重困难",
    "重复享受（特困与低保）"};
const char jz_alert_letters[4] = {'A', 'B', 'C', 'D'};
const char *const jz_alert_category_zh[4] = {"政策未落实", "可能符合条件未纳入",
                                             "情况复杂（县级一事一议）", "可能不再符合条件"};

typedef struct ctx {
    const jz_monitor_person *who;
    const jz_feed_row *rows;
    size_t n;
    jz_date from, on; /* the window: from < date <= on */
    jz_alert *out;
    size_t n_out;
} ctx;

static bool in_window(const ctx *x, const jz_feed_row *r)
{
    return r->date > x->from && r->date <= x->on;
}

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
    return a;
}

static void add_evidence(jz_alert *a, size_t i)
{
    if (a->n_evidence < JZ_ALERT_EVIDENCE_MAX)
        a->evidence[a->n_evidence++] = i;
}

/* One alert per indicator for the rows of `event` in the window. */
static void by_event(ctx *x, jz_event ev, jz_indicator ind, int category, int severity, int dept,
                     const char *what)
{
    jz_alert *a = NULL;
    for (size_t i = 0; i < x->n; i++) {
        const jz_feed_row *r = &x->rows[i];
        if (r->event != ev || !in_window(x, r))
            continue;
        if (ev == JZ_EV_DISABILITY_ISSUED && (r->level < 1 || r->level > 2))
            continue; /* only a severe (grade 1-2) disability */
        if (!a && !(a = raise(x, ind, category, severity, dept)))
            return;
        add_evidence(a, i);
        char d[JZ_DATE_BUF];
        jz_date_format(r->date, d, sizeof d);
        snprintf(a->detail, sizeof a->detail, "%s：%s %s%s%s", what, d, jz_dept_zh[r->dept],
                 r->code[0] ? " " : "", r->code);
    }
}

static void medical(ctx *x, const jz_policy *p)
{
    jz_fen sum = 0;
    size_t first = x->n_out;
    jz_alert tmp;
    memset(&tmp, 0, sizeof tmp);
    for (size_t i = 0; i < x->n; i++)
        if (x->rows[i].event == JZ_EV_MEDICAL_SETTLEMENT && in_window(x, &x->rows[i])) {
            sum += x->rows[i].amount;
            add_evidence(&tmp, i);
        }
    if (sum <= 0)
        return;
    jz_fen t = p->mon_medical_threshold;
    jz_fen y = x->who->yearly_income;
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
    char m[JZ_MONEY_BUF], tm[JZ_MONEY_BUF], ym[JZ_MONEY_BUF];
    jz_money_format(sum, m, sizeof m);
    jz_money_format(t, tm, sizeof tm);
    jz_money_format(y, ym, sizeof ym);
    if (sum >= t)
        snprintf(a->detail, sizeof a->detail, "%d 个月内个人自付医疗费用 %s 元，达到预警线 %s 元",
                 p->mon_medical_window_months, m, tm);
    else
        snprintf(a->detail, sizeof a->detail,
                 "%d 个月内个人自付医疗费用 %s 元，达到家庭年收入 %s 元的预警比例",
                 p->mon_medical_window_months, m, ym);
    (void)first;
}

size_t jz_monitor_person_eval(const jz_monitor_person *who, const jz_feed_row *rows, size_t n,
                              const jz_policy *p, jz_date on, jz_alert *out)
{
    ctx x = {who, rows, n, jz_date_add_months(on, -p->mon_medical_window_months), on, out, 0};
    bool enrolled = who->enrolled;
    int help = enrolled ? JZ_ALERT_A : JZ_ALERT_B;
    medical(&x, p);
    if (who->in_registry && !enrolled && who->main_earner)
        by_event(&x, JZ_EV_DEATH, JZ_IND_EARNER_DEATH, JZ_ALERT_B, 3, JZ_DEPT_COUNT,
                 "家庭主要劳动力死亡");
    if (enrolled)
        by_event(&x, JZ_EV_DEATH, JZ_IND_RECIPIENT_DEATH, JZ_ALERT_D, 3, JZ_DEPT_COUNT,
                 "救助对象死亡，应在 3 个月内核查并调整（R-DEATH-1）");
    by_event(&x, JZ_EV_UNEMPLOYMENT_REGISTERED, JZ_IND_UNSTABLE_INCOME, help, 2, JZ_DEPT_HRSS,
             enrolled ? "登记失业，应落实就业救助" : "登记失业，收入不稳定");
    by_event(&x, JZ_EV_DISASTER_RELIEF, JZ_IND_DISASTER_LOSS, help, 2,
             enrolled ? JZ_DEPT_COUNT : JZ_DEPT_EMERGENCY,
             enrolled ? "受灾，应落实临时救助" : "受灾获得救助，可能陷入困难");
    by_event(&x, JZ_EV_DISABILITY_ISSUED, JZ_IND_SEVERE_DISABILITY, help, 2, JZ_DEPT_DISABILITY,
             enrolled ? "新增重度残疾，应核查分类施保或单独施保" : "新增重度残疾");
    by_event(&x, JZ_EV_SERIOUS_ILLNESS, JZ_IND_SERIOUS_ILLNESS, help, 2, JZ_DEPT_HEALTH,
             enrolled ? "新增重特大疾病，应落实医疗救助和分类施保" : "新增重特大疾病");
    if (enrolled) {
        by_event(&x, JZ_EV_SCHOOL_ENROLMENT, JZ_IND_SCHOOL_ENTRY, JZ_ALERT_A, 1,
                 JZ_DEPT_EDUCATION, "学生入学，应落实教育救助");
        by_event(&x, JZ_EV_PROPERTY_REGISTERED, JZ_IND_PROPERTY, JZ_ALERT_D, 2, JZ_DEPT_COUNT,
                 "新登记不动产，核查是否仍符合条件");
        by_event(&x, JZ_EV_VEHICLE_REGISTERED, JZ_IND_VEHICLE, JZ_ALERT_D, 2, JZ_DEPT_COUNT,
                 "新登记车辆，核查是否仍符合条件");
        by_event(&x, JZ_EV_BUSINESS_REGISTERED, JZ_IND_BUSINESS, JZ_ALERT_D, 2, JZ_DEPT_COUNT,
                 "新登记市场主体，核查是否仍符合条件");
        by_event(&x, JZ_EV_GOVERNMENT_PAYROLL, JZ_IND_PAYROLL, JZ_ALERT_D, 3, JZ_DEPT_COUNT,
                 "财政供养人员，核查是否仍符合条件");
        by_event(&x, JZ_EV_IMPRISONED, JZ_IND_IMPRISONED, JZ_ALERT_D, 3, JZ_DEPT_COUNT,
                 "服刑，不计入共同生活的家庭成员（R-HH-2），核查调整");
    }
    if (who->tekun) {
        bool subsidised = false;
        for (size_t i = 0; i < n; i++)
            if (rows[i].event == JZ_EV_PREMIUM_SUBSIDY &&
                jz_date_year(rows[i].date) == jz_date_year(on) && rows[i].date <= on)
                subsidised = true;
        jz_alert *a = subsidised ? NULL
                                 : raise(&x, JZ_IND_NO_PREMIUM, JZ_ALERT_A, 2, JZ_DEPT_MEDICAL);
        if (a)
            snprintf(a->detail, sizeof a->detail,
                     "特困人员 %d 年未见城乡居民医保参保资助记录（R-REF-1：全额资助）",
                     jz_date_year(on));
    }
    /* 特困 (R-TK-5: a unit of his own, not counted in the household) and
     * still counted in the household's 低保: paid twice. */
    if (who->double_enrolled) {
        jz_alert *a = raise(&x, JZ_IND_DOUBLE, JZ_ALERT_D, 3, JZ_DEPT_COUNT);
        if (a)
            snprintf(a->detail, sizeof a->detail,
                     "已按特困人员单独供养，又计入家庭低保人数（R-TK-5），可能重复享受");
    }
    /* Three or more difficulties at once: beyond one department. */
    size_t b = 0;
    for (size_t i = 0; i < x.n_out; i++)
        b += x.out[i].category == JZ_ALERT_B;
    if (b >= 3) {
        jz_alert merged;
        memset(&merged, 0, sizeof merged);
        for (size_t i = 0; i < x.n_out; i++)
            for (size_t k = 0; x.out[i].category == JZ_ALERT_B && k < x.out[i].n_evidence; k++)
                add_evidence(&merged, x.out[i].evidence[k]);
        jz_alert *a = raise(&x, JZ_IND_COMPLEX, JZ_ALERT_C, 3, JZ_DEPT_COUNT);
        if (a) {
            a->n_evidence = merged.n_evidence;
            memcpy(a->evidence, merged.evidence, sizeof merged.evidence);
            snprintf(a->detail, sizeof a->detail, "同时出现 %zu 项困难预警，提交县级一事一议", b);
        }
    }
    return x.n_out;
}
