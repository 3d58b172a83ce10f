/*
 * _cmessage.c: aiotim.models._cmessage, the SDK's message JSON straight to Message objects.
 *
 * A message notification is a JSON array of message objects of ~30 keys each, of which a
 * Message keeps 22; decoding it with orjson builds a dict per message (and per element) that
 * Message.from_json then reads key by key: ~3.4 us per message, most of it building objects
 * nobody reads. This parser reads the bytes once and builds only the Message, its elements and
 * their values; the message's own JSON is kept as bytes (Message.raw decodes it on first use).
 *
 *   configure(message_type, slots, text_elem_type, text_slot, address, statuses, priorities)
 *       slots: {field name: the member descriptor of Message's slot}; address(conv_id,
 *       conv_type) -> Address; statuses/priorities: {int: enum member}. Checked here.
 *   decode(payload: bytes) -> (list, slow) | None
 *       payload a JSON array of objects: a Message per object, in order, except the objects
 *       this fast path leaves to Python (any element but text, a key of another JSON type than
 *       the model reads, an escaped key, an address the model refuses, an int beyond 64 bits):
 *       those are the object's JSON as bytes, `slow` counts them. None: the payload is not
 *       something this parser vouches for (not an array of objects, malformed, or JSON whose
 *       reading by orjson it does not reproduce: exponents, numbers of over 20 digits, nesting
 *       deeper than 64) -- the caller decodes it the checked way, which names any problem.
 *   decode_one(payload: bytes) -> Message | bytes | None   one object, same rules
 *   decode_many(batch: list[tuple]) -> (list, slow) | None  the payloads (each tuple's first
 *       item) of a run of callbacks at once, same rules; None if any one is not vouched for; a
 *       payload the pump decoded already (a (list, slow) tuple) is taken as it is
 *   decode_payload_capsule   decode() for C callers, on raw memory (the pump's converter:
 *       aiotim/_native/records.c decodes a new-message callback's string straight from the
 *       relay's record, without a bytes copy of it)
 *   track(obj)   back in the cyclic GC (the objects built here are left out of it: see below)
 *   mark_at_me(msgs, user_id, at_all)   Message.is_at_me set on the messages that mention user_id
 *
 * Whatever is accepted is valid JSON by RFC 8259 as orjson reads it (strict UTF-8, no lone
 * surrogates, no control characters in strings, no trailing commas or content); the values
 * are what Message.from_json gives for the same object (tests/test_cmessage.py compares both on
 * generated and mutated payloads).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MAX_DEPTH 64
/* the capsule's name; its pointer: PyObject *decode_payload(const char *s, Py_ssize_t len) */
#define DECODE_PAYLOAD_CAPSULE "aiotim.json_array_decoder"
#define ADDRESS_CACHE_MAX 4096

/* -- configuration ------------------------------------------------------------------------ */

/* Message's fields, in the dataclass's order (Python checks it against fields(Message)). */
enum {
    F_ID, F_CONV, F_SENDER, F_ELEMS, F_SEQ, F_RAND, F_SERVER_TIME, F_CLIENT_TIME, F_IS_SELF,
    F_IS_READ, F_STATUS, F_AT_USERS, F_CLOUD_CUSTOM, F_PRIORITY, F_NEED_RECEIPT, F_PEER_READ,
    F_ONLINE_ONLY, F_LOCAL_INT, F_LOCAL_STR, F_AT_ME, F_RAW, N_FIELDS
};
static const char *const field_names[N_FIELDS] = {
    "id", "conv", "sender", "elems", "seq", "rand", "server_time", "client_time", "is_self",
    "is_read", "status", "at_users", "cloud_custom_data", "priority", "need_read_receipt",
    "is_peer_read", "is_online_only", "local_custom_int", "local_custom_str", "is_at_me", "raw",
};

/* The JSON keys read, each with the JSON type Message.from_json takes fast. */
typedef enum { J_STR, J_INT, J_BOOL, J_ARRAY } JType;
enum {
    K_MSG_ID, K_CONV_ID, K_CONV_TYPE, K_SENDER, K_ELEMS, K_SEQ, K_RAND, K_SERVER_TIME,
    K_CLIENT_TIME, K_FROM_SELF, K_IS_READ, K_STATUS, K_AT_USERS, K_CLOUD_CUSTOM, K_PRIORITY,
    K_NEED_RECEIPT, K_PEER_READ, K_RECEIPT_PEER_READ, K_ONLINE, K_CUSTOM_INT, K_CUSTOM_STR,
    K_AT_ME, N_KEYS
};
static const struct {
    const char *name;
    JType type;
} keys[N_KEYS] = {
    {"message_msg_id", J_STR},
    {"message_conv_id", J_STR},
    {"message_conv_type", J_INT},
    {"message_sender", J_STR},
    {"message_elem_array", J_ARRAY},
    {"message_seq", J_INT},
    {"message_rand", J_INT},
    {"message_server_time", J_INT},
    {"message_client_time", J_INT},
    {"message_is_from_self", J_BOOL},
    {"message_is_read", J_BOOL},
    {"message_status", J_INT},
    {"message_group_at_user_array", J_ARRAY},
    {"message_cloud_custom_str", J_STR},
    {"message_priority", J_INT},
    {"message_need_read_receipt", J_BOOL},
    {"message_is_peer_read", J_BOOL},
    {"message_receipt_peer_read", J_BOOL},
    {"message_is_online_msg", J_BOOL},
    {"message_custom_int", J_INT},
    {"message_custom_str", J_STR},
    {"message_is_at_me", J_BOOL},
};
static size_t key_len[N_KEYS];
#define MAX_KEY 40
static signed char by_len[MAX_KEY + 1][4]; /* per length, the known keys (-1 ends) */

