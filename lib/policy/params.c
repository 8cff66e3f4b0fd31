/*
 * params.c - loading, overriding and resolving policy parameters.
 *
 * A parameter set holds, for every parameter, the values read from the data
 * files in policy/params/, each with a region (province, city or county), a
 * validity period [from, until) and where it came from, plus the overrides of
 * a run (`--param NAME=VALUE`).  Loading is strict, because a typing mistake
 * in a standard silently changes who gets assistance: unknown fields, unknown
 * names, values of the wrong type and duplicates are errors that name the
 * file, the entry and the field.  A file that fails to load leaves the set as
 * it was.
 *
 * Each parameter's values are kept in one array sorted by (region, from), so
 * that resolving a county on a date is three binary searches per parameter
 * (county, city, province) followed by a short scan: it runs once per
 * household on the single-record path and must stay cheap.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "policy/params_int.h"

/* A parameter file is a few hundred kilobytes; anything near this cap is
 * not a parameter file. */
#define MAX_FILE_BYTES (16L * 1024 * 1024)
/* Longest description, source or note accepted, in bytes. */
#define MAX_TEXT_BYTES 4096
/* A ratio has at most this many decimals and an integer part below 1000, so
 * num stays below 10^9 and the engine's exact products stay far from
 * overflow. */
#define RATIO_MAX_DECIMALS 6
#define RATIO_MAX_INT 999
/* `until` of a value without an end. */
#define DATE_OPEN INT32_MAX

_Static_assert(JZ_INC_COUNT <= 32, "excluded_income is a 32-bit mask");

/* A typed value: money in fen, whole numbers, booleans (0/1), enumerations
 * and income-kind masks in i; ratios in r. */
typedef union value {
    int64_t i;
    jz_ratio r;
} value;

typedef struct entry {
    char region[7]; /* 2, 4 or 6 digits, terminated */
    jz_date from;
    jz_date until; /* exclusive; DATE_OPEN when absent */
    value v;
    uint32_t file;  /* index into jz_paramset.files */
    uint32_t index; /* position in the file's "params" array */
    bool reference;
} entry;

typedef struct entry_list {
    entry *v;
    size_t n, cap;
} entry_list;

struct jz_paramset {
    entry_list lists[JZ_P_COUNT]; /* sorted by (region, from) */
    char **files;                 /* paths as given to jz_paramset_load_file */
    size_t n_files, cap_files;
    bool overridden[JZ_P_COUNT];
    value overrides[JZ_P_COUNT];
};

/* An entry read from a file that is being loaded, before it joins the set. */
typedef struct staged {
    int id;
    entry e;
} staged;

static const char *const rounding_names[JZ_ROUND_COUNT] = {"yuan_up", "fen_up"};
static const char *const basis_names[JZ_BASIS_COUNT] = {"adjusted_income", "income"};

static const char *const entry_keys[] = {"name",  "value",  "region",    "from",
                                         "until", "source", "reference", "note"};

/* ---------------------------------------------------------------- errors */

/*
 * Records the file an error is in.  err->source is short, and the end of a
 * path (the file name) is what a person needs, so a long path keeps its
 * tail, cut at a UTF-8 character boundary.
 */
static void set_source(jz_error *err, const char *path)
{
    size_t len, cap, start;

    if (err == NULL || path == NULL)
        return;
    len = strlen(path);
    cap = sizeof err->source - 1;
    if (len <= cap) {
        memcpy(err->source, path, len + 1);
        return;
    }
    start = len - (cap - 3);
    while (start < len && ((unsigned char)path[start] & 0xC0) == 0x80)
        start++;
    snprintf(err->source, sizeof err->source, "...%s", path + start);
}

/* Names the file and the place in it ("params[12].value"; key may be NULL
 * for the entry as a whole, index SIZE_MAX for a top-level key). */
static void locate(jz_error *err, const char *path, size_t index, const char *key)
{
    if (err == NULL)
        return;
    set_source(err, path);
    err->line = 0;
    if (index == SIZE_MAX)
        snprintf(err->field, sizeof err->field, "%s", key != NULL ? key : "");
    else if (key == NULL)
        snprintf(err->field, sizeof err->field, "params[%zu]", index);
    else
        snprintf(err->field, sizeof err->field, "params[%zu].%s", index, key);
}

/* The compact JSON text of j, for the value part of an error message. */
static jz_err json_error(jz_error *err, jz_err code, const json_t *j, const char *reason)
{
    char *text = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    jz_err rc = jz_error_set(err, code, NULL, text != NULL ? text : "", "%s", reason);

    free(text);
    return rc;
}

/* ----------------------------------------------------------- value parsing */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
 * Parses a non-negative decimal ("1.5", "2", "0.333333") exactly into
 * num / 10^k.  Trailing zeros of the fraction are dropped ("1.50" is 15/10,
 * "2.0" is 2/1), so equal ratios have equal representations.
 */
static jz_err parse_ratio(const char *s, size_t len, jz_ratio *out, jz_error *err)
{
    size_t i = 0, int_digits = 0, decimals = 0;
    int64_t whole = 0, num, den = 1;

    while (i < len && is_digit(s[i])) {
        whole = whole * 10 + (s[i] - '0');
        if (whole > RATIO_MAX_INT)
            return jz_error_setn(err, JZ_ERANGE, NULL, s, len, "比例不能大于 %d.999999",
                                 RATIO_MAX_INT);
        int_digits++;
        i++;
    }
    if (int_digits == 0)
        goto bad;
    num = whole;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && is_digit(s[i])) {
            if (decimals == RATIO_MAX_DECIMALS)
                return jz_error_setn(err, JZ_EINPUT, NULL, s, len, "比例最多 %d 位小数",
                                     RATIO_MAX_DECIMALS);
            num = num * 10 + (s[i] - '0');
            den *= 10;
            decimals++;
            i++;
        }
        if (decimals == 0)
            goto bad;
    }
    if (i != len)
        goto bad;
    while (den > 1 && num % 10 == 0) {
        num /= 10;
        den /= 10;
    }
    out->num = num;
    out->den = den;
    return JZ_OK;
