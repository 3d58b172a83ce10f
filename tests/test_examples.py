"""The examples of examples/ (issue 15 item 3): each bot's behaviour through the pytest plugin's
fixtures (aiotim_cloud, aiotim_client) on asyncio and trio, and each file run as a user runs it
(`python examples/<name>.py`: a dry run on an embedded loopback cloud)."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType

import anyio
import pytest

import aiotim
import aiotim.testing
from aiotim.testing import ClientFactory

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
NAMES = ["echo", "commands", "moderator", "files", "support", "signaling"]


def example(name: str) -> ModuleType:
    """examples/<name>.py as a module (examples/ on sys.path for its _harness)."""
    key = f"aiotim_example_{name}"
    if key in sys.modules:
        return sys.modules[key]
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(key, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


@asynccontextmanager
async def bot_of(
    aiotim_client: ClientFactory, name: str, bot_id: str
) -> AsyncIterator[aiotim.Client]:
    """The example's bot, logged in as bot_id, set up and serving while the block runs."""
    module = example(name)
    bot = await aiotim_client(bot_id)
    setup = getattr(module, "setup", None)
    if setup is not None:
        await setup(bot)
    bot.include(module.router)
    async with anyio.create_task_group() as tg:
        tg.start_soon(bot.serve)
        yield bot
        tg.cancel_scope.cancel()


async def next_text(replies: aiotim.Stream[aiotim.Message]) -> str | None:
    """The next message with text (signaling invitations are messages without text)."""
    with anyio.fail_after(10):
        async for msg in replies:
            if msg.text is not None:
                return msg.text
    raise AssertionError("the stream ended")


