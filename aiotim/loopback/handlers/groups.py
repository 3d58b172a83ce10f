"""The groups domain of the loopback cloud: create, join, quit, dismiss, invite, kick, info,
members, roles, mute, join requests, attributes, counters — with the real service's rules per
group type and its error codes, and the tips, reports and callbacks each change produces.

Spec and sources: /tmp/research/groups.md of issue 11 (TIMGroupManager.h = GM, TIMErrorCode.h,
tencentcloud.com/document/product/1047/48169 = T48169, .../33529 = T33529). ``# GUESS:`` marks
what no source confirmed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import orjson

from aiotim.enums import TIMErrCode
from aiotim.loopback.cloud import views
from aiotim.loopback.cloud.app import App
from aiotim.loopback.cloud.groupstate import (
    ADMIN,
    ANY,
    AUTH,
    AVCHATROOM,
    COMMUNITY,
    DEFAULT_ADD_OPTION,
    DEFAULT_MAX_MEMBERS,
    FORBID,
    MEMBER,
    OWNER,
    WORK,
    GroupMember,
    JoinRequest,
    StoredGroup,
    group_key,
    state_of,
)
from aiotim.loopback.cloud.state import StoredMessage
from aiotim.loopback.handlers import group_messages
from aiotim.loopback.handlers._call import Call, CallError, HandlerTable, saving
from aiotim.loopback.handlers._compose import uint
from aiotim.loopback.handlers.group_messages import (
    SYSTEM_SENDER,
    latest_seq,
    member_group,
    send_tips,
)

__all__ = ["HANDLERS", "create_group", "info_view", "member_view"]

E = TIMErrCode
HANDLERS = HandlerTable()

# TIMGroupTipType (GM:69)
_TIP_INVITE, _TIP_QUIT, _TIP_KICK, _TIP_SET_ADMIN, _TIP_CANCEL_ADMIN = 1, 2, 3, 4, 5
_TIP_GROUP_INFO, _TIP_MEMBER_INFO = 6, 7
# TIMGroupJoinType (GM:261)
_JOIN_APPLY, _JOIN_INVITE = 1, 2
# TIMGroupReportType (MM:124)
_R_ADD_REQUEST, _R_ADD_ACCEPT, _R_ADD_REFUSE, _R_KICKED, _R_DELETE, _R_CREATE = 1, 2, 3, 4, 5, 6
_R_INVITE, _R_QUIT, _R_GRANT_ADMIN, _R_CANCEL_ADMIN, _R_SHUTUP = 7, 8, 9, 10, 17
# TIMGroupModifyInfoFlag (GM:145)
_F_NAME, _F_NOTIFICATION, _F_INTRO, _F_FACE, _F_ADD_OPT, _F_MAX = 1, 2, 4, 8, 16, 32
_F_VISIBLE, _F_SEARCHABLE, _F_SHUTUP_ALL, _F_CUSTOM, _F_APPROVE = 64, 128, 256, 512, 4096
_F_PERMISSION_GROUP, _F_DEFAULT_PERMISSIONS = 8192, 16384  # GM:145 (Community only)
_F_OWNER = 0x80000000
# TIMGroupMemberModifyInfoFlag (GM:205)
_M_MSG_FLAG, _M_ROLE, _M_SHUTUP, _M_NAME_CARD, _M_CUSTOM = 1, 2, 4, 8, 16
# HandleGroupMemberResult (GM:221)
_H_ERR, _H_OK, _H_INCLUDED, _H_INVITED = 0, 1, 2, 3

#: Limits in UTF-8 bytes and their SDK codes. Source: TIMErrorCode.h 8501-8506, groups.md §5.
_MAX_ID, _MAX_NAME, _MAX_INTRO, _MAX_NOTIFICATION, _MAX_FACE, _MAX_CARD = 48, 30, 240, 300, 100, 50
_MAX_INITIAL = 20  # GM:1558
_MAX_INVITE = 20  # GM:1222
_MAX_PAGE = 50  # trtc.io V2 doc 48179 "一次最多拉取 50"
_MAX_ATTR_KEYS, _MAX_ATTR_KEY, _MAX_ATTR_VALUE, _MAX_ATTR_TOTAL = 16, 32, 4096, 16384  # GM:693
_MAX_COUNTERS, _MAX_COUNTER_KEY = 20, 128  # trtc.io/document/53432
_FOREVER = 4294967295


#: write the group state to the cloud's database after the handler (with ``db=``)
_saves = saving(lambda app: state_of(app).save())


def _now() -> int:
    return int(time.time())


def _obj(call: Call, index: int) -> dict[str, Any]:
    value = call.json(index)
    if not isinstance(value, dict):
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: expected a JSON object")
    return value


def _str(param: dict[str, Any], key: str, default: str = "") -> str:
    value = param.get(key, default)
    if not isinstance(value, str):
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{key} must be a string")
    return value


def _ids(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{what} must be an array of user ids")
    return list(dict.fromkeys(value))


def _check_len(value: str, limit: int, code: int, what: str) -> None:
    if len(value.encode()) > limit:
        raise CallError(code, f"{what} is longer than {limit} bytes")


def _group(call: Call, group_id: str) -> StoredGroup:
    group = state_of(call.app).groups.get(group_id)
    if group is None:
        raise CallError(E.ERR_SVR_GROUP_NOT_FOUND, f"group {group_id!r} not found")
    return group


def _deny(what: str) -> CallError:
    return CallError(E.ERR_SVR_GROUP_PERMISSION_DENY, what)


def _role(group: StoredGroup, user: str) -> int:
    member = group.members.get(user)
    return member.role if member is not None else 0


def _custom_list(custom: dict[str, str], prefix: str) -> list[dict[str, str]]:
    return [{f"{prefix}_key": k, f"{prefix}_value": v} for k, v in custom.items()]


def _custom_of(value: Any, prefix: str) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if not isinstance(value, list):
        raise CallError(E.ERR_INVALID_PARAMETERS, "custom_info must be an array")
    out: dict[str, str] = {}
    for item in value:
        if not isinstance(item, dict):
            raise CallError(E.ERR_INVALID_PARAMETERS, "custom_info entries must be objects")
        out[str(item.get(f"{prefix}_key", ""))] = str(item.get(f"{prefix}_value", ""))
    return out


# -- views -----------------------------------------------------------------------------------


def member_view(group: StoredGroup, m: GroupMember, app: App) -> dict[str, Any]:
    """A GroupMemberInfo object (GM:1518)."""
    return {
        "group_member_info_identifier": m.user_id,
        "group_member_info_group_id": group.group_id,
        "group_member_info_join_time": m.join_time,
        "group_member_info_member_role": m.role,
        "group_member_info_msg_flag": m.msg_flag,
        "group_member_info_msg_seq": 0,
        "group_member_info_shutup_time": m.shutup_until,
        "group_member_info_name_card": m.name_card,
        "group_member_info_nick_name": "",
        "group_member_info_friend_remark": "",
        "group_member_info_face_url": "",
        "group_member_info_custom_info": _custom_list(
            m.custom, "group_member_info_custom_string_info"
        ),
        "group_member_info_is_online": m.user_id in app.online,
        "group_member_info_online_devices": [],
    }


def info_view(app: App, group: StoredGroup, viewer: str) -> dict[str, Any]:
    """GroupDetailInfo + GroupBaseInfo keys (GM:1596, 1626; GUESS: both key sets)."""
    history = app.store.messages(group_key(group.group_id))
    last = history[-1] if history else None
    me = group.members.get(viewer)
    conv = app.store.find_conversation(viewer, 2, group.group_id)
    return {
        "group_detail_info_group_id": group.group_id,
        "group_detail_info_group_type": group.group_type,
        "group_detail_info_is_support_topic": group.is_support_topic,
        "group_detail_info_group_name": group.name,
        "group_detail_info_notification": group.notification,
        "group_detail_info_introduction": group.introduction,
        "group_detail_info_face_url": group.face_url,
        "group_detail_info_create_time": group.create_time,
        "group_detail_info_info_seq": group.info_seq,
        "group_detail_info_last_info_time": group.last_info_time,
        "group_detail_info_next_msg_seq": len(history) + 1,
        "group_detail_info_last_msg_time": last.server_time if last is not None else 0,
        "group_detail_info_member_num": len(group.members),
        "group_detail_info_max_member_num": group.max_members,
        "group_detail_info_add_option": group.add_option,
        "group_detail_info_approve_option": group.approve_option,
        "group_detail_info_visible": group.visible,
        "group_detail_info_searchable": group.searchable,
        "group_detail_info_is_shutup_all": group.shutup_all,
        "group_detail_info_owner_identifier": group.owner,
        "group_detail_info_custom_info": _custom_list(
            group.custom, "group_info_custom_string_info"
        ),
        "group_detail_info_enable_permission_group": group.enable_permission_group,
        "group_detail_info_default_permissions": group.default_permissions,
        "group_detail_info_online_member_num": 0,
        "group_base_info_group_id": group.group_id,
        "group_base_info_group_name": group.name,
        "group_base_info_group_type": group.group_type,
        "group_base_info_face_url": group.face_url,
        "group_base_info_info_seq": group.info_seq,
        "group_base_info_latest_seq": len(history),
        "group_base_info_readed_seq": conv.read_seq if conv is not None else 0,
        "group_base_info_msg_flag": me.msg_flag if me is not None else 0,
        "group_base_info_is_shutup_all": group.shutup_all,
        "group_base_info_self_info": {
            "group_self_info_join_time": me.join_time if me is not None else 0,
            "group_self_info_role": me.role if me is not None else 0,
            "group_self_info_unread_num": conv.unread if conv is not None else 0,
            "group_self_info_msg_flag": me.msg_flag if me is not None else 0,
        },
    }


def _request_view(req: JoinRequest, viewer: str) -> dict[str, Any]:
    """A GroupPendency object (GM:1918; the ``form`` typos are the wire keys)."""
    # TIMGroupPendencyHandle: 0 not handled, 1 by another, 2 by the viewer.
    handled = (2 if req.handled_by == viewer else 1) if req.handled_by else 0
    return {
        "group_pendency_group_id": req.group_id,
        "group_pendency_form_identifier": req.from_user,
        "group_pendency_from_nick_name": "",
        "group_pendency_from_face_url": "",
        "group_pendency_to_identifier": req.to_user,
        "group_pendency_add_time": req.add_time_ms,
        "group_pendency_pendency_type": req.pendency_type,
        "group_pendency_handled": handled,
        "group_pendency_handle_result": 1 if req.accepted else 0,
        "group_pendency_apply_invite_msg": req.hello,
        "group_pendency_form_user_defined_data": "",
        "group_pendency_approval_msg": req.approval_msg,
        "group_pendency_to_user_defined_data": "",
        "group_pendency_key": req.key,
        "group_pendency_authentication": req.key,
        "group_pendency_self_identifier": viewer,
    }


# -- notifications ---------------------------------------------------------------------------


def _report(app: App, users: list[str], group: StoredGroup, report_type: int, **extra: Any) -> None:
    """A GroupReportElem (``elem_type`` 8) in a system message to each of ``users``.

    Source: TIMMessageManager.h:284-318 (carrier: conv_type 3, conv_id "", sender
    ``@TIM#SYSTEM``), MM:2250 (keys). Not stored in any conversation; offline users get it at
    login (in memory only).
    """
    now = _now()
    elem: dict[str, Any] = {
        "elem_type": 8,
        "group_report_elem_report_type": report_type,
        "group_report_elem_group_id": group.group_id,
        "group_report_elem_op_user": "",
        "group_report_elem_msg": "",
        "group_report_elem_user_data": "",
        "group_report_elem_platform": "",
        "group_report_elem_shut_up_time": 0,
        "group_report_elem_group_message_receive_option": 0,
    }
    elem.update({f"group_report_elem_{k}": v for k, v in extra.items()})
    for uid in dict.fromkeys(users):
        msg = StoredMessage(
            conv_key="",
            conv_type=3,
            sender=SYSTEM_SENDER,
            target="",
            body={"message_elem_array": [elem]},
            rand=0,
            server_time=now,
            client_time=now,
            msg_id=f"report-{app.store.new_unique_id()}",
            unique_id=app.store.new_unique_id(),
        )
        conn = app.online.get(uid)
        if conn is not None:
            conn.notify_messages([msg])
        else:
            app.store.inbox_push(uid, [msg])


def _tip(
    app: App,
    group: StoredGroup,
    tip_type: int,
    op_user: str,
    users: Sequence[str] = (),
    *,
    recipients: list[str] | None = None,
    **extra: Any,
) -> None:
    tips: dict[str, Any] = {
        "group_tips_elem_tip_type": tip_type,
        "group_tips_elem_op_user": op_user,
        "group_tips_elem_user_array": list(users),
        "group_tips_elem_group_change_info_array": [],
        "group_tips_elem_member_change_info_array": [],
        "group_tips_elem_join_type": 0,
    }
    if tip_type in (_TIP_INVITE, _TIP_QUIT, _TIP_KICK):
        tips["group_tips_elem_member_num"] = len(group.members)  # GM:1477 (only these three)
    op = group.members.get(op_user)
    if op is not None:
        tips["group_tips_elem_op_group_memberinfo"] = member_view(group, op, app)
    tips.update({f"group_tips_elem_{k}": v for k, v in extra.items()})
    send_tips(app, group, tips, recipients)


def _add_members(
    app: App, group: StoredGroup, users: list[str], op_user: str, join_type: int
) -> None:
    now = _now()
    seen = latest_seq(app, group)
    for uid in users:
        group.members[uid] = GroupMember(uid, MEMBER, now, join_seq=seen)
    # Source: GM:1477, 1482 (Invite tip for every join; join_type Apply or Invite since 8.0).
    _tip(app, group, _TIP_INVITE, op_user, users, join_type=join_type)


# -- create / dismiss / join / quit ----------------------------------------------------------


@HANDLERS.on("TIMGroupCreate")
@_saves
def _create(call: Call) -> bytes:
    return create_group(call, _obj(call, 0))


def create_group(call: Call, p: dict[str, Any]) -> bytes:
    """Create a group from a CreateGroupParam object (also ``TIMCommunityCreate``'s)."""
    state, me = state_of(call.app), call.user
    if "create_group_param_group_name" not in p:
        # BIN "json don't have key"; GUESS: 6017.
        raise CallError(E.ERR_INVALID_PARAMETERS, "create_group_param_group_name is required")
    name = _str(p, "create_group_param_group_name")
    gtype = p.get("create_group_param_group_type", 0)  # default Public (GM:1554)
    if gtype not in DEFAULT_MAX_MEMBERS:
        raise CallError(E.ERR_INVALID_PARAMETERS, f"invalid group_type:{gtype}")
    gid = _str(p, "create_group_param_group_id")
    if gid:
        bad = len(gid.encode()) > _MAX_ID or not all(0x20 <= ord(c) <= 0x7E for c in gid)
        if gtype == COMMUNITY:
            bad = bad or not gid.startswith("@TGS#_")  # GM:1552
        else:
            bad = bad or gid.startswith("@TGS#")  # EC:86
        if bad:
            raise CallError(E.ERR_SDK_GROUP_INVALID_ID, f"invalid group id {gid!r}")
        existing = state.groups.get(gid)
        if existing is not None:
            if existing.owner == me:
                raise CallError(E.ERR_SVR_GROUP_GROUPID_IN_USED_FOR_SUPER, f"{gid!r} is yours")
            raise CallError(E.ERR_SVR_GROUP_GROUPID_IN_USED, f"group id {gid!r} is in use")
    else:
        gid = state.new_group_id()
        if gtype == COMMUNITY:
            gid = "@TGS#_" + gid[5:]
    notification = _str(p, "create_group_param_notification")
    intro = _str(p, "create_group_param_introduction")
    face = _str(p, "create_group_param_face_url")
    _check_len(name, _MAX_NAME, E.ERR_SDK_GROUP_INVALID_NAME, "group name")
    if not name:
        raise CallError(E.ERR_SDK_GROUP_INVALID_NAME, "group name is empty")
    _check_len(intro, _MAX_INTRO, E.ERR_SDK_GROUP_INVALID_INTRODUCTION, "introduction")
    _check_len(
        notification, _MAX_NOTIFICATION, E.ERR_SDK_GROUP_INVALID_NOTIFICATION, "notification"
    )
    _check_len(face, _MAX_FACE, E.ERR_SDK_GROUP_INVALID_FACE_URL, "face url")
    members_in = p.get("create_group_param_group_member_array") or []
    if not isinstance(members_in, list):
        raise CallError(E.ERR_INVALID_PARAMETERS, "group_member_array must be an array")
    if len(members_in) > _MAX_INITIAL:
        raise CallError(
            E.ERR_SDK_GROUP_MEMBER_COUNT_LIMIT,
            f"member list count must be less than or equal to {_MAX_INITIAL}",
        )
    if members_in and gtype == AVCHATROOM:
        # Source: REST create_group, tencentcloud.com/ko/document/product/1047/34895.
        raise _deny("an AVChatRoom has no initial members")
    limit = DEFAULT_MAX_MEMBERS[gtype]
    max_members = uint(p.get("create_group_param_max_member_num"), 32) or limit
    if max_members > limit:
        raise CallError(E.ERR_SVR_GROUP_MEMBER_COUNT_LIMIT, f"max_member_num above {limit}")
    add_option = p.get("create_group_param_add_option", DEFAULT_ADD_OPTION.get(gtype, ANY))
    if add_option not in (FORBID, AUTH, ANY):
        raise CallError(E.ERR_INVALID_PARAMETERS, f"bad add_option {add_option!r}")
    # GUESS (groups.md §8.5): default approve option Any for Work, Forbid for the others.
    approve = p.get("create_group_param_approve_option", ANY if gtype == WORK else FORBID)
    if approve not in (FORBID, AUTH, ANY):
        raise CallError(E.ERR_INVALID_PARAMETERS, f"bad approve_option {approve!r}")
    now = _now()
    group = StoredGroup(
        group_id=gid,
        group_type=gtype,
        name=name,
        owner=me,
        create_time=now,
        notification=notification,
        introduction=intro,
        face_url=face,
        add_option=add_option,
        approve_option=approve,
        max_members=max_members,
        is_support_topic=bool(p.get("create_group_param_is_support_topic")) and gtype == COMMUNITY,
        last_info_time=now,
        custom=_custom_of(p.get("create_group_param_custom_info"), "group_info_custom_string_info"),
    )
    if gtype == COMMUNITY:  # GM:1549 (7.8+): permission groups, and every member's permissions
        group.enable_permission_group = p.get("create_group_param_enable_permission_group") is True
        group.default_permissions = uint(p.get("create_group_param_default_permissions"), 64) or 0
    group.members[me] = GroupMember(me, OWNER, now)
    added: list[str] = []
    for item in members_in:
        if not isinstance(item, dict) or not isinstance(
            item.get("group_member_info_identifier"), str
        ):
            raise CallError(E.ERR_INVALID_PARAMETERS, "group_member_info_identifier is required")
        uid = item["group_member_info_identifier"]
        role = item.get("group_member_info_member_role", MEMBER) or MEMBER
        if role == OWNER or role not in (MEMBER, ADMIN) or (role == ADMIN and gtype == WORK):
            # Work has no admins (im.sdk.qcloud.com V2TIMCreateGroupMemberInfo); GUESS: 10004.
            raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, f"bad role {role} for {uid!r}")
        if uid == me or uid in group.members:
            continue
        group.members[uid] = GroupMember(uid, role, now)
        added.append(uid)
    state.groups[gid] = group
    _report(call.app, [me], group, _R_CREATE, op_user=me)  # MM:138
    if added:
        _report(call.app, added, group, _R_INVITE, op_user=me)  # GUESS
    return orjson.dumps({"create_group_result_groupid": gid})


@HANDLERS.on("TIMGroupDelete")
@_saves
def _dismiss(call: Call) -> str:
    group = _group(call, call.text(0))
    if group.group_type == WORK:
        # Source: GM:465, PUB dismissGroup ("Work: 任何人都无法解散"); GUESS: 10007.
        raise _deny("a Work group cannot be dismissed")
    if group.owner != call.user:
        raise _deny("only the owner can dismiss the group")
    members = list(group.members)
    del state_of(call.app).groups[group.group_id]
    _report(call.app, members, group, _R_DELETE, op_user=call.user)  # MM:124 Delete → all
    return ""


@HANDLERS.on("TIMGroupJoin")
@_saves
def _join(call: Call) -> str:
    group, me = _group(call, call.text(0)), call.user
    hello = call.text(1, required=False)
    if me in group.members:
        if group.group_type == AVCHATROOM:
            return ""  # re-join after login is success (GM:1076)
        raise CallError(E.ERR_SVR_GROUP_ALLREADY_MEMBER, f"{me!r} is already a member")
    if group.banned.get(me, 0) > _now():
        raise _deny(f"{me!r} may not re-join yet")  # GUESS: 10007
    if group.add_option == FORBID:
        raise _deny("the group does not accept applications")  # GUESS: 10007 (vs 8508)
    if len(group.members) >= group.max_members:
        raise CallError(E.ERR_SVR_GROUP_FULL_MEMBER_COUNT, "the group is full")
    if group.add_option == AUTH and group.group_type != AVCHATROOM:
        state = state_of(call.app)
        req = JoinRequest(
            key=state.new_request_key(),
            group_id=group.group_id,
            from_user=me,
            to_user="",
            add_time_ms=int(time.time() * 1000),
            pendency_type=0,
            hello=hello,
        )
        state.requests.append(req)
        # Callback code 0 (BIN "need admin's approval"); AddRequest to owner + admins.
        _report(call.app, group.managers(), group, _R_ADD_REQUEST, op_user=me, msg=hello)
        return ""
    _add_members(call.app, group, [me], me, _JOIN_APPLY)
    return ""


@HANDLERS.on("TIMGroupQuit")
@_saves
def _quit(call: Call) -> str:
    group, me = _group(call, call.text(0)), call.user
    if me not in group.members:
        raise _deny(f"{me!r} is not a member")
    if group.owner == me and group.group_type != WORK:
        raise CallError(E.ERR_SVR_GROUP_SUPER_NOT_ALLOW_QUIT, "the owner cannot quit")
    del group.members[me]
    if group.owner == me:
        group.owner = ""  # GUESS: a Work group may be owner-less
    if group.group_type != AVCHATROOM:
        _tip(call.app, group, _TIP_QUIT, me, [me])
        _report(call.app, [me], group, _R_QUIT, op_user=me)
    return ""


# -- lists and info --------------------------------------------------------------------------


@HANDLERS.on("TIMGroupGetJoinedGroupList")
def _joined(call: Call) -> bytes:
    # AVChatRoom is not listed (HarmonyOS getJoinedGroupList "直播群不支持").
    groups = [g for g in state_of(call.app).joined(call.user) if g.group_type != AVCHATROOM]
    return orjson.dumps([info_view(call.app, g, call.user) for g in groups])


@HANDLERS.on("TIMGroupGetGroupInfoList")
def _info_list(call: Call) -> bytes:
    ids = call.json(0)
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise CallError(E.ERR_INVALID_PARAMETERS, "expected a JSON array of group ids")
    groups = state_of(call.app).groups
    out = []
    for gid in ids:
        group = groups.get(gid)
        if group is None:
            out.append(
                {
                    "get_groups_info_result_code": int(E.ERR_SVR_GROUP_NOT_FOUND),
                    "get_groups_info_result_desc": f"group {gid!r} not found",
                    "get_groups_info_result_info": {"group_detail_info_group_id": gid},
                }
            )
        else:
            out.append(
                {
                    "get_groups_info_result_code": 0,
                    "get_groups_info_result_desc": "",
                    "get_groups_info_result_info": info_view(call.app, group, call.user),
                }
            )
    return orjson.dumps(out)


@HANDLERS.on("TIMGroupModifyGroupInfo")
@_saves
def _modify_info(call: Call) -> str:
    p = _obj(call, 0)
    group = _group(call, _str(p, "group_modify_info_param_group_id"))
    me = call.user
    flag = p.get("group_modify_info_param_modify_flag")
    if not isinstance(flag, int) or isinstance(flag, bool) or flag == 0:
        raise CallError(E.ERR_INVALID_PARAMETERS, "group_modify_info_param_modify_flag is required")
    flag &= 0xFFFFFFFF  # the header's example sends Owner as -2147483648 (GM:652)
    role = _role(group, me)
    if not role:
        raise _deny(f"{me!r} is not a member")
    # Who edits the profile (T48169): Work any member; AVChatRoom owner; others owner + admin.
    if group.group_type == AVCHATROOM:
        allowed = role == OWNER
    elif group.group_type == WORK:
        allowed = True
    else:
        allowed = role in (OWNER, ADMIN)
    if not allowed:
        raise _deny("no permission to modify the group")
    changes: list[dict[str, Any]] = []

    def change(flag_value: int, **kv: Any) -> None:
        changes.append(
            {"group_tips_group_change_info_flag": flag_value}
            | {f"group_tips_group_change_info_{k}": v for k, v in kv.items()}
        )

    if flag & _F_OWNER:
        new_owner = _str(p, "group_modify_info_param_owner")
        if role != OWNER or group.group_type == AVCHATROOM:
            raise _deny("only the owner can transfer the group")  # GM:632
        if new_owner not in group.members or new_owner == me:
            raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, "the new owner must be a member")
        group.members[new_owner].role = OWNER
        group.members[me].role = MEMBER  # GUESS
        group.owner = new_owner
        change(5, value=new_owner)
    if flag & _F_NAME:
        name = _str(p, "group_modify_info_param_group_name")
        if not name:
            raise CallError(E.ERR_SDK_GROUP_INVALID_NAME, "group name is empty")
        _check_len(name, _MAX_NAME, E.ERR_SDK_GROUP_INVALID_NAME, "group name")
        group.name = name
        change(1, value=name)
    if flag & _F_INTRO:
        intro = _str(p, "group_modify_info_param_introduction")
        _check_len(intro, _MAX_INTRO, E.ERR_SDK_GROUP_INVALID_INTRODUCTION, "introduction")
        group.introduction = intro
        change(2, value=intro)
    if flag & _F_NOTIFICATION:
        note = _str(p, "group_modify_info_param_notification")
        _check_len(note, _MAX_NOTIFICATION, E.ERR_SDK_GROUP_INVALID_NOTIFICATION, "notification")
        group.notification = note
        change(3, value=note)
    if flag & _F_FACE:
        face = _str(p, "group_modify_info_param_face_url")
        _check_len(face, _MAX_FACE, E.ERR_SDK_GROUP_INVALID_FACE_URL, "face url")
        group.face_url = face
        change(4, value=face)
    if flag & _F_CUSTOM:
        custom = _custom_of(
            p.get("group_modify_info_param_custom_info"), "group_info_custom_string_info"
        )
        group.custom.update(custom)
        for k, v in custom.items():
            change(6, key=k, value=v)
    if flag & _F_SHUTUP_ALL:
        if group.group_type == WORK:
            raise _deny("a Work group cannot be muted")  # trtc.io/document/34951; GUESS code
        if role not in (OWNER, ADMIN):
            raise _deny("only the owner or an admin can mute the group")
        on = p.get("group_modify_info_param_is_shutup_all") is True
        group.shutup_all = on
        change(8, bool_value=on)
    if flag & _F_ADD_OPT:
        opt = p.get("group_modify_info_param_add_option")
        if opt not in (FORBID, AUTH, ANY):
            raise CallError(E.ERR_INVALID_PARAMETERS, f"bad add_option {opt!r}")
        group.add_option = opt
        change(11, int_value=opt)
    if flag & _F_APPROVE:
        opt = p.get("group_modify_info_param_approve_option")
        if opt not in (FORBID, AUTH, ANY):
            raise CallError(E.ERR_INVALID_PARAMETERS, f"bad approve_option {opt!r}")
        group.approve_option = opt
        change(12, int_value=opt)
    if flag & (_F_PERMISSION_GROUP | _F_DEFAULT_PERMISSIONS) and group.group_type != COMMUNITY:
        raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, "permission groups: Community only")
    if flag & _F_PERMISSION_GROUP:
        on = p.get("group_modify_info_param_enable_permission_group") is True
        group.enable_permission_group = on
        change(13, bool_value=on)
    if flag & _F_DEFAULT_PERMISSIONS:
        bits = uint(p.get("group_modify_info_param_default_permissions"), 64) or 0
        group.default_permissions = bits
        change(14, uint64_value=bits)
    if flag & _F_MAX:
        limit = DEFAULT_MAX_MEMBERS[group.group_type]
        num = uint(p.get("group_modify_info_param_max_member_num"), 32)
        if not num or num > limit:
            raise CallError(E.ERR_SVR_GROUP_MEMBER_COUNT_LIMIT, f"max_member_num above {limit}")
        group.max_members = num
    if flag & _F_VISIBLE:
        group.visible = uint(p.get("group_modify_info_param_visible"), 32) or 0
    if flag & _F_SEARCHABLE:
        group.searchable = uint(p.get("group_modify_info_param_searchable"), 32) or 0
    group.info_seq += 1
    group.last_info_time = _now()
    if changes:
        _tip(call.app, group, _TIP_GROUP_INFO, me, group_change_info_array=changes)
    return ""


