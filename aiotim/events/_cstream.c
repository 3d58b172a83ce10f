/*
 * _cstream.c: aiotim.events._cstream, the queue under aiotim.events.stream.Stream and its
 * `async for` step in C.
 *
 * A stream yields every event through `async for`: with the step written in Python, each event
 * cost a coroutine object, its frame and a trip through the coroutine machinery (~125 ns, as
 * much as a third of the pipe's cost per message at 1,000 messages per callback). Here the
 * step (the type's am_anext slot) takes the next event off the queue and returns a small
 * awaitable that completes at once with it (~40 ns). When there is no plain event to take (the
 * queue is empty, or its head is a gap or overflow marker, or events were dropped before it) it
 * returns the Python coroutine `self._anext_slow()`, which waits, and handles the markers.
 *
 *   configure(markers)   markers: a tuple of classes whose instances are queue markers
 *   class Queue          the base of Stream: the queue and its counters
 *       _n               events queued (markers excluded), an int attribute
 *       _dropped_front   events dropped before the queue's head, an int attribute
 *       _q_extend(list)  _q_append(item)  _q_popleft() -> item (IndexError when empty)
 *       _q_last() -> the last item or None   _q_size() -> items queued, markers included
 *       _q_clear()
 *
 * The queue is a list with a head index (a popped slot is set to None; the list is emptied
 * once the head reaches its end, and compacted when the consumed part outgrows the rest).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

static PyObject *markers; /* tuple of marker classes */

/* -- Ready: an awaitable that is done, with its value ------------------------------------- */

typedef struct {
    PyObject_HEAD PyObject *value;
} Ready;

static void ready_dealloc(Ready *r) {
    Py_XDECREF(r->value);
    PyObject_Free(r);
}

static PyObject *ready_await(PyObject *self) { return Py_NewRef(self); }

/* StopIteration carrying the value (wrapped when a bare value would be read as its args) */
static PyObject *stop_with(PyObject *v) {
    if (PyTuple_Check(v) || PyExceptionInstance_Check(v)) {
        PyObject *e = PyObject_CallOneArg(PyExc_StopIteration, v);
        if (e) {
            PyErr_SetObject(PyExc_StopIteration, e);
            Py_DECREF(e);
        }
    } else {
        PyErr_SetObject(PyExc_StopIteration, v);
    }
    return NULL;
}

static PyObject *ready_next(Ready *r) {
    PyObject *v = r->value;
    if (!v) return NULL; /* exhausted: plain StopIteration */
    r->value = NULL;
    stop_with(v);
    Py_DECREF(v);
    return NULL;
}

static PyObject *ready_send(Ready *r, PyObject *arg) {
    (void)arg;
    PyObject *out = ready_next(r);
    if (!out && !PyErr_Occurred()) PyErr_SetNone(PyExc_StopIteration);
    return out;
}

static PyObject *ready_throw(Ready *r, PyObject *args) {
    PyObject *typ, *val = NULL, *tb = NULL;
    if (!PyArg_UnpackTuple(args, "throw", 1, 3, &typ, &val, &tb)) return NULL;
    Py_CLEAR(r->value);
    if (PyExceptionInstance_Check(typ)) PyErr_SetObject((PyObject *)Py_TYPE(typ), typ);
    else PyErr_SetObject(typ, val);
    return NULL;
}

static PyObject *ready_close(Ready *r, PyObject *unused) {
    (void)unused;
    Py_CLEAR(r->value);
    Py_RETURN_NONE;
}

static PyMethodDef ready_methods[] = {
    {"send", (PyCFunction)ready_send, METH_O, NULL},
    {"throw", (PyCFunction)ready_throw, METH_VARARGS, NULL},
    {"close", (PyCFunction)ready_close, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyAsyncMethods ready_async = {.am_await = ready_await};

static PyTypeObject ReadyType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "aiotim.events._cstream.Ready",
    .tp_basicsize = sizeof(Ready),
    .tp_dealloc = (destructor)ready_dealloc,
    .tp_as_async = &ready_async,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)ready_next,
    .tp_methods = ready_methods,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An awaitable that is already done (a stream's next event).",
};

/* -- Queue ----------------------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD PyObject *buf; /* list; items before `head` are consumed (None) */
    Py_ssize_t head;
    Py_ssize_t n;             /* _n */
    Py_ssize_t dropped_front; /* _dropped_front */
} Queue;

static int queue_traverse(Queue *q, visitproc visit, void *arg) {
    Py_VISIT(q->buf);
    return 0;
}

static int queue_clear(Queue *q) {
    Py_CLEAR(q->buf);
    q->head = 0;
    return 0;
}

static void queue_dealloc(Queue *q) {
    PyObject_GC_UnTrack(q);
    queue_clear(q);
    Py_TYPE(q)->tp_free((PyObject *)q);
}

static PyObject *queue_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    (void)args;
    (void)kwds;
    Queue *q = (Queue *)type->tp_alloc(type, 0);
    if (!q) return NULL;
    q->buf = PyList_New(0);
    if (!q->buf) {
        Py_DECREF(q);
        return NULL;
    }
    return (PyObject *)q;
}

static inline Py_ssize_t qsize(Queue *q) { return q->buf ? PyList_GET_SIZE(q->buf) - q->head : 0; }

static int buf_ok(Queue *q) {
    if (q->buf) return 0;
    q->buf = PyList_New(0); /* cleared by the GC (a cycle) and used again: start afresh */
    q->head = 0;
    return q->buf ? 0 : -1;
}

/* Drop the consumed part of the list: all of it when the queue is empty, else once it is
 * both long and larger than what is left. */