static PyTypeObject *message_type;
static Py_ssize_t offsets[N_FIELDS];
static PyTypeObject *text_type;
static Py_ssize_t text_offset;
static PyObject *address_fn;
static PyObject *statuses;
static PyObject *priorities;
#define MAX_CONV_TYPE 16
static PyObject *address_cache[MAX_CONV_TYPE + 1]; /* per conv_type: {conv_id: Address} */
static PyObject *empty_tuple;
static int configured;

static int slot_offset(PyObject *descr, const char *name, Py_ssize_t *out) {
    if (!descr || Py_TYPE(descr) != &PyMemberDescr_Type) {
        PyErr_Format(PyExc_TypeError, "%s: not a slot (member descriptor)", name);
        return -1;
    }
    PyMemberDef *m = ((PyMemberDescrObject *)descr)->d_member;
    if (m->type != T_OBJECT_EX || (m->flags & READONLY)) {
        PyErr_Format(PyExc_TypeError, "%s: not a writable object slot", name);
        return -1;
    }
    *out = m->offset;
    return 0;
}

static PyObject *configure(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *mtype, *slots, *ttype, *tslot, *addr, *st, *pr;
    if (!PyArg_ParseTuple(args, "O!O!O!OOO!O!", &PyType_Type, &mtype, &PyDict_Type, &slots,
                          &PyType_Type, &ttype, &tslot, &addr, &PyDict_Type, &st, &PyDict_Type,
                          &pr))
        return NULL;
    if (PyDict_GET_SIZE(slots) != N_FIELDS)
        return PyErr_Format(PyExc_ValueError, "Message has %zd fields, this decoder knows %d",
                            PyDict_GET_SIZE(slots), N_FIELDS);
    Py_ssize_t offs[N_FIELDS], toff;
    for (int i = 0; i < N_FIELDS; i++) {
        PyObject *d = PyDict_GetItemString(slots, field_names[i]);
        if (!d) return PyErr_Format(PyExc_ValueError, "Message has no field %s", field_names[i]);
        if (slot_offset(d, field_names[i], &offs[i]) < 0) return NULL;
    }
    if (slot_offset(tslot, "TextElem.text", &toff) < 0) return NULL;
    if (!PyCallable_Check(addr)) return PyErr_Format(PyExc_TypeError, "address: not callable");
    memset(by_len, -1, sizeof by_len);
    for (int i = 0; i < N_KEYS; i++) {
        size_t len = key_len[i] = strlen(keys[i].name);
        int j = 0;
        while (by_len[len][j] >= 0) j++;
        if (len > MAX_KEY || j >= 3) return PyErr_Format(PyExc_RuntimeError, "key table");
        by_len[len][j] = (signed char)i;
    }
    memcpy(offsets, offs, sizeof offs);
    text_offset = toff;
    Py_XSETREF(message_type, (PyTypeObject *)Py_NewRef(mtype));
    Py_XSETREF(text_type, (PyTypeObject *)Py_NewRef(ttype));
    Py_XSETREF(address_fn, Py_NewRef(addr));
    Py_XSETREF(statuses, Py_NewRef(st));
    Py_XSETREF(priorities, Py_NewRef(pr));
    for (int i = 0; i <= MAX_CONV_TYPE; i++)
        if (!address_cache[i] && !(address_cache[i] = PyDict_New())) return NULL;
    if (!empty_tuple && !(empty_tuple = PyTuple_New(0))) return NULL;
    configured = 1;
    Py_RETURN_NONE;
}

/* -- the scanner: validates, never builds -------------------------------------------------- */

typedef const unsigned char *P;

static inline P ws(P p, P end) {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    return p;
}

/* a == b for n bytes (short keys: inline loads, no call) */
static inline int same(const unsigned char *a, const char *b, size_t n) {
    uint64_t x, y;
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y) return 0;
    }
    for (; n; a++, b++, n--)
        if (*a != (unsigned char)*b) return 0;
    return 1;
}

