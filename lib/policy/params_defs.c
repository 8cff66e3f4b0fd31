/*
 * params_defs.c - the list of policy parameters (POLICY.md "Parameters").
 *
 * One row per parameter: its name as written in the policy/params files and on
 * the command line, its type, the range of whole-number parameters, its unit
 * and a one-line Chinese description for `jiuzhu rules --params`.  A second
 * table says which jz_policy field receives the resolved value.  No value is
 * here: values live only in the data files, so that a local government's
 * decision never needs a code change.
 */
#include <stddef.h>
#include <string.h>

#include "policy/params_int.h"

/* Ranges of whole-number parameters.  They only catch typing mistakes (a
 * month count of 240, an age of 600); the policy itself lives in the data. */
#define MONTHS 1, 120
#define AGE 0, 120
#define COUNT 0, 100
#define GRADE 0, 4
#define DAYS 1, 365
#define NO_RANGE 0, 0

const jz_param_def jz_param_defs[JZ_P_COUNT] = {
    [JZ_P_DIBAO_STANDARD_URBAN] = {"dibao.standard.urban", JZ_PT_MONEY, NO_RANGE, "元/人/月",
                                   "城市低保标准（按月、按人）"},
    [JZ_P_DIBAO_STANDARD_RURAL] = {"dibao.standard.rural", JZ_PT_MONEY, NO_RANGE, "元/人/月",
                                   "农村低保标准（按月、按人）"},
    [JZ_P_INCOME_WINDOW_MONTHS] = {"income.window_months", JZ_PT_INT, MONTHS, "月",
                                   "计算家庭收入的期间：申请或复核前的月数"},
    [JZ_P_INCOME_EXCLUDED_KINDS] = {"income.excluded_kinds", JZ_PT_KINDS, NO_RANGE, "",
                                    "设区的市级人民政府另行规定不计入家庭收入的收入类别"},
    [JZ_P_DIBAO_ASSETS_FINANCIAL_MONTHS] = {"dibao.assets.financial_months", JZ_PT_INT, MONTHS,
                                            "月", "低保：人均金融资产不超过若干个月低保标准之和"},
    [JZ_P_ASSETS_MAX_VEHICLES] = {"assets.max_vehicles", JZ_PT_INT, COUNT, "辆",
                                  "家庭可拥有的机动车辆数上限（残疾人功能性补偿代步车、农机除外）"},
    [JZ_P_ASSETS_MAX_EXTRA_HOUSES] = {"assets.max_extra_houses", JZ_PT_INT, COUNT, "套",
                                      "自住房以外可拥有的房产数上限"},
    [JZ_P_ASSETS_BUSINESS_ALLOWED] = {"assets.business_allowed", JZ_PT_BOOL, NO_RANGE, "",
                                      "家庭成员名下有登记的市场主体时是否仍可认定"},
    [JZ_P_DIBAO_AMOUNT_ROUNDING] = {"dibao.amount.rounding", JZ_PT_ROUNDING, NO_RANGE, "",
                                    "低保补差金额的取整方式：yuan_up 进到整元，fen_up 进到分"},
    [JZ_P_DIBAO_AMOUNT_MIN_PER_PERSON] = {"dibao.amount.min_per_person", JZ_PT_MONEY, NO_RANGE,
                                          "元/人/月", "低保金每人每月最低发放额"},
    [JZ_P_DIBAO_SUPPLEMENT_ELDERLY] = {"dibao.amount.supplement.elderly", JZ_PT_MONEY, NO_RANGE,
                                       "元/人/月", "分类施保：老年人每人每月增发金额"},
    [JZ_P_DIBAO_SUPPLEMENT_ELDERLY_AGE] = {"dibao.amount.supplement.elderly_age", JZ_PT_INT, AGE,
                                           "岁", "分类施保：按老年人增发的起始年龄"},
    [JZ_P_DIBAO_SUPPLEMENT_MINOR] = {"dibao.amount.supplement.minor", JZ_PT_MONEY, NO_RANGE,
                                     "元/人/月", "分类施保：未成年人每人每月增发金额"},
    [JZ_P_DIBAO_SUPPLEMENT_SEVERE_DISABILITY] = {"dibao.amount.supplement.severe_disability",
                                                 JZ_PT_MONEY, NO_RANGE, "元/人/月",
                                                 "分类施保：重度残疾人每人每月增发金额"},
    [JZ_P_DIBAO_SUPPLEMENT_SERIOUS_ILLNESS] = {"dibao.amount.supplement.serious_illness",
                                               JZ_PT_MONEY, NO_RANGE, "元/人/月",
                                               "分类施保：重病患者每人每月增发金额"},
    [JZ_P_EXPENDITURE_ASSETS_FINANCIAL_MONTHS] =
        {"expenditure.assets.financial_months", JZ_PT_INT, MONTHS, "月",
         "支出型贫困家庭：人均金融资产不超过若干个月低保标准之和"},
    [JZ_P_EXPENDITURE_AMOUNT_BASIS] = {"expenditure.amount_basis", JZ_PT_BASIS, NO_RANGE, "",
                                       "支出型低保补差的收入基数：adjusted_income 扣除刚性支出后的"
                                       "收入，income 家庭收入"},
    [JZ_P_MARGINAL_INCOME_MULTIPLE] = {"marginal.income_multiple", JZ_PT_RATIO, NO_RANGE, "倍",
                                       "低保边缘家庭：人均收入低于低保标准的倍数"},
    [JZ_P_MARGINAL_ASSETS_FINANCIAL_MONTHS] =
        {"marginal.assets.financial_months", JZ_PT_INT, MONTHS, "月",
         "低保边缘家庭：人均金融资产不超过若干个月低保标准之和"},
    [JZ_P_EXIT_MONTHS] = {"exit.months", JZ_PT_INT, 0, 120, "月",
                          "低保渐退期月数（0 表示不设渐退期）"},
    [JZ_P_DEATH_CHECK_MONTHS] = {"death.check_months", JZ_PT_INT, MONTHS, "月",
                                 "低保对象死亡后完成家庭状况核查的期限"},
    [JZ_P_TEKUN_ELDERLY_AGE] = {"tekun.elderly_age", JZ_PT_INT, AGE, "岁",
                                "特困：达到此年龄视为无劳动能力"},
    [JZ_P_TEKUN_MINOR_AGE] = {"tekun.minor_age", JZ_PT_INT, AGE, "岁",
                              "特困：未满此年龄的未成年人视为无劳动能力"},
    [JZ_P_TEKUN_MINOR_AGE_IN_SCHOOL] = {"tekun.minor_age_in_school", JZ_PT_INT, AGE, "岁",
                                        "特困：在校就读的未成年人可延续至此年龄"},
    [JZ_P_TEKUN_DISABILITY_MAX_GRADE_VISION] =
        {"tekun.disability_max_grade.vision", JZ_PT_INT, GRADE, "级",
         "特困：视力残疾视为无劳动能力的最轻等级（0 为不认定）"},
    [JZ_P_TEKUN_DISABILITY_MAX_GRADE_HEARING] =
        {"tekun.disability_max_grade.hearing", JZ_PT_INT, GRADE, "级",
         "特困：听力残疾视为无劳动能力的最轻等级（0 为不认定）"},
    [JZ_P_TEKUN_DISABILITY_MAX_GRADE_SPEECH] =
        {"tekun.disability_max_grade.speech", JZ_PT_INT, GRADE, "级",
         "特困：言语残疾视为无劳动能力的最轻等级（0 为不认定）"},
    [JZ_P_TEKUN_DISABILITY_MAX_GRADE_LIMB] =
        {"tekun.disability_max_grade.limb", JZ_PT_INT, GRADE, "级",
         "特困：肢体残疾视为无劳动能力的最轻等级（0 为不认定）"},
    [JZ_P_TEKUN_DISABILITY_MAX_GRADE_INTELLECTUAL] =
        {"tekun.disability_max_grade.intellectual", JZ_PT_INT, GRADE, "级",
         "特困：智力残疾视为无劳动能力的最轻等级（0 为不认定）"},
    [JZ_P_TEKUN_DISABILITY_MAX_GRADE_MENTAL] =
        {"tekun.disability_max_grade.mental", JZ_PT_INT, GRADE, "级",
         "特困：精神残疾视为无劳动能力的最轻等级（0 为不认定）"},
    [JZ_P_TEKUN_DISABILITY_MAX_GRADE_MULTIPLE] =
        {"tekun.disability_max_grade.multiple", JZ_PT_INT, GRADE, "级",
         "特困：多重残疾视为无劳动能力的最轻等级（0 为不认定）"},
    [JZ_P_TEKUN_BASIC_MULTIPLE] = {"tekun.basic_multiple", JZ_PT_RATIO, NO_RANGE, "倍",
                                   "特困基本生活标准为低保标准的倍数"},
    [JZ_P_TEKUN_CARE_CAPABLE] = {"tekun.care.capable", JZ_PT_MONEY, NO_RANGE, "元/人/月",
                                 "特困照料护理标准：具备生活自理能力"},
    [JZ_P_TEKUN_CARE_PARTIAL] = {"tekun.care.partial", JZ_PT_MONEY, NO_RANGE, "元/人/月",
                                 "特困照料护理标准：部分丧失生活自理能力"},
    [JZ_P_TEKUN_CARE_NONE] = {"tekun.care.none", JZ_PT_MONEY, NO_RANGE, "元/人/月",
                              "特困照料护理标准：完全丧失生活自理能力"},
    [JZ_P_TEKUN_ASSETS_FINANCIAL_MONTHS] = {"tekun.assets.financial_months", JZ_PT_INT, MONTHS,
                                            "月", "特困：本人金融资产不超过若干个月低保标准之和"},
    [JZ_P_RSP_DISPOSABLE_INCOME] = {"rsp.disposable_income", JZ_PT_MONEY, NO_RANGE, "元/人/年",
                                    "刚性支出困难家庭：上年度当地居民人均可支配收入"},
    [JZ_P_RSP_EXPENSE_RATIO] = {"rsp.expense_ratio", JZ_PT_RATIO, NO_RANGE, "",
                                "刚性支出困难家庭：刚性支出超过家庭收入的比例"},
    [JZ_P_TEMPORARY_UNEMPLOYED_MONTHS] = {"temporary.unemployed_months", JZ_PT_INT, MONTHS, "月",
                                          "未参保失业人员一次性临时救助金：农村低保月标准的月数"},
    [JZ_P_TEMPORARY_NO_INCOME_MONTHS] = {"temporary.no_income_months", JZ_PT_INT, MONTHS, "月",
                                         "未参保失业人员临时救助：连续无收入来源的最少月数"},
    [JZ_P_TEMPORARY_CAP_MONTHS] = {"temporary.cap_months", JZ_PT_INT, MONTHS, "月",
                                   "临时救助额度上限：低保月标准的月数（超出须一事一议）"},
    [JZ_P_TEMPORARY_HARDSHIP_INCOME_MULTIPLE] =
        {"temporary.hardship_income_multiple", JZ_PT_RATIO, NO_RANGE, "倍",
         "急难临时救助：家庭人均收入低于低保标准的倍数（基本生活陷入困境）"},
    [JZ_P_SINGLE_OBLIGOR_SUPPORT_SHARE] = {"single.obligor_support.share", JZ_PT_RATIO, NO_RANGE,
                                           "",
                                           "成年无业重度残疾人单人户：同户法定义务人家庭收入超出保"
                                           "留部分中计为其赡养（扶养）费的比例"},
    [JZ_P_SINGLE_OBLIGOR_SUPPORT_RESERVE_MULTIPLE] =
        {"single.obligor_support.reserve_multiple", JZ_PT_RATIO, NO_RANGE, "倍",
         "成年无业重度残疾人单人户：义务人家庭先为自身保留的人均收入（低保标准的倍数）"},
    [JZ_P_WORKFLOW_TOTAL_DAYS] = {"workflow.total_days", JZ_PT_INT, DAYS, "工作日",
                                  "低保审核确认自受理起的办理时限"},
    [JZ_P_WORKFLOW_TOWNSHIP_DAYS] = {"workflow.township_days", JZ_PT_INT, DAYS, "工作日",
                                     "审核确认权限下放乡镇（街道）时的办理时限"},
    [JZ_P_WORKFLOW_EXTENDED_DAYS] = {"workflow.extended_days", JZ_PT_INT, DAYS, "工作日",
                                     "公示有异议、人户分离、异地申办等情形延长后的办理时限"},
    [JZ_P_WORKFLOW_NOTICE_DAYS] = {"workflow.notice_days", JZ_PT_INT, DAYS, "天",
                                   "初审意见在村（社区）公示的天数"},
    [JZ_P_WORKFLOW_REVIEW_LEAD_DAYS] = {"workflow.review_lead_days", JZ_PT_INT, DAYS, "天",
                                        "定期复核（R-REVIEW-1）：到期前若干天启动复核案件"},
    [JZ_P_TEMPORARY_SMALL_FIRST_MONTHS] = {"temporary.small_first_months", JZ_PT_INT, MONTHS, "月",
                                           "小金额先行救助（事后补充说明）：不超过低保月标准的月数"},
    [JZ_P_MONITOR_MEDICAL_THRESHOLD] = {"monitor.medical.threshold", JZ_PT_MONEY, NO_RANGE, "元",
                                        "预警：支出骤增——期间内个人自付医疗费用达到此数"},
    [JZ_P_MONITOR_MEDICAL_WINDOW_MONTHS] = {"monitor.medical.window_months", JZ_PT_INT, MONTHS,
                                            "月", "预警：支出骤增——累计自付医疗费用的期间"},
    [JZ_P_MONITOR_MEDICAL_INCOME_SHARE] = {"monitor.medical.income_share", JZ_PT_RATIO, NO_RANGE,
                                           "", "预警：支出骤增——自付医疗费用达到家庭年收入的比例"},
    [JZ_P_MONITOR_DEADLINE_A] = {"monitor.deadline.a", JZ_PT_INT, DAYS, "工作日",
                                 "预警处置时限：A 类（政策未落实）"},
    [JZ_P_MONITOR_DEADLINE_B] = {"monitor.deadline.b", JZ_PT_INT, DAYS, "工作日",
                                 "预警处置时限：B 类（可能符合条件未纳入）"},
    [JZ_P_MONITOR_DEADLINE_C] = {"monitor.deadline.c", JZ_PT_INT, DAYS, "工作日",
                                 "预警处置时限：C 类（情况复杂，县级一事一议）"},
    [JZ_P_MONITOR_DEADLINE_D] = {"monitor.deadline.d", JZ_PT_INT, DAYS, "工作日",
                                 "预警处置时限：D 类（可能不再符合条件）"},
    [JZ_P_MONITOR_HOUSING_FUND_THRESHOLD] = {"monitor.housing_fund.threshold", JZ_PT_MONEY,
                                             NO_RANGE, "元/月",
                                             "预警：救助对象月缴存住房公积金超过此数（D 类）"},
    [JZ_P_MONITOR_PENSION_THRESHOLD] = {"monitor.pension.threshold", JZ_PT_MONEY, NO_RANGE,
                                        "元/月", "预警：救助对象月领取养老金超过此数（D 类）"},
    [JZ_P_MONITOR_PENSION_CONTRIBUTION_THRESHOLD] = {
        "monitor.pension.contribution_threshold", JZ_PT_MONEY, NO_RANGE, "元/月",
        "预警：救助对象养老保险月缴费基数超过此数（D 类）"},
};

