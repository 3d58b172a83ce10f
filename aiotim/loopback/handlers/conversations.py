"""The conversations domain: the list (``TIMConvGetConvList``, ``TIMConvGetConvInfo``), unread
counts (``TIMConvGetTotalUnreadMessageCount``, ``TIMConvCleanConversationUnreadMessageCount``)
and ``TIMConvDelete``.
"""

from __future__ import annotations

import orjson

from aiotim.enums import TIMConvEvent, TIMErrCode
from aiotim.loopback.cloud import jsonshapes, views
from aiotim.loopback.cloud.state import C2C, GROUP, StoredConversation
from aiotim.loopback.handlers._call import Call, CallError, HandlerTable
from aiotim.loopback.handlers._reads import mark_read

__all__ = ["HANDLERS"]

E = TIMErrCode
HANDLERS = HandlerTable()

_DEL = int(TIMConvEvent.kTIMConvEvent_Del)


def _sorted_convs(call: Call, convs: list[StoredConversation]) -> list[StoredConversation]:
    store = call.app.store

    def recency(conv: StoredConversation) -> tuple[int, int]:
        # Unique ids grow with every message: they order conversations active in one second.
        last = store.message_at(conv.conv_key, conv.last_seq)
        return conv.active_time, last.unique_id if last is not None else 0

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
