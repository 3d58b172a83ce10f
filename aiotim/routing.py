"""Routers: handlers grouped, included into a client, with commands whose arguments are typed.

::

    router = aiotim.Router()


    @router.command("add")
    async def add(msg: aiotim.Context, a: int, b: int) -> None:
        await msg.reply(str(a + b))


    client.include(router)
    await client.serve()

- ``router.command(name, *aliases)``: ``/add 1 2`` calls ``add(ctx, 1, 2)``: the arguments are
  split like a shell does (quotes group words) and converted to the parameters' annotations
  (``str``, ``int``, ``float``, ``bool``, an ``Enum``; a default makes one optional; ``*words:
  str`` takes the rest). Bad arguments get a usage reply (``usage: /add <a:int> <b:int>``) and
  the handler is not called.
- ``router.message(text=, sender=, conv=, where=)``: any message that passes the filters.
- ``router.on(EventType, where=)``: any other event: ``async def h(event)`` or
  ``async def h(event, ctx)``.
- ``router.middleware``: ``async def mw(ctx, call_next)`` around every handler of the router
  and of the routers it includes (outer routers' middleware first).
- ``router.error(ExcType)``: ``async def h(ctx, exc)`` for what a handler raised; the nearest
  router's matching error handler runs; with none, ``serve()`` logs and counts it.
- ``router.include(other)``: routers nest.

One event runs at most one handler of a router tree: commands first (in registration order,
depth first), then the other handlers in the same order; the first that matches handles it.
Every handler is checked when it is registered: not an ``async def`` → :class:`TypeError`, as
is a command parameter of a type that cannot be parsed.
"""

from __future__ import annotations

import enum
import inspect
import re
import shlex
import typing
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiotim.bot import Handler, check_handler
from aiotim.client import Client
from aiotim.domains.messages import check_address
from aiotim.events.catalog import CATALOG
from aiotim.events.filters import message_filter
from aiotim.events.wait import kind_for
from aiotim.models import C2C, Group, Message
from aiotim.models.message import Elem, Text

__all__ = ["ArgumentError", "CallNext", "Context", "Middleware", "Router"]

_MESSAGE_KIND = kind_for(Message)

#: what a middleware calls to run the rest of the chain (the handler last)
CallNext = Callable[[], Awaitable[None]]
#: ``async def middleware(ctx, call_next) -> None``
Middleware = Callable[["Context", CallNext], Awaitable[None]]
ErrorHandler = Callable[["Context", Any], Awaitable[object]]


class ArgumentError(ValueError):
    """A command's arguments did not fit its parameters; its text is what the user is told."""


class Context:
    """What a router's handler gets: the event, the client that received it, and for a message
    ``reply()`` / ``answer()``.

    Attributes:
        client: the :class:`aiotim.Client` that received the event.
        event: the event (a :class:`aiotim.Message` for message and command handlers).
        command: the command's name (``"add"`` for ``/add 1 2``), else ``None``.
        args: the command's argument text (``"1 2"``), else ``""``.
        data: free for middleware to pass values on to handlers.
    """

    __slots__ = ("args", "client", "command", "data", "event")

    def __init__(
        self, client: Client, event: object, *, command: str | None = None, args: str = ""
    ) -> None:
        self.client = client
        self.event = event
        self.command = command
        self.args = args
        self.data: dict[str, object] = {}

    def __repr__(self) -> str:
        return f"<Context {type(self.event).__name__} command={self.command!r}>"

    @property
    def message(self) -> Message:
        """The message (``TypeError`` when the event is not one)."""
        if not isinstance(self.event, Message):
            raise TypeError(f"this context holds a {type(self.event).__name__}, not a Message")
        return self.event

    @property
    def text(self) -> str | None:
        """The message's text (``None`` without a text element)."""
        return self.message.text

    @property
    def sender(self) -> str:
        """The message's sender."""
        return self.message.sender

    @property
    def conv(self) -> C2C | Group:
        """The message's conversation (``ValueError`` for a system message, which cannot be
        answered: :func:`aiotim.domains.messages.check_address`)."""
        return check_address(self.message.conv)

    async def reply(self, *content: str | Elem, quote: bool = False) -> Message:
        """Reply to the message, as a reply the UI kits show as one (``client.reply``;
        ``TIMMsgSendMessage``); a ``str`` is a text element."""
        return await self.client.messages.reply(self.message, *_elems(content), quote=quote)

    async def answer(self, *content: str | Elem) -> Message:
        """Send to the message's conversation, without a reply reference (``client.send``;
        ``TIMMsgSendMessage``); a ``str`` is a text element."""
        return await self.client.messages.send(self.conv, *_elems(content))


