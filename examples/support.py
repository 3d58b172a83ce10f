"""A customer-service bot with a handoff to a person: it answers common questions itself; a
customer who asks for a person is connected to a free agent, and from then on the bot relays
between them until the agent closes the case.

    customer: how much is shipping?      bot: Shipping is free over 50 EUR ...
    customer: I want a human             bot: connecting you to agent-ann
    agent-ann gets: [alice] wants a person. Answer with /to alice <text>, end with /close alice
    customer: my parcel is lost          agent-ann gets: [alice] my parcel is lost
    agent-ann: /to alice Sorry! ...      customer gets: agent-ann: Sorry! ...
    agent-ann: /close alice              customer gets: agent-ann closed the conversation ...

    python examples/support.py   # a dry run on an embedded loopback cloud (see _harness.py)
"""

from __future__ import annotations

import re

from _harness import Peer, main, say

import aiotim

AGENTS = ("agent-ann", "agent-bob")
FAQ = {
    r"\bshipping\b": "Shipping is free over 50 EUR, otherwise 4.90 EUR.",
    r"\b(return|refund)s?\b": "You can return anything within 30 days: reply 'agent' to start.",
    r"\b(hours|open)\b": "We answer every day from 8:00 to 20:00.",
}
HANDOFF = re.compile(r"\b(agent|human|person)\b", re.IGNORECASE)

#: customer -> the agent who has their case
cases: dict[str, str] = {}

router = aiotim.Router("support")
agents = aiotim.Router("agents")
customers = aiotim.Router("customers")
router.include(agents)
router.include(customers)


def is_agent(msg: aiotim.Message) -> bool:
    return msg.sender in AGENTS and isinstance(msg.conv, aiotim.C2C)


# -- agents --------------------------------------------------------------------------------------


@agents.command("to", where=is_agent)
async def to(msg: aiotim.Context, customer: str, *words: str) -> None:
    """Write to the customer whose case you have."""
    if cases.get(customer) != msg.sender:
        await msg.reply(f"you have no case with {customer}")
        return
    await msg.client.send_text(aiotim.C2C(customer), f"{msg.sender}: {' '.join(words)}")


@agents.command("close", where=is_agent)
async def close(msg: aiotim.Context, customer: str) -> None:
    """Close a customer's case: the bot answers them again."""
    if cases.pop(customer, None) != msg.sender:
        await msg.reply(f"you have no case with {customer}")
        return
    await msg.client.send_text(
        aiotim.C2C(customer), f"{msg.sender} closed the conversation. Anything else? Ask me."
    )
    await msg.reply(f"closed: {customer}")


# -- customers ---------------------------------------------------------------------------------


@customers.message(where=lambda m: m.sender in cases)
async def relay(msg: aiotim.Context) -> None:
    """A customer with a case: what they write goes to their agent."""
    await msg.client.send_text(aiotim.C2C(cases[msg.sender]), f"[{msg.sender}] {msg.text}")


@customers.message(text=HANDOFF, where=lambda m: not is_agent(m))
async def handoff(msg: aiotim.Context) -> None:
    """Connect the customer to the agent with the fewest cases."""
    agent = min(AGENTS, key=lambda a: sum(1 for v in cases.values() if v == a))
    cases[msg.sender] = agent
    await msg.reply(f"connecting you to {agent}")
    await msg.client.send_text(
        aiotim.C2C(agent),
        f"[{msg.sender}] wants a person. "
        f"Answer with /to {msg.sender} <text>, end with /close {msg.sender}",
    )


@customers.message(where=lambda m: not is_agent(m))
async def faq(msg: aiotim.Context) -> None:
    """The bot's own answers."""
    for pattern, answer in FAQ.items():
        if re.search(pattern, msg.text or "", re.IGNORECASE):
            await msg.reply(answer)
            return
    await msg.reply("I did not get that. Say 'agent' to talk to a person.")


async def demo(peer: Peer) -> None:
    alice, ann = await peer("alice"), await peer("agent-ann")
    async with (
        alice.conversation(aiotim.C2C("support-bot")) as chat,
        ann.conversation(aiotim.C2C("support-bot")) as desk,
    ):
        for text in ("how much is shipping?", "I want a human"):
            say("alice", text)
            say("bot", (await chat.ask(text, timeout=10)).text)
        say("ann gets", (await desk.replies.__anext__()).text)
        say("alice", "my parcel is lost")
        await chat.send("my parcel is lost")
        say("ann gets", (await desk.replies.__anext__()).text)
        say("agent-ann", "/to alice Sorry! A new one leaves today.")
        await desk.send("/to alice Sorry! A new one leaves today.")
        say("alice gets", (await chat.replies.__anext__()).text)
        say("agent-ann", "/close alice")
        await desk.send("/close alice")
        say("alice gets", (await chat.replies.__anext__()).text)
        say("ann gets", (await desk.replies.__anext__()).text)


if __name__ == "__main__":
    main(router, "support-bot", demo)
