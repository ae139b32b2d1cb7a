/* The C quick start (the README shows this file; c-header/test.sh runs it against the sandbox).
 *
 * Open a card with an SMS code, pay with its token, and follow the library's next steps
 * until the payment is final. CMake builds it with libcurl (`cmake -S c-header -B build &&
 * cmake --build build`); against the local sandbox, from the repository root:
 * `acp sandbox --port 8080`, then `build/quick_start http://127.0.0.1:8080`. Over HTTPS
 * with a private CA (`acp sandbox --tls`): `build/quick_start https://127.0.0.1:8080
 * tests/fixtures/sandbox/root.pem`, the CA file libcurl trusts (CURLOPT_CAINFO).
 *
 * The host owns the I/O: libcurl POSTs, time() is the clock and nanosleep() the wait. What
 * an answer means and when to query are the library's (acp_client_next_step, followed by
 * the loop of c-header/examples/query_until_final.c). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, nanosleep */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "query_until_final.h"
#include "unionpay_acp.h"

#define CARD "6221558812340000"
#define PHONE "13552535506"

typedef struct {
    char *data;
    size_t len;
} buffer;

/* Appends n bytes to b, keeping it NUL-terminated; 0 when memory ran out. */
static int append(buffer *b, const char *p, size_t n) {
    char *grown = realloc(b->data, b->len + n + 1);
    if (!grown) return 0;
    memcpy(grown + b->len, p, n);
    b->data = grown;
    b->len += n;
    b->data[b->len] = '\0';
    return 1;
}

static int add(buffer *b, const char *text) { return append(b, text, strlen(text)); }

/* Appends text as a JSON string (a PEM's line breaks as \n). */
static int add_json_string(buffer *b, const char *text) {
    int ok = add(b, "\"");
    for (const char *p = text; ok && *p; p++) {
        if (*p == '\n') ok = add(b, "\\n");
        else if (*p == '"' || *p == '\\') ok = add(b, "\\") && append(b, p, 1);
        else if (*p != '\r') ok = append(b, p, 1);
    }
    return ok && add(b, "\"");
}

static size_t collect(char *p, size_t size, size_t n, void *b) { return append(b, p, size * n) ? size * n : 0; }

/* The CA certificates (PEM file) HTTPS trusts instead of the system's: a private CA. */
static const char *ca_file = NULL;

/* host_io.post with libcurl: the HTTP status and body of an answer, or -1 when none came. */
static int post(void *ctx, const char *url, const char *body, char **answer, size_t *len) {
    (void)ctx;
    buffer b = {NULL, 0};
    long status = -1;
    char error[CURL_ERROR_SIZE] = "";
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded;charset=UTF-8");
    if (curl && headers && add(&b, "")) {
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
        if (ca_file) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file);
        if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        else fprintf(stderr, "POST %s: %s\n", url, error); /* e.g. "SSL certificate problem: …" */
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (status < 0) {
        free(b.data);
        return -1; /* no answer: for a payment the outcome is unknown, a status query finds it */
    }
    *answer = b.data;
    *len = b.len;
    return (int)status;
}

static int64_t now(void *ctx) {
    (void)ctx;
    return (int64_t)time(NULL);
}

static void sleep_for(void *ctx, int64_t seconds) {
    (void)ctx;
    struct timespec t = {(time_t)seconds, 0};
    nanosleep(&t, NULL);
}

/* A file of the sandbox's test set-up, NUL-terminated (NULL when it cannot be read). */
static char *fixture(const char *name, size_t *len) {
    char path[256];
    buffer b = {NULL, 0};
    char chunk[4096];
    size_t n;
    snprintf(path, sizeof path, "tests/fixtures/sandbox/%s", name);
    FILE *f = fopen(path, "rb");
    int ok = f != NULL && add(&b, "");
    while (ok && (n = fread(chunk, 1, sizeof chunk, f)) > 0) ok = append(&b, chunk, n);
    if (!ok || ferror(f)) {
        fprintf(stderr, "cannot read %s (run from the repository root)\n", path);
        free(b.data);
        b.data = NULL;
    } else if (len) {
        *len = b.len;
    }
    if (f) fclose(f);
    return b.data;
}

/* The client settings: the JSON every binding shares (settings.json lists each name).
 * Answers must chain to the sandbox's own test CA (`acp sandbox --print-trust`); against
 * UnionPay: "environment" and "trust" "test" or "production". The encryption certificate
 * encrypts card data (keep it current with the key update query, "key_update_query"). */
static char *settings_json(const char *base_url) {
    buffer s = {NULL, 0};
    char *root = fixture("root.pem", NULL), *middle = fixture("middle.pem", NULL), *enc = fixture("enc.pem", NULL);
    int ok = root && middle && enc && add(&s, "{\"merId\": \"777290058110097\", \"environment\": {\"baseUrl\": ") &&
             add_json_string(&s, base_url) && add(&s, "}, \"trust\": {\"roots\": [") && add_json_string(&s, root) &&
             add(&s, "], \"middles\": [") && add_json_string(&s, middle) && add(&s, "]}, \"encryptionCert\": ") &&
             add_json_string(&s, enc) && add(&s, "}");
    free(root);
    free(middle);
    free(enc);
    if (!ok) free(s.data);
    return ok ? s.data : NULL;
}

/* A new orderId each run: 8 to 32 letters and digits, unique per merchant and day. */
static void order_id(char *out, size_t size, const char *prefix) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    snprintf(out, size, "%s%lld%09ld", prefix, (long long)t.tv_sec, (long)t.tv_nsec);
}

