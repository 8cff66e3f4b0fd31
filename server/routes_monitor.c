/*
 * routes_monitor.c - the departments' feeds, monitoring runs, alerts and
 * their handling, referrals to a department, the staff register,
 * statistics and the audit check: translations over the library's
 * operations (jz_feed.h, jz_monitor.h, jz_alert.h, jz_staff.h, jz_stats.h,
 * jz_audit.h) and their JSON (jz_api_monitor.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jiuzhu/jz_api_monitor.h"
#include "jiuzhu/jz_idnum.h"
#include "srv.h"

/* A query argument as a JSON value in obj (strings; numbers where the
 * request reader wants them). */
static void query_into(srv_req *rq, json_t *obj, const char *name, bool number)
{
    const char *v = srv_query(rq, name);
    if (!v)
        return;
    if (number) {
        char *end;
        long long n = strtoll(v, &end, 10);
        if (*v && !*end) {
            json_object_set_new(obj, name, json_integer(n));
            return;
        }
    }
    json_object_set_new(obj, name, json_string(v));
}

/* The user's department may send this department's data. */
static bool own_dept(srv_req *rq, srv_res *rs, int dept)
{
    if (rq->sess.user.dept == dept)
        return true;
    srv_fail(rs, JZ_EDENIED, "dept", dept >= 0 ? jz_dept_names[dept] : "",
             "您只能办理本部门（%s）的数据",
             rq->sess.user.dept >= 0 && rq->sess.user.dept < JZ_DEPT_COUNT
                 ? jz_dept_zh[rq->sess.user.dept]
                 : "未指定");
    return false;
}

ROUTE(h_feed_import)
{
    int dept = jz_dept_find(rq->m.params[0]);
    if (dept < 0) {
        srv_fail(rs, JZ_ENOTFOUND, "dept", rq->m.params[0], "没有这个部门");
        return;
    }
    if (!own_dept(rq, rs, dept))
        return;
    const char *name = srv_query(rq, "name");
    if (name && strlen(name) > 200) {
        srv_fail(rs, JZ_EINPUT, "name", NULL, "文件名最多 200 字节");
        return;
    }
    jz_rejects rej;
    jz_rejects_init(&rej, JZ_REJECTS_MAX);
    jz_feed_counts n;
    memset(&n, 0, sizeof n);
    jz_error e;
    jz_error_clear(&e);
    if (jz_feed_import(&rq->x, (jz_dept)dept, rq->body ? rq->body : "", rq->body_len,
                       name ? name : "", jz_rejects_add, &rej, &n, &e) != JZ_OK)
        srv_error(rs, &e);
    else {
        /* How many rows are people in the registry is not told to the
         * department: a file of one row would tell whether that person
         * receives assistance.  The matching itself is monitoring's. */
        json_t *j = jz_feed_import_to_json((jz_dept)dept, &n, &rej);
        json_object_del(j, "matched");
        srv_json(rs, 200, j);
    }
    jz_rejects_cleanup(&rej);
}

