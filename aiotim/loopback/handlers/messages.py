"""The messages domain: sending (``TIMMsgSendMessage``, ``TIMMsgSendNewMsg``,
``TIMMsgSendNewMsgEx``), history (``TIMMsgGetMsgList``), read reports (``TIMMsgReportReaded``,
``TIMMsgMarkAllMessageAsRead``) and ``TIMMsgRevoke``. One-to-one conversations only so far.
"""

from __future__ import annotations

from typing import Any

import orjson

from aiotim.enums import TIMConvEvent, TIMErrCode, TIMMsgStatus
from aiotim.loopback.cloud import jsonshapes, views
from aiotim.loopback.cloud.state import C2C, GROUP, StoredMessage, c2c_key
from aiotim.loopback.handlers import group_messages
from aiotim.loopback.handlers._call import Call, CallError, HandlerTable
from aiotim.loopback.handlers._compose import check_param, compose, uint
from aiotim.loopback.handlers._reads import mark_read, recount

__all__ = ["HANDLERS"]

E = TIMErrCode
HANDLERS = HandlerTable()

_ADD = int(TIMConvEvent.kTIMConvEvent_Add)
_UPDATE = int(TIMConvEvent.kTIMConvEvent_Update)
_REVOKED = int(TIMMsgStatus.kTIMMsg_Revoked)
_DEFAULT_PAGE = 20
_MAX_PAGE = 10_000


def _conv_type(call: Call, conv_type: int) -> None:
    if conv_type == GROUP:
        raise CallError(
            E.ERR_SVR_GROUP_NOT_FOUND, "group not found (the loopback cloud has no groups yet)"
        )
    if conv_type != C2C:
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: bad conv_type {conv_type}")


def _send(call: Call, conv_id: str, conv_type: int, param: Any, msg_id: str) -> StoredMessage:
    if conv_type == GROUP:
        return group_messages.send(call, conv_id, check_param(call, conv_id, param), msg_id)
    if conv_type != C2C:
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: bad conv_type {conv_type}")
    param = check_param(call, conv_id, param)
    app, sender = call.app, call.user
    store = app.store
    msg, new = compose(
        call,
        conv_key=c2c_key(sender, conv_id),
        conv_type=C2C,
        target=conv_id,
        param=param,
        msg_id=msg_id,
    )
    if not new:
        return msg  # idempotent: the same message is never stored twice
    now = msg.server_time
    if param.get("message_is_online_msg") is True:
        # Online messages are neither stored nor counted; only a connected peer sees them.
        if conv_id != sender and conv_id in app.online:
            app.online[conv_id].notify_messages([msg])
        return msg
    store.append(msg)
    in_last = not param.get("message_excluded_from_last_message")
    counts = not param.get("message_is_excluded_from_unread_count")

    mine, created = store.conversation(sender, C2C, conv_id, msg.conv_key)
    if in_last:
        mine.last_seq, mine.active_time = msg.seq, now
    if conv_id == sender:  # a note to self: nobody else to tell
        mine.read_seq = msg.seq
    store.conv_changed(mine)
    call.conn.notify_conv(mine, _ADD if created else _UPDATE)
    if conv_id == sender:
        return msg

    theirs, created = store.conversation(conv_id, C2C, sender, msg.conv_key)
    if in_last:
        theirs.last_seq, theirs.active_time = msg.seq, now
    if counts:
        theirs.unread += 1
    store.conv_changed(theirs)
    peer = app.online.get(conv_id)
    if peer is None:
        store.inbox_push(conv_id, [msg])
    else:
        peer.notify_messages([msg])
        peer.notify_conv(theirs, _ADD if created else _UPDATE)
        if counts:
            peer.notify_unread()
    return msg


def _local_keys(param: Any) -> dict[str, Any]:
    if not isinstance(param, dict):
        return {}
    return {k: param[k] for k in jsonshapes.LOCAL_MESSAGE_KEYS if k in param}


def _sent_view(call: Call, msg: StoredMessage, param: Any) -> bytes:
    view = views.message_views(call.app.store, call.user, [msg], _local_keys(param))[0]
    return orjson.dumps(view)


@HANDLERS.on("TIMMsgSendMessage")
def _send_message(call: Call) -> bytes:
    param = call.json(2)
    msg = _send(call, call.text(0), call.integer(1), param, call.text(3, required=False))
    return _sent_view(call, msg, param)


@HANDLERS.on("TIMMsgSendNewMsg")
def _send_new_msg(call: Call) -> bytes:
    param = call.json(2)
    msg = _send(call, call.text(0), call.integer(1), param, "")
    return _sent_view(call, msg, param)


@HANDLERS.on("TIMMsgSendNewMsgEx")
def _send_new_msg_ex(call: Call) -> None:
    param = call.json(2)
    msg = _send(call, call.text(0), call.integer(1), param, "")
    # First callback: the message id, as soon as it is known; second: the result.
    call.conn.result(call.req_id, [0, "", msg.msg_id], slot=0, final=False)
    call.conn.result(call.req_id, [0, "", _sent_view(call, msg, param)], slot=1, final=True)


