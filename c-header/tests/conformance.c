/* The C runner of the shared conformance scenarios (tests/conformance/README.md is the
 * contract every runner follows), through the public C API only, against
 * `acp sandbox --port 0 --notify-speed 1200`; `until_final` is the example loop
 * (examples/query_until_final.c) with the sandbox's clock as the host's clock and sleep.
 * Prints `conformance c: N passed, M failed`; exits 1 when a scenario failed.
 * Usage: conformance ACP_BINARY TESTS_DIR. */
#define _DEFAULT_SOURCE /* strdup, nanosleep */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "query_until_final.h"
#include "util.h"

#define FORM "application/x-www-form-urlencoded;charset=UTF-8"
#define MAX_VARS 64
#define MAX_KEPT 32

/* What a step kept under its `as`. */
typedef struct {
    char *name;
    acp_request *request;
    acp_step *step; /* call: the step; until_final consumes it */
} kept;

typedef struct {
    const char *base;
    const char *tests;
    acp_client *client;
    char *names[MAX_VARS];
    char *values[MAX_VARS];
    size_t nvars;
    kept kept[MAX_KEPT];
    size_t nkept;
    char tag[32];
    char err[2048];
    int timeout_ms;   /* of the next POST */
    int64_t last_now; /* the host's last `now`: what the client planned with */
} run;

/* Records why the step failed; returns -1. */
static int fail(run *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    return -1;
}

static char *dup_or_die(const char *s) {
    char *d = strdup(s);
    if (!d) exit(2);
    return d;
}

/* --- the sandbox -------------------------------------------------------------------- */

static json *get_json(run *r, const char *path) {
    char url[512], *body = NULL;
    size_t len = 0;
    snprintf(url, sizeof url, "%s%s", r->base, path);
    int status = http_request("GET", url, NULL, NULL, 0, &body, &len);
    json *v = status == 200 ? json_parse(body, len) : NULL;
    free(body);
    return v;
}

static int admin(run *r, const char *path, const char *form) {
    char url[512], *body = NULL;
    size_t len = 0;
    snprintf(url, sizeof url, "%s%s", r->base, path);
    int status = http_request("POST", url, FORM, form, strlen(form), &body, &len);
    int rc = status == 200 ? 0 : fail(r, "%s: HTTP %d %s", path, status, body ? body : "");
    free(body);
    return rc;
}

static int64_t sandbox_now(run *r) {
    json *clock = get_json(r, "/_sandbox/clock");
    const json *unix_seconds = json_get(clock, "unix");
    int64_t now = unix_seconds ? (int64_t)unix_seconds->number : 0;
    json_free(clock);
    return now;
}

/* --- the host of the example loop: this HTTP client, the sandbox's clock ---------------- */

static int host_post(void *ctx, const char *url, const char *body, char **answer, size_t *len) {
    run *r = ctx;
    return http_request_timeout("POST", url, FORM, body, strlen(body), answer, len, r->timeout_ms);
}

static int64_t host_now(void *ctx) {
    run *r = ctx;
    return r->last_now = sandbox_now(r);
}

/* A wait advances the sandbox's clock instead of sleeping. */
static void host_sleep(void *ctx, int64_t seconds) {
    char form[64];
    snprintf(form, sizeof form, "advance=%lld", (long long)seconds);
    admin(ctx, "/_sandbox/clock", form);
}

static host_io host_of(run *r) {
    host_io h = {host_post, host_now, host_sleep, r};
    return h;
}

/* --- ${…} ----------------------------------------------------------------------------- */

static const char *var(run *r, const char *name) {
    for (size_t i = 0; i < r->nvars; i++)
        if (!strcmp(r->names[i], name)) return r->values[i];
    return NULL;
}

static void set_var(run *r, const char *name, const char *value) {
    for (size_t i = 0; i < r->nvars; i++)
        if (!strcmp(r->names[i], name)) {
            free(r->values[i]);
            r->values[i] = dup_or_die(value);
            return;
        }
    if (r->nvars == MAX_VARS) exit(2);
    r->names[r->nvars] = dup_or_die(name);
    r->values[r->nvars++] = dup_or_die(value);
}

