"""The community domain of the loopback cloud: communities (groups of type Community with
topics) and their topics, for both spellings of the C API (``TIMGroup*Topic*`` of
TIMGroupManager.h and the ``TIMCommunity*`` twins of TIMCommunityManager.h, which API §3 calls
parallel APIs for the same things). Permission groups are not served yet (7013).

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
from aiotim.loopback.handlers.groups import create_group, info_view

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
