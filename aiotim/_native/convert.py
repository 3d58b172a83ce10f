"""Python values -> C arguments: the checks every call makes, written once.

Used by the bridge's generic conversion and by the fast starters generated into
:mod:`aiotim._native.starters` (``scripts/gen_starters.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from aiotim._abi import FUNCTIONS, LOOPBACK_FUNCTIONS
from aiotim._backends import Slot
from aiotim._native._ffi import NULL, ffi
from aiotim._native.pending import PendingCalls

__all__ = [
    "FastStart",
    "OutStart",
    "StarterHost",
    "arity_error",
    "bad_int",
    "c_bool",
    "c_int",
    "c_str",
    "int_error",
]

#: Starts a fast call: (args, the running backend's slot factory) -> (call id, its slot, which
#: receives the callback's ``(code, desc, json)``).
FastStart = Callable[[Sequence[Any], Callable[[], Slot]], tuple[int, Slot]]
#: Starts a single-shot call with one output buffer: (args, slot factory) -> (call id, its
#: slot, the buffer's text).
OutStart = Callable[[Sequence[Any], Callable[[], Slot]], tuple[int, Slot, str]]


class StarterHost(Protocol):
    """What a fast starter needs of its bridge."""

    closed: bool
    pending: PendingCalls
    #: the relay's TIMCommCallback trampoline, cast once
    comm_tramp: Any
    #: ``user_data`` of the relay with token 0 (a call's is this | its id)
    ud_base: int


def c_str(value: object, function: str, name: str) -> Any:
    """``value`` (``str``, ``bytes``-like or ``None``) as a C string argument."""
    if value is None:
        return NULL
    if isinstance(value, str):
        try:
            data = value.encode("utf-8")
        except UnicodeEncodeError as exc:
            # not the value, nor the UnicodeEncodeError (its args hold the whole string, which
            # may be a secret: a UserSig); only where it fails
            raise ValueError(
                f"{function}: argument {name!r} is not valid UTF-8 text "
                f"(a lone surrogate at index {exc.start})"
            ) from None
    elif isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
    else:
        raise TypeError(
            f"{function}: argument {name!r} must be a str or bytes, got {type(value).__name__}"
        )
    if b"\0" in data:
        raise ValueError(f"{function}: argument {name!r} contains a NUL character")
    return data


def bad_int(function: str, name: str, value: object = None) -> TypeError:
    """The error for a non-int integer argument."""
    got = "" if value is None else f", got {type(value).__name__}"
    return TypeError(f"{function}: argument {name!r} must be an int{got}")


_RANGES: dict[str, tuple[int, int]] = {}


def int_range(ctype: str) -> tuple[int, int]:
    """The values a C integer type (``uint32_t``, ``enum TIMConvType``, ...) holds."""
    found = _RANGES.get(ctype)
    if found is None:
        bits = 8 * ffi.sizeof(ctype)
        signed = int(ffi.cast(ctype, -1)) < 0
        found = _RANGES[ctype] = (
            (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        )
    return found


def c_int(value: object, function: str, name: str, ctype: str) -> int:
    """``value`` as a C integer argument of type ``ctype``: an ``int`` (not a ``bool``) in its
    range."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_int(function, name, value)
    lo, hi = int_range(ctype)
    if not lo <= value <= hi:
        raise ValueError(
            f"{function}: argument {name!r} ({ctype}) must be in [{lo}, {hi}], got {value}"
        )
    return int(value)


def c_bool(value: object, function: str, name: str) -> bool:
    """``value`` as a C ``bool`` argument: a ``bool`` (or the int 0 or 1)."""
    if value is True or value is False:
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise TypeError(f"{function}: argument {name!r} must be a bool, got {type(value).__name__}")


def int_error(function: str, args: Sequence[Any]) -> ValueError | TypeError:
    """The error of a call whose C conversion overflowed: the first int argument out of its
    C type's range, named (the fast starters check the type only, cffi the range)."""
    fn = FUNCTIONS.get(function) or LOOPBACK_FUNCTIONS[function]
    passed = [p for p in fn.params if p.kind in ("str", "int", "bool")]
    for param, value in zip(passed, args, strict=False):
        if param.kind == "int":
            try:
                c_int(value, function, param.name, param.ctype)
            except (TypeError, ValueError) as exc:
                return exc
    return ValueError(f"{function}: an integer argument is out of range")


def arity_error(function: str, names: Sequence[str], got: int) -> TypeError:
    """The error for a wrong number of arguments."""
    return TypeError(f"{function} takes {len(names)} arguments ({', '.join(names)}), got {got}")
