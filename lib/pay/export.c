/*
 * export.c - the 代发 file of a batch (jz_pay_export): the list the county
 * sends its bank, one row per line, in the bank's layout (bank.c).
 *
 * Only a locked batch has a file: approved, or already exported (then the
 * same rows are written again and nothing in the store changes but the
 * audit log, which records every file that carries whole account numbers).
 * Nothing in a locked batch changes (R-PAY-3), and a line's payee is the
 * very version it is paid to (payees are never edited), so the rows are
 * the same every time; the file name takes its date from the first export
 * and the .xlsx its creation time, so that the same file comes out.
 *
 * Order of the work, so that a failure leaves nothing half done: the rows
 * go to a temporary file beside the target (jz_outfile), then one
 * transaction marks the batch exported and its lines sent, then the file
 * is renamed into place.  A crash before the transaction leaves the batch
 * approved and no file; after it, the batch is exported and exporting
 * again writes the same file.
 *
 * The account numbers are whole in this file and nowhere else.  Cells a
 * spreadsheet would take for a formula (=, +, -, @) get a leading ' as the
 * procedure's lists do (jz_doc_formula_like); names are refused with such
 * a start when a payee is set, so in practice only a note could have one.
 */
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

#include "bank_int.h"
#include "jiuzhu/jz_docs.h"
#include "jiuzhu/jz_file.h"
#include "pay_int.h"

/* A growing text buffer for one row. */
typedef struct row {
    char *p;
    size_t len, cap;
    bool oom;
} row;

static void add(row *r, const char *s, size_t n)
{
    if (r->oom)
        return;
    if (r->len + n + 1 > r->cap) {
        size_t nc = r->cap ? r->cap : 256;
        while (nc < r->len + n + 1)
            nc *= 2;
        char *g = realloc(r->p, nc);
        if (!g) {
            r->oom = true;
            return;
        }
        r->p = g;
        r->cap = nc;
    }
    memcpy(r->p + r->len, s, n);
    r->len += n;
    r->p[r->len] = '\0';
}

/* One CSV cell (RFC 4180): quoted when it holds a comma, a quote, CR or
 * LF, its quotes doubled; a formula-like text gets its leading '. */
static void csv_cell(row *r, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        add(r, "\"", 1);
    if (jz_doc_formula_like(s))
        add(r, "'", 1);
    for (const char *c = s; *c; c++) {
        if (*c == '"')
            add(r, "\"", 1);
        add(r, c, 1);
    }
    if (quote)
        add(r, "\"", 1);
}

typedef struct exp {
    jz_ctx *x;
    const jz_bank *bank;
    const jz_pay_batch *b;
    jz_pay_format format;
    /* CSV */
    FILE *f;
    iconv_t cd; /* UTF-8 -> GB18030, or (iconv_t)-1 */
    row r;
    char *conv;
    size_t conv_cap;
    /* XLSX */
    lxw_worksheet *ws;
    lxw_format *money;
    lxw_row_t next_row;
    /* the rows written */
    int64_t lines;
    jz_fen total;
    jz_institution inst[16]; /* the institutions met, a small cache */
    size_t n_inst;
    jz_err rc;
    jz_error *err;
} exp;

/* Writes r's text to the file, in the bank's encoding. */
static jz_err put_text(exp *e, const char *s, size_t n)
{
    if (e->cd == (iconv_t)-1) {
        if (fwrite(s, 1, n, e->f) != n)
            return jz_error_set(e->err, JZ_EIO, NULL, NULL, "无法写入代发文件");
        return JZ_OK;
    }
    /* GB18030 takes at most 4 bytes for any character UTF-8 writes in 1
     * to 4. */
    if (e->conv_cap < 4 * n + 4) {
        char *g = realloc(e->conv, 4 * n + 4);
        if (!g)
            return jz_error_set(e->err, JZ_ENOMEM, NULL, NULL, "内存不足");
        e->conv = g;
        e->conv_cap = 4 * n + 4;
    }
    char *in = (char *)s, *out = e->conv;
    size_t il = n, ol = e->conv_cap;
    iconv(e->cd, NULL, NULL, NULL, NULL);
    if (iconv(e->cd, &in, &il, &out, &ol) == (size_t)-1 || il != 0)
        return jz_error_set(e->err, JZ_EINPUT, NULL, NULL,
                            "代发文件的一行无法转换为 GB18030 编码（第 %lld 行）",
                            (long long)e->lines + 1);
    size_t m = (size_t)(out - e->conv);
    if (fwrite(e->conv, 1, m, e->f) != m)
        return jz_error_set(e->err, JZ_EIO, NULL, NULL, "无法写入代发文件");
    return JZ_OK;
}

