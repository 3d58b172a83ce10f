"""The trio backend (imported only under trio): :class:`TrioSlot` and the pump loop.

On asyncio a result slot is a bare future; on trio it is a :class:`TrioSlot`, resolved with the
same methods (``done()``, ``set_result()``, ``set_exception()``), which wakes the waiting task
with ``trio.lowlevel.reschedule``: no ``trio.Event`` and no ``anyio.Event`` per wait. A cancelled
wait leaves the slot done, so a result that still arrives is counted as late.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from typing import Any

import trio
import trio.lowlevel

from aiotim._backends import PumpSource

__all__ = ["TrioSlot", "in_trio_task", "run_pump"]

in_trio_task = trio.lowlevel.in_trio_task

_Abort = trio.lowlevel.Abort
_reschedule = trio.lowlevel.reschedule
_current_task = trio.lowlevel.current_task
_wait_task_rescheduled = trio.lowlevel.wait_task_rescheduled
_checkpoint = trio.lowlevel.checkpoint
_wait_readable = trio.lowlevel.wait_readable


class TrioSlot:
    """One result, awaited by one trio task (see the module docstring)."""

    __slots__ = ("_done", "_error", "_task", "_value")

    def __init__(self) -> None:
        self._task: trio.lowlevel.Task | None = None
        self._done = False
        self._value: Any = None
        self._error: BaseException | None = None

    def done(self) -> bool:
        """Whether a result (or an error, or a cancellation) has ended the slot."""
        return self._done

    def set_result(self, value: Any) -> None:
        """Resolve the slot; wakes the waiting task (call on the trio thread)."""
        self._done = True
        self._value = value
        self._wake()

    def set_exception(self, exc: BaseException) -> None:
        """End the slot with ``exc``, raised in the waiting task."""
        self._done = True
        self._error = exc
        self._wake()

    def _wake(self) -> None:
        task = self._task
        if task is not None:
            self._task = None
            _reschedule(task)

    def _abort(self, raise_cancel: Any) -> Any:
        self._task = None
        self._done = True  # cancelled: a result arriving now is late
        return _Abort.SUCCEEDED

    def __await__(self) -> Generator[Any, None, Any]:
        return self.wait().__await__()

    async def wait(self) -> Any:
        """The result (a checkpoint either way: cancellation is honoured)."""
        if self._done:
            await _checkpoint()
        else:
            self._task = _current_task()
            await _wait_task_rescheduled(self._abort)
        if self._error is not None:
            raise self._error
        return self._value


async def run_pump(source: PumpSource, busy_poll_s: float = 0.0) -> None:
    """The pump on trio: deliver a batch chunk by chunk with a checkpoint between chunks (a
    firehose cannot starve other tasks); once a batch has ended, let the consumers it woke run
    before the pump fetches again, or re-arms the relay and waits for the eventfd (see
    :meth:`PumpSource.step`).

    Busy polling (``busy_poll_s``): until ``busy_poll_s`` have passed without a step
    delivering records, the pump checkpoints instead of waiting for the eventfd and fetches
    again; while it is runnable, trio polls its I/O without blocking."""
    fd = source.fd
    step = source.step
    clock = time.monotonic
    seen = 0  # source.fetched when the busy polling last saw it change (no polling before)
    until = 0.0  # when it stops, unless records come
    try:
        while True:
            # First the batch a previous pump parked, else a fetch (records may be waiting).
            if step(False):  # the rest of the batch, after other tasks
                await _checkpoint()
                continue
            # The batch ended: the consumers it woke run first (two checkpoints: trio runs a
            # batch of tasks in either order), then fetch again, or re-arm and wait.
            await _checkpoint()
            await _checkpoint()
            if step(True):
                continue
            if busy_poll_s:
                if source.fetched != seen:
                    seen, until = source.fetched, clock() + busy_poll_s
                if clock() < until:
                    await _checkpoint()
                    continue
            await _wait_readable(fd)
    finally:
        source.park()
