/*
 * json_error.c - jansson's parse errors in Chinese.
 *
 * jansson says what went wrong in English ("string or '}' expected near
 * ','"); the people who fix household records read Chinese, and an English
 * phrase inside a Chinese message helps nobody.  Each of jansson's messages
 * (src/load.c) is mapped to a Chinese reason that also says what the usual
 * cause is, keeping the line, the column and the text jansson quotes
 * ("near '...'").  A message not in the table still gives 语法错误 with the
 * position, never the English.  Bytes that are not UTF-8 are described by
 * jz_encoding_utf8_error: which byte, where, and why.
 */
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_encoding.h"
#include "model_int.h"

/* jansson's message (the part before " near ...") and what it means. */
static const struct {
    const char *en;
    const char *zh;
} messages[] = {
    {"'[' or '{' expected", "应以 { 开始（一条户记录）或以 [ 开始（记录数组）"},
    {"string or '}' expected",
     "此处应为用英文双引号括起的字段名或 }（多了一个逗号？字段名少了引号？）"},
    {"':' expected", "字段名后应为英文冒号 :"},
    {"'}' expected", "对象没有正确结束：应为 , 或 }（缺少逗号，或缺少 }？）"},
    {"']' expected", "数组没有正确结束：应为 , 或 ]（缺少逗号，或缺少 ]？）"},
    {"end of file expected", "一条记录结束后还有多余的内容（一行只能有一条记录）"},
    {"unexpected token", "此处不应出现这个符号（多了一个逗号或括号？）"},
    {"invalid token",
     "无法识别的内容（字符串须用英文双引号；true、false、null 须小写；数字不能以 + 或 . 开头）"},
    {"premature end of input", "记录在结束前中断（缺少引号或括号？记录被截断？）"},
    {"unexpected newline", "字符串没有结束就换行了（缺少右引号？字符串中的换行须写作 \\n）"},
    {"control character", "字符串中有控制字符，须写成转义形式（如 \\t、\\u0007）"},
    {"invalid escape", "无效的转义（反斜杠后只能是 \" \\ / b f n r t 或 u 加四位十六进制数）"},
    {"invalid Unicode escape", "无效的 \\u 转义（\\u 后应为四位十六进制数）"},
    {"invalid Unicode", "无效的 Unicode 转义：代理项不成对"},
    {"too big negative integer", "整数超出范围"},
    {"too big integer", "整数超出范围"},
    {"real number overflow", "数值超出范围"},
    {"maximum parsing depth reached", "嵌套层数过多"},
    {"duplicate object key", "同一对象中字段名重复"},
    {"NUL byte in object key not supported", "字段名中有空字符（\\u0000）"},
    {"\\u0000 is not allowed", "字符串中不能有空字符（\\u0000）"},
};

/* Line (1-based) and byte in the line (1-based) of offset off in text. */
static void place(const char *text, size_t off, long *line, size_t *col)
{
    *line = 1;
    size_t start = 0;
    for (size_t i = 0; i < off; i++)
        if (text[i] == '\n') {
            (*line)++;
            start = i + 1;
        }
    *col = off - start + 1;
}

jz_err jz__json_syntax_error(jz_error *err, const json_error_t *je, const char *text, size_t len,
                             long line_base)
{
    /* One line (JSON Lines): the file's line is the record's, say the column
     * only; a record over several lines (or an array) gets its line too. */
    size_t body = len;
    while (text && body > 0 && strchr(" \t\r\n", text[body - 1]))
        body--;
    bool one_line = text && !memchr(text, '\n', body);
    char where[64];
    if (text && strncmp(je->text, "unable to decode byte", 21) == 0) {
        char what[JZ_ERR_REASON_MAX / 2];
        size_t off = jz_encoding_utf8_error(text, len, what, sizeof what);
        if (off < len) {
            long line;
            size_t col;
            place(text, off, &line, &col);
            if (one_line)
                snprintf(where, sizeof where, "第 %zu 字节", col);
            else
                snprintf(where, sizeof where, "第 %ld 行第 %zu 字节", line + line_base, col);
            return jz_error_set(err, JZ_EINPUT, "", NULL,
                                "不是有效的 UTF-8 编码（%s）：%s；文件可能在保存、复制或截断时"
                                "损坏，请改正或从原系统重新导出",
                                where, what);
        }
    }
    /* What jansson quotes: " near 'TEXT'" or " near end of file". */
    char near[JZ_ERR_VALUE_MAX] = "";
    const char *n = strstr(je->text, " near ");
    bool at_end = n && strcmp(n, " near end of file") == 0;
    if (at_end)
        snprintf(where, sizeof where, "记录在结束前中断");
    else if (one_line || je->line < 1)
        snprintf(where, sizeof where, "第 %d 列", je->column);
    else
        snprintf(where, sizeof where, "第 %ld 行第 %d 列", je->line + line_base, je->column);
    if (n && !at_end && n[6] == '\'') {
        const unsigned char *q = (const unsigned char *)n + 7;
        size_t k = strlen(n + 7);
        if (k > 0 && q[k - 1] == '\'')
            k--;
        if (k > 40) { /* cut on a character boundary */
            k = 40;
            while (k > 0 && (q[k] & 0xC0) == 0x80)
                k--;
        }
        snprintf(near, sizeof near, "，在“%.*s”处", (int)k, n + 7);
    }
    for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++) {
        size_t k = strlen(messages[i].en);
        if (strncmp(je->text, messages[i].en, k) == 0 &&
            (je->text[k] == '\0' || je->text[k] == ' ')) {
            /* "control character 0x7": say which. */
            unsigned code = 0;
            if (strncmp(je->text, "control character 0x", 20) == 0 &&
                sscanf(je->text + 20, "%x", &code) == 1)
                return jz_error_set(err, JZ_EINPUT, "", NULL,
                                    "JSON 语法错误（%s）：字符串中有控制字符 U+%04X，须写成转义形式"
                                    "（如 \\t、\\u%04x）",
                                    where, code, code);
            return jz_error_set(err, JZ_EINPUT, "", NULL, "JSON 语法错误（%s%s）：%s", where, near,
                                messages[i].zh);
        }
    }
    /* Not in the table (a newer jansson): still in Chinese, with where. */
    return jz_error_set(err, JZ_EINPUT, "", NULL, "JSON 语法错误（%s%s）", where, near);
}
