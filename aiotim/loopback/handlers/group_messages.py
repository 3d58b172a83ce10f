"""Group messages: a send to a group, stored once in the group's conversation and delivered to
every member in one order (called by :mod:`.messages` for ``conv_type`` group), and the
fan-out that group tips (:mod:`.groups`) share.
"""

from __future__ import annotations

import time
from typing import Any

import orjson

from aiotim.enums import TIMConvEvent, TIMErrCode, TIMMsgStatus
from aiotim.loopback.cloud import jsonshapes
from aiotim.loopback.cloud.app import App
from aiotim.loopback.cloud.groupstate import (
    ADMIN,
    AVCHATROOM,
    COMMUNITY,
    MEETING,
    MEMBER,
    OWNER,
    StoredGroup,
    group_key,
    state_of,
)
from aiotim.loopback.cloud.state import GROUP, StoredMessage
from aiotim.loopback.handlers._call import Call, CallError
from aiotim.loopback.handlers._compose import _AT_ALL_V2, AT_ALL, compose
from aiotim.loopback.handlers._reads import recount, report_unread

__all__ = [
    "PRE_JOIN_HISTORY",
    "SYSTEM_SENDER",
    "can_see",
    "fan_out",
    "find",
    "get_receipts",
    "history_floor",
    "history_key",
    "latest_seq",
    "member_group",
    "members",
    "read_members",
    "receipt",
    "revoke",
    "send",
    "send_receipts",
    "send_tips",
    "set_receive_option",
]

E = TIMErrCode
_ADD = int(TIMConvEvent.kTIMConvEvent_Add)
_UPDATE = int(TIMConvEvent.kTIMConvEvent_Update)
_NOT_RECEIVE = 1  # TIMReceiveMessageOpt kTIMRecvMsgOpt_Not_Receive
_NOT_NOTIFY = 2  # kTIMRecvMsgOpt_Not_Notify

#: The sender of tips and reports. Source: TIMMessageManager.h:324-370 (message_sender
#: "@TIM#SYSTEM").
SYSTEM_SENDER = "@TIM#SYSTEM"


def member_group(call: Call, group_id: str) -> StoredGroup:
    """The group ``group_id``; 10010 if it does not exist, 10007 if the caller is no member.

    A topic id (``<community id>@TOPIC#_<x>``, TIMCommunityManager.h:829) names its community,
    for the community's members, while the topic exists.

    Source: TIMErrorCode.h (10010 ERR_SVR_GROUP_NOT_FOUND, 10007
    ERR_SVR_GROUP_PERMISSION_DENY); GUESS: 10007 for every members-only function.
    """
    community, is_topic, _ = group_id.partition("@TOPIC#_")
    group = state_of(call.app).groups.get(community if is_topic else group_id)
    if group is not None and is_topic and group_id not in group.topics:
        group = None
    if group is None:
        raise CallError(E.ERR_SVR_GROUP_NOT_FOUND, f"group {group_id!r} not found")
    if call.user not in group.members:
        raise CallError(
            E.ERR_SVR_GROUP_PERMISSION_DENY, f"{call.user!r} is not a member of {group_id!r}"
        )
    return group


def fan_out(
    app: App,
    group: StoredGroup,
    msg: StoredMessage,
    *,
    sender: str = "",
    counts: bool = True,
    in_last: bool = True,
    recipients: list[str] | None = None,
) -> None:
    """Store ``msg`` once in the group's conversation (not for AVChatRoom) and deliver it to
    every member (or ``recipients``), in member order: per-member conversation and unread;
    offline members get it at login. ``sender``'s own copy is not delivered back."""
    store = app.store
    users = list(group.members) if recipients is None else recipients
    if group.group_type == AVCHATROOM:
        # Online-only delivery, never stored. Source: tencentcloud.com/document/product/1047/33529.
        group.live_seq += 1
        msg.seq = group.live_seq
        for uid in users:
            conn = app.online.get(uid)
            if conn is not None and uid != sender:
                conn.notify_messages([msg])
        return
    store.append(msg)
    now = msg.server_time
    for uid in users:
        member = group.members.get(uid)
        flag = member.msg_flag if member is not None else 0
        if flag == _NOT_RECEIVE and uid != sender:
            continue
        # The group's conversation, or a topic's (its id is the message's target).
        conv, created = store.conversation(uid, GROUP, msg.target, msg.conv_key)
        if in_last:
            conv.last_seq, conv.active_time = msg.seq, now
        counted = False
        if uid == sender:
            conv.read_seq = msg.seq
        elif counts and flag != _NOT_NOTIFY:
            conv.unread += 1
            counted = True
        store.conv_changed(conv)
        conn = app.online.get(uid)
        if uid == sender:
            if conn is not None:
                conn.notify_conv(conv, _ADD if created else _UPDATE)
            continue
        if conn is None:
            store.inbox_push(uid, [msg])
            continue
        conn.notify_messages([msg])
        conn.notify_conv(conv, _ADD if created else _UPDATE)
        if counted:
            conn.notify_unread()
            report_unread(app, uid)


