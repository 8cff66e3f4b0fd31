/*
 * pg_shard.c - a coordinator PostgreSQL over shards (docs/scaling.md
 * "Beyond one machine").
 *
 * The coordinator holds the whole schema (pg_schema.c, coord_schema): the
 * small tables, the directories, the audit log's head, and the large
 * tables' partitioned parents without keys.  Each county's partitions are
 * postgres_fdw foreign tables on the shard that holds the county
 * (county_shards), pointing at the county's own tables there, which carry
 * the keys, unique indexes and foreign keys (pg_schema.c, shard_schema).
 * A shard is a postgres_fdw server of the coordinator (async_capable: an
 * Append over several shards' partitions runs them at once), whose URL the
 * coordinator keeps (shards) to make a new county's tables there.
 *
 * A county is placed at init (jz_store_init_sharded's places) or at its
 * first write, on the shard with the fewest counties (jz__pg_shard_county).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jiuzhu/jz_store.h"
#include "pg_int.h"

/* An advisory lock's key for placing counties: "jzplace" in ASCII. */
#define PLACE_LOCK 0x6a7a706c616365LL

/* On the shard at url, in its own transaction (committed at once): the
 * county's tables.  Another connection, so that the coordinator's
 * transaction (open on the shard through postgres_fdw) is not in the way;
 * the tables are plain tables of the county, so making them locks nothing
 * another county's writers hold.  Made twice (a coordinator transaction
 * rolled back after) they are there already: jz_shard_county returns. */
static jz_err shard_tables(const char *server, const char *url, const char *county,
                           jz_error *err)
{
    PGconn *c = jz__pg_connect(url, NULL);
    jz_err rc = JZ_OK;
    if (PQstatus(c) != CONNECTION_OK) {
        char text[400];
        jz__pg_message(text, sizeof text, PQerrorMessage(c));
        rc = jz_error_set(err, JZ_EIO, "shard", server, "无法连接分片：%s", text);
        PQfinish(c);
        return rc;
    }
    PGresult *r = PQexec(c, "SET client_min_messages = warning");
    PQclear(r);
    const char *v[1] = {county};
    r = PQexecParams(c, "SELECT jz_shard_county($1)", 1, NULL, v, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        bool busy = state && (strcmp(state, "42P07") == 0 || strcmp(state, "40P01") == 0 ||
                              strcmp(state, "40001") == 0 || strcmp(state, "23505") == 0);
        char msg[300];
        snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
        msg[strcspn(msg, "\n")] = '\0';
        rc = busy ? jz_error_set(err, JZ_EBUSY, "county", county,
                                 "其他用户正同时在分片 %s 上建立该县的表，请重试", server)
                  : jz_error_set(err, JZ_EIO, "county", county, "在分片 %s 上建立该县的表失败：%s",
                                 server, msg);
    }
    PQclear(r);
    PQfinish(c);
    return rc;
}

/* The county's tables on server's shard, and its foreign partitions here. */
static jz_err place(pg *q, const char *county, const char *server, jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, server);
    jz_err rc;
    PGresult *r = jz__pg_run(q, "SELECT url FROM shards WHERE server = $1", &p, "查找分片", &rc, err);
    if (!r)
        return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return jz_error_set(err, JZ_EINPUT, "shard", server, "没有这个分片");
    }
    char *url = strdup(jz__pg_text(r, 0, 0));
    PQclear(r);
    if (!url)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    rc = shard_tables(server, url, county, err);
    free(url);
    if (rc)
        return rc;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, county);
    jz__pg_p_text(&p, server);
    return jz__pg_do(q, "SELECT jz_county_partitions($1, $2)", &p, "为该县建立外部分区", NULL, err);
}

