"""Group messages: a send to a group, stored once in the group's conversation and delivered to
every member in one order (called by :mod:`.messages` for ``conv_type`` group), and the
fan-out that group tips (:mod:`.groups`) share.
"""

from __future__ import annotations

import time
from typing import Any

import orjson

from aiotim.enums import TIMConvEvent, TIMErrCode
from aiotim.loopback.cloud.app import App
from aiotim.loopback.cloud.groupstate import (
    AVCHATROOM,
    MEMBER,
    StoredGroup,
    group_key,
    state_of,
)
from aiotim.loopback.cloud.state import GROUP, StoredMessage
from aiotim.loopback.handlers._call import Call, CallError
from aiotim.loopback.handlers._compose import compose

__all__ = ["SYSTEM_SENDER", "fan_out", "history_key", "member_group", "send", "send_tips"]

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
    """The storage key of ``group_id``'s history, for a member (10010 / 10007 otherwise)."""
    member_group(call, group_id)
    return group_key(group_id)