ROUTE(h_monitor_run)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_error e;
    jz_error_clear(&e);
    jz_monitor_req mr;
    jz_monitor_counts c;
    memset(&c, 0, sizeof c);
    char scope[JZ_SCOPE_MAX];
    if (jz_monitor_req_from_json(b, &mr, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else {
        /* A run covers the user's scope, or a part of it he names. */
        const char *want = mr.region && mr.region[0] ? mr.region : rq->sess.user.scope;
        if (srv_in_scope(rq, rs, want, want)) {
            snprintf(scope, sizeof scope, "%s", want);
            mr.region = scope;
            if (mr.on == JZ_DATE_NONE)
                mr.on = rq->x.today;
            if (jz_monitor_execute(&rq->x, &mr, &c, &e) != JZ_OK)
                srv_error(rs, &e);
            else
                srv_json(rs, 200, jz_monitor_counts_to_json(&c, mr.on, scope));
        }
    }
    json_decref(b);
}

ROUTE(h_monitor_fpm)
{
    char scope[JZ_SCOPE_MAX];
    if (!srv_list_scope(rq, rs, scope))
        return;
    jz_fpm_report r;
    jz_fpm_report_init(&r, JZ_FPM_REPORT_MAX);
    jz_fpm_counts c;
    memset(&c, 0, sizeof c);
    jz_error e;
    jz_error_clear(&e);
    snprintf(rq->x.scope, sizeof rq->x.scope, "%s", scope); /* ?region= narrows it */
    /* The body is the 防止返贫 list as the department sends it.  Only the
     * people within the user's scope (x.scope) are answered about; one
     * registered elsewhere reads as one not registered. */
    if (jz_monitor_compare_fpm(&rq->x, rq->body ? rq->body : "", rq->body_len,
                               srv_query(rq, "name") ? srv_query(rq, "name") : "", jz_fpm_report_row,
                               jz_fpm_report_reject, &r, &c, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else {
        srv_json(rs, 200, jz_fpm_report_to_json(&c, &r));
    }
    jz_fpm_report_cleanup(&r);
}

/* The alert of {id}, within scope, or false after answering 404.  A
 * department's data officer sees only the alerts referred to his
 * department. */
static bool alert_of(srv_req *rq, srv_res *rs, jz_alert_view *v)
{
    int64_t id;
    jz_error e;
    jz_error_clear(&e);
    memset(v, 0, sizeof *v);
    if (!srv_record_id(rq->m.params[0], &id) || jz_alert_show(&rq->x, id, v, &e) == JZ_ENOTFOUND) {
        srv_not_found(rq, rs, rq->m.params[0], "");
        return false;
    }
    if (e.code) {
        srv_error(rs, &e);
        return false;
    }
    /* A refusal is logged under the household, as a read would be, so
     * that the household's access log shows it. */
    const char *subject = v->alert.household_id[0] ? v->alert.household_id : rq->m.params[0];
    if (!srv_in_scope(rq, rs, v->alert.region, subject))
        return false;
    if (rq->sess.user.role == JZ_ROLE_DEPT) {
        bool referred = false;
        for (size_t i = 0; i < v->n_steps; i++)
            referred |= strcmp(v->steps[i].action, "refer") == 0 &&
                        v->steps[i].dept == rq->sess.user.dept;
        if (!referred) {
            srv_not_found(rq, rs, subject, v->alert.region);
            return false;
        }
    }
    return true;
}

ROUTE(h_alerts_list)
{
    char scope[JZ_SCOPE_MAX];
    if (!srv_list_scope(rq, rs, scope))
        return;
    json_t *q = json_object();
    static const char *const names[] = {"category", "state", "open_only", "offset", "limit"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        query_into(rq, q, names[i], i >= 3);
    const char *oo = srv_query(rq, "open_only");
    if (oo)
        json_object_set_new(q, "open_only", json_boolean(strcmp(oo, "true") == 0 || strcmp(oo, "1") == 0));
    jz_alert_query aq;
    jz_alert_page page = {0};
    jz_error e;
    jz_error_clear(&e);
    if (jz_alert_query_from_json(q, &aq, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else {
        aq.region = scope;
        if (aq.limit <= 0 || aq.limit > 1000)
            aq.limit = aq.limit <= 0 ? 100 : 1000;
        if (jz_alert_list_page(&rq->x, &aq, &page, &e) != JZ_OK)
            srv_error(rs, &e);
        else
            srv_json(rs, 200, jz_alert_page_to_json(&page, &aq));
    }
    jz_alert_page_free(&page);
    json_decref(q);
}

/* Referrals pushed to the data officer's department (R-MON-3): the alerts
 * within his scope whose handling referred them to it. */
ROUTE(h_referrals)
{
    char scope[JZ_SCOPE_MAX];
    if (!srv_list_scope(rq, rs, scope))
        return;
    jz_alert_query aq = {.region = scope, .category = -1, .status = -1, .limit = 1000};
    jz_alert_page page = {0};
    jz_error e;
    jz_error_clear(&e);
    if (jz_alert_list_page(&rq->x, &aq, &page, &e) != JZ_OK) {
        srv_error(rs, &e);
        jz_alert_page_free(&page);
        return;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < page.n && a; i++) {
        jz_alert_view v;
        if (jz_alert_show(&rq->x, page.items[i].id, &v, &e) != JZ_OK) {
            jz_alert_view_cleanup(&v);
            continue;
        }
        /* Referred (to the officer's department, for a data officer), and
         * whether that department has answered since. */
        bool referred = false, answered = false;
        for (size_t k = 0; k < v.n_steps; k++) {
            bool mine = rq->sess.user.role != JZ_ROLE_DEPT || v.steps[k].dept == rq->sess.user.dept;
            if (strcmp(v.steps[k].action, "refer") == 0 && mine) {
                referred = true;
                answered = false;
            } else if (strcmp(v.steps[k].action, "feedback") == 0 && mine && referred) {
                answered = true;
            }
        }
        json_t *o = referred ? jz_alert_to_json(&page.items[i], false) : NULL;
        if (o) {
            json_object_set_new(o, "answered", json_boolean(answered));
            json_array_append_new(a, o);
        }
        jz_alert_view_cleanup(&v);
    }
    jz_alert_page_free(&page);
    srv_json(rs, 200, json_pack("{s:o}", "referrals", a));
}

ROUTE(h_alert_get)
{
    jz_alert_view v;
    if (!alert_of(rq, rs, &v)) {
        jz_alert_view_cleanup(&v);
        return;
    }
    /* One alert's page shows the person's ID number whole: logged. */
    const char *subject = v.alert.household_id[0] ? v.alert.household_id : rq->m.params[0];
    if (!srv_access(rq, JZ_ACCESS_ID, subject, v.alert.region)) {
        jz_alert_view_cleanup(&v);
        srv_fail(rs, JZ_EBUSY, NULL, NULL, "查询留痕未能记录，未返回数据，请稍后重试");
        return;
    }
    jz_reassessment *re = NULL;
    jz_error re_err;
    jz_error_clear(&re_err);
    if (v.alert.household_id[0] && rq->sess.user.role != JZ_ROLE_DEPT) {
        re = malloc(sizeof *re);
        if (re && jz_alert_reassess(&rq->x, &v.alert, re, &re_err) != JZ_OK) {
            free(re);
            re = NULL;
        }
    }
    srv_json(rs, 200, jz_alert_view_to_json(&v, re, re_err.code ? &re_err : NULL, true));
    free(re);
    jz_alert_view_cleanup(&v);
}

/* The operation names the command line's options; the request's fields
 * instead. */
static void alert_error_field(jz_error *e)
{
    static const char *const map[][2] = {
        {"--date", "on"},           {"--to", "assignee"},         {"--dept", "dept"},
        {"--outcome", "outcome"},   {"--note", "note"},           {"--kind", "kind"},
        {"--amount", "amount_fen"}, {"--confirmed", "confirmed"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(e->field, map[i][0]) == 0) {
            snprintf(e->field, sizeof e->field, "%s", map[i][1]);
            return;
        }
}

ROUTE(h_alert_action)
{
    jz_alert_view v;
    if (!alert_of(rq, rs, &v)) {
        jz_alert_view_cleanup(&v);
        return;
    }
    int64_t alert_id = v.alert.id;
    jz_alert_view_cleanup(&v);
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_alert_req ar;
    jz_error e;
    jz_error_clear(&e);
    jz_alert_res *res = calloc(1, sizeof *res);
    if (!res) {
        srv_fail(rs, JZ_ENOMEM, NULL, NULL, "内存不足");
    } else if (jz_alert_req_from_json(b, rq->x.today, &ar, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else if (rq->sess.user.role == JZ_ROLE_DEPT &&
               (ar.action != JZ_ALERT_ACT_FEEDBACK || ar.dept != rq->sess.user.dept)) {
        /* A department answers its referrals (feedback), for itself only. */
        srv_fail(rs, JZ_EDENIED, "action", jz_alert_action_names[ar.action],
                 "部门数据员只能反馈转介给本部门的预警");
    } else if (rq->sess.user.role != JZ_ROLE_DEPT && ar.action == JZ_ALERT_ACT_FEEDBACK) {
        srv_fail(rs, JZ_EDENIED, "action", "feedback", "部门反馈须由该部门的数据员办理");
    } else if (jz_alert_handle(&rq->x, alert_id, &ar, res, &e) != JZ_OK) {
        alert_error_field(&e);
        srv_error(rs, &e);
    } else {
        srv_json(rs, 200, jz_alert_res_to_json(alert_id, &ar, res, false));
    }
    free(res);
    json_decref(b);
}

/* The register is per county: a member of staff registered in a county
 * outside the user's scope is not his to change or to add relatives to, and
 * is answered as one not registered (the attempt logged).  must_exist: a
 * relative's staff member, who must be registered.  An ID number the
 * operation will refuse is left to it. */
static bool staff_in_scope(srv_req *rq, srv_res *rs, const char *id, bool must_exist)
{
    char norm[JZ_IDNUM_BUF], county[7];
    bool found = false;
    jz_error e;
    jz_error_clear(&e);
    if (!id || jz_idnum_normalize(id, strlen(id), norm, &e) != JZ_OK)
        return true;
    if (jz_store_staff_county(rq->x.store, norm, county, &found, &e) != JZ_OK) {
        srv_error(rs, &e);
        return false;
    }
    if (found ? jz_scope_covers(rq->sess.user.scope, county) : !must_exist)
        return true;
    if (found)
        srv_access(rq, JZ_ACCESS_REFUSED, norm, county);
    if (must_exist)
        srv_fail(rs, JZ_ENOTFOUND, "staff", norm,
                 "没有登记这名工作人员（先用 jiuzhu staff add 登记）");
    else
        srv_fail(rs, JZ_ENOTFOUND, "id", norm, "未找到");
    return false;
}

ROUTE(h_staff_add)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_staff_req sr;
    jz_staff_res res;
    jz_error e;
    jz_error_clear(&e);
    if (jz_staff_req_from_json(b, &sr, &e) != JZ_OK)
        srv_error(rs, &e);
    else if (!sr.county || !sr.county[0] || !jz_scope_covers(rq->sess.user.scope, sr.county))
        srv_fail(rs, JZ_EINPUT, "county", sr.county ? sr.county : "",
                 "须给出您管辖范围（%s）内的县级代码", rq->sess.user.scope);
    else if (!staff_in_scope(rq, rs, sr.id, false))
        ; /* answered */
    else if (jz_staff_add(&rq->x, &sr, &res, &e) != JZ_OK)
        srv_error(rs, &e);
    else
        srv_json(rs, 201, jz_staff_res_to_json(&res, false));
    json_decref(b);
}

ROUTE(h_staff_relative)
{
    json_t *b = srv_body_json(rq, rs);
    if (!b)
        return;
    jz_staff_relative_req sr;
    jz_staff_res res;
    jz_error e;
    jz_error_clear(&e);
    if (jz_staff_relative_req_from_json(b, &sr, &e) != JZ_OK)
        srv_error(rs, &e);
    else if (!staff_in_scope(rq, rs, sr.staff_id, true))
        ; /* answered */
    else if (jz_staff_relative_add(&rq->x, &sr, &res, &e) != JZ_OK)
        srv_error(rs, &e);
    else
        srv_json(rs, 201, jz_staff_res_to_json(&res, false));
    json_decref(b);
}

/* The statistics as an .xlsx attachment, logged as an export (查询留痕). */
static void stats_file(srv_req *rq, srv_res *rs, const jz_stats_req *sr, const jz_stats_res *res)
{
    char dir[32], path[64], name[96], subject[64];
    if (!srv_temp_dir(rs, dir))
        return;
    const char *region = sr->region && sr->region[0] ? sr->region : "14";
    snprintf(path, sizeof path, "%s/stats.xlsx", dir);
    snprintf(name, sizeof name, "stats_%s_%d.xlsx", region, sr->level_digits);
    snprintf(subject, sizeof subject, "stats:%s", region);
    jz_error e;
    jz_error_clear(&e);
    if (jz_stats_xlsx(&rq->x, sr, res, path, &e) != JZ_OK)
        srv_error(rs, &e);
    else if (srv_logged(rq, rs, JZ_ACCESS_EXPORT, subject, sr->region ? sr->region : ""))
        srv_send_file(rs, path, SRV_XLSX_TYPE, name);
    unlink(path);
    rmdir(dir);
}

ROUTE(h_stats)
{
    char scope[JZ_SCOPE_MAX];
    if (!srv_list_scope(rq, rs, scope))
        return;
    json_t *q = json_object();
    query_into(rq, q, "level", false);
    query_into(rq, q, "months", true);
    jz_stats_req sr;
    jz_stats_res res = {0};
    jz_error e;
    jz_error_clear(&e);
    if (jz_stats_req_from_json(q, &sr, &e) != JZ_OK) {
        srv_error(rs, &e);
    } else {
        sr.region = scope;
        const char *f = srv_query(rq, "format");
        if (f && strcmp(f, "xlsx") != 0 && strcmp(f, "json") != 0)
            srv_fail(rs, JZ_EINPUT, "format", f, "应为 json 或 xlsx");
        else if (jz_stats_get(&rq->x, &sr, &res, &e) != JZ_OK)
            srv_error(rs, &e);
        else if (!f || strcmp(f, "json") == 0)
            srv_json(rs, 200, jz_stats_res_to_json(&res, &sr));
        else
            stats_file(rq, rs, &sr, &res);
    }
    jz_stats_res_free(&res);
    json_decref(q);
}

ROUTE(h_audit_verify)
{
    jz_audit_check c;
    jz_error e;
    jz_error_clear(&e);
    const char *head = srv_query(rq, "checkpoint");
    if (jz_audit_verify(&rq->x, head, &c, &e) != JZ_OK) {
        if (strcmp(e.field, "head") == 0) /* the command line's option */
            snprintf(e.field, sizeof e.field, "checkpoint");
        srv_error(rs, &e);
    } else {
        srv_json(rs, 200, jz_audit_check_to_json(&c));
    }
}
