"""The TIM ABI as data, parsed from ``tim_abi.h`` (the single source of truth).

Pure Python, no cffi: the loopback cloud and the docs use it too. ``FUNCTIONS`` lists every
function prototype, ``CALLBACKS`` every callback typedef with its parameters, and
``CALLBACK_SETTERS`` maps each notification setter to the typedef it takes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

__all__ = [
    "CALLBACKS",
    "CALLBACK_SETTERS",
    "FUNCTIONS",
    "LOOPBACK_FUNCTIONS",
    "Callback",
    "Function",
    "Param",
    "ParamKind",
    "abi_header_text",
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
_TYPEDEF_RE = re.compile(r"^typedef\s+void\s*\(\*(\w+)\)\((.*)\);", re.M)
_PROTO_RE = re.compile(r"^((?:const\s+)?(?:enum\s+)?\w+\*?)\s+(\w+)\((.*)\);", re.M)
_INT_TYPES = {"int", "int32_t", "uint32_t", "int64_t", "uint64_t"}


def abi_header_text() -> str:
    """The text of ``tim_abi.h`` as shipped with the package."""
    return resources.files(__package__).joinpath("tim_abi.h").read_text(encoding="utf-8")


def loopback_header_text() -> str:
    """The text of ``loopback_ext.h``: the loopback SDK's extra exports."""
    path = resources.files(__package__).joinpath("loopback_ext.h")
    return path.read_text(encoding="utf-8")


def _split_param(text: str, callback_names: set[str]) -> Param:
    text = " ".join(text.replace("*", "* ").split())
    ctype, _, name = text.rpartition(" ")
    ctype = ctype.replace(" *", "*")
    base = ctype.removeprefix("const ").removeprefix("enum ")
    kind: ParamKind
    if name == "user_data" and base == "void*":
        kind = "user_data"
    elif base in callback_names:
        kind = "callback"
    elif ctype == "const char*":
        kind = "str"
    elif ctype == "char*":
        kind = "out"
    elif base == "bool":
        kind = "bool"
    elif base in _INT_TYPES or ctype.startswith("enum "):
        kind = "int"
    else:  # pragma: no cover - guarded by the conformance tests
        raise ValueError(f"tim_abi.h: unsupported parameter type {ctype!r} for {name!r}")
    return Param(ctype, name, kind)


def _params(text: str, callback_names: set[str]) -> tuple[Param, ...]:
    text = text.strip()
    if text in ("", "void"):
        return ()
    return tuple(_split_param(p, callback_names) for p in text.split(","))


def _parse(text: str) -> tuple[dict[str, Callback], dict[str, Function]]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    raw_typedefs = _TYPEDEF_RE.findall(text)
    names = {n for n, _ in raw_typedefs}
    callbacks = {
        n: Callback(n, _params(p, names), i) for i, (n, p) in enumerate(raw_typedefs)
    }
    body = _TYPEDEF_RE.sub("", text)
    functions = {
        name: Function(name, " ".join(restype.split()), _params(params, names))
        for restype, name, params in _PROTO_RE.findall(body)
    }
    return callbacks, functions


CALLBACKS, FUNCTIONS = _parse(abi_header_text())

#: Functions only the loopback SDK exports (benchmarks and tests), e.g. TIMLoopbackFirehose.
LOOPBACK_FUNCTIONS: dict[str, Function] = {
    name: Function(name, " ".join(restype.split()), _params(params, set(CALLBACKS)))
    for restype, name, params in _PROTO_RE.findall(
        re.sub(r"/\*.*?\*/", "", loopback_header_text(), flags=re.S))
}

#: setter name → callback typedef it registers (``TIMRemoveRecvNewMsgCallback`` excluded: it
#: removes, it does not notify).
CALLBACK_SETTERS: dict[str, Callback] = {
    f.name: CALLBACKS[f.callbacks[0].ctype]
    for f in FUNCTIONS.values()
    if f.is_setter and f.name != "TIMRemoveRecvNewMsgCallback"
}
