/*
 * records.c: aiotim._native._records, the pump's per-record work in C.
 *
 * The pump takes a batch of relay records (aiotim_relay_take) and hands its address here.
 * convert() turns up to `limit` records into Python values and frees them, so that Python does
 * one call per chunk of records instead of a dozen cffi attribute reads per record:
 *
 *   convert(addr, limit[, byte_budget[, backlog]]) -> (runs, next_addr)
 *
 * With a byte_budget (> 0), the chunk also ends once the string arguments converted so far hold
 * that many bytes (at least one record is converted): a chunk's events stay alive until the
 * consumers run, so its size is better counted in bytes than in records (one record can be one
 * message or a JSON array of a thousand).
 *
 * `runs` is a list of 4-tuples, in record order:
 *   (kind, -1, [args, ...], [t_push_ns, ...])   consecutive notifications of one kind
 *   (kind, token, args, t_push_ns)              a call's result (kind marked by configure())
 *   (kind, -2, None, t_push_ns)                 a record of a kind with no plan (a bug)
 * `args` is the callback's arguments as a tuple: bytes (or None for a NULL string), int, bool,
 * rebuilt after the kind's plan. `next_addr` is the first record not converted (0: none left).
 *
 *   configure(plans, result_kinds)  plans[kind]: a string of 's' (string), 'i' (int64),
 *                                   'u' (uint64), 'b' (bool), one letter per argument
 *   discard(addr) -> count          free a chain of records without converting it
 *   pump(slot, addr, limit, byte_budget[, backlog]) -> (runs, next_addr) | None
 *                                   the pump's step in one call: convert() of the batch at
 *                                   addr, or (addr 0) of a fresh aiotim_relay_fetch(slot); None
 *                                   when that found nothing (the relay is re-armed)
 *   bind(fetch_addr[, recycle_addr]) the addresses of aiotim_relay_fetch and
 *                                   aiotim_relay_recycle (relay.c is built into the other
 *                                   extension, the cffi one); converted records are handed
 *                                   back to the relay for reuse (freed when no recycle_addr)
 *   set_decoder(kind, capsule|None) the kind's first string argument decoded by the capsule's
 *                                   C function (aiotim.models._cmessage: new-message arrays)
 *                                   instead of copied to bytes; it may decline (bytes then)
 *
 * Unclaimed notifications stay records. convert() and pump() take an optional Backlog (one per
 * client): a notification of a kind the backlog has not seen claimed is not converted but moved
 * onto the backlog's list for that kind, the newest `limit` kept (an older one is freed and
 * counted), until claim(kind) converts them in order and from then on lets the kind through.
 * So the notifications a client keeps for streams not open yet (most often the conversation
 * and unread-count updates that every message sent or received brings, which a bot may never
 * read) cost no Python object, no run and no call into the hub:
 *
 *   Backlog(limit)                  limit >= 0 records per kind (0: keep none, count them)
 *   backlog.claim(kind) -> [(args, t_push_ns), ...]   the kind's records, oldest first,
 *                                   converted and freed; the kind is claimed from now on
 *   backlog.dropped() -> {kind: n}  records dropped past the limit, per kind
 *   backlog.held() -> {kind: n}     records kept, per kind
 *   backlog.first_drops             a list: each kind whose first drop happened (limit > 0),
 *                                   appended once, for the caller to report and clear
 *   backlog.clear()                 free every record kept; claim every kind
 *
 * Records are malloc'ed by relay.c in the same process; converted ones go back to it
 * (aiotim_relay_recycle), others are freed here with free().
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay.h"

#define MAX_KINDS 128
#define MAX_PLAN (AIOTIM_REC_MAX_STR + AIOTIM_REC_MAX_INT)

/* A kind's decoder of its first string argument, set by a higher layer (set_decoder): it
 * returns the decoded value, or NULL with no error set to have the bytes instead. */
typedef PyObject *(*string_decoder)(const char *s, Py_ssize_t len);
#define DECODER_CAPSULE "aiotim.json_array_decoder"
static string_decoder decoders[MAX_KINDS];
static PyObject *decoder_capsules[MAX_KINDS];

static char plans[MAX_KINDS][MAX_PLAN + 1];
static unsigned char has_plan[MAX_KINDS];
static unsigned char is_result[MAX_KINDS];

