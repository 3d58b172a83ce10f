"""Read state, shared by the messages and conversations domains: marking a conversation read
(its unread count, the owner's other notifications, the peer's read receipt) and recounting it.
"""

from __future__ import annotations

import time
import weakref
from typing import Any

import orjson

from aiotim.enums import TIMConvEvent, TIMMsgStatus
from aiotim.loopback.cloud import jsonshapes
from aiotim.loopback.cloud.app import App
from aiotim.loopback.cloud.state import C2C, Store, StoredConversation
from aiotim.loopback.handlers._call import Call

__all__ = [
    "mark_read",
    "matches_filter",
    "recount",
    "report_unread",
    "subscribe_unread",
    "unsubscribe_unread",
]

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
    report_unread(app, conv.owner)
    if conv.conv_type == C2C and conv.conv_id != conv.owner:
        peer = app.online.get(conv.conv_id)
        if peer is not None:
            receipt = jsonshapes.read_receipt(conv.owner, C2C, now)
            peer.event("TIMSetMsgReadedReceiptCallback", [orjson.dumps([receipt])])


# -- unread counts by filter (TIMConvSubscribeUnreadMessageCountByFilter) ----------------------


def matches_filter(conv: StoredConversation, flt: dict[str, Any]) -> bool:
    """Whether ``conv`` matches a ``TIMConversationListFilter`` (absent key: any).
    Source: TIMConversationManager.h:978-988."""
    kind = flt.get("conversation_list_filter_conv_type")
    if kind and conv.conv_type != kind:
        return False
    group = flt.get("conversation_list_filter_conversation_group")
    if group is not None and (group not in conv.groups if group else bool(conv.groups)):
        return False
    mark = flt.get("conversation_list_filter_mark_type")
    if mark is not None and (mark not in conv.marks if mark else bool(conv.marks)):
        return False
    unread = flt.get("conversation_list_filter_has_unread_count")
    if unread is not None and bool(conv.unread) != unread:
        return False
    at = flt.get("conversation_list_filter_has_group_at_info")
    return not at


class _Subscription:
    __slots__ = ("filter", "last")

    def __init__(self, flt: dict[str, Any]) -> None:
        self.filter = flt
        self.last: int | None = None


#: per app, per user: the subscribed filters (by their canonical JSON)
_SUBSCRIPTIONS: weakref.WeakKeyDictionary[App, dict[str, dict[bytes, _Subscription]]] = (
    weakref.WeakKeyDictionary()
)


def _key(flt: dict[str, Any]) -> bytes:
    return orjson.dumps(flt, option=orjson.OPT_SORT_KEYS)


def subscribe_unread(app: App, user: str, flt: dict[str, Any]) -> None:
    """Report the unread count of ``flt``'s conversations to ``user`` now and whenever it
    changes (``TIMSetConvUnreadMessageCountChangedByFilterCallback``, TIMConversationManager.h;
    GUESS: the current count first, as a subscription's baseline)."""
    subs = _SUBSCRIPTIONS.setdefault(app, {}).setdefault(user, {})
    subs.setdefault(_key(flt), _Subscription(flt)).last = None
    report_unread(app, user)


def unsubscribe_unread(app: App, user: str, flt: dict[str, Any]) -> None:
    """Stop reporting ``flt`` (an empty filter: every subscription of ``user``, GUESS)."""
    subs = _SUBSCRIPTIONS.get(app, {}).get(user)
    if subs is None:
        return
    if flt:
        subs.pop(_key(flt), None)
    else:
        subs.clear()


def report_unread(app: App, user: str) -> None:
    """Tell ``user`` (when online and subscribed) each subscribed filter's unread count that
    changed since it was last reported. Called wherever unread counts change."""
    subs = _SUBSCRIPTIONS.get(app, {}).get(user)
    if not subs:
        return
    conn = app.online.get(user)
    if conn is None:
        return
    convs = list(app.store.conversations(user))
    for sub in subs.values():
        total = sum(c.unread for c in convs if matches_filter(c, sub.filter))
        if total != sub.last:
            sub.last = total
            conn.event(
                "TIMSetConvUnreadMessageCountChangedByFilterCallback",
                [orjson.dumps(sub.filter), total],
            )
