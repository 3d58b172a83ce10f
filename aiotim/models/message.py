"""Messages and their elements (JSON keys: the headers' ``kTIMMsg*`` / ``kTIMElem*``).

Each field is declared once, with its key (see :mod:`aiotim.models._fields`); the decoders are
derived from those tables, the fast ones (every received message takes them) generated from the
same tables by ``scripts/gen_models.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

from aiotim.errors import PayloadError
from aiotim.models._fields import Key, Model, encode, model
from aiotim.models._json import JSONObject, get_int, obj
from aiotim.models.address import _CACHE as _ADDRESSES
from aiotim.models.address import Address, address_of

__all__ = [
    "CustomElem",
    "Elem",
    "Message",
    "TextElem",
    "UnknownElem",
    "elem_from_json",
]


@model("text element", fast=True)
@dataclass(frozen=True, slots=True)
class TextElem(Model):
    """A text element (``elem_type`` 0)."""

    elem_type: ClassVar[int] = 0
    text: Annotated[str, Key("text_elem_content")]

    def to_json(self) -> JSONObject:
        """The element as the SDK's JSON."""
        return {"elem_type": self.elem_type, **encode(self)}


@model("custom element", fast=True)
@dataclass(frozen=True, slots=True)
class CustomElem(Model):
    """A custom element (``elem_type`` 3): application data with a description and extension."""

    elem_type: ClassVar[int] = 3
    data: Annotated[str, Key("custom_elem_data")]
    description: Annotated[str, Key("custom_elem_desc")] = ""
    extension: Annotated[str, Key("custom_elem_ext")] = ""

    def to_json(self) -> JSONObject:
        """The element as the SDK's JSON."""
        return {"elem_type": self.elem_type, **encode(self)}


@dataclass(frozen=True, slots=True)
class UnknownElem:
    """Any other element type, kept as its raw JSON (images, files, group tips, …)."""

    elem_type: int
    raw: JSONObject = field(compare=False)

    def to_json(self) -> JSONObject:
        """The element's raw JSON."""
        return self.raw


Elem = TextElem | CustomElem | UnknownElem

#: element type → its decoder
_ELEMS: dict[int, Any] = {cls.elem_type: cls.from_json for cls in (TextElem, CustomElem)}


def elem_from_json(value: Any) -> Elem:
    """Decode one element of ``message_elem_array``.

    Raises:
        PayloadError: not an object, or a key of the wrong type.
    """
    if type(value) is dict:
        kind = value.get("elem_type")
        if type(kind) is int:
            decode = _ELEMS.get(kind)
            return decode(value) if decode is not None else UnknownElem(kind, value)
    d = obj(value, "message element")
    kind = get_int(d, "elem_type", "message element", -1)
    decode = _ELEMS.get(kind)
    return decode(d) if decode is not None else UnknownElem(kind, d)


def elems(items: list[Any]) -> tuple[Elem, ...]:
    """The elements of ``message_elem_array``."""
    if len(items) == 1:  # most messages
        return (elem_from_json(items[0]),)
    return tuple(map(elem_from_json, items))


def address(conv_id: str, conv_type: int = 1) -> Address:
    """The conversation of a ``(conv_id, conv_type)`` pair; PayloadError when there is none."""
    conv = _ADDRESSES.get((conv_id, conv_type))
    if conv is not None:
        return conv
    try:
        return address_of(conv_id, conv_type)
    except ValueError as exc:
        raise PayloadError("message", str(exc)) from None


@model("message", fast=True)
@dataclass(frozen=True, slots=True)
class Message(Model):
    """A message as the SDK reports it (sent, received or read from history).

    ``text`` joins the text elements (``None`` when there is none); ``raw`` is the SDK's JSON.
    """

    id: Annotated[str, Key("message_msg_id")]
    conv: Annotated[Address, Key("message_conv_id", "message_conv_type", convert=address)]
    sender: Annotated[str, Key("message_sender")]
    elems: Annotated[tuple[Elem, ...], Key("message_elem_array", convert=elems)]
    seq: Annotated[int, Key("message_seq")]
    rand: Annotated[int, Key("message_rand")]
    server_time: Annotated[int, Key("message_server_time")]
    client_time: Annotated[int, Key("message_client_time")]
    is_self: Annotated[bool, Key("message_is_from_self")]
    is_read: Annotated[bool, Key("message_is_read")]
    status: Annotated[int, Key("message_status")]
    raw: JSONObject = field(repr=False, compare=False)

    @property
    def text(self) -> str | None:
        """The text elements joined, or ``None`` when the message has no text element."""
        texts = [e.text for e in self.elems if isinstance(e, TextElem)]
        return "".join(texts) if texts else None