def _find_message(call: Call, conv_key: str, ref: Any) -> StoredMessage | None:
    if not isinstance(ref, dict):
        return None
    store = call.app.store
    msg_id = ref.get("message_msg_id")
    if isinstance(msg_id, str) and msg_id:
        msg = store.by_id.get(msg_id)
        return msg if msg is not None and msg.conv_key == conv_key else None
    seq = uint(ref.get("message_seq"), 64)
    if seq:
        msg = store.message_at(conv_key, seq)
        rand = uint(ref.get("message_rand"), 32)
        if msg is not None and (rand is None or msg.rand == rand):
            return msg
    return None


@HANDLERS.on("TIMMsgGetMsgList")
def _get_msg_list(call: Call) -> bytes:
    conv_id, conv_type, param = call.text(0), call.integer(1), call.json(2) or {}
    _conv_type(call, conv_type)
    if not isinstance(param, dict):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_get_msg_param is not an object")
    count = uint(param.get("msg_getmsglist_param_count"), 32) or _DEFAULT_PAGE
    count = min(count, _MAX_PAGE)
    forward = param.get("msg_getmsglist_param_is_forward") is True
    key = c2c_key(call.user, conv_id)
    history = call.app.store.messages(key)
    anchor_ref = param.get("msg_getmsglist_param_last_msg")
    anchor = _find_message(call, key, anchor_ref)
    if anchor is None and isinstance(anchor_ref, dict) and anchor_ref:
        raise CallError(E.ERR_INVALID_PARAMETERS, "msg_getmsglist_param_last_msg not found")
    types = param.get("msg_getmsglist_param_message_type_array") or []
    begin = uint(param.get("msg_getmsglist_param_time_begin"), 64)
    period = uint(param.get("msg_getmsglist_param_time_period"), 64)

    def wanted(m: StoredMessage) -> bool:
        if types and m.body["message_elem_array"][0].get("elem_type") not in types:
            return False
        if begin is not None and m.server_time < begin:
            return False
        return not (begin is not None and period and m.server_time > begin + period)

    # Backward (older): newest first, as the real SDK returns history; forward (newer):
    # oldest first. Either way the last element is the anchor for the next page.
    if forward:
        start = anchor.seq if anchor is not None else 0
        candidates = (history[i] for i in range(start, len(history)))
    else:
        stop = anchor.seq - 1 if anchor is not None else len(history)
        candidates = (history[i] for i in range(stop - 1, -1, -1))
    page: list[StoredMessage] = []
    for msg in candidates:
        if wanted(msg):
            page.append(msg)
            if len(page) >= count:
                break
    return orjson.dumps(views.message_views(call.app.store, call.user, page))


@HANDLERS.on("TIMMsgReportReaded")
def _report_readed(call: Call) -> str:
    conv_id, conv_type, param = call.text(0), call.integer(1), call.json(2)
    _conv_type(call, conv_type)
    conv = call.app.store.find_conversation(call.user, C2C, conv_id)
    if conv is None:
        raise CallError(E.ERR_INVALID_CONVERSATION, f"no conversation with {conv_id!r}")
    msg = _find_message(call, conv.conv_key, param)
    mark_read(call, conv, msg.seq if msg is not None else None)
    return ""


@HANDLERS.on("TIMMsgMarkAllMessageAsRead")
def _mark_all_read(call: Call) -> str:
    for conv in list(call.app.store.conversations(call.user)):
        if conv.unread:
            mark_read(call, conv, None)
    return ""


@HANDLERS.on("TIMMsgRevoke")
def _revoke(call: Call) -> str:
    conv_id, conv_type, param = call.text(0), call.integer(1), call.json(2)
    _conv_type(call, conv_type)
    app, me = call.app, call.user
    key = c2c_key(me, conv_id)
    msg = _find_message(call, key, param)
    if msg is None:
        raise CallError(E.ERR_INVALID_PARAMETERS, "the message to revoke was not found")
    if msg.sender != me:
        raise CallError(E.ERR_SDK_INVALID_OPERATION, "only the sender can revoke a message")
    if msg.status == _REVOKED:
        return ""
    msg.status, msg.revoker = _REVOKED, me
    reason = param.get("message_revoke_reason") if isinstance(param, dict) else None
    msg.revoke_reason = reason if isinstance(reason, str) else ""
    app.store.changed(msg)
    for owner, other in ((me, conv_id), (conv_id, me)):
        conv = app.store.find_conversation(owner, C2C, other)
        if conv is None:
            continue
        if owner != me:
            recount(app.store, conv)
            app.store.conv_changed(conv)
        conn = app.online.get(owner)
        if conn is None:
            continue
        if owner != me:
            info = jsonshapes.revoke_info(msg, owner)
            conn.event("TIMSetMsgRevokeCallback", [orjson.dumps([info])])
        if conv.last_seq == msg.seq or owner != me:
            conn.notify_conv(conv, _UPDATE)
        if owner != me:
            conn.notify_unread()
    return ""
