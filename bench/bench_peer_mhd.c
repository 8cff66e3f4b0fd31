/*
 * bench_peer_mhd.c - the peer of bench_server.sh: the least an HTTP server
 * on libmicrohttpd can do, configured exactly as jiuzhu's (server/http.c),
 * answering every request with one fixed JSON body.
 *
 *   bench_peer_mhd [--port N] [--threads N] [--size BYTES] [--port-file F]
 *
 * Same daemon as `jiuzhu serve`: MHD_USE_INTERNAL_POLLING_THREAD |
 * MHD_USE_EPOLL, a thread pool of --threads workers (default 2 per core, as
 * jiuzhu), at most 4096 connections, idle ones closed after 60 s, 32 KiB of
 * memory per connection, the completion callback, address reuse.  A request
 * body is read and dropped; the answer is the same for every request and
 * path: `--size` bytes of JSON (default 11,000, about jiuzhu's answer to
 * POST /api/assess with its trace), with the headers jiuzhu sends on a JSON
 * answer (Content-Type, Cache-Control, X-Content-Type-Options,
 * X-Frame-Options, Referrer-Policy, Content-Security-Policy), a new response
 * object per request as jiuzhu makes one.  What is left out is jiuzhu's own
 * work: routing, the session lookup, parsing the JSON body, the operation
 * and building its JSON answer.
 *
 * --port 0 (the default) takes a free port.  The bound port is printed on
 * standard output ("port N") and written to --port-file if given.  SIGINT
 * or SIGTERM stops it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

static char *body;
static size_t body_len;

/* One request (made when its headers have arrived): the body bytes dropped. */
typedef struct peer_req {
    size_t received;
} peer_req;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)upload_data;
    peer_req *st = *con_cls;
    if (!st) {
        if (!(st = calloc(1, sizeof *st)))
            return MHD_NO;
        *con_cls = st;
        return MHD_YES;
    }
    if (*upload_data_size) { /* drained */
        st->received += *upload_data_size;
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'");
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    free(*con_cls);
    *con_cls = NULL;
}

/* A JSON object of exactly n bytes (at least 32). */
static char *make_body(size_t n)
{
    static const char head[] = "{\"peer\":\"libmicrohttpd\",\"pad\":\"";
    static const char tail[] = "\"}";
    if (n < sizeof head + sizeof tail)
        n = sizeof head + sizeof tail;
    char *b = malloc(n + 1);
    if (!b)
        return NULL;
    size_t h = sizeof head - 1, t = sizeof tail - 1;
    memcpy(b, head, h);
    for (size_t i = h; i < n - t; i++)
        b[i] = (char)('a' + (i % 26));
    memcpy(b + n - t, tail, t);
    b[n] = '\0';
    return b;
}

static bool number(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || end == s || v > max || s[0] == '-')
        return false;
    *out = v;
    return true;
}

static void usage(void)
{
    fputs("usage: bench_peer_mhd [--port N] [--threads N] [--size BYTES] [--port-file F]\n",
          stderr);
}

int main(int argc, char **argv)
{
    unsigned long port = 0, threads = 0, size = 11000;
    const char *port_file = NULL;
    for (int i = 1; i < argc; i += 2) { /* every option takes a value */
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = v != NULL;
        if (strcmp(a, "--port") == 0)
            ok = ok && number(v, 65535, &port);
        else if (strcmp(a, "--threads") == 0)
            ok = ok && number(v, 1024, &threads) && threads > 0;
        else if (strcmp(a, "--size") == 0)
            ok = ok && number(v, 64ul << 20, &size);
        else if (strcmp(a, "--port-file") == 0)
            port_file = v;
        else
            ok = false;
        if (!ok) {
            usage();
            return 2;
        }
    }
    if (!threads) { /* as jiuzhu serve: 2 per core */
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        threads = ncpu > 0 ? 2 * (unsigned long)ncpu : 4;
    }
    if (!(body = make_body(size))) {
        fputs("bench_peer_mhd: out of memory\n", stderr);
        return 1;
    }
    body_len = strlen(body);

    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    signal(SIGPIPE, SIG_IGN);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    /* The flags and options of server/http.c (without TLS). */
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
        on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)threads, MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_CONNECTION_TIMEOUT, 60u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32 * 1024, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "bench_peer_mhd: cannot listen on 127.0.0.1:%lu\n", port);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned bound = info ? info->port : 0;
    printf("port %u\n", bound);
    fflush(stdout);
    if (port_file) {
        FILE *f = fopen(port_file, "w");
        if (f) {
            fprintf(f, "%u\n", bound);
            fclose(f);
        }
    }
    fprintf(stderr, "bench_peer_mhd: http://127.0.0.1:%u/, %lu threads, %zu-byte answer\n", bound,
            threads, body_len);
    int sig = 0;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    free(body);
    return 0;
}