static inline int hex4(P p, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

/* One strict UTF-8 sequence starting at p (a byte >= 0x80): its length, 0 if invalid. */
static inline int utf8_seq(P p, P end) {
    unsigned c = p[0];
    if (c >= 0xC2 && c <= 0xDF) {
        if (end - p < 2 || (p[1] & 0xC0) != 0x80) return 0;
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (end - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && p[1] < 0xA0) return 0;  /* overlong */
        if (c == 0xED && p[1] >= 0xA0) return 0; /* a surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (end - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
            (p[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && p[1] < 0x90) return 0;  /* overlong */
        if (c == 0xF4 && p[1] >= 0x90) return 0; /* beyond U+10FFFF */
        return 4;
    }
    return 0;
}

typedef struct {
    P start, end; /* the contents, quotes excluded */
    int escaped;
} Str;

/* A string at p (on its opening quote): past its closing quote, or NULL. */
static P scan_string(P p, P end, Str *s) {
    p++;
    s->start = p;
    s->escaped = 0;
    while (p < end) {
        /* skip plain bytes (none a quote, a backslash, a control or non-ASCII byte) in bulk */
#ifdef __SSE2__
        while (end - p >= 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)p);
            /* signed: bytes >= 0x80 are negative, so "< 0x20" also catches non-ASCII */
            __m128i special = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                             _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
                _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
            int mask = _mm_movemask_epi8(special);
            if (mask) {
                p += __builtin_ctz((unsigned)mask);
                break;
            }
            p += 16;
        }
#endif
        while (end - p >= 8) {
            uint64_t x;
            memcpy(&x, p, 8);
            const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
            uint64_t quote = x ^ (ones * '"'), slash = x ^ (ones * '\\');
            uint64_t special = ((quote - ones) & ~quote) | ((slash - ones) & ~slash) |
                               (x - ones * 0x20) | x;
            if (special & highs) break;
            p += 8;
        }
        if (p >= end) break;
        unsigned c = *p;
        if (c == '"') {
            s->end = p;
            return p + 1;
        }
        if (c < 0x20) return NULL;
        if (c == '\\') {
            s->escaped = 1;
            if (end - p < 2) return NULL;
            unsigned e = p[1];
            if (e == 'u') {
                unsigned u;
                if (end - p < 6 || hex4(p + 2, &u) < 0) return NULL;
                p += 6;
                if (u >= 0xDC00 && u <= 0xDFFF) return NULL; /* a lone low surrogate */
                if (u >= 0xD800 && u <= 0xDBFF) {            /* needs its low half next */
                    unsigned lo;
                    if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) < 0 ||
                        lo < 0xDC00 || lo > 0xDFFF)
                        return NULL;
                    p += 6;
                }
                continue;
            }
            if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                e != 'r' && e != 't')
                return NULL;
            p += 2;
            continue;
        }
        if (c >= 0x80) {
            int n = utf8_seq(p, end);
            if (!n) return NULL;
            p += n;
            continue;
        }
        p++;
    }
    return NULL;
}

typedef struct {
    int is_int; /* no fraction (exponents are refused) */
    int negative;
    int fits; /* |value| fits: int64 when negative, uint64 otherwise */
    uint64_t magnitude;
} Num;

/* A number at p: past it, or NULL (malformed, an exponent, or over 20 digits). */
static P scan_number(P p, P end, Num *n) {
    n->negative = 0;
    n->is_int = 1;
    n->fits = 1;
    n->magnitude = 0;
    if (*p == '-') {
        n->negative = 1;
        p++;
    }
    if (p >= end || *p < '0' || *p > '9') return NULL;
    int digits = 0;
    if (*p == '0') {
        p++;
        digits = 1;
    } else {
        while (p < end && *p >= '0' && *p <= '9') {
            unsigned d = *p - '0';
            if (n->magnitude > (UINT64_MAX - d) / 10) n->fits = 0;
            else n->magnitude = n->magnitude * 10 + d;
            p++;
            digits++;
        }
    }
    if (p < end && *p == '.') {
        n->is_int = 0;
        p++;
        if (p >= end || *p < '0' || *p > '9') return NULL;
        while (p < end && *p >= '0' && *p <= '9') {
            p++;
            digits++;
        }
    }
    if (p < end && (*p == 'e' || *p == 'E')) return NULL; /* orjson's reading (inf, ...) */
    if (digits > 20) return NULL;
    if (n->negative && n->magnitude > (uint64_t)INT64_MAX + 1) n->fits = 0;
    return p;
}

static P skip_value(P p, P end, int depth);

static P skip_container(P p, P end, int depth, int object) {
    unsigned char close = object ? '}' : ']';
    if (depth > MAX_DEPTH) return NULL;
    p = ws(p + 1, end);
    if (p < end && *p == close) return p + 1;
    for (;;) {
        if (object) {
            Str k;
            if (p >= end || *p != '"' || !(p = scan_string(p, end, &k))) return NULL;
            p = ws(p, end);
            if (p >= end || *p != ':') return NULL;
            p = ws(p + 1, end);
        }
        if (!(p = skip_value(p, end, depth + 1))) return NULL;
        p = ws(p, end);
        if (p >= end) return NULL;
        if (*p == close) return p + 1;
        if (*p != ',') return NULL;
        p = ws(p + 1, end);
    }
}

static P skip_value(P p, P end, int depth) {
    if (p >= end) return NULL;
    switch (*p) {
        case '"': {
            Str s;
            return scan_string(p, end, &s);
        }
        case '{':
            return skip_container(p, end, depth, 1);
        case '[':
            return skip_container(p, end, depth, 0);
        case 't':
            return end - p >= 4 && !memcmp(p, "true", 4) ? p + 4 : NULL;
        case 'f':
            return end - p >= 5 && !memcmp(p, "false", 5) ? p + 5 : NULL;
        case 'n':
            return end - p >= 4 && !memcmp(p, "null", 4) ? p + 4 : NULL;
        default: {
            Num n;
            return (*p == '-' || (*p >= '0' && *p <= '9')) ? scan_number(p, end, &n) : NULL;
        }
    }
}

