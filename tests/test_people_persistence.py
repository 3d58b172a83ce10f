"""With ``db=`` the people state (issue 12) survives a restart of the loopback cloud: friends,
pending requests, blocklists, profiles, subscriptions, follows, the status bookkeeping, and the
official accounts with their subscribers (signaling invitations, with their timers, do not)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path

import anyio
import pytest

import aiotim
from aiotim.loopback import Cloud

pytestmark = pytest.mark.anyio

APP = 1400000015
KEY = "people-db-key"
ALLOW_ANY, NEED_CONFIRM = 1, 2
ACCOUNT = "@TOA#_news"


async def _clients(stack: AsyncExitStack, cloud: Cloud) -> list[aiotim.Client]:
    clients = []
    for user in ("alice", "bob", "carol"):
        client = await stack.enter_async_context(cloud.client())
        with anyio.fail_after(10):
            await client.login(user, cloud.user_sig(user))
        clients.append(client)
    return clients


async def test_people_and_official_state_survive_a_restart(tmp_path: Path) -> None:
    """Everything set before the restart reads the same after it, from a new cloud on the
    same database."""
    db = tmp_path / "cloud.db"
    async with Cloud(APP, KEY, db=db) as cloud, AsyncExitStack() as stack:
        alice, bob, carol = await _clients(stack, cloud)
        await alice.profiles.set_self(nick="Alice", signature="hi")
        await bob.profiles.set_self(allow_type=ALLOW_ANY)
        await carol.profiles.set_self(allow_type=NEED_CONFIRM)
        assert not (await alice.friends.add("bob", remark="B")).pending  # friends at once
        assert (await alice.friends.add("carol", wording="let's talk")).pending
        await alice.friends.block("dave")
        await alice.status.subscribe("bob")
        await cloud.create_official_account(ACCOUNT, "News")
        await bob.official.subscribe(ACCOUNT)
    async with Cloud(APP, KEY, db=db) as cloud, AsyncExitStack() as stack:
        alice, bob, carol = await _clients(stack, cloud)
        (mine,) = await alice.friends.list()
        assert (mine.user_id, mine.remark) == ("bob", "B")
        assert [f.user_id for f in await bob.friends.list()] == ["alice"]
        (request,) = await carol.friends.requests()
        assert (request.user_id, request.add_wording) == ("alice", "let's talk")
        assert [b.user_id for b in await alice.friends.blocked()] == ["dave"]
        (profile,) = await bob.profiles.get("alice")
        assert (profile.nick_name, profile.self_signature) == ("Alice", "hi")
        (followed,) = await bob.official.subscribed()
        assert followed.id == ACCOUNT
        changes = alice.status.changes(user_id="bob")  # still subscribed
        await bob.status.set_self("back")
        with anyio.fail_after(10):  # (bob's login may be reported first: Online)
            async for event in changes:
                if event.status.custom_status == "back":
                    break
