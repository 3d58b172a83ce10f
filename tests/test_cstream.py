"""The C queue under Stream (aiotim/events/_cstream.c): its ``async for`` step hands queued
events over without a coroutine; these check that what comes out is exactly what went in, in
order, on both backends, whatever the values, and that the markers, the compaction of the
queue, explicit ``__anext__``/``anext`` calls and the garbage collector behave."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import anyio
import pytest

from aiotim import Gap, StreamOverflow
from aiotim.events._cstream import Ready
from aiotim.events.stream import Stream

pytestmark = pytest.mark.anyio


async def drain(stream: Stream[Any], n: int) -> list[Any]:
    out: list[Any] = []
    with anyio.fail_after(5):
        async for item in stream:
            out.append(item)
            if len(out) == n:
                break
    return out


async def test_values_of_every_shape_come_out_unchanged() -> None:
    """Tuples, exceptions, None and StopIteration itself are values, not control flow: each
    comes out as it went in (StopIteration(value) would otherwise unpack a tuple)."""
    exc = ValueError("boom")
    values: list[Any] = [(1, 2), (), exc, None, StopIteration(3), 0, "x", [1], {"a": 1}]
    s: Stream[Any] = Stream("k")
    s.put_many(values)
    got = await drain(s, len(values))
    assert len(got) == len(values)
    assert all(a is b for a, b in zip(got, values, strict=True))
    assert len(s) == 0


async def test_order_and_counts_across_compaction() -> None:
    """50,000 events put in runs and taken in between: in order, nothing lost or repeated,
    len() right at every step (the list under the queue is compacted as the head moves)."""
    s: Stream[int] = Stream("k")
    taken: list[int] = []
    nxt = 0
    for run in range(50):
        s.put_many(list(range(nxt, nxt + 1000)))
        nxt += 1000
        want = 700 if run % 3 else 1300
        want = min(want, len(s))
        taken += await drain(s, want)
        assert len(s) == nxt - len(taken)
    taken += await drain(s, len(s))
    assert taken == list(range(nxt))


async def test_explicit_anext_and_builtin_anext() -> None:
    s: Stream[int] = Stream("k")
    s.put_many([1, 2, 3])
    assert await s.__anext__() == 1
    assert await anext(s) == 2
    assert s.get_nowait() == 3
    with pytest.raises(anyio.WouldBlock):
        s.get_nowait()


async def test_waits_then_gets_what_is_put() -> None:
    """With nothing queued the step waits (the Python path) and the producer wakes it."""
    s: Stream[int] = Stream("k")
    got: list[int] = []

    async def consume() -> None:
        got.extend(await drain(s, 3))

    async with anyio.create_task_group() as tg:
        tg.start_soon(consume)
        await anyio.sleep(0.01)
        s.put_many([7])
        await anyio.sleep(0.01)
        s.put_many([8, 9])
    assert got == [7, 8, 9]


async def test_markers_still_come_through_in_place() -> None:
    """drop_newest queues a gap marker after the kept events, raise an overflow marker: the C
    step leaves both to the Python path, which yields the Gap and raises StreamOverflow."""
    lossy: Stream[Any] = Stream("k", maxsize=2, overflow="drop_newest")
    lossy.put_many([1, 2, 3, 4])
    assert await drain(lossy, 3) == [1, 2, Gap(2)]
    oldest: Stream[Any] = Stream("k", maxsize=2, overflow="drop_oldest")
    oldest.put_many([1, 2, 3])
    assert await drain(oldest, 3) == [Gap(1), 2, 3]
    strict: Stream[Any] = Stream("k", maxsize=1, overflow="raise")
    strict.put_many([1, 2])
    assert await strict.__anext__() == 1
    with pytest.raises(StreamOverflow):
        await strict.__anext__()


async def test_end_after_queued_and_close_discards() -> None:
    s: Stream[int] = Stream("k")
    s.put_many([1, 2])
    s.end()
    assert [x async for x in s] == [1, 2]
    t: Stream[int] = Stream("k")
    t.put_many([1, 2])
    t.close()
    assert len(t) == 0
    assert [x async for x in t] == []


def test_ready_is_a_done_awaitable() -> None:
    """The step's awaitable: one value through StopIteration, then exhausted; send(None),
    throw() and close() as an iterator that has finished would."""
    s: Stream[Any] = Stream("k")
    s.put_many([(5, 6), 7, 8])
    r: Any = s.__anext__()
    assert type(r) is Ready
    with pytest.raises(StopIteration) as stop:
        r.send(None)
    assert stop.value.value == (5, 6)
    with pytest.raises(StopIteration) as again:
        next(r)
    assert again.value.value is None
    r2: Any = s.__anext__()
    with pytest.raises(KeyError):
        r2.throw(KeyError("x"))
    r3: Any = s.__anext__()
    r3.close()
    assert len(s) == 0


def test_queue_in_a_cycle_is_collected() -> None:
    """A stream whose queue holds something that refers back to it is freed by the GC."""

    class Holder:
        pass

    s: Stream[Any] = Stream("k")
    h = Holder()
    h.stream = s  # type: ignore[attr-defined]
    s.put_many([h])
    probe = weakref.ref(s)
    del s, h
    gc.collect()
    assert probe() is None
