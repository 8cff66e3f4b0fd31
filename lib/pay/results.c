/*
 * results.c - the bank's result file (回盘) of a batch: per line, paid or
 * refused (退票) with the bank's code and reason.
 *
 * The reader (jz_pay_results_read) is a pure function of the bytes and of
 * what the batch sent, so that it can be fuzzed and tested without a
 * store.  It takes all or nothing: a file that does not belong to the
 * batch (a line it never sent, a line twice, an account or amount that
 * differs, lines missing) is refused whole, naming the file's line, the
 * field, the value and the reason, because importing half of a wrong file
 * is how a line gets paid twice or a refusal goes unseen.
 *
 * The import (jz_pay_results) then writes, in one transaction, each line's
 * result and the batch's settlement with the file's sha256.  The same file
 * again is recognised by that hash and changes nothing; another file for a
 * settled batch is refused.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bank_int.h"
#include "jiuzhu/jz_encoding.h"
#include "pay_int.h"

/* Bounded input (STYLE.md 7): cells and columns of a result row. */
#define CELL_MAX 512
#define COLS_MAX 32

/* ---- CSV rows ------------------------------------------------------------------------ */

typedef struct csv {
    const char *p, *end;
    long line; /* the physical line the next row starts on */
    char cell[COLS_MAX][CELL_MAX];
    int n;         /* cells of the row read */
    long row_line; /* where it started */
    bool too_long, too_many;
} csv;

/* Reads the next row (RFC 4180: quoted cells may hold commas, doubled
 * quotes and line breaks); false at the end.  A cell over CELL_MAX or a
 * row over COLS_MAX cells is flagged, not read. */
static bool next_row(csv *c, bool *unclosed)
{
    *unclosed = false;
    if (c->p >= c->end)
        return false;
    c->n = 0;
    c->too_long = c->too_many = false;
    c->row_line = c->line;
    size_t k = 0;
    bool quoted = false, was_quoted = false;
    char *cell = c->cell[0];
    for (;;) {
        if (c->p >= c->end) {
            if (quoted)
                *unclosed = true;
            break;
        }
        char ch = *c->p++;
        if (quoted) {
            if (ch == '"') {
                if (c->p < c->end && *c->p == '"') {
                    c->p++;
                } else {
                    quoted = false;
                    continue;
                }
            } else if (ch == '\n') {
                c->line++;
            }
        } else if (ch == '"' && k == 0 && !was_quoted) {
            quoted = was_quoted = true;
            continue;
        } else if (ch == ',') {
            cell[k < CELL_MAX ? k : CELL_MAX - 1] = '\0';
            if (c->n + 1 < COLS_MAX)
                cell = c->cell[++c->n];
            else
                c->too_many = true;
            k = 0;
            was_quoted = false;
            continue;
        } else if (ch == '\r' || ch == '\n') {
            if (ch == '\r' && c->p < c->end && *c->p == '\n')
                c->p++;
            c->line++;
            break;
        }
        if (k + 1 < CELL_MAX)
            cell[k++] = ch;
        else
            c->too_long = true;
    }
    cell[k] = '\0';
    c->n++;
    return true;
}

/* Trims spaces and tabs (ASCII and the full-width space) in place. */
static char *trim(char *s)
{
    for (;;) {
        if (*s == ' ' || *s == '\t')
            s++;
        else if (strncmp(s, "\xE3\x80\x80", 3) == 0)
            s += 3;
        else
            break;
    }
    size_t n = strlen(s);
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        else if (n >= 3 && strncmp(s + n - 3, "\xE3\x80\x80", 3) == 0)
            n -= 3;
        else
            break;
    }
    s[n] = '\0';
    return s;
}

static bool blank_row(csv *c)
{
    for (int i = 0; i < c->n; i++)
        if (trim(c->cell[i])[0])
            return false;
    return true;
}

/* ---- the columns ------------------------------------------------------------------------- */

enum { COL_LINE = 0, COL_ACCOUNT, COL_AMOUNT, COL_CODE, COL_REASON, COL_COUNT };
static const char *const col_zh[COL_COUNT] = {"明细编号", "账号", "金额", "结果代码", "说明"};
static const char *const col_en[COL_COUNT] = {"line", "account", "amount", "code", "reason"};

/* The names a result file's header may give each column. */
static const char *const names_line[] = {"line", "明细编号", "明细号", "行号", "业务编号", NULL};
static const char *const names_account[] = {"account",  "账号",     "卡号",
                                            "收款账号", "银行账号", NULL};
static const char *const names_amount[] = {"amount",   "金额",     "金额（元）",
                                           "交易金额", "发放金额", NULL};
