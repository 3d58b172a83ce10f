"""``client.friends``: the relationship chain and its streams."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson

from aiotim.domains._base import Domain
from aiotim.errors import TIMError
from aiotim.events.friends import (
    BlacklistAdded,
    BlacklistDeleted,
    FollowersListChanged,
    FollowingListChanged,
    FriendAdded,
    FriendDeleted,
    FriendRequestDeleted,
    FriendRequestReceived,
    MutualFollowersListChanged,
)
from aiotim.events.stream import Stream
from aiotim.models.profile import (
    FollowInfo,
    FollowResult,
    FollowTypeResult,
    FriendCheckResult,
    FriendGroupInfo,
    FriendInfo,
    FriendProfile,
    FriendRequest,
    FriendResult,
    UserProfile,
)

__all__ = ["Friends"]


class Friends(Domain):
    """Friends, friend requests, the blocklist and friend groups (TIMFriendshipManager.h)."""

    __slots__ = ()

    # -- the friend list ---------------------------------------------------------------------

    async def list(self) -> tuple[FriendProfile, ...]:
        """The friend list (``TIMFriendshipGetFriendProfileList``)."""
        data = await self._core.call_raw("TIMFriendshipGetFriendProfileList")
        return tuple(FriendProfile.from_json(f) for f in data or [])

    async def info(self, user_ids: Iterable[str]) -> tuple[FriendInfo, ...]:
        """These users as seen from the friend list: relation and friend profile
        (``TIMFriendshipGetFriendsInfo``)."""
        ids = _ids(user_ids)
        data = await self._core.call_raw("TIMFriendshipGetFriendsInfo", orjson.dumps(ids))
        return tuple(FriendInfo.from_json(f) for f in data or [])

    async def set_info(
        self,
        user_id: str,
        *,
        remark: str | None = None,
        groups: Iterable[str] | None = None,
        custom: Mapping[str, str] | None = None,
    ) -> None:
        """Change a friend's remark, friend groups or custom fields; ``None`` keeps a field
        (``TIMFriendshipModifyFriendProfile``)."""
        item: dict[str, Any] = {}
        if remark is not None:
            item["friend_profile_item_remark"] = _text(remark, "remark")
        if groups is not None:
            item["friend_profile_item_group_name_array"] = _ids(groups, what="groups", empty=True)
        if custom is not None:
            item["friend_profile_item_custom_string_array"] = [
                {
                    "friend_profile_custom_string_info_key": _text(k, "custom key"),
                    "friend_profile_custom_string_info_value": _text(v, "custom value"),
                }
                for k, v in custom.items()
            ]
        if not item:
            raise ValueError("set_info: nothing to change (remark=, groups= or custom=)")
        param = {
            "friendship_modify_friend_profile_param_identifier": _user(user_id),
            "friendship_modify_friend_profile_param_item": item,
        }
        await self._core.call_raw("TIMFriendshipModifyFriendProfile", orjson.dumps(param))

    async def check(
        self, user_ids: Iterable[str], *, both_ways: bool = True
    ) -> tuple[FriendCheckResult, ...]:
        """The relation with each user: with ``both_ways`` the full 0-3 relation, else only
        whether they are in my list (``TIMFriendshipCheckFriendType``)."""
        param = {
            "friendship_check_friendtype_param_check_type": 1 if both_ways else 0,
            "friendship_check_friendtype_param_identifier_array": _ids(user_ids),
        }
        data = await self._core.call_raw("TIMFriendshipCheckFriendType", orjson.dumps(param))
        return tuple(FriendCheckResult.from_json(r) for r in data or [])

    async def search(
        self, keywords: Iterable[str], *, fields: Iterable[int] = (1, 2, 4)
    ) -> tuple[FriendProfile, ...]:
        """Friends whose id (1), nickname (2) or remark (4) contains a keyword (at most 5)
        (``TIMFriendshipSearchFriends``)."""
        words = _ids(keywords, what="keywords")
        if len(words) > 5:
            raise ValueError("search: at most 5 keywords")
        param = {
            "friendship_search_param_keyword_list": words,
            "friendship_search_param_search_field_list": [int(f) for f in fields],
        }
        data = await self._core.call_raw("TIMFriendshipSearchFriends", orjson.dumps(param))
        return tuple(FriendProfile.from_json(f) for f in data or [])

    # -- adding and deleting -----------------------------------------------------------------

    async def add(
        self,
        user_id: str,
        *,
        remark: str = "",
        wording: str = "",
        group: str | None = None,
        both_ways: bool = True,
        source: str = "",
    ) -> FriendResult:
        """Add a friend (``TIMFriendshipAddFriend``). By the target's add permission: allow
        any → friends at once; need confirmation → a request is sent (``result.pending``);
        deny any → :class:`TIMError` 30516.

        Args:
            remark: my remark for them (≤96 bytes).
            wording: the request's message (≤120 bytes).
            group: a friend group to put them in.
            both_ways: each in the other's list (else only they enter mine).
            source: ``"AddSource_Type_"`` + up to 8 letters.

        Raises:
            TIMError: refused (30515 they are in my blocklist, 30525 I am in theirs, 30015
                already friends, 30516 they accept no requests, …).
        """
        param: dict[str, Any] = {
            "friendship_add_friend_param_identifier": _user(user_id),
            "friendship_add_friend_param_friend_type": 1 if both_ways else 0,
            "friendship_add_friend_param_remark": _text(remark, "remark"),
            "friendship_add_friend_param_add_wording": _text(wording, "wording"),
        }
        if group is not None:
            param["friendship_add_friend_param_group_name"] = _text(group, "group")
        if source:
            param["friendship_add_friend_param_add_source"] = _text(source, "source")
        data = await self._core.call_raw("TIMFriendshipAddFriend", orjson.dumps(param))
        return _checked(FriendResult.from_json(data), "TIMFriendshipAddFriend")

    async def delete(
        self, user_ids: str | Iterable[str], *, both_ways: bool = True
    ) -> tuple[FriendResult, ...]:
        """Remove friends, from my list only or from both lists; per-user results (31704: not
        a friend) (``TIMFriendshipDeleteFriend``)."""
        param = {
            "friendship_delete_friend_param_friend_type": 1 if both_ways else 0,
            "friendship_delete_friend_param_identifier_array": _ids(user_ids),
        }
        data = await self._core.call_raw("TIMFriendshipDeleteFriend", orjson.dumps(param))
        return tuple(FriendResult.from_json(r) for r in data or [])

    # -- friend requests ---------------------------------------------------------------------

    async def requests(
        self, *, incoming: bool = True, outgoing: bool = False
    ) -> tuple[FriendRequest, ...]:
        """Pending friend requests: received (``pendency_type`` 0) and/or sent (1)
        (``TIMFriendshipGetPendencyList``)."""
        if not (incoming or outgoing):
            raise ValueError("requests: incoming=, outgoing= or both")
        kind = 2 if incoming and outgoing else 0 if incoming else 1
        param = {"friendship_get_pendency_list_param_type": kind}
        data = await self._core.call_raw("TIMFriendshipGetPendencyList", orjson.dumps(param))
        items = (data or {}).get("pendency_page_pendency_info_array") or []
        prefix = "friend_add_pendency_info_"
        return tuple(
            FriendRequest.from_json(
                {"friend_add_pendency_" + k.removeprefix(prefix): v for k, v in item.items()}
            )
            for item in items
        )

    async def accept(
        self, user_id: str, *, both_ways: bool = True, remark: str = ""
    ) -> FriendResult:
        """Accept ``user_id``'s friend request: with ``both_ways`` each enters the other's list,
        else only I enter theirs (``TIMFriendshipHandleFriendAddRequest``).

        Raises:
            TIMError: 30614, no request from that user.
        """
        return await self._respond(user_id, 1 if both_ways else 0, remark)

    async def reject(self, user_id: str) -> FriendResult:
        """Reject ``user_id``'s friend request (``TIMFriendshipHandleFriendAddRequest``)."""
        return await self._respond(user_id, 2, "")

    async def _respond(self, user_id: str, action: int, remark: str) -> FriendResult:
        param = {
            "friend_response_identifier": _user(user_id),
            "friend_response_action": action,
            "friend_response_remark": _text(remark, "remark"),
        }
        fn = "TIMFriendshipHandleFriendAddRequest"
        data = await self._core.call_raw(fn, orjson.dumps(param))
        return _checked(FriendResult.from_json(data), fn)

    async def delete_requests(
        self, user_ids: str | Iterable[str], *, incoming: bool = True
    ) -> tuple[FriendResult, ...]:
        """Delete pending requests received from (or, ``incoming=False``, sent to) these users
        (``TIMFriendshipDeletePendency``)."""
        param = {
            "friendship_delete_pendency_param_type": 0 if incoming else 1,
            "friendship_delete_pendency_param_identifier_array": _ids(user_ids),
        }
        data = await self._core.call_raw("TIMFriendshipDeletePendency", orjson.dumps(param))
        return tuple(FriendResult.from_json(r) for r in data or [])

    async def mark_requests_read(self, timestamp: int = 0) -> None:
        """Mark the requests up to ``timestamp`` (Unix seconds; 0: now) read
        (``TIMFriendshipReportPendencyReaded``)."""
        if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
            raise ValueError("timestamp must be a non-negative int")
        await self._core.call_raw("TIMFriendshipReportPendencyReaded", timestamp)

    # -- blocklist ---------------------------------------------------------------------------

    async def block(self, user_ids: str | Iterable[str]) -> tuple[FriendResult, ...]:
        """Block users: they cannot message me (20007) nor send me requests, and a friendship
        ends both ways (``TIMFriendshipAddToBlackList``)."""
        data = await self._core.call_raw(
            "TIMFriendshipAddToBlackList", orjson.dumps(_ids(user_ids))
        )
        return tuple(FriendResult.from_json(r) for r in data or [])

    async def unblock(self, user_ids: str | Iterable[str]) -> tuple[FriendResult, ...]:
        """Unblock users (``TIMFriendshipDeleteFromBlackList``)."""
        data = await self._core.call_raw(
            "TIMFriendshipDeleteFromBlackList", orjson.dumps(_ids(user_ids))
        )
        return tuple(FriendResult.from_json(r) for r in data or [])

    async def blocked(self) -> tuple[FriendProfile, ...]:
        """The blocklist (``TIMFriendshipGetBlackList``)."""
        data = await self._core.call_raw("TIMFriendshipGetBlackList")
        return tuple(FriendProfile.from_json(f) for f in data or [])

    # -- friend groups -----------------------------------------------------------------------

    async def create_group(
        self, name: str | Iterable[str], user_ids: Iterable[str] = ()
    ) -> tuple[FriendResult, ...]:
        """Create friend groups holding these friends (``TIMFriendshipCreateFriendGroup``)."""
        param = {
            "friendship_create_friend_group_param_name_array": _ids(name, what="name"),
            "friendship_create_friend_group_param_identifier_array": _ids(user_ids, empty=True),
        }
        data = await self._core.call_raw("TIMFriendshipCreateFriendGroup", orjson.dumps(param))
        return tuple(FriendResult.from_json(r) for r in data or [])

    async def groups(self, names: Iterable[str] = ()) -> tuple[FriendGroupInfo, ...]:
        """Friend groups, all or these (``TIMFriendshipGetFriendGroupList``)."""
        wanted = _ids(names, what="names", empty=True)
        data = await self._core.call_raw("TIMFriendshipGetFriendGroupList", orjson.dumps(wanted))
        return tuple(FriendGroupInfo.from_json(g) for g in data or [])

    async def delete_group(self, names: str | Iterable[str]) -> None:
        """Delete friend groups (``TIMFriendshipDeleteFriendGroup``)."""
        await self._core.call_raw(
            "TIMFriendshipDeleteFriendGroup", orjson.dumps(_ids(names, what="names"))
        )

    async def rename_group(self, name: str, new_name: str) -> None:
        """Rename a friend group (``TIMFriendshipModifyFriendGroup``)."""
        await self._modify_group(
            name, friendship_modify_friend_group_param_new_name=_text(new_name, "new_name")
        )

    async def add_to_group(
        self, name: str, user_ids: str | Iterable[str]
    ) -> tuple[FriendResult, ...]:
        """Put friends in a friend group (``TIMFriendshipModifyFriendGroup``)."""
        return await self._modify_group(
            name, friendship_modify_friend_group_param_add_identifier_array=_ids(user_ids)
        )

    async def remove_from_group(
        self, name: str, user_ids: str | Iterable[str]
    ) -> tuple[FriendResult, ...]:
        """Take friends out of a friend group (``TIMFriendshipModifyFriendGroup``)."""
        return await self._modify_group(
            name, friendship_modify_friend_group_param_delete_identifier_array=_ids(user_ids)
        )

    async def _modify_group(self, name: str, **change: Any) -> tuple[FriendResult, ...]:
        param = {"friendship_modify_friend_group_param_name": _text(name, "name"), **change}
        data = await self._core.call_raw("TIMFriendshipModifyFriendGroup", orjson.dumps(param))
        return tuple(FriendResult.from_json(r) for r in data or [])

    # -- follow lists (7.8+, Ultimate edition) -----------------------------------------------

    async def follow(self, user_ids: str | Iterable[str]) -> tuple[FollowResult, ...]:
        """Follow users, at most 20 per call (``TIMFollowUser``)."""
        ids = _ids(user_ids)
        if len(ids) > 20:
            raise ValueError("follow: at most 20 user ids per call")
        data = await self._core.call_raw("TIMFollowUser", orjson.dumps(ids))
        return tuple(FollowResult.from_json(r) for r in data or [])

    async def unfollow(self, user_ids: str | Iterable[str]) -> tuple[FollowResult, ...]:
        """Stop following users, at most 20 per call (``TIMUnfollowUser``)."""
        ids = _ids(user_ids)
        if len(ids) > 20:
            raise ValueError("unfollow: at most 20 user ids per call")
        data = await self._core.call_raw("TIMUnfollowUser", orjson.dumps(ids))
        return tuple(FollowResult.from_json(r) for r in data or [])

    async def following(self) -> tuple[UserProfile, ...]:
        """Everyone I follow, all pages (``TIMGetMyFollowingList``)."""
        return await self._follow_list("TIMGetMyFollowingList")

    async def followers(self) -> tuple[UserProfile, ...]:
        """Everyone who follows me, all pages (``TIMGetMyFollowersList``)."""
        return await self._follow_list("TIMGetMyFollowersList")

    async def mutual_followers(self) -> tuple[UserProfile, ...]:
        """Everyone I follow who follows me back, all pages (``TIMGetMutualFollowersList``)."""
        return await self._follow_list("TIMGetMutualFollowersList")

    async def _follow_list(self, function: str) -> tuple[UserProfile, ...]:
        users: list[UserProfile] = []
        cursor = ""
        while True:
            data = await self._core.call_raw(function, cursor) or {}
            users.extend(
                UserProfile.from_json(u)
                for u in data.get("follow_list_result_user_info_list") or []
            )
            cursor = data.get("follow_list_result_next_cursor") or ""
            if not cursor:
                return tuple(users)

    async def follow_info(self, user_ids: str | Iterable[str]) -> tuple[FollowInfo, ...]:
        """Following, followers and mutual counts of users (``TIMGetUserFollowInfo``)."""
        data = await self._core.call_raw("TIMGetUserFollowInfo", orjson.dumps(_ids(user_ids)))
        return tuple(FollowInfo.from_json(r) for r in data or [])

    async def follow_type(self, user_ids: str | Iterable[str]) -> tuple[FollowTypeResult, ...]:
        """How I and each user follow each other (``TIMCheckFollowType``)."""
        data = await self._core.call_raw("TIMCheckFollowType", orjson.dumps(_ids(user_ids)))
        return tuple(FollowTypeResult.from_json(r) for r in data or [])

    # -- streams -----------------------------------------------------------------------------

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

    def requests_deleted(
        self,
        *,
        where: Callable[[FriendRequestDeleted], bool] | None = None,
    ) -> Stream[FriendRequestDeleted]:
        """Friend requests that are gone (accepted, refused or deleted), one event per user
        (``TIMSetFriendApplicationListDeletedCallback``)."""
        return self._core._stream("TIMSetFriendApplicationListDeletedCallback", where)

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

    def following_changes(
        self,
        *,
        where: Callable[[FollowingListChanged], bool] | None = None,
    ) -> Stream[FollowingListChanged]:
        """Users I started or stopped following (``TIMSetMyFollowingListChangedCallback``)."""
        return self._core._stream("TIMSetMyFollowingListChangedCallback", where)

    def followers_changes(
        self,
        *,
        where: Callable[[FollowersListChanged], bool] | None = None,
    ) -> Stream[FollowersListChanged]:
        """Users who started or stopped following me
        (``TIMSetMyFollowersListChangedCallback``)."""
        return self._core._stream("TIMSetMyFollowersListChangedCallback", where)

    def mutual_changes(
        self,
        *,
        where: Callable[[MutualFollowersListChanged], bool] | None = None,
    ) -> Stream[MutualFollowersListChanged]:
        """Users added to or removed from my mutual followers
        (``TIMSetMutualFollowersListChangedCallback``)."""
        return self._core._stream("TIMSetMutualFollowersListChangedCallback", where)


def _text(value: str, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value


def _user(user_id: str) -> str:
    if not isinstance(user_id, str) or not user_id:
        raise ValueError(f"user_id must be a non-empty str, not {user_id!r}")
    return user_id


def _ids(values: str | Iterable[str], *, what: str = "user_ids", empty: bool = False) -> list[str]:
    """A list of non-empty strings (a single str is one item)."""
    items = [values] if isinstance(values, str) else list(values)
    for v in items:
        if not isinstance(v, str) or not v:
            raise ValueError(f"{what}: {v!r} is not a non-empty str")
    if not items and not empty:
        raise ValueError(f"{what} is empty")
    return items


def _checked(result: FriendResult, function: str) -> FriendResult:
    if not result.ok:
        raise TIMError(result.code, result.desc, function=function)
    return result