bad:
    return jz_error_setn(err, JZ_EINPUT, NULL, s, len, "比例应为非负小数，最多 %d 位小数，例如 1.5",
                         RATIO_MAX_DECIMALS);
}

/* A ratio that arrived as a JSON real: read as the shortest decimal text that
 * converts back to the same double, as jz_money_from_double does for money,
 * so 1.3 means 13/10 and not the binary fraction nearest to it. */
static jz_err ratio_from_double(double v, jz_ratio *out, jz_error *err)
{
    char text[64];

    if (!(v >= 0)) {
        snprintf(text, sizeof text, "%.17g", v);
        return jz_error_set(err, JZ_EINPUT, NULL, text, "比例不能为负数");
    }
    if (v > RATIO_MAX_INT + 1.0) {
        snprintf(text, sizeof text, "%.17g", v);
        return jz_error_set(err, JZ_ERANGE, NULL, text, "比例不能大于 %d.999999", RATIO_MAX_INT);
    }
    if (!jz_double_decimal(v, text, sizeof text))
        return jz_error_set(err, JZ_EINPUT, NULL, text, "比例最多 %d 位小数", RATIO_MAX_DECIMALS);
    return parse_ratio(text, strlen(text), out, err);
}

static jz_err check_int(const jz_param_def *d, int64_t v, jz_error *err)
{
    char text[32];

    if (v >= d->min && v <= d->max)
        return JZ_OK;
    snprintf(text, sizeof text, "%" PRId64, v);
    return jz_error_set(err, JZ_ERANGE, NULL, text, "应为 %" PRId64 " 到 %" PRId64 " 之间的整数",
                        d->min, d->max);
}

/* Whole numbers on the command line: an optional '-', digits, nothing else
 * (strtoll alone would accept leading spaces and a '+'). */
static jz_err parse_int_text(const jz_param_def *d, const char *s, int64_t *out, jz_error *err)
{
    const char *digits = s[0] == '-' ? s + 1 : s;
    char *end;
    long long v;

    if (!is_digit(digits[0]))
        return jz_error_set(err, JZ_EINPUT, NULL, s, "应为整数");
    errno = 0;
    v = strtoll(s, &end, 10);
    if (*end != '\0')
        return jz_error_set(err, JZ_EINPUT, NULL, s, "应为整数");
    if (errno == ERANGE)
        return jz_error_set(err, JZ_ERANGE, NULL, s, "应为 %" PRId64 " 到 %" PRId64 " 之间的整数",
                            d->min, d->max);
    *out = v;
    return check_int(d, *out, err);
}

/* Adds one income kind name to a mask; a repeated name is refused because
 * it is almost always a copy-and-paste slip for another kind. */
static jz_err add_kind(const char *name, size_t len, uint32_t *mask, jz_error *err)
{
    char buf[64];
    int k = -1;

    if (len > 0 && len < sizeof buf && memchr(name, '\0', len) == NULL) {
        memcpy(buf, name, len);
        buf[len] = '\0';
        k = jz_enum_lookup(jz_income_kind_names, JZ_INC_COUNT, buf);
    }
    if (k < 0)
        return jz_error_setn(err, JZ_EINPUT, NULL, name, len,
                             "未知的收入类别（可用类别见 FORMATS.md 的 income[].kind）");
    if (*mask & (UINT32_C(1) << k))
        return jz_error_setn(err, JZ_EINPUT, NULL, name, len, "收入类别重复");
    *mask |= UINT32_C(1) << k;
    return JZ_OK;
}

static jz_err kinds_from_json(const json_t *j, int64_t *out, jz_error *err)
{
    uint32_t mask = 0;
    size_t i;
    json_t *item;
    jz_err rc;

    if (!json_is_array(j))
        return json_error(err, JZ_EINPUT, j, "应为收入类别名称的数组，例如 [\"scholarship\"]");
    json_array_foreach(j, i, item)
    {
        if (!json_is_string(item))
            return json_error(err, JZ_EINPUT, item, "收入类别应为字符串");
        rc = add_kind(json_string_value(item), json_string_length(item), &mask, err);
        if (rc != JZ_OK)
            return rc;
    }
    *out = mask;
    return JZ_OK;
}

/* Kinds on the command line: comma-separated names ("scholarship,donation",
 * spaces around names allowed), "" for none, or the JSON array text that
 * jz_policy_format_value writes, so a formatted value can be fed back. */
static jz_err kinds_from_text(const char *s, int64_t *out, jz_error *err)
{
    uint32_t mask = 0;
    const char *p = s, *end, *a, *b;
    jz_err rc;

    while (*p == ' ')
        p++;
    if (*p == '[') {
        json_error_t je;
        json_t *j = json_loads(s, JSON_DECODE_ANY, &je);

        if (j == NULL)
            return jz_error_set(err, JZ_EINPUT, NULL, s, "收入类别数组不是有效的 JSON：%s",
                                je.text);
        rc = kinds_from_json(j, out, err);
        json_decref(j);
        return rc;
    }
    if (*p == '\0') {
        *out = 0;
        return JZ_OK;
    }
    for (;;) {
        end = strchr(p, ',');
        if (end == NULL)
            end = p + strlen(p);
        a = p;
        b = end;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        if (a == b)
            return jz_error_set(err, JZ_EINPUT, NULL, s, "收入类别列表中有空项");
        rc = add_kind(a, (size_t)(b - a), &mask, err);
        if (rc != JZ_OK)
            return rc;
        if (*end == '\0')
            break;
        p = end + 1;
    }
    *out = mask;
    return JZ_OK;
}

