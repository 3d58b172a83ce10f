"""Latency and SDK-thread stall under a paced firehose (``TIMLoopbackFirehosePaced``).

Latency: from the relay trampoline's entry on the SDK thread (``t_push_ns``, CLOCK_MONOTONIC,
the third argument of the hub's ``publish_many``, read by a wrapper around it) to the consumer's
receipt of the message (``time.monotonic_ns()`` after ``await stream.__anext__()``), at 1k, 10k
and 100k events/s, with the loop idle and with the loop busy (another task running pure-Python
work in 1 ms slices). The wrapper also stamps the hub's entry and return, which splits each
latency in three: to the hub (wake-up, relay polled, records converted), in the hub (decoding,
queueing), to the consumer (a loop iteration, the consumer's task resumed).

Stall: the time the SDK's firing thread spends inside the callback, for each callback, measured
by the loopback around the call (``TIMLoopbackFirehoseSample``), for aiotim's C trampoline and
for a naive ctypes callback (which takes the GIL on the SDK thread), idle and busy, at 10k/s.
The relay's own counters (log2 buckets of the time inside the trampoline) are reported too.

Floor: the same pacing in C, woken through an eventfd in ``epoll_wait`` (``wakeprobe.c``): what
any consumer that sleeps between events gets on this machine, measured right before each idle
rate's run (in a worker thread, the client idle). Loop floor: the same C pacing, and a task of
the benchmark's own event loop woken through the eventfd, with no aiotim in between (asyncio: a
reader callback resolving the task's future, as aiotim's pump wakes a stream's consumer; trio:
``wait_readable``): what the event loop itself costs, for comparison (no target).

Decode: one message's decoding (the consumers' per-event work), back to back and after a 100 us
sleep each time: the same work is several times slower on a thread that has just woken up.
"""

from __future__ import annotations

import asyncio
import functools
import os
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import anyio.to_thread
import sniffio

import aiotim
from aiotim._native.loader import SDKSource
from aiotim.loopback.sdk import loopback_library_path
from benchmarks.common import (
    APP_ID,
    PAYLOAD,
    NaiveSDK,
    anyio_run,
    backends,
    busy_loop,
    client_samples,
    emit,
    pace_eventfd,
    parse_args,
    summarize_ns,
    wake_floor,
    work,
)

RATES = (1_000, 10_000, 100_000)


def _hist_pct(hist: list[int], q: float) -> float:
    """Upper bound (ns) of the log2 bucket holding the q-th percentile."""
    total = sum(hist)
    if not total:
        return float("nan")
    need = q / 100 * total
    acc = 0
    for i, n in enumerate(hist):
        acc += n
        if acc >= need:
            return float(2 ** (i + 1))
    return float(2 ** len(hist))


def _deadline(count: int, rate: int) -> float:
    """How long receiving a paced run may take before the benchmark fails (instead of hanging):
    ten times the firehose's own duration, and a minute more."""
    return 60.0 + 10 * count / rate


async def loop_floor(count: int, rate: int) -> list[int]:
    """Latencies (ns) of ``count`` paced wake-ups (``common.pace_eventfd``) of a task of the
    running event loop waiting on an eventfd: the loop's own floor (see the module's doc)."""
    efd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
    lat: list[int] = []
    clock = time.monotonic_ns
    paced = False
    try:
        if sniffio.current_async_library() == "trio":
            import trio

            async def wait() -> None:
                await trio.lowlevel.wait_readable(efd)

            remove: Callable[[], object] = lambda: None  # noqa: E731 - nothing registered
        else:
            loop = asyncio.get_running_loop()
            waiter: list[asyncio.Future[None]] = []

            def readable() -> None:
                if waiter and not waiter[-1].done():
                    waiter[-1].set_result(None)

            async def wait() -> None:
                waiter.append(loop.create_future())
                await waiter[-1]
                waiter.pop()

            loop.add_reader(efd, readable)
            remove = functools.partial(loop.remove_reader, efd)
        try:
            stamps = pace_eventfd(efd, count, rate)
            paced = True
            with anyio.fail_after(_deadline(count, rate)):
                while len(lat) < count:
                    try:
                        woken = os.eventfd_read(efd)
                    except BlockingIOError:
                        await wait()
                        continue
                    now = clock()
                    lat.extend(now - stamps[i] for i in range(len(lat), len(lat) + woken))
        finally:
            remove()
    finally:
        # Only once every write was read: the pacing thread is done with it. (Cut short, the
        # fd stays open: closed, its number could be reused by a file the thread then writes.)
        if not paced or len(lat) >= count:
            os.close(efd)
    return lat


