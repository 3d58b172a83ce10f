"""``Cloud(plan=...)``: the loopback runs as an IM edition and refuses what that edition does not
include, with the real service's code and a message naming the edition needed; the default (the
highest) serves everything."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import anyio
import pytest

import aiotim
from aiotim import TIMError
from aiotim._abi import FUNCTIONS
from aiotim.errors import NotSupported
from aiotim.loopback import Cloud, Plan
from aiotim.loopback.cloud.plan import GATED
from aiotim.loopback.cloud.serve import main as serve_main
from aiotim.loopback.handlers import served_functions
from tests.helpers import APP_ID, SECRET, next_item

pytestmark = pytest.mark.anyio

READ_MEMBERS = "TIMMsgGetGroupMessageReadMemberList"  # its callback carries no error code


@asynccontextmanager
async def plan_cloud(
    plan: Plan | None, *users: str
) -> AsyncIterator[tuple[Cloud, list[aiotim.Client]]]:
    """A cloud run as ``plan`` (``None``: the default) and one logged-in client per user."""
    async with AsyncExitStack() as stack:
        cloud = Cloud(APP_ID, SECRET) if plan is None else Cloud(APP_ID, SECRET, plan=plan)
        await stack.enter_async_context(cloud)
        clients = []
        for user in users:
            client = await stack.enter_async_context(cloud.client())
            with anyio.fail_after(10):
                await client.login(user, cloud.user_sig(user))
            clients.append(client)
        yield cloud, clients


def _dummy_args(name: str) -> list[Any]:
    """Arguments of the right C types for ``name`` (a refused call never reaches a handler)."""
    args: list[Any] = []
    for p in FUNCTIONS[name].params:
        if p.kind in ("callback", "user_data"):
            continue
        args.append({"str": "[]", "int": 0, "bool": False}[p.kind])
    return args


def test_plan_exported_and_parsed() -> None:
    """aiotim.loopback.Plan lists the editions lowest first, takes the old names (Ultimate and
    Premium are today's Pro), parses --plan names and says which exist for a wrong one."""
    assert aiotim.loopback.Plan is Plan
    assert list(Plan) == [
        Plan.FREE_TRIAL,
        Plan.STANDARD,
        Plan.PRO,
        Plan.PRO_PLUS,
        Plan.ENTERPRISE,
    ]
    assert Plan.ULTIMATE is Plan.PRO and Plan.PREMIUM is Plan.PRO
    assert Plan.parse("pro-plus") is Plan.PRO_PLUS
    assert Plan.parse("Ultimate") is Plan.PRO
    assert Plan.parse("free_trial") is Plan.FREE_TRIAL
    with pytest.raises(ValueError, match="standard"):
        Plan.parse("gold")
    with pytest.raises(TypeError, match="Plan"):
        Cloud(APP_ID, SECRET, plan="standard")  # type: ignore[arg-type]
    assert Cloud(APP_ID, SECRET).plan is Plan.ENTERPRISE
    assert Cloud(APP_ID, SECRET, plan=Plan.STANDARD).plan is Plan.STANDARD


def test_gated_functions_are_served() -> None:
    """Every gated function is one the loopback serves (a gate on an unserved one would hide the
    "loopback lacks it" answer), and cloud search needs more than receipts."""
    assert set(GATED) <= served_functions()
    assert GATED["TIMMsgSearchCloudMessages"] is Plan.PRO_PLUS
    assert GATED["TIMMsgSendMessageReadReceipts"] is Plan.PRO
    assert GATED[READ_MEMBERS] is Plan.PRO


def test_serve_cli_plan_option(capsys: pytest.CaptureFixture[str]) -> None:
    """`aiotim loopback serve --plan NAME` refuses an unknown name, listing the editions."""
    with pytest.raises(SystemExit):
        serve_main(["--app-id", "1", "--secret-key", "k", "--plan", "gold"])
    err = capsys.readouterr().err
    assert "no IM plan named 'gold'" in err and "pro-plus" in err


async def test_default_plan_serves_cloud_search_and_group_receipts() -> None:
    """On the default plan, cloud search finds a group message and group read receipts work:
    send_receipts, receipts (1 read / 1 unread) and read_members (read and unread lists)."""
    async with plan_cloud(None, "alice", "bob", "carol") as (_, (alice, bob, _carol)):
        group = await alice.groups.create("team", members=("bob", "carol"))
        inbox = bob.messages.new_messages()
        sent = await alice.messages.send(group, aiotim.Text("plan check"), need_read_receipt=True)
        while True:
            got = await next_item(inbox)
            assert isinstance(got, aiotim.Message)
            if got.id == sent.id:
                break
        found = await bob.messages.search_cloud("plan", conv=group)
        assert [m.id for item in found.items for m in item.messages] == [sent.id]
        await bob.messages.send_receipts(got)
        [receipt] = await alice.messages.receipts(sent)
        assert (receipt.read_count, receipt.unread_count) == (1, 1)
        read, _, _ = await alice.messages.read_members(sent)
        assert [m.user_id for m in read] == ["bob"]
        unread, _, _ = await alice.messages.read_members(sent, read=False)
        assert [m.user_id for m in unread] == ["carol"]


async def test_standard_plan_refuses_receipts_and_cloud_search() -> None:
    """On Standard, group receipts are refused with 7013 and a message naming the Pro edition,
    cloud search with 60020 naming Pro Plus; both raise NotSupported whose hint points at
    Cloud(plan=...); read_members (a callback without a code) lists no one; sending works."""
    async with plan_cloud(Plan.STANDARD, "alice", "bob", "carol") as (_, (alice, bob, _)):
        group = await alice.groups.create("team", members=("bob", "carol"))
        inbox = bob.messages.new_messages()
        sent = await alice.messages.send(group, aiotim.Text("plan check"), need_read_receipt=True)
        while True:
            got = await next_item(inbox)
            assert isinstance(got, aiotim.Message)
            if got.id == sent.id:
                break
        for call in (
            lambda: bob.messages.send_receipts(got),
            lambda: alice.messages.receipts(sent),
        ):
            with pytest.raises(NotSupported) as err:
                await call()
            assert err.value.code == 7013
            assert "Pro (旗舰版, formerly Ultimate) edition" in err.value.desc
            assert "Standard" in err.value.desc
            assert "Cloud(plan=...)" in err.value.hint
        with pytest.raises(NotSupported) as err:
            await bob.messages.search_cloud("plan", conv=group)
        assert err.value.code == 60020
        assert "Pro Plus edition" in err.value.desc
        assert "Cloud(plan=...)" in err.value.hint
        assert await alice.messages.read_members(sent, read=False) == ([], 0, True)


async def test_pro_plan_serves_receipts_but_not_cloud_search() -> None:
    """On Pro (formerly Ultimate), C2C read receipts work and local search works, while cloud
    search (Pro Plus) answers 60020."""
    async with plan_cloud(Plan.ULTIMATE, "alice", "bob") as (cloud, (alice, bob)):
        assert cloud.plan is Plan.PRO
        inbox = bob.messages.new_messages()
        sent = await alice.messages.send(
            aiotim.C2C("bob"), aiotim.Text("pro"), need_read_receipt=True
        )
        got = await next_item(inbox)
        assert isinstance(got, aiotim.Message) and got.id == sent.id
        await bob.messages.send_receipts(got)
        [receipt] = await alice.messages.receipts(sent)
        assert receipt.is_peer_read
        assert (await alice.messages.search_local("pro")).total_count == 1
        with pytest.raises(TIMError) as err:
            await alice.messages.search_cloud("pro")
        assert err.value.code == 60020 and "Pro Plus" in err.value.desc


async def test_free_trial_has_cloud_search_quota_but_no_receipts() -> None:
    """On Free Trial, cloud search works (its one-month trial quota) and read receipts are
    refused with 7013."""
    async with plan_cloud(Plan.FREE_TRIAL, "alice", "bob") as (_, (alice, _bob)):
        sent = await alice.messages.send(
            aiotim.C2C("bob"), aiotim.Text("trial"), need_read_receipt=True
        )
        found = await alice.messages.search_cloud("trial")
        assert found.total_count >= 1
        with pytest.raises(TIMError) as err:
            await alice.messages.receipts(sent)
        assert err.value.code == 7013 and "Free Trial" in err.value.desc


async def test_every_gated_function_refused_below_its_plan() -> None:
    """On Standard, each gated function (receipts, reactions, extensions, pins, local and cloud
    search, conversation marks and groups, user status, follows, permission groups ...) is
    refused before any argument is looked at: 7013 (60020 for cloud search) and a desc naming
    the edition it needs."""
    async with plan_cloud(Plan.STANDARD, "alice") as (_, (alice,)):
        for name, needed in sorted(GATED.items()):
            if name == READ_MEMBERS:
                continue
            with pytest.raises(TIMError) as err:
                await alice.call_raw(name, *_dummy_args(name))
            want = 60020 if needed is Plan.PRO_PLUS else 7013
            assert err.value.code == want, name
            assert f"{name} needs the {needed.title} edition" in err.value.desc
