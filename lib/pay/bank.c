/*
 * bank.c - the banks that pay (policy/banks/<code>.json): what an account
 * number of each looks like, and the layout of the 代发 file each wants
 * (columns and their headings, encoding, header row, file name).
 *
 * The files are configuration, not code: each county confirms its bank's
 * real layout and edits the file (policy/banks/README.md).  default.json is
 * the documented default layout; a bank file without a "file" section takes
 * default.json's.  Loading is strict, as for the policy parameters: a typing
 * mistake in a layout sends the wrong column to a bank, so an unknown
 * field, a column twice, a missing line/account/amount column, an unknown
 * encoding or a file name pattern that could name two batches' files the
 * same is refused naming the file, the field, the value and the reason.
 */
#include <dirent.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sodium.h>

#include "jiuzhu/jz_encoding.h"
#include "jiuzhu/jz_file.h"
#include "bank_int.h"
#include "pay_int.h"

/* A bank file is a page of JSON; anything near this is not one. */
#define BANK_FILE_MAX (256u * 1024u)
/* Bank files in a policy folder, at most. */
#define BANKS_MAX 256

/* ---- accounts --------------------------------------------------------------------- */

bool jz__pay_luhn_ok(const char *digits, size_t n)
{
    if (n < 2)
        return false;
    int sum = 0;
    bool twice = false;
    for (size_t i = n; i-- > 0;) {
        int d = digits[i] - '0';
        if (d < 0 || d > 9)
            return false;
        if (twice) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
        twice = !twice;
    }
    return sum % 10 == 0;
}

void jz_account_mask(const char *account, char out[JZ_ACCOUNT_BUF])
{
    size_t n = account ? strlen(account) : 0;
    /* Long numbers show their first and last four (what a counter clerk
     * reads back); short ones their first and last digit; a number too
     * short for that is hidden whole.  An over-long text keeps its ends
     * and is cut to the buffer in the middle. */
    size_t head = n >= 9 ? 4 : n >= 3 ? 1 : 0, tail = head;
    size_t stars = n - head - tail;
    if (head + stars + tail > JZ_ACCOUNT_MAX)
        stars = JZ_ACCOUNT_MAX - head - tail;
    size_t k = 0;
    for (size_t i = 0; i < head; i++)
        out[k++] = account[i];
    for (size_t i = 0; i < stars; i++)
        out[k++] = '*';
    for (size_t i = 0; i < tail; i++)
        out[k++] = account[n - tail + i];
    out[k] = '\0';
}

jz_err jz_bank_check_account(const jz_bank *b, const char *account, jz_error *err)
{
    char m[JZ_ACCOUNT_BUF];
    jz_account_mask(account, m);
    size_t n = account ? strlen(account) : 0;
    if (n == 0)
        return jz_error_set(err, JZ_EINPUT, "account", "", "缺少银行账号");
    if (strspn(account, "0123456789") != n)
        return jz_error_set(err, JZ_EINPUT, "account", m,
                            "银行账号只能由数字组成（不含空格和横线）");
    if (!b)
        return jz_error_set(err, JZ_EINPUT, "bank", "", "未指定开户银行");
    if ((int)n < b->min_len || (int)n > b->max_len) {
        if (b->min_len == b->max_len)
            return jz_error_set(err, JZ_EINPUT, "account", m,
                                "%s的账号应为 %d 位数字，此账号 %zu 位", b->name, b->min_len, n);
        return jz_error_set(err, JZ_EINPUT, "account", m,
                            "%s的账号应为 %d 到 %d 位数字，此账号 %zu 位", b->name, b->min_len,
                            b->max_len, n);
    }
    if (b->luhn && !jz__pay_luhn_ok(account, n))
        return jz_error_set(err, JZ_EINPUT, "account", m,
                            "账号校验位不符（%s的卡号末位是 Luhn 校验位），请核对是否抄错",
                            b->name);
    return JZ_OK;
}

/* ---- the table ---------------------------------------------------------------------- */

const jz_bank *jz_banks_find(const jz_banks *b, const char *code)
{
    if (!b || !code)
        return NULL;
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->b[i].code, code) == 0)
            return &b->b[i];
    return NULL;
}

const jz_bank *jz_banks_find_payable(const jz_banks *b, const char *code)
{
    if (!code || strcmp(code, "default") == 0 || strcmp(code, JZ_VOUCHER_BANK) == 0)
        return NULL;
    return jz_banks_find(b, code);
}

