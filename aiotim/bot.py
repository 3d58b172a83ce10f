"""Bot helpers: ``wait_for``, ``conversation(...).ask``, handlers with ``on`` + ``serve``, routers
included with ``include``, and :func:`run` (a bot's ``main`` with clean Ctrl-C / SIGTERM).

Everything here subscribes *before* it could miss something: ``wait_for`` at the call, a
conversation at ``async with``, handlers when ``serve()`` starts (events that arrived before are
kept by the hub for the first stream of their kind).
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import os
import re
import signal
import sys
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any, Protocol, TypeVar, runtime_checkable

import anyio

from aiotim.domains._base import Core, Domain
from aiotim.domains.messages import Messages, check_address
from aiotim.events.catalog import CATALOG
from aiotim.events.filters import conversation_key, message_filter
from aiotim.events.stream import Stream
from aiotim.events.wait import EventWaiter, kind_for
from aiotim.models import C2C, Group, Message

__all__ = ["Bot", "ConversationSession", "Includable", "check_handler", "run"]

log = logging.getLogger("aiotim.bot")

E = TypeVar("E")
T = TypeVar("T")
Handler = Callable[[Any], Awaitable[object]]


def check_handler(handler: object, where: str) -> None:
    """Refuse, at registration, a handler that is not an ``async def`` function (or an object
    whose ``__call__`` is one): it would fail only when its first event arrives."""
    if not callable(handler):
        raise TypeError(f"{where}: a handler must be an async function, got {handler!r}")
    if inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
        getattr(handler, "__call__", None)  # noqa: B004 - an object with an async __call__
    ):
        return
    name = getattr(handler, "__name__", repr(handler))
    qualname = getattr(handler, "__qualname__", name)
    raise TypeError(
        f"{where}: handler {qualname} is not a coroutine function: "
        f"write it as `async def {name}(...)`"
    )


@runtime_checkable
class Includable(Protocol):
    """What :meth:`Bot.include` takes: an :class:`aiotim.Router` (or anything that binds itself
    to a client as one dispatcher per event kind)."""

    def _bind(self, client: Any) -> dict[str, Handler]:
        """One dispatcher per event kind (setter name) for this client."""
        ...


class ConversationSession:
    """A conversation a bot drives: replies are subscribed before anything is sent."""

    def __init__(self, messages: Messages, conv: C2C | Group) -> None:
        self._messages = messages
        self.conv = conv
        self._replies: Stream[Message] | None = None

    async def __aenter__(self) -> ConversationSession:
        self._replies = self._messages.new_messages(conv=self.conv, where=lambda m: not m.is_self)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._replies is not None:
            self._replies.close()

    @property
    def replies(self) -> Stream[Message]:
        """The stream of the peer's messages in this conversation."""
        if self._replies is None:
            raise RuntimeError("use the conversation inside `async with client.conversation(...)`")
        return self._replies

    async def send(self, text: str) -> Message:
        """Send a text message in this conversation."""
        return await self._messages.send_text(self.conv, text)

    async def ask(self, text: str, *, timeout: float | None = 30) -> Message:  # noqa: ASYNC109
        """Send ``text`` and return the next message from the peer.

        Raises:
            TimeoutError: no reply within ``timeout`` seconds.
        """
        replies = self.replies
        await self.send(text)
        with anyio.fail_after(timeout):
            return await replies.__anext__()


class _Registration:
    __slots__ = ("handler", "kind", "predicate")

    def __init__(self, kind: str, handler: Handler, predicate: Callable[[Any], bool] | None):
        self.kind = kind
        self.handler = handler
        self.predicate = predicate


