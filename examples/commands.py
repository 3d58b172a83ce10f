"""A command bot: typed arguments parsed from the text, a usage reply on bad ones, /help.

/add 1 2            -> 3
/add 1 x            -> b must be a whole number, got 'x' / usage: /add <a:int> <b:int>
/say yes hi there   -> HI THERE
/convert 10 km      -> 10.0 km = 6.214 mi

python examples/commands.py   # a dry run on an embedded loopback cloud (see _harness.py)
"""

from __future__ import annotations

import enum

from _harness import Peer, main, say

import aiotim

router = aiotim.Router("commands")


class Unit(enum.Enum):
    KM = "km"
    MI = "mi"


@router.command("add", "plus")
async def add(msg: aiotim.Context, a: int, b: int) -> None:
    """Add two whole numbers."""
    await msg.reply(str(a + b))


@router.command("say")
async def say_(msg: aiotim.Context, loud: bool, *words: str) -> None:
    """Say the words, in capitals if loud is yes."""
    text = " ".join(words)
    await msg.answer(text.upper() if loud else text)


@router.command("convert")
async def convert(msg: aiotim.Context, value: float, unit: Unit = Unit.KM) -> None:
    """Convert kilometres to miles or back."""
    if unit is Unit.KM:
        await msg.reply(f"{value} km = {value / 1.609344:.3f} mi")
    else:
        await msg.reply(f"{value} mi = {value * 1.609344:.3f} km")


@router.command("help", "start")
async def help_(msg: aiotim.Context) -> None:
    """What I can do."""
    await msg.answer(router.help_text())


async def demo(peer: Peer) -> None:
    alice = await peer("alice")
    async with alice.conversation(aiotim.C2C("calc-bot")) as chat:
        for text in ("/help", "/add 1 2", "/add 1 x", "/say yes hi there", "/convert 10 km"):
            say("alice", text)
            say("calc-bot", (await chat.ask(text, timeout=10)).text)


if __name__ == "__main__":
    main(router, "calc-bot", demo)