/* -- values -------------------------------------------------------------------------------- */

static void put_utf8(char **o, unsigned cp) {
    char *q = *o;
    if (cp < 0x80) *q++ = (char)cp;
    else if (cp < 0x800) {
        *q++ = (char)(0xC0 | cp >> 6);
        *q++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *q++ = (char)(0xE0 | cp >> 12);
        *q++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *q++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *q++ = (char)(0xF0 | cp >> 18);
        *q++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *q++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *q++ = (char)(0x80 | (cp & 0x3F));
    }
    *o = q;
}

/* A scanned (valid) string as str. */
static PyObject *str_value(const Str *s) {
    Py_ssize_t len = s->end - s->start;
    if (!s->escaped) return PyUnicode_DecodeUTF8((const char *)s->start, len, "strict");
    /* unescaping never lengthens: \uXXXX (6 bytes) is at most 3 UTF-8 bytes, a pair (12) 4 */
    char stack[256] = {0};
    char *buf = len <= (Py_ssize_t)sizeof stack ? stack : PyMem_Malloc((size_t)len);
    if (!buf) return PyErr_NoMemory();
    char *o = buf;
    for (P p = s->start; p < s->end;) {
        if (*p != '\\') {
            *o++ = (char)*p++;
            continue;
        }
        unsigned e = p[1], u = 0, lo = 0;
        p += 2;
        switch (e) {
            case 'b': *o++ = '\b'; break;
            case 'f': *o++ = '\f'; break;
            case 'n': *o++ = '\n'; break;
            case 'r': *o++ = '\r'; break;
            case 't': *o++ = '\t'; break;
            case 'u':
                hex4(p, &u);
                p += 4;
                if (u >= 0xD800 && u <= 0xDBFF) { /* the scanner saw its low half */
                    hex4(p + 2, &lo);
                    p += 6;
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                }
                put_utf8(&o, u);
                break;
            default: *o++ = (char)e; /* " \ / */
        }
    }
    PyObject *out = PyUnicode_DecodeUTF8(buf, o - buf, "strict");
    if (buf != stack) PyMem_Free(buf);
    return out;
}

/* Ids repeat from message to message (a conversation's id, its senders, the users a group
 * message mentions): a small direct-mapped cache of such short strings saves decoding and
 * allocating the same str again. Unescaped strings of at most ID_CACHE_LEN bytes only. */
#define ID_CACHE_SIZE 256
#define ID_CACHE_LEN 48
static struct {
    Py_ssize_t len;
    unsigned char bytes[ID_CACHE_LEN];
    PyObject *str;
} id_cache[ID_CACHE_SIZE];

static PyObject *id_value(const Str *s) {
    Py_ssize_t len = s->end - s->start;
    if (s->escaped || len > ID_CACHE_LEN || len == 0) return str_value(s);
    uint32_t h = 2166136261u;
    for (P p = s->start; p < s->end; p++) h = (h ^ *p) * 16777619u;
    unsigned slot = (h ^ (h >> 16)) & (ID_CACHE_SIZE - 1);
    if (id_cache[slot].str && id_cache[slot].len == len &&
        same(s->start, (const char *)id_cache[slot].bytes, (size_t)len))
        return Py_NewRef(id_cache[slot].str);
    PyObject *v = str_value(s);
    if (!v) return NULL;
    Py_XSETREF(id_cache[slot].str, Py_NewRef(v));
    id_cache[slot].len = len;
    memcpy(id_cache[slot].bytes, s->start, (size_t)len);
    return v;
}

static PyObject *int_value(const Num *n) {
    if (!n->negative) return PyLong_FromUnsignedLongLong(n->magnitude);
    if (n->magnitude == (uint64_t)INT64_MAX + 1) return PyLong_FromLongLong(INT64_MIN);
    return PyLong_FromLongLong(-(long long)n->magnitude);
}

/* -- one message ----------------------------------------------------------------------------- */

typedef struct {
    int seen;
    P at; /* the value's first byte */
    Str s;
    Num n;
    int b;
} Val;

/* The index of the known key k (unescaped), or -1. */
static inline int key_index(const Str *k) {
    size_t len = (size_t)(k->end - k->start);
    if (len > MAX_KEY) return -1;
    for (const signed char *i = by_len[len]; *i >= 0; i++)
        if (same(k->start, keys[(int)*i].name, len)) return *i;
    return -1;
}

/* Outcome of one object: 1 built, 0 left to Python, -1 unvouched JSON (p NULL) or error. */
typedef struct {
    P next;
    int slow;
} Span;

/* Scans the object at p (on '{'), recording the known keys' values in v; sets *slow when a
 * known key has a JSON type Message.from_json does not take fast (or a key is escaped). */
