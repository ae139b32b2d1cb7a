#define _DEFAULT_SOURCE /* timegm */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int test_failures = 0;
int test_checks = 0;

void check(int ok, const char *fmt, ...) {
    test_checks++;
    if (ok) return;
    test_failures++;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

int str_eq(const char *a, const char *b) {
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "out of memory reading %s\n", path);
        exit(2);
    }
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

char *read_rel(const char *dir, const char *rel, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return read_file(path, len);
}

json *load_json(const char *path) {
    size_t len;
    char *text = read_file(path, &len);
    json *doc = json_parse(text, len);
    free(text);
    if (!doc) {
        fprintf(stderr, "%s: not valid JSON\n", path);
        exit(2);
    }
    return doc;
}

static int nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

uint8_t *hex_decode(const char *hex, size_t *len) {
    size_t n = hex ? strlen(hex) / 2 : 0;
    uint8_t *out = malloc(n + 1);
    if (!out) exit(2);
    for (size_t i = 0; i < n; i++) out[i] = (uint8_t)(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
    *len = n;
    return out;
}

acp_kv *kv_of(const json *object, size_t *n) {
    size_t count = object ? object->length : 0;
    acp_kv *kv = calloc(count + 1, sizeof(acp_kv));
    size_t k = 0;
    if (!kv) exit(2);
    for (size_t i = 0; i < count; i++) {
        if (object->items[i].type != JSON_STRING) continue;
        kv[k].key = object->keys[i];
        kv[k].value = object->items[i].string;
        k++;
    }
    *n = k;
    return kv;
}

int fields_equal(const acp_fields *fields, const json *object) {
    if (!fields || !object || object->type != JSON_OBJECT) return 0;
    if (acp_fields_len(fields) != object->length) {
        fprintf(stderr, "  %zu fields, expected %zu\n", acp_fields_len(fields), object->length);
        return 0;
    }
    for (size_t i = 0; i < object->length; i++) {
        const char *got = acp_fields_get(fields, object->keys[i]);
        if (object->items[i].type != JSON_STRING || !str_eq(got, object->items[i].string)) {
            fprintf(stderr, "  field %s: got %s\n", object->keys[i], got ? got : "(absent)");
            return 0;
        }
    }
    return 1;
}

int64_t unix_of(const char *rfc3339) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!rfc3339 || sscanf(rfc3339, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                           &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
        fprintf(stderr, "bad time %s\n", rfc3339 ? rfc3339 : "(null)");
        exit(2);
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm);
}

const char *last_error(void) {
    static char buf[4096];
    size_t written;
    if (acp_last_error_message(buf, sizeof buf, &written) != ACP_RESULT_OK) return "(message too long)";
    return buf;
}

int finish(const char *name) {
    printf("%s: %d checks, %d failed\n", name, test_checks, test_failures);
    return test_failures ? 1 : 0;
}

char *sandbox_settings(const char *base_url, const char *tests_dir, int with_enc) {
    char *root = read_rel(tests_dir, "fixtures/sandbox/root.pem", NULL);
    char *middle = read_rel(tests_dir, "fixtures/sandbox/middle.pem", NULL);
    char *enc = with_enc ? read_rel(tests_dir, "fixtures/sandbox/enc.pem", NULL) : NULL;
    char *url = json_quote(base_url), *r = json_quote(root), *m = json_quote(middle);
    char *e = enc ? json_quote(enc) : NULL;
    if (!url || !r || !m || (enc && !e)) exit(2);
    size_t cap = strlen(url) + strlen(r) + strlen(m) + (e ? strlen(e) : 4) + 256;
    char *out = malloc(cap);
    if (!out) exit(2);
    snprintf(out, cap,
             "{\"merId\": \"777290058110097\", \"environment\": {\"baseUrl\": %s}, "
             "\"trust\": {\"roots\": [%s], \"middles\": [%s]}, \"encryptionCert\": %s}",
             url, r, m, e ? e : "null");
    free(root);
    free(middle);
    free(enc);
    free(url);
    free(r);
    free(m);
    free(e);
    return out;
}
