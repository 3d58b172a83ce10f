"""client.messages against the loopback cloud: every element typed, send options, reply,
@mentions, revoke, modify, receipts, delete, find, search and history paging."""

from __future__ import annotations

import orjson
import pytest

import aiotim
from aiotim.errors import TIMError
from aiotim.loopback.handlers import messages as lb_messages
from aiotim.models.message import (
    AT_ALL,
    AT_ALL_V2,
    Custom,
    Face,
    FaceElem,
    File,
    FileElem,
    FriendChangeElem,
    GroupReportElem,
    GroupTipsElem,
    Image,
    ImageElem,
    Location,
    LocationElem,
    MergerElem,
    Message,
    MessageStatus,
    Priority,
    ProfileChangeElem,
    Sound,
    SoundElem,
    Text,
    UnknownElem,
    Video,
    VideoElem,
)
from tests.helpers import cloud_and_clients, next_item

pytestmark = pytest.mark.anyio

BOB = aiotim.C2C("bob")
ALICE = aiotim.C2C("alice")


def _msg(**extra: object) -> dict[str, object]:
    return {
        "message_msg_id": "m1",
        "message_conv_id": "g1",
        "message_conv_type": 2,
        "message_sender": "alice",
        "message_elem_array": [{"elem_type": 0, "text_elem_content": "hi"}],
        **extra,
    }


