"""Finding 5 (issue 13): ``call_raw`` checks every argument against the C prototype.

Before: an ``int`` given for a ``char*`` parameter became ``bytes(int)`` (``0`` was sent as ``""``,
``3`` reported a NUL, ``2**36`` raised ``MemoryError``); an int out of its C type's range raised
cffi's ``OverflowError`` naming nothing; a ``bool`` parameter took any object (``"false"`` was
true); a string with a lone surrogate raised a ``UnicodeEncodeError`` holding the whole string.
Now every wrong argument of every function of the ABI (fast starters and the generic path alike)
raises a ``TypeError``/``ValueError`` that names the C function and the parameter, before any C
call.
"""

from __future__ import annotations

from typing import Any

import pytest

from aiotim._abi import FUNCTIONS, LOOPBACK_FUNCTIONS, Function
from aiotim._native.convert import c_bool, c_int, c_str, int_range
from tests.helpers import cloud_and_clients

pytestmark = pytest.mark.anyio

_ALL = {**FUNCTIONS, **LOOPBACK_FUNCTIONS}
_VALID = {"str": "", "int": 0, "bool": False}
#: wrong values per parameter kind: (value, the exception expected)
_WRONG: dict[str, list[tuple[Any, type[Exception]]]] = {
    "str": [
        (0, TypeError),
        (3, TypeError),
        (2**36, TypeError),
        (1.5, TypeError),
        ([], TypeError),
        ("a\0b", ValueError),
        ("sig\ud800tail", ValueError),
    ],
    "int": [
        ("x", TypeError),
        ("0", TypeError),
        (1.5, TypeError),
        (True, TypeError),
        (None, TypeError),
        (2**64, ValueError),
        (-(2**70), ValueError),
    ],
    "bool": [("false", TypeError), (2, TypeError), (None, TypeError), (1.0, TypeError)],
}


def _passed(fn: Function) -> list[tuple[str, str, str]]:
    return [(p.kind, p.name, p.ctype) for p in fn.params if p.kind in _VALID]


def _cases() -> list[tuple[str, int, Any, type[Exception]]]:
    cases = []
    for name, fn in sorted(_ALL.items()):
        params = _passed(fn)
        for i, (kind, _, ctype) in enumerate(params):
            wrong = list(_WRONG[kind])
            if kind == "int":
                lo, hi = int_range(ctype)
                wrong += [(lo - 1, ValueError), (hi + 1, ValueError)]
            cases += [(name, i, value, exc) for value, exc in wrong]
    return cases


CASES = _cases()


def test_every_parameter_is_covered() -> None:
    """Every str/int/bool parameter of the ABI (and the loopback's extension) gets wrong values."""
    covered = {(name, i) for name, i, _, _ in CASES}
    expected = {(name, i) for name, fn in _ALL.items() for i in range(len(_passed(fn)))}
    assert covered == expected
    assert len(expected) > 250


async def test_wrong_arguments_name_function_and_parameter() -> None:
    """Each wrong argument of each function raises TypeError/ValueError naming both, before the
    C call (nothing is sent: the client is not even logged in), and never leaks the value."""
    async with cloud_and_clients() as (cloud, _), cloud.client() as client:
        failures = []
        for name, i, value, exc in CASES:
            fn = _ALL[name]
            params = _passed(fn)
            args = [_VALID[kind] for kind, _, _ in params]
            args[i] = value
            try:
                await client.call_raw(name, *args)
            except (TypeError, ValueError) as e:
                text = str(e)
                if (
                    type(e) is not exc
                    or name not in text
                    or repr(params[i][1]) not in text
                    or "\ud800" in repr(e.args)
                    or isinstance(e, UnicodeError)
                ):
                    failures.append((name, params[i][1], value, repr(e)))
            except BaseException as e:
                failures.append((name, params[i][1], value, repr(e)))
            else:
                failures.append((name, params[i][1], value, "no error"))
        assert failures == [], failures[:10]


async def test_the_reported_cases() -> None:
    """The issue's reproductions: 0, 3 and 2**36 for a char* parameter are TypeErrors."""
    async with cloud_and_clients("alice") as (_, (alice,)):
        for value in (0, 3, 2**36):
            with pytest.raises(TypeError, match=r"TIMProfileGetUserProfileList.*json_get_user"):
                await alice.call_raw("TIMProfileGetUserProfileList", value)
        # the generic path (an output buffer): an int out of the enum's range, a bad bool
        with pytest.raises(ValueError, match="TIMMsgSendMessage: argument 'conv_type'"):
            await alice.call_raw("TIMMsgSendMessage", "bob", 2**40, b"{}")
        with pytest.raises(TypeError, match="TIMSignalingInvite: argument 'online_user_only'"):
            await alice.call_raw("TIMSignalingInvite", "bob", "", "no", None, 30)
        # and good calls still work on both paths
        assert isinstance(await alice.call_raw("TIMConvGetConvList"), list)


def test_converters() -> None:
    """The converters themselves: ranges from the C types, bools strict, str/bytes/None."""
    assert int_range("uint32_t") == (0, 2**32 - 1)
    assert int_range("int") == (-(2**31), 2**31 - 1)
    assert int_range("uint64_t") == (0, 2**64 - 1)
    assert c_int(7, "F", "p", "uint32_t") == 7
    assert c_bool(1, "F", "p") is True
    assert c_bool(False, "F", "p") is False
    assert c_str("é", "F", "p") == "é".encode()
    assert c_str(b"x", "F", "p") == b"x"
    with pytest.raises(ValueError, match=r"F: argument 'p' is not valid UTF-8") as info:
        c_str("secret\udcffsecret", "F", "p")
    assert "secret" not in repr(info.value) and info.value.__cause__ is None
    assert info.value.__suppress_context__
