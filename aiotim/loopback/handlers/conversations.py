"""The conversations domain: the list (``TIMConvGetConvList``, ``TIMConvGetConvInfo``,
``TIMConvGetConversationListByFilter``), unread counts (``TIMConvGetTotalUnreadMessageCount``,
``TIMConvGetUnreadMessageCountByFilter``, ``TIMConvCleanConversationUnreadMessageCount``),
deletes (``TIMConvDelete``, ``TIMConvDeleteConversationList``), pins, drafts, marks and custom
data.
"""

from __future__ import annotations

from typing import Any

import orjson

from aiotim.enums import TIMConvEvent, TIMErrCode, TIMMsgStatus
from aiotim.loopback.cloud import jsonshapes, views
from aiotim.loopback.cloud.state import C2C, GROUP, StoredConversation, StoredMessage, c2c_key
from aiotim.loopback.handlers import group_messages
from aiotim.loopback.handlers._call import Call, CallError, HandlerTable
from aiotim.loopback.handlers._compose import check_param, compose
from aiotim.loopback.handlers._reads import (
    mark_read,
    matches_filter,
    report_unread,
    subscribe_unread,
    unsubscribe_unread,
)

__all__ = ["HANDLERS"]

E = TIMErrCode
HANDLERS = HandlerTable()

_DEL = int(TIMConvEvent.kTIMConvEvent_Del)


def _sorted_convs(call: Call, convs: list[StoredConversation]) -> list[StoredConversation]:
    store = call.app.store

    def recency(conv: StoredConversation) -> tuple[bool, int, int]:
        # Pinned first (GUESS), then by activity; unique ids grow with every message: they
        # order conversations active in one second.
        last = store.message_at(conv.conv_key, conv.last_seq)
        return conv.pinned, conv.active_time, last.unique_id if last is not None else 0

    return sorted(convs, key=recency, reverse=True)


@HANDLERS.on("TIMConvGetConvList")
def _conv_list(call: Call) -> bytes:
    convs = _sorted_convs(call, list(call.app.store.conversations(call.user)))
    return orjson.dumps([views.conv_view(call.app.store, c) for c in convs])


@HANDLERS.on("TIMConvGetConvInfo")
def _conv_info(call: Call) -> bytes:
    param = call.json(0)
    if not isinstance(param, list):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_get_conv_list_param is not an array")
    store, found = call.app.store, []
    for item in param:
        if not isinstance(item, dict):
            continue
        conv = store.find_conversation(
            call.user,
            item.get("get_conversation_list_param_conv_type", C2C),
            item.get("get_conversation_list_param_conv_id", ""),
        )
        if conv is not None:
            found.append(views.conv_view(call.app.store, conv))
    return orjson.dumps(found)


@HANDLERS.on("TIMConvGetTotalUnreadMessageCount")
def _total_unread(call: Call) -> bytes:
    total = call.app.store.total_unread(call.user)
    return orjson.dumps({"conv_get_total_unread_message_count_result_unread_count": total})


@HANDLERS.on("TIMConvDelete")
def _conv_delete(call: Call) -> str:
    conv_id, conv_type = call.text(0), call.integer(1)
    store = call.app.store
    mine = store.convs.get(call.user, {})
    conv = mine.pop((conv_type, conv_id), None)
    if conv is None:
        raise CallError(E.ERR_INVALID_CONVERSATION, f"no conversation with {conv_id!r}")
    # Source: TIMConversationManager.h:473: the conversation and its history, for me
    for msg in store.messages(conv.conv_key):
        if call.user not in msg.deleted_for:
            msg.deleted_for.append(call.user)
            store.changed(msg)
    store.deleted_conversation(conv)
    call.conn.event(
        "TIMSetConvEventCallback",
        [_DEL, orjson.dumps([jsonshapes.conv_view(conv, None)])],
    )
    if conv.unread:
        call.conn.notify_unread()
    return ""