static P scan_message(P p, P end, Val *v, int *slow) {
    for (int i = 0; i < N_KEYS; i++) v[i].seen = 0;
    *slow = 0;
    p = ws(p + 1, end);
    if (p < end && *p == '}') return p + 1;
    for (;;) {
        Str k;
        if (p >= end || *p != '"' || !(p = scan_string(p, end, &k))) return NULL;
        p = ws(p, end);
        if (p >= end || *p != ':') return NULL;
        p = ws(p + 1, end);
        if (p >= end) return NULL;
        int i = k.escaped ? -1 : key_index(&k);
        if (k.escaped) *slow = 1; /* it could spell a known key */
        P at = p;
        if (i >= 0) {
            Val *x = &v[i];
            x->seen = 1;
            x->at = at;
            switch (keys[i].type) {
                case J_STR:
                    if (*p != '"') {
                        *slow = 1;
                        p = skip_value(p, end, 1);
                    } else p = scan_string(p, end, &x->s);
                    break;
                case J_INT:
                    if (*p == '-' || (*p >= '0' && *p <= '9')) {
                        p = scan_number(p, end, &x->n);
                        if (p && (!x->n.is_int || !x->n.fits)) *slow = 1;
                    } else {
                        *slow = 1;
                        p = skip_value(p, end, 1);
                    }
                    break;
                case J_BOOL:
                    if (end - p >= 4 && !memcmp(p, "true", 4)) {
                        x->b = 1;
                        p += 4;
                    } else if (end - p >= 5 && !memcmp(p, "false", 5)) {
                        x->b = 0;
                        p += 5;
                    } else {
                        *slow = 1;
                        p = skip_value(p, end, 1);
                    }
                    break;
                case J_ARRAY:
                    if (*p != '[') *slow = 1;
                    p = skip_value(p, end, 1);
                    break;
            }
        } else p = skip_value(p, end, 1);
        if (!p) return NULL;
        p = ws(p, end);
        if (p >= end) return NULL;
        if (*p == '}') return p + 1;
        if (*p != ',') return NULL;
        p = ws(p + 1, end);
    }
}

static PyObject *new_instance(PyTypeObject *type) { return type->tp_alloc(type, 0); }

#define SLOT(obj, off) (*(PyObject **)((char *)(obj) + (off)))

/* The elements of a (scanned, valid) message_elem_array at p: a tuple of TextElem, or
 * Py_None (borrowed) when an element is not a text element the fast path takes. */
static PyObject *build_elems(P p, P end) {
    PyObject *items = PyList_New(0);
    if (!items) return NULL;
    p = ws(p + 1, end);
    if (*p == ']') goto done;
    for (;;) {
        if (*p != '{') goto slow;
        /* one element: elem_type 0 and text_elem_content a string (or absent: "") */
        P q = ws(p + 1, end);
        int have_type = 0, elem_type_zero = 0;
        Str text = {0};
        int have_text = 0;
        if (*q != '}') {
            for (;;) {
                Str k;
                q = scan_string(q, end, &k);
                q = ws(q, end);
                q = ws(q + 1, end); /* ':' */
                size_t len = (size_t)(k.end - k.start);
                if (k.escaped) goto slow;
                if (len == 9 && same(k.start, "elem_type", 9)) {
                    Num n;
                    if (!(*q == '-' || (*q >= '0' && *q <= '9'))) goto slow;
                    q = scan_number(q, end, &n);
                    if (!n.is_int || !n.fits) goto slow;
                    have_type = 1;
                    elem_type_zero = n.magnitude == 0;
                } else if (len == 17 && same(k.start, "text_elem_content", 17)) {
                    if (*q != '"') goto slow;
                    q = scan_string(q, end, &text);
                    have_text = 1;
                } else q = skip_value(q, end, 2);
                q = ws(q, end);
                if (*q == '}') break;
                q = ws(q + 1, end); /* ',' */
            }
        }
        if (!have_type || !elem_type_zero) goto slow;
        PyObject *t = have_text ? str_value(&text) : PyUnicode_FromStringAndSize("", 0);
        if (!t) goto fail;
        PyObject *elem = new_instance(text_type);
        if (!elem) {
            Py_DECREF(t);
            goto fail;
        }
        SLOT(elem, text_offset) = t;
        PyObject_GC_UnTrack(elem); /* holds a str: no cycle can go through it */
        int rc = PyList_Append(items, elem);
        Py_DECREF(elem);
        if (rc < 0) goto fail;
        p = ws(q + 1, end);
        if (*p == ']') break;
        p = ws(p + 1, end); /* ',' */
    }
done: {
    PyObject *out = PyList_AsTuple(items);
    Py_DECREF(items);
    if (out && PyObject_GC_IsTracked(out)) PyObject_GC_UnTrack(out); /* of untracked items */
    return out;
}
slow:
    Py_DECREF(items);
    return Py_None;
fail:
    Py_DECREF(items);
    return NULL;
}

/* message_group_at_user_array at p: a tuple of str, or Py_None (borrowed) when an item is not a
 * string. */
static PyObject *build_strings(P p, P end) {
    p = ws(p + 1, end);
    if (*p == ']') return Py_NewRef(empty_tuple);
    PyObject *items = PyList_New(0);
    if (!items) return NULL;
    for (;;) {
        Str s;
        if (*p != '"') {
            Py_DECREF(items);
            return Py_None;
        }
        p = scan_string(p, end, &s);
        PyObject *v = id_value(&s);
        if (!v || PyList_Append(items, v) < 0) {
            Py_XDECREF(v);
            Py_DECREF(items);
            return NULL;
        }
        Py_DECREF(v);
        p = ws(p, end);
        if (*p == ']') break;
        p = ws(p + 1, end);
    }
    PyObject *out = PyList_AsTuple(items);
    Py_DECREF(items);
    return out;
}