/* What the file calls a line's programme: a one-time programme by the
 * name its file gives it (爱心消费券), the others as the bank knows them. */
static const char *programme_text(const exp *e, const jz_pay_line *l)
{
    const jz_once_programme *pg =
        e->x->programmes ? jz_once_programmes_find(e->x->programmes, l->programme) : NULL;
    return pg ? pg->name : jz__pay_programme_text(l->programme);
}

static void note_of(const exp *e, const jz_pay_line *l, char *out, size_t n)
{
    const char *prog = programme_text(e, l);
    switch (l->kind) {
    case JZ_PAY_ADJUST:
        snprintf(out, n, "%s 补发 %s", prog, l->ref_period);
        break;
    case JZ_PAY_ONCE:
        snprintf(out, n, "%s 一次性发放", prog);
        break;
    case JZ_PAY_FOLLOWUP:
        snprintf(out, n, "%s %s 退票重发", prog, l->period);
        break;
    default:
        snprintf(out, n, "%s %s", prog, l->period);
    }
}

/* The payee a line is paid to, and its institution if it has one. */
static jz_err payee_of(exp *e, const jz_pay_line *l, jz_payee *p, jz_error *err)
{
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)l->id);
    if (!l->payee)
        return jz_error_set(err, JZ_EINPUT, "line", v, "批次中的明细没有收款人，不能生成代发文件");
    jz_err rc = jz_store_payee_get(e->x->store, l->payee, p, err);
    if (rc || !p->institution)
        return rc;
    for (size_t i = 0; i < e->n_inst; i++)
        if (e->inst[i].id == p->institution)
            return JZ_OK;
    jz_institution in;
    if ((rc = jz_store_institution_get(e->x->store, p->institution, &in, err)))
        return rc;
    if (e->n_inst < sizeof e->inst / sizeof e->inst[0])
        e->inst[e->n_inst++] = in;
    return JZ_OK;
}

