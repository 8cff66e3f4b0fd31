/*
 * encoding.c - tells UTF-8 from GBK/GB18030 and converts GB18030 to UTF-8
 * with glibc's iconv (jz_encoding.h).
 *
 * Detection is by validity first: a text that is valid UTF-8 is UTF-8.  One
 * that is not is GB18030 when it has GB18030's byte structure and most of
 * its non-ASCII bytes do not read as UTF-8: real Chinese text in GBK is
 * almost never valid UTF-8 (its lead bytes 0x81-0xFE are followed by bytes
 * that UTF-8 does not allow there), while a UTF-8 file with one damaged or
 * cut character still has all its other characters valid.  Valid UTF-8
 * Chinese often has GB18030's structure too (any run of an even number of
 * bytes 0x81-0xFE does), so structure alone would call such a damaged
 * UTF-8 file GBK and convert it into nonsense.  The rule gets Excel's two
 * CSV flavours right and never guesses: anything else is refused, saying
 * which byte is wrong and why.
 *
 * Text a person reads on one line (names, addresses, notes, in records and
 * in feeds) is checked here too (jz_text_find_unsafe): control characters
 * and the bidirectional formatting characters that reorder what is shown.
 */
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base_int.h"
#include "jiuzhu/jz_encoding.h"

/*
 * True when the n bytes at s (fewer than a whole sequence) are the valid
 * start of a UTF-8 sequence.  Completing them with continuation bytes from
 * the low, middle and high part of the allowed ranges covers every lead byte
 * (E0 and F0 need A0/90 and up, ED and F4 at most 9F/8F).
 */
static bool cut_sequence(const unsigned char *s, size_t n)
{
    static const unsigned char pads[] = {0x80, 0x90, 0xA0};

    if (n == 0 || n >= 4)
        return false;
    for (size_t k = 0; k < sizeof pads; k++) {
        unsigned char tmp[4];

        memcpy(tmp, s, n);
        memset(tmp + n, pads[k], 4 - n);
        if (jz__utf8_seq_len(tmp, 4) > n)
            return true;
    }
    return false;
}

/*
 * Offset of the first byte that is not valid UTF-8, or len when all is valid.
 * With partial, a sequence cut by the end counts as valid.
 */
static size_t utf8_bad_offset(const unsigned char *s, size_t len, bool partial)
{
    size_t i = 0;

    while (i < len) {
        /* ASCII runs dominate CSV files: skip them without the full check. */
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = jz__utf8_seq_len(s + i, len - i);
        if (k == 0)
            return partial && cut_sequence(s + i, len - i) ? len : i;
        i += k;
    }
    return len;
}

/*
 * Offset of the first byte that breaks GB18030's structure, or len: single
 * bytes 0x00-0x7F; two bytes 81-FE then 40-7E or 80-FE; four bytes 81-FE,
 * 30-39, 81-FE, 30-39.
 */
static size_t gb18030_bad_offset(const unsigned char *s, size_t len, bool partial)
{
    size_t i = 0;

    while (i < len) {
        unsigned char b = s[i];

        if (b < 0x80) {
            i++;
            continue;
        }
        if (b == 0x80 || b == 0xFF)
            return i;
        if (i + 1 >= len)
            return partial ? len : i;
        unsigned char c = s[i + 1];
        if ((c >= 0x40 && c <= 0x7E) || (c >= 0x80 && c <= 0xFE)) {
            i += 2;
            continue;
        }
        if (c < 0x30 || c > 0x39)
            return i;
        if (i + 2 >= len)
            return partial ? len : i;
        if (s[i + 2] < 0x81 || s[i + 2] > 0xFE)
            return i;
        if (i + 3 >= len)
            return partial ? len : i;
        if (s[i + 3] < 0x30 || s[i + 3] > 0x39)
            return i;
        i += 4;
    }
    return len;
}