#define SLOT(kind, field)                                                                          \
    {                                                                                              \
        JZ__SLOT_##kind, offsetof(jz_policy, field)                                                \
    }

const jz__param_slot jz__param_slots[JZ_P_COUNT] = {
    [JZ_P_DIBAO_STANDARD_URBAN] = SLOT(FEN, standard[JZ_AREA_URBAN]),
    [JZ_P_DIBAO_STANDARD_RURAL] = SLOT(FEN, standard[JZ_AREA_RURAL]),
    [JZ_P_INCOME_WINDOW_MONTHS] = SLOT(INT, window_months),
    [JZ_P_INCOME_EXCLUDED_KINDS] = SLOT(U32, excluded_income),
    [JZ_P_DIBAO_ASSETS_FINANCIAL_MONTHS] = SLOT(INT, dibao_assets_months),
    [JZ_P_ASSETS_MAX_VEHICLES] = SLOT(INT, max_vehicles),
    [JZ_P_ASSETS_MAX_EXTRA_HOUSES] = SLOT(INT, max_extra_houses),
    [JZ_P_ASSETS_BUSINESS_ALLOWED] = SLOT(BOOL, business_allowed),
    [JZ_P_DIBAO_AMOUNT_ROUNDING] = SLOT(U8, dibao_rounding),
    [JZ_P_DIBAO_AMOUNT_MIN_PER_PERSON] = SLOT(FEN, dibao_min_per_person),
    [JZ_P_DIBAO_SUPPLEMENT_ELDERLY] = SLOT(FEN, supp_elderly),
    [JZ_P_DIBAO_SUPPLEMENT_ELDERLY_AGE] = SLOT(INT, supp_elderly_age),
    [JZ_P_DIBAO_SUPPLEMENT_MINOR] = SLOT(FEN, supp_minor),
    [JZ_P_DIBAO_SUPPLEMENT_SEVERE_DISABILITY] = SLOT(FEN, supp_severe_disability),
    [JZ_P_DIBAO_SUPPLEMENT_SERIOUS_ILLNESS] = SLOT(FEN, supp_serious_illness),
    [JZ_P_EXPENDITURE_ASSETS_FINANCIAL_MONTHS] = SLOT(INT, exp_assets_months),
    [JZ_P_EXPENDITURE_AMOUNT_BASIS] = SLOT(U8, exp_amount_basis),
    [JZ_P_MARGINAL_INCOME_MULTIPLE] = SLOT(RATIO, marg_multiple),
    [JZ_P_MARGINAL_ASSETS_FINANCIAL_MONTHS] = SLOT(INT, marg_assets_months),
    [JZ_P_EXIT_MONTHS] = SLOT(INT, exit_months),
    [JZ_P_DEATH_CHECK_MONTHS] = SLOT(INT, death_check_months),
    [JZ_P_TEKUN_ELDERLY_AGE] = SLOT(INT, tk_elderly_age),
    [JZ_P_TEKUN_MINOR_AGE] = SLOT(INT, tk_minor_age),
    [JZ_P_TEKUN_MINOR_AGE_IN_SCHOOL] = SLOT(INT, tk_minor_age_in_school),
    [JZ_P_TEKUN_DISABILITY_MAX_GRADE_VISION] = SLOT(U8, tk_max_grade[JZ_DIS_VISION]),
    [JZ_P_TEKUN_DISABILITY_MAX_GRADE_HEARING] = SLOT(U8, tk_max_grade[JZ_DIS_HEARING]),
    [JZ_P_TEKUN_DISABILITY_MAX_GRADE_SPEECH] = SLOT(U8, tk_max_grade[JZ_DIS_SPEECH]),
    [JZ_P_TEKUN_DISABILITY_MAX_GRADE_LIMB] = SLOT(U8, tk_max_grade[JZ_DIS_LIMB]),
    [JZ_P_TEKUN_DISABILITY_MAX_GRADE_INTELLECTUAL] = SLOT(U8, tk_max_grade[JZ_DIS_INTELLECTUAL]),
    [JZ_P_TEKUN_DISABILITY_MAX_GRADE_MENTAL] = SLOT(U8, tk_max_grade[JZ_DIS_MENTAL]),
    [JZ_P_TEKUN_DISABILITY_MAX_GRADE_MULTIPLE] = SLOT(U8, tk_max_grade[JZ_DIS_MULTIPLE]),
    [JZ_P_TEKUN_BASIC_MULTIPLE] = SLOT(RATIO, tk_basic_multiple),
    [JZ_P_TEKUN_CARE_CAPABLE] = SLOT(FEN, tk_care[JZ_CARE_CAPABLE]),
    [JZ_P_TEKUN_CARE_PARTIAL] = SLOT(FEN, tk_care[JZ_CARE_PARTIAL]),
    [JZ_P_TEKUN_CARE_NONE] = SLOT(FEN, tk_care[JZ_CARE_NONE]),
    [JZ_P_TEKUN_ASSETS_FINANCIAL_MONTHS] = SLOT(INT, tk_assets_months),
    [JZ_P_RSP_DISPOSABLE_INCOME] = SLOT(FEN, rsp_disposable_income),
    [JZ_P_RSP_EXPENSE_RATIO] = SLOT(RATIO, rsp_expense_ratio),
    [JZ_P_TEMPORARY_UNEMPLOYED_MONTHS] = SLOT(INT, tmp_unemployed_months),
    [JZ_P_TEMPORARY_NO_INCOME_MONTHS] = SLOT(INT, tmp_no_income_months),
    [JZ_P_TEMPORARY_CAP_MONTHS] = SLOT(INT, tmp_cap_months),
    [JZ_P_TEMPORARY_HARDSHIP_INCOME_MULTIPLE] = SLOT(RATIO, tmp_hardship_multiple),
    [JZ_P_SINGLE_OBLIGOR_SUPPORT_SHARE] = SLOT(RATIO, single_support_share),
    [JZ_P_SINGLE_OBLIGOR_SUPPORT_RESERVE_MULTIPLE] = SLOT(RATIO, single_support_reserve),
    [JZ_P_WORKFLOW_TOTAL_DAYS] = SLOT(INT, wf_total_days),
    [JZ_P_WORKFLOW_TOWNSHIP_DAYS] = SLOT(INT, wf_township_days),
    [JZ_P_WORKFLOW_EXTENDED_DAYS] = SLOT(INT, wf_extended_days),
    [JZ_P_WORKFLOW_NOTICE_DAYS] = SLOT(INT, wf_notice_days),
    [JZ_P_WORKFLOW_REVIEW_LEAD_DAYS] = SLOT(INT, wf_review_lead_days),
    [JZ_P_TEMPORARY_SMALL_FIRST_MONTHS] = SLOT(INT, tmp_small_first_months),
    [JZ_P_MONITOR_MEDICAL_THRESHOLD] = SLOT(FEN, mon_medical_threshold),
    [JZ_P_MONITOR_MEDICAL_WINDOW_MONTHS] = SLOT(INT, mon_medical_window_months),
    [JZ_P_MONITOR_MEDICAL_INCOME_SHARE] = SLOT(RATIO, mon_medical_income_share),
    [JZ_P_MONITOR_DEADLINE_A] = SLOT(INT, mon_deadline[0]),
    [JZ_P_MONITOR_DEADLINE_B] = SLOT(INT, mon_deadline[1]),
    [JZ_P_MONITOR_DEADLINE_C] = SLOT(INT, mon_deadline[2]),
    [JZ_P_MONITOR_DEADLINE_D] = SLOT(INT, mon_deadline[3]),
    [JZ_P_MONITOR_HOUSING_FUND_THRESHOLD] = SLOT(FEN, mon_housing_fund_threshold),
    [JZ_P_MONITOR_PENSION_THRESHOLD] = SLOT(FEN, mon_pension_threshold),
    [JZ_P_MONITOR_PENSION_CONTRIBUTION_THRESHOLD] = SLOT(FEN, mon_pension_contribution_threshold),
};

int jz_param_find(const char *name)
{
    int i;

    if (name == NULL)
        return -1;
    for (i = 0; i < JZ_P_COUNT; i++) {
        if (strcmp(jz_param_defs[i].name, name) == 0)
            return i;
    }
    return -1;
}
