"""An echo bot: it answers every text message with the same text.

python examples/echo.py   # a dry run on an embedded loopback cloud (see _harness.py)
"""

from __future__ import annotations

from _harness import Peer, main, say

import aiotim

router = aiotim.Router("echo")


@router.message()
async def echo(msg: aiotim.Context) -> None:
    """Say it back (a message without text, an image say, gets a word about it)."""
    if msg.text is None:
        await msg.reply("I only echo text")
    else:
        await msg.answer(f"echo: {msg.text}")


async def demo(peer: Peer) -> None:
    alice = await peer("alice")
    async with alice.conversation(aiotim.C2C("echo-bot")) as chat:
        for text in ("hello", "how are you?"):
            say("alice", text)
            say("echo-bot", (await chat.ask(text, timeout=10)).text)


if __name__ == "__main__":
    main(router, "echo-bot", demo)
