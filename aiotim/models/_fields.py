"""Field tables: each model declares its fields once, with their JSON keys; the rest is derived.

A model is a frozen, slotted dataclass whose fields say where they are in the SDK's JSON::

    @model("read receipt")
    @dataclass(frozen=True, slots=True)
    class ReadReceipt(Model):
        conv: Annotated[Address, Key("msg_receipt_conv_id", "msg_receipt_conv_type",
                                     convert=address)]
        msg_id: Annotated[str, Key("msg_receipt_msg_id")]
        ...
        raw: JSONObject = field(repr=False, compare=False)

From that table :func:`model` derives, once, at import:

- the **checked decoder** (``Model.from_json``): every key read with its type checked
  (:mod:`aiotim.models._json`), an absent or null key giving its default, a wrong type a
  :class:`~aiotim.errors.PayloadError` naming the model;
- the **fast constructor** (:func:`fast_constructor`), which both decoders build with;
- for the models of the hot path (``fast=True``: messages and their elements), the **fast
  decoder**: every key present with exactly its JSON type, the object built at once, anything
  else handed to the checked decoder. Its code is unrolled per model by
  ``scripts/gen_models.py`` at build time (``aiotim/models/_fast.py``, checked in; ``--check``
  in ``scripts/check``), from :func:`plan`, and used only while the plan it was generated from
  is the model's plan: a stale file costs speed, never correctness.

A field is its key's value when its type says how to read it (``str``, ``int``, ``bool``,
``tuple[str, ...]``, a model, ``Model | None``, ``tuple[Model, ...]``); otherwise ``convert``
makes it from its keys' values, each read as ``convert``'s parameter annotation says (``str``,
``int``, ``bool``, ``list[Any]``, ``JSONObject | None``, ``Any``) with the parameter's default
when the key is absent. A last field ``raw: JSONObject`` receives the object itself.
"""

from __future__ import annotations

import hashlib
import inspect
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, fields, make_dataclass
from typing import Any, ClassVar, Literal, Self, TypeVar

from aiotim.errors import PayloadError
from aiotim.models._json import (
    JSONObject,
    get_bool,
    get_int,
    get_list,
    get_obj,
    get_str,
    obj,
    str_items,
)

try:
    from aiotim.models import _fast
except ImportError:  # pragma: no cover - not generated yet: scripts/gen_models.py
    _fast = None  # type: ignore[assignment]

__all__ = [
    "FAST",
    "Column",
    "Key",
    "Model",
    "encode",
    "fast_constructor",
    "fingerprint",
    "model",
    "plan",
    "required_keys",
    "table",
]

#: the models declared with ``fast=True``, in import order (what scripts/gen_models.py renders)
FAST: list[type[Model]] = []

M = TypeVar("M", bound="Model")
T = TypeVar("T")

#: how a key's value is read: its JSON type (``object``: an object or null, ``any``: unchecked)
Kind = Literal["str", "int", "bool", "list", "object", "any"]
_EMPTY: dict[Kind, Any] = {
    "str": "",
    "int": 0,
    "bool": False,
    "list": None,
    "object": None,
    "any": None,
}


class Key:
    """Where a field is in the SDK's JSON: ``Annotated[int, Key("message_seq")]``.

    ``required=True``: the object is malformed without the (first) key's value — absent, null
    or ``""`` — and its decoders raise PayloadError (an id: a message without its id, a
    friend request without its user, means nothing). Event decoders drop such an item and
    count it as a payload error, like malformed JSON.
    """

    __slots__ = ("convert", "keys", "required")

    def __init__(
        self, *keys: str, convert: Callable[..., Any] | None = None, required: bool = False
    ) -> None:
        if not keys or (len(keys) > 1 and convert is None):
            raise TypeError("Key needs one key, or several and convert=")
        self.keys = keys
        self.convert = convert
        self.required = required

    def __repr__(self) -> str:
        convert = f", convert={self.convert.__name__}" if self.convert is not None else ""
        required = ", required=True" if self.required else ""
        return f"Key({', '.join(map(repr, self.keys))}{convert}{required})"


class Model:
    """The base of the models: ``from_json`` and the class attributes below are installed by
    :func:`model`."""

    __slots__ = ()

    #: the columns and whether the last field is ``raw``
    _table: ClassVar[tuple[tuple[Column, ...], bool]]
    #: the fast constructor (positional fields)
    _new: ClassVar[Callable[..., Any]]
    #: the checked decoder (``from_json`` when there is no fast one)
    _checked: ClassVar[Callable[[Any], Any]]

    @classmethod
    def from_json(cls, value: Any) -> Self:
        """Decode the SDK's JSON object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        raise NotImplementedError(f"{cls.__name__} is not declared with @model")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Column:
    """One field of a model's table: its keys, how each is read, and the conversion."""

    name: str
    keys: tuple[str, ...]
    kinds: tuple[Kind, ...]
    defaults: tuple[Any, ...]
    #: ``None``: the field is its one key's value
    convert: Callable[..., Any] | None
    #: the first key's value must be there, not null, not ``""`` (see :class:`Key`)
    required: bool = False


