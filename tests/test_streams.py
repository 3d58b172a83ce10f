"""Stream semantics on the hub alone (no SDK): fan-out, unclaimed events, overflow, endings."""

from __future__ import annotations

import gc
import logging

import anyio
import orjson
import pytest

from aiotim import Gap, StreamOverflow, UnreadTotalChanged
from aiotim.events.hub import EventHub
from aiotim.events.stream import Stream

pytestmark = pytest.mark.anyio

KIND = "TIMSetConvTotalUnreadMessageCountChangedCallback"


def publish(hub: EventHub, *values: int) -> None:
    for v in values:
        hub.publish(KIND, (v,))


def totals(items: list[object]) -> list[object]:
    return [i.total if isinstance(i, UnreadTotalChanged) else i for i in items]


async def take(stream: Stream[object], n: int) -> list[object]:
    with anyio.fail_after(5):
        return [await stream.__anext__() for _ in range(n)]


class TestDelivery:
    async def test_fan_out_in_order_to_every_stream(self) -> None:
        """Every stream of a kind gets every event, in publish order."""
        hub = EventHub()
        a, b = hub.subscribe(KIND), hub.subscribe(KIND)
        publish(hub, 1, 2, 3)
        assert totals(await take(a, 3)) == totals(await take(b, 3)) == [1, 2, 3]

    async def test_unclaimed_events_go_to_the_first_stream_only(self) -> None:
        """Events before any stream are kept for the first stream; a later one sees new ones."""
        hub = EventHub()
        publish(hub, 1, 2)
        first = hub.subscribe(KIND)
        second = hub.subscribe(KIND)
        publish(hub, 3)
        assert totals(await take(first, 3)) == [1, 2, 3]
        assert totals(await take(second, 1)) == [3]

    async def test_filter_applies_per_stream(self) -> None:
        """`where` filters one stream without affecting the others."""
        hub = EventHub()
        even = hub.subscribe(KIND, lambda e: e.total % 2 == 0)
        every = hub.subscribe(KIND)
        publish(hub, 1, 2, 3, 4)
        assert totals(await take(even, 2)) == [2, 4]
        assert totals(await take(every, 4)) == [1, 2, 3, 4]


def message_payload(i: int) -> bytes:
    return orjson.dumps(
        [
            {
                "message_msg_id": f"m{i}",
                "message_conv_id": "alice",
                "message_conv_type": 1,
                "message_sender": "alice",
                "message_elem_array": [{"elem_type": 0, "text_elem_content": str(i)}],
            }
        ]
    )


