/*
 * rule_table.c - every rule of POLICY.md with its source and the parameters
 * it reads.  The source names the seed document by its 文号 and clause
 * (seeds: 000 = 晋民发〔2022〕60号 as forwarded by 忻民发〔2022〕71号, 001 =
 * 晋民发〔2023〕31号, 002 = the county's 低收入人口常态化帮扶 plan, 003 = the
 * 山东省民政厅 interpretation of the 实施意见 of 国办发〔2023〕39号, 004 =
 * 晋民发〔2022〕38号) or the national text and article.  A unit test keeps
 * this table, the code and POLICY.md in step.
 */
#include <string.h>

#include "jiuzhu/jz_rules.h"

#define SEED000 "晋民发〔2022〕60号"
#define SEED001 "晋民发〔2023〕31号"
#define SEED002 "县低收入人口常态化帮扶工作方案"
#define SEED003 "山东省民政厅《实施意见（征求意见稿）》政策解读"
#define SEED004 "晋民发〔2022〕38号"
#define N57 "《最低生活保障审核确认办法》（民发〔2021〕57号）"
#define N43 "《特困人员认定办法》（民发〔2021〕43号）"
#define NRSP "《刚性支出困难家庭认定办法》"
#define NZB "《社会救助暂行办法》"
#define NLS18 "民政部 财政部《关于进一步加强和改进临时救助工作的意见》（2018）"

#define R(suffix, stage_, title_, source_, seeds_, params_)                                        \
    [JZ_RULE_##suffix] = {                                                                         \
        .stage = stage_, .title = title_, .source = source_, .seeds = seeds_, .params = params_}

