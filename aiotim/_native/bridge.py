"""One client's native session: relay slot, notification registration, calls and the pump.

This is the only place that turns Python values into C arguments and relay records back into
Python values (the per-record work in C: records.c). Everything above it sees runs of
``(setter_name, [args, ...])`` notifications and ``CallResult``s of plain ``bytes`` / ``int`` /
``bool`` values.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from aiotim._abi import (
    CALLBACK_SETTERS,
    CALLBACKS,
    FUNCTIONS,
    LOOPBACK_FUNCTIONS,
    Callback,
    Function,
)
from aiotim._backends import new_slot, run_pump
from aiotim._native._ffi import NULL, ffi, lib, records
from aiotim._native.backlog import RecordBacklog
from aiotim._native.convert import FastStart, OutStart, arity_error, c_bool, c_int, c_str
from aiotim._native.loader import SDKLibrary
from aiotim._native.pending import CallResult, FinalCheck, Interim, MultiShot, PendingCalls
from aiotim._native.starters import SHAPES, shape_of
from aiotim.errors import ClientClosed, check_result

__all__ = ["Bridge", "NotificationSink", "RelayStats", "function_info"]

log = logging.getLogger("aiotim._native")

#: Receives notifications, a run of one kind at a time, in SDK order: (setter name, each
#: callback's args, each one's SDK-thread timestamp in ns).
NotificationSink = Callable[[str, list[tuple[Any, ...]], list[int]], None]

_ALL_FUNCTIONS = {**FUNCTIONS, **LOOPBACK_FUNCTIONS}
OUT_BUFFER_SIZE = 128  # the headers: "no smaller than 128 bytes"
# Records dispatched between two checkpoints of the pump. Small on purpose: the events of a chunk
# stay alive (queued in streams) until the consumers run, and a few hundred live GC-tracked
# objects are what the young generation holds before a collection (700 allocations): at 64 a
# firehose triggers almost no collection, at 4096 it did young, middle and full ones that cost
# ~15% of the throughput. A checkpoint costs a loop iteration, ~0.1 us per record here.
_CHUNK = 64
# ... and at most about this many bytes of callback strings (records.c; one record at least). A
# record can be one message or a JSON array of a thousand (offline messages, sync: ~0.9 MB): 64
# of those were 64,000 messages decoded and queued (~150 MB) before the consumer ran, every
# decode allocating fresh memory instead of reusing the last chunk's: 1,000 per callback ran at
# 0.7x the rate of 1 per callback. A chunk of one such record costs a loop iteration per
# thousand messages; 64 KiB keeps 64 single messages (~1 KB each) in one chunk.
_CHUNK_BYTES = 64 * 1024
_COMM = CALLBACKS["TIMCommCallback"].index
_COMM_2 = len(CALLBACKS)  # the second TIMCommCallback trampoline (two-callback functions)
_SETTER_OF_KIND = {cb.index: name for name, cb in CALLBACK_SETTERS.items()}
_SETTER_INDEX = {name: i for i, name in enumerate(CALLBACK_SETTERS)}
_RESULT_KINDS = {
    CALLBACKS["TIMCommCallback"].index,
    CALLBACKS["TIMMsgGroupMessageReadMemberListCallback"].index,
    _COMM_2,
}


def _arg_plan(cb: Callback) -> str:
    """How records._records rebuilds ``cb``'s arguments: a letter per argument, in order
    (``s`` string, ``i`` int, ``u`` uint64, ``b`` bool); strings and integers come from the
    record's ``str`` and ``ints`` arrays, each in argument order (see relay_tramp.inc)."""
    return "".join(
        "s"
        if p.kind == "str"
        else "b"
        if p.kind == "bool"
        else "u"
        if p.ctype == "uint64_t"
        else "i"
        for p in cb.args
    )


def _configure_records() -> None:
    plans: list[str | None] = [None] * (len(CALLBACKS) + 1)
    for cb in CALLBACKS.values():
        plans[cb.index] = _arg_plan(cb)
    plans[_COMM_2] = plans[_COMM]
    records.configure(plans, sorted(_RESULT_KINDS))


_configure_records()
_convert_records = records.convert
_discard_records = records.discard
records.bind(
    int(ffi.cast("uintptr_t", ffi.addressof(lib, "aiotim_relay_fetch"))),
    int(ffi.cast("uintptr_t", ffi.addressof(lib, "aiotim_relay_recycle"))),
)
_pump_records = records.pump
_rearm = lib.aiotim_relay_rearm