static PyObject *configure(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *plan_seq, *results;
    if (!PyArg_ParseTuple(args, "OO", &plan_seq, &results)) return NULL;
    PyObject *fast = PySequence_Fast(plan_seq, "plans must be a sequence");
    if (!fast) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (n > MAX_KINDS) {
        Py_DECREF(fast);
        return PyErr_Format(PyExc_ValueError, "at most %d kinds, got %zd", MAX_KINDS, n);
    }
    char new_plans[MAX_KINDS][MAX_PLAN + 1];
    unsigned char new_has[MAX_KINDS] = {0}, new_result[MAX_KINDS] = {0};
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, k);
        new_plans[k][0] = '\0';
        if (item == Py_None) continue;
        Py_ssize_t len;
        const char *plan = PyUnicode_AsUTF8AndSize(item, &len);
        if (!plan) {
            Py_DECREF(fast);
            return NULL;
        }
        int nstr = 0, nint = 0;
        for (Py_ssize_t i = 0; i < len; i++) {
            if (plan[i] == 's') nstr++;
            else if (plan[i] == 'i' || plan[i] == 'u' || plan[i] == 'b') nint++;
            else {
                Py_DECREF(fast);
                return PyErr_Format(PyExc_ValueError, "kind %zd: bad plan letter %c", k,
                                    plan[i]);
            }
        }
        if (nstr > AIOTIM_REC_MAX_STR || nint > AIOTIM_REC_MAX_INT) {
            Py_DECREF(fast);
            return PyErr_Format(PyExc_ValueError, "kind %zd: plan %s has too many arguments",
                                k, plan);
        }
        memcpy(new_plans[k], plan, (size_t)len + 1);
        new_has[k] = 1;
    }
    Py_DECREF(fast);
    PyObject *it = PyObject_GetIter(results);
    if (!it) return NULL;
    PyObject *kind_obj;
    while ((kind_obj = PyIter_Next(it))) {
        long kind = PyLong_AsLong(kind_obj);
        Py_DECREF(kind_obj);
        if (kind == -1 && PyErr_Occurred()) break;
        if (kind < 0 || kind >= MAX_KINDS) {
            PyErr_Format(PyExc_ValueError, "result kind %ld out of range", kind);
            break;
        }
        new_result[kind] = 1;
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) return NULL;
    memcpy(plans, new_plans, sizeof plans);
    memcpy(has_plan, new_has, sizeof has_plan);
    memcpy(is_result, new_result, sizeof is_result);
    Py_RETURN_NONE;
}

static PyObject *record_args(const aiotim_rec *rec, const char *plan, string_decoder dec) {
    Py_ssize_t n = (Py_ssize_t)strlen(plan);
    PyObject *t = PyTuple_New(n);
    if (!t) return NULL;
    int si = 0, ii = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *v;
        switch (plan[k]) {
        case 's': {
            const char *p = rec->str[si];
            v = NULL;
            if (p && si == 0 && dec) {
                v = dec(p, (Py_ssize_t)rec->len[si]);
                if (!v && PyErr_Occurred()) {
                    Py_DECREF(t);
                    return NULL;
                }
            }
            if (!v)
                v = p ? PyBytes_FromStringAndSize(p, (Py_ssize_t)rec->len[si])
                      : Py_NewRef(Py_None);
            si++;
            break;
        }
        case 'u':
            v = PyLong_FromUnsignedLongLong((unsigned long long)rec->ints[ii++]);
            break;
        case 'b':
            v = PyBool_FromLong(rec->ints[ii++] != 0);
            break;
        default: /* 'i' */
            v = PyLong_FromLongLong(rec->ints[ii++]);
        }
        if (!v) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, k, v);
    }
    return t;
}

/* aiotim_relay_fetch and aiotim_relay_recycle (relay.c, in the cffi extension: their
 * addresses are handed over by bind()) */
typedef uint64_t (*fetch_fn)(int slot);
typedef void (*recycle_fn)(aiotim_rec *rec);
static fetch_fn relay_fetch;
static recycle_fn relay_recycle; /* converted records go back for reuse (NULL: free()) */

static Py_ssize_t free_chain(aiotim_rec *rec) {
    Py_ssize_t n = 0;
    while (rec) {
        aiotim_rec *next = rec->next;
        free(rec);
        rec = next;
        n++;
    }
    return n;
}

