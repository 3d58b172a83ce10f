/*
 * queue.c: the callback thread and the jobs it fires.
 *
 * Every callback of an instance goes through one FIFO and one thread, so callbacks fire in the
 * order their frames arrived (the real SDK has one logic thread too). The network thread adds
 * the jobs of a whole read at once (one lock, one wake-up); the callback thread takes the whole
 * queue at once and fires it without holding any lock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lb_sdk.h"

/* Set in each instance's network thread: the jobs it creates are batched, not queued singly. */
static _Thread_local bool tls_is_net;

/* TIMSetConfig's set_config_callback_log_level; logs below it are not even formatted. */
static atomic_int log_level = kTIMLog_Info;

void lb_mark_net_thread(void)
{
    tls_is_net = true;
}

void lb_set_log_level(int level)
{
    atomic_store(&log_level, level);
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

static void queue_push(struct lb_sdk *S, struct lb_job *head, struct lb_job **tail)
{
    pthread_mutex_lock(&S->qmu);
    bool was_empty = S->qhead == NULL;
    *S->qtail = head;
    S->qtail = tail;
    if (was_empty)
        pthread_cond_signal(&S->qcond);
    pthread_mutex_unlock(&S->qmu);
}

void lb_emit(struct lb_sdk *S, struct lb_job *job)
{
    if (!job)
        return;
    job->next = NULL;
    if (tls_is_net) {
        *S->batch_tail = job;
        S->batch_tail = &job->next;
    } else {
        queue_push(S, job, &job->next);
    }
}

void lb_flush_batch(struct lb_sdk *S)
{
    if (!S->batch)
        return;
    queue_push(S, S->batch, S->batch_tail);
    S->batch = NULL;
    S->batch_tail = &S->batch;
}

void lb_emit_status(struct lb_sdk *S, enum TIMNetworkStatus st, int32_t code, const char *desc)
{
    struct lb_job *job = lb_job_new(LB_JOB_EVENT, strlen(desc) + 1);
    if (!job)
        return;
    size_t off = 0;
    job->setter = LB_SET_TIMSetNetworkStatusListenerCallback;
    job->args[0].i = st;
    job->args[1].i = code;
    job->args[2].s = lb_job_copy(job, &off, desc);
    lb_emit(S, job);
}

/* Logs go to the TIMSetLogCallback callback only. With an instance they are queued like every
 * other callback (so they keep their place among them); without one (TIMInit refusing its
 * config) they fire at once on the calling thread. */
void lb_log(struct lb_sdk *S, enum TIMLogLevel level, const char *fmt, ...)
{
    if ((int)level < atomic_load(&log_level))
        return;
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (!S) {
        lb_fnptr fn;
        const void *ud;
        if (lb_slot_get(LB_SET_TIMSetLogCallback, &fn, &ud))
            ((TIMLogCallback)fn)(level, text, ud);
        return;
    }
    struct lb_job *job = lb_job_new(LB_JOB_EVENT, strlen(text) + 1);
    if (!job)
        return;
    size_t off = 0;
    job->setter = LB_SET_TIMSetLogCallback;
    job->args[0].i = level;
    job->args[1].s = lb_job_copy(job, &off, text);
    lb_emit(S, job);
}

/* Fires every registered new-message callback. The list is copied first so that a callback may
 * add or remove callbacks without invalidating the iteration. */
void lb_fire_recv(const union lb_arg *args)
{
    struct lb_slot stack[16], *list = stack;
    size_t cap = 16, n = lb_recv_snapshot(list, cap);
    while (n > cap) { /* rare: more callbacks than fit on the stack */
        if (list != stack)
            free(list);
        cap = n;
        list = malloc(cap * sizeof *list);
        if (!list)
            return;
        n = lb_recv_snapshot(list, cap);
    }
    for (size_t i = 0; i < n; i++)
        lb_cbtypes[LB_CB_TIMRecvNewMsgCallback].invoke(list[i].fn, args, list[i].ud);
    if (list != stack)
        free(list);
}

static void fire(const struct lb_job *job)
{
    if (job->kind == LB_JOB_CALL) {
        if (job->fn)
            lb_cbtypes[job->cbtype].invoke(job->fn, job->args, job->ud);
        return;
    }
    if (job->setter == LB_SET_TIMAddRecvNewMsgCallback) {
        lb_fire_recv(job->args);
        return;
    }
    lb_fnptr fn;
    const void *ud;
    if (lb_slot_get(job->setter, &fn, &ud))
        lb_cbtypes[lb_setters[job->setter].cbtype].invoke(fn, job->args, ud);
}

static void jobs_free(struct lb_job *job)
{
    while (job) {
        struct lb_job *next = job->next;
        free(job);
        job = next;
    }
}

void lb_queue_free(struct lb_sdk *S)
{
    jobs_free(S->qhead);
    S->qhead = NULL;
    S->qtail = &S->qhead;
    jobs_free(S->batch);
    S->batch = NULL;
    S->batch_tail = &S->batch;
}

void *lb_cb_main(void *arg)
{
    struct lb_sdk *S = arg;
    pthread_mutex_lock(&S->qmu);
    while (!atomic_load(&S->stopping)) {
        if (!S->qhead) {
            pthread_cond_wait(&S->qcond, &S->qmu);
            continue;
        }
        struct lb_job *job = S->qhead;
        S->qhead = NULL;
        S->qtail = &S->qhead;
        pthread_mutex_unlock(&S->qmu);
        /* TIMUninit fires nothing afterwards: stop between two callbacks, drop the rest. */
        while (job && !atomic_load(&S->stopping)) {
            struct lb_job *next = job->next;
            fire(job);
            free(job);
            job = next;
        }
        jobs_free(job);
        pthread_mutex_lock(&S->qmu);
    }
    pthread_mutex_unlock(&S->qmu);
    lb_sdk_release(S);
    return NULL;
}
