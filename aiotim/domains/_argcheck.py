"""Argument checks of every public namespace method, derived once from its annotations.

Every public method of a :class:`~aiotim.domains._base.Domain` subclass is wrapped (in
``Domain.__init_subclass__``) so that an argument of the wrong type raises a ``TypeError`` naming
the method and the parameter (``Messages.history(): argument 'before' must be Message | None,
got str``), and an int that is not a member of the annotated ``IntEnum`` / a value outside a
``Literal`` raises a ``ValueError`` — instead of an ``AttributeError`` deep inside, a
``MemoryError`` in a C conversion, or a request the cloud refuses.

The checks are built on a method's first call, from ``typing.get_type_hints`` (the annotations
are strings: the names they use exist only once their module has finished importing), and are
plain ``isinstance`` tests on the hot path: ``send_text(conv, text)`` pays two ``isinstance``
calls and the wrapper's frame (~0.2 µs), no introspection per call. Containers given as a list,
tuple, set, frozenset or dict have their items checked; other iterables (a generator) are left to
the method, which consumes them once. Defaults are not checked (they are the method's own).
"""

from __future__ import annotations

import collections.abc as cabc
import enum
import functools
import inspect
import re
import types
import typing
from collections.abc import Callable
from typing import Any

__all__ = ["check_arguments", "checked"]

#: (the isinstance types, or None for "anything"; a further check returning an error, or None)
_Spec = tuple[tuple[type, ...] | None, Callable[[Any], Exception | None] | None, str]
#: per parameter: (name, spec)
_Param = tuple[str, _Spec]

_MATERIALISED = (list, tuple, set, frozenset, dict, cabc.KeysView, cabc.ValuesView)
_NONE = type(None)


def _describe(tp: Any) -> str:
    if isinstance(tp, type):
        return "None" if tp is _NONE else tp.__name__
    return re.sub(r"\b(?:[A-Za-z_]\w*\.)+(?=[A-Za-z_])", "", repr(tp)).replace("NoneType", "None")


def _not_bool(v: Any) -> Exception | None:
    return TypeError("got bool") if v.__class__ is bool else None


def _compile(tp: Any) -> _Spec:
    """The check of one annotation."""
    desc = _describe(tp)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any or tp is object or isinstance(tp, typing.TypeVar):
        return None, None, desc
    if tp is None or tp is _NONE:
        return (_NONE,), None, "None"
    if origin is typing.Annotated:
        return _compile(args[0])
    if origin is typing.Union or origin is types.UnionType:
        return _union([_compile(a) for a in args], desc)
    if origin is typing.Literal:

        def literal(v: Any) -> Exception | None:
            if any(v.__class__ is a.__class__ and v == a for a in args):
                return None
            return ValueError(f"must be one of {', '.join(map(repr, args))}, got {v!r}")

        return tuple({type(a) for a in args}), literal, desc
    if origin is not None:
        return _generic(origin, args, desc)
    if tp is bool:
        return (bool,), None, desc
    if tp is int:
        return (int,), _not_bool, desc
    if tp is float:
        return (int, float), _not_bool, desc
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum(tp, desc)
    if isinstance(tp, type):
        return (tp,), None, desc
    return None, None, desc  # an annotation this module does not know: not checked


def _enum(tp: type[enum.Enum], desc: str) -> _Spec:
    members = tp._value2member_map_
    base = int if issubclass(tp, int) else str if issubclass(tp, str) else None
    if base is None:
        return (tp,), None, desc

    def member(v: Any) -> Exception | None:
        if v.__class__ is bool:
            return TypeError("got bool")
        if isinstance(v, tp) or v in members:
            return None
        return ValueError(f"{v!r} is not a {tp.__name__} value")

    return (base,), member, desc