@HANDLERS.on("TIMConvCleanConversationUnreadMessageCount")
def _clean_unread(call: Call) -> str:
    target = call.text(0, required=False)
    clean_time = call.integer(1)
    store = call.app.store
    if target in ("", "c2c", "group"):
        convs = [
            c
            for c in store.conversations(call.user)
            if target == "" or c.conv_type == (C2C if target == "c2c" else GROUP)
        ]
    else:
        prefix, _, conv_id = target.partition("_")
        types = {"c2c": C2C, "group": GROUP}
        conv = (
            store.find_conversation(call.user, types[prefix], conv_id)
            if prefix in types and conv_id
            else None
        )
        if conv is None:
            raise CallError(E.ERR_INVALID_CONVERSATION, f"no conversation {target!r}")
        convs = [conv]
    for conv in convs:
        upto: int | None = None
        if clean_time and conv.conv_type == C2C:
            upto = 0
            for msg in store.messages(conv.conv_key):
                if msg.server_time > clean_time:
                    break
                upto = msg.seq
        mark_read(call, conv, upto)
    return ""


_UPDATE = int(TIMConvEvent.kTIMConvEvent_Update)
_TYPES = {"c2c": C2C, "group": GROUP}


def _by_id(call: Call, conversation_id: Any) -> StoredConversation | None:
    if not isinstance(conversation_id, str):
        return None
    prefix, _, conv_id = conversation_id.partition("_")
    if prefix not in _TYPES or not conv_id:
        return None
    return call.app.store.find_conversation(call.user, _TYPES[prefix], conv_id)


def _filter(call: Call, index: int) -> dict[str, Any]:
    flt = call.json(index) or {}
    if not isinstance(flt, dict):
        raise CallError(E.ERR_INVALID_PARAMETERS, "the conversation filter is not an object")
    return flt


_matches = matches_filter


@HANDLERS.on("TIMConvGetConversationListByFilter")
def _list_by_filter(call: Call) -> bytes:
    flt = _filter(call, 0)
    next_seq, count = call.integer(1), call.integer(2)
    if count <= 0:
        raise CallError(E.ERR_INVALID_PARAMETERS, "count must be positive")
    convs = [c for c in _sorted_convs(call, list(call.app.store.conversations(call.user)))]
    convs = [c for c in convs if _matches(c, flt)]
    # GUESS: next_seq is the position in the sorted list (opaque to the caller).
    page = convs[next_seq : next_seq + count]
    end = next_seq + len(page)
    return orjson.dumps(
        {
            "conversation_list_result_conv_list": [
                views.conv_view(call.app.store, c) for c in page
            ],
            "conversation_list_result_next_seq": end,
            "conversation_list_result_is_finished": end >= len(convs),
        }
    )


@HANDLERS.on("TIMConvGetUnreadMessageCountByFilter")
def _unread_by_filter(call: Call) -> bytes:
    flt = _filter(call, 0)
    total = sum(c.unread for c in call.app.store.conversations(call.user) if _matches(c, flt))
    return orjson.dumps({"conv_get_total_unread_message_count_result_unread_count": total})


def _changed(call: Call, conv: StoredConversation) -> None:
    call.app.store.conv_changed(conv)
    call.conn.notify_conv(conv, _UPDATE)
    report_unread(call.app, call.user)  # a mark or a group may change what a filter counts


@HANDLERS.on("TIMConvSubscribeUnreadMessageCountByFilter")
def _subscribe_unread(call: Call) -> str:
    """The unread count of the filter's conversations, reported now and on every change
    (``TIMSetConvUnreadMessageCountChangedByFilterCallback``). No callback: the SDK drops
    the answer."""
    subscribe_unread(call.app, call.user, _filter(call, 0))
    return ""


@HANDLERS.on("TIMConvUnsubscribeUnreadMessageCountByFilter")
def _unsubscribe_unread(call: Call) -> str:
    unsubscribe_unread(call.app, call.user, _filter(call, 0))
    return ""


@HANDLERS.on("TIMConvPinConversation")
def _pin(call: Call) -> str:
    conv_id, conv_type, pinned = call.text(0), call.integer(1), call.args[2]
    conv = call.app.store.find_conversation(call.user, conv_type, conv_id)
    if conv is None:
        raise CallError(E.ERR_INVALID_CONVERSATION, f"no conversation with {conv_id!r}")
    conv.pinned = bool(pinned)
    _changed(call, conv)
    return ""