/*
 * Over the whole buffer: how many multi-byte UTF-8 characters are valid,
 * and at how many places UTF-8 breaks.  With
 * partial, a character cut by the end is not a break.
 */
static void utf8_census(const unsigned char *s, size_t len, bool partial, size_t *valid,
                        size_t *bad)
{
    *valid = *bad = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = jz__utf8_seq_len(s + i, len - i);
        if (k > 0) {
            (*valid)++;
            i += k;
        } else if (partial && cut_sequence(s + i, len - i)) {
            break;
        } else {
            /* One damaged place: the byte and the continuation bytes that
             * follow it (a cut character, a stray run). */
            size_t j = i + 1;
            while (j < len && j - i < 4 && s[j] >= 0x80 && s[j] <= 0xBF)
                j++;
            (*bad)++;
            i = j;
        }
    }
}

static bool has_utf16_bom(const unsigned char *s, size_t len)
{
    return len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF));
}

static jz_encoding classify(const char *buf, size_t len, bool partial)
{
    const unsigned char *s = (const unsigned char *)buf;

    if (utf8_bad_offset(s, len, partial) == len)
        return len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF ? JZ_ENC_UTF8_BOM
                                                                        : JZ_ENC_UTF8;
    /* FF FE and FE FF are invalid in GB18030 too, so this order is safe. */
    if (has_utf16_bom(s, len))
        return JZ_ENC_UTF16;
    if (gb18030_bad_offset(s, len, partial) != len)
        return JZ_ENC_UNKNOWN;
    /* GB18030's structure: GBK only if most of it is not UTF-8, else a
     * damaged UTF-8 text (see the top of the file). */
    size_t valid, bad;
    utf8_census(s, len, partial, &valid, &bad);
    return bad > valid ? JZ_ENC_GB18030 : JZ_ENC_UNKNOWN;
}

jz_encoding jz_encoding_detect(const char *buf, size_t len)
{
    return classify(buf, len, false);
}

jz_encoding jz_encoding_sniff(const char *buf, size_t len)
{
    return classify(buf, len, true);
}

const char *jz_encoding_name(jz_encoding enc)
{
    switch (enc) {
    case JZ_ENC_UTF8:
        return "UTF-8";
    case JZ_ENC_UTF8_BOM:
        return "UTF-8 with BOM";
    case JZ_ENC_GB18030:
        return "GB18030";
    case JZ_ENC_UTF16:
        return "UTF-16";
    case JZ_ENC_UNKNOWN:
        break;
    }
    return "unknown";
}

size_t jz_encoding_utf8_error(const char *buf, size_t len, char *what, size_t cap)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t off = utf8_bad_offset(s, len, false);
    if (off == len) {
        if (cap)
            what[0] = '\0';
        return len;
    }
    unsigned char b = s[off];
    size_t need = b >= 0xC2 && b <= 0xDF   ? 2
                  : b >= 0xE0 && b <= 0xEF ? 3
                  : b >= 0xF0 && b <= 0xF4 ? 4
                                           : 0;
    size_t have = 1;
    while (need && have < need && off + have < len && s[off + have] >= 0x80 &&
           s[off + have] <= 0xBF)
        have++;
    if (b >= 0x80 && b <= 0xBF)
        snprintf(what, cap,
                 "字节 0x%02X 是 UTF-8 字符的后续字节，却出现在字符开头（前面的字节丢失，或多出"
                 "这个字节）",
                 b);
    else if (need == 0)
        snprintf(what, cap, "字节 0x%02X 在 UTF-8 中不会出现", b);
    else if (have < need)
        snprintf(what, cap, "以 0x%02X 开始的 UTF-8 字符不完整（应有 %zu 个字节，只有 %zu 个）", b,
                 need, have);
    else
        snprintf(what, cap,
                 "字节 0x%02X 0x%02X 不是有效的 UTF-8 字符（超长编码、代理项或超出 Unicode 范围）",
                 b, s[off + 1]);
    return off;
}

