"""Messages and their elements (JSON keys: the headers' ``kTIMMsg*`` / ``kTIMElem*``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from aiotim.errors import PayloadError
from aiotim.models._json import JSONObject, get_bool, get_int, get_str, obj
from aiotim.models.address import _CACHE as _ADDRESS_CACHE
from aiotim.models.address import C2C, Address, address_of

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
    if type(value) is dict:  # fast path: a well-typed text element
        kind = value.get("elem_type")
        if kind == ELEM_TEXT and type(kind) is int:
            text = value.get("text_elem_content")
            if type(text) is str:
                return _new_text(text)
    return _elem_checked(value)


def _elem_checked(value: Any) -> Elem:
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
        # Hot path (every received message): when every key is present with its JSON type,
        # build the Message at once; anything else (a missing key, a null, a wrong type) takes
        # the checked path below, which applies the defaults and raises the PayloadErrors.
        if type(value) is dict:
            g = value.get
            msg_id, conv_id, conv_type = (g("message_msg_id"), g("message_conv_id"),
                                          g("message_conv_type"))
            sender, elems, seq, rand = (g("message_sender"), g("message_elem_array"),
                                        g("message_seq"), g("message_rand"))
            server_time, client_time, status = (g("message_server_time"),
                                                g("message_client_time"), g("message_status"))
            is_self, is_read = g("message_is_from_self"), g("message_is_read")
            if (type(msg_id) is str and type(conv_id) is str and type(sender) is str
                    and type(elems) is list and type(conv_type) is int and type(seq) is int
                    and type(rand) is int and type(server_time) is int
                    and type(client_time) is int and type(status) is int
                    and type(is_self) is bool and type(is_read) is bool
                    and (conv_type == 3 or conv_id)):
                conv = _ADDRESSES.get((conv_id, conv_type))
                if conv is None:
                    try:
                        conv = address_of(conv_id, conv_type)
                    except ValueError as exc:
                        raise PayloadError("message", str(exc)) from None
                return _new_message(
                    msg_id, conv, sender, tuple(map(elem_from_json, elems)), seq, rand,
                    server_time, client_time, is_self, is_read, status, value)
        return cls._from_json_checked(value)

    @classmethod
    def _from_json_checked(cls, value: Any) -> Message:
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


# -- fast construction --------------------------------------------------------------------------
#
# A frozen dataclass's __init__ sets each field through object.__setattr__ (~3 us for Message).
# The decoders build these objects by the hundred thousand, so they fill an instance of a plain
# class with the same slots (fast slot stores) and then switch its __class__ to the frozen one
# (CPython allows it: same slots, same layout). The result is an ordinary, immutable instance of
# the dataclass. Checked once at import; the dataclass constructor is the fallback.


class _MessageSlots:
    __slots__ = Message.__slots__

    def __init__(self, id: str, conv: Address, sender: str, elems: tuple[Elem, ...], seq: int,
                 rand: int, server_time: int, client_time: int, is_self: bool, is_read: bool,
                 status: int, raw: JSONObject) -> None:
        self.id = id
        self.conv = conv
        self.sender = sender
        self.elems = elems
        self.seq = seq
        self.rand = rand
        self.server_time = server_time
        self.client_time = client_time
        self.is_self = is_self
        self.is_read = is_read
        self.status = status
        self.raw = raw
        self.__class__ = Message  # type: ignore[assignment]


class _TextSlots:
    __slots__ = TextElem.__slots__

    def __init__(self, text: str) -> None:
        self.text = text
        self.__class__ = TextElem  # type: ignore[assignment]


def _builders() -> tuple[Callable[..., Message], Callable[[str], TextElem]]:
    try:
        probe: Any = _MessageSlots("i", C2C("c"), "s", (), 1, 2, 3, 4, False, True, 5, {})
        text: Any = _TextSlots("t")
        if (type(probe) is Message and probe == Message("i", C2C("c"), "s", (), 1, 2, 3, 4,
                                                        False, True, 5, {})
                and type(text) is TextElem and text == TextElem("t")):
            return cast("Callable[..., Message]", _MessageSlots), cast(
                "Callable[[str], TextElem]", _TextSlots)
    except TypeError:  # pragma: no cover - an interpreter without __class__ assignment here
        pass
    return Message, TextElem  # pragma: no cover


_new_message, _new_text = _builders()
_ADDRESSES = _ADDRESS_CACHE
