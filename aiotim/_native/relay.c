/*
 * relay.c: SDK thread -> inbox -> eventfd. See relay.h for the contract.
 *
 * Hot path cost: one malloc (or a recycled record), the string copies, one short mutex section, and an eventfd write
 * only when the inbox goes from "not signalled" to "signalled": once per batch, not per record,
 * and not at all while the consumer keeps polling (aiotim_relay_poll leaves the signal
 * disarmed as long as it finds records).
 */
#include "relay.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "tim_abi.h"

typedef struct relay {
    pthread_mutex_t mu;
    aiotim_rec *head, *tail;
    bool open;
    bool signalled;
    uint16_t gen;
    int efd;
    int writers; /* pushers between "signalled" and their eventfd write (atomic) */
    uint64_t pushed_when_idle; /* stats.pushed when a poll last found the inbox empty */
    aiotim_relay_stats stats;
} relay;

/* -- recycled records ------------------------------------------------------------------------
 * A record is malloc'ed on an SDK thread and freed by the consumer (the event loop's thread):
 * glibc then frees it into the SDK thread's arena, under that arena's lock, which the SDK
 * thread is taking for its next malloc -- with one message per callback the event loop's thread
 * spent most of its time waiting for that lock (futex waits, context switches). Instead the
 * consumer hands finished records back (aiotim_relay_recycle): a lock-free stack that SDK
 * threads take whole and reuse, record by record, from a list of their own. Bounded: at most
 * RECYCLE_MAX records and RECYCLE_MAX_BYTES wait in the stack, and each thread keeps what it
 * took (freed at its exit); a record larger than RECYCLE_MAX_SIZE, or one beyond the bounds, is
 * freed at once.
 * Large records are recycled too: a callback of 100 or 1,000 messages (offline messages, a
 * sync) is a 100 KB - 1 MB record, and freeing each one gave its pages back to the system
 * (glibc trims a thread arena's heap, or unmaps a chunk that large), for the SDK thread to fault
 * them in, zeroed, for the next (a sixth of the SDK thread's time at 100 per callback) while the
 * event loop's thread paid for the unmapping. */
#define RECYCLE_MAX 512
#define RECYCLE_MAX_SIZE (4u << 20)
#define RECYCLE_MAX_BYTES (8u << 20)

static aiotim_rec *recycled;  /* atomic: pushed one by one, taken whole (no ABA) */
static int recycled_n;        /* atomic, approximate: records in `recycled` */
static size_t recycled_bytes; /* atomic, approximate: their usable sizes */
static __thread aiotim_rec *spare; /* this SDK thread's records to reuse */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_free(void *unused) {
    (void)unused;
    while (spare) {
        aiotim_rec *next = spare->next;
        free(spare);
        spare = next;
    }
}

static void spare_init(void) { (void)pthread_key_create(&spare_key, spare_free); }

static size_t rec_size(aiotim_rec *rec) {
#ifdef __GLIBC__
    return malloc_usable_size(rec);
#else
    (void)rec;
    return 0; /* unknown: never reused */
#endif
}

void aiotim_relay_recycle(aiotim_rec *rec) {
    size_t size = rec_size(rec);
    if (size > RECYCLE_MAX_SIZE || __atomic_load_n(&recycled_n, __ATOMIC_RELAXED) >= RECYCLE_MAX ||
        __atomic_load_n(&recycled_bytes, __ATOMIC_RELAXED) + size > RECYCLE_MAX_BYTES) {
        free(rec);
        return;
    }
    __atomic_fetch_add(&recycled_n, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&recycled_bytes, size, __ATOMIC_RELAXED);
    aiotim_rec *head = __atomic_load_n(&recycled, __ATOMIC_RELAXED);
    do {
        rec->next = head;
    } while (!__atomic_compare_exchange_n(&recycled, &head, rec, true, __ATOMIC_RELEASE,
                                          __ATOMIC_RELAXED));
}

