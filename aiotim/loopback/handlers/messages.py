"""The messages domain: sending (``TIMMsgSendMessage``, ``TIMMsgSendNewMsg``,
``TIMMsgSendNewMsgEx``), history (``TIMMsgGetMsgList``), read reports (``TIMMsgReportReaded``,
``TIMMsgMarkAllMessageAsRead``), ``TIMMsgRevoke`` (2-minute window), ``TIMMsgModifyMessage``,
deletes (``TIMMsgDelete``, ``TIMMsgListDelete``, ``TIMMsgClearHistoryMessage``),
``TIMMsgFindMessages``, search (``TIMMsgSearchLocalMessages``, ``TIMMsgSearchCloudMessages``)
and C2C read receipts (``TIMMsgSendMessageReadReceipts``, ``TIMMsgGetMessageReadReceipts``).
One-to-one conversations (groups: :mod:`.group_messages`).
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass, field
from typing import Any

import orjson

from aiotim.enums import TIMConvEvent, TIMErrCode, TIMMsgStatus
from aiotim.loopback.cloud import jsonshapes, kvstate, peoplestate, views
from aiotim.loopback.cloud.app import App
from aiotim.loopback.cloud.state import C2C, GROUP, StoredMessage, c2c_key
from aiotim.loopback.handlers import group_messages, session
from aiotim.loopback.handlers._call import Call, CallError, HandlerTable, saving
from aiotim.loopback.handlers._compose import check_param, compose, uint
from aiotim.loopback.handlers._reads import mark_read, recount, report_unread

__all__ = ["HANDLERS"]

E = TIMErrCode
HANDLERS = HandlerTable()

_ADD = int(TIMConvEvent.kTIMConvEvent_Add)
_UPDATE = int(TIMConvEvent.kTIMConvEvent_Update)
_REVOKED = int(TIMMsgStatus.kTIMMsg_Revoked)
_DELETED = int(TIMMsgStatus.kTIMMsg_Deleted)
_DEFAULT_PAGE = 20
_MAX_PAGE = 10_000
#: Revoke window in seconds. Source: TIMMessageManager.h:1217-1222, 269/75337 (2 minutes by
#: default; console-configurable, so tests may change it).
REVOKE_LIMIT_S = 120


def _conv_type(call: Call, conv_type: int) -> None:
    if conv_type == GROUP:
        raise CallError(
            E.ERR_SDK_INTERFACE_NOT_SUPPORT,
            f"{call.fn.name} on a group conversation is not supported by the loopback cloud "
            "(one-to-one conversations only)",
        )
    if conv_type != C2C:
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: bad conv_type {conv_type}")


def _send(call: Call, conv_id: str, conv_type: int, param: Any, msg_id: str) -> StoredMessage:
    if conv_type == GROUP:
        return group_messages.send(call, conv_id, check_param(call, conv_id, param), msg_id)
    if conv_type != C2C:
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: bad conv_type {conv_type}")
    param = check_param(call, conv_id, param)
    if (why := session.invalid_user_id(conv_id)) is not None:
        # Source: TIMErrorCode.h:299 ERR_SVR_MSG_INVALID_ID (20003): the identifier is invalid
        raise CallError(E.ERR_SVR_MSG_INVALID_ID, f"{call.fn.name}: receiver: {why}")
    app, sender = call.app, call.user
    # A receiver who blocked the sender: 20007 (the real default is a silent drop; see
    # peoplestate.BLOCKED_SEND_FAILS).
    if (refusal := peoplestate.c2c_refusal(app, sender, conv_id)) is not None:
        raise CallError(*refusal)
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
            report_unread(app, conv_id)  # TIMConvSubscribeUnreadMessageCountByFilter
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
    call.conn.result(call.req_id, [0, "", msg.msg_id], slot=0, final=False, may_wait=True)
    view = _sent_view(call, msg, param)
    call.conn.result(call.req_id, [0, "", view], slot=1, final=True, may_wait=True)


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
    if conv_type != GROUP:
        _conv_type(call, conv_type)
    if not isinstance(param, dict):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_get_msg_param is not an object")
    count = uint(param.get("msg_getmsglist_param_count"), 32) or _DEFAULT_PAGE
    count = min(count, _MAX_PAGE)
    forward = param.get("msg_getmsglist_param_is_forward") is True
    if conv_type == GROUP:  # the group's one history, members only
        key = group_messages.history_key(call, conv_id)
    else:
        key = c2c_key(call.user, conv_id)
    history = call.app.store.messages(key)
    anchor_ref = param.get("msg_getmsglist_param_last_msg")
    anchor = _find_message(call, key, anchor_ref)
    if anchor is None and isinstance(anchor_ref, dict) and anchor_ref:
        raise CallError(E.ERR_INVALID_PARAMETERS, "msg_getmsglist_param_last_msg not found")
    types = param.get("msg_getmsglist_param_message_type_array") or []
    begin = uint(param.get("msg_getmsglist_param_time_begin"), 64)
    period = uint(param.get("msg_getmsglist_param_time_period"), 64)

    me = call.user
    mine = call.app.store.find_conversation(me, C2C, conv_id)
    cleared = mine.cleared_seq if mine is not None else 0
    if conv_type == GROUP:  # Work/Public: nothing from before one joined
        cleared = max(cleared, group_messages.history_floor(call, conv_id))

    def wanted(m: StoredMessage) -> bool:
        if m.seq <= cleared or me in m.deleted_for:
            return False
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
    if conv_type == GROUP:
        return group_messages.revoke(call, conv_id, param)
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
    if time.time() - msg.server_time > REVOKE_LIMIT_S:
        # Source: TIMErrorCode.h:308 ERR_SVR_MSG_REVOKE_TIME_LIMIT (C2C)
        raise CallError(
            E.ERR_SVR_MSG_REVOKE_TIME_LIMIT,
            f"the revoke window ({REVOKE_LIMIT_S} s after sending) is over",
        )
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


# -- modify, delete, find, search, receipts -----------------------------------------------------

_MODIFIABLE = frozenset((0, 3, 6, 7))  # Source: TIMMessageManager.h:1260-1262, 269/75327


def _participants(msg: StoredMessage, app: App | None = None) -> tuple[str, ...]:
    if msg.conv_type == GROUP and app is not None:  # the group's members
        return group_messages.members(app, msg)
    return (msg.sender, msg.target) if msg.conv_type == C2C else (msg.sender,)


def _visible(call: Call, msg_id: Any) -> StoredMessage | None:
    """The stored message ``msg_id`` if the caller takes part in its conversation."""
    if not isinstance(msg_id, str):
        return None
    msg = call.app.store.by_id.get(msg_id)
    if msg is not None and msg.conv_type == GROUP:
        return msg if group_messages.can_see(call, msg) else None
    if msg is None or msg.conv_type != C2C or call.user not in _participants(msg):
        return None
    return msg


def _view(call: Call, msg: StoredMessage, viewer: str | None = None) -> dict[str, Any]:
    who = call.user if viewer is None else viewer
    view = views.message_views(call.app.store, who, [msg])[0]
    if who in msg.deleted_for:
        view["message_status"] = _DELETED
    return view


@HANDLERS.on("TIMMsgModifyMessage")
def _modify(call: Call) -> bytes | None:
    param = call.json(0)
    if not isinstance(param, dict):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_msg_param is not an object")
    msg = _visible(call, param.get("message_msg_id"))
    if msg is None:
        raise CallError(E.ERR_INVALID_PARAMETERS, "the message to modify was not found")
    if msg.status == _REVOKED:
        raise CallError(E.ERR_SDK_INVALID_OPERATION, "a revoked message cannot be modified")
    version = param.get("message_version", msg.version)
    if version != msg.version:
        # Source: TIMMessageManager.h:1262: on a conflict json_params is the latest message
        call.reply(
            E.ERR_SDK_MSG_MODIFY_CONFLICT,
            "the message was modified by someone else since this copy",
            orjson.dumps(_view(call, msg)),
        )
        return None
    elems = param.get("message_elem_array")
    if elems is not None and elems != msg.body.get("message_elem_array"):
        old = msg.body.get("message_elem_array") or []
        if (
            not isinstance(elems, list)
            or not elems
            or not all(isinstance(e, dict) and e.get("elem_type") in _MODIFIABLE for e in elems)
            or not all(e.get("elem_type") in _MODIFIABLE for e in old)
        ):
            raise CallError(
                E.ERR_INVALID_PARAMETERS,
                "only text, custom, face and location elements can be modified",
            )
        msg.body["message_elem_array"] = elems
    custom = param.get("message_cloud_custom_str")
    if isinstance(custom, str):
        msg.body["message_cloud_custom_str"] = custom
    msg.version += 1
    call.app.store.changed(msg)
    # Source: TIMMessageManager.h:1260: the modifier and the peer are both told
    for user in dict.fromkeys(_participants(msg, call.app)):
        conn = call.app.online.get(user)
        if conn is not None:
            conn.event("TIMSetMsgUpdateCallback", [orjson.dumps([_view(call, msg, user)])])
    return orjson.dumps(_view(call, msg))


def _delete_for(call: Call, msgs: list[StoredMessage]) -> None:
    me = call.user
    for msg in msgs:
        if me not in msg.deleted_for:
            msg.deleted_for.append(me)
            call.app.store.changed(msg)
    conv = None
    if msgs:
        m = msgs[0]
        conv = call.app.store.find_conversation(me, C2C, m.target if m.sender == me else m.sender)
    if conv is not None and any(m.seq == conv.last_seq for m in msgs):
        alive = [m for m in call.app.store.messages(conv.conv_key) if me not in m.deleted_for]
        conv.last_seq = alive[-1].seq if alive else 0
        call.app.store.conv_changed(conv)
        call.conn.notify_conv(conv, _UPDATE)


def _refs(call: Call, conv_id: str, items: Any) -> list[StoredMessage]:
    key = c2c_key(call.user, conv_id)
    found = []
    for ref in items if isinstance(items, list) else []:
        msg = _find_message(call, key, ref)
        if msg is None:
            raise CallError(E.ERR_INVALID_PARAMETERS, "a message to delete was not found")
        found.append(msg)
    return found


@HANDLERS.on("TIMMsgDelete")
def _delete(call: Call) -> str:
    conv_id, conv_type, param = call.text(0), call.integer(1), call.json(2)
    _conv_type(call, conv_type)
    ref = param.get("msg_delete_param_msg") if isinstance(param, dict) else None
    _delete_for(call, _refs(call, conv_id, [ref]))
    return ""


@HANDLERS.on("TIMMsgListDelete")
def _list_delete(call: Call) -> str:
    conv_id, conv_type, items = call.text(0), call.integer(1), call.json(2)
    _conv_type(call, conv_type)
    if not isinstance(items, list) or not items:
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_msg_array must be a non-empty array")
    if len(items) > 50:  # Source: TIMMessageManager.h:1330-1335 (≤ 50 per call)
        raise CallError(E.ERR_INVALID_PARAMETERS, "at most 50 messages per TIMMsgListDelete")
    _delete_for(call, _refs(call, conv_id, items))
    return ""


@HANDLERS.on("TIMMsgClearHistoryMessage")
def _clear_history(call: Call) -> str:
    conv_id, conv_type = call.text(0), call.integer(1)
    _conv_type(call, conv_type)
    store = call.app.store
    conv = store.find_conversation(call.user, C2C, conv_id)
    if conv is None:
        raise CallError(E.ERR_INVALID_CONVERSATION, f"no conversation with {conv_id!r}")
    history = store.messages(conv.conv_key)
    # GUESS: like V2 clearC2CHistoryMessage: local and roaming, the conversation stays.
    conv.cleared_seq = len(history)
    conv.read_seq = max(conv.read_seq, len(history))
    conv.last_seq = 0
    had_unread, conv.unread = conv.unread, 0
    store.conv_changed(conv)
    call.conn.notify_conv(conv, _UPDATE)
    if had_unread:
        call.conn.notify_unread()
    return ""


@HANDLERS.on("TIMMsgFindMessages")
def _find_messages(call: Call) -> bytes:
    ids = call.json(0)
    if not isinstance(ids, list):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_message_id_array is not an array")
    found = [msg for msg in (_visible(call, i) for i in ids) if msg is not None]
    return orjson.dumps([_view(call, m) for m in found])


def _searchable_text(msg: StoredMessage) -> str:
    # GUESS: text content, custom description/extension/data, file names are searched.
    parts = []
    for e in msg.body.get("message_elem_array") or []:
        for key in (
            "text_elem_content",
            "custom_elem_data",
            "custom_elem_desc",
            "custom_elem_ext",
            "file_elem_file_name",
            "location_elem_desc",
        ):
            value = e.get(key)
            if isinstance(value, str):
                parts.append(value)
    return "\n".join(parts).casefold()


def _search(call: Call, cloud: bool) -> bytes:
    param = call.json(0)
    if not isinstance(param, dict):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_search_message_param is not an object")
    keywords = [k.casefold() for k in param.get("msg_search_param_keyword_array") or []]
    senders = param.get("msg_search_param_send_identifier_array") or []
    types = param.get("msg_search_param_message_type_array") or []
    if not keywords and not senders and not types:
        raise CallError(E.ERR_INVALID_PARAMETERS, "give keywords, senders or message types")
    if len(keywords) > 5 or len(senders) > 5:  # Source: 269/115824
        raise CallError(E.ERR_INVALID_PARAMETERS, "at most 5 keywords and 5 senders")
    match_all = param.get("msg_search_param_keyword_list_match_type") == 1
    conv_id = param.get("msg_search_param_conv_id") or ""
    position = uint(param.get("msg_search_param_search_time_position"), 64) or 0
    period = uint(param.get("msg_search_param_search_time_period"), 64) or 0
    me, store = call.user, call.app.store

    def matches(m: StoredMessage) -> bool:
        if m.status == _REVOKED or me in m.deleted_for:  # Source: TIMMessageManager.h:1538
            return False
        if senders and m.sender not in senders:
            return False
        elem_types = [e.get("elem_type") for e in m.body.get("message_elem_array") or []]
        if types and not any(t in types for t in elem_types):
            return False
        if position and m.server_time > position:
            return False
        if period and m.server_time < (position or int(time.time())) - period:
            return False
        if keywords:
            text = _searchable_text(m)
            hits = [k in text for k in keywords]
            return all(hits) if match_all else any(hits)
        return True

    items = []
    total = 0
    for conv in sorted(store.conversations(me), key=lambda c: -c.active_time):
        if conv.conv_type not in (C2C, GROUP) or (conv_id and conv.conv_id != conv_id):
            continue
        found = [
            m
            for m in store.messages(conv.conv_key)
            if m.seq > conv.cleared_seq
            and matches(m)
            and (m.conv_type == C2C or group_messages.can_see(call, m))
        ]
        if not found:
            continue
        found.reverse()  # newest first
        items.append((conv, found))
        total += len(found) if conv_id else 1
    if not cloud and conv_id:
        size = uint(param.get("msg_search_param_page_size"), 32) or 0
        index = uint(param.get("msg_search_param_page_index"), 32) or 0
        if size and items:
            conv, found = items[0]
            items = [(conv, found[index * size : (index + 1) * size])]
    cursor = ""
    if cloud and conv_id and items:
        count = min(uint(param.get("msg_search_param_search_count"), 32) or 100, 100)
        start_text = param.get("msg_search_param_search_cursor") or "0"
        start = int(start_text) if str(start_text).isdecimal() else 0
        conv, found = items[0]
        if start + count < len(found):
            cursor = str(start + count)
        items = [(conv, found[start : start + count])]
    out = []
    for conv, found in items:
        shown = found if conv_id or len(found) == 1 else []  # Source: TIMMessageManager.h:2512
        out.append(
            {
                "msg_search_result_item_conv_id": conv.conv_id,
                "msg_search_result_item_conv_type": conv.conv_type,
                "msg_search_result_item_total_message_count": len(found),
                "msg_search_result_item_message_array": [_view(call, m) for m in shown],
            }
        )
    result: dict[str, Any] = {
        "msg_search_result_total_count": total,
        "msg_search_result_item_array": out,
    }
    if cloud:
        result["msg_search_result_search_cursor"] = cursor
    return orjson.dumps(result)


@HANDLERS.on("TIMMsgSearchLocalMessages")
def _search_local(call: Call) -> bytes:
    return _search(call, cloud=False)


@HANDLERS.on("TIMMsgSearchCloudMessages")
def _search_cloud(call: Call) -> bytes:
    return _search(call, cloud=True)


def _receipt_msgs(call: Call) -> list[StoredMessage]:
    items = call.json(0)
    if not isinstance(items, list) or not items:
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_msg_array must be a non-empty array")
    msgs = []
    for item in items:
        msg = _visible(call, item.get("message_msg_id") if isinstance(item, dict) else None)
        if msg is None:
            raise CallError(E.ERR_INVALID_PARAMETERS, "a message of json_msg_array was not found")
        msgs.append(msg)
    if len({m.conv_key for m in msgs}) > 1:  # Source: TIMMessageManager.h:1637
        raise CallError(E.ERR_INVALID_PARAMETERS, "messages of one conversation only")
    return msgs


def _receipt(msg: StoredMessage, viewer: str) -> dict[str, Any]:
    return {
        "msg_receipt_conv_id": msg.target if msg.sender == viewer else msg.sender,
        "msg_receipt_conv_type": msg.conv_type,
        "msg_receipt_msg_id": msg.msg_id,
        "msg_receipt_time_stamp": msg.server_time,
        "msg_receipt_is_peer_read": msg.receipt_read,
        "msg_receipt_read_count": 1 if msg.receipt_read else 0,
        "msg_receipt_unread_count": 0 if msg.receipt_read else 1,
    }


@HANDLERS.on("TIMMsgSendMessageReadReceipts")
def _send_receipts(call: Call) -> str:
    msgs = _receipt_msgs(call)
    if msgs[0].conv_type == GROUP:
        return group_messages.send_receipts(call, msgs)
    for msg in msgs:
        if msg.sender == call.user or not msg.body.get("message_need_read_receipt"):
            raise CallError(
                E.ERR_INVALID_PARAMETERS,
                "receipts go only for received messages sent with need_read_receipt",
            )
    fresh = [m for m in msgs if not m.receipt_read]
    for msg in fresh:
        msg.receipt_read = True
        call.app.store.changed(msg)
    if fresh:
        sender = fresh[0].sender
        conn = call.app.online.get(sender)
        if conn is not None:
            # Source: TIMMessageManager.h:683-687: the message sender gets the receipts
            receipts = [_receipt(m, sender) for m in fresh]
            conn.event("TIMSetMsgReadedReceiptCallback", [orjson.dumps(receipts)])
    return ""


@HANDLERS.on("TIMMsgGetMessageReadReceipts")
def _get_receipts(call: Call) -> bytes:
    msgs = _receipt_msgs(call)
    if msgs[0].conv_type == GROUP:
        return group_messages.get_receipts(call, msgs)
    return orjson.dumps([_receipt(m, call.user) for m in msgs])


# -- batch send, cancel, locators -------------------------------------------------------------

_MAX_BATCH = 500  # GUESS: the REST batchsendmsg limit (SVC)


@HANDLERS.on("TIMMsgBatchSend")
def _batch_send(call: Call) -> bytes:
    param = call.json(0)
    if not isinstance(param, dict):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_batch_send_param is not an object")
    users = param.get("msg_batch_send_param_identifier_array")
    msg = param.get("msg_batch_send_param_msg")
    if not isinstance(users, list) or not users or not all(isinstance(u, str) for u in users):
        raise CallError(E.ERR_INVALID_PARAMETERS, "msg_batch_send_param_identifier_array is empty")
    if len(users) > _MAX_BATCH:
        raise CallError(E.ERR_INVALID_PARAMETERS, f"at most {_MAX_BATCH} receivers")
    out = []
    for user in users:
        item: dict[str, Any] = {"msg_batch_send_result_identifier": user}
        try:
            one = dict(msg) if isinstance(msg, dict) else msg
            if isinstance(one, dict):
                one.pop("message_msg_id", None)  # one message per receiver
            stored = _send(call, user, C2C, one, "")
        except CallError as exc:
            item.update(msg_batch_send_result_code=exc.code, msg_batch_send_result_desc=exc.desc)
        else:
            item.update(
                msg_batch_send_result_code=0,
                msg_batch_send_result_desc="",
                msg_batch_send_result_msg=_view(call, stored),
            )
        out.append(item)
    return orjson.dumps(out)


@HANDLERS.on("TIMMsgCancelSend")
def _cancel_send(call: Call) -> str:
    # A send still uploading its files is cancelled by the SDK itself (PROTOCOL.md "Media");
    # what reaches the cloud is sent already or unknown.
    # Source: TIMErrorCode.h:82 ERR_SDK_INVALID_CANCEL_MESSAGE (not found / already sent)
    raise CallError(E.ERR_SDK_INVALID_CANCEL_MESSAGE, "the message is not being sent")


@HANDLERS.on("TIMMsgFindByMsgLocatorList")
def _find_by_locators(call: Call) -> bytes:
    conv_id, conv_type, items = call.text(0), call.integer(1), call.json(2)
    _conv_type(call, conv_type)
    if not isinstance(items, list):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_msg_Locator_array is not an array")
    key = c2c_key(call.user, conv_id)
    found = []
    for loc in items:
        if not isinstance(loc, dict):
            continue
        msg = call.app.store.message_at(key, uint(loc.get("message_locator_seq"), 64) or 0)
        rand = uint(loc.get("message_locator_rand"), 32)
        if msg is not None and (rand is None or msg.rand == rand):
            found.append(_view(call, msg))
    return orjson.dumps(found)


# -- receive options (Source: TIMMessageManager.h:971-1141) -----------------------------------


@dataclass
class _ReceiveOpts:
    c2c: dict[tuple[str, str], int] = field(default_factory=dict)
    group: dict[tuple[str, str], int] = field(default_factory=dict)
    all: dict[str, dict[str, int]] = field(default_factory=dict)


_OPTS: weakref.WeakKeyDictionary[App, _ReceiveOpts] = weakref.WeakKeyDictionary()


def _opts(app: App) -> _ReceiveOpts:
    state = _OPTS.get(app)
    if state is None:
        state = _OPTS[app] = _ReceiveOpts()
        doc = kvstate.load(app, "receive_options")  # with db=: what an earlier cloud kept
        if isinstance(doc, dict):
            state.c2c = {(u, p): o for u, p, o in doc.get("c2c", [])}
            state.group = {(u, g): o for u, g, o in doc.get("group", [])}
            state.all = doc.get("all", {})
    return state


def _save_opts(app: App) -> None:
    state = _opts(app)
    kvstate.save(
        app,
        "receive_options",
        {
            "c2c": [[u, p, o] for (u, p), o in state.c2c.items()],
            "group": [[u, g, o] for (u, g), o in state.group.items()],
            "all": state.all,
        },
    )


def _save_opts_and_extras(app: App) -> None:
    _save_opts(app)
    _save_extras(app)


#: write the receive options, extensions and reactions after the handler (with db=)
_persisted = saving(_save_opts_and_extras)


def _opt(call: Call, index: int, *, allowed: tuple[int, ...] = (0, 1, 2, 3)) -> int:
    value = call.integer(index)
    if value not in allowed:
        raise CallError(E.ERR_INVALID_PARAMETERS, f"bad receive option {value}")
    return value


@HANDLERS.on("TIMMsgSetC2CReceiveMessageOpt")
@_persisted
def _set_c2c_opt(call: Call) -> str:
    users = call.json(0)
    if not isinstance(users, list) or not users or not all(isinstance(u, str) for u in users):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_identifier_array is empty")
    if len(users) > 30:  # Source: TIMMessageManager.h:984
        raise CallError(E.ERR_INVALID_PARAMETERS, "at most 30 users per call")
    opt = _opt(call, 1)
    state = _opts(call.app)
    for user in users:
        state.c2c[(call.user, user)] = opt
    return ""


@HANDLERS.on("TIMMsgGetC2CReceiveMessageOpt")
def _get_c2c_opt(call: Call) -> bytes:
    users = call.json(0)
    if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_identifier_array is not an array")
    state = _opts(call.app)
    return orjson.dumps(
        [
            {
                "msg_recv_msg_opt_result_identifier": u,
                "msg_recv_msg_opt_result_opt": state.c2c.get((call.user, u), 0),
            }
            for u in users
        ]
    )


@HANDLERS.on("TIMMsgSetGroupReceiveMessageOpt")
@_persisted
def _set_group_opt(call: Call) -> str:
    group_id = call.text(0)
    group_messages.set_receive_option(call, group_id, _opt(call, 1))  # what fan_out honours
    _opts(call.app).group[(call.user, group_id)] = _opt(call, 1)
    return ""


def _all_opt_info(call: Call, info: dict[str, int]) -> str:
    _opts(call.app).all[call.user] = info
    conn = call.app.online.get(call.user)
    if conn is not None:  # Source: TIMMessageManager.h:624 (to the user's devices)
        conn.event("TIMSetMsgAllMessageReceiveOptionCallback", [orjson.dumps(info)])
    return ""


def _all_opt(call: Call) -> int:
    # Source: TIMMessageManager.h:2566 (Receive / Not_Notify / Not_Notify_Except_At only)
    return _opt(call, 0, allowed=(0, 2, 3))


@HANDLERS.on("TIMMsgSetAllReceiveMessageOpt")
@_persisted
def _set_all_opt(call: Call) -> str:
    opt = _all_opt(call)
    hour, minute, second = call.integer(1), call.integer(2), call.integer(3)
    if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= second < 60):
        raise CallError(E.ERR_INVALID_PARAMETERS, "start time out of range")
    return _all_opt_info(
        call,
        {
            "msg_all_recv_msg_opt_level": opt,
            "msg_all_recv_msg_opt_start_hour": hour,
            "msg_all_recv_msg_opt_start_minute": minute,
            "msg_all_recv_msg_opt_start_second": second,
            "msg_all_recv_msg_opt_start_time_stamp": 0,
            "msg_all_recv_msg_duration": call.integer(4),
        },
    )


@HANDLERS.on("TIMMsgSetAllReceiveMessageOpt2")
@_persisted
def _set_all_opt2(call: Call) -> str:
    return _all_opt_info(
        call,
        {
            "msg_all_recv_msg_opt_level": _all_opt(call),
            "msg_all_recv_msg_opt_start_hour": 0,
            "msg_all_recv_msg_opt_start_minute": 0,
            "msg_all_recv_msg_opt_start_second": 0,
            "msg_all_recv_msg_opt_start_time_stamp": call.integer(1),
            "msg_all_recv_msg_duration": call.integer(2),
        },
    )


@HANDLERS.on("TIMMsgGetAllReceiveMessageOpt")
def _get_all_opt(call: Call) -> bytes:
    info = _opts(call.app).all.get(call.user)
    # GUESS (TIMMessageManager.h:1118-1139 shows an array; BIN has the plain keys): one object
    return orjson.dumps(info or {"msg_all_recv_msg_opt_level": 0, "msg_all_recv_msg_duration": 0})


# -- extensions and reactions (C2C; Source: TIMMessageManager.h:1703-1957) ----------------------


@dataclass
class _MessageExtras:
    extensions: dict[str, dict[str, str]] = field(default_factory=dict)
    #: msg id -> reaction id -> users, in order of reaction
    reactions: dict[str, dict[str, list[str]]] = field(default_factory=dict)


_EXTRAS: weakref.WeakKeyDictionary[App, _MessageExtras] = weakref.WeakKeyDictionary()


def _extras(app: App) -> _MessageExtras:
    state = _EXTRAS.get(app)
    if state is None:
        state = _EXTRAS[app] = _MessageExtras()
        doc = kvstate.load(app, "message_extras")  # with db=: what an earlier cloud kept
        if isinstance(doc, dict):
            state.extensions = doc.get("extensions", {})
            state.reactions = doc.get("reactions", {})
    return state


def _save_extras(app: App) -> None:
    state = _extras(app)
    kvstate.save(
        app, "message_extras", {"extensions": state.extensions, "reactions": state.reactions}
    )


def _target(call: Call, index: int) -> StoredMessage:
    ref = call.json(index)
    msg = _visible(call, ref.get("message_msg_id") if isinstance(ref, dict) else None)
    if msg is None:
        raise CallError(E.ERR_INVALID_PARAMETERS, "the message was not found")
    return msg


def _tell_participants(call: Call, msg: StoredMessage, setter: str, fields: list[Any]) -> None:
    for user in dict.fromkeys(_participants(msg, call.app)):  # GUESS: self included
        conn = call.app.online.get(user)
        if conn is not None:
            conn.event(setter, fields)


def _ext_items(ext: dict[str, str]) -> list[dict[str, str]]:
    return [{"message_extension_key": k, "message_extension_value": v} for k, v in ext.items()]


def _ext_result(key: str, value: str) -> dict[str, object]:
    """One successful item of a set/delete extensions result."""
    return {
        "message_extension_result_code": 0,
        "message_extension_result_info": "",
        "message_extension_item": {"message_extension_key": key, "message_extension_value": value},
    }


@HANDLERS.on("TIMMsgSetMessageExtensions")
@_persisted
def _set_extensions(call: Call) -> bytes:
    msg = _target(call, 0)
    if not msg.body.get("message_support_message_extension"):
        raise CallError(E.ERR_SDK_INVALID_OPERATION, "the message was sent without extensions")
    items = call.json(1)
    if not isinstance(items, list) or not items or len(items) > 20:
        raise CallError(E.ERR_INVALID_PARAMETERS, "1 to 20 extensions per call")
    ext = _extras(call.app).extensions.setdefault(msg.msg_id, {})
    changed: dict[str, str] = {}
    out = []
    for item in items:
        key = item.get("message_extension_key") if isinstance(item, dict) else None
        value = item.get("message_extension_value", "") if isinstance(item, dict) else None
        if not isinstance(key, str) or not key or len(key.encode()) > 100:
            raise CallError(E.ERR_INVALID_PARAMETERS, "an extension key is 1 to 100 bytes")
        if not isinstance(value, str) or len(value.encode()) > 1024:
            raise CallError(E.ERR_INVALID_PARAMETERS, "an extension value is at most 1 KB")
        if key not in ext and len(ext) >= 300:
            raise CallError(E.ERR_INVALID_PARAMETERS, "at most 300 extensions per message")
        ext[key] = changed[key] = value
        out.append(_ext_result(key, value))
    _tell_participants(
        call,
        msg,
        "TIMSetMsgExtensionsChangedCallback",
        [msg.msg_id.encode(), orjson.dumps(_ext_items(changed))],
    )
    return orjson.dumps(out)


@HANDLERS.on("TIMMsgGetMessageExtensions")
def _get_extensions(call: Call) -> bytes:
    msg = _target(call, 0)
    return orjson.dumps(_ext_items(_extras(call.app).extensions.get(msg.msg_id, {})))


@HANDLERS.on("TIMMsgDeleteMessageExtensions")
@_persisted
def _delete_extensions(call: Call) -> bytes:
    msg = _target(call, 0)
    keys = call.json(1) or []
    if not isinstance(keys, list) or len(keys) > 20:
        raise CallError(E.ERR_INVALID_PARAMETERS, "at most 20 keys per call")
    ext = _extras(call.app).extensions.setdefault(msg.msg_id, {})
    keys = keys or list(ext)
    for key in keys:
        if key not in ext:  # Source: TIMErrorCode.h:311
            raise CallError(E.ERR_SVR_MSG_EXTENSION_NOT_EXIST, f"no extension {key!r}")
    out = []
    for key in keys:
        value = ext.pop(key)
        out.append(_ext_result(key, value))
    _tell_participants(
        call,
        msg,
        "TIMSetMsgExtensionsDeletedCallback",
        [msg.msg_id.encode(), orjson.dumps([{"message_extension_key": k} for k in keys])],
    )
    return orjson.dumps(out)


def _reaction_view(reaction_id: str, users: list[str], me: str, limit: int) -> dict[str, Any]:
    return {
        "message_reaction_id": reaction_id,
        "message_reaction_total_user_count": len(users),
        "message_reaction_partial_user_info_array": [
            {"user_profile_identifier": u} for u in users[:limit]
        ],
        "message_reaction_reacted_by_myself": me in users,
    }


def _react(call: Call, add: bool) -> str:
    msg = _target(call, 0)
    reaction_id = call.text(1)
    if not reaction_id:
        raise CallError(E.ERR_INVALID_PARAMETERS, "reaction_id is empty")
    reactions = _extras(call.app).reactions.setdefault(msg.msg_id, {})
    users = reactions.get(reaction_id)
    me = call.user
    # Source: TIMMessageManager.h:1886-1890, 1912-1913; TIMErrorCode.h:312-316
    if add:
        if users is None and len(reactions) >= 10:
            raise CallError(E.ERR_SVR_MSG_REACTION_COUNT_LIMIT, "at most 10 reactions")
        users = reactions.setdefault(reaction_id, [])
        if me in users:
            raise CallError(E.ERR_SVR_MSG_REACTION_ALREADY_CONTAIN_USER, "already reacted")
        if len(users) >= 100:
            raise CallError(E.ERR_SVR_MSG_REACTION_USER_COUNT_LIMIT, "at most 100 users")
        users.append(me)
    else:
        if users is None:
            raise CallError(E.ERR_SVR_MSG_REACTION_NOT_EXISTS, "no such reaction")
        if me not in users:
            raise CallError(E.ERR_SVR_MSG_REACTION_NOT_CONTAIN_USER, "you did not react")
        users.remove(me)
        if not users:
            del reactions[reaction_id]
    current = reactions.get(reaction_id, [])
    for user in dict.fromkeys(_participants(msg, call.app)):
        conn = call.app.online.get(user)
        if conn is not None:  # incremental; a total of 0: removed
            change = {
                "message_reaction_change_info_msg_id": msg.msg_id,
                "message_reaction_change_info_reaction_list": [
                    _reaction_view(reaction_id, current, user, 10)
                ],
            }
            conn.event("TIMSetMsgReactionsChangedCallback", [orjson.dumps([change])])
    return ""


@HANDLERS.on("TIMMsgAddMessageReaction")
@_persisted
def _add_reaction(call: Call) -> str:
    return _react(call, True)


@HANDLERS.on("TIMMsgRemoveMessageReaction")
@_persisted
def _remove_reaction(call: Call) -> str:
    return _react(call, False)


@HANDLERS.on("TIMMsgGetMessageReactions")
def _get_reactions(call: Call) -> bytes:
    items = call.json(0)
    limit = call.integer(1)
    if not isinstance(items, list) or not items or len(items) > 20:
        raise CallError(E.ERR_INVALID_PARAMETERS, "1 to 20 messages per call")
    out = []
    for item in items:
        msg = _visible(call, item.get("message_msg_id") if isinstance(item, dict) else None)
        if msg is None:
            raise CallError(E.ERR_INVALID_PARAMETERS, "a message was not found")
        reactions = _extras(call.app).reactions.get(msg.msg_id, {})
        out.append(
            {
                "message_reaction_result_code": 0,
                "message_reaction_result_info": "",
                "message_reaction_result_msg_id": msg.msg_id,
                "message_reaction_result_reaction_list": [
                    _reaction_view(r, users, call.user, max(0, min(limit, 10)))
                    for r, users in reactions.items()
                ],
            }
        )
    return orjson.dumps(out)


@HANDLERS.on("TIMMsgGetAllUserListOfMessageReaction")
def _reaction_users(call: Call) -> bytes:
    msg = _target(call, 0)
    users = _extras(call.app).reactions.get(msg.msg_id, {}).get(call.text(1), [])
    start, count = call.integer(2), min(max(call.integer(3), 1), 100)
    page = users[start : start + count]
    end = start + len(page)
    return orjson.dumps(
        {
            "message_reaction_user_result_user_info_array": [
                {"user_profile_identifier": u} for u in page
            ],
            "message_reaction_user_result_next_seq": end,
            "message_reaction_user_result_is_finished": end >= len(users),
        }
    )


@HANDLERS.on("TIMMsgDownloadMergerMessage")
def _download_merger(call: Call) -> bytes:
    msg = _target(call, 0)
    for elem in msg.body.get("message_elem_array") or []:
        if elem.get("elem_type") == 12:
            merged = elem.get("merge_elem_message_array")
            return orjson.dumps(merged if isinstance(merged, list) else [])
    raise CallError(E.ERR_INVALID_PARAMETERS, "the message has no merger element")


@HANDLERS.on("TIMMsgSetLocalCustomData")
def _set_local_custom_data(call: Call) -> str:
    param = call.json(0)
    msg = _target(call, 0)
    assert isinstance(param, dict)
    mine: dict[str, Any] = {}
    value = param.get("message_custom_int")
    if value is not None:
        if uint(value, 32) is None:
            raise CallError(E.ERR_INVALID_PARAMETERS, "message_custom_int is not a uint32")
        mine["message_custom_int"] = value
    text = param.get("message_custom_str")
    if text is not None:
        if not isinstance(text, str):
            raise CallError(E.ERR_INVALID_PARAMETERS, "message_custom_str is not a string")
        mine["message_custom_str"] = text
    msg.local_custom.setdefault(call.user, {}).update(mine)
    call.app.store.changed(msg)
    return ""
