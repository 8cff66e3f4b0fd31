"""Writes server/openapi.json, the OpenAPI 3 document of jiuzhu serve (run it after
changing the routes of server/routes.c; tests/unit/test_router.c checks the two agree)."""
import json
err = {"$ref": "#/components/responses/Error"}
def op(summary, tag, roles, body=None, resp="对象", params=(), query=(), ok="200", write=False,
       ctype="application/json", media=None):
    o = {"summary": summary, "tags": [tag], "x-jiuzhu-roles": roles,
         "responses": {ok: {"description": resp, "content": media or {"application/json": {"schema": {"type": "object"}}}},
                       "4XX": err, "5XX": err}}
    ps = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in params]
    ps += [{"name": q, "in": "query", "required": False, "schema": {"type": "string"}, "description": d} for q, d in query]
    if ps: o["parameters"] = ps
    if body:
        o["requestBody"] = {"required": True, "content": {ctype: {"schema": body}}}
    if roles == []:
        o["security"] = []
    if write and roles:
        o["x-csrf"] = "使用会话 Cookie 时须带 X-CSRF-Token 请求头（登录返回的 csrf_token）"
    return o
obj = lambda props, req: {"type": "object", "additionalProperties": False, "properties": props, "required": req}
S = {"type": "string"}
PAYREAD = ["analyst","reviewer","auditor"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL = ["admin","analyst","reviewer","caseworker","assistant","dept","auditor"]
paths = {
 "/api/login": {"post": op("登录：成功后设置 HttpOnly 会话 Cookie，并返回 csrf_token", "登录", [], obj({"login": S, "password": S}, ["login","password"]), write=True)},
 "/api/openapi.json": {"get": op("本接口文档（OpenAPI 3）", "系统", [])},
 "/api/health": {"get": op("服务状态", "系统", [])},
 "/api/logout": {"post": op("退出登录（会话立即失效）", "登录", ALL, write=True)},
 "/api/me": {"get": op("当前用户：姓名、角色、地区范围，以及 csrf_token", "登录", ALL)},
 "/api/me/password": {"post": op("修改本人密码（全部会话失效，须重新登录）", "登录", ALL, obj({"old_password": S, "new_password": S}, ["old_password","new_password"]), write=True)},
 "/api/users": {"get": op("用户列表（管理员本人范围内）", "用户", ["admin"], query=[("region","地区代码前缀，须在本人范围内")]),
                "post": op("新增用户", "用户", ["admin"], obj({"login": S, "name": S, "role": {"type":"string","enum":ALL+["管理员","省级分析员","县级审核员","乡镇经办员","村协理员","部门数据员","审计员"]}, "scope": S, "dept": S, "password": S}, ["login","name","role","scope","password"]), ok="201", write=True)},
 "/api/users/{login}/disable": {"post": op("停用用户（其会话立即失效）", "用户", ["admin"], params=["login"], write=True)},
 "/api/users/{login}/enable": {"post": op("启用用户", "用户", ["admin"], params=["login"], write=True)},
 "/api/users/{login}/password": {"post": op("重设用户密码（其会话立即失效）", "用户", ["admin"], obj({"password": S}, ["password"]), params=["login"], write=True)},
 "/api/households/{id}": {"get": op("家庭户详情：户记录（身份证号码完整显示，记入查询留痕）", "家庭户", ["analyst","reviewer","caseworker","assistant","auditor"], params=["id"], query=[("trace","true：附完整的规则推理过程（默认只列决定性规则及其依据）")]),
                          "put": op("登记或更正家庭户（申请受理录入）：请求体为 FORMATS.md 的户记录，校验与导入相同", "家庭户", ["caseworker","assistant"], {"$ref": "#/components/schemas/HouseholdRecord"}, params=["id"], write=True)},
 "/api/households/{id}/chain": {"get": op("一户一条救助链：申请、认定、救助、预警、转介、部门救助按时间排列（记入查询留痕）", "家庭户", ["analyst","reviewer","caseworker","assistant","auditor"], params=["id"])},
 "/api/assess": {"post": op("评估户记录（不保存）：一次申请，全部项目的认定结果及其规则依据；params 可临时改参数（测算）", "评估", ALL, obj({"household": {"$ref": "#/components/schemas/HouseholdRecord"}, "params": {"type":"object"}, "date": S, "trace": {"type":"boolean"}}, ["household"]))},
 "/api/cases": {"get": op("案件列表（本人范围内）", "案件", ["analyst","reviewer","caseworker","assistant","auditor"], query=[("region","地区代码前缀"),("open_only","true：只列未办结")]),
                "post": op("受理申请（R-WF-6 申请人须为在世成员；R-ONE-1 一次申请全部项目；R-WF-5 近亲属备案）", "案件", ["caseworker"], obj({"household_id": S, "applicant": S, "date": S, "note": S, "township_confirms": {"type":"boolean"}, "review": {"type":"boolean"}, "programmes": {"type":"array","items":S}}, ["household_id"]), ok="201", write=True)},
 "/api/cases/due": {"get": op("到期案件：按期限排列（工作日）", "案件", ["reviewer","caseworker"], query=[("region","地区代码前缀"),("within","工作日，0–365，默认 5"),("all","true：列出全部未办结")])},
 "/api/cases/{id}": {"get": op("案件详情：步骤、期限、核对结果、初审意见、决定、临时救助；actions：本人今天可办理的步骤", "案件", ["analyst","reviewer","caseworker","assistant","auditor"], params=["id"])},
 "/api/cases/{id}/steps": {"post": op("办理下一步：investigate 调查、verify 核对、preliminary 初审、notice 公示、object 异议、confirm 审核确认、decide 决定、publish 公布、home_visit 入户、extend 延期、advance 先行救助、applicant 变更申请人", "案件", ["reviewer","caseworker"], {"type": "object", "description": "见 docs/api-case.md"}, params=["id"], write=True)},
 "/api/cases/{id}/document": {"get": op("决定通知书（审核确认通知书或不予批准通知书）", "案件", ["reviewer","caseworker","auditor"], params=["id"], query=[("format","html（默认）或 text")])},
 "/api/villages/{code}/postings": {"get": op("村（社区）公示、公布名单（R-PUB-1：只列姓名、保障人数、金额）；不给日期时列出张贴日期", "公示公布", ["analyst","reviewer","caseworker","assistant","auditor"], params=["code"], query=[("kind","notice 公示 或 publish 公布"),("date","张贴日期"),("format","html（默认）、text、csv、xlsx 或 json")])},
 "/api/reviews/open-due": {"post": op("为到期复核（R-REVIEW-1）和死亡核查（R-DEATH-1）开启复核案件", "救助对象", ["reviewer"], query=[("region","地区代码前缀")], write=True)},
 "/api/enrolments": {"get": op("救助对象列表（本人范围内）", "救助对象", ["analyst","reviewer","caseworker","auditor"], query=[("region","地区代码前缀"),("household","户编号")])},
 "/api/enrolments/{id}/exit": {"post": op("渐退（R-EXIT-1）", "救助对象", ["reviewer"], obj({"date": S, "note": S}, []), params=["id"], write=True)},
 "/api/enrolments/{id}/stop": {"post": op("停发（R-REPORT-1）：unreported 未报告变化、ineligible 不再符合、fraud 骗取（追回）", "救助对象", ["reviewer"], obj({"date": S, "note": S, "reason": S, "fraud_from": S}, ["reason","note"]), params=["id"], write=True)},
 "/api/deaths": {"post": op("登记死亡（R-DEATH-1）", "救助对象", ["reviewer","caseworker"], obj({"id_number": S, "death_date": S, "date": S, "note": S, "enrolment": {"type":"integer"}}, ["id_number","death_date"]), write=True)},
 "/api/households/{id}/access": {"get": op("一户的查询留痕：谁在何时查看", "审计", ["auditor"], params=["id"], query=[("limit","最多条数，1–1000")])},
 "/api/access-log": {"get": op("查询留痕（本人范围内，最新在前）", "审计", ["auditor"], query=[("region","地区代码前缀"),("limit","最多条数，1–1000")])},
 "/api/feeds/{dept}": {"post": op("上传本部门数据（请求体为部门数据文件，CSV，UTF-8；见 docs/feeds.md）：逐行校验，被拒行列出原因", "部门数据", ["dept"], {"type": "string", "format": "binary"}, params=["dept"], query=[("name","文件名，用于报错和审计")], write=True)},
 "/api/monitor/run": {"post": op("运行动态监测：按预警指标比对部门数据，生成 A/B/C/D 类预警", "动态监测", ["reviewer"], obj({"on": S, "region": S}, []), write=True)},
 "/api/monitor/fpm": {"post": op("与防止返贫监测名单比对（R-MON-4）：请求体为名单文件，返回未纳入救助的人（本人范围内）", "动态监测", ["reviewer","analyst"], {"type": "string", "format": "binary"}, query=[("region","地区代码前缀"),("name","文件名")])},
 "/api/alerts": {"get": op("预警列表（本人范围内，最紧急在前；身份证号码遮蔽）", "预警处置", ["reviewer","caseworker","analyst","auditor"], query=[("region","地区代码前缀"),("category","A/B/C/D"),("state","状态"),("open_only","true：只列未办结"),("offset","跳过条数"),("limit","最多条数，1–1000")])},
 "/api/referrals": {"get": op("转介给本部门的预警（部门数据员）；民政人员看全部转介", "预警处置", ["dept","reviewer","caseworker","auditor"], query=[("region","地区代码前缀")])},
 "/api/alerts/{id}": {"get": op("预警详情：依据的部门数据、处置步骤、按库中户记录的重新评估（记入查询留痕）", "预警处置", ["reviewer","caseworker","analyst","auditor","dept"], params=["id"])},
 "/api/alerts/{id}/actions": {"post": op("处置预警：assign 分派、verify 核实、refer 转介、feedback 部门反馈（部门数据员）、resolve 办结", "预警处置", ["reviewer","caseworker","dept"], obj({"action": S, "on": S, "note": S, "assignee": S, "confirmed": {"type":"boolean"}, "dept": S, "kind": S, "amount_fen": {"type":"integer"}, "outcome": S, "expect_state": S}, ["action"]), params=["id"], write=True)},
 "/api/staff": {"post": op("登记工作人员（R-WF-5）", "工作人员", ["reviewer"], obj({"county": S, "id": S, "name": S, "unit": S}, ["county","id","name"]), ok="201", write=True)},
 "/api/staff/relatives": {"post": op("登记工作人员的近亲属（其申请须备案）", "工作人员", ["reviewer"], obj({"staff_id": S, "id": S, "name": S, "relation": S}, ["staff_id","id","name","relation"]), ok="201", write=True)},
 # payments (docs/api-pay.md): the county's reviewer writes, analysts and auditors read
 "/api/pay/plan": {"post": op("编制发放计划：该月（低保）及季度首月（特困）应发，已有的不重复；计划后的变化计为调整或追回", "发放", ["reviewer"], obj({"period": S, "region": S}, ["period"]), write=True)},
 "/api/pay/batches": {"get": op("发放批次列表（本人范围内）", "发放", PAYREAD, query=[("county","县级区划代码"),("period","所属月份 YYYY-MM")]),
                      "post": op("编制发放批次：该县该月可发放的明细按收款银行分批；退票重发明细一并编入", "发放", ["reviewer"], obj({"period": S, "county": S}, ["period","county"]), ok="201", write=True)},
 "/api/pay/batches/{id}": {"get": op("发放批次及其明细（账号隐去中间部分，分页）", "发放", PAYREAD, params=["id"], query=[("offset","跳过条数"),("limit","最多条数，1–10000，默认 1000")])},
 "/api/pay/batches/{id}/approve": {"post": op("审核并锁定批次：编制人本人审核返回 403", "发放", ["reviewer"], params=["id"], write=True)},
 "/api/pay/batches/{id}/export": {"post": op("生成已审核批次的代发文件（附件；账号完整，记入查询留痕「导出」）：首次生成即报送，标记批次和明细为已报送；再次调用返回同一文件", "发放", ["reviewer"], params=["id"], query=[("format","csv（默认，按银行配置的编码）或 xlsx")], resp="代发文件", media={"text/csv": {"schema": {"type": "string", "format": "binary"}}, XLSX: {"schema": {"type": "string", "format": "binary"}}}, write=True)},
 "/api/pay/batches/{id}/file": {"get": op("再次下载已报送批次的代发文件（附件；账号完整，记入查询留痕「导出」）；尚未报送的批次返回 409，须先生成（POST …/export）", "发放", ["reviewer"], params=["id"], query=[("format","csv（默认，按银行配置的编码）或 xlsx")], resp="代发文件", media={"text/csv": {"schema": {"type": "string", "format": "binary"}}, XLSX: {"schema": {"type": "string", "format": "binary"}}}, write=True)},
 "/api/pay/batches/{id}/results": {"post": op("导入银行回盘文件（请求体为 CSV，UTF-8 或 GB18030）：全部核对无误才写入；同一文件再次导入不作改动", "发放", ["reviewer"], {"type": "string", "format": "binary"}, params=["id"], query=[("name","文件名，用于报错和审计")], ctype="text/csv", write=True)},
 "/api/pay/followups": {"post": op("退票且账户已更正的明细生成重发明细（只发一次），由下一批次发放", "发放", ["reviewer"], obj({"county": S}, ["county"]), write=True)},
 "/api/pay/once": {"post": op("一次性发放（R-ONCE-1）：按项目文件给资格认定日在册的每人生成一条明细，分列省级、市县份额；重复执行不重复", "发放", ["reviewer"], obj({"programme": S, "region": S}, ["programme"]), write=True)},
 "/api/pay/reconcile": {"get": op("对账：一个批次，或一县一期的应发、到账、退票、重发、在途、暂缓和追回，逐条列出差异", "发放", PAYREAD, query=[("batch","批次号"),("county","县级区划代码"),("period","期次：YYYY-MM、YYYY-Qn 或一次性项目代码")])},
 "/api/regions": {"get": op("下级区划（代码和名称）：parent 的下一级，默认本人地区范围的下一级；村不在区划表中", "系统", ALL, query=[("parent","上级区划代码，2、4 或 6 位（区划代码是公开信息）")])},
 "/api/rules": {"get": op("认定规则表：每条规则的编号、简称、法规依据、来源文件和所用参数（与 jiuzhu rules 相同）", "户", ALL)},
 "/api/households": {"get": op("户列表（分页，服务端筛选；身份证号隐去中间部分）：户编号、户主、区划、认定类别和金额", "户", ["analyst","reviewer","caseworker","assistant","auditor"], query=[("region","地区代码前缀"),("q","户编号开头、成员姓名的一部分或成员完整身份证号"),("category","none、dibao、dibao_expenditure、marginal、rigid_expenditure 或 unassessed"),("offset","起始行，默认 0"),("limit","每页行数 1–500，默认 50")])},
 "/api/simulate": {"post": op("政策测算：在现有登记数据上改变参数重新评估（不保存），按县汇总类别变化和每月金额变化，并列出示例户", "统计", ["analyst","reviewer"], obj({"region": S, "params": {"type": "object", "additionalProperties": {"type": ["string","number"]}}, "date": S, "examples": {"type": "integer"}}, ["params"]))},
 "/api/audit": {"get": op("审计日志（分页，新的在前；身份证号隐去中间部分）", "审计", ["auditor"], query=[("region","地区代码前缀（县及以上）"),("action","操作名开头，如 pay."),("offset","起始行"),("limit","每页行数 1–500，默认 100")])},
 "/api/pay/statement": {"get": op("财政对账单（.xlsx 附件，记入查询留痕「导出」）：按项目和资金来源汇总", "发放", PAYREAD, query=[("county","县级区划代码"),("period","期次")], resp="对账单", media={XLSX: {"schema": {"type": "string", "format": "binary"}}})},
 "/api/pay/due": {"get": op("已超期或将在 N 个工作日内到期而尚未报送银行的发放（R-DB-PAY、R-TK-PAY、R-ONCE-1）", "发放", PAYREAD, query=[("region","地区代码前缀"),("within","工作日，0–365，默认 5"),("date","查看日期，默认今天")])},
 "/api/households/{id}/payee": {"get": op("一户的收款账户（账号、身份证号隐去中间部分；记入查询留痕）", "发放", PAYREAD, params=["id"], query=[("member_id","只看户内某人本人的账户")]),
                                "put": op("登记或更换一户（或户内某人、集中供养特困人员的供养服务机构）的收款账户；更换另存新版本", "发放", ["reviewer"], obj({"member_id": S, "holder_name": S, "holder_id": S, "bank": S, "account": S, "institution": {"type":"integer"}}, []), params=["id"], write=True)},
 "/api/households/{id}/payments": {"get": op("一户的发放明细及其结果、追回和退款（记入查询留痕）", "发放", PAYREAD, params=["id"])},
 "/api/institutions": {"get": op("供养服务机构及其账户（账号隐去中间部分）", "发放", PAYREAD, query=[("county","县级区划代码")]),
                       "post": op("登记供养服务机构及其账户（集中供养特困人员的供养金付给机构）", "发放", ["reviewer"], obj({"county": S, "name": S, "holder": S, "bank": S, "account": S}, ["county","name","holder","bank","account"]), ok="201", write=True)},
 "/api/enrolments/{id}/hold": {"post": op("自某月起暂停发放（复核期间等）；已计划的月份在下次计划时转为追回", "发放", ["reviewer"], obj({"from": S, "reason": S}, ["from","reason"]), params=["id"], write=True)},
 "/api/enrolments/{id}/release": {"post": op("解除暂停发放，暂停至某月；back_pay 为 true 时暂停期间各月在下次计划时补发", "发放", ["reviewer"], obj({"to": S, "back_pay": {"type":"boolean"}}, ["to"]), params=["id"], write=True)},
 "/api/recoveries": {"get": op("追回（多发的救助金）及其退款、余额（本人范围内）", "发放", PAYREAD, query=[("household","户编号"),("county","县级区划代码")])},
 "/api/recoveries/{id}/repayments": {"post": op("登记一笔追回退款，不得超过余额；余额为 0 即结清", "发放", ["reviewer"], obj({"amount_fen": {"type":"integer"}, "date": S, "note": S}, ["amount_fen"]), params=["id"], ok="201", write=True)},
 "/api/stats": {"get": op("按市、县或乡镇统计各类对象户数、人数和金额（本人范围内）；format=xlsx 时为 Excel 附件（记入查询留痕「导出」）", "统计", ["analyst","reviewer","auditor"], query=[("region","地区代码前缀"),("level","city/county/township"),("months","按月趋势的月数 0–60，默认 12（trend：截至本月每月的案件、保障、发放、预警）"),("format","json（默认）或 xlsx")], media={"application/json": {"schema": {"type": "object"}}, XLSX: {"schema": {"type": "string", "format": "binary"}}})},
 "/api/audit/verify": {"get": op("校验审计日志（哈希链与数据）", "审计", ["auditor"], query=[("checkpoint","SEQ:HASH，先前记下的链头")])},
 "/api/params": {"get": op("某县某日施行的政策参数：名称、类型、单位、说明、取值及其来源（政策测算前查看）", "评估", ["analyst","reviewer"], query=[("region","县级区划代码或其下的地区（须在本人范围内）"),("date","施行日期 YYYY-MM-DD，默认今天")])},
}
doc = {"openapi": "3.0.3",
 "info": {"title": "救助 jiuzhu 接口", "version": "0.1.0",
          "description": "社会救助平台的 JSON 接口。金额以分为单位（整数，字段名以 _fen 结尾）；日期为 YYYY-MM-DD。错误均为 JSON：{\"error\":{\"code\",\"status\",\"message\",\"reason\",\"field\",\"value\",\"retry\"}}，message 为中文。每个接口按角色（x-jiuzhu-roles）和用户的地区范围检查权限；范围外的对象一律返回 404。"},
 "servers": [{"url": "/"}],
 "security": [{"session": []}, {"bearer": []}],
 "paths": paths,
 "components": {
   "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "jz_session"},
                       "bearer": {"type": "http", "scheme": "bearer"}},
   "schemas": {
     "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "string", "description": "稳定的错误代码：input, range, nomem, io, notfound, usage, busy, conflict, auth, denied, csrf, bad_json, media_type, too_large, route, method"},
        "status": {"type": "integer"}, "message": {"type": "string"}, "reason": {"type": "string"},
        "household": S, "member": S, "field": S, "value": S, "line": {"type": "integer"}, "retry": {"type": "boolean"}},
        "required": ["code","status","message"]}}},
     "HouseholdRecord": {"type": "object", "description": "户记录（FORMATS.md）：household_id、region、area、members 等"}},
   "responses": {"Error": {"description": "错误（中文说明）", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}}
import os
json.dump(doc, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'openapi.json'), 'w'), ensure_ascii=False, indent=1)