def _convert_chunk(head: int, backlog: Any) -> tuple[list[tuple[int, int, Any, Any]], int]:
    """Up to ``_CHUNK`` records (``_CHUNK_BYTES`` of strings) from ``head`` converted and
    freed (those of unclaimed kinds kept by ``backlog``, a records.Backlog or None), and the
    next address.

    Out of memory, records.c frees the rest of the batch and says how many were lost; the
    pump logs that and goes on (nothing is left to own)."""
    try:
        return _convert_records(head, _CHUNK, _CHUNK_BYTES, backlog)  # type: ignore[no-any-return]
    except MemoryError:
        log.exception("aiotim: relay records lost")
        return [], 0


_NOTIFICATIONS = -1  # the token of a run of notifications (records.c)
_NO_PLAN = -2  # the token of a record of a kind without a plan (a bug)


_TOKEN_MASK = (1 << 40) - 1  # relay.h: user_data bits 0..39
_WITH_CALLBACK = frozenset(name for name, f in _ALL_FUNCTIONS.items() if f.callbacks)
_SIGNATURES: dict[str, tuple[tuple[tuple[str, str, str], ...], tuple[str, ...]]] = {}


def _signature(fn: Function) -> tuple[tuple[tuple[str, str, str], ...], tuple[str, ...]]:
    """``fn``'s params as (kind, ctype, name), and the names of those the caller passes."""
    found = _SIGNATURES.get(fn.name)
    if found is None:
        found = _SIGNATURES[fn.name] = (
            tuple((p.kind, p.ctype, p.name) for p in fn.params),
            tuple(p.name for p in fn.params if p.kind in ("str", "int", "bool")),
        )
    return found


def function_info(name: str) -> Function:
    """The prototype of ``name`` (TIM ABI or loopback extension).

    Raises:
        KeyError: no such function.
    """
    try:
        return _ALL_FUNCTIONS[name]
    except KeyError:
        raise KeyError(f"{name!r} is not a function of the TIM ABI") from None


class RelayStats:
    """Counters of one relay (see ``aiotim_relay_stats`` in relay.h)."""

    def __init__(self, raw: Any) -> None:
        self.pushed: int = raw.pushed
        self.dropped: int = raw.dropped
        self.batches: int = raw.batches
        self.stall_max_ns: int = raw.stall_max_ns
        self.stall_hist: list[int] = list(raw.stall_hist)


