"""Python values -> C arguments: the checks every call makes, written once.

Used by the bridge's generic conversion and by the fast starters generated into
:mod:`aiotim._native.starters` (``scripts/gen_starters.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from aiotim._backends import Slot
from aiotim._native._ffi import NULL
from aiotim._native.pending import PendingCalls

__all__ = ["FastStart", "StarterHost", "arity_error", "bad_int", "c_str"]

#: Starts a fast call: (args, the running backend's slot factory) -> (call id, its slot, which
#: receives the callback's ``(code, desc, json)``).
FastStart = Callable[[Sequence[Any], Callable[[], Slot]], tuple[int, Slot]]


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
        data = value.encode("utf-8")
    elif isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
    else:
        raise TypeError(
            f"{function}: argument {name!r} must be a str or bytes, got {type(value).__name__}"
        )
    if b"\0" in data:
        raise ValueError(f"{function}: argument {name!r} contains a NUL character")
    return data


def bad_int(function: str, name: str) -> TypeError:
    """The error for a non-int integer argument."""
    return TypeError(f"{function}: argument {name!r} must be an int")


def arity_error(function: str, names: Sequence[str], got: int) -> TypeError:
    """The error for a wrong number of arguments."""
    return TypeError(f"{function} takes {len(names)} arguments ({', '.join(names)}), got {got}")
