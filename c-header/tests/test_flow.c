/* A whole token payment flow against the local sandbox on 127.0.0.1, through the C API
 * and its lifecycle (acp_client_next_step): key update → open SMS (sms_open) → back open
 * (token) → consume SMS → consume → notification to our own listener (received) → the
 * status query it leads to → partial refund (and its notification).
 * Usage: test_flow ACP_BINARY TESTS_DIR [5.0.0]. With 5.0.0 the client signs the legacy way
 * (setting "version": SHA-1) and loads the sandbox's 5.0.0 verify certificate through
 * "verifyCerts500": every answer and notification must come back as 5.0.0, carrying that
 * certificate's certId. Exit 77 (skipped) only when the sandbox binary is absent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "util.h"

#define CARD "6221558812340000" /* spec §12.3 credit test card */
#define PHONE "13552535506"
#define FORM "application/x-www-form-urlencoded;charset=UTF-8"

#define VERIFY500_CERT_ID "7000000000012" /* tests/fixtures/sandbox/verify500.pem */

static int64_t now(void) { return (int64_t)time(NULL); }

/* The message version of the run: 5.1.0, or 5.0.0 (argv[3]). */
static const char *version = "5.1.0";

/* Answers and notifications are signed the way of the request's version. */
static void check_version(const acp_fields *f, const char *what) {
    CHECK(str_eq(acp_fields_get(f, "version"), version), "%s: version %s", what, acp_fields_get(f, "version"));
    if (str_eq(version, "5.0.0"))
        CHECK(str_eq(acp_fields_get(f, "certId"), VERIFY500_CERT_ID) && !acp_fields_get(f, "signPubKeyCert"),
              "%s: 5.0.0 answers carry the verify certId and no signPubKeyCert", what);
}

/* The sandbox client settings; for 5.0.0 with "version" and "verifyCerts500" added. */
static char *flow_settings(const char *base_url, const char *tests_dir) {
    char *settings = sandbox_settings(base_url, tests_dir, 0);
    if (!str_eq(version, "5.0.0")) return settings;
    char *pem = read_rel(tests_dir, "fixtures/sandbox/verify500.pem", NULL);
    char *quoted = json_quote(pem);
    size_t cap = strlen(settings) + strlen(quoted) + 64;
    char *out = malloc(cap);
    if (!out || !quoted) exit(2);
    settings[strlen(settings) - 1] = '\0'; /* drop the closing brace */
    snprintf(out, cap, "%s, \"version\": \"5.0.0\", \"verifyCerts500\": [%s]}", settings, quoted);
    free(settings);
    free(pem);
    free(quoted);
    return out;
}

/* POSTs the request and asks the client for the next step; NULL (after a failed check) on
 * any error. */
static acp_step *send_request(acp_client *client, const acp_request *req, const char *step_name) {
    char *body = NULL;
    size_t len = 0;
    acp_step *step = NULL;
    const char *req_body = acp_request_body(req);
    int status = http_request("POST", acp_request_url(req), FORM, req_body, strlen(req_body), &body, &len);
    CHECK(status == 200, "%s: HTTP status %d", step_name, status);
    acp_result rc = acp_client_next_step(client, req, status, (const uint8_t *)body, len, now(), &step);
    CHECK(rc == ACP_RESULT_OK, "%s: %s", step_name, last_error());
    free(body);
    const acp_outcome *o = acp_step_outcome(step);
    if (o) {
        printf("  %-28s step %d, %s respCode %s (%s)\n", step_name, acp_step_kind(step), acp_outcome_name(o),
               acp_outcome_resp_code(o), acp_fields_get(acp_outcome_fields(o), "respMsg"));
        check_version(acp_outcome_fields(o), step_name);
    }
    CHECK(!step || o, "%s: the answer has an outcome", step_name);
    return step;
}

/* The step is final with this status. */
static int final_with(const acp_step *step, acp_status status) {
    return acp_step_kind(step) == ACP_STEP_FINAL && acp_outcome_status(acp_step_outcome(step)) == status;
}

static acp_request *build(acp_client *client, const char *api, const acp_kv *params, size_t n) {
    acp_request *req = NULL;
    acp_result rc = acp_client_build(client, api, params, n, now(), &req);
    CHECK(rc == ACP_RESULT_OK, "build %s: %s", api, last_error());
    return req;
}

/* Waits for the n-th notification, receives it (reply 200) and checks it is about `about`. */
static acp_notification *notification(acp_client *client, inbox *in, int n, const acp_request *about) {
    size_t len = 0;
    const char *body = inbox_wait(in, n, 60, &len);
    acp_notification *note = NULL;
    uint16_t reply = 0;
    CHECK(body != NULL, "notification %d did not arrive", n);
    if (!body) return NULL;
    acp_result rc = acp_client_receive_notification(client, (const uint8_t *)body, len, now(), &reply, &note);
    CHECK(rc == ACP_RESULT_OK && reply == 200, "receive notification %d (reply %u): %s", n, reply, last_error());
    /* Had storing it failed: the core's retry-later status, so that UnionPay sends it again. */
    CHECK(acp_notification_retry_later_status() == 503, "retry-later status %u", acp_notification_retry_later_status());
    if (!note) return NULL;
    CHECK(acp_notification_success(note), "notification %d is not a success", n);
    CHECK(acp_notification_matches(note, about), "notification %d does not match its request", n);
    check_version(acp_notification_fields(note), "notification");
    printf("  notification %d verified: txnType %s respCode %s queryId %s\n", n,
           acp_fields_get(acp_notification_fields(note), "txnType"),
           acp_fields_get(acp_notification_fields(note), "respCode"),
           acp_fields_get(acp_notification_fields(note), "queryId"));
    return note;
}