static jz_err enum_from_text(const char *s, const char *const *names, int count, int64_t *out,
                             jz_error *err)
{
    int k = jz_enum_lookup(names, count, s);

    if (k < 0) {
        if (count == 2)
            return jz_error_set(err, JZ_EINPUT, NULL, s, "应为 %s 或 %s", names[0], names[1]);
        return jz_error_set(err, JZ_EINPUT, NULL, s, "取值不在允许的名称之中");
    }
    *out = k;
    return JZ_OK;
}

/* A value as given in a data file (see jz_params.h for the JSON forms). */
static jz_err value_from_json(const jz_param_def *d, const json_t *j, value *out, jz_error *err)
{
    char text[32];

    switch (d->type) {
    case JZ_PT_MONEY:
        if (json_is_string(j))
            return jz_money_parse(json_string_value(j), json_string_length(j), &out->i, err);
        if (json_is_integer(j)) {
            snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
            return jz_money_parse(text, strlen(text), &out->i, err);
        }
        if (json_is_real(j))
            return jz_money_from_double(json_real_value(j), &out->i, err);
        return json_error(err, JZ_EINPUT, j, "金额应为字符串（例如 \"520.00\"）或数字");
    case JZ_PT_INT:
        if (!json_is_integer(j))
            return json_error(err, JZ_EINPUT, j, "应为整数");
        out->i = json_integer_value(j);
        return check_int(d, out->i, err);
    case JZ_PT_RATIO:
        if (json_is_string(j))
            return parse_ratio(json_string_value(j), json_string_length(j), &out->r, err);
        if (json_is_integer(j)) {
            json_int_t v = json_integer_value(j);

            snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, v);
            if (v < 0)
                return jz_error_set(err, JZ_EINPUT, NULL, text, "比例不能为负数");
            return parse_ratio(text, strlen(text), &out->r, err);
        }
        if (json_is_real(j))
            return ratio_from_double(json_real_value(j), &out->r, err);
        return json_error(err, JZ_EINPUT, j, "比例应为字符串（例如 \"1.5\"）或数字");
    case JZ_PT_BOOL:
        if (!json_is_boolean(j))
            return json_error(err, JZ_EINPUT, j, "应为 true 或 false");
        out->i = json_is_true(j);
        return JZ_OK;
    case JZ_PT_ROUNDING:
    case JZ_PT_BASIS: {
        const char *const *names = d->type == JZ_PT_ROUNDING ? rounding_names : basis_names;
        int count = d->type == JZ_PT_ROUNDING ? JZ_ROUND_COUNT : JZ_BASIS_COUNT;

        if (!json_is_string(j))
            return json_error(err, JZ_EINPUT, j, "应为字符串");
        return enum_from_text(json_string_value(j), names, count, &out->i, err);
    }
    case JZ_PT_KINDS:
        return kinds_from_json(j, &out->i, err);
    }
    return jz_error_set(err, JZ_EINPUT, NULL, NULL, "参数类型未知");
}

/* A value as given on the command line (`--param NAME=VALUE`). */
static jz_err value_from_text(const jz_param_def *d, const char *s, value *out, jz_error *err)
{
    switch (d->type) {
    case JZ_PT_MONEY:
        return jz_money_parse(s, strlen(s), &out->i, err);
    case JZ_PT_INT:
        return parse_int_text(d, s, &out->i, err);
    case JZ_PT_RATIO:
        return parse_ratio(s, strlen(s), &out->r, err);
    case JZ_PT_BOOL: {
        static const char *const bool_names[2] = {"false", "true"};

        return enum_from_text(s, bool_names, 2, &out->i, err);
    }
    case JZ_PT_ROUNDING:
        return enum_from_text(s, rounding_names, JZ_ROUND_COUNT, &out->i, err);
    case JZ_PT_BASIS:
        return enum_from_text(s, basis_names, JZ_BASIS_COUNT, &out->i, err);
    case JZ_PT_KINDS:
        return kinds_from_text(s, &out->i, err);
    }
    return jz_error_set(err, JZ_EINPUT, NULL, NULL, "参数类型未知");
}

/* ------------------------------------------------------------- the set */

jz_paramset *jz_paramset_new(void)
{
    return calloc(1, sizeof(jz_paramset));
}

void jz_paramset_free(jz_paramset *ps)
{
    size_t i;

    if (ps == NULL)
        return;
    for (i = 0; i < JZ_P_COUNT; i++)
        free(ps->lists[i].v);
    for (i = 0; i < ps->n_files; i++)
        free(ps->files[i]);
    free(ps->files);
    free(ps);
}

jz_paramset *jz_paramset_copy(const jz_paramset *ps)
{
    jz_paramset *c = jz_paramset_new();
    if (!c || !ps)
        return c;
    memcpy(c->overridden, ps->overridden, sizeof c->overridden);
    memcpy(c->overrides, ps->overrides, sizeof c->overrides);
    for (size_t i = 0; i < JZ_P_COUNT; i++) {
        const entry_list *l = &ps->lists[i];
        if (!l->n)
            continue;
        if (!(c->lists[i].v = malloc(l->n * sizeof *l->v)))
            goto fail;
        memcpy(c->lists[i].v, l->v, l->n * sizeof *l->v);
        c->lists[i].n = c->lists[i].cap = l->n;
    }
    if (ps->n_files) {
        if (!(c->files = calloc(ps->n_files, sizeof *c->files)))
            goto fail;
        c->cap_files = ps->n_files;
        for (size_t i = 0; i < ps->n_files; i++, c->n_files++)
            if (!(c->files[i] = strdup(ps->files[i])))
                goto fail;
    }
    return c;
fail:
    jz_paramset_free(c);
    return NULL;
}

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->region, y->region);

    if (c != 0)
        return c;
    return (x->from > y->from) - (x->from < y->from);
}

