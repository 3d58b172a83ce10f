"""Friendship events: friends added and deleted, friend profile updates, friend requests, the
blacklist, friend groups, official accounts and follow lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiotim.events import _decode as d
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
class FriendAdded:
    """``user_id`` became a friend (``TIMSetOnAddFriendCallback``, one event per user)."""

    user_id: str
    raw: list[Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FriendDeleted:
    """``user_id`` is no longer a friend (``TIMSetOnDeleteFriendCallback``, one per user)."""

    user_id: str
    raw: list[Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FriendProfileUpdated:
    """A friend's remark, groups or custom fields changed
    (``TIMSetUpdateFriendProfileCallback``, one event per friend)."""

    update: FriendProfileUpdate
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FriendRequestReceived:
    """Someone asked to become a friend (``TIMSetFriendAddRequestCallback``, one per request)."""

    request: FriendRequest
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FriendRequestDeleted:
    """The friend request of ``user_id`` is gone: accepted, refused or deleted
    (``TIMSetFriendApplicationListDeletedCallback``, one event per user)."""

    user_id: str
    raw: list[Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FriendRequestsRead:
    """The friend requests were marked read, e.g. on another device
    (``TIMSetFriendApplicationListReadCallback``)."""

    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class BlacklistAdded:
    """A user was added to the blacklist (``TIMSetFriendBlackListAddedCallback``, one per user)."""

    profile: FriendProfile
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def user_id(self) -> str:
        """The blacklisted user."""
        return self.profile.user_id


@dataclass(frozen=True, slots=True)
class BlacklistDeleted:
    """``user_id`` was removed from the blacklist (``TIMSetFriendBlackListDeletedCallback``,
    one event per user)."""

    user_id: str
    raw: list[Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FriendGroupCreated:
    """A friend group was created with these friends (``TIMSetFriendGroupCreatedCallback``)."""

    group_name: str
    friends: tuple[FriendProfile, ...]
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FriendGroupDeleted:
    """A friend group was deleted (``TIMSetFriendGroupDeletedCallback``, one per group)."""

    group_name: str
    raw: list[Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FriendGroupRenamed:
    """A friend group was renamed (``TIMSetFriendGroupNameChangedCallback``)."""

    old_name: str
    new_name: str
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FriendsAddedToGroup:
    """Friends were added to a friend group (``TIMSetFriendsAddedToGroupCallback``)."""

    group_name: str
    friends: tuple[FriendProfile, ...]
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FriendsDeletedFromGroup:
    """Friends were removed from a friend group (``TIMSetFriendsDeletedFromGroupCallback``)."""

    group_name: str
    user_ids: tuple[str, ...]
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class OfficialAccountSubscribed:
    """This user subscribed to an official account (``TIMSetOfficialAccountSubscribedCallback``)."""

    account: OfficialAccountInfo
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class OfficialAccountUnsubscribed:
    """This user unsubscribed from an official account
    (``TIMSetOfficialAccountUnsubscribedCallback``)."""

    account_id: str
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class OfficialAccountDeleted:
    """A subscribed official account was deleted (``TIMSetOfficialAccountDeletedCallback``)."""

    account_id: str
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class OfficialAccountChanged:
    """A subscribed official account's info changed
    (``TIMSetOfficialAccountInfoChangedCallback``)."""

    account: OfficialAccountInfo
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FollowingListChanged:
    """Users were added to (``is_add``) or removed from the list this user follows
    (``TIMSetMyFollowingListChangedCallback``)."""

    users: tuple[UserProfile, ...]
    is_add: bool
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class FollowersListChanged:
    """Users started (``is_add``) or stopped following this user
    (``TIMSetMyFollowersListChangedCallback``)."""

    users: tuple[UserProfile, ...]
    is_add: bool
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class MutualFollowersListChanged:
    """Users were added to (``is_add``) or removed from the mutual followers
    (``TIMSetMutualFollowersListChangedCallback``)."""

    users: tuple[UserProfile, ...]
    is_add: bool
    raw: tuple[Any, ...] = field(repr=False, compare=False)


# -- decoders ---------------------------------------------------------------------------------


def _per_id(kind: str, event: type) -> d.Decoder:
    def decode(args: d.Args) -> list[Any]:
        ids = d.strings(args[0], kind)
        raw = list(ids)
        return [event(i, raw) for i in ids]
    return decode


def _per_object(kind: str, event: type, model: Any) -> d.Decoder:
    def decode(args: d.Args) -> list[Any]:
        return [event(model.from_json(o), o) for o in d.array(args[0], kind)]
    return decode


def _one_object(kind: str, event: type, model: Any) -> d.Decoder:
    def decode(args: d.Args) -> list[Any]:
        o = d.obj(args[0], kind)
        return [event(model.from_json(o), o)]
    return decode


def _one_id(kind: str, event: type) -> d.Decoder:
    def decode(args: d.Args) -> list[Any]:
        return [event(d.text(args[0], kind), args)]
    return decode


def _follow(kind: str, event: type) -> d.Decoder:
    def decode(args: d.Args) -> list[Any]:
        users = tuple(UserProfile.from_json(u) for u in d.array(args[0], kind))
        return [event(users, d.boolean(args[1], kind, "is_add"), args)]
    return decode


def _group_friends(kind: str, event: type) -> d.Decoder:
    def decode(args: d.Args) -> list[Any]:
        friends = tuple(FriendProfile.from_json(f) for f in d.array(args[1], kind))
        return [event(d.text(args[0], kind), friends, args)]
    return decode


def _friend_group_deleted(args: d.Args) -> list[Any]:
    names = d.strings(args[0], "TIMSetFriendGroupDeletedCallback")
    return [FriendGroupDeleted(n, list(names)) for n in names]


def _friend_group_renamed(args: d.Args) -> list[Any]:
    kind = "TIMSetFriendGroupNameChangedCallback"
    return [FriendGroupRenamed(d.text(args[0], kind), d.text(args[1], kind), args)]


def _friends_deleted_from_group(args: d.Args) -> list[Any]:
    kind = "TIMSetFriendsDeletedFromGroupCallback"
    return [FriendsDeletedFromGroup(d.text(args[0], kind), d.strings(args[1], kind), args)]


SPECS: dict[str, d.Spec] = {
    "TIMSetOnAddFriendCallback": (
        FriendAdded, _per_id("TIMSetOnAddFriendCallback", FriendAdded), True),
    "TIMSetOnDeleteFriendCallback": (
        FriendDeleted, _per_id("TIMSetOnDeleteFriendCallback", FriendDeleted), True),
    "TIMSetUpdateFriendProfileCallback": (
        FriendProfileUpdated, _per_object("TIMSetUpdateFriendProfileCallback",
                                          FriendProfileUpdated, FriendProfileUpdate), True),
    "TIMSetFriendAddRequestCallback": (
        FriendRequestReceived, _per_object("TIMSetFriendAddRequestCallback",
                                           FriendRequestReceived, FriendRequest), True),
    "TIMSetFriendApplicationListDeletedCallback": (
        FriendRequestDeleted,
        _per_id("TIMSetFriendApplicationListDeletedCallback", FriendRequestDeleted), True),
    "TIMSetFriendApplicationListReadCallback": (
        FriendRequestsRead, lambda args: [FriendRequestsRead(args)], False),
    "TIMSetFriendBlackListAddedCallback": (
        BlacklistAdded, _per_object("TIMSetFriendBlackListAddedCallback",
                                    BlacklistAdded, FriendProfile), True),
    "TIMSetFriendBlackListDeletedCallback": (
        BlacklistDeleted, _per_id("TIMSetFriendBlackListDeletedCallback", BlacklistDeleted),
        True),
    "TIMSetFriendGroupCreatedCallback": (
        FriendGroupCreated, _group_friends("TIMSetFriendGroupCreatedCallback",
                                           FriendGroupCreated), False),
    "TIMSetFriendGroupDeletedCallback": (FriendGroupDeleted, _friend_group_deleted, True),
    "TIMSetFriendGroupNameChangedCallback": (FriendGroupRenamed, _friend_group_renamed, False),
    "TIMSetFriendsAddedToGroupCallback": (
        FriendsAddedToGroup, _group_friends("TIMSetFriendsAddedToGroupCallback",
                                            FriendsAddedToGroup), False),
    "TIMSetFriendsDeletedFromGroupCallback": (
        FriendsDeletedFromGroup, _friends_deleted_from_group, False),
    "TIMSetOfficialAccountSubscribedCallback": (
        OfficialAccountSubscribed, _one_object("TIMSetOfficialAccountSubscribedCallback",
                                               OfficialAccountSubscribed, OfficialAccountInfo),
        False),
    "TIMSetOfficialAccountUnsubscribedCallback": (
        OfficialAccountUnsubscribed,
        _one_id("TIMSetOfficialAccountUnsubscribedCallback", OfficialAccountUnsubscribed), False),
    "TIMSetOfficialAccountDeletedCallback": (
        OfficialAccountDeleted,
        _one_id("TIMSetOfficialAccountDeletedCallback", OfficialAccountDeleted), False),
    "TIMSetOfficialAccountInfoChangedCallback": (
        OfficialAccountChanged, _one_object("TIMSetOfficialAccountInfoChangedCallback",
                                            OfficialAccountChanged, OfficialAccountInfo), False),
    "TIMSetMyFollowingListChangedCallback": (
        FollowingListChanged, _follow("TIMSetMyFollowingListChangedCallback",
                                      FollowingListChanged), False),
    "TIMSetMyFollowersListChangedCallback": (
        FollowersListChanged, _follow("TIMSetMyFollowersListChangedCallback",
                                      FollowersListChanged), False),
    "TIMSetMutualFollowersListChangedCallback": (
        MutualFollowersListChanged, _follow("TIMSetMutualFollowersListChangedCallback",
                                            MutualFollowersListChanged), False),
}
