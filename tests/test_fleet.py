"""aiotim.Fleet on the loopback: many accounts in one process, merged streams, per-account
handlers, failures kept to their account, UserSig renewal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import pytest

import aiotim
from aiotim.fleet import AccountFailure, AccountState, Fleet, FleetEvent
from aiotim.loopback import Cloud
from aiotim.models import C2C, Message
from tests.helpers import APP_ID, SECRET, next_item

pytestmark = pytest.mark.anyio

BOTS = [f"bot{i}" for i in range(10)]


@asynccontextmanager
async def sender(cloud: Cloud, user: str = "alice") -> AsyncIterator[aiotim.Client]:
    async with cloud.client() as client:
        with anyio.fail_after(10):
            await client.login(user, cloud.user_sig(user))
        yield client


async def test_ten_accounts_merged_stream() -> None:
    """Ten accounts start (paced), all online; one merged stream gets a message for each,
    every item naming the account it came for; per-account streams see only their own."""
    async with Cloud(APP_ID, SECRET) as cloud:
        sigs = {u: cloud.user_sig(u) for u in BOTS}
        fleet = Fleet(lambda _: cloud.client(), sigs, starts_per_s=200, max_starting=4)
        async with fleet:
            assert set(fleet.clients) == set(BOTS)
            assert cloud.online_users() >= set(BOTS)
            assert all(fleet.state(u) is AccountState.ONLINE for u in BOTS)
            merged = fleet.new_messages()
            only3 = fleet.new_messages(accounts="bot3")
            async with sender(cloud) as alice:
                for u in BOTS:
                    await alice.send_text(C2C(u), f"hello {u}")
                seen: dict[str, str] = {}
                with anyio.fail_after(10):
                    async for item in merged:
                        assert isinstance(item, FleetEvent)
                        assert isinstance(item.event, Message)
                        seen[item.account] = item.event.text
                        assert item.client is fleet.client(item.account)
                        if len(seen) == len(BOTS):
                            break
                assert seen == {u: f"hello {u}" for u in BOTS}
                own = await next_item(only3)
                assert isinstance(own, FleetEvent) and own.account == "bot3"
                assert len(only3) == 0
        assert fleet.state("bot0") is AccountState.CLOSED
        assert merged.closed


async def test_kick_is_isolated() -> None:
    """A kicked account is reported (failures stream and .failed) and stopped; the others
    keep receiving."""
    async with Cloud(APP_ID, SECRET) as cloud:
        accounts = {u: cloud.user_sig(u) for u in BOTS[:4]}
        async with Fleet(lambda _: cloud.client(), accounts) as fleet:
            failures = fleet.failures()
            merged = fleet.new_messages()
            await cloud.kick("bot1")
            failure = await next_item(failures)
            assert failure == AccountFailure("bot1", "kicked")
            assert "bot1" in str(failure)
            with anyio.fail_after(10):
                while fleet.state("bot1") is not AccountState.FAILED:
                    await anyio.sleep(0.01)
            assert set(fleet.clients) == {"bot0", "bot2", "bot3"}
            with pytest.raises(LookupError, match="bot1"):
                fleet.client("bot1")
            async with sender(cloud) as alice:
                await alice.send_text(C2C("bot2"), "still here?")
                item = await next_item(merged)
                assert isinstance(item, FleetEvent)
                assert (item.account, item.event.text) == ("bot2", "still here?")
            # a failed account can be started again
            assert await fleet.add("bot1", cloud.user_sig("bot1")) is AccountState.ONLINE
            assert "bot1" not in fleet.failed


async def test_login_error_is_isolated() -> None:
    """An account whose login fails is reported as a login error; the fleet starts the others
    and entering it does not raise."""
    async with Cloud(APP_ID, SECRET) as cloud:
        accounts = {u: cloud.user_sig(u) for u in BOTS[:3]}
        accounts["broken"] = cloud.user_sig("someone-else")
        async with Fleet(lambda _: cloud.client(), accounts) as fleet:
            assert fleet.state("broken") is AccountState.FAILED
            failure = fleet.failed["broken"]
            assert failure.reason == "login_error"
            assert isinstance(failure.error, aiotim.TIMError)
            assert set(fleet.clients) == set(BOTS[:3])


async def test_user_sig_renewal() -> None:
    """An expired UserSig is renewed through the user's callable and the account logs in
    again with it (and gets messages again); a refused one at login is renewed too; without
    a renewer an expiry is a failure of that account only."""
    async with Cloud(APP_ID, SECRET) as cloud:
        asked: list[str] = []

        async def renew(user_id: str) -> str:
            asked.append(user_id)
            return cloud.user_sig(user_id)

        accounts = {"bot0": cloud.user_sig("bot0"), "bot1": cloud.user_sig("nobody")}
        async with Fleet(lambda _: cloud.client(), accounts, renew_user_sig=renew) as fleet:
            assert asked == ["bot1"]  # refused at login → renewed → online
            assert fleet.state("bot1") is AccountState.ONLINE
            merged = fleet.new_messages()
            waiter = fleet.client("bot0").wait_for(aiotim.UserSigExpired, timeout=10)
            await cloud.expire_user_sig("bot0")
            await waiter
            with anyio.fail_after(10):
                while fleet.renewals < 2 or fleet.state("bot0") is not AccountState.ONLINE:
                    await anyio.sleep(0.01)
            assert asked == ["bot1", "bot0"]
            assert "bot0" in cloud.online_users()
            async with sender(cloud) as alice:
                await alice.send_text(C2C("bot0"), "renewed")
                item = await next_item(merged)
                assert isinstance(item, FleetEvent)
                assert (item.account, item.event.text) == ("bot0", "renewed")
            assert not fleet.failed

        async with Fleet(lambda _: cloud.client(), {"bot2": cloud.user_sig("bot2")}) as plain:
            failures = plain.failures()
            await cloud.expire_user_sig("bot2")
            failure = await next_item(failures)
            assert failure == AccountFailure("bot2", "user_sig_expired")


async def test_serve_routes_per_account() -> None:
    """serve() runs each handler on its accounts only; items name the account and carry its
    client to reply with."""
    async with Cloud(APP_ID, SECRET) as cloud:
        accounts = {u: cloud.user_sig(u) for u in BOTS[:3]}
        async with Fleet(lambda _: cloud.client(), accounts) as fleet:

            @fleet.on(Message, accounts="bot0")
            async def first(item: FleetEvent[Message]) -> None:
                await item.client.send_text(C2C(item.event.sender), f"bot0 got {item.event.text}")

            @fleet.on(Message, accounts=["bot1", "bot2"], text="ping")
            async def others(item: FleetEvent[Message]) -> None:
                await item.client.send_text(C2C(item.event.sender), f"pong from {item.account}")

            async with sender(cloud) as alice, anyio.create_task_group() as tg:
                tg.start_soon(fleet.serve)
                replies = alice.new_messages()
                for u in ("bot0", "bot1", "bot2"):
                    await alice.send_text(C2C(u), "ping")
                texts = set()
                for _ in range(3):
                    reply = await next_item(replies)
                    assert isinstance(reply, Message)
                    texts.add((reply.sender, reply.text))
                assert texts == {
                    ("bot0", "bot0 got ping"),
                    ("bot1", "pong from bot1"),
                    ("bot2", "pong from bot2"),
                }
                tg.cancel_scope.cancel()


async def test_bad_arguments() -> None:
    """Bad arguments raise TypeError/ValueError naming the problem."""
    with pytest.raises(ValueError, match="starts_per_s"):
        Fleet(lambda _: aiotim.Client(1), starts_per_s=0)
    with pytest.raises(TypeError, match="UserSig"):
        Fleet(lambda _: aiotim.Client(1), {"a": ""})
    fleet = Fleet(lambda _: aiotim.Client(1))
    with pytest.raises(RuntimeError, match="open fleet"):
        fleet.new_messages()
    with pytest.raises(RuntimeError, match="no handlers"):
        await fleet.serve()
    with pytest.raises(KeyError, match="int"):
        fleet.on(int)
    with pytest.raises(TypeError, match="filter messages"):
        fleet.on(aiotim.UserSigExpired, text="x")
