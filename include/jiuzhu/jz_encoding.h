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

#include "jz_err.h"

typedef enum jz_encoding {
    JZ_ENC_UTF8 = 0, /* valid UTF-8 (plain ASCII included), no byte order mark */
    JZ_ENC_UTF8_BOM, /* valid UTF-8 that starts with the byte order mark EF BB BF */
    JZ_ENC_GB18030,  /* not valid UTF-8, but valid GB18030 byte structure (GBK) */
    JZ_ENC_UTF16,    /* starts with a UTF-16 byte order mark (Excel "Unicode text") */
    JZ_ENC_UNKNOWN   /* none of these */
} jz_encoding;

/*
 * Classifies the whole buffer (len bytes, need not be terminated).  UTF-8 is
 * tried first: a text that is valid UTF-8 is UTF-8, whatever else it might
 * also be.  GB18030 is checked for its byte structure only (1, 2 or 4 byte
 * sequences with lead and trail bytes in range), not for assigned characters;
 * jz_encoding_to_utf8 finds those.  A sequence cut by the end of the buffer
 * is invalid, so pass a whole file, or use jz_encoding_sniff for a prefix.
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
 * gives the iconv command (with "FILE" for the file: use jz_encoding_refuse
 * when the path is known).  On error *out is NULL.
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

#endif
