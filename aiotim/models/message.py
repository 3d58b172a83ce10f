"""Messages and their elements (JSON keys: the headers' ``kTIMMsg*`` / ``kTIMElem*``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiotim.errors import PayloadError
from aiotim.models._json import JSONObject, get_bool, get_int, get_str, obj
from aiotim.models.address import Address, address_of

__all__ = ["CustomElem", "Elem", "Message", "TextElem", "UnknownElem", "elem_from_json"]

ELEM_TEXT = 0
ELEM_CUSTOM = 3


@dataclass(frozen=True, slots=True)
class TextElem:
    """A text element (``elem_type`` 0)."""

    text: str

    def to_json(self) -> JSONObject:
        """The element as the SDK's JSON."""
        return {"elem_type": ELEM_TEXT, "text_elem_content": self.text}


@dataclass(frozen=True, slots=True)
class CustomElem:
    """A custom element (``elem_type`` 3): application data with a description and extension."""

    data: str
    description: str = ""
    extension: str = ""

    def to_json(self) -> JSONObject:
        """The element as the SDK's JSON."""
        return {
            "elem_type": ELEM_CUSTOM,
            "custom_elem_data": self.data,
            "custom_elem_desc": self.description,
            "custom_elem_ext": self.extension,
        }


@dataclass(frozen=True, slots=True)
class UnknownElem:
    """Any other element type, kept as its raw JSON (images, files, group tips, …)."""

    elem_type: int
    raw: JSONObject = field(compare=False)

    def to_json(self) -> JSONObject:
        """The element's raw JSON."""
        return self.raw


Elem = TextElem | CustomElem | UnknownElem


def elem_from_json(value: Any) -> Elem:
    """Decode one element of ``message_elem_array``.

    Raises:
        PayloadError: not an object, or a key of the wrong type.
    """
    d = obj(value, "message element")
    kind = get_int(d, "elem_type", "message element", -1)
    if kind == ELEM_TEXT:
        return TextElem(get_str(d, "text_elem_content", "text element"))
    if kind == ELEM_CUSTOM:
        return CustomElem(
            get_str(d, "custom_elem_data", "custom element"),
            get_str(d, "custom_elem_desc", "custom element"),
            get_str(d, "custom_elem_ext", "custom element"),
        )
    return UnknownElem(kind, d)


@dataclass(frozen=True, slots=True)
class Message:
    """A message as the SDK reports it (sent, received or read from history).

    ``text`` joins the text elements (``None`` when there is none); ``raw`` is the SDK's JSON.
    """

    id: str
    conv: Address
    sender: str
    elems: tuple[Elem, ...]
    seq: int
    rand: int
    server_time: int
    client_time: int
    is_self: bool
    is_read: bool
    status: int
    raw: JSONObject = field(repr=False, compare=False)

    @property
    def text(self) -> str | None:
        """The text elements joined, or ``None`` when the message has no text element."""
        texts = [e.text for e in self.elems if isinstance(e, TextElem)]
        return "".join(texts) if texts else None

    @classmethod
    def from_json(cls, value: Any) -> Message:
        """Decode a message object (``kTIMMsg*`` keys).

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "message"
        d = obj(value, what)
        elems = d.get("message_elem_array") or []
        if not isinstance(elems, list):
            raise PayloadError(what, "'message_elem_array' should be an array")
        try:
            conv = address_of(get_str(d, "message_conv_id", what),
                              get_int(d, "message_conv_type", what, 1))
        except ValueError as exc:
            raise PayloadError(what, str(exc)) from None
        return cls(
            id=get_str(d, "message_msg_id", what),
            conv=conv,
            sender=get_str(d, "message_sender", what),
            elems=tuple(elem_from_json(e) for e in elems),
            seq=get_int(d, "message_seq", what),
            rand=get_int(d, "message_rand", what),
            server_time=get_int(d, "message_server_time", what),
            client_time=get_int(d, "message_client_time", what),
            is_self=get_bool(d, "message_is_from_self", what),
            is_read=get_bool(d, "message_is_read", what),
            status=get_int(d, "message_status", what),
            raw=d,
        )
