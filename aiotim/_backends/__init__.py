"""The event-loop backends, asyncio and trio, behind one seam.

Everything backend-specific on aiotim's hot paths is here, in two modules of the same shape
(:mod:`aiotim._backends._asyncio`, :mod:`aiotim._backends._trio`):

- a **result slot**: one value awaited by one task — a bare future of the running asyncio loop,
  or a :class:`~aiotim._backends._trio.TrioSlot`. Both have ``done()``, ``set_result()``,
  ``set_exception()`` and are awaitable; a cancelled await leaves the slot done, so a value that
  still arrives is known to be late. Pending calls wait on one; a stream waits on one per idle
  wait (:func:`wake` resolves it);
- the **pump loop**: waits for the relay's eventfd and drains a :class:`PumpSource` chunk by
  chunk, yielding to the loop between chunks.

Everything here runs on the event loop's thread. The backend is picked per call from the running
loop (anyio runs only on these two).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator
from typing import Any, Protocol

__all__ = ["PumpSource", "Slot", "new_slot", "run_pump", "slot_factory", "wake"]


class Slot(Protocol):
    """One result awaited by one task (an ``asyncio.Future`` or a ``TrioSlot``)."""

    def done(self) -> bool: ...

    def set_result(self, value: Any, /) -> None: ...

    def set_exception(self, exc: BaseException, /) -> None: ...

    def __await__(self) -> Generator[Any, None, Any]: ...


class PumpSource(Protocol):
    """What the pump drains (the native bridge): an eventfd and the relay's batches.

    The eventfd stays readable for as long as the relay's signal is disarmed (records came
    since a step found none), so a wait on it returns at once until a step re-arms the relay.
    """

    @property
    def fd(self) -> int:
        """The relay's eventfd: readable when records wait and the signal was armed."""
        ...

    def step(self, repoll: bool, /) -> bool:
        """Convert and deliver one chunk: of the batch under way, else of a fresh fetch.

        True when there is more to deliver (that batch's rest, or with ``repoll`` records
        that came after it): step again soon, after other work. False when there is nothing
        more for now: with ``repoll`` the relay is re-armed (the eventfd signals the next
        record); without, the next wait on the eventfd returns at once if records may have come
        meanwhile (the signal still disarmed), and the step after it fetches them or re-arms.
        """
        ...

    @property
    def fetched(self) -> int:
        """How many steps have delivered records so far (a busy-polling pump watches it)."""
        ...

    def park(self) -> None:
        """Keep the rest of the batch under way when the pump stops in the middle of it: the
        next pump (or drain) of the same relay delivers it first, so nothing is lost or
        reordered."""
        ...


# asyncio's C accessor: None when no asyncio loop runs in this thread (e.g. under trio).
_running_loop = asyncio._get_running_loop


def _trio_slot() -> Callable[[], Slot]:
    from aiotim._backends import _trio as trio_backend  # only when trio runs: it imports trio

    if not trio_backend.in_trio_task():
        raise RuntimeError("aiotim runs under asyncio or trio (anyio): no event loop is running")
    return trio_backend.TrioSlot


def slot_factory() -> Callable[[], Slot]:
    """The running backend's slot constructor (asyncio: ``loop.create_future``)."""
    loop = _running_loop()
    if loop is not None:
        return loop.create_future
    return _trio_slot()


def new_slot() -> Slot:
    """A fresh slot for the running backend."""
    loop = _running_loop()
    if loop is not None:
        return loop.create_future()
    return _trio_slot()()


def wake(slot: Slot) -> None:
    """Resolve ``slot`` with ``None`` unless it is done already (idempotent)."""
    if not slot.done():
        slot.set_result(None)


async def run_pump(source: PumpSource, busy_poll_s: float = 0.0) -> None:
    """Drain ``source`` forever, on the running backend; cancel to stop.

    ``busy_poll_s`` > 0: for that long after the last step that delivered records, the pump
    keeps the event loop from sleeping (it yields once per loop iteration, so every other task
    and all I/O still run; the loop polls its selector without blocking): the next records are
    taken at the loop's next iteration, without the wake-up of a sleeping thread, at the cost
    of the loop thread's CPU while events keep coming. 0: the loop sleeps at once.
    """
    loop = _running_loop()
    if loop is not None:
        from aiotim._backends import _asyncio as asyncio_backend

        await asyncio_backend.run_pump(loop, source, busy_poll_s)
    else:
        from aiotim._backends import _trio as trio_backend

        await trio_backend.run_pump(source, busy_poll_s)