static int cmp_staged(const void *a, const void *b)
{
    const staged *x = a, *y = b;
    int c;

    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    c = cmp_entry(&x->e, &y->e);
    if (c != 0)
        return c;
    return (x->e.index > y->e.index) - (x->e.index < y->e.index);
}

/* Index of the first entry of l whose region is not below region. */
static size_t region_start(const entry_list *l, const char *region)
{
    size_t lo = 0, hi = l->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(l->v[mid].region, region) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The entry of one region in force on date with the latest from, or NULL.
 * Entries of a region are sorted by from, so the last one in force wins. */
static const entry *in_force(const entry_list *l, const char *region, jz_date date)
{
    const entry *best = NULL;
    size_t i;

    for (i = region_start(l, region);
         i < l->n && strcmp(l->v[i].region, region) == 0 && l->v[i].from <= date; i++) {
        if (date < l->v[i].until)
            best = &l->v[i];
    }
    return best;
}

/* County, then city, then province: the most specific level with a value in
 * force decides, even when a less specific one has a later `from`. */
static const entry *resolve_entry(const jz_paramset *ps, int id, const char *county, jz_date date)
{
    static const size_t levels[] = {6, 4, 2};
    char region[7];
    const entry *e;
    size_t i;

    for (i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        memcpy(region, county, levels[i]);
        region[levels[i]] = '\0';
        e = in_force(&ps->lists[id], region, date);
        if (e != NULL)
            return e;
    }
    return NULL;
}

static const entry *find_exact(const entry_list *l, const char *region, jz_date from)
{
    size_t i;

    for (i = region_start(l, region); i < l->n && strcmp(l->v[i].region, region) == 0; i++) {
        if (l->v[i].from == from)
            return &l->v[i];
        if (l->v[i].from > from)
            break;
    }
    return NULL;
}

static bool digits_only(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (!is_digit(s[i]))
            return false;
    }
    return true;
}

/* ------------------------------------------------------------- loading */

static bool known_entry_key(const char *key)
{
    size_t i;

    for (i = 0; i < sizeof entry_keys / sizeof entry_keys[0]; i++) {
        if (strcmp(entry_keys[i], key) == 0)
            return true;
    }
    return false;
}

/* A string field of at most MAX_TEXT_BYTES; *out is NULL when an optional
 * field is absent. */
static jz_err text_field(const json_t *obj, const char *key, bool required, const char **out,
                         jz_error *err)
{
    const json_t *j = json_object_get(obj, key);

    *out = NULL;
    if (j == NULL) {
        if (required)
            return jz_error_set(err, JZ_EINPUT, NULL, NULL, "缺少必填字段 %s", key);
        return JZ_OK;
    }
    if (!json_is_string(j))
        return json_error(err, JZ_EINPUT, j, "应为字符串");
    if (json_string_length(j) > MAX_TEXT_BYTES)
        return jz_error_set(err, JZ_EINPUT, NULL, NULL, "文字过长（最多 %d 字节）", MAX_TEXT_BYTES);
    if (strlen(json_string_value(j)) != json_string_length(j))
        return jz_error_set(err, JZ_EINPUT, NULL, NULL, "字符串中不能含有 NUL 字符");
    *out = json_string_value(j);
    return JZ_OK;
}

static jz_err date_field(const json_t *obj, const char *key, bool required, jz_date *out,
                         jz_error *err)
{
    const char *s;
    jz_err rc = text_field(obj, key, required, &s, err);

    if (rc != JZ_OK || s == NULL)
        return rc;
    return jz_date_parse(s, strlen(s), out, err);
}

