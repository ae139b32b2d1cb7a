/* Misuse of the C API is answered with the right code and never corrupts memory: NULL
 * pointers, invalid UTF-8, too-small buffers, double frees, use after free, handles of
 * the wrong type, unknown API names and parameter keys. Usage: test_misuse TESTS_DIR. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define NOW 1795000000 /* 2026-11-19, inside the sandbox PKI's validity */
#define SENTINEL ((void *)0x5A5A)

static acp_kv cfg[] = {{"merId", "777290058110097"}, {"environment", "test"}, {"trust", "test"}};
static const acp_kv query_params[] = {{"origOrderId", "20261125000001"}, {"origTxnTime", "20261125120000"}};

/* The last error message starts with "[code ". */
static int last_is(acp_result code) {
    char prefix[16];
    snprintf(prefix, sizeof prefix, "[%u ", code);
    return strncmp(last_error(), prefix, strlen(prefix)) == 0;
}

static void *other_thread(void *arg) {
    (void)arg;
    acp_request *out = NULL;
    acp_client_build(NULL, "consume", NULL, 0, NOW, &out); /* fails on this thread only */
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s TESTS_DIR\n", argv[0]);
        return 2;
    }
    size_t pfx_len, enc_len;
    char *pfx = read_rel(argv[1], "fixtures/sandbox/merchant.pfx", &pfx_len);
    char *enc = read_rel(argv[1], "fixtures/sandbox/enc.pem", &enc_len);
    const uint8_t *p = (const uint8_t *)pfx;
    acp_client *client = NULL;
    acp_request *req = SENTINEL;
    acp_result rc;

    /* NULL pointers. */
    CHECK(acp_client_new(cfg, 3, p, pfx_len, "000000", NULL, 0, NULL) == ACP_RESULT_NULL_POINTER, "new: out NULL");
    CHECK(acp_client_new(NULL, 3, p, pfx_len, "000000", NULL, 0, &client) == ACP_RESULT_NULL_POINTER && !client,
          "new: config NULL");
    CHECK(last_is(ACP_RESULT_NULL_POINTER) && strstr(last_error(), "config"), "message names the argument: %s",
          last_error());
    CHECK(acp_client_new(cfg, 3, NULL, pfx_len, "000000", NULL, 0, &client) == ACP_RESULT_NULL_POINTER, "pfx NULL");
    CHECK(acp_client_new(cfg, 3, p, pfx_len, NULL, NULL, 0, &client) == ACP_RESULT_NULL_POINTER, "password NULL");
    acp_kv null_value[] = {{"merId", NULL}};
    CHECK(acp_client_new(null_value, 1, p, pfx_len, "000000", NULL, 0, &client) == ACP_RESULT_NULL_POINTER,
          "config value NULL");
    CHECK(acp_client_new(cfg, 3, p, pfx_len, "000000", (const uint8_t *)enc, enc_len, &client) == ACP_RESULT_OK,
          "new: %s", last_error());
    CHECK(acp_client_build(NULL, "open_query", query_params, 2, NOW, &req) == ACP_RESULT_NULL_POINTER &&
              req == SENTINEL,
          "build: client NULL, output untouched");
    CHECK(acp_client_build(client, NULL, query_params, 2, NOW, &req) == ACP_RESULT_NULL_POINTER, "api NULL");
    CHECK(acp_client_build(client, "open_query", NULL, 2, NOW, &req) == ACP_RESULT_NULL_POINTER, "params NULL");
    CHECK(acp_client_build(client, "open_query", query_params, 2, NOW, NULL) == ACP_RESULT_NULL_POINTER, "out NULL");
    CHECK(acp_request_url(NULL) == NULL && last_is(ACP_RESULT_NULL_POINTER), "accessor: NULL");
    CHECK(acp_outcome_status(NULL) == ACP_STATUS_INVALID, "status of NULL");
    CHECK(acp_fields_len(NULL) == 0 && acp_fields_get(NULL, "x") == NULL, "fields of NULL");
    CHECK(!acp_notification_matches(NULL, NULL) && !acp_notification_success(NULL), "notification NULL");
    acp_client_free(NULL);
    acp_request_free(NULL);
    acp_outcome_free(NULL);
    acp_notification_free(NULL);
    acp_fields_free(NULL);
    acp_verifier_free(NULL);
    acp_string_free(NULL);

    /* Invalid UTF-8. */
    CHECK(acp_client_build(client, "consume\xff", query_params, 2, NOW, &req) == ACP_RESULT_NOT_UTF8, "api name");
    acp_kv bad_value[] = {{"origOrderId", "2026\xc3\x28"}, {"origTxnTime", "20261125120000"}};
    CHECK(acp_client_build(client, "open_query", bad_value, 2, NOW, &req) == ACP_RESULT_NOT_UTF8 &&
              strstr(last_error(), "params[0].value"),
          "param value: %s", last_error());
    acp_kv bad_key[] = {{"mer\xe4Id", "777290058110097"}};
    CHECK(acp_client_new(bad_key, 1, p, pfx_len, "000000", NULL, 0, &client) == ACP_RESULT_NOT_UTF8, "config key");
    acp_client *other = NULL;
    CHECK(acp_client_new(cfg, 3, p, pfx_len, "\xff", NULL, 0, &other) == ACP_RESULT_NOT_UTF8 && !other, "password");

    /* Unknown API name, unknown or repeated parameter key, unknown configuration key. */
    CHECK(acp_client_build(client, "consum", query_params, 2, NOW, &req) == ACP_RESULT_INVALID_ARGUMENT &&
              strstr(last_error(), "unknown API"),
          "unknown API: %s", last_error());
    acp_kv extra[] = {{"origOrderId", "20261125000001"}, {"origTxnTime", "20261125120000"}, {"txnAmt", "1"}};
    CHECK(acp_client_build(client, "open_query", extra, 3, NOW, &req) == ACP_RESULT_INVALID_ARGUMENT &&
              strstr(last_error(), "txnAmt"),
          "unknown param: %s", last_error());
    acp_kv twice[] = {{"origOrderId", "20261125000001"}, {"origOrderId", "20261125000002"}};
    CHECK(acp_client_build(client, "open_query", twice, 2, NOW, &req) == ACP_RESULT_INVALID_ARGUMENT, "key twice");
    acp_kv typo[] = {{"merId", "777290058110097"}, {"environment", "test"}, {"trust", "test"}, {"chanelType", "08"}};
    CHECK(acp_client_new(typo, 4, p, pfx_len, "000000", NULL, 0, &other) == ACP_RESULT_INVALID_ARGUMENT &&
              strstr(last_error(), "chanelType"),
          "unknown config key: %s", last_error());
    CHECK(acp_client_new(cfg + 1, 2, p, pfx_len, "000000", NULL, 0, &other) == ACP_RESULT_MISSING_FIELD, "no merId");
    CHECK(acp_client_new(cfg, 3, p, pfx_len, "111111", NULL, 0, &other) == ACP_RESULT_PKCS12_WRONG_PASSWORD,
          "wrong password");
    CHECK(acp_client_build(client, "open_query", query_params, 1, NOW, &req) == ACP_RESULT_MISSING_FIELD,
          "missing param: %s", last_error());

    /* A client that signs with a secure key (signMethod 11) has no PFX to decrypt with. */
    acp_kv sk[] = {{"merId", "777290058110097"}, {"environment", "test"}, {"trust", "test"},
                   {"secureKey", "88888888"}, {"signMethod", "11"}};
    CHECK(acp_client_new(sk, 5, NULL, 0, NULL, NULL, 0, &other) == ACP_RESULT_OK, "secure key: %s", last_error());
    req = NULL;
    CHECK(acp_client_build(other, "open_query", query_params, 2, NOW, &req) == ACP_RESULT_OK &&
              str_eq(acp_fields_get(acp_request_fields(req), "signMethod"), "11"),
          "secure key signs 11: %s", last_error());
    acp_request_free(req);
    char *plain = SENTINEL;
    CHECK(acp_client_decrypt(other, "AAAA", &plain) == ACP_RESULT_INVALID_ARGUMENT && plain == SENTINEL,
          "secure-key client cannot decrypt");
    acp_client_free(other);
    other = NULL;
    CHECK(acp_client_new(cfg, 3, NULL, 0, NULL, NULL, 0, &other) == ACP_RESULT_MISSING_FIELD, "no credentials");

    /* Too-small buffers: the size needed comes back, the last error survives. */
    CHECK(acp_client_build(client, "consum", query_params, 2, NOW, &req) == ACP_RESULT_INVALID_ARGUMENT, "fail");
    char small[8], *big;
    size_t written = 0;
    rc = acp_last_error_message(small, sizeof small, &written);
    CHECK(rc == ACP_RESULT_BUFFER_TOO_SMALL && written > sizeof small, "too small: rc %u, needs %zu", rc, written);
    big = malloc(written);
    size_t len = 0;
    CHECK(acp_last_error_message(big, written, &len) == ACP_RESULT_OK && len == written - 1 && strlen(big) == len &&
              !strncmp(big, "[1005 InvalidArgument]", 22),
          "exact size: %s", big);
    free(big);
    CHECK(acp_last_error_message(NULL, 10, &len) == ACP_RESULT_NULL_POINTER, "buf NULL");
    CHECK(acp_last_error_message(small, sizeof small, NULL) == ACP_RESULT_NULL_POINTER, "written NULL");
    uint8_t block[7];
    CHECK(acp_pin_block("123456", "6216261000000000018", block, sizeof block) == ACP_RESULT_BUFFER_TOO_SMALL,
          "PIN block buffer");

    /* The last error is per thread. */
    CHECK(acp_client_build(client, "consum", query_params, 2, NOW, &req) == ACP_RESULT_INVALID_ARGUMENT, "fail");
    pthread_t t;
    pthread_create(&t, NULL, other_thread, NULL);
    pthread_join(t, NULL);
    CHECK(last_is(ACP_RESULT_INVALID_ARGUMENT), "another thread's error stays there: %s", last_error());

    /* A working request, then double frees, use after free, wrong types. */
    req = NULL;
    CHECK(acp_client_build(client, "open_query", query_params, 2, NOW, &req) == ACP_RESULT_OK, "build: %s",
          last_error());
    const acp_fields *view = acp_request_fields(req);
    CHECK(str_eq(acp_fields_get(view, "txnType"), "78") && acp_request_html(req) == NULL, "open query fields");
    const char *k, *v;
    CHECK(acp_fields_at(view, acp_fields_len(view), &k, &v) == ACP_RESULT_INVALID_ARGUMENT, "index past the end");
    CHECK(acp_fields_at(view, 0, &k, NULL) == ACP_RESULT_NULL_POINTER, "value NULL");
    acp_fields_free((acp_fields *)view);
    CHECK(last_is(ACP_RESULT_INVALID_HANDLE) && acp_fields_len(view) > 0, "a borrowed view is not freed alone");
    acp_string_free((char *)acp_request_url(req));
    CHECK(last_is(ACP_RESULT_INVALID_HANDLE) && strncmp(acp_request_url(req), "https://", 8) == 0,
          "a borrowed string is not freed");
    acp_client_free((acp_client *)req);
    CHECK(last_is(ACP_RESULT_INVALID_HANDLE) && acp_request_body(req) != NULL, "a request is not a client");
    acp_outcome *outcome = SENTINEL;
    const char *body = "respCode=00";
    CHECK(acp_client_handle_response(client, (acp_request *)client, (const uint8_t *)body, strlen(body), NOW,
                                     &outcome) == ACP_RESULT_INVALID_HANDLE && outcome == SENTINEL,
          "a client is not a request");
    CHECK(acp_client_handle_response(client, req, NULL, 5, NOW, &outcome) == ACP_RESULT_NULL_POINTER, "body NULL");
    CHECK(acp_client_handle_response(client, req, (const uint8_t *)body, strlen(body), NOW, &outcome) ==
                  ACP_RESULT_SIGNATURE_MISSING && outcome == SENTINEL,
          "an unsigned answer: %s", last_error());
    acp_request_free(req);
    acp_request_free(req); /* double free: ignored, reported */
    CHECK(last_is(ACP_RESULT_INVALID_HANDLE), "double free reported: %s", last_error());
    CHECK(acp_request_url(req) == NULL && last_is(ACP_RESULT_INVALID_HANDLE), "use after free");
    CHECK(acp_fields_len(view) == 0 && last_is(ACP_RESULT_INVALID_HANDLE), "a view dies with its owner");
    char *s = NULL;
    acp_kv one[] = {{"a", "1"}};
    CHECK(acp_form_encode(one, 1, &s) == ACP_RESULT_OK && str_eq(s, "a=1"), "encode");
    acp_string_free(s);
    acp_string_free(s);
    CHECK(last_is(ACP_RESULT_INVALID_HANDLE), "string double free reported");

    /* A front request has no synchronous answer. */
    acp_kv front[] = {{"orderId", "CFRONT0001"}, {"frontUrl", "https://m.example/f"}, {"backUrl", "https://m.example/b"}};
    req = NULL;
    CHECK(acp_client_build(client, "front_open", front, 3, NOW, &req) == ACP_RESULT_OK, "front: %s", last_error());
    CHECK(acp_request_html(req) && strstr(acp_request_html(req), "<form"), "front html");
    CHECK(acp_client_handle_response(client, req, (const uint8_t *)body, strlen(body), NOW, &outcome) ==
              ACP_RESULT_INVALID_ARGUMENT,
          "front answer");
    acp_request_free(req);

    acp_client_free(client);
    acp_client_free(client);
    CHECK(last_is(ACP_RESULT_INVALID_HANDLE), "client double free reported");
    CHECK(acp_client_build(client, "open_query", query_params, 2, NOW, &req) == ACP_RESULT_INVALID_HANDLE,
          "client use after free");
    free(pfx);
    free(enc);
    return finish("misuse");
}
