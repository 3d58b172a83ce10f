"""Group messages through the loopback, beyond sending: read receipts and read members, what a
late joiner sees, receive options, revoke, modify, search, pins, member search, and the
loopback's documented stand-ins for translation and speech-to-text."""

from __future__ import annotations

from pathlib import Path

import anyio
import orjson
import pytest

import aiotim
from aiotim import TIMError
from tests.helpers import cloud_and_clients, next_item

pytestmark = pytest.mark.anyio

NOT_RECEIVE, NOT_NOTIFY = 1, 2  # TIMReceiveMessageOpt


async def _next_message(stream: aiotim.Stream[aiotim.Message]) -> aiotim.Message:
    """The next message that is not a group tip."""
    while True:
        msg = await next_item(stream)
        assert isinstance(msg, aiotim.Message)
        if not isinstance(msg.elems[0], aiotim.GroupTipsElem | aiotim.GroupReportElem):
            return msg


async def test_group_read_receipts_and_read_members() -> None:
    """bob reports a message read: alice (the sender) gets the new counts, receipts() says 1
    read / 1 unread, read_members() lists bob as read and carol as unread; a second report
    changes nothing; reporting one's own message is refused."""
    async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
        group = await alice.groups.create("team", members=("bob", "carol"))
        inbox = bob.messages.new_messages()
        receipts = alice.messages.read_receipts()
        sent = await alice.messages.send(group, aiotim.Text("read me"), need_read_receipt=True)
        got = await _next_message(inbox)
        await bob.messages.send_receipts(got)
        event = await next_item(receipts)
        assert isinstance(event, aiotim.ReadReceiptReceived)
        assert event.receipt.msg_id == sent.id
        assert (event.receipt.read_count, event.receipt.unread_count) == (1, 1)
        [mine] = await alice.messages.receipts(sent)
        assert (mine.read_count, mine.unread_count) == (1, 1)
        read, _, done = await alice.messages.read_members(sent)
        assert [m.user_id for m in read] == ["bob"]
        assert done
        unread, _, _ = await alice.messages.read_members(sent, read=False)
        assert [m.user_id for m in unread] == ["carol"]
        await bob.messages.send_receipts(got)  # again: no change
        [mine] = await carol.messages.receipts(got)
        assert mine.read_count == 1
        with pytest.raises(TIMError):
            await alice.messages.send_receipts(sent)


async def test_late_joiner_history_by_group_type() -> None:
    """A Work group member who joins late does not see what was said before (nor can find it
    by id); in a Meeting group the late joiner sees the earlier history."""
    async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
        work = await alice.groups.create("work")
        await alice.messages.send_text(work, "before bob")
        await alice.groups.invite(work, ["bob"])
        await alice.messages.send_text(work, "after bob")
        texts = [m.text for m in await bob.messages.history(work) if m.text]
        assert texts == ["after bob"]
        meeting = await alice.groups.create("meet", group_type=aiotim.GroupType.MEETING)
        await alice.messages.send_text(meeting, "early")
        await bob.groups.join(meeting)
        texts = [m.text for m in await bob.messages.history(meeting) if m.text]
        assert texts == ["early"]


async def test_group_receive_options_are_honoured() -> None:
    """Not_Receive: bob gets nothing of the group (carol does); Not_Notify: bob gets the
    message but his unread count does not grow."""
    async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
        group = await alice.groups.create("quiet", members=("bob", "carol"))
        bob_in, carol_in = bob.messages.new_messages(), carol.messages.new_messages()
        await bob.messages.set_group_receive_option(group.id, NOT_RECEIVE)
        await alice.messages.send_text(group, "one")
        assert (await _next_message(carol_in)).text == "one"
        await bob.messages.set_group_receive_option(group.id, NOT_NOTIFY)
        await alice.messages.send_text(group, "two")
        assert (await _next_message(bob_in)).text == "two"
        assert (await _next_message(carol_in)).text == "two"
        [conv] = await bob.conversations.get([group])
        assert conv.unread_count == 0