/* The value of `${name}` (malloc'd), or NULL after fail(). */
static char *value_of(run *r, const char *name) {
    char buf[64];
    if (!strncmp(name, "order:", 6)) {
        if (!var(r, name)) {
            snprintf(buf, sizeof buf, "%s%04zu", r->tag, r->nvars);
            set_var(r, name, buf);
        }
        return dup_or_die(var(r, name));
    }
    if (!strcmp(name, "backUrl")) {
        char *url = malloc(strlen(r->base) + 32);
        if (!url) exit(2);
        sprintf(url, "%s/_sandbox/sink", r->base);
        return url;
    }
    if (!strcmp(name, "settleDate")) {
        json *clock = get_json(r, "/_sandbox/clock");
        const char *date = json_str(clock, "clearingDate");
        size_t n = date ? strlen(date) : 0;
        char *out = dup_or_die(date && n >= 4 ? date + n - 4 : (date ? date : ""));
        json_free(clock);
        return out;
    }
    if (var(r, name)) return dup_or_die(var(r, name));
    fail(r, "${%s} was never saved", name);
    return NULL;
}

/* Appends `len` bytes of `s` to the malloc'd *out of length *n. */
static void append(char **out, size_t *n, const char *s, size_t len) {
    char *grown = realloc(*out, *n + len + 1);
    if (!grown) exit(2);
    memcpy(grown + *n, s, len);
    *n += len;
    grown[*n] = '\0';
    *out = grown;
}

/* `text` with every ${…} replaced (malloc'd), or NULL after fail(). */
static char *subst(run *r, const char *text) {
    char *out = NULL;
    size_t n = 0;
    const char *rest = text;
    append(&out, &n, "", 0);
    for (const char *start; (start = strstr(rest, "${"));) {
        const char *end = strchr(start, '}');
        append(&out, &n, rest, (size_t)(start - rest));
        if (!end) {
            free(out);
            fail(r, "unclosed ${ in %s", text);
            return NULL;
        }
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(end - start - 2), start + 2);
        char *value = value_of(r, name);
        if (!value) {
            free(out);
            return NULL;
        }
        append(&out, &n, value, strlen(value));
        free(value);
        rest = end + 1;
    }
    append(&out, &n, rest, strlen(rest));
    return out;
}

/* The step's `params` as key/value pairs with ${…} replaced; *values are freed with
 * free_params. NULL after fail(). */
static acp_kv *params_of(run *r, const json *params, size_t *n) {
    size_t count = params ? params->length : 0;
    acp_kv *kv = calloc(count + 1, sizeof(acp_kv));
    if (!kv) exit(2);
    for (*n = 0; *n < count; (*n)++) {
        kv[*n].key = params->keys[*n];
        kv[*n].value = subst(r, params->items[*n].type == JSON_STRING ? params->items[*n].string : "");
        if (!kv[*n].value) {
            for (size_t i = 0; i < *n; i++) free((char *)kv[i].value);
            free(kv);
            return NULL;
        }
    }
    return kv;
}

static void free_params(acp_kv *kv, size_t n) {
    for (size_t i = 0; kv && i < n; i++) free((char *)kv[i].value);
    free(kv);
}

/* --- expectations ----------------------------------------------------------------------- */

static int expect_eq(run *r, const json *expect, const char *key, const json *got) {
    const json *want = json_get(expect, key);
    if (!want || json_equal(want, got)) return 0;
    char w[64] = "", g[64] = "";
    if (want->type == JSON_STRING) snprintf(w, sizeof w, "\"%s\"", want->string);
    else if (want->type == JSON_NUMBER) snprintf(w, sizeof w, "%g", want->number);
    else snprintf(w, sizeof w, "%s", want->type == JSON_NULL ? "null" : want->boolean ? "true" : "false");
    if (!got || got->type == JSON_NULL) snprintf(g, sizeof g, "null");
    else if (got->type == JSON_STRING) snprintf(g, sizeof g, "\"%s\"", got->string);
    else if (got->type == JSON_NUMBER) snprintf(g, sizeof g, "%g", got->number);
    else if (got->type == JSON_BOOL) snprintf(g, sizeof g, "%s", got->boolean ? "true" : "false");
    else snprintf(g, sizeof g, "(a JSON container)");
    return fail(r, "%s: expected %s, got %s", key, w, g);
}

static int check_error(run *r, const json *expect, acp_result rc) {
    const json *want = json_get(expect, "error");
    if (want && want->type == JSON_NUMBER && (acp_result)want->number == rc) return 0;
    return fail(r, "unexpected error %s", last_error());
}

