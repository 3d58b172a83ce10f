"""Group members, group tips and topics (JSON keys: the headers' ``kTIMGroupMemberInfo*``,
``kTIMGroupTips*``, ``kTIMGroupTip*ChangeInfo*``, ``kTIMGroupTopicInfo*``)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Annotated, Any

from aiotim.models._fields import Key, Model, model
from aiotim.models._json import JSONObject, get_list, key_values
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


def _tip_type(value: int) -> int:
    try:
        return GroupTipType(value)
    except ValueError:  # a newer SDK's value: keep the number
        return value


def _custom(value: Any) -> dict[str, Any]:
    # Older SDKs send an object, newer ones an array of {key, value} pairs.
    if isinstance(value, dict):
        return dict(value)
    key = "group_member_info_custom_info"
    return key_values(
        get_list({key: value}, key, "group member"),
        "group_member_info_custom_string_info_key",
        "group_member_info_custom_string_info_value",
        "group member",
    )


@model("group member")
@dataclass(frozen=True, slots=True)
class GroupMemberInfo(Model):
    """A group member: role (a ``GroupMemberRole`` value), name card, mute end time, …"""

    user_id: Annotated[str, Key("group_member_info_identifier")]
    group_id: Annotated[str, Key("group_member_info_group_id")]
    role: Annotated[int, Key("group_member_info_member_role")]
    join_time: Annotated[int, Key("group_member_info_join_time")]
    name_card: Annotated[str, Key("group_member_info_name_card")]
    nick_name: Annotated[str, Key("group_member_info_nick_name")]
    face_url: Annotated[str, Key("group_member_info_face_url")]
    friend_remark: Annotated[str, Key("group_member_info_friend_remark")]
    shutup_time: Annotated[int, Key("group_member_info_shutup_time")]
    msg_flag: Annotated[int, Key("group_member_info_msg_flag")]
    custom: Annotated[dict[str, Any], Key("group_member_info_custom_info", convert=_custom)] = (
        field(hash=False)
    )
    raw: JSONObject = field(repr=False, compare=False)


@model("group change info")
@dataclass(frozen=True, slots=True)
class GroupTipGroupChange(Model):
    """One changed group field of a ``GROUP_INFO_CHANGE`` tip; ``flag`` is a
    ``TIMGroupTipGroupChangeFlag`` value (1 name, 2 introduction, 3 notification, …)."""

    flag: Annotated[int, Key("group_tips_group_change_info_flag")]
    value: Annotated[str, Key("group_tips_group_change_info_value")]
    key: Annotated[str, Key("group_tips_group_change_info_key")]
    bool_value: Annotated[bool, Key("group_tips_group_change_info_bool_value")]
    int_value: Annotated[int, Key("group_tips_group_change_info_int_value")]
    uint64_value: Annotated[int, Key("group_tips_group_change_info_uint64_value")]
    raw: JSONObject = field(repr=False, compare=False)


@model("member change info")
@dataclass(frozen=True, slots=True)
class GroupTipMemberChange(Model):
    """One member change of a ``MEMBER_INFO_CHANGE`` tip: who, and muted for how long (s)."""

    user_id: Annotated[str, Key("group_tips_member_change_info_identifier")]
    shutup_time: Annotated[int, Key("group_tips_member_change_info_shutupTime")]
    raw: JSONObject = field(repr=False, compare=False)


@model("group tips")
@dataclass(frozen=True, slots=True)
class GroupTips(Model):
    """A group tip: members joined, left, were kicked, promoted; the group or a member changed.

    ``tip_type`` is a :class:`GroupTipType` (a plain ``int`` for a type this version does not
    know); ``users`` are the members the tip is about, ``op_user`` who did it.
    """

    tip_type: Annotated[int, Key("group_tips_elem_tip_type", convert=_tip_type)]
    group_id: Annotated[str, Key("group_tips_elem_group_id")]
    group_name: Annotated[str, Key("group_tips_elem_group_name")]
    op_user: Annotated[str, Key("group_tips_elem_op_user")]
    users: Annotated[tuple[str, ...], Key("group_tips_elem_user_array")]
    group_changes: Annotated[
        tuple[GroupTipGroupChange, ...], Key("group_tips_elem_group_change_info_array")
    ]
    member_changes: Annotated[
        tuple[GroupTipMemberChange, ...], Key("group_tips_elem_member_change_info_array")
    ]
    op_member: Annotated[GroupMemberInfo | None, Key("group_tips_elem_op_group_memberinfo")]
    op_user_profile: Annotated[UserProfile | None, Key("group_tips_elem_op_user_info")]
    changed_members: Annotated[
        tuple[GroupMemberInfo, ...], Key("group_tips_elem_changed_group_memberinfo_array")
    ]
    changed_user_profiles: Annotated[
        tuple[UserProfile, ...], Key("group_tips_elem_changed_user_info_array")
    ]
    member_num: Annotated[int, Key("group_tips_elem_member_num")]
    join_type: Annotated[int, Key("group_tips_elem_join_type")]
    platform: Annotated[str, Key("group_tips_elem_platform")]
    time: Annotated[int, Key("group_tips_elem_time")]
    raw: JSONObject = field(repr=False, compare=False)


@model("topic info")
@dataclass(frozen=True, slots=True)
class TopicInfo(Model):
    """A topic of a community group (``group_topic_info_*``)."""

    topic_id: Annotated[str, Key("group_topic_info_topic_id")]
    name: Annotated[str, Key("group_topic_info_topic_name")]
    introduction: Annotated[str, Key("group_topic_info_introduction")]
    notification: Annotated[str, Key("group_topic_info_notification")]
    face_url: Annotated[str, Key("group_topic_info_topic_face_url")]
    is_all_muted: Annotated[bool, Key("group_topic_info_is_all_muted")]
    self_mute_time: Annotated[int, Key("group_topic_info_self_mute_time")]
    custom_string: Annotated[str, Key("group_topic_info_custom_string")]
    recv_opt: Annotated[int, Key("group_topic_info_recv_opt")]
    unread_count: Annotated[int, Key("group_topic_info_unread_count")]
    last_message: Annotated[Message | None, Key("group_topic_info_last_message")]
    raw: JSONObject = field(repr=False, compare=False)
