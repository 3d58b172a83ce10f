"""The catalog: every notification kind of the SDK → its event type and decoder.

Keys are the setter names (``TIMAddRecvNewMsgCallback``, ``TIMSet…Callback``). A decoder takes
the callback's arguments as the relay delivers them (``bytes``/``None`` for strings, ``int``,
``bool``) and returns the events they carry: one per element for the array payloads whose
elements are separate notifications (messages, receipts, revokes, user ids, …), one per
callback otherwise. Each event type belongs to exactly one kind, so a type names its stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from aiotim.enums import ConvEvent, NetworkStatus
from aiotim.errors import PayloadError
from aiotim.events import _decode as d
from aiotim.events import community, friends, groups, messages, profiles, signaling
from aiotim.events._decode import BatchDecoder, Decoder, Spec
from aiotim.events.session import (
    ConversationChanged,
    ConversationGroupCreated,
    ConversationGroupDeleted,
    ConversationGroupRenamed,
    ConversationsAddedToGroup,
    ConversationsDeletedFromGroup,
    ExperimentalNotify,
    KickedOffline,
    NetworkStatusChanged,
    SDKLogRecord,
    UnreadTotalByFilterChanged,
    UnreadTotalChanged,
    UserSigExpired,
)
from aiotim.models import Conversation, Message
from aiotim.models._json import get_str
from aiotim._abi import CALLBACK_SETTERS

__all__ = ["CATALOG", "EVENT_KINDS", "Entry", "decode_json", "decode_text"]

decode_text = d.text
decode_json = d.json


@dataclass(frozen=True, slots=True)
class Entry:
    """One notification kind: its setter, the event type, the decoder, and whether a payload
    yields one event per array element."""

    setter: str
    event: type
    decode: Decoder
    per_element: bool = False
    #: the same decoding for a run of notifications at once, where it is worth having (speed)
    decode_batch: BatchDecoder | None = None


def _new_messages(args: d.Args) -> list[Any]:
    return [Message.from_json(m) for m in d.array(args[0], "TIMAddRecvNewMsgCallback")]


_loads = orjson.loads
_message = Message.from_json


def _new_messages_batch(batch: list[d.Args]) -> list[Any]:
    # Every payload a JSON array of message objects: anything else raises here (not iterable,
    # or Message.from_json's PayloadError on a non-object) and the hub decodes the run again
    # with _new_messages, one payload at a time, which names the problem.
    return [_message(m) for (payload,) in batch for m in _loads(payload)]


_BATCH: dict[str, BatchDecoder] = {"TIMAddRecvNewMsgCallback": _new_messages_batch}


def _network(args: d.Args) -> list[Any]:
    kind = "TIMSetNetworkStatusListenerCallback"
    status, code, desc = args
    try:
        st = NetworkStatus(status)
    except ValueError:
        raise PayloadError(kind, f"unknown network status {status}") from None
    return [NetworkStatusChanged(st, d.integer(code, kind, "code"), d.text(desc, kind))]


def _conv_event(args: d.Args) -> list[Any]:
    kind = "TIMSetConvEventCallback"
    event, array = args
    try:
        ev = ConvEvent(event)
    except ValueError:
        raise PayloadError(kind, f"unknown conversation event {event}") from None
    return [ConversationChanged(ev, Conversation.from_json(c)) for c in d.array(array, kind)]


def _unread(args: d.Args) -> list[Any]:
    kind = "TIMSetConvTotalUnreadMessageCountChangedCallback"
    return [UnreadTotalChanged(d.integer(args[0], kind, "total_unread_count"))]


def _unread_filter(args: d.Args) -> list[Any]:
    kind = "TIMSetConvUnreadMessageCountChangedByFilterCallback"
    return [UnreadTotalByFilterChanged(d.obj(args[0], kind),
                                       d.integer(args[1], kind, "total_unread_count"), args)]


def _convs(value: bytes | None, kind: str) -> tuple[tuple[str, ...], tuple[Conversation, ...]]:
    # Conversation ids ("c2c_alice") or full conversation objects: accept both.
    ids: list[str] = []
    convs: list[Conversation] = []
    for item in d.array(value, kind):
        if isinstance(item, str):
            ids.append(item)
        else:
            conv = Conversation.from_json(item)
            convs.append(conv)
            ids.append(get_str(conv.raw, "conv_id", "conversation"))
    return tuple(ids), tuple(convs)


def _conv_group_created(args: d.Args) -> list[Any]:
    kind = "TIMSetConvConversationGroupCreatedCallback"
    return [ConversationGroupCreated(d.text(args[0], kind), *_convs(args[1], kind), args)]


def _conv_group_deleted(args: d.Args) -> list[Any]:
    return [ConversationGroupDeleted(
        d.text(args[0], "TIMSetConvConversationGroupDeletedCallback"), args)]


def _conv_group_renamed(args: d.Args) -> list[Any]:
    kind = "TIMSetConvConversationGroupNameChangedCallback"
    return [ConversationGroupRenamed(d.text(args[0], kind), d.text(args[1], kind), args)]


def _convs_added(args: d.Args) -> list[Any]:
    kind = "TIMSetConvConversationsAddedToGroupCallback"
    return [ConversationsAddedToGroup(d.text(args[0], kind), *_convs(args[1], kind), args)]


def _convs_deleted(args: d.Args) -> list[Any]:
    kind = "TIMSetConvConversationsDeletedFromGroupCallback"
    ids, convs = _convs(args[1], kind)
    return [ConversationsDeletedFromGroup(d.text(args[0], kind), ids, convs,
                                          d.integer(args[2], kind, "reason"), args)]


def _log(args: d.Args) -> list[Any]:
    kind = "TIMSetLogCallback"
    return [SDKLogRecord(d.integer(args[0], kind, "level"), d.text(args[1], kind), args)]


def _experimental(args: d.Args) -> list[Any]:
    kind = "TIMSetExperimentalNotifyCallback"
    data: Any = d.text(args[1], kind)
    if data[:1] in ("{", "["):
        data = d.json(args[1], kind)
    return [ExperimentalNotify(d.text(args[0], kind), data, args)]


_SESSION: dict[str, Spec] = {
    "TIMAddRecvNewMsgCallback": (Message, _new_messages, True),
    "TIMSetNetworkStatusListenerCallback": (NetworkStatusChanged, _network, False),
    "TIMSetKickedOfflineCallback": (KickedOffline, lambda args: [KickedOffline()], False),
    "TIMSetUserSigExpiredCallback": (UserSigExpired, lambda args: [UserSigExpired()], False),
    "TIMSetLogCallback": (SDKLogRecord, _log, False),
    "TIMSetExperimentalNotifyCallback": (ExperimentalNotify, _experimental, False),
    "TIMSetConvEventCallback": (ConversationChanged, _conv_event, True),
    "TIMSetConvTotalUnreadMessageCountChangedCallback": (UnreadTotalChanged, _unread, False),
    "TIMSetConvUnreadMessageCountChangedByFilterCallback": (
        UnreadTotalByFilterChanged, _unread_filter, False),
    "TIMSetConvConversationGroupCreatedCallback": (
        ConversationGroupCreated, _conv_group_created, False),
    "TIMSetConvConversationGroupDeletedCallback": (
        ConversationGroupDeleted, _conv_group_deleted, False),
    "TIMSetConvConversationGroupNameChangedCallback": (
        ConversationGroupRenamed, _conv_group_renamed, False),
    "TIMSetConvConversationsAddedToGroupCallback": (
        ConversationsAddedToGroup, _convs_added, False),
    "TIMSetConvConversationsDeletedFromGroupCallback": (
        ConversationsDeletedFromGroup, _convs_deleted, False),
}

_SPECS: dict[str, Spec] = {
    **_SESSION,
    **messages.SPECS,
    **groups.SPECS,
    **friends.SPECS,
    **profiles.SPECS,
    **signaling.SPECS,
    **community.SPECS,
}


def _build() -> dict[str, Entry]:
    missing = set(CALLBACK_SETTERS) - set(_SPECS)
    extra = set(_SPECS) - set(CALLBACK_SETTERS)
    if missing or extra:  # pragma: no cover - guarded by the catalog tests
        raise RuntimeError(f"event catalog out of step with the ABI: missing {sorted(missing)}, "
                           f"unknown {sorted(extra)}")
    return {setter: Entry(setter, *_SPECS[setter], decode_batch=_BATCH.get(setter))
            for setter in CALLBACK_SETTERS}


CATALOG: dict[str, Entry] = _build()

#: event type → the setter (notification kind) that carries it
EVENT_KINDS: dict[type, str] = {entry.event: setter for setter, entry in CATALOG.items()}
if len(EVENT_KINDS) != len(CATALOG):  # pragma: no cover - guarded by the catalog tests
    raise RuntimeError("an event type is shared by two notification kinds")