static const char *const names_code[] = {"code",   "result", "结果代码", "结果",     "处理结果",
                                         "返回码", "响应码", "状态码",   "交易结果", NULL};
static const char *const names_reason[] = {"reason",   "说明",     "原因",     "失败原因", "备注",
                                           "返回信息", "结果说明", "处理说明", NULL};
/* The issuer of vouchers confirms each person by his ID number where a
 * bank gives the account. */
static const char *const names_id[] = {"id", "身份证号", "身份证号码", "证件号码", "公民身份号码",
                                       NULL};
static const char *const *const col_names[COL_COUNT] = {names_line, names_account, names_amount,
                                                        names_code, names_reason};

static bool voucher_of(const jz_bank *bank)
{
    return bank && bank->voucher;
}

/* What the second column is called: the account, or a voucher's ID. */
static const char *key_zh(const jz_bank *bank)
{
    return voucher_of(bank) ? "身份证号" : col_zh[COL_ACCOUNT];
}

static int column_of(const char *h, const jz_bank *bank)
{
    bool v = voucher_of(bank);
    for (int c = 0; c < COL_COUNT; c++)
        for (const char *const *n = c == COL_ACCOUNT && v ? names_id : col_names[c]; *n; n++)
            if (strcasecmp(h, *n) == 0)
                return c;
    /* The bank's own headings of the file it was sent. */
    const jz_bank_field bf[] = {JZ_BF_LINE, v ? JZ_BF_ID : JZ_BF_ACCOUNT, JZ_BF_AMOUNT};
    for (int i = 0; bank && i < bank->n_columns; i++)
        for (int c = 0; c < 3; c++)
            if (bank->columns[i] == bf[c] && strcmp(h, bank->headings[i]) == 0)
                return c;
    return -1;
}

static jz_err refuse(jz_error *err, const char *name, long line, const char *field,
                     const char *value, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static jz_err refuse(jz_error *err, const char *name, long line, const char *field,
                     const char *value, const char *fmt, ...)
{
    char reason[JZ_ERR_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    jz_error_set(err, JZ_EINPUT, field, value, "%s", reason);
    jz_error_set_source(err, name, line);
    return JZ_EINPUT;
}

/* The bank's reason as one line of text we keep: characters that would
 * break a line or reorder what people see become spaces, and it is cut at
 * a character boundary to fit. */
static void clean_reason(const char *in, char *out, size_t cap)
{
    size_t n = strlen(in);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)in[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, in, n);
    out[n] = '\0';
    uint32_t cp;
    long at;
    while ((at = jz_text_find_unsafe(out, n, &cp)) >= 0) {
        size_t w = 1;
        unsigned char b = (unsigned char)out[at];
        if (cp != 0xFFFFFFFFu)
            w = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        for (size_t i = 0; i < w && (size_t)at + i < n; i++)
            out[at + i] = ' ';
    }
}

static const jz_pay_expect *find(const jz_pay_expect *e, size_t n, int64_t line)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid].line < line)
            lo = mid + 1;
        else if (e[mid].line > line)
            hi = mid;
        else
            return &e[mid];
    }
    return NULL;
}

