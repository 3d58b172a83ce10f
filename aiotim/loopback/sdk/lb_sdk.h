/*
 * lb_sdk.h: one initialised SDK instance (TIMInit .. TIMUninit) and its threads.
 *
 * Locking: lb_mu (sdk.c) guards the instance pointer, the callback registrations and every
 * field marked [mu] below; the callback queue has its own mutex (qmu) so that firing callbacks
 * never needs lb_mu for long. Lock order: lb_mu before qmu. No lock is held while user code
 * runs, so callbacks may call any TIM function (even TIMUninit).
 *
 * Lifetime: the instance is reference counted. TIMInit holds one reference, each of its threads
 * another; the last release frees it. That lets TIMUninit detach (instead of join) a thread it
 * is called from, e.g. from inside a callback.
 */
#ifndef AIOTIM_LOOPBACK_LB_SDK_H
#define AIOTIM_LOOPBACK_LB_SDK_H

#include <sys/socket.h>

#include "lb.h"

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

/* A request waiting for its callbacks. */
struct lb_req {
    uint64_t id;
    struct lb_req *prev, *next; /* all requests, in id order */
    struct lb_req *hnext;       /* hash chain */
    int fn;
    lb_fnptr cbs[2];
    const void *ud;
    int64_t deadline_ms;
    struct lb_frame *frame; /* not NULL while it waits for a connection (not yet sent) */
};

#define LB_REQ_BUCKETS 1024

struct lb_addr {
    struct sockaddr_storage ss;
    socklen_t len;
    char text[160];
};

struct lb_sdk {
    int refs; /* [mu] */
    atomic_bool stopping;
    uint64_t app_id;
    bool has_addr;
    struct lb_addr addr;
    int64_t timeout_ms;
    int wake_fd; /* eventfd: wakes the network thread */

    pthread_t net_thr, cb_thr;

    /* callback queue [qmu] */
    pthread_mutex_t qmu;
    pthread_cond_t qcond;
    struct lb_job *qhead, **qtail;

    /* network thread only: jobs produced while handling frames, queued together */
    struct lb_job *batch, **batch_tail;

    /* [mu] */
    uint64_t next_req_id;
    struct lb_req *reqs_head, *reqs_tail;
    struct lb_req *buckets[LB_REQ_BUCKETS];
    int64_t next_deadline_ms;
    struct lb_frame *out_head, **out_tail; /* frames for the network thread to write */
    bool wake_pending;
    bool welcomed; /* connected and W received */
    int login_status;
    char *login_user;
    char *cred_user, *cred_sig; /* the last TIMLogin's, for the re-login after a reconnect */
    int64_t time_offset_ms;

    /* firehose [fh_mu] */
    pthread_mutex_t fh_mu;
    pthread_t fh_thr;
    bool fh_running;
};

extern pthread_mutex_t lb_mu;

struct lb_slot {
    lb_fnptr fn;
    const void *ud;
};

int64_t lb_now_ms(void);      /* monotonic */
int64_t lb_wall_ms(void);     /* realtime */
void lb_wake(struct lb_sdk *S); /* [mu] held */
void lb_sdk_release(struct lb_sdk *S);
void lb_forget_credentials(struct lb_sdk *S); /* [mu] */
bool lb_slot_get(int setter, lb_fnptr *fn, const void **ud);
/* Copies up to cap new-message registrations into out; returns how many there are. */
size_t lb_recv_snapshot(struct lb_slot *out, size_t cap);

/* queue.c */
struct lb_job *lb_job_new(enum lb_job_kind kind, size_t data_len);
const char *lb_job_copy(struct lb_job *job, size_t *off, const char *s);
void lb_emit(struct lb_sdk *S, struct lb_job *job);
void lb_flush_batch(struct lb_sdk *S);
void lb_emit_status(struct lb_sdk *S, enum TIMNetworkStatus st, int32_t code, const char *desc);
void lb_log(struct lb_sdk *S, enum TIMLogLevel level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lb_set_log_level(int level);
void lb_queue_free(struct lb_sdk *S);
void lb_fire_recv(const union lb_arg *args);
void *lb_cb_main(void *arg);
void lb_mark_net_thread(void);

/* net.c */
void *lb_net_main(void *arg);
void lb_req_insert(struct lb_sdk *S, struct lb_req *r); /* [mu] */
void lb_reqs_free(struct lb_sdk *S);                    /* [mu] or exclusive */
void lb_frames_free(struct lb_frame *f);
bool lb_parse_address(const char *text, struct lb_addr *out, const char **why);

#endif
