"""The TIM ABI as data, parsed from ``tim_abi.h`` (the single source of truth).

The bottom layer, a leaf: stdlib only, no cffi, nothing compiled, no import from aiotim outside
this folder (only relative imports), and the headers are found from ``__file__``, so the
generators in ``scripts/`` load this folder standalone on a fresh clone, before any build
(``scripts/_abi.py``). ``FUNCTIONS`` lists every function prototype, ``CALLBACKS`` every
callback typedef with its parameters, and ``CALLBACK_SETTERS`` maps each notification setter to
the typedef it takes; all come from :mod:`.parse`, the one parser of TIM headers (the
conformance test reads the vendor's headers with it too).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .parse import CParam, HeaderSet, Signature, parse_text

__all__ = [
    "CALLBACKS",
    "CALLBACK_SETTERS",
    "FUNCTIONS",
    "HEADER",
    "LOOPBACK_FUNCTIONS",
    "Callback",
    "Function",
    "Param",
    "ParamKind",
    "abi_header_text",
    "loopback_header_text",
]

#: How a C parameter crosses the relay and the loopback wire:
#: ``str`` (const char*), ``int`` (integers and enums), ``bool``, ``out`` (a caller-allocated
#: ``char*`` buffer), ``callback`` (a callback pointer), ``user_data``.
ParamKind = Literal["str", "int", "bool", "out", "callback", "user_data"]


@dataclass(frozen=True, slots=True)
class Param:
    """One C parameter: its declared C type, its name and how it crosses the relay."""

    ctype: str
    name: str
    kind: ParamKind


@dataclass(frozen=True, slots=True)
class Callback:
    """A callback typedef: ``typedef void (*name)(params...)``; ``index`` is its relay kind."""

    name: str
    params: tuple[Param, ...]
    index: int

    @property
    def args(self) -> tuple[Param, ...]:
        """The parameters the SDK passes, without ``user_data``."""
        return tuple(p for p in self.params if p.kind != "user_data")


@dataclass(frozen=True, slots=True)
class Function:
    """A function prototype of the ABI."""

    name: str
    restype: str
    params: tuple[Param, ...]

    @property
    def callbacks(self) -> tuple[Param, ...]:
        """The callback parameters, in order (most functions have one, a few two, some none)."""
        return tuple(p for p in self.params if p.kind == "callback")

    @property
    def is_setter(self) -> bool:
        """True for the notification setters (``TIMSet*Callback``, ``TIM*RecvNewMsgCallback``)."""
        return _SETTER_RE.match(self.name) is not None


_SETTER_RE = re.compile(r"^TIM(Set\w+Callback|AddRecvNewMsgCallback|RemoveRecvNewMsgCallback)$")
_INT_TYPES = frozenset({"int", "int32_t", "uint32_t", "int64_t", "uint64_t"})
_HERE = Path(__file__).resolve().parent


def abi_header_text() -> str:
    """The text of ``tim_abi.h`` as shipped with the package."""
    return (_HERE / "tim_abi.h").read_text(encoding="utf-8")


def loopback_header_text() -> str:
    """The text of ``loopback_ext.h``: the loopback SDK's extra exports."""
    return (_HERE / "loopback_ext.h").read_text(encoding="utf-8")


def _c_type(ctype: str, enums: Collection[str]) -> str:
    """The C spelling of a parsed type: the parser drops ``enum`` tags (C++ headers omit them),
    but tim_abi.h is C, where an enum type is written with its tag, and the generators write C."""
    return f"enum {ctype}" if ctype in enums else ctype


def _param(p: CParam, callbacks: Collection[str], enums: Collection[str]) -> Param:
    base = p.ctype.removeprefix("const ")
    kind: ParamKind
    if p.name == "user_data" and base == "void*":
        kind = "user_data"
    elif base in callbacks:
        kind = "callback"
    elif p.ctype == "const char*":
        kind = "str"
    elif p.ctype == "char*":
        kind = "out"
    elif base == "bool":
        kind = "bool"
    elif base in _INT_TYPES or base in enums:
        kind = "int"
    else:  # pragma: no cover - guarded by the conformance tests
        raise ValueError(f"tim_abi.h: unsupported parameter type {p.ctype!r} for {p.name!r}")
    return Param(_c_type(p.ctype, enums), p.name, kind)


def _function(sig: Signature, callbacks: Collection[str], enums: Collection[str]) -> Function:
    params = tuple(_param(p, callbacks, enums) for p in sig.params)
    return Function(sig.name, _c_type(sig.restype, enums), params)


#: ``tim_abi.h`` parsed (prototypes, callback typedefs and the enums its signatures use).
HEADER: HeaderSet = parse_text(abi_header_text(), "tim_abi.h")

#: callback typedef name → :class:`Callback`, in header order (``index`` is the position).
CALLBACKS: dict[str, Callback] = {
    sig.name: Callback(
        sig.name, tuple(_param(p, HEADER.typedefs, HEADER.enums) for p in sig.params), i
    )
    for i, sig in enumerate(HEADER.typedefs.values())
}

#: function name → :class:`Function`, every prototype of ``tim_abi.h`` in header order.
FUNCTIONS: dict[str, Function] = {
    sig.name: _function(sig, CALLBACKS, HEADER.enums) for sig in HEADER.functions.values()
}

#: Functions only the loopback SDK exports (benchmarks and tests), e.g. TIMLoopbackFirehose.
LOOPBACK_FUNCTIONS: dict[str, Function] = {
    sig.name: _function(sig, CALLBACKS, HEADER.enums)
    for sig in parse_text(loopback_header_text(), "loopback_ext.h").functions.values()
}

#: setter name → callback typedef it registers (``TIMRemoveRecvNewMsgCallback`` excluded: it
#: removes, it does not notify).
CALLBACK_SETTERS: dict[str, Callback] = {
    f.name: CALLBACKS[f.callbacks[0].ctype]
    for f in FUNCTIONS.values()
    if f.is_setter and f.name != "TIMRemoveRecvNewMsgCallback"
}
