/* A whole token payment flow against the local sandbox on 127.0.0.1, through the C API:
 * key update → open SMS (sms_open) → back open (token) → consume SMS → consume →
 * notification to our own listener (verified) → status query → partial refund (and its
 * notification). Usage: test_flow ACP_BINARY TESTS_DIR. Exit 77 (skipped) only when the
 * sandbox binary is absent. */
#define _DEFAULT_SOURCE /* strndup */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "util.h"

#define MER_ID "777290058110097"
#define CARD "6221558812340000" /* spec §12.3 credit test card */
#define PHONE "13552535506"
#define FORM "application/x-www-form-urlencoded;charset=UTF-8"

static int64_t now(void) { return (int64_t)time(NULL); }

/* POSTs the request and hands the answer to the client; NULL (after a failed check) on
 * any error. */
static acp_outcome *send_request(acp_client *client, acp_request *req, const char *step) {
    char *body = NULL;
    size_t len = 0;
    acp_outcome *outcome = NULL;
    const char *req_body = acp_request_body(req);
    int status = http_request("POST", acp_request_url(req), FORM, req_body, strlen(req_body), &body, &len);
    CHECK(status == 200, "%s: HTTP status %d", step, status);
    if (status == 200) {
        acp_result rc = acp_client_handle_response(client, req, (const uint8_t *)body, len, now(), &outcome);
        CHECK(rc == ACP_RESULT_OK, "%s: %s", step, last_error());
    }
    free(body);
    if (outcome) {
        const acp_fields *f = acp_outcome_fields(outcome);
        printf("  %-28s status %d respCode %s (%s)\n", step, acp_outcome_status(outcome),
               acp_outcome_resp_code(outcome), acp_fields_get(f, "respMsg"));
    }
    return outcome;
}

static acp_request *build(acp_client *client, const char *api, const acp_kv *params, size_t n) {
    acp_request *req = NULL;
    acp_result rc = acp_client_build(client, api, params, n, now(), &req);
    CHECK(rc == ACP_RESULT_OK, "build %s: %s", api, last_error());
    return req;
}

static acp_client *make_client(const char *base_url, const char *root, const char *middle,
                               const char *pfx, size_t pfx_len, const char *enc, size_t enc_len) {
    acp_kv config[] = {
        {"merId", MER_ID}, {"environment", base_url}, {"trust", "custom"},
        {"trustRootPem", root}, {"trustMiddlePem", middle},
    };
    acp_client *client = NULL;
    acp_result rc = acp_client_new(config, sizeof config / sizeof config[0], (const uint8_t *)pfx, pfx_len,
                                   "000000", (const uint8_t *)enc, enc_len, &client);
    CHECK(rc == ACP_RESULT_OK, "acp_client_new: %s", last_error());
    return client;
}

