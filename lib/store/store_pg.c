/*
 * store_pg.c - the PostgreSQL backend of jz_store (libpq): connecting by
 * URL (creating the database on `jiuzhu init` when the server lets us),
 * the schema (pg_schema.c), transactions, and the table of operations.
 * pg_int.h says how transactions keep the store's invariants.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "pg_int.h"
#include "pg_pay.h"
#include "pg_proc.h"
#include "pg_registry.h"
#include "pg_feed.h"
#include "pg_user.h"

static void pg_close(void *impl)
{
    pg *q = impl;
    if (!q)
        return;
    jz__pg_rows_drop(q);
    jz__pg_prefetch_drop(q);
    jz__pg_newhh_drop(q);
    if (q->in_tx && q->c)
        jz__pg_exec(q, "ROLLBACK", NULL);
    jz__pg_audit_drop(q);
    free(q->held);
    free(q->counties);
    free(q->county_parts);
    jz__pv_map_clear(&q->pv);
    if (q->c)
        PQfinish(q->c);
    free(q->conninfo);
    sodium_memzero(&q->k, sizeof q->k);
    free(q);
}

/* The value of keyword in a parsed connection string ("" if absent). */
static void option(PQconninfoOption *o, const char *keyword, char *out, size_t n)
{
    out[0] = '\0';
    for (; o && o->keyword; o++)
        if (strcmp(o->keyword, keyword) == 0 && o->val)
            snprintf(out, n, "%s", o->val);
}

/* CREATE DATABASE on the server's maintenance database. */
static jz_err create_database(const char *where, const char *dbname, jz_error *err)
{
    PGconn *c = jz__pg_connect(where, "postgres");
    char text[400];
    if (PQstatus(c) != CONNECTION_OK) {
        jz__pg_message(text, sizeof text, PQerrorMessage(c));
        jz_err rc = jz_error_set(err, JZ_EIO, "database", dbname,
                                 "无法连接 PostgreSQL 以创建数据库：%s", text);
        PQfinish(c);
        return rc;
    }
    char *ident = PQescapeIdentifier(c, dbname, strlen(dbname));
    char sql[256];
    /* Text compared byte by byte, as SQLite compares it: the same order
     * on both backends, and keys (ID numbers, household IDs, region
     * codes) compared without the locale's rules at every probe of an
     * index. */
    snprintf(sql, sizeof sql,
             "CREATE DATABASE %s ENCODING 'UTF8' LC_COLLATE 'C' TEMPLATE template0",
             ident ? ident : "\"\"");
    PQfreemem(ident);
    PGresult *r = PQexec(c, sql);
    jz_err rc = JZ_OK;
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        jz__pg_message(text, sizeof text, PQresultErrorMessage(r));
        rc = jz_error_set(err, JZ_EIO, "database", dbname, "无法创建数据库：%s", text);
    }
    PQclear(r);
    PQfinish(c);
    return rc;
}