static void release(aiotim_rec *rec) {
    if (relay_recycle) relay_recycle(rec);
    else free(rec);
}

/* Notifications kept as records until their kind is claimed (see the top of the file). Only
 * touched with the GIL held (the loop thread), so it needs no lock of its own. */
typedef struct {
    PyObject_HEAD
    Py_ssize_t limit;
    unsigned char claimed[MAX_KINDS];
    aiotim_rec *head[MAX_KINDS], *tail[MAX_KINDS];
    Py_ssize_t count[MAX_KINDS];
    unsigned long long dropped[MAX_KINDS];
    PyObject *first_drops; /* list of kinds: never rebound (the pump holds it) */
} Backlog;

/* Whether a record of this kind goes to the backlog instead of being converted. */
static inline int backlogged(const Backlog *b, int kind) {
    return b && kind >= 0 && kind < MAX_KINDS && has_plan[kind] && !is_result[kind] &&
           !b->claimed[kind];
}

/* Keep rec (its kind is backlogged; rec->next is overwritten), dropping the oldest past the
 * limit. Never fails: a first drop that cannot be listed for the warning is still counted. */
static void backlog_keep(Backlog *b, aiotim_rec *rec) {
    int k = rec->kind;
    rec->next = NULL;
    if (b->limit == 0) {
        release(rec);
        b->dropped[k]++;
        return;
    }
    if (b->tail[k]) b->tail[k]->next = rec;
    else b->head[k] = rec;
    b->tail[k] = rec;
    if (++b->count[k] <= b->limit) return;
    aiotim_rec *old = b->head[k];
    b->head[k] = old->next;
    b->count[k]--;
    release(old);
    if (b->dropped[k]++ == 0) {
        PyObject *kind = PyLong_FromLong(k);
        if (!kind || PyList_Append(b->first_drops, kind) < 0) PyErr_Clear();
        Py_XDECREF(kind);
    }
}

static void backlog_free_kind(Backlog *b, int k) {
    free_chain(b->head[k]); /* freed, not recycled: the relay may be closed by now */
    b->head[k] = b->tail[k] = NULL;
    b->count[k] = 0;
}

static PyObject *Backlog_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    Py_ssize_t limit;
    static char *kwlist[] = {"limit", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "n", kwlist, &limit)) return NULL;
    if (limit < 0) return PyErr_Format(PyExc_ValueError, "limit must be >= 0, got %zd", limit);
    Backlog *b = (Backlog *)type->tp_alloc(type, 0);
    if (!b) return NULL;
    b->limit = limit;
    b->first_drops = PyList_New(0);
    if (!b->first_drops) {
        Py_DECREF(b);
        return NULL;
    }
    return (PyObject *)b;
}

static void Backlog_dealloc(Backlog *b) {
    for (int k = 0; k < MAX_KINDS; k++) backlog_free_kind(b, k);
    Py_XDECREF(b->first_drops);
    Py_TYPE(b)->tp_free((PyObject *)b);
}

/* A kind argument (set_decoder, Backlog.claim): 0..MAX_KINDS-1, or -1 with an exception. */
static int kind_arg(PyObject *arg) {
    long k = PyLong_AsLong(arg);
    if (k == -1 && PyErr_Occurred()) return -1;
    if (k < 0 || k >= MAX_KINDS) {
        PyErr_Format(PyExc_ValueError, "kind %ld out of range", k);
        return -1;
    }
    return (int)k;
}

/* claim(kind): the kind's records as [(args, t_push_ns), ...], oldest first; claimed from now
 * on. Out of memory, the records not converted are freed and counted as dropped. */
