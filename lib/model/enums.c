/*
 * enums.c - the names of every enumeration of the household record and the
 * determination, as they appear in JSON (FORMATS.md).  Index = enum value.
 */
#include <string.h>

#include "jiuzhu/jz_engine.h"
#include "jiuzhu/jz_household.h"

const char *const jz_area_names[JZ_AREA_COUNT] = {"urban", "rural"};
const char *const jz_relation_names[JZ_REL_COUNT] = {
    "head", "spouse", "child", "parent", "grandparent", "grandchild", "sibling", "other"};
const char *const jz_presence_names[JZ_PRES_COUNT] = {"present", "prison", "detox", "missing",
                                                      "religious_away"};
const char *const jz_employment_names[JZ_EMP_COUNT] = {"none", "employed", "unemployed", "student",
                                                       "retired"};
const char *const jz_hardship_names[JZ_HARD_COUNT] = {
    "none",     "epidemic",       "disaster",       "fire",
    "accident", "sudden_illness", "education_cost", "medical_cost"};
const char *const jz_disability_names[JZ_DIS_COUNT] = {
    "none", "vision", "hearing", "speech", "limb", "intellectual", "mental", "multiple"};
const char *const jz_student_level_names[JZ_STU_COUNT] = {
    "none",   "nursery",    "kindergarten", "primary",       "junior",
    "senior", "vocational", "college",      "undergraduate", "postgraduate"};
const char *const jz_supporter_names[JZ_SUP_COUNT] = {
    "able",        "tekun",   "dibao_elderly", "elderly_low_income", "severe_disability_low_income",
    "no_capacity", "missing", "imprisoned"};
const char *const jz_income_kind_names[JZ_INC_COUNT] = {"wage",
                                                        "business_net",
                                                        "property_net",
                                                        "pension",
                                                        "unemployment_benefit",
                                                        "alimony",
                                                        "support_received",
                                                        "support_from_sibling",
                                                        "support_from_elderly",
                                                        "compensation",
                                                        "donation",
                                                        "other",
                                                        "special_care",
                                                        "family_planning",
                                                        "scholarship",
                                                        "heroism_award",
                                                        "assistance",
                                                        "basic_pension",
                                                        "elderly_allowance"};
const char *const jz_expense_kind_names[JZ_EXP_COUNT] = {"medical", "rehab", "care", "education",
                                                         "other"};
const char *const jz_programme_names[JZ_PROG_COUNT] = {"none", "dibao", "dibao_expenditure",
                                                       "marginal", "rigid_expenditure"};
const char *const jz_member_programme_names[JZ_MPROG_COUNT] = {"none", "tekun", "single_dibao"};

const char *const jz_category_names[JZ_CAT_COUNT] = {"none", "dibao", "dibao_expenditure",
                                                     "marginal", "rigid_expenditure"};
const char *const jz_pcat_names[JZ_PCAT_COUNT] = {
    "dibao", "dibao_expenditure", "single_dibao", "tekun", "marginal", "rigid_expenditure"};
const char *const jz_cause_names[JZ_CAUSE_COUNT] = {"illness", "disability", "education"};
const char *const jz_ref_kinds[JZ_REF_COUNT] = {"medical",    "medical", "medical", "education",
                                                "housing",    "housing", "housing", "employment",
                                                "employment", "disaster"};
const char *const jz_ref_details[JZ_REF_COUNT] = {
    "医疗救助：特困人员参加城乡居民基本医保个人缴费部分全额资助",
    "医疗救助：参加城乡居民基本医保个人缴费部分定额资助",
    "医疗救助：经基本医保、大病保险等支付后个人自付的医疗费用",
    "教育救助：助学金、生活补助、学费和保教费减免",
    "住房救助：配租公租房或发放住房租赁补贴",
    "住房救助：农村危房改造",
    "住房救助：适老化或无障碍改造",
    "就业救助：贷款贴息、培训补贴、社保补贴、公益性岗位",
    "就业救助：产业扶持、劳务输出、以工代赈、乡村公益性岗位",
    "受灾人员救助：应急救助、过渡期生活救助、倒损民房恢复重建"};

int jz_enum_lookup(const char *const *names, int count, const char *name)
{
    for (int i = 0; i < count; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}
