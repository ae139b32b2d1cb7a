/* Loopback-only HTTP for the flow test and the conformance runner: a tiny HTTP/1.0 client, a listener that collects
 * notification bodies, and the sandbox process (`acp sandbox`). POSIX sockets, no libcurl. */
#ifndef ACP_TEST_HTTP_H
#define ACP_TEST_HTTP_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

/* Sends one request to an http://127.0.0.1:PORT/... URL; `*body_out` is malloc'd and
 * NUL-terminated. Returns the HTTP status, or -1 when no answer came (a connection or
 * format error, or 30 s passed). */
int http_request(const char *method, const char *url, const char *content_type, const char *body,
                 size_t len, char **body_out, size_t *len_out);
/* The same with the whole exchange limited to `timeout_ms`. */
int http_request_timeout(const char *method, const char *url, const char *content_type, const char *body,
                         size_t len, char **body_out, size_t *len_out, int timeout_ms);

#define INBOX_MAX 16

/* Collects the bodies POSTed to it, answering 200. */
typedef struct {
    int fd;
    int port;
    int stop;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t arrived;
    char *bodies[INBOX_MAX];
    size_t lengths[INBOX_MAX];
    int count;
} inbox;

int inbox_start(inbox *in);
/* Waits until `n` bodies arrived (at most `seconds`); returns the n-th or NULL. */
const char *inbox_wait(inbox *in, int n, int seconds, size_t *len);
void inbox_stop(inbox *in);

/* A running `acp sandbox --port 0 --bind 127.0.0.1 --exit-on-eof [extra…]`. */
typedef struct {
    pid_t pid;
    int stdin_fd;
    char base_url[128];
} sandbox;

/* Starts it with the NULL-terminated `extra` arguments (NULL for none) and reads its base
 * URL; 0 on success. Its stderr (banner, log) goes to /dev/null unless ACP_SANDBOX_LOG is
 * set. */
int sandbox_start(const char *acp_binary, const char *const *extra, sandbox *sb);
/* Closes its stdin (it shuts down cleanly) and waits for it. */
void sandbox_stop(sandbox *sb);

#endif
