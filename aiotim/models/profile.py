"""User and friend profiles, user status, friend requests and official accounts
(JSON keys: the headers' ``kTIMUserProfile*``, ``kTIMFriendProfile*``, ``kTIMUserStatus*``,
``kTIMFriendAddPendency*``, ``kTIMOfficialAccount*``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from aiotim.models._fields import Key, Model, model
from aiotim.models._json import JSONObject, get_list, get_str, get_str_list, key_values

__all__ = [
    "FriendProfile",
    "FriendProfileUpdate",
    "FriendRequest",
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

    user_id: Annotated[str, Key("friend_profile_identifier")]
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

    user_id: Annotated[str, Key("friend_profile_update_identifier")]
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

    user_id: Annotated[str, Key("friend_add_pendency_identifier")]
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

    user_id: Annotated[str, Key("user_status_identifier")]
    status_type: Annotated[int, Key("user_status_status_type")]
    custom_status: Annotated[str, Key("user_status_custom_status")]
    online_devices: Annotated[tuple[str, ...], Key("user_status_online_devices")]
    raw: JSONObject = field(repr=False, compare=False)


@model("official account")
@dataclass(frozen=True, slots=True)
class OfficialAccountInfo(Model):
    """An official account (``official_account_*``)."""

    id: Annotated[str, Key("official_account_id")]
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