def send_tips(
    app: App, group: StoredGroup, tips: dict[str, Any], recipients: list[str] | None = None
) -> None:
    """A group tip: stored as a group message from ``@TIM#SYSTEM`` carrying one GroupTipsElem
    (``elem_type`` 5) and delivered to every member, and the bare GroupTipsElem through
    ``TIMSetGroupTipsEventCallback`` to the online ones.

    Source: TIMMessageManager.h:324-370 (tip message carrier), TIMGroupManager.h:285 (the
    callback's one object); tips count as unread (S003:683).
    """
    now = int(time.time())
    tips = {"group_tips_elem_group_id": group.group_id, "group_tips_elem_platform": "", **tips}
    msg = StoredMessage(
        conv_key=group_key(group.group_id),
        conv_type=GROUP,
        sender=SYSTEM_SENDER,
        target=group.group_id,
        body={"message_elem_array": [{"elem_type": 5, **tips}]},
        rand=0,
        server_time=now,
        client_time=now,
        msg_id=f"tips-{app.store.new_unique_id()}",
        unique_id=app.store.new_unique_id(),
    )
    users = list(group.members) if recipients is None else recipients
    fan_out(app, group, msg, recipients=users)
    payload = orjson.dumps(tips)
    for uid in users:
        conn = app.online.get(uid)
        if conn is not None:
            conn.event("TIMSetGroupTipsEventCallback", [payload])


def send(call: Call, group_id: str, param: dict[str, Any], msg_id: str) -> StoredMessage:
    """Store and deliver a message to ``group_id``.

    Checks, with the real codes (TIMErrorCode.h): unknown group 10010; sender not a member
    10007 (AVChatRoom too: one must join first, TIMGroupManager.h:1076); sender muted, or the
    group muted for ordinary members, 10017 ERR_SVR_GROUP_SHUTUP_DENY.
    """
    group = member_group(call, group_id)
    me = group.members[call.user]
    now = int(time.time())
    if me.shutup_until > now:
        raise CallError(E.ERR_SVR_GROUP_SHUTUP_DENY, f"{call.user!r} is muted in {group_id!r}")
    if group.shutup_all and me.role == MEMBER:
        # GUESS: owner and admins may still speak while the whole group is muted.
        raise CallError(E.ERR_SVR_GROUP_SHUTUP_DENY, f"{group_id!r} is muted")
    require(call, group, group_id, SEND_MESSAGE)
    at = param.get("message_group_at_user_array")
    if isinstance(at, list) and any(u in (AT_ALL, _AT_ALL_V2) for u in at):
        require(call, group, group_id, AT_ALL_BIT)
    msg, new = compose(
        call,
        conv_key=group_key(group_id),
        conv_type=GROUP,
        target=group_id,
        param=param,
        msg_id=msg_id,
    )
    if not new:
        return msg
    if param.get("message_is_online_msg") is True:
        for uid in group.members:
            conn = call.app.online.get(uid)
            if conn is not None and uid != call.user:
                conn.notify_messages([msg])
        return msg
    fan_out(
        call.app,
        group,
        msg,
        sender=call.user,
        counts=not param.get("message_is_excluded_from_unread_count"),
        in_last=not param.get("message_excluded_from_last_message"),
    )
    return msg


