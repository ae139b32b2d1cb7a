/* A token payment with libunionpay_acp and libcurl: open the card (SMS + back open),
 * pay 10.00 with the token (SMS + consume), then confirm with a status query.
 *
 *   pay_with_curl BASE_URL MERCHANT_PFX PFX_PASSWORD ENC_CERT_PEM
 *
 * e.g. against the local sandbox (`acp sandbox` prints BASE_URL):
 *   pay_with_curl http://127.0.0.1:8080 tests/fixtures/sandbox/merchant.pfx 000000 \
 *                 tests/fixtures/sandbox/enc.pem
 * The sandbox's CA comes from BASE_URL/_sandbox/trust; against UnionPay use
 * "environment" = "test" or "production" and "trust" = the same word instead. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unionpay_acp.h"

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

/* GET (body NULL) or POST a form; returns the answer (free it) or NULL. */
static char *http(const char *url, const char *body, size_t *len) {
    buffer b = {NULL, 0};
    long status = 0;
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded;charset=UTF-8");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    }
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK || status != 200) {
        fprintf(stderr, "HTTP %s: %s (status %ld)\n", url, curl_easy_strerror(rc), status);
        free(b.data);
        return NULL;
    }
    *len = b.len;
    return b.data;
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

static int fail(const char *what) {
    char msg[1024];
    size_t n;
    acp_last_error_message(msg, sizeof msg, &n);
    fprintf(stderr, "%s: %s\n", what, msg);
    return 1;
}

/* Builds, sends and handles one request; 0 on success. The caller frees both outputs. */
static int call(acp_client *client, const char *api, const acp_kv *params, size_t n, acp_request **req,
                acp_outcome **outcome) {
    size_t len = 0;
    *req = NULL;
    *outcome = NULL;
    if (acp_client_build(client, api, params, n, (int64_t)time(NULL), req) != ACP_RESULT_OK) return fail(api);
    char *answer = http(acp_request_url(*req), acp_request_body(*req), &len);
    if (!answer) return 1;
    acp_result rc = acp_client_handle_response(client, *req, (const uint8_t *)answer, len, (int64_t)time(NULL), outcome);
    free(answer);
    if (rc != ACP_RESULT_OK) return fail(api);
    printf("%-12s status %d respCode %s %s\n", api, acp_outcome_status(*outcome), acp_outcome_resp_code(*outcome),
           acp_fields_get(acp_outcome_fields(*outcome), "respMsg"));
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s BASE_URL MERCHANT_PFX PFX_PASSWORD ENC_CERT_PEM\n", argv[0]);
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char url[512], *trust, *pfx, *enc, *middle;
    size_t trust_len, pfx_len, enc_len;
    snprintf(url, sizeof url, "%s/_sandbox/trust", argv[1]);
    if (!(trust = http(url, NULL, &trust_len)) || !(middle = strstr(trust + 1, "-----BEGIN")) ||
        !(pfx = read_file(argv[2], &pfx_len)) || !(enc = read_file(argv[4], &enc_len)))
        return 1;
    middle[-1] = '\0'; /* trust = root PEM, middle = middle PEM */

    acp_kv config[] = {
        {"merId", "777290058110097"}, {"environment", argv[1]}, {"trust", "custom"},
        {"trustRootPem", trust},      {"trustMiddlePem", middle},
    };
    acp_client *client = NULL;
    if (acp_client_new(config, 5, (const uint8_t *)pfx, pfx_len, argv[3], (const uint8_t *)enc, enc_len, &client))
        return fail("acp_client_new");

    char order[32], token[64] = "";
    acp_request *sms = NULL, *req = NULL, *pay = NULL, *query = NULL;
    acp_outcome *o = NULL;
    int failed = 1;

    /* Open the card: SMS (77/00), then the back open (79/00) with the SMS's orderId and
     * txnTime; the token comes back in tokenPayData. */
    snprintf(order, sizeof order, "EXOPEN%ld", (long)time(NULL));
    acp_kv sms_open[] = {{"orderId", order}, {"accNo", "6221558812340000"}, {"phoneNo", "13552535506"}};
    if (call(client, "sms_open", sms_open, 3, &sms, &o)) goto out;
    acp_outcome_free(o);
    o = NULL;
    acp_kv back_open[] = {
        {"orderId", order},  {"txnTime", acp_fields_get(acp_request_fields(sms), "txnTime")},
        {"accNo", "6221558812340000"}, {"phoneNo", "13552535506"}, {"cvn2", "123"},
        {"expired", "2311"}, {"smsCode", "111111"},
    };
    if (call(client, "back_open", back_open, 7, &req, &o)) goto out;
    acp_fields *tpd = NULL;
    if (acp_fields_nested(acp_outcome_fields(o), "tokenPayData", &tpd) == ACP_RESULT_OK &&
        acp_fields_get(tpd, "token"))
        snprintf(token, sizeof token, "%s", acp_fields_get(tpd, "token"));
    acp_fields_free(tpd);
    acp_outcome_free(o);
    o = NULL;
    acp_request_free(req);
    acp_request_free(sms);
    sms = req = NULL;
    if (!token[0]) goto out;

    /* Pay 10.00 (1000 fen): SMS (77/02), then consume (01/01). 00 means accepted. */
    snprintf(order, sizeof order, "EXPAY%ld", (long)time(NULL));
    acp_kv sms_consume[] = {{"orderId", order}, {"txnAmt", "1000"}, {"token", token}};
    if (call(client, "sms_consume", sms_consume, 3, &sms, &o)) goto out;
    acp_outcome_free(o);
    o = NULL;
    acp_kv consume[] = {
        {"orderId", order}, {"txnTime", acp_fields_get(acp_request_fields(sms), "txnTime")},
        {"txnAmt", "1000"}, {"token", token}, {"smsCode", "111111"},
        {"backUrl", "http://127.0.0.1:9/notify"}, /* your notification endpoint */
    };
    if (call(client, "consume", consume, 6, &pay, &o)) goto out;
    if (acp_outcome_status(o) != ACP_STATUS_ACCEPTED) goto out;
    acp_outcome_free(o);
    o = NULL;

    /* The notification decides; without one, the status query does. */
    size_t len = 0;
    if (acp_client_build_query(client, pay, 1, (int64_t)time(NULL), &query)) {
        fail("status query");
        goto out;
    }
    char *answer = http(acp_request_url(query), acp_request_body(query), &len);
    if (!answer) goto out;
    acp_result rc = acp_client_handle_response(client, query, (const uint8_t *)answer, len, (int64_t)time(NULL), &o);
    free(answer);
    if (rc) {
        fail("status query");
        goto out;
    }
    printf("payment %s: %s (origRespCode %s, queryId %s)\n", order,
           acp_outcome_status(o) == ACP_STATUS_SUCCESS ? "succeeded" : "not confirmed", acp_outcome_resp_code(o),
           acp_fields_get(acp_outcome_fields(o), "queryId"));
    failed = acp_outcome_status(o) != ACP_STATUS_SUCCESS;
out:
    acp_outcome_free(o);
    acp_request_free(req);
    acp_request_free(query);
    acp_request_free(pay);
    acp_request_free(sms);
    acp_client_free(client);
    free(pfx);
    free(enc);
    free(trust);
    curl_global_cleanup();
    return failed;
}
