"""The loopback cloud's signaling state: the invitations in progress, their timers, and the
carrier messages that travel with every signaling action.

Kept beside the :class:`~aiotim.loopback.cloud.app.App` (one :class:`SignalState` per app, found
with :func:`state_of`) and in memory only: invitations do not survive a cloud restart (they are
short-lived; the carrier messages themselves are stored like every message).

Source for the semantics: /tmp/research/people.md §5 (TIMSignalingManager.h, the Electron
wrapper's ``_getSignalCustomData``, trtc.io/document/37313).
"""

from __future__ import annotations

import asyncio
import random
import secrets
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from aiotim.enums import TIMConvEvent, TIMElemType
from aiotim.loopback.cloud.app import App
from aiotim.loopback.cloud.state import C2C, StoredMessage, c2c_key

__all__ = [
    "ACCEPT",
    "BUSINESS_ID",
    "CANCEL",
    "CUSTOM",
    "INVITE",
    "REJECT",
    "TIMEOUT",
    "Invitation",
    "SignalState",
    "carrier_body",
    "deliver_c2c",
    "new_invite_id",
    "signaling_data",
    "state_of",
]

#: TIMSignalingActionType values (enums.py; people.md §6).
INVITE, CANCEL, ACCEPT, REJECT, TIMEOUT = 1, 2, 3, 4, 5
#: The carrier's businessID. Source: people.md §5.2 (EL renderer.js, TUIKit's parser).
BUSINESS_ID = 1

#: The element type of the carrier (kTIMElem_Custom).
CUSTOM = int(TIMElemType.kTIMElem_Custom)
_ADD = int(TIMConvEvent.kTIMConvEvent_Add)
_UPDATE = int(TIMConvEvent.kTIMConvEvent_Update)


@dataclass(slots=True)
class Invitation:
    """One invitation in progress."""

    invite_id: str
    inviter: str
    group_id: str  # "" for a one-to-one invitation
    invitees: list[str]
    data: str
    online_only: bool
    timeout: int  # seconds; 0: none
    created: float = field(default_factory=time.time)
    #: The invitees who have not answered yet.
    pending: set[str] = field(default_factory=set)
    timer: asyncio.TimerHandle | None = None


class SignalState:
    """Every invitation in progress of one app."""

    def __init__(self) -> None:
        self.invitations: dict[str, Invitation] = {}
        #: Invitations that reached an offline invitee as a stored message only: told on login.
        self.unseen: dict[str, list[str]] = {}

    def end(self, inv: Invitation) -> None:
        """The invitation is over (every invitee answered or timed out, or it was cancelled):
        its id is invalid from now on (8010)."""
        if inv.timer is not None:
            inv.timer.cancel()
            inv.timer = None
        self.invitations.pop(inv.invite_id, None)

    def take_unseen(self, user_id: str) -> list[Invitation]:
        """The invitations still pending for ``user_id`` that they have not been told of."""
        ids = self.unseen.pop(user_id, [])
        out = []
        for invite_id in ids:
            inv = self.invitations.get(invite_id)
            if inv is not None and user_id in inv.pending:
                out.append(inv)
        return out


_STATES: weakref.WeakKeyDictionary[App, SignalState] = weakref.WeakKeyDictionary()


def state_of(app: App) -> SignalState:
    """The signaling state of ``app`` (created empty on first use)."""
    state = _STATES.get(app)
    if state is None:
        state = _STATES[app] = SignalState()
    return state


def new_invite_id() -> str:
    """A fresh invite id, shaped like the SDK's ids (``<16 hex>-<time s>-<rand>``)."""
    now = int(time.time())
    return f"{secrets.token_hex(8)}-{now}-{random.getrandbits(31)}"


def signaling_data(
    inv: Invitation, action: int, *, invitees: Iterable[str] | None = None, data: str | None = None
) -> dict[str, Any]:
    """The carrier's ``custom_elem_data`` object for ``action`` on ``inv``.

    Source: people.md §5.2 (the Electron wrapper's ``_getSignalCustomData`` builds exactly these
    keys). For accept/reject ``invitees`` is the answering invitee and ``data`` the answer's
    (GUESS, consistent with the callbacks)."""
    return {
        "onlineUserOnly": inv.online_only,
        "businessID": BUSINESS_ID,
        "inviteID": inv.invite_id,
        "inviter": inv.inviter,
        "actionType": action,
        "inviteeList": list(inv.invitees if invitees is None else invitees),
        "data": inv.data if data is None else data,
        "timeout": inv.timeout,
        "groupID": inv.group_id,
    }


def carrier_body(custom_data: dict[str, Any], *, online_only: bool) -> dict[str, Any]:
    """A stored message body with one custom element carrying ``custom_data``."""
    body: dict[str, Any] = {
        "message_elem_array": [
            {
                "elem_type": CUSTOM,
                "custom_elem_data": orjson.dumps(custom_data).decode(),
                "custom_elem_desc": "",
                "custom_elem_ext": "",
            }
        ]
    }
    if online_only:
        body["message_is_online_msg"] = True
    return body


def deliver_c2c(
    app: App,
    sender: str,
    receiver: str,
    body: dict[str, Any],
    *,
    online_only: bool = False,
    sender_has_conv: bool = True,
) -> StoredMessage:
    """Send a one-to-one message made by the cloud (a signaling carrier, an official account's
    broadcast) as :mod:`~aiotim.loopback.handlers.messages` sends one: stored, both
    conversations updated, delivered to the receiver's connection or inbox. ``online_only``:
    neither stored nor queued, only a connected receiver sees it. ``sender_has_conv``: whether
    the sender is a user with a conversation list (an official account is not)."""
    store = app.store
    now = int(time.time())
    rand = random.getrandbits(32)
    msg = StoredMessage(
        conv_key=c2c_key(sender, receiver),
        conv_type=C2C,
        sender=sender,
        target=receiver,
        body=body,
        rand=rand,
        server_time=now,
        client_time=now,
        msg_id=f"{secrets.token_hex(8)}-{now}-{rand}",
        unique_id=store.new_unique_id(),
    )
    if online_only:
        peer = app.online.get(receiver)
        if peer is not None:
            peer.notify_messages([msg])
        return msg
    store.append(msg)
    if sender_has_conv:
        mine, created = store.conversation(sender, C2C, receiver, msg.conv_key)
        mine.last_seq, mine.active_time = msg.seq, now
        store.conv_changed(mine)
        own = app.online.get(sender)
        if own is not None:
            own.notify_conv(mine, _ADD if created else _UPDATE)
    theirs, created = store.conversation(receiver, C2C, sender, msg.conv_key)
    theirs.last_seq, theirs.active_time = msg.seq, now
    theirs.unread += 1
    store.conv_changed(theirs)
    peer = app.online.get(receiver)
    if peer is None:
        store.inbox_push(receiver, [msg])
    else:
        peer.notify_messages([msg])
        peer.notify_conv(theirs, _ADD if created else _UPDATE)
        peer.notify_unread()
    return msg
