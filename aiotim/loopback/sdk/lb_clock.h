/*
 * Layers, lowest first: abi, clock -> json, wire, callbacks -> queue -> media -> net -> sdk ->
 * (api.c).
 *
 * lb_clock.h: the two clocks of the loopback SDK, in milliseconds (header only).
 */
#ifndef AIOTIM_LOOPBACK_LB_CLOCK_H
#define AIOTIM_LOOPBACK_LB_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t lb_clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Monotonic: deadlines, backoff. */
static inline int64_t lb_now_ms(void)
{
    return lb_clock_ms(CLOCK_MONOTONIC);
}

/* Realtime: server time, message ids. */
static inline int64_t lb_wall_ms(void)
{
    return lb_clock_ms(CLOCK_REALTIME);
}

#endif
