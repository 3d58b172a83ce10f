"""The asyncio backend: result slots are bare futures of the running loop (no ``anyio.Event``
and the ``asyncio.Event`` inside it); the pump works in the eventfd's reader callback."""

from __future__ import annotations

import asyncio
import signal
import socket
import threading
import time
from collections.abc import Callable

from aiotim._backends import PumpSource

__all__ = ["run_pump"]


class _SignalWakeup:
    """A wake-up fd for signals (``signal.set_wakeup_fd``), read by one asyncio loop.

    asyncio's own Ctrl-C handling (``asyncio.run``) sets no wake-up fd: its handler runs only
    when the main thread comes back to Python code. The kernel may hand a process's signal to
    any thread that does not block it (the SDK's, a worker's, the loopback cloud's); the main
    thread, asleep in its selector, then sleeps on: Ctrl-C does nothing until some event comes
    (a hang of 60 s in 1 run in 400 of ``test_exit``'s SIGINT case, and for ever when nothing
    comes). With this fd set, the C handler, on whichever thread it runs, writes a byte to it,
    the loop wakes, and the main thread runs the Python handler. Held while a client's pump
    runs on the main thread's loop, and only when nobody else set one (asyncio's
    ``add_signal_handler`` sets its own, trio always does): theirs is left alone.
    """

    __slots__ = ("loop", "rsock", "users", "wsock")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.users = 0
        self.rsock, self.wsock = socket.socketpair()
        self.rsock.setblocking(False)
        self.wsock.setblocking(False)

    def drain(self) -> None:
        try:
            while self.rsock.recv(4096):
                pass
        except OSError:  # nothing left (BlockingIOError), or closed meanwhile
            pass

    def close(self) -> None:
        self.rsock.close()
        self.wsock.close()


_wakeups: dict[asyncio.AbstractEventLoop, _SignalWakeup] = {}


def _hold_signal_wakeup(loop: asyncio.AbstractEventLoop) -> Callable[[], None] | None:
    """Set a signal wake-up fd read by ``loop`` unless one is set (see :class:`_SignalWakeup`);
    the function that lets it go, or None when there was nothing to set."""
    if threading.current_thread() is not threading.main_thread():
        return None  # signals are handled on the main thread only; its loop's business
    held = _wakeups.get(loop)
    if held is None:
        held = _SignalWakeup(loop)
        try:
            before = signal.set_wakeup_fd(held.wsock.fileno(), warn_on_full_buffer=False)
        except ValueError:  # not the main interpreter
            held.close()
            return None
        if before != -1:  # somebody's own: theirs stays
            signal.set_wakeup_fd(before)
            held.close()
            return None
        loop.add_reader(held.rsock.fileno(), held.drain)
        _wakeups[loop] = held
    held.users += 1
    return lambda: _release_signal_wakeup(held)


def _release_signal_wakeup(held: _SignalWakeup) -> None:
    held.users -= 1
    if held.users:
        return
    del _wakeups[held.loop]
    current = signal.set_wakeup_fd(-1)
    if current != held.wsock.fileno():  # replaced since (asyncio's signal handlers): keep it
        signal.set_wakeup_fd(current)
    if not held.loop.is_closed():
        held.loop.remove_reader(held.rsock.fileno())
    held.close()


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
    release_wakeup: Callable[[], None] | None = None
    loop.add_reader(fd, on_readable)
    try:
        release_wakeup = _hold_signal_wakeup(loop)
        # First the batch a previous pump parked, else a fetch (records may be waiting).
        later = loop.call_soon(step)
        await loop.create_future()  # until cancelled
    finally:
        if release_wakeup is not None:
            release_wakeup()
        loop.remove_reader(fd)
        if later is not None:
            later.cancel()
        if awake is not None:
            awake.cancel()
        source.park()
