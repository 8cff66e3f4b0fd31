/*
 * alert.c - handling an alert (R-MON-3), in one write transaction: the
 * alert is read after the transaction has the write lock, so what is
 * checked is what is written over.
 */
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_alert.h"
#include "jiuzhu/jz_monitor.h"
#include "proc_int.h"

const char *const jz_alert_action_names[JZ_ALERT_ACT_COUNT] = {"assign", "verify", "refer",
                                                               "feedback", "resolve"};

static const char *const status_zh[] = {"待处置", "已分派", "已核实", "已办结", "已转介"};

typedef struct alert_args {
    int64_t id;
    const jz_alert_req *rq;
    jz_alert_res *res;
} alert_args;

/* The death the alert's rows record (公安 or 殡葬): the latest date. */
static void latest_death(int64_t row, const jz_feed_row *r, void *arg)
{
    (void)row;
    jz_date *d = arg;
    if ((r->event == JZ_EV_DEATH || r->event == JZ_EV_FUNERAL) && r->date > *d)
        *d = r->date;
}

/* What the request itself lacks, before anything is read. */
static jz_err check_request(const jz_alert_req *rq, jz_error *err)
{
    switch (rq->action) {
    case JZ_ALERT_ACT_ASSIGN:
        if (!rq->assignee || !rq->assignee[0])
            return jz_error_set(err, JZ_EUSAGE, "--to", NULL, "分派预警须指定经办人");
        break;
    case JZ_ALERT_ACT_REFER:
        if (rq->dept < 0 || rq->dept >= JZ_DEPT_COUNT)
            return jz_error_set(err, JZ_EUSAGE, "--dept", NULL, "转介预警须指定部门");
        break;
    case JZ_ALERT_ACT_FEEDBACK:
        if (rq->dept < 0 || rq->dept >= JZ_DEPT_COUNT || !rq->kind || !rq->kind[0] ||
            rq->amount < 0)
            return jz_error_set(err, JZ_EUSAGE, "--dept", NULL,
                                "部门反馈须给出部门、救助内容和金额（元，最多两位小数）");
        break;
    case JZ_ALERT_ACT_RESOLVE: {
        static const char *const outcomes[] = {"enrolled", "referred", "terminated", "no_action"};
        bool ok = false;
        for (size_t k = 0; k < 4 && rq->outcome; k++)
            ok |= strcmp(rq->outcome, outcomes[k]) == 0;
        if (!ok)
            return jz_error_set(err, JZ_EUSAGE, "--outcome", rq->outcome,
                                "办结须给出结果：enrolled 已纳入、referred 已转介、"
                                "terminated 已停发、no_action 无需处理");
        if (!rq->note || !rq->note[0])
            return jz_error_set(err, JZ_EUSAGE, "--note", NULL, "办结须说明处理情况");
        break;
    }
    case JZ_ALERT_ACT_VERIFY:
        break;
    default:
        return jz_error_set(err, JZ_EUSAGE, "action", NULL, "未知的预警处置");
    }
    return JZ_OK;
}

