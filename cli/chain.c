/*
 * chain.c - `jiuzhu chain DB ID`: 一户（人）一条救助链 (R-MON-5).  Everything
 * the system knows a household (its ID) or a person (an ID number) received
 * or went through, in time order: applications and reviews step by step,
 * the latest determination, enrolments from their first to their last month,
 * alerts and their handling (referrals, the departments' feedback), and the
 * departments' own rows (medical settlements, relief, pensions...), so that
 * nothing is missed and nothing is paid twice.  (Payments will join it.)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "jiuzhu/jz_idnum.h"
#include "jiuzhu/jz_store.h"

typedef struct event {
    jz_date on;
    int order; /* ties: the order found */
    char text[640];
} event;

typedef struct chain {
    event *ev;
    size_t n, cap;
    const char *household_id;
    bool failed;
    jz_store *s;
} chain;

__attribute__((format(printf, 3, 4))) static void add(chain *c, jz_date on, const char *fmt, ...)
{
    if (c->failed)
        return;
    if (c->n == c->cap) {
        size_t nc = c->cap ? 2 * c->cap : 64;
        event *g = realloc(c->ev, nc * sizeof *g);
        if (!g) {
            c->failed = true;
            return;
        }
        c->ev = g;
        c->cap = nc;
    }
    event *e = &c->ev[c->n];
    e->on = on;
    e->order = (int)c->n;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
    c->n++;
}

static int by_date(const void *a, const void *b)
{
    const event *x = a, *y = b;
    if (x->on != y->on)
        return x->on < y->on ? -1 : 1;
    return x->order - y->order;
}

typedef struct step_ctx {
    chain *c;
    const jz_case *k;
} step_ctx;

static void case_step(const jz_case_step *st, void *arg)
{
    step_ctx *x = arg;
    add(x->c, st->on, "%s 案件 %lld：%s（经办：%s）%s%s",
        x->k->kind == JZ_CASE_REVIEW ? "复核" : "申请", (long long)x->k->id,
        st->action < JZ_ACT_COUNT ? jz_case_action_zh[st->action] : "?", st->actor,
        st->note[0] ? " " : "", st->note);
}

static void one_case(const jz_case *k, void *arg)
{
    chain *c = arg;
    if (strcmp(k->household_id, c->household_id) != 0)
        return;
    step_ctx x = {c, k};
    jz_error err;
    jz_error_clear(&err);
    if (jz_store_case_steps(c->s, k->id, case_step, &x, &err) != JZ_OK)
        c->failed = true;
    if (k->decision) {
        char m[JZ_MONEY_BUF];
        jz_money_format(k->proposed_monthly, m, sizeof m);
        add(c, k->decided_on, "决定：%s%s%s", k->decision == JZ_DECISION_APPROVED ? "批准，每月 " : "不予批准",
            k->decision == JZ_DECISION_APPROVED ? m : "", k->decision == JZ_DECISION_APPROVED ? " 元" : "");
    }
}

static jz_date month_start(const char *ym)
{
    char b[16];
    jz_date d = JZ_DATE_NONE;
    jz_error err;
    snprintf(b, sizeof b, "%.7s-01", ym);
    if (strlen(ym) == 7)
        jz_date_parse(b, 10, &d, &err);
    return d;
}

static void one_enrolment(const jz_enrolment *e, void *arg)
{
    chain *c = arg;
    char m[JZ_MONEY_BUF];
    jz_money_format(e->monthly, m, sizeof m);
    add(c, month_start(e->first_month), "开始享受 %s（%s，%d 人）每月 %s 元（救助 %lld）",
        jz_unit_programme_zh[e->programme], e->label, e->persons, m, (long long)e->id);
    if (e->end_month[0])
        add(c, month_start(e->end_month), "%s（%s）发放至 %s%s%s%s",
            jz_unit_programme_zh[e->programme], e->label, e->end_month,
            e->status == JZ_ENROL_EXITING ? "（渐退期）" : "", e->stop_reason[0] ? "：" : "",
            e->stop_reason);
    if (e->to_recover) {
        char r[JZ_MONEY_BUF];
        jz_money_format(e->to_recover, r, sizeof r);
        add(c, month_start(e->end_month), "责令退回多发的救助金 %s 元", r);
    }
}

