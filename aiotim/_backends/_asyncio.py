"""The asyncio backend: result slots are bare futures of the running loop (no ``anyio.Event``
and the ``asyncio.Event`` inside it); the pump works in the eventfd's reader callback."""

from __future__ import annotations

import asyncio

from aiotim._backends import PumpSource

__all__ = ["run_pump"]


async def run_pump(loop: asyncio.AbstractEventLoop, source: PumpSource) -> None:
    """The pump on asyncio: the work is done in the eventfd's reader callback itself (one loop
    iteration from the wake-up to the consumers' wake-ups, instead of a second one to resume a
    pump task); a long batch goes on chunk by chunk, and the poll after it, with ``call_soon``.

    After a batch the relay is polled again at the loop's next iteration, and the pump goes
    back to waiting for the eventfd only when a poll finds nothing: while events keep coming,
    SDK threads append them without a system call.
    """
    poll, step_chunk = source.poll, source.step
    addr = source.parked()  # the rest of a batch a previous pump was cancelled in
    later: asyncio.Handle | None = None

    def step() -> None:
        nonlocal addr, later
        later = None
        if not addr:
            addr = poll()
            if not addr:  # idle again; the signal is armed: the eventfd wakes on_readable
                return
        try:
            addr = step_chunk(addr)
        finally:
            # the rest of the batch, or else the poll that follows every batch
            later = loop.call_soon(step)

    def on_readable() -> None:
        if later is None:  # else a step is due: it takes the new records
            step()

    fd = source.fd
    loop.add_reader(fd, on_readable)
    # First the parked batch, else a poll: a pump cancelled between a batch and the poll after
    # it left the signal disarmed (records wait without a wake-up); a poll finding none re-arms.
    later = loop.call_soon(step)
    try:
        await loop.create_future()  # until cancelled
    finally:
        loop.remove_reader(fd)
        if later is not None:
            later.cancel()
        if addr:
            source.park(addr)
