"""Conversation events: conversations added, deleted and updated, the unread totals, and the
conversation groups (created, deleted, renamed, conversations added and removed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiotim.enums import ConvEvent
from aiotim.errors import PayloadError
from aiotim.events import _decode as d
from aiotim.events.base import Event
from aiotim.models import Conversation
from aiotim.models._json import JSONObject, get_str

__all__ = [
    "ConversationChanged",
    "ConversationGroupCreated",
    "ConversationGroupDeleted",
    "ConversationGroupRenamed",
    "ConversationsAddedToGroup",
    "ConversationsDeletedFromGroup",
    "UnreadTotalByFilterChanged",
    "UnreadTotalChanged",
]


@dataclass(frozen=True, slots=True)
class ConversationChanged(Event):
    """A conversation was added, deleted or updated (``TIMSetConvEventCallback``, one event per
    conversation)."""

    event: ConvEvent
    conversation: Conversation


@dataclass(frozen=True, slots=True)
class UnreadTotalChanged(Event):
    """The total unread count changed
    (``TIMSetConvTotalUnreadMessageCountChangedCallback``)."""

    total: int


@dataclass(frozen=True, slots=True)
class UnreadTotalByFilterChanged(Event):
    """The unread count of the conversations matching ``filter`` changed
    (``TIMSetConvUnreadMessageCountChangedByFilterCallback``); ``filter`` is the
    ``TIMConversationListFilter`` JSON the count was subscribed with."""

    filter: JSONObject = field(hash=False)
    total: int


@dataclass(frozen=True, slots=True)
class ConversationGroupCreated(Event):
    """A conversation group was created with these conversations
    (``TIMSetConvConversationGroupCreatedCallback``). ``conv_ids`` lists every conversation;
    ``conversations`` those the SDK sent as full conversation objects."""

    group_name: str
    conv_ids: tuple[str, ...]
    conversations: tuple[Conversation, ...]


@dataclass(frozen=True, slots=True)
class ConversationGroupDeleted(Event):
    """A conversation group was deleted (``TIMSetConvConversationGroupDeletedCallback``)."""

    group_name: str


@dataclass(frozen=True, slots=True)
class ConversationGroupRenamed(Event):
    """A conversation group was renamed (``TIMSetConvConversationGroupNameChangedCallback``)."""

    old_name: str
    new_name: str


@dataclass(frozen=True, slots=True)
class ConversationsAddedToGroup(Event):
    """Conversations were added to a conversation group
    (``TIMSetConvConversationsAddedToGroupCallback``)."""

    group_name: str
    conv_ids: tuple[str, ...]
    conversations: tuple[Conversation, ...]


@dataclass(frozen=True, slots=True)
class ConversationsDeletedFromGroup(Event):
    """Conversations were removed from a conversation group
    (``TIMSetConvConversationsDeletedFromGroupCallback``); ``reason`` 0: by the user, 1: the
    group was full and the oldest were dropped."""

    group_name: str
    conv_ids: tuple[str, ...]
    conversations: tuple[Conversation, ...]
    reason: int


# -- decoders ---------------------------------------------------------------------------------


def _conv_event(args: d.Args) -> list[Event]:
    kind = "TIMSetConvEventCallback"
    event, array = args
    try:
        ev = ConvEvent(event)
    except ValueError:
        raise PayloadError(kind, f"unknown conversation event {event}") from None

    def build(c: Any) -> Event:
        conv = Conversation.from_json(c)
        return ConversationChanged(ev, conv, raw=conv.raw)

    return d.each(d.array(array, kind), build)


def _unread(args: d.Args) -> list[Event]:
    kind = "TIMSetConvTotalUnreadMessageCountChangedCallback"
    total = d.integer(args[0], kind, "total_unread_count")
    return [UnreadTotalChanged(total, raw=d.payload(kind, total))]


def _unread_filter(args: d.Args) -> list[Event]:
    kind = "TIMSetConvUnreadMessageCountChangedByFilterCallback"
    filt = d.obj(args[0], kind)
    total = d.integer(args[1], kind, "total_unread_count")
    return [UnreadTotalByFilterChanged(filt, total, raw=d.payload(kind, filt, total))]


def _convs(items: list[object]) -> tuple[tuple[str, ...], tuple[Conversation, ...]]:
    # Conversation ids ("c2c_alice") or full conversation objects: accept both.
    ids: list[str] = []
    convs: list[Conversation] = []
    for item in items:
        if isinstance(item, str):
            ids.append(item)
        else:
            conv = Conversation.from_json(item)
            convs.append(conv)
            ids.append(get_str(conv.raw, "conv_id", "conversation"))
    return tuple(ids), tuple(convs)


def _conv_group_created(args: d.Args) -> list[Event]:
    kind = "TIMSetConvConversationGroupCreatedCallback"
    name, items = d.text(args[0], kind), d.array(args[1], kind)
    return [ConversationGroupCreated(name, *_convs(items), raw=d.payload(kind, name, items))]


def _conv_group_deleted(args: d.Args) -> list[Event]:
    kind = "TIMSetConvConversationGroupDeletedCallback"
    name = d.text(args[0], kind)
    return [ConversationGroupDeleted(name, raw=d.payload(kind, name))]


def _conv_group_renamed(args: d.Args) -> list[Event]:
    kind = "TIMSetConvConversationGroupNameChangedCallback"
    old, new = d.text(args[0], kind), d.text(args[1], kind)
    return [ConversationGroupRenamed(old, new, raw=d.payload(kind, old, new))]


def _convs_added(args: d.Args) -> list[Event]:
    kind = "TIMSetConvConversationsAddedToGroupCallback"
    name, items = d.text(args[0], kind), d.array(args[1], kind)
    return [ConversationsAddedToGroup(name, *_convs(items), raw=d.payload(kind, name, items))]


def _convs_deleted(args: d.Args) -> list[Event]:
    kind = "TIMSetConvConversationsDeletedFromGroupCallback"
    name, items = d.text(args[0], kind), d.array(args[1], kind)
    reason = d.integer(args[2], kind, "reason")
    ids, convs = _convs(items)
    return [
        ConversationsDeletedFromGroup(
            name, ids, convs, reason, raw=d.payload(kind, name, items, reason)
        )
    ]


SPECS: dict[str, d.Spec] = {
    "TIMSetConvEventCallback": (ConversationChanged, _conv_event, True),
    "TIMSetConvTotalUnreadMessageCountChangedCallback": (UnreadTotalChanged, _unread, False),
    "TIMSetConvUnreadMessageCountChangedByFilterCallback": (
        UnreadTotalByFilterChanged,
        _unread_filter,
        False,
    ),
    "TIMSetConvConversationGroupCreatedCallback": (
        ConversationGroupCreated,
        _conv_group_created,
        False,
    ),
    "TIMSetConvConversationGroupDeletedCallback": (
        ConversationGroupDeleted,
        _conv_group_deleted,
        False,
    ),
    "TIMSetConvConversationGroupNameChangedCallback": (
        ConversationGroupRenamed,
        _conv_group_renamed,
        False,
    ),
    "TIMSetConvConversationsAddedToGroupCallback": (ConversationsAddedToGroup, _convs_added, False),
    "TIMSetConvConversationsDeletedFromGroupCallback": (
        ConversationsDeletedFromGroup,
        _convs_deleted,
        False,
    ),
}
