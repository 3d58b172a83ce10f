"""The friends domain (TIMFriendshipManager.h; people.md §1-2): the friend list and its
profiles, adding (by the target's add permission), friend requests, deleting one way or both
ways, the blocklist and friend groups. State: :mod:`aiotim.loopback.cloud.peoplestate`."""

from __future__ import annotations

from typing import Any

import orjson

from aiotim.enums import TIMErrCode
from aiotim.loopback.cloud import peoplestate as ps
from aiotim.loopback.handlers._call import Call, CallError, HandlerTable
from aiotim.loopback.handlers.profiles import id_list

__all__ = ["HANDLERS"]

E = TIMErrCode
HANDLERS = HandlerTable()

SINGLE, BOTH = 0, 1  # TIMFriendType
COME_IN, SEND_OUT, BOTH_PENDENCY = 0, 1, 2  # TIMFriendPendencyType
AGREE, AGREE_AND_ADD, REJECT = 0, 1, 2  # TIMFriendResponseAction
ALLOW_ANY, NEED_CONFIRM, DENY_ANY = 1, 2, 3  # TIMProfileAddPermission

#: Source: E:103-108 (SDK-side checks) and SVC "Relationship fields": remark ≤96 B, wording
#: ≤120 B (SDK), group name ≤30 B.
MAX_REMARK, MAX_WORDING, MAX_GROUP_NAME = 96, 120, 30
#: Source: the Electron doc of TIMFriendshipDeleteFriend — ≤100 ids per request.
MAX_DELETE = 100


def _obj(call: Call, index: int) -> dict[str, Any]:
    value = call.json(index)
    if not isinstance(value, dict):
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: expected a JSON object")
    return value


