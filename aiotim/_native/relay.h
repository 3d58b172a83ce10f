/*
 * relay.h: the bridge from SDK threads to the event loop.
 *
 * An SDK thread calls one of our trampolines (one per callback typedef). The trampoline copies
 * every argument into one heap record, appends it to the inbox of the relay named by the
 * callback's user_data, and signals the relay's eventfd once per batch. It never touches Python.
 * The event loop waits for the eventfd and takes the whole batch in one call.
 *
 * user_data is an integer, never a pointer: bits 56..63 the relay slot, 40..55 the slot's
 * generation, 0..39 a token (a pending-call id, or a setter's index). A record whose relay is
 * closed, or whose generation is stale, is dropped and counted.
 */
#ifndef AIOTIM_RELAY_H
#define AIOTIM_RELAY_H

#include <stddef.h>
#include <stdint.h>

#define AIOTIM_MAX_RELAYS 255
#define AIOTIM_REC_MAX_STR 6
#define AIOTIM_REC_MAX_INT 4

typedef struct aiotim_rec {
    struct aiotim_rec *next;
    uint64_t token;                          /* user_data bits 0..39 */
    int32_t kind;                            /* which trampoline: see relay_tramp.inc */
    int32_t nstr;
    int64_t ints[AIOTIM_REC_MAX_INT];        /* integer, enum and bool args, in order */
    const char *str[AIOTIM_REC_MAX_STR];     /* string args in order (NULL stays NULL) */
    size_t len[AIOTIM_REC_MAX_STR];
    uint64_t t_push_ns;                      /* CLOCK_MONOTONIC when the trampoline was entered */
} aiotim_rec;

typedef struct aiotim_relay_stats {
    uint64_t pushed;          /* records queued */
    uint64_t dropped;         /* records dropped because the relay was closed */
    uint64_t batches;         /* eventfd signals */
    uint64_t stall_max_ns;    /* longest time spent inside a trampoline */
    uint64_t stall_hist[32];  /* time inside a trampoline: bucket i counts [2^i, 2^(i+1)) ns */
} aiotim_relay_stats;

/* Open a relay; returns its slot (>= 0) or -errno. */
int aiotim_relay_open(void);
/* The eventfd that becomes readable when records are waiting. */
int aiotim_relay_fd(int slot);
/* The user_data value that routes a callback to `slot` with `token`. */
uint64_t aiotim_relay_user_data(int slot, uint64_t token);
/* Take every waiting record (oldest first) and re-arm the signal; NULL when there is none. */
aiotim_rec *aiotim_relay_take(int slot);
/* Like aiotim_relay_take, but the signal is re-armed only when there is nothing to take.
 * While it stays disarmed, SDK threads append records without writing the eventfd: the
 * consumer must poll again (soon, e.g. at its next loop iteration) until a poll comes back
 * NULL. A busy consumer thus takes a steady stream of records without a system call per
 * batch on either side; an idle one is woken by the eventfd as before. The poll that finds the
 * inbox empty after a burst (4096 records or more) gives the freed memory back to the system. */
aiotim_rec *aiotim_relay_poll(int slot);
/* The pump's take: the address of every waiting record (oldest first; free them as a batch of
 * aiotim_relay_take), leaving the signal disarmed and the eventfd untouched, so that the
 * eventfd stays readable (or its write is in flight) for as long as the signal is disarmed:
 * the consumer's next wait returns at once and it fetches again. No system call on either side
 * while records keep coming, and none on the consumer's before it handles a batch. A fetch that
 * finds nothing clears the eventfd and re-arms the signal (both under the relay's lock), and
 * returns 0. The address is an integer: what the pump hands to records.convert. Not to be
 * mixed with aiotim_relay_poll on one relay (poll clears the eventfd and leaves the signal
 * disarmed). */
uint64_t aiotim_relay_fetch(int slot);
/* For a consumer of aiotim_relay_fetch that has handled a batch: re-arm the signal (clearing the
 * eventfd) if nothing is waiting, and return 1; else return 0 and leave the signal disarmed
 * (records wait: fetch them, later if more may come meanwhile). */
int aiotim_relay_rearm(int slot);
/* Hand a record the consumer is done with back for reuse by SDK threads (or free it): the
 * consumer's free() of records allocated on SDK threads contends for their malloc arenas. */
void aiotim_relay_recycle(aiotim_rec *rec);
/* Free a batch returned by aiotim_relay_take. */
void aiotim_relay_free(aiotim_rec *batch);
/* Close: later records for this relay are dropped and counted; frees what was queued. */
void aiotim_relay_close(int slot);
/* Copy the relay's counters into *out. */
void aiotim_relay_get_stats(int slot, aiotim_relay_stats *out);
/* Records dropped because their relay slot/generation was unknown (a closed client's). */
uint64_t aiotim_relay_stale_dropped(void);
/* Address of the trampoline for `kind`, or NULL. */
void *aiotim_trampoline(int kind);
/* Number of trampoline kinds. */
int aiotim_trampoline_count(void);

#endif