class Bridge:
    """The native half of a client: owns one relay slot and talks to one :class:`SDKLibrary`."""

    def __init__(self, sdk: SDKLibrary) -> None:
        slot = lib.aiotim_relay_open()
        if slot < 0:
            raise OSError(-slot, "aiotim: cannot open a relay (too many clients open?)")
        self.sdk = sdk
        self.pending = PendingCalls()
        self._slot = slot
        self.fd: int = lib.aiotim_relay_fd(slot)
        #: set by close(): no call starts any more (read by the fast starters)
        self.closed = False
        self._registered: list[str] = []
        #: setters the loaded SDK does not export (an older SDK): nothing to register there
        self.missing_setters: list[str] = []
        #: records of a batch left undelivered because the relay was closed with it parked
        self.dropped_at_close = 0
        #: the rest of a batch a cancelled pump stopped in (delivered first by the next pump or
        #: drain, freed by close)
        self._parked = 0
        self._comm_2 = lib.aiotim_trampoline(_COMM_2)
        #: user_data of this relay with token 0: the slot and generation bits are fixed while
        #: the relay is open, so a call's user_data is this | its id (no C call per call)
        self.ud_base: int = lib.aiotim_relay_user_data(slot, 0)
        # (callback typedef, position) -> the trampoline cast to it, made once
        self._tramps: dict[tuple[str, int], Any] = {}
        #: where the pump keeps the notifications of kinds not claimed yet (keep_unclaimed)
        self.backlog: RecordBacklog | None = None
        #: the TIMCommCallback trampoline, cast once (the fast starters pass it)
        self.comm_tramp = self._tramp("TIMCommCallback", 0)
        #: function -> its fast starter, or None (no fast path); filled by call_raw
        self.fast_starts: dict[str, FastStart | None] = {}
        #: the fast starters of single-shot calls with one output buffer (rawcalls)
        self.out_starts: dict[str, OutStart | None] = {}

    # -- notifications ---------------------------------------------------------------------

    def register_notifications(self) -> None:
        """Register a relay trampoline with every notification setter the SDK exports."""
        for name, cb in CALLBACK_SETTERS.items():
            if not self.sdk.has(name):
                self.missing_setters.append(name)
                continue
            ud = ffi.cast("void *", lib.aiotim_relay_user_data(self._slot, _SETTER_INDEX[name]))
            self.sdk.fn(name)(ffi.cast(cb.name, lib.aiotim_trampoline(cb.index)), ud)
            self._registered.append(name)

    def keep_unclaimed(self, limit: int) -> RecordBacklog:
        """From now on, the pump keeps the notifications of every kind not claimed from the
        returned backlog as records (the newest ``limit`` per kind) instead of delivering them
        (:mod:`aiotim._native.backlog`)."""
        self.backlog = RecordBacklog(limit)
        return self.backlog

    def unregister_notifications(self) -> None:
        """Undo :meth:`register_notifications` (``NULL`` clears a setter's slot)."""
        for name in self._registered:
            cb = CALLBACK_SETTERS[name]
            if name == "TIMAddRecvNewMsgCallback":
                if self.sdk.has("TIMRemoveRecvNewMsgCallback"):
                    tramp = ffi.cast(cb.name, lib.aiotim_trampoline(cb.index))
                    self.sdk.fn("TIMRemoveRecvNewMsgCallback")(tramp)
            else:
                self.sdk.fn(name)(ffi.cast(cb.name, NULL), NULL)
        self._registered.clear()

    # -- calls ----------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self.closed:
            raise ClientClosed("the client is closed")

    def call_sync(self, function: str, *args: Any) -> Any:
        """Call a function that has no callback and return its C return value.

        ``char*`` output buffers are allocated here and their text (``str``) is returned after
        the return value, as a tuple ``(rc, text, ...)``.
        """
        self._check_open()
        fn = function_info(function)
        c_args, outs = self._convert(fn, args, None)
        rc = self.sdk.fn(function)(*c_args)
        if outs:
            return (rc, *(ffi.string(o).decode("utf-8", "replace") for o in outs))
        return rc

    def start_call(
        self,
        function: str,
        args: Sequence[Any],
        *,
        is_final: FinalCheck | None = None,
        on_interim: Interim | None = None,
    ) -> tuple[int, Any, MultiShot | None, list[str]]:
        """Register the pending entry, make the C call, and return the call's id, its result
        slot (it receives the final callback's arguments), its multi-shot state (when
        ``is_final`` is given) and the text of its output buffers.

        Raises:
            TIMError: the function returned a non-zero TIMResult (the entry is freed).
            ValueError / TypeError: an argument cannot be converted.
        """
        self._check_open()
        fn = function_info(function)
        if function not in _WITH_CALLBACK:
            raise TypeError(f"{function} takes no callback: use call_sync")
        cfn = self.sdk.fn(function)
        slot = new_slot()
        multi = MultiShot(is_final, on_interim) if is_final is not None else None
        call_id = self.pending.add(slot, function, multi)
        try:
            c_args, outs = self._convert(fn, args, call_id)
            rc = cfn(*c_args)
            check_result(rc, function)
        except BaseException:
            self.pending.discard(call_id)
            raise
        return call_id, slot, multi, [ffi.string(o).decode("utf-8", "replace") for o in outs]

    async def call(
        self,
        function: str,
        *args: Any,
        is_final: FinalCheck | None = None,
        on_interim: Interim | None = None,
    ) -> CallResult:
        """Make a call and wait for its final callback; a cancel leaves no entry behind."""
        call_id, slot, multi, outputs = self.start_call(
            function, args, is_final=is_final, on_interim=on_interim
        )
        try:
            cb_args: tuple[Any, ...] = await slot
        except BaseException:
            self.pending.discard(call_id)  # cancelled: a late result is dropped
            raise
        if multi is None:
            return CallResult(cb_args, outputs=outputs)
        return CallResult(cb_args, multi.final_slot, multi.interim, outputs)

    def fast_starter(self, function: str) -> FastStart | None:
        """The fast starter of ``function``, or ``None`` if it has no fast path.

        The fast path: a function with one ``TIMCommCallback`` (single-shot) and no output
        buffer. Its starter (generated per parameter shape: :mod:`aiotim._native.starters`)
        converts the arguments without a loop over the signature, registers the entry, makes
        the C call and checks its TIMResult (a failure frees the entry and raises); the slot
        receives ``(code, desc, json)``. The caller discards the entry if its await is
        cancelled.

        Raises:
            KeyError: no such function.
            UnsupportedBySDK: the loaded SDK does not export it.
        """
        fn = function_info(function)
        if [p.ctype for p in fn.params if p.kind == "callback"] != ["TIMCommCallback"]:
            return None
        shape = shape_of([p.kind for p in fn.params])
        if shape is None:
            return None
        _, expected = _signature(fn)
        return SHAPES[shape](self, self.sdk.fn(function), function, expected)

    def _tramp(self, ctype: str, n_cb: int) -> Any:
        key = (ctype, n_cb)
        found = self._tramps.get(key)
        if found is None:
            tramp = self._comm_2 if n_cb == 1 else lib.aiotim_trampoline(CALLBACKS[ctype].index)
            found = self._tramps[key] = ffi.cast(ctype, tramp)
        return found

    def _convert(
        self,
        fn: Function,
        args: Sequence[Any],
        call_id: int | None,
    ) -> tuple[list[Any], list[Any]]:
        params, expected = _signature(fn)
        if len(args) != len(expected):
            raise arity_error(fn.name, expected, len(args))
        it = iter(args)
        c_args: list[Any] = []
        outs: list[Any] = []
        n_cb = 0
        for kind, ctype, name in params:
            if kind == "str":
                c_args.append(c_str(next(it), fn.name, name))
            elif kind == "int":
                c_args.append(c_int(next(it), fn.name, name, ctype))
            elif kind == "bool":
                c_args.append(c_bool(next(it), fn.name, name))
            elif kind == "out":
                buf = ffi.new("char[]", OUT_BUFFER_SIZE)
                outs.append(buf)
                c_args.append(buf)
            elif kind == "callback":
                c_args.append(
                    ffi.cast(ctype, NULL) if call_id is None else self._tramp(ctype, n_cb)
                )
                n_cb += 1
            else:  # user_data
                token = call_id & _TOKEN_MASK if call_id is not None else 0
                c_args.append(ffi.cast("void *", self.ud_base | token))
        return c_args, outs

    # -- the pump -------------------------------------------------------------------------

    def _deliver(self, runs: list[tuple[int, int, Any, Any]], sink: NotificationSink) -> None:
        """Hand converted records (see records.c) to the sink and to the pending calls."""
        resolve = self.pending.resolve
        for kind, token, payload, stamps in runs:
            try:
                if token == _NOTIFICATIONS:
                    sink(_SETTER_OF_KIND[kind], payload, stamps)
                elif token == _NO_PLAN:
                    log.error("aiotim: a relay record of unknown kind %d was dropped", kind)
                else:
                    resolve(token, 1 if kind == _COMM_2 else 0, payload)
            except Exception:  # one bad run must not stop the others
                log.exception(
                    "aiotim: dispatching a %s callback failed", _SETTER_OF_KIND.get(kind, "result")
                )

    def _take(self) -> int:
        """The waiting batch's address (0: none); the relay's signal is re-armed."""
        return int(ffi.cast("uintptr_t", lib.aiotim_relay_take(self._slot)))

    def drain(self, sink: NotificationSink) -> int:
        """Take every waiting record (a parked batch first) and dispatch it now; returns how
        many were handled."""
        n = 0
        backlog = self.backlog
        kept = backlog.records if backlog is not None else None
        for addr in (self._take_parked(), self._take()):
            while addr:
                runs, addr = _convert_chunk(addr, kept)
                n += sum(len(p) if t == -1 else 1 for _, t, p, _ in runs)
                self._deliver(runs, sink)
        if backlog is not None:
            backlog.report_first_drops()
        return n

    def _take_parked(self) -> int:
        addr, self._parked = self._parked, 0
        return addr

    async def pump(self, sink: NotificationSink, *, busy_poll_s: float = 0.0) -> None:
        """Forever: wait for the relay's eventfd, then dispatch each batch in SDK order, on the
        running backend (:func:`aiotim._backends.run_pump`).

        Run it in the client's task group. Records are converted (and freed) a chunk at a time
        (``_CHUNK`` records, ``_CHUNK_BYTES`` of strings at most), and the pump yields to the
        event loop between chunks, so a firehose cannot starve other tasks; if the pump is
        cancelled in the middle of a batch, the rest of it is parked: the next pump or
        :meth:`drain` delivers it first, and :meth:`close` frees it (counted in
        ``dropped_at_close``). So the pump can be stopped and started again (the client's close
        runs its own for the logout) without losing or reordering a record.

        With ``busy_poll_s``, the pump keeps the event loop polling (yielding to every other
        task and to I/O) for that long after each batch instead of letting it sleep until the
        eventfd wakes it (:func:`aiotim._backends.run_pump`).
        """
        await run_pump(_PumpSource(self, sink), busy_poll_s)

    # -- lifecycle ------------------------------------------------------------------------

    def stats(self) -> RelayStats:
        """The relay's counters."""
        raw = ffi.new("aiotim_relay_stats *")
        lib.aiotim_relay_get_stats(self._slot, raw)
        return RelayStats(raw)

    def close(self) -> None:
        """Close the relay (the pump must be stopped first); wake calls still waiting."""
        if self.closed:
            return
        self.closed = True
        parked = self._take_parked()
        if parked:
            self.dropped_at_close += _discard_records(parked)
        if self.backlog is not None:
            self.backlog.clear()
        lib.aiotim_relay_close(self._slot)
        self.fd = -1
        self.pending.fail_all(
            lambda function: ClientClosed(f"{function}: the client was closed before it completed")
        )


