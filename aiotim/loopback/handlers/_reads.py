"""Read state, shared by the messages and conversations domains: marking a conversation read
(its unread count, the owner's other notifications, the peer's read receipt) and recounting it.
"""

from __future__ import annotations

import time

import orjson

from aiotim.enums import TIMConvEvent, TIMMsgStatus
from aiotim.loopback.cloud import jsonshapes
from aiotim.loopback.cloud.state import C2C, Store, StoredConversation
from aiotim.loopback.handlers._call import Call

__all__ = ["mark_read", "recount"]

_UPDATE = int(TIMConvEvent.kTIMConvEvent_Update)
_REVOKED = int(TIMMsgStatus.kTIMMsg_Revoked)


def recount(store: Store, conv: StoredConversation) -> None:
    """Set ``conv.unread`` from its messages after its read position (revoked ones and those
    excluded from the count do not count)."""
    unread = 0
    history = store.messages(conv.conv_key)
    for msg in reversed(history):
        if msg.seq <= conv.read_seq:
            break
        if (
            msg.sender != conv.owner
            and msg.status != _REVOKED
            and not msg.body.get("message_is_excluded_from_unread_count")
        ):
            unread += 1
    conv.unread = unread


def mark_read(call: Call, conv: StoredConversation, upto_seq: int | None) -> None:
    """Mark ``conv`` read up to ``upto_seq`` (``None``: its last message) for the caller."""
    app = call.app
    target = (
        conv.last_seq if upto_seq is None else min(upto_seq, len(app.store.messages(conv.conv_key)))
    )
    now = int(time.time())
    conv.read_seq = max(conv.read_seq, target)
    conv.read_time = now
    recount(app.store, conv)
    app.store.conv_changed(conv)
    call.conn.notify_conv(conv, _UPDATE)
    call.conn.notify_unread()
    if conv.conv_type == C2C and conv.conv_id != conv.owner:
        peer = app.online.get(conv.conv_id)
        if peer is not None:
            receipt = jsonshapes.read_receipt(conv.owner, C2C, now)
            peer.event("TIMSetMsgReadedReceiptCallback", [orjson.dumps([receipt])])
