"""A group moderator: it owns a public group, removes messages with banned words, mutes a
repeat offender, removes a third-time one, and takes /mute and /kick from the group's admins.

    python examples/moderator.py   # a dry run on an embedded loopback cloud (see _harness.py)
"""

from __future__ import annotations

import re
from collections import Counter

from _harness import Peer, main, say

import aiotim

GROUP = aiotim.Group("lobby")
ADMINS = {"alice"}
BANNED = re.compile(r"\b(spam|scam)\b", re.IGNORECASE)
MUTE_S = 60

router = aiotim.Router("moderator")
strikes: Counter[str] = Counter()


async def setup(bot: aiotim.Client) -> None:
    """Create the group the bot moderates (anyone may join)."""
    await bot.groups.create(
        "Lobby",
        group_id=GROUP.id,
        group_type=aiotim.GroupType.PUBLIC,
        add_option=aiotim.GroupAddOption.ANY,
    )


admin = aiotim.Router("admin")


@admin.middleware
async def admins_only(msg: aiotim.Context, call_next: aiotim.CallNext) -> None:
    """Commands of this router are for the admins; others are told so."""
    if msg.sender in ADMINS:
        await call_next()
    else:
        await msg.reply("only admins can do that")


@admin.command("mute")
async def mute(msg: aiotim.Context, user_id: str, seconds: int = MUTE_S) -> None:
    """Mute a member for some seconds (0 lifts it)."""
    await msg.client.groups.mute(GROUP, user_id, seconds)
    await msg.answer(f"{user_id} muted for {seconds} s")


@admin.command("kick")
async def kick(msg: aiotim.Context, user_id: str) -> None:
    """Remove a member from the group."""
    [result] = await msg.client.groups.kick(GROUP, [user_id], reason=f"removed by {msg.sender}")
    if result.result == aiotim.MemberResultCode.OK:
        await msg.answer(f"{user_id} removed")
    else:
        await msg.answer(f"{user_id} is not a member")


router.include(admin)


@router.message(conv=GROUP, text=BANNED)
async def banned_word(msg: aiotim.Context) -> None:
    """Remove the message; the second strike mutes, the third removes the sender."""
    await msg.client.messages.revoke(msg.message, reason="banned word")
    strikes[msg.sender] += 1
    if strikes[msg.sender] == 1:
        await msg.answer(f"@{msg.sender}: that word is not allowed here (1 of 3)")
    elif strikes[msg.sender] == 2:
        await msg.client.groups.mute(GROUP, msg.sender, MUTE_S)
        await msg.answer(f"@{msg.sender}: muted for {MUTE_S} s (2 of 3)")
    else:
        await msg.client.groups.kick(GROUP, [msg.sender], reason="banned words")
        await msg.answer(f"{msg.sender} removed (3 of 3)")


@router.error(aiotim.TIMError)
async def refused(msg: aiotim.Context, exc: aiotim.TIMError) -> None:
    """What the cloud refused (kicking someone not in the group, say) is said in the group."""
    await msg.answer(f"could not do that: {exc.desc} ({exc.code})")


async def demo(peer: Peer) -> None:
    alice, bob = await peer("alice"), await peer("bob")
    for member in (alice, bob):
        await member.groups.join(GROUP)
    async with alice.conversation(GROUP) as lobby:
        for who, client, text in (
            ("bob", bob, "buy my spam"),
            ("bob", bob, "it is not a scam"),
            ("alice", alice, "/mute bob 0"),
            ("bob", bob, "/kick alice"),
            ("alice", alice, "/kick carol"),
        ):
            say(who, text)
            await client.send_text(GROUP, text)
            reply = await lobby.replies.__anext__()
            while reply.sender != "mod-bot":
                reply = await lobby.replies.__anext__()
            say("mod-bot", reply.text)


if __name__ == "__main__":
    main(router, "mod-bot", demo, setup=setup)