static void on_line(const jz_pay_line *l, void *arg)
{
    exp *e = arg;
    if (e->rc)
        return;
    jz_payee p;
    if (l->voucher != e->bank->voucher) {
        char v[32];
        snprintf(v, sizeof v, "%lld", (long long)l->id);
        e->rc = jz_error_set(e->err, JZ_EINPUT, "line", v,
                             l->voucher ? "消费券明细不能列入银行代发文件"
                                        : "现金明细不能列入消费券发放名单");
        return;
    }
    if (l->voucher) {
        /* The issuer's list: the person himself, by his ID number. */
        memset(&p, 0, sizeof p);
        snprintf(p.holder_name, sizeof p.holder_name, "%s", l->label);
        snprintf(p.holder_id, sizeof p.holder_id, "%s", l->member_id);
    } else if ((e->rc = payee_of(e, l, &p, e->err))) {
        return;
    }
    char seq[32], line[32], amount[JZ_MONEY_BUF], note[128];
    snprintf(seq, sizeof seq, "%lld", (long long)e->lines + 1);
    snprintf(line, sizeof line, "%lld", (long long)l->id);
    jz_money_format(l->amount, amount, sizeof amount);
    note_of(e, l, note, sizeof note);
    const char *cell[JZ_BF_COUNT] = {[JZ_BF_SEQ] = seq,
                                     [JZ_BF_LINE] = line,
                                     [JZ_BF_NAME] = p.holder_name,
                                     [JZ_BF_ID] = p.holder_id,
                                     [JZ_BF_ACCOUNT] = p.account,
                                     [JZ_BF_AMOUNT] = amount,
                                     [JZ_BF_PROGRAMME] = programme_text(e, l),
                                     [JZ_BF_PERIOD] = l->period,
                                     [JZ_BF_REGION] = l->region,
                                     [JZ_BF_NOTE] = note};
    if (e->format == JZ_PAY_CSV) {
        e->r.len = 0;
        for (int c = 0; c < e->bank->n_columns; c++) {
            if (c)
                add(&e->r, ",", 1);
            csv_cell(&e->r, cell[e->bank->columns[c]]);
        }
        add(&e->r, "\r\n", 2);
        if (e->r.oom)
            e->rc = jz_error_set(e->err, JZ_ENOMEM, NULL, NULL, "内存不足");
        else
            e->rc = put_text(e, e->r.p, e->r.len);
    } else {
        if (e->next_row >= LXW_ROW_MAX) {
            e->rc = jz_error_set(e->err, JZ_ERANGE, NULL, NULL,
                                 "批次行数超出 Excel 工作表的上限，请改用 CSV 格式");
            return;
        }
        lxw_error x = LXW_NO_ERROR;
        for (int c = 0; c < e->bank->n_columns && x == LXW_NO_ERROR; c++) {
            jz_bank_field fd = e->bank->columns[c];
            lxw_col_t col = (lxw_col_t)c;
            /* Numbers where a bank's template has numbers; everything else
             * text, so that a 19-digit account or an ID number ending in X
             * stays exactly what it is. */
            if (fd == JZ_BF_SEQ)
                x = worksheet_write_number(e->ws, e->next_row, col, (double)(e->lines + 1), NULL);
            else if (fd == JZ_BF_AMOUNT)
                /* Fen to yuan as a double only for the cell: "0.00" shows
                 * the exact amount. */
                x = worksheet_write_number(e->ws, e->next_row, col, (double)l->amount / 100.0,
                                           e->money);
            else if (jz_doc_formula_like(cell[fd])) {
                char q[192];
                snprintf(q, sizeof q, "'%s", cell[fd]);
                x = worksheet_write_string(e->ws, e->next_row, col, q, NULL);
            } else
                x = worksheet_write_string(e->ws, e->next_row, col, cell[fd], NULL);
        }
        e->next_row++;
        if (x != LXW_NO_ERROR)
            e->rc = jz_error_set(e->err, JZ_EIO, NULL, NULL, "无法写入 Excel 文件：%s",
                                 lxw_strerror(x));
    }
    if (!e->rc) {
        e->lines++;
        e->total += l->amount;
    }
}

static jz_err write_header(exp *e)
{
    if (!e->bank->header_row)
        return JZ_OK;
    if (e->format == JZ_PAY_CSV) {
        e->r.len = 0;
        for (int c = 0; c < e->bank->n_columns; c++) {
            if (c)
                add(&e->r, ",", 1);
            csv_cell(&e->r, e->bank->headings[c]);
        }
        add(&e->r, "\r\n", 2);
        if (e->r.oom)
            return jz_error_set(e->err, JZ_ENOMEM, NULL, NULL, "内存不足");
        return put_text(e, e->r.p, e->r.len);
    }
    for (int c = 0; c < e->bank->n_columns; c++) {
        lxw_error x = worksheet_write_string(e->ws, 0, (lxw_col_t)c, e->bank->headings[c], NULL);
        if (x != LXW_NO_ERROR)
            return jz_error_set(e->err, JZ_EIO, NULL, NULL, "无法写入 Excel 文件：%s",
                                lxw_strerror(x));
    }
    e->next_row = 1;
    return JZ_OK;
}

/* "2025-07-03T01:02:03Z" as a time (0 if it is not that). */
static time_t parse_utc(const char *iso)
{
    int y, mo, d, h, mi, se;
    if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) != 6 || mo < 1 ||
        mo > 12 || d < 1 || d > jz_date_days_in_month(y, mo))
        return 0;
    return (time_t)jz_date_to_days(jz_date_make(y, mo, d)) * 86400 + h * 3600 + mi * 60 + se;
}

