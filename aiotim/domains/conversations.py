"""Conversation calls: the conversation list and conversation events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiotim.domains._base import ClientCore
from aiotim.errors import PayloadError
from aiotim.models import Conversation

if TYPE_CHECKING:
    from aiotim.events.stream import Stream
    from aiotim.events.session import ConversationChanged, UnreadTotalChanged

__all__ = ["ConversationsMixin"]


class ConversationsMixin(ClientCore):
    """The conversation list. Mixed into :class:`aiotim.Client`."""

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
