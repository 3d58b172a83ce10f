"""One waiter type for the hot paths (pending calls, streams, the pump), on any backend.

On asyncio a bare future of the running loop is the cheapest thing to wait on (no
``anyio.Event`` and the ``asyncio.Event`` inside it); other backends (trio) use
``anyio.Event``. Everything is called on the event loop's thread.
"""

from __future__ import annotations

import asyncio

import anyio

__all__ = ["Waiter", "new_waiter", "running_asyncio_loop", "wait", "wake"]

Waiter = asyncio.Future[None] | anyio.Event

# asyncio's C accessor: None when no asyncio loop runs in this thread (e.g. under trio).
running_asyncio_loop = asyncio._get_running_loop


def new_waiter() -> Waiter:
    """A fresh waiter for the running backend."""
    loop = running_asyncio_loop()
    return loop.create_future() if loop is not None else anyio.Event()


async def wait(waiter: Waiter) -> None:
    """Wait until :func:`wake` is called on ``waiter``."""
    if isinstance(waiter, asyncio.Future):
        await waiter
    else:
        await waiter.wait()


def wake(waiter: Waiter) -> None:
    """Wake whoever waits on ``waiter`` (idempotent)."""
    if isinstance(waiter, asyncio.Future):
        if not waiter.done():
            waiter.set_result(None)
    else:
        waiter.set()