# -- reading the table ------------------------------------------------------------------------


def _kind_of(annotation: Any) -> Kind | None:
    if annotation is str:
        return "str"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if typing.get_origin(annotation) is list:
        return "list"
    if annotation is Any or annotation is object:
        return "any"
    if _optional(annotation) is dict or typing.get_origin(_optional(annotation)) is dict:
        return "object"
    return None


def _optional(annotation: Any) -> Any:
    """``X`` of ``X | None`` (else ``None``)."""
    if typing.get_origin(annotation) in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0]
    return None


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, Model)


def _implicit(name: str, key: str, annotation: Any, what: str, required: bool) -> Column:
    """The column of a field read from its key by its type alone."""
    kind = _kind_of(annotation)
    if kind in ("str", "int", "bool"):
        return Column(name, (key,), (kind,), (_EMPTY[kind],), None, required)
    if required:
        raise TypeError(f"{what}: field {name!r}: only str/int/bool or converted keys are required")
    inner = _optional(annotation)
    if _is_model(inner):
        decode: Callable[[Any], Any] = inner.from_json

        def optional(value: JSONObject | None) -> Any:
            return decode(value) if value is not None else None

        return Column(name, (key,), ("object",), (None,), optional)
    if typing.get_origin(annotation) is tuple:
        item, *rest = typing.get_args(annotation)
        if rest == [Ellipsis] and item is str:
            where = f"{what} {key!r}"

            def strings(items: list[Any]) -> tuple[str, ...]:
                return str_items(items, where)

            return Column(name, (key,), ("list",), (None,), strings)
        if rest == [Ellipsis] and _is_model(item):
            decode_item: Callable[[Any], Any] = item.from_json

            def models(items: list[Any]) -> tuple[Any, ...]:
                return tuple(map(decode_item, items))

            return Column(name, (key,), ("list",), (None,), models)
    raise TypeError(f"{what}: field {name!r} ({annotation!r}) needs Key(..., convert=)")


def _explicit(name: str, key: Key, what: str) -> Column:
    """The column of a field made by ``key.convert`` from its keys' values."""
    convert = key.convert
    assert convert is not None
    hints = typing.get_type_hints(convert)
    params = list(inspect.signature(convert).parameters.values())
    if len(params) != len(key.keys):
        raise TypeError(
            f"{what}: {convert.__name__} takes {len(params)} values, "
            f"field {name!r} has {len(key.keys)} keys"
        )
    kinds: list[Kind] = []
    defaults: list[Any] = []
    for p in params:
        kind = _kind_of(hints.get(p.name, Any))
        if kind is None:
            raise TypeError(f"{what}: {convert.__name__}({p.name}) is not a JSON type")
        kinds.append(kind)
        defaults.append(_EMPTY[kind] if p.default is inspect.Parameter.empty else p.default)
    return Column(name, key.keys, tuple(kinds), tuple(defaults), convert, key.required)


def table(cls: type, what: str) -> tuple[tuple[Column, ...], bool]:
    """The columns of a model, in field order, and whether its last field is ``raw``."""
    hints = typing.get_type_hints(cls, localns={cls.__name__: cls}, include_extras=True)
    columns: list[Column] = []
    has_raw = False
    names = [f.name for f in fields(cls)]
    for i, name in enumerate(names):
        hint = hints[name]
        if name == "raw":
            if i != len(names) - 1:
                raise TypeError(f"{what}: raw must be the last field")
            has_raw = True
            continue
        if typing.get_origin(hint) is not typing.Annotated:
            raise TypeError(f"{what}: field {name!r} has no Key")
        annotation, *extras = typing.get_args(hint)
        (key,) = [e for e in extras if isinstance(e, Key)]
        if key.convert is not None:
            columns.append(_explicit(name, key, what))
        else:
            columns.append(_implicit(name, key.keys[0], annotation, what, key.required))
    return tuple(columns), has_raw


#: a model's plan: what its fast decoder is generated from (and checked against)
Plan = tuple[tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[Any, ...], bool], ...], bool]


def plan(cls: type) -> Plan:
    """The model's plan: per column its name, keys, kinds, defaults (an absent key's value)
    and whether it is converted; and whether the object itself is the last argument
    (``raw``)."""
    columns, has_raw = cls.__dict__["_table"]
    return (
        tuple((c.name, c.keys, c.kinds, c.defaults, c.convert is not None) for c in columns),
        has_raw,
    )


def required_keys(cls: type) -> tuple[str, ...]:
    """The keys the model requires (see :class:`Key`), in table order."""
    columns, _ = cls.__dict__["_table"]
    return tuple(c.keys[0] for c in columns if c.required)


def fingerprint(p: Plan, required: tuple[str, ...] = ()) -> str:
    """A short digest of a plan and the required keys (what ``_fast.PLANS`` records)."""
    return hashlib.sha256(repr((p, required) if required else p).encode()).hexdigest()[:16]