@HANDLERS.on("TIMConvSetDraft")
def _set_draft(call: Call) -> str:
    conv_id, conv_type, draft = call.text(0), call.integer(1), call.json(2)
    conv = call.app.store.find_conversation(call.user, conv_type, conv_id)
    if conv is None or not isinstance(draft, dict):
        return ""  # a synchronous function: nobody reads the answer
    conv.draft = draft
    _changed(call, conv)
    return ""


@HANDLERS.on("TIMConvCancelDraft")
def _cancel_draft(call: Call) -> str:
    conv = call.app.store.find_conversation(call.user, call.integer(1), call.text(0))
    if conv is not None and conv.draft is not None:
        conv.draft = None
        _changed(call, conv)
    return ""


def _id_list(call: Call, index: int) -> list[Any]:
    ids = call.json(index)
    if not isinstance(ids, list) or not ids:
        raise CallError(E.ERR_INVALID_PARAMETERS, "conversation_id_array is empty")
    if len(ids) > 100:  # Source: TIMErrorCode.h:288 (51006), 269/77389
        raise CallError(
            E.ERR_SVR_CONV_CONV_MARK_REQ_COUNT_EXCEED_LIMIT, "at most 100 conversations per call"
        )
    return ids


def _result(conversation_id: Any, code: int = 0, info: str = "") -> dict[str, Any]:
    return {
        "conversation_operation_result_conversation_id": conversation_id,
        "conversation_operation_result_result_code": code,
        "conversation_operation_result_result_info": info,
    }


def _each(call: Call, index: int, apply: Any) -> bytes:
    out = []
    for cid in _id_list(call, index):
        conv = _by_id(call, cid)
        if conv is None:
            out.append(_result(cid, int(E.ERR_INVALID_CONVERSATION), "no such conversation"))
            continue
        apply(conv)
        out.append(_result(cid))
    return orjson.dumps(out)


@HANDLERS.on("TIMConvMarkConversation")
def _mark(call: Call) -> bytes:
    mark, enable = call.integer(1), call.args[2]

    def apply(conv: StoredConversation) -> None:
        if enable and mark not in conv.marks:
            conv.marks.append(mark)
        elif not enable and mark in conv.marks:
            conv.marks.remove(mark)
        _changed(call, conv)

    return _each(call, 0, apply)


@HANDLERS.on("TIMConvSetConversationCustomData")
def _custom_data(call: Call) -> bytes:
    data = call.text(1, required=False)
    if len(data.encode()) > 256:  # Source: TIMConversationManager.h:583
        raise CallError(E.ERR_INVALID_PARAMETERS, "custom data is at most 256 bytes")

    def apply(conv: StoredConversation) -> None:
        conv.custom_data = data
        _changed(call, conv)

    return _each(call, 0, apply)


@HANDLERS.on("TIMConvDeleteConversationList")
def _delete_list(call: Call) -> bytes:
    clear = bool(call.args[1])
    store = call.app.store
    out = []
    for cid in _id_list(call, 0):
        conv = _by_id(call, cid)
        if conv is None:
            out.append(_result(cid, int(E.ERR_INVALID_CONVERSATION), "no such conversation"))
            continue
        store.convs.get(call.user, {}).pop((conv.conv_type, conv.conv_id), None)
        if clear:
            for msg in store.messages(conv.conv_key):
                if call.user not in msg.deleted_for:
                    msg.deleted_for.append(call.user)
                    store.changed(msg)
        store.deleted_conversation(conv)
        call.conn.event(
            "TIMSetConvEventCallback", [_DEL, orjson.dumps([jsonshapes.conv_view(conv, None)])]
        )
        if conv.unread:
            call.conn.notify_unread()
        out.append(_result(cid))
    return orjson.dumps(out)


# -- conversation groups (Source: TIMConversationManager.h:767-911) ----------------------------

_MAX_GROUPS = 20  # Source: TIMErrorCode.h:291-293 (51010)


def _group_names(call: Call) -> list[str]:
    names: list[str] = []
    for conv in call.app.store.conversations(call.user):
        for name in conv.groups:
            if name not in names:
                names.append(name)
    return names


def _group_name(call: Call, index: int) -> str:
    name = call.text(index)
    if not name or len(name.encode()) > 32:
        raise CallError(
            E.ERR_SVR_CONV_CONV_GROUP_NAME_EXCEED_LENGTH, "a group name is 1 to 32 bytes"
        )
    return name


