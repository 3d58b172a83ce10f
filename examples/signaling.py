"""A signaling call bot: it picks up audio calls (and declines video ones), and on ``/call``
rings you back and says whether you picked up, declined, or did not answer in time.

Signaling carries the invitation only (who calls whom, with what data); the media of the
call itself is another service's (TRTC, say).

    python examples/signaling.py   # a dry run on an embedded loopback cloud (see _harness.py)
"""

from __future__ import annotations

from typing import Any

import anyio
import orjson
from _harness import Peer, main, say

import aiotim
from aiotim.events.wait import EventWaiter

RING_S = 30

router = aiotim.Router("calls")


@router.on(aiotim.InvitationReceived, where=lambda e: not e.group_id)
async def incoming(call: aiotim.InvitationReceived, ctx: aiotim.Context) -> None:
    """Pick up an audio call, decline the others."""
    media = orjson.loads(call.data or "{}").get("media")
    if media == "audio":
        await ctx.client.signaling.accept(call.invite_id, orjson.dumps({"room": 42}).decode())
    else:
        await ctx.client.signaling.reject(call.invite_id, '{"reason": "audio only"}')


@router.command("call")
async def call_me(msg: aiotim.Context) -> None:
    """Ring the sender back and tell them how it went."""
    client, user = msg.client, msg.sender
    # subscribed before the invitation goes out, so that a fast answer is not missed
    waiters: dict[str, EventWaiter[Any]] = {
        "you picked up": client.wait_for(aiotim.InviteeAccepted, check=lambda e: e.invitee == user),
        "you declined": client.wait_for(aiotim.InviteeRejected, check=lambda e: e.invitee == user),
        "no answer": client.wait_for(aiotim.InvitationTimeout, check=lambda e: user in e.invitees),
    }
    await client.signaling.invite(user, '{"media": "audio"}', timeout_s=RING_S)
    outcome = "no answer"
    async with anyio.create_task_group() as tg:

        async def wait(label: str, waiter: EventWaiter[Any]) -> None:
            nonlocal outcome
            await waiter
            outcome = label
            tg.cancel_scope.cancel()

        for label, waiter in waiters.items():
            tg.start_soon(wait, label, waiter)
    for waiter in waiters.values():
        waiter.cancel()
    await msg.reply(outcome)


async def demo(peer: Peer) -> None:
    alice = await peer("alice")
    for media in ("audio", "video"):
        answers: dict[type, EventWaiter[Any]] = {
            aiotim.InviteeAccepted: alice.wait_for(aiotim.InviteeAccepted, timeout=10),
            aiotim.InviteeRejected: alice.wait_for(aiotim.InviteeRejected, timeout=10),
        }
        say("alice", f"(calls call-bot: {media})")
        await alice.signaling.invite("call-bot", orjson.dumps({"media": media}).decode())
        async with anyio.create_task_group() as tg:

            async def report(waiter: EventWaiter[Any]) -> None:
                answer = await waiter
                say("call-bot", f"({type(answer).__name__}: {getattr(answer, 'data', '')})")
                tg.cancel_scope.cancel()

            for waiter in answers.values():
                tg.start_soon(report, waiter)
        for waiter in answers.values():
            waiter.cancel()

    invitations = alice.invitations()
    async with alice.conversation(aiotim.C2C("call-bot")) as chat:
        say("alice", "/call")
        await chat.send("/call")
        ring = await invitations.__anext__()
        say("alice", f"(rings: {ring.data}; declines)")
        await alice.signaling.reject(ring.invite_id)
        reply = await chat.replies.__anext__()
        while reply.text is None:  # the invitation itself is a (custom) message too
            reply = await chat.replies.__anext__()
        say("call-bot", reply.text)


if __name__ == "__main__":
    main(router, "call-bot", demo)