static int check_error_absent(run *r, const json *expect) {
    const json *want = json_get(expect, "error");
    return want ? fail(r, "expected error %g, the step succeeded", want->number) : 0;
}

/* The outcome as the library's JSON (NULL for none). */
static json *outcome_json(const acp_outcome *o) {
    char *text = NULL;
    if (!o || acp_outcome_json(o, &text) != ACP_RESULT_OK) return NULL;
    json *v = json_parse(text, strlen(text));
    acp_string_free(text);
    return v;
}

static int check_outcome(run *r, const json *expect, const acp_outcome *o) {
    json *v = outcome_json(o);
    int rc = check_error_absent(r, expect);
    if (!rc) rc = expect_eq(r, expect, "outcome", json_get(v, "name"));
    if (!rc) rc = expect_eq(r, expect, "decisiveCode", json_get(v, "decisiveCode"));
    if (!rc) rc = expect_eq(r, expect, "pendingReason", json_get(v, "pendingReason"));
    json_free(v);
    return rc;
}

static int check_step(run *r, const json *expect, const acp_step *step, int64_t now) {
    if (check_outcome(r, expect, acp_step_outcome(step))) return -1;
    char *text = NULL;
    if (acp_step_json(step, &text) != ACP_RESULT_OK) return fail(r, "step JSON: %s", last_error());
    json *v = json_parse(text, strlen(text));
    acp_string_free(text);
    int rc = expect_eq(r, expect, "step", json_get(v, "step"));
    if (!rc) rc = expect_eq(r, expect, "reason", json_get(v, "reason"));
    const json *at = json_get(v, "at");
    if (!rc && at && at->type == JSON_NUMBER) {
        json after = {JSON_NUMBER, 0, (double)((int64_t)at->number - now), NULL, 0, NULL, NULL};
        rc = expect_eq(r, expect, "queryAfter", &after);
    } else if (!rc && json_get(expect, "queryAfter")) {
        rc = fail(r, "expected a query, there is none");
    }
    json_free(v);
    return rc;
}

/* --- saving ---------------------------------------------------------------------------- */

static int save_request(run *r, const json *step, const acp_request *req) {
    const json *save = json_get(step, "save");
    for (size_t i = 0; save && i < save->length; i++) {
        const char *path = save->items[i].string ? save->items[i].string : "", *key;
        if (!strcmp(path, "request.orderId")) key = "orderId";
        else if (!strcmp(path, "request.txnTime")) key = "txnTime";
        else if (!strncmp(path, "request.fields.", 15)) key = path + 15;
        else continue;
        const char *value = acp_fields_get(acp_request_fields(req), key);
        if (!value) return fail(r, "the request has no %s", path);
        set_var(r, save->keys[i], value);
    }
    return 0;
}

static int save_outcome(run *r, const json *step, const acp_outcome *o) {
    const json *save = json_get(step, "save");
    for (size_t i = 0; save && i < save->length; i++) {
        const char *path = save->items[i].string ? save->items[i].string : "";
        acp_fields *tpd = NULL;
        const char *value = NULL;
        if (!strcmp(path, "token")) {
            if (o && acp_fields_nested(acp_outcome_fields(o), "tokenPayData", &tpd) == ACP_RESULT_OK)
                value = acp_fields_get(tpd, "token");
        } else if (!strncmp(path, "response.", 9)) {
            value = o ? acp_fields_get(acp_outcome_fields(o), path + 9) : NULL;
        } else {
            continue;
        }
        if (value) set_var(r, save->keys[i], value);
        acp_fields_free(tpd);
        if (!value) return fail(r, "the outcome has no %s", path);
    }
    return 0;
}

static kept *find_kept(run *r, const char *name) {
    for (size_t i = 0; i < r->nkept; i++)
        if (!strcmp(r->kept[i].name, name)) return &r->kept[i];
    return NULL;
}

static void keep(run *r, const char *name, acp_request *req, acp_step *step) {
    kept *k = find_kept(r, name);
    if (!k) {
        if (r->nkept == MAX_KEPT) exit(2);
        k = &r->kept[r->nkept++];
        k->name = dup_or_die(name);
    } else {
        acp_request_free(k->request);
        acp_step_free(k->step);
    }
    k->request = req;
    k->step = step;
}

/* --- the steps --------------------------------------------------------------------------- */

