/*
 * encoding.c - tells UTF-8 from GBK/GB18030 and converts GB18030 to UTF-8
 * with glibc's iconv (jz_encoding.h).
 *
 * Detection is by validity, not by statistics: a text that is valid UTF-8 is
 * UTF-8; one that is not but has GB18030's byte structure is GB18030.  Real
 * Chinese text in GBK is almost never valid UTF-8 (its lead bytes 0x81-0xFE
 * are followed by bytes that UTF-8 does not allow there), so the rule gets
 * Excel's two CSV flavours right, and it never guesses: a file that is
 * neither is refused with the command that converts it.
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
    if (gb18030_bad_offset(s, len, partial) == len)
        return JZ_ENC_GB18030;
    return JZ_ENC_UNKNOWN;
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
        jz_error_set(err, JZ_EINPUT, NULL, NULL,
                     "文件既不是有效的 UTF-8 编码，也不是有效的 GBK/GB18030 编码；请转换为 UTF-8 "
                     "后再导入，GBK 文件可以这样转换（iconv 会指出出错的位置）：iconv -f %s -t "
                     "UTF-8 %s > %s",
                     from, in_word, out_word);
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
        jz_error_set(err, JZ_EINPUT, NULL, NULL, "第 %zu 字节起的 GB18030 字节不对应任何字符",
                     off + 1);
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
        jz_err rc = convert_gb18030(in, len, out, out_len, err);
        if (rc == JZ_EINPUT) {
            long line = err != NULL ? err->line : 0;

            jz_encoding_refuse(err, "FILE", JZ_ENC_UNKNOWN, ".utf8");
            if (err != NULL) {
                err->line = line;
                err->source[0] = '\0';
            }
        }
        return rc;
    }
    if (err != NULL && enc == JZ_ENC_UNKNOWN) {
        const unsigned char *s = (const unsigned char *)in;
        size_t a = utf8_bad_offset(s, len, false), b = gb18030_bad_offset(s, len, false);

        /* The later of the two is where a file that is mostly one of them
         * breaks, which is what a person has to look at. */
        err->line = line_of(in, a > b ? a : b);
    }
    jz_encoding_refuse(err, NULL, enc, ".utf8");
    return JZ_EINPUT;
}
