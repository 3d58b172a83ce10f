"""client.groups against the loopback cloud: group types and their join rules, fan-out in one
order, tips to every member, mute and kick with the real codes, join requests, attributes and
counters, and a 200-member group with 2,000 messages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, TypeVar

import anyio
import pytest

import aiotim
from aiotim.enums import GroupMemberRole, GroupType
from aiotim.loopback import Cloud
from aiotim.models.group import GroupAddOption, GroupTipType, MemberResultCode
from tests.helpers import APP_ID, SECRET, cloud_and_clients

pytestmark = pytest.mark.anyio

WORK, PUBLIC, MEETING, AVCHATROOM = (
    GroupType.PRIVATE,
    GroupType.PUBLIC,
    GroupType.CHAT_ROOM,
    GroupType.AV_CHAT_ROOM,
)


T = TypeVar("T")


async def next_item(stream: aiotim.Stream[T], timeout: float = 10) -> T:
    """The stream's next item, failing the test after ``timeout`` seconds."""
    with anyio.fail_after(timeout):
        return await stream.__anext__()


@asynccontextmanager
async def _with_db(db: Any, *users: str) -> AsyncIterator[tuple[Cloud, list[aiotim.Client]]]:
    """A cloud on the SQLite file ``db`` and one logged-in client per user."""
    async with AsyncExitStack() as stack:
        cloud = await stack.enter_async_context(Cloud(APP_ID, SECRET, db=db))
        clients = []
        for user in users:
            client = await stack.enter_async_context(cloud.client())
            await client.login(user, cloud.user_sig(user))
            clients.append(client)
        yield cloud, clients


async def fails_with(code: int, call: Awaitable[Any]) -> aiotim.TIMError:
    """Await ``call`` and check it raises TIMError ``code``."""
    with pytest.raises(aiotim.TIMError) as info:
        await call
    assert info.value.code == code, info.value
    return info.value


async def is_member(client: aiotim.Client, group: aiotim.Group, user: str) -> bool:
    return user in [m.user_id async for m in client.groups.members(group)]


async def tip(stream: aiotim.Stream[Any]) -> aiotim.GroupTips:
    event = await next_item(stream)
    tips = event.tips
    assert isinstance(tips, aiotim.GroupTips)
    return tips