static int call_or_build(run *r, const json *step, const json *expect, const char *name) {
    size_t n = 0;
    acp_kv *kv = params_of(r, json_get(step, "params"), &n);
    if (!kv) return -1;
    acp_request *req = NULL;
    const char *api = json_str(step, "api");
    acp_result rc = acp_client_build(r->client, api ? api : "", kv, n, sandbox_now(r), &req);
    free_params(kv, n);
    if (rc != ACP_RESULT_OK) return check_error(r, expect, rc);
    if (save_request(r, step, req)) {
        acp_request_free(req);
        return -1;
    }
    if (!strcmp(json_str(step, "do"), "build")) {
        keep(r, name, req, NULL);
        return check_error_absent(r, expect);
    }
    const json *timeout = json_get(step, "timeoutMs");
    r->timeout_ms = timeout ? (int)timeout->number : 5000;
    host_io host = host_of(r);
    acp_step *next = NULL;
    rc = send_request(r->client, req, &host, &next);
    r->timeout_ms = 5000;
    if (rc != ACP_RESULT_OK) {
        acp_request_free(req);
        return check_error(r, expect, rc);
    }
    keep(r, name, req, next);
    /* queryAfter counts from the `now` the step was planned with (the sandbox's, read by
     * send_request): under valgrind a later reading can be a second on. */
    if (check_step(r, expect, next, r->last_now)) return -1;
    return save_outcome(r, step, acp_step_outcome(next));
}

static int until_final(run *r, const json *step, const json *expect, const char *name) {
    const char *from = json_str(step, "from");
    kept *k = find_kept(r, from ? from : "");
    if (!k || !k->step) return fail(r, "nothing kept under '%s'", from ? from : "");
    const json *max = json_get(step, "maxQueries");
    host_io host = host_of(r);
    acp_step *last = k->step; /* the loop follows it: it is not kept any more */
    k->step = NULL;
    acp_result rc = query_until_final(r->client, &last, &host, max ? (unsigned)max->number : 40);
    int failed = rc != ACP_RESULT_OK ? fail(r, "query: %s", last_error()) : 0;
    if (!failed) failed = check_outcome(r, expect, acp_step_outcome(last));
    if (!failed) failed = save_outcome(r, step, acp_step_outcome(last));
    acp_step_free(last);
    keep(r, name, NULL, NULL);
    return failed;
}

static void pause_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static int64_t wall_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Every posted notification, verified with this client; those about `req` go in `out`
 * (at most `cap`). Returns how many, or -1 after fail(). */
static int notifications_for(run *r, const acp_request *req, acp_notification **out, int cap) {
    json *list = get_json(r, "/_sandbox/notifications");
    int found = 0;
    for (size_t i = 0; list && i < list->length; i++) {
        const char *body = json_str(&list->items[i], "body");
        acp_notification *n = NULL;
        if (acp_client_verify_notification(r->client, (const uint8_t *)(body ? body : ""), body ? strlen(body) : 0,
                                           sandbox_now(r), &n) != ACP_RESULT_OK) {
            for (int j = 0; j < found; j++) acp_notification_free(out[j]);
            json_free(list);
            return fail(r, "a posted notification does not verify: %s", last_error());
        }
        if (acp_notification_matches(n, req) && found < cap) out[found++] = n;
        else acp_notification_free(n);
    }
    json_free(list);
    return found;
}