/* Waits for the n-th notification and verifies it. */
static acp_notification *notification(acp_client *client, inbox *in, int n, const acp_request *about) {
    size_t len = 0;
    const char *body = inbox_wait(in, n, 60, &len);
    acp_notification *note = NULL;
    CHECK(body != NULL, "notification %d did not arrive", n);
    if (!body) return NULL;
    acp_result rc = acp_client_verify_notification(client, (const uint8_t *)body, len, now(), &note);
    CHECK(rc == ACP_RESULT_OK, "verify notification %d: %s", n, last_error());
    if (!note) return NULL;
    CHECK(acp_notification_success(note), "notification %d is not a success", n);
    CHECK(acp_notification_matches(note, about), "notification %d does not match its request", n);
    printf("  notification %d verified: txnType %s respCode %s queryId %s\n", n,
           acp_fields_get(acp_notification_fields(note), "txnType"),
           acp_fields_get(acp_notification_fields(note), "respCode"),
           acp_fields_get(acp_notification_fields(note), "queryId"));
    return note;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s ACP_BINARY TESTS_DIR\n", argv[0]);
        return 2;
    }
    if (access(argv[1], X_OK) != 0) {
        printf("SKIP: the sandbox binary %s is absent (build it with `cargo build -p acp-cli`)\n", argv[1]);
        return 77;
    }
    sandbox sb;
    inbox in;
    CHECK(sandbox_start(argv[1], &sb) == 0, "the sandbox did not start");
    if (test_failures) return finish("flow");
    CHECK(inbox_start(&in) == 0, "the notification listener did not start");
    char back_url[64];
    snprintf(back_url, sizeof back_url, "http://127.0.0.1:%d/notify", in.port);
    printf("sandbox %s, backUrl %s\n", sb.base_url, back_url);

    /* Trust: the sandbox's root and middle, from GET /_sandbox/trust (root first). */
    char url[256], *trust = NULL;
    size_t trust_len = 0, pfx_len;
    snprintf(url, sizeof url, "%s/_sandbox/trust", sb.base_url);
    CHECK(http_request("GET", url, NULL, NULL, 0, &trust, &trust_len) == 200, "GET /_sandbox/trust");
    char *middle = trust ? strstr(trust + 1, "-----BEGIN CERTIFICATE-----") : NULL;
    CHECK(middle != NULL, "the trust answer has a root and a middle");
    char *root = NULL;
    if (middle) {
        root = strndup(trust, (size_t)(middle - trust));
    }
    char *pfx = read_rel(argv[2], "fixtures/sandbox/merchant.pfx", &pfx_len);
    acp_client *client = root ? make_client(sb.base_url, root, middle, pfx, pfx_len, NULL, 0) : NULL;
    acp_request *key = NULL, *sms = NULL, *open = NULL, *sms2 = NULL, *pay = NULL, *query = NULL, *refund = NULL;
    acp_outcome *o = NULL;
    acp_notification *note = NULL, *note2 = NULL;
    char token[64] = "", query_id[64] = "", order[40];
    long seq = (long)(now() % 100000);
    if (!client) goto done;

    /* 95/00: the encryption certificate; then a client that can encrypt card data. */
    snprintf(order, sizeof order, "CKEY%010ld", seq);
    acp_kv key_params[] = {{"orderId", order}};
    key = build(client, "key_update_query", key_params, 1);
    if (!key) goto done;
    {
        char *body = NULL, *pem = NULL;
        size_t len = 0;
        const char *rb = acp_request_body(key);
        CHECK(http_request("POST", acp_request_url(key), FORM, rb, strlen(rb), &body, &len) == 200, "key update POST");
        acp_result rc = body ? acp_client_handle_key_update(client, key, (const uint8_t *)body, len, now(), &pem) : 1;
        CHECK(rc == ACP_RESULT_OK && pem, "key update: %s", last_error());
        free(body);
        if (!pem) goto done;
        printf("  key update: new encryption certificate (%zu bytes of PEM)\n", strlen(pem));
        acp_client_free(client);
        client = make_client(sb.base_url, root, middle, pfx, pfx_len, pem, strlen(pem));
        acp_string_free(pem);
        if (!client) goto done;
    }

    /* 77/00 open SMS, then 79/00 back open with the same orderId and txnTime. */
    snprintf(order, sizeof order, "COPEN%010ld", seq);
    acp_kv sms_params[] = {{"orderId", order}, {"accNo", CARD}, {"phoneNo", PHONE}};
    sms = build(client, "sms_open", sms_params, 3);
    if (!sms || !(o = send_request(client, sms, "open SMS (77/00)"))) goto done;
    CHECK(acp_outcome_status(o) == ACP_STATUS_SUCCESS, "open SMS: status %d", acp_outcome_status(o));
    acp_outcome_free(o);
    acp_kv open_params[] = {
        {"orderId", order}, {"txnTime", acp_fields_get(acp_request_fields(sms), "txnTime")},
        {"accNo", CARD}, {"phoneNo", PHONE}, {"cvn2", "123"}, {"expired", "2311"}, {"smsCode", "111111"},
    };
    open = build(client, "back_open", open_params, 7);
    if (!open || !(o = send_request(client, open, "back open (79/00)"))) goto done;
    CHECK(acp_outcome_status(o) == ACP_STATUS_SUCCESS, "back open: status %d", acp_outcome_status(o));
    {
        acp_fields *tpd = NULL;
        CHECK(acp_fields_nested(acp_outcome_fields(o), "tokenPayData", &tpd) == ACP_RESULT_OK, "tokenPayData: %s",
              last_error());
        const char *t = acp_fields_get(tpd, "token");
        CHECK(t && strlen(t) < sizeof token, "the open returned a token");
        if (t) snprintf(token, sizeof token, "%s", t);
        acp_fields_free(tpd);
    }
    acp_outcome_free(o);
    if (!token[0]) goto done;

    /* 77/02 consume SMS, then 01/01 consume 10.00 with the token: accepted, not paid. */
    snprintf(order, sizeof order, "CPAY%010ld", seq);
    acp_kv sms2_params[] = {{"orderId", order}, {"txnAmt", "1000"}, {"token", token}};
    sms2 = build(client, "sms_consume", sms2_params, 3);
    if (!sms2 || !(o = send_request(client, sms2, "consume SMS (77/02)"))) goto done;
    CHECK(acp_outcome_status(o) == ACP_STATUS_SUCCESS, "consume SMS: status %d", acp_outcome_status(o));
    acp_outcome_free(o);
    acp_kv pay_params[] = {
        {"orderId", order}, {"txnTime", acp_fields_get(acp_request_fields(sms2), "txnTime")},
        {"txnAmt", "1000"}, {"token", token}, {"smsCode", "111111"}, {"backUrl", back_url},
    };
    pay = build(client, "consume", pay_params, 6);
    if (!pay || !(o = send_request(client, pay, "consume 10.00 (01/01)"))) goto done;
    {
        int64_t at = 0;
        CHECK(acp_outcome_status(o) == ACP_STATUS_ACCEPTED, "consume: status %d", acp_outcome_status(o));
        CHECK(acp_outcome_query_at(o, &at) && at > now() - 5, "consume: a query time");
        CHECK(str_eq(acp_outcome_resp_code(o), "00"), "consume: respCode");
    }
    acp_outcome_free(o);

    /* The back notification decides; verify it, and decrypt the card number it carries. */
    note = notification(client, &in, 1, pay);
    if (!note) goto done;
    {
        const acp_fields *f = acp_notification_fields(note);
        const char *qid = acp_fields_get(f, "queryId");
        CHECK(qid && strlen(qid) < sizeof query_id, "notification queryId");
        if (qid) snprintf(query_id, sizeof query_id, "%s", qid);
        CHECK(str_eq(acp_fields_get(f, "txnAmt"), "1000"), "notification txnAmt");
        if (acp_fields_get(f, "accNo")) {
            char *acc = NULL;
            CHECK(acp_client_decrypt(client, acp_fields_get(f, "accNo"), &acc) == ACP_RESULT_OK, "decrypt accNo: %s",
                  last_error());
            CHECK(acc && !strncmp(acc, "622155", 6) && !strcmp(acc + strlen(acc) - 4, "0000"),
                  "decrypted accNo %s", acc ? acc : "(null)");
            acp_string_free(acc);
        }
    }

    /* 00/00: the status query finds the payment succeeded. */
    CHECK(acp_client_build_query(client, pay, 1, now(), &query) == ACP_RESULT_OK, "build query: %s", last_error());
    if (!query || !(o = send_request(client, query, "status query (00/00)"))) goto done;
    CHECK(acp_outcome_status(o) == ACP_STATUS_SUCCESS, "status query: status %d", acp_outcome_status(o));
    CHECK(str_eq(acp_outcome_resp_code(o), "00"), "status query: origRespCode");
    CHECK(str_eq(acp_fields_get(acp_outcome_fields(o), "queryId"), query_id), "status query: queryId");
    acp_outcome_free(o);

    /* 04/00: refund 3.00 of it; its own notification follows. */
    snprintf(order, sizeof order, "CREF%010ld", seq);
    acp_kv refund_params[] = {{"orderId", order}, {"origQryId", query_id}, {"txnAmt", "300"}, {"backUrl", back_url}};
    refund = build(client, "refund", refund_params, 4);
    if (!refund || !(o = send_request(client, refund, "partial refund 3.00 (04/00)"))) goto done;
    CHECK(acp_outcome_status(o) == ACP_STATUS_ACCEPTED, "refund: status %d", acp_outcome_status(o));
    acp_outcome_free(o);
    note2 = notification(client, &in, 2, refund);
    if (note2) CHECK(str_eq(acp_fields_get(acp_notification_fields(note2), "txnAmt"), "300"), "refund amount");

done:
    acp_notification_free(note);
    acp_notification_free(note2);
    acp_request_free(key);
    acp_request_free(sms);
    acp_request_free(open);
    acp_request_free(sms2);
    acp_request_free(pay);
    acp_request_free(query);
    acp_request_free(refund);
    acp_client_free(client);
    free(pfx);
    free(root);
    free(trust);
    inbox_stop(&in);
    sandbox_stop(&sb);
    CHECK(test_checks > 20, "the flow ran to its end");
    return finish("flow");
}