jz_err jz_pay_results_read(const char *text, size_t len, const char *name, const jz_bank *bank,
                           const jz_pay_expect *expect, size_t n, jz_pay_result_row *rows,
                           jz_error *err)
{
    if (!name)
        name = "回盘文件";
    if (len > JZ_PAY_RESULTS_MAX)
        return refuse(err, name, 0, NULL, NULL, "回盘文件过大（超过 %zu 字节）",
                      JZ_PAY_RESULTS_MAX);
    for (size_t i = 1; i < n; i++)
        if (expect[i].line <= expect[i - 1].line)
            return jz_error_set(err, JZ_EINPUT, "expect", NULL, "批次明细应按编号升序给出");
    memset(rows, 0, n * sizeof *rows);
    jz_encoding enc = jz_encoding_detect(text, len);
    if (enc != JZ_ENC_UTF8 && enc != JZ_ENC_UTF8_BOM && enc != JZ_ENC_GB18030)
        return refuse(err, name, 0, "encoding", jz_encoding_name(enc),
                      "回盘文件的编码既不是 UTF-8 也不是 GB18030（看来是 %s），未写入任何内容；"
                      "请向银行索取 CSV 格式（UTF-8 或 GB18030）的回盘文件",
                      jz_encoding_name(enc));
    char *utf8 = NULL;
    size_t ulen = 0;
    jz_error e;
    jz_error_clear(&e);
    if (jz_encoding_to_utf8(text, len, &utf8, &ulen, &e))
        return refuse(err, name, e.line, "encoding", jz_encoding_name(enc), "%s", e.reason);
    csv *c = malloc(sizeof *c);
    if (!c) {
        free(utf8);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    c->p = utf8;
    c->end = utf8 + ulen;
    c->line = 1;
    int col[COL_COUNT] = {0, 1, 2, 3, 4};
    bool first = true;
    jz_err rc = JZ_OK;
    bool unclosed;
    while (!rc && next_row(c, &unclosed)) {
        long at = c->row_line;
        if (unclosed) {
            rc = refuse(err, name, at, NULL, NULL, "引号没有闭合：文件从这一行起无法读取");
            break;
        }
        if (c->too_many || c->too_long) {
            rc = refuse(err, name, at, NULL, NULL,
                        c->too_many ? "一行超过 %d 列" : "单元格超过 %d 字节",
                        c->too_many ? COLS_MAX : CELL_MAX);
            break;
        }
        if (blank_row(c))
            continue;
        if (first) {
            first = false;
            const char *h0 = c->cell[0];
            if (h0[0] && strspn(h0, "0123456789") != strlen(h0)) {
                /* A header row: the columns by name. */
                for (int k = 0; k < COL_COUNT; k++)
                    col[k] = -1;
                for (int i = 0; i < c->n && !rc; i++) {
                    int k = column_of(c->cell[i], bank);
                    if (k < 0)
                        continue; /* a column of the bank's own */
                    if (col[k] >= 0)
                        rc = refuse(err, name, at, col_en[k], c->cell[i], "表头中%s列出现了两次",
                                    k == COL_ACCOUNT ? key_zh(bank) : col_zh[k]);
                    col[k] = i;
                }
                for (int k = 0; k < COL_REASON && !rc; k++)
                    if (col[k] < 0)
                        rc = refuse(err, name, at, col_en[k], NULL,
                                    "表头中没有%s列（回盘文件须有明细编号、%s、金额和结果代码）",
                                    k == COL_ACCOUNT ? key_zh(bank) : col_zh[k], key_zh(bank));
                continue;
            }
        }
        int need = 0;
        for (int k = 0; k < COL_REASON; k++)
            if (col[k] + 1 > need)
                need = col[k] + 1;
        if (c->n < need) {
            rc = refuse(err, name, at, NULL, NULL, "本行只有 %d 列，回盘文件每行至少 %d 列", c->n,
                        need);
            break;
        }
        const char *ltext = c->cell[col[COL_LINE]];
        size_t ll = strlen(ltext);
        if (ll == 0 || ll > 18 || strspn(ltext, "0123456789") != ll) {
            rc = refuse(err, name, at, "line", ltext, "明细编号应为正整数");
            break;
        }
        int64_t line = strtoll(ltext, NULL, 10);
        const jz_pay_expect *x = find(expect, n, line);
        if (!x) {
            rc = refuse(err, name, at, "line", ltext,
                        "明细 %s 不在本批次中（是否另一批次的回盘文件？），未写入任何内容", ltext);
            break;
        }
        jz_pay_result_row *r = &rows[x - expect];
        if (r->file_line) {
            rc =
                refuse(err, name, at, "line", ltext,
                       "明细 %s 在文件中出现两次（第 %ld 行和第 %ld 行）", ltext, r->file_line, at);
            break;
        }
        const char *acc = c->cell[col[COL_ACCOUNT]];
        if (strcmp(acc, x->account) != 0) {
            char m1[JZ_IDNUM_MASKED_BUF + JZ_ACCOUNT_BUF], m2[JZ_IDNUM_MASKED_BUF + JZ_ACCOUNT_BUF];
            if (voucher_of(bank)) {
                jz_idnum_mask(acc, m1);
                jz_idnum_mask(x->account, m2);
                rc = refuse(err, name, at, "id", m1,
                            "明细 %s 的身份证号与发放名单不符（名单上的是 %s）", ltext, m2);
            } else {
                jz_account_mask(acc, m1);
                jz_account_mask(x->account, m2);
                rc = refuse(err, name, at, "account", m1,
                            "明细 %s 的账号与代发文件不符（报送的是 %s）", ltext, m2);
            }
            break;
        }
        const char *am = c->cell[col[COL_AMOUNT]];
        jz_fen fen;
        if (jz_money_parse(am, strlen(am), &fen, &e)) {
            rc = refuse(err, name, at, "amount", am, "金额应为元，至多两位小数：%s", e.reason);
            break;
        }
        if (fen != x->amount) {
            char want[JZ_MONEY_BUF];
            jz_money_format(x->amount, want, sizeof want);
            rc = refuse(err, name, at, "amount", am, "明细 %s 的金额与代发金额 %s 元不符", ltext,
                        want);
            break;
        }
        const char *code = c->cell[col[COL_CODE]];
        size_t cl = strlen(code);
        if (cl == 0 || cl >= sizeof r->code ||
            strspn(code, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-") !=
                cl) {
            rc = refuse(err, name, at, "code", code,
                        "结果代码应为 1 到 15 个字母或数字（0000 或 00 为成功，其他为退票）");
            break;
        }
        r->file_line = at;
        memcpy(r->code, code, cl + 1); /* cl < sizeof r->code: checked above */
        r->paid = strcmp(code, "0000") == 0 || strcmp(code, "00") == 0;
        if (col[COL_REASON] >= 0 && col[COL_REASON] < c->n)
            clean_reason(c->cell[col[COL_REASON]], r->reason, sizeof r->reason);
    }
    if (!rc) {
        size_t missing = 0, first_missing = 0;
        for (size_t i = n; i-- > 0;)
            if (!rows[i].file_line) {
                missing++;
                first_missing = i;
            }
        if (missing) {
            char v[32];
            snprintf(v, sizeof v, "%lld", (long long)expect[first_missing].line);
            rc = refuse(err, name, 0, "line", v,
                        "回盘文件缺少本批次的 %zu 条明细（如明细 %s），未写入任何内容", missing, v);
        }
    }
    free(c);
    free(utf8);
    if (rc)
        memset(rows, 0, n * sizeof *rows);
    return rc;
}

/* ---- the import -------------------------------------------------------------------------- */

typedef struct sent {
    jz_ctx *x;
    jz_pay_expect *e;
    int64_t *payee;
    size_t n, cap;
    jz_err rc;
    jz_error *err;
} sent;

static void on_sent(const jz_pay_sent_line *l, void *arg)
{
    sent *s = arg;
    if (s->rc)
        return;
    if (s->n == s->cap) {
        size_t nc = s->cap ? 2 * s->cap : 1024;
        jz_pay_expect *g = realloc(s->e, nc * sizeof *g);
        if (g)
            s->e = g;
        int64_t *h = g ? realloc(s->payee, nc * sizeof *h) : NULL;
        if (!h) {
            s->rc = jz_error_set(s->err, JZ_ENOMEM, NULL, NULL, "内存不足");
            return;
        }
        s->payee = h;
        s->cap = nc;
    }
    jz_pay_expect *e = &s->e[s->n];
    e->line = l->line;
    snprintf(e->account, sizeof e->account, "%s", l->account ? l->account : "");
    e->amount = l->amount;
    s->payee[s->n++] = l->payee;
}

typedef struct apply {
    jz_ctx *x;
    int64_t id;
    const char *sha;
    const sent *s;
    const jz_pay_result_row *rows;
    jz_pay_results_res *res;
} apply;

static jz_err apply_in_tx(jz_store *st, void *arg, jz_error *err)
{
    apply *a = arg;
    jz_pay_results_res *res = a->res;
    jz_pay_batch b;
    jz_err rc = jz_store_pay_batch_get(st, a->id, &b, err);
    if (rc)
        return rc;
    res->paid = res->refused = 0;
    res->paid_total = res->refused_total = 0;
    res->already = false;
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)b.id);
    if (b.state == JZ_BATCH_SETTLED && strcmp(b.results_sha256, a->sha) == 0) {
        res->already = true; /* imported meanwhile: nothing to write */
        res->batch = b;
        return JZ_OK;
    }
    if (b.state != JZ_BATCH_EXPORTED)
        return jz_error_set(err, JZ_ECONFLICT, "batch", v, "批次状态已变（%s），未写入任何内容",
                            jz_batch_state_zh[b.state < JZ_BATCH_STATE_COUNT ? b.state : 0]);
    /* The paid lines at once when the bank gave them one code (the common
     * case: a result file of a million lines is one statement); the
     * refused ones, and paid ones of another code, line by line. */
    const char *paid_code = NULL;
    bool one_code = true;
    for (size_t i = 0; i < a->s->n; i++)
        if (a->rows[i].paid) {
            if (!paid_code)
                paid_code = a->rows[i].code;
            else if (strcmp(paid_code, a->rows[i].code) != 0)
                one_code = false;
        }
    uint8_t was = JZ_PL_SENT;
    if (paid_code && one_code) {
        int64_t moved = 0;
        if ((rc = jz_store_pay_lines_settle(st, b.id, JZ_PL_SENT, JZ_PL_PAID, paid_code, &moved,
                                            err)))
            return rc;
        was = JZ_PL_PAID; /* the refused ones among them are corrected below */
    }
    for (size_t i = 0; i < a->s->n && !rc; i++) {
        const jz_pay_result_row *r = &a->rows[i];
        if (r->paid) {
            res->paid++;
            res->paid_total += a->s->e[i].amount;
        } else {
            res->refused++;
            res->refused_total += a->s->e[i].amount;
        }
        if (r->paid && was == JZ_PL_PAID)
            continue;
        jz_pay_line l;
        memset(&l, 0, sizeof l);
        l.id = a->s->e[i].line;
        snprintf(l.county, sizeof l.county, "%s", b.county); /* a batch is one county's */
        l.payee = a->s->payee[i];
        l.batch = b.id;
        l.status = r->paid ? JZ_PL_PAID : JZ_PL_REFUSED;
        snprintf(l.result, sizeof l.result, "%s", r->code);
        snprintf(l.reason, sizeof l.reason, "%s", r->reason);
        rc = jz_store_pay_line_set(st, &l, was, err);
    }
    if (rc)
        return rc;
    b.state = JZ_BATCH_SETTLED;
    jz__pay_now(b.settled_at, sizeof b.settled_at);
    snprintf(b.results_sha256, sizeof b.results_sha256, "%s", a->sha);
    if ((rc = jz_store_pay_batch_set(st, &b, JZ_BATCH_EXPORTED, err)))
        return rc;
    char entity[48], after[512], p1[JZ_MONEY_BUF], p2[JZ_MONEY_BUF];
    snprintf(entity, sizeof entity, "pay-batch:%lld", (long long)b.id);
    jz_money_format(res->paid_total, p1, sizeof p1);
    jz_money_format(res->refused_total, p2, sizeof p2);
    snprintf(after, sizeof after,
             "{\"state\":\"settled\",\"sha256\":\"%s\",\"paid\":%lld,\"paid_total\":\"%s\","
             "\"refused\":%lld,\"refused_total\":\"%s\"}",
             a->sha, (long long)res->paid, p1, (long long)res->refused, p2);
    if ((rc = jz_store_audit(st, b.county, "pay.results", entity, "", after, err)))
        return rc;
    res->batch = b;
    return JZ_OK;
}

