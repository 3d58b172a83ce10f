"""``client.messages``: sending and reading messages, and the message streams."""

from __future__ import annotations

import math
import os
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import orjson

from aiotim.domains._base import Domain, all_of
from aiotim.enums import MsgStatus
from aiotim.errors import NetworkError, PayloadError, TIMError
from aiotim.events.filters import message_filter
from aiotim.events.messages import (
    MessageExtensionsChanged,
    MessageExtensionsDeleted,
    MessageModified,
    MessageRevoked,
    ReactionsChanged,
    ReadReceiptReceived,
    UploadProgress,
)
from aiotim.events.stream import OverflowPolicy, Stream
from aiotim.models import C2C, CustomElem, Group, Message, ReadReceipt, TextElem
from aiotim.models.address import Address, System
from aiotim.models.group import GroupMemberInfo
from aiotim.models.message import (
    V2_ELEM_TYPE,
    Elem,
    FaceElem,
    File,
    FileElem,
    Image,
    ImageElem,
    LocationElem,
    MergerElem,
    Priority,
    Sound,
    SoundElem,
    Video,
    VideoElem,
    mark_at_me,
    message_from_bytes,
    reply_ref,
)
from aiotim.models.message_info import (
    BatchSendResult,
    DownloadProgress,
    MessageExtension,
    MessageLocator,
    Reaction,
    ReceiveOptInfo,
    SearchResult,
    TranslateResult,
)
from aiotim.models.profile import UserProfile

__all__ = ["Messages", "Retry", "check_address", "conversation_id"]

_ExtList = list[MessageExtension]

_SENDABLE = (
    TextElem,
    CustomElem,
    ImageElem,
    SoundElem,
    VideoElem,
    FileElem,
    FaceElem,
    LocationElem,
    MergerElem,
)
#: Source: the electron SDK's reply abstracts (dist/renderer.js), by C elem_type
_ABSTRACTS = {
    1: "[图片]",
    2: "[声音]",
    3: "[自定义消息]",
    5: "[群组系统消息]",
    6: "[表情]",
    7: "[位置]",
    8: "[群组系统通知]",
    9: "[视频]",
    10: "[关系]",
    11: "[资料]",
    12: "[合并消息]",
}


@dataclass(frozen=True, slots=True)
class Retry:
    """How :meth:`Messages.send` / :meth:`Messages.resend` retry a failed attempt.

    Every attempt sends the same message (same ``message_msg_id``), so the cloud stores and
    delivers it once however many attempts reached it. An attempt that fails with one of ``on``
    is repeated after ``delay_s`` (times ``backoff`` for each further attempt), at most
    ``attempts`` attempts in all; the last failure is raised.

    Args:
        attempts: attempts in all (>= 1).
        delay_s: the pause before the second attempt, in seconds (>= 0).
        backoff: the factor the pause grows by per attempt (>= 1).
        attempt_timeout_s: give an attempt up after this many seconds (``None``: the SDK's own
            timeout); a timed-out attempt may still be delivered, which the next attempt (the
            same message) cannot duplicate.
        on: the exceptions that are retried: network failures and timeouts by default
            (:class:`~aiotim.errors.NetworkError`, :class:`TimeoutError` including
            :class:`~aiotim.errors.TIMTimeout`).

    Raises:
        TypeError / ValueError: a bad field (named).
    """

    attempts: int = 3
    delay_s: float = 0.5
    backoff: float = 2.0
    attempt_timeout_s: float | None = None
    on: tuple[type[BaseException], ...] = (NetworkError, TimeoutError)

    def __post_init__(self) -> None:
        if isinstance(self.attempts, bool) or not isinstance(self.attempts, int):
            raise TypeError(f"Retry.attempts must be an int, got {type(self.attempts).__name__}")
        if self.attempts < 1:
            raise ValueError(f"Retry.attempts must be >= 1, got {self.attempts}")
        for name in ("delay_s", "backoff", "attempt_timeout_s"):
            value = getattr(self, name)
            if value is None and name == "attempt_timeout_s":
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"Retry.{name} must be a number, got {type(value).__name__}")
            if not math.isfinite(value):
                raise ValueError(f"Retry.{name} must be finite, got {value!r}")
        if self.delay_s < 0:
            raise ValueError(f"Retry.delay_s must be >= 0, got {self.delay_s}")
        if self.backoff < 1:
            raise ValueError(f"Retry.backoff must be >= 1, got {self.backoff}")
        if self.attempt_timeout_s is not None and self.attempt_timeout_s <= 0:
            raise ValueError(f"Retry.attempt_timeout_s must be > 0, got {self.attempt_timeout_s}")
        if not isinstance(self.on, tuple) or not all(
            isinstance(t, type) and issubclass(t, BaseException) for t in self.on
        ):
            raise TypeError("Retry.on must be a tuple of exception classes")


#: the message keys a resend carries over (what the sender set, and the message's identity)
_RESEND_KEYS = (
    "message_elem_array",
    "message_priority",
    "message_is_online_msg",
    "message_need_read_receipt",
    "message_support_message_extension",
    "message_cloud_custom_str",
    "message_is_excluded_from_unread_count",
    "message_excluded_from_last_message",
    "message_group_at_user_array",
    "message_custom_int",
    "message_custom_str",
    "message_msg_id",
    "message_rand",
    "message_client_time",
)


def _identity() -> dict[str, Any]:
    """A new message's identity, made on this side so that every attempt carries it: its
    ``message_msg_id`` in the SDK's form ``<16 hex digits>-<client time s>-<rand>``
    (aiotim/loopback/sdk/PROTOCOL.md), ``message_rand`` and ``message_client_time``.

    The service treats a repeated ``Random`` within 5 minutes as one message (Source:
    https://trtc.io/document/34959, ../shared/reference/tim-service.md). GUESS: the real SDK
    keeps the ``message_msg_id`` of a message JSON it is given to send again (both fields are
    "read-only" in TIMMessageManager.h:2181-2185; the loopback honours them)."""
    now = int(time.time())
    rand = secrets.randbits(31)
    return {
        "message_msg_id": f"{secrets.token_hex(8)}-{now}-{rand}",
        "message_rand": rand,
        "message_client_time": now,
    }


def conversation_id(conv: C2C | Group) -> str:
    """The SDK's conversation id of ``conv``: ``"c2c_<user>"`` / ``"group_<group>"``
    (TIMConversationManager.h:737)."""
    return f"c2c_{conv.id}" if isinstance(conv, C2C) else f"group_{conv.id}"


def _check_message(what: str, msg: object) -> Message:
    if not isinstance(msg, Message):
        raise TypeError(f"{what} needs an aiotim.Message, got {type(msg).__name__}")
    return msg


def _messages(what: str, msgs: Message | Iterable[Message]) -> list[Message]:
    items = [msgs] if isinstance(msgs, Message) else list(msgs)
    for m in items:
        _check_message(what, m)
    if not items:
        raise ValueError(f"{what} needs at least one message")
    return items


def _abstract(msg: Message) -> str:
    if msg.text is not None:
        return msg.text
    first = msg.elems[0] if msg.elems else None
    if isinstance(first, FileElem):
        return f"[{first.name}]"
    return _ABSTRACTS.get(first.elem_type, "") if first is not None else ""