def _str(param: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = param.get(key, "")
    if not isinstance(value, str) or (required and not value):
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{key} must be a non-empty string")
    return value


def _ids(param: dict[str, Any], key: str) -> list[str]:
    value = param.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{key} must be a non-empty array of ids")
    return list(value)


def _result(user_id: str, code: int = 0, desc: str = "") -> dict[str, Any]:
    """FriendResult (F:1485)."""
    return {
        "friend_result_identifier": user_id,
        "friend_result_code": code,
        "friend_result_desc": desc,
    }


def _check_remark(remark: str) -> None:
    if len(remark.encode()) > MAX_REMARK:
        raise CallError(E.ERR_SDK_FRIENDSHIP_INVALID_ADD_REMARK, "remark over 96 bytes")


def _check_group_name(name: str) -> None:
    if not name or len(name.encode()) > MAX_GROUP_NAME:
        raise CallError(
            E.ERR_SDK_FRIENDSHIP_FRIEND_GROUP_EMPTY, "friend group name empty or over 30 B"
        )


def _friend_custom(items: Any) -> dict[str, str]:
    if not isinstance(items, list):
        raise CallError(E.ERR_INVALID_PARAMETERS, "friend_profile_item_custom_string_array")
    out: dict[str, str] = {}
    for item in items:
        key = item.get("friend_profile_custom_string_info_key") if isinstance(item, dict) else None
        value = item.get("friend_profile_custom_string_info_value", "")
        if not isinstance(key, str) or not key or not isinstance(value, str):
            raise CallError(E.ERR_INVALID_PARAMETERS, "bad custom friend field")
        if len(value.encode()) > 500:  # Source: SVC, custom friend value ≤500 B
            raise CallError(E.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, f"{key!r} over 500 B")
        # The SDK adds the prefix (F:642).
        out["Tag_SNS_Custom_" + key.removeprefix("Tag_SNS_Custom_")] = value
    return out


def _befriend(state: ps.PeopleState, owner: str, other: str, **fields: Any) -> None:
    """Put ``other`` in ``owner``'s list (keeping an existing entry)."""
    mine = state.friends_of(owner)
    if other in mine:
        return
    entry = ps.Friend(other, add_time=ps.now(), **fields)
    groups = state.friend_groups.setdefault(owner, [])
    for g in entry.groups:
        if g not in groups:
            groups.append(g)
    mine[other] = entry


# -- the friend list ---------------------------------------------------------------------------


@HANDLERS.on("TIMFriendshipGetFriendProfileList")
def _list(call: Call) -> bytes:
    state = ps.state_of(call.app)
    mine = state.friends_of(call.user)
    return orjson.dumps([state.friend_view(call.user, f) for f in mine.values()])


@HANDLERS.on("TIMFriendshipGetFriendsInfo")
def _info(call: Call) -> bytes:
    ids = id_list(call, 0)
    state, me = ps.state_of(call.app), call.user
    mine = state.friends_of(me)
    p = "friendship_friend_info_get_result_"
    out = []
    for uid in ids:
        entry = mine.get(uid)
        view = state.friend_view(me, entry) if entry else state.stranger_view(uid)
        out.append(
            {
                p + "identifier": uid,  # not "_userid" (F:1544, BIN; people.md §1.2)
                p + "relation_type": state.relation(me, uid),
                p + "error_code": 0,
                p + "error_message": "",
                p + "field_info": view,
            }
        )
    return orjson.dumps(out)


@HANDLERS.on("TIMFriendshipModifyFriendProfile")
def _modify(call: Call) -> str:
    param = _obj(call, 0)
    uid = _str(param, "friendship_modify_friend_profile_param_identifier", required=True)
    item = param.get("friendship_modify_friend_profile_param_item")
    if not isinstance(item, dict):
        raise CallError(E.ERR_INVALID_PARAMETERS, "friendship_modify_friend_profile_param_item")
    state, me = ps.state_of(call.app), call.user
    entry = state.friends_of(me).get(uid)
    if entry is None:  # GUESS: the code for a non-friend
        raise CallError(E.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, f"{uid!r} is not a friend")
    remark, groups, custom = entry.remark, entry.groups, entry.custom
    if "friend_profile_item_remark" in item:
        remark = _str(item, "friend_profile_item_remark")
        _check_remark(remark)
    if "friend_profile_item_group_name_array" in item:
        names = item["friend_profile_item_group_name_array"]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise CallError(E.ERR_INVALID_PARAMETERS, "friend_profile_item_group_name_array")
        for n in names:
            _check_group_name(n)
        groups = list(dict.fromkeys(names))
    if "friend_profile_item_custom_string_array" in item:
        custom = {**custom, **_friend_custom(item["friend_profile_item_custom_string_array"])}
    known = state.friend_groups.setdefault(me, [])
    new_groups = [g for g in groups if g not in known]
    if len(known) + len(new_groups) > ps.MAX_FRIEND_GROUPS:
        raise CallError(E.ERR_SVR_FRIENDSHIP_GROUP_COUNT_LIMIT, "over 32 friend groups")
    known.extend(new_groups)
    entry.remark, entry.groups, entry.custom = remark, groups, custom
    # The remark is private: the friend is told nothing; the caller's other devices would be
    # (F:401) — the loopback has one device per user (GUESS, people.md §2.5).
    return ""


@HANDLERS.on("TIMFriendshipSearchFriends")
def _search(call: Call) -> bytes:
    param = _obj(call, 0)
    words = param.get("friendship_search_param_keyword_list")
    if not isinstance(words, list) or not words or len(words) > 5:
        raise CallError(E.ERR_INVALID_PARAMETERS, "1 to 5 keywords are needed (F:704)")
    fields = param.get("friendship_search_param_search_field_list") or [1, 2, 4]
    state, me = ps.state_of(call.app), call.user
    found = []
    for entry in state.friends_of(me).values():
        nick = state.profile(entry.user_id)["user_profile_nick_name"]
        texts = {1: entry.user_id, 2: nick, 4: entry.remark}
        hay = [texts[f] for f in fields if f in texts]
        if any(str(w) in t for w in words for t in hay):
            found.append(state.friend_view(me, entry))
    return orjson.dumps(found)


@HANDLERS.on("TIMFriendshipCheckFriendType")
def _check(call: Call) -> bytes:
    param = _obj(call, 0)
    ids = _ids(param, "friendship_check_friendtype_param_identifier_array")
    check_type = param.get("friendship_check_friendtype_param_check_type", BOTH)
    state, me = ps.state_of(call.app), call.user
    p = "friendship_check_friendtype_result_"
    out = []
    for uid in ids:
        # Source: 1047/33521 "CheckType": single looks at A→B only (0/1), both at 0-3.
        rel = state.relation(me, uid) & (1 if check_type == SINGLE else 3)
        out.append({p + "identifier": uid, p + "relation": rel, p + "code": 0, p + "desc": ""})
    return orjson.dumps(out)


# -- adding and deleting -----------------------------------------------------------------------


@HANDLERS.on("TIMFriendshipAddFriend")
def _add(call: Call) -> bytes | None:
    param = _obj(call, 0)
    target = _str(param, "friendship_add_friend_param_identifier", required=True)
    friend_type = param.get("friendship_add_friend_param_friend_type", BOTH)
    remark = _str(param, "friendship_add_friend_param_remark")
    group = _str(param, "friendship_add_friend_param_group_name")
    source = _str(param, "friendship_add_friend_param_add_source")
    wording = _str(param, "friendship_add_friend_param_add_wording")
    # SDK-side checks (E:103-108).
    _check_remark(remark)
    if len(wording.encode()) > MAX_WORDING:
        raise CallError(E.ERR_SDK_FRIENDSHIP_INVALID_ADD_WORDING, "add wording over 120 bytes")
    if source and not source.startswith("AddSource_Type_"):
        raise CallError(E.ERR_SDK_FRIENDSHIP_INVALID_ADD_SOURCE, "add source needs AddSource_Type_")
    if group:
        _check_group_name(group)
    app, me = call.app, call.user
    state = ps.state_of(app)
    both = friend_type != SINGLE

    def refused(code: int, desc: str) -> bytes:
        # Refusals ride in friend_result_code with a successful callback (people.md §2.1).
        return orjson.dumps(_result(target, code, desc))

    if target == me:  # GUESS: the code for adding oneself
        return refused(E.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, "cannot add yourself")
    if state.is_blocked(me, target):  # Source: E:266
        return refused(E.ERR_SVR_FRIENDSHIP_IN_SELF_BLACKLIST, "the user is in your blocklist")
    if state.is_blocked(target, me):  # Source: E:268
        return refused(E.ERR_SVR_FRIENDSHIP_IN_PEER_BLACKLIST, "you are in the user's blocklist")
    if state.is_friend(me, target) and (not both or state.is_friend(target, me)):
        return refused(E.ERR_SVR_FRIENDSHIP_ALREADY_FRIENDS, "already friends")  # E:265
    if len(state.friends_of(me)) >= ps.MAX_FRIENDS:
        return refused(E.ERR_SVR_FRIENDSHIP_COUNT_LIMIT, "your friend list is full")
    if both and len(state.friends_of(target)) >= ps.MAX_FRIENDS:
        return refused(E.ERR_SVR_FRIENDSHIP_PEER_FRIEND_LIMIT, "the user's friend list is full")
    permission = state.add_permission(target)
    if permission == DENY_ANY:  # Source: E:267
        return refused(E.ERR_SVR_FRIENDSHIP_ALLOW_TYPE_DENY_ANY, "the user accepts no requests")
    groups = [group] if group else []
    if permission == ALLOW_ANY:
        # Source: the addFriend doc (people.md §2.1): Both → each in the other's list, both
        # told; Single → only the target enters the caller's list.
        _befriend(
            state, me, target, remark=remark, groups=groups, add_source=source, add_wording=wording
        )
        if both:
            _befriend(state, target, me, add_source=source, add_wording=wording)
        call.ok(orjson.dumps(_result(target)))
        ps.notify(app, me, "TIMSetOnAddFriendCallback", [target])
        if both:
            ps.notify(app, target, "TIMSetOnAddFriendCallback", [me])
        return None
    # NeedConfirm, or never set (0: treated as NeedConfirm, GUESS): a pendency, and 30539
    # ERR_SVR_FRIENDSHIP_ALLOW_TYPE_NEED_CONFIRM in a successful result (E:269, trtc.io/49564).
    pendency = ps.Pendency(me, target, ps.now(), source, wording, remark, group, both)
    state.pendencies[(me, target)] = pendency
    call.ok(refused(E.ERR_SVR_FRIENDSHIP_ALLOW_TYPE_NEED_CONFIRM, "the request awaits approval"))
    # "onFriendApplicationListAdded will be invoked on both" (people.md §2.1).
    for who in (target, me):
        view = state.pendency_view(pendency, who, "friend_add_pendency_")
        ps.notify(app, who, "TIMSetFriendAddRequestCallback", [view])
    return None


@HANDLERS.on("TIMFriendshipDeleteFriend")
def _delete(call: Call) -> None:
    param = _obj(call, 0)
    ids = _ids(param, "friendship_delete_friend_param_identifier_array")
    if len(ids) > MAX_DELETE:
        raise CallError(E.ERR_SDK_FRIENDSHIP_EXCEED_THE_LIMIT, "over 100 ids")
    both = param.get("friendship_delete_friend_param_friend_type", BOTH) != SINGLE
    app, me = call.app, call.user
    state = ps.state_of(app)
    results, removed, peers = [], [], []
    for uid in ids:
        if not state.is_friend(me, uid):  # Source: E:272
            results.append(_result(uid, E.ERR_SVR_FRIENDSHIP_DEL_NONFRIEND, "not a friend"))
            continue
        del state.friends_of(me)[uid]
        removed.append(uid)
        if both and state.friends_of(uid).pop(me, None) is not None:
            peers.append(uid)
        results.append(_result(uid, 0, "OK"))
    call.ok(orjson.dumps(results))
    # Source: 1047/33521 (DeleteType); the peer's notification on Both is a GUESS (§2.3).
    if removed:
        ps.notify(app, me, "TIMSetOnDeleteFriendCallback", removed)
    for uid in peers:
        ps.notify(app, uid, "TIMSetOnDeleteFriendCallback", [me])


# -- friend requests ---------------------------------------------------------------------------


@HANDLERS.on("TIMFriendshipGetPendencyList")
def _pendencies(call: Call) -> bytes:
    param = call.json(0) or {}
    kind = (
        param.get("friendship_get_pendency_list_param_type", COME_IN)
        if isinstance(param, dict)
        else COME_IN
    )
    state, me = ps.state_of(call.app), call.user
    read = state.pendency_read.get(me, 0)
    items, unread = [], 0
    for p in state.pendencies.values():
        incoming = p.target == me
        if not (incoming or p.sender == me):
            continue
        if (kind == COME_IN and not incoming) or (kind == SEND_OUT and incoming):
            continue
        items.append(state.pendency_view(p, me, "friend_add_pendency_info_"))
        if incoming and p.add_time > read:
            unread += 1
    page = {
        "pendency_page_start_time": 0,
        "pendency_page_unread_num": unread,
        "pendency_page_current_seq": 0,
        "pendency_page_pendency_info_array": items,
    }
    return orjson.dumps(page)


@HANDLERS.on("TIMFriendshipHandleFriendAddRequest")
def _handle(call: Call) -> None:
    param = _obj(call, 0)
    sender = _str(param, "friend_response_identifier", required=True)
    action = param.get("friend_response_action")
    if action not in (AGREE, AGREE_AND_ADD, REJECT):
        raise CallError(E.ERR_INVALID_PARAMETERS, "friend_response_action is required")
    remark = _str(param, "friend_response_remark")
    _check_remark(remark)
    app, me = call.app, call.user
    state = ps.state_of(app)
    p = state.pendencies.pop((sender, me), None)
    if p is None:  # Source: E:271
        raise CallError(E.ERR_SVR_FRIENDSHIP_PENDENCY_NOT_FOUND, f"no request from {sender!r}")
    added_to_sender = added_to_me = False
    if action in (AGREE, AGREE_AND_ADD):
        # Agree: one way, the handler enters the sender's list; AgreeAndAdd: both (§2.2).
        groups = [p.group] if p.group else []
        added_to_sender = not state.is_friend(sender, me)
        _befriend(
            state,
            sender,
            me,
            remark=p.remark,
            groups=groups,
            add_source=p.add_source,
            add_wording=p.add_wording,
        )
        if action == AGREE_AND_ADD:
            added_to_me = not state.is_friend(me, sender)
            _befriend(state, me, sender, remark=remark, add_source=p.add_source)
    call.ok(orjson.dumps(_result(sender)))
    # The request is gone for both (F:188-192).
    ps.notify(app, me, "TIMSetFriendApplicationListDeletedCallback", [sender])
    ps.notify(app, sender, "TIMSetFriendApplicationListDeletedCallback", [me])
    if added_to_sender:
        ps.notify(app, sender, "TIMSetOnAddFriendCallback", [me])
    if added_to_me:
        ps.notify(app, me, "TIMSetOnAddFriendCallback", [sender])


@HANDLERS.on("TIMFriendshipReportPendencyReaded")
def _report_read(call: Call) -> str:
    stamp = call.integer(0)
    state = ps.state_of(call.app)
    state.pendency_read[call.user] = stamp or ps.now()
    return ""


@HANDLERS.on("TIMFriendshipDeletePendency")
def _delete_pendency(call: Call) -> None:
    param = _obj(call, 0)
    ids = _ids(param, "friendship_delete_pendency_param_identifier_array")
    kind = param.get("friendship_delete_pendency_param_type", COME_IN)
    app, me = call.app, call.user
    state = ps.state_of(app)
    results, removed = [], []
    for uid in ids:
        keys = []
        if kind in (COME_IN, BOTH_PENDENCY):
            keys.append((uid, me))
        if kind in (SEND_OUT, BOTH_PENDENCY):
            keys.append((me, uid))
        found = [k for k in keys if state.pendencies.pop(k, None) is not None]
        if found:
            removed.append(uid)
            results.append(_result(uid))
        else:
            results.append(_result(uid, E.ERR_SVR_FRIENDSHIP_PENDENCY_NOT_FOUND, "no such request"))
    call.ok(orjson.dumps(results))
    if removed:  # the other side is not told (GUESS, §2.2)
        ps.notify(app, me, "TIMSetFriendApplicationListDeletedCallback", removed)


# -- the blocklist -----------------------------------------------------------------------------


def _blocked_view(state: ps.PeopleState, uid: str, when: int) -> dict[str, Any]:
    view = state.stranger_view(uid)
    view["friend_profile_add_time"] = when
    return view


@HANDLERS.on("TIMFriendshipGetBlackList")
def _blocked(call: Call) -> bytes:
    state = ps.state_of(call.app)
    mine = state.blocked.get(call.user, {})
    return orjson.dumps([_blocked_view(state, uid, t) for uid, t in mine.items()])


@HANDLERS.on("TIMFriendshipAddToBlackList")
def _block(call: Call) -> None:
    ids = id_list(call, 0)
    app, me = call.app, call.user
    state = ps.state_of(app)
    mine = state.blocked.setdefault(me, {})
    results, added, unfriended = [], [], []
    for uid in ids:
        if uid == me:
            results.append(
                _result(uid, E.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, "cannot block yourself")
            )
            continue
        if uid not in mine and len(mine) >= ps.MAX_BLOCKED:  # Source: E:263, trtc.io/48152
            results.append(_result(uid, E.ERR_SVR_FRIENDSHIP_BLACKLIST_LIMIT, "blocklist full"))
            continue
        if uid not in mine:
            mine[uid] = ps.now()
            added.append(uid)
        # Blocking ends the friendship both ways and any request between the two
        # (trtc.io/48152, default console option).
        if state.friends_of(me).pop(uid, None) is not None:
            unfriended.append((me, uid))
        if state.friends_of(uid).pop(me, None) is not None:
            unfriended.append((uid, me))
        state.pendencies.pop((me, uid), None)
        state.pendencies.pop((uid, me), None)
        results.append(_result(uid, 0, "OK"))
    call.ok(orjson.dumps(results))
    for owner, gone in unfriended:  # GUESS: both told (people.md §2.4)
        ps.notify(app, owner, "TIMSetOnDeleteFriendCallback", [gone])
    if added:
        views = [_blocked_view(state, uid, mine[uid]) for uid in added]
        ps.notify(app, me, "TIMSetFriendBlackListAddedCallback", views)


@HANDLERS.on("TIMFriendshipDeleteFromBlackList")
def _unblock(call: Call) -> None:
    ids = id_list(call, 0)
    app, me = call.app, call.user
    mine = ps.state_of(app).blocked.setdefault(me, {})
    removed = [uid for uid in ids if mine.pop(uid, None) is not None]
    call.ok(orjson.dumps([_result(uid, 0, "OK") for uid in ids]))
    if removed:
        ps.notify(app, me, "TIMSetFriendBlackListDeletedCallback", removed)


# -- friend groups -----------------------------------------------------------------------------
# Their notifications go to the owner's own SDK only (GUESS, people.md §2.5).


def _names(call: Call, index: int) -> list[str]:
    value = call.json(index)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: expected an array of names")
    return list(value)


def _add_to_group(
    state: ps.PeopleState, me: str, name: str, ids: list[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    results, added = [], []
    mine = state.friends_of(me)
    for uid in ids:
        entry = mine.get(uid)
        if entry is None:  # Source: SEED3 ex.26
            results.append(
                _result(
                    uid,
                    E.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS,
                    "Err_SNS_GroupUpdate_Friend_Not_Exist",
                )
            )
            continue
        if name not in entry.groups:
            entry.groups.append(name)
            added.append(uid)
        results.append(_result(uid))
    return results, added


@HANDLERS.on("TIMFriendshipCreateFriendGroup")
def _create_group(call: Call) -> None:
    param = _obj(call, 0)
    names = param.get("friendship_create_friend_group_param_name_array")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise CallError(E.ERR_INVALID_PARAMETERS, "friendship_create_friend_group_param_name_array")
    ids = param.get("friendship_create_friend_group_param_identifier_array") or []
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise CallError(
            E.ERR_INVALID_PARAMETERS, "friendship_create_friend_group_param_identifier_array"
        )
    app, me = call.app, call.user
    state = ps.state_of(app)
    known = state.friend_groups.setdefault(me, [])
    for name in names:
        _check_group_name(name)
        if name in known:  # F:995; the code is a GUESS
            raise CallError(
                E.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, f"friend group {name!r} exists"
            )
    if len(known) + len(set(names)) > ps.MAX_FRIEND_GROUPS:  # Source: E:261, 1047/33521
        raise CallError(E.ERR_SVR_FRIENDSHIP_GROUP_COUNT_LIMIT, "over 32 friend groups")
    results: list[dict[str, Any]] = []
    added: dict[str, list[str]] = {}
    for name in dict.fromkeys(names):
        known.append(name)
        results, added[name] = _add_to_group(state, me, name, ids)
    call.ok(orjson.dumps(results))
    mine = state.friends_of(me)
    for name, members in added.items():
        views = [state.friend_view(me, mine[u]) for u in members]
        ps.notify(app, me, "TIMSetFriendGroupCreatedCallback", name, orjson.dumps(views))


@HANDLERS.on("TIMFriendshipGetFriendGroupList")
def _group_list(call: Call) -> bytes:
    names = _names(call, 0)
    state, me = ps.state_of(call.app), call.user
    known = state.friend_groups.get(me, [])
    mine = state.friends_of(me)
    out = []
    for name in names or known:
        if name not in known:
            continue
        members = [u for u, f in mine.items() if name in f.groups]
        out.append(
            {
                "friend_group_info_name": name,
                "friend_group_info_count": len(members),
                "friend_group_info_identifier_array": members,
            }
        )
    return orjson.dumps(out)


@HANDLERS.on("TIMFriendshipDeleteFriendGroup")
def _delete_group(call: Call) -> None:
    names = _names(call, 0)
    if not names:
        raise CallError(E.ERR_INVALID_PARAMETERS, "no friend group names")
    app, me = call.app, call.user
    state = ps.state_of(app)
    known = state.friend_groups.setdefault(me, [])
    gone = [n for n in names if n in known]
    for name in gone:
        known.remove(name)
        for entry in state.friends_of(me).values():
            if name in entry.groups:
                entry.groups.remove(name)
    call.ok("")
    if gone:
        ps.notify(app, me, "TIMSetFriendGroupDeletedCallback", orjson.dumps(gone))


@HANDLERS.on("TIMFriendshipModifyFriendGroup")
def _modify_group(call: Call) -> None:
    param = _obj(call, 0)
    name = _str(param, "friendship_modify_friend_group_param_name", required=True)
    new_name = _str(param, "friendship_modify_friend_group_param_new_name")
    add = param.get("friendship_modify_friend_group_param_add_identifier_array") or []
    remove = param.get("friendship_modify_friend_group_param_delete_identifier_array") or []
    app, me = call.app, call.user
    state = ps.state_of(app)
    known = state.friend_groups.setdefault(me, [])
    if name not in known:
        raise CallError(E.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, f"no friend group {name!r}")
    mine = state.friends_of(me)
    # One change per call, new_name before add before delete (F:1064).
    if new_name:
        _check_group_name(new_name)
        if new_name in known:
            raise CallError(
                E.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, f"friend group {new_name!r} exists"
            )
        known[known.index(name)] = new_name
        for entry in mine.values():
            entry.groups = [new_name if g == name else g for g in entry.groups]
        call.ok("[]")
        ps.notify(app, me, "TIMSetFriendGroupNameChangedCallback", name, new_name)
    elif add:
        results, added = _add_to_group(state, me, name, [str(u) for u in add])
        call.ok(orjson.dumps(results))
        if added:
            views = [state.friend_view(me, mine[u]) for u in added]
            ps.notify(app, me, "TIMSetFriendsAddedToGroupCallback", name, orjson.dumps(views))
    else:
        results, removed = [], []
        for uid in [str(u) for u in remove]:
            found = mine.get(uid)
            if found is None:
                results.append(
                    _result(
                        uid,
                        E.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS,
                        "Err_SNS_GroupUpdate_Friend_Not_Exist",
                    )
                )
                continue
            if name in found.groups:
                found.groups.remove(name)
                removed.append(uid)
            results.append(_result(uid))
        call.ok(orjson.dumps(results))
        if removed:
            ps.notify(app, me, "TIMSetFriendsDeletedFromGroupCallback", name, orjson.dumps(removed))


# -- follow lists (7.8+; F:1144-1291; people.md §1.8, §2.5) --------------------------------------

#: Source: F:1135 — at most 20 ids per follow/unfollow call.
MAX_FOLLOW_IDS = 20
#: Users per page of the follow lists (GUESS: the header does not say).
FOLLOW_PAGE = 100


def _follow_ids(call: Call) -> list[str]:
    ids = id_list(call, 0)
    if len(ids) > MAX_FOLLOW_IDS:
        raise CallError(E.ERR_SDK_FRIENDSHIP_EXCEED_THE_LIMIT, "at most 20 ids per call")
    return ids


def _follow_result(uid: str, code: int = 0, info: str = "") -> dict[str, Any]:
    # "_Info" with a capital I (F:1607, BIN).
    return {
        "follow_operation_result_user_id": uid,
        "follow_operation_result_code": code,
        "follow_operation_result_Info": info,
    }


def _follow_change(call: Call, follow: bool) -> None:
    ids = _follow_ids(call)
    app, me = call.app, call.user
    state = ps.state_of(app)
    mine = state.following.setdefault(me, {})
    results, changed = [], []
    for uid in ids:
        if uid == me:  # GUESS: the code for following oneself
            results.append(_follow_result(uid, E.ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, "self"))
            continue
        if follow and uid not in mine:
            if len(mine) >= ps.MAX_FOLLOWING:  # Source: E:275
                code = E.ERR_SVR_FRIENDSHIP_SELF_FOLLOWING_COUNT_EXCEEDS_LIMIT
                results.append(_follow_result(uid, code, "following list full"))
                continue
            mine[uid] = ps.now()
            changed.append(uid)
        elif not follow and mine.pop(uid, None) is not None:
            changed.append(uid)
        results.append(_follow_result(uid))
    call.ok(orjson.dumps(results))
    if not changed:
        return
    # Source: https://cloud.tencent.com/document/product/269/112913 — the follower's following
    # list, the followee's followers list, and both mutual lists when the other follows back.
    ps.notify(
        app,
        me,
        "TIMSetMyFollowingListChangedCallback",
        [state.profile(u) for u in changed],
        follow,
    )
    mutual = [u for u in changed if state.follows(u, me)]
    if mutual:
        ps.notify(
            app,
            me,
            "TIMSetMutualFollowersListChangedCallback",
            [state.profile(u) for u in mutual],
            follow,
        )
    for uid in changed:
        ps.notify(app, uid, "TIMSetMyFollowersListChangedCallback", [state.profile(me)], follow)
        if uid in mutual:
            ps.notify(
                app, uid, "TIMSetMutualFollowersListChangedCallback", [state.profile(me)], follow
            )


@HANDLERS.on("TIMFollowUser")
def _follow(call: Call) -> None:
    _follow_change(call, True)


@HANDLERS.on("TIMUnfollowUser")
def _unfollow(call: Call) -> None:
    _follow_change(call, False)


def _follow_page(call: Call, ids: list[str]) -> bytes:
    cursor = call.text(0, required=False)
    start = int(cursor) if cursor.isdigit() else 0
    if cursor and not cursor.isdigit():
        raise CallError(E.ERR_INVALID_PARAMETERS, f"bad next_cursor {cursor!r}")
    state = ps.state_of(call.app)
    page = ids[start : start + FOLLOW_PAGE]
    end = start + len(page)
    return orjson.dumps(
        {
            "follow_list_result_next_cursor": str(end) if end < len(ids) else "",
            "follow_list_result_user_info_list": [state.profile(u) for u in page],
        }
    )


@HANDLERS.on("TIMGetMyFollowingList")
def _following(call: Call) -> bytes:
    state = ps.state_of(call.app)
    return _follow_page(call, list(state.following.get(call.user, {})))


@HANDLERS.on("TIMGetMyFollowersList")
def _followers(call: Call) -> bytes:
    return _follow_page(call, ps.state_of(call.app).followers(call.user))


@HANDLERS.on("TIMGetMutualFollowersList")
def _mutual(call: Call) -> bytes:
    state, me = ps.state_of(call.app), call.user
    ids = [u for u in state.following.get(me, {}) if state.follows(u, me)]
    return _follow_page(call, ids)


@HANDLERS.on("TIMGetUserFollowInfo")
def _follow_info(call: Call) -> bytes:
    ids = id_list(call, 0)
    state = ps.state_of(call.app)
    out = []
    for uid in ids:
        following = list(state.following.get(uid, {}))
        out.append(
            {
                "follow_info_result_code": 0,
                "follow_info_result_info": "",
                "follow_info_user_id": uid,
                "follow_info_following_count": len(following),
                "follow_info_followers_count": len(state.followers(uid)),
                "follow_info_mutual_followers_count": sum(
                    1 for u in following if state.follows(u, uid)
                ),
            }
        )
    return orjson.dumps(out)


@HANDLERS.on("TIMCheckFollowType")
def _follow_type(call: Call) -> bytes:
    ids = id_list(call, 0)
    state, me = ps.state_of(call.app), call.user
    p = "follow_type_check_result_"
    out = []
    for uid in ids:
        # TIMFollowType: 1 in my following list, 2 in my followers list, 3 both.
        kind = (1 if state.follows(me, uid) else 0) | (2 if state.follows(uid, me) else 0)
        out.append({p + "user_id": uid, p + "code": 0, p + "info": "", p + "follow_type": kind})
    return orjson.dumps(out)