static void fail(const char *what) {
    char msg[1024] = "";
    size_t n;
    acp_last_error_message(msg, sizeof msg, &n); /* e.g. "[2001 Pkcs12WrongPassword] …" */
    fprintf(stderr, "%s: %s\n", what, msg);
}

/* A request and the last step the library gave for it. */
typedef struct {
    acp_request *request;
    acp_step *step;
} transaction;

static void transaction_free(transaction *t) {
    acp_step_free(t->step);
    acp_request_free(t->request);
}

/* Builds and sends `api`, then follows the library's next steps (status queries on its
 * schedule) until the outcome is final. 1 when it is final (and a success, if it must be). */
static int until_final(const acp_client *client, const host_io *host, const char *api, const acp_kv *params,
                       size_t n, transaction *t, int must_succeed) {
    if (acp_client_build(client, api, params, n, host->now(host->ctx), &t->request) != ACP_RESULT_OK ||
        send_request(client, t->request, host, &t->step) != ACP_RESULT_OK ||
        query_until_final(client, &t->step, host, 40) != ACP_RESULT_OK) {
        fail(api);
        return 0;
    }
    const acp_outcome *o = acp_step_outcome(t->step);
    if (acp_step_kind(t->step) != ACP_STEP_FINAL) {
        const char *reason = acp_step_stop_reason(t->step);
        fprintf(stderr, "%s: no final result: %s\n", api, reason ? reason : "still unknown");
        return 0;
    }
    if (must_succeed && acp_outcome_status(o) != ACP_STATUS_SUCCESS) {
        fprintf(stderr, "%s: %s, respCode %s\n", api, acp_outcome_name(o), acp_outcome_resp_code(o));
        return 0;
    }
    return 1;
}

static const char *txn_time(const transaction *t) { return acp_fields_get(acp_request_fields(t->request), "txnTime"); }

int main(int argc, char **argv) {
    const char *base_url = argc > 1 ? argv[1] : "http://127.0.0.1:8080";
    ca_file = argc > 2 ? argv[2] : NULL;
    host_io host = {post, now, sleep_for, NULL};
    size_t pfx_len = 0;
    char *settings = settings_json(base_url), *pfx = fixture("merchant.pfx", &pfx_len);
    acp_client *client = NULL;
    transaction open_sms = {0}, open = {0}, pay_sms = {0}, pay = {0};
    char order[40], token[64] = "";
    int failed = 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!settings || !pfx) goto out;
    if (acp_client_new(settings, (const uint8_t *)pfx, pfx_len, "000000", &client) != ACP_RESULT_OK) {
        fail("acp_client_new");
        goto out;
    }

    /* Open the card: an SMS code to the cardholder (77/00), then the open (79/00). */
    order_id(order, sizeof order, "OPEN");
    acp_kv sms_open[] = {{"orderId", order}, {"accNo", CARD}, {"phoneNo", PHONE}};
    if (!until_final(client, &host, "sms_open", sms_open, 3, &open_sms, 1)) goto out;
    acp_kv back_open[] = {{"orderId", order}, {"txnTime", txn_time(&open_sms)}, {"accNo", CARD}, {"phoneNo", PHONE},
                          {"cvn2", "123"}, {"expired", "2311"}, {"smsCode", "111111"}};
    if (!until_final(client, &host, "back_open", back_open, 7, &open, 1)) goto out;
    acp_fields *token_pay_data = NULL;
    if (acp_fields_nested(acp_outcome_fields(acp_step_outcome(open.step)), "tokenPayData", &token_pay_data) ==
            ACP_RESULT_OK && acp_fields_get(token_pay_data, "token"))
        snprintf(token, sizeof token, "%s", acp_fields_get(token_pay_data, "token"));
    acp_fields_free(token_pay_data);
    if (!token[0]) {
        fprintf(stderr, "back_open: no token\n");
        goto out;
    }

    /* Pay 10.00 yuan with the token: an SMS code (77/02), then the consume (01/01). Its `00`
     * means accepted, not paid: the library's next step queries until the result is final.
     * A shop stores a payment's acp_request_json until its outcome is final (read back with
     * acp_request_from_json); the back notification to backUrl is handled with
     * acp_client_receive_notification. */
    order_id(order, sizeof order, "PAY");
    acp_kv sms_consume[] = {{"orderId", order}, {"txnAmt", "1000"}, {"token", token}};
    if (!until_final(client, &host, "sms_consume", sms_consume, 3, &pay_sms, 1)) goto out;
    acp_kv consume[] = {{"orderId", order}, {"txnTime", txn_time(&pay_sms)}, {"txnAmt", "1000"}, {"token", token},
                        {"smsCode", "111111"}, {"backUrl", "http://127.0.0.1:9/unionpay/notify"}};
    if (!until_final(client, &host, "consume", consume, 6, &pay, 0)) goto out;
    const acp_outcome *paid = acp_step_outcome(pay.step);
    const char *query_id = acp_fields_get(acp_outcome_fields(paid), "queryId");
    printf("payment %s %s: respCode %s, queryId %s\n", order, acp_outcome_name(paid), acp_outcome_resp_code(paid),
           query_id ? query_id : "-");
    failed = acp_outcome_status(paid) != ACP_STATUS_SUCCESS;
out:
    transaction_free(&open_sms);
    transaction_free(&open);
    transaction_free(&pay_sms);
    transaction_free(&pay);
    acp_client_free(client);
    free(settings);
    free(pfx);
    curl_global_cleanup();
    return failed;
}