class TestElements:
    async def test_every_sendable_non_media_element_arrives_typed(self) -> None:
        """Text, Custom, Face and Location in one message reach the peer as typed elements
        with every field intact."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            inbox = bob.messages.new_messages()
            sent = await alice.messages.send(
                BOB,
                Text("hello"),
                Custom("data", "desc", "ext"),
                Face(7, "face-data"),
                Location("office", 113.93, 22.54),
            )
            got = await next_item(inbox)
            assert isinstance(got, Message)
            assert got.id == sent.id
            assert got.elems == (
                aiotim.TextElem("hello"),
                aiotim.CustomElem("data", "desc", "ext"),
                FaceElem(7, "face-data"),
                LocationElem("office", 113.93, 22.54),
            )
            assert got.text == "hello"

    async def test_media_elements_are_uploaded(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        """Image/Sound/Video/File sends upload their files (tests/test_media.py has the
        details): the peer gets ids and URLs, never the sender's local path."""
        pic = tmp_path / "a.png"
        pic.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            for elem in (
                Image(pic),
                Sound(pic, 3),
                Video(pic, 4, pic),
                File(pic),
            ):
                await alice.messages.send(BOB, elem)
            got = await bob.messages.history(aiotim.C2C("alice"))
            assert len(got) == 4
            assert all(str(pic) not in str(m.raw) for m in got)

    def test_media_constructors_write_the_sender_keys(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        """The constructors fill the W keys of the spec (absolute path, size, duration, name)."""
        f = tmp_path / "report.pdf"
        f.write_bytes(b"x" * 10)
        assert File(f).to_json() == {
            "elem_type": 4,
            "file_elem_file_path": str(f),
            "file_elem_file_name": "report.pdf",
            "file_elem_file_size": 10,
        }
        assert Sound(f, 5).to_json()["sound_elem_file_time"] == 5
        assert Image(f).to_json()["image_elem_level"] == 1
        v = Video(f, 9, f).to_json()
        assert v["video_elem_video_duration"] == 9 and v["video_elem_image_path"] == str(f)
        with pytest.raises(ValueError, match="level"):
            Image(f, level=5)
        with pytest.raises(TypeError):
            Face("1")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="latitude"):
            Location("x", 0, 91)

    def test_every_element_type_decodes_typed(self) -> None:
        """Element types 0-12 decode to their classes with the spec's keys; UnknownElem only for
        a type the SDK adds later."""
        elems = [
            {"elem_type": 0, "text_elem_content": "t"},
            {
                "elem_type": 1,
                "image_elem_orig_path": "/p.png",
                "image_elem_level": 1,
                "image_elem_format": 3,
                "image_elem_orig_id": "o",
                "image_elem_orig_pic_width": 800,
                "image_elem_orig_pic_height": 600,
                "image_elem_orig_pic_size": 1234,
                "image_elem_orig_url": "https://x/o",
                "image_elem_thumb_id": "t",
                "image_elem_thumb_pic_width": 198,
                "image_elem_thumb_url": "https://x/t",
                "image_elem_large_id": "l",
                "image_elem_large_pic_height": 720,
                "image_elem_large_url": "https://x/l",
            },
            {
                "elem_type": 2,
                "sound_elem_file_size": 99,
                "sound_elem_file_time": 4,
                "sound_elem_file_id": "s",
                "sound_elem_url": "u",
                "sound_elem_business_id": 0,
            },
            {"elem_type": 3, "custom_elem_data": "d"},
            {
                "elem_type": 4,
                "file_elem_file_name": "a.txt",
                "file_elem_file_size": 5,
                "file_elem_file_id": "f",
                "file_elem_url": "u",
            },
            {
                "elem_type": 5,
                "group_tips_elem_tip_type": 1,
                "group_tips_elem_group_id": "g",
                "group_tips_elem_op_user": "alice",
                "group_tips_elem_user_array": ["bob"],
                "group_tips_elem_member_num": 2,
                "group_tips_elem_op_user_info": {"user_profile_identifier": "alice"},
            },
            {"elem_type": 6, "face_elem_index": 3, "face_elem_buf": "b"},
            {
                "elem_type": 7,
                "location_elem_desc": "d",
                "location_elem_longitude": 1,
                "location_elem_latitude": 2.5,
            },
            {
                "elem_type": 8,
                "group_report_elem_report_type": 5,
                "group_report_elem_group_id": "g",
                "group_report_elem_op_user": "admin",
                "group_report_elem_msg": "bye",
            },
            {
                "elem_type": 9,
                "video_elem_video_type": "mp4",
                "video_elem_video_size": 10,
                "video_elem_video_duration": 3,
                "video_elem_video_id": "v",
                "video_elem_video_url": "vu",
                "video_elem_image_id": "i",
                "video_elem_image_url": "iu",
                "video_elem_image_width": 320,
            },
            {
                "elem_type": 10,
                "friend_change_elem_change_type": 1,
                "friend_change_elem_friend_add_identifier_array": ["x"],
            },
            {
                "elem_type": 11,
                "profile_change_elem_change_type": 1,
                "profile_change_elem_from_identifier": "bob",
            },
            {
                "elem_type": 12,
                "merge_elem_title": "chat",
                "merge_elem_abstract_array": ["a: hi"],
                "merge_elem_compatible_text": "upgrade",
                "merge_elem_message_array": [_msg()],
            },
            {"elem_type": 42, "future": True},
        ]
        m = Message.from_json(_msg(message_elem_array=elems))
        types = [type(e) for e in m.elems]
        assert types == [
            aiotim.TextElem,
            ImageElem,
            SoundElem,
            aiotim.CustomElem,
            FileElem,
            GroupTipsElem,
            FaceElem,
            LocationElem,
            GroupReportElem,
            VideoElem,
            FriendChangeElem,
            ProfileChangeElem,
            MergerElem,
            UnknownElem,
        ]
        img = m.elems[1]
        assert isinstance(img, ImageElem)
        assert (img.original.url, img.original.width, img.original.height, img.original.size) == (
            "https://x/o",
            800,
            600,
            1234,
        )
        assert img.original.uuid == "o" and img.thumbnail.width == 198 and img.large.uuid == "l"
        assert img.format == 3 and img.path == "/p.png"
        snd, file, tips = m.elems[2], m.elems[4], m.elems[5]
        assert isinstance(snd, SoundElem) and (snd.size, snd.duration_s, snd.uuid) == (99, 4, "s")
        assert isinstance(file, FileElem) and (file.name, file.size) == ("a.txt", 5)
        assert isinstance(tips, GroupTipsElem) and tips.users == ("bob",)
        assert tips.op_user_profile is not None and tips.op_user_profile.user_id == "alice"
        report, video, merger = m.elems[8], m.elems[9], m.elems[12]
        assert isinstance(report, GroupReportElem) and report.message == "bye"
        assert isinstance(video, VideoElem) and (video.url, video.snapshot_url) == ("vu", "iu")
        assert video.snapshot_width == 320 and video.duration_s == 3
        assert isinstance(merger, MergerElem) and merger.title == "chat"
        assert [x.text for x in merger.messages] == ["hi"]
        friend, profile = m.elems[10], m.elems[11]
        assert isinstance(friend, FriendChangeElem) and friend.added == ("x",)
        assert isinstance(profile, ProfileChangeElem) and profile.user_id == "bob"

    def test_message_fields(self) -> None:
        """status is a MessageStatus, priority a Priority; at_users, is_at, both @all spellings,
        cloud data, receipts and online-only are read from their keys."""
        m = Message.from_json(
            _msg(
                message_status=6,
                message_priority=0,
                message_group_at_user_array=["bob"],
                message_cloud_custom_str="x",
                message_need_read_receipt=True,
                message_receipt_peer_read=True,
                message_is_online_msg=True,
            )
        )
        assert m.status is MessageStatus.REVOKED and m.priority is Priority.HIGH
        assert m.at_users == ("bob",) and m.is_at("bob") and not m.is_at("carol")
        assert not m.is_at_all and m.cloud_custom_data == "x" and m.reply_to is None
        assert m.need_read_receipt and m.is_peer_read and m.is_online_only
        for marker in (AT_ALL, AT_ALL_V2):
            everyone = Message.from_json(_msg(message_group_at_user_array=[marker]))
            assert everyone.is_at_all and everyone.is_at("carol")


