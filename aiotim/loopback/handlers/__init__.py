"""What the loopback cloud does for each TIM function, one module per domain.

Layers, lowest first: :mod:`._call` (the :class:`Call`, :class:`CallError`, the
:class:`HandlerTable` of a domain), :mod:`._reads` (read state, shared by two domains), the
domain modules (:mod:`.session`, :mod:`.messages`, :mod:`.conversations`, each with a
``HANDLERS`` table), and this registry, which merges them and dispatches.

``dispatch`` checks a ``C`` frame against the ABI, enforces login and the app's IM plan
(:mod:`aiotim.loopback.cloud.plan`: a function the plan does not include is refused with the
real code), and runs the handler of the function. A handler returns the ``json_params`` of a
successful ``TIMCommCallback`` (or ``None`` when it answered itself) and raises
:class:`CallError` for an error result. Functions without a handler are answered with 7013 and
"<name> is not supported by the loopback cloud", as PROTOCOL.md says.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from types import MappingProxyType, ModuleType

from aiotim._abi import FUNCTIONS
from aiotim.enums import TIMErrCode
from aiotim.loopback.cloud.app import App
from aiotim.loopback.cloud.connection import Connection
from aiotim.loopback.cloud.plan import refusal
from aiotim.loopback.cloud.protocol import Field
from aiotim.loopback.handlers import (
    community,
    conversations,
    friends,
    groups,
    media,
    messages,
    official,
    profiles,
    session,
    signaling,
    status,
)
from aiotim.loopback.handlers._call import Call, CallError, Handler, HandlerTable, check_args

__all__ = ["DOMAINS", "HANDLERS", "Call", "CallError", "dispatch", "served_functions"]

log = logging.getLogger("aiotim.loopback")
E = TIMErrCode

#: The domain modules, each with a ``HANDLERS`` table. A new domain is one entry here (and its
#: import above).
DOMAINS: tuple[ModuleType, ...] = (
    session,
    messages,
    conversations,
    groups,
    community,
    friends,
    profiles,
    status,
    signaling,
    official,
    media,
)


def _merge(tables: Iterable[HandlerTable]) -> tuple[dict[str, Handler], frozenset[str]]:
    handlers: dict[str, Handler] = {}
    without_login: set[str] = set()
    for table in tables:
        for name, handler in table.handlers.items():
            if name in handlers:
                raise RuntimeError(f"{name} has handlers in two domain modules")
            handlers[name] = handler
        without_login |= table.without_login
    return handlers, frozenset(without_login)


_HANDLERS, _NO_LOGIN = _merge(domain.HANDLERS for domain in DOMAINS)
#: Every handler, by TIM function name (read-only).
HANDLERS: Mapping[str, Handler] = MappingProxyType(_HANDLERS)


#: Every TIM function by its name as a call frame carries it (UTF-8), so that a call is routed
#: without decoding the name (the names are ASCII: a frame whose name does not match exactly
#: names no function, whatever it decodes to).
_BY_WIRE_NAME = {name.encode(): fn for name, fn in FUNCTIONS.items()}


def served_functions() -> frozenset[str]:
    """The TIM functions the loopback cloud has a handler for; the others are answered 7013."""
    return frozenset(_HANDLERS)


def _unsupported(name: str) -> str:
    # The loopback lacks it, not the real SDK: the desc says whose gap it is.
    return f"{name} is not supported by the loopback cloud"


def dispatch(app: App, conn: Connection, fields: list[Field]) -> None:
    """Handle one ``C`` frame: ``req_id``, function name, arguments."""
    if (
        len(fields) < 2
        or not isinstance(fields[0], int)
        or isinstance(fields[0], bool)
        or not isinstance(fields[1], bytes)
    ):
        log.warning("closing a loopback connection: malformed call frame")
        conn.close()
        return
    req_id = fields[0]
    fn = _BY_WIRE_NAME.get(fields[1])
    if fn is None:
        # Not a TIM function at all: answer like a TIMCommCallback so the SDK can fail it.
        name = fields[1].decode("utf-8", "replace")
        conn.result(req_id, [int(E.ERR_SDK_INTERFACE_NOT_SUPPORT), _unsupported(name), ""])
        return
    name = fn.name
    call = Call(app, conn, req_id, fn, fields[2:])
    problem = check_args(fn, call.args)
    if problem is not None:
        call.reply(E.ERR_INVALID_PARAMETERS, problem, "")
        return
    if conn.user is None and name not in _NO_LOGIN:
        call.reply(E.ERR_SDK_NOT_LOGGED_IN, "not logged in", "")
        return
    refused = refusal(name, app.plan)  # the app's IM edition does not include it
    if refused is not None:
        call.reply(*refused, "")
        return
    handler = _HANDLERS.get(name)
    if handler is None:
        call.reply(E.ERR_SDK_INTERFACE_NOT_SUPPORT, _unsupported(name), "")
        return
    try:
        result = handler(call)
    except CallError as exc:
        call.reply(exc.code, exc.desc, "")
    except Exception:
        log.exception("loopback cloud: %s failed", name)
        call.reply(E.ERR_SDK_INTERNAL_ERROR, f"{name}: internal error of the loopback cloud", "")
    else:
        if result is not None:
            call.reply(0, "", result)  # call.ok(result), one call less