/* Reads params[index] of path into *out.  On error err names the field. */
static jz_err parse_entry(const json_t *obj, const char *path, size_t index, staged *out,
                          jz_error *err)
{
    const char *key, *name, *region, *source, *note;
    const json_t *j;
    json_t *v;
    const jz_param_def *d;
    size_t len;
    jz_err rc;

    memset(out, 0, sizeof *out);
    if (!json_is_object(obj)) {
        rc = json_error(err, JZ_EINPUT, obj, "每个参数取值应为 JSON 对象");
        locate(err, path, index, NULL);
        return rc;
    }
    json_object_foreach((json_t *)obj, key, v)
    {
        if (!known_entry_key(key)) {
            rc = jz_error_set(err, JZ_EINPUT, NULL, NULL,
                              "未知字段 %s（允许的字段：name、value、region、from、until、"
                              "source、reference、note）",
                              key);
            locate(err, path, index, key);
            return rc;
        }
    }

    rc = text_field(obj, "name", true, &name, err);
    if (rc != JZ_OK) {
        locate(err, path, index, "name");
        return rc;
    }
    out->id = jz_param_find(name);
    if (out->id < 0) {
        rc = jz_error_set(err, JZ_EINPUT, NULL, name,
                          "未知参数 %s；用 jiuzhu rules --params 查看全部参数", name);
        locate(err, path, index, "name");
        return rc;
    }
    d = &jz_param_defs[out->id];

    rc = text_field(obj, "region", true, &region, err);
    if (rc == JZ_OK) {
        len = strlen(region);
        if ((len == 2 || len == 4 || len == 6) && digits_only(region, len))
            memcpy(out->e.region, region, len + 1);
        else
            rc = jz_error_set(err, JZ_EINPUT, NULL, region,
                              "区划代码应为 2 位（省）、4 位（市）或 6 位（县）数字");
    }
    if (rc != JZ_OK) {
        locate(err, path, index, "region");
        return rc;
    }

    rc = date_field(obj, "from", true, &out->e.from, err);
    if (rc != JZ_OK) {
        locate(err, path, index, "from");
        return rc;
    }
    out->e.until = DATE_OPEN;
    rc = date_field(obj, "until", false, &out->e.until, err);
    if (rc == JZ_OK && out->e.until <= out->e.from) {
        char from[JZ_DATE_BUF], until[JZ_DATE_BUF];

        jz_date_format(out->e.from, from, sizeof from);
        jz_date_format(out->e.until, until, sizeof until);
        rc = jz_error_set(err, JZ_EINPUT, NULL, until, "until（不含当日）应晚于 from %s", from);
    }
    if (rc != JZ_OK) {
        locate(err, path, index, "until");
        return rc;
    }

    rc = text_field(obj, "source", true, &source, err);
    if (rc == JZ_OK && source[0] == '\0')
        rc = jz_error_set(err, JZ_EINPUT, NULL, NULL, "source 不能为空：须写明取值的出处");
    if (rc != JZ_OK) {
        locate(err, path, index, "source");
        return rc;
    }

    j = json_object_get(obj, "reference");
    if (j != NULL && !json_is_boolean(j)) {
        rc = json_error(err, JZ_EINPUT, j, "应为 true 或 false");
        locate(err, path, index, "reference");
        return rc;
    }
    out->e.reference = json_is_true(j);

    rc = text_field(obj, "note", false, &note, err);
    if (rc != JZ_OK) {
        locate(err, path, index, "note");
        return rc;
    }

    j = json_object_get(obj, "value");
    if (j == NULL)
        rc = jz_error_set(err, JZ_EINPUT, NULL, NULL, "缺少必填字段 value");
    else
        rc = value_from_json(d, j, &out->e.v, err);
    if (rc != JZ_OK) {
        locate(err, path, index, "value");
        return rc;
    }
    out->e.index = (uint32_t)index;
    return JZ_OK;
}

static jz_err duplicate_error(const char *path, const staged *s, const char *other_file,
                              uint32_t other_index, jz_error *err)
{
    char from[JZ_DATE_BUF], what[96];
    jz_err rc;

    jz_date_format(s->e.from, from, sizeof from);
    snprintf(what, sizeof what, "%s %s %s", jz_param_defs[s->id].name, s->e.region, from);
    rc = jz_error_set(err, JZ_EINPUT, NULL, what,
                      "重复的取值：同一参数、同一区划、同一 from 已见于 %s 的 params[%" PRIu32 "]",
                      other_file, other_index);
    locate(err, path, s->e.index, NULL);
    return rc;
}

/* Makes room for extra more entries in l (n unchanged). */
static bool reserve(entry_list *l, size_t extra)
{
    size_t cap;
    entry *v;

    if (l->cap - l->n >= extra)
        return true;
    cap = l->cap != 0 ? l->cap : 16;
    while (cap - l->n < extra)
        cap *= 2;
    v = realloc(l->v, cap * sizeof *v);
    if (v == NULL)
        return false;
    l->v = v;
    l->cap = cap;
    return true;
}

