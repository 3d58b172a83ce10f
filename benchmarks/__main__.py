"""Run every benchmark, each in a fresh process, print a table and write benchmarks/RESULTS.md.

Usage: python -m benchmarks [--quick] [--json FILE] [--no-write]

Every comparison is made side by side in the same run and reported as a ratio: the machine's
speed and noise cancel out of ratios, not out of absolute figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCRIPTS = ("throughput", "latency", "calls", "memory")

#: summary key → (target, "min" or "max", unit)
TARGETS: dict[str, tuple[float, str, str]] = {
    "events_vs_floor": (0.8, "min", "x"),
    "events_vs_naive": (6.0, "min", "x"),
    "latency_p99_us_10k": (250.0, "max", "us"),
    "stall_p99_us_busy": (5.0, "max", "us"),
    "calls_vs_naive_c100": (3.0, "min", "x"),
    "rss_growth_mb": (10.0, "max", "MB"),
    "pending_left": (0, "max", ""),
    "latency_p99_vs_floor_10k": (2.0, "max", "x"),
    "latency_busy_poll_p99_vs_floor_10k": (2.0, "max", "x"),
    # side by side with Tencent's Node.js wrapper (benchmarks/node_peer.py)
    "vs_node_events_b1": (1.5, "min", "x"),
    "vs_node_events_b1000": (1.5, "min", "x"),
    "events_vs_floor_b1000": (0.8, "min", "x"),
    "vs_node_calls_c100": (2.0, "min", "x"),
    "vs_node_calls_c1": (1.3, "min", "x"),
    "vs_node_rss": (0.5, "max", "x"),
}

#: the Node peer's summary keys, from benchmarks.node_peer's "{backend}_{key}"
NODE_KEYS = (
    "vs_node_events_b1",
    "vs_node_events_b100",
    "vs_node_events_b1000",
    "events_vs_floor_b1000",
    "vs_node_calls_c1",
    "vs_node_calls_c100",
    "calls_c1_vs_floor",
    "convlist_c1_vs_floor",
    "send_c1_vs_floor",
    "vs_node_convlist_c1",
    "vs_node_convlist_c100",
    "vs_node_send_c1",
    "vs_node_send_c100",
    "vs_node_rss",
)


def summarize_node(node: dict[str, Any], backend: str) -> dict[str, Any]:
    """The Node peer's ratios for ``backend`` (empty when it was skipped)."""
    if "skipped" in node:
        return {}
    out: dict[str, Any] = {k: node.get(f"{backend}_{k}") for k in NODE_KEYS}
    out["rss_mb_after_calls"] = node["rss"].get(f"aiotim_{backend}_rss_mb")
    out["rss_growth_kb_per_call"] = node["rss"].get(f"aiotim_{backend}_growth_kb_per_call")
    if backend == "asyncio":
        out["node_rss_mb_after_calls"] = node["rss"].get("node_rss_mb")
        out["node_rss_growth_kb_per_call"] = node["rss"].get("node_growth_kb_per_call")
        # the floors of calls at concurrency 1 (a client in C; a bare asyncio loop) over Node,
        # and the loop's over the C client's
        for key in (
            "floor_vs_node_calls_c1",
            "floor_vs_node_convlist_c1",
            "floor_vs_node_send_c1",
            "loop_floor_vs_node_calls_c1",
            "loop_floor_vs_node_convlist_c1",
            "loop_floor_vs_node_send_c1",
            "loop_floor_vs_floor_convlist_c1",
            "loop_floor_vs_floor_send_c1",
        ):
            out[key] = node.get(key)
    return out