jz_err jz_pay_results(jz_ctx *x, int64_t batch, const char *text, size_t len, const char *name,
                      jz_pay_results_res *res, jz_error *err)
{
    memset(res, 0, sizeof *res);
    jz_pay_batch b;
    jz_err rc = jz_pay_batch_get(x, batch, &b, err);
    if (rc)
        return rc;
    jz__pay_sha256_hex(text, len, res->sha256);
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)b.id);
    if (b.state == JZ_BATCH_SETTLED) {
        if (strcmp(b.results_sha256, res->sha256) == 0) {
            res->already = true;
            res->batch = b;
            return JZ_OK;
        }
        jz_error_set(err, JZ_EINPUT, "batch", v,
                     "批次已于 %s 导入回盘文件（sha256 %.12s…），这是另一个文件：不再导入，"
                     "未写入任何内容",
                     b.settled_at, b.results_sha256);
        jz_error_set_source(err, name, 0);
        return JZ_EINPUT;
    }
    if (b.state != JZ_BATCH_EXPORTED) {
        jz_error_set(err, JZ_EINPUT, "batch", v, "批次尚未生成代发文件（%s），不能导入回盘文件",
                     jz_batch_state_zh[b.state < JZ_BATCH_STATE_COUNT ? b.state : 0]);
        jz_error_set_source(err, name, 0);
        return JZ_EINPUT;
    }
    sent s = {.x = x, .err = err};
    rc = jz_store_pay_batch_accounts(x->store, b.id, on_sent, &s, err);
    if (!rc)
        rc = s.rc;
    jz_pay_result_row *rows = NULL;
    if (!rc && !(rows = malloc((s.n ? s.n : 1) * sizeof *rows)))
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    if (!rc)
        rc = jz_pay_results_read(text, len, name, jz_banks_find(x->banks, b.bank), s.e, s.n, rows,
                                 err);
    if (!rc) {
        apply a = {x, b.id, res->sha256, &s, rows, res};
        rc = jz_store_run_as(x->store, x->actor, apply_in_tx, &a, err);
    }
    free(rows);
    free(s.e);
    free(s.payee);
    if (rc) {
        char sha[65];
        memcpy(sha, res->sha256, sizeof sha);
        memset(res, 0, sizeof *res);
        memcpy(res->sha256, sha, sizeof sha);
    }
    return rc;
}