/* Reads the top level of a file into a staged array; *out is malloc'd. */
static jz_err parse_file(const json_t *root, const char *path, staged **out, size_t *n_out,
                         jz_error *err)
{
    const char *key, *text;
    const json_t *params;
    json_t *v;
    staged *st = NULL;
    size_t i, n;
    jz_err rc;

    *out = NULL;
    *n_out = 0;
    if (!json_is_object(root)) {
        rc = jz_error_set(err, JZ_EINPUT, NULL, NULL,
                          "参数文件应为 JSON 对象 {\"description\": ..., \"params\": [...]}");
        locate(err, path, SIZE_MAX, NULL);
        return rc;
    }
    json_object_foreach((json_t *)root, key, v)
    {
        if (strcmp(key, "description") != 0 && strcmp(key, "params") != 0) {
            rc = jz_error_set(err, JZ_EINPUT, NULL, NULL,
                              "未知字段 %s（顶层只允许 description 和 params）", key);
            locate(err, path, SIZE_MAX, key);
            return rc;
        }
    }
    rc = text_field(root, "description", false, &text, err);
    if (rc != JZ_OK) {
        locate(err, path, SIZE_MAX, "description");
        return rc;
    }
    params = json_object_get(root, "params");
    if (!json_is_array(params)) {
        rc = params == NULL ? jz_error_set(err, JZ_EINPUT, NULL, NULL, "缺少必填字段 params")
                            : json_error(err, JZ_EINPUT, params, "params 应为数组");
        locate(err, path, SIZE_MAX, "params");
        return rc;
    }
    n = json_array_size(params);
    if (n > UINT32_MAX) {
        rc = jz_error_set(err, JZ_EINPUT, NULL, NULL, "取值过多");
        locate(err, path, SIZE_MAX, "params");
        return rc;
    }
    if (n > 0) {
        st = malloc(n * sizeof *st);
        if (st == NULL)
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    for (i = 0; i < n; i++) {
        rc = parse_entry(json_array_get(params, i), path, i, &st[i], err);
        if (rc != JZ_OK) {
            free(st);
            return rc;
        }
    }
    *out = st;
    *n_out = n;
    return JZ_OK;
}

/* Refuses a (name, region, from) that is already in the set or twice in the
 * file.  The earlier files are checked first, in the file's order, so the
 * first offending entry is the one reported. */
static jz_err check_duplicates(const jz_paramset *ps, const char *path, staged *st, size_t n,
                               jz_error *err)
{
    const entry *old;
    size_t i;

    for (i = 0; i < n; i++) {
        old = find_exact(&ps->lists[st[i].id], st[i].e.region, st[i].e.from);
        if (old != NULL)
            return duplicate_error(path, &st[i], ps->files[old->file], old->index, err);
    }
    if (n > 1)
        qsort(st, n, sizeof *st, cmp_staged);
    for (i = 1; i < n; i++) {
        if (st[i].id == st[i - 1].id && cmp_entry(&st[i].e, &st[i - 1].e) == 0)
            return duplicate_error(path, &st[i], path, st[i - 1].e.index, err);
    }
    return JZ_OK;
}

/* Adds the staged entries of a checked file; the set is unchanged on error. */
static jz_err commit(jz_paramset *ps, const char *path, staged *st, size_t n, jz_error *err)
{
    size_t counts[JZ_P_COUNT] = {0};
    char *copy;
    size_t i, len;
    uint32_t file;

    for (i = 0; i < n; i++)
        counts[st[i].id]++;
    for (i = 0; i < JZ_P_COUNT; i++) {
        if (!reserve(&ps->lists[i], counts[i]))
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    }
    if (ps->n_files == ps->cap_files) {
        size_t cap = ps->cap_files != 0 ? ps->cap_files * 2 : 8;
        char **files = realloc(ps->files, cap * sizeof *files);

        if (files == NULL)
            return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
        ps->files = files;
        ps->cap_files = cap;
    }
    if (ps->n_files >= UINT32_MAX)
        return jz_error_set(err, JZ_ERANGE, NULL, NULL, "参数文件过多");
    len = strlen(path);
    copy = malloc(len + 1);
    if (copy == NULL)
        return jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
    memcpy(copy, path, len + 1);
    file = (uint32_t)ps->n_files;
    ps->files[ps->n_files++] = copy;

    for (i = 0; i < n; i++) {
        entry_list *l = &ps->lists[st[i].id];

        st[i].e.file = file;
        l->v[l->n++] = st[i].e;
    }
    for (i = 0; i < JZ_P_COUNT; i++) {
        if (counts[i] > 0)
            qsort(ps->lists[i].v, ps->lists[i].n, sizeof(entry), cmp_entry);
    }
    return JZ_OK;
}

jz_err jz_paramset_load_file(jz_paramset *ps, const char *path, jz_error *err)
{
    FILE *f = NULL;
    json_t *root = NULL;
    json_error_t je;
    staged *st = NULL;
    size_t n = 0;
    struct stat sb;
    jz_err rc;

    if (ps == NULL || path == NULL)
        return jz_error_set(err, JZ_EUSAGE, NULL, NULL, "未给出参数集或文件名");
    f = fopen(path, "rb");
    if (f == NULL) {
        rc = jz_error_set(err, errno == ENOENT ? JZ_ENOTFOUND : JZ_EIO, NULL, NULL,
                          "无法打开参数文件：%s", strerror(errno));
        set_source(err, path);
        goto done;
    }
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        rc = jz_error_set(err, JZ_EIO, NULL, NULL, "不是可读的普通文件");
        set_source(err, path);
        goto done;
    }
    if (sb.st_size > MAX_FILE_BYTES) {
        rc = jz_error_set(err, JZ_EINPUT, NULL, NULL, "参数文件过大（上限 %ld 字节）",
                          MAX_FILE_BYTES);
        set_source(err, path);
        goto done;
    }
    root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        rc = jz_error_set(err, JZ_EINPUT, NULL, NULL, "JSON 格式错误（第 %d 行第 %d 列）：%s",
                          je.line, je.column, je.text);
        set_source(err, path);
        if (err != NULL)
            err->line = je.line;
        goto done;
    }
    rc = parse_file(root, path, &st, &n, err);
    if (rc == JZ_OK)
        rc = check_duplicates(ps, path, st, n, err);
    if (rc == JZ_OK) {
        rc = commit(ps, path, st, n, err);
        if (rc != JZ_OK)
            set_source(err, path);
    }
done:
    free(st);
    json_decref(root);
    if (f != NULL)
        fclose(f);
    return rc;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_json_name(const char *name)
{
    size_t len = strlen(name);

    /* Hidden files (editor backups, ".x.json.swp") are not parameter files. */
    return name[0] != '.' && len > 5 && strcmp(name + len - 5, ".json") == 0;
}

jz_err jz_paramset_load_dir(jz_paramset *ps, const char *dir, jz_error *err)
{
    DIR *d;
    struct dirent *de;
    char **names = NULL, *path = NULL;
    size_t n = 0, cap = 0, i, dlen;
    jz_err rc = JZ_OK;

    if (ps == NULL || dir == NULL)
        return jz_error_set(err, JZ_EUSAGE, NULL, NULL, "未给出参数集或目录");
    d = opendir(dir);
    if (d == NULL) {
        rc = jz_error_set(err, errno == ENOENT ? JZ_ENOTFOUND : JZ_EIO, NULL, NULL,
                          "无法打开参数目录：%s", strerror(errno));
        set_source(err, dir);
        return rc;
    }
    while ((de = readdir(d)) != NULL) {
        size_t len;

        if (!is_json_name(de->d_name))
            continue;
        if (n == cap) {
            size_t ncap = cap != 0 ? cap * 2 : 16;
            char **nn = realloc(names, ncap * sizeof *nn);

            if (nn == NULL) {
                rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
                goto done;
            }
            names = nn;
            cap = ncap;
        }
        len = strlen(de->d_name);
        names[n] = malloc(len + 1);
        if (names[n] == NULL) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            goto done;
        }
        memcpy(names[n++], de->d_name, len + 1);
    }
    if (n == 0) {
        rc = jz_error_set(err, JZ_ENOTFOUND, NULL, NULL, "目录中没有 .json 参数文件");
        set_source(err, dir);
        goto done;
    }
    /* Name order, bytewise: "00-defaults.json" before "10-standards.json",
     * whatever order the file system lists them in. */
    qsort(names, n, sizeof *names, cmp_name);

    dlen = strlen(dir);
    while (dlen > 1 && dir[dlen - 1] == '/')
        dlen--;
    for (i = 0; i < n && rc == JZ_OK; i++) {
        size_t size = dlen + 1 + strlen(names[i]) + 1;

        free(path);
        path = malloc(size);
        if (path == NULL) {
            rc = jz_error_set(err, JZ_ENOMEM, NULL, NULL, "内存不足");
            break;
        }
        snprintf(path, size, "%.*s/%s", (int)dlen, dir, names[i]);
        rc = jz_paramset_load_file(ps, path, err);
    }