/* Writes the rows into the open outfile o; the file is not yet in place. */
static jz_err write_rows(exp *e, jz_outfile *o, time_t created)
{
    jz_err rc = JZ_OK;
    lxw_workbook *wb = NULL;
    e->cd = (iconv_t)-1;
    if (e->format == JZ_PAY_CSV) {
        if (!(e->f = jz_outfile_stream(o)))
            return jz_error_set(e->err, JZ_ENOMEM, NULL, NULL, "内存不足");
        if (strcmp(e->bank->encoding, "GB18030") == 0 &&
            (e->cd = iconv_open("GB18030", "UTF-8")) == (iconv_t)-1)
            return jz_error_set(e->err, JZ_EIO, NULL, NULL,
                                "系统不支持 UTF-8 到 GB18030 的转换（iconv）");
    } else {
        lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = 0};
        if (!(wb = workbook_new_opt(jz_outfile_temp(o), &opt)))
            return jz_error_set(e->err, JZ_ENOMEM, NULL, NULL, "内存不足，无法创建 Excel 工作簿");
        lxw_doc_properties props = {.created = created};
        e->ws = workbook_add_worksheet(wb, "代发");
        e->money = workbook_add_format(wb);
        if (!e->ws || !e->money || workbook_set_properties(wb, &props) != LXW_NO_ERROR) {
            workbook_close(wb);
            return jz_error_set(e->err, JZ_ENOMEM, NULL, NULL, "内存不足，无法创建 Excel 工作簿");
        }
        format_set_num_format(e->money, "0.00");
    }
    rc = write_header(e);
    if (!rc) {
        e->rc = JZ_OK;
        rc = jz_store_pay_lines_of_batch(e->x->store, e->b->id, on_line, e, e->err);
        if (!rc)
            rc = e->rc;
    }
    if (wb) {
        lxw_error x = workbook_close(wb);
        if (!rc && x != LXW_NO_ERROR)
            rc = jz_error_set(e->err, JZ_EIO, NULL, NULL, "无法写入 Excel 文件：%s",
                              lxw_strerror(x));
    }
    if (e->cd != (iconv_t)-1)
        iconv_close(e->cd);
    return rc;
}

typedef struct mark {
    jz_ctx *x;
    int64_t id;
    const char *exported_at, *file_name, *format;
    bool again;
    jz_pay_batch out;
} mark;

static jz_err mark_in_tx(jz_store *s, void *arg, jz_error *err)
{
    mark *m = arg;
    jz_pay_batch b;
    jz_err rc = jz_store_pay_batch_get(s, m->id, &b, err);
    if (rc)
        return rc;
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)b.id);
    bool first = b.state == JZ_BATCH_APPROVED;
    if (!first && b.state != JZ_BATCH_EXPORTED && b.state != JZ_BATCH_SETTLED)
        return jz_error_set(err, JZ_ECONFLICT, "batch", v, "批次状态已变（%s），未写入任何内容",
                            jz_batch_state_zh[b.state < JZ_BATCH_STATE_COUNT ? b.state : 0]);
    if (first) {
        b.state = JZ_BATCH_EXPORTED;
        snprintf(b.exported_at, sizeof b.exported_at, "%s", m->exported_at);
        snprintf(b.file_name, sizeof b.file_name, "%s", m->file_name);
        if ((rc = jz_store_pay_batch_set(s, &b, JZ_BATCH_APPROVED, err)))
            return rc;
        int64_t n = 0;
        if ((rc = jz_store_pay_lines_move(s, b.id, JZ_PL_BATCHED, JZ_PL_SENT, &n, err)))
            return rc;
        if (n != b.lines)
            return jz_error_set(err, JZ_ECONFLICT, "batch", v,
                                "批次有 %lld 条明细，而待报送的只有 %lld 条：未写入任何内容",
                                (long long)b.lines, (long long)n);
    }
    char entity[48], after[512], t[JZ_MONEY_BUF];
    snprintf(entity, sizeof entity, "pay-batch:%lld", (long long)b.id);
    jz_money_format(b.total, t, sizeof t);
    snprintf(after, sizeof after,
             "{\"state\":\"%s\",\"file\":\"%s\",\"format\":\"%s\",\"lines\":%lld,"
             "\"total\":\"%s\",\"again\":%s}",
             jz_batch_state_names[b.state], m->file_name, m->format, (long long)b.lines, t,
             first ? "false" : "true");
    rc = jz_store_audit(s, b.county, "pay.export", entity, "", after, err);
    if (!rc) {
        m->again = !first;
        m->out = b;
    }
    return rc;
}

