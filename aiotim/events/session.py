"""Event types: small frozen, slotted dataclasses; each keeps the callback's raw payload."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiotim.enums import ConvEvent, NetworkStatus
from aiotim.models import Conversation

__all__ = [
    "ConversationChanged",
    "ConversationGroupCreated",
    "ConversationGroupDeleted",
    "ConversationGroupRenamed",
    "ConversationsAddedToGroup",
    "ConversationsDeletedFromGroup",
    "ExperimentalNotify",
    "KickedOffline",
    "NetworkStatusChanged",
    "RawEvent",
    "SDKLogRecord",
    "UnreadTotalByFilterChanged",
    "UnreadTotalChanged",
    "UserSigExpired",
]


@dataclass(frozen=True, slots=True)
class NetworkStatusChanged:
    """The SDK's connection to the IM cloud changed (``TIMSetNetworkStatusListenerCallback``)."""

    status: NetworkStatus
    code: int
    desc: str


@dataclass(frozen=True, slots=True)
class KickedOffline:
    """This user logged in elsewhere and this client was logged out
    (``TIMSetKickedOfflineCallback``)."""


@dataclass(frozen=True, slots=True)
class UserSigExpired:
    """The UserSig expired while logged in; log in again with a fresh one
    (``TIMSetUserSigExpiredCallback``)."""


@dataclass(frozen=True, slots=True)
class ConversationChanged:
    """A conversation was added, deleted or updated (``TIMSetConvEventCallback``)."""

    event: ConvEvent
    conversation: Conversation


@dataclass(frozen=True, slots=True)
class UnreadTotalChanged:
    """The total unread count changed
    (``TIMSetConvTotalUnreadMessageCountChangedCallback``)."""

    total: int


@dataclass(frozen=True, slots=True)
class UnreadTotalByFilterChanged:
    """The unread count of the conversations matching ``filter`` changed
    (``TIMSetConvUnreadMessageCountChangedByFilterCallback``); ``filter`` is the
    ``TIMConversationListFilter`` JSON the count was subscribed with."""

    filter: dict[str, Any] = field(hash=False)
    total: int
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ConversationGroupCreated:
    """A conversation group was created with these conversations
    (``TIMSetConvConversationGroupCreatedCallback``). ``conv_ids`` lists every conversation;
    ``conversations`` those the SDK sent as full conversation objects."""

    group_name: str
    conv_ids: tuple[str, ...]
    conversations: tuple[Conversation, ...]
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ConversationGroupDeleted:
    """A conversation group was deleted (``TIMSetConvConversationGroupDeletedCallback``)."""

    group_name: str
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ConversationGroupRenamed:
    """A conversation group was renamed (``TIMSetConvConversationGroupNameChangedCallback``)."""

    old_name: str
    new_name: str
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ConversationsAddedToGroup:
    """Conversations were added to a conversation group
    (``TIMSetConvConversationsAddedToGroupCallback``)."""

    group_name: str
    conv_ids: tuple[str, ...]
    conversations: tuple[Conversation, ...]
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ConversationsDeletedFromGroup:
    """Conversations were removed from a conversation group
    (``TIMSetConvConversationsDeletedFromGroupCallback``); ``reason`` 0: by the user, 1: the
    group was full and the oldest were dropped."""

    group_name: str
    conv_ids: tuple[str, ...]
    conversations: tuple[Conversation, ...]
    reason: int
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class SDKLogRecord:
    """A line of the SDK's own log (``TIMSetLogCallback``); aiotim also forwards these to the
    ``aiotim.sdk`` logger. ``level`` is a :class:`aiotim.enums.LogLevel` value."""

    level: int
    text: str
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ExperimentalNotify:
    """An experimental notification of the SDK (``TIMSetExperimentalNotifyCallback``): a key
    and its data, JSON-decoded when it is JSON (else the text)."""

    key: str
    data: Any = field(hash=False)
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class RawEvent:
    """A notification as the setter's name and its decoded arguments (``str`` for strings,
    JSON-decoded for the ``json_*``/array/info parameters). Every kind of the catalog has a
    typed event; this stays for code that builds its own raw view."""

    setter: str
    args: dict[str, Any]
    raw: tuple[Any, ...] = field(repr=False, compare=False)