def _conv_array(call: Call, convs: list[StoredConversation]) -> bytes:
    return orjson.dumps([views.conv_view(call.app.store, c) for c in convs])


def _add_to_group(call: Call, name: str, index: int) -> tuple[bytes, list[StoredConversation]]:
    out, added = [], []
    for cid in _id_list(call, index):
        conv = _by_id(call, cid)
        if conv is None:
            out.append(_result(cid, int(E.ERR_INVALID_CONVERSATION), "no such conversation"))
            continue
        if name not in conv.groups:
            conv.groups.append(name)
            _changed(call, conv)
            added.append(conv)
        out.append(_result(cid))
    return orjson.dumps(out), added


@HANDLERS.on("TIMConvCreateConversationGroup")
def _create_group(call: Call) -> bytes:
    name = _group_name(call, 0)
    names = _group_names(call)
    if name in names:
        raise CallError(E.ERR_INVALID_PARAMETERS, f"conversation group {name!r} exists")
    if len(names) >= _MAX_GROUPS:
        raise CallError(
            E.ERR_SVR_CONV_CONV_GROUP_TOTAL_COUNT_EXCEED_LIMIT,
            f"at most {_MAX_GROUPS} conversation groups",
        )
    result, added = _add_to_group(call, name, 1)
    if not added:
        raise CallError(E.ERR_INVALID_PARAMETERS, "no conversation of the list exists")
    call.conn.event(
        "TIMSetConvConversationGroupCreatedCallback", [name.encode(), _conv_array(call, added)]
    )
    return result


@HANDLERS.on("TIMConvGetConversationGroupList")
def _group_list(call: Call) -> bytes:
    return orjson.dumps(_group_names(call))


def _existing_group(call: Call, index: int) -> str:
    name = call.text(index)
    if name not in _group_names(call):
        raise CallError(E.ERR_SVR_CONV_CONV_GROUP_NOT_EXIST, f"no conversation group {name!r}")
    return name


@HANDLERS.on("TIMConvDeleteConversationGroup")
def _delete_group(call: Call) -> str:
    name = _existing_group(call, 0)
    for conv in list(call.app.store.conversations(call.user)):
        if name in conv.groups:
            conv.groups.remove(name)
            _changed(call, conv)
    call.conn.event("TIMSetConvConversationGroupDeletedCallback", [name.encode()])
    return ""


@HANDLERS.on("TIMConvRenameConversationGroup")
def _rename_group(call: Call) -> str:
    old = _existing_group(call, 0)
    new = _group_name(call, 1)
    if new in _group_names(call):
        raise CallError(E.ERR_INVALID_PARAMETERS, f"conversation group {new!r} exists")
    for conv in list(call.app.store.conversations(call.user)):
        if old in conv.groups:
            conv.groups[conv.groups.index(old)] = new
            _changed(call, conv)
    call.conn.event("TIMSetConvConversationGroupNameChangedCallback", [old.encode(), new.encode()])
    return ""


@HANDLERS.on("TIMConvAddConversationsToGroup")
def _add_convs(call: Call) -> bytes:
    name = _existing_group(call, 0)
    result, added = _add_to_group(call, name, 1)
    if added:
        call.conn.event(
            "TIMSetConvConversationsAddedToGroupCallback",
            [name.encode(), _conv_array(call, added)],
        )
    return result


@HANDLERS.on("TIMConvDeleteConversationsFromGroup")
def _remove_convs(call: Call) -> bytes:
    name = _existing_group(call, 0)
    out, removed = [], []
    for cid in _id_list(call, 1):
        conv = _by_id(call, cid)
        if conv is None or name not in conv.groups:
            out.append(_result(cid, int(E.ERR_INVALID_CONVERSATION), "not in the group"))
            continue
        conv.groups.remove(name)
        _changed(call, conv)
        removed.append(conv)
        out.append(_result(cid))
    if removed:
        call.conn.event(
            "TIMSetConvConversationsDeletedFromGroupCallback",
            [name.encode(), _conv_array(call, removed), 0],
        )
    return orjson.dumps(out)