# -- members ---------------------------------------------------------------------------------

_ROLE_FILTER = {1: (OWNER,), 2: (ADMIN,), 4: (MEMBER,)}  # TIMGroupMemberRoleFlag (GM:181)


@HANDLERS.on("TIMGroupGetMemberInfoList")
def _member_list(call: Call) -> bytes:
    p = _obj(call, 0)
    group = member_group(call, _str(p, "group_get_members_info_list_param_group_id"))
    wanted = p.get("group_get_members_info_list_param_identifier_array")
    if wanted:
        ids = _ids(wanted, "identifier_array")
        found = [group.members[u] for u in ids if u in group.members]
        return orjson.dumps(
            {
                "group_get_member_info_list_result_next_seq": 0,
                "group_get_member_info_list_result_info_array": [
                    member_view(group, m, call.app) for m in found
                ],
            }
        )
    option = p.get("group_get_members_info_list_param_option") or {}
    role_flag = (
        option.get("group_member_get_info_option_role_flag", 0) if isinstance(option, dict) else 0
    )
    roles: set[int] = set()
    for bit, values in _ROLE_FILTER.items():
        if role_flag & bit:
            roles.update(values)
    members = [m for m in group.members.values() if not roles or m.role in roles]
    start = uint(p.get("group_get_members_info_list_param_next_seq"), 64) or 0
    page = members[start : start + _MAX_PAGE]
    end = start + len(page)
    return orjson.dumps(
        {
            "group_get_member_info_list_result_next_seq": end if end < len(members) else 0,
            "group_get_member_info_list_result_info_array": [
                member_view(group, m, call.app) for m in page
            ],
        }
    )