def _sender_name(msg: Message) -> str:
    profile = msg.raw.get("message_sender_profile")
    nick = profile.get("user_profile_nick_name") if isinstance(profile, dict) else None
    return nick if isinstance(nick, str) and nick else msg.sender


def _elem_type(msg: Message) -> int:
    return msg.elems[0].elem_type if msg.elems else -1


#: ERR_SDK_MSG_MODIFY_CONFLICT (TIMErrorCode.h)
_MODIFY_CONFLICT = 8006


def _paths(elem: Elem) -> tuple[str, ...]:
    """The local file paths of a media element (none for other elements)."""
    if isinstance(elem, VideoElem):
        return (elem.path, elem.snapshot_path)
    if isinstance(elem, ImageElem | SoundElem | FileElem):
        return (elem.path,)
    return ()


def check_address(conv: object) -> C2C | Group:
    """``conv`` if it is a conversation address one can send to; TypeError otherwise.

    Calls take any :data:`aiotim.Address` (so ``msg.conv`` type-checks everywhere); the SDK's
    system conversation is refused here, at run time: nobody can send to it or read it."""
    if isinstance(conv, System):
        raise ValueError(
            "the system conversation (aiotim.System) cannot be sent to or read as a conversation: "
            "answer a system message's sender with aiotim.C2C(user_id) or its group with "
            "aiotim.Group(group_id)"
        )
    if not isinstance(conv, C2C | Group):
        raise TypeError(f"expected aiotim.C2C(user_id) or aiotim.Group(group_id), got {conv!r}")
    return conv


def _sent_message(payload: bytes) -> Message:
    """``TIMMsgSendMessage``'s result, the message as sent (built in C where it can)."""
    try:
        return message_from_bytes(payload)
    except (orjson.JSONDecodeError, PayloadError) as exc:
        if isinstance(exc, PayloadError) and payload.lstrip()[:1] == b"{":
            raise  # an object that Message.from_json refuses: its own reason
        raise PayloadError(
            "TIMMsgSendMessage", "expected the sent message as a JSON object"
        ) from None