def history_key(call: Call, group_id: str) -> str:
    """The storage key of ``group_id``'s history, for a member (10010 / 10007 otherwise; in a
    community with permission groups, one who may get its history)."""
    group = member_group(call, group_id)
    require(call, group, group_id, GET_HISTORY)
    return group_key(group_id)


# -- community permissions ----------------------------------------------------------------------

#: What a permission is called at each level: (community bit, topic bit). Source:
#: TIMCommunityManager.h:68 (V2TIMCommunityPermissionValue) and :94 (V2TIMTopicPermissionValue).
SEND_MESSAGE = (64, 8)
AT_ALL_BIT = (128, 64)
GET_HISTORY = (256, 16)
REVOKE_OTHERS = (512, 32)
_PERMISSION_NAMES = {
    SEND_MESSAGE: "send messages",
    AT_ALL_BIT: "@all",
    GET_HISTORY: "read history",
    REVOKE_OTHERS: "revoke others' messages",
}


def permissions(group: StoredGroup, user: str, topic_id: str | None) -> int:
    """The permission bits ``user`` has in community ``group`` (``topic_id``: in that topic):
    the defaults (the community's ``default_permissions``, the topic's ``default_permissions``)
    plus those of every permission group the user is in (``group_permission``, its topic
    permissions). Source: TIMCommunityManager.h:480-817 (permission groups, 7.8+); GUESS: the
    union of all of them."""
    if topic_id is None:
        bits = group.default_permissions
        for pg in group.permission_groups.values():
            if user in pg["members"]:
                bits |= int(pg["group_permission"])
        return bits
    topic = group.topics.get(topic_id, {})
    bits = int(topic.get("default_permissions") or 0)
    for pg in group.permission_groups.values():
        if user in pg["members"]:
            bits |= int(pg["topic_permissions"].get(topic_id, 0))
    return bits


def may(call: Call, group: StoredGroup, target: str, which: tuple[int, int]) -> bool:
    """Whether a permission group (or the defaults) grants the caller ``which`` in ``target``
    (the community or one of its topics) of a community with ``enable_permission_group``."""
    if group.group_type != COMMUNITY or not group.enable_permission_group:
        return False
    is_topic = target != group.group_id
    bit = which[1] if is_topic else which[0]
    return bool(permissions(group, call.user, target if is_topic else None) & bit)


def require(call: Call, group: StoredGroup, target: str, which: tuple[int, int]) -> None:
    """10007 unless the caller has the permission ``which`` in ``target`` (the community or
    one of its topics). Enforced only in a community with ``enable_permission_group``; its
    owner and admins have every permission (GUESS, as their management rights)."""
    if group.group_type != COMMUNITY or not group.enable_permission_group:
        return
    if group.members[call.user].role in (OWNER, ADMIN):
        return
    is_topic = target != group.group_id
    bit = which[1] if is_topic else which[0]
    if not permissions(group, call.user, target if is_topic else None) & bit:
        where = f"topic {target!r}" if is_topic else f"community {target!r}"
        raise CallError(
            E.ERR_SVR_GROUP_PERMISSION_DENY,
            f"{call.user!r} may not {_PERMISSION_NAMES[which]} in {where} (permission groups)",
        )


# -- what members see of a group's history ----------------------------------------------------

#: The group types whose members see the history from before they joined. Source:
#: intl.cloud.tencent.com/document/product/1047/46310 ("Viewing message history earlier than
#: user's entry time": Work no, Public no, Meeting yes, Community yes, AVChatRoom no).
PRE_JOIN_HISTORY = frozenset((MEETING, COMMUNITY))


def history_floor(call: Call, group_id: str) -> int:
    """The last seq of ``group_id``'s history that the caller may not see: what was sent
    before they joined a Work or Public group (0: all of it)."""
    group = member_group(call, group_id)
    if group.group_type in PRE_JOIN_HISTORY:
        return 0
    return group.members[call.user].join_seq


def latest_seq(app: App, group: StoredGroup) -> int:
    """The seq of the last message stored in ``group``'s history (0: none)."""
    return len(app.store.messages(group_key(group.group_id)))


def _group_of(app: App, msg: StoredMessage) -> StoredGroup | None:
    community, is_topic, _ = msg.target.partition("@TOPIC#_")
    return state_of(app).groups.get(community if is_topic else msg.target)


