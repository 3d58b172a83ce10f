"""What the loopback cloud does for each TIM function: login, messages, conversations.

``dispatch`` checks a ``C`` frame against the ABI, enforces login, and runs the handler of the
function. A handler returns the ``json_params`` of a successful ``TIMCommCallback`` (or ``None``
when it answered itself) and raises :class:`CallError` for an error result. Functions without a
handler are answered with 7013, as PROTOCOL.md says.
"""

from __future__ import annotations

import logging
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from aiotim._abi import CALLBACKS, FUNCTIONS, Function
from aiotim.enums import TIMConvEvent, TIMErrCode, TIMLoginStatus, TIMMsgStatus
from aiotim.loopback.cloud import jsonshapes, views
from aiotim.loopback.cloud.app import App
from aiotim.loopback.cloud.connection import Connection
from aiotim.loopback.cloud.protocol import Field
from aiotim.loopback.cloud.state import StoredConversation, StoredMessage, c2c_key
from aiotim.usersig import UserSigError, verify_user_sig

__all__ = ["HANDLERS", "CallError", "dispatch"]

log = logging.getLogger("aiotim.loopback")

C2C, GROUP = 1, 2
_ADD = int(TIMConvEvent.kTIMConvEvent_Add)
_DEL = int(TIMConvEvent.kTIMConvEvent_Del)
_UPDATE = int(TIMConvEvent.kTIMConvEvent_Update)
_REVOKED = int(TIMMsgStatus.kTIMMsg_Revoked)
E = TIMErrCode

#: Functions that work without a logged-in user.
_NO_LOGIN = frozenset({"TIMLogin", "TIMLogout"})
#: The real cloud's UserSig error codes, by :class:`~aiotim.usersig.UserSigError` reason.
_SIG_CODES = {
    "expired": E.ERR_SVR_ACCOUNT_USERSIG_EXPIRED,
    "bad_signature": E.ERR_SVR_ACCOUNT_USERSIG_CHECK_FAILED,
    "wrong_identifier": E.ERR_SVR_ACCOUNT_USERSIG_MISMATCH_ID,
    "wrong_app_id": E.ERR_SVR_ACCOUNT_USERSIG_MISMATCH_SDKAPPID,
    "malformed": E.ERR_SVR_ACCOUNT_USERSIG_CHECK_FAILED,
}
_DEFAULT_PAGE = 20
_MAX_PAGE = 10_000


class CallError(Exception):
    """Raised by a handler to answer its call with error ``code`` and ``desc``."""

    def __init__(self, code: int, desc: str) -> None:
        super().__init__(code, desc)
        self.code = int(code)
        self.desc = desc


@dataclass(slots=True)
class Call:
    """One ``C`` frame being handled."""

    app: App
    conn: Connection
    req_id: int
    fn: Function
    args: list[Field]

    @property
    def user(self) -> str:
        """The logged-in user (handlers other than login/logout run only when there is one)."""
        assert self.conn.user is not None
        return self.conn.user

    def text(self, index: int, *, required: bool = True) -> str:
        """Argument ``index`` (a ``const char*``) as text; NULL is ``""`` unless required."""
        value = self.args[index]
        if value is None:
            if required:
                name = self._params()[index].name
                raise CallError(E.ERR_INVALID_PARAMETERS, f"{self.fn.name}: {name} is NULL")
            return ""
        assert isinstance(value, bytes)
        try:
            return value.decode()
        except UnicodeDecodeError:
            name = self._params()[index].name
            raise CallError(
                E.ERR_INVALID_PARAMETERS, f"{self.fn.name}: {name} is not valid UTF-8"
            ) from None

    def integer(self, index: int) -> int:
        """Argument ``index`` (an integer or enum)."""
        value = self.args[index]
        assert isinstance(value, int)
        return int(value)

    def json(self, index: int) -> Any:
        """Argument ``index`` parsed as JSON (NULL or empty is ``None``)."""
        value = self.args[index]
        if not value:
            return None
        try:
            return orjson.loads(value)  # type: ignore[arg-type]
        except orjson.JSONDecodeError:
            name = self._params()[index].name
            raise CallError(E.ERR_INVALID_JSON, f"{self.fn.name}: {name} is not JSON") from None

    def _params(self) -> list[Any]:
        return [p for p in self.fn.params if p.kind not in ("callback", "user_data")]

    def reply(self, code: int, desc: str, json_params: str | bytes) -> None:
        """Answer with the function's final ``TIMCommCallback`` (defaults for other typedefs)."""
        callbacks = self.fn.callbacks
        if not callbacks:
            return
        slot = len(callbacks) - 1
        typedef = CALLBACKS[callbacks[slot].ctype]
        if typedef.name == "TIMCommCallback":
            fields: list[Field | str] = [code, desc, json_params]
        else:  # no code to carry: empty values, "finished" (as the SDK's local failures)
            fields = [
                b"" if p.kind == "str" else True if p.kind == "bool" else 0
                for p in typedef.args
            ]
        self.conn.result(self.req_id, fields, slot=slot, final=True)

    def ok(self, json_params: str | bytes = "") -> None:
        """Answer with success."""
        self.reply(0, "", json_params)


