/*
 * wire.c: the field codec of the loopback protocol (PROTOCOL.md "Framing").
 *
 * Encoding writes into a buffer sized beforehand (callers add up lb_wire_str_size & co), so a
 * frame is one allocation. Decoding never copies: fields point into the frame body, and string
 * arguments are NUL-terminated in place by overwriting the byte after them (the next field's tag,
 * already parsed, or a spare byte the caller allocated after the body).
 */
#include <stdlib.h>
#include <string.h>

#include "lb_wire.h"

size_t lb_wire_str_size(const char *s, size_t len)
{
    return s ? 5 + len : 1;
}

unsigned char *lb_wire_put_u8(unsigned char *p, unsigned v)
{
    *p = (unsigned char)v;
    return p + 1;
}

unsigned char *lb_wire_put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
    return p + 4;
}

unsigned char *lb_wire_put_i64(unsigned char *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char)u;
        u >>= 8;
    }
    return p + 8;
}

unsigned char *lb_wire_put_str(unsigned char *p, const char *s, size_t len)
{
    if (!s)
        return lb_wire_put_u8(p, 'N');
    p = lb_wire_put_u8(p, 'S');
    p = lb_wire_put_u32(p, (uint32_t)len);
    memcpy(p, s, len);
    return p + len;
}

uint32_t lb_wire_get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int64_t lb_wire_get_i64(const unsigned char *p)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = u << 8 | p[i];
    return (int64_t)u;
}

struct lb_frame *lb_frame_alloc(size_t body_len)
{
    struct lb_frame *f = malloc(sizeof *f + 4 + body_len);
    if (!f)
        return NULL;
    f->next = NULL;
    f->len = 4 + body_len;
    f->off = 0;
    lb_wire_put_u32(f->data, (uint32_t)body_len);
    return f;
}

void lb_frames_free(struct lb_frame *f)
{
    while (f) {
        struct lb_frame *next = f->next;
        free(f);
        f = next;
    }
}

int lb_wire_fields(const unsigned char *body, size_t n, struct lb_field *f, int max)
{
    size_t pos = 0;
    int count = 0;
    while (pos < n) {
        struct lb_field x = {.tag = (char)body[pos++]};
        switch (x.tag) {
        case 'N':
            break;
        case 'B':
            if (n - pos < 1)
                return -1;
            x.i = body[pos++] != 0;
            break;
        case 'I':
            if (n - pos < 8)
                return -1;
            x.i = lb_wire_get_i64(body + pos);
            pos += 8;
            break;
        case 'S':
            if (n - pos < 4)
                return -1;
            x.len = lb_wire_get_u32(body + pos);
            pos += 4;
            if (n - pos < x.len)
                return -1;
            x.off = pos;
            pos += x.len;
            break;
        default:
            return -1;
        }
        if (count < max)
            f[count] = x;
        count++;
    }
    return count;
}

static bool field_matches(const struct lb_field *f, char want)
{
    switch (want) {
    case 's':
        return f->tag == 'S' || f->tag == 'N';
    case 'i':
        return f->tag == 'I';
    case 'b':
        return f->tag == 'B';
    default:
        return false;
    }
}

bool lb_wire_args(const struct lb_field *f, int nf, const char *sig, unsigned char *body,
                  union lb_arg *args)
{
    if (nf < 0 || (size_t)nf != strlen(sig))
        return false;
    for (int k = 0; k < nf; k++)
        if (!field_matches(&f[k], sig[k]))
            return false;
    /* Only now, with every field checked, may the bytes after each string be overwritten. */
    for (int k = 0; k < nf; k++) {
        if (f[k].tag == 'S') {
            body[f[k].off + f[k].len] = '\0';
            args[k].s = (const char *)body + f[k].off;
        } else if (f[k].tag == 'N') {
            args[k].s = NULL;
        } else {
            args[k].i = f[k].i;
        }
    }
    return true;
}

struct lb_frame *lb_encode_call(uint64_t req_id, const char *name, const char *sig,
                                const union lb_val *v, const char *out_id)
{
    size_t lens[LB_MAX_FIELDS];
    size_t nlen = strlen(name), body = 1 + 9 + 5 + nlen;
    size_t np = strlen(sig);
    if (np > LB_MAX_FIELDS)
        return NULL;
    for (size_t k = 0; k < np; k++) {
        switch (sig[k]) {
        case 'i':
            body += 9;
            break;
        case 'b':
            body += 2;
            break;
        case 'x':
            lens[k] = strlen(out_id);
            body += 5 + lens[k];
            break;
        default: /* strings */
            lens[k] = v[k].s ? strlen(v[k].s) : 0;
            body += lb_wire_str_size(v[k].s, lens[k]);
        }
    }
    if (body > LB_MAX_FRAME)
        return NULL;
    struct lb_frame *f = lb_frame_alloc(body);
    if (!f)
        return NULL;
    unsigned char *p = lb_wire_put_u8(f->data + 4, 'C');
    p = lb_wire_put_u8(p, 'I');
    p = lb_wire_put_i64(p, (int64_t)req_id);
    p = lb_wire_put_str(p, name, nlen);
    for (size_t k = 0; k < np; k++) {
        switch (sig[k]) {
        case 'i':
            p = lb_wire_put_u8(p, 'I');
            p = lb_wire_put_i64(p, v[k].i);
            break;
        case 'b':
            p = lb_wire_put_u8(p, 'B');
            p = lb_wire_put_u8(p, v[k].i != 0);
            break;
        case 'x':
            p = lb_wire_put_str(p, out_id, lens[k]);
            break;
        default:
            p = lb_wire_put_str(p, v[k].s, lens[k]);
        }
    }
    return f;
}

void lb_frame_set_req_id(struct lb_frame *f, uint64_t req_id)
{
    /* u32 length, u8 'C', u8 'I', then the i64 */
    lb_wire_put_i64(f->data + 6, (int64_t)req_id);
}