def members(app: App, msg: StoredMessage) -> tuple[str, ...]:
    """Who is told about a change of the group message ``msg``: the group's members now."""
    group = _group_of(app, msg)
    return tuple(group.members) if group is not None else (msg.sender,)


def can_see(call: Call, msg: StoredMessage) -> bool:
    """Whether the caller is a member of ``msg``'s group and may see it (not sent before they
    joined a group without pre-join history)."""
    group = _group_of(call.app, msg)
    if group is None or call.user not in group.members:
        return False
    if group.group_type in PRE_JOIN_HISTORY:
        return True
    return msg.seq > group.members[call.user].join_seq


# -- receive option ---------------------------------------------------------------------------


def set_receive_option(call: Call, group_id: str, option: int) -> None:
    """The caller's receive option for ``group_id``, used by :func:`fan_out` (0 receive and
    notify, 1 do not receive, 2 receive without notification; TIMReceiveMessageOpt).
    Source: groups.md §6 "Receive option" (member only: 10010 / 10007)."""
    group = member_group(call, group_id)
    group.members[call.user].msg_flag = option
    state_of(call.app).save()


# -- revoke -----------------------------------------------------------------------------------

#: The revoke window of one's own group messages (2 minutes, as C2C). Source: tencent docs
#: 269/75326 (GUESS: the group window is the C2C one); beyond it 10031
#: ERR_SVR_GROUP_REVOKE_MSG_TIME_LIMIT (TIMErrorCode.h).
REVOKE_LIMIT_S = 120
_REVOKED = int(TIMMsgStatus.kTIMMsg_Revoked)


def find(call: Call, group_id: str, ref: Any) -> StoredMessage:
    """The message ``ref`` (a Message or MsgLocator JSON) of ``group_id``'s history, for a
    member who may see it; 10030 ERR_SVR_GROUP_REVOKE_MSG_NOT_FOUND (GUESS for lookups)."""
    member_group(call, group_id)
    msg = None
    if isinstance(ref, dict):
        msg_id = ref.get("message_msg_id")
        if isinstance(msg_id, str):
            msg = call.app.store.by_id.get(msg_id)
        seq = ref.get("message_seq", ref.get("message_locator_seq"))
        if msg is None and isinstance(seq, int) and seq > 0:
            msg = call.app.store.message_at(group_key(group_id), seq)
    if msg is None or msg.target != group_id or not can_see(call, msg):
        raise CallError(E.ERR_SVR_GROUP_REVOKE_MSG_NOT_FOUND, "the group message was not found")
    return msg


def revoke(call: Call, group_id: str, ref: Any) -> str:
    """Revoke a group message: the sender within :data:`REVOKE_LIMIT_S`, the owner and admins
    any member's message at any time (GUESS, as the REST admin_msgwithdraw; Work groups have no
    admins). Every member is told (``TIMSetMsgRevokeCallback``) and their conversation updated.
    """
    group = member_group(call, group_id)
    msg = find(call, group_id, ref)
    me = call.user
    manager = group.members[me].role in (OWNER, ADMIN) or may(call, group, group_id, REVOKE_OTHERS)
    if msg.sender != me and not manager:
        raise CallError(
            E.ERR_SVR_GROUP_PERMISSION_DENY, "only the sender, the owner or an admin may revoke"
        )
    if msg.status == _REVOKED:
        return ""
    if msg.sender == me and not manager and time.time() - msg.server_time > REVOKE_LIMIT_S:
        raise CallError(
            E.ERR_SVR_GROUP_REVOKE_MSG_TIME_LIMIT,
            f"the revoke window ({REVOKE_LIMIT_S} s after sending) is over",
        )
    msg.status, msg.revoker = _REVOKED, me
    reason = ref.get("message_revoke_reason") if isinstance(ref, dict) else None
    msg.revoke_reason = reason if isinstance(reason, str) else ""
    store = call.app.store
    store.changed(msg)
    for uid in group.members:
        conv = store.find_conversation(uid, GROUP, msg.target)
        if conv is not None and uid != me:
            recount(store, conv)
            store.conv_changed(conv)
        conn = call.app.online.get(uid)
        if conn is None:
            continue
        if uid != me:
            info = jsonshapes.revoke_info(msg, uid)
            conn.event("TIMSetMsgRevokeCallback", [orjson.dumps([info])])
        if conv is not None:
            conn.notify_conv(conv, _UPDATE)
            if uid != me:
                conn.notify_unread()
                report_unread(call.app, uid)
    return ""