static jz_err pg_open(const char *where, int flags, void **impl, jz_error *err)
{
    char *perr = NULL;
    PQconninfoOption *o = PQconninfoParse(where, &perr);
    if (!o) {
        jz_err rc = jz_error_set(err, JZ_EUSAGE, "database", where, "PostgreSQL 地址有误：%s",
                                 perr ? perr : "内存不足");
        PQfreemem(perr);
        return rc;
    }
    pg *q = calloc(1, sizeof *q);
    if (!q) {
        PQconninfoFree(o);
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    snprintf(q->actor, sizeof q->actor, "unknown");
    option(o, "dbname", q->dbname, sizeof q->dbname);
    option(o, "host", q->host, sizeof q->host);
    option(o, "port", q->port, sizeof q->port);
    PQconninfoFree(o);
    jz_err rc = JZ_OK;
    if (!q->dbname[0]) {
        rc = jz_error_set(err, JZ_EUSAGE, "database", where,
                          "PostgreSQL 地址须写明数据库名（如 postgresql:///jiuzhu?host=/run/postgresql）");
        goto fail;
    }
    if (!(q->conninfo = strdup(where))) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto fail;
    }
    bool create = flags & JZ_STORE_CREATE;
    q->c = jz__pg_connect(where, NULL);
    char text[400];
    if (PQstatus(q->c) != CONNECTION_OK) {
        bool missing = strstr(PQerrorMessage(q->c), "does not exist") != NULL;
        jz__pg_message(text, sizeof text, PQerrorMessage(q->c));
        if (!(create && missing)) {
            rc = missing ? jz_error_set(err, JZ_ENOTFOUND, "database", q->dbname,
                                        "数据库不存在（先用 jiuzhu init 创建）")
                         : jz_error_set(err, JZ_EIO, "database", q->dbname,
                                        "无法连接 PostgreSQL：%s", text);
            goto fail;
        }
        PQfinish(q->c);
        q->c = NULL;
        if ((rc = create_database(where, q->dbname, err)))
            goto fail;
        q->c = jz__pg_connect(where, NULL);
        if (PQstatus(q->c) != CONNECTION_OK) {
            jz__pg_message(text, sizeof text, PQerrorMessage(q->c));
            rc = jz_error_set(err, JZ_EIO, "database", q->dbname, "无法连接 PostgreSQL：%s", text);
            goto fail;
        }
    }
    if (PQsetClientEncoding(q->c, "UTF8") != 0) {
        rc = jz_error_set(err, JZ_EIO, "database", q->dbname, "PostgreSQL 不接受 UTF8 编码");
        goto fail;
    }
    /* Quiet notices (IF NOT EXISTS, ...): nothing for a user to act on. */
    /* Plans made for each statement's values: a generic plan made while a
     * table was small (an import's first batches) would scan it whole ever
     * after, as it grows. */
    if ((rc = jz__pg_exec(q, "SET client_min_messages = warning", err)) ||
        (rc = jz__pg_exec(q, "SET plan_cache_mode = force_custom_plan", err)))
        goto fail;
    q->readonly = flags & JZ_STORE_READONLY;
    if (q->readonly && (rc = jz__pg_exec(q, "SET default_transaction_read_only = on", err)))
        goto fail;
    q->layout = flags & JZ__PG_OPEN_COORD ? JZ__PG_COORD
                : flags & JZ__PG_OPEN_SHARD ? JZ__PG_SHARD
                                            : JZ__PG_SINGLE;
    bool made = false; /* the audit key, made for this new store */
    if (create && !(flags & JZ__STORE_COPY_TARGET) && q->layout != JZ__PG_SHARD &&
        (rc = jz__pg_audit_key(q, &made, err)))
        goto fail;
    if ((rc = jz__pg_migrate(q, create, err))) {
        if (made)
            unlink(q->k.path);
        goto fail;
    }
    if (q->layout != JZ__PG_SHARD &&
        (rc = jz__pg_audit_open(q, create, flags & JZ__STORE_COPY_TARGET, err)))
        goto fail;
    /* Entries a crash left queued, committed but not chained. */
    if (!create) {
        jz_error scratch;
        jz__pg_audit_chain(q, false, &scratch);
    }
    if (!create && q->layout != JZ__PG_SHARD && (rc = jz__pg_upgrade(q, err)))
        goto fail;
    *impl = q;
    return JZ_OK;
fail:
    pg_close(q);
    return rc;
}

static int pg_version(const void *impl)
{
    return ((const pg *)impl)->version;
}

static jz_err pg_begin(void *impl, jz_error *err)
{
    pg *q = impl;
    jz_err rc = jz__pg_exec(q, "BEGIN", err);
    if (!rc)
        q->in_tx = true;
    return rc;
}

static void pg_rollback(void *impl)
{
    pg *q = impl;
    jz__pg_rows_drop(q);
    jz__pg_prefetch_drop(q);
    jz__pg_newhh_drop(q);
    jz__pv_map_clear(&q->pv); /* rows of param_values this transaction made are gone */
    q->det_stage = false;
    /* So may be partitions it created: look them up again when needed
     * (else a county's rows would go to the DEFAULT partition). */
    q->n_counties = 0;
    if (q->in_tx)
        jz__pg_exec(q, "ROLLBACK", NULL);
    q->in_tx = false;
    q->queued = false;
    jz__pg_audit_drop(q);
}

static jz_err pg_commit(void *impl, jz_error *err)
{
    pg *q = impl;
    jz_err rc = jz__pg_rows_flush(q, err);
    if (!rc)
        rc = jz__pg_audit_commit(q, err);
    if (!rc) {
        PGresult *r = PQexec(q->c, "COMMIT");
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            rc = jz__pg_error(q, r, err, "提交");
        PQclear(r);
    }
    if (rc) {
        pg_rollback(q);
        return rc;
    }
    q->in_tx = false;
    q->det_stage = false;
    jz__pg_prefetch_drop(q);
    jz__pg_newhh_drop(q);
    if (q->queued) {
        jz_error scratch; /* committed: a seal left undone is the next one's */
        jz__pg_audit_chain(q, false, &scratch);
    }
    return JZ_OK;
}