class TestSendOptions:
    async def test_options_travel_with_the_message(self) -> None:
        """priority, need_read_receipt and cloud_custom_data reach the peer; exclude_from_unread
        leaves the unread count alone; at= needs a group."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            inbox = bob.messages.new_messages()
            await alice.messages.send(
                BOB,
                Text("x"),
                priority=Priority.HIGH,
                need_read_receipt=True,
                cloud_custom_data='{"k": 1}',
                exclude_from_unread=True,
            )
            got = await next_item(inbox)
            assert isinstance(got, Message)
            assert got.priority is Priority.HIGH and got.need_read_receipt
            assert got.cloud_custom_data == '{"k": 1}'
            [conv] = await bob.conversations.get(ALICE)
            assert conv.unread_count == 0
            with pytest.raises(ValueError, match="group"):
                await alice.messages.send(BOB, Text("x"), at=["bob"])
            with pytest.raises(ValueError, match="at least one"):
                await alice.messages.send(BOB)
            with pytest.raises(TypeError):
                await alice.messages.send(BOB, "plain str")  # type: ignore[arg-type]

    async def test_online_only_reaches_a_connected_peer_and_is_not_stored(self) -> None:
        """online_only=True: the connected peer sees it (is_online_only), history does not."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            inbox = bob.messages.new_messages()
            await alice.messages.send(BOB, Text("typing"), online_only=True)
            got = await next_item(inbox)
            assert isinstance(got, Message) and got.is_online_only
            assert await bob.messages.history(ALICE) == []


