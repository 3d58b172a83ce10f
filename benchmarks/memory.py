"""Memory: RSS and tracemalloc growth after N events streamed and N echo calls with 10% cancelled.

A warm-up round (a tenth of each) runs first, so that what is measured is growth, not the
first-use cost of imports, caches and allocator arenas. ``pending_left`` is the number of
entries still in the client's pending-call table at the end (must be 0): every cancelled call
must have left it, and its late result been dropped and counted (``dropped_late``).
"""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

import anyio

from benchmarks.common import PAYLOAD, anyio_run, emit, loopback_client, parse_args, rss_mb


async def _stream(client: Any, stream: Any, n: int) -> None:
    assert await client.call_raw("TIMLoopbackFirehose", n, PAYLOAD) == 0
    for _ in range(n):
        msg = await stream.__anext__()
        assert msg.text is not None


async def _calls(client: Any, n: int, conc: int = 100) -> int:
    cancelled = 0
    per = n // conc

    async def worker(w: int) -> None:
        nonlocal cancelled
        for i in range(per):
            if (i + w) % 10 == 0:  # 10% cancelled while waiting for their result
                with anyio.CancelScope() as scope:
                    scope.cancel()
                    await client.call_raw("TIMLoopbackEcho", b"{}")
                cancelled += 1
            else:
                assert await client.call_raw("TIMLoopbackEcho", b"{}") == {}

    async with anyio.create_task_group() as tg:
        for w in range(conc):
            tg.start_soon(worker, w)
    return cancelled


def run(quick: bool, backend: str = "asyncio") -> dict[str, Any]:
    n = 100_000 if quick else 1_000_000

    async def main() -> dict[str, Any]:
        async with loopback_client() as client:
            stream = client.new_messages()
            await _stream(client, stream, n // 10)
            await _calls(client, n // 10)
            gc.collect()
            rss0 = rss_mb()
            await _stream(client, stream, n)
            rss_events = rss_mb()
            cancelled = await _calls(client, n)
            await anyio.sleep(0.2)  # late results of the cancelled calls come in and are dropped
            gc.collect()
            rss1 = rss_mb()
            # tracemalloc in a second, shorter round (tracing slows everything down and its own
            # tables would show in the RSS figures)
            tracemalloc.start()
            snap0 = tracemalloc.take_snapshot()
            await _stream(client, stream, n // 4)
            await _calls(client, n // 4)
            await anyio.sleep(0.2)
            gc.collect()
            snap1 = tracemalloc.take_snapshot()
            tracemalloc.stop()
            growth = sum(s.size_diff for s in snap1.compare_to(snap0, "filename"))
            stats = client.stats()
            stream.close()
            return {
                "n": n,
                "rss_before_mb": rss0,
                "rss_growth_mb": rss1 - rss0,
                "rss_growth_events_mb": rss_events - rss0,
                "tracemalloc_growth_kb": growth / 1e3,
                "tracemalloc_n": n // 4,
                "cancel_requested": cancelled,
                "pending_left": stats["pending"],
                "dropped_late": stats["dropped_late"],
            }

    return dict(anyio_run(main, backend))


if __name__ == "__main__":
    args = parse_args(__doc__)
    result = run(args.quick, (args.backend or ["asyncio"])[0])
    print(
        f"RSS growth {result['rss_growth_mb']:.1f} MB, tracemalloc "
        f"{result['tracemalloc_growth_kb']:.0f} kB, pending left {result['pending_left']}"
    )
    emit(result)
