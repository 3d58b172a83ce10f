"""The loopback console: a web page on 127.0.0.1 where a person talks to their bot.

``Cloud(console=True)`` or ``aiotim loopback serve --console`` starts it. It runs in a thread of
its own with its own asyncio loop (the cloud's loop may be the user's, on trio even, or the
embedded cloud's private one); it reaches the cloud's state only through thread-safe calls onto
the cloud's loop. The person's users are real loopback clients (:class:`aiotim.Client` on the
loopback SDK), so everything they send goes through the cloud's normal paths. Needs the
``console`` extra (aiohttp): :class:`~aiotim.loopback.console.server.Console` is in
``aiotim.loopback.console.server``, which imports it. See docs/console.md.
"""

from __future__ import annotations

import importlib.util

__all__ = ["ConsoleUnavailable", "console_available", "require_console"]


class ConsoleUnavailable(RuntimeError):
    """The console's optional dependencies are not installed."""


def console_available() -> bool:
    """Whether the console's dependencies (aiohttp) are installed."""
    return importlib.util.find_spec("aiohttp") is not None


def require_console() -> None:
    """Raise :class:`ConsoleUnavailable` (saying how to install it) without aiohttp."""
    if not console_available():
        raise ConsoleUnavailable(
            "the loopback console needs aiohttp: pip install 'aiotim[console]'"
        )
