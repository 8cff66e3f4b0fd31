/*
 * trace.c - turns a trace entry's numbers into the Chinese sentence a
 * caseworker reads in the determination and in a refusal's reasons.  The
 * engine records only integers (it must not format in the hot path); this
 * runs when a determination is written.
 */
#include <stdarg.h>
#include <stdio.h>

#include "jiuzhu/jz_engine.h"
#include "rules_int.h"

typedef struct out {
    char *buf;
    size_t n, len;
} out;

__attribute__((format(printf, 2, 3))) static void put(out *o, const char *fmt, ...)
{
    if (o->len >= o->n)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(o->buf + o->len, o->n - o->len, fmt, ap);
    va_end(ap);
    if (k > 0)
        o->len += (size_t)k < o->n - o->len ? (size_t)k : o->n - o->len - 1;
}

/* Appends an amount in yuan ("1234.50"). */
static void money(out *o, int64_t fen)
{
    char b[JZ_MONEY_BUF];
    jz_money_format(fen, b, sizeof b);
    put(o, "%s", b);
}

static void date(out *o, int64_t d)
{
    char b[JZ_DATE_BUF];
    jz_date_format((jz_date)d, b, sizeof b);
    put(o, "%s", b);
}

/* A ratio num/den as a decimal ("1.5", "0.5", "1.3"). */
static void ratio(out *o, int64_t num, int64_t den)
{
    int64_t whole = num / den, frac = num % den;
    put(o, "%lld", (long long)whole);
    if (frac == 0)
        return;
    char digits[24];
    int nd = 0;
    for (int64_t d = den; d > 1 && nd < 20; d /= 10) {
        frac *= 10;
        digits[nd++] = (char)('0' + frac / den);
        frac %= den;
    }
    while (nd > 0 && digits[nd - 1] == '0')
        nd--;
    put(o, ".%.*s", nd, digits);
}

static const char *yes(int64_t b)
{
    return b ? "符合" : "不符合";
}

static const char *const presence_zh[] = {"在家", "服刑", "强制隔离戒毒", "失踪",
                                          "宗教教职人员离家"};
static const char *const disability_zh[] = {"无",   "视力", "听力", "言语",
                                            "肢体", "智力", "精神", "多重"};
static const char *const care_zh[] = {"具备生活自理能力", "部分丧失生活自理能力",
                                      "完全丧失生活自理能力"};
static const char *const programme_zh[] = {"低保", "支出型低保", "低保边缘", "特困", "单人保"};
static const char *const category_zh[] = {"不符合各项救助条件", "低保", "支出型低保",
                                          "低保边缘家庭", "刚性支出困难家庭"};
static const char *const hardship_zh[] = {"无",           "重大公共卫生事件", "灾情",
                                          "火灾",         "交通事故等意外",   "突发重大疾病",
                                          "教育支出突增", "医疗支出突增"};
static const char *const employment_zh[] = {"无业", "就业", "失业", "在校学生", "退休"};
static const char *const prog_zh[] = {"未纳入", "低保", "支出型低保", "低保边缘",
                                      "刚性支出困难家庭"};

#define NAME(tbl, i) ((uint64_t)(i) < sizeof(tbl) / sizeof(tbl[0]) ? tbl[(i)] : "?")

/* What member j is to member i (enum kin), as a caseworker says it. */
static const char *const kin_zh[KIN_COUNT] = {"",       "配偶",   "父母",  "子女",
                                              "祖父母", "孙子女", "兄、姐"};
