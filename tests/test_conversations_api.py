"""client.conversations against the loopback cloud: list, paging with filters, get, pin,
drafts, unread counts, marks, custom data and deletes."""

from __future__ import annotations

import pytest

import aiotim
from aiotim.domains.conversations import ConversationFilter
from aiotim.models.message import Text
from tests.helpers import cloud_and_clients, next_item

pytestmark = pytest.mark.anyio

ALICE, BOB, CAROL = aiotim.C2C("alice"), aiotim.C2C("bob"), aiotim.C2C("carol")


class TestConversations:
    async def test_list_get_and_pin(self) -> None:
        """list() orders by activity with pinned ones first; pin() shows in get() and in the
        changes() stream; unpinning restores the order."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            await bob.messages.send(ALICE, Text("from bob"))
            await carol.messages.send(ALICE, Text("from carol"))
            assert [c.conv for c in await alice.conversations.list()] == [CAROL, BOB]
            changes = alice.conversations.changes()
            await alice.conversations.pin(BOB)
            while True:  # earlier changes (the first messages) come first
                event = await next_item(changes)
                assert isinstance(event, aiotim.ConversationChanged)
                if event.conversation.is_pinned:
                    break
            assert event.conversation.conv == BOB
            assert [c.conv for c in await alice.conversations.list()] == [BOB, CAROL]
            [conv] = await alice.conversations.get(BOB)
            assert conv.is_pinned and conv.last_message is not None
            assert conv.show_name == "bob"
            await alice.conversations.pin(BOB, on=False)
            assert [c.conv for c in await alice.conversations.list()] == [CAROL, BOB]
            assert await alice.conversations.get(aiotim.C2C("nobody")) == []

    async def test_pages_and_filters(self) -> None:
        """page()/iter() walk every conversation in pages; filters by unread and mark."""
        async with cloud_and_clients("alice", "u0", "u1", "u2", "u3", "u4") as (_, clients):
            alice, others = clients[0], clients[1:]
            for i, other in enumerate(others):
                await other.messages.send(ALICE, Text(f"hi {i}"))
            first = await alice.conversations.page(count=2)
            assert len(first.conversations) == 2 and not first.is_finished
            every = [c.conv async for c in alice.conversations.iter(page=2)]
            assert sorted(c.id for c in every) == ["u0", "u1", "u2", "u3", "u4"]
            await alice.conversations.clear_unread(aiotim.C2C("u0"))
            unread = [
                c.conv.id
                async for c in alice.conversations.iter(ConversationFilter(has_unread=True))
            ]
            assert sorted(unread) == ["u1", "u2", "u3", "u4"]
            results = await alice.conversations.mark([aiotim.C2C("u1"), aiotim.C2C("nobody")], 1)
            assert [r.code for r in results] == [0, 6004]
            assert results[0].conversation_id == "c2c_u1"
            starred = await alice.conversations.page(ConversationFilter(mark_type=1))
            assert [c.conv.id for c in starred.conversations] == ["u1"]
            assert starred.conversations[0].marks == (1,)
            await alice.conversations.mark(aiotim.C2C("u1"), 1, on=False)
            starred = await alice.conversations.page(ConversationFilter(mark_type=1))
            assert starred.conversations == ()

    async def test_unread_counts_and_clear_unread(self) -> None:
        """total_unread() counts every conversation (or those of a filter); clear_unread()
        of one, then of all, brings it to 0."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            await bob.messages.send(ALICE, Text("1"))
            await bob.messages.send(ALICE, Text("2"))
            await carol.messages.send(ALICE, Text("3"))
            assert await alice.conversations.total_unread() == 3
            assert await alice.conversations.total_unread(ConversationFilter(conv_type=1)) == 3
            await alice.conversations.clear_unread(BOB)
            assert await alice.conversations.total_unread() == 1
            await alice.conversations.clear_unread()
            assert await alice.conversations.total_unread() == 0

    async def test_drafts_and_custom_data(self) -> None:
        """set_draft() shows as the conversation's draft; cancel_draft() removes it;
        set_custom_data() stores data (≤ 256 bytes)."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            await bob.messages.send(ALICE, Text("hi"))
            await alice.conversations.set_draft(BOB, "half a thought", user_define="ui")
            [conv] = await alice.conversations.get(BOB)
            assert conv.draft is not None and conv.draft.text == "half a thought"
            assert conv.draft.user_define == "ui" and conv.draft.edit_time > 0
            await alice.conversations.cancel_draft(BOB)
            [conv] = await alice.conversations.get(BOB)
            assert conv.draft is None
            [result] = await alice.conversations.set_custom_data(BOB, "folder=work")
            assert result.code == 0
            [conv] = await alice.conversations.get(BOB)
            assert conv.custom_data == "folder=work"
            with pytest.raises(ValueError, match="256"):
                await alice.conversations.set_custom_data(BOB, "x" * 257)

    async def test_delete_removes_the_conversation_and_its_history(self) -> None:
        """delete() removes the conversation and my history of it (the peer keeps theirs);
        delete_many(clear_messages=False) keeps the history."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            await bob.messages.send(ALICE, Text("hi"))
            await carol.messages.send(ALICE, Text("yo"))
            await alice.conversations.delete(BOB)
            assert [c.conv for c in await alice.conversations.list()] == [CAROL]
            assert await alice.messages.history(BOB) == []
            assert len(await bob.messages.history(ALICE)) == 1
            [result] = await alice.conversations.delete_many([CAROL], clear_messages=False)
            assert result.code == 0
            assert await alice.conversations.list() == []
            assert len(await alice.messages.history(CAROL)) == 1
            with pytest.raises(ValueError, match="at least one"):
                await alice.conversations.delete_many([])

    async def test_conversation_groups(self) -> None:
        """create_group / add_to_group / remove_from_group / rename_group / delete_group change
        the groups and their conversations, fire the group streams, and filter pages."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            await bob.messages.send(ALICE, Text("hi"))
            await carol.messages.send(ALICE, Text("yo"))
            created, renamed = (
                alice.conversations.groups_created(),
                alice.conversations.groups_renamed(),
            )
            added, removed = (
                alice.conversations.added_to_groups(),
                alice.conversations.removed_from_groups(),
            )
            deleted = alice.conversations.groups_deleted()
            [r] = await alice.conversations.create_group("work", BOB)
            assert r.code == 0
            event = await next_item(created)
            assert isinstance(event, aiotim.ConversationGroupCreated) and event.group_name == "work"
            assert await alice.conversations.groups() == ["work"]
            await alice.conversations.add_to_group("work", CAROL)
            assert isinstance(await next_item(added), aiotim.ConversationsAddedToGroup)
            page = await alice.conversations.page(ConversationFilter(conversation_group="work"))
            assert sorted(c.conv.id for c in page.conversations) == ["bob", "carol"]
            assert page.conversations[0].conversation_groups == ("work",)
            await alice.conversations.remove_from_group("work", CAROL)
            assert isinstance(await next_item(removed), aiotim.ConversationsDeletedFromGroup)
            await alice.conversations.rename_group("work", "job")
            event = await next_item(renamed)
            assert isinstance(event, aiotim.ConversationGroupRenamed)
            assert (event.old_name, event.new_name) == ("work", "job")
            await alice.conversations.delete_group("job")
            assert isinstance(await next_item(deleted), aiotim.ConversationGroupDeleted)
            assert await alice.conversations.groups() == []
            with pytest.raises(aiotim.TIMError) as info:
                await alice.conversations.delete_group("job")
            assert info.value.code == 51009
            with pytest.raises(ValueError, match="32 bytes"):
                await alice.conversations.create_group("x" * 33, BOB)

    async def test_create(self) -> None:
        """create() makes an empty conversation that list() shows, and returns it."""
        async with cloud_and_clients("alice") as (_, (alice,)):
            conv = await alice.conversations.create(BOB)
            assert conv.conv == BOB and conv.last_message is None
            assert [c.conv for c in await alice.conversations.list()] == [BOB]
