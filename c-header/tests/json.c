/* A small recursive-descent JSON reader (see json.h). */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *p;
    const char *end;
    int depth;
} reader;

static int parse_value(reader *r, json *out);
static void free_members(json *v);

static void skip_ws(reader *r) {
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t')) r->p++;
}

static int fail(reader *r, const char *what) {
    fprintf(stderr, "json: %s at byte %ld\n", what, (long)(r->end - r->p));
    return 0;
}

static void put_utf8(char *buf, size_t *n, unsigned long cp) {
    if (cp < 0x80) {
        buf[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        buf[(*n)++] = (char)(0xC0 | (cp >> 6));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        buf[(*n)++] = (char)(0xE0 | (cp >> 12));
        buf[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        buf[(*n)++] = (char)(0xF0 | (cp >> 18));
        buf[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        buf[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

static int hex4(reader *r, unsigned long *cp) {
    *cp = 0;
    for (int i = 0; i < 4; i++) {
        if (r->p >= r->end) return 0;
        char c = *r->p++;
        *cp <<= 4;
        if (c >= '0' && c <= '9') *cp |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f') *cp |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') *cp |= (unsigned long)(c - 'A' + 10);
        else return 0;
    }
    return 1;
}

/* After the opening quote; the decoded text is never longer than the source. */
static int parse_string(reader *r, char **out, size_t *out_len) {
    const char *start = r->p;
    char *buf = malloc((size_t)(r->end - start) + 1);
    size_t n = 0;
    if (!buf) return fail(r, "out of memory");
    while (r->p < r->end && *r->p != '"') {
        char c = *r->p++;
        if (c != '\\') {
            buf[n++] = c;
            continue;
        }
        if (r->p >= r->end) break;
        c = *r->p++;
        switch (c) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case '/': buf[n++] = '/'; break;
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case 'u': {
            unsigned long cp, lo;
            if (!hex4(r, &cp)) goto bad;
            if (cp >= 0xD800 && cp < 0xDC00) {
                if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u') goto bad;
                r->p += 2;
                if (!hex4(r, &lo) || lo < 0xDC00 || lo > 0xDFFF) goto bad;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            put_utf8(buf, &n, cp);
            break;
        }
        default:
            goto bad;
        }
    }
    if (r->p >= r->end) goto bad;
    r->p++; /* closing quote */
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return 1;
bad:
    free(buf);
    return fail(r, "bad string");
}

static int push(json **items, size_t *n, size_t *cap, json *v) {
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        json *grown = realloc(*items, c * sizeof(json));
        if (!grown) return 0;
        *items = grown;
        *cap = c;
    }
    (*items)[(*n)++] = *v;
    return 1;
}

static int parse_container(reader *r, json *out, int object) {
    size_t cap = 0, kcap = 0;
    char close = object ? '}' : ']';
    out->type = object ? JSON_OBJECT : JSON_ARRAY;
    if (++r->depth > 64) return fail(r, "too deep");
    skip_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        r->depth--;
        return 1;
    }
    for (;;) {
        json v;
        char *key = NULL;
        size_t key_len;
        memset(&v, 0, sizeof v);
        skip_ws(r);
        if (object) {
            if (r->p >= r->end || *r->p != '"') return fail(r, "expected a key");
            r->p++;
            if (!parse_string(r, &key, &key_len)) return 0;
            skip_ws(r);
            if (r->p >= r->end || *r->p != ':') {
                free(key);
                return fail(r, "expected ':'");
            }
            r->p++;
            if (out->length == kcap) {
                kcap = kcap ? kcap * 2 : 8;
                char **grown = realloc(out->keys, kcap * sizeof(char *));
                if (!grown) {
                    free(key);
                    return fail(r, "out of memory");
                }
                out->keys = grown;
            }
            out->keys[out->length] = key;
        }
        if (!parse_value(r, &v) || !push(&out->items, &out->length, &cap, &v)) {
            free_members(&v);
            if (object) free(key);
            return 0;
        }
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            r->depth--;
            return 1;
        }
        return fail(r, "expected ',' or a closing bracket");
    }
}

static int parse_value(reader *r, json *out) {
    skip_ws(r);
    if (r->p >= r->end) return fail(r, "unexpected end");
    char c = *r->p;
    if (c == '{' || c == '[') {
        r->p++;
        return parse_container(r, out, c == '{');
    }
    if (c == '"') {
        r->p++;
        out->type = JSON_STRING;
        return parse_string(r, &out->string, &out->length);
    }
    if (r->end - r->p >= 4 && !strncmp(r->p, "true", 4)) {
        r->p += 4;
        out->type = JSON_BOOL;
        out->boolean = 1;
        return 1;
    }
    if (r->end - r->p >= 5 && !strncmp(r->p, "false", 5)) {
        r->p += 5;
        out->type = JSON_BOOL;
        return 1;
    }
    if (r->end - r->p >= 4 && !strncmp(r->p, "null", 4)) {
        r->p += 4;
        out->type = JSON_NULL;
        return 1;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        char tmp[64];
        size_t n = 0;
        while (r->p < r->end && n < sizeof tmp - 1 && strchr("+-0123456789.eE", *r->p)) tmp[n++] = *r->p++;
        tmp[n] = '\0';
        out->type = JSON_NUMBER;
        out->number = strtod(tmp, NULL);
        return 1;
    }
    return fail(r, "unexpected character");
}

static void free_members(json *v) {
    if (v->type == JSON_STRING) free(v->string);
    if (v->type == JSON_ARRAY || v->type == JSON_OBJECT) {
        for (size_t i = 0; i < v->length; i++) {
            free_members(&v->items[i]);
            if (v->type == JSON_OBJECT) free(v->keys[i]);
        }
        free(v->items);
        free(v->keys);
    }
}

json *json_parse(const char *text, size_t len) {
    reader r = {text, text + len, 0};
    json *root = calloc(1, sizeof(json));
    if (!root) return NULL;
    if (!parse_value(&r, root)) {
        free_members(root);
        free(root);
        return NULL;
    }
    skip_ws(&r);
    if (r.p != r.end) {
        fail(&r, "trailing data");
        free_members(root);
        free(root);
        return NULL;
    }
    return root;
}

void json_free(json *value) {
    if (!value) return;
    free_members(value);
    free(value);
}

const json *json_get(const json *object, const char *key) {
    if (!object || object->type != JSON_OBJECT) return NULL;
    for (size_t i = 0; i < object->length; i++)
        if (!strcmp(object->keys[i], key)) return &object->items[i];
    return NULL;
}

const char *json_str(const json *object, const char *key) {
    const json *v = json_get(object, key);
    return v && v->type == JSON_STRING ? v->string : NULL;
}

int json_equal(const json *a, const json *b) {
    static const json null_value = {JSON_NULL, 0, 0, NULL, 0, NULL, NULL};
    if (!a) a = &null_value;
    if (!b) b = &null_value;
    if (a->type != b->type) return 0;
    switch (a->type) {
    case JSON_NULL: return 1;
    case JSON_BOOL: return !a->boolean == !b->boolean;
    case JSON_NUMBER: return a->number == b->number;
    case JSON_STRING: return a->length == b->length && !memcmp(a->string, b->string, a->length);
    case JSON_ARRAY:
        if (a->length != b->length) return 0;
        for (size_t i = 0; i < a->length; i++)
            if (!json_equal(&a->items[i], &b->items[i])) return 0;
        return 1;
    case JSON_OBJECT:
        if (a->length != b->length) return 0;
        for (size_t i = 0; i < a->length; i++) {
            const json *other = json_get(b, a->keys[i]);
            if (!other || !json_equal(&a->items[i], other)) return 0;
        }
        return 1;
    }
    return 0;
}

char *json_quote(const char *s) {
    size_t n = 0;
    char *out = malloc(strlen(s) * 6 + 3);
    if (!out) return NULL;
    out[n++] = '"';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c == '\n') {
            out[n++] = '\\';
            out[n++] = 'n';
        } else if (c < 0x20) {
            n += (size_t)sprintf(out + n, "\\u%04x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n++] = '"';
    out[n] = '\0';
    return out;
}