@HANDLERS.on("TIMGroupModifyMemberInfo")
@_saves
def _modify_member(call: Call) -> str:
    p = _obj(call, 0)
    group = member_group(call, _str(p, "group_modify_member_info_group_id"))
    me, app = call.user, call.app
    target_id = _str(p, "group_modify_member_info_identifier")
    flag = p.get("group_modify_member_info_modify_flag")
    if not isinstance(flag, int) or isinstance(flag, bool) or flag == 0:
        raise CallError(
            E.ERR_INVALID_PARAMETERS, "group_modify_member_info_modify_flag is required"
        )
    target = group.members.get(target_id)
    if target is None:
        raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, f"{target_id!r} is not a member")
    my_role = group.members[me].role
    if flag & _M_MSG_FLAG:
        if target_id != me:
            raise _deny("only the member sets their own receive option")  # GUESS
        target.msg_flag = uint(p.get("group_modify_member_info_msg_flag"), 32) or 0
    if flag & (_M_NAME_CARD | _M_CUSTOM) and target_id != me and my_role not in (OWNER, ADMIN):
        raise _deny("only the owner or an admin edits another member")  # GUESS
    if flag & _M_NAME_CARD:
        card = _str(p, "group_modify_member_info_name_card")
        _check_len(card, _MAX_CARD, E.ERR_SDK_GROUP_INVALID_NAME_CARD, "name card")
        target.name_card = card
    if flag & _M_CUSTOM:
        target.custom.update(
            _custom_of(
                p.get("group_modify_member_info_custom_info"),
                "group_member_info_custom_string_info",
            )
        )
    if flag & _M_ROLE:
        role = p.get("group_modify_member_info_member_role")
        if role not in (MEMBER, ADMIN):
            raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, f"bad role {role!r}")
        if group.group_type in (WORK, AVCHATROOM):
            raise _deny("this group type has no admins")  # PUB setGroupMemberRole; GUESS code
        if my_role != OWNER or target_id == me:
            raise _deny("only the owner sets roles")
        if target.role != role:
            target.role = role
            tip, report = (
                (_TIP_SET_ADMIN, _R_GRANT_ADMIN)
                if role == ADMIN
                else (_TIP_CANCEL_ADMIN, _R_CANCEL_ADMIN)
            )
            _tip(app, group, tip, me, [target_id])
            _report(app, [target_id], group, report, op_user=me)
    if flag & _M_SHUTUP:
        seconds = uint(p.get("group_modify_member_info_shutup_time"), 32)
        if seconds is None:
            raise CallError(E.ERR_INVALID_PARAMETERS, "shutup_time must be a uint32")
        if group.group_type == WORK:
            raise _deny("a Work group cannot mute members")  # trtc.io/document/34951
        # Owner and admins; an admin only ordinary members (T33529).
        if my_role not in (OWNER, ADMIN) or target.role >= my_role:
            raise _deny("no permission to mute this member")
        target.shutup_until = (
            0 if seconds == 0 else (_FOREVER if seconds == _FOREVER else _now() + seconds)
        )
        _tip(
            app,
            group,
            _TIP_MEMBER_INFO,
            me,
            member_change_info_array=[
                {
                    "group_tips_member_change_info_identifier": target_id,
                    "group_tips_member_change_info_shutupTime": seconds,
                }
            ],
        )
        _report(app, [target_id], group, _R_SHUTUP, op_user=me, shut_up_time=seconds)
    return ""