static void pg_set_actor(void *impl, const char *actor)
{
    pg *q = impl;
    snprintf(q->actor, sizeof q->actor, "%s", actor);
}

static const char *pg_actor(const void *impl)
{
    return ((const pg *)impl)->actor;
}

/* ---- partitions by county ----------------------------------------------------- */

/* The group (JZ__PG_PART_*) of a partitioned table. */
static unsigned part_group(const char *table)
{
    static const struct {
        const char *table;
        unsigned group;
    } groups[] = {{"feed_rows", JZ__PG_PART_FEED},
                  {"alerts", JZ__PG_PART_ALERT},
                  {"pay_lines", JZ__PG_PART_PAY},
                  {"audit", JZ__PG_PART_AUDIT}};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        if (strcmp(groups[i].table, table) == 0)
            return groups[i].group;
    return JZ__PG_PART_HOUSEHOLD;
}

/* Only the groups a write needs are created: a new database's import
 * makes the partitions of households and alerts of every county it meets,
 * not those of payments or feeds (each county's partition of a table with
 * many indexes, as pay_lines, costs tens of milliseconds to create).  The
 * partitions that are missing are created by one command (one round trip
 * for all of a county's tables), on this connection, in the caller's
 * transaction if one is open: creating a partition locks its parent
 * table, which this transaction may already hold, so a second connection
 * would wait for it forever.  A writer of the same county at the same
 * moment waits for it, or gets a retry (42P07: jz__pg_error). */
jz_err jz__pg_county_parts(pg *q, const char *county, unsigned parts, jz_error *err)
{
    if (!county || !county[0])
        return JZ_OK; /* the DEFAULT partitions */
    size_t at = q->n_counties;
    for (size_t i = 0; i < q->n_counties; i++)
        if (strcmp(q->counties[i], county) == 0) {
            if ((q->county_parts[i] & parts) == parts)
                return JZ_OK;
            at = i;
            break;
        }
    if (strlen(county) != 6 || strspn(county, "0123456789") != 6)
        return jz_error_set(err, JZ_EINPUT, "county", county, "县级区划代码应为 6 位数字");
    unsigned want = parts & ~(at < q->n_counties ? q->county_parts[at] : 0u);
    /* The names of the partitions wanted, as a text[] literal: which of
     * them exist already (made by another connection)? */
    char names[512];
    size_t n = 0;
    names[n++] = '{';
    for (int i = 0; jz__pg_partitioned[i]; i++)
        if (part_group(jz__pg_partitioned[i]) & want)
            n += (size_t)snprintf(names + n, sizeof names - n, "%s%s_%s", n > 1 ? "," : "",
                                  jz__pg_partitioned[i], county);
    snprintf(names + n, sizeof names - n, "}");
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, names);
    jz_err rc;
    PGresult *r = jz__pg_run(q, "SELECT relname FROM pg_class WHERE relname = ANY($1::text[])", &p,
                             "查找分区", &rc, err);
    if (!r)
        return rc;
    char sql[2048];
    size_t len = 0;
    bool keys = false;
    for (int i = 0; jz__pg_partitioned[i]; i++) {
        const char *t = jz__pg_partitioned[i];
        if (!(part_group(t) & want))
            continue;
        char name[40];
        snprintf(name, sizeof name, "%s_%s", t, county);
        bool have = false;
        for (int row = 0; row < PQntuples(r) && !have; row++)
            have = strcmp(PQgetvalue(r, row, 0), name) == 0;
        /* The determinations half filled, as jz_county_partitions makes
         * them (pg_schema.c, HALF_FILLED). */
        bool half = strcmp(t, "determinations") == 0;
        if (!have)
            len += (size_t)snprintf(sql + len, sizeof sql - len,
                                    "CREATE TABLE IF NOT EXISTS %s PARTITION OF %s"
                                    " FOR VALUES IN ('%s')%s;",
                                    name, t, county, half ? " WITH (fillfactor = 50)" : "");
        keys |= !have && part_group(t) == JZ__PG_PART_HOUSEHOLD;
    }
    PQclear(r);
    /* The new household tables' keys to the county's households
     * (pg_schema.c). */
    if (keys)
        len += (size_t)snprintf(sql + len, sizeof sql - len, "SELECT jz_household_keys('%s');",
                                county);
    if (len && q->layout == JZ__PG_COORD) {
        /* A coordinator places the county's tables whole, every group, on
         * a shard (pg_shard.c). */
        if ((rc = jz__pg_shard_county(q, county, err)))
            return rc;
        parts = ~0u;
    } else if (len) {
        /* Rows held for COPY were sent by the statement above
         * (jz__pg_run), or are held on purpose (put_household): the
         * partitions' creation reads none of them. */
        r = PQexec(q->c, sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
            rc = jz__pg_error(q, r, err, "为该县建立分区");
            PQclear(r);
            return rc;
        }
        PQclear(r);
    }
    if (at == q->n_counties) {
        if (q->n_counties == q->cap_counties) {
            size_t nc = q->cap_counties ? 2 * q->cap_counties : 16;
            char(*g)[7] = realloc(q->counties, nc * sizeof *g);
            if (g)
                q->counties = g;
            unsigned *gp = g ? realloc(q->county_parts, nc * sizeof *gp) : NULL;
            if (!gp)
                return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            q->county_parts = gp;
            q->cap_counties = nc;
        }
        snprintf(q->counties[q->n_counties], 7, "%s", county);
        q->county_parts[q->n_counties++] = 0;
    }
    q->county_parts[at] |= parts;
    return JZ_OK;
}

