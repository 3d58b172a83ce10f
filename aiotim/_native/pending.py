"""The pending-call table: integer ids in ``user_data``, one entry per call in flight.

An entry is registered *before* the C call (the SDK may call back inside it, on the calling
thread), removed when its final callback arrives, when the C call returns non-zero, or when the
awaiting task is cancelled. A result whose id is no longer in the table (it came after a cancel)
is dropped and counted: ``user_data`` is never a pointer, so a late result cannot touch freed
memory.

One entry type for every call: ``(result slot, function name, multi-shot state or None)``. The
slot (:mod:`aiotim._backends`: an asyncio future or a ``TrioSlot``) receives the final
callback's arguments; a multi-shot call (download progress, two callbacks, …) also has a
:class:`MultiShot` that decides which callback is final and keeps the ones before it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiotim._backends import Slot

__all__ = ["CallResult", "FinalCheck", "MultiShot", "PendingCalls"]

#: Decides whether a callback ends its call: (callback slot, args) -> final?
FinalCheck = Callable[[int, tuple[Any, ...]], bool]
#: Sees each interim callback: (callback slot, args).
Interim = Callable[[int, tuple[Any, ...]], None]

_MAX_ID = (1 << 40) - 1  # relay.h: user_data bits 0..39


@dataclass(slots=True)
class CallResult:
    """What a call delivered: the final callback's arguments, any callbacks before it, and
    the text of the function's output buffers (e.g. ``TIMSignalingInvite``'s invite id)."""

    args: tuple[Any, ...]
    slot: int = 0
    interim: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)


class MultiShot:
    """The state of a call with more than one callback invocation."""

    __slots__ = ("final_slot", "interim", "is_final", "on_interim")

    def __init__(self, is_final: FinalCheck, on_interim: Interim | None = None) -> None:
        self.is_final = is_final
        self.on_interim = on_interim
        self.interim: list[tuple[int, tuple[Any, ...]]] = []
        #: which callback of the function ended the call (0: the first)
        self.final_slot = 0


Entry = tuple[Slot, str, MultiShot | None]


class PendingCalls:
    """The table of calls in flight for one client."""

    def __init__(self) -> None:
        # never rebound: the pump and the fast starters hold this dict
        self._calls: dict[int, Entry] = {}
        self._next_id = 1
        #: results that arrived for an id no longer pending (cancelled, or already final)
        self.dropped_late = 0

    def __len__(self) -> int:
        return len(self._calls)

    def add(self, slot: Slot, function: str, multi: MultiShot | None = None) -> int:
        """Register a call about to be made; its id (for ``user_data``)."""
        call_id = self._next_id
        self._next_id = call_id + 1 if call_id < _MAX_ID else 1
        self._calls[call_id] = (slot, function, multi)
        return call_id

    def discard(self, call_id: int) -> None:
        """Forget a call (its C call failed, or its awaiting task was cancelled)."""
        self._calls.pop(call_id, None)

    def resolve(self, call_id: int, cb_slot: int, args: tuple[Any, ...]) -> None:
        """Hand a callback's arguments to its call; drop and count them if the call is gone."""
        entry = self._calls.get(call_id)
        if entry is None:
            self.dropped_late += 1
            return
        slot, _, multi = entry
        if multi is not None and not multi.is_final(cb_slot, args):
            multi.interim.append((cb_slot, args))
            if multi.on_interim is not None:
                multi.on_interim(cb_slot, args)
            return
        del self._calls[call_id]
        if slot.done():  # cancelled, its task not resumed yet
            self.dropped_late += 1
            return
        if multi is not None:
            multi.final_slot = cb_slot
        slot.set_result(args)

    def fail_all(self, exc_factory: Callable[[str], BaseException]) -> None:
        """Resolve nothing more: wake every waiter (client closing) — they raise."""
        entries = list(self._calls.values())
        self._calls.clear()
        for slot, function, _ in entries:
            if not slot.done():
                with contextlib.suppress(RuntimeError):  # its loop is closed (atexit)
                    slot.set_exception(exc_factory(function))