/* A record of at least `total` bytes for this SDK thread: a recycled one, else malloc'ed. */
static aiotim_rec *rec_alloc(size_t total) {
    if (!spare && __atomic_load_n(&recycled, __ATOMIC_RELAXED)) {
        aiotim_rec *got = __atomic_exchange_n(&recycled, NULL, __ATOMIC_ACQUIRE);
        int n = 0;
        size_t bytes = 0;
        for (aiotim_rec *r = got; r; r = r->next) {
            n++;
            bytes += rec_size(r);
        }
        __atomic_fetch_sub(&recycled_n, n, __ATOMIC_RELAXED);
        __atomic_fetch_sub(&recycled_bytes, bytes, __ATOMIC_RELAXED);
        if (got) {
            pthread_once(&spare_once, spare_init);
            (void)pthread_setspecific(spare_key, (void *)1); /* frees `spare` at thread exit */
        }
        spare = got;
    }
    while (spare) {
        aiotim_rec *rec = spare;
        spare = rec->next;
        if (rec_size(rec) >= total) return rec;
        free(rec); /* too small for this one */
    }
    return malloc(total);
}

static relay relays[AIOTIM_MAX_RELAYS];
static pthread_mutex_t relays_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t relays_once = PTHREAD_ONCE_INIT;
static uint64_t stale_dropped;

#define TOKEN_BITS 40
#define TOKEN_MASK ((UINT64_C(1) << TOKEN_BITS) - 1)