typedef struct alert_ctx {
    chain *c;
    const jz_stored_alert *a;
} alert_ctx;

static void alert_step(const jz_alert_step *st, void *arg)
{
    alert_ctx *x = arg;
    if (strcmp(st->action, "feedback") == 0) {
        char m[JZ_MONEY_BUF];
        jz_money_format(st->amount, m, sizeof m);
        add(x->c, st->on, "%s救助：%s %s 元（预警 %lld 的反馈）%s",
            st->dept < JZ_DEPT_COUNT ? jz_dept_zh[st->dept] : "", st->kind, m,
            (long long)x->a->id, st->note);
    } else if (strcmp(st->action, "refer") == 0) {
        add(x->c, st->on, "预警 %lld 转介%s %s", (long long)x->a->id,
            st->dept < JZ_DEPT_COUNT ? jz_dept_zh[st->dept] : "", st->note);
    } else {
        add(x->c, st->on, "预警 %lld：%s%s%s %s", (long long)x->a->id,
            jz_alert_action_zh(st->action), st->outcome[0] ? " " : "",
            jz_alert_outcome_zh(st->outcome), st->note);
    }
}

static void one_alert(const jz_stored_alert *a, void *arg)
{
    chain *c = arg;
    add(c, a->raised_on, "预警 %lld（%c 类 %s）%s：%s", (long long)a->id,
        jz_alert_letters[a->category & 3],
        a->indicator < JZ_IND_COUNT ? jz_indicator_zh[a->indicator] : "?", a->name, a->detail);
    alert_ctx x = {c, a};
    jz_error err;
    jz_error_clear(&err);
    if (jz_store_alert_steps(c->s, a->id, alert_step, &x, &err) != JZ_OK)
        c->failed = true;
}

static void one_row(const jz_feed_row *r, void *arg)
{
    chain *c = arg;
    char m[JZ_MONEY_BUF] = "";
    if (r->amount)
        jz_money_format(r->amount, m, sizeof m);
    add(c, r->date, "%s：%s %s%s%s%s%s", r->dept < JZ_DEPT_COUNT ? jz_dept_zh[r->dept] : "?",
        r->name,
        r->event < JZ_EV_COUNT ? jz_event_zh[r->event] : "?", r->code[0] ? " " : "", r->code,
        m[0] ? " " : "", m[0] ? m : "");
}

