"""client.friends against the loopback cloud, through the public API (asyncio and trio):
adding by the target's add permission, requests, accept/reject, delete, blocklist, groups."""

from __future__ import annotations

from typing import TypeVar, cast

import pytest

import aiotim
from aiotim.errors import TIMError
from aiotim.events.friends import (
    BlacklistAdded,
    FriendAdded,
    FriendDeleted,
    FriendRequestDeleted,
    FriendRequestReceived,
)
from aiotim.events.stream import Stream
from tests.helpers import cloud_and_clients, next_item

pytestmark = pytest.mark.anyio

T = TypeVar("T")


async def _next(stream: Stream[T]) -> T:
    """The stream's next item, typed (``next_item`` fails the test after 10 s)."""
    return cast(T, await next_item(cast("Stream[object]", stream)))


ALLOW_ANY, NEED_CONFIRM, DENY_ANY = 1, 2, 3


async def _ids(client: aiotim.Client) -> set[str]:
    return {f.user_id for f in await client.friends.list()}


class TestAdd:
    async def test_request_accept_makes_both_friends_and_tells_both(self) -> None:
        """Need-confirm target: add → 30539 pending, the target gets the request event and
        lists it; accept → both lists hold the other, both get FriendAdded, the request is
        gone on both sides."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            await bob.profiles.set_self(allow_type=NEED_CONFIRM, nick="Bob")
            incoming = bob.friends.new_requests()
            result = await alice.friends.add("bob", wording="hi bob", remark="B")
            assert result.pending and result.code == 30539 and result.user_id == "bob"
            event = await _next(incoming)
            assert isinstance(event, FriendRequestReceived)
            assert event.request.user_id == "alice"
            assert event.request.add_wording == "hi bob"
            assert event.request.pendency_type == 0
            (req,) = await bob.friends.requests()
            assert req.user_id == "alice" and req.add_wording == "hi bob"
            (sent,) = await alice.friends.requests(incoming=False, outgoing=True)
            assert sent.user_id == "bob" and sent.nick_name == "Bob"
            assert await _ids(alice) == set() and await _ids(bob) == set()

            a_added, b_added = alice.friends.added(), bob.friends.added()
            a_gone = alice.friends.requests_deleted()
            await bob.friends.accept("alice")
            got_a, got_b = await _next(a_added), await _next(b_added)
            assert isinstance(got_a, FriendAdded) and got_a.user_id == "bob"
            assert isinstance(got_b, FriendAdded) and got_b.user_id == "alice"
            gone = await _next(a_gone)
            assert isinstance(gone, FriendRequestDeleted) and gone.user_id == "bob"
            assert await _ids(alice) == {"bob"} and await _ids(bob) == {"alice"}
            (mine,) = await alice.friends.list()
            assert mine.remark == "B" and mine.user_profile is not None
            assert mine.user_profile.nick_name == "Bob"
            assert await bob.friends.requests() == ()

    async def test_reject_leaves_no_relation(self) -> None:
        """Declining a request: no friends on either side; the sender is told the request is
        gone; handling it again is 30614."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            incoming = bob.friends.new_requests()
            assert (await alice.friends.add("bob")).pending  # never set → needs confirmation
            await _next(incoming)
            a_gone = alice.friends.requests_deleted()
            await bob.friends.reject("alice")
            gone = await _next(a_gone)
            assert isinstance(gone, FriendRequestDeleted) and gone.user_id == "bob"
            assert await _ids(alice) == set() and await _ids(bob) == set()
            assert await bob.friends.requests() == ()
            with pytest.raises(TIMError) as err:
                await bob.friends.reject("alice")
            assert err.value.code == 30614

    async def test_allow_any_adds_at_once_and_deny_any_refuses(self) -> None:
        """Allow-any target: friends at once, both told; deny-any: 30516."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            await bob.profiles.set_self(allow_type=ALLOW_ANY)
            await carol.profiles.set_self(allow_type=DENY_ANY)
            b_added = bob.friends.added()
            result = await alice.friends.add("bob", group="work")
            assert result.code == 0 and not result.pending
            got = await _next(b_added)
            assert isinstance(got, FriendAdded) and got.user_id == "alice"
            assert await _ids(alice) == {"bob"} and await _ids(bob) == {"alice"}
            (check,) = await alice.friends.check(["bob"])
            assert check.relation == 3
            with pytest.raises(TIMError) as err:
                await alice.friends.add("carol")
            assert err.value.code == 30516
            with pytest.raises(TIMError) as err:
                await alice.friends.add("bob")
            assert err.value.code == 30015  # already friends
            (group,) = await alice.friends.groups()
            assert group.name == "work" and group.user_ids == ("bob",)

    async def test_single_way_add_and_info(self) -> None:
        """A one-way add puts the target in my list only; info() and check() show it."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            await bob.profiles.set_self(allow_type=ALLOW_ANY)
            await alice.friends.add("bob", both_ways=False)
            assert await _ids(alice) == {"bob"} and await _ids(bob) == set()
            (info,) = await alice.friends.info(["bob"])
            assert info.relation == 1 and info.friend is not None
            (theirs,) = await bob.friends.check("alice")
            assert theirs.relation == 2
            (single,) = await bob.friends.check("alice", both_ways=False)
            assert single.relation == 0

    async def test_bad_input_is_refused_locally(self) -> None:
        """Wrong types and empty ids raise before any call."""
        async with cloud_and_clients("alice") as (_, (alice,)):
            with pytest.raises(ValueError, match="user_id"):
                await alice.friends.add("")
            with pytest.raises(TypeError, match="remark"):
                await alice.friends.add("bob", remark=3)  # type: ignore[arg-type]
            with pytest.raises(ValueError, match="empty"):
                await alice.friends.delete([])