void jz_banks_free(jz_banks *b)
{
    if (!b)
        return;
    free(b->b);
    b->b = NULL;
    b->n = 0;
}

/* ---- loading --------------------------------------------------------------------------- */

static jz_err bad(jz_error *err, const char *path, const char *field, const char *value,
                  const char *reason)
{
    jz_error_set(err, JZ_EINPUT, field, value, "%s", reason);
    jz_error_set_source(err, path, 0);
    return JZ_EINPUT;
}

/* Whether text is short, safe one-line text (a heading, a name). */
static bool plain_text(const char *s, size_t max)
{
    size_t n = strlen(s);
    return n > 0 && n <= max && jz_text_find_unsafe(s, n, NULL) < 0;
}

/* Whether UTF-8 text s converts to GB18030 (every heading must). */
static bool gb18030_ok(const char *s)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    if (cd == (iconv_t)-1)
        return false;
    char out[256];
    char *in = (char *)s, *o = out;
    size_t il = strlen(s), ol = sizeof out;
    bool ok = iconv(cd, &in, &il, &o, &ol) != (size_t)-1 && il == 0;
    iconv_close(cd);
    return ok;
}

/* Checks a file name pattern: only the placeholders below, {batch} among
 * them (else two batches' files would share a name), and characters a
 * file name may hold anywhere (no '/', no control or hidden-file start). */
static jz_err check_pattern(const char *path, const char *p, jz_error *err)
{
    static const char *const ph[] = {"{county}", "{period}", "{batch}", "{date}", "{bank}"};
    bool batch = false;
    if (!plain_text(p, 100))
        return bad(err, path, "file.name_pattern", p, "文件名模式应为 1 到 100 字节的单行文字");
    if (p[0] == '.' || p[0] == '-')
        return bad(err, path, "file.name_pattern", p, "文件名不能以“.”或“-”开头");
    for (const char *c = p; *c;) {
        if (*c == '{') {
            size_t i = 0;
            while (i < sizeof ph / sizeof ph[0] && strncmp(c, ph[i], strlen(ph[i])) != 0)
                i++;
            if (i == sizeof ph / sizeof ph[0])
                return bad(err, path, "file.name_pattern", p,
                           "文件名模式只能使用 {county} {period} {batch} {date} {bank}");
            batch |= i == 2;
            c += strlen(ph[i]);
            continue;
        }
        if (*c == '/' || *c == '\\' || *c == '}' || *c == ':' || *c == '*' || *c == '?' ||
            *c == '"' || *c == '<' || *c == '>' || *c == '|' || *c == ' ')
            return bad(err, path, "file.name_pattern", p,
                       "文件名不能含有 / \\ : * ? \" < > | 和空格");
        c++;
    }
    if (!batch)
        return bad(err, path, "file.name_pattern", p,
                   "文件名模式须含 {batch}，否则两个批次的文件会同名而相互覆盖");
    return JZ_OK;
}

