"""What a handler works with: the :class:`Call` being handled, :class:`CallError`, and the
:class:`HandlerTable` in which each domain module declares its handlers.

The lowest module of :mod:`aiotim.loopback.handlers`: it knows the ABI, the
:class:`~aiotim.loopback.cloud.app.App` and the
:class:`~aiotim.loopback.cloud.connection.Connection` a call came on, and nothing of the domains.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson

from aiotim._abi import CALLBACKS, FUNCTIONS, Function
from aiotim.enums import TIMErrCode
from aiotim.loopback.cloud.app import App
from aiotim.loopback.cloud.connection import Connection
from aiotim.loopback.cloud.protocol import Field

__all__ = ["Call", "CallError", "Handler", "HandlerTable", "check_args"]

E = TIMErrCode


class CallError(Exception):
    """Raised by a handler to answer its call with error ``code`` and ``desc``."""

    def __init__(self, code: int, desc: str) -> None:
        super().__init__(code, desc)
        self.code = int(code)
        self.desc = desc


@dataclass(slots=True)
class Call:
    """One ``C`` frame being handled."""

    app: App
    conn: Connection
    req_id: int
    fn: Function
    args: list[Field]

    @property
    def user(self) -> str:
        """The logged-in user (handlers other than login/logout run only when there is one)."""
        user = self.conn.user
        assert user is not None
        return user

    def text(self, index: int, *, required: bool = True) -> str:
        """Argument ``index`` (a ``const char*``) as text; NULL is ``""`` unless required."""
        value = self.args[index]
        if value is None:
            if required:
                name = self._params()[index].name
                raise CallError(E.ERR_INVALID_PARAMETERS, f"{self.fn.name}: {name} is NULL")
            return ""
        assert isinstance(value, bytes)
        try:
            return value.decode()
        except UnicodeDecodeError:
            name = self._params()[index].name
            raise CallError(
                E.ERR_INVALID_PARAMETERS, f"{self.fn.name}: {name} is not valid UTF-8"
            ) from None

    def integer(self, index: int) -> int:
        """Argument ``index`` (an integer or enum)."""
        value = self.args[index]
        assert isinstance(value, int)
        return int(value)

    def json(self, index: int) -> Any:
        """Argument ``index`` parsed as JSON (NULL or empty is ``None``)."""
        value = self.args[index]
        if not value:
            return None
        try:
            return orjson.loads(value)  # type: ignore[arg-type]
        except orjson.JSONDecodeError:
            name = self._params()[index].name
            raise CallError(E.ERR_INVALID_JSON, f"{self.fn.name}: {name} is not JSON") from None

    def _params(self) -> list[Any]:
        return [p for p in self.fn.params if p.kind not in ("callback", "user_data")]

    def reply(self, code: int, desc: str, json_params: str | bytes) -> None:
        """Answer with the function's final ``TIMCommCallback`` (defaults for other typedefs)."""
        final = _final_callback(self.fn)
        if final is None:
            return
        slot, defaults = final
        fields: list[Field | str] = [code, desc, json_params] if defaults is None else defaults
        # Holding no conversation or unread state, it may wait behind the read's updates.
        may_wait = not json_params or self.fn.name in _SENT_MESSAGE_RESULTS
        self.conn.result(self.req_id, fields, slot=slot, final=True, may_wait=may_wait)

    def ok(self, json_params: str | bytes = "") -> None:
        """Answer with success."""
        self.reply(0, "", json_params)


#: The functions whose result is the message just sent: it holds no conversation or unread
#: state (Connection.result's ``may_wait``); a later change to the message itself (revoke,
#: modify, receipts) reaches the sender as an event or a result of its own, which never waits.
#: (TIMMsgSendNewMsgEx answers with its two callbacks itself, both ``may_wait``.)
_SENT_MESSAGE_RESULTS = frozenset({"TIMMsgSendMessage", "TIMMsgSendNewMsg"})

#: function name -> its last callback's slot and, when that typedef is not TIMCommCallback, the
#: values a failure carries (empty values, "finished", as the SDK's local failures); None for
#: a function without callbacks
_FINAL_CALLBACKS: dict[str, tuple[int, list[Field | str] | None] | None] = {}


