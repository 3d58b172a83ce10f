"""Event throughput: TIMLoopbackFirehose → new-message callbacks → an ``async for`` consumer.

Every consumer does the same work per event: copy the payload out of C, decode it into
:class:`aiotim.Message` objects with the decoder aiotim's streams use
(``aiotim.models.message.messages_from_bytes``, in C) and read ``.text``. Variants, measured
in the same run, best of ``rounds``:

- ``aiotim``: ``async for msg in client.new_messages()`` (relay → pump → hub → stream);
- ``naive``: a ctypes callback per event on the SDK thread, ``call_soon_threadsafe(q.put_nowait,
  bytes)`` into an ``asyncio.Queue`` (trio: ``TrioToken.run_sync_soon`` into a memory channel);
- ``janus``: the ctypes callback puts into a ``janus.Queue`` (asyncio only);
- ``floor``: one thread, no event loop: copy the payload out of a C buffer and do the work.

Rates are the best of the rounds. Ratios are taken within each round between runs made one right
after the other (the floor just before each aiotim run, the naive consumer just after it), and
the median over the rounds is reported: this machine's speed drifts by tens of percent from one
second to the next, and a ratio of two bests taken minutes apart would measure the drift.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

from benchmarks.common import (
    PAYLOAD,
    NaiveSDK,
    anyio_run,
    backends,
    emit,
    loopback_client,
    parse_args,
    with_medians,
    work,
)


def floor(count: int) -> float:
    from aiotim._native._ffi import ffi

    buf = ffi.new("char[]", PAYLOAD)
    n = len(PAYLOAD)
    unpack = ffi.unpack
    t0 = time.perf_counter()
    for _ in range(count):
        work(unpack(buf, n))
    return count / (time.perf_counter() - t0)


def aiotim_rate(count: int, backend: str, warm: int) -> float:
    async def main() -> float:
        async with loopback_client() as client:
            stream = client.new_messages()
            rate = 0.0
            for n in (warm, count):
                t0 = time.perf_counter()
                rc = await client.call_raw("TIMLoopbackFirehose", n, PAYLOAD)
                assert rc == 0, rc
                got = 0
                while got < n:
                    msg = await stream.__anext__()
                    if msg.text is not None:
                        got += 1
                rate = n / (time.perf_counter() - t0)
            stream.close()
            return rate

    return float(anyio_run(main, backend))


def naive_rate(count: int, backend: str, warm: int, *, use_janus: bool = False) -> float:
    async def main_asyncio() -> float:
        loop = asyncio.get_running_loop()
        rate = 0.0
        with NaiveSDK() as sdk:
            if use_janus:
                import janus

                jq: Any = janus.Queue()
                put = jq.sync_q.put
                cb = sdk.on_recv(lambda b, ud: put(b))
                get = jq.async_q.get
            else:
                q: asyncio.Queue[bytes] = asyncio.Queue()
                put_nowait, soon = q.put_nowait, loop.call_soon_threadsafe
                cb = sdk.on_recv(lambda b, ud: soon(put_nowait, b))
                get = q.get
            for n in (warm, count):
                t0 = time.perf_counter()
                assert sdk.lib.TIMLoopbackFirehose(n, PAYLOAD) == 0
                for _ in range(n):
                    work(await get())
                rate = n / (time.perf_counter() - t0)
            sdk.off_recv(cb)
            if use_janus:
                jq.close()
                await jq.wait_closed()
        return rate

    async def main_trio() -> float:
        import trio

        token = trio.lowlevel.current_trio_token()
        send, recv = trio.open_memory_channel[bytes](math.inf)
        rate = 0.0
        with NaiveSDK() as sdk:
            soon, send_nowait = token.run_sync_soon, send.send_nowait
            cb = sdk.on_recv(lambda b, ud: soon(send_nowait, b))
            for n in (warm, count):
                t0 = time.perf_counter()
                assert sdk.lib.TIMLoopbackFirehose(n, PAYLOAD) == 0
                for _ in range(n):
                    work(await recv.receive())
                rate = n / (time.perf_counter() - t0)
            sdk.off_recv(cb)
        return rate

    return float(anyio_run(main_trio if backend == "trio" else main_asyncio, backend))


def run(quick: bool, which: list[str] | None = None) -> dict[str, Any]:
    count = 30_000 if quick else 200_000
    warm = 5_000 if quick else 20_000
    rounds = 3 if quick else 5
    bks = which or backends()
    best: dict[str, float] = {}
    ratios: dict[str, list[float]] = {}

    def keep(name: str, rate: float) -> float:
        best[name] = max(best.get(name, 0.0), rate)
        return rate

    for _ in range(rounds):
        # Each ratio is taken within a round, between runs made one after the other (the floor
        # right before each aiotim run), so that the machine's drifting noise hits both sides
        # alike; the reported ratio is the median over the rounds.
        for b in bks:
            fl = keep("floor", floor(count))
            a = keep(f"aiotim_{b}", aiotim_rate(count, b, warm))
            n = keep(f"naive_{b}", naive_rate(count, b, warm))
            ratios.setdefault(f"{b}_vs_floor", []).append(a / fl)
            ratios.setdefault(f"{b}_vs_naive", []).append(a / n)
            if b == "asyncio":
                j = keep("janus_asyncio", naive_rate(count, b, warm, use_janus=True))
                ratios.setdefault("asyncio_vs_janus", []).append(a / j)
    return with_medians({"count": count, "rounds": rounds, "rates": best}, ratios)


if __name__ == "__main__":
    args = parse_args(__doc__)
    result = run(args.quick, args.backend)
    for k, v in sorted(result["rates"].items()):
        print(f"{k:>16}: {v:12,.0f} events/s")
    emit(result)
