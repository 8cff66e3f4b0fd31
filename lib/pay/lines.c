/*
 * lines.c - a growing list of payment lines (pay_int.h), what the store's
 * line callbacks fill for the operations that look at lines together.
 */
#include <stdlib.h>

#include "pay_int.h"

bool jz__pay_lines_push(jz__pay_lines *v, const jz_pay_line *l)
{
    if (v->oom)
        return false;
    if (v->n == v->cap) {
        size_t nc = v->cap ? 2 * v->cap : 64;
        jz_pay_line *g = realloc(v->l, nc * sizeof *g);
        if (!g) {
            v->oom = true;
            return false;
        }
        v->l = g;
        v->cap = nc;
    }
    v->l[v->n++] = *l;
    return true;
}

void jz__pay_lines_collect(const jz_pay_line *l, void *arg)
{
    jz__pay_lines_push(arg, l);
}