class Bot(Domain):
    """Handlers and waiting helpers; their methods are flat on :class:`aiotim.Client`."""

    __slots__ = ("_conv_queues", "_handlers", "_messages", "_routers", "handler_errors")

    def __init__(self, core: Core, messages: Messages) -> None:
        super().__init__(core)
        self._messages = messages
        self._handlers: list[_Registration] = []
        #: handler exceptions caught by serve() (logged with context), in all
        self.handler_errors = 0
        self._conv_queues: dict[object, deque[tuple[_Registration, Any]]] = {}
        self._routers: list[Includable] = []

    def wait_for(
        self,
        event: type[E] | str,
        *,
        check: Callable[[E], bool] | None = None,
        timeout: float | None = None,
    ) -> EventWaiter[E]:
        """The next event of a type (or setter name) for which ``check`` is true.

        It subscribes at the call, so an event that arrives between the call and the
        ``await`` is not missed::

            waiter = client.wait_for(aiotim.KickedOffline, timeout=10)
            ...
            await waiter

        Raises (when awaited):
            TimeoutError: nothing matched within ``timeout`` seconds.
        """
        return EventWaiter(self._core._stream(kind_for(event), check), timeout)

    def conversation(self, conv: C2C | Group) -> ConversationSession:
        """A conversation to drive: ``async with client.conversation(C2C("bob")) as c:
        reply = await c.ask("hi")``."""
        return ConversationSession(self._messages, check_address(conv))

    def on(
        self,
        event: type | str,
        *,
        conv: C2C | Group | None = None,
        sender: str | None = None,
        text: str | re.Pattern[str] | None = None,
        where: Callable[[Any], bool] | None = None,
    ) -> Callable[[Handler], Handler]:
        """Register ``async def handler(event)`` for an event type; run them with ``serve()``.

        ``conv``, ``sender`` and ``text`` filter messages; ``where`` any event.
        """
        kind = kind_for(event)
        is_message = CATALOG[kind].event is Message
        if not is_message and (conv is not None or sender is not None or text is not None):
            raise TypeError(
                "conv=, sender= and text= filter messages; use where= for "
                f"{CATALOG[kind].event.__name__}"
            )
        predicate = (
            message_filter(conv=conv, sender=sender, text=text, where=where)
            if is_message
            else where
        )

        def register(handler: Handler) -> Handler:
            check_handler(handler, "on()")
            self._handlers.append(_Registration(kind, handler, predicate))
            return handler

        return register

    def include(self, router: Includable) -> None:
        """Add a router's handlers (and those of the routers it includes) to what
        :meth:`serve` runs: ``client.include(router)``. See :class:`aiotim.Router`."""
        # (a non-Router is refused by the argument check every public method has: _argcheck)
        if any(r is router for r in self._routers):
            raise ValueError("this router is already included")
        self._routers.append(router)

    async def serve(self, *, max_concurrency: int = 64) -> None:
        """Run the registered handlers until the client closes (or this is cancelled).

        Handlers for one conversation run one at a time, in event order; different
        conversations run concurrently, at most ``max_concurrency`` handlers at once. A
        conversation's queue is freed when it is idle. A handler's exception is logged with
        its context and counted in ``handler_errors``; serving goes on.
        """
        regs = list(self._handlers)
        for router in self._routers:
            for kind, dispatch in router._bind(self._core).items():
                regs.append(_Registration(kind, dispatch, None))
        if not regs:
            raise RuntimeError(
                "no handlers: register some with @client.on(EventType), or include a router "
                "with client.include(router)"
            )
        limiter = anyio.CapacityLimiter(max_concurrency)
        queues: dict[object, deque[tuple[_Registration, Any]]] = {}
        self._conv_queues = queues  # introspection: conversations with work queued now
        by_kind: dict[str, list[_Registration]] = {}
        for reg in regs:
            by_kind.setdefault(reg.kind, []).append(reg)

        async def run_one(reg: _Registration, event: Any, key: object) -> None:
            async with limiter:
                try:
                    await reg.handler(event)
                except Exception:
                    self.handler_errors += 1
                    log.exception(
                        "aiotim: handler %s failed on %s (conversation %r)",
                        getattr(reg.handler, "__qualname__", reg.handler),
                        type(event).__name__,
                        key,
                    )

        async def drain_key(key: object) -> None:
            queue = queues[key]
            try:
                while queue:
                    reg, event = queue.popleft()
                    await run_one(reg, event, key)
            finally:
                del queues[key]  # idle: its state is freed

        async with anyio.create_task_group() as tg:

            async def route(kind: str, handlers: list[_Registration]) -> None:
                async with self._core._stream(kind) as stream:
                    async for event in stream:
                        for reg in handlers:
                            if reg.predicate is not None and not reg.predicate(event):
                                continue
                            key = conversation_key(event)
                            queue = queues.get(key)
                            if queue is None:
                                queue = queues[key] = deque()
                                queue.append((reg, event))
                                tg.start_soon(drain_key, key)
                            else:
                                queue.append((reg, event))

            for kind, handlers in by_kind.items():
                tg.start_soon(route, kind, handlers)


