"""Composing a message to store: the checks every send makes and the stored form, shared by
one-to-one sends (:mod:`.messages`) and group sends (:mod:`.group_messages`).

Below the domain modules: it knows the :class:`Call` and the store, nothing of the domains.
"""

from __future__ import annotations

import random
import secrets
import time
from typing import Any

from aiotim.enums import TIMErrCode
from aiotim.loopback.cloud import jsonshapes
from aiotim.loopback.cloud.state import StoredMessage
from aiotim.loopback.handlers._call import Call, CallError

__all__ = ["AT_ALL", "check_param", "compose", "uint"]

E = TIMErrCode


def uint(value: object, bits: int) -> int | None:
    """``value`` if it is an int in ``[0, 2**bits)``, else ``None``."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < (1 << bits):
        return value
    return None


def _new_msg_id(client_time: int, rand: int) -> str:
    # The SDK's own format: <16 hex digits>-<client time s>-<rand>.
    return f"{secrets.token_hex(8)}-{client_time}-{rand}"


def check_param(call: Call, conv_id: str, param: Any) -> dict[str, Any]:
    """The send's ``json_msg_param``, checked: a non-empty element array with types."""
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
        or not all(isinstance(e, dict) and uint(e.get("elem_type"), 8) is not None for e in elems)
    ):
        raise CallError(
            E.ERR_INVALID_MSG_ELEM,
            "message_elem_array must be a non-empty array of elems with elem_type",
        )
    for elem in elems:
        kind = elem["elem_type"]
        if kind in _MEDIA:
            # The loopback cannot upload files yet: say so, never pass the sender's path on.
            raise CallError(
                E.ERR_SDK_INTERFACE_NOT_SUPPORT,
                f"{call.fn.name}: {_MEDIA[kind]} elements are not supported by the loopback "
                "cloud (it lacks media upload)",
            )
        if kind not in _SENDABLE:
            # Source: TIMMessageManager.h:778 (group tips and reports come from the server only)
            raise CallError(E.ERR_INVALID_MSG_ELEM, f"elem_type {kind} cannot be sent")
    size = sum(
        len(v.encode())
        for e in elems
        if e["elem_type"] != 12
        for v in e.values()
        if isinstance(v, str)
    )
    if size > MAX_BODY_BYTES:
        # Source: TIMErrorCode.h:74 ERR_SDK_MSG_BODY_SIZE_LIMIT; the service's 12 KB body limit
        raise CallError(
            E.ERR_SDK_MSG_BODY_SIZE_LIMIT,
            f"the message body is {size} bytes, over the {MAX_BODY_BYTES}-byte limit",
        )
    return param


#: the longest client-given message id kept as is (the SDK's ids are under 64 bytes)
_MAX_MSG_ID = 128

#: the service's message body limit (12 KB). GUESS: counted as the UTF-8 bytes of the
#: elements' string fields.
MAX_BODY_BYTES = 12 * 1024


#: element types a client may send (Source: TIMMessageManager.h:778)
_SENDABLE = frozenset((0, 1, 2, 3, 4, 6, 7, 9, 12))
_MEDIA = {1: "image", 2: "sound", 4: "file", 9: "video"}
#: the @all marker as the C SDK emits it, and the V2 SDKs' spelling it also accepts
#: (Source: TIMMessageManager.h:2240-2242, 2659-2661)
AT_ALL = "__kImSDK_MessageAtALL__"
_AT_ALL_V2 = "__kImSDK_MesssageAtALL__"


def compose(
    call: Call, *, conv_key: str, conv_type: int, target: str, param: dict[str, Any], msg_id: str
) -> tuple[StoredMessage, bool]:
    """The message to store for this send, and whether it is new: a resend of a stored
    message (same id, same sender) is the stored one, never a second copy."""
    store, sender = call.app.store, call.user
    # A resend carries the message's own id in json_msg_param (aiotim's messages.resend/retry=;
    # the SDK's out-buffer id is then a fresh one): that id is the message's. De-duplicated by
    # (sender, message id), like the service's repeated Random (Source: trtc.io/document/34959,
    # tim-service.md "Duplicate sends"; the loopback keeps stored ids for good and online-only
    # ones for 5 minutes).
    given = param.get("message_msg_id")
    if isinstance(given, str) and given and len(given) <= _MAX_MSG_ID:
        msg_id = given
    if msg_id:
        existing = store.sent_message(sender, msg_id)
        if existing is not None:
            return existing, False
        if msg_id in store.by_id:  # another sender's id: this message gets its own
            msg_id = ""
    now = int(time.time())
    rand = uint(param.get("message_rand"), 32)
    if rand is None and msg_id:
        tail = msg_id.rpartition("-")[2]
        rand = uint(int(tail), 32) if tail.isdecimal() else None
    if rand is None:
        rand = random.getrandbits(32)
    client_time = uint(param.get("message_client_time"), 64) or now
    body = {k: param[k] for k in jsonshapes.CLIENT_MESSAGE_KEYS if k in param}
    at = body.get("message_group_at_user_array")
    if isinstance(at, list):
        body["message_group_at_user_array"] = [AT_ALL if u == _AT_ALL_V2 else u for u in at]
    msg = StoredMessage(
        conv_key=conv_key,
        conv_type=conv_type,
        sender=sender,
        target=target,
        body=body,
        rand=rand,
        server_time=now,
        client_time=client_time,
        msg_id=msg_id or _new_msg_id(client_time, rand),
        unique_id=store.new_unique_id(),
    )
    if param.get("message_is_online_msg") is True:
        store.remember_online(msg)  # never stored: remembered for the de-duplication only
    return msg, True
