"""Awaitable calls per second against ``TIMLoopbackEcho`` (it completes at once, from the SDK's
callback thread), at concurrency 1, 100 and 10,000.

- ``aiotim``: ``await client.call_raw("TIMLoopbackEcho", b"{}")`` (pending table → relay → pump);
- ``naive``: ctypes call with an integer ``user_data``, one ctypes callback that runs on the SDK
  thread and does ``call_soon_threadsafe(resolve, id, code, json)`` into a dict of futures
  (trio: ``TrioToken.run_sync_soon`` and a ``trio.Event`` per call). Both decode the JSON result.

Rates are the best of the rounds; each ratio is taken within a round (aiotim, then naive right
after) and the median over the rounds is reported.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import anyio
import orjson

from benchmarks.common import (
    NaiveSDK,
    anyio_run,
    backends,
    emit,
    loopback_client,
    parse_args,
    with_medians,
)

CONCURRENCY = (1, 100, 10_000)


async def _spread(total: int, conc: int, one: Any) -> float:
    per = max(1, total // conc)

    async def worker() -> None:
        for _ in range(per):
            await one()

    t0 = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for _ in range(conc):
            tg.start_soon(worker)
    return per * conc / (time.perf_counter() - t0)


def aiotim_calls(backend: str, total: int) -> dict[int, float]:
    async def main() -> dict[int, float]:
        out = {}
        async with loopback_client() as client:

            async def one() -> None:
                assert await client.call_raw("TIMLoopbackEcho", b"{}") == {}

            await _spread(min(total, 2000), 10, one)  # warm-up
            for c in CONCURRENCY:
                out[c] = await _spread(total if c > 1 else total // 5, c, one)
            assert client.stats()["pending"] == 0
        return out

    return dict(anyio_run(main, backend))


def naive_calls(backend: str, total: int) -> dict[int, float]:
    async def main() -> dict[int, float]:
        out = {}
        with NaiveSDK() as sdk:
            ids = itertools.count(1)
            echo = sdk.lib.TIMLoopbackEcho
            if backend == "trio":
                import trio

                token = trio.lowlevel.current_trio_token()
                waiting: dict[int, list[Any]] = {}

                def resolve_trio(ud: int, code: int, json: bytes | None) -> None:
                    slot = waiting.pop(ud, None)
                    if slot is not None:
                        slot.append((code, json))
                        slot[0].set()

                cb = sdk.COMM(
                    lambda code, desc, json, ud: token.run_sync_soon(resolve_trio, ud, code, json)
                )

                async def one() -> None:
                    i = next(ids)
                    slot: list[Any] = [trio.Event()]
                    waiting[i] = slot
                    assert echo(b"{}", cb, i) == 0
                    await slot[0].wait()
                    code, json = slot[1]
                    assert code == 0
                    assert orjson.loads(json) == {}
            else:
                loop = asyncio.get_running_loop()
                futures: dict[int, asyncio.Future[Any]] = {}

                def resolve(ud: int, code: int, json: bytes | None) -> None:
                    fut = futures.pop(ud, None)
                    if fut is not None and not fut.done():
                        fut.set_result((code, json))

                soon = loop.call_soon_threadsafe
                cb = sdk.COMM(lambda code, desc, json, ud: soon(resolve, ud, code, json))

                async def one() -> None:
                    i = next(ids)
                    fut = futures[i] = loop.create_future()
                    assert echo(b"{}", cb, i) == 0
                    code, json = await fut
                    assert code == 0
                    assert orjson.loads(json) == {}

            await _spread(min(total, 2000), 10, one)
            for c in CONCURRENCY:
                out[c] = await _spread(total if c > 1 else total // 5, c, one)
        return out

    return dict(anyio_run(main, backend))


def run(quick: bool, which: list[str] | None = None) -> dict[str, Any]:
    total = 15_000 if quick else 100_000
    rounds = 1 if quick else 3
    best: dict[str, dict[int, float]] = {}
    ratios: dict[str, list[float]] = {}
    for _ in range(rounds):
        # aiotim and naive one right after the other; a ratio per round, the median reported
        for b in which or backends():
            got = {
                name: fn(b, total)
                for name, fn in (("aiotim", aiotim_calls), ("naive", naive_calls))
            }
            for name, r in got.items():
                cur = best.setdefault(f"{name}_{b}", {})
                for c, v in r.items():
                    cur[c] = max(cur.get(c, 0.0), v)
            for c in CONCURRENCY:
                ratios.setdefault(f"{b}_vs_naive_c{c}", []).append(
                    got["aiotim"][c] / got["naive"][c]
                )
    return with_medians(
        {
            "total": total,
            "rounds": rounds,
            "rates": {k: {str(c): v for c, v in d.items()} for k, d in best.items()},
        },
        ratios,
    )


if __name__ == "__main__":
    args = parse_args(__doc__)
    result = run(args.quick, args.backend)
    for k, d in sorted(result["rates"].items()):
        print(f"{k:>16}: " + "  ".join(f"c{c}: {v:10,.0f}/s" for c, v in d.items()))
    emit(result)