static int notifications(run *r, const json *step, const json *expect) {
    enum { CAP = 16 };
    const char *key = json_str(step, "for");
    kept *k = find_kept(r, key ? key : "");
    if (!k || !k->request) return fail(r, "nothing kept under '%s'", key ? key : "");
    const json *count = json_get(expect, "count");
    int want = count ? (int)count->number : 1, found = 0;
    acp_notification *got[CAP];
    int64_t started = wall_ms();
    for (;;) {
        if ((found = notifications_for(r, k->request, got, CAP)) < 0) return -1;
        if (found >= want) {
            for (int j = 0; j < found; j++) acp_notification_free(got[j]);
            pause_ms(200);
            if ((found = notifications_for(r, k->request, got, CAP)) < 0) return -1;
            break;
        }
        if (wall_ms() - started >= 5000) break;
        for (int j = 0; j < found; j++) acp_notification_free(got[j]);
        pause_ms(50);
    }
    int rc = found != want ? fail(r, "%d notifications, expected %d", found, want) : 0;
    for (int j = 0; !rc && j < found; j++) {
        char *text = NULL;
        acp_step *next = NULL;
        json success = {JSON_BOOL, acp_notification_success(got[j]), 0, NULL, 0, NULL, NULL};
        rc = expect_eq(r, expect, "success", &success);
        if (!rc && acp_notification_json(got[j], &text) == ACP_RESULT_OK) {
            json *v = json_parse(text, strlen(text));
            rc = expect_eq(r, expect, "respCode", json_get(v, "respCode"));
            json_free(v);
        }
        acp_string_free(text);
        if (!rc && acp_client_next_step_after_notification(r->client, k->request, got[j], sandbox_now(r), &next) !=
                       ACP_RESULT_OK)
            rc = fail(r, "%s", last_error());
        if (!rc && acp_step_json(next, &text) == ACP_RESULT_OK) {
            json *v = json_parse(text, strlen(text));
            rc = expect_eq(r, expect, "step", json_get(v, "step"));
            json_free(v);
            acp_string_free(text);
        }
        acp_step_free(next);
    }
    const json *save = json_get(step, "save");
    for (size_t i = 0; !rc && found > 0 && save && i < save->length; i++) {
        const char *path = save->items[i].string ? save->items[i].string : "";
        if (!strncmp(path, "notification.", 13)) path += 13;
        const char *value = acp_fields_get(acp_notification_fields(got[0]), path);
        set_var(r, save->keys[i], value ? value : "");
    }
    for (int j = 0; j < found; j++) acp_notification_free(got[j]);
    return rc;
}

static int receive(run *r, const json *step, const json *expect) {
    char *body = subst(r, json_str(step, "body") ? json_str(step, "body") : "");
    if (!body) return -1;
    uint16_t reply = 0;
    acp_notification *n = NULL;
    acp_result rc = acp_client_receive_notification(r->client, (const uint8_t *)body, strlen(body), sandbox_now(r),
                                                    &reply, &n);
    free(body);
    acp_notification_free(n);
    json status = {JSON_NUMBER, 0, reply, NULL, 0, NULL, NULL};
    if (expect_eq(r, expect, "replyStatus", &status)) return -1;
    return rc == ACP_RESULT_OK ? check_error_absent(r, expect) : check_error(r, expect, rc);
}

/* POSTs a request (5 s); the answer's body whatever its status, or NULL when none came. */
static char *post(run *r, const acp_request *req, size_t *len) {
    char *body = NULL;
    r->timeout_ms = 5000;
    if (host_post(r, acp_request_url(req), acp_request_body(req), &body, len) < 0) {
        free(body);
        return NULL;
    }
    return body;
}

static int key_update(run *r, const json *step, const json *expect) {
    size_t n = 0, len = 0;
    acp_kv *kv = params_of(r, json_get(step, "params"), &n);
    if (!kv) return -1;
    acp_request *req = NULL;
    acp_key_update *update = NULL;
    char *answer = NULL, *text = NULL;
    int rc = 0;
    if (acp_client_build(r->client, "key_update_query", kv, n, sandbox_now(r), &req) != ACP_RESULT_OK)
        rc = fail(r, "%s", last_error());
    else if (!(answer = post(r, req, &len)))
        rc = fail(r, "the key update got no answer");
    else if (acp_client_handle_key_update(r->client, req, (const uint8_t *)answer, len, sandbox_now(r), &update) !=
             ACP_RESULT_OK)
        rc = fail(r, "%s", last_error());
    if (!rc && acp_key_update_json(update, &text) == ACP_RESULT_OK) {
        json *v = json_parse(text, strlen(text));
        rc = expect_eq(r, expect, "kind", json_get(v, "kind"));
        if (!rc) rc = expect_eq(r, expect, "certId", json_get(v, "certId"));
        json_free(v);
    }
    const char *pem = acp_key_update_pem(update);
    if (!rc && pem) {
        acp_client *next = NULL;
        if (acp_client_with_encryption_cert(r->client, (const uint8_t *)pem, strlen(pem), &next) != ACP_RESULT_OK)
            rc = fail(r, "%s", last_error());
        acp_client_free(r->client);
        r->client = next;
    }
    acp_string_free(text);
    acp_key_update_free(update);
    free(answer);
    acp_request_free(req);
    free_params(kv, n);
    return rc;
}

