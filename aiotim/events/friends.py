"""Friendship events: friends added and deleted, friend profile updates, friend requests, the
blacklist, friend groups, official accounts and follow lists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from aiotim.events import _decode as d
from aiotim.events.base import Event
from aiotim.models._json import JSONObject
from aiotim.models.profile import (
    FriendProfile,
    FriendProfileUpdate,
    FriendRequest,
    OfficialAccountInfo,
    UserProfile,
)

__all__ = [
    "BlacklistAdded",
    "BlacklistDeleted",
    "FollowersListChanged",
    "FollowingListChanged",
    "FriendAdded",
    "FriendDeleted",
    "FriendGroupCreated",
    "FriendGroupDeleted",
    "FriendGroupRenamed",
    "FriendProfileUpdated",
    "FriendRequestDeleted",
    "FriendRequestReceived",
    "FriendRequestsRead",
    "FriendsAddedToGroup",
    "FriendsDeletedFromGroup",
    "MutualFollowersListChanged",
    "OfficialAccountChanged",
    "OfficialAccountDeleted",
    "OfficialAccountSubscribed",
    "OfficialAccountUnsubscribed",
]


@dataclass(frozen=True, slots=True)
class FriendAdded(Event):
    """``user_id`` became a friend (``TIMSetOnAddFriendCallback``, one event per user)."""

    user_id: str


@dataclass(frozen=True, slots=True)
class FriendDeleted(Event):
    """``user_id`` is no longer a friend (``TIMSetOnDeleteFriendCallback``, one per user)."""

    user_id: str


@dataclass(frozen=True, slots=True)
class FriendProfileUpdated(Event):
    """A friend's remark, groups or custom fields changed
    (``TIMSetUpdateFriendProfileCallback``, one event per friend)."""

    update: FriendProfileUpdate


@dataclass(frozen=True, slots=True)
class FriendRequestReceived(Event):
    """Someone asked to become a friend (``TIMSetFriendAddRequestCallback``, one per request)."""

    request: FriendRequest


@dataclass(frozen=True, slots=True)
class FriendRequestDeleted(Event):
    """The friend request of ``user_id`` is gone: accepted, refused or deleted
    (``TIMSetFriendApplicationListDeletedCallback``, one event per user)."""

    user_id: str


@dataclass(frozen=True, slots=True)
class FriendRequestsRead(Event):
    """The friend requests were marked read, e.g. on another device
    (``TIMSetFriendApplicationListReadCallback``)."""


@dataclass(frozen=True, slots=True)
class BlacklistAdded(Event):
    """A user was added to the blacklist (``TIMSetFriendBlackListAddedCallback``, one per user)."""

    profile: FriendProfile

    @property
    def user_id(self) -> str:
        """The blacklisted user."""
        return self.profile.user_id


@dataclass(frozen=True, slots=True)
class BlacklistDeleted(Event):
    """``user_id`` was removed from the blacklist (``TIMSetFriendBlackListDeletedCallback``,
    one event per user)."""

    user_id: str


@dataclass(frozen=True, slots=True)
class FriendGroupCreated(Event):
    """A friend group was created with these friends (``TIMSetFriendGroupCreatedCallback``)."""

    group_name: str
    friends: tuple[FriendProfile, ...]


@dataclass(frozen=True, slots=True)
class FriendGroupDeleted(Event):
    """A friend group was deleted (``TIMSetFriendGroupDeletedCallback``, one per group)."""

    group_name: str


@dataclass(frozen=True, slots=True)
class FriendGroupRenamed(Event):
    """A friend group was renamed (``TIMSetFriendGroupNameChangedCallback``)."""

    old_name: str
    new_name: str


@dataclass(frozen=True, slots=True)
class FriendsAddedToGroup(Event):
    """Friends were added to a friend group (``TIMSetFriendsAddedToGroupCallback``)."""

    group_name: str
    friends: tuple[FriendProfile, ...]


@dataclass(frozen=True, slots=True)
class FriendsDeletedFromGroup(Event):
    """Friends were removed from a friend group (``TIMSetFriendsDeletedFromGroupCallback``)."""

    group_name: str
    user_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OfficialAccountSubscribed(Event):
    """This user subscribed to an official account (``TIMSetOfficialAccountSubscribedCallback``)."""

    account: OfficialAccountInfo


@dataclass(frozen=True, slots=True)
class OfficialAccountUnsubscribed(Event):
    """This user unsubscribed from an official account
    (``TIMSetOfficialAccountUnsubscribedCallback``)."""

    account_id: str


@dataclass(frozen=True, slots=True)
class OfficialAccountDeleted(Event):
    """A subscribed official account was deleted (``TIMSetOfficialAccountDeletedCallback``)."""

    account_id: str


@dataclass(frozen=True, slots=True)
class OfficialAccountChanged(Event):
    """A subscribed official account's info changed
    (``TIMSetOfficialAccountInfoChangedCallback``)."""

    account: OfficialAccountInfo


@dataclass(frozen=True, slots=True)
class FollowingListChanged(Event):
    """Users were added to (``is_add``) or removed from the list this user follows
    (``TIMSetMyFollowingListChangedCallback``)."""

    users: tuple[UserProfile, ...]
    is_add: bool


@dataclass(frozen=True, slots=True)
class FollowersListChanged(Event):
    """Users started (``is_add``) or stopped following this user
    (``TIMSetMyFollowersListChangedCallback``)."""

    users: tuple[UserProfile, ...]
    is_add: bool


@dataclass(frozen=True, slots=True)
class MutualFollowersListChanged(Event):
    """Users were added to (``is_add``) or removed from the mutual followers
    (``TIMSetMutualFollowersListChangedCallback``)."""

    users: tuple[UserProfile, ...]
    is_add: bool


# -- decoders ---------------------------------------------------------------------------------


class _Model(Protocol):
    @property
    def raw(self) -> JSONObject: ...


def _per_id(kind: str, event: Callable[..., Event]) -> d.Decoder:
    def decode(args: d.Args) -> list[Event]:
        return d.per_id(
            args[0], kind, lambda ids: d.payload(kind, ids), lambda i, raw: event(i, raw=raw)
        )

    return decode


def _per_object(
    kind: str, event: Callable[..., Event], model: Callable[[Any], _Model]
) -> d.Decoder:
    def decode(args: d.Args) -> list[Event]:
        return d.events_of(d.array(args[0], kind), model, event)

    return decode


def _one_object(
    kind: str, event: Callable[..., Event], model: Callable[[Any], _Model]
) -> d.Decoder:
    def decode(args: d.Args) -> list[Event]:
        item = model(d.obj(args[0], kind))
        return [event(item, raw=item.raw)]

    return decode


def _one_id(kind: str, event: Callable[..., Event]) -> d.Decoder:
    def decode(args: d.Args) -> list[Event]:
        account_id = d.an_id(args[0], kind)
        return [event(account_id, raw=d.payload(kind, account_id))]

    return decode


def _follow(kind: str, event: Callable[..., Event]) -> d.Decoder:
    def decode(args: d.Args) -> list[Event]:
        items = d.array(args[0], kind)
        users = tuple(UserProfile.from_json(u) for u in items)
        is_add = d.boolean(args[1], kind, "is_add")
        return [event(users, is_add, raw=d.payload(kind, items, is_add))]

    return decode


def _group_friends(kind: str, event: Callable[..., Event]) -> d.Decoder:
    def decode(args: d.Args) -> list[Event]:
        name, items = d.text(args[0], kind), d.array(args[1], kind)
        friends = tuple(FriendProfile.from_json(f) for f in items)
        return [event(name, friends, raw=d.payload(kind, name, items))]

    return decode


def _requests_read(args: d.Args) -> list[Event]:
    return [FriendRequestsRead(raw=d.payload("TIMSetFriendApplicationListReadCallback"))]


def _friend_group_deleted(args: d.Args) -> list[Event]:
    kind = "TIMSetFriendGroupDeletedCallback"
    names = d.strings(args[0], kind)
    raw = d.payload(kind, list(names))
    return [FriendGroupDeleted(n, raw=raw) for n in names]


def _friend_group_renamed(args: d.Args) -> list[Event]:
    kind = "TIMSetFriendGroupNameChangedCallback"
    old, new = d.text(args[0], kind), d.text(args[1], kind)
    return [FriendGroupRenamed(old, new, raw=d.payload(kind, old, new))]


def _friends_deleted_from_group(args: d.Args) -> list[Event]:
    kind = "TIMSetFriendsDeletedFromGroupCallback"
    name, ids = d.text(args[0], kind), d.strings(args[1], kind)
    return [FriendsDeletedFromGroup(name, ids, raw=d.payload(kind, name, list(ids)))]


SPECS: dict[str, d.Spec] = {
    "TIMSetOnAddFriendCallback": (
        FriendAdded,
        _per_id("TIMSetOnAddFriendCallback", FriendAdded),
        True,
    ),
    "TIMSetOnDeleteFriendCallback": (
        FriendDeleted,
        _per_id("TIMSetOnDeleteFriendCallback", FriendDeleted),
        True,
    ),
    "TIMSetUpdateFriendProfileCallback": (
        FriendProfileUpdated,
        _per_object(
            "TIMSetUpdateFriendProfileCallback", FriendProfileUpdated, FriendProfileUpdate.from_json
        ),
        True,
    ),
    "TIMSetFriendAddRequestCallback": (
        FriendRequestReceived,
        _per_object(
            "TIMSetFriendAddRequestCallback", FriendRequestReceived, FriendRequest.from_json
        ),
        True,
    ),
    "TIMSetFriendApplicationListDeletedCallback": (
        FriendRequestDeleted,
        _per_id("TIMSetFriendApplicationListDeletedCallback", FriendRequestDeleted),
        True,
    ),
    "TIMSetFriendApplicationListReadCallback": (FriendRequestsRead, _requests_read, False),
    "TIMSetFriendBlackListAddedCallback": (
        BlacklistAdded,
        _per_object("TIMSetFriendBlackListAddedCallback", BlacklistAdded, FriendProfile.from_json),
        True,
    ),
    "TIMSetFriendBlackListDeletedCallback": (
        BlacklistDeleted,
        _per_id("TIMSetFriendBlackListDeletedCallback", BlacklistDeleted),
        True,
    ),
    "TIMSetFriendGroupCreatedCallback": (
        FriendGroupCreated,
        _group_friends("TIMSetFriendGroupCreatedCallback", FriendGroupCreated),
        False,
    ),
    "TIMSetFriendGroupDeletedCallback": (FriendGroupDeleted, _friend_group_deleted, True),
    "TIMSetFriendGroupNameChangedCallback": (FriendGroupRenamed, _friend_group_renamed, False),
    "TIMSetFriendsAddedToGroupCallback": (
        FriendsAddedToGroup,
        _group_friends("TIMSetFriendsAddedToGroupCallback", FriendsAddedToGroup),
        False,
    ),
    "TIMSetFriendsDeletedFromGroupCallback": (
        FriendsDeletedFromGroup,
        _friends_deleted_from_group,
        False,
    ),
    "TIMSetOfficialAccountSubscribedCallback": (
        OfficialAccountSubscribed,
        _one_object(
            "TIMSetOfficialAccountSubscribedCallback",
            OfficialAccountSubscribed,
            OfficialAccountInfo.from_json,
        ),
        False,
    ),
    "TIMSetOfficialAccountUnsubscribedCallback": (
        OfficialAccountUnsubscribed,
        _one_id("TIMSetOfficialAccountUnsubscribedCallback", OfficialAccountUnsubscribed),
        False,
    ),
    "TIMSetOfficialAccountDeletedCallback": (
        OfficialAccountDeleted,
        _one_id("TIMSetOfficialAccountDeletedCallback", OfficialAccountDeleted),
        False,
    ),
    "TIMSetOfficialAccountInfoChangedCallback": (
        OfficialAccountChanged,
        _one_object(
            "TIMSetOfficialAccountInfoChangedCallback",
            OfficialAccountChanged,
            OfficialAccountInfo.from_json,
        ),
        False,
    ),
    "TIMSetMyFollowingListChangedCallback": (
        FollowingListChanged,
        _follow("TIMSetMyFollowingListChangedCallback", FollowingListChanged),
        False,
    ),
    "TIMSetMyFollowersListChangedCallback": (
        FollowersListChanged,
        _follow("TIMSetMyFollowersListChangedCallback", FollowersListChanged),
        False,
    ),
    "TIMSetMutualFollowersListChangedCallback": (
        MutualFollowersListChanged,
        _follow("TIMSetMutualFollowersListChangedCallback", MutualFollowersListChanged),
        False,
    ),
}
