/*
 * sdk.c: the instance lifecycle (TIMInit/TIMUninit) and its threads, what the SDK answers
 * locally (PROTOCOL.md "What the SDK does locally"), the generic forwarding of API calls
 * (lb_forward), and the loopback-only exports. The top layer but for the generated exports.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "lb_callbacks.h"
#include "lb_clock.h"
#include "lb_json.h"
#include "lb_media.h"
#include "lb_net.h"
#include "lb_queue.h"
#include "lb_sdk.h"
#include "lb_wire.h"
#include "loopback_ext.h"

#define DEFAULT_TIMEOUT_MS 30000
#define USER_ID_BUFFER 128 /* the header: user_id_buffer is "no smaller than 128 bytes" */

/* One initialised SDK instance (TIMInit .. TIMUninit) and its threads.
 *
 * Lifetime: the instance is reference counted. TIMInit holds one reference, each of its threads
 * another; the last release frees it. That lets TIMUninit detach (instead of join) a thread it
 * is called from, e.g. from inside a callback. */
struct lb_sdk {
    int refs; /* [mu] */
    atomic_bool stopping;
    struct lb_queue queue; /* its callbacks, fired by cb_thr */
    struct lb_conn conn;   /* its connection, served by net_thr */
    pthread_t net_thr, cb_thr;

    /* firehose [fh_mu] */
    pthread_mutex_t fh_mu;
    pthread_t fh_thr;
    bool fh_running;
};

/* Serializes TIMInit and TIMUninit (which block on threads) without blocking other calls. */
static pthread_mutex_t life_mu = PTHREAD_MUTEX_INITIALIZER;

static struct lb_sdk *cur; /* [mu] (lb_mu, lb_net.h) the initialised instance, or NULL */

/* [mu] TIMSetConfig's effective config: raw JSON members, merged by key. */
struct cfg_member {
    char *key, *val;
};
static struct cfg_member *cfg;
static size_t cfg_n;

static uint64_t id_seed;
static atomic_uint_fast64_t id_counter;

/* ---- ids ---- */

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Seeded per copy of the library (its own address and random bytes), so two clients in one
 * process never make the same ids. */
static void seed_ids(void)
{
    if (id_seed)
        return;
    uint64_t r = 0;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
        r = (uint64_t)lb_wall_ms();
    id_seed = mix64(r ^ (uint64_t)(uintptr_t)&id_seed ^ ((uint64_t)getpid() << 32)) | 1;
}

/* <16 hex digits>-<client time s>-<rand>, the shape of the real SDK's message ids. */
static void make_id(char *out, size_t n)
{
    uint64_t c = atomic_fetch_add(&id_counter, 1);
    uint64_t a = mix64(id_seed + c * 0x9e3779b97f4a7c15ULL);
    snprintf(out, n, "%016llx-%lld-%u", (unsigned long long)a, (long long)(lb_wall_ms() / 1000),
             (unsigned)(mix64(a) & 0x7fffffff));
}

/* ---- the instance ---- */

static struct lb_sdk *sdk_new(uint64_t app_id, int64_t timeout_ms)
{
    struct lb_sdk *S = calloc(1, sizeof *S);
    if (!S)
        return NULL;
    if (!lb_conn_init(&S->conn, &S->queue, app_id, timeout_ms)) {
        free(S);
        return NULL;
    }
    S->refs = 1;
    lb_queue_init(&S->queue);
    pthread_mutex_init(&S->fh_mu, NULL);
    return S;
}

static void sdk_free(struct lb_sdk *S)
{
    lb_conn_destroy(&S->conn);
    lb_queue_destroy(&S->queue);
    pthread_mutex_destroy(&S->fh_mu);
    free(S);
}

static void sdk_release(struct lb_sdk *S)
{
    pthread_mutex_lock(&lb_mu);
    bool last = --S->refs == 0;
    pthread_mutex_unlock(&lb_mu);
    if (last)
        sdk_free(S);
}