#: the idle runs are measured in this many slices, each kind's slices interleaved (see
#: ``aiotim_paced``)
SLICES = 5
#: the busy-polling client's window (``Client(busy_poll_s=)``): longer than the gap between
#: events at 1k/s, so it polls through the whole run at 1k and 10k/s
BUSY_POLL_S = 0.002
#: the rates the floors and the busy-polling client are measured at
FLOOR_RATES = (1_000, 10_000)


def steal_ticks() -> tuple[int, int]:
    """(steal, total) CPU ticks of the whole machine so far (``/proc/stat``): time the
    hypervisor ran something else while a vCPU had work. (0, 0) where it cannot be read."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


class _Paced:
    """One client's paced runs: its new-message stream and the stamps of its hub."""

    def __init__(self, client: aiotim.Client) -> None:
        # per message: (SDK-thread push, hub publish entered, hub publish returned)
        self.seen: deque[tuple[int, int, int]] = deque()
        self.client = client
        publish = client._hub.publish_many
        clock = time.monotonic_ns
        seen = self.seen

        def publish_stamped(kind: str, batch: list[tuple[Any, ...]], stamps: list[int]) -> None:
            if kind != "TIMAddRecvNewMsgCallback":
                publish(kind, batch, stamps)
                return
            t_in = clock()
            publish(kind, batch, stamps)
            t_out = clock()
            seen.extend((t, t_in, t_out) for t in stamps)

        client._hub.publish_many = publish_stamped  # type: ignore[method-assign]

    def open(self) -> None:
        self.stream = self.client.new_messages()
        self.fire = self.client._native.sdk.fn("TIMLoopbackFirehosePaced")

    async def run(self, count: int, rate: int, busy: bool, out: dict[str, list[int]]) -> None:
        """Fire ``count`` messages at ``rate``/s and append each one's latency (and its three
        parts, and the firing thread's stall samples) to ``out``."""
        done = anyio.Event()
        seen = self.seen
        async with anyio.create_task_group() as tg:
            if busy:
                tg.start_soon(busy_loop, done.is_set)
            await anyio.sleep(0.01)
            assert self.fire(count, rate, PAYLOAD) == 0
            with anyio.fail_after(_deadline(count, rate)):
                for _ in range(count):
                    msg = await self.stream.__anext__()
                    now = time.monotonic_ns()
                    assert msg.text is not None
                    t_push, t_in, t_out = seen.popleft()
                    out["latency"].append(now - t_push)
                    out["to_hub"].append(t_in - t_push)
                    out["in_hub"].append(t_out - t_in)
                    out["to_consumer"].append(now - t_out)
            done.set()
        out["stall"].extend(client_samples(self.client))


def _samples() -> dict[str, list[int]]:
    return {k: [] for k in ("latency", "to_hub", "in_hub", "to_consumer", "stall")}


def _summary(samples: dict[str, list[int]], hist: list[int], stall_max_ns: int) -> dict[str, Any]:
    return {
        "latency": summarize_ns(samples["latency"]),
        # where the latency goes: the wake-up and the pump up to the hub (records polled and
        # converted), the hub (decoding, queueing), and from there to the consumer (a loop
        # iteration, the task resumed)
        "to_hub": summarize_ns(samples["to_hub"]),
        "in_hub": summarize_ns(samples["in_hub"]),
        "to_consumer": summarize_ns(samples["to_consumer"]),
        "stall_sdk_view": summarize_ns(samples["stall"]),
        "stall_relay_hist_p99_le_us": _hist_pct(hist, 99) / 1e3,
        "stall_relay_max_us": stall_max_ns / 1e3,
    }


