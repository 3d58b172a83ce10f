"""The public API as data, for the argument tests: every public method of every namespace of
:class:`aiotim.Client`, its annotations, and valid or wrong values (and hypothesis strategies)
for each parameter."""

from __future__ import annotations

import collections.abc as cabc
import contextlib
import enum
import inspect
import os
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

import aiotim
from aiotim.domains._base import Domain
from aiotim.models.message import Message, elem_from_json

__all__ = ["NAMESPACES", "Method", "example", "methods", "strategy", "wrong_values"]


#: the client's namespace attributes -> their classes
def _namespaces() -> dict[str, type[Domain]]:
    # the assignments ``self.<name> = <Class>(self)`` of Client.__init__ (making a Client
    # needs a running event loop)
    source = inspect.getsource(aiotim.Client.__init__)
    found = {}
    for name, cls_name in re.findall(r"self\.(\w+) = (\w+)\(self\)", source):
        cls = vars(inspect.getmodule(aiotim.Client)).get(cls_name)
        if isinstance(cls, type) and issubclass(cls, Domain):
            found[name] = cls
    return found


NAMESPACES = _namespaces()

_MESSAGE_JSON = {
    "message_msg_id": "fuzz-msg-1",
    "message_conv_id": "bob",
    "message_conv_type": 1,
    "message_sender": "alice",
    "message_seq": 1,
    "message_rand": 1,
    "message_server_time": 1700000000,
    "message_elem_array": [{"elem_type": 0, "text_elem_content": "hi"}],
}


def _messages() -> list[Message]:
    return [Message.from_json(_MESSAGE_JSON)]


#: instances of the classes the methods take (other than builtins), by class
def _instances() -> dict[type, list[Any]]:
    msg = _messages()[0]
    return {
        aiotim.C2C: [aiotim.C2C("bob"), aiotim.C2C("nobody")],
        aiotim.Group: [aiotim.Group("g1"), aiotim.Group("nogroup")],
        Message: [msg],
        aiotim.TextElem: [aiotim.Text("hello")],
        aiotim.CustomElem: [aiotim.Custom("data", "desc", "ext")],
        aiotim.FaceElem: [aiotim.Face(1)],
        aiotim.ImageElem: [
            elem_from_json({"elem_type": 1, "image_elem_orig_path": "/nonexistent/a.png"})
        ],
        aiotim.LocationElem: [aiotim.Location("here", 1.0, 2.0)],
        aiotim.ConversationFilter: [aiotim.ConversationFilter(), aiotim.ConversationFilter(1)],
        aiotim.MessageLocator: [
            aiotim.MessageLocator.from_json(
                {
                    "message_locator_conv_id": "bob",
                    "message_locator_conv_type": 1,
                    "message_locator_seq": 1,
                    "message_locator_rand": 1,
                    "message_locator_time": 1,
                }
            )
        ],
        aiotim.GroupRequest: [
            aiotim.GroupRequest.from_json(
                {
                    "group_pendency_group_id": "g1",
                    "group_pendency_form_identifier": "bob",
                    "group_pendency_to_identifier": "alice",
                }
            )
        ],
        re.Pattern: [re.compile("h.*")],
    }


INSTANCES = _instances()


@dataclass(frozen=True)
class Method:
    """One public method of a namespace."""

    namespace: str
    name: str
    fn: Callable[..., Any]
    params: tuple[inspect.Parameter, ...]
    hints: dict[str, Any]

    @property
    def qualname(self) -> str:
        return f"{NAMESPACES[self.namespace].__name__}.{self.name}"


def methods() -> list[Method]:
    """Every public method of every namespace (the functions the checks wrap)."""
    out = []
    for ns, cls in NAMESPACES.items():
        for name, value in vars(cls).items():
            if name.startswith("_") or not callable(value):
                continue
            fn = inspect.unwrap(value)
            params = tuple(inspect.signature(fn).parameters.values())[1:]
            out.append(Method(ns, name, fn, params, typing.get_type_hints(fn)))
    return out