def run_script(name: str, quick: bool) -> dict[str, Any]:
    cmd = [sys.executable, "-m", f"benchmarks.{name}"] + (["--quick"] if quick else [])
    t0 = time.perf_counter()
    limit = 600 if quick else 3600  # a script that runs longer is stuck: fail, name it
    try:
        proc = subprocess.run(
            cmd, cwd=HERE.parent, capture_output=True, text=True, check=False, timeout=limit
        )
    except subprocess.TimeoutExpired as exc:
        for part in (exc.stdout, exc.stderr):
            if part:
                sys.stderr.write(part if isinstance(part, str) else part.decode(errors="replace"))
        raise SystemExit(f"benchmarks.{name} took over {limit} s: stopped") from None
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"benchmarks.{name} failed ({proc.returncode})")
    print(f"  {name}: {took:.0f} s", file=sys.stderr)
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def summarize(raw: dict[str, Any], backend: str) -> dict[str, Any]:
    tp, lat, calls, mem = raw["throughput"], raw["latency"], raw["calls"], raw["memory"]
    a = lat.get(f"aiotim_{backend}", {})
    n = lat.get(f"naive_{backend}", {})
    fl = lat.get(f"floor_{backend}", {})
    out: dict[str, Any] = {
        "events_per_s": tp["rates"].get(f"aiotim_{backend}"),
        "events_vs_naive": tp.get(f"{backend}_vs_naive"),
        "events_vs_floor": tp.get(f"{backend}_vs_floor"),
    }
    for case in ("idle", "busy"):
        for rate, label in ((1_000, "1k"), (10_000, "10k"), (100_000, "100k")):
            r = a.get(f"{case}_{rate}")
            if r:
                sfx = label if case == "idle" else f"{label}_busy"
                out[f"latency_p50_us_{sfx}"] = r["latency"]["p50_us"]
                out[f"latency_p99_us_{sfx}"] = r["latency"]["p99_us"]
                out[f"latency_p999_us_{sfx}"] = r["latency"]["p999_us"]
        if case == "idle":
            for rate, label in ((1_000, "1k"), (10_000, "10k")):
                f = fl.get(f"idle_{rate}")
                if f:
                    out[f"latency_floor_p50_us_{label}"] = f["latency"]["p50_us"]
                    out[f"latency_floor_p99_us_{label}"] = f["latency"]["p99_us"]
                f = fl.get(f"loop_idle_{rate}")
                if f:
                    out[f"latency_loop_floor_p50_us_{label}"] = f["latency"]["p50_us"]
                    out[f"latency_loop_floor_p99_us_{label}"] = f["latency"]["p99_us"]
            dec = lat.get("decode", {})
            if dec:
                out["decode_one_p50_us_hot"] = dec["hot"]["p50_us"]
                out["decode_one_p50_us_after_sleep"] = dec["after_sleep"]["p50_us"]
                out["decode_one_p99_us_after_sleep"] = dec["after_sleep"]["p99_us"]
            r = a.get("idle_10000")
            if r and "to_hub" in r:
                for part in ("to_hub", "in_hub", "to_consumer"):
                    out[f"latency_10k_{part}_p50_us"] = r[part]["p50_us"]
                    out[f"latency_10k_{part}_p99_us"] = r[part]["p99_us"]
            r, f = a.get("idle_10000"), fl.get("idle_10000")
            if r and f:
                out["latency_p99_vs_floor_10k"] = r["latency"]["p99_us"] / f["latency"]["p99_us"]
            f = fl.get("loop_idle_10000")
            if r and f:
                out["latency_p99_vs_loop_floor_10k"] = (
                    r["latency"]["p99_us"] / f["latency"]["p99_us"]
                )
            bp = lat.get(f"busy_poll_{backend}", {})
            for rate, label in ((1_000, "1k"), (10_000, "10k")):
                r = bp.get(f"idle_{rate}")
                if r:
                    out[f"latency_busy_poll_p50_us_{label}"] = r["latency"]["p50_us"]
                    out[f"latency_busy_poll_p99_us_{label}"] = r["latency"]["p99_us"]
            r, f = bp.get("idle_10000"), fl.get("idle_10000")
            if r and f:
                out["latency_busy_poll_p99_vs_floor_10k"] = (
                    r["latency"]["p99_us"] / f["latency"]["p99_us"]
                )
            if "steal_pct_10000" in fl:
                out["latency_steal_pct_10k"] = fl["steal_pct_10000"]
        r = a.get(f"{case}_10000")
        if r:
            st = r["stall_sdk_view"]
            out[f"stall_p50_us_{case}"] = st["p50_us"]
            out[f"stall_p99_us_{case}"] = st["p99_us"]
            out[f"stall_max_us_{case}"] = st["max_us"]
            out[f"stall_relay_hist_p99_le_us_{case}"] = r["stall_relay_hist_p99_le_us"]
        r = n.get(f"{case}_10000")
        if r:
            out[f"naive_stall_p50_us_{case}"] = r["stall_sdk_view"]["p50_us"]
            out[f"naive_stall_p99_us_{case}"] = r["stall_sdk_view"]["p99_us"]
            out[f"naive_stall_max_us_{case}"] = r["stall_sdk_view"]["max_us"]
            if case == "busy" and "after_busy_window" in r:
                out["naive_after_busy_window"] = r["after_busy_window"]
    for c in (1, 100, 10_000):
        out[f"calls_per_s_c{c}"] = calls["rates"].get(f"aiotim_{backend}", {}).get(str(c))
        out[f"calls_vs_naive_c{c}"] = calls.get(f"{backend}_vs_naive_c{c}")
    if backend == "asyncio":
        out["events_vs_janus"] = tp.get("asyncio_vs_janus")
        out["rss_growth_mb"] = mem["rss_growth_mb"]
        out["tracemalloc_growth_kb"] = mem["tracemalloc_growth_kb"]
        out["pending_left"] = mem["pending_left"]
    return out