static PyObject *Backlog_claim(Backlog *b, PyObject *arg) {
    int k = kind_arg(arg);
    if (k < 0) return NULL;
    b->claimed[k] = 1;
    aiotim_rec *rec = b->head[k];
    b->head[k] = b->tail[k] = NULL;
    b->count[k] = 0;
    PyObject *out = PyList_New(0);
    Py_ssize_t converted = 0;
    while (out && rec) {
        PyObject *a = has_plan[k] ? record_args(rec, plans[k], decoders[k]) : NULL;
        PyObject *stamp = a ? PyLong_FromUnsignedLongLong(rec->t_push_ns) : NULL;
        PyObject *item = stamp ? PyTuple_Pack(2, a, stamp) : NULL;
        Py_XDECREF(a);
        Py_XDECREF(stamp);
        if (!item || PyList_Append(out, item) < 0) Py_CLEAR(out);
        Py_XDECREF(item);
        if (!out) break;
        aiotim_rec *next = rec->next;
        release(rec);
        rec = next;
        converted++;
    }
    if (!out) { /* those converted went with `out`: all are lost, counted as dropped */
        Py_ssize_t lost = converted + free_chain(rec);
        b->dropped[k] += (unsigned long long)lost;
        if (!PyErr_Occurred()) PyErr_NoMemory();
    }
    return out;
}

static PyObject *per_kind(const Backlog *b, int counts) {
    PyObject *d = PyDict_New();
    for (int k = 0; d && k < MAX_KINDS; k++) {
        unsigned long long n = counts ? (unsigned long long)b->count[k] : b->dropped[k];
        if (!n) continue;
        PyObject *key = PyLong_FromLong(k), *val = PyLong_FromUnsignedLongLong(n);
        if (!key || !val || PyDict_SetItem(d, key, val) < 0) Py_CLEAR(d);
        Py_XDECREF(key);
        Py_XDECREF(val);
    }
    return d;
}

static PyObject *Backlog_dropped(Backlog *b, PyObject *unused) {
    (void)unused;
    return per_kind(b, 0);
}

static PyObject *Backlog_held(Backlog *b, PyObject *unused) {
    (void)unused;
    return per_kind(b, 1);
}

static PyObject *Backlog_clear(Backlog *b, PyObject *unused) {
    (void)unused;
    for (int k = 0; k < MAX_KINDS; k++) {
        backlog_free_kind(b, k);
        b->claimed[k] = 1;
    }
    Py_RETURN_NONE;
}

