"""``client.messages``: sending and reading messages, and the message streams."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import orjson

from aiotim.domains._base import Domain, all_of
from aiotim.errors import PayloadError
from aiotim.events.filters import message_filter
from aiotim.events.messages import (
    MessageModified,
    MessageRevoked,
    ReadReceiptReceived,
    UploadProgress,
)
from aiotim.events.stream import OverflowPolicy, Stream
from aiotim.models import C2C, CustomElem, Group, Message, TextElem

__all__ = ["Messages", "check_address"]


def check_address(conv: object) -> C2C | Group:
    """``conv`` if it is a conversation address one can send to; TypeError otherwise."""
    if not isinstance(conv, C2C | Group):
        raise TypeError(f"expected aiotim.C2C(user_id) or aiotim.Group(group_id), got {conv!r}")
    return conv


class Messages(Domain):
    """Messages: send, history, and the streams of new, revoked, read and modified messages."""

    __slots__ = ()

    async def _send(self, conv: C2C | Group, elems: list[dict[str, Any]]) -> Message:
        conv = check_address(conv)
        param = orjson.dumps({"message_elem_array": elems})
        result, _ = await self._core.call_raw("TIMMsgSendMessage", conv.id, conv.conv_type, param)
        if not isinstance(result, dict):
            raise PayloadError("TIMMsgSendMessage", "expected the sent message as a JSON object")
        return Message.from_json(result)

    async def send_text(self, conv: C2C | Group, text: str) -> Message:
        """Send a text message; returns it as the server stored it (id, seq, time set)
        (``TIMMsgSendMessage``).

        Raises:
            NotLoggedIn / NotInitialized: not logged in.
            TIMError: the SDK or the server refused it.
        """
        if not isinstance(text, str):
            raise TypeError(f"send_text() needs a str, got {type(text).__name__}")
        return await self._send(conv, [TextElem(text).to_json()])

    async def send_custom(
        self, conv: C2C | Group, data: str, *, description: str = "", extension: str = ""
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

    async def history(
        self, conv: C2C | Group, *, count: int = 20, before: Message | None = None
    ) -> list[Message]:
        """The conversation's messages, newest first (``TIMMsgGetMsgList``).

        Args:
            conv: the conversation.
            count: how many messages at most.
            before: continue from this message (exclusive) towards older ones.
        """
        conv = check_address(conv)
        if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
            raise ValueError(f"count must be a positive int, got {count!r}")
        if before is not None and not isinstance(before, Message):
            raise TypeError(
                f"before= must be an aiotim.Message from an earlier page, "
                f"got {type(before).__name__}"
            )
        param: dict[str, Any] = {
            "msg_getmsglist_param_count": count,
            "msg_getmsglist_param_is_remble": True,
        }
        if before is not None:
            param["msg_getmsglist_param_last_msg"] = before.raw
        result = await self._core.call_raw(
            "TIMMsgGetMsgList", conv.id, conv.conv_type, orjson.dumps(param)
        )
        if not isinstance(result, list):
            raise PayloadError("TIMMsgGetMsgList", "expected a JSON array of messages")
        return [Message.from_json(m) for m in result]

    def new_messages(
        self,
        *,
        conv: C2C | Group | None = None,
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
        conv: C2C | Group | None = None,
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
        conv: C2C | Group | None = None,
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
        conv: C2C | Group | None = None,
        where: Callable[[MessageModified], bool] | None = None,
    ) -> Stream[MessageModified]:
        """Messages modified in the cloud after they were sent (e.g. by a moderation hook)
        (``TIMSetMsgUpdateCallback``).

        Args:
            conv: only in this conversation.
        """
        by_conv = None if conv is None else (lambda e: e.message.conv == conv)
        return self._core._stream("TIMSetMsgUpdateCallback", all_of(by_conv, where))

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
