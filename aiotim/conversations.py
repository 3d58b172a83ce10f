"""Conversation calls: the conversation list and conversation events."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiotim.errors import PayloadError
from aiotim.models import Conversation

if TYPE_CHECKING:
    from aiotim.events.stream import OverflowPolicy, Stream
    from aiotim.events.types import ConversationChanged, UnreadTotalChanged

__all__ = ["ConversationsMixin"]


class ConversationsMixin:
    """The conversation list. Mixed into :class:`aiotim.Client`."""

    if TYPE_CHECKING:
        async def _call_json(self, function: str, *args: Any) -> Any: ...
        def _stream(self, kind: str, where: Callable[[Any], bool] | None = None, *,
                    maxsize: int | None = None, overflow: OverflowPolicy = "drop_oldest",
                    ) -> Stream[Any]: ...

    async def conversations(self) -> list[Conversation]:
        """The logged-in user's conversations with unread counts and last messages
        (``TIMConvGetConvList``).

        Raises:
            NotLoggedIn: not logged in (6014).
        """
        result = await self._call_json("TIMConvGetConvList")
        if result is None:
            return []
        if not isinstance(result, list):
            raise PayloadError("TIMConvGetConvList", "expected a JSON array of conversations")
        return [Conversation.from_json(c) for c in result]

    def conversation_changes(self) -> Stream[ConversationChanged]:
        """Conversations added, deleted or updated (one event per conversation)."""
        return self._stream("TIMSetConvEventCallback")

    def unread_total(self) -> Stream[UnreadTotalChanged]:
        """Changes of the total unread message count."""
        return self._stream("TIMSetConvTotalUnreadMessageCountChangedCallback")