static void relays_init(void) {
    for (int i = 0; i < AIOTIM_MAX_RELAYS; i++) {
        pthread_mutex_init(&relays[i].mu, NULL);
        relays[i].efd = -1;
    }
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static relay *slot_relay(int slot) {
    if (slot < 0 || slot >= AIOTIM_MAX_RELAYS) return NULL;
    pthread_once(&relays_once, relays_init);
    return &relays[slot];
}

int aiotim_relay_open(void) {
    pthread_once(&relays_once, relays_init);
    int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (efd < 0) return -errno;
    pthread_mutex_lock(&relays_mu);
    for (int i = 0; i < AIOTIM_MAX_RELAYS; i++) {
        relay *r = &relays[i];
        pthread_mutex_lock(&r->mu);
        if (!r->open && r->efd < 0) {
            r->open = true;
            r->signalled = false;
            r->gen++;
            r->efd = efd;
            r->head = r->tail = NULL;
            r->pushed_when_idle = 0;
            memset(&r->stats, 0, sizeof r->stats);
            pthread_mutex_unlock(&r->mu);
            pthread_mutex_unlock(&relays_mu);
            return i;
        }
        pthread_mutex_unlock(&r->mu);
    }
    pthread_mutex_unlock(&relays_mu);
    close(efd);
    return -EMFILE;
}

int aiotim_relay_fd(int slot) {
    relay *r = slot_relay(slot);
    return r ? r->efd : -1;
}

uint64_t aiotim_relay_user_data(int slot, uint64_t token) {
    relay *r = slot_relay(slot);
    if (!r) return 0;
    pthread_mutex_lock(&r->mu);
    uint64_t gen = r->gen;
    pthread_mutex_unlock(&r->mu);
    return ((uint64_t)(slot + 1) << 56) | (gen << TOKEN_BITS) | (token & TOKEN_MASK);
}

static void stall_account(relay *r, uint64_t t0) {
    uint64_t dt = now_ns() - t0;
    int bucket = dt ? 63 - __builtin_clzll(dt) : 0;
    if (bucket > 31) bucket = 31;
    __atomic_fetch_add(&r->stats.stall_hist[bucket], 1, __ATOMIC_RELAXED);
    uint64_t seen = __atomic_load_n(&r->stats.stall_max_ns, __ATOMIC_RELAXED);
    while (dt > seen && !__atomic_compare_exchange_n(&r->stats.stall_max_ns, &seen, dt, true,
                                                     __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
}

/* Called by every trampoline, on whatever thread the SDK used. */
static void relay_push(const void *user_data, int32_t kind, int nstr, const char *const *s,
                       int nint, const int64_t *iv) {
    uint64_t t0 = now_ns();
    uint64_t ud = (uint64_t)(uintptr_t)user_data;
    int slot = (int)(ud >> 56) - 1;
    uint16_t gen = (uint16_t)(ud >> TOKEN_BITS);
    relay *r = slot_relay(slot);
    if (!r) {
        __atomic_fetch_add(&stale_dropped, 1, __ATOMIC_RELAXED);
        return;
    }
    size_t lens[AIOTIM_REC_MAX_STR];
    size_t total = sizeof(aiotim_rec);
    for (int i = 0; i < nstr; i++) {
        lens[i] = s[i] ? strlen(s[i]) : 0;
        total += s[i] ? lens[i] + 1 : 0;
    }
    aiotim_rec *rec = rec_alloc(total);
    if (!rec) {
        __atomic_fetch_add(&r->stats.dropped, 1, __ATOMIC_RELAXED);
        return;
    }
    char *p = (char *)(rec + 1);
    rec->next = NULL;
    rec->token = ud & TOKEN_MASK;
    rec->kind = kind;
    rec->nstr = nstr;
    rec->t_push_ns = t0;
    for (int i = 0; i < AIOTIM_REC_MAX_INT; i++) rec->ints[i] = i < nint ? iv[i] : 0;
    for (int i = 0; i < AIOTIM_REC_MAX_STR; i++) {
        if (i < nstr && s[i]) {
            memcpy(p, s[i], lens[i]);
            p[lens[i]] = '\0';
            rec->str[i] = p;
            rec->len[i] = lens[i];
            p += lens[i] + 1;
        } else {
            rec->str[i] = NULL;
            rec->len[i] = 0;
        }
    }

    pthread_mutex_lock(&r->mu);
    if (!r->open || r->gen != gen) {
        bool stale = r->gen != gen;
        pthread_mutex_unlock(&r->mu);
        free(rec);
        if (stale) __atomic_fetch_add(&stale_dropped, 1, __ATOMIC_RELAXED);
        else __atomic_fetch_add(&r->stats.dropped, 1, __ATOMIC_RELAXED);
        return;
    }
    if (r->tail) r->tail->next = rec;
    else r->head = rec;
    r->tail = rec;
    r->stats.pushed++;
    int efd = -1;
    if (!r->signalled) {
        /* The eventfd write happens after the unlock (the mutex is held for the append only);
         * close() waits for `writers` to drop to 0 before it closes the fd, so the fd cannot
         * be closed (or reused) under us. A write that lands after the pump took this record
         * only makes one spurious, empty wake-up. */
        r->signalled = true;
        r->stats.batches++;
        efd = r->efd;
        __atomic_fetch_add(&r->writers, 1, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&r->mu);
    if (efd >= 0) {
        uint64_t one = 1;
        ssize_t n = write(efd, &one, sizeof one);
        (void)n; /* EAGAIN only if the counter is saturated: it is readable anyway */
        __atomic_fetch_sub(&r->writers, 1, __ATOMIC_RELEASE);
    }
    stall_account(r, t0);
}

/* A burst at least this long ended (a firehose, an offline sync): give the memory it held back
 * to the system. glibc keeps freed heap memory of a thread's arena mapped otherwise, so RSS would
 * stay at the burst's peak. Only when that is worth it: at least TRIM_MIN_FREE bytes are free in
 * the arenas. A firehose that the consumer keeps up with "ends" at every poll that finds the
 * inbox empty, with little memory free; trimming there gave back pages that the next records
 * faulted in again (1 message per callback: 266-294k msg/s with it, 405-457k without). Records
 * in use or waiting to be reused (recycled) are not free memory: a trim never takes their pages,
 * so 2 MB is enough (the memory benchmark's RSS growth: 0.1 MB; 16 MB left 13 MB behind). */
#define TRIM_AFTER_RECORDS 4096
#define TRIM_MIN_FREE (2u << 20)

static void trim(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    if (mallinfo2().fordblks >= TRIM_MIN_FREE) malloc_trim(0);
#elif defined(__GLIBC__)
    malloc_trim(0);
#endif
}

static aiotim_rec *take(int slot, bool rearm_always) {
    relay *r = slot_relay(slot);
    if (!r) return NULL;
    /* Clear the eventfd before taking the inbox, outside the lock (the fd changes only in
     * open/close, on the loop's thread, like this call): a record pushed after this read is
     * either taken below, or signals again once "signalled" is cleared, or (poll, signal
     * left disarmed) is taken by the consumer's next poll. */
    int efd = r->efd;
    if (efd >= 0) {
        uint64_t v;
        ssize_t n = read(efd, &v, sizeof v);
        (void)n; /* EAGAIN: nothing signalled, fine */
    }
    pthread_mutex_lock(&r->mu);
    aiotim_rec *head = r->head;
    r->head = r->tail = NULL;
    if (rearm_always || !head) r->signalled = false;
    /* An empty poll ends a burst: everything taken before it has been freed by now. */
    bool burst_over = !head && r->stats.pushed - r->pushed_when_idle >= TRIM_AFTER_RECORDS;
    if (!head) r->pushed_when_idle = r->stats.pushed;
    pthread_mutex_unlock(&r->mu);
    if (burst_over) trim();
    return head;
}

aiotim_rec *aiotim_relay_take(int slot) { return take(slot, true); }

/* Nothing waiting (r->mu held): clear the eventfd and re-arm, both under the lock, so that the
 * next push (which finds the signal armed) writes the eventfd again, and nothing read here can
 * be a signal for a record still in the inbox. A write still in flight (its record taken by an
 * earlier fetch) lands later: one spurious wake-up, cleared by the empty fetch it leads to (the
 * read is not conditional on the signal). Returns whether a burst ended (see trim). */
static bool rearm_locked(relay *r) {
    if (r->efd >= 0) {
        uint64_t v;
        ssize_t n = read(r->efd, &v, sizeof v);
        (void)n; /* EAGAIN: nothing signalled, fine */
    }
    r->signalled = false;
    bool burst_over = r->stats.pushed - r->pushed_when_idle >= TRIM_AFTER_RECORDS;
    r->pushed_when_idle = r->stats.pushed;
    return burst_over;
}

uint64_t aiotim_relay_fetch(int slot) {
    relay *r = slot_relay(slot);
    if (!r) return 0;
    pthread_mutex_lock(&r->mu);
    aiotim_rec *head = r->head;
    r->head = r->tail = NULL;
    bool burst_over = !head && rearm_locked(r);
    pthread_mutex_unlock(&r->mu);
    if (burst_over) trim();
    return (uint64_t)(uintptr_t)head;
}

int aiotim_relay_rearm(int slot) {
    relay *r = slot_relay(slot);
    if (!r) return 1;
    pthread_mutex_lock(&r->mu);
    bool empty = !r->head;
    bool burst_over = empty && rearm_locked(r);
    pthread_mutex_unlock(&r->mu);
    if (burst_over) trim();
    return empty;
}

aiotim_rec *aiotim_relay_poll(int slot) { return take(slot, false); }

void aiotim_relay_free(aiotim_rec *batch) {
    size_t n = 0;
    while (batch) {
        aiotim_rec *next = batch->next;
        free(batch);
        batch = next;
        n++;
    }
    if (n >= TRIM_AFTER_RECORDS) trim();
}

void aiotim_relay_close(int slot) {
    relay *r = slot_relay(slot);
    if (!r) return;
    pthread_mutex_lock(&relays_mu);
    pthread_mutex_lock(&r->mu);
    aiotim_rec *head = r->head;
    r->head = r->tail = NULL;
    r->open = false;
    r->signalled = false;
    r->gen++; /* every user_data handed out so far is now stale */
    int efd = r->efd;
    pthread_mutex_unlock(&r->mu);
    /* No new writer can pick up this fd (the relay is closed); wait out those that did.
     * relays_mu is still held, so the slot cannot be reopened meanwhile. */
    while (__atomic_load_n(&r->writers, __ATOMIC_ACQUIRE) != 0) sched_yield();
    pthread_mutex_lock(&r->mu);
    if (efd >= 0) close(efd);
    r->efd = -1;
    pthread_mutex_unlock(&r->mu);
    pthread_mutex_unlock(&relays_mu);
    aiotim_relay_free(head);
}

void aiotim_relay_get_stats(int slot, aiotim_relay_stats *out) {
    relay *r = slot_relay(slot);
    if (!r) {
        memset(out, 0, sizeof *out);
        return;
    }
    pthread_mutex_lock(&r->mu);
    *out = r->stats;
    pthread_mutex_unlock(&r->mu);
}

uint64_t aiotim_relay_stale_dropped(void) {
    return __atomic_load_n(&stale_dropped, __ATOMIC_RELAXED);
}

/* One trampoline per callback typedef, generated from tim_abi.h by scripts/gen_relay.py. */
#include "relay_tramp.inc"