#: above this much hypervisor steal during the idle latency runs (``latency_steal_pct_10k``),
#: their tails say more about the host than about aiotim: the latency targets are not judged
STEAL_LIMIT_PCT = 5.0


def verdict(key: str, value: Any, steal_pct: float | None = None) -> str:
    if key not in TARGETS or value is None:
        return ""
    target, how, unit = TARGETS[key]
    bound = f"{'≥' if how == 'min' else '≤'} {target:g}{unit}"
    if key.startswith("latency_") and steal_pct is not None and steal_pct > STEAL_LIMIT_PCT:
        return f"{bound}: not judged (steal {steal_pct:.0f}% > {STEAL_LIMIT_PCT:g}%)"
    ok = value >= target if how == "min" else value <= target
    return f"{bound}: {'met' if ok else 'MISSED'}"


def fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.2f}"
    return str(value)


def environment() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    env = {
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}, {cpu}, "
        f"{os.cpu_count()} CPUs",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }
    libs = []
    for dist in ("aiotim", "anyio", "trio", "orjson", "cffi", "janus", "uvloop", "sniffio"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            libs.append(f"{dist} {metadata.version(dist)}")
    env["libraries"] = ", ".join(libs)
    try:
        env["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        env["commit"] = "unknown"
    return env


def table(summary: dict[str, dict[str, Any]]) -> list[str]:
    backends = list(summary)
    keys: list[str] = []
    for s in summary.values():
        keys += [k for k in s if k not in keys]
    lines = [
        "| figure | " + " | ".join(backends) + " | target |",
        "|---|" + "---|" * len(backends) + "---|",
    ]
    for k in keys:
        row = [fmt(summary[b].get(k)) for b in backends]
        steal = summary["asyncio"].get("latency_steal_pct_10k")
        target = verdict(k, summary["asyncio"].get(k), steal)
        lines.append(f"| {k} | " + " | ".join(row) + f" | {target} |")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller counts: under two minutes")
    ap.add_argument("--json", metavar="FILE", help="write the results as JSON to FILE")
    ap.add_argument("--no-write", action="store_true", help="do not rewrite RESULTS.md")
    ap.add_argument(
        "--peer",
        choices=["node"],
        help="only the side-by-side comparison with this peer (RESULTS.md is not rewritten)",
    )
    args = ap.parse_args()

    if args.peer == "node":
        return peer_only(args.quick, args.json)
    load_before = os.getloadavg()[0]  # before our own processes (the accounts run) add load
    t0 = time.perf_counter()
    raw = {name: run_script(name, args.quick) for name in SCRIPTS}
    raw["accounts"] = run_script("accounts", args.quick)  # its own section of RESULTS.md
    if args.quick:
        raw["node_peer"] = {"skipped": "not in a quick run (python -m benchmarks --peer node)"}
    else:
        raw["node_peer"] = run_script("node_peer", args.quick)
    backends = [
        k.removeprefix("aiotim_") for k in raw["throughput"]["rates"] if k.startswith("aiotim_")
    ]
    backends.sort(key=lambda b: (b != "asyncio", b))
    summary = {b: {**summarize(raw, b), **summarize_node(raw["node_peer"], b)} for b in backends}
    env = environment()
    took = time.perf_counter() - t0

    lines = table(summary)
    print("\n".join(lines))
    print(
        f"\n({'quick' if args.quick else 'full'} run, {took:.0f} s; {env['machine']}; "
        f"{env['python']})"
    )

    doc = [
        "# Benchmark results",
        "",
        f"`python -m benchmarks{' --quick' if args.quick else ''}`, {took:.0f} s, commit "
        f"{env['commit']}.",
        "",
        f"- machine: {env['machine']}",
        f"- Python: {env['python']}",
        f"- libraries: {env['libraries']}",
        "",
        "Ratios are measured side by side in the same run. Throughput: each round runs the",
        "floor, then aiotim, then the naive consumer (and janus), one right after the other;",
        "a ratio is taken within a round and the median over the rounds is reported (rates:",
        "the best round). Absolute figures depend on the machine (and on its neighbours:",
        "this one is shared and noisy, its speed drifts by tens of percent within seconds).",
        "See the docstrings of `benchmarks/*.py` for what each figure measures.",
        "",
        *lines,
        "",
        "Keys: `events_*` throughput (new messages through `async for`); `latency_*` SDK-thread",
        "entry to consumer receipt under a paced firehose (`_busy`: loop running CPU-bound",
        "Python in 1 ms slices); `stall_*` time the SDK's thread spent inside aiotim's callback",
        "at 10k/s, as the firing thread measures it (`naive_stall_*`: a ctypes Python callback);",
        "`stall_relay_hist_p99_le_us_*` the relay's own log2 histogram (upper bucket bound);",
        "`naive_after_busy_window`: the naive callbacks still to come when the busy loop",
        "stopped (it runs 3x the firehose's duration + 1 s at most: a ctypes callback can",
        "starve for the GIL; see `benchmarks/common.busy_loop`);",
        "`calls_*` awaitable TIMLoopbackEcho calls; `rss_growth_mb` / `tracemalloc_growth_kb`",
        "after the events and calls of `benchmarks/memory.py`; `pending_left` entries left in",
        "the pending-call table. `latency_floor_*`: the same pacing in C, a thread woken",
        "through an eventfd in `epoll_wait` (`benchmarks/wakeprobe.c`): the least latency a",
        "consumer that sleeps between events gets on this machine;",
        "`latency_p99_vs_floor_10k` is aiotim's p99 over it. The idle runs of a rate are cut",
        "in 5 slices and each kind's slices interleaved (C floor, loop floor, aiotim, aiotim",
        "busy-polling, then again), so that the machine's bursts of noise fall on all of them;",
        "`latency_steal_pct_10k` is the hypervisor's steal during the 10k/s idle runs (a vCPU",
        "ready to run and not running: it lands in the tails; above 5% the latency targets",
        "are not judged). `latency_busy_poll_*`: a",
        "client made with `busy_poll_s=0.002`, whose event loop polls instead of sleeping",
        "for 2 ms after each batch (a core busy while events come: `Client`'s docstring);",
        "`latency_busy_poll_p99_vs_floor_10k` is its p99 over the same C floor.",
        "`latency_loop_floor_*`: the same C pacing and a task of the benchmark's own event",
        "loop woken through the eventfd, nothing else (asyncio: a reader callback resolving",
        "the task's future; trio: `wait_readable`): what the loop itself costs;",
        "`latency_p99_vs_loop_floor_10k` is aiotim's p99 over it (no target).",
        "`latency_10k_*`: the 10k/s idle latency in three parts: `to_hub` the wake-up and the",
        "pump up to the hub (relay polled, records converted: a new-message array is decoded",
        "there, in C, straight from the relay's record), `in_hub` the hub's fan-out and",
        "queueing, `to_consumer` from there to the consumer (a loop iteration, the task",
        "resumed). `decode_one_*`: decoding one message (what every consumer does per event)",
        "back to back (`hot`) and right after a 100 µs sleep, as a thread does between events",
        "at 10k/s. Every consumer and floor decodes with aiotim's decoder",
        "(`aiotim.models.message.messages_from_bytes`, in C), so a ratio to the floor or to a",
        "naive consumer measures the pipe alone.",
        "",
        *node_notes(raw["node_peer"]),
        "",
        *load_note(load_before),
        "",
    ]
    from benchmarks.accounts import results_section

    accounts = results_section(raw["accounts"])
    print()
    for line in accounts:
        print(line)
    doc += ["", *accounts]
    if not args.no_write:
        (HERE / "RESULTS.md").write_text("\n".join(doc), encoding="utf-8")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"environment": env, "quick": args.quick, "seconds": took, **summary, "raw": raw},
                indent=2,
                sort_keys=True,
            ),
            encoding="utf-8",
        )
    return 0


