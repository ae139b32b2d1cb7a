#define _DEFAULT_SOURCE
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int64_t now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Reads until EOF (or `limit` bytes); malloc'd, NUL-terminated. NULL when `deadline` (ms,
 * CLOCK_MONOTONIC) passes first. */
static char *read_all(int fd, size_t *len, size_t limit, int64_t deadline) {
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        int64_t left = deadline - now_ms();
        struct pollfd p = {fd, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
            free(buf);
            return NULL;
        }
        if (n + 1 >= cap) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) break;
            buf = grown;
            cap *= 2;
        }
        ssize_t r = recv(fd, buf + n, cap - n - 1, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        n += (size_t)r;
        if (n >= limit) break;
    }
    if (buf) buf[n] = '\0';
    *len = n;
    return buf;
}

static int connect_loopback(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    return fd;
}

int http_request(const char *method, const char *url, const char *content_type, const char *body,
                 size_t len, char **body_out, size_t *len_out) {
    return http_request_timeout(method, url, content_type, body, len, body_out, len_out, 30000);
}

int http_request_timeout(const char *method, const char *url, const char *content_type, const char *body,
                         size_t len, char **body_out, size_t *len_out, int timeout_ms) {
    int port;
    char path[1024] = "/";
    int64_t deadline = now_ms() + timeout_ms;
    *body_out = NULL;
    if (sscanf(url, "http://127.0.0.1:%d%1023s", &port, path) < 1) {
        fprintf(stderr, "http: only http://127.0.0.1:PORT URLs, not %s\n", url);
        return -1;
    }
    int fd = connect_loopback(port);
    if (fd < 0) return -1;
    char head[2048];
    int h = snprintf(head, sizeof head,
                     "%s %s HTTP/1.0\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n"
                     "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n",
                     method, path, port, content_type ? content_type : "text/plain", len);
    if (write_all(fd, head, (size_t)h) || write_all(fd, body ? body : "", len)) {
        close(fd);
        return -1;
    }
    size_t n;
    char *resp = read_all(fd, &n, 64u << 20, deadline);
    close(fd);
    int status = -1;
    char *sep = resp ? strstr(resp, "\r\n\r\n") : NULL;
    if (!resp || !sep || sscanf(resp, "HTTP/1.%*d %d", &status) != 1) {
        free(resp);
        return -1;
    }
    size_t off = (size_t)(sep + 4 - resp);
    memmove(resp, resp + off, n - off + 1);
    *body_out = resp;
    *len_out = n - off;
    return status;
}

/* One request: headers, then Content-Length bytes of body. */
static void serve_one(inbox *in, int fd) {
    size_t cap = 65536, n = 0, want = (size_t)-1;
    char *buf = malloc(cap);
    char *body = NULL;
    while (buf && n + 1 < cap) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 10000) <= 0) break;
        ssize_t r = recv(fd, buf + n, cap - n - 1, 0);
        if (r <= 0) break;
        n += (size_t)r;
        buf[n] = '\0';
        char *sep = strstr(buf, "\r\n\r\n");
        if (sep && want == (size_t)-1) {
            body = sep + 4;
            want = 0;
            for (char *line = buf; line && line < sep; line = strstr(line, "\r\n"), line = line ? line + 2 : NULL)
                if (!strncasecmp(line, "Content-Length:", 15)) want = strtoul(line + 15, NULL, 10);
        }
        if (body && (size_t)(buf + n - body) >= want) break;
    }
    const char *ok = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    if (body && (size_t)(buf + n - body) >= want) {
        write_all(fd, ok, strlen(ok));
        pthread_mutex_lock(&in->lock);
        if (in->count < INBOX_MAX) {
            char *copy = malloc(want + 1);
            if (copy) {
                memcpy(copy, body, want);
                copy[want] = '\0';
                in->bodies[in->count] = copy;
                in->lengths[in->count++] = want;
                pthread_cond_broadcast(&in->arrived);
            }
        }
        pthread_mutex_unlock(&in->lock);
    }
    free(buf);
}

