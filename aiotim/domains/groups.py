"""``client.groups``: groups — create, join, quit, dismiss, invite, kick; profiles, members,
roles and mutes; join requests; attributes and counters; and their streams."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import Any

import orjson

from aiotim.domains._base import Domain, all_of
from aiotim.enums import GroupMemberRole, GroupType, ReceiveMessageOpt
from aiotim.errors import PayloadError, TIMError
from aiotim.events.groups import GroupAttributesChanged, GroupCounterChanged, GroupTipsEvent
from aiotim.events.stream import Stream
from aiotim.models.address import Group
from aiotim.models.group import (
    GroupAddOption,
    GroupInfo,
    GroupInfoResult,
    GroupMemberInfo,
    GroupMemberPage,
    GroupRequest,
    MemberResult,
)

__all__ = ["Groups"]

#: TIMGroupModifyInfoFlag bits (TIMGroupManager.h:145).
_NAME, _NOTIFICATION, _INTRO, _FACE, _ADD_OPT, _MAX = 1, 2, 4, 8, 16, 32
_SHUTUP_ALL, _CUSTOM, _APPROVE, _OWNER = 256, 512, 4096, 0x80000000
#: TIMGroupMemberModifyInfoFlag bits (TIMGroupManager.h:205).
_M_MSG_FLAG, _M_ROLE, _M_SHUTUP, _M_NAME_CARD, _M_CUSTOM = 1, 2, 4, 8, 16
#: TIMGroupMemberRoleFlag (TIMGroupManager.h:181), by role.
_ROLE_FLAG = {
    GroupMemberRole.OWNER: 1,
    GroupMemberRole.ADMIN: 2,
    GroupMemberRole.NORMAL: 4,
}
_MAX_U32 = 0xFFFFFFFF
_I64 = (-(1 << 63), (1 << 63) - 1)


def _gid(group: object, what: str = "group") -> str:
    if isinstance(group, Group):
        return group.id
    if isinstance(group, str) and group:
        return group
    raise TypeError(f"{what} must be an aiotim.Group or a non-empty group id, got {group!r}")


def _user_ids(user_ids: object, what: str = "user_ids") -> list[str]:
    if isinstance(user_ids, str):
        user_ids = [user_ids]
    if not isinstance(user_ids, Iterable):
        raise TypeError(f"{what} must be user ids (an iterable of str), got {user_ids!r}")
    ids = list(user_ids)
    if not all(isinstance(u, str) for u in ids):
        raise TypeError(f"{what} must be str ids, got {ids!r}")
    if not ids or not all(ids):
        raise ValueError(f"{what} must be non-empty ids, got {ids!r}")
    return ids


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    return value


def _uint(value: object, name: str, limit: int = _MAX_U32) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise ValueError(f"{name} must be an int in [0, {limit}], got {value!r}")
    return value


def _int64(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not _I64[0] <= value <= _I64[1]:
        raise ValueError(f"{name} must be an int64, got {value!r}")
    return value


def _option(value: object, name: str) -> int:
    if isinstance(value, bool) or value not in (0, 1, 2):
        raise ValueError(
            f"{name} must be an aiotim.GroupAddOption (FORBID, AUTH, ANY), got {value!r}"
        )
    return int(value)


def _str_map(value: object, name: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and k and isinstance(v, str) for k, v in value.items()
    ):
        raise TypeError(f"{name} must be a mapping of non-empty str keys to str values")
    return dict(value)


def _list(result: Any, function: str) -> list[Any]:
    if result is None:
        return []
    if not isinstance(result, list):
        raise PayloadError(function, "expected a JSON array")
    return result


def _counters(result: Any, function: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in _list(result, function):
        if not isinstance(item, dict):
            raise PayloadError(function, "expected counter objects")
        key, value = item.get("group_counter_key"), item.get("group_counter_value")
        if not isinstance(key, str) or not isinstance(value, int):
            raise PayloadError(function, "a counter needs a str key and an int value")
        out[key] = value
    return out


def _attributes(result: Any, function: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in _list(result, function):
        if not isinstance(item, dict):
            raise PayloadError(function, "expected attribute objects")
        key, value = item.get("group_attribute_key"), item.get("group_attribute_value")
        if not isinstance(key, str) or not isinstance(value, str):
            raise PayloadError(function, "an attribute needs a str key and a str value")
        out[key] = value
    return out


class Groups(Domain):
    """Groups: lifecycle, profiles, members, roles, mutes, join requests, attributes and
    counters, and the streams of group tips, attribute and counter changes."""

    __slots__ = ()

    # -- lifecycle ---------------------------------------------------------------------------

    async def create(
        self,
        name: str,
        *,
        group_type: GroupType | int = GroupType.WORK,
        group_id: str | None = None,
        members: Iterable[str] = (),
        introduction: str = "",
        notification: str = "",
        face_url: str = "",
        add_option: GroupAddOption | int | None = None,
        approve_option: GroupAddOption | int | None = None,
        max_members: int | None = None,
        custom: Mapping[str, str] | None = None,
        is_support_topic: bool = False,
    ) -> Group:
        """Create a group and return its address (``TIMGroupCreate``).

        Args:
            name: the group's name (at most 30 bytes).
            group_type: an :class:`aiotim.GroupType`; ``GroupType.WORK`` (the C API's
                kTIMGroup_Private) by default.
            group_id: your own id for it (printable ASCII, at most 48 bytes, not starting with
                ``@TGS#``); ``None``: the server assigns one.
            members: users added at once as ordinary members (at most 20).
            add_option / approve_option: who may join / be invited without approval
                (:class:`GroupAddOption`); ``None``: the type's default.
            max_members: the member limit; ``None``: the type's default.

        Raises:
            TIMError: e.g. 10021 the id is in use, 8502 name too long.
        """
        gtype = GroupType(group_type)
        param: dict[str, Any] = {
            "create_group_param_group_name": _text(name, "name"),
            "create_group_param_group_type": int(gtype),
            "create_group_param_notification": _text(notification, "notification"),
            "create_group_param_introduction": _text(introduction, "introduction"),
            "create_group_param_face_url": _text(face_url, "face_url"),
        }
        if group_id is not None:
            param["create_group_param_group_id"] = _gid(group_id, "group_id")
        listed = [members] if isinstance(members, str) else list(members)
        ids = _user_ids(listed, "members") if listed else []
        if ids:
            param["create_group_param_group_member_array"] = [
                {"group_member_info_identifier": u} for u in ids
            ]
        if add_option is not None:
            param["create_group_param_add_option"] = _option(add_option, "add_option")
        if approve_option is not None:
            param["create_group_param_approve_option"] = _option(approve_option, "approve_option")
        if max_members is not None:
            param["create_group_param_max_member_num"] = _uint(max_members, "max_members")
        if custom:
            param["create_group_param_custom_info"] = [
                {"group_info_custom_string_info_key": k, "group_info_custom_string_info_value": v}
                for k, v in _str_map(custom, "custom").items()
            ]
        if is_support_topic:
            param["create_group_param_is_support_topic"] = True
        result = await self._core.call_raw("TIMGroupCreate", orjson.dumps(param))
        gid = result.get("create_group_result_groupid") if isinstance(result, dict) else None
        if not isinstance(gid, str) or not gid:
            raise PayloadError("TIMGroupCreate", "expected create_group_result_groupid")
        return Group(gid)

    async def join(self, group: Group | str, message: str = "") -> None:
        """Join a group, or apply to it when it needs approval (``TIMGroupJoin``).

        Raises:
            TIMError: 10013 already a member, 10007 the group accepts no applications,
                10014 the group is full, 10010 no such group.
        """
        await self._core.call_raw("TIMGroupJoin", _gid(group), _text(message, "message"))

    async def quit(self, group: Group | str) -> None:
        """Leave a group (``TIMGroupQuit``).

        Raises:
            TIMError: 10009 the owner cannot quit (except from a Work group).
        """
        await self._core.call_raw("TIMGroupQuit", _gid(group))

    async def dismiss(self, group: Group | str) -> None:
        """Dismiss a group: owner only, never a Work group (``TIMGroupDelete``)."""
        await self._core.call_raw("TIMGroupDelete", _gid(group))

    async def invite(self, group: Group | str, user_ids: Iterable[str]) -> list[MemberResult]:
        """Invite users (at most 20 per call); one :class:`MemberResult` per user
        (``TIMGroupInviteMember``)."""
        param = {
            "group_invite_member_param_group_id": _gid(group),
            "group_invite_member_param_identifier_array": _user_ids(user_ids),
        }
        result = await self._core.call_raw("TIMGroupInviteMember", orjson.dumps(param))
        return [MemberResult.from_json(r) for r in _list(result, "TIMGroupInviteMember")]

    async def kick(
        self, group: Group | str, user_ids: Iterable[str], reason: str = "", *, ban_s: int = 0
    ) -> list[MemberResult]:
        """Remove members; one :class:`MemberResult` per user (``TIMGroupDeleteMember``).

        Args:
            reason: told to the kicked users.
            ban_s: how long they may not re-join (seconds; 0: no ban).
        """
        param: dict[str, Any] = {
            "group_delete_member_param_group_id": _gid(group),
            "group_delete_member_param_identifier_array": _user_ids(user_ids),
            "group_delete_member_param_user_data": _text(reason, "reason"),
        }
        if ban_s:
            param["group_delete_member_param_duration"] = _uint(ban_s, "ban_s")
        result = await self._core.call_raw("TIMGroupDeleteMember", orjson.dumps(param))
        return [MemberResult.from_json(r) for r in _list(result, "TIMGroupDeleteMember")]

    # -- profiles ----------------------------------------------------------------------------

    async def info(self, groups: Group | str | Iterable[Group | str]) -> list[GroupInfoResult]:
        """The profiles of groups, one :class:`GroupInfoResult` per group, in order, each with
        its own code (``TIMGroupGetGroupInfoList``)."""
        if isinstance(groups, Group | str):
            groups = [groups]
        ids = [_gid(g) for g in groups]
        if not ids:
            raise ValueError("info() needs at least one group")
        result = await self._core.call_raw("TIMGroupGetGroupInfoList", orjson.dumps(ids))
        return [GroupInfoResult.from_json(r) for r in _list(result, "TIMGroupGetGroupInfoList")]

    async def get(self, group: Group | str) -> GroupInfo:
        """One group's profile (``TIMGroupGetGroupInfoList``).

        Raises:
            TIMError: e.g. 10010 no such group.
        """
        (found,) = await self.info(group)
        if found.code or found.info is None:
            raise TIMError(found.code or -1, found.desc or "no group info")
        return found.info

    async def joined(self) -> list[GroupInfo]:
        """The groups you are a member of (``TIMGroupGetJoinedGroupList``)."""
        result = await self._core.call_raw("TIMGroupGetJoinedGroupList")
        return [GroupInfo.from_json(g) for g in _list(result, "TIMGroupGetJoinedGroupList")]

    async def set_info(
        self,
        group: Group | str,
        *,
        name: str | None = None,
        introduction: str | None = None,
        notification: str | None = None,
        face_url: str | None = None,
        add_option: GroupAddOption | int | None = None,
        approve_option: GroupAddOption | int | None = None,
        max_members: int | None = None,
        all_muted: bool | None = None,
        custom: Mapping[str, str] | None = None,
    ) -> None:
        """Change a group's profile; only the given fields change; members get a
        ``GROUP_INFO_CHANGE`` tip (``TIMGroupModifyGroupInfo``).

        Raises:
            ValueError: nothing to change.
            TIMError: 10007 no permission (Work: any member; AVChatRoom: the owner; others:
                owner and admins).
        """
        p = "group_modify_info_param_"
        param: dict[str, Any] = {p + "group_id": _gid(group)}
        flag = 0
        for bit, key, value in (
            (_NAME, "group_name", name),
            (_INTRO, "introduction", introduction),
            (_NOTIFICATION, "notification", notification),
            (_FACE, "face_url", face_url),
        ):
            if value is not None:
                param[p + key] = _text(value, key)
                flag |= bit
        if add_option is not None:
            param[p + "add_option"], flag = _option(add_option, "add_option"), flag | _ADD_OPT
        if approve_option is not None:
            param[p + "approve_option"] = _option(approve_option, "approve_option")
            flag |= _APPROVE
        if max_members is not None:
            param[p + "max_member_num"], flag = _uint(max_members, "max_members"), flag | _MAX
        if all_muted is not None:
            if not isinstance(all_muted, bool):
                raise TypeError("all_muted must be a bool")
            param[p + "is_shutup_all"], flag = all_muted, flag | _SHUTUP_ALL
        if custom is not None:
            param[p + "custom_info"] = [
                {"group_info_custom_string_info_key": k, "group_info_custom_string_info_value": v}
                for k, v in _str_map(custom, "custom").items()
            ]
            flag |= _CUSTOM
        if not flag:
            raise ValueError("set_info() needs at least one field to change")
        param[p + "modify_flag"] = flag
        await self._core.call_raw("TIMGroupModifyGroupInfo", orjson.dumps(param))

    async def mute_all(self, group: Group | str, on: bool = True) -> None:
        """Mute (or unmute) every ordinary member (``TIMGroupModifyGroupInfo``)."""
        await self.set_info(group, all_muted=on)

    async def transfer_owner(self, group: Group | str, user_id: str) -> None:
        """Make a member the owner; you become an ordinary member
        (``TIMGroupModifyGroupInfo``)."""
        param = {
            "group_modify_info_param_group_id": _gid(group),
            "group_modify_info_param_modify_flag": _OWNER,
            "group_modify_info_param_owner": _user_ids(user_id, "user_id")[0],
        }
        await self._core.call_raw("TIMGroupModifyGroupInfo", orjson.dumps(param))

    # -- members -----------------------------------------------------------------------------

    async def members_page(
        self, group: Group | str, *, role: GroupMemberRole | None = None, next_seq: int = 0
    ) -> GroupMemberPage:
        """One page of the member list (``TIMGroupGetMemberInfoList``); pass the page's
        ``next_seq`` for the next one (0 on the last)."""
        param: dict[str, Any] = {
            "group_get_members_info_list_param_group_id": _gid(group),
            "group_get_members_info_list_param_next_seq": _uint(
                next_seq, "next_seq", (1 << 64) - 1
            ),
        }
        if role is not None:
            param["group_get_members_info_list_param_option"] = {
                "group_member_get_info_option_role_flag": _ROLE_FLAG[GroupMemberRole(role)]
            }
        result = await self._core.call_raw("TIMGroupGetMemberInfoList", orjson.dumps(param))
        return GroupMemberPage.from_json(result)

    async def members(
        self, group: Group | str, *, role: GroupMemberRole | None = None
    ) -> AsyncIterator[GroupMemberInfo]:
        """Every member (or those of ``role``), fetched page by page as you iterate
        (``TIMGroupGetMemberInfoList``)."""
        next_seq = 0
        while True:
            page = await self.members_page(group, role=role, next_seq=next_seq)
            for member in page.members:
                yield member
            if not page.next_seq:
                return
            next_seq = page.next_seq

    async def member_info(
        self, group: Group | str, user_ids: Iterable[str]
    ) -> list[GroupMemberInfo]:
        """The given members' info; non-members are left out (``TIMGroupGetMemberInfoList``)."""
        param = {
            "group_get_members_info_list_param_group_id": _gid(group),
            "group_get_members_info_list_param_identifier_array": _user_ids(user_ids),
        }
        result = await self._core.call_raw("TIMGroupGetMemberInfoList", orjson.dumps(param))
        return list(GroupMemberPage.from_json(result).members)

    async def set_member_info(
        self,
        group: Group | str,
        user_id: str,
        *,
        name_card: str | None = None,
        custom: Mapping[str, str] | None = None,
        role: GroupMemberRole | None = None,
        mute_s: int | None = None,
        receive_opt: ReceiveMessageOpt | None = None,
    ) -> None:
        """Change a member's name card, custom fields, role or mute (``TIMGroupModifyMemberInfo``).

        Args:
            role: ``GroupMemberRole.ADMIN`` or ``NORMAL`` (owner only; not Work/AVChatRoom).
            mute_s: mute for that many seconds (0 unmutes; owner/admins).
            receive_opt: your own receive option for the group.
        """
        p = "group_modify_member_info_"
        param: dict[str, Any] = {
            p + "group_id": _gid(group),
            p + "identifier": _user_ids(user_id, "user_id")[0],
        }
        flag = 0
        if name_card is not None:
            param[p + "name_card"], flag = _text(name_card, "name_card"), flag | _M_NAME_CARD
        if custom is not None:
            param[p + "custom_info"] = [
                {
                    "group_member_info_custom_string_info_key": k,
                    "group_member_info_custom_string_info_value": v,
                }
                for k, v in _str_map(custom, "custom").items()
            ]
            flag |= _M_CUSTOM
        if role is not None:
            param[p + "member_role"], flag = int(GroupMemberRole(role)), flag | _M_ROLE
        if mute_s is not None:
            param[p + "shutup_time"], flag = _uint(mute_s, "mute_s"), flag | _M_SHUTUP
        if receive_opt is not None:
            param[p + "msg_flag"] = int(ReceiveMessageOpt(receive_opt))
            flag |= _M_MSG_FLAG
        if not flag:
            raise ValueError("set_member_info() needs at least one field to change")
        param[p + "modify_flag"] = flag
        await self._core.call_raw("TIMGroupModifyMemberInfo", orjson.dumps(param))

    async def mute(self, group: Group | str, user_id: str, seconds: int) -> None:
        """Mute a member for ``seconds`` (0 unmutes); their sends then fail with 10017
        (``TIMGroupModifyMemberInfo``)."""
        await self.set_member_info(group, user_id, mute_s=seconds)

    async def set_role(self, group: Group | str, user_id: str, role: GroupMemberRole) -> None:
        """Make a member an admin or an ordinary member (``TIMGroupModifyMemberInfo``)."""
        await self.set_member_info(group, user_id, role=role)

    async def online_member_count(self, group: Group | str) -> int:
        """How many members are online (``TIMGroupGetOnlineMemberCount``)."""
        result = await self._core.call_raw("TIMGroupGetOnlineMemberCount", _gid(group))
        count = (
            result.get("group_get_online_member_count_result") if isinstance(result, dict) else None
        )
        if not isinstance(count, int):
            raise PayloadError("TIMGroupGetOnlineMemberCount", "expected a count")
        return count

    async def set_receive_option(self, group: Group | str, opt: ReceiveMessageOpt) -> None:
        """How you receive the group's messages (``TIMMsgSetGroupReceiveMessageOpt``)."""
        await self._core.call_raw(
            "TIMMsgSetGroupReceiveMessageOpt", _gid(group), int(ReceiveMessageOpt(opt))
        )

    async def mark_members(
        self, group: Group | str, user_ids: Iterable[str], mark_type: int, *, enable: bool = True
    ) -> None:
        """Set (or clear) a mark (``mark_type`` >= 1000) on members of an AVChatRoom or a
        community (``TIMGroupMarkGroupMemberList``)."""
        await self._core.call_raw(
            "TIMGroupMarkGroupMemberList",
            _gid(group),
            orjson.dumps(_user_ids(user_ids)),
            _uint(mark_type, "mark_type"),
            bool(enable),
        )

    async def search(
        self, keywords: Iterable[str], *, by_id: bool = True, by_name: bool = True
    ) -> list[GroupInfo]:
        """Search your joined groups by id and/or name (``TIMGroupSearchGroups``)."""
        words = _user_ids(keywords, "keywords")
        fields = [f for f, on in ((1, by_id), (2, by_name)) if on]
        if not fields:
            raise ValueError("search() needs by_id or by_name")
        param = {
            "group_search_params_keyword_list": words,
            "group_search_params_field_list": fields,
        }
        result = await self._core.call_raw("TIMGroupSearchGroups", orjson.dumps(param))
        return [GroupInfo.from_json(g) for g in _list(result, "TIMGroupSearchGroups")]

    async def search_members(
        self, keywords: Iterable[str], *, groups: Iterable[Group | str] = ()
    ) -> dict[str, list[GroupMemberInfo]]:
        """Search members of your groups (all, or ``groups``) by id, nick name, remark or name
        card; the matches by group id (``TIMGroupSearchGroupMembers``)."""
        param = {
            "group_search_member_params_groupid_list": [_gid(g) for g in groups],
            "group_search_member_params_keyword_list": _user_ids(keywords, "keywords"),
            "group_search_member_params_field_list": [1, 2, 4, 8],
        }
        result = await self._core.call_raw("TIMGroupSearchGroupMembers", orjson.dumps(param))
        out: dict[str, list[GroupMemberInfo]] = {}
        for item in _list(result, "TIMGroupSearchGroupMembers"):
            if not isinstance(item, dict):
                raise PayloadError("TIMGroupSearchGroupMembers", "expected result objects")
            gid = str(item.get("group_search_member_result_groupid", ""))
            members = item.get("group_search_member_result_member_info_list") or []
            out[gid] = [
                GroupMemberInfo.from_json(m) for m in _list(members, "TIMGroupSearchGroupMembers")
            ]
        return out

    # -- join requests -----------------------------------------------------------------------

    async def requests(self) -> list[GroupRequest]:
        """The join requests and invitations you may handle, newest first, handled ones
        included (``TIMGroupGetPendencyList``)."""
        out: list[GroupRequest] = []
        start = 0
        while True:
            param = {
                "group_pendency_option_start_time": start,
                "group_pendency_option_max_limited": 100,
            }
            result = await self._core.call_raw("TIMGroupGetPendencyList", orjson.dumps(param))
            if not isinstance(result, dict):
                raise PayloadError("TIMGroupGetPendencyList", "expected a JSON object")
            items = _list(
                result.get("group_pendency_result_pendency_array"), "TIMGroupGetPendencyList"
            )
            out.extend(GroupRequest.from_json(r) for r in items)
            start = result.get("group_pendency_result_next_start_time") or 0
            if not isinstance(start, int) or not start:
                return out

    async def mark_requests_read(self, until: int) -> None:
        """Mark the requests made before ``until`` (Unix s) as read
        (``TIMGroupReportPendencyReaded``)."""
        await self._core.call_raw(
            "TIMGroupReportPendencyReaded", _uint(until, "until", (1 << 64) - 1)
        )

    async def _handle(self, request: GroupRequest, accept: bool, message: str) -> None:
        if not isinstance(request, GroupRequest):
            raise TypeError(f"expected an aiotim GroupRequest from requests(), got {request!r}")
        param = {
            "group_handle_pendency_param_is_accept": accept,
            "group_handle_pendency_param_handle_msg": _text(message, "message"),
            "group_handle_pendency_param_pendency": request.raw,
        }
        await self._core.call_raw("TIMGroupHandlePendency", orjson.dumps(param))

    async def approve(self, request: GroupRequest, message: str = "") -> None:
        """Accept a join request or invitation (``TIMGroupHandlePendency``).

        Raises:
            TIMError: 10024 already handled, 10007 not yours to handle.
        """
        await self._handle(request, True, message)

    async def reject(self, request: GroupRequest, reason: str = "") -> None:
        """Refuse a join request or invitation (``TIMGroupHandlePendency``)."""
        await self._handle(request, False, reason)

    # -- attributes and counters -------------------------------------------------------------

    @staticmethod
    def _attr_json(attributes: Mapping[str, str]) -> bytes:
        return orjson.dumps(
            [
                {"group_attribute_key": k, "group_attribute_value": v}
                for k, v in _str_map(attributes, "attributes").items()
            ]
        )

    async def init_attributes(self, group: Group | str, attributes: Mapping[str, str]) -> None:
        """Replace all attributes of a group (``TIMGroupInitGroupAttributes``)."""
        await self._core.call_raw(
            "TIMGroupInitGroupAttributes", _gid(group), self._attr_json(attributes)
        )

    async def set_attributes(self, group: Group | str, attributes: Mapping[str, str]) -> None:
        """Add or update attributes; members get an attribute-change notification
        (``TIMGroupSetGroupAttributes``)."""
        await self._core.call_raw(
            "TIMGroupSetGroupAttributes", _gid(group), self._attr_json(attributes)
        )

    async def delete_attributes(self, group: Group | str, keys: Iterable[str]) -> None:
        """Delete attributes (``TIMGroupDeleteGroupAttributes``)."""
        await self._core.call_raw(
            "TIMGroupDeleteGroupAttributes", _gid(group), orjson.dumps(_user_ids(keys, "keys"))
        )

    async def attributes(
        self, group: Group | str, keys: Iterable[str] | None = None
    ) -> dict[str, str]:
        """The group's attributes (all, or ``keys``) (``TIMGroupGetGroupAttributes``)."""
        wanted = [] if keys is None else _user_ids(keys, "keys")
        result = await self._core.call_raw(
            "TIMGroupGetGroupAttributes", _gid(group), orjson.dumps(wanted)
        )
        return _attributes(result, "TIMGroupGetGroupAttributes")

    async def set_counters(self, group: Group | str, counters: Mapping[str, int]) -> dict[str, int]:
        """Set counters (int64 values); returns them as set (``TIMGroupSetGroupCounters``)."""
        if not isinstance(counters, Mapping) or not counters:
            raise ValueError("set_counters() needs a non-empty mapping of str to int")
        items = [
            {"group_counter_key": _text(k, "counter key"), "group_counter_value": _int64(v, k)}
            for k, v in counters.items()
        ]
        result = await self._core.call_raw(
            "TIMGroupSetGroupCounters", _gid(group), orjson.dumps(items)
        )
        return _counters(result, "TIMGroupSetGroupCounters")

    async def counters(
        self, group: Group | str, keys: Iterable[str] | None = None
    ) -> dict[str, int]:
        """The group's counters (all, or ``keys``) (``TIMGroupGetGroupCounters``)."""
        wanted = [] if keys is None else _user_ids(keys, "keys")
        result = await self._core.call_raw(
            "TIMGroupGetGroupCounters", _gid(group), orjson.dumps(wanted)
        )
        return _counters(result, "TIMGroupGetGroupCounters")

    async def increase_counter(self, group: Group | str, key: str, value: int = 1) -> int:
        """Add ``value`` to a counter; its new value (``TIMGroupIncreaseGroupCounter``)."""
        result = await self._core.call_raw(
            "TIMGroupIncreaseGroupCounter", _gid(group), _text(key, "key"), _int64(value, "value")
        )
        return _counters(result, "TIMGroupIncreaseGroupCounter")[key]

    async def decrease_counter(self, group: Group | str, key: str, value: int = 1) -> int:
        """Subtract ``value`` from a counter; its new value (``TIMGroupDecreaseGroupCounter``)."""
        result = await self._core.call_raw(
            "TIMGroupDecreaseGroupCounter", _gid(group), _text(key, "key"), _int64(value, "value")
        )
        return _counters(result, "TIMGroupDecreaseGroupCounter")[key]

    # -- streams -----------------------------------------------------------------------------

    def tips(
        self,
        *,
        group_id: str | None = None,
        tip_type: int | None = None,
        where: Callable[[GroupTipsEvent], bool] | None = None,
    ) -> Stream[GroupTipsEvent]:
        """Group tips: members joined, left, were kicked or promoted; group or member info
        changed (``TIMSetGroupTipsEventCallback``).

        Args:
            group_id: only for this group.
            tip_type: only tips of this :class:`aiotim.GroupTipType`.
        """
        by_group = None if group_id is None else (lambda e: e.group_id == group_id)
        by_type = None if tip_type is None else (lambda e: e.tip_type == tip_type)
        return self._core._stream("TIMSetGroupTipsEventCallback", all_of(by_group, by_type, where))

    def attribute_changes(
        self,
        *,
        group_id: str | None = None,
        where: Callable[[GroupAttributesChanged], bool] | None = None,
    ) -> Stream[GroupAttributesChanged]:
        """Changes of group attributes (``TIMSetGroupAttributeChangedCallback``).

        Args:
            group_id: only for this group.
        """
        by_group = None if group_id is None else (lambda e: e.group_id == group_id)
        return self._core._stream("TIMSetGroupAttributeChangedCallback", all_of(by_group, where))

    def counter_changes(
        self,
        *,
        group_id: str | None = None,
        where: Callable[[GroupCounterChanged], bool] | None = None,
    ) -> Stream[GroupCounterChanged]:
        """Changes of group counters (``TIMSetGroupCounterChangedCallback``).

        Args:
            group_id: only for this group.
        """
        by_group = None if group_id is None else (lambda e: e.group_id == group_id)
        return self._core._stream("TIMSetGroupCounterChangedCallback", all_of(by_group, where))