/* 1-based line of byte offset off. */
static long line_of(const char *buf, size_t off)
{
    long line = 1;
    const char *p = buf, *end = buf + off;

    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        line++;
        p++;
    }
    return line;
}

/* Writes s to dst (cap bytes) quoted for a POSIX shell when it needs quoting;
 * returns false when it does not fit. */
static bool shell_word(char *dst, size_t cap, const char *s, const char *suffix)
{
    bool plain = s[0] != '\0';
    size_t out = 0;

    for (const char *p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || strchr("-_./+,:@%", c) != NULL))
            plain = false;
    }
    if (!plain && out < cap)
        dst[out++] = '\'';
    for (const char *p = s;; p++) {
        const char *piece;
        char one[2] = {0, 0};

        if (*p == '\0') {
            piece = suffix;
        } else if (*p == '\'' && !plain) {
            piece = "'\\''"; /* close, escaped quote, reopen */
        } else {
            one[0] = *p;
            piece = one;
        }
        size_t k = strlen(piece);
        if (out + k >= cap)
            return false;
        memcpy(dst + out, piece, k);
        out += k;
        if (*p == '\0')
            break;
    }
    if (!plain) {
        if (out + 1 >= cap)
            return false;
        dst[out++] = '\'';
    }
    dst[out] = '\0';
    return true;
}

/* Says precisely which byte of a text that is not UTF-8 (nor GBK) is wrong:
 * its place (1-based, with the offset xxd and hexdump show), its line, and
 * what is wrong with it; and whether the text is otherwise UTF-8. */
static jz_err refuse_bytes(jz_error *err, const char *buf, size_t len)
{
    char what[JZ_ERR_REASON_MAX / 2];
    size_t off = jz_encoding_utf8_error(buf, len, what, sizeof what);
    size_t valid, bad;
    utf8_census((const unsigned char *)buf, len, false, &valid, &bad);
    if (err != NULL)
        err->line = line_of(buf, off);
    if (valid >= bad)
        return jz_error_set(
            err, JZ_EINPUT, NULL, NULL,
            "文件是 UTF-8 编码，但有 %zu 处无效字节，第一处在第 %zu 字节（偏移 "
            "0x%zX）：%s；文件可能在保存、复制或截断时损坏，请改正或从原系统重新导出",
            bad, off + 1, off, what);
    return jz_error_set(err, JZ_EINPUT, NULL, NULL,
                        "文件不是有效的 UTF-8 编码，也不是 GBK/GB18030：第 %zu 字节（偏移 0x%zX）："
                        "%s；请转换为 UTF-8 后再导入",
                        off + 1, off, what);
}

jz_err jz_encoding_refuse_text(jz_error *err, const char *path, const char *buf, size_t len,
                               const char *out_suffix)
{
    jz_encoding enc = jz_encoding_detect(buf, len);
    if (enc == JZ_ENC_UTF8 || enc == JZ_ENC_UTF8_BOM)
        return JZ_OK;
    if (err != NULL)
        err->line = 0;
    if (enc == JZ_ENC_GB18030 || enc == JZ_ENC_UTF16)
        return jz_encoding_refuse(err, path, enc, out_suffix);
    jz_err rc = refuse_bytes(err, buf, len);
    jz_error_set_source(err, path, err != NULL ? err->line : 0);
    return rc;
}