static void *accept_loop(void *arg) {
    inbox *in = arg;
    for (;;) {
        struct pollfd p = {in->fd, POLLIN, 0};
        int r = poll(&p, 1, 100);
        pthread_mutex_lock(&in->lock);
        int stop = in->stop;
        pthread_mutex_unlock(&in->lock);
        if (stop) return NULL;
        if (r <= 0) continue;
        int c = accept(in->fd, NULL, NULL);
        if (c < 0) continue;
        serve_one(in, c);
        close(c);
    }
}

int inbox_start(inbox *in) {
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    memset(in, 0, sizeof *in);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    in->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (in->fd < 0 || bind(in->fd, (struct sockaddr *)&a, sizeof a) || listen(in->fd, 16) ||
        getsockname(in->fd, (struct sockaddr *)&a, &alen))
        return -1;
    in->port = ntohs(a.sin_port);
    pthread_mutex_init(&in->lock, NULL);
    pthread_cond_init(&in->arrived, NULL);
    return pthread_create(&in->thread, NULL, accept_loop, in);
}

const char *inbox_wait(inbox *in, int n, int seconds, size_t *len) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    pthread_mutex_lock(&in->lock);
    while (in->count < n)
        if (pthread_cond_timedwait(&in->arrived, &in->lock, &until) == ETIMEDOUT) break;
    const char *body = in->count >= n ? in->bodies[n - 1] : NULL;
    if (body) *len = in->lengths[n - 1];
    pthread_mutex_unlock(&in->lock);
    return body;
}

void inbox_stop(inbox *in) {
    pthread_mutex_lock(&in->lock);
    in->stop = 1;
    pthread_mutex_unlock(&in->lock);
    pthread_join(in->thread, NULL);
    close(in->fd);
    for (int i = 0; i < in->count; i++) free(in->bodies[i]);
    pthread_mutex_destroy(&in->lock);
    pthread_cond_destroy(&in->arrived);
}

int sandbox_start(const char *acp_binary, const char *const *extra, sandbox *sb) {
    int to_child[2], from_child[2];
    const char *argv[16] = {acp_binary, "sandbox", "--port", "0", "--bind", "127.0.0.1", "--exit-on-eof"};
    size_t argc = 7;
    while (extra && *extra && argc < 15) argv[argc++] = *extra++;
    argv[argc] = NULL;
    memset(sb, 0, sizeof *sb);
    if (pipe(to_child) || pipe(from_child)) return -1;
    sb->pid = fork();
    if (sb->pid < 0) return -1;
    if (sb->pid == 0) {
        int quiet = open("/dev/null", O_WRONLY);
        dup2(to_child[0], 0);
        dup2(from_child[1], 1);
        if (quiet >= 0 && !getenv("ACP_SANDBOX_LOG")) dup2(quiet, 2); /* its banner and log */
        close(to_child[1]);
        close(from_child[0]);
        execv(acp_binary, (char *const *)argv);
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    sb->stdin_fd = to_child[1];
    /* The first stdout line is the base URL. */
    size_t n = 0;
    char c;
    while (n + 1 < sizeof sb->base_url) {
        struct pollfd p = {from_child[0], POLLIN, 0};
        if (poll(&p, 1, 30000) <= 0 || read(from_child[0], &c, 1) != 1 || c == '\n') break;
        sb->base_url[n++] = c;
    }
    sb->base_url[n] = '\0';
    close(from_child[0]);
    if (strncmp(sb->base_url, "http://127.0.0.1:", 17) != 0) {
        sandbox_stop(sb);
        return -1;
    }
    return 0;
}

void sandbox_stop(sandbox *sb) {
    int status;
    if (sb->pid <= 0) return;
    close(sb->stdin_fd);
    for (int i = 0; i < 100; i++) {
        if (waitpid(sb->pid, &status, WNOHANG) == sb->pid) {
            sb->pid = 0;
            return;
        }
        usleep(100000);
    }
    kill(sb->pid, SIGTERM);
    waitpid(sb->pid, &status, 0);
    sb->pid = 0;
}