jz_err jz__pg_shard_county(pg *q, const char *county, jz_error *err)
{
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_int(&p, PLACE_LOCK);
    jz_err rc = jz__pg_do(q, "SELECT pg_advisory_xact_lock($1)", &p, "为该县选择分片", NULL, err);
    if (rc)
        return rc;
    /* Placed by another writer while this one waited? */
    char name[32];
    snprintf(name, sizeof name, "households_%s", county);
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, name);
    PGresult *r = jz__pg_run(q, "SELECT 1 FROM pg_class WHERE relname = $1", &p, "查找分区", &rc,
                             err);
    if (!r)
        return rc;
    bool have = PQntuples(r) > 0;
    PQclear(r);
    if (have)
        return JZ_OK;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, county);
    r = jz__pg_run(q, "SELECT server FROM county_shards WHERE county = $1", &p, "查找该县的分片",
                   &rc, err);
    if (!r)
        return rc;
    char server[64] = "";
    if (PQntuples(r))
        jz__pg_copy_text(server, sizeof server, r, 0, 0);
    PQclear(r);
    if (!server[0]) {
        /* A new county goes to the shard with the fewest counties. */
        r = jz__pg_run(q,
                       "SELECT s.server FROM shards s LEFT JOIN county_shards c"
                       " ON c.server = s.server GROUP BY s.server"
                       " ORDER BY count(c.county), s.server LIMIT 1",
                       NULL, "为该县选择分片", &rc, err);
        if (!r)
            return rc;
        if (PQntuples(r))
            jz__pg_copy_text(server, sizeof server, r, 0, 0);
        PQclear(r);
        if (!server[0])
            return jz_error_set(err, JZ_EINPUT, "database", q->dbname, "协调库没有分片");
        jz__pg_p_text(&p, server);
        if ((rc = jz__pg_do(q, "INSERT INTO county_shards(county, server) VALUES($1, $2)", &p,
                            "记录该县的分片", NULL, err)))
            return rc;
    }
    return place(q, county, server, err);
}

jz_err jz__pg_shard_stage(pg *q, const char *copy_sql, char *stage, char *insert, size_t n,
                          jz_error *err)
{
    stage[0] = insert[0] = '\0';
    if (q->layout != JZ__PG_COORD || strncmp(copy_sql, "COPY ", 5) != 0)
        return JZ_OK;
    const char *t = copy_sql + 5;
    size_t tn = strspn(t, "abcdefghijklmnopqrstuvwxyz_");
    bool partitioned = false;
    for (int i = 0; jz__pg_partitioned[i]; i++)
        partitioned |= strlen(jz__pg_partitioned[i]) == tn && strncmp(jz__pg_partitioned[i], t, tn) == 0;
    const char *end = strstr(t, " FROM STDIN");
    if (!partitioned || !end)
        return JZ_OK;
    /* The column list, if any: "(a, b)" right after the name. */
    const char *cols = t + tn;
    int cn = cols[0] == '(' ? (int)(end - cols) : 0;
    char create[200];
    snprintf(create, sizeof create,
             "CREATE TEMP TABLE IF NOT EXISTS jz_stage_%.*s ON COMMIT DELETE ROWS AS"
             " SELECT * FROM %.*s WITH NO DATA",
             (int)tn, t, (int)tn, t);
    jz_err rc = jz__pg_exec(q, create, err);
    if (rc)
        return rc;
    snprintf(stage, n, "COPY jz_stage_%.*s%.*s FROM STDIN", (int)tn, t, cn, cols);
    if (cn)
        snprintf(insert, n, "INSERT INTO %.*s%.*s SELECT %.*s FROM jz_stage_%.*s; DELETE FROM jz_stage_%.*s",
                 (int)tn, t, cn, cols, cn - 2, cols + 1, (int)tn, t, (int)tn, t);
    else
        snprintf(insert, n, "INSERT INTO %.*s SELECT * FROM jz_stage_%.*s; DELETE FROM jz_stage_%.*s",
                 (int)tn, t, (int)tn, t, (int)tn, t);
    return JZ_OK;
}

/* ---- init ------------------------------------------------------------------------ */

static bool good_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 30 || s[0] < 'a' || s[0] > 'z')
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* CREATE SERVER and its user mapping for the shard at url: the URL's
 * connection options go to the server, its user and password to the
 * mapping (for every local role). */