/* The Address of (conv_id, conv_type) (0 <= conv_type <= MAX_CONV_TYPE): what address()
 * returns, kept per type by id (bounded). NULL with an error: refused (or out of memory). */
static PyObject *conv_address(PyObject *conv_id, long long conv_type) {
    PyObject *cache = address_cache[conv_type];
    PyObject *found = PyDict_GetItemWithError(cache, conv_id);
    if (found) return Py_NewRef(found);
    if (PyErr_Occurred()) return NULL;
    PyObject *ct = PyLong_FromLongLong(conv_type);
    PyObject *addr = ct ? PyObject_CallFunctionObjArgs(address_fn, conv_id, ct, NULL) : NULL;
    Py_XDECREF(ct);
    if (addr) {
        if (PyDict_GET_SIZE(cache) >= ADDRESS_CACHE_MAX) PyDict_Clear(cache);
        if (PyDict_SetItem(cache, conv_id, addr) < 0) Py_CLEAR(addr);
    }
    return addr;
}

static PyObject *mapped(PyObject *table, PyObject *value) {
    PyObject *m = PyDict_GetItemWithError(table, value);
    if (m) {
        Py_DECREF(value);
        return Py_NewRef(m);
    }
    if (PyErr_Occurred()) {
        Py_DECREF(value);
        return NULL;
    }
    return value;
}

static PyObject *str_or(const Val *x, const char *dflt) {
    return x->seen ? str_value(&x->s) : PyUnicode_FromString(dflt);
}

static PyObject *id_or_empty(const Val *x) {
    return x->seen ? id_value(&x->s) : PyUnicode_FromStringAndSize("", 0);
}

static PyObject *int_or(const Val *x, long long dflt) {
    return x->seen ? int_value(&x->n) : PyLong_FromLongLong(dflt);
}

static PyObject *bool_of(const Val *x) { return PyBool_FromLong(x->seen && x->b); }

/* The Message of a scanned object [start, stop) whose keys are in v: a new reference, Py_None
 * (borrowed) when Python must decode it, NULL on error. */
static PyObject *build_message(P start, P stop, P end, const Val *v) {
    PyObject *f[N_FIELDS] = {0};
    PyObject *out = NULL;
    f[F_ELEMS] = v[K_ELEMS].seen ? build_elems(v[K_ELEMS].at, end) : Py_NewRef(empty_tuple);
    if (!f[F_ELEMS]) goto done; /* an error (out of memory) */
    if (f[F_ELEMS] == Py_None) {
        f[F_ELEMS] = NULL;
        out = Py_None;
        goto done;
    }
    f[F_AT_USERS] =
        v[K_AT_USERS].seen ? build_strings(v[K_AT_USERS].at, end) : Py_NewRef(empty_tuple);
    if (!f[F_AT_USERS]) goto done;
    if (f[F_AT_USERS] == Py_None) {
        f[F_AT_USERS] = NULL;
        out = Py_None;
        goto done;
    }
    PyObject *conv_id = id_or_empty(&v[K_CONV_ID]);
    if (!conv_id) goto done;
    long long conv_type = 1;
    if (v[K_CONV_TYPE].seen) {
        const Num *n = &v[K_CONV_TYPE].n;
        if (n->negative || n->magnitude > MAX_CONV_TYPE) { /* the model says why */
            Py_DECREF(conv_id);
            out = Py_None;
            goto done;
        }
        conv_type = (long long)n->magnitude;
    }
    f[F_CONV] = conv_address(conv_id, conv_type);
    Py_DECREF(conv_id);
    if (!f[F_CONV]) { /* refused (PayloadError): the checked decoder raises it again */
        PyErr_Clear();
        out = Py_None;
        goto done;
    }
    if (!(f[F_ID] = str_or(&v[K_MSG_ID], ""))) goto done;
    if (!(f[F_SENDER] = id_or_empty(&v[K_SENDER]))) goto done;
    if (!(f[F_SEQ] = int_or(&v[K_SEQ], 0))) goto done;
    if (!(f[F_RAND] = int_or(&v[K_RAND], 0))) goto done;
    if (!(f[F_SERVER_TIME] = int_or(&v[K_SERVER_TIME], 0))) goto done;
    if (!(f[F_CLIENT_TIME] = int_or(&v[K_CLIENT_TIME], 0))) goto done;
    f[F_IS_SELF] = bool_of(&v[K_FROM_SELF]);
    f[F_IS_READ] = bool_of(&v[K_IS_READ]);
    PyObject *status = int_or(&v[K_STATUS], 0);
    if (!status || !(f[F_STATUS] = mapped(statuses, status))) goto done;
    if (!(f[F_CLOUD_CUSTOM] = str_or(&v[K_CLOUD_CUSTOM], ""))) goto done;
    PyObject *priority = int_or(&v[K_PRIORITY], 1);
    if (!priority || !(f[F_PRIORITY] = mapped(priorities, priority))) goto done;
    f[F_NEED_RECEIPT] = bool_of(&v[K_NEED_RECEIPT]);
    f[F_PEER_READ] = PyBool_FromLong((v[K_PEER_READ].seen && v[K_PEER_READ].b) ||
                                     (v[K_RECEIPT_PEER_READ].seen && v[K_RECEIPT_PEER_READ].b));
    f[F_ONLINE_ONLY] = bool_of(&v[K_ONLINE]);
    if (!(f[F_LOCAL_INT] = int_or(&v[K_CUSTOM_INT], 0))) goto done;
    if (!(f[F_LOCAL_STR] = str_or(&v[K_CUSTOM_STR], ""))) goto done;
    f[F_AT_ME] = bool_of(&v[K_AT_ME]);
    if (!(f[F_RAW] = PyBytes_FromStringAndSize((const char *)start, stop - start))) goto done;
    PyObject *m = new_instance(message_type);
    if (!m) goto done;
    for (int i = 0; i < N_FIELDS; i++) {
        SLOT(m, offsets[i]) = f[i];
        f[i] = NULL;
    }
    /* Left out of the cyclic GC: a message of immutable values (its raw is bytes) cannot be in
     * a cycle, and the collector need not scan the thousands a run of callbacks queues. It is
     * tracked again when a dict (mutable) takes its raw's place: see track(). */
    PyObject_GC_UnTrack(m);
    out = m;
done:
    for (int i = 0; i < N_FIELDS; i++) Py_XDECREF(f[i]);
    return out;
}

