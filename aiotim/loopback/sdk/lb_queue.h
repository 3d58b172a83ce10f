/*
 * Layers, lowest first: abi, clock -> json, wire, callbacks -> queue -> media -> net -> sdk ->
 * (api.c).
 *
 * lb_queue.h (queue.c): jobs (one callback to fire each), an instance's callback queue, and the
 * loop of the callback thread that fires them, plus the SDK's log.
 *
 * Every callback of an instance goes through one FIFO and one thread, so callbacks fire in the
 * order their frames arrived. The queue has its own mutex; an instance's lock (lb_mu, lb_net.h)
 * may be held when it is taken, never the other way round. No lock is held while user code runs.
 */
#ifndef AIOTIM_LOOPBACK_LB_QUEUE_H
#define AIOTIM_LOOPBACK_LB_QUEUE_H

#include <pthread.h>
#include <stdatomic.h>

#include "lb_abi.h"

enum lb_job_kind {
    LB_JOB_CALL,  /* fire fn (of typedef cbtype) with args and ud: a request's callback */
    LB_JOB_EVENT, /* fire whatever is registered with setter, at the time it fires */
};

/* One callback to fire on the callback thread. Strings in args point into data (a frame body
 * or copies) or to static strings. */
struct lb_job {
    struct lb_job *next;
    enum lb_job_kind kind;
    int cbtype;
    int setter;
    lb_fnptr fn;
    const void *ud;
    union lb_arg args[LB_MAX_ARGS];
    unsigned char data[];
};

/* The callback queue of one instance. */
struct lb_queue {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    struct lb_job *head, **tail; /* [mu] */
    /* the batching thread only: jobs produced while handling frames, queued together */
    struct lb_job *batch, **batch_tail;
};

void lb_queue_init(struct lb_queue *Q);
/* Frees the jobs left (queued or batched) and the queue's mutex; nothing may use Q after. */
void lb_queue_destroy(struct lb_queue *Q);

/* A job with data_len bytes of data (plus a spare NUL byte), zeroed; NULL when out of memory. */
struct lb_job *lb_job_new(enum lb_job_kind kind, size_t data_len);
/* Copies s into job->data at *off (advanced past it); returns the copy. */
const char *lb_job_copy(struct lb_job *job, size_t *off, const char *s);
/* Queues job (NULL is ignored), or adds it to the batch when called on the batching thread. */
void lb_emit(struct lb_queue *Q, struct lb_job *job);
/* The calling thread becomes Q's batching thread (the network thread): what it emits waits in
 * the batch until lb_flush_batch, so a whole read costs one lock and one wake-up. */
void lb_batch_this_thread(void);
void lb_flush_batch(struct lb_queue *Q);

/* Runs the callback thread until *stopping: fires the queued jobs in order (TIMUninit fires
 * nothing afterwards: it stops between two callbacks and drops the rest). */
void lb_queue_run(struct lb_queue *Q, const atomic_bool *stopping);
/* Wakes the callback thread, so that it sees *stopping. */
void lb_queue_wake(struct lb_queue *Q);

/* Logs go to the TIMSetLogCallback callback only. With a queue they are queued like every other
 * callback (so they keep their place among them); with NULL (TIMInit refusing its config) they
 * fire at once on the calling thread. Below the level set with TIMSetConfig's
 * set_config_callback_log_level they are not even formatted. */
void lb_log(struct lb_queue *Q, enum TIMLogLevel level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lb_set_log_level(int level);

#endif