async def test_group_revoke_modify_and_search() -> None:
    """In a group: the sender revokes within the window and every member is told; a member
    cannot revoke another's message (10007) but the owner can; a modify reaches the members;
    local and cloud search find group messages."""
    async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
        group = await alice.groups.create(
            "pub", group_type=aiotim.GroupType.PUBLIC, members=("bob", "carol")
        )
        revokes = carol.messages.revokes()
        inbox = carol.messages.new_messages()
        mine = await bob.messages.send_text(group, "oops")
        await _next_message(inbox)
        await bob.messages.revoke(mine)
        event = await next_item(revokes)
        assert isinstance(event, aiotim.MessageRevoked)
        assert event.revoker == "bob"
        theirs = await alice.messages.send_text(group, "owner speaks")
        with pytest.raises(TIMError) as err:
            await bob.messages.revoke(theirs)
        assert err.value.code == 10007
        other = await bob.messages.send_text(group, "rude")
        await alice.messages.revoke(other)  # the owner revokes a member's message
        modified = carol.messages.modified()
        note = await alice.messages.send(group, aiotim.Text("draft"))
        await alice.messages.modify(note, aiotim.Text("final"))
        change = await next_item(modified)
        assert isinstance(change, aiotim.MessageModified)
        assert change.message.text == "final"
        found = await carol.messages.search_local("final")
        assert found.total_count == 1
        found = await carol.messages.search_cloud("speaks", conv=group)
        assert [m.text for item in found.items for m in item.messages] == ["owner speaks"]


async def test_pins() -> None:
    """The owner pins a message: members are told, pinned() lists it with the pinner; pinning
    it again is 10071; an ordinary member of a Public group may not pin (10007); unpinning
    empties the list."""
    async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
        group = await alice.groups.create(
            "pins", group_type=aiotim.GroupType.PUBLIC, members=("bob",)
        )
        pins = bob.events(aiotim.GroupMessagePinned)
        msg = await alice.messages.send_text(group, "rules")
        await alice.messages.pin(group.id, msg)
        event = await next_item(pins)
        assert isinstance(event, aiotim.GroupMessagePinned)
        assert (event.is_pinned, event.op_user, event.message.id) == (True, "alice", msg.id)
        [pinned] = await bob.messages.pinned(group.id)
        assert pinned.id == msg.id
        assert pinned.raw["message_pinner_user_id"] == "alice"
        with pytest.raises(TIMError) as err:
            await alice.messages.pin(group.id, msg)
        assert err.value.code == 10071
        with pytest.raises(TIMError) as err:
            await bob.messages.unpin(group.id, msg)
        assert err.value.code == 10007
        await alice.messages.unpin(group.id, msg)
        assert await bob.messages.pinned(group.id) == []


async def test_search_group_members() -> None:
    """search_members finds members of one's groups by user id (case-insensitive)."""
    async with cloud_and_clients("alice", "bob", "bobby", "carol") as (_, (alice, *_rest)):
        g1 = await alice.groups.create("g1", members=("bob", "carol"))
        g2 = await alice.groups.create("g2", members=("bobby",))
        found = await alice.groups.search_members(["BOB"])
        assert {gid: sorted(m.user_id for m in ms) for gid, ms in found.items()} == {
            g1.id: ["bob"],
            g2.id: ["bobby"],
        }
        only = await alice.groups.search_members(["bob"], groups=[g2])
        assert list(only) == [g2.id]


async def test_translate_and_voice_to_text_fakes(tmp_path: Path) -> None:
    """The loopback's documented deterministic fakes: a translation is "[<target>] <text>";
    the transcript of a voice message is its file's bytes as UTF-8."""
    async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
        [result] = await alice.messages.translate(["hello"], "fr")
        assert (result.source, result.target) == ("hello", "[fr] hello")
        voice = tmp_path / "v.amr"
        voice.write_text("see you at noon")
        inbox = bob.messages.new_messages()
        await alice.messages.send_sound(aiotim.C2C("bob"), voice, 2)
        msg = await next_item(inbox)
        assert isinstance(msg, aiotim.Message)
        elem = msg.elems[0]
        assert isinstance(elem, aiotim.SoundElem)
        with anyio.fail_after(10):
            assert await bob.messages.voice_to_text(elem.url) == "see you at noon"


