"""A clock the test controls, for the loopback cloud's timeouts.

The cloud keeps time in two ways: timers on its asyncio loop (a signaling invitation's timeout,
a UserSig's expiry, a slow network's delay: ``loop.call_later``) and the time of day read in its
handlers (a member's mute expiry, the revoke limit, message times: ``time.time()``). A
:class:`Clock` moves both forward, for one cloud only:

- the cloud's loop reads ``loop.time()`` plus the clock's offset, so a timer falls due as soon
  as the offset passes it;
- the modules of :mod:`aiotim.loopback` read ``time`` through a stand-in that adds the offset
  of the cloud whose thread is reading (each :class:`aiotim.loopback.Cloud` runs on its own
  thread): other clouds, the clients and the test itself keep the real time.

Only forward, never back: the cloud's ordering (message times, sequence numbers) assumes time
does not go backwards. The SDK's own timeouts (in C, ``lb_clock.h``) are not moved: a call's
timeout still takes real time.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time as _time
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiotim.loopback.cloud.embedded import Cloud

__all__ = ["Clock"]

#: cloud thread → seconds added to its time
_OFFSETS: dict[int, float] = {}
_LOCK = threading.Lock()


def _offset() -> float:
    return _OFFSETS.get(threading.get_ident(), 0.0)


class _ShiftedTime(types.ModuleType):
    """The ``time`` module as a cloud thread sees it: ``time()``, ``time_ns()``,
    ``monotonic()``, ``monotonic_ns()`` shifted by that thread's offset; the rest unchanged."""

    def __init__(self) -> None:
        super().__init__("time", "the time module, shifted by aiotim.testing.Clock")

    def __getattr__(self, name: str) -> Any:
        return getattr(_time, name)

    @staticmethod
    def time() -> float:
        return _time.time() + _offset()

    @staticmethod
    def time_ns() -> int:
        return _time.time_ns() + int(_offset() * 1e9)

    @staticmethod
    def monotonic() -> float:
        return _time.monotonic() + _offset()

    @staticmethod
    def monotonic_ns() -> int:
        return _time.monotonic_ns() + int(_offset() * 1e9)


_SHIFTED = _ShiftedTime()


def _install() -> None:
    """Point every loaded :mod:`aiotim.loopback` module's ``time`` at the shifted one (once
    per module; a module loaded later is caught at the next :meth:`Clock.advance`)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("aiotim.loopback") and getattr(module, "time", None) is _time:
            module.time = _SHIFTED  # type: ignore[attr-defined]


class Clock:
    """The cloud's clock, moved forward by the test: ``await cloud.clock.advance(31)``."""

    def __init__(self, cloud: Cloud) -> None:
        self._cloud = cloud
        self._installed_on: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return f"<Clock +{self.offset:g}s>"

    @property
    def offset(self) -> float:
        """How far ahead of the real time the cloud is, in seconds."""
        thread = self._cloud._thread
        return _OFFSETS.get(thread.ident or 0, 0.0) if thread is not None else 0.0

    def time(self) -> float:
        """The cloud's time of day (``time.time()`` plus the offset)."""
        return _time.time() + self.offset

    def _loop(self) -> asyncio.AbstractEventLoop:
        loop, thread = self._cloud._loop, self._cloud._thread
        if loop is None or thread is None or thread.ident is None:
            raise RuntimeError("the Cloud is not running (use `async with Cloud(...)`)")
        if self._installed_on is not loop:
            real = loop.time
            ident = thread.ident

            def shifted() -> float:
                return real() + _OFFSETS.get(ident, 0.0)

            loop.time = shifted  # type: ignore[method-assign]
            self._installed_on = loop
        return loop

    async def advance(self, seconds: float) -> None:
        """Move the cloud's time forward by ``seconds``, then let it run what fell due (timers
        fire, and what they send is on its way to the SDKs when this returns).

        Raises:
            ValueError: a negative or non-finite ``seconds``.
            RuntimeError: the cloud is not running.
        """
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise TypeError(f"advance() takes seconds (a number), got {seconds!r}")
        if not 0 <= seconds < float("inf"):
            raise ValueError(f"advance() moves forward only: seconds must be >= 0, got {seconds}")
        loop = self._loop()
        ident = self._cloud._thread.ident  # type: ignore[union-attr]
        assert ident is not None
        with _LOCK:
            _install()
            _OFFSETS[ident] = _OFFSETS.get(ident, 0.0) + float(seconds)

        async def settle(_server: object) -> None:
            # The timers that fell due run in the loop's next iteration, before this task's
            # first step; a few more iterations let what they started (tasks) go on.
            for _ in range(5):
                await asyncio.sleep(0)

        loop.call_soon_threadsafe(lambda: None)  # wake the loop: it re-reads the time
        await self._cloud._run(settle)

    def forget(self) -> None:
        """Drop this cloud's offset (called when the cloud stops)."""
        thread = self._cloud._thread
        if thread is not None and thread.ident is not None:
            with _LOCK:
                _OFFSETS.pop(thread.ident, None)
