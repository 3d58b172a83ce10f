"""The signaling domain: invitations (``TIMSignalingInvite``, ``TIMSignalingAccept``,
``TIMSignalingReject``, ``TIMSignalingCancel``, ``TIMSignalingModifyInvitation``), their
timeouts on the cloud's clock, and ``TIMGetSignalingInfo``.

Every action travels as a custom message (stored unless the invitation is online-only) and
fires the matching signaling callback in the SDKs concerned. Source: /tmp/research/people.md
§5 (TIMSignalingManager.h S:180-375, TIMErrorCode.h E:80-81, trtc.io/document/37313).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson

from aiotim.enums import TIMErrCode
from aiotim.loopback.cloud import signalstate
from aiotim.loopback.cloud.app import App
from aiotim.loopback.cloud.signalstate import (
    ACCEPT,
    CANCEL,
    INVITE,
    REJECT,
    TIMEOUT,
    Invitation,
    carrier_body,
    deliver_c2c,
    signaling_data,
    state_of,
)
from aiotim.loopback.handlers import group_messages
from aiotim.loopback.handlers._call import Call, CallError, HandlerTable

__all__ = ["HANDLERS", "on_login"]

E = TIMErrCode
HANDLERS = HandlerTable()

#: Source: TIMErrorCode.h E:80 and the Linux binary's texts (people.md §5.1).
_INVALID_ID = "invite_id is invalid or the invitation has been processed"
_NOT_INVITED = "you're not invited or the invitation has been processed"
_NOT_INVITER = "you are not the inviter"
#: Source: TIMErrorCode.h E:81 / binary texts; 6017 for empty parameters is a GUESS (people.md).
_EMPTY = E.ERR_INVALID_PARAMETERS


def _event(app: App, user: str, setter: str, *args: str) -> None:
    conn = app.online.get(user)
    if conn is not None:
        conn.event(setter, list(args))


def _received(app: App, user: str, inv: Invitation) -> None:
    _event(
        app,
        user,
        "TIMSetSignalingReceiveNewInvitationCallback",
        inv.invite_id,
        inv.inviter,
        inv.group_id,
        orjson.dumps(inv.invitees).decode(),
        inv.data,
    )


def _carry(
    app: App,
    sender: str,
    receivers: list[str],
    inv: Invitation,
    custom: Any,
    call: Call | None = None,
) -> None:
    """The carrier message of one action: one-to-one to each receiver, or for a group
    invitation one group message (people.md §5.2: "group invite → group message to the whole
    group"), sent as the calling user. GUESS: a group action without a call (the timeout) or
    one the group refuses (the sender left, is muted) travels without a carrier."""
    body = carrier_body(custom, online_only=inv.online_only)
    if inv.group_id:
        if call is not None and call.user == sender:
            with contextlib.suppress(CallError):
                group_messages.send(call, inv.group_id, body, "")
        return
    for receiver in receivers:
        if receiver != sender:
            deliver_c2c(app, sender, receiver, dict(body), online_only=inv.online_only)


def _find(call: Call, invite_id: str) -> Invitation:
    if not invite_id:
        raise CallError(_EMPTY, "invite_id is empty")
    inv = state_of(call.app).invitations.get(invite_id)
    if inv is None:
        raise CallError(E.ERR_SDK_SIGNALING_INVALID_INVITE_ID, _INVALID_ID)
    return inv


def _start(call: Call, inv: Invitation) -> None:
    """Register ``inv``, tell its invitees, start its timer."""
    app = call.app
    state = state_of(app)
    state.invitations[inv.invite_id] = inv
    inv.pending = set(inv.invitees) - {inv.inviter}
    for invitee in inv.invitees:
        if invitee == inv.inviter:
            continue
        if invitee in app.online:
            _received(app, invitee, inv)
        elif not inv.online_only:
            # Offline: the invitation waits in their inbox as a stored message; they are told on
            # their next login if it is still pending (people.md §5.2: "offline invitees get the
            # invitation on next login from roaming/offline messages").
            state.unseen.setdefault(invitee, []).append(inv.invite_id)
    _carry(app, inv.inviter, inv.invitees, inv, signaling_data(inv, INVITE), call)
    if inv.timeout > 0:
        # Source: S:185, timeout 0 = no timeout and no timeout callback.
        loop = asyncio.get_running_loop()
        inv.timer = loop.call_later(inv.timeout, _time_out, app, inv.invite_id)


def _time_out(app: App, invite_id: str) -> None:
    """The invitation's time is up: the inviter and each pending invitee get the timeout
    callback with the invitees that did not answer (people.md §5.3, TUICalling's handler)."""
    state = state_of(app)
    inv = state.invitations.get(invite_id)
    if inv is None:
        return
    inv.timer = None
    late = sorted(inv.pending)
    state.end(inv)
    if not late:
        return
    listed = orjson.dumps(late).decode()
    _event(app, inv.inviter, "TIMSetSignalingInvitationTimeoutCallback", invite_id, listed)
    for invitee in late:
        _event(app, invitee, "TIMSetSignalingInvitationTimeoutCallback", invite_id, listed)
    # GUESS: the inviter's side sends the actionType 5 message (people.md §5.3).
    _carry(app, inv.inviter, late, inv, signaling_data(inv, TIMEOUT, invitees=late))


def on_login(app: App, user_id: str) -> None:
    """Tell ``user_id``, just logged in, of the invitations still pending for them that reached
    them while offline. The session handler calls it after the offline messages."""
    for inv in state_of(app).take_unseen(user_id):
        _received(app, user_id, inv)


def _timeout(call: Call, index: int) -> int:
    timeout = call.integer(index)
    if timeout < 0:
        raise CallError(_EMPTY, f"{call.fn.name}: timeout must be >= 0")
    return timeout


@HANDLERS.on("TIMSignalingInvite")
def _invite(call: Call) -> str:
    invitee, data = call.text(0), call.text(1, required=False)
    online_only = call.args[2] is True
    timeout = _timeout(call, 4)
    invite_id = call.text(5, required=False)
    if not invitee:
        raise CallError(_EMPTY, "invitee is empty")
    if not invite_id:  # the SDK makes the id (PROTOCOL.md, output buffers); a raw frame may not
        invite_id = signalstate.new_invite_id()
    if invite_id in state_of(call.app).invitations:
        raise CallError(_EMPTY, "invite_id is already in use")
    inv = Invitation(invite_id, call.user, "", [invitee], data, online_only, timeout)
    _start(call, inv)
    return ""  # GUESS: json_params empty (people.md §5.1)


@HANDLERS.on("TIMSignalingInviteInGroup")
def _invite_group(call: Call) -> str:
    group_id, invitees = call.text(0), call.json(1)
    data = call.text(2, required=False)
    online_only = call.args[3] is True
    timeout = _timeout(call, 4)
    invite_id = call.text(5, required=False) or signalstate.new_invite_id()
    if not group_id:
        raise CallError(_EMPTY, "group_id is empty")
    if not isinstance(invitees, list) or not invitees:
        raise CallError(_EMPTY, "invitee_list is empty")
    if not all(isinstance(u, str) and u for u in invitees):
        raise CallError(_EMPTY, "json_invitee_array must be an array of user ids")
    # 10010 no such group, 10007 the inviter is not a member (the group send's checks).
    group = group_messages.member_group(call, group_id)
    # Source: S:214, invitees must be members, "否则邀请无效" (otherwise the invitation is
    # invalid). GUESS: non-members are left out; none left is 6017.
    members = [u for u in dict.fromkeys(invitees) if u in group.members and u != call.user]
    if not members:
        raise CallError(_EMPTY, "no invitee is a member of the group")
    if invite_id in state_of(call.app).invitations:
        raise CallError(_EMPTY, "invite_id is already in use")
    inv = Invitation(invite_id, call.user, group_id, members, data, online_only, timeout)
    _start(call, inv)
    return ""


def _answer(call: Call, action: int) -> str:
    invite_id, data = call.text(0), call.text(1, required=False)
    inv = _find(call, invite_id)
    me = call.user
    if me not in inv.pending:
        raise CallError(E.ERR_SDK_SIGNALING_INVALID_INVITE_ID, _NOT_INVITED)
    inv.pending.discard(me)
    state = state_of(call.app)
    if not inv.pending:
        state.end(inv)
    setter = (
        "TIMSetSignalingInviteeAcceptedCallback"
        if action == ACCEPT
        else "TIMSetSignalingInviteeRejectedCallback"
    )
    # The inviter is told (37313); in a group invitation the other invitees too (GUESS, as the
    # group message reaches every member's SDK).
    told = [inv.inviter] + ([u for u in inv.invitees if u != me] if inv.group_id else [])
    for user in told:
        _event(call.app, user, setter, invite_id, me, data)
    custom = signaling_data(inv, action, invitees=[me], data=data)
    _carry(call.app, me, [inv.inviter], inv, custom, call)
    return ""


@HANDLERS.on("TIMSignalingAccept")
def _accept(call: Call) -> str:
    return _answer(call, ACCEPT)


@HANDLERS.on("TIMSignalingReject")
def _reject(call: Call) -> str:
    return _answer(call, REJECT)


@HANDLERS.on("TIMSignalingCancel")
def _cancel(call: Call) -> str:
    invite_id, data = call.text(0), call.text(1, required=False)
    inv = _find(call, invite_id)
    if inv.inviter != call.user:
        raise CallError(E.ERR_SDK_SIGNALING_NO_PERMISSION, _NOT_INVITER)
    told = sorted(inv.pending)
    state_of(call.app).end(inv)
    for user in told:
        _event(
            call.app,
            user,
            "TIMSetSignalingInvitationCancelledCallback",
            invite_id,
            inv.inviter,
            data,
        )
    _carry(call.app, inv.inviter, told, inv, signaling_data(inv, CANCEL, data=data), call)
    return ""


@HANDLERS.on("TIMSignalingModifyInvitation")
def _modify(call: Call) -> str:
    invite_id, data = call.text(0), call.text(1, required=False)
    inv = _find(call, invite_id)
    if inv.inviter != call.user:
        raise CallError(E.ERR_SDK_SIGNALING_NO_PERMISSION, _NOT_INVITER)
    if inv.online_only:
        # Source: S:350, an online-only invitation cannot be modified; the code is a GUESS.
        raise CallError(_EMPTY, "an online-only invitation cannot be modified")
    inv.data = data
    # GUESS: the invitees who have not answered are told (people.md §5.3).
    for user in sorted(inv.pending):
        _event(call.app, user, "TIMSetSignalingInvitationModifiedCallback", invite_id, data)
    return ""


def _signaling_custom(msg: Any) -> dict[str, Any] | None:
    if not isinstance(msg, dict):
        return None
    elems = msg.get("message_elem_array")
    if not isinstance(elems, list):
        return None
    for elem in elems:
        if not isinstance(elem, dict) or elem.get("elem_type") != signalstate.CUSTOM:
            continue
        text = elem.get("custom_elem_data")
        if not isinstance(text, str):
            continue
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError:
            continue
        if (
            isinstance(data, dict)
            and data.get("businessID") == signalstate.BUSINESS_ID
            and isinstance(data.get("inviteID"), str)
            and data["inviteID"]
        ):
            return data
    return None


@HANDLERS.on("TIMGetSignalingInfo")
def _get_info(call: Call) -> bytes:
    custom = _signaling_custom(call.json(0))
    if custom is None:
        # Source: the binary's "json_msg is not signaling message"; the code is a GUESS.
        raise CallError(_EMPTY, "json_msg is not signaling message")

    def text(key: str) -> str:
        value = custom.get(key)
        return value if isinstance(value, str) else ""

    def number(key: str) -> int:
        value = custom.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    invitees = custom.get("inviteeList")
    info = {
        "signaling_info_invite_id": text("inviteID"),
        "signaling_info_group_id": text("groupID"),
        "signaling_info_inviter": text("inviter"),
        "signaling_info_invitee_list": [
            u for u in (invitees if isinstance(invitees, list) else []) if isinstance(u, str)
        ],
        "signaling_info_data": text("data"),
        "signaling_info_action_type": number("actionType"),
        "signaling_info_timeout": number("timeout"),
    }
    return orjson.dumps(info)
