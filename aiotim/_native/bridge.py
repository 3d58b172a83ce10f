"""One client's native session: relay slot, notification registration, calls and the pump.

This is the only place that turns Python values into C arguments and relay records back into
Python values (the per-record work in C: records.c). Everything above it sees runs of
``(setter_name, [args, ...])`` notifications and ``CallResult``s of plain ``bytes`` / ``int`` /
``bool`` values.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

import anyio
import anyio.lowlevel

from aiotim._backends import running_asyncio_loop
from aiotim.errors import ClientClosed, check_result, error_from_result
from aiotim._native._ffi import NULL, ffi, lib, records
from aiotim._abi import (
    CALLBACK_SETTERS,
    CALLBACKS,
    FUNCTIONS,
    LOOPBACK_FUNCTIONS,
    Callback,
    Function,
)
from aiotim._native.loader import SDKLibrary
from aiotim._native.pending import CallResult, FinalCheck, PendingCall, PendingCalls

__all__ = ["Bridge", "NotificationSink", "RelayStats", "function_info"]

log = logging.getLogger("aiotim._native")

#: Receives notifications, a run of one kind at a time, in SDK order: (setter name, each
#: callback's args, each one's SDK-thread timestamp in ns).
NotificationSink = Callable[[str, list[tuple[Any, ...]], list[int]], None]

_ALL_FUNCTIONS = {**FUNCTIONS, **LOOPBACK_FUNCTIONS}
_OUT_BUFFER_SIZE = 128  # the headers: "no smaller than 128 bytes"
# Records dispatched between two checkpoints of the pump. Small on purpose: the events of a chunk
# stay alive (queued in streams) until the consumers run, and a few hundred live GC-tracked
# objects are what the young generation holds before a collection (700 allocations): at 64 a
# firehose triggers almost no collection, at 4096 it did young, middle and full ones that cost
# ~15% of the throughput. A checkpoint costs a loop iteration, ~0.1 us per record here.
_CHUNK = 64
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
    return "".join("s" if p.kind == "str" else "b" if p.kind == "bool"
                   else "u" if p.ctype == "uint64_t" else "i" for p in cb.args)


def _configure_records() -> None:
    plans: list[str | None] = [None] * (len(CALLBACKS) + 1)
    for cb in CALLBACKS.values():
        plans[cb.index] = _arg_plan(cb)
    plans[_COMM_2] = plans[_COMM]
    records.configure(plans, sorted(_RESULT_KINDS))


_configure_records()
_convert_records = records.convert
_discard_records = records.discard


def _convert_chunk(head: int) -> tuple[list[tuple[int, int, Any, Any]], int]:
    """Up to ``_CHUNK`` records from ``head`` converted and freed, and the next address.

    Out of memory, records.c frees the rest of the batch and says how many were lost; the
    pump logs that and goes on (nothing is left to own)."""
    try:
        return _convert_records(head, _CHUNK)  # type: ignore[no-any-return]
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


#: Starts a fast call: (args, a factory of result slots: the running asyncio loop's
#: ``create_future``, or ``TrioSlot``) -> (call id, the slot for the callback's args).
FastStart = Callable[[Sequence[Any], Callable[[], Any]], tuple[int, Any]]


def _bad_int(function: str, name: str) -> TypeError:
    return TypeError(f"{function}: argument {name!r} must be an int")


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


def _c_str(value: str | bytes | None, function: str, name: str) -> Any:
    if value is None:
        return NULL
    data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    if b"\0" in data:
        raise ValueError(f"{function}: argument {name!r} contains a NUL character")
    return data


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
        self._closed = False
        self._registered: list[str] = []
        #: setters the loaded SDK does not export (an older SDK): nothing to register there
        self.missing_setters: list[str] = []
        #: records of a batch left undelivered because the pump was cancelled at close
        self.dropped_at_close = 0
        self._comm = lib.aiotim_trampoline(CALLBACKS["TIMCommCallback"].index)
        self._comm_2 = lib.aiotim_trampoline(_COMM_2)
        # user_data of this relay with token 0: the slot and generation bits are fixed while
        # the relay is open, so a call's user_data is this | its id (no C call per call)
        self._ud_base: int = lib.aiotim_relay_user_data(slot, 0)
        # (callback typedef, position) -> the trampoline cast to it, made once
        self._tramps: dict[tuple[str, int], Any] = {}
        #: function -> its fast starter, or None (no fast path); filled by call_raw
        self.fast_starts: dict[str, FastStart | None] = {}

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
        if self._closed:
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
        on_interim: Callable[[int, tuple[Any, ...]], None] | None = None,
    ) -> tuple[PendingCall, list[str]]:
        """Register the pending slot, make the C call, and return the slot and output buffers.

        Raises:
            TIMError: the function returned a non-zero TIMResult (the slot is freed).
            ValueError / TypeError: an argument cannot be converted.
        """
        self._check_open()
        fn = function_info(function)
        if function not in _WITH_CALLBACK:
            raise TypeError(f"{function} takes no callback: use call_sync")
        cfn = self.sdk.fn(function)
        call = self.pending.register(function, is_final, on_interim)
        try:
            c_args, outs = self._convert(fn, args, call)
            rc = cfn(*c_args)
            check_result(rc, function)
        except BaseException:
            self.pending.discard(call.id)
            raise
        return call, [ffi.string(o).decode("utf-8", "replace") for o in outs]

    async def call(self, function: str, *args: Any, is_final: FinalCheck | None = None,
                   on_interim: Callable[[int, tuple[Any, ...]], None] | None = None,
                   ) -> CallResult:
        """Make a call and wait for its final callback; a cancel leaves no slot behind."""
        call, _ = self.start_call(function, args, is_final=is_final, on_interim=on_interim)
        return await self.wait(call)

    async def wait(self, call: PendingCall) -> CallResult:
        """Wait for ``call``'s final callback; on cancel, forget it (a late result is dropped)."""
        try:
            result = await call.wait()
        finally:
            if not call.done:
                self.pending.discard(call.id)
        if result.slot == -1:
            raise result.args[0]
        return result

    def fast_starter(self, function: str) -> FastStart | None:
        """A starter compiled for ``function``, or ``None`` if it has no fast path.

        The fast path: a function with one ``TIMCommCallback`` (single-shot) and no output
        buffer. The starter converts the arguments with code made once for the function (no
        loop over its parameters), registers a ``(result slot, function)`` entry (the slot: an
        asyncio future, or a ``TrioSlot``, from the factory it is given), makes the C call and
        checks its TIMResult (a failure frees the entry and raises); the pump sets the slot's
        result to ``(code, desc, json)``. The caller discards the entry if its await is
        cancelled.

        Raises:
            KeyError: no such function.
            UnsupportedBySDK: the loaded SDK does not export it.
        """
        fn = function_info(function)
        kinds = [p.kind for p in fn.params]
        if ([p.ctype for p in fn.params if p.kind == "callback"] != ["TIMCommCallback"]
                or "out" in kinds or kinds.count("user_data") != 1):
            return None
        params, expected = _signature(fn)
        ns: dict[str, Any] = {
            "bridge": self, "cfn": self.sdk.fn(function), "calls": self.pending._calls,
            "pending": self.pending, "tramp": self._tramp("TIMCommCallback", 0),
            "base": self._ud_base, "cast": ffi.cast, "FN": function, "c_str": _c_str,
            "bad_int": _bad_int, "ClientClosed": ClientClosed, "error": error_from_result,
            "MAX_ID": (1 << 40) - 1, "NARGS": len(expected),
            "ARITY": f"{function} takes {len(expected)} arguments ({', '.join(expected)}), "
                     f"got {{}}",
        }
        body = ["if len(args) != NARGS:", "    raise TypeError(ARITY.format(len(args)))"]
        c_args = []
        j = 0
        for i, (kind, _, name) in enumerate(params):
            if kind == "str":
                body += [f"c{i} = args[{j}]",
                         f"if c{i}.__class__ is not bytes or b'\\0' in c{i}:",
                         f"    c{i} = c_str(c{i}, FN, {name!r})"]
                j += 1
            elif kind == "int":
                body += [f"c{i} = args[{j}]",
                         f"if c{i}.__class__ is not int and (isinstance(c{i}, bool)"
                         f" or not isinstance(c{i}, int)):",
                         f"    raise bad_int(FN, {name!r})"]
                j += 1
            elif kind == "bool":
                body.append(f"c{i} = bool(args[{j}])")
                j += 1
            elif kind == "callback":
                body.append(f"c{i} = tramp")
            else:  # user_data
                body.append(f"c{i} = cast('void *', base | cid)")
            c_args.append(f"c{i}")
        # the slot is registered after the conversion (nothing to free if it fails) and
        # before the C call (the SDK may call back inside it)
        register = ["if bridge._closed:", "    raise ClientClosed('the client is closed')",
                    "cid = pending._next_id",
                    "pending._next_id = cid + 1 if cid < MAX_ID else 1",
                    "fut = new()",
                    "calls[cid] = (fut, FN)"]
        ud_at = next(k for k, line in enumerate(body) if "cast(" in line)
        body[ud_at:ud_at] = register
        body += ["try:",
                 f"    rc = cfn({', '.join(c_args)})",
                 "except BaseException:",
                 "    calls.pop(cid, None)",
                 "    raise",
                 "if rc != 0:",
                 "    calls.pop(cid, None)",
                 "    raise error(rc, function=FN)",
                 "return cid, fut"]
        src = "def start(args, new):\n" + "".join(f"    {line}\n" for line in body)
        exec(src, ns)
        return ns["start"]  # type: ignore[no-any-return]

    def _tramp(self, ctype: str, n_cb: int) -> Any:
        key = (ctype, n_cb)
        found = self._tramps.get(key)
        if found is None:
            tramp = self._comm_2 if n_cb == 1 else lib.aiotim_trampoline(CALLBACKS[ctype].index)
            found = self._tramps[key] = ffi.cast(ctype, tramp)
        return found

    def _convert(self, fn: Function, args: Sequence[Any], call: PendingCall | None,
                 ) -> tuple[list[Any], list[Any]]:
        params, expected = _signature(fn)
        if len(args) != len(expected):
            names = ", ".join(expected)
            raise TypeError(f"{fn.name} takes {len(expected)} arguments ({names}), "
                            f"got {len(args)}")
        it = iter(args)
        c_args: list[Any] = []
        outs: list[Any] = []
        n_cb = 0
        for kind, ctype, name in params:
            if kind == "str":
                c_args.append(_c_str(next(it), fn.name, name))
            elif kind == "int":
                value = next(it)
                if isinstance(value, bool) or not isinstance(value, int):
                    raise TypeError(f"{fn.name}: argument {name!r} must be an int")
                c_args.append(value)
            elif kind == "bool":
                c_args.append(bool(next(it)))
            elif kind == "out":
                buf = ffi.new("char[]", _OUT_BUFFER_SIZE)
                outs.append(buf)
                c_args.append(buf)
            elif kind == "callback":
                c_args.append(ffi.cast(ctype, NULL) if call is None else self._tramp(ctype, n_cb))
                n_cb += 1
            else:  # user_data
                token = call.id & _TOKEN_MASK if call is not None else 0
                c_args.append(ffi.cast("void *", self._ud_base | token))
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
                log.exception("aiotim: dispatching a %s callback failed",
                              _SETTER_OF_KIND.get(kind, "result"))

    def _take(self) -> int:
        """The waiting batch's address (0: none); the relay's signal is re-armed."""
        return int(ffi.cast("uintptr_t", lib.aiotim_relay_take(self._slot)))

    def _poll(self) -> int:
        """The waiting batch's address; the signal is re-armed only when it is 0 (none), so
        after a batch the pump must poll again until it gets 0 (see relay.h)."""
        return int(ffi.cast("uintptr_t", lib.aiotim_relay_poll(self._slot)))

    def drain(self, sink: NotificationSink) -> int:
        """Take every waiting record and dispatch it now; returns how many were handled."""
        addr = self._take()
        n = 0
        while addr:
            runs, addr = _convert_chunk(addr)
            n += sum(len(p) if t == -1 else 1 for _, t, p, _ in runs)
            self._deliver(runs, sink)
        return n

    async def pump(self, sink: NotificationSink) -> None:
        """Forever: wait for the relay's eventfd, then dispatch the whole batch in SDK order.

        Run it in the client's task group. Records are converted (and freed) ``_CHUNK`` at a
        time, and the pump yields to the event loop between chunks, so a firehose cannot starve
        other tasks; if the pump is cancelled (the client is closing) in the middle of a batch,
        the rest of it is counted in ``dropped_at_close`` and freed.

        After a batch the pump polls the relay again at the loop's next iteration, and goes
        back to waiting for the eventfd only when a poll finds nothing: while events keep
        coming, SDK threads append them without a system call (relay.h, aiotim_relay_poll).
        """
        loop = running_asyncio_loop()
        if loop is not None:
            await self._pump_asyncio(loop, sink)
            return
        fd = self.fd
        deliver = self._deliver
        addr = 0
        try:
            while True:
                await anyio.wait_readable(fd)
                addr = self._poll()
                while addr:
                    runs, addr = _convert_chunk(addr)
                    deliver(runs, sink)
                    await anyio.lowlevel.checkpoint()
                    if not addr:  # the batch is done: poll until nothing is left
                        addr = self._poll()
        finally:
            if addr:
                self.dropped_at_close += _discard_records(addr)

    async def _pump_asyncio(self, loop: asyncio.AbstractEventLoop, sink: NotificationSink,
                            ) -> None:
        """The pump on asyncio: the work is done in the eventfd's reader callback itself (one
        loop iteration from the wake-up to the consumers' wake-ups, instead of a second one
        to resume a pump task); a long batch goes on chunk by chunk, and the poll after it,
        with ``call_soon``."""
        fd = self.fd
        deliver = self._deliver
        addr = 0
        later: asyncio.Handle | None = None

        def step() -> None:
            nonlocal addr, later
            later = None
            if not addr:
                addr = self._poll()
                if not addr:  # idle again; the signal is armed: the eventfd wakes on_readable
                    return
            runs, addr = _convert_chunk(addr)
            try:
                deliver(runs, sink)
            finally:
                # the rest of the batch, or else the poll that follows every batch
                later = loop.call_soon(step)

        def on_readable() -> None:
            if later is None:  # else a step is due: it takes the new records
                step()

        loop.add_reader(fd, on_readable)
        try:
            await loop.create_future()  # until cancelled
        finally:
            loop.remove_reader(fd)
            if later is not None:
                later.cancel()
            if addr:
                self.dropped_at_close += _discard_records(addr)

    # -- lifecycle ------------------------------------------------------------------------

    def stats(self) -> RelayStats:
        """The relay's counters."""
        raw = ffi.new("aiotim_relay_stats *")
        lib.aiotim_relay_get_stats(self._slot, raw)
        return RelayStats(raw)

    def close(self) -> None:
        """Close the relay (the pump must be stopped first); wake calls still waiting."""
        if self._closed:
            return
        self._closed = True
        lib.aiotim_relay_close(self._slot)
        self.fd = -1
        self.pending.fail_all(
            lambda c: ClientClosed(f"{c.function}: the client was closed before it completed"))