@HANDLERS.on("TIMGroupInviteMember")
@_saves
def _invite(call: Call) -> bytes:
    p = _obj(call, 0)
    if "group_invite_member_param_identifier_array" not in p:
        raise CallError(
            E.ERR_INVALID_PARAMETERS,
            "json don't have key:kTIMGroupInviteMemberParamIdentifierArray",
        )
    group = member_group(call, _str(p, "group_invite_member_param_group_id"))
    ids = _ids(p["group_invite_member_param_identifier_array"], "identifier_array")
    me, app = call.user, call.app
    if group.group_type == AVCHATROOM:
        raise _deny("an AVChatRoom does not take invitations")  # T48169; GUESS code
    if not ids or len(ids) > _MAX_INVITE:
        raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, f"invite 1 to {_MAX_INVITE} users")
    new = [u for u in ids if u not in group.members]
    if len(group.members) + len(new) > group.max_members:
        raise CallError(E.ERR_SVR_GROUP_FULL_MEMBER_COUNT, "the group would be full")
    direct = (
        group.group_type == WORK
        or group.approve_option == ANY
        or group.members[me].role in (OWNER, ADMIN)  # GUESS
    )
    if not direct and group.approve_option == FORBID:
        raise _deny("the group does not accept invitations")  # GUESS code
    results = []
    if direct:
        if new:
            _add_members(app, group, new, me, _JOIN_INVITE)
            _report(app, new, group, _R_INVITE, op_user=me)
    else:
        state = state_of(app)
        for uid in new:
            state.requests.append(
                JoinRequest(
                    key=state.new_request_key(),
                    group_id=group.group_id,
                    from_user=me,
                    to_user=uid,
                    add_time_ms=int(time.time() * 1000),
                    pendency_type=2,
                    invitees=(uid,),
                )
            )
        if new:
            _report(app, group.managers(), group, 24, op_user=me)  # InviteReqToAdmin
    for uid in ids:
        result = _H_INCLUDED if uid not in new else _H_OK if direct else _H_INVITED
        results.append(
            {
                "group_invite_member_result_identifier": uid,
                "group_invite_member_result_result": result,
            }
        )
    return orjson.dumps(results)


