"""Finding 3 (issue 13): ``serve --db`` must not lose a message whose send was acknowledged.

The probe: SIGKILL during a 20,000-message run lost 663-1,245 messages whose sends had returned
success: the cloud acknowledged at once and wrote the database 50 ms later. Now the cloud
commits before a connection writes anything (a group commit of every call handled meanwhile),
so an acknowledged send is in the database.

Each run: ``aiotim loopback serve --db`` in a subprocess; one client sends from 8 concurrent
tasks to an offline user; after ``KILL_AT`` acknowledgements the server is killed with SIGKILL
(more sends are in flight then); the server is started again on the same database and address,
the client reconnects by itself, and the sender's history must hold every acknowledged message
once. 5 runs per backend, 10 in all (about 12 s per backend).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

import aiotim
from aiotim._native.loader import SDKSource
from aiotim.errors import TIMError
from aiotim.loopback.sdk import loopback_library_path
from aiotim.models import C2C
from aiotim.models.message import Text
from aiotim.usersig import gen_user_sig

pytestmark = pytest.mark.anyio

APP = 1400000013
KEY = "durability-test-key"
SENDERS = 8
RUNS = 5  # per backend
KILL_AT = 150  # acknowledged sends before the SIGKILL (a few hundred messages per run)


def start_server(db: Path, sock: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``aiotim loopback serve --db`` in a subprocess, once it prints its address (its stderr
    goes to ``<db>.log``)."""
    log = db.with_suffix(".log").open("a")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiotim",
            "loopback",
            "serve",
            "--app-id",
            str(APP),
            "--address",
            f"unix:{sock}",
            "--db",
            str(db),
        ],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env={**os.environ, "AIOTIM_SECRET_KEY": KEY, **(env or {})},
    )
    log.close()
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if line != f"unix:{sock}":
        proc.kill()
        proc.wait()
        raise AssertionError(
            f"serve printed {line!r}; its stderr: {db.with_suffix('.log').read_text()[-2000:]}"
        )
    return proc


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


async def one_run(tmp: Path, run: int, env: dict[str, str] | None = None) -> tuple[int, int]:
    """One kill-and-restart run; returns (acknowledged sends, acknowledged ones missing)."""
    db, sock = tmp / f"run{run}.db", tmp / f"run{run}.sock"
    source = SDKSource(
        path=loopback_library_path(),
        extra_config={"loopback_address": f"unix:{sock}", "loopback_request_timeout_ms": 5000},
    )
    acked: list[str] = []
    server = start_server(db, sock, env)
    try:
        async with aiotim.Client(APP, sdk=source) as alice:
            await alice.login("alice", gen_user_sig(APP, KEY, "alice"))
            killed = anyio.Event()

            async def sender(worker: int) -> None:
                i = 0
                while not killed.is_set():
                    try:
                        msg = await alice.messages.send(C2C("bob"), Text(f"{worker}-{i}"))
                    except TIMError:
                        return  # the connection dropped under it
                    acked.append(msg.id)
                    i += 1
                    if len(acked) >= KILL_AT and not killed.is_set():
                        server.kill()  # SIGKILL, other sends in flight
                        killed.set()

            with anyio.fail_after(60):
                async with anyio.create_task_group() as tg:
                    for worker in range(SENDERS):
                        tg.start_soon(sender, worker)
            server.wait()
            _stop(server)
            server = start_server(db, sock, env)  # same database, same address
            with anyio.fail_after(60):
                while True:  # the SDK reconnects and logs in again by itself
                    try:
                        history = await alice.messages.history(C2C("bob"), count=10_000)
                        break
                    except TIMError:
                        await anyio.sleep(0.1)
        ids = [m.id for m in history]
        assert len(ids) == len(set(ids)), "a message is stored twice"
        missing = set(acked) - set(ids)
        return len(acked), len(missing)
    finally:
        _stop(server)


async def test_sigkill_loses_no_acknowledged_message(tmp_path: Path) -> None:
    """SIGKILL of ``serve --db`` mid-run, restart on the same database: every acknowledged
    message is in the history, once (5 runs per backend, 10 in all)."""
    results = [await one_run(tmp_path, run) for run in range(RUNS)]
    lost = sum(missing for _, missing in results)
    assert all(acked >= KILL_AT for acked, _ in results)
    assert lost == 0, f"{lost} acknowledged messages lost over {RUNS} runs: {results}"
