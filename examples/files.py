"""A file receiver: it downloads every file or image it is sent into a folder and answers with
the name, the size and the SHA-256 of what it stored.

    python examples/files.py   # a dry run on an embedded loopback cloud (see _harness.py)

``AIOTIM_DOWNLOADS`` names the folder (default: ./downloads).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from _harness import Peer, main, say

import aiotim

router = aiotim.Router("files")


def downloads() -> Path:
    folder = Path(os.environ.get("AIOTIM_DOWNLOADS", "downloads"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _safe_name(name: str, fallback: str) -> str:
    """The sender chooses the name: keep its last component only."""
    return Path(name).name or fallback


@router.message(where=lambda m: any(isinstance(e, aiotim.FileElem) for e in m.elems))
async def on_file(msg: aiotim.Context) -> None:
    """Store each file of the message and say what was stored."""
    for elem in msg.message.elems:
        if isinstance(elem, aiotim.FileElem):
            target = downloads() / _safe_name(elem.name, f"{msg.message.id}.bin")
            path = await msg.client.messages.download(elem, target)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            await msg.reply(
                f"stored {path.name}: {path.stat().st_size} bytes, sha256 {digest[:16]}"
            )


@router.message(where=lambda m: any(isinstance(e, aiotim.ImageElem) for e in m.elems))
async def on_image(msg: aiotim.Context) -> None:
    """Store the original of each image."""
    for elem in msg.message.elems:
        if isinstance(elem, aiotim.ImageElem):
            target = downloads() / f"{msg.message.id}.img"
            path = await msg.client.messages.download(elem, target)
            await msg.reply(f"stored an image: {path.stat().st_size} bytes")


@router.message()
async def other(msg: aiotim.Context) -> None:
    await msg.answer("send me a file or an image")


async def demo(peer: Peer) -> None:
    alice = await peer("alice")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("AIOTIM_DOWNLOADS", str(Path(tmp) / "downloads"))
        report = Path(tmp) / "report.txt"
        report.write_bytes(b"quarterly figures\n" * 1000)
        async with alice.conversation(aiotim.C2C("files-bot")) as chat:
            say("alice", "hello")
            say("files-bot", (await chat.ask("hello", timeout=10)).text)
            say("alice", f"(a file: {report.name}, {report.stat().st_size} bytes)")
            await alice.messages.send_file(aiotim.C2C("files-bot"), report)
            say("files-bot", (await chat.replies.__anext__()).text)


if __name__ == "__main__":
    main(router, "files-bot", demo)
