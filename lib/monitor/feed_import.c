/*
 * feed_import.c - importing a department's file (jz_feed_import): the
 * reader's rows into the store in one transaction (jz_store_run), the refused ones handed
 * to the caller (the command line writes them to its report, the server to
 * its answer).  Everything here was cli/feed.c's; the command line now only
 * reads the file, opens its report and prints the counts.
 */
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_ctx.h"
#include "jiuzhu/jz_feed.h"
#include "jiuzhu/jz_store.h"
#include "jiuzhu/jz_store_user.h"

/* The writes of a feed, in one transaction (jz_store_run): run again on a
 * busy store, the file is read again from its start; a rejected line is
 * reported once, the first time it is met. */
typedef struct feed_tx {
    jz_dept dept;
    const char *text, *name;
    size_t len;
    jz_feed_reject_fn reject;
    void *arg;
    long reported; /* the last line whose rejection was reported */
    jz_feed_counts *out;
} feed_tx;

static jz_err feed_in_tx(jz_store *s, void *arg, jz_error *err)
{
    feed_tx *t = arg;
    jz_feed_counts *out = t->out;
    memset(out, 0, sizeof *out);
    jz_feed_reader *r = NULL;
    jz_err rc = jz_feed_reader_new(t->dept, t->text, t->len, t->name, &r, err);
    if (rc)
        return rc;
    int64_t feed = 0;
    rc = jz_store_feed_begin(s, t->dept, t->name, &feed, err);
    while (!rc) {
        jz_feed_row row;
        jz_error e;
        jz_error_clear(&e);
        jz_err next = jz_feed_next(r, &row, &e);
        if (next == JZ_EOF)
            break;
        if (next == JZ_EINPUT) {
            out->rejected++;
            if (e.line <= t->reported)
                continue;
            t->reported = e.line;
            int stop = t->reject ? t->reject(&e, t->arg) : 0;
            if (stop) {
                char line[32];
                snprintf(line, sizeof line, "%ld", e.line);
                rc = jz_error_set(err, (jz_err)stop, NULL, NULL,
                                  "导入在第 %s 行被拒绝的记录处中止，未写入任何内容", line);
            }
            continue;
        }
        if (next) {
            *err = e;
            rc = next;
            break;
        }
        bool added = false, matched = false;
        if ((rc = jz_store_feed_put(s, feed, &row, &added, &matched, err)))
            break;
        out->rows++;
        out->added += added;
        out->matched += matched;
    }
    if (!rc)
        rc = jz_store_feed_end(s, feed, out, err);
    jz_feed_reader_free(r);
    return rc;
}

jz_err jz_feed_import(jz_ctx *x, jz_dept dept, const char *text, size_t len, const char *name,
                      jz_feed_reject_fn reject, void *arg, jz_feed_counts *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    feed_tx t = {dept, text, name ? name : "", len, reject, arg, 0, out};
    /* The text first: a file refused whole writes nothing, and the reader
     * checks it all before the store is touched. */
    jz_feed_reader *r = NULL;
    jz_err rc = jz_feed_reader_new(dept, text, len, t.name, &r, err);
    if (rc)
        return rc;
    jz_feed_reader_free(r);
    char actor[64];
    snprintf(actor, sizeof actor, "%s", x->actor[0] ? x->actor : jz_store_actor(x->store));
    return jz_store_run_as(x->store, actor, feed_in_tx, &t, err);
}