class TestReply:
    async def test_reply_carries_the_uikit_reference_and_keeps_the_thread_root(self) -> None:
        """reply() writes messageReply (id, abstract, sender, V2 type, seq, root); the peer
        decodes it as reply_to; a reply to the reply keeps the thread root; quote=True has none."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            inbox = bob.messages.new_messages()
            root = await alice.messages.send(BOB, Text("question"))
            parent = await next_item(inbox)
            assert isinstance(parent, Message)
            answer = await bob.messages.reply(parent, Text("answer"))
            ref = answer.reply_to
            assert ref is not None
            assert (ref.msg_id, ref.abstract, ref.sender, ref.root_id) == (
                root.id,
                "question",
                "alice",
                root.id,
            )
            assert ref.elem_type == 0 and ref.seq == root.seq and not ref.is_quote
            data = orjson.loads(answer.cloud_custom_data)
            assert data["messageReply"]["messageType"] == 1  # V2TIMElemType text
            again = await alice.messages.reply(answer, Text("thanks"))
            assert again.reply_to is not None and again.reply_to.root_id == root.id
            quote = await alice.messages.reply(answer, Text("q"), quote=True)
            assert quote.reply_to is not None and quote.reply_to.is_quote


class TestRevokeModify:
    async def test_revoke_is_seen_by_the_peer(self) -> None:
        """The peer's revokes() stream gets the locator and reason; history shows REVOKED."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            revokes = bob.messages.revokes()
            msg = await alice.messages.send(BOB, Text("oops"))
            await alice.messages.revoke(msg, reason="typo")
            event = await next_item(revokes)
            assert isinstance(event, aiotim.MessageRevoked)
            assert event.locator.seq == msg.seq and event.reason == "typo"
            [seen] = await bob.messages.history(ALICE)
            assert seen.status is MessageStatus.REVOKED

    async def test_revoke_window(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """After the revoke window the server refuses with 20016 (ERR_SVR_MSG_REVOKE_TIME_LIMIT)."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, _bob)):
            msg = await alice.messages.send(BOB, Text("old"))
            monkeypatch.setattr(lb_messages, "REVOKE_LIMIT_S", -1)
            with pytest.raises(TIMError) as info:
                await alice.messages.revoke(msg)
            assert info.value.code == 20016

    async def test_modify_is_seen_by_both_sides_and_conflicts_with_a_stale_copy(self) -> None:
        """modify() changes text and cloud data; both modified() streams see it; modifying the
        stale copy again fails with 8006."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            mine, theirs = alice.messages.modified(), bob.messages.modified()
            msg = await alice.messages.send(BOB, Text("helo"))
            new = await alice.messages.modify(msg, Text("hello"), cloud_custom_data="edited")
            assert new.text == "hello" and new.cloud_custom_data == "edited"
            for stream in (mine, theirs):
                event = await next_item(stream)
                assert isinstance(event, aiotim.MessageModified)
                assert event.message.text == "hello" and event.message.id == msg.id
            with pytest.raises(TIMError) as info:
                await bob.messages.modify(msg, Text("stale"))
            assert info.value.code == 8006
            [stored] = await bob.messages.history(ALICE)
            assert stored.text == "hello"


class TestReceipts:
    async def test_c2c_message_read_receipt(self) -> None:
        """bob sends a receipt for a message that asked for one: alice's read_receipts() gets
        it, receipts() and history say the peer read it."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            inbox, receipts = bob.messages.new_messages(), alice.messages.read_receipts()
            msg = await alice.messages.send(BOB, Text("read me"), need_read_receipt=True)
            got = await next_item(inbox)
            assert isinstance(got, Message) and got.need_read_receipt
            await bob.messages.send_receipts(got)
            event = await next_item(receipts)
            assert isinstance(event, aiotim.ReadReceiptReceived)
            assert event.receipt.msg_id == msg.id and event.receipt.is_peer_read
            [r] = await alice.messages.receipts(msg)
            assert r.is_peer_read and r.read_count == 1
            [mine] = await alice.messages.history(BOB)
            assert mine.is_peer_read
            with pytest.raises(TIMError):
                await alice.messages.send_receipts(msg)  # not a received message

    async def test_mark_read_sends_a_conversation_receipt(self) -> None:
        """mark_read() clears bob's unread count and alice gets a conversation-level receipt."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            receipts = alice.messages.read_receipts()
            await alice.messages.send(BOB, Text("a"))
            await alice.messages.send(BOB, Text("b"))
            await bob.messages.mark_read(ALICE, upto=(await bob.messages.history(ALICE))[0])
            event = await next_item(receipts)
            assert isinstance(event, aiotim.ReadReceiptReceived) and event.receipt.msg_id == ""
            [conv] = await bob.conversations.get(ALICE)
            assert conv.unread_count == 0
            await bob.messages.mark_all_read()


class TestDeleteFindSearch:
    async def test_delete_find_and_clear_history(self) -> None:
        """delete() hides messages for me only; find() returns them with DELETED; clear_history
        empties my view of the conversation."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            sent = [await alice.messages.send(BOB, Text(f"m{i}")) for i in range(4)]
            await alice.messages.delete(sent[0])
            await alice.messages.delete(sent[1:3])
            assert [m.text for m in await alice.messages.history(BOB)] == ["m3"]
            assert len(await bob.messages.history(ALICE)) == 4
            found = await alice.messages.find([sent[0].id, sent[3].id, "nope"])
            assert [(m.id, m.status) for m in found] == [
                (sent[0].id, MessageStatus.DELETED),
                (sent[3].id, MessageStatus.SENT),
            ]
            await bob.messages.clear_history(ALICE)
            assert await bob.messages.history(ALICE) == []
            assert len(await alice.messages.history(BOB)) == 1

    async def test_search_local_and_cloud_find_what_was_sent(self) -> None:
        """search_local/search_cloud find sent messages by keyword (any / all), sender and
        conversation; revoked ones never match; the cloud search pages with a cursor."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            await alice.messages.send(BOB, Text("apple pie"))
            await alice.messages.send(BOB, Custom("x", description="apple juice"))
            gone = await alice.messages.send(BOB, Text("apple secret"))
            await alice.messages.revoke(gone)
            await carol.messages.send(BOB, Text("banana"))
            r = await bob.messages.search_local("apple", conv=ALICE)
            assert r.total_count == 2 and len(r.messages) == 2
            assert {m.sender for m in r.messages} == {"alice"}
            r = await bob.messages.search_local(["apple", "pie"], conv=ALICE, match_all=True)
            assert [m.text for m in r.messages] == ["apple pie"]
            r = await bob.messages.search_local(["apple", "banana"])
            assert r.total_count == 2  # conversations
            counts = {item.conv: item.total_message_count for item in r.items}
            assert counts == {ALICE: 2, aiotim.C2C("carol"): 1}
            r = await bob.messages.search_local(senders=["carol"])
            assert [m.text for m in r.messages] == ["banana"]
            page1 = await bob.messages.search_cloud("apple", conv=ALICE, count=1)
            assert len(page1.messages) == 1 and page1.cursor
            page2 = await bob.messages.search_cloud(
                "apple", conv=ALICE, count=1, cursor=page1.cursor
            )
            assert len(page2.messages) == 1 and page2.cursor == ""
            assert page1.messages[0].id != page2.messages[0].id
            with pytest.raises(ValueError, match="keywords"):
                await bob.messages.search_local()


class TestHistory:
    async def test_paging_over_a_thousand_messages(self) -> None:
        """iter_history yields all 1,000 messages newest first, once each; history(after=)
        pages forward, oldest first."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, _bob)):
            for i in range(1000):
                await alice.messages.send(BOB, Text(str(i)))
            seen = [int(m.text or "-1") async for m in alice.messages.iter_history(BOB, page=97)]
            assert seen == list(range(999, -1, -1))
            first = await alice.messages.history(BOB, count=10)
            oldest = (await alice.messages.history(BOB, count=1, before=first[-1]))[0]
            newer = await alice.messages.history(BOB, count=3, after=oldest)
            assert [m.text for m in newer] == ["990", "991", "992"]
            with pytest.raises(ValueError, match="not both"):
                await alice.messages.history(BOB, before=first[0], after=first[1])


class TestMoreCalls:
    async def test_batch_send_cancel_and_locators(self) -> None:
        """batch_send() delivers one message per user and reports each; cancel_send() of a sent
        message fails with 8020; find_by_locators() finds a revoked message from its event."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            results = await alice.messages.batch_send(["bob", "carol"], Text("news"))
            assert [(r.user_id, r.code) for r in results] == [("bob", 0), ("carol", 0)]
            assert all(r.message is not None and r.message.text == "news" for r in results)
            assert [m.text for m in await carol.messages.history(ALICE)] == ["news"]
            msg = results[0].message
            assert msg is not None
            with pytest.raises(TIMError) as info:
                await alice.messages.cancel_send(BOB, msg.id)
            assert info.value.code == 8020
            revokes = bob.messages.revokes()
            await alice.messages.revoke(msg)
            event = await next_item(revokes)
            assert isinstance(event, aiotim.MessageRevoked)
            [found] = await bob.messages.find_by_locators(ALICE, [event.locator])
            assert found.id == msg.id and found.status is MessageStatus.REVOKED

    async def test_receive_options(self) -> None:
        """C2C receive options are stored per user; the global option is reported back and
        through the option stream."""
        async with cloud_and_clients("alice") as (_, (alice,)):
            await alice.messages.set_receive_option(["bob", "carol"], 2)
            assert await alice.messages.receive_options(["bob", "dave"]) == {"bob": 2, "dave": 0}
            await alice.messages.set_global_receive_option(2, start_hour=22, duration_s=3600)
            info = await alice.messages.global_receive_option()
            assert (info.level, info.start_hour, info.duration) == (2, 22, 3600)
            await alice.messages.set_global_receive_option_at(
                3, start_time=1_700_000_000, duration_s=60
            )
            info = await alice.messages.global_receive_option()
            assert (info.level, info.start_time_stamp) == (3, 1_700_000_000)
            with pytest.raises(TIMError):
                await alice.messages.set_global_receive_option(1)  # Not_Receive is not allowed


class TestMentions:
    async def test_at_mentions_in_a_group(self) -> None:
        """at= reaches group members as at_users; is_at(me) for the mentioned one only; AT_ALL
        (either spelling sent) arrives as the C spelling and is_at_all for everyone."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            group = await alice.groups.create("team", members=["bob", "carol"])
            bob_in, carol_in = (
                bob.messages.new_messages(conv=group),
                carol.messages.new_messages(conv=group),
            )
            await alice.messages.send(group, Text("@bob look"), at=["bob"])
            for client, inbox in ((bob, bob_in), (carol, carol_in)):
                got = await next_item(inbox)
                while isinstance(got, Message) and got.text is None:  # group tips first
                    got = await next_item(inbox)
                assert isinstance(got, Message) and got.text == "@bob look"
                assert got.at_users == ("bob",)
                assert got.is_at(client.user_id or "") is (client is bob)
            await alice.messages.send(group, Text("all hands"), at=[AT_ALL_V2])
            got = await next_item(carol_in)
            assert isinstance(got, Message)
            assert got.at_users == (AT_ALL,) and got.is_at_all and got.is_at("carol")

    async def test_is_at_me_per_recipient(self) -> None:
        """msg.is_at_me is per recipient: true for the mentioned member's copy (new message and
        history), false for the others' and for the sender's own; @all marks every member but
        the sender."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            group = await alice.groups.create("team", members=["bob", "carol"])
            inboxes = {
                c: c.messages.new_messages(conv=group, where=lambda m: m.text is not None)
                for c in (bob, carol)
            }
            sent = await alice.messages.send(group, Text("@bob look"), at=["bob"])
            assert not sent.is_at_me
            seen = {c: await next_item(inbox) for c, inbox in inboxes.items()}
            assert [m.is_at_me for m in seen.values() if isinstance(m, Message)] == [True, False]
            (bob_copy,) = [m for m in await bob.messages.history(group) if m.text == "@bob look"]
            (carol_copy,) = [m for m in await carol.messages.history(group) if m.text]
            assert bob_copy.is_at_me and not carol_copy.is_at_me
            (own,) = [m for m in await alice.messages.history(group) if m.text]
            assert not own.is_at_me
            await alice.messages.send(group, Text("all hands"), at=[AT_ALL])
            for inbox in inboxes.values():
                got = await next_item(inbox)
                assert isinstance(got, Message) and got.is_at_me


