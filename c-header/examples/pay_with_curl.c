/* A token payment with libunionpay_acp and libcurl: open the card (SMS + back open), pay
 * 10.00 with the token (SMS + consume), then follow the payment with query_until_final
 * until it is final.
 *
 *   pay_with_curl SETTINGS_JSON MERCHANT_PFX PFX_PASSWORD
 *
 * SETTINGS_JSON is a file with the client settings (the schema in settings.json), e.g.
 * for the local sandbox (`acp sandbox` prints BASE_URL; its trust is
 * tests/fixtures/sandbox/root.pem + middle.pem, its encryption certificate enc.pem):
 *   {"merId": "777290058110097", "environment": {"baseUrl": "BASE_URL"},
 *    "trust": {"roots": ["-----BEGIN CERTIFICATE-----\n…"], "middles": ["…"]},
 *    "encryptionCert": "-----BEGIN CERTIFICATE-----\n…"}
 * and against UnionPay "environment": "test" (or "production") and "trust" the same word.
 * c-header/tests/run_example.sh runs it against a fresh sandbox. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "query_until_final.h"

typedef struct {
    char *data;
    size_t len;
} buffer;

static size_t collect(char *p, size_t size, size_t n, void *userdata) {
    buffer *b = userdata;
    char *grown = realloc(b->data, b->len + size * n + 1);
    if (!grown) return 0;
    b->data = grown;
    memcpy(b->data + b->len, p, size * n);
    b->len += size * n;
    b->data[b->len] = '\0';
    return size * n;
}

/* host_io.post with libcurl: the status and body of any answer, -1 when none came. */
static int curl_post(void *ctx, const char *url, const char *body, char **answer, size_t *len) {
    (void)ctx;
    buffer b = {NULL, 0};
    long status = -1;
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded;charset=UTF-8");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
        fprintf(stderr, "POST %s: %s (no answer)\n", url, curl_easy_strerror(rc));
        free(b.data);
        return -1;
    }
    *answer = b.data;
    *len = b.len;
    return (int)status;
}

static int64_t wall_now(void *ctx) {
    (void)ctx;
    return (int64_t)time(NULL);
}

static void wall_sleep(void *ctx, int64_t seconds) {
    (void)ctx;
    struct timespec t = {(time_t)seconds, 0};
    nanosleep(&t, NULL);
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
        fprintf(stderr, "cannot read %s\n", path);
    }
    if (f) fclose(f);
    return buf;
}

static const char *text(const char *s) { return s ? s : ""; }

static int fail(const char *what) {
    char msg[1024];
    size_t n;
    acp_last_error_message(msg, sizeof msg, &n);
    fprintf(stderr, "%s: %s\n", what, msg);
    return 1;
}

/* Builds and sends one request; 0 when it got a step, which it prints. The caller frees
 * *req and *step. */
static int call(const acp_client *client, const host_io *host, const char *api, const acp_kv *params, size_t n,
                acp_request **req, acp_step **step) {
    if (acp_client_build(client, api, params, n, host->now(host->ctx), req) != ACP_RESULT_OK) return fail(api);
    if (send_request(client, *req, host, step) != ACP_RESULT_OK) return fail(api);
    const acp_outcome *o = acp_step_outcome(*step);
    int64_t at = 0;
    printf("%-12s %-8s respCode %-2s %s", api, o ? acp_outcome_name(o) : "(none)", o ? acp_outcome_resp_code(o) : "",
           o ? text(acp_fields_get(acp_outcome_fields(o), "respMsg")) : "");
    if (acp_step_at(*step, &at)) printf(" -> status query in %llds", (long long)(at - host->now(host->ctx)));
    printf("\n");
    return 0;
}

