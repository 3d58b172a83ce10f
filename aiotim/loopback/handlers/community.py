"""The community domain of the loopback cloud: communities (groups of type Community with
topics) and their topics, for both spellings of the C API (``TIMGroup*Topic*`` of
TIMGroupManager.h and the ``TIMCommunity*`` twins of TIMCommunityManager.h, which API §3 calls
parallel APIs for the same things), and permission groups with their members and topic
permissions.

Sources: /tmp/research/groups.md of issue 11 (CM = TIMCommunityManager.h, GM =
TIMGroupManager.h). ``# GUESS:`` marks what no source confirmed.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import orjson

from aiotim.enums import TIMErrCode
from aiotim.loopback.cloud.groupstate import ADMIN, COMMUNITY, OWNER, StoredGroup, state_of
from aiotim.loopback.handlers._call import Call, CallError, HandlerTable
from aiotim.loopback.handlers.group_messages import member_group
from aiotim.loopback.handlers.groups import create_group, info_view, member_view

__all__ = ["HANDLERS"]

E = TIMErrCode
HANDLERS = HandlerTable()

#: TIMCommunityTopicModifyInfoFlag (CM:34) -> the TopicInfo key it changes.
_TOPIC_FLAGS = {
    1: "group_topic_info_topic_name",
    2: "group_topic_info_notification",
    4: "group_topic_info_introduction",
    8: "group_topic_info_topic_face_url",
    256: "group_topic_info_is_all_muted",
    2048: "group_topic_info_custom_string",
    16384: "group_topic_info_draft_text",
    32768: "default_permissions",  # CM:34 (a topic's permissions for every member, 7.8+)
}
_WRITABLE = tuple(_TOPIC_FLAGS.values())


def _save(call: Call) -> None:
    state_of(call.app).save()


def _community(call: Call, group_id: str, *, manage: bool = False) -> StoredGroup:
    """A topic-enabled community the caller is a member of (and manages, with ``manage``)."""
    group = member_group(call, group_id)
    if group.group_type != COMMUNITY or not group.is_support_topic:
        # BIN "only Community support topic"; GUESS: 10007.
        raise CallError(E.ERR_SVR_GROUP_PERMISSION_DENY, "only Community support topic")
    if manage and group.members[call.user].role not in (OWNER, ADMIN):
        raise CallError(E.ERR_SVR_GROUP_PERMISSION_DENY, "only the owner or an admin")  # GUESS
    return group


def _topic_view(topic: dict[str, Any]) -> dict[str, Any]:
    return {
        "group_topic_info_topic_name": "",
        "group_topic_info_introduction": "",
        "group_topic_info_notification": "",
        "group_topic_info_topic_face_url": "",
        "group_topic_info_is_all_muted": False,
        "group_topic_info_self_mute_time": 0,
        "group_topic_info_custom_string": "",
        "group_topic_info_recv_opt": 0,
        "group_topic_info_draft_text": "",
        "group_topic_info_unread_count": 0,
        "group_topic_info_group_at_info_array": [],
        **topic,
    }


def _notify(call: Call, group: StoredGroup, setters: tuple[str, str], *args: bytes) -> None:
    # Both parallel setters fire (GM:314-329, CM:123-139), to every community member.
    for uid in group.members:
        conn = call.app.online.get(uid)
        if conn is not None:
            for setter in setters:
                conn.event(setter, list(args))


def _ids(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CallError(E.ERR_INVALID_PARAMETERS, "expected a JSON array of topic ids")
    return value


@HANDLERS.on("TIMCommunityCreate")
def _create(call: Call) -> bytes:
    p = call.json(0)
    if not isinstance(p, dict):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_group_create_param is not an object")
    # CM:312: a community with topics.
    p = {
        **p,
        "create_group_param_group_type": COMMUNITY,
        "create_group_param_is_support_topic": True,
    }
    try:
        return create_group(call, p)
    finally:
        _save(call)


def _joined(call: Call) -> bytes:
    groups = [
        g
        for g in state_of(call.app).joined(call.user)
        if g.group_type == COMMUNITY and g.is_support_topic
    ]
    return orjson.dumps([info_view(call.app, g, call.user) for g in groups])


HANDLERS.on("TIMCommunityGetJoinedCommunityList")(_joined)
HANDLERS.on("TIMGroupGetJoinedCommunityList")(_joined)


def _create_topic(call: Call) -> str:
    group = _community(call, call.text(0), manage=True)
    info = call.json(1)
    if not isinstance(info, dict):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_topic_info is not an object")
    prefix = f"{group.group_id}@TOPIC#_"  # CM:829
    topic_id = info.get("group_topic_info_topic_id") or prefix + secrets.token_hex(5).upper()
    if not isinstance(topic_id, str) or not topic_id.startswith(prefix):
        raise CallError(E.ERR_INVALID_PARAMETERS, f"a topic id must start with {prefix!r}")
    if topic_id in group.topics:
        raise CallError(E.ERR_SVR_GROUP_GROUPID_IN_USED, f"topic {topic_id!r} exists")
    name = info.get("group_topic_info_topic_name")
    if not isinstance(name, str) or not name:
        raise CallError(E.ERR_INVALID_PARAMETERS, "group_topic_info_topic_name is required")
    topic = {k: info[k] for k in _WRITABLE if k in info}
    topic.update(group_topic_info_topic_id=topic_id, topic_create_time=int(time.time()))
    group.topics[topic_id] = topic
    _save(call)
    _notify(
        call,
        group,
        ("TIMSetGroupTopicCreatedCallback", "TIMSetCommunityCreateTopicCallback"),
        group.group_id.encode(),
        topic_id.encode(),
    )
    return topic_id  # GUESS: the plain id (EL commonResult<string>)


HANDLERS.on("TIMGroupCreateTopicInCommunity")(_create_topic)
HANDLERS.on("TIMCommunityCreateTopicInCommunity")(_create_topic)


def _delete_topics(call: Call) -> bytes:
    group = _community(call, call.text(0), manage=True)
    ids = _ids(call.json(1))
    results, deleted = [], []
    for topic_id in ids:
        if group.topics.pop(topic_id, None) is None:
            code, desc = int(E.ERR_SVR_GROUP_INVALID_PARAMETERS), "no such topic"
        else:
            code, desc = 0, ""
            deleted.append(topic_id)
        results.append(
            {
                "group_topic_operation_result_error_code": code,
                "group_topic_operation_result_error_message": desc,
                "group_topic_operation_result_topic_id": topic_id,
            }
        )
    _save(call)
    if deleted:
        _notify(
            call,
            group,
            ("TIMSetGroupTopicDeletedCallback", "TIMSetCommunityDeleteTopicCallback"),
            group.group_id.encode(),
            orjson.dumps(deleted),
        )
    return orjson.dumps(results)


HANDLERS.on("TIMGroupDeleteTopicFromCommunity")(_delete_topics)
HANDLERS.on("TIMCommunityDeleteTopicFromCommunity")(_delete_topics)


def _set_topic(call: Call) -> str:
    info = call.json(0)
    if not isinstance(info, dict):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_topic_info is not an object")
    topic_id = info.get("group_topic_info_topic_id")
    if not isinstance(topic_id, str) or "@TOPIC#_" not in topic_id:
        raise CallError(E.ERR_INVALID_PARAMETERS, "group_topic_info_topic_id is required")
    group = _community(call, topic_id.split("@TOPIC#_")[0], manage=True)
    topic = group.topics.get(topic_id)
    if topic is None:
        raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, f"no topic {topic_id!r}")
    flag = info.get("group_modify_info_param_modify_flag")
    if not isinstance(flag, int) or isinstance(flag, bool) or not flag:
        raise CallError(E.ERR_INVALID_PARAMETERS, "group_modify_info_param_modify_flag is required")
    for bit, key in _TOPIC_FLAGS.items():
        if flag & bit and key in info:
            topic[key] = info[key]
    _save(call)
    _notify(
        call,
        group,
        ("TIMSetGroupTopicChangedCallback", "TIMSetCommunityChangeTopicInfoCallback"),
        group.group_id.encode(),
        orjson.dumps(_topic_view(topic)),
    )
    return ""


HANDLERS.on("TIMGroupSetTopicInfo")(_set_topic)
HANDLERS.on("TIMCommunitySetTopicInfo")(_set_topic)


def _topic_list(call: Call) -> bytes:
    group = _community(call, call.text(0))
    ids = _ids(call.json(1)) or list(group.topics)
    out = []
    for topic_id in ids:
        topic = group.topics.get(topic_id)
        out.append(
            {
                "group_topic_info_result_error_code": 0
                if topic
                else int(E.ERR_SVR_GROUP_INVALID_PARAMETERS),
                "group_topic_info_result_error_message": "" if topic else "no such topic",
                "group_topic_info_result_topic_info": _topic_view(
                    topic or {"group_topic_info_topic_id": topic_id}
                ),
            }
        )
    return orjson.dumps(out)


HANDLERS.on("TIMGroupGetTopicInfoList")(_topic_list)
HANDLERS.on("TIMCommunityGetTopicInfoList")(_topic_list)


# -- permission groups (CM:505-817; 7.8+) ----------------------------------------------------
# GUESS: managed by the owner and admins; enable_permission_group is not required.

_PG_NAME, _PG_PERMISSION, _PG_CUSTOM = 1, 2, 4  # TIMPermissionGroupModifyInfoFlag (CM:56)


def _pg_view(group: StoredGroup, pg: dict[str, Any]) -> dict[str, Any]:
    return {
        "community_group_id": group.group_id,
        "permission_group_id": pg["permission_group_id"],
        "permission_group_name": pg["permission_group_name"],
        "permission_custom_data": pg["permission_custom_data"],
        "group_permission": pg["group_permission"],
        "permission_group_member_count": len(pg["members"]),
    }


def _pg(call: Call, group: StoredGroup, pg_id: str) -> dict[str, Any]:
    pg = group.permission_groups.get(pg_id)
    if pg is None:
        raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, f"no permission group {pg_id!r}")
    return pg


def _notify_pg(call: Call, group: StoredGroup, setter: str, payload: bytes) -> None:
    for uid in group.members:
        conn = call.app.online.get(uid)
        if conn is not None:
            conn.event(setter, [group.group_id.encode(), payload])


def _uint64(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << 64:
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{what} must be a uint64")
    return value


@HANDLERS.on("TIMCommunityCreatePermissionGroupInCommunity")
def _create_pg(call: Call) -> str:
    info = call.json(0)
    if not isinstance(info, dict) or not isinstance(info.get("community_group_id"), str):
        raise CallError(E.ERR_INVALID_PARAMETERS, "community_group_id is required")
    group = _community(call, info["community_group_id"], manage=True)
    pg_id = info.get("permission_group_id") or f"@PMG#_{secrets.token_hex(5).upper()}"  # GUESS
    if not isinstance(pg_id, str) or pg_id in group.permission_groups:
        raise CallError(E.ERR_SVR_GROUP_GROUPID_IN_USED, f"permission group {pg_id!r} exists")
    name = info.get("permission_group_name", "")
    custom = info.get("permission_custom_data", "")
    if not isinstance(name, str) or not name or not isinstance(custom, str):
        raise CallError(E.ERR_INVALID_PARAMETERS, "permission_group_name is required")
    pg = {
        "permission_group_id": pg_id,
        "permission_group_name": name,
        "permission_custom_data": custom,
        "group_permission": _uint64(info.get("group_permission", 0), "group_permission"),
        "members": [],
        "topic_permissions": {},
    }
    group.permission_groups[pg_id] = pg
    _save(call)
    _notify_pg(
        call,
        group,
        "TIMSetCommunityCreatePermissionGroupCallback",
        orjson.dumps(_pg_view(group, pg)),
    )
    return pg_id  # GUESS: the plain id (EL string)


@HANDLERS.on("TIMCommunityDeletePermissionGroupFromCommunity")
def _delete_pg(call: Call) -> bytes:
    group = _community(call, call.text(0), manage=True)
    results, deleted = [], []
    for pg_id in _ids(call.json(1)):
        found = group.permission_groups.pop(pg_id, None) is not None
        if found:
            deleted.append(pg_id)
        results.append(
            {
                "permission_group_operation_result_error_code": 0
                if found
                else int(E.ERR_SVR_GROUP_INVALID_PARAMETERS),
                "permission_group_operation_result_error_message": "" if found else "not found",
                "permission_group_operation_result_id": pg_id,
            }
        )
    _save(call)
    if deleted:
        _notify_pg(
            call, group, "TIMSetCommunityDeletePermissionGroupCallback", orjson.dumps(deleted)
        )
    return orjson.dumps(results)


@HANDLERS.on("TIMCommunityModifyPermissionGroupInfoInCommunity")
def _modify_pg(call: Call) -> str:
    info = call.json(0)
    if not isinstance(info, dict) or not isinstance(info.get("community_group_id"), str):
        raise CallError(E.ERR_INVALID_PARAMETERS, "community_group_id is required")
    group = _community(call, info["community_group_id"], manage=True)
    pg = _pg(call, group, str(info.get("permission_group_id", "")))
    flag = info.get("permission_group_modify_info_flag")
    if not isinstance(flag, int) or isinstance(flag, bool) or not flag:
        raise CallError(E.ERR_INVALID_PARAMETERS, "permission_group_modify_info_flag is required")
    if flag & _PG_NAME:
        name = info.get("permission_group_name")
        if not isinstance(name, str) or not name:
            raise CallError(E.ERR_INVALID_PARAMETERS, "permission_group_name must be a str")
        pg["permission_group_name"] = name
    if flag & _PG_PERMISSION:
        pg["group_permission"] = _uint64(info.get("group_permission"), "group_permission")
    if flag & _PG_CUSTOM:
        custom = info.get("permission_custom_data")
        if not isinstance(custom, str):
            raise CallError(E.ERR_INVALID_PARAMETERS, "permission_custom_data must be a str")
        pg["permission_custom_data"] = custom
    _save(call)
    _notify_pg(
        call,
        group,
        "TIMSetCommunityChangePermissionGroupInfoCallback",
        orjson.dumps(_pg_view(group, pg)),
    )
    return ""


def _pg_results(group: StoredGroup, pgs: list[tuple[str, dict[str, Any] | None]]) -> bytes:
    return orjson.dumps(
        [
            {
                "permission_group_info_result_error_code": 0
                if pg
                else int(E.ERR_SVR_GROUP_INVALID_PARAMETERS),
                "permission_group_info_result_error_message": "" if pg else "not found",
                "permission_group_info_result": _pg_view(group, pg)
                if pg
                else {"permission_group_id": pg_id},
            }
            for pg_id, pg in pgs
        ]
    )


@HANDLERS.on("TIMCommunityGetJoinedPermissionGroupListInCommunity")
def _joined_pgs(call: Call) -> bytes:
    group = _community(call, call.text(0))
    mine = [(i, pg) for i, pg in group.permission_groups.items() if call.user in pg["members"]]
    return _pg_results(group, list(mine))


@HANDLERS.on("TIMCommunityGetPermissionGroupListInCommunity")
def _list_pgs(call: Call) -> bytes:
    group = _community(call, call.text(0))
    ids = _ids(call.json(1)) or list(group.permission_groups)
    return _pg_results(group, [(i, group.permission_groups.get(i)) for i in ids])


def _change_members(call: Call, add: bool) -> bytes:
    group = _community(call, call.text(0), manage=True)
    pg = _pg(call, group, call.text(1))
    ids = _ids(call.json(2))
    results, changed = [], []
    for uid in ids:
        if uid not in group.members:
            code = int(E.ERR_SVR_GROUP_PERMISSION_DENY)  # GUESS: not a community member
        elif add and uid not in pg["members"]:
            pg["members"].append(uid)
            changed.append(uid)
            code = 0
        elif not add and uid in pg["members"]:
            pg["members"].remove(uid)
            changed.append(uid)
            code = 0
        else:
            code = 0  # GUESS: already (not) a member is no error
        results.append(
            {
                "permission_group_member_operation_result_identifier": uid,
                "permission_group_member_operation_result_error_code": code,
            }
        )
    _save(call)
    if changed:
        setter = (
            "TIMSetCommunityAddMembersToPermissionGroupCallback"
            if add
            else "TIMSetCommunityRemoveMembersFromPermissionGroupCallback"
        )
        payload = {"permission_group_id": pg["permission_group_id"], "member_id_list": changed}
        _notify_pg(call, group, setter, orjson.dumps(payload))
    return orjson.dumps(results)


@HANDLERS.on("TIMCommunityAddCommunityMembersToPermissionGroup")
def _add_pg_members(call: Call) -> bytes:
    return _change_members(call, True)


@HANDLERS.on("TIMCommunityRemoveCommunityMembersFromPermissionGroup")
def _remove_pg_members(call: Call) -> bytes:
    return _change_members(call, False)


@HANDLERS.on("TIMCommunityGetCommunityMemberListInPermissionGroup")
def _pg_members(call: Call) -> bytes:
    group = _community(call, call.text(0))
    pg = _pg(call, group, call.text(1))
    start = int(call.text(2, required=False) or 0)
    ids = pg["members"][start : start + 100]
    end = start + len(ids)
    return orjson.dumps(
        {
            "permission_group_member_info_result_next_cursor": str(end)
            if end < len(pg["members"])
            else "",
            "permission_group_member_info_result_array": [
                member_view(group, group.members[u], call.app) for u in ids if u in group.members
            ],
        }
    )


def _topic_results(items: list[tuple[str, int, str]]) -> bytes:
    return orjson.dumps(
        [
            {
                "group_topic_operation_result_error_code": code,
                "group_topic_operation_result_error_message": desc,
                "group_topic_operation_result_topic_id": topic_id,
            }
            for topic_id, code, desc in items
        ]
    )


def _set_topic_permissions(call: Call, setter: str, *, modify: bool) -> bytes:
    group = _community(call, call.text(0), manage=True)
    pg = _pg(call, group, call.text(1))
    items = call.json(2)
    if not isinstance(items, list):
        raise CallError(E.ERR_INVALID_PARAMETERS, "expected a JSON array of topic permissions")
    results, changed = [], []
    for item in items:
        topic_id = item.get("topic_permission_key") if isinstance(item, dict) else None
        if not isinstance(topic_id, str):
            raise CallError(E.ERR_INVALID_PARAMETERS, "topic_permission_key is required")
        value = _uint64(item.get("topic_permission_value"), "topic_permission_value")
        if topic_id not in group.topics or (modify and topic_id not in pg["topic_permissions"]):
            results.append((topic_id, int(E.ERR_SVR_GROUP_INVALID_PARAMETERS), "no such topic"))
            continue
        pg["topic_permissions"][topic_id] = value
        changed.append({"topic_permission_key": topic_id, "topic_permission_value": value})
        results.append((topic_id, 0, ""))
    _save(call)
    if changed:
        payload = {
            "permission_group_id": pg["permission_group_id"],
            "topic_permission_map": changed,
        }
        _notify_pg(call, group, setter, orjson.dumps(payload))
    return _topic_results(results)


@HANDLERS.on("TIMCommunityAddTopicPermissionToPermissionGroup")
def _add_topic_permissions(call: Call) -> bytes:
    return _set_topic_permissions(call, "TIMSetCommunityAddTopicPermissionCallback", modify=False)


@HANDLERS.on("TIMCommunityModifyTopicPermissionInPermissionGroup")
def _modify_topic_permissions(call: Call) -> bytes:
    return _set_topic_permissions(call, "TIMSetCommunityModifyTopicPermissionCallback", modify=True)


@HANDLERS.on("TIMCommunityDeleteTopicPermissionFromPermissionGroup")
def _delete_topic_permissions(call: Call) -> bytes:
    group = _community(call, call.text(0), manage=True)
    pg = _pg(call, group, call.text(1))
    results, deleted = [], []
    for topic_id in _ids(call.json(2)):
        if pg["topic_permissions"].pop(topic_id, None) is None:
            results.append((topic_id, int(E.ERR_SVR_GROUP_INVALID_PARAMETERS), "not set"))
        else:
            results.append((topic_id, 0, ""))
            deleted.append(topic_id)
    _save(call)
    if deleted:
        payload = {"permission_group_id": pg["permission_group_id"], "topic_id_list": deleted}
        _notify_pg(
            call, group, "TIMSetCommunityDeleteTopicPermissionCallback", orjson.dumps(payload)
        )
    return _topic_results(results)


@HANDLERS.on("TIMCommunityGetTopicPermissionInPermissionGroup")
def _get_topic_permissions(call: Call) -> bytes:
    group = _community(call, call.text(0))
    pg = _pg(call, group, call.text(1))
    ids = _ids(call.json(2)) or list(pg["topic_permissions"])
    out = []
    for topic_id in ids:
        value = pg["topic_permissions"].get(topic_id)
        out.append(
            {
                "topic_permission_result_error_code": 0
                if value is not None
                else int(E.ERR_SVR_GROUP_INVALID_PARAMETERS),
                "topic_permission_result_error_message": "" if value is not None else "not set",
                "topic_permission_result_topic_id": topic_id,
                "topic_permission_result_topic_permission": value or 0,
                "topic_permission_result_group_id": group.group_id,
                "topic_permission_result_permission_group_id": pg["permission_group_id"],
            }
        )
    return orjson.dumps(out)
