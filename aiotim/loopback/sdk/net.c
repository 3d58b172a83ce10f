/*
 * net.c: the network thread (connect, reconnect, read and write frames, request deadlines) and
 * the request table it shares with the API calls (see lb_net.h).
 *
 * One poll() loop per instance watches the socket and an eventfd; API calls append frames to
 * the connection's out list and write the eventfd (once per batch: wake_pending), TIMUninit
 * writes it to stop the loop. The thread never runs user code: everything it produces for the
 * user is a job for the callback thread, queued in batches (lb_flush_batch) in arrival order.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "lb_clock.h"
#include "lb_net.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 2000
#define CONNECT_TIMEOUT_MS 2000
#define READ_CHUNK 65536
#define MAX_IOV 64

pthread_mutex_t lb_mu = PTHREAD_MUTEX_INITIALIZER;

enum net_state { NET_NOADDR, NET_IDLE, NET_CONNECTING, NET_OPEN };

/* State private to the network thread. */
struct net {
    enum net_state state;
    int fd;
    int64_t retry_at, connect_deadline, backoff;
    unsigned char *rbuf;
    size_t rlen, rcap;
    struct lb_frame *wq, **wq_tail; /* frames being written, in order */
    /* An X frame (the cloud refused the hello) on the current connection: 0 = none. */
    int32_t refused_code;
    char refused_desc[200];
};

/* ---- addresses ---- */

static bool parse_unix(const char *path, struct lb_addr *a, const char **why)
{
    struct sockaddr_un *un = (struct sockaddr_un *)&a->ss;
    size_t n = strlen(path);
    if (path[0] != '/') {
        *why = "a unix socket path must be absolute";
        return false;
    }
    if (n >= sizeof un->sun_path) {
        *why = "the unix socket path is too long";
        return false;
    }
    un->sun_family = AF_UNIX;
    memcpy(un->sun_path, path, n + 1);
    a->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    return true;
}

static bool parse_port(const char *s, uint16_t *port)
{
    long v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || (v = v * 10 + (*s - '0')) > 65535)
            return false;
    }
    *port = (uint16_t)v;
    return v > 0;
}

/* Only loopback hosts: the loopback SDK must never reach a real network. */
static bool parse_tcp(const char *hostport, struct lb_addr *a, const char **why)
{
    char host[128];
    const char *colon = strrchr(hostport, ':');
    uint16_t port;
    if (!colon || !parse_port(colon + 1, &port) || (size_t)(colon - hostport) >= sizeof host) {
        *why = "expected tcp:HOST:PORT";
        return false;
    }
    size_t hl = (size_t)(colon - hostport);
    memcpy(host, hostport, hl);
    host[hl] = '\0';
    if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = '\0';
    }
    struct sockaddr_in *in4 = (struct sockaddr_in *)&a->ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        if ((ntohl(in4->sin_addr.s_addr) >> 24) != 127) {
            *why = "only loopback hosts (127.0.0.0/8, localhost, ::1) are allowed";
            return false;
        }
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        a->len = sizeof *in4;
        return true;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1 &&
        memcmp(&in6->sin6_addr, &in6addr_loopback, sizeof in6addr_loopback) == 0) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        a->len = sizeof *in6;
        return true;
    }
    *why = "only loopback hosts (127.0.0.0/8, localhost, ::1) are allowed";
    return false;
}

bool lb_parse_address(const char *text, struct lb_addr *a, const char **why)
{
    memset(a, 0, sizeof *a);
    snprintf(a->text, sizeof a->text, "%s", text);
    if (strncmp(text, "unix:", 5) == 0)
        return parse_unix(text + 5, a, why);
    if (strncmp(text, "tcp:", 4) == 0)
        return parse_tcp(text + 4, a, why);
    *why = "expected unix:/absolute/path or tcp:127.0.0.1:PORT";
    return false;
}

/* ---- requests [lb_mu] ---- */

static size_t bucket_of(uint64_t id)
{
    return (size_t)(id & (LB_REQ_BUCKETS - 1));
}

static void wake(struct lb_conn *C)
{
    if (C->wake_pending)
        return;
    C->wake_pending = true;
    uint64_t one = 1;
    ssize_t rc = write(C->wake_fd, &one, sizeof one);
    (void)rc; /* cannot fail short of a full counter, which still wakes the thread */
}

static void req_insert(struct lb_conn *C, struct lb_req *r)
{
    r->next = NULL;
    r->prev = C->reqs_tail;
    if (C->reqs_tail)
        C->reqs_tail->next = r;
    else
        C->reqs_head = r;
    C->reqs_tail = r;
    size_t b = bucket_of(r->id);
    r->hnext = C->buckets[b];
    C->buckets[b] = r;
    if (r->deadline_ms < C->next_deadline_ms) {
        C->next_deadline_ms = r->deadline_ms;
        if (r->deadline_ms < C->poll_until_ms)
            wake(C); /* the network thread may be sleeping past this deadline */
    }
}

static struct lb_req *req_find(struct lb_conn *C, uint64_t id)
{
    struct lb_req *r = C->buckets[bucket_of(id)];
    while (r && r->id != id)
        r = r->hnext;
    return r;
}

static void req_unlink(struct lb_conn *C, struct lb_req *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        C->reqs_head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    else
        C->reqs_tail = r->prev;
    struct lb_req **pp = &C->buckets[bucket_of(r->id)];
    while (*pp != r)
        pp = &(*pp)->hnext;
    *pp = r->hnext;
}

