/*
 * test_router.c - the server's route table: the matcher, and the OpenAPI
 * document compiled into the server listing exactly the routes of the
 * table, with the same roles (issue 13: "a test checks that every route the
 * server has is in it and the other way round").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "srv.h"

extern const unsigned char jz_openapi_json[];
extern const size_t jz_openapi_json_len;

static void test_match(void **state)
{
    (void)state;
    jz_route_match m;
    assert_true(jz_route_find("GET", "/api/households/H140902-000001", &m));
    assert_string_equal(m.route->pattern, "/api/households/{id}");
    assert_int_equal(m.n_params, 1);
    assert_string_equal(m.params[0], "H140902-000001");
    /* Percent-decoding, and what a parameter may not hold. */
    assert_true(jz_route_find("GET", "/api/households/H%31", &m));
    assert_string_equal(m.params[0], "H1");
    assert_false(jz_route_find("GET", "/api/households/a%2Fb", &m));
    assert_false(jz_route_find("GET", "/api/households/a%00b", &m));
    assert_false(jz_route_find("GET", "/api/households/a%4", &m));
    assert_false(jz_route_find("GET", "/api/households/", &m));
    char longid[200];
    memset(longid, 'x', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    char path[300];
    snprintf(path, sizeof path, "/api/households/%s", longid);
    assert_false(jz_route_find("GET", path, &m));
    /* Another method of an existing path: 405, not 404. */
    assert_false(jz_route_find("DELETE", "/api/households/H1", &m));
    assert_true(m.method_mismatch);
    assert_false(jz_route_find("GET", "/api/nothing", &m));
    assert_false(m.method_mismatch);
    assert_false(jz_route_find("GET", "/api/households/H1/", &m));
    assert_false(jz_route_find("GET", "api/me", &m));
    /* HEAD is GET without the body. */
    assert_true(jz_route_find("HEAD", "/api/me", &m));
}

static void test_scope(void **state)
{
    (void)state;
    assert_true(jz_scope_covers("", "140902101201"));
    assert_true(jz_scope_covers("140902", "140902101201"));
    assert_true(jz_scope_covers("140902101", "140902101"));
    assert_false(jz_scope_covers("140902", "140923100201"));
    assert_false(jz_scope_covers("140902101", "140902")); /* a county is not within a township */
    assert_false(jz_scope_covers("140902", NULL));
}

/* Every route is in the document under its path and method, with its roles
 * (x-jiuzhu-roles), and the document has no operation the table lacks. */
static void test_openapi(void **state)
{
    (void)state;
    json_error_t je;
    json_t *doc = json_loadb((const char *)jz_openapi_json, jz_openapi_json_len, 0, &je);
    if (!doc)
        fail_msg("openapi.json: %s at %d:%d", je.text, je.line, je.column);
    json_t *paths = json_object_get(doc, "paths");
    assert_non_null(paths);
    size_t ops = 0;
    for (size_t i = 0; i < jz_n_routes; i++) {
        const jz_route *r = &jz_routes[i];
        char method[8];
        size_t k;
        for (k = 0; r->method[k] && k + 1 < sizeof method; k++)
            method[k] = (char)(r->method[k] | 0x20);
        method[k] = '\0';
        json_t *op = json_object_get(json_object_get(paths, r->pattern), method);
        if (!op)
            fail_msg("route %s %s is not in openapi.json", r->method, r->pattern);
        json_t *roles = json_object_get(op, "x-jiuzhu-roles");
        unsigned bits = 0;
        size_t j;
        json_t *v;
        json_array_foreach(roles, j, v)
        {
            jz_role role;
            if (jz_role_parse(json_string_value(v), &role, NULL) != JZ_OK)
                fail_msg("%s %s: unknown role %s", r->method, r->pattern, json_string_value(v));
            bits |= 1u << role;
        }
        if (bits != r->roles)
            fail_msg("%s %s: roles in openapi.json differ from the route table", r->method,
                     r->pattern);
    }
    const char *path;
    json_t *item;
    json_object_foreach(paths, path, item)
    {
        const char *method;
        json_t *op;
        json_object_foreach(item, method, op)
        {
            ops++;
            char upper[8];
            size_t k;
            for (k = 0; method[k] && k + 1 < sizeof upper; k++)
                upper[k] = (char)(method[k] & ~0x20);
            upper[k] = '\0';
            bool found = false;
            for (size_t i = 0; i < jz_n_routes; i++)
                found |= strcmp(jz_routes[i].pattern, path) == 0 &&
                         strcmp(jz_routes[i].method, upper) == 0;
            if (!found)
                fail_msg("openapi.json documents %s %s, which the server does not have", upper,
                         path);
        }
    }
    assert_int_equal(ops, jz_n_routes);
    json_decref(doc);
}

/* Patterns are unique per method and well formed. */
static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < jz_n_routes; i++) {
        const jz_route *r = &jz_routes[i];
        assert_non_null(r->fn);
        assert_true(r->pattern[0] == '/');
        assert_true(r->summary && r->summary[0]);
        assert_true(r->roles <= R_ANY);
        for (size_t j = i + 1; j < jz_n_routes; j++)
            assert_false(strcmp(r->pattern, jz_routes[j].pattern) == 0 &&
                         strcmp(r->method, jz_routes[j].method) == 0);
        /* A subject-scoped route has the parameter it is scoped by. */
        if (r->scope >= JZ_SCOPE_HOUSEHOLD && r->scope <= JZ_SCOPE_USER)
            assert_non_null(strchr(r->pattern, '{'));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_openapi),
        cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