def _members(tp: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(tp)
    if origin is typing.Annotated:
        return _members(typing.get_args(tp)[0])
    return (tp,)


def example(tp: Any) -> Any:
    """A valid value of the annotation ``tp``."""
    tp = _members(tp)[0]
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is type(None) or tp is None:
        return None
    if tp is str:
        return "x"
    if tp is bool:
        return False
    if tp is int:
        return 1
    if tp is float:
        return 1.0
    if tp is Any or tp is object:
        return "x"
    if origin is typing.Literal:
        return args[0]
    if origin is cabc.Callable:
        return lambda *a: True
    if origin is os.PathLike:
        return "/nonexistent/aiotim-fuzz"
    if origin is re.Pattern:
        return re.compile("x")
    if origin is not None and issubclass(origin, cabc.Mapping):
        return {}
    if origin is not None and issubclass(origin, cabc.Iterable):
        return [example(args[0])] if args else []
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return next(iter(tp))
    return _instances_of(tp)[0]


class Unrelated:
    """A type no method takes."""

    def __repr__(self) -> str:
        return "Unrelated()"


def wrong_values(tp: Any) -> list[Any]:
    """Values of obviously wrong types for the annotation ``tp`` (none of its members)."""
    candidates: list[Any] = [Unrelated(), 123, "x", 1.5, b"bytes", None, [Unrelated()]]
    out = []
    for value in candidates:
        if not any(_accepts(m, value) for m in _members(tp)):
            out.append(value)
    return out


def _accepts(tp: Any, value: Any) -> bool:
    origin = typing.get_origin(tp)
    if tp is Any or tp is object:
        return True
    if tp is None or tp is type(None):
        return value is None
    if tp is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin is typing.Literal:
        return value in typing.get_args(tp)
    if isinstance(tp, type) and issubclass(tp, enum.IntEnum):
        return isinstance(value, int)
    if origin is cabc.Callable:
        return callable(value)
    if origin is not None:
        if issubclass(origin, cabc.Iterable) and isinstance(value, list):
            (item,) = typing.get_args(tp)[:1] or (Any,)
            return all(any(_accepts(m, v) for m in _members(item)) for v in value)
        if isinstance(value, str) and issubclass(origin, cabc.Iterable):
            (item,) = typing.get_args(tp)[:1] or (Any,)
            return any(m is str for m in _members(item))
        return isinstance(value, origin)
    return isinstance(tp, type) and isinstance(value, tp)


_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "bob", "alice", "g1", "a\0b", "sig\ud800", "é" * 40, "x" * 5000]),
)
_INT = st.one_of(st.integers(-3, 300), st.integers(), st.sampled_from([0, -1, 2**31, 2**64]))
_WRONG = st.sampled_from([Unrelated(), 1.5, b"\x00", None, [None], {"k": object()}, 7, "x"])


def strategy(tp: Any) -> st.SearchStrategy[Any]:
    """Values of the annotation ``tp``: valid ones (with hostile text and ints) and, now and
    then, a value of a wrong type."""
    if tp is Any:
        return _valid(tp)
    valid = _valid(tp)
    return st.one_of(valid, valid, valid, _WRONG)  # a wrong type a quarter of the time


def _valid(tp: Any) -> st.SearchStrategy[Any]:
    members = _members(tp)
    if len(members) > 1:
        found = []
        for m in members:  # e.g. Elem: the received-only elements have no instance here
            with contextlib.suppress(LookupError):
                found.append(_valid(m))
        if not found:
            raise LookupError(f"no strategy for {tp!r}")
        return st.one_of(found)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is type(None) or tp is None:
        return st.none()
    if tp is str or tp is Any or tp is object:
        return _TEXT
    if tp is bool:
        return st.booleans()
    if tp is int:
        return _INT
    if tp is float:
        return st.one_of(st.floats(allow_nan=True), st.integers(-5, 5))
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin is cabc.Callable:
        return st.sampled_from([lambda *a: True, lambda *a: False])
    if origin is os.PathLike:
        return st.just("/nonexistent/aiotim-fuzz")
    if origin is re.Pattern:
        return st.just(re.compile("h.*"))
    if origin is not None and issubclass(origin, cabc.Mapping):
        return st.dictionaries(_TEXT, _valid(args[1]) if args else _TEXT, max_size=3)
    if origin is not None and issubclass(origin, cabc.Iterable):
        return st.lists(_valid(args[0]) if args else _TEXT, max_size=3)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        ints = st.integers(-2, 2**32) if issubclass(tp, int) else st.nothing()
        return st.one_of(st.sampled_from(list(tp)), ints)
    return st.sampled_from(_instances_of(tp))


def _instances_of(tp: Any) -> list[Any]:
    if tp not in INSTANCES and isinstance(tp, type):
        with contextlib.suppress(TypeError):
            INSTANCES[tp] = [tp()]  # a class whose fields all have defaults (e.g. Retry)
        if tp not in INSTANCES and hasattr(tp, "from_json"):
            with contextlib.suppress(Exception):  # a model: its defaults
                INSTANCES[tp] = [tp.from_json({})]
    if tp not in INSTANCES:
        raise LookupError(f"no instance of {tp!r}")
    return INSTANCES[tp]
