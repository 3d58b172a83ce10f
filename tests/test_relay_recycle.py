"""Relay records handed back for reuse (aiotim_relay_recycle, relay.c): an SDK thread reuses
the records the pump has converted, large ones included (up to 4 MB, 8 MB waiting at most); a
record too small for the next callback is replaced, one larger than the bound is freed. What
arrives must be exactly what was sent, in order, whatever the sizes in a row."""

from __future__ import annotations

import anyio
import orjson
import pytest

from aiotim.models.message import Message
from benchmarks.common import cloud_message, loopback_client

pytestmark = pytest.mark.anyio


async def test_reused_records_carry_exactly_what_was_sent() -> None:
    """Firehoses in a row with payloads of growing and shrinking size (1, 30, 2 and 1,000
    messages per callback, then one message of 5 MB, then 1 again): every message arrives once,
    in order, intact."""
    shapes = [
        orjson.dumps([cloud_message(0, text="a")]),
        orjson.dumps([cloud_message(i, text="b" * 500) for i in range(30)]),
        orjson.dumps([cloud_message(i, text="c" * 3) for i in range(2)]),
        orjson.dumps([cloud_message(i, text=f"d{i}") for i in range(1000)]),  # ~1 MB records
        orjson.dumps([cloud_message(0, text="e" * (5 << 20))]),  # beyond the bound: freed
        orjson.dumps([cloud_message(0, text="f")]),
    ]
    async with loopback_client() as client:
        stream = client.new_messages()
        for payload, callbacks in zip(shapes, (3000, 300, 3000, 30, 3, 3000), strict=True):
            per = len(orjson.loads(payload))
            assert await client.call_raw("TIMLoopbackFirehose", callbacks, payload) == 0
            want = [Message.from_json(m) for m in orjson.loads(payload)]
            with anyio.fail_after(30):
                for _ in range(callbacks):
                    got = [await stream.__anext__() for _ in range(per)]
                    assert got == want
        assert len(stream) == 0
        stream.close()
