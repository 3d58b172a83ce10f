/*
 * Layers, lowest first: abi, clock -> json, wire, callbacks -> queue -> media -> net -> sdk ->
 * (api.c).
 *
 * lb_wire.h (wire.c): frame encoding and field decoding (PROTOCOL.md "Framing").
 */
#ifndef AIOTIM_LOOPBACK_LB_WIRE_H
#define AIOTIM_LOOPBACK_LB_WIRE_H

#include "lb_abi.h"

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
/* Frees a list of frames (linked by next). */
void lb_frames_free(struct lb_frame *f);
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

#endif
