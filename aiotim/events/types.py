"""Event types: small frozen, slotted dataclasses; each keeps the callback's raw payload."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiotim.enums import ConvEvent, NetworkStatus
from aiotim.models import Conversation

__all__ = [
    "ConversationChanged",
    "KickedOffline",
    "NetworkStatusChanged",
    "RawEvent",
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
class RawEvent:
    """A notification with no typed event yet: the setter's name and its decoded arguments
    (``str`` for strings, JSON-decoded for the ``json_*``/array/info parameters)."""

    setter: str
    args: dict[str, Any]
    raw: tuple[Any, ...] = field(repr=False, compare=False)