jz_err jz__pg_county(pg *q, const char *county, jz_error *err)
{
    return jz__pg_county_parts(q, county, JZ__PG_PART_ALL, err);
}

/* A row of meta (store_int.h): its value malloc'd, NULL when there is none;
 * with lock, the row is held until the transaction ends (FOR UPDATE). */
static jz_err pg_meta_get(void *impl, const char *key, bool lock, char **value, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, key);
    *value = NULL;
    jz_err rc = JZ_OK;
    PGresult *r = lock ? jz__pg_run(q, "SELECT value FROM meta WHERE key = $1 FOR UPDATE", &p,
                                    "读取数据的版本", &rc, err)
                       : jz__pg_run(q, "SELECT value FROM meta WHERE key = $1", &p,
                                    "读取数据的版本", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) == 1 && !(*value = strdup(jz__pg_text(r, 0, 0))))
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    PQclear(r);
    return rc;
}

static jz_err pg_meta_put(void *impl, const char *key, const char *value, jz_error *err)
{
    pg *q = impl;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, key);
    jz__pg_p_text(&p, value);
    return jz__pg_do(q,
                     "INSERT INTO meta(key, value) VALUES($1, $2)"
                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     &p, "记下数据的版本", NULL, err);
}

/* ---- the table --------------------------------------------------------------- */