void lb_req_free(struct lb_req *r)
{
    lb_frames_free(r->frame);
    lb_uploads_free(r->uploads);
    free(r->progress_json);
    if (r->dl_fd >= 0)
        close(r->dl_fd);
    free(r->dl_path);
    free(r);
}

static void req_free(struct lb_req *r)
{
    lb_req_free(r);
}

static void reqs_free(struct lb_conn *C)
{
    struct lb_req *r = C->reqs_head;
    while (r) {
        struct lb_req *next = r->next;
        req_free(r);
        r = next;
    }
    C->reqs_head = C->reqs_tail = NULL;
    memset(C->buckets, 0, sizeof C->buckets);
}

/* A request that fails locally reports through its last callback (the result callback of
 * TIMMsgSendNewMsgEx). A TIMCommCallback gets (code, desc, ""); a typedef without a code
 * (TIMMsgGroupMessageReadMemberListCallback) gets empty strings, zeros and true, i.e.
 * "finished, nothing". */
static void req_fail(struct lb_conn *C, struct lb_req *r, int32_t code, const char *desc)
{
    const struct lb_fninfo *fi = &lb_fns[r->fn];
    int slot = fi->ncb - 1;
    if (slot < 0 || !r->cbs[slot])
        return;
    struct lb_job *job = lb_job_new(LB_JOB_CALL, 0);
    if (!job)
        return;
    job->cbtype = fi->cbtypes[slot];
    job->fn = r->cbs[slot];
    job->ud = r->ud;
    const char *sig = lb_cbtypes[job->cbtype].sig;
    if (strcmp(sig, "iss") == 0) {
        job->args[0].i = code;
        job->args[1].s = desc;
        job->args[2].s = "";
    } else {
        for (int k = 0; sig[k]; k++) {
            if (sig[k] == 's')
                job->args[k].s = "";
            else
                job->args[k].i = sig[k] == 'b';
        }
    }
    lb_emit(C->q, job);
}

/* Fails the requests that were sent on a connection that dropped (a send whose upload had
 * started included); those still waiting for a connection keep waiting. */
static void fail_sent(struct lb_conn *C)
{
    struct lb_req *r = C->reqs_head;
    while (r) {
        struct lb_req *next = r->next;
        if (!r->frame || r->upload_started) {
            req_fail(C, r, LB_ERR_SDK_NET_DISCONNECT, "network disconnected");
            req_unlink(C, r);
            req_free(r);
        }
        r = next;
    }
}

/* Deadlines only move later (a request's deadline is set at creation with one timeout per
 * instance, and pushed back by progress), so next_deadline_ms is a valid lower bound. */
static void check_deadlines(struct lb_conn *C, int64_t now)
{
    pthread_mutex_lock(&lb_mu);
    if (now >= C->next_deadline_ms) {
        int64_t next = INT64_MAX;
        struct lb_req *r = C->reqs_head;
        while (r) {
            struct lb_req *next_r = r->next;
            if (r->deadline_ms <= now) {
                bool login_offline = r->frame && r->fn == LB_FN_TIMLogin;
                req_fail(C, r,
                         login_offline ? LB_ERR_SDK_NET_WAIT_SEND_TIMEOUT_NO_NETWORK
                                       : LB_ERR_SDK_NET_WAIT_ACK_TIMEOUT,
                         login_offline ? "login timed out: no network" : "request timed out");
                req_unlink(C, r);
                req_free(r);
            } else if (r->deadline_ms < next) {
                next = r->deadline_ms;
            }
            r = next_r;
        }
        C->next_deadline_ms = next;
    }
    pthread_mutex_unlock(&lb_mu);
}

/* ---- frames from the cloud ---- */

static void emit_status(struct lb_conn *C, enum TIMNetworkStatus st, int32_t code,
                        const char *desc)
{
    struct lb_job *job = lb_job_new(LB_JOB_EVENT, strlen(desc) + 1);
    if (!job)
        return;
    size_t off = 0;
    job->setter = LB_SET_TIMSetNetworkStatusListenerCallback;
    job->args[0].i = st;
    job->args[1].i = code;
    job->args[2].s = lb_job_copy(job, &off, desc);
    lb_emit(C->q, job);
}

/* [mu] Fails the TIMLogin requests still waiting for a connection with C's verdict. */
static void fail_waiting_logins(struct lb_conn *C)
{
    struct lb_req *r = C->reqs_head;
    while (r) {
        struct lb_req *next = r->next;
        if (r->frame && r->fn == LB_FN_TIMLogin) {
            req_fail(C, r, C->fail_code, C->fail_desc);
            req_unlink(C, r);
            req_free(r);
        }
        r = next;
    }
}

/* The cloud cannot be reached and waiting would not cure it (PROTOCOL.md "When the cloud
 * cannot be reached"): connect-failed with code and desc, then every TIMLogin that waits fails
 * with them, and so will the next ones until a W comes. */
static void unreachable(struct lb_conn *C, int32_t code, const char *desc)
{
    lb_log(C->q, kTIMLog_Error, "%s", desc);
    emit_status(C, kTIMConnectFailed, code, desc);
    pthread_mutex_lock(&lb_mu);
    C->fail_code = code;
    snprintf(C->fail_desc, sizeof C->fail_desc, "%s", desc);
    fail_waiting_logins(C);
    pthread_mutex_unlock(&lb_mu);
}