/* Parses a file relative to `dir`. */
static json *load_rel(const char *dir, const char *rel) {
    size_t len = 0;
    char *text = read_rel(dir, rel, &len);
    json *v = json_parse(text, len);
    free(text);
    return v;
}

static int decode_archive(run *r, const json *step, const json *expect) {
    size_t len = 0;
    char *zip = read_rel(r->tests, json_str(step, "file") ? json_str(step, "file") : "", &len);
    char *text = NULL, dir[4096];
    acp_result rc = acp_reconciliation_json((const uint8_t *)zip, len, &text);
    free(zip);
    if (rc != ACP_RESULT_OK) return fail(r, "%s", last_error());
    json *got = json_parse(text, strlen(text));
    acp_string_free(text);
    snprintf(dir, sizeof dir, "%s/conformance", r->tests);
    const char *file = json_str(expect, "json") ? json_str(expect, "json") : "";
    json *want = load_rel(dir, file);
    int same = got && want && json_equal(got, want);
    json_free(got);
    json_free(want);
    return same ? 0 : fail(r, "the archive's JSON differs from %s/%s", dir, file);
}

/* Appends `value` as JSON with every string's ${…} replaced; 0, or -1 after fail(). */
static int append_subst_json(run *r, char **out, size_t *n, const json *value) {
    char number[64];
    switch (value->type) {
    case JSON_NULL: append(out, n, "null", 4); return 0;
    case JSON_BOOL: append(out, n, value->boolean ? "true" : "false", value->boolean ? 4 : 5); return 0;
    case JSON_NUMBER:
        snprintf(number, sizeof number, "%.17g", value->number);
        append(out, n, number, strlen(number));
        return 0;
    case JSON_STRING: {
        char *text = subst(r, value->string);
        char *quoted = text ? json_quote(text) : NULL;
        free(text);
        if (!quoted) return -1;
        append(out, n, quoted, strlen(quoted));
        free(quoted);
        return 0;
    }
    case JSON_ARRAY:
    case JSON_OBJECT: {
        int object = value->type == JSON_OBJECT;
        append(out, n, object ? "{" : "[", 1);
        for (size_t i = 0; i < value->length; i++) {
            if (i) append(out, n, ",", 1);
            if (object) {
                char *key = json_quote(value->keys[i]);
                if (!key) return -1;
                append(out, n, key, strlen(key));
                append(out, n, ":", 1);
                free(key);
            }
            if (append_subst_json(r, out, n, &value->items[i])) return -1;
        }
        append(out, n, object ? "}" : "]", 1);
        return 0;
    }
    }
    return -1;
}

/* The report's line of `order_id`, or NULL. */
static const json *report_line(const json *report, const char *order_id) {
    const json *lines = json_get(report, "lines");
    for (size_t i = 0; lines && i < lines->length; i++)
        if (str_eq(json_str(&lines->items[i], "orderId"), order_id)) return &lines->items[i];
    return NULL;
}

/* `verdicts`, `resolutions` and `originals` (orderId → expected) against a reconciliation report. */
static int check_report(run *r, const json *expect, const json *report) {
    const json *verdicts = json_get(expect, "verdicts"), *originals = json_get(expect, "originals");
    int rc = 0;
    for (size_t i = 0; !rc && verdicts && i < verdicts->length; i++) {
        char *order = subst(r, verdicts->keys[i]);
        if (!order) return -1;
        const char *got = json_str(report_line(report, order), "verdict");
        if (!str_eq(got, verdicts->items[i].string))
            rc = fail(r, "verdict of %s: expected %s, got %s", order, verdicts->items[i].string, got ? got : "none");
        free(order);
    }
    const json *resolutions = json_get(expect, "resolutions");
    for (size_t i = 0; !rc && resolutions && i < resolutions->length; i++) {
        char *order = subst(r, resolutions->keys[i]);
        if (!order) return -1;
        const json *l = report_line(report, order);
        const json *got = json_get(l, "resolution");
        if (!l || !json_equal(got, &resolutions->items[i]))
            rc = fail(r, "resolution of %s: expected %s, got %s", order,
                      resolutions->items[i].string ? resolutions->items[i].string : "null",
                      got && got->string ? got->string : "null");
        free(order);
    }
    for (size_t i = 0; !rc && originals && i < originals->length; i++) {
        char *order = subst(r, originals->keys[i]);
        char *wanted = order && originals->items[i].string ? subst(r, originals->items[i].string) : NULL;
        if (!wanted) {
            free(order);
            return -1;
        }
        const char *got = json_str(json_get(report_line(report, order), "original"), "orderId");
        if (!str_eq(got, wanted)) rc = fail(r, "original of %s: expected %s, got %s", order, wanted, got ? got : "none");
        free(order);
        free(wanted);
    }
    return rc;
}