class TestExtensionsReactions:
    async def test_extensions(self) -> None:
        """set_extensions/extensions/delete_extensions on a message sent with
        support_extensions; the peer's streams see the changes; unknown key 23004."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            changed, deleted = bob.messages.extension_changes(), bob.messages.extension_deletions()
            msg = await alice.messages.send(BOB, Text("poll"), support_extensions=True)
            await alice.messages.set_extensions(msg, {"yes": "1", "no": "0"})
            event = await next_item(changed)
            assert isinstance(event, aiotim.MessageExtensionsChanged)
            assert event.msg_id == msg.id and event.extensions == {"yes": "1", "no": "0"}
            got = await bob.messages.extensions(msg)
            assert {e.key: e.value for e in got} == {"yes": "1", "no": "0"}
            await bob.messages.delete_extensions(msg, ["no"])
            event = await next_item(deleted)
            assert isinstance(event, aiotim.MessageExtensionsDeleted) and event.keys == ("no",)
            with pytest.raises(TIMError) as info:
                await bob.messages.delete_extensions(msg, ["no"])
            assert info.value.code == 23004
            plain = await alice.messages.send(BOB, Text("plain"))
            with pytest.raises(TIMError):
                await alice.messages.set_extensions(plain, {"k": "v"})

    async def test_reactions(self) -> None:
        """add_reaction/remove_reaction change reactions() and reaction_users(); both sides'
        reaction_changes() see it; reacting twice 23007, removing an unknown one 23008."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            changes = alice.messages.reaction_changes()
            msg = await alice.messages.send(BOB, Text("nice"))
            await bob.messages.add_reaction(msg, "like")
            event = await next_item(changes)
            assert isinstance(event, aiotim.ReactionsChanged)
            assert event.change.msg_id == msg.id
            assert event.change.reactions[0].total_user_count == 1
            await alice.messages.add_reaction(msg, "like")
            reactions = await alice.messages.reactions(msg)
            [like] = reactions[msg.id]
            assert (like.reaction_id, like.total_user_count, like.reacted_by_me) == (
                "like",
                2,
                True,
            )
            users, _, finished = await alice.messages.reaction_users(msg, "like")
            assert [u.user_id for u in users] == ["bob", "alice"] and finished
            with pytest.raises(TIMError) as info:
                await bob.messages.add_reaction(msg, "like")
            assert info.value.code == 23007
            with pytest.raises(TIMError) as info:
                await bob.messages.remove_reaction(msg, "wow")
            assert info.value.code == 23008
            await bob.messages.remove_reaction(msg, "like")
            [like] = (await bob.messages.reactions(msg))[msg.id]
            assert like.total_user_count == 1 and not like.reacted_by_me