done:
    closedir(d);
    free(path);
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* ------------------------------------------------------------ overrides */

jz_err jz_paramset_override(jz_paramset *ps, const char *assignment, jz_error *err)
{
    char name[128];
    const char *eq;
    size_t len;
    value v;
    int id = -1;
    jz_err rc;

    if (ps == NULL || assignment == NULL)
        return jz_error_set(err, JZ_EUSAGE, "--param", NULL, "未给出参数");
    eq = strchr(assignment, '=');
    if (eq == NULL)
        return jz_error_set(err, JZ_EUSAGE, "--param", assignment,
                            "应为 NAME=VALUE 形式，例如 dibao.standard.rural=520");
    len = (size_t)(eq - assignment);
    if (len < sizeof name) {
        memcpy(name, assignment, len);
        name[len] = '\0';
        id = jz_param_find(name);
    }
    if (id < 0)
        return jz_error_setn(err, JZ_ENOTFOUND, "--param", assignment, len,
                             "未知参数 %.*s；用 jiuzhu rules --params 查看全部参数", (int)len,
                             assignment);
    memset(&v, 0, sizeof v);
    rc = value_from_text(&jz_param_defs[id], eq + 1, &v, err);
    if (rc != JZ_OK) {
        if (err != NULL)
            snprintf(err->field, sizeof err->field, "--param %.80s", name);
        return rc;
    }
    ps->overrides[id] = v;
    ps->overridden[id] = true;
    return JZ_OK;
}

/* ------------------------------------------------------------ resolving */

static void store(jz_policy *p, int id, const value *v)
{
    char *at = (char *)p + jz__param_slots[id].offset;

    switch (jz__param_slots[id].kind) {
    case JZ__SLOT_FEN: {
        jz_fen x = v->i;

        memcpy(at, &x, sizeof x);
        break;
    }
    case JZ__SLOT_INT: {
        int x = (int)v->i;

        memcpy(at, &x, sizeof x);
        break;
    }
    case JZ__SLOT_U8: {
        uint8_t x = (uint8_t)v->i;

        memcpy(at, &x, sizeof x);
        break;
    }
    case JZ__SLOT_BOOL: {
        bool x = v->i != 0;

        memcpy(at, &x, sizeof x);
        break;
    }
    case JZ__SLOT_RATIO:
        memcpy(at, &v->r, sizeof v->r);
        break;
    case JZ__SLOT_U32: {
        uint32_t x = (uint32_t)v->i;

        memcpy(at, &x, sizeof x);
        break;
    }
    case JZ__SLOT_NONE:
        break;
    }
}

static value load(const jz_policy *p, int id)
{
    const char *at = (const char *)p + jz__param_slots[id].offset;
    value v;

    memset(&v, 0, sizeof v);
    switch (jz__param_slots[id].kind) {
    case JZ__SLOT_FEN: {
        jz_fen x;

        memcpy(&x, at, sizeof x);
        v.i = x;
        break;
    }
    case JZ__SLOT_INT: {
        int x;

        memcpy(&x, at, sizeof x);
        v.i = x;
        break;
    }
    case JZ__SLOT_U8: {
        uint8_t x;

        memcpy(&x, at, sizeof x);
        v.i = x;
        break;
    }
    case JZ__SLOT_BOOL: {
        bool x;

        memcpy(&x, at, sizeof x);
        v.i = x;
        break;
    }
    case JZ__SLOT_RATIO:
        memcpy(&v.r, at, sizeof v.r);
        break;
    case JZ__SLOT_U32: {
        uint32_t x;

        memcpy(&x, at, sizeof x);
        v.i = x;
        break;
    }
    case JZ__SLOT_NONE:
        break;
    }
    return v;
}

static bool valid_county(const char *county)
{
    return county != NULL && strlen(county) == 6 && digits_only(county, 6);
}

jz_err jz_policy_resolve(const jz_paramset *ps, const char *county, jz_date date, jz_policy *out,
                         jz_error *err)
{
    return jz_policy_resolve_some(ps, county, date, 0, JZ_P_COUNT, out, err);
}