static struct lb_sdk *sdk_acquire(void)
{
    pthread_mutex_lock(&lb_mu);
    struct lb_sdk *S = cur;
    if (S)
        S->refs++;
    pthread_mutex_unlock(&lb_mu);
    return S;
}

/* Our threads take no signals: the host process's handlers run on its own threads, and poll()
 * is never interrupted. The thread holds a reference to S, released when it ends. */
static bool start_thread(struct lb_sdk *S, pthread_t *t, void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_mutex_lock(&lb_mu);
    S->refs++;
    pthread_mutex_unlock(&lb_mu);
    int rc = pthread_create(t, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        sdk_release(S);
    return rc == 0;
}

/* A thread cannot join itself: TIMUninit called from one of our callbacks detaches it, and the
 * thread frees what it holds when its callback returns (it sees `stopping`). */
static void join_or_detach(pthread_t t)
{
    if (pthread_equal(t, pthread_self()))
        pthread_detach(t);
    else
        pthread_join(t, NULL);
}

static void stop(struct lb_sdk *S)
{
    atomic_store(&S->stopping, true);
    lb_net_interrupt(&S->conn);
    lb_queue_wake(&S->queue);
}

/* The instance's two threads: each runs its layer's loop, then drops its reference. */
static void *cb_main(void *arg)
{
    struct lb_sdk *S = arg;
    lb_queue_run(&S->queue, &S->stopping);
    sdk_release(S);
    return NULL;
}

static void *net_main(void *arg)
{
    struct lb_sdk *S = arg;
    lb_net_run(&S->conn, &S->stopping);
    sdk_release(S);
    return NULL;
}

struct init_cfg {
    char *address;
    int64_t timeout_ms;
};

static int init_member(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
    struct init_cfg *c = ctx;
    if (lb_json_key_is(key, klen, "loopback_address")) {
        free(c->address);
        c->address = lb_json_string_dup(val, vlen);
    } else if (lb_json_key_is(key, klen, "loopback_request_timeout_ms")) {
        int64_t v;
        if (lb_json_int(val, vlen, &v) && v > 0)
            c->timeout_ms = v;
    }
    return 0;
}

static int start(uint64_t sdk_app_id, const char *json_sdk_config)
{
    struct init_cfg c = {NULL, DEFAULT_TIMEOUT_MS};
    /* NULL or "" means defaults (TIMManager.h); anything else must be a JSON object. */
    if (json_sdk_config && *json_sdk_config &&
        lb_json_members(json_sdk_config, strlen(json_sdk_config), init_member, &c) < 0)
        return LB_TIM_ERR_JSON;
    const char *address = c.address ? c.address : getenv("AIOTIM_LOOPBACK_ADDRESS");
    struct lb_sdk *S = sdk_new(sdk_app_id, c.timeout_ms);
    if (!S) {
        free(c.address);
        return LB_TIM_ERR_SDKUNINIT;
    }
    const char *why = NULL;
    if (address && *address) {
        S->conn.has_addr = lb_parse_address(address, &S->conn.addr, &why);
        if (!S->conn.has_addr) {
            lb_log(NULL, kTIMLog_Error, "TIMInit: loopback address \"%s\" refused: %s", address,
                   why);
            free(c.address);
            sdk_free(S);
            return LB_TIM_ERR_PARAM;
        }
    }
    free(c.address);
    seed_ids();
    if (!start_thread(S, &S->cb_thr, cb_main, S)) {
        sdk_free(S);
        return LB_TIM_ERR_SDKUNINIT;
    }
    if (!start_thread(S, &S->net_thr, net_main, S)) {
        stop(S);
        pthread_join(S->cb_thr, NULL);
        sdk_free(S);
        return LB_TIM_ERR_SDKUNINIT;
    }
    pthread_mutex_lock(&lb_mu);
    cur = S;
    pthread_mutex_unlock(&lb_mu);
    return LB_TIM_SUCC;
}

LB_EXPORT int TIMInit(uint64_t sdk_app_id, const char *json_sdk_config)
{
    pthread_mutex_lock(&life_mu);
    pthread_mutex_lock(&lb_mu);
    bool already = cur != NULL;
    pthread_mutex_unlock(&lb_mu);
    int rc = already ? LB_TIM_SUCC : start(sdk_app_id, json_sdk_config);
    pthread_mutex_unlock(&life_mu);
    return rc;
}

LB_EXPORT int TIMUninit(void)
{
    pthread_mutex_lock(&life_mu);
    pthread_mutex_lock(&lb_mu);
    struct lb_sdk *S = cur;
    cur = NULL; /* from here on every call returns -1 and nothing new is queued */
    pthread_mutex_unlock(&lb_mu);
    if (S) {
        stop(S);
        join_or_detach(S->net_thr);
        join_or_detach(S->cb_thr);
        pthread_mutex_lock(&S->fh_mu);
        if (S->fh_running)
            join_or_detach(S->fh_thr);
        S->fh_running = false;
        pthread_mutex_unlock(&S->fh_mu);
        sdk_release(S);
    }
    pthread_mutex_unlock(&life_mu);
    return LB_TIM_SUCC;
}

/* ---- local answers ---- */

LB_EXPORT const char *TIMGetSDKVersion(void)
{
    return LB_SDK_VERSION;
}

LB_EXPORT uint64_t TIMGetServerTime(void)
{
    pthread_mutex_lock(&lb_mu);
    int64_t offset = cur ? cur->conn.time_offset_ms : 0;
    pthread_mutex_unlock(&lb_mu);
    return (uint64_t)((lb_wall_ms() + offset) / 1000);
}

/* Internal callers use this, never the exported name, which another loaded library could
 * interpose. */
static enum TIMLoginStatus login_status(void)
{
    pthread_mutex_lock(&lb_mu);
    int st = cur ? cur->conn.login_status : kTIMLoginStatus_UnLogined;
    pthread_mutex_unlock(&lb_mu);
    return (enum TIMLoginStatus)st;
}

LB_EXPORT enum TIMLoginStatus TIMGetLoginStatus(void)
{
    return login_status();
}

LB_EXPORT int TIMGetLoginUserID(char *user_id_buffer)
{
    if (!user_id_buffer)
        return LB_TIM_ERR_PARAM;
    pthread_mutex_lock(&lb_mu);
    int rc = LB_TIM_ERR_SDKUNINIT;
    if (cur) {
        const char *user = cur->conn.login_user;
        snprintf(user_id_buffer, USER_ID_BUFFER, "%s", user ? user : "");
        rc = LB_TIM_SUCC;
    }
    pthread_mutex_unlock(&lb_mu);
    return rc;
}

static int cfg_member(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
    (void)ctx;
    if (lb_json_key_is(key, klen, "set_config_callback_log_level")) {
        int64_t level;
        if (lb_json_int(val, vlen, &level))
            lb_set_log_level((int)level);
    }
    char *v = strndup(val, vlen);
    if (!v)
        return 0;
    for (size_t i = 0; i < cfg_n; i++) {
        if (strlen(cfg[i].key) == klen && memcmp(cfg[i].key, key, klen) == 0) {
            free(cfg[i].val);
            cfg[i].val = v;
            return 0;
        }
    }
    struct cfg_member *p = realloc(cfg, (cfg_n + 1) * sizeof *p);
    char *k = strndup(key, klen);
    if (!p || !k) {
        cfg = p ? p : cfg;
        free(k);
        free(v);
        return 0;
    }
    cfg = p;
    cfg[cfg_n++] = (struct cfg_member){k, v};
    return 0;
}

/* The loopback never writes logs to a console or a file: the defaults say so. */
static const char DEFAULT_CONFIG[] = "{\"set_config_log_level\":4,"
                                     "\"set_config_callback_log_level\":4,"
                                     "\"set_config_is_log_output_console\":false}";

static char *cfg_json(void)
{
    size_t n = 3;
    for (size_t i = 0; i < cfg_n; i++)
        n += strlen(cfg[i].key) + strlen(cfg[i].val) + 2;
    char *out = malloc(n);
    if (!out)
        return NULL;
    char *p = out;
    *p++ = '{';
    for (size_t i = 0; i < cfg_n; i++)
        p += sprintf(p, "%s%s:%s", i ? "," : "", cfg[i].key, cfg[i].val);
    strcpy(p, "}");
    return out;
}

/* Works before TIMInit too (proxies are meant to be set first); calls back synchronously. */
LB_EXPORT int TIMSetConfig(const char *json_config, TIMCommCallback cb, const void *user_data)
{
    if (!json_config)
        return LB_TIM_ERR_PARAM;
    size_t n = strlen(json_config);
    if (!lb_json_valid(json_config, n))
        return LB_TIM_ERR_JSON;
    pthread_mutex_lock(&lb_mu);
    if (cfg_n == 0)
        lb_json_members(DEFAULT_CONFIG, sizeof DEFAULT_CONFIG - 1, cfg_member, NULL);
    int rc = lb_json_members(json_config, n, cfg_member, NULL);
    char *effective = rc < 0 ? NULL : cfg_json();
    pthread_mutex_unlock(&lb_mu);
    if (rc < 0)
        return LB_TIM_ERR_JSON; /* valid JSON, but not an object */
    if (cb)
        cb(0, "", effective ? effective : "{}", user_data);
    free(effective);
    return LB_TIM_SUCC;
}

/* ---- forwarding ---- */

static bool initialized(void)
{
    pthread_mutex_lock(&lb_mu);
    bool yes = cur != NULL;
    pthread_mutex_unlock(&lb_mu);
    return yes;
}

static int check_params(const char *sig, const union lb_val *v)
{
    for (size_t k = 0; sig[k]; k++) {
        char c = sig[k];
        if ((c == 's' || c == 'j') && !v[k].s)
            return LB_TIM_ERR_PARAM;
        if ((c == 'j' || c == 'J') && v[k].s && !lb_json_valid(v[k].s, strlen(v[k].s)))
            return LB_TIM_ERR_JSON;
    }
    return LB_TIM_SUCC;
}

static int out_param(const char *sig)
{
    const char *x = strchr(sig, 'x');
    return x ? (int)(x - sig) : -1;
}

/* The real SDK answers a send before login at once, on the calling thread: 6013. Both send
 * functions have json_msg_param third. */
static bool send_before_login(int fn_id, const union lb_val *v, const lb_fnptr *cbs,
                              const void *user_data)
{
    if (fn_id != LB_FN_TIMMsgSendMessage && fn_id != LB_FN_TIMMsgSendNewMsg)
        return false;
    if (login_status() == kTIMLoginStatus_Logined)
        return false;
    int x = out_param(lb_fns[fn_id].sig);
    if (x >= 0 && v[x].out)
        strcpy(v[x].out, "-0-0");
    if (cbs[0])
        ((TIMCommCallback)cbs[0])(LB_ERR_SDK_NOT_INITIALIZED, "not initialized", v[2].s, user_data);
    return true;
}

/* TIMMsgCancelSend of a message whose files are still uploading: the send fails with 8021
 * (the network thread reports it) and the cancel succeeds, from the callback thread; any other
 * cancel goes to the cloud (which answers 8020: nothing else is ever still sending). */
static bool cancel_upload(int fn_id, const union lb_val *v, const lb_fnptr *cbs,
                          const void *user_data)
{
    if (fn_id != LB_FN_TIMMsgCancelSend || !v[2].s)
        return false;
    struct lb_job *job = lb_job_new(LB_JOB_CALL, 0);
    if (!job)
        return false;
    job->cbtype = LB_CB_TIMCommCallback;
    job->fn = cbs[0];
    job->ud = user_data;
    job->args[0].i = 0;
    job->args[1].s = "";
    job->args[2].s = "";
    pthread_mutex_lock(&lb_mu);
    struct lb_sdk *S = cur;
    bool found = S && lb_conn_cancel_upload(&S->conn, v[2].s);
    if (found && job->fn)
        lb_emit(&S->queue, job);
    pthread_mutex_unlock(&lb_mu);
    if (!found || !job->fn)
        free(job);
    return found;
}

/* Every forwarded API call: check, encode a C frame, then either hand it to the network thread
 * (connected) or park it on its request until W (not connected). */
int lb_forward(int fn_id, const union lb_val *v, const lb_fnptr *cbs, const void *user_data)
{
    const struct lb_fninfo *fi = &lb_fns[fn_id];
    if (!initialized())
        return LB_TIM_ERR_SDKUNINIT;
    int rc = check_params(fi->sig, v);
    if (rc != LB_TIM_SUCC)
        return rc;
    if (send_before_login(fn_id, v, cbs, user_data))
        return LB_TIM_SUCC;
    if (cancel_upload(fn_id, v, cbs, user_data))
        return LB_TIM_SUCC;
    char out_id[64] = "";
    int x = out_param(fi->sig);
    if (x >= 0) {
        make_id(out_id, sizeof out_id);
        if (v[x].out)
            strcpy(v[x].out, out_id);
    }
    struct lb_frame *f = lb_encode_call(0, fi->name, fi->sig, v, out_id);
    struct lb_req *r = calloc(1, sizeof *r);
    if (!f || !r) {
        free(f);
        free(r);
        return LB_TIM_ERR_PARAM; /* out of memory, or a frame over 64 MiB */
    }
    bool any_cb = false;
    for (int k = 0; k < fi->ncb; k++) {
        r->cbs[k] = cbs[k];
        any_cb |= cbs[k] != NULL;
    }
    r->fn = fn_id;
    r->ud = user_data;
    r->deadline_ms = lb_now_ms();
    r->dl_fd = -1;
    if (fn_id == LB_FN_TIMMsgDownloadElemToPath)
        r->dl_path = strdup(v[1].s);
    if (fn_id == LB_FN_TIMMsgSendMessage || fn_id == LB_FN_TIMMsgSendNewMsg ||
        fn_id == LB_FN_TIMMsgSendNewMsgEx) {
        /* As the real SDK: the files of media elements are uploaded before the message. */
        r->uploads = lb_media_scan(v[2].s);
        snprintf(r->msg_id, sizeof r->msg_id, "%s", out_id);
        if (r->uploads)
            r->progress_json = lb_media_progress_json(v[2].s, out_id, v[0].s, v[1].i);
    }
    pthread_mutex_lock(&lb_mu);
    struct lb_sdk *S = cur;
    if (!S) {
        pthread_mutex_unlock(&lb_mu);
        free(f);
        lb_req_free(r);
        return LB_TIM_ERR_SDKUNINIT;
    }
    if (fn_id == LB_FN_TIMLogin)
        lb_conn_remember_login(&S->conn, v[0].s, v[1].s);
    bool keep = lb_conn_submit(&S->conn, r, f, any_cb);
    pthread_mutex_unlock(&lb_mu);
    if (!keep)
        lb_req_free(r);
    return LB_TIM_SUCC;
}

/* ---- loopback-only exports ---- */

struct firehose {
    struct lb_sdk *S;
    uint64_t count;
    uint64_t rate; /* callbacks per second; 0: as fast as it can */
    char json[];
};

/* Time spent inside each callback of the last paced run, as the firing thread sees it (the
 * first FH_SAMPLES of the run). Only TIMLoopbackFirehosePaced writes it. */
#define FH_SAMPLES 65536
static uint64_t fh_samples[FH_SAMPLES];
static atomic_uint_fast64_t fh_nsamples;

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Sleep until `t` (CLOCK_MONOTONIC ns), never spinning: the paced thread's timer slack is set
 * to 1 us, and a late wake-up is caught up by the next callbacks (the schedule is absolute). */
static void wait_until(uint64_t t)
{
    struct timespec ts = {(time_t)(t / 1000000000u), (long)(t % 1000000000u)};
    while (mono_ns() < t && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

static void *firehose_main(void *arg)
{
    struct firehose *fh = arg;
    struct lb_sdk *S = fh->S;
    union lb_arg args[LB_MAX_ARGS] = {{.s = fh->json}};
    if (fh->rate == 0) {
        for (uint64_t i = 0; i < fh->count && !atomic_load(&S->stopping); i++)
            lb_fire_recv(args);
    } else {
        prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
        uint64_t t0 = mono_ns();
        for (uint64_t i = 0; i < fh->count && !atomic_load(&S->stopping); i++) {
            wait_until(t0 + i * 1000000000u / fh->rate);
            uint64_t a = mono_ns();
            lb_fire_recv(args);
            uint64_t b = mono_ns();
            if (i < FH_SAMPLES) {
                fh_samples[i] = b - a;
                atomic_store(&fh_nsamples, i + 1);
            }
        }
    }
    free(fh);
    sdk_release(S);
    return NULL;
}

static int firehose_start(struct lb_sdk *S, uint64_t count, uint64_t rate, const char *json)
{
    size_t n = strlen(json) + 1;
    struct firehose *fh = malloc(sizeof *fh + n);
    if (!fh)
        return LB_TIM_ERR_PARAM;
    fh->S = S;
    fh->count = count;
    fh->rate = rate;
    memcpy(fh->json, json, n);
    pthread_mutex_lock(&S->fh_mu);
    int rc = LB_TIM_SUCC;
    if (S->fh_running && pthread_equal(S->fh_thr, pthread_self()))
        rc = LB_TIM_ERR_SDKUNINIT; /* from its own callback: it cannot wait for itself */
    else if (S->fh_running)
        pthread_join(S->fh_thr, NULL);
    S->fh_running = false;
    if (rc == LB_TIM_SUCC && atomic_load(&S->stopping))
        rc = LB_TIM_ERR_SDKUNINIT;
    if (rc == LB_TIM_SUCC && rate)
        atomic_store(&fh_nsamples, 0);
    if (rc == LB_TIM_SUCC && !start_thread(S, &S->fh_thr, firehose_main, fh))
        rc = LB_TIM_ERR_SDKUNINIT;
    S->fh_running = rc == LB_TIM_SUCC;
    pthread_mutex_unlock(&S->fh_mu);
    if (rc != LB_TIM_SUCC)
        free(fh);
    return rc;
}

LB_EXPORT int TIMLoopbackFirehose(uint64_t count, const char *json_msg_array)
{
    if (!json_msg_array)
        return LB_TIM_ERR_PARAM;
    struct lb_sdk *S = sdk_acquire();
    if (!S)
        return LB_TIM_ERR_SDKUNINIT;
    int rc = firehose_start(S, count, 0, json_msg_array);
    sdk_release(S);
    return rc;
}

LB_EXPORT int TIMLoopbackFirehosePaced(uint64_t count, uint64_t rate, const char *json_msg_array)
{
    if (!json_msg_array || rate == 0)
        return LB_TIM_ERR_PARAM;
    struct lb_sdk *S = sdk_acquire();
    if (!S)
        return LB_TIM_ERR_SDKUNINIT;
    int rc = firehose_start(S, count, rate, json_msg_array);
    sdk_release(S);
    return rc;
}

LB_EXPORT int64_t TIMLoopbackFirehoseSample(uint64_t index)
{
    if (index >= atomic_load(&fh_nsamples))
        return -1;
    return (int64_t)fh_samples[index];
}

LB_EXPORT int TIMLoopbackEcho(const char *json, TIMCommCallback cb, const void *user_data)
{
    struct lb_job *job = lb_job_new(LB_JOB_CALL, json ? strlen(json) + 1 : 0);
    if (!job)
        return LB_TIM_ERR_PARAM;
    size_t off = 0;
    job->cbtype = LB_CB_TIMCommCallback;
    job->fn = (lb_fnptr)cb;
    job->ud = user_data;
    job->args[0].i = 0;
    job->args[1].s = "";
    job->args[2].s = json ? lb_job_copy(job, &off, json) : NULL;
    pthread_mutex_lock(&lb_mu);
    struct lb_sdk *S = cur;
    if (S)
        lb_emit(&S->queue, job);
    pthread_mutex_unlock(&lb_mu);
    if (!S) {
        free(job);
        return LB_TIM_ERR_SDKUNINIT;
    }
    return LB_TIM_SUCC;
}