jz_err jz_encoding_refuse(jz_error *err, const char *path, jz_encoding enc, const char *out_suffix)
{
    /* The command must reach the person whole, so both words have to fit in
     * the reason beside the text; otherwise the command says FILE. */
    char in_word[JZ_ERR_REASON_MAX / 3], out_word[JZ_ERR_REASON_MAX / 3];
    const char *from = enc == JZ_ENC_UTF16 ? "UTF-16" : "GB18030";
    long line = err != NULL ? err->line : 0;

    if (out_suffix == NULL)
        out_suffix = ".utf8";
    if (path == NULL || !shell_word(in_word, sizeof in_word, path, "") ||
        !shell_word(out_word, sizeof out_word, path, out_suffix)) {
        snprintf(in_word, sizeof in_word, "FILE");
        snprintf(out_word, sizeof out_word, "FILE%.20s", out_suffix);
    }
    switch (enc) {
    case JZ_ENC_GB18030:
        jz_error_set(
            err, JZ_EINPUT, NULL, NULL,
            "文件是 GBK/GB18030 编码，这里只读 UTF-8；请先转换：iconv -f %s -t UTF-8 %s > %s", from,
            in_word, out_word);
        break;
    case JZ_ENC_UTF16:
        jz_error_set(
            err, JZ_EINPUT, NULL, NULL,
            "文件是 UTF-16 编码（Excel“Unicode 文本”）；请另存为“CSV UTF-8”，或转换：iconv "
            "-f %s -t UTF-8 %s > %s",
            from, in_word, out_word);
        break;
    default:
        /* Without the text nothing more can be said (jz_encoding_refuse_text
         * says which byte and why). */
        jz_error_set(err, JZ_EINPUT, NULL, NULL,
                     "文件不是有效的 UTF-8 编码%s；请改正或从原系统重新导出为 UTF-8 后再导入",
                     line > 0 ? "（见所指的行）" : "");
        break;
    }
    jz_error_set_source(err, path, line);
    return JZ_EINPUT;
}

/* Converts GB18030 to UTF-8 with iconv into a malloc'd, terminated buffer. */
static jz_err convert_gb18030(const char *in, size_t len, char **out, size_t *out_len,
                              jz_error *err)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    char *buf = NULL, *inp = (char *)in, *outp;
    size_t inleft = len, outleft, cap;
    jz_err rc = JZ_OK;

    if (cd == (iconv_t)-1)
        return jz_error_set(err, JZ_EIO, NULL, NULL, "系统不支持 GB18030 到 UTF-8 的转换（iconv）");
    /* Every GB18030 sequence becomes at most 1.5 times its length in UTF-8
     * (2 bytes -> 3, 4 bytes -> 4), so one allocation is enough. */
    if (len > (SIZE_MAX - 16) / 3 * 2) {
        rc = jz_error_set(err, JZ_ERANGE, NULL, NULL, "文件过大");
        goto done;
    }
    cap = len + len / 2 + 16;
    buf = malloc(cap);
    if (buf == NULL) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto done;
    }
    outp = buf;
    outleft = cap - 1;
    while (inleft > 0) {
        if (iconv(cd, &inp, &inleft, &outp, &outleft) != (size_t)-1)
            break;
        if (errno == E2BIG) {
            rc = jz_error_set(err, JZ_ERANGE, NULL, NULL, "GB18030 转换结果超出预计长度");
            goto done;
        }
        /* EILSEQ or EINVAL: bytes with the right shape but no character. */
        size_t off = (size_t)(inp - in);
        if (err != NULL)
            err->line = line_of(in, off);
        jz_error_set(err, JZ_EINPUT, NULL, NULL,
                     "文件看起来是 GBK/GB18030 编码，但第 %zu 字节（偏移 0x%zX）起的字节不对应任何"
                     "字符；请检查文件，或从原系统重新导出为 UTF-8",
                     off + 1, off);
        rc = JZ_EINPUT;
        goto done;
    }
    *outp = '\0';
    *out_len = (size_t)(outp - buf);
    /* A GB18030 byte order mark (84 31 95 33) becomes U+FEFF: drop it too. */
    if (*out_len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        memmove(buf, buf + 3, *out_len - 3 + 1);
        *out_len -= 3;
    }
    *out = buf;
    buf = NULL;
done:
    free(buf);
    iconv_close(cd);
    return rc;
}