/* The books of `step` reconciled with the file of `o`, checked against `expect`. */
static int reconcile_books(run *r, const json *books, const json *expect, const acp_outcome *o) {
    char *books_json = NULL, *text = NULL;
    size_t n = 0;
    append(&books_json, &n, "", 0);
    if (append_subst_json(r, &books_json, &n, books)) {
        free(books_json);
        return -1;
    }
    int rc;
    if (acp_outcome_reconcile(o, books_json, &text) != ACP_RESULT_OK) {
        rc = fail(r, "reconcile: %s", last_error());
    } else {
        json *report = json_parse(text, strlen(text));
        rc = report ? check_report(r, expect, report) : fail(r, "the report is not JSON");
        json_free(report);
    }
    acp_string_free(text);
    free(books_json);
    return rc;
}

static int file_transfer(run *r, const json *step, const json *expect) {
    size_t n = 0, len = 0;
    acp_kv *kv = params_of(r, json_get(step, "params"), &n);
    if (!kv) return -1;
    acp_request *req = NULL;
    acp_outcome *o = NULL;
    char *answer = NULL, *text = NULL;
    json *records = NULL;
    int rc = 0;
    if (acp_client_build(r->client, "file_transfer", kv, n, sandbox_now(r), &req) != ACP_RESULT_OK)
        rc = fail(r, "%s", last_error());
    else if (!(answer = post(r, req, &len)))
        rc = fail(r, "the file transfer got no answer");
    else if (acp_client_handle_response(r->client, req, (const uint8_t *)answer, len, sandbox_now(r), &o) !=
                 ACP_RESULT_OK ||
             acp_outcome_reconciliation_json(o, &text) != ACP_RESULT_OK)
        rc = fail(r, "%s", last_error());
    else
        records = json_parse(text, strlen(text));
    const json *zm = json_get(records, "zm"), *orders = json_get(expect, "zmOrders");
    for (size_t i = 0; !rc && orders && i < orders->length; i++) {
        char *order = subst(r, orders->items[i].string ? orders->items[i].string : "");
        int seen = 0;
        if (!order) {
            rc = -1;
            break;
        }
        for (size_t j = 0; zm && j < zm->length && !seen; j++) seen = str_eq(json_str(&zm->items[j], "orderId"), order);
        if (!seen) rc = fail(r, "no ZM record for order %s", order);
        free(order);
    }
    if (!rc && json_get(step, "books")) rc = reconcile_books(r, json_get(step, "books"), expect, o);
    json_free(records);
    acp_string_free(text);
    acp_outcome_free(o);
    free(answer);
    acp_request_free(req);
    free_params(kv, n);
    return rc;
}

/* Appends `s` percent-encoded (every byte but unreserved ones). */
static void append_encoded(char *out, size_t cap, const char *s) {
    size_t n = strlen(out);
    for (; *s && n + 4 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-_.~", c))
            out[n++] = (char)c;
        else
            n += (size_t)snprintf(out + n, cap - n, "%%%02X", c);
    }
    out[n] = '\0';
}

static int sandbox_step(run *r, const json *step) {
    const json *fault = json_get(step, "fault"), *advance = json_get(step, "advance");
    const char *rotate = json_str(step, "rotate");
    char form[2048] = "";
    if (fault && fault->type == JSON_OBJECT) {
        for (size_t i = 0; i < fault->length; i++) {
            char *v = subst(r, fault->items[i].string ? fault->items[i].string : "");
            if (!v) return -1;
            if (i) strncat(form, "&", sizeof form - strlen(form) - 1);
            strncat(form, fault->keys[i], sizeof form - strlen(form) - 1);
            strncat(form, "=", sizeof form - strlen(form) - 1);
            append_encoded(form, sizeof form, v);
            free(v);
        }
        return admin(r, "/_sandbox/faults", form);
    }
    if (advance && advance->type == JSON_NUMBER) {
        snprintf(form, sizeof form, "advance=%lld", (long long)advance->number);
        return admin(r, "/_sandbox/clock", form);
    }
    if (rotate) {
        snprintf(form, sizeof form, "rotate=%s", rotate);
        return admin(r, "/_sandbox/keys", form);
    }
    return fail(r, "unknown sandbox step");
}

