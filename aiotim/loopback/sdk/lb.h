/*
 * lb.h: internals of the loopback SDK shared by its .c files (not installed, not exported).
 *
 * The library keeps all of its state in file-scope statics: the Python loader loads a private
 * copy of the .so per client (RTLD_LOCAL), so "global" here means "per copy", which is what we
 * want. Nothing here may touch process-wide resources (signal handlers, atexit, fixed paths).
 */
#ifndef AIOTIM_LOOPBACK_LB_H
#define AIOTIM_LOOPBACK_LB_H

#include <pthread.h>
#include <stdatomic.h>
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
    LB_ERR_SDK_NET_DISCONNECT = 9508,
    LB_ERR_SDK_NET_NET_UNREACH = 9512,
    LB_ERR_SDK_NET_WAIT_ACK_TIMEOUT = 9520,
    LB_ERR_SDK_NET_WAIT_SEND_TIMEOUT_NO_NETWORK = 9523,
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

/* ---- json.c: strict JSON (RFC 8259) syntax checks, and just enough reading for configs ---- */

bool lb_json_valid(const char *s, size_t n);
/* Calls fn for each member of a top-level object (key and value as raw JSON tokens); returns
 * -1 when s is not a valid JSON object, else the first non-zero value fn returned, or 0. */
typedef int (*lb_json_member_fn)(void *ctx, const char *key, size_t klen, const char *val,
                                 size_t vlen);
int lb_json_members(const char *s, size_t n, lb_json_member_fn fn, void *ctx);
/* Decodes a JSON string token (with its quotes) into a malloc'ed NUL-terminated string. */
char *lb_json_string_dup(const char *tok, size_t n);
bool lb_json_key_is(const char *key, size_t klen, const char *name);
bool lb_json_int(const char *tok, size_t n, int64_t *out);

/* ---- wire.c: frame encoding and field decoding (PROTOCOL.md "Framing") ---- */

/* An encoded frame waiting to be written; off is how much of it has been written already. */
struct lb_frame {
    struct lb_frame *next;
    size_t len, off;
    unsigned char data[];
};

struct lb_field {
    char tag; /* 'N', 'S', 'I' or 'B' */
    uint32_t len;
    int64_t i;
    size_t off; /* S: offset of the bytes in the body */
};

#define LB_MAX_FIELDS 16

size_t lb_wire_str_size(const char *s, size_t len);
unsigned char *lb_wire_put_u8(unsigned char *p, unsigned v);
unsigned char *lb_wire_put_u32(unsigned char *p, uint32_t v);
unsigned char *lb_wire_put_i64(unsigned char *p, int64_t v);
unsigned char *lb_wire_put_str(unsigned char *p, const char *s, size_t len);
uint32_t lb_wire_get_u32(const unsigned char *p);
int64_t lb_wire_get_i64(const unsigned char *p);
struct lb_frame *lb_frame_alloc(size_t body_len);
/* Encodes a C frame: sig as in lb_fninfo; the 'x' parameter is sent as out_id. */
struct lb_frame *lb_encode_call(uint64_t req_id, const char *name, const char *sig,
                                const union lb_val *v, const char *out_id);
void lb_frame_set_req_id(struct lb_frame *f, uint64_t req_id);
/* Parses every field of a body (after the type byte); fills at most max entries. Returns the
 * number of fields, or -1 when the body is malformed. */
int lb_wire_fields(const unsigned char *body, size_t n, struct lb_field *f, int max);
/* Checks fields against a callback sig and converts them into args, NUL-terminating strings in
 * place (body must have one spare byte after its end). */
bool lb_wire_args(const struct lb_field *f, int nf, const char *sig, unsigned char *body,
                  union lb_arg *args);

/* ---- sdk.c: entry points the generated wrappers call ---- */

int lb_forward(int fn_id, const union lb_val *vals, const lb_fnptr *cbs, const void *user_data);
void lb_set_callback(int setter_id, lb_fnptr fn, const void *user_data);
void lb_add_recv_callback(lb_fnptr fn, const void *user_data);
void lb_remove_recv_callback(lb_fnptr fn);

#endif