const jz_rule_info jz_rule_table[JZ_RULE_COUNT] = {
    R(HH_1, JZ_STAGE_ENGINE, "共同生活的家庭成员", N57 "第七条", "", ""),
    R(HH_2, JZ_STAGE_ENGINE, "不计入共同生活的家庭成员（服刑、强制隔离戒毒、失踪、宗教教职人员）",
      N57 "第七条", "", ""),
    R(HH_4, JZ_STAGE_ENGINE, "符合条件的家庭整户纳入，不得只纳入个别成员", SEED001 " 四(一)", "001",
      ""),
    R(INC_1, JZ_STAGE_ENGINE, "计入的家庭收入", N57 "第十三条", "", "income.window_months"),
    R(INC_2, JZ_STAGE_ENGINE, "不计入的收入", N57 "第十四条", "", "income.excluded_kinds"),
    R(AST_1, JZ_STAGE_ENGINE, "金融资产人均限额", N57 "第十七条；" SEED000 " 二(一)2", "000",
      "dibao.assets.financial_months,expenditure.assets.financial_months,"
      "marginal.assets.financial_months"),
    R(AST_2, JZ_STAGE_ENGINE, "车辆、多余住房、市场主体等其他财产",
      N57 "第十七条；" SEED001 " 四(四)", "001",
      "assets.max_vehicles,assets.max_extra_houses,assets.business_allowed"),
    R(TK_2, JZ_STAGE_ENGINE, "特困：无劳动能力", N43 "第五条、第二十四条；" SEED004 " 一.1", "004",
      "tekun.elderly_age,tekun.minor_age,tekun.minor_age_in_school,"
      "tekun.disability_max_grade.vision,tekun.disability_max_grade.hearing,"
      "tekun.disability_max_grade.speech,tekun.disability_max_grade.limb,"
      "tekun.disability_max_grade.intellectual,tekun.disability_max_grade.mental,"
      "tekun.disability_max_grade.multiple"),
    R(TK_3, JZ_STAGE_ENGINE, "特困：无生活来源", N43 "第六条", "",
      "dibao.standard.urban,dibao.standard.rural,income.window_months,"
      "tekun.assets.financial_months,assets.max_vehicles,assets.max_extra_houses,"
      "assets.business_allowed"),
    R(TK_4, JZ_STAGE_ENGINE, "特困：无法定义务人或义务人无履行能力", N43 "第八条", "", ""),
    R(TK_1, JZ_STAGE_ENGINE, "特困人员认定（三个条件同时具备）",
      N43 "第四条；" SEED002 " 工作任务(三)1(3)；" SEED004 " 一.1", "002,004", ""),
    R(TK_CARE, JZ_STAGE_ENGINE, "特困：生活自理能力评估（六项指标）", N43 "第二十条至第二十三条",
      "", ""),
    R(TK_AMT, JZ_STAGE_ENGINE, "特困：基本生活标准与照料护理标准",
      N43 "；" SEED004 " 一.5（同步调整特困供养标准）", "004",
      "tekun.basic_multiple,tekun.care.capable,tekun.care.partial,tekun.care.none,"
      "dibao.amount.rounding"),
    R(TK_5, JZ_STAGE_ENGINE, "特困人员单独成户，不再计入家庭低保",
      N43 "；" SEED002 " 工作任务(三)1(3)", "002", ""),
    R(DB_1, JZ_STAGE_ENGINE, "低保：家庭人均收入低于当地低保标准", SEED001 " 一(一)；" NZB "第九条",
      "001", "dibao.standard.urban,dibao.standard.rural,income.window_months"),
    R(DB_2, JZ_STAGE_ENGINE, "低保：家庭财产状况符合规定", NZB "第九条；" N57 "第十七条", "",
      "dibao.assets.financial_months"),
    R(DB_3, JZ_STAGE_ENGINE, "低保：收入与财产同时符合即纳入，不得附加其他条件",
      SEED001 " 四(一)；" NZB "第九条", "001", ""),
    R(EXP_ILL, JZ_STAGE_ENGINE, "支出型：因病", SEED000 " 二(一)", "000", ""),
    R(EXP_DIS, JZ_STAGE_ENGINE, "支出型：因残", SEED000 " 二(二)", "000", ""),
    R(EXP_EDU, JZ_STAGE_ENGINE, "支出型：因学（本科及以下全日制，不含高收费学校、入托、出国留学）",
      SEED000 " 二(三)", "000", ""),
    R(EXP_MULTI, JZ_STAGE_ENGINE, "支出型：多重原因，刚性支出一并扣除", SEED000 " 二(四)", "000",
      ""),
    R(EXP_1, JZ_STAGE_ENGINE, "支出型：扣除刚性支出后人均收入低于低保标准",
      SEED000 " 二(一)1、(二)1、(三)2", "000",
      "dibao.standard.urban,dibao.standard.rural,income.window_months"),
    R(EXP_2, JZ_STAGE_ENGINE, "支出型：金融资产人均不超过36个月低保标准",
      SEED000 " 二(一)2、(二)2、(三)3", "000", "expenditure.assets.financial_months"),
    R(EXP_3, JZ_STAGE_ENGINE, "支出型贫困家庭纳入低保", SEED001 " 一(三)；" SEED000 " 二",
      "000,001", ""),
    R(DB_AMT, JZ_STAGE_ENGINE, "低保金：按家庭人均收入低于标准的差额按月发放（补差），分类施保",
      NZB "第十二条；" N57 "第二十七条", "",
      "dibao.amount.rounding,dibao.amount.min_per_person,dibao.amount.supplement.elderly,"
      "dibao.amount.supplement.elderly_age,dibao.amount.supplement.minor,"
      "dibao.amount.supplement.severe_disability,dibao.amount.supplement.serious_illness"),
    R(EXP_AMT, JZ_STAGE_ENGINE, "支出型低保金：以扣除刚性支出后的收入计算补差",
      "本系统规定（" SEED000 " 未规定金额计算）；" NZB "第十二条", "000",
      "expenditure.amount_basis"),
    R(MARG_1, JZ_STAGE_ENGINE, "低保边缘家庭：人均收入低于1.5倍低保标准且财产符合规定",
      SEED001 " 一(四)；" SEED002 " 低收入人口范围3；" N57 "第八条", "001,002",
      "marginal.income_multiple,marginal.assets.financial_months"),
    R(SINGLE_1, JZ_STAGE_ENGINE, "单人保：低保边缘家庭中的重度残疾人、重病患者单独纳入低保",
      SEED002 " 工作任务(三)1(2)；" SEED004 " 一.1；" SEED001 " 一(四)", "001,002,004", ""),
    R(SINGLE_2, JZ_STAGE_ENGINE,
      "成年无业重度残疾人参照单人户申请低保（豁免兄弟姐妹及60周岁以上老人供养费；同户其他法定义务人"
      "应给付的赡养、扶养费计入本人收入）",
      SEED001 " 一(二)；" N57 "第十三条", "001",
      "single.obligor_support.share,single.obligor_support.reserve_multiple,"
      "dibao.standard.urban,dibao.standard.rural,income.window_months"),
    R(SINGLE_3, JZ_STAGE_ENGINE, "单人户按本人收入和财产单独核定低保", SEED001 " 一(二)、一(四)",
      "001", "dibao.standard.urban,dibao.standard.rural,dibao.assets.financial_months"),
    R(RSP_1, JZ_STAGE_ENGINE, "刚性支出困难家庭",
      NRSP "第四条、第五条、第十条；" SEED002 " 低收入人口范围4；" SEED003 " 四(二)", "002,003",
      "rsp.disposable_income,rsp.expense_ratio,marginal.assets.financial_months"),
    R(EXIT_1, JZ_STAGE_ENGINE, "低保渐退期：就业后收入超过标准的给予渐退期", SEED001 " 一(五)",
      "001", "exit.months"),
    R(DEATH_1, JZ_STAGE_ENGINE, "低保对象死亡后3个月内完成家庭状况核查", SEED001 " 一(五)", "001",
      "death.check_months"),
    R(TMP_1, JZ_STAGE_ENGINE, "未参保失业人员一次性临时救助金（不低于当地农村低保月标准）",
      SEED001 " 二(一)；" SEED004 " 二.8", "001,004",
      "temporary.unemployed_months,temporary.no_income_months,dibao.standard.rural"),
    R(TMP_2, JZ_STAGE_ENGINE,
      "急难临时救助：基本生活陷入临时困境（家庭人均收入低于低收入线），超出上限须县级协调机制一事一议",
      SEED004 " 二.7；" SEED001 " 二(二)、一(四)；" NLS18, "001,004",
      "temporary.cap_months,temporary.hardship_income_multiple,dibao.standard.urban,"
      "dibao.standard.rural,income.window_months"),
    R(REF_1, JZ_STAGE_ENGINE, "按类转介专项救助（医疗、教育、住房、就业、受灾）",
      SEED002 " 工作任务(三)2；" SEED003 " 四(四)", "002,003", ""),
    R(ONE_1, JZ_STAGE_ENGINE, "一次申请、分类审核认定", SEED003 " 四(二)", "003", ""),
    R(HH_3, JZ_STAGE_INPUT, "同一人只能属于一户（防止重复纳入）", SEED001 " 三(二)", "001", ""),
    R(INC_3, JZ_STAGE_INPUT, "每项收入须有类别，未知类别为输入错误", N57 "第十三条、第十四条", "",
      ""),
    R(DB_PAY, JZ_STAGE_PAYMENT, "低保金按月发放，每月10日前发放到户",
      N57 "第二十一条；" SEED004 " 一.4", "004", ""),
    R(TK_PAY, JZ_STAGE_PAYMENT, "特困供养金按季发放，分散供养每季度初10日前发放到户",
      SEED004 " 一.4", "004", ""),
    R(REPORT_1, JZ_STAGE_PROCEDURE, "如实申报义务：超过3个月未告知、不再符合、骗取低保的处理",
      SEED001 " 五(五)", "001", ""),
    R(REVIEW_1, JZ_STAGE_PROCEDURE, "低保家庭定期核查（每年；收入不稳定或有劳动能力的每半年）",
      N57 "第三十一条", "", "workflow.review_lead_days"),
    R(TMP_3, JZ_STAGE_PROCEDURE, "临时救助不设户籍、居住地限制，急难发生地救助，小额先行",
      SEED003 " 四(四)；" SEED004 " 二.10", "003,004", "temporary.small_first_months"),
    R(TMP_4, JZ_STAGE_PROCEDURE, "低保、特困审核期间生活困难的可先行发放临时救助金",
      SEED003 " 四(四)", "003", "temporary.cap_months"),
    R(WF_1, JZ_STAGE_PROCEDURE, "审核确认程序各环节",
      SEED001 " 四(二)；" N57 "第十条至第二十四条；" N43 " 第十三条至第十八条", "001", ""),
    R(WF_2, JZ_STAGE_PROCEDURE, "办理期限：30个工作日，下放乡镇20个，特殊情况延长至45个",
      SEED001 " 四(二)", "001",
      "workflow.total_days,workflow.township_days,workflow.extended_days"),
    R(WF_3, JZ_STAGE_PROCEDURE, "工作日按国家法定节假日和调休安排计算", SEED001 " 四(二)", "001",
      ""),
    R(WF_4, JZ_STAGE_PROCEDURE, "公示有异议的重新调查、初审、公示", SEED001 " 四(二)、四(五)",
      "001", "workflow.notice_days"),
    R(WF_5, JZ_STAGE_PROCEDURE, "经办人员近亲属申请单独登记备案并入户调查",
      N57 "第十一条、第二十条", "", ""),
    R(WF_6, JZ_STAGE_PROCEDURE, "户籍地或经常居住地申请", SEED001 " 四(三)", "001", ""),
    R(WF_7, JZ_STAGE_PROCEDURE, "综合判断：确实难以就业或较长时间无收入的，县级据实际困难综合判断",
      SEED001 " 四(一)", "001", ""),
    R(WF_8, JZ_STAGE_PROCEDURE, "临时救助在同一案件中审核；低保、特困审核期间可先行救助，小额先行",
      SEED003 " 四(四)；" SEED001 " 二", "001,003", "temporary.cap_months"),
    R(PUB_1, JZ_STAGE_PROCEDURE, "公布只含申请人姓名、家庭成员数量、保障金额", SEED001 " 四(五)",
      "001", ""),
    R(MON_1, JZ_STAGE_MONITORING, "部门数据按身份证号码比对",
      SEED003 " 四(三)；" SEED001 " 三(三)、三(五)；" SEED002 " 工作任务(二)", "001,002,003", ""),
    R(MON_2, JZ_STAGE_MONITORING, "预警指标（支出骤增、收入骤减、收入不稳定、财产重大损失等）",
      SEED003 " 四(三)；" SEED001 " 三(四)", "001,003",
      "monitor.medical.threshold,monitor.medical.window_months,monitor.medical.income_share"),
    R(MON_3, JZ_STAGE_MONITORING, "预警信息分四类处置", SEED003 " 四(三)", "003",
      "monitor.deadline.a,monitor.deadline.b,monitor.deadline.c,monitor.deadline.d"),
    R(MON_4, JZ_STAGE_MONITORING, "每季度与防止返贫监测对象比对", SEED001 " 三(四)", "001", ""),
    R(MON_5, JZ_STAGE_MONITORING, "一户（人）一条救助链", SEED003 " 四(三)", "003", ""),
    R(ONCE_1, JZ_STAGE_PAYMENT, "一次性生活补贴与爱心消费券（省与市县6:4分担）", SEED004 " 一.2",
      "004", ""),
    R(PAY_1, JZ_STAGE_PAYMENT, "每个救助单元每项目每期至多一笔发放；计划后的变化以后期调整冲正",
      SEED004 " 一.4", "004", ""),
    R(PAY_2, JZ_STAGE_PAYMENT, "集中供养特困人员供养金支付到供养服务机构，其余发放到户（一卡通）",
      SEED004 " 一.4", "004", ""),
    R(PAY_3, JZ_STAGE_PAYMENT, "发放批次由制表人以外的人审批后锁定；银行退票更正账户后在以后批次补发一次",
      SEED004 " 一.4；" SEED001 " 五(三)", "001,004", ""),
    R(PAY_4, JZ_STAGE_PAYMENT, "多发、冒领资金责令退回，按批次和期间对账，不得挤占挪用截留",
      SEED001 " 五(三)、五(五)", "001", ""),
};

#define ID_ENTRY(suffix, id_) [JZ_RULE_##suffix] = id_,
const char *const jz_rule_ids[JZ_RULE_COUNT] = {JZ_RULES(ID_ENTRY)};
#undef ID_ENTRY

int jz_rule_find(const char *id)
{
    for (int i = 0; i < JZ_RULE_COUNT; i++)
        if (strcmp(jz_rule_ids[i], id) == 0)
            return i;
    return -1;
}

const char *jz_rule_stage_name(jz_rule_stage s)
{
    static const char *const names[] = {"engine", "input", "procedure", "monitoring", "payment"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}
