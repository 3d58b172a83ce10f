"""Many accounts in one process on the real SDK (issue 16, part 1), under netless.

Each ``aiotim.Client`` loads a private copy of ``libImSDK.so``, so several run at once in one
process, each with its own SDK instance: its own threads, its own callbacks, its own data and
log directories. Under netless each instance reports its own network-status sequence
(CONNECTING, then CONNECT_FAILED 9512).
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import pytest

import aiotim

pytestmark = [pytest.mark.real_sdk]

APP_ID = 1400000000
SCRIPT = Path(__file__).with_name("many_accounts_real.py")
ROOT = SCRIPT.parent.parent.parent


def _is_own_sequence(statuses: list[str]) -> bool:
    """CONNECTING (once or more: it was seen repeated once), then CONNECT_FAILED, last."""
    return (
        len(statuses) >= 2
        and statuses[-1] == "CONNECT_FAILED"
        and all(s == "CONNECTING" for s in statuses[:-1])
    )


@pytest.mark.anyio
async def test_two_clients_at_once_each_see_their_own_network_sequence(
    real_sdk_path: Path, tmp_path: Path
) -> None:
    """Two clients open at once on two copies of the SDK: each one's network stream shows
    CONNECTING then CONNECT_FAILED 9512; both answer calls; they close in either order."""
    a = aiotim.Client(APP_ID, sdk=real_sdk_path, data_dir=tmp_path / "a")
    b = aiotim.Client(APP_ID, sdk=real_sdk_path, data_dir=tmp_path / "b")
    seen: dict[str, list[aiotim.NetworkStatusChanged]] = {"a": [], "b": []}
    async with a, b:
        assert a._lib is not b._lib
        streams = {"a": a.network_status(), "b": b.network_status()}

        async def watch(name: str) -> None:
            async for event in streams[name]:
                seen[name].append(event)
                if event.status is aiotim.NetworkStatus.CONNECT_FAILED:
                    return

        with anyio.fail_after(20):
            async with anyio.create_task_group() as tg:
                tg.start_soon(watch, "a")
                tg.start_soon(watch, "b")
        assert await a.call_raw("TIMSetConfig", b'{"a": 1}') == {"a": 1}
        assert await b.call_raw("TIMSetConfig", b'{"b": 2}') == {"b": 2}
    for events in seen.values():
        assert _is_own_sequence([e.status.name for e in events])
        assert events[-1].code == 9512


def _run(n: int, backend: str, sdk: Path, base: Path, seed: int) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(n), backend, str(sdk), str(base), str(seed)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_two_and_eight_clients_in_one_process_20_runs(real_sdk_path: Path, tmp_path: Path) -> None:
    """20 processes (2 or 8 clients; asyncio or trio; 3 at a time): in each, every client sees
    its own CONNECTING then CONNECT_FAILED, the copies are distinct libraries, the clients
    close in a shuffled order, and the process exits 0 without a traceback."""
    jobs = [
        (2 if run % 2 == 0 else 8, "asyncio" if run % 4 < 2 else "trio", run) for run in range(20)
    ]

    def one(job: tuple[int, str, int]) -> tuple[tuple[int, str, int], int, str, str]:
        n, backend, run = job
        base = tmp_path / f"run{run}"
        base.mkdir()
        return (job, *_run(n, backend, real_sdk_path, base, seed=run))

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(one, jobs))
    failures = []
    for (n, backend, run), rc, out, err in results:
        reports = [line for line in out.splitlines() if line.startswith("{")]
        problem = None
        if rc != 0 or not reports:
            problem = f"exit status {rc}"
        elif "Traceback" in err or "Fatal Python error" in err:
            problem = "a traceback"
        else:
            report = json.loads(reports[-1])
            if report["distinct_libraries"] != n:
                problem = f"{report['distinct_libraries']} libraries for {n} clients"
            elif not all(_is_own_sequence(s) for s in report["statuses"]):
                problem = f"statuses {report['statuses']}"
        if problem:
            failures.append(f"run {run} ({n} clients, {backend}): {problem}\n{err[-1500:]}")
    assert not failures, "\n".join(failures[:3])
