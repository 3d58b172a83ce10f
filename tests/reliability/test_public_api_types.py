"""Finding 5 (issue 13): every public method checks its arguments' types and names the parameter.

Before: ``client.get_history(conv, before="x")`` raised ``AttributeError`` (``'str' object has no
attribute 'raw'``) from inside the method, other methods sent a wrong value on to the SDK. Now
each public method of each namespace (and the client's flat shortcuts, which are those methods)
checks its arguments against its annotations first (``aiotim/domains/_argcheck.py``): a wrong
type is a ``TypeError``, a value outside an enum or a ``Literal`` a ``ValueError``, both naming the
method and the parameter. This walks every public method and every parameter with values of
obviously wrong types.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import aiotim
from aiotim.domains._argcheck import check_arguments
from aiotim.domains._base import Shortcut
from tests.helpers import cloud_and_clients
from tests.reliability._api import NAMESPACES, Method, example, methods, wrong_values

pytestmark = pytest.mark.anyio

METHODS = methods()


def _cases() -> list[tuple[Method, int, Any]]:
    """(method, index of the parameter to break, the wrong value)."""
    out = []
    for m in METHODS:
        for i, p in enumerate(m.params):
            if p.kind is p.VAR_KEYWORD:
                continue
            out += [(m, i, v) for v in wrong_values(m.hints[p.name])]
    return out


CASES = _cases()


def _call_args(m: Method, i: int, value: Any) -> tuple[list[Any], dict[str, Any]]:
    """Valid arguments up to parameter ``i``, then ``value`` for it."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    target = m.params[i]
    if target.kind is target.KEYWORD_ONLY:
        kwargs[target.name] = value
    for p in m.params[: i + 1] if target.kind is not target.KEYWORD_ONLY else m.params:
        if p.kind is p.KEYWORD_ONLY or p.kind is p.VAR_KEYWORD:
            continue
        if p is target:
            args.append(value)
        else:  # a valid value for each earlier parameter (defaulted or not)
            args.append(example(m.hints[p.name]))
    for p in m.params:  # required keyword-only parameters besides the target
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty and p is not target:
            kwargs.setdefault(p.name, example(m.hints[p.name]))
    return args, kwargs


def test_every_public_method_is_checked() -> None:
    """Every public method of the 9 namespaces is wrapped in its check, every parameter annotated
    gets wrong values (more than 200 methods)."""
    assert len(NAMESPACES) >= 9
    assert len(METHODS) > 200
    for m in METHODS:
        wrapped = vars(NAMESPACES[m.namespace])[m.name]
        assert getattr(wrapped, "__wrapped__", None) is m.fn, m.qualname
        assert inspect.iscoroutinefunction(wrapped) == inspect.iscoroutinefunction(m.fn)
        for p in m.params:
            assert p.kind is p.VAR_KEYWORD or p.name in m.hints, (m.qualname, p.name)
    params = {(m.qualname, p.name) for m, i, _ in CASES for p in [m.params[i]]}
    every = {
        (m.qualname, p.name)
        for m in METHODS
        for p in m.params
        if p.kind is not p.VAR_KEYWORD and wrong_values(m.hints[p.name])
    }
    assert params == every
    assert len(params) > 400


async def test_wrong_types_name_method_and_parameter() -> None:
    """Each wrong value of each parameter of each method raises TypeError/ValueError naming
    the method and the parameter — never AttributeError, MemoryError, a TIMError from the
    cloud or a crash (the client is logged in: a call that got through would reach the cloud)."""
    async with cloud_and_clients("alice") as (_, (alice,)):
        failures = []
        for m, i, value in CASES:
            method = getattr(getattr(alice, m.namespace), m.name)
            args, kwargs = _call_args(m, i, value)
            name = m.params[i].name
            try:
                result = method(*args, **kwargs)
                if inspect.isawaitable(result):
                    await result
            except (TypeError, ValueError) as e:
                text = str(e)
                expected = (
                    f"*args[{len(args) - i - 1}]"
                    if m.params[i].kind is m.params[i].VAR_POSITIONAL
                    else repr(name)
                )
                if f"{m.qualname}()" not in text or expected not in text:
                    failures.append((m.qualname, name, value, repr(e)))
            except BaseException as e:
                failures.append((m.qualname, name, value, repr(e)))
            else:
                failures.append((m.qualname, name, value, f"no error: {result!r}"))
        assert failures == [], f"{len(failures)} failures: {failures[:15]}"