def _elems(content: Sequence[str | Elem]) -> list[Elem]:
    if not content:
        raise ValueError("nothing to send: give a str or elements")
    return [Text(c) if isinstance(c, str) else c for c in content]


# -- command arguments ------------------------------------------------------------------------

_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off"}


def _convert(kind: type, name: str, raw: str) -> object:
    if kind is str:
        return raw
    if kind is bool:
        low = raw.lower()
        if low in _TRUE or low in _FALSE:
            return low in _TRUE
        raise ArgumentError(f"{name} must be yes or no, got {raw!r}")
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ArgumentError(f"{name} must be a whole number, got {raw!r}") from None
    if kind is float:
        try:
            return float(raw)
        except ValueError:
            raise ArgumentError(f"{name} must be a number, got {raw!r}") from None
    assert issubclass(kind, enum.Enum)
    for member in kind:
        if raw.lower() in (member.name.lower(), str(member.value).lower()):
            return member
    choices = "|".join(m.name.lower() for m in kind)
    raise ArgumentError(f"{name} must be one of {choices}, got {raw!r}")


def _type_name(kind: type) -> str:
    if issubclass(kind, enum.Enum):
        return "|".join(m.name.lower() for m in kind)
    return kind.__name__


@dataclass(frozen=True, slots=True)
class _Param:
    name: str
    kind: type
    default: object  # inspect.Parameter.empty when required
    rest: bool  # *words


def _command_params(handler: Callable[..., Any], where: str) -> tuple[_Param, ...]:
    sig = inspect.signature(handler)
    try:
        hints = typing.get_type_hints(handler)
    except Exception as exc:  # an annotation that does not resolve
        raise TypeError(f"{where}: cannot read the annotations of {handler!r}: {exc}") from exc
    params = list(sig.parameters.values())
    if not params or params[0].kind not in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ):
        raise TypeError(f"{where}: the handler's first parameter receives the Context")
    out: list[_Param] = []
    for p in params[1:]:
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is not inspect.Parameter.empty:
            continue  # left to its default
        if p.kind not in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.VAR_POSITIONAL,
        ):
            raise TypeError(f"{where}: parameter {p.name} cannot be given in a command's text")
        kind = hints.get(p.name, str)
        if kind not in (str, int, float, bool) and not (
            isinstance(kind, type) and issubclass(kind, enum.Enum)
        ):
            raise TypeError(
                f"{where}: parameter {p.name}: {kind!r} cannot be parsed from text "
                "(use str, int, float, bool or an Enum)"
            )
        rest = p.kind is inspect.Parameter.VAR_POSITIONAL
        out.append(_Param(p.name, kind, p.default, rest))
    return tuple(out)


def _usage(prefix: str, name: str, params: tuple[_Param, ...]) -> str:
    parts = [f"{prefix}{name}"]
    for p in params:
        label = f"{p.name}:{_type_name(p.kind)}"
        if p.rest:
            parts.append(f"[{label}...]")
        elif p.default is inspect.Parameter.empty:
            parts.append(f"<{label}>")
        else:
            parts.append(f"[{label}]")
    return " ".join(parts)


def _parse(params: tuple[_Param, ...], text: str) -> list[object]:
    try:
        words = shlex.split(text)
    except ValueError as exc:  # an unclosed quote
        raise ArgumentError(f"cannot split the arguments: {exc}") from None
    values: list[object] = []
    for p in params:
        if p.rest:
            values.extend(_convert(p.kind, p.name, w) for w in words)
            words = []
        elif words:
            values.append(_convert(p.kind, p.name, words.pop(0)))
        elif p.default is inspect.Parameter.empty:
            raise ArgumentError(f"missing {p.name}")
        else:
            values.append(p.default)
    if words:
        raise ArgumentError(f"too many arguments: {' '.join(words)!r}")
    return values