@HANDLERS.on("TIMGroupDeleteMember")
@_saves
def _kick(call: Call) -> bytes:
    p = _obj(call, 0)
    group = member_group(call, _str(p, "group_delete_member_param_group_id"))
    ids = _ids(p.get("group_delete_member_param_identifier_array"), "identifier_array")
    me, app = call.user, call.app
    my_role = group.members[me].role
    if group.group_type == WORK:
        allowed = my_role == OWNER  # PUB kickGroupMember
    elif group.group_type == AVCHATROOM:
        allowed = False  # REST delete_group_member on AVChatRoom → 10004; GUESS: 10007 here
    else:
        allowed = my_role in (OWNER, ADMIN)  # T33529
    if not allowed:
        raise _deny("no permission to kick members")
    for uid in ids:
        target = group.members.get(uid)
        if target is not None and (uid == me or target.role >= my_role):
            raise _deny(f"no permission to kick {uid!r}")  # GUESS: whole call 10007
    reason = _str(p, "group_delete_member_param_user_data")
    duration = uint(p.get("group_delete_member_param_duration"), 32) or 0
    kicked = [u for u in ids if u in group.members]
    for uid in kicked:
        del group.members[uid]
        if duration:
            group.banned[uid] = _now() + duration
    if kicked:
        _tip(app, group, _TIP_KICK, me, kicked)
        _report(app, kicked, group, _R_KICKED, op_user=me, msg=reason)
    return orjson.dumps(
        [
            {
                "group_delete_member_result_identifier": uid,
                "group_delete_member_result_result": _H_OK if uid in kicked else _H_ERR,
            }
            for uid in ids
        ]
    )


