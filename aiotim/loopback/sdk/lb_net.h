/*
 * Layers, lowest first: abi, clock -> json, wire, callbacks -> queue -> media -> net -> sdk ->
 * (api.c).
 *
 * lb_net.h (net.c): an instance's connection to the cloud — the address, the requests waiting
 * for their callbacks, the frames waiting to be written, the login state the cloud reported —
 * shared by the API calls and the network thread, and that thread's loop.
 *
 * Locking: lb_mu guards every field marked [mu] below; sdk.c also guards its instance pointer
 * with it, so that "is there an instance" and "queue this request on it" are one critical
 * section. Lock order: lb_mu before a queue's mutex (lb_queue.h). No lock is held while user
 * code runs: the network thread never runs user code, everything it produces for the user is a
 * job on the instance's queue.
 */
#ifndef AIOTIM_LOOPBACK_LB_NET_H
#define AIOTIM_LOOPBACK_LB_NET_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>

#include "lb_abi.h"
#include "lb_media.h"
#include "lb_queue.h"
#include "lb_wire.h"

extern pthread_mutex_t lb_mu;

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
    /* A send with media (PROTOCOL.md "Media"): its files go first, in U frames streamed by the
     * network thread; frame is written after the last one. */
    struct lb_upload *uploads;
    char *progress_json; /* the message its upload-progress callbacks carry */
    bool upload_started;
    bool cancelled;  /* TIMMsgCancelSend while uploading: the network thread fails it (8021) */
    char msg_id[64]; /* the id of the message it sends */
    /* TIMMsgDownloadElemToPath: where F frames are written */
    char *dl_path;
    int dl_fd;
};

#define LB_REQ_BUCKETS 1024

struct lb_addr {
    struct sockaddr_storage ss;
    socklen_t len;
    char text[160];
};

/* Parses "unix:/abs/path" or "tcp:HOST:PORT" with a loopback HOST; *why says what is wrong. */
bool lb_parse_address(const char *text, struct lb_addr *out, const char **why);

struct lb_conn {
    struct lb_queue *q; /* where the callbacks it produces go */
    uint64_t app_id;
    bool has_addr;
    struct lb_addr addr;
    int64_t timeout_ms;
    int wake_fd; /* eventfd: wakes the network thread */

    /* [mu] */
    uint64_t next_req_id;
    struct lb_req *reqs_head, *reqs_tail;
    struct lb_req *buckets[LB_REQ_BUCKETS];
    int64_t next_deadline_ms;
    /* When the network thread's current (or next) poll ends at the latest: a request whose
     * deadline is not before it needs no wake-up (the thread looks again by then). */
    int64_t poll_until_ms;
    struct lb_frame *out_head, **out_tail; /* frames for the network thread to write */
    bool wake_pending;
    bool welcomed; /* connected and W received */
    /* The socket while welcomed (else -1): an API call made while nothing else is in flight
     * writes its frame itself (lb_conn_submit), saving the network thread's wake-up. */
    int direct_fd;
    /* The network thread has frames to write (its own queue is not empty): API calls queue
     * theirs behind, never write themselves. Set and cleared by that thread. */
    bool net_busy;
    atomic_bool cancel_pending; /* a request was cancelled (lb_conn_cancel_upload) */
    int login_status;
    char *login_user;
    char *cred_user, *cred_sig; /* the last TIMLogin's, for the re-login after a reconnect */
    int64_t time_offset_ms;
    /* Why the cloud cannot be reached (PROTOCOL.md "When the cloud cannot be reached"): set
     * by a failure that waiting would not cure (no address; before the first W: nothing
     * listening, not a loopback cloud; a refused hello), cleared by W. While set, a TIMLogin
     * fails with it at the next failed attempt, which it starts at once (retry_now; without an
     * address, at once). ever_welcomed: a W came once (written by the network thread only). */
    bool ever_welcomed;
    atomic_bool retry_now;
    int32_t fail_code;
    char fail_desc[512];
};

/* Sets C up (unconnected, logged out) to produce callbacks on q; false when the eventfd cannot
 * be made. */
bool lb_conn_init(struct lb_conn *C, struct lb_queue *q, uint64_t app_id, int64_t timeout_ms);
/* Frees what C holds; nothing may use it any more. */
void lb_conn_destroy(struct lb_conn *C);

/* Frees a request and what it holds (frame, uploads, download file). */
void lb_req_free(struct lb_req *r);
/* [mu] Keeps the credentials of a TIMLogin for the re-login after a reconnect. */
void lb_conn_remember_login(struct lb_conn *C, const char *user, const char *sig);
/* [mu] Numbers r (its deadline_ms holds its start time), stamps f with its id, and hands f to
 * the network thread (connected) or parks it on r until W. Returns whether r is kept (it waits
 * for a connection or a callback); when not, the caller frees r. */
bool lb_conn_submit(struct lb_conn *C, struct lb_req *r, struct lb_frame *f, bool any_cb);

/* [mu] TIMMsgCancelSend of a send still uploading: marks it cancelled (the network thread
 * fails it with 8021 and never sends it). False when no send of that message id uploads. */
bool lb_conn_cancel_upload(struct lb_conn *C, const char *msg_id);

/* Runs the network thread until *stopping (connect, reconnect, read and write frames, request
 * deadlines). */
void lb_net_run(struct lb_conn *C, const atomic_bool *stopping);
/* Wakes the network thread, so that it sees *stopping. */
void lb_net_interrupt(struct lb_conn *C);

#endif
