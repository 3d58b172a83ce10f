"""Group members, group tips and topics (JSON keys: the headers' ``kTIMGroupMemberInfo*``,
``kTIMGroupTips*``, ``kTIMGroupTip*ChangeInfo*``, ``kTIMGroupTopicInfo*``)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from aiotim.models._json import (
    JSONObject,
    get_bool,
    get_int,
    get_list,
    get_obj,
    get_str,
    get_str_list,
    key_values,
    obj,
)
from aiotim.models.message import Message
from aiotim.models.profile import UserProfile

__all__ = [
    "GroupMemberInfo",
    "GroupTipGroupChange",
    "GroupTipMemberChange",
    "GroupTipType",
    "GroupTips",
    "TopicInfo",
]


class GroupTipType(enum.IntEnum):
    """What a group tip reports (the values of the vendor's ``TIMGroupTipType``)."""

    NONE = 0
    INVITE = 1  # members joined (invited or approved)
    QUIT = 2  # a member left
    KICK = 3  # members were removed
    SET_ADMIN = 4
    CANCEL_ADMIN = 5
    GROUP_INFO_CHANGE = 6
    MEMBER_INFO_CHANGE = 7  # e.g. members muted
    MEMBER_MARK_CHANGE = 8
    TOPIC_INFO_CHANGE = 9
    PINNED_MESSAGE_ADDED = 10
    PINNED_MESSAGE_DELETED = 11


def _enum_or_int(cls: type[enum.IntEnum], value: int) -> int:
    try:
        return cls(value)
    except ValueError:  # a newer SDK's value: keep the number
        return value


def _custom(d: JSONObject, key: str, what: str) -> dict[str, Any]:
    # Older SDKs send an object, newer ones an array of {key, value} pairs.
    value = d.get(key)
    if isinstance(value, dict):
        return dict(value)
    return key_values(get_list(d, key, what), "group_member_info_custom_string_info_key",
                      "group_member_info_custom_string_info_value", what)


@dataclass(frozen=True, slots=True)
class GroupMemberInfo:
    """A group member: role (a ``GroupMemberRole`` value), name card, mute end time, …"""

    user_id: str
    group_id: str
    role: int
    join_time: int
    name_card: str
    nick_name: str
    face_url: str
    friend_remark: str
    shutup_time: int
    msg_flag: int
    custom: dict[str, Any] = field(hash=False)
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> GroupMemberInfo:
        """Decode a ``GroupMemberInfo`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "group member"
        d = obj(value, what)
        return cls(
            user_id=get_str(d, "group_member_info_identifier", what),
            group_id=get_str(d, "group_member_info_group_id", what),
            role=get_int(d, "group_member_info_member_role", what),
            join_time=get_int(d, "group_member_info_join_time", what),
            name_card=get_str(d, "group_member_info_name_card", what),
            nick_name=get_str(d, "group_member_info_nick_name", what),
            face_url=get_str(d, "group_member_info_face_url", what),
            friend_remark=get_str(d, "group_member_info_friend_remark", what),
            shutup_time=get_int(d, "group_member_info_shutup_time", what),
            msg_flag=get_int(d, "group_member_info_msg_flag", what),
            custom=_custom(d, "group_member_info_custom_info", what),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class GroupTipGroupChange:
    """One changed group field of a ``GROUP_INFO_CHANGE`` tip; ``flag`` is a
    ``TIMGroupTipGroupChangeFlag`` value (1 name, 2 introduction, 3 notification, …)."""

    flag: int
    value: str
    key: str
    bool_value: bool
    int_value: int
    uint64_value: int
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> GroupTipGroupChange:
        """Decode a ``GroupTipGroupChangeInfo`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "group change info"
        d = obj(value, what)
        return cls(
            flag=get_int(d, "group_tips_group_change_info_flag", what),
            value=get_str(d, "group_tips_group_change_info_value", what),
            key=get_str(d, "group_tips_group_change_info_key", what),
            bool_value=get_bool(d, "group_tips_group_change_info_bool_value", what),
            int_value=get_int(d, "group_tips_group_change_info_int_value", what),
            uint64_value=get_int(d, "group_tips_group_change_info_uint64_value", what),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class GroupTipMemberChange:
    """One member change of a ``MEMBER_INFO_CHANGE`` tip: who, and muted for how long (s)."""

    user_id: str
    shutup_time: int
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> GroupTipMemberChange:
        """Decode a ``GroupTipMemberChangeInfo`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "member change info"
        d = obj(value, what)
        return cls(
            user_id=get_str(d, "group_tips_member_change_info_identifier", what),
            shutup_time=get_int(d, "group_tips_member_change_info_shutupTime", what),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class GroupTips:
    """A group tip: members joined, left, were kicked, promoted; the group or a member changed.

    ``tip_type`` is a :class:`GroupTipType` (a plain ``int`` for a type this version does not
    know); ``users`` are the members the tip is about, ``op_user`` who did it.
    """

    tip_type: int
    group_id: str
    group_name: str
    op_user: str
    users: tuple[str, ...]
    group_changes: tuple[GroupTipGroupChange, ...]
    member_changes: tuple[GroupTipMemberChange, ...]
    op_member: GroupMemberInfo | None
    op_user_profile: UserProfile | None
    changed_members: tuple[GroupMemberInfo, ...]
    changed_user_profiles: tuple[UserProfile, ...]
    member_num: int
    join_type: int
    platform: str
    time: int
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> GroupTips:
        """Decode a ``GroupTipsElem`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "group tips"
        d = obj(value, what)
        op_member = get_obj(d, "group_tips_elem_op_group_memberinfo", what)
        op_profile = get_obj(d, "group_tips_elem_op_user_info", what)
        return cls(
            tip_type=_enum_or_int(GroupTipType, get_int(d, "group_tips_elem_tip_type", what)),
            group_id=get_str(d, "group_tips_elem_group_id", what),
            group_name=get_str(d, "group_tips_elem_group_name", what),
            op_user=get_str(d, "group_tips_elem_op_user", what),
            users=get_str_list(d, "group_tips_elem_user_array", what),
            group_changes=tuple(GroupTipGroupChange.from_json(c) for c in
                                get_list(d, "group_tips_elem_group_change_info_array", what)),
            member_changes=tuple(GroupTipMemberChange.from_json(c) for c in
                                 get_list(d, "group_tips_elem_member_change_info_array", what)),
            op_member=GroupMemberInfo.from_json(op_member) if op_member is not None else None,
            op_user_profile=UserProfile.from_json(op_profile) if op_profile is not None else None,
            changed_members=tuple(
                GroupMemberInfo.from_json(m) for m in
                get_list(d, "group_tips_elem_changed_group_memberinfo_array", what)),
            changed_user_profiles=tuple(
                UserProfile.from_json(p) for p in
                get_list(d, "group_tips_elem_changed_user_info_array", what)),
            member_num=get_int(d, "group_tips_elem_member_num", what),
            join_type=get_int(d, "group_tips_elem_join_type", what),
            platform=get_str(d, "group_tips_elem_platform", what),
            time=get_int(d, "group_tips_elem_time", what),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class TopicInfo:
    """A topic of a community group (``group_topic_info_*``)."""

    topic_id: str
    name: str
    introduction: str
    notification: str
    face_url: str
    is_all_muted: bool
    self_mute_time: int
    custom_string: str
    recv_opt: int
    unread_count: int
    last_message: Message | None
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> TopicInfo:
        """Decode a ``TIMGroupTopicInfo`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "topic info"
        d = obj(value, what)
        last = get_obj(d, "group_topic_info_last_message", what)
        return cls(
            topic_id=get_str(d, "group_topic_info_topic_id", what),
            name=get_str(d, "group_topic_info_topic_name", what),
            introduction=get_str(d, "group_topic_info_introduction", what),
            notification=get_str(d, "group_topic_info_notification", what),
            face_url=get_str(d, "group_topic_info_topic_face_url", what),
            is_all_muted=get_bool(d, "group_topic_info_is_all_muted", what),
            self_mute_time=get_int(d, "group_topic_info_self_mute_time", what),
            custom_string=get_str(d, "group_topic_info_custom_string", what),
            recv_opt=get_int(d, "group_topic_info_recv_opt", what),
            unread_count=get_int(d, "group_topic_info_unread_count", what),
            last_message=Message.from_json(last) if last is not None else None,
            raw=d,
        )
