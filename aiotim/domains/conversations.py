"""``client.conversations``: the conversation list, pins, drafts, marks, unread counts and
their streams."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from aiotim.domains._base import Domain
from aiotim.domains.messages import check_address, conversation_id
from aiotim.errors import PayloadError
from aiotim.events.conversations import (
    ConversationChanged,
    ConversationGroupCreated,
    ConversationGroupDeleted,
    ConversationGroupRenamed,
    ConversationsAddedToGroup,
    ConversationsDeletedFromGroup,
    UnreadTotalByFilterChanged,
    UnreadTotalChanged,
)
from aiotim.events.stream import Stream
from aiotim.models import C2C, Conversation, Group
from aiotim.models.conversation import ConversationPage, OperationResult, decode_conversation

__all__ = ["ConversationFilter", "Conversations"]

#: (``Conversations.list`` shadows the builtin inside the class)
_Results = list[OperationResult]
_Convs = list[Conversation]
_Names = list[str]


def _check_name(name: object) -> None:
    if not isinstance(name, str) or not name:
        raise ValueError(f"a conversation group name is a non-empty str, got {name!r}")
    if len(name.encode()) > 32:  # Source: TIMErrorCode.h (51011)
        raise ValueError(f"a conversation group name is at most 32 bytes, got {name!r}")


@dataclass(frozen=True, slots=True)
class ConversationFilter:
    """Which conversations (``None``: any). Source: TIMConversationManager.h:978-988.

    Args:
        conv_type: 1 C2C, 2 group.
        conversation_group: in this conversation group (``""``: in none).
        mark_type: with this mark (0: unmarked).
        has_unread: with unread messages.
        has_group_at: with unread @-mentions.
    """

    conv_type: int | None = None
    conversation_group: str | None = None
    mark_type: int | None = None
    has_unread: bool | None = None
    has_group_at: bool | None = None

    def to_json(self) -> dict[str, Any]:
        """The SDK's filter object."""
        out: dict[str, Any] = {}
        for key, value in (
            ("conversation_list_filter_conv_type", self.conv_type),
            ("conversation_list_filter_conversation_group", self.conversation_group),
            ("conversation_list_filter_mark_type", self.mark_type),
            ("conversation_list_filter_has_unread_count", self.has_unread),
            ("conversation_list_filter_has_group_at_info", self.has_group_at),
        ):
            if value is not None:
                out[key] = value
        return out


def _ids(convs: C2C | Group | Iterable[C2C | Group]) -> list[str]:
    items = [convs] if isinstance(convs, C2C | Group) else list(convs)
    if not items:
        raise ValueError("needs at least one conversation")
    if len(items) > 100:  # Source: TIMConversationManager.h:583, :639 (≤ 100 per call)
        raise ValueError("at most 100 conversations per call")
    return [conversation_id(check_address(c)) for c in items]


def _results(function: str, result: Any) -> list[OperationResult]:
    if result is None:
        return []
    if not isinstance(result, list):
        raise PayloadError(function, "expected a JSON array of operation results")
    return [OperationResult.from_json(r) for r in result]