jz_err jz_encoding_to_utf8(const char *in, size_t len, char **out, size_t *out_len, jz_error *err)
{
    jz_encoding enc = jz_encoding_detect(in, len);

    *out = NULL;
    *out_len = 0;
    if (err != NULL)
        err->line = 0;
    if (enc == JZ_ENC_UTF8 || enc == JZ_ENC_UTF8_BOM) {
        size_t skip = enc == JZ_ENC_UTF8_BOM ? 3 : 0;
        char *copy = malloc(len - skip + 1);

        if (copy == NULL)
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        memcpy(copy, in + skip, len - skip);
        copy[len - skip] = '\0';
        *out = copy;
        *out_len = len - skip;
        return JZ_OK;
    }
    if (enc == JZ_ENC_GB18030) {
        return convert_gb18030(in, len, out, out_len, err);
    }
    if (enc == JZ_ENC_UNKNOWN)
        return refuse_bytes(err, in, len);
    jz_encoding_refuse(err, NULL, enc, ".utf8");
    return JZ_EINPUT;
}

/* ---- text a person reads on one line ------------------------------------ */

/* The code point of the valid UTF-8 sequence of k bytes at p. */
static uint32_t decode(const unsigned char *p, size_t k)
{
    if (k == 1)
        return p[0];
    uint32_t cp = p[0] & (0xFFu >> (k + 1));
    for (size_t i = 1; i < k; i++)
        cp = cp << 6 | (p[i] & 0x3Fu);
    return cp;
}

static bool unsafe_cp(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
           cp == 0x200F || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

long jz_text_find_unsafe(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        /* Printable ASCII dominates: the fast path. */
        if (p[i] >= 0x20 && p[i] < 0x7F) {
            i++;
            continue;
        }
        size_t k = jz__utf8_seq_len(p + i, n - i);
        uint32_t c = k ? decode(p + i, k) : 0xFFFFFFFFu;
        if (k == 0 || unsafe_cp(c)) {
            if (cp)
                *cp = c;
            return (long)i;
        }
        i += k;
    }
    return -1;
}

void jz_text_unsafe_reason(uint32_t cp, char *buf, size_t cap)
{
    static const struct {
        uint32_t cp;
        const char *zh;
    } named[] = {{0x0A, "换行符"},     {0x0D, "回车符"},     {0x09, "制表符 Tab"},
                 {0x07, "响铃符 BEL"}, {0x1B, "转义符 ESC"}, {0x7F, "删除符 DEL"},
                 {0x2028, "行分隔符"}, {0x2029, "段分隔符"}};
    static const struct {
        uint32_t cp;
        const char *zh;
    } bidi[] = {{0x061C, "阿拉伯文字母标记"}, {0x200E, "从左到右标记"}, {0x200F, "从右到左标记"},
                {0x202A, "从左到右嵌入"},     {0x202B, "从右到左嵌入"}, {0x202C, "嵌入结束"},
                {0x202D, "从左到右覆盖"},     {0x202E, "从右到左覆盖"}, {0x2066, "从左到右隔离"},
                {0x2067, "从右到左隔离"},     {0x2068, "首强字符隔离"}, {0x2069, "隔离结束"}};
    if (cp == 0xFFFFFFFFu) {
        snprintf(buf, cap, "含有不是有效 UTF-8 的字节");
        return;
    }
    for (size_t i = 0; i < sizeof bidi / sizeof bidi[0]; i++)
        if (bidi[i].cp == cp) {
            snprintf(buf, cap,
                     "含有双向文本控制字符 U+%04X（%s），会改变文字的显示顺序，使名单、通知上显示"
                     "的内容与实际不符",
                     (unsigned)cp, bidi[i].zh);
            return;
        }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (named[i].cp == cp) {
            snprintf(buf, cap, "含有控制字符：%s（U+%04X）；此处应为一行文字", named[i].zh,
                     (unsigned)cp);
            return;
        }
    snprintf(buf, cap, "含有控制字符 U+%04X；此处应为一行可显示的文字", (unsigned)cp);
}
