"""The loopback from another process: aiotim.loopback.connect, its fast failures, and the
``aiotim loopback serve`` command (its --help and the lines it prints to paste)."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import anyio
import pytest

import aiotim
import aiotim.loopback
from aiotim.errors import NetworkError, TIMError
from aiotim.loopback import LoopbackAddressError, LoopbackAppIdError, connect, probe
from aiotim.loopback.cloud.serve import main as serve_main
from aiotim.loopback.sdk import loopback_library_path
from aiotim.tools.cli import main as cli_main
from tests.helpers import APP_ID, SECRET

pytestmark = pytest.mark.anyio


def readline(stream: IO[str], timeout: float = 60) -> str:
    """The stream's next line, failing the test after ``timeout`` seconds (a child that hangs
    must not hang the suite)."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        pytest.fail(f"no line within {timeout} s")


async def test_connect_logs_in_to_a_cloud_by_address() -> None:
    """connect(address, app_id) is a client of the cloud at that address (no library path)."""
    async with aiotim.loopback.Cloud(APP_ID, SECRET, address="tcp:127.0.0.1:0") as cloud:
        bob = connect(cloud.address, APP_ID)
        async with bob:
            with anyio.fail_after(10):
                await bob.login("bob", cloud.user_sig("bob"))
            assert cloud.online_users() == {"bob"}


async def test_connect_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without arguments, connect() takes AIOTIM_LOOPBACK_ADDRESS and AIOTIM_SDK_APP_ID."""
    async with aiotim.loopback.Cloud(APP_ID, SECRET) as cloud:
        monkeypatch.setenv("AIOTIM_LOOPBACK_ADDRESS", cloud.address)
        monkeypatch.setenv("AIOTIM_SDK_APP_ID", str(APP_ID))
        async with connect() as alice:
            with anyio.fail_after(10):
                await alice.login("alice", cloud.user_sig("alice"))


def test_a_wrong_address_fails_at_once(tmp_path: Path) -> None:
    """An address where nothing listens fails in connect() itself, saying the address is
    wrong (not a login that waits 30 s)."""
    missing = f"unix:{tmp_path}/nothing.sock"
    started = time.monotonic()
    with pytest.raises(
        LoopbackAddressError, match=r"no loopback cloud at unix:.*check the address"
    ):
        connect(missing, APP_ID)
    with pytest.raises(LoopbackAddressError, match=r"no loopback cloud at tcp:127\.0\.0\.1:1 "):
        connect("tcp:127.0.0.1:1", APP_ID)
    assert time.monotonic() - started < 5


def test_a_malformed_or_missing_address_is_a_value_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A malformed address, a non-loopback host, or none at all: ValueError naming it."""
    monkeypatch.delenv("AIOTIM_LOOPBACK_ADDRESS", raising=False)
    with pytest.raises(ValueError, match="expected 'unix:/path'"):
        connect("cloud.sock", APP_ID)
    with pytest.raises(ValueError, match="only listens on loopback addresses"):
        connect("tcp:10.0.0.1:5000", APP_ID)
    with pytest.raises(ValueError, match=r"no loopback address.*AIOTIM_LOOPBACK_ADDRESS"):
        connect(None, APP_ID)


async def test_a_wrong_app_id_fails_at_once() -> None:
    """A cloud that serves another SDKAppID: connect() fails at once, saying the app id is
    wrong."""
    async with aiotim.loopback.Cloud(APP_ID, SECRET) as cloud:
        with pytest.raises(LoopbackAppIdError, match=rf"refused SDKAppID {APP_ID + 1}.*--app-id"):
            await anyio.to_thread.run_sync(lambda: probe(cloud.address, APP_ID + 1))
        await anyio.to_thread.run_sync(lambda: probe(cloud.address, APP_ID))  # the right one