async def test_the_reported_case_and_the_shortcuts() -> None:
    """``get_history(before="x")`` is a TypeError naming history() and ``before``; each flat
    shortcut of the client is its namespace's checked method."""
    async with cloud_and_clients("alice") as (_, (alice,)):
        with pytest.raises(TypeError, match=r"Messages\.history\(\): argument 'before'"):
            await alice.get_history(aiotim.C2C("bob"), before="x")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"send_text\(\): argument 'text' must be str"):
            await alice.send_text(aiotim.C2C("bob"), 5)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"send_text\(\): argument 'conv' must be C2C"):
            await alice.send_text("bob", "hi")  # type: ignore[arg-type]
        shortcuts = 0
        for name, attr in vars(aiotim.Client).items():
            if isinstance(attr, Shortcut) and attr._namespace in NAMESPACES:
                bound = getattr(alice, name)
                assert bound.__func__ is vars(NAMESPACES[attr._namespace])[attr._name]
                shortcuts += 1
        assert shortcuts >= 20
        # right types still pass
        sent = await alice.send_text(aiotim.C2C("bob"), "hi")
        assert [m.id for m in await alice.get_history(aiotim.C2C("bob"), before=None)] == [sent.id]


def test_enum_and_literal_values() -> None:
    """An int outside an IntEnum or a str outside a Literal is a ValueError naming the parameter;
    members, their int values and None (when allowed) pass."""

    async def f(
        self: object,
        role: aiotim.GroupMemberRole | None = None,
        overflow: Any = "x",
        items: list[int] | None = None,
        mapping: dict[str, int] | None = None,
    ) -> None:
        """A method."""

    check = check_arguments(f)
    first = next(iter(aiotim.GroupMemberRole))
    check((None, first), {})
    check((None, int(first)), {})
    check((None,), {"role": None, "items": [1, 2], "mapping": {"a": 1}})
    with pytest.raises(ValueError, match=r"f\(\): argument 'role' 12345 is not a"):
        check((None, 12345), {})
    with pytest.raises(TypeError, match=r"argument 'role' must be GroupMemberRole \| None"):
        check((None, True), {})
    with pytest.raises(TypeError, match=r"argument 'items' must be list\[int\] \| None.*item 1"):
        check((None,), {"items": [1, "2"]})
    with pytest.raises(TypeError, match=r"argument 'mapping'.*value 0 must be int"):
        check((None,), {"mapping": {"a": "b"}})


async def test_values_the_sdk_json_cannot_hold_are_named() -> None:
    """A str with a lone surrogate or an int over 64 bits has the right type but cannot be
    encoded: the JSON encoder's bare TypeError ("str is not valid UTF-8") becomes a ValueError
    naming the method and the parameter (found only once the call failed)."""
    async with cloud_and_clients("alice") as (_, (alice,)):
        bob = aiotim.C2C("bob")
        with pytest.raises(ValueError, match=r"send_text\(\): argument 'text' holds a lone"):
            await alice.send_text(bob, "hi \ud800")
        with pytest.raises(ValueError, match=r"history\(\): argument 'count' is out of the 64"):
            await alice.get_history(bob, count=2**70)
        with pytest.raises(ValueError, match=r"argument 'data' holds a lone surrogate"):
            await alice.send_custom(bob, "\udcff")
        # a TypeError of the method itself is left as it is
        with pytest.raises(TypeError, match=r"send_text\(\): argument 'text' must be str"):
            await alice.send_text(bob, b"bytes")  # type: ignore[arg-type]