jz_err jz_policy_resolve_some(const jz_paramset *ps, const char *county, jz_date date, int first,
                              int last, jz_policy *out, jz_error *err)
{
    const entry *e;
    int id;

    if (ps == NULL || out == NULL)
        return jz_error_set(err, JZ_EUSAGE, NULL, NULL, "未给出参数集");
    if (!valid_county(county))
        return jz_error_set(err, JZ_EINPUT, "county", county != NULL ? county : "",
                            "县级区划代码应为 6 位数字");
    memset(out, 0, sizeof *out);
    memcpy(out->county, county, 7);
    out->date = date;
    if (first < 0 || last > JZ_P_COUNT || first > last)
        return jz_error_set(err, JZ_EUSAGE, NULL, NULL, "参数范围无效");
    for (id = first; id < last; id++) {
        if (ps->overridden[id]) {
            store(out, id, &ps->overrides[id]);
            continue;
        }
        e = resolve_entry(ps, id, county, date);
        if (e == NULL) {
            char day[JZ_DATE_BUF];

            jz_date_format(date, day, sizeof day);
            return jz_error_set(err, JZ_ENOTFOUND, jz_param_defs[id].name, county,
                                "参数 %s 在 %s 于 %s 没有生效的取值", jz_param_defs[id].name,
                                county, day);
        }
        store(out, id, &e->v);
    }
    /* No disability category "none" qualifies for 特困 (R-TK-2). */
    out->tk_max_grade[JZ_DIS_NONE] = 0;
    return JZ_OK;
}

void jz_policy_provenance(const jz_paramset *ps, const char *county, jz_date date, jz_param_id id,
                          char *buf, size_t n)
{
    char from[JZ_DATE_BUF], until[JZ_DATE_BUF + 7] = "";
    const entry *e;

    if (buf == NULL || n == 0)
        return;
    buf[0] = '\0';
    if (ps == NULL || (int)id < 0 || id >= JZ_P_COUNT)
        return;
    if (ps->overridden[id]) {
        snprintf(buf, n, "--param");
        return;
    }
    e = valid_county(county) ? resolve_entry(ps, id, county, date) : NULL;
    if (e == NULL) {
        snprintf(buf, n, "无生效取值");
        return;
    }
    jz_date_format(e->from, from, sizeof from);
    if (e->until != DATE_OPEN) {
        memcpy(until, " until ", 7);
        jz_date_format(e->until, until + 7, sizeof until - 7);
    }
    snprintf(buf, n, "%s %s from %s%s%s", ps->files[e->file], e->region, from, until,
             e->reference ? " (参考值)" : "");
}

/* Shortest decimal text of num/10^k: 15/10 is "1.5", 2/1 is "2". */
static void format_ratio(jz_ratio r, char *buf, size_t n)
{
    int64_t den = r.den;
    int k = 0;
    char frac[24];
    int flen;

    while (den > 1 && den % 10 == 0) {
        den /= 10;
        k++;
    }
    if (den != 1 || r.num < 0) {
        /* Not a decimal ratio (never produced by this module). */
        snprintf(buf, n, "%" PRId64 "/%" PRId64, r.num, r.den);
        return;
    }
    if (k == 0) {
        snprintf(buf, n, "%" PRId64, r.num);
        return;
    }
    flen = snprintf(frac, sizeof frac, "%0*" PRId64, k, r.num % r.den);
    while (flen > 0 && frac[flen - 1] == '0')
        frac[--flen] = '\0';
    if (flen == 0)
        snprintf(buf, n, "%" PRId64, r.num / r.den);
    else
        snprintf(buf, n, "%" PRId64 ".%s", r.num / r.den, frac);
}

static void format_kinds(uint32_t mask, char *buf, size_t n)
{
    size_t used = 0;
    int k, w;
    bool first = true;

    w = snprintf(buf, n, "[");
    used = (size_t)w;
    for (k = 0; k < JZ_INC_COUNT && used < n; k++) {
        if (!(mask & (UINT32_C(1) << k)))
            continue;
        w = snprintf(buf + used, n - used, "%s\"%s\"", first ? "" : ",", jz_income_kind_names[k]);
        if (w < 0)
            return;
        used += (size_t)w;
        first = false;
    }
    if (used < n)
        snprintf(buf + used, n - used, "]");
}

void jz_policy_format_value(const jz_policy *p, jz_param_id id, char *buf, size_t n)
{
    char money[JZ_MONEY_BUF];
    value v;

    if (buf == NULL || n == 0)
        return;
    buf[0] = '\0';
    if (p == NULL || (int)id < 0 || id >= JZ_P_COUNT)
        return;
    v = load(p, id);
    switch (jz_param_defs[id].type) {
    case JZ_PT_MONEY:
        jz_money_format(v.i, money, sizeof money);
        snprintf(buf, n, "%s", money);
        break;
    case JZ_PT_INT:
        snprintf(buf, n, "%" PRId64, v.i);
        break;
    case JZ_PT_RATIO:
        format_ratio(v.r, buf, n);
        break;
    case JZ_PT_BOOL:
        snprintf(buf, n, "%s", v.i ? "true" : "false");
        break;
    case JZ_PT_ROUNDING:
        snprintf(buf, n, "%s", v.i >= 0 && v.i < JZ_ROUND_COUNT ? rounding_names[v.i] : "?");
        break;
    case JZ_PT_BASIS:
        snprintf(buf, n, "%s", v.i >= 0 && v.i < JZ_BASIS_COUNT ? basis_names[v.i] : "?");
        break;
    case JZ_PT_KINDS:
        format_kinds((uint32_t)v.i, buf, n);
        break;
    }
}

jz_err jz_policy_set(jz_policy *p, const char *name, const char *text, jz_error *err)
{
    int id = name != NULL ? jz_param_find(name) : -1;
    value v;
    jz_err rc;

    if (id < 0)
        return jz_error_set(err, JZ_ENOTFOUND, name, NULL,
                            "未知参数；用 jiuzhu rules --params 查看全部参数");
    memset(&v, 0, sizeof v);
    rc = value_from_text(&jz_param_defs[id], text != NULL ? text : "", &v, err);
    if (rc != JZ_OK) {
        if (err != NULL)
            snprintf(err->field, sizeof err->field, "%s", name);
        return rc;
    }
    store(p, id, &v);
    return JZ_OK;
}