# -- read receipts ----------------------------------------------------------------------------

#: Group receipts need a group of at most 200 members, not Community or AVChatRoom. Source:
#: trtc.io/document/48021 (messages.md §3.6). GUESS: refused with 10007.
RECEIPT_MAX_MEMBERS = 200


def _receipt_group(call: Call, msg: StoredMessage) -> StoredGroup:
    group = _group_of(call.app, msg)
    if group is None or call.user not in group.members:
        raise CallError(E.ERR_INVALID_PARAMETERS, "a message of json_msg_array was not found")
    if group.group_type in (COMMUNITY, AVCHATROOM) or len(group.members) > RECEIPT_MAX_MEMBERS:
        raise CallError(
            E.ERR_SVR_GROUP_PERMISSION_DENY,
            "group read receipts need a group of at most 200 members (not Community or AVChatRoom)",
        )
    return group


def receipt(app: App, msg: StoredMessage) -> dict[str, Any]:
    """A MessageReceipt (TIMMessageManager.h:2581-2595) of the group message ``msg``: how many
    of the members other than the sender read it."""
    group = _group_of(app, msg)
    readers = group.read_by.get(msg.msg_id, ()) if group is not None else ()
    others = [u for u in (group.members if group is not None else ()) if u != msg.sender]
    read = sum(1 for u in others if u in readers)
    return {
        "msg_receipt_conv_id": msg.target,
        "msg_receipt_conv_type": GROUP,
        "msg_receipt_msg_id": msg.msg_id,
        "msg_receipt_time_stamp": msg.server_time,
        "msg_receipt_is_peer_read": False,
        "msg_receipt_read_count": read,
        "msg_receipt_unread_count": len(others) - read,
    }


def send_receipts(call: Call, msgs: list[StoredMessage]) -> str:
    """``TIMMsgSendMessageReadReceipts`` for group messages: the caller read them. Each
    sender is told the new counts (``TIMSetMsgReadedReceiptCallback``, TIMMessageManager.h:683).
    Unread counts do not change (TIMMessageManager.h:1617)."""
    me = call.user
    groups = [_receipt_group(call, msg) for msg in msgs]
    for msg in msgs:
        if msg.sender == me or not msg.body.get("message_need_read_receipt"):
            raise CallError(
                E.ERR_INVALID_PARAMETERS,
                "receipts go only for received messages sent with need_read_receipt",
            )
    by_sender: dict[str, list[StoredMessage]] = {}
    for msg, group in zip(msgs, groups, strict=True):
        readers = group.read_by.setdefault(msg.msg_id, [])
        if me not in readers:
            readers.append(me)
            by_sender.setdefault(msg.sender, []).append(msg)
    if by_sender:
        state_of(call.app).save()
    for sender, fresh in by_sender.items():
        conn = call.app.online.get(sender)
        if conn is not None:
            payload = orjson.dumps([receipt(call.app, m) for m in fresh])
            conn.event("TIMSetMsgReadedReceiptCallback", [payload])
    return ""


def get_receipts(call: Call, msgs: list[StoredMessage]) -> bytes:
    """``TIMMsgGetMessageReadReceipts`` for group messages."""
    for msg in msgs:
        _receipt_group(call, msg)
    return orjson.dumps([receipt(call.app, m) for m in msgs])


def read_members(
    call: Call, msg: StoredMessage, unread: bool, next_seq: int, count: int
) -> tuple[list[str], int, bool]:
    """The members (but the sender) who read (``unread``: did not read) ``msg``, a page of
    ``count`` from position ``next_seq`` in join order: (user ids, next seq, finished)."""
    group = _receipt_group(call, msg)
    readers = group.read_by.get(msg.msg_id, [])
    if unread:
        users = [u for u in group.members if u != msg.sender and u not in readers]
    else:
        users = [u for u in readers if u in group.members and u != msg.sender]
    page = users[next_seq : next_seq + count]
    end = next_seq + len(page)
    return list(page), end, end >= len(users)