Handler = Callable[[Call], "str | bytes | None"]
HANDLERS: dict[str, Handler] = {}


def _handler(name: str) -> Callable[[Handler], Handler]:
    assert name in FUNCTIONS, name

    def register(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        return fn

    return register


def _check_args(fn: Function, args: list[Field]) -> str | None:
    params = [p for p in fn.params if p.kind not in ("callback", "user_data")]
    if len(args) != len(params):
        return f"{fn.name} takes {len(params)} parameters, the frame has {len(args)}"
    for param, value in zip(params, args, strict=True):
        if param.kind in ("str", "out"):
            good = value is None or isinstance(value, bytes)
        elif param.kind == "bool":
            good = isinstance(value, bool)
        else:
            good = isinstance(value, int) and not isinstance(value, bool)
        if not good:
            return f"{fn.name}: parameter {param.name} has the wrong field type"
    return None


def dispatch(app: App, conn: Connection, fields: list[Field]) -> None:
    """Handle one ``C`` frame: ``req_id``, function name, arguments."""
    if (
        len(fields) < 2
        or not isinstance(fields[0], int)
        or isinstance(fields[0], bool)
        or not isinstance(fields[1], bytes)
    ):
        log.warning("closing a loopback connection: malformed call frame")
        conn.close()
        return
    req_id = fields[0]
    name = fields[1].decode("utf-8", "replace")
    fn = FUNCTIONS.get(name)
    if fn is None:
        # Not a TIM function at all: answer like a TIMCommCallback so the SDK can fail it.
        conn.result(req_id, [int(E.ERR_SDK_INTERFACE_NOT_SUPPORT),
                                f"{name} is not supported by the loopback cloud", ""])
        return
    call = Call(app, conn, req_id, fn, fields[2:])
    problem = _check_args(fn, call.args)
    if problem is not None:
        call.reply(E.ERR_INVALID_PARAMETERS, problem, "")
        return
    if conn.user is None and name not in _NO_LOGIN:
        call.reply(E.ERR_SDK_NOT_LOGGED_IN, "not logged in", "")
        return
    handler = HANDLERS.get(name)
    if handler is None:
        call.reply(E.ERR_SDK_INTERFACE_NOT_SUPPORT,
                   f"{name} is not supported by the loopback cloud", "")
        return
    try:
        result = handler(call)
    except CallError as exc:
        call.reply(exc.code, exc.desc, "")
    except Exception:
        log.exception("loopback cloud: %s failed", name)
        call.reply(E.ERR_SDK_INTERNAL_ERROR, f"{name}: internal error of the loopback cloud", "")
    else:
        if result is not None:
            call.ok(result)


# -- login ------------------------------------------------------------------------------------


@_handler("TIMLogin")
def _login(call: Call) -> None:
    app, conn = call.app, call.conn
    user_id = call.text(0)
    user_sig = call.text(1, required=False)
    try:
        if not user_sig:
            raise CallError(E.ERR_SVR_ACCOUNT_USERSIG_EMPTY, "UserSig is empty")
        try:
            info = verify_user_sig(app.sdk_app_id, app.secret_key, user_id, user_sig)
        except UserSigError as exc:
            raise CallError(_SIG_CODES[exc.reason], str(exc)) from None
    except CallError as exc:
        if call.req_id == 0 and conn.user is not None:
            # The SDK's own re-login after a reconnect failed: it believes it is logged in.
            app.unbind(conn)
            conn.login_state(int(TIMLoginStatus.kTIMLoginStatus_UnLogined), "")
            if exc.code == E.ERR_SVR_ACCOUNT_USERSIG_EXPIRED:
                conn.event("TIMSetUserSigExpiredCallback", [])
        raise
    app.bind(conn, user_id, info.expires_at)
    # L before R: inside the login callback the SDK already reports "logged in", as the real
    # SDK does. Offline messages only after the result, so a bot that subscribes after
    # `await login()` still gets them in order.
    conn.login_state(int(TIMLoginStatus.kTIMLoginStatus_Logined), user_id)
    call.ok("")
    app.deliver_offline(conn)


@_handler("TIMLogout")
def _logout(call: Call) -> None:
    call.app.unbind(call.conn)
    call.conn.login_state(int(TIMLoginStatus.kTIMLoginStatus_UnLogined), "")
    call.ok("")


# -- messages ---------------------------------------------------------------------------------


def _conv_type(call: Call, conv_type: int) -> None:
    if conv_type == GROUP:
        raise CallError(E.ERR_SVR_GROUP_NOT_FOUND,
                        "group not found (the loopback cloud has no groups yet)")
    if conv_type != C2C:
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: bad conv_type {conv_type}")


def _uint(value: object, bits: int) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < (1 << bits):
        return value
    return None


def _new_msg_id(client_time: int, rand: int) -> str:
    # The SDK's own format: <16 hex digits>-<client time s>-<rand>.
    return f"{secrets.token_hex(8)}-{client_time}-{rand}"


def _send(call: Call, conv_id: str, conv_type: int, param: Any, msg_id: str) -> StoredMessage:
    _conv_type(call, conv_type)
    if not conv_id:
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: conv_id is empty")
    if not isinstance(param, dict):
        raise CallError(
            E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: json_msg_param is not an object"
        )
    elems = param.get("message_elem_array")
    if (
        not isinstance(elems, list)
        or not elems
        or not all(isinstance(e, dict) and _uint(e.get("elem_type"), 8) is not None
                   for e in elems)
    ):
        raise CallError(E.ERR_INVALID_MSG_ELEM,
                        "message_elem_array must be a non-empty array of elems with elem_type")
    app, sender = call.app, call.user
    store = app.store
    existing = store.by_id.get(msg_id) if msg_id else None
    if existing is None and isinstance(param.get("message_msg_id"), str):
        existing = store.by_id.get(param["message_msg_id"])  # a resend of a stored message
    if existing is not None and existing.sender == sender:
        return existing  # idempotent: the same message is never stored twice

    now = int(time.time())
    rand = _uint(param.get("message_rand"), 32)
    if rand is None and msg_id:
        tail = msg_id.rpartition("-")[2]
        rand = _uint(int(tail), 32) if tail.isdecimal() else None
    if rand is None:
        rand = random.getrandbits(32)
    client_time = _uint(param.get("message_client_time"), 64) or now
    msg = StoredMessage(
        conv_key=c2c_key(sender, conv_id),
        conv_type=C2C,
        sender=sender,
        target=conv_id,
        body={k: param[k] for k in jsonshapes.CLIENT_MESSAGE_KEYS if k in param},
        rand=rand,
        server_time=now,
        client_time=client_time,
        msg_id=msg_id or _new_msg_id(client_time, rand),
        unique_id=store.new_unique_id(),
    )
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


@_handler("TIMMsgSendMessage")
def _send_message(call: Call) -> bytes:
    param = call.json(2)
    msg = _send(call, call.text(0), call.integer(1), param, call.text(3, required=False))
    return _sent_view(call, msg, param)


@_handler("TIMMsgSendNewMsg")
def _send_new_msg(call: Call) -> bytes:
    param = call.json(2)
    msg = _send(call, call.text(0), call.integer(1), param, "")
    return _sent_view(call, msg, param)


@_handler("TIMMsgSendNewMsgEx")
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
    seq = _uint(ref.get("message_seq"), 64)
    if seq:
        msg = store.message_at(conv_key, seq)
        rand = _uint(ref.get("message_rand"), 32)
        if msg is not None and (rand is None or msg.rand == rand):
            return msg
    return None


@_handler("TIMMsgGetMsgList")
def _get_msg_list(call: Call) -> bytes:
    conv_id, conv_type, param = call.text(0), call.integer(1), call.json(2) or {}
    _conv_type(call, conv_type)
    if not isinstance(param, dict):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_get_msg_param is not an object")
    count = _uint(param.get("msg_getmsglist_param_count"), 32) or _DEFAULT_PAGE
    count = min(count, _MAX_PAGE)
    forward = param.get("msg_getmsglist_param_is_forward") is True
    key = c2c_key(call.user, conv_id)
    history = call.app.store.messages(key)
    anchor_ref = param.get("msg_getmsglist_param_last_msg")
    anchor = _find_message(call, key, anchor_ref)
    if anchor is None and isinstance(anchor_ref, dict) and anchor_ref:
        raise CallError(E.ERR_INVALID_PARAMETERS, "msg_getmsglist_param_last_msg not found")
    types = param.get("msg_getmsglist_param_message_type_array") or []
    begin = _uint(param.get("msg_getmsglist_param_time_begin"), 64)
    period = _uint(param.get("msg_getmsglist_param_time_period"), 64)

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


def _recount(call: Call, conv: StoredConversation) -> None:
    unread = 0
    history = call.app.store.messages(conv.conv_key)
    for msg in reversed(history):
        if msg.seq <= conv.read_seq:
            break
        if (msg.sender != conv.owner and msg.status != _REVOKED
                and not msg.body.get("message_is_excluded_from_unread_count")):
            unread += 1
    conv.unread = unread


def _mark_read(call: Call, conv: StoredConversation, upto_seq: int | None) -> None:
    app = call.app
    target = conv.last_seq if upto_seq is None else min(upto_seq, len(
        app.store.messages(conv.conv_key)))
    now = int(time.time())
    conv.read_seq = max(conv.read_seq, target)
    conv.read_time = now
    _recount(call, conv)
    app.store.conv_changed(conv)
    call.conn.notify_conv(conv, _UPDATE)
    call.conn.notify_unread()
    if conv.conv_type == C2C and conv.conv_id != conv.owner:
        peer = app.online.get(conv.conv_id)
        if peer is not None:
            receipt = jsonshapes.read_receipt(conv.owner, C2C, now)
            peer.event("TIMSetMsgReadedReceiptCallback", [orjson.dumps([receipt])])


@_handler("TIMMsgReportReaded")
def _report_readed(call: Call) -> str:
    conv_id, conv_type, param = call.text(0), call.integer(1), call.json(2)
    _conv_type(call, conv_type)
    conv = call.app.store.find_conversation(call.user, C2C, conv_id)
    if conv is None:
        raise CallError(E.ERR_INVALID_CONVERSATION, f"no conversation with {conv_id!r}")
    msg = _find_message(call, conv.conv_key, param)
    _mark_read(call, conv, msg.seq if msg is not None else None)
    return ""


@_handler("TIMMsgMarkAllMessageAsRead")
def _mark_all_read(call: Call) -> str:
    for conv in list(call.app.store.conversations(call.user)):
        if conv.unread:
            _mark_read(call, conv, None)
    return ""


@_handler("TIMConvCleanConversationUnreadMessageCount")
def _clean_unread(call: Call) -> str:
    target = call.text(0, required=False)
    clean_time = call.integer(1)
    store = call.app.store
    if target in ("", "c2c", "group"):
        convs = [c for c in store.conversations(call.user)
                 if target == "" or c.conv_type == (C2C if target == "c2c" else GROUP)]
    else:
        prefix, _, conv_id = target.partition("_")
        types = {"c2c": C2C, "group": GROUP}
        conv = (store.find_conversation(call.user, types[prefix], conv_id)
                if prefix in types and conv_id else None)
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
        _mark_read(call, conv, upto)
    return ""


@_handler("TIMMsgRevoke")
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
            _recount(call, conv)
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


# -- conversations ----------------------------------------------------------------------------


def _sorted_convs(call: Call, convs: list[StoredConversation]) -> list[StoredConversation]:
    store = call.app.store

    def recency(conv: StoredConversation) -> tuple[int, int]:
        # Unique ids grow with every message: they order conversations active in one second.
        last = store.message_at(conv.conv_key, conv.last_seq)
        return conv.active_time, last.unique_id if last is not None else 0

    return sorted(convs, key=recency, reverse=True)


@_handler("TIMConvGetConvList")
def _conv_list(call: Call) -> bytes:
    convs = _sorted_convs(call, list(call.app.store.conversations(call.user)))
    return orjson.dumps([views.conv_view(call.app.store, c) for c in convs])


@_handler("TIMConvGetConvInfo")
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


@_handler("TIMConvGetTotalUnreadMessageCount")
def _total_unread(call: Call) -> bytes:
    total = call.app.store.total_unread(call.user)
    return orjson.dumps({"conv_get_total_unread_message_count_result_unread_count": total})


@_handler("TIMConvDelete")
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