/* The object at p: *item a new reference (Message or bytes), NULL with *item NULL when the
 * payload is not vouched for (no error set) or on an error (set). */
static P one_object(P p, P end, PyObject **item, Py_ssize_t *slow_count) {
    Val v[N_KEYS];
    int slow;
    *item = NULL;
    if (p >= end || *p != '{') return NULL;
    P stop = scan_message(p, end, v, &slow);
    if (!stop) return NULL;
    PyObject *m = slow ? Py_None : build_message(p, stop, end, v);
    if (!m) return NULL;
    if (m == Py_None) {
        m = PyBytes_FromStringAndSize((const char *)p, stop - p);
        if (!m) return NULL;
        (*slow_count)++;
    }
    *item = m;
    return stop;
}

static int check_ready(void) {
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "aiotim.models._cmessage is not configured");
        return -1;
    }
    return 0;
}

/* The messages of the JSON array [p, end) appended to list (slow ones counted in *slow): 0,
 * or 1 when the array is not vouched for (nothing set), or -1 with an error set. Items already
 * appended are the caller's to drop. */
static int array_into(P p, P end, PyObject *list, Py_ssize_t *slow) {
    p = ws(p, end);
    if (p >= end || *p != '[') return 1;
    p = ws(p + 1, end);
    if (p < end && *p == ']') {
        p++;
    } else {
        for (;;) {
            PyObject *item;
            p = one_object(p, end, &item, slow);
            if (!item) return PyErr_Occurred() ? -1 : 1;
            int rc = PyList_Append(list, item);
            Py_DECREF(item);
            if (rc < 0) return -1;
            p = ws(p, end);
            if (p >= end) return 1;
            if (*p == ']') {
                p++;
                break;
            }
            if (*p != ',') return 1;
            p = ws(p + 1, end);
        }
    }
    return ws(p, end) == end ? 0 : 1;
}

/* (list, slow) of the JSON array [s, s + len), or NULL: not vouched for (no error set) or an
 * error. What decode() returns, for C callers (the pump's record converter, through the
 * capsule decode_payload_capsule): it decodes straight from the relay's record. */
static PyObject *decode_payload(const char *s, Py_ssize_t len) {
    if (!configured) return NULL;
    PyObject *list = PyList_New(0);
    if (!list) return NULL;
    Py_ssize_t slow = 0;
    int rc = array_into((P)s, (P)s + len, list, &slow);
    if (rc != 0) {
        Py_DECREF(list);
        return NULL;
    }
    return Py_BuildValue("(Nn)", list, slow);
}

static PyObject *decode(PyObject *self, PyObject *arg) {
    (void)self;
    if (check_ready() < 0) return NULL;
    if (!PyBytes_Check(arg)) return PyErr_Format(PyExc_TypeError, "decode() takes bytes");
    PyObject *out = decode_payload(PyBytes_AS_STRING(arg), PyBytes_GET_SIZE(arg));
    if (out || PyErr_Occurred()) return out;
    Py_RETURN_NONE;
}

static PyObject *decode_one(PyObject *self, PyObject *arg) {
    (void)self;
    if (check_ready() < 0) return NULL;
    if (!PyBytes_Check(arg)) return PyErr_Format(PyExc_TypeError, "decode_one() takes bytes");
    P p = (P)PyBytes_AS_STRING(arg), end = p + PyBytes_GET_SIZE(arg);
    Py_ssize_t slow = 0;
    PyObject *item;
    p = one_object(ws(p, end), end, &item, &slow);
    if (!item) {
        if (PyErr_Occurred()) return NULL;
        Py_RETURN_NONE;
    }
    if (ws(p, end) != end) {
        Py_DECREF(item);
        Py_RETURN_NONE;
    }
    return item;
}

