/*
 * records.c: aiotim._native._records, the pump's per-record work in C.
 *
 * The pump takes a batch of relay records (aiotim_relay_take) and hands its address here.
 * convert() turns up to `limit` records into Python values and frees them, so that Python does
 * one call per chunk of records instead of a dozen cffi attribute reads per record:
 *
 *   convert(addr, limit[, byte_budget]) -> (runs, next_addr)
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
 *   pump(slot, addr, limit, byte_budget) -> (runs, next_addr) | None
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
 * Records are malloc'ed by relay.c in the same process; converted ones go back to it
 * (aiotim_relay_recycle), others are freed here with free().
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

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

/* convert() of the chain at rec (not NULL) */
static PyObject *convert_chain(aiotim_rec *rec, Py_ssize_t limit, Py_ssize_t budget) {
    Py_ssize_t n = 0;
    size_t bytes = 0, max_bytes = budget > 0 ? (size_t)budget : SIZE_MAX;
    PyObject *runs = PyList_New(0);
    if (!runs) goto fail;
    PyObject *cur_args = NULL, *cur_stamps = NULL; /* borrowed from the last run */
    int cur_kind = -1;
    for (; rec && n < limit && bytes < max_bytes; n++) {
        int kind = rec->kind;
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
        Py_ssize_t lost = n + free_chain(rec);
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
    int kind;
    PyObject *cap;
    if (!PyArg_ParseTuple(args, "iO", &kind, &cap)) return NULL;
    if (kind < 0 || kind >= MAX_KINDS)
        return PyErr_Format(PyExc_ValueError, "kind %d out of range", kind);
    string_decoder dec = NULL;
    if (cap != Py_None) {
        dec = (string_decoder)PyCapsule_GetPointer(cap, DECODER_CAPSULE);
        if (!dec) return NULL;
    }
    decoders[kind] = dec;
    Py_XSETREF(decoder_capsules[kind], dec ? Py_NewRef(cap) : NULL);
    Py_RETURN_NONE;
}

static PyObject *convert(PyObject *self, PyObject *args) {
    (void)self;
    unsigned long long addr;
    Py_ssize_t limit, budget = 0;
    if (!PyArg_ParseTuple(args, "Kn|n", &addr, &limit, &budget)) return NULL;
    return convert_chain((aiotim_rec *)(uintptr_t)addr, limit, budget);
}

static PyObject *bind(PyObject *self, PyObject *args) {
    (void)self;
    unsigned long long fetch_addr, recycle_addr = 0;
    if (!PyArg_ParseTuple(args, "K|K", &fetch_addr, &recycle_addr)) return NULL;
    relay_fetch = (fetch_fn)(uintptr_t)fetch_addr;
    relay_recycle = (recycle_fn)(uintptr_t)recycle_addr;
    Py_RETURN_NONE;
}

/* pump(slot, addr, limit, byte_budget) -> (runs, next_addr) | None */
static PyObject *pump(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 4) return PyErr_Format(PyExc_TypeError, "pump() takes 4 arguments");
    long slot = PyLong_AsLong(args[0]);
    unsigned long long addr = PyLong_AsUnsignedLongLong(args[1]);
    Py_ssize_t limit = PyLong_AsSsize_t(args[2]), budget = PyLong_AsSsize_t(args[3]);
    if (PyErr_Occurred()) return NULL;
    if (!addr) {
        if (!relay_fetch) return PyErr_Format(PyExc_RuntimeError, "records.bind() was not called");
        addr = relay_fetch((int)slot);
        if (!addr) Py_RETURN_NONE;
    }
    return convert_chain((aiotim_rec *)(uintptr_t)addr, limit, budget);
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
     "convert(addr, limit[, byte_budget]) -> (runs, next_addr): convert and free up to limit "
     "records (and about byte_budget bytes of strings)."},
    {"discard", discard, METH_O, "discard(addr) -> count: free a chain of records."},
    {"bind", bind, METH_VARARGS,
     "bind(fetch_addr[, recycle_addr]): the addresses of aiotim_relay_fetch and "
     "aiotim_relay_recycle (relay.c)."},
    {"pump", (PyCFunction)(void (*)(void))pump, METH_FASTCALL,
     "pump(slot, addr, limit, byte_budget) -> (runs, next_addr) | None: convert() of the batch "
     "at addr, or (addr 0) of what aiotim_relay_fetch takes; None when that is nothing."},
    {"set_decoder", set_decoder, METH_VARARGS,
     "set_decoder(kind, capsule | None): decode the kind's first string argument in C."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "aiotim._native._records",
    "Relay records to Python values (the pump's per-record work).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__records(void) { return PyModule_Create(&module); }