static jz_err handle_in_txn(jz_ctx *x, void *arg, jz_error *err)
{
    alert_args *g = arg;
    const jz_alert_req *rq = g->rq;
    jz_alert_res *res = g->res;
    memset(res, 0, sizeof *res); /* afresh: jz_store_run may run this again */
    char target[32];
    snprintf(target, sizeof target, "%lld", (long long)g->id);
    jz_err rc = jz_store_alert_get(x->store, g->id, &res->before, err);
    if (rc)
        return rc;
    const jz_stored_alert *b = &res->before;
    if (rq->expect_status >= 0 && b->status != rq->expect_status)
        return jz_error_set(err, JZ_ECONFLICT, "alert", target,
                            "预警已被他人处置（现为「%s」，办理时为「%s」），未写入任何内容：请重新查看",
                            status_zh[b->status % 5], status_zh[rq->expect_status % 5]);
    if (b->status == JZ_ALERT_RESOLVED)
        return jz_error_set(err, JZ_EINPUT, "alert", target, "预警已办结，不能再处置");
    if (rq->action == JZ_ALERT_ACT_VERIFY &&
        (b->status == JZ_ALERT_VERIFIED || b->status == JZ_ALERT_REFERRED))
        return jz_error_set(err, JZ_EINPUT, "alert", target,
                            "预警已核实（状态：%s），不能再次核实", status_zh[b->status % 5]);
    res->after = *b;
    jz_stored_alert *a = &res->after;
    jz_alert_step step;
    memset(&step, 0, sizeof step);
    step.alert = g->id;
    step.on = rq->on;
    step.dept = JZ_DEPT_CIVIL;
    snprintf(step.action, sizeof step.action, "%s", jz_alert_action_names[rq->action]);
    snprintf(step.note, sizeof step.note, "%s", rq->note ? rq->note : "");
    bool open_case = false;
    switch (rq->action) {
    case JZ_ALERT_ACT_ASSIGN:
        snprintf(step.assignee, sizeof step.assignee, "%s", rq->assignee);
        a->status = JZ_ALERT_ASSIGNED;
        break;
    case JZ_ALERT_ACT_VERIFY:
        if (rq->confirmed) {
            a->status = JZ_ALERT_VERIFIED;
            open_case = a->category == JZ_ALERT_D || a->category == JZ_ALERT_B;
        } else {
            a->status = JZ_ALERT_RESOLVED;
            snprintf(step.outcome, sizeof step.outcome, "no_action");
        }
        break;
    case JZ_ALERT_ACT_REFER:
        step.dept = (uint8_t)rq->dept;
        a->status = JZ_ALERT_REFERRED;
        break;
    case JZ_ALERT_ACT_FEEDBACK:
        step.dept = (uint8_t)rq->dept;
        snprintf(step.kind, sizeof step.kind, "%s", rq->kind);
        step.amount = rq->amount;
        break;
    case JZ_ALERT_ACT_RESOLVE:
        snprintf(step.outcome, sizeof step.outcome, "%s", rq->outcome);
        a->status = JZ_ALERT_RESOLVED;
        break;
    default:
        break;
    }
    /* A confirmed death is recorded first (R-HH-1, R-DEATH-1): the record
     * gets a new version marking him deceased, his own unit stops, and a
     * review opens only where R-DEATH-1 asks for one; never with the dead
     * person as applicant. */
    res->death = rq->action == JZ_ALERT_ACT_VERIFY && rq->confirmed && a->household_id[0] &&
                 (a->indicator == JZ_IND_RECIPIENT_DEATH || a->indicator == JZ_IND_EARNER_DEATH);
    if (res->death) {
        jz_date died = JZ_DATE_NONE;
        if ((rc = jz_store_alert_evidence(x->store, g->id, latest_death, &died, err)))
            return rc;
        if (!died)
            return jz_error_set(err, JZ_EINPUT, "alert", target,
                                "预警的依据中没有死亡日期，无法记录死亡");
        if ((rc = jz_proc_death(x, a->id_number, died, rq->on, step.note, true, &res->death_res,
                                err)))
            return rc;
        /* A recipient's death: a review only for R-DEATH-1's check of a
         * 低保 household with someone left; an earner's: an application of
         * the others. */
        if (a->indicator == JZ_IND_RECIPIENT_DEATH)
            open_case = res->death_res.checks > 0 && !res->death_res.nobody_left;
        else
            open_case = !res->death_res.nobody_left;
    }
    /* A household with an open case: the alert joins it (the review or
     * application under way will see what the alert found). */
    if (open_case && a->household_id[0]) {
        int64_t open_id = 0;
        if ((rc = jz_proc_open_case(x->store, a->region, a->household_id, &open_id, err)))
            return rc;
        if (open_id) {
            res->case_id = step.case_id = open_id;
            res->joined = true;
            open_case = false;
        }
    }
    /* Confirmed: D opens a review of the household, B an application. */
    if (open_case) {
        if (!a->household_id[0])
            return jz_error_set(err, JZ_EINPUT, "alert", target,
                                "此人不在低收入人口数据库中：请先登记其家庭的户记录（jiuzhu import），"
                                "再核实并启动申请");
        char why[600];
        snprintf(why, sizeof why, "预警 %lld：%s", (long long)g->id, a->detail);
        jz_accept_req ar = {.household_id = a->household_id,
                            .on = rq->on,
                            .note = why,
                            .review = a->category == JZ_ALERT_D};
        if ((rc = jz_proc_accept(x, &ar, true, &res->accepted, err)))
            return rc;
        res->opened = true;
        res->case_id = step.case_id = res->accepted.c.id;
    }
    return jz_store_alert_update(x->store, b, a, &step, err);
}

jz_err jz_alert_handle(jz_ctx *x, int64_t id, const jz_alert_req *rq, jz_alert_res *res,
                       jz_error *err)
{
    memset(res, 0, sizeof *res);
    jz_err rc = check_request(rq, err);
    if (rc)
        return rc;
    if (x->today && rq->on > x->today) {
        char d[JZ_DATE_BUF];
        jz_date_format(rq->on, d, sizeof d);
        return jz_error_set(err, JZ_EINPUT, "--date", d, "处置日期不能晚于今天");
    }
    alert_args g = {id, rq, res};
    return jz__proc_run(x, false, handle_in_txn, &g, err);
}