class TestForward:
    async def test_forward_merged_and_one_by_one(self) -> None:
        """forward(merged=True) sends one MergerElem (title, abstracts, inline messages) that
        download_merged() expands; merged=False resends each message."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            inbox = carol.messages.new_messages()
            a = await alice.messages.send(BOB, Text("one"))
            b = await alice.messages.send(BOB, Text("two"))
            [fwd] = await bob.messages.forward([a, b], CAROL := aiotim.C2C("carol"), title="log")
            got = await next_item(inbox)
            assert isinstance(got, Message) and got.id == fwd.id
            [elem] = got.elems
            assert isinstance(elem, MergerElem) and elem.title == "log"
            assert elem.abstracts == ("alice: one", "alice: two")
            assert [m.text for m in elem.messages] == ["one", "two"]
            expanded = await carol.messages.download_merged(got)
            assert [m.id for m in expanded] == [a.id, b.id]
            again = await bob.messages.forward([a, b], CAROL, merged=False)
            assert [m.text for m in again] == ["one", "two"]


class TestLimits:
    async def test_body_over_12_kb_is_refused_with_8001(self) -> None:
        """A message body over 12 KB fails with 8001 (ERR_SDK_MSG_BODY_SIZE_LIMIT); 12 KB passes."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, _bob)):
            await alice.messages.send(BOB, Text("x" * 12 * 1024))
            with pytest.raises(TIMError) as info:
                await alice.messages.send(BOB, Text("x" * 12 * 1024), Custom("y"))
            assert info.value.code == 8001

    async def test_local_custom_data_is_the_callers_own(self) -> None:
        """set_local_custom_data() shows in the caller's copies only (TIMMsgSetLocalCustomData)."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            msg = await alice.messages.send(BOB, Text("x"))
            [theirs] = await bob.messages.history(ALICE)
            await bob.messages.set_local_custom_data(theirs, custom_int=7, custom_str="seen")
            [mine] = await bob.messages.history(ALICE)
            assert (mine.local_custom_int, mine.local_custom_str) == (7, "seen")
            [sender_copy] = await alice.messages.find(msg.id)
            assert (sender_copy.local_custom_int, sender_copy.local_custom_str) == (0, "")


def test_sent_message_decodes_like_from_json_and_names_the_call() -> None:
    """A send's result (bytes, decoded in C): the message Message.from_json makes of it; not
    an object (or not JSON) is a PayloadError naming TIMMsgSendMessage; an object from_json
    refuses keeps from_json's own error."""
    from aiotim.domains.messages import _sent_message
    from aiotim.errors import PayloadError
    from aiotim.models import Message

    obj = {
        "message_msg_id": "m1",
        "message_conv_id": "bob",
        "message_conv_type": 1,
        "message_sender": "alice",
        "message_seq": 7,
        "message_is_from_self": True,
        "message_elem_array": [{"elem_type": 0, "text_elem_content": "hi"}],
    }
    got = _sent_message(orjson.dumps(obj))
    assert got == Message.from_json(obj)
    assert got.text == "hi" and got.seq == 7
    for bad in (b"", b"[1]", b"null", b"{not json"):
        with pytest.raises(PayloadError) as info:
            _sent_message(bad)
        assert "TIMMsgSendMessage" in str(info.value), bad
    refused = orjson.dumps({**obj, "message_elem_array": "not a list"})
    with pytest.raises(PayloadError) as info:
        _sent_message(refused)
    assert "TIMMsgSendMessage" not in str(info.value)
