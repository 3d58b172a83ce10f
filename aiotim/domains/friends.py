"""``client.friends``: the relationship chain and its streams."""

from __future__ import annotations

from collections.abc import Callable

from aiotim.domains._base import Domain
from aiotim.events.friends import (
    BlacklistAdded,
    BlacklistDeleted,
    FriendAdded,
    FriendDeleted,
    FriendRequestReceived,
)
from aiotim.events.stream import Stream

__all__ = ["Friends"]


class Friends(Domain):
    """Friends, friend requests and the blocklist."""

    __slots__ = ()

    def added(
        self,
        *,
        where: Callable[[FriendAdded], bool] | None = None,
    ) -> Stream[FriendAdded]:
        """Users who became friends, one event per user (``TIMSetOnAddFriendCallback``)."""
        return self._core._stream("TIMSetOnAddFriendCallback", where)

    def deleted(
        self,
        *,
        where: Callable[[FriendDeleted], bool] | None = None,
    ) -> Stream[FriendDeleted]:
        """Users who are no longer friends, one event per user
        (``TIMSetOnDeleteFriendCallback``)."""
        return self._core._stream("TIMSetOnDeleteFriendCallback", where)

    def new_requests(
        self,
        *,
        where: Callable[[FriendRequestReceived], bool] | None = None,
    ) -> Stream[FriendRequestReceived]:
        """Incoming friend requests, one event per request
        (``TIMSetFriendAddRequestCallback``)."""
        return self._core._stream("TIMSetFriendAddRequestCallback", where)

    def blocklist_added(
        self,
        *,
        where: Callable[[BlacklistAdded], bool] | None = None,
    ) -> Stream[BlacklistAdded]:
        """Users added to the blocklist, one event per user
        (``TIMSetFriendBlackListAddedCallback``)."""
        return self._core._stream("TIMSetFriendBlackListAddedCallback", where)

    def blocklist_removed(
        self,
        *,
        where: Callable[[BlacklistDeleted], bool] | None = None,
    ) -> Stream[BlacklistDeleted]:
        """Users removed from the blocklist, one event per user
        (``TIMSetFriendBlackListDeletedCallback``)."""
        return self._core._stream("TIMSetFriendBlackListDeletedCallback", where)