@HANDLERS.on("TIMConvCreate")
def _create(call: Call) -> bytes:
    conv_id, conv_type = call.text(0), call.integer(1)
    if conv_type != C2C:
        raise CallError(E.ERR_INVALID_PARAMETERS, "the loopback creates C2C conversations only")
    if not conv_id:
        raise CallError(E.ERR_INVALID_PARAMETERS, "conv_id is empty")
    conv, created = call.app.store.conversation(
        call.user, C2C, conv_id, c2c_key(call.user, conv_id)
    )
    if created:
        call.conn.notify_conv(conv, int(TIMConvEvent.kTIMConvEvent_Add))
    return orjson.dumps(views.conv_view(call.app.store, conv))


# -- messages kept on one device: TIMMsgSaveMsg, TIMMsgImportMsgList ------------------------------

_LOCAL_IMPORTED = int(TIMMsgStatus.kTIMMsg_LocalImported)
_MAX_IMPORT = 100  # GUESS: messages per TIMMsgImportMsgList call


def _local_target(call: Call, conv_id: str, conv_type: int) -> tuple[str, list[str]]:
    """The storage key of the caller's conversation, and who else shares its history (they
    never see a message kept on the caller's device)."""
    if conv_type == C2C:
        if not conv_id:
            raise CallError(E.ERR_INVALID_PARAMETERS, "conv_id is empty")
        return c2c_key(call.user, conv_id), [conv_id] if conv_id != call.user else []
    if conv_type == GROUP:
        key = group_messages.history_key(call, conv_id)
        group = group_messages.member_group(call, conv_id)
        return key, [u for u in group.members if u != call.user]
    raise CallError(E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: bad conv_type {conv_type}")


def _keep_locally(call: Call, conv_id: str, conv_type: int, msgs: list[StoredMessage]) -> None:
    store = call.app.store
    key, others = _local_target(call, conv_id, conv_type)
    for msg in msgs:
        # GUESS: the loopback keeps "this device only" as "this user only": the message is in
        # the conversation's history, hidden from everyone else, and counts as read.
        msg.deleted_for = list(others)
        store.append(msg)
    conv, created = store.conversation(call.user, conv_type, conv_id, key)
    last = msgs[-1]
    conv.last_seq, conv.active_time = last.seq, max(conv.active_time, last.server_time)
    conv.read_seq = max(conv.read_seq, last.seq)
    store.conv_changed(conv)
    call.conn.notify_conv(conv, int(TIMConvEvent.kTIMConvEvent_Add) if created else _UPDATE)


@HANDLERS.on("TIMMsgSaveMsg")
def _save_msg(call: Call) -> str:
    """A message stored in the caller's conversation without being sent (TIMMessageManager.h:
    1404): nobody else sees it; result ``""``."""
    conv_id, conv_type = call.text(0), call.integer(1)
    param = check_param(call, conv_id, call.json(2))
    key, _ = _local_target(call, conv_id, conv_type)
    msg, new = compose(
        call, conv_key=key, conv_type=conv_type, target=conv_id, param=param, msg_id=""
    )
    if new:
        _keep_locally(call, conv_id, conv_type, [msg])
    return ""


@HANDLERS.on("TIMMsgImportMsgList")
def _import_msg_list(call: Call) -> str:
    """Messages imported into the caller's conversation (TIMMessageManager.h:1454): their
    sender and times as given, status 5 (LocalImported); nobody else sees them; result
    ``""``."""
    conv_id, conv_type = call.text(0), call.integer(1)
    items = call.json(2)
    if not isinstance(items, list) or not items or len(items) > _MAX_IMPORT:
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_msg_array: 1 to 100 messages")
    key, _ = _local_target(call, conv_id, conv_type)
    msgs = []
    for item in items:
        param = check_param(call, conv_id, item)
        msg, new = compose(
            call, conv_key=key, conv_type=conv_type, target=conv_id, param=param, msg_id=""
        )
        if not new:  # one of my stored messages: it is there already
            continue
        sender = item.get("message_sender")
        if isinstance(sender, str) and sender:
            msg.sender = sender
            if conv_type == C2C and sender != call.user:
                msg.target = call.user  # a message the peer sent me
        for field, attr in (
            ("message_server_time", "server_time"),
            ("message_client_time", "client_time"),
        ):
            value = item.get(field)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                setattr(msg, attr, value)
        msg.status = _LOCAL_IMPORTED
        msgs.append(msg)
    if msgs:
        _keep_locally(call, conv_id, conv_type, msgs)
    return ""