def _final_callback(fn: Function) -> tuple[int, list[Field | str] | None] | None:
    try:
        return _FINAL_CALLBACKS[fn.name]
    except KeyError:
        pass
    callbacks = fn.callbacks
    found: tuple[int, list[Field | str] | None] | None = None
    if callbacks:
        slot = len(callbacks) - 1
        typedef = CALLBACKS[callbacks[slot].ctype]
        defaults: list[Field | str] | None = None
        if typedef.name != "TIMCommCallback":
            defaults = [
                b"" if p.kind == "str" else True if p.kind == "bool" else 0 for p in typedef.args
            ]
        found = (slot, defaults)
    _FINAL_CALLBACKS[fn.name] = found
    return found


#: A handler returns the ``json_params`` of a successful ``TIMCommCallback``, or ``None`` when it
#: answered itself (several callbacks, or a typedef that is not ``TIMCommCallback``).
Handler = Callable[[Call], "str | bytes | None"]
H = TypeVar("H", bound=Handler)


class HandlerTable:
    """One domain module's handlers, by TIM function name.

    Each domain module has one, named ``HANDLERS``, and declares its handlers with it::

        HANDLERS = HandlerTable()

        @HANDLERS.on("TIMConvGetConvList")
        def _conv_list(call: Call) -> bytes: ...
    """

    def __init__(self) -> None:
        #: The handler of each function.
        self.handlers: dict[str, Handler] = {}
        #: The functions that are served without a logged-in user.
        self.without_login: set[str] = set()

    def on(self, name: str, *, needs_login: bool = True) -> Callable[[H], H]:
        """Register the decorated function as the handler of the TIM function ``name``.

        Args:
            needs_login: ``False`` for the few functions served before login (``TIMLogin``);
                the others are answered with 6014 until the connection is logged in.

        Raises:
            ValueError: ``name`` is not a function of the TIM ABI, or has a handler already.
        """
        if name not in FUNCTIONS:
            raise ValueError(f"{name!r} is not a function of the TIM ABI")
        if name in self.handlers:
            raise ValueError(f"{name} has a handler already")

        def register(fn: H) -> H:
            self.handlers[name] = fn
            if not needs_login:
                self.without_login.add(name)
            return fn

        return register


#: function name -> (kind, name) of each parameter a C frame carries
_FRAME_PARAMS: dict[str, tuple[tuple[str, str], ...]] = {}
#: function name -> the classes of the fields of the frames that fitted: whether fields fit
#: depends on their classes only, so a call like an earlier one is checked with one lookup
#: (every call goes through here)
_FITTED: dict[str, set[tuple[type, ...]]] = {}


def check_args(fn: Function, args: list[Field]) -> str | None:
    """Why ``args`` do not fit the parameters of ``fn`` (their number, their field types), or
    ``None`` when they do."""
    classes = tuple(map(type, args))
    fitted = _FITTED.get(fn.name)
    if fitted is not None and classes in fitted:
        return None
    params = _FRAME_PARAMS.get(fn.name)
    if params is None:
        params = _FRAME_PARAMS[fn.name] = tuple(
            (p.kind, p.name) for p in fn.params if p.kind not in ("callback", "user_data")
        )
    if len(args) != len(params):
        return f"{fn.name} takes {len(params)} parameters, the frame has {len(args)}"
    for (kind, name), cls in zip(params, classes, strict=True):
        if kind in ("str", "out"):
            good = cls is type(None) or issubclass(cls, bytes)
        elif kind == "bool":
            good = cls is bool
        else:
            good = cls is not bool and issubclass(cls, int)
        if not good:
            return f"{fn.name}: parameter {name} has the wrong field type"
    _FITTED.setdefault(fn.name, set()).add(classes)
    return None


_R = TypeVar("_R")


def saving(save: Callable[[App], None]) -> Callable[[Callable[[Call], _R]], Callable[[Call], _R]]:
    """A handler decorator: ``save(app)`` after the handler (whether it succeeded or not), with
    the cloud's ``db=``; in memory nothing is kept, so nothing is done."""

    def wrap(fn: Callable[[Call], _R]) -> Callable[[Call], _R]:
        @functools.wraps(fn)
        def handler(call: Call) -> _R:
            try:
                return fn(call)
            finally:
                if call.app.store.persistent:
                    save(call.app)

        return handler

    return wrap