/* Why an obligor is able or unable (enum obl_reason; [43] 第八条). */
static const char *const obl_zh[OBL_COUNT] = {
    "有履行能力",
    "强制隔离戒毒，不属于无履行能力的情形，视为有履行能力",
    "宗教教职人员离家，不属于无履行能力的情形，视为有履行能力",
    ("年满70周岁或重度残疾，但本人收入不低于上年人均可支配收入或财产超过低保边缘家庭财产规定，"
     "有履行能力"),
    "服刑或失踪，但本人财产超过特困人员财产规定，有履行能力",
    "本次认定为特困人员，无履行能力",
    "60周岁以上的低保对象，无履行能力",
    "70周岁以上且本人收入低于上年人均可支配收入、财产符合低保边缘家庭规定，无履行能力",
    "重度残疾且本人收入低于上年人均可支配收入、财产符合低保边缘家庭规定，无履行能力",
    "在监狱服刑且财产符合特困人员财产规定，无履行能力",
    "被宣告失踪且财产符合特困人员财产规定，无履行能力"};

/* A member's name for a sentence (his ID number when the name is not at
 * hand, as in a snapshot). */
static void who(out *o, const jz_household *h, int j)
{
    const jz_member *m = &h->members[j];
    if (m->name && m->name[0])
        put(o, "%s", m->name);
    else
        put(o, "%s", m->id);
}

/* R-TK-4's co-resident obligors of member i: names, relation, why. */
static void tk4_obligors(out *o, const jz_trace_entry *e, const jz_household *h)
{
    const int64_t *v = e->v;
    uint32_t obl = (uint32_t)((uint64_t)v[3] & 0xFFFFFFFFu);
    int n = __builtin_popcount(obl);
    int cap = n < JZ_MAX_SUPPORTERS ? n : JZ_MAX_SUPPORTERS;
    int i = e->member;
    if (!h || i < 0 || (uint32_t)i >= h->n_members) {
        put(o, "；户内法定义务人 %d 人", n);
        return;
    }
    if (n == 0) {
        put(o, "；户内无法定义务人");
        return;
    }
    if (v[0] && v[1] < cap) {
        put(o, "；记录中赡养（抚养、扶养）义务人信息与户内成员不符：户内有 ");
        int k = 0;
        for (uint32_t m = obl; m; m &= m - 1, k++) {
            put(o, "%s", k ? "、" : "");
            who(o, h, __builtin_ctz(m));
        }
        put(o, "，记录只列 %lld 人，不予采信，按户内成员认定", (long long)v[1]);
    }
    put(o, "；户内法定义务人：");
    int k = 0;
    for (uint32_t m = obl; m; m &= m - 1, k++) {
        int j = __builtin_ctz(m);
        uint64_t word = (uint64_t)v[j < 16 ? 4 : 5];
        unsigned reason = (unsigned)((word >> (4 * (j % 16))) & 0xFu);
        int kin = jz__kin(h->members[i].relation, h->members[j].relation);
        put(o, "%s", k ? "；" : "");
        who(o, h, j);
        put(o, "（%s，%s）", NAME(kin_zh, kin), NAME(obl_zh, reason));
    }
}

