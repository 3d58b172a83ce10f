"""User and friend profiles, user status, friend requests and official accounts
(JSON keys: the headers' ``kTIMUserProfile*``, ``kTIMFriendProfile*``, ``kTIMUserStatus*``,
``kTIMFriendAddPendency*``, ``kTIMOfficialAccount*``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from aiotim.models._fields import Key, Model, model
from aiotim.models._json import JSONObject, get_list, get_str, get_str_list, key_values

__all__ = [
    "FollowInfo",
    "FollowResult",
    "FollowTypeResult",
    "FriendCheckResult",
    "FriendGroupInfo",
    "FriendInfo",
    "FriendProfile",
    "FriendProfileUpdate",
    "FriendRequest",
    "FriendResult",
    "OfficialAccountInfo",
    "UserProfile",
    "UserStatus",
]


def _user_custom(items: list[Any]) -> dict[str, Any]:
    return key_values(
        items,
        "user_profile_custom_string_info_key",
        "user_profile_custom_string_info_value",
        "user profile",
    )


@model("user profile")
@dataclass(frozen=True, slots=True)
class UserProfile(Model):
    """A user's profile: nickname, avatar and the other ``user_profile_*`` fields."""

    user_id: Annotated[str, Key("user_profile_identifier")]
    nick_name: Annotated[str, Key("user_profile_nick_name")]
    face_url: Annotated[str, Key("user_profile_face_url")]
    gender: Annotated[int, Key("user_profile_gender")]
    self_signature: Annotated[str, Key("user_profile_self_signature")]
    location: Annotated[str, Key("user_profile_location")]
    birthday: Annotated[int, Key("user_profile_birthday")]
    language: Annotated[int, Key("user_profile_language")]
    level: Annotated[int, Key("user_profile_level")]
    role: Annotated[int, Key("user_profile_role")]
    add_permission: Annotated[int, Key("user_profile_add_permission")]
    custom: Annotated[
        dict[str, Any], Key("user_profile_custom_string_array", convert=_user_custom)
    ] = field(hash=False)
    raw: JSONObject = field(repr=False, compare=False)


def _friend_custom(items: list[Any]) -> dict[str, Any]:
    return key_values(
        items,
        "friend_profile_custom_string_info_key",
        "friend_profile_custom_string_info_value",
        "friend profile",
    )


@model("friend profile")
@dataclass(frozen=True, slots=True)
class FriendProfile(Model):
    """A friend (or a blacklisted user): remark, friend groups, how they were added, and their
    user profile when the SDK includes it."""

    user_id: Annotated[str, Key("friend_profile_identifier", required=True)]
    remark: Annotated[str, Key("friend_profile_remark")]
    group_names: Annotated[tuple[str, ...], Key("friend_profile_group_name_array")]
    add_source: Annotated[str, Key("friend_profile_add_source")]
    add_wording: Annotated[str, Key("friend_profile_add_wording")]
    add_time: Annotated[int, Key("friend_profile_add_time")]
    user_profile: Annotated[UserProfile | None, Key("friend_profile_user_profile")]
    custom: Annotated[
        dict[str, Any], Key("friend_profile_custom_string_array", convert=_friend_custom)
    ] = field(hash=False)
    raw: JSONObject = field(repr=False, compare=False)


_UPDATE = "friend profile update"


def _update_remark(item: JSONObject | None) -> str | None:
    if item is None or "friend_profile_item_remark" not in item:
        return None
    return get_str(item, "friend_profile_item_remark", _UPDATE)


def _update_groups(item: JSONObject | None) -> tuple[str, ...] | None:
    if item is None or "friend_profile_item_group_name_array" not in item:
        return None
    return get_str_list(item, "friend_profile_item_group_name_array", _UPDATE)


def _update_custom(item: JSONObject | None) -> dict[str, Any]:
    return key_values(
        get_list(item or {}, "friend_profile_item_custom_string_array", _UPDATE),
        "friend_profile_custom_string_info_key",
        "friend_profile_custom_string_info_value",
        _UPDATE,
    )


@model(_UPDATE)
@dataclass(frozen=True, slots=True)
class FriendProfileUpdate(Model):
    """What changed in a friend's profile; ``None`` for what did not change."""

    user_id: Annotated[str, Key("friend_profile_update_identifier", required=True)]
    remark: Annotated[str | None, Key("friend_profile_update_item", convert=_update_remark)]
    group_names: Annotated[
        tuple[str, ...] | None, Key("friend_profile_update_item", convert=_update_groups)
    ]
    custom: Annotated[dict[str, Any], Key("friend_profile_update_item", convert=_update_custom)] = (
        field(hash=False)
    )
    raw: JSONObject = field(repr=False, compare=False)


@model("friend request")
@dataclass(frozen=True, slots=True)
class FriendRequest(Model):
    """A pending friend request (``friend_add_pendency_*``)."""

    user_id: Annotated[str, Key("friend_add_pendency_identifier", required=True)]
    nick_name: Annotated[str, Key("friend_add_pendency_nick_name")]
    face_url: Annotated[str, Key("friend_add_pendency_face_url")]
    add_source: Annotated[str, Key("friend_add_pendency_add_source")]
    add_wording: Annotated[str, Key("friend_add_pendency_add_wording")]
    add_time: Annotated[int, Key("friend_add_pendency_add_time")]
    pendency_type: Annotated[int, Key("friend_add_pendency_type")]
    raw: JSONObject = field(repr=False, compare=False)


@model("user status")
@dataclass(frozen=True, slots=True)
class UserStatus(Model):
    """A user's online status (``status_type``: a ``TIMUserStatusType``) and custom status."""

    user_id: Annotated[str, Key("user_status_identifier", required=True)]
    status_type: Annotated[int, Key("user_status_status_type")]
    custom_status: Annotated[str, Key("user_status_custom_status")]
    online_devices: Annotated[tuple[str, ...], Key("user_status_online_devices")]
    raw: JSONObject = field(repr=False, compare=False)


