/*
 * summary.c - the readable Chinese summary of a determination (assess
 * --format summary, show): category, amounts, each person with the middle of
 * the ID number hidden (jz_idnum_mask; `show --full-id` shows it whole), and
 * the decisive rules with their sources.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "jiuzhu/jz_engine.h"

const char *const cli_category_zh[JZ_CAT_COUNT] = {"不符合", "低保", "支出型低保", "低保边缘",
                                                   "刚性支出困难"};

static const char *category_zh(int c)
{
    static const char *const zh[] = {"不符合低保、低保边缘、刚性支出困难家庭条件", "低保",
                                     "支出型低保", "低保边缘家庭", "刚性支出困难家庭"};
    return c >= 0 && c < JZ_CAT_COUNT ? zh[c] : "?";
}

void cli_print_summary(FILE *f, const jz_household *h, const jz_regions *regions,
                       const jz_result *r, const jz_trace *t)
{
    char county[7], money[JZ_MONEY_BUF], std[JZ_MONEY_BUF], d[JZ_DATE_BUF];
    jz_region_county(&h->region, county);
    const char *cname = jz_regions_name(regions, county, 6);
    jz_date_format(h->assess_date, d, sizeof d);
    jz_money_format(r->monthly_amount, money, sizeof money);
    jz_money_format(r->standard, std, sizeof std);
    fprintf(f, "户 %s（%s %s，%s，评估日 %s）\n", h->household_id[0] ? h->household_id : "(无编号)",
            cname ? cname : "", h->region.code, h->area == JZ_AREA_URBAN ? "城市" : "农村", d);
    fprintf(f, "  认定：%s", category_zh(r->category));
    if (r->causes) {
        static const char *const causes[] = {"因病", "因残", "因学"};
        fputs("（", f);
        for (int i = 0, first = 1; i < JZ_CAUSE_COUNT; i++)
            if (r->causes & (1u << i)) {
                fprintf(f, "%s%s", first ? "" : "、", causes[i]);
                first = 0;
            }
        fputs("）", f);
    }
    fprintf(f, "；家庭低保金每月 %s 元；计入 %d 人；低保标准 %s 元/人/月\n", money,
            r->counted_members, std);
    if (r->exit) {
        jz_date_format(r->exit_until, d, sizeof d);
        fprintf(f, "  渐退期：至 %s（R-EXIT-1）\n", d);
    }
    static const char *const pcat_zh[] = {"低保",     "支出型低保", "单人保",
                                          "特困人员", "低保边缘",   "刚性支出困难"};
    for (uint32_t i = 0; i < h->n_members; i++) {
        const jz_person_result *pr = &r->persons[i];
        char mid[JZ_IDNUM_MASKED_BUF];
        fprintf(f, "  成员 %s %s：", h->members[i].name ? h->members[i].name : "",
                cli_id(h->members[i].id, mid));
        if (!pr->counted)
            fputs("不计入家庭成员", f);
        else if (!pr->categories)
            fputs("无", f);
        for (int k = 0, first = 1; k < JZ_PCAT_COUNT; k++)
            if (pr->categories & (1u << k)) {
                fprintf(f, "%s%s", first ? "" : "、", pcat_zh[k]);
                first = 0;
            }
        if (pr->monthly_amount) {
            jz_money_format(pr->monthly_amount, money, sizeof money);
            fprintf(f, "，本人每月 %s 元", money);
        }
        if (pr->tmp_rule) {
            jz_money_format(pr->tmp_amount, money, sizeof money);
            fprintf(f, "，临时救助%s %s 元（%s）", pr->tmp_rule == JZ_RULE_TMP_2 + 1 ? "上限" : "",
                    money, jz_rule_ids[pr->tmp_rule - 1]);
        }
        fputc('\n', f);
    }
    fputs("  决定性规则及依据：\n", f);
    if (!t) {
        for (int k = 0; k < 64 && k < JZ_RULE_COUNT; k++)
            if (r->decisive & (UINT64_C(1) << k))
                fprintf(f, "    %s [%s]\n", jz_rule_ids[k], jz_rule_table[k].source);
        fputc('\n', f);
        return;
    }
    for (uint32_t i = 0; i < t->n; i++) {
        const jz_trace_entry *e = &t->e[i];
        if (e->rule >= 64 || !(r->decisive & (UINT64_C(1) << e->rule)))
            continue;
        /* A person-level rule is decisive for the persons it held for. */
        if (e->member >= 0 && e->holds != JZ_HOLDS_YES)
            continue;
        char detail[4096];
        jz_trace_detail(e, h, detail, sizeof detail);
        cli_mask_text(detail);
        fprintf(f, "    %s %s [%s]%s%s：%s\n", jz_rule_ids[e->rule], e->holds ? "成立" : "不成立",
                jz_rule_table[e->rule].source, e->member >= 0 ? " 成员 " : "",
                e->member >= 0 && h->members[e->member].name ? h->members[e->member].name : "",
                detail);
    }
    fputc('\n', f);
}