def _no_report() -> None:
    """A pump with no backlog has no drops of its own to report."""


class _PumpSource:
    """A bridge's relay as the backends' :class:`aiotim._backends.PumpSource`.

    It holds the batch under way (the address of its rest); records come from
    ``aiotim_relay_fetch`` (relay.h), which leaves the eventfd readable for as long as the
    relay's signal stays disarmed, and re-arms it when it finds nothing.
    """

    __slots__ = (
        "_addr",
        "_bridge",
        "_deliver",
        "_first_drops",
        "_kept",
        "_report_drops",
        "_sink",
        "_slot",
        "fd",
        "fetched",
    )

    def __init__(self, bridge: Bridge, sink: NotificationSink) -> None:
        self._bridge = bridge
        self._sink = sink
        self._deliver = bridge._deliver
        self._slot = bridge._slot
        # The bridge's backlog, taken apart once: the C object handed to each pump step, and
        # its list of first drops, checked after each step (a list's truth, not a call).
        backlog = bridge.backlog
        self._kept = backlog.records if backlog is not None else None
        self._first_drops: list[int] = backlog.records.first_drops if backlog is not None else []
        self._report_drops = backlog.report_first_drops if backlog is not None else _no_report
        self.fd = bridge.fd
        #: the rest of the batch under way (first, the one a cancelled pump parked)
        self._addr = bridge._take_parked()
        #: how many steps delivered records (a busy-polling pump's sign of activity)
        self.fetched = 0

    def step(self, repoll: bool) -> bool:
        """Convert and deliver one chunk (see :class:`aiotim._backends.PumpSource`)."""
        try:
            got = _pump_records(self._slot, self._addr, _CHUNK, _CHUNK_BYTES, self._kept)
        except MemoryError:  # records.c freed the rest of the batch, and says how many
            log.exception("aiotim: relay records lost")
            got = [], 0
        if got is None:  # nothing was waiting: the relay is re-armed
            return False
        runs, addr = got
        self.fetched += 1
        self._addr = addr  # before delivering: the records converted are freed already
        self._deliver(runs, self._sink)
        if self._first_drops:
            self._report_drops()
        # The batch ended: with repoll, re-arm the relay now unless more records wait (they are
        # fetched by the next step: more of them, the later it comes).
        return addr != 0 or (repoll and not _rearm(self._slot))

    def park(self) -> None:
        addr, self._addr = self._addr, 0
        if not addr:
            return
        bridge = self._bridge
        if bridge.closed or bridge._parked:  # closed: nothing will deliver it any more;
            # parked already: a second pump on one relay (a misuse) must not leak the first's
            bridge.dropped_at_close += _discard_records(addr)
        else:
            bridge._parked = addr
