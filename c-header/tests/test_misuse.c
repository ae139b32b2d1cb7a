/* Misuse of the C API is answered with the right code and never corrupts memory: NULL
 * pointers, invalid UTF-8, too-small buffers, double frees, use after free, handles of
 * the wrong type, borrowed handles, unknown API names, parameter keys and settings, and the
 * lifecycle without a network. Usage: test_misuse TESTS_DIR. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define NOW 1795000000 /* 2026-11-19, inside the sandbox PKI's validity */
#define SENTINEL ((void *)0x5A5A)

#define SETTINGS "{\"merId\": \"777290058110097\", \"environment\": \"test\", \"trust\": \"test\""
static const char *settings = SETTINGS "}";
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
    size_t pfx_len;
    char *pfx = read_rel(argv[1], "fixtures/sandbox/merchant.pfx", &pfx_len);
    char *enc = read_rel(argv[1], "fixtures/sandbox/enc.pem", NULL);
    char *enc_json = json_quote(enc);
    char with_enc[4096];
    snprintf(with_enc, sizeof with_enc, SETTINGS ", \"encryptionCert\": %s}", enc_json);
    const uint8_t *p = (const uint8_t *)pfx;
    acp_client *client = NULL;
    acp_request *req = SENTINEL;
    acp_result rc;

    /* NULL pointers. */
    CHECK(acp_client_new(settings, p, pfx_len, "000000", NULL) == ACP_RESULT_NULL_POINTER, "new: out NULL");
    CHECK(acp_client_new(NULL, p, pfx_len, "000000", &client) == ACP_RESULT_NULL_POINTER && !client,
          "new: settings NULL");
    CHECK(last_is(ACP_RESULT_NULL_POINTER) && strstr(last_error(), "settings_json"), "message names the argument: %s",
          last_error());
    CHECK(acp_client_new(settings, NULL, pfx_len, "000000", &client) == ACP_RESULT_NULL_POINTER, "pfx NULL");
    CHECK(acp_client_new(settings, p, pfx_len, NULL, &client) == ACP_RESULT_NULL_POINTER, "password NULL");
    CHECK(acp_client_new(with_enc, p, pfx_len, "000000", &client) == ACP_RESULT_OK, "new: %s", last_error());
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
    acp_step_free(NULL);
    acp_key_update_free(NULL);
    acp_string_free(NULL);
    CHECK(acp_step_kind(NULL) == ACP_STEP_INVALID && acp_step_query(NULL) == NULL && acp_step_outcome(NULL) == NULL &&
              acp_step_stop_reason(NULL) == NULL && acp_outcome_name(NULL) == NULL && acp_key_update_pem(NULL) == NULL,
          "step and key update accessors of NULL");

    /* Invalid UTF-8. */
    CHECK(acp_client_build(client, "consume\xff", query_params, 2, NOW, &req) == ACP_RESULT_NOT_UTF8, "api name");
    acp_kv bad_value[] = {{"origOrderId", "2026\xc3\x28"}, {"origTxnTime", "20261125120000"}};
    CHECK(acp_client_build(client, "open_query", bad_value, 2, NOW, &req) == ACP_RESULT_NOT_UTF8 &&
              strstr(last_error(), "params[0].value"),
          "param value: %s", last_error());
    CHECK(acp_client_new("{\"mer\xe4Id\": \"777290058110097\"}", p, pfx_len, "000000", &client) ==
              ACP_RESULT_NOT_UTF8,
          "settings");
    acp_client *other = NULL;
    CHECK(acp_client_new(settings, p, pfx_len, "\xff", &other) == ACP_RESULT_NOT_UTF8 && !other, "password");

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
    CHECK(acp_client_new(SETTINGS ", \"chanelType\": \"08\"}", p, pfx_len, "000000", &other) ==
                  ACP_RESULT_INVALID_ARGUMENT &&
              strstr(last_error(), "chanelType"),
          "unknown setting: %s", last_error());
    CHECK(acp_client_new("{\"environment\": \"test\", \"trust\": \"test\"}", p, pfx_len, "000000", &other) ==
                  ACP_RESULT_INVALID_ARGUMENT &&
              strstr(last_error(), "merId"),
          "no merId: %s", last_error());
    CHECK(acp_client_new("merId=777290058110097", p, pfx_len, "000000", &other) == ACP_RESULT_INVALID_ARGUMENT,
          "settings that are not JSON");
    CHECK(acp_client_new(settings, p, pfx_len, "111111", &other) == ACP_RESULT_PKCS12_WRONG_PASSWORD,
          "wrong password");
    CHECK(acp_client_build(client, "open_query", query_params, 1, NOW, &req) == ACP_RESULT_MISSING_FIELD,
          "missing param: %s", last_error());

    /* A client that signs with a secure key (signMethod 11) has no PFX to decrypt with. */
    CHECK(acp_client_new_with_secure_key(settings, "11", "88888888", &other) == ACP_RESULT_OK, "secure key: %s",
          last_error());
    req = NULL;
    CHECK(acp_client_build(other, "open_query", query_params, 2, NOW, &req) == ACP_RESULT_OK &&
              str_eq(acp_fields_get(acp_request_fields(req), "signMethod"), "11"),
          "secure key signs 11: %s", last_error());
    acp_request_free(req);
    char *plain = SENTINEL;
    CHECK(acp_client_decrypt(other, "AAAA", &plain) == ACP_RESULT_INVALID_ARGUMENT && plain == SENTINEL,
          "secure-key client cannot decrypt");
    /* Fixed padding only through the danger entry point, and only with bytes given. */
    char *ct = SENTINEL;
    CHECK(acp_danger_encrypt_with_random((const uint8_t *)enc, strlen(enc), (const uint8_t *)"0048", 4, NULL, 0, &ct) ==
                  ACP_RESULT_INVALID_ARGUMENT &&
              ct == SENTINEL,
          "danger encrypt without random bytes");
    CHECK(acp_encrypt((const uint8_t *)enc, strlen(enc), (const uint8_t *)"0048", 4, &ct) == ACP_RESULT_OK && ct &&
              ct != SENTINEL,
          "encrypt with the OS random source: %s", last_error());
    acp_string_free(ct);
    int64_t not_after = 7;
    CHECK(acp_client_signing_cert_not_after(other, &not_after) == ACP_RESULT_INVALID_ARGUMENT && not_after == 7,
          "a secure-key client has no certificate to expire");
    CHECK(acp_client_signing_cert_not_after(client, &not_after) == ACP_RESULT_OK && not_after == 2208988800,
          "the sandbox merchant certificate expires 2040-01-01: %s", last_error());
    CHECK(acp_client_signing_cert_not_after(client, NULL) == ACP_RESULT_NULL_POINTER, "not_after: out NULL");
    acp_client_free(other);
    other = NULL;
    CHECK(acp_client_new(settings, NULL, 0, "", &other) == ACP_RESULT_MISSING_FIELD && !other, "no PFX");
    CHECK(acp_client_new_with_secure_key(settings, "13", "88888888", &other) == ACP_RESULT_UNSUPPORTED_SIGN_METHOD &&
              !other,
          "an unknown sign method");

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

    /* The lifecycle without a network: a consume that got no answer is looked up by a
     * status query; the step's query and outcome are borrowed from it. */
    acp_kv consume[] = {{"orderId", "CNOANSWER01"}, {"txnTime", "20261119120000"}, {"txnAmt", "100"},
                        {"token", "6235240000020757135"}, {"smsCode", "111111"}, {"backUrl", "https://m.example/b"}};
    acp_step *step = SENTINEL;
    req = NULL;
    CHECK(acp_client_build(client, "consume", consume, 6, NOW, &req) == ACP_RESULT_OK, "consume: %s", last_error());
    CHECK(acp_client_next_step(client, req, -2, NULL, 0, NOW, &step) == ACP_RESULT_INVALID_ARGUMENT &&
              step == SENTINEL,
          "status -2");
    CHECK(acp_client_next_step(client, req, -1, NULL, 0, NOW, NULL) == ACP_RESULT_NULL_POINTER, "step out NULL");
    CHECK(acp_client_next_step(client, req, -1, NULL, 0, NOW, &step) == ACP_RESULT_OK, "no answer: %s", last_error());
    int64_t at = 0;
    const acp_request *query = acp_step_query(step);
    CHECK(acp_step_kind(step) == ACP_STEP_QUERY && acp_step_at(step, &at) && at > NOW && query &&
              acp_step_outcome(step) == NULL && acp_step_stop_reason(step) == NULL,
          "no answer: a query step, no outcome");
    CHECK(str_eq(acp_fields_get(acp_request_fields(query), "txnType"), "00") &&
              str_eq(acp_fields_get(acp_request_fields(query), "orderId"), "CNOANSWER01"),
          "the status query is about the consume");
    char *json = NULL;
    CHECK(acp_step_json(step, &json) == ACP_RESULT_OK && strstr(json, "\"step\":\"query\""), "step JSON: %s", json);
    acp_string_free(json);
    acp_request_free((acp_request *)query);
    CHECK(last_is(ACP_RESULT_INVALID_HANDLE) && acp_request_url(query) != NULL, "a borrowed query is not freed alone");
    acp_step *answered = SENTINEL;
    CHECK(acp_client_next_step(client, query, 500, (const uint8_t *)"busy", 4, NOW, &answered) == ACP_RESULT_OK &&
              acp_step_kind(answered) == ACP_STEP_QUERY,
          "HTTP 500 to the query: query again: %s", last_error());
    acp_step_free(answered);
    acp_step_free(step);
    CHECK(acp_request_url(query) == NULL && last_is(ACP_RESULT_INVALID_HANDLE), "the query dies with its step");
    /* The stored format reads back to the same signed request. */
    acp_request *back = NULL;
    CHECK(acp_request_json(req, &json) == ACP_RESULT_OK && acp_request_from_json(json, &back) == ACP_RESULT_OK &&
              str_eq(acp_request_body(back), acp_request_body(req)),
          "request JSON round trip: %s", last_error());
    acp_string_free(json);
    acp_request_free(back);
    back = SENTINEL;
    CHECK(acp_request_from_json("{\"format\": \"unionpay-acp/request@0\"}", &back) == ACP_RESULT_INVALID_ARGUMENT &&
              back == SENTINEL,
          "an unknown stored format");
    acp_request_free(req);
    /* A request that moves no money and got no answer: stop. */
    req = NULL;
    step = NULL;
    CHECK(acp_client_build(client, "open_query", query_params, 2, NOW, &req) == ACP_RESULT_OK &&
              acp_client_next_step(client, req, -1, NULL, 0, NOW, &step) == ACP_RESULT_OK &&
              acp_step_kind(step) == ACP_STEP_STOP && str_eq(acp_step_stop_reason(step), "no_answer"),
          "open query without answer: %s", last_error());
    acp_step_free(step);
    acp_request_free(req);
    /* A notification that does not verify: answer 400, nothing comes out. */
    uint16_t reply = 0;
    acp_notification *note = SENTINEL;
    const char *forged = "merId=777290058110097&orderId=CFORGED01&respCode=00";
    CHECK(acp_client_receive_notification(client, (const uint8_t *)forged, strlen(forged), NOW, &reply, &note) ==
                  ACP_RESULT_SIGNATURE_MISSING &&
              reply == 400 && note == SENTINEL,
          "forged notification: reply %u, %s", reply, last_error());
    CHECK(acp_client_receive_notification(client, (const uint8_t *)forged, strlen(forged), NOW, NULL, &note) ==
              ACP_RESULT_NULL_POINTER,
          "reply_status NULL");

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
    free(enc_json);
    return finish("misuse");
}