# -- the router ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    router: Router
    handler: Callable[..., Awaitable[object]]
    kind: str
    predicate: Callable[[Any], bool] | None = None
    # commands
    names: tuple[str, ...] = ()
    prefix: str = "/"
    params: tuple[_Param, ...] = ()
    # event handlers: whether it takes the Context after the event
    wants_ctx: bool = False
    description: str = field(default="")


class Router:
    """A group of handlers: commands, messages, other events, their middleware and error
    handlers; routers include routers, and a client includes the root:
    ``client.include(router)``."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name or f"router@{id(self):x}"
        self._entries: list[_Entry] = []
        self._children: list[Router] = []
        self._parent: Router | None = None
        self._middleware: list[Middleware] = []
        self._errors: list[tuple[type[BaseException], ErrorHandler]] = []

    def __repr__(self) -> str:
        return f"<Router {self.name}: {len(self._entries)} handlers>"

    # -- registration ----------------------------------------------------------------------

    def command(
        self,
        name: str,
        *aliases: str,
        prefix: str = "/",
        description: str | None = None,
        where: Callable[[Message], bool] | None = None,
    ) -> Callable[[Callable[..., Awaitable[object]]], Callable[..., Awaitable[object]]]:
        """``@router.command("add")``: ``/add 1 2`` calls ``async def add(ctx, a: int,
        b: int)``; its docstring's first line (or ``description=``) is its help. With
        ``where=``, a message it refuses is left to the handlers after this one."""
        names = (name, *aliases)
        for n in names:
            if not isinstance(n, str) or not re.fullmatch(r"[^\s]+", n):
                raise ValueError(f"a command name is one word, got {n!r}")
        if not isinstance(prefix, str):
            raise TypeError("prefix= must be a str")

        def register(handler: Callable[..., Awaitable[object]]) -> Callable[..., Awaitable[object]]:
            place = f"command({name!r})"
            check_handler(handler, place)
            params = _command_params(handler, place)
            doc = description or (inspect.getdoc(handler) or "").partition("\n")[0]
            self._entries.append(
                _Entry(
                    self,
                    handler,
                    _MESSAGE_KIND,
                    where,
                    names=tuple(n.lower() for n in names),
                    prefix=prefix,
                    params=params,
                    description=doc,
                )
            )
            return handler

        return register

    def message(
        self,
        *,
        conv: C2C | Group | None = None,
        sender: str | None = None,
        text: str | re.Pattern[str] | None = None,
        where: Callable[[Message], bool] | None = None,
    ) -> Callable[[Callable[[Context], Awaitable[object]]], Callable[[Context], Awaitable[object]]]:
        """``@router.message(text=r"^hi")``: ``async def h(ctx)`` for the messages that pass
        the filters (``text`` a regular expression searched in the text)."""
        predicate = message_filter(conv=conv, sender=sender, text=text, where=where)

        def register(
            handler: Callable[[Context], Awaitable[object]],
        ) -> Callable[[Context], Awaitable[object]]:
            check_handler(handler, "message()")
            self._entries.append(_Entry(self, handler, _MESSAGE_KIND, predicate))
            return handler

        return register

    def on(
        self, event: type | str, *, where: Callable[[Any], bool] | None = None
    ) -> Callable[[Callable[..., Awaitable[object]]], Callable[..., Awaitable[object]]]:
        """``@router.on(aiotim.FriendRequestReceived)``: ``async def h(event)`` or
        ``async def h(event, ctx)`` for an event type (messages: use :meth:`message`)."""
        kind = kind_for(event)
        if CATALOG[kind].event is Message:
            raise TypeError("use @router.message(...) or @router.command(...) for messages")

        def register(handler: Callable[..., Awaitable[object]]) -> Callable[..., Awaitable[object]]:
            check_handler(handler, "on()")
            positional = [
                p
                for p in inspect.signature(handler).parameters.values()
                if p.kind
                in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                and p.default is inspect.Parameter.empty
            ]
            if len(positional) not in (1, 2):
                raise TypeError("on(): the handler takes (event) or (event, ctx)")
            self._entries.append(_Entry(self, handler, kind, where, wants_ctx=len(positional) == 2))
            return handler

        return register

    def middleware(self, mw: Middleware) -> Middleware:
        """``@router.middleware``: ``async def mw(ctx, call_next)`` around every handler of
        this router and of those it includes; not calling ``call_next()`` drops the event."""
        check_handler(mw, "middleware()")
        self._middleware.append(mw)
        return mw

    def error(
        self, exc_type: type[BaseException] = Exception
    ) -> Callable[[ErrorHandler], ErrorHandler]:
        """``@router.error(ValueError)``: ``async def h(ctx, exc)`` for what a handler of this
        router (or of one it includes) raised."""
        if not (isinstance(exc_type, type) and issubclass(exc_type, BaseException)):
            raise TypeError(f"error() needs an exception type, got {exc_type!r}")

        def register(handler: ErrorHandler) -> ErrorHandler:
            check_handler(handler, "error()")
            self._errors.append((exc_type, handler))
            return handler

        return register

    def include(self, router: Router) -> Router:
        """Nest ``router`` in this one (its handlers after this one's); returns it."""
        if not isinstance(router, Router):
            raise TypeError(f"include() needs a Router, got {type(router).__name__}")
        node: Router | None = self
        while node is not None:
            if node is router:
                raise ValueError("a router cannot include itself or one that includes it")
            node = node._parent
        if router._parent is not None:
            raise ValueError(f"{router.name} is already included in {router._parent.name}")
        router._parent = self
        self._children.append(router)
        return router

    # -- introspection ----------------------------------------------------------------------

    def commands(self) -> list[tuple[str, str]]:
        """``(usage, description)`` of every command in this router and those it includes."""
        return [
            (_usage(e.prefix, e.names[0], e.params), e.description) for e in self._walk() if e.names
        ]

    def help_text(self) -> str:
        """The commands, one per line: usage, then their description."""
        return "\n".join(f"{u} — {d}" if d else u for u, d in self.commands())

    def _walk(self) -> list[_Entry]:
        out = list(self._entries)
        for child in self._children:
            out.extend(child._walk())
        return out

    # -- dispatch -----------------------------------------------------------------------------

    def _bind(self, client: Any) -> dict[str, Handler]:
        """One dispatcher per event kind of this tree, for ``client`` (called by serve())."""
        entries = self._walk()
        by_kind: dict[str, list[_Entry]] = {}
        for e in sorted(entries, key=lambda e: not e.names):  # commands first, stable
            by_kind.setdefault(e.kind, []).append(e)

        def dispatcher(candidates: list[_Entry]) -> Handler:
            async def dispatch(event: Any) -> None:
                for entry in candidates:
                    ctx = _match(client, entry, event)
                    if ctx is not None:
                        await _run(entry, ctx)
                        return

            return dispatch

        return {kind: dispatcher(c) for kind, c in by_kind.items()}


def _match(client: Client, entry: _Entry, event: Any) -> Context | None:
    if entry.names:
        text = event.text if isinstance(event, Message) and not event.is_self else None
        if not text:
            return None
        text = text.strip()
        if not text.startswith(entry.prefix):
            return None
        head, _, rest = text[len(entry.prefix) :].partition(" ")
        head, _, _bot = head.partition("@")  # /add@botname
        if head.lower() not in entry.names:
            return None
        if entry.predicate is not None and not entry.predicate(event):
            return None
        return Context(client, event, command=head.lower(), args=rest.strip())
    if entry.predicate is not None and not entry.predicate(event):
        return None
    return Context(client, event)


async def _run(entry: _Entry, ctx: Context) -> None:
    async def call_handler() -> None:
        if entry.names:
            try:
                values = _parse(entry.params, ctx.args)
            except ArgumentError as exc:
                usage = _usage(entry.prefix, entry.names[0], entry.params)
                await ctx.answer(f"{exc}\nusage: {usage}")
                return
            await entry.handler(ctx, *values)
        elif entry.kind == _MESSAGE_KIND:
            await entry.handler(ctx)
        elif entry.wants_ctx:
            await entry.handler(ctx.event, ctx)
        else:
            await entry.handler(ctx.event)

    chain: list[Router] = []
    node: Router | None = entry.router
    while node is not None:
        chain.append(node)
        node = node._parent
    middleware = [mw for r in reversed(chain) for mw in r._middleware]

    async def step(i: int) -> None:
        if i == len(middleware):
            await call_handler()
        else:
            await middleware[i](ctx, lambda: step(i + 1))

    try:
        await step(0)
    except Exception as exc:
        for router in chain:  # the nearest router first
            for exc_type, on_error in router._errors:
                if isinstance(exc, exc_type):
                    await on_error(ctx, exc)
                    return
        raise