@HANDLERS.on("TIMGroupGetOnlineMemberCount")
def _online_count(call: Call) -> bytes:
    group = member_group(call, call.text(0))
    count = sum(1 for u in group.members if u in call.app.online)
    return orjson.dumps({"group_get_online_member_count_result": count})


# -- join requests ---------------------------------------------------------------------------


def _may_handle(app: App, req: JoinRequest, user: str) -> bool:
    group = state_of(app).groups.get(req.group_id)
    if group is None:
        return False
    if req.pendency_type == 1:
        return req.to_user == user
    return _role(group, user) in (OWNER, ADMIN)


@HANDLERS.on("TIMGroupGetPendencyList")
def _pendency_list(call: Call) -> bytes:
    p = _obj(call, 0)
    start = uint(p.get("group_pendency_option_start_time"), 64) or 0
    limit = uint(p.get("group_pendency_option_max_limited"), 32) or 0
    state, me = state_of(call.app), call.user
    # Only the requests the caller may approve (GM:1343-1348), newest first, handled included.
    mine = [r for r in reversed(state.requests) if _may_handle(call.app, r, me)]
    if start:
        mine = [r for r in mine if r.add_time_ms < start]
    page = mine[:limit] if limit else mine
    more = limit and len(mine) > len(page)
    read = state.requests_read.get(me, 0)
    unread = sum(1 for r in mine if not r.handled_by and r.add_time_ms > read * 1000)
    return orjson.dumps(
        {
            "group_pendency_result_next_start_time": page[-1].add_time_ms if more else 0,
            "group_pendency_result_read_time_seq": read,
            "group_pendency_result_unread_num": unread,
            "group_pendency_result_pendency_array": [_request_view(r, me) for r in page],
        }
    )


@HANDLERS.on("TIMGroupReportPendencyReaded")
@_saves
def _pendency_read(call: Call) -> str:
    state_of(call.app).requests_read[call.user] = call.integer(0)
    return ""


@HANDLERS.on("TIMGroupHandlePendency")
@_saves
def _handle_pendency(call: Call) -> str:
    p = _obj(call, 0)
    ref = p.get("group_handle_pendency_param_pendency")
    if not isinstance(ref, dict):
        raise CallError(
            E.ERR_INVALID_PARAMETERS, "group_handle_pendency_param_pendency is required"
        )
    state, me, app = state_of(call.app), call.user, call.app
    key = ref.get("group_pendency_authentication") or ref.get("group_pendency_key")
    req = next((r for r in state.requests if r.key == key), None)
    if req is None:
        raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, "no such request")
    group = _group(call, req.group_id)
    if not _may_handle(app, req, me):
        raise _deny("no permission to handle this request")
    if req.handled_by:
        raise CallError(E.ERR_SVR_GROUP_REQ_ALLREADY_BEEN_PROCESSED, "already handled")
    accept = p.get("group_handle_pendency_param_is_accept") is True
    msg = _str(p, "group_handle_pendency_param_handle_msg")
    req.handled_by, req.accepted, req.approval_msg = me, accept, msg
    joiners = list(req.invitees) if req.pendency_type == 2 else [req.from_user]
    joiners = [u for u in joiners if u not in group.members]
    if accept:
        if len(group.members) + len(joiners) > group.max_members:
            raise CallError(E.ERR_SVR_GROUP_FULL_MEMBER_COUNT, "the group is full")
        if joiners:
            join_type = _JOIN_APPLY if req.pendency_type == 0 else _JOIN_INVITE
            _add_members(app, group, joiners, me, join_type)  # GUESS: op_user = approver
        if req.pendency_type == 0:
            _report(app, [req.from_user], group, _R_ADD_ACCEPT, op_user=me, msg=msg)
        else:
            _report(app, [req.from_user], group, 13, op_user=me, msg=msg)  # InviteAccept
    elif req.pendency_type == 0:
        _report(app, [req.from_user], group, _R_ADD_REFUSE, op_user=me, msg=msg)
    else:
        _report(app, [req.from_user], group, 14, op_user=me, msg=msg)  # InviteRefuse
    return ""


# -- attributes and counters -----------------------------------------------------------------


def _attrs_in(call: Call, index: int) -> dict[str, str]:
    items = call.json(index)
    if not isinstance(items, list):
        raise CallError(E.ERR_INVALID_PARAMETERS, "expected a JSON array of attributes")
    out: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            raise CallError(E.ERR_INVALID_PARAMETERS, "attributes must be objects")
        key, value = item.get("group_attribute_key"), item.get("group_attribute_value", "")
        if not isinstance(key, str) or not key or not isinstance(value, str):
            raise CallError(E.ERR_INVALID_PARAMETERS, "group_attribute_key/value must be strings")
        if len(key.encode()) > _MAX_ATTR_KEY or len(value.encode()) > _MAX_ATTR_VALUE:
            raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, f"attribute {key!r} too long")
        out[key] = value
    return out


def _attr_group(call: Call) -> StoredGroup:
    group = member_group(call, call.text(0))
    if group.group_type == COMMUNITY and group.is_support_topic and "@TOPIC#" in group.group_id:
        raise CallError(E.ERR_SDK_INTERFACE_NOT_SUPPORT, "topics have no attributes")
    return group


def _store_attrs(call: Call, group: StoredGroup, attrs: dict[str, str]) -> None:
    if (
        len(attrs) > _MAX_ATTR_KEYS
        or sum(len(k.encode()) + len(v.encode()) for k, v in attrs.items()) > _MAX_ATTR_TOTAL
    ):
        raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, "too many attributes")  # GUESS code
    group.attributes = attrs
    # GM:354: the callback carries the group's full attribute list, to every member.
    payload = orjson.dumps(
        [{"group_attribute_key": k, "group_attribute_value": v} for k, v in attrs.items()]
    )
    for uid in group.members:
        conn = call.app.online.get(uid)
        if conn is not None:
            conn.event("TIMSetGroupAttributeChangedCallback", [group.group_id.encode(), payload])


