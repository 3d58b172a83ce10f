"""``aiotim demo``: an embedded loopback cloud, an echo bot and a scripted peer, offline."""

from __future__ import annotations

import anyio

from aiotim.client import Client
from aiotim.loopback import Cloud
from aiotim.models import C2C, Group, GroupTipType, Message

__all__ = ["run_demo"]

APP_ID = 1400000001
SECRET_KEY = "demo-secret-key-not-for-production"
SCRIPT = ["hello, bot!", "what do you do?", "ping", "bye"]


async def echo_bot(bot: Client) -> None:
    """The bot: answer every text message with an echo of it, in C2C and in groups."""
    async for msg in bot.new_messages():
        if msg.text is None or msg.is_self:
            continue
        if isinstance(msg.conv, C2C | Group):
            await bot.send_text(msg.conv, f"echo: {msg.text}")


async def group_scene(cloud: Cloud, bot: Client, alice: Client) -> None:
    """A Work group: alice creates it with the bot in it, bob is invited (everyone sees the
    tip), and the bot echoes in the group for every member to see."""
    async with cloud.client() as bob:
        await bob.login("bob", cloud.user_sig("bob"))
        group = await alice.groups.create("demo team", members=["echo-bot"])
        print(f"  alice created the Work group {group.id!r} with echo-bot in it")
        tips = bob.groups.tips(group_id=group.id, tip_type=GroupTipType.INVITE)
        await alice.groups.invite(group, ["bob"])
        with anyio.fail_after(10):
            tip = await tips.__anext__()
        print(f"  bob sees the tip: {tip.tips.op_user} invited {', '.join(tip.tips.users)}")
        echoes = bob.new_messages(conv=group, sender="echo-bot")
        async with anyio.create_task_group() as tg:
            tg.start_soon(echo_bot, bot)
            sent = await alice.send_text(group, "hello, team")
            print(_line("alice", group.id, sent))
            with anyio.fail_after(10):
                echo = await echoes.__anext__()
            print(f"  bob reads: {_line('echo-bot', group.id, echo).strip()}")
            tg.cancel_scope.cancel()


def _line(who: str, to: str, msg: Message) -> str:
    return f"  [seq {msg.seq:>2}] {who} → {to}: {msg.text}"


async def run_demo() -> int:
    """Run the scripted conversation, printing it as it happens; returns the exit status."""
    print("aiotim demo: a loopback IM cloud, an echo bot and a peer, all in this process")
    async with Cloud(APP_ID, SECRET_KEY) as cloud, cloud.client() as bot, cloud.client() as alice:
        print(f"  SDK {bot.sdk_version}, cloud at {cloud.address}")
        await bot.login("echo-bot", cloud.user_sig("echo-bot"))
        await alice.login("alice", cloud.user_sig("alice"))
        print(f"  logged in: {bot.user_id} and {alice.user_id}")
        replies = alice.new_messages(conv=C2C("echo-bot"))
        async with anyio.create_task_group() as tg:
            tg.start_soon(echo_bot, bot)
            for text in SCRIPT:
                sent = await alice.send_text(C2C("echo-bot"), text)
                print(_line("alice", "echo-bot", sent))
                with anyio.fail_after(10):
                    reply = await replies.__anext__()
                print(_line("echo-bot", "alice", reply))
            tg.cancel_scope.cancel()
        await group_scene(cloud, bot, alice)
        convs = await alice.conversations()
        for c in convs:
            last = c.last_message.text if c.last_message else None
            print(
                f"  alice's conversation with {c.conv.id}: {c.unread_count} unread, last: {last!r}"
            )
    print("demo finished")
    return 0
