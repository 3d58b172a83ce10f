/*
 * resultfd.c: the result callback of the calls' floors (benchmarks/node_peer.py): it keeps
 * the result's code and writes an eventfd, which an event loop (the loop floor, through this
 * file as a shared object) or an epoll thread (callfloor.c, which includes this file) watches.
 * No Python runs on the SDK's thread. One call at a time (the floors are at concurrency 1).
 */
#include <stdint.h>
#include <unistd.h>

static int result_fd = -1;
static volatile int32_t result_code;

void resultfd_set(int fd) { result_fd = fd; }

int32_t resultfd_code(void) { return result_code; }

void resultfd_callback(int32_t code, const char *desc, const char *json, const void *user_data)
{
    (void)desc;
    (void)json;
    (void)user_data;
    result_code = code;
    uint64_t one = 1;
    if (write(result_fd, &one, sizeof one) < 0)
        _exit(3); /* the eventfd cannot overflow at one call at a time: a bug */
}
