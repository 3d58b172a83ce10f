/*
 * callfloor.c: the floor of the calls-at-concurrency-1 comparison (benchmarks/node_peer.py).
 *
 * A client in C with nothing in it: it opens the loopback library, logs in, and makes one call
 * at a time, waiting for each result as an idle event loop does (the callback writes an
 * eventfd; this thread sleeps in epoll_wait on it), with no notification callback registered
 * (as the Node peer). Its rate is what any client reaches on this machine, cloud and library
 * included: aiotim and the Node wrapper are measured against it.
 *
 *   callfloor LIBRARY APP_ID USER USER_SIG PEER FUNCTION COUNT WARM DATA_DIR
 *
 * FUNCTION: TIMConvGetConvList, or TIMMsgSendMessage (a text to PEER). The cloud's address is
 * in AIOTIM_LOOPBACK_ADDRESS; the SDK's files go to DATA_DIR. Prints one JSON line: {"rate": calls per second, "maps": {...}};
 * "maps" says whether LIBRARY is mapped and whether any file named libImSDK is (the caller
 * refuses the result then). Exit status 1 with a message on stderr when something fails.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

typedef void (*comm_cb)(int32_t code, const char *desc, const char *json, const void *ud);

/* The result callback: the loop floor's own (keeps the code, writes the eventfd). */
#include "resultfd.c"

static int efd, epfd;

static int wait_result(void)
{
    struct epoll_event ev;
    for (;;) {
        int n = epoll_wait(epfd, &ev, 1, 30000);
        if (n == 1)
            break;
        if (n == 0) {
            fprintf(stderr, "callfloor: no result in 30 s\n");
            return -1;
        }
        if (errno != EINTR) {
            perror("callfloor: epoll_wait");
            return -1;
        }
    }
    uint64_t v;
    if (read(efd, &v, sizeof v) < 0)
        return -1;
    return resultfd_code();
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Whether /proc/self/maps shows a path containing needle. */
static int mapped(const char *needle)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return -1;
    char line[4096];
    int found = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, needle))
            found = 1;
    fclose(f);
    return found;
}

static void *sym(void *lib, const char *name)
{
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "callfloor: %s is not in the library\n", name);
        exit(1);
    }
    return p;
}

int main(int argc, char **argv)
{
    if (argc != 10) {
        fprintf(stderr,
                "usage: callfloor LIBRARY APP_ID USER USER_SIG PEER FUNCTION COUNT WARM DATA_DIR\n");
        return 1;
    }
    const char *library = argv[1], *user = argv[3], *sig = argv[4], *peer = argv[5];
    const char *function = argv[6], *dir = argv[9];
    uint64_t app_id = strtoull(argv[2], NULL, 10);
    long count = atol(argv[7]), warm = atol(argv[8]);
    int send = strcmp(function, "TIMMsgSendMessage") == 0;
    if (!send && strcmp(function, "TIMConvGetConvList") != 0) {
        fprintf(stderr, "callfloor: unknown function %s\n", function);
        return 1;
    }
    if (strstr(library, "libImSDK")) {
        fprintf(stderr, "callfloor: refusing %s: the floor runs on the loopback only\n", library);
        return 1;
    }
    void *lib = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "callfloor: %s\n", dlerror());
        return 1;
    }
    int (*tim_init)(uint64_t, const char *) = sym(lib, "TIMInit");
    int (*tim_uninit)(void) = sym(lib, "TIMUninit");
    int (*tim_login)(const char *, const char *, comm_cb, const void *) = sym(lib, "TIMLogin");
    int (*tim_send)(const char *, int, const char *, char *, comm_cb, const void *) =
        sym(lib, "TIMMsgSendMessage");
    int (*tim_list)(comm_cb, const void *) = sym(lib, "TIMConvGetConvList");

    efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = efd};
    if (efd < 0 || epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, efd, &ev) < 0) {
        perror("callfloor: eventfd/epoll");
        return 1;
    }
    resultfd_set(efd);
    char config[512];
    snprintf(config, sizeof config,
             "{\"sdk_config_config_file_path\":\"%s\",\"sdk_config_log_file_path\":\"%s\"}", dir,
             dir);
    if (tim_init(app_id, config) != 0) {
        fprintf(stderr, "callfloor: TIMInit failed\n");
        return 1;
    }
    int rc = tim_login(user, sig, resultfd_callback, NULL);
    if (rc != 0 || (rc = wait_result()) != 0) {
        fprintf(stderr, "callfloor: TIMLogin failed (%d)\n", rc);
        return 1;
    }
    /* The same text as the other two sides send (node_peer.js, aiotim's send_text). */
    const char *msg =
        "{\"message_elem_array\":[{\"elem_type\":0,\"text_elem_content\":\"hello, benchmark\"}]}";
    char msg_id[128];
    if (tim_send(peer, 1, msg, msg_id, resultfd_callback, NULL) != 0 || wait_result() != 0) {
        fprintf(stderr, "callfloor: the first send failed\n"); /* one conversation to list */
        return 1;
    }
    double t0 = 0;
    for (long i = 0; i < warm + count; i++) {
        if (i == warm)
            t0 = now_s();
        rc = send ? tim_send(peer, 1, msg, msg_id, resultfd_callback, NULL) : tim_list(resultfd_callback, NULL);
        if (rc != 0 || (rc = wait_result()) != 0) {
            fprintf(stderr, "callfloor: %s failed (%d)\n", function, rc);
            return 1;
        }
    }
    double rate = (double)count / (now_s() - t0);
    int loopback = mapped(library), real = mapped("libImSDK");
    tim_uninit();
    printf("{\"rate\": %.1f, \"maps\": {\"loopback_mapped\": %s, \"real_mapped\": %s}}\n", rate,
           loopback == 1 ? "true" : "false", real == 0 ? "false" : "true");
    return 0;
}