static jz_err read_layout(const char *path, json_t *f, jz_bank *b, jz_error *err)
{
    const char *k;
    json_t *v;
    json_object_foreach(f, k, v)
    {
        if (strcmp(k, "encoding") && strcmp(k, "header_row") && strcmp(k, "name_pattern") &&
            strcmp(k, "columns") && strcmp(k, "note")) {
            char field[64];
            snprintf(field, sizeof field, "file.%s", k);
            return bad(err, path, field, k,
                       "未知字段（file 中可有 encoding, header_row, name_pattern, columns, note）");
        }
    }
    json_t *enc = json_object_get(f, "encoding"), *hr = json_object_get(f, "header_row");
    json_t *np = json_object_get(f, "name_pattern"), *cols = json_object_get(f, "columns");
    if (!json_is_string(enc))
        return bad(err, path, "file.encoding", "", "缺少文件编码（\"UTF-8\" 或 \"GB18030\"）");
    const char *e = json_string_value(enc);
    if (strcasecmp(e, "UTF-8") == 0 || strcasecmp(e, "UTF8") == 0)
        snprintf(b->encoding, sizeof b->encoding, "UTF-8");
    else if (strcasecmp(e, "GB18030") == 0 || strcasecmp(e, "GBK") == 0)
        snprintf(b->encoding, sizeof b->encoding, "GB18030");
    else
        return bad(err, path, "file.encoding", e, "文件编码只能是 \"UTF-8\" 或 \"GB18030\"");
    if (!json_is_boolean(hr))
        return bad(err, path, "file.header_row", "", "header_row 应为 true 或 false");
    b->header_row = json_is_true(hr);
    if (!json_is_string(np))
        return bad(err, path, "file.name_pattern", "",
                   "缺少文件名模式，如 \"DF_{county}_{period}_{batch}\"");
    jz_err rc = check_pattern(path, json_string_value(np), err);
    if (rc)
        return rc;
    snprintf(b->file_pattern, sizeof b->file_pattern, "%s", json_string_value(np));
    if (!json_is_array(cols) || json_array_size(cols) == 0 || json_array_size(cols) > JZ_BF_COUNT)
        return bad(err, path, "file.columns", "",
                   "columns 应为 1 到 10 个列的数组，每列 {\"field\": ..., \"heading\": ...}");
    bool seen[JZ_BF_COUNT] = {false};
    b->n_columns = 0;
    for (size_t i = 0; i < json_array_size(cols); i++) {
        json_t *c = json_array_get(cols, i);
        char field[64];
        snprintf(field, sizeof field, "file.columns[%zu]", i);
        if (!json_is_object(c))
            return bad(err, path, field, "", "每列应为 {\"field\": ..., \"heading\": ...}");
        json_object_foreach(c, k, v)
        {
            if (strcmp(k, "field") && strcmp(k, "heading"))
                return bad(err, path, field, k, "未知字段（每列只有 field 和 heading）");
        }
        json_t *fd = json_object_get(c, "field"), *hd = json_object_get(c, "heading");
        snprintf(field, sizeof field, "file.columns[%zu].field", i);
        if (!json_is_string(fd))
            return bad(err, path, field, "", "缺少列的内容（field）");
        const char *fname = json_string_value(fd);
        int which = -1;
        for (int j = 0; j < JZ_BF_COUNT; j++)
            if (strcmp(fname, jz_bank_field_names[j]) == 0)
                which = j;
        if (which < 0)
            return bad(
                err, path, field, fname,
                "未知的列（可用 seq line name id account amount programme period region note）");
        if (seen[which])
            return bad(err, path, field, fname, "同一列出现了两次");
        seen[which] = true;
        snprintf(field, sizeof field, "file.columns[%zu].heading", i);
        if (!json_is_string(hd) || !plain_text(json_string_value(hd), 47))
            return bad(err, path, field, json_is_string(hd) ? json_string_value(hd) : "",
                       "列标题应为 1 到 47 字节的单行文字");
        if (!gb18030_ok(json_string_value(hd)))
            return bad(err, path, field, json_string_value(hd),
                       "列标题含有 GB18030 无法表示的字符");
        b->columns[b->n_columns] = (jz_bank_field)which;
        snprintf(b->headings[b->n_columns], sizeof b->headings[0], "%s", json_string_value(hd));
        b->n_columns++;
    }
    /* The results are matched on the line; the bank needs the account and
     * the amount; the issuer of vouchers the person's ID number, and no
     * account. */
    if (b->voucher) {
        static const jz_bank_field need[] = {JZ_BF_LINE, JZ_BF_NAME, JZ_BF_ID, JZ_BF_AMOUNT};
        for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
            if (!seen[need[i]])
                return bad(err, path, "file.columns", jz_bank_field_names[need[i]],
                           "消费券发放名单必须有明细编号（line）、姓名（name）、身份证号（id）和"
                           "金额（amount）四列：发放机构的确认按明细编号和身份证号对账");
        if (seen[JZ_BF_ACCOUNT])
            return bad(err, path, "file.columns", "account",
                       "消费券发给本人，不经银行账户：发放名单不列账号");
        return JZ_OK;
    }
    static const jz_bank_field need[] = {JZ_BF_LINE, JZ_BF_ACCOUNT, JZ_BF_AMOUNT};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (!seen[need[i]])
            return bad(err, path, "file.columns", jz_bank_field_names[need[i]],
                       "代发文件必须有明细编号（line）、账号（account）和金额（amount）三列："
                       "银行的回盘按明细编号对账");
    return JZ_OK;
}

/* Reads one bank file into b; layout: the default layout for a file
 * without one (NULL while default.json itself is read). */