def load_note(load: float) -> list[str]:
    """What the machine's load said about this run (the 1-minute load average at its start:
    at its end it counts the accounts benchmark's 50 processes)."""
    if load < 1.0:
        return [f"The machine was otherwise idle (load average {load:.1f} when the run began)."]
    return [
        "The machine is shared: other test runs were using its CPUs when this run began (load",
        f"average {load:.1f}), which depresses absolute figures and widens the latency tails",
        "more than the side-by-side ratios.",
    ]


def node_notes(node: dict[str, Any]) -> list[str]:
    if "skipped" in node:
        return [f"Node.js peer: skipped ({node['skipped']})."]
    return [
        f"`vs_node_*`: aiotim / Tencent's Node.js wrapper ({node['peer']}), both on the",
        f"loopback library, side by side, alternating, median of {node['rounds']} rounds",
        "(`benchmarks/node_peer.py`): `events_b1`/`_b100`/`_b1000` new",
        "messages at that many per callback (both decode the JSON and read each text);",
        "`convlist`/`send` TIMConvGetConvList / TIMMsgSendMessage through a loopback cloud in",
        "its own process, `calls_c*` the lower of the two; `vs_node_rss` RSS after the calls;",
        "`events_vs_floor_b1000` aiotim over one thread copying the same 1,000-message",
        "callbacks out of a C buffer and decoding them (best of three).",
        "`floor_vs_node_*_c1`: a minimal client in C making the same calls one at a time",
        "(`benchmarks/callfloor.c`, a thread asleep in epoll until the result's callback",
        "writes an eventfd) over Node, at concurrency 1 on this machine;",
        "`loop_floor_vs_node_*_c1` the same calls from a bare asyncio loop (ctypes, no aiotim);",
        "`loop_floor_vs_floor_*_c1` the loop over the C client; `*_c1_vs_floor` aiotim over",
        "the C client (no targets).",
        f"Node ran without network: {'yes (netless)' if node['netless'] else 'no'};",
        "it loaded the loopback only (hash checked before, /proc/self/maps after).",
    ]


def peer_only(quick: bool, json_file: str | None) -> int:
    """``--peer node``: the Node comparison alone, as a table."""
    node = run_script("node_peer", quick)
    if "skipped" in node:
        print(f"node peer skipped: {node['skipped']}")
        return 0
    backends = sorted(
        {k.removesuffix("_vs_node_calls_c100") for k in node if k.endswith("_vs_node_calls_c100")},
        key=lambda b: (b != "asyncio", b),
    )
    summary = {b: summarize_node(node, b) for b in backends}
    print("\n".join(table(summary)))
    print("\n" + "\n".join(node_notes(node)))
    if json_file:
        Path(json_file).write_text(
            json.dumps({"quick": quick, **summary, "raw": {"node_peer": node}}, indent=2),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
