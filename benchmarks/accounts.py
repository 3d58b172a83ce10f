"""Many accounts: N accounts in one process (``aiotim.fleet.Fleet``) vs one process per account.

For N in 1, 10 and 50 (``--quick``: 1 and 10), on the loopback:

- ``one_process``: one Python process starts N logged-in clients with a :class:`Fleet` and
  counts new messages on the fleet's merged stream;
- ``per_process``: N Python processes, one client each, count their own ``new_messages()``.

Figures: ``start_s`` from launching the process(es) to every account logged in (interpreter
start included); ``rss_mb`` the resident memory of the process(es) once started, summed;
``threads`` their threads, summed; ``events_per_s`` new messages received over all accounts
per second, from the first to the last one received. The loopback cloud runs in a process of
its own (``--worker cloud``, not counted) and pushes the same new-message notification
(``benchmarks.common.PAYLOAD``) to every account as fast as the accounts take them (it waits
while a connection has more than 1 MB queued). Each account's copy of the loopback library
is private (as the real SDK's will be), so memory and threads per account are what a copy
costs plus a client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio

from benchmarks.common import APP_ID, PAYLOAD

KEY = "benchmark-secret"
SETTER = "TIMAddRecvNewMsgCallback"
_HERE = Path(__file__).resolve().parent


def _rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _threads(pid: int | str = "self") -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def _fds(pid: int | str = "self") -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def _say(obj: dict[str, Any]) -> None:
    print(json.dumps(obj), flush=True)


def _client(address: str) -> Any:
    import aiotim
    from aiotim._native.loader import SDKSource
    from aiotim.loopback.sdk import loopback_library_path

    source = SDKSource(
        path=loopback_library_path(),
        extra_config={"loopback_address": address},
        private_copy=True,
    )
    return aiotim.Client(APP_ID, sdk=source)


# -- workers (each a process of its own) ---------------------------------------------------


async def _readline() -> str:
    return await anyio.to_thread.run_sync(sys.stdin.readline)


async def fleet_worker(address: str, users: list[str]) -> None:
    """Start a fleet of ``users``, report, count ``expect`` merged messages, report."""
    from aiotim.fleet import Fleet
    from aiotim.usersig import gen_user_sig

    base_rss, base_threads = _rss_mb(), _threads()
    sigs = {u: gen_user_sig(APP_ID, KEY, u, 86400) for u in users}
    t0 = time.monotonic()
    async with Fleet(lambda _: _client(address), sigs, starts_per_s=1000, max_starting=8) as fl:
        started = time.monotonic() - t0
        if fl.failed:
            raise SystemExit(f"accounts failed: {list(fl.failed.values())}")
        merged = fl.new_messages()
        _say(
            {
                "fleet_start_s": started,
                "base_rss_mb": base_rss,
                "base_threads": base_threads,
                "fds": _fds(),
            }
        )
        expect = int(await _readline())
        count, first = 0, 0.0
        async for _ in merged:
            if count == 0:
                first = time.monotonic()
            count += 1
            if count == expect:
                break
        _say({"events": count, "first": first, "last": time.monotonic()})
        await _readline()  # EOF: done


async def single_worker(address: str, user: str) -> None:
    """One client: log in, report, count ``expect`` new messages, report."""
    from aiotim.usersig import gen_user_sig

    async with _client(address) as client:
        await client.login(user, gen_user_sig(APP_ID, KEY, user, 86400))
        stream = client.new_messages()
        _say({"fds": _fds()})
        expect = int(await _readline())
        count, first = 0, 0.0
        async for _ in stream:
            if count == 0:
                first = time.monotonic()
            count += 1
            if count == expect:
                break
        _say({"events": count, "first": first, "last": time.monotonic()})
        await _readline()


async def cloud_worker(address: str) -> None:
    """The loopback cloud; on ``burst K u1,u2,…`` pushes K new messages to each user."""
    from aiotim.loopback.cloud.address import parse_address
    from aiotim.loopback.cloud.server import CloudServer, validate_event_args

    server = CloudServer(APP_ID, KEY, parse_address(address))
    await server.start()
    fields = validate_event_args(SETTER, [PAYLOAD])
    loop = asyncio.get_running_loop()
    _say({"ready": True})
    try:
        while True:
            line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
            if not line or line[0] == "quit":
                return
            k, users = int(line[1]), line[2].split(",")
            conns = [server.app.connection_of(u) for u in users]
            chunk = max(10, 2000 // len(conns))
            sent = 0
            while sent < k:
                m = min(chunk, k - sent)
                for conn in conns:
                    while _queued(conn) > 1 << 20:  # the account is behind: let it read
                        await asyncio.sleep(0.0005)
                    for _ in range(m):
                        conn.event(SETTER, fields)
                sent += m
                await asyncio.sleep(0)
            _say({"sent": k * len(conns)})
    finally:
        await server.close()


def _queued(conn: Any) -> int:
    buffered = getattr(conn, "buffered", None)
    if callable(buffered):
        return int(buffered())
    return int(conn._writer.transport.get_write_buffer_size())


# -- the orchestrator ----------------------------------------------------------------------


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks.accounts", *args],
        cwd=_HERE.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _read(proc: subprocess.Popen[str]) -> dict[str, Any]:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise SystemExit(f"a benchmark worker exited ({proc.wait()})")
    return dict(json.loads(line))


def _write(proc: subprocess.Popen[str], text: str) -> None:
    assert proc.stdin is not None
    proc.stdin.write(text + "\n")
    proc.stdin.flush()


def _finish(procs: list[subprocess.Popen[str]]) -> None:
    for p in procs:
        assert p.stdin is not None
        p.stdin.close()
    for p in procs:
        if p.wait(timeout=120) != 0:
            raise SystemExit(f"a benchmark worker failed ({p.returncode})")


def _burst(
    cloud: subprocess.Popen[str], procs: list[subprocess.Popen[str]], users: list[str], k: int
) -> float:
    per_proc = k * len(users) // len(procs)
    for p in procs:
        _write(p, str(per_proc))
    _write(cloud, f"burst {k} {','.join(users)}")
    dones = [_read(p) for p in procs]
    _read(cloud)
    total = sum(d["events"] for d in dones)
    span = max(d["last"] for d in dones) - min(d["first"] for d in dones)
    return total / span if span > 0 else 0.0


def one_process(cloud: subprocess.Popen[str], address: str, n: int, k: int) -> dict[str, Any]:
    users = [f"one{n}_{i}" for i in range(n)]
    t0 = time.monotonic()
    proc = _spawn("--worker", "fleet", "--address", address, "--users", ",".join(users))
    started = _read(proc)
    start_s = time.monotonic() - t0
    rss, threads = _rss_mb(proc.pid), _threads(proc.pid)
    rate = _burst(cloud, [proc], users, k)
    _finish([proc])
    return {
        "start_s": start_s,
        "fleet_start_s": started["fleet_start_s"],
        "rss_mb": rss,
        "rss_per_account_mb": (rss - started["base_rss_mb"]) / n,
        "threads": threads,
        "threads_per_account": (threads - started["base_threads"]) / n,
        "fds": started["fds"],
        "events_per_s": rate,
    }


def per_process(cloud: subprocess.Popen[str], address: str, n: int, k: int) -> dict[str, Any]:
    users = [f"per{n}_{i}" for i in range(n)]
    t0 = time.monotonic()
    procs = [_spawn("--worker", "single", "--address", address, "--users", u) for u in users]
    started = [_read(p) for p in procs]
    start_s = time.monotonic() - t0
    rss = sum(_rss_mb(p.pid) for p in procs)
    threads = sum(_threads(p.pid) for p in procs)
    rate = _burst(cloud, procs, users, k)
    _finish(procs)
    return {
        "start_s": start_s,
        "rss_mb": rss,
        "rss_per_account_mb": rss / n,
        "threads": threads,
        "threads_per_account": threads / n,
        "fds": sum(s["fds"] for s in started),
        "events_per_s": rate,
    }


def run(quick: bool) -> dict[str, Any]:
    counts = (1, 10) if quick else (1, 10, 50)
    total_events = 20_000 if quick else 100_000
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="aiotim-bench-accounts-") as tmp:
        address = f"unix:{tmp}/cloud.sock"
        cloud = _spawn("--worker", "cloud", "--address", address)
        try:
            _read(cloud)
            for n in counts:
                k = max(1, total_events // n)
                results[f"one_process_{n}"] = one_process(cloud, address, n, k)
                results[f"per_process_{n}"] = per_process(cloud, address, n, k)
                print(f"  accounts: {n} done", file=sys.stderr)
        finally:
            _write(cloud, "quit")
            cloud.wait(timeout=60)
    return results


def results_section(raw: dict[str, Any]) -> list[str]:
    """The RESULTS.md section of this benchmark (``python -m benchmarks`` writes it)."""
    cols = [k for k in raw if k.startswith(("one_process_", "per_process_"))]
    cols.sort(key=lambda c: (int(c.rsplit("_", 1)[1]), not c.startswith("one")))
    figures = [
        "start_s",
        "rss_mb",
        "rss_per_account_mb",
        "threads",
        "threads_per_account",
        "fds",
        "events_per_s",
    ]

    def cell(v: Any) -> str:
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.2f}"
        return str(v)

    head = [
        c.replace("one_process_", "1 process, ").replace("per_process_", "1 per account, ")
        for c in cols
    ]
    lines = [
        "## Many accounts (`benchmarks/accounts.py`)",
        "",
        "N accounts in one process (`aiotim.fleet.Fleet`, events counted on its merged stream)",
        "vs one process per account (each counting its own `new_messages()`), on the loopback;",
        "the cloud is a process of its own, not counted. `start_s`: launch to every account",
        "logged in (interpreter start included); `rss_mb`, `threads`, `fds`: summed over the",
        "process(es) once started (`*_per_account` in one process: above the process's own",
        "baseline); `events_per_s`: new messages over all accounts, first to last received.",
        "",
        "| figure | " + " | ".join(head) + " |",
        "|---|" + "---|" * len(cols),
    ]
    for f in figures:
        lines.append(f"| {f} | " + " | ".join(cell(raw[c].get(f)) for c in cols) + " |")
    lines.append("")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--worker", choices=["fleet", "single", "cloud"])
    ap.add_argument("--address")
    ap.add_argument("--users", default="")
    args = ap.parse_args()
    if args.worker == "cloud":
        asyncio.run(cloud_worker(args.address))
    elif args.worker == "fleet":
        anyio.run(fleet_worker, args.address, args.users.split(","))
    elif args.worker == "single":
        anyio.run(single_worker, args.address, args.users)
    else:
        results = run(args.quick)
        print("\n".join(results_section(results)), file=sys.stderr)
        print(json.dumps(results))


if __name__ == "__main__":
    main()