@HANDLERS.on("TIMGroupInitGroupAttributes")
@_saves
def _init_attrs(call: Call) -> str:
    group = _attr_group(call)
    _store_attrs(call, group, _attrs_in(call, 1))
    return ""


@HANDLERS.on("TIMGroupSetGroupAttributes")
@_saves
def _set_attrs(call: Call) -> str:
    group = _attr_group(call)
    _store_attrs(call, group, {**group.attributes, **_attrs_in(call, 1)})
    return ""


@HANDLERS.on("TIMGroupDeleteGroupAttributes")
@_saves
def _delete_attrs(call: Call) -> str:
    group = _attr_group(call)
    keys = call.json(1)
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise CallError(E.ERR_INVALID_PARAMETERS, "expected a JSON array of keys")
    missing = [k for k in keys if k not in group.attributes]
    if missing:
        raise CallError(10050, f"attribute {missing[0]!r} does not exist")  # error-message.txt
    attrs = dict(group.attributes)
    for k in keys or list(attrs):
        attrs.pop(k, None)
    _store_attrs(call, group, attrs)
    return ""


@HANDLERS.on("TIMGroupGetGroupAttributes")
def _get_attrs(call: Call) -> bytes:
    group = _attr_group(call)
    keys = call.json(1)
    if keys is not None and (
        not isinstance(keys, list) or not all(isinstance(k, str) for k in keys)
    ):
        raise CallError(E.ERR_INVALID_PARAMETERS, "expected a JSON array of keys")
    wanted = keys or list(group.attributes)
    return orjson.dumps(
        [
            {"group_attribute_key": k, "group_attribute_value": group.attributes[k]}
            for k in wanted
            if k in group.attributes
        ]
    )


def _counter_group(call: Call) -> StoredGroup:
    group = member_group(call, call.text(0))
    if group.group_type == COMMUNITY:
        # BIN "not support community group"; GUESS code 7013.
        raise CallError(E.ERR_SDK_INTERFACE_NOT_SUPPORT, "not support community group")
    return group


def _counters_out(group: StoredGroup, keys: list[str]) -> bytes:
    return orjson.dumps(
        [{"group_counter_key": k, "group_counter_value": group.counters[k]} for k in keys]
    )


def _counter_changed(call: Call, group: StoredGroup, key: str) -> None:
    # GM:365: (group_id, key, new value) per changed key, to every member.
    value = group.counters[key]
    for uid in group.members:
        conn = call.app.online.get(uid)
        if conn is not None:
            conn.event(
                "TIMSetGroupCounterChangedCallback", [group.group_id.encode(), key.encode(), value]
            )


def _check_counter_key(group: StoredGroup, key: str) -> None:
    if not key or len(key.encode()) > _MAX_COUNTER_KEY:
        raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, f"bad counter key {key!r}")
    if key not in group.counters and len(group.counters) >= _MAX_COUNTERS:
        raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, "too many counters")  # GUESS code


@HANDLERS.on("TIMGroupSetGroupCounters")
@_saves
def _set_counters(call: Call) -> bytes:
    group = _counter_group(call)
    items = call.json(1)
    if not isinstance(items, list):
        raise CallError(E.ERR_INVALID_PARAMETERS, "expected a JSON array of counters")
    new: dict[str, int] = {}
    for item in items:
        key = item.get("group_counter_key") if isinstance(item, dict) else None
        value = item.get("group_counter_value") if isinstance(item, dict) else None
        if not isinstance(key, str) or not isinstance(value, int) or isinstance(value, bool):
            raise CallError(E.ERR_INVALID_PARAMETERS, "counters need a key and an int64 value")
        _check_counter_key(group, key)
        new[key] = value
    group.counters.update(new)
    for key in new:
        _counter_changed(call, group, key)
    return _counters_out(group, list(new))


@HANDLERS.on("TIMGroupGetGroupCounters")
def _get_counters(call: Call) -> bytes:
    group = _counter_group(call)
    keys = call.json(1) or list(group.counters)
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise CallError(E.ERR_INVALID_PARAMETERS, "expected a JSON array of keys")
    return _counters_out(group, [k for k in keys if k in group.counters])


def _step_counter(call: Call, sign: int) -> bytes:
    group = _counter_group(call)
    key, delta = call.text(1), call.integer(2)
    _check_counter_key(group, key)
    group.counters[key] = group.counters.get(key, 0) + sign * delta
    _counter_changed(call, group, key)
    return _counters_out(group, [key])


@HANDLERS.on("TIMGroupIncreaseGroupCounter")
@_saves
def _increase(call: Call) -> bytes:
    return _step_counter(call, 1)


@HANDLERS.on("TIMGroupDecreaseGroupCounter")
@_saves
def _decrease(call: Call) -> bytes:
    return _step_counter(call, -1)


# -- search and marks ------------------------------------------------------------------------

_MAX_KEYWORDS = 5  # GM:580, 1123


def _keywords(p: dict[str, Any], key: str) -> list[str]:
    """A search's keyword list: 1 to 5 non-empty strings (ERR_INVALID_PARAMETERS otherwise)."""
    words = p.get(key)
    if (
        not isinstance(words, list)
        or not words
        or len(words) > _MAX_KEYWORDS
        or not all(isinstance(w, str) and w for w in words)
    ):
        raise CallError(E.ERR_INVALID_PARAMETERS, "keyword_list: 1 to 5 non-empty strings")
    return words


@HANDLERS.on("TIMGroupSearchGroups")
def _search_groups(call: Call) -> bytes:
    """Search the caller's joined groups (the SDK searches locally, GM:1123): a group matches
    when any keyword is a case-insensitive substring of a searched field (GUESS)."""
    p = _obj(call, 0)
    words = _keywords(p, "group_search_params_keyword_list")
    fields = p.get("group_search_params_field_list") or [1]
    if not isinstance(fields, list):
        raise CallError(E.ERR_INVALID_PARAMETERS, "field_list must be an array")
    lowered = [w.lower() for w in words]
    found = []
    for group in state_of(call.app).joined(call.user):
        texts = ([group.group_id] if 1 in fields else []) + ([group.name] if 2 in fields else [])
        if any(w in t.lower() for w in lowered for t in texts):
            found.append(info_view(call.app, group, call.user))
    return orjson.dumps(found)


@HANDLERS.on("TIMGroupMarkGroupMemberList")
@_saves
def _mark_members(call: Call) -> str:
    """Marks on members: owner only, AVChatRoom and Community only (BIN "marking group member
    list is only supported in AVChatRoom and Community"; GUESS code 7013), mark type >= 1000,
    at most 10 marks per group (GM:1299, 1307). Tip MemberMarkChange(8) to every member."""
    group = member_group(call, call.text(0))
    ids = _ids(call.json(1), "member_array")
    mark, enable = call.integer(2), bool(call.args[3])
    if group.group_type not in (AVCHATROOM, COMMUNITY):
        raise CallError(
            E.ERR_SDK_INTERFACE_NOT_SUPPORT,
            "marking group member list is only supported in AVChatRoom and Community",
        )
    if group.members[call.user].role != OWNER:
        raise _deny("only the owner marks members")
    if mark < 1000:
        raise CallError(E.ERR_INVALID_PARAMETERS, "mark_type must be >= 1000")
    missing = [u for u in ids if u not in group.members]
    if missing:
        raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, f"{missing[0]!r} is not a member")
    marks = {m for member in group.members.values() for m in member.marks}
    if enable and mark not in marks and len(marks) >= 10:
        raise CallError(E.ERR_SVR_GROUP_INVALID_PARAMETERS, "at most 10 marks per group")
    for uid in ids:
        if enable:
            group.members[uid].marks.add(mark)
        else:
            group.members[uid].marks.discard(mark)
    _tip(
        call.app,
        group,
        8,  # TIMGroupTipType MemberMarkChange
        call.user,
        member_mark_info_array=[
            {
                "group_tips_member_mark_change_info_enableMark": enable,
                "group_tips_member_mark_change_info_markType": mark,
                "group_tips_member_mark_change_info_userIDList": ids,
            }
        ],
    )
    return ""


