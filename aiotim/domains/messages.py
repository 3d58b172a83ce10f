"""Message calls: send, history, and the new-message stream."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from aiotim.domains._base import ClientCore
from aiotim.errors import PayloadError
from aiotim.events.filters import message_filter
from aiotim.models import C2C, CustomElem, Group, Message, TextElem

if TYPE_CHECKING:
    from aiotim.events.stream import OverflowPolicy, Stream

__all__ = ["MessagesMixin"]


def check_address(conv: Any) -> C2C | Group:
    """``conv`` if it is a conversation address one can send to; TypeError otherwise."""
    if not isinstance(conv, C2C | Group):
        raise TypeError(f"expected aiotim.C2C(user_id) or aiotim.Group(group_id), got {conv!r}")
    return conv


class MessagesMixin(ClientCore):
    """Sending and reading messages. Mixed into :class:`aiotim.Client`."""

    async def _send(self, conv: C2C | Group, elems: list[dict[str, Any]]) -> Message:
        conv = check_address(conv)
        param = orjson.dumps({"message_elem_array": elems})
        result = await self._call_json("TIMMsgSendMessage", conv.id, conv.conv_type, param)
        if not isinstance(result, dict):
            raise PayloadError("TIMMsgSendMessage", "expected the sent message as a JSON object")
        return Message.from_json(result)

    async def send_text(self, conv: C2C | Group, text: str) -> Message:
        """Send a text message; returns it as the server stored it (id, seq, time set).

        Raises:
            NotLoggedIn / NotInitialized: not logged in.
            TIMError: the SDK or the server refused it.
        """
        if not isinstance(text, str):
            raise TypeError(f"send_text() needs a str, got {type(text).__name__}")
        return await self._send(conv, [TextElem(text).to_json()])

    async def send_custom(self, conv: C2C | Group, data: str, *, description: str = "",
                          extension: str = "") -> Message:
        """Send a custom message (application data with a description and an extension).

        Raises:
            TIMError: the SDK or the server refused it.
        """
        for name, value in (("data", data), ("description", description),
                            ("extension", extension)):
            if not isinstance(value, str):
                raise TypeError(f"send_custom() {name} must be a str, got "
                                f"{type(value).__name__} (encode binary data, e.g. base64)")
        return await self._send(conv, [CustomElem(data, description, extension).to_json()])

    async def get_history(self, conv: C2C | Group, *, count: int = 20,
                          before: Message | None = None) -> list[Message]:
        """The conversation's messages, newest first (``TIMMsgGetMsgList``).

        Args:
            conv: the conversation.
            count: how many messages at most.
            before: continue from this message (exclusive) towards older ones.
        """
        conv = check_address(conv)
        if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
            raise ValueError(f"count must be a positive int, got {count!r}")
        param: dict[str, Any] = {"msg_getmsglist_param_count": count,
                                 "msg_getmsglist_param_is_remble": True}
        if before is not None:
            param["msg_getmsglist_param_last_msg"] = before.raw
        result = await self._call_json("TIMMsgGetMsgList", conv.id, conv.conv_type,
                                       orjson.dumps(param))
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
        """New messages, in the order the SDK reports them, offline ones included.

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
        return self._stream("TIMAddRecvNewMsgCallback", predicate, maxsize=maxsize,
                            overflow=overflow)