def _union(specs: list[_Spec], desc: str) -> _Spec:
    if any(t is None for t, _, _ in specs):
        return None, None, desc
    all_types = tuple(t for ts, _, _ in specs for t in ts or ())
    if all(extra is None for _, extra, _ in specs):
        return all_types, None, desc

    def any_of(v: Any) -> Exception | None:
        first: Exception | None = None
        for ts, extra, _ in specs:
            if ts is not None and not isinstance(v, ts):
                continue
            err = extra(v) if extra is not None else None
            if err is None:
                return None
            first = first or err
        return first or TypeError("no match")

    return all_types, any_of, desc


def _items(item: _Spec, what: str) -> Callable[[Any], Exception | None]:
    ts, extra, desc = item

    def each(values: Any) -> Exception | None:
        if ts is None:
            return None
        for i, v in enumerate(values):
            if not isinstance(v, ts) or (extra is not None and extra(v) is not None):
                return TypeError(f"{what} {i} must be {desc}, got {type(v).__name__}")
        return None

    return each


def _generic(origin: Any, args: tuple[Any, ...], desc: str) -> _Spec:
    if origin is cabc.Callable:
        return (cabc.Callable,), None, desc
    if not isinstance(origin, type):
        return None, None, desc
    if issubclass(origin, cabc.Mapping) and len(args) == 2:
        keys, values = _items(_compile(args[0]), "key"), _items(_compile(args[1]), "value")

        def mapping(v: Any) -> Exception | None:
            if isinstance(v, dict | cabc.Mapping):
                return keys(v.keys()) or values(v.values())
            return None

        return (origin,), mapping, desc
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        args = args[:1]
    elif origin is tuple and args:
        fixed = [_items(_compile(a), "item") for a in args]

        def positions(v: Any) -> Exception | None:
            if len(v) != len(fixed):
                return TypeError(f"needs {len(fixed)} items, got {len(v)}")
            for check, item in zip(fixed, v, strict=True):
                err = check((item,))
                if err is not None:
                    return err
            return None

        return (tuple,), positions, desc
    if issubclass(origin, cabc.Iterable) and len(args) == 1 and not issubclass(origin, str):
        item = _compile(args[0])
        each = _items(item, "item")
        item_types = item[0]
        str_items = item_types is None or str in item_types

        def iterable(v: Any) -> Exception | None:
            if isinstance(v, str | bytes | bytearray):
                # a str is an iterable of str (a method may take one for a list of one);
                # bytes iterate as ints
                if isinstance(v, str) and str_items:
                    return None
                return TypeError(f"got {type(v).__name__}")
            if isinstance(v, _MATERIALISED):
                return each(v)
            return None  # an iterator: the method consumes it once

        return (origin,), iterable, desc
    return (origin,), None, desc


def _specs(fn: Callable[..., Any]) -> tuple[list[_Param], dict[str, _Spec], _Spec | None]:
    """(positional parameters in order, keyword-able parameters by name, the ``*args`` item)."""
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # an annotation that does not resolve at run time: check the others
        hints = {}
        for name, text in fn.__annotations__.items():
            try:  # what get_type_hints does, one annotation (the module's own text) at a time
                hints[name] = eval(text, fn.__globals__) if isinstance(text, str) else text
            except Exception:
                continue  # left unchecked
    positional: list[_Param] = []
    by_name: dict[str, _Spec] = {}
    var: _Spec | None = None
    for p in inspect.signature(fn).parameters.values():
        if p.name not in hints or p.name == "self":
            spec: _Spec = (None, None, "")
        else:
            spec = _compile(hints[p.name])
        if p.kind is p.VAR_POSITIONAL:
            var = spec
        elif p.kind is p.VAR_KEYWORD:
            continue
        else:
            if p.kind is not p.KEYWORD_ONLY:
                positional.append((p.name, spec))
            if p.kind is not p.POSITIONAL_ONLY:
                by_name[p.name] = spec
    return positional, by_name, var