static jz_err read_bank(const char *path, const char *code, const jz_bank *layout, jz_bank *b,
                        jz_error *err)
{
    memset(b, 0, sizeof *b);
    char *text = NULL;
    size_t len = 0;
    jz_err rc = jz_file_read(path, "银行配置文件", BANK_FILE_MAX, &text, &len, err);
    if (rc)
        return rc;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    free(text);
    if (!root) {
        jz_error_set(err, JZ_EINPUT, NULL, NULL, "JSON 格式错误：%s", je.text);
        jz_error_set_source(err, path, je.line > 0 ? je.line : 0);
        return JZ_EINPUT;
    }
    rc = JZ_OK;
    const char *k;
    json_t *v;
    if (!json_is_object(root)) {
        rc = bad(err, path, NULL, NULL, "银行配置文件应为一个 JSON 对象");
        goto out;
    }
    json_object_foreach(root, k, v)
    {
        if (strcmp(k, "name") && strcmp(k, "account") && strcmp(k, "file") && strcmp(k, "note")) {
            rc = bad(err, path, k, k, "未知字段（可有 name, account, file, note）");
            goto out;
        }
    }
    snprintf(b->code, sizeof b->code, "%s", code);
    b->voucher = strcmp(code, JZ_VOUCHER_BANK) == 0;
    json_t *name = json_object_get(root, "name");
    if (!json_is_string(name) || !plain_text(json_string_value(name), sizeof b->name - 1)) {
        rc = bad(err, path, "name", json_is_string(name) ? json_string_value(name) : "",
                 "缺少银行名称（1 到 95 字节的单行文字）");
        goto out;
    }
    snprintf(b->name, sizeof b->name, "%s", json_string_value(name));
    json_t *note = json_object_get(root, "note");
    if (note && !json_is_string(note)) {
        rc = bad(err, path, "note", "", "note 应为文字");
        goto out;
    }
    json_t *acc = json_object_get(root, "account");
    if (!json_is_object(acc)) {
        rc = bad(err, path, "account", "",
                 "缺少账号规则 {\"min_length\": .., \"max_length\": .., \"luhn\": ..}");
        goto out;
    }
    json_object_foreach(acc, k, v)
    {
        if (strcmp(k, "min_length") && strcmp(k, "max_length") && strcmp(k, "luhn")) {
            char field[64];
            snprintf(field, sizeof field, "account.%s", k);
            rc =
                bad(err, path, field, k, "未知字段（account 中可有 min_length, max_length, luhn）");
            goto out;
        }
    }
    json_t *mn = json_object_get(acc, "min_length"), *mx = json_object_get(acc, "max_length");
    json_t *lu = json_object_get(acc, "luhn");
    if (!json_is_integer(mn) || json_integer_value(mn) < 1 ||
        json_integer_value(mn) > JZ_ACCOUNT_MAX) {
        rc = bad(err, path, "account.min_length", "", "账号最短位数应为 1 到 32 的整数");
        goto out;
    }
    if (!json_is_integer(mx) || json_integer_value(mx) < json_integer_value(mn) ||
        json_integer_value(mx) > JZ_ACCOUNT_MAX) {
        rc = bad(err, path, "account.max_length", "",
                 "账号最长位数应为不小于最短位数、不大于 32 的整数");
        goto out;
    }
    if (!json_is_boolean(lu)) {
        rc = bad(err, path, "account.luhn", "", "luhn 应为 true 或 false（卡号末位是否为校验位）");
        goto out;
    }
    b->min_len = (int)json_integer_value(mn);
    b->max_len = (int)json_integer_value(mx);
    b->luhn = json_is_true(lu);
    json_t *f = json_object_get(root, "file");
    if (f) {
        if (!json_is_object(f)) {
            rc = bad(err, path, "file", "", "file 应为代发文件格式的对象");
            goto out;
        }
        rc = read_layout(path, f, b, err);
    } else if (b->voucher) {
        rc = bad(err, path, "file", "", "消费券发放名单（voucher.json）必须写出名单格式（file）");
    } else if (layout) {
        b->n_columns = layout->n_columns;
        memcpy(b->columns, layout->columns, sizeof b->columns);
        memcpy(b->headings, layout->headings, sizeof b->headings);
        snprintf(b->encoding, sizeof b->encoding, "%s", layout->encoding);
        snprintf(b->file_pattern, sizeof b->file_pattern, "%s", layout->file_pattern);
        b->header_row = layout->header_row;
    } else {
        rc = bad(err, path, "file", "", "默认格式文件 default.json 必须写出代发文件格式（file）");
    }
out:
    json_decref(root);
    return rc;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A bank's code is its file name less ".json" ("" when too long: the
 * caller refuses it); false for what is not a bank file. */