def test_serve_help_shows_serves_options(capsys: pytest.CaptureFixture[str]) -> None:
    """`aiotim loopback serve --help` prints serve's own options, not the parent's help."""
    with pytest.raises(SystemExit) as info:
        cli_main(["loopback", "serve", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: aiotim loopback serve" in out
    for option in ("--app-id", "--secret-key", "--address", "--db"):
        assert option in out


def test_serve_main_still_parses(capsys: pytest.CaptureFixture[str]) -> None:
    """The module's own entry point (python -m aiotim.loopback.cloud.serve) is unchanged."""
    with pytest.raises(SystemExit):
        serve_main(["--help"])
    assert "--app-id" in capsys.readouterr().out


def test_serve_prints_the_line_to_paste(tmp_path: Path) -> None:
    """`aiotim loopback serve` prints its address first (stdout), then the line to paste into
    another process (stderr); that line connects; SIGINT stops it cleanly."""
    env = {**os.environ, "AIOTIM_SECRET_KEY": SECRET}
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiotim", "loopback", "serve", "--app-id", str(APP_ID)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # a shell without job control starts background jobs with SIGINT ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        address = readline(proc.stdout).strip()
        assert address.startswith("unix:/")
        lines = [readline(proc.stderr) for _ in range(3)]
        paste = f'client = aiotim.loopback.connect("{address}", {APP_ID})'
        assert paste in lines[1], lines
        assert f"AIOTIM_LOOPBACK_ADDRESS={address}" in lines[2]
        probe(address, APP_ID)
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


# -- a plain aiotim.Client on the loopback SDK: the cloud cannot be reached ---------------------
# (no aiotim.loopback.connect, hence no probe: the SDK itself fails the login at once, saying
# why; anyio.fail_after(10) only guards against the 30 s hang this replaced)


async def login_error(client: aiotim.Client) -> TIMError:
    """The error ``client``'s login raises (within 10 s, the hang guard)."""
    async with client:
        with anyio.fail_after(10), pytest.raises(TIMError) as caught:
            await client.login("bob", "any-sig")
    return caught.value


async def test_plain_client_without_an_address_fails_login_saying_what_to_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """sdk="loopback" without AIOTIM_LOOPBACK_ADDRESS: login raises 9516 at once, and the
    message says to set the variable or use aiotim.loopback.connect / Cloud."""
    monkeypatch.delenv("AIOTIM_LOOPBACK_ADDRESS", raising=False)
    err = await login_error(aiotim.Client(APP_ID, sdk="loopback"))
    assert isinstance(err, NetworkError) and err.code == 9516
    assert "no cloud address: set AIOTIM_LOOPBACK_ADDRESS" in str(err)
    assert "aiotim.loopback.connect(address, app_id)" in str(err)
    assert err.hint is not None and "export AIOTIM_LOOPBACK_ADDRESS" in err.hint


async def test_plain_client_with_a_dead_address_fails_login_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A loopback SDK (by path) whose address has nothing listening (a unix path, a TCP
    port): login raises 9512 at once, naming the address; the hint says to start the cloud."""
    for address in (f"unix:{tmp_path}/nothing.sock", "tcp:127.0.0.1:1"):
        monkeypatch.setenv("AIOTIM_LOOPBACK_ADDRESS", address)
        err = await login_error(aiotim.Client(APP_ID, sdk=loopback_library_path()))
        assert isinstance(err, NetworkError) and err.code == 9512
        assert f"nothing listens at {address} (" in str(err)
        assert err.hint is not None and "aiotim loopback serve" in err.hint


async def test_plain_client_with_a_wrong_app_id_fails_login_saying_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cloud that serves another SDKAppID refuses the hello (an X frame): login raises
    70020 (ERR_SVR_ACCOUNT_SDKAPPID_NOT_FOUND) at once, saying which app the cloud serves."""
    async with aiotim.loopback.Cloud(APP_ID, SECRET) as cloud:
        monkeypatch.setenv("AIOTIM_LOOPBACK_ADDRESS", cloud.address)
        err = await login_error(aiotim.Client(APP_ID + 1, sdk="loopback"))
        assert err.code == 70020
        assert (
            f"the cloud at {cloud.address} refused SDKAppID {APP_ID + 1}: this cloud serves "
            f"SDKAppID {APP_ID}" in str(err)
        )
        assert err.hint is not None and "--app-id" in err.hint
        assert cloud.online_users() == set()


async def test_plain_client_on_something_else_fails_login_saying_it_is_no_cloud(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What listens at the address is not a loopback cloud (it answers the hello with HTTP):
    login raises 9502 at once, saying so."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)

    def answer() -> None:
        while True:
            try:
                peer, _ = server.accept()
            except OSError:
                return
            with peer:
                peer.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        address = f"tcp:127.0.0.1:{server.getsockname()[1]}"
        monkeypatch.setenv("AIOTIM_LOOPBACK_ADDRESS", address)
        err = await login_error(aiotim.Client(APP_ID, sdk="loopback"))
    finally:
        server.shutdown(socket.SHUT_RDWR)
        server.close()
        thread.join(10)
    assert isinstance(err, NetworkError) and err.code == 9502
    assert f"what listens at {address} is not a loopback cloud" in str(err)


async def test_sdk_loopback_logs_in_to_the_cloud_at_the_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """sdk="loopback" (and AIOTIM_SDK_PATH=loopback) loads the bundled loopback SDK, which
    finds its cloud at AIOTIM_LOOPBACK_ADDRESS."""
    async with aiotim.loopback.Cloud(APP_ID, SECRET, address="tcp:127.0.0.1:0") as cloud:
        monkeypatch.setenv("AIOTIM_LOOPBACK_ADDRESS", cloud.address)
        async with aiotim.Client(APP_ID, sdk="loopback") as bob:
            with anyio.fail_after(10):
                await bob.login("bob", cloud.user_sig("bob"))
        monkeypatch.setenv("AIOTIM_SDK_PATH", "loopback")
        async with aiotim.Client(APP_ID) as alice:
            with anyio.fail_after(10):
                await alice.login("alice", cloud.user_sig("alice"))
            assert cloud.online_users() == {"alice"}


async def test_a_login_after_the_cloud_came_up_succeeds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A failed login is no dead end: once a cloud listens at the address, the next login
    tries it at once (not after the reconnect backoff) and succeeds."""
    address = f"unix:{tmp_path}/later.sock"
    monkeypatch.setenv("AIOTIM_LOOPBACK_ADDRESS", address)
    async with aiotim.Client(APP_ID, sdk="loopback") as bob:
        with anyio.fail_after(10), pytest.raises(NetworkError, match="nothing listens at"):
            await bob.login("bob", "any-sig")
        async with aiotim.loopback.Cloud(APP_ID, SECRET, address=address) as cloud:
            with anyio.fail_after(10):
                await bob.login("bob", cloud.user_sig("bob"))
            assert cloud.online_users() == {"bob"}
