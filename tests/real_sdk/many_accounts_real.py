"""Run by test_many_accounts.py in a subprocess: N clients of the real SDK in one process.

Each client loads its own copy of ``libImSDK.so`` with its own data and log directories; the
script opens the N at once, records each one's network-status events until its first
CONNECT_FAILED (netless gives CONNECTING, then CONNECT_FAILED 9512), closes them in a shuffled
order, and prints one JSON line: each client's statuses, whether their copies were distinct
libraries, and what the copies cost (RSS, threads and file descriptors before and after the
opening, the opening time). Then it exits: the test wants status 0.

Like every loader of the real SDK, it refuses (exit status 3, before loading anything) when the
process can reach a network.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

from aiotim.tools.netguard import isolation_problem

APP_ID = 1400000000


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _usage() -> dict[str, float]:
    return {
        "rss_mb": round(_rss_mb(), 1),
        "threads": len(os.listdir("/proc/self/task")),
        "fds": len(os.listdir("/proc/self/fd")),
    }


async def main(n: int, sdk: Path, base: Path, seed: int) -> None:
    import anyio

    import aiotim

    before = _usage()
    clients = [
        aiotim.Client(APP_ID, sdk=sdk, data_dir=base / f"d{i}", log_dir=base / f"l{i}")
        for i in range(n)
    ]
    statuses: list[list[str]] = [[] for _ in clients]
    opened = [anyio.Event() for _ in clients]
    failed = [anyio.Event() for _ in clients]
    close = [anyio.Event() for _ in clients]
    closed = [anyio.Event() for _ in clients]

    async def run(i: int) -> None:
        # One task per client: a client entered in a task is closed in it, so that any order
        # of closing is possible (nested `async with` blocks in one task close in reverse).
        async with clients[i] as client:
            stream = client.network_status()
            opened[i].set()
            async for event in stream:
                statuses[i].append(event.status.name)
                if event.status is aiotim.NetworkStatus.CONNECT_FAILED:
                    break
            failed[i].set()
            await close[i].wait()
        closed[i].set()

    order = list(range(n))
    random.Random(seed).shuffle(order)
    with anyio.fail_after(60):
        async with anyio.create_task_group() as tg:
            t0 = time.monotonic()
            for i in range(n):
                tg.start_soon(run, i)
                await opened[i].wait()
            open_s = time.monotonic() - t0
            after = _usage()
            libraries = {id(c._lib) for c in clients}
            for event in failed:
                await event.wait()
            t1 = time.monotonic()
            for i in order:
                close[i].set()
                await closed[i].wait()
            close_s = time.monotonic() - t1
    print(
        json.dumps(
            {
                "clients": n,
                "statuses": statuses,
                "distinct_libraries": len(libraries),
                "close_order": order,
                "before": before,
                "after_open": after,
                "open_s": round(open_s, 3),
                "close_s": round(close_s, 3),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    problem = isolation_problem()
    if problem is not None:
        print(f"refusing to load the real SDK: {problem}", file=sys.stderr)
        sys.exit(3)
    import anyio

    n, backend, sdk_path, base, seed = sys.argv[1:6]
    anyio.run(main, int(n), Path(sdk_path), Path(base), int(seed), backend=backend)