static jz_err make_server(pg *q, const char *name, const char *url, jz_error *err)
{
    static const char *const server_keys[] = {"host",        "hostaddr",       "port",
                                              "dbname",      "sslmode",        "sslrootcert",
                                              "connect_timeout", "target_session_attrs", NULL};
    char *perr = NULL;
    PQconninfoOption *o = PQconninfoParse(url, &perr);
    if (!o) {
        jz_err rc = jz_error_set(err, JZ_EUSAGE, "shard", name, "分片地址有误：%s",
                                 perr ? perr : "内存不足");
        PQfreemem(perr);
        return rc;
    }
    size_t cap = 4096;
    char *srv = malloc(cap), *map = malloc(cap);
    jz_err rc = JZ_OK;
    if (!srv || !map) {
        rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        goto done;
    }
    char *id = PQescapeIdentifier(q->c, name, strlen(name));
    snprintf(srv, cap,
             "CREATE SERVER %s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (async_capable 'true',"
             " batch_size '1000', fetch_size '10000'",
             id ? id : "\"\"");
    snprintf(map, cap, "CREATE USER MAPPING FOR PUBLIC SERVER %s OPTIONS (", id ? id : "\"\"");
    PQfreemem(id);
    bool have_user = false, first = true;
    for (PQconninfoOption *e = o; e->keyword; e++) {
        if (!e->val || !e->val[0])
            continue;
        bool to_server = false;
        for (int i = 0; server_keys[i]; i++)
            to_server |= strcmp(server_keys[i], e->keyword) == 0;
        bool to_map = strcmp(e->keyword, "user") == 0 || strcmp(e->keyword, "password") == 0;
        if (!to_server && !to_map)
            continue;
        char *lit = PQescapeLiteral(q->c, e->val, strlen(e->val));
        if (!lit) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            goto done;
        }
        char *dst = to_server ? srv : map;
        size_t used = strlen(dst);
        snprintf(dst + used, cap - used, "%s%s %s", to_map && first ? "" : ", ", e->keyword,
                 lit);
        PQfreemem(lit);
        if (to_map) {
            first = false;
            have_user |= strcmp(e->keyword, "user") == 0;
        }
    }
    if (!have_user) { /* libpq's default: the coordinator's own user */
        char *lit = PQescapeLiteral(q->c, PQuser(q->c), strlen(PQuser(q->c)));
        size_t used = strlen(map);
        snprintf(map + used, cap - used, "%suser %s", first ? "" : ", ", lit ? lit : "''");
        PQfreemem(lit);
    }
    strncat(srv, ")", cap - strlen(srv) - 1);
    strncat(map, ")", cap - strlen(map) - 1);
    if ((rc = jz__pg_exec(q, srv, err)) || (rc = jz__pg_exec(q, map, err)))
        goto done;
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, name);
    jz__pg_p_text(&p, url);
    rc = jz__pg_do(q, "INSERT INTO shards(server, url) VALUES($1, $2)", &p, "记录分片", NULL, err);
done:
    free(srv);
    free(map);
    PQconninfoFree(o);
    return rc;
}

jz_err jz_store_init_sharded(const char *coord, size_t n, const char *const *names,
                             const char *const *urls, size_t n_place,
                             const char *const *place_county, const char *const *place_server,
                             jz_error *err)
{
    if (!coord || !jz_store_is_pg(coord))
        return jz_error_set(err, JZ_EUSAGE, "database", coord ? coord : "",
                            "协调库须是 PostgreSQL 地址（postgresql://...）");
    if (n == 0)
        return jz_error_set(err, JZ_EUSAGE, "shard", NULL, "至少要有一个分片（--shard 名称=地址）");
    for (size_t i = 0; i < n; i++) {
        if (!good_name(names[i]))
            return jz_error_set(err, JZ_EUSAGE, "shard", names[i],
                                "分片名称只能用小写字母、数字和下划线，以字母开头，最长 30 个字符");
        if (!jz_store_is_pg(urls[i]))
            return jz_error_set(err, JZ_EUSAGE, "shard", names[i],
                                "分片须是 PostgreSQL 地址（postgresql://...）");
        if (strcmp(urls[i], coord) == 0)
            return jz_error_set(err, JZ_EUSAGE, "shard", names[i], "分片不能是协调库本身");
        for (size_t j = 0; j < i; j++) {
            if (strcmp(names[i], names[j]) == 0)
                return jz_error_set(err, JZ_EUSAGE, "shard", names[i], "分片名称重复");
            if (strcmp(urls[i], urls[j]) == 0)
                return jz_error_set(err, JZ_EUSAGE, "shard", names[i], "两个分片是同一个数据库");
        }
    }
    for (size_t i = 0; i < n_place; i++) {
        const char *c = place_county[i];
        if (strlen(c) != 6 || strspn(c, "0123456789") != 6)
            return jz_error_set(err, JZ_EUSAGE, "county", c, "县级区划代码应为 6 位数字");
        bool known = false;
        for (size_t j = 0; j < n; j++)
            known |= strcmp(names[j], place_server[i]) == 0;
        if (!known)
            return jz_error_set(err, JZ_EUSAGE, "shard", place_server[i],
                                "--place 指定的分片没有用 --shard 给出");
        for (size_t j = 0; j < i; j++)
            if (strcmp(place_county[j], c) == 0)
                return jz_error_set(err, JZ_EUSAGE, "county", c, "同一个县指定了两次");
    }
    void *impl = NULL;
    jz_err rc = JZ_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        rc = jz__pg_ops.open(urls[i], JZ_STORE_CREATE | JZ__PG_OPEN_SHARD, &impl, err);
        if (!rc)
            jz__pg_ops.close(impl);
        impl = NULL;
    }
    if (rc)
        return rc;
    if ((rc = jz__pg_ops.open(coord, JZ_STORE_CREATE | JZ__PG_OPEN_COORD, &impl, err)))
        return rc;
    pg *q = impl;
    snprintf(q->actor, sizeof q->actor, "jiuzhu init");
    rc = jz__pg_ops.begin(q, err);
    for (size_t i = 0; i < n && !rc; i++)
        rc = make_server(q, names[i], urls[i], err);
    for (size_t i = 0; i < n_place && !rc; i++) {
        jz__pg_params p;
        jz__pg_p_reset(&p);
        jz__pg_p_text(&p, place_county[i]);
        jz__pg_p_text(&p, place_server[i]);
        rc = jz__pg_do(q, "INSERT INTO county_shards(county, server) VALUES($1, $2)", &p,
                       "记录该县的分片", NULL, err);
        if (!rc)
            rc = jz__pg_county(q, place_county[i], err);
    }
    if (!rc) {
        char after[160];
        snprintf(after, sizeof after, "{\"shards\":%zu,\"placed\":%zu}", n, n_place);
        rc = jz__pg_audit(q, "", "store.shards", "shards", "", after, err);
    }
    if (!rc)
        rc = jz__pg_ops.commit(q, err);
    else
        jz__pg_ops.rollback(q);
    jz__pg_ops.close(q);
    return rc;
}