class Messages(Domain):
    """Messages: send, history, and the streams of new, revoked, read and modified messages."""

    __slots__ = ()

    def _send(
        self,
        conv: Address,
        elems: list[dict[str, Any]],
        *,
        retry: Retry | None = None,
        **extra: Any,
    ) -> Coroutine[Any, Any, Message]:
        """The send's coroutine (awaited by the caller at once; a bad argument raises here).
        Not a coroutine itself: a send at a time pays no frame of its own on the way out and
        none on the way back."""
        conv = check_address(conv)
        param = {"message_elem_array": elems, **extra}
        if retry is None:
            return self._send_once(conv, param)
        if not isinstance(retry, Retry):
            raise TypeError(f"retry= takes an aiotim.Retry, got {type(retry).__name__}")
        if "message_msg_id" not in param:
            param.update(_identity())  # every attempt is the same message
        return self._send_retrying(conv, param, retry)

    async def _send_once(self, conv: Address, param: dict[str, Any]) -> Message:
        payload, _ = await self._core._call_bytes(
            "TIMMsgSendMessage", conv.id, conv.conv_type, orjson.dumps(param)
        )
        return _sent_message(payload)

    async def _send_retrying(self, conv: Address, param: dict[str, Any], retry: Retry) -> Message:
        attempt = 1
        while True:
            try:
                if retry.attempt_timeout_s is None:
                    return await self._send_once(conv, param)
                with anyio.fail_after(retry.attempt_timeout_s):
                    return await self._send_once(conv, param)
            except retry.on:
                if attempt >= retry.attempts:
                    raise
            await anyio.sleep(retry.delay_s * retry.backoff ** (attempt - 1))
            attempt += 1

    def compose(
        self,
        conv: Address,
        *elems: Elem,
        at: Iterable[str] = (),
        online_only: bool = False,
        need_read_receipt: bool = False,
        priority: Priority = Priority.NORMAL,
        cloud_custom_data: str | None = None,
        exclude_from_unread: bool = False,
        exclude_from_last_message: bool = False,
        support_extensions: bool = False,
    ) -> Message:
        """A message ready to be sent, with its message id already set; nothing is sent.

        Send it with :meth:`resend` — as many times as needed: every attempt is the same message
        (same ``message_msg_id`` and ``message_rand``), so the cloud keeps and delivers it once,
        also when an earlier attempt was cancelled, timed out or lost its connection. The
        arguments are those of :meth:`send`. The result has status ``Sending``, no ``seq`` and no
        ``server_time`` (the cloud sets them).

        Raises:
            TypeError / ValueError: bad arguments (named).
        """
        conv, param = self._param(
            "compose()",
            conv,
            elems,
            at=at,
            online_only=online_only,
            need_read_receipt=need_read_receipt,
            priority=priority,
            cloud_custom_data=cloud_custom_data,
            exclude_from_unread=exclude_from_unread,
            exclude_from_last_message=exclude_from_last_message,
            support_extensions=support_extensions,
        )
        param.update(_identity())
        return Message.from_json(
            {
                **param,
                "message_conv_id": conv.id,
                "message_conv_type": conv.conv_type,
                "message_is_from_self": True,
                "message_status": int(MsgStatus.SENDING),
            }
        )

    async def resend(self, msg: Message, *, retry: Retry | None = None) -> Message:
        """Send ``msg`` again as the same message (same message id); returns it as stored
        (``TIMMsgSendMessage`` with the message's ``message_msg_id``).

        ``msg`` is a message from :meth:`compose`, or one this user sent before (from
        :meth:`send`, history, ...). Sending the same message twice delivers it once: after a
        cancelled or timed-out ``await``, or a :class:`~aiotim.errors.NetworkError`, resend it
        until it succeeds. The loopback cloud keeps the message it stored first and answers a
        repeat with it.

        Args:
            retry: also retry failed attempts (see :class:`Retry`).

        Raises:
            TypeError: ``msg`` is not a Message, or ``retry`` not a :class:`Retry`.
            ValueError: ``msg`` has no id, or is of the system conversation.
            TIMError: the SDK or the server refused it.
        """
        msg = _check_message("resend()", msg)
        if not msg.id:
            raise ValueError("resend() needs a message with an id (from compose() or send())")
        conv = check_address(msg.conv)
        param = {k: msg.raw[k] for k in _RESEND_KEYS if k in msg.raw}
        param["message_msg_id"] = msg.id
        if retry is None:
            return await self._send_once(conv, param)
        return await self._send_retrying(conv, param, retry)

    async def send(
        self,
        conv: Address,
        *elems: Elem,
        at: Iterable[str] = (),
        online_only: bool = False,
        need_read_receipt: bool = False,
        priority: Priority = Priority.NORMAL,
        cloud_custom_data: str | None = None,
        exclude_from_unread: bool = False,
        exclude_from_last_message: bool = False,
        support_extensions: bool = False,
        retry: Retry | None = None,
    ) -> Message:
        """Send a message of one or more elements; returns it as the server stored it
        (``TIMMsgSendMessage``).

        Cancelling the ``await`` (or a timeout around it) does not unsend: the call may already
        be on its way and the message may still be delivered. To send safely again, use
        ``retry=`` or :meth:`compose` + :meth:`resend` (same message id: delivered once).

        Args:
            conv: ``aiotim.C2C(user_id)`` or ``aiotim.Group(group_id)``.
            elems: ``aiotim.Text(...)``, ``Custom``, ``Face``, ``Location``, ``Image``,
                ``Sound``, ``Video``, ``File`` (or received elements, to send them again).
            at: user ids a group message mentions; :data:`aiotim.AT_ALL` mentions everyone.
            online_only: deliver only to connected receivers; not stored, not counted.
            need_read_receipt: ask the receiver for a read receipt.
            priority: the message's priority (:class:`aiotim.Priority`).
            cloud_custom_data: application data stored with the message in the cloud.
            exclude_from_unread: the message does not count as unread.
            exclude_from_last_message: the message does not become the conversation's last.
            support_extensions: the message accepts extensions (:meth:`set_extensions`).
            retry: retry a failed attempt (network error, timeout) as the same message, so it
                is delivered once (:class:`Retry`); default: one attempt.

        Raises:
            TypeError / ValueError: bad arguments (named).
            TIMError: the SDK or the server refused it (e.g. 8001: body over 12 KB).
        """
        conv, param = self._param(
            "send()",
            conv,
            elems,
            at=at,
            online_only=online_only,
            need_read_receipt=need_read_receipt,
            priority=priority,
            cloud_custom_data=cloud_custom_data,
            exclude_from_unread=exclude_from_unread,
            exclude_from_last_message=exclude_from_last_message,
            support_extensions=support_extensions,
        )
        elem_json = param.pop("message_elem_array")
        return await self._send(conv, elem_json, retry=retry, **param)

    @staticmethod
    def _param(
        what: str,
        conv: Address,
        elems: tuple[Elem, ...],
        *,
        at: Iterable[str],
        online_only: bool,
        need_read_receipt: bool,
        priority: Priority,
        cloud_custom_data: str | None,
        exclude_from_unread: bool,
        exclude_from_last_message: bool,
        support_extensions: bool,
    ) -> tuple[C2C | Group, dict[str, Any]]:
        conv = check_address(conv)
        if not elems:
            raise ValueError(f"{what} needs at least one element, e.g. aiotim.Text('hi')")
        for e in elems:
            if not isinstance(e, _SENDABLE):
                raise TypeError(
                    f"{what} elements must be aiotim.Text/Custom/Face/Location/Image/Sound/"
                    f"Video/File elements, got {type(e).__name__}"
                )
        extra: dict[str, Any] = {"message_elem_array": [e.to_json() for e in elems]}
        at_users = [at] if isinstance(at, str) else list(at)
        if at_users:
            if not all(isinstance(u, str) and u for u in at_users):
                raise TypeError("at= must be user ids (non-empty str) or aiotim.AT_ALL")
            if not isinstance(conv, Group):
                raise ValueError("at= mentions members of a group: send to an aiotim.Group")
            extra["message_group_at_user_array"] = at_users
        if online_only:
            extra["message_is_online_msg"] = True
        if need_read_receipt:
            extra["message_need_read_receipt"] = True
        if priority != Priority.NORMAL:
            extra["message_priority"] = int(Priority(priority))
        if cloud_custom_data is not None:
            if not isinstance(cloud_custom_data, str):
                raise TypeError("cloud_custom_data must be a str")
            extra["message_cloud_custom_str"] = cloud_custom_data
        if exclude_from_unread:
            extra["message_is_excluded_from_unread_count"] = True
        if exclude_from_last_message:
            extra["message_excluded_from_last_message"] = True
        if support_extensions:
            extra["message_support_message_extension"] = True
        return conv, extra

    async def reply(
        self,
        msg: Message,
        *elems: Elem,
        quote: bool = False,
        at: Iterable[str] = (),
        need_read_receipt: bool = False,
    ) -> Message:
        """Answer ``msg`` in its conversation with the reply reference Tencent's UI kits write
        (``messageReply`` in ``cloud_custom_data``: id, abstract, sender, type, time, seq,
        thread root), so their apps show it as a reply (``TIMMsgSendMessage``).

        Args:
            quote: a quote (reference) rather than a reply: no thread root.
        """
        msg = _check_message("reply()", msg)
        conv = check_address(msg.conv)
        parent = reply_ref(msg.cloud_custom_data) if msg.cloud_custom_data else None
        ref: dict[str, Any] = {
            "messageID": msg.id,
            "messageAbstract": _abstract(msg),
            "messageSender": _sender_name(msg),
            "messageType": V2_ELEM_TYPE.get(_elem_type(msg), 0),
            "messageTime": msg.server_time,
            "messageSequence": msg.seq,
            "version": 1,
        }
        if not quote:
            # Source: TUIKit iOS appendReplyDataIfNeeded: the root of the thread
            ref["messageRootID"] = parent.root_id if parent and parent.root_id else msg.id
        data: dict[str, Any] = {}
        try:  # the parent's other keys travel on, except the thread bookkeeping
            old = orjson.loads(msg.cloud_custom_data) if msg.cloud_custom_data else {}
            if isinstance(old, dict):
                data = {
                    k: v
                    for k, v in old.items()
                    if k not in ("messageReply", "messageReplies", "messageReact")
                }
        except orjson.JSONDecodeError:
            pass
        data["messageReply"] = ref
        sent = await self.send(
            conv,
            *elems,
            at=at,
            need_read_receipt=need_read_receipt,
            cloud_custom_data=orjson.dumps(data).decode(),
        )
        if not quote:
            await self._add_to_thread(msg, str(ref["messageRootID"]), sent)
        return sent

    async def _add_to_thread(self, parent: Message, root_id: str, reply: Message) -> None:
        """Record ``reply`` in its thread root's ``messageReplies`` (cloud_custom_data), as
        Tencent's UI kits do after a reply (TUIKit TUIChatModifyMessageHelper: the root's
        ``{"messageReplies": {"replies": [...]}, "version": "1"}``, written with
        ``TIMMsgModifyMessage`` and retried on a modify conflict). Best effort: the reply is
        sent whatever happens here."""
        entry = {
            "messageID": reply.id,
            "messageAbstract": reply.text or "",
            "messageSender": reply.sender,
            "messageType": V2_ELEM_TYPE.get(_elem_type(reply), 0),
            "messageTime": reply.server_time,
            "messageSequence": reply.seq,
            "version": 1,
        }
        root: Message | None = parent if parent.id == root_id else None
        for _ in range(3):  # the UI kits retry a conflicting modify 3 times
            if root is None:
                found = await self.find([root_id])
                if not found:
                    return
                root = found[0]
            data: dict[str, Any] = {}
            try:
                old = orjson.loads(root.cloud_custom_data) if root.cloud_custom_data else {}
                data = old if isinstance(old, dict) else {}
            except orjson.JSONDecodeError:
                pass
            thread = data.get("messageReplies")
            replies = thread.get("replies") if isinstance(thread, dict) else None
            data["messageReplies"] = {
                "replies": [*(replies if isinstance(replies, list) else []), entry]
            }
            data["version"] = "1"
            try:
                await self.modify(root, cloud_custom_data=orjson.dumps(data).decode())
                return
            except TIMError as exc:
                if exc.code != _MODIFY_CONFLICT:
                    return
                root = None  # someone else changed it: read it again

    async def revoke(self, msg: Message, *, reason: str = "") -> None:
        """Revoke a message (within 2 minutes of sending by default; group owners and admins
        may revoke others' messages) (``TIMMsgRevoke``).

        Raises:
            TIMError: 20016 (C2C) / 10031 (group): the revoke window is over.
        """
        msg = _check_message("revoke()", msg)
        conv = check_address(msg.conv)
        param = dict(msg.raw)
        if reason:
            param["message_revoke_reason"] = reason
        await self._core.call_raw("TIMMsgRevoke", conv.id, conv.conv_type, orjson.dumps(param))

    async def modify(
        self, msg: Message, *elems: Elem, cloud_custom_data: str | None = None
    ) -> Message:
        """Modify a sent message: its text/custom/face/location elements and/or its cloud
        data; every participant sees it through :meth:`modified` (``TIMMsgModifyMessage``).

        Raises:
            TIMError: 8006: someone modified it since this copy (fetch it again and retry).
        """
        msg = _check_message("modify()", msg)
        if not elems and cloud_custom_data is None:
            raise ValueError("modify() needs new elements or cloud_custom_data")
        param = dict(msg.raw)
        if elems:
            for e in elems:
                if not isinstance(e, TextElem | CustomElem | FaceElem | LocationElem):
                    raise TypeError(
                        "modify() can set text, custom, face and location elements only"
                    )
            param["message_elem_array"] = [e.to_json() for e in elems]
        if cloud_custom_data is not None:
            param["message_cloud_custom_str"] = cloud_custom_data
        result = await self._core.call_raw("TIMMsgModifyMessage", orjson.dumps(param))
        if not isinstance(result, dict):
            raise PayloadError("TIMMsgModifyMessage", "expected the message as a JSON object")
        return Message.from_json(result)

    async def delete(self, msgs: Message | Sequence[Message]) -> None:
        """Delete messages for the logged-in user, locally and in the cloud (the other
        participants keep them) (``TIMMsgDelete`` for one, ``TIMMsgListDelete`` for several,
        at most 50, of one conversation)."""
        items = _messages("delete()", msgs)
        conv = check_address(items[0].conv)
        if any(m.conv != conv for m in items):
            raise ValueError("delete() takes messages of one conversation")
        if len(items) == 1:
            param = {"msg_delete_param_msg": items[0].raw, "msg_delete_param_is_ramble": True}
            await self._core.call_raw("TIMMsgDelete", conv.id, conv.conv_type, orjson.dumps(param))
            return
        if len(items) > 50:
            raise ValueError("delete() takes at most 50 messages per call")
        await self._core.call_raw(
            "TIMMsgListDelete", conv.id, conv.conv_type, orjson.dumps([m.raw for m in items])
        )

    async def clear_history(self, conv: Address) -> None:
        """Clear a conversation's messages for the logged-in user; the conversation stays
        (``TIMMsgClearHistoryMessage``)."""
        conv = check_address(conv)
        await self._core.call_raw("TIMMsgClearHistoryMessage", conv.id, conv.conv_type)

    async def find(self, ids: str | Iterable[str]) -> list[Message]:
        """The messages with these ids (those found; deleted and revoked ones included, with
        their status) (``TIMMsgFindMessages``)."""
        id_list = [ids] if isinstance(ids, str) else list(ids)
        if not all(isinstance(i, str) and i for i in id_list):
            raise TypeError("find() needs message ids (non-empty str)")
        result = await self._core.call_raw("TIMMsgFindMessages", orjson.dumps(id_list))
        if result is None:
            return []
        if not isinstance(result, list):
            raise PayloadError("TIMMsgFindMessages", "expected a JSON array of messages")
        return [Message.from_json(m) for m in result]

    @staticmethod
    def _search_param(
        keywords: Iterable[str],
        conv: Address | None,
        senders: Iterable[str],
        elem_types: Iterable[int],
        match_all: bool,
        since: int,
        until: int,
    ) -> dict[str, Any]:
        words = [keywords] if isinstance(keywords, str) else list(keywords)
        who = list(senders)
        kinds = list(elem_types)
        if not words and not who and not kinds:
            raise ValueError("search needs keywords, senders or elem_types")
        if len(words) > 5 or len(who) > 5:
            raise ValueError("search takes at most 5 keywords and 5 senders")
        param: dict[str, Any] = {
            "msg_search_param_keyword_array": words,
            "msg_search_param_send_identifier_array": who,
            "msg_search_param_message_type_array": kinds,
            "msg_search_param_keyword_list_match_type": 1 if match_all else 0,
        }
        if conv is not None:
            conv = check_address(conv)
            param["msg_search_param_conv_id"] = conv.id
            param["msg_search_param_conv_type"] = conv.conv_type
        if until:
            param["msg_search_param_search_time_position"] = until
        if since:
            param["msg_search_param_search_time_period"] = (until or int(time.time())) - since
        return param

    async def search_local(
        self,
        keywords: str | Iterable[str] = (),
        *,
        conv: Address | None = None,
        senders: Iterable[str] = (),
        elem_types: Iterable[int] = (),
        match_all: bool = False,
        since: int = 0,
        until: int = 0,
        page_size: int = 0,
        page_index: int = 0,
    ) -> SearchResult:
        """Search the messages stored on this device (``TIMMsgSearchLocalMessages``; needs
        the Ultimate plan).

        Args:
            keywords: up to 5; any of them matches (``match_all``: all of them).
            conv: one conversation (the result lists its messages), else all (per
                conversation the count, and the message when only one matched).
            senders: only from these users (up to 5).
            elem_types: only messages with these element types (``elem_type`` values).
            since / until: Unix seconds bounds (0: none).
            page_size / page_index: paging in one conversation (0: no paging).
        """
        param = self._search_param(keywords, conv, senders, elem_types, match_all, since, until)
        param["msg_search_param_page_size"] = page_size
        param["msg_search_param_page_index"] = page_index
        return await self._search("TIMMsgSearchLocalMessages", param)

    async def search_cloud(
        self,
        keywords: str | Iterable[str] = (),
        *,
        conv: Address | None = None,
        senders: Iterable[str] = (),
        elem_types: Iterable[int] = (),
        match_all: bool = False,
        since: int = 0,
        until: int = 0,
        count: int = 100,
        cursor: str = "",
    ) -> SearchResult:
        """Search the messages stored in the cloud (``TIMMsgSearchCloudMessages``; a
        value-added service: 60020 when it is not active). ``count`` ≤ 100 per page; pass the
        result's ``cursor`` for the next page."""
        if not 1 <= count <= 100:
            raise ValueError(f"count must be 1..100, got {count!r}")
        param = self._search_param(keywords, conv, senders, elem_types, match_all, since, until)
        param["msg_search_param_search_count"] = count
        param["msg_search_param_search_cursor"] = cursor
        return await self._search("TIMMsgSearchCloudMessages", param)

    async def _search(self, function: str, param: dict[str, Any]) -> SearchResult:
        result = await self._core.call_raw(function, orjson.dumps(param))
        if not isinstance(result, dict):
            raise PayloadError(function, "expected a search result object")
        return SearchResult.from_json(result)

    async def send_receipts(self, msgs: Message | Sequence[Message]) -> None:
        """Send read receipts for received messages of one conversation that asked for one
        (``need_read_receipt``); unread counts are not changed
        (``TIMMsgSendMessageReadReceipts``)."""
        items = _messages("send_receipts()", msgs)
        await self._core.call_raw(
            "TIMMsgSendMessageReadReceipts", orjson.dumps([m.raw for m in items])
        )

    async def receipts(self, msgs: Message | Sequence[Message]) -> list[ReadReceipt]:
        """The read receipts of messages of one conversation (``TIMMsgGetMessageReadReceipts``)."""
        items = _messages("receipts()", msgs)
        result = await self._core.call_raw(
            "TIMMsgGetMessageReadReceipts", orjson.dumps([m.raw for m in items])
        )
        if not isinstance(result, list):
            raise PayloadError("TIMMsgGetMessageReadReceipts", "expected a JSON array")
        return [ReadReceipt.from_json(r) for r in result]

    async def mark_read(self, conv: Address, *, upto: Message | None = None) -> None:
        """Report a conversation read, up to ``upto`` (``TIMMsgReportReaded``) or entirely
        (``TIMConvCleanConversationUnreadMessageCount``); a C2C peer gets a read receipt."""
        conv = check_address(conv)
        if upto is None:
            await self._core.call_raw(
                "TIMConvCleanConversationUnreadMessageCount", conversation_id(conv), 0, 0
            )
            return
        upto = _check_message("mark_read(upto=)", upto)
        await self._core.call_raw(
            "TIMMsgReportReaded", conv.id, conv.conv_type, orjson.dumps(upto.raw)
        )

    async def mark_all_read(self) -> None:
        """Report every conversation read (``TIMMsgMarkAllMessageAsRead``)."""
        await self._core.call_raw("TIMMsgMarkAllMessageAsRead")

    async def send_text(self, conv: Address, text: str) -> Message:
        """Send a text message; returns it as the server stored it (id, seq, time set)
        (``TIMMsgSendMessage``).

        Raises:
            NotLoggedIn / NotInitialized: not logged in.
            TIMError: the SDK or the server refused it.
        """
        return await self._send(conv, [TextElem(text).to_json()])

    async def send_custom(
        self, conv: Address, data: str, *, description: str = "", extension: str = ""
    ) -> Message:
        """Send a custom message (application data with a description and an extension)
        (``TIMMsgSendMessage``).

        Raises:
            TIMError: the SDK or the server refused it.
        """
        for name, value in (("data", data), ("description", description), ("extension", extension)):
            if not isinstance(value, str):
                raise TypeError(
                    f"send_custom() {name} must be a str, got "
                    f"{type(value).__name__} (encode binary data, e.g. base64)"
                )
        return await self._send(conv, [CustomElem(data, description, extension).to_json()])

    # -- media sends with upload progress ---------------------------------------------------

    async def _send_media(
        self,
        conv: Address,
        elem: ImageElem | SoundElem | VideoElem | FileElem,
        on_progress: Callable[[int, int], None] | None,
    ) -> Message:
        """Send one media element; ``on_progress(uploaded, total)`` gets the SDK's upload
        progress of this send (``TIMSetMsgElemUploadProgressCallback``, matched by
        conversation and file paths), called on the event loop as the reports arrive."""
        if on_progress is None:
            return await self.send(conv, elem)
        if not callable(on_progress):
            raise TypeError("on_progress must be a callable (uploaded, total) or None")
        conv = check_address(conv)
        paths = _paths(elem)

        def watch(p: UploadProgress) -> bool:
            # Called by the hub as each report arrives: reports go to on_progress, none is
            # queued in the stream.
            msg = p.message
            same_conv = not msg.conv.id or msg.conv.id == conv.id  # an SDK may leave it out
            if same_conv and [_paths(e) for e in msg.elems[p.index : p.index + 1]] == [paths]:
                on_progress(p.current_size, p.total_size)
            return False

        stream: Stream[UploadProgress] = self._core._stream(
            "TIMSetMsgElemUploadProgressCallback", watch
        )
        try:
            return await self.send(conv, elem)
        finally:
            stream.close()

    async def send_image(
        self,
        conv: Address,
        path: str | os.PathLike[str],
        *,
        level: int = 1,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Message:
        """Send an image file (``TIMMsgSendMessage``): the SDK uploads it, receivers get its
        three images (original, thumbnail, large) with url, size, width, height and uuid.

        Args:
            level: TIMImageLevel (0 original, 1 compressed, 2 HD).
            on_progress: called with (uploaded, total) bytes as the SDK uploads the file.
        """
        return await self._send_media(conv, Image(path, level=level), on_progress)

    async def send_file(
        self,
        conv: Address,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Message:
        """Send a file (``TIMMsgSendMessage``); the SDK uploads it, receivers get its url and
        uuid (:meth:`download` fetches it).

        Args:
            name: the name receivers see (default: the file's own).
            on_progress: called with (uploaded, total) bytes as the SDK uploads the file.
        """
        return await self._send_media(conv, File(path, name), on_progress)

    async def send_sound(
        self,
        conv: Address,
        path: str | os.PathLike[str],
        duration_s: int,
        *,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Message:
        """Send a voice message (``TIMMsgSendMessage``); the SDK uploads the file.

        Args:
            on_progress: called with (uploaded, total) bytes as the SDK uploads the file.
        """
        return await self._send_media(conv, Sound(path, duration_s), on_progress)

    async def send_video(
        self,
        conv: Address,
        path: str | os.PathLike[str],
        duration_s: int,
        snapshot_path: str | os.PathLike[str],
        *,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Message:
        """Send a video and its snapshot image (``TIMMsgSendMessage``); the SDK uploads both.

        Args:
            on_progress: called with (uploaded, total) bytes of the video, then of the snapshot.
        """
        return await self._send_media(conv, Video(path, duration_s, snapshot_path), on_progress)

    async def batch_send(self, user_ids: Iterable[str], *elems: Elem) -> list[BatchSendResult]:
        """Send one message to many users (C2C only), one result per user
        (``TIMMsgBatchSend``)."""
        users = list(user_ids)
        if not users or not all(isinstance(u, str) and u for u in users):
            raise ValueError("batch_send() needs user ids (non-empty str)")
        if not elems or not all(isinstance(e, _SENDABLE) for e in elems):
            raise TypeError("batch_send() needs aiotim elements (aiotim.Text(...), ...)")
        param = {
            "msg_batch_send_param_identifier_array": users,
            "msg_batch_send_param_msg": {"message_elem_array": [e.to_json() for e in elems]},
        }
        result = await self._core.call_raw("TIMMsgBatchSend", orjson.dumps(param))
        if not isinstance(result, list):
            raise PayloadError("TIMMsgBatchSend", "expected a JSON array of results")
        return [BatchSendResult.from_json(r) for r in result]

    async def forward(
        self,
        msgs: Message | Sequence[Message],
        conv: Address,
        *,
        merged: bool = True,
        title: str = "Chat history",
        abstracts: Sequence[str] | None = None,
        compatible_text: str = "[Chat history]",
    ) -> list[Message]:
        """Forward messages to ``conv`` (``TIMMsgSendMessage``): ``merged`` as one merger
        element (title, abstracts — by default ``"<sender>: <text>"`` of the first three — and
        the text old SDKs show; ≤ 300 messages), else each one again, marked as forwarded.
        Returns the sent message(s)."""
        items = _messages("forward()", msgs)
        conv = check_address(conv)
        if not merged:
            out = []
            for m in items:
                elems = [e.to_json() for e in m.elems]
                out.append(await self._send(conv, elems, message_is_forward_message=True))
            return out
        if len(items) > 300:  # Source: TIMMessageManager.h:2221-2237
            raise ValueError("a merged forward holds at most 300 messages")
        if not compatible_text:
            raise ValueError("compatible_text must not be empty (old SDKs show it)")
        summary = (
            list(abstracts)
            if abstracts is not None
            else [f"{_sender_name(m)}: {_abstract(m)}" for m in items[:3]]
        )
        elem = {
            "elem_type": 12,
            "merge_elem_title": title,
            "merge_elem_abstract_array": summary,
            "merge_elem_compatible_text": compatible_text,
            "merge_elem_message_array": [m.raw for m in items],
        }
        return [await self._send(conv, [elem])]

    async def cancel_send(self, conv: Address, message_id: str) -> None:
        """Cancel a message still being sent (uploading) (``TIMMsgCancelSend``).

        Raises:
            TIMError: 8020: the message is not being sent (not found, or sent already).
        """
        conv = check_address(conv)
        await self._core.call_raw("TIMMsgCancelSend", conv.id, conv.conv_type, message_id)

    async def find_by_locators(
        self, conv: Address, locators: Iterable[MessageLocator]
    ) -> list[Message]:
        """The messages these locators point to (e.g. from revoke events)
        (``TIMMsgFindByMsgLocatorList``)."""
        conv = check_address(conv)
        items = [loc.raw for loc in locators]
        result = await self._core.call_raw(
            "TIMMsgFindByMsgLocatorList", conv.id, conv.conv_type, orjson.dumps(items)
        )
        if result is None:
            return []
        if not isinstance(result, list):
            raise PayloadError("TIMMsgFindByMsgLocatorList", "expected a JSON array")
        return [Message.from_json(m) for m in result]

    async def download(
        self,
        elem: ImageElem | SoundElem | VideoElem | FileElem,
        path: str | os.PathLike[str],
        *,
        kind: str = "auto",
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Path:
        """Download a received media element's file to ``path`` (``TIMMsgDownloadElemToPath``).

        Args:
            kind: for video elements ``"video"`` (default) or ``"snapshot"``; for images the
                original's url is downloaded.
            on_progress: called with (downloaded, total) bytes as the SDK reports progress.
        """
        if isinstance(elem, ImageElem):
            dl_type, uuid, url, business = 0, elem.original.uuid, elem.original.url, 0
        elif isinstance(elem, VideoElem):
            if kind == "snapshot":
                dl_type, uuid, url = 0, elem.snapshot_uuid, elem.snapshot_url
            else:
                dl_type, uuid, url = 2, elem.uuid, elem.url
            business = elem.business_id
        elif isinstance(elem, SoundElem):
            dl_type, uuid, url, business = 3, elem.uuid, elem.url, elem.business_id
        elif isinstance(elem, FileElem):
            dl_type, uuid, url, business = 1, elem.uuid, elem.url, elem.business_id
        else:
            raise TypeError(f"download() needs a media element, got {type(elem).__name__}")
        target = Path(path)
        param = {
            "msg_download_elem_param_type": dl_type,
            "msg_download_elem_param_id": uuid,
            "msg_download_elem_param_business_id": business,
            "msg_download_elem_param_url": url,
        }

        def interim(value: Any) -> None:
            if on_progress is not None and isinstance(value, dict):
                p = DownloadProgress.from_json(value)
                on_progress(p.current_size, p.total_size)

        await self._core.call_raw(
            "TIMMsgDownloadElemToPath", orjson.dumps(param), str(target), on_interim=interim
        )
        return target

    async def download_merged(self, msg: Message) -> list[Message]:
        """The messages of a merged (forwarded) message (``TIMMsgDownloadMergerMessage``)."""
        msg = _check_message("download_merged()", msg)
        result = await self._core.call_raw("TIMMsgDownloadMergerMessage", orjson.dumps(msg.raw))
        if not isinstance(result, list):
            raise PayloadError("TIMMsgDownloadMergerMessage", "expected a JSON array")
        return [Message.from_json(m) for m in result]

    async def set_local_custom_data(
        self, msg: Message, *, custom_int: int | None = None, custom_str: str | None = None
    ) -> None:
        """Store data with a message on this device only (never sent)
        (``TIMMsgSetLocalCustomData``)."""
        param = dict(_check_message("set_local_custom_data()", msg).raw)
        if custom_int is not None:
            param["message_custom_int"] = custom_int
        if custom_str is not None:
            param["message_custom_str"] = custom_str
        await self._core.call_raw("TIMMsgSetLocalCustomData", orjson.dumps(param))

    async def save(self, conv: Address, *elems: Elem) -> None:
        """Store a message in a conversation on this device only, without sending it
        (``TIMMsgSaveMsg``)."""
        conv = check_address(conv)
        param = {"message_elem_array": [e.to_json() for e in elems]}
        await self._core.call_raw("TIMMsgSaveMsg", conv.id, conv.conv_type, orjson.dumps(param))

    async def import_messages(self, conv: Address, msgs: Sequence[Message]) -> None:
        """Import messages into a conversation on this device (status LOCAL_IMPORTED)
        (``TIMMsgImportMsgList``)."""
        conv = check_address(conv)
        items = [m.raw for m in _messages("import_messages()", msgs)]
        await self._core.call_raw(
            "TIMMsgImportMsgList", conv.id, conv.conv_type, orjson.dumps(items)
        )

    # -- receive options -----------------------------------------------------------------------

    async def set_receive_option(self, users: Iterable[str], option: int) -> None:
        """How messages from these users (≤ 30 per call) are received: an
        :class:`aiotim.ReceiveMessageOpt` (``TIMMsgSetC2CReceiveMessageOpt``)."""
        ids = [users] if isinstance(users, str) else list(users)
        if not ids or len(ids) > 30:
            raise ValueError("set_receive_option() takes 1 to 30 user ids")
        await self._core.call_raw("TIMMsgSetC2CReceiveMessageOpt", orjson.dumps(ids), option)

    async def receive_options(self, users: Iterable[str]) -> dict[str, int]:
        """The receive option of each user (``TIMMsgGetC2CReceiveMessageOpt``)."""
        ids = [users] if isinstance(users, str) else list(users)
        result = await self._core.call_raw("TIMMsgGetC2CReceiveMessageOpt", orjson.dumps(ids))
        if not isinstance(result, list):
            raise PayloadError("TIMMsgGetC2CReceiveMessageOpt", "expected a JSON array")
        out: dict[str, int] = {}
        for item in result:
            if isinstance(item, dict):
                out[str(item.get("msg_recv_msg_opt_result_identifier", ""))] = int(
                    item.get("msg_recv_msg_opt_result_opt", 0)
                )
        return out

    async def set_group_receive_option(self, group_id: str, option: int) -> None:
        """How messages of a group are received (``TIMMsgSetGroupReceiveMessageOpt``)."""
        await self._core.call_raw("TIMMsgSetGroupReceiveMessageOpt", group_id, option)

    async def set_global_receive_option(
        self,
        option: int,
        *,
        start_hour: int = 0,
        start_minute: int = 0,
        start_second: int = 0,
        duration_s: int = 86400,
    ) -> None:
        """The global do-not-disturb option, daily from the start time for ``duration_s``
        (≥ 86400: always) (``TIMMsgSetAllReceiveMessageOpt``)."""
        await self._core.call_raw(
            "TIMMsgSetAllReceiveMessageOpt",
            option,
            start_hour,
            start_minute,
            start_second,
            duration_s,
        )

    async def set_global_receive_option_at(
        self, option: int, *, start_time: int, duration_s: int
    ) -> None:
        """The global do-not-disturb option from the Unix time ``start_time`` for
        ``duration_s`` (``TIMMsgSetAllReceiveMessageOpt2``)."""
        await self._core.call_raw("TIMMsgSetAllReceiveMessageOpt2", option, start_time, duration_s)

    async def global_receive_option(self) -> ReceiveOptInfo:
        """The global receive option (``TIMMsgGetAllReceiveMessageOpt``)."""
        result = await self._core.call_raw("TIMMsgGetAllReceiveMessageOpt")
        if isinstance(result, list) and result:  # the header's example shows an array
            result = result[0]
        if not isinstance(result, dict):
            raise PayloadError("TIMMsgGetAllReceiveMessageOpt", "expected an object")
        return ReceiveOptInfo.from_json(result)

    # -- group read members, extensions, reactions, pins, translation --------------------------

    async def read_members(
        self, msg: Message, *, read: bool = True, next_seq: int = 0, count: int = 100
    ) -> tuple[list[GroupMemberInfo], int, bool]:
        """The members who read (``read=False``: did not read) a group message: a page, the
        next seq and whether it is the last (``TIMMsgGetGroupMessageReadMemberList``)."""
        msg = _check_message("read_members()", msg)
        result = await self._core.call_raw(
            "TIMMsgGetGroupMessageReadMemberList",
            orjson.dumps(msg.raw),
            0 if read else 1,
            next_seq,
            count,
        )
        if not isinstance(result, dict):
            raise PayloadError("TIMMsgGetGroupMessageReadMemberList", "expected a page")
        members = result.get("members") or []
        return (
            [GroupMemberInfo.from_json(m) for m in members],
            int(result.get("next_seq", 0)),
            bool(result.get("is_finished", True)),
        )

    async def set_extensions(self, msg: Message, extensions: dict[str, str]) -> None:
        """Set key/value extensions on a message sent with extensions enabled
        (``TIMMsgSetMessageExtensions``)."""
        items = [
            {"message_extension_key": k, "message_extension_value": v}
            for k, v in extensions.items()
        ]
        await self._core.call_raw(
            "TIMMsgSetMessageExtensions",
            orjson.dumps(_check_message("set_extensions()", msg).raw),
            orjson.dumps(items),
        )

    async def extensions(self, msg: Message) -> _ExtList:
        """A message's extensions (``TIMMsgGetMessageExtensions``)."""
        result = await self._core.call_raw(
            "TIMMsgGetMessageExtensions", orjson.dumps(_check_message("extensions()", msg).raw)
        )
        if not isinstance(result, list):
            raise PayloadError("TIMMsgGetMessageExtensions", "expected a JSON array")
        return [MessageExtension.from_json(e) for e in result]

    async def delete_extensions(self, msg: Message, keys: Iterable[str] = ()) -> None:
        """Delete extensions of a message (no keys: all) (``TIMMsgDeleteMessageExtensions``)."""
        await self._core.call_raw(
            "TIMMsgDeleteMessageExtensions",
            orjson.dumps(_check_message("delete_extensions()", msg).raw),
            orjson.dumps(list(keys)),
        )

    async def add_reaction(self, msg: Message, reaction_id: str) -> None:
        """React to a message (``TIMMsgAddMessageReaction``)."""
        await self._core.call_raw(
            "TIMMsgAddMessageReaction",
            orjson.dumps(_check_message("add_reaction()", msg).raw),
            reaction_id,
        )

    async def remove_reaction(self, msg: Message, reaction_id: str) -> None:
        """Withdraw a reaction (``TIMMsgRemoveMessageReaction``)."""
        await self._core.call_raw(
            "TIMMsgRemoveMessageReaction",
            orjson.dumps(_check_message("remove_reaction()", msg).raw),
            reaction_id,
        )

    async def reactions(
        self, msgs: Message | Sequence[Message], *, max_users: int = 10
    ) -> dict[str, list[Reaction]]:
        """The reactions of messages of one conversation, by message id
        (``TIMMsgGetMessageReactions``)."""
        items = [m.raw for m in _messages("reactions()", msgs)]
        result = await self._core.call_raw(
            "TIMMsgGetMessageReactions", orjson.dumps(items), max_users
        )
        if not isinstance(result, list):
            raise PayloadError("TIMMsgGetMessageReactions", "expected a JSON array")
        out: dict[str, list[Reaction]] = {}
        for r in result:
            if isinstance(r, dict):
                out[str(r.get("message_reaction_result_msg_id", ""))] = [
                    Reaction.from_json(x)
                    for x in r.get("message_reaction_result_reaction_list") or []
                ]
        return out

    async def reaction_users(
        self, msg: Message, reaction_id: str, *, next_seq: int = 0, count: int = 100
    ) -> tuple[list[UserProfile], int, bool]:
        """The users of one reaction: a page, the next seq and whether it is the last
        (``TIMMsgGetAllUserListOfMessageReaction``)."""
        result = await self._core.call_raw(
            "TIMMsgGetAllUserListOfMessageReaction",
            orjson.dumps(_check_message("reaction_users()", msg).raw),
            reaction_id,
            next_seq,
            count,
        )
        if not isinstance(result, dict):
            raise PayloadError("TIMMsgGetAllUserListOfMessageReaction", "expected an object")
        users = result.get("message_reaction_user_result_user_info_array") or []
        return (
            [UserProfile.from_json(u) for u in users],
            int(result.get("message_reaction_user_result_next_seq", 0)),
            bool(result.get("message_reaction_user_result_is_finished", True)),
        )

    async def translate(
        self, texts: Iterable[str], target: str, *, source: str = ""
    ) -> list[TranslateResult]:
        """Translate texts into the language ``target`` (``source`` "": detect)
        (``TIMMsgTranslateText``)."""
        result = await self._core.call_raw(
            "TIMMsgTranslateText", orjson.dumps(list(texts)), source, target
        )
        if not isinstance(result, list):
            raise PayloadError("TIMMsgTranslateText", "expected a JSON array")
        return [TranslateResult.from_json(r) for r in result]

    async def voice_to_text(self, url: str, *, language: str = "") -> str:
        """The text of a sound element's speech (``TIMMsgConvertVoiceToText``)."""
        result = await self._core.call_raw("TIMMsgConvertVoiceToText", url, language)
        return result if isinstance(result, str) else ""

    async def pin(self, group_id: str, msg: Message, *, on: bool = True) -> None:
        """Pin (``on=False``: unpin) a message of a group (``TIMPinGroupMessage``)."""
        await self._core.call_raw(
            "TIMPinGroupMessage", group_id, orjson.dumps(_check_message("pin()", msg).raw), on
        )

    async def unpin(self, group_id: str, msg: Message) -> None:
        """Unpin a group message (``TIMPinGroupMessage``)."""
        await self.pin(group_id, msg, on=False)

    async def pinned(self, group_id: str) -> list[Message]:
        """A group's pinned messages (``TIMGetPinnedGroupMessageList``)."""
        result = await self._core.call_raw("TIMGetPinnedGroupMessageList", group_id)
        if result is None:
            return []
        if not isinstance(result, list):
            raise PayloadError("TIMGetPinnedGroupMessageList", "expected a JSON array")
        return [Message.from_json(m) for m in result]

    async def history(
        self,
        conv: Address,
        *,
        count: int = 20,
        before: Message | None = None,
        after: Message | None = None,
    ) -> list[Message]:
        """A page of the conversation's messages (``TIMMsgGetMsgList``): newest first, or,
        with ``after``, the next newer ones oldest first.

        Args:
            conv: the conversation.
            count: how many messages at most.
            before: continue from this message (exclusive) towards older ones.
            after: continue from this message (exclusive) towards newer ones.
        """
        conv = check_address(conv)
        if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
            raise ValueError(f"count must be a positive int, got {count!r}")
        if before is not None and after is not None:
            raise ValueError("give before= or after=, not both")
        anchor = before if before is not None else after
        if anchor is not None and not isinstance(anchor, Message):
            raise TypeError(
                f"before=/after= must be an aiotim.Message from an earlier page, "
                f"got {type(anchor).__name__}"
            )
        param: dict[str, Any] = {
            "msg_getmsglist_param_count": count,
            "msg_getmsglist_param_is_remble": True,
            "msg_getmsglist_param_is_ramble": True,
            "msg_getmsglist_param_is_forward": after is not None,
        }
        if anchor is not None:
            param["msg_getmsglist_param_last_msg"] = anchor.raw
        result = await self._core.call_raw(
            "TIMMsgGetMsgList", conv.id, conv.conv_type, orjson.dumps(param)
        )
        if result is None:
            return []
        if not isinstance(result, list):
            raise PayloadError("TIMMsgGetMsgList", "expected a JSON array of messages")
        msgs = [Message.from_json(m) for m in result]
        mark_at_me(msgs, self._core.user_id)
        return msgs

    async def iter_history(
        self, conv: Address, *, page: int = 100, before: Message | None = None
    ) -> AsyncIterator[Message]:
        """Every message of the conversation, newest first, fetched a page at a time
        (``TIMMsgGetMsgList``)::

            async for msg in client.messages.iter_history(aiotim.C2C("bob")):
                ...
        """
        anchor = before
        while True:
            batch = await self.history(conv, count=page, before=anchor)
            for msg in batch:
                yield msg
            if len(batch) < page:
                return
            anchor = batch[-1]

    def new_messages(
        self,
        *,
        conv: Address | None = None,
        sender: str | None = None,
        text: str | re.Pattern[str] | None = None,
        where: Callable[[Message], bool] | None = None,
        maxsize: int | None = None,
        overflow: OverflowPolicy = "drop_oldest",
    ) -> Stream[Message]:
        """New messages, in the order the SDK reports them, offline ones included
        (``TIMAddRecvNewMsgCallback``).

        Args:
            conv: only this conversation.
            sender: only from this user.
            text: only messages whose text matches this regular expression (``re.search``).
            where: only messages for which this predicate is true.
            maxsize: bound the stream (default: unbounded, with a warning past 10,000 waiting).
            overflow: when bounded and full: ``"drop_oldest"`` / ``"drop_newest"`` (a
                :class:`aiotim.Gap` is yielded where events were dropped) or ``"raise"``.
        """
        predicate = message_filter(conv=conv, sender=sender, text=text, where=where)
        return self._core._stream(
            "TIMAddRecvNewMsgCallback", predicate, maxsize=maxsize, overflow=overflow
        )

    def revokes(
        self,
        *,
        conv: Address | None = None,
        where: Callable[[MessageRevoked], bool] | None = None,
    ) -> Stream[MessageRevoked]:
        """Messages revoked by their sender or an admin, one event per message
        (``TIMSetMsgRevokeCallback``).

        Args:
            conv: only in this conversation.
        """
        by_conv = None if conv is None else (lambda e: e.locator.conv == conv)
        return self._core._stream("TIMSetMsgRevokeCallback", all_of(by_conv, where))

    def read_receipts(
        self,
        *,
        conv: Address | None = None,
        where: Callable[[ReadReceiptReceived], bool] | None = None,
    ) -> Stream[ReadReceiptReceived]:
        """Read receipts: a C2C peer read the conversation, or a group message's read count
        changed (``TIMSetMsgReadedReceiptCallback``).

        Args:
            conv: only in this conversation.
        """
        by_conv = None if conv is None else (lambda e: e.receipt.conv == conv)
        return self._core._stream("TIMSetMsgReadedReceiptCallback", all_of(by_conv, where))

    def modified(
        self,
        *,
        conv: Address | None = None,
        where: Callable[[MessageModified], bool] | None = None,
    ) -> Stream[MessageModified]:
        """Messages modified in the cloud after they were sent (e.g. by a moderation hook)
        (``TIMSetMsgUpdateCallback``).

        Args:
            conv: only in this conversation.
        """
        by_conv = None if conv is None else (lambda e: e.message.conv == conv)
        return self._core._stream("TIMSetMsgUpdateCallback", all_of(by_conv, where))

    def reaction_changes(self) -> Stream[ReactionsChanged]:
        """Reactions of messages changed, one event per message
        (``TIMSetMsgReactionsChangedCallback``)."""
        return self._core._stream("TIMSetMsgReactionsChangedCallback")

    def extension_changes(self) -> Stream[MessageExtensionsChanged]:
        """Extensions of a message were set (``TIMSetMsgExtensionsChangedCallback``)."""
        return self._core._stream("TIMSetMsgExtensionsChangedCallback")

    def extension_deletions(self) -> Stream[MessageExtensionsDeleted]:
        """Extensions of a message were deleted (``TIMSetMsgExtensionsDeletedCallback``)."""
        return self._core._stream("TIMSetMsgExtensionsDeletedCallback")

    def upload_progress(
        self,
        *,
        message_id: str | None = None,
        where: Callable[[UploadProgress], bool] | None = None,
    ) -> Stream[UploadProgress]:
        """Upload progress of the files of messages being sent
        (``TIMSetMsgElemUploadProgressCallback``).

        Args:
            message_id: only for this message.
        """
        by_id = None if message_id is None else (lambda e: e.message.id == message_id)
        return self._core._stream("TIMSetMsgElemUploadProgressCallback", all_of(by_id, where))
