/* The host's loop over acp_client_next_step (see query_until_final.h). */
#include "query_until_final.h"

#include <stdlib.h>

acp_result send_request(const acp_client *client, const acp_request *request, const host_io *host,
                        acp_step **step) {
    char *answer = NULL;
    size_t len = 0;
    int status = host->post(host->ctx, acp_request_url(request), acp_request_body(request), &answer, &len);
    acp_result rc = acp_client_next_step(client, request, status, (const uint8_t *)answer, len,
                                         host->now(host->ctx), step);
    free(answer);
    return rc;
}

acp_result query_until_final(const acp_client *client, acp_step **step, const host_io *host,
                             unsigned max_queries) {
    for (unsigned sent = 0; sent < max_queries && acp_step_kind(*step) == ACP_STEP_QUERY; sent++) {
        int64_t at = 0;
        acp_step_at(*step, &at);
        int64_t wait = at - host->now(host->ctx);
        if (wait > 0) host->sleep(host->ctx, wait);
        acp_step *next = NULL;
        acp_result rc = send_request(client, acp_step_query(*step), host, &next);
        if (rc != ACP_RESULT_OK) return rc;
        acp_step_free(*step); /* the query borrowed from it is not needed any more */
        *step = next;
    }
    return ACP_RESULT_OK;
}