jz_err jz_store_add_shard(const char *coord, const char *name, const char *url, jz_error *err)
{
    if (!coord || !jz_store_is_pg(coord))
        return jz_error_set(err, JZ_EUSAGE, "database", coord ? coord : "",
                            "协调库须是 PostgreSQL 地址（postgresql://...）");
    if (!good_name(name))
        return jz_error_set(err, JZ_EUSAGE, "shard", name,
                            "分片名称只能用小写字母、数字和下划线，以字母开头，最长 30 个字符");
    if (!jz_store_is_pg(url) || strcmp(url, coord) == 0)
        return jz_error_set(err, JZ_EUSAGE, "shard", name,
                            "分片须是协调库以外的 PostgreSQL 地址（postgresql://...）");
    void *impl = NULL;
    jz_err rc = jz__pg_ops.open(coord, 0, &impl, err);
    if (rc)
        return rc;
    pg *q = impl;
    if (q->layout != JZ__PG_COORD) {
        rc = jz_error_set(err, JZ_EUSAGE, "database", q->dbname,
                          "不是协调库（用 jiuzhu init 协调库地址 --shard ... 创建）");
        jz__pg_ops.close(q);
        return rc;
    }
    jz__pg_params p;
    jz__pg_p_reset(&p);
    jz__pg_p_text(&p, name);
    jz__pg_p_text(&p, url);
    PGresult *r = jz__pg_run(q, "SELECT server FROM shards WHERE server = $1 OR url = $2", &p,
                             "查找分片", &rc, err);
    if (r) {
        if (PQntuples(r))
            rc = jz_error_set(err, JZ_EUSAGE, "shard", name, "协调库已有这个分片（名称或地址相同）");
        PQclear(r);
    }
    void *shard = NULL;
    if (!rc && !(rc = jz__pg_ops.open(url, JZ_STORE_CREATE | JZ__PG_OPEN_SHARD, &shard, err)))
        jz__pg_ops.close(shard);
    snprintf(q->actor, sizeof q->actor, "jiuzhu init");
    if (!rc)
        rc = jz__pg_ops.begin(q, err);
    if (!rc)
        rc = make_server(q, name, url, err);
    if (!rc) {
        char after[96];
        snprintf(after, sizeof after, "{\"shard\":\"%s\"}", name);
        rc = jz__pg_audit(q, "", "store.shard_add", "shards", "", after, err);
    }
    if (!rc)
        rc = jz__pg_ops.commit(q, err);
    else if (q->in_tx)
        jz__pg_ops.rollback(q);
    jz__pg_ops.close(q);
    return rc;
}