# -- group messages: read members, pins -------------------------------------------------------

_READ_MEMBERS_MAX = 100  # TIMMessageManager.h:1700 (count ≤ 100)


@HANDLERS.on("TIMMsgGetGroupMessageReadMemberList")
def _read_members(call: Call) -> None:
    """A page of the members who read (filter 0) or did not read (1) a group message sent with
    ``need_read_receipt`` (TIMMessageManager.h:1700). Its callback has no error code: an error
    answers ``("", 0, true)`` (PROTOCOL.md)."""
    ref = call.json(0)
    msg_id = ref.get("message_msg_id") if isinstance(ref, dict) else None
    msg = call.app.store.by_id.get(msg_id) if isinstance(msg_id, str) else None
    if msg is None or not isinstance(ref, dict) or not group_messages.can_see(call, msg):
        raise CallError(E.ERR_INVALID_PARAMETERS, "the group message was not found")
    count = max(1, min(call.integer(3) or _READ_MEMBERS_MAX, _READ_MEMBERS_MAX))
    users, next_seq, done = group_messages.read_members(
        call, msg, call.integer(1) == 1, max(0, call.integer(2)), count
    )
    group = state_of(call.app).groups[msg.target.partition("@TOPIC#_")[0]]
    page = [member_view(group, group.members[u], call.app) for u in users if u in group.members]
    call.conn.result(call.req_id, [orjson.dumps(page), next_seq, done], final=True)


#: At most 10 pinned messages per group (10070); pinning a pinned one: 10071 (TIMErrorCode.h,
#: 269/106050). GUESS: owner and admins pin (anyone in a Work group, which has no admins);
#: AVChatRoom (no history) cannot.
_MAX_PINNED = 10
_TIP_PIN_ADDED, _TIP_PIN_DELETED = 10, 11  # TIMGroupTipType (GM:70-94)


def _pinned_view(call: Call, group: StoredGroup, entry: dict[str, Any]) -> dict[str, Any] | None:
    msg = call.app.store.by_id.get(entry["msg_id"])
    if msg is None:
        return None
    view = views.message_views(call.app.store, call.user, [msg])[0]
    # Source: TIMMessageManager.h (message_pinner_* keys, TIMGetPinnedGroupMessageList only)
    member = group.members.get(entry["pinner"])
    view.update(
        message_pinner_user_id=entry["pinner"],
        message_pinner_nick_name="",
        message_pinner_friend_remark="",
        message_pinner_name_card=member.name_card if member is not None else "",
        message_pinner_face_url="",
    )
    return view


@HANDLERS.on("TIMPinGroupMessage")
@_saves
def _pin(call: Call) -> str:
    group_id, is_pinned = call.text(0), bool(call.args[2])
    group = member_group(call, group_id)
    msg = group_messages.find(call, group_id, call.json(1))
    if group.group_type == AVCHATROOM:
        raise _deny("AVChatRoom messages cannot be pinned")
    if group.group_type != WORK and _role(group, call.user) == MEMBER:
        raise _deny("only the owner and admins pin messages")
    index = next((i for i, p in enumerate(group.pinned) if p["msg_id"] == msg.msg_id), None)
    if is_pinned:
        if index is not None:
            raise CallError(E.ERR_SVR_GROUP_MESSAGE_ALREADY_PINNED, "the message is pinned already")
        if len(group.pinned) >= _MAX_PINNED:
            raise CallError(
                E.ERR_SVR_GROUP_PINNED_MESSAGE_COUNT_LIMIT, f"at most {_MAX_PINNED} pinned messages"
            )
        group.pinned.append({"msg_id": msg.msg_id, "pinner": call.user, "time": _now()})
    elif index is None:
        return ""
    else:
        del group.pinned[index]
    op = member_view(group, group.members[call.user], call.app)
    for uid in group.members:
        conn = call.app.online.get(uid)
        if conn is not None:  # Source: TIMMessageManager.h:637
            shown = views.message_views(call.app.store, uid, [msg])[0]
            conn.event(
                "TIMSetMsgGroupPinnedMessageChangedCallback",
                [group_id, orjson.dumps(shown), is_pinned, orjson.dumps(op)],
            )
    kept = views.message_views(call.app.store, call.user, [msg])
    _tip(
        call.app,
        group,
        _TIP_PIN_ADDED if is_pinned else _TIP_PIN_DELETED,
        call.user,
        pinned_message_list=kept,
    )
    return ""


@HANDLERS.on("TIMGetPinnedGroupMessageList")
def _pinned(call: Call) -> bytes:
    group = member_group(call, call.text(0))
    shown = [_pinned_view(call, group, p) for p in group.pinned]
    return orjson.dumps([v for v in shown if v is not None])


# -- member search ----------------------------------------------------------------------------

#: TIMGroupSearchMemberField (GM:1109): 1 user id, 2 nick name, 4 remark, 8 name card.
_MEMBER_FIELDS = frozenset((1, 2, 4, 8))


@HANDLERS.on("TIMGroupSearchGroupMembers")
def _search_members(call: Call) -> bytes:
    """Search the members of the caller's groups (all joined ones, or the listed ones): a
    member matches when a keyword is a case-insensitive substring of a searched field (id,
    name card; the loopback has no nick names or remarks here: GUESS). Result
    (GM:1168): ``[{group_search_member_result_groupid, …_member_info_list}]``, groups with a
    match only."""
    p = _obj(call, 0)
    words = _keywords(p, "group_search_member_params_keyword_list")
    fields = p.get("group_search_member_params_field_list") or [1]
    if not isinstance(fields, list) or not set(fields) <= _MEMBER_FIELDS:
        raise CallError(E.ERR_INVALID_PARAMETERS, "field_list: values of 1, 2, 4, 8")
    wanted = p.get("group_search_member_params_groupid_list") or []
    if not isinstance(wanted, list):
        raise CallError(E.ERR_INVALID_PARAMETERS, "groupid_list must be an array")
    groups = [member_group(call, g) for g in wanted] if wanted else None
    lowered = [w.lower() for w in words]
    out = []
    for group in groups if groups is not None else state_of(call.app).joined(call.user):
        found = []
        for m in group.members.values():
            texts = ([m.user_id] if 1 in fields else []) + ([m.name_card] if 8 in fields else [])
            if any(w in t.lower() for w in lowered for t in texts):
                found.append(member_view(group, m, call.app))
        if found:
            out.append(
                {
                    "group_search_member_result_groupid": group.group_id,
                    "group_search_member_result_member_info_list": found,
                }
            )
    return orjson.dumps(out)
