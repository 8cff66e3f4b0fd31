/*
 * jz_rules.h - the rule table: every rule ID of POLICY.md, its source and
 * the parameters it reads.
 *
 * JZ_RULES is the one list of rule IDs.  The engine's rules come first, so
 * that a household's decisive rules fit one 64-bit set.  Where each rule is
 * applied (`stage`) says which part of jiuzhu enforces it; rules of later
 * stages (procedure, monitoring, payments) are listed so that `jiuzhu rules`
 * shows the whole policy and a test keeps this table equal to POLICY.md.
 */
#ifndef JZ_RULES_H
#define JZ_RULES_H

#include <stddef.h>
#include <stdint.h>

/* X(ENUM_SUFFIX, "ID") in table order. */
#define JZ_RULES(X)                                                                                \
    X(HH_1, "R-HH-1")                                                                              \
    X(HH_2, "R-HH-2")                                                                              \
    X(HH_4, "R-HH-4")                                                                              \
    X(INC_1, "R-INC-1")                                                                            \
    X(INC_2, "R-INC-2")                                                                            \
    X(AST_1, "R-AST-1")                                                                            \
    X(AST_2, "R-AST-2")                                                                            \
    X(TK_2, "R-TK-2")                                                                              \
    X(TK_3, "R-TK-3")                                                                              \
    X(TK_4, "R-TK-4")                                                                              \
    X(TK_1, "R-TK-1")                                                                              \
    X(TK_CARE, "R-TK-CARE")                                                                        \
    X(TK_AMT, "R-TK-AMT")                                                                          \
    X(TK_5, "R-TK-5")                                                                              \
    X(DB_1, "R-DB-1")                                                                              \
    X(DB_2, "R-DB-2")                                                                              \
    X(DB_3, "R-DB-3")                                                                              \
    X(EXP_ILL, "R-EXP-ILL")                                                                        \
    X(EXP_DIS, "R-EXP-DIS")                                                                        \
    X(EXP_EDU, "R-EXP-EDU")                                                                        \
    X(EXP_MULTI, "R-EXP-MULTI")                                                                    \
    X(EXP_1, "R-EXP-1")                                                                            \
    X(EXP_2, "R-EXP-2")                                                                            \
    X(EXP_3, "R-EXP-3")                                                                            \
    X(DB_AMT, "R-DB-AMT")                                                                          \
    X(EXP_AMT, "R-EXP-AMT")                                                                        \
    X(MARG_1, "R-MARG-1")                                                                          \
    X(SINGLE_1, "R-SINGLE-1")                                                                      \
    X(SINGLE_2, "R-SINGLE-2")                                                                      \
    X(SINGLE_3, "R-SINGLE-3")                                                                      \
    X(RSP_1, "R-RSP-1")                                                                            \
    X(EXIT_1, "R-EXIT-1")                                                                          \
    X(DEATH_1, "R-DEATH-1")                                                                        \
    X(TMP_1, "R-TMP-1")                                                                            \
    X(TMP_2, "R-TMP-2")                                                                            \
    X(REF_1, "R-REF-1")                                                                            \
    X(ONE_1, "R-ONE-1")                                                                            \
    X(HH_3, "R-HH-3")                                                                              \
    X(INC_3, "R-INC-3")                                                                            \
    X(DB_PAY, "R-DB-PAY")                                                                          \
    X(TK_PAY, "R-TK-PAY")                                                                          \
    X(REPORT_1, "R-REPORT-1")                                                                      \
    X(REVIEW_1, "R-REVIEW-1")                                                                      \
    X(TMP_3, "R-TMP-3")                                                                            \
    X(TMP_4, "R-TMP-4")                                                                            \
    X(WF_1, "R-WF-1")                                                                              \
    X(WF_2, "R-WF-2")                                                                              \
    X(WF_3, "R-WF-3")                                                                              \
    X(WF_4, "R-WF-4")                                                                              \
    X(WF_5, "R-WF-5")                                                                              \
    X(WF_6, "R-WF-6")                                                                              \
    X(WF_7, "R-WF-7")                                                                              \
    X(WF_8, "R-WF-8")                                                                              \
    X(PUB_1, "R-PUB-1")                                                                            \
    X(MON_1, "R-MON-1")                                                                            \
    X(MON_2, "R-MON-2")                                                                            \
    X(MON_3, "R-MON-3")                                                                            \
    X(MON_4, "R-MON-4")                                                                            \
    X(MON_5, "R-MON-5")                                                                            \
    X(ONCE_1, "R-ONCE-1")                                                                          \
    X(PAY_1, "R-PAY-1")                                                                            \
    X(PAY_2, "R-PAY-2")                                                                            \
    X(PAY_3, "R-PAY-3")                                                                            \
    X(PAY_4, "R-PAY-4")

typedef enum jz_rule_id {
#define JZ_RULE_ENUM(suffix, id) JZ_RULE_##suffix,
    JZ_RULES(JZ_RULE_ENUM)
#undef JZ_RULE_ENUM
        JZ_RULE_COUNT
} jz_rule_id;

/* Who enforces a rule. */
typedef enum jz_rule_stage {
    JZ_STAGE_ENGINE = 0, /* the eligibility engine (lib/rules) */
    JZ_STAGE_INPUT,      /* the household reader / importer */
    JZ_STAGE_PROCEDURE,  /* cases and their clock (planned) */
    JZ_STAGE_MONITORING, /* dynamic monitoring (planned) */
    JZ_STAGE_PAYMENT     /* payments (planned) */
} jz_rule_stage;

typedef struct jz_rule_info {
    jz_rule_stage stage;
    const char *title;  /* short Chinese title */
    const char *source; /* seed document and clause, or national text and article */
    const char *seeds;  /* seed files it comes from ("001", "000,001"); "" if national only */
    const char *params; /* comma-separated parameter names it reads, "" if none */
} jz_rule_info;

/* jz_rule_ids[r] is rule r's ID ("R-DB-1"); jz_rule_table[r] the rest. */
extern const char *const jz_rule_ids[JZ_RULE_COUNT];
extern const jz_rule_info jz_rule_table[JZ_RULE_COUNT];

/* Index of a rule ID ("R-DB-1"), or -1. */
int jz_rule_find(const char *id);

/* Name of a stage ("engine", "input", "procedure", "monitoring", "payment"). */
const char *jz_rule_stage_name(jz_rule_stage s);

#endif
