"""The asyncio backend: result slots are bare futures of the running loop (no ``anyio.Event``
and the ``asyncio.Event`` inside it); the pump works in the eventfd's reader callback."""

from __future__ import annotations

import asyncio
import time

from aiotim._backends import PumpSource

__all__ = ["run_pump"]


async def run_pump(
    loop: asyncio.AbstractEventLoop, source: PumpSource, busy_poll_s: float = 0.0
) -> None:
    """The pump on asyncio: the work is done in the eventfd's reader callback itself (one loop
    iteration from the wake-up to the consumers' wake-ups, instead of a second one to resume a
    pump task); a long batch goes on chunk by chunk with ``call_soon``.

    A step makes no system call before it delivers: the eventfd is left readable while the
    relay's signal is disarmed, so the next loop iteration (after the consumers woken by this
    one) calls the reader again, whose step takes what came meanwhile or re-arms the relay.
    While events keep coming, SDK threads append them without a system call.

    Busy polling (``busy_poll_s``): once the reader has run, a callback re-schedules itself
    with ``call_soon`` until ``busy_poll_s`` have passed without a step delivering records.
    While it is scheduled the loop does not block in its selector (it polls it with a zero
    timeout), so the relay's eventfd is seen, and the reader run, at the next iteration.
    """
    step_chunk = source.step
    later: asyncio.Handle | None = None
    awake: asyncio.Handle | None = None  # the busy-polling callback, while scheduled
    clock = time.monotonic
    seen = -1  # source.fetched when the busy polling last saw it change
    until = 0.0  # when it stops, unless records come

    def keep_awake() -> None:
        nonlocal awake, seen, until
        fetched = source.fetched
        if fetched != seen:
            seen, until = fetched, clock() + busy_poll_s
        elif clock() >= until:
            awake = None
            return
        awake = loop.call_soon(keep_awake)

    def step() -> None:
        nonlocal later
        later = None
        if step_chunk(False):  # the rest of the batch, after what is due
            later = loop.call_soon(step)

    def on_readable() -> None:
        nonlocal later, awake
        if later is None and step_chunk(False):  # else a step is due: it takes the new records
            later = loop.call_soon(step)
        if busy_poll_s and awake is None:
            awake = loop.call_soon(keep_awake)

    fd = source.fd
    loop.add_reader(fd, on_readable)
    # First the batch a previous pump parked, else a fetch (records may be waiting).
    later = loop.call_soon(step)
    try:
        await loop.create_future()  # until cancelled
    finally:
        loop.remove_reader(fd)
        if later is not None:
            later.cancel()
        if awake is not None:
            awake.cancel()
        source.park()