# -- what is derived --------------------------------------------------------------------------

_READ: dict[Kind, Callable[[JSONObject, str, str, Any], Any]] = {
    "str": get_str,
    "int": get_int,
    "bool": get_bool,
    "list": lambda d, key, what, default: get_list(d, key, what),
    "object": lambda d, key, what, default: get_obj(d, key, what),
    "any": lambda d, key, what, default: d.get(key, default),
}


def _require(key: str, what: str) -> Callable[[JSONObject], None]:
    def check(d: JSONObject) -> None:
        value = d.get(key)
        if value is None or value == "":
            raise PayloadError(
                what, f"{key!r} is required, got {'an empty string' if value == '' else 'none'}"
            )

    return check


def _reader(column: Column, what: str) -> Callable[[JSONObject], Any]:
    read = _plain_reader(column, what)
    if not column.required:
        return read
    require = _require(column.keys[0], what)

    def read_required(d: JSONObject) -> Any:
        require(d)
        return read(d)

    return read_required


def _plain_reader(column: Column, what: str) -> Callable[[JSONObject], Any]:
    reads = tuple(
        zip(column.keys, map(_READ.__getitem__, column.kinds), column.defaults, strict=True)
    )
    convert = column.convert
    if convert is None:
        ((key, read, default),) = reads
        return lambda d: read(d, key, what, default)
    if len(reads) == 1:
        ((key, read, default),) = reads
        return lambda d: convert(read(d, key, what, default))
    return lambda d: convert(*[read(d, key, what, default) for key, read, default in reads])


def checked_decoder(cls: type[T], what: str, new: Callable[..., T]) -> Callable[[Any], T]:
    """The decoder that checks every key's type (absent or null: the default)."""
    columns, has_raw = cls.__dict__["_table"]
    readers = tuple(_reader(c, what) for c in columns)

    if has_raw:

        def decode(value: Any) -> T:
            d = obj(value, what)
            return new(*[read(d) for read in readers], d)
    else:

        def decode(value: Any) -> T:
            d = obj(value, what)
            return new(*[read(d) for read in readers])

    return decode


def fast_constructor(cls: type[T]) -> Callable[..., T]:
    """A constructor taking the fields positionally that is faster than ``cls``'s own.

    A frozen dataclass's ``__init__`` stores each field through ``object.__setattr__``; the
    decoders build these objects by the hundred thousand. This builds an instance of a plain
    dataclass with the same fields and slots (plain slot stores), whose ``__post_init__``
    switches its ``__class__`` to ``cls`` (CPython allows it: same slots, same layout): the
    result is an ordinary, immutable ``cls``. Checked once here on a probe; ``cls`` itself is the
    fallback where that does not hold.
    """
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__"):  # the shadow would skip it
        return cls

    def switch(self: Any) -> None:
        self.__class__ = cls

    try:
        shadow: Callable[..., Any] = make_dataclass(
            f"_{cls.__name__}Slots",
            names,
            bases=cls.__bases__,
            slots=True,
            namespace={"__post_init__": switch},
        )
        probe = tuple(object() for _ in names)
        built = shadow(*probe)
    except TypeError:  # a layout that cannot switch (no slots, other slots, another base, …)
        return cls
    if type(built) is cls and all(
        getattr(built, n) is v for n, v in zip(names, probe, strict=True)
    ):
        return shadow
    return cls  # pragma: no cover - the switch succeeded but gave something else


def _fast_decoder(
    cls: type[T],
    new: Callable[..., T],
    checked: Callable[[Any], T],
) -> Callable[[Any], T] | None:
    if _fast is None:  # pragma: no cover
        return None
    factory = _fast.FACTORIES.get(cls.__qualname__)
    if factory is None or _fast.PLANS.get(cls.__qualname__) != fingerprint(
        plan(cls), required_keys(cls)
    ):
        return None  # stale: run scripts/gen_models.py (tests and scripts/check say so)
    columns, _ = cls.__dict__["_table"]
    return factory(new, checked, *[c.convert for c in columns if c.convert is not None])


def model(what: str, *, fast: bool = False) -> Callable[[type[M]], type[M]]:
    """Declare a model (on top of ``@dataclass(frozen=True, slots=True)``): read its table and
    install ``from_json``, the fast decoder when ``fast`` and generated, else the checked one.
    ``what`` names the model in PayloadErrors."""

    def install(cls: type[M]) -> type[M]:
        cls._table = table(cls, what)
        cls._new = new = fast_constructor(cls)
        cls._checked = checked = checked_decoder(cls, what, new)
        decode = (_fast_decoder(cls, new, checked) if fast else None) or checked
        setattr(cls, "from_json", staticmethod(decode))  # noqa: B010 - a method, replaced
        if fast:
            FAST.append(cls)
        return cls

    return install


def encode(instance: Model) -> JSONObject:
    """A model's plain fields (those that are their key's value) as the SDK's JSON."""
    columns = type(instance)._table[0]
    return {c.keys[0]: getattr(instance, c.name) for c in columns if c.convert is None}
