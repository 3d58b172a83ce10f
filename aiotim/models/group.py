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
    "GroupAddOption",
    "GroupInfo",
    "GroupInfoResult",
    "GroupMemberInfo",
    "GroupMemberPage",
    "GroupRequest",
    "GroupSelfInfo",
    "GroupTipGroupChange",
    "GroupTipMemberChange",
    "GroupTipType",
    "GroupTips",
    "MemberResult",
    "MemberResultCode",
    "TopicInfo",
    "TopicResult",
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
    is_online: Annotated[bool, Key("group_member_info_is_online")]
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
    group_id: Annotated[str, Key("group_tips_elem_group_id", required=True)]
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

    topic_id: Annotated[str, Key("group_topic_info_topic_id", required=True)]
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


class GroupAddOption(enum.IntEnum):
    """Who may join (or be invited) without approval (the vendor's ``TIMGroupAddOption``)."""

    FORBID = 0  # nobody
    AUTH = 1  # an owner or admin approves
    ANY = 2  # anyone, at once
    UNKNOWN = 3


class MemberResultCode(enum.IntEnum):
    """The outcome for one user of an invite or kick (the vendor's
    ``HandleGroupMemberResult``)."""

    FAILED = 0
    OK = 1
    ALREADY_MEMBER = 2
    INVITED = 3  # the invitation waits for approval


def _custom_group(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return dict(value)
    key = "group_detail_info_custom_info"
    return key_values(
        get_list({key: value}, key, "group info"),
        "group_info_custom_string_info_key",
        "group_info_custom_string_info_value",
        "group info",
    )


@model("group self info")
@dataclass(frozen=True, slots=True)
class GroupSelfInfo(Model):
    """The caller's own membership in a group (``group_self_info_*``)."""

    join_time: Annotated[int, Key("group_self_info_join_time")]
    role: Annotated[int, Key("group_self_info_role")]
    unread: Annotated[int, Key("group_self_info_unread_num")]
    msg_flag: Annotated[int, Key("group_self_info_msg_flag")]
    raw: JSONObject = field(repr=False, compare=False)


@model("group info")
@dataclass(frozen=True, slots=True)
class GroupInfo(Model):
    """A group's profile (the SDK's GroupDetailInfo, plus the caller's ``self_info``).

    ``group_type`` is a :class:`aiotim.GroupType` value, ``add_option`` and
    ``approve_option`` :class:`GroupAddOption` values.
    """

    group_id: Annotated[str, Key("group_detail_info_group_id")]
    group_type: Annotated[int, Key("group_detail_info_group_type")]
    name: Annotated[str, Key("group_detail_info_group_name")]
    introduction: Annotated[str, Key("group_detail_info_introduction")]
    notification: Annotated[str, Key("group_detail_info_notification")]
    face_url: Annotated[str, Key("group_detail_info_face_url")]
    owner: Annotated[str, Key("group_detail_info_owner_identifier")]
    create_time: Annotated[int, Key("group_detail_info_create_time")]
    info_seq: Annotated[int, Key("group_detail_info_info_seq")]
    last_info_time: Annotated[int, Key("group_detail_info_last_info_time")]
    next_msg_seq: Annotated[int, Key("group_detail_info_next_msg_seq")]
    last_msg_time: Annotated[int, Key("group_detail_info_last_msg_time")]
    member_count: Annotated[int, Key("group_detail_info_member_num")]
    max_members: Annotated[int, Key("group_detail_info_max_member_num")]
    add_option: Annotated[int, Key("group_detail_info_add_option")]
    approve_option: Annotated[int, Key("group_detail_info_approve_option")]
    is_all_muted: Annotated[bool, Key("group_detail_info_is_shutup_all")]
    is_support_topic: Annotated[bool, Key("group_detail_info_is_support_topic")]
    custom: Annotated[
        dict[str, Any], Key("group_detail_info_custom_info", convert=_custom_group)
    ] = field(hash=False)
    self_info: Annotated[GroupSelfInfo | None, Key("group_base_info_self_info")]
    raw: JSONObject = field(repr=False, compare=False)


@model("group info result")
@dataclass(frozen=True, slots=True)
class GroupInfoResult(Model):
    """One group of :meth:`aiotim.Client.groups.info`: ``code`` 0 and its ``info``, or the
    error (e.g. 10010 group not found) for that group."""

    code: Annotated[int, Key("get_groups_info_result_code")]
    desc: Annotated[str, Key("get_groups_info_result_desc")]
    info: Annotated[GroupInfo | None, Key("get_groups_info_result_info")]
    raw: JSONObject = field(repr=False, compare=False)


def _member_code(value: int) -> int:
    try:
        return MemberResultCode(value)
    except ValueError:
        return value


@model("member result")
@dataclass(frozen=True, slots=True)
class MemberResult(Model):
    """The outcome for one user of an invite or a kick (``result``: a
    :class:`MemberResultCode`)."""

    user_id: Annotated[
        str,
        Key(
            "group_invite_member_result_identifier",
            "group_delete_member_result_identifier",
            convert=lambda a="", b="": a or b,
        ),
    ]
    result: Annotated[
        int,
        Key(
            "group_invite_member_result_result",
            "group_delete_member_result_result",
            convert=lambda a=-1, b=-1: _member_code(a if a != -1 else b),
        ),
    ]
    raw: JSONObject = field(repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Whether the user is (now) a member, or the kick succeeded."""
        return self.result in (MemberResultCode.OK, MemberResultCode.ALREADY_MEMBER)


@model("group member page")
@dataclass(frozen=True, slots=True)
class GroupMemberPage(Model):
    """One page of a group's member list; ``next_seq`` 0 when it is the last."""

    next_seq: Annotated[int, Key("group_get_member_info_list_result_next_seq")]
    members: Annotated[
        tuple[GroupMemberInfo, ...], Key("group_get_member_info_list_result_info_array")
    ]
    raw: JSONObject = field(repr=False, compare=False)


@model("group request")
@dataclass(frozen=True, slots=True)
class GroupRequest(Model):
    """A request to join a group, or an invitation waiting for approval (the SDK's
    GroupPendency; the ``form`` spelling of two keys is the SDK's own).

    ``pendency_type``: 0 an application for the admins, 1 an invitation for the invitee, 2 an
    invitation for the admins; ``handled``: 0 not yet, 1 by someone else, 2 by you.
    """

    group_id: Annotated[str, Key("group_pendency_group_id")]
    from_user: Annotated[str, Key("group_pendency_form_identifier")]
    to_user: Annotated[str, Key("group_pendency_to_identifier")]
    add_time: Annotated[int, Key("group_pendency_add_time")]
    pendency_type: Annotated[int, Key("group_pendency_pendency_type")]
    handled: Annotated[int, Key("group_pendency_handled")]
    accepted: Annotated[bool, Key("group_pendency_handle_result", convert=lambda v=0: v == 1)]
    message: Annotated[str, Key("group_pendency_apply_invite_msg")]
    approval_message: Annotated[str, Key("group_pendency_approval_msg")]
    key: Annotated[str, Key("group_pendency_key")]
    raw: JSONObject = field(repr=False, compare=False)


@model("topic result")
@dataclass(frozen=True, slots=True)
class TopicResult(Model):
    """The outcome for one topic of a deletion: ``code`` 0, or why not."""

    topic_id: Annotated[str, Key("group_topic_operation_result_topic_id")]
    code: Annotated[int, Key("group_topic_operation_result_error_code")]
    message: Annotated[str, Key("group_topic_operation_result_error_message")]
    raw: JSONObject = field(repr=False, compare=False)