const jz_store_ops jz__pg_ops = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .schema_version = pg_version,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .put_household = jz__pg_put_household,
    .prefetch = jz__pg_prefetch,
    .get_record = jz__pg_get_record,
    .household_programme = jz__pg_household_programme,
    .import_begin = jz__pg_import_begin,
    .import_progress = jz__pg_import_progress,
    .snapshot = jz__pg_snapshot,
    .snapshot_ids = jz__pg_snapshot_ids,
    .meta_get = pg_meta_get,
    .meta_put = pg_meta_put,
    .run_begin = jz__pg_run_begin,
    .snapshot_stale = jz__pg_snapshot_stale,
    .snapshot_results = jz__pg_snapshot_results,
    .results_ids = jz__pg_results_ids,
    .stored_digests = jz__pg_stored_digests,
    .clear_determinations = jz__pg_clear_determinations,
    .put_determination = jz__pg_put_determination,
    .get_determination = jz__pg_get_determination,
    .stats = jz__pg_stats,
    .trend = jz__pg_trend,
    .set_actor = pg_set_actor,
    .case_create = jz__pg_case_create,
    .case_get = jz__pg_case_get,
    .case_update = jz__pg_case_update,
    .case_set_opinion = jz__pg_case_set_opinion,
    .case_opinion = jz__pg_case_opinion,
    .case_list = jz__pg_case_list,
    .case_steps = jz__pg_case_steps,
    .staff_put = jz__pg_staff_put,
    .staff_relative = jz__pg_staff_relative,
    .staff_county = jz__pg_staff_county,
    .audit_verify = jz__pg_audit_verify,
    .audit_hash_at = jz__pg_audit_hash_at,
    .enrol_get = jz__pg_enrol_get,
    .enrol_put = jz__pg_enrol_put,
    .enrol_list = jz__pg_enrol_list,
    .feed_begin = jz__pg_feed_begin,
    .feed_put = jz__pg_feed_put,
    .feed_end = jz__pg_feed_end,
    .monitor_rows = jz__pg_monitor_rows,
    .member_name = jz__pg_member_name,
    .alert_put = jz__pg_alert_put,
    .alert_add_evidence = jz__pg_alert_add_evidence,
    .alert_evidence = jz__pg_alert_evidence,
    .alert_list = jz__pg_alert_list,
    .audit = jz__pg_audit,
    .alert_get = jz__pg_alert_get,
    .alert_update = jz__pg_alert_update,
    .alert_find = jz__pg_alert_find,
    .alert_steps = jz__pg_alert_steps,
    .feed_person = jz__pg_feed_person,
    .case_set_units = jz__pg_case_set_units,
    .case_set_findings = jz__pg_case_set_findings,
    .case_findings = jz__pg_case_findings,
    .posting_put = jz__pg_posting_put,
    .posting_list = jz__pg_posting_list,
    .grant_put = jz__pg_grant_put,
    .grant_list = jz__pg_grant_list,
    .record_version = jz__pg_record_version,
    .record_history = jz__pg_record_history,
    .enrol_adopt = jz__pg_enrol_adopt,
    .import_reject = jz__pg_import_reject,
    .import_rejections = jz__pg_import_rejections,
    .import_counts = jz__pg_import_counts,
    .actor = pg_actor,
    .user_insert = jz__pg_user_insert,
    .user_get = jz__pg_user_get,
    .user_list = jz__pg_user_list,
    .user_update = jz__pg_user_update,
    .session_insert = jz__pg_session_insert,
    .session_find = jz__pg_session_find,
    .session_touch = jz__pg_session_touch,
    .session_revoke = jz__pg_session_revoke,
    .session_purge = jz__pg_session_purge,
    .access_put = jz__pg_access_put,
    .access_list = jz__pg_access_list,
    .enrol_term = jz__pg_enrol_term,
    .pay_units_all = jz__pg_pay_units_all,
    .pay_units = jz__pg_pay_units,
    .pay_owed = jz__pg_pay_owed,
    .pay_clean = jz__pg_pay_clean,
    .pay_lines_settle = jz__pg_pay_lines_settle,
    .pay_batch_accounts = jz__pg_pay_batch_accounts,
    .pay_count_regular = jz__pg_pay_count_regular,
    .pay_mark = jz__pg_pay_mark,
    .pay_plan_mark = jz__pg_pay_plan_mark,
    .pay_plan_first = jz__pg_pay_plan_first,
    .pay_line_add = jz__pg_pay_line_add,
    .household_list = jz__pg_household_list,
    .audit_list = jz__pg_audit_list,
    .payee_sharing = jz__pg_payee_sharing,
    .pay_line_get = jz__pg_pay_line_get,
    .pay_line_set = jz__pg_pay_line_set,
    .pay_lines_open = jz__pg_pay_lines_open,
    .pay_lines_of_batch = jz__pg_pay_lines_of_batch,
    .pay_lines_move = jz__pg_pay_lines_move,
    .pay_lines_of_household = jz__pg_pay_lines_of_household,
    .payee_current = jz__pg_payee_current,
    .payee_get = jz__pg_payee_get,
    .payee_put = jz__pg_payee_put,
    .institution_put = jz__pg_institution_put,
    .institution_get = jz__pg_institution_get,
    .institutions = jz__pg_institutions,
    .pay_batch_add = jz__pg_pay_batch_add,
    .pay_batch_get = jz__pg_pay_batch_get,
    .pay_batch_set = jz__pg_pay_batch_set,
    .pay_batches = jz__pg_pay_batches,
    .recovery_add = jz__pg_recovery_add,
    .recovery_get = jz__pg_recovery_get,
    .recoveries = jz__pg_recoveries,
    .pay_unit = jz__pg_pay_unit,
    .pay_hold_add = jz__pg_pay_hold_add,
    .pay_hold_end = jz__pg_pay_hold_end,
    .pay_plan_last = jz__pg_pay_plan_last,
    .pay_members = jz__pg_pay_members,
    .pay_once_totals = jz__pg_pay_once_totals,
    .repayment_add = jz__pg_repayment_add,
    .repayments = jz__pg_repayments,
    .pay_sums = jz__pg_pay_sums,
    .pay_lines_where = jz__pg_pay_lines_where,
    .pay_batch_facts = jz__pg_pay_batch_facts,
    .pay_recovery_facts = jz__pg_pay_recovery_facts,
    .pay_due_groups = jz__pg_pay_due_groups,
};
