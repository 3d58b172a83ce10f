"""The loopback console: its HTTP API (with aiohttp installed), and a person talking to an
echo bot in a real headless Chromium driven by Playwright (skips saying why without them).

Set AIOTIM_UPDATE_SCREENSHOTS=1 to write the browser test's screenshot to docs/console.png
(written anyway when that file is missing); set AIOTIM_CHROMIUM to a browser binary to use
another than Debian's /usr/bin/chromium.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest

import aiotim
from aiotim.loopback import Cloud
from aiotim.loopback.console import console_available
from aiotim.models import Message
from aiotim.models.message import FileElem
from tests.helpers import APP_ID, SECRET

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(
        not console_available(),
        reason="the console extra is not installed (pip install 'aiotim[console]': aiohttp)",
    ),
]

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "console.png"


def _http(url: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as res:  # 127.0.0.1 only
        return json.loads(res.read())


def _upload(url: str, fields: dict[str, str]) -> Any:
    """POST a multipart form with ``fields`` and a small text file, as the page does."""
    boundary = "aiotimconsoletest"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in {**fields, "kind": "file"}.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\n'
        "Content-Type: text/plain\r\n\r\nhello file\r\n".encode()
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    req = urllib.request.Request(
        url, data=body, headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )
    with urllib.request.urlopen(req, timeout=20) as res:
        return json.loads(res.read())


async def http(url: str, body: dict[str, Any] | None = None) -> Any:
    return await anyio.to_thread.run_sync(_http, url, body)


@asynccontextmanager
async def echo_bot(cloud: Cloud, user: str = "bot") -> AsyncIterator[aiotim.Client]:
    """A logged-in bot answering every text message with ``echo: <text>``."""
    async with cloud.client() as bot:
        await bot.login(user, cloud.user_sig(user))

        @bot.on(Message)
        async def echo(msg: Message) -> None:
            if msg.text:
                await bot.send_text(msg.conv, f"echo: {msg.text}")

        async with anyio.create_task_group() as tg:
            tg.start_soon(bot.serve)
            yield bot
            tg.cancel_scope.cancel()


async def test_console_api() -> None:
    """Through the console's HTTP API: a user logs in, sends to the echo bot, sees the echo in
    the history; the cloud's state shows them; faults act on the cloud."""
    async with Cloud(APP_ID, SECRET, console=True) as cloud, echo_bot(cloud) as bot:
        url = cloud.console_url
        assert url.startswith("http://127.0.0.1:")
        page = await anyio.to_thread.run_sync(
            lambda: urllib.request.urlopen(url, timeout=20).read().decode()
        )
        assert "aiotim loopback console" in page
        assert (await http(url + "api/login", {"user": "alice"}))["persons"] == ["alice"]
        echoed = bot.wait_for(Message, check=lambda m: m.text == "hi", timeout=10)
        sent = await http(
            url + "api/send", {"user": "alice", "conv_type": "c2c", "conv_id": "bot", "text": "hi"}
        )
        assert sent["text"] == "hi" and sent["is_self"]
        await echoed
        with anyio.fail_after(10):
            while True:
                history = await http(url + "api/history?user=alice&conv_type=c2c&conv_id=bot")
                if [m["text"] for m in history] == ["hi", "echo: hi"]:
                    break
                await anyio.sleep(0.05)
        state = await http(url + "api/state")
        assert {"alice", "bot"} <= set(state["online"])
        assert any(m["text"] == "echo: hi" for m in state["messages"])
        # friends: alice asks dave (a console user too); dave accepts if asked to confirm
        await http(url + "api/login", {"user": "dave"})
        added = await http(
            url + "api/friend/add", {"user": "alice", "peer": "dave", "wording": "hi"}
        )
        assert added["ok"]
        if added["pending"]:
            await http(url + "api/friend/accept", {"user": "dave", "peer": "alice"})
        state = await http(url + "api/state")
        assert "dave" in state["friends"].get("alice", [])
        # a group with the bot, and a mention of it
        group = (
            await http(
                url + "api/group/create", {"user": "alice", "name": "team", "members": ["bot"]}
            )
        )["group"]
        mentioned = bot.wait_for(Message, check=lambda m: m.is_at("bot"), timeout=10)
        await http(
            url + "api/send",
            {
                "user": "alice",
                "conv_type": "group",
                "conv_id": group,
                "text": "@bot hi",
                "at": ["bot"],
            },
        )
        assert (await mentioned).text == "@bot hi"
        if importlib.util.find_spec("aiotim.loopback.cloud.media") is not None:
            # a file, uploaded as the page does (multipart), reaches the bot as a file element
            # (once the loopback cloud stores media: aiotim/loopback/cloud/media.py)
            got_file = bot.wait_for(Message, check=lambda m: m.text is None, timeout=10)
            form = {"user": "alice", "conv_type": "c2c", "conv_id": "bot"}
            uploaded = await anyio.to_thread.run_sync(_upload, url + "api/upload", form)
            assert uploaded["elems"][0]["type"] == "file"
            msg = await got_file
            assert isinstance(msg.elems[0], FileElem) and msg.elems[0].name == "notes.txt"
        # revoke alice's message
        await http(url + "api/revoke", {"user": "alice", "id": sent["id"]})
        assert cloud.stats()["revoked"] == 1
        # a restart of the cloud: the SDKs reconnect and log in again by themselves
        await http(url + "api/fault", {"action": "restart"})
        with anyio.fail_after(20):
            while not {"alice", "bot"} <= cloud.online_users():
                await anyio.sleep(0.05)
        # a fault: the bot's UserSig expires (it is told and logged out)
        expired = bot.wait_for(aiotim.UserSigExpired, timeout=10)
        await http(url + "api/fault", {"action": "expire", "user": "bot"})
        await expired
        assert "bot" not in cloud.online_users()
        with pytest.raises(urllib.error.HTTPError):
            await http(url + "api/fault", {"action": "nonsense"})


