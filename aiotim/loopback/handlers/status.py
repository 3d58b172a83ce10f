"""The user-status domain: ``TIMGetUserStatus``, ``TIMSetSelfStatus``,
``TIMSubscribeUserStatus`` and ``TIMUnsubscribeUserStatus`` (TIMManager.h; people.md §4).
Login, logout and kick reach the subscribers through the session handler
(:func:`aiotim.loopback.cloud.peoplestate.on_login` / ``on_logout``)."""

from __future__ import annotations

import orjson

from aiotim.enums import TIMErrCode
from aiotim.loopback.cloud import peoplestate as ps
from aiotim.loopback.handlers._call import Call, CallError, HandlerTable
from aiotim.loopback.handlers.profiles import id_list

__all__ = ["HANDLERS"]

E = TIMErrCode
HANDLERS = HandlerTable()

#: Source: https://trtc.io/document/49562 — custom status ≤100 bytes.
MAX_CUSTOM_STATUS = 100


@HANDLERS.on("TIMGetUserStatus")
def _get(call: Call) -> bytes:
    ids = id_list(call, 0)
    state = ps.state_of(call.app)
    return orjson.dumps([state.status_view(call.app, uid) for uid in ids])


@HANDLERS.on("TIMSetSelfStatus")
def _set_self(call: Call) -> None:
    param = call.json(0)
    value = param.get("user_status_custom_status") if isinstance(param, dict) else None
    if not isinstance(value, str):
        raise CallError(E.ERR_INVALID_PARAMETERS, "user_status_custom_status is missing")
    if len(value.encode()) > MAX_CUSTOM_STATUS:
        raise CallError(E.ERR_INVALID_PARAMETERS, "custom status over 100 bytes")
    app, me = call.app, call.user
    state = ps.state_of(app)
    if value:
        state.custom_status[me] = value
    else:  # "" clears it (49562)
        state.custom_status.pop(me, None)
    call.ok("")
    ps.status_changed(app, me, to_self=True)


@HANDLERS.on("TIMSubscribeUserStatus")
def _subscribe(call: Call) -> str:
    ids = id_list(call, 0)
    if call.user in ids:
        # Source: M:667 (self cannot be subscribed); the code is a GUESS (people.md §4).
        raise CallError(E.ERR_INVALID_PARAMETERS, "cannot subscribe to your own status")
    ps.subscribe(ps.state_of(call.app).status_subs, call.user, ids)
    return ""


@HANDLERS.on("TIMUnsubscribeUserStatus")
def _unsubscribe(call: Call) -> str:
    ids = id_list(call, 0, empty_ok=True)
    ps.unsubscribe(ps.state_of(call.app).status_subs, call.user, ids)
    return ""
