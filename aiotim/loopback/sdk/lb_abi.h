/*
 * Layers, lowest first: abi, clock -> json, wire, callbacks -> queue -> media -> net -> sdk ->
 * (api.c).
 *
 * The loopback SDK's C layers in detail. Each .c includes its own header and lower ones only,
 * and no layer calls a higher one: where a lower one must reach up, the higher one hands it a
 * pointer (the callback typedefs' invoke functions in the tables; the queue an instance's
 * connection emits to), and the threads' entry points live in sdk.c and call down.
 *
 *   lb_abi.h, lb_clock.h          the TIM ABI as the library sees it (tables: generated.inc,
 *                                 instantiated by api.c); clocks
 *   lb_json.h  lb_wire.h          json.c: strict JSON checks; wire.c: the frame codec
 *   lb_callbacks.h                callbacks.c: what the user registered (TIMSet*Callback,
 *                                 TIMAddRecvNewMsgCallback), and firing it
 *   lb_queue.h                    queue.c: jobs, the per-instance callback queue and its thread
 *   lb_media.h                    media.c: a send's media files, read as U frames (uploads)
 *   lb_net.h                      net.c: the connection, requests, the network thread
 *   lb_sdk.h                      sdk.c: the instance (TIMInit/TIMUninit), local answers,
 *                                 lb_forward, the loopback-only exports
 *   (api.c)                       the generated exports, calling lb_forward and lb_callbacks.h
 */

/*
 * lb_abi.h: the TIM ABI as every layer of the loopback SDK sees it (not installed, not
 * exported): constants, the value types of calls and callbacks, and the generated tables of
 * callback typedefs, setters and functions.
 *
 * The library keeps all of its state in file-scope statics: the Python loader loads a private
 * copy of the .so per client (RTLD_LOCAL), so "global" here means "per copy", which is what we
 * want. Nothing here may touch process-wide resources (signal handlers, atexit, fixed paths).
 */
#ifndef AIOTIM_LOOPBACK_LB_ABI_H
#define AIOTIM_LOOPBACK_LB_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tim_abi.h"

#define LB_EXPORT __attribute__((visibility("default")))
#define LB_SDK_VERSION "8.0.5903-loopback"
#define LB_PROTOCOL_NAME "aiotim-loopback/1"
#define LB_MAX_FRAME (64u * 1024u * 1024u)

/* TIMResult values (TIMCloudDef.h) and the TIMErrCode values the SDK produces itself. */
enum {
    LB_TIM_SUCC = 0,
    LB_TIM_ERR_SDKUNINIT = -1,
    LB_TIM_ERR_JSON = -3,
    LB_TIM_ERR_PARAM = -4,
    LB_ERR_SDK_NOT_INITIALIZED = 6013,
    LB_ERR_IO_OPERATION_FAILED = 6022,
    LB_ERR_SDK_SEND_MESSAGE_FAILED_WITH_CANCEL = 8021,
    /* GUESS: "network data could not be decoded": what listens at the address is not a
     * loopback cloud (it closed at the hello, or sent what is no frame). */
    LB_ERR_SDK_NET_DECODE_FAILED = 9502,
    LB_ERR_SDK_NET_DISCONNECT = 9508,
    LB_ERR_SDK_NET_NET_UNREACH = 9512,
    /* GUESS: "the IP address could not be resolved (config unreadable)": no cloud address. */
    LB_ERR_SDK_NET_HOST_GETADDRINFO_FAILED = 9516,
    LB_ERR_SDK_NET_WAIT_ACK_TIMEOUT = 9520,
    LB_ERR_SDK_NET_WAIT_SEND_TIMEOUT_NO_NETWORK = 9523,
    /* ERR_SVR_ACCOUNT_SDKAPPID_NOT_FOUND (TIMErrorCode.h): the default of a refusal frame. */
    LB_ERR_SVR_ACCOUNT_SDKAPPID_NOT_FOUND = 70020,
};

/* Every callback pointer is stored as this type: casting any function pointer to it and back is
 * well defined, and GCC's -Wcast-function-type exempts it. */
typedef void (*lb_fnptr)(void);

/* A parameter of an API call, as the generated wrappers hand it to lb_forward(). */
union lb_val {
    const char *s;
    int64_t i;
    char *out;
};

/* An argument of a callback: strings are NUL-terminated and live in the job that carries them. */
union lb_arg {
    const char *s;
    int64_t i;
};

/* A callback typedef: sig has one char per argument without user_data ('s' const char*,
 * 'i' integer or enum, 'b' bool); invoke calls fn with the arguments converted to its C types. */
struct lb_cbtype {
    const char *name;
    const char *sig;
    void (*invoke)(lb_fnptr fn, const union lb_arg *args, const void *user_data);
};

/* A notification setter: the name the cloud puts in E frames and the typedef it registers. */
struct lb_setter {
    const char *name;
    int cbtype;
};

/* A function forwarded to the cloud. sig has one char per parameter without callbacks and
 * user_data: 's' required string, 'o' optional string (NULL allowed), 'j' required JSON,
 * 'J' optional JSON, 'i' integer or enum, 'b' bool, 'x' char* output buffer. */
struct lb_fninfo {
    const char *name;
    const char *sig;
    int ncb;
    int cbtypes[2];
};

#define LB_GEN_DECLS
#include "generated.inc"
#undef LB_GEN_DECLS

extern const struct lb_cbtype lb_cbtypes[LB_CB_COUNT];
extern const struct lb_setter lb_setters[LB_SET_COUNT]; /* sorted by name (strcmp) */
extern const struct lb_fninfo lb_fns[LB_FN_COUNT];

#endif
