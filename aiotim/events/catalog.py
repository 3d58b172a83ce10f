"""The catalog: every notification kind of the SDK → its decoder and the event type it yields.

Keys are the setter names (``TIMAddRecvNewMsgCallback``, ``TIMSet…Callback``). A decoder takes
the callback's arguments as the relay delivers them (``bytes``/``None`` for strings, ``int``,
``bool``) and returns the events they carry (one per element for array payloads).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from aiotim.enums import ConvEvent, NetworkStatus
from aiotim.errors import PayloadError
from aiotim.events.types import (
    ConversationChanged,
    KickedOffline,
    NetworkStatusChanged,
    RawEvent,
    UnreadTotalChanged,
    UserSigExpired,
)
from aiotim.models import Conversation, Message
from aiotim.native.abi import CALLBACK_SETTERS

__all__ = ["CATALOG", "Entry", "decode_json", "decode_text"]

Decoder = Callable[[tuple[Any, ...]], list[Any]]


@dataclass(frozen=True, slots=True)
class Entry:
    """One notification kind: its setter, the event type, and the decoder."""

    setter: str
    event: type
    decode: Decoder


def decode_text(value: bytes | None, kind: str) -> str:
    """A callback string as ``str``; PayloadError when it is not UTF-8."""
    if value is None:
        return ""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PayloadError(kind, f"invalid UTF-8 at byte {exc.start}",
                           excerpt=value[:64]) from None


def decode_json(value: bytes | None, kind: str) -> Any:
    """A callback JSON string decoded; PayloadError when it is not valid UTF-8 JSON."""
    if not value:
        return None
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise PayloadError(kind, f"malformed JSON: {exc}", excerpt=value[:64]) from None


def _array(value: bytes | None, kind: str) -> list[Any]:
    data = decode_json(value, kind)
    if data is None:
        return []
    if not isinstance(data, list):
        raise PayloadError(kind, f"expected a JSON array, got {type(data).__name__}")
    return data


def _new_messages(args: tuple[Any, ...]) -> list[Any]:
    kind = "TIMAddRecvNewMsgCallback"
    return [Message.from_json(m) for m in _array(args[0], kind)]


def _network(args: tuple[Any, ...]) -> list[Any]:
    status, code, desc = args
    try:
        st = NetworkStatus(status)
    except ValueError:
        raise PayloadError("TIMSetNetworkStatusListenerCallback",
                           f"unknown network status {status}") from None
    text = decode_text(desc, "TIMSetNetworkStatusListenerCallback")
    return [NetworkStatusChanged(st, code, text)]


def _conv_event(args: tuple[Any, ...]) -> list[Any]:
    kind = "TIMSetConvEventCallback"
    event, array = args
    try:
        ev = ConvEvent(event)
    except ValueError:
        raise PayloadError(kind, f"unknown conversation event {event}") from None
    return [ConversationChanged(ev, Conversation.from_json(c)) for c in _array(array, kind)]


_JSONISH = ("json", "array", "info", "list", "data", "result")


def _raw_decoder(setter: str) -> Decoder:
    params = CALLBACK_SETTERS[setter].args

    def decode(args: tuple[Any, ...]) -> list[Any]:
        out: dict[str, Any] = {}
        for p, value in zip(params, args, strict=True):
            if p.kind != "str":
                out[p.name] = value
            elif any(w in p.name for w in _JSONISH) and value and value[:1] in b"[{":
                out[p.name] = decode_json(value, setter)
            else:
                out[p.name] = decode_text(value, setter)
        return [RawEvent(setter, out, args)]

    return decode


_TYPED: dict[str, tuple[type, Decoder]] = {
    "TIMAddRecvNewMsgCallback": (Message, _new_messages),
    "TIMSetNetworkStatusListenerCallback": (NetworkStatusChanged, _network),
    "TIMSetKickedOfflineCallback": (KickedOffline, lambda args: [KickedOffline()]),
    "TIMSetUserSigExpiredCallback": (UserSigExpired, lambda args: [UserSigExpired()]),
    "TIMSetConvEventCallback": (ConversationChanged, _conv_event),
    "TIMSetConvTotalUnreadMessageCountChangedCallback": (
        UnreadTotalChanged, lambda args: [UnreadTotalChanged(args[0])]),
}

CATALOG: dict[str, Entry] = {
    setter: Entry(setter, *_TYPED.get(setter, (RawEvent, _raw_decoder(setter))))
    for setter in CALLBACK_SETTERS
}
