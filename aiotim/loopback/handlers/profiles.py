"""The profiles domain: ``TIMProfileGetUserProfileList``, ``TIMProfileModifySelfUserProfile``,
``TIMSubscribeUserInfo`` and ``TIMUnsubscribeUserInfo`` (TIMManager.h; people.md §3)."""

from __future__ import annotations

from typing import Any

import orjson

from aiotim.enums import TIMErrCode
from aiotim.loopback.cloud import peoplestate as ps
from aiotim.loopback.handlers._call import Call, CallError, HandlerTable

__all__ = ["HANDLERS", "id_list"]

E = TIMErrCode
HANDLERS = HandlerTable()

#: UserProfileItem keys (M:543-558) -> stored name, type, byte limit.
#: Source: https://tencentcloud.com/zh/document/product/1047/33520 (nick, signature, face URL
#: ≤500 B; location ≤16 B).
_ITEMS: dict[str, tuple[str, type, int]] = {
    "user_profile_item_nick_name": ("nick_name", str, 500),
    "user_profile_item_face_url": ("face_url", str, 500),
    "user_profile_item_self_signature": ("self_signature", str, 500),
    "user_profile_item_location": ("location", str, 16),
    "user_profile_item_gender": ("gender", int, 2),
    "user_profile_item_add_permission": ("add_permission", int, 3),
    "user_profile_item_language": ("language", int, 2**32 - 1),
    "user_profile_item_birthday": ("birthday", int, 2**32 - 1),
    "user_profile_item_level": ("level", int, 2**32 - 1),
    "user_profile_item_role": ("role", int, 2**32 - 1),
}
_CUSTOM_PREFIX = "Tag_Profile_Custom_"


def id_list(call: Call, index: int, *, empty_ok: bool = False) -> list[str]:
    """Argument ``index``: a JSON array of user ids."""
    value = call.json(index)
    if value is None and empty_ok:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: expected a JSON array of ids")
    if not value and not empty_ok:
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: the id list is empty")
    return list(value)


@HANDLERS.on("TIMProfileGetUserProfileList")
def _get(call: Call) -> bytes:
    param = call.json(0)
    ids = param.get("friendship_getprofilelist_param_identifier_array") if param else None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise CallError(
            E.ERR_INVALID_PARAMETERS, "friendship_getprofilelist_param_identifier_array is empty"
        )
    state = ps.state_of(call.app)
    # Works for anyone, self included (M:512); every id is a known account in the loopback.
    return orjson.dumps([state.profile(uid) for uid in ids])


def _custom(items: Any) -> dict[str, str]:
    if not isinstance(items, list):
        raise CallError(E.ERR_INVALID_PARAMETERS, "user_profile_item_custom_string_array")
    out: dict[str, str] = {}
    for item in items:
        key = item.get("user_profile_custom_string_info_key") if isinstance(item, dict) else None
        value = item.get("user_profile_custom_string_info_value", "")
        if not isinstance(key, str) or not isinstance(value, str):
            raise CallError(E.ERR_INVALID_PARAMETERS, "bad custom profile field")
        short = key.removeprefix(_CUSTOM_PREFIX)
        # Source: 33520 — custom keys are letters, ≤8 B (SDK 9001); values ≤500 B (40601).
        if not short or len(short.encode()) > 8 or not short.isascii() or not short.isalpha():
            raise CallError(E.ERR_SDK_FRIENDSHIP_INVALID_PROFILE_KEY, f"bad custom key {key!r}")
        if len(value.encode()) > 500:
            raise CallError(E.ERR_SVR_PROFILE_SIZE_LIMIT, f"custom value of {key!r} over 500 B")
        # The SDK adds the prefix (M:539): stored and returned with it.
        out[_CUSTOM_PREFIX + short] = value
    return out


@HANDLERS.on("TIMProfileModifySelfUserProfile")
def _modify(call: Call) -> None:
    param = call.json(0)
    if not isinstance(param, dict) or not param:
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_modify_self_user_profile_param is empty")
    changes: dict[str, Any] = {}
    for key, value in param.items():
        if key == "user_profile_item_custom_string_array":
            changes["custom"] = _custom(value)
            continue
        spec = _ITEMS.get(key)
        if spec is None:
            raise CallError(E.ERR_INVALID_PARAMETERS, f"unknown profile item {key!r}")
        name, kind, limit = spec
        if kind is str:
            if not isinstance(value, str):
                raise CallError(E.ERR_INVALID_PARAMETERS, f"{key} is not a string")
            if len(value.encode()) > limit:
                raise CallError(E.ERR_SVR_PROFILE_SIZE_LIMIT, f"{key} over {limit} B")
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
            raise CallError(E.ERR_SVR_PROFILE_VALUE_ERROR, f"{key}: bad value {value!r}")
        changes[name] = value
    app, me = call.app, call.user
    state = ps.state_of(app)
    stored = state.profiles.setdefault(me, {})
    if "custom" in changes:
        changes["custom"] = {**stored.get("custom", {}), **changes["custom"]}
    stored.update(changes)
    call.ok("")
    profile = state.profile(me)
    # Source: M:573 (self: TIMSetSelfInfoUpdatedCallback), M:574 (friends:
    # TIMSetUpdateFriendProfileCallback without subscribing), M:287 (subscribed non-friends:
    # TIMSetUserInfoChangedCallback). GUESS: the friend callback's item is empty (people.md §3).
    ps.notify(app, me, "TIMSetSelfInfoUpdatedCallback", profile)
    told: set[str] = {me}
    for owner, friends in state.friends.items():
        if me in friends and owner not in told:
            told.add(owner)
            update = {"friend_profile_update_identifier": me, "friend_profile_update_item": {}}
            ps.notify(app, owner, "TIMSetUpdateFriendProfileCallback", [update])
    for sub in ps.subscribers(state.profile_subs, me):
        if sub not in told:
            told.add(sub)
            ps.notify(app, sub, "TIMSetUserInfoChangedCallback", [profile])


@HANDLERS.on("TIMSubscribeUserInfo")
def _subscribe(call: Call) -> str:
    ids = id_list(call, 0)
    ps.subscribe(ps.state_of(call.app).profile_subs, call.user, ids)
    return ""


@HANDLERS.on("TIMUnsubscribeUserInfo")
def _unsubscribe(call: Call) -> str:
    ids = id_list(call, 0, empty_ok=True)
    ps.unsubscribe(ps.state_of(call.app).profile_subs, call.user, ids)
    return ""