static void out_append(struct lb_conn *C, struct lb_frame *f)
{
    *C->out_tail = f;
    C->out_tail = &f->next;
}

/* [mu] After W: the re-login goes first, then every request that waited, in order. */
static void send_waiting(struct lb_conn *C)
{
    if (C->login_status == kTIMLoginStatus_Logined && C->cred_user && C->cred_sig) {
        const union lb_val v[2] = {{.s = C->cred_user}, {.s = C->cred_sig}};
        struct lb_frame *f = lb_encode_call(0, "TIMLogin", "ss", v, NULL);
        if (f)
            out_append(C, f);
    }
    struct lb_req *r = C->reqs_head;
    while (r) {
        struct lb_req *next = r->next;
        if (r->frame && !r->uploads) { /* a send with media uploads first (pump_upload) */
            out_append(C, r->frame);
            r->frame = NULL;
            bool any_cb = false;
            for (int k = 0; k < lb_fns[r->fn].ncb; k++)
                any_cb |= r->cbs[k] != NULL;
            if (!any_cb) { /* nothing will ever fire for it */
                req_unlink(C, r);
                req_free(r);
            }
        }
        r = next;
    }
}

static void on_welcome(struct lb_conn *C, struct net *N, const struct lb_field *f, int nf)
{
    if (nf < 1 || f[0].tag != 'I') {
        lb_log(C->q, kTIMLog_Error, "loopback: malformed W frame dropped");
        return;
    }
    pthread_mutex_lock(&lb_mu);
    C->time_offset_ms = f[0].i - lb_wall_ms();
    C->welcomed = true;
    C->direct_fd = N->fd;
    C->ever_welcomed = true;
    C->fail_code = 0;
    send_waiting(C);
    pthread_mutex_unlock(&lb_mu);
    N->backoff = BACKOFF_MIN_MS;
    lb_log(C->q, kTIMLog_Info, "loopback: connected to %s", C->addr.text);
    emit_status(C, kTIMConnected, 0, "");
}

/* [mu] */
static void forget_credentials(struct lb_conn *C)
{
    if (C->cred_sig)
        explicit_bzero(C->cred_sig, strlen(C->cred_sig));
    free(C->cred_sig);
    free(C->cred_user);
    C->cred_sig = C->cred_user = NULL;
}

static void on_login_state(struct lb_conn *C, const unsigned char *body, const struct lb_field *f,
                           int nf)
{
    if (nf != 2 || f[0].tag != 'I' || f[1].tag != 'S') {
        lb_log(C->q, kTIMLog_Error, "loopback: malformed L frame dropped");
        return;
    }
    char *user = strndup((const char *)body + f[1].off, f[1].len);
    if (!user)
        return;
    pthread_mutex_lock(&lb_mu);
    C->login_status = (int)f[0].i;
    free(C->login_user);
    C->login_user = user;
    if (C->login_status == kTIMLoginStatus_UnLogined)
        forget_credentials(C);
    pthread_mutex_unlock(&lb_mu);
}

static void on_result(struct lb_conn *C, struct lb_job *job, const struct lb_field *f, int nf,
                      int64_t now)
{
    if (nf < 3 || nf > LB_MAX_FIELDS || f[0].tag != 'I' || f[1].tag != 'I' || f[2].tag != 'B') {
        lb_log(C->q, kTIMLog_Error, "loopback: malformed R frame dropped");
        free(job);
        return;
    }
    uint64_t id = (uint64_t)f[0].i;
    if (id == 0) { /* our own re-login after a reconnect: no user callback */
        if (nf > 3 && f[3].tag == 'I')
            lb_log(C->q, kTIMLog_Info, "loopback: re-login after reconnect: code %lld",
                   (long long)f[3].i);
        free(job);
        return;
    }
    pthread_mutex_lock(&lb_mu);
    struct lb_req *r = req_find(C, id);
    const struct lb_fninfo *fi = r ? &lb_fns[r->fn] : NULL;
    int64_t slot = f[1].i;
    const char *problem = NULL;
    if (!r)
        problem = "unknown request (timed out or failed already)";
    else if (slot < 0 || slot >= fi->ncb)
        problem = "no such callback slot";
    else if (!lb_wire_args(f + 3, nf - 3, lb_cbtypes[fi->cbtypes[slot]].sig, job->data, job->args))
        problem = "fields do not match the callback typedef";
    if (problem) {
        pthread_mutex_unlock(&lb_mu);
        lb_log(C->q, r ? kTIMLog_Error : kTIMLog_Debug,
               "loopback: R frame for request %llu (%s) dropped: %s", (unsigned long long)id,
               fi ? fi->name : "?", problem);
        free(job);
        return;
    }
    job->kind = LB_JOB_CALL;
    job->cbtype = fi->cbtypes[slot];
    job->fn = r->cbs[slot];
    job->ud = r->ud;
    if (f[2].i) {
        req_unlink(C, r);
        req_free(r);
    } else {
        r->deadline_ms = now + C->timeout_ms; /* progress: the request is alive */
    }
    pthread_mutex_unlock(&lb_mu);
    if (job->fn)
        lb_emit(C->q, job);
    else
        free(job);
}