class BrowserUnavailable(Exception):
    """The browser is installed but cannot start on this machine."""


def _chromium() -> str | None:
    return os.environ.get("AIOTIM_CHROMIUM") or shutil.which("chromium")


def _browse(url: str, shot: Path) -> str:
    """Drive the console in headless Chromium: log in as alice, open the conversation with the
    bot, send a message, wait for the echo; returns the echo's text."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        except Exception as exc:  # installed but unable to start here (libraries, sandbox)
            raise BrowserUnavailable(f"chromium did not start: {exc}") from exc
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(url)
            page.wait_for_selector("#status:has-text('live')", timeout=20_000)
            page.fill("#user-input", "alice")
            page.click("#login-btn")
            page.wait_for_selector("#notice:has-text('logged in as alice')", timeout=20_000)
            page.fill("#conv-id", "bot")
            page.click("#open-conv")
            page.fill("#text", "hello bot")
            page.press("#text", "Enter")
            echo = page.wait_for_selector(
                ".msg:not(.self) .body:has-text('echo: hello bot')", timeout=20_000
            )
            assert echo is not None
            text = echo.inner_text()
            page.wait_for_selector("#events div", timeout=20_000)
            page.click("#refresh")
            page.wait_for_selector("#inspect div:has-text('echo: hello bot')", timeout=20_000)
            page.screenshot(path=str(shot))
            return text
        finally:
            browser.close()


async def test_console_in_a_browser(tmp_path: Path, anyio_backend: str) -> None:
    """A person, in a real headless Chromium, logs in on the console, sends a message to an
    echo bot and sees its echo; the screenshot is docs/console.png."""
    if anyio_backend != "asyncio":
        pytest.skip("the browser test runs once (the console's server does not use the backend)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed (scripts/console-deps installs it)")
    if _chromium() is None:
        pytest.skip("no chromium binary (apt-get install chromium, or set AIOTIM_CHROMIUM)")
    async with Cloud(APP_ID, SECRET, console=True) as cloud, echo_bot(cloud):
        shot = tmp_path / "console.png"
        try:
            text = await anyio.to_thread.run_sync(_browse, cloud.console_url, shot)
        except BrowserUnavailable as exc:
            unavailable = str(exc)  # skipped below, outside the bot's task group
        else:
            unavailable = ""
        if not unavailable:
            assert text == "echo: hello bot"
            assert shot.stat().st_size > 10_000
            assert "alice" in cloud.online_users()
            # what the person sent reached the bot through the cloud: it is stored like any message
            assert cloud.message_count() >= 2
    if unavailable:
        pytest.skip(unavailable)
    if os.environ.get("AIOTIM_UPDATE_SCREENSHOTS") == "1" or not SCREENSHOT.exists():
        shutil.copyfile(shot, SCREENSHOT)


async def test_console_needs_a_loopback_host() -> None:
    """The console refuses to listen anywhere but a loopback address."""
    from aiotim.loopback.console.server import Console

    async with Cloud(APP_ID, SECRET) as cloud:
        loop, server = cloud._running()
        with pytest.raises(ValueError, match="loopback"):
            Console(loop, server, SECRET, host="0.0.0.0")


async def test_serve_with_console(capsys: pytest.CaptureFixture[str], anyio_backend: str) -> None:
    """``serve(console=True)`` (what ``aiotim loopback serve --console`` runs) prints the
    console's URL after the address; the console works on the cloud's own loop's state and
    closes with the cloud (a user still logged in through it)."""
    if anyio_backend != "asyncio":
        pytest.skip("serve() is asyncio code (the CLI runs it with asyncio.run)")
    import asyncio

    from aiotim.loopback.cloud.address import Address
    from aiotim.loopback.cloud.serve import serve

    ready, stop = asyncio.Event(), asyncio.Event()
    address = Address("tcp", host="127.0.0.1", port=0)
    task = asyncio.create_task(serve(APP_ID, SECRET, address, ready=ready, stop=stop, console=True))
    with anyio.fail_after(20):
        await ready.wait()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("tcp:127.0.0.1:")
    url = lines[1].removeprefix("console: ")
    assert url.startswith("http://127.0.0.1:")
    assert (await http(url + "api/login", {"user": "carol"}))["persons"] == ["carol"]
    state = await http(url + "api/state")
    assert state["online"] == ["carol"] and state["listening"]
    stop.set()
    with anyio.fail_after(30):
        await task


async def test_console_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without aiohttp, Cloud(console=True) fails saying how to install the extra."""
    import aiotim.loopback.console as console_pkg

    monkeypatch.setattr(console_pkg, "console_available", lambda: False)
    with pytest.raises(console_pkg.ConsoleUnavailable, match=r"aiotim\[console\]"):
        async with Cloud(APP_ID, SECRET, console=True):
            pass