class TestTypesAndJoinRules:
    async def test_create_each_type_and_join(self) -> None:
        """Work: no applications (10007); Public: an application waits for approval; Meeting
        and AVChatRoom: free joins; already a member: 10013; unknown group: 10010."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            work = await alice.groups.create("work")
            public = await alice.groups.create("public", group_type=PUBLIC)
            meeting = await alice.groups.create("meeting", group_type=MEETING)
            live = await alice.groups.create("live", group_type=AVCHATROOM)
            assert work.id.startswith("@TGS#") and work != public
            await fails_with(10007, bob.groups.join(work, "let me in"))
            await bob.groups.join(public, "hello")  # code 0: the request is pending
            await fails_with(10007, bob.groups.members_page(public))
            await bob.groups.join(meeting)
            await bob.groups.join(live)
            await bob.groups.join(live)  # re-joining an AVChatRoom is fine (after each login)
            await fails_with(10013, bob.groups.join(meeting))
            await fails_with(10010, bob.groups.join(aiotim.Group("nope")))
            assert await is_member(alice, meeting, "bob")
            assert not await is_member(alice, public, "bob")
            infos = {g.group_id: g for g in await bob.groups.joined()}
            # An AVChatRoom is not in the joined list (not supported by the SDK).
            assert set(infos) == {meeting.id}
            assert infos[meeting.id].group_type == MEETING
            self_info = infos[meeting.id].self_info
            assert self_info is not None and self_info.role == GroupMemberRole.NORMAL

    async def test_custom_ids_options_and_info(self) -> None:
        """A custom id is kept; taken by someone else 10021, by yourself 10025; bad ids 8501;
        the profile reads back with owner, options and member count."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            g = await alice.groups.create(
                "team",
                group_id="team-1",
                members=["bob"],
                introduction="intro",
                notification="notice",
                add_option=GroupAddOption.ANY,
                max_members=50,
                custom={},
            )
            assert g == aiotim.Group("team-1")
            await fails_with(10021, bob.groups.create("x", group_id="team-1"))
            await fails_with(10025, alice.groups.create("x", group_id="team-1"))
            await fails_with(8501, alice.groups.create("x", group_id="@TGS#mine"))
            await fails_with(8502, alice.groups.create("x" * 31))
            info = await bob.groups.get(g)
            assert (info.name, info.owner, info.member_count) == ("team", "alice", 2)
            assert (info.introduction, info.notification) == ("intro", "notice")
            assert (info.add_option, info.max_members) == (GroupAddOption.ANY, 50)
            results = await bob.groups.info([g, "missing"])
            assert [r.code for r in results] == [0, 10010]
            with pytest.raises(TypeError):
                await alice.groups.create("x", members=[1])  # type: ignore[list-item]

    async def test_invite_rules(self) -> None:
        """Work: any member invites directly; per-user results (OK, ALREADY_MEMBER);
        AVChatRoom takes no invitations (10007); a non-member cannot invite (10007)."""
        async with cloud_and_clients("alice", "bob", "carol", "dave") as (_, clients):
            alice, bob, _carol, dave = clients
            work = await alice.groups.create("work", members=["bob"])
            results = await bob.groups.invite(work, ["carol", "alice"])
            assert [(r.user_id, r.result) for r in results] == [
                ("carol", MemberResultCode.OK),
                ("alice", MemberResultCode.ALREADY_MEMBER),
            ]
            assert all(r.ok for r in results)
            await fails_with(10007, dave.groups.invite(work, ["dave"]))
            live = await alice.groups.create("live", group_type=AVCHATROOM)
            await fails_with(10007, alice.groups.invite(live, ["bob"]))
            assert [m.user_id async for m in alice.groups.members(work)] == [
                "alice",
                "bob",
                "carol",
            ]

    async def test_quit_and_dismiss(self) -> None:
        """A Public owner cannot quit (10009), a member can; nobody dismisses a Work group
        (10007); a non-owner cannot dismiss (10007); after dismissal the group is gone
        (10010)."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            public = await alice.groups.create("p", group_type=PUBLIC, members=["bob"])
            await fails_with(10009, alice.groups.quit(public))
            await fails_with(10007, bob.groups.dismiss(public))
            await bob.groups.quit(public)
            await fails_with(10007, bob.groups.quit(public))
            await alice.groups.dismiss(public)
            await fails_with(10010, alice.groups.get(public))
            work = await alice.groups.create("w")
            await fails_with(10007, alice.groups.dismiss(work))


class TestMessages:
    async def test_fan_out_one_order_for_every_member(self) -> None:
        """Three members send concurrently; every member sees the same messages in the same
        order (the group's seq order), history agrees, and a non-member's send fails 10007."""
        async with cloud_and_clients("alice", "bob", "carol", "eve") as (_, clients):
            alice, bob, carol, eve = clients
            g = await alice.groups.create("g", members=["bob", "carol"])
            streams = {
                c: c.messages.new_messages(conv=g, where=lambda m: m.sender != "@TIM#SYSTEM")
                for c in (alice, bob, carol)
            }
            per_sender = 30

            async def talk(client: aiotim.Client, name: str) -> None:
                for i in range(per_sender):
                    await client.send_text(g, f"{name}-{i}")

            async with anyio.create_task_group() as tg:
                for client, name in ((alice, "a"), (bob, "b"), (carol, "c")):
                    tg.start_soon(talk, client, name)
            history = list(reversed(await alice.messages.history(g, count=1000)))
            texts = [m.text for m in history if m.sender != "@TIM#SYSTEM"]
            assert len(texts) == 3 * per_sender
            seqs = [m.seq for m in history]
            assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
            for client, own in ((alice, "a"), (bob, "b"), (carol, "c")):
                expected = [t for t in texts if t is not None and not t.startswith(own)]
                got = [(await next_item(streams[client])).text for _ in expected]
                assert got == expected  # everyone else's messages, in the one order
            await fails_with(10007, eve.send_text(g, "hi"))
            await fails_with(10010, eve.send_text(aiotim.Group("nope"), "hi"))
            convs = {c.conv: c for c in await bob.conversations.list()}
            assert convs[g].unread_count >= 2 * per_sender

    async def test_offline_member_gets_messages_at_login(self) -> None:
        """A member who is offline when messages are sent gets them at login, in order."""
        async with cloud_and_clients("alice") as (cloud, (alice,)):
            g = await alice.groups.create("g", members=["zoe"])
            for i in range(5):
                await alice.send_text(g, f"m{i}")
            async with cloud.client() as zoe:
                stream = zoe.messages.new_messages(conv=g, where=lambda m: m.sender == "alice")
                await zoe.login("zoe", cloud.user_sig("zoe"))
                got = [(await next_item(stream)).text for _ in range(5)]
                assert got == [f"m{i}" for i in range(5)]


class TestTipsAndPermissions:
    async def test_every_member_sees_every_tip(self) -> None:
        """join, info change, admin, mute, kick and quit each reach every member as a tip
        (TIMSetGroupTipsEventCallback) with the right type, operator and users."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            g = await alice.groups.create("m", group_type=MEETING, members=["bob"])
            tips = {c: c.groups.tips(group_id=g.id) for c in (alice, bob, carol)}
            await carol.groups.join(g)
            for c in (alice, bob, carol):
                t = await tip(tips[c])
                assert (t.tip_type, t.op_user, t.users) == (
                    GroupTipType.INVITE,
                    "carol",
                    ("carol",),
                )
                assert t.join_type == 1 and t.member_num == 3
            await alice.groups.set_info(g, name="renamed", notification="n")
            for c in (alice, bob, carol):
                t = await tip(tips[c])
                assert t.tip_type == GroupTipType.GROUP_INFO_CHANGE
                assert {(x.flag, x.value) for x in t.group_changes} == {(1, "renamed"), (3, "n")}
            await alice.groups.set_role(g, "bob", GroupMemberRole.ADMIN)
            for c in (alice, bob, carol):
                t = await tip(tips[c])
                assert (t.tip_type, t.users) == (GroupTipType.SET_ADMIN, ("bob",))
            await bob.groups.mute(g, "carol", 60)
            for c in (alice, bob, carol):
                t = await tip(tips[c])
                assert t.tip_type == GroupTipType.MEMBER_INFO_CHANGE
                assert [(m.user_id, m.shutup_time) for m in t.member_changes] == [("carol", 60)]
            await bob.groups.kick(g, ["carol"], "bye")
            for c in (alice, bob):
                t = await tip(tips[c])
                assert (t.tip_type, t.op_user, t.users) == (GroupTipType.KICK, "bob", ("carol",))
                assert t.member_num == 2
            await bob.groups.quit(g)
            t = await tip(tips[alice])
            assert (t.tip_type, t.users) == (GroupTipType.QUIT, ("bob",))
            (info,) = await alice.groups.member_info(g, ["alice", "bob", "carol"])
            assert info.user_id == "alice" and info.role == GroupMemberRole.OWNER

    async def test_mute_and_mute_all_enforced(self) -> None:
        """A muted member's send fails 10017 until unmuted; with the whole group muted
        ordinary members fail 10017 and admins still speak; Work groups cannot mute (10007);
        an ordinary member cannot mute (10007)."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            g = await alice.groups.create("p", group_type=PUBLIC, members=["bob", "carol"])
            await fails_with(10007, carol.groups.mute(g, "bob", 60))
            await alice.groups.mute(g, "bob", 600)
            (bob_info,) = await alice.groups.member_info(g, ["bob"])
            assert bob_info.shutup_time > 0
            await fails_with(10017, bob.send_text(g, "hi"))
            await alice.groups.mute(g, "bob", 0)
            await bob.send_text(g, "hi")
            await alice.groups.set_role(g, "bob", GroupMemberRole.ADMIN)
            await alice.groups.mute_all(g)
            assert (await carol.groups.get(g)).is_all_muted
            await fails_with(10017, carol.send_text(g, "hi"))
            await bob.send_text(g, "admins may speak")
            await alice.groups.mute_all(g, on=False)
            await carol.send_text(g, "ok")
            work = await alice.groups.create("w", members=["bob"])
            await fails_with(10007, alice.groups.mute(work, "bob", 60))
            await fails_with(10007, alice.groups.set_role(work, "bob", GroupMemberRole.ADMIN))

    async def test_kick_rules(self) -> None:
        """Ordinary members cannot kick (10007), an admin cannot kick the owner (10007); the
        owner kicks; the kicked user's sends then fail 10007; a ban blocks re-joining."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            g = await alice.groups.create(
                "m", group_type=MEETING, members=["bob", "carol"], add_option=GroupAddOption.ANY
            )
            await fails_with(10007, carol.groups.kick(g, ["bob"]))
            await alice.groups.set_role(g, "bob", GroupMemberRole.ADMIN)
            await fails_with(10007, bob.groups.kick(g, ["alice"]))
            results = await alice.groups.kick(g, ["carol", "nobody"], "spam", ban_s=600)
            assert [(r.user_id, r.ok) for r in results] == [("carol", True), ("nobody", False)]
            await fails_with(10007, carol.send_text(g, "hi"))
            await fails_with(10007, carol.groups.join(g))
            work = await alice.groups.create("w", members=["bob", "carol"])
            await fails_with(10007, bob.groups.kick(work, ["carol"]))  # Work: owner only
            await alice.groups.kick(work, ["carol"])

    async def test_set_info_permissions_and_transfer(self) -> None:
        """Public: an ordinary member cannot edit (10007); Work: any member can; the owner
        transfers ownership and becomes a member; set_info without fields is a ValueError."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            public = await alice.groups.create("p", group_type=PUBLIC, members=["bob"])
            await fails_with(10007, bob.groups.set_info(public, name="x"))
            work = await alice.groups.create("w", members=["bob"])
            await bob.groups.set_info(work, introduction="by bob")
            assert (await alice.groups.get(work)).introduction == "by bob"
            await alice.groups.transfer_owner(public, "bob")
            assert (await alice.groups.get(public)).owner == "bob"
            await alice.groups.quit(public)
            with pytest.raises(ValueError, match="at least one field"):
                await alice.groups.set_info(work)
            await bob.groups.set_member_info(work, "bob", name_card="Bobby")
            (me,) = await alice.groups.member_info(work, ["bob"])
            assert me.name_card == "Bobby"


class TestRequests:
    async def test_request_approved_and_rejected(self) -> None:
        """Applications to a Public group reach the owner and admins; approving adds the
        member (every member gets the tip), rejecting does not; a second handling fails
        10024; an ordinary member cannot handle them (10007)."""
        async with cloud_and_clients("alice", "bob", "carol", "dave") as (_, clients):
            alice, bob, carol, dave = clients
            g = await alice.groups.create("p", group_type=PUBLIC, members=["dave"])
            tips = dave.groups.tips(group_id=g.id)
            await alice.groups.set_role(g, "dave", GroupMemberRole.ADMIN)
            assert (await tip(tips)).tip_type == GroupTipType.SET_ADMIN
            await bob.groups.join(g, "bob here")
            await carol.groups.join(g, "carol here")
            pending = await alice.groups.requests()
            assert [(r.from_user, r.message, r.handled) for r in pending] == [
                ("carol", "carol here", 0),
                ("bob", "bob here", 0),
            ]
            assert [r.from_user for r in await dave.groups.requests()] == ["carol", "bob"]
            assert await bob.groups.requests() == []
            by_user = {r.from_user: r for r in pending}
            await alice.groups.approve(by_user["bob"], "welcome")
            t = await tip(tips)
            assert (t.tip_type, t.users, t.op_user) == (GroupTipType.INVITE, ("bob",), "alice")
            await fails_with(10007, bob.groups.reject(by_user["carol"]))
            await dave.groups.reject(by_user["carol"], "no")
            await fails_with(10024, alice.groups.approve(by_user["carol"]))
            assert await is_member(alice, g, "bob")
            assert not await is_member(alice, g, "carol")
            handled = {r.from_user: r for r in await alice.groups.requests()}
            assert handled["bob"].handled == 2 and handled["bob"].accepted
            assert handled["carol"].handled == 1 and not handled["carol"].accepted


class TestAttributesAndCounters:
    async def test_attributes_notify_every_member(self) -> None:
        """set/delete attributes: every member gets the group's full attribute map; reads
        filter by key; deleting a missing key fails 10050; non-members 10007."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            g = await alice.groups.create("g", members=["bob"])
            changes = {c: c.groups.attribute_changes(group_id=g.id) for c in (alice, bob)}
            await alice.groups.set_attributes(g, {"k1": "v1", "k2": "v2"})
            for c in (alice, bob):
                event = await next_item(changes[c])
                assert event.attributes == {"k1": "v1", "k2": "v2"}
            await bob.groups.delete_attributes(g, ["k1"])
            for c in (alice, bob):
                assert (await next_item(changes[c])).attributes == {"k2": "v2"}
            assert await bob.groups.attributes(g) == {"k2": "v2"}
            assert await bob.groups.attributes(g, ["k2", "k9"]) == {"k2": "v2"}
            await fails_with(10050, alice.groups.delete_attributes(g, ["k1"]))
            await fails_with(10007, carol.groups.attributes(g))
            await alice.groups.init_attributes(g, {"only": "this"})
            assert await alice.groups.attributes(g) == {"only": "this"}

    async def test_counters_and_their_notifications(self) -> None:
        """Counters: set, increase, decrease, read; each change notifies every member."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            g = await alice.groups.create("g", members=["bob"])
            changes = bob.groups.counter_changes(group_id=g.id)
            assert await alice.groups.set_counters(g, {"likes": 5}) == {"likes": 5}
            assert (await next_item(changes)).value == 5
            assert await alice.groups.increase_counter(g, "likes", 3) == 8
            assert (await next_item(changes)).value == 8
            assert await bob.groups.decrease_counter(g, "likes") == 7
            assert (await next_item(changes)).value == 7
            assert await bob.groups.counters(g) == {"likes": 7}
            assert await alice.groups.online_member_count(g) == 2


class TestScale:
    async def test_200_members_2000_messages(self) -> None:
        """A 200-member group, 2,000 messages from three senders at once: every online member
        and an offline member (at login) get each message exactly once, in the one order."""
        async with cloud_and_clients("u000", "u001", "u002") as (cloud, senders):
            others = [f"u{i:03d}" for i in range(3, 200)]
            g = await senders[0].groups.create("big", members=["u001", "u002", *others[:17]])
            rest = others[17:]
            for start in range(0, len(rest), 20):
                await senders[0].groups.invite(g, rest[start : start + 20])
            assert (await senders[0].groups.get(g)).member_count == 200

            def human(m: aiotim.Message) -> bool:
                return m.sender != "@TIM#SYSTEM"

            streams = [c.messages.new_messages(conv=g, where=human) for c in senders]
            total, per = 2000, [667, 667, 666]

            async def talk(client: aiotim.Client, n: int, name: str) -> None:
                for i in range(n):
                    await client.send_text(g, f"{name}:{i}")

            with anyio.fail_after(60):
                async with anyio.create_task_group() as tg:
                    for client, n, name in zip(senders, per, ("a", "b", "c"), strict=True):
                        tg.start_soon(talk, client, n, name)
            history: list[aiotim.Message] = []
            before = None
            while True:
                page = await senders[1].messages.history(g, count=1000, before=before)
                if not page:
                    break
                history.extend(page)
                before = page[-1]
            order = [m.text for m in reversed(history) if human(m)]
            assert len(order) == total and len(set(order)) == total
            for stream, name in zip(streams, ("a", "b", "c"), strict=True):
                expected = [t for t in order if t is not None and not t.startswith(name)]
                got = [(await next_item(stream)).text for _ in expected]
                assert got == expected
            async with cloud.client() as late:
                stream = late.messages.new_messages(conv=g, where=human)
                await late.login("u150", cloud.user_sig("u150"))
                got = [(await next_item(stream)).text for _ in range(total)]
                assert got == order
                convs = {c.conv: c for c in await late.conversations.list()}
                assert convs[g].unread_count >= total


class TestSearchAndMarks:
    async def test_search_joined_groups(self) -> None:
        """search() finds joined groups by a case-insensitive part of their id or name only."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            await alice.groups.create("Rust fans", group_id="rust-1", members=["bob"])
            await alice.groups.create("Python fans", group_id="py-1")
            assert [g.group_id for g in await bob.groups.search(["RUST"])] == ["rust-1"]
            assert await bob.groups.search(["python"]) == []  # bob is not in it
            found = await alice.groups.search(["py-"], by_name=False)
            assert [g.name for g in found] == ["Python fans"]
            assert await alice.groups.search(["fans"], by_name=False) == []

    async def test_mark_members(self) -> None:
        """The owner of an AVChatRoom marks members (a MEMBER_MARK_CHANGE tip); other group
        types cannot (7013), nor can a member (10007)."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            live = await alice.groups.create("live", group_type=AVCHATROOM)
            await bob.groups.join(live)
            tips = bob.groups.tips(group_id=live.id, tip_type=GroupTipType.MEMBER_MARK_CHANGE)
            await alice.groups.mark_members(live, ["bob"], 1001)
            t = await tip(tips)
            assert t.tip_type == GroupTipType.MEMBER_MARK_CHANGE and t.op_user == "alice"
            await fails_with(10007, bob.groups.mark_members(live, ["bob"], 1001))
            work = await alice.groups.create("w", members=["bob"])
            await fails_with(7013, alice.groups.mark_members(work, ["bob"], 1001))


class TestPersistence:
    async def test_groups_survive_a_restart_with_db(self, tmp_path: Any) -> None:
        """With db=, groups, members, roles, attributes, requests and history survive a new
        Cloud on the same file; message seqs go on."""
        db = tmp_path / "cloud.db"
        async with _with_db(db, "alice", "bob") as (_, (alice, bob)):
            g = await alice.groups.create("kept", group_type=PUBLIC, members=["bob"])
            await alice.groups.set_role(g, "bob", GroupMemberRole.ADMIN)
            await alice.groups.set_attributes(g, {"k": "v"})
            first = await alice.send_text(g, "before")
            p = await alice.groups.create("apply", group_type=PUBLIC)
            await bob.groups.join(p, "me")
        async with _with_db(db, "alice") as (_, (alice,)):
            info = await alice.groups.get(g)
            assert (info.name, info.owner, info.member_count) == ("kept", "alice", 2)
            (bob_info,) = await alice.groups.member_info(g, ["bob"])
            assert bob_info.role == GroupMemberRole.ADMIN
            assert await alice.groups.attributes(g) == {"k": "v"}
            (request,) = await alice.groups.requests()
            assert (request.from_user, request.message) == ("bob", "me")
            later = await alice.send_text(g, "after")
            assert later.seq > first.seq
            texts = [m.text for m in await alice.messages.history(g, count=50)]
            assert texts[:1] == ["after"] and "before" in texts


def _report_type(m: aiotim.Message) -> int:
    elem = m.raw["message_elem_array"][0]
    assert elem["elem_type"] == 8
    return int(elem["group_report_elem_report_type"])


class TestMoreRules:
    async def test_avchatroom_is_online_only(self) -> None:
        """AVChatRoom messages reach the members online at the time, are never stored, and
        a member who was offline does not get them later."""
        async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
            live = await alice.groups.create("live", group_type=AVCHATROOM)
            await bob.groups.join(live)
            async with cloud.client() as zoe:
                await zoe.login("zoe", cloud.user_sig("zoe"))
                await zoe.groups.join(live)
                await zoe.logout()
                stream = bob.messages.new_messages(conv=live, sender="alice")
                await alice.send_text(live, "now")
                assert (await next_item(stream)).text == "now"
                assert await alice.messages.history(live) == []
                late = zoe.messages.new_messages(conv=live, sender="alice")
                await zoe.login("zoe", cloud.user_sig("zoe"))
                await zoe.groups.join(live)  # joined again after login, as the SDK requires
                await alice.send_text(live, "later")
                assert (await next_item(late)).text == "later"  # "now" was never queued

    async def test_invitation_needing_approval(self) -> None:
        """Public group with approve_option AUTH: an ordinary member's invitation waits
        (INVITED) for an admin; approving adds the invitee with an INVITE tip (join_type 2)."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            g = await alice.groups.create(
                "p", group_type=PUBLIC, members=["bob"], approve_option=GroupAddOption.AUTH
            )
            (result,) = await bob.groups.invite(g, ["carol"])
            assert result.result == MemberResultCode.INVITED
            assert not await is_member(alice, g, "carol")
            (request,) = await alice.groups.requests()
            assert (request.pendency_type, request.from_user, request.to_user) == (
                2,
                "bob",
                "carol",
            )
            tips = carol.groups.tips(group_id=g.id)
            await alice.groups.approve(request)
            t = await tip(tips)
            assert (t.tip_type, t.users, t.join_type) == (GroupTipType.INVITE, ("carol",), 2)
            assert await is_member(carol, g, "carol")

    async def test_personal_reports(self) -> None:
        """Reports in the system conversation: the kicked user gets BeKicked (4) with the
        reason, every member gets Delete (5) when the group is dismissed, the applicant gets
        AddAccept (2), the owner AddRequest (1)."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):

            def system(m: aiotim.Message) -> bool:
                return m.raw.get("message_conv_type") == 3

            reports = {c: c.messages.new_messages(where=system) for c in (alice, bob, carol)}
            g = await alice.groups.create("p", group_type=PUBLIC, members=["bob"])
            assert _report_type(await next_item(reports[alice])) == 6  # Create
            assert _report_type(await next_item(reports[bob])) == 7  # Invite
            await carol.groups.join(g, "hi")
            assert _report_type(await next_item(reports[alice])) == 1  # AddRequest
            (request,) = await alice.groups.requests()
            await alice.groups.approve(request, "welcome")
            accepted = await next_item(reports[carol])
            assert _report_type(accepted) == 2
            assert accepted.raw["message_elem_array"][0]["group_report_elem_msg"] == "welcome"
            await alice.groups.kick(g, ["carol"], "bye")
            kicked = await next_item(reports[carol])
            assert _report_type(kicked) == 4
            assert kicked.raw["message_elem_array"][0]["group_report_elem_msg"] == "bye"
            await alice.groups.dismiss(g)
            for c in (alice, bob):
                assert _report_type(await next_item(reports[c])) == 5