/* F (PROTOCOL.md "Media"): a chunk of the file a TIMMsgDownloadElemToPath request downloads,
 * written at its offset into the request's path (created or truncated by the first chunk,
 * closed after the last). A file that cannot be written fails the request (6022). */
static void on_file(struct lb_conn *C, const unsigned char *body, const struct lb_field *f, int nf,
                    int64_t now)
{
    if (nf != 4 || f[0].tag != 'I' || f[1].tag != 'I' || f[2].tag != 'I' || f[3].tag != 'S' ||
        f[1].i < 0) {
        lb_log(C->q, kTIMLog_Error, "loopback: malformed F frame dropped");
        return;
    }
    pthread_mutex_lock(&lb_mu);
    struct lb_req *r = req_find(C, (uint64_t)f[0].i);
    if (!r || !r->dl_path) {
        pthread_mutex_unlock(&lb_mu);
        lb_log(C->q, kTIMLog_Debug, "loopback: F frame for request %lld dropped: no download",
               (long long)f[0].i);
        return;
    }
    r->deadline_ms = now + C->timeout_ms;
    /* Only this thread frees requests: r stays valid while the file is written unlocked. */
    pthread_mutex_unlock(&lb_mu);
    int err = 0;
    if (r->dl_fd < 0) {
        r->dl_fd = open(r->dl_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (r->dl_fd < 0)
            err = errno;
    }
    const unsigned char *data = body + f[3].off;
    size_t done = 0;
    while (!err && done < f[3].len) {
        ssize_t w = pwrite(r->dl_fd, data + done, f[3].len - done, (off_t)f[1].i + (off_t)done);
        if (w < 0 && errno != EINTR)
            err = errno;
        else if (w > 0)
            done += (size_t)w;
    }
    if (!err && f[1].i + (int64_t)f[3].len >= f[2].i && r->dl_fd >= 0) {
        if (close(r->dl_fd) != 0)
            err = errno;
        r->dl_fd = -1;
    }
    if (err) {
        char desc[300];
        snprintf(desc, sizeof desc, "cannot write %.200s: %s", r->dl_path, strerror(err));
        pthread_mutex_lock(&lb_mu);
        req_fail(C, r, LB_ERR_IO_OPERATION_FAILED, desc);
        req_unlink(C, r);
        req_free(r);
        pthread_mutex_unlock(&lb_mu);
    }
}

/* A setter name as it arrives in an E frame: not NUL-terminated. */
struct name_key {
    const char *p;
    size_t n;
};

static int setter_cmp(const void *key, const void *elem)
{
    const struct name_key *k = key;
    const char *name = ((const struct lb_setter *)elem)->name;
    size_t n = strlen(name);
    int c = memcmp(k->p, name, k->n < n ? k->n : n);
    return c != 0 ? c : (k->n > n) - (k->n < n);
}

static void on_event(struct lb_conn *C, struct lb_job *job, const struct lb_field *f, int nf)
{
    if (nf < 1 || nf > LB_MAX_FIELDS || f[0].tag != 'S') {
        lb_log(C->q, kTIMLog_Error, "loopback: malformed E frame dropped");
        free(job);
        return;
    }
    const struct name_key key = {(const char *)job->data + f[0].off, f[0].len};
    const struct lb_setter *st = bsearch(&key, lb_setters, LB_SET_COUNT, sizeof *lb_setters,
                                         setter_cmp);
    if (!st || !lb_wire_args(f + 1, nf - 1, lb_cbtypes[st->cbtype].sig, job->data, job->args)) {
        lb_log(C->q, kTIMLog_Error, "loopback: E frame for %.*s dropped: %s", (int)f[0].len,
               (const char *)job->data + f[0].off,
               st ? "fields do not match the callback typedef" : "no such setter");
        free(job);
        return;
    }
    job->kind = LB_JOB_EVENT;
    job->setter = (int)(st - lb_setters);
    lb_emit(C->q, job);
}

/* X (PROTOCOL.md "When the cloud cannot be reached"): the cloud refused the hello; it closes
 * the connection next, and the drop reports the refusal. */
static void on_refused(struct lb_conn *C, struct net *N, const unsigned char *body,
                       const struct lb_field *f, int nf)
{
    if (nf != 2 || f[0].tag != 'I' || f[1].tag != 'S') {
        lb_log(C->q, kTIMLog_Error, "loopback: malformed X frame dropped");
        return;
    }
    N->refused_code = f[0].i > 0 && f[0].i <= INT32_MAX ? (int32_t)f[0].i
                                                         : LB_ERR_SVR_ACCOUNT_SDKAPPID_NOT_FOUND;
    size_t n = f[1].len < sizeof N->refused_desc - 1 ? f[1].len : sizeof N->refused_desc - 1;
    memcpy(N->refused_desc, body + f[1].off, n);
    N->refused_desc[n] = '\0';
}

/* Returns false when the frame is malformed (the connection is then dropped). */
static bool handle_frame(struct lb_conn *C, struct net *N, const unsigned char *body, size_t n,
                         int64_t now)
{
    struct lb_field f[LB_MAX_FIELDS];
    char type = (char)body[0];
    if (type == 'R' || type == 'E') {
        /* The job owns a copy of the fields so the callback thread can use them in place. */
        struct lb_job *job = lb_job_new(LB_JOB_CALL, n - 1);
        if (!job)
            return false;
        memcpy(job->data, body + 1, n - 1);
        int nf = lb_wire_fields(job->data, n - 1, f, LB_MAX_FIELDS);
        if (nf < 0) {
            free(job);
            return false;
        }
        if (type == 'R')
            on_result(C, job, f, nf, now);
        else
            on_event(C, job, f, nf);
        return true;
    }
    int nf = lb_wire_fields(body + 1, n - 1, f, LB_MAX_FIELDS);
    if (nf < 0)
        return false;
    if (type == 'W')
        on_welcome(C, N, f, nf);
    else if (type == 'F')
        on_file(C, body + 1, f, nf, now);
    else if (type == 'L')
        on_login_state(C, body + 1, f, nf);
    else if (type == 'X')
        on_refused(C, N, body + 1, f, nf);
    else
        lb_log(C->q, kTIMLog_Warn, "loopback: unknown frame type 0x%02x ignored",
               (unsigned)body[0]);
    return true;
}

/* ---- the connection ---- */

static void set_idle(struct net *N, int64_t now)
{
    N->state = NET_IDLE;
    N->retry_at = now + N->backoff;
    N->backoff = N->backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : N->backoff * 2;
}

/* An attempt failed before W. Until the first W of this instance, nothing listening is a
 * verdict (a wrong or dead address: logins fail at once); after it, the cloud is away for a
 * while (a restart) and requests wait for it, as the real SDK's do. */
static void connect_failed(struct lb_conn *C, struct net *N, const char *why, int64_t now)
{
    char desc[300];
    if (N->fd >= 0)
        close(N->fd);
    N->fd = -1;
    if (!C->ever_welcomed) { /* written by this thread only */
        snprintf(desc, sizeof desc, "loopback: nothing listens at %s (%s)", C->addr.text, why);
        unreachable(C, LB_ERR_SDK_NET_NET_UNREACH, desc);
    } else {
        snprintf(desc, sizeof desc, "connect to %s failed: %s", C->addr.text, why);
        lb_log(C->q, kTIMLog_Warn, "loopback: %s", desc);
        emit_status(C, kTIMConnectFailed, LB_ERR_SDK_NET_NET_UNREACH, desc);
    }
    set_idle(N, now);
}

/* The connection closed before W: a refused hello (X), else not a loopback cloud (before the
 * first W), else the cloud going away (a restart). */
static void hello_failed(struct lb_conn *C, struct net *N, const char *why, int64_t now)
{
    char desc[512];
    if (N->refused_code) {
        snprintf(desc, sizeof desc, "loopback: the cloud at %s refused SDKAppID %llu: %s",
                 C->addr.text, (unsigned long long)C->app_id, N->refused_desc);
        unreachable(C, N->refused_code, desc);
        set_idle(N, now);
    } else if (!C->ever_welcomed) {
        snprintf(desc, sizeof desc,
                 "loopback: what listens at %s is not a loopback cloud (%s at the hello)",
                 C->addr.text, why);
        unreachable(C, LB_ERR_SDK_NET_DECODE_FAILED, desc);
        set_idle(N, now);
    } else {
        connect_failed(C, N, why, now);
    }
}

static void queue_hello(struct lb_conn *C, struct net *N)
{
    size_t plen = strlen(LB_PROTOCOL_NAME), vlen = strlen(LB_SDK_VERSION);
    struct lb_frame *f = lb_frame_alloc(1 + (5 + plen) + 9 + (5 + vlen));
    if (!f)
        return;
    unsigned char *p = lb_wire_put_u8(f->data + 4, 'H');
    p = lb_wire_put_str(p, LB_PROTOCOL_NAME, plen);
    p = lb_wire_put_u8(p, 'I');
    p = lb_wire_put_i64(p, (int64_t)C->app_id);
    lb_wire_put_str(p, LB_SDK_VERSION, vlen);
    *N->wq_tail = f;
    N->wq_tail = &f->next;
}

static void opened(struct lb_conn *C, struct net *N)
{
    if (C->addr.ss.ss_family != AF_UNIX) {
        int one = 1;
        setsockopt(N->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    N->state = NET_OPEN;
    N->rlen = 0;
    N->refused_code = 0;
    pthread_mutex_lock(&lb_mu);
    C->net_busy = true; /* the hello is queued */
    pthread_mutex_unlock(&lb_mu);
    queue_hello(C, N);
}

static void start_connect(struct lb_conn *C, struct net *N, int64_t now)
{
    emit_status(C, kTIMConnecting, 0, "");
    N->fd = socket(C->addr.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (N->fd < 0) {
        connect_failed(C, N, strerror(errno), now);
        return;
    }
    if (connect(N->fd, (const struct sockaddr *)&C->addr.ss, C->addr.len) == 0) {
        opened(C, N);
    } else if (errno == EINPROGRESS) {
        N->state = NET_CONNECTING;
        N->connect_deadline = now + CONNECT_TIMEOUT_MS;
    } else {
        connect_failed(C, N, strerror(errno), now);
    }
}

static void finish_connect(struct lb_conn *C, struct net *N, int64_t now)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(N->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        err = errno;
    if (err)
        connect_failed(C, N, strerror(err), now);
    else
        opened(C, N);
}

static void drop(struct lb_conn *C, struct net *N, const char *why, int64_t now)
{
    pthread_mutex_lock(&lb_mu);
    C->direct_fd = -1; /* before the close: no API call writes to a closed (or reused) fd */
    C->net_busy = false;
    pthread_mutex_unlock(&lb_mu);
    close(N->fd);
    N->fd = -1;
    lb_frames_free(N->wq);
    N->wq = NULL;
    N->wq_tail = &N->wq;
    N->rlen = 0;
    pthread_mutex_lock(&lb_mu);
    bool was_welcomed = C->welcomed;
    C->welcomed = false;
    fail_sent(C);
    lb_frames_free(C->out_head);
    C->out_head = NULL;
    C->out_tail = &C->out_head;
    pthread_mutex_unlock(&lb_mu);
    if (was_welcomed) {
        lb_log(C->q, kTIMLog_Warn, "loopback: connection to %s lost: %s", C->addr.text, why);
        emit_status(C, kTIMDisconnected, LB_ERR_SDK_NET_DISCONNECT, "network disconnected");
        N->backoff = BACKOFF_MIN_MS;
        set_idle(N, now);
    } else {
        hello_failed(C, N, why, now);
    }
}

static bool ensure_room(struct net *N, size_t need)
{
    if (N->rcap - N->rlen >= need)
        return true;
    size_t cap = N->rcap ? N->rcap : READ_CHUNK;
    while (cap - N->rlen < need)
        cap *= 2;
    unsigned char *p = realloc(N->rbuf, cap);
    if (!p)
        return false;
    N->rbuf = p;
    N->rcap = cap;
    return true;
}

/* Handles every complete frame in rbuf; keeps the partial one at the front. */
static bool parse_frames(struct lb_conn *C, struct net *N, int64_t now)
{
    size_t pos = 0;
    bool ok = true;
    while (N->rlen - pos >= 4) {
        uint32_t n = lb_wire_get_u32(N->rbuf + pos);
        if (n == 0 || n > LB_MAX_FRAME) {
            ok = false;
            break;
        }
        if (N->rlen - pos - 4 < n)
            break;
        if (!handle_frame(C, N, N->rbuf + pos + 4, n, now)) {
            ok = false;
            break;
        }
        pos += 4 + (size_t)n;
    }
    memmove(N->rbuf, N->rbuf + pos, N->rlen - pos);
    N->rlen -= pos;
    lb_flush_batch(C->q);
    return ok;
}

static void read_some(struct lb_conn *C, struct net *N, int64_t now)
{
    size_t want = READ_CHUNK;
    if (N->rlen >= 4) { /* make room for the whole frame being received */
        size_t frame = 4 + (size_t)lb_wire_get_u32(N->rbuf);
        if (frame > N->rlen && frame - N->rlen > want && frame <= 4 + (size_t)LB_MAX_FRAME)
            want = frame - N->rlen;
    }
    if (!ensure_room(N, want)) {
        drop(C, N, "out of memory", now);
        return;
    }
    ssize_t n = recv(N->fd, N->rbuf + N->rlen, N->rcap - N->rlen, 0);
    if (n == 0) {
        drop(C, N, "closed by the cloud", now);
    } else if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            drop(C, N, strerror(errno), now);
    } else {
        N->rlen += (size_t)n;
        if (!parse_frames(C, N, now)) {
            lb_log(C->q, kTIMLog_Error, "loopback: malformed or oversized frame from the cloud");
            drop(C, N, "protocol error", now);
        }
    }
}

static void write_some(struct lb_conn *C, struct net *N, int64_t now)
{
    struct iovec iov[MAX_IOV];
    int n = 0;
    for (struct lb_frame *f = N->wq; f && n < MAX_IOV; f = f->next, n++) {
        iov[n].iov_base = f->data + f->off;
        iov[n].iov_len = f->len - f->off;
    }
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)n};
    /* MSG_NOSIGNAL: a peer that went away must not raise SIGPIPE in the host process. */
    ssize_t sent = sendmsg(N->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            drop(C, N, strerror(errno), now);
        return;
    }
    size_t left = (size_t)sent;
    while (N->wq && left >= N->wq->len - N->wq->off) {
        struct lb_frame *f = N->wq;
        left -= f->len - f->off;
        N->wq = f->next;
        free(f);
    }
    if (!N->wq) {
        N->wq_tail = &N->wq;
        pthread_mutex_lock(&lb_mu);
        C->net_busy = false;
        pthread_mutex_unlock(&lb_mu);
    } else {
        N->wq->off += left;
    }
}

/* Moves what API calls queued onto the write queue; nothing is sent before W. */
static void take_out(struct lb_conn *C, struct net *N)
{
    pthread_mutex_lock(&lb_mu);
    if (C->out_head) {
        *N->wq_tail = C->out_head;
        N->wq_tail = C->out_tail;
        C->out_head = NULL;
        C->out_tail = &C->out_head;
        C->net_busy = true;
    }
    pthread_mutex_unlock(&lb_mu);
}

static void drain_wake(struct lb_conn *C)
{
    uint64_t v;
    ssize_t rc = read(C->wake_fd, &v, sizeof v);
    (void)rc;
    pthread_mutex_lock(&lb_mu);
    C->wake_pending = false;
    pthread_mutex_unlock(&lb_mu);
}

/* Uploads (PROTOCOL.md "Media"): while nothing else waits to be written, the next chunk of the
 * oldest send with media goes out as a U frame, its progress callback is queued, and after its
 * last chunk the send's C frame follows. One chunk at a time: frames stay small and other
 * requests are never stuck behind a big file. */
static void pump_upload(struct lb_conn *C, struct net *N, int64_t now)
{
    pthread_mutex_lock(&lb_mu);
    struct lb_req *r = C->reqs_head;
    while (r && (!r->uploads || r->cancelled))
        r = r->next;
    if (!r) {
        pthread_mutex_unlock(&lb_mu);
        return;
    }
    struct lb_upload *u = r->uploads;
    while (u && u->done)
        u = u->next;
    r->upload_started = true;
    C->net_busy = true; /* its frames go on this thread's queue (cleared once written) */
    uint64_t id = r->id;
    pthread_mutex_unlock(&lb_mu);
    /* Only this thread frees requests: r stays valid while the file is read unlocked. */
    struct lb_frame *f = u ? lb_media_chunk(id, u) : NULL;
    if (u && !f)
        return; /* out of memory: try again on the next turn */
    if (f) {
        *N->wq_tail = f;
        N->wq_tail = &f->next;
    }
    if (u && u->fd >= 0 && u->size > 0 && r->progress_json) {
        struct lb_job *job = lb_job_new(LB_JOB_EVENT, strlen(r->progress_json) + 1);
        if (job) {
            size_t off = 0;
            job->setter = LB_SET_TIMSetMsgElemUploadProgressCallback;
            job->args[0].s = lb_job_copy(job, &off, r->progress_json);
            job->args[1].i = u->index;
            job->args[2].i = u->off;
            job->args[3].i = u->size;
            lb_emit(C->q, job);
        }
    }
    pthread_mutex_lock(&lb_mu);
    r->deadline_ms = now + C->timeout_ms; /* progress: the request is alive */
    bool all_done = true;
    for (struct lb_upload *x = r->uploads; x; x = x->next)
        all_done &= x->done;
    if (all_done) {
        lb_uploads_free(r->uploads);
        r->uploads = NULL;
        free(r->progress_json);
        r->progress_json = NULL;
        *N->wq_tail = r->frame;
        N->wq_tail = &r->frame->next;
        r->frame = NULL;
        r->upload_started = false;
        bool any_cb = false;
        for (int k = 0; k < lb_fns[r->fn].ncb; k++)
            any_cb |= r->cbs[k] != NULL;
        if (!any_cb) {
            req_unlink(C, r);
            req_free(r);
        }
    }
    pthread_mutex_unlock(&lb_mu);
}

/* Fails and forgets the sends cancelled while uploading (their C frame is never sent). */
static void sweep_cancelled(struct lb_conn *C)
{
    if (!atomic_load(&C->cancel_pending))
        return; /* the common case: no lock taken */
    pthread_mutex_lock(&lb_mu);
    if (atomic_exchange(&C->cancel_pending, false)) {
        struct lb_req *r = C->reqs_head;
        while (r) {
            struct lb_req *next = r->next;
            if (r->cancelled) {
                req_fail(C, r, LB_ERR_SDK_SEND_MESSAGE_FAILED_WITH_CANCEL, "send cancelled");
                req_unlink(C, r);
                req_free(r);
            }
            r = next;
        }
    }
    pthread_mutex_unlock(&lb_mu);
}

bool lb_conn_cancel_upload(struct lb_conn *C, const char *msg_id)
{
    for (struct lb_req *r = C->reqs_head; r; r = r->next) {
        if (r->uploads && !r->cancelled && strcmp(r->msg_id, msg_id) == 0) {
            r->cancelled = true;
            atomic_store(&C->cancel_pending, true);
            wake(C);
            return true;
        }
    }
    return false;
}

static int poll_timeout(struct lb_conn *C, const struct net *N, int64_t now)
{
    pthread_mutex_lock(&lb_mu);
    int64_t until = C->next_deadline_ms;
    if (N->state == NET_IDLE && N->retry_at < until)
        until = N->retry_at;
    if (N->state == NET_CONNECTING && N->connect_deadline < until)
        until = N->connect_deadline;
    /* Never asleep for longer than one request timeout: a request made meanwhile has its
     * deadline after that, so it need not wake this thread (req_insert). */
    if (until - now > C->timeout_ms)
        until = now + C->timeout_ms;
    C->poll_until_ms = until;
    pthread_mutex_unlock(&lb_mu);
    int64_t ms = until - now;
    return ms < 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

static void net_step(struct lb_conn *C, struct net *N)
{
    int64_t now = lb_now_ms();
    if (atomic_load(&C->retry_now) && atomic_exchange(&C->retry_now, false) &&
        N->state == NET_IDLE)
        N->retry_at = now; /* a TIMLogin after a verdict: try again now, not after the backoff */
    if (N->state == NET_IDLE && now >= N->retry_at)
        start_connect(C, N, now);
    if (N->state == NET_OPEN) {
        take_out(C, N);
        if (N->wq) /* write now rather than after one more poll (EAGAIN: poll for POLLOUT) */
            write_some(C, N, now);
    }
    sweep_cancelled(C);
    if (N->state == NET_OPEN && !N->wq)
        pump_upload(C, N, now);
    struct pollfd pf[2] = {{.fd = C->wake_fd, .events = POLLIN}, {.fd = N->fd}};
    if (N->state == NET_CONNECTING)
        pf[1].events = POLLOUT;
    else if (N->state == NET_OPEN)
        pf[1].events = POLLIN | (N->wq ? POLLOUT : 0);
    lb_flush_batch(C->q);
    int timeout = poll_timeout(C, N, now);
    int rc = poll(pf, N->fd >= 0 ? 2 : 1, timeout);
    now = lb_now_ms();
    if (rc < 0 && errno != EINTR)
        lb_log(C->q, kTIMLog_Error, "loopback: poll failed: %s", strerror(errno));
    if (rc > 0 && (pf[0].revents & POLLIN))
        drain_wake(C);
    if (N->state == NET_CONNECTING) {
        if (rc > 0 && pf[1].revents)
            finish_connect(C, N, now);
        else if (now >= N->connect_deadline)
            connect_failed(C, N, "timed out", now);
    } else if (N->state == NET_OPEN && rc > 0) {
        if (pf[1].revents & (POLLIN | POLLHUP | POLLERR))
            read_some(C, N, now);
        if (N->state == NET_OPEN && (pf[1].revents & POLLOUT))
            write_some(C, N, now);
    }
    check_deadlines(C, now);
}

void lb_net_run(struct lb_conn *C, const atomic_bool *stopping)
{
    struct net N = {.state = NET_IDLE, .fd = -1, .backoff = BACKOFF_MIN_MS};
    N.wq_tail = &N.wq;
    N.retry_at = lb_now_ms();
    lb_batch_this_thread();
    if (!C->has_addr) {
        /* Like the real SDK offline: it tries, it fails; logins fail at once, other requests
         * time out. */
        N.state = NET_NOADDR;
        emit_status(C, kTIMConnecting, 0, "");
        unreachable(C, LB_ERR_SDK_NET_HOST_GETADDRINFO_FAILED,
                    "loopback: no cloud address: set AIOTIM_LOOPBACK_ADDRESS (the address "
                    "`aiotim loopback serve` prints), or use aiotim.loopback.connect(address, "
                    "app_id) or an aiotim.loopback.Cloud");
    }
    while (!atomic_load(stopping))
        net_step(C, &N);
    pthread_mutex_lock(&lb_mu);
    C->direct_fd = -1;
    pthread_mutex_unlock(&lb_mu);
    if (N.fd >= 0)
        close(N.fd);
    lb_frames_free(N.wq);
    free(N.rbuf);
}

void lb_net_interrupt(struct lb_conn *C)
{
    uint64_t one = 1;
    ssize_t rc = write(C->wake_fd, &one, sizeof one);
    (void)rc;
}

/* ---- the connection's life ---- */

bool lb_conn_init(struct lb_conn *C, struct lb_queue *q, uint64_t app_id, int64_t timeout_ms)
{
    memset(C, 0, sizeof *C);
    C->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (C->wake_fd < 0)
        return false;
    C->q = q;
    C->app_id = app_id;
    C->timeout_ms = timeout_ms;
    C->out_tail = &C->out_head;
    C->direct_fd = -1;
    C->next_req_id = 1;
    C->next_deadline_ms = INT64_MAX;
    C->poll_until_ms = INT64_MAX;
    C->login_status = kTIMLoginStatus_UnLogined;
    return true;
}

void lb_conn_destroy(struct lb_conn *C)
{
    close(C->wake_fd);
    reqs_free(C);
    lb_frames_free(C->out_head);
    C->out_head = NULL;
    C->out_tail = &C->out_head;
    forget_credentials(C);
    free(C->login_user);
    C->login_user = NULL;
}

void lb_conn_remember_login(struct lb_conn *C, const char *user, const char *sig)
{
    forget_credentials(C);
    C->cred_user = strdup(user);
    C->cred_sig = strdup(sig);
}

bool lb_conn_submit(struct lb_conn *C, struct lb_req *r, struct lb_frame *f, bool any_cb)
{
    r->id = C->next_req_id++;
    r->deadline_ms += C->timeout_ms;
    lb_frame_set_req_id(f, r->id);
    if (r->uploads) { /* its files go first: the network thread streams them (pump_upload) */
        r->frame = f;
        req_insert(C, r);
        if (C->welcomed)
            wake(C);
        return true;
    }
    if (C->welcomed) {
        /* Nothing else in flight: write the frame now, on this thread (a lone call's round
         * trip then wakes the network thread once, for the answer). Otherwise (calls in a
         * burst, frames queued, the network thread writing) the frames go out together. */
        if (C->direct_fd >= 0 && !C->reqs_head && !C->out_head && !C->net_busy) {
            ssize_t n = send(C->direct_fd, f->data, f->len, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n == (ssize_t)f->len) {
                free(f);
                f = NULL;
            } else if (n > 0) {
                f->off = (size_t)n; /* the rest follows from the network thread */
            }
        }
        if (f) {
            out_append(C, f);
            wake(C);
        }
    } else {
        r->frame = f;
    }
    if (r->frame && r->fn == LB_FN_TIMLogin && C->fail_code) {
        /* The cloud cannot be reached (a verdict): fail now without an address, else on the
         * outcome of an attempt made at once. */
        if (!C->has_addr) {
            req_fail(C, r, C->fail_code, C->fail_desc);
            return false;
        }
        atomic_store(&C->retry_now, true);
        wake(C);
    }
    bool keep = r->frame || any_cb;
    if (keep)
        req_insert(C, r);
    return keep;
}