int main(int argc, char **argv) {
    if (argc < 3 || (argc > 3 && strcmp(argv[3], "5.0.0") != 0)) {
        fprintf(stderr, "usage: %s ACP_BINARY TESTS_DIR [5.0.0]\n", argv[0]);
        return 2;
    }
    if (argc > 3) version = argv[3];
    if (access(argv[1], X_OK) != 0) {
        printf("SKIP: the sandbox binary %s is absent (build it with `cargo build -p acp-cli`)\n", argv[1]);
        return 77;
    }
    sandbox sb;
    inbox in;
    CHECK(sandbox_start(argv[1], NULL, &sb) == 0, "the sandbox did not start");
    if (test_failures) return finish("flow");
    CHECK(inbox_start(&in) == 0, "the notification listener did not start");
    char back_url[64];
    snprintf(back_url, sizeof back_url, "http://127.0.0.1:%d/notify", in.port);
    printf("sandbox %s, backUrl %s, version %s\n", sb.base_url, back_url, version);

    /* The sandbox's trust, without an encryption certificate: the key update fetches it. */
    size_t pfx_len;
    char *pfx = read_rel(argv[2], "fixtures/sandbox/merchant.pfx", &pfx_len);
    char *settings = flow_settings(sb.base_url, argv[2]);
    acp_client *client = NULL;
    acp_request *key = NULL, *sms = NULL, *open = NULL, *sms2 = NULL, *pay = NULL, *refund = NULL;
    acp_step *step = NULL, *query = NULL;
    acp_key_update *update = NULL;
    acp_notification *note = NULL, *note2 = NULL;
    char token[64] = "", query_id[64] = "", order[40];
    long seq = (long)(now() % 100000);
    acp_result rc = acp_client_new(settings, (const uint8_t *)pfx, pfx_len, "000000", &client);
    CHECK(rc == ACP_RESULT_OK, "acp_client_new: %s", last_error());
    if (!client) goto done;

    /* 95/00: the encryption certificate; then the same client with it. */
    snprintf(order, sizeof order, "CKEY%010ld", seq);
    acp_kv key_params[] = {{"orderId", order}};
    key = build(client, "key_update_query", key_params, 1);
    if (!key) goto done;
    {
        char *body = NULL, *json = NULL;
        size_t len = 0;
        const char *rb = acp_request_body(key);
        CHECK(http_request("POST", acp_request_url(key), FORM, rb, strlen(rb), &body, &len) == 200, "key update POST");
        rc = body ? acp_client_handle_key_update(client, key, (const uint8_t *)body, len, now(), &update) : 1;
        free(body);
        CHECK(rc == ACP_RESULT_OK && acp_key_update_pem(update), "key update: %s", last_error());
        if (!update || !acp_key_update_pem(update)) goto done;
        CHECK(acp_key_update_next_check_at(update) > now(), "key update: the next check is later");
        CHECK(acp_key_update_json(update, &json) == ACP_RESULT_OK && strstr(json, "\"kind\":\"replaced\"") &&
                  strstr(json, "\"nextCheckAt\":"),
              "key update JSON: %s", json ? json : last_error());
        acp_string_free(json);
        printf("  key update: certId %s (%zu bytes of PEM)\n", acp_key_update_cert_id(update),
               strlen(acp_key_update_pem(update)));
        acp_client *with_cert = NULL;
        const char *pem = acp_key_update_pem(update);
        CHECK(acp_client_with_encryption_cert(client, (const uint8_t *)pem, strlen(pem), &with_cert) == ACP_RESULT_OK,
              "with the new certificate: %s", last_error());
        acp_client_free(client);
        client = with_cert;
        if (!client) goto done;
    }

    /* 77/00 open SMS, then 79/00 back open with the same orderId and txnTime. */
    snprintf(order, sizeof order, "COPEN%010ld", seq);
    acp_kv sms_params[] = {{"orderId", order}, {"accNo", CARD}, {"phoneNo", PHONE}};
    sms = build(client, "sms_open", sms_params, 3);
    if (!sms || !(step = send_request(client, sms, "open SMS (77/00)"))) goto done;
    CHECK(final_with(step, ACP_STATUS_SUCCESS), "open SMS: step %d", acp_step_kind(step));
    acp_step_free(step);
    step = NULL;
    acp_kv open_params[] = {
        {"orderId", order}, {"txnTime", acp_fields_get(acp_request_fields(sms), "txnTime")},
        {"accNo", CARD}, {"phoneNo", PHONE}, {"cvn2", "123"}, {"expired", "2311"}, {"smsCode", "111111"},
    };
    open = build(client, "back_open", open_params, 7);
    if (!open || !(step = send_request(client, open, "back open (79/00)"))) goto done;
    CHECK(final_with(step, ACP_STATUS_SUCCESS), "back open: step %d", acp_step_kind(step));
    {
        acp_fields *tpd = NULL;
        CHECK(acp_fields_nested(acp_outcome_fields(acp_step_outcome(step)), "tokenPayData", &tpd) == ACP_RESULT_OK,
              "tokenPayData: %s", last_error());
        const char *t = acp_fields_get(tpd, "token");
        CHECK(t && strlen(t) < sizeof token, "the open returned a token");
        if (t) snprintf(token, sizeof token, "%s", t);
        acp_fields_free(tpd);
    }
    acp_step_free(step);
    step = NULL;
    if (!token[0]) goto done;

    /* 77/02 consume SMS, then 01/01 consume 10.00 with the token: accepted, not paid. */
    snprintf(order, sizeof order, "CPAY%010ld", seq);
    acp_kv sms2_params[] = {{"orderId", order}, {"txnAmt", "1000"}, {"token", token}};
    sms2 = build(client, "sms_consume", sms2_params, 3);
    if (!sms2 || !(step = send_request(client, sms2, "consume SMS (77/02)"))) goto done;
    CHECK(final_with(step, ACP_STATUS_SUCCESS), "consume SMS: step %d", acp_step_kind(step));
    acp_step_free(step);
    step = NULL;
    acp_kv pay_params[] = {
        {"orderId", order}, {"txnTime", acp_fields_get(acp_request_fields(sms2), "txnTime")},
        {"txnAmt", "1000"}, {"token", token}, {"smsCode", "111111"}, {"backUrl", back_url},
    };
    pay = build(client, "consume", pay_params, 6);
    if (!pay || !(step = send_request(client, pay, "consume 10.00 (01/01)"))) goto done;
    {
        int64_t at = 0;
        const acp_outcome *o = acp_step_outcome(step);
        CHECK(acp_step_kind(step) == ACP_STEP_QUERY && acp_outcome_status(o) == ACP_STATUS_ACCEPTED,
              "consume: accepted, a query step");
        CHECK(acp_step_at(step, &at) && at > now() - 5, "consume: a query time");
        CHECK(str_eq(acp_outcome_resp_code(o), "00"), "consume: respCode");
    }
    acp_step_free(step);
    step = NULL;

    /* The back notification arrives; the client confirms it with a status query at once. */
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
    CHECK(acp_client_next_step_after_notification(client, pay, note, now(), &step) == ACP_RESULT_OK &&
              acp_step_kind(step) == ACP_STEP_QUERY,
          "after the notification: %s", last_error());
    if (!step) goto done;

    /* 00/00: the status query finds the payment succeeded. */
    if (!(query = send_request(client, acp_step_query(step), "status query (00/00)"))) goto done;
    CHECK(final_with(query, ACP_STATUS_SUCCESS), "status query: step %d", acp_step_kind(query));
    CHECK(str_eq(acp_outcome_resp_code(acp_step_outcome(query)), "00"), "status query: origRespCode");
    CHECK(str_eq(acp_fields_get(acp_outcome_fields(acp_step_outcome(query)), "queryId"), query_id),
          "status query: queryId");

    /* 04/00: refund 3.00 of it; its own notification follows. */
    snprintf(order, sizeof order, "CREF%010ld", seq);
    acp_kv refund_params[] = {{"orderId", order}, {"origQryId", query_id}, {"txnAmt", "300"}, {"backUrl", back_url}};
    refund = build(client, "refund", refund_params, 4);
    acp_step_free(step);
    step = NULL;
    if (!refund || !(step = send_request(client, refund, "partial refund 3.00 (04/00)"))) goto done;
    CHECK(acp_step_kind(step) == ACP_STEP_QUERY &&
              acp_outcome_status(acp_step_outcome(step)) == ACP_STATUS_ACCEPTED,
          "refund: accepted");
    note2 = notification(client, &in, 2, refund);
    if (note2) CHECK(str_eq(acp_fields_get(acp_notification_fields(note2), "txnAmt"), "300"), "refund amount");

done:
    acp_notification_free(note);
    acp_notification_free(note2);
    acp_key_update_free(update);
    acp_step_free(step);
    acp_step_free(query);
    acp_request_free(key);
    acp_request_free(sms);
    acp_request_free(open);
    acp_request_free(sms2);
    acp_request_free(pay);
    acp_request_free(refund);
    acp_client_free(client);
    free(pfx);
    free(settings);
    inbox_stop(&in);
    sandbox_stop(&sb);
    CHECK(test_checks > 20, "the flow ran to its end");
    return finish(str_eq(version, "5.0.0") ? "flow 5.0.0" : "flow");
}