class TestExampleBots:
    pytestmark = pytest.mark.anyio

    async def test_echo(self, aiotim_client: ClientFactory) -> None:
        """echo.py: text comes back prefixed; a message without text gets a reply saying so."""
        async with bot_of(aiotim_client, "echo", "echo-bot"):
            alice = await aiotim_client("alice")
            async with alice.conversation(aiotim.C2C("echo-bot")) as chat:
                assert (await chat.ask("hi", timeout=10)).text == "echo: hi"
                await alice.send_custom(aiotim.C2C("echo-bot"), "{}")
                reply = await chat.replies.__anext__()
                assert reply.text == "I only echo text"
                assert reply.reply_to is not None

    async def test_commands(self, aiotim_client: ClientFactory) -> None:
        """commands.py: typed arguments, an Enum unit, the usage reply, /help from docstrings."""
        async with bot_of(aiotim_client, "commands", "calc-bot"):
            alice = await aiotim_client("alice")
            async with alice.conversation(aiotim.C2C("calc-bot")) as chat:
                assert (await chat.ask("/add 2 3", timeout=10)).text == "5"
                assert (await chat.ask("/add 2", timeout=10)).text == (
                    "missing b\nusage: /add <a:int> <b:int>"
                )
                assert (await chat.ask("/convert 1.609344 mi", timeout=10)).text == (
                    "1.609344 mi = 2.590 km"
                )
                assert (await chat.ask("/say no quiet words", timeout=10)).text == "quiet words"
                help_text = (await chat.ask("/help", timeout=10)).text or ""
                assert help_text.splitlines()[0] == "/add <a:int> <b:int> — Add two whole numbers."
                assert len(help_text.splitlines()) == 4

    async def test_moderator(self, aiotim_client: ClientFactory) -> None:
        """moderator.py: a banned word is revoked with a warning, the second mutes the sender
        (their next send is refused), admins' commands are refused to others, /mute 0 lifts."""
        module = example("moderator")
        module.strikes.clear()
        async with bot_of(aiotim_client, "moderator", "mod-bot"):
            alice, bob = await aiotim_client("alice"), await aiotim_client("bob")
            for member in (alice, bob):
                await member.groups.join(module.GROUP)
            revokes = alice.revokes()
            lobby = alice.new_messages(conv=module.GROUP, sender="mod-bot")
            spam = await bob.send_text(module.GROUP, "cheap SPAM here")
            assert await next_text(lobby) == "@bob: that word is not allowed here (1 of 3)"
            with anyio.fail_after(10):
                revoked = await revokes.__anext__()
            assert (revoked.locator.seq, revoked.locator.rand) == (spam.seq, spam.rand)
            assert revoked.revoker == "mod-bot" and revoked.reason == "banned word"
            await bob.send_text(module.GROUP, "a scam")
            assert await next_text(lobby) == "@bob: muted for 60 s (2 of 3)"
            with pytest.raises(aiotim.TIMError) as muted:
                await bob.send_text(module.GROUP, "hello?")
            assert muted.value.code == 10017
            await alice.send_text(module.GROUP, "/mute bob 0")
            assert await next_text(lobby) == "bob muted for 0 s"
            await bob.send_text(module.GROUP, "/kick alice")
            assert await next_text(lobby) == "only admins can do that"
            await alice.send_text(module.GROUP, "/kick nobody")
            assert await next_text(lobby) == "nobody is not a member"

    async def test_files(
        self, aiotim_client: ClientFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """files.py: a sent file is downloaded into AIOTIM_DOWNLOADS, byte for byte, under its
        own name (a path in the name is dropped), and the reply gives its size and hash."""
        monkeypatch.setenv("AIOTIM_DOWNLOADS", str(tmp_path / "in"))
        data = os.urandom(300_000)
        (tmp_path / "blob.bin").write_bytes(data)
        async with bot_of(aiotim_client, "files", "files-bot"):
            alice = await aiotim_client("alice")
            replies = alice.new_messages(conv=aiotim.C2C("files-bot"), sender="files-bot")
            await alice.messages.send_file(
                aiotim.C2C("files-bot"), tmp_path / "blob.bin", name="../../evil.bin"
            )
            digest = hashlib.sha256(data).hexdigest()
            assert await next_text(replies) == (
                f"stored evil.bin: 300000 bytes, sha256 {digest[:16]}"
            )
            assert (tmp_path / "in" / "evil.bin").read_bytes() == data
            await alice.send_text(aiotim.C2C("files-bot"), "hi")
            assert await next_text(replies) == "send me a file or an image"

    async def test_support_handoff(self, aiotim_client: ClientFactory) -> None:
        """support.py: FAQ answers; 'agent' hands the customer to the agent with the fewest
        cases; messages are relayed both ways; only the agent with the case can write or
        close it; after /close the bot answers again."""
        module = example("support")
        module.cases.clear()
        async with bot_of(aiotim_client, "support", "support-bot"):
            alice, carol = await aiotim_client("alice"), await aiotim_client("carol")
            ann, bob = await aiotim_client("agent-ann"), await aiotim_client("agent-bob")
            bot = aiotim.C2C("support-bot")
            to_alice = alice.new_messages(conv=bot)
            to_carol = carol.new_messages(conv=bot)
            to_ann = ann.new_messages(conv=bot)
            to_bob = bob.new_messages(conv=bot)
            await alice.send_text(bot, "what are your hours?")
            assert await next_text(to_alice) == "We answer every day from 8:00 to 20:00."
            await alice.send_text(bot, "a human please")
            assert await next_text(to_alice) == "connecting you to agent-ann"
            assert (await next_text(to_ann) or "").startswith("[alice] wants a person.")
            await carol.send_text(bot, "agent!")
            assert await next_text(to_carol) == "connecting you to agent-bob"
            assert (await next_text(to_bob) or "").startswith("[carol] wants a person.")
            await alice.send_text(bot, "where is my parcel")
            assert await next_text(to_ann) == "[alice] where is my parcel"
            await bob.send_text(bot, "/to alice hi from bob")
            assert await next_text(to_bob) == "you have no case with alice"
            await carol.send_text(bot, "/close carol")  # a customer's /close is relayed
            assert await next_text(to_bob) == "[carol] /close carol"
            await ann.send_text(bot, "/to alice it is on its way")
            assert await next_text(to_alice) == "agent-ann: it is on its way"
            await ann.send_text(bot, "/close alice")
            assert (await next_text(to_alice) or "").startswith("agent-ann closed")
            assert await next_text(to_ann) == "closed: alice"
            await alice.send_text(bot, "refund?")
            assert (await next_text(to_alice) or "").startswith("You can return anything")
            assert module.cases == {"carol": "agent-bob"}

    async def test_signaling(self, aiotim_client: ClientFactory) -> None:
        """signaling.py: an audio call is accepted with the room, a video call rejected; /call
        rings the sender, whose accept or reject is reported."""
        async with bot_of(aiotim_client, "signaling", "call-bot"):
            alice = await aiotim_client("alice")
            accepted = alice.wait_for(aiotim.InviteeAccepted, timeout=10)
            await alice.signaling.invite("call-bot", '{"media": "audio"}')
            assert (await accepted).data == '{"room":42}'
            rejected = alice.wait_for(aiotim.InviteeRejected, timeout=10)
            await alice.signaling.invite("call-bot", '{"media": "video"}')
            assert (await rejected).data == '{"reason": "audio only"}'

            invitations = alice.invitations()
            replies = alice.new_messages(conv=aiotim.C2C("call-bot"), sender="call-bot")
            for answer, outcome in (
                (alice.signaling.accept, "you picked up"),
                (alice.signaling.reject, "you declined"),
            ):
                await alice.send_text(aiotim.C2C("call-bot"), "/call")
                with anyio.fail_after(10):
                    ring = await invitations.__anext__()
                assert ring.inviter == "call-bot" and ring.data == '{"media": "audio"}'
                await answer(ring.invite_id)
                assert await next_text(replies) == outcome


@pytest.mark.parametrize("name", NAMES)
def test_example_runs_as_a_script(name: str, tmp_path: Path) -> None:
    """`python examples/<name>.py` with nothing configured: a dry run on an embedded loopback
    cloud that plays its conversation and exits 0, nothing on stderr."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("AIOTIM_LOOPBACK_ADDRESS", "AIOTIM_SDK_PATH")
    }
    env["AIOTIM_DOWNLOADS"] = str(tmp_path / "downloads")
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert len(proc.stdout.splitlines()) >= 4, proc.stdout


def test_the_echo_example_runs_on_trio(tmp_path: Path) -> None:
    """AIOTIM_BACKEND=trio runs an example on trio."""
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "echo.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "AIOTIM_BACKEND": "trio"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "echo-bot: echo: hello" in proc.stdout


@pytest.mark.anyio
async def test_an_example_serves_a_cloud_in_another_process(
    aiotim_cloud: aiotim.testing.Cloud, aiotim_client: ClientFactory, tmp_path: Path
) -> None:
    """With AIOTIM_LOOPBACK_ADDRESS (and the app id and secret key) an example connects to that
    cloud, says it is online, serves until SIGINT, then stops with one line."""
    import signal

    env = {
        **os.environ,
        "AIOTIM_LOOPBACK_ADDRESS": aiotim_cloud.address,
        "AIOTIM_SDK_APP_ID": str(aiotim_cloud.sdk_app_id),
        "AIOTIM_SECRET_KEY": "aiotim-test-secret",
    }
    proc = await anyio.open_process(
        [sys.executable, str(EXAMPLES / "echo.py")], cwd=tmp_path, env=env
    )
    async with proc:
        assert proc.stdout is not None and proc.stderr is not None
        with anyio.fail_after(60):
            line = b""
            while not line.endswith(b"\n"):
                line += await proc.stdout.receive(1)
        assert line.decode().strip() == "echo-bot is online; Ctrl-C stops it"
        alice = await aiotim_client("alice")
        async with alice.conversation(aiotim.C2C("echo-bot")) as chat:
            assert (await chat.ask("ping", timeout=10)).text == "echo: ping"
        proc.send_signal(signal.SIGINT)
        with anyio.fail_after(60):
            await proc.wait()
            err = b""
            async for chunk in proc.stderr:
                err += chunk
    assert proc.returncode == 130
    assert err.decode().strip() == "aiotim: stopped by Ctrl-C (SIGINT)"
