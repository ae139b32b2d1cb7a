/* The host's side of the request lifecycle: POST a request, hand what happened to
 * acp_client_next_step, and while the step says ACP_STEP_QUERY, wait until acp_step_at and
 * POST acp_step_query. The library decides everything else (what an answer means, which
 * status counts, when to query); this loop only does the I/O. */
#ifndef ACP_EXAMPLE_QUERY_UNTIL_FINAL_H
#define ACP_EXAMPLE_QUERY_UNTIL_FINAL_H

#include <stddef.h>
#include <stdint.h>

#include "unionpay_acp.h"

/* What the loop needs from the host: its HTTP client, its clock and its way of waiting. */
typedef struct {
    /* POSTs `body` (Content-Type application/x-www-form-urlencoded;charset=UTF-8) to `url`.
     * Returns the HTTP status with the answer in *answer (malloc'd; the loop frees it) and
     * *len, or -1 when no answer came (connection error, timeout). */
    int (*post)(void *ctx, const char *url, const char *body, char **answer, size_t *len);
    /* Unix seconds. */
    int64_t (*now)(void *ctx);
    /* Waits `seconds`. A server would rather park the order (a timer, a job queue) and
     * resume from the stored request (acp_request_json) than block a thread. */
    void (*sleep)(void *ctx, int64_t seconds);
    void *ctx;
} host_io;

/* POSTs `request` and asks the client for the next step (*step, freed by the caller). */
acp_result send_request(const acp_client *client, const acp_request *request, const host_io *host,
                        acp_step **step);

/* While *step is a query step and fewer than `max_queries` were sent: waits until its time,
 * POSTs its status query and replaces *step (freeing it) with the next step. *step ends as
 * a final step (acp_step_outcome), a stop (acp_step_stop_reason) or, after `max_queries`,
 * the last query step. Returns the error of a step that failed (*step is then unchanged). */
acp_result query_until_final(const acp_client *client, acp_step **step, const host_io *host,
                             unsigned max_queries);

#endif
