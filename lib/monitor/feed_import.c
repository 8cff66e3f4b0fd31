/*
 * feed_import.c - importing a department's file (jz_feed_import): the
 * reader's rows into the store in one transaction, the refused ones handed
 * to the caller (the command line writes them to its report, the server to
 * its answer).  Everything here was cli/feed.c's; the command line now only
 * reads the file, opens its report and prints the counts.
 */
#include <stdio.h>
#include <string.h>

#include "jiuzhu/jz_ctx.h"
#include "jiuzhu/jz_feed.h"
#include "jiuzhu/jz_store.h"

jz_err jz_feed_import(jz_ctx *x, jz_dept dept, const char *text, size_t len, const char *name,
                      jz_feed_reject_fn reject, void *arg, jz_feed_counts *out, jz_error *err)
{
    memset(out, 0, sizeof *out);
    if (!name)
        name = "";
    /* The text first: a file refused whole writes nothing, and the reader
     * checks it all before the store is touched. */
    jz_feed_reader *r = NULL;
    jz_err rc = jz_feed_reader_new(dept, text, len, name, &r, err);
    if (rc)
        return rc;
    if (x->actor[0])
        jz_store_set_actor(x->store, x->actor);
    int64_t feed = 0;
    if ((rc = jz_store_begin(x->store, err))) {
        jz_feed_reader_free(r);
        return rc;
    }
    rc = jz_store_feed_begin(x->store, dept, name, &feed, err);
    while (!rc) {
        jz_feed_row row;
        jz_error e;
        jz_error_clear(&e);
        jz_err next = jz_feed_next(r, &row, &e);
        if (next == JZ_EOF)
            break;
        if (next == JZ_EINPUT) {
            out->rejected++;
            int stop = reject ? reject(&e, arg) : 0;
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
        if ((rc = jz_store_feed_put(x->store, feed, &row, &added, &matched, err)))
            break;
        out->rows++;
        out->added += added;
        out->matched += matched;
    }
    if (!rc)
        rc = jz_store_feed_end(x->store, feed, out, err);
    if (!rc)
        rc = jz_store_commit(x->store, err);
    if (rc)
        jz_store_rollback(x->store);
    jz_feed_reader_free(r);
    return rc;
}
