/*
 * jz_encoding.h - telling UTF-8 from GBK/GB18030, and converting the latter.
 *
 * Counties export their spreadsheets from Excel: "CSV UTF-8" gives UTF-8
 * with a byte order mark, plain "CSV" on a Chinese Windows gives GBK (which
 * GB18030 contains).  jiuzhu works in UTF-8 only, so every file that comes
 * from outside is first classified here.  The CSV importer converts GB18030
 * itself; readers that do not convert (JSON) refuse such a file with a
 * message that gives the iconv command to run (jz_encoding_refuse).
 */
#ifndef JZ_ENCODING_H
#define JZ_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "jz_err.h"

typedef enum jz_encoding {
    JZ_ENC_UTF8 = 0, /* valid UTF-8 (plain ASCII included), no byte order mark */
    JZ_ENC_UTF8_BOM, /* valid UTF-8 that starts with the byte order mark EF BB BF */
    JZ_ENC_GB18030,  /* not valid UTF-8, valid GB18030 byte structure, and mostly not
                        UTF-8 (GBK): not a UTF-8 text with a damaged character */
    JZ_ENC_UTF16,    /* starts with a UTF-16 byte order mark (Excel "Unicode text") */
    JZ_ENC_UNKNOWN   /* none of these (a damaged UTF-8 text among them) */
} jz_encoding;

/*
 * Classifies the whole buffer (len bytes, need not be terminated).  UTF-8 is
 * tried first: a text that is valid UTF-8 is UTF-8, whatever else it might
 * also be.  GB18030 is checked for its byte structure (1, 2 or 4 byte
 * sequences with lead and trail bytes in range), not for assigned characters
 * (jz_encoding_to_utf8 finds those), and the text must be mostly not UTF-8:
 * more places where UTF-8 breaks than valid multi-byte UTF-8 characters.  A
 * UTF-8 text with a damaged or cut character is JZ_ENC_UNKNOWN, never GBK.
 * A sequence cut by the end of the buffer is invalid, so pass a whole file,
 * or use jz_encoding_sniff for a prefix.
 */
jz_encoding jz_encoding_detect(const char *buf, size_t len);

/* Same, for the first len bytes of a longer input: a multi-byte sequence cut
 * by the end of the buffer is not held against it. */
jz_encoding jz_encoding_sniff(const char *buf, size_t len);

/* A short English name: "UTF-8", "UTF-8 with BOM", "GB18030", "UTF-16",
 * "unknown". */
const char *jz_encoding_name(jz_encoding enc);

/*
 * Converts in (len bytes) to UTF-8 without a byte order mark: UTF-8 is
 * copied (its BOM dropped), GB18030 goes through iconv.  *out is malloc'd,
 * NUL-terminated (the terminator is not counted in *out_len), and the caller
 * frees it.  Any other encoding, or GB18030 bytes that iconv cannot convert,
 * gives JZ_EINPUT with err->line at the first bad byte and a reason that
 * says which byte it is and what is wrong with it (jz_encoding_refuse_text;
 * the caller names the file).  On error *out is NULL.
 */
jz_err jz_encoding_to_utf8(const char *in, size_t len, char **out, size_t *out_len, jz_error *err);

/*
 * Fills err for a file that is not UTF-8 and returns JZ_EINPUT: source =
 * path, and a Chinese reason that says what the file seems to be and gives
 * the command that converts it, e.g. for enc == JZ_ENC_GB18030:
 *   文件是 GBK/GB18030 编码，jiuzhu 只读 UTF-8；请先转换：
 *   iconv -f GB18030 -t UTF-8 data.jsonl > data.jsonl.utf8
 * out_suffix is what the command appends to the output file name (NULL:
 * ".utf8").  The path is shell-quoted when it needs to be; a path too long
 * for the reason is written as FILE (err->source still names it).  err->line
 * is kept as it is, so a caller that knows where the first bad byte is
 * (jz_encoding_to_utf8 sets it) keeps that; clear err first otherwise.
 */
jz_err jz_encoding_refuse(jz_error *err, const char *path, jz_encoding enc, const char *out_suffix);

/*
 * For a whole text that may not be UTF-8: JZ_OK when it is (a byte order
 * mark allowed), else fills err as jz_encoding_refuse does for GBK/GB18030
 * and UTF-16 (the iconv command), and otherwise says precisely what is
 * wrong: the first invalid byte's place (1-based, and its offset as xxd
 * shows it), its line (err->line) and why (jz_encoding_utf8_error), and
 * whether the text is otherwise UTF-8 (a damaged file) or not.  No GBK hint
 * unless the bytes look like GBK.  source = path.
 */
jz_err jz_encoding_refuse_text(jz_error *err, const char *path, const char *buf, size_t len,
                               const char *out_suffix);

/*
 * The offset of the first byte of buf that is not valid UTF-8 (len when
 * all is), and in what (cap bytes) a Chinese phrase saying what is wrong
 * there: a continuation byte where a character starts, a byte UTF-8 never
 * uses, a character cut short (how many bytes it should have), an overlong
 * form or a surrogate.
 */
size_t jz_encoding_utf8_error(const char *buf, size_t len, char *what, size_t cap);

/*
 * Text that people read on one line (a name, an address, a note, a cell of
 * a department's file) must not hold characters that break the line or
 * change what others see: C0 control characters (newline, tab, BEL, ...),
 * DEL, C1 controls (U+0080-U+009F), the line and paragraph separators
 * (U+2028, U+2029), and the bidirectional formatting characters that
 * reorder the text shown around them (U+061C, U+200E, U+200F,
 * U+202A-U+202E, U+2066-U+2069).  Returns the byte offset of the first
 * one in (s, n), or -1 when there is none; *cp (may be NULL) gets its code
 * point, or 0xFFFFFFFF for a byte that is not valid UTF-8.
 */
long jz_text_find_unsafe(const char *s, size_t n, uint32_t *cp);

/* A short Chinese reason for such a character, e.g. "含有换行符（U+000A）" or
 * "含有双向文本控制字符 U+202E（从右到左覆盖），会改变文字的显示顺序". */
void jz_text_unsafe_reason(uint32_t cp, char *buf, size_t cap);

#endif
