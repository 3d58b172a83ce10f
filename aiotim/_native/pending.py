"""The pending-call table: integer ids in ``user_data``, one slot per call in flight.

A slot is registered *before* the C call (the SDK may call back inside it, on the calling
thread), freed when its final callback arrives, when the C call returns non-zero, or when the
awaiting task is cancelled. A result whose id is no longer in the table (it came after a cancel)
is dropped and counted: ``user_data`` is never a pointer, so a late result cannot touch freed
memory.

A slot is a :class:`PendingCall`, or, for a single-shot call (the hot path of ``call_raw``), a
bare ``(result slot, function name)`` tuple, the result slot an asyncio future or, on trio, a
``TrioSlot`` (same ``done``/``set_result``/``set_exception``): the pump sets its result to the
callback's arguments (see ``Bridge.fast_starter``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.lowlevel

from aiotim._backends import Waiter, new_waiter, wait, wake

__all__ = ["CallResult", "PendingCall", "PendingCalls"]

#: Decides whether a callback ends its call: (callback slot, args) -> final?
FinalCheck = Callable[[int, tuple[Any, ...]], bool]


def _first_is_final(slot: int, args: tuple[Any, ...]) -> bool:
    return True


@dataclass(slots=True)
class CallResult:
    """What a call's callbacks delivered: the final callback's arguments, and any before it."""

    args: tuple[Any, ...]
    slot: int = 0
    interim: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)


class PendingCall:
    """One call in flight: resolved once, by its final callback.

    Hot path: nothing is allocated for waiting until :meth:`wait` finds no result yet (a call
    may complete inside the C call), and then, on asyncio, only a bare future of the running
    loop (no ``anyio.Event`` and its ``asyncio.Event``); other backends use ``anyio.Event``.
    """

    __slots__ = ("_waiter", "function", "id", "interim", "is_final", "on_interim", "result")

    def __init__(
        self,
        call_id: int,
        function: str,
        is_final: FinalCheck,
        on_interim: Callable[[int, tuple[Any, ...]], None] | None,
    ) -> None:
        self.id = call_id
        self.function = function
        self.is_final = is_final
        self.on_interim = on_interim
        self.interim: list[tuple[int, tuple[Any, ...]]] = []
        self.result: CallResult | None = None
        self._waiter: Waiter | None = None

    @property
    def done(self) -> bool:
        """Whether the final callback has arrived."""
        return self.result is not None

    async def wait(self) -> CallResult:
        """Wait for the final callback and return what it delivered."""
        if self.result is None:
            waiter = self._waiter = new_waiter()
            try:
                await wait(waiter)
            finally:
                self._waiter = None
        else:
            await anyio.lowlevel.checkpoint()  # a cancellation point either way
        assert self.result is not None
        return self.result

    def _wake(self) -> None:
        if self._waiter is not None:
            wake(self._waiter)

    def _deliver(self, slot: int, args: tuple[Any, ...]) -> bool:
        if self.is_final(slot, args):
            self.result = CallResult(args, slot, self.interim)
            self._wake()
            return True
        self.interim.append((slot, args))
        if self.on_interim is not None:
            self.on_interim(slot, args)
        return False


class PendingCalls:
    """The table of calls in flight for one client."""

    def __init__(self) -> None:
        # never rebound: the pump and the fast starters hold this dict
        # a fast slot's first item: an asyncio future or a TrioSlot (duck-typed)
        self._calls: dict[int, PendingCall | tuple[Any, str]] = {}
        self._next_id = 1
        #: results that arrived for an id no longer pending (cancelled, or already final)
        self.dropped_late = 0

    def __len__(self) -> int:
        return len(self._calls)

    def register(
        self,
        function: str,
        is_final: FinalCheck | None = None,
        on_interim: Callable[[int, tuple[Any, ...]], None] | None = None,
    ) -> PendingCall:
        """Create the slot for a call about to be made; its id goes into ``user_data``."""
        call_id = self._next_id
        self._next_id = call_id + 1 if call_id < (1 << 40) - 1 else 1
        call = PendingCall(call_id, function, is_final or _first_is_final, on_interim)
        self._calls[call_id] = call
        return call

    def discard(self, call_id: int) -> None:
        """Forget a call (its C call failed, or its awaiting task was cancelled)."""
        self._calls.pop(call_id, None)

    def resolve(self, call_id: int, slot: int, args: tuple[Any, ...]) -> None:
        """Hand a callback's arguments to its call; drop and count it if the call is gone."""
        call = self._calls.get(call_id)
        if call is None:
            self.dropped_late += 1
            return
        if call.__class__ is tuple:  # a fast slot: single-shot
            del self._calls[call_id]
            fut = call[0]
            if fut.done():  # cancelled, its task not resumed yet
                self.dropped_late += 1
            else:
                fut.set_result(args)
            return
        assert isinstance(call, PendingCall)
        if call._deliver(slot, args):
            del self._calls[call_id]

    def fail_all(self, exc_factory: Callable[[PendingCall], BaseException]) -> None:
        """Resolve nothing more: wake every waiter (client closing) — they raise."""
        calls = list(self._calls.values())
        self._calls.clear()
        for call in calls:
            if isinstance(call, tuple):
                fut, function = call
                if not fut.done():
                    exc = exc_factory(PendingCall(0, function, _first_is_final, None))
                    with contextlib.suppress(RuntimeError):  # its loop is closed (atexit)
                        fut.set_exception(exc)
                continue
            call.result = CallResult((exc_factory(call),), -1)
            call._wake()
