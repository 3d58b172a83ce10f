"""``client.community``: communities (groups of type Community with topics) and their topics.
Permission groups are not typed yet."""

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
)
from aiotim.events.stream import Stream
from aiotim.models.address import Group
from aiotim.models.group import GroupInfo, TopicInfo, TopicResult

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
    ) -> Group:
        """Create a community that supports topics (``TIMCommunityCreate``).

        Args:
            group_id: your own id; a community's must start with ``@TGS#_``.
        """
        if not isinstance(name, str):
            raise TypeError("name must be a str")
        param: dict[str, Any] = {
            "create_group_param_group_name": name,
            "create_group_param_group_type": int(GroupType.COMMUNITY),
            "create_group_param_is_support_topic": True,
            "create_group_param_introduction": introduction,
            "create_group_param_notification": notification,
            "create_group_param_face_url": face_url,
        }
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
    ) -> str:
        """Create a topic; returns its id (``<community id>@TOPIC#_…``)
        (``TIMCommunityCreateTopicInCommunity``)."""
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
        result = await self._core.call_raw(
            "TIMCommunityCreateTopicInCommunity", _gid(community), orjson.dumps(info)
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
        info["group_topic_info_topic_id"] = _gid(topic_id)
        info["group_modify_info_param_modify_flag"] = flag  # type: ignore[assignment]
        await self._core.call_raw("TIMCommunitySetTopicInfo", orjson.dumps(info))

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