static int run_step(run *r, const json *step) {
    static const json empty = {JSON_OBJECT, 0, 0, NULL, 0, NULL, NULL};
    const json *expect = json_get(step, "expect") ? json_get(step, "expect") : &empty;
    const char *what = json_str(step, "do") ? json_str(step, "do") : "";
    const char *name = json_str(step, "as") ? json_str(step, "as") : "";
    if (!strcmp(what, "call") || !strcmp(what, "build")) return call_or_build(r, step, expect, name);
    if (!strcmp(what, "until_final")) return until_final(r, step, expect, name);
    if (!strcmp(what, "notifications")) return notifications(r, step, expect);
    if (!strcmp(what, "receive")) return receive(r, step, expect);
    if (!strcmp(what, "key_update")) return key_update(r, step, expect);
    if (!strcmp(what, "decode_archive")) return decode_archive(r, step, expect);
    if (!strcmp(what, "file_transfer")) return file_transfer(r, step, expect);
    if (!strcmp(what, "sandbox")) return sandbox_step(r, step);
    return fail(r, "unknown step '%s'", what);
}

/* --- scenarios --------------------------------------------------------------------------- */

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* One scenario with a fresh client; 0 when it passed. */
static int run_scenario(const char *base, const char *tests, const char *path, int index) {
    json *scenario = load_json(path);
    const char *id = json_str(scenario, "id") ? json_str(scenario, "id") : path;
    char *settings = sandbox_settings(base, tests, 1);
    size_t pfx_len;
    char *pfx = read_rel(tests, "fixtures/sandbox/merchant.pfx", &pfx_len);
    run r;
    memset(&r, 0, sizeof r);
    r.base = base;
    r.tests = tests;
    r.timeout_ms = 5000;
    snprintf(r.tag, sizeof r.tag, "C%04dS%02d", (int)(getpid() % 10000), index);
    int failed = 0;
    if (acp_client_new(settings, (const uint8_t *)pfx, pfx_len, "000000", &r.client) != ACP_RESULT_OK) {
        fprintf(stderr, "conformance c: %s FAILED: the client: %s\n", id, last_error());
        failed = 1;
    }
    const json *steps = json_get(scenario, "steps");
    for (size_t n = 0; !failed && steps && n < steps->length; n++) {
        if (run_step(&r, &steps->items[n])) {
            fprintf(stderr, "conformance c: %s FAILED at step %zu: %s\n", id, n, r.err);
            failed = 1;
        }
    }
    for (size_t i = 0; i < r.nkept; i++) {
        free(r.kept[i].name);
        acp_request_free(r.kept[i].request);
        acp_step_free(r.kept[i].step);
    }
    for (size_t i = 0; i < r.nvars; i++) {
        free(r.names[i]);
        free(r.values[i]);
    }
    acp_client_free(r.client);
    free(pfx);
    free(settings);
    json_free(scenario);
    return failed;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s ACP_BINARY TESTS_DIR\n", argv[0]);
        return 2;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/conformance/scenarios", argv[2]);
    DIR *d = opendir(dir);
    char *files[256];
    int nfiles = 0, passed = 0, failed = 0;
    for (struct dirent *e; d && (e = readdir(d)) && nfiles < 256;) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".json")) {
            char path[8192];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            files[nfiles++] = dup_or_die(path);
        }
    }
    if (d) closedir(d);
    qsort(files, (size_t)nfiles, sizeof files[0], by_name);
    const char *const extra[] = {"--notify-speed", "1200", NULL};
    sandbox sb;
    if (nfiles == 0 || access(argv[1], X_OK) != 0 || sandbox_start(argv[1], extra, &sb) != 0) {
        fprintf(stderr, "conformance c: no scenarios in %s, or the sandbox %s did not start\n", dir, argv[1]);
        failed = nfiles ? nfiles : 1;
    } else {
        for (int i = 0; i < nfiles; i++) {
            if (run_scenario(sb.base_url, argv[2], files[i], i)) failed++;
            else passed++;
        }
        sandbox_stop(&sb);
    }
    for (int i = 0; i < nfiles; i++) free(files[i]);
    printf("conformance c: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