def _fail(where: str, name: str, desc: str, v: Any, err: Exception | None) -> Exception:
    got = type(v).__name__
    if isinstance(err, ValueError):
        return ValueError(f"{where}: argument {name!r} {err}")
    detail = f" ({err})" if err is not None and str(err) not in ("got bool", "no match") else ""
    return TypeError(f"{where}: argument {name!r} must be {desc}, got {got}{detail}")


def check_arguments(fn: Callable[..., Any]) -> Callable[[tuple[Any, ...], dict[str, Any]], None]:
    """The argument check of ``fn`` (built on its first use): raises TypeError/ValueError."""
    where = f"{fn.__qualname__}()"
    built: list[Any] = []

    def check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if not built:
            built.extend(_specs(fn))
        positional, by_name, var = built
        for (name, (ts, extra, desc)), v in zip(positional, args, strict=False):
            if ts is not None and (
                not isinstance(v, ts) or (extra is not None and extra(v) is not None)
            ):
                raise _fail(where, name, desc, v, extra(v) if extra and isinstance(v, ts) else None)
        if var is not None and len(args) > len(positional):
            ts, extra, desc = var
            for i, v in enumerate(args[len(positional) :]):
                if ts is not None and (
                    not isinstance(v, ts) or (extra is not None and extra(v) is not None)
                ):
                    err = extra(v) if extra and isinstance(v, ts) else None
                    raise _fail(where, f"*args[{i}]", desc, v, err)
        if kwargs:
            for name, v in kwargs.items():
                spec = by_name.get(name)
                if spec is None:
                    continue  # the call itself reports an unknown keyword
                ts, extra, desc = spec
                if ts is not None and (
                    not isinstance(v, ts) or (extra is not None and extra(v) is not None)
                ):
                    err = extra(v) if extra and isinstance(v, ts) else None
                    raise _fail(where, name, desc, v, err)

    return check


F = typing.TypeVar("F", bound=Callable[..., Any])

#: the JSON encoder's (orjson) and the codec's words for a value it cannot encode
_UNENCODABLE = ("surrogate", "64-bit range")
_INT_RANGE = (-(1 << 63), (1 << 64) - 1)


def _unencodable(value: Any, depth: int = 0) -> str | None:
    """Why ``value`` (or an item of it) cannot go into the SDK's JSON, or None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            return f"holds a lone surrogate (at index {exc.start})"
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        lo, hi = _INT_RANGE
        return None if lo <= value <= hi else f"is out of the 64-bit range ({value})"
    if depth < 3 and isinstance(value, list | tuple | set | frozenset | dict):
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        for item in items:
            why = _unencodable(item, depth + 1)
            if why is not None:
                return f"has an item that {why.removeprefix('has an item that ')}"
    return None


def _culprit(
    fn: Callable[..., Any],
    where: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    exc: Exception,
) -> Exception | None:
    """A ValueError naming the argument the JSON encoder refused (``exc``), or None."""
    if not any(word in str(exc) for word in _UNENCODABLE):
        return None
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except TypeError:
        return None
    for name, value in bound.arguments.items():
        why = _unencodable(value)
        if why is not None:
            return ValueError(f"{where}: argument {name!r} {why}")
    return None


def checked(fn: F) -> F:
    """``fn`` with its arguments checked against its annotations first (same kind of callable:
    a coroutine function stays one; an async generator function returns its generator)."""
    check = check_arguments(fn)
    wrapper: Callable[..., Any]
    if inspect.iscoroutinefunction(fn):

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            check(args, kwargs)
            try:
                return await fn(*args, **kwargs)
            except (TypeError, ValueError) as exc:
                # a value of the right type the JSON encoder refuses (a lone surrogate, an int
                # over 64 bits): named here, only once it failed (nothing on the hot path)
                named = _culprit(fn, f"{fn.__qualname__}()", args, kwargs, exc)
                if named is None:
                    raise
                raise named from None

    else:

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check(args, kwargs)
            return fn(*args, **kwargs)

    functools.update_wrapper(wrapper, fn)
    return typing.cast(F, wrapper)