jz_err jz_pay_export(jz_ctx *x, const jz_pay_export_req *rq, jz_pay_export_res *res, jz_error *err)
{
    memset(res, 0, sizeof *res);
    jz_pay_batch b;
    jz_err rc = jz_pay_batch_get(x, rq->batch, &b, err);
    if (rc)
        return rc;
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)b.id);
    if (b.state == JZ_BATCH_PREPARED)
        return jz_error_set(err, JZ_EINPUT, "batch", v,
                            "批次尚未审核：须由编制人以外的工作人员审核锁定后才能生成代发文件");
    if (rq->again_only && b.state == JZ_BATCH_APPROVED)
        return jz_error_set(err, JZ_ECONFLICT, "batch", v,
                            "批次尚未报送：须先生成代发文件（报送银行），之后才能再次下载");
    const jz_bank *bank = jz_banks_find(x->banks, b.bank);
    if (!bank)
        return jz_error_set(err, JZ_EINPUT, "bank", b.bank,
                            strcmp(b.bank, JZ_VOUCHER_BANK) == 0
                                ? "没有消费券发放名单的格式（policy/banks/%s.json）"
                                : "没有这家银行的代发格式（policy/banks/%s.json）",
                            b.bank);
    if (rq->format != JZ_PAY_CSV && rq->format != JZ_PAY_XLSX)
        return jz_error_set(err, JZ_EUSAGE, "format", NULL, "格式只能是 csv 或 xlsx");
    /* The date and the name come from the first export. */
    char exported_at[32], date8[16], base[160];
    if (b.exported_at[0])
        snprintf(exported_at, sizeof exported_at, "%s", b.exported_at);
    else
        jz__pay_now(exported_at, sizeof exported_at);
    time_t when = parse_utc(exported_at);
    struct tm lt;
    localtime_r(&when, &lt);
    strftime(date8, sizeof date8, "%Y%m%d", &lt);
    if (b.file_name[0]) {
        snprintf(base, sizeof base, "%s", b.file_name);
        char *dot = strrchr(base, '.');
        if (dot)
            *dot = '\0';
    } else {
        jz__pay_file_name(bank, &b, date8, base, sizeof base);
    }
    const char *ext = rq->format == JZ_PAY_CSV ? ".csv" : ".xlsx";
    char name[sizeof base + 8];
    snprintf(name, sizeof name, "%s%s", base, ext);
    const char *dir = rq->out_dir && rq->out_dir[0] ? rq->out_dir : ".";
    if (strlen(dir) + strlen(name) + 2 > sizeof res->path)
        return jz_error_set(err, JZ_EUSAGE, "out", dir, "输出目录路径过长");
    snprintf(res->path, sizeof res->path, "%s/%s", dir, name);

    jz_outfile *o = NULL;
    if ((rc = jz_outfile_open(res->path, rq->guard, rq->flags | JZ_OUT_FORCE, &o, err)))
        return rc;
    exp e;
    memset(&e, 0, sizeof e);
    e.x = x;
    e.bank = bank;
    e.b = &b;
    e.format = rq->format;
    e.err = err;
    rc = write_rows(&e, o, when);
    free(e.r.p);
    free(e.conv);
    if (!rc && (e.lines != b.lines || e.total != b.total)) {
        char t1[JZ_MONEY_BUF], t2[JZ_MONEY_BUF];
        jz_money_format(b.total, t1, sizeof t1);
        jz_money_format(e.total, t2, sizeof t2);
        rc = jz_error_set(err, JZ_EINPUT, "batch", v,
                          "批次记载 %lld 条、%s 元，而其明细为 %lld 条、%s 元：批次与明细不符，"
                          "未生成代发文件",
                          (long long)b.lines, t1, (long long)e.lines, t2);
    }
    if (rc) {
        jz_outfile_abort(o);
        return rc;
    }
    mark m = {x, b.id, exported_at, name, rq->format == JZ_PAY_CSV ? "csv" : "xlsx", false, {0}};
    if ((rc = jz_store_run_as(x->store, x->actor, mark_in_tx, &m, err))) {
        jz_outfile_abort(o);
        return rc;
    }
    /* The batch is marked: a failure from here on is repaired by exporting
     * again, which writes the same file. */
    if ((rc = jz_outfile_commit(o, err)))
        return rc;
    res->batch = m.out;
    res->first = !m.again;
    res->lines = e.lines;
    res->total = e.total;
    return JZ_OK;
}