static PyMethodDef backlog_methods[] = {
    {"claim", (PyCFunction)Backlog_claim, METH_O,
     "claim(kind) -> [(args, t_push_ns), ...]: the kind's records, oldest first, converted and "
     "freed; the kind is claimed from now on."},
    {"dropped", (PyCFunction)Backlog_dropped, METH_NOARGS,
     "dropped() -> {kind: n}: records dropped past the limit."},
    {"held", (PyCFunction)Backlog_held, METH_NOARGS, "held() -> {kind: n}: records kept."},
    {"clear", (PyCFunction)Backlog_clear, METH_NOARGS,
     "clear(): free every record kept and claim every kind."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef backlog_members[] = {
    {"first_drops", T_OBJECT_EX, offsetof(Backlog, first_drops), READONLY,
     "kinds whose first drop happened (limit > 0), each appended once: report, then clear"},
    {"limit", T_PYSSIZET, offsetof(Backlog, limit), READONLY, "records kept per kind"},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject BacklogType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "aiotim._native._records.Backlog",
    .tp_basicsize = sizeof(Backlog),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Notifications of unclaimed kinds, kept as relay records (see records.c).",
    .tp_new = Backlog_new,
    .tp_dealloc = (destructor)Backlog_dealloc,
    .tp_methods = backlog_methods,
    .tp_members = backlog_members,
};

/* Append a run (kind, token, payload, stamp) to runs (steals nothing); 0, or -1 with an
 * exception set. */
static int append_run(PyObject *runs, long kind, long long token, PyObject *payload,
                      PyObject *stamp) {
    PyObject *run = PyTuple_New(4);
    if (!run) return -1;
    PyObject *k = PyLong_FromLong(kind), *t = PyLong_FromLongLong(token);
    if (!k || !t) {
        Py_XDECREF(k);
        Py_XDECREF(t);
        Py_DECREF(run);
        return -1;
    }
    PyTuple_SET_ITEM(run, 0, k);
    PyTuple_SET_ITEM(run, 1, t);
    PyTuple_SET_ITEM(run, 2, Py_NewRef(payload));
    PyTuple_SET_ITEM(run, 3, Py_NewRef(stamp));
    int rc = PyList_Append(runs, run);
    Py_DECREF(run);
    return rc;
}

/* convert() of the chain at rec (not NULL); backlog (or NULL) takes the notifications of the
 * kinds it has not seen claimed */
static PyObject *convert_chain(aiotim_rec *rec, Py_ssize_t limit, Py_ssize_t budget,
                               Backlog *backlog) {
    Py_ssize_t n = 0, kept = 0; /* records handled, of which kept by the backlog */
    size_t bytes = 0, max_bytes = budget > 0 ? (size_t)budget : SIZE_MAX;
    PyObject *runs = PyList_New(0);
    if (!runs) goto fail;
    PyObject *cur_args = NULL, *cur_stamps = NULL; /* borrowed from the last run */
    int cur_kind = -1;
    for (; rec && n < limit && bytes < max_bytes; n++) {
        int kind = rec->kind;
        if (backlogged(backlog, kind)) { /* kept as it is: no bytes converted */
            aiotim_rec *next = rec->next;
            backlog_keep(backlog, rec);
            rec = next;
            kept++;
            continue;
        }
        for (int i = 0; i < rec->nstr && i < AIOTIM_REC_MAX_STR; i++) bytes += rec->len[i];
        PyObject *stamp = PyLong_FromUnsignedLongLong(rec->t_push_ns);
        if (!stamp) goto fail;
        if (kind < 0 || kind >= MAX_KINDS || !has_plan[kind]) {
            int rc = append_run(runs, kind, -2, Py_None, stamp);
            Py_DECREF(stamp);
            if (rc < 0) goto fail;
            cur_kind = -1;
        } else {
            PyObject *a = record_args(rec, plans[kind], decoders[kind]);
            if (!a) {
                Py_DECREF(stamp);
                goto fail;
            }
            int rc;
            if (is_result[kind]) {
                rc = append_run(runs, kind, (long long)rec->token, a, stamp);
                cur_kind = -1;
            } else if (kind == cur_kind) {
                rc = PyList_Append(cur_args, a);
                if (rc == 0) rc = PyList_Append(cur_stamps, stamp);
            } else {
                PyObject *la = PyList_New(1), *ls = PyList_New(1);
                if (!la || !ls) {
                    Py_XDECREF(la);
                    Py_XDECREF(ls);
                    rc = -1;
                } else {
                    PyList_SET_ITEM(la, 0, Py_NewRef(a));
                    PyList_SET_ITEM(ls, 0, Py_NewRef(stamp));
                    rc = append_run(runs, kind, -1, la, ls);
                    cur_args = la; /* the run holds them */
                    cur_stamps = ls;
                    Py_DECREF(la);
                    Py_DECREF(ls);
                    cur_kind = rc == 0 ? kind : -1;
                }
            }
            Py_DECREF(a);
            Py_DECREF(stamp);
            if (rc < 0) goto fail;
        }
        aiotim_rec *next = rec->next;
        if (relay_recycle) relay_recycle(rec);
        else free(rec);
        rec = next;
    }
    PyObject *next_addr = PyLong_FromUnsignedLongLong((unsigned long long)(uintptr_t)rec);
    if (!next_addr) goto fail;
    PyObject *out = PyTuple_Pack(2, runs, next_addr);
    Py_DECREF(next_addr);
    if (!out) goto fail;
    Py_DECREF(runs);
    return out;
fail:
    Py_XDECREF(runs);
    {
        /* Nothing can be handed back: free the rest (the current record included) so the
         * caller has nothing left to own, and say how many records were lost (those converted
         * so far went with `runs`). */
        Py_ssize_t lost = n - kept + free_chain(rec); /* the kept ones are safe */
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyErr_Format(PyExc_MemoryError,
                     "aiotim: converting relay records failed (%zd records dropped)", lost);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
    }
    return NULL;
}

/* set_decoder(kind, capsule | None): decode the kind's first string argument with the C
 * function of the capsule (named DECODER_CAPSULE) instead of handing over its bytes. */
static PyObject *set_decoder(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *kind_obj, *cap;
    if (!PyArg_ParseTuple(args, "OO", &kind_obj, &cap)) return NULL;
    int kind = kind_arg(kind_obj);
    if (kind < 0) return NULL;
    string_decoder dec = NULL;
    if (cap != Py_None) {
        dec = (string_decoder)PyCapsule_GetPointer(cap, DECODER_CAPSULE);
        if (!dec) return NULL;
    }
    decoders[kind] = dec;
    Py_XSETREF(decoder_capsules[kind], dec ? Py_NewRef(cap) : NULL);
    Py_RETURN_NONE;
}

/* The optional backlog argument: a Backlog, or None (NULL). 0, or -1 with an exception. */
static int backlog_arg(PyObject *obj, Backlog **out) {
    *out = NULL;
    if (!obj || obj == Py_None) return 0;
    if (!PyObject_TypeCheck(obj, &BacklogType)) {
        PyErr_Format(PyExc_TypeError, "backlog must be a Backlog or None, not %.100s",
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    *out = (Backlog *)obj;
    return 0;
}

static PyObject *convert(PyObject *self, PyObject *args) {
    (void)self;
    unsigned long long addr;
    Py_ssize_t limit, budget = 0;
    PyObject *obj = NULL;
    Backlog *backlog;
    if (!PyArg_ParseTuple(args, "Kn|nO", &addr, &limit, &budget, &obj)) return NULL;
    if (backlog_arg(obj, &backlog) < 0) return NULL;
    return convert_chain((aiotim_rec *)(uintptr_t)addr, limit, budget, backlog);
}

static PyObject *bind(PyObject *self, PyObject *args) {
    (void)self;
    unsigned long long fetch_addr, recycle_addr = 0;
    if (!PyArg_ParseTuple(args, "K|K", &fetch_addr, &recycle_addr)) return NULL;
    relay_fetch = (fetch_fn)(uintptr_t)fetch_addr;
    relay_recycle = (recycle_fn)(uintptr_t)recycle_addr;
    Py_RETURN_NONE;
}

/* pump(slot, addr, limit, byte_budget[, backlog]) -> (runs, next_addr) | None */
static PyObject *pump(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 4 && nargs != 5)
        return PyErr_Format(PyExc_TypeError, "pump() takes 4 or 5 arguments");
    Backlog *backlog;
    if (backlog_arg(nargs == 5 ? args[4] : NULL, &backlog) < 0) return NULL;
    long slot = PyLong_AsLong(args[0]);
    unsigned long long addr = PyLong_AsUnsignedLongLong(args[1]);
    Py_ssize_t limit = PyLong_AsSsize_t(args[2]), budget = PyLong_AsSsize_t(args[3]);
    if (PyErr_Occurred()) return NULL;
    if (!addr) {
        if (!relay_fetch) return PyErr_Format(PyExc_RuntimeError, "records.bind() was not called");
        addr = relay_fetch((int)slot);
        if (!addr) Py_RETURN_NONE;
    }
    return convert_chain((aiotim_rec *)(uintptr_t)addr, limit, budget, backlog);
}

static PyObject *discard(PyObject *self, PyObject *arg) {
    (void)self;
    unsigned long long addr = PyLong_AsUnsignedLongLong(arg);
    if (addr == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    return PyLong_FromSsize_t(free_chain((aiotim_rec *)(uintptr_t)addr));
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS, "configure(plans, result_kinds): set the plans."},
    {"convert", convert, METH_VARARGS,
     "convert(addr, limit[, byte_budget[, backlog]]) -> (runs, next_addr): convert and free up "
     "to limit records (and about byte_budget bytes of strings)."},
    {"discard", discard, METH_O, "discard(addr) -> count: free a chain of records."},
    {"bind", bind, METH_VARARGS,
     "bind(fetch_addr[, recycle_addr]): the addresses of aiotim_relay_fetch and "
     "aiotim_relay_recycle (relay.c)."},
    {"pump", (PyCFunction)(void (*)(void))pump, METH_FASTCALL,
     "pump(slot, addr, limit, byte_budget[, backlog]) -> (runs, next_addr) | None: convert() of "
     "the batch at addr, or (addr 0) of what aiotim_relay_fetch takes; None when that is "
     "nothing."},
    {"set_decoder", set_decoder, METH_VARARGS,
     "set_decoder(kind, capsule | None): decode the kind's first string argument in C."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "aiotim._native._records",
    "Relay records to Python values (the pump's per-record work).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__records(void) {
    if (PyType_Ready(&BacklogType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    if (PyModule_AddObjectRef(m, "Backlog", (PyObject *)&BacklogType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