static bool code_of(const char *name, char code[JZ_BANK_CODE_BUF])
{
    size_t n = strlen(name);
    if (name[0] == '.' || n <= 5 || strcmp(name + n - 5, ".json") != 0)
        return false;
    n -= 5;
    if (n >= JZ_BANK_CODE_BUF)
        n = 0;
    memcpy(code, name, n);
    code[n] = '\0';
    return true;
}

jz_err jz_banks_load(const char *policy_dir, jz_banks *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/banks", policy_dir);
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT)
            return JZ_OK; /* no banks configured: an empty table */
        jz_error_set(err, JZ_EIO, NULL, NULL, "无法打开银行配置目录：%s", strerror(errno));
        jz_error_set_source(err, dir, 0);
        return JZ_EIO;
    }
    char *names[BANKS_MAX];
    size_t n = 0;
    jz_err rc = JZ_OK;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && !rc) {
        char code[JZ_BANK_CODE_BUF];
        if (!code_of(de->d_name, code))
            continue;
        if (n == BANKS_MAX) {
            rc = jz_error_set(err, JZ_EINPUT, NULL, NULL, "银行配置文件超过 %d 个", BANKS_MAX);
            jz_error_set_source(err, dir, 0);
        } else if (!(names[n] = strdup(de->d_name))) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        } else {
            n++;
        }
    }
    closedir(d);
    if (!rc && n)
        qsort(names, n, sizeof names[0], cmp_name);
    jz_bank layout, *have_layout = NULL;
    /* default.json first: the others may take its layout. */
    for (size_t i = 0; i < n && !rc; i++)
        if (strcmp(names[i], "default.json") == 0) {
            char path[4200];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            if (!(rc = read_bank(path, "default", NULL, &layout, err)))
                have_layout = &layout;
        }
    if (!rc && n && !(out->b = calloc(n, sizeof *out->b)))
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    for (size_t i = 0; i < n && !rc; i++) {
        char path[4200], code[JZ_BANK_CODE_BUF];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t len = strlen(names[i]) - 5;
        code_of(names[i], code);
        if (len == 0 || len >= JZ_BANK_CODE_BUF ||
            strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_-") != len) {
            rc = bad(err, path, "code", names[i],
                     "银行代码（文件名）只能由小写字母、数字、_ 和 - 组成，至多 15 个字符");
            break;
        }
        if (have_layout && strcmp(code, "default") == 0)
            out->b[out->n++] = layout;
        else if (!(rc = read_bank(path, code, have_layout, &out->b[out->n], err)))
            out->n++;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    if (rc)
        jz_banks_free(out);
    return rc;
}

/* ---- the file of a batch (export.c, results.c) ---------------------------------------- */

void jz__pay_file_name(const jz_bank *b, const jz_pay_batch *bt, const char *date8, char *out,
                       size_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (const char *c = b->file_pattern; *c && k + 1 < n;) {
        char v[64] = "";
        size_t adv = 0;
        if (strncmp(c, "{county}", 8) == 0) {
            snprintf(v, sizeof v, "%s", bt->county);
            adv = 8;
        } else if (strncmp(c, "{period}", 8) == 0) {
            snprintf(v, sizeof v, "%s", bt->period);
            adv = 8;
        } else if (strncmp(c, "{batch}", 7) == 0) {
            snprintf(v, sizeof v, "%lld", (long long)bt->id);
            adv = 7;
        } else if (strncmp(c, "{date}", 6) == 0) {
            snprintf(v, sizeof v, "%s", date8);
            adv = 6;
        } else if (strncmp(c, "{bank}", 6) == 0) {
            snprintf(v, sizeof v, "%s", bt->bank);
            adv = 6;
        }
        if (adv) {
            k += (size_t)snprintf(out + k, n - k, "%s", v);
            if (k >= n)
                k = n - 1;
            c += adv;
        } else {
            out[k++] = *c++;
            out[k] = '\0';
        }
    }
}

void jz__pay_sha256_hex(const void *p, size_t n, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p, n);
    sodium_bin2hex(out, 65, h, sizeof h);
}

const char *jz__pay_programme_text(const char *programme)
{
    if (strcmp(programme, "dibao") == 0 || strcmp(programme, "dibao_expenditure") == 0 ||
        strcmp(programme, "single_dibao") == 0)
        return "城乡低保金";
    if (strcmp(programme, "tekun") == 0)
        return "特困供养金";
    for (int i = 0; i < JZ_UNIT_PROGRAMME_COUNT; i++)
        if (strcmp(programme, jz_unit_programme_names[i]) == 0)
            return jz_unit_programme_zh[i];
    return programme;
}
