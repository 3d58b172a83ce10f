"""With ``db=``, the loopback keeps what members set around messages across a cloud restart:
group receive options, group read receipts and pins, and the one-to-one receive options,
extensions and reactions."""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path

import pytest

import aiotim
from aiotim.loopback import Cloud
from tests.helpers import APP_ID, SECRET

pytestmark = pytest.mark.anyio

NOT_NOTIFY = 2  # TIMReceiveMessageOpt


async def _clients(cloud: Cloud, stack: AsyncExitStack, *users: str) -> list[aiotim.Client]:
    out = []
    for user in users:
        client = await stack.enter_async_context(cloud.client())
        await client.login(user, cloud.user_sig(user))
        out.append(client)
    return out


async def test_message_state_survives_a_restart(tmp_path: Path) -> None:
    """Set everything, restart the cloud on the same database, read it all back."""
    db = tmp_path / "cloud.db"
    async with Cloud(APP_ID, SECRET, db=db) as cloud, AsyncExitStack() as stack:
        alice, bob = await _clients(cloud, stack, "alice", "bob")
        group = await alice.groups.create("kept", group_type=aiotim.GroupType.PUBLIC)
        await alice.groups.invite(group, ["bob"])
        await bob.messages.set_group_receive_option(group.id, NOT_NOTIFY)
        note = await alice.messages.send(group, aiotim.Text("read me"), need_read_receipt=True)
        [got] = await bob.messages.find([note.id])
        await bob.messages.send_receipts(got)
        await alice.messages.pin(group.id, note)
        await bob.messages.set_receive_option(["alice"], NOT_NOTIFY)
        dm = await alice.messages.send(
            aiotim.C2C("bob"), aiotim.Text("hi"), support_extensions=True
        )
        await alice.messages.set_extensions(dm, {"k": "v"})
        await bob.messages.add_reaction(dm, "like")
    async with Cloud(APP_ID, SECRET, db=db) as cloud, AsyncExitStack() as stack:
        alice, bob = await _clients(cloud, stack, "alice", "bob")
        [member] = await alice.groups.member_info(group, ["bob"])
        assert member.msg_flag == NOT_NOTIFY
        [receipt] = await alice.messages.receipts(note)
        assert receipt.read_count == 1
        assert [m.id for m in await bob.messages.pinned(group.id)] == [note.id]
        assert await bob.messages.receive_options(["alice"]) == {"alice": NOT_NOTIFY}
        [dm_again] = await bob.messages.find([dm.id])
        assert [(e.key, e.value) for e in await bob.messages.extensions(dm_again)] == [("k", "v")]
        reactions = await alice.messages.reactions(dm_again)
        assert [(r.reaction_id, r.total_user_count) for r in reactions[dm.id]] == [("like", 1)]
