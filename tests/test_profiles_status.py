"""client.profiles and client.status against the loopback cloud, through the public API
(asyncio and trio): profile get/set and who is told; user status across login, custom status,
logout and a login elsewhere."""

from __future__ import annotations

from typing import TypeVar, cast

import anyio
import pytest

from aiotim.errors import TIMError
from aiotim.events.friends import FriendProfileUpdated
from aiotim.events.profiles import SelfProfileUpdated, UserProfileChanged, UserStatusChanged
from aiotim.events.stream import Stream
from tests.helpers import cloud_and_clients, next_item

pytestmark = pytest.mark.anyio

T = TypeVar("T")


async def _next(stream: Stream[T]) -> T:
    """The stream's next item, typed (``next_item`` fails the test after 10 s)."""
    return cast(T, await next_item(cast("Stream[object]", stream)))


ONLINE, OFFLINE, UNLOGINED = 1, 2, 3


class TestProfiles:
    async def test_set_self_then_get(self) -> None:
        """set_self changes only the given fields; get returns them for self and others;
        the user's own stream sees the change."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            mine = alice.profiles.self_updates()
            await alice.profiles.set_self(
                nick="Alice",
                face_url="https://x/a.png",
                gender=2,
                signature="hi",
                custom={"Mood": "ok"},
            )
            event = await _next(mine)
            assert isinstance(event, SelfProfileUpdated) and event.profile.nick_name == "Alice"
            await alice.profiles.set_self(signature="busy")
            (me,) = await alice.profiles.get("alice")
            assert (me.nick_name, me.face_url, me.gender, me.self_signature) == (
                "Alice",
                "https://x/a.png",
                2,
                "busy",
            )
            assert me.custom == {"Tag_Profile_Custom_Mood": "ok"}
            seen = await bob.profiles.get(["alice", "bob"], refresh=True)
            assert [p.user_id for p in seen] == ["alice", "bob"]
            assert seen[0].nick_name == "Alice" and seen[1].nick_name == ""

    async def test_change_reaches_subscriber_and_friend(self) -> None:
        """A subscribed non-friend gets the new profile (UserProfileChanged); a friend gets
        the friend-profile update; after unsubscribe the subscriber hears nothing."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            await alice.profiles.set_self(allow_type=1)
            await carol.friends.add("alice")
            await bob.profiles.subscribe(["alice"])
            subscribed = bob.profiles.changes()
            friend = carol.profiles.friend_updates()
            await alice.profiles.set_self(nick="Ally")
            got = await _next(subscribed)
            assert isinstance(got, UserProfileChanged)
            assert got.profile.user_id == "alice" and got.profile.nick_name == "Ally"
            upd = await _next(friend)
            assert isinstance(upd, FriendProfileUpdated) and upd.update.user_id == "alice"
            await bob.profiles.unsubscribe()
            await alice.profiles.set_self(nick="Al")
            with anyio.move_on_after(0.3):
                await _next(subscribed)
                pytest.fail("no event expected after unsubscribe")

    async def test_invalid_values(self) -> None:
        """Too long a nickname is 40601; a bad custom key 9001; nothing to change is a
        ValueError."""
        async with cloud_and_clients("alice") as (_, (alice,)):
            with pytest.raises(TIMError) as err:
                await alice.profiles.set_self(nick="x" * 501)
            assert err.value.code == 40601
            with pytest.raises(TIMError) as err:
                await alice.profiles.set_self(custom={"way_too_long_key": "v"})
            assert err.value.code == 9001
            with pytest.raises(ValueError, match="nothing"):
                await alice.profiles.set_self()


class TestStatus:
    async def test_status_across_login_custom_and_logout(self) -> None:
        """A subscriber sees: the custom status set, then the logout (UnLogined, custom status
        cleared), then the login again (Online); get agrees at each step."""
        async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
            (s,) = await alice.status.get("bob")
            assert s.status_type == ONLINE
            (never,) = await alice.status.get("nobody")
            assert never.status_type == UNLOGINED
            await alice.status.subscribe(["bob"])
            changes = alice.status.changes(user_id="bob")
            own = bob.status.changes()
            await bob.status.set_self("in a meeting")
            ev = await _next(changes)
            assert isinstance(ev, UserStatusChanged)
            assert ev.status.custom_status == "in a meeting" and ev.status.status_type == ONLINE
            mine = await _next(own)  # the user's own SDK is told too
            assert isinstance(mine, UserStatusChanged) and mine.user_id == "bob"

            await bob.logout()
            ev = await _next(changes)
            assert isinstance(ev, UserStatusChanged)
            assert ev.status.status_type == UNLOGINED and ev.status.custom_status == ""
            (s,) = await alice.status.get("bob")
            assert s.status_type == UNLOGINED

            await bob.login("bob", cloud.user_sig("bob"))
            ev = await _next(changes)
            assert isinstance(ev, UserStatusChanged) and ev.status.status_type == ONLINE

            await alice.status.unsubscribe("bob")
            await bob.status.set_self("back")
            with anyio.move_on_after(0.3):
                await _next(changes)
                pytest.fail("no event expected after unsubscribe")

    async def test_login_elsewhere_keeps_the_user_online(self) -> None:
        """Logging in on a second device kicks the first, but the user stays online: no
        status change for the subscriber, and get says Online."""
        async with cloud_and_clients("alice", "bob") as (cloud, (alice, _bob)):
            await alice.status.subscribe("bob")
            changes = alice.status.changes()
            async with cloud.client() as second:
                await second.login("bob", cloud.user_sig("bob"))
                with anyio.move_on_after(0.3):
                    await _next(changes)
                    pytest.fail("no status change expected on a login elsewhere")
                (s,) = await alice.status.get("bob")
                assert s.status_type == ONLINE

    async def test_self_subscription_and_long_status_are_refused(self) -> None:
        """Subscribing to oneself is refused (6017); a custom status over 100 bytes is a
        ValueError."""
        async with cloud_and_clients("alice") as (_, (alice,)):
            with pytest.raises(TIMError) as err:
                await alice.status.subscribe("alice")
            assert err.value.code == 6017
            with pytest.raises(ValueError, match="100 bytes"):
                await alice.status.set_self("x" * 101)
