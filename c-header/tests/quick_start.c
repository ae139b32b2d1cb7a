/* README.md's C quick start, compiled by c-header/test.sh so that it stays true: test.sh
 * extracts the block (without its #include lines) to quick_start_body.inc, and this file
 * gives it what a program around it would have. */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "query_until_final.h"
#include "unionpay_acp.h"

static int my_post(void *ctx, const char *url, const char *body, char **answer, size_t *len) {
    (void)ctx, (void)url, (void)body, (void)answer, (void)len;
    return -1;
}
static int64_t my_now(void *ctx) {
    (void)ctx;
    return (int64_t)time(NULL);
}
static void my_sleep(void *ctx, int64_t seconds) { (void)ctx, (void)seconds; }

void quick_start(const uint8_t *pfx, size_t pfx_len, const char *order, const char *sms_txn_time, const char *token,
                 const uint8_t *body, size_t body_len);
void quick_start(const uint8_t *pfx, size_t pfx_len, const char *order, const char *sms_txn_time, const char *token,
                 const uint8_t *body, size_t body_len) {
#include "quick_start_body.inc"
}
