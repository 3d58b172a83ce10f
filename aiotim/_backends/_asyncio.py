"""The asyncio backend: result slots are bare futures of the running loop (no ``anyio.Event``
and the ``asyncio.Event`` inside it); the pump works in the eventfd's reader callback."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import time
from collections.abc import Iterator

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

    def install(self) -> bool:
        """Make this the process's wake-up fd, unless one is set already (that one stays) or
        this is not the main thread (of the main interpreter), which alone runs handlers."""
        try:
            before = signal.set_wakeup_fd(self.wsock.fileno(), warn_on_full_buffer=False)
        except ValueError:  # not the main thread
            return False
        if before != -1:
            signal.set_wakeup_fd(before)
            return False
        self.loop.add_reader(self.rsock.fileno(), self.drain)
        return True

    def uninstall(self) -> None:
        current = signal.set_wakeup_fd(-1)
        if current != self.wsock.fileno():  # replaced since (add_signal_handler): keep it
            signal.set_wakeup_fd(current)
        self.loop.remove_reader(self.rsock.fileno())  # (a no-op on a closed loop)

    def drain(self) -> None:
        try:
            while self.rsock.recv(4096):
                pass
        except BlockingIOError:  # nothing left
            pass

    def close(self) -> None:
        self.rsock.close()
        self.wsock.close()


_wakeups: dict[asyncio.AbstractEventLoop, _SignalWakeup] = {}


@contextlib.contextmanager
def _signal_wakeup(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """Within: a signal wake-up fd read by ``loop``, unless somebody else set one (see
    :class:`_SignalWakeup`); the pumps of one loop share it, the last one out lets it go."""
    held = _wakeups.get(loop)
    if held is None:
        held = _SignalWakeup(loop)
        if not held.install():
            held.close()
            yield
            return
        _wakeups[loop] = held
    held.users += 1
    try:
        yield
    finally:
        held.users -= 1
        if not held.users:
            del _wakeups[loop]
            held.uninstall()
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
    loop.add_reader(fd, on_readable)
    try:
        with _signal_wakeup(loop):
            # First the batch a previous pump parked, else a fetch (records may be waiting).
            later = loop.call_soon(step)
            await loop.create_future()  # until cancelled
    finally:
        loop.remove_reader(fd)
        if later is not None:
            later.cancel()
        if awake is not None:
            awake.cancel()
        source.park()
