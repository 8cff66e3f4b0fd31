/*
 * routes.c - the route table: every route the server answers, who may call
 * it and how its subject is scoped.  Keep server/openapi.json in step
 * (test_openapi checks both ways).
 */
#include "srv.h"

#define W true  /* changes something */
#define RO false
#define PAY_READ (R_ANALYST | R_REVIEWER | R_AUDITOR)

const jz_route jz_routes[] = {
    /* public */
    {"POST", "/api/login", R_NONE, JZ_SCOPE_NONE, W, h_login, "登录"},
    {"GET", "/api/openapi.json", R_NONE, JZ_SCOPE_NONE, RO, h_openapi, "查看接口文档"},
    {"GET", "/api/health", R_NONE, JZ_SCOPE_NONE, RO, h_health, "检查服务状态"},
    /* the user himself */
    {"POST", "/api/logout", R_ANY, JZ_SCOPE_NONE, W, h_logout, "退出登录"},
    {"GET", "/api/me", R_ANY, JZ_SCOPE_NONE, RO, h_me, "查看本人信息"},
    {"POST", "/api/me/password", R_ANY, JZ_SCOPE_NONE, W, h_me_password, "修改本人密码"},
    /* users (管理员) */
    {"GET", "/api/users", R_ADMIN, JZ_SCOPE_LIST, RO, h_users_list, "查看用户"},
    {"POST", "/api/users", R_ADMIN, JZ_SCOPE_BODY, W, h_users_add, "新增用户"},
    {"POST", "/api/users/{login}/disable", R_ADMIN, JZ_SCOPE_USER, W, h_user_disable,
     "停用用户"},
    {"POST", "/api/users/{login}/enable", R_ADMIN, JZ_SCOPE_USER, W, h_user_enable, "启用用户"},
    {"POST", "/api/users/{login}/password", R_ADMIN, JZ_SCOPE_USER, W, h_user_password,
     "重设用户密码"},
    /* households */
    {"GET", "/api/households", R_ANALYST | R_REVIEWER | R_CASEWORKER | R_ASSISTANT | R_AUDITOR,
     JZ_SCOPE_LIST, RO, h_households_list, "查看户列表"},
    {"GET", "/api/households/{id}", R_ANALYST | R_REVIEWER | R_CASEWORKER | R_ASSISTANT | R_AUDITOR,
     JZ_SCOPE_HOUSEHOLD, RO, h_household_get, "查看家庭户"},
    {"PUT", "/api/households/{id}", R_CASEWORKER | R_ASSISTANT, JZ_SCOPE_BODY, W,
     h_household_put, "登记或更正家庭户（申请受理录入）"},
    {"GET", "/api/households/{id}/chain", R_ANALYST | R_REVIEWER | R_CASEWORKER | R_ASSISTANT | R_AUDITOR,
     JZ_SCOPE_HOUSEHOLD, RO, h_household_chain, "查看救助链"},
    {"GET", "/api/households/{id}/access", R_AUDITOR, JZ_SCOPE_HOUSEHOLD, RO, h_household_access,
     "查看查询留痕"},
    {"GET", "/api/access-log", R_AUDITOR, JZ_SCOPE_LIST, RO, h_access_list, "查看查询留痕"},
    /* stateless assessment (what-if parameters allowed) */
    {"POST", "/api/assess", R_ANY, JZ_SCOPE_NONE, RO, h_assess, "评估户记录"},
    {"GET", "/api/rules", R_ANY, JZ_SCOPE_NONE, RO, h_rules, "查看认定规则及其依据"},
    {"GET", "/api/regions", R_ANY, JZ_SCOPE_NONE, RO, h_regions, "查看下级区划"},
    /* cases */
    {"GET", "/api/cases", R_ANALYST | R_REVIEWER | R_CASEWORKER | R_ASSISTANT | R_AUDITOR,
     JZ_SCOPE_LIST, RO, h_cases_list, "查看案件"},
    {"POST", "/api/cases", R_CASEWORKER, JZ_SCOPE_BODY, W, h_case_accept, "受理申请"},
    {"GET", "/api/cases/due", R_REVIEWER | R_CASEWORKER, JZ_SCOPE_LIST, RO, h_cases_due,
     "查看到期案件"},
    {"GET", "/api/cases/{id}", R_ANALYST | R_REVIEWER | R_CASEWORKER | R_ASSISTANT | R_AUDITOR,
     JZ_SCOPE_CASE, RO, h_case_get, "查看案件详情"},
    {"POST", "/api/cases/{id}/steps", R_REVIEWER | R_CASEWORKER, JZ_SCOPE_CASE, W, h_case_step,
     "办理案件步骤"},
    {"GET", "/api/cases/{id}/document", R_REVIEWER | R_CASEWORKER | R_AUDITOR, JZ_SCOPE_CASE, RO,
     h_case_document, "查看决定通知书"},
    {"GET", "/api/villages/{code}/postings",
     R_ANALYST | R_REVIEWER | R_CASEWORKER | R_ASSISTANT | R_AUDITOR, JZ_SCOPE_REGION, RO,
     h_village_postings, "查看公示、公布名单"},
    {"POST", "/api/reviews/open-due", R_REVIEWER, JZ_SCOPE_LIST, W, h_reviews_open_due,
     "开启到期复核"},
    /* enrolments and deaths */
    {"GET", "/api/enrolments", R_ANALYST | R_REVIEWER | R_CASEWORKER | R_AUDITOR, JZ_SCOPE_LIST,
     RO, h_enrolments_list, "查看救助对象"},
    {"POST", "/api/enrolments/{id}/exit", R_REVIEWER, JZ_SCOPE_ENROLMENT, W, h_enrolment_exit,
     "渐退"},
    {"POST", "/api/enrolments/{id}/stop", R_REVIEWER, JZ_SCOPE_ENROLMENT, W, h_enrolment_stop,
     "停发"},
    {"POST", "/api/deaths", R_REVIEWER | R_CASEWORKER, JZ_SCOPE_BODY, W, h_death, "登记死亡"},
    /* departments' data and monitoring */
    {"POST", "/api/feeds/{dept}", R_DEPT, JZ_SCOPE_NONE, W, h_feed_import, "上传本部门数据"},
    {"POST", "/api/monitor/run", R_REVIEWER, JZ_SCOPE_BODY, W, h_monitor_run, "运行动态监测"},
    {"POST", "/api/monitor/fpm", R_REVIEWER | R_ANALYST, JZ_SCOPE_LIST, RO, h_monitor_fpm,
     "比对防止返贫监测名单"},
    {"GET", "/api/alerts", R_REVIEWER | R_CASEWORKER | R_ANALYST | R_AUDITOR, JZ_SCOPE_LIST, RO,
     h_alerts_list, "查看预警"},
    {"GET", "/api/referrals", R_DEPT | R_REVIEWER | R_CASEWORKER | R_AUDITOR, JZ_SCOPE_LIST, RO,
     h_referrals, "查看转介"},
    {"GET", "/api/alerts/{id}", R_REVIEWER | R_CASEWORKER | R_ANALYST | R_AUDITOR | R_DEPT,
     JZ_SCOPE_ALERT, RO, h_alert_get, "查看预警详情"},
    {"POST", "/api/alerts/{id}/actions", R_REVIEWER | R_CASEWORKER | R_DEPT, JZ_SCOPE_ALERT, W,
     h_alert_action, "处置预警"},
    /* staff register (R-WF-5) */
    {"POST", "/api/staff", R_REVIEWER, JZ_SCOPE_BODY, W, h_staff_add, "登记工作人员"},
    {"POST", "/api/staff/relatives", R_REVIEWER, JZ_SCOPE_BODY, W, h_staff_relative,
     "登记工作人员近亲属"},
    /* payments (issue 14): the county's reviewer plans, prepares, approves
     * (never his own batch), exports and settles; analysts and auditors read */
    {"POST", "/api/pay/plan", R_REVIEWER, JZ_SCOPE_BODY, W, h_pay_plan, "编制发放计划"},
    {"POST", "/api/pay/batches", R_REVIEWER, JZ_SCOPE_BODY, W, h_pay_batches_prepare,
     "编制发放批次"},
    {"GET", "/api/pay/batches", PAY_READ, JZ_SCOPE_LIST, RO, h_pay_batches_list, "查看发放批次"},
    {"GET", "/api/pay/batches/{id}", PAY_READ, JZ_SCOPE_BATCH, RO, h_pay_batch_get,
     "查看发放批次明细"},
    {"POST", "/api/pay/batches/{id}/approve", R_REVIEWER, JZ_SCOPE_BATCH, W, h_pay_batch_approve,
     "审核发放批次"},
    {"POST", "/api/pay/batches/{id}/export", R_REVIEWER, JZ_SCOPE_BATCH, W, h_pay_batch_export,
     "生成代发文件（报送银行）"},
    {"GET", "/api/pay/batches/{id}/file", R_REVIEWER, JZ_SCOPE_BATCH, W, h_pay_batch_file,
     "再次下载代发文件"},
    {"POST", "/api/pay/batches/{id}/results", R_REVIEWER, JZ_SCOPE_BATCH, W, h_pay_batch_results,
     "导入银行回盘文件"},
    {"POST", "/api/pay/followups", R_REVIEWER, JZ_SCOPE_BODY, W, h_pay_followups,
     "生成退票重发明细"},
    {"POST", "/api/pay/once", R_REVIEWER, JZ_SCOPE_BODY, W, h_pay_once, "编制一次性发放"},
    {"GET", "/api/pay/reconcile", PAY_READ, JZ_SCOPE_LIST, RO, h_pay_reconcile, "对账"},
    {"GET", "/api/pay/statement", PAY_READ, JZ_SCOPE_LIST, RO, h_pay_statement,
     "下载财政对账单"},
    {"GET", "/api/pay/due", PAY_READ, JZ_SCOPE_LIST, RO, h_pay_due, "查看发放期限"},
    {"GET", "/api/households/{id}/payee", PAY_READ, JZ_SCOPE_HOUSEHOLD, RO, h_payee_get,
     "查看收款账户"},
    {"PUT", "/api/households/{id}/payee", R_REVIEWER, JZ_SCOPE_HOUSEHOLD, W, h_payee_put,
     "登记或更换收款账户"},
    {"GET", "/api/households/{id}/payments", PAY_READ, JZ_SCOPE_HOUSEHOLD, RO,
     h_household_payments, "查看一户的发放明细和追回"},
    {"GET", "/api/institutions", PAY_READ, JZ_SCOPE_LIST, RO, h_institutions_list,
     "查看供养服务机构"},
    {"POST", "/api/institutions", R_REVIEWER, JZ_SCOPE_BODY, W, h_institutions_add,
     "登记供养服务机构"},
    {"POST", "/api/enrolments/{id}/hold", R_REVIEWER, JZ_SCOPE_ENROLMENT, W, h_enrolment_hold,
     "暂停发放"},
    {"POST", "/api/enrolments/{id}/release", R_REVIEWER, JZ_SCOPE_ENROLMENT, W,
     h_enrolment_release, "解除暂停发放"},
    {"GET", "/api/recoveries", PAY_READ, JZ_SCOPE_LIST, RO, h_recoveries_list, "查看追回"},
    {"POST", "/api/recoveries/{id}/repayments", R_REVIEWER, JZ_SCOPE_RECOVERY, W,
     h_recovery_repay, "登记追回退款"},
    /* statistics and audit */
    {"GET", "/api/stats", R_ANALYST | R_REVIEWER | R_AUDITOR, JZ_SCOPE_LIST, RO, h_stats,
     "查看统计"},
    {"GET", "/api/audit/verify", R_AUDITOR, JZ_SCOPE_NONE, RO, h_audit_verify, "校验审计日志"},
    {"GET", "/api/audit", R_AUDITOR, JZ_SCOPE_LIST, RO, h_audit_list, "查看审计日志"},
    /* the policy simulation: over the live registry, nothing saved */
    {"POST", "/api/simulate", R_ANALYST | R_REVIEWER, JZ_SCOPE_BODY, RO, h_simulate, "政策测算"},
    {"GET", "/api/params", R_ANALYST | R_REVIEWER, JZ_SCOPE_LIST, RO, h_params, "查看政策参数"},
};
const size_t jz_n_routes = sizeof jz_routes / sizeof jz_routes[0];
