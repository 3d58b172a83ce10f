/*
 * wakeprobe.c: the machine's wake-up floor for the latency benchmark, in C, no Python.
 *
 * wake_probe(count, rate, out_ns): a thread paced like TIMLoopbackFirehosePaced (absolute
 * schedule, clock_nanosleep, 1 us timer slack) stamps CLOCK_MONOTONIC and writes an eventfd;
 * the calling thread waits in epoll_wait on that eventfd (as an idle event loop does) and
 * records, for each stamp, the time until it runs again. This is the least any consumer that
 * sleeps between events can do here: aiotim's latency is measured against it.
 * Returns 0, or -errno.
 *
 * wake_pace(efd, count, rate, stamps): the firing half alone, on a detached thread of its own:
 * it stamps stamps[i] and writes efd, paced the same way; the caller's event loop does the
 * waiting (the floor of a Python event loop woken by an eventfd, no aiotim: latency.py).
 * The caller keeps efd and stamps alive until it has read all count wake-ups. Returns 0, or
 * -errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

struct probe {
    int efd;
    uint64_t count, rate;
    uint64_t *stamps;
    atomic_uint_fast64_t written;
    int detached; /* wake_pace: the thread frees its probe */
};

static uint64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *fire(void *arg) {
    struct probe *p = arg;
    prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
    uint64_t t0 = mono_ns();
    for (uint64_t i = 0; i < p->count; i++) {
        uint64_t t = t0 + i * 1000000000u / p->rate;
        struct timespec ts = {(time_t)(t / 1000000000u), (long)(t % 1000000000u)};
        while (mono_ns() < t && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
        }
        p->stamps[i] = mono_ns();
        atomic_store(&p->written, i + 1);
        uint64_t one = 1;
        ssize_t n = write(p->efd, &one, sizeof one);
        (void)n;
    }
    if (p->detached)
        free(p);
    return NULL;
}

int wake_pace(int efd, uint64_t count, uint64_t rate, uint64_t *stamps)
{
    if (efd < 0 || !count || !rate || !stamps) return -EINVAL;
    struct probe *p = calloc(1, sizeof *p);
    if (!p) return -ENOMEM;
    p->efd = efd;
    p->count = count;
    p->rate = rate;
    p->stamps = stamps;
    p->detached = 1;
    pthread_t thr;
    int rc = pthread_create(&thr, NULL, fire, p);
    if (rc != 0) {
        free(p);
        return -rc;
    }
    pthread_detach(thr);
    return 0;
}

int wake_probe(uint64_t count, uint64_t rate, int64_t *out_ns) {
    if (!count || !rate) return -EINVAL;
    struct probe p = {.count = count, .rate = rate};
    p.stamps = calloc(count, sizeof *p.stamps);
    if (!p.stamps) return -ENOMEM;
    p.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN};
    pthread_t thr;
    int rc = 0;
    if (p.efd < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, p.efd, &ev) < 0) {
        rc = -errno;
    } else if ((rc = -pthread_create(&thr, NULL, fire, &p)) == 0) {
        uint64_t seen = 0;
        while (seen < count) {
            struct epoll_event out;
            if (epoll_wait(ep, &out, 1, -1) < 0) continue; /* EINTR */
            uint64_t v;
            ssize_t n = read(p.efd, &v, sizeof v);
            (void)n;
            uint64_t now = mono_ns();
            uint64_t upto = atomic_load(&p.written);
            for (; seen < upto; seen++) out_ns[seen] = (int64_t)(now - p.stamps[seen]);
        }
        pthread_join(thr, NULL);
    }
    if (ep >= 0) close(ep);
    if (p.efd >= 0) close(p.efd);
    free(p.stamps);
    return rc;
}