/* decode_many(batch): the messages of a run of callbacks, batch a list of argument tuples whose
 * first item is the payload; (list, slow) over all of them, or None when a payload is not
 * vouched for (the caller then goes payload by payload). One call per run, no per-payload
 * list or tuple. */
static PyObject *decode_many(PyObject *self, PyObject *arg) {
    (void)self;
    if (check_ready() < 0) return NULL;
    if (!PyList_Check(arg)) return PyErr_Format(PyExc_TypeError, "decode_many() takes a list");
    PyObject *list = PyList_New(0);
    if (!list) return NULL;
    Py_ssize_t slow = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(arg); i++) {
        PyObject *args = PyList_GET_ITEM(arg, i);
        if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) < 1) goto unvouched;
        PyObject *payload = PyTuple_GET_ITEM(args, 0);
        if (PyTuple_CheckExact(payload)) { /* decoded by the pump already: (list, slow) */
            Py_ssize_t n;
            if (PyTuple_GET_SIZE(payload) != 2 || !PyList_Check(PyTuple_GET_ITEM(payload, 0)) ||
                (n = PyLong_AsSsize_t(PyTuple_GET_ITEM(payload, 1))) < 0)
                goto unvouched;
            PyObject *items = PyTuple_GET_ITEM(payload, 0);
            if (PyList_SetSlice(list, PY_SSIZE_T_MAX, PY_SSIZE_T_MAX, items) < 0) goto unvouched;
            slow += n;
            continue;
        }
        if (!PyBytes_Check(payload)) goto unvouched;
        int rc = array_into((P)PyBytes_AS_STRING(payload),
                            (P)PyBytes_AS_STRING(payload) + PyBytes_GET_SIZE(payload), list, &slow);
        if (rc != 0) goto unvouched;
    }
    return Py_BuildValue("(Nn)", list, slow);
unvouched:
    Py_DECREF(list);
    if (PyErr_Occurred()) return NULL;
    Py_RETURN_NONE;
}

/* mark_at_me(msgs, user_id, at_all): is_at_me = True on each Message of the list msgs that
 * mentions user_id or one of the strings of the tuple at_all in its at_users and was not sent
 * by the user (is_self false); other items are left alone. What models.message.mark_at_me
 * says, without a Python step per message (a run of callbacks can hold thousands). */
static PyObject *mark_at_me(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *msgs, *me, *at_all;
    if (!PyArg_ParseTuple(args, "O!UO!", &PyList_Type, &msgs, &me, &PyTuple_Type, &at_all))
        return NULL;
    if (check_ready() < 0) return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(msgs); i++) {
        PyObject *m = PyList_GET_ITEM(msgs, i);
        if (Py_TYPE(m) != message_type) continue;
        PyObject *at = SLOT(m, offsets[F_AT_USERS]);
        if (!at || !PyTuple_Check(at) || PyTuple_GET_SIZE(at) == 0) continue;
        PyObject *is_self = SLOT(m, offsets[F_IS_SELF]);
        if (!is_self) continue;
        int own = PyObject_IsTrue(is_self);
        if (own < 0) return NULL;
        if (own) continue;
        int hit = 0;
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(at) && !hit; j++) {
            PyObject *u = PyTuple_GET_ITEM(at, j);
            int eq = PyObject_RichCompareBool(u, me, Py_EQ);
            if (eq < 0) return NULL;
            hit = eq;
            for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(at_all) && !hit; k++) {
                eq = PyObject_RichCompareBool(u, PyTuple_GET_ITEM(at_all, k), Py_EQ);
                if (eq < 0) return NULL;
                hit = eq;
            }
        }
        if (hit) Py_XSETREF(SLOT(m, offsets[F_AT_ME]), Py_NewRef(Py_True));
    }
    Py_RETURN_NONE;
}

/* track(obj): put an object this module left out of the cyclic GC back in (Message.raw does
 * when a dict replaces the bytes). */
static PyObject *track(PyObject *self, PyObject *obj) {
    (void)self;
    if (PyObject_IS_GC(obj) && !PyObject_GC_IsTracked(obj)) PyObject_GC_Track(obj);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"decode_many", decode_many, METH_O, "decode_many(batch) -> (list, slow) | None"},
    {"track", track, METH_O, "track(obj): back in the cyclic GC"},
    {"mark_at_me", mark_at_me, METH_VARARGS, "mark_at_me(msgs, user_id, at_all)"},
    {"configure", configure, METH_VARARGS, "configure(message_type, slots, text_elem_type, "
                                           "text_slot, address, statuses, priorities)"},
    {"decode", decode, METH_O, "decode(payload) -> (list, slow) | None"},
    {"decode_one", decode_one, METH_O, "decode_one(payload) -> Message | bytes | None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "aiotim.models._cmessage",
    "The SDK's message JSON to Message objects (see _cmessage.c)", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__cmessage(void) {
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    PyObject *cap = PyCapsule_New((void *)decode_payload, DECODE_PAYLOAD_CAPSULE, NULL);
    if (!cap || PyModule_AddObject(m, "decode_payload_capsule", cap) < 0) {
        Py_XDECREF(cap);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
