"""``client.conversations``: the conversation list and its streams."""

from __future__ import annotations

from aiotim.domains._base import Domain
from aiotim.errors import PayloadError
from aiotim.events.conversations import ConversationChanged, UnreadTotalChanged
from aiotim.events.stream import Stream
from aiotim.models import Conversation

__all__ = ["Conversations"]


class Conversations(Domain):
    """Conversations: ``await client.conversations()`` lists them."""

    __slots__ = ()

    async def __call__(self) -> list[Conversation]:
        """The same as :meth:`list`."""
        return await self.list()

    async def list(self) -> list[Conversation]:
        """The logged-in user's conversations with unread counts and last messages
        (``TIMConvGetConvList``).

        Raises:
            NotLoggedIn: not logged in (6014).
        """
        result = await self._core.call_raw("TIMConvGetConvList")
        if result is None:
            return []
        if not isinstance(result, list):
            raise PayloadError("TIMConvGetConvList", "expected a JSON array of conversations")
        return [Conversation.from_json(c) for c in result]

    def changes(self) -> Stream[ConversationChanged]:
        """Conversations added, deleted or updated, one event per conversation
        (``TIMSetConvEventCallback``)."""
        return self._core._stream("TIMSetConvEventCallback")

    def unread_total(self) -> Stream[UnreadTotalChanged]:
        """Changes of the total unread message count
        (``TIMSetConvTotalUnreadMessageCountChangedCallback``)."""
        return self._core._stream("TIMSetConvTotalUnreadMessageCountChangedCallback")