class Conversations(Domain):
    """Conversations: ``await client.conversations()`` lists them."""

    __slots__ = ()

    async def __call__(self) -> _Convs:
        """The same as :meth:`list`."""
        return await self.list()

    async def list(self) -> _Convs:
        """The logged-in user's conversations with unread counts and last messages, pinned
        ones first, then the most recently active (``TIMConvGetConvList``).

        Raises:
            NotLoggedIn: not logged in (6014).
        """
        result = await self._core.call_raw("TIMConvGetConvList")
        if result is None:
            return []
        if not isinstance(result, list):
            raise PayloadError("TIMConvGetConvList", "expected a JSON array of conversations")
        return [decode_conversation(c) for c in result]

    async def page(
        self,
        filter: ConversationFilter | None = None,
        *,
        next_seq: int = 0,
        count: int = 100,
    ) -> ConversationPage:
        """One page of the conversations matching ``filter``; pass the page's ``next_seq`` for
        the next (``TIMConvGetConversationListByFilter``)."""
        if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
            raise ValueError(f"count must be a positive int, got {count!r}")
        flt = (filter or ConversationFilter()).to_json()
        result = await self._core.call_raw(
            "TIMConvGetConversationListByFilter", orjson.dumps(flt), next_seq, count
        )
        if not isinstance(result, dict):
            raise PayloadError("TIMConvGetConversationListByFilter", "expected a page object")
        return ConversationPage.from_json(result)

    async def iter(
        self, filter: ConversationFilter | None = None, *, page: int = 100
    ) -> AsyncIterator[Conversation]:
        """Every conversation matching ``filter``, fetched a page at a time
        (``TIMConvGetConversationListByFilter``)."""
        next_seq = 0
        while True:
            got = await self.page(filter, next_seq=next_seq, count=page)
            for conv in got.conversations:
                yield conv
            if got.is_finished or not got.conversations:
                return
            next_seq = got.next_seq

    async def get(self, convs: C2C | Group | Iterable[C2C | Group]) -> _Convs:
        """These conversations (those that exist) (``TIMConvGetConvInfo``)."""
        items = [convs] if isinstance(convs, C2C | Group) else list(convs)
        param = [
            {
                "get_conversation_list_param_conv_id": check_address(c).id,
                "get_conversation_list_param_conv_type": c.conv_type,
            }
            for c in items
        ]
        result = await self._core.call_raw("TIMConvGetConvInfo", orjson.dumps(param))
        if result is None:
            return []
        if not isinstance(result, list):
            raise PayloadError("TIMConvGetConvInfo", "expected a JSON array of conversations")
        return [decode_conversation(c) for c in result]

    async def delete(self, conv: C2C | Group) -> None:
        """Delete a conversation and its history for the logged-in user, irreversibly
        (``TIMConvDelete``)."""
        conv = check_address(conv)
        await self._core.call_raw("TIMConvDelete", conv.id, conv.conv_type)

    async def delete_many(
        self, convs: Iterable[C2C | Group], *, clear_messages: bool = True
    ) -> _Results:
        """Delete up to 100 conversations (``clear_messages=False`` keeps their history)
        (``TIMConvDeleteConversationList``)."""
        result = await self._core.call_raw(
            "TIMConvDeleteConversationList", orjson.dumps(_ids(convs)), clear_messages
        )
        return _results("TIMConvDeleteConversationList", result)

    async def pin(self, conv: C2C | Group, on: bool = True) -> None:
        """Pin (or with ``on=False`` unpin) a conversation on every device
        (``TIMConvPinConversation``)."""
        conv = check_address(conv)
        await self._core.call_raw("TIMConvPinConversation", conv.id, conv.conv_type, bool(on))

    async def set_draft(self, conv: C2C | Group, text: str, *, user_define: str = "") -> None:
        """Save a text draft for a conversation (on this device only) (``TIMConvSetDraft``)."""
        conv = check_address(conv)
        if not isinstance(text, str) or not isinstance(user_define, str):
            raise TypeError("set_draft() text and user_define must be str")
        draft = {
            "draft_msg": {
                "message_conv_id": conv.id,
                "message_conv_type": conv.conv_type,
                "message_elem_array": [{"elem_type": 0, "text_elem_content": text}],
            },
            "draft_user_define": user_define,
            "draft_edit_time": int(time.time()),
        }
        await self._sync("TIMConvSetDraft", conv.id, conv.conv_type, orjson.dumps(draft))

    async def cancel_draft(self, conv: C2C | Group) -> None:
        """Remove a conversation's draft (``TIMConvCancelDraft``)."""
        conv = check_address(conv)
        await self._sync("TIMConvCancelDraft", conv.id, conv.conv_type)

    async def _sync(self, function: str, *args: Any) -> None:
        # Synchronous TIM functions: the C call's return value is the result (0: done).
        await self._core.call_raw(function, *args)

    async def clear_unread(self, conv: C2C | Group | None = None) -> None:
        """Mark a conversation read (``None``: every conversation); a C2C peer gets a read
        receipt (``TIMConvCleanConversationUnreadMessageCount``)."""
        target = "" if conv is None else conversation_id(check_address(conv))
        await self._core.call_raw("TIMConvCleanConversationUnreadMessageCount", target, 0, 0)

    async def total_unread(self, filter: ConversationFilter | None = None) -> int:
        """The total unread count (``TIMConvGetTotalUnreadMessageCount``), or over the
        conversations matching ``filter`` (``TIMConvGetUnreadMessageCountByFilter``)."""
        if filter is None:
            function = "TIMConvGetTotalUnreadMessageCount"
            result = await self._core.call_raw(function)
        else:
            function = "TIMConvGetUnreadMessageCountByFilter"
            result = await self._core.call_raw(function, orjson.dumps(filter.to_json()))
        value = (
            result.get("conv_get_total_unread_message_count_result_unread_count")
            if isinstance(result, dict)
            else None
        )
        if not isinstance(value, int):
            raise PayloadError(function, "expected an unread count")
        return value

    async def mark(
        self, convs: C2C | Group | Iterable[C2C | Group], flags: int, *, on: bool = True
    ) -> _Results:
        """Set (or with ``on=False`` clear) mark bits on conversations: 1 star, 2 unread,
        4 fold, 8 hide, or an application bit 1<<32 .. 1<<63 (``TIMConvMarkConversation``;
        Ultimate plan)."""
        if isinstance(flags, bool) or not isinstance(flags, int) or not 0 < flags < 1 << 64:
            raise ValueError(f"flags must be a mark bit (1, 2, 4, 8, 1<<32 ...), got {flags!r}")
        result = await self._core.call_raw(
            "TIMConvMarkConversation", orjson.dumps(_ids(convs)), flags, bool(on)
        )
        return _results("TIMConvMarkConversation", result)

    async def set_custom_data(
        self, convs: C2C | Group | Iterable[C2C | Group], data: str
    ) -> _Results:
        """Store application data (≤ 256 bytes) on conversations, in the cloud
        (``TIMConvSetConversationCustomData``)."""
        if not isinstance(data, str):
            raise TypeError("set_custom_data() data must be a str")
        if len(data.encode()) > 256:
            raise ValueError("conversation custom data is at most 256 bytes")
        result = await self._core.call_raw(
            "TIMConvSetConversationCustomData", orjson.dumps(_ids(convs)), data
        )
        return _results("TIMConvSetConversationCustomData", result)

    async def create(self, conv: C2C | Group) -> Conversation:
        """The conversation, created locally if it does not exist yet (``TIMConvCreate``,
        deprecated by Tencent: a conversation appears with its first message)."""
        conv = check_address(conv)
        result = await self._core.call_raw("TIMConvCreate", conv.id, conv.conv_type)
        if not isinstance(result, dict):
            raise PayloadError("TIMConvCreate", "expected a conversation object")
        return Conversation.from_json(result)

    async def subscribe_unread(self, filter: ConversationFilter) -> None:
        """Have :meth:`unread_by_filter` report the unread count of ``filter``'s conversations
        whenever it changes (``TIMConvSubscribeUnreadMessageCountByFilter``)."""
        await self._sync("TIMConvSubscribeUnreadMessageCountByFilter", self._flt(filter))

    async def unsubscribe_unread(self, filter: ConversationFilter) -> None:
        """Stop reporting ``filter``'s unread count
        (``TIMConvUnsubscribeUnreadMessageCountByFilter``)."""
        await self._sync("TIMConvUnsubscribeUnreadMessageCountByFilter", self._flt(filter))

    @staticmethod
    def _flt(filter: ConversationFilter) -> bytes:
        if not isinstance(filter, ConversationFilter):
            raise TypeError("expected an aiotim ConversationFilter")
        return orjson.dumps(filter.to_json())

    # -- conversation groups (Ultimate plan) ---------------------------------------------------

    async def create_group(self, name: str, convs: C2C | Group | Iterable[C2C | Group]) -> _Results:
        """Create a conversation group (a folder of conversations; name 1-32 bytes, at most 20
        groups) with these conversations (``TIMConvCreateConversationGroup``)."""
        _check_name(name)
        result = await self._core.call_raw(
            "TIMConvCreateConversationGroup", name, orjson.dumps(_ids(convs))
        )
        return _results("TIMConvCreateConversationGroup", result)

    async def groups(self) -> _Names:
        """The names of the conversation groups (``TIMConvGetConversationGroupList``)."""
        result = await self._core.call_raw("TIMConvGetConversationGroupList")
        if result is None:
            return []
        if not isinstance(result, list) or not all(isinstance(n, str) for n in result):
            raise PayloadError("TIMConvGetConversationGroupList", "expected an array of names")
        return result

    async def delete_group(self, name: str) -> None:
        """Delete a conversation group (its conversations stay)
        (``TIMConvDeleteConversationGroup``)."""
        _check_name(name)
        await self._core.call_raw("TIMConvDeleteConversationGroup", name)

    async def rename_group(self, old_name: str, new_name: str) -> None:
        """Rename a conversation group (``TIMConvRenameConversationGroup``)."""
        _check_name(old_name)
        _check_name(new_name)
        await self._core.call_raw("TIMConvRenameConversationGroup", old_name, new_name)

    async def add_to_group(self, name: str, convs: C2C | Group | Iterable[C2C | Group]) -> _Results:
        """Add conversations to a conversation group (``TIMConvAddConversationsToGroup``)."""
        _check_name(name)
        result = await self._core.call_raw(
            "TIMConvAddConversationsToGroup", name, orjson.dumps(_ids(convs))
        )
        return _results("TIMConvAddConversationsToGroup", result)

    async def remove_from_group(
        self, name: str, convs: C2C | Group | Iterable[C2C | Group]
    ) -> _Results:
        """Remove conversations from a conversation group
        (``TIMConvDeleteConversationsFromGroup``)."""
        _check_name(name)
        result = await self._core.call_raw(
            "TIMConvDeleteConversationsFromGroup", name, orjson.dumps(_ids(convs))
        )
        return _results("TIMConvDeleteConversationsFromGroup", result)

    def groups_created(self) -> Stream[ConversationGroupCreated]:
        """Conversation groups created (``TIMSetConvConversationGroupCreatedCallback``)."""
        return self._core._stream("TIMSetConvConversationGroupCreatedCallback")

    def groups_deleted(self) -> Stream[ConversationGroupDeleted]:
        """Conversation groups deleted (``TIMSetConvConversationGroupDeletedCallback``)."""
        return self._core._stream("TIMSetConvConversationGroupDeletedCallback")

    def groups_renamed(self) -> Stream[ConversationGroupRenamed]:
        """Conversation groups renamed (``TIMSetConvConversationGroupNameChangedCallback``)."""
        return self._core._stream("TIMSetConvConversationGroupNameChangedCallback")

    def added_to_groups(self) -> Stream[ConversationsAddedToGroup]:
        """Conversations added to a conversation group
        (``TIMSetConvConversationsAddedToGroupCallback``)."""
        return self._core._stream("TIMSetConvConversationsAddedToGroupCallback")

    def removed_from_groups(self) -> Stream[ConversationsDeletedFromGroup]:
        """Conversations removed from a conversation group
        (``TIMSetConvConversationsDeletedFromGroupCallback``)."""
        return self._core._stream("TIMSetConvConversationsDeletedFromGroupCallback")

    def unread_by_filter(self) -> Stream[UnreadTotalByFilterChanged]:
        """Unread counts of subscribed filters (:meth:`subscribe_unread`)
        (``TIMSetConvUnreadMessageCountChangedByFilterCallback``)."""
        return self._core._stream("TIMSetConvUnreadMessageCountChangedByFilterCallback")

    def changes(self) -> Stream[ConversationChanged]:
        """Conversations added, deleted or updated, one event per conversation
        (``TIMSetConvEventCallback``)."""
        return self._core._stream("TIMSetConvEventCallback")

    def unread_total(self) -> Stream[UnreadTotalChanged]:
        """Changes of the total unread message count
        (``TIMSetConvTotalUnreadMessageCountChangedCallback``)."""
        return self._core._stream("TIMSetConvTotalUnreadMessageCountChangedCallback")