class TestDelete:
    async def test_delete_both_ways(self) -> None:
        """Deleting both ways empties both lists and tells both; deleting a non-friend is a
        per-user 31704."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            await bob.profiles.set_self(allow_type=ALLOW_ANY)
            await alice.friends.add("bob")
            a_del, b_del = alice.friends.deleted(), bob.friends.deleted()
            (res,) = await alice.friends.delete("bob")
            assert res.code == 0
            got_a, got_b = await _next(a_del), await _next(b_del)
            assert isinstance(got_a, FriendDeleted) and got_a.user_id == "bob"
            assert isinstance(got_b, FriendDeleted) and got_b.user_id == "alice"
            assert await _ids(alice) == set() and await _ids(bob) == set()
            (again,) = await alice.friends.delete(["bob"])
            assert again.code == 31704

    async def test_delete_one_way_keeps_the_other_list(self) -> None:
        """A one-way delete removes the friend from my list only."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            await bob.profiles.set_self(allow_type=ALLOW_ANY)
            await alice.friends.add("bob")
            await alice.friends.delete("bob", both_ways=False)
            assert await _ids(alice) == set() and await _ids(bob) == {"alice"}


class TestBlocklist:
    async def test_blocked_user_cannot_send_nor_add(self) -> None:
        """Blocking: the blocklist and its event; the friendship ends; the blocked user's
        message fails with 20007 and their add with 30525; the blocker can still send; after
        unblock the blocked user can send again."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            await bob.profiles.set_self(allow_type=ALLOW_ANY)
            await alice.friends.add("bob")
            blocked = alice.friends.blocklist_added()
            (res,) = await alice.friends.block("bob")
            assert res.code == 0
            event = await _next(blocked)
            assert isinstance(event, BlacklistAdded) and event.user_id == "bob"
            assert [p.user_id for p in await alice.friends.blocked()] == ["bob"]
            assert await _ids(alice) == set() and await _ids(bob) == set()
            with pytest.raises(TIMError) as err:
                await bob.send_text(aiotim.C2C("alice"), "hello?")
            assert err.value.code == 20007
            with pytest.raises(TIMError) as err:
                await bob.friends.add("alice")
            assert err.value.code == 30525
            with pytest.raises(TIMError) as err:
                await alice.friends.add("bob")
            assert err.value.code == 30515
            await alice.send_text(aiotim.C2C("bob"), "I can still talk")
            await alice.friends.unblock("bob")
            assert await alice.friends.blocked() == ()
            await bob.send_text(aiotim.C2C("alice"), "hello again")


class TestFriendInfoAndGroups:
    async def test_set_info_groups_and_search(self) -> None:
        """Remark, groups and custom fields of a friend; group create/rename/add/remove/delete;
        search by remark."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            for c in (bob, carol):
                await c.profiles.set_self(allow_type=ALLOW_ANY)
            await alice.friends.add("bob")
            await alice.friends.add("carol")
            await alice.friends.set_info("bob", remark="Bobby", custom={"Lvl": "3"})
            (info,) = await alice.friends.info("bob")
            assert info.friend is not None and info.friend.remark == "Bobby"
            assert info.friend.custom == {"Tag_SNS_Custom_Lvl": "3"}
            found = await alice.friends.search(["Bobb"])
            assert [f.user_id for f in found] == ["bob"]

            await alice.friends.create_group("team", ["bob", "nobody"])
            await alice.friends.add_to_group("team", ["carol"])
            (team,) = await alice.friends.groups(["team"])
            assert set(team.user_ids) == {"bob", "carol"} and team.count == 2
            await alice.friends.remove_from_group("team", "bob")
            await alice.friends.rename_group("team", "crew")
            (crew,) = await alice.friends.groups()
            assert crew.name == "crew" and crew.user_ids == ("carol",)
            await alice.friends.delete_group("crew")
            assert await alice.friends.groups() == ()

    async def test_delete_requests_and_mark_read(self) -> None:
        """A received request can be deleted; marking requests read succeeds."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            await alice.friends.add("bob")
            await bob.friends.mark_requests_read()
            (res,) = await bob.friends.delete_requests("alice")
            assert res.code == 0
            assert await bob.friends.requests() == ()
            assert await alice.friends.requests(outgoing=True) == ()


class TestFollow:
    async def test_follow_unfollow_and_mutual(self) -> None:
        """Following: the lists, counts and types on both sides, the notifications (following,
        followers, and mutual for both once the follow is returned), and unfollow."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            a_following = alice.friends.following_changes()
            b_followers = bob.friends.followers_changes()
            (res,) = await alice.friends.follow("bob")
            assert res.code == 0 and res.user_id == "bob"
            ev = await _next(a_following)
            assert ev.is_add and [u.user_id for u in ev.users] == ["bob"]
            ev2 = await _next(b_followers)
            assert ev2.is_add and [u.user_id for u in ev2.users] == ["alice"]
            assert [u.user_id for u in await alice.friends.following()] == ["bob"]
            assert [u.user_id for u in await bob.friends.followers()] == ["alice"]
            (t,) = await bob.friends.follow_type("alice")
            assert t.follow_type == 2

            a_mutual, b_mutual = alice.friends.mutual_changes(), bob.friends.mutual_changes()
            await bob.friends.follow(["alice"])
            m1, m2 = await _next(a_mutual), await _next(b_mutual)
            assert [u.user_id for u in m1.users] == ["bob"] and m1.is_add
            assert [u.user_id for u in m2.users] == ["alice"] and m2.is_add
            assert [u.user_id for u in await alice.friends.mutual_followers()] == ["bob"]
            (info,) = await alice.friends.follow_info("alice")
            assert (info.following_count, info.followers_count) == (1, 1)
            assert info.mutual_followers_count == 1

            await alice.friends.unfollow("bob")
            m3 = await _next(b_mutual)
            assert not m3.is_add
            assert await alice.friends.following() == ()
            (t,) = await alice.friends.follow_type("bob")
            assert t.follow_type == 2