void jz_trace_detail(const jz_trace_entry *e, const jz_household *h, char *buf, size_t n)
{
    out o = {buf, n, 0};
    const int64_t *v = e->v;
    if (n == 0)
        return;
    buf[0] = '\0';
    switch ((detail_id)e->detail) {
    case D_HH_COUNT:
        if (e->rule == JZ_RULE_HH_4)
            put(&o, "家庭符合条件，整户纳入：共 %lld 人", (long long)v[1]);
        else
            put(&o, "户内登记 %lld 人，计入共同生活的家庭成员 %lld 人", (long long)v[0],
                (long long)v[1]);
        break;
    case D_HH_DECEASED:
        put(&o, "已于 ");
        date(&o, v[0]);
        put(&o, " 死亡，不计入家庭成员");
        break;
    case D_HH_ABSENT:
        put(&o, "%s，不计入家庭成员，其收入和财产不计入", NAME(presence_zh, v[0]));
        break;
    case D_HH_ABSENT_SUM:
        put(&o, "因服刑、强制隔离戒毒、失踪或宗教原因不计入 %lld 人", (long long)v[0]);
        break;
    case D_INC_COUNTED:
        put(&o, "%lld 名成员 %lld 个月计入收入合计 Y=", (long long)v[2], (long long)v[1]);
        money(&o, v[0]);
        break;
    case D_INC_EXCLUDED:
        put(&o, "不计入的收入合计 ");
        money(&o, v[0]);
        put(&o, "（优待抚恤金、计划生育奖扶金、奖学金、见义勇为奖励、社会救助款物、基础养老金等");
        if (v[1] > 0) {
            put(&o, "；其中按市级规定不计入 ");
            money(&o, v[1]);
        }
        put(&o, "）");
        break;
    case D_AST_1:
        put(&o, "%s金融资产 F=", NAME(programme_zh, v[5]));
        money(&o, v[0]);
        put(&o, " %s %lld×S×n=", (__int128)v[0] <= v[4] ? "≤" : ">", (long long)v[1]);
        money(&o, v[4]);
        put(&o, "（S=");
        money(&o, v[2]);
        put(&o, "，n=%lld）", (long long)v[3]);
        break;
    case D_AST_2:
        put(&o, "车辆 %lld 辆（上限 %lld），多余住房 %lld 套（上限 %lld），市场主体%s（%s）",
            (long long)v[0], (long long)v[1], (long long)v[2], (long long)v[3], v[4] ? "有" : "无",
            v[5] ? "允许" : "不允许");
        break;
    case D_TK_2:
        switch (v[1]) {
        case 1:
            put(&o, "年满 %lld 周岁（%lld 岁），无劳动能力", (long long)v[4], (long long)v[0]);
            break;
        case 2:
            put(&o, "未满 %lld 周岁（%lld 岁），无劳动能力", (long long)v[4], (long long)v[0]);
            break;
        case 3:
            put(&o, "未满 %lld 周岁且在接受义务教育或高中、中职教育（%lld 岁），无劳动能力",
                (long long)v[4], (long long)v[0]);
            break;
        case 4:
            put(&o, "%s残疾 %lld 级（%s残疾 1-%lld 级视为无劳动能力）", NAME(disability_zh, v[2]),
                (long long)v[3], NAME(disability_zh, v[2]), (long long)v[4]);
            break;
        default:
            put(&o, "%lld 岁", (long long)v[0]);
            if (v[2])
                put(&o, "，%s残疾 %lld 级", NAME(disability_zh, v[2]), (long long)v[3]);
            put(&o, "，不属于无劳动能力");
        }
        break;
    case D_TK_3:
        put(&o, "本人收入 ");
        money(&o, v[0]);
        put(&o, " %s 12个月低保标准 ", (__int128)v[0] < v[1] ? "<" : "≥");
        money(&o, v[1]);
        put(&o, "；本人金融资产 ");
        money(&o, v[2]);
        put(&o, " %s ", (__int128)v[2] <= v[3] ? "≤" : ">");
        money(&o, v[3]);
        put(&o, "；其他财产%s", yes(v[4]));
        break;
    case D_TK_4:
        if (!v[0])
            put(&o, "未调查法定赡养、抚养、扶养义务人，视为有履行能力的义务人");
        else if (v[1] == 0)
            put(&o, "记录为无法定赡养、抚养、扶养义务人");
        else
            put(&o, "记录的法定义务人 %lld 人，其中无履行义务能力 %lld 人", (long long)v[1],
                (long long)v[2]);
        tk4_obligors(&o, e, h);
        break;
    case D_TK_1:
        put(&o, "无劳动能力%s，无生活来源%s，无法定义务人或其无履行能力%s", yes(v[0]), yes(v[1]),
            yes(v[2]));
        break;
    case D_TK_CARE:
        put(&o, "六项指标中 %lld 项不能完成：%s", (long long)v[0], NAME(care_zh, v[1]));
        break;
    case D_TK_AMT:
        put(&o, "基本生活标准 ");
        ratio(&o, v[3], v[4]);
        put(&o, "×S（S=");
        money(&o, v[5]);
        put(&o, "）=");
        money(&o, v[0]);
        put(&o, " + 照料护理标准 ");
        money(&o, v[1]);
        put(&o, " = 每月 ");
        money(&o, v[2]);
        break;
    case D_TK_5:
        put(&o, "特困人员 %lld 人单独成户，家庭其余计入成员 %lld 人", (long long)v[0],
            (long long)v[1]);
        break;
    case D_LT_STD:
        put(&o, "家庭 %lld 个月收入 Y=", (long long)v[1]);
        money(&o, v[0]);
        put(&o, " %s %lld×n×S=", (__int128)v[0] < v[4] ? "<" : "≥", (long long)v[1]);
        money(&o, v[4]);
        put(&o, "（n=%lld，S=", (long long)v[2]);
        money(&o, v[3]);
        put(&o, "）");
        break;
    case D_AND2:
        if (v[2] == 1)
            put(&o, "收入条件（R-DB-1）%s，财产条件（R-DB-2）%s", yes(v[0]), yes(v[1]));
        else
            put(&o, "金融资产（R-AST-1）%s，其他财产（R-AST-2）%s", yes(v[0]), yes(v[1]));
        break;
    case D_EXP_CAUSE: {
        static const char *const cond[] = {
            "疾病尚未痊愈、仍需治疗的成员", "持残疾人证且仍需康复治疗、训练或照料护理的成员",
            "全日制本科及以下在校学生（不含高收费学校、入托、出国留学）"};
        static const char *const ded[] = {"自付医疗费用", "自付辅助器具、康复和照料护理费用",
                                          "一学年自付学费、住宿费、保育教育费"};
        put(&o, "%s %lld 人；%s ", NAME(cond, v[3]), (long long)v[0], NAME(ded, v[3]));
        money(&o, v[1]);
        if (v[2] > 0)
            put(&o, "；不符合条件 %lld 人", (long long)v[2]);
        break;
    }
    case D_EXP_MULTI:
        put(&o, "%lld 项致贫原因的刚性支出一并扣除，D=", (long long)v[0]);
        money(&o, v[1]);
        break;
    case D_EXP_1:
        put(&o, "Y−D=");
        money(&o, v[0]);
        put(&o, "−");
        money(&o, v[1]);
        put(&o, "=");
        money(&o, v[2]);
        put(&o, " %s 12×n×S=", (__int128)v[2] < v[3] ? "<" : "≥");
        money(&o, v[3]);
        put(&o, "（n=%lld，S=", (long long)v[4]);
        money(&o, v[5]);
        put(&o, "）");
        break;
    case D_EXP_3:
        if (v[0] == 0)
            put(&o, "无符合条件且有刚性支出的致贫原因");
        else
            put(&o, "致贫原因符合；扣除后收入%s；金融资产%s", yes(v[1]), yes(v[2]));
        break;
    case D_AMT_BASE:
        put(&o, "n×S − B/%lld = %lld×", (long long)v[3], (long long)v[0]);
        money(&o, v[1]);
        put(&o, " − ");
        money(&o, v[2]);
        put(&o, "/%lld = ", (long long)v[3]);
        money(&o, v[4]);
        put(&o, "（向上取整）→ ");
        money(&o, v[5]);
        break;
    case D_AMT_FINAL:
        put(&o, "补差 ");
        money(&o, v[0]);
        put(&o, "，最低 ");
        money(&o, v[1]);
        put(&o, "，分类施保加发 ");
        money(&o, v[2]);
        put(&o, "（%lld 人）→ 每月 ", (long long)v[4]);
        money(&o, v[3]);
        break;
    case D_MARG_1:
        put(&o, "Y=");
        money(&o, v[0]);
        {
            __int128 lhs = (__int128)v[0] * v[3], rhs = (__int128)v[1] * v[2];
            put(&o, " %s ", lhs < rhs ? "<" : "≥");
        }
        ratio(&o, v[2], v[3]);
        put(&o, "×12×n×S（12×n×S=");
        money(&o, v[1]);
        put(&o, "）；金融资产%s；其他财产%s", yes(v[4]), yes(v[5]));
        break;
    case D_SINGLE_COND:
        put(&o, "%lld 岁", (long long)v[5]);
        if (v[0])
            put(&o, "，重度残疾");
        if (v[1])
            put(&o, "，患重特大疾病");
        if (v[4])
            put(&o, "，成年无业");
        if (v[3] == 1)
            put(&o, "；家庭已纳入低保，随家庭保障");
        else if (v[3] == 2 && e->rule == JZ_RULE_SINGLE_1)
            put(&o, "；家庭不属于低保边缘家庭");
        put(&o, v[2] ? "；本人申请单独纳入" : "；本人未申请单独纳入");
        break;
    case D_SINGLE_3:
        put(&o, "单人户：本人收入 ");
        money(&o, v[0]);
        if (v[5] > 0) {
            put(&o, "（已豁免兄弟姐妹或60周岁以上老人给付的供养费 ");
            money(&o, v[5]);
            put(&o, "）");
        }
        if ((v[4] >> 1) > 0) {
            put(&o, "（含同户法定义务人应给付的赡养、扶养费 ");
            money(&o, v[4] >> 1);
            put(&o, "）");
        }
        put(&o, " %s 12×S=", (__int128)v[0] < v[1] ? "<" : "≥");
        money(&o, v[1]);
        put(&o, "；本人金融资产 ");
        money(&o, v[2]);
        put(&o, " %s ", (__int128)v[2] <= v[3] ? "≤" : ">");
        money(&o, v[3]);
        put(&o, "；其他财产%s", yes(v[4] & 1));
        break;
    case D_SINGLE_SUPPORT: {
        uint64_t w0 = (uint64_t)v[0];
        uint32_t obl = (uint32_t)w0;
        int64_t n_r = (int64_t)((w0 >> 32) & 0xFF), win = (int64_t)((w0 >> 40) & 0xFF);
        int64_t sden = 1, kden = 1;
        for (uint64_t k = (w0 >> 48) & 0xF; k > 0; k--)
            sden *= 10;
        for (uint64_t k = (w0 >> 52) & 0xF; k > 0; k--)
            kden *= 10;
        int64_t snum = (int64_t)((uint64_t)v[4] >> 32),
                knum = (int64_t)((uint64_t)v[4] & 0xFFFFFFFF);
        if (obl == 0) {
            put(&o, "同户没有应计赡养、扶养费的法定义务人（兄弟姐妹和60周岁以上家庭成员给付的供养费"
                    "予以豁免），"
                    "应给付 0.00");
            break;
        }
        put(&o, "同户法定义务人 ");
        int k = 0;
        for (uint32_t m = obl; m; m &= m - 1, k++) {
            int j = __builtin_ctz(m);
            put(&o, "%s", k ? "、" : "");
            if (h && (uint32_t)j < h->n_members && e->member >= 0 &&
                (uint32_t)e->member < h->n_members) {
                who(&o, h, j);
                put(&o, "（%s）",
                    NAME(kin_zh, jz__kin(h->members[e->member].relation, h->members[j].relation)));
            } else {
                put(&o, "成员 %d", j + 1);
            }
        }
        put(&o, " 应给付的赡养、扶养费计入本人收入（民发〔2021〕57号 第十三条）：");
        ratio(&o, snum, sden);
        put(&o, "×max(0, 其余 %lld 人收入 ", (long long)n_r);
        money(&o, v[1]);
        put(&o, " − ");
        ratio(&o, knum, kden);
        put(&o, "×%lld×%lld×S=", (long long)win, (long long)n_r);
        money(&o, v[3]);
        put(&o, ")×义务人收入 ");
        money(&o, v[2]);
        put(&o, "/");
        money(&o, v[1]);
        put(&o, " = ");
        money(&o, v[5]);
        put(&o, "（向下取整到分）");
        break;
    }
    case D_RSP_1:
        put(&o, "年收入 Y=");
        money(&o, v[0]);
        put(&o, " %s n×上年人均可支配收入=", (v[5] & 1) ? "<" : "≥");
        money(&o, v[1]);
        put(&o, "；刚性支出 E=");
        money(&o, v[2]);
        put(&o, " %s ", (v[5] & 4) ? ">" : "≤");
        ratio(&o, v[3], v[4]);
        put(&o, "×Y；财产%s", yes(v[5] & 2));
        break;
    case D_EXIT_1:
        put(&o, "现为%s；新就业成员 %lld 人；收入%s低保标准", NAME(prog_zh, v[0]), (long long)v[1],
            v[4] ? "达到或超过" : "低于");
        if (v[5])
            put(&o, "；仍符合低保");
        if (v[2]) {
            put(&o, "；渐退期至 ");
            date(&o, v[2]);
            put(&o, "，期间按原标准 ");
            money(&o, v[3]);
            put(&o, " 发放");
        }
        break;
    case D_DEATH_1:
        put(&o, "于 ");
        date(&o, v[0]);
        put(&o, " 死亡");
        if (v[3]) {
            put(&o, "；应于 ");
            date(&o, v[1]);
            put(&o, " 前完成家庭状况核查，自 ");
            date(&o, v[2]);
            put(&o, " 起办理增发、减发或停发");
        } else {
            put(&o, "；死者不是低保对象（家庭未享受低保或支出型低保，本人也未享受单人保），"
                    "无需低保对象死亡核查");
        }
        break;
    case D_TMP_1:
        put(&o, "%s，%s，%s，困难原因：%s，连续 %lld 个月无收入",
            v[0] ? "已纳入低保" : "未纳入低保", NAME(employment_zh, v[1]),
            v[2] ? "有失业保险" : "未参加失业保险", NAME(hardship_zh, v[3]), (long long)v[4]);
        if (v[5] > 0) {
            put(&o, " → 一次性临时救助金 ");
            money(&o, v[5]);
        }
        break;
    case D_TMP_2: {
        int64_t num = v[1] >> 32, den = v[1] & 0xFFFFFFFF;
        int64_t months = v[2] & 0xFFFF, w = v[2] >> 16;
        __int128 lhs = (__int128)v[4] * den, rhs = (__int128)v[5] * num;
        put(&o, "困难原因：%s；家庭 %lld 个月收入 Y=", NAME(hardship_zh, v[0]), (long long)w);
        money(&o, v[4]);
        put(&o, " %s ", lhs < rhs ? "<" : "≥");
        if (den > 0)
            ratio(&o, num, den);
        put(&o, "×%lld×n×S（%lld×n×S=", (long long)w, (long long)w);
        money(&o, v[5]);
        put(&o, "，n 为全部计入成员）");
        if (lhs < rhs) {
            put(&o, "，基本生活陷入临时困境；临时救助上限 %lld×S=", (long long)months);
            money(&o, (int64_t)((__int128)months * v[3]));
            put(&o, "，超过上限须经县级困难群众基本生活保障工作协调机制“一事一议”");
        } else {
            put(&o, "，家庭人均收入不低于急难临时救助的收入线，不属于基本生活陷入困境");
        }
        break;
    }
    case D_REF_1: {
        int first = 1;
        for (int b = 0; b < JZ_REF_COUNT; b++) {
            if (v[0] & (1 << b)) {
                put(&o, "%s%s", first ? "" : "；", jz_ref_details[b]);
                first = 0;
            }
        }
        break;
    }
    case D_ONE_1:
        put(&o,
            "一次申请、分类审核认定：家庭%s；%lld 人获得救助类别，临时救助 %lld 项，转介 %lld 项",
            NAME(category_zh, v[0]), (long long)v[1], (long long)v[2], (long long)v[3]);
        break;
    case D_COUNT:
        break;
    }
}