def aiotim_paced(backend: str, duration: float) -> dict[str, Any]:
    """aiotim's latency at each rate, idle and busy, and the floors, and a busy-polling
    client's latency (``Client(busy_poll_s=BUSY_POLL_S)``) idle at ``FLOOR_RATES``.

    The idle runs of one rate are cut in ``SLICES`` slices, and the kinds' slices interleaved
    (C floor, loop floor, aiotim, busy-polling aiotim, then again): this machine's noise (the
    hypervisor's steal above all) comes in bursts of tens of milliseconds to seconds, and a
    ratio of two tails measured seconds apart says more about when the bursts fell than about
    the two consumers. The steal during each rate's idle runs is reported with them."""

    async def main() -> dict[str, Any]:
        source = SDKSource(loopback_library_path(), private_copy=True)
        plain = _Paced(aiotim.Client(APP_ID, sdk=source))
        polling = _Paced(aiotim.Client(APP_ID, sdk=source, busy_poll_s=BUSY_POLL_S))
        out: dict[str, Any] = {}
        polled: dict[str, Any] = {}
        floors: dict[str, Any] = {}
        async with plain.client, polling.client:
            plain.open()
            polling.open()
            for busy in (False, True):
                for rate in RATES:
                    count = max(200, int(rate * duration))
                    key = f"{'busy' if busy else 'idle'}_{rate}"
                    samples = {"plain": _samples(), "polling": _samples()}
                    floor: list[int] = []
                    loop: list[int] = []
                    stats = {p: p.client._native.stats() for p in (plain, polling)}
                    steal0 = steal_ticks()
                    slices = 1 if busy else SLICES
                    for i in range(slices):
                        n = count // slices + (i < count % slices)
                        if not busy and rate in FLOOR_RATES:
                            floor += await anyio.to_thread.run_sync(wake_floor, n, rate)
                            loop += await loop_floor(n, rate)
                        await plain.run(n, rate, busy, samples["plain"])
                        if not busy and rate in FLOOR_RATES:
                            await polling.run(n, rate, busy, samples["polling"])
                    steal1 = steal_ticks()
                    for p, name, into in ((plain, "plain", out), (polling, "polling", polled)):
                        got = samples[name]
                        if got["latency"]:
                            after, before = p.client._native.stats(), stats[p]
                            hist = [
                                a - b
                                for a, b in zip(after.stall_hist, before.stall_hist, strict=True)
                            ]
                            into[key] = _summary(got, hist, after.stall_max_ns)
                    if floor:
                        floors[key] = {"latency": summarize_ns(floor)}
                        floors[f"loop_{key}"] = {"latency": summarize_ns(loop)}
                    if not busy:
                        total = steal1[1] - steal0[1]
                        floors[f"steal_pct_{rate}"] = (
                            100 * (steal1[0] - steal0[0]) / total if total else float("nan")
                        )
            plain.stream.close()
            polling.stream.close()
        return {"aiotim": out, "floor": floors, "busy_poll": polled}

    return dict(anyio_run(main, backend))