_SIGNAL_NAMES = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "SIGTERM"}


def run(
    main: Callable[..., Awaitable[T]],
    *args: object,
    backend: str = "asyncio",
    backend_options: dict[str, Any] | None = None,
) -> T:
    """Run ``await main(*args)`` on ``backend`` (``"asyncio"`` or ``"trio"``) until it returns,
    or until SIGINT (Ctrl-C) or SIGTERM: then ``main`` is cancelled — its ``async with`` blocks
    close the client and the cloud as usual — one line says so on stderr, and the process exits
    with status 128 + the signal's number (130 for Ctrl-C), with no traceback. A second signal
    while ``main`` cleans up ends the process at once, with one line too::

        aiotim.run(main)  # or aiotim.run(main, backend="trio")

    Returns:
        What ``main`` returned.

    Raises:
        SystemExit: after SIGINT or SIGTERM.
    """
    received: list[int] = []
    results: list[T] = []
    errors: list[Exception] = []
    # A signal the process ignores stays ignored (a shell starts background jobs with SIGINT
    # ignored), and every handler is put back as it was when run() returns: the backends' signal
    # receivers leave SIGINT at Python's default_int_handler, whatever it was before.
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    watched = [s for s, handler in saved.items() if handler is not signal.SIG_IGN]

    async def guarded() -> None:
        main_scope = anyio.CancelScope()
        with contextlib.ExitStack() as stack:
            # trio refuses a receiver of no signals: with both ignored, nothing is watched
            signals = stack.enter_context(anyio.open_signal_receiver(*watched)) if watched else None
            async with anyio.create_task_group() as tg:

                async def watch(signals: AsyncIterator[int]) -> None:
                    async for signum in signals:
                        if not received:  # the first: cancel main, let it clean up
                            received.append(signum)
                            main_scope.cancel()
                        else:  # a second one while main cleans up: stop at once
                            name = _SIGNAL_NAMES.get(signal.Signals(signum), f"signal {signum}")
                            print(f"aiotim: stopped at once by a second {name}", file=sys.stderr)
                            sys.stderr.flush()
                            os._exit(128 + signum)

                if signals is not None:
                    tg.start_soon(watch, signals)
                with main_scope:
                    try:
                        results.append(await main(*args))
                    except Exception as exc:  # raised as itself below, not in an exception group
                        errors.append(exc)
                tg.cancel_scope.cancel()

    try:
        anyio.run(guarded, backend=backend, backend_options=backend_options)
    except KeyboardInterrupt:  # before the signal receiver was in place, or after it
        received.append(signal.SIGINT)
    finally:
        for sig, handler in saved.items():
            if handler is not None:  # None: set from C, cannot be put back from Python
                signal.signal(sig, handler)
    if received:
        signum = received[0]
        name = _SIGNAL_NAMES.get(signal.Signals(signum), f"signal {signum}")
        print(f"aiotim: stopped by {name}", file=sys.stderr, flush=True)
        raise SystemExit(128 + signum)
    if errors:
        raise errors[0]
    return results[0]