@model("official account")
@dataclass(frozen=True, slots=True)
class OfficialAccountInfo(Model):
    """An official account (``official_account_*``)."""

    id: Annotated[str, Key("official_account_id", required=True)]
    name: Annotated[str, Key("official_account_name")]
    face_url: Annotated[str, Key("official_account_face_url")]
    owner_user_id: Annotated[str, Key("official_account_owner_user_id")]
    introduction: Annotated[str, Key("official_account_introduction")]
    organization: Annotated[str, Key("official_account_organization")]
    create_time: Annotated[int, Key("official_account_create_time")]
    subscriber_count: Annotated[int, Key("official_account_subscriber_count")]
    subscribe_time: Annotated[int, Key("official_account_subscribe_time")]
    custom_data: Annotated[str, Key("official_account_custom_data")]
    raw: JSONObject = field(repr=False, compare=False)


#: ``friend_result_code`` of a request that awaits the target's approval:
#: ERR_SVR_FRIENDSHIP_ALLOW_TYPE_NEED_CONFIRM (TIMErrorCode.h; "加未决成功").
PENDING_CODE = 30539


@model("friend result")
@dataclass(frozen=True, slots=True)
class FriendResult(Model):
    """The outcome of a relationship operation for one user (``friend_result_*``): ``code`` 0
    on success, else the service's code (e.g. 31704: not a friend)."""

    user_id: Annotated[str, Key("friend_result_identifier")]
    code: Annotated[int, Key("friend_result_code")]
    desc: Annotated[str, Key("friend_result_desc")]
    raw: JSONObject = field(repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Whether it succeeded (a request sent for approval counts: see :attr:`pending`)."""
        return self.code in (0, PENDING_CODE)

    @property
    def pending(self) -> bool:
        """Whether a friend request now awaits the target's approval (code 30539)."""
        return self.code == PENDING_CODE


@model("friend info")
@dataclass(frozen=True, slots=True)
class FriendInfo(Model):
    """A user as seen from the friend list (``friendship_friend_info_get_result_*``):
    ``relation`` is a ``TIMFriendshipRelationType`` (0 none, 1 in my list, 2 I am in theirs,
    3 both)."""

    user_id: Annotated[str, Key("friendship_friend_info_get_result_identifier")]
    relation: Annotated[int, Key("friendship_friend_info_get_result_relation_type")]
    error_code: Annotated[int, Key("friendship_friend_info_get_result_error_code")]
    error_message: Annotated[str, Key("friendship_friend_info_get_result_error_message")]
    friend: Annotated[FriendProfile | None, Key("friendship_friend_info_get_result_field_info")]
    raw: JSONObject = field(repr=False, compare=False)


@model("friend check result")
@dataclass(frozen=True, slots=True)
class FriendCheckResult(Model):
    """A relation check (``friendship_check_friendtype_result_*``): ``relation`` is a
    ``TIMFriendCheckRelation`` (0 none, 1 A has B, 2 B has A, 3 both ways)."""

    user_id: Annotated[str, Key("friendship_check_friendtype_result_identifier")]
    relation: Annotated[int, Key("friendship_check_friendtype_result_relation")]
    code: Annotated[int, Key("friendship_check_friendtype_result_code")]
    desc: Annotated[str, Key("friendship_check_friendtype_result_desc")]
    raw: JSONObject = field(repr=False, compare=False)


@model("friend group")
@dataclass(frozen=True, slots=True)
class FriendGroupInfo(Model):
    """A friend group (``friend_group_info_*``)."""

    name: Annotated[str, Key("friend_group_info_name")]
    count: Annotated[int, Key("friend_group_info_count")]
    user_ids: Annotated[tuple[str, ...], Key("friend_group_info_identifier_array")]
    raw: JSONObject = field(repr=False, compare=False)


@model("follow result")
@dataclass(frozen=True, slots=True)
class FollowResult(Model):
    """The outcome of following or unfollowing one user (``follow_operation_result_*``)."""

    user_id: Annotated[str, Key("follow_operation_result_user_id")]
    code: Annotated[int, Key("follow_operation_result_code")]
    info: Annotated[str, Key("follow_operation_result_Info")]
    raw: JSONObject = field(repr=False, compare=False)


@model("follow info")
@dataclass(frozen=True, slots=True)
class FollowInfo(Model):
    """A user's follow counts (``follow_info_*``)."""

    user_id: Annotated[str, Key("follow_info_user_id")]
    code: Annotated[int, Key("follow_info_result_code")]
    info: Annotated[str, Key("follow_info_result_info")]
    following_count: Annotated[int, Key("follow_info_following_count")]
    followers_count: Annotated[int, Key("follow_info_followers_count")]
    mutual_followers_count: Annotated[int, Key("follow_info_mutual_followers_count")]
    raw: JSONObject = field(repr=False, compare=False)


@model("follow type")
@dataclass(frozen=True, slots=True)
class FollowTypeResult(Model):
    """How I and a user follow each other (``follow_type_check_result_*``): ``follow_type`` is
    a ``TIMFollowType`` (0 none, 1 I follow them, 2 they follow me, 3 both)."""

    user_id: Annotated[str, Key("follow_type_check_result_user_id")]
    code: Annotated[int, Key("follow_type_check_result_code")]
    info: Annotated[str, Key("follow_type_check_result_info")]
    follow_type: Annotated[int, Key("follow_type_check_result_follow_type")]
    raw: JSONObject = field(repr=False, compare=False)