def naive_stall(backend: str, rate: int, duration: float) -> dict[str, Any]:
    """The naive ctypes callback (asyncio.Queue / trio channel), idle and busy."""

    async def main() -> dict[str, Any]:
        out: dict[str, Any] = {}
        soon: Callable[[Callable[[bytes], object], bytes], object]
        put: Callable[[bytes], object]
        get: Callable[[], Awaitable[bytes]]
        with NaiveSDK() as sdk:
            if backend == "trio":
                import math

                import trio

                token = trio.lowlevel.current_trio_token()
                send, recv = trio.open_memory_channel[bytes](math.inf)
                soon, put = token.run_sync_soon, send.send_nowait
                get = recv.receive
            else:
                loop = asyncio.get_running_loop()
                q: asyncio.Queue[bytes] = asyncio.Queue()
                soon, put, get = loop.call_soon_threadsafe, q.put_nowait, q.get
            cb = sdk.on_recv(lambda b, ud: soon(put, b))
            for busy in (False, True):
                count = max(200, int(rate * duration))
                done = anyio.Event()
                got = 0
                # The busy loop runs for as long as the firehose should take, plus slack, and
                # no longer (see common.busy_loop: the callback can starve for the GIL); the
                # rest is received with the loop idle, and counted.
                until = time.monotonic() + 0.01 + 3 * count / rate + 1.0
                late = 0
                async with anyio.create_task_group() as tg:
                    if busy:
                        tg.start_soon(functools.partial(busy_loop, done.is_set, until=until))
                    await anyio.sleep(0.01)
                    assert sdk.lib.TIMLoopbackFirehosePaced(count, rate, PAYLOAD) == 0
                    with anyio.move_on_after(_deadline(count, rate)):
                        while got < count:
                            work(await get())
                            got += 1
                            if busy and not late and time.monotonic() >= until:
                                late = count - got
                    done.set()
                if got < count:
                    raise RuntimeError(
                        f"naive {backend}: {got} of {count} callbacks arrived in "
                        f"{_deadline(count, rate):.0f} s"
                    )
                out[f"{'busy' if busy else 'idle'}_{rate}"] = {
                    "stall_sdk_view": summarize_ns(sdk.samples()),
                    # callbacks still to come when the busy window closed (starved for the GIL)
                    "after_busy_window": late,
                }
            sdk.off_recv(cb)
        return out

    return dict(anyio_run(main, backend))


def decode_after_sleep(n: int, gap_s: float = 0.0001) -> dict[str, dict[str, float]]:
    """The time to decode one message (``work``: loads + Message + .text), back to back and
    after each sleep of ``gap_s`` (the thread idle between events, as at 10k/s): what the same
    Python work costs once the thread has slept (cold caches, a vCPU woken up)."""
    out = {}
    for name, gap in (("hot", 0.0), ("after_sleep", gap_s)):
        lat = []
        for _ in range(n):
            if gap:
                time.sleep(gap)
            t0 = time.perf_counter_ns()
            work(PAYLOAD)
            lat.append(time.perf_counter_ns() - t0)
        out[name] = summarize_ns(lat)
    return out


def run(quick: bool, which: list[str] | None = None) -> dict[str, Any]:
    duration = 0.3 if quick else 2.0
    out: dict[str, Any] = {"decode": decode_after_sleep(2_000 if quick else 10_000)}
    for b in which or backends():
        paced = aiotim_paced(b, duration)
        out[f"floor_{b}"] = paced["floor"]
        out[f"aiotim_{b}"] = paced["aiotim"]
        out[f"busy_poll_{b}"] = paced["busy_poll"]
        # the naive callback waits for the GIL (milliseconds each when the loop is busy): a
        # quick run samples 1,000 of its callbacks, not 3,000
        out[f"naive_{b}"] = naive_stall(b, 10_000, 0.1 if quick else duration)
    return out


if __name__ == "__main__":
    args = parse_args(__doc__)
    result = run(args.quick, args.backend)
    for name, cases in result.items():
        if name == "decode":
            for case, d in cases.items():
                print(
                    f"{'decode one':>16} {case:>12}: p50 {d['p50_us']:8.1f} "
                    f"p99 {d['p99_us']:8.1f} us"
                )
            continue
        for case, r in cases.items():
            if not isinstance(r, dict):  # the steal during a rate's idle runs
                print(f"{name:>16} {case:>12}: {r:.2f}")
                continue
            lat: dict[str, float] = r.get("latency") or {}
            if "stall_sdk_view" not in r:
                print(
                    f"{name:>16} {case:>12}: latency p50 {lat['p50_us']:8.1f} "
                    f"p99 {lat['p99_us']:8.1f} p99.9 {lat['p999_us']:8.1f} us"
                )
                continue
            st = r["stall_sdk_view"]
            text = (
                f"latency p50 {lat['p50_us']:8.1f} p99 {lat['p99_us']:8.1f} "
                f"p99.9 {lat['p999_us']:8.1f} us  "
                if lat
                else " " * 50
            )
            print(
                f"{name:>16} {case:>12}: {text}stall p50 {st['p50_us']:6.2f} "
                f"p99 {st['p99_us']:6.2f} max {st['max_us']:8.1f} us"
            )
    emit(result)