/* The step is final and says the request succeeded. */
static int succeeded(const acp_step *step) {
    return acp_step_kind(step) == ACP_STEP_FINAL && acp_outcome_status(acp_step_outcome(step)) == ACP_STATUS_SUCCESS;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s SETTINGS_JSON MERCHANT_PFX PFX_PASSWORD\n", argv[0]);
        return 2;
    }
    size_t settings_len, pfx_len;
    char *settings = read_file(argv[1], &settings_len);
    char *pfx = settings ? read_file(argv[2], &pfx_len) : NULL;
    if (!pfx) {
        free(settings);
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    host_io host = {curl_post, wall_now, wall_sleep, NULL};
    acp_client *client = NULL;
    acp_request *sms = NULL, *req = NULL;
    acp_step *step = NULL;
    char order[32], token[64] = "";
    int failed = 1;
    if (acp_client_new(settings, (const uint8_t *)pfx, pfx_len, argv[3], &client) != ACP_RESULT_OK) {
        fail("acp_client_new");
        goto out;
    }

    /* Open the card: SMS (77/00), then the back open (79/00) with the SMS's orderId and
     * txnTime; the token comes back in tokenPayData. */
    snprintf(order, sizeof order, "EXOPEN%ld", (long)time(NULL));
    acp_kv sms_open[] = {{"orderId", order}, {"accNo", "6221558812340000"}, {"phoneNo", "13552535506"}};
    if (call(client, &host, "sms_open", sms_open, 3, &sms, &step) || !succeeded(step)) goto out;
    acp_step_free(step);
    step = NULL;
    acp_kv back_open[] = {
        {"orderId", order},  {"txnTime", acp_fields_get(acp_request_fields(sms), "txnTime")},
        {"accNo", "6221558812340000"}, {"phoneNo", "13552535506"}, {"cvn2", "123"},
        {"expired", "2311"}, {"smsCode", "111111"},
    };
    if (call(client, &host, "back_open", back_open, 7, &req, &step) || !succeeded(step)) goto out;
    acp_fields *tpd = NULL;
    if (acp_fields_nested(acp_outcome_fields(acp_step_outcome(step)), "tokenPayData", &tpd) == ACP_RESULT_OK &&
        acp_fields_get(tpd, "token"))
        snprintf(token, sizeof token, "%s", acp_fields_get(tpd, "token"));
    acp_fields_free(tpd);
    acp_step_free(step);
    acp_request_free(req);
    acp_request_free(sms);
    step = NULL;
    sms = req = NULL;
    if (!token[0]) goto out;

    /* Pay 10.00 (1000 fen): SMS (77/02), then consume (01/01). An answer 00 is "accepted",
     * not paid: the step is a status query, and the loop follows it to the end. */
    snprintf(order, sizeof order, "EXPAY%ld", (long)time(NULL));
    acp_kv sms_consume[] = {{"orderId", order}, {"txnAmt", "1000"}, {"token", token}};
    if (call(client, &host, "sms_consume", sms_consume, 3, &sms, &step) || !succeeded(step)) goto out;
    acp_step_free(step);
    step = NULL;
    acp_kv consume[] = {
        {"orderId", order}, {"txnTime", acp_fields_get(acp_request_fields(sms), "txnTime")},
        {"txnAmt", "1000"}, {"token", token}, {"smsCode", "111111"},
        {"backUrl", "http://127.0.0.1:9/notify"}, /* your notification endpoint */
    };
    if (call(client, &host, "consume", consume, 6, &req, &step)) goto out;
    if (query_until_final(client, &step, &host, 40) != ACP_RESULT_OK) {
        fail("status query");
        goto out;
    }
    const acp_outcome *o = acp_step_outcome(step);
    printf("payment %s: %s (outcome %s, origRespCode %s, queryId %s%s%s)\n", order,
           succeeded(step) ? "succeeded" : "not confirmed", o ? acp_outcome_name(o) : "none",
           o ? acp_outcome_resp_code(o) : "-", o ? text(acp_fields_get(acp_outcome_fields(o), "queryId")) : "-",
           acp_step_stop_reason(step) ? ", stopped: " : "", text(acp_step_stop_reason(step)));
    failed = !succeeded(step);
out:
    acp_step_free(step);
    acp_request_free(req);
    acp_request_free(sms);
    acp_client_free(client);
    free(pfx);
    free(settings);
    curl_global_cleanup();
    return failed;
}
