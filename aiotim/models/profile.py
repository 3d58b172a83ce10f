"""User and friend profiles, user status, friend requests and official accounts
(JSON keys: the headers' ``kTIMUserProfile*``, ``kTIMFriendProfile*``, ``kTIMUserStatus*``,
``kTIMFriendAddPendency*``, ``kTIMOfficialAccount*``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiotim.models._json import (
    JSONObject,
    get_int,
    get_list,
    get_obj,
    get_str,
    get_str_list,
    key_values,
    obj,
)

__all__ = [
    "FriendProfile",
    "FriendProfileUpdate",
    "FriendRequest",
    "OfficialAccountInfo",
    "UserProfile",
    "UserStatus",
]


@dataclass(frozen=True, slots=True)
class UserProfile:
    """A user's profile: nickname, avatar and the other ``user_profile_*`` fields."""

    user_id: str
    nick_name: str
    face_url: str
    gender: int
    self_signature: str
    location: str
    birthday: int
    language: int
    level: int
    role: int
    add_permission: int
    custom: dict[str, Any] = field(hash=False)
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> UserProfile:
        """Decode a ``UserProfile`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "user profile"
        d = obj(value, what)
        return cls(
            user_id=get_str(d, "user_profile_identifier", what),
            nick_name=get_str(d, "user_profile_nick_name", what),
            face_url=get_str(d, "user_profile_face_url", what),
            gender=get_int(d, "user_profile_gender", what),
            self_signature=get_str(d, "user_profile_self_signature", what),
            location=get_str(d, "user_profile_location", what),
            birthday=get_int(d, "user_profile_birthday", what),
            language=get_int(d, "user_profile_language", what),
            level=get_int(d, "user_profile_level", what),
            role=get_int(d, "user_profile_role", what),
            add_permission=get_int(d, "user_profile_add_permission", what),
            custom=key_values(get_list(d, "user_profile_custom_string_array", what),
                              "user_profile_custom_string_info_key",
                              "user_profile_custom_string_info_value", what),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class FriendProfile:
    """A friend (or a blacklisted user): remark, friend groups, how they were added, and their
    user profile when the SDK includes it."""

    user_id: str
    remark: str
    group_names: tuple[str, ...]
    add_source: str
    add_wording: str
    add_time: int
    user_profile: UserProfile | None
    custom: dict[str, Any] = field(hash=False)
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> FriendProfile:
        """Decode a ``FriendProfile`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "friend profile"
        d = obj(value, what)
        profile = get_obj(d, "friend_profile_user_profile", what)
        return cls(
            user_id=get_str(d, "friend_profile_identifier", what),
            remark=get_str(d, "friend_profile_remark", what),
            group_names=get_str_list(d, "friend_profile_group_name_array", what),
            add_source=get_str(d, "friend_profile_add_source", what),
            add_wording=get_str(d, "friend_profile_add_wording", what),
            add_time=get_int(d, "friend_profile_add_time", what),
            user_profile=UserProfile.from_json(profile) if profile is not None else None,
            custom=key_values(get_list(d, "friend_profile_custom_string_array", what),
                              "friend_profile_custom_string_info_key",
                              "friend_profile_custom_string_info_value", what),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class FriendProfileUpdate:
    """What changed in a friend's profile; ``None`` for what did not change."""

    user_id: str
    remark: str | None
    group_names: tuple[str, ...] | None
    custom: dict[str, Any] = field(hash=False)
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> FriendProfileUpdate:
        """Decode a ``friend_profile_update_*`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "friend profile update"
        d = obj(value, what)
        item = get_obj(d, "friend_profile_update_item", what) or {}
        remark = (get_str(item, "friend_profile_item_remark", what)
                  if "friend_profile_item_remark" in item else None)
        groups = (get_str_list(item, "friend_profile_item_group_name_array", what)
                  if "friend_profile_item_group_name_array" in item else None)
        return cls(
            user_id=get_str(d, "friend_profile_update_identifier", what),
            remark=remark,
            group_names=groups,
            custom=key_values(get_list(item, "friend_profile_item_custom_string_array", what),
                              "friend_profile_custom_string_info_key",
                              "friend_profile_custom_string_info_value", what),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class FriendRequest:
    """A pending friend request (``friend_add_pendency_*``)."""

    user_id: str
    nick_name: str
    face_url: str
    add_source: str
    add_wording: str
    add_time: int
    pendency_type: int
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> FriendRequest:
        """Decode a ``FriendAddPendency`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "friend request"
        d = obj(value, what)
        return cls(
            user_id=get_str(d, "friend_add_pendency_identifier", what),
            nick_name=get_str(d, "friend_add_pendency_nick_name", what),
            face_url=get_str(d, "friend_add_pendency_face_url", what),
            add_source=get_str(d, "friend_add_pendency_add_source", what),
            add_wording=get_str(d, "friend_add_pendency_add_wording", what),
            add_time=get_int(d, "friend_add_pendency_add_time", what),
            pendency_type=get_int(d, "friend_add_pendency_type", what),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class UserStatus:
    """A user's online status (``status_type``: a ``TIMUserStatusType``) and custom status."""

    user_id: str
    status_type: int
    custom_status: str
    online_devices: tuple[str, ...]
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> UserStatus:
        """Decode a ``TIMUserStatus`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "user status"
        d = obj(value, what)
        return cls(
            user_id=get_str(d, "user_status_identifier", what),
            status_type=get_int(d, "user_status_status_type", what),
            custom_status=get_str(d, "user_status_custom_status", what),
            online_devices=get_str_list(d, "user_status_online_devices", what),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class OfficialAccountInfo:
    """An official account (``official_account_*``)."""

    id: str
    name: str
    face_url: str
    owner_user_id: str
    introduction: str
    organization: str
    create_time: int
    subscriber_count: int
    subscribe_time: int
    custom_data: str
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> OfficialAccountInfo:
        """Decode an ``OfficialAccountInfo`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "official account"
        d = obj(value, what)
        return cls(
            id=get_str(d, "official_account_id", what),
            name=get_str(d, "official_account_name", what),
            face_url=get_str(d, "official_account_face_url", what),
            owner_user_id=get_str(d, "official_account_owner_user_id", what),
            introduction=get_str(d, "official_account_introduction", what),
            organization=get_str(d, "official_account_organization", what),
            create_time=get_int(d, "official_account_create_time", what),
            subscriber_count=get_int(d, "official_account_subscriber_count", what),
            subscribe_time=get_int(d, "official_account_subscribe_time", what),
            custom_data=get_str(d, "official_account_custom_data", what),
            raw=d,
        )
