"""``client.community``: communities (groups of type Community with topics), their topics, and
permission groups (with their members and topic permissions)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson

from aiotim.domains._base import Domain, all_of
from aiotim.enums import GroupType
from aiotim.errors import PayloadError
from aiotim.events.community import (
    CommunityTopicChanged,
    CommunityTopicCreated,
    CommunityTopicDeleted,
    PermissionGroupChanged,
    PermissionGroupCreated,
    PermissionGroupDeleted,
    PermissionGroupMembersAdded,
    PermissionGroupMembersRemoved,
)
from aiotim.events.stream import Stream
from aiotim.models.address import Group
from aiotim.models.community import PermissionGroupInfo
from aiotim.models.group import GroupInfo, GroupMemberInfo, TopicInfo, TopicResult

__all__ = ["Community"]

#: TIMCommunityTopicModifyInfoFlag (TIMCommunityManager.h:34) of each writable topic field.
_TOPIC_FIELDS = {
    "name": (1, "group_topic_info_topic_name"),
    "notification": (2, "group_topic_info_notification"),
    "introduction": (4, "group_topic_info_introduction"),
    "face_url": (8, "group_topic_info_topic_face_url"),
    "custom_string": (2048, "group_topic_info_custom_string"),
}


def _gid(group: object) -> str:
    if isinstance(group, Group):
        return group.id
    if isinstance(group, str) and group:
        return group
    raise TypeError(f"expected an aiotim.Group or a non-empty group id, got {group!r}")


def _strs(values: object, what: str) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise TypeError(f"{what} must be an iterable of str")
    out = list(values)
    if not all(isinstance(v, str) and v for v in out):
        raise TypeError(f"{what} must be non-empty str values, got {out!r}")
    return out


def _list(result: Any, function: str) -> list[Any]:
    if result is None:
        return []
    if not isinstance(result, list):
        raise PayloadError(function, "expected a JSON array")
    return result


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    return value


def _u64(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << 64:
        raise ValueError(f"{name} must be an int in [0, 2**64), got {value!r}")
    return value


def _objs(result: Any, function: str) -> list[dict[str, Any]]:
    items = _list(result, function)
    if not all(isinstance(i, dict) for i in items):
        raise PayloadError(function, "expected JSON objects")
    return items


def _fields(given: Mapping[str, str | None]) -> tuple[int, dict[str, str]]:
    flag, out = 0, {}
    for name, value in given.items():
        if value is None:
            continue
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, got {type(value).__name__}")
        bit, key = _TOPIC_FIELDS[name]
        flag |= bit
        out[key] = value
    return flag, out


class Community(Domain):
    """Communities and their topics."""

    __slots__ = ()

    async def create(
        self,
        name: str,
        *,
        group_id: str | None = None,
        members: Iterable[str] = (),
        introduction: str = "",
        notification: str = "",
        face_url: str = "",
        enable_permission_group: bool = False,
        default_permissions: int = 0,
    ) -> Group:
        """Create a community that supports topics (``TIMCommunityCreate``).

        Args:
            group_id: your own id; a community's must start with ``@TGS#_``.
            enable_permission_group: permissions come from permission groups: a member who is
                neither owner nor admin may only do what ``default_permissions`` and their
                permission groups allow (sending, @all, reading history, in the community and
                in each topic).
            default_permissions: every member's community permissions (a
                ``V2TIMCommunityPermissionValue`` combination).
        """
        if not isinstance(name, str):
            raise TypeError("name must be a str")
        if not isinstance(default_permissions, int) or not 0 <= default_permissions < 2**64:
            raise ValueError("default_permissions must be a uint64 of permission bits")
        param: dict[str, Any] = {
            "create_group_param_group_name": name,
            "create_group_param_group_type": int(GroupType.COMMUNITY),
            "create_group_param_is_support_topic": True,
            "create_group_param_introduction": introduction,
            "create_group_param_notification": notification,
            "create_group_param_face_url": face_url,
        }
        if enable_permission_group:
            param["create_group_param_enable_permission_group"] = True
        if default_permissions:
            param["create_group_param_default_permissions"] = default_permissions
        if group_id is not None:
            param["create_group_param_group_id"] = _gid(group_id)
        ids = [members] if isinstance(members, str) else list(members)
        if ids:
            param["create_group_param_group_member_array"] = [
                {"group_member_info_identifier": u} for u in _strs(ids, "members")
            ]
        result = await self._core.call_raw("TIMCommunityCreate", orjson.dumps(param))
        gid = result.get("create_group_result_groupid") if isinstance(result, dict) else None
        if not isinstance(gid, str) or not gid:
            raise PayloadError("TIMCommunityCreate", "expected create_group_result_groupid")
        return Group(gid)

    async def joined(self) -> list[GroupInfo]:
        """The communities (with topics) you are in (``TIMCommunityGetJoinedCommunityList``)."""
        result = await self._core.call_raw("TIMCommunityGetJoinedCommunityList")
        return [GroupInfo.from_json(g) for g in _list(result, "TIMCommunityGetJoinedCommunityList")]

    async def create_topic(
        self,
        community: Group | str,
        name: str,
        *,
        topic_id: str | None = None,
        introduction: str | None = None,
        notification: str | None = None,
        face_url: str | None = None,
        custom_string: str | None = None,
        default_permissions: int | None = None,
    ) -> str:
        """Create a topic; returns its id (``<community id>@TOPIC#_…``)
        (``TIMCommunityCreateTopicInCommunity``).

        Args:
            default_permissions: every member's permissions in the topic (a
                ``V2TIMTopicPermissionValue`` combination; they count when the community has
                permission groups enabled).
        """
        _, info = _fields(
            {
                "name": name,
                "introduction": introduction,
                "notification": notification,
                "face_url": face_url,
                "custom_string": custom_string,
            }
        )
        if topic_id is not None:
            info["group_topic_info_topic_id"] = _gid(topic_id)
        payload: dict[str, Any] = dict(info)
        if default_permissions is not None:
            if not isinstance(default_permissions, int) or not 0 <= default_permissions < 2**64:
                raise ValueError("default_permissions must be a uint64 of permission bits")
            payload["default_permissions"] = default_permissions  # CM:828 TopicInfo
        result = await self._core.call_raw(
            "TIMCommunityCreateTopicInCommunity", _gid(community), orjson.dumps(payload)
        )
        if not isinstance(result, str) or not result:
            raise PayloadError("TIMCommunityCreateTopicInCommunity", "expected the topic id")
        return result

    async def delete_topics(
        self, community: Group | str, topic_ids: Iterable[str]
    ) -> list[TopicResult]:
        """Delete topics; one result per topic (``TIMCommunityDeleteTopicFromCommunity``)."""
        result = await self._core.call_raw(
            "TIMCommunityDeleteTopicFromCommunity",
            _gid(community),
            orjson.dumps(_strs(topic_ids, "topic_ids")),
        )
        return [
            TopicResult.from_json(r) for r in _list(result, "TIMCommunityDeleteTopicFromCommunity")
        ]

    async def set_topic_info(
        self,
        topic_id: str,
        *,
        name: str | None = None,
        introduction: str | None = None,
        notification: str | None = None,
        face_url: str | None = None,
        custom_string: str | None = None,
    ) -> None:
        """Change a topic; only the given fields change (``TIMCommunitySetTopicInfo``)."""
        flag, info = _fields(
            {
                "name": name,
                "introduction": introduction,
                "notification": notification,
                "face_url": face_url,
                "custom_string": custom_string,
            }
        )
        if not flag:
            raise ValueError("set_topic_info() needs at least one field to change")
        param: dict[str, str | int] = {**info, "group_topic_info_topic_id": _gid(topic_id)}
        param["group_modify_info_param_modify_flag"] = flag
        await self._core.call_raw("TIMCommunitySetTopicInfo", orjson.dumps(param))

    async def topics(
        self, community: Group | str, topic_ids: Iterable[str] | None = None
    ) -> list[TopicInfo]:
        """The community's topics (all, or ``topic_ids``; unknown ids are left out)
        (``TIMCommunityGetTopicInfoList``)."""
        ids = [] if topic_ids is None else _strs(topic_ids, "topic_ids")
        result = await self._core.call_raw(
            "TIMCommunityGetTopicInfoList", _gid(community), orjson.dumps(ids)
        )
        out = []
        for item in _list(result, "TIMCommunityGetTopicInfoList"):
            if not isinstance(item, dict):
                raise PayloadError("TIMCommunityGetTopicInfoList", "expected result objects")
            if item.get("group_topic_info_result_error_code") == 0:
                out.append(TopicInfo.from_json(item.get("group_topic_info_result_topic_info")))
        return out

    # -- permission groups -------------------------------------------------------------------

    async def create_permission_group(
        self,
        community: Group | str,
        name: str,
        *,
        permissions: int = 0,
        custom_data: str = "",
        permission_group_id: str | None = None,
    ) -> str:
        """Create a permission group with community permission bits (a
        ``V2TIMCommunityPermissionValue`` combination); returns its id
        (``TIMCommunityCreatePermissionGroupInCommunity``)."""
        info: dict[str, Any] = {
            "community_group_id": _gid(community),
            "permission_group_name": _text(name, "name"),
            "permission_custom_data": _text(custom_data, "custom_data"),
            "group_permission": _u64(permissions, "permissions"),
        }
        if permission_group_id is not None:
            info["permission_group_id"] = _gid(permission_group_id)
        result = await self._core.call_raw(
            "TIMCommunityCreatePermissionGroupInCommunity", orjson.dumps(info)
        )
        if not isinstance(result, str) or not result:
            raise PayloadError(
                "TIMCommunityCreatePermissionGroupInCommunity", "expected the permission group id"
            )
        return result

    async def delete_permission_groups(
        self, community: Group | str, permission_group_ids: Iterable[str]
    ) -> dict[str, int]:
        """Delete permission groups; the code for each id (0: deleted)
        (``TIMCommunityDeletePermissionGroupFromCommunity``)."""
        fn = "TIMCommunityDeletePermissionGroupFromCommunity"
        result = await self._core.call_raw(
            fn, _gid(community), orjson.dumps(_strs(permission_group_ids, "permission_group_ids"))
        )
        return {
            str(r.get("permission_group_operation_result_id")): int(
                r.get("permission_group_operation_result_error_code", -1)
            )
            for r in _objs(result, fn)
        }

    async def set_permission_group_info(
        self,
        community: Group | str,
        permission_group_id: str,
        *,
        name: str | None = None,
        permissions: int | None = None,
        custom_data: str | None = None,
    ) -> None:
        """Change a permission group; only the given fields change
        (``TIMCommunityModifyPermissionGroupInfoInCommunity``)."""
        info: dict[str, Any] = {
            "community_group_id": _gid(community),
            "permission_group_id": _gid(permission_group_id),
        }
        flag = 0
        if name is not None:
            info["permission_group_name"], flag = _text(name, "name"), flag | 1
        if permissions is not None:
            info["group_permission"], flag = _u64(permissions, "permissions"), flag | 2
        if custom_data is not None:
            info["permission_custom_data"], flag = _text(custom_data, "custom_data"), flag | 4
        if not flag:
            raise ValueError("set_permission_group_info() needs at least one field to change")
        info["permission_group_modify_info_flag"] = flag
        await self._core.call_raw(
            "TIMCommunityModifyPermissionGroupInfoInCommunity", orjson.dumps(info)
        )

    @staticmethod
    def _pg_infos(result: Any, fn: str) -> list[PermissionGroupInfo]:
        return [
            PermissionGroupInfo.from_json(r.get("permission_group_info_result"))
            for r in _objs(result, fn)
            if r.get("permission_group_info_result_error_code") == 0
        ]

    async def joined_permission_groups(self, community: Group | str) -> list[PermissionGroupInfo]:
        """The permission groups you belong to
        (``TIMCommunityGetJoinedPermissionGroupListInCommunity``)."""
        fn = "TIMCommunityGetJoinedPermissionGroupListInCommunity"
        return self._pg_infos(await self._core.call_raw(fn, _gid(community)), fn)

    async def permission_groups(
        self, community: Group | str, permission_group_ids: Iterable[str] | None = None
    ) -> list[PermissionGroupInfo]:
        """The community's permission groups (all, or these; unknown ids are left out)
        (``TIMCommunityGetPermissionGroupListInCommunity``)."""
        fn = "TIMCommunityGetPermissionGroupListInCommunity"
        ids = [] if permission_group_ids is None else _strs(permission_group_ids, "ids")
        return self._pg_infos(await self._core.call_raw(fn, _gid(community), orjson.dumps(ids)), fn)

    async def _members(
        self, fn: str, community: Group | str, permission_group_id: str, user_ids: Iterable[str]
    ) -> dict[str, int]:
        result = await self._core.call_raw(
            fn,
            _gid(community),
            _gid(permission_group_id),
            orjson.dumps(_strs(user_ids, "user_ids")),
        )
        return {
            str(r.get("permission_group_member_operation_result_identifier")): int(
                r.get("permission_group_member_operation_result_error_code", -1)
            )
            for r in _objs(result, fn)
        }

    async def add_permission_group_members(
        self, community: Group | str, permission_group_id: str, user_ids: Iterable[str]
    ) -> dict[str, int]:
        """Add community members to a permission group; the code per user (0: ok)
        (``TIMCommunityAddCommunityMembersToPermissionGroup``)."""
        return await self._members(
            "TIMCommunityAddCommunityMembersToPermissionGroup",
            community,
            permission_group_id,
            user_ids,
        )

    async def remove_permission_group_members(
        self, community: Group | str, permission_group_id: str, user_ids: Iterable[str]
    ) -> dict[str, int]:
        """Remove members from a permission group; the code per user (0: ok)
        (``TIMCommunityRemoveCommunityMembersFromPermissionGroup``)."""
        return await self._members(
            "TIMCommunityRemoveCommunityMembersFromPermissionGroup",
            community,
            permission_group_id,
            user_ids,
        )

    async def permission_group_members(
        self, community: Group | str, permission_group_id: str
    ) -> list[GroupMemberInfo]:
        """Every member of a permission group, all pages
        (``TIMCommunityGetCommunityMemberListInPermissionGroup``)."""
        fn = "TIMCommunityGetCommunityMemberListInPermissionGroup"
        out: list[GroupMemberInfo] = []
        cursor = ""
        while True:
            result = await self._core.call_raw(
                fn, _gid(community), _gid(permission_group_id), cursor
            )
            if not isinstance(result, dict):
                raise PayloadError(fn, "expected a JSON object")
            members = _list(result.get("permission_group_member_info_result_array"), fn)
            out.extend(GroupMemberInfo.from_json(m) for m in members)
            cursor = result.get("permission_group_member_info_result_next_cursor") or ""
            if not isinstance(cursor, str) or not cursor:
                return out

    async def _topic_permissions(
        self, fn: str, community: Group | str, pg_id: str, permissions: Mapping[str, int]
    ) -> list[TopicResult]:
        if not isinstance(permissions, Mapping) or not permissions:
            raise ValueError("permissions must be a non-empty mapping of topic id to bits")
        items = [
            {"topic_permission_key": _gid(k), "topic_permission_value": _u64(v, k)}
            for k, v in permissions.items()
        ]
        result = await self._core.call_raw(fn, _gid(community), _gid(pg_id), orjson.dumps(items))
        return [TopicResult.from_json(r) for r in _list(result, fn)]

    async def add_topic_permissions(
        self, community: Group | str, permission_group_id: str, permissions: Mapping[str, int]
    ) -> list[TopicResult]:
        """Give a permission group permission bits (``V2TIMTopicPermissionValue``) on topics
        (``TIMCommunityAddTopicPermissionToPermissionGroup``)."""
        return await self._topic_permissions(
            "TIMCommunityAddTopicPermissionToPermissionGroup",
            community,
            permission_group_id,
            permissions,
        )

    async def modify_topic_permissions(
        self, community: Group | str, permission_group_id: str, permissions: Mapping[str, int]
    ) -> list[TopicResult]:
        """Change a permission group's bits on topics it has permissions on
        (``TIMCommunityModifyTopicPermissionInPermissionGroup``)."""
        return await self._topic_permissions(
            "TIMCommunityModifyTopicPermissionInPermissionGroup",
            community,
            permission_group_id,
            permissions,
        )

    async def delete_topic_permissions(
        self, community: Group | str, permission_group_id: str, topic_ids: Iterable[str]
    ) -> list[TopicResult]:
        """Remove a permission group's permissions on topics
        (``TIMCommunityDeleteTopicPermissionFromPermissionGroup``)."""
        fn = "TIMCommunityDeleteTopicPermissionFromPermissionGroup"
        result = await self._core.call_raw(
            fn,
            _gid(community),
            _gid(permission_group_id),
            orjson.dumps(_strs(topic_ids, "topic_ids")),
        )
        return [TopicResult.from_json(r) for r in _list(result, fn)]

    async def topic_permissions(
        self,
        community: Group | str,
        permission_group_id: str,
        topic_ids: Iterable[str] | None = None,
    ) -> dict[str, int]:
        """A permission group's bits per topic (all, or these topics; unset ones are left
        out) (``TIMCommunityGetTopicPermissionInPermissionGroup``)."""
        fn = "TIMCommunityGetTopicPermissionInPermissionGroup"
        ids = [] if topic_ids is None else _strs(topic_ids, "topic_ids")
        result = await self._core.call_raw(
            fn, _gid(community), _gid(permission_group_id), orjson.dumps(ids)
        )
        return {
            str(r.get("topic_permission_result_topic_id")): int(
                r.get("topic_permission_result_topic_permission", 0)
            )
            for r in _objs(result, fn)
            if r.get("topic_permission_result_error_code") == 0
        }

    def permission_groups_created(
        self, *, where: Callable[[PermissionGroupCreated], bool] | None = None
    ) -> Stream[PermissionGroupCreated]:
        """Permission groups created (``TIMSetCommunityCreatePermissionGroupCallback``)."""
        return self._core._stream("TIMSetCommunityCreatePermissionGroupCallback", all_of(where))

    def permission_groups_deleted(
        self, *, where: Callable[[PermissionGroupDeleted], bool] | None = None
    ) -> Stream[PermissionGroupDeleted]:
        """Permission groups deleted, one event per group
        (``TIMSetCommunityDeletePermissionGroupCallback``)."""
        return self._core._stream("TIMSetCommunityDeletePermissionGroupCallback", all_of(where))

    def permission_groups_changed(
        self, *, where: Callable[[PermissionGroupChanged], bool] | None = None
    ) -> Stream[PermissionGroupChanged]:
        """Permission group info changed
        (``TIMSetCommunityChangePermissionGroupInfoCallback``)."""
        return self._core._stream("TIMSetCommunityChangePermissionGroupInfoCallback", all_of(where))

    def permission_group_members_added(
        self, *, where: Callable[[PermissionGroupMembersAdded], bool] | None = None
    ) -> Stream[PermissionGroupMembersAdded]:
        """Members added to permission groups
        (``TIMSetCommunityAddMembersToPermissionGroupCallback``)."""
        return self._core._stream(
            "TIMSetCommunityAddMembersToPermissionGroupCallback", all_of(where)
        )

    def permission_group_members_removed(
        self, *, where: Callable[[PermissionGroupMembersRemoved], bool] | None = None
    ) -> Stream[PermissionGroupMembersRemoved]:
        """Members removed from permission groups
        (``TIMSetCommunityRemoveMembersFromPermissionGroupCallback``)."""
        return self._core._stream(
            "TIMSetCommunityRemoveMembersFromPermissionGroupCallback", all_of(where)
        )

    def topic_created(
        self, *, where: Callable[[CommunityTopicCreated], bool] | None = None
    ) -> Stream[CommunityTopicCreated]:
        """Topics created (``TIMSetCommunityCreateTopicCallback``)."""
        return self._core._stream("TIMSetCommunityCreateTopicCallback", all_of(where))

    def topic_deleted(
        self, *, where: Callable[[CommunityTopicDeleted], bool] | None = None
    ) -> Stream[CommunityTopicDeleted]:
        """Topics deleted, one event per topic (``TIMSetCommunityDeleteTopicCallback``)."""
        return self._core._stream("TIMSetCommunityDeleteTopicCallback", all_of(where))

    def topic_changed(
        self, *, where: Callable[[CommunityTopicChanged], bool] | None = None
    ) -> Stream[CommunityTopicChanged]:
        """Topic info changed (``TIMSetCommunityChangeTopicInfoCallback``)."""
        return self._core._stream("TIMSetCommunityChangeTopicInfoCallback", all_of(where))