static int compact(Queue *q) {
    Py_ssize_t size = PyList_GET_SIZE(q->buf);
    if (q->head == size) {
        q->head = 0;
        return PyList_SetSlice(q->buf, 0, size, NULL);
    }
    if (q->head >= 1024 && q->head > size - q->head) {
        Py_ssize_t h = q->head;
        q->head = 0;
        return PyList_SetSlice(q->buf, 0, h, NULL);
    }
    return 0;
}

/* The head item, taken off the queue (a new reference); NULL if empty (no error set). */
static PyObject *take(Queue *q) {
    if (!q->buf || q->head >= PyList_GET_SIZE(q->buf)) return NULL;
    PyObject *item = PyList_GET_ITEM(q->buf, q->head); /* the list's reference, now ours */
    PyList_SET_ITEM(q->buf, q->head, Py_NewRef(Py_None));
    q->head++;
    if (compact(q) < 0) {
        Py_DECREF(item);
        return NULL;
    }
    return item;
}

static PyObject *q_extend(Queue *q, PyObject *items) {
    if (buf_ok(q) < 0) return NULL;
    Py_ssize_t size = PyList_GET_SIZE(q->buf);
    if (PyList_SetSlice(q->buf, size, size, items) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *q_append(Queue *q, PyObject *item) {
    if (buf_ok(q) < 0 || PyList_Append(q->buf, item) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *q_popleft(Queue *q, PyObject *unused) {
    (void)unused;
    PyObject *item = take(q);
    if (!item && !PyErr_Occurred()) PyErr_SetString(PyExc_IndexError, "pop from an empty queue");
    return item;
}

static PyObject *q_last(Queue *q, PyObject *unused) {
    (void)unused;
    if (qsize(q) == 0) Py_RETURN_NONE;
    return Py_NewRef(PyList_GET_ITEM(q->buf, PyList_GET_SIZE(q->buf) - 1));
}

static PyObject *q_size(Queue *q, PyObject *unused) {
    (void)unused;
    return PyLong_FromSsize_t(qsize(q));
}

static PyObject *q_clear(Queue *q, PyObject *unused) {
    (void)unused;
    if (q->buf && PyList_SetSlice(q->buf, 0, PyList_GET_SIZE(q->buf), NULL) < 0) return NULL;
    q->head = 0;
    Py_RETURN_NONE;
}

static inline int is_marker(PyObject *item) {
    if (!markers) return 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(markers); i++)
        if ((PyObject *)Py_TYPE(item) == PyTuple_GET_ITEM(markers, i)) return 1;
    return 0;
}

/* `async for`'s step: a done awaitable of the next plain event, else self._anext_slow(). */
static PyObject *queue_anext(Queue *q) {
    if (q->dropped_front == 0 && qsize(q) > 0 &&
        !is_marker(PyList_GET_ITEM(q->buf, q->head))) {
        Ready *r = PyObject_New(Ready, &ReadyType);
        if (!r) return NULL;
        PyObject *item = take(q);
        if (!item) {
            Py_DECREF(r);
            return NULL;
        }
        q->n--;
        r->value = item;
        return (PyObject *)r;
    }
    return PyObject_CallMethod((PyObject *)q, "_anext_slow", NULL);
}

static PyMethodDef queue_methods[] = {
    {"_q_extend", (PyCFunction)q_extend, METH_O, "Queue every item of a list."},
    {"_q_append", (PyCFunction)q_append, METH_O, "Queue one item."},
    {"_q_popleft", (PyCFunction)q_popleft, METH_NOARGS, "The head item, taken off."},
    {"_q_last", (PyCFunction)q_last, METH_NOARGS, "The last item queued, or None."},
    {"_q_size", (PyCFunction)q_size, METH_NOARGS, "Items queued, markers included."},
    {"_q_clear", (PyCFunction)q_clear, METH_NOARGS, "Drop every queued item."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef queue_members[] = {
    {"_n", T_PYSSIZET, offsetof(Queue, n), 0, "events queued (markers excluded)"},
    {"_dropped_front", T_PYSSIZET, offsetof(Queue, dropped_front), 0,
     "events dropped before the queue's head"},
    {NULL, 0, 0, 0, NULL},
};

static PyAsyncMethods queue_async = {.am_anext = (unaryfunc)queue_anext};

static PyTypeObject QueueType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "aiotim.events._cstream.Queue",
    .tp_basicsize = sizeof(Queue),
    .tp_dealloc = (destructor)queue_dealloc,
    .tp_as_async = &queue_async,
    .tp_traverse = (traverseproc)queue_traverse,
    .tp_clear = (inquiry)queue_clear,
    .tp_methods = queue_methods,
    .tp_members = queue_members,
    .tp_new = queue_new,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The queue under a Stream, with its `async for` step (see _cstream.c).",
};

static PyObject *configure(PyObject *self, PyObject *arg) {
    (void)self;
    if (!PyTuple_Check(arg)) return PyErr_Format(PyExc_TypeError, "configure() takes a tuple");
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(arg); i++)
        if (!PyType_Check(PyTuple_GET_ITEM(arg, i)))
            return PyErr_Format(PyExc_TypeError, "markers must be classes");
    Py_XSETREF(markers, Py_NewRef(arg));
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_O, "configure(markers): the marker classes"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "aiotim.events._cstream",
    "The queue under Stream and its async-for step (see _cstream.c)", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__cstream(void) {
    if (PyType_Ready(&ReadyType) < 0 || PyType_Ready(&QueueType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    if (PyModule_AddObjectRef(m, "Queue", (PyObject *)&QueueType) < 0 ||
        PyModule_AddObjectRef(m, "Ready", (PyObject *)&ReadyType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
