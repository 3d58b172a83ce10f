"""``client.profiles``: user profiles and their streams."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson

from aiotim.domains._base import Domain
from aiotim.events.friends import FriendProfileUpdated
from aiotim.events.profiles import SelfProfileUpdated, UserProfileChanged
from aiotim.events.stream import Stream
from aiotim.models.profile import UserProfile

__all__ = ["Profiles"]


def _ids(values: str | Iterable[str], *, empty: bool = False) -> list[str]:
    items = [values] if isinstance(values, str) else list(values)
    for v in items:
        if not isinstance(v, str) or not v:
            raise ValueError(f"user_ids: {v!r} is not a non-empty str")
    if not items and not empty:
        raise ValueError("user_ids is empty")
    return items


class Profiles(Domain):
    """Profiles (TIMManager.h)."""

    __slots__ = ()

    async def get(
        self, user_ids: str | Iterable[str], refresh: bool = False
    ) -> tuple[UserProfile, ...]:
        """The profiles of these users, oneself included (``TIMProfileGetUserProfileList``).

        Args:
            refresh: ask the server rather than the SDK's cache (the SDK of this version
                ignores the flag: ``friendship_getprofilelist_param_force_update`` is deprecated).
        """
        param = {
            "friendship_getprofilelist_param_identifier_array": _ids(user_ids),
            "friendship_getprofilelist_param_force_update": bool(refresh),
        }
        data = await self._core.call_raw("TIMProfileGetUserProfileList", orjson.dumps(param))
        return tuple(UserProfile.from_json(p) for p in data or [])

    async def set_self(
        self,
        *,
        nick: str | None = None,
        face_url: str | None = None,
        gender: int | None = None,
        signature: str | None = None,
        allow_type: int | None = None,
        location: str | None = None,
        birthday: int | None = None,
        language: int | None = None,
        level: int | None = None,
        role: int | None = None,
        custom: Mapping[str, str] | None = None,
    ) -> None:
        """Change the logged-in user's profile; only the given (not ``None``) fields change
        (``TIMProfileModifySelfUserProfile``). Friends are told
        (``friends.profile_updates()``), subscribers too (``profiles.changes()``), and oneself
        (``self_updates()``).

        Args:
            nick, face_url, signature: ≤500 bytes each.
            gender: a ``TIMGenderType`` (0 unknown, 1 male, 2 female).
            allow_type: who may add me: a ``TIMProfileAddPermission`` (1 anyone, 2 after my
                approval, 3 nobody).
            custom: custom fields (keys: up to 8 letters, ``Tag_Profile_Custom_`` optional).
        """
        texts = {
            "user_profile_item_nick_name": nick,
            "user_profile_item_face_url": face_url,
            "user_profile_item_self_signature": signature,
            "user_profile_item_location": location,
        }
        numbers = {
            "user_profile_item_gender": gender,
            "user_profile_item_add_permission": allow_type,
            "user_profile_item_birthday": birthday,
            "user_profile_item_language": language,
            "user_profile_item_level": level,
            "user_profile_item_role": role,
        }
        item: dict[str, Any] = {}
        for key, text in texts.items():
            if text is not None:
                if not isinstance(text, str):
                    raise TypeError(f"{key.removeprefix('user_profile_item_')} must be a str")
                item[key] = text
        for key, value in numbers.items():
            if value is not None:
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"{key.removeprefix('user_profile_item_')} must be an int ≥ 0")
                item[key] = int(value)
        if custom is not None:
            item["user_profile_item_custom_string_array"] = [
                {
                    "user_profile_custom_string_info_key": str(k),
                    "user_profile_custom_string_info_value": str(v),
                }
                for k, v in custom.items()
            ]
        if not item:
            raise ValueError("set_self: nothing to change")
        await self._core.call_raw("TIMProfileModifySelfUserProfile", orjson.dumps(item))

    async def subscribe(self, user_ids: str | Iterable[str]) -> None:
        """Be told of these (non-friend) users' profile changes, on :meth:`changes`; at most
        200, the oldest dropped (``TIMSubscribeUserInfo``)."""
        await self._core.call_raw("TIMSubscribeUserInfo", orjson.dumps(_ids(user_ids)))

    async def unsubscribe(self, user_ids: str | Iterable[str] = ()) -> None:
        """Stop the profile subscriptions to these users; none given: all
        (``TIMUnsubscribeUserInfo``)."""
        await self._core.call_raw(
            "TIMUnsubscribeUserInfo", orjson.dumps(_ids(user_ids, empty=True))
        )

    def self_updates(self) -> Stream[SelfProfileUpdated]:
        """Changes of the logged-in user's own profile (``TIMSetSelfInfoUpdatedCallback``)."""
        return self._core._stream("TIMSetSelfInfoUpdatedCallback")

    def changes(
        self,
        *,
        where: Callable[[UserProfileChanged], bool] | None = None,
    ) -> Stream[UserProfileChanged]:
        """Profile changes of subscribed non-friends, one event per user
        (``TIMSetUserInfoChangedCallback``)."""
        return self._core._stream("TIMSetUserInfoChangedCallback", where)

    def friend_updates(
        self,
        *,
        where: Callable[[FriendProfileUpdated], bool] | None = None,
    ) -> Stream[FriendProfileUpdated]:
        """Changes of friends' profiles (``TIMSetUpdateFriendProfileCallback``; the event says
        who — fetch the new profile with :meth:`get`)."""
        return self._core._stream("TIMSetUpdateFriendProfileCallback", where)