int cmd_chain(int argc, char **argv)
{
    const char *db = NULL, *key = NULL;
    bool full_id = false, bad = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--full-id") == 0)
            full_id = true;
        else if (argv[i][0] == '-' || (db && key))
            bad = true;
        else if (!db)
            db = argv[i];
        else
            key = argv[i];
    }
    if (bad || !key) {
        bool help = argc == 2 && strcmp(argv[1], "--help") == 0;
        fputs("用法: jiuzhu chain [--full-id] 数据库 户编号|身份证号码\n"
              "按时间列出这一户（人）的申请、认定、救助、预警、转介和部门救助（一户一条救助链）；\n"
              "身份证号码只显示前 6 位和后 4 位，--full-id 显示完整号码\n",
              help ? stdout : stderr);
        return help ? EXIT_DONE : EXIT_USAGE;
    }
    cli_full_ids(full_id);
    jz_store *s = NULL;
    jz_error err;
    jz_error_clear(&err);
    if (jz_store_open(db, JZ_STORE_READONLY, &s, &err) != JZ_OK) {
        return cli_fail(&err);
    }
    /* The household and its people; a person outside the registry has only
     * his own rows and alerts. */
    char person[JZ_IDNUM_BUF] = "";
    bool is_person = jz_idnum_normalize(key, strlen(key), person, &err) == JZ_OK;
    char *record = NULL;
    json_t *rec = NULL;
    char household[JZ_HOUSEHOLD_ID_MAX] = "", region[13] = "";
    if (jz_store_get_record(s, is_person ? person : key, &record, &err) == JZ_OK) {
        rec = json_loads(record, 0, NULL);
        const char *h = json_string_value(json_object_get(rec, "household_id"));
        const char *r = json_string_value(json_object_get(rec, "region"));
        snprintf(household, sizeof household, "%s", h ? h : "");
        snprintf(region, sizeof region, "%s", r ? r : "");
    } else if (!is_person) {
        jz_store_close(s);
        return cli_fail(&err);
    }
    chain c = {.household_id = household, .s = s};
    /* What the record says the household received before jiuzhu. */
    json_t *cur = json_object_get(rec, "current");
    const char *prog = json_string_value(json_object_get(cur, "programme"));
    const char *since = json_string_value(json_object_get(cur, "since"));
    const char *amount = json_string_value(json_object_get(cur, "monthly_amount"));
    jz_date since_d = JZ_DATE_NONE;
    jz_error e0;
    _Static_assert((int)JZ_PROG_COUNT == (int)JZ_CAT_COUNT && (int)JZ_PROG_MARGINAL == (int)JZ_CAT_MARGINAL,
                   "programmes and categories share their order");
    for (int k = 1; prog && k < JZ_PROG_COUNT; k++)
        if (strcmp(prog, jz_programme_names[k]) == 0 && since &&
            jz_date_parse(since, strlen(since), &since_d, &e0) == JZ_OK)
            add(&c, since_d, "（户记录）正在享受%s，每月 %s 元", cli_category_zh[k],
                amount ? amount : "?");
    jz_error_clear(&err);
    int status = EXIT_DONE;
    if (household[0]) {
        jz_result *r = malloc(sizeof *r);
        int64_t run;
        jz_date date;
        if (r && jz_store_get_determination(s, household, r, &run, &date, &err) == JZ_OK) {
            char m[JZ_MONEY_BUF];
            jz_money_format(r->monthly_amount, m, sizeof m);
            add(&c, date, "认定（批量评估第 %lld 批）：%s，家庭低保金每月 %s 元", (long long)run,
                r->category < JZ_CAT_COUNT ? cli_category_zh[r->category] : "?", m);
        }
        free(r);
        jz_error_clear(&err);
        if (jz_store_case_list(s, region, false, one_case, &c, &err) != JZ_OK ||
            jz_store_enrol_list(s, region, household, one_enrolment, &c, &err) != JZ_OK ||
            jz_store_alert_find(s, household, one_alert, &c, &err) != JZ_OK)
            status = EXIT_INPUT;
    }
    /* The people: every member of the household (a person asked for gets
     * his household's chain), or the one person outside the registry. */
    json_t *members = json_object_get(rec, "members");
    size_t i;
    json_t *m;
    if (!status && is_person && !household[0] &&
        (jz_store_alert_find(s, person, one_alert, &c, &err) != JZ_OK ||
         jz_store_feed_person(s, person, one_row, &c, &err) != JZ_OK))
        status = EXIT_INPUT;
    json_array_foreach(members, i, m)
    {
        const char *id = json_string_value(json_object_get(m, "id"));
        char norm[JZ_IDNUM_BUF];
        jz_error e2;
        if (status || !id || jz_idnum_normalize(id, strlen(id), norm, &e2) != JZ_OK)
            continue;
        if (jz_store_feed_person(s, norm, one_row, &c, &err) != JZ_OK)
            status = EXIT_INPUT;
    }
    if (status || c.failed) {
        if (status) {
            status = cli_fail(&err);
        } else {
            fputs("jiuzhu: 内存不足\n", stderr);
            status = EXIT_INPUT;
        }
    } else {
        qsort(c.ev, c.n, sizeof *c.ev, by_date);
        cli_printf("救助链：%s%s%s（%zu 项）\n", household[0] ? "户 " : "",
                   household[0] ? household : "", household[0] ? "" : person, c.n);
        for (size_t k = 0; k < c.n; k++) {
            char d[JZ_DATE_BUF];
            jz_date_format(c.ev[k].on, d, sizeof d);
            cli_printf("%s  %s\n", d, c.ev[k].text);
        }
    }
    free(c.ev);
    json_decref(rec);
    free(record);
    jz_store_close(s);
    return status;
}
