"""User status follows the connection (issue 12): a dropped connection, ``Cloud.kick`` and an
expired UserSig take the user offline for the subscribers of its status; the SDK's own
re-login after a reconnect brings it back online."""

from __future__ import annotations

import pytest

from aiotim.errors import NetworkError
from aiotim.events.profiles import UserStatusChanged
from aiotim.events.stream import Stream
from tests.helpers import cloud_and_clients, next_item

pytestmark = pytest.mark.anyio

ONLINE, OFFLINE = 1, 2


async def _status(stream: Stream[UserStatusChanged]) -> tuple[str, int, str]:
    event = await next_item(stream)  # type: ignore[arg-type]
    assert isinstance(event, UserStatusChanged)
    return event.user_id, event.status.status_type, event.status.custom_status


async def test_a_dropped_connection_goes_offline_then_online_again() -> None:
    """bob's connection drops: alice (subscribed) sees bob Offline with the custom status
    cleared; bob's SDK reconnects and logs in again by itself: alice sees bob Online."""
    async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
        await alice.status.subscribe("bob")
        changes = alice.status.changes(user_id="bob")
        await bob.status.set_self("busy")
        assert await _status(changes) == ("bob", ONLINE, "busy")
        await cloud.drop_after("TIMGetUserStatus")  # bob's next call drops bob's connection
        with pytest.raises(NetworkError):
            await bob.status.get("alice")
        assert await _status(changes) == ("bob", OFFLINE, "")
        assert await _status(changes) == ("bob", ONLINE, "")  # the SDK's re-login
        (status,) = await alice.status.get("bob")
        assert status.status_type == ONLINE


async def test_kick_and_expired_usersig_go_offline() -> None:
    """``Cloud.kick`` and an expired UserSig log bob out without a logout: Offline for alice;
    a login elsewhere (the other device) does not (covered in test_profiles_status)."""
    async with cloud_and_clients("alice", "bob", "carol") as (cloud, (alice, bob, _carol)):
        await alice.status.subscribe(["bob", "carol"])
        changes = alice.status.changes()
        await cloud.kick("bob")
        assert await _status(changes) == ("bob", OFFLINE, "")
        await cloud.expire_user_sig("carol")
        assert await _status(changes) == ("carol", OFFLINE, "")
        await bob.login("bob", cloud.user_sig("bob"))
        assert await _status(changes) == ("bob", ONLINE, "")
        (status,) = await alice.status.get("carol")
        assert status.status_type == OFFLINE