class TestRuns:
    """publish_many: the pump hands over a run of notifications of one kind at once."""

    async def test_a_run_reaches_plain_filtered_and_bounded_streams_in_order(self) -> None:
        """One run of 6 → every stream sees what it would have seen event by event."""
        hub = EventHub()
        plain = hub.subscribe(KIND)
        odd = hub.subscribe(KIND, lambda e: e.total % 2 == 1)
        bounded = hub.subscribe(KIND, maxsize=2, overflow="drop_oldest")
        hub.publish_many(KIND, [(v,) for v in range(1, 7)], [0] * 6)
        assert totals(await take(plain, 6)) == [1, 2, 3, 4, 5, 6]
        assert totals(await take(odd, 3)) == [1, 3, 5]
        assert totals(await take(bounded, 3)) == [Gap(4), 5, 6]

    async def test_a_malformed_payload_in_a_run_costs_only_itself(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """new messages [ok, not JSON, a JSON object, ok] → the two good ones, 2 errors."""
        hub = EventHub()
        kind = "TIMAddRecvNewMsgCallback"
        s = hub.subscribe(kind)
        batch = [(message_payload(1),), (b"{not json",), (b'{"a": 1}',), (message_payload(2),)]
        with caplog.at_level(logging.ERROR, logger="aiotim.events"):
            hub.publish_many(kind, batch, [0] * 4)
        got = await take(s, 2)
        assert [m.text for m in got] == ["1", "2"]  # type: ignore[attr-defined]
        assert len(s) == 0
        assert hub.payload_errors == {kind: 2}
        assert sum("malformed" in r.getMessage() for r in caplog.records) == 2

    async def test_a_run_of_empty_and_null_payloads_yields_nothing(self) -> None:
        """An empty string, JSON null and [] are no messages, and no errors."""
        hub = EventHub()
        kind = "TIMAddRecvNewMsgCallback"
        s = hub.subscribe(kind)
        hub.publish_many(kind, [(b"",), (b"null",), (b"[]",), (None,)], [0] * 4)
        assert len(s) == 0 and hub.payload_errors == {}

    async def test_a_run_with_no_stream_is_kept_within_the_unclaimed_limit(self) -> None:
        """A run of 5 with no stream and a limit of 3: the newest 3 wait for the first stream."""
        hub = EventHub(unclaimed_limit=3)
        hub.publish_many(KIND, [(v,) for v in range(1, 6)], [0] * 5)
        assert hub.unclaimed_dropped == {KIND: 2}
        assert totals(await take(hub.subscribe(KIND), 3)) == [3, 4, 5]
        # a run that crosses the limit of what already waits: the oldest go, counted
        hub = EventHub(unclaimed_limit=3)
        publish(hub, 1, 2)
        hub.publish_many(KIND, [(v,) for v in range(3, 7)], [0] * 4)
        assert hub.unclaimed_dropped == {KIND: 3}
        assert totals(await take(hub.subscribe(KIND), 3)) == [4, 5, 6]

    async def test_the_first_drop_of_a_kind_says_what_to_do_once(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Past the limit, one warning per kind, naming the event type, its setter, the limit
        and both remedies (a stream for it, or unclaimed_limit=0)."""
        hub = EventHub(unclaimed_limit=2)
        with caplog.at_level(logging.WARNING, logger="aiotim.events"):
            publish(hub, 1, 2, 3, 4)
        warnings = [r.getMessage() for r in caplog.records if "piling up" in r.getMessage()]
        assert len(warnings) == 1
        for part in (
            "aiotim.UnreadTotalChanged",
            KIND,
            "unclaimed_limit=2",
            "client.events(aiotim.UnreadTotalChanged)",
            "unclaimed_limit=0",
        ):
            assert part in warnings[0]
        assert hub.unclaimed_dropped == {KIND: 2}

    async def test_a_limit_of_0_keeps_none_counts_them_and_says_nothing(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """unclaimed_limit=0: a run with no stream is dropped whole (it raised IndexError in
        the hub before), counted, not logged; the first stream gets only what comes after."""
        hub = EventHub(unclaimed_limit=0)
        with caplog.at_level(logging.DEBUG, logger="aiotim.events"):
            hub.publish_many(KIND, [(v,) for v in range(1, 6)], [0] * 5)
            publish(hub, 6)
        assert hub.unclaimed_dropped == {KIND: 6}
        assert caplog.records == []
        s = hub.subscribe(KIND)
        assert len(s) == 0
        publish(hub, 7)
        assert totals(await take(s, 1)) == [7]

    @pytest.mark.parametrize("value", [-1, True, 1.5, "10", None])
    async def test_a_bad_limit_is_refused(self, value: object) -> None:
        """A limit that is not a whole number of 0 or more is a ValueError naming it."""
        with pytest.raises(ValueError, match=r"unclaimed_limit must be a whole number"):
            EventHub(unclaimed_limit=value)  # type: ignore[arg-type]

    async def test_an_integer_of_another_type_is_a_limit(self) -> None:
        """Any integer type (``operator.index``: numpy's, an IntEnum) is taken, as an int."""

        class Count:
            def __index__(self) -> int:
                return 2

        hub = EventHub(unclaimed_limit=Count())  # type: ignore[arg-type]
        assert hub.unclaimed_limit == 2 and type(hub.unclaimed_limit) is int
        publish(hub, 1, 2, 3, 4, 5)
        assert hub.unclaimed_dropped == {KIND: 3}

    async def test_one_run_past_the_high_water_mark_warns_once(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Runs of 4 into a stream with high_water=3: one warning, all 8 kept."""
        hub = EventHub()
        s = hub.subscribe(KIND, high_water=3)
        with caplog.at_level(logging.WARNING, logger="aiotim.events"):
            hub.publish_many(KIND, [(v,) for v in range(4)], [0] * 4)
            hub.publish_many(KIND, [(v,) for v in range(4)], [0] * 4)
        assert len(s) == 8
        assert sum("waiting in one stream" in r.getMessage() for r in caplog.records) == 1


class TestOverflow:
    async def test_drop_oldest_yields_a_gap_at_the_head(self) -> None:
        """maxsize=2, drop_oldest: 5 events → Gap(3), then the 2 newest."""
        hub = EventHub()
        s = hub.subscribe(KIND, maxsize=2, overflow="drop_oldest")
        publish(hub, 1, 2, 3, 4, 5)
        assert totals(await take(s, 3)) == [Gap(3), 4, 5]
        assert s.dropped == 3

    async def test_drop_newest_yields_a_gap_where_events_were_refused(self) -> None:
        """maxsize=2, drop_newest: 5 events → 1, 2, Gap(3); later events resume after it."""
        hub = EventHub()
        s = hub.subscribe(KIND, maxsize=2, overflow="drop_newest")
        publish(hub, 1, 2, 3, 4, 5)
        assert totals(await take(s, 3)) == [1, 2, Gap(3)]
        publish(hub, 6)
        assert totals(await take(s, 1)) == [6]

    async def test_raise_policy_ends_with_stream_overflow_after_queued_events(self) -> None:
        """maxsize=2, raise: the 2 queued events, then StreamOverflow; the stream is done."""
        hub = EventHub()
        s = hub.subscribe(KIND, maxsize=2, overflow="raise")
        publish(hub, 1, 2, 3, 4)
        assert totals(await take(s, 2)) == [1, 2]
        with pytest.raises(StreamOverflow):
            await s.__anext__()
        assert hub.stream_count(KIND) == 0

    async def test_unbounded_warns_once_past_the_high_water_mark(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """The default keeps everything and warns once when too many are waiting."""
        hub = EventHub()
        s = hub.subscribe(KIND, high_water=3)
        with caplog.at_level(logging.WARNING, logger="aiotim.events"):
            publish(hub, *range(10))
        assert len(s) == 10
        assert sum("waiting in one stream" in r.getMessage() for r in caplog.records) == 1

    async def test_bad_policy_arguments_are_refused(self) -> None:
        """maxsize must be positive; overflow must be one of the three policies."""
        hub = EventHub()
        with pytest.raises(ValueError, match="maxsize"):
            hub.subscribe(KIND, maxsize=0)
        with pytest.raises(ValueError, match="overflow"):
            hub.subscribe(KIND, maxsize=1, overflow="sometimes")  # type: ignore[arg-type]


class TestEndings:
    async def test_aclose_wakes_a_waiting_consumer_and_ends_iteration(self) -> None:
        """A consumer blocked in `async for` ends cleanly when the stream is closed."""
        hub = EventHub()
        s = hub.subscribe(KIND)
        seen: list[object] = []

        async def consume() -> None:
            async for item in s:
                seen.append(item)

        with anyio.fail_after(5):
            async with anyio.create_task_group() as tg:
                tg.start_soon(consume)
                await anyio.sleep(0.01)
                publish(hub, 1)
                await anyio.sleep(0.01)
                await s.aclose()
        assert totals(seen) == [1]
        assert hub.stream_count(KIND) == 0

    async def test_async_with_unsubscribes_on_exit(self) -> None:
        """Leaving `async with stream` unsubscribes it."""
        hub = EventHub()
        async with hub.subscribe(KIND) as s:
            assert hub.stream_count(KIND) == 1
        assert s.closed
        assert hub.stream_count(KIND) == 0

    async def test_hub_close_ends_streams_after_queued_items(self) -> None:
        """Closing the client (hub) ends streams; what was queued is still yielded."""
        hub = EventHub()
        s = hub.subscribe(KIND)
        publish(hub, 7)
        hub.close()
        assert totals([item async for item in s]) == [7]

    async def test_break_then_drop_unsubscribes(self) -> None:
        """After `break`, a stream nobody references is gone from the hub (held weakly)."""
        hub = EventHub()
        publish(hub, 1)
        async for _ in hub.subscribe(KIND):
            break
        gc.collect()
        assert hub.stream_count(KIND) == 0
