/*
 * queue.c: the callback queue, the callback thread's loop, and the log (see lb_queue.h).
 *
 * The network thread adds the jobs of a whole read at once (one lock, one wake-up); the
 * callback thread takes the whole queue at once and fires it without holding any lock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lb_callbacks.h"
#include "lb_queue.h"

/* Set in each instance's network thread: the jobs it creates are batched, not queued singly. */
static _Thread_local bool tls_batching;

/* TIMSetConfig's set_config_callback_log_level; logs below it are not even formatted. */
static atomic_int log_level = kTIMLog_Info;

void lb_batch_this_thread(void)
{
    tls_batching = true;
}

void lb_set_log_level(int level)
{
    atomic_store(&log_level, level);
}

void lb_queue_init(struct lb_queue *Q)
{
    pthread_mutex_init(&Q->mu, NULL);
    pthread_cond_init(&Q->cond, NULL);
    Q->head = NULL;
    Q->tail = &Q->head;
    Q->batch = NULL;
    Q->batch_tail = &Q->batch;
}

struct lb_job *lb_job_new(enum lb_job_kind kind, size_t data_len)
{
    struct lb_job *job = calloc(1, sizeof *job + data_len + 1);
    if (job)
        job->kind = kind;
    return job;
}

const char *lb_job_copy(struct lb_job *job, size_t *off, const char *s)
{
    char *dst = (char *)job->data + *off;
    size_t n = strlen(s) + 1;
    memcpy(dst, s, n);
    *off += n;
    return dst;
}

static void queue_push(struct lb_queue *Q, struct lb_job *head, struct lb_job **tail)
{
    pthread_mutex_lock(&Q->mu);
    bool was_empty = Q->head == NULL;
    *Q->tail = head;
    Q->tail = tail;
    pthread_mutex_unlock(&Q->mu);
    /* After the unlock: the woken thread takes the mutex at once instead of blocking on it
     * (one context switch less per wake-up). It re-checks the queue under the mutex. */
    if (was_empty)
        pthread_cond_signal(&Q->cond);
}

void lb_emit(struct lb_queue *Q, struct lb_job *job)
{
    if (!job)
        return;
    job->next = NULL;
    if (tls_batching) {
        *Q->batch_tail = job;
        Q->batch_tail = &job->next;
    } else {
        queue_push(Q, job, &job->next);
    }
}

void lb_flush_batch(struct lb_queue *Q)
{
    if (!Q->batch)
        return;
    queue_push(Q, Q->batch, Q->batch_tail);
    Q->batch = NULL;
    Q->batch_tail = &Q->batch;
}

void lb_log(struct lb_queue *Q, enum TIMLogLevel level, const char *fmt, ...)
{
    if ((int)level < atomic_load(&log_level))
        return;
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (!Q) {
        const union lb_arg args[LB_MAX_ARGS] = {{.i = level}, {.s = text}};
        lb_fire_event(LB_SET_TIMSetLogCallback, args);
        return;
    }
    struct lb_job *job = lb_job_new(LB_JOB_EVENT, strlen(text) + 1);
    if (!job)
        return;
    size_t off = 0;
    job->setter = LB_SET_TIMSetLogCallback;
    job->args[0].i = level;
    job->args[1].s = lb_job_copy(job, &off, text);
    lb_emit(Q, job);
}

static void fire(const struct lb_job *job)
{
    if (job->kind == LB_JOB_CALL) {
        if (job->fn)
            lb_cbtypes[job->cbtype].invoke(job->fn, job->args, job->ud);
        return;
    }
    lb_fire_event(job->setter, job->args);
}

static void jobs_free(struct lb_job *job)
{
    while (job) {
        struct lb_job *next = job->next;
        free(job);
        job = next;
    }
}

void lb_queue_destroy(struct lb_queue *Q)
{
    jobs_free(Q->head);
    Q->head = NULL;
    Q->tail = &Q->head;
    jobs_free(Q->batch);
    Q->batch = NULL;
    Q->batch_tail = &Q->batch;
    pthread_mutex_destroy(&Q->mu);
    pthread_cond_destroy(&Q->cond);
}

void lb_queue_wake(struct lb_queue *Q)
{
    pthread_mutex_lock(&Q->mu);
    pthread_cond_broadcast(&Q->cond);
    pthread_mutex_unlock(&Q->mu);
}

void lb_queue_run(struct lb_queue *Q, const atomic_bool *stopping)
{
    pthread_mutex_lock(&Q->mu);
    while (!atomic_load(stopping)) {
        if (!Q->head) {
            pthread_cond_wait(&Q->cond, &Q->mu);
            continue;
        }
        struct lb_job *job = Q->head;
        Q->head = NULL;
        Q->tail = &Q->head;
        pthread_mutex_unlock(&Q->mu);
        /* TIMUninit fires nothing afterwards: stop between two callbacks, drop the rest. */
        while (job && !atomic_load(stopping)) {
            struct lb_job *next = job->next;
            fire(job);
            free(job);
            job = next;
        }
        jobs_free(job);
        pthread_mutex_lock(&Q->mu);
    }
    pthread_mutex_unlock(&Q->mu);
}