async def test_unread_count_subscription_by_filter() -> None:
    """subscribe_unread(filter): bob is told the unread count of his group conversations now
    (0), after each group message (1, 2; one-to-one messages do not count), and after he
    reads them (0); after unsubscribe_unread nothing more is reported."""
    async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
        group = await alice.groups.create("counted", members=("bob",))
        inbox = bob.messages.new_messages(conv=group)
        counts = bob.conversations.unread_by_filter()
        groups_only = aiotim.ConversationFilter(conv_type=2)
        await bob.conversations.subscribe_unread(groups_only)

        async def next_total() -> int:
            event = await next_item(counts)
            assert isinstance(event, aiotim.UnreadTotalByFilterChanged)
            assert event.filter == {"conversation_list_filter_conv_type": 2}
            return event.total

        start = await next_total()
        await alice.messages.send_text(group, "one")
        await alice.messages.send_text(aiotim.C2C("bob"), "not a group")
        await alice.messages.send_text(group, "two")
        assert [await next_total() for _ in range(2)] == [start + 1, start + 2]
        await bob.messages.mark_read(group)
        assert await next_total() == 0
        await bob.conversations.unsubscribe_unread(groups_only)
        await bob.conversations.total_unread()  # a round trip: the unsubscribe was handled
        await alice.messages.send_text(group, "three")
        while (got := await next_item(inbox)) and got.text != "three":  # type: ignore[attr-defined]
            pass
        await bob.conversations.total_unread()  # anything sent after it has arrived
        assert len(counts) == 0


async def test_replies_are_recorded_on_the_thread_root() -> None:
    """As Tencent's UI kits do, a reply adds itself to its thread root's ``messageReplies``
    (cloud_custom_data, TIMMsgModifyMessage): two replies in a group thread (one to the
    other) are both listed on the root, which members see modified; a quote adds nothing."""
    async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
        group = await alice.groups.create("thread", members=("bob", "carol"))
        root = await alice.messages.send_text(group, "root")
        first = await bob.messages.reply(root, aiotim.Text("first"))
        await carol.messages.reply(first, aiotim.Text("second"))
        await carol.messages.reply(root, aiotim.Text("just a quote"), quote=True)
        [stored] = await alice.messages.find([root.id])
        data = orjson.loads(stored.cloud_custom_data)
        replies = data["messageReplies"]["replies"]
        assert [(r["messageAbstract"], r["messageSender"]) for r in replies] == [
            ("first", "bob"),
            ("second", "carol"),
        ]
        assert data["version"] == "1"


async def test_saved_and_imported_messages_stay_with_their_user() -> None:
    """save() and import_messages() put messages in the caller's conversation only: alice's
    history shows them (imported ones with status LOCAL_IMPORTED and their own sender), bob's
    does not, and nothing is delivered to him."""
    async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
        inbox = bob.messages.new_messages()
        await alice.messages.save(aiotim.C2C("bob"), aiotim.Text("a note"))
        sent = await bob.messages.send_text(aiotim.C2C("alice"), "hi alice")
        await alice.messages.import_messages(aiotim.C2C("bob"), [sent])
        mine = await alice.messages.history(aiotim.C2C("bob"))
        assert [m.text for m in mine] == ["hi alice", "hi alice", "a note"]
        assert mine[0].status == aiotim.MsgStatus.LOCAL_IMPORTED
        assert mine[0].sender == "bob"
        theirs = await bob.messages.history(aiotim.C2C("alice"))
        assert [m.text for m in theirs] == ["hi alice"]
        await alice.messages.send_text(aiotim.C2C("bob"), "sync")
        got = await next_item(inbox)
        assert isinstance(got, aiotim.Message)
        assert got.text == "sync"
